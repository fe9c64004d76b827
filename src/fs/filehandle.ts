/**
 * FileHandle for ayafileio/fs: node:fs/promises' FileHandle on the engine's ops. Unbuffered
 * like Node's (an awaited write is in the kernel), every method an async call through one
 * gate, the CallGate AsyncFile uses too (Node's fsCall in lib/internal/fs/promises.js): after
 * close() a call rejects with EBADF 'file closed', and close() waits for the calls in flight
 * before the fd is closed. Streams and readLines() are node:fs's own stream classes driven through this
 * handle's read/write/close.
 */
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import type { FileHandle as NodeFileHandle } from 'node:fs/promises';
import { createInterface, type Interface } from 'node:readline';
import { finished } from 'node:stream';
import { ReadableStream, type ReadableByteStreamController } from 'node:stream/web';
import { promisify } from 'node:util';
import { getBackendForFd, getBackendForFlags, getFdRoute, type FdRoute } from '../engine/index';
import type { OpBackend, PathLike } from '../engine/types';
import { codedError, errnoByName, notAFileHandle, uvException } from '../errors';
import { CallGate } from '../file/gate';
import { isSeekableMode } from '../file/stats';
import { toBytes } from '../file/validate';
import { checkReadRange, checkWriteRange, encodeForWrite, invalidArgType, invalidArgValue, parseMode, rangeOptions, toPosition, validateBoolean, validateInteger, writerAt } from './args';
import { toNodeStats, wantsBigInt } from './stats';
import { NODE_READ_MAX, parseOptions, readOpened, writeOpened, writeSource, type Opened } from './whole-file';

/**
 * The FileHandle ayafileio/fs's open() resolves: @types/node's FileHandle (every method, the
 * same overloads) and an EventEmitter that emits 'close' when close() is called, as Node's does.
 */
export interface FileHandle extends NodeFileHandle, EventEmitter {}

const EINVAL = errnoByName('EINVAL');
const ESPIPE = errnoByName('ESPIPE');
/** node:fs's stream constructors as loaded (ayafileio/register later puts the functions below in their place). */
const nodeCreateReadStream = fs.createReadStream;
const nodeCreateWriteStream = fs.createWriteStream;
const fchmod = promisify(fs.fchmod);
const fchown = promisify(fs.fchown);
const futimes = promisify(fs.futimes);
const fstatBigInt = promisify(fs.fstat) as (fd: number, options: { bigint: true }) => Promise<fs.BigIntStats>;

function noop(): void {}

/** A result object as Node builds it: no prototype. */
function nullProto<T extends object>(fields: T): T {
  return Object.assign(Object.create(null) as T, fields);
}

/** The error a call on a closed handle rejects with (Node's fsCall): EBADF, 'file closed', the method's syscall. */
function fileClosed(syscall: string): Error {
  return Object.assign(new Error('file closed'), { code: 'EBADF', syscall });
}

/** ERR_INVALID_STATE, as readableWebStream() throws it (an Error, as Node's: not a TypeError). */
function invalidState(what: string): Error {
  return codedError(Error, 'ERR_INVALID_STATE', `Invalid state: ${what}`);
}

/** An array of ArrayBufferViews, as readv/writev take. */
function checkBufferArray(buffers: unknown): asserts buffers is NodeJS.ArrayBufferView[] {
  if (!Array.isArray(buffers) || !buffers.every((b) => ArrayBuffer.isView(b))) {
    throw invalidArgType('buffers', 'an ArrayBufferView[]', buffers);
  }
}

/** How many bytes a read from a stream asks for at a time (Node's default highWaterMark for files). */
const WEB_STREAM_CHUNK = 16384;

/**
 * Node 25 made closing a FileHandle on garbage collection an error (DEP0137, End-of-Life); Bun,
 * which reports Node 26, throws the same error for its own. Deno (reports Node 26 too) says
 * nothing for its own: there ours keeps the warnings.
 */
const DROPPED_HANDLE_THROWS = Number(process.versions.node.split('.')[0]) >= 25 && (globalThis as { Deno?: unknown }).Deno === undefined;

/** What a handle's collection needs to know: its fd, the backend that opened it, its path. */
interface Dropped {
  fd: number;
  backend: OpBackend;
  path: PathLike;
}

/**
 * A handle the program dropped without closing it: its fd is closed when the handle is
 * collected, and the program told as Node tells it for its own FileHandle — the DEP0137
 * warnings before Node 25, an uncaught ERR_INVALID_STATE error from Node 25 on. The error is
 * thrown from its own turn of the loop, not from this callback: Bun (JavaScriptCore) stops
 * running the callbacks of a collection at the first that throws, leaving the other dropped
 * handles' fds open until a later collection, even when the program catches the error.
 */
const collected = new FinalizationRegistry<Dropped>(({ fd, backend, path }) => {
  void backend.close(fd);
  if (DROPPED_HANDLE_THROWS) {
    const err = new Error(
      'A FileHandle object was closed during garbage collection. This used to be allowed with a deprecation warning but is now ' +
        `considered an error. Please close FileHandle objects explicitly. File descriptor: ${fd} (${path.toString()})`,
    ) as Error & { code: string };
    err.code = 'ERR_INVALID_STATE';
    setImmediate(() => {
      throw err;
    });
    return;
  }
  process.emitWarning(`Closing file descriptor ${fd} on garbage collection`);
  if (!deprecationShown) {
    deprecationShown = true; // once per process, as Node's deprecation warnings
    process.emitWarning(
      'Closing a FileHandle object on garbage collection is deprecated. Please close FileHandle objects explicitly using ' +
        'FileHandle.prototype.close(). In the future, an error will be thrown if a file descriptor is closed during garbage collection.',
      'DeprecationWarning',
      'DEP0137',
    );
  }
});
let deprecationShown = false;

/**
 * The implementation behind {@link FileHandle}. Methods take loose arguments and check them
 * at run time with node:fs's rules; the public type is @types/node's.
 */
export class AyaFileHandle extends EventEmitter {
  #fd: number;
  readonly #backend: OpBackend;
  /** The closed check and the calls in flight close() waits for (streams count as one call while open). */
  readonly #gate = new CallGate(fileClosed);
  /** What the first close() returned (the close itself). */
  #closed: Promise<void> | undefined;
  #locked = false;
  /** The O_* bits the fd was opened with, for its route (#routeOf). */
  readonly #flags: number;
  /** Where reads and ops at a position go (getFdRoute), asked at the first op that needs it. */
  #route: FdRoute | undefined;
  /** Whether the fd has a file position, asked at the first readv() at the fd's position (#isSeekable). */
  #seekable: boolean | undefined;

  /** @internal Wrap `fd`, just opened from `path` on `backend` with `flags` (O_* bits). */
  constructor(fd: number, backend: OpBackend, path: PathLike, flags: number) {
    super();
    this.#fd = fd;
    this.#backend = backend;
    this.#flags = flags;
    collected.register(this, { fd, backend, path }, this);
  }

  /** The numeric descriptor, or -1 once closed. */
  get fd(): number {
    return this.#fd;
  }

  /**
   * Run `body` as one call of `handle` through its gate: rejected once close() was called,
   * waited for by close(). A method called on something that is not a handle
   * (`handle.stat.call({})`) rejects, as Node's FileHandle methods do, instead of throwing.
   */
  static #call<T>(handle: AyaFileHandle, syscall: string, body: (fd: number) => Promise<T>): Promise<T> {
    if (typeof handle !== 'object' || handle === null || !(#gate in handle)) return Promise.reject(notAFileHandle());
    return handle.#gate.run(syscall, () => body(handle.#fd));
  }

  /**
   * Close the file once the calls in flight have settled (and streams over it have closed);
   * idempotent: a later call resolves when the close has. The first call emits 'close'.
   */
  close = (): Promise<void> => {
    if (this.#closed !== undefined) return this.#closed.then(noop, noop);
    const closing = this.#gate.close(async () => {
      await this.#gate.drained();
      const fd = this.#fd;
      this.#fd = -1;
      collected.unregister(this);
      const r = await this.#backend.close(fd);
      if (r < 0) throw uvException(r, 'close');
    });
    this.#closed = closing;
    this.emit('close');
    return closing;
  };

  /** `await using fh = await open(…)`: closes the handle. */
  async [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The route of `fd` (getFdRoute), taken at the first op that needs it. */
  #routeOf(fd: number): FdRoute {
    this.#route ??= getFdRoute(this.#backend, fd, this.#flags);
    return this.#route;
  }

  /** The backend for reads of `fd`. */
  #readerFor(fd: number): OpBackend {
    return this.#routeOf(fd).reader;
  }

  /** Whether `fd` has a file position (a regular file or block device), asked once; true if fstat fails (the read reports it). */
  async #isSeekable(fd: number): Promise<boolean> {
    if (this.#seekable === undefined) {
      const st = this.#backend.fstatCached?.(fd) ?? (await this.#backend.fstat(fd));
      this.#seekable = typeof st === 'number' || isSeekableMode(st.mode);
    }
    return this.#seekable;
  }

  /** ESPIPE, as pread(2)/pwrite(2) give, for an op at `pos` on a pipe or socket whose backend would run it on the stream (FdRoute.ignoresPosition). */
  #refusePosition(fd: number, pos: number, syscall: string): void {
    if (pos >= 0 && this.#routeOf(fd).ignoresPosition) throw uvException(ESPIPE, syscall);
  }

  /** One read of the buffers' total size at the fd's position, its bytes then copied into them in turn. */
  async #readOnceInto(fd: number, views: Uint8Array[]): Promise<number> {
    const total = views.reduce((sum, view) => sum + view.byteLength, 0);
    if (total === 0) return 0; // readv(2) of no bytes returns at once; the ring's read of an empty pipe would wait
    // Its own memory, not Buffer's shared pool: an op the fallback abandons may fill it later.
    const scratch = Buffer.allocUnsafeSlow(total);
    const n = await this.#readerFor(fd).read(fd, scratch, 0, total, -1);
    if (n < 0) throw uvException(n, 'read');
    let copied = 0;
    for (const view of views) copied += scratch.copy(view, 0, copied, n);
    return n;
  }

  /** The backend and fd for the whole-file helpers (reading and writing at the fd's position). */
  #opened(fd: number, signal: AbortSignal | undefined): Opened {
    return { backend: this.#backend, fd, signal, cancelled: false, current: true, maxSize: NODE_READ_MAX, written: 0 };
  }

  /** read(buffer, offset, length, position), read(buffer, options), read(options), read(). */
  read(bufferOrOptions?: unknown, offsetOrOptions?: unknown, length?: unknown, position?: unknown): Promise<{ bytesRead: number; buffer: NodeJS.ArrayBufferView }> {
    return AyaFileHandle.#call(this, 'read', async (fd) => {
      let buffer = bufferOrOptions;
      let offset = offsetOrOptions;
      if (!ArrayBuffer.isView(buffer)) {
        if (buffer !== undefined && buffer !== null && typeof buffer !== 'object') throw invalidArgType('options', 'of type object', buffer);
        const options = buffer as { buffer?: unknown } | null | undefined;
        buffer = options?.buffer ?? Buffer.alloc(16384);
        if (!ArrayBuffer.isView(buffer)) throw invalidArgType('buffer', 'an instance of Buffer, TypedArray, or DataView', buffer);
        ({ offset, length, position } = rangeOptions(options, buffer));
      }
      const view = buffer as NodeJS.ArrayBufferView;
      if (offset !== null && typeof offset === 'object') ({ offset, length, position } = rangeOptions(offset, view));
      const off = offset === undefined || offset === null ? 0 : validateInteger(offset, 'offset', 0);
      const rawLen = length ?? view.byteLength - off;
      const len = typeof rawLen === 'number' ? rawLen : Number(rawLen) | 0; // as fs.read's `length |= 0`
      if (len === 0) return nullProto({ bytesRead: 0, buffer: view });
      if (view.byteLength === 0) throw invalidArgValue('buffer', view, 'is empty and cannot be written');
      checkReadRange(off, len, view.byteLength);
      const pos = toPosition(position);
      this.#refusePosition(fd, pos, 'read');
      const n = await this.#readerFor(fd).read(fd, toBytes(view, 'buffer'), off, len, pos);
      if (n < 0) throw uvException(n, 'read');
      return nullProto({ bytesRead: n, buffer: view });
    });
  }

  /** write(buffer, offset, length, position), write(buffer, options), write(string, position, encoding). */
  write(data: unknown, offsetOrOptions?: unknown, length?: unknown, position?: unknown): Promise<{ bytesWritten: number; buffer: unknown }> {
    return AyaFileHandle.#call(this, 'write', async (fd) => {
      if (ArrayBuffer.isView(data)) {
        if (data.byteLength === 0) return nullProto({ bytesWritten: 0, buffer: data });
        let offset = offsetOrOptions;
        if (offset !== null && typeof offset === 'object') ({ offset, length, position } = rangeOptions(offset, data));
        const off = offset === undefined || offset === null ? 0 : validateInteger(offset, 'offset', 0);
        const len = typeof length === 'number' ? length : data.byteLength - off;
        checkWriteRange(off, len, data.byteLength);
        const pos = toPosition(position);
        this.#refusePosition(fd, pos, 'write');
        const n = await writerAt(this.#backend, pos).write(fd, toBytes(data, 'buffer'), off, len, pos);
        if (n < 0) throw uvException(n, 'write');
        return nullProto({ bytesWritten: n, buffer: data });
      }
      if (typeof data !== 'string') throw invalidArgType('buffer', 'of type string or an instance of Buffer, TypedArray, or DataView', data);
      const bytes = encodeForWrite(data, length);
      if (bytes.length === 0) return nullProto({ bytesWritten: 0, buffer: data });
      const pos = toPosition(offsetOrOptions);
      this.#refusePosition(fd, pos, 'write');
      const n = await writerAt(this.#backend, pos).write(fd, bytes, 0, bytes.length, pos);
      if (n < 0) throw uvException(n, 'write');
      return nullProto({ bytesWritten: n, buffer: data });
    });
  }

  /**
   * Read into each buffer in turn (from `position`, or the fd's position), stopping at a short
   * read; on a pipe, socket or character device one read of their total size, as readv(2)
   * makes: a read per buffer would wait for more once the first is full, where readv(2)
   * returns what the pipe holds.
   */
  readv(buffers: unknown, position?: unknown): Promise<{ bytesRead: number; buffers: NodeJS.ArrayBufferView[] }> {
    return AyaFileHandle.#call(this, 'readv', async (fd) => {
      checkBufferArray(buffers);
      if (buffers.length === 0) throw uvException(EINVAL, 'read'); // as libuv refuses a read of no buffers
      let pos = toPosition(position);
      if (pos < 0 && !(await this.#isSeekable(fd))) {
        return nullProto({ bytesRead: await this.#readOnceInto(fd, buffers.map((view) => toBytes(view, 'buffers'))), buffers });
      }
      this.#refusePosition(fd, pos, 'read');
      let total = 0;
      for (const view of buffers) {
        if (view.byteLength === 0) continue;
        const n = await this.#readerFor(fd).read(fd, toBytes(view, 'buffers'), 0, view.byteLength, pos);
        if (n < 0) throw uvException(n, 'read');
        total += n;
        if (pos >= 0) pos += n;
        if (n < view.byteLength) break;
      }
      return nullProto({ bytesRead: total, buffers });
    });
  }

  /** Write each buffer in turn (at `position`, or the fd's position), stopping at a short write. */
  writev(buffers: unknown, position?: unknown): Promise<{ bytesWritten: number; buffers: NodeJS.ArrayBufferView[] }> {
    return AyaFileHandle.#call(this, 'writev', async (fd) => {
      checkBufferArray(buffers);
      if (buffers.length === 0) return nullProto({ bytesWritten: 0, buffers });
      let pos = toPosition(position);
      this.#refusePosition(fd, pos, 'write');
      let total = 0;
      for (const view of buffers) {
        if (view.byteLength === 0) continue;
        const n = await writerAt(this.#backend, pos).write(fd, toBytes(view, 'buffers'), 0, view.byteLength, pos);
        if (n < 0) throw uvException(n, 'write');
        total += n;
        if (pos >= 0) pos += n;
        if (n < view.byteLength) break;
      }
      return nullProto({ bytesWritten: total, buffers });
    });
  }

  /** The rest of the file from the fd's position: a Buffer, or a string with an encoding. */
  readFile(options?: unknown): Promise<string | Buffer> {
    return AyaFileHandle.#call(this, 'readFile', async (fd) => {
      const parsed = parseOptions(options, 'r');
      const data = await readOpened(this.#opened(fd, parsed.signal));
      return parsed.encoding === null ? data : data.toString(parsed.encoding);
    });
  }

  /** Write `data` (string, bytes, (async) iterable or stream) at the fd's position. */
  writeFile(data: unknown, options?: unknown): Promise<void> {
    return AyaFileHandle.#call(this, 'writeFile', (fd) => this.#writeAll(fd, data, options, 'w'));
  }

  /** Like writeFile() (Node's appendFile on a handle writes at the fd's position too). */
  appendFile(data: unknown, options?: unknown): Promise<void> {
    return AyaFileHandle.#call(this, 'writeFile', (fd) => this.#writeAll(fd, data, options, 'a'));
  }

  async #writeAll(fd: number, data: unknown, options: unknown, flag: string): Promise<void> {
    const parsed = parseOptions(options, flag);
    const source = writeSource(data, parsed.encoding);
    await writeOpened(this.#opened(fd, parsed.signal), source, parsed.encoding, true);
  }

  /** fstat: an fs.Stats, or fs.BigIntStats with `{ bigint: true }`. */
  stat(options?: { bigint?: boolean }): Promise<fs.Stats | fs.BigIntStats> {
    return AyaFileHandle.#call(this, 'fstat', async (fd) => {
      if (wantsBigInt(options)) return fstatBigInt(fd, { bigint: true });
      const st = await this.#backend.fstat(fd);
      if (typeof st === 'number') throw uvException(st, 'fstat');
      return toNodeStats(st);
    });
  }

  /** ftruncate to `len` bytes (default 0; negative counts as 0). */
  truncate(len: unknown = 0): Promise<void> {
    return AyaFileHandle.#call(this, 'ftruncate', async (fd) => {
      const n = Math.max(0, validateInteger(len, 'len'));
      const r = await this.#backend.ftruncate(fd, n);
      if (r < 0) throw uvException(r, 'ftruncate');
    });
  }

  /** fsync(2): data and metadata on disk. */
  sync(): Promise<void> {
    return AyaFileHandle.#call(this, 'fsync', (fd) => this.#fsync(fd, false));
  }

  /** fdatasync(2): data on disk. */
  datasync(): Promise<void> {
    return AyaFileHandle.#call(this, 'fdatasync', (fd) => this.#fsync(fd, true));
  }

  async #fsync(fd: number, datasync: boolean): Promise<void> {
    const r = await this.#backend.fsync(fd, datasync);
    if (r < 0) throw uvException(r, datasync ? 'fdatasync' : 'fsync');
  }

  /** fchmod (node:fs: the engine has no such op). */
  chmod(mode: unknown): Promise<void> {
    return AyaFileHandle.#call(this, 'fchmod', (fd) => fchmod(fd, parseMode(mode, 'mode', undefined)));
  }

  /** fchown (node:fs). */
  chown(uid: unknown, gid: unknown): Promise<void> {
    return AyaFileHandle.#call(this, 'fchown', (fd) => {
      validateInteger(uid, 'uid', -1, 4294967295);
      validateInteger(gid, 'gid', -1, 4294967295);
      return fchown(fd, uid as number, gid as number);
    });
  }

  /** futimes (node:fs). */
  utimes(atime: fs.TimeLike, mtime: fs.TimeLike): Promise<void> {
    return AyaFileHandle.#call(this, 'futimes', (fd) => futimes(fd, atime, mtime));
  }

  /** The operations node:fs's ReadStream/WriteStream run through this handle; `release` lets go of it. */
  #streamOps(release: () => void): Record<string, unknown> {
    const done = <T>(p: Promise<T>, cb: (err: unknown, ...r: unknown[]) => void, ok: (v: T) => unknown[]): void => {
      p.then((v) => cb(null, ...ok(v)), (err: unknown) => cb(err));
    };
    return {
      read: (_fd: number, buf: Buffer, off: number, len: number, pos: number | null, cb: (err: unknown, ...r: unknown[]) => void) =>
        done(this.read(buf, off, len, pos), cb, (r) => [r.bytesRead, r.buffer]),
      write: (_fd: number, buf: Buffer, off: number, len: number, pos: number | null, cb: (err: unknown, ...r: unknown[]) => void) =>
        done(this.write(buf, off, len, pos), cb, (r) => [r.bytesWritten, r.buffer]),
      writev: (_fd: number, bufs: Buffer[], pos: number | null, cb: (err: unknown, ...r: unknown[]) => void) =>
        done(this.writev(bufs, pos), cb, (r) => [r.bytesWritten, r.buffers]),
      fsync: (_fd: number, cb: (err: unknown) => void) => done(this.sync(), cb, () => []),
      close: (_fd: number, cb: (err: unknown) => void) => {
        release();
        // The close itself, not a later close() call's echo of it: the stream's 'close' comes
        // before the code awaiting close() goes on, as with Node's FileHandle.
        done(this.#closed ?? this.close(), cb, () => []);
      },
    };
  }

  /**
   * A node:fs stream over this handle, its reads, writes and close going through the handle's
   * methods. While open it counts as a call in flight, and closing the handle closes it; it
   * lets go of the handle once it has ended, finished, failed or closed (with autoClose:
   * false the handle stays open, as in Node).
   */
  #stream<S extends fs.ReadStream | fs.WriteStream>(create: (options: never) => S, options: object | undefined): S {
    this.#gate.check('open');
    let released = false;
    const onHandleClose = (): void => void stream.close();
    const release = (): void => {
      if (released) return;
      released = true;
      this.off('close', onHandleClose);
      this.#gate.leave();
    };
    this.#gate.enter();
    let stream: S;
    try {
      stream = create({ ...options, fd: this.#fd, fs: this.#streamOps(release) } as never);
    } catch (err) {
      release();
      throw err;
    }
    this.once('close', onHandleClose);
    finished(stream, release);
    return stream;
  }

  /** A node:fs ReadStream reading through this handle (start/end, highWaterMark, encoding as fs.createReadStream). */
  createReadStream(options?: Parameters<NodeFileHandle['createReadStream']>[0]): fs.ReadStream {
    return this.#stream((o) => nodeCreateReadStream(undefined as unknown as string, o), options);
  }

  /** A node:fs WriteStream writing through this handle (start, highWaterMark, encoding, flush as fs.createWriteStream). */
  createWriteStream(options?: Parameters<NodeFileHandle['createWriteStream']>[0]): fs.WriteStream {
    return this.#stream((o) => nodeCreateWriteStream(undefined as unknown as string, o), options);
  }

  /** A readline Interface over createReadStream(options): `for await (const line of fh.readLines())`. */
  readLines(options?: Parameters<NodeFileHandle['createReadStream']>[0]): Interface {
    return createInterface({ input: this.createReadStream(options), crlfDelay: Infinity });
  }

  /**
   * A web ReadableStream (bytes) of the file from the fd's position; the handle is locked to
   * it, and with `autoClose` closed when the stream ends or is cancelled.
   */
  readableWebStream(options: { type?: 'bytes'; autoClose?: boolean } = {}): ReadableStream {
    if (this.#fd === -1) throw invalidState('The FileHandle is closed');
    if (this.#gate.closing) throw invalidState('The FileHandle is closing');
    if (this.#locked) throw invalidState('The FileHandle is locked');
    this.#locked = true;
    if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
    const autoClose = options.autoClose ?? false;
    validateBoolean(autoClose, 'options.autoClose');
    this.#gate.enter();
    let done = false;
    const finish = async (): Promise<void> => {
      if (done) return;
      done = true;
      this.#gate.leave();
      if (autoClose) await this.close();
    };
    let controller!: ReadableByteStreamController;
    const readable = new ReadableStream({
      type: 'bytes',
      autoAllocateChunkSize: WEB_STREAM_CHUNK,
      start: (c) => {
        controller = c;
      },
      pull: async (c) => {
        const request = c.byobRequest!;
        const view = request.view!;
        let bytesRead: number;
        try {
          ({ bytesRead } = await this.read(view, 0, view.byteLength));
        } catch (err) {
          if (done) return; // the handle was closed meanwhile: the stream has ended
          throw err;
        }
        if (done) return;
        if (bytesRead === 0) {
          await finish(); // before the reader sees the end: with autoClose, the handle is closed by then
          c.close();
        }
        request.respond(bytesRead);
      },
      cancel: finish,
    });
    // Closing the handle ends the stream (Node cancels it), so close() need not wait for a reader.
    this.once('close', () => {
      if (done) return;
      void finish();
      try {
        controller.close();
        controller.byobRequest?.respond(0);
      } catch {
        // already closed or errored
      }
    });
    return readable;
  }
}

/** Open `path` on the engine (with `flags` as O_* bits and `mode`) and wrap the fd in a FileHandle. */
export async function openHandle(path: PathLike, flags: number, mode: number): Promise<FileHandle> {
  // IOCP's fds index the addon's handle table: a FileHandle's fd must be one node:fs understands.
  const backend = getBackendForFlags(getBackendForFd(), flags);
  const fd = await backend.open(path, flags, mode);
  if (fd < 0) throw uvException(fd, 'open', path);
  return new AyaFileHandle(fd, backend, path, flags) as unknown as FileHandle;
}

/** Whether `value` is a FileHandle of ayafileio/fs. */
export function isFileHandle(value: unknown): value is FileHandle {
  return value instanceof AyaFileHandle;
}

/** The FileHandle given as `options.fd`, when it is one of ayafileio/fs's. */
function handleIn(options: unknown): FileHandle | undefined {
  const fd = options !== null && typeof options === 'object' ? (options as { fd?: unknown }).fd : undefined;
  return isFileHandle(fd) ? fd : undefined;
}

/**
 * node:fs's createReadStream, which also takes an ayafileio/fs FileHandle as `options.fd`
 * (node:fs's own takes only its own FileHandle): then it is `fd.createReadStream(options)`.
 */
export function createReadStream(path: fs.PathLike, options?: BufferEncoding | Record<string, unknown>): fs.ReadStream {
  const handle = handleIn(options);
  if (handle) return handle.createReadStream({ ...(options as object), fd: undefined } as never);
  return nodeCreateReadStream(path, options as BufferEncoding);
}

/** node:fs's createWriteStream, which also takes an ayafileio/fs FileHandle as `options.fd`. */
export function createWriteStream(path: fs.PathLike, options?: BufferEncoding | Record<string, unknown>): fs.WriteStream {
  const handle = handleIn(options);
  if (handle) return handle.createWriteStream({ ...(options as object), fd: undefined } as never);
  return nodeCreateWriteStream(path, options as BufferEncoding);
}
