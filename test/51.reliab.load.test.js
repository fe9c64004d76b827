'use strict';
// Covers: every backend (native, waiter-thread and fallback passes), every platform; what: 100,000 ops with 10,000 in flight, 1,000 files open.
// Load (issue 4): 100,000 ops with 10,000 in flight through a ring of depth 8, and 1,000
// files open at once. Every result is checked; errors issued under load are Node-shaped.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { tmpDir, runNode, lastJson, assertChildOk, assertNodeError, openFilePaths, forcedFallback } = require('./_lib/reliab-util.js');

const DIST_INDEX = path.join(__dirname, '..', 'dist', 'index.js');

// The child configures a depth-8 ring before its first op (the depth is fixed at ring
// creation), then keeps a window of 10,000 positional ops in flight until 100,000 are done:
// 50,000 writes of distinct 512-byte blocks over 4 files, then 50,000 reads checking every
// block. Every 100th op is an open of a missing file, which must fail ENOENT under load.
const LOAD_CHILD = `
const fs = require('node:fs');
const path = require('node:path');
const aya = require(${JSON.stringify(DIST_INDEX)});
const dir = process.argv[1];
aya.configure({ ioUringQueueDepth: 8 });
const TOTAL = 100000, WINDOW = 10000, BLOCK = 512, FILES = 4;
const blockOf = (i) => { const b = Buffer.alloc(BLOCK, i & 0xff); b.writeUInt32LE(i, 0); return b; };
(async () => {
  const files = await Promise.all(Array.from({ length: FILES }, (_, k) => aya.open(path.join(dir, 'load' + k), 'w+b')));
  const info = aya.getBackendInfo();
  let issued = 0, inFlight = 0, maxInFlight = 0, done = 0, badData = 0, enoent = 0, otherErrors = [];
  const half = TOTAL / 2;
  function one(i) {
    if (i % 100 === 99) {
      return aya.open(path.join(dir, 'missing-' + i), 'rb').then(
        () => otherErrors.push('open of a missing file resolved'),
        (e) => { if (e.code === 'ENOENT' && e.errno === -require(${JSON.stringify(path.join(__dirname, '_lib', 'uv-errno.js'))}).ENOENT && e.syscall === 'open' && e.message.startsWith('ENOENT: ')) enoent++; else otherErrors.push(e.message); });
    }
    const n = i % half, f = files[n % FILES], pos = Math.floor(n / FILES) * BLOCK;
    if (i < half) {
      return f.writeAt(pos, blockOf(n)).then((w) => { if (w !== BLOCK) badData++; });
    }
    // (the read of block n has the same i % 100 as its write, so unwritten blocks are never read)
    return f.readAt(pos, BLOCK).then((b) => { if (!b.equals(blockOf(n))) badData++; });
  }
  await new Promise((resolve, reject) => {
    const pump = () => {
      // reads start only after every write has completed (the two halves do not overlap)
      while (inFlight < WINDOW && issued < TOTAL && !(issued === half && done < half)) {
        const i = issued++;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        one(i).then(() => { inFlight--; done++; if (done === TOTAL) resolve(); else pump(); }, reject);
      }
    };
    pump();
  });
  for (const f of files) await f.close();
  console.log(JSON.stringify({ done, maxInFlight, badData, enoent, otherErrors: otherErrors.slice(0, 5), backend: info.backend, entries: info.ring && info.ring.entries }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

test('100,000 ops with 10,000 in flight through a depth-8 ring: every result right, errors Node-shaped', { timeout: 300_000 }, async (t) => {
  const dir = tmpDir(t);
  const r = await runNode(LOAD_CHILD, { argv: [dir], killAfterMs: 240_000 });
  assertChildOk(r);
  const out = lastJson(r.stdout);
  assert.strictEqual(out.done, 100000);
  assert.strictEqual(out.maxInFlight, 10000);
  assert.strictEqual(out.badData, 0, 'every write acknowledged in full and every block read back intact');
  assert.strictEqual(out.enoent, 1000, 'each open of a missing file failed ENOENT, Node-shaped');
  assert.deepStrictEqual(out.otherErrors, []);
  if (forcedFallback()) assert.strictEqual(out.backend, 'fallback');
  else if (out.backend === 'io_uring') assert.strictEqual(out.entries, 8, 'the ring has the configured depth');
});

test('1,000 files open at once: all usable, a 1,001st open of a missing path fails ENOENT, all fds released', { timeout: 120_000 }, async (t) => {
  const aya = require(DIST_INDEX);
  const dir = tmpDir(t);
  const N = 1000;
  const names = Array.from({ length: N }, (_, i) => path.join(dir, `f${i}`));
  const opens = names.map((p) => aya.open(p, 'w+b'));
  const missing = aya.open(path.join(dir, 'no', 'such'), 'rb').then(() => null, (e) => e);
  const files = await Promise.all(opens);
  assertNodeError(await missing, 'ENOENT', 'open');
  const fdsOnDir = () => openFilePaths().filter((p) => p.startsWith(dir + path.sep)).length;
  const procFds = process.platform === 'linux'; // counts fds through /proc/self/fd
  if (procFds) assert.strictEqual(fdsOnDir(), N, 'every file holds its own fd');
  assert.strictEqual(new Set(files.map((f) => f.fileno())).size, N);
  const written = await Promise.all(files.map((f, i) => f.writeAt(0, Buffer.from(`file ${i}`))));
  assert.ok(written.every((n, i) => n === Buffer.byteLength(`file ${i}`)));
  const read = await Promise.all(files.map((f, i) => f.readAt(0, 64)));
  read.forEach((b, i) => assert.strictEqual(b.toString(), `file ${i}`));
  await Promise.all(files.map((f) => f.close()));
  if (procFds) assert.strictEqual(fdsOnDir(), 0, 'no fd left open after close');
  names.forEach((p, i) => assert.strictEqual(fs.readFileSync(p, 'utf8'), `file ${i}`));
});
