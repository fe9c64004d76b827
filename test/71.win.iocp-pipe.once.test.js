'use strict';
// Covers: the IOCP addon directly (native pass only), Windows; what: synchronous completions, cancel, close and shutdown on a named pipe.
// IOCP paths regular files do not reach under Wine (which completes file I/O always
// asynchronously): a named pipe from node:net completes at once when data is waiting, so
// it drives the synchronous-completion path (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS: the
// result must come back through submit()), and a read with no data stays in flight for
// cancelFd, close with a read in flight, shutdown and worker-teardown tests.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const net = require('node:net');
const util = require('node:util');
const { Worker } = require('node:worker_threads');

const skip = process.platform === 'win32' ? false : 'Windows only';
const { O_RDWR } = fs.constants;
const ECANCELED = -4081;

let addon;
let driver;
/** (Re)initialise the addon for this environment. */
function start() {
  const { loadIocpAddon, IocpDriver } = require('./_lib/iocp-driver.js');
  addon ??= loadIocpAddon();
  if (driver) addon.shutdown();
  driver = new IocpDriver(addon);
  return driver;
}

let pipeCount = 0;
/** A node:net pipe server and our addon's fd connected to it. */
async function connectPipe(d) {
  const name = `\\\\.\\pipe\\ayafileio-test-${process.pid}-${pipeCount++}`;
  const server = net.createServer();
  const accepted = new Promise((resolve) => server.once('connection', resolve));
  await new Promise((resolve) => server.listen(name, resolve));
  const fd = await d.open(name, O_RDWR);
  assert.ok(fd >= 0, `open ${name}: ${fd}`);
  const socket = await accepted;
  const cleanup = () => {
    socket.destroy();
    server.close();
  };
  return { fd, socket, cleanup };
}

function writeFrom(socket, text) {
  return new Promise((resolve, reject) => socket.write(text, (err) => (err ? reject(err) : resolve())));
}

test('ops that complete at once come back through submit(), not the port', { skip }, async () => {
  const d = start();
  const { fd, socket, cleanup } = await connectPipe(d);
  const received = new Promise((resolve) => socket.once('data', resolve));
  const w = await d.issue('write', fd, Buffer.from('ping'), 0, 4, -1).done;
  assert.deepStrictEqual(w, { result: 4, how: 'submit' });
  assert.strictEqual((await received).toString(), 'ping');

  await writeFrom(socket, 'pong'); // now in the pipe: the read finds it waiting
  const buf = Buffer.alloc(16);
  const r = await d.issue('read', fd, buf, 0, 16, -1).done;
  assert.deepStrictEqual(r, { result: 4, how: 'submit' });
  assert.strictEqual(buf.toString('latin1', 0, 4), 'pong');
  assert.strictEqual(await d.close(fd), 0);
  cleanup();
});

test('a read that waits completes through the port and onComplete', { skip }, async () => {
  const d = start();
  const { fd, socket, cleanup } = await connectPipe(d);
  const buf = Buffer.alloc(16);
  const pending = d.issue('read', fd, buf, 0, 16, -1).done;
  await writeFrom(socket, 'later');
  assert.deepStrictEqual(await pending, { result: 5, how: 'callback' });
  assert.strictEqual(buf.toString('latin1', 0, 5), 'later');
  socket.end();
  assert.strictEqual(await d.read(fd, buf, 0, 16, -1), 0, 'the writer left: end of file');
  assert.strictEqual(await d.close(fd), 0);
  cleanup();
});

test('cancelFd() cancels every read in flight on the fd and counts them', { skip }, async () => {
  const d = start();
  const { fd, cleanup } = await connectPipe(d);
  const reads = [0, 1].map(() => d.issue('read', fd, Buffer.alloc(8), 0, 8, -1).done);
  assert.strictEqual(await d.run('cancelFd', fd), 2);
  assert.deepStrictEqual((await Promise.all(reads)).map((r) => r.result), [ECANCELED, ECANCELED]);
  assert.strictEqual(await d.run('cancelFd', fd), 0, 'nothing left in flight');
  assert.strictEqual(await d.close(fd), 0);
  cleanup();
});

test('close() waits for an in-flight read to finish', { skip }, async () => {
  const d = start();
  const { fd, socket, cleanup } = await connectPipe(d);
  const buf = Buffer.alloc(8);
  const read = d.issue('read', fd, buf, 0, 8, -1).done;
  const closed = d.close(fd);
  assert.strictEqual(util.getSystemErrorMap().get(await d.read(fd, buf, 0, 8, -1))[0], 'EBADF', 'closing fds take no new ops');
  await writeFrom(socket, 'data');
  assert.strictEqual((await read).result, 4, 'the read was not cancelled');
  assert.strictEqual(await closed, 0);
  cleanup();
});

// The addon's close sets no time limit: JavaScript cancels what is still in flight after
// closeTimeoutMs with cancelFd, which reaches an fd being closed.
test('cancelFd() during close() ends the read in flight, then the close finishes', { skip }, async () => {
  const d = start();
  const { fd, cleanup } = await connectPipe(d);
  const order = [];
  const read = d.issue('read', fd, Buffer.alloc(8), 0, 8, -1).done.then((r) => order.push(['read', r.result]));
  const closed = d.close(fd).then((r) => order.push(['close', r]));
  assert.strictEqual(await d.run('cancelFd', fd), 1);
  await Promise.all([read, closed]);
  assert.deepStrictEqual(order, [['read', ECANCELED], ['close', 0]]);
  cleanup();
});

test('shutdown() with a read in flight returns, and init() works again after it', { skip }, async () => {
  const d = start();
  const { fd, cleanup } = await connectPipe(d);
  d.issue('read', fd, Buffer.alloc(8), 0, 8, -1);
  assert.strictEqual(addon.shutdown(), 0);
  assert.strictEqual(addon.shutdown(), 0, 'idempotent');
  assert.strictEqual(addon.read(1, fd, Buffer.alloc(1), 0, 1, 0), -4054, 'no port: ENOSYS, as on every backend');
  cleanup();
  driver = undefined;
  const again = start();
  const file = require('node:path').join(require('node:os').tmpdir(), `aya-reinit-${process.pid}`);
  const f = await again.open(file, O_RDWR | fs.constants.O_CREAT);
  assert.ok(f >= 0);
  assert.strictEqual(await again.close(f), 0);
  fs.rmSync(file);
});

test('a worker thread has its own port and tears it down with a read in flight', { skip }, async () => {
  start();
  const name = `\\\\.\\pipe\\ayafileio-worker-${process.pid}`;
  const server = net.createServer();
  server.on('connection', (s) => s.on('error', () => {}));
  await new Promise((resolve) => server.listen(name, resolve));
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { loadIocpAddon, IocpDriver } = require(workerData.driver);
    const d = new IocpDriver(loadIocpAddon());
    d.open(workerData.name, require('node:fs').constants.O_RDWR).then((fd) => {
      d.issue('read', fd, Buffer.alloc(8), 0, 8, -1); // never answered: teardown must cancel it
      parentPort.postMessage({ fd, backend: d.addon.backend });
      process.exit(0);
    });`;
  const worker = new Worker(code, { eval: true, workerData: { name, driver: require.resolve('./_lib/iocp-driver.js') } });
  const message = new Promise((resolve) => worker.once('message', resolve));
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  const msg = await message;
  assert.strictEqual(msg.backend, 'iocp');
  assert.ok(msg.fd >= 3);
  assert.strictEqual(await exited, 0);
  server.close();
});
