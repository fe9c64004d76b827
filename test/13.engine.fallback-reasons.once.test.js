'use strict';
// Covers: the node:fs fallback when no addon loads (native pass only; dist/ copied without its addon), every platform (prebuild-tag case Linux); what: the reason given, AYAFILEIO_BACKEND=native or an unknown value fails loudly.
// Without a loadable addon the library runs on the fallback and says why; forcing the native
// backend then fails loudly instead of silently falling back.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { MODULES } = require('./_lib/internals.js');

const dist = path.join(__dirname, '..', 'dist');
/** The platforms with a native backend (io_uring, IOCP, Dispatch I/O). */
const NATIVE_PLATFORM = ['linux', 'win32', 'darwin'].includes(process.platform);

/** Run `code` against a copy of dist/ that has no addon next to it (or only `addon`, a module's source). */
function runWithoutAddon(code, backend, addon) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-noaddon-'));
  try {
    fs.cpSync(dist, path.join(dir, 'dist'), { recursive: true });
    const env = { ...process.env, AYAFILEIO_BACKEND: backend };
    delete env.AYAFILEIO_ADDON;
    if (addon !== undefined) {
      env.AYAFILEIO_ADDON = path.join(dir, 'addon.js');
      fs.writeFileSync(env.AYAFILEIO_ADDON, addon);
    }
    return spawnSync(process.execPath, ['-e', code], { cwd: dir, env, encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('no addon: fallback backend, reason says the addon is missing, ops work', () => {
  const r = runWithoutAddon(`
    const { open, getBackendInfo } = require('./dist/index.js');
    (async () => {
      const f = await open(process.execPath, 'rb');
      const st = await f.stat();
      await f.close();
      process.stdout.write(JSON.stringify({ info: getBackendInfo(), size: st.size }));
    })();`, 'auto');
  assert.strictEqual(r.status, 0, r.stderr);
  const { info, size } = JSON.parse(r.stdout);
  assert.strictEqual(info.backend, 'fallback');
  assert.strictEqual(info.isTrulyAsync, false);
  assert.match(info.reason, NATIVE_PLATFORM ? /addon missing/ : /no native backend/);
  assert.strictEqual(size, fs.statSync(process.execPath).size);
});

test('AYAFILEIO_BACKEND=native without an addon: getBackendInfo() throws with the reason', { skip: NATIVE_PLATFORM ? false : 'no native backend here' }, () => {
  const r = runWithoutAddon(`
    const { getBackendInfo } = require('./dist/index.js');
    try { getBackendInfo(); process.stdout.write('no error'); } catch (e) { process.stdout.write(e.message); }`, 'native');
  assert.strictEqual(r.status, 0, r.stderr);
  assert.match(r.stdout, /AYAFILEIO_BACKEND=native.*addon missing/);
});

test('an addon built for another binding contract is not loaded; the reason says to rebuild', () => {
  const r = runWithoutAddon(`
    const { getBackendInfo } = require('./dist/index.js');
    process.stdout.write(JSON.stringify(getBackendInfo()));`, 'auto', "module.exports = { backend: 'io_uring', contractVersion: 1 };");
  assert.strictEqual(r.status, 0, r.stderr);
  const info = JSON.parse(r.stdout);
  assert.strictEqual(info.backend, 'fallback');
  assert.match(info.reason, /built for contract 1, this package needs 3 \(rebuild it/);
});

test('AYAFILEIO_BACKEND with an unknown value is an error at the first use, naming the valid values', () => {
  const r = spawnSync(process.execPath, ['-e', `
    const aya = require('./dist/index.js');
    const out = {};
    try { aya.getBackendInfo(); } catch (err) { out.info = err.message; }
    aya.readFile(process.execPath).then(() => { out.read = 'resolved'; }, (err) => { out.read = err.message; })
      .then(() => process.stdout.write(JSON.stringify(out)));`], {
    cwd: path.join(__dirname, '..'),
    env: { ...process.env, AYAFILEIO_BACKEND: 'io-uring' },
    encoding: 'utf8',
  });
  assert.strictEqual(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  for (const message of [out.info, out.read]) {
    assert.match(message, /AYAFILEIO_BACKEND="io-uring" is not one of 'auto', 'native', 'fallback'/);
  }
});

test('the reason names the prebuild this process needs, the ones the package has, and how to build one', { skip: process.platform !== 'linux' ? 'prebuild tags with a libc are Linux-only' : false }, () => {
  const r = runWithoutAddon(`
    const { prebuildTag, linuxLibc } = require('./dist/${MODULES.binding}');
    const { getBackendInfo } = require('./dist/index.js');
    process.stdout.write(JSON.stringify({ tag: prebuildTag(), libc: linuxLibc(), reason: getBackendInfo().reason }));`, 'auto');
  assert.strictEqual(r.status, 0, r.stderr);
  const { tag, libc, reason } = JSON.parse(r.stdout);
  // This process's libc, as the dynamic loader it runs under says.
  const musl = fs.readFileSync('/proc/self/maps', 'utf8').includes('ld-musl');
  assert.strictEqual(libc, musl ? 'musl' : 'glibc');
  assert.strictEqual(tag, `linux-${process.arch}-${libc}`);
  assert.ok(reason.includes(`no prebuild for ${tag} in this package (it has: none)`), reason);
  assert.match(reason, /npm explore ayafileio -- npm run build:addon/);
});
