'use strict';
// Covers: io_uring's two wake-ups (native pass only; its children set AYAFILEIO_WAKEUP), Linux on Node; what: how completions reach JavaScript.
// How completions reach JavaScript (docs/architecture.md, "Completion delivery"): on Node the
// eventfd is watched on libuv's loop; AYAFILEIO_WAKEUP=thread (and every host without libuv:
// Bun, Deno) gets the waiter thread. Both give the same results; the suite's waiter-thread
// pass (scripts/run-tests.js) runs the engine and reliability tests that way.
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const index = path.join(__dirname, '..', 'dist', 'index.js');
const root = JSON.stringify(index);
const ioUring = require(index).getBackendInfo().backend === 'io_uring';
const onNode = !process.versions.bun && !process.versions.deno;
const skip = !ioUring ? 'io_uring only (the IOCP and Dispatch I/O addons always hand over through their threadsafe function)' : !onNode ? 'Node only (other hosts have no libuv loop)' : false;

/** getBackendInfo().ring.wakeup and a large read's check, in a child with `env`. */
function wakeupIn(env) {
  const code = `
    const { open, getBackendInfo } = require(${root});
    (async () => {
      const f = await open(process.execPath, 'rb');
      const whole = require('node:fs').readFileSync(process.execPath);
      const reads = [0, 1, 2, 3].map((i) => f.readAt(i * 4096, 512 * 1024));
      const same = (await Promise.all(reads)).every((b, i) => b.equals(whole.subarray(i * 4096, i * 4096 + 512 * 1024)));
      await f.close();
      const info = getBackendInfo();
      process.stdout.write(JSON.stringify({ backend: info.backend, wakeup: info.ring && info.ring.wakeup, same }));
    })();`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 60000, env: { ...process.env, ...env } });
  assert.strictEqual(r.signal, null, 'killed by the timeout: the process did not exit');
  assert.strictEqual(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('Node watches the eventfd on its libuv loop', { skip }, () => {
  const env = { AYAFILEIO_WAKEUP: '' };
  assert.deepStrictEqual(wakeupIn(env), { backend: 'io_uring', wakeup: 'uv_poll', same: true });
});

test('AYAFILEIO_WAKEUP=thread gives the waiter thread, with the same results', { skip }, () => {
  assert.deepStrictEqual(wakeupIn({ AYAFILEIO_WAKEUP: 'thread' }), { backend: 'io_uring', wakeup: 'thread', same: true });
});
