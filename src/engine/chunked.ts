/**
 * Reads and writes longer than one kernel call can move. Linux moves at most MAX_RW_COUNT
 * (INT_MAX rounded down to a page: 2 GiB - 4 KiB) per read(2)/write(2), io_uring's SQE length is
 * 32 bits, and node:fs refuses lengths past 2^31 - 1; so every backend splits a longer request
 * into kernel ops of at most MAX_IO_CHUNK bytes here, and all backends give the same results up
 * to buffer.constants.MAX_LENGTH.
 *
 * Positional reads run their chunks in flight together (order does not matter to a read).
 * Writes, and reads at the fd's own position (pos -1), run chunk after chunk: a later chunk
 * never lands when an earlier one failed or came back short, so the bytes in the file are
 * exactly the acknowledged prefix.
 */

/** One kernel read or write: bytes moved (>= 0) or a negative errno. */
export type RwOp = (fd: number, buf: Uint8Array, off: number, len: number, pos: number) => Promise<number>;

/** The most one kernel op moves (Linux's MAX_RW_COUNT with 4 KiB pages). */
const KERNEL_MAX = 0x7ffff000;

/**
 * AYAFILEIO_MAX_IO_CHUNK (a test seam, read once): a smaller chunk so tests can drive the
 * splitting with small buffers. Ignored unless it is a positive integer below the kernel's cap.
 */
function chunkFromEnv(): number {
  const v = Number(process.env.AYAFILEIO_MAX_IO_CHUNK);
  return Number.isSafeInteger(v) && v > 0 && v < KERNEL_MAX ? v : KERNEL_MAX;
}

/** Longest length one kernel op is given. */
export const MAX_IO_CHUNK = chunkFromEnv();

/** The length of chunk `i` of a `len`-byte request. */
function chunkLength(len: number, i: number): number {
  return Math.min(MAX_IO_CHUNK, len - i * MAX_IO_CHUNK);
}

/**
 * Results of consecutive chunks -> the request's result: the bytes of the contiguous prefix
 * that completed, or the first chunk's error when nothing moved.
 */
function prefixResult(results: number[], len: number): number {
  let total = 0;
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    if (r < 0) return total > 0 ? total : r;
    total += r;
    if (r < chunkLength(len, i)) break;
  }
  return total;
}

/** A positional read of more than MAX_IO_CHUNK bytes: every chunk in flight at once. */
export async function chunkedRead(read: RwOp, fd: number, buf: Uint8Array, off: number, len: number, pos: number): Promise<number> {
  if (pos < 0) return chunkAfterChunk(read, fd, buf, off, len, pos);
  const parts: Promise<number>[] = [];
  for (let at = 0; at < len; at += MAX_IO_CHUNK) parts.push(read(fd, buf, off + at, Math.min(MAX_IO_CHUNK, len - at), pos + at));
  return prefixResult(await Promise.all(parts), len);
}

/** One kernel write, whose `onDone` sees the result when the op settles (OpBackend.write). */
export type WriteOp = (fd: number, buf: Uint8Array, off: number, len: number, pos: number, onDone?: (n: number) => void) => Promise<number>;

/**
 * A backend's write(): one kernel op when it fits, else chunk after chunk, stopping at a
 * short or failed one (`onDone` then sees the total when the last chunk has settled).
 */
export function writeInChunks(writeOne: WriteOp, fd: number, buf: Uint8Array, off: number, len: number, pos: number, onDone?: (n: number) => void): Promise<number> {
  if (len <= MAX_IO_CHUNK) return writeOne(fd, buf, off, len, pos, onDone);
  const whole = chunkAfterChunk(writeOne, fd, buf, off, len, pos);
  return onDone === undefined ? whole : whole.then((n) => (onDone(n), n));
}

async function chunkAfterChunk(op: RwOp, fd: number, buf: Uint8Array, off: number, len: number, pos: number): Promise<number> {
  const results: number[] = [];
  for (let at = 0; at < len; at += MAX_IO_CHUNK) {
    const want = Math.min(MAX_IO_CHUNK, len - at);
    const r = await op(fd, buf, off + at, want, pos < 0 ? -1 : pos + at);
    results.push(r);
    if (r !== want) break;
  }
  return prefixResult(results, len);
}
