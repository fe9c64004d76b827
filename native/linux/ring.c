/* io_uring through raw syscalls: setup with feature detection, shared-ring access, submit. */
#define _GNU_SOURCE
#include "ring.h"

#include "../common/errors.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---- Shared-ring memory access -------------------------------------------------------
 * The SQ and CQ rings are shared with the kernel, which runs concurrently (other CPUs, the
 * SQPOLL thread, completion context). Each index has exactly one writer; these helpers name
 * the ordering every access needs. */

/* Read an index the kernel writes (SQ head, CQ tail): acquire, so the entries it covers
 * (CQE contents, SQE slots freed) are visible after the load. */
static inline uint32_t load_acquire(const uint32_t *p) {
  return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* Publish an index we write (SQ tail, CQ head): release, so our SQE writes (or our reads of
 * CQEs) complete before the kernel sees the new index. */
static inline void store_release(uint32_t *p, uint32_t v) {
  __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Read one of our own indices (SQ tail, CQ head) or a flags word: no ordering needed, but an
 * atomic access, since the kernel may read it concurrently. */
static inline uint32_t load_relaxed(const uint32_t *p) {
  return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* Write a word the kernel only reads as a hint (CQ flags): atomic, no ordering. */
static inline void store_relaxed(uint32_t *p, uint32_t v) {
  __atomic_store_n(p, v, __ATOMIC_RELAXED);
}

/* Full barrier between publishing the SQ tail and reading SQ flags (SQPOLL's NEED_WAKEUP):
 * the kernel thread sets the flag and then re-checks the tail, so both sides need a store-load
 * fence or a wake-up is missed. */
static inline void full_fence(void) {
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* ---- Raw syscalls ------------------------------------------------------------------- */

static int sys_setup(uint32_t entries, struct aya_uring_params *p) {
  long rc = syscall(AYA_NR_io_uring_setup, entries, p);
  return rc < 0 ? -errno : (int)rc;
}

static int sys_enter(int fd, uint32_t to_submit, uint32_t min_complete, uint32_t flags) {
  long rc = syscall(AYA_NR_io_uring_enter, fd, to_submit, min_complete, flags, NULL, (size_t)0);
  return rc < 0 ? -errno : (int)rc;
}

int aya_ring_register(struct aya_ring *r, unsigned opcode, const void *arg, unsigned nr_args) {
  long rc = syscall(AYA_NR_io_uring_register, r->fd, opcode, arg, nr_args);
  return rc < 0 ? -errno : (int)rc;
}

/* ---- Setup -------------------------------------------------------------------------- */

/*
 * Setup flag sets, newest first; the kernel answers EINVAL to a flag it does not know, and
 * we retry with the next set. DEFER_TASKRUN (6.1) needs SINGLE_ISSUER and excludes SQPOLL;
 * with it, TASKRUN_FLAG is how we learn that the kernel left task work queued (see
 * aya_ring_work_left);
 * COOP_TASKRUN (5.19) is its predecessor; SUBMIT_ALL (5.18) keeps a bad SQE from stopping
 * the rest of a batch; CLAMP (5.6) turns a too-large depth into the maximum.
 */
static const uint32_t plain_flag_sets[] = {
    AYA_SETUP_CLAMP | AYA_SETUP_SUBMIT_ALL | AYA_SETUP_SINGLE_ISSUER | AYA_SETUP_DEFER_TASKRUN | AYA_SETUP_TASKRUN_FLAG,
    AYA_SETUP_CLAMP | AYA_SETUP_SUBMIT_ALL | AYA_SETUP_SINGLE_ISSUER | AYA_SETUP_DEFER_TASKRUN,
    AYA_SETUP_CLAMP | AYA_SETUP_SUBMIT_ALL | AYA_SETUP_COOP_TASKRUN | AYA_SETUP_TASKRUN_FLAG,
    AYA_SETUP_CLAMP | AYA_SETUP_SUBMIT_ALL,
    AYA_SETUP_CLAMP,
};
static const uint32_t sqpoll_flag_sets[] = {
    AYA_SETUP_SQPOLL | AYA_SETUP_CLAMP | AYA_SETUP_SUBMIT_ALL | AYA_SETUP_SINGLE_ISSUER,
    AYA_SETUP_SQPOLL | AYA_SETUP_CLAMP | AYA_SETUP_SUBMIT_ALL,
    AYA_SETUP_SQPOLL | AYA_SETUP_CLAMP,
};

/* io_uring_setup with the newest flag set the kernel accepts. Returns the fd or -errno. */
static int setup_newest(const struct aya_ring_options *o, struct aya_uring_params *p) {
  const uint32_t *sets = o->sqpoll ? sqpoll_flag_sets : plain_flag_sets;
  size_t n =
      o->sqpoll ? sizeof sqpoll_flag_sets / sizeof *sqpoll_flag_sets : sizeof plain_flag_sets / sizeof *plain_flag_sets;
  int fd = AYA_EINVAL;
  for (size_t i = 0; i < n; i++) {
    memset(p, 0, sizeof *p);
    p->flags = sets[i];
    if (o->sqpoll) p->sq_thread_idle = 1000; /* ms the kernel thread spins before sleeping */
    fd = sys_setup(o->queue_depth, p);
    if (fd != AYA_EINVAL) return fd;
  }
  return fd;
}

static void *map_region(int fd, size_t len, uint64_t offset) {
  void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, (off_t)offset);
  return m == MAP_FAILED ? NULL : m;
}

#define AT_OFF(base, off) ((uint32_t *)((char *)(base) + (off)))

/* Map the SQ ring, the CQ ring (the same mapping with SINGLE_MMAP) and the SQE array. */
static int map_rings(struct aya_ring *r, const struct aya_uring_params *p) {
  r->sq_map_len = p->sq_off.array + p->sq_entries * sizeof(uint32_t);
  r->cq_map_len = p->cq_off.cqes + p->cq_entries * sizeof(struct aya_cqe);
  bool single = (p->features & AYA_FEAT_SINGLE_MMAP) != 0;
  if (single) {
    if (r->cq_map_len > r->sq_map_len) r->sq_map_len = r->cq_map_len;
    r->cq_map_len = r->sq_map_len;
  }
  r->sq_map = map_region(r->fd, r->sq_map_len, AYA_OFF_SQ_RING);
  if (!r->sq_map) return -errno;
  r->cq_map = single ? r->sq_map : map_region(r->fd, r->cq_map_len, AYA_OFF_CQ_RING);
  if (!r->cq_map) return -errno;
  r->sqes_len = p->sq_entries * sizeof(struct aya_sqe);
  r->sqes = map_region(r->fd, r->sqes_len, AYA_OFF_SQES);
  if (!r->sqes) return -errno;

  r->sq_head = AT_OFF(r->sq_map, p->sq_off.head);
  r->sq_tail = AT_OFF(r->sq_map, p->sq_off.tail);
  r->sq_flags = AT_OFF(r->sq_map, p->sq_off.flags);
  r->sq_array = AT_OFF(r->sq_map, p->sq_off.array);
  r->sq_mask = *AT_OFF(r->sq_map, p->sq_off.ring_mask);
  r->cq_head = AT_OFF(r->cq_map, p->cq_off.head);
  r->cq_tail = AT_OFF(r->cq_map, p->cq_off.tail);
  /* cq_off.flags is 0 on kernels before 5.8, which have no CQ flags word. */
  r->cq_flags = p->cq_off.flags ? AT_OFF(r->cq_map, p->cq_off.flags) : NULL;
  r->cq_mask = *AT_OFF(r->cq_map, p->cq_off.ring_mask);
  r->cqes = (struct aya_cqe *)((char *)r->cq_map + p->cq_off.cqes);
  /* SQE slot i always sits at array index i: we fill slots in ring order. */
  for (uint32_t i = 0; i < p->sq_entries; i++) r->sq_array[i] = i;
  r->sq_local_tail = load_relaxed(r->sq_tail);
  return 0;
}

/* Which opcodes this kernel has (IORING_REGISTER_PROBE, 5.6). */
static int probe_ops(struct aya_ring *r) {
  size_t size = sizeof(struct aya_probe) + AYA_IORING_OP_COUNT_MAX * sizeof(struct aya_probe_op);
  struct aya_probe *probe = calloc(1, size);
  if (!probe) return AYA_ENOMEM;
  int rc = aya_ring_register(r, AYA_REGISTER_PROBE, probe, AYA_IORING_OP_COUNT_MAX);
  if (rc >= 0) {
    for (unsigned i = 0; i < probe->ops_len; i++) {
      if (probe->ops[i].flags & AYA_PROBE_OP_SUPPORTED) {
        uint8_t op = probe->ops[i].op;
        r->supported_ops[op >> 6] |= 1ULL << (op & 63);
      }
    }
  }
  free(probe);
  return rc < 0 ? rc : 0;
}

/* Register the ring fd itself (5.18) so io_uring_enter skips the fd table lookup. */
static void register_ring_fd(struct aya_ring *r) {
  struct aya_rsrc_update up = {.offset = UINT32_MAX /* any free slot */, .data = (uint64_t)r->fd};
  if (aya_ring_register(r, AYA_REGISTER_RING_FDS, &up, 1) == 1) {
    r->enter_fd = (int)up.offset;
    r->enter_flags |= AYA_ENTER_REGISTERED_RING;
  }
}

/* Cap the kernel's io-wq workers (5.15); 0 keeps the kernel's default. */
static int limit_workers(struct aya_ring *r, uint32_t workers) {
  if (workers == 0) return 0;
  uint32_t counts[2] = {workers /* bounded: regular files */, workers /* unbounded */};
  return aya_ring_register(r, AYA_REGISTER_IOWQ_MAX_WORKERS, counts, 2);
}

int aya_ring_setup(struct aya_ring *r, const struct aya_ring_options *o) {
  struct aya_uring_params p;
  memset(r, 0, sizeof *r);
  r->fd = setup_newest(o, &p);
  if (r->fd < 0) return r->fd;
  r->enter_fd = r->fd;
  r->setup_flags = p.flags;
  r->features = p.features;
  r->sq_entries = p.sq_entries;
  r->cq_entries = p.cq_entries;
  int rc = map_rings(r, &p);
  /* A kernel without PROBE (EINVAL) predates 5.6 and lacks the opcodes we need. */
  if (rc == 0) rc = probe_ops(r) == AYA_EINVAL ? AYA_ENOSYS : 0;
  if (rc == 0) rc = limit_workers(r, o->io_workers);
  if (rc < 0) {
    aya_ring_destroy(r);
    return rc;
  }
  register_ring_fd(r);
  return 0;
}

void aya_ring_destroy(struct aya_ring *r) {
  if (r->sqes) munmap(r->sqes, r->sqes_len);
  if (r->cq_map && r->cq_map != r->sq_map) munmap(r->cq_map, r->cq_map_len);
  if (r->sq_map) munmap(r->sq_map, r->sq_map_len);
  if (r->fd >= 0) close(r->fd);
  memset(r, 0, sizeof *r);
  r->fd = -1;
}

/* ---- Submission ---------------------------------------------------------------------- */

bool aya_ring_supports(const struct aya_ring *r, uint8_t opcode) {
  return (r->supported_ops[opcode >> 6] >> (opcode & 63)) & 1;
}

uint32_t aya_ring_sq_space(const struct aya_ring *r) {
  return r->sq_entries - (r->sq_local_tail - load_acquire(r->sq_head));
}

struct aya_sqe *aya_ring_get_sqe(struct aya_ring *r) {
  if (aya_ring_sq_space(r) == 0) return NULL;
  struct aya_sqe *sqe = &r->sqes[r->sq_local_tail & r->sq_mask];
  r->sq_local_tail++;
  memset(sqe, 0, sizeof *sqe);
  return sqe;
}

uint32_t aya_ring_unsubmitted(const struct aya_ring *r) {
  /* Without SQPOLL the kernel consumes SQEs only inside io_uring_enter, so the gap between
   * our tail and its head is exactly what the next enter must submit. */
  return r->sq_local_tail - load_acquire(r->sq_head);
}

/* Enter, retrying when a signal interrupted it. */
static int enter(struct aya_ring *r, uint32_t to_submit, uint32_t min_complete, uint32_t flags) {
  int rc;
  do {
    rc = sys_enter(r->enter_fd, to_submit, min_complete, flags | r->enter_flags);
  } while (rc == AYA_EINTR);
  return rc;
}

int aya_ring_submit(struct aya_ring *r, bool get_events) {
  uint32_t pending = aya_ring_unsubmitted(r);
  store_release(r->sq_tail, r->sq_local_tail);
  if (r->setup_flags & AYA_SETUP_SQPOLL) {
    full_fence();
    bool sleeping = load_relaxed(r->sq_flags) & AYA_SQ_NEED_WAKEUP;
    return sleeping ? enter(r, 0, 0, AYA_ENTER_SQ_WAKEUP) : 0;
  }
  if (pending == 0 && !get_events) return 0;
  int rc = enter(r, pending, 0, get_events ? AYA_ENTER_GETEVENTS : 0);
  /* DEFER_TASKRUN runs a bounded batch of task work per enter, and nothing signals for what
   * it leaves (aya_ring_work_left): run it now, a few enters at most. */
  for (int i = 0; i < 8 && get_events && rc >= 0 && aya_ring_work_left(r); i++) {
    if (enter(r, 0, 0, AYA_ENTER_GETEVENTS) < 0) break;
  }
  return rc;
}

int aya_ring_wait(struct aya_ring *r) {
  /* Submit anything still unsubmitted with it: waiting for requests the kernel never got
   * would block forever. */
  store_release(r->sq_tail, r->sq_local_tail);
  int rc = enter(r, aya_ring_unsubmitted(r), 1, AYA_ENTER_GETEVENTS);
  return rc < 0 ? rc : 0;
}

bool aya_ring_work_left(const struct aya_ring *r) {
  return (r->setup_flags & AYA_SETUP_DEFER_TASKRUN) && (r->setup_flags & AYA_SETUP_TASKRUN_FLAG) &&
         (load_relaxed(r->sq_flags) & AYA_SQ_TASKRUN);
}

bool aya_ring_needs_taskrun(const struct aya_ring *r) {
  if (r->setup_flags & AYA_SETUP_DEFER_TASKRUN) return true;
  return (load_relaxed(r->sq_flags) & (AYA_SQ_TASKRUN | AYA_SQ_CQ_OVERFLOW)) != 0;
}

/* ---- Completion ---------------------------------------------------------------------- */

uint32_t aya_cq_ready(const struct aya_ring *r) {
  return load_acquire(r->cq_tail) - load_relaxed(r->cq_head);
}

const struct aya_cqe *aya_cq_entry(const struct aya_ring *r, uint32_t i) {
  return &r->cqes[(load_relaxed(r->cq_head) + i) & r->cq_mask];
}

void aya_cq_consume(struct aya_ring *r, uint32_t n) {
  store_release(r->cq_head, load_relaxed(r->cq_head) + n);
}

void aya_ring_mute_eventfd(struct aya_ring *r, bool muted) {
  if (!r->cq_flags) return;
  uint32_t flags = load_relaxed(r->cq_flags);
  store_relaxed(r->cq_flags, muted ? flags | AYA_CQ_EVENTFD_DISABLED : flags & ~AYA_CQ_EVENTFD_DISABLED);
}

void aya_ring_fence_unmuted(void) {
  /* The kernel queues a completion and then reads the CQ flags; we unmute (store the flags)
   * and then look for completions. Each side stores, then loads what the other stored:
   * without a store-load fence on both, each could miss the other's write and the completion
   * would neither be seen nor signal. */
  full_fence();
}
