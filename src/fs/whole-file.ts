/**
 * Whole-file helpers with the signatures of fs/promises' readFile/writeFile/appendFile
 * (the path forms string | Buffer | URL and the options encoding, flag, mode), carried out on
 * the engine's ops: open, fstat, a read or write loop, close. How many files they hold open
 * at once is capped by handlePoolMaxTotal / handlePoolMaxPerKey (src/open-limit.ts). Errors are Node-shaped
 * (uvException) and every failure, argument errors included, is a rejected promise.
 */
import { constants as fsConstants } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import { getConfig } from '../config';
import { getBackend, getBackendForFlags, getPositionWriter, getSizelessFileReader, repeatCancel } from '../engine/index';
import { WHOLE_HANDOVER, ReadWholeFailure, WHOLE_STEP, WholeFailure, type FileTypeAndSize, type OpBackend, type PathLike } from '../engine/types';
import { errnoByName, fileTooLarge, partialWriteError, uvException } from '../errors';
import { acquireBuffer, releaseBuffer } from '../file/buffer-pool';
import { toBytes, tooManyArgs } from '../file/validate';
import { releaseSlot, slotKey, takeSlotNow, waitForSlot } from '../open-limit';
import { whenAborted } from '../abort-listeners';
import { isRegularMode } from '../file/stats';
import { getOptions, invalidArgType, invalidArgValue, parseEncoding, parseMode, parseOpenFlag, validateBoolean, validatePath } from './args';

/** A path as the public API accepts it. */
export type PathInput = string | Buffer | URL;

/** fs-style open flags: a string such as 'r', 'w+', 'ax' or a number of O_* bits. */
export type OpenFlag = string | number;

/** Options of readFile(). */
export interface ReadFileOptions {
  /** Decode the contents to a string with this encoding; null or absent: a Buffer. */
  encoding?: BufferEncoding | null;
  /** Open flags (default 'r'). */
  flag?: OpenFlag;
  /** Abort the read: rejects with an AbortError, cancelling the kernel op in flight. */
  signal?: AbortSignal;
}

/** Options of writeFile() and appendFile(). */
export interface WriteFileOptions {
  /** Encoding of string data (default 'utf8'). */
  encoding?: BufferEncoding | null;
  /** Open flags (default 'w' for writeFile, 'a' for appendFile). */
  flag?: OpenFlag;
  /** Permission bits of a newly created file (default 0o666, before the umask). */
  mode?: number | string;
  /** fsync the file before closing it, so the data is on disk when the call resolves (default false). */
  flush?: boolean;
  /**
   * Abort the write: rejects with an AbortError (before anything is opened when already
   * aborted); the kernel op in flight is cancelled and nothing more is written.
   */
  signal?: AbortSignal;
}

/** Data writeFile()/appendFile() accept: a string, bytes, or an (async) iterable or stream of them. */
export type WriteFileData = string | NodeJS.ArrayBufferView | Iterable<string | NodeJS.ArrayBufferView> | AsyncIterable<string | NodeJS.ArrayBufferView>;

const O = fsConstants;
const ESPIPE = errnoByName('ESPIPE');
const ECANCELED = errnoByName('ECANCELED');
const EIO = errnoByName('EIO');

/** What the options of readFile/writeFile/appendFile mean once checked. */
export interface ParsedOptions {
  encoding: BufferEncoding | null;
  flags: number;
  mode: number;
  signal: AbortSignal | undefined;
  /** writeFile/appendFile: fsync the file before closing it. */
  flush: boolean;
  /** readFile: the largest file it returns (default BUFFER_MAX). */
  maxSize?: number;
}

/** ayafileio's own writeFile/appendFile take permission bits only; node:fs (ayafileio/fs) any uint32. */
const PERMISSION_BITS = 0o7777;
const ANY_MODE = 0xffffffff;

/**
 * fs's options argument (undefined, null, an encoding string, or an options object), checked
 * in node:fs's order and with its messages; `flag` falls back to `defaultFlag` when falsy.
 */
export function parseOptions(options: unknown, defaultFlag: string, maxMode = ANY_MODE, flagName = 'flags'): ParsedOptions {
  const o = getOptions(options);
  // A read ignores mode and flush, as node:fs's readFile does (it opens with 0o666).
  const read = defaultFlag === 'r';
  const flush = read ? false : (o.flush ?? false);
  validateBoolean(flush, 'options.flush');
  const mode = read ? 0o666 : parseMode(o.mode);
  if (mode > maxMode) throw invalidArgValue('mode', o.mode, 'must be an integer 0..0o7777 or a string of octal digits');
  return {
    encoding: parseEncoding(o.encoding),
    flags: parseOpenFlag(o.flag || defaultFlag, flagName),
    mode,
    signal: o.signal as AbortSignal | undefined,
    flush: flush as boolean,
  };
}

/** What writeFile()/appendFile() write: bytes, or chunks from an (async) iterable or stream. */
export type WriteSource = Uint8Array | Iterable<unknown> | AsyncIterable<unknown>;

function isIterable(data: unknown): data is Iterable<unknown> | AsyncIterable<unknown> {
  if (data === null || data === undefined || typeof data === 'string') return false;
  const d = data as Record<symbol, unknown>;
  return typeof d[Symbol.iterator] === 'function' || typeof d[Symbol.asyncIterator] === 'function';
}

/**
 * The data argument as node:fs takes it: any ArrayBufferView as its bytes (no copy), an
 * (async) iterable or stream as it comes, a string encoded with `encoding` (default utf8).
 */
export function writeSource(data: unknown, encoding: BufferEncoding | null): WriteSource {
  if (ArrayBuffer.isView(data)) return toBytes(data, 'data');
  if (isIterable(data)) return data;
  if (typeof data !== 'string') throw invalidArgType('data', 'of type string or an instance of Buffer, TypedArray, or DataView', data);
  return Buffer.from(data, encoding ?? 'utf8');
}

/** What a whole-file body works with: the backend, the fd, and the caller's AbortSignal. */
export interface Opened {
  backend: OpBackend;
  fd: number;
  signal: AbortSignal | undefined;
  /** An abort cancelled ops on the fd: a fallback op may still write into its buffer. */
  cancelled: boolean;
  /**
   * Read and write at the fd's own position (a FileHandle's readFile/writeFile, as Node's),
   * rather than from offset 0 of a file just opened.
   */
  current: boolean;
  /** The path opened (undefined for a FileHandle's own readFile/writeFile). */
  path?: PathLike;
  /** The largest file a whole-file read returns; larger ones reject ERR_FS_FILE_TOO_LARGE. */
  maxSize: number;
  /** Bytes the writes of this call have put into the file so far. */
  written: number;
  /** The body closed the fd (a close linked behind its last write): openRunClose must not. */
  closed?: boolean;
}

/** ayafileio's readFile: as large as a Buffer can be. */
const BUFFER_MAX = bufferConstants.MAX_LENGTH;
/** node:fs's readFile limit (kIoMaxLength, 2 GiB − 1), which ayafileio/fs keeps. */
export const NODE_READ_MAX = 2 ** 31 - 1;

/** What writeFile/appendFile call a bad numeric flag in its error: Node 26 names the option, earlier ones open()'s 'flags'. */
const WRITE_FLAG_NAME = Number(process.versions.node.split('.')[0]) >= 26 ? 'options.flag' : 'flags';

/**
 * Whether a failed read names the path, as this Node's readFile does: Node 26's readFile puts
 * it in the message ("EISDIR: illegal operation on a directory, read '/tmp'"), earlier ones
 * (and 25) leave it out.
 */
const READ_ERRORS_NAME_PATH = Number(process.versions.node.split('.')[0]) >= 26;

function readError(n: number, path: PathLike | undefined): Error {
  return uvException(n, 'read', READ_ERRORS_NAME_PATH ? path : undefined);
}

/**
 * Open `path`, run `body` on the fd, close it, holding one of the helpers' open-file slots
 * (handlePoolMaxTotal / handlePoolMaxPerKey) meanwhile. A close error is reported only when
 * `body` succeeded (the first error is the one that matters). An AbortSignal already aborted
 * rejects before anything is opened; one aborted meanwhile cancels the fd's ops in flight.
 */
function withFile<T>(path: PathLike, options: ParsedOptions, body: (file: Opened) => Promise<T>): Promise<T> {
  throwIfAborted(options.signal);
  return withSlot(path, options.signal, () => openRunClose(path, options, body));
}

/**
 * `run()` holding one of the helpers' open-file slots for `path` (handlePoolMaxTotal /
 * handlePoolMaxPerKey). An abort while waiting for the slot rejects at once and leaves the
 * queue; one just after the slot came is seen by `run()`, which then gives the slot back.
 */
function withSlot<T>(path: PathLike, signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
  const key = slotKey(path);
  if (takeSlotNow(key)) return holdingSlot(key, run);
  return waitForSlot(key, signal).then((admitted) => {
    if (!admitted) throwIfAborted(signal);
    return holdingSlot(key, run);
  });
}

/**
 * `run()`'s promise, giving back the slot taken for `key` when it settles. Promise callbacks
 * rather than an async function with try/finally: every whole-file call passes here, and each
 * async layer costs the JavaScript thread a promise and its turns (docs/performance.md).
 */
function holdingSlot<T>(key: string, run: () => Promise<T>): Promise<T> {
  return rejectOnThrow(run).then(
    (value) => {
      releaseSlot(key);
      return value;
    },
    (err: unknown) => {
      releaseSlot(key);
      throw err;
    },
  );
}

/**
 * `op`, or an AbortError as soon as `signal` aborts: an open blocked on a FIFO, or a wait for a
 * slot, may never end by itself. What `op` yields after the abort goes to `late` (an fd to
 * close, a slot to give back).
 */
function untilAborted<T>(op: Promise<T>, signal: AbortSignal | undefined, late: (value: T) => unknown): Promise<T> {
  if (signal === undefined) return op;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      op.then(late, noop);
      try {
        throwIfAborted(signal);
      } catch (err) {
        reject(err);
      }
    };
    const stop = whenAborted(signal, onAbort);
    op.then(
      (value) => {
        stop();
        resolve(value);
      },
      (err: unknown) => {
        stop();
        reject(err);
      },
    );
  });
}

function noop(): void {}

async function openRunClose<T>(path: PathLike, options: ParsedOptions, body: (file: Opened) => Promise<T>): Promise<T> {
  const { flags, mode, signal } = options;
  const backend = getBackendForFlags(getBackend(), flags);
  throwIfAborted(signal);
  // An abort does not wait for the open (a FIFO's may never end), but an open that creates or
  // truncates acts on the file even after the rejection: let an abort made on this tick stop
  // it first (the slot may have been taken synchronously, in the caller's own call).
  if (signal !== undefined && (flags & (O.O_CREAT | O.O_TRUNC)) !== 0) await startAbortable(signal);
  // The backend cancels the open on abort where it can (a FIFO's would keep the loop alive).
  const fd = await untilAborted(backend.open(path, flags, mode, signal), signal, (late) => (late >= 0 ? backend.close(late) : undefined));
  if (fd < 0) throw uvException(fd, 'open', path);
  return runThenClose(backend, fd, path, options, body);
}

/** `body` on `fd`, just opened for `path`, then its close (an error of which is reported only when `body` succeeded). */
async function runThenClose<T>(backend: OpBackend, fd: number, path: PathLike, options: ParsedOptions, body: (file: Opened) => Promise<T>): Promise<T> {
  const { signal } = options;
  const file: Opened = { backend, fd, signal, cancelled: false, current: false, path, maxSize: options.maxSize ?? BUFFER_MAX, written: 0 };
  const stopCancelling = signal === undefined ? undefined : cancelOnAbort(file, signal);
  let result: T;
  try {
    throwIfAborted(signal);
    result = await body(file);
    if (options.flush) {
      const synced = await backend.fsync(fd, false);
      if (synced < 0) throw uvException(synced, 'fsync');
    }
  } catch (err) {
    if (file.closed !== true) await backend.close(fd);
    throw err;
  } finally {
    stopCancelling?.();
  }
  if (file.closed === true) return result;
  const closed = await backend.close(fd);
  if (closed < 0) throw uvException(closed, 'close');
  return result;
}

/**
 * Once `signal` aborts, mark `file` cancelled and cancel its ops in flight (again and again:
 * one may start after a cancel). Returns what stops that when the body is done.
 */
function cancelOnAbort(file: Opened, signal: AbortSignal): () => void {
  let cancelling: ReturnType<typeof setInterval> | undefined;
  const onAbort = (): void => {
    file.cancelled = true;
    cancelling = repeatCancel(file.backend, file.fd);
  };
  const stop = whenAborted(signal, onAbort);
  return () => {
    stop();
    clearInterval(cancelling);
  };
}

/** Node's AbortError: name 'AbortError', code 'ABORT_ERR', the signal's reason as `cause`. */
class AbortError extends Error {
  readonly code = 'ABORT_ERR';
  constructor(cause: unknown) {
    super('The operation was aborted', { cause });
    this.name = 'AbortError';
  }
}

/** Throw Node's AbortError once `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new AbortError(signal.reason);
}

/**
 * With an AbortSignal, whole-file reads and writes go in pieces of this size (Node's
 * kReadFileBufferLength / kWriteFileMaxChunkSize), so an abort stops them between pieces.
 */
const ABORTABLE_CHUNK = 512 * 1024;

/** expectedSize() of a regular file whose size reads 0 (/proc files, empty files): read it to its end. */
const SIZELESS_REGULAR = -1;

/**
 * The size to expect: a regular file's size, 0 for anything else (unknown: read chunks until
 * EOF), or SIZELESS_REGULAR. Asked without a round trip where the backend can (fstatCached:
 * the attributes the kernel holds).
 */
function expectedSize({ backend, fd, maxSize }: Opened): number | Promise<number> {
  const st = backend.fstatCached?.(fd);
  return st === undefined ? backend.fstat(fd).then((ring) => sizeToRead(ring, maxSize)) : sizeToRead(st, maxSize);
}

function sizeToRead(st: FileTypeAndSize | number, maxSize: number): number {
  if (typeof st === 'number') throw uvException(st, 'fstat');
  if (!isRegularMode(st.mode)) return 0;
  const size = st.size === 0 ? SIZELESS_REGULAR : st.size;
  if (size > maxSize) throw fileTooLarge(size);
  return size;
}

/**
 * Read a regular file from offset 0: `size` bytes (fewer at EOF). Reads name their offsets:
 * a short read never depends on the fd's own position (unless `file.current` asks for it).
 */
async function readKnownSize(file: Opened, size: number): Promise<Buffer> {
  const { backend, fd, signal, current } = file;
  const piece = signal === undefined ? size : ABORTABLE_CHUNK;
  const buf = Buffer.allocUnsafe(size);
  let filled = 0;
  while (filled < size) {
    const n = await backend.read(fd, buf, filled, Math.min(piece, size - filled), current ? -1 : filled);
    throwIfAborted(signal);
    if (n < 0) throw readError(n, file.path);
    if (n === 0) break;
    filled += n;
  }
  return filled === size ? buf : buf.subarray(0, filled);
}

/**
 * Read `fd` from its current position to EOF in chunks (pipes, /proc files, empty files),
 * through `backend`. The chunks are pooled buffers (acquireBuffer), given back once copied
 * into the result — unless an abort cancelled a read, which on the fallback may still fill its
 * chunk later.
 */
async function readUnknownSize(file: Opened, backend: OpBackend): Promise<Buffer> {
  const { fd, signal } = file;
  const chunkSize = getConfig().bufferSize;
  const chunks: Buffer[] = [];
  const lengths: number[] = [];
  let total = 0;
  try {
    for (;;) {
      const chunk = acquireBuffer(chunkSize);
      chunks.push(chunk);
      const n = await backend.read(fd, chunk, 0, chunkSize, -1);
      throwIfAborted(signal);
      if (n < 0) throw readError(n, file.path);
      if (n === 0) break;
      lengths.push(n);
      total += n;
      if (total > file.maxSize) throw fileTooLarge(total);
    }
    return Buffer.concat(lengths.map((n, i) => chunks[i].subarray(0, n)), total);
  } finally {
    if (!file.cancelled) for (const chunk of chunks) releaseBuffer(chunk);
  }
}

/**
 * Write all of `data` from offset 0 (O_APPEND: at the end). Offsets are explicit, so a short
 * write never relies on the kernel having moved the fd's position: the next write goes right
 * after the acknowledged bytes, and a write that then fails rejects with its error, leaving
 * exactly the acknowledged bytes in the file. A file without offsets (a pipe: ESPIPE) is
 * written at its position.
 */
async function writeAll(file: Opened, data: Uint8Array, append: boolean, from = 0): Promise<void> {
  const { fd, signal } = file;
  // A FileHandle's writeFile writes at the fd's position, which must end right (writerAt).
  const backend = file.current ? getPositionWriter(file.backend) : file.backend;
  const piece = signal === undefined ? data.length : ABORTABLE_CHUNK;
  let positional = !append;
  let done = from;
  throwIfDetached(data);
  const total = data.length;
  while (done < total) {
    throwIfDetached(data);
    const n = await backend.write(fd, data, done, Math.min(piece, total - done), positional ? done : -1);
    if (n > 0) file.written += n; // before an abort's throw: replaceInPlace cuts the file there
    throwIfAborted(signal);
    if (n === ESPIPE && positional && done === 0) {
      positional = false;
      continue;
    }
    if (n <= 0) throw partialWriteError(uvException(n < 0 ? n : errnoByName('EIO'), 'write'), done);
    done += n;
  }
}

/**
 * Throw the TypeError node:fs's writeFile meets when the caller transferred the data's
 * ArrayBuffer away (structuredClone, postMessage, transfer()) before it was written: the view
 * then reads as empty, and writing it would report a file of no bytes written.
 */
function throwIfDetached(data: Uint8Array): void {
  // A view's length reads 0 once its buffer is detached; a new view of that buffer throws.
  if (data.length === 0) new Uint8Array(data.buffer, 0, 0);
}

/**
 * With an AbortSignal, let one turn of the event loop pass before the first op. node:fs's
 * calls go through the thread pool and never settle before the loop has turned, so code that
 * aborts on the next tick (process.nextTick) or in a setImmediate callback queued before the
 * call expects to stop them; an io_uring op completing at once would win that race.
 */
async function startAbortable(signal: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  await new Promise<void>((resolve) => setImmediate(resolve));
  throwIfAborted(signal);
}

/** Read the rest of an open file: its size from fstat (regular files), else chunks until EOF. */
export async function readOpened(file: Opened): Promise<Buffer> {
  if (file.signal !== undefined) await startAbortable(file.signal);
  const known = expectedSize(file);
  const size = typeof known === 'number' ? known : await known;
  if (size > 0) return readKnownSize(file, size);
  return readUnknownSize(file, size === SIZELESS_REGULAR ? getSizelessFileReader(file.backend) : file.backend);
}

/** Write every chunk of an (async) iterable at the fd's position: strings encoded, views as bytes. */
async function writeChunks(file: Opened, chunks: Iterable<unknown> | AsyncIterable<unknown>, encoding: BufferEncoding | null): Promise<void> {
  for await (const chunk of chunks) {
    throwIfAborted(file.signal);
    const bytes = ArrayBuffer.isView(chunk) ? toBytes(chunk, 'data') : Buffer.from(chunk as string, encoding ?? 'utf8');
    await writeAll(file, bytes, true);
  }
}

/** Write `source` to an open file (at its position when `file.current` or `append`, else from offset 0). */
export async function writeOpened(file: Opened, source: WriteSource, encoding: BufferEncoding | null, append: boolean): Promise<void> {
  if (file.signal !== undefined) await startAbortable(file.signal);
  if (source instanceof Uint8Array) return writeAll(file, source, append || file.current);
  return writeChunks(file, source, encoding);
}

/**
 * readFile on a path, checked in node:fs's order (options, then the path) before it returns
 * the work to run; the signal is looked at when that runs. The callback form (ayafileio/fs)
 * throws what these checks throw; the promise forms reject with it.
 */
export function prepareRead(path: unknown, options: unknown, maxSize: number, flagName?: string): () => Promise<string | Buffer> {
  const parsed = parseOptions(options, 'r', ANY_MODE, flagName);
  const target = validatePath(path);
  parsed.maxSize = maxSize;
  return () => {
    throwIfAborted(parsed.signal);
    return readPath(target, parsed);
  };
}

/**
 * The buffer a whole-file read with one completion (OpBackend.readWhole) reads into, and so
 * the largest file it reads (Node's readFile reads files of unknown size in pieces this long).
 */
const READ_AT_ONCE_MAX = 64 * 1024;

/**
 * readFile of a path: with one completion where the backend can (readWhole, read-only and
 * without an AbortSignal), else by open, read and close one after another.
 */
function readPath(path: PathLike, options: ParsedOptions): Promise<string | Buffer> {
  const backend = getBackend();
  if (backend.readWhole === undefined || options.signal !== undefined || options.flags !== O.O_RDONLY) {
    return withFile(path, options, readOpened).then((data) => decoded(data, options.encoding));
  }
  return withSlot(path, undefined, () => readAtOnce(backend, path, options));
}

/** `data` as readFile resolves it: decoded when an encoding was asked for. */
function decoded(data: Buffer, encoding: BufferEncoding | null): string | Buffer {
  return encoding === null ? data : data.toString(encoding);
}

/**
 * readWhole into a pooled buffer of READ_AT_ONCE_MAX bytes; a file it hands back open (not a
 * regular file, empty by its size, or larger) is read as readOpened reads, and where it cannot
 * run at the moment the file is opened as by withFile.
 */
async function readAtOnce(backend: OpBackend, path: PathLike, options: ParsedOptions): Promise<string | Buffer> {
  const scratch = acquireBuffer(READ_AT_ONCE_MAX);
  const reading = backend.readWhole!(path, scratch, 0, Math.min(READ_AT_ONCE_MAX, options.maxSize ?? BUFFER_MAX));
  if (reading === undefined) {
    releaseBuffer(scratch);
    return decoded(await openRunClose(path, options, readOpened), options.encoding);
  }
  const r = await reading;
  if (r >= 0) return takeRead(scratch, r, options.encoding);
  releaseBuffer(scratch); // the kernel is done with it: the completion came
  if (r <= -WHOLE_HANDOVER) {
    return decoded(await runThenClose(backend, -r - WHOLE_HANDOVER, path, options, readOpened), options.encoding);
  }
  throw readWholeError(r, path);
}

/**
 * The `n` bytes readWhole put at the start of `scratch`, as readFile returns them: decoded
 * straight from it, or copied into a Buffer of their own (a short file must not hold 64 KiB);
 * a file over half of it keeps the whole buffer, its tail zeroed: the pooled buffer's earlier
 * contents (another file's bytes) must not be readable through the result's `.buffer`.
 */
function takeRead(scratch: Buffer, n: number, encoding: BufferEncoding | null): string | Buffer {
  if (encoding === null && n > READ_AT_ONCE_MAX / 2) return scratch.fill(0, n).subarray(0, n);
  const data = encoding === null ? Buffer.from(scratch.subarray(0, n)) : scratch.toString(encoding, 0, n);
  releaseBuffer(scratch);
  return data;
}

/** The error of a readWhole that failed (OpBackend.readWhole): in its open, read or close. */
function readWholeError(r: number, path: PathLike): Error {
  if (r > -WHOLE_STEP) return uvException(r, 'open', path);
  const { step, errno } = failedStep(r);
  return step === ReadWholeFailure.Read ? readError(errno, path) : uvException(errno, 'close');
}

/**
 * Whether writeFile replaces the file in place (replaceInPlace): bytes to write over a file
 * opened with O_TRUNC (and not O_APPEND), without an AbortSignal (an abort while the open is
 * in flight closes the fd unseen: with O_TRUNC the file is then empty, as node:fs leaves it),
 * on a backend that reads a file's size without a round trip. Elsewhere the open truncates,
 * as node:fs's does. Not for no bytes: a write of 0 bytes changes nothing, where O_TRUNC sets
 * the file's mtime and ctime (and clears set-user-ID) even on an empty file, so writeFile(p, '')
 * touches the file as node:fs's does; and there is nothing to write in place.
 */
function replacesInPlace(options: ParsedOptions, source: WriteSource, backend: OpBackend): boolean {
  const { flags, signal } = options;
  // Not without write access: O_RDONLY|O_TRUNC truncates on Linux (or fails EACCES on a file
  // the caller may not write), then the write fails EBADF; only the open can do that.
  const writable = (flags & (O.O_WRONLY | O.O_RDWR)) !== 0;
  const bytes = source instanceof Uint8Array && source.length > 0;
  return bytes && signal === undefined && writable && (flags & (O.O_TRUNC | O.O_APPEND)) === O.O_TRUNC && backend.fstatCached !== undefined;
}

/**
 * Write `data` over a file opened like O_TRUNC but without it, cut first to the data's length
 * where it was longer or its size may be stale (sizeBefore), and cut to the bytes written
 * after a failed or aborted write: the file ends as node:fs's truncating open leaves it
 * (exactly the bytes written), but a file rewritten with as many bytes or more is not
 * truncated at all where the kernel owns its size. A truncation frees every block of the file and
 * the writes then allocate them again; on ext4 it also discards them and makes the close
 * start writeback (docs/performance.md, "Replacing a file in place"). Bun's writeFile does the
 * same. Only regular files are cut: O_TRUNC leaves pipes and devices alone too.
 */
async function replaceInPlace(file: Opened, data: Uint8Array, flush: boolean): Promise<void> {
  const { backend, fd } = file;
  const st = backend.fstatCached?.(fd) ?? (await backend.fstat(fd));
  if (typeof st === 'number') throw uvException(st, 'fstat');
  let before = sizeBefore(backend, fd, st, data.length);
  try {
    throwIfDetached(data); // then cut below, as node:fs's open has emptied the file
    if (before > data.length) before = await cutBeforeWrite(file, data.length);
    if (isRegularMode(st.mode) && !flush) await writeLinkedClose(file, data);
    else await writeOpened(file, data, null, false);
  } finally {
    if (file.closed !== true && before > file.written) {
      const cut = await backend.ftruncate(fd, file.written);
      // A failed write's error is the one to report; a cut that fails after a good write is.
      if (cut < 0 && file.written === data.length) throw uvException(cut, 'ftruncate');
    }
  }
}

/**
 * Cut `file` to the `length` bytes about to be written over it; resolves that length, the
 * file's size now. Before the write, as the whole-file write in C cuts (native/linux/whole.c):
 * writers racing on one path each cover what their own cut left, where a cut after the write
 * could extend the file past a shorter writer's cut, leaving zeros node:fs never leaves.
 */
async function cutBeforeWrite(file: Opened, length: number): Promise<number> {
  const cut = await file.backend.ftruncate(file.fd, length);
  if (cut < 0) throw uvException(cut, 'ftruncate');
  return length;
}

/**
 * The size replaceInPlace takes the file of `fd` as having before it writes `length` bytes
 * (`st`: its type and size as fstat said): 0 for anything but a regular file (never cut);
 * Infinity where the kernel may hold a stale copy of its size (a FUSE or network filesystem:
 * OpBackend.kernelOwnsSize), so it is always cut to the bytes written, as the whole-file
 * write does: the file may have grown elsewhere, and node:fs's truncating open would empty
 * it. Asked only when the size read is not longer than the data (then it is cut anyway).
 */
function sizeBefore(backend: OpBackend, fd: number, st: FileTypeAndSize, length: number): number {
  if (!isRegularMode(st.mode)) return 0;
  return st.size > length || backend.kernelOwnsSize?.(fd) === true ? st.size : Infinity;
}

/** The longest write writeThen() takes as one op. */
const LINKABLE_MAX = 2 ** 31 - 1;

/**
 * Write all of `data` to a regular file from offset 0 and close the fd behind the write in
 * the same submission (writeThen), where the backend links ops: one round trip instead of
 * two. A short write makes the kernel cancel the close; writeAll then writes the rest and
 * openRunClose closes the fd as usual.
 */
async function writeLinkedClose(file: Opened, data: Uint8Array): Promise<void> {
  const linked = data.length <= LINKABLE_MAX ? file.backend.writeThen?.(file.fd, data, 0, data.length, 0, 'close', noop, noop) : undefined;
  if (linked !== undefined) {
    const n = await linked.written;
    const closed = await linked.next;
    file.closed = closed !== ECANCELED; // the kernel cancels it after a short or failed write
    // A cancelled write never ran: the engine cancels a waiting pair that no longer fits its
    // ring (configure() to one entry); writeAll writes it unlinked below.
    if (n < 0 && n !== ECANCELED) throw partialWriteError(uvException(n, 'write'), 0);
    if (n > 0) file.written += n;
    if (closed < 0 && file.closed) throw uvException(closed, 'close');
    if (file.closed) return;
  }
  await writeAll(file, data, false, file.written);
}

/**
 * The most of a caller's buffer writeAtOnce() copies (at the call, see there); a longer one
 * is written step by step, each piece from the caller's memory when it is written.
 */
const BORROWED_COPY_MAX = 64 * 1024;

/** What writeAtOnce() did: wrote the file, did not run, or ran and must be done again step by step. */
type WriteOutcome = 'written' | 'not-run' | 'again';

/**
 * writeFile with one completion (OpBackend.writeWhole: open, a cut where the file is longer
 * or its size may be stale, write, close), holding an open-file slot as withFile does.
 * Resolves 'written' when that wrote the file, or when it handed the open file back and
 * replaceInPlace wrote it (or rejects with the error), 'not-run' when it did not run, 'again'
 * when it must be done again step by step: a write that failed or was short on a regular
 * file; replaceInPlace writes it again and ends it as node:fs does (exactly the bytes
 * written). `borrowed`: `data` is the caller's
 * memory, which the engine would read only when the open completes; it writes a copy, so a
 * buffer the caller transfers away and reuses meanwhile (or whose memory is freed) is not what
 * lands in the file.
 */
function writeAtOnce(backend: OpBackend, path: PathLike, options: ParsedOptions, source: Uint8Array, borrowed: boolean): Promise<WriteOutcome> {
  if (backend.writeWhole === undefined || options.flush || (borrowed && source.length > BORROWED_COPY_MAX)) return NOT_RUN;
  const data = borrowed ? Buffer.from(source) : source;
  return withSlot(path, undefined, () => {
    const written = backend.writeWhole!(path, options.flags, options.mode, data, 0, data.length);
    if (written === undefined) return NOT_RUN;
    return written.then((r) => (r >= 0 ? 'written' : afterWholeWrite(r, backend, path, options, data)));
  });
}

const NOT_RUN = Promise.resolve<WriteOutcome>('not-run');

/**
 * What a writeWhole that completed with `r` < 0 comes to: the file it handed back open written
 * by replaceInPlace, 'again' for a write to do again step by step, or the failure's error.
 */
async function afterWholeWrite(r: number, backend: OpBackend, path: PathLike, options: ParsedOptions, data: Uint8Array): Promise<WriteOutcome> {
  if (r <= -WHOLE_HANDOVER) {
    await runThenClose(backend, -r - WHOLE_HANDOVER, path, options, (file) => replaceInPlace(file, data, false));
    return 'written';
  }
  const { step, errno } = failedStep(r);
  if (step === WholeFailure.Write) return 'again';
  if (step === WholeFailure.Open) throw uvException(errno, 'open', path);
  // A pipe or device cannot be written again: its reader may have seen the close.
  if (step === WholeFailure.WriteNotRegular) throw uvException(errno < 0 ? errno : EIO, 'write');
  throw uvException(errno, step === WholeFailure.Cut ? 'ftruncate' : 'close');
}

/** The step and errno of a whole-file op's failure, -(errno + WHOLE_STEP * step). */
function failedStep(r: number): { step: number; errno: number } {
  const step = Math.floor(-r / WHOLE_STEP);
  return { step, errno: r + step * WHOLE_STEP };
}

/** writeFile/appendFile on a path (they differ only in the default flag), checked as prepareRead. */
export function prepareWrite(path: unknown, data: unknown, options: unknown, defaultFlag: string, maxMode = ANY_MODE): () => Promise<void> {
  const parsed = parseOptions(options, defaultFlag, maxMode, WRITE_FLAG_NAME);
  const source = writeSource(data, parsed.encoding);
  const target = validatePath(path);
  const append = (parsed.flags & O.O_APPEND) !== 0;
  return () =>
    rejectOnThrow(() => {
      throwIfAborted(parsed.signal);
      const backend = getBackendForFlags(getBackend(), parsed.flags);
      if (replacesInPlace(parsed, source, backend)) return writeInPlace(backend, target, parsed, source as Uint8Array, ArrayBuffer.isView(data));
      return withFile(target, parsed, (file) => writeOpened(file, source, parsed.encoding, append));
    });
}

/**
 * writeFile over a file opened like O_TRUNC but without it (replacesInPlace): with one
 * completion where it can (writeAtOnce), else step by step (replaceInPlace). `borrowed`: `data`
 * is the caller's memory.
 */
function writeInPlace(backend: OpBackend, path: PathLike, parsed: ParsedOptions, data: Uint8Array, borrowed: boolean): Promise<void> {
  const inPlace = { ...parsed, flags: parsed.flags & ~O.O_TRUNC };
  return writeAtOnce(backend, path, inPlace, data, borrowed).then((outcome) => {
    if (outcome === 'written') return;
    // writeWhole opened (maybe created) the file: O_EXCL would now fail EEXIST.
    const again = outcome === 'again' ? { ...inPlace, flags: inPlace.flags & ~O.O_EXCL } : inPlace;
    return withFile(path, again, (file) => replaceInPlace(file, data, parsed.flush));
  });
}

/** readFile on a path: every failure, argument errors included, a rejection. */
function readWholeFile(path: unknown, options: unknown, maxSize: number): Promise<string | Buffer> {
  return rejectOnThrow(() => prepareRead(path, options, maxSize)());
}

/** writeFile/appendFile on a path: every failure a rejection. */
function writeWholeFile(path: unknown, data: unknown, options: unknown, defaultFlag: string, maxMode = ANY_MODE): Promise<void> {
  return rejectOnThrow(() => prepareWrite(path, data, options, defaultFlag, maxMode)());
}

/**
 * `run()`'s promise, or a rejection with what it threw (an argument error), as an async
 * function would give. Not an async function itself: one returning the promise of another
 * adds two microtask turns to every call.
 */
export function rejectOnThrow<T>(run: () => Promise<T>): Promise<T> {
  try {
    return run();
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * Read a whole file, like fs/promises' readFile. Resolves a Buffer, or a string when an
 * encoding is given. A missing file rejects with the error fs gives:
 * `ENOENT: no such file or directory, open '<path>'` (code, errno < 0, syscall, path).
 *
 * @example
 * const text = await readFile('notes.txt', 'utf8');
 */
export function readFile(path: PathInput, options?: { encoding?: null; flag?: OpenFlag; signal?: AbortSignal } | null): Promise<Buffer>;
export function readFile(path: PathInput, options: { encoding: BufferEncoding; flag?: OpenFlag; signal?: AbortSignal } | BufferEncoding): Promise<string>;
export function readFile(path: PathInput, options?: ReadFileOptions | BufferEncoding | null): Promise<string | Buffer>;
export function readFile(path: PathInput, options?: ReadFileOptions | BufferEncoding | null): Promise<string | Buffer> {
  if (arguments.length > 2) return Promise.reject(tooManyArgs('readFile(path, options)', arguments.length));
  return readWholeFile(path, options, BUFFER_MAX);
}

/**
 * Write `data` to a file, replacing it (flag 'w': created if missing, truncated), like
 * fs/promises' writeFile. Strings are encoded with `encoding` (default 'utf8').
 *
 * @example
 * await writeFile('out.bin', Buffer.from([1, 2, 3]));
 * await writeFile('out.txt', 'héllo', { encoding: 'latin1', mode: 0o600 });
 */
export function writeFile(path: PathInput, data: WriteFileData, options?: WriteFileOptions | BufferEncoding | null): Promise<void> {
  if (arguments.length > 3) return Promise.reject(tooManyArgs('writeFile(path, data, options)', arguments.length));
  return writeWholeFile(path, data, options, 'w', PERMISSION_BITS);
}

/**
 * Append `data` to a file (flag 'a': created if missing; every write goes to the end, even
 * with other writers), like fs/promises' appendFile.
 *
 * @example
 * await appendFile('log.txt', `${new Date().toISOString()} started\n`);
 */
export function appendFile(path: PathInput, data: WriteFileData, options?: WriteFileOptions | BufferEncoding | null): Promise<void> {
  if (arguments.length > 3) return Promise.reject(tooManyArgs('appendFile(path, data, options)', arguments.length));
  return writeWholeFile(path, data, options, 'a', PERMISSION_BITS);
}
