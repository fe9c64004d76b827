'use strict';
// Covers: every backend (native and fallback passes), every platform; what: the fast paths of ayafileio/fs's promise readFile/writeFile/appendFile keep node:fs/promises' contract (adversarial pass).
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
