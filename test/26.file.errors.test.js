'use strict';
// Covers: every backend (native and fallback passes), every platform; what: Node-shaped OS errors and ERR_* argument errors.
// Error shapes: OS failures are Node-shaped (code, errno, syscall, path, message like fs);
// argument errors are TypeError/RangeError with ERR_* codes; all as rejected promises.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const { open } = require('../dist/index.js');
const { fileWith, tmpPath, rejectsWith } = require('./_lib/file-helpers.js');

test('an OS failure looks like the one node:fs gives', async () => {
  const p = tmpPath('missing');
  const ours = await open(p, 'rb').catch((e) => e);
  const theirs = await fs.promises.open(p, 'r').catch((e) => e);
  for (const k of ['message', 'code', 'errno', 'syscall', 'path']) assert.strictEqual(ours[k], theirs[k], k);
  assert.ok(ours instanceof Error);
  assert.match(ours.stack, /26\.file\.errors\.test\.js/, 'the stack shows the caller');
});

test('open argument errors reject (never throw synchronously)', async () => {
  await rejectsWith(open(42, 'rb'), { code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError' });
  await rejectsWith(open('a\0b', 'rb'), { code: 'ERR_INVALID_ARG_VALUE' });
  await rejectsWith(open(tmpPath(), 'rb', { encoding: 'utf-8' }), { code: 'ERR_INVALID_ARG_VALUE', message: /binary mode/ });
  await rejectsWith(open(tmpPath(), 'wb', { newline: '\n' }), { code: 'ERR_INVALID_ARG_VALUE' });
  await rejectsWith(open(tmpPath(), 'w', { newline: 'x' }), { code: 'ERR_INVALID_ARG_VALUE', message: /newline/ });
  await rejectsWith(open(tmpPath(), 'w', { errors: 'loud' }), { code: 'ERR_INVALID_ARG_VALUE', message: /errors/ });
  await rejectsWith(open(tmpPath(), 'wb', { bufferSize: 0 }), { code: 'ERR_OUT_OF_RANGE', name: 'RangeError' });
  await rejectsWith(open(tmpPath(), 'wb', { bufferSize: '4' }), { code: 'ERR_INVALID_ARG_TYPE' });
  await rejectsWith(open(tmpPath(), 'wb', { bufSize: 4 }), { code: 'ERR_INVALID_ARG_VALUE', message: /bufSize/ });
  await rejectsWith(open(tmpPath(), 'wb', 'utf8'), { code: 'ERR_INVALID_ARG_TYPE' });
});

test('method argument errors reject with TypeError/RangeError codes', async () => {
  const f = await open(fileWith('data'), 'r+b');
  await rejectsWith(f.read(2 ** 53), { code: 'ERR_OUT_OF_RANGE', name: 'RangeError' });
  await rejectsWith(f.read(1.5), { code: 'ERR_OUT_OF_RANGE' });
  await rejectsWith(f.read('3'), { code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError' });
  await rejectsWith(f.readline('x'), { code: 'ERR_INVALID_ARG_TYPE' });
  await rejectsWith(f.readInto('not a buffer'), { code: 'ERR_INVALID_ARG_TYPE' });
  await rejectsWith(f.write('a string in binary mode'), { code: 'ERR_INVALID_ARG_TYPE' });
  await rejectsWith(f.write(123), { code: 'ERR_INVALID_ARG_TYPE' });
  await rejectsWith(f.seek(0, 3), { code: 'ERR_INVALID_ARG_VALUE' });
  await rejectsWith(f.seek(0.5), { code: 'ERR_OUT_OF_RANGE' });
  await rejectsWith(f.seek(2 ** 60), { code: 'ERR_OUT_OF_RANGE' });
  await rejectsWith(f.truncate(-1), { code: 'ERR_OUT_OF_RANGE' });
  await rejectsWith(f.seek(-1), { code: 'EINVAL', syscall: 'lseek' });
  assert.strictEqual((await f.read()).toString(), 'data', 'failed calls changed nothing');
  await f.close();
});

test('negative sizes mean "all" for read and readline, as in Python', async () => {
  const f = await open(fileWith('a\nb'), 'rb');
  assert.strictEqual((await f.readline(-5)).toString(), 'a\n');
  assert.strictEqual((await f.read(-2)).toString(), 'b');
  assert.strictEqual((await f.read(null)).length, 0);
  await f.close();
});
