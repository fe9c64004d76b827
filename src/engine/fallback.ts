/**
 * The node:fs backend: the same positional op interface over fs callbacks (libuv's
 * thread pool). Used where no kernel path exists or it is blocked, for single ops a kernel
 * lacks, and when forced with AYAFILEIO_BACKEND=fallback. Results are raw like the native
 * backend's: >= 0 or a negative errno.
 */
import * as fs from 'node:fs';
import type { OpBackend, PathLike, RawStat, StatResult } from './types';

/** Negative errno from a Node fs error (its `errno` is already negative libuv numbering). */
function errnoOf(err: NodeJS.ErrnoException): number {
  return typeof err.errno === 'number' ? err.errno : -5 /* EIO */;
}

/** Copy the fields of fs.Stats we report (numbers, Ms times). */
export function rawStatFromFs(s: fs.Stats): RawStat {
  return {
    dev: s.dev, ino: s.ino, mode: s.mode, nlink: s.nlink, uid: s.uid, gid: s.gid, rdev: s.rdev,
    size: s.size, blksize: s.blksize, blocks: s.blocks,
    atimeMs: s.atimeMs, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, birthtimeMs: s.birthtimeMs,
  };
}

function settleNumber(resolve: (v: number) => void) {
  return (err: NodeJS.ErrnoException | null, value?: number) => resolve(err ? errnoOf(err) : (value ?? 0));
}

function settleStat(resolve: (v: StatResult) => void) {
  return (err: NodeJS.ErrnoException | null, st?: fs.Stats) => resolve(err ? errnoOf(err) : rawStatFromFs(st!));
}

/** fs.read/fs.write take `null` for "current position". */
function fsPosition(pos: number): number | null {
  return pos < 0 ? null : pos;
}

/** The node:fs implementation of {@link OpBackend}. */
export class FallbackBackend implements OpBackend {
  readonly kind = 'fallback' as const;

  open(path: PathLike, flags: number, mode: number): Promise<number> {
    return new Promise((resolve) => fs.open(path, flags, mode, settleNumber(resolve)));
  }
  close(fd: number): Promise<number> {
    return new Promise((resolve) => fs.close(fd, (err) => resolve(err ? errnoOf(err) : 0)));
  }
  read(fd: number, buf: Uint8Array, off: number, len: number, pos: number): Promise<number> {
    return new Promise((resolve) => fs.read(fd, buf, off, len, fsPosition(pos), settleNumber(resolve)));
  }
  write(fd: number, buf: Uint8Array, off: number, len: number, pos: number): Promise<number> {
    return new Promise((resolve) => fs.write(fd, buf, off, len, fsPosition(pos), settleNumber(resolve)));
  }
  fsync(fd: number, datasync: boolean): Promise<number> {
    const done = (resolve: (v: number) => void) => (err: NodeJS.ErrnoException | null) => resolve(err ? errnoOf(err) : 0);
    return new Promise((resolve) => (datasync ? fs.fdatasync(fd, done(resolve)) : fs.fsync(fd, done(resolve))));
  }
  ftruncate(fd: number, len: number): Promise<number> {
    return new Promise((resolve) => fs.ftruncate(fd, len, (err) => resolve(err ? errnoOf(err) : 0)));
  }
  fstat(fd: number): Promise<StatResult> {
    return new Promise((resolve) => fs.fstat(fd, settleStat(resolve)));
  }
  stat(path: PathLike): Promise<StatResult> {
    return new Promise((resolve) => fs.stat(path, settleStat(resolve)));
  }
}
