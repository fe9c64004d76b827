/**
 * ayafileio: truly asynchronous file I/O for Node.js — io_uring on Linux, IOCP on Windows,
 * a node:fs fallback elsewhere — with Python's file semantics (aiofiles-style `open()`).
 * Every public name is documented in docs/api.md.
 *
 * @example
 * import { open } from 'ayafileio';
 * const f = await open('data.txt', 'r');
 * for await (const line of f) console.log(line);
 * await f.close();
 */

export { open, wrapFd } from './file/open';
export type { OpenOptions, BinaryOpenOptions, WrapFdOptions, FileForMode, OpenMode, CheckedMode, OptionsForMode } from './file/open';
export { AsyncFile } from './file/asyncfile';
export { Stats } from './file/stats';
export type { FileReadStreamOptions, FileWriteStreamOptions } from './file/streams';
export { configure, getConfig, resetConfig } from './config';
export type { AyafileioConfig, ConfigureOptions, SnakeCaseConfig } from './config';
export { getBackendInfo } from './engine/index';
export type { BackendInfo, PlatformName } from './engine/index';
export { readFile, writeFile, appendFile } from './fs/whole-file';
export type { PathInput, OpenFlag, ReadFileOptions, WriteFileOptions, WriteFileData } from './fs/whole-file';
export type { SystemError } from './errors';

/** The package version. */
export const version = '0.1.0';
