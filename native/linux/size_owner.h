/*
 * Whether the size the kernel holds for a file is the file's own, or may be a stale copy of
 * what a server or a FUSE daemon last said: a whole-file write skips its cut only where the
 * kernel owns the size (whole.c; replaceInPlace in src/fs/whole-file.ts through the addon's
 * kernelOwnsSize()). docs/engine-notes.md, Whole-file writes.
 */
#ifndef AYA_SIZE_OWNER_H
#define AYA_SIZE_OWNER_H

#include <stdbool.h>

#include "../common/statx.h"

/*
 * Whether the size in `st` (aya_fstat_cached's statx: AT_STATX_DONT_SYNC, with
 * AYA_STATX_MNT_ID_UNIQUE asked) is the file's current size: true where the kernel keeps the
 * sizes of the file's filesystem itself, false where it may hold a stale copy and where it
 * cannot tell. Asks no filesystem (no I/O, no daemon, no server): safe on the JavaScript
 * thread.
 */
bool aya_kernel_owns_size(const aya_statx *st);

#endif
