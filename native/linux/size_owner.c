/* Whether the kernel owns a file's size (size_owner.h). */
#define _GNU_SOURCE
#include "size_owner.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_statmount
#define SYS_statmount 457 /* Linux 6.8; the same number in the x86 and asm-generic (arm64) tables */
#endif

/* statmount(2)'s request, and its answer's fixed part with only what is read here named
 * (include/uapi/linux/mount.h, Linux 6.8). */
struct mnt_id_req {
  uint32_t size;
  uint32_t spare;
  uint64_t mnt_id;
  uint64_t param;
};
#define MNT_ID_REQ_SIZE_VER0 24u
#define STATMOUNT_SB_BASIC 0x1u
struct statmount_sb {
  uint32_t size;
  uint32_t spare1;
  uint64_t mask;
  uint32_t sb_dev_major, sb_dev_minor;
  uint64_t sb_magic;
  uint8_t rest[480];
};
_Static_assert(sizeof(struct statmount_sb) == 512, "struct statmount's fixed part is 512 bytes");
_Static_assert(offsetof(struct statmount_sb, sb_magic) == 24, "statmount.sb_magic");

/*
 * Filesystems on no block device whose file sizes the kernel keeps itself: in memory (tmpfs,
 * ramfs), on local disks spanning devices (btrfs, bcachefs, ZFS), overlayfs (a file opened
 * for writing lives in the upper layer, a local filesystem in practice), and the kernel's own
 * (its files say what the kernel makes them say). An allow-list rather than a list of remote
 * filesystems: one missing here (FUSE, NFS, SMB/CIFS, 9p, Ceph, AFS, Lustre, vboxsf, any
 * out-of-tree one) is cut on every write, which costs a truncate but never leaves a stale
 * tail, where one missing from a deny-list would.
 */
static const uint64_t owned_size_magics[] = {
    0x01021994, /* tmpfs (/dev/shm too) */
    0x858458f6, /* ramfs */
    0x9123683e, /* btrfs */
    0xca451a4e, /* bcachefs */
    0x2fc12fc1, /* ZFS */
    0x794c7630, /* overlayfs */
    0x00009fa0, /* proc */
    0x62656572, /* sysfs */
    0x0027e0eb, /* cgroup */
    0x63677270, /* cgroup2 */
    0x64626720, /* debugfs */
    0x74726163, /* tracefs */
    0x62656570, /* configfs */
    0x73636673, /* securityfs */
};

static bool owned_size_magic(uint64_t magic) {
  for (size_t i = 0; i < sizeof owned_size_magics / sizeof owned_size_magics[0]; i++)
    if (owned_size_magics[i] == magic) return true;
  return false;
}

/*
 * The magic number of the filesystem mounted as `mnt_id` (a unique mount id), or 0. statmount
 * reads it from the mounted superblock; fstatfs(2) would tell it too, but FUSE, NFS and SMB
 * answer that by asking their daemon or server, on this thread (a hung server would hang it).
 */
static uint64_t mount_magic(uint64_t mnt_id) {
  struct mnt_id_req req = {.size = MNT_ID_REQ_SIZE_VER0, .mnt_id = mnt_id, .param = STATMOUNT_SB_BASIC};
  struct statmount_sb sm = {0};
  if (syscall(SYS_statmount, &req, &sm, sizeof sm, 0) < 0 || (sm.mask & STATMOUNT_SB_BASIC) == 0) return 0;
  return sm.sb_magic;
}

/*
 * Whether the filesystem mounted as `mnt_id` keeps its sizes, remembered for the last mount
 * asked on this thread: a rewrite loop asks about one mount over and over, and statmount costs
 * as much as the statx before it. A unique mount id is never given to another mount, so the
 * answer never goes stale.
 */
static bool mount_owns_sizes(uint64_t mnt_id) {
  static _Thread_local struct {
    uint64_t mnt_id; /* 0 until asked: no mount has it */
    bool owns;
  } last;
  if (last.mnt_id != mnt_id) {
    last.owns = owned_size_magic(mount_magic(mnt_id));
    last.mnt_id = mnt_id;
  }
  return last.owns;
}

bool aya_kernel_owns_size(const aya_statx *st) {
  /* A filesystem on a block device (ext4, xfs, f2fs, fuseblk's NTFS) is its device's only
   * writer: every change goes through this kernel. */
  if (st->dev_major != 0) return true;
  /* No unique mount id (Linux < 6.8): the type cannot be had without asking the filesystem.
   * A mount statmount does not show (another mount namespace, the kernel's own mount of
   * memfds; a seccomp filter refusing the call) reads as magic 0: not owned. */
  return (st->mask & AYA_STATX_MNT_ID_UNIQUE) != 0 && mount_owns_sizes(st->mnt_id);
}
