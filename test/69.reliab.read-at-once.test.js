'use strict';
// Covers: every backend (native, waiter-thread and fallback passes), every platform (FIFO, /proc, sysfs and fd-count cases Linux; a /proc file opened for writing as root); what: readFile of a path as node:fs/promises reads it, around the io_uring path that reads a file of up to 64 KiB with one completion (readWhole).
// readFile reads a regular file of up to 64 KiB into a pooled 64 KiB buffer with one
// completion, then decodes it from there or copies it out (or, over half of it, keeps it);
// other files come back open and are read as before. These cases sit on its edges.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { promisify } = require('node:util');
const { Worker } = require('node:worker_threads');
const { once } = require('node:events');
const nodeFsp = require('node:fs/promises');
const aya = require('ayafileio/fs');
const { configure, getBackendInfo, open, resetConfig } = require('../dist/index.js');
const { isRoot, tmpDir } = require('./_lib/reliab-util.js');

const AT_ONCE = 64 * 1024;
const linux = process.platform === 'linux';

/** The number of fds this process has open (Linux: /proc/self/fd). */
const openFds = () => fs.readdirSync('/proc/self/fd').length;

/** How a promise settled: its value, or the rejection's code, syscall and message. */
const outcome = (p) => p.then((v) => v, (e) => ({ code: e.code, syscall: e.syscall, errno: e.errno, message: e.message }));

test('files around the 64 KiB edge read as node:fs reads them, as Buffers and decoded', async (t) => {
  const dir = tmpDir(t);
  for (const size of [0, 1, 100, 4096, AT_ONCE / 2, AT_ONCE / 2 + 1, AT_ONCE - 1, AT_ONCE, AT_ONCE + 1, 1024 * 1024]) {
    const file = path.join(dir, `f${size}`);
    fs.writeFileSync(file, Buffer.from(Array.from({ length: size }, (_, i) => (i * 7 + size) % 256)));
    const want = fs.readFileSync(file);
    const got = await aya.promises.readFile(file);
    assert.ok(Buffer.isBuffer(got) && got.equals(want), `${size} bytes`);
    for (const encoding of ['latin1', 'base64', 'hex', 'utf8']) {
      assert.strictEqual(await aya.promises.readFile(file, encoding), want.toString(encoding), `${size} bytes, ${encoding}`);
    }
  }
});

test('a short file\'s Buffer does not hold 64 KiB, and no Buffer changes when later reads reuse memory', async (t) => {
  const dir = tmpDir(t);
  const sizes = [10, 5000, AT_ONCE / 2, AT_ONCE / 2 + 1, AT_ONCE];
  const files = [];
  for (let i = 0; i < 60; i++) {
    const file = path.join(dir, `r${i}`);
    fs.writeFileSync(file, Buffer.alloc(sizes[i % sizes.length], 65 + (i % 26)));
    files.push(file);
  }
  const kept = [];
  for (let round = 0; round < 3; round++) kept.push(...(await Promise.all(files.map((f) => aya.promises.readFile(f)))));
  for (let i = 0; i < kept.length; i++) {
    const file = files[i % files.length];
    assert.ok(kept[i].equals(fs.readFileSync(file)), `${file}, read ${Math.floor(i / files.length)}`);
    if (kept[i].length <= AT_ONCE / 2) assert.ok(kept[i].buffer.byteLength < AT_ONCE, `${kept[i].length} bytes hold ${kept[i].buffer.byteLength}`);
  }
});

test('errors are node:fs/promises\' own: a missing file, a directory, a failing sysfs read', async (t) => {
  const dir = tmpDir(t);
  const cases = [path.join(dir, 'missing'), dir];
  const sysfsFailing = '/sys/class/net/lo/speed'; // a regular sysfs file (size 4096) whose read fails EINVAL
  if (linux && fs.existsSync(sysfsFailing)) cases.push(sysfsFailing);
  for (const file of cases) {
    assert.deepStrictEqual(await outcome(aya.promises.readFile(file)), await outcome(nodeFsp.readFile(file)), file);
  }
});

test('files that report no size or are not regular read to their end: /proc, a FIFO with a slow writer', { skip: !linux && 'FIFOs and /proc are Linux here' }, async (t) => {
  const status = await aya.promises.readFile('/proc/self/status', 'utf8');
  assert.match(status, /^Name:/);
  assert.match(status, /VmRSS/);
  const fifo = path.join(tmpDir(t), 'fifo');
  require('node:child_process').execFileSync('mkfifo', [fifo]);
  const chunk = 'p'.repeat(10_000);
  // The writer, in a child process, writes 20 pieces one after another: 200,000 bytes, more
  // than 64 KiB and more than one pipe buffer.
  const writer = require('node:child_process').spawn(process.execPath, ['-e', `
    const fd = require('node:fs').openSync(process.argv[1], 'w');
    for (let i = 0; i < 20; i++) require('node:fs').writeSync(fd, ${JSON.stringify(chunk)});`, fifo]);
  const exited = new Promise((resolve) => writer.on('exit', resolve));
  const text = await aya.promises.readFile(fifo, 'utf8');
  assert.strictEqual(text.length, 200_000);
  assert.ok(text === chunk.repeat(20));
  assert.strictEqual(await exited, 0);
});

test('a thousand reads at once, and configure() while they run: every file right, no fd left', { skip: !linux && 'counts fds in /proc/self/fd', timeout: 120_000 }, async (t) => {
  t.after(() => resetConfig());
  const dir = tmpDir(t);
  const files = Array.from({ length: 1000 }, (_, i) => {
    const file = path.join(dir, `m${i}`);
    fs.writeFileSync(file, `record ${i}\n`.repeat((i % 40) + 1));
    return file;
  });
  const before = openFds();
  for (const depth of [8, 256]) {
    configure({ ioUringQueueDepth: depth });
    const reads = files.map((f) => aya.promises.readFile(f, 'utf8'));
    configure({ ioUringQueueDepth: depth === 8 ? 32 : 64 }); // reads in flight on a retired ring
    const texts = await Promise.all(reads);
    texts.forEach((text, i) => assert.strictEqual(text, fs.readFileSync(files[i], 'utf8'), files[i]));
  }
  assert.strictEqual(openFds(), before);
});

// node:fs itself leaks here: an open that completes on libuv's pool after the worker's end
// leaves its fd open (plain node:fs/promises readFile, the same worker terminated 30 times with
// two busy loops beside it: a leak in 15 of 30), so the fallback, which is node:fs, can too.
const leaksLikeNodeFs = getBackendInfo().backend === 'fallback' && 'the fallback is node:fs, which leaks the fd of an open its pool completes after a worker\'s end';
test('a worker terminated while its readFile calls run leaves no fd open', { skip: (!linux && 'counts fds in /proc/self/fd') || leaksLikeNodeFs, timeout: 60_000 }, async (t) => {
  const dir = tmpDir(t);
  for (let i = 0; i < 200; i++) fs.writeFileSync(path.join(dir, `w${i}`), `worker file ${i}`);
  const before = openFds();
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const fsp = require('ayafileio/fs').promises;
    let reads = 0;
    (async () => {
      for (;;) {
        await Promise.all(Array.from({ length: 200 }, (_, i) => fsp.readFile(workerData + '/w' + i)));
        if (++reads === 3) parentPort.postMessage('reading');
      }
    })();`, { eval: true, workerData: dir });
  await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.strictEqual(openFds(), before);
});

test('a worker that read files through node:fs (an empty file, /proc) and closed them closes no other fd when it ends', { skip: !linux && 'empty and /proc files go through node:fs on io_uring only', timeout: 30_000 }, async (t) => {
  // Their reads go through node:fs under io_uring, but the engine opened the fds: if node:fs
  // closed them too, the engine would close the numbers again when the worker's environment
  // ends, by then the next files' (here the worker's own node:fs opens, which Node leaves open
  // with trackUnmanagedFds off).
  const dir = tmpDir(t);
  const empty = path.join(dir, 'empty');
  const victim = path.join(dir, 'victim');
  fs.writeFileSync(empty, '');
  fs.writeFileSync(victim, 'kept open');
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const fs = require('node:fs');
    const { open } = require('ayafileio');
    (async () => {
      const closed = [];
      for (const name of [workerData.empty, '/proc/self/stat']) {
        const file = await open(name, 'rb');
        closed.push(file.fileno());
        await file.read();
        await file.close();
      }
      // open(2) takes the lowest free numbers: the two just closed among them.
      const reopened = Array.from({ length: 4 }, () => fs.openSync(workerData.victim, 'r'));
      parentPort.postMessage({ closed, reopened });
    })();`, { eval: true, workerData: { empty, victim }, trackUnmanagedFds: false });
  const [{ closed, reopened }] = await once(worker, 'message');
  await once(worker, 'exit');
  try {
    assert.ok(closed.every((fd) => reopened.includes(fd)), `the worker reopened ${closed} (got ${reopened})`);
    for (const fd of reopened) assert.strictEqual(fs.readFileSync(fd, 'utf8'), 'kept open', `fd ${fd} after the worker ended`);
  } finally {
    for (const fd of reopened) fs.closeSync(fd);
  }
});

const sizeless = '/proc/bus/input/devices'; // regular, size 0, a poll that fires only when input devices change
test('a regular file whose size reads 0 and whose poll never fires reads as node:fs reads it (readFile, FileHandle.readFile)', { skip: !fs.existsSync(sizeless) && `no ${sizeless} on this machine`, timeout: 20_000 }, async () => {
  // Before, io_uring's read waited on the file's poll and never settled (the test timed out).
  const want = fs.readFileSync(sizeless);
  assert.ok((await aya.promises.readFile(sizeless)).equals(want));
  const handle = await aya.promises.open(sizeless, 'r');
  try {
    assert.ok((await handle.readFile()).equals(want));
  } finally {
    await handle.close();
  }
});

test('reads of that file through an AsyncFile, a FileHandle and the callback read(fd) settle with its bytes (read, iteration, readv, a stream)', { skip: !fs.existsSync(sizeless) && `no ${sizeless} on this machine`, timeout: 20_000 }, async () => {
  // Before, the ring's read waited on the file's poll: each of these never settled.
  const want = fs.readFileSync(sizeless);
  const file = await open(sizeless, 'rb');
  try {
    assert.ok((await file.read()).equals(want));
    assert.strictEqual((await file.read()).length, 0);
  } finally {
    await file.close();
  }
  const text = await open(sizeless, 'r');
  try {
    const lines = [];
    for await (const line of text) lines.push(line);
    assert.strictEqual(lines.join(''), want.toString());
  } finally {
    await text.close();
  }
  const handle = await aya.promises.open(sizeless, 'r');
  try {
    const buf = Buffer.alloc(want.length + 4096);
    assert.strictEqual((await handle.read(buf, 0, buf.length, 0)).bytesRead, want.length);
    assert.ok(buf.subarray(0, want.length).equals(want));
    assert.strictEqual((await handle.readv([Buffer.alloc(buf.length)], 0)).bytesRead, want.length);
    const chunks = [];
    for await (const chunk of handle.createReadStream({ start: 0, autoClose: false })) chunks.push(chunk);
    assert.ok(Buffer.concat(chunks).equals(want));
  } finally {
    await handle.close();
  }
  const fd = await promisify(aya.open)(sizeless, 'r');
  try {
    const buf = Buffer.alloc(want.length + 4096);
    assert.strictEqual((await promisify(aya.read)(fd, buf, 0, buf.length, null)).bytesRead, want.length);
    assert.ok(buf.subarray(0, want.length).equals(want));
  } finally {
    await promisify(aya.close)(fd);
  }
});

test('as root, that file opened for writing as well reads as node:fs reads it (AsyncFile \'r+b\' and \'a+b\', FileHandle \'r+\', callback read(fd) of an \'r+\' open)', { skip: (!fs.existsSync(sizeless) && `no ${sizeless} on this machine`) || (!isRoot && 'only root may open it for writing'), timeout: 20_000 }, async () => {
  // Before, these reads went to the ring (a file opened for writing as well is mostly one just
  // created or truncated) and waited on the file's poll: none settled.
  const want = fs.readFileSync(sizeless);
  for (const mode of ['r+b', 'a+b']) {
    const file = await open(sizeless, mode);
    try {
      assert.ok((await file.readAt(0, want.length + 4096)).equals(want), mode);
    } finally {
      await file.close();
    }
  }
  const handle = await aya.promises.open(sizeless, 'r+');
  try {
    const buf = Buffer.alloc(want.length + 4096);
    assert.strictEqual((await handle.read(buf, 0, buf.length, null)).bytesRead, want.length);
    assert.ok(buf.subarray(0, want.length).equals(want));
  } finally {
    await handle.close();
  }
  const fd = await promisify(aya.open)(sizeless, 'r+');
  try {
    const buf = Buffer.alloc(want.length + 4096);
    assert.strictEqual((await promisify(aya.read)(fd, buf, 0, buf.length, 0)).bytesRead, want.length);
  } finally {
    await promisify(aya.close)(fd);
  }
});

test('an empty file opened read-only that grows after the open reads its new bytes (AsyncFile, FileHandle, callback read(fd))', async (t) => {
  // Its reads go where a /proc file's do (node:fs under io_uring): the same bytes either way.
  const dir = tmpDir(t);
  const name = path.join(dir, 'grows');
  fs.writeFileSync(name, '');
  const file = await open(name, 'rb');
  const handle = await aya.promises.open(name, 'r');
  const fd = await promisify(aya.open)(name, 'r');
  const readFd = promisify(aya.read);
  try {
    assert.strictEqual((await file.read()).length, 0);
    assert.strictEqual((await handle.read(Buffer.alloc(8), 0, 8, 0)).bytesRead, 0);
    assert.strictEqual((await readFd(fd, Buffer.alloc(8), 0, 8, 0)).bytesRead, 0);
    fs.appendFileSync(name, 'later bytes');
    assert.strictEqual((await file.read()).toString(), 'later bytes');
    for (const reading of [handle.read(Buffer.alloc(32), 0, 32, 0), readFd(fd, Buffer.alloc(32), 0, 32, 0)]) {
      const { bytesRead, buffer } = await reading;
      assert.strictEqual(buffer.toString('latin1', 0, bytesRead), 'later bytes');
    }
  } finally {
    await file.close();
    await handle.close();
    await promisify(aya.close)(fd);
  }
});
