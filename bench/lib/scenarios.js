'use strict';
// The scenarios of issue 6. Each case runs one round against one adapter and returns
// { items, seconds, cpuSeconds, latencies (µs, Float64Array), failure }: `failure` is a
// string when the output did not verify, and then no speed may be reported for it.
//
// An adapter opens files: `open(path, mode)` resolves a handle with write(data), flush(),
// datasync(), close(), readAt(position, size) -> Buffer, readAtInto(position, buffer) -> n.
// Set-up and verification (node:fs, synchronous) are outside the timed part of a round.

const fs = require('node:fs');
const { Buffer } = require('node:buffer');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const data = require('./data');
const { blockFilePath, Latencies, inFlight, stopwatch, roundResult } = require('./scenario-kit');
const fspCases = require('./scenarios-fsp');

const { BLOCK, MIB } = data;
/** One op in this many is timed in the fast read loops (a clock read costs ~0.1 µs). */
const RANDREAD_SAMPLE_EVERY = 16;

/** Empties `file` for a new round, keeping its inode (no delete-then-create: docs/performance.md, Method). */
function truncateFile(file) {
  fs.closeSync(fs.openSync(file, 'w'));
}

/**
 * The clock of a timed round: `stopped` turns true at the deadline (a timer), or when a timed
 * op finishes past it (should inline completions ever keep the timer from firing).
 */
function timedRound(ms) {
  const watch = stopwatch();
  const round = { stopped: false, deadline: watch.start + ms };
  const timer = setTimeout(() => {
    round.stopped = true;
  }, ms);
  round.finish = () => {
    clearTimeout(timer);
    return watch.finish();
  };
  round.passed = (now) => {
    if (now >= round.deadline) round.stopped = true;
  };
  return round;
}


// ---- crawlee-append ---------------------------------------------------------------------

/** Each of the `records` lines of round `nonce` must be in the file exactly once, and nothing else. */
function verifyJsonl(file, records, nonce) {
  const text = fs.readFileSync(file, 'utf8');
  const seen = new Uint8Array(records);
  let start = 0;
  let count = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    if (end < 0) return `file ends with a partial line at byte ${start}`;
    const line = text.slice(start, end + 1);
    const i = data.recordIndexOf(line);
    if (i < 0 || i >= records || line !== data.recordLine(i, nonce)) return `line ${count + 1} is not a record of this round`;
    if (seen[i]++) return `record ${i + 1} appears more than once`;
    start = end + 1;
    count++;
  }
  return count === records ? null : `file holds ${count} of ${records} records`;
}

// Records are made when written and not kept (the verifier rebuilds them from the file's
// ids): kept, 5,000 fresh ~1 KB strings a round survived into the old generation, and the
// scavenges copying them ran inside the timed part (1-8 ms pauses; ayafileio's CPU per
// record 3-4 µs with lines made before the process's first round, 11 µs with lines made per
// round; node:fs 21 vs 37 µs).
async function runCrawleeAppend(adapter, kase, ctx) {
  const { records, batch, concurrency } = ctx.sizes.crawlee;
  const writers = kase.writers ?? concurrency;
  const file = path.join(ctx.dir, 'dataset.jsonl');
  truncateFile(file);
  const lat = new Latencies(records);
  const watch = stopwatch();
  for (let first = 0; first < records; first += batch) {
    const f = await adapter.open(file, 'a');
    let next = first;
    const end = Math.min(first + batch, records);
    await inFlight(writers, async () => {
      while (next < end) {
        const line = data.recordLine(next++, ctx.nonce);
        const s = performance.now();
        // write and flush queued together: each record is in the kernel when its flush
        // resolves. node:fs makes one kernel write per record; AsyncFile lets the flushes
        // that arrive while a kernel write is in flight share the next one (group commit).
        if (kase.flushEach) await Promise.all([f.write(line), f.flush()]);
        else await f.write(line);
        lat.add((performance.now() - s) * 1000);
      }
    });
    await f.close();
  }
  return roundResult(records, watch.finish(), lat, verifyJsonl(file, records, ctx.nonce));
}

// ---- crawlee-files ----------------------------------------------------------------------

function verifyRecordFiles(dir, records, nonce) {
  for (let i = 0; i < records; i++) {
    const name = data.recordFileName(i);
    let text;
    try {
      text = fs.readFileSync(path.join(dir, name), 'utf8');
    } catch (err) {
      return `${name}: ${err.code || err.message}`;
    }
    if (text !== data.recordLine(i, nonce)) return `${name} does not hold record ${i + 1} of this round`;
  }
  return null;
}

async function runCrawleeFiles(adapter, kase, ctx) {
  const { records, concurrency } = ctx.sizes.crawlee;
  const dir = path.join(ctx.dir, 'crawlee-files');
  fs.mkdirSync(dir, { recursive: true });
  const lat = new Latencies(records);
  let next = 0;
  const watch = stopwatch();
  await inFlight(concurrency, async () => {
    while (next < records) {
      const i = next++;
      const line = data.recordLine(i, ctx.nonce);
      const s = performance.now();
      // 'w' overwrites the previous round's file in place (no unlink: docs/performance.md, Method).
      const f = await adapter.open(path.join(dir, data.recordFileName(i)), 'w');
      await f.write(line);
      await f.close();
      lat.add((performance.now() - s) * 1000);
    }
  });
  return roundResult(records, watch.finish(), lat, verifyRecordFiles(dir, records, ctx.nonce));
}

// ---- randread ---------------------------------------------------------------------------

let positionsCache;
/** The shared random block sequence (power-of-two length, so `& mask` wraps it). */
function blockSequence(blocks) {
  if (!positionsCache || positionsCache.blocks !== blocks) {
    positionsCache = { blocks, seq: data.randomBlocks(1 << 20, blocks) };
  }
  return positionsCache.seq;
}

/** Whether `bytes` (n of them read) hold block `block`: header and trailer, or all bytes when `full`. */
function blockOk(bytes, n, block, full) {
  if (n !== BLOCK) return false;
  return full ? data.blockBytesOk(bytes, 0, block) : data.blockHeaderOk(bytes, 0, block);
}

/** Before a read into `buf`: wipe its check words, so a read that did not happen cannot pass. */
function wipeCheckWords(buf) {
  buf.writeUInt32LE(0xffffffff, 0);
  buf.writeUInt32LE(0xffffffff, BLOCK - 4);
}

async function runRandread(adapter, kase, ctx) {
  const seq = blockSequence(ctx.sizes.fileBytes / BLOCK);
  const mask = seq.length - 1;
  const f = await adapter.open(blockFilePath(ctx), 'rb');
  const lat = new Latencies(4096);
  const intoBuffers = kase.into ? Array.from({ length: kase.depth }, () => Buffer.alloc(BLOCK)) : null;
  let cursor = 0;
  let ops = 0;
  let bad = 0;
  const round = timedRound(ctx.roundMs);
  await inFlight(kase.depth, async (w) => {
    const buf = intoBuffers && intoBuffers[w];
    for (let i = 0; !round.stopped; i++) {
      const block = seq[cursor++ & mask];
      const sampled = i % RANDREAD_SAMPLE_EVERY === 0;
      const s = sampled ? performance.now() : 0;
      // The read is awaited right here (no helper async function): a second promise layer per
      // op would add harness cost to every contender's ~2-40 µs reads.
      let ok;
      if (buf) {
        wipeCheckWords(buf);
        ok = blockOk(buf, await f.readAtInto(block * BLOCK, buf), block, sampled);
      } else {
        const got = await f.readAt(block * BLOCK, BLOCK);
        ok = blockOk(got, got.length, block, sampled);
      }
      ops++;
      if (!ok) bad++;
      if (sampled) {
        const e = performance.now();
        lat.add((e - s) * 1000);
        round.passed(e);
      }
    }
  });
  const span = round.finish();
  await f.close();
  const failure = bad ? `${bad} of ${ops} reads returned wrong bytes or length` : null;
  return roundResult(ops, span, lat, failure);
}

// ---- seqread ----------------------------------------------------------------------------

async function runSeqread(adapter, kase, ctx) {
  const chunks = ctx.sizes.fileBytes / MIB;
  const f = await adapter.open(blockFilePath(ctx), 'rb');
  const lat = new Latencies(256);
  let cursor = 0;
  let ops = 0;
  let bad = 0;
  const round = timedRound(ctx.roundMs);
  await inFlight(kase.depth, async () => {
    const buf = Buffer.alloc(MIB);
    while (!round.stopped) {
      const pos = (cursor++ % chunks) * MIB;
      const s = performance.now();
      const n = await f.readAtInto(pos, buf);
      const e = performance.now();
      lat.add((e - s) * 1000);
      ops++;
      if (n !== MIB || !data.chunkOk(buf, n, pos)) bad++;
      round.passed(e);
    }
  });
  const span = round.finish();
  await f.close();
  const failure = bad ? `${bad} of ${ops} 1 MiB reads returned wrong bytes or length` : null;
  return roundResult(ops, span, lat, failure);
}

// ---- durable-append ---------------------------------------------------------------------

/** A durable-append block: writer, sequence number and the round's nonce, then filler. */
function stampRecordBlock(buf, writer, seq, nonce) {
  data.stampBlock(buf, 0, seq);
  buf.writeUInt32LE(writer, 4);
  buf.write(nonce, 8, 8, 'latin1');
}

function verifyDurableFile(file, writer, count, nonce) {
  const bytes = fs.readFileSync(file);
  if (bytes.length !== count * BLOCK) return `${path.basename(file)} holds ${bytes.length} bytes, expected ${count * BLOCK}`;
  for (let seq = 0; seq < count; seq++) {
    const off = seq * BLOCK;
    const ok =
      data.blockHeaderOk(bytes, off, seq) &&
      bytes.readUInt32LE(off + 4) === writer &&
      bytes.toString('latin1', off + 8, off + 16) === nonce;
    if (!ok) return `${path.basename(file)}: block ${seq} is not the one appended`;
  }
  return null;
}

async function runDurableAppend(adapter, kase, ctx) {
  const files = Array.from({ length: kase.depth }, (_, w) => path.join(ctx.dir, `durable-${w}.log`));
  files.forEach(truncateFile);
  // One file per writer: `depth` independent append+fdatasync streams in flight.
  const handles = await Promise.all(files.map((file) => adapter.open(file, 'ab')));
  const counts = new Array(kase.depth).fill(0);
  const lat = new Latencies(1024);
  const round = timedRound(ctx.roundMs);
  await inFlight(kase.depth, async (w) => {
    const f = handles[w];
    const buf = Buffer.alloc(BLOCK);
    while (!round.stopped) {
      stampRecordBlock(buf, w, counts[w], ctx.nonce);
      const s = performance.now();
      await f.write(buf);
      await f.datasync(); // AsyncFile.datasync() flushes its buffer first; node has none
      const e = performance.now();
      lat.add((e - s) * 1000);
      counts[w]++;
      round.passed(e);
    }
  });
  const span = round.finish();
  await Promise.all(handles.map((f) => f.close()));
  let failure = null;
  for (let w = 0; w < kase.depth && !failure; w++) failure = verifyDurableFile(files[w], w, counts[w], ctx.nonce);
  return roundResult(counts.reduce((a, b) => a + b, 0), span, lat, failure);
}

// ---- textlines ----------------------------------------------------------------------------

/** The long-lines file: `lines` lines of `lineBytes` characters ('<index>:' then 'x's) and '\n'. */
function textLinesPath(ctx) {
  const { lines, lineBytes } = ctx.sizes.textLines;
  return path.join(ctx.dir, `lines-${lines}x${lineBytes / MIB}MiB.txt`);
}

function textLine(i, lineBytes) {
  const head = `${i}:`;
  return head + 'x'.repeat(lineBytes - head.length) + '\n';
}

function ensureTextLinesFile(ctx) {
  const file = textLinesPath(ctx);
  const { lines, lineBytes } = ctx.sizes.textLines;
  if (fs.existsSync(file) && fs.statSync(file).size === lines * (lineBytes + 1)) return;
  fs.writeFileSync(file, Array.from({ length: lines }, (_, i) => textLine(i, lineBytes)).join(''));
}

/** Text mode with long lines: readline() to EOF, MiB/s (a read that rescans its window per chunk is quadratic here). */
async function runTextLines(adapter, kase, ctx) {
  const { lines, lineBytes } = ctx.sizes.textLines;
  const lat = new Latencies(lines);
  let bad = null;
  const watch = stopwatch();
  const f = await adapter.open(textLinesPath(ctx), 'r');
  for (let i = 0; ; i++) {
    const s = performance.now();
    const line = await f.readline();
    lat.add((performance.now() - s) * 1000);
    if (line === '') {
      if (i !== lines) bad ??= `${i} of ${lines} lines read`;
      break;
    }
    const ok = line.length === lineBytes + 1 && line.startsWith(`${i}:x`) && line.endsWith('x\n');
    if (!ok) bad ??= `line ${i + 1} is not the one written (${line.length} characters)`;
  }
  await f.close();
  return roundResult((lines * lineBytes) / MIB, watch.finish(), lat, bad);
}

// ---- the case list ----------------------------------------------------------------------

const RUNNERS = {
  'crawlee-append': runCrawleeAppend,
  'crawlee-files': runCrawleeFiles,
  randread: runRandread,
  seqread: runSeqread,
  'durable-append': runDurableAppend,
  textlines: runTextLines,
  ...fspCases.RUNNERS,
};

/** Every case of the suite for a size profile, in run order. */
function listCases(sizes) {
  const cases = [
    { id: 'crawlee-append/buffered', scenario: 'crawlee-append', unit: 'items/s', flushEach: false },
    { id: 'crawlee-append/flush-per-write', scenario: 'crawlee-append', unit: 'items/s', flushEach: true },
    // The same with fewer writers in flight (issue 17: 10 as well as 50): a group commit
    // gathers fewer records per kernel write.
    ...(sizes.crawlee.flushWriters || []).map((writers) => ({
      id: `crawlee-append/flush-per-write/w${writers}`,
      scenario: 'crawlee-append',
      unit: 'items/s',
      flushEach: true,
      writers,
    })),
    { id: 'crawlee-files', scenario: 'crawlee-files', unit: 'items/s' },
  ];
  for (const into of [false, true]) {
    for (const depth of sizes.readDepths) {
      const api = into ? 'readAtInto' : 'readAt';
      cases.push({ id: `randread/${api}/qd${depth}`, scenario: 'randread', unit: 'ops/s', into, depth });
    }
  }
  for (const depth of sizes.seqDepths) cases.push({ id: `seqread/qd${depth}`, scenario: 'seqread', unit: 'MiB/s', depth });
  for (const depth of sizes.durableDepths) {
    cases.push({ id: `durable-append/qd${depth}`, scenario: 'durable-append', unit: 'ops/s', depth });
  }
  cases.push({ id: 'textlines/long', scenario: 'textlines', unit: 'MiB/s' });
  cases.push(...fspCases.listCases());
  return cases;
}

/**
 * Files a case needs before any contender runs it: the block file is written when missing or
 * wrong, and read and checked in full before every read case, which also warms the cache
 * again: this VM drops pages of a file idle for seconds even with 22 GB free (256 MiB read,
 * 1.8% of its pages gone 20 s later), and a dropped page costs a device read mid-round.
 */
function prepareCase(kase, ctx) {
  fs.mkdirSync(ctx.dir, { recursive: true });
  const file = blockFilePath(ctx);
  if (kase.scenario === 'randread' || kase.scenario === 'seqread') data.ensureBlockFile(file, ctx.sizes.fileBytes);
  if (kase.scenario === 'textlines') ensureTextLinesFile(ctx);
  fspCases.prepareCase(kase, ctx);
}

/** Runs one round of `kase` on `adapter`; `ctx`: { dir, sizes, roundMs, nonce }. */
function runRound(adapter, kase, ctx) {
  return RUNNERS[kase.scenario](adapter, kase, ctx);
}

module.exports = { listCases, prepareCase, runRound, blockFilePath };
