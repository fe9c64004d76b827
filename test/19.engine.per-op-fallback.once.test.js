'use strict';
// The JavaScript side of the native contract, against a scripted stand-in addon: an op the
// addon refuses with -ENOSYS (an opcode the kernel lacks) runs on the node:fs fallback for
// that op only; other refusals resolve as raw errnos; completions reach the right promises,
// whether they come back from submit() or later through onComplete.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const uvErrno = require('./helpers/uv-errno.js');
const path = require('node:path');
const { NativeBackend } = require('../dist/engine/native.js');
const { FallbackBackend } = require('../dist/engine/fallback.js');

/** A fake addon: submit() completes the queued reads inline; writes complete on wake(). */
function fakeAddon() {
  const calls = [];
  const queued = [];
  const later = [];
  const addon = {
    backend: 'io_uring',
    completions: null,
    onComplete: null,
    init(options, completions, onComplete) {
      addon.completions = completions;
      addon.onComplete = onComplete;
      return { entries: options.queueDepth, cqEntries: 2 * options.queueDepth, flags: [], features: [], ops: ['read'] };
    },
    info: () => null,
    read(token, fd, buf, off, len) {
      calls.push('read');
      buf.fill(0x61, off, off + len);
      queued.push([token, len]);
      return 0;
    },
    write(token, fd) {
      calls.push('write');
      return fd === 999 ? -uvErrno.EBADF : (later.push([token, -uvErrno.EIO]), 0); // EBADF at once, or EIO later
    },
    ftruncate() {
      calls.push('ftruncate');
      return -uvErrno.ENOSYS;
    },
    submit() {
      const n = queued.length;
      queued.splice(0).forEach(([t, r], i) => addon.completions.set([t, r], 2 * i));
      return n;
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
    const bufs = [Buffer.alloc(3), Buffer.alloc(5), Buffer.alloc(7)];
    const reads = bufs.map((buf) => b.read(fd, buf, 0, buf.length, 0));
    const failing = [b.write(fd, Buffer.alloc(1), 0, 1, 0), b.write(fd, Buffer.alloc(1), 0, 1, 0)];
    assert.deepStrictEqual(await Promise.all(reads), [3, 5, 7]);
    assert.strictEqual(b.pendingCount, 2);
    addon.wake();
    assert.deepStrictEqual(await Promise.all(failing), [-uvErrno.EIO, -uvErrno.EIO]);
    assert.strictEqual(b.pendingCount, 0);
    fs.closeSync(fd);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('shutdown settles every pending op with -ECANCELED', async () => {
  const addon = fakeAddon();
  addon.submit = () => 0; // nothing ever completes
  const b = new NativeBackend(addon, new FallbackBackend());
  b.start({ queueDepth: 8, sqpoll: false, ioWorkers: 0 });
  const ops = [b.read(3, Buffer.alloc(1), 0, 1, 0), b.read(3, Buffer.alloc(1), 0, 1, 0)];
  b.shutdown();
  assert.deepStrictEqual(await Promise.all(ops), [-uvErrno.ECANCELED, -uvErrno.ECANCELED]);
  assert.strictEqual(b.pendingCount, 0);
});
