/**
 * open() and wrapFd(): check the arguments, open the fd through the engine's backend and
 * build the layers (BufferedFile, then a TextFile in text mode) under an AsyncFile.
 */
import { constants } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { getConfig } from '../config';
import { getBackend, getBackendForFd, getBackendForFlags, getBackendForType, getFileReader, isEngineFd } from '../engine';
import type { FileTypeAndSize, OpBackend, PathLike } from '../engine/types';
import { argTypeError, uvException, errnoByName } from '../errors';
import { AsyncFile } from './asyncfile';
import { BufferedFile } from './buffered';
import { parseMode, type ParsedMode } from './mode';
import { isDirectoryMode, isSeekableMode } from './stats';
import { TextFile } from './text';
import { getCodec } from './text-codec';
import type { TextOptions } from './types';
import { checkArgCount, checkInteger, invalidType } from './validate';

/** Options of open(). */
export interface OpenOptions {
  /** Text mode only: the encoding (default 'utf-8'): utf-8, utf-16le/be, latin-1, ascii, WHATWG single-byte labels. */
  encoding?: string;
  /** Text mode only: what to do with undecodable or unencodable characters (default 'strict'). */
  errors?: 'strict' | 'replace' | 'ignore';
  /** Text mode only: newline handling, Python's meaning (default undefined: universal newlines). */
  newline?: null | '' | '\n' | '\r' | '\r\n';
  /** Size of the file's buffer in bytes (default: getConfig().bufferSize). */
  bufferSize?: number;
}

/** Options of open() in binary mode: the text options may only be absent or null. */
export interface BinaryOpenOptions {
  encoding?: null;
  errors?: null;
  newline?: null;
  /** Size of the file's buffer in bytes (default: getConfig().bufferSize). */
  bufferSize?: number;
}

/** Options of wrapFd(). */
export interface WrapFdOptions extends OpenOptions {
  /** close() closes the fd (default true, like Python's closefd). */
  ownsFd?: boolean;
}

type ModeKind = 'r' | 'w' | 'a' | 'x';
type InAnyOrder2<A extends string, B extends string> = `${A}${B}` | `${B}${A}`;
type InAnyOrder3<A extends string, B extends string, C extends string> = `${A}${InAnyOrder2<B, C>}` | `${B}${InAnyOrder2<A, C>}` | `${C}${InAnyOrder2<A, B>}`;

/**
 * Every valid mode string (CPython's rules): one of 'r', 'w', 'a', 'x', optionally 'b' or 't'
 * and '+', each at most once, in any order — 76 strings.
 */
export type OpenMode = ModeKind | InAnyOrder2<ModeKind, 'b' | 't' | '+'> | InAnyOrder3<ModeKind, 'b' | 't', '+'>;

/** A mode with 'b': the file reads and writes Buffers. */
type BinaryModeString = `${string}b${string}`;

/**
 * The type a mode argument must have: a literal mode must be an {@link OpenMode} ('rw' or
 * 'banana' do not type-check); a mode known only as `string` is checked when open() runs.
 */
export type CheckedMode<M extends string> = string extends M ? M : M extends OpenMode ? M : OpenMode;

/** The options a mode takes: a binary mode takes no text options. */
export type OptionsForMode<M extends string> = string extends M ? OpenOptions : M extends BinaryModeString ? BinaryOpenOptions : OpenOptions;

/** Largest accepted bufferSize (1 GiB). */
const MAX_BUFFER_SIZE = 2 ** 30;
const OPEN_KEYS = new Set(['encoding', 'errors', 'newline', 'bufferSize']);
const WRAP_KEYS = new Set([...OPEN_KEYS, 'ownsFd']);
const ERROR_MODES = new Set(['strict', 'replace', 'ignore']);
const NEWLINES = new Set([undefined, null, '', '\n', '\r', '\r\n']);

/** What the options mean once checked. */
interface CheckedOptions {
  text: TextOptions | undefined;
  bufferSize: number;
}

/** The AsyncFile type a mode string gives: Buffer data with 'b', string data without. */
export type FileForMode<M extends string> = string extends M ? AsyncFile : M extends BinaryModeString ? AsyncFile<Buffer> : AsyncFile<string>;

function invalidValue(name: string, value: unknown, why: string): TypeError {
  return argTypeError('ERR_INVALID_ARG_VALUE', `The argument '${name}' ${why}. Received ${JSON.stringify(value) ?? String(value)}`);
}

/** A path from a string, Buffer or file: URL, without NUL bytes. */
export function toPath(path: unknown): PathLike {
  let p: unknown = path;
  if (p instanceof URL) p = fileURLToPath(p);
  if (typeof p !== 'string' && !Buffer.isBuffer(p)) throw invalidType('path', 'of type string or an instance of Buffer or URL', path);
  if (typeof p === 'string' ? p.includes('\0') : p.includes(0)) {
    throw invalidValue('path', String(p), 'must be a string, Uint8Array, or URL without null bytes');
  }
  return p;
}

/** Text options for a text-mode file. */
function checkTextOptions(o: OpenOptions): TextOptions {
  const encoding = o.encoding ?? 'utf-8';
  if (typeof encoding !== 'string') throw invalidType('options.encoding', 'of type string', encoding);
  const errors = o.errors ?? 'strict';
  if (!ERROR_MODES.has(errors)) throw invalidValue('options.errors', errors, "must be 'strict', 'replace' or 'ignore'");
  getCodec(encoding, errors); // throws ERR_INVALID_ARG_VALUE naming an unsupported encoding
  if (!NEWLINES.has(o.newline)) throw invalidValue('options.newline', o.newline, "must be undefined, '', '\\n', '\\r' or '\\r\\n'");
  return { encoding, errors, newline: o.newline ?? undefined };
}

/** Check open()/wrapFd() options against the mode. */
function checkOptions(options: unknown, mode: ParsedMode, allowed: Set<string>): CheckedOptions {
  const o = (options ?? {}) as OpenOptions;
  if (typeof o !== 'object') throw invalidType('options', 'of type object', options);
  for (const key of Object.keys(o)) {
    if (!allowed.has(key)) throw invalidValue('options', key, 'has an unknown key');
  }
  if (mode.binary) {
    for (const key of ['encoding', 'errors', 'newline'] as const) {
      if (o[key] != null) throw invalidValue(`options.${key}`, o[key], 'is not allowed in binary mode');
    }
  }
  const bufferSize = o.bufferSize === undefined ? getConfig().bufferSize : checkInteger(o.bufferSize, 'options.bufferSize', 1, MAX_BUFFER_SIZE);
  return { text: mode.binary ? undefined : checkTextOptions(o), bufferSize };
}

/**
 * fstat an fd (type and size); throws a Node-shaped error on failure. One open() has just
 * made is asked without a round trip where the backend can (fstatCached: the kernel's
 * attributes were set up or refreshed by the open itself).
 */
async function statForOpen(backend: OpBackend, fd: number, path: PathLike | undefined, justOpened: boolean): Promise<FileTypeAndSize> {
  const st = (justOpened ? backend.fstatCached?.(fd) : undefined) ?? (await backend.fstat(fd));
  if (typeof st !== 'number') return st;
  throw uvException(st, 'fstat', path);
}

interface LayerInit {
  backend: OpBackend;
  fd: number;
  name: string | Buffer | number;
  path: PathLike | undefined;
  mode: ParsedMode;
  options: CheckedOptions;
  st: FileTypeAndSize;
  ownsFd: boolean;
  /** Where the file position starts (default: 0, or the end in append mode). */
  position?: number;
}

/**
 * Build BufferedFile (+ TextFile) and the AsyncFile over them, on the backend for the file's
 * ops: the reads of a file whose size reads 0 may need node:fs (getFileReader), and then its
 * other ops go there too.
 */
function buildFile(init: LayerInit): AsyncFile {
  const backend = getFileReader(init.backend, init.st, !init.mode.writable);
  const io = new BufferedFile({
    backend,
    fd: init.fd,
    path: init.path,
    readable: init.mode.readable,
    writable: init.mode.writable,
    append: init.mode.append,
    seekable: isSeekableMode(init.st.mode),
    bufferSize: init.options.bufferSize,
    position: init.position ?? (init.mode.append ? init.st.size : 0),
  });
  const textOptions = init.options.text;
  const text = textOptions === undefined ? undefined : new TextFile(io, textOptions);
  return new AsyncFile({
    backend,
    closer: init.backend,
    io,
    text,
    textOptions,
    name: init.name,
    path: init.path,
    mode: init.mode.mode,
    ownsFd: init.ownsFd,
  });
}

/**
 * Open a file with a Python mode string ('r', 'w', 'a', 'x', plus optional 'b'/'t' and '+').
 * The open itself is asynchronous (io_uring/IOCP where available). Resolves an AsyncFile.
 *
 * @example
 * const f = await open('data.txt', 'w+');
 * await f.write('hello\n');
 * await f.seek(0);
 * console.log(await f.readline()); // 'hello\n'
 * await f.close();
 */
export async function open(path: string | Buffer | URL, mode?: undefined, options?: OpenOptions): Promise<AsyncFile<string>>;
export async function open<M extends string>(path: string | Buffer | URL, mode: CheckedMode<M>, options?: OptionsForMode<M>): Promise<FileForMode<M>>;
export async function open(path: string | Buffer | URL, mode?: string, options?: OpenOptions | BinaryOpenOptions): Promise<AsyncFile> {
  checkArgCount(arguments.length, 3, 'open(path, mode, options)');
  const p = toPath(path);
  const parsed = parseMode(mode ?? 'r');
  const checked = checkOptions(options, parsed, OPEN_KEYS);
  const backend = getBackend();
  const fd = await backend.open(p, parsed.flags, 0o666);
  if (fd < 0) throw uvException(fd, 'open', p);
  try {
    const st = await statForOpen(backend, fd, p, true);
    if (isDirectoryMode(st.mode)) throw uvException(errnoByName('EISDIR'), 'open', p);
    return buildFile({ backend, fd, name: p, path: p, mode: parsed, options: checked, st, ownsFd: true });
  } catch (err) {
    await backend.close(fd);
    throw err;
  }
}

/** What the kernel says of an fd we did not open: its offset and its O_* flags. */
interface FdState {
  position: number;
  flags: number;
}

/**
 * The fd's offset and flags from /proc/self/fdinfo (Linux; node:fs has no lseek or fcntl).
 * Undefined where there is no such file (other systems, or no /proc mounted).
 */
async function fdState(fd: number): Promise<FdState | undefined> {
  let info: string;
  try {
    info = await readFile(`/proc/self/fdinfo/${fd}`, 'latin1');
  } catch {
    return undefined;
  }
  const pos = /^pos:\s*(\d+)/m.exec(info);
  const flags = /^flags:\s*([0-7]+)/m.exec(info);
  if (!pos || !flags) return undefined;
  return { position: Number(pos[1]), flags: parseInt(flags[1], 8) };
}

/**
 * Wrap an fd that is already open. `mode` says how it may be used (its create/truncate parts
 * have no effect). The file position starts where the fd's offset is (Linux; elsewhere at 0),
 * or at the end in append mode; an fd with O_APPEND (Linux) appends whatever the mode, and one
 * with O_NONBLOCK is carried by node:fs on io_uring (getBackendForFlags), and so is one that is
 * no file (epoll, eventfd, timerfd: getBackendForType). The fd's own offset is not moved, as every op is positional. A number
 * that is not an open fd rejects with EBADF, and so does one of the library's own descriptors.
 *
 * @example
 * const out = await wrapFd(1, 'w', { ownsFd: false });
 * await out.write('to stdout\n');
 * await out.close(); // flushes; fd 1 stays open
 */
export async function wrapFd<M extends string>(
  fd: number,
  mode: CheckedMode<M>,
  options?: OptionsForMode<M> & Pick<WrapFdOptions, 'ownsFd'>,
): Promise<FileForMode<M>> {
  checkArgCount(arguments.length, 3, 'wrapFd(fd, mode, options)');
  checkInteger(fd, 'fd', 0, 2 ** 31 - 1);
  const parsed = parseMode(mode);
  const checked = checkOptions(options, parsed, WRAP_KEYS);
  const ownsFd = options?.ownsFd ?? true;
  if (typeof ownsFd !== 'boolean') throw invalidType('options.ownsFd', 'of type boolean', ownsFd);
  const fdBackend = getBackendForFd();
  // The fstat starts the engine if it is not running, so its descriptors exist by the check.
  const st = await statForOpen(fdBackend, fd, undefined, false);
  if (isEngineFd(fd)) throw uvException(errnoByName('EBADF'), 'wrapFd');
  const state = await fdState(fd);
  const backend = getBackendForType(getBackendForFlags(fdBackend, state?.flags ?? 0), st);
  // O_APPEND: writes land at the end whatever the mode; the position starts at the offset
  // (Python's FileIO seeks to the end only for an 'a' mode).
  const seekable = isSeekableMode(st.mode);
  const used = seekable && ((state?.flags ?? 0) & constants.O_APPEND) !== 0 ? { ...parsed, append: true } : parsed;
  const position = parsed.append ? st.size : seekable ? state?.position : undefined;
  return buildFile({ backend, fd, name: fd, path: undefined, mode: used, options: checked, st, ownsFd, position }) as FileForMode<M>;
}
