'use strict';
// Covers: every backend (native, waiter-thread and fallback passes; ring checks io_uring's), every platform; what: configure() with ops in flight loses or mixes up none.
// configure() while ops are in flight: the engine switches to a ring built from the new
// options once the old ring drains; no op is lost or mixed up on the way.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { configure, getConfig, getBackendInfo } = require('../dist/index.js');
const { getBackend } = require('./_lib/internals.js').engine;

const BLOCK = 4096;

/** Issue `count` reads of block i (content: byte i) and check each. */
async function readAll(b, fd, count, midway) {
  const bufs = Array.from({ length: count }, () => Buffer.alloc(BLOCK));
  const ops = bufs.map((buf, i) => {
    if (i === count >> 1) midway();
    return b.read(fd, buf, 0, BLOCK, (i % 256) * BLOCK);
  });
  const results = await Promise.all(ops);
  results.forEach((n, i) => {
    assert.strictEqual(n, BLOCK, `op ${i}`);
    assert.ok(bufs[i].every((x) => x === i % 256), `op ${i} content`);
  });
}

test('changing queue depth, SQPOLL and io workers with ops in flight', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-config-'));
  const initial = getConfig();
  try {
    const file = path.join(dir, 'data');
    fs.writeFileSync(file, Buffer.concat(Array.from({ length: 256 }, (_, i) => Buffer.alloc(BLOCK, i))));
    const b = getBackend();
    const fd = await b.open(file, fs.constants.O_RDONLY, 0);
    const steps = [
      { ioUringQueueDepth: 16 },
      { ioUringQueueDepth: 64, ioUringSqpoll: true },
      { ioUringQueueDepth: 32, ioUringSqpoll: false, ioWorkerCount: 2 },
    ];
    for (const step of steps) {
      await readAll(b, fd, 3000, () => configure(step));
      const info = getBackendInfo();
      if (info.backend === 'io_uring') {
        assert.strictEqual(info.ring.entries, getConfig().ioUringQueueDepth);
        assert.strictEqual(info.ring.flags.includes('SQPOLL'), getConfig().ioUringSqpoll);
      }
    }
    assert.strictEqual(await b.close(fd), 0);
  } finally {
    configure(initial);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
