/**
 * Picks the backend once per JS realm and keeps the reason. `AYAFILEIO_BACKEND` (read at the
 * first use): `fallback` forces node:fs, `native` requires the native backend (an error if it
 * cannot start), `auto` (the default) uses the native backend where it starts and falls back
 * otherwise — recording why (addon missing, kernel too old, io_uring blocked, ...). Any other
 * value is an error at the first use, naming the valid ones.
 */
import { constants, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { getSystemErrorMap } from 'node:util';
import { loadBinding, type NativeRingInfo } from '../binding';
import { debugLog } from '../debug';
import { isRegularMode, isStreamMode, isUntypedMode } from '../file/stats';
import { checkArgCount } from '../file/validate';
import { FallbackBackend } from './fallback';
import { createNativeBackend, NativeBackend } from './native';
import { nodeFs } from './node-fs';
import { CANCEL_AGAIN_MS, type BackendKind, type FileTypeAndSize, type OpBackend } from './types';

/** The operating system's everyday name; other systems keep their process.platform name. */
export type PlatformName = 'windows' | 'macos' | 'linux' | Exclude<NodeJS.Platform, 'win32' | 'darwin' | 'linux'>;

/** What getBackendInfo() reports about the engine in use. */
export interface BackendInfo {
  /** The operating system: 'windows', 'macos', 'linux', or process.platform elsewhere. */
  platform: PlatformName;
  /** The backend carrying file ops. */
  backend: BackendKind;
  /** Whether ops are asynchronous in the kernel (false: blocking calls on libuv's thread pool). */
  isTrulyAsync: boolean;
  /** One line for humans. */
  description: string;
  /** Why the fallback is used, when it is. */
  reason?: string;
  /** The io_uring ring (or IOCP port) in use: sizes, setup flags, features, supported ops. */
  ring?: NativeRingInfo;
}

interface Selection {
  backend: OpBackend;
  reason?: string;
}

let selection: Selection | undefined;

/** The kernel's "major.minor" as a number pair, or null if os.release() is unusual. */
function kernelVersion(): [number, number] | null {
  const m = /^(\d+)\.(\d+)/.exec(release());
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** Why the kernel path cannot be used before even trying, or undefined. */
function platformObstacle(): string | undefined {
  if (process.platform === 'linux') {
    const v = kernelVersion();
    if (v && (v[0] < 5 || (v[0] === 5 && v[1] < 6))) return `kernel ${release()} is older than 5.6 (io_uring lacks the file opcodes)`;
    return undefined;
  }
  if (process.platform === 'win32' || process.platform === 'darwin') return undefined;
  return `no native backend for ${process.platform} yet`;
}

/** kernel.io_uring_disabled (6.6+): 0 allowed, 1 only for io_uring_group, 2 off; null if absent. */
function ioUringDisabled(): number | null {
  try {
    return Number(readFileSync('/proc/sys/kernel/io_uring_disabled', 'utf8').trim());
  } catch {
    return null;
  }
}

/** Human reason for a ring setup failure with `errno`. */
function setupFailureReason(errno: number): string {
  const [code] = getSystemErrorMap().get(errno) ?? ['UNKNOWN'];
  const base = `io_uring_setup failed with ${code}`;
  const disabled = ioUringDisabled();
  if (code === 'EPERM' && disabled === 2) return `${base}: kernel.io_uring_disabled=2`;
  if (code === 'EPERM' && disabled === 1) return `${base}: kernel.io_uring_disabled=1 and this process is not in kernel.io_uring_group`;
  if (code === 'EPERM') return `${base}: blocked by a seccomp filter (e.g. a container's default profile) or an LSM`;
  if (code === 'ENOSYS') return `${base}: the kernel has no io_uring (or a seccomp filter hides it)`;
  return base;
}

/** Try the native backend; the backend or the reason it is unavailable. */
function tryNative(fallback: FallbackBackend): NativeBackend | string {
  const obstacle = platformObstacle();
  if (obstacle) return obstacle;
  const loaded = loadBinding();
  if (!loaded.addon) return loaded.reason;
  const r = createNativeBackend(loaded.addon, fallback);
  return typeof r === 'number' ? setupFailureReason(r) : r;
}

/** The values AYAFILEIO_BACKEND may take (unset or empty: 'auto'). */
const BACKEND_CHOICES = ['auto', 'native', 'fallback'];

function select(): Selection {
  const wanted = process.env.AYAFILEIO_BACKEND || 'auto';
  if (!BACKEND_CHOICES.includes(wanted)) {
    throw new Error(`ayafileio: AYAFILEIO_BACKEND=${JSON.stringify(wanted)} is not one of ${BACKEND_CHOICES.map((c) => `'${c}'`).join(', ')} (unset means 'auto')`);
  }
  const fallback = new FallbackBackend();
  if (wanted === 'fallback') return { backend: fallback, reason: 'forced by AYAFILEIO_BACKEND=fallback' };
  const native = tryNative(fallback);
  if (typeof native !== 'string') return { backend: native };
  if (wanted === 'native') throw new Error(`ayafileio: AYAFILEIO_BACKEND=native but the native backend is unavailable: ${native}`);
  return { backend: fallback, reason: native };
}

/** The backend every AsyncFile in this realm uses (chosen on the first call). */
export function getBackend(): OpBackend {
  if (selection === undefined) {
    const chosen = select();
    debugLog('backend', () => `${chosen.backend.kind}${chosen.reason === undefined ? '' : `: ${chosen.reason}`}`);
    selection = chosen;
  }
  return selection.backend;
}

let nodeFsBackend: OpBackend | undefined;

/** One node:fs backend for the cases below, made when first needed. */
function getNodeFsBackend(): OpBackend {
  nodeFsBackend ??= new FallbackBackend();
  return nodeFsBackend;
}

/**
 * node:fs's backend in place of `backend` when that is of `kind` and `needed` (the functions
 * below each say where the kernel path would not behave as node:fs); else `backend` itself.
 */
function nodeFsInPlaceOf(backend: OpBackend, kind: BackendKind, needed = true): OpBackend {
  return backend.kind === kind && needed ? getNodeFsBackend() : backend;
}

/**
 * The backend for an fd this library did not open (wrapFd): the realm's backend where fds
 * are the kernel's own (io_uring, Dispatch I/O, fallback), node:fs under IOCP, whose fds
 * index the addon's handle table, so a C runtime fd from node:fs means nothing to it.
 */
export function getBackendForFd(): OpBackend {
  return nodeFsInPlaceOf(getBackend(), 'iocp');
}

/**
 * The backend for a write at an fd's own position (pos -1) whose fd position matters
 * afterwards (ayafileio/fs's FileHandle and callback writes with a null position): io_uring
 * does not advance the file position after a write that took part of its bytes and then
 * failed (kernel 6.x, io_uring/rw.c: kiocb_done updates f_pos only when the last attempt
 * succeeded; an EFBIG or ENOSPC part-way reports the bytes written, the position stays), so
 * the next write would land on those bytes. Such writes use node:fs there (docs/migrating.md).
 */
export function getPositionWriter(backend: OpBackend): OpBackend {
  return nodeFsInPlaceOf(backend, 'io_uring');
}

/**
 * The backend for the ops of an fd opened with `flags` (O_* bits) on `backend`: node:fs under
 * io_uring when they hold O_NONBLOCK. On such an fd read(2) of an empty pipe or socket and
 * write(2) to a full one fail EAGAIN at once (node:fs), but the ring waits until the file is
 * ready instead (io_uring polls a file that supports non-blocking I/O, O_NONBLOCK or not), so
 * the call would never settle where node:fs rejects EAGAIN (docs/reliability.md). Elsewhere
 * `backend`.
 */
export function getBackendForFlags(backend: OpBackend, flags: number): OpBackend {
  return nodeFsInPlaceOf(backend, 'io_uring', (flags & constants.O_NONBLOCK) !== 0);
}

/**
 * The backend for the ops of an fd of type and size `st` that this library did not open
 * (wrapFd): node:fs under io_uring for one with no file type (isUntypedMode: epoll, eventfd,
 * timerfd and other kernel objects, which no path opens). The ring waits on such a file's
 * poll: a read or write of an epoll fd never settled where read(2) and write(2) fail EINVAL at
 * once (node:fs, the fallback; docs/reliability.md). Elsewhere `backend`.
 */
export function getBackendForType(backend: OpBackend, st: FileTypeAndSize): OpBackend {
  return nodeFsInPlaceOf(backend, 'io_uring', isUntypedMode(st.mode));
}

/**
 * The backend for reading a regular file whose size reads 0 (/proc, /sys and other files
 * made as they are read) to its end: node:fs under io_uring. The ring tries such a read
 * without blocking and, where the file cannot, waits on the file's poll instead of sending the
 * read to a kernel worker; /proc/bus/input/devices's poll reports nothing until the input
 * devices change, so the read never ended there (docs/reliability.md). node:fs's blocking read
 * returns at once. Elsewhere the backend itself.
 */
export function getSizelessFileReader(backend: OpBackend): OpBackend {
  return nodeFsInPlaceOf(backend, 'io_uring');
}

/**
 * The backend for every read of a file opened on `backend` whose type, size and device are
 * `st`, read-only or not: getSizelessFileReader's for a regular file whose size reads 0 when
 * it is opened read-only, or, opened for writing as well, when it is on procfs or sysfs (root
 * may open /proc/bus/input/devices 'r+'); else `backend`. A read-only file whose size reads 0
 * is either a file made as it is read (/proc, /sys) or an empty file that may grow later; they
 * are not told apart, so the second is read through node:fs too: the same bytes, at node:fs's
 * speed. One opened for writing as well is mostly a file just created or truncated ('w+'),
 * whose reads keep the ring unless its device is /proc's or /sys's (docs/reliability.md).
 */
export function getFileReader(backend: OpBackend, st: FileTypeAndSize, readOnly: boolean): OpBackend {
  if (backend.kind !== 'io_uring' || !isRegularMode(st.mode) || st.size !== 0) return backend;
  return readOnly || isOnPseudoFs(st) ? getSizelessFileReader(backend) : backend;
}

/** st_dev of /proc and /sys (stat'ed once, when first needed: local, no server to ask), -1 where absent. */
let pseudoFsDevs: number[] | undefined;

/** Whether `st` is a file on the procfs or sysfs mounted at /proc or /sys. */
function isOnPseudoFs(st: FileTypeAndSize): boolean {
  pseudoFsDevs ??= ['/proc', '/sys'].map((dir) => {
    try {
      return nodeFs.statSync(dir).dev;
    } catch {
      return -1;
    }
  });
  return pseudoFsDevs.includes(st.dev);
}

/** How the ops of one fd go where the ring would not behave as node:fs (getFdRoute). */
export interface FdRoute {
  /** The backend for its reads (getFileReader). */
  reader: OpBackend;
  /**
   * Whether the fd's backend would run an op at a position on the stream instead of refusing
   * it: io_uring ignores the offset of a pipe or socket, so a read of an idle pipe waits and a
   * write lands, where pread(2)/pwrite(2) (node:fs, the fallback) fail ESPIPE. (Character
   * devices differ one from another: /dev/zero takes a position, a terminal does not.)
   */
  ignoresPosition: boolean;
}

/**
 * The route of `fd`, opened on `backend` with `flags` (O_* bits), from one look at the type
 * and size the kernel holds (fstatCached: a synchronous statx, asked once per fd by the
 * callers). Only io_uring needs one: elsewhere, and where the statx fails (the op then
 * reports it), every op stays on `backend`.
 */
export function getFdRoute(backend: OpBackend, fd: number, flags: number): FdRoute {
  const st = backend.kind === 'io_uring' ? backend.fstatCached?.(fd) : undefined;
  if (st === undefined || typeof st === 'number') return { reader: backend, ignoresPosition: false };
  const readOnly = (flags & (constants.O_WRONLY | constants.O_RDWR)) === 0; // O_RDONLY is 0
  return { reader: getFileReader(backend, st, readOnly), ignoresPosition: isStreamMode(st.mode) };
}

/**
 * Whether `fd` belongs to the engine itself (the io_uring backend's eventfd and ring): such a
 * number is never a caller's file, even when it was the caller's until it was closed.
 */
export function isEngineFd(fd: number): boolean {
  const backend = selection?.backend;
  return backend instanceof NativeBackend && backend.ownsFd(fd);
}

const descriptions: Record<BackendKind, string> = {
  io_uring: 'Linux io_uring: file ops are asynchronous in the kernel, completions arrive on the event loop',
  iocp: 'Windows I/O completion ports: overlapped file ops, completions arrive on the event loop',
  dispatch_io: 'macOS Dispatch I/O: file ops on dispatch_io channels, completions arrive on the event loop',
  fallback: 'node:fs fallback: blocking calls on the libuv thread pool',
};

/** process.platform under the name getBackendInfo() reports ('win32' → 'windows', 'darwin' → 'macos'). */
function platformName(): PlatformName {
  if (process.platform === 'win32') return 'windows';
  if (process.platform === 'darwin') return 'macos';
  return process.platform;
}

/** Which backend this realm uses, whether it is truly asynchronous, and why not if not. */
export function getBackendInfo(): BackendInfo {
  checkArgCount(arguments.length, 0, 'getBackendInfo()');
  const backend = getBackend();
  const info: BackendInfo = {
    platform: platformName(),
    backend: backend.kind,
    isTrulyAsync: backend.kind !== 'fallback',
    description: descriptions[backend.kind],
  };
  if (selection!.reason !== undefined) info.reason = selection!.reason;
  if (backend instanceof NativeBackend) {
    const ring = backend.ringInfo();
    if (ring) info.ring = ring;
  }
  return info;
}

/** Cancel and drain the native backend's in-flight ops and release its ring (it restarts on the next op). */
export function shutdown(): void {
  const backend = selection?.backend;
  if (backend instanceof NativeBackend) backend.shutdown();
}

/** Cancel the ops in flight on `fd` now and again every CANCEL_AGAIN_MS until the caller clears the returned interval. */
export function repeatCancel(backend: OpBackend, fd: number): ReturnType<typeof setInterval> {
  void backend.cancelFd(fd);
  const again = setInterval(() => void backend.cancelFd(fd), CANCEL_AGAIN_MS);
  again.unref();
  return again;
}
