'use strict';
// Covers: the node:fs fallback backend, built directly (native, waiter-thread and fallback passes alike), every platform; what: op-level smoke test, raw results and negative errno.
// Op-level smoke test of the node:fs backend: raw results, negative errno on failure.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { FallbackBackend } = require('./_lib/internals.js').fallbackBackend;

test('fallback backend: open/write/read/close round trip with raw results', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-'));
  const b = new FallbackBackend();
  const fd = await b.open(path.join(dir, 'f'), fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
  assert.ok(fd >= 0);
  assert.strictEqual(await b.write(fd, Buffer.from('hello'), 0, 5, 0), 5);
  const buf = Buffer.alloc(5);
  assert.strictEqual(await b.read(fd, buf, 0, 5, 0), 5);
  assert.strictEqual(buf.toString(), 'hello');
  assert.strictEqual(await b.close(fd), 0);
  const enoent = [...require('node:util').getSystemErrorMap()].find(([, [name]]) => name === 'ENOENT')[0]; // libuv's number (Windows has its own)
  assert.strictEqual(await b.open(path.join(dir, 'missing'), fs.constants.O_RDONLY, 0), enoent);
  fs.rmSync(dir, { recursive: true });
});

test("fallback backend: a cancelled op settles with libuv's ECANCELED (Windows numbers on Windows); regular files' ops are waited for", async () => {
  const { getSystemErrorName } = require('node:util');
  const b = new FallbackBackend();
  // The null device: not a regular file, so its ops may be abandoned (a regular file's are
  // waited for, see cancelFd).
  const fd = await b.open(os.devNull, fs.constants.O_RDWR, 0);
  const read = b.read(fd, Buffer.alloc(4), 0, 4, -1); // still on the thread pool: the cancel wins
  assert.strictEqual(await b.cancelFd(fd), 1);
  const r = await read;
  assert.ok(r < 0, `cancelled: ${r}`);
  assert.strictEqual(getSystemErrorName(r), 'ECANCELED');
  assert.strictEqual(await b.close(fd), 0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-'));
  const file = await b.open(path.join(dir, 'f'), fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
  const ends = b.write(file, Buffer.from('kept'), 0, 4, 0);
  assert.strictEqual(await b.cancelFd(file), 0, 'an op on a regular file ends: it is not abandoned');
  assert.strictEqual(await ends, 4);
  assert.strictEqual(await b.close(file), 0);
  assert.strictEqual(fs.readFileSync(path.join(dir, 'f'), 'utf8'), 'kept');
  fs.rmSync(dir, { recursive: true });
});
