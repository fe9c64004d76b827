'use strict';
// Covers: every backend (native, waiter-thread and fallback passes; IOCP's native case skipped: no FIFOs), every platform; what: a worker terminated with 1,000 ops in flight.
// Each worker thread has its own engine; terminating one with 1,000 ops in flight must not
// crash the process or disturb the main thread's engine.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const internals = require('./_lib/internals.js');
const { getBackend } = internals.engine;

const enginePath = internals.paths.engine;
const native = getBackend().kind !== 'fallback';

/**
 * The worker issues 1,000 ops and reports before any can settle. On the native backend they
 * are reads of a FIFO nobody writes, so they stay in the kernel until cancelled at teardown;
 * on the fallback (where a blocked FIFO read would hold a libuv pool thread forever) they are
 * 64 KiB file writes.
 */
const workerCode = `
const fs = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const { getBackend } = require(${JSON.stringify(enginePath)});
(async () => {
  const b = getBackend();
  const fd = await b.open(workerData.target, fs.constants.O_RDWR, 0);
  const buf = Buffer.alloc(65536, 1);
  for (let i = 0; i < 1000; i++) {
    if (workerData.fifo) b.read(fd, buf, (i % 16) * 4096, 4096, -1);
    else b.write(fd, buf, 0, buf.length, i * buf.length);
  }
  parentPort.postMessage({ fd });
  parentPort.on('message', () => {}); // stay alive until terminated, even if the ops finish
})();`;

test('terminating a worker with 1,000 ops in flight: no crash, main engine unaffected', {
  skip: native && process.platform === 'win32' ? 'no FIFOs on Windows (71.win.iocp-pipe tears a worker down with a pipe read in flight)' : false,
}, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-worker-'));
  try {
    const target = path.join(dir, native ? 'fifo' : 'file');
    if (native) spawnFifo(target);
    else fs.writeFileSync(target, '');
    const main = getBackend();
    const mfd = await main.open(path.join(dir, 'main'), fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    for (let round = 0; round < 3; round++) {
      const w = new Worker(workerCode, { eval: true, workerData: { target, fifo: native } });
      const ready = await new Promise((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      });
      assert.ok(ready.fd >= 0);
      const exitCode = await w.terminate();
      assert.strictEqual(exitCode, 1); // terminated, not crashed or exited on its own
      const data = Buffer.from(`round ${round}`);
      assert.strictEqual(await main.write(mfd, data, 0, data.length, 0), data.length);
      const back = Buffer.alloc(data.length);
      assert.strictEqual(await main.read(mfd, back, 0, back.length, 0), data.length);
      assert.ok(back.equals(data));
    }
    assert.strictEqual(await main.close(mfd), 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Make a FIFO at `p` (mkfifo(1): node has no mkfifo). */
function spawnFifo(p) {
  const r = require('node:child_process').spawnSync('mkfifo', [p]);
  assert.strictEqual(r.status, 0, 'mkfifo failed');
}

/** The worker keeps 32 large reads (completed by the kernel's workers, delivered by wake-ups) going. */
const busyWorkerCode = `
const fs = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const { getBackend } = require(${JSON.stringify(enginePath)});
(async () => {
  const b = getBackend();
  const fd = await b.open(workerData.file, fs.constants.O_RDONLY, 0);
  let reads = 0;
  const loop = async () => {
    const buf = Buffer.alloc(1 << 18);
    for (;;) {
      await b.read(fd, buf, 0, buf.length, 0);
      if (++reads === 64) parentPort.postMessage('busy');
    }
  };
  await Promise.all(Array.from({ length: 32 }, loop));
})();`;

test('terminating workers in the middle of a stream of completions: no crash', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-worker-busy-'));
  try {
    const file = path.join(dir, 'data');
    fs.writeFileSync(file, Buffer.alloc(1 << 18, 9));
    for (let round = 0; round < 8; round++) {
      const w = new Worker(busyWorkerCode, { eval: true, workerData: { file } });
      await new Promise((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      });
      assert.strictEqual(await w.terminate(), 1);
    }
    const b = getBackend();
    assert.strictEqual(typeof (await b.stat(file)), 'object');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * The worker closes 40 files with bytes still buffered without awaiting (on io_uring each
 * close goes linked behind its final write), reports, and keeps its thread busy so no
 * completion is reaped before terminate().
 */
const closingWorkerCode = `
const { parentPort, workerData } = require('node:worker_threads');
const { open } = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'index.js'))});
(async () => {
  const files = [];
  for (let i = 0; i < 40; i++) {
    const f = await open(workerData.dir + '/f' + i, 'wb');
    await f.write(Buffer.alloc(4000, 1));
    files.push(f);
  }
  for (const f of files) f.close();
  await new Promise(setImmediate); // the closes are submitted
  parentPort.postMessage('closing');
  for (;;); // busy until terminated
})();`;

// Teardown cancels what is in flight; a cancelled linked close left its fd open in the
// process for good (about one in three: 120 of 400 files in 10 workers).
test('terminating a worker whose files are closing: their fds are closed', { skip: process.platform !== 'linux' && 'reads the fd table from /proc/self/fd' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-worker-closing-'));
  const openUnderDir = () => fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir);
    } catch {
      return false; // the listing's own fd, closed by now
    }
  });
  try {
    for (let round = 0; round < 16; round++) {
      const w = new Worker(closingWorkerCode, { eval: true, workerData: { dir } });
      await new Promise((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      });
      await w.terminate();
    }
    assert.deepStrictEqual(openUnderDir(), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * The worker starts 300 writeFile calls (on io_uring each one writeWhole: the open, then from
 * its completion the write and the close) and, on the native backend, 8 into a FIFO nobody reads (their opens
 * block in the kernel), reports, and keeps its thread busy so nothing is reaped.
 */
const wholeFileWorkerCode = `
const { parentPort, workerData } = require('node:worker_threads');
const { writeFile } = require(${JSON.stringify(require.resolve('../dist/index.js'))});
(async () => {
  for (let i = 0; i < 300; i++) writeFile(workerData.dir + '/w' + i, 'record ' + i).catch(() => {});
  if (workerData.fifo) for (let i = 0; i < 8; i++) writeFile(workerData.fifo, 'stuck').catch(() => {});
  await new Promise(setImmediate); // the chains are submitted
  parentPort.postMessage('writing');
  for (;;); // busy until terminated
})();`;

test('terminating a worker with whole-file writes in flight (some blocked opening a FIFO): no hang, no fd left open', { skip: process.platform !== 'linux' && 'reads the fd table from /proc/self/fd' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-worker-whole-'));
  const fifo = native ? path.join(dir, 'fifo') : undefined;
  if (fifo) spawnFifo(fifo);
  try {
    const before = fs.readdirSync('/proc/self/fd').length;
    for (let round = 0; round < 6; round++) {
      const w = new Worker(wholeFileWorkerCode, { eval: true, workerData: { dir, fifo } });
      await new Promise((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      });
      assert.strictEqual(await w.terminate(), 1);
    }
    assert.strictEqual(fs.readdirSync('/proc/self/fd').length, before);
    const p = path.join(dir, 'main');
    await require('../dist/index.js').writeFile(p, 'main engine still works');
    assert.strictEqual(fs.readFileSync(p, 'utf8'), 'main engine still works');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
