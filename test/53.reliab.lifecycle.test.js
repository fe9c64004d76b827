'use strict';
// Covers: every backend (native, waiter-thread and fallback passes), every platform (FIFO and /proc/self/fd cases POSIX); what: close, timeouts, workers, exit and GC with ops in flight.
// Lifecycle (issue 4): close() with ops in flight, closeTimeoutMs expiring, a worker thread
// terminated mid-I/O, process.exit() with ops in flight, a file never closed (closed on GC
// with a warning), configure() changing the ring depth under load. Anything that could crash
// the process runs in a child, whose exit status and signal are checked.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { tmpDir, runNode, lastJson, assertChildOk, openFilePaths, forcedFallback } = require('./_lib/reliab-util.js');

const DIST_INDEX = path.join(__dirname, '..', 'dist', 'index.js');
const aya = require(DIST_INDEX);
// FIFOs (a read that never completes) and /proc/self/fd (which files a process holds) are
// POSIX; on Windows the tests below run without them where they still test something.
const posix = process.platform !== 'win32';

test('close() with 1,000 ops in flight waits for them: every op settles with its true result', async (t) => {
  const dir = tmpDir(t);
  const p = path.join(dir, 'busy');
  const B = 256;
  fs.writeFileSync(p, Buffer.alloc(1001 * B, 0x2e));
  const f = await aya.open(p, 'r+b');
  const ops = [];
  // blocks 1..1000: odd ones written, even ones read (block 0 belongs to the stream write)
  for (let i = 1; i <= 1000; i++) ops.push(i % 2 ? f.writeAt(i * B, Buffer.alloc(B, i & 0xff)) : f.readAt(i * B, B));
  const streamWrite = f.write(Buffer.from('HEAD')); // queued before close: must land
  const closed = f.close();
  const results = await Promise.allSettled(ops);
  await closed;
  assert.strictEqual(await streamWrite, 4);
  results.forEach((r, k) => {
    const i = k + 1;
    assert.strictEqual(r.status, 'fulfilled', `op ${i}: ${r.reason && r.reason.message}`);
    if (i % 2) assert.strictEqual(r.value, B);
    else assert.ok(r.value.equals(Buffer.alloc(B, 0x2e)), `read ${i}`);
  });
  assert.strictEqual(f.closed, true);
  assert.ok(!openFilePaths().includes(p), 'fd released');
  const disk = fs.readFileSync(p);
  assert.strictEqual(disk.subarray(0, 4).toString(), 'HEAD');
  for (let i = 1; i <= 1000; i += 2) assert.ok(disk.subarray(i * B, (i + 1) * B).equals(Buffer.alloc(B, i & 0xff)), `block ${i}`);
  await assert.rejects(f.readAt(0, 1), (e) => e instanceof Error && e.code === 'EBADF');
});

// In a child: a close() that never returns (closeTimeoutMs not honoured) must fail the test,
// not hang the suite; the child is killed after 30 s. The stuck op is a read on a FIFO.
test('closeTimeoutMs expiring: a stuck read is cancelled, the fd closed, a late wake-up touches nothing', {
  timeout: 60_000,
  skip: posix ? false : 'mkfifo and /proc/self/fd are POSIX (71.win.iocp-pipe closes past closeTimeoutMs with a named-pipe read in flight)',
}, async (t) => {
  const dir = tmpDir(t);
  const code = `
    const fs = require('node:fs'), path = require('node:path');
    const aya = require(${JSON.stringify(DIST_INDEX)});
    const fifo = path.join(process.argv[1], 'fifo');
    require('node:child_process').execFileSync('mkfifo', [fifo]);
    const keeper = fs.openSync(fifo, 'r+');     // O_RDWR: never blocks; lets us write later
    const links = () => fs.readdirSync('/proc/self/fd').filter((fd) => { try { return fs.readlinkSync('/proc/self/fd/' + fd) === fifo; } catch { return false; } }).length;
    aya.configure({ closeTimeoutMs: 100 });
    (async () => {
      const f = await aya.open(fifo, 'r+b');
      const stuck = f.read(16).then((v) => ({ value: v.toString('hex') }), (e) => ({ code: e.code, isError: e instanceof Error, message: e.message }));
      await f.close();                           // must give up on the read after ~100 ms
      const linksAfterClose = links();
      const outcome = await stuck;
      // Wake anything still parked on the FIFO (a thread-pool read in the fallback): its late
      // completion must be dropped, not delivered into a settled promise or a freed buffer.
      fs.writeSync(keeper, Buffer.alloc(64, 0x21));
      const g = await aya.open(path.join(process.argv[1], 'after'), 'w+b');
      const wrote = await g.writeAt(0, Buffer.from('still fine'));
      await g.close();
      fs.closeSync(keeper);
      console.log(JSON.stringify({ closed: f.closed, linksAfterClose, outcome, wrote }));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const r = await runNode(code, { argv: [dir], killAfterMs: 30_000 });
  assertChildOk(r);
  const out = lastJson(r.stdout);
  assert.strictEqual(out.closed, true);
  assert.strictEqual(out.linksAfterClose, 1, 'only the keeper fd still refers to the FIFO: the file fd was closed');
  assert.strictEqual(out.outcome.isError, true, `the stuck read was cancelled, not completed: ${JSON.stringify(out.outcome)}`);
  assert.ok(['ECANCELED', 'EBADF', 'EINTR'].includes(out.outcome.code), `code ${out.outcome.code}: ${out.outcome.message}`);
  assert.strictEqual(out.wrote, 10);
});

test('a worker thread terminated mid-I/O: no crash, the main thread keeps working', { timeout: 120_000 }, async (t) => {
  const dir = tmpDir(t);
  const code = `
    const { Worker } = require('node:worker_threads');
    const fs = require('node:fs'), path = require('node:path');
    const aya = require(${JSON.stringify(DIST_INDEX)});
    const dir = process.argv[1];
    const workerCode = \`
      const { parentPort, workerData } = require('node:worker_threads');
      const aya = require(workerData.dist);
      (async () => {
        const f = await aya.open(workerData.file, 'w+b');
        if (workerData.fifo) {
          const g = await aya.open(workerData.fifo, 'r+b');
          g.read(16).catch(() => {});          // stuck until terminate
        }
        for (let i = 0; i < 1000; i++) f.writeAt(i * 4096, Buffer.alloc(4096, 1)).catch(() => {});
        parentPort.postMessage('in flight');
        for (;;) await f.readAt(0, 4096);      // keep issuing until terminated
      })();\`;
    (async () => {
      const main = await aya.open(path.join(dir, 'main'), 'w+b');
      await main.writeAt(0, Buffer.from('before'));
      for (let round = 0; round < 5; round++) {
        const fifo = ${posix} ? path.join(dir, 'wfifo' + round) : null; // no FIFOs on Windows
        if (fifo) require('node:child_process').execFileSync('mkfifo', [fifo]);
        const keeper = fifo && fs.openSync(fifo, 'r+');
        const w = new Worker(workerCode, { eval: true, workerData: { dist: ${JSON.stringify(DIST_INDEX)}, file: path.join(dir, 'w' + round), fifo } });
        await new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
        const pending = Array.from({ length: 200 }, (_, i) => main.writeAt(100 + i * 10, Buffer.from('0123456789')));
        const terminated = w.terminate();
        // A thread-pool read (fallback) cannot be cancelled, and a worker cannot finish
        // terminating while its request is parked: release it (the ring cancels its own).
        if (keeper) fs.writeSync(keeper, Buffer.alloc(16));
        await terminated;
        await Promise.all(pending);
        if (keeper) fs.closeSync(keeper);
      }
      const back = await main.readAt(0, 6);
      const tail = await main.readAt(100 + 199 * 10, 10);
      await main.close();
      console.log(JSON.stringify({ back: back.toString(), tail: tail.toString() }));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const r = await runNode(code, { argv: [dir], killAfterMs: 100_000 });
  assertChildOk(r);
  assert.deepStrictEqual(lastJson(r.stdout), { back: 'before', tail: '0123456789' });
});

test('process.exit() with ops in flight: the child exits with its code, no crash', { timeout: 60_000 }, async (t) => {
  const dir = tmpDir(t);
  const code = `
    const fs = require('node:fs'), path = require('node:path');
    const aya = require(${JSON.stringify(DIST_INDEX)});
    const dir = process.argv[1];
    const fifo = ${posix}; // no FIFOs on Windows: only the writes are in flight there
    if (fifo) require('node:child_process').execFileSync('mkfifo', [path.join(dir, 'xfifo')]);
    (async () => {
      const f = await aya.open(path.join(dir, 'x'), 'w+b');
      // A read that never completes (FIFO) only on the ring, which cancels it at exit: on the
      // fallback it would park a libuv pool thread, and exit joins those threads, so exit hangs
      // exactly as it does with plain node:fs.
      if (fifo && aya.getBackendInfo().backend !== 'fallback') {
        const g = await aya.open(path.join(dir, 'xfifo'), 'r+b');
        g.read(16);
      }
      for (let i = 0; i < 1000; i++) f.writeAt(i * 4096, Buffer.alloc(4096, 7));
      f.write(Buffer.alloc(100000, 1));
      process.exit(42);
    })();`;
  const r = await runNode(code, { argv: [dir], killAfterMs: 40_000 });
  assert.strictEqual(r.signal, null, `killed by ${r.signal} (a hang is killed after 40 s): ${r.stderr}`);
  assert.strictEqual(r.status, 42, r.stderr);
  assert.doesNotMatch(r.stderr, /Assertion|Segmentation|Aborted|FATAL/);
});

test('an AsyncFile never closed is closed on GC, with a warning, its buffered bytes flushed', {
  timeout: 60_000,
  skip: posix ? false : 'it watches /proc/self/fd for the fd to close; Windows lists no handles there',
}, async (t) => {
  const dir = tmpDir(t);
  const file = path.join(dir, 'forgotten');
  const code = `
    const fs = require('node:fs');
    const aya = require(${JSON.stringify(DIST_INDEX)});
    const file = process.argv[1];
    const warnings = [];
    process.on('warning', (w) => warnings.push(w.message));
    const linked = () => fs.readdirSync('/proc/self/fd').some((fd) => { try { return fs.readlinkSync('/proc/self/fd/' + fd) === file; } catch { return false; } });
    (async () => {
      await (async () => {
        const f = await aya.open(file, 'wb');
        await f.write(Buffer.from('buffered but never flushed'));
      })();
      const openBefore = linked();
      // Let the collector find the file; its cleanup is asynchronous (flush, then close).
      for (let i = 0; i < 2000 && linked(); i++) {
        globalThis.gc();
        await new Promise((r) => setImmediate(r));
      }
      console.log(JSON.stringify({ openBefore, openAfter: linked(), warnings, content: fs.readFileSync(file, 'utf8') }));
    })();`;
  const r = await runNode(code, { nodeArgs: ['--expose-gc'], argv: [file], killAfterMs: 40_000 });
  assertChildOk(r);
  const out = lastJson(r.stdout);
  assert.strictEqual(out.openBefore, true);
  assert.strictEqual(out.openAfter, false, 'the fd was closed after GC');
  assert.ok(out.warnings.some((w) => w.includes(file) || /close/i.test(w)), `a warning about the unclosed file: ${JSON.stringify(out.warnings)}`);
  assert.strictEqual(out.content, 'buffered but never flushed');
});

test('configure() changing the queue depth while ops are in flight loses nothing', { timeout: 120_000 }, async (t) => {
  const dir = tmpDir(t);
  const code = `
    const path = require('node:path');
    const aya = require(${JSON.stringify(DIST_INDEX)});
    const dir = process.argv[1];
    aya.configure({ ioUringQueueDepth: 8 });
    (async () => {
      const f = await aya.open(path.join(dir, 'cfg'), 'w+b');
      const block = (i) => Buffer.alloc(512, i & 0xff);
      const ops = [];
      for (let i = 0; i < 3000; i++) ops.push(f.writeAt(i * 512, block(i)));
      aya.configure({ ioUringQueueDepth: 64 });   // while 3,000 writes are in flight
      for (let i = 3000; i < 6000; i++) ops.push(f.writeAt(i * 512, block(i)));
      aya.configure({ ioUringQueueDepth: 16 });
      const written = await Promise.all(ops);
      const reads = await Promise.all(Array.from({ length: 6000 }, (_, i) => f.readAt(i * 512, 512)));
      aya.configure({ ioUringQueueDepth: 32 });
      const again = await f.readAt(0, 512);
      await f.close();
      const info = aya.getBackendInfo();
      console.log(JSON.stringify({
        short: written.filter((n) => n !== 512).length,
        bad: reads.filter((b, i) => !b.equals(block(i))).length,
        againOk: again.equals(block(0)),
        backend: info.backend, entries: info.ring && info.ring.entries,
      }));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const r = await runNode(code, { argv: [dir], killAfterMs: 100_000 });
  assertChildOk(r);
  const out = lastJson(r.stdout);
  assert.strictEqual(out.short, 0);
  assert.strictEqual(out.bad, 0);
  assert.strictEqual(out.againOk, true);
  if (forcedFallback()) assert.strictEqual(out.backend, 'fallback');
  else if (out.backend === 'io_uring') assert.strictEqual(out.entries, 32, 'the last configured depth is in force');
});
