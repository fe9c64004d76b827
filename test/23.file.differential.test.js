'use strict';
// Covers: every backend (native and fallback passes), every platform; what: seeded differential test of binary-mode AsyncFile against an in-memory model.
// Seeded random differential test of binary-mode AsyncFile against an in-memory model of a
// file with POSIX/Python semantics. Small buffer sizes put every op near a buffer boundary;
// ops are issued in random un-awaited batches, so call order is checked too.
// AYAFILEIO_DIFF_SEQUENCES=N runs N sequences (default 2000, 500 under Wine);
// AYAFILEIO_DIFF_SEED picks the seed.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { open } = require('../dist/index.js');
const { scaledForWine } = require('./_lib/wine-scale.js');

const SEQUENCES = Number(process.env.AYAFILEIO_DIFF_SEQUENCES || scaledForWine(2000, 500));
const SEED = Number(process.env.AYAFILEIO_DIFF_SEED || 20261126);
const APPEND_IGNORES_POSITION = process.platform === 'linux' || process.platform === 'win32';
const MODES = ['r+b', 'w+b', 'a+b', 'rb', 'wb', 'ab', 'x+b'];

/** mulberry32: a small seeded PRNG. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The model: a byte array and a position, with the mode's capabilities. */
class ModelFile {
  constructor(initial, mode) {
    this.bytes = mode[0] === 'r' || mode[0] === 'a' ? Buffer.from(initial) : Buffer.alloc(0);
    this.readable = mode[0] === 'r' || mode.includes('+');
    this.writable = mode[0] !== 'r' || mode.includes('+');
    this.append = mode[0] === 'a';
    this.pos = this.append ? this.bytes.length : 0;
  }
  place(at, data) {
    if (data.length === 0) return; // a 0-byte write changes nothing, even past the end
    const end = at + data.length;
    if (end > this.bytes.length) this.bytes = Buffer.concat([this.bytes, Buffer.alloc(end - this.bytes.length)]);
    data.copy(this.bytes, at);
  }
  resize(size) {
    this.bytes = size <= this.bytes.length ? this.bytes.subarray(0, size) : Buffer.concat([this.bytes, Buffer.alloc(size - this.bytes.length)]);
  }
  slice(at, n) {
    return Buffer.from(this.bytes.subarray(Math.min(at, this.bytes.length), Math.min(at + n, this.bytes.length)));
  }
  apply(op) {
    const need = (ok) => { if (!ok) throw Object.assign(new Error('model'), { code: 'EBADF' }); };
    switch (op.name) {
      case 'read': {
        need(this.readable);
        const n = op.size < 0 ? Infinity : op.size;
        const out = this.slice(this.pos, n);
        this.pos += out.length;
        return out;
      }
      case 'readInto': {
        need(this.readable);
        const out = this.slice(this.pos, op.size);
        this.pos += out.length;
        return out;
      }
      case 'readline': {
        need(this.readable);
        const rest = this.slice(this.pos, op.limit < 0 ? Infinity : op.limit);
        const nl = rest.indexOf(10);
        const out = nl < 0 ? rest : rest.subarray(0, nl + 1);
        this.pos += out.length;
        return out;
      }
      case 'write':
        need(this.writable);
        if (op.data.length === 0) return 0; // changes nothing, not even an append-mode position
        if (this.append) this.pos = this.bytes.length;
        this.place(this.pos, op.data);
        this.pos += op.data.length;
        return op.data.length;
      case 'seek': {
        const base = op.whence === 0 ? 0 : op.whence === 1 ? this.pos : this.bytes.length;
        if (base + op.offset < 0) throw Object.assign(new Error('model'), { code: 'EINVAL' });
        this.pos = base + op.offset;
        return this.pos;
      }
      case 'tell':
        return this.pos;
      case 'truncate': {
        need(this.writable);
        const size = op.size ?? this.pos;
        this.resize(size);
        return size;
      }
      case 'flush':
        return undefined;
      case 'readAt':
        need(this.readable);
        return this.slice(op.position, op.size);
      case 'writeAt':
        need(this.writable);
        // A positional write on an append-mode file appends on Linux (pwrite(2) BUGS) and Windows.
        this.place(this.append && APPEND_IGNORES_POSITION ? this.bytes.length : op.position, op.data);
        return op.data.length;
      default:
        throw new Error(`unknown op ${op.name}`);
    }
  }
}

function randomBytes(rand, n) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = rand() < 0.2 ? 10 : 97 + Math.floor(rand() * 26);
  return b;
}

function randomOp(rand, bufferSize) {
  const size = () => Math.floor(rand() * (bufferSize * 3 + 2));
  const r = rand();
  if (r < 0.2) return { name: 'read', size: rand() < 0.08 ? -1 : size() };
  if (r < 0.27) return { name: 'readInto', size: size() };
  if (r < 0.42) return { name: 'readline', limit: rand() < 0.7 ? -1 : size() };
  if (r < 0.62) return { name: 'write', data: randomBytes(rand, size()) };
  if (r < 0.74) {
    const whence = Math.floor(rand() * 3);
    return { name: 'seek', whence, offset: whence === 0 ? size() : size() - bufferSize - 1 };
  }
  if (r < 0.8) return { name: 'tell' };
  if (r < 0.85) return { name: 'truncate', size: rand() < 0.5 ? undefined : size() };
  if (r < 0.9) return { name: 'flush' };
  if (r < 0.95) return { name: 'readAt', position: size(), size: size() };
  return { name: 'writeAt', position: size(), data: randomBytes(rand, size() % 9) };
}

function run(file, op) {
  switch (op.name) {
    case 'read': return file.read(op.size);
    case 'readInto': {
      const buf = Buffer.alloc(op.size);
      return file.readInto(buf).then((n) => buf.subarray(0, n));
    }
    case 'readline': return file.readline(op.limit);
    case 'write': return file.write(op.data);
    case 'seek': return file.seek(op.offset, op.whence);
    case 'tell': return file.tell();
    case 'truncate': return file.truncate(op.size);
    case 'flush': return file.flush();
    case 'readAt': return file.readAt(op.position, op.size);
    case 'writeAt': return file.writeAt(op.position, op.data);
    default: throw new Error(`unknown op ${op.name}`);
  }
}

function expectedOutcome(model, op) {
  try {
    return { value: model.apply(op) };
  } catch (err) {
    return { code: err.code };
  }
}

/** Positional ops run in parallel with queued ones, so batches keep them alone. */
function isPositional(op) {
  return op.name === 'readAt' || op.name === 'writeAt';
}

async function runSequence(dir, seq, rand) {
  const mode = MODES[Math.floor(rand() * MODES.length)];
  const bufferSize = 1 + Math.floor(rand() * 16);
  const file = path.join(dir, `f${seq}`);
  const initial = randomBytes(rand, Math.floor(rand() * 40));
  if (mode[0] !== 'x') fs.writeFileSync(file, initial);
  const model = new ModelFile(initial, mode);
  const f = await open(file, mode, { bufferSize });
  const log = [`seed ${SEED} sequence ${seq} mode ${mode} bufferSize ${bufferSize} initial ${JSON.stringify(initial.toString())}`];
  const ops = Array.from({ length: 8 + Math.floor(rand() * 20) }, () => randomOp(rand, bufferSize));
  for (let i = 0; i < ops.length;) {
    // A batch of calls issued without awaiting each other.
    let end = i + 1;
    if (!isPositional(ops[i])) while (end < ops.length && !isPositional(ops[end]) && rand() < 0.5) end++;
    const batch = ops.slice(i, end);
    const settled = await Promise.allSettled(batch.map((op) => run(f, op)));
    for (let k = 0; k < batch.length; k++) {
      const op = batch[k];
      log.push(JSON.stringify(op, (key, v) => (v && v.type === 'Buffer' ? Buffer.from(v.data).toString() : v)));
      const want = expectedOutcome(model, op);
      const got = settled[k];
      const where = log.join('\n');
      if (want.code !== undefined) {
        assert.strictEqual(got.status, 'rejected', `expected ${want.code}\n${where}`);
        assert.strictEqual(got.reason.code, want.code, where);
      } else {
        assert.strictEqual(got.status, 'fulfilled', `${got.reason && got.reason.stack}\n${where}`);
        assert.deepStrictEqual(got.value, want.value, where);
      }
    }
    i = end;
  }
  await f.close();
  assert.deepStrictEqual(fs.readFileSync(file), model.bytes, `final bytes\n${log.join('\n')}`);
  fs.unlinkSync(file);
}

test(`binary AsyncFile matches an in-memory file model over ${SEQUENCES} random sequences`, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-diff-'));
  const rand = prng(SEED);
  try {
    for (let seq = 0; seq < SEQUENCES; seq++) await runSequence(dir, seq, rand);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
