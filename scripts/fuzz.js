#!/usr/bin/env node
// Long differential fuzz run (issue 4): the same property as test/50.reliab.fuzz.test.js —
// random concurrent sequences through the op interface and through AsyncFile, compared with
// node:fs — for much longer, on the native backend and on the forced fallback.
//
//   node scripts/fuzz.js [--minutes 10] [--seed N] [--kind ops|file|both] [--backend native|fallback|both]
//
// Each (backend, kind) pair gets an equal share of the time. A failure is shrunk by
// fast-check to a minimal sequence and printed with the seed and path to replay it; the exit
// status is then 1. The last line is a JSON summary (sequences, ops, largest batch in flight).
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

function argValue(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** In a child: fuzz one kind on the backend this process selected, for `ms`. */
async function fuzzHere(kind, seed, ms) {
  const { fuzz, stats } = require(path.join(__dirname, '..', 'test', '_lib', 'reliab-fuzz.js'));
  const target = kind === 'ops'
    ? require(path.join(__dirname, '..', 'test', '_lib', 'internals.js')).engine.getBackend()
    : require(path.join(__dirname, '..', 'dist', 'index.js'));
  let failure = null;
  try {
    await fuzz(kind, target, { seed, numRuns: 1e9, maxCommands: 200, interruptAfterTimeLimit: ms });
  } catch (e) {
    failure = `${e.message}\n${e.cause ? e.cause.message : ''}`;
  }
  console.log(JSON.stringify({ kind, seed, ...stats, failure }));
}

function main() {
  const minutes = Number(argValue('--minutes', 10));
  const seed = Number(argValue('--seed', Date.now() % 2 ** 31));
  const kinds = argValue('--kind', 'both') === 'both' ? ['ops', 'file'] : [argValue('--kind')];
  const backends = argValue('--backend', 'both') === 'both' ? ['native', 'fallback'] : [argValue('--backend')];
  const share = Math.floor((minutes * 60_000) / (kinds.length * backends.length));
  const results = [];
  for (const backend of backends) {
    for (const kind of kinds) {
      const env = { ...process.env };
      if (backend === 'fallback') env.AYAFILEIO_BACKEND = 'fallback';
      else delete env.AYAFILEIO_BACKEND;
      console.log(`fuzz: ${kind} on ${backend}, seed ${seed}, ${(share / 1000).toFixed(0)} s`);
      const r = spawnSync(process.execPath, [__filename, '--child', kind, String(seed), String(share)], { env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
      const lines = (r.stdout || '').trim().split('\n');
      let res;
      try {
        res = { backend, ...JSON.parse(lines[lines.length - 1]) };
      } catch {
        res = { backend, kind, failure: `child exited ${r.status} ${r.signal || ''}: ${(r.stderr || '').slice(-2000)}` };
      }
      if (res.failure) console.log(res.failure);
      results.push(res);
    }
  }
  const total = {
    seed,
    minutes,
    sequences: results.reduce((a, r) => a + (r.sequences || 0), 0),
    ops: results.reduce((a, r) => a + (r.ops || 0), 0),
    maxInFlight: Math.max(...results.map((r) => r.maxInFlight || 0)),
    errorsCompared: results.reduce((a, r) => a + (r.errorsCompared || 0), 0),
    failures: results.filter((r) => r.failure).length,
    runs: results.map(({ backend, kind, sequences, ops, maxInFlight }) => ({ backend, kind, sequences, ops, maxInFlight })),
  };
  console.log(JSON.stringify(total));
  process.exitCode = total.failures ? 1 : 0;
}

if (process.argv[2] === '--child') {
  fuzzHere(process.argv[3], Number(process.argv[4]), Number(process.argv[5])).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main();
}
