'use strict';
// Covers: the native pass's backend (native pass only), every platform (append case skipped under Wine); what: a wrong contender is a verification failure.
// A contender that returns wrong data must be reported as a verification failure, never as a
// speed; the other contenders of the same run are unaffected.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runBench } = require('../bench/lib/harness.js');
const { benchCommand } = require('../bench/index.js');
const { SilentProgress } = require('../bench/lib/progress.js');
const nodefs = require('../bench/contenders/nodefs.js');

/** node:fs with some handle methods replaced (`broken(handle)` returns the replacements). */
function brokenAdapter(broken) {
  return {
    probe: nodefs.probe,
    async open(file, mode) {
      const handle = await nodefs.open(file, mode);
      return Object.assign(Object.create(handle), broken(handle));
    },
  };
}

const offByOneBlock = brokenAdapter((h) => ({ readAt: (pos, size) => h.readAt(pos + 4096, size) }));
const claimsReadInto = brokenAdapter(() => ({ readAtInto: async (pos, buf) => buf.length }));
const dropsRecords = brokenAdapter((h) => {
  let n = 0;
  return { write: (d) => (++n % 10 === 0 ? Promise.resolve() : h.write(d)) };
});
/** Writes every 7th record (counted across handles) with one character changed. */
let garbleCount = 0;
const garbles = brokenAdapter((h) => ({
  write: (d) => h.write(++garbleCount % 7 === 0 ? d.replace('"title":"P', '"title":"Q') : d),
}));
const throwsOnOpen = { probe: nodefs.probe, open: async () => { throw new Error('EIO: simulated'); } };

function tmpDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-bench-verify-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function runWith(t, only, contenders) {
  return runBench({ profile: 'tiny', dir: tmpDir(t), only, contenders, progress: new SilentProgress() });
}

test('wrong bytes from readAt and a readAtInto that reads nothing fail verification', async (t) => {
  const results = await runWith(t, ['randread/readAt/qd1', 'randread/readAtInto/qd32'], [
    'node-fs',
    { id: 'off-by-one', adapter: offByOneBlock },
    { id: 'claims-read', adapter: claimsReadInto },
  ]);
  const [readAt, readInto] = results.cases;
  assert.strictEqual(readAt.results['off-by-one'].status, 'verification-failed');
  assert.match(readAt.results['off-by-one'].message, /wrong bytes/);
  assert.strictEqual(readAt.results['off-by-one'].rate, undefined);
  assert.strictEqual(readAt.results['off-by-one'].ratio, undefined);
  assert.strictEqual(readInto.results['claims-read'].status, 'verification-failed');
  assert.strictEqual(readInto.results['claims-read'].rate, undefined);
  for (const kase of results.cases) assert.strictEqual(kase.results['node-fs'].status, 'ok');
});

const wineSkip = process.env.AYAFILEIO_WINE === '1' ? "Wine: node:fs's concurrent appends lose records there (114-119 of 120), so the node-fs contender fails verification" : false;
test('an append that loses records fails verification; an adapter that throws is an error', { skip: wineSkip }, async (t) => {
  const results = await runWith(t, ['crawlee-append/buffered', 'crawlee-files'], [
    { id: 'drops', adapter: dropsRecords },
    { id: 'garbles', adapter: garbles },
    { id: 'throws', adapter: throwsOnOpen },
  ]);
  const [append, files] = results.cases;
  assert.strictEqual(append.results.drops.status, 'verification-failed');
  assert.match(append.results.drops.message, /holds \d+ of 120 records/);
  for (const kase of [append, files]) {
    assert.strictEqual(kase.results.garbles.status, 'verification-failed', kase.id);
    assert.match(kase.results.garbles.message, /not a record of this round|does not hold record/, kase.id);
  }
  assert.strictEqual(append.results.throws.status, 'error');
  assert.match(append.results.throws.message, /EIO: simulated/);
  assert.strictEqual(files.results.drops.status, 'ok', 'one write per file: every 10th handle call is never reached');
  assert.strictEqual(append.results['node-fs'].status, 'ok');
});

test('benchCommand exits 1 and prints the failure instead of a speed', async (t) => {
  const chunks = [];
  const out = { write: (s) => chunks.push(s) };
  const { exitCode } = await benchCommand({
    profile: 'tiny', dir: tmpDir(t), only: ['randread/readAt/qd1'], contenders: [{ id: 'off-by-one', label: 'broken', adapter: offByOneBlock }],
    progress: new SilentProgress(), out,
  });
  assert.strictEqual(exitCode, 1);
  const text = chunks.join('');
  assert.match(text, /randread\/readAt\/qd1\s+broken\s+VERIFICATION FAILED/);
});

test('a second bench in the same directory is refused while the first runs; a stale lock is taken over', async (t) => {
  const dir = tmpDir(t);
  const run = () => runBench({ profile: 'tiny', dir, only: ['durable-append'], contenders: ['node-fs'], progress: new SilentProgress() });
  const first = run();
  await assert.rejects(run(), /another bench \(pid \d+\) is running in/);
  assert.strictEqual((await first).cases[0].results['node-fs'].status, 'ok');
  assert.ok(!fs.existsSync(path.join(dir, 'bench.lock')), 'the lock is released at the end');
  fs.writeFileSync(path.join(dir, 'bench.lock'), '2147483646'); // no such process
  assert.strictEqual((await run()).cases[0].results['node-fs'].status, 'ok');
});
