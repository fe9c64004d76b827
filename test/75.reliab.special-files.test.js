'use strict';
// Covers: every backend (native, waiter-thread and fallback passes), POSIX (FIFOs; the aborted-open case io_uring only, the fds-that-are-no-file case Linux with python3); what: pipes and other unusual fds answered as node:fs answers them: O_NONBLOCK fds (ayafileio/fs's open, callback open, readFile/writeFile, wrapFd) reject EAGAIN on an empty or full pipe, FileHandle.readv() returns what the pipe holds, an op at a position on a pipe rejects ESPIPE, an aborted open of a FIFO without a partner is cancelled (an aborted open that completes anyway is closed), wrapFd() of epoll, eventfd, timerfd, signalfd and inotify fds reads and writes as node:fs does.
// Found by an adversarial pass over unusual files (public API and docs only): on io_uring
// every such call waited for the pipe to become ready and never settled, since the ring
// polls a pipe whatever its O_NONBLOCK flag; readv() read one buffer after another and, on
// every backend, waited for more data once the first was full; the ring ignored the position
// of an op on a pipe (a read waited, a write landed); an aborted readFile/writeFile of a FIFO
// that never got a partner rejected but left its open blocked in a kernel worker, keeping the
// program alive; the ring waited on an epoll fd's poll for a read or write that fails EINVAL.
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { getBackendInfo } = require('../dist/index.js');

const root = path.join(__dirname, '..');
const posixOnly = process.platform === 'win32' && 'FIFOs (mkfifo) are POSIX';
const ringOnly = getBackendInfo().backend !== 'io_uring' && `the backend is ${getBackendInfo().backend}: only io_uring cancels an open blocked in the kernel (node:fs's waits for the FIFO's partner for good, as node:fs's own readFile does)`;

/**
 * Run `body` (the source of an async function body) in a child process with `fifo`, a FIFO
 * held open at both ends by `holder` (so it has a reader and a writer that never act), and
 * `NB_READ`/`NB_WRITE`, the O_NONBLOCK open flags. `fillPipe()` fills the pipe to the brim.
 * The child ends by itself once every call settled (nothing may stay pending), printing what
 * `body` returns as JSON. `via`: a program that runs the child (its command line follows).
 */
function inChild(body, via = []) {
  const code = `
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const aya = require('ayafileio');
const afs = require('ayafileio/fs');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-75-'));
const fifo = path.join(dir, 'fifo');
execFileSync('mkfifo', [fifo]);
const holder = fs.openSync(fifo, 'r+');
const { O_RDONLY, O_WRONLY, O_NONBLOCK } = fs.constants;
const NB_READ = O_RDONLY | O_NONBLOCK;
const NB_WRITE = O_WRONLY | O_NONBLOCK;
const outcome = (p) => p.then((v) => ({ value: Buffer.isBuffer(v) ? v.length : v }), (e) => ({ code: e.code, syscall: e.syscall }));
const cb = (fn) => new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
function fillPipe() {
  const w = fs.openSync(fifo, NB_WRITE);
  try { for (;;) fs.writeSync(w, Buffer.alloc(65536)); } catch (e) { if (e.code !== 'EAGAIN') throw e; } finally { fs.closeSync(w); }
}
function emptyPipe() {
  const r = fs.openSync(fifo, NB_READ);
  try { for (;;) fs.readSync(r, Buffer.alloc(65536)); } catch (e) { if (e.code !== 'EAGAIN') throw e; } finally { fs.closeSync(r); }
}
(async () => { ${body} })().then((out) => {
  fs.closeSync(holder);
  fs.rmSync(dir, { recursive: true });
  console.log(JSON.stringify(out));
});
`;
  // cwd: the package, so 'ayafileio/…' resolves to it.
  const argv = [...via, process.execPath, '-e', code];
  const r = spawnSync(argv[0], argv.slice(1), { cwd: root, encoding: 'utf8', timeout: 30_000 });
  assert.strictEqual(r.signal, null, `the child did not end (a call never settled): ${r.stdout}${r.stderr}`);
  assert.strictEqual(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

test('reads of an empty pipe opened O_NONBLOCK reject EAGAIN as node:fs\'s: FileHandle, callback read, readFile, wrapFd', { skip: posixOnly }, () => {
  const out = inChild(`
    const handleRead = async (mod) => {
      const fh = await mod.open(fifo, NB_READ);
      try { return (await fh.read(Buffer.alloc(10), 0, 10, null)).bytesRead; } finally { await fh.close(); }
    };
    const callbackRead = (mod) => cb((done) => mod.open(fifo, NB_READ, (err, fd) => {
      if (err) return done(err);
      mod.read(fd, Buffer.alloc(10), 0, 10, null, (e, n) => mod.close(fd, () => done(e, n)));
    }));
    const wrapped = async (mode, method) => {
      const f = await aya.wrapFd(fs.openSync(fifo, NB_READ), mode);
      try { return await f[method](); } finally { await f.close(); }
    };
    return {
      node: {
        handle: await outcome(handleRead(fs.promises)),
        callback: await outcome(callbackRead(fs)),
        readFile: await outcome(fs.promises.readFile(fifo, { flag: NB_READ })),
      },
      aya: {
        handle: await outcome(handleRead(afs.promises)),
        callback: await outcome(callbackRead(afs)),
        readFile: await outcome(afs.promises.readFile(fifo, { flag: NB_READ })),
        callbackReadFile: await outcome(cb((done) => afs.readFile(fifo, { flag: NB_READ }, done))),
        mainReadFile: await outcome(aya.readFile(fifo, { flag: NB_READ })),
        wrapFdRead: await outcome(wrapped('rb', 'read')),
        wrapFdReadline: await outcome(wrapped('r', 'readline')),
      },
    };`);
  const eagain = { code: 'EAGAIN', syscall: 'read' };
  assert.deepStrictEqual(out.node, { handle: eagain, callback: eagain, readFile: eagain });
  for (const [call, got] of Object.entries(out.aya)) assert.deepStrictEqual(got, eagain, call);
});

test('writes to a full pipe opened O_NONBLOCK reject EAGAIN as node:fs\'s: writeFile, appendFile, wrapFd', { skip: posixOnly }, () => {
  const out = inChild(`
    const data = Buffer.alloc(1 << 20, 1);
    const full = (p) => { fillPipe(); return outcome(p()).finally(emptyPipe); };
    const wrapped = async () => {
      const f = await aya.wrapFd(fs.openSync(fifo, NB_WRITE), 'wb');
      try { await f.write(data); return await f.flush(); } finally { await f.close().catch(() => {}); }
    };
    return {
      node: await full(() => fs.promises.writeFile(fifo, data, { flag: NB_WRITE })),
      writeFile: await full(() => afs.promises.writeFile(fifo, data, { flag: NB_WRITE })),
      appendFile: await full(() => aya.appendFile(fifo, data, { flag: NB_WRITE | fs.constants.O_APPEND })),
      mainWriteFile: await full(() => aya.writeFile(fifo, data, { flag: NB_WRITE | fs.constants.O_TRUNC })),
      wrapFd: await full(wrapped),
    };`);
  const eagain = { code: 'EAGAIN', syscall: 'write' };
  assert.deepStrictEqual(out.node, eagain);
  for (const call of ['writeFile', 'appendFile', 'mainWriteFile', 'wrapFd']) assert.deepStrictEqual(out[call], eagain, call);
});

test('FileHandle.readv() on a pipe returns what the pipe holds, as node:fs\'s: no wait for a second buffer once the first is full', { skip: posixOnly }, () => {
  const out = inChild(`
    const readv = async (mod, sizes) => {
      const fh = await mod.open(fifo, 'r');
      try {
        fs.writeSync(holder, 'head');
        const buffers = sizes.map((n) => Buffer.alloc(n));
        const { bytesRead } = await fh.readv(buffers);
        return [bytesRead, ...buffers.map(String)];
      } finally {
        emptyPipe();
        await fh.close();
      }
    };
    const run = async (mod) => {
      const results = [];
      for (const sizes of [[4, 100], [2, 1, 100], [0]]) results.push(await outcome(readv(mod, sizes)));
      return results;
    };
    return { node: await run(fs.promises), aya: await run(afs.promises) };`);
  assert.deepStrictEqual(out.node, [{ value: [4, 'head', '\0'.repeat(100)] }, { value: [4, 'he', 'a', 'd' + '\0'.repeat(99)] }, { value: [0, ''] }]);
  assert.deepStrictEqual(out.aya, out.node);
});

test('ops at a position on a pipe reject ESPIPE as node:fs\'s (FileHandle read/readv/write/writev, streams with start, callback read/write); /dev/zero takes a position as there', { skip: posixOnly }, () => {
  const out = inChild(`
    const withHandle = (mod, fn) => async () => { const fh = await mod.open(fifo, 'r+'); try { return await fn(fh); } finally { await fh.close(); } };
    const calls = (mod) => [
      withHandle(mod, (fh) => fh.read(Buffer.alloc(4), 0, 4, 0).then((r) => r.bytesRead)),
      withHandle(mod, (fh) => fh.readv([Buffer.alloc(4)], 2).then((r) => r.bytesRead)),
      withHandle(mod, (fh) => fh.write(Buffer.from('data'), 0, 4, 0).then((r) => r.bytesWritten)),
      withHandle(mod, (fh) => fh.write('data', 5).then((r) => r.bytesWritten)),
      withHandle(mod, (fh) => fh.writev([Buffer.from('data')], 0).then((r) => r.bytesWritten)),
      withHandle(mod, async (fh) => { for await (const chunk of fh.createReadStream({ start: 0, end: 3, autoClose: false })) return chunk.length; return 0; }),
      withHandle(mod, async () => {
        const fh = await mod.open('/dev/zero', 'r');
        try { return (await fh.read(Buffer.alloc(4, 1), 0, 4, 8)).bytesRead; } finally { await fh.close(); }
      }),
    ];
    const callbackCalls = (mod) => [
      () => cb((done) => mod.open(fifo, 'r+', (err, fd) => { if (err) return done(err); mod.read(fd, Buffer.alloc(4), 0, 4, 3, (e, n) => mod.close(fd, () => done(e, n))); })),
      () => cb((done) => mod.open(fifo, 'r+', (err, fd) => { if (err) return done(err); mod.write(fd, Buffer.from('data'), 0, 4, 0, (e, n) => mod.close(fd, () => done(e, n))); })),
      () => cb((done) => mod.open(fifo, 'r+', (err, fd) => { if (err) return done(err); mod.write(fd, 'data', 1, 'utf8', (e, n) => mod.close(fd, () => done(e, n))); })),
    ];
    const run = async (mod, callbackMod) => {
      const results = [];
      for (const call of [...calls(mod), ...callbackCalls(callbackMod)]) results.push(await outcome(call()));
      // Nothing may have reached the pipe.
      const r = fs.openSync(fifo, NB_READ);
      try { results.push(await outcome(Promise.resolve(fs.readSync(r, Buffer.alloc(16))))); } catch (e) { results.push({ code: e.code }); } finally { fs.closeSync(r); }
      return results;
    };
    return { node: await run(fs.promises, fs), aya: await run(afs.promises, afs) };`);
  const read = { code: 'ESPIPE', syscall: 'read' };
  const write = { code: 'ESPIPE', syscall: 'write' };
  assert.deepStrictEqual(out.node, [read, read, write, write, write, read, { value: 4 }, read, write, write, { code: 'EAGAIN' }]);
  assert.deepStrictEqual(out.aya, out.node);
});

test('an open of a FIFO that never gets a partner, aborted by its signal, is cancelled: readFile/writeFile/appendFile of both APIs reject AbortError and the program ends by itself', { skip: posixOnly || ringOnly }, () => {
  const out = inChild(`
    const turns = async (n) => { for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve)); };
    let made = 0;
    // \`call(lonely, signal)\` on a new FIFO nobody else opens (an open of it waits for a partner:
    // one call's open must not be another's), aborted once the open is in the kernel (writeFile's,
    // which creates, after one loop turn); \`meanwhile\` runs before the abort.
    const aborted = async (call, meanwhile) => {
      const lonely = path.join(dir, \`lonely-\${made++}\`);
      execFileSync('mkfifo', [lonely]);
      const ac = new AbortController();
      const settled = outcome(call(lonely, ac.signal));
      await turns(2);
      meanwhile?.();
      ac.abort();
      return settled;
    };
    return {
      readFile: await aborted((lonely, signal) => aya.readFile(lonely, { signal })),
      writeFile: await aborted((lonely, signal) => aya.writeFile(lonely, 'data', { signal })),
      appendFile: await aborted((lonely, signal) => aya.appendFile(lonely, 'data', { signal })),
      fsReadFile: await aborted((lonely, signal) => afs.promises.readFile(lonely, { signal })),
      fsWriteFile: await aborted((lonely, signal) => afs.promises.writeFile(lonely, 'data', { signal })),
      callbackReadFile: await aborted((lonely, signal) => cb((done) => afs.readFile(lonely, { signal }, done))),
      callbackWriteFile: await aborted((lonely, signal) => cb((done) => afs.writeFile(lonely, 'data', { signal }, done))),
      // The open's ring retires (configure() resizes it) before the abort: the cancel reaches it there.
      onRetiredRing: await aborted((lonely, signal) => aya.readFile(lonely, { signal }), () => aya.configure({ ioUringQueueDepth: aya.getConfig().ioUringQueueDepth * 2 })),
    };`);
  for (const [call, got] of Object.entries(out)) assert.deepStrictEqual(got, { code: 'ABORT_ERR' }, call);
});

test('an aborted open that completes anyway (its cancel came too late) has its fd closed: none is left open once the loop is empty', { skip: posixOnly }, () => {
  const out = inChild(`
    const file = path.join(dir, 'file');
    fs.writeFileSync(file, 'data');
    const openFds = () => fs.readdirSync('/dev/fd').length;
    aya.getBackendInfo(); // the engine's own fds (io_uring: its ring and eventfd) are open from here on
    const before = openFds();
    const calls = [];
    for (let i = 0; i < 200; i++) {
      const ac = new AbortController();
      calls.push(outcome(aya.readFile(file, { signal: ac.signal })));
      ac.abort(); // the open is in flight: cancelled, or done first and then closed
    }
    const results = await Promise.all(calls);
    // Once every open and close has completed, nothing keeps the loop alive.
    await new Promise((resolve) => process.once('beforeExit', resolve));
    return { aborted: results.filter((r) => r.code === 'ABORT_ERR').length, leftOpen: openFds() - before };
  `);
  assert.deepStrictEqual(out, { aborted: 200, leftOpen: 0 });
});

/**
 * A python3 program that makes fds no path opens — epoll, eventfd (a semaphore at 2), timerfd
 * (expired), signalfd, inotify (an event waiting) — two of each, `node<Kind>` and `aya<Kind>`,
 * then runs its arguments with their numbers in AYA_FDS (JSON).
 */
const MAKE_UNTYPED_FDS = `
import ctypes, json, os, select, sys, tempfile
libc = ctypes.CDLL(None, use_errno=True)
def kept(fd):
    if fd < 0: raise OSError(ctypes.get_errno(), 'fd')
    os.set_inheritable(fd, True)
    return fd
class timespec(ctypes.Structure): _fields_ = [('sec', ctypes.c_long), ('nsec', ctypes.c_long)]
class itimerspec(ctypes.Structure): _fields_ = [('interval', timespec), ('value', timespec)]
def timerfd():
    fd = kept(libc.timerfd_create(1, 0))  # CLOCK_MONOTONIC
    if libc.timerfd_settime(fd, 0, ctypes.byref(itimerspec(timespec(0, 0), timespec(0, 1))), None) < 0: raise OSError(ctypes.get_errno(), 'timerfd_settime')
    return fd
watched = tempfile.mkdtemp()
def inotify():
    fd = kept(libc.inotify_init1(0))
    if libc.inotify_add_watch(fd, watched.encode(), 0x100) < 0: raise OSError(ctypes.get_errno(), 'inotify_add_watch')  # IN_CREATE
    return fd
epolls, fds = [], {}
for who in ('node', 'aya'):
    epolls.append(select.epoll())
    fds[who + 'Epoll'] = kept(epolls[-1].fileno())
    fds[who + 'Eventfd'] = kept(os.eventfd(2, os.EFD_SEMAPHORE))
    fds[who + 'Timerfd'] = timerfd()
    fds[who + 'Signalfd'] = kept(libc.signalfd(-1, ctypes.byref((ctypes.c_ulong * 16)()), 0))
    fds[who + 'Inotify'] = inotify()
open(os.path.join(watched, 'made'), 'w').close()
os.remove(os.path.join(watched, 'made'))
os.rmdir(watched)
os.environ['AYA_FDS'] = json.dumps(fds)
os.execvp(sys.argv[1], sys.argv[1:])
`;
const untypedSkip = process.platform !== 'linux'
  ? 'epoll, eventfd, timerfd, signalfd and inotify are Linux\'s'
  : spawnSync('python3', ['--version']).status !== 0 && 'python3 is not installed (.ci/run installs it): it makes the fds';

test('wrapFd() of fds that are no file (epoll, eventfd, timerfd, signalfd, inotify) reads and writes as node:fs does: EINVAL at once for epoll, 8-byte reads of an eventfd or timerfd', { skip: untypedSkip }, () => {
  const out = inChild(`
    const fds = JSON.parse(process.env.AYA_FDS);
    const one = Buffer.alloc(8);
    one.writeBigUInt64LE(1n);
    // Each call one read(2) or write(2) of n bytes, as node:fs's (bufferSize 1: nothing buffered).
    const viaNode = {
      read: (fd, n) => cb((done) => fs.read(fd, Buffer.alloc(n), 0, n, null, done)),
      write: (fd, n) => cb((done) => fs.write(fd, one, 0, n, null, done)),
    };
    const viaAya = {
      read: async (fd, n) => {
        const f = await aya.wrapFd(fd, 'rb', { ownsFd: false, bufferSize: 1 });
        try { return (await f.read(n)).length; } finally { await f.close(); }
      },
      write: async (fd, n) => {
        const f = await aya.wrapFd(fd, 'wb', { ownsFd: false, bufferSize: 1 });
        try { await f.write(one.subarray(0, n)); await f.flush(); return n; } finally { await f.close().catch(() => {}); }
      },
    };
    const run = async (who, via) => {
      const results = {};
      // Each kind's short read first: it fails before a read that could wait.
      for (const [kind, calls] of Object.entries({ Epoll: ['read 8', 'write 8'], Eventfd: ['read 4', 'read 8', 'write 4', 'write 8'], Timerfd: ['read 4', 'read 8', 'write 8'], Signalfd: ['read 8', 'write 8'], Inotify: ['read 8', 'write 8'] })) {
        for (const call of calls) {
          const [op, n] = call.split(' ');
          results[kind + ' ' + call] = await outcome(via[op](fds[who + kind], Number(n)));
        }
      }
      return results;
    };
    return { node: await run('node', viaNode), aya: await run('aya', viaAya) };`, ['python3', '-c', MAKE_UNTYPED_FDS]);
  const einval = (syscall) => ({ code: 'EINVAL', syscall });
  assert.deepStrictEqual(out.node, {
    'Epoll read 8': einval('read'), 'Epoll write 8': einval('write'),
    'Eventfd read 4': einval('read'), 'Eventfd read 8': { value: 8 }, 'Eventfd write 4': einval('write'), 'Eventfd write 8': { value: 8 },
    'Timerfd read 4': einval('read'), 'Timerfd read 8': { value: 8 }, 'Timerfd write 8': einval('write'),
    'Signalfd read 8': einval('read'), 'Signalfd write 8': einval('write'),
    'Inotify read 8': einval('read'), 'Inotify write 8': { code: 'EBADF', syscall: 'write' },
  });
  assert.deepStrictEqual(out.aya, out.node);
});
