'use strict';
// fio with io_uring as the practical limit of the read scenarios, in two shapes: one job (one
// ring) with the case's depth, and one job per core (one ring each) with the case's depth split
// over them, so both lines keep the case's number of reads in flight. fio does not hand its
// data back, so its rounds are marked `unverified` (a reference line, not a contender);
// --invalidate=0 keeps the page cache warm (docs/performance.md, Method: the default drops it).

const { execFile } = require('node:child_process');
const os = require('node:os');
const scenarios = require('./scenarios');

const FIO_SCENARIOS = new Set(['randread', 'seqread']);

/** The cores fio may use: one ring per core. */
function coreCount() {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/**
 * fio's jobs and depth per job for a case: one job at the case's depth, or (perCore) one job
 * per core, at most one per read in flight, each with depth / jobs (rounded down) in flight.
 */
function fioLayout(kase, perCore) {
  const jobs = perCore ? Math.max(1, Math.min(coreCount(), kase.depth)) : 1;
  return { jobs, iodepth: Math.floor(kase.depth / jobs) };
}

function fioArgs(kase, ctx, layout) {
  const seq = kase.scenario === 'seqread';
  return [
    `--name=${kase.scenario}`,
    `--filename=${scenarios.blockFilePath(ctx)}`,
    `--size=${ctx.sizes.fileBytes}`,
    `--rw=${seq ? 'read' : 'randread'}`,
    `--bs=${seq ? '1M' : '4k'}`,
    '--ioengine=io_uring',
    `--iodepth=${layout.iodepth}`,
    `--numjobs=${layout.jobs}`,
    '--group_reporting',
    '--invalidate=0',
    '--time_based',
    `--runtime=${Math.max(1, Math.round(ctx.roundMs))}ms`,
    '--lat_percentiles=1',
    '--output-format=json',
  ];
}

/**
 * Drives `fio` for read cases; `applies(kase)` says which. With `perCore`, cases where the
 * per-core layout would be one job (1 in flight, or one core) are left to the one-job line.
 */
class FioDriver {
  constructor({ perCore = false } = {}) {
    this.perCore = perCore;
  }

  applies(kase) {
    return FIO_SCENARIOS.has(kase.scenario) && (!this.perCore || fioLayout(kase, true).jobs > 1);
  }

  probe() {
    return new Promise((resolve) => {
      execFile('fio', ['--version'], (err, stdout) => {
        resolve(err ? { ok: false, reason: 'fio is not installed' } : { ok: true, detail: stdout.trim() });
      });
    });
  }

  runRound(kase, ctx) {
    return new Promise((resolve, reject) => {
      execFile('fio', fioArgs(kase, ctx, fioLayout(kase, this.perCore)), { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        if (err) return reject(new Error(`fio failed: ${stderr || err.message}`));
        try {
          resolve(parseFioRound(JSON.parse(stdout)));
        } catch (parseErr) {
          reject(new Error(`fio output not understood: ${parseErr.message}`));
        }
      });
    });
  }

  async close() {}
}

/**
 * A round from fio's JSON report. With --group_reporting its one job entry sums all jobs:
 * total_ios over all of them, read.runtime the wall time (the longest job), and usr_cpu /
 * sys_cpu the CPU time of all jobs as a percentage of job_runtime, the jobs' run times added
 * up (fio 3.33: 2 jobs of 300 ms report job_runtime 600, read.runtime 301). A fio without
 * job_runtime reports one job's CPU against its runtime.
 */
function parseFioRound(report) {
  const job = report.jobs[0];
  const read = job.read;
  const lat = read.lat_ns;
  return {
    items: read.total_ios,
    seconds: read.runtime / 1000,
    cpuSeconds: ((job.usr_cpu + job.sys_cpu) / 100) * ((job.job_runtime ?? read.runtime) / 1000),
    latencies: new Float64Array(0),
    latency: {
      p50Us: lat.percentile['50.000000'] / 1000,
      p99Us: lat.percentile['99.000000'] / 1000,
      jitterPct: lat.mean > 0 ? (100 * lat.stddev) / lat.mean : null,
    },
    failure: null,
    unverified: true,
  };
}

module.exports = { FioDriver, coreCount, fioLayout, parseFioRound };
