'use strict';
// Covers: every backend (native, waiter-thread and fallback passes), every platform (FIFO and pipe cases Linux); what: nothing waits forever.
// Nothing waits forever (issue 12, item 1): each scenario runs in a child process with a
// watchdog (killAfterMs); a hang is a SIGKILLed child and a failed test, never a stuck suite.
// FIFOs are Linux's; the scenarios run on the pass's backend.
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { tmpDir, runNode, DIST, forcedFallback } = require('./_lib/reliab-util.js');

const INDEX = JSON.stringify(path.join(DIST, 'index.js'));
const linuxOnly = process.platform !== 'linux' && 'FIFOs (Linux)';

/** Run `code` with a FIFO path as argv[1] (a holder keeps it open for reading and writing). */
async function withFifo(t, code) {
  const dir = tmpDir(t);
  const fifo = path.join(dir, 'fifo');
  spawnSync('mkfifo', [fifo]);
  const r = await runNode(code, { argv: [fifo], killAfterMs: 20_000 });
  assert.strictEqual(r.signal, null, `the child hung and was killed\n${r.stderr}`);
  assert.strictEqual(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const STUCK_PIPE = `
const aya = require(${INDEX});
const fs = require('node:fs');
const fifo = process.argv[1];
const holder = fs.openSync(fifo, fs.constants.O_RDWR); // nobody ever reads: the pipe fills
(async () => {
  aya.configure({ closeTimeoutMs: 200 });
  const f = await aya.open(fifo, 'wb', { bufferSize: 1 << 20 });
  const out = {};
  const big = f.write(Buffer.alloc(2 << 20, 1)).then(() => 'resolved', (e) => e.code); // straight through: stuck
  const buffered = f.write(Buffer.alloc(512 << 10, 2)).then(() => 'resolved', (e) => e.code); // queued behind it
  out.close = await f.close().then(() => 'resolved', (e) => e.code);
  out.big = await big;
  out.buffered = await buffered;
  const g = await aya.open(fifo, 'wb', { bufferSize: 1 << 20 });
  await g.write(Buffer.alloc(512 << 10, 3)); // only buffered: the final flush is what gets stuck
  out.closeBuffered = await g.close().then(() => 'resolved', (e) => e.code);
  fs.closeSync(holder);
  console.log(JSON.stringify(out));
})();`;

test('close() with writes stuck on a full pipe settles within closeTimeoutMs (no second wait)', { skip: linuxOnly }, async (t) => {
  const out = await withFifo(t, STUCK_PIPE);
  assert.strictEqual(out.close, 'ECANCELED', 'close reports that buffered bytes were not written');
  assert.strictEqual(out.big, 'ECANCELED');
  assert.strictEqual(out.closeBuffered, 'ECANCELED');
});

test('writelines() of an async iterable that reads the same file: no deadlock, the text the same calls made one by one give', async (t) => {
  const dir = tmpDir(t);
  const code = `
const aya = require(${INDEX});
const fs = require('node:fs');
const file = process.argv[1];
fs.writeFileSync(file, 'a\\nb\\n');
async function* upper(f) {
  for (;;) {
    const line = await f.readline();
    if (line === '') return;
    yield line.toUpperCase();
  }
}
(async () => {
  const f = await aya.open(file, 'r+', { newline: '' });
  await f.writelines(upper(f));
  await f.close();
  console.log(JSON.stringify({ text: fs.readFileSync(file, 'utf8') }));
})();`;
  const r = await runNode(code, { argv: [path.join(dir, 'f.txt')], killAfterMs: 20_000 });
  assert.strictEqual(r.signal, null, `writelines deadlocked\n${r.stderr}`);
  assert.strictEqual(r.status, 0, r.stderr);
  // readline() reads 'a\n', the write lands at the logical position after it (over 'b\n',
  // docs/text.md), the next readline() is at EOF: what awaiting each call in turn gives.
  assert.deepStrictEqual(JSON.parse(r.stdout.trim()), { text: 'a\nA\n' });
});

test('configure() with a stuck op in flight: new ops run at once, and a close timeout still cancels the stuck one', { skip: linuxOnly }, async (t) => {
  const out = await withFifo(t, `
const aya = require(${INDEX});
const fs = require('node:fs');
const fifo = process.argv[1];
const holder = fs.openSync(fifo, fs.constants.O_RDWR); // a writer that never writes
(async () => {
  const out = {};
  const f = await aya.open(fifo, 'r+b');
  const stuck = f.read(8).then(() => 'read', (e) => e.code);
  for (const options of [{ ioUringQueueDepth: 64 }, { ioWorkerCount: 2 }, { ioUringQueueDepth: 32 }]) {
    aya.configure(options);
    out[JSON.stringify(options)] = (await aya.readFile(process.execPath)).length > 0; // a plain file, through the engine
  }
  aya.configure({ closeTimeoutMs: 100 });
  out.close = await f.close().then(() => 'resolved', (e) => e.code);
  out.stuck = await stuck;
  out.after = (await aya.readFile('/proc/self/status', 'utf8')).includes('Pid:');
  // The fallback abandoned its read, still blocked on a pool thread that Node's exit joins:
  // give it a byte (it lands in memory nobody else is given).
  fs.writeSync(holder, 'x');
  fs.closeSync(holder);
  console.log(JSON.stringify(out));
})();`);
  assert.deepStrictEqual(out, {
    '{"ioUringQueueDepth":64}': true, '{"ioWorkerCount":2}': true, '{"ioUringQueueDepth":32}': true,
    close: 'resolved', stuck: 'ECANCELED', after: true,
  });
});

test('an abort while readFile waits for a FIFO to open, or for a helper slot, rejects at once', { skip: linuxOnly }, async (t) => {
  const out = await withFifo(t, `
const aya = require(${INDEX});
const fs = require('node:fs');
const fifo = process.argv[1];
(async () => {
  const out = {};
  const ac = new AbortController();
  const opening = aya.readFile(fifo, { signal: ac.signal }).then(() => 'resolved', (e) => e.name); // no writer: open waits
  setTimeout(() => ac.abort(), 50);
  out.open = await opening;
  const writer = fs.openSync(fifo, fs.constants.O_RDWR); // for the reads below; it also lets the fallback's abandoned open finish (then closed; io_uring cancelled it)
  aya.configure({ handlePoolMaxPerKey: 1 });
  const first = aya.readFile(fifo); // holds the path's one slot, its read waits for data
  const ac2 = new AbortController();
  const second = aya.readFile(fifo, { signal: ac2.signal }).then(() => 'resolved', (e) => e.name);
  setTimeout(() => ac2.abort(), 50);
  out.slot = await second;
  fs.closeSync(writer); // EOF for the first read
  out.first = (await first).length;
  console.log(JSON.stringify(out));
})();`);
  assert.deepStrictEqual(out, { open: 'AbortError', slot: 'AbortError', first: 0 });
});

test('a pipe write cut short by closeTimeoutMs rejects with bytesWritten: what reached the pipe', { skip: linuxOnly }, async (t) => {
  const out = await withFifo(t, `
const aya = require(${INDEX});
const fs = require('node:fs');
const fifo = process.argv[1];
const holder = fs.openSync(fifo, fs.constants.O_RDWR);
(async () => {
  aya.configure({ closeTimeoutMs: 200 });
  const f = await aya.open(fifo, 'wb', { bufferSize: 4096 });
  const writing = f.write(Buffer.alloc(1 << 20, 1)).then(() => ({ resolved: true }), (e) => ({ code: e.code, bytesWritten: e.bytesWritten }));
  await f.close().catch(() => {});
  const result = await writing;
  const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  let inPipe = 0;
  const chunk = Buffer.alloc(1 << 16);
  for (;;) { try { const n = fs.readSync(reader, chunk); if (n === 0) break; inPipe += n; } catch { break; } }
  console.log(JSON.stringify({ ...result, inPipe }));
  fs.closeSync(reader); fs.closeSync(holder);
})();`);
  assert.strictEqual(out.code, 'ECANCELED');
  // The fallback's one blocking write(2) is abandoned mid-way: it reports what it knows (none),
  // and may still deliver (docs/api.md); io_uring reports the part a short write moved.
  if (!forcedFallback()) assert.ok(out.bytesWritten > 0, 'part of it reached the pipe');
  assert.ok(out.bytesWritten <= out.inPipe, `bytesWritten ${out.bytesWritten}, in the pipe ${out.inPipe}`);
});
