'use strict';
// Covers: no backend: type-checking (native pass only), every platform with typescript; what: the public types, and misuse reported.
// Runs the type test: `tsc --noEmit -p test/types` (and its nodenext and bundler variants) over
// test/types/usage.ts and usage-esm.mts, which use every public name with correct types and
// mark misuse with @ts-expect-error. A second check shows the type test can fail: a misuse
// without the marker must be reported.
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');

function findTsc() {
  try {
    return require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    return undefined;
  }
}
const tsc = findTsc();
const skip = tsc === undefined && 'typescript is not installed (npm install adds it as a devDependency)';

function runTsc(args) {
  return spawnSync(process.execPath, [tsc, ...args], { cwd: root, encoding: 'utf8' });
}

// The package's "exports" resolve, with their types, under each module resolution users set:
// node16 and nodenext (require gives index.d.ts, import index.d.mts) and bundler.
for (const config of ['tsconfig.json', 'tsconfig.nodenext.json', 'tsconfig.bundler.json']) {
  test(`test/types/usage.ts and usage-esm.mts type-check against dist/ (${config})`, { skip }, () => {
    const r = runTsc(['--noEmit', '-p', path.join('test', 'types', config)]);
    assert.strictEqual(r.status, 0, r.stdout + r.stderr);
  });
}

test('misuse of the public types is reported', { skip }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-types-'));
  try {
    const file = path.join(dir, 'misuse.ts');
    const entry = path.join(root, 'dist', 'index.js');
    fs.writeFileSync(file, `import { configure, readFile } from ${JSON.stringify(entry)};
      configure({ bufferSize: '64k' });
      export async function f(): Promise<Buffer> { return readFile('x', 'utf8'); }\n`);
    const r = runTsc(['--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16',
      '--target', 'ES2022', '--skipLibCheck', '--types', 'node', '--typeRoots', path.join(root, 'node_modules', '@types'), file]);
    assert.notStrictEqual(r.status, 0);
    assert.match(r.stdout, /misuse\.ts\(2,\d+\): error TS2322/);
    assert.match(r.stdout, /misuse\.ts\(3,\d+\): error TS2322/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
