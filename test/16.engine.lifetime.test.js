'use strict';
// Covers: every backend (native, waiter-thread and fallback passes), every platform (FIFO case POSIX, syscall count Linux); what: the engine keeps the process alive exactly while ops are in flight.
// The engine keeps the process alive exactly while an op is in flight: an idle process (ring
// set up, ops done) exits on its own; one waiting on a FIFO read stays until the read ends.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');

const internals = require('./_lib/internals.js');

const enginePath = JSON.stringify(internals.paths.engine);

test('an idle process with a set-up engine exits on its own', () => {
  const code = `
    const { getBackend } = require(${enginePath});
    const b = getBackend();
    b.stat(process.execPath).then((st) => process.stdout.write('size ' + st.size));`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 60000 });
  assert.strictEqual(r.signal, null, 'killed by the timeout: the process did not exit');
  assert.strictEqual(r.status, 0, r.stderr);
  assert.strictEqual(r.stdout, `size ${fs.statSync(process.execPath).size}`);
});

test('a process with an op in flight does not exit before the op ends', { skip: process.platform === 'win32' ? 'FIFOs are POSIX' : false }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-alive-'));
  const fifo = path.join(dir, 'fifo');
  try {
    assert.strictEqual(spawnSync('mkfifo', [fifo]).status, 0);
    const code = `
      const fs = require('node:fs');
      const { getBackend } = require(${enginePath});
      (async () => {
        const b = getBackend();
        const fd = await b.open(process.argv[1], fs.constants.O_RDWR /* FIFO: does not block, and no EOF */, 0);
        const buf = Buffer.alloc(16);
        const pending = b.read(fd, buf, 0, 16, -1);
        process.stdout.write('waiting\\n');
        const n = await pending;
        process.stdout.write('read ' + buf.toString('utf8', 0, n) + '\\n');
      })();`;
    const child = spawn(process.execPath, ['-e', code, fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let sawWaiting;
    const waiting = new Promise((resolve) => (sawWaiting = resolve));
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('waiting')) sawWaiting();
    });
    const exited = new Promise((resolve) => child.on('close', (status) => resolve(status)));
    await waiting;
    // The child is blocked in its read; only now does data arrive. (Non-blocking: if the child
    // already exited, there is no reader and this throws ENXIO instead of hanging.)
    const w = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    fs.writeSync(w, 'hello');
    fs.closeSync(w);
    assert.strictEqual(await exited, 0);
    assert.match(out, /read hello/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** read(2)-family syscalls this process has made so far (Linux /proc/self/io). */
function readSyscalls() {
  return Number(/^syscr: (\d+)$/m.exec(fs.readFileSync('/proc/self/io', 'utf8'))[1]);
}

test('an op that stays pending does not keep the event loop busy', {
  timeout: 60000,
  skip: process.platform !== 'linux' ? 'counts syscalls through /proc/self/io' : false,
}, async () => {
  const { getBackend } = internals.engine;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aya-idle-'));
  const fifo = path.join(dir, 'fifo');
  try {
    assert.strictEqual(spawnSync('mkfifo', [fifo]).status, 0);
    const b = getBackend();
    const fd = await b.open(fifo, fs.constants.O_RDWR, 0);
    const buf = Buffer.alloc(8);
    const pending = b.read(fd, buf, 0, 8, -1);
    // A wake-up path that re-arms itself would read its eventfd thousands of times in this
    // window; an idle one a handful at most.
    const before = readSyscalls();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const reads = readSyscalls() - before;
    // End the read before asserting anything: a failed assertion must not leave it pending.
    const w = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    fs.writeSync(w, 'done');
    fs.closeSync(w);
    assert.strictEqual(await pending, 4);
    assert.strictEqual(buf.toString('utf8', 0, 4), 'done');
    assert.ok(reads < 100, `read syscalls while waiting: ${reads}`);
    assert.strictEqual(await b.close(fd), 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
