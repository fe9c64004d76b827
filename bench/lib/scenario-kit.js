'use strict';
// What every bench scenario file uses: the block file's path, per-op latencies, a fixed
// number of workers in flight, the round's wall and CPU time, and the round result's shape.

const path = require('node:path');
const process = require('node:process');
const { performance } = require('node:perf_hooks');
const { MIB } = require('./data');

/** The warm read-only file of randread and seqread (one per size, so profiles don't rewrite it). */
function blockFilePath(ctx) {
  return path.join(ctx.dir, `blocks-${ctx.sizes.fileBytes / MIB}MiB.bin`);
}

/** Per-op latencies of a round in µs, growing as needed. */
class Latencies {
  constructor(capacity = 1024) {
    this.values = new Float64Array(capacity);
    this.length = 0;
  }

  add(us) {
    if (this.length === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = us;
  }

  toArray() {
    return this.values.slice(0, this.length);
  }
}

/** Runs `count` async workers to completion (a fixed number of ops in flight). */
function inFlight(count, worker) {
  const all = [];
  for (let w = 0; w < count; w++) all.push(worker(w));
  return Promise.all(all);
}

/** CPU time of this whole process (all threads) so far, in seconds; null where unknown. */
function cpuSeconds() {
  if (typeof process.cpuUsage !== 'function') return null;
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Wall and CPU time of the timed part of a round; finish() -> { seconds, cpuSeconds }. */
function stopwatch() {
  const start = performance.now();
  const cpuStart = cpuSeconds();
  return {
    start,
    finish() {
      const seconds = (performance.now() - start) / 1000;
      const cpuEnd = cpuSeconds();
      return { seconds, cpuSeconds: cpuStart === null || cpuEnd === null ? null : cpuEnd - cpuStart };
    },
  };
}

/** A round's result: { items, seconds, cpuSeconds, latencies (µs), failure }. */
function roundResult(items, span, lat, failure) {
  return { items, seconds: span.seconds, cpuSeconds: span.cpuSeconds, latencies: lat.toArray(), failure };
}

module.exports = { blockFilePath, Latencies, inFlight, cpuSeconds, stopwatch, roundResult };
