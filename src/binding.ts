/**
 * Loads the native addon on first use (never at package load): `AYAFILEIO_ADDON` (an explicit
 * path, used by the ASan run) first, then `prebuilds/<platform>-<arch>/ayafileio.node`, then
 * `build/Release/ayafileio.node`. If none loads, the reason is kept for getBackendInfo().
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The native binding contract this package speaks; an addon built for another is not loaded. */
export const CONTRACT_VERSION = 2;

/**
 * The exports every native backend provides (docs/architecture.md, "native binding contract").
 * Every op takes a ticket, `token << 1 | submitNow`, and returns -errno (refused, nothing
 * queued) or the number of completion pairs it wrote (0 unless submitNow: then it also
 * submitted everything queued, like submit()).
 */
export interface NativeAddon {
  readonly backend: 'io_uring' | 'iocp';
  readonly contractVersion: number;
  init(options: NativeOptions, completions: Int32Array, onComplete: (count: number) => void): NativeRingInfo | number;
  info(): NativeRingInfo | null;
  open(ticket: number, path: Buffer, flags: number, mode: number): number;
  read(ticket: number, fd: number, buf: Uint8Array, off: number, len: number, pos: number): number;
  write(ticket: number, fd: number, buf: Uint8Array, off: number, len: number, pos: number): number;
  fsync(ticket: number, fd: number, datasync: boolean): number;
  ftruncate(ticket: number, fd: number, len: number): number;
  close(ticket: number, fd: number): number;
  statx(ticket: number, fd: number, path: Buffer | null, out: Uint8Array): number;
  cancel(ticket: number, target: number): number;
  /** Cancel every in-flight op on `fd`; completes with the count cancelled. */
  cancelFd?(ticket: number, fd: number): number;
  submit(): number;
  shutdown(): number;
  /** A 64 KiB ArrayBuffer whose memory is recycled when collected (null if none can be made). */
  allocSlab(): ArrayBuffer | null;
  /** [idle, outstanding] slabs of this environment's pool (for tests). */
  slabStats(): [number, number];
}

/** What init() takes: the engine-related part of the configuration. */
export interface NativeOptions {
  queueDepth: number;
  sqpoll: boolean;
  ioWorkers: number;
  /** IOCP: how long close() lets in-flight ops finish before cancelling them (io_uring ignores it). */
  closeTimeoutMs: number;
  /** io_uring: the host runs libuv's loop, so completions may be watched there (else a waiter thread). */
  hostLoop: boolean;
}

/** What init()/info() describe: the ring (or port) in use. */
export interface NativeRingInfo {
  entries: number;
  cqEntries: number;
  flags: string[];
  features: string[];
  ops: string[];
  /** io_uring: how completions reach JavaScript: 'uv_poll' (the host's libuv loop) or 'thread'. */
  wakeup?: 'uv_poll' | 'thread';
}

/** Outcome of loading: the addon, or why there is none. */
export type BindingResult = { addon: NativeAddon; path: string } | { addon: null; reason: string };

let result: BindingResult | undefined;

/** The places to look for the addon, in order. */
function candidates(): string[] {
  const root = path.join(__dirname, '..');
  const list = [
    path.join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'ayafileio.node'),
    path.join(root, 'build', 'Release', 'ayafileio.node'),
  ];
  const explicit = process.env.AYAFILEIO_ADDON;
  return explicit ? [path.resolve(explicit), ...list] : list;
}

/** Load the addon once per realm; later calls return the same result. */
export function loadBinding(): BindingResult {
  if (result) return result;
  const failures: string[] = [];
  for (const file of candidates()) {
    if (!fs.existsSync(file)) continue;
    try {
      const addon = require(file) as NativeAddon;
      if (addon.contractVersion !== CONTRACT_VERSION) {
        failures.push(`${file}: built for contract ${String(addon.contractVersion ?? 1)}, this package needs ${CONTRACT_VERSION} (rebuild it: npm rebuild ayafileio)`);
        continue;
      }
      result = { addon, path: file };
      return result;
    } catch (err) {
      failures.push(`${file}: ${(err as Error).message}`);
    }
  }
  result = {
    addon: null,
    reason: failures.length ? `native addon failed to load (${failures.join('; ')})` : 'native addon missing (not built)',
  };
  return result;
}

/**
 * Whether this host runs libuv's event loop and exports it to addons: Node does; Bun and Deno
 * implement N-API without it (Bun's uv_* exports abort the process). Unknown hosts get the
 * waiter thread, which needs only N-API. `AYAFILEIO_WAKEUP=thread` forces the thread on Node
 * (the test suite runs both ways).
 */
export function hostHasLibuv(): boolean {
  if (process.env.AYAFILEIO_WAKEUP === 'thread') return false;
  const v: Partial<Record<string, string>> = process.versions;
  return v.bun === undefined && v.deno === undefined && typeof v.uv === 'string';
}
