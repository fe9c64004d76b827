/**
 * node:fs and node:fs/promises as they were when this library loaded. ayafileio/register
 * later routes node:fs's own functions through the engine; the fallback backend and the
 * node:fs-backed parts of ayafileio/fs must keep calling the originals, or they would call
 * themselves. Copied by descriptor, not by spread: functions are taken as they are now, and a
 * deprecated accessor (fs.F_OK, which warns when read on Node 24) is copied without being read.
 */
import type * as fsTypes from 'node:fs';
import type * as fspTypes from 'node:fs/promises';

function snapshot<T extends object>(module: T): T {
  return Object.defineProperties({}, Object.getOwnPropertyDescriptors(module)) as T;
}

/** node:fs's functions as loaded. */
export const nodeFs: typeof fsTypes = snapshot(require('node:fs') as typeof fsTypes);
/** node:fs/promises' functions as loaded. */
export const nodeFsp: typeof fspTypes = snapshot(require('node:fs/promises') as typeof fspTypes);
