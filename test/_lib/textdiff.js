'use strict';
// The CPython differential test's machinery: a seeded generator of operation sequences that
// honours every caveat A–F of docs/text.md ("Caveats A–F"), a client for the long-lived Python
// reference process (test/_lib/pyref.py), a runner that applies a sequence to our
// implementation, and the comparison. The test files choose what "our implementation" is.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

/** mulberry32: a small seeded PRNG; returns a function giving floats in [0, 1). */
function makeRng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  next.pick = (arr) => arr[Math.floor(next() * arr.length)];
  next.chance = (p) => next() < p;
  return next;
}

// Not 'utf-16' / 'utf-8-sig': CPython's handling of their marks follows codec state, not the
// position (it raises "UTF-16 stream does not start with BOM" after some seeks and writes, and
// skips a utf-8-sig mark at byte 0 once the decoder ran); test/33.text.file.test.js has them.
const ENCODINGS = ['utf-8', 'utf-16-le', 'latin-1'];
const NODE_ENCODING = { 'utf-8': 'utf8', 'utf-16-le': 'utf16le', 'latin-1': 'latin1' };
const NEWLINES = [null, '', '\n', '\r', '\r\n'];
const TEXT_MODES = ['r', 'r+', 'w', 'w+', 'a', 'a+'];
const WIDE = ['a', 'b', 'c', ' ', '\n', '\r', '\r\n', '\r\n', 'é', '€', '😀'];
const LATIN = ['a', 'b', ' ', '\n', '\r', '\r\n', 'é', 'ÿ'];
const INVALID = {
  'utf-8': ['ff', 'c3', 'e282', 'f09f98', '80', 'eda080', 'c0af'],
  'utf-16-le': ['00d8', '00dc', '3d'],
  'latin-1': [],
};

function modeInfo(mode) {
  const plus = mode.includes('+');
  return {
    binary: mode.includes('b'),
    readable: mode[0] === 'r' || plus,
    writable: mode[0] !== 'r' || plus,
    append: mode[0] === 'a',
    plus,
  };
}

function encode(text, encoding) {
  return Buffer.from(text, NODE_ENCODING[encoding]);
}

function randomText(rng, alphabet, n) {
  let s = '';
  for (let i = 0; i < n; i++) s += rng.pick(alphabet);
  return s;
}

function randomLength(rng) {
  const r = rng();
  if (r < 0.7) return rng.int(0, 60);
  if (r < 0.95) return rng.int(2700, 8400);
  return rng.int(8400, 20000);
}

/** Initial bytes: text in the encoding, with invalid bytes spliced in when errors allow. */
function initialBytes(rng, encoding, errors) {
  const alphabet = encoding === 'latin-1' ? LATIN : WIDE;
  let bytes = encode(randomText(rng, alphabet, randomLength(rng)), encoding);
  if (errors !== 'strict' && INVALID[encoding].length && rng.chance(0.5)) {
    for (let k = rng.int(1, 4); k > 0; k--) {
      const at = rng.int(0, bytes.length);
      const cut = encoding === 'utf-16-le' && rng.chance(0.8) ? at & ~1 : at;
      bytes = Buffer.concat([bytes.subarray(0, cut), Buffer.from(rng.pick(INVALID[encoding]), 'hex'), bytes.subarray(cut)]);
    }
  }
  return bytes;
}

function readSize(rng) {
  const r = rng();
  if (r < 0.4) return rng.int(0, 5);
  if (r < 0.7) return rng.int(6, 40);
  if (r < 0.85) return rng.int(100, 12000);
  return -1;
}

/**
 * One random sequence. Caveats honoured (docs/text.md, "Caveats A–F"):
 * A: a seek separates any read from a later write or truncate;
 * B: pyref.py stops the comparison before a seek to a cookie carrying decoder state
 *    (errors 'ignore' sequences seek only with seek(0) / seek(0, 2), see below);
 * C: append modes seek to the end after every write;
 * D: text '+' modes flush between a write and a following read;
 * E: no readlines at all (the text layer has none);
 * F: the Python side stops at its first UnicodeDecodeError, and so do we.
 */
function genSequence(rng, id, binary) {
  const mode = rng.pick(TEXT_MODES) + (binary ? 'b' : '');
  const info = modeInfo(mode);
  const encoding = rng.pick(ENCODINGS);
  const errors = binary ? 'strict' : rng.pick(['strict', 'strict', 'replace', 'ignore']);
  const newline = rng.pick(NEWLINES);
  // With errors 'ignore', any byte inside an ignored run is a correct position, and which
  // one CPython's tell() picks depends on its bytes-per-character heuristic: seek(0) and
  // seek(0, 2) only. (B is handled by pyref.py, which stops before a seek to a cookie with
  // decoder state, so the other modes may seek to tell() cookies.)
  const onlyEnds = !binary && errors === 'ignore';
  const initial = rng.chance(0.05) && mode[0] !== 'r' ? null : initialBytes(rng, encoding, errors);
  const fileLen = initial ? initial.length : 0;
  const alphabet = encoding === 'latin-1' && errors === 'strict' ? LATIN : encoding === 'latin-1' ? [...LATIN, '€'] : WIDE;
  const ops = [];
  let tells = 0;
  let afterRead = false;
  let afterWrite = false;

  const seekOp = () => {
    if (binary) {
      const whence = rng.int(0, 2);
      return ['seek', whence === 0 ? rng.int(0, fileLen + 10) : rng.int(-4, 10), whence];
    }
    const forms = [['seek', 0, 0], ['seek', 0, 2]];
    if (!onlyEnds) {
      forms.push(['seek', 0, 1]);
      if (tells > 0) forms.push(['seektell', rng.int(0, tells - 1)], ['seektell', tells - 1]);
    }
    return rng.pick(forms);
  };
  const push = (op) => {
    ops.push(op);
    if (op[0] === 'seek' || op[0] === 'seektell') afterRead = afterWrite = false;
    if (op[0] === 'tell') tells++;
  };

  for (let n = rng.int(1, 25); n > 0; n--) {
    const r = rng();
    const tryIllegal = rng.chance(0.05);
    if (r < 0.3 && (info.readable || tryIllegal)) {
      if (afterWrite && !binary) push(['flush']);
      // Not readline(0) on a write-only file: CPython's IOBase.readline(0) returns b'' there
      // without checking that the file is readable (ours rejects with EBADF, as read(0) does).
      const limit = rng.chance(0.7) ? -1 : rng.int(info.readable ? 0 : 1, 12);
      push(rng.chance(0.6) ? ['read', readSize(rng)] : ['readline', limit]);
      afterRead = true;
      afterWrite = false;
    } else if (r < 0.55 && (info.writable || tryIllegal)) {
      if (afterRead) push(seekOp());
      const len = rng.chance(0.1) ? rng.int(500, 9000) : rng.int(0, 20);
      push(['write', binary ? encode(randomText(rng, alphabet, len), encoding).toString('hex') : randomText(rng, alphabet, len)]);
      if (info.append) push(['seek', 0, 2]);
      else afterWrite = true;
    } else if (r < 0.7) {
      push(seekOp());
    } else if (r < 0.85) {
      push(['tell']);
    } else if (r < 0.93) {
      if (afterRead) push(seekOp());
      const sized = binary || errors !== 'strict' ? rng.chance(0.5) : false;
      push(['truncate', sized ? rng.int(0, fileLen + 10) : null]);
    } else {
      push(['flush']);
    }
  }
  return { id, mode, encoding, errors, newline, initial: initial && initial.toString('hex'), ops };
}

/**
 * Fixed cases: a '\r\n', '\r', or a multi-byte character shifted across every offset of a
 * `period`-byte chunk (and around CPython's and our 8 KiB decode chunk), read back with
 * several read sizes and readline, telling and seeking back in between.
 */
function boundarySequences(firstId, period, aroundDecodeChunk = true) {
  const seqs = [];
  const patterns = ['\r\n', '\r', '€', '😀', 'é\r\n😀', '\r\r\n\n'];
  const offsets = [];
  for (let o = 0; o <= 2 * period + 4; o++) offsets.push(o);
  for (let o = 8180; o <= 8196 && aroundDecodeChunk; o++) offsets.push(o);
  let id = firstId;
  for (const encoding of ['utf-8', 'utf-16-le']) {
    for (const pattern of patterns) {
      for (const offset of offsets) {
        const newline = NEWLINES[id % NEWLINES.length];
        const universal = newline === null || newline === '';
        const text = 'a'.repeat(offset) + pattern + 'b' + pattern + 'z';
        const reads = [['readline', -1], ['read', 1], ['read', 3], ['tell'], ['readline', -1], ['read', -1]];
        const ops = [['tell'], ...reads, ['seek', 0, 0], ['read', offset + 1], ['tell'], ['read', 2], ['readline', 2]];
        if (!universal) ops.push(['seektell', 1], ['read', 4], ['seek', 0, 1], ['write', 'W\n'], ['seektell', 0], ['read', -1]);
        else ops.push(['seek', 0, 0], ['read', offset], ['seek', 0, 2], ['write', 'W\n'], ['seek', 0, 0], ['read', -1]);
        seqs.push({ id: id++, mode: 'r+', encoding, errors: 'strict', newline, initial: encode(text, encoding).toString('hex'), ops });
      }
    }
  }
  return seqs;
}

/** The long-lived Python reference process. */
class PyRef {
  constructor() {
    this.dir = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'pyref-'));
    this.proc = spawn('python3', [path.join(__dirname, 'pyref.py'), this.dir], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.waiting = new Map();
    readline.createInterface({ input: this.proc.stdout }).on('line', (line) => {
      const out = JSON.parse(line);
      const resolve = this.waiting.get(out.id);
      this.waiting.delete(out.id);
      resolve(out);
    });
  }

  /** Run one sequence on CPython; resolves its result line. */
  run(seq) {
    return new Promise((resolve) => {
      this.waiting.set(seq.id, resolve);
      this.proc.stdin.write(JSON.stringify(seq) + '\n');
    });
  }

  async close() {
    this.proc.stdin.end();
    await new Promise((resolve) => this.proc.on('close', resolve));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

async function runOp(file, binary, op, tells) {
  switch (op[0]) {
    case 'read':
    case 'readline': {
      const v = await file[op[0]](op[1]);
      return binary ? v.toString('hex') : v;
    }
    case 'write':
      return file.write(binary ? Buffer.from(op[1], 'hex') : op[1]);
    case 'seek':
      return file.seek(op[1], op[2]);
    case 'seektell':
      await file.seek(tells[op[1]], 0);
      return 'seek-ok';
    case 'tell': {
      const cookie = await file.tell();
      tells.push(cookie);
      return cookie;
    }
    case 'truncate':
      return file.truncate(op[1] ?? undefined);
    case 'flush':
      await file.flush();
      return null;
    default:
      throw new Error(`unknown op ${op[0]}`);
  }
}

/**
 * Apply `seq` to our implementation: `open(seq)` resolves `{ file, finish }`, where
 * `finish()` closes the file and resolves its final bytes. Runs ops before `stopAt` only.
 */
async function runOurs(seq, open, stopAt) {
  const { file, finish } = await open(seq);
  const binary = seq.mode.includes('b');
  const results = [];
  const tells = [];
  for (let i = 0; i < seq.ops.length && (stopAt === null || i < stopAt); i++) {
    try {
      results.push({ v: await runOp(file, binary, seq.ops[i], tells) });
    } catch (err) {
      if (seq.ops[i][0] === 'tell') tells.push(null);
      results.push({ e: err.code || err.name, message: err.message });
    }
  }
  return { results, final: (await finish()).toString('hex') };
}

/** With errors 'ignore' a position next to ignored bytes is ambiguous (see genSequence). */
function ambiguousPosition(seq, i) {
  return seq.errors === 'ignore' && (seq.ops[i][0] === 'tell' || seq.ops[i][0] === 'seek');
}

/** A description of the first difference between CPython's and our run, or null. */
function compare(seq, py, ours) {
  if (py.crash) return `python crashed: ${py.crash}`;
  for (let i = 0; i < ours.results.length; i++) {
    const p = py.results[i];
    const o = ours.results[i];
    const what = `op ${i} ${JSON.stringify(seq.ops[i])}`;
    if (p.e) {
      if (!o.e) return `${what}: CPython raised ${p.e}, we returned ${JSON.stringify(o.v)}`;
    } else if (o.e) {
      return `${what}: we failed (${o.e}: ${o.message}), CPython returned ${JSON.stringify(p.v)}`;
    } else if (!p.state && !ambiguousPosition(seq, i) && JSON.stringify(p.v) !== JSON.stringify(o.v)) {
      return `${what}: CPython ${JSON.stringify(p.v)}, ours ${JSON.stringify(o.v)}`;
    }
  }
  if (py.final !== ours.final) return `final bytes differ: CPython ${py.final.slice(0, 400)}, ours ${ours.final.slice(0, 400)}`;
  return null;
}

/**
 * Run `seqs` (an array or any iterator, consumed lazily so long runs stay small) through
 * CPython and `open`, `parallel` sequences in flight. Resolves the failures: the first
 * `keep` in full, and their total count.
 */
async function runDifferential(seqs, open, parallel = 8, keep = 20) {
  const ref = new PyRef();
  const source = seqs[Symbol.iterator]();
  const failures = [];
  let failed = 0;
  const check = async (seq) => {
    const py = await ref.run(seq);
    try {
      return compare(seq, py, await runOurs(seq, open, py.stopped ?? null));
    } catch (err) {
      return `our side threw: ${err.stack}`;
    }
  };
  const worker = async () => {
    for (let item = source.next(); !item.done; item = source.next()) {
      const diff = await check(item.value);
      if (diff && failed++ < keep) failures.push({ seq: item.value, diff });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  await ref.close();
  return Object.assign(failures, { total: failed });
}

/** `count` random sequences from `seed`, generated one at a time. */
function* randomSequences(seed, count, binary) {
  const rng = makeRng(seed);
  for (let id = 0; id < count; id++) yield genSequence(rng, id, binary);
}

module.exports = { randomSequences, boundarySequences, runDifferential, modeInfo };
