'use strict';
// Covers: every backend (native and fallback passes), every platform; what: AsyncFile's chunks(size), createReadStream() and createWriteStream().
// A binary file streams in fixed-size chunks (a file without newlines is not one "line"),
// through Node streams with backpressure, in the file's call order.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const { pipeline } = require('node:stream/promises');
const { Writable } = require('node:stream');
const { open } = require('../dist/index.js');
const { fileWith, tmpPath } = require('./_lib/file-helpers.js');

const DATA = Buffer.from(Array.from({ length: 200_003 }, (_, i) => (i * 7) % 251));

test('chunks(size): fixed-size chunks from the position to the end, the last shorter; text mode in characters', async () => {
  const f = await open(fileWith(DATA), 'rb');
  await f.seek(3);
  const sizes = [];
  const parts = [];
  for await (const chunk of f.chunks(65536)) {
    sizes.push(chunk.length);
    parts.push(chunk);
  }
  assert.deepStrictEqual(sizes, [65536, 65536, 65536, 200_000 - 3 * 65536]);
  assert.deepStrictEqual(Buffer.concat(parts), DATA.subarray(3));
  assert.strictEqual(await f.tell(), DATA.length, 'the chunks moved the position to the end');
  await assert.rejects(async () => f.chunks(0), { code: 'ERR_OUT_OF_RANGE' });
  await f.close();
  const t = await open(fileWith('añb😀c'), 'r');
  const text = [];
  for await (const chunk of t.chunks(2)) text.push(chunk);
  assert.deepStrictEqual(text, ['añ', 'b😀', 'c'], 'characters, not bytes or UTF-16 units');
  await t.close();
});

test('createReadStream → createWriteStream through stream.pipeline: every byte, both files closed, events in order', async () => {
  const src = await open(fileWith(DATA), 'rb');
  const dstPath = tmpPath();
  const dst = await open(dstPath, 'wb');
  const rs = src.createReadStream({ highWaterMark: 4096 });
  const events = [];
  for (const e of ['end', 'close']) rs.on(e, () => events.push(`read:${e}`));
  const ws = dst.createWriteStream();
  for (const e of ['finish', 'close']) ws.on(e, () => events.push(`write:${e}`));
  await pipeline(rs, ws);
  assert.deepStrictEqual(fs.readFileSync(dstPath), DATA);
  assert.ok(src.closed && dst.closed, 'autoClose closes both files');
  assert.deepStrictEqual(events.filter((e) => e.startsWith('read')), ['read:end', 'read:close']);
  assert.deepStrictEqual(events.filter((e) => e.startsWith('write')), ['write:finish', 'write:close']);
});

test('createReadStream honours backpressure: a slow consumer holds reads back', async () => {
  const f = await open(fileWith(DATA), 'rb');
  const rs = f.createReadStream({ highWaterMark: 1024 });
  let received = 0;
  const slow = new Writable({
    highWaterMark: 1024,
    write(chunk, _e, cb) {
      received += chunk.length;
      // the stream never holds much more than its buffers ahead of the consumer
      assert.ok(rs.readableLength <= 4 * 1024, `readable buffered ${rs.readableLength} bytes`);
      setImmediate(cb);
    },
  });
  await pipeline(rs, slow);
  assert.strictEqual(received, DATA.length);
});

test('createReadStream({ start, end }): inclusive byte range by readAt, the position untouched; autoClose: false leaves the file open', async () => {
  const f = await open(fileWith(DATA), 'rb');
  await f.seek(5);
  const parts = [];
  for await (const chunk of f.createReadStream({ start: 100, end: 100_099, highWaterMark: 7000, autoClose: false })) parts.push(chunk);
  assert.deepStrictEqual(Buffer.concat(parts), DATA.subarray(100, 100_100));
  assert.strictEqual(await f.tell(), 5);
  assert.strictEqual(f.closed, false);
  assert.throws(() => f.createReadStream({ start: 10, end: 5 }), { code: 'ERR_OUT_OF_RANGE' });
  await f.close();
  const t = await open(fileWith('text'), 'r');
  assert.throws(() => t.createReadStream({ start: 1 }), { code: 'ERR_INVALID_ARG_VALUE' }, 'byte offsets are binary mode only');
  await t.close();
});

test('createWriteStream in text mode writes strings in the file\'s encoding; a read error destroys the stream and closes the file', async () => {
  const p = tmpPath();
  const t = await open(p, 'w', { encoding: 'utf-16' });
  const ws = t.createWriteStream();
  ws.write('héllo ');
  ws.end('wörld 😀');
  await new Promise((resolve, reject) => ws.on('close', resolve).on('error', reject));
  assert.strictEqual(fs.readFileSync(p, 'utf16le').replace(/^\uFEFF/, ''), 'héllo wörld 😀');
  assert.ok(t.closed);
  const w = await open(tmpPath(), 'wb');
  const rs = w.createReadStream(); // not opened for reading: the first read fails
  await assert.rejects(new Promise((resolve, reject) => rs.on('error', reject).on('end', resolve).resume()), { code: 'EBADF' });
  if (!rs.closed) await new Promise((resolve) => rs.on('close', resolve));
  assert.ok(w.closed, 'autoClose closed the file after the error');
});

test('streams of a closed file are refused', async () => {
  const f = await open(fileWith('x'), 'rb');
  await f.close();
  assert.throws(() => f.createReadStream(), { code: 'EBADF' });
  assert.throws(() => f.createWriteStream(), { code: 'EBADF' });
  assert.throws(() => f.chunks(), { code: 'EBADF' });
});
