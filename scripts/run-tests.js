#!/usr/bin/env node
// Runs the test suite the way libuv's TEST_FS_IMPL does: the same test files once on the
// native backend (default selection) and once on the forced node:fs fallback. Files named
// `*.once.test.js` test something backend-independent (or pick backends themselves) and run
// in the first pass only. On Linux the engine and reliability files also run on the native
// backend with the waiter-thread wake-up (what Bun and Deno get; AYAFILEIO_WAKEUP=thread).
// Prints one closing line "tests: N passed, N failed, N skipped".
//
//   node scripts/run-tests.js [--only-native | --only-fallback] [files...]
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const argv = process.argv.slice(2);
const flags = new Set(argv.filter((a) => a.startsWith('--')));
const named = argv.filter((a) => !a.startsWith('--'));
const testDir = path.join(root, 'test');
const all = named.length
  ? named
  : fs.readdirSync(testDir).filter((f) => f.endsWith('.test.js')).sort().map((f) => path.join('test', f));

const passes = [];
if (!flags.has('--only-fallback')) passes.push({ label: 'native backend', env: {}, files: all });
if (!flags.has('--only-fallback') && process.platform === 'linux') {
  const wakeupFiles = all.filter((f) => /\d\d\.(engine|reliab)\.[^/]*$/.test(f) && !f.endsWith('.once.test.js'));
  passes.push({ label: 'native (waiter-thread wake-up)', env: { AYAFILEIO_WAKEUP: 'thread' }, files: wakeupFiles });
}
if (!flags.has('--only-native')) {
  passes.push({ label: 'fallback backend', env: { AYAFILEIO_BACKEND: 'fallback' }, files: all.filter((f) => !f.endsWith('.once.test.js')) });
}

const totals = { pass: 0, fail: 0, skipped: 0, todo: 0 };
let failedRuns = 0;
for (const p of passes) {
  if (p.files.length === 0) continue;
  console.log(`\n=== test pass: ${p.label} (${p.files.length} files) ===`);
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...p.files], {
    cwd: root,
    env: { ...process.env, ...p.env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(r.stdout || '');
  for (const key of Object.keys(totals)) {
    const m = new RegExp(`^\\S*\\s*${key} (\\d+)$`, 'm').exec(r.stdout || '');
    if (m) totals[key] += Number(m[1]);
  }
  if (r.status !== 0) failedRuns++;
}
console.log(`\ntests: ${totals.pass} passed, ${totals.fail + (failedRuns && !totals.fail ? 1 : 0)} failed, ${totals.skipped} skipped`);
process.exit(failedRuns ? 1 : 0);
