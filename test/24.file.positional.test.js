'use strict';
// Covers: every backend (native and fallback passes), every platform; what: readAt/readAtInto/writeAt.
// readAt / readAtInto / writeAt: positional, parallel, position untouched, see buffered writes.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const { open } = require('../dist/index.js');
const { fileWith, tmpPath, rejectsWith } = require('./_lib/file-helpers.js');

const DATA = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');

test('readAt reads at a position without moving the file position; short only at EOF', async () => {
  const f = await open(fileWith(DATA), 'rb', { bufferSize: 4 });
  assert.strictEqual((await f.read(3)).toString(), '012');
  assert.strictEqual((await f.readAt(10, 5)).toString(), 'abcde');
  assert.strictEqual(await f.tell(), 3);
  assert.strictEqual((await f.read(2)).toString(), '34');
  assert.strictEqual((await f.readAt(30, 100)).toString(), 'uvwxyz');
  assert.strictEqual((await f.readAt(1000, 10)).length, 0);
  assert.strictEqual((await f.readAt(0, 0)).length, 0);
  await f.close();
});

test('many readAt calls in parallel each get their own range', async () => {
  const big = Buffer.alloc(64 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
  const f = await open(fileWith(big), 'rb');
  const offsets = Array.from({ length: 64 }, (_, i) => i * 1000 + (i % 7));
  const parts = await Promise.all(offsets.map((o) => f.readAt(o, 333)));
  parts.forEach((part, i) => assert.deepStrictEqual(part, big.subarray(offsets[i], offsets[i] + 333)));
  await f.close();
});

test('positional reads in flight together (one synchronous run): whole, short at EOF, empty past it, each right; close() waits for them', async () => {
  const big = Buffer.alloc(64 * 1024 + 100);
  for (let i = 0; i < big.length; i++) big[i] = (i * 11) & 0xff;
  const f = await open(fileWith(big), 'rb');
  const into = Array.from({ length: 40 }, () => Buffer.alloc(4096, 0x2e));
  const reads = [];
  for (let i = 0; i < 40; i++) {
    // Every fourth read runs past the end of the file: short, then one more pread finds EOF.
    const pos = i % 4 === 3 ? big.length - 100 * i : i * 1024;
    reads.push({ pos, got: i % 2 ? f.readAt(pos, 4096) : f.readAtInto(pos, into[i]) });
  }
  const past = f.readAt(big.length + 1, 4096);
  const closed = f.close();
  for (const [i, r] of reads.entries()) {
    const want = big.subarray(r.pos, r.pos + 4096);
    const got = await r.got;
    if (i % 2) assert.deepStrictEqual(got, want, `readAt ${i}`);
    else {
      assert.strictEqual(got, want.length, `readAtInto ${i}: the count`);
      assert.deepStrictEqual(into[i].subarray(0, got), want, `readAtInto ${i}: the bytes`);
      assert.ok(into[i].subarray(got).every((x) => x === 0x2e), `readAtInto ${i}: nothing past the count`);
    }
  }
  assert.strictEqual((await past).length, 0);
  await closed;
});

test('readAt results never share bytes: writing one leaves the others intact', async () => {
  const big = Buffer.alloc(256 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = (i * 13) & 0xff;
  const f = await open(fileWith(big), 'rb');
  // Small results may be carved from a shared block; sizes cross its boundaries.
  const reads = Array.from({ length: 60 }, (_, i) => ({ pos: i * 4096, size: [4096, 8192, 3, 4095, 9000][i % 5] }));
  const parts = await Promise.all(reads.map((r) => f.readAt(r.pos, r.size)));
  parts.forEach((part, i) => part.fill(i + 1));
  for (const [i, part] of parts.entries()) {
    assert.strictEqual(part.length, reads[i].size);
    assert.ok(part.every((b) => b === i + 1), `result ${i} was overwritten by another`);
  }
  const again = await Promise.all(reads.map((r) => f.readAt(r.pos, r.size)));
  again.forEach((part, i) => assert.deepStrictEqual(part, big.subarray(reads[i].pos, reads[i].pos + reads[i].size)));
  await f.close();
});

test('readAtInto fills buffer[offset, offset+length) and resolves the count', async () => {
  const f = await open(fileWith(DATA), 'rb');
  const buf = Buffer.alloc(10, '.');
  assert.strictEqual(await f.readAtInto(5, buf, 2, 4), 4);
  assert.strictEqual(buf.toString(), '..5678....');
  assert.strictEqual(await f.readAtInto(0, buf), 10);
  assert.strictEqual(buf.toString(), '0123456789');
  assert.strictEqual(await f.readAtInto(33, buf, 0, 10), 3, 'short at EOF');
  const u32 = new Uint32Array(1);
  assert.strictEqual(await f.readAtInto(0, u32), 4);
  assert.strictEqual(Buffer.from(u32.buffer).toString(), '0123');
  await rejectsWith(f.readAtInto(0, buf, 11), { code: 'ERR_OUT_OF_RANGE' });
  await rejectsWith(f.readAtInto(0, buf, 5, 6), { code: 'ERR_OUT_OF_RANGE' });
  await rejectsWith(f.readAtInto(0, 'str'), { code: 'ERR_INVALID_ARG_TYPE' });
  await f.close();
});

test('writeAt writes in parallel without moving the position', async () => {
  const p = tmpPath();
  const f = await open(p, 'w+b');
  await f.write(Buffer.from('head'));
  const written = await Promise.all(Array.from({ length: 16 }, (_, i) => f.writeAt(10 + i * 3, Buffer.from(`<${i.toString(16)}>`))));
  assert.deepStrictEqual(written, Array(16).fill(3));
  assert.strictEqual(await f.tell(), 4);
  await f.write(Buffer.from('!'));
  await f.close();
  const got = fs.readFileSync(p);
  assert.strictEqual(got.subarray(0, 5).toString(), 'head!');
  for (let i = 0; i < 16; i++) assert.strictEqual(got.subarray(10 + i * 3, 13 + i * 3).toString(), `<${i.toString(16)}>`);
});

test('positional ops see writes still in the buffer, and reads see writeAt data', async () => {
  const f = await open(tmpPath(), 'w+b', { bufferSize: 1024 });
  await f.write(Buffer.from('buffered bytes'));
  assert.strictEqual((await f.readAt(0, 8)).toString(), 'buffered', 'pending writes flushed first');
  f.write(Buffer.from(' + more')); // not awaited: the next positional call must still see it
  assert.strictEqual((await f.readAt(14, 7)).toString(), ' + more');
  await f.seek(0);
  assert.strictEqual((await f.read(4)).toString(), 'buff', 'fills read-ahead');
  await f.writeAt(4, Buffer.from('ERED'));
  assert.strictEqual((await f.read(4)).toString(), 'ERED', 'read-ahead overlapping a writeAt is dropped');
  await f.close();
});

test('positional argument checks reject with Node error codes', async () => {
  const f = await open(fileWith(DATA), 'r+b');
  await rejectsWith(f.readAt(-1, 1), { code: 'ERR_OUT_OF_RANGE', name: 'RangeError' });
  await rejectsWith(f.readAt(0, -1), { code: 'ERR_OUT_OF_RANGE' });
  await rejectsWith(f.readAt(2 ** 53, 1), { code: 'ERR_OUT_OF_RANGE' });
  await rejectsWith(f.readAt('0', 1), { code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError' });
  await rejectsWith(f.writeAt(0, 'text'), { code: 'ERR_INVALID_ARG_TYPE' });
  await rejectsWith(f.writeAt(1.5, Buffer.from('x')), { code: 'ERR_OUT_OF_RANGE' });
  await f.close();
  const r = await open(fileWith(DATA), 'rb');
  await rejectsWith(r.writeAt(0, Buffer.from('x')), { code: 'EBADF', syscall: 'write' });
  await r.close();
});

test('a readAt in flight is not disturbed by calls made after it: a later truncate, write or overlapping writeAt', async () => {
  const size = 16 * 1024 * 1024; // large enough to be in flight when the next calls are made
  const p = fileWith(Buffer.alloc(size, 'A'));
  for (let round = 0; round < 3; round++) {
    const f = await open(p, 'r+b', { bufferSize: 1 });
    const read = f.readAt(0, size);
    const later = f.writeAt(0, Buffer.alloc(size, 'B'));
    const into = Buffer.alloc(size);
    const readInto = f.readAtInto(0, into); // after the writeAt: sees all of it
    const truncated = f.truncate(0);
    const got = await read;
    assert.strictEqual(got.length, size, 'the earlier read is whole');
    assert.strictEqual(got.indexOf('B'), -1, 'the earlier read saw none of the later writeAt');
    assert.strictEqual(await later, size);
    assert.strictEqual(await readInto, size);
    assert.strictEqual(into.indexOf('A'), -1, 'the later read saw all of the earlier writeAt');
    assert.strictEqual(await truncated, 0);
    await f.close();
    fs.writeFileSync(p, Buffer.alloc(size, 'A'));
  }
});

test('many positional writes in flight: later calls wait for them in order, all land', async () => {
  const f = await open(tmpPath(), 'w+b');
  const n = 5000;
  const writes = [];
  for (let i = 0; i < n; i++) {
    writes.push(f.writeAt(i * 2, Buffer.from('ab')));
    if (i % 500 === 0) writes.push(f.seek(0)); // queued calls among them wait for the writes before
  }
  await Promise.all(writes);
  assert.strictEqual((await f.readAt(0, n * 2)).toString(), 'ab'.repeat(n));
  await f.close();
});
