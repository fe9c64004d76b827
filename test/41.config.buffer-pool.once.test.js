'use strict';
// Covers: the native pass's backend (native pass only), every platform (/proc case Linux); what: the file-buffer pool and bufferPoolMax.
// bufferPoolMax: the pool of reusable file buffers (src/file/buffer-pool.ts) reuses released
// buffers, keeps at most bufferPoolMax idle ones, and follows configure() at once.
const test = require('node:test');
const assert = require('node:assert');
const { configure, resetConfig } = require('../dist/index.js');
const { acquireBuffer, releaseBuffer, bufferPoolStats } = require('./_lib/internals.js').bufferPool;

/** Take `n` buffers of `size` and give them all back. */
function cycle(n, size) {
  const bufs = Array.from({ length: n }, () => acquireBuffer(size));
  for (const b of bufs) releaseBuffer(b);
  return bufs;
}

test.beforeEach(() => {
  configure({ bufferSize: 4096 }); // a bufferSize change empties the pool: a clean start
  resetConfig();
});

test('a released buffer is handed out again for the same size, not for another size', () => {
  const a = acquireBuffer(1000);
  assert.strictEqual(a.length, 1000);
  releaseBuffer(a);
  assert.strictEqual(bufferPoolStats().idle, 1);
  assert.notStrictEqual(acquireBuffer(999), a);
  assert.strictEqual(acquireBuffer(1000), a);
  assert.strictEqual(bufferPoolStats().idle, 0);
});

test('the pool keeps at most bufferPoolMax idle buffers', () => {
  configure({ bufferPoolMax: 3 });
  cycle(10, 512);
  assert.deepStrictEqual(bufferPoolStats(), { idle: 3, idleBytes: 3 * 512 });
});

test('bufferPoolMax 0 disables the pool', () => {
  configure({ bufferPoolMax: 0 });
  const [a] = cycle(1, 512);
  assert.strictEqual(bufferPoolStats().idle, 0);
  assert.notStrictEqual(acquireBuffer(512), a);
});

test('lowering bufferPoolMax trims the idle buffers at once', () => {
  cycle(8, 256);
  assert.strictEqual(bufferPoolStats().idle, 8);
  configure({ bufferPoolMax: 2 });
  assert.deepStrictEqual(bufferPoolStats(), { idle: 2, idleBytes: 512 });
});

test('changing bufferSize empties the pool', () => {
  cycle(4, 256);
  configure({ bufferSize: 8192 });
  assert.strictEqual(bufferPoolStats().idle, 0);
});

test('a double release, a view and an empty buffer are not pooled', () => {
  const a = acquireBuffer(128);
  releaseBuffer(a);
  releaseBuffer(a);
  assert.strictEqual(bufferPoolStats().idle, 1);
  releaseBuffer(acquireBuffer(256).subarray(0, 128));
  releaseBuffer(Buffer.alloc(0));
  assert.strictEqual(bufferPoolStats().idle, 1);
  assert.strictEqual(acquireBuffer(128), a);
  assert.notStrictEqual(acquireBuffer(128), a);
});

test('readFile reads files of unknown size into pooled chunks and gives them back', { skip: process.platform !== 'linux' && '/proc is Linux-only' }, async () => {
  const { readFile } = require('../dist/index.js');
  const first = await readFile('/proc/self/status', 'utf8');
  assert.ok(first.startsWith('Name:'));
  const { idle } = bufferPoolStats();
  assert.ok(idle >= 2, 'the data chunk(s) and the EOF probe went back to the pool');
  await readFile('/proc/self/status');
  assert.strictEqual(bufferPoolStats().idle, idle, 'the second read reused them');
  configure({ bufferPoolMax: 0 });
  await readFile('/proc/self/status');
  assert.strictEqual(bufferPoolStats().idle, 0);
});

test('an AsyncFile takes its buffer from the pool and gives it back at close()', async () => {
  const { open } = require('../dist/index.js');
  const fs = require('node:fs');
  const os = require('node:os');
  const path = require('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-pool-'));
  try {
    const p = path.join(dir, 'f');
    fs.writeFileSync(p, 'pooled');
    configure({ bufferSize: 4096 });
    const f = await open(p, 'rb');
    assert.deepStrictEqual(await f.read(3), Buffer.from('poo'));
    assert.strictEqual(bufferPoolStats().idle, 0, 'the open file holds its buffer');
    await f.close();
    assert.deepStrictEqual(bufferPoolStats(), { idle: 1, idleBytes: 4096 });
    const g = await open(p, 'rb');
    assert.deepStrictEqual(await g.read(), Buffer.from('pooled'));
    assert.strictEqual(bufferPoolStats().idle, 0, 'the next file reused it');
    await g.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
