'use strict';
// Covers: every backend (native, waiter-thread and fallback passes), Linux and macOS (worker threads and /proc-free fd counts need a POSIX fd table; skipped on Windows); what: readFile of small files in workers terminated mid-read neither corrupts memory nor leaks fds.
// Found by adversarial testing of readFile with one completion (readWhole): a worker
// terminated while it was inside the addon's readWhole call lost its reference to the read's
// buffer before the engine held it, the garbage collector freed the buffer, and the read the
// engine submitted after the open's completion wrote into freed memory (glibc aborted with
// "corrupted double-linked list" within a few dozen workers).
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
