/**
 * ayafileio/fs: a drop-in for node:fs/promises — `import fs from 'ayafileio/fs'` in place of
 * `import fs from 'node:fs/promises'` — and for node:fs where a module takes an `fs` object
 * (graceful-fs / fs-extra style). Every name of node:fs/promises is here with its signature;
 * the functions both modules have switch to node:fs's callback form when their last argument
 * is a function (`readFile(path, cb)`), and node:fs's other names (sync calls, streams,
 * classes) are node:fs's own. What runs on the engine and what is node:fs: docs/migrating.md.
 *
 * @example
 * import { readFile, open } from 'ayafileio/fs';
 * const text = await readFile('notes.txt', 'utf8');
 * await using fh = await open('data.bin', 'r');
 */
import * as nodeFs from 'node:fs';
import type * as nodeFsp from 'node:fs/promises';
import * as callbacks from './callbacks';
import * as handleStreams from './filehandle';
import * as promisesApi from './promises';

export type { FileHandle } from './filehandle';

/**
 * One function with both forms: node:fs's callback form when the last argument is a
 * function, the promise form otherwise. Properties of the callback form (realpath.native)
 * are kept.
 */
function dual<P extends (...args: never[]) => unknown, C extends (...args: never[]) => unknown>(promiseForm: P, callbackForm: C): P & C {
  const both = function (this: unknown, ...args: unknown[]): unknown {
    const form = typeof args[args.length - 1] === 'function' ? callbackForm : promiseForm;
    return (form as unknown as (...a: unknown[]) => unknown).apply(this, args);
  };
  Object.defineProperty(both, 'name', { value: promiseForm.name });
  return Object.assign(both, callbackForm) as unknown as P & C;
}

/** The promise API alone, shaped like node:fs/promises (what `fs.promises` is in node:fs). */
export const promises = promisesApi;
/** fs.constants. */
export const constants = nodeFs.constants;

// On the engine, in both forms.
/** Open a file: a FileHandle (promise form) or an fd (callback form), on the engine. */
export const open: typeof promisesApi.open & typeof nodeFs.open = dual(promisesApi.open, callbacks.open as unknown as typeof nodeFs.open);
/** Read a whole file on the engine. */
export const readFile: typeof nodeFsp.readFile & typeof nodeFs.readFile = dual(promisesApi.readFile, callbacks.readFile as unknown as typeof nodeFs.readFile);
/** Write a whole file on the engine. */
export const writeFile: typeof nodeFsp.writeFile & typeof nodeFs.writeFile = dual(promisesApi.writeFile, callbacks.writeFile as unknown as typeof nodeFs.writeFile);
/** Append to a file on the engine. */
export const appendFile: typeof nodeFsp.appendFile & typeof nodeFs.appendFile = dual(promisesApi.appendFile, callbacks.appendFile as unknown as typeof nodeFs.appendFile);
/** Stat a path (engine; bigint: node:fs). */
export const stat: typeof nodeFsp.stat & typeof nodeFs.stat = dual(promisesApi.stat, callbacks.stat as unknown as typeof nodeFs.stat);
/** Truncate a path (open, ftruncate, close on the engine). */
export const truncate: typeof nodeFsp.truncate & typeof nodeFs.truncate = dual(promisesApi.truncate, callbacks.truncate as unknown as typeof nodeFs.truncate);
/** Create a directory (recursive: with its missing ancestors) on the engine. */
export const mkdir: typeof nodeFsp.mkdir & typeof nodeFs.mkdir = dual(promisesApi.mkdir, callbacks.mkdir as unknown as typeof nodeFs.mkdir);
/** Remove an empty directory on the engine. */
export const rmdir: typeof nodeFsp.rmdir & typeof nodeFs.rmdir = dual(promisesApi.rmdir, callbacks.rmdir as unknown as typeof nodeFs.rmdir);
/** Remove a file on the engine. */
export const unlink: typeof nodeFsp.unlink & typeof nodeFs.unlink = dual(promisesApi.unlink, callbacks.unlink as unknown as typeof nodeFs.unlink);
/** Rename a file or directory on the engine. */
export const rename: typeof nodeFsp.rename & typeof nodeFs.rename = dual(promisesApi.rename, callbacks.rename as unknown as typeof nodeFs.rename);

// node:fs callback forms on the engine for fds opened here (node:fs's own for any other fd).
/** node:fs's close(fd, …, callback); on the engine for fds opened by this module. */
export const close: typeof nodeFs.close = callbacks.close as unknown as typeof nodeFs.close;
/** node:fs's read(fd, …, callback); on the engine for fds opened by this module. */
export const read: typeof nodeFs.read = callbacks.read as unknown as typeof nodeFs.read;
/** node:fs's write(fd, …, callback); on the engine for fds opened by this module. */
export const write: typeof nodeFs.write = callbacks.write as unknown as typeof nodeFs.write;
/** node:fs's fstat(fd, …, callback); on the engine for fds opened by this module. */
export const fstat: typeof nodeFs.fstat = callbacks.fstat as unknown as typeof nodeFs.fstat;
/** node:fs's fsync(fd, …, callback); on the engine for fds opened by this module. */
export const fsync: typeof nodeFs.fsync = callbacks.fsync as unknown as typeof nodeFs.fsync;
/** node:fs's fdatasync(fd, …, callback); on the engine for fds opened by this module. */
export const fdatasync: typeof nodeFs.fdatasync = callbacks.fdatasync as unknown as typeof nodeFs.fdatasync;
/** node:fs's ftruncate(fd, …, callback); on the engine for fds opened by this module. */
export const ftruncate: typeof nodeFs.ftruncate = callbacks.ftruncate as unknown as typeof nodeFs.ftruncate;

// Path calls the engine does not carry: node:fs/promises' and node:fs's own functions.
/** node:fs/promises' access (node:fs's with a callback). */
export const access: typeof nodeFsp.access & typeof nodeFs.access = dual(promisesApi.access, nodeFs.access);
/** node:fs/promises' chmod (node:fs's with a callback). */
export const chmod: typeof nodeFsp.chmod & typeof nodeFs.chmod = dual(promisesApi.chmod, nodeFs.chmod);
/** node:fs/promises' chown (node:fs's with a callback). */
export const chown: typeof nodeFsp.chown & typeof nodeFs.chown = dual(promisesApi.chown, nodeFs.chown);
/** node:fs/promises' copyFile (node:fs's with a callback). */
export const copyFile: typeof nodeFsp.copyFile & typeof nodeFs.copyFile = dual(promisesApi.copyFile, nodeFs.copyFile);
/** node:fs/promises' cp (node:fs's with a callback). */
export const cp: typeof nodeFsp.cp & typeof nodeFs.cp = dual(promisesApi.cp, nodeFs.cp);
/** node:fs/promises' lchmod (node:fs's with a callback). */
export const lchmod: typeof nodeFsp.lchmod & typeof nodeFs.lchmod = dual(promisesApi.lchmod, nodeFs.lchmod);
/** node:fs/promises' lchown (node:fs's with a callback). */
export const lchown: typeof nodeFsp.lchown & typeof nodeFs.lchown = dual(promisesApi.lchown, nodeFs.lchown);
/** node:fs/promises' link (node:fs's with a callback). */
export const link: typeof nodeFsp.link & typeof nodeFs.link = dual(promisesApi.link, nodeFs.link);
/** node:fs/promises' lstat (node:fs's with a callback). */
export const lstat: typeof nodeFsp.lstat & typeof nodeFs.lstat = dual(promisesApi.lstat, nodeFs.lstat);
/** node:fs/promises' lutimes (node:fs's with a callback). */
export const lutimes: typeof nodeFsp.lutimes & typeof nodeFs.lutimes = dual(promisesApi.lutimes, nodeFs.lutimes);
/** node:fs/promises' mkdtemp (node:fs's with a callback). */
export const mkdtemp: typeof nodeFsp.mkdtemp & typeof nodeFs.mkdtemp = dual(promisesApi.mkdtemp, nodeFs.mkdtemp);
/** node:fs/promises' opendir (node:fs's with a callback). */
export const opendir: typeof nodeFsp.opendir & typeof nodeFs.opendir = dual(promisesApi.opendir, nodeFs.opendir);
/** node:fs/promises' readdir (node:fs's with a callback). */
export const readdir: typeof nodeFsp.readdir & typeof nodeFs.readdir = dual(promisesApi.readdir, nodeFs.readdir);
/** node:fs/promises' readlink (node:fs's with a callback). */
export const readlink: typeof nodeFsp.readlink & typeof nodeFs.readlink = dual(promisesApi.readlink, nodeFs.readlink);
/** node:fs/promises' realpath (node:fs's with a callback). */
export const realpath: typeof nodeFsp.realpath & typeof nodeFs.realpath = dual(promisesApi.realpath, nodeFs.realpath);
/** node:fs/promises' rm (node:fs's with a callback). */
export const rm: typeof nodeFsp.rm & typeof nodeFs.rm = dual(promisesApi.rm, nodeFs.rm);
/** node:fs/promises' statfs (node:fs's with a callback). */
export const statfs: typeof nodeFsp.statfs & typeof nodeFs.statfs = dual(promisesApi.statfs, nodeFs.statfs);
/** node:fs/promises' symlink (node:fs's with a callback). */
export const symlink: typeof nodeFsp.symlink & typeof nodeFs.symlink = dual(promisesApi.symlink, nodeFs.symlink);
/** node:fs/promises' utimes (node:fs's with a callback). */
export const utimes: typeof nodeFsp.utimes & typeof nodeFs.utimes = dual(promisesApi.utimes, nodeFs.utimes);
/** node:fs/promises' watch (node:fs's with a callback). */
export const watch: typeof nodeFsp.watch & typeof nodeFs.watch = dual(promisesApi.watch, nodeFs.watch);

/** The type of node:fs's glob / globSync in the @types/node in use (undefined where it has none). */
type NodeFsGlob = typeof nodeFs extends { glob: infer G } ? G : undefined;
type NodeFsGlobSync = typeof nodeFs extends { globSync: infer G } ? G : undefined;
const nodeFsGlob = (nodeFs as { glob?: (...args: never[]) => unknown }).glob;
/** node:fs/promises' glob (node:fs's with a callback), where the running Node has it (22+), else undefined. */
export const glob = (promisesApi.glob && nodeFsGlob ? dual(promisesApi.glob as (...args: never[]) => unknown, nodeFsGlob) : undefined) as promisesApi.NodeFspGlob & NodeFsGlob;
/** node:fs's globSync, where the running Node has it (22+), else undefined. */
export const globSync = (nodeFs as { globSync?: unknown }).globSync as NodeFsGlobSync | undefined;

// The rest of node:fs, as node:fs's own: synchronous calls, streams, classes.
/** node:fs's appendFileSync. */
export const appendFileSync = nodeFs.appendFileSync;
/** node:fs's accessSync. */
export const accessSync = nodeFs.accessSync;
/** node:fs's chownSync. */
export const chownSync = nodeFs.chownSync;
/** node:fs's chmodSync. */
export const chmodSync = nodeFs.chmodSync;
/** node:fs's closeSync. */
export const closeSync = nodeFs.closeSync;
/** node:fs's copyFileSync. */
export const copyFileSync = nodeFs.copyFileSync;
/** node:fs's cpSync. */
export const cpSync = nodeFs.cpSync;
/** node:fs's createReadStream; `options.fd` may also be an ayafileio/fs FileHandle. */
export const createReadStream = handleStreams.createReadStream as typeof nodeFs.createReadStream;
/** node:fs's createWriteStream; `options.fd` may also be an ayafileio/fs FileHandle. */
export const createWriteStream = handleStreams.createWriteStream as typeof nodeFs.createWriteStream;
/** node:fs's exists. */
export const exists = nodeFs.exists;
/** node:fs's existsSync. */
export const existsSync = nodeFs.existsSync;
/** node:fs's fchown. */
export const fchown = nodeFs.fchown;
/** node:fs's fchownSync. */
export const fchownSync = nodeFs.fchownSync;
/** node:fs's fchmod. */
export const fchmod = nodeFs.fchmod;
/** node:fs's fchmodSync. */
export const fchmodSync = nodeFs.fchmodSync;
/** node:fs's fdatasyncSync. */
export const fdatasyncSync = nodeFs.fdatasyncSync;
/** node:fs's fstatSync. */
export const fstatSync = nodeFs.fstatSync;
/** node:fs's fsyncSync. */
export const fsyncSync = nodeFs.fsyncSync;
/** node:fs's ftruncateSync. */
export const ftruncateSync = nodeFs.ftruncateSync;
/** node:fs's futimes. */
export const futimes = nodeFs.futimes;
/** node:fs's futimesSync. */
export const futimesSync = nodeFs.futimesSync;
/** node:fs's lchownSync. */
export const lchownSync = nodeFs.lchownSync;
/** node:fs's lchmodSync. */
export const lchmodSync = nodeFs.lchmodSync;
/** node:fs's linkSync. */
export const linkSync = nodeFs.linkSync;
/** node:fs's lstatSync. */
export const lstatSync = nodeFs.lstatSync;
/** node:fs's lutimesSync. */
export const lutimesSync = nodeFs.lutimesSync;
/** node:fs's mkdirSync. */
export const mkdirSync = nodeFs.mkdirSync;
/** node:fs's mkdtempSync. */
export const mkdtempSync = nodeFs.mkdtempSync;
/** node:fs's openSync. */
export const openSync = nodeFs.openSync;
/** node:fs's openAsBlob. */
export const openAsBlob = nodeFs.openAsBlob;
/** node:fs's readdirSync. */
export const readdirSync = nodeFs.readdirSync;
/** node:fs's readSync. */
export const readSync = nodeFs.readSync;
/** node:fs's readv. */
export const readv = nodeFs.readv;
/** node:fs's readvSync. */
export const readvSync = nodeFs.readvSync;
/** node:fs's readFileSync. */
export const readFileSync = nodeFs.readFileSync;
/** node:fs's readlinkSync. */
export const readlinkSync = nodeFs.readlinkSync;
/** node:fs's realpathSync. */
export const realpathSync = nodeFs.realpathSync;
/** node:fs's renameSync. */
export const renameSync = nodeFs.renameSync;
/** node:fs's rmSync. */
export const rmSync = nodeFs.rmSync;
/** node:fs's rmdirSync. */
export const rmdirSync = nodeFs.rmdirSync;
/** node:fs's statSync. */
export const statSync = nodeFs.statSync;
/** node:fs's statfsSync. */
export const statfsSync = nodeFs.statfsSync;
/** node:fs's symlinkSync. */
export const symlinkSync = nodeFs.symlinkSync;
/** node:fs's truncateSync. */
export const truncateSync = nodeFs.truncateSync;
/** node:fs's unwatchFile. */
export const unwatchFile = nodeFs.unwatchFile;
/** node:fs's unlinkSync. */
export const unlinkSync = nodeFs.unlinkSync;
/** node:fs's utimesSync. */
export const utimesSync = nodeFs.utimesSync;
/** node:fs's watchFile. */
export const watchFile = nodeFs.watchFile;
/** node:fs's writeFileSync. */
export const writeFileSync = nodeFs.writeFileSync;
/** node:fs's writeSync. */
export const writeSync = nodeFs.writeSync;
/** node:fs's writev. */
export const writev = nodeFs.writev;
/** node:fs's writevSync. */
export const writevSync = nodeFs.writevSync;
/** node:fs's opendirSync. */
export const opendirSync = nodeFs.opendirSync;
/** node:fs's Dirent. */
export const Dirent = nodeFs.Dirent;
/** node:fs's Stats. */
export const Stats = nodeFs.Stats;
/** node:fs's ReadStream. */
export const ReadStream = nodeFs.ReadStream;
/** node:fs's WriteStream. */
export const WriteStream = nodeFs.WriteStream;
/** node:fs's Dir. */
export const Dir = nodeFs.Dir;
/** fs.constants.F_OK. */
export const F_OK = nodeFs.constants.F_OK;
/** fs.constants.R_OK. */
export const R_OK = nodeFs.constants.R_OK;
/** fs.constants.W_OK. */
export const W_OK = nodeFs.constants.W_OK;
/** fs.constants.X_OK. */
export const X_OK = nodeFs.constants.X_OK;

/** node:fs/promises' mkdtempDisposable (promise form only, as in Node), where the running Node has it (24+). */
export const mkdtempDisposable = promisesApi.mkdtempDisposable;
/** A node:fs name newer than Node 20, where the running Node has it (undefined elsewhere). */
const laterFs = (name: string): unknown => (nodeFs as unknown as Record<string, unknown>)[name];
/** node:fs's mkdtempDisposableSync, where the running Node has it (24+). */
export const mkdtempDisposableSync = laterFs('mkdtempDisposableSync');
/** node:fs's openAsBlobSync, where the running Node has it (26+). */
export const openAsBlobSync = laterFs('openAsBlobSync');
/** node:fs's Utf8Stream, where the running Node has it (26+). */
export const Utf8Stream = laterFs('Utf8Stream');

// A name a later Node adds to node:fs or node:fs/promises is that Node's own here (in the
// CommonJS module and the default export; named ESM imports are the ones listed above), so
// the module stays complete.
for (const source of [nodeFs, promisesApi]) {
  for (const name of Object.keys(source)) {
    // The descriptor, not the value: reading a deprecated name (fs.F_OK on Node 24) warns.
    if (name !== 'default' && !(name in exports)) Object.defineProperty(exports, name, Object.getOwnPropertyDescriptor(source, name)!);
  }
}
