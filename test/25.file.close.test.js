'use strict';
// Covers: every backend (native and fallback passes), every platform (/dev/full case Linux, FIFO case POSIX); what: close(): flush, in-flight calls, EBADF after, unclosed files, closeTimeoutMs.
// close(): flushes, waits for in-flight ops, idempotent; afterwards every method rejects
// with EBADF. asyncDispose, and files dropped without close.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { open } = require('../dist/index.js');
const { fileWith, tmpPath, rejectsWith } = require('./_lib/file-helpers.js');

test('close flushes buffered writes and is idempotent', async () => {
  const p = tmpPath();
  const f = await open(p, 'wb', { bufferSize: 1024 });
  await f.write(Buffer.from('pending'));
  const first = f.close();
  const second = f.close();
  await Promise.all([first, second]);
  await f.close();
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'pending');
});

test('close() closes the fd, whether a final write goes with it (linked on io_uring) or not', async () => {
  for (const [mode, data] of [['wb', Buffer.from('bytes')], ['w', 'text\n'], ['a', 'appended\n'], ['wb', undefined], ['r+b', Buffer.from('over')]]) {
    const p = tmpPath();
    fs.writeFileSync(p, 'previous');
    const f = await open(p, mode, mode.includes('b') ? undefined : { newline: '\n' });
    const fd = f.fileno();
    if (data !== undefined) await f.write(data);
    await f.close();
    // On Windows the native backend's fd indexes its own handle table, which node:fs cannot check.
    if (process.platform !== 'win32') assert.throws(() => fs.fstatSync(fd), { code: 'EBADF' }, `${mode}: the fd is closed`);
    const want = { wb: String(data ?? ''), w: 'text\n', a: 'previousappended\n', 'r+b': 'overious' }[mode];
    assert.strictEqual(fs.readFileSync(p, 'utf8'), want, mode);
  }
});

test('datasync() and sync() after buffered writes: the bytes are in the file, the file stays open and usable', async () => {
  const p = tmpPath();
  const f = await open(p, 'w+b');
  await f.write(Buffer.from('one '));
  await f.datasync();
  await f.write(Buffer.from('two'));
  await f.sync();
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'one two', 'in the kernel before the sync resolved');
  assert.strictEqual((await f.readAt(0, 7)).toString(), 'one two');
  await f.close();
});

test('calls issued before close (not awaited) complete; close waits for them', async () => {
  const p = tmpPath();
  const f = await open(p, 'w+b', { bufferSize: 3 });
  const w = f.write(Buffer.from('abcdef'));
  const r = f.readAt(0, 6);
  const c = f.close();
  assert.strictEqual(await w, 6);
  assert.strictEqual((await r).toString(), 'abcdef');
  await c;
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'abcdef');
});

test('after close every method rejects with EBADF saying the file is closed', async () => {
  const p = fileWith('x');
  const f = await open(p, 'r+b');
  await f.close();
  const calls = {
    read: () => f.read(), readInto: () => f.readInto(Buffer.alloc(1)), readline: () => f.readline(),
    readlines: () => f.readlines(), write: () => f.write(Buffer.from('y')), writelines: () => f.writelines([]),
    seek: () => f.seek(0), tell: () => f.tell(), truncate: () => f.truncate(), stat: () => f.stat(),
    flush: () => f.flush(), sync: () => f.sync(), datasync: () => f.datasync(),
    readAt: () => f.readAt(0, 1), readAtInto: () => f.readAtInto(0, Buffer.alloc(1)), writeAt: () => f.writeAt(0, Buffer.from('z')),
    iterate: () => f[Symbol.asyncIterator]().next(),
  };
  for (const [name, call] of Object.entries(calls)) {
    await rejectsWith(call(), { code: 'EBADF', message: /closed file/, path: p, name: 'Error' }).catch((err) => {
      throw new Error(`${name}: ${err.message}`);
    });
  }
});

test('Symbol.asyncDispose closes the file', async () => {
  const p = tmpPath();
  const f = await open(p, 'wb');
  await f.write(Buffer.from('disposed'));
  await f[Symbol.asyncDispose]();
  assert.strictEqual(f.closed, true);
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'disposed');
});

test('a failing final flush still closes the fd, and close rejects with the error', { skip: process.platform !== 'linux' && '/dev/full is Linux' }, async () => {
  const f = await open('/dev/full', 'wb', { bufferSize: 64 });
  const fd = f.fileno();
  await f.write(Buffer.from('no space'));
  await rejectsWith(f.close(), { code: 'ENOSPC', syscall: 'write' });
  assert.throws(() => fs.fstatSync(fd), { code: 'EBADF' });
  await f.close(); // later calls resolve
});

test('a file dropped without close is closed on GC with a warning, its buffer flushed', () => {
  const p = tmpPath();
  // The child collects garbage until the warning arrives, then lets the loop drain (the
  // finalizer's flush and close keep it alive) and checks the fd and the file at exit.
  const script = `
    const { open } = require(${JSON.stringify(path.join(__dirname, '../dist/index.js'))});
    const fs = require('node:fs');
    let warned = false;
    process.on('warning', (w) => { warned = true; console.log('WARNING', w.code, w.message); });
    (async () => {
      let f = await open(${JSON.stringify(p)}, 'wb', { bufferSize: 1024 });
      await f.write(Buffer.from('lost?'));
      const fd = f.fileno();
      f = null;
      for (let i = 0; i < 1000 && !warned; i++) { global.gc(); await new Promise(setImmediate); }
      process.on('exit', () => {
        let isOpen = true; try { fs.fstatSync(fd); } catch { isOpen = false; }
        console.log('FD_OPEN', isOpen);
        console.log('CONTENT', fs.readFileSync(${JSON.stringify(p)}, 'utf8'));
      });
    })();`;
  const r = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8', env: process.env });
  assert.strictEqual(r.status, 0, r.stderr);
  assert.match(r.stdout, /WARNING AYAFILEIO_UNCLOSED_FILE .*garbage-collected without close/);
  assert.match(r.stdout, /FD_OPEN false/);
  assert.match(r.stdout, /CONTENT lost\?/);
});

test('close gives the file buffer back to the pool; the next file takes it', async () => {
  const { bufferPoolStats } = require('./_lib/internals.js').bufferPool;
  const before = bufferPoolStats().idle;
  const f = await open(tmpPath(), 'wb', { bufferSize: 12345 });
  await f.write(Buffer.from('x'));
  await f.close();
  assert.strictEqual(bufferPoolStats().idle, before + 1);
  const p = tmpPath();
  const g = await open(p, 'w+b', { bufferSize: 12345 });
  await g.write(Buffer.from('fresh'));
  assert.strictEqual(bufferPoolStats().idle, before, 'reused');
  await g.seek(0);
  assert.strictEqual((await g.read()).toString(), 'fresh', 'no stale bytes from the previous user');
  await g.close();
});

test('close gives up on a call stuck past closeTimeoutMs: it is cancelled (ECANCELED), later calls run, the fd closes', { skip: process.platform === 'win32' && 'mkfifo is POSIX' }, async () => {
  const { configure, getConfig } = require('../dist/index.js');
  const previous = getConfig().closeTimeoutMs;
  const fifo = tmpPath('fifo');
  require('node:child_process').execFileSync('mkfifo', [fifo]);
  const keeper = fs.openSync(fifo, 'r+'); // lets us wake the parked read afterwards
  configure({ closeTimeoutMs: 50 });
  try {
    const f = await open(fifo, 'r+b');
    const stuck = f.read(16).catch((err) => err);
    // Queued behind the stuck read, it runs once the read is cancelled (and, a FIFO not being
    // seekable, fails as tell() on a FIFO does: proof it ran rather than being dropped).
    const queued = f.tell().catch((err) => err);
    await f.close();
    assert.strictEqual((await stuck).code, 'ECANCELED');
    assert.strictEqual((await queued).code, 'ESPIPE');
    assert.strictEqual(f.closed, true);
  } finally {
    configure({ closeTimeoutMs: previous });
    fs.writeSync(keeper, Buffer.alloc(16)); // the late completion is ignored
    fs.closeSync(keeper);
  }
});

test('closeTimeoutMs never cancels a regular file\'s ops: every write before close() lands, none rejects', async () => {
  const { configure, resetConfig } = require('../dist/index.js');
  configure({ closeTimeoutMs: 0 });
  try {
    const p = tmpPath();
    const f = await open(p, 'wb', { bufferSize: 4096 });
    const block = Buffer.alloc(4 * 1024 * 1024, 'x');
    const calls = [];
    for (let i = 0; i < 6; i++) calls.push(f.write(block), f.write(Buffer.from(`<${i}>`)), f.flush());
    calls.push(f.write(Buffer.from('FINAL')));
    const closed = f.close();
    const outcomes = await Promise.allSettled([...calls, closed]);
    assert.deepStrictEqual(outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason.code), []);
    const got = fs.readFileSync(p);
    assert.strictEqual(got.length, 6 * (block.length + 3) + 5);
    assert.strictEqual(got.subarray(-5).toString(), 'FINAL');
  } finally {
    resetConfig();
  }
});
