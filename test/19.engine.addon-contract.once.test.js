'use strict';
// Covers: the io_uring addon directly (native pass only), Linux; what: the native binding contract: tokens, raw results, cancel, refusals, info(), shutdown().
// The native addon against its contract directly (docs/architecture.md): tokens echoed back,
// results raw, cancel of an in-flight op, refusals at once, info() and shutdown().
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { loadBinding } = require('./_lib/internals.js').binding;

const E = os.constants.errno;
const loaded = process.platform === 'linux' ? loadBinding() : { addon: null, reason: 'io_uring addon is Linux-only' };
// The details checked (ring sizes, one op cancelled, inline completion of a cached read) are io_uring's.
const skip = !loaded.addon ? loaded.reason : loaded.addon.backend !== 'io_uring' ? `covers io_uring; the addon is ${loaded.addon.backend}` : false;

/** The ticket of an op that only queues (token << 1), and of one that also submits. */
const queue = (token) => token << 1;
const submitting = (token) => (token << 1) | 1;

/** Drive the addon: init, then collect completions from submit() and onComplete by token. */
function harness(addon) {
  const completions = new Int32Array(64);
  const results = new Map();
  const waiters = new Map();
  const take = (n) => {
    for (let i = 0; i < n; i++) {
      const [t, r] = [completions[2 * i], completions[2 * i + 1]];
      results.set(t, r);
      waiters.get(t)?.(r);
    }
  };
  const info = addon.init({ queueDepth: 4, sqpoll: false, ioWorkers: 0 }, completions, take);
  const result = (t) => (results.has(t) ? Promise.resolve(results.get(t)) : new Promise((r) => waiters.set(t, r)));
  return { info, take, submit: () => take(addon.submit()), result, completions };
}

test('addon: ops echo tokens, cancelFd ends in-flight reads, refusals are immediate', { skip }, async () => {
  const { addon } = loaded;
  const h = harness(addon);
  assert.strictEqual(typeof h.info, 'object', `init failed: ${h.info}`);
  assert.strictEqual(h.info.entries, 4);
  assert.deepStrictEqual(addon.info(), h.info);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-addon-'));
  try {
    const fifo = path.join(dir, 'fifo');
    assert.strictEqual(spawnSync('mkfifo', [fifo]).status, 0);
    assert.strictEqual(addon.open(queue(7), Buffer.from(fifo + '\0'), fs.constants.O_RDWR, 0), 0);
    h.submit();
    const fd = await h.result(7);
    assert.ok(fd >= 0);
    const buf = Buffer.alloc(16);
    // cancelFd: every op in flight on the fd ends ECANCELED; the cancel reports how many.
    assert.strictEqual(addon.read(queue(12), fd, buf, 0, 8, -1), 0);
    assert.strictEqual(addon.read(queue(13), fd, buf, 8, 8, -1), 0);
    h.submit();
    assert.strictEqual(addon.cancelFd(queue(14), fd), 0);
    h.submit();
    assert.deepStrictEqual([await h.result(12), await h.result(13), await h.result(14)], [-E.ECANCELED, -E.ECANCELED, 2]);
    assert.strictEqual(addon.cancelFd(queue(15), fd), 0);
    h.submit();
    assert.strictEqual(await h.result(15), 0);
    // submitNow: the op call submits everything queued; a cached read completes inline and
    // its pair is in the array when the call returns.
    const file = path.join(dir, 'plain');
    fs.writeFileSync(file, 'cached bytes');
    const plainFd = fs.openSync(file, 'r');
    assert.strictEqual(addon.read(submitting(16), plainFd, buf, 0, 6, 0), 1);
    assert.deepStrictEqual([h.completions[0], h.completions[1]], [16, 6]);
    assert.strictEqual(buf.toString('utf8', 0, 6), 'cached');
    assert.strictEqual(addon.read(queue(17), plainFd, buf, 0, 5, 7), 0, 'without submitNow: only queued');
    assert.strictEqual(addon.read(submitting(18), plainFd, buf, 6, 6, 0), 2, 'submits the queued op too');
    h.take(2);
    assert.deepStrictEqual([await h.result(17), await h.result(18)], [5, 6]);
    fs.closeSync(plainFd);
    assert.strictEqual(addon.contractVersion, 3);
    // Refused at once: a path without its NUL, a range outside the buffer.
    assert.strictEqual(addon.open(queue(8), Buffer.from('x'), 0, 0), -E.EINVAL);
    assert.strictEqual(addon.read(queue(9), fd, buf, 10, 7, 0), -E.EINVAL);
    assert.strictEqual(addon.close(queue(10), fd), 0);
    h.submit();
    assert.strictEqual(await h.result(10), 0);
    const own = addon.ownFds();
    assert.strictEqual(own.length, 2, 'eventfd and ring');
    for (const n of own) assert.match(fs.readlinkSync(`/proc/self/fd/${n}`), /^anon_inode:\[?(eventfd|io_uring)\]?$/);
    assert.strictEqual(addon.shutdown(), 0);
    assert.strictEqual(addon.info(), null);
    assert.deepStrictEqual(addon.ownFds(), [own[0]], 'the eventfd stays; the ring is gone');
    assert.strictEqual(addon.read(queue(11), 0, buf, 0, 1, 0), -E.ENOSYS);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
