/**
 * BufferedFile: the binary layer under AsyncFile, one buffer per file like Python's
 * BufferedRandom. The buffer holds either read-ahead (file bytes [rStart, rStart + rLen)) or
 * pending writes (bytes for [wStart, ...), never both, so mixing reads, writes, seeks and
 * tells can never lose, repeat or misplace a byte.
 *
 * The file position lives here, in user space: every op is positional (pread/pwrite), except
 * writes on an O_APPEND file (pos -1: the kernel appends atomically, even with other writers)
 * and every op on a file that cannot seek (pipes, sockets, terminals).
 */
import type { LinkedOp, LinkedOps, OpBackend, PathLike } from '../engine/types';
import { fileTooLarge, partialWriteError, uvException, errnoByName, systemError } from '../errors';
import { fitted } from '../engine/slab';
import { acquireBuffer, releaseBuffer } from './buffer-pool';
import type { BufferedIO, Whence } from './types';
import { MAX_LENGTH } from './validate';

/** `pos` value meaning "at the end of the file, offset not known yet" (after an append). */
const AT_END = -1;
/** read(n) up to this size allocates n bytes at once; larger ones grow with the data. */
const DIRECT_READ_MAX = 8 * 1024 * 1024;
/** Largest chunk read-to-EOF allocates when the file size gives no hint. */
const MAX_CHUNK = 64 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/** A commit() waiting until the kernel has taken the first `mark` accepted bytes. */
interface FlushWaiter {
  mark: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const RESOLVED = Promise.resolve();
const ECANCELED = errnoByName('ECANCELED');
const ignore = (): void => {};

/** How to build a BufferedFile. */
export interface BufferedFileOptions {
  /** The backend carrying every op. */
  backend: OpBackend;
  /** An open fd (or backend handle). */
  fd: number;
  /** The path, for error messages (undefined for a wrapped fd). */
  path: PathLike | undefined;
  readable: boolean;
  writable: boolean;
  /** Writes go to the end of the file (the fd has O_APPEND). */
  append: boolean;
  /** The fd supports positional I/O (regular files, block devices). */
  seekable: boolean;
  /** Buffer size in bytes (>= 1). */
  bufferSize: number;
  /** The starting position (in append mode: the file's size at open, as Python seeks there). */
  position: number;
}

/** The {@link BufferedIO} implementation: Python's BufferedRandom on positional ops. */
export class BufferedFile implements BufferedIO {
  readonly readable: boolean;
  readonly writable: boolean;
  readonly seekable: boolean;
  readonly fd: number;
  private readonly backend: OpBackend;
  private readonly path: PathLike | undefined;
  /** Writes go to the end of the file (the fd has O_APPEND). */
  readonly append: boolean;
  private readonly bufferSize: number;
  /** Allocated on first buffered read or write. */
  private buf: Buffer = EMPTY;
  /** The logical position, or AT_END. */
  private pos: number;
  /** File offset of buf[0] while the buffer holds read-ahead. */
  private rStart = 0;
  /** Bytes of read-ahead in buf (0: none). While > 0, rStart <= pos <= rStart + rLen. */
  private rLen = 0;
  /** File offset where buf[wOff..wLen) goes. */
  private wStart = 0;
  /** Start of the not yet written part of the pending writes (after a short write). */
  private wOff = 0;
  /** End of the pending writes in buf (0: none). */
  private wLen = 0;
  /** Bytes ever put into the buffer by write(): a flush waits until `written` reaches its mark. */
  private accepted = 0;
  /** Bytes of `accepted` the kernel has taken. */
  private written = 0;
  /** commit() calls waiting for their bytes, in call order (marks never decrease). */
  private waiters: FlushWaiter[] = [];
  /** Whether pumpGroups() is running (at most one kernel write from the buffer is in flight). */
  private pumping = false;
  /** Set while joinGroup() has a startCommits() scheduled at the microtask checkpoint: the file's queue. */
  private startAtCheckpoint: { readonly busy: boolean } | undefined;
  /** stop() was called: no new kernel op starts on this file. */
  private stopped = false;
  /** The fd was closed by a close linked behind the final write (flushThen('close')). */
  private closedByLink = false;
  /** Bytes of the group write in flight whose result has not arrived (0: none). */
  private groupInFlight = 0;
  /**
   * A group write's result, applied when the backend settles it (its onDone), not in the
   * awaiting continuation: at process exit no continuation runs, but the backend's drainSync()
   * still settles ops, so flushSync() then knows exactly which bytes the kernel took.
   */
  private readonly applyWritten = (n: number): void => {
    this.groupInFlight = 0;
    if (n <= 0) return;
    this.wOff += n;
    this.wStart += n;
    this.written += n;
  };

  /** Wrap an open fd; see {@link BufferedFileOptions}. */
  constructor(options: BufferedFileOptions) {
    this.backend = options.backend;
    this.fd = options.fd;
    this.path = options.path;
    this.readable = options.readable;
    this.writable = options.writable;
    this.append = options.append;
    this.seekable = options.seekable;
    this.bufferSize = options.bufferSize;
    this.pos = options.position;
  }

  /**
   * close() gave up waiting (closeTimeoutMs): every kernel op this file would start from now on
   * rejects ECANCELED at once instead, so the close that stopped waiting cannot wait again (a
   * flush retrying bytes a full pipe will never take).
   */
  stop(): void {
    this.stopped = true;
  }

  /** Whether stop() was called. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * The fd is closed: flushThen('close') closed it behind the final write. Set when the close
   * settles (its onDone), so the exit path, which settles ops without a loop turn, knows.
   */
  get fdClosed(): boolean {
    return this.closedByLink;
  }

  /** Throw ECANCELED once stop() was called. */
  checkRunning(syscall: string): void {
    if (this.stopped) throw systemError('ECANCELED', syscall, this.path);
  }

  /**
   * Whether catchUp() has work: written bytes wait in the buffer, or the position is "the end
   * after an append", not learnt yet. Reads and positional ops settle first.
   */
  get behind(): boolean {
    return this.wLen > 0 || this.pos === AT_END;
  }

  /** The logical position, or null right after an append (the end, not known yet). */
  get knownPosition(): number | null {
    return this.pos === AT_END ? null : this.pos;
  }

  /** Forget read-ahead that overlaps [position, position + length): it was just overwritten. */
  invalidate(position: number, length: number): void {
    if (this.rLen > 0 && position < this.rStart + this.rLen && position + length > this.rStart) this.rLen = 0;
  }

  /** Read `size` bytes (fewer only at EOF); size < 0 reads to EOF. */
  async read(size: number): Promise<Buffer> {
    this.requireReadable();
    if (this.behind) await this.catchUp();
    if (size < 0) return this.readAll(Infinity);
    if (size <= this.available()) return this.takeCopy(size);
    if (size > DIRECT_READ_MAX) return this.readAll(size);
    const out = Buffer.allocUnsafe(size);
    return fitted(out, await this.readFully(out, 0, size));
  }

  /** Read at most `size` bytes (size < 0: up to the buffer size) with at most one raw read. */
  async read1(size: number): Promise<Buffer> {
    this.requireReadable();
    if (this.behind) await this.catchUp();
    if (size === 0) return EMPTY;
    const want = size < 0 ? this.bufferSize : size;
    if (this.available() <= 0) {
      if (want >= this.bufferSize) return this.readDirectOnce(want);
      await this.fill();
    }
    return this.takeCopy(Math.min(want, this.available()));
  }

  /** Fill `target` as far as the file allows; resolves the number of bytes read. */
  async readInto(target: Uint8Array): Promise<number> {
    this.requireReadable();
    if (this.behind) await this.catchUp();
    return this.readFully(target, 0, target.byteLength);
  }

  /** Read through the next '\n' (included), at most `limit` bytes when limit >= 0. */
  async readline(limit: number): Promise<Buffer> {
    this.requireReadable();
    if (this.behind) await this.catchUp();
    const max = limit < 0 ? Infinity : limit;
    const parts: Buffer[] = [];
    let total = 0;
    while (total < max) {
      const avail = this.available();
      if (avail > 0) {
        const start = this.pos - this.rStart;
        const end = start + Math.min(avail, max - total);
        const nl = this.buf.subarray(start, end).indexOf(10);
        const stop = nl >= 0 ? start + nl + 1 : end;
        parts.push(Buffer.from(this.buf.subarray(start, stop)));
        total += stop - start;
        this.pos += stop - start;
        if (nl >= 0) break;
      } else if ((await this.fill()) === 0) {
        break;
      }
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, total);
  }

  /** Write all of `data`: buffered, or straight through when it is at least a buffer long. */
  async write(data: Uint8Array): Promise<number> {
    const now = this.writeNow(data);
    if (now !== undefined) return now;
    const len = data.byteLength;
    if (this.wLen > 0) await this.flush(); // it did not fit beside the pending bytes
    if (len < this.bufferSize) return this.bufferBytes(data);
    if (!this.prepareWrite(len)) return 0;
    await this.writeThrough(data);
    return len;
  }

  /** Write `text` encoded as `encoding`, straight into the buffer when it fits. */
  async writeString(text: string, encoding: BufferEncoding): Promise<number> {
    const len = Buffer.byteLength(text, encoding);
    if (this.fitsNow(len)) return this.bufferString(text, len, encoding);
    if (len >= this.bufferSize) return this.write(Buffer.from(text, encoding)); // straight through
    await this.flush(); // it did not fit beside the pending bytes
    return this.bufferString(text, len, encoding);
  }

  /**
   * write() when it needs no kernel call (the bytes fit in the buffer beside those pending):
   * the bytes written, at once; undefined when the caller must use write().
   */
  writeNow(data: Uint8Array): number | undefined {
    return this.fitsNow(data.byteLength) ? this.bufferBytes(data) : undefined;
  }

  /** writeString() when it needs no kernel call: as writeNow(). */
  writeStringNow(text: string, encoding: BufferEncoding): number | undefined {
    const len = Buffer.byteLength(text, encoding);
    return this.fitsNow(len) ? this.bufferString(text, len, encoding) : undefined;
  }

  /** Whether `len` more bytes go into the buffer without a flush first (and are not too big for it). */
  private fitsNow(len: number): boolean {
    return len < this.bufferSize && this.wLen + len <= this.bufferSize;
  }

  private bufferBytes(data: Uint8Array): number {
    const len = data.byteLength;
    if (!this.prepareWrite(len)) return 0;
    const at = this.reservePending(len); // first: it may allocate this.buf
    this.buf.set(data, at);
    return len;
  }

  private bufferString(text: string, len: number, encoding: BufferEncoding): number {
    if (!this.prepareWrite(len)) return 0;
    const at = this.reservePending(len); // first: it may allocate this.buf
    this.buf.write(text, at, len, encoding);
    return len;
  }

  /** Checks before writing `len` bytes; false when there is nothing to write. */
  private prepareWrite(len: number): boolean {
    if (!this.writable) throw systemError('EBADF', 'write', this.path);
    if (len === 0) return false;
    this.rLen = 0; // read-ahead is dropped; the logical position stays where reading left it
    return true;
  }

  /** Reserve buf[wLen, wLen + len) for `len` more pending bytes (they fit); returns where they go. */
  private reservePending(len: number): number {
    if (this.wLen === 0) {
      this.allocate();
      this.wStart = this.pos;
    }
    const at = this.wLen;
    this.wLen += len;
    this.accepted += len;
    this.pos = this.append ? AT_END : this.pos + len;
    return at;
  }

  /** Move the logical position; resolves the new absolute position. */
  async seek(offset: number, whence: Whence): Promise<number> {
    this.requireSeekable('lseek');
    const target = (await this.seekBase(whence)) + offset;
    if (target < 0) throw systemError('EINVAL', 'lseek', this.path);
    if (!Number.isSafeInteger(target)) throw systemError('EOVERFLOW', 'lseek', this.path);
    if (this.wLen > 0 && target !== this.pos) await this.flush();
    if (this.rLen > 0 && (target < this.rStart || target > this.rStart + this.rLen)) this.rLen = 0;
    this.pos = target;
    return target;
  }

  /** The logical position (after an append: the end of the file). */
  async tell(): Promise<number> {
    this.requireSeekable('lseek');
    if (this.pos === AT_END) await this.catchUp(); // otherwise pending writes may stay pending
    return this.pos;
  }

  /**
   * Flush, and after an append learn where the end is: before this file changes the size
   * itself (truncate, writeAt), so the position stays the end as of the append.
   */
  async catchUp(): Promise<void> {
    await this.flush();
    if (this.pos === AT_END) this.pos = this.seekable ? await this.fileSize() : 0;
  }

  /** Cut (or extend) the file to `size`, by default at the position; the position stays. */
  async truncate(size?: number): Promise<number> {
    if (!this.writable) throw systemError('EBADF', 'ftruncate', this.path);
    await this.catchUp();
    const at = size ?? (await this.tell());
    this.checkRunning('ftruncate');
    const r = await this.backend.ftruncate(this.fd, at);
    if (r < 0) throw uvException(r, 'ftruncate', this.path);
    this.invalidate(at, Infinity);
    return at;
  }

  /**
   * Hand pending writes to the kernel (not fsync) and wait until nothing is pending or in
   * flight. After a failure the unwritten rest stays pending.
   */
  async flush(): Promise<void> {
    while (this.pumping || this.wOff < this.wLen) {
      const written = this.commit();
      this.startCommits();
      await written;
    }
  }

  /**
   * flush(), then `next` on the fd (close, fsync or fdatasync), linked behind the one kernel
   * write that empties the buffer where the backend links ops (io_uring: the kernel starts it
   * where the write ends, with no round trip through JavaScript between; a record file's
   * write + close, durable-append's write + fdatasync). Resolves `next`'s result (0 or -errno)
   * when it ran linked; undefined when it did not (nothing to link behind, or the kernel
   * cancelled it because the write was short or failed), once flush() has written the rest
   * or thrown its error: the caller then runs `next` itself.
   */
  async flushThen(next: LinkedOp): Promise<number | undefined> {
    const linked = this.linkFinalWrite(next);
    if (linked === undefined) {
      await this.flush();
      return undefined;
    }
    this.pumping = true; // the buffer's kernel write is out: no group write starts meanwhile
    await linked.written; // its result is applied by applyWritten (onDone)
    const after = await linked.next;
    this.pumping = false;
    if (this.wOff === this.wLen) this.wOff = this.wLen = 0;
    this.startCommits();
    if (after !== ECANCELED) return after;
    await this.flush();
    return undefined;
  }

  /** The pending bytes as one write with `next` linked behind it, where that can be done. */
  private linkFinalWrite(next: LinkedOp): LinkedOps | undefined {
    const len = this.wLen - this.wOff;
    // Not on a pipe, socket or terminal: close() may have to cancel what is stuck there.
    if (len === 0 || this.pumping || this.stopped || !this.seekable || this.backend.writeThen === undefined) return undefined;
    const onNext = next === 'close' ? this.noteLinkedClose : ignore;
    const linked = this.backend.writeThen(this.fd, this.buf, this.wOff, len, this.writePosition(this.wStart), next, this.applyWritten, onNext);
    if (linked !== undefined) this.groupInFlight = len;
    return linked;
  }

  /** A close linked behind the final write settled: unless the kernel cancelled it, the fd is closed. */
  private readonly noteLinkedClose = (r: number): void => {
    if (r !== ECANCELED) this.closedByLink = true;
  };

  /**
   * Group commit: resolves once the kernel has taken every byte written so far, without
   * stopping later write() calls from filling the buffer meanwhile. The kernel write starts
   * at startCommits() (the caller's "nothing more to add now"), or, when one is already in
   * flight, as soon as it ends: one kernel write then carries the data of every commit made
   * meanwhile, in write order. Rejects if a kernel write of its group fails (the unwritten
   * rest stays pending for the next flush).
   */
  commit(): Promise<void> {
    if (this.written === this.accepted) return RESOLVED;
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ mark: this.accepted, resolve, reject });
    });
  }

  /**
   * flush()'s part of group commit: join the next group (commit()). Its kernel write starts at
   * the microtask checkpoint, so every flush of this synchronous run joins it; or, when calls
   * are queued on the file by then, once the queue runs empty (queueEmpty()), so every flush
   * queued in that run joins it too.
   */
  joinGroup(queue: { readonly busy: boolean }): Promise<void> {
    const written = this.commit();
    if (this.startAtCheckpoint === undefined) {
      this.startAtCheckpoint = queue;
      RESOLVED.then(this.checkpoint);
    }
    return written;
  }

  /** joinGroup()'s microtask checkpoint: start the group's write unless calls are queued. */
  private readonly checkpoint = (): void => {
    const queue = this.startAtCheckpoint!;
    this.startAtCheckpoint = undefined;
    if (!queue.busy) this.startCommits();
  };

  /** The file's queue ran empty: nothing more can join the current group; its write starts. */
  queueEmpty(): void {
    this.startCommits();
  }

  /** Start writing the groups that commits wait for, unless a kernel write is already out. */
  private startCommits(): void {
    if (this.pumping || this.waiters.length === 0) return;
    this.pumping = true;
    void this.pumpGroups();
  }

  /** Write groups while commits wait: each group is everything pending when it starts. */
  private async pumpGroups(): Promise<void> {
    while (this.waiters.length > 0) {
      const groupMark = this.accepted;
      let failure: unknown;
      try {
        await this.writePending(this.wLen);
      } catch (err) {
        failure = err;
      }
      if (this.wOff === this.wLen) this.wOff = this.wLen = 0;
      this.settleWaiters(failure === undefined ? this.written : groupMark, failure);
    }
    this.pumping = false;
  }

  /** Write buf[wOff, end) at the pending position, advancing past what the kernel takes. */
  private async writePending(end: number): Promise<void> {
    while (this.wOff < end) {
      this.checkRunning('write');
      this.groupInFlight = end - this.wOff;
      const n = await this.backend.write(this.fd, this.buf, this.wOff, end - this.wOff, this.writePosition(this.wStart), this.applyWritten);
      if (n <= 0) throw uvException(n < 0 ? n : errnoByName('EIO'), 'write', this.path);
    }
  }

  /**
   * The exit path (no event-loop turn will come; the backend has drained its ops): write every
   * pending byte now, at its position, with the backend's synchronous write. A group write
   * whose result never arrived (the fallback cannot wait for libuv's pool) is written again
   * where that is harmless — the same bytes at the same offsets — and counted as landed where
   * the kernel picks the offset (append, pipes): the pool thread usually has it out already
   * (small flushes every few writes: measured, writing it again doubled a line in most runs),
   * though exit can end the thread before a large one is out (docs/api.md says so).
   * Throws the Node-shaped error of a write that fails; the unwritten rest is then lost.
   */
  flushSync(): void {
    if (this.groupInFlight > 0 && this.writePosition(0) === -1) this.applyWritten(this.groupInFlight);
    this.groupInFlight = 0;
    while (this.wOff < this.wLen) {
      const n = this.backend.writeSync(this.fd, this.buf, this.wOff, this.wLen - this.wOff, this.writePosition(this.wStart), !this.seekable);
      if (n <= 0) throw uvException(n < 0 ? n : errnoByName('EIO'), 'write', this.path);
      this.applyWritten(n);
    }
    this.wOff = this.wLen = 0;
  }


  /**
   * Resolve the commits whose bytes are written; after a failure, reject the rest of the
   * failed group (marks up to `upTo`). Commits that arrived during the write stay for the next group.
   */
  private settleWaiters(upTo: number, failure: unknown): void {
    let i = 0;
    for (; i < this.waiters.length && this.waiters[i].mark <= upTo; i++) {
      const w = this.waiters[i];
      if (w.mark <= this.written) w.resolve();
      else w.reject(failure);
    }
    this.waiters.splice(0, i);
  }

  /** The file's size from fstat. */
  async fileSize(): Promise<number> {
    this.checkRunning('fstat');
    const st = await this.backend.fstat(this.fd);
    if (typeof st === 'number') throw uvException(st, 'fstat', this.path);
    return st.size;
  }

  /** Take the file's buffer from the pool on first use (many files are opened for one op). */
  private allocate(): void {
    if (this.buf.length === 0) this.buf = acquireBuffer(this.bufferSize);
  }

  /**
   * Give the buffer back to the pool (`reuse`; not when an abandoned op may still write into
   * it) and forget pending data. Only for close(), once no op can run on this file any more.
   */
  releaseBuffer(reuse: boolean): void {
    if (this.buf.length !== 0 && reuse) releaseBuffer(this.buf);
    this.buf = EMPTY;
    this.rLen = this.wOff = this.wLen = 0;
    this.accepted = this.written;
  }

  /** Read-ahead bytes at the logical position. */
  private available(): number {
    return this.rLen === 0 ? 0 : this.rStart + this.rLen - this.pos;
  }

  /** Where a raw read at logical `pos` goes: -1 on a file that cannot seek. */
  private readPosition(pos: number): number {
    return this.seekable ? pos : -1;
  }

  /** Where a raw write of bytes meant for `pos` goes: -1 (append, or no seeking). */
  private writePosition(pos: number): number {
    return this.seekable && !this.append ? pos : -1;
  }

  private requireSeekable(syscall: string): void {
    if (!this.seekable) throw systemError('ESPIPE', syscall, this.path);
  }

  private requireReadable(): void {
    if (!this.readable) throw systemError('EBADF', 'read', this.path);
  }

  private async rawRead(target: Uint8Array, off: number, len: number): Promise<number> {
    this.checkRunning('read');
    const n = await this.backend.read(this.fd, target, off, len, this.readPosition(this.pos));
    if (n < 0) throw uvException(n, 'read', this.path);
    return n;
  }

  /** Replace the read-ahead with one raw read at the position; resolves the bytes read. */
  private async fill(): Promise<number> {
    this.allocate();
    this.rLen = 0;
    const n = await this.rawRead(this.buf, 0, this.bufferSize);
    this.rStart = this.pos;
    this.rLen = n;
    return n;
  }

  /** Copy up to `len` read-ahead bytes into target[off..]; advances the position. */
  private takeBuffered(target: Uint8Array, off: number, len: number): number {
    const n = Math.min(this.available(), len);
    if (n <= 0) return 0;
    const start = this.pos - this.rStart;
    this.buf.copy(target, off, start, start + n);
    this.pos += n;
    return n;
  }

  /** A fresh Buffer of `n` read-ahead bytes (n <= available()). */
  private takeCopy(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    this.takeBuffered(out, 0, n);
    return out;
  }

  /** One raw read of up to `size` bytes straight into a new Buffer (the read-ahead is used up). */
  private async readDirectOnce(size: number): Promise<Buffer> {
    this.rLen = 0;
    const out = Buffer.allocUnsafe(size);
    const n = await this.rawRead(out, 0, size);
    this.pos += n;
    return fitted(out, n);
  }

  /** Fill target[off..off+len) from read-ahead, then raw reads; fewer bytes only at EOF. */
  private async readFully(target: Uint8Array, off: number, len: number): Promise<number> {
    let got = this.takeBuffered(target, off, len);
    while (got < len) {
      const want = len - got;
      if (want >= this.bufferSize) {
        this.rLen = 0;
        const n = await this.rawRead(target, off + got, want);
        if (n === 0) break;
        this.pos += n;
        got += n;
      } else {
        if ((await this.fill()) === 0) break;
        got += this.takeBuffered(target, off + got, want);
      }
    }
    return got;
  }

  /** Read up to `limit` bytes to EOF, sizing the first chunk from fstat when the file can seek. */
  private async readAll(limit: number): Promise<Buffer> {
    const remaining = this.seekable ? Math.max(0, (await this.fileSize()) - this.pos) : 0;
    if (Math.min(remaining, limit) > MAX_LENGTH) throw fileTooLarge(remaining);
    let chunk = Math.max(remaining + 1, this.bufferSize);
    const parts: Buffer[] = [];
    let total = 0;
    while (total < limit) {
      if (total === MAX_LENGTH) throw fileTooLarge(total + 1);
      const want = Math.min(chunk, limit - total, MAX_LENGTH - total);
      const part = Buffer.allocUnsafe(want);
      const n = await this.readFully(part, 0, want);
      if (n > 0) parts.push(fitted(part, n));
      total += n;
      if (n < want) break;
      chunk = Math.min(chunk * 2, MAX_CHUNK);
    }
    if (parts.length === 1) return parts[0];
    return parts.length === 0 ? EMPTY : Buffer.concat(parts, total);
  }

  /** Write `data` straight to the kernel (pending writes are already out). */
  private async writeThrough(data: Uint8Array): Promise<void> {
    let off = 0;
    const len = data.byteLength;
    while (off < len) {
      if (this.stopped) throw partialWriteError(systemError('ECANCELED', 'write', this.path), off);
      const n = await this.backend.write(this.fd, data, off, len - off, this.writePosition(this.pos));
      if (n <= 0) throw partialWriteError(uvException(n < 0 ? n : errnoByName('EIO'), 'write', this.path), off);
      off += n;
      if (!this.append) this.pos += n;
    }
    if (this.append) this.pos = AT_END;
  }

  /** The position seek() offsets from. */
  private async seekBase(whence: Whence): Promise<number> {
    if (whence === 0) return 0;
    if (whence === 1) return this.tell();
    await this.flush();
    return this.fileSize();
  }
}
