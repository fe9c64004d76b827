/*
 * One io_uring instance: setup with feature detection, the shared-ring accessors, submit and
 * reap. No N-API here: engine.c owns the per-environment state around it.
 */
#ifndef AYA_RING_H
#define AYA_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uring_abi.h"

/* What the user configured (getConfig(): ioUringQueueDepth, ioUringSqpoll, ioWorkerCount). */
struct aya_ring_options {
  uint32_t queue_depth;
  bool sqpoll;
  uint32_t io_workers; /* 0: leave the kernel's default */
};

struct aya_ring {
  int fd;
  int enter_fd;         /* registered ring index when enter_flags has REGISTERED_RING, else fd */
  uint32_t enter_flags; /* always-on io_uring_enter flags */
  uint32_t setup_flags; /* the flags io_uring_setup accepted */
  uint32_t features;
  uint32_t sq_entries, cq_entries;
  void *sq_map, *cq_map; /* cq_map == sq_map with IORING_FEAT_SINGLE_MMAP */
  size_t sq_map_len, cq_map_len;
  struct aya_sqe *sqes;
  size_t sqes_len;
  uint32_t *sq_head, *sq_tail, *sq_flags, *sq_array, sq_mask;
  uint32_t *cq_head, *cq_tail, *cq_flags, cq_mask;
  struct aya_cqe *cqes;
  uint32_t sq_local_tail;    /* SQEs written by us; the kernel sees them once published */
  uint64_t supported_ops[4]; /* bitmap from IORING_REGISTER_PROBE */
};

/* Create a ring for `o`, trying the newest setup flags first. Returns 0 or -errno. */
int aya_ring_setup(struct aya_ring *r, const struct aya_ring_options *o);
/* Unmap and close. The caller has drained every request first. */
void aya_ring_destroy(struct aya_ring *r);

/* Whether the kernel supports `opcode` (IORING_REGISTER_PROBE). */
bool aya_ring_supports(const struct aya_ring *r, uint8_t opcode);
/* How many SQE slots are free. */
uint32_t aya_ring_sq_space(const struct aya_ring *r);
/* A free SQE slot, zeroed, or NULL when the SQ is full. The caller fills it. */
struct aya_sqe *aya_ring_get_sqe(struct aya_ring *r);
/* SQEs written but not yet accepted by io_uring_enter (or, with SQPOLL, not published). */
uint32_t aya_ring_unsubmitted(const struct aya_ring *r);
/*
 * Publish written SQEs and have the kernel take them. With `get_events`, the same
 * io_uring_enter also runs deferred task work so finished requests post their CQEs, and a
 * few more enters run what the kernel left of it (aya_ring_work_left says if some remains).
 * Returns the SQEs submitted (>= 0) or -errno.
 */
int aya_ring_submit(struct aya_ring *r, bool get_events);
/* Submit what is unsubmitted and block until at least one CQE is posted (teardown only).
 * Returns 0 or -errno. */
int aya_ring_wait(struct aya_ring *r);
/*
 * Whether the kernel has DEFER_TASKRUN work queued that the last enter(GETEVENTS) did not
 * run: it runs a bounded batch per enter, and what it leaves (or what is queued while the
 * eventfd is muted) signals no one. Known only with TASKRUN_FLAG; false without it.
 */
bool aya_ring_work_left(const struct aya_ring *r);
/* Whether a wake-up needs io_uring_enter(GETEVENTS) to run the kernel's deferred task work. */
bool aya_ring_needs_taskrun(const struct aya_ring *r);
/*
 * Reading the CQ: `aya_cq_ready` says how many CQEs are posted from our head on (an acquire
 * load of the kernel's tail, so their contents are visible), `aya_cq_entry` returns the one at
 * head + i, and `aya_cq_consume` gives `n` slots back to the kernel (a release store of head,
 * so we are done reading them before the kernel may reuse them).
 */
uint32_t aya_cq_ready(const struct aya_ring *r);
const struct aya_cqe *aya_cq_entry(const struct aya_ring *r, uint32_t i);
void aya_cq_consume(struct aya_ring *r, uint32_t n);
/* Stop (or restart) the registered eventfd firing for CQEs we reap ourselves (5.8+). */
void aya_ring_mute_eventfd(struct aya_ring *r, bool muted);
/* Store-load fence between unmuting the eventfd and looking for completions that landed while
 * it was muted. */
void aya_ring_fence_unmuted(void);
/* io_uring_register(2) on this ring. Returns >= 0 or -errno. */
int aya_ring_register(struct aya_ring *r, unsigned opcode, const void *arg, unsigned nr_args);

#endif
