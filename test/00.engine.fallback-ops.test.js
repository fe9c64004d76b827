'use strict';
// Op-level smoke test of the node:fs backend: raw results, negative errno on failure.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { FallbackBackend } = require('../dist/engine/fallback.js');

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

test("fallback backend: a cancelled op settles with libuv's ECANCELED (Windows numbers on Windows)", async () => {
  const { getSystemErrorName } = require('node:util');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-'));
  const b = new FallbackBackend();
  const fd = await b.open(path.join(dir, 'f'), fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
  const read = b.read(fd, Buffer.alloc(4), 0, 4, 0); // still on the thread pool: the cancel wins
  assert.strictEqual(await b.cancelFd(fd), 1);
  const r = await read;
  assert.ok(r < 0, `cancelled: ${r}`);
  assert.strictEqual(getSystemErrorName(r), 'ECANCELED');
  assert.strictEqual(await b.close(fd), 0);
  fs.rmSync(dir, { recursive: true });
});
