'use strict';
// The fs/promises drop-in cases (issue 16): the same code run on each contender's
// promises module — node:fs/promises for node:fs (also under ayafileio/register, and on Bun
// and Deno), ayafileio/fs for ayafileio — so the rows compare what a program gets by changing
// one import line. An adapter offers it as `fsp()`. Each case returns a round result as
// scenarios.js does; set-up and verification use node:fs synchronously, outside the timing.

const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const data = require('./data');
const { Latencies, inFlight, stopwatch, roundResult, blockFilePath } = require('./scenario-kit');

/** Small files the per-file cases use: a JSON record each, as an application keeps them. */
const SMALL_FILES = 'fsp-small';
/** Files the small-file cases touch per round, and how many calls are in flight. */
const CONCURRENCY = 32;

function smallDir(ctx) {
  return path.join(ctx.dir, SMALL_FILES);
}

function smallFile(ctx, i) {
  return path.join(smallDir(ctx), data.recordFileName(i));
}

/** The small files of readFile/stat, written once per size (each holds its record line). */
function ensureSmallFiles(ctx) {
  const { records } = ctx.sizes.crawlee;
  fs.mkdirSync(smallDir(ctx), { recursive: true });
  for (let i = 0; i < records; i++) {
    const file = smallFile(ctx, i);
    if (!fs.existsSync(file)) fs.writeFileSync(file, data.recordLine(i, 'fixed'));
  }
}

/** Runs `op(i)` for i in [0, count) with CONCURRENCY calls in flight, timing each. */
async function timedEach(count, op) {
  const lat = new Latencies(count);
  let next = 0;
  const watch = stopwatch();
  await inFlight(CONCURRENCY, async () => {
    while (next < count) {
      const i = next++;
      const s = performance.now();
      await op(i);
      lat.add((performance.now() - s) * 1000);
    }
  });
  return { span: watch.finish(), lat };
}

async function runReadFile(adapter, kase, ctx) {
  const fsp = adapter.fsp();
  const { records } = ctx.sizes.crawlee;
  let wrong = null;
  const { span, lat } = await timedEach(records, async (i) => {
    const text = await fsp.readFile(smallFile(ctx, i), 'utf8');
    if (text !== data.recordLine(i, 'fixed')) wrong ??= `${data.recordFileName(i)} read back wrong`;
  });
  return roundResult(records, span, lat, wrong);
}

async function runWriteFile(adapter, kase, ctx) {
  const fsp = adapter.fsp();
  const { records } = ctx.sizes.crawlee;
  const dir = path.join(ctx.dir, 'fsp-written');
  fs.mkdirSync(dir, { recursive: true });
  const file = (i) => path.join(dir, data.recordFileName(i));
  const { span, lat } = await timedEach(records, (i) => fsp.writeFile(file(i), data.recordLine(i, ctx.nonce)));
  let wrong = null;
  for (let i = 0; i < records && wrong === null; i++) {
    if (fs.readFileSync(file(i), 'utf8') !== data.recordLine(i, ctx.nonce)) wrong = `${data.recordFileName(i)} does not hold this round's record`;
  }
  return roundResult(records, span, lat, wrong);
}

async function runStat(adapter, kase, ctx) {
  const fsp = adapter.fsp();
  const { records } = ctx.sizes.crawlee;
  let wrong = null;
  const { span, lat } = await timedEach(records, async (i) => {
    const st = await fsp.stat(smallFile(ctx, i));
    if (st.size !== Buffer.byteLength(data.recordLine(i, 'fixed'))) wrong ??= `${data.recordFileName(i)}: wrong size`;
  });
  return roundResult(records, span, lat, wrong);
}

/** The whole block file through FileHandle.createReadStream() (default 64 KiB chunks). */
async function runReadStream(adapter, kase, ctx) {
  const fsp = adapter.fsp();
  const file = blockFilePath(ctx);
  const lat = new Latencies(1);
  const watch = stopwatch();
  const s = performance.now();
  const fh = await fsp.open(file, 'r');
  let bytes = 0;
  for await (const chunk of fh.createReadStream()) bytes += chunk.length;
  lat.add((performance.now() - s) * 1000);
  const span = watch.finish();
  const failure = bytes === ctx.sizes.fileBytes ? null : `streamed ${bytes} of ${ctx.sizes.fileBytes} bytes`;
  return roundResult(bytes / data.MIB, span, lat, failure);
}

/**
 * A storage layer's write of one record, as key-value stores on node:fs do it: make the
 * record's directory, take a lock (a directory: mkdir is atomic), stat the record, write it,
 * release the lock. Ten writers.
 */
async function runStorage(adapter, kase, ctx) {
  const fsp = adapter.fsp();
  const { records } = ctx.sizes.crawlee;
  const root = path.join(ctx.dir, 'fsp-storage');
  const lat = new Latencies(records);
  let next = 0;
  const watch = stopwatch();
  await inFlight(10, async () => {
    while (next < records) {
      const i = next++;
      const s = performance.now();
      const dir = path.join(root, String(i % 50));
      await fsp.mkdir(dir, { recursive: true });
      const lock = path.join(dir, `${i}.lock`);
      await fsp.mkdir(lock);
      try {
        await fsp.stat(path.join(dir, `${i}.json`)).catch((err) => {
          if (err.code !== 'ENOENT') throw err;
        });
        await fsp.writeFile(path.join(dir, `${i}.json`), data.recordLine(i, ctx.nonce));
      } finally {
        await fsp.rmdir(lock);
      }
      lat.add((performance.now() - s) * 1000);
    }
  });
  const span = watch.finish();
  let wrong = null;
  for (let i = 0; i < records && wrong === null; i++) {
    const dir = path.join(root, String(i % 50));
    if (fs.readFileSync(path.join(dir, `${i}.json`), 'utf8') !== data.recordLine(i, ctx.nonce)) wrong = `record ${i} does not hold this round's line`;
    else if (fs.existsSync(path.join(dir, `${i}.lock`))) wrong = `record ${i}'s lock was left behind`;
  }
  return roundResult(records, span, lat, wrong);
}

const RUNNERS = {
  'fsp-readFile': runReadFile,
  'fsp-writeFile': runWriteFile,
  'fsp-stat': runStat,
  'fsp-readStream': runReadStream,
  'fsp-storage': runStorage,
};

/** The cases, in run order. */
function listCases() {
  return [
    { id: 'fsp/readFile', scenario: 'fsp-readFile', unit: 'files/s' },
    { id: 'fsp/writeFile', scenario: 'fsp-writeFile', unit: 'files/s' },
    { id: 'fsp/stat', scenario: 'fsp-stat', unit: 'ops/s' },
    { id: 'fsp/createReadStream', scenario: 'fsp-readStream', unit: 'MiB/s' },
    { id: 'fsp/storage', scenario: 'fsp-storage', unit: 'items/s' },
  ];
}

/** Files a case needs before any contender runs it. */
function prepareCase(kase, ctx) {
  if (kase.scenario === 'fsp-readFile' || kase.scenario === 'fsp-stat') ensureSmallFiles(ctx);
  if (kase.scenario === 'fsp-readStream') data.ensureBlockFile(blockFilePath(ctx), ctx.sizes.fileBytes);
}

module.exports = { RUNNERS, listCases, prepareCase };
