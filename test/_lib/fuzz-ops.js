'use strict';
// The op-level interpreter of the differential fuzz (see reliab-fuzz.js): commands on the raw
// op interface (open/read/write/ftruncate/fstat/stat/fsync/close with raw results, >= 0 or
// -errno), run on node:fs as the reference and on a backend as the subject.
const fs = require('node:fs');
const path = require('node:path');
const { outcome, failure } = require('./fuzz-schedule.js');
const { bytesFor, whenOpen, pickOpenSlot, rawCall, Interpreter } = require('./fuzz-interpreter.js');

const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND } = fs.constants;

/** The open flags an `open` command's `flags` number picks from. */
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

module.exports = { OP_FLAGS, OpInterpreter };
