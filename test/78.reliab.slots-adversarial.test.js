'use strict';
// Covers: every backend (native, waiter-thread and fallback passes), Linux (FIFOs, /proc); what: the whole-file helpers' open-file slots (handlePoolMaxTotal / handlePoolMaxPerKey) under the cases an adversarial pass on them found.
// A FIFO without a partner holds its slot for as long as we like: its open waits for a writer.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const url = require('node:url');
const { execFileSync } = require('node:child_process');
const aya = require('../dist/index.js');
const ayafs = require('ayafileio/fs');
const { slotStats } = require('./_lib/internals.js').openLimit;
const { tmpDir, runNode, lastJson, assertChildOk } = require('./_lib/reliab-util.js');

const skip = process.platform !== 'linux' ? 'FIFOs (mkfifo) and /proc/self/fd: Linux' : false;

function makeFifo(t) {
  const fifo = path.join(tmpDir(t, 'aya-slots-'), 'fifo');
  execFileSync('mkfifo', [fifo]);
  return fifo;
}

/** Give every reader of `fifo` its writer (each open sees EOF at once) until `calls` have all settled. */
async function feedUntilSettled(fifo, calls) {
  let settled = false;
  const all = Promise.allSettled(calls).finally(() => (settled = true));
  while (!settled) {
    try {
      fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
    } catch (err) {
      if (err.code !== 'ENXIO') throw err; // ENXIO: no reader has the FIFO open yet
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return all;
}

test('the same file named as a string, a Buffer, a file: URL and relative paths shares one per-path cap', { skip }, async (t) => {
  // A Buffer path was keyed by its bytes ('buffer:…'), so it took a second slot on a path
  // already at handlePoolMaxPerKey: 1, and two opens of the one file ran at once.
  aya.configure({ handlePoolMaxPerKey: 1 });
  t.after(() => aya.resetConfig());
  const fifo = makeFifo(t);
  const rel = path.relative(process.cwd(), fifo);
  const names = [fifo, Buffer.from(fifo), url.pathToFileURL(fifo), rel, `./${rel}`, Buffer.from(rel)];
  const calls = [];
  for (const name of names) calls.push(aya.readFile(name), ayafs.promises.readFile(name));
  await new Promise((resolve) => setImmediate(resolve));
  const whileHeld = slotStats();
  const results = await feedUntilSettled(fifo, calls); // first: a failed assertion must leave no open waiting
  assert.deepStrictEqual(whileHeld, { open: 1, waiting: calls.length - 1 });
  for (const r of results) assert.strictEqual(r.status, 'fulfilled', String(r.reason));
  assert.deepStrictEqual(slotStats(), { open: 0, waiting: 0 });
});

test('a call aborted while it waits for a slot leaves the queue: a path whose slot never frees keeps none of them', { skip }, async (t) => {
  // An aborted waiter stayed queued until a slot came, with its signal, its AbortError and
  // the promise reactions around them: a retry loop against a stuck path (a FIFO without a
  // partner, a hung network file) with a timeout per call grew the heap by ~3 KB per call.
  const fifo = makeFifo(t);
  const code = `
    const aya = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'index.js'))});
    const ayafs = require('ayafileio/fs');
    const { slotStats } = require(${JSON.stringify(path.join(__dirname, '_lib', 'internals.js'))}).openLimit;
    const fifo = process.argv[1];
    aya.configure({ handlePoolMaxPerKey: 1 });
    const holder = new AbortController();
    const held = aya.readFile(fifo, { signal: holder.signal }).catch((e) => e.name);
    (async () => {
      const refs = [];
      for (let i = 0; i < 3000; i++) {
        const ac = new AbortController();
        const call = (i % 2 ? aya.readFile : ayafs.promises.readFile)(fifo, { signal: ac.signal });
        refs.push(new WeakRef(ac.signal));
        ac.abort();
        const err = await call.then(() => null, (e) => e);
        if (err?.name !== 'AbortError') throw new Error('not an AbortError: ' + err);
      }
      for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise((r) => setImmediate(r)); }
      const alive = refs.filter((r) => r.deref() !== undefined).length;
      const stats = slotStats();
      holder.abort();
      // the fallback cannot cancel the holder's open in the thread pool: give it its writer
      const fs = require('node:fs');
      let name;
      held.then((n) => (name = n));
      while (name === undefined) {
        try { fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK)); } catch {}
        await new Promise((r) => setImmediate(r));
      }
      aya.configure({ handlePoolMaxTotal: 1 });
      const path = require('node:path');
      const after = path.join(path.dirname(fifo), 'after');
      await aya.writeFile(after, 'through');
      console.log(JSON.stringify({ alive, stats, holder: name, after: await aya.readFile(after, 'utf8'), end: slotStats() }));
    })();`;
  const r = await runNode(code, { nodeArgs: ['--expose-gc'], argv: [fifo], killAfterMs: 60_000 });
  assertChildOk(r);
  const out = lastJson(r.stdout);
  assert.deepStrictEqual(out.stats, { open: 1, waiting: 0 });
  assert.ok(out.alive < 100, `${out.alive} of 3000 aborted callers' signals still held`);
  assert.strictEqual(out.holder, 'AbortError');
  assert.strictEqual(out.after, 'through');
  assert.deepStrictEqual(out.end, { open: 0, waiting: 0 });
});

test('one signal given to many calls at once: one abort listener on it, none left after, and its abort still stops every call', { skip }, async (t) => {
  // Each call in flight added its own 'abort' listener (the open, the slot wait, the body),
  // so 11 calls sharing `AbortSignal.timeout()` made Node print MaxListenersExceededWarning,
  // which node:fs's own calls, adding none, never cause.
  const { getEventListeners } = require('node:events');
  aya.configure({ handlePoolMaxPerKey: 2 });
  t.after(() => aya.resetConfig());
  const dir = tmpDir(t, 'aya-slots-');
  const warnings = [];
  const onWarning = (w) => warnings.push(w.name);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  const files = Array.from({ length: 4 }, (_, i) => path.join(dir, `f${i}`));
  for (const f of files) fs.writeFileSync(f, 'old');
  const kept = new AbortController(); // never aborts
  let most = 0;
  const calls = [];
  for (let i = 0; i < 60; i++) {
    const f = files[i % files.length];
    const opts = { signal: kept.signal };
    const api = i % 2 ? aya : ayafs.promises;
    const call = [() => api.readFile(f, opts), () => api.writeFile(f, 'new', opts), () => api.appendFile(f, '+', opts)][i % 3];
    calls.push(call());
    most = Math.max(most, getEventListeners(kept.signal, 'abort').length);
  }
  const settled = await Promise.allSettled(calls);
  for (const r of settled) assert.strictEqual(r.status, 'fulfilled', String(r.reason));
  assert.ok(most <= 1, `${most} abort listeners on the shared signal`);
  assert.strictEqual(getEventListeners(kept.signal, 'abort').length, 0, 'a listener left on a signal that never aborted');

  // A signal aborted while its calls are opening (2) or waiting for a slot (10): every call
  // rejects AbortError (regular files: node:fs's thread pool cannot cancel a FIFO's open).
  const ac = new AbortController();
  const stopped = Array.from({ length: 12 }, (_, i) => (i % 2 ? aya : ayafs.promises).readFile(files[0], { signal: ac.signal }));
  const listeners = getEventListeners(ac.signal, 'abort').length;
  ac.abort();
  for (const r of await Promise.allSettled(stopped)) assert.strictEqual(r.status === 'rejected' && r.reason.name, 'AbortError');
  assert.ok(listeners <= 1, `${listeners} abort listeners while 12 calls were in flight`);
  assert.deepStrictEqual(warnings.filter((n) => n === 'MaxListenersExceededWarning'), []);
  assert.deepStrictEqual(slotStats(), { open: 0, waiting: 0 });
});
