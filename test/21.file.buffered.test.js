'use strict';
// Covers: every backend (native and fallback passes), every platform; what: the file buffer (Python's BufferedRandom): reads, writes, seeks across a 7-byte buffer.
// One buffer per file (Python's BufferedRandom): reads, readlines, writes, seeks and tells
// mixed with a 7-byte buffer, so every op crosses buffer boundaries.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const { open } = require('../dist/index.js');
const { fileWith, tmpPath } = require('./_lib/file-helpers.js');

const LINES = ['first line\n', 'b\n', '\n', 'a much longer third line\n', 'no newline at end'];
const TEXT = LINES.join('');
const SMALL = { bufferSize: 7 };

test('read(n) returns n bytes unless EOF; read() reads to EOF; empty Buffer at EOF', async () => {
  const f = await open(fileWith(TEXT), 'rb', SMALL);
  assert.strictEqual((await f.read(3)).toString(), 'fir');
  assert.strictEqual((await f.read(10)).toString(), 'st line\nb\n', 'spans two buffer fills');
  assert.strictEqual((await f.read(0)).length, 0);
  assert.strictEqual((await f.read()).toString(), TEXT.slice(13));
  const atEof = await f.read(5);
  assert.ok(Buffer.isBuffer(atEof));
  assert.strictEqual(atEof.length, 0);
  assert.strictEqual((await f.read()).length, 0);
  await f.close();
});

test('read(n) larger than the buffer bypasses it and still returns exactly n bytes', async () => {
  const big = Buffer.alloc(100_000, 'xyz');
  const f = await open(fileWith(big), 'rb', SMALL);
  assert.deepStrictEqual(await f.read(5), big.subarray(0, 5));
  assert.deepStrictEqual(await f.read(60_000), big.subarray(5, 60_005));
  assert.deepStrictEqual(await f.read(60_000), big.subarray(60_005));
  await f.close();
});

test('readline returns each line with its newline, the last without; respects limit', async () => {
  const f = await open(fileWith(TEXT), 'rb', SMALL);
  const got = [];
  for (;;) {
    const line = await f.readline();
    if (line.length === 0) break;
    got.push(line.toString());
  }
  assert.deepStrictEqual(got, LINES);
  await f.seek(0);
  assert.strictEqual((await f.readline(4)).toString(), 'firs');
  assert.strictEqual((await f.readline(100)).toString(), 't line\n');
  assert.strictEqual((await f.readline(0)).length, 0);
  await f.close();
});

test('readline, read, seek and tell mixed: no byte lost, repeated or misplaced', async () => {
  const f = await open(fileWith(TEXT), 'rb', SMALL);
  assert.strictEqual((await f.readline()).toString(), LINES[0]);
  assert.strictEqual(await f.tell(), 11);
  assert.strictEqual((await f.read(2)).toString(), 'b\n');
  assert.strictEqual((await f.readline()).toString(), '\n');
  assert.strictEqual(await f.seek(-3, 1), 11);
  assert.strictEqual((await f.readline()).toString(), 'b\n');
  assert.strictEqual(await f.seek(-4, 2), TEXT.length - 4);
  assert.strictEqual((await f.read()).toString(), ' end');
  assert.strictEqual(await f.seek(6), 6);
  assert.strictEqual((await f.read(8)).toString(), 'line\nb\n\n');
  await f.close();
});

test("writes after reads land at the logical position in 'r+'", async () => {
  const p = fileWith('0123456789abcdefghij');
  const f = await open(p, 'r+b', SMALL);
  assert.strictEqual((await f.read(3)).toString(), '012', 'buffer now holds read-ahead past 3');
  await f.write(Buffer.from('XY'));
  assert.strictEqual(await f.tell(), 5);
  assert.strictEqual((await f.read(4)).toString(), '5678', 'reading after a write sees the bytes after it');
  await f.write(Buffer.from('0123456789'));
  assert.strictEqual(await f.tell(), 19);
  await f.close();
  assert.strictEqual(fs.readFileSync(p, 'utf8'), '012XY56780123456789j');
});

test('reads see buffered writes; seek within written data, overwrite, read back', async () => {
  const p = tmpPath();
  const f = await open(p, 'w+b', SMALL);
  await f.write(Buffer.from('hello '));
  await f.write(Buffer.from('world, this is longer than seven'));
  await f.seek(6);
  assert.strictEqual((await f.read(5)).toString(), 'world');
  await f.seek(0);
  await f.write(Buffer.from('J'));
  assert.strictEqual((await f.readline()).toString(), 'ello world, this is longer than seven');
  await f.close();
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'Jello world, this is longer than seven');
});

test('seek past the end then write leaves a hole of zero bytes', async () => {
  const p = tmpPath();
  const f = await open(p, 'w+b', SMALL);
  await f.seek(10);
  await f.write(Buffer.from('z'));
  await f.seek(0);
  assert.deepStrictEqual(await f.read(), Buffer.concat([Buffer.alloc(10), Buffer.from('z')]));
  await f.close();
});

test('truncate: default at the position, which does not move; extends with zeros', async () => {
  const p = fileWith('0123456789');
  const f = await open(p, 'r+b', SMALL);
  await f.read(4);
  assert.strictEqual(await f.truncate(), 4);
  assert.strictEqual(await f.tell(), 4);
  assert.strictEqual((await f.read()).length, 0, 'read-ahead past the cut is gone');
  assert.strictEqual(await f.truncate(6), 6);
  await f.seek(0);
  assert.deepStrictEqual(await f.read(), Buffer.from('0123\0\0'));
  await f.close();
});

test('readInto fills the buffer unless EOF; accepts TypedArrays', async () => {
  const f = await open(fileWith(TEXT), 'rb', SMALL);
  const buf = Buffer.alloc(12);
  assert.strictEqual(await f.readInto(buf), 12);
  assert.strictEqual(buf.toString(), TEXT.slice(0, 12));
  const u16 = new Uint16Array(4);
  assert.strictEqual(await f.readInto(u16), 8);
  assert.strictEqual(Buffer.from(u16.buffer).toString(), TEXT.slice(12, 20));
  const rest = Buffer.alloc(100);
  assert.strictEqual(await f.readInto(rest), TEXT.length - 20);
  assert.strictEqual(await f.readInto(rest), 0);
  await f.close();
});

test('flush hands writes to the kernel (visible to others) without closing', async () => {
  const p = tmpPath();
  const f = await open(p, 'wb', { bufferSize: 1024 });
  await f.write(Buffer.from('buffered'));
  assert.strictEqual(fs.readFileSync(p, 'utf8'), '', 'still in the buffer');
  await f.flush();
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'buffered');
  await f.sync();
  await f.datasync();
  await f.close();
});

test('bufferSize defaults to getConfig().bufferSize', async () => {
  const { getConfig } = require('../dist/index.js');
  const p = tmpPath();
  const f = await open(p, 'wb');
  await f.write(Buffer.alloc(getConfig().bufferSize - 1));
  assert.strictEqual(fs.statSync(p).size, 0, 'one byte short of the buffer size stays buffered');
  await f.write(Buffer.alloc(2));
  assert.strictEqual(fs.statSync(p).size, getConfig().bufferSize - 1, 'overflowing flushes the pending bytes');
  await f.close();
  assert.strictEqual(fs.statSync(p).size, getConfig().bufferSize + 1);
});

test('a read cut short by EOF does not keep the requested size allocated', async () => {
  const f = await open(fileWith('tiny'), 'rb');
  const got = await f.read(4 * 1024 * 1024);
  assert.strictEqual(got.toString(), 'tiny');
  // Node's own Buffer pool is the floor (Node 26 copies small Buffers into a 64 KiB one).
  assert.ok(got.buffer.byteLength < 1024 * 1024, `backing store of ${got.buffer.byteLength} bytes`);
  const at = await f.readAt(0, 4 * 1024 * 1024);
  assert.ok(at.buffer.byteLength < 1024 * 1024, `readAt backing store of ${at.buffer.byteLength} bytes`);
  await f.close();
});

test('tell() between small writes does not flush them', async () => {
  const p = tmpPath();
  const f = await open(p, 'wb', { bufferSize: 64 });
  await f.write(Buffer.from('ab'));
  assert.strictEqual(await f.tell(), 2);
  await f.write(Buffer.from('cd'));
  assert.strictEqual(await f.tell(), 4);
  assert.strictEqual(fs.statSync(p).size, 0, 'both writes still buffered');
  await f.close();
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'abcd');
});
