'use strict';
// Covers: every backend (native, waiter-thread and fallback passes; the ring depth is io_uring's), every platform; what: 20,000 concurrent ops through a depth-8 ring, none lost or mixed up.
// 20,000 concurrent 4 KiB reads and writes through a ring of depth 8: the SQ overflows by a
// factor of 2,500, and no op may fail (no EBUSY), be lost, or get another op's result.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { configure, getBackendInfo } = require('../dist/index.js');

configure({ ioUringQueueDepth: 8 });
const { getBackend } = require('./_lib/internals.js').engine;

const BLOCK = 4096;
const COUNT = 10000; // reads and as many writes
const { O_RDWR, O_RDONLY, O_CREAT, O_TRUNC } = fs.constants;

/** Block i's content: its number and a salt repeated over the block, so any mix-up shows. */
function blockOf(i, salt) {
  const pattern = Buffer.alloc(8);
  pattern.writeUInt32LE(i, 0);
  pattern.writeUInt32LE(salt, 4);
  return Buffer.alloc(BLOCK, pattern);
}

test('20,000 concurrent 4 KiB reads and writes on a depth-8 ring: every result correct', async () => {
  const b = getBackend();
  const info = getBackendInfo();
  if (info.backend === 'io_uring') assert.strictEqual(info.ring.entries, 8);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-depth-'));
  try {
    const src = path.join(dir, 'src');
    const fd = fs.openSync(src, 'w');
    for (let i = 0; i < COUNT; i++) fs.writeSync(fd, blockOf(i, 0x1111));
    fs.closeSync(fd);
    const rfd = await b.open(src, O_RDONLY, 0);
    const wfd = await b.open(path.join(dir, 'dst'), O_RDWR | O_CREAT | O_TRUNC, 0o644);
    const readBufs = Array.from({ length: COUNT }, () => Buffer.alloc(BLOCK));
    const ops = [];
    for (let i = 0; i < COUNT; i++) {
      ops.push(b.read(rfd, readBufs[i], 0, BLOCK, i * BLOCK));
      ops.push(b.write(wfd, blockOf(i, 0x2222), 0, BLOCK, i * BLOCK));
    }
    const results = await Promise.all(ops);
    assert.strictEqual(results.length, 2 * COUNT);
    assert.ok(results.every((n) => n === BLOCK), `short or failed: ${results.find((n) => n !== BLOCK)}`);
    for (let i = 0; i < COUNT; i++) assert.ok(readBufs[i].equals(blockOf(i, 0x1111)), `read ${i}`);
    const back = Buffer.alloc(BLOCK);
    const checks = await Promise.all(
      Array.from({ length: COUNT }, async (_, i) => {
        const buf = Buffer.alloc(BLOCK);
        const n = await b.read(wfd, buf, 0, BLOCK, i * BLOCK);
        return n === BLOCK && buf.equals(blockOf(i, 0x2222));
      }),
    );
    assert.ok(checks.every(Boolean), `written block ${checks.indexOf(false)} wrong`);
    assert.strictEqual(await b.read(wfd, back, 0, BLOCK, COUNT * BLOCK), 0);
    assert.strictEqual(await b.close(rfd), 0);
    assert.strictEqual(await b.close(wfd), 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
