/**
 * Node-shaped errors, built the way Node's `uvException` (lib/internal/errors.js) builds them:
 * `ENOENT: no such file or directory, open '/x'` with `code`, negative `errno`, `syscall`
 * and `path`. Errno numbers are libuv's (negative; on Windows libuv's own values), so names
 * and messages come from `util.getSystemErrorMap()`, exactly what `fs` reports.
 */
import { getSystemErrorMap } from 'node:util';
import type { PathLike } from './engine/types';

/** An error from the operating system, shaped like the ones `node:fs` rejects with. */
export interface SystemError extends Error {
  /** Symbolic code such as 'ENOENT'. */
  code: string;
  /** Negative errno (libuv numbering). */
  errno: number;
  /** The system call that failed, such as 'open' or 'read'. */
  syscall: string;
  /** The path involved, if any. */
  path?: string;
  /** The second path involved (rename, link), if any. */
  dest?: string;
  /** A write that failed after part of its data reached the file: how many bytes did. */
  bytesWritten?: number;
}

let errorMap: Map<number, [string, string]> | undefined;
const errnoByCode = new Map<string, number>();

/** The [code, description] libuv gives a negative errno, e.g. [-2 → 'ENOENT', 'no such file or directory']. */
export function describeErrno(errno: number): [string, string] {
  errorMap ??= getSystemErrorMap();
  return errorMap.get(errno) ?? ['UNKNOWN', 'unknown error'];
}

/**
 * libuv's negative errno for a code such as 'EBADF': the one table of error numbers every
 * backend and layer uses (libuv's numbers differ from the C library's on Windows, so not
 * os.constants.errno).
 */
export function errnoByName(code: string): number {
  if (errnoByCode.size === 0) {
    errorMap ??= getSystemErrorMap();
    for (const [errno, [name]] of errorMap) errnoByCode.set(name, errno);
  }
  const errno = errnoByCode.get(code);
  if (errno === undefined) throw new Error(`no libuv errno named ${code}`);
  return errno;
}

function pathToString(path: PathLike | undefined): string | undefined {
  if (path === undefined) return undefined;
  return typeof path === 'string' ? path : path.toString();
}

/**
 * `new Base(message)` without a stack: the caller's Error.captureStackTrace then takes the one
 * stack the error keeps (taking it twice cost about 2 µs an error, a third of the JavaScript
 * of a failed stat). Node makes its own errors this way (lib/internal/errors.js). Left as a
 * plain `new` where Error.stackTraceLimit cannot be set back (deleted, frozen, an accessor).
 */
function stacklessError<C extends ErrorConstructor>(Base: C, message: string): InstanceType<C> {
  const limit = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit');
  if (limit?.writable !== true) return new Base(message) as InstanceType<C>;
  Error.stackTraceLimit = 0;
  try {
    return new Base(message) as InstanceType<C>;
  } finally {
    Error.stackTraceLimit = limit.value as number;
  }
}

/**
 * Build the error Node's `fs` would give for `errno` (negative) from `syscall` on `path`.
 * Call it inside the async function the user called, so the stack points at their code.
 */
export function uvException(errno: number, syscall: string, path?: PathLike, dest?: PathLike): SystemError {
  const [code, desc] = describeErrno(errno);
  const p = pathToString(path);
  const d = pathToString(dest);
  let message = `${code}: ${desc}, ${syscall}`;
  if (p !== undefined) message += ` '${p}'`;
  if (d !== undefined) message += ` -> '${d}'`;
  const err = stacklessError(Error, message) as SystemError;
  err.errno = errno;
  err.code = code;
  err.syscall = syscall;
  if (p !== undefined) err.path = p;
  if (d !== undefined) err.dest = d;
  Error.captureStackTrace(err, uvException);
  return err;
}

/**
 * RangeError ERR_FS_FILE_TOO_LARGE, as node:fs gives for a file past buffer.constants.MAX_LENGTH
 * (the largest Buffer): "File size (N) is greater than 2 GiB" — Node's own wording, whatever
 * the limit of the running version.
 */
export function fileTooLarge(size: number): RangeError & { code: string } {
  return codedError(RangeError, 'ERR_FS_FILE_TOO_LARGE', `File size (${size}) is greater than 2 GiB`);
}

/**
 * `err` for a write that failed after `written` of its bytes reached the file (a short write,
 * then ENOSPC, or a pipe write cancelled by closeTimeoutMs): it says so in `bytesWritten`, so a
 * failed write is never mistaken for one that touched nothing.
 */
export function partialWriteError<E extends Error>(err: E, written: number): E & { bytesWritten: number } {
  return Object.assign(err, { bytesWritten: written });
}

/** Prototypes whose toString() names the code, one per base class (see codedError). */
const codedPrototypes = new Map<ErrorConstructor, object>();

function codedPrototype(Base: ErrorConstructor): object {
  let proto = codedPrototypes.get(Base);
  if (proto === undefined) {
    proto = Object.create(Base.prototype, {
      toString: {
        value(this: Error & { code: string }): string {
          return `${this.name} [${this.code}]: ${this.message}`;
        },
        writable: true,
        configurable: true,
      },
    }) as object;
    codedPrototypes.set(Base, proto);
  }
  return proto;
}

/** The runtime's own stack formatter, as it was when this module loaded. */
const runtimePrepareStackTrace: unknown = (Error as { prepareStackTrace?: unknown }).prepareStackTrace;

/**
 * An error with a Node-style `code` (ERR_*), shaped as node:fs's: `String(err)`, util.inspect
 * and the first line of its stack read `TypeError [ERR_INVALID_ARG_TYPE]: message`, while
 * `name`, `constructor` and `instanceof` stay the base class's. A program's own
 * Error.prepareStackTrace is left to format the stack when it is read, as for node:fs's
 * errors: it sees `name` as the class's, costs nothing until then, and its throwing does not
 * replace the error.
 */
export function codedError<C extends ErrorConstructor>(Base: C, code: string, message: string): InstanceType<C> & { code: string } {
  const err = stacklessError(Base, message) as InstanceType<C> & { code: string };
  Object.setPrototypeOf(err, codedPrototype(Base));
  err.code = code;
  Error.captureStackTrace(err, codedError);
  if ((Error as { prepareStackTrace?: unknown }).prepareStackTrace !== runtimePrepareStackTrace) return err;
  // The stack's first line is written from `name` when it is first read: read it under
  // Node's name, then drop the own name so `err.name` is the class's again.
  Object.defineProperty(err, 'name', { value: `${Base.prototype.name} [${code}]`, configurable: true });
  try {
    void err.stack;
  } catch {
    // A formatter installed before this module loaded (node -r …) threw: reading the stack
    // throws again later, as with node:fs's errors; the error itself stands.
  } finally {
    delete (err as { name?: string }).name;
  }
  return err;
}

/** A TypeError with a Node-style `code` such as 'ERR_INVALID_ARG_TYPE'. */
export function argTypeError(code: string, message: string): TypeError & { code: string } {
  return codedError(TypeError, code, message);
}

/**
 * Error ERR_INTERNAL_ASSERTION, what a FileHandle method called on something else rejects
 * with; the message is the first line of Node's (Node's goes on to call it a bug in Node.js).
 */
export function notAFileHandle(): Error & { code: string } {
  return codedError(Error, 'ERR_INTERNAL_ASSERTION', 'handle must be an instance of FileHandle');
}

/** A RangeError with code 'ERR_OUT_OF_RANGE'. */
export function outOfRange(name: string, range: string, received: unknown): RangeError & { code: string } {
  return codedError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be ${range}. Received ${String(received)}`);
}

/** A Node-shaped error for a failure we detect ourselves, e.g. ('EBADF', 'write', path). */
export function systemError(code: string, syscall: string, path?: PathLike): SystemError {
  return uvException(errnoByName(code), syscall, path);
}

/** The error every method of a closed file rejects with: EBADF, "I/O operation on closed file". */
export function closedFileError(syscall: string, path?: PathLike): SystemError {
  const where = path === undefined ? '' : ` '${String(path)}'`;
  const err = stacklessError(Error, `EBADF: I/O operation on closed file, ${syscall}${where}`) as SystemError;
  err.errno = errnoByName('EBADF');
  err.code = 'EBADF';
  err.syscall = syscall;
  if (path !== undefined) err.path = String(path);
  Error.captureStackTrace(err, closedFileError);
  return err;
}
