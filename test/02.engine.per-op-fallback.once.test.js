'use strict';
// Covers: NativeBackend's JavaScript side over a scripted stand-in addon, and the node:fs fallback per op (native pass only), every platform; what: -ENOSYS ops re-run on the fallback, completions reach their promises.
// The JavaScript side of the native contract, against a scripted stand-in addon: an op the
// addon refuses with -ENOSYS (an opcode the kernel lacks) runs on the node:fs fallback for
// that op only; other refusals resolve as raw errnos; completions reach the right promises,
// whether they come back from submit() or later through onComplete.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const uvErrno = require('./_lib/uv-errno.js');
const path = require('node:path');
const { NativeBackend } = require('./_lib/internals.js').nativeBackend;
const { FallbackBackend } = require('./_lib/internals.js').fallbackBackend;

/**
 * A fake addon speaking the ticket contract (token << 1 | submitNow): queued reads complete
 * when submitted (by submit(), or by the op call itself when its ticket says submitNow);
 * writes complete on wake().
 */
function fakeAddon() {
  const calls = [];
  const queued = [];
  const later = [];
  /** Hand the queued reads' pairs over, as a submit does. */
  const drain = () => {
    const n = queued.length;
    queued.splice(0).forEach(([t, r], i) => addon.completions.set([t, r], 2 * i));
    return n;
  };
  const accepted = (ticket) => (ticket & 1 ? drain() : 0);
  const addon = {
    backend: 'io_uring',
    contractVersion: 2,
    completions: null,
    onComplete: null,
    init(options, completions, onComplete) {
      addon.completions = completions;
      addon.onComplete = onComplete;
      return { entries: options.queueDepth, cqEntries: 2 * options.queueDepth, flags: [], features: [], ops: ['read'] };
    },
    info: () => null,
    read(ticket, fd, buf, off, len) {
      calls.push(ticket & 1 ? 'read+submit' : 'read');
      buf.fill(0x61, off, off + len);
      queued.push([ticket >> 1, len]);
      return accepted(ticket);
    },
    write(ticket, fd) {
      calls.push(ticket & 1 ? 'write+submit' : 'write');
      if (fd === 999) return -uvErrno.EBADF; // refused at once
      later.push([ticket >> 1, -uvErrno.EIO]); // fails later
      return accepted(ticket);
    },
    ftruncate() {
      calls.push('ftruncate');
      return -uvErrno.ENOSYS;
    },
    submit() {
      calls.push('submit');
      return drain();
    },
    /** Deliver the later completions the way a wake-up does. */
    wake() {
      later.splice(0).forEach(([t, r], i) => addon.completions.set([t, r], 2 * i));
      addon.onComplete(2);
    },
    shutdown: () => 0,
    calls,
  };
  return addon;
}

test('per-op fallback on -ENOSYS, raw refusals, completions routed by token', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-perop-'));
  try {
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, 'hello world');
    const addon = fakeAddon();
    const b = new NativeBackend(addon, new FallbackBackend());
    b.start({ queueDepth: 8, sqpoll: false, ioWorkers: 0 });
    const fd = fs.openSync(file, 'r+');
    assert.strictEqual(await b.ftruncate(fd, 5), 0);
    assert.strictEqual(fs.readFileSync(file, 'utf8'), 'hello');
    assert.deepStrictEqual(addon.calls, ['ftruncate']);
    assert.strictEqual(await b.write(999, Buffer.alloc(1), 0, 1, 0), -uvErrno.EBADF);
    addon.calls.length = 0;
    const bufs = [Buffer.alloc(3), Buffer.alloc(5), Buffer.alloc(7)];
    const reads = bufs.map((buf) => b.read(fd, buf, 0, buf.length, 0));
    const failing = [b.write(fd, Buffer.alloc(1), 0, 1, 0), b.write(fd, Buffer.alloc(1), 0, 1, 0)];
    assert.deepStrictEqual(await Promise.all(reads), [3, 5, 7]);
    // The batch's first op submits itself; the rest go in one submit() at the checkpoint.
    assert.deepStrictEqual(addon.calls, ['read+submit', 'read', 'read', 'write', 'write', 'submit']);
    assert.strictEqual(b.inFlightCount, 2);
    addon.wake();
    assert.deepStrictEqual(await Promise.all(failing), [-uvErrno.EIO, -uvErrno.EIO]);
    assert.strictEqual(b.inFlightCount, 0);
    fs.closeSync(fd);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('shutdown settles every pending op with -ECANCELED', async () => {
  const addon = fakeAddon();
  addon.submit = () => 0; // nothing ever completes
  addon.read = () => 0;
  const b = new NativeBackend(addon, new FallbackBackend());
  b.start({ queueDepth: 8, sqpoll: false, ioWorkers: 0 });
  const ops = [b.read(3, Buffer.alloc(1), 0, 1, 0), b.read(3, Buffer.alloc(1), 0, 1, 0)];
  b.shutdown();
  assert.deepStrictEqual(await Promise.all(ops), [-uvErrno.ECANCELED, -uvErrno.ECANCELED]);
  assert.strictEqual(b.inFlightCount, 0);
});

test('under IOCP an fd op the addon refuses with -ENOSYS is not handed to node:fs (its fds index the addon table)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-perop-'));
  try {
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, 'hello world');
    const addon = { ...fakeAddon(), backend: 'iocp' };
    addon.open = () => -uvErrno.ENOSYS;
    addon.statx = () => -uvErrno.ENOSYS;
    const b = new NativeBackend(addon, new FallbackBackend());
    b.start({ queueDepth: 8, sqpoll: false, ioWorkers: 0 });
    // An fd number node:fs knows: were it passed on, the file would be truncated.
    const fd = fs.openSync(file, 'r+');
    assert.strictEqual(await b.ftruncate(fd, 5), -uvErrno.ENOSYS);
    assert.strictEqual(await b.fstat(fd), -uvErrno.ENOSYS);
    assert.strictEqual(await b.open(file, fs.constants.O_RDONLY, 0), -uvErrno.ENOSYS, 'a node:fs fd would mean nothing to the addon');
    assert.strictEqual(fs.readFileSync(file, 'utf8'), 'hello world');
    assert.strictEqual((await b.stat(file)).size, 11, 'a path op may still fall back');
    fs.closeSync(fd);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
