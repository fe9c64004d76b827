'use strict';
// What both interpreters of the differential fuzz share (see reliab-fuzz.js): the files and
// slots commands name, the seeded bytes written, the reference directories (node:fs) and the
// subject's, and the Interpreter base that closes every slot at the end.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const FILES = 6;
const SLOTS = 8;

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

module.exports = { FILES, SLOTS, bytesFor, firstDiff, makeDirs, seedFiles, whenOpen, pickOpenSlot, rawCall, refReadFully, Interpreter };
