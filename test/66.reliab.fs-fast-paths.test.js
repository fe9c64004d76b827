'use strict';
// Covers: every backend (native, waiter-thread and fallback passes), every platform; what: the fast paths of ayafileio/fs's promise readFile/writeFile/appendFile keep node:fs/promises' contract (adversarial pass).
// Found by an adversarial pass over the fast paths of the whole-file calls (no async wrapper,
// slots taken synchronously): each case is a call that once broke node:fs/promises' contract.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const nodeFsp = require('node:fs/promises');
const aya = require('ayafileio/fs');
const { tmpDir, noSyncThrow } = require('./_lib/reliab-util.js');

/** How a promise settled: 'ok', or the rejection's code (its message when it has none). */
const outcome = (p) => p.then(() => 'ok', (e) => e.code ?? e.message);

test('a path whose properties throw when read rejects, as node:fs/promises does, never throws synchronously', async (t) => {
  const file = path.join(tmpDir(t), 'f');
  fs.writeFileSync(file, 'x');
  const trap = () => {
    throw new Error('trap');
  };
  const paths = [
    new Proxy({}, { get: trap }), // node:fs/promises reads href/protocol of it (isURL): 'trap'
    { get fd() { return trap(); } }, // not a handle and not a path: ERR_INVALID_ARG_TYPE
  ];
  for (const p of paths) {
    for (const name of ['readFile', 'writeFile', 'appendFile']) {
      const args = name === 'readFile' ? [p] : [p, 'data'];
      const got = await outcome(noSyncThrow(() => aya.promises[name](...args)));
      assert.strictEqual(got, await outcome(nodeFsp[name](...args)), name);
    }
    // node:fs/promises checks the data before the path.
    assert.strictEqual(await outcome(noSyncThrow(() => aya.promises.writeFile(p))), 'ERR_INVALID_ARG_TYPE');
  }
  assert.strictEqual(fs.readFileSync(file, 'utf8'), 'x');
});

test('writeFile/appendFile aborted on the tick of the call leave the file alone, also after they rejected', async (t) => {
  // The slot is taken in the call itself, so the open could start there: an abort raced it and
  // rejected at once while an O_TRUNC open went on, emptying the file after the rejection (a
  // write the program made meanwhile was lost). Such an abort must stop the call before it opens.
  const dir = tmpDir(t);
  const later = [(f) => queueMicrotask(f), (f) => process.nextTick(f)];
  for (let i = 0; i < 40; i++) {
    for (const name of ['writeFile', 'appendFile']) {
      const file = path.join(dir, `f${i}`);
      const fresh = path.join(dir, `new-${name}-${i}`);
      fs.writeFileSync(file, 'original');
      const ac = new AbortController();
      const calls = [aya.promises[name](file, 'new', { signal: ac.signal }), aya.promises[name](fresh, 'new', { signal: ac.signal })];
      later[i % 2](() => ac.abort());
      for (const call of calls) assert.strictEqual(await outcome(call), 'ABORT_ERR', name);
      assert.strictEqual(fs.readFileSync(file, 'utf8'), 'original', `${name}: the file was truncated`);
      assert.strictEqual(fs.existsSync(fresh), false, `${name}: the file was created`);
    }
  }
});
