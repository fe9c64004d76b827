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
import { whenAborted } from './abort-listeners';
import type { PathLike } from './engine/types';

interface Waiter {
  key: string;
  /** Resolves the wait; undefined once the caller gave up (its signal aborted). */
  admit: (() => void) | undefined;
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
/** Waiters queued (in `global` or `blockedByKey`), and how many of them gave up. */
let queued = 0;
let abandoned = 0;
/** Below this many abandoned waiters the queues are not swept (a sweep visits every waiter). */
const SWEEP_MIN = 1024;

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
  if (typeof path !== 'string') return bufferSlotKey(path);
  return isResolved(path) ? path : resolvePath(path);
}

/**
 * A Buffer path's key: the string path's when its bytes are UTF-8 (the bytes a string path
 * opens), so the same file named as a Buffer and as a string shares one per-path cap. Other
 * bytes name a file no string can: they are their own key.
 */
function bufferSlotKey(path: Buffer): string {
  const text = path.toString('utf8');
  return Buffer.from(text).equals(path) ? slotKey(text) : `buffer:${path.toString('hex')}`;
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
    if (waiter.admit === undefined) dropAbandoned();
    else if (takeIfKeyHasRoom(waiter.key)) admit(waiter);
    else blockOnKey(waiter);
  }
}

function admit(waiter: Waiter): void {
  queued--;
  waiter.admit!();
}

/** Count out an abandoned waiter just taken off a queue. */
function dropAbandoned(): void {
  queued--;
  abandoned--;
}

/**
 * Take a slot for `key` now if there is room and nobody is queued: true when taken (release
 * it with releaseSlot), false when the caller must wait with waitForSlot.
 */
export function takeSlotNow(key: string): boolean {
  return global.length === 0 && total < maxTotal() && takeIfKeyHasRoom(key);
}

/**
 * Queue for a slot for `key` (after takeSlotNow said no): resolves true when admitted (the
 * slot is then held), false when `signal` aborted first (no slot is held, and the waiter
 * leaves the queue: a path whose slots never free, a FIFO without a partner, would otherwise
 * keep every abandoned call, and what it holds, for good).
 */
export function waitForSlot(key: string, signal?: AbortSignal): Promise<boolean> {
  debugLog('open-limit', () => `${key}: waiting for a slot (${total} open, caps ${maxTotal()} total / ${maxPerKey} per path)`);
  return new Promise((resolve) => {
    const waiter: Waiter = { key, admit: () => resolve(true) };
    if (signal !== undefined) giveUpOnAbort(waiter, signal, resolve);
    queued++;
    if (global.length === 0 && total < maxTotal()) blockOnKey(waiter);
    else global.push(waiter);
  });
}

/** On `signal`'s abort, mark `waiter` abandoned (it takes no slot) and resolve its wait false. */
function giveUpOnAbort(waiter: Waiter, signal: AbortSignal, resolve: (admitted: boolean) => void): void {
  const onAbort = (): void => {
    waiter.admit = undefined;
    abandoned++;
    resolve(false);
    if (abandoned >= SWEEP_MIN && abandoned * 2 >= queued) sweepAbandoned();
  };
  const stop = whenAborted(signal, onAbort);
  waiter.admit = () => {
    stop();
    resolve(true);
  };
}

/** Take abandoned waiters off every queue (when they are at least half of those queued). */
function sweepAbandoned(): void {
  const live = (w: Waiter): boolean => w.admit !== undefined;
  const kept = global.filter(live);
  global.length = 0;
  global.push(...kept);
  for (const [key, list] of blockedByKey) {
    const still = list.filter(live);
    if (still.length === 0) blockedByKey.delete(key);
    else blockedByKey.set(key, still);
  }
  queued -= abandoned;
  abandoned = 0;
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

/**
 * Move the oldest live waiter blocked on `key`'s per-path cap, if any, to the front of
 * `global` (abandoned ones before it are dropped: moving one of them would leave the live
 * waiters behind it blocked while the path has room).
 */
function unblockOne(key: string): void {
  const blocked = blockedByKey.get(key);
  if (blocked === undefined) return;
  let waiter = blocked.shift();
  while (waiter !== undefined && waiter.admit === undefined) {
    dropAbandoned();
    waiter = blocked.shift();
  }
  if (waiter !== undefined) global.unshift(waiter);
  if (blocked.length === 0) blockedByKey.delete(key);
}

/** Internal (tests): slots in use and calls waiting. */
export function slotStats(): { open: number; waiting: number } {
  return { open: total, waiting: queued - abandoned };
}
