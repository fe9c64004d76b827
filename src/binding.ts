/**
 * Loads the native addon on first use (never at package load). Tried in order:
 *   1. `AYAFILEIO_ADDON`: an explicit path (the ASan run, or a user's own build);
 *   2. the local build, `native/build/Release/ayafileio.node` (npm install in the repository,
 *      or `npm explore ayafileio -- npm run build:addon` in an installed package);
 *   3. the prebuild for this platform, `prebuilds/<platform>-<arch>[-<libc>]/ayafileio.node`
 *      (shipped in the npm package; on Linux the libc is the one this process runs on).
 * The first that loads and speaks this package's contract wins. If none does, the reason
 * names every file tried and why it was refused, for getBackendInfo().
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The native binding contract this package speaks; an addon built for another is not loaded. */
export const CONTRACT_VERSION = 3;

/**
 * The exports every native backend provides (docs/architecture.md, "native binding contract").
 * Every op takes a ticket, `token << 1 | submitNow`, and returns -errno (refused, nothing
 * queued) or the number of completion pairs it wrote (0 unless submitNow: then it also
 * submitted everything queued, like submit()).
 */
export interface NativeAddon {
  readonly backend: 'io_uring' | 'iocp' | 'dispatch_io';
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
  /**
   * Cancel every in-flight op on `fd` (they end -ECANCELED); completes with the count cancelled
   * (io_uring before Linux 5.19: -EINVAL).
   */
  cancelFd(ticket: number, fd: number): number;
  /**
   * Cancel the open submitted under `token`, which has no fd for cancelFd to name (io_uring):
   * an open of a FIFO waits for the other end, and the cancel interrupts it (it then completes
   * -ECANCELED, or with its fd when it won the race). Completes with 0, -EALREADY
   * (it was running) or -ENOENT (not found: completed, or not in the kernel yet).
   */
  cancelOpen?(ticket: number, token: number): number;
  /** Path ops, where the backend has them (io_uring): mkdirat, unlinkat (AT_REMOVEDIR when `dir`), renameat. */
  mkdir?(ticket: number, path: Buffer, mode: number): number;
  unlink?(ticket: number, path: Buffer, dir: boolean): number;
  rename?(ticket: number, from: Buffer, to: Buffer): number;
  /**
   * write(), and `next` (0 close, 1 fsync, 2 fdatasync of `fd`, ticket `nextTicket`) linked
   * behind it in one submission (io_uring); the kernel cancels `next` when the write is short
   * or fails. Only queues: both complete through a later submit().
   */
  writeThen?(ticket: number, fd: number, buf: Uint8Array, off: number, len: number, pos: number, nextTicket: number, next: number): number;
  /**
   * writeFile's open (`flags` without O_TRUNC), then from its completion a cut to `len` where
   * the file is longer or its size may be stale (as kernelOwnsSize), the write of
   * `buf[off..off+len]` and the close (io_uring). Its
   * completion's result: `len`, a failure, or the open fd handed over, as OpBackend.writeWhole
   * describes. -EAGAIN: not now (run the ops one by one).
   */
  writeWhole?(ticket: number, path: Buffer, flags: number, mode: number, buf: Uint8Array, off: number, len: number): number;
  /**
   * readFile's read-only open of `path`, and for a regular file of at most `len` bytes its read
   * into `buf[off..off+len]` and close, with one completion (io_uring). Its result: as
   * OpBackend.readWhole describes. -EAGAIN: not now (open the file and read it op by op).
   */
  readWhole?(ticket: number, path: Buffer, buf: Uint8Array, off: number, len: number): number;
  /** statx of `fd` from the attributes the kernel holds, on the calling thread (io_uring). 0 or -errno. */
  fstatCached?(fd: number, out: Uint8Array): number;
  /**
   * Whether the size fstatCached() gives for `fd` is the file's current one: 1 where the
   * kernel keeps that filesystem's sizes itself, 0 where it may hold a stale copy (FUSE, NFS,
   * SMB, ...) or cannot tell; -errno when the statx fails (io_uring). Asks no filesystem.
   */
  kernelOwnsSize?(fd: number): number;
  submit(): number;
  shutdown(): number;
  /**
   * The exit path (no loop turn will come): cancel every op in flight first when `cancel`,
   * then block until a completion arrives, none is in flight, or `timeoutMs` pass.
   * Returns the pairs written (settled by the caller), or -ENOSYS without a ring/port.
   */
  drainSync(timeoutMs: number, cancel: boolean): number;
  /** A 64 KiB ArrayBuffer whose memory is recycled when collected (null if none can be made). */
  allocSlab(): ArrayBuffer | null;
  /** [idle, outstanding] slabs of this environment's pool (for tests). */
  slabStats(): [number, number];
  /** The descriptors this environment's engine holds (io_uring: eventfd and ring), which wrapFd() refuses. */
  ownFds?(): number[];
}

/** What init() takes: the engine-related part of the configuration. */
export interface NativeOptions {
  queueDepth: number;
  sqpoll: boolean;
  ioWorkers: number;
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
  /** io_uring: how completions reach JavaScript: 'uv_poll' (Node's libuv loop) or 'thread' (a waiter thread, on hosts without libuv). */
  wakeup?: 'uv_poll' | 'thread';
}

/** Outcome of loading: the addon, or why there is none. */
export type BindingResult = { addon: NativeAddon; path: string } | { addon: null; reason: string };

let result: BindingResult | undefined;

/** The package's root (dist/..). */
const root = path.join(__dirname, '..');
const BUILD_HINT = 'to build one from source: npm explore ayafileio -- npm run build:addon (needs a C compiler and Python)';

/**
 * The C library of this Linux process: musl or glibc, from the libraries mapped into it (as
 * a musl Node on Alpine maps ld-musl), else from process.report (glibc reports its version).
 */
export function linuxLibc(): 'glibc' | 'musl' {
  try {
    const maps = fs.readFileSync('/proc/self/maps', 'utf8');
    if (/\/ld-musl-|\/libc\.musl-/.test(maps)) return 'musl';
    if (/\/libc\.so\.6|\/ld-linux/.test(maps)) return 'glibc';
  } catch {
    // no /proc: ask process.report below
  }
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime ? 'glibc' : 'musl';
}

/** This platform's folder under prebuilds/: `linux-x64-glibc`, `linux-x64-musl`, `win32-x64`, `darwin-arm64`, ... */
export function prebuildTag(): string {
  const base = `${process.platform}-${process.arch}`;
  return process.platform === 'linux' ? `${base}-${linuxLibc()}` : base;
}

/** The prebuild folders this package ships. */
function shippedPrebuilds(): string[] {
  try {
    return fs.readdirSync(path.join(root, 'prebuilds')).filter((d) => fs.existsSync(path.join(root, 'prebuilds', d, 'ayafileio.node')));
  } catch {
    return [];
  }
}

interface Candidate {
  file: string;
  /** Why it is missing, when it is. */
  missing: string;
}

/** The places to look for the addon, in order. */
function candidates(): Candidate[] {
  // An explicit addon is the only one tried: one that fails is reported, never replaced by
  // another silently (an ASan run must not test the release build).
  const explicit = process.env.AYAFILEIO_ADDON;
  if (explicit) return [{ file: path.resolve(explicit), missing: `AYAFILEIO_ADDON=${explicit}: no such file` }];
  const local = path.join(root, 'native', 'build', 'Release', 'ayafileio.node');
  const list: Candidate[] = [{ file: local, missing: `no local build at ${local}` }];
  const tag = prebuildTag();
  const shipped = shippedPrebuilds();
  list.push({
    file: path.join(root, 'prebuilds', tag, 'ayafileio.node'),
    missing: `no prebuild for ${tag} in this package (it has: ${shipped.length ? shipped.join(', ') : 'none'})`,
  });
  return list;
}

/** Load the addon once per realm; later calls return the same result. */
export function loadBinding(): BindingResult {
  if (result) return result;
  const failures: string[] = [];
  const missing: string[] = [];
  for (const { file, missing: why } of candidates()) {
    if (!fs.existsSync(file)) {
      missing.push(why);
      continue;
    }
    try {
      const addon = require(file) as NativeAddon;
      if (addon.contractVersion !== CONTRACT_VERSION) {
        failures.push(`${file}: built for contract ${String(addon.contractVersion ?? 1)}, this package needs ${CONTRACT_VERSION} (rebuild it: npm explore ayafileio -- npm run build:addon)`);
        continue;
      }
      result = { addon, path: file };
      return result;
    } catch (err) {
      failures.push(`${file}: ${(err as Error).message}`);
    }
  }
  const tried = [...failures, ...missing].join('; ');
  result = {
    addon: null,
    reason: `${failures.length ? 'native addon failed to load' : 'native addon missing'} (${tried}); ${BUILD_HINT}`,
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
