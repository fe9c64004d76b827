'use strict';
// Under strace -f, 10,000 reads through the engine are io_uring_enter calls: no pread64/read
// on the file from any thread, and no thread created (scripts/strace-check.js does the work).
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { getBackendInfo } = require('../dist/engine/index.js');

const hasStrace = !spawnSync('strace', ['-V']).error;
const native = process.platform === 'linux' && getBackendInfo().backend === 'io_uring';

test('strace: 10,000 reads go through io_uring_enter, no pread and no new thread', {
  skip: process.platform !== 'linux' ? 'strace and io_uring are Linux-only' : !hasStrace ? 'strace is not installed' : !native ? `io_uring unavailable: ${getBackendInfo().reason}` : false,
}, () => {
  const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'strace-check.js'), '10000'], {
    encoding: 'utf8',
  });
  const report = JSON.parse(r.stdout.trim().split('\n').pop());
  assert.strictEqual(report.preadCalls, 0, 'pread calls');
  assert.strictEqual(report.readsOnFile, 0, 'read() on the file');
  assert.strictEqual(report.threadsCreated, 0, 'threads created');
  assert.ok(report.ioUringEnter > 0 && report.ioUringEnter <= 10000, `io_uring_enter calls: ${report.ioUringEnter}`);
  assert.strictEqual(r.status, 0);
});
