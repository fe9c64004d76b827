/**
 * Argument checks with node:fs's own rules and messages (lib/internal/validators.js,
 * lib/internal/fs/utils.js, lib/internal/errors.js), so a program switched to ayafileio/fs
 * sees the same TypeError/RangeError, code and text for the same bad argument.
 */
import { constants as fsConstants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import type { PathLike } from '../engine/types';
import { argTypeError, codedError } from '../errors';
import { getPositionWriter } from '../engine/index';
import type { OpBackend } from '../engine/types';

/** How Node names a received value in ERR_INVALID_ARG_TYPE ("type number (5)", "an instance of Foo"). */
export function receivedType(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function' && value.name) return `function ${value.name}`;
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name ? `an instance of ${name}` : inspect(value, { depth: -1 });
  }
  let shown = inspect(value, { colors: false });
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return `type ${typeof value} (${shown})`;
}

/** TypeError ERR_INVALID_ARG_TYPE: `The "name" argument must be <expected>. Received …` ('property' for dotted names). */
export function invalidArgType(name: string, expected: string, value: unknown): TypeError {
  const kind = name.includes('.') ? 'property' : 'argument';
  return argTypeError('ERR_INVALID_ARG_TYPE', `The "${name}" ${kind} must be ${expected}. Received ${receivedType(value)}`);
}

/** TypeError ERR_INVALID_ARG_VALUE: `The argument 'name' <reason>. Received <inspected>`. */
export function invalidArgValue(name: string, value: unknown, reason = 'is invalid'): TypeError {
  let shown = inspect(value);
  if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
  const kind = name.includes('.') ? 'property' : 'argument';
  return argTypeError('ERR_INVALID_ARG_VALUE', `The ${kind} '${name}' ${reason}. Received ${shown}`);
}

/** 1_000_000-style grouping Node uses for large numbers in ERR_OUT_OF_RANGE. */
function withSeparators(digits: string): string {
  let out = '';
  let i = digits.length;
  const start = digits[0] === '-' ? 1 : 0;
  for (; i >= start + 4; i -= 3) out = `_${digits.slice(i - 3, i)}${out}`;
  return `${digits.slice(0, i)}${out}`;
}

/** RangeError ERR_OUT_OF_RANGE with Node's rendering of the received value. */
export function outOfRangeArg(name: string, range: string, value: unknown): RangeError {
  let received: string;
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) > 2 ** 32) received = withSeparators(String(value));
  else if (typeof value === 'bigint') received = `${value > 2n ** 32n || value < -(2n ** 32n) ? withSeparators(String(value)) : String(value)}n`;
  else received = inspect(value);
  return codedError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be ${range}. Received ${received}`);
}

/** Node's validateInteger: a safe integer in [min, max]. */
export function validateInteger(value: unknown, name: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value)) throw outOfRangeArg(name, 'an integer', value);
  if (value < min || value > max) throw outOfRangeArg(name, `>= ${min} && <= ${max}`, value);
  return value;
}

/** Node's validateInt32 / validateUint32 (as used for fds and modes). */
export function validateInt32(value: unknown, name: string, min = -2147483648, max = 2147483647): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value)) throw outOfRangeArg(name, 'an integer', value);
  if (value < min || value > max) throw outOfRangeArg(name, `>= ${min} && <= ${max}`, value);
  return value;
}

/** An fd as node:fs checks it (getValidatedFd). */
export function validateFd(fd: unknown): number {
  return validateInt32(fd, 'fd', 0);
}

/** Node's validateBoolean. */
export function validateBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value);
  return value;
}

/** Node's validateFunction (callbacks are checked as `cb`). */
export function validateCallback(value: unknown): asserts value is (...args: never[]) => void {
  if (typeof value !== 'function') throw invalidArgType('cb', 'of type function', value);
}

/** Node's validateAbortSignal: undefined or an AbortSignal. */
export function validateSignal(signal: unknown, name = 'options.signal'): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (signal === null || typeof signal !== 'object' || !('aborted' in signal)) throw invalidArgType(name, 'an instance of AbortSignal', signal);
  return signal as AbortSignal;
}

/** A path from a string, Buffer (or Uint8Array) or file: URL, without NUL bytes (getValidatedPath). */
export function validatePath(path: unknown, name = 'path'): PathLike {
  let p: unknown = path;
  if (p instanceof URL) {
    if (p.protocol !== 'file:') throw argTypeError('ERR_INVALID_URL_SCHEME', 'The URL must be of scheme file');
    p = fileURLToPath(p);
  } else if (p instanceof Uint8Array && !Buffer.isBuffer(p)) {
    p = Buffer.from(p.buffer, p.byteOffset, p.byteLength);
  }
  if (typeof p !== 'string' && !Buffer.isBuffer(p)) throw invalidArgType(name, 'of type string or an instance of Buffer or URL', path);
  if (typeof p === 'string' ? p.includes('\0') : p.includes(0)) {
    throw invalidArgValue(name, p, 'must be a string, Uint8Array, or URL without null bytes');
  }
  return p;
}

const O = fsConstants;
const O_SYNC = O.O_SYNC ?? 0;

/** Node's flag strings (lib/internal/fs/utils.js stringToFlags) -> O_* bits. */
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

/** fs-style flags (a flag string, a number of O_* bits, or null/undefined for 'r') -> O_* bits. */
export function parseOpenFlag(flag: unknown, name = 'flags'): number {
  if (typeof flag === 'number') return validateInt32(flag, name); // as Node's stringToFlags
  if (flag === undefined || flag === null) return O.O_RDONLY;
  if (typeof flag === 'string') {
    const bits = FLAG_STRINGS.get(flag);
    if (bits !== undefined) return bits;
  }
  throw invalidArgValue('flags', flag);
}

/** Node's parseFileMode: an unsigned 32-bit integer or a string of octal digits; `def` when absent. */
export function parseMode(mode: unknown, name = 'mode', def = 0o666): number {
  const value = mode ?? def;
  if (typeof value === 'string') {
    if (!/^[0-7]+$/.test(value)) throw invalidArgValue(name, value, 'must be a 32-bit unsigned integer or an octal string');
    return parseInt(value, 8);
  }
  return validateInt32(value, name, 0, 4294967295);
}

/** An encoding option: null for Buffers ('buffer', null, undefined). */
export function parseEncoding(encoding: unknown): BufferEncoding | null {
  if (encoding === undefined || encoding === null || encoding === 'buffer') return null;
  if (typeof encoding === 'string' && Buffer.isEncoding(encoding)) return encoding;
  throw invalidArgValue('encoding', encoding, 'is invalid encoding');
}

/**
 * Node's getOptions(): undefined, null or a function give `{}`; a string is the encoding; an
 * object is taken as is, its encoding and signal checked. Anything else is a TypeError.
 */
export function getOptions(options: unknown): Record<string, unknown> {
  if (options === undefined || options === null || typeof options === 'function') return {};
  if (typeof options === 'string') {
    parseEncoding(options);
    return { encoding: options };
  }
  if (typeof options !== 'object') throw invalidArgType('options', 'one of type string or object', options);
  const o = options as Record<string, unknown>;
  if (o.encoding !== 'buffer') parseEncoding(o.encoding);
  validateSignal(o.signal);
  return o;
}

/** A position argument: a safe integer >= 0 (bigint accepted); anything else is the fd's own position (-1). */
/** The backend for a write at `pos` on `backend`: at the fd's position (-1), getPositionWriter's. */
export function writerAt(backend: OpBackend, pos: number): OpBackend {
  return pos < 0 ? getPositionWriter(backend) : backend;
}

export function toPosition(position: unknown): number {
  const n = typeof position === 'bigint' ? Number(position) : position;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : -1;
}

/** node:fs's checks of offset and length against a buffer of `size` bytes, for reads (validateOffsetLengthRead). */
export function checkReadRange(offset: number, length: number, size: number): void {
  if (length < 0) throw outOfRangeArg('length', '>= 0', length);
  if (offset + length > size) throw outOfRangeArg('length', `<= ${size - offset}`, length);
}

/** node:fs's checks of offset and length for writes (validateOffsetLengthWrite). */
export function checkWriteRange(offset: number, length: number, size: number): void {
  if (offset > size) throw outOfRangeArg('offset', `<= ${size}`, offset);
  if (length > size - offset) throw outOfRangeArg('length', `<= ${size - offset}`, length);
  if (length < 0) throw outOfRangeArg('length', '>= 0', length);
  validateInt32(length, 'length', 0);
}

/**
 * A string to write, encoded as node:fs's write(fd, string, position, encoding) does: an
 * encoding Node does not know counts as utf8, and hex of odd length is refused.
 */
export function encodeForWrite(data: string, encoding: unknown): Buffer {
  const known = typeof encoding === 'string' && Buffer.isEncoding(encoding) ? encoding : 'utf8';
  if (known.toLowerCase() === 'hex' && data.length % 2 !== 0) {
    throw invalidArgValue('encoding', encoding, `is invalid for data of length ${data.length}`);
  }
  return Buffer.from(data, known);
}

/** The offset, length and position of a read/write options object, with node:fs's defaults for `view`. */
export function rangeOptions(options: object | null | undefined, view: { byteLength: number }): { offset: unknown; length: unknown; position: unknown } {
  const o = (options ?? {}) as { offset?: unknown; length?: unknown; position?: unknown };
  const offset = o.offset ?? 0;
  return { offset, length: o.length ?? view.byteLength - (offset as number), position: o.position ?? null };
}
