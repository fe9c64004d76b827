#!/usr/bin/env node
// Soak test (issue 4): run a mixed workload through the public API for a fixed time, sampling
// RSS, heap and open-fd counts from /proc/self. After a warm-up, memory must not grow and
// every cycle must end with exactly the fds it started with (no fd left open after close).
//
//   node --expose-gc scripts/soak.js [--minutes 10] [--warmup-seconds 60] [--json]
//
// Exit status 0 when every check holds; 1 otherwise (the failing check is printed). The last
// line of output is a JSON summary (ops, cycles, samples, growth figures) for
// docs/reliability.md. Set AYAFILEIO_BACKEND=fallback to soak the node:fs fallback.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const aya = require(path.join(__dirname, '..', 'dist', 'index.js'));

function argValue(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const MINUTES = argValue('--minutes', 10);
const WARMUP_MS = argValue('--warmup-seconds', Math.min(60, MINUTES * 6)) * 1000;
const SAMPLE_MS = 2000;
const FILES = 16;
const IN_FLIGHT = 256;
const BLOCK = 4096;
/** Allowed growth between the start and the end of the measured period. */
const RSS_SLACK_BYTES = 24 * 1024 * 1024;
const RSS_SLACK_RATIO = 0.1;

const fdCount = () => fs.readdirSync('/proc/self/fd').length - 1;
const rss = () => Number(fs.readFileSync('/proc/self/statm', 'utf8').split(' ')[1]) * 4096;
const collect = () => (typeof globalThis.gc === 'function' ? globalThis.gc() : undefined);

const blockFor = (cycle, i) => {
  const b = Buffer.alloc(BLOCK, (cycle + i) & 0xff);
  b.writeUInt32LE(cycle, 0);
  b.writeUInt32LE(i, 4);
  return b;
};

/** One cycle: open FILES files, IN_FLIGHT positional ops at once, stream ops, errors, close. */
async function cycle(dir, n, counters) {
  const files = await Promise.all(Array.from({ length: FILES }, (_, k) => aya.open(path.join(dir, `s${k}`), 'w+b')));
  counters.ops += FILES;
  const writes = [];
  for (let i = 0; i < IN_FLIGHT; i++) writes.push(files[i % FILES].writeAt(Math.floor(i / FILES) * BLOCK, blockFor(n, i)));
  await Promise.all(writes);
  const reads = await Promise.all(Array.from({ length: IN_FLIGHT }, (_, i) => files[i % FILES].readAt(Math.floor(i / FILES) * BLOCK, BLOCK)));
  reads.forEach((b, i) => {
    if (!b.equals(blockFor(n, i))) throw new Error(`cycle ${n}: block ${i} read back wrong`);
  });
  counters.ops += 2 * IN_FLIGHT;
  for (const f of files) {
    await f.seek(0, 2);
    await f.write(Buffer.from(`cycle ${n}\n`));
    await f.seek(0);
    const head = await f.read(8);
    if (!head.equals(blockFor(n, files.indexOf(f)).subarray(0, 8))) throw new Error(`cycle ${n}: stream read wrong`);
    await f.truncate(BLOCK);
    const st = await f.stat();
    if (st.size !== BLOCK) throw new Error(`cycle ${n}: size ${st.size} after truncate`);
    counters.ops += 6;
  }
  const missing = await aya.open(path.join(dir, 'missing', 'x'), 'rb').then(() => null, (e) => e);
  if (!missing || missing.code !== 'ENOENT') throw new Error(`cycle ${n}: expected ENOENT, got ${missing && missing.message}`);
  counters.errors++;
  counters.ops++;
  await Promise.all(files.map((f) => f.close()));
  counters.ops += FILES;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-soak-'));
  const counters = { ops: 0, errors: 0, cycles: 0 };
  // Warm the engine (its ring and eventfd are long-lived fds) before taking the fd baseline.
  await cycle(dir, 0, counters);
  const fdBaseline = fdCount();
  const start = Date.now();
  const end = start + MINUTES * 60_000;
  const samples = [];
  let nextSample = start;
  let fdFailures = 0;
  let n = 1;
  while (Date.now() < end) {
    await cycle(dir, n++, counters);
    counters.cycles++;
    const fds = fdCount();
    if (fds !== fdBaseline) fdFailures++;
    if (Date.now() >= nextSample) {
      collect();
      samples.push({ t: Date.now() - start, rss: rss(), heap: process.memoryUsage().heapUsed, fds });
      nextSample += SAMPLE_MS;
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });

  const measured = samples.filter((s) => s.t >= WARMUP_MS);
  const third = Math.max(1, Math.floor(measured.length / 3));
  const early = measured.slice(0, third);
  const late = measured.slice(-third);
  const rssEarly = median(early.map((s) => s.rss));
  const rssLate = median(late.map((s) => s.rss));
  const heapEarly = median(early.map((s) => s.heap));
  const heapLate = median(late.map((s) => s.heap));
  const summary = {
    backend: aya.getBackendInfo().backend,
    minutes: MINUTES,
    cycles: counters.cycles,
    ops: counters.ops,
    inFlight: IN_FLIGHT,
    errorsChecked: counters.errors,
    samples: samples.length,
    rssEarlyMiB: +(rssEarly / 2 ** 20).toFixed(1),
    rssLateMiB: +(rssLate / 2 ** 20).toFixed(1),
    heapEarlyMiB: +(heapEarly / 2 ** 20).toFixed(1),
    heapLateMiB: +(heapLate / 2 ** 20).toFixed(1),
    fdBaseline,
    fdAtEnd: fdCount(),
    fdFailures,
  };
  const failures = [];
  if (measured.length < 3) failures.push(`too few samples after warm-up (${measured.length})`);
  if (rssLate > rssEarly * (1 + RSS_SLACK_RATIO) + RSS_SLACK_BYTES) failures.push(`RSS grew from ${summary.rssEarlyMiB} to ${summary.rssLateMiB} MiB`);
  if (heapLate > heapEarly * (1 + RSS_SLACK_RATIO) + RSS_SLACK_BYTES / 2) failures.push(`heap grew from ${summary.heapEarlyMiB} to ${summary.heapLateMiB} MiB`);
  if (fdFailures > 0) failures.push(`${fdFailures} cycles ended with an fd count other than ${fdBaseline}`);
  if (summary.fdAtEnd !== fdBaseline) failures.push(`fds at end ${summary.fdAtEnd}, baseline ${fdBaseline}`);
  if (!process.argv.includes('--json')) {
    for (const s of samples) console.log(`t=${(s.t / 1000).toFixed(0)}s rss=${(s.rss / 2 ** 20).toFixed(1)}MiB heap=${(s.heap / 2 ** 20).toFixed(1)}MiB fds=${s.fds}`);
    console.log(failures.length ? `soak FAILED: ${failures.join('; ')}` : 'soak passed: no growth after warm-up, no fd left open');
  }
  console.log(JSON.stringify({ ...summary, failures }));
  process.exitCode = failures.length ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
