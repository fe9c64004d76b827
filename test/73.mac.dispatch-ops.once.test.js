'use strict';
// Covers: the Dispatch I/O addon directly (native pass only), macOS or Linux with a libdispatch build; what: channel offsets, append, EBADF, pipes, cancel, close, shutdown.
// The Dispatch I/O addon (native/darwin/) driven through the native binding contract: offsets
// of random channels made on an fd whose position is not 0, pos -1 and O_APPEND, an EBADF
// that must not spoil the fd, pipe reads that return what is there, cancelFd (also of an fd
// being closed) and shutdown with reads in flight. Runs wherever the loaded addon is
// Dispatch I/O: macOS, or Linux with a development build against libdispatch
// (docs/architecture.md, "The macOS backend").
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { loadBinding } = require('./_lib/internals.js').binding;
const { IocpDriver } = require('./_lib/iocp-driver.js');

const loaded = loadBinding();
const skip = !loaded.addon ? loaded.reason
  : loaded.addon.backend !== 'dispatch_io' ? `covers Dispatch I/O; the addon is ${loaded.addon.backend}` : false;
const E = os.constants.errno;
const { O_RDONLY, O_RDWR, O_WRONLY, O_CREAT, O_TRUNC, O_APPEND } = fs.constants;

const OPTIONS = { queueDepth: 256, sqpoll: false, ioWorkers: 0 };

// One driver for the file: a second init() only reconfigures (the first onComplete stays).
let driver;
function setup() {
  driver ??= new IocpDriver(loaded.addon);
  return driver;
}

/** init() again: start afresh after shutdown(). */
function reinit(d) {
  return d.addon.init(OPTIONS, d.completions, (n) => d.settle(n, 'callback'));
}

let dir;
function tmp(name) {
  dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'aya-dispatch-'));
  return path.join(dir, name);
}
test.after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** A FIFO opened read-write through the addon (no EOF, reads wait for data). */
async function fifo(d, name) {
  const p = tmp(name);
  assert.strictEqual(spawnSync('mkfifo', [p]).status, 0);
  return { p, fd: await d.open(p, O_RDWR) };
}

test('exports the contract with backend "dispatch_io"', { skip }, () => {
  const d = setup();
  assert.strictEqual(d.addon.contractVersion, 3);
  assert.ok(d.info.features.includes('dispatch_io_random'));
  assert.deepStrictEqual(d.addon.info(), d.info);
});

test('getBackendInfo() reports Dispatch I/O, truly asynchronous (platform macos on a Mac)', { skip }, () => {
  // In a child: the library's engine would take this environment's addon from the driver.
  const r = spawnSync(process.execPath, ['-e', `
    const { getBackendInfo } = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'index.js'))});
    process.stdout.write(JSON.stringify(getBackendInfo()));`], { encoding: 'utf8', env: { ...process.env, AYAFILEIO_BACKEND: 'native' } });
  assert.strictEqual(r.status, 0, r.stderr);
  const info = JSON.parse(r.stdout);
  assert.strictEqual(info.backend, 'dispatch_io');
  assert.strictEqual(info.isTrulyAsync, true);
  assert.strictEqual(info.platform, process.platform === 'darwin' ? 'macos' : process.platform);
  assert.match(info.description, /Dispatch I\/O/);
});

test('an fd whose position is not 0 (wrapFd): offsets stay absolute, pos -1 starts there', { skip }, async () => {
  const d = setup();
  const p = tmp('positioned');
  fs.writeFileSync(p, '0123456789abcdefghij');
  const fd = fs.openSync(p, 'r');
  fs.readSync(fd, Buffer.alloc(7), 0, 7, null); // the fd's own position is now 7
  const buf = Buffer.alloc(4);
  assert.strictEqual(await d.read(fd, buf, 0, 4, 2), 4);
  assert.strictEqual(buf.toString(), '2345', 'pos 2 is byte 2, not 7 + 2');
  assert.strictEqual(await d.read(fd, buf, 0, 4, -1), 4);
  assert.strictEqual(buf.toString(), '789a', 'pos -1 starts at the fd position');
  assert.strictEqual(await d.read(fd, buf, 0, 4, -1), 4);
  assert.strictEqual(buf.toString(), 'bcde', 'and moves on');
  assert.strictEqual(await d.read(fd, buf, 0, 4, 0), 4);
  assert.strictEqual(buf.toString(), '0123');
  // Closed through the backend, as wrapFd's AsyncFile does: libdispatch must let go of the fd
  // first (closed behind its back, it would later reset the flags of whatever reuses the number).
  assert.strictEqual(await d.close(fd), 0);
});

test('O_APPEND: pos -1 writes land at the end, also after another fd grew the file', { skip }, async () => {
  const d = setup();
  const p = tmp('append');
  fs.writeFileSync(p, 'start');
  const fd = await d.open(p, O_RDWR | O_APPEND);
  assert.strictEqual(await d.write(fd, Buffer.from('-one'), 0, 4, -1), 4);
  fs.appendFileSync(p, '-other');
  assert.strictEqual(await d.write(fd, Buffer.from('-two'), 0, 4, -1), 4);
  const buf = Buffer.alloc(5);
  assert.strictEqual(await d.read(fd, buf, 0, 5, 0), 5, 'positional reads still work on the fd');
  assert.strictEqual(buf.toString(), 'start');
  assert.strictEqual(await d.close(fd), 0);
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'start-one-other-two');
});

test('a write refused EBADF on a read-only fd leaves later reads working', { skip }, async () => {
  const d = setup();
  const p = tmp('readonly');
  fs.writeFileSync(p, 'readable');
  const fd = await d.open(p, O_RDONLY);
  assert.strictEqual(await d.write(fd, Buffer.from('x'), 0, 1, 0), -E.EBADF);
  assert.strictEqual(await d.write(fd, Buffer.alloc(0), 0, 0, 0), -E.EBADF, 'empty writes are checked too');
  const buf = Buffer.alloc(8);
  assert.strictEqual(await d.read(fd, buf, 0, 8, 0), 8);
  assert.strictEqual(buf.toString(), 'readable');
  assert.strictEqual(await d.close(fd), 0);
  const wfd = await d.open(tmp('writeonly'), O_WRONLY | O_CREAT | O_TRUNC);
  assert.strictEqual(await d.read(wfd, buf, 0, 8, 0), -E.EBADF);
  assert.strictEqual(await d.write(wfd, Buffer.from('ok'), 0, 2, 0), 2);
  assert.strictEqual(await d.close(wfd), 0);
});

test('a directory read fails EISDIR and leaves nothing behind for the next file on its fd number', { skip }, async () => {
  const d = setup();
  const p = tmp('after-dir');
  fs.writeFileSync(p, 'plain file');
  const buf = Buffer.alloc(10);
  for (let round = 0; round < 20; round++) {
    const dfd = await d.open(dir, O_RDONLY);
    assert.strictEqual(await d.read(dfd, buf, 0, 10, -1), -E.EISDIR);
    assert.strictEqual(await d.close(dfd), 0);
    const fd = await d.open(p, O_RDONLY); // usually the number the directory just had
    assert.strictEqual(await d.read(fd, buf, 0, 10, 0), 10, `round ${round}: fd ${fd} (the directory's was ${dfd})`);
    assert.strictEqual(buf.toString(), 'plain file');
    assert.strictEqual(await d.close(fd), 0);
  }
});

test('a pipe read returns what is there; cancelFd stops waiting reads', { skip }, async () => {
  const d = setup();
  const { p, fd } = await fifo(d, 'fifo-read');
  const buf = Buffer.alloc(64);
  const first = d.read(fd, buf, 0, 64, -1);
  const w = fs.openSync(p, O_WRONLY | fs.constants.O_NONBLOCK);
  fs.writeSync(w, 'short');
  assert.strictEqual(await first, 5, 'no wait for all 64 bytes');
  assert.strictEqual(buf.toString('utf8', 0, 5), 'short');
  assert.strictEqual(await d.read(fd, buf, 0, 8, 0), -E.ESPIPE, 'no offsets on a pipe, as in node:fs');
  const a = d.issue('read', fd, buf, 0, 8, -1);
  const b = d.issue('read', fd, buf, 8, 8, -1);
  await new Promise(setImmediate); // both submitted
  assert.strictEqual(await d.run('cancelFd', fd), 2);
  assert.deepStrictEqual([(await a.done).result, (await b.done).result], [-E.ECANCELED, -E.ECANCELED]);
  fs.writeSync(w, 'after');
  assert.strictEqual(await d.read(fd, buf, 0, 64, -1), 5, 'the fd still reads after cancelFd');
  fs.closeSync(w);
  assert.strictEqual(await d.close(fd), 0);
});

// The addon's close sets no time limit: JavaScript cancels what is still in flight after
// closeTimeoutMs with cancelFd, which reaches an fd being closed.
test('cancelFd() during close() ends a waiting read, then the fd closes', { skip }, async () => {
  const d = setup();
  const { fd } = await fifo(d, 'fifo-close');
  const pending = d.read(fd, Buffer.alloc(8), 0, 8, -1);
  await new Promise(setImmediate);
  const closed = d.close(fd);
  await new Promise(setImmediate);
  assert.strictEqual(await d.run('cancelFd', fd), 1);
  assert.strictEqual(await closed, 0);
  assert.strictEqual(await pending, -E.ECANCELED);
  assert.throws(() => fs.fstatSync(fd), { code: 'EBADF' });
});

test('shutdown() with a read in flight returns; info() is null; init() works again', { skip, timeout: 20_000 }, async () => {
  const d = setup();
  const { fd } = await fifo(d, 'fifo-shutdown');
  // Several rounds: a delivery still queued at shutdown must not hold back the next start's.
  for (let round = 0; round < 5; round++) {
    d.read(fd, Buffer.alloc(8), 0, 8, -1);
    await new Promise(setImmediate);
    assert.strictEqual(d.addon.shutdown(), 0);
    assert.strictEqual(d.addon.info(), null);
    assert.strictEqual(d.addon.read(0, fd, Buffer.alloc(1), 0, 1, 0), -E.ENOSYS);
    const info = reinit(d);
    assert.strictEqual(typeof info, 'object', `init after shutdown: ${info}`);
    const st = Buffer.alloc(256);
    assert.strictEqual(await d.run('statx', fd, null, st), 0, `round ${round}: an op completes after init`);
  }
  assert.strictEqual(await d.close(fd), 0, 'the fd stayed open through shutdown');
});
