/*
 * Memory for readAt() result slabs that is recycled instead of going back to the allocator.
 *
 * readAt() carves its small result Buffers from 64 KiB slabs (src/file/slab.ts). Slabs from
 * Buffer.allocUnsafeSlow are freed when V8 collects them, and glibc returns freed heap tops to
 * the kernel, so fresh slabs page-fault again: ~0.3 faults per 4 KiB read at 1,024 in flight,
 * each costly on a VM (docs/performance.md, "readAt allocation"). Here a slab is an external
 * ArrayBuffer whose finalizer puts its memory on a per-environment free list, so its pages
 * stay mapped and are reused.
 */
#ifndef AYA_SLAB_POOL_H
#define AYA_SLAB_POOL_H

#include <node_api.h>
#include <stdbool.h>

/* Bytes per slab (src/file/slab.ts reads the ArrayBuffer's byteLength). */
#define AYA_SLAB_BYTES (64u * 1024u)
/* Idle slabs kept per environment (16 MiB); beyond that, returned slabs are freed. */
#define AYA_SLAB_IDLE_MAX 256u

/* Add allocSlab() and slabStats() to `exports` with a pool for this environment. */
bool aya_slab_pool_init(napi_env env, napi_value exports);

#endif
