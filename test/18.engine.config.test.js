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

/**
 * Open `count` files, put `size` bytes in each one's buffer, call `finish` on each (close,
 * sync or datasync: on io_uring linked behind the final write) without awaiting it, change
 * the configuration with those in flight, and check every call settles and every byte landed.
 */
async function finishWhileReconfiguring(count, size, finish, step) {
  const { open } = require('../dist/index.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-config-linked-'));
  const initial = getConfig();
  try {
    const files = [];
    for (let i = 0; i < count; i++) {
      const f = await open(path.join(dir, `f${i}`), 'wb');
      await f.write(Buffer.alloc(size, i % 256));
      files.push(f);
    }
    const finishing = files.map((f) => finish(f));
    configure(step);
    await Promise.all(finishing);
    await Promise.all(files.map((f) => f.close()));
    for (let i = 0; i < count; i++) {
      assert.deepStrictEqual(fs.readFileSync(path.join(dir, `f${i}`)), Buffer.alloc(size, i % 256), `file ${i}`);
    }
  } finally {
    configure(initial);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// The old ring retires holding the pairs; the kernel leaves part of their task work queued
// (DEFER_TASKRUN), which the retired ring must run too (it hung with 64 pairs).
test('close() and datasync() in flight while configure() replaces the ring', async () => {
  await finishWhileReconfiguring(64, 100, (f) => f.datasync(), { ioUringQueueDepth: 512 });
  await finishWhileReconfiguring(64, 100, (f) => f.close(), { ioUringQueueDepth: 2 });
  await finishWhileReconfiguring(64, 100, (f) => f.sync(), { ioUringQueueDepth: 8, ioWorkerCount: 1 });
});

// On a ring of one entry writeThen() is refused, but pairs already waiting for room when
// configure() shrinks the ring to one entry never fit: they complete as a cancelled link and
// run unlinked (they waited forever). Reads of an empty FIFO hold the room of a ring of two.
test('close() and datasync() waiting for ring room while configure() shrinks the ring to one entry', { skip: process.platform !== 'linux' && 'FIFOs made with mkfifo: Linux' }, async () => {
  const { execFileSync } = require('node:child_process');
  const { open } = require('../dist/index.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-config-unfit-'));
  const initial = getConfig();
  try {
    configure({ ioUringQueueDepth: 2 });
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const fifoFd = fs.openSync(fifo, 'r+'); // O_RDWR: opens without a peer, reads wait
    const b = getBackend();
    const reads = [0, 1, 2].map(() => b.read(fifoFd, Buffer.alloc(1), 0, 1, -1));
    const files = [];
    for (let i = 0; i < 4; i++) {
      const f = await open(path.join(dir, `f${i}`), 'wb');
      await f.write(Buffer.alloc(100, i));
      files.push(f);
    }
    const finishing = files.map((f, i) => (i % 2 ? f.datasync() : f.close()));
    await new Promise(setImmediate); // every microtask ran: close() and datasync() issued their pairs
    if (getBackendInfo().backend === 'io_uring') assert.strictEqual(b.inFlightCount, 3 + 2 * files.length, 'three reads and four pairs');
    configure({ ioUringQueueDepth: 1 });
    fs.writeSync(fifoFd, 'abc');
    assert.deepStrictEqual(await Promise.all(reads), [1, 1, 1]);
    await Promise.all(finishing);
    await Promise.all(files.map((f) => f.close()));
    fs.closeSync(fifoFd);
    for (let i = 0; i < 4; i++) assert.deepStrictEqual(fs.readFileSync(path.join(dir, `f${i}`)), Buffer.alloc(100, i), `file ${i}`);
  } finally {
    configure(initial);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// An SQPOLL ring's kernel thread publishes the SQ head after the completions of the same
// batch: the engine, having reaped them all, found the SQ still full, stopped feeding the ops
// waiting for room, and nothing in flight was left to wake it (1 run in 3 of 200 switches to
// SQPOLL with 3,000 reads hung). A small SQPOLL ring and many reads make that window common.
test('an SQPOLL ring fed far more reads than it holds: every read completes', { timeout: 120_000 }, async (t) => {
  const b = getBackend();
  if (b.kind !== 'io_uring') return t.skip(`SQPOLL is io_uring's (this pass: ${b.kind})`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-config-sqpoll-'));
  const initial = getConfig();
  try {
    const file = path.join(dir, 'data');
    fs.writeFileSync(file, Buffer.concat(Array.from({ length: 256 }, (_, i) => Buffer.alloc(BLOCK, i))));
    configure({ ioUringSqpoll: true, ioUringQueueDepth: 8 });
    const fd = await b.open(file, fs.constants.O_RDONLY, 0);
    for (let round = 0; round < 60; round++) await readAll(b, fd, 2000, () => {});
    assert.strictEqual(await b.close(fd), 0);
  } finally {
    configure(initial);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
