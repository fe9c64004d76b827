'use strict';
// Covers: every backend (native, waiter-thread and fallback passes), every platform (the child-process cases not on Deno); what: argument errors under a program's own Error.prepareStackTrace, ERR_* errors of the class Node uses for the code, and many FileHandles dropped at once all reported and closed.
// Found by adversarial testing of the ERR_* error shape and the dropped-handle report.
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const aya = require('ayafileio/fs');
const ayafileio = require('ayafileio');
const { tmpPath } = require('./_lib/file-helpers.js');

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
    assert.throws(() => ayafileio.configure({ bufferSize: 0 }), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  });
});

/** `fn()`'s throw as a program sees it: its class, how it prints and its stack's first line, its code. */
function thrownShape(fn) {
  try {
    fn();
  } catch (err) {
    return { ctor: err.constructor.name, isTypeError: err instanceof TypeError, string: String(err), code: err.code, stackTop: err.stack.split('\n')[0] };
  }
  assert.fail('did not throw');
}

// What node:fs's FileHandle throws (Node 22 and 26; not compared live: Node 20's own FileHandle
// aborts the process on close() after readableWebStream()).
test('readableWebStream() on a locked or closed FileHandle throws an Error ERR_INVALID_STATE, as node:fs\'s (not a TypeError)', async () => {
  const want = (what) => ({
    ctor: 'Error', isTypeError: false, code: 'ERR_INVALID_STATE',
    string: `Error [ERR_INVALID_STATE]: Invalid state: The FileHandle is ${what}`,
    stackTop: `Error [ERR_INVALID_STATE]: Invalid state: The FileHandle is ${what}`,
  });
  const fh = await aya.promises.open(__filename, 'r');
  const reader = fh.readableWebStream().getReader();
  assert.deepStrictEqual(thrownShape(() => fh.readableWebStream()), want('locked'));
  await reader.cancel();
  await fh.close();
  assert.deepStrictEqual(thrownShape(() => fh.readableWebStream()), want('closed'));
});

test('AsyncFile.createReadStream() with start after end throws a RangeError ERR_OUT_OF_RANGE, as fs.createReadStream', async () => {
  const p = tmpPath();
  require('node:fs').writeFileSync(p, 'abcdef');
  const f = await ayafileio.open(p, 'rb');
  try {
    assert.throws(() => f.createReadStream({ start: 5, end: 2 }), (err) => {
      assert.ok(err instanceof RangeError);
      assert.strictEqual(String(err), 'RangeError [ERR_OUT_OF_RANGE]: The value of "options.start" is out of range. It must be <= "options.end" (here: 2). Received 5');
      return true;
    });
  } finally {
    await f.close();
  }
});

test('an OS error\'s stack is taken once, from the caller, under the program\'s Error.stackTraceLimit, which is left as it was', async () => {
  const saved = Error.stackTraceLimit;
  const missing = path.join(tmpPath(), 'missing');
  try {
    for (const limit of [0, 1, 3, 40]) {
      Error.stackTraceLimit = limit;
      const frames = [];
      await withPrepareStackTrace((err, callSites) => {
        frames.push(...callSites.map((c) => c.getFunctionName()));
        return 'formatted';
      }, async () => {
        const err = await aya.promises.stat(missing).then(() => null, (e) => e);
        assert.strictEqual(Error.stackTraceLimit, limit, 'the limit is the program\'s again');
        assert.strictEqual(err.code, 'ENOENT');
        assert.strictEqual(err.stack, 'formatted');
      });
      assert.ok(frames.length <= limit, `${frames.length} frames under a limit of ${limit}`);
      if (limit > 0) assert.ok(frames.length > 0, 'the caller\'s frames are there');
      // The library's error builders are not on it (captureStackTrace starts at the caller).
      for (const name of frames) assert.ok(!/Error$|Exception$/.test(name ?? ''), `no builder frame: ${frames}`);
    }
  } finally {
    Error.stackTraceLimit = saved;
  }
});

const childSkip = globalThis.Deno !== undefined ? 'Deno: a child needs deno\'s own command line (and gc flag)' : false;

test('a throwing Error.prepareStackTrace installed before ayafileio loads does not replace its argument errors', { skip: childSkip }, () => {
  const { spawnSync } = require('node:child_process');
  const child = `
    Error.prepareStackTrace = () => { throw new Error('formatter failed'); };
    const ayafileio = require(process.argv[1]);
    try { ayafileio.configure({ bufferSize: 0 }); } catch (err) { console.log(err.name, err.code); }
  `;
  const r = spawnSync(process.execPath, ['-e', child, require.resolve('ayafileio')], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  assert.strictEqual(r.stdout.trim(), 'RangeError ERR_OUT_OF_RANGE');
});


test('with Error frozen (its stackTraceLimit not writable) a failed call still rejects with Node\'s error and its stack', { skip: childSkip }, () => {
  const { spawnSync } = require('node:child_process');
  const child = `
    Object.freeze(Error);
    const fsp = require(process.argv[1]).promises;
    fsp.stat(process.argv[2]).catch((err) => console.log(err.code, err.syscall, /\\n    at /.test(err.stack), Error.stackTraceLimit));
  `;
  const r = spawnSync(process.execPath, ['-e', child, require.resolve('ayafileio/fs'), path.join(tmpPath(), 'missing')], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  assert.strictEqual(r.stdout.trim(), 'ENOENT stat true 10');
});

test('FileHandles dropped together are all reported and all their fds closed, in one collection', { skip: childSkip }, () => {
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
    const collect = () => (globalThis.Bun ? Bun.gc(true) : globalThis.gc());
    // Collected from a fresh stack, three times: JavaScriptCore's conservative stack scan may
    // keep a handle for one collection (Bun), which is no failure to report it; reporting one
    // handle per collection (a callback that throws) would still fall far short of N.
    const poll = (fds, turn) => {
      if (turn < 3) collect();
      if (turn < 50 && (reported < N || fds.some(isOpen))) return setImmediate(poll, fds, turn + 1);
      console.log(JSON.stringify({ reported, open: fds.filter(isOpen).length }));
    };
    (async () => {
      const fds = [];
      for (let i = 0; i < N; i++) fds.push((await fsp.open(process.argv[2], 'r')).fd);
      return fds;
    })().then((fds) => setImmediate(poll, fds, 0));
  `;
  const args = process.versions.bun === undefined ? ['--expose-gc'] : [];
  const r = spawnSync(process.execPath, [...args, '-e', child, require.resolve('ayafileio/fs'), 'package.json'], { cwd: path.join(__dirname, '..'), encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  assert.deepStrictEqual(JSON.parse(r.stdout.trim().split('\n').pop()), { reported: 20, open: 0 });
});
