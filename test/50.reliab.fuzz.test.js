'use strict';
// Covers: every backend (native, waiter-thread and fallback passes), every platform; what: differential fuzz of the op interface and AsyncFile against node:fs.
// Differential fuzz against node:fs (issue 4): seeded random sequences of open/read/write/
// positional read-write/truncate/stat/close over several files, many ops in flight at once,
// every result and the final bytes compared with node:fs. A fixed budget here (the runner's
// two passes cover the native backend and the forced fallback); `npm run fuzz` runs long.
// A failure is shrunk by fast-check to a minimal sequence and reported with its seed.
const test = require('node:test');
const assert = require('node:assert');
const { fuzz, stats } = require('./_lib/reliab-fuzz.js');
const { scaledForWine } = require('./_lib/wine-scale.js');

const SEED = Number(process.env.AYAFILEIO_FUZZ_SEED || 20261126);
// Sequences per interface: about 15 s per backend pass on an idle 2-core machine; under Wine
// (about 1 ms per file op) 20, about 10 s per pass.
const RUNS = scaledForWine(100, 20);

test('op interface: concurrent random sequences give node:fs results and bytes', { timeout: 600_000 }, async (t) => {
  const { getBackend } = require('./_lib/internals.js').engine;
  const backend = getBackend();
  const before = { ...stats };
  await fuzz('ops', backend, { seed: SEED, numRuns: RUNS, maxCommands: 120 });
  assert.strictEqual(stats.sequences - before.sequences, RUNS);
  // node:fs on Windows runs positional ops on one fd one at a time here (OpInterpreter in
  // _lib/fuzz-ops.js says why), so its batches are smaller.
  const minInFlight = process.platform === 'win32' && backend.kind === 'fallback' ? 4 : 20;
  assert.ok(stats.maxInFlight >= minInFlight, `expected batches of >= ${minInFlight} ops in flight, largest was ${stats.maxInFlight}`);
  t.diagnostic(`op-level fuzz: ${JSON.stringify(stats)}`);
});

test('AsyncFile: concurrent random sequences give node:fs results and bytes', { timeout: 600_000 }, async (t) => {
  const api = require('../dist/index.js');
  assert.strictEqual(typeof api.open, 'function', 'dist/index.js exports open()');
  const before = { ...stats };
  await fuzz('file', api, { seed: SEED + 1, numRuns: RUNS, maxCommands: 120 });
  assert.strictEqual(stats.sequences - before.sequences, RUNS);
  t.diagnostic(`cumulative fuzz figures: ${JSON.stringify(stats)}`);
});
