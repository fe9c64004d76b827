'use strict';
// Differential fuzzing against node:fs (issue 4).
//
// A sequence of random commands is run twice: once through node:fs synchronous calls (the
// reference, executed one by one in command order) and once through the code under test
// (the subject), where commands are issued WITHOUT awaiting each other and only settled at
// barriers. Many ops are therefore in flight at once. A command that would not commute with
// an op already in the current batch (overlapping ranges, a size-changing op, a use of a
// handle whose open has not settled yet) first closes the batch, so the concurrent run must
// give exactly the results of the sequential one. Every result and the final bytes of every
// file are compared.
//
// Two interpreters share the scheduler:
//   - ops:  the raw op interface (`dist/engine/index.js` getBackend()): open/read/write/
//           ftruncate/fstat/stat/fsync/close with raw results (>= 0 or -errno).
//   - file: the public AsyncFile API (`dist/index.js` open()): stream handles (read/write/
//           seek/tell/truncate/flush/stat/close, ordered by AsyncFile) and positional
//           handles (readAt/writeAt/truncate/stat/close, running in parallel).
//
// Commands only name slots and files by small integers and derive written bytes from a seed,
// so fast-check can shrink a failing sequence to a minimal one that still means something.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const fc = require('fast-check');

const FILES = 6;
const SLOTS = 8;
const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND } = fs.constants;

/** Figures for docs/reliability.md: sequences run, ops issued, the largest batch in flight. */
const stats = { sequences: 0, ops: 0, batches: 0, maxInFlight: 0, errorsCompared: 0, skipped: 0 };

/** Deterministic pseudo-random bytes for (seed, len): the same data in both runs. */
function bytesFor(seed, len) {
  const b = Buffer.allocUnsafe(len);
  let x = (Math.imul(seed | 0, 2654435761) ^ 0x9e3779b9) >>> 0 || 1;
  for (let i = 0; i < len; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

// ---------------------------------------------------------------------------------------
// Batch scheduler: which ops may be in flight together.

/** The half-open byte ranges an op reads or writes, seen against the file's size at batch start. */
function readFootprint(claim, size0) {
  if (claim.len === 0) return null;
  const end = claim.at + claim.len;
  return [claim.at, end > size0 ? Infinity : end];
}
function writeFootprintForReads(claim, size0) {
  if (claim.len === 0) return null;
  const end = claim.at + claim.len;
  // A write that extends the file also changes what a read at or past the old EOF sees.
  return end > size0 ? [Math.min(claim.at, size0), Infinity] : [claim.at, end];
}
function overlaps(a, b) {
  return a !== null && b !== null && a[0] < b[1] && b[0] < a[1];
}

/** Do two claims on the same file fail to commute? */
function claimsConflict(x, y, size0) {
  if (x.kind === 'exclusive' || y.kind === 'exclusive') return true; // even fsync must not race a close
  if (x.oneAtATimeOnSlot !== undefined && x.oneAtATimeOnSlot === y.oneAtATimeOnSlot) return true;
  if (x.kind === 'none' || y.kind === 'none') return false;
  if (x.kind === 'close' || y.kind === 'close') return false; // close waits for what came before it
  if (x.kind === 'write' && y.kind === 'write') {
    return x.len > 0 && y.len > 0 && x.at < y.at + y.len && y.at < x.at + x.len;
  }
  if (x.kind === 'read' && y.kind === 'read') return false;
  const [r, w] = x.kind === 'read' ? [x, y] : [y, x];
  return overlaps(readFootprint(r, size0), writeFootprintForReads(w, size0));
}

class Batch {
  constructor() {
    this.pending = [];
    this.claims = new Map(); // file -> { size0, list }
  }
  /** Would `plan` fail to commute with what is already in flight? */
  conflicts(plan) {
    const entry = this.claims.get(plan.file);
    if (!entry) return false;
    return entry.list.some((c) => claimsConflict(c, plan.claim, entry.size0));
  }
  add(plan, size0) {
    let entry = this.claims.get(plan.file);
    if (!entry) this.claims.set(plan.file, (entry = { size0, list: [] }));
    entry.list.push(plan.claim);
  }
}

/** A comparable form of an outcome: a value or an error code. */
function outcome(value) {
  return { ok: value };
}
function failure(code) {
  return { err: code };
}
function sameOutcome(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}
/** One line per mismatch; long byte strings shortened to their length and first differing byte. */
function describeMismatch(m) {
  const shorten = (o) => (o && typeof o.ok === 'string' && o.ok.length > 64 ? { ok: `<${o.ok.length / 2} bytes>` } : o);
  const extra = m.expected && m.actual && typeof m.expected.ok === 'string' && typeof m.actual.ok === 'string'
    ? ` firstDiff=${firstDiff(m.expected.ok, m.actual.ok)}` : '';
  return JSON.stringify({ ...m, expected: shorten(m.expected), actual: shorten(m.actual) }) + extra;
}
function describeThrown(e) {
  return failure(e && typeof e.code === 'string' ? e.code : `thrown ${e && e.name}: ${e && e.message}`);
}

/**
 * Run `cmds` through `interp` (reference and subject) and return the mismatches.
 * `interp` gives plan(cmd) -> null | { file, claim, slot?, opensSlot?, reference(), subject() }.
 */
async function runSequence(interp, cmds) {
  const mismatches = [];
  let batch = new Batch();
  const settleBatch = async () => {
    stats.maxInFlight = Math.max(stats.maxInFlight, batch.pending.length);
    if (batch.pending.length) stats.batches++;
    await Promise.all(batch.pending);
    batch = new Batch();
  };
  // Only a barrier or a conflict awaits; everything else is issued in the same tick.
  for (const [cmd, index] of expandBursts(cmds)) {
    if (cmd.op === 'barrier') {
      await settleBatch();
      continue;
    }
    const plan = interp.plan(cmd);
    if (!plan) {
      stats.skipped++;
      continue;
    }
    if (batch.conflicts(plan)) await settleBatch();
    batch.add(plan, interp.sizeOf(plan.file));
    batch.pending.push(issue(plan, cmd, index, mismatches));
  }
  await settleBatch();
  await interp.closeAll(mismatches);
  interp.compareFiles(mismatches);
  stats.sequences++;
  return mismatches;
}

/** Run the reference now, issue the subject op (not awaited), compare when it settles. */
function issue(plan, cmd, index, mismatches) {
  const expected = plan.reference();
  stats.ops++;
  if (expected.err) stats.errorsCompared++;
  let issued;
  try {
    issued = plan.subject();
  } catch (e) {
    issued = Promise.resolve(failure(`threw synchronously: ${e && e.message}`));
  }
  return issued.then((actual) => {
    if (!sameOutcome(expected, actual)) mismatches.push({ index, cmd, expected, actual });
  });
}

/** Commands with each burst replaced by its run of adjacent, non-overlapping range ops. */
function* expandBursts(cmds) {
  for (let i = 0; i < cmds.length; i++) {
    const c = cmds[i];
    if (c.op !== 'burst') {
      yield [c, i];
      continue;
    }
    for (let k = 0; k < c.count; k++) {
      yield [{ op: c.write ? 'writeRange' : 'readRange', slot: c.slot, pos: c.base + k * c.len, len: c.len, seed: c.seed + k }, i];
    }
  }
}

// ---------------------------------------------------------------------------------------
// Shared helpers for both interpreters.

function makeDirs() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-fuzz-'));
  const ref = path.join(root, 'ref');
  const sub = path.join(root, 'sub');
  fs.mkdirSync(ref);
  fs.mkdirSync(sub);
  return { root, ref, sub };
}

function seedFiles(dirs, init) {
  init.forEach((f, i) => {
    if (!f.present) return;
    const data = bytesFor(f.seed, f.len);
    fs.writeFileSync(path.join(dirs.ref, `f${i}`), data);
    fs.writeFileSync(path.join(dirs.sub, `f${i}`), data);
  });
}

function compareDirs(dirs, mismatches) {
  for (let i = 0; i < FILES; i++) {
    const name = `f${i}`;
    const read = (d) => (fs.existsSync(path.join(d, name)) ? fs.readFileSync(path.join(d, name)).toString('hex') : null);
    const want = read(dirs.ref);
    const got = read(dirs.sub);
    if (want !== got) {
      mismatches.push({ file: name, expected: want === null ? 'absent' : `${want.length / 2} bytes`, actual: got === null ? 'absent' : `${got.length / 2} bytes`, firstDiff: firstDiff(want, got) });
    }
  }
}

function firstDiff(a, b) {
  if (a === null || b === null) return undefined;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return Math.floor(i / 2);
}

/**
 * A subject-side slot: `handle` once its open has settled, else `pending` (the open's promise).
 * Ops on a slot whose open is still in flight are chained on it, in call order, so commands
 * after an open need no barrier.
 */
function whenOpen(slot, fn, missing) {
  if (!slot) return Promise.resolve(missing);
  if (slot.settled) return slot.handle === null ? Promise.resolve(missing) : fn(slot.handle);
  return slot.pending.then(() => (slot.handle === null ? missing : fn(slot.handle)));
}

/**
 * The open slot a command addresses: its slot number picks among the open ones, so commands
 * seldom fall on closed slots (and still name the same slot after shrinking removes others).
 */
function pickOpenSlot(refSlots, n) {
  const open = [];
  refSlots.forEach((r, i) => r && open.push(i));
  return open.length ? open[n % open.length] : -1;
}

/** Reference call that returns a raw result (>= 0 or -errno) like the op interface. */
function rawCall(fn) {
  try {
    const r = fn();
    return r === undefined ? 0 : r;
  } catch (e) {
    if (typeof e.errno === 'number') return e.errno;
    throw e;
  }
}

/** Read `len` bytes from `pos` with node:fs, stopping only at EOF (a short pread is retried). */
function refReadFully(fd, pos, len) {
  const chunks = [];
  let total = 0;
  for (;;) {
    const want = len < 0 ? 65536 : len - total;
    if (want === 0) break;
    const buf = Buffer.alloc(want);
    const n = fs.readSync(fd, buf, 0, want, pos + total);
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    total += n;
  }
  return Buffer.concat(chunks, total);
}

// ---------------------------------------------------------------------------------------
// The op-level interpreter (raw op interface).

const OP_FLAGS = [
  O_RDWR | O_CREAT,
  O_RDWR,
  O_RDONLY,
  O_WRONLY | O_CREAT | O_TRUNC,
  O_RDWR | O_CREAT | O_TRUNC,
  O_WRONLY | O_CREAT | O_APPEND,
  O_RDWR | O_CREAT | O_EXCL,
];

function statSummary(st) {
  return { size: st.size, type: st.mode & fs.constants.S_IFMT, nlink: st.nlink };
}

/**
 * What both interpreters share: the reference (node:fs) and subject slots, file sizes, and
 * closing everything at the end. A subclass says how to close one subject handle.
 */
class Interpreter {
  constructor(dirs) {
    this.dirs = dirs;
    this.ref = new Array(SLOTS).fill(null);
    this.sub = new Array(SLOTS).fill(null);
  }
  sizeOf(file) {
    const p = path.join(this.dirs.ref, `f${file}`);
    return fs.existsSync(p) ? fs.statSync(p).size : 0;
  }
  async closeAll(mismatches) {
    for (let s = 0; s < SLOTS; s++) {
      if (this.ref[s]) fs.closeSync(this.ref[s].fd);
      this.ref[s] = null;
      const slot = this.sub[s];
      this.sub[s] = null;
      if (slot && slot.handle !== null && slot.handle !== undefined) {
        const problem = await this.closeSubject(slot.handle);
        if (problem) mismatches.push({ closeAll: s, ...problem });
      }
    }
  }
  compareFiles(mismatches) {
    compareDirs(this.dirs, mismatches);
  }
}

class OpInterpreter extends Interpreter {
  constructor(backend, dirs) {
    super(dirs); // ref: { fd, file, flags }; sub: { settled, handle: fd | null, pending }
    this.backend = backend;
    // node:fs on Windows reads/writes at a position on a synchronous handle, which moves the
    // file pointer, then puts the pointer back (libuv's fs__read/fs__write): two positional
    // ops on one fd at once can leave it wrong for the next pos -1 op. The fallback inherits
    // that, so there positional ops on one fd run one at a time; AsyncFile never uses pos -1
    // on a seekable file, so the public API is unaffected.
    this.positionalOpsMoveThePointer = process.platform === 'win32' && backend.kind === 'fallback';
  }
  /** The claim of a read or write at `at` (pos >= 0, not append) on `slot`'s fd. */
  positionalClaim(kind, at, len, slot) {
    return this.positionalOpsMoveThePointer ? { kind, at, len, oneAtATimeOnSlot: slot } : { kind, at, len };
  }
  refPath(file) {
    return path.join(this.dirs.ref, `f${file}`);
  }
  subPath(file) {
    return path.join(this.dirs.sub, `f${file}`);
  }
  plan(cmd) {
    if (cmd.op === 'stat') {
      return {
        file: cmd.file,
        claim: { kind: 'exclusive' },
        reference: () => {
          try {
            return outcome(statSummary(fs.statSync(this.refPath(cmd.file))));
          } catch (e) {
            return failure(e.errno);
          }
        },
        subject: () => this.backend.stat(this.subPath(cmd.file)).then(statOutcome),
      };
    }
    if (cmd.op === 'open') return this.planOpen(cmd);
    if (cmd.op === 'readRange' || cmd.op === 'writeRange') cmd = { ...cmd, op: cmd.op === 'readRange' ? 'read' : 'write', bufOff: 0 };
    const s = pickOpenSlot(this.ref, cmd.slot);
    if (s < 0) return null;
    const r = this.ref[s];
    const base = { file: r.file, slot: s };
    const slot = this.sub[s];
    const withFd = (fn) => whenOpen(slot, fn, failure('subject fd missing'));
    switch (cmd.op) {
      case 'read': {
        // node:fs answers a 0-byte read with 0 without calling read(2); pread(2) on a write-only
        // fd says EBADF. The op interface leaves that case open, so the oracle does not judge it.
        if (cmd.len === 0 && (r.flags & (O_WRONLY | O_RDWR)) === O_WRONLY) return null;
        const positional = cmd.pos >= 0;
        return {
          ...base,
          claim: positional ? this.positionalClaim('read', cmd.pos, cmd.len, s) : { kind: 'exclusive' },
          reference: () => {
            const buf = Buffer.alloc(cmd.len);
            const n = rawCall(() => fs.readSync(r.fd, buf, 0, cmd.len, positional ? cmd.pos : null));
            return n < 0 ? failure(n) : outcome(buf.subarray(0, n).toString('hex'));
          },
          subject: () => {
            const buf = Buffer.alloc(cmd.len + cmd.bufOff);
            return withFd((fd) => this.backend.read(fd, buf, cmd.bufOff, cmd.len, cmd.pos)
              .then((n) => (n < 0 ? failure(n) : outcome(buf.subarray(cmd.bufOff, cmd.bufOff + n).toString('hex')))));
          },
        };
      }
      case 'write': {
        const append = (r.flags & O_APPEND) !== 0;
        const data = bytesFor(cmd.seed, cmd.len);
        return {
          ...base,
          claim: cmd.pos >= 0 && !append ? this.positionalClaim('write', cmd.pos, cmd.len, s) : { kind: 'exclusive' },
          reference: () => rawOutcome(rawCall(() => fs.writeSync(r.fd, data, 0, cmd.len, cmd.pos >= 0 ? cmd.pos : null))),
          subject: () => {
            const buf = Buffer.concat([Buffer.alloc(cmd.bufOff), data]);
            return withFd((fd) => this.backend.write(fd, buf, cmd.bufOff, cmd.len, cmd.pos).then(rawOutcome));
          },
        };
      }
      case 'ftruncate':
        return {
          ...base,
          claim: { kind: 'exclusive' },
          reference: () => rawOutcome(rawCall(() => fs.ftruncateSync(r.fd, cmd.size))),
          subject: () => withFd((fd) => this.backend.ftruncate(fd, cmd.size).then(rawOutcome)),
        };
      case 'fstat':
        return {
          ...base,
          claim: { kind: 'exclusive' },
          reference: () => outcome(statSummary(fs.fstatSync(r.fd))),
          subject: () => withFd((fd) => this.backend.fstat(fd).then(statOutcome)),
        };
      case 'fsync':
        return {
          ...base,
          claim: { kind: 'none' },
          reference: () => rawOutcome(rawCall(() => (cmd.datasync ? fs.fdatasyncSync(r.fd) : fs.fsyncSync(r.fd)))),
          subject: () => withFd((fd) => this.backend.fsync(fd, cmd.datasync).then(rawOutcome)),
        };
      case 'close':
        return {
          ...base,
          claim: { kind: 'exclusive' },
          reference: () => {
            this.ref[s] = null;
            return rawOutcome(rawCall(() => fs.closeSync(r.fd)));
          },
          subject: () => {
            this.sub[s] = null;
            return withFd((fd) => this.backend.close(fd).then(rawOutcome));
          },
        };
      default:
        return null;
    }
  }
  planOpen(cmd) {
    if (this.ref[cmd.slot]) return null;
    const flags = OP_FLAGS[cmd.flags];
    return {
      file: cmd.file,
      opensSlot: cmd.slot,
      claim: { kind: 'exclusive' },
      reference: () => {
        const fd = rawCall(() => fs.openSync(this.refPath(cmd.file), flags, 0o644));
        if (fd < 0) return failure(fd);
        this.ref[cmd.slot] = { fd, file: cmd.file, flags };
        return outcome('fd');
      },
      subject: () => {
        const slot = { settled: false, handle: null, pending: null };
        this.sub[cmd.slot] = slot;
        slot.pending = this.backend.open(this.subPath(cmd.file), flags, 0o644).then((fd) => {
          slot.settled = true;
          if (fd < 0) return failure(fd);
          slot.handle = fd;
          return outcome('fd');
        });
        return slot.pending;
      },
    };
  }
  async closeSubject(fd) {
    const r = await this.backend.close(fd);
    return r === 0 ? null : { expected: 0, actual: r };
  }
}

function rawOutcome(n) {
  return n < 0 ? failure(n) : outcome(n);
}
function statOutcome(st) {
  return typeof st === 'number' ? failure(st) : outcome(statSummary(st));
}

const burstArb = fc.record({
  op: fc.constant('burst'),
  slot: fc.integer({ min: 0, max: SLOTS - 1 }),
  write: fc.boolean(),
  count: fc.integer({ min: 1, max: 64 }),
  base: fc.integer({ min: 0, max: 131072 }),
  len: fc.integer({ min: 1, max: 4096 }),
  seed: fc.integer(),
});

const opCommandArb = (() => {
  const slot = fc.integer({ min: 0, max: SLOTS - 1 });
  const file = fc.integer({ min: 0, max: FILES - 1 });
  const pos = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 131072 }) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: 250000 }) }, { weight: 1, arbitrary: fc.constant(-1) });
  const len = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 4096 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 70000 }) });
  const bufOff = fc.integer({ min: 0, max: 16 });
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('open'), slot, file, flags: fc.integer({ min: 0, max: OP_FLAGS.length - 1 }) }) },
    { weight: 24, arbitrary: fc.record({ op: fc.constant('read'), slot, pos, len, bufOff }) },
    { weight: 24, arbitrary: fc.record({ op: fc.constant('write'), slot, pos, len, bufOff, seed: fc.integer() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('ftruncate'), slot, size: fc.integer({ min: 0, max: 100000 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('fstat'), slot }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('stat'), file }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('fsync'), slot, datasync: fc.boolean() }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('close'), slot }) },
    { weight: 1, arbitrary: fc.constant({ op: 'barrier' }) },
    { weight: 2, arbitrary: burstArb },
  );
})();

// ---------------------------------------------------------------------------------------
// The AsyncFile interpreter (public API).

/** Python modes the fuzz opens with, and what each allows. */
const FILE_MODES = {
  'rb': { read: true, write: false, create: false, trunc: false, excl: false, append: false },
  'r+b': { read: true, write: true, create: false, trunc: false, excl: false, append: false },
  'wb': { read: false, write: true, create: true, trunc: true, excl: false, append: false },
  'w+b': { read: true, write: true, create: true, trunc: true, excl: false, append: false },
  'ab': { read: false, write: true, create: true, trunc: false, excl: false, append: true },
  'a+b': { read: true, write: true, create: true, trunc: false, excl: false, append: true },
  'xb': { read: false, write: true, create: true, trunc: false, excl: true, append: false },
  'x+b': { read: true, write: true, create: true, trunc: false, excl: true, append: false },
};
const STREAM_MODES = Object.keys(FILE_MODES);
// Positional handles never use O_APPEND: pwrite on an O_APPEND fd appends on Linux.
const POSITIONAL_MODES = ['rb', 'r+b', 'w+b', 'x+b'];

function osFlagsOf(m) {
  let f = m.read && m.write ? O_RDWR : m.write ? O_WRONLY : O_RDONLY;
  if (m.create) f |= O_CREAT;
  if (m.trunc) f |= O_TRUNC;
  if (m.excl) f |= O_EXCL;
  if (m.append) f |= O_APPEND;
  return f;
}

class FileInterpreter extends Interpreter {
  constructor(api, dirs) {
    super(dirs); // ref: { fd, file, mode, caps, positional, pos, dirty }; sub: { settled, handle: AsyncFile | null, pending }
    this.api = api;
  }
  fileInUse(file) {
    return this.ref.some((r) => r && r.file === file);
  }
  plan(cmd) {
    if (cmd.op === 'open') return this.planOpen(cmd);
    const s = pickOpenSlot(this.ref, cmd.slot);
    if (s < 0) return null;
    const r = this.ref[s];
    if (cmd.op === 'readRange' || cmd.op === 'writeRange') cmd = rangeCommandFor(cmd, r.positional);
    if (!r.positional && (cmd.op === 'readAt' || cmd.op === 'writeAt')) cmd = rangeCommandFor({ ...cmd, op: cmd.op === 'writeAt' ? 'writeRange' : 'readRange' }, false);
    return r.positional ? this.planPositional(cmd, r, s) : this.planStream(cmd, r, s);
  }
  planOpen(cmd) {
    if (this.ref[cmd.slot] || this.fileInUse(cmd.file)) return null;
    const modes = cmd.positional ? POSITIONAL_MODES : STREAM_MODES;
    const mode = modes[cmd.mode % modes.length];
    const caps = FILE_MODES[mode];
    return {
      file: cmd.file,
      opensSlot: cmd.slot,
      claim: { kind: 'exclusive' },
      reference: () => {
        const p = path.join(this.dirs.ref, `f${cmd.file}`);
        let fd;
        try {
          fd = fs.openSync(p, osFlagsOf(caps), 0o666);
        } catch (e) {
          return failure(e.code);
        }
        const pos = caps.append ? fs.fstatSync(fd).size : 0;
        this.ref[cmd.slot] = { fd, file: cmd.file, mode, caps, positional: cmd.positional, pos, dirty: false };
        return outcome('file');
      },
      subject: () => {
        const slot = { settled: false, handle: null, pending: null };
        this.sub[cmd.slot] = slot;
        const settle = (result) => {
          slot.settled = true;
          return result;
        };
        slot.pending = this.api.open(path.join(this.dirs.sub, `f${cmd.file}`), mode).then(
          (f) => {
            slot.handle = f;
            return settle(outcome('file'));
          },
          (e) => settle(describeThrown(e)),
        );
        return slot.pending;
      },
    };
  }
  /** Issue `fn(asyncFile)` on the subject; settle to an outcome via `map`. */
  call(slot, fn, map = outcome) {
    return whenOpen(this.sub[slot], (f) => fn(f).then(map, describeThrown), failure('subject handle missing'));
  }
  planPositional(cmd, r, s) {
    const base = { file: r.file, slot: s };
    switch (cmd.op) {
      case 'readAt':
        if (!r.caps.read) return null;
        return {
          ...base,
          claim: { kind: 'read', at: cmd.pos, len: cmd.len },
          reference: () => outcome(refReadFully(r.fd, cmd.pos, cmd.len).toString('hex')),
          subject: () => this.call(s, (f) => f.readAt(cmd.pos, cmd.len), hexOutcome),
        };
      case 'writeAt': {
        if (!r.caps.write) return null;
        const data = bytesFor(cmd.seed, cmd.len);
        return {
          ...base,
          claim: { kind: 'write', at: cmd.pos, len: cmd.len },
          reference: () => outcome(fs.writeSync(r.fd, data, 0, data.length, cmd.pos)),
          subject: () => this.call(s, (f) => f.writeAt(cmd.pos, data)),
        };
      }
      case 'truncate': {
        if (!r.caps.write) return null;
        // truncate() with no size cuts at the position, which readAt/writeAt never move from 0.
        const size = cmd.size === null ? 0 : cmd.size;
        return {
          ...base,
          claim: { kind: 'exclusive' },
          reference: () => {
            fs.ftruncateSync(r.fd, size);
            return outcome(size);
          },
          subject: () => this.call(s, (f) => (cmd.size === null ? f.truncate() : f.truncate(size))),
        };
      }
      case 'stat':
        return {
          ...base,
          claim: { kind: 'exclusive' },
          reference: () => outcome(fs.fstatSync(r.fd).size),
          subject: () => this.call(s, (f) => f.stat(), (st) => outcome(st.size)),
        };
      case 'close':
        return this.planClose(r, s, base);
      default:
        return null;
    }
  }
  planStream(cmd, r, s) {
    const base = { file: r.file, slot: s, claim: { kind: 'none' } };
    // In append mode Python's position after a buffered write is only defined once flushed.
    const positionKnown = !(r.caps.append && r.dirty);
    switch (cmd.op) {
      case 'read': {
        if (!r.caps.read || !positionKnown) return null;
        return {
          ...base,
          reference: () => {
            const data = refReadFully(r.fd, r.pos, cmd.len);
            r.pos += data.length;
            return outcome(data.toString('hex'));
          },
          subject: () => this.call(s, (f) => f.read(cmd.len), hexOutcome),
        };
      }
      case 'write': {
        if (!r.caps.write) return null;
        const data = bytesFor(cmd.seed, cmd.len);
        return {
          ...base,
          reference: () => {
            const at = r.caps.append ? fs.fstatSync(r.fd).size : r.pos;
            fs.writeSync(r.fd, data, 0, data.length, at);
            r.pos = at + data.length;
            if (data.length > 0) r.dirty = true;
            return outcome(data.length);
          },
          subject: () => this.call(s, (f) => f.write(data)),
        };
      }
      case 'seek': {
        if (!positionKnown) return null;
        const origin = cmd.whence === 0 ? 0 : cmd.whence === 1 ? r.pos : this.sizeOf(r.file);
        const target = origin + (cmd.whence === 0 ? Math.abs(cmd.offset) : cmd.offset);
        if (target < 0) return null;
        const offset = target - origin;
        return {
          ...base,
          reference: () => {
            r.pos = target;
            return outcome(target);
          },
          subject: () => this.call(s, (f) => f.seek(offset, cmd.whence)),
        };
      }
      case 'tell':
        if (!positionKnown) return null;
        return { ...base, reference: () => outcome(r.pos), subject: () => this.call(s, (f) => f.tell()) };
      case 'truncate': {
        if (!r.caps.write || !positionKnown) return null;
        const size = cmd.size === null ? r.pos : cmd.size;
        return {
          ...base,
          reference: () => {
            fs.ftruncateSync(r.fd, size);
            r.dirty = false;
            return outcome(size);
          },
          subject: () => this.call(s, (f) => (cmd.size === null ? f.truncate() : f.truncate(cmd.size))),
        };
      }
      case 'flush':
        return {
          ...base,
          reference: () => {
            this.settleAppend(r);
            return outcome(null);
          },
          subject: () => this.call(s, (f) => f.flush(), () => outcome(null)),
        };
      case 'stat':
        // stat() is fstat: buffered bytes are flushed first (issued in call order, not awaited).
        return {
          ...base,
          reference: () => {
            this.settleAppend(r);
            return outcome(this.sizeOf(r.file));
          },
          subject: () =>
            this.call(s, (f) => {
              const flushed = f.flush();
              const st = f.stat();
              return Promise.all([flushed, st]);
            }, ([, st]) => outcome(st.size)),
        };
      case 'close':
        return this.planClose(r, s, base);
      default:
        return null;
    }
  }
  /** Flushing an append-mode handle's buffered writes leaves its position at the end (Python). */
  settleAppend(r) {
    if (r.caps.append && r.dirty) r.pos = this.sizeOf(r.file);
    r.dirty = false;
  }
  planClose(r, s, base) {
    return {
      ...base,
      claim: { kind: 'close' },
      reference: () => {
        fs.closeSync(r.fd);
        this.ref[s] = null;
        return outcome(null);
      },
      subject: () => {
        const p = this.call(s, (f) => f.close(), () => outcome(null));
        this.sub[s] = null;
        return p;
      },
    };
  }
  async closeSubject(file) {
    try {
      await file.close();
      return null;
    } catch (e) {
      return { expected: 'closed', actual: describeThrown(e) };
    }
  }
}

/** A burst item on a file handle: readAt/writeAt on a positional handle, read/write on a stream. */
function rangeCommandFor(cmd, positional) {
  const write = cmd.op === 'writeRange';
  if (positional) return { op: write ? 'writeAt' : 'readAt', pos: cmd.pos, len: cmd.len, seed: cmd.seed };
  return { op: write ? 'write' : 'read', len: cmd.len, seed: cmd.seed };
}

function hexOutcome(buf) {
  return outcome(Buffer.from(buf).toString('hex'));
}

const fileCommandArb = (() => {
  const slot = fc.integer({ min: 0, max: SLOTS - 1 });
  const file = fc.integer({ min: 0, max: FILES - 1 });
  const at = fc.oneof(fc.integer({ min: 0, max: 8192 }), fc.integer({ min: 0, max: 200000 }));
  const len = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 4096 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 140000 }) });
  const readLen = fc.oneof({ weight: 6, arbitrary: len }, { weight: 1, arbitrary: fc.constant(-1) });
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('open'), slot, file, mode: fc.nat(), positional: fc.boolean() }) },
    { weight: 6, arbitrary: fc.record({ op: fc.constant('read'), slot, len: readLen }) },
    { weight: 6, arbitrary: fc.record({ op: fc.constant('write'), slot, len, seed: fc.integer() }) },
    { weight: 6, arbitrary: fc.record({ op: fc.constant('readAt'), slot, pos: at, len }) },
    { weight: 6, arbitrary: fc.record({ op: fc.constant('writeAt'), slot, pos: at, len, seed: fc.integer() }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('seek'), slot, offset: fc.integer({ min: -100000, max: 100000 }), whence: fc.constantFrom(0, 1, 2) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('tell'), slot }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate'), slot, size: fc.option(fc.integer({ min: 0, max: 150000 })) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('flush'), slot }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('stat'), slot }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('close'), slot }) },
    { weight: 1, arbitrary: fc.constant({ op: 'barrier' }) },
    { weight: 2, arbitrary: burstArb },
  );
})();

const initialFilesArb = fc.array(
  fc.record({
    present: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    len: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 100000, max: 200000 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 5000 }) }),
    seed: fc.integer(),
  }),
  { minLength: FILES, maxLength: FILES },
);

/**
 * The property: for any initial files and command sequence, the subject matches node:fs.
 * `kind` is 'ops' (raw op interface of `backend`) or 'file' (public API `api`).
 */
function differentialProperty(kind, target, maxCommands) {
  return fc.asyncProperty(...caseArbs(kind, maxCommands), async (init, cmds) => {
    const mismatches = await runCase(kind, target, init, cmds);
    if (mismatches.length) {
      throw new Error(`differs from node:fs:\n${mismatches.slice(0, 5).map(describeMismatch).join('\n')}`);
    }
  });
}

/** The arbitraries of one case: initial files, then the command sequence. */
function caseArbs(kind, maxCommands) {
  const cmdArb = kind === 'ops' ? opCommandArb : fileCommandArb;
  return [initialFilesArb, fc.array(cmdArb, { maxLength: maxCommands, size: 'max' })];
}

/** Run one case (initial files + commands) in fresh dirs; resolves the mismatches (replay aid). */
async function runCase(kind, target, init, cmds) {
  const dirs = makeDirs();
  try {
    seedFiles(dirs, init);
    const interp = kind === 'ops' ? new OpInterpreter(target, dirs) : new FileInterpreter(target, dirs);
    return await runSequence(interp, cmds);
  } finally {
    fs.rmSync(dirs.root, { recursive: true, force: true });
  }
}

/** Run the property with fast-check's runner (shrinks on failure; the report names seed and path). */
async function fuzz(kind, target, { seed, numRuns, maxCommands = 80, interruptAfterTimeLimit }) {
  await fc.assert(differentialProperty(kind, target, maxCommands), {
    seed,
    numRuns,
    interruptAfterTimeLimit,
    markInterruptAsFailure: false,
    endOnFailure: false,
  });
}

module.exports = { fuzz, differentialProperty, caseArbs, runCase, describeMismatch, stats, bytesFor };
