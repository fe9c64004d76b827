'use strict';
// Covers: every backend (native and fallback passes), every platform (pipe case POSIX); what: AsyncFile call order, lines, iteration, stat, properties, wrapFd().
// AsyncFile: call order without awaiting, lines, iteration, stat, properties, wrapFd.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const { open, wrapFd, Stats } = require('../dist/index.js');
const { fileWith, tmpPath, rejectsWith } = require('./_lib/file-helpers.js');

test('calls issued without awaiting take effect in call order', async () => {
  const p = tmpPath();
  const f = await open(p, 'w+b', { bufferSize: 5 });
  const results = await Promise.all([
    f.write(Buffer.from('abcdefgh')),
    f.tell(),
    f.seek(2),
    f.read(3),
    f.write(Buffer.from('XY')),
    f.tell(),
    f.seek(0),
    f.readline(),
    f.truncate(4),
    f.seek(0, 2),
  ]);
  assert.deepStrictEqual(results, [8, 8, 2, Buffer.from('cde'), 2, 7, 0, Buffer.from('abcdeXYh'), 4, 4]);
  await f.close();
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'abcd');
});

test('a failing call rejects without stopping the calls queued after it', async () => {
  const f = await open(fileWith('abc'), 'rb');
  const [bad, good] = await Promise.allSettled([f.seek(-10, 1), f.read()]);
  assert.strictEqual(bad.status, 'rejected');
  assert.strictEqual(bad.reason.code, 'EINVAL');
  assert.deepStrictEqual(good, { status: 'fulfilled', value: Buffer.from('abc') });
  await f.close();
});

test('async iteration yields lines until EOF', async () => {
  const f = await open(fileWith('one\ntwo\n\nlast'), 'rb', { bufferSize: 3 });
  const lines = [];
  for await (const line of f) lines.push(line.toString());
  assert.deepStrictEqual(lines, ['one\n', 'two\n', '\n', 'last']);
  await f.close();
});

test('readlines reads all lines, or stops once `hint` bytes are reached', async () => {
  const f = await open(fileWith('aa\nbbb\nc\nd'), 'rb');
  assert.deepStrictEqual((await f.readlines()).map(String), ['aa\n', 'bbb\n', 'c\n', 'd']);
  await f.seek(0);
  assert.deepStrictEqual((await f.readlines(4)).map(String), ['aa\n', 'bbb\n']);
  assert.deepStrictEqual((await f.readlines()).map(String), ['c\n', 'd']);
  await f.close();
});

test('writelines writes every item of a sync iterable in order with later calls, of an async one as produced', async () => {
  const p = tmpPath();
  const f = await open(p, 'wb');
  async function* gen() {
    yield Buffer.from('c');
    yield new Uint8Array([100]);
  }
  // A sync iterable is one call in call order; an async one does not hold the file's queue
  // while it produces items (it may read this file), so it is awaited before the next call.
  await Promise.all([f.writelines([Buffer.from('a'), Buffer.from('b')]), f.writelines(gen())]);
  await f.write(Buffer.from('e'));
  await f.close();
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'abcde');
  const g = await open(tmpPath(), 'wb');
  await rejectsWith(g.writelines(42), { code: 'ERR_INVALID_ARG_TYPE' });
  await rejectsWith(g.writelines(['text in binary mode']), { code: 'ERR_INVALID_ARG_TYPE' });
  await g.close();
});

test('stat() reports fs.Stats-like fields including unflushed writes', async () => {
  const p = tmpPath();
  const f = await open(p, 'wb');
  await f.write(Buffer.from('12345'));
  const st = await f.stat();
  const ref = fs.statSync(p);
  assert.ok(st instanceof Stats);
  assert.strictEqual(st.size, 5);
  assert.strictEqual(st.ino, ref.ino);
  assert.strictEqual(st.mode, ref.mode);
  assert.ok(st.isFile());
  assert.ok(!st.isDirectory() && !st.isSymbolicLink() && !st.isFIFO() && !st.isSocket() && !st.isBlockDevice() && !st.isCharacterDevice());
  assert.ok(st.mtime instanceof Date);
  // Like fs.Stats: the Date is the *Ms time rounded to a millisecond.
  assert.strictEqual(st.mtime.getTime(), Math.round(st.mtimeMs));
  assert.strictEqual(st.atime.getTime(), Math.round(st.atimeMs));
  assert.strictEqual(st.ctime.getTime(), Math.round(st.ctimeMs));
  assert.strictEqual(st.birthtime.getTime(), Math.round(st.birthtimeMs));
  assert.strictEqual(st.mtime.getTime(), ref.mtime.getTime());
  await f.close();
});

test('properties: name, mode, closed, encoding, readable/writable/seekable, fileno', async () => {
  const p = tmpPath();
  const f = await open(p, 'w+b');
  assert.strictEqual(f.name, p);
  assert.strictEqual(f.mode, 'w+b');
  assert.strictEqual(f.closed, false);
  assert.strictEqual(f.encoding, undefined);
  assert.deepStrictEqual([f.readable(), f.writable(), f.seekable()], [true, true, true]);
  assert.strictEqual(typeof f.fileno(), 'number');
  await f.close();
  assert.strictEqual(f.closed, true);
  assert.throws(() => f.fileno(), { code: 'EBADF' });
  const r = await open(new URL(`file://${p}`), 'rb');
  assert.strictEqual(r.name, p, 'a URL opens its path');
  assert.deepStrictEqual([r.readable(), r.writable()], [true, false]);
  await r.close();
});

test('wrapFd: uses an open fd; ownsFd false leaves it open after close', async () => {
  const p = fileWith('wrapped');
  const fd = fs.openSync(p, 'r+');
  const f = await wrapFd(fd, 'r+b', { ownsFd: false });
  assert.strictEqual(f.name, fd);
  assert.strictEqual((await f.read()).toString(), 'wrapped');
  await f.write(Buffer.from('!'));
  await f.close();
  assert.strictEqual(fs.fstatSync(fd).size, 8, 'fd still open and the write was flushed');
  const g = await wrapFd(fd, 'rb');
  await g.close();
  assert.throws(() => fs.fstatSync(fd), { code: 'EBADF' }, 'ownsFd defaults to true');
  await rejectsWith(wrapFd(-1, 'rb'), { code: 'ERR_OUT_OF_RANGE' });
  await rejectsWith(wrapFd(fd, 'rb', { ownsFd: 'yes' }), { code: 'ERR_INVALID_ARG_TYPE' });
});

test('a pipe is not seekable: reads and writes work, seek/tell fail with ESPIPE', { skip: process.platform === 'win32' && 'mkfifo is POSIX' }, async () => {
  const p = tmpPath('fifo');
  require('node:child_process').execFileSync('mkfifo', [p]);
  const [w, r] = await Promise.all([open(p, 'wb'), open(p, 'rb', { bufferSize: 4 })]);
  assert.strictEqual(r.seekable(), false);
  await w.write(Buffer.from('line one\nline two\n'));
  await w.close();
  assert.strictEqual((await r.readline()).toString(), 'line one\n');
  assert.strictEqual((await r.read()).toString(), 'line two\n');
  await rejectsWith(r.tell(), { code: 'ESPIPE' });
  await rejectsWith(r.seek(0), { code: 'ESPIPE' });
  await r.close();
});

test('the forced fallback never loads the addon, not even for readAt() result slabs', {
  skip: process.env.AYAFILEIO_BACKEND !== 'fallback' ? 'the fallback pass checks this' : process.platform !== 'linux' && 'reads /proc/self/maps',
}, async () => {
  const f = await open(fileWith('slab'), 'rb');
  assert.strictEqual((await f.readAt(0, 4)).toString(), 'slab');
  await f.close();
  assert.ok(!fs.readFileSync('/proc/self/maps', 'utf8').includes('ayafileio.node'), 'the addon is mapped into a fallback process');
});
