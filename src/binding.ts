/**
 * Loads the native addon on first use (never at package load): `AYAFILEIO_ADDON` (an explicit
 * path, used by the ASan run) first, then `prebuilds/<platform>-<arch>/ayafileio.node`, then
 * `build/Release/ayafileio.node`. If none loads, the reason is kept for getBackendInfo().
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The exports every native backend provides (docs/architecture.md, "native binding contract"). */
export interface NativeAddon {
  readonly backend: 'io_uring' | 'iocp';
  init(options: NativeOptions, completions: Int32Array, onComplete: (count: number) => void): NativeRingInfo | number;
  info(): NativeRingInfo | null;
  open(token: number, path: Buffer, flags: number, mode: number): number;
  read(token: number, fd: number, buf: Uint8Array, off: number, len: number, pos: number): number;
  write(token: number, fd: number, buf: Uint8Array, off: number, len: number, pos: number): number;
  fsync(token: number, fd: number, datasync: boolean): number;
  ftruncate(token: number, fd: number, len: number): number;
  close(token: number, fd: number): number;
  statx(token: number, fd: number, path: Buffer | null, out: Uint8Array): number;
  cancel(token: number, target: number): number;
  /** Cancel every in-flight op on `fd`; completes with the count cancelled. */
  cancelFd?(token: number, fd: number): number;
  submit(): number;
  shutdown(): number;
}

/** What init() takes: the engine-related part of the configuration. */
export interface NativeOptions {
  queueDepth: number;
  sqpoll: boolean;
  ioWorkers: number;
  /** IOCP: how long close() lets in-flight ops finish before cancelling them (io_uring ignores it). */
  closeTimeoutMs: number;
}

/** What init()/info() describe: the ring (or port) in use. */
export interface NativeRingInfo {
  entries: number;
  cqEntries: number;
  flags: string[];
  features: string[];
  ops: string[];
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
      result = { addon: require(file) as NativeAddon, path: file };
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
