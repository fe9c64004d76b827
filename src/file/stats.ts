/**
 * File status shaped like Node's fs.Stats, built from the backend's RawStat.
 */
import type { RawStat } from '../engine/types';

/** File type bits of st_mode (the same values on every platform Node supports). */
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const S_IFIFO = 0o010000;
const S_IFLNK = 0o120000;
const S_IFSOCK = 0o140000;

/** Whether `mode` is a regular file's. */
export function isRegularMode(mode: number): boolean {
  return (mode & S_IFMT) === S_IFREG;
}

/** Whether `mode` is a directory's. */
export function isDirectoryMode(mode: number): boolean {
  return (mode & S_IFMT) === S_IFDIR;
}

/**
 * Whether `mode` is a file with a file position: regular files and block devices, not pipes,
 * sockets, terminals and other character devices, nor anonymous inodes (eventfd, epoll,
 * timerfd: no file type at all).
 */
export function isSeekableMode(mode: number): boolean {
  const type = mode & S_IFMT;
  return type === S_IFREG || type === S_IFBLK;
}

/**
 * Whether `mode` has no file type: a kernel object behind an anonymous inode (Linux: epoll,
 * eventfd, signalfd, timerfd, inotify, fanotify, pidfd, userfaultfd, io_uring fds; statx
 * gives them mode 0600 or 0700 and no type bits, Linux 6.18).
 */
export function isUntypedMode(mode: number): boolean {
  return (mode & S_IFMT) === 0;
}

/** Whether `mode` is a pipe's (FIFO) or a socket's: files that never take a position. */
export function isStreamMode(mode: number): boolean {
  const type = mode & S_IFMT;
  return type === S_IFIFO || type === S_IFSOCK;
}

/** The RawStat fields a Stats copies. */
const FIELDS = [
  'dev', 'ino', 'mode', 'nlink', 'uid', 'gid', 'rdev', 'size', 'blksize', 'blocks',
  'atimeMs', 'mtimeMs', 'ctimeMs', 'birthtimeMs',
] as const satisfies readonly (keyof RawStat)[];

/** The fields of RawStat, as own properties of every Stats (declaration merging with the class). */
export interface Stats extends RawStat {}

/** The result of AsyncFile.stat(): the fields, time getters and type tests of fs.Stats. */
export class Stats {
  /** Copy the fields of a RawStat. */
  constructor(raw: RawStat) {
    for (const key of FIELDS) this[key] = raw[key];
  }

  // Rounded to a millisecond, as fs.Stats does.
  /** Last access time. */
  get atime(): Date {
    return new Date(Math.round(this.atimeMs));
  }
  /** Last modification time. */
  get mtime(): Date {
    return new Date(Math.round(this.mtimeMs));
  }
  /** Last status change time. */
  get ctime(): Date {
    return new Date(Math.round(this.ctimeMs));
  }
  /** Creation time (where the file system records it). */
  get birthtime(): Date {
    return new Date(Math.round(this.birthtimeMs));
  }

  private isType(type: number): boolean {
    return (this.mode & S_IFMT) === type;
  }
  /** A regular file. */
  isFile(): boolean {
    return this.isType(S_IFREG);
  }
  /** A directory. */
  isDirectory(): boolean {
    return this.isType(S_IFDIR);
  }
  /** A symbolic link (only from lstat-like calls; fstat follows links). */
  isSymbolicLink(): boolean {
    return this.isType(S_IFLNK);
  }
  /** A block device. */
  isBlockDevice(): boolean {
    return this.isType(S_IFBLK);
  }
  /** A character device. */
  isCharacterDevice(): boolean {
    return this.isType(S_IFCHR);
  }
  /** A FIFO (named or anonymous pipe). */
  isFIFO(): boolean {
    return this.isType(S_IFIFO);
  }
  /** A socket. */
  isSocket(): boolean {
    return this.isType(S_IFSOCK);
  }
}
