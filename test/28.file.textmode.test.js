'use strict';
// Covers: every backend (native and fallback passes), every platform; what: AsyncFile in text mode over the text layer.
// AsyncFile in text mode delegates to the text layer: strings in and out, character counts.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const { open } = require('../dist/index.js');
const { fileWith, tmpPath, rejectsWith } = require('./_lib/file-helpers.js');

test('text mode: write returns characters, read/readline return strings', async () => {
  const p = tmpPath();
  const f = await open(p, 'w+', { bufferSize: 7 });
  assert.strictEqual(f.encoding, 'utf-8');
  assert.strictEqual(await f.write('héllo 🌍\nsecond\n'), 15);
  await f.writelines(['x', 'y\n']);
  await f.seek(0);
  assert.strictEqual(await f.readline(), 'héllo 🌍\n');
  assert.strictEqual(await f.read(3), 'sec');
  assert.strictEqual(await f.read(), 'ond\nxy\n');
  assert.strictEqual(await f.read(), '');
  await f.close();
  // newline=None (Python's default) writes '\n' as os.linesep: '\r\n' on Windows.
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'héllo 🌍\nsecond\nxy\n'.replace(/\n/g, require('node:os').EOL));
});

test('text mode: iteration and readlines yield strings', async () => {
  const f = await open(fileWith('a\nb\nc'), 'r', { bufferSize: 2 });
  const lines = [];
  for await (const line of f) lines.push(line);
  assert.deepStrictEqual(lines, ['a\n', 'b\n', 'c']);
  await f.seek(0);
  assert.deepStrictEqual(await f.readlines(), ['a\n', 'b\n', 'c']);
  await f.close();
});

test('text mode: bytes are refused, readInto is unsupported, encoding option applies', async () => {
  const missing = tmpPath();
  await rejectsWith(open(missing, 'w', { encoding: 'klingon' }), { code: 'ERR_INVALID_ARG_VALUE', message: /klingon/ });
  assert.ok(!fs.existsSync(missing), 'a bad encoding is refused before the file is created');
  const p = tmpPath();
  const f = await open(p, 'w+', { encoding: 'latin1' });
  assert.strictEqual(f.encoding, 'latin1');
  await rejectsWith(f.write(Buffer.from('x')), { code: 'ERR_INVALID_ARG_TYPE' });
  await rejectsWith(f.readInto(Buffer.alloc(1)), { code: 'ERR_UNSUPPORTED_OPERATION' });
  await f.write('é');
  await f.close();
  assert.deepStrictEqual(fs.readFileSync(p), Buffer.from([0xe9]));
});

test('text writes encoded straight into the buffer: exact bytes at every size around the buffer', async () => {
  const p = tmpPath();
  const pieces = ['ab', 'cdé', '🌍🌍', 'x'.repeat(15), 'ü'.repeat(8), '', 'tail\n', 'y'.repeat(16), 'z'];
  const f = await open(p, 'w', { bufferSize: 16, newline: '' });
  for (const piece of pieces) assert.strictEqual(await f.write(piece), [...piece].length);
  await f.close();
  assert.strictEqual(fs.readFileSync(p, 'utf8'), pieces.join(''));
});

test('text writes with a lone surrogate still go through the error mode', async () => {
  const p = tmpPath();
  const f = await open(p, 'w', { errors: 'replace', newline: '' });
  assert.strictEqual(await f.write('a\ud800b'), 3);
  await f.close();
  assert.strictEqual(fs.readFileSync(p, 'latin1'), 'a?b');
  const strict = await open(tmpPath(), 'w');
  await rejectsWith(strict.write('a\udc00'), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
  await strict.close();
});
