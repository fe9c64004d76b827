'use strict';
// The AsyncFile interpreter of the differential fuzz (see reliab-fuzz.js): commands on the
// public API, stream handles (read/write/seek/tell/truncate/flush/stat/close, ordered by
// AsyncFile) and positional handles (readAt/writeAt/truncate/stat/close, running in parallel),
// run on node:fs as the reference (with Python's position rules) and through open() as the subject.
const fs = require('node:fs');
const path = require('node:path');
const { outcome, failure, describeThrown } = require('./fuzz-schedule.js');
const { bytesFor, pickOpenSlot, whenOpen, refReadFully, Interpreter } = require('./fuzz-interpreter.js');

const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND } = fs.constants;

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

module.exports = { FileInterpreter };
