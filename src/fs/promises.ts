/**
 * The promise API of ayafileio/fs: every name node:fs/promises has, with the same signatures.
 * open (FileHandle), readFile, writeFile, appendFile, stat, truncate, mkdir, rmdir, unlink and
 * rename run on the engine's ops; the other path calls (readdir, lstat, copyFile, ...) are
 * node:fs/promises' own functions (the engine has no opcode for them), so they behave
 * exactly as Node's.
 */
import * as nodeFsp from 'node:fs/promises';
import { nodeFsp as nodeFspAsLoaded } from '../engine/node-fs';
import type * as fs from 'node:fs';
import { getBackend, getBackendForFd } from '../engine/index';
import { uvException } from '../errors';
import { outOfRangeArg, parseMode, parseOpenFlag, validatePath } from './args';
import { isFileHandle, openHandle, type FileHandle } from './filehandle';
import { prepareMkdir } from './mkdir';
import { toNodeStats, wantsBigInt } from './stats';
import { NODE_READ_MAX, prepareRead, prepareWrite, rejectOnThrow } from './whole-file';

export type { FileHandle } from './filehandle';

/** node:fs/promises' own functions, taken when this library loaded (before ayafileio/register replaces any). */
const node = nodeFspAsLoaded;

/** A FileHandle of node:fs/promises (opened before ayafileio/register, or by code holding Node's open). */
function isNodeFileHandle(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || isFileHandle(value)) return false;
  const v = value as { fd?: unknown; readFile?: unknown };
  try {
    return typeof v.fd === 'number' && typeof v.readFile === 'function' && !Buffer.isBuffer(value) && !(value instanceof URL);
  } catch {
    return false; // a getter that throws: not a handle; the path check reports it as node:fs does
  }
}

/** A handle passed where node:fs reads its fd: a closed one is fd -1, out of range. */
function liveHandle(handle: FileHandle): FileHandle {
  if (handle.fd === -1) throw outOfRangeArg('fd', '>= 0 && <= 2147483647', -1);
  return handle;
}

/**
 * Open a file and resolve a {@link FileHandle}, like fs/promises' open: `flags` a flag string
 * ('r', 'r+', 'rs+', 'w', 'wx', 'w+', 'wx+', 'a', 'ax', 'a+', 'ax+', 'as', 'as+', ...) or O_*
 * bits, `mode` the permission bits of a created file (default 0o666, before the umask).
 *
 * @example
 * await using fh = await open('data.bin', 'r');
 * const { bytesRead } = await fh.read(Buffer.alloc(4096), 0, 4096, 0);
 */
export async function open(path: fs.PathLike, flags?: string | number, mode?: fs.Mode): Promise<FileHandle> {
  const target = validatePath(path);
  const bits = parseOpenFlag(flags);
  return openHandle(target, bits, parseMode(mode, 'mode', 0o666));
}

/**
 * Read a whole file (a path, a file: URL, a Buffer path or a FileHandle, read from its
 * position), like fs/promises' readFile; options: encoding, flag, signal.
 */
export const readFile = function readFile(path: unknown, options?: unknown): Promise<string | Buffer> {
  // Inside rejectOnThrow: telling a handle from a path reads properties of `path`, and a
  // getter or Proxy trap there may throw too.
  return rejectOnThrow(() => {
    if (isFileHandle(path)) return liveHandle(path).readFile(options as BufferEncoding);
    if (isNodeFileHandle(path)) return node.readFile(path as nodeFsp.FileHandle, options as BufferEncoding);
    return prepareRead(path, options, NODE_READ_MAX)();
  });
} as typeof nodeFsp.readFile;

/**
 * Write a whole file, replacing it (default flag 'w'), like fs/promises' writeFile: data a
 * string, Buffer, TypedArray, DataView, (async) iterable or stream; options: encoding, flag,
 * mode, flush, signal. A FileHandle is written at its position.
 */
export const writeFile = function writeFile(path: unknown, data: unknown, options?: unknown): Promise<void> {
  return rejectOnThrow(() => {
    if (isFileHandle(path)) return liveHandle(path).writeFile(data as string, options as BufferEncoding);
    if (isNodeFileHandle(path)) return node.writeFile(path as nodeFsp.FileHandle, data as string, options as BufferEncoding);
    return prepareWrite(path, data, options, 'w')();
  });
} as typeof nodeFsp.writeFile;

/** Append to a file (default flag 'a'), like fs/promises' appendFile; the same forms as writeFile. */
export const appendFile = function appendFile(path: unknown, data: unknown, options?: unknown): Promise<void> {
  return rejectOnThrow(() => {
    if (isFileHandle(path)) return liveHandle(path).appendFile(data as string, options as BufferEncoding);
    if (isNodeFileHandle(path)) return node.appendFile(path as nodeFsp.FileHandle, data as string, options as BufferEncoding);
    return prepareWrite(path, data, options, 'a')();
  });
} as typeof nodeFsp.appendFile;

/** stat(2) of a path (follows symlinks): on the engine, or node:fs for `{ bigint: true }`. */
export const stat = async function stat(path: unknown, options?: { bigint?: boolean }): Promise<fs.Stats | fs.BigIntStats> {
  if (wantsBigInt(options)) return node.stat(path as fs.PathLike, { bigint: true });
  const target = validatePath(path);
  const st = await getBackendForFd().stat(target);
  if (typeof st === 'number') throw uvException(st, 'stat', target);
  return toNodeStats(st);
} as typeof nodeFsp.stat;

/**
 * Create a directory, like fs/promises' mkdir: `options` a mode or `{ recursive, mode }`
 * (default 0o777, before the umask); with `recursive`, missing ancestors too, resolving the
 * first directory created. On the engine (io_uring mkdirat).
 */
export const mkdir = function mkdir(path: unknown, options?: unknown): Promise<string | undefined> {
  return rejectOnThrow(() => prepareMkdir(path, options)());
} as typeof nodeFsp.mkdir;


/** Remove an empty directory, like fs/promises' rmdir, on the engine (unlinkat); with options (the deprecated `recursive`), Node's own rmdir. */
export const rmdir = async function rmdir(path: fs.PathLike, options?: fs.RmDirOptions): Promise<void> {
  if (options !== undefined) return node.rmdir(path, options);
  const target = validatePath(path);
  const r = await getBackend().unlink(target, true);
  if (r < 0) throw uvException(r, 'rmdir', target);
};

/** Remove a file, like fs/promises' unlink, on the engine (unlinkat). */
export async function unlink(path: fs.PathLike): Promise<void> {
  const target = validatePath(path);
  const r = await getBackend().unlink(target, false);
  if (r < 0) throw uvException(r, 'unlink', target);
}

/** Rename `oldPath` to `newPath`, like fs/promises' rename, on the engine (renameat). */
export async function rename(oldPath: fs.PathLike, newPath: fs.PathLike): Promise<void> {
  const from = validatePath(oldPath, 'oldPath');
  const to = validatePath(newPath, 'newPath');
  const r = await getBackend().rename(from, to);
  if (r < 0) throw uvException(r, 'rename', from, to);
}

/** Truncate (or extend) a file to `len` bytes (default 0): open 'r+', ftruncate, close, on the engine. */
export async function truncate(path: fs.PathLike, len?: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(len);
  } finally {
    await handle.close();
  }
}

// The rest of node:fs/promises, as Node's own functions.
/** node:fs/promises' access. */
export const access = node.access;
/** node:fs/promises' copyFile. */
export const copyFile = node.copyFile;
/** node:fs/promises' cp. */
export const cp = node.cp;
/** node:fs/promises' opendir. */
export const opendir = node.opendir;
/** node:fs/promises' rm. */
export const rm = node.rm;
/** node:fs/promises' readdir. */
export const readdir = node.readdir;
/** node:fs/promises' readlink. */
export const readlink = node.readlink;
/** node:fs/promises' symlink. */
export const symlink = node.symlink;
/** node:fs/promises' lstat. */
export const lstat = node.lstat;
/** node:fs/promises' statfs. */
export const statfs = node.statfs;
/** node:fs/promises' link. */
export const link = node.link;
/** node:fs/promises' chmod. */
export const chmod = node.chmod;
/** node:fs/promises' lchmod (macOS only, as in Node). */
export const lchmod = node.lchmod;
/** node:fs/promises' lchown. */
export const lchown = node.lchown;
/** node:fs/promises' chown. */
export const chown = node.chown;
/** node:fs/promises' utimes. */
export const utimes = node.utimes;
/** node:fs/promises' lutimes. */
export const lutimes = node.lutimes;
/** node:fs/promises' realpath. */
export const realpath = node.realpath;
/** node:fs/promises' mkdtemp. */
export const mkdtemp = node.mkdtemp;
/** node:fs/promises' watch. */
export const watch = node.watch;
/** node:fs/promises' glob, where the running Node has it (22+), else undefined. */
export const glob = (node as { glob?: unknown }).glob as NodeFspGlob;
/** The type of node:fs/promises' glob in the @types/node in use (undefined where it has none). */
export type NodeFspGlob = typeof nodeFsp extends { glob: infer G } ? G | undefined : undefined;
/** node:fs/promises' mkdtempDisposable, where the running Node has it (24+), else undefined. */
export const mkdtempDisposable = (node as { mkdtempDisposable?: unknown }).mkdtempDisposable as NodeFspLater<'mkdtempDisposable'>;
/** The type of a node:fs/promises function newer than Node 20 in the @types/node in use (undefined where it has none). */
export type NodeFspLater<K extends string> = typeof nodeFsp extends { [k in K]: infer F } ? F | undefined : undefined;
/** fs.constants: O_* flags, S_* mode bits, access and copyFile modes. */
export const constants = node.constants;

// A name a later Node adds to node:fs/promises is that Node's own here, so `promises` stays complete.
for (const source of [nodeFsp]) {
  for (const name of Object.keys(source)) {
    // The descriptor, not the value: reading a deprecated name (fs.F_OK on Node 24) warns.
    if (name !== 'default' && !(name in exports)) Object.defineProperty(exports, name, Object.getOwnPropertyDescriptor(source, name)!);
  }
}
