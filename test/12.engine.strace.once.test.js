'use strict';
// Covers: io_uring (native pass only), Linux with strace; what: reads are io_uring_enter calls (no pread, no thread), no eventfd self-signal per op.
// Under strace -f (scripts/strace-check.js does the work): 10,000 reads through the engine are
// io_uring_enter calls, no pread64/read on the file from any thread, no thread created; and
// ops the kernel finishes later (write + fdatasync, in io-wq) cost no self-signal each.
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { getBackendInfo } = require('../dist/index.js');

const hasStrace = !spawnSync('strace', ['-V']).error;
const native = process.platform === 'linux' && getBackendInfo().backend === 'io_uring';

const info = getBackendInfo();
const skip = process.platform !== 'linux' ? 'strace and io_uring are Linux-only' : !hasStrace ? 'strace is not installed'
  : !native ? `covers io_uring; the backend is ${info.backend}${info.reason ? ` (${info.reason})` : ''}` : false;

function straceCheck(...args) {
  const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'strace-check.js'), ...args], {
    encoding: 'utf8',
  });
  return { r, report: JSON.parse(r.stdout.trim().split('\n').pop()) };
}

test('strace: 10,000 reads go through io_uring_enter, no pread and no new thread', { skip }, () => {
  const { r, report } = straceCheck('10000');
  assert.strictEqual(report.preadCalls, 0, 'pread calls');
  assert.strictEqual(report.readsOnFile, 0, 'read() on the file');
  assert.strictEqual(report.threadsCreated, 0, 'threads created');
  assert.ok(report.ioUringEnter > 0 && report.ioUringEnter <= 10000, `io_uring_enter calls: ${report.ioUringEnter}`);
  assert.strictEqual(r.status, 0);
});

test('strace: 300 write + fdatasync pairs, one at a time: no eventfd self-signal per op', { skip }, () => {
  // Both ops finish in io-wq after the submit that sent them. The engine used to signal its
  // own eventfd after every such submit (601 signals and 620 loop wake-ups for 300 pairs);
  // it now collects what finished while its eventfd was muted with one enter instead.
  const { r, report } = straceCheck('syncs', '300');
  assert.strictEqual(r.status, 0, JSON.stringify(report));
  // (Wake-ups are not asserted: how many ops finish before the catch-up enter is the disk's.)
  assert.ok(report.selfSignals <= 30, `eventfd self-signals: ${report.selfSignals} for 300 pairs (${report.loopWakeups} wake-ups)`);
});
