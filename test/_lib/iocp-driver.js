'use strict';
// A minimal JavaScript side for the IOCP addon (and the Dispatch I/O one: test/73), for tests
// that drive the native binding contract (docs/architecture.md) directly: tokens, a pending table, submit() at the
// microtask checkpoint, onComplete for results that arrive later. It records which way
// each result came back, so tests can tell the synchronous-completion path from the port.
const path = require('node:path');
const fs = require('node:fs');

const root = path.join(__dirname, '..', '..');
const STATX_SIZE = 256;

/** The Windows addon: the cross-built prebuild, else a node-gyp build. */
function loadIocpAddon() {
  const candidates = [
    path.join(root, 'prebuilds', 'win32-x64', 'ayafileio.node'),
    path.join(root, 'native', 'build', 'Release', 'ayafileio.node'),
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`no IOCP addon in ${candidates.join(' or ')}`);
  return require(found);
}

/** NUL-terminated UTF-16LE path buffer, as the addon takes paths on Windows. */
function widePath(p) {
  return Buffer.from(`${p}\0`, 'utf16le');
}

/** The few statx fields the tests compare (offsets of Linux's struct statx). */
function parseStatx(b) {
  const u64 = (at) => Number(b.readBigUInt64LE(at));
  const ms = (at) => Number(b.readBigInt64LE(at)) * 1000 + b.readUInt32LE(at + 8) / 1e6;
  const major = b.readUInt32LE(136);
  const minor = b.readUInt32LE(140);
  return {
    dev: (major & 0xfff) * 2 ** 8 + (minor & 0xff) + (minor >>> 8) * 2 ** 20,
    ino: u64(32), mode: b.readUInt16LE(28), nlink: b.readUInt32LE(16), size: u64(40),
    blksize: b.readUInt32LE(4), blocks: u64(48),
    atimeMs: ms(64), birthtimeMs: ms(80), ctimeMs: ms(96), mtimeMs: ms(112),
  };
}

class IocpDriver {
  /** Initialise the addon's port for this environment. */
  constructor(addon, { pairs = 256 } = {}) {
    this.addon = addon;
    this.completions = new Int32Array(pairs * 2);
    this.pending = new Map();
    this.nextToken = 0;
    this.submitQueued = false;
    this.arrived = { submit: 0, callback: 0 };
    const options = { queueDepth: 256, sqpoll: false, ioWorkers: 0 };
    this.info = addon.init(options, this.completions, (n) => this.settle(n, 'callback'));
  }

  settle(count, how) {
    for (let i = 0; i < count; i++) {
      const token = this.completions[2 * i];
      const entry = this.pending.get(token);
      if (!entry) throw new Error(`completion for unknown token ${token}`);
      this.pending.delete(token);
      this.arrived[how]++;
      entry.resolve({ result: this.completions[2 * i + 1], how });
    }
  }

  takeToken() {
    do this.nextToken = (this.nextToken + 1) % (1 << 20);
    while (this.pending.has(this.nextToken));
    return this.nextToken;
  }

  /** Issue one op; resolves { result, how } ('refused', 'submit' or 'callback'). */
  issue(name, ...args) {
    const token = this.takeToken();
    return { token, done: this.issueAs(token, name, args) };
  }

  issueAs(token, name, args) {
    return new Promise((resolve) => {
      const r = this.addon[name](token << 1, ...args); // a ticket that only queues; submit() follows
      if (r < 0) return resolve({ result: r, how: 'refused' });
      this.pending.set(token, { resolve });
      this.queueSubmit();
    });
  }

  queueSubmit() {
    if (this.submitQueued) return;
    this.submitQueued = true;
    Promise.resolve().then(() => {
      this.submitQueued = false;
      this.settle(this.addon.submit(), 'submit');
    });
  }

  async run(name, ...args) {
    return (await this.issue(name, ...args).done).result;
  }

  /** A path as this addon takes it: UTF-16LE for IOCP, UTF-8 elsewhere (NUL-terminated). */
  pathBytes(p) { return this.addon.backend === 'iocp' ? widePath(p) : Buffer.from(`${p}\0`); }

  open(p, flags, mode = 0o666) { return this.run('open', this.pathBytes(p), flags, mode); }
  read(fd, buf, off, len, pos) { return this.run('read', fd, buf, off, len, pos); }
  write(fd, buf, off, len, pos) { return this.run('write', fd, buf, off, len, pos); }
  fsync(fd) { return this.run('fsync', fd, false); }
  ftruncate(fd, len) { return this.run('ftruncate', fd, len); }
  close(fd) { return this.run('close', fd); }

  /** fstat (p undefined) or stat(p): RawStat fields parsed from the statx layout, or a negative errno. */
  async stat(fd, p) {
    const out = Buffer.alloc(STATX_SIZE);
    const r = await this.run('statx', fd, p === undefined ? null : this.pathBytes(p), out);
    return r < 0 ? r : parseStatx(out);
  }
}

module.exports = { loadIocpAddon, IocpDriver, widePath };
