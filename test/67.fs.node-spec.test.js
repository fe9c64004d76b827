'use strict';
// Covers: every backend (native and fallback passes), every platform; what: behaviours Node's own
// test/parallel/test-fs-promises-*.js files check that ayafileio/fs once did differently.
// Found by running Node's fs/promises tests against ayafileio/fs (docs/compatibility.md, "Node's
// own fs/promises tests"). Each case runs the same scenario on node:fs/promises and on
// ayafileio/fs and asserts the outcome Node gives, on both.
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const aya = require('ayafileio/fs');
const twins = require('./_lib/fs-twins.js');

const same = (call, options) => twins.same(aya, call, options);
const BIG = 'twelve bytes'.repeat(1000);

/** `call(fsModule, dir)` must reject with Node's AbortError on both modules. */
async function abortsOnBoth(call, files) {
  for (const [name, f] of [['node:fs/promises', require('node:fs/promises')], ['ayafileio/fs', aya]]) {
    const [dir] = twins.twinDirs(files);
    await assert.rejects(call(f, dir), { name: 'AbortError', code: 'ABORT_ERR' }, name);
  }
  await same(call, { files });
}

/** An AbortController whose abort() runs in a setImmediate callback queued now. */
function abortOnImmediate() {
  const ac = new AbortController();
  setImmediate(() => ac.abort());
  return ac.signal;
}

test('readFile with a signal aborted by a setImmediate queued before the call rejects AbortError', async () => {
  const files = { f: BIG };
  await abortsOnBoth(async (f, d) => {
    const h = await f.open(path.join(d, 'f'), 'r');
    try {
      const signal = abortOnImmediate();
      return await h.readFile({ signal, encoding: 'utf8' });
    } finally {
      await h.close();
    }
  }, files);
  await abortsOnBoth((f, d) => {
    const signal = abortOnImmediate();
    return f.readFile(path.join(d, 'f'), { signal });
  }, files);
});
