/**
 * ayafileio/register: `node --import ayafileio/register app.js` (or `require('ayafileio/register')`
 * before anything else) routes node:fs's promise and callback file calls, process-wide, through
 * ayafileio's engine — for code you cannot edit (dependencies calling node:fs). Replaced, on
 * the node:fs and node:fs/promises module objects (ESM named imports follow through
 * syncBuiltinESMExports):
 *
 * - node:fs/promises: open, readFile, writeFile, appendFile, stat, truncate, mkdir, rmdir,
 *   unlink, rename;
 * - node:fs: open, close, read, write, fstat, fsync, fdatasync, ftruncate, readFile,
 *   writeFile, appendFile, stat, truncate, mkdir, rmdir, unlink, rename (fd calls only for
 *   fds the replaced open() opened);
 *   createReadStream/createWriteStream also take the FileHandle the replaced open() gives as
 *   `options.fd`.
 *
 * Untouched: synchronous calls, every other function, fds opened elsewhere. What differs
 * from node:fs: docs/migrating.md.
 */
import * as nodeFs from 'node:fs';
import * as nodeFsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import * as callbacks from './fs/callbacks';
import * as streams from './fs/filehandle';
import * as promises from './fs/promises';

const PROMISE_NAMES = ['open', 'readFile', 'writeFile', 'appendFile', 'stat', 'truncate', 'mkdir', 'rmdir', 'unlink', 'rename'] as const;
const CALLBACK_NAMES = [
  'open', 'close', 'read', 'write', 'fstat', 'fsync', 'fdatasync', 'ftruncate',
  'readFile', 'writeFile', 'appendFile', 'stat', 'truncate', 'mkdir', 'rmdir', 'unlink', 'rename',
] as const;
const STREAM_NAMES = ['createReadStream', 'createWriteStream'] as const;

/** The module objects as require() gives them (not TypeScript's namespace copies). */
const fsModule = require('node:fs') as typeof nodeFs;
const fspModule = require('node:fs/promises') as typeof nodeFsp;

/** Marks a function as ours, so registering twice changes nothing. */
const REGISTERED = Symbol.for('ayafileio.register');

function install(target: object, name: string, replacement: (...args: never[]) => unknown): void {
  Object.defineProperty(replacement, REGISTERED, { value: true });
  Object.defineProperty(target, name, { value: replacement, writable: true, enumerable: true, configurable: true });
}

if (!(fsModule.open as unknown as Record<symbol, unknown>)[REGISTERED]) {
  for (const name of PROMISE_NAMES) install(fspModule, name, promises[name] as (...args: never[]) => unknown);
  for (const name of CALLBACK_NAMES) install(fsModule, name, callbacks[name] as (...args: never[]) => unknown);
  for (const name of STREAM_NAMES) install(fsModule, name, streams[name] as (...args: never[]) => unknown);
  syncBuiltinESMExports();
}
