'use strict';
// Covers: every backend through getBackend() (native, waiter-thread and fallback passes), every platform (Buffer-path and FIFO cases POSIX); what: each op's raw result against node:fs.
// Op-level suite: every op of getBackend() — whichever backend this pass selected — with raw
// results (>= 0, or a negative errno), compared with what node:fs says.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { getBackendInfo, configure, resetConfig } = require('../dist/index.js');
const { getBackend } = require('./_lib/internals.js').engine;

const { O_RDONLY, O_RDWR, O_WRONLY, O_CREAT, O_TRUNC, O_APPEND, O_EXCL } = fs.constants;
const E = require('./_lib/uv-errno.js'); // libuv's numbers (Windows has its own)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-ops-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
const b = getBackend();

/** A fresh file path in the test directory. */
let seq = 0;
const tmp = (name = 'f') => path.join(dir, `${name}-${seq++}`);

test('backend info matches the selected backend', () => {
  const info = getBackendInfo();
  assert.strictEqual(info.backend, b.kind);
  assert.strictEqual(info.platform, { win32: 'windows', darwin: 'macos' }[process.platform] ?? process.platform);
  assert.strictEqual(info.isTrulyAsync, b.kind !== 'fallback');
  if (process.env.AYAFILEIO_BACKEND === 'fallback') assert.match(info.reason, /AYAFILEIO_BACKEND=fallback/);
  if (info.backend === 'io_uring') {
    assert.ok(info.ring.entries >= 1 && info.ring.cqEntries >= info.ring.entries);
    for (const op of ['open', 'close', 'read', 'write', 'fsync', 'statx']) assert.ok(info.ring.ops.includes(op), op);
  }
});

test('open: creates, returns a cloexec fd, and reports ENOENT / EEXIST / EISDIR raw', async () => {
  const p = tmp();
  const fd = await b.open(p, O_RDWR | O_CREAT, 0o640);
  assert.ok(Number.isInteger(fd) && fd >= 0);
  // Windows has no permission bits beyond read-only: it reports 0o666.
  if (process.platform !== 'win32') assert.strictEqual(fs.statSync(p).mode & 0o777, 0o640 & ~process.umask());
  if (process.platform === 'linux') {
    const fdinfo = fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
    const flags = parseInt(/flags:\s+(\d+)/.exec(fdinfo)[1], 8);
    assert.ok(flags & 0o2000000, 'O_CLOEXEC set');
  }
  assert.strictEqual(await b.close(fd), 0);
  assert.strictEqual(await b.open(path.join(dir, 'nope', 'x'), O_RDONLY, 0), -E.ENOENT);
  assert.strictEqual(await b.open(p, O_RDWR | O_CREAT | O_EXCL, 0o644), -E.EEXIST);
  // Windows names this error by disposition (libuv: EISDIR only with O_CREAT), and Wine opens it.
  if (process.platform !== 'win32') assert.strictEqual(await b.open(dir, O_RDWR, 0), -E.EISDIR);
});

test('open accepts a Buffer path, including non-UTF-8 bytes', {
  skip: process.platform === 'win32' ? 'Windows names are UTF-16: a Buffer path is decoded as UTF-8' : false,
}, async () => {
  const p = Buffer.concat([Buffer.from(path.join(dir, 'bytes-')), Buffer.from([0xff, 0xfe])]);
  const fd = await b.open(p, O_WRONLY | O_CREAT, 0o644);
  assert.ok(fd >= 0);
  await b.close(fd);
  assert.ok(fs.existsSync(p));
});

test('write then read at positions, short read at EOF, 0 past EOF', async () => {
  const p = tmp();
  const fd = await b.open(p, O_RDWR | O_CREAT | O_TRUNC, 0o644);
  assert.strictEqual(await b.write(fd, Buffer.from('xxhello'), 2, 5, 10), 5);
  const buf = Buffer.alloc(20, 0x2e);
  assert.strictEqual(await b.read(fd, buf, 3, 10, 8), 7);
  assert.strictEqual(buf.toString('latin1'), '...\0\0hello' + '.'.repeat(10));
  assert.strictEqual(await b.read(fd, buf, 0, 4, 15), 0);
  assert.strictEqual(await b.read(fd, buf, 0, 0, 0), 0);
  await b.close(fd);
  assert.deepStrictEqual(fs.readFileSync(p), Buffer.concat([Buffer.alloc(10), Buffer.from('hello')]));
});

test('readThen (native backends): a result now, or done(ctx, n) once for a read in flight, every byte right', {
  skip: b.readThen === undefined && `the ${b.kind} backend has no readThen (node:fs finishes no read inside the call)`,
}, async () => {
  const data = Buffer.from('abcdefghijklmnopqrstuvwxyz');
  const p = tmp();
  fs.writeFileSync(p, data);
  const fd = await b.open(p, O_RDONLY, 0);
  const buf = Buffer.alloc(4 * 10, 0x2e);
  const seen = new Map();
  let settled;
  const allSettled = new Promise((resolve) => (settled = resolve));
  const done = (ctx, n) => {
    assert.ok(!seen.has(ctx), `done called once per read (${ctx})`);
    seen.set(ctx, n);
    if (seen.size === waiting) settled();
  };
  // One synchronous run: the first read may finish inside its call, the rest are in flight.
  const asks = [
    { pos: 0, len: 10 },
    { pos: 10, len: 10 },
    { pos: 20, len: 10 }, // short: 6 bytes to end of file
    { pos: 40, len: 10 }, // past the end: 0
  ];
  const now = asks.map((a, i) => b.readThen(fd, buf, i * 10, a.len, a.pos, done, `read ${i}`));
  const waiting = now.filter((r) => r === undefined).length;
  assert.ok(waiting >= asks.length - 1, 'at most the first read of the run finishes inside its call');
  if (waiting > 0) await allSettled;
  const results = now.map((r, i) => r ?? seen.get(`read ${i}`));
  assert.deepStrictEqual(results, [10, 10, 6, 0]);
  assert.strictEqual(seen.size, waiting, 'a read whose result came back now is not reported again');
  assert.strictEqual(buf.toString('latin1', 0, 26), 'abcdefghijklmnopqrstuvwxyz'.slice(0, 20) + 'uvwxyz');
  assert.strictEqual(buf.toString('latin1', 26), '.'.repeat(14), 'nothing written past what was read');
  await b.close(fd);
  // A read the kernel fails reports -errno through the same paths.
  const failed = await new Promise((resolve) => {
    const r = b.readThen(fd, buf, 0, 4, 0, (ctx, n) => resolve([ctx, n]), 'closed fd');
    if (r !== undefined) resolve(['closed fd', r]);
  });
  assert.deepStrictEqual(failed, ['closed fd', -E.EBADF]);
});

test('pos -1 reads and writes at the file position; O_APPEND appends', async () => {
  const p = tmp();
  const fd = await b.open(p, O_RDWR | O_CREAT | O_TRUNC, 0o644);
  assert.strictEqual(await b.write(fd, Buffer.from('abc'), 0, 3, -1), 3);
  assert.strictEqual(await b.write(fd, Buffer.from('def'), 0, 3, -1), 3);
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'abcdef');
  await b.close(fd);
  const rfd = await b.open(p, O_RDONLY, 0);
  const buf = Buffer.alloc(4);
  assert.strictEqual(await b.read(rfd, buf, 0, 4, -1), 4);
  assert.strictEqual(buf.toString(), 'abcd');
  assert.strictEqual(await b.read(rfd, buf, 0, 4, -1), 2);
  assert.strictEqual(buf.subarray(0, 2).toString(), 'ef');
  await b.close(rfd);
  const afd = await b.open(p, O_WRONLY | O_APPEND, 0);
  assert.strictEqual(await b.write(afd, Buffer.from('gh'), 0, 2, -1), 2);
  await b.close(afd);
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'abcdefgh');
});

test('fsync and fdatasync resolve 0; EBADF on a closed fd', async () => {
  const fd = await b.open(tmp(), O_RDWR | O_CREAT, 0o644);
  await b.write(fd, Buffer.from('data'), 0, 4, 0);
  assert.strictEqual(await b.fsync(fd, false), 0);
  assert.strictEqual(await b.fsync(fd, true), 0);
  assert.strictEqual(await b.close(fd), 0);
  assert.strictEqual(await b.close(fd), -E.EBADF);
  assert.strictEqual(await b.read(fd, Buffer.alloc(1), 0, 1, 0), -E.EBADF);
  assert.strictEqual(await b.fsync(fd, false), -E.EBADF);
});

test('read on a write-only fd and write on a read-only fd fail EBADF', async () => {
  const p = tmp();
  fs.writeFileSync(p, 'abc');
  const wfd = await b.open(p, O_WRONLY, 0);
  assert.strictEqual(await b.read(wfd, Buffer.alloc(3), 0, 3, 0), -E.EBADF);
  await b.close(wfd);
  const rfd = await b.open(p, O_RDONLY, 0);
  assert.strictEqual(await b.write(rfd, Buffer.from('x'), 0, 1, 0), -E.EBADF);
  await b.close(rfd);
});

test('ftruncate shrinks and extends', async () => {
  const p = tmp();
  fs.writeFileSync(p, 'hello world');
  const fd = await b.open(p, O_RDWR, 0);
  assert.strictEqual(await b.ftruncate(fd, 5), 0);
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'hello');
  assert.strictEqual(await b.ftruncate(fd, 8), 0);
  assert.deepStrictEqual(fs.readFileSync(p), Buffer.from('hello\0\0\0'));
  await b.close(fd);
});

/** The fields both stat ops must agree with fs.statSync on. */
function assertSameStat(ours, theirs) {
  assert.strictEqual(typeof ours, 'object', `stat failed with ${ours}`);
  for (const k of ['dev', 'ino', 'mode', 'nlink', 'uid', 'gid', 'rdev', 'size', 'blksize', 'blocks']) {
    assert.strictEqual(ours[k], theirs[k], k);
  }
  // Wine moves atime when a file is opened, so there the two stats see different atimes.
  const times = process.env.AYAFILEIO_WINE === '1' ? ['mtimeMs', 'ctimeMs', 'birthtimeMs'] : ['atimeMs', 'mtimeMs', 'ctimeMs', 'birthtimeMs'];
  for (const k of times) assert.ok(Math.abs(ours[k] - theirs[k]) < 0.001, k);
}

test('fstat and stat agree with fs.statSync; stat follows symlinks; errors are raw', async () => {
  const p = tmp();
  fs.writeFileSync(p, Buffer.alloc(12345, 1));
  const fd = await b.open(p, O_RDONLY, 0);
  assertSameStat(await b.fstat(fd), fs.statSync(p));
  await b.close(fd);
  assertSameStat(await b.stat(p), fs.statSync(p));
  if (process.env.AYAFILEIO_WINE !== '1') { // Wine's symlinks do not resolve (readlink says ENOENT)
    const link = tmp('link');
    fs.symlinkSync(p, link);
    assertSameStat(await b.stat(link), fs.statSync(p));
  }
  assertSameStat(await b.stat(dir), fs.statSync(dir));
  assert.strictEqual(await b.stat(path.join(dir, 'missing')), -E.ENOENT);
  assert.strictEqual(await b.fstat(fd), -E.EBADF);
});

test('many concurrent ops on one fd all settle with their own results', async () => {
  const p = tmp();
  const data = Buffer.alloc(4096 * 64);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 12)) & 0xff;
  fs.writeFileSync(p, data);
  const fd = await b.open(p, O_RDONLY, 0);
  const bufs = Array.from({ length: 3000 }, () => Buffer.alloc(4096));
  const results = await Promise.all(bufs.map((buf, i) => b.read(fd, buf, 0, 4096, (i % 64) * 4096)));
  results.forEach((n, i) => {
    assert.strictEqual(n, 4096);
    assert.ok(bufs[i].equals(data.subarray((i % 64) * 4096, (i % 64 + 1) * 4096)), `read ${i}`);
  });
  await b.close(fd);
});

test('ops issued from inside completions and across event-loop turns all settle', async () => {
  const p = tmp();
  fs.writeFileSync(p, 'abcdefgh');
  const fd = await b.open(p, O_RDONLY, 0);
  const seen = [];
  for (let i = 0; i < 8; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    const buf = Buffer.alloc(1);
    assert.strictEqual(await b.read(fd, buf, 0, 1, i), 1);
    seen.push(buf.toString());
  }
  assert.strictEqual(seen.join(''), 'abcdefgh');
  await b.close(fd);
});

test('large reads and writes (the io-wq path on io_uring) move every byte', async () => {
  const p = tmp();
  const data = require('node:crypto').randomBytes(4 << 20);
  const fd = await b.open(p, O_RDWR | O_CREAT | O_TRUNC, 0o644);
  const CHUNK = 1 << 20;
  const writes = [];
  for (let off = 0; off < data.length; off += CHUNK) writes.push(b.write(fd, data, off, CHUNK, off));
  assert.deepStrictEqual(await Promise.all(writes), [CHUNK, CHUNK, CHUNK, CHUNK]);
  const back = Buffer.alloc(data.length);
  const reads = [];
  for (let off = 0; off < data.length; off += CHUNK / 2) reads.push(b.read(fd, back, off, CHUNK / 2, off));
  assert.ok((await Promise.all(reads)).every((n) => n === CHUNK / 2));
  assert.ok(back.equals(data));
  assert.ok(fs.readFileSync(p).equals(data));
  await b.close(fd);
});

test('cancelFd: ops stuck on an fd end ECANCELED, others are untouched', {
  skip: process.platform === 'win32' ? 'FIFOs are POSIX' : false,
}, async () => {
  const fifo = tmp('fifo');
  assert.strictEqual(require('node:child_process').spawnSync('mkfifo', [fifo]).status, 0);
  const keeper = require('node:fs').openSync(fifo, 'r+'); // to wake what stays parked, at the end
  const fd = await b.open(fifo, O_RDWR, 0);
  const other = await b.open(tmp(), O_RDWR | O_CREAT, 0o644);
  const stuck = [b.read(fd, Buffer.alloc(4), 0, 4, -1), b.read(fd, Buffer.alloc(4), 0, 4, -1)];
  const fine = b.write(other, Buffer.from('ok'), 0, 2, 0);
  assert.strictEqual(await b.cancelFd(fd), 2);
  assert.deepStrictEqual(await Promise.all(stuck), [-E.ECANCELED, -E.ECANCELED]);
  assert.strictEqual(await fine, 2);
  assert.strictEqual(await b.cancelFd(fd), 0);
  assert.strictEqual(await b.close(fd), 0);
  assert.strictEqual(await b.close(other), 0);
  // The fallback only abandons its reads (a pool thread cannot be interrupted): data on the
  // FIFO lets those threads finish, and their late results must be dropped, not delivered.
  require('node:fs').writeSync(keeper, Buffer.alloc(8));
  require('node:fs').closeSync(keeper);
});

test('mkdir, unlink (and rmdir), rename: raw results and errors as node:fs gives them; io_uring runs them in the kernel', async () => {
  if (b.kind === 'io_uring') {
    const ops = getBackendInfo().ring.ops;
    for (const op of ['mkdir', 'unlink', 'rename']) assert.ok(ops.includes(op), `${op} (this kernel has mkdirat since 5.15)`);
  }
  const d = tmp('dir');
  assert.strictEqual(await b.mkdir(d, 0o750), 0);
  if (process.platform !== 'win32') assert.strictEqual(fs.statSync(d).mode & 0o777, 0o750 & ~process.umask(), 'mode, less the umask');
  assert.ok(fs.statSync(d).isDirectory());
  assert.strictEqual(await b.mkdir(d, 0o755), -E.EEXIST);
  assert.strictEqual(await b.mkdir(path.join(dir, 'no', 'such'), 0o755), -E.ENOENT);
  const f = path.join(d, 'file');
  fs.writeFileSync(f, 'x');
  assert.strictEqual(await b.unlink(d, true), -E.ENOTEMPTY, 'rmdir of a directory with a file');
  const g = path.join(d, 'moved');
  assert.strictEqual(await b.rename(f, g), 0);
  assert.ok(!fs.existsSync(f) && fs.readFileSync(g, 'utf8') === 'x');
  assert.strictEqual(await b.rename(f, g), -E.ENOENT);
  assert.strictEqual(await b.unlink(g, false), 0);
  assert.strictEqual(await b.unlink(g, false), -E.ENOENT);
  if (process.platform === 'linux') assert.strictEqual(await b.unlink(d, false), -E.EISDIR, 'unlink of a directory');
  assert.strictEqual(await b.unlink(d, true), 0);
  assert.ok(!fs.existsSync(d));
});

// writeThen / fstatCached: io_uring's own (the other backends leave them out, and AsyncFile then
// runs the write and the close or fsync one after the other: test/25 and test/57 cover both).
const linking = b.writeThen !== undefined;
const notLinking = !linking && `the ${b.kind} backend does not link ops (writeThen is io_uring's)`;

test('writeThen is io_uring only: the other backends leave it out', () => {
  assert.strictEqual(linking, b.kind === 'io_uring');
  assert.strictEqual(b.fstatCached !== undefined, b.kind === 'io_uring');
  assert.strictEqual(b.kernelOwnsSize !== undefined, b.kind === 'io_uring');
  if (b.kind === 'io_uring') assert.ok(getBackendInfo().ring.ops.includes('writeThen'));
});

/** writeThen's two results, and what each onDone saw (in settling order). */
async function linked(fd, data, pos, next) {
  const seen = [];
  const ops = b.writeThen(fd, data, 0, data.length, pos, next, (n) => seen.push(['written', n]), (n) => seen.push([next, n]));
  assert.ok(ops !== undefined, 'the addon took the pair');
  return { written: await ops.written, next: await ops.next, seen };
}

test('writeThen close: the write, then the fd closed, one submission', { skip: notLinking }, async () => {
  const p = tmp();
  const fd = fs.openSync(p, 'w');
  const r = await linked(fd, Buffer.from('linked close'), 0, 'close');
  assert.deepStrictEqual(r, { written: 12, next: 0, seen: [['written', 12], ['close', 0]] });
  assert.throws(() => fs.fstatSync(fd), { code: 'EBADF' }, 'the fd is closed');
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'linked close');
});

test('writeThen fsync / fdatasync: the write, then the sync; the fd stays open', { skip: notLinking }, async () => {
  const p = tmp();
  const fd = fs.openSync(p, 'w');
  assert.deepStrictEqual(await linked(fd, Buffer.from('abc'), 0, 'fdatasync'), { written: 3, next: 0, seen: [['written', 3], ['fdatasync', 0]] });
  assert.deepStrictEqual(await linked(fd, Buffer.from('def'), 3, 'fsync'), { written: 3, next: 0, seen: [['written', 3], ['fsync', 0]] });
  fs.closeSync(fd);
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'abcdef');
});

test('writeThen: a failed write cancels the linked close, and the fd stays open', { skip: notLinking }, async () => {
  const p = tmp();
  fs.writeFileSync(p, 'ro');
  const fd = fs.openSync(p, 'r');
  const r = await linked(fd, Buffer.from('x'), 0, 'close');
  assert.deepStrictEqual(r, { written: -E.EBADF, next: -E.ECANCELED, seen: [['written', -E.EBADF], ['close', -E.ECANCELED]] });
  assert.strictEqual(fs.fstatSync(fd).size, 2, 'the fd is still open');
  fs.closeSync(fd);
});

test('writeThen: a short write (ulimit -f) cancels the linked op', { skip: notLinking || (process.platform !== 'linux' && 'ulimit -f: Linux') }, async () => {
  const code = `
const fs = require('node:fs');
const { getBackend } = require(${JSON.stringify(require('./_lib/internals.js').paths.engine)});
const b = getBackend();
const fd = fs.openSync(process.argv[1], 'w');
const ops = b.writeThen(fd, Buffer.alloc(8192, 'x'), 0, 8192, 0, 'close', () => {}, () => {});
Promise.all([ops.written, ops.next]).then(([written, next]) => {
  console.log(JSON.stringify({ written, next, open: fs.fstatSync(fd).size }));
});`;
  const r = spawnSync('bash', ['-c', 'ulimit -f 4 && exec "$0" "$@"', process.execPath, '-e', code, tmp()], { encoding: 'utf8', timeout: 30_000 });
  assert.strictEqual(r.status, 0, r.stderr);
  assert.deepStrictEqual(JSON.parse(r.stdout), { written: 4096, next: -E.ECANCELED, open: 4096 });
});

test('writeThen pairs through a ring of 1, 2 and 4 entries: none hangs, every result right', { skip: notLinking }, async (t) => {
  t.after(() => resetConfig());
  for (const depth of [1, 2, 4]) {
    configure({ ioUringQueueDepth: depth });
    const files = Array.from({ length: 40 }, () => ({ p: tmp('pair'), data: Buffer.from(`pair ${seq} at depth ${depth}\n`.repeat(seq % 7 + 1)) }));
    const fds = files.map((f) => fs.openSync(f.p, 'w'));
    const runs = files.map((f, i) => {
      const ops = b.writeThen(fds[i], f.data, 0, f.data.length, 0, i % 2 ? 'close' : 'fdatasync', () => {}, () => {});
      if (depth === 1) {
        assert.strictEqual(ops, undefined, 'a ring of one entry cannot take a pair: the caller runs the two ops');
        return b.write(fds[i], f.data, 0, f.data.length, 0).then((n) => [n, 0]);
      }
      return Promise.all([ops.written, ops.next]);
    });
    const results = await Promise.all(runs);
    results.forEach(([n, next], i) => assert.deepStrictEqual([n, next], [files[i].data.length, 0], `pair ${i} at depth ${depth}`));
    fds.forEach((fd, i) => {
      if (depth === 1 || i % 2 === 0) fs.closeSync(fd);
    });
    files.forEach((f) => assert.ok(fs.readFileSync(f.p).equals(f.data), f.p));
  }
});

test('fstatCached: the mode, size and device fstat gives, for a file, a directory and a FIFO; EBADF for a closed fd', { skip: b.fstatCached === undefined && `the ${b.kind} backend has no fstatCached (io_uring only)` }, async () => {
  const p = tmp();
  fs.writeFileSync(p, 'twelve bytes');
  const fifo = tmp('fifo');
  assert.strictEqual(spawnSync('mkfifo', [fifo]).status, 0);
  for (const [file, flags] of [[p, 'r'], [dir, 'r'], [fifo, fs.constants.O_RDWR]]) {
    const fd = fs.openSync(file, flags);
    const st = await b.fstat(fd);
    assert.deepStrictEqual(b.fstatCached(fd), { mode: st.mode, size: st.size, dev: st.dev }, file);
    fs.closeSync(fd);
  }
  const fd = fs.openSync(p, 'r');
  fs.closeSync(fd);
  assert.strictEqual(b.fstatCached(fd), -E.EBADF);
});

/** The major number of a device number as stat gives it (glibc's major()). */
const devMajor = (dev) => ((dev >>> 8) & 0xfff) | (Math.floor(dev / 2 ** 32) & ~0xfff);

test('kernelOwnsSize: true on a filesystem on a block device (its sizes are the kernel\'s), false for a closed fd', { skip: b.kernelOwnsSize === undefined && `the ${b.kind} backend has no kernelOwnsSize (io_uring only)` }, (t) => {
  // FUSE's false: test/77 (it needs a mount).
  const onDisk = [dir, __dirname].find((d) => devMajor(fs.statSync(d).dev) !== 0);
  if (onDisk === undefined) return t.skip('neither the temporary directory nor the tests are on a block device here');
  const fd = fs.openSync(onDisk, 'r');
  assert.strictEqual(b.kernelOwnsSize(fd), true);
  fs.closeSync(fd);
  assert.strictEqual(b.kernelOwnsSize(fd), false);
});

// writeWhole: writeFile's open, then from its completion the cut (where the file is longer
// than the data), the write and the close, hardlinked, with one completion (io_uring). Its
// failures are -(errno + 4096 * step); a file it could not go on with comes back open.
const chaining = b.writeWhole !== undefined;
const notChaining = !chaining && `the ${b.kind} backend has no whole-file chain (writeWhole is io_uring's)`;
const STEP = { open: 1, write: 2, cut: 3, close: 4, writeNotRegular: 5 };
const failed = (step, errno) => -(errno + 4096 * STEP[step]);
/** A whole-file op's result handing its open fd over: -(HANDOVER + fd). */
const HANDOVER = 1 << 24;
const WRITE_IN_PLACE = O_WRONLY | O_CREAT; // writeFile's 'w' without O_TRUNC

/** The number of fds this process has open (Linux: /proc/self/fd). */
const openFds = () => fs.readdirSync('/proc/self/fd').length;

test('writeWhole is io_uring only: the other backends leave it out', () => {
  assert.strictEqual(chaining, b.kind === 'io_uring');
  if (chaining) assert.ok(getBackendInfo().ring.ops.includes('writeWhole'));
});

test('writeWhole writes over a longer file, cuts it, closes it (same inode, no fd left open); over one as long or shorter without a cut; creates a missing one with its mode', { skip: notChaining }, async () => {
  const p = tmp();
  fs.writeFileSync(p, 'x'.repeat(5000));
  const ino = fs.statSync(p).ino;
  const before = openFds();
  const data = Buffer.from('replaced in place');
  assert.strictEqual(await b.writeWhole(p, WRITE_IN_PLACE, 0o644, data, 0, data.length), data.length);
  assert.strictEqual(openFds(), before, 'closed');
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'replaced in place');
  assert.strictEqual(fs.statSync(p).ino, ino);
  for (const older of ['REPLACED IN PLACE', 'shorter']) {
    fs.writeFileSync(p, older);
    assert.strictEqual(await b.writeWhole(p, WRITE_IN_PLACE, 0o644, data, 0, data.length), data.length);
    assert.strictEqual(fs.readFileSync(p, 'utf8'), 'replaced in place', `over '${older}'`);
    assert.strictEqual(fs.statSync(p).ino, ino);
  }
  assert.strictEqual(openFds(), before);
  const q = tmp();
  const mid = Buffer.from('0123456789');
  assert.strictEqual(await b.writeWhole(q, WRITE_IN_PLACE, 0o640, mid, 3, 4), 4);
  assert.strictEqual(fs.readFileSync(q, 'utf8'), '3456');
  assert.strictEqual(fs.statSync(q).mode & 0o777, 0o640 & ~process.umask());
});

test('writeWhole failures name their step: open (ENOENT, EISDIR), a device that refuses the write (/dev/full: not cut), a FIFO (written, not cut)', { skip: notChaining }, async () => {
  const data = Buffer.from('data');
  assert.strictEqual(await b.writeWhole(path.join(dir, 'missing', 'f'), WRITE_IN_PLACE, 0o644, data, 0, 4), failed('open', E.ENOENT));
  assert.strictEqual(await b.writeWhole(dir, WRITE_IN_PLACE, 0o644, data, 0, 4), failed('open', E.EISDIR));
  assert.strictEqual(await b.writeWhole('/dev/full', O_WRONLY, 0o644, data, 0, 4), failed('writeNotRegular', E.ENOSPC));
  const fifo = tmp('fifo');
  assert.strictEqual(spawnSync('mkfifo', [fifo]).status, 0);
  const reader = fs.openSync(fifo, O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    assert.strictEqual(await b.writeWhole(fifo, WRITE_IN_PLACE, 0o644, data, 0, 4), 4);
    const got = Buffer.alloc(8);
    assert.strictEqual(fs.readSync(reader, got), 4);
    assert.strictEqual(got.toString('utf8', 0, 4), 'data');
  } finally {
    fs.closeSync(reader);
  }
});

test('writeWhole writes data of any length to a regular file (1 MiB over a longer file, cut); more than PIPE_BUF for a FIFO comes back open, nothing written', { skip: notChaining }, async () => {
  const p = tmp();
  fs.writeFileSync(p, Buffer.alloc(3 << 20, 'o'));
  const big = Buffer.alloc(1 << 20);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
  const before = openFds();
  assert.strictEqual(await b.writeWhole(p, WRITE_IN_PLACE, 0o644, big, 0, big.length), big.length);
  assert.ok(fs.readFileSync(p).equals(big));
  assert.strictEqual(openFds(), before);
  const fifo = tmp('fifo');
  assert.strictEqual(spawnSync('mkfifo', [fifo]).status, 0);
  const reader = fs.openSync(fifo, O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const r = await b.writeWhole(fifo, WRITE_IN_PLACE, 0o644, big, 0, 4097);
    assert.ok(r <= -HANDOVER, `4097 bytes for a FIFO: handed over (${r})`);
    assert.throws(() => fs.readSync(reader, Buffer.alloc(8)), { code: 'EAGAIN' }, 'nothing written');
    assert.strictEqual(await b.close(-r - HANDOVER), 0);
  } finally {
    fs.closeSync(reader);
  }
});

test('writeWhole: a write the file size limit cuts short is reported short (step write, errno 0), the file as long as the limit', { skip: notChaining }, () => {
  const code = `
const { getBackend } = require(${JSON.stringify(require('./_lib/internals.js').paths.engine)});
const fs = require('node:fs');
const p = process.argv[1];
getBackend().writeWhole(p, fs.constants.O_WRONLY | fs.constants.O_CREAT, 0o644, Buffer.alloc(8192, 'x'), 0, 8192)
  .then((r) => console.log(JSON.stringify({ r, size: fs.statSync(p).size })));`;
  const r = spawnSync('bash', ['-c', 'ulimit -f 4 && exec "$0" "$@"', process.execPath, '-e', code, tmp()], { encoding: 'utf8', timeout: 30_000 });
  assert.strictEqual(r.status, 0, r.stderr);
  assert.deepStrictEqual(JSON.parse(r.stdout), { r: failed('write', 0), size: 4096 });
});

test('writeWhole through rings too small to go on, more writes than slots, and configure() mid-flight: handed over and refused ones run step by step, every file right, no fd left', { skip: notChaining, timeout: 120_000 }, async (t) => {
  const { writeFile } = require('../dist/index.js');
  t.after(() => resetConfig());
  const before = openFds();
  configure({ ioUringQueueDepth: 2 });
  const small = Buffer.from('small ring');
  const handedOver = tmp();
  fs.writeFileSync(handedOver, 'a longer file than the data');
  const r = await b.writeWhole(handedOver, WRITE_IN_PLACE, 0o644, small, 0, small.length);
  assert.ok(r <= -HANDOVER, `a ring of 2 entries has no room for the cut, write and close: the open file comes back (${r})`);
  assert.strictEqual(fs.fstatSync(-r - HANDOVER).ino, fs.statSync(handedOver).ino);
  assert.strictEqual(fs.readFileSync(handedOver, 'utf8'), 'a longer file than the data', 'nothing written');
  assert.strictEqual(await b.close(-r - HANDOVER), 0);
  const fits = tmp();
  assert.strictEqual(await b.writeWhole(fits, WRITE_IN_PLACE, 0o644, small, 0, small.length), small.length, 'a new file needs only the write and the close: they fit');
  assert.strictEqual(fs.readFileSync(fits, 'utf8'), 'small ring');
  for (const depth of [2, 256, 64]) {
    configure({ ioUringQueueDepth: depth });
    const files = Array.from({ length: 600 }, (_, i) => ({ p: path.join(dir, `chain-${i}-${depth}`), data: `chain ${i} at depth ${depth}\n`.repeat((i % 5) + 1) }));
    for (const f of files.slice(0, 300)) fs.writeFileSync(f.p, 'an older and longer content '.repeat(9));
    const writes = files.map((f) => writeFile(f.p, f.data));
    if (depth === 256) configure({ ioUringQueueDepth: 128 }); // chains in flight on a retired ring
    await Promise.all(writes);
    for (const f of files) assert.strictEqual(fs.readFileSync(f.p, 'utf8'), f.data, f.p);
  }
  assert.strictEqual(openFds(), before);
});

// readWhole: readFile's read-only open, and for a regular file that fits, its read and close,
// with one completion (io_uring). A file it does not read comes back open:
// -(HANDOVER + fd).
const wholeReads = b.readWhole !== undefined;
const notWholeReads = !wholeReads && `the ${b.kind} backend has no whole-file read (readWhole is io_uring's)`;
const READ_STEP = { read: 1, close: 2 };
const readFailed = (step, errno) => -(errno + 4096 * READ_STEP[step]);

/** The fd a readWhole handed over, checked to be open on `file`, then closed through the backend. */
async function closeHandedOver(r, file) {
  assert.ok(r <= -HANDOVER, `${file}: handed over (${r})`);
  const fd = -r - HANDOVER;
  assert.strictEqual(fs.fstatSync(fd).ino, fs.statSync(file).ino, file);
  assert.strictEqual(await b.close(fd), 0);
}

test('readWhole is io_uring only: the other backends leave it out', () => {
  assert.strictEqual(wholeReads, b.kind === 'io_uring');
  if (wholeReads) assert.ok(getBackendInfo().ring.ops.includes('readWhole'));
});

test('readWhole: a regular file of at most len bytes comes back read at off, its fd closed; a missing one fails its open', { skip: notWholeReads }, async () => {
  const p = tmp();
  fs.writeFileSync(p, 'read at once');
  const before = openFds();
  const buf = Buffer.alloc(20, '-');
  assert.strictEqual(await b.readWhole(p, buf, 3, 12), 12);
  assert.strictEqual(buf.toString(), '---read at once-----');
  assert.strictEqual(openFds(), before, 'closed');
  assert.strictEqual(await b.readWhole(path.join(dir, 'missing'), buf, 0, 20), -E.ENOENT);
  assert.strictEqual(openFds(), before);
});

test('readWhole hands over, open, what it does not read: larger than len, empty, a directory, /proc, a FIFO', { skip: notWholeReads }, async () => {
  const big = tmp();
  fs.writeFileSync(big, 'x'.repeat(100));
  const empty = tmp();
  fs.writeFileSync(empty, '');
  const buf = Buffer.alloc(64);
  const before = openFds();
  for (const file of [big, empty, dir, '/proc/self/stat']) await closeHandedOver(await b.readWhole(file, buf, 0, 64), file);
  // A FIFO's open waits for its writer (in a kernel worker), then comes back open, unread.
  const fifo = tmp('fifo');
  assert.strictEqual(spawnSync('mkfifo', [fifo]).status, 0);
  const reading = b.readWhole(fifo, buf, 0, 64);
  const writer = fs.openSync(fifo, O_WRONLY);
  fs.writeSync(writer, 'through the pipe');
  fs.closeSync(writer);
  const r = await reading;
  assert.ok(r <= -HANDOVER, `handed over (${r})`);
  const got = Buffer.alloc(64);
  assert.strictEqual(await b.read(-r - HANDOVER, got, 0, 64, -1), 16, 'nothing of the pipe was read');
  assert.strictEqual(got.toString('utf8', 0, 16), 'through the pipe');
  assert.strictEqual(await b.close(-r - HANDOVER), 0);
  assert.strictEqual(openFds(), before);
});

const sysfsFailing = '/sys/class/net/lo/speed'; // a regular sysfs file (size 4096) whose read fails EINVAL
test('readWhole: a read that fails names its step (the fd is closed)', { skip: notWholeReads || (!fs.existsSync(sysfsFailing) && `no ${sysfsFailing} on this machine`) }, async () => {
  const before = openFds();
  assert.strictEqual(await b.readWhole(sysfsFailing, Buffer.alloc(8192), 0, 8192), readFailed('read', E.EINVAL));
  assert.strictEqual(openFds(), before);
});

test('readWhole with more reads than slots, on tiny rings, and across configure(): refused or handed over ones are the caller\'s, no fd left', { skip: notWholeReads, timeout: 120_000 }, async (t) => {
  t.after(() => resetConfig());
  const files = Array.from({ length: 600 }, (_, i) => {
    const p = path.join(dir, `whole-${i}`);
    fs.writeFileSync(p, `file ${i}\n`.repeat((i % 7) + 1));
    return p;
  });
  const before = openFds();
  for (const depth of [1, 2, 256, 64]) {
    configure({ ioUringQueueDepth: depth });
    const bufs = files.map(() => Buffer.alloc(64));
    const reads = files.map((p, i) => b.readWhole(p, bufs[i], 0, 64));
    if (depth === 256) configure({ ioUringQueueDepth: 128 }); // reads in flight on a retired ring
    let refused = 0;
    for (let i = 0; i < files.length; i++) {
      if (reads[i] === undefined) {
        refused++;
        continue;
      }
      const r = await reads[i];
      const want = fs.readFileSync(files[i]);
      if (r <= -HANDOVER) {
        const fd = -r - HANDOVER;
        assert.strictEqual(await b.read(fd, bufs[i], 0, 64, 0), want.length);
        assert.strictEqual(await b.close(fd), 0);
      } else {
        assert.strictEqual(r, want.length, files[i]);
      }
      assert.ok(bufs[i].subarray(0, want.length).equals(want), files[i]);
    }
    // 256 slots, fewer ring entries: some were refused (the loop's first call submits at once,
    // and its read may end inside that call, freeing its slot).
    assert.ok(refused >= files.length - 257, `at depth ${depth}: refused ${refused}`);
  }
  assert.strictEqual(openFds(), before);
});

test('bursts of ops that complete in kernel workers (O_TRUNC opens, linked write + close) all settle', { timeout: 120_000 }, async () => {
  // With DEFER_TASKRUN the kernel runs a bounded batch of completions per enter and signals
  // nothing for the rest (docs/engine-notes.md, Task work the kernel leaves queued): before
  // the engine looked for it, 50 linked closes at a time stranded in 1 run of 4.
  const data = Buffer.alloc(900, 'r');
  for (let burst = 0; burst < 40; burst++) {
    const paths = Array.from({ length: 100 }, (_, i) => path.join(dir, `burst-${i}`));
    const fds = await Promise.all(paths.map((p) => b.open(p, O_WRONLY | O_CREAT | O_TRUNC, 0o644)));
    assert.ok(fds.every((fd) => fd >= 0), `burst ${burst}: every open`);
    const closes = fds.map((fd) => {
      const ops = b.writeThen?.(fd, data, 0, data.length, 0, 'close', () => {}, () => {});
      return ops ? Promise.all([ops.written, ops.next]) : b.write(fd, data, 0, data.length, 0).then(async (n) => [n, await b.close(fd)]);
    });
    for (const [n, closed] of await Promise.all(closes)) assert.deepStrictEqual([n, closed], [data.length, 0]);
  }
});
