'use strict';
// Covers: no backend: TextFile on an in-memory buffer (native pass only), every platform; what: the text layer's contract with the buffer below.
// TextFile against its contract with the layer below (src/file/types.ts), on an in-memory
// BufferedIO: what it asks of the buffer, and that the buffer ends where the text is.
const test = require('node:test');
const assert = require('node:assert');
const { TextFile } = require('./_lib/internals.js').text;
const { FakeBuffered } = require('./_lib/fake-buffered.js');

const utf8 = { encoding: 'utf-8', errors: 'strict', newline: undefined };

function textOver(content, options = utf8, fakeOptions = {}) {
  const fake = new FakeBuffered(Buffer.from(content), fakeOptions);
  return { fake, file: new TextFile(fake, options) };
}

test('an unsupported encoding throws at construction (open() relies on it)', () => {
  assert.throws(() => new TextFile(new FakeBuffered(), { ...utf8, encoding: 'euc-jp' }), { code: 'ERR_INVALID_ARG_VALUE' });
});

test('tell() computes the position without moving the buffer', async () => {
  const { fake, file } = textOver('héllo\r\nwörld\n', utf8, { maxRead: 4 });
  await file.read(3);
  const before = fake.position;
  assert.strictEqual(await file.tell(), 4);
  assert.strictEqual(fake.position, before, 'the buffer stays ahead');
  assert.ok(!fake.calls.some(([name]) => name === 'seek'), 'no seek for tell()');
});

test('a write after read-ahead moves the buffer back once, to the logical position', async () => {
  const { fake, file } = textOver('abcdefgh');
  assert.strictEqual(await file.read(2), 'ab');
  assert.ok(fake.position > 2, 'the buffer read ahead');
  fake.calls.length = 0;
  await file.write('XY');
  assert.deepStrictEqual(fake.calls, [['seek', 2, 0], ['write', Buffer.from('XY').toString('hex')]]);
  assert.strictEqual(fake.data.toString(), 'abXYefgh');
});

test('writes with nothing read ahead go straight to the buffer', async () => {
  const { fake, file } = textOver('');
  await file.write('one');
  await file.write('two');
  assert.deepStrictEqual(fake.calls.map(([name]) => name), ['write', 'write']);
});

test("'utf-16' writes look up the position once (for the mark), not per write", async () => {
  const fake = new FakeBuffered();
  const file = new TextFile(fake, { ...utf8, encoding: 'utf-16' });
  const tells = [];
  const tell = fake.tell.bind(fake);
  fake.tell = async () => (tells.push(fake.position), tell());
  await file.write('a');
  await file.write('b');
  assert.deepStrictEqual(tells, [0]);
  assert.deepStrictEqual(fake.data, Buffer.from('fffe61006200', 'hex'));
  await file.seek(0, 0);
  await file.write('c');
  assert.deepStrictEqual(fake.data, Buffer.from('fffe63006200', 'hex'), 'text at byte 0 gets the mark again');
});

test('syncPosition() hands the buffer over at the logical position', async () => {
  const { fake, file } = textOver('a\r\nb€c', utf8, { maxRead: 64 });
  assert.strictEqual(await file.read(3), 'a\nb');
  assert.strictEqual(await file.syncPosition(), 4);
  assert.strictEqual(fake.position, 4);
  assert.strictEqual(await file.read(1), '€', 'reading resumes from the buffer position');
});

test('any byte offset at a character boundary is a valid cookie (cookies are byte positions)', async () => {
  const { file } = textOver('aé😀b');
  for (const [cookie, rest] of [[0, 'aé😀b'], [1, 'é😀b'], [3, '😀b'], [7, 'b'], [8, '']]) {
    assert.strictEqual(await file.seek(cookie, 0), cookie);
    assert.strictEqual(await file.read(-1), rest);
  }
});

test("errors 'ignore': a position next to ignored bytes is the earliest one (as CPython's tell() at chunk starts)", async () => {
  const { file } = textOver(Buffer.from([0x41, 0xff, 0xfe, 0x42]), { ...utf8, errors: 'ignore' });
  assert.strictEqual(await file.read(1), 'A');
  assert.strictEqual(await file.tell(), 1);
  assert.strictEqual(await file.read(1), 'B');
  assert.strictEqual(await file.tell(), 4);
});

test('read(n) and readline(limit) take code points from one window across many small reads', async () => {
  const text = '😀é\r\n'.repeat(50);
  const { file } = textOver(text, { ...utf8, newline: '' }, { maxRead: 3 });
  assert.strictEqual(await file.read(7), '😀é\r\n😀é\r');
  assert.strictEqual(await file.readline(-1), '\n');
  assert.strictEqual(await file.readline(3), '😀é\r');
  assert.strictEqual(await file.readline(-1), '\n');
  assert.strictEqual(await file.read(-1), text.slice(15), 'the rest, in UTF-16 units after 11 code points');
});

