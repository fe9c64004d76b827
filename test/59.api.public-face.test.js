'use strict';
// Covers: every backend (native and fallback passes), every platform; what: AsyncFile shows only its public face.
// The object shows only its public face (issue 12, item 3): AsyncFile's state lives in private
// fields, util.inspect() prints `AsyncFile { name, mode, closed, position }`, JSON.stringify()
// gives name and mode, and no public name differs from another only in case (node:fs users
// calling readLines() get a TypeError, not an internal method's silent []).
const test = require('node:test');
const assert = require('node:assert');
const { inspect } = require('node:util');
const { open, wrapFd } = require('../dist/index.js');
const { tmpPath } = require('./_lib/file-helpers.js');

test('util.inspect and JSON.stringify show the public face only', async () => {
  const f = await open(tmpPath('face.txt'), 'w+');
  await f.write('abc');
  const shown = inspect(f);
  assert.strictEqual(shown, `AsyncFile ${inspect({ name: f.name, mode: 'w+', closed: false, position: 3 })}`);
  assert.deepStrictEqual(JSON.parse(JSON.stringify(f)), { name: f.name, mode: 'w+' });
  await f.close();
  assert.match(inspect(f), /closed: true/);
  const g = await open(tmpPath('face.bin'), 'ab');
  await g.write(Buffer.from('x'));
  assert.match(inspect(g), /position: null/, 'after an append the end is not known yet');
  await g.close();
});

test('no internals are reachable and no public name differs from another only in case', async () => {
  const f = await open(tmpPath('names.txt'), 'w+');
  await f.write('one\ntwo\n');
  await f.seek(0);
  assert.strictEqual(f.readLines, undefined);
  assert.strictEqual(f.readLine, undefined);
  for (const internal of ['io', 'backend', 'text', 'pending', 'enqueue', 'shutdown', 'record']) {
    assert.ok(!(internal in f), `${internal} is not reachable`);
  }
  const names = new Set();
  for (let o = f; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) for (const k of Object.getOwnPropertyNames(o)) names.add(k);
  const lower = new Map();
  for (const k of names) {
    const other = lower.get(k.toLowerCase());
    assert.ok(other === undefined || other === k, `${k} and ${other} differ only in case`);
    lower.set(k.toLowerCase(), k);
  }
  assert.deepStrictEqual(await f.readlines(), ['one\n', 'two\n']);
  await f.close();
  const w = await wrapFd(1, 'w', { ownsFd: false });
  assert.match(inspect(w), /^AsyncFile \{ name: 1, mode: 'w'/);
  await w.close();
});
