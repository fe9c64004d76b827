/**
 * AsyncFile: the public file object returned by open() and wrapFd().
 *
 * Every call passes through the file's gate (./gate.ts): the closed check, call order, and
 * the positional ops close() waits for. Calls take effect in call order; when nothing is
 * queued, a write that fits in the buffer and a flush joining the next group commit are done
 * at once (the queued call would have done the same in the same tick). Positional ops
 * (readAt, readAtInto, writeAt) may run in parallel and wait only for what they must see.
 */
import type { Readable, Writable } from 'node:stream';
import { inspect, type InspectOptionsStylized } from 'node:util';
import { getConfig } from '../config';
import { repeatCancel } from '../engine/index';
import { allocResult, fitted } from '../engine/slab';
import type { OpBackend, PathLike } from '../engine/types';
import { argTypeError, partialWriteError, uvException, closedFileError, errnoByName, systemError } from '../errors';
import type { BufferedFile } from './buffered';
import { noop, OrderedGate, type Range } from './gate';
import { forget, remember, type OpenFileRecord } from './open-files';
import { Stats } from './stats';
import { checkChunkSize, chunksOf, readStream, writeStream, type FileReadStreamOptions, type FileWriteStreamOptions, type StreamableFile } from './streams';
import type { TextIO, TextOptions, Whence } from './types';
import { checkArgCount, checkInteger, checkPosition, checkSizeOrAll, invalidType, MAX_LENGTH, toBytes, tooManyArgs } from './validate';

/** What AsyncFile's constructor needs (built by open() and wrapFd()). */
export interface AsyncFileInit {
  backend: OpBackend;
  /**
   * The backend the fd was opened on, which closes it: `backend` may be another (node:fs for
   * the reads of a file whose size reads 0, getFileReader), and an engine forgets an fd it
   * opened only when it closes it itself; else it would close the number again when its
   * environment ends (a worker), by then perhaps another file's.
   */
  closer: OpBackend;
  io: BufferedFile;
  /** The text layer in text mode; undefined in binary mode. */
  text: TextIO | undefined;
  textOptions: TextOptions | undefined;
  /** What `name` reports: the path as given, or the fd for wrapFd(). */
  name: string | Buffer | number;
  /** The path for error messages (undefined for a wrapped fd). */
  path: PathLike | undefined;
  /** The mode string as given. */
  mode: string;
  /** close() closes the fd. */
  ownsFd: boolean;
}

/** A line or chunk: Buffer in binary mode, string in text mode. */
export type Data = Buffer | string;

/** What write() accepts for a file whose reads give `T`: bytes for Buffer, strings for string. */
export type WriteData<T extends Data> = T extends string ? string : NodeJS.ArrayBufferView;

/** writeAt's value: the count #pwriteAll resolved. */
function passCount(_range: Range, n: number): number {
  return n;
}

/** A positional read in flight: its byte range (the file's), and where the bytes go. */
interface Pread extends Range {
  /** The bytes land in buf[off, off + (end - start)). */
  buf: Uint8Array;
  off: number;
}

/** A positional read whose first pread is in flight through OpBackend.readThen. */
interface PreadThen extends Pread {
  /** readAt (the bytes as a fitted Buffer) or readAtInto (their count). */
  fit: boolean;
  /** Settles the call's promise. */
  resolve: (value: Buffer | number | Promise<Buffer | number>) => void;
}

/** The promise of a PreadThen, its resolve function captured by a shared executor (no closure per read). */
let capturedResolve: PreadThen['resolve'] = noop;
function captureResolve(resolve: PreadThen['resolve']): void {
  capturedResolve = resolve;
}

function unsupported(what: string): Error {
  const err = new Error(what) as Error & { code: string };
  err.code = 'ERR_UNSUPPORTED_OPERATION';
  return err;
}

/**
 * An open file with Python's file semantics (binary or text mode) and promise-based methods.
 * A file the program does not close is closed for it, its buffered writes written first, with
 * a warning: when garbage-collected, when the event loop runs dry, and at process exit
 * (docs/api.md, "What survives the end of the program").
 */
export class AsyncFile<T extends Data = Data> {
  /** The path as given to open() (a URL becomes its path), or the fd for wrapFd(). */
  readonly name: string | Buffer | number;
  /** The mode string as given, e.g. 'rb' or 'a+'. */
  readonly mode: string;
  readonly #backend: OpBackend;
  /** The backend that closes the fd (AsyncFileInit.closer). */
  readonly #closer: OpBackend;
  readonly #io: BufferedFile;
  readonly #text: TextIO | undefined;
  readonly #textOptions: TextOptions | undefined;
  readonly #path: PathLike | undefined;
  readonly #ownsFd: boolean;
  /** Every call passes here: closed check, call order, positional ops in flight. */
  readonly #gate: OrderedGate;
  /** This file's entry among the open files (finished for the program if it never closes). */
  readonly #record: OpenFileRecord;
  /** close() gave up waiting and cancelled ops: a fallback op may still write into the buffer. */
  #stragglersCancelled = false;

  /** Internal: use open() or wrapFd(). */
  constructor(init: AsyncFileInit) {
    this.#backend = init.backend;
    this.#closer = init.closer;
    this.#io = init.io;
    this.#text = init.text;
    this.#textOptions = init.textOptions;
    this.name = init.name;
    this.mode = init.mode;
    this.#path = init.path;
    this.#ownsFd = init.ownsFd;
    this.#gate = new OrderedGate((syscall) => closedFileError(syscall, this.#path), init.io);
    this.#record = { backend: init.backend, closer: init.closer, io: init.io, name: init.name, ownsFd: init.ownsFd, file: new WeakRef(this), closing: false };
    remember(this, this.#record);
  }

  /** True once close() has been called. */
  get closed(): boolean {
    return this.#gate.closing;
  }

  /** The text encoding (text mode), or undefined (binary mode). */
  get encoding(): string | undefined {
    return this.#textOptions?.encoding;
  }

  /** Whether the file was opened for reading. */
  readable(): boolean {
    checkArgCount(arguments.length, 0, 'readable()');
    return this.#io.readable;
  }

  /** Whether the file was opened for writing. */
  writable(): boolean {
    checkArgCount(arguments.length, 0, 'writable()');
    return this.#io.writable;
  }

  /** Whether seek()/tell() work (false for pipes, sockets and terminals). */
  seekable(): boolean {
    checkArgCount(arguments.length, 0, 'seekable()');
    return this.#io.seekable;
  }

  /** The fd. Throws EBADF once the file is closed. */
  fileno(): number {
    checkArgCount(arguments.length, 0, 'fileno()');
    if (this.closed) throw closedFileError('fileno', this.#path);
    return this.#io.fd;
  }

  /**
   * Read `size` bytes (binary) or characters (text), fewer only at end of file; with no size
   * (or a negative one) read to the end. An empty Buffer / '' at end of file.
   */
  async read(size: number = -1): Promise<T> {
    checkArgCount(arguments.length, 1, 'read(size)', 'use readAt(position, size) to read at a position');
    const n = checkSizeOrAll(size, 'size');
    const text = this.#text;
    return this.#gate.queued('read', () => (text ? text.read(n) : this.#io.read(n)) as Promise<T>);
  }

  /** Binary mode: fill `buffer` from the file (fewer bytes only at end of file); resolves the count. */
  async readInto(buffer: NodeJS.ArrayBufferView): Promise<number> {
    checkArgCount(arguments.length, 1, 'readInto(buffer)', 'use readAtInto(position, buffer, offset, length) for a position or a part of the buffer');
    const bytes = toBytes(buffer, 'buffer');
    this.#gate.check('read');
    if (this.#text) throw unsupported('readInto() needs a file opened in binary mode');
    return this.#gate.queued('read', () => this.#io.readInto(bytes));
  }

  /** Read one line including its '\n' (text: per `newline`); at most `limit` bytes/characters. */
  async readline(limit: number = -1): Promise<T> {
    checkArgCount(arguments.length, 1, 'readline(limit)');
    const max = checkSizeOrAll(limit, 'limit');
    return this.#gate.queued('read', () => this.#line(max));
  }

  /** Read lines to the end of the file, or until they total at least `hint` bytes/characters. */
  async readlines(hint: number = -1): Promise<T[]> {
    checkArgCount(arguments.length, 1, 'readlines(hint)');
    const max = checkSizeOrAll(hint, 'hint');
    return this.#gate.queued('read', () => this.#lines(max <= 0 ? Infinity : max));
  }

  /**
   * Write `data`: bytes (Buffer, TypedArray, DataView) in binary mode, a string in text mode.
   * Resolves the bytes (binary) or characters (text) written. Do not modify a buffer until
   * the promise settles.
   */
  write(data: WriteData<T>): Promise<number> {
    let checked: string | Uint8Array;
    try {
      checkArgCount(arguments.length, 1, 'write(data)', 'use writeAt(position, data) for positional writes');
      checked = this.#checkData(data, 'data');
    } catch (err) {
      return Promise.reject(err);
    }
    // Room in the buffer: done now, like the queued call would be in this same tick, minus
    // its promises (docs/performance.md, "Third round").
    return this.#gate.soon('write', this.#writeNow, this.#writeData, checked);
  }

  /** write() when it needs no kernel call: the count at once, else undefined. */
  readonly #writeNow = (data: string | Uint8Array): number | undefined => {
    return typeof data === 'string' ? this.#text!.writeNow(data) : this.#io.writeNow(data);
  };

  /**
   * Write every item of an iterable; no separators are added. A sync iterable is written as
   * one call; an async iterable item by item as it produces them (other calls on the file
   * may take effect in between: the iterable may itself read this file).
   */
  async writelines(lines: Iterable<WriteData<T>> | AsyncIterable<WriteData<T>>): Promise<void> {
    checkArgCount(arguments.length, 1, 'writelines(lines)');
    if (lines === null || typeof lines !== 'object' || !(Symbol.iterator in lines || Symbol.asyncIterator in lines)) {
      throw invalidType('lines', 'an iterable', lines);
    }
    this.#gate.check('write');
    if (Symbol.asyncIterator in lines) {
      // The file's queue is not held while user code produces the lines: it may use this
      // file (read what it transforms), and would wait for writelines() forever.
      for await (const line of lines) await this.write(line);
      return;
    }
    return this.#gate.queued('write', async () => {
      for (const line of lines) await this.#writeData(this.#checkData(line, 'lines'));
    });
  }

  /**
   * Move the position: whence 0 from the start, 1 from the current position, 2 from the end.
   * Text mode accepts only seek(0), seek(tell()) and seek(0, 2). Resolves the new position.
   */
  async seek(offset: number, whence: Whence = 0): Promise<number> {
    checkArgCount(arguments.length, 2, 'seek(offset, whence)');
    checkInteger(offset, 'offset', -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    if (whence !== 0 && whence !== 1 && whence !== 2) {
      throw argTypeError('ERR_INVALID_ARG_VALUE', `The argument 'whence' must be 0, 1 or 2. Received ${String(whence)}`);
    }
    const text = this.#text;
    return this.#gate.queued('lseek', () => (text ? text.seek(offset, whence) : this.#io.seek(offset, whence)));
  }

  /** The position (text mode: an opaque number for seek()). */
  async tell(): Promise<number> {
    checkArgCount(arguments.length, 0, 'tell()');
    const text = this.#text;
    return this.#gate.queued('lseek', () => (text ? text.tell() : this.#io.tell()));
  }

  /** Cut or extend the file to `size` bytes (default: the position); the position stays. Resolves the size. */
  async truncate(size?: number): Promise<number> {
    checkArgCount(arguments.length, 1, 'truncate(size)');
    const at = size === undefined || size === null ? undefined : checkPosition(size, 'size');
    const text = this.#text;
    return this.#gate.queued('ftruncate', () => (text ? text.truncate(at) : this.#io.truncate(at)));
  }

  /** fstat the file (after flushing, so the size includes earlier writes). Fields as fs.Stats. */
  async stat(): Promise<Stats> {
    checkArgCount(arguments.length, 0, 'stat()');
    return this.#gate.queued('fstat', async () => {
      await this.#io.flush();
      this.#io.checkRunning('fstat');
      const st = await this.#backend.fstat(this.#io.fd);
      if (typeof st === 'number') throw uvException(st, 'fstat', this.#path);
      return new Stats(st);
    });
  }

  /**
   * Hand buffered data to the kernel; resolves once every earlier write is there. Not
   * durable against power loss: see sync(). Calls after it do not wait for the kernel write
   * unless they need it (reads, seeks, positional ops…): writes made meanwhile fill the
   * buffer, and flushes made meanwhile share one kernel write (group commit).
   */
  flush(): Promise<void> {
    if (arguments.length > 0) return Promise.reject(tooManyArgs('flush()', arguments.length));
    // What takes effect in call order is joining the next group commit (buffered.ts, joinGroup).
    return this.#gate.joined('write', () => this.#io.joinGroup(this.#gate));
  }

  /** flush(), then fsync(2): data and metadata are on stable storage. */
  async sync(): Promise<void> {
    checkArgCount(arguments.length, 0, 'sync()');
    return this.#gate.queued('fsync', () => this.#syncOp(false));
  }

  /** flush(), then fdatasync(2): data (and the metadata needed to read it) on stable storage. */
  async datasync(): Promise<void> {
    checkArgCount(arguments.length, 0, 'datasync()');
    return this.#gate.queued('fdatasync', () => this.#syncOp(true));
  }

  /**
   * Flush, wait for in-flight positional ops, close the fd (unless wrapFd(…, { ownsFd: false })).
   * Idempotent: later calls resolve when the first finishes. Every other method rejects with
   * EBADF once close() has been called. If the final flush fails the fd is still closed and
   * the first call rejects with the flush error.
   */
  close(): Promise<void> {
    if (arguments.length > 0) return Promise.reject(tooManyArgs('close()', arguments.length));
    const first = !this.#gate.closing;
    const closing = this.#gate.closeQueued(() => this.#shutdown());
    if (first) {
      this.#record.closing = true;
      this.#cancelStragglersAfter(getConfig().closeTimeoutMs, closing);
    }
    return closing;
  }

  /**
   * closeTimeoutMs, on a file that cannot seek (a pipe, socket or terminal, where an op can wait
   * forever): if close() has not finished after `ms`, cancel every op still in flight on the fd
   * (they reject with ECANCELED) and make every kernel op it would start from then on reject
   * ECANCELED at once (the final flush, calls queued ahead of close), so closeTimeoutMs bounds
   * the whole close(). The timer starts when close() is called, covering queued calls as well
   * as positional ones. A regular file's ops end: they all run, none is cancelled.
   */
  #cancelStragglersAfter(ms: number, closing: Promise<void>): void {
    if (this.#io.seekable) return;
    let repeat: ReturnType<typeof setInterval> | undefined;
    const timer = setTimeout(() => {
      this.#stragglersCancelled = true;
      this.#io.stop();
      repeat = repeatCancel(this.#backend, this.#io.fd);
    }, ms);
    const stop = (): void => {
      clearTimeout(timer);
      clearInterval(repeat);
    };
    closing.then(stop, stop);
  }

  /**
   * util.inspect() / console.log(): `AsyncFile { name, mode, closed, position }`, the file's
   * public face (its state is in private fields; JSON.stringify() shows name and mode).
   * `position` is the byte position of the buffered layer (null right after an append, until
   * the end is known).
   */
  [inspect.custom](_depth: number, options: InspectOptionsStylized, show: typeof inspect): string {
    const face = { name: this.name, mode: this.mode, closed: this.closed, position: this.#io.knownPosition };
    return `AsyncFile ${show(face, options)}`;
  }

  /** `await using f = await open(…)` closes the file at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Iterate over chunks of `size` bytes (binary mode; text mode: `size` characters) from the
   * position to the end of the file, the last one shorter; default 64 KiB. Moves the position.
   */
  chunks(size?: number): AsyncGenerator<T, void, undefined> {
    checkArgCount(arguments.length, 1, 'chunks(size)');
    const n = checkChunkSize(size, 'size');
    this.#gate.check('read');
    return chunksOf(this as unknown as StreamableFile, n) as AsyncGenerator<T, void, undefined>;
  }

  /**
   * A Node Readable of the file's content in chunks of `highWaterMark` (default 64 KiB; text
   * mode: strings): from the position (moving it), or in binary mode from `start` to `end`
   * inclusive with readAt(). Closes the file when it ends unless `autoClose: false`, as
   * FileHandle.createReadStream() does.
   */
  createReadStream(options?: FileReadStreamOptions): Readable {
    checkArgCount(arguments.length, 1, 'createReadStream(options)');
    this.#gate.check('read');
    return readStream(this as unknown as StreamableFile, options);
  }

  /**
   * A Node Writable whose writes are write() calls on the file (binary: bytes, strings as
   * UTF-8; text mode: strings) and whose end() flushes it; closes the file when it finishes
   * unless `autoClose: false`.
   */
  createWriteStream(options?: FileWriteStreamOptions): Writable {
    checkArgCount(arguments.length, 1, 'createWriteStream(options)');
    this.#gate.check('write');
    return writeStream(this as unknown as StreamableFile, options);
  }

  /** Iterate over lines (Buffers in binary mode, strings in text mode) until end of file. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      const line = await this.readline();
      if (line.length === 0) return;
      yield line;
    }
  }

  /**
   * Read `size` bytes at `position` (fewer only at end of file) without moving the file
   * position. Positional calls may run in parallel with each other.
   */
  readAt(position: number, size: number): Promise<Buffer> {
    let buf: Buffer;
    try {
      checkArgCount(arguments.length, 2, 'readAt(position, size)');
      checkPosition(position);
      checkInteger(size, 'size', 0, MAX_LENGTH);
      this.#checkPositional(this.#io.readable, 'read');
      buf = allocResult(size);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#readAt(buf, 0, size, position, true) as Promise<Buffer>;
  }

  /**
   * Read into buffer[offset, offset + length) from `position` (fewer bytes only at end of
   * file) without moving the file position; resolves the bytes read. Allocates nothing.
   */
  readAtInto(position: number, buffer: NodeJS.ArrayBufferView, offset = 0, length?: number): Promise<number> {
    let bytes: Uint8Array;
    let len: number;
    try {
      checkArgCount(arguments.length, 4, 'readAtInto(position, buffer, offset, length)');
      checkPosition(position);
      bytes = toBytes(buffer, 'buffer');
      checkInteger(offset, 'offset', 0, bytes.byteLength);
      len = length === undefined ? bytes.byteLength - offset : checkInteger(length, 'length', 0, bytes.byteLength - offset);
      this.#checkPositional(this.#io.readable, 'read');
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#readAt(bytes, offset, len, position, false) as Promise<number>;
  }

  /**
   * Write all of `data` at `position` without moving the file position; resolves the bytes
   * written. On a file opened in append mode, Linux and Windows append instead (pwrite(2) on
   * O_APPEND).
   * Binary read-ahead over the range is dropped; text already decoded ahead is not.
   */
  writeAt(position: number, data: NodeJS.ArrayBufferView): Promise<number> {
    let bytes: Uint8Array;
    try {
      checkArgCount(arguments.length, 2, 'writeAt(position, data)');
      checkPosition(position);
      bytes = toBytes(data, 'data');
      this.#checkPositional(this.#io.writable, 'write');
    } catch (err) {
      return Promise.reject(err);
    }
    const len = bytes.byteLength;
    // An append lands at the end, wherever that is: it overlaps every range.
    const range: Range = this.#io.append ? { start: 0, end: Infinity, write: true } : { start: position, end: position + len, write: true };
    return this.#gate.positional('write', range, () => this.#pwriteAll(bytes, position), passCount);
  }

  /** Reject positional calls on a file that cannot seek or was not opened for the access (even for 0 bytes, like pread(2)). */
  #checkPositional(allowed: boolean, syscall: string): void {
    this.#gate.check(syscall);
    if (!this.#io.seekable) throw systemError('ESPIPE', syscall, this.#path); // io_uring would ignore the position
    if (!allowed) throw systemError('EBADF', syscall, this.#path);
  }

  /**
   * The first pread of a positional read. The common case — the backend finished it inside
   * the call (readInline) with every byte or at end of file — gives the count itself, not a
   * promise: readAt and readAtInto then cost one promise, not three (docs/performance.md,
   * "Engine hot path").
   */
  readonly #preadFirst = (r: Pread): number | Promise<number> => this.#pread(r.buf, r.off, r.end - r.start, r.start);

  #pread(buf: Uint8Array, off: number, len: number, position: number): number | Promise<number> {
    this.#io.checkRunning('read');
    const backend = this.#backend;
    if (backend.readInline === undefined) return backend.read(this.#io.fd, buf, off, len, position);
    return backend.readInline(this.#io.fd, buf, off, len, position);
  }

  /**
   * A positional read through the gate. When the gate's rule lets it start now, the first
   * pread runs here with no call object and, finished inline with every byte or at end of
   * file (the common case of a cached read), resolves at once; otherwise the gate carries it.
   * Resolves the bytes read as a Buffer fitted to them (`fit`: readAt) or their count.
   */
  #readAt(buf: Uint8Array, off: number, len: number, position: number, fit: boolean): Promise<Buffer | number> {
    const finish = fit ? this.#preadResult : this.#preadCount;
    const gate = this.#gate;
    const end = position + len;
    if (!gate.startsNow('read', position, end, false)) {
      return gate.positional<Pread, Buffer | number>('read', { start: position, end, write: false, buf, off }, this.#preadFirst, finish);
    }
    gate.enter();
    if (this.#backend.readThen !== undefined) return this.#readThen(buf, off, len, position, fit);
    let first: number | Promise<number>;
    try {
      first = this.#pread(buf, off, len, position);
      if (first === len || first === 0) {
        gate.leave();
        return Promise.resolve(fit ? fitted(buf as Buffer, first) : first);
      }
    } catch (err) {
      gate.leave();
      return Promise.reject(err);
    }
    return gate.follow<Pread, Buffer | number>({ start: position, end, write: false, buf, off }, first, finish);
  }

  /**
   * #readAt's start through OpBackend.readThen (entered in the gate): a read finished inside
   * the call resolves at once as before; one still in flight costs this one promise, settled
   * by #preadDone when the backend settles the read (no backend promise, no async function).
   */
  #readThen(buf: Uint8Array, off: number, len: number, position: number, fit: boolean): Promise<Buffer | number> {
    const gate = this.#gate;
    const call: PreadThen = { start: position, end: position + len, write: false, buf, off, fit, resolve: noop };
    let first: number | undefined;
    try {
      this.#io.checkRunning('read');
      first = this.#backend.readThen!(this.#io.fd, buf, off, len, position, this.#preadDone, call);
    } catch (err) {
      gate.leave();
      return Promise.reject(err);
    }
    if (first === len || first === 0) {
      gate.leave();
      return Promise.resolve(fit ? fitted(buf as Buffer, first) : first);
    }
    if (first !== undefined) return gate.follow<Pread, Buffer | number>(call, first, fit ? this.#preadResult : this.#preadCount);
    gate.began(call);
    const result = new Promise<Buffer | number>(captureResolve);
    call.resolve = capturedResolve;
    return result;
  }

  /**
   * The first pread of a #readThen call gave `n`. The backend calls this while it settles a
   * batch of completions, when no op may start: a whole read (or one at end of file) settles
   * the call here; a short or failed one goes on in #preadAfter.
   */
  readonly #preadDone = (call: PreadThen, n: number): void => {
    if (n === call.end - call.start || n === 0) {
      this.#gate.ended(call);
      call.resolve(call.fit ? fitted(call.buf as Buffer, n) : n);
    } else {
      call.resolve(this.#preadAfter(call, n));
    }
  };

  /** A #readThen call's value after a short or failed first pread, from a microtask: the call then leaves the gate. */
  async #preadAfter(call: PreadThen, n: number): Promise<Buffer | number> {
    try {
      await undefined; // out of the backend's settling before the next pread starts
      return await (call.fit ? this.#preadResult(call, n) : this.#preadCount(call, n));
    } finally {
      this.#gate.ended(call);
    }
  }

  /** readAtInto's value once the first pread gave `n`: the count (more preads after a short one). */
  readonly #preadCount = (r: Pread, n: number): number | Promise<number> => {
    return n === r.end - r.start || n === 0 ? n : this.#preadRest(r, n);
  };

  /** readAt's value once the first pread gave `n`: the bytes read, as a Buffer fitted to them. */
  readonly #preadResult = (r: Pread, n: number): Buffer | Promise<Buffer> => {
    const buf = r.buf as Buffer;
    return n === r.end - r.start || n === 0 ? fitted(buf, n) : this.#preadRest(r, n).then((got) => fitted(buf, got));
  };

  /** After a first pread that gave `first` (an error, or a short read): the error, or pread on to the end of the range or of the file. */
  async #preadRest(r: Pread, first: number): Promise<number> {
    const len = r.end - r.start;
    let got = 0;
    for (let n = first; ; n = await this.#backend.read(this.#io.fd, r.buf, r.off + got, len - got, r.start + got)) {
      if (n < 0) throw uvException(n, 'read', this.#path);
      got += n;
      if (n === 0 || got === len) return got;
      this.#io.checkRunning('read');
    }
  }

  /** pwrite all of `bytes` at `position`; a failure part-way reports the bytes written (partialWriteError). */
  async #pwriteAll(bytes: Uint8Array, position: number): Promise<number> {
    const len = bytes.byteLength;
    let done = 0;
    while (done < len) {
      if (this.#io.isStopped) throw partialWriteError(systemError('ECANCELED', 'write', this.#path), done);
      const n = await this.#backend.write(this.#io.fd, bytes, done, len - done, position + done);
      if (n <= 0) throw partialWriteError(uvException(n < 0 ? n : errnoByName('EIO'), 'write', this.#path), done);
      done += n;
    }
    this.#io.invalidate(position, len);
    return len;
  }

  /** The right data type for the mode: a string in text mode, bytes in binary mode. */
  #checkData(data: unknown, name: string): string | Uint8Array {
    if (this.#text) {
      if (typeof data !== 'string') throw invalidType(name, 'of type string (text mode)', data);
      return data;
    }
    return toBytes(data, name);
  }

  readonly #writeData = (data: string | Uint8Array): Promise<number> => {
    return typeof data === 'string' ? this.#text!.write(data) : this.#io.write(data);
  };

  #line(limit: number): Promise<T> {
    return (this.#text ? this.#text.readline(limit) : this.#io.readline(limit)) as Promise<T>;
  }

  async #lines(hint: number): Promise<T[]> {
    const lines: T[] = [];
    let total = 0;
    while (total < hint) {
      const line = await this.#line(-1);
      if (line.length === 0) break;
      lines.push(line);
      total += line.length;
    }
    return lines;
  }

  /** flush(), then fsync or fdatasync, linked behind the flush's write where the backend can. */
  async #syncOp(datasync: boolean): Promise<void> {
    const linked = await this.#io.flushThen(datasync ? 'fdatasync' : 'fsync');
    const r = linked ?? (await this.#backend.fsync(this.#io.fd, datasync));
    if (r < 0) throw uvException(r, datasync ? 'fdatasync' : 'fsync', this.#path);
  }

  /**
   * The body of close(). In-flight positional ops are waited for, never abandoned: closing an
   * fd under a pending op could let it touch a file that reuses the fd number.
   */
  async #shutdown(): Promise<void> {
    let failure: unknown;
    let closed: number | undefined; // the close's result, when it went linked behind the final write
    try {
      closed = await this.#finalFlush();
    } catch (err) {
      failure = err;
    }
    await this.#gate.drained();
    forget(this.#record); // before the fd is closed: an exit from here on must not close it again
    this.#io.releaseBuffer(!this.#stragglersCancelled);
    if (this.#ownsFd) {
      const r = closed ?? (await this.#closer.close(this.#io.fd));
      if (r < 0 && failure === undefined) failure = uvException(r, 'close', this.#path);
    }
    if (failure !== undefined) throw failure;
  }

  /**
   * close()'s flush. With no positional op in flight on an fd the file owns, the close goes
   * linked behind the final write (flushThen): its result, or undefined when it is still to do.
   * (Until it settles the file stays among the open files: the exit path knows from
   * BufferedFile.fdClosed whether the fd is closed.)
   */
  async #finalFlush(): Promise<number | undefined> {
    if (this.#ownsFd && this.#gate.quiet) return this.#io.flushThen('close');
    await this.#io.flush();
    return undefined;
  }
}
