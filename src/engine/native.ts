/**
 * The JavaScript side of the native addon (io_uring on Linux, IOCP on Windows): op tokens,
 * the in-flight table (promises by token), batching, and per-op fallback.
 *
 * Batching (why: docs/engine-notes.md, Batching): the first op of a batch is handed to
 * the kernel by its own addon call (its ticket says submitNow), and whatever finished inline
 * (cached reads do) is settled before the op call returns; later ops in the same synchronous
 * run only queue, and one `submit()` at the
 * microtask checkpoint (`Promise.resolve().then`, cheaper than queueMicrotask) sends them all.
 * Ops the kernel completes later arrive through the addon's `onComplete`, once per wake-up.
 * After a few thousand inline completions without an event-loop turn, the next batch waits for
 * setImmediate so timers and other I/O get their turn.
 */
import { getConfig, subscribeConfig, type AyafileioConfig } from '../config';
import { debugLog } from '../debug';
import { whenAborted } from '../abort-listeners';
import { hostHasLibuv, type NativeAddon, type NativeOptions, type NativeRingInfo } from '../binding';
import { chunkedRead, MAX_IO_CHUNK, writeInChunks } from './chunked';
import { FallbackBackend } from './fallback';
import { CANCEL_AGAIN_MS, type BackendKind, type FileTypeAndSize, type LinkedOp, type LinkedOps, type OpBackend, type PathLike, type RawStat, type ReadDone, type StatResult } from './types';
import { errnoByName } from '../errors';

// libuv's numbers: Linux's errno negated, Windows' own (-4054, -4081).
const ENOSYS = errnoByName('ENOSYS');
const ECANCELED = errnoByName('ECANCELED');
const EINVAL = errnoByName('EINVAL');
const EPERM = errnoByName('EPERM');
/** writeThen()'s `next` as the addon numbers it. */
const LINKED_OPS: Record<LinkedOp, number> = { close: 0, fsync: 1, fdatasync: 2 };
/** Completion pairs the shared array holds (one wake-up delivers at most this many at a time). */
const PAIR_CAPACITY = 4096;
/** Inline completions settled without an event-loop turn before we make the loop turn. */
const YIELD_AFTER = 4096;
/** settle(): the op's own pair was not among those written (INT32_MIN: no result is that). */
const NOT_HERE = -(2 ** 31);
/** Bytes of the statx output buffer (Linux `struct statx`; the IOCP addon fills the same layout). */
const STATX_SIZE = 256;
/** How many statx outputs the backend keeps for reuse (one per stat in flight, up to this). */
const SPARE_STAT_OUTS = 64;
/** Offsets in it of st_mode (u16), st_size (u64) and st_dev (u32 major, u32 minor); parseStatx() reads every field. */
const STATX_MODE = 28;
const STATX_SIZE_AT = 40;
const STATX_DEV_AT = 136;
/** drainSync(): how long one addon wait lasts before JavaScript looks at the clock again. */
const DRAIN_SLICE_MS = 50;
/** The least time the exit path waits for cancelled and running ops to end (see waitSync). */
const DRAIN_MIN_MS = 10_000;

/** What the resolver of a token expects: a number, a stat parsed from the statx buffer, or
 * (readThen) the token's context and a number. */
const enum Kind {
  Number = 0,
  Stat = 1,
  Done = 2,
}

const RESOLVED = Promise.resolve();

/** What settles a token: a promise's resolve function, or readThen()'s callback (Kind.Done). */
type Resolver = ((v: never) => void) | ReadDone<never>;

/** Promise executor shared by every op (no closure per op): hands out the resolve function. */
let capturedResolve: ((v: never) => void) | undefined;
function captureResolve(resolve: (v: never) => void): void {
  capturedResolve = resolve;
}

/** A resolver that first tells `onDone` the result. */
function observed(resolve: (v: number) => void, onDone: (n: number) => void): (v: never) => void {
  return ((v: number) => {
    onDone(v);
    resolve(v);
  }) as (v: never) => void;
}

/** A path as the addon wants it: NUL-terminated bytes (UTF-8 on Linux, UTF-16LE on Windows). */
function pathBytes(path: PathLike): Buffer {
  const enc: BufferEncoding = process.platform === 'win32' ? 'utf16le' : 'utf8';
  if (typeof path === 'string') return Buffer.from(path + '\0', enc);
  return process.platform === 'win32' ? Buffer.from(path.toString() + '\0', enc) : Buffer.concat([path, Buffer.alloc(1)]);
}

/** Milliseconds from a statx timestamp at `at` (i64 seconds, u32 nanoseconds). */
function statxTimeMs(b: Buffer, at: number): number {
  // The i64 as two halves: no BigInt per field (exact for any time within ±2^53 seconds).
  const seconds = b.readUInt32LE(at) + b.readInt32LE(at + 4) * 2 ** 32;
  return seconds * 1000 + b.readUInt32LE(at + 8) / 1e6;
}

/** A u64 field as a Number (exact below 2^53). */
function u64(b: Buffer, at: number): number {
  return b.readUInt32LE(at) + b.readUInt32LE(at + 4) * 2 ** 32;
}

/** glibc's makedev(major, minor), as libuv reports st_dev/st_rdev. */
function makedev(major: number, minor: number): number {
  return (major & 0xfff) * 2 ** 8 + (minor & 0xff) + (minor >>> 8) * 2 ** 20 + (major >>> 12) * 2 ** 44;
}

/** st_dev of a statx output, as fs.Stats' dev. */
function statxDev(b: Buffer): number {
  return makedev(b.readUInt32LE(STATX_DEV_AT), b.readUInt32LE(STATX_DEV_AT + 4));
}

/**
 * The fields of a Linux `struct statx` (the contract's stat layout): mask@0 blksize@4
 * nlink@16 uid@20 gid@24 mode@28(u16) ino@32 size@40 blocks@48 atime@64 btime@80 ctime@96
 * mtime@112 rdev_major@128 rdev_minor@132 dev_major@136 dev_minor@140.
 */
export function parseStatx(b: Buffer): RawStat {
  return {
    dev: statxDev(b),
    ino: u64(b, 32),
    mode: b.readUInt16LE(STATX_MODE),
    nlink: b.readUInt32LE(16),
    uid: b.readUInt32LE(20),
    gid: b.readUInt32LE(24),
    rdev: makedev(b.readUInt32LE(128), b.readUInt32LE(132)),
    size: u64(b, STATX_SIZE_AT),
    blksize: b.readUInt32LE(4),
    blocks: u64(b, 48),
    atimeMs: statxTimeMs(b, 64),
    mtimeMs: statxTimeMs(b, 112),
    ctimeMs: statxTimeMs(b, 96),
    birthtimeMs: statxTimeMs(b, 80),
  };
}

/** The engine options of a configuration. */
export function nativeOptions(c: Readonly<AyafileioConfig>): NativeOptions {
  return {
    queueDepth: c.ioUringQueueDepth,
    sqpoll: c.ioUringSqpoll,
    ioWorkers: c.ioWorkerCount,
    hostLoop: hostHasLibuv(),
  };
}

/** The native implementation of {@link OpBackend}. Construct through {@link createNativeBackend}. */
export class NativeBackend implements OpBackend {
  readonly kind: BackendKind;
  private readonly completions = new Int32Array(PAIR_CAPACITY * 2);
  private readonly resolvers: Array<Resolver | undefined> = [];
  private readonly kinds: Kind[] = [];
  /** Buffers the kernel may still touch, per token (data or statx output; path). */
  private readonly held: Array<Uint8Array | undefined> = [];
  private readonly heldPath: Array<Buffer | undefined> = [];
  /** readThen()'s context, per token. */
  private readonly contexts: unknown[] = [];
  private readonly freeTokens: number[] = [];
  private inFlight = 0;
  /** fstatCached()'s statx output: the call is synchronous, so one buffer serves every call. */
  private readonly cachedStatOut = Buffer.alloc(STATX_SIZE);
  /** statx outputs to use again: one comes back once the kernel has filled it (a result >= 0). */
  private readonly spareStatOuts: Buffer[] = [];
  private queued = 0;
  private batchOpen = false;
  private inlineRun = 0;
  private down = false;
  private readonly onComplete = (count: number): void => {
    this.inlineRun = 0;
    this.settle(count);
  };
  private readonly flushAtCheckpoint = (): void => {
    this.batchOpen = false;
    if (this.queued > 0) this.submitNow();
  };
  private readonly flushAfterYield = (): void => {
    this.inlineRun = 0;
    this.flushAtCheckpoint();
  };

  constructor(
    private readonly addon: NativeAddon,
    private readonly fallback: FallbackBackend,
  ) {
    this.kind = addon.backend;
    this.writeThen = addon.writeThen === undefined ? undefined : this.linkedWrite.bind(this);
    this.fstatCached = addon.fstatCached === undefined ? undefined : this.cachedFstat.bind(this);
    this.kernelOwnsSize = addon.kernelOwnsSize === undefined ? undefined : (fd) => addon.kernelOwnsSize!(fd) === 1;
    this.writeWhole = addon.writeWhole === undefined ? undefined : this.wholeFileWrite.bind(this);
    this.readWhole = addon.readWhole === undefined ? undefined : this.wholeFileRead.bind(this);
  }

  /** Set up the ring/port. Returns its description, or a negative errno. */
  start(options: NativeOptions): NativeRingInfo | number {
    const r = this.addon.init(options, this.completions, this.onComplete);
    if (typeof r !== 'number') this.down = false;
    debugLog('ring', () => (typeof r === 'number'
      ? `setup failed with errno ${r} (${JSON.stringify(options)})`
      : `set up (${JSON.stringify(options)}): ${r.entries} entries, flags ${r.flags.join('|') || 'none'}`));
    return r;
  }

  /** The ring/port in use, or null when shut down. */
  ringInfo(): NativeRingInfo | null {
    return this.down ? null : this.addon.info();
  }

  /** Cancel and drain every op (their promises resolve -ECANCELED) and release the ring. */
  shutdown(): void {
    this.addon.shutdown();
    this.down = true;
    for (let t = 0; t < this.resolvers.length; t++) {
      if (this.resolvers[t] !== undefined) this.settleOne(t, ECANCELED);
    }
  }

  open(path: PathLike, flags: number, mode: number, signal?: AbortSignal): Promise<number> {
    const p = pathBytes(path);
    const t = this.token(undefined, p);
    const rc = this.addon.open(this.ticket(t), p, flags, mode);
    if (rc < 0) return this.refused(t, rc) ?? this.fallback.open(path, flags, mode);
    if (signal === undefined || this.addon.cancelOpen === undefined) return this.track<number>(t, rc, Kind.Number);
    return this.abortableOpen(t, rc, signal);
  }

  /**
   * track() of open `t`, cancelled in the kernel once `signal` aborts, and again every
   * CANCEL_AGAIN_MS until it has completed (a cancel that finds it still waiting for ring room,
   * or just being handed to a kernel worker, misses it). An open of a FIFO waits for the other
   * end; left alone it would keep the event loop alive for good.
   */
  private abortableOpen(t: number, rc: number, signal: AbortSignal): Promise<number> {
    let settled = false;
    let again: ReturnType<typeof setInterval> | undefined;
    let stop: (() => void) | undefined;
    const cancel = (): void => {
      // First the interval: the cancel may settle the open inline, which clears it.
      again = setInterval(() => this.cancelOpen(t), CANCEL_AGAIN_MS);
      again.unref();
      this.cancelOpen(t);
    };
    // Runs as the open settles, before token `t` can be reused: no cancel names it afterwards.
    const opened = this.track<number>(t, rc, Kind.Number, () => {
      settled = true;
      stop?.();
      clearInterval(again);
    });
    if (!settled && signal.aborted) cancel();
    else if (!settled) stop = whenAborted(signal, cancel);
    return opened;
  }

  /** Ask the addon to cancel open `t`; the open's own completion says how it ended. */
  private cancelOpen(t: number): void {
    const c = this.token();
    const rc = this.addon.cancelOpen!(this.ticket(c), t);
    if (rc < 0) this.release(c);
    else void this.track<number>(c, rc, Kind.Number);
  }

  close(fd: number): Promise<number> {
    const t = this.token();
    const rc = this.addon.close(this.ticket(t), fd);
    return rc < 0 ? this.refused(t, rc) ?? this.fallback.close(fd) : this.track<number>(t, rc, Kind.Number);
  }

  read(fd: number, buf: Uint8Array, off: number, len: number, pos: number): Promise<number> {
    const r = this.readInline(fd, buf, off, len, pos);
    return typeof r === 'number' ? Promise.resolve(r) : r;
  }

  readInline(fd: number, buf: Uint8Array, off: number, len: number, pos: number): number | Promise<number> {
    if (len > MAX_IO_CHUNK) return chunkedRead(this.readOne, fd, buf, off, len, pos);
    return this.readOneNow(fd, buf, off, len, pos);
  }

  write(fd: number, buf: Uint8Array, off: number, len: number, pos: number, onDone?: (n: number) => void): Promise<number> {
    return writeInChunks(this.writeOne, fd, buf, off, len, pos, onDone);
  }

  /** One kernel read (len <= MAX_IO_CHUNK), its result at once when it finished inline. */
  private readOneNow(fd: number, buf: Uint8Array, off: number, len: number, pos: number): number | Promise<number> {
    const t = this.token(buf);
    const rc = this.addon.read(this.ticket(t), fd, buf, off, len, pos);
    return rc < 0 ? this.refused(t, rc) ?? this.fallback.read(fd, buf, off, len, pos) : this.trackNow<number>(t, rc, Kind.Number);
  }

  /** OpBackend.readThen: the read's result now, or to `done(ctx, n)` as settle() reaches it. */
  readThen<C>(fd: number, buf: Uint8Array, off: number, len: number, pos: number, done: ReadDone<C>, ctx: C): number | undefined {
    if (len > MAX_IO_CHUNK) return this.readLater(chunkedRead(this.readOne, fd, buf, off, len, pos), done, ctx);
    const t = this.token(buf);
    const rc = this.addon.read(this.ticket(t), fd, buf, off, len, pos);
    if (rc < 0) return this.refused(t, rc) === null ? this.readLater(this.fallback.read(fd, buf, off, len, pos), done, ctx) : rc;
    const own = this.settleCall(t, rc);
    if (own !== NOT_HERE) {
      this.release(t);
      this.afterCall(rc);
      return own;
    }
    this.hold(t, done, Kind.Done);
    this.contexts[t] = ctx;
    // A full array: more completions wait, maybe this read's. Settled here, `done` could run
    // before our caller has seen undefined and set up for it; settle them from a microtask.
    if (rc === PAIR_CAPACITY) void RESOLVED.then(this.submitAgain);
    return undefined;
  }

  private readonly submitAgain = (): void => this.submitNow();

  /** readThen() of a read that went another way (chunks, node:fs): `done` when it settles. */
  private readLater<C>(read: Promise<number>, done: ReadDone<C>, ctx: C): undefined {
    void read.then((n) => done(ctx, n));
    return undefined;
  }

  private readonly readOne = (fd: number, buf: Uint8Array, off: number, len: number, pos: number): Promise<number> => {
    const r = this.readOneNow(fd, buf, off, len, pos);
    return typeof r === 'number' ? Promise.resolve(r) : r;
  };

  /** One kernel write (len <= MAX_IO_CHUNK); `onDone` sees the result when the op settles. */
  private readonly writeOne = (fd: number, buf: Uint8Array, off: number, len: number, pos: number, onDone?: (n: number) => void): Promise<number> => {
    const t = this.token(buf);
    const rc = this.addon.write(this.ticket(t), fd, buf, off, len, pos);
    if (rc >= 0) return this.track<number>(t, rc, Kind.Number, onDone);
    const refused = this.refused(t, rc);
    if (refused === null) return this.fallback.write(fd, buf, off, len, pos, onDone);
    onDone?.(rc);
    return refused;
  };

  /**
   * The exit path: block until no op is in flight, settling each (their `onDone` callbacks run
   * now; promise reactions would need a loop turn that will not come). Ops still out after
   * `cancelAfterMs` are cancelled (a read of an idle pipe never ends).
   */
  drainSync(cancelAfterMs: number): void {
    this.waitSync(() => this.inFlight === 0, cancelAfterMs);
  }

  /**
   * Settle completions right here until `done()`: ops still out after `cancelAfterMs`
   * (Infinity: never) are cancelled, and what has not ended max(closeTimeoutMs, 10 s) after
   * that is given up on.
   */
  private waitSync(done: () => boolean, cancelAfterMs: number): void {
    if (this.down) return;
    const cancelAt = Date.now() + cancelAfterMs;
    // Cancelled ops end at once on a kernel that can cancel (5.19+); a write already running
    // finishes first, and its result is what the exit path needs: not less than DRAIN_MIN_MS.
    const giveUpAt = cancelAt + Math.max(getConfig().closeTimeoutMs, DRAIN_MIN_MS);
    let cancelled = false;
    while (!done() && Date.now() < giveUpAt) {
      const cancel: boolean = !cancelled && Date.now() >= cancelAt;
      cancelled ||= cancel;
      const n = this.addon.drainSync(DRAIN_SLICE_MS, cancel);
      if (n < 0) return;
      this.settle(n);
    }
  }

  /** The exit path's write: issue it and wait for it right here (see drainSync()). */
  writeSync(fd: number, buf: Uint8Array, off: number, len: number, pos: number, bounded: boolean): number {
    let result: number | undefined;
    void this.write(fd, buf, off, len, pos, (n) => {
      result = n;
    });
    this.waitSync(() => result !== undefined, bounded ? getConfig().closeTimeoutMs : Infinity);
    return result ?? ECANCELED;
  }

  /** The exit path's close, waited for right here. */
  closeSync(fd: number): number {
    const t = this.token();
    const rc = this.addon.close(this.ticket(t), fd);
    if (rc < 0) return this.refused(t, rc) === null ? this.fallback.closeSync(fd) : rc;
    let result: number | undefined;
    void this.track<number>(t, rc, Kind.Number, (n) => {
      result = n;
    });
    this.waitSync(() => result !== undefined, getConfig().closeTimeoutMs);
    return result ?? ECANCELED;
  }

  fsync(fd: number, datasync: boolean): Promise<number> {
    const t = this.token();
    const rc = this.addon.fsync(this.ticket(t), fd, datasync);
    return rc < 0 ? this.refused(t, rc) ?? this.fallback.fsync(fd, datasync) : this.track<number>(t, rc, Kind.Number);
  }

  /** OpBackend.writeThen, where the addon links ops (io_uring); undefined elsewhere. */
  readonly writeThen: OpBackend['writeThen'];
  /** OpBackend.fstatCached, where the addon has it (io_uring); undefined elsewhere. */
  readonly fstatCached: OpBackend['fstatCached'];
  /** OpBackend.kernelOwnsSize, where the addon has it (io_uring); undefined elsewhere. */
  readonly kernelOwnsSize: OpBackend['kernelOwnsSize'];
  /** OpBackend.writeWhole, where the addon has it (io_uring); undefined elsewhere. */
  readonly writeWhole: OpBackend['writeWhole'];

  private wholeFileWrite(path: PathLike, flags: number, mode: number, buf: Uint8Array, off: number, len: number): Promise<number> | undefined {
    if (this.addon.writeWhole === undefined || len > MAX_IO_CHUNK) return undefined;
    const p = pathBytes(path);
    const t = this.token(buf, p);
    return this.unlessRefused(t, this.addon.writeWhole(this.ticket(t), p, flags, mode, buf, off, len));
  }

  /** OpBackend.readWhole, where the addon has it (io_uring); undefined elsewhere. */
  readonly readWhole: OpBackend['readWhole'];

  private wholeFileRead(path: PathLike, buf: Uint8Array, off: number, len: number): Promise<number> | undefined {
    if (this.addon.readWhole === undefined || len > MAX_IO_CHUNK) return undefined;
    const p = pathBytes(path);
    const t = this.token(buf, p);
    return this.unlessRefused(t, this.addon.readWhole(this.ticket(t), p, buf, off, len));
  }

  /** An optional op's promise, or undefined when the addon refused it: not now (or an argument the plain ops will report). */
  private unlessRefused(t: number, rc: number): Promise<number> | undefined {
    if (rc < 0) {
      this.release(t);
      return undefined;
    }
    return this.track<number>(t, rc, Kind.Number);
  }

  private linkedWrite(fd: number, buf: Uint8Array, off: number, len: number, pos: number, next: LinkedOp, onWritten: (n: number) => void, onNext: (n: number) => void): LinkedOps | undefined {
    if (this.addon.writeThen === undefined || len > MAX_IO_CHUNK) return undefined;
    const t = this.token(buf);
    const tn = this.token();
    // Queued only (mayStart false): a pair completed inside its own call would settle before
    // both tokens are tracked.
    const rc = this.addon.writeThen(this.ticket(t, false), fd, buf, off, len, pos, tn << 1, LINKED_OPS[next]);
    if (rc < 0) {
      // Refused (no such opcode, or an argument the plain ops will report): run unlinked.
      this.release(t);
      this.release(tn);
      return undefined;
    }
    return {
      written: this.track<number>(t, 0, Kind.Number, onWritten),
      next: this.track<number>(tn, 0, Kind.Number, onNext),
    };
  }

  ftruncate(fd: number, len: number): Promise<number> {
    const t = this.token();
    const rc = this.addon.ftruncate(this.ticket(t), fd, len);
    return rc < 0 ? this.refused(t, rc) ?? this.fallback.ftruncate(fd, len) : this.track<number>(t, rc, Kind.Number);
  }

  fstat(fd: number): Promise<StatResult> {
    const out = this.statOut();
    const t = this.token(out);
    const rc = this.addon.statx(this.ticket(t), fd, null, out);
    return rc < 0 ? this.refused(t, rc) ?? this.fallback.fstat(fd) : this.track<StatResult>(t, rc, Kind.Stat);
  }

  private cachedFstat(fd: number): FileTypeAndSize | number | undefined {
    if (this.addon.fstatCached === undefined) return undefined;
    const out = this.cachedStatOut;
    const rc = this.addon.fstatCached(fd, out);
    // No statx (Linux < 4.11) or a seccomp filter refusing it: the ring's statx, or node:fs.
    if (rc === ENOSYS || rc === EPERM) return undefined;
    if (rc < 0) return rc;
    return { mode: out.readUInt16LE(STATX_MODE), size: u64(out, STATX_SIZE_AT), dev: statxDev(out) };
  }

  stat(path: PathLike): Promise<StatResult> {
    const out = this.statOut();
    const p = pathBytes(path);
    const t = this.token(out, p);
    const rc = this.addon.statx(this.ticket(t), -1, p, out);
    return rc < 0 ? this.refused(t, rc, false) ?? this.fallback.stat(path) : this.track<StatResult>(t, rc, Kind.Stat);
  }

  private statOut(): Buffer {
    return this.spareStatOuts.pop() ?? Buffer.allocUnsafeSlow(STATX_SIZE);
  }

  /** The stat a completed statx wrote into `out`; `out` is then free for the next statx. */
  private statResult(out: Buffer): RawStat {
    const st = parseStatx(out);
    if (this.spareStatOuts.length < SPARE_STAT_OUTS) this.spareStatOuts.push(out);
    return st;
  }

  mkdir(path: PathLike, mode: number): Promise<number> {
    const { mkdir } = this.addon;
    const submit = mkdir && ((ticket: number, p: Buffer) => mkdir.call(this.addon, ticket, p, mode));
    return this.pathOp(path, submit, () => this.fallback.mkdir(path, mode));
  }

  unlink(path: PathLike, dir: boolean): Promise<number> {
    const { unlink } = this.addon;
    const submit = unlink && ((ticket: number, p: Buffer) => unlink.call(this.addon, ticket, p, dir));
    return this.pathOp(path, submit, () => this.fallback.unlink(path, dir));
  }

  /** A path op: `submit(ticket, pathBuf)` where the addon has it and takes it, else `onNodeFs()`. */
  private pathOp(path: PathLike, submit: ((ticket: number, p: Buffer) => number) | undefined, onNodeFs: () => Promise<number>): Promise<number> {
    if (submit === undefined) return onNodeFs();
    const p = pathBytes(path);
    const t = this.token(undefined, p);
    const rc = submit(this.ticket(t), p);
    return rc < 0 ? this.refused(t, rc, false) ?? onNodeFs() : this.track<number>(t, rc, Kind.Number);
  }

  rename(from: PathLike, to: PathLike): Promise<number> {
    if (this.addon.rename === undefined) return this.fallback.rename(from, to);
    const [a, b] = [pathBytes(from), pathBytes(to)];
    const t = this.token(b, a);
    const rc = this.addon.rename(this.ticket(t), a, b);
    // `b` rides in the held-buffer slot: both paths stay alive until the kernel is done.
    return rc < 0 ? this.refused(t, rc, false) ?? this.fallback.rename(from, to) : this.track<number>(t, rc, Kind.Number);
  }

  /** A slab from the addon's per-environment pool (OpBackend.allocSlab). */
  allocSlab(): ArrayBuffer | null {
    return this.addon.allocSlab();
  }

  /**
   * Cancel every op in flight on `fd` (for a close() that stops waiting): they settle with
   * -ECANCELED. Resolves how many were cancelled (0 if none was in flight), or -ENOSYS where
   * the kernel cannot (io_uring before Linux 5.19, which completes it -EINVAL).
   */
  cancelFd(fd: number): Promise<number> {
    void this.fallback.cancelFd(fd); // ops this backend handed to the fallback (per-op fallback)
    const t = this.token();
    const rc = this.addon.cancelFd(this.ticket(t), fd);
    if (rc < 0) return this.refused(t, rc) ?? Promise.resolve(ENOSYS);
    return this.track<number>(t, rc, Kind.Number).then((r) => (r === EINVAL ? ENOSYS : r));
  }

  /**
   * A free token (small integer) that holds the op's buffer and path from now on, as track()
   * will: a worker terminated during the addon call unwinds the caller before track() runs,
   * and the garbage collector could then free memory the kernel still reads or writes (a read
   * that completes later, a readWhole's read submitted once its open completes, a queued op's
   * path that the teardown drain submits). Restarts the engine after shutdown().
   */
  private token(buf?: Uint8Array, path?: Buffer): number {
    if (this.down) this.start(nativeOptions(getConfig()));
    const t = this.freeTokens.pop() ?? this.newToken();
    this.held[t] = buf;
    this.heldPath[t] = path;
    return t;
  }

  /** A new token: every per-token array grows together, kept packed (no holes). */
  private newToken(): number {
    this.resolvers.push(undefined);
    this.kinds.push(Kind.Number);
    this.contexts.push(undefined);
    this.held.push(undefined);
    this.heldPath.push(undefined);
    return this.resolvers.length - 1;
  }

  /** Give token `t` back, with what it held. */
  private release(t: number): void {
    this.held[t] = undefined;
    this.heldPath[t] = undefined;
    this.freeTokens.push(t);
  }

  /**
   * The promise of op `t`, which the addon accepted with `rc` completion pairs written. Safe to
   * set up after the call: completions reach JavaScript only through the pairs of a submit or
   * a later onComplete, never in between. An op that finished inline during its own call
   * (submitNow) gets an already-settled promise: no resolver, no entry in the in-flight table.
   */
  private track<T>(t: number, rc: number, kind: Kind, onDone?: (n: number) => void): Promise<T> {
    const r = this.trackNow<T>(t, rc, kind, onDone);
    return r instanceof Promise ? r : Promise.resolve(r);
  }

  /**
   * track(), but an op completed inline in its own call gives its result itself. `onDone`
   * (number results only) is called with the result when the op settles, before any promise
   * reaction: the exit path learns results that way without a loop turn.
   */
  private trackNow<T>(t: number, rc: number, kind: Kind, onDone?: (n: number) => void): T | Promise<T> {
    const own = this.settleCall(t, rc);
    let op: T | Promise<T>;
    if (own === NOT_HERE) {
      op = new Promise<T>(captureResolve as (resolve: (v: T) => void) => void);
      this.hold(t, onDone === undefined ? capturedResolve! : observed(capturedResolve as (v: number) => void, onDone), kind);
    } else {
      const out = this.held[t] as Buffer; // a statx's output, which token() holds
      this.release(t);
      op = (kind === Kind.Stat && own >= 0 ? this.statResult(out) : own) as T;
      onDone?.(own);
    }
    this.afterCall(rc);
    return op;
  }

  /** The `rc` pairs the call of op `t` wrote, settled; the op's own result, or NOT_HERE. */
  private settleCall(t: number, rc: number): number {
    this.inlineRun += rc;
    return this.settle(rc, t);
  }

  /** Op `t` is in flight: `resolve` gets its result as `kind` says; the buffers token() held stay referenced until then. */
  private hold(t: number, resolve: Resolver, kind: Kind): void {
    this.resolvers[t] = resolve;
    this.kinds[t] = kind;
    this.inFlight++;
  }

  /** After an op call that wrote `rc` pairs: a full array means more may wait, so submit again. */
  private afterCall(rc: number): void {
    if (rc === PAIR_CAPACITY) this.settleSubmitted(this.addon.submit());
  }

  /**
   * The ticket for op `t`: token << 1 | submitNow. The first op of a batch is submitted by
   * its own call (settling inline completions at once) unless `mayStart` is false; later ones
   * queue until the microtask checkpoint, or, after a long run of inline completions, until
   * the loop has turned.
   */
  private ticket(t: number, mayStart = true): number {
    if (this.batchOpen) {
      this.queued++;
      return t << 1;
    }
    this.batchOpen = true;
    if (this.inlineRun >= YIELD_AFTER) {
      this.queued++;
      setImmediate(this.flushAfterYield);
      return t << 1;
    }
    RESOLVED.then(this.flushAtCheckpoint);
    if (mayStart) return (t << 1) | 1;
    this.queued++;
    return t << 1;
  }

  /**
   * The addon refused op `t` at once: -ENOSYS → null (the caller uses the fallback), else the
   * errno. An op on (or giving) an fd falls back only where fds are the kernel's own (io_uring):
   * an IOCP fd indexes the addon's handle table, which node:fs would take for another file.
   */
  private refused(t: number, rc: number, fdOp = true): Promise<number> | null {
    this.release(t);
    return rc === ENOSYS && (!fdOp || this.kind === 'io_uring') ? null : Promise.resolve(rc);
  }

  /** One submit() per round of completions the shared array holds; settle what finished. */
  private submitNow(): void {
    this.queued = 0;
    this.settleSubmitted(this.addon.submit());
  }

  /** Settle `n` pairs a submit wrote; a full array means more may wait: submit again. */
  private settleSubmitted(n: number): void {
    for (;;) {
      this.inlineRun += n;
      this.settle(n);
      if (n !== PAIR_CAPACITY) return;
      n = this.addon.submit();
    }
  }

  /**
   * Settle `count` [token, result] pairs from the completions array, except the pair of op
   * `own` (not yet in the in-flight table): its result is returned, or NOT_HERE.
   */
  private settle(count: number, own = -1): number {
    const c = this.completions;
    let result = NOT_HERE;
    for (let i = 0; i < count * 2; i += 2) {
      if (c[i] === own) result = c[i + 1];
      else this.settleOne(c[i], c[i + 1]);
    }
    return result;
  }

  private settleOne(t: number, res: number): void {
    const resolve = this.resolvers[t];
    if (resolve === undefined) return;
    const out = this.held[t];
    this.resolvers[t] = undefined;
    this.release(t);
    this.inFlight--;
    const kind = this.kinds[t];
    if (kind === Kind.Done) {
      const ctx = this.contexts[t];
      this.contexts[t] = undefined;
      (resolve as ReadDone<unknown>)(ctx, res);
    } else if (kind === Kind.Stat && res >= 0) {
      (resolve as (v: RawStat) => void)(this.statResult(out as Buffer));
    } else {
      (resolve as (v: number) => void)(res);
    }
  }

  /** Whether `fd` is one of the engine's own descriptors (its eventfd or ring). */
  ownsFd(fd: number): boolean {
    return this.addon.ownFds?.().includes(fd) ?? false;
  }

  /** Ops accepted and not yet settled. */
  get inFlightCount(): number {
    return this.inFlight;
  }
}

/**
 * A native backend on `addon`, its ring set up from the current configuration and re-sized
 * whenever configure() changes an engine option. Returns the backend, or the negative errno
 * ring setup failed with.
 */
export function createNativeBackend(addon: NativeAddon, fallback: FallbackBackend): NativeBackend | number {
  const backend = new NativeBackend(addon, fallback);
  const r = backend.start(nativeOptions(getConfig()));
  if (typeof r === 'number') return r;
  subscribeConfig((next, prev) => {
    const a = nativeOptions(next);
    const b = nativeOptions(prev);
    if (a.queueDepth !== b.queueDepth || a.sqpoll !== b.sqpoll || a.ioWorkers !== b.ioWorkers) backend.start(a);
  });
  return backend;
}
