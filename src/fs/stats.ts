/**
 * node:fs Stats objects from the engine's RawStat: real `fs.Stats` instances (instanceof,
 * isFile() and the rest from Node's own prototype), with the own fields Node's have.
 */
import { Stats as NodeStats } from 'node:fs';
import type { RawStat } from '../engine/types';

const DATES = [['atime', 'atimeMs'], ['mtime', 'mtimeMs'], ['ctime', 'ctimeMs'], ['birthtime', 'birthtimeMs']] as const;

/**
 * A node:fs Stats for `raw`. Made without calling the Stats constructor (deprecated as a
 * public API since Node 22): an object on its prototype with the same own properties, the
 * dates rounded to the millisecond as Node rounds them.
 */
export function toNodeStats(raw: RawStat): NodeStats {
  const stats = Object.create(NodeStats.prototype) as Record<string, unknown>;
  // Plain assignments, written out in Node's order, give every Stats the same hidden class
  // (defineProperty per field made each one a dictionary: stat() cost 3x the engine's op; a
  // loop over the names made each store a keyed one: 11% of a stat()'s CPU).
  stats.dev = raw.dev;
  stats.mode = raw.mode;
  stats.nlink = raw.nlink;
  stats.uid = raw.uid;
  stats.gid = raw.gid;
  stats.rdev = raw.rdev;
  stats.blksize = raw.blksize;
  stats.ino = raw.ino;
  stats.size = raw.size;
  stats.blocks = raw.blocks;
  stats.atimeMs = raw.atimeMs;
  stats.mtimeMs = raw.mtimeMs;
  stats.ctimeMs = raw.ctimeMs;
  stats.birthtimeMs = raw.birthtimeMs;
  // Node 22+ computes the dates from the *Ms fields in accessors on the prototype, lazily, as
  // for its own Stats; Node 20's Stats carry them as own fields.
  if (!LAZY_DATES) for (const [date, ms] of DATES) stats[date] = new Date(Math.round(raw[ms]));
  return stats as unknown as NodeStats;
}

/** Whether this Node's Stats.prototype makes the dates itself (22+). */
const LAZY_DATES = Object.getOwnPropertyDescriptor(NodeStats.prototype, 'atime')?.get !== undefined;

/**
 * Whether stat options ask for BigInt stats, as Node reads them: only `bigint: true` does, and
 * null options throw the TypeError Node's own `options.bigint` throws (its default applies to
 * undefined only).
 */
export function wantsBigInt(options: unknown = { bigint: false }): boolean {
  return (options as { bigint?: unknown }).bigint === true;
}
