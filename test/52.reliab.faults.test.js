'use strict';
// Covers: every backend (native, waiter-thread and fallback passes), every platform (tmpfs cases Linux as root, root-owned-file case POSIX as root, unlinked-file case POSIX); what: faults give Node-shaped errors, no crash.
// Faults (issue 4): each gives a Node-shaped error (rejected promise, never a synchronous
// throw) and no crash, on whichever backend this pass runs.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const {
  isRoot, NOBODY, tmpDir, assertNodeError, rejectsWithCode, noSyncThrow, runNode, lastJson, assertChildOk,
  mountTmpfs, remountReadOnly, openFilePaths,
} = require('./_lib/reliab-util.js');
const aya = require('../dist/index.js');

const MiB = 1024 * 1024;

/** Assert `promise` rejects with a TypeError/RangeError carrying `code` (argument errors). */
async function rejectsArgError(promise, Ctor, code) {
  assert.ok(promise && typeof promise.then === 'function', 'returned a promise');
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof Ctor, `expected ${Ctor.name}, got ${e && e.name}: ${e && e.message}`);
    assert.strictEqual(e.code, code);
    return true;
  });
}

test('ENOSPC on a full 1 MiB tmpfs: write/flush reject ENOSPC, close releases the fd', async (t) => {
  const mnt = mountTmpfs(t, '1m');
  if (mnt.startsWith('skip:')) return t.skip(mnt.slice(6));
  const file = path.join(mnt, 'big');
  const f = await aya.open(file, 'wb');
  let err;
  try {
    await f.write(Buffer.alloc(2 * MiB, 0x61));
    await f.flush();
  } catch (e) {
    err = e;
  }
  assertNodeError(err, 'ENOSPC', 'write');
  // close() may report the same failure again (the buffer still holds what did not fit) but
  // must release the fd either way.
  await f.close().catch((e) => assertNodeError(e, 'ENOSPC', 'write'));
  assert.strictEqual(f.closed, true);
  assert.ok(!openFilePaths().includes(file), 'no fd left open on the file after close');
});

test('ENOSPC with concurrent writeAt: every acknowledged chunk is on disk, the rest reject ENOSPC', async (t) => {
  const mnt = mountTmpfs(t, '1m');
  if (mnt.startsWith('skip:')) return t.skip(mnt.slice(6));
  const file = path.join(mnt, 'chunks');
  const f = await aya.open(file, 'w+b');
  const CHUNK = 64 * 1024;
  const chunks = Array.from({ length: 32 }, (_, i) => Buffer.alloc(CHUNK, i + 1));
  const results = await Promise.allSettled(chunks.map((c, i) => f.writeAt(i * CHUNK, c)));
  await f.close().catch(() => {});
  const ok = results.filter((r) => r.status === 'fulfilled');
  const failed = results.filter((r) => r.status === 'rejected');
  assert.ok(ok.length > 0, 'some chunks fit');
  assert.ok(failed.length > 0, '2 MiB cannot fit in 1 MiB');
  for (const r of failed) assertNodeError(r.reason, 'ENOSPC', 'write');
  const disk = fs.readFileSync(file);
  results.forEach((r, i) => {
    if (r.status !== 'fulfilled') return;
    assert.strictEqual(r.value, CHUNK);
    assert.ok(disk.subarray(i * CHUNK, (i + 1) * CHUNK).equals(chunks[i]), `acknowledged chunk ${i} is on disk`);
  });
  t.diagnostic(`${ok.length} chunks acknowledged and on disk, ${failed.length} rejected ENOSPC`);
});

test('ENOENT: open of a missing file for reading, and in a missing directory for writing', async (t) => {
  const dir = tmpDir(t);
  const missing = path.join(dir, 'nope');
  let e = await rejectsWithCode(noSyncThrow(() => aya.open(missing, 'rb')), 'ENOENT', 'open');
  assert.strictEqual(e.path, missing);
  assert.strictEqual(e.message, `ENOENT: no such file or directory, open '${missing}'`);
  await rejectsWithCode(noSyncThrow(() => aya.open(missing, 'r+b')), 'ENOENT', 'open');
  e = await rejectsWithCode(noSyncThrow(() => aya.open(path.join(dir, 'no', 'f'), 'wb')), 'ENOENT', 'open');
  assert.strictEqual(e.path, path.join(dir, 'no', 'f'));
});

test('EISDIR: opening a directory for writing; for reading, open or the first read says EISDIR', async (t) => {
  const dir = tmpDir(t);
  await rejectsWithCode(noSyncThrow(() => aya.open(dir, 'wb')), 'EISDIR', 'open');
  await rejectsWithCode(noSyncThrow(() => aya.open(dir, 'r+b')), 'EISDIR', 'open');
  let f;
  try {
    f = await aya.open(dir, 'rb');
  } catch (e) {
    assertNodeError(e, 'EISDIR', 'open'); // Python's choice: refuse at open
    return;
  }
  await rejectsWithCode(noSyncThrow(() => f.read()), 'EISDIR', 'read');
  await f.close();
});

test('EBADF: wrapFd of a closed fd, raw ops on a bad fd, methods after close', async (t) => {
  const dir = tmpDir(t);
  const p = path.join(dir, 'f');
  fs.writeFileSync(p, 'data');
  const fd = fs.openSync(p, 'r');
  fs.closeSync(fd);
  await rejectsWithCode(noSyncThrow(() => aya.wrapFd(fd, 'rb')), 'EBADF');

  const backend = require('./_lib/internals.js').engine.getBackend();
  const ebadf = -require('./_lib/uv-errno.js').EBADF;
  assert.strictEqual(await backend.read(fd, Buffer.alloc(4), 0, 4, 0), ebadf);
  assert.strictEqual(await backend.write(fd, Buffer.alloc(4), 0, 4, 0), ebadf);
  assert.strictEqual(await backend.fsync(fd, false), ebadf);
  assert.strictEqual(await backend.close(fd), ebadf);

  const f = await aya.open(p, 'r+b');
  await f.close();
  for (const call of [() => f.read(1), () => f.write(Buffer.from('x')), () => f.readAt(0, 1), () => f.writeAt(0, Buffer.from('x')),
    () => f.seek(0), () => f.tell(), () => f.truncate(0), () => f.stat(), () => f.flush(), () => f.sync()]) {
    const err = await noSyncThrow(call).then(() => assert.fail('resolved after close'), (e) => e);
    assert.ok(err instanceof Error);
    assert.strictEqual(err.code, 'EBADF', `after close: ${err.message}`);
  }
  await f.close(); // idempotent
});

test('EACCES as a non-root user (setpriv to nobody): read and write opens of a 0600 root file', {
  skip: process.platform === 'win32' ? 'setpriv and POSIX owners and modes do not exist on Windows' : !isRoot && 'needs root to create a root-owned file and drop to nobody',
}, async (t) => {
  const dir = tmpDir(t);
  fs.chmodSync(dir, 0o755);
  const secret = path.join(dir, 'secret');
  fs.writeFileSync(secret, 'root only', { mode: 0o600 });
  const code = `
    const aya = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'index.js'))});
    const out = {};
    const attempt = (name, p) => p.then(() => { out[name] = 'opened'; }, (e) => { out[name] = [e.code, e.syscall, e.errno, e.message]; });
    (async () => {
      await attempt('read', aya.open(${JSON.stringify(secret)}, 'rb'));
      await attempt('write', aya.open(${JSON.stringify(secret)}, 'r+b'));
      await attempt('create', aya.open(${JSON.stringify(path.join(dir, 'new'))}, 'wb'));
      out.uid = process.getuid();
      console.log(JSON.stringify(out));
    })();`;
  const r = await runNode(code, { spawnWith: ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'], killAfterMs: 60_000 });
  assertChildOk(r);
  const out = lastJson(r.stdout);
  assert.strictEqual(out.uid, NOBODY);
  for (const k of ['read', 'write', 'create']) {
    assert.deepStrictEqual(out[k].slice(0, 3), ['EACCES', 'open', -13], `${k}: ${JSON.stringify(out[k])}`);
    assert.match(out[k][3], /^EACCES: permission denied, open '/);
  }
  assert.strictEqual(fs.existsSync(path.join(dir, 'new')), false);
});

test('file unlinked by another process while open: reads and writes go on, nlink is 0', {
  skip: process.platform === 'win32' ? 'Windows keeps a deleted open file (delete pending) until its last handle closes' : false,
}, async (t) => {
  const dir = tmpDir(t);
  const p = path.join(dir, 'doomed');
  fs.writeFileSync(p, Buffer.alloc(10000, 0x41));
  const f = await aya.open(p, 'r+b');
  const r = await runNode(`require('fs').unlinkSync(${JSON.stringify(p)})`);
  assertChildOk(r);
  assert.strictEqual(fs.existsSync(p), false);
  assert.strictEqual(await f.writeAt(20000, Buffer.from('tail')), 4);
  assert.deepStrictEqual(await f.readAt(9998, 4), Buffer.from([0x41, 0x41, 0, 0]));
  const st = await f.stat();
  assert.strictEqual(st.nlink, 0);
  assert.strictEqual(st.size, 20004);
  assert.strictEqual((await f.read()).length, 20004);
  await f.close();
});

test('file truncated by another process while open: positional reads see EOF, no error or crash', async (t) => {
  const dir = tmpDir(t);
  const p = path.join(dir, 'shrinks');
  fs.writeFileSync(p, Buffer.alloc(200000, 0x42));
  const f = await aya.open(p, 'rb');
  assert.strictEqual((await f.read(10)).length, 10);
  const r = await runNode(`require('fs').truncateSync(${JSON.stringify(p)}, 100)`);
  assertChildOk(r);
  assert.strictEqual((await f.readAt(150000, 10)).length, 0, 'past the new EOF');
  assert.deepStrictEqual(await f.readAt(95, 10), Buffer.alloc(5, 0x42));
  assert.strictEqual((await f.stat()).size, 100);
  // Buffered bytes read before the truncation may still be returned (as in Python), but a
  // read to EOF ends: it cannot return more than the buffer held plus the new file.
  const rest = await f.read();
  assert.ok(Buffer.isBuffer(rest) && rest.length <= 200000);
  assert.ok(rest.every((b) => b === 0x42));
  await f.close();
});

test('read-only filesystem: opens for writing fail EROFS, reading still works', async (t) => {
  const mnt = mountTmpfs(t, '1m');
  if (mnt.startsWith('skip:')) return t.skip(mnt.slice(6));
  fs.writeFileSync(path.join(mnt, 'ro'), 'frozen');
  const why = remountReadOnly(mnt);
  if (why) return t.skip(why.slice(6));
  await rejectsWithCode(noSyncThrow(() => aya.open(path.join(mnt, 'ro'), 'r+b')), 'EROFS', 'open');
  await rejectsWithCode(noSyncThrow(() => aya.open(path.join(mnt, 'ro'), 'ab')), 'EROFS', 'open');
  await rejectsWithCode(noSyncThrow(() => aya.open(path.join(mnt, 'new'), 'wb')), 'EROFS', 'open');
  const f = await aya.open(path.join(mnt, 'ro'), 'rb');
  assert.strictEqual((await f.read()).toString(), 'frozen');
  await f.close();
});

test('a path with a NUL byte is rejected (ERR_INVALID_ARG_VALUE, like fs), as a promise', async (t) => {
  const dir = tmpDir(t);
  await rejectsArgError(noSyncThrow(() => aya.open(path.join(dir, 'a\0b'), 'wb')), TypeError, 'ERR_INVALID_ARG_VALUE');
  await rejectsArgError(noSyncThrow(() => aya.open(Buffer.from(`${dir}/a\0b`), 'wb')), TypeError, 'ERR_INVALID_ARG_VALUE');
  // fs agrees on the code
  assert.throws(() => fs.openSync(path.join(dir, 'a\0b'), 'w'), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.deepStrictEqual(fs.readdirSync(dir), [], 'nothing was created (no truncated name "a")');
});

test('huge sizes: read(2**53) and readAt(0, 2**53) reject ERR_OUT_OF_RANGE instead of allocating', async (t) => {
  const dir = tmpDir(t);
  const p = path.join(dir, 'small');
  fs.writeFileSync(p, 'abc');
  const f = await aya.open(p, 'r+b');
  await rejectsArgError(noSyncThrow(() => f.read(2 ** 53)), RangeError, 'ERR_OUT_OF_RANGE');
  await rejectsArgError(noSyncThrow(() => f.readAt(0, 2 ** 53)), RangeError, 'ERR_OUT_OF_RANGE');
  await rejectsArgError(noSyncThrow(() => f.readAt(2 ** 53, 1)), RangeError, 'ERR_OUT_OF_RANGE');
  await rejectsArgError(noSyncThrow(() => f.writeAt(2 ** 53, Buffer.from('x'))), RangeError, 'ERR_OUT_OF_RANGE');
  // the file is still usable afterwards
  assert.strictEqual((await f.read()).toString(), 'abc');
  await f.close();
});

test('negative offsets: readAt/writeAt/truncate/seek reject, the file is untouched', async (t) => {
  const dir = tmpDir(t);
  const p = path.join(dir, 'neg');
  fs.writeFileSync(p, 'abcdef');
  const f = await aya.open(p, 'r+b');
  await rejectsArgError(noSyncThrow(() => f.readAt(-1, 1)), RangeError, 'ERR_OUT_OF_RANGE');
  await rejectsArgError(noSyncThrow(() => f.writeAt(-5, Buffer.from('x'))), RangeError, 'ERR_OUT_OF_RANGE');
  await rejectsArgError(noSyncThrow(() => f.truncate(-1)), RangeError, 'ERR_OUT_OF_RANGE');
  // seek to a negative absolute position: Python refuses (ValueError / EINVAL); either way a
  // rejected promise with a code, and the position does not move.
  await f.seek(2);
  const e1 = await noSyncThrow(() => f.seek(-1, 0)).then(() => null, (e) => e);
  const e2 = await noSyncThrow(() => f.seek(-10, 1)).then(() => null, (e) => e);
  for (const e of [e1, e2]) {
    assert.ok(e instanceof Error, 'seek to a negative position rejects');
    assert.ok(['ERR_OUT_OF_RANGE', 'EINVAL', 'ERR_INVALID_ARG_VALUE'].includes(e.code), `code ${e.code}: ${e.message}`);
  }
  assert.strictEqual(await f.tell(), 2);
  await f.close();
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'abcdef');
});

test('seek past EOF then write: the hole reads back as zeros (stream and positional)', async (t) => {
  const dir = tmpDir(t);
  const p = path.join(dir, 'holes');
  fs.writeFileSync(p, 'head');
  const f = await aya.open(p, 'r+b');
  assert.strictEqual(await f.seek(100000), 100000);
  assert.strictEqual(await f.write(Buffer.from('X')), 1);
  assert.strictEqual(await f.tell(), 100001);
  assert.strictEqual(await f.writeAt(300000, Buffer.from('Y')), 1);
  assert.strictEqual((await f.readAt(99990, 20)).toString('hex'), `${'00'.repeat(10)}58${'00'.repeat(9)}`);
  await f.close();
  const disk = fs.readFileSync(p);
  assert.strictEqual(disk.length, 300001);
  assert.strictEqual(disk.subarray(0, 4).toString(), 'head');
  assert.ok(disk.subarray(4, 100000).every((b) => b === 0), 'first hole is zeros');
  assert.strictEqual(disk[100000], 0x58);
  assert.ok(disk.subarray(100001, 300000).every((b) => b === 0), 'second hole is zeros');
  assert.strictEqual(disk[300000], 0x59);
});

test('recursive mkdir on a read-only or full filesystem fails as this Node\'s node:fs does (ayafileio/fs, promise and callback forms)', async (t) => {
  // Node stats a directory whose mkdir failed with anything but EACCES, EPERM, ENOTDIR (and,
  // from Node 22, ENOSPC) and reports the stat's ENOENT: EROFS never shows.
  const ro = mountTmpfs(t, '1m');
  if (ro.startsWith('skip:')) return t.skip(ro.slice(6));
  const why = remountReadOnly(ro);
  if (why) return t.skip(why.slice(6));
  const full = mountTmpfs(t, '1m,nr_inodes=4');
  if (full.startsWith('skip:')) return t.skip(full.slice(6));
  for (let i = 0; fs.readdirSync(full).length === i; i++) {
    try {
      fs.mkdirSync(path.join(full, `d${i}`));
    } catch (e) {
      assert.strictEqual(e.code, 'ENOSPC', 'the tmpfs ran out of inodes');
    }
  }
  const ayafs = require('ayafileio/fs');
  const failure = (e) => (e ? { code: e.code, errno: e.errno, syscall: e.syscall, path: e.path, message: e.message } : 'created');
  const promised = (mkdir, p) => mkdir(p, { recursive: true }).then(() => 'created', failure);
  const called = (mkdir, p) => new Promise((resolve) => mkdir(p, { recursive: true }, (e) => resolve(failure(e))));
  for (const p of [path.join(ro, 'a', 'b'), path.join(ro, 'a'), path.join(full, 'x', 'y'), path.join(full, 'x')]) {
    const want = await promised(fs.promises.mkdir, p);
    assert.notStrictEqual(want, 'created', p);
    assert.deepStrictEqual(await promised(ayafs.promises.mkdir, p), want, `${p}, promise`);
    assert.deepStrictEqual(await called(ayafs.mkdir, p), await called(fs.mkdir, p), `${p}, callback`);
  }
});
