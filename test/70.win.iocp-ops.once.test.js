'use strict';
// Covers: the IOCP addon directly (native pass only), Windows; what: ops on regular files through the native binding contract.
// The IOCP addon's ops on regular files, driven through the native binding contract:
// results, Node-numbered errors (compared with what node:fs itself reports on the same
// machine), open dispositions, append, stat, long paths, and many random reads at depth.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const util = require('node:util');

const skip = process.platform === 'win32' ? false : 'Windows only';
const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND } = fs.constants;

let driver;
let dir;
function setup() {
  if (driver) return driver;
  const { loadIocpAddon, IocpDriver } = require('./_lib/iocp-driver.js');
  driver = new IocpDriver(loadIocpAddon());
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-iocp-'));
  return driver;
}
test.after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The errno node:fs reports for the same failing call. */
async function fsErrno(fn) {
  try {
    await fn();
  } catch (err) {
    return err.errno;
  }
  throw new Error('node:fs call did not fail');
}

test('exports the contract with backend "iocp"', { skip }, () => {
  const d = setup();
  assert.strictEqual(d.addon.backend, 'iocp');
  for (const fn of ['init', 'open', 'read', 'write', 'fsync', 'ftruncate', 'close', 'statx', 'cancelFd', 'submit', 'shutdown']) {
    assert.strictEqual(typeof d.addon[fn], 'function', fn);
  }
  assert.ok(d.info.ops.includes('read'));
});

test('open/write/read/fsync/ftruncate/fstat/close round trip', { skip }, async () => {
  const d = setup();
  const file = path.join(dir, 'round-trip');
  const fd = await d.open(file, O_RDWR | O_CREAT | O_TRUNC);
  assert.ok(fd >= 3, `fd ${fd}`);
  assert.strictEqual(await d.write(fd, Buffer.from('hello world'), 0, 11, 0), 11);
  const buf = Buffer.alloc(32);
  assert.strictEqual(await d.read(fd, buf, 4, 5, 6), 5);
  assert.strictEqual(buf.toString('latin1', 4, 9), 'world');
  assert.strictEqual(await d.fsync(fd), 0);
  assert.strictEqual((await d.stat(fd)).size, 11);
  assert.strictEqual(await d.ftruncate(fd, 5), 0);
  assert.strictEqual((await d.stat(fd)).size, 5);
  assert.strictEqual(await d.ftruncate(fd, 100000), 0);
  assert.strictEqual(fs.statSync(file).size, 100000);
  assert.strictEqual(await d.close(fd), 0);
  assert.strictEqual(fs.readFileSync(file).subarray(0, 5).toString(), 'hello');
});

test('reads at and past the end give 0 bytes', { skip }, async () => {
  const d = setup();
  const file = path.join(dir, 'eof');
  fs.writeFileSync(file, 'abc');
  const fd = await d.open(file, O_RDONLY);
  const buf = Buffer.alloc(8);
  assert.strictEqual(await d.read(fd, buf, 0, 8, 0), 3);
  assert.strictEqual(await d.read(fd, buf, 0, 8, 3), 0);
  assert.strictEqual(await d.read(fd, buf, 0, 8, 1 << 30), 0);
  assert.strictEqual(await d.close(fd), 0);
});

test('pos -1 reads and writes move the fd position', { skip }, async () => {
  const d = setup();
  const file = path.join(dir, 'position');
  fs.writeFileSync(file, '0123456789');
  const fd = await d.open(file, O_RDWR);
  const buf = Buffer.alloc(4);
  assert.strictEqual(await d.read(fd, buf, 0, 4, -1), 4);
  assert.strictEqual(buf.toString(), '0123');
  assert.strictEqual(await d.write(fd, Buffer.from('ab'), 0, 2, -1), 2);
  assert.strictEqual(await d.read(fd, buf, 0, 4, -1), 4);
  assert.strictEqual(buf.toString(), '6789');
  assert.strictEqual(await d.close(fd), 0);
  assert.strictEqual(fs.readFileSync(file, 'latin1'), '0123ab6789');
});

test('O_APPEND writes always land at the end, even with a position', { skip }, async () => {
  const d = setup();
  const file = path.join(dir, 'append');
  fs.writeFileSync(file, 'start|');
  const fd = await d.open(file, O_WRONLY | O_APPEND | O_CREAT);
  assert.strictEqual(await d.write(fd, Buffer.from('one|'), 0, 4, -1), 4);
  assert.strictEqual(await d.write(fd, Buffer.from('two|'), 0, 4, 0), 4);
  fs.appendFileSync(file, 'other|'); // another writer: appends must not overwrite it
  assert.strictEqual(await d.write(fd, Buffer.from('three'), 0, 5, -1), 5);
  assert.strictEqual(await d.close(fd), 0);
  assert.strictEqual(fs.readFileSync(file, 'latin1'), 'start|one|two|other|three');
});

test('dispositions: O_TRUNC empties, O_EXCL refuses, O_CREAT creates, plain open needs the file', { skip }, async () => {
  const d = setup();
  const file = path.join(dir, 'disp');
  fs.writeFileSync(file, 'old contents');
  let fd = await d.open(file, O_WRONLY | O_CREAT | O_TRUNC);
  assert.ok(fd >= 0);
  assert.strictEqual((await d.stat(fd)).size, 0);
  assert.strictEqual(await d.close(fd), 0);
  assert.strictEqual(await d.open(file, O_RDWR | O_CREAT | O_EXCL), await fsErrno(() => fs.promises.open(file, 'wx+')));
  const fresh = path.join(dir, 'fresh');
  fd = await d.open(fresh, O_RDWR | O_CREAT | O_EXCL);
  assert.ok(fd >= 0);
  assert.strictEqual(await d.close(fd), 0);
  assert.ok(fs.existsSync(fresh));
  const missing = path.join(dir, 'missing');
  assert.strictEqual(await d.open(missing, O_RDWR), await fsErrno(() => fs.promises.open(missing, 'r+')));
  assert.ok(!fs.existsSync(missing));
});

test('errors carry the errno node:fs reports, named by util.getSystemErrorMap()', { skip }, async () => {
  const d = setup();
  const names = util.getSystemErrorMap();
  const missing = path.join(dir, 'nope', 'x');
  const enoent = await d.open(missing, O_RDONLY);
  assert.strictEqual(enoent, await fsErrno(() => fs.promises.open(missing, 'r')));
  assert.strictEqual(names.get(enoent)[0], 'ENOENT');

  const exists = path.join(dir, 'exists');
  fs.writeFileSync(exists, '');
  const eexist = await d.open(exists, O_WRONLY | O_CREAT | O_EXCL);
  assert.strictEqual(names.get(eexist)[0], 'EEXIST');

  const dfd = await d.open(dir, O_RDONLY);
  assert.ok(dfd >= 0, 'directories open, like in Node');
  const eisdir = await d.read(dfd, Buffer.alloc(4), 0, 4, 0);
  const nodeFd = fs.openSync(dir, 'r');
  const expected = await fsErrno(() => util.promisify(fs.read)(nodeFd, Buffer.alloc(4), 0, 4, 0));
  fs.closeSync(nodeFd);
  assert.strictEqual(eisdir, expected);
  assert.strictEqual(names.get(eisdir)[0], 'EISDIR');
  assert.strictEqual(await d.close(dfd), 0);

  const ebadf = await d.read(987654, Buffer.alloc(4), 0, 4, 0);
  assert.strictEqual(names.get(ebadf)[0], 'EBADF');
  assert.strictEqual(await d.close(987654), ebadf);
  assert.strictEqual(await d.stat(1), ebadf, 'fds 0-2 are never handed out');
});

test('a closed fd is refused and its number is reused', { skip }, async () => {
  const d = setup();
  const file = path.join(dir, 'reuse');
  fs.writeFileSync(file, 'x');
  const fd = await d.open(file, O_RDONLY);
  assert.strictEqual(await d.close(fd), 0);
  assert.strictEqual(util.getSystemErrorMap().get(await d.read(fd, Buffer.alloc(1), 0, 1, 0))[0], 'EBADF');
  assert.strictEqual(util.getSystemErrorMap().get(await d.close(fd))[0], 'EBADF');
  const again = await d.open(file, O_RDONLY);
  assert.strictEqual(again, fd);
  assert.strictEqual(await d.close(again), 0);
});

test('bad arguments are refused at once with EINVAL', { skip }, async () => {
  const d = setup();
  const einval = -4071;
  const buf = Buffer.alloc(4);
  assert.strictEqual(d.addon.read(1, 3, buf, 2, 4, 0), einval);
  assert.strictEqual(d.addon.read(1, 3, buf, 0, 4, -2), einval);
  assert.strictEqual(d.addon.open(1, Buffer.from('no-nul', 'utf16le'), 0, 0), einval);
  assert.strictEqual(d.addon.statx(1, 3, null, Buffer.alloc(16)), einval);
  assert.strictEqual(d.addon.init({}, new Float64Array(4), () => {}), einval);
});

test('init() again reconfigures the running port; info() describes it', { skip }, async () => {
  const d = setup();
  const again = d.addon.init({}, d.completions, (n) => d.settle(n, 'callback'));
  assert.deepStrictEqual(again, d.addon.info());
  assert.strictEqual(again.entries, d.completions.length / 2);
  const file = path.join(dir, 'after-reinit');
  const fd = await d.open(file, O_RDWR | O_CREAT);
  assert.strictEqual(await d.write(fd, Buffer.from('ok'), 0, 2, 0), 2);
  assert.strictEqual(await d.close(fd), 0);
});

test('fstat and stat(path) agree with fs.statSync', { skip }, async () => {
  const d = setup();
  const file = path.join(dir, 'stat');
  fs.writeFileSync(file, Buffer.alloc(5000, 1));
  const expected = fs.statSync(file);
  const fd = await d.open(file, O_RDONLY);
  const byFd = await d.stat(fd);
  const byPath = await d.stat(-1, file);
  assert.strictEqual(await d.close(fd), 0);
  for (const st of [byFd, byPath]) {
    for (const k of ['dev', 'ino', 'mode', 'nlink', 'size', 'blksize', 'blocks']) {
      assert.strictEqual(st[k], expected[k], k);
    }
    for (const k of ['mtimeMs', 'ctimeMs', 'birthtimeMs']) {
      assert.ok(Math.abs(st[k] - expected[k]) < 1, `${k}: ${st[k]} vs ${expected[k]}`);
    }
  }
  const dirStat = await d.stat(-1, dir);
  assert.strictEqual(dirStat.mode, fs.statSync(dir).mode);
  assert.strictEqual(dirStat.size, 0);
  assert.strictEqual(util.getSystemErrorMap().get(await d.stat(-1, path.join(dir, 'absent')))[0], 'ENOENT');
});

test('a file created without write permission is read-only, as with node:fs', { skip }, async () => {
  const d = setup();
  const file = path.join(dir, 'readonly');
  const fd = await d.open(file, O_WRONLY | O_CREAT, 0o444);
  assert.strictEqual(await d.close(fd), 0);
  fs.closeSync(fs.openSync(path.join(dir, 'readonly-node'), 'w', 0o444));
  assert.strictEqual((await d.stat(-1, file)).mode, fs.statSync(path.join(dir, 'readonly-node')).mode);
});

test('paths longer than MAX_PATH open through the \\\\?\\ form', { skip }, async () => {
  const d = setup();
  let deep = dir;
  while (deep.length < 300) deep = path.join(deep, 'a-rather-long-directory-name');
  fs.mkdirSync(deep, { recursive: true });
  const file = path.join(deep, 'f.txt');
  assert.ok(file.length > 260);
  const fd = await d.open(file, O_RDWR | O_CREAT);
  assert.ok(fd >= 0, `open gave ${fd}`);
  assert.strictEqual(await d.write(fd, Buffer.from('deep'), 0, 4, 0), 4);
  assert.strictEqual(await d.close(fd), 0);
  assert.strictEqual(fs.readFileSync(file, 'latin1'), 'deep');
  assert.strictEqual((await d.stat(-1, file)).size, 4);
});

test('non-ASCII file names round-trip through UTF-16', { skip }, async () => {
  const d = setup();
  const file = path.join(dir, 'naïve-файл-日本.txt');
  const fd = await d.open(file, O_WRONLY | O_CREAT);
  assert.strictEqual(await d.close(fd), 0);
  assert.ok(fs.readdirSync(dir).includes('naïve-файл-日本.txt'));
});

test('20,000 random 4 KiB reads at depth 32 return the right bytes', { skip }, async () => {
  const d = setup();
  const file = path.join(dir, 'random');
  const blocks = 4096; // 16 MiB
  const data = Buffer.alloc(blocks * 4096);
  for (let b = 0; b < blocks; b++) data.fill(b & 0xff, b * 4096, b * 4096 + 4096).writeUInt32LE(b, b * 4096);
  fs.writeFileSync(file, data);
  const fd = await d.open(file, O_RDONLY);
  let seed = 12345;
  const nextBlock = () => (seed = (seed * 1103515245 + 12345) >>> 0) % blocks;
  let remaining = 20000;
  let bad = 0;
  async function worker() {
    const buf = Buffer.alloc(4096);
    while (remaining-- > 0) {
      const b = nextBlock();
      const n = await d.read(fd, buf, 0, 4096, b * 4096);
      if (n !== 4096 || buf.readUInt32LE(0) !== b || buf[4095] !== (b & 0xff)) bad++;
    }
  }
  await Promise.all(Array.from({ length: 32 }, worker));
  assert.strictEqual(bad, 0);
  assert.strictEqual(d.pending.size, 0);
  assert.strictEqual(await d.close(fd), 0);
});
