'use strict';
// Covers: every backend (native, waiter-thread and fallback passes), every platform (the worker case not on Windows: it counts fds in /dev/fd); what: readFile of small files in workers terminated mid-read neither corrupts memory nor leaks fds; a result that keeps the pooled 64 KiB buffer shows no earlier bytes through .buffer.
// Found by adversarial testing of readFile with one completion (readWhole): a worker
// terminated while it was inside the addon's readWhole call lost its reference to the read's
// buffer before the engine held it, the garbage collector freed the buffer, and the read the
// engine submitted after the open's completion wrote into freed memory (glibc aborted with
// "corrupted double-linked list" within a few dozen workers); and a result of 32..64 KiB,
// which keeps the pooled buffer, showed another file's bytes past its end through .buffer.
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');

/**
 * A child process that starts `rounds` workers one after another; each reads 50 small files
 * (1 KB to 65 KB: the one-completion path on io_uring) over and over, and is terminated as
 * soon as it has started, or a few milliseconds later. The child prints its open fd count
 * before and after.
 */
const childCode = `
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-74-'));
for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(dir, 'f' + i), Buffer.alloc(1000 + i * 1300, i));
const workerCode = \`
const path = require('node:path');
const { parentPort, workerData } = require('node:worker_threads');
const { readFile } = require(\${JSON.stringify(${JSON.stringify(root)})});
const { dir, round } = workerData;
const batch = () => Promise.all(Array.from({ length: 50 }, (_, i) =>
  readFile(path.join(dir, 'f' + ((i + round) % 50)), i % 3 === 0 ? 'latin1' : undefined).catch(() => {})));
parentPort.postMessage('go');
(async () => { for (;;) await batch(); })();
\`;
const fdCount = () => fs.readdirSync('/dev/fd').length;
(async () => {
  // The first worker opens what every later one shares (the loop's own fds): count after it.
  await new Promise((resolve) => new Worker('', { eval: true }).once('exit', resolve));
  const before = fdCount();
  for (let round = 0; round < ${process.env.AYA_TEST_ROUNDS || 120}; round++) {
    const w = new Worker(workerCode, { eval: true, workerData: { dir, round } });
    await new Promise((resolve) => w.once('message', resolve));
    if (round % 3 === 1) await new Promise((resolve) => setImmediate(resolve));
    if (round % 3 === 2) await new Promise((resolve) => setTimeout(resolve, round % 5));
    await w.terminate();
  }
  fs.rmSync(dir, { recursive: true });
  console.log(JSON.stringify({ before, after: fdCount() }));
})();
`;

test('workers terminated in the middle of readFile calls: no memory corruption, no fd left open', { skip: process.platform === 'win32' && 'POSIX fd table (/dev/fd)' }, () => {
  const r = spawnSync(process.execPath, ['-e', childCode], { encoding: 'utf8', timeout: 240_000 });
  assert.strictEqual(r.signal, null, `child killed by ${r.signal}: ${r.stderr}`);
  assert.strictEqual(r.status, 0, r.stderr);
  const { before, after } = JSON.parse(r.stdout.trim().split('\n').pop());
  assert.strictEqual(after, before, 'fds open after the workers ended');
});

test("a readFile result that keeps the pooled buffer shows none of the pool's earlier bytes through .buffer", async () => {
  const fs = require('node:fs');
  const os = require('node:os');
  const aya = require('ayafileio');
  const ayafs = require('ayafileio/fs');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-74-'));
  try {
    const secret = path.join(dir, 'secret');
    const pub = path.join(dir, 'public');
    fs.writeFileSync(secret, Buffer.alloc(200_000, 'S'));
    fs.writeFileSync(pub, Buffer.alloc(40_000, 'A')); // over 32 KiB: the result keeps the 64 KiB buffer
    for (const readFile of [aya.readFile, ayafs.promises.readFile]) {
      // An AsyncFile's 64 KiB buffer, full of the secret, goes back to the pool at close().
      const f = await aya.open(secret, 'rb');
      await f.read(100);
      await f.close();
      const data = await readFile(pub);
      assert.ok(data.equals(Buffer.alloc(40_000, 'A')));
      const backing = Buffer.from(data.buffer, data.byteOffset);
      assert.strictEqual(backing.indexOf('S'), -1, `the secret's bytes are readable at ${backing.indexOf('S')} of .buffer`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});
