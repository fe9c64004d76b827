'use strict';
// Covers: no backend: the fio reference lines (native pass only), every platform (the live round: where fio is installed, 2+ cores); what: fio's job layout and its group-reported JSON read right.
// The bench's fio lines: one job at the case's depth, or one job per core sharing the case's
// depth; a group report (all jobs summed in one entry) gives the round's reads, wall time and
// CPU time. (Speed is never asserted here.)
const test = require('node:test');
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { FioDriver, coreCount, fioLayout, parseFioRound } = require('../bench/lib/fio.js');
const { blockFilePath } = require('../bench/lib/scenario-kit.js');

const randread = (depth) => ({ id: `randread/readAtInto/qd${depth}`, scenario: 'randread', depth });

test('fio layout: one job at the case depth, or one per core with the depth split (rounded down)', () => {
  assert.deepStrictEqual(fioLayout(randread(128), false), { jobs: 1, iodepth: 128 });
  const cores = coreCount();
  assert.ok(Number.isInteger(cores) && cores >= 1);
  const jobs = Math.min(cores, 1024);
  assert.deepStrictEqual(fioLayout(randread(1024), true), { jobs, iodepth: Math.floor(1024 / jobs) });
  assert.deepStrictEqual(fioLayout(randread(1), true), { jobs: 1, iodepth: 1 }, 'never more jobs than reads in flight');
});

test('fio lines apply to read cases; the per-core line only where it has more than one job', () => {
  const one = new FioDriver();
  const perCore = new FioDriver({ perCore: true });
  assert.strictEqual(one.applies(randread(1)), true);
  assert.strictEqual(one.applies({ id: 'crawlee-files', scenario: 'crawlee-files' }), false);
  assert.strictEqual(perCore.applies(randread(1)), false);
  assert.strictEqual(perCore.applies(randread(32)), coreCount() > 1);
  assert.strictEqual(perCore.applies({ id: 'durable-append/qd16', scenario: 'durable-append', depth: 16 }), false);
});

test('a group report: reads of all jobs, wall time of the longest, CPU over all jobs', () => {
  // The shape fio 3.33 prints for 2 jobs of 300 ms with --group_reporting (numbers rounded).
  const report = {
    jobs: [
      {
        jobname: 'randread',
        job_runtime: 600,
        usr_cpu: 36.8,
        sys_cpu: 60.8,
        read: { total_ios: 451784, runtime: 301, lat_ns: { mean: 42149, stddev: 21074.5, percentile: { '50.000000': 40000, '99.000000': 72192 } } },
      },
    ],
  };
  const r = parseFioRound(report);
  assert.strictEqual(r.items, 451784);
  assert.strictEqual(r.seconds, 0.301);
  assert.ok(Math.abs(r.cpuSeconds - 0.5856) < 1e-9, `cpuSeconds ${r.cpuSeconds}`);
  assert.deepStrictEqual(r.latency, { p50Us: 40, p99Us: 72.192, jitterPct: 50 });
  assert.strictEqual(r.unverified, true);
  assert.strictEqual(r.failure, null);
});

function fioInstalled() {
  try {
    execFileSync('fio', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const liveSkip = !fioInstalled() ? 'fio is not installed' : coreCount() < 2 ? 'one core: no per-core layout to run' : false;
test('a live per-core fio round reports wall time, not the jobs\' summed time', { skip: liveSkip }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-bench-fio-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const sizes = { fileBytes: 1 << 20 };
  const ctx = { dir, sizes, roundMs: 200 };
  fs.writeFileSync(blockFilePath(ctx), Buffer.alloc(sizes.fileBytes, 7));
  const kase = randread(32);
  const { jobs } = fioLayout(kase, true);
  const r = await new FioDriver({ perCore: true }).runRound(kase, ctx);
  assert.ok(r.items > 0);
  assert.ok(r.seconds >= 0.19, `seconds ${r.seconds}`);
  assert.ok(r.seconds < (jobs * ctx.roundMs * 0.75) / 1000, `seconds ${r.seconds} looks like ${jobs} jobs' time added up`);
  assert.ok(r.cpuSeconds > 0);
});
