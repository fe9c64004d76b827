/**
 * The node:fs backend: the same positional op interface over fs callbacks (libuv's
 * thread pool). Used where no kernel path exists or it is blocked, for single ops a kernel
 * lacks, and when forced with AYAFILEIO_BACKEND=fallback. Results are raw like the native
 * backend's: >= 0 or a negative errno.
 */
import type * as fsTypes from 'node:fs';
import { nodeFs as fs } from './node-fs';
import { chunkedRead, MAX_IO_CHUNK, writeInChunks } from './chunked';
import type { OpBackend, PathLike, RawStat, StatResult } from './types';
import { errnoByName } from '../errors';


// libuv's numbers, as in Node's errors (Windows has its own: not os.constants.errno's).
const ECANCELED = errnoByName('ECANCELED');
const EIO = errnoByName('EIO');

/** Negative errno from a Node fs error (its `errno` is already negative libuv numbering). */
function errnoOf(err: NodeJS.ErrnoException): number {
  return typeof err.errno === 'number' ? err.errno : EIO;
}

/** Copy the fields of fs.Stats we report (numbers, Ms times). */
export function rawStatFromFs(s: fsTypes.Stats): RawStat {
  return {
    dev: s.dev, ino: s.ino, mode: s.mode, nlink: s.nlink, uid: s.uid, gid: s.gid, rdev: s.rdev,
    size: s.size, blksize: s.blksize, blocks: s.blocks,
    atimeMs: s.atimeMs, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, birthtimeMs: s.birthtimeMs,
  };
}

function settleNumber(resolve: (v: number) => void) {
  return (err: NodeJS.ErrnoException | null, value?: number) => resolve(err ? errnoOf(err) : (value ?? 0));
}

/** The callback of an fs call that succeeds with nothing to report: 0, or the negative errno. */
function settleZero(resolve: (v: number) => void) {
  return (err: NodeJS.ErrnoException | null) => resolve(err ? errnoOf(err) : 0);
}

function settleStat(resolve: (v: StatResult) => void) {
  return (err: NodeJS.ErrnoException | null, st?: fsTypes.Stats) => resolve(err ? errnoOf(err) : rawStatFromFs(st!));
}

/** Whether `fd` is a regular file (ops on it always end). */
function isRegularFile(fd: number): boolean {
  try {
    return fs.fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

/** fs.read/fs.write take `null` for "current position". */
function fsPosition(pos: number): number | null {
  return pos < 0 ? null : pos;
}

/**
 * The node:fs implementation of {@link OpBackend}.
 *
 * Ops on an fd are tracked so cancelFd() can settle them: a thread-pool syscall cannot be
 * interrupted, so "cancel" here means abandoning it. Only ops on files that can block forever
 * (pipes, sockets, terminals) are abandoned: an op on a regular file always ends, and an
 * abandoned write there could land after the writes that follow it, so those are waited for.
 * The late result of an abandoned op is dropped; its buffer stays referenced by the closure
 * until then, and the file layer never hands such a buffer to anyone else (see
 * AsyncFile.close). A syscall already running keeps its own reference to the open file, so
 * closing the fd next is safe for it; an op still queued for a pool thread would meet the fd
 * number closed (EBADF) or, if the number was reused meanwhile, another file — the residual
 * risk of a close that stops waiting, documented with closeTimeoutMs.
 */
export class FallbackBackend implements OpBackend {
  readonly kind = 'fallback' as const;
  /** Settle-with-ECANCELED functions of the ops in flight, per fd. */
  private readonly inFlight = new Map<number, Set<() => void>>();

  open(path: PathLike, flags: number, mode: number): Promise<number> {
    return new Promise((resolve) => fs.open(path, flags, mode, settleNumber(resolve)));
  }
  close(fd: number): Promise<number> {
    return new Promise((resolve) => fs.close(fd, settleZero(resolve)));
  }
  read(fd: number, buf: Uint8Array, off: number, len: number, pos: number): Promise<number> {
    if (len > MAX_IO_CHUNK) return chunkedRead(this.readOne, fd, buf, off, len, pos);
    return this.readOne(fd, buf, off, len, pos);
  }
  write(fd: number, buf: Uint8Array, off: number, len: number, pos: number, onDone?: (n: number) => void): Promise<number> {
    return writeInChunks(this.writeOne, fd, buf, off, len, pos, onDone);
  }
  private readonly readOne = (fd: number, buf: Uint8Array, off: number, len: number, pos: number): Promise<number> =>
    this.tracked(fd, (resolve) => fs.read(fd, buf, off, len, fsPosition(pos), settleNumber(resolve)));
  private readonly writeOne = (fd: number, buf: Uint8Array, off: number, len: number, pos: number, onDone?: (n: number) => void): Promise<number> =>
    this.tracked(fd, (resolve) => fs.write(fd, buf, off, len, fsPosition(pos), settleNumber(resolve)), onDone);
  fsync(fd: number, datasync: boolean): Promise<number> {
    return this.tracked(fd, (resolve) => (datasync ? fs.fdatasync(fd, settleZero(resolve)) : fs.fsync(fd, settleZero(resolve))));
  }
  ftruncate(fd: number, len: number): Promise<number> {
    return this.tracked(fd, (resolve) => fs.ftruncate(fd, len, settleZero(resolve)));
  }
  fstat(fd: number): Promise<StatResult> {
    return this.tracked<StatResult>(fd, (resolve) => fs.fstat(fd, settleStat(resolve)));
  }
  stat(path: PathLike): Promise<StatResult> {
    return new Promise((resolve) => fs.stat(path, settleStat(resolve)));
  }
  mkdir(path: PathLike, mode: number): Promise<number> {
    return new Promise((resolve) => fs.mkdir(path, { mode }, settleZero(resolve)));
  }
  unlink(path: PathLike, dir: boolean): Promise<number> {
    return new Promise((resolve) => (dir ? fs.rmdir(path, settleZero(resolve)) : fs.unlink(path, settleZero(resolve))));
  }
  rename(from: PathLike, to: PathLike): Promise<number> {
    return new Promise((resolve) => fs.rename(from, to, settleZero(resolve)));
  }

  cancelFd(fd: number): Promise<number> {
    const ops = this.inFlight.get(fd);
    if (ops === undefined || isRegularFile(fd)) return Promise.resolve(0);
    const count = ops.size;
    for (const cancel of [...ops]) cancel();
    return Promise.resolve(count);
  }

  /** Nothing to wait for here: libuv's pool finishes (or not) on its own threads. */
  drainSync(): void {}

  /** fs.writeSync: blocks until the kernel takes the bytes (a pipe nobody reads: forever). */
  writeSync(fd: number, buf: Uint8Array, off: number, len: number, pos: number): number {
    let done = 0;
    try {
      while (done < len) done += fs.writeSync(fd, buf, off + done, Math.min(MAX_IO_CHUNK, len - done), pos < 0 ? null : pos + done);
    } catch (err) {
      if (done === 0) return errnoOf(err as NodeJS.ErrnoException);
    }
    return done;
  }

  closeSync(fd: number): number {
    try {
      fs.closeSync(fd);
      return 0;
    } catch (err) {
      return errnoOf(err as NodeJS.ErrnoException);
    }
  }

  /**
   * Run an fd op so cancelFd() can settle it first; whichever settles first wins. `onDone`
   * sees the winning result before the promise's reactions run.
   */
  private tracked<T extends StatResult>(fd: number, start: (resolve: (v: T) => void) => void, onDone?: (n: number) => void): Promise<T> {
    return new Promise<T>((resolve) => {
      let ops = this.inFlight.get(fd);
      if (ops === undefined) this.inFlight.set(fd, (ops = new Set()));
      const settle = (v: T): void => {
        if (!ops!.delete(cancel)) return; // already settled (cancelled, or the late result)
        if (ops!.size === 0 && this.inFlight.get(fd) === ops) this.inFlight.delete(fd);
        onDone?.(v as number);
        resolve(v);
      };
      const cancel = (): void => settle(ECANCELED as T);
      ops.add(cancel);
      start(settle);
    });
  }
}
