/**
 * AsyncFile: the public file object returned by open() and wrapFd().
 *
 * Calls on one file take effect in call order: each goes through a per-file queue (a promise
 * chain that starts an op synchronously when the file is idle). When the queue is empty, a
 * write that fits in the buffer and a flush joining the next group commit are done at once
 * without entering it (the queued call would have done the same in the same tick).
 * Positional ops (readAt, readAtInto, writeAt) skip the queue and may run in parallel; when
 * queued calls or buffered writes are outstanding they first wait for a flush issued through
 * the queue, so they see every write made before them.
 */
import { inspect, type InspectOptionsStylized } from 'node:util';
import { getConfig } from '../config';
import { repeatCancel } from '../engine/index';
import type { OpBackend, PathLike } from '../engine/types';
import { argTypeError, partialWriteError, uvException } from '../errors';
import { fitted, type BufferedFile } from './buffered';
import { closedFileError, errnoByName, systemError } from './errno';
import { forget, remember, type OpenFileRecord } from './open-files';
import { Stats } from './stats';
import { allocResult } from './slab';
import type { TextIO, TextOptions, Whence } from './types';
import { checkArgCount, checkInteger, checkPosition, checkSizeOrAll, invalidType, MAX_LENGTH, toBytes, tooManyArgs } from './validate';

/** What AsyncFile's constructor needs (built by open() and wrapFd()). */
export interface AsyncFileInit {
  backend: OpBackend;
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

function noop(): void {}

/** An already-settled promise, for microtask checkpoints. */
const RESOLVED = Promise.resolve();

/** startPread()'s result for readAtInto: the byte count itself. */
function count(n: number): number {
  return n;
}

/** Call `op` now; a synchronous throw becomes a rejection (the queue must always move on). */
function startNow<T>(op: () => Promise<T>): Promise<T> {
  try {
    return op();
  } catch (err) {
    return Promise.reject(err);
  }
}

/** A writeAt() in flight: the byte range it covers and a promise settled when it ends. */
interface PositionalWrite {
  start: number;
  end: number;
  done: Promise<void>;
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
  readonly #io: BufferedFile;
  readonly #text: TextIO | undefined;
  readonly #textOptions: TextOptions | undefined;
  readonly #path: PathLike | undefined;
  readonly #ownsFd: boolean;
  /** Queued calls not yet settled (0: the next call starts at once). */
  #pending = 0;
  /** Settles (never rejects) when the last queued call has settled. */
  #tail: Promise<unknown> = Promise.resolve();
  /** Positional ops in flight; close() waits for them before closing the fd. */
  #inflight = 0;
  /** Set while close() waits for positional ops to finish. */
  #drained: (() => void) | undefined;
  #closePromise: Promise<void> | undefined;
  /** This file's entry among the open files (finished for the program if it never closes). */
  readonly #record: OpenFileRecord;
  /** writeAt() calls in flight; later calls wait for them (docs/api.md, "Call order"). */
  readonly #positionalWrites = new Set<PositionalWrite>();
  /** close() gave up waiting and cancelled ops: a fallback op may still write into the buffer. */
  #stragglersCancelled = false;
  /**
   * A queued call settled. When it was the last, nothing more can join the current flush
   * group (group commit), so its kernel write starts now: every flush queued in this run of
   * calls shares it.
   */
  readonly #opDone = (): void => {
    if (--this.#pending === 0) this.#io.startCommits();
  };
  /** A flush joined a group outside the queue; its kernel write starts at the next checkpoint. */
  #commitsScheduled = false;
  readonly #commitsAtCheckpoint = (): void => {
    this.#commitsScheduled = false;
    if (this.#pending === 0) this.#io.startCommits(); // else the queue's last opDone does it
  };

  /** Internal: use open() or wrapFd(). */
  constructor(init: AsyncFileInit) {
    this.#backend = init.backend;
    this.#io = init.io;
    this.#text = init.text;
    this.#textOptions = init.textOptions;
    this.name = init.name;
    this.mode = init.mode;
    this.#path = init.path;
    this.#ownsFd = init.ownsFd;
    this.#record = { backend: init.backend, io: init.io, name: init.name, ownsFd: init.ownsFd, file: new WeakRef(this), closing: false };
    remember(this, this.#record);
  }

  /** True once close() has been called. */
  get closed(): boolean {
    return this.#closePromise !== undefined;
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
    this.#checkOpen('read');
    const text = this.#text;
    return this.#enqueue(() => (text ? text.read(n) : this.#io.read(n)) as Promise<T>);
  }

  /** Binary mode: fill `buffer` from the file (fewer bytes only at end of file); resolves the count. */
  async readInto(buffer: NodeJS.ArrayBufferView): Promise<number> {
    checkArgCount(arguments.length, 1, 'readInto(buffer)', 'use readAtInto(position, buffer, offset, length) for a position or a part of the buffer');
    const bytes = toBytes(buffer, 'buffer');
    this.#checkOpen('read');
    if (this.#text) throw unsupported('readInto() needs a file opened in binary mode');
    return this.#enqueue(() => this.#io.readInto(bytes));
  }

  /** Read one line including its '\n' (text: per `newline`); at most `limit` bytes/characters. */
  async readline(limit: number = -1): Promise<T> {
    checkArgCount(arguments.length, 1, 'readline(limit)');
    const max = checkSizeOrAll(limit, 'limit');
    this.#checkOpen('read');
    return this.#enqueue(() => this.#readLine(max));
  }

  /** Read lines to the end of the file, or until they total at least `hint` bytes/characters. */
  async readlines(hint: number = -1): Promise<T[]> {
    checkArgCount(arguments.length, 1, 'readlines(hint)');
    const max = checkSizeOrAll(hint, 'hint');
    this.#checkOpen('read');
    return this.#enqueue(() => this.#readLines(max <= 0 ? Infinity : max));
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
      this.#checkOpen('write');
      // Nothing queued ahead and room in the buffer: done now, like the queued call would be
      // in this same tick, minus its promises (docs/performance.md, "Third round").
      const now = !this.#idle() ? undefined : typeof checked === 'string' ? this.#text!.writeNow(checked) : this.#io.writeNow(checked);
      if (now !== undefined) return Promise.resolve(now);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#enqueue(() => this.#writeData(checked));
  }

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
    this.#checkOpen('write');
    if (Symbol.asyncIterator in lines) {
      // The file's queue is not held while user code produces the lines: it may use this
      // file (read what it transforms), and would wait for writelines() forever.
      for await (const line of lines) await this.write(line);
      return;
    }
    return this.#enqueue(async () => {
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
    this.#checkOpen('lseek');
    const text = this.#text;
    return this.#enqueue(() => (text ? text.seek(offset, whence) : this.#io.seek(offset, whence)));
  }

  /** The position (text mode: an opaque number for seek()). */
  async tell(): Promise<number> {
    checkArgCount(arguments.length, 0, 'tell()');
    this.#checkOpen('lseek');
    const text = this.#text;
    return this.#enqueue(() => (text ? text.tell() : this.#io.tell()));
  }

  /** Cut or extend the file to `size` bytes (default: the position); the position stays. Resolves the size. */
  async truncate(size?: number): Promise<number> {
    checkArgCount(arguments.length, 1, 'truncate(size)');
    const at = size === undefined || size === null ? undefined : checkPosition(size, 'size');
    this.#checkOpen('ftruncate');
    const text = this.#text;
    return this.#enqueue(() => (text ? text.truncate(at) : this.#io.truncate(at)));
  }

  /** fstat the file (after flushing, so the size includes earlier writes). Fields as fs.Stats. */
  async stat(): Promise<Stats> {
    checkArgCount(arguments.length, 0, 'stat()');
    this.#checkOpen('fstat');
    return this.#enqueue(async () => {
      await this.#flushLayers();
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
    try {
      checkArgCount(arguments.length, 0, 'flush()');
      this.#checkOpen('write');
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.#idle()) {
      // What the queued call would do in this same tick; its kernel write starts at the
      // checkpoint, as it would when the queue ran empty.
      const group = this.#joinFlushGroup();
      this.#startCommitsAtCheckpoint();
      return group.written;
    }
    return this.#enqueue(() => Promise.resolve(this.#joinFlushGroup())).then((group) => group.written);
  }

  /** flush(), then fsync(2): data and metadata are on stable storage. */
  async sync(): Promise<void> {
    checkArgCount(arguments.length, 0, 'sync()');
    this.#checkOpen('fsync');
    return this.#enqueue(() => this.#syncOp(false));
  }

  /** flush(), then fdatasync(2): data (and the metadata needed to read it) on stable storage. */
  async datasync(): Promise<void> {
    checkArgCount(arguments.length, 0, 'datasync()');
    this.#checkOpen('fdatasync');
    return this.#enqueue(() => this.#syncOp(true));
  }

  /**
   * Flush, wait for in-flight positional ops, close the fd (unless wrapFd(…, { ownsFd: false })).
   * Idempotent: later calls resolve when the first finishes. Every other method rejects with
   * EBADF once close() has been called. If the final flush fails the fd is still closed and
   * the first call rejects with the flush error.
   */
  close(): Promise<void> {
    if (arguments.length > 0) return Promise.reject(tooManyArgs('close()', arguments.length));
    if (this.#closePromise !== undefined) return this.#closePromise.then(noop, noop);
    this.#record.closing = true;
    this.#closePromise = this.#enqueue(() => this.#shutdown());
    this.#cancelStragglersAfter(getConfig().closeTimeoutMs, this.#closePromise);
    return this.#closePromise;
  }

  /**
   * closeTimeoutMs: if close() has not finished after `ms`, cancel every op still in flight
   * on the fd (they reject with ECANCELED); on a file that cannot seek, also make every kernel
   * op it would start from then on reject ECANCELED at once (the final flush, calls queued
   * ahead of close), so closeTimeoutMs bounds the whole close(). The timer starts when close()
   * is called, covering queued calls as well as positional ones.
   */
  #cancelStragglersAfter(ms: number, closing: Promise<void>): void {
    let repeat: ReturnType<typeof setInterval> | undefined;
    const timer = setTimeout(() => {
      this.#stragglersCancelled = true;
      // On a pipe, socket or terminal an op can wait forever: what still runs before the fd
      // closes starts no kernel op there. A regular file's ops end; they still run (the final
      // flush of what was written before close() included).
      if (!this.#io.seekable) this.#io.stop();
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
    try {
      checkArgCount(arguments.length, 2, 'readAt(position, size)');
      checkPosition(position);
      checkInteger(size, 'size', 0, MAX_LENGTH);
      this.#checkPositional(this.#io.readable, 'read');
    } catch (err) {
      return Promise.reject(err);
    }
    const buf = allocResult(size);
    const r = this.#startPread(buf, 0, size, position, (n) => fitted(buf, n));
    return r instanceof Promise ? r : Promise.resolve(r);
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
    const r = this.#startPread(bytes, offset, len, position, count);
    return typeof r === 'number' ? Promise.resolve(r) : r;
  }

  /**
   * Write all of `data` at `position` without moving the file position; resolves the bytes
   * written. On a file opened in append mode, Linux and Windows append instead (pwrite(2) on
   * O_APPEND).
   * Binary read-ahead over the range is dropped; text already decoded ahead is not.
   */
  async writeAt(position: number, data: NodeJS.ArrayBufferView): Promise<number> {
    checkArgCount(arguments.length, 2, 'writeAt(position, data)');
    checkPosition(position);
    const bytes = toBytes(data, 'data');
    this.#checkPositional(this.#io.writable, 'write');
    const len = bytes.byteLength;
    // Taken now, in call order: the barrier waits for what came before, and this write for the
    // earlier writeAt()s it overlaps; calls after it wait for it (positionalWrite()).
    const barrier = this.#pending !== 0 || this.#io.hasPendingWrites || this.#io.positionAfterAppend ? this.#barrier() : undefined;
    const [start, end] = this.#io.append ? [0, Infinity] : [position, position + len];
    const earlier = this.#writesBefore(start, end);
    const finished = this.#positionalWrite(start, end);
    this.#inflight++;
    try {
      if (barrier !== undefined) await barrier;
      if (earlier !== undefined) await earlier;
      let done = 0;
      while (done < len) {
        if (this.#io.isStopped) throw partialWriteError(systemError('ECANCELED', 'write', this.#path), done);
        const n = await this.#backend.write(this.#io.fd, bytes, done, len - done, position + done);
        if (n <= 0) throw partialWriteError(uvException(n < 0 ? n : errnoByName('EIO'), 'write', this.#path), done);
        done += n;
      }
      this.#io.invalidate(position, len);
      return len;
    } finally {
      finished();
      this.#positionalDone();
    }
  }

  /** Register a writeAt() of [start, end) in flight; call the returned function when it ends. */
  #positionalWrite(start: number, end: number): () => void {
    let settle!: () => void;
    const write: PositionalWrite = { start, end, done: new Promise<void>((resolve) => (settle = resolve)) };
    this.#positionalWrites.add(write);
    return () => {
      this.#positionalWrites.delete(write);
      settle();
    };
  }

  /** Settles when the writeAt()s now in flight over [start, end) have ended; undefined if none. */
  #writesBefore(start = 0, end = Infinity): Promise<unknown> | undefined {
    if (this.#positionalWrites.size === 0) return undefined;
    const waits: Promise<void>[] = [];
    for (const w of this.#positionalWrites) if (w.start < end && start < w.end) waits.push(w.done);
    return waits.length === 0 ? undefined : Promise.all(waits);
  }

  /** Nothing queued and no writeAt() in flight: a call may take effect at once. */
  #idle(): boolean {
    return this.#pending === 0 && this.#positionalWrites.size === 0;
  }

  /** Run `op` after every earlier call on this file has settled. */
  #enqueue<T>(op: () => Promise<T>): Promise<T> {
    const writes = this.#writesBefore();
    const ahead = this.#pending++ === 0 ? writes : writes === undefined ? this.#tail : Promise.all([this.#tail, writes]);
    const result = ahead === undefined ? startNow(op) : ahead.then(op);
    this.#tail = result.then(this.#opDone, this.#opDone);
    return result;
  }

  /** Reject calls made after close(). */
  #checkOpen(syscall: string): void {
    if (this.#closePromise !== undefined) throw closedFileError(syscall, this.#path);
  }

  /** An open file that can seek, opened for the access a positional op needs (even for 0 bytes, like pread(2)). */
  #checkPositional(allowed: boolean, syscall: string): void {
    this.#checkOpen(syscall);
    if (!this.#io.seekable) throw systemError('ESPIPE', syscall, this.#path); // io_uring would ignore the position
    if (!allowed) throw systemError('EBADF', syscall, this.#path);
  }

  /** A positional op waits here for queued calls and buffered writes ahead of it. */
  #barrier(): Promise<void> {
    return this.#enqueue(async () => {
      await this.#flushLayers();
      await this.#io.settle();
    });
  }

  #positionalDone(): void {
    if (--this.#inflight === 0 && this.#drained !== undefined) this.#drained();
  }

  /**
   * Start a positional read of buf[off, off + len) at `position`, counted in `inflight` until
   * it is done; `result` turns the byte count into what the caller resolves. The common case —
   * nothing queued ahead, and the backend finished the read inside the call with every byte
   * (or at end of file) — returns that result itself: readAt and readAtInto are not async
   * functions so that such a read costs one promise, not three (~0.3 µs of ~3.5 at one read
   * in flight, docs/performance.md). Otherwise a promise of it.
   */
  #startPread<R>(buf: Uint8Array, off: number, len: number, position: number, result: (n: number) => R): R | Promise<R> {
    this.#inflight++;
    const readNow = this.#backend.readNow;
    if (!this.#idle() || this.#io.hasPendingWrites || readNow === undefined) return this.#preadLater(buf, off, len, position, result);
    const first = readNow.call(this.#backend, this.#io.fd, buf, off, len, position);
    if (typeof first === 'number' && (first === len || first === 0)) {
      this.#positionalDone();
      return result(first);
    }
    return this.#finishPread(first, buf, off, len, position, result);
  }

  /** startPread() behind queued calls and buffered writes, or on a backend without readNow. */
  async #preadLater<R>(buf: Uint8Array, off: number, len: number, position: number, result: (n: number) => R): Promise<R> {
    let first: Promise<number>;
    const writes = this.#writesBefore(position, position + len);
    try {
      if (this.#pending !== 0 || this.#io.hasPendingWrites) await this.#barrier();
      if (writes !== undefined) await writes;
      this.#io.checkRunning('read');
      first = this.#backend.read(this.#io.fd, buf, off, len, position);
    } catch (err) {
      this.#positionalDone();
      throw err;
    }
    return this.#finishPread(first, buf, off, len, position, result);
  }

  /** The rest of a positional read whose first pread gave `first`: errors, short reads, `inflight`. */
  async #finishPread<R>(
    first: number | Promise<number>, buf: Uint8Array, off: number, len: number, position: number, result: (n: number) => R,
  ): Promise<R> {
    try {
      const n = await first;
      if (n < 0) throw uvException(n, 'read', this.#path);
      return result(n === len || n === 0 ? n : n + (await this.#preadFully(buf, off + n, len - n, position + n)));
    } finally {
      this.#positionalDone();
    }
  }

  /** pread until `len` bytes or end of file. */
  async #preadFully(buf: Uint8Array, off: number, len: number, position: number): Promise<number> {
    let got = 0;
    while (got < len) {
      this.#io.checkRunning('read');
      const n = await this.#backend.read(this.#io.fd, buf, off + got, len - got, position + got);
      if (n < 0) throw uvException(n, 'read', this.#path);
      if (n === 0) break;
      got += n;
    }
    return got;
  }

  /** The right data type for the mode: a string in text mode, bytes in binary mode. */
  #checkData(data: unknown, name: string): string | Uint8Array {
    if (this.#text) {
      if (typeof data !== 'string') throw invalidType(name, 'of type string (text mode)', data);
      return data;
    }
    return toBytes(data, name);
  }

  #writeData(data: string | Uint8Array): Promise<number> {
    return typeof data === 'string' ? this.#text!.write(data) : this.#io.write(data);
  }

  #readLine(limit: number): Promise<T> {
    return (this.#text ? this.#text.readline(limit) : this.#io.readline(limit)) as Promise<T>;
  }

  async #readLines(hint: number): Promise<T[]> {
    const lines: T[] = [];
    let total = 0;
    while (total < hint) {
      const line = await this.#readLine(-1);
      if (line.length === 0) break;
      lines.push(line);
      total += line.length;
    }
    return lines;
  }

  /**
   * The part of flush() that runs in call order (queued, or at once when nothing is queued):
   * join the binary layer's next group commit. The text layer hands every write to the binary
   * layer at once, so only that layer holds data to commit. The promise is wrapped so the
   * queue moves on without waiting for it, and marked handled until flush()'s caller awaits it.
   */
  #joinFlushGroup(): { written: Promise<void> } {
    const written = this.#io.commit();
    written.catch(noop);
    return { written };
  }

  /**
   * Start the group commits of flushes made outside the queue at the microtask checkpoint:
   * every flush of this synchronous run (and of the continuations already queued) joins the
   * same kernel write.
   */
  #startCommitsAtCheckpoint(): void {
    if (this.#commitsScheduled) return;
    this.#commitsScheduled = true;
    RESOLVED.then(this.#commitsAtCheckpoint);
  }

  /** Flush the text layer (which flushes the binary one) or the binary layer. */
  #flushLayers(): Promise<void> {
    return this.#text ? this.#text.flush() : this.#io.flush();
  }

  async #syncOp(datasync: boolean): Promise<void> {
    await this.#flushLayers();
    const r = await this.#backend.fsync(this.#io.fd, datasync);
    if (r < 0) throw uvException(r, datasync ? 'fdatasync' : 'fsync', this.#path);
  }

  /** Wait until no positional op is in flight. */
  #positionalDrain(): Promise<void> | undefined {
    if (this.#inflight === 0) return undefined;
    return new Promise((resolve) => {
      this.#drained = resolve;
    });
  }

  /**
   * The body of close(). In-flight positional ops are waited for, never abandoned: closing an
   * fd under a pending op could let it touch a file that reuses the fd number.
   */
  async #shutdown(): Promise<void> {
    let failure: unknown;
    try {
      await this.#flushLayers();
    } catch (err) {
      failure = err;
    }
    await this.#positionalDrain();
    forget(this.#record); // before the fd is closed: an exit from here on must not close it again
    this.#io.releaseBuffer(!this.#stragglersCancelled);
    if (this.#ownsFd) {
      const r = await this.#backend.close(this.#io.fd);
      if (r < 0 && failure === undefined) failure = uvException(r, 'close', this.#path);
    }
    if (failure !== undefined) throw failure;
  }
}
