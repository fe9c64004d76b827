'use strict';
// Covers: no backend: the codecs alone (native pass only), every platform; what: text codecs: names, incremental decoding, error modes.
// The text codecs (src/file/text-codec.ts) on their own: names, incremental decoding with
// held-back incomplete sequences, the three error modes on decode and encode.
const test = require('node:test');
const assert = require('node:assert');
const { getCodec } = require('./_lib/internals.js').textCodec;

const hex = (h) => Buffer.from(h.replace(/ /g, ''), 'hex');

test('encoding names are normalised the way Python and Node spell them', () => {
  for (const name of ['utf-8', 'UTF8', 'utf_8', 'Utf-8', 'u8']) assert.strictEqual(getCodec(name, 'strict').name, 'utf-8');
  for (const name of ['latin-1', 'latin1', 'ISO-8859-1', 'iso8859_1', 'L1', 'binary']) assert.strictEqual(getCodec(name, 'strict').name, 'latin-1');
  for (const name of ['utf-16-le', 'UTF16LE', 'utf_16_le', 'ucs2', 'ucs-2']) assert.strictEqual(getCodec(name, 'strict').name, 'utf-16le');
  for (const name of ['ascii', 'US-ASCII', 'us_ascii']) assert.strictEqual(getCodec(name, 'strict').name, 'ascii');
  assert.strictEqual(getCodec('utf-16-be', 'strict').name, 'utf-16be');
  assert.strictEqual(getCodec('Windows-1252', 'strict').name, 'windows-1252');
  assert.strictEqual(getCodec('cp1251', 'strict').name, 'windows-1251');
  assert.strictEqual(getCodec('koi8-r', 'strict').name, 'koi8-r');
});

test('encodings without a stateless codec are refused with ERR_INVALID_ARG_VALUE', () => {
  for (const name of ['shift_jis', 'gbk', 'iso-2022-jp', 'base64', 'hex', 'no-such-encoding', '']) {
    assert.throws(() => getCodec(name, 'strict'), (err) => err instanceof TypeError && err.code === 'ERR_INVALID_ARG_VALUE' && err.message.includes(`'${name}'`));
  }
});

test('latin-1 and ascii are ISO-8859-1 and US-ASCII (Python), not windows-1252 (WHATWG)', () => {
  assert.strictEqual(getCodec('latin-1', 'strict').decode(hex('80 e9'), false).text, '\u0080é');
  assert.strictEqual(getCodec('windows-1252', 'strict').decode(hex('80 e9'), false).text, '€é');
  assert.deepStrictEqual(getCodec('windows-1252', 'strict').encode('€é'), hex('80 e9'));
  const ascii = getCodec('ascii', 'strict').decode(hex('41 e9 42'), false);
  assert.deepStrictEqual([ascii.text, ascii.errorAt], ['A', 1]);
});

test('utf-8: an incomplete trailing sequence is left for the next run, an invalid one is not', () => {
  const c = getCodec('utf-8', 'strict');
  const euro = hex('e2 82 ac');
  for (let cut = 1; cut < 3; cut++) {
    const d = c.decode(Buffer.concat([hex('41'), euro.subarray(0, cut)]), false);
    assert.deepStrictEqual([d.text, d.consumed], ['A', 1], `cut ${cut}`);
  }
  const emoji = c.decode(hex('f0 9f 98'), false);
  assert.deepStrictEqual([emoji.text, emoji.consumed], ['', 0]);
  // E0 80 can never start a valid sequence: nothing to wait for, the error is reported now.
  const bad = c.decode(hex('41 e0 80'), false);
  assert.deepStrictEqual([bad.text, bad.errorAt, bad.errorLength], ['A', 1, 1]);
  // At the end of the file a truncated sequence is an error.
  assert.deepStrictEqual(c.decode(hex('41 e2 82'), true).errorAt, 1);
});

test("utf-8 'replace' gives one U+FFFD per maximal invalid subsequence, like TextDecoder and CPython", () => {
  const c = getCodec('utf-8', 'replace');
  for (const h of ['f0 80 80 41', 'e0 a0', 'ed a0 80', 'ff fe', 'f4 90 80 80', 'c0 af', 'e2 82 41', 'ef bf bd']) {
    assert.strictEqual(c.decode(hex(h), true).text, new TextDecoder('utf-8', { ignoreBOM: true }).decode(hex(h)), h);
  }
});

test("utf-8 'ignore' drops exactly the invalid bytes and keeps a genuine U+FFFD", () => {
  const c = getCodec('utf-8', 'ignore');
  assert.strictEqual(c.decode(hex('41 ff 42 e2 82 43 ef bf bd'), true).text, 'ABC\ufffd');
});

test('utf-8 keeps a byte order mark (Python utf-8, not utf-8-sig)', () => {
  assert.strictEqual(getCodec('utf-8', 'strict').decode(hex('ef bb bf 41'), false).text, '\ufeffA');
});

test('utf-16: odd bytes and a trailing high surrogate wait; lone surrogates follow errors', () => {
  const le = getCodec('utf-16le', 'strict');
  const d = le.decode(hex('41 00 3d d8'), false);
  assert.deepStrictEqual([d.text, d.consumed], ['A', 2]);
  assert.deepStrictEqual(le.decode(hex('41 00 42'), false).consumed, 2);
  assert.strictEqual(le.decode(hex('3d d8 00 de'), false).text, '😀');
  assert.deepStrictEqual(le.decode(hex('41 00 00 dc 42 00'), false).errorAt, 2);
  assert.strictEqual(getCodec('utf-16le', 'replace').decode(hex('00 d8 41 00 42'), true).text, '\ufffdA\ufffd');
  assert.strictEqual(getCodec('utf-16le', 'ignore').decode(hex('00 d8 41 00 42'), true).text, 'A');
  // A high surrogate cut off by the end of the file and the odd byte are one error (Python).
  assert.strictEqual(getCodec('utf-16le', 'replace').decode(hex('41 00 00 d8 41'), true).text, 'A\ufffd');
  assert.strictEqual(getCodec('utf-16le', 'replace').decode(hex('00 dc 41'), true).text, '\ufffd\ufffd');
  const be = getCodec('utf-16be', 'strict');
  assert.strictEqual(be.decode(hex('00 41 d8 3d de 00'), false).text, 'A😀');
  assert.deepStrictEqual(be.encode('A😀'), hex('00 41 d8 3d de 00'));
});

test('encode: strict rejects what the encoding cannot represent; replace writes ?, ignore drops', () => {
  assert.throws(() => getCodec('latin-1', 'strict').encode('a€'), { code: 'ERR_INVALID_ARG_VALUE', message: /U\+20AC at index 1 .*latin-1/ });
  assert.deepStrictEqual(getCodec('latin-1', 'replace').encode('a€😀é'), Buffer.from('a??é', 'latin1'));
  assert.deepStrictEqual(getCodec('latin-1', 'ignore').encode('a€😀é'), Buffer.from('aé', 'latin1'));
  assert.throws(() => getCodec('ascii', 'strict').encode('é'), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => getCodec('utf-8', 'strict').encode('a\ud800b'), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.deepStrictEqual(getCodec('utf-8', 'replace').encode('a\ud800b'), Buffer.from('a?b'));
  assert.deepStrictEqual(getCodec('utf-16le', 'ignore').encode('a\udc00'), Buffer.from('a', 'utf16le'));
  assert.throws(() => getCodec('windows-1252', 'strict').encode('Ā'), { code: 'ERR_INVALID_ARG_VALUE' });
});

test('lossy decoding reports byte marks around every replaced or ignored range', () => {
  const d = getCodec('utf-8', 'ignore').decode(hex('41 ff 42'), true);
  assert.deepStrictEqual([d.text, d.marks], ['AB', [[1, 1], [1, 2]]]);
  const r = getCodec('utf-8', 'replace').decode(hex('e2 82 41'), true);
  assert.deepStrictEqual([r.text, r.marks], ['\ufffdA', [[0, 0], [1, 2]]]);
  assert.strictEqual(getCodec('utf-8', 'replace').decode(hex('41 42'), true).marks, undefined);
});
