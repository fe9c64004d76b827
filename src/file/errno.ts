/**
 * Negative errno numbers by name, in libuv's numbering (what uvException expects). Found in
 * util.getSystemErrorMap() because libuv's numbers differ from the C library's on Windows.
 */
import { getSystemErrorMap } from 'node:util';
import type { PathLike } from '../engine/types';
import { uvException, type SystemError } from '../errors';

const byName = new Map<string, number>();

/** libuv's negative errno for a code such as 'EBADF'. */
export function errnoByName(code: string): number {
  if (byName.size === 0) {
    for (const [errno, [name]] of getSystemErrorMap()) byName.set(name, errno);
  }
  const errno = byName.get(code);
  if (errno === undefined) throw new Error(`no libuv errno named ${code}`);
  return errno;
}

/** A Node-shaped error for a failure we detect ourselves, e.g. ('EBADF', 'write', path). */
export function systemError(code: string, syscall: string, path?: PathLike): SystemError {
  return uvException(errnoByName(code), syscall, path);
}

/** The error every method of a closed file rejects with: EBADF, "I/O operation on closed file". */
export function closedFileError(syscall: string, path?: PathLike): SystemError {
  const where = path === undefined ? '' : ` '${String(path)}'`;
  const err = new Error(`EBADF: I/O operation on closed file, ${syscall}${where}`) as SystemError;
  err.errno = errnoByName('EBADF');
  err.code = 'EBADF';
  err.syscall = syscall;
  if (path !== undefined) err.path = String(path);
  Error.captureStackTrace(err, closedFileError);
  return err;
}
