/**
 * node:fs Stats objects from the engine's RawStat: real `fs.Stats` instances (instanceof,
 * isFile() and the rest from Node's own prototype), with the own fields Node's have.
 */
import { Stats as NodeStats } from 'node:fs';
import type { RawStat } from '../engine/types';

/** The own fields of a node:fs Stats, in Node's order. */
const FIELDS = [
  'dev', 'mode', 'nlink', 'uid', 'gid', 'rdev', 'blksize', 'ino', 'size', 'blocks',
  'atimeMs', 'mtimeMs', 'ctimeMs', 'birthtimeMs',
] as const satisfies readonly (keyof RawStat)[];

const DATES = [['atime', 'atimeMs'], ['mtime', 'mtimeMs'], ['ctime', 'ctimeMs'], ['birthtime', 'birthtimeMs']] as const;

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * A node:fs Stats for `raw`. Made without calling the Stats constructor (deprecated as a
 * public API since Node 22): an object on its prototype with the same own properties, the
 * dates rounded to the millisecond as Node rounds them.
 */
export function toNodeStats(raw: RawStat): NodeStats {
  const stats = Object.create(NodeStats.prototype) as NodeStats;
  for (const key of FIELDS) define(stats, key, raw[key]);
  for (const [date, ms] of DATES) define(stats, date, new Date(Math.round(raw[ms])));
  return stats;
}
