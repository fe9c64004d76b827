/**
 * How many files the whole-file helpers (readFile/writeFile/appendFile) hold open at once:
 * at most `handlePoolMaxTotal` in total — and never more than half the process's limit on
 * open files, where it is known — and `handlePoolMaxPerKey` per path. A call beyond a
 * cap waits its turn instead of opening, so `Promise.all(paths.map(readFile))` over a huge
 * list cannot exhaust the fd table (EMFILE) or pile hundreds of opens onto one file.
 *
 * Only the helpers take slots: they always give them back (their own close), so waiting can
 * never deadlock. Files from open() are held by user code for as long as it likes, so
 * they are not counted (a cap there could wait forever).
 *
 * Waiters blocked by the total cap queue in `global` (FIFO). Waiters whose path is at its
 * per-path cap queue per path; each release of that path moves one of them to the front of
 * `global`, so every waiter moves O(1) times and none is stranded.
 */
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { getConfig, subscribeConfig } from './config';
import { debugLog } from './debug';
import type { PathLike } from './engine/types';

interface Waiter {
  key: string;
  admit: () => void;
}

/**
 * Half the soft limit on open files (Linux: /proc/self/limits; Node raises the soft limit to
 * the hard one at startup), leaving the other half to the rest of the process; Infinity where
 * the limit is unknown or unlimited.
 */
function fdBudget(): number {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'latin1'));
    return m ? Math.max(1, Math.floor(Number(m[1]) / 2)) : Infinity;
  } catch {
    return Infinity;
  }
}

let configTotal = getConfig().handlePoolMaxTotal;
let budget: number | undefined;
let maxPerKey = getConfig().handlePoolMaxPerKey;
let total = 0;
const perKey = new Map<string, number>();
const global: Waiter[] = [];
const blockedByKey = new Map<string, Waiter[]>();

subscribeConfig((config) => {
  configTotal = config.handlePoolMaxTotal;
  maxPerKey = config.handlePoolMaxPerKey;
  // A larger per-path cap may let any per-path waiter in: requeue them all, oldest first.
  for (const list of blockedByKey.values()) global.unshift(...list);
  blockedByKey.clear();
  pump();
});

/** handlePoolMaxTotal, capped by the fd budget (the limit is read at the first call). */
function maxTotal(): number {
  return Math.min(configTotal, (budget ??= fdBudget()));
}

/**
 * The slot key of a path: absolute, so 'a' and './a' share one. An absolute path with no '.'
 * segment, '//' or trailing '/' is already what path.resolve() would return: kept as it is
 * (resolve() was 4% of a small-file readFile's CPU).
 */
export function slotKey(path: PathLike): string {
  if (typeof path !== 'string') return `buffer:${path.toString('hex')}`;
  return isResolved(path) ? path : resolvePath(path);
}

function isResolved(path: string): boolean {
  return !WINDOWS && path.charCodeAt(0) === SLASH && path.length > 1 && path.charCodeAt(path.length - 1) !== SLASH && !path.includes('/.') && !path.includes('//');
}

const SLASH = 0x2f;
/** Windows: resolve() adds the drive and turns '/' into '\\'. */
const WINDOWS = process.platform === 'win32';

/**
 * Take a slot for `key` if it is below its per-path cap: true when taken. One lookup and one
 * store (every whole-file call takes and gives back a slot, so this is on the hot path).
 */
function takeIfKeyHasRoom(key: string): boolean {
  const held = perKey.get(key);
  if (held === undefined) perKey.set(key, 1);
  else if (held < maxPerKey) perKey.set(key, held + 1);
  else return false;
  total++;
  return true;
}

function blockOnKey(waiter: Waiter): void {
  let list = blockedByKey.get(waiter.key);
  if (list === undefined) {
    list = [];
    blockedByKey.set(waiter.key, list);
  }
  list.push(waiter);
}

/** Admit queued waiters while there is room in total. */
function pump(): void {
  while (total < maxTotal() && global.length > 0) {
    const waiter = global.shift()!;
    if (takeIfKeyHasRoom(waiter.key)) waiter.admit();
    else blockOnKey(waiter);
  }
}

/**
 * Take a slot for `key` now if there is room and nobody is queued: true when taken (release
 * it with releaseSlot), false when the caller must wait with waitForSlot.
 */
export function takeSlotNow(key: string): boolean {
  return global.length === 0 && total < maxTotal() && takeIfKeyHasRoom(key);
}

/** Queue for a slot for `key` (after takeSlotNow said no): resolves when admitted. */
export function waitForSlot(key: string): Promise<void> {
  debugLog('open-limit', () => `${key}: waiting for a slot (${total} open, caps ${maxTotal()} total / ${maxPerKey} per path)`);
  return new Promise((admit) => {
    const waiter = { key, admit };
    if (global.length === 0 && total < maxTotal()) blockOnKey(waiter);
    else global.push(waiter);
  });
}

/** Give back a slot taken for `key` and let the next waiters in. */
export function releaseSlot(key: string): void {
  total--;
  const held = perKey.get(key)!;
  if (held === 1) perKey.delete(key);
  else perKey.set(key, held - 1);
  // Lookups only when someone waits: the common call gives back its slot with nobody queued.
  if (blockedByKey.size > 0) unblockOne(key);
  if (global.length > 0) pump();
}

/** Move the oldest waiter blocked on `key`'s per-path cap, if any, to the front of `global`. */
function unblockOne(key: string): void {
  const blocked = blockedByKey.get(key);
  if (blocked === undefined) return;
  global.unshift(blocked.shift()!);
  if (blocked.length === 0) blockedByKey.delete(key);
}

/** Internal (tests): slots in use and calls waiting. */
export function slotStats(): { open: number; waiting: number } {
  let waiting = global.length;
  for (const list of blockedByKey.values()) waiting += list.length;
  return { open: total, waiting };
}
