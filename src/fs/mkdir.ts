/**
 * mkdir of ayafileio/fs on the engine (io_uring mkdirat), shared by the promise and callback
 * forms: the arguments checked in node:fs's order, then a plain or recursive (mkdir -p) mkdir.
 */
import { constants as fsConstants } from 'node:fs';
import { dirname, resolve, toNamespacedPath } from 'node:path';
import { getBackend, getBackendForFd } from '../engine/index';
import type { PathLike, StatResult } from '../engine/types';
import { errnoByName, uvException } from '../errors';
import { parseMode, validateBoolean, validatePath } from './args';

const { S_IFMT, S_IFDIR } = fsConstants;
const EEXIST = errnoByName('EEXIST');
const ENOENT = errnoByName('ENOENT');
const ENOTDIR = errnoByName('ENOTDIR');

/**
 * The failures of a directory's mkdir that Node's recursive mkdir reports as they are (its
 * MKDirpAsync, src/node_file.cc). For any other but ENOENT (its parents come first) and
 * EEXIST it stats the directory and reports what the stat says: on a read-only filesystem
 * (EROFS), ENOENT. Node 22 added ENOSPC to these; Node 18 and 20 report a full filesystem
 * as ENOENT too.
 */
const REPORTED_AS_IS = new Set(['EACCES', 'EPERM', 'ENOTDIR', ...(Number(process.versions.node.split('.')[0]) >= 22 ? ['ENOSPC'] : [])].map(errnoByName));

/** Whether a stat result (or its errno) is a directory's. */
function isDirectory(st: StatResult): boolean {
  return typeof st !== 'number' && (st.mode & S_IFMT) === S_IFDIR;
}

/**
 * mkdir -p of `dir`, as Node's recursive mkdir: creates the missing ancestors, resolves the
 * first directory it created (undefined if none). Paths are worked on as strings and handed
 * to the engine through `asPath` (a Buffer path travels as latin1, one character per byte,
 * so names that are not UTF-8 keep their bytes). A failure names the path the caller gave
 * (`requested`) when it is that path's, else the ancestor it happened at, as Node does.
 */
async function mkdirRecursive(dir: string, mode: number, requested: PathLike, asPath: (dir: string) => PathLike, top = dir): Promise<string | undefined> {
  const backend = getBackend();
  const here = dir === top ? requested : asPath(dir);
  let r = await backend.mkdir(asPath(dir), mode);
  if (r === 0) return dir;
  let first: string | undefined;
  if (r === ENOENT) {
    const parent = dirname(dir);
    if (parent === dir) throw uvException(r, 'mkdir', here);
    first = await mkdirRecursive(parent, mode, requested, asPath, top);
    r = await backend.mkdir(asPath(dir), mode);
    if (r === 0) return first ?? dir;
  }
  if (REPORTED_AS_IS.has(r)) throw uvException(r, 'mkdir', here);
  // Something is there (EEXIST), or the mkdir failed otherwise (EROFS, ELOOP, ...): as in
  // Node's, the stat decides. A directory (through symlinks) is fine. Otherwise, for the path
  // asked for or any failure but EEXIST, the stat's failure (a symlink loop ELOOP, a dangling
  // one or a name not made ENOENT, 'file/' ENOTDIR) or EEXIST; after EEXIST at a parent of
  // it, ENOTDIR at that parent, whatever the stat said (what Windows reports too, where mkdir
  // of a path under a file says ENOENT).
  const st = await getBackendForFd().stat(asPath(dir));
  if (isDirectory(st)) return first;
  if (r === EEXIST && dir !== top) throw uvException(ENOTDIR, 'mkdir', here);
  throw uvException(typeof st === 'number' ? st : EEXIST, 'mkdir', here);
}

const WINDOWS = process.platform === 'win32';
const LINUX = process.platform === 'linux';

/** Where a recursive mkdir starts: the path as given (POSIX), or made absolute as Node does on Windows. */
function recursiveStart(target: PathLike): string {
  if (typeof target !== 'string') return target.toString('latin1');
  return WINDOWS ? resolve(target) : target;
}

/** The engine's form of a path of mkdirRecursive for `target`: a Buffer again for a Buffer target. */
function enginePath(target: PathLike): (dir: string) => PathLike {
  return typeof target === 'string' ? (dir) => dir : (dir) => Buffer.from(dir, 'latin1');
}

/** The first directory created as Node reports it: namespaced on Windows (\\?\C:\…), a Buffer target's decoded as UTF-8. */
function reported(first: string | undefined, target: PathLike): string | undefined {
  if (first === undefined) return undefined;
  if (typeof target !== 'string') return Buffer.from(first, 'latin1').toString();
  return WINDOWS ? toNamespacedPath(first) : first;
}

/**
 * Whether `target` is a directory already (through symlinks): mkdir -p of a directory that
 * exists is what a storage layer does before each write, and one stat answers it where
 * mkdir, EEXIST, stat takes two round trips. Linux only: there mkdir of an existing name
 * fails with EEXIST before the parent's write permission or a read-only mount is checked
 * (fs/namei.c, filename_create), so asking the stat first cannot change the answer; other
 * systems keep Node's order.
 */
async function isDirectoryAlready(target: PathLike): Promise<boolean> {
  return LINUX && isDirectory(await getBackendForFd().stat(target));
}

/**
 * mkdir -p as Node's: undefined for a directory there already (one stat, when it says so),
 * else mkdir first, the parents on ENOENT, each failure Node's.
 */
async function mkdirP(target: PathLike, mode: number): Promise<string | undefined> {
  if (await isDirectoryAlready(target)) return undefined;
  return reported(await mkdirRecursive(recursiveStart(target), mode, target, enginePath(target)), target);
}

/**
 * mkdir's arguments checked in node:fs's order (options, path, recursive, mode), before it
 * returns the work to run: the callback form throws what these checks throw.
 */
export function prepareMkdir(path: unknown, options: unknown): () => Promise<string | undefined> {
  const o = (typeof options === 'number' || typeof options === 'string' ? { mode: options } : options ?? {}) as { recursive?: unknown; mode?: unknown };
  const { recursive = false, mode = 0o777 } = o;
  const target = validatePath(path);
  validateBoolean(recursive, 'options.recursive');
  const bits = parseMode(mode, 'mode', 0o777);
  if (recursive) return () => mkdirP(target, bits);
  return async () => {
    const r = await getBackend().mkdir(target, bits);
    if (r < 0) throw uvException(r, 'mkdir', target);
    return undefined;
  };
}
