/**
 * A pool of reusable file buffers, so opening and closing many files does not allocate (and
 * page-fault) a fresh `bufferSize` block each time. AsyncFile takes its buffer with
 * acquireBuffer() at open and gives it back with releaseBuffer() once close() has finished
 * and no op can touch it any more.
 *
 * `bufferPoolMax` caps how many idle buffers the pool keeps (0: no pool, every buffer is
 * left to the garbage collector). Lowering it trims the pool at once; changing `bufferSize`
 * empties it, since buffers of the old default size are rarely asked for again.
 * Buffers come back with their old contents (like Buffer.allocUnsafe).
 */
import { getConfig, subscribeConfig } from '../config';

/** Idle buffers by byte length. */
const idle = new Map<number, Buffer[]>();
/** Every buffer now idle in the pool, so a double release is ignored. */
const idleSet = new WeakSet<Buffer>();
let idleCount = 0;
let idleBytes = 0;
let maxIdle = getConfig().bufferPoolMax;

subscribeConfig((config, previous) => {
  maxIdle = config.bufferPoolMax;
  if (config.bufferSize !== previous.bufferSize) trimTo(0);
  else trimTo(maxIdle);
});

/** Drop idle buffers until at most `limit` remain. */
function trimTo(limit: number): void {
  for (const [size, list] of idle) {
    while (idleCount > limit && list.length > 0) {
      idleSet.delete(list.pop()!);
      idleCount--;
      idleBytes -= size;
    }
    if (list.length === 0) idle.delete(size);
    if (idleCount <= limit) return;
  }
}

/**
 * A buffer of exactly `size` bytes that owns its whole ArrayBuffer: an idle one from the
 * pool when there is one, else a new one. Its contents are unspecified.
 */
export function acquireBuffer(size: number): Buffer {
  const list = idle.get(size);
  const reused = list?.pop();
  if (reused !== undefined) {
    idleSet.delete(reused);
    idleCount--;
    idleBytes -= size;
    if (list!.length === 0) idle.delete(size);
    return reused;
  }
  return Buffer.allocUnsafeSlow(size);
}

/**
 * Give a buffer back for reuse. Call it only when nothing (no in-flight op, no view handed to
 * the user) refers to it any more. Buffers that do not own their whole ArrayBuffer, buffers
 * already in the pool, and buffers beyond `bufferPoolMax` are left to the garbage collector.
 */
export function releaseBuffer(buf: Buffer): void {
  if (idleCount >= maxIdle || idleSet.has(buf)) return;
  if (buf.byteOffset !== 0 || buf.byteLength !== buf.buffer.byteLength || buf.byteLength === 0) return;
  let list = idle.get(buf.byteLength);
  if (list === undefined) {
    list = [];
    idle.set(buf.byteLength, list);
  }
  list.push(buf);
  idleSet.add(buf);
  idleCount++;
  idleBytes += buf.byteLength;
}

/** Internal (tests, debug): how many buffers and bytes sit idle in the pool. */
export function bufferPoolStats(): { idle: number; idleBytes: number } {
  return { idle: idleCount, idleBytes };
}
