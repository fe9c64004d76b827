'use strict';
// Covers: io_uring for the ring options, the native pass's backend for bufferSize (native pass only), every platform; what: when options take effect.
// When options take effect (docs/api.md): the io_uring options re-create the ring at once
// (visible in getBackendInfo().ring), bufferSize applies to files opened afterwards.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { configure, resetConfig, getBackendInfo, open, readFile } = require('../dist/index.js');
const { getBackend } = require('./_lib/internals.js').engine;

const onIoUring = getBackendInfo().backend === 'io_uring';
const noRing = !onIoUring && `the backend is ${getBackendInfo().backend}, not io_uring`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-when-'));
const file = path.join(dir, 'data');
fs.writeFileSync(file, Buffer.alloc(200000, 7));

test.afterEach(() => resetConfig());
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('ioUringQueueDepth re-creates the ring at once, rounded up to a power of two', { skip: noRing }, async () => {
  configure({ ioUringQueueDepth: 100 });
  assert.strictEqual(getBackendInfo().ring.entries, 128);
  assert.strictEqual((await readFile(file)).length, 200000, 'ops run on the new ring');
  configure({ io_uring_queue_depth: 8 });
  assert.strictEqual(getBackendInfo().ring.entries, 8);
  resetConfig();
  assert.strictEqual(getBackendInfo().ring.entries, 256);
});

test('ioUringSqpoll re-creates the ring with IORING_SETUP_SQPOLL and back', { skip: noRing }, async () => {
  assert.ok(!getBackendInfo().ring.flags.includes('SQPOLL'));
  configure({ ioUringSqpoll: true });
  assert.ok(getBackendInfo().ring.flags.includes('SQPOLL'));
  assert.strictEqual((await readFile(file)).length, 200000);
  resetConfig();
  assert.ok(!getBackendInfo().ring.flags.includes('SQPOLL'));
});

test('bufferSize applies to files opened afterwards; open files keep theirs', async () => {
  const backend = getBackend();
  const lengths = [];
  const read = backend.read;
  backend.read = function (fd, buf, off, len, pos) {
    lengths.push(len);
    return read.call(this, fd, buf, off, len, pos);
  };
  try {
    const before = await open(file, 'rb');
    configure({ bufferSize: 1000 });
    const after = await open(file, 'rb');
    const withOption = await open(file, 'rb', { bufferSize: 3000 });
    for (const f of [before, after, withOption]) {
      lengths.length = 0;
      assert.deepStrictEqual(await f.read(1), Buffer.from([7]));
      assert.strictEqual(Math.max(...lengths), f === before ? 65536 : f === after ? 1000 : 3000);
      await f.close();
    }
  } finally {
    delete backend.read;
    if (backend.read !== read) backend.read = read;
  }
});

test('the engine options work at the ends of their ranges', { skip: noRing }, async () => {
  const cases = [
    [{ ioUringQueueDepth: 1 }, 1], [{ ioUringQueueDepth: 32768 }, 32768],
    [{ ioWorkerCount: 1 }, 256], [{ ioWorkerCount: 4096 }, 256],
    [{ ioUringSqpoll: true, ioUringQueueDepth: 2 }, 2],
  ];
  for (const [options, entries] of cases) {
    configure(options);
    assert.strictEqual(getBackendInfo().ring.entries, entries, JSON.stringify(options));
    assert.strictEqual((await readFile(file)).length, 200000, JSON.stringify(options));
    resetConfig();
  }
});
