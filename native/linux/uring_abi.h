/*
 * Our own declarations of the io_uring kernel ABI (include/uapi/linux/io_uring.h), limited to
 * what the engine uses. Declared here rather than taken from <linux/io_uring.h> so the build
 * does not depend on the build machine's kernel headers (old distros lack newer opcodes and
 * flags); every struct carries static asserts on its size and field offsets, so a mistake
 * fails the build instead of corrupting the shared rings.
 */
#ifndef AYA_URING_ABI_H
#define AYA_URING_ABI_H

#include <stddef.h>
#include <stdint.h>

#include "../common/statx.h"

/* Syscall numbers: the same on every Linux architecture (added after the unified table). */
#define AYA_NR_io_uring_setup 425
#define AYA_NR_io_uring_enter 426
#define AYA_NR_io_uring_register 427

/* io_uring_setup(2) flags. */
#define AYA_SETUP_SQPOLL (1u << 1)
#define AYA_SETUP_CQSIZE (1u << 3)
#define AYA_SETUP_CLAMP (1u << 4)
#define AYA_SETUP_SUBMIT_ALL (1u << 7)     /* 5.18 */
#define AYA_SETUP_COOP_TASKRUN (1u << 8)   /* 5.19 */
#define AYA_SETUP_TASKRUN_FLAG (1u << 9)   /* 5.19 */
#define AYA_SETUP_SINGLE_ISSUER (1u << 12) /* 6.0 */
#define AYA_SETUP_DEFER_TASKRUN (1u << 13) /* 6.1 */

/* io_uring_enter(2) flags. */
#define AYA_ENTER_GETEVENTS (1u << 0)
#define AYA_ENTER_SQ_WAKEUP (1u << 1)
#define AYA_ENTER_REGISTERED_RING (1u << 4) /* 5.18 */

/* Flags in the shared SQ ring's `flags` word (written by the kernel). */
#define AYA_SQ_NEED_WAKEUP (1u << 0)
#define AYA_SQ_CQ_OVERFLOW (1u << 1)
#define AYA_SQ_TASKRUN (1u << 2)

/* Flags in the shared CQ ring's `flags` word (written by us). */
#define AYA_CQ_EVENTFD_DISABLED (1u << 0) /* 5.8 */

/* Features reported in io_uring_params.features. */
#define AYA_FEAT_SINGLE_MMAP (1u << 0)
#define AYA_FEAT_NODROP (1u << 1)
#define AYA_FEAT_SUBMIT_STABLE (1u << 2)
#define AYA_FEAT_RW_CUR_POS (1u << 3)
#define AYA_FEAT_CUR_PERSONALITY (1u << 4)
#define AYA_FEAT_FAST_POLL (1u << 5)
#define AYA_FEAT_NATIVE_WORKERS (1u << 9)
#define AYA_FEAT_CQE_SKIP (1u << 11)
#define AYA_FEAT_REG_REG_RING (1u << 13)

/* mmap(2) offsets of the three shared regions. */
#define AYA_OFF_SQ_RING 0ULL
#define AYA_OFF_CQ_RING 0x8000000ULL
#define AYA_OFF_SQES 0x10000000ULL

/* Opcodes we use (IORING_OP_*; engine.c maps the contract's ops, common/module.h, to them). */
enum {
  AYA_IORING_OP_FSYNC = 3,
  AYA_IORING_OP_ASYNC_CANCEL = 14,
  AYA_IORING_OP_OPENAT = 18,
  AYA_IORING_OP_CLOSE = 19,
  AYA_IORING_OP_STATX = 21,
  AYA_IORING_OP_READ = 22,
  AYA_IORING_OP_WRITE = 23,
  AYA_IORING_OP_RENAMEAT = 35, /* 5.11 */
  AYA_IORING_OP_UNLINKAT = 36, /* 5.11 */
  AYA_IORING_OP_MKDIRAT = 37,  /* 5.15 */
  AYA_IORING_OP_FTRUNCATE = 55,  /* 6.9 */
  AYA_IORING_OP_COUNT_MAX = 256, /* probe ops_len is a u8 */
};

/* SQE flags. */
#define AYA_SQE_IO_LINK (1u << 2)          /* the next SQE starts when this one has completed in full */
#define AYA_SQE_IO_HARDLINK (1u << 3)      /* the next SQE starts when this one has completed, however */
#define AYA_SQE_ASYNC (1u << 4)            /* go straight to an io-wq worker */

#define AYA_FSYNC_DATASYNC (1u << 0)
#define AYA_ASYNC_CANCEL_ALL (1u << 0) /* 5.19: every match, not just the first */
#define AYA_ASYNC_CANCEL_FD (1u << 1)  /* 5.19: match on the fd, not user_data */
#define AYA_ASYNC_CANCEL_ANY (1u << 2) /* 5.19: cancel every request */

/* io_uring_register(2) opcodes. */
#define AYA_REGISTER_EVENTFD 4
#define AYA_UNREGISTER_EVENTFD 5
#define AYA_REGISTER_PROBE 8
#define AYA_REGISTER_IOWQ_MAX_WORKERS 19 /* 5.15 */
#define AYA_REGISTER_RING_FDS 20         /* 5.18 */

#define AYA_PROBE_OP_SUPPORTED (1u << 0)

/* Offsets of the SQ ring's fields inside its mmap. */
struct aya_sqring_offsets {
  uint32_t head, tail, ring_mask, ring_entries, flags, dropped, array, resv1;
  uint64_t user_addr;
};
_Static_assert(sizeof(struct aya_sqring_offsets) == 40, "io_sqring_offsets size");
_Static_assert(offsetof(struct aya_sqring_offsets, head) == 0, "sq_off.head");
_Static_assert(offsetof(struct aya_sqring_offsets, tail) == 4, "sq_off.tail");
_Static_assert(offsetof(struct aya_sqring_offsets, ring_mask) == 8, "sq_off.ring_mask");
_Static_assert(offsetof(struct aya_sqring_offsets, ring_entries) == 12, "sq_off.ring_entries");
_Static_assert(offsetof(struct aya_sqring_offsets, flags) == 16, "sq_off.flags");
_Static_assert(offsetof(struct aya_sqring_offsets, dropped) == 20, "sq_off.dropped");
_Static_assert(offsetof(struct aya_sqring_offsets, array) == 24, "sq_off.array");
_Static_assert(offsetof(struct aya_sqring_offsets, resv1) == 28, "sq_off.resv1");
_Static_assert(offsetof(struct aya_sqring_offsets, user_addr) == 32, "sq_off.user_addr");

/* Offsets of the CQ ring's fields inside its mmap. */
struct aya_cqring_offsets {
  uint32_t head, tail, ring_mask, ring_entries, overflow, cqes, flags, resv1;
  uint64_t user_addr;
};
_Static_assert(sizeof(struct aya_cqring_offsets) == 40, "io_cqring_offsets size");
_Static_assert(offsetof(struct aya_cqring_offsets, head) == 0, "cq_off.head");
_Static_assert(offsetof(struct aya_cqring_offsets, tail) == 4, "cq_off.tail");
_Static_assert(offsetof(struct aya_cqring_offsets, ring_mask) == 8, "cq_off.ring_mask");
_Static_assert(offsetof(struct aya_cqring_offsets, ring_entries) == 12, "cq_off.ring_entries");
_Static_assert(offsetof(struct aya_cqring_offsets, overflow) == 16, "cq_off.overflow");
_Static_assert(offsetof(struct aya_cqring_offsets, cqes) == 20, "cq_off.cqes");
_Static_assert(offsetof(struct aya_cqring_offsets, flags) == 24, "cq_off.flags");
_Static_assert(offsetof(struct aya_cqring_offsets, resv1) == 28, "cq_off.resv1");
_Static_assert(offsetof(struct aya_cqring_offsets, user_addr) == 32, "cq_off.user_addr");

/* io_uring_setup(2)'s in/out parameter block. */
struct aya_uring_params {
  uint32_t sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle, features, wq_fd;
  uint32_t resv[3];
  struct aya_sqring_offsets sq_off;
  struct aya_cqring_offsets cq_off;
};
_Static_assert(sizeof(struct aya_uring_params) == 120, "io_uring_params size");
_Static_assert(offsetof(struct aya_uring_params, sq_entries) == 0, "params.sq_entries");
_Static_assert(offsetof(struct aya_uring_params, cq_entries) == 4, "params.cq_entries");
_Static_assert(offsetof(struct aya_uring_params, flags) == 8, "params.flags");
_Static_assert(offsetof(struct aya_uring_params, sq_thread_cpu) == 12, "params.sq_thread_cpu");
_Static_assert(offsetof(struct aya_uring_params, sq_thread_idle) == 16, "params.sq_thread_idle");
_Static_assert(offsetof(struct aya_uring_params, features) == 20, "params.features");
_Static_assert(offsetof(struct aya_uring_params, wq_fd) == 24, "params.wq_fd");
_Static_assert(offsetof(struct aya_uring_params, resv) == 28, "params.resv");
_Static_assert(offsetof(struct aya_uring_params, sq_off) == 40, "params.sq_off");
_Static_assert(offsetof(struct aya_uring_params, cq_off) == 80, "params.cq_off");

/*
 * A submission queue entry (the 64-byte form). The kernel's unions are flattened to the one
 * member name we use for each slot: `off` is also addr2 (STATX's output buffer), `op_flags`
 * is rw_flags / fsync_flags / open_flags / statx_flags / cancel_flags.
 */

struct aya_sqe {
  uint8_t opcode;
  uint8_t flags;
  uint16_t ioprio;
  int32_t fd;
  uint64_t off;
  uint64_t addr;
  uint32_t len;
  uint32_t op_flags;
  uint64_t user_data;
  uint16_t buf_index;
  uint16_t personality;
  int32_t file_index;
  uint64_t addr3;
  uint64_t pad2;
};
_Static_assert(sizeof(struct aya_sqe) == 64, "io_uring_sqe size");
_Static_assert(offsetof(struct aya_sqe, opcode) == 0, "sqe.opcode");
_Static_assert(offsetof(struct aya_sqe, flags) == 1, "sqe.flags");
_Static_assert(offsetof(struct aya_sqe, ioprio) == 2, "sqe.ioprio");
_Static_assert(offsetof(struct aya_sqe, fd) == 4, "sqe.fd");
_Static_assert(offsetof(struct aya_sqe, off) == 8, "sqe.off");
_Static_assert(offsetof(struct aya_sqe, addr) == 16, "sqe.addr");
_Static_assert(offsetof(struct aya_sqe, len) == 24, "sqe.len");
_Static_assert(offsetof(struct aya_sqe, op_flags) == 28, "sqe.op_flags");
_Static_assert(offsetof(struct aya_sqe, user_data) == 32, "sqe.user_data");
_Static_assert(offsetof(struct aya_sqe, buf_index) == 40, "sqe.buf_index");
_Static_assert(offsetof(struct aya_sqe, personality) == 42, "sqe.personality");
_Static_assert(offsetof(struct aya_sqe, file_index) == 44, "sqe.file_index");
_Static_assert(offsetof(struct aya_sqe, addr3) == 48, "sqe.addr3");
_Static_assert(offsetof(struct aya_sqe, pad2) == 56, "sqe.pad2");

/* A completion queue entry (the 16-byte form). */
struct aya_cqe {
  uint64_t user_data;
  int32_t res;
  uint32_t flags;
};
_Static_assert(sizeof(struct aya_cqe) == 16, "io_uring_cqe size");
_Static_assert(offsetof(struct aya_cqe, user_data) == 0, "cqe.user_data");
_Static_assert(offsetof(struct aya_cqe, res) == 8, "cqe.res");
_Static_assert(offsetof(struct aya_cqe, flags) == 12, "cqe.flags");

/* One opcode's entry in IORING_REGISTER_PROBE's answer. */
struct aya_probe_op {
  uint8_t op;
  uint8_t resv;
  uint16_t flags;
  uint32_t resv2;
};
_Static_assert(sizeof(struct aya_probe_op) == 8, "io_uring_probe_op size");
_Static_assert(offsetof(struct aya_probe_op, op) == 0, "probe_op.op");
_Static_assert(offsetof(struct aya_probe_op, resv) == 1, "probe_op.resv");
_Static_assert(offsetof(struct aya_probe_op, flags) == 2, "probe_op.flags");
_Static_assert(offsetof(struct aya_probe_op, resv2) == 4, "probe_op.resv2");

/* IORING_REGISTER_PROBE's answer header; `ops` follows it. */
struct aya_probe {
  uint8_t last_op;
  uint8_t ops_len;
  uint16_t resv;
  uint32_t resv2[3];
  struct aya_probe_op ops[];
};
_Static_assert(sizeof(struct aya_probe) == 16, "io_uring_probe size");
_Static_assert(offsetof(struct aya_probe, last_op) == 0, "probe.last_op");
_Static_assert(offsetof(struct aya_probe, ops_len) == 1, "probe.ops_len");
_Static_assert(offsetof(struct aya_probe, resv) == 2, "probe.resv");
_Static_assert(offsetof(struct aya_probe, resv2) == 4, "probe.resv2");
_Static_assert(offsetof(struct aya_probe, ops) == 16, "probe.ops");

/* IORING_REGISTER_RING_FDS's argument. */
struct aya_rsrc_update {
  uint32_t offset;
  uint32_t resv;
  uint64_t data;
};
_Static_assert(sizeof(struct aya_rsrc_update) == 16, "io_uring_rsrc_update size");
_Static_assert(offsetof(struct aya_rsrc_update, offset) == 0, "rsrc_update.offset");
_Static_assert(offsetof(struct aya_rsrc_update, resv) == 4, "rsrc_update.resv");
_Static_assert(offsetof(struct aya_rsrc_update, data) == 8, "rsrc_update.data");

/* struct statx (its layout and mask bits: common/statx.h); src/engine/native.ts reads its fields. */
/* statx(2) flag: the attributes the kernel holds, without asking a network filesystem's server. */
#define AYA_AT_STATX_DONT_SYNC 0x4000

#endif
