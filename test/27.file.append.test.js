'use strict';
// Covers: every backend (native and fallback passes; the fallback's case skipped under Wine), every platform; what: append mode with concurrent writers.
// Append mode: every write lands at the end (O_APPEND), even with several writers at once.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const { open } = require('../dist/index.js');
const { fileWith, tmpPath } = require('./_lib/file-helpers.js');

// Measured under Wine (scripts/test-wine.sh sets AYAFILEIO_WINE): node:fs there loses 1-2 of
// 400 concurrent appends (Wine's FILE_APPEND_DATA handles are not atomic across handles); the
// IOCP backend, which writes at "end of file" offsets, keeps all of them.
const wineFallback = process.env.AYAFILEIO_WINE === '1' && process.env.AYAFILEIO_BACKEND === 'fallback';
test('two append-mode writers interleave whole records, none overwritten', {
  skip: wineFallback ? "Wine: libuv's concurrent appends through node:fs are not atomic there" : false,
}, async () => {
  const p = tmpPath();
  const [a, b] = await Promise.all([open(p, 'ab', { bufferSize: 16 }), open(p, 'ab', { bufferSize: 16 })]);
  const writes = [];
  for (let i = 0; i < 200; i++) {
    // Each record is larger than the buffer, so each is one O_APPEND write.
    writes.push(a.write(Buffer.from(`A${String(i).padStart(3, '0')}-aaaaaaaaaaaaaaaa\n`)));
    writes.push(b.write(Buffer.from(`B${String(i).padStart(3, '0')}-bbbbbbbbbbbbbbbb\n`)));
  }
  await Promise.all(writes);
  await Promise.all([a.close(), b.close()]);
  const lines = fs.readFileSync(p, 'utf8').split('\n').filter(Boolean);
  assert.strictEqual(lines.length, 400);
  for (const who of ['A', 'B']) {
    const mine = lines.filter((l) => l[0] === who);
    assert.deepStrictEqual(mine, Array.from({ length: 200 }, (_, i) => `${who}${String(i).padStart(3, '0')}-${who.toLowerCase().repeat(16)}`));
  }
});

test('buffered appends from two writers both survive', async () => {
  const p = fileWith('start\n');
  const a = await open(p, 'ab');
  const b = await open(p, 'ab');
  await a.write(Buffer.from('from a\n'));
  await b.write(Buffer.from('from b\n'));
  await b.flush();
  await a.close();
  await b.close();
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'start\nfrom b\nfrom a\n');
});

test("in 'a+' a seek then write still appends, and the position becomes the end", async () => {
  const p = fileWith('0123');
  const f = await open(p, 'a+b', { bufferSize: 4 });
  await f.seek(1);
  assert.strictEqual((await f.read(2)).toString(), '12');
  await f.write(Buffer.from('ab'));
  assert.strictEqual(await f.tell(), 6);
  assert.strictEqual((await f.read()).length, 0);
  await f.seek(0);
  assert.strictEqual((await f.read()).toString(), '0123ab');
  await f.close();
});
