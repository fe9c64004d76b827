'use strict';
// fio with one io_uring ring as the practical limit of the read scenarios. fio does not hand
// its data back, so its rounds are marked `unverified` (a reference line, not a contender);
// --invalidate=0 keeps the page cache warm (docs/performance.md, Method: the default drops it).

const { execFile } = require('node:child_process');
const scenarios = require('./scenarios');

const FIO_SCENARIOS = new Set(['randread', 'seqread']);

function fioArgs(kase, ctx) {
  const seq = kase.scenario === 'seqread';
  return [
    `--name=${kase.scenario}`,
    `--filename=${scenarios.blockFilePath(ctx)}`,
    `--size=${ctx.sizes.fileBytes}`,
    `--rw=${seq ? 'read' : 'randread'}`,
    `--bs=${seq ? '1M' : '4k'}`,
    '--ioengine=io_uring',
    `--iodepth=${kase.depth}`,
    '--invalidate=0',
    '--time_based',
    `--runtime=${Math.max(1, Math.round(ctx.roundMs))}ms`,
    '--lat_percentiles=1',
    '--output-format=json',
  ];
}

/** Drives `fio` for read cases; `applies(kase)` says which. */
class FioDriver {
  applies(kase) {
    return FIO_SCENARIOS.has(kase.scenario);
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
      execFile('fio', fioArgs(kase, ctx), { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
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

function parseFioRound(report) {
  const job = report.jobs[0];
  const read = job.read;
  const lat = read.lat_ns;
  const seconds = read.runtime / 1000;
  return {
    items: read.total_ios,
    seconds,
    cpuSeconds: ((job.usr_cpu + job.sys_cpu) / 100) * seconds,
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

module.exports = { FioDriver };
