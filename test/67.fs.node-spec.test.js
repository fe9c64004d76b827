'use strict';
// Covers: every backend (native and fallback passes), every platform (the dropped-handle case not on Bun or Deno); what: behaviours Node's own test-fs-promises*.js files check that ayafileio/fs once did differently.
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

test('FileHandle readFile with a signal aborted by a setImmediate queued before the call rejects AbortError', async () => {
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
});

test('a FileHandle method called on something that is not a handle rejects ERR_INTERNAL_ASSERTION', async () => {
  const methods = [
    ['stat'], ['read', Buffer.alloc(4)], ['write', Buffer.from('x')], ['readv', [Buffer.alloc(4)]],
    ['writev', [Buffer.from('x')]], ['readFile'], ['writeFile', 'x'], ['appendFile', 'x'], ['truncate', 0],
    ['sync'], ['datasync'], ['chmod', 0o644], ['chown', 0, 0], ['utimes', 0, 0],
  ];
  for (const [name, ...args] of methods) {
    for (const f of [require('node:fs/promises'), aya]) {
      const [dir] = twins.twinDirs({ f: 'data' });
      const h = await f.open(path.join(dir, 'f'), 'r+');
      try {
        let settled;
        assert.doesNotThrow(() => { settled = h[name].call({}, ...args); }, `${name} throws instead of rejecting`);
        await assert.rejects(settled, (err) => {
          assert.strictEqual(err.code, 'ERR_INTERNAL_ASSERTION', name);
          assert.strictEqual(err.message.split('\n')[0], 'handle must be an instance of FileHandle', name);
          return true;
        });
      } finally {
        await h.close();
      }
    }
  }
});

test('Symbol.asyncDispose called on something that is not a handle rejects rather than throws', async () => {
  for (const f of [require('node:fs/promises'), aya]) {
    const h = await f.open(__filename, 'r');
    try {
      let settled;
      assert.doesNotThrow(() => { settled = h[Symbol.asyncDispose].call({}); });
      await assert.rejects(settled, TypeError);
    } finally {
      await h.close();
    }
  }
});

test('argument errors read "TypeError [ERR_…]: message" in String(err) and the stack, as node:fs\'s do', async () => {
  const calls = [
    (f, d) => f.readFile(1.5),
    (f, d) => f.writeFile(path.join(d, 'f'), 42),
    (f, d) => f.mkdir(path.join(d, 'x'), { recursive: 1 }),
    (f, d) => f.open(path.join(d, 'f'), 'r+').then((h) => h.truncate(-1.5).finally(() => h.close())),
  ];
  for (const call of calls) {
    const shapes = [];
    for (const f of [require('node:fs/promises'), aya]) {
      const [dir] = twins.twinDirs({ f: 'data' });
      const err = await call(f, dir).then(() => assert.fail(`${call} resolved`), (e) => e);
      assert.match(String(err), /^(Type|Range)Error \[ERR_[A-Z_]+\]: /, `${call}`);
      shapes.push({ string: String(err), stackTop: err.stack.split('\n')[0], name: err.name, keys: Object.keys(err) });
    }
    assert.deepStrictEqual(shapes[1], shapes[0], `${call}`);
  }
});

const gcChildSkip = process.versions.bun !== undefined ? 'Bun has no --expose-gc for the child'
  : globalThis.Deno !== undefined ? 'Deno\'s own FileHandle reports nothing when collected: nothing to compare'
    : false;

test('a FileHandle dropped without close() is reported as the running Node reports its own', { skip: gcChildSkip }, () => {
  const { spawnSync } = require('node:child_process');
  // A child opens a file, drops the handle and collects it; it prints what it was told:
  // warnings (Node < 25: DEP0137) or the uncaught error (Node 25 on: ERR_INVALID_STATE).
  const child = `
    const fsp = require(process.argv[1]);
    const seen = [];
    const scrub = (m) => m.replace(/descriptor:? \\d+/g, 'descriptor N');
    process.on('warning', (w) => seen.push(['warning', w.name, w.code, scrub(w.message)]));
    process.on('uncaughtException', (e) => seen.push(['uncaught', e.name, e.code, scrub(e.message)]));
    (async () => { await fsp.open(process.argv[2], 'r'); })();
    setTimeout(() => globalThis.gc(), 20);
    setTimeout(() => console.log(JSON.stringify(seen)), 300);
  `;
  const run = (mod) => {
    const r = spawnSync(process.execPath, ['--expose-gc', '-e', child, mod, 'package.json'], { cwd: path.join(__dirname, '..'), encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const want = run('node:fs/promises');
  assert.ok(want.length > 0, 'node:fs/promises reported the dropped handle');
  assert.deepStrictEqual(run(require.resolve('ayafileio/fs')), want);
});
