/**
 * The op interface between the Engine and a backend (see docs/architecture.md).
 *
 * Every op is positional and resolves with a raw result: a value >= 0 on success,
 * or a negative errno on failure. Backends never reject for I/O failures: the public
 * layer turns a negative result into a Node-shaped error *inside the async function the
 * user called*, so the error's stack shows the user's call site (V8 async stack traces)
 * and the success path allocates nothing extra.
 */

/** Which kind of backend carries an op. */
export type BackendKind = 'io_uring' | 'iocp' | 'dispatch_io' | 'fallback';

/** A path as accepted by the public API after validation (no NUL bytes). */
export type PathLike = string | Buffer;

/**
 * Raw stat fields, the union of what statx(2) and fs.Stats give. Times are in
 * milliseconds since the epoch (fractional), like fs.Stats' *Ms fields.
 */
export interface RawStat {
  dev: number;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atimeMs: number;
  mtimeMs: number;
  ctimeMs: number;
  birthtimeMs: number;
}

/** Result of a stat op: a RawStat on success or a negative errno. */
export type StatResult = RawStat | number;

/**
 * The part of a stat open() needs: st_mode (type and permission bits), the size, and the
 * device (st_dev as fs.Stats gives it: whether the file is on /proc or /sys).
 */
export interface FileTypeAndSize {
  mode: number;
  size: number;
  dev: number;
}

/** Where readThen() reports a read's result (bytes read or -errno), with the caller's `ctx`. */
export type ReadDone<C> = (ctx: C, n: number) => void;

/** What writeThen() can link behind a write. */
export type LinkedOp = 'close' | 'fsync' | 'fdatasync';

/** writeThen()'s two results: bytes written (or -errno), and the linked op's 0 or -errno. */
export interface LinkedOps {
  written: Promise<number>;
  next: Promise<number>;
}

/**
 * How often a cancel is sent again while its op is still out: a cancel that meets an op just
 * being handed to a kernel worker can find nothing to cancel, and the op would then wait (a
 * read of a pipe, the open of a FIFO) forever.
 */
export const CANCEL_AGAIN_MS = 100;

/** readWhole()'s failure steps: -(errno + WHOLE_STEP * step). */
export const enum ReadWholeFailure {
  /** The read failed; the close ran. */
  Read = 1,
  /** The close failed after the read went in full. */
  Close = 2,
}
/** readWhole() or writeWhole() handing its open fd to the caller: -(WHOLE_HANDOVER + fd). */
export const WHOLE_HANDOVER = 1 << 24;

/**
 * What a writeWhole() that failed reports: -(errno + WHOLE_STEP * step), errno 0 for a short
 * write. Which step failed.
 */
export const WHOLE_STEP = 4096;
export const enum WholeFailure {
  Open = 1,
  /** The write failed or was short on a regular file (cut first to the data's length where it was longer). */
  Write = 2,
  /** The cut (ftruncate) failed; the write went in full. */
  Cut = 3,
  /** The close failed after a full cut and write. */
  Close = 4,
  /** The write failed or was short on a pipe, socket or device. */
  WriteNotRegular = 5,
}

/**
 * The positional op interface every backend implements.
 *
 * `pos = -1` means "the fd's current position" (for an O_APPEND fd: the end).
 * Buffers passed in stay referenced by the backend until the op's promise settles,
 * even if the caller stops waiting: the kernel may still be writing into them.
 */
export interface OpBackend {
  readonly kind: BackendKind;
  /**
   * Open `path` with O_* `flags` (numbers from fs.constants) and creation `mode`. Resolves the
   * fd. Once `signal` aborts, the backend gives the open up where it can (io_uring: cancelled
   * in the kernel, so an open of a FIFO without a partner ends; it then resolves a negative
   * errno, or its fd when it won the race, which the caller closes); node:fs cannot, and its
   * open runs on.
   */
  open(path: PathLike, flags: number, mode: number, signal?: AbortSignal): Promise<number>;
  /** Close `fd`. Resolves 0. */
  close(fd: number): Promise<number>;
  /** Read up to `len` bytes into `buf[off..]` from `pos` (-1: current). Resolves bytes read. */
  read(fd: number, buf: Uint8Array, off: number, len: number, pos: number): Promise<number>;
  /**
   * read(), except that a read the backend finished inside the call (a cached read on
   * io_uring) returns its result as a number rather than a promise: the caller skips a
   * promise and a microtask. Backends that never finish inline leave it out.
   */
  readInline?(fd: number, buf: Uint8Array, off: number, len: number, pos: number): number | Promise<number>;
  /**
   * readInline(), except that a read still in flight makes no promise: its result goes to
   * `done(ctx, n)` as the backend settles it, never before readThen() has returned, and
   * before any promise reaction runs (`done` must not throw, nor start an op: the backend is
   * settling completions). Returns the result when the read finished inside the call, else
   * undefined.
   * A caller that returns a promise of its own then pays for one promise per read, not two
   * and an async function (docs/performance.md, Round 4). Backends without it leave it out.
   */
  readThen?<C>(fd: number, buf: Uint8Array, off: number, len: number, pos: number, done: ReadDone<C>, ctx: C): number | undefined;
  /**
   * Write `len` bytes of `buf[off..]` at `pos` (-1: current/append). Resolves bytes written.
   * `onDone`, if given, is called with the same result when the op settles, before any
   * promise reaction runs: state that must be right at process exit (when no reaction will
   * run any more) is updated there.
   */
  write(fd: number, buf: Uint8Array, off: number, len: number, pos: number, onDone?: (n: number) => void): Promise<number>;
  /** fsync(2), or fdatasync(2) when `datasync`. Resolves 0. */
  fsync(fd: number, datasync: boolean): Promise<number>;
  /**
   * write() of one chunk (len <= 2 GiB - 1) with `next` on the same fd (close, fsync or
   * fdatasync) linked behind it: the kernel starts `next` when the write has taken every
   * byte, with no round trip through JavaScript between them, and cancels it (-ECANCELED)
   * when the write is short or fails. `onWritten` and `onNext` see each result as it settles
   * (see write()). Undefined where the backend cannot link ops: then the caller writes and
   * runs `next` itself.
   */
  writeThen?(fd: number, buf: Uint8Array, off: number, len: number, pos: number, next: LinkedOp, onWritten: (n: number) => void, onNext: (n: number) => void): LinkedOps | undefined;
  /**
   * writeFile of `buf[off..off+len]` (len <= 2 GiB - 1) with one completion: open `path` with
   * `flags` (O_TRUNC left out); then, from the open's completion, ftruncate to `len` where the
   * file is longer or its size may be stale (see kernelOwnsSize), write at the new fd's
   * position, close — each step runs when the one before
   * has ended, however it ended, so the fd is always closed. Resolves:
   * - `len`: written, the fd closed;
   * - a failure as {@link WholeFailure} describes (the fd closed);
   * - -(WHOLE_HANDOVER + fd): the file is open and nothing was written (the engine could not go
   *   on: no room, a retired ring, a type the kernel did not give); writing and closing it is
   *   the caller's.
   *
   * Undefined where the backend cannot (no such op, or not at the moment: the caller opens).
   */
  writeWhole?(path: PathLike, flags: number, mode: number, buf: Uint8Array, off: number, len: number): Promise<number> | undefined;
  /**
   * readFile of `path` with one completion: open it read-only and, when it is a regular file of
   * 1 to `len` bytes (its size as the kernel holds it), read that many bytes from offset 0 into
   * `buf[off..]` and close it, the close running however the read ended. Resolves:
   * - the bytes read (fewer than the size only if the file shrank meanwhile; the fd is closed);
   * - a negative errno: the open failed;
   * - -(errno + WHOLE_STEP * step), step a {@link ReadWholeFailure}: the read or the close
   *   failed (the fd is closed);
   * - -(WHOLE_HANDOVER + fd): the file is open and was not read (not a regular file, a size
   *   of 0 or above `len`); reading and closing it is the caller's.
   *
   * Undefined where the backend cannot (no such op, or not at the moment: the caller opens).
   */
  readWhole?(path: PathLike, buf: Uint8Array, off: number, len: number): Promise<number> | undefined;
  /** ftruncate(2). Resolves 0. */
  ftruncate(fd: number, len: number): Promise<number>;
  /** fstat(2) through statx where the backend can. */
  fstat(fd: number): Promise<StatResult>;
  /**
   * The type and size of a file this process has just opened, without a round trip: the
   * attributes the kernel holds, read on the calling thread (io_uring: statx with
   * AT_STATX_DONT_SYNC, docs/engine-notes.md, Open), or a negative errno. Undefined where the
   * backend cannot (then fstat()).
   */
  fstatCached?(fd: number): FileTypeAndSize | number | undefined;
  /**
   * Whether the size fstatCached() gives for `fd` is the file's current one: true where the
   * kernel keeps the sizes of the file's filesystem itself (ext4, xfs, tmpfs, btrfs, ...),
   * false where it may hold a stale copy of what a server or FUSE daemon last said (the file
   * may have grown elsewhere) and where it cannot tell (docs/engine-notes.md, Whole-file
   * writes). Undefined where the backend cannot tell at all.
   */
  kernelOwnsSize?(fd: number): boolean;
  /** stat(2) of a path (follows symlinks). */
  stat(path: PathLike): Promise<StatResult>;
  /** mkdir(2) of one directory with `mode` (the umask applies). Resolves 0. */
  mkdir(path: PathLike, mode: number): Promise<number>;
  /** unlink(2), or rmdir(2) when `dir`. Resolves 0. */
  unlink(path: PathLike, dir: boolean): Promise<number>;
  /** rename(2). Resolves 0. */
  rename(from: PathLike, to: PathLike): Promise<number>;
  /**
   * Give up on every op in flight on `fd` (close() after closeTimeoutMs): they settle with
   * -ECANCELED. Resolves how many were cancelled, or -ENOSYS where it cannot be done.
   */
  cancelFd(fd: number): Promise<number>;
  /**
   * The exit path, when no event-loop turn will come: block until the ops in flight have
   * settled (calling their `onDone`), cancelling those still out after `cancelAfterMs`. The
   * fallback cannot wait for libuv's thread pool and returns at once.
   */
  drainSync(cancelAfterMs: number): void;
  /**
   * The exit path's write, done before returning: bytes written or a negative errno. With
   * `bounded` (a pipe, socket or terminal, whose reader may never read) the native backends
   * give up after closeTimeoutMs; otherwise (a regular file: its write ends) they wait.
   */
  writeSync(fd: number, buf: Uint8Array, off: number, len: number, pos: number, bounded: boolean): number;
  /** The exit path's close, done before returning: 0 or a negative errno. */
  closeSync(fd: number): number;
  /**
   * A 64 KiB slab for small readAt() results (src/engine/slab.ts) whose memory the backend
   * recycles when V8 collects it, or null when none is free; absent where the backend has no
   * such pool (the slab then comes from Node).
   */
  allocSlab?(): ArrayBuffer | null;
}
