/**
 * node:fs's callback forms of what ayafileio/fs runs on the engine: open, close, read, write,
 * fstat, fsync, fdatasync, ftruncate, readFile, writeFile, appendFile, stat, truncate, mkdir,
 * rmdir, unlink, rename. As in
 * node:fs, a bad argument throws at the call and an I/O error goes to the callback. Fds this
 * module opened are carried by the engine; any other fd (opened by node:fs or anyone else)
 * goes to node:fs's own function, untouched.
 */
import type * as fs from 'node:fs';
import { nodeFs } from '../engine/node-fs';
import { promisify } from 'node:util';
import { getBackendForFd, getBackendForFlags, getFdRoute, type FdRoute } from '../engine/index';
import type { OpBackend } from '../engine/types';
import { errnoByName, uvException } from '../errors';
import { toBytes } from '../file/validate';
import {
  checkReadRange, checkWriteRange, encodeForWrite, invalidArgType, invalidArgValue, parseMode, parseOpenFlag, rangeOptions, toPosition, writerAt,
  validateCallback, validateFd, validateInteger, validatePath,
} from './args';
import { prepareMkdir } from './mkdir';
import { rename as renamePromise, rmdir as rmdirPromise, stat as statPromise, truncate as truncatePromise, unlink as unlinkPromise } from './promises';
import { toNodeStats, wantsBigInt } from './stats';
import { NODE_READ_MAX, prepareRead, prepareWrite } from './whole-file';

type Callback = (err: unknown, ...results: unknown[]) => void;

/** node:fs's own callback functions, taken when this library loaded (before ayafileio/register replaces any). */
const node = nodeFs;

/** An fd open() here opened: the backend that opened it, its O_* flags, and its route once an op asked (routeOf). */
interface OwnFd {
  backend: OpBackend;
  flags: number;
  route?: FdRoute;
}

/** Fds opened by open() here (and not closed since). */
const ownFds = new Map<number, OwnFd>();
const ESPIPE = errnoByName('ESPIPE');

/** The route of `fd` (getFdRoute), taken at its first read or op at a position. */
function routeOf(fd: number, own: OwnFd): FdRoute {
  own.route ??= getFdRoute(own.backend, fd, own.flags);
  return own.route;
}

/** `op()`, or -ESPIPE (as pread(2)/pwrite(2)) for an op at `pos` on an fd whose backend would run it on the stream. */
function atPosition(fd: number, pos: number, own: OwnFd, op: () => Promise<number>): Promise<number> {
  return pos >= 0 && routeOf(fd, own).ignoresPosition ? Promise.resolve(ESPIPE) : op();
}

/** Whether `fd` was opened by this module's open() (and not closed since). */
export function isOwnFd(fd: unknown): boolean {
  return typeof fd === 'number' && ownFds.has(fd);
}

/** Deliver a promise's outcome to a node-style callback (never from inside the caller's frame). */
function deliver<T>(work: Promise<T>, cb: Callback, results: (value: T) => unknown[]): void {
  work.then((value) => cb(null, ...results(value)), (err: unknown) => cb(err));
}

/** The trailing callback of `args`, checked as node:fs checks it (`cb`). */
function lastCallback(args: unknown[]): Callback {
  const cb = args[args.length - 1];
  validateCallback(cb);
  return cb as Callback;
}

/** Run an engine op resolving a raw result (>= 0 or -errno) and report it as node:fs would. */
function rawOp(op: Promise<number>, syscall: string, cb: Callback, results: (n: number) => unknown[]): void {
  deliver(op.then((n) => {
    if (n < 0) throw uvException(n, syscall);
    return n;
  }), cb, results);
}

/** open(path[, flags[, mode]], callback): callback(err, fd), the fd carried by the engine. */
export function open(path: fs.PathLike, ...rest: unknown[]): void {
  const target = validatePath(path);
  const cb = lastCallback(rest);
  const flags = parseOpenFlag(rest.length > 1 ? rest[0] : undefined);
  const mode = parseMode(rest.length > 2 ? rest[1] : undefined, 'mode', 0o666);
  const backend = getBackendForFlags(getBackendForFd(), flags);
  deliver(backend.open(target, flags, mode).then((fd) => {
    if (fd < 0) throw uvException(fd, 'open', target);
    ownFds.set(fd, { backend, flags });
    return fd;
  }), cb, (fd) => [fd]);
}

/** close(fd[, callback]). */
export function close(fd: number, callback?: Callback): void {
  const backend = ownFds.get(fd)?.backend;
  if (backend === undefined) return node.close(fd, callback);
  validateFd(fd);
  const cb = callback ?? (() => undefined);
  validateCallback(cb);
  ownFds.delete(fd);
  rawOp(backend.close(fd), 'close', cb, () => []);
}

/**
 * read(fd, buffer, offset, length, position, callback), read(fd, buffer, options, callback),
 * read(fd, options, callback), read(fd, callback): callback(err, bytesRead, buffer).
 */
export function read(fd: number, ...args: unknown[]): void {
  const own = ownFds.get(fd);
  if (own === undefined) return (node.read as (...a: unknown[]) => void)(fd, ...args);
  let [buffer, offset, length, position, callback] = args;
  let params: Record<string, unknown> | undefined;
  if (args.length <= 3) {
    if (args.length === 3) {
      params = (offset ?? undefined) as Record<string, unknown> | undefined;
      callback = length;
    } else if (args.length === 2) {
      if (!ArrayBuffer.isView(buffer)) {
        params = (buffer ?? undefined) as Record<string, unknown> | undefined;
        buffer = params?.buffer ?? Buffer.alloc(16384);
      }
      callback = offset;
    } else {
      callback = buffer;
      buffer = Buffer.alloc(16384);
    }
    if (params !== undefined && typeof params !== 'object') throw invalidArgType('options', 'of type object', params);
    if (!ArrayBuffer.isView(buffer)) throw invalidArgType('buffer', 'an instance of Buffer, TypedArray, or DataView', buffer);
    ({ offset, length, position } = rangeOptions(params, buffer));
  }
  if (!ArrayBuffer.isView(buffer)) throw invalidArgType('buffer', 'an instance of Buffer, TypedArray, or DataView', buffer);
  validateCallback(callback);
  const cb = callback as Callback;
  const off = offset === undefined || offset === null ? 0 : validateInteger(offset, 'offset', 0);
  const len = (length as number) | 0;
  if (len === 0) return process.nextTick(cb, null, 0, buffer);
  if (buffer.byteLength === 0) throw invalidArgValue('buffer', buffer, 'is empty and cannot be written');
  checkReadRange(off, len, buffer.byteLength);
  if (position !== null && position !== undefined && typeof position !== 'bigint') validateInteger(position, 'position', -1);
  const view = buffer;
  const pos = toPosition(position);
  const { reader } = routeOf(fd, own);
  rawOp(atPosition(fd, pos, own, () => reader.read(fd, toBytes(view, 'buffer'), off, len, pos)), 'read', cb, (n) => [n, view]);
}

/**
 * write(fd, buffer[, offset[, length[, position]]], callback), write(fd, buffer, options,
 * callback), write(fd, string[, position[, encoding]], callback): callback(err, written, buffer).
 */
export function write(fd: number, ...args: unknown[]): void {
  const own = ownFds.get(fd);
  if (own === undefined) return (node.write as (...a: unknown[]) => void)(fd, ...args);
  const { backend } = own;
  const data = args[0];
  const cb = lastCallback(args);
  const given = args.slice(1, -1);
  if (ArrayBuffer.isView(data)) {
    let [offset, length, position] = given;
    if (offset !== null && typeof offset === 'object') ({ offset, length, position } = rangeOptions(offset, data));
    const off = offset === undefined || offset === null ? 0 : validateInteger(offset, 'offset', 0);
    const len = typeof length === 'number' ? length : data.byteLength - off;
    checkWriteRange(off, len, data.byteLength);
    const pos = toPosition(position);
    rawOp(atPosition(fd, pos, own, () => writerAt(backend, pos).write(fd, toBytes(data, 'buffer'), off, len, pos)), 'write', cb, (n) => [n, data]);
    return;
  }
  if (typeof data !== 'string') throw invalidArgType('buffer', 'of type string or an instance of Buffer, TypedArray, or DataView', data);
  const [position, encoding] = given;
  const bytes = encodeForWrite(data, encoding);
  const pos = toPosition(position);
  rawOp(atPosition(fd, pos, own, () => writerAt(backend, pos).write(fd, bytes, 0, bytes.length, pos)), 'write', cb, (n) => [n, data]);
}

// util.promisify(fs.read) / (fs.write) resolve { bytesRead, buffer } / { bytesWritten, buffer }
// in node:fs; so they do with these (under ayafileio/register, they are node:fs's).
Object.defineProperty(read, promisify.custom, {
  value: (fd: number, ...args: unknown[]) =>
    new Promise((resolve, reject) => read(fd, ...args, (err: unknown, bytesRead: number, buffer: unknown) => (err ? reject(err) : resolve({ bytesRead, buffer })))),
});
Object.defineProperty(write, promisify.custom, {
  value: (fd: number, ...args: unknown[]) =>
    new Promise((resolve, reject) => write(fd, ...args, (err: unknown, bytesWritten: number, buffer: unknown) => (err ? reject(err) : resolve({ bytesWritten, buffer })))),
});

/** fstat(fd[, options], callback): an fs.Stats from the engine, fs.BigIntStats from node:fs. */
export function fstat(fd: number, ...args: unknown[]): void {
  const backend = ownFds.get(fd)?.backend;
  const options = args.length > 1 ? (args[0] as { bigint?: boolean } | undefined) : undefined;
  if (backend === undefined || wantsBigInt(options)) return (node.fstat as (...a: unknown[]) => void)(fd, ...args);
  const cb = lastCallback(args);
  deliver(backend.fstat(fd).then((st) => {
    if (typeof st === 'number') throw uvException(st, 'fstat');
    return toNodeStats(st);
  }), cb, (st) => [st]);
}

/** fsync(fd, callback). */
export function fsync(fd: number, callback: Callback): void {
  const backend = ownFds.get(fd)?.backend;
  if (backend === undefined) return node.fsync(fd, callback);
  validateCallback(callback);
  rawOp(backend.fsync(fd, false), 'fsync', callback, () => []);
}

/** fdatasync(fd, callback). */
export function fdatasync(fd: number, callback: Callback): void {
  const backend = ownFds.get(fd)?.backend;
  if (backend === undefined) return node.fdatasync(fd, callback);
  validateCallback(callback);
  rawOp(backend.fsync(fd, true), 'fdatasync', callback, () => []);
}

/** ftruncate(fd[, len], callback). */
export function ftruncate(fd: number, ...args: unknown[]): void {
  const backend = ownFds.get(fd)?.backend;
  if (backend === undefined) return (node.ftruncate as (...a: unknown[]) => void)(fd, ...args);
  const cb = lastCallback(args);
  const len = Math.max(0, validateInteger(args.length > 1 ? args[0] ?? 0 : 0, 'len'));
  rawOp(backend.ftruncate(fd, len), 'ftruncate', cb, () => []);
}

/** readFile(path[, options], callback): callback(err, data). An fd as path is read by node:fs. */
export function readFile(path: unknown, ...args: unknown[]): void {
  if (typeof path === 'number') return (node.readFile as (...a: unknown[]) => void)(path, ...args);
  const cb = lastCallback(args);
  // node:fs's callback readFile names the option in a bad flag's error ('options.flag').
  deliver(prepareRead(path, args.length > 1 ? args[0] : undefined, NODE_READ_MAX, 'options.flag')(), cb, (data) => [data]);
}

/** writeFile(path, data[, options], callback). An fd as path is written by node:fs. */
export function writeFile(path: unknown, data: unknown, ...args: unknown[]): void {
  if (typeof path === 'number') return (node.writeFile as (...a: unknown[]) => void)(path, data, ...args);
  const cb = lastCallback(args);
  deliver(prepareWrite(path, data, args.length > 1 ? args[0] : undefined, 'w')(), cb, () => []);
}

/** appendFile(path, data[, options], callback). An fd as path is written by node:fs. */
export function appendFile(path: unknown, data: unknown, ...args: unknown[]): void {
  if (typeof path === 'number') return (node.appendFile as (...a: unknown[]) => void)(path, data, ...args);
  const cb = lastCallback(args);
  deliver(prepareWrite(path, data, args.length > 1 ? args[0] : undefined, 'a')(), cb, () => []);
}

/** stat(path[, options], callback): an fs.Stats from the engine (fs.BigIntStats from node:fs). */
export function stat(path: unknown, ...args: unknown[]): void {
  const options = args.length > 1 ? (args[0] as { bigint?: boolean } | undefined) : undefined;
  if (wantsBigInt(options)) return (node.stat as (...a: unknown[]) => void)(path, ...args);
  const cb = lastCallback(args);
  validatePath(path);
  deliver(statPromise(path as fs.PathLike), cb, (st) => [st]);
}

/** truncate(path[, len], callback): open 'r+', ftruncate, close on the engine. An fd is node:fs's ftruncate. */
export function truncate(path: unknown, ...args: unknown[]): void {
  if (typeof path === 'number') return (node.ftruncate as (...a: unknown[]) => void)(path, ...args);
  const cb = lastCallback(args);
  const len = Math.max(0, validateInteger(args.length > 1 ? args[0] ?? 0 : 0, 'len'));
  validatePath(path);
  deliver(truncatePromise(path as fs.PathLike, len), cb, () => []);
}

/** mkdir(path[, options], callback): callback(err), or (err, firstCreated) with `recursive` when it created one. */
export function mkdir(path: unknown, ...args: unknown[]): void {
  const cb = lastCallback(args);
  deliver(prepareMkdir(path, args.length > 1 ? args[0] : undefined)(), cb, (first) => (first === undefined ? [] : [first]));
}

/** rmdir(path[, options], callback); with options (the deprecated `recursive`), node:fs's own. */
export function rmdir(path: unknown, ...args: unknown[]): void {
  if (args.length > 1 && args[0] !== undefined) return (node.rmdir as (...a: unknown[]) => void)(path, ...args);
  const cb = lastCallback(args);
  validatePath(path);
  deliver(rmdirPromise(path as fs.PathLike), cb, () => []);
}

/** unlink(path, callback). */
export function unlink(path: unknown, callback: Callback): void {
  validateCallback(callback);
  validatePath(path);
  deliver(unlinkPromise(path as fs.PathLike), callback, () => []);
}

/** rename(oldPath, newPath, callback). */
export function rename(oldPath: unknown, newPath: unknown, callback: Callback): void {
  validateCallback(callback);
  validatePath(oldPath, 'oldPath');
  validatePath(newPath, 'newPath');
  deliver(renamePromise(oldPath as fs.PathLike, newPath as fs.PathLike), callback, () => []);
}
