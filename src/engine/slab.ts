/**
 * Small result buffers carved from shared slabs, for readAt().
 *
 * A fresh 4 KiB ArrayBuffer per read costs a malloc, a free, and page faults when the
 * allocator hands back trimmed memory; measured on the 4 KiB random-read hot path that was
 * about 3.5 µs of CPU per op, more than the read itself (docs/performance.md, "Engine hot
 * path"). Carving consecutive slices from one larger block, as Buffer.allocUnsafe does with
 * its 8 KiB pool for smaller sizes, pays the allocation once per slab. The cost is retention:
 * a slice kept alive keeps its whole slab alive (as a kept Buffer.allocUnsafe(1) keeps
 * Node's 8 KiB pool), so slabs are small and only sizes up to CARVE_MAX are carved.
 *
 * Slabs come from the engine's native backend when it has one (OpBackend.allocSlab): their
 * memory goes back to a per-environment free list when V8 collects them, so it stays mapped.
 * Slabs from Buffer.allocUnsafeSlow go back to malloc, which returns heap tops to the
 * kernel; the next slabs then page-fault again, about 0.3 faults per 4 KiB read at 1,024 in flight (docs/performance.md).
 */
import { getBackend } from './index';

/** Bytes per slab (the addon's slabs are this size too: AYA_SLAB_BYTES). */
const SLAB_SIZE = 64 * 1024;
/** Largest size carved from a slab; larger buffers get their own memory. */
const CARVE_MAX = 8 * 1024;
/** A short read wasting more than this many bytes of its allocation is copied to fit. */
const MAX_SLACK = 4096;

let slab: ArrayBuffer = new ArrayBuffer(0);
let used = 0;

/** A fresh slab: recycled memory from the backend, else from Node (decided on first use). */
let newSlab = (): ArrayBuffer => {
  const backend = getBackend();
  const fromNode = (): ArrayBuffer => Buffer.allocUnsafeSlow(SLAB_SIZE).buffer;
  newSlab = backend.allocSlab === undefined ? fromNode : (): ArrayBuffer => backend.allocSlab!() ?? fromNode();
  return newSlab();
};

/**
 * An uninitialised Buffer of `size` bytes (like Buffer.allocUnsafe), sharing its ArrayBuffer
 * with other results when it is small.
 */
export function allocResult(size: number): Buffer {
  if (size > CARVE_MAX || size === 0) return Buffer.allocUnsafe(size);
  if (used + size > slab.byteLength) {
    slab = newSlab();
    used = 0;
  }
  // Buffer.from(arrayBuffer, ...) builds the view directly; subarray() goes through the
  // species constructor and costs more.
  const out = Buffer.from(slab, used, size);
  used += (size + 7) & ~7; // keep every slice 8-byte aligned, like Node's own pool
  return out;
}

/** The first `n` bytes of a read's result `buf`, copied out when a view would keep much unused memory alive. */
export function fitted(buf: Buffer, n: number): Buffer {
  if (n === buf.length) return buf;
  return buf.length - n > MAX_SLACK ? Buffer.from(buf.subarray(0, n)) : buf.subarray(0, n);
}
