'use strict';
// Covers: every backend (native, waiter-thread and fallback passes), every platform (fd-count case Linux); what: what survives the end of the program.
// What survives the end of the program (docs/api.md, "What survives the end of the program"):
// an awaited write to a file the program never closed is in the file after a natural end,
// process.exit(), an uncaught exception, and the end of a worker (natural, exit, throw), with
// one warning per unclosed file; buffered group writes in flight at exit land exactly once.
// A terminated worker's fds are closed (Linux: counted in /proc/self/fd). Each scenario runs
// in a child process on the pass's backend.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { tmpDir, runNode, DIST, openFdCount, forcedFallback } = require('./_lib/reliab-util.js');

const INDEX = JSON.stringify(path.join(DIST, 'index.js'));
const WARNING = /\[AYAFILEIO_UNCLOSED_FILE\]/g;

/** A child that opens argv[1] with mode argv[2], writes one awaited line, then ends as argv[3] says. */
const ENDER = `
const { open } = require(${INDEX});
const [file, mode, how] = process.argv.slice(1);
(async () => {
  const f = await open(file, mode, mode.includes('b') ? undefined : { newline: '' }); // '\\n' as is on Windows too
  await f.write(mode.includes('b') ? Buffer.from('important\\n') : 'important\\n');
  if (how === 'exit') process.exit(0);
  if (how === 'throw') throw new Error('boom');
})();
`;

/** The same in a worker thread; the main thread waits for it. */
const WORKER_ENDER = `
const { Worker } = require('node:worker_threads');
const [file, mode, how] = process.argv.slice(1);
const body = ${JSON.stringify(ENDER)}.replace('process.argv.slice(1)', 'require("node:worker_threads").workerData');
const w = new Worker(body, { eval: true, workerData: [file, mode, how] });
w.on('error', () => {});
w.on('exit', (code) => console.log('worker exit ' + code));
`;

const ENDINGS = [
  { how: 'natural', status: 0 },
  { how: 'exit', status: 0 },
  { how: 'throw', status: 1 },
];

for (const where of ['main thread', 'worker']) {
  for (const { how, status } of ENDINGS) {
    test(`${where}, ${how} end without close(): the awaited write is in the file (w, wb, a), one warning per file`, async (t) => {
      const dir = tmpDir(t);
      for (const mode of ['w', 'wb', 'a']) {
        const file = path.join(dir, `out-${mode}.txt`);
        if (mode === 'a') fs.writeFileSync(file, 'before\n');
        const r = await runNode(where === 'worker' ? WORKER_ENDER : ENDER, { argv: [file, mode, how], killAfterMs: 30_000 });
        assert.strictEqual(r.signal, null, r.stderr);
        if (where === 'worker') {
          assert.strictEqual(r.status, 0, r.stderr);
          assert.match(r.stdout, new RegExp(`worker exit ${status}`));
        } else {
          assert.strictEqual(r.status, status, r.stderr);
        }
        const want = mode === 'a' ? 'before\nimportant\n' : 'important\n';
        assert.strictEqual(fs.readFileSync(file, 'utf8'), want, `mode ${mode}: ${r.stderr}`);
        assert.strictEqual((r.stderr.match(WARNING) ?? []).length, 1, `one warning for the unclosed file:\n${r.stderr}`);
      }
    });
  }
}

test('text encoder state survives: a UTF-16 file written without close() starts with its byte order mark once', async (t) => {
  const dir = tmpDir(t);
  const file = path.join(dir, 'u16.txt');
  const code = `
const { open } = require(${INDEX});
(async () => {
  const f = await open(process.argv[1], 'w', { encoding: 'utf-16', newline: '' });
  await f.write('héllo ');
  await f.write('wörld\\n');
  process.exit(0);
})();`;
  const r = await runNode(code, { argv: [file], killAfterMs: 30_000 });
  assert.strictEqual(r.status, 0, r.stderr);
  const bytes = fs.readFileSync(file);
  assert.deepStrictEqual([...bytes.subarray(0, 2)], [0xff, 0xfe], 'the BOM first');
  assert.strictEqual(bytes.subarray(2).toString('utf16le'), 'héllo wörld\n');
});

test('exit from a timer while buffered group writes are in flight: every acknowledged line once, in order', async (t) => {
  const dir = tmpDir(t);
  for (const mode of ['w', 'a']) {
    const file = path.join(dir, `stream-${mode}.txt`);
    const code = `
const { open } = require(${INDEX});
const fs = require('node:fs');
const [file, mode] = process.argv.slice(1);
(async () => {
  const f = await open(file, mode, { bufferSize: 4096, newline: '' });
  let acked = 0;
  setTimeout(() => { console.log('acked ' + acked); process.exit(0); }, 40);
  for (;;) {
    await f.write('line ' + acked + '\\n');
    acked++;
    if (acked % 7 === 0) f.flush(); // not awaited: group writes are in flight at exit
  }
})();`;
    const r = await runNode(code, { argv: [file, mode], killAfterMs: 30_000 });
    assert.strictEqual(r.status, 0, r.stderr);
    const acked = Number(/acked (\d+)/.exec(r.stdout)[1]);
    const lines = fs.readFileSync(file, 'utf8').split('\n').slice(0, -1);
    assert.ok(acked > 0, 'the child wrote something');
    // The fallback cannot wait for node:fs's pool at exit: an append group write the pool had
    // not started yet (a loaded machine) is lost, never written twice (docs/reliability.md,
    // the adversarial pass on issue 11: "Documented, not fixed"). Everywhere else, every line.
    const appendMayBeLost = mode === 'a' && forcedFallback();
    assert.ok(lines.length >= acked || appendMayBeLost, `mode ${mode}: ${lines.length} lines in the file, ${acked} acknowledged`);
    lines.forEach((line, i) => assert.strictEqual(line, `line ${i}`, `mode ${mode}: line ${i} in order, never twice`));
  }
});

test('terminated workers leave no fds behind (files open, reads in flight)', { skip: process.platform !== 'linux' && 'counts /proc/self/fd (Linux)' }, async (t) => {
  const dir = tmpDir(t);
  const code = `
const { Worker } = require('node:worker_threads');
const fs = require('node:fs');
const { readFile } = require(${INDEX});
const dir = process.argv[1];
const body = \`
const { open } = require(${INDEX.replace(/\\/g, '\\\\')});
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const files = [];
  for (let i = 0; i < 10; i++) files.push(await open(workerData + '/f' + i, 'w+b'));
  for (const f of files) { await f.write(Buffer.alloc(100, 1)); void f.readAt(0, 50); }
  parentPort.postMessage('ready');
  setInterval(() => {}, 1000); // stays alive until terminated
})();\`;
const run = (workers) => Promise.all(Array.from({ length: workers }, () => new Promise((resolve) => {
  const w = new Worker(body, { eval: true, workerData: dir });
  w.on('message', () => w.terminate().then(resolve));
})));
(async () => {
  // Warm-up: the engine's own fds and what Node keeps after a first worker count in the baseline.
  await readFile('/proc/self/status').then(() => run(1));
  const count = () => fs.readdirSync('/proc/self/fd').length;
  const before = count();
  await run(20);
  console.log(JSON.stringify({ before, after: count() }));
})();`;
  const r = await runNode(code, { argv: [dir], killAfterMs: 60_000 });
  assert.strictEqual(r.status, 0, r.stderr);
  const { before, after } = JSON.parse(r.stdout.trim().split('\n').pop());
  assert.strictEqual(after, before, `fds before ${before}, after 20 terminated workers with 10 files each ${after}`);
  assert.ok(openFdCount() > 0);
});

test("the program's own 'beforeExit' handler, registered after open(), writes and closes its file first", async (t) => {
  const file = path.join(tmpDir(t), 'own.txt');
  const code = `
const { open } = require(${INDEX});
(async () => {
  const log = await open(process.argv[1], 'w', { newline: '' });
  await log.write('start\\n');
  let done = false;
  process.on('beforeExit', async () => {
    if (done) return;
    done = true;
    await log.write('done\\n');
    await log.close();
  });
})();`;
  const r = await runNode(code, { argv: [file], killAfterMs: 30_000 });
  assert.strictEqual(r.status, 0, r.stderr);
  assert.strictEqual(fs.readFileSync(file, 'utf8'), 'start\ndone\n');
  assert.doesNotMatch(r.stderr, WARNING, 'the program closed its file itself: no warning');
});

test('closeTimeoutMs 0 and a 64 MiB flush in flight at process.exit(): every byte is in the file (a regular file is waited for)', async (t) => {
  const dir = tmpDir(t);
  for (const mode of ['wb', 'ab']) {
    const file = path.join(dir, `big-${mode}`);
    const code = `
const aya = require(${INDEX});
(async () => {
  aya.configure({ closeTimeoutMs: 0 });
  const f = await aya.open(process.argv[1], process.argv[2], { bufferSize: 128 << 20 });
  await f.write(Buffer.alloc(64 << 20, 0x61));
  void f.flush();
  setImmediate(() => process.exit(0));
})();`;
    const r = await runNode(code, { argv: [file, mode], killAfterMs: 60_000 });
    assert.strictEqual(r.status, 0, r.stderr);
    const size = fs.statSync(file).size;
    if (forcedFallback() && mode === 'ab') {
      // libuv's pool may or may not have got the group out when process.exit() ended it; it
      // counts as landed and is not written twice (docs/api.md): never more than the data.
      assert.ok(size <= 64 << 20, `${mode}: ${size} bytes`);
    } else {
      assert.strictEqual(size, 64 << 20, `${mode}: ${r.stderr}`);
    }
  }
});

/**
 * A child that holds the ring's room (depth 2, three reads of an empty FIFO), queues argv[2]
 * positional writes and then the close of 8 files with bytes buffered (on io_uring each a
 * write + close linked pair), and calls process.exit(): the exit path cancels what waits, 4096
 * completions at a time.
 */
const EXIT_WITH_QUEUE = `
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const { open, configure } = require(${INDEX});
const { getBackend } = require(${JSON.stringify(require('./_lib/internals.js').paths.engine)});
const [dir, writes] = process.argv.slice(1);
(async () => {
  const files = [];
  for (let i = 0; i < 8; i++) {
    const f = await open(dir + '/f' + i, 'wb');
    await f.write(Buffer.alloc(100, 65 + i));
    files.push(f);
  }
  const target = await open(dir + '/target', 'wb');
  configure({ ioUringQueueDepth: 2 });
  execFileSync('mkfifo', [dir + '/fifo']);
  const fifoFd = fs.openSync(dir + '/fifo', 'r+');
  for (let k = 0; k < 3; k++) getBackend().read(fifoFd, Buffer.alloc(1), 0, 1, -1);
  const one = Buffer.alloc(1);
  for (let i = 0; i < Number(writes); i++) target.writeAt(i, one);
  for (const f of files) f.close();
  await new Promise(setImmediate); // every close issued its pair
  process.exit(0);
})();
`;

// With 4095 ops ahead, the 4096-completion slice ended between a pair's write and its close:
// the close ran alone, and the bytes, written again at exit, went to a closed fd (EBADF, lost).
// The three counts put the slice's end on every side of the first pair.
test('process.exit() with more than 4096 ops waiting behind a full ring: closing files keep their bytes', {
  skip: require(path.join(DIST, 'index.js')).getBackendInfo().backend !== 'io_uring' && "the io_uring ring's queue (elsewhere the FIFO reads would hold libuv's pool past exit)",
}, async (t) => {
  for (const writes of [4095, 4096, 4097]) {
    const dir = tmpDir(t);
    const r = await runNode(EXIT_WITH_QUEUE, { argv: [dir, String(writes)], killAfterMs: 60_000 });
    assert.strictEqual(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /were lost/, `${writes} writes ahead`);
    for (let i = 0; i < 8; i++) {
      assert.deepStrictEqual(fs.readFileSync(path.join(dir, `f${i}`)), Buffer.alloc(100, 65 + i), `${writes} writes ahead, file ${i}`);
    }
  }
});
