/**
 * Whole-file helpers with the signatures of fs/promises' readFile/writeFile/appendFile
 * (the path forms string | Buffer | URL and the options encoding, flag, mode), carried out on
 * the engine's ops: open, fstat, a read or write loop, close. How many files they hold open
 * at once is capped by handlePoolMaxTotal / handlePoolMaxPerKey (src/open-limit.ts). Errors are Node-shaped
 * (uvException) and every failure, argument errors included, is a rejected promise.
 */
import { constants as fsConstants } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import { describeReceived, getConfig } from './config';
import { getBackend, repeatCancel } from './engine/index';
import type { OpBackend, PathLike } from './engine/types';
import { argTypeError, fileTooLarge, partialWriteError, uvException, errnoByName } from './errors';
import { acquireBuffer, releaseBuffer } from './file/buffer-pool';
import { toPath } from './file/open';
import { checkArgCount, invalidType, toBytes, tooManyArgs } from './file/validate';
import { acquireSlot, releaseSlot, slotKey } from './open-limit';

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
  /**
   * Abort the write: rejects with an AbortError (before anything is opened when already
   * aborted); the kernel op in flight is cancelled and nothing more is written.
   */
  signal?: AbortSignal;
}

/** Data writeFile()/appendFile() accept. */
export type WriteFileData = string | NodeJS.ArrayBufferView;

const O = fsConstants;
const ESPIPE = errnoByName('ESPIPE');
const O_SYNC = O.O_SYNC ?? 0;

/** fs's flag strings (lib/internal/fs/utils.js stringToFlags) -> O_* bits. */
const FLAG_STRINGS: ReadonlyMap<string, number> = new Map([
  ['r', O.O_RDONLY],
  ['rs', O.O_RDONLY | O_SYNC],
  ['sr', O.O_RDONLY | O_SYNC],
  ['r+', O.O_RDWR],
  ['rs+', O.O_RDWR | O_SYNC],
  ['sr+', O.O_RDWR | O_SYNC],
  ['w', O.O_TRUNC | O.O_CREAT | O.O_WRONLY],
  ['wx', O.O_TRUNC | O.O_CREAT | O.O_WRONLY | O.O_EXCL],
  ['xw', O.O_TRUNC | O.O_CREAT | O.O_WRONLY | O.O_EXCL],
  ['w+', O.O_TRUNC | O.O_CREAT | O.O_RDWR],
  ['wx+', O.O_TRUNC | O.O_CREAT | O.O_RDWR | O.O_EXCL],
  ['xw+', O.O_TRUNC | O.O_CREAT | O.O_RDWR | O.O_EXCL],
  ['a', O.O_APPEND | O.O_CREAT | O.O_WRONLY],
  ['ax', O.O_APPEND | O.O_CREAT | O.O_WRONLY | O.O_EXCL],
  ['xa', O.O_APPEND | O.O_CREAT | O.O_WRONLY | O.O_EXCL],
  ['as', O.O_APPEND | O.O_CREAT | O.O_WRONLY | O_SYNC],
  ['sa', O.O_APPEND | O.O_CREAT | O.O_WRONLY | O_SYNC],
  ['a+', O.O_APPEND | O.O_CREAT | O.O_RDWR],
  ['ax+', O.O_APPEND | O.O_CREAT | O.O_RDWR | O.O_EXCL],
  ['xa+', O.O_APPEND | O.O_CREAT | O.O_RDWR | O.O_EXCL],
  ['as+', O.O_APPEND | O.O_CREAT | O.O_RDWR | O_SYNC],
  ['sa+', O.O_APPEND | O.O_CREAT | O.O_RDWR | O_SYNC],
]);

function invalidValue(name: string, value: unknown, reason: string): TypeError {
  return argTypeError('ERR_INVALID_ARG_VALUE', `The argument '${name}' ${reason}. Received ${describeReceived(value)}`);
}

/** fs-style flags (string or number) -> O_* bits. */
export function parseOpenFlag(flag: unknown): number {
  if (typeof flag === 'number' && Number.isInteger(flag)) return flag;
  if (typeof flag === 'string') {
    const bits = FLAG_STRINGS.get(flag);
    if (bits !== undefined) return bits;
  }
  throw argTypeError('ERR_INVALID_ARG_VALUE', `The argument 'flag' is invalid. Received ${describeReceived(flag)}`);
}

/** A file mode: an integer 0..0o7777 or a string of octal digits (as fs accepts). */
function parseMode(mode: unknown): number {
  const value = typeof mode === 'string' && /^[0-7]+$/.test(mode) ? parseInt(mode, 8) : mode;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0o7777) {
    throw invalidValue('mode', mode, 'must be an integer 0..0o7777 or a string of octal digits');
  }
  return value;
}

function parseEncoding(encoding: unknown): BufferEncoding | null {
  if (encoding === undefined || encoding === null || encoding === 'buffer') return null;
  if (typeof encoding === 'string' && Buffer.isEncoding(encoding)) return encoding;
  throw invalidValue('encoding', encoding, 'is invalid encoding');
}

interface ParsedOptions {
  encoding: BufferEncoding | null;
  flags: number;
  mode: number;
  signal: AbortSignal | undefined;
}

/** options.signal: undefined or an AbortSignal. */
function parseSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined || signal instanceof AbortSignal) return signal;
  throw argTypeError('ERR_INVALID_ARG_TYPE', `The "options.signal" property must be an instance of AbortSignal. Received ${describeReceived(signal)}`);
}

/** fs's options argument: undefined, null, an encoding string, or an options object. */
function parseOptions(options: unknown, defaultFlag: string): ParsedOptions {
  if (options === undefined || options === null) {
    return { encoding: null, flags: parseOpenFlag(defaultFlag), mode: 0o666, signal: undefined };
  }
  if (typeof options === 'string') {
    return { encoding: parseEncoding(options), flags: parseOpenFlag(defaultFlag), mode: 0o666, signal: undefined };
  }
  if (typeof options !== 'object') {
    throw invalidType('options', 'of type string or an instance of Object', options);
  }
  const o = options as { encoding?: unknown; flag?: unknown; mode?: unknown; signal?: unknown };
  return {
    encoding: parseEncoding(o.encoding),
    flags: parseOpenFlag(o.flag ?? defaultFlag),
    mode: o.mode === undefined ? 0o666 : parseMode(o.mode),
    signal: parseSignal(o.signal),
  };
}

/** The bytes to write: strings encoded, any ArrayBufferView viewed as bytes (no copy). */
function dataBytes(data: unknown, encoding: BufferEncoding | null): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, encoding ?? 'utf8');
  return toBytes(data, 'data');
}

/** What a whole-file body works with: the backend, the fd, and the caller's AbortSignal. */
interface Opened {
  backend: OpBackend;
  fd: number;
  signal: AbortSignal | undefined;
  /** An abort cancelled ops on the fd: a fallback op may still write into its buffer. */
  cancelled: boolean;
}

/**
 * Open `path`, run `body` on the fd, close it, holding one of the helpers' open-file slots
 * (handlePoolMaxTotal / handlePoolMaxPerKey) meanwhile. A close error is reported only when
 * `body` succeeded (the first error is the one that matters). An AbortSignal already aborted
 * rejects before anything is opened; one aborted meanwhile cancels the fd's ops in flight.
 */
async function withFile<T>(path: PathLike, options: ParsedOptions, body: (file: Opened) => Promise<T>): Promise<T> {
  throwIfAborted(options.signal);
  const key = slotKey(path);
  // An abort while waiting for a slot rejects at once; the slot, when it comes, is given back.
  await untilAborted(acquireSlot(key), options.signal, () => releaseSlot(key));
  try {
    return await openRunClose(path, options, body);
  } finally {
    releaseSlot(key);
  }
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
    signal.addEventListener('abort', onAbort, { once: true });
    op.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

function noop(): void {}

async function openRunClose<T>(path: PathLike, options: ParsedOptions, body: (file: Opened) => Promise<T>): Promise<T> {
  const { flags, mode, signal } = options;
  const backend = getBackend();
  throwIfAborted(signal);
  const fd = await untilAborted(backend.open(path, flags, mode), signal, (late) => (late >= 0 ? backend.close(late) : undefined));
  if (fd < 0) throw uvException(fd, 'open', path);
  const file: Opened = { backend, fd, signal, cancelled: false };
  let cancelling: ReturnType<typeof setInterval> | undefined;
  const onAbort = (): void => {
    file.cancelled = true;
    cancelling = repeatCancel(backend, fd);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  let result: T;
  try {
    throwIfAborted(signal);
    result = await body(file);
  } catch (err) {
    await backend.close(fd);
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    clearInterval(cancelling);
  }
  const closed = await backend.close(fd);
  if (closed < 0) throw uvException(closed, 'close');
  return result;
}

/**
 * Node's AbortError (name 'AbortError', code 'ABORT_ERR', the signal's reason as `cause`),
 * thrown once `signal` is aborted.
 */
function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted !== true) return;
  const err = new Error('The operation was aborted', { cause: signal.reason }) as Error & { code: string };
  err.name = 'AbortError';
  err.code = 'ABORT_ERR';
  throw err;
}

/**
 * With an AbortSignal, whole-file reads and writes go in pieces of this size (Node's
 * kReadFileBufferLength / kWriteFileMaxChunkSize), so an abort stops them between pieces.
 */
const ABORTABLE_CHUNK = 512 * 1024;

const S_IFMT = O.S_IFMT;
const S_IFREG = O.S_IFREG;

/** The size to expect: a regular file's size, or 0 (unknown: read chunks until EOF). */
async function expectedSize({ backend, fd }: Opened): Promise<number> {
  const st = await backend.fstat(fd);
  if (typeof st === 'number') throw uvException(st, 'fstat');
  const size = (st.mode & S_IFMT) === S_IFREG ? st.size : 0;
  if (size > bufferConstants.MAX_LENGTH) throw fileTooLarge(size);
  return size;
}

/**
 * Read a regular file from offset 0: `size` bytes (fewer at EOF). Reads name their offsets:
 * a short read never depends on the fd's own position.
 */
async function readKnownSize(file: Opened, size: number): Promise<Buffer> {
  const { backend, fd, signal } = file;
  const piece = signal === undefined ? size : ABORTABLE_CHUNK;
  const buf = Buffer.allocUnsafe(size);
  let filled = 0;
  while (filled < size) {
    const n = await backend.read(fd, buf, filled, Math.min(piece, size - filled), filled);
    throwIfAborted(signal);
    if (n < 0) throw uvException(n, 'read');
    if (n === 0) break;
    filled += n;
  }
  return filled === size ? buf : buf.subarray(0, filled);
}

/**
 * Read `fd` from its current position to EOF in chunks (pipes, /proc files, empty files).
 * The chunks are pooled buffers (acquireBuffer), given back once copied into the result —
 * unless an abort cancelled a read, which on the fallback may still fill its chunk later.
 */
async function readUnknownSize(file: Opened): Promise<Buffer> {
  const { backend, fd, signal } = file;
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
      if (n < 0) throw uvException(n, 'read');
      if (n === 0) break;
      lengths.push(n);
      total += n;
      if (total > bufferConstants.MAX_LENGTH) throw fileTooLarge(total);
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
async function writeAll(file: Opened, data: Uint8Array, append: boolean): Promise<void> {
  const { backend, fd, signal } = file;
  const piece = signal === undefined ? data.length : ABORTABLE_CHUNK;
  let positional = !append;
  let done = 0;
  while (done < data.length) {
    const n = await backend.write(fd, data, done, Math.min(piece, data.length - done), positional ? done : -1);
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
 * Read a whole file, like fs/promises' readFile. Resolves a Buffer, or a string when an
 * encoding is given. A missing file rejects with the error fs gives:
 * `ENOENT: no such file or directory, open '<path>'` (code, errno < 0, syscall, path).
 *
 * @example
 * const text = await readFile('notes.txt', 'utf8');
 */
export async function readFile(path: PathInput, options?: { encoding?: null; flag?: OpenFlag; signal?: AbortSignal } | null): Promise<Buffer>;
export async function readFile(path: PathInput, options: { encoding: BufferEncoding; flag?: OpenFlag; signal?: AbortSignal } | BufferEncoding): Promise<string>;
export async function readFile(path: PathInput, options?: ReadFileOptions | BufferEncoding | null): Promise<string | Buffer>;
export async function readFile(path: PathInput, options?: ReadFileOptions | BufferEncoding | null): Promise<string | Buffer> {
  checkArgCount(arguments.length, 2, 'readFile(path, options)');
  const target = toPath(path);
  const parsed = parseOptions(options, 'r');
  const data = await withFile(target, { ...parsed, mode: 0o666 }, async (file) => {
    const size = await expectedSize(file);
    return size > 0 ? readKnownSize(file, size) : readUnknownSize(file);
  });
  return parsed.encoding === null ? data : data.toString(parsed.encoding);
}

/** Shared body of writeFile/appendFile: they differ only in the default flag. */
async function writeWhole(path: unknown, data: unknown, options: unknown, defaultFlag: string): Promise<void> {
  const target = toPath(path);
  const parsed = parseOptions(options, defaultFlag);
  const bytes = dataBytes(data, parsed.encoding);
  const append = (parsed.flags & O.O_APPEND) !== 0;
  await withFile(target, parsed, (file) => writeAll(file, bytes, append));
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
  return writeWhole(path, data, options, 'w');
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
  return writeWhole(path, data, options, 'a');
}
