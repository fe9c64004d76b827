'use strict';
// Covers: every backend (native and fallback passes; the engine's own fds are io_uring's), every platform (fd-offset and /proc cases Linux, FIFO cases POSIX); what: wrapFd() and special files as node:fs.
// Descriptors and special files behave as node:fs does (issue 12, item 4): wrapFd() starts
// at the fd's offset and appends on an O_APPEND fd, refuses numbers that are not the caller's
// open files (the engine's own eventfd and ring included), positional calls on a pipe reject
// with ESPIPE, and FIFOs and /proc files read as node:fs reads them.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const { execFileSync, spawn } = require('node:child_process');
const { open, wrapFd } = require('../dist/index.js');
const { fileWith, tmpPath, rejectsWith } = require('./_lib/file-helpers.js');
const { runNode, assertChildOk, lastJson } = require('./_lib/reliab-util.js');

const noFdinfo = process.platform !== 'linux' && 'the fd offset and flags are read from /proc/self/fdinfo (Linux only)';
const noFifo = process.platform === 'win32' && 'mkfifo is POSIX';

test("wrapFd starts at the fd's offset: what was written through the fd before stays", { skip: noFdinfo }, async () => {
  const p = fileWith('');
  const fd = fs.openSync(p, 'r+');
  fs.writeSync(fd, 'printed before\n');
  const f = await wrapFd(fd, 'w', { ownsFd: false });
  assert.strictEqual(await f.tell(), 15);
  await f.write('then ours\n');
  await f.close();
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'printed before\nthen ours\n');
  assert.strictEqual(fs.readSync(fd, Buffer.alloc(4), 0, 4, null), 4, "the fd's own offset was not moved");
  fs.closeSync(fd);
});

test('wrapFd of an O_APPEND fd appends whatever the mode, and knows where its writes landed', { skip: noFdinfo }, async () => {
  const p = fileWith('abc');
  const fd = fs.openSync(p, 'a');
  const f = await wrapFd(fd, 'w');
  assert.strictEqual(await f.tell(), 0, "the fd's offset (Python's FileIO: the same)");
  await f.write('def');
  assert.strictEqual(await f.tell(), 6, 'after an append: the end');
  await f.close();
  assert.strictEqual(fs.readFileSync(p, 'utf8'), 'abcdef');
});

test("wrapFd of a just-closed fd number rejects EBADF even when the engine starts and takes that number, and I/O goes on", async () => {
  // In a fresh process (the engine not started yet): the engine's lazily made eventfd and
  // ring take the lowest free numbers, the one just closed among them.
  const code = `
    const fs = require('node:fs');
    const aya = require('./dist/index.js');
    (async () => {
      const fd = fs.openSync(${JSON.stringify(fileWith('data'))}, 'r');
      fs.closeSync(fd);
      const wrapped = await aya.wrapFd(fd, 'rb').then(() => 'resolved', (e) => e.code);
      const after = (await aya.readFile(${JSON.stringify(fileWith('after'))}, 'utf8'));
      console.log(JSON.stringify({ wrapped, after }));
    })();`;
  const r = await runNode(code, { killAfterMs: 20000 });
  assertChildOk(r);
  assert.deepStrictEqual(lastJson(r.stdout), { wrapped: 'EBADF', after: 'after' });
});

test("the engine's own descriptors can never be wrapped (so never closed by a file)", async () => {
  const { loadBinding } = require('./_lib/internals.js').binding;
  const { getBackend } = require('./_lib/internals.js').engine;
  const backend = getBackend();
  await backend.fstat(0); // any op: the engine is running
  const own = backend.kind === 'io_uring' ? loadBinding().addon.ownFds() : [];
  if (backend.kind === 'io_uring') assert.strictEqual(own.length, 2, 'eventfd and ring');
  for (const fd of own) await rejectsWith(wrapFd(fd, 'r+b', { ownsFd: true }), { code: 'EBADF' });
  const f = await open(fileWith('still works'), 'r');
  assert.strictEqual(await f.read(), 'still works');
  await f.close();
});

test('readAt/writeAt on a pipe reject with ESPIPE and write nothing', { skip: noFifo }, async () => {
  const p = tmpPath('fifo');
  execFileSync('mkfifo', [p]);
  const f = await open(p, 'r+b'); // O_RDWR: a FIFO opens at once
  await rejectsWith(f.writeAt(1000, Buffer.from('hello')), { code: 'ESPIPE', syscall: 'write' });
  await rejectsWith(f.readAt(0, 5), { code: 'ESPIPE', syscall: 'read' });
  await rejectsWith(f.readAtInto(0, Buffer.alloc(5)), { code: 'ESPIPE', syscall: 'read' });
  await f.write(Buffer.from('only this\n'));
  await f.flush();
  assert.strictEqual((await f.readline()).toString(), 'only this\n', 'the pipe holds only what write() sent');
  await f.close();
});

test('open() of a FIFO waits for a writer, then reads what it wrote', { skip: noFifo }, async () => {
  const p = tmpPath('fifo');
  execFileSync('mkfifo', [p]);
  let opened = false;
  const pending = open(p, 'r').then((f) => {
    opened = true;
    return f;
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.strictEqual(opened, false, 'no writer yet');
  const writer = spawn('sh', ['-c', 'printf "from the writer\\n" > "$1"', 'sh', p], { stdio: 'ignore' });
  const exited = new Promise((resolve) => writer.on('close', resolve));
  const watchdog = setTimeout(() => writer.kill('SIGKILL'), 20000); // a reader that never opens fails the test
  const f = await pending;
  assert.strictEqual(await f.read(), 'from the writer\n');
  await f.close();
  assert.strictEqual(await exited, 0, 'the writer finished');
  clearTimeout(watchdog);
});

test('/proc files read to the end as node:fs reads them, though their size is 0', { skip: process.platform !== 'linux' && '/proc is Linux' }, async () => {
  const expected = fs.readFileSync('/proc/self/cmdline');
  const b = await open('/proc/self/cmdline', 'rb');
  assert.deepStrictEqual(await b.read(), expected);
  await b.close();
  const t = await open('/proc/self/status', 'r');
  const lines = [];
  for await (const line of t) lines.push(line);
  assert.strictEqual(lines[0], 'Name:\t' + fs.readFileSync('/proc/self/comm', 'utf8'));
  assert.ok(lines.length > 10 && lines.every((l) => l.endsWith('\n')), `${lines.length} lines`);
});

test('an anonymous inode (eventfd) has no position: not seekable, positional calls reject ESPIPE', {
  skip: process.platform !== 'linux' && 'eventfd and /proc/self/fd are Linux',
}, async () => {
  const link = (n) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${n}`);
    } catch {
      return '';
    }
  };
  const ev = fs.readdirSync('/proc/self/fd').find((n) => link(n) === 'anon_inode:[eventfd]'); // libuv's own
  assert.ok(ev !== undefined, 'Node holds an eventfd');
  const f = await wrapFd(Number(ev), 'rb', { ownsFd: false });
  assert.strictEqual(f.seekable(), false);
  await rejectsWith(f.readAt(0, 8), { code: 'ESPIPE' });
  await f.close();
});
