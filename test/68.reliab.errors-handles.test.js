'use strict';
// Covers: every backend (native and fallback passes), every platform (the dropped-handles case not on Deno); what: argument errors under a program's own Error.prepareStackTrace, and many FileHandles dropped at once all reported and closed.
// Found by adversarial testing of the ERR_* error shape and the dropped-handle report.
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const aya = require('ayafileio/fs');

/** Run `body` with `prepare` as Error.prepareStackTrace, put back afterwards. */
async function withPrepareStackTrace(prepare, body) {
  const saved = Error.prepareStackTrace;
  Error.prepareStackTrace = prepare;
  try {
    await body();
  } finally {
    Error.prepareStackTrace = saved;
  }
}

test('a program\'s Error.prepareStackTrace formats an argument error when its stack is read, seeing the class\'s name', async () => {
  const seen = [];
  await withPrepareStackTrace((err) => {
    seen.push(err.name);
    return `custom ${err.name}`;
  }, async () => {
    const err = await aya.promises.readFile(1.5).then(() => null, (e) => e);
    assert.ok(err instanceof TypeError);
    assert.strictEqual(err.code, 'ERR_INVALID_ARG_TYPE');
    assert.deepStrictEqual(seen, [], 'not called before the stack is read (node:fs calls it lazily)');
    assert.strictEqual(err.stack, 'custom TypeError');
    assert.deepStrictEqual(seen, ['TypeError']);
  });
});

test('a throwing Error.prepareStackTrace does not replace the argument error', async () => {
  await withPrepareStackTrace(() => {
    throw new Error('formatter failed');
  }, async () => {
    await assert.rejects(aya.promises.readFile(1.5), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => aya.read(1, Buffer.alloc(1), 0, 5, 0, () => {}), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  });
});

const dropSkip = globalThis.Deno !== undefined ? 'Deno: the child needs deno\'s own command line and gc flag' : false;

test('FileHandles dropped together are all reported and all their fds closed, in one collection', { skip: dropSkip }, () => {
  const { spawnSync } = require('node:child_process');
  // A child drops 20 handles, collects them once, and lets the loop turn a bounded number of
  // times: every one must have been reported (warning before Node 25, uncaught error from 25
  // on, caught here) and its fd closed. Bun stops a collection's callbacks at the first that
  // throws, so an error thrown from the callback itself left 19 fds open.
  const child = `
    const fs = require('node:fs');
    const fsp = require(process.argv[1]);
    const N = 20;
    let reported = 0;
    process.on('warning', (w) => { if (/^Closing file descriptor/.test(w.message)) reported++; });
    process.on('uncaughtException', (e) => { if (e.code === 'ERR_INVALID_STATE') reported++; else throw e; });
    // Still open on the file (the runtime may reuse a closed number for something else).
    const file = fs.statSync(process.argv[2]);
    const isOpen = (fd) => { try { return fs.fstatSync(fd).ino === file.ino; } catch { return false; } };
    (async () => {
      const fds = [];
      for (let i = 0; i < N; i++) fds.push((await fsp.open(process.argv[2], 'r')).fd);
      await new Promise((r) => setImmediate(r));
      if (globalThis.Bun) Bun.gc(true); else globalThis.gc();
      for (let turn = 0; turn < 50 && (reported < N || fds.some(isOpen)); turn++) await new Promise((r) => setImmediate(r));
      console.log(JSON.stringify({ reported, open: fds.filter(isOpen).length }));
    })();
  `;
  const args = process.versions.bun === undefined ? ['--expose-gc'] : [];
  const r = spawnSync(process.execPath, [...args, '-e', child, require.resolve('ayafileio/fs'), 'package.json'], { cwd: path.join(__dirname, '..'), encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  assert.deepStrictEqual(JSON.parse(r.stdout.trim().split('\n').pop()), { reported: 20, open: 0 });
});
