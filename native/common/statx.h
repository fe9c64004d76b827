/*
 * The stat layout of the native binding contract: Linux's `struct statx`, which
 * src/engine/native.ts parses for every native backend (little-endian). The backends that
 * do not get it from the kernel (IOCP, Dispatch I/O) fill this declaration, whose offsets
 * are checked here.
 */
#ifndef AYA_STATX_H
#define AYA_STATX_H

#include <stddef.h>
#include <stdint.h>

#define AYA_STATX_BASIC_STATS 0x7ffU
#define AYA_STATX_BTIME 0x800U
/* Linux 6.8: stx_mnt_id is the mount's 64-bit id, never reused while the system runs. */
#define AYA_STATX_MNT_ID_UNIQUE 0x4000U

typedef struct {
  int64_t tv_sec;
  uint32_t tv_nsec;
  int32_t reserved;
} aya_statx_time;

typedef struct {
  uint32_t mask;
  uint32_t blksize;
  uint64_t attributes;
  uint32_t nlink;
  uint32_t uid;
  uint32_t gid;
  uint16_t mode;
  uint16_t spare0;
  uint64_t ino;
  uint64_t size;
  uint64_t blocks;
  uint64_t attributes_mask;
  aya_statx_time atime, btime, ctime, mtime;
  uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
  uint64_t mnt_id;
  uint64_t spare2[13];
} aya_statx;

#define AYA_STATX_BYTES 256
_Static_assert(sizeof(aya_statx) == AYA_STATX_BYTES, "struct statx is 256 bytes");
_Static_assert(offsetof(aya_statx, blksize) == 4, "statx.stx_blksize");
_Static_assert(offsetof(aya_statx, nlink) == 16, "statx.stx_nlink");
_Static_assert(offsetof(aya_statx, mode) == 28, "statx.stx_mode");
_Static_assert(offsetof(aya_statx, ino) == 32, "statx.stx_ino");
_Static_assert(offsetof(aya_statx, size) == 40, "statx.stx_size");
_Static_assert(offsetof(aya_statx, blocks) == 48, "statx.stx_blocks");
_Static_assert(offsetof(aya_statx, atime) == 64, "statx.stx_atime");
_Static_assert(offsetof(aya_statx, btime) == 80, "statx.stx_btime");
_Static_assert(offsetof(aya_statx, ctime) == 96, "statx.stx_ctime");
_Static_assert(offsetof(aya_statx, mtime) == 112, "statx.stx_mtime");
_Static_assert(offsetof(aya_statx, rdev_major) == 128, "statx.stx_rdev_major");
_Static_assert(offsetof(aya_statx, dev_major) == 136, "statx.stx_dev_major");
_Static_assert(offsetof(aya_statx, dev_minor) == 140, "statx.stx_dev_minor");
_Static_assert(offsetof(aya_statx, mnt_id) == 144, "statx.stx_mnt_id");

/*
 * Split a device number the way glibc's major()/minor() do, so native.ts's makedev()
 * rebuilds it: a 32-bit dev (Windows volume serial, macOS dev_t) comes back unchanged.
 */
static inline void aya_split_dev(uint64_t dev, uint32_t *major, uint32_t *minor) {
  *major = (uint32_t)(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffULL));
  *minor = (uint32_t)((dev & 0xff) | ((dev >> 12) & ~0xffULL));
}

#endif
