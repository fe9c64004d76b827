/*
 * The io_uring backend's per-environment engine and its N-API exports (the contract is in
 * docs/architecture.md). One engine per Node environment (main thread, each worker), kept as
 * N-API instance data; its ring is created by init(), i.e. on the engine's first use.
 *
 * Submission: ops write SQEs straight into the ring (or, when the ring is full, busy being
 * replaced, or SQPOLL, into `waiting`); JavaScript calls submit() once per batch, which
 * enters the kernel once and copies the completions that finished inline into the shared
 * completions array. Completion otherwise: a plain eventfd registered with the ring and
 * watched by a notifier (notify.h: a uv_poll_t on Node's loop, or a waiter thread on hosts
 * without libuv); each wake-up reaps every CQE and hands them to JavaScript in one call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../common/errors.h"
#include "../common/module.h"
#include "../common/napi_args.h"
#include "creds.h"
#include "notify.h"
#include "whole.h"
#include "ring.h"
#include "size_owner.h"

/* user_data of requests the engine makes for itself (teardown cancels): never shown to JS. */
#define INTERNAL_TOKEN UINT64_MAX
/* Set in the user_data of opens (above the 32-bit token JS sees), so a completed open's fd is
 * recorded in the environment's fd set however its completion is reaped. */
#define OPEN_TAG (1ull << 32)
/* Set in the user_data of a close linked behind a write (writeThen), with its fd in bits
 * 32-62: the fd stays in the environment's fd set until the kernel reports the close ran,
 * so teardown closes it when the close was cancelled or never submitted (a worker ended). */
#define LINKED_CLOSE_TAG (1ull << 63)
/* The kernel's own "interrupted, restart" code (include/linux/errno.h), which no syscall returns:
 * an op an io-wq worker was running when a cancel interrupted it (an open of a FIFO waiting for
 * the other end) completes with it (Linux 6.18). Reported as what it is: -ECANCELED. */
#define KERNEL_ERESTARTSYS (-512)

/* The kernel opcode of each op of the contract (common/module.h). */
static const uint8_t uring_opcode[AYA_OP_COUNT] = {
    [AYA_OP_OPEN] = AYA_IORING_OP_OPENAT,         [AYA_OP_READ] = AYA_IORING_OP_READ,
    [AYA_OP_WRITE] = AYA_IORING_OP_WRITE,         [AYA_OP_FSYNC] = AYA_IORING_OP_FSYNC,
    [AYA_OP_FTRUNCATE] = AYA_IORING_OP_FTRUNCATE, [AYA_OP_STATX] = AYA_IORING_OP_STATX,
    [AYA_OP_CLOSE] = AYA_IORING_OP_CLOSE,         [AYA_OP_CANCEL_FD] = AYA_IORING_OP_ASYNC_CANCEL,
    [AYA_OP_MKDIR] = AYA_IORING_OP_MKDIRAT,       [AYA_OP_UNLINK] = AYA_IORING_OP_UNLINKAT,
    [AYA_OP_RENAME] = AYA_IORING_OP_RENAMEAT,     [AYA_OP_WRITE_THEN] = AYA_IORING_OP_WRITE,
    [AYA_OP_WRITE_WHOLE] = AYA_IORING_OP_FTRUNCATE, /* the newest opcode of its steps (whole.h) */
    [AYA_OP_READ_WHOLE] = AYA_IORING_OP_OPENAT,     /* open, read and close: all from Linux 5.6 */
    [AYA_OP_CANCEL_OPEN] = AYA_IORING_OP_ASYNC_CANCEL,
};

/* The fds this environment opened and has not asked to close: closed when it is torn down
 * (a terminated worker runs no JavaScript that could close them). */
struct fd_set_list {
  int *fds;
  uint32_t len, cap;
};

/* SQEs that cannot enter the ring yet, in arrival order (a growable circular buffer). */
struct sqe_queue {
  struct aya_sqe *items;
  uint32_t head, len, cap;
};

/*
 * A ring replaced while requests were still in flight on it (configure() changed the ring
 * options, or an SQPOLL ring's creator credentials changed): it takes no new request, its
 * completions are reaped with the current ring's, cancels reach it too, and it is unmapped
 * once its last request completed. New ops never wait for it (a FIFO read may never end).
 */
struct retired_ring {
  struct aya_ring ring;
  struct aya_creds creds;
  uint32_t ops; /* JS ops and internal requests still in the kernel */
};

struct engine {
  napi_env env;
  struct aya_notifier *notifier; /* watches efd while the engine runs */
  bool notifier_refd;
  bool async_cleanup; /* on_env_cleanup, not on_env_exit, is registered */
  int efd;
  struct aya_ring ring;
  bool have_ring;
  struct aya_ring_options opts;
  struct aya_creds creds; /* the creator's credentials, for SQPOLL rings */
  struct aya_wholes wholes; /* whole-file reads and writes in flight, on any ring (whole.h) */
  uint32_t ring_ops;      /* JS ops in the SQ or in the kernel (a whole-file op: its requests) */
  uint32_t internal_ops;  /* our own requests in the kernel */
  struct retired_ring *retired;
  uint32_t n_retired;
  uint32_t retired_ops; /* requests still in the kernel on retired rings */
  struct sqe_queue waiting;
  struct fd_set_list owned; /* fds opened here, not yet closed */
  int32_t *pairs;           /* the JS completions Int32Array: [token, result, ...] */
  uint32_t pairs_cap;       /* in pairs */
  napi_ref pairs_ref, on_complete_ref;
  napi_async_context async_ctx;
  bool delivering; /* inside onComplete: never re-enter it */
};

/* ---- The waiting queue --------------------------------------------------------------- */

static int queue_push(struct sqe_queue *q, const struct aya_sqe *sqe) {
  if (q->len == q->cap) {
    uint32_t cap = q->cap ? q->cap * 2 : 64;
    struct aya_sqe *items = malloc((size_t)cap * sizeof *items);
    if (!items) return AYA_ENOMEM;
    for (uint32_t i = 0; i < q->len; i++) items[i] = q->items[(q->head + i) % q->cap];
    free(q->items);
    q->items = items;
    q->head = 0;
    q->cap = cap;
  }
  q->items[(q->head + q->len) % q->cap] = *sqe;
  q->len++;
  return 0;
}

static const struct aya_sqe *queue_front(const struct sqe_queue *q) {
  return &q->items[q->head];
}

static void queue_pop(struct sqe_queue *q) {
  q->head = (q->head + 1) % q->cap;
  q->len--;
}

/* Take back the SQE pushed last (the first of a linked pair whose second found no memory). */
static void queue_drop_last(struct sqe_queue *q) {
  q->len--;
}

/* ---- Fds this environment owns ----------------------------------------------------------- */

/* Remember `fd` (a completed open). Out of memory: it is not closed at teardown, nothing worse. */
static void owned_add(struct fd_set_list *s, int fd) {
  if (s->len == s->cap) {
    uint32_t cap = s->cap ? s->cap * 2 : 16;
    int *fds = realloc(s->fds, (size_t)cap * sizeof *fds);
    if (!fds) return;
    s->fds = fds;
    s->cap = cap;
  }
  s->fds[s->len++] = fd;
}

/* Forget `fd` (JavaScript asked to close it). */
static void owned_remove(struct fd_set_list *s, int fd) {
  for (uint32_t i = s->len; i-- > 0;) {
    if (s->fds[i] != fd) continue;
    s->fds[i] = s->fds[--s->len];
    return;
  }
}

/* Close every fd still owned (teardown, after the ring drained) and free the list. */
static void owned_close_all(struct fd_set_list *s) {
  for (uint32_t i = 0; i < s->len; i++) close(s->fds[i]);
  free(s->fds);
  *s = (struct fd_set_list){0};
}

/* ---- Ring lifetime --------------------------------------------------------------------- */

/* Whether the ring takes `n` more requests now: SQ slots free, and its CQ could not overflow. */
static bool ring_has_room(const struct engine *e, uint32_t n) {
  return e->ring_ops + e->internal_ops + n <= e->ring.cq_entries && aya_ring_sq_space(&e->ring) >= n;
}

/* Requests that must enter the ring in one submit: a linked pair (see enqueue_linked()). */
static uint32_t sqes_together(const struct aya_sqe *sqe) {
  return (sqe->flags & AYA_SQE_IO_LINK) ? 2 : 1;
}

/* Create the ring for `o` and attach our eventfd. Returns 0 or -errno. */
static int ring_create(struct engine *e, const struct aya_ring_options *o) {
  int rc = aya_ring_setup(&e->ring, o);
  if (rc < 0) return rc;
  /* A plain eventfd: IORING_REGISTER_EVENTFD_ASYNC would stay silent for inline and
   * DEFER_TASKRUN completions and hang us (docs/engine-notes.md, set-ups that hang). */
  rc = aya_ring_register(&e->ring, AYA_REGISTER_EVENTFD, &e->efd, 1);
  if (rc == 0 && (e->ring.setup_flags & AYA_SETUP_SQPOLL)) rc = aya_creds_snapshot(&e->creds);
  if (rc < 0) {
    aya_ring_destroy(&e->ring);
    aya_creds_free(&e->creds);
    return rc;
  }
  e->opts = *o;
  e->have_ring = true;
  return 0;
}

static void ring_release(struct engine *e) {
  if (!e->have_ring) return;
  aya_ring_destroy(&e->ring);
  aya_creds_free(&e->creds);
  e->have_ring = false;
}

/* Complete every waiting op with `res` (the ring they were meant for is gone). */
static uint32_t fail_waiting(struct engine *e, int32_t res, uint32_t n);

/*
 * Switch to a new ring for `o` at once. The current ring is released when nothing is in
 * flight on it, else retired (struct retired_ring) after submitting what it holds. If the new
 * ring cannot be set up (say, SQPOLL refused), the current one stays. Returns 0 or -errno.
 */
static int ring_replace(struct engine *e, const struct aya_ring_options *o) {
  uint32_t busy = e->ring_ops + e->internal_ops;
  if (busy == 0) {
    struct aya_ring_options old = e->opts;
    ring_release(e);
    int rc = ring_create(e, o);
    if (rc < 0) ring_create(e, &old);
    return rc;
  }
  struct retired_ring *grown = realloc(e->retired, (e->n_retired + 1) * sizeof *grown);
  if (!grown) return AYA_ENOMEM;
  e->retired = grown;
  struct retired_ring kept = {e->ring, e->creds, busy};
  struct aya_creds no_creds = {0};
  e->creds = no_creds;
  int rc = ring_create(e, o);
  if (rc < 0) {
    e->ring = kept.ring;
    e->creds = kept.creds;
    return rc;
  }
  aya_ring_submit(&kept.ring, false);
  e->retired[e->n_retired++] = kept;
  e->retired_ops += busy;
  e->ring_ops = e->internal_ops = 0;
  return 0;
}

/*
 * SQPOLL rings act with their creator's credentials; if ours changed (process.setuid etc.),
 * move to a new ring (the old one retires). Plain rings need no check: the kernel runs inline
 * work in the submitting thread, and io_prep_async_work() captures the submitter's current
 * creds (REQ_F_CREDS) when it punts a request to io-wq, so every request runs with the
 * credentials in force when it was submitted.
 */
static void check_creds(struct engine *e) {
  if ((e->ring.setup_flags & AYA_SETUP_SQPOLL) && !aya_creds_unchanged(&e->creds)) {
    struct aya_ring_options same = e->opts;
    ring_replace(e, &same);
  }
}

/* ---- Submission and reaping -------------------------------------------------------------- */

/* Move waiting SQEs into the ring while it has room, a linked pair only with room for both.
 * Returns how many moved. */
static uint32_t feed_waiting(struct engine *e) {
  uint32_t moved = 0;
  while (e->waiting.len > 0 && ring_has_room(e, sqes_together(queue_front(&e->waiting)))) {
    for (uint32_t n = sqes_together(queue_front(&e->waiting)); n > 0; n--, moved++) {
      *aya_ring_get_sqe(&e->ring) = *queue_front(&e->waiting);
      queue_pop(&e->waiting);
      e->ring_ops++;
    }
  }
  return moved;
}

/*
 * Complete the op at the front of `waiting` with `res` into the pairs array after `n`: both
 * ops of a linked pair, or neither when the array lacks room for both (a pair split here would
 * leave its second op alone at the front, and feed_waiting would start it: the close of a
 * file whose final write was just reported cancelled). Returns the new pair count.
 */
static uint32_t fail_front(struct engine *e, int32_t res, uint32_t n) {
  uint32_t together = sqes_together(queue_front(&e->waiting));
  if (n + together > e->pairs_cap) return n;
  for (uint32_t i = 0; i < together; i++, n++) {
    e->pairs[2 * n] = (int32_t)queue_front(&e->waiting)->user_data;
    e->pairs[2 * n + 1] = res;
    queue_pop(&e->waiting);
  }
  return n;
}

/*
 * A linked pair that waited while configure() replaced the ring with one of a single entry
 * never fits (feed_waiting moves a pair only with room for both): complete it as the kernel
 * completes a cancelled link, both -ECANCELED, after the `n` pairs already in the array;
 * JavaScript then runs the two ops unlinked, as after a short write. Returns the pair count.
 */
static uint32_t cancel_unfit_pairs(struct engine *e, uint32_t n) {
  while (e->waiting.len > 0 && sqes_together(queue_front(&e->waiting)) > e->ring.sq_entries) {
    uint32_t after = fail_front(e, AYA_ECANCELED, n);
    if (after == n) break;
    n = after;
  }
  return n;
}

/*
 * Whether the open of a whole-file op can go on here with its other steps: on the current ring
 * (a retired one takes no new request), straight into it (never into `waiting`: the steps
 * would wait behind ops JavaScript queued; the caller checks the room for them), and not
 * SQPOLL (whose SQ the kernel thread reads on its own schedule).
 */
static bool can_go_on(const struct engine *e, const struct aya_ring *ring) {
  return ring == &e->ring && e->waiting.len == 0 && !(e->ring.setup_flags & AYA_SETUP_SQPOLL);
}

/*
 * The open of a whole-file op said `fd` (>= 0): go on with its other steps, or hand the fd
 * over. Returns true when that ends the op, with *res its result for JavaScript.
 */
static bool whole_opened(struct engine *e, const struct aya_ring *ring, uint64_t user_data, int32_t fd, int32_t *res) {
  struct aya_wholes *w = &e->wholes;
  owned_add(&e->owned, fd);
  struct aya_sqe sqes[AYA_WHOLE_MAX_STEPS];
  uint32_t n = can_go_on(e, ring) ? aya_whole_go_on(w, user_data, fd, sqes) : 0;
  if (n == 0 || !ring_has_room(e, n)) {
    *res = aya_whole_hand_over(w, user_data, fd);
    return true;
  }
  /* Submitted by pump(), which loops while SQEs are unsubmitted. */
  for (uint32_t i = 0; i < n; i++) *aya_ring_get_sqe(&e->ring) = sqes[i];
  e->ring_ops += n;
  return false;
}

/*
 * A CQE of a whole-file op (whole.h) with result *res. Returns true when it ends the op, with
 * *res its result for JavaScript; false for a step that ends nothing (the open that went on,
 * the cut, the read or write). The fds it opens are the environment's until their close ran;
 * at teardown (`live` false) nobody will read, write or close them but this.
 */
static bool whole_cqe(struct engine *e, const struct aya_ring *ring, uint64_t user_data, int32_t *res, bool live) {
  struct aya_wholes *w = &e->wholes;
  switch (aya_whole_step_of(user_data)) {
    case AYA_WHOLE_OPEN:
      if (*res < 0) {
        *res = aya_whole_open_failed(w, user_data, *res);
        return true;
      }
      if (!live) {
        close(*res);
        aya_whole_drop(w, user_data);
        *res = AYA_ECANCELED;
        return true;
      }
      return whole_opened(e, ring, user_data, *res, res);
    case AYA_WHOLE_IO:
    case AYA_WHOLE_CUT:
      aya_whole_step_done(w, user_data, *res);
      return false;
    case AYA_WHOLE_CLOSE: {
      int32_t fd = aya_whole_fd(w, user_data);
      if (*res == AYA_ECANCELED) close(fd); /* teardown cancelled it: nobody else will */
      owned_remove(&e->owned, fd);
      *res = aya_whole_end(w, user_data, *res);
      return true;
    }
  }
  return true;
}

/* What take_cqes() took besides JS completions (one ring op each). */
struct taken_besides {
  uint32_t internal;    /* our own requests' CQEs */
  uint32_t whole_steps; /* ring ops of whole-file reads and writes that end none */
};

/*
 * Take up to `max` JS completions posted on `ring`: their pairs go to `out` (when not NULL;
 * teardown discards them), the fds of completed opens are recorded, a whole-file op gives one
 * completion when its close's CQE comes. What else was taken goes to *besides. Returns the
 * number of JS pairs.
 */
static uint32_t take_cqes(struct engine *e, struct aya_ring *ring, int32_t *out, uint32_t max,
                          struct taken_besides *besides) {
  uint32_t ready = aya_cq_ready(ring), taken = 0, n = 0;
  *besides = (struct taken_besides){0};
  while (taken < ready && n < max) {
    const struct aya_cqe *cqe = aya_cq_entry(ring, taken++);
    int32_t res = cqe->res == KERNEL_ERESTARTSYS ? AYA_ECANCELED : cqe->res;
    if (cqe->user_data == INTERNAL_TOKEN) {
      besides->internal++;
      continue;
    }
    if (cqe->user_data & LINKED_CLOSE_TAG) {
      if (res != AYA_ECANCELED) owned_remove(&e->owned, (int)((cqe->user_data >> 32) & INT32_MAX));
    } else if (cqe->user_data & AYA_WHOLE_TAG) {
      if (!whole_cqe(e, ring, cqe->user_data, &res, out != NULL)) {
        besides->whole_steps++;
        continue;
      }
    } else if ((cqe->user_data & OPEN_TAG) && res >= 0) {
      owned_add(&e->owned, res);
    }
    if (out) {
      out[2 * n] = (int32_t)cqe->user_data;
      out[2 * n + 1] = res;
    }
    n++;
  }
  aya_cq_consume(ring, taken);
  return n;
}

/* Take up to `max` completions of the current ring (see take_cqes()). */
static uint32_t reap(struct engine *e, int32_t *out, uint32_t max) {
  struct taken_besides besides;
  uint32_t n = take_cqes(e, &e->ring, out, max, &besides);
  e->ring_ops -= n + besides.whole_steps;
  e->internal_ops -= besides.internal;
  return n;
}

static void signal_eventfd(struct engine *e) {
  uint64_t one = 1;
  ssize_t ignored = write(e->efd, &one, sizeof one);
  (void)ignored; /* EAGAIN means the counter is already non-zero: a wake-up is pending */
}

/*
 * aya_ring_submit(), and a self-signal when the kernel still holds DEFER_TASKRUN work after
 * it (io-wq completions, the issue of a request linked behind one that completed): nothing
 * else would wake us for that work, on the current ring or a retired one (docs/engine-notes.md,
 * Task work the kernel leaves queued).
 */
static int submit_ring(struct engine *e, struct aya_ring *ring, bool get_events) {
  int rc = aya_ring_submit(ring, get_events);
  if (aya_ring_work_left(ring)) signal_eventfd(e);
  return rc;
}

/* The same for the retired ring `r`, whose deferred task work runs here (the thread that
 * submitted its requests). */
static uint32_t reap_one_retired(struct engine *e, struct retired_ring *r, int32_t *out, uint32_t max) {
  if (aya_ring_needs_taskrun(&r->ring)) submit_ring(e, &r->ring, true);
  struct taken_besides besides;
  uint32_t n = take_cqes(e, &r->ring, out, max, &besides);
  uint32_t ended = n + besides.internal + besides.whole_steps;
  r->ops -= ended;
  e->retired_ops -= ended;
  return n;
}

/* reap() for the retired rings; a ring whose last request completed is unmapped. */
static uint32_t reap_retired(struct engine *e, int32_t *out, uint32_t max) {
  uint32_t n = 0;
  for (uint32_t i = e->n_retired; i-- > 0;) {
    struct retired_ring *r = &e->retired[i];
    n += reap_one_retired(e, r, out ? out + 2 * n : NULL, max - n);
    if (r->ops > 0) continue;
    aya_ring_destroy(&r->ring);
    aya_creds_free(&r->creds);
    e->retired[i] = e->retired[--e->n_retired];
  }
  return n;
}

/* An IORING_OP_ASYNC_CANCEL of what `op_flags` names: ANY, FD|ALL for `fd`, or (0) the request
 * whose user_data is `target`. */
static struct aya_sqe cancel_sqe(uint32_t op_flags, int fd, uint64_t target) {
  return (struct aya_sqe){.opcode = AYA_IORING_OP_ASYNC_CANCEL, .fd = fd, .op_flags = op_flags, .addr = target};
}

/* Queue the cancel `how` (cancel_sqe()) on a retired ring, as an internal request. */
static void cancel_on_retired(struct engine *e, struct retired_ring *r, const struct aya_sqe *how) {
  struct aya_sqe *sqe = aya_ring_get_sqe(&r->ring);
  if (!sqe) return; /* its SQ is full of requests already submitted: nothing of ours waits there */
  *sqe = *how;
  sqe->user_data = INTERNAL_TOKEN;
  r->ops++;
  e->retired_ops++;
  aya_ring_submit(&r->ring, false);
}

static void cancel_retired(struct engine *e, const struct aya_sqe *how) {
  for (uint32_t i = 0; i < e->n_retired; i++) cancel_on_retired(e, &e->retired[i], how);
}

/* Keep the loop alive exactly while something is outstanding. */
static void update_ref(struct engine *e) {
  bool want = e->ring_ops + e->internal_ops + e->retired_ops + e->waiting.len > 0;
  if (!e->notifier || want == e->notifier_refd) return;
  e->notifier->ops->set_ref(e->notifier, want);
  e->notifier_refd = want;
}

/*
 * After a muted pump with requests still out: collect what completed while the eventfd was
 * muted. Past the fence, whatever completes from now on signals; whatever completed
 * before is in the CQ or (DEFER_TASKRUN, COOP_TASKRUN) queued as task work, which one enter
 * with GETEVENTS runs. This costs one syscall where signalling ourselves cost a loop turn
 * (eventfd write, epoll_pwait, eventfd read, enter) per batch with a slow request in it.
 * An SQPOLL ring's kernel thread posts on its own schedule: it still gets the signal.
 */
static uint32_t catch_up(struct engine *e, uint32_t n) {
  if (e->ring.setup_flags & AYA_SETUP_SQPOLL) {
    signal_eventfd(e);
    return 0;
  }
  aya_ring_fence_unmuted();
  if (aya_ring_needs_taskrun(&e->ring)) {
    int rc = submit_ring(e, &e->ring, true);
    if (rc == AYA_EAGAIN || rc == AYA_EBUSY) signal_eventfd(e);
  }
  uint32_t got = reap(e, e->pairs + 2 * n, e->pairs_cap - n);
  /* Requests still waiting for ring room get it on the next pump; if nothing is left in the
   * kernel to signal, wake ourselves for it. */
  if (e->waiting.len > 0) signal_eventfd(e);
  return got;
}

/* Whether SQEs written while reaping (whole-file reads going on) wait for a submit. Never on
 * an SQPOLL ring, where none are written so and its kernel thread's lag would look the same. */
static bool continuations_queued(const struct engine *e) {
  return !(e->ring.setup_flags & AYA_SETUP_SQPOLL) && aya_ring_unsubmitted(&e->ring) > 0;
}

/*
 * Submit what is queued and collect finished completions into the pairs array after the `n`
 * pairs already there, repeating while inline completions free room for waiting ops. Returns
 * the number of pairs in the array.
 *
 * With `mute` (JavaScript's submit()), the eventfd is silenced meanwhile: we reap these CQEs
 * ourselves, and a wake-up for them would only cost a loop turn. But a completion posted (or,
 * with DEFER_TASKRUN, queued as task work, which signals only when its list was empty) while
 * muted would then never wake us, so if requests are still out afterwards we collect what
 * arrived while muted (catch_up) before returning. The wake-up path (on_poll) does not mute:
 * it reset the eventfd before entering, so anything posted later signals again.
 */
static uint32_t pump(struct engine *e, bool mute, uint32_t n) {
  for (;;) {
    check_creds(e);
    if (!e->have_ring) return fail_waiting(e, AYA_ENOSYS, n);
    if (e->n_retired > 0) n += reap_retired(e, e->pairs + 2 * n, e->pairs_cap - n);
    uint32_t before = n;
    n = cancel_unfit_pairs(e, n);
    uint32_t moved = feed_waiting(e) + (n - before);
    if (mute) aya_ring_mute_eventfd(&e->ring, true);
    int submitted = submit_ring(e, &e->ring, aya_ring_needs_taskrun(&e->ring));
    uint32_t got = reap(e, e->pairs + 2 * n, e->pairs_cap - n);
    if (mute) aya_ring_mute_eventfd(&e->ring, false);
    n += got;
    /* The kernel was short of memory or CQ room: try again on the next loop turn. */
    if (submitted == AYA_EAGAIN || submitted == AYA_EBUSY) signal_eventfd(e);
    if (n == e->pairs_cap) break;
    /* Whole-file reads that went on while we reaped wrote SQEs: submit them (unless this
     * round made no progress at all: then the wake-up below retries). */
    if (continuations_queued(e) && submitted >= 0 && (submitted > 0 || got > 0)) continue;
    if (e->waiting.len == 0 || (moved == 0 && got == 0 && submitted <= 0)) break;
  }
  if (mute && e->ring_ops + e->internal_ops > 0) {
    if (n < e->pairs_cap)
      n += catch_up(e, n);
    else
      signal_eventfd(e); /* JavaScript submits again for a full array; the signal is a backstop */
  }
  /* SQEs written while reaping and not submitted yet (a full array, a refused enter, or
   * catch_up's reap): the wake-up's pump submits them. */
  if (continuations_queued(e)) signal_eventfd(e);
  /* An SQPOLL ring's kernel thread publishes the SQ head after the CQEs of the same batch:
   * with all of them reaped, the SQ can still look full for a moment. Ops left waiting with
   * nothing in flight to signal would wait forever: wake ourselves to feed them. */
  if (e->waiting.len > 0 && e->ring_ops + e->internal_ops == 0) signal_eventfd(e);
  return n;
}

static uint32_t fail_waiting(struct engine *e, int32_t res, uint32_t n) {
  while (e->waiting.len > 0) {
    uint32_t after = fail_front(e, res, n);
    if (after == n) break; /* the array is full: the rest stays queued */
    n = after;
  }
  return n;
}

/* Hand `count` pairs to JavaScript's onComplete, in a callback scope so microtasks run after:
 * our own (async context) when woken by libuv, the host's when by a threadsafe function. */
static void deliver(struct engine *e, uint32_t count) {
  napi_env env = e->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value fn, recv, arg = aya_int(env, count);
  if (napi_get_reference_value(env, e->on_complete_ref, &fn) == napi_ok && fn &&
      napi_get_global(env, &recv) == napi_ok /* make_callback wants an object */) {
    e->delivering = true;
    napi_status st = e->notifier && e->notifier->ops->host_scope
                         ? napi_call_function(env, recv, fn, 1, &arg, NULL)
                         : napi_make_callback(env, e->async_ctx, recv, fn, 1, &arg, NULL);
    e->delivering = false;
    if (st == napi_pending_exception) {
      napi_value err;
      napi_get_and_clear_last_exception(env, &err);
      napi_fatal_exception(env, err);
    }
  }
  napi_close_handle_scope(env, scope);
}

/* The eventfd fired: reap everything (in rounds of the pairs array's size) and deliver it. */
static void on_poll(void *ctx) {
  struct engine *e = ctx;
  uint64_t count;
  ssize_t ignored = read(e->efd, &count, sizeof count); /* reset; EAGAIN: already reset */
  (void)ignored;
  while (!e->delivering) {
    uint32_t n = pump(e, false, 0);
    if (n > 0) deliver(e, n);
    if (n < e->pairs_cap) break;
  }
  update_ref(e);
}

/* ---- Teardown ------------------------------------------------------------------------------ */

/* Ask the kernel to cancel everything of ours in flight (5.19's CANCEL_ANY; on older kernels
 * the request fails with EINVAL and we simply wait for the requests to finish). */
static void cancel_all(struct engine *e) {
  struct aya_sqe *sqe = aya_ring_get_sqe(&e->ring);
  if (!sqe) {
    aya_ring_submit(&e->ring, true);
    sqe = aya_ring_get_sqe(&e->ring);
  }
  if (!sqe) return;
  *sqe = cancel_sqe(AYA_ASYNC_CANCEL_ANY, -1, 0);
  sqe->user_data = INTERNAL_TOKEN;
  e->internal_ops++;
}

/*
 * Cancel and wait for every request in the kernel, so none can write into a buffer after
 * JavaScript's heap is gone, then unmap the ring. Ops still waiting are dropped.
 */
static void drain_retired(struct engine *e) {
  struct aya_sqe any = cancel_sqe(AYA_ASYNC_CANCEL_ANY, -1, 0);
  cancel_retired(e, &any);
  for (uint32_t i = 0; i < e->n_retired; i++) {
    struct retired_ring *r = &e->retired[i];
    while (r->ops > 0) {
      if (reap_one_retired(e, r, NULL, UINT32_MAX) == 0 && aya_cq_ready(&r->ring) == 0 && aya_ring_wait(&r->ring) < 0)
        break;
    }
    aya_ring_destroy(&r->ring);
    aya_creds_free(&r->creds);
  }
  free(e->retired);
  e->retired = NULL;
  e->n_retired = e->retired_ops = 0;
}

static void drain_and_release(struct engine *e) {
  drain_retired(e);
  if (!e->have_ring) return;
  e->waiting.len = 0;
  if (e->ring_ops > 0) cancel_all(e);
  aya_ring_submit(&e->ring, true);
  while (e->ring_ops + e->internal_ops > 0) {
    if (reap(e, NULL, UINT32_MAX) == 0 && aya_cq_ready(&e->ring) == 0 && aya_ring_wait(&e->ring) < 0) break;
  }
  ring_release(e);
}

/* Stop watching the eventfd; closed(arg) runs once the notifier is gone (see notify.h). */
static void stop_poll(struct engine *e, aya_closed_fn closed, void *arg) {
  struct aya_notifier *n = e->notifier;
  e->notifier = NULL;
  e->notifier_refd = false;
  if (n)
    n->ops->close(n, closed, arg);
  else if (closed)
    closed(arg);
}

static void free_engine(struct engine *e) {
  if (e->efd >= 0) close(e->efd);
  free(e->owned.fds);
  free(e->waiting.items);
  free(e);
}

struct cleanup_ctx {
  struct engine *e;
  napi_async_cleanup_hook_handle handle;
};

static void on_notifier_closed(void *arg) {
  struct cleanup_ctx *ctx = arg;
  napi_remove_async_cleanup_hook(ctx->handle);
  free_engine(ctx->e);
  free(ctx);
}

/* `destroy_ctx` false: at teardown in a plain cleanup hook, where Deno cannot destroy an
 * async context (it aborts: no HandleScope); the environment takes it along. */
static void release_js_refs(struct engine *e, bool destroy_ctx) {
  if (e->pairs_ref) napi_delete_reference(e->env, e->pairs_ref);
  if (e->on_complete_ref) napi_delete_reference(e->env, e->on_complete_ref);
  if (e->async_ctx && destroy_ctx) napi_async_destroy(e->env, e->async_ctx);
  e->pairs_ref = e->on_complete_ref = NULL;
  e->async_ctx = NULL;
  e->pairs = NULL;
  e->pairs_cap = 0;
}

/*
 * The environment is going away (process exit, worker terminate): drain, then free. Two
 * hooks, one registered at a time: the plain one while no uv_poll handle exists (it frees at
 * once; Deno also frees an async hook's handle itself, so removing it from inside the hook
 * would free it twice), the async one from the first uv_poll on, whose close finishes on
 * Node's loop.
 */
static void on_env_exit(void *arg) {
  struct engine *e = arg;
  drain_and_release(e);
  owned_close_all(&e->owned);
  release_js_refs(e, false);
  stop_poll(e, NULL, NULL);
  free_engine(e);
}

static void on_env_cleanup(napi_async_cleanup_hook_handle handle, void *arg) {
  struct engine *e = arg;
  drain_and_release(e);
  owned_close_all(&e->owned);
  release_js_refs(e, true);
  struct cleanup_ctx *ctx = malloc(sizeof *ctx);
  if (!ctx) return; /* leak rather than free memory the loop may still reference */
  ctx->e = e;
  ctx->handle = handle;
  stop_poll(e, on_notifier_closed, ctx);
}

/* ---- Exports ---------------------------------------------------------------------------------- */

#define ENGINE_CALL(env, info, call)                                    \
  aya_call call;                                                        \
  if (!aya_get_call(env, info, &call)) return aya_int(env, AYA_EINVAL); \
  struct engine *e = call.state

static const char *const flag_names[] = {"IOPOLL",    "SQPOLL",     "SQ_AFF",        "CQSIZE",       "CLAMP",
                                         "ATTACH_WQ", "R_DISABLED", "SUBMIT_ALL",    "COOP_TASKRUN", "TASKRUN_FLAG",
                                         "SQE128",    "CQE32",      "SINGLE_ISSUER", "DEFER_TASKRUN"};
static const char *const feature_names[] = {
    "SINGLE_MMAP",     "NODROP",  "SUBMIT_STABLE",  "RW_CUR_POS", "CUR_PERSONALITY", "FAST_POLL",   "POLL_32BITS",
    "SQPOLL_NONFIXED", "EXT_ARG", "NATIVE_WORKERS", "RSRC_TAGS",  "CQE_SKIP",        "LINKED_FILE", "REG_REG_RING"};

/* The names of the bits set in `bits`, from `names` (bit i = names[i]). */
static napi_value bit_names(napi_env env, uint32_t bits, const char *const *names, size_t n) {
  const char *set[32];
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (bits & (1u << i)) set[k++] = names[i];
  return aya_string_array(env, set, k);
}

static void set_prop(napi_env env, napi_value obj, const char *name, napi_value v) {
  napi_set_named_property(env, obj, name, v);
}

/* Whether the kernel has the opcode of `op` (the ring's IORING_REGISTER_PROBE). */
static bool ring_supports_op(const void *ring, aya_op_kind op) {
  return aya_ring_supports(ring, uring_opcode[op]);
}

/* { entries, cqEntries, flags, features, ops } of the ring in use. */
static napi_value ring_info(napi_env env, const struct engine *e) {
  napi_value obj;
  napi_create_object(env, &obj);
  const struct aya_ring *r = &e->ring;
  set_prop(env, obj, "entries", aya_int(env, r->sq_entries));
  set_prop(env, obj, "cqEntries", aya_int(env, r->cq_entries));
  set_prop(env, obj, "flags", bit_names(env, r->setup_flags, flag_names, sizeof flag_names / sizeof *flag_names));
  set_prop(env, obj, "features",
           bit_names(env, r->features, feature_names, sizeof feature_names / sizeof *feature_names));
  set_prop(env, obj, "ops", aya_op_names(env, ring_supports_op, r));
  if (e->notifier) {
    napi_value wakeup;
    napi_create_string_utf8(env, e->notifier->ops->name, NAPI_AUTO_LENGTH, &wakeup);
    set_prop(env, obj, "wakeup", wakeup);
  }
  return obj;
}

static bool get_u32_prop(napi_env env, napi_value obj, const char *name, uint32_t *out) {
  napi_value v;
  return napi_get_named_property(env, obj, name, &v) == napi_ok && napi_get_value_uint32(env, v, out) == napi_ok;
}

/* { queueDepth, sqpoll, ioWorkers } → options. */
static bool parse_options(napi_env env, napi_value obj, struct aya_ring_options *o) {
  napi_value v;
  if (!get_u32_prop(env, obj, "queueDepth", &o->queue_depth) || !get_u32_prop(env, obj, "ioWorkers", &o->io_workers))
    return false;
  if (napi_get_named_property(env, obj, "sqpoll", &v) != napi_ok) return false;
  if (napi_get_value_bool(env, v, &o->sqpoll) != napi_ok) return false;
  if (o->queue_depth == 0) o->queue_depth = 1;
  return true;
}

/* Keep the completions array (argv[1]) and onComplete (argv[2]) for deliveries. */
static int attach_js(struct engine *e, const aya_call *call) {
  napi_env env = e->env;
  int32_t *pairs;
  size_t count;
  if (!aya_arg_i32_array(env, call, 1, &pairs, &count) || count < 2) return AYA_EINVAL;
  release_js_refs(e, true);
  if (napi_create_reference(env, call->argv[1], 1, &e->pairs_ref) != napi_ok ||
      napi_create_reference(env, call->argv[2], 1, &e->on_complete_ref) != napi_ok)
    return AYA_EINVAL;
  e->pairs = pairs;
  e->pairs_cap = (uint32_t)(count / 2);
  napi_value resource, name;
  napi_create_object(env, &resource);
  napi_create_string_utf8(env, "ayafileio:io_uring", NAPI_AUTO_LENGTH, &name);
  if (napi_async_init(env, resource, name, &e->async_ctx) != napi_ok) return AYA_EINVAL;
  return 0;
}

/* A uv_poll handle's close finishes on the loop: from the first one on, teardown is the
 * async hook's (which serves a thread notifier too). */
static bool use_async_cleanup(struct engine *e) {
  if (e->async_cleanup) return true;
  if (napi_add_async_cleanup_hook(e->env, on_env_cleanup, e, NULL) != napi_ok) return false;
  napi_remove_env_cleanup_hook(e->env, on_env_exit, e);
  e->async_cleanup = true;
  return true;
}

/* Start watching the eventfd (unref'd until an op is in flight): on the host's libuv loop
 * when JavaScript says it has one and it does, else with the waiter thread. */
static int start_poll(struct engine *e, bool use_loop) {
  if (e->notifier) return 0;
  if (use_loop && use_async_cleanup(e) && aya_notify_loop.open(e->env, e->efd, on_poll, e, &e->notifier) == 0) return 0;
  return aya_notify_thread.open(e->env, e->efd, on_poll, e, &e->notifier);
}

/* options.hostLoop: JavaScript says the host runs libuv's loop (Node); absent means no. */
static bool host_loop_wanted(napi_env env, napi_value options) {
  napi_value v;
  bool yes = false;
  if (napi_get_named_property(env, options, "hostLoop", &v) == napi_ok) napi_get_value_bool(env, v, &yes);
  return yes;
}

static bool same_options(const struct aya_ring_options *a, const struct aya_ring_options *b) {
  return a->queue_depth == b->queue_depth && a->sqpoll == b->sqpoll && a->io_workers == b->io_workers;
}

/* init(options, completions, onComplete) → ring info or -errno. Again later: reconfigure. */
static napi_value js_init(napi_env env, napi_callback_info info) {
  ENGINE_CALL(env, info, call);
  struct aya_ring_options o;
  if (call.argc < 3 || !parse_options(env, call.argv[0], &o)) return aya_int(env, AYA_EINVAL);
  int rc = attach_js(e, &call);
  if (rc < 0) return aya_int(env, rc);
  if (e->efd < 0 && (e->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) return aya_int(env, -errno);
  if (!e->have_ring) {
    rc = ring_create(e, &o);
  } else if (!same_options(&o, &e->opts)) {
    ring_replace(e, &o); /* if it fails the ring in use stays: still a working engine */
  }
  if (rc == 0) rc = start_poll(e, host_loop_wanted(env, call.argv[0]));
  if (rc < 0) return aya_int(env, rc);
  return ring_info(env, e);
}

/* info() → ring info, or null without a ring. */
static napi_value js_info(napi_env env, napi_callback_info info) {
  ENGINE_CALL(env, info, call);
  napi_value null;
  napi_get_null(env, &null);
  return e->have_ring ? ring_info(env, e) : null;
}

/*
 * Queue `n` SQEs (1, or a linked pair): straight into the ring when it has room for all, else
 * into `waiting`. A pair always enters the ring together: a submit between the two would end
 * the link, and the second would run without waiting for the first.
 */
static int enqueue_sqes(struct engine *e, const struct aya_sqe *sqes, uint32_t n) {
  if (!e->have_ring) return AYA_ENOSYS;
  for (uint32_t i = 0; i < n; i++) {
    if (!aya_ring_supports(&e->ring, sqes[i].opcode)) return AYA_ENOSYS;
  }
  if (e->waiting.len == 0 && !(e->ring.setup_flags & AYA_SETUP_SQPOLL) && ring_has_room(e, n)) {
    for (uint32_t i = 0; i < n; i++) *aya_ring_get_sqe(&e->ring) = sqes[i];
    e->ring_ops += n;
  } else {
    for (uint32_t i = 0; i < n; i++) {
      int rc = queue_push(&e->waiting, &sqes[i]);
      if (rc == 0) continue;
      while (i-- > 0) queue_drop_last(&e->waiting);
      return rc;
    }
  }
  /* No update_ref here: JavaScript calls submit() before the loop can next decide to exit
   * (at the microtask checkpoint, or from a pending setImmediate), and submit() refs the poll
   * handle if the op is still outstanding then. */
  return 0;
}

/* Queue one SQE (enqueue_sqes). */
static int enqueue(struct engine *e, const struct aya_sqe *sqe) {
  return enqueue_sqes(e, sqe, 1);
}

/* Submit what is queued, reap what finished into the pairs array; returns the pair count. */
static uint32_t submit_queued(struct engine *e) {
  uint32_t n = e->pairs ? pump(e, true, 0) : 0;
  update_ref(e);
  return n;
}

/*
 * An op's result: -errno if refused; else the number of completion pairs written, which is 0
 * unless the ticket asked to submit at once (the first op of a batch: one call into the
 * addon instead of two).
 */
static napi_value queue_result(napi_env env, struct engine *e, const struct aya_sqe *sqe, bool submit_now) {
  int rc = enqueue(e, sqe);
  if (rc < 0 || !submit_now) return aya_int(env, rc);
  return aya_int(env, submit_queued(e));
}

/* The ticket argument of every op, its token as an SQE's user_data. */
static bool arg_ticket(napi_env env, const aya_call *call, uint64_t *token, bool *submit_now) {
  int32_t t;
  if (!aya_arg_ticket(env, call, &t, submit_now)) return false;
  *token = (uint64_t)t;
  return true;
}

/* A NUL-terminated path argument (JavaScript keeps the buffer alive until the op completes):
 * its bytes, and how many with the NUL. */
static bool arg_path(napi_env env, const aya_call *call, size_t i, uint8_t **path, size_t *len) {
  return aya_arg_bytes(env, call, i, path, len) && *len > 0 && (*path)[*len - 1] == 0;
}

/* arg_path() as an SQE's address. */
static bool arg_path_addr(napi_env env, const aya_call *call, size_t i, uint64_t *addr) {
  uint8_t *path;
  size_t len;
  if (!arg_path(env, call, i, &path, &len)) return false;
  *addr = (uint64_t)(uintptr_t)path;
  return true;
}

/* open(ticket, pathBuf, flags, mode) */
static napi_value js_open(napi_env env, napi_callback_info info) {
  ENGINE_CALL(env, info, call);
  bool now;
  struct aya_sqe sqe = {.opcode = uring_opcode[AYA_OP_OPEN], .fd = AT_FDCWD};
  int32_t flags, mode;
  if (!arg_ticket(env, &call, &sqe.user_data, &now) || !arg_path_addr(env, &call, 1, &sqe.addr) ||
      !aya_arg_i32(env, &call, 2, &flags) || !aya_arg_i32(env, &call, 3, &mode))
    return aya_int(env, AYA_EINVAL);
  sqe.user_data |= OPEN_TAG;
  sqe.len = (uint32_t)mode;
  sqe.op_flags = (uint32_t)flags | O_CLOEXEC; /* like libuv: fds never leak into children */
  /* Tried inline, the kernel opens with O_NONBLOCK (clearing it after): a FIFO opened
   * read-only would not wait for a writer as open(2) does, write-only would fail ENXIO. The
   * io-wq worker opens blocking. (O_RDWR never waits; O_CREAT/O_TRUNC opens go there anyway.) */
  if ((flags & O_ACCMODE) != O_RDWR) sqe.flags = AYA_SQE_ASYNC;
  return queue_result(env, e, &sqe, now);
}

/*
 * Reads and writes at least this long go straight to the kernel's io-wq workers
 * (IOSQE_ASYNC): a cached copy of this size costs tens of microseconds, which would otherwise
 * run inline on the JS thread, one op after another; in the workers several run in parallel
 * while JavaScript goes on. Below it, the punt costs more than the copy (docs/engine-notes.md,
 * IOSQE_ASYNC; the numbers are in docs/performance.md).
 */
#define ASYNC_COPY_MIN (256u * 1024u)

/* The SQE of read/write(ticket, fd, buf, off, len, pos) into `sqe`; 0, or the errno to refuse with. */
static int rw_sqe(napi_env env, const aya_call *call, aya_op_kind op, struct aya_sqe *sqe, bool *now) {
  const struct engine *e = call->state;
  uint8_t *buf;
  int64_t pos;
  *sqe = (struct aya_sqe){.opcode = uring_opcode[op]};
  if (!arg_ticket(env, call, &sqe->user_data, now) || !aya_arg_i32(env, call, 1, &sqe->fd) ||
      !aya_arg_io(env, call, 2, &buf, &sqe->len, &pos))
    return AYA_EINVAL;
  if (pos < 0 && e->have_ring && !(e->ring.features & AYA_FEAT_RW_CUR_POS)) return AYA_ENOSYS;
  sqe->addr = (uint64_t)(uintptr_t)buf;
  sqe->off = (uint64_t)pos; /* -1: the file position */
  if (sqe->len >= ASYNC_COPY_MIN) sqe->flags = AYA_SQE_ASYNC;
  return 0;
}

/* read/write(ticket, fd, buf, off, len, pos) */
static napi_value rw_op(napi_env env, napi_callback_info info, aya_op_kind op) {
  ENGINE_CALL(env, info, call);
  bool now;
  struct aya_sqe sqe;
  int rc = rw_sqe(env, &call, op, &sqe, &now);
  return rc < 0 ? aya_int(env, rc) : queue_result(env, e, &sqe, now);
}

static napi_value js_read(napi_env env, napi_callback_info info) {
  return rw_op(env, info, AYA_OP_READ);
}
static napi_value js_write(napi_env env, napi_callback_info info) {
  return rw_op(env, info, AYA_OP_WRITE);
}

/* What writeThen() links behind its write. */
enum linked_op { LINKED_CLOSE = 0, LINKED_FSYNC = 1, LINKED_FDATASYNC = 2 };

/*
 * writeThen(ticket, fd, buf, off, len, pos, nextTicket, next): write(), and `next` (a
 * linked_op) on the same fd linked behind it (IOSQE_IO_LINK): one submission, and the kernel
 * starts the second op right where the write ends (in the same io-wq worker when the write
 * went there) instead of after a round trip through JavaScript. The kernel cancels it
 * (-ECANCELED) when the write fails or is short. Never submits by itself, whatever the
 * ticket says: JavaScript tracks both tickets before the submit that may complete them.
 */
static napi_value js_write_then(napi_env env, napi_callback_info info) {
  ENGINE_CALL(env, info, call);
  bool now;
  struct aya_sqe sqes[2];
  int32_t next_ticket, next;
  int rc = rw_sqe(env, &call, AYA_OP_WRITE, &sqes[0], &now);
  if (rc < 0) return aya_int(env, rc);
  if (e->have_ring && e->ring.sq_entries < 2) return aya_int(env, AYA_ENOSYS); /* a pair never fits */
  if (!aya_arg_i32(env, &call, 6, &next_ticket) || next_ticket < 0 || !aya_arg_i32(env, &call, 7, &next) ||
      next < LINKED_CLOSE || next > LINKED_FDATASYNC)
    return aya_int(env, AYA_EINVAL);
  sqes[0].flags |= AYA_SQE_IO_LINK;
  bool close_fd = next == LINKED_CLOSE;

  sqes[1] = (struct aya_sqe){
      .opcode = uring_opcode[close_fd ? AYA_OP_CLOSE : AYA_OP_FSYNC],
      .fd = sqes[0].fd,
      .op_flags = next == LINKED_FDATASYNC ? AYA_FSYNC_DATASYNC : 0,
      .user_data = (uint64_t)(next_ticket >> 1), /* a ticket's token (its submitNow bit is ignored) */
  };
  /* A close behind a write is the file's last reference: its release may start writeback
   * (ext4 does for a file truncated and rewritten), which would run on the JavaScript thread
   * as task work; in an io-wq worker it runs beside it (docs/engine-notes.md, Linked ops). */
  if (close_fd) sqes[1].flags = AYA_SQE_ASYNC;
  /* Unlike js_close, the fd stays owned until the close's completion says it ran: teardown
   * cancels what is in flight, and a close cancelled there would leave the fd open for good. */
  if (close_fd && sqes[0].fd >= 0) sqes[1].user_data |= LINKED_CLOSE_TAG | ((uint64_t)sqes[0].fd << 32);
  return aya_int(env, enqueue_sqes(e, sqes, 2));
}

/*
 * The open of the whole-file op `op` (whole.h) into the ring, submitted now or at the
 * checkpoint; the engine goes on from its CQE. Refused with EAGAIN when it cannot go into the
 * ring at once (every slot busy, no room, ops waiting, SQPOLL): JavaScript then opens the file
 * itself. Never into `waiting`: fail_waiting() would end it without freeing its slot.
 */
static napi_value queue_whole(napi_env env, struct engine *e, const struct aya_whole_op *op, bool now) {
  if (!e->have_ring || e->waiting.len > 0 || (e->ring.setup_flags & AYA_SETUP_SQPOLL) || !ring_has_room(e, 1))
    return aya_int(env, AYA_EAGAIN);
  struct aya_sqe sqe;
  if (!aya_whole_open(&e->wholes, op, &sqe)) return aya_int(env, AYA_EAGAIN);
  *aya_ring_get_sqe(&e->ring) = sqe;
  e->ring_ops++;
  return aya_int(env, now ? (int32_t)submit_queued(e) : 0);
}

/*
 * writeWhole(ticket, pathBuf, flags, mode, buf, off, len): writeFile of a path (whole.h): open
 * it with `flags` (without O_TRUNC), cut it to `len` where it is longer, write buf[off, off +
 * len) at the new fd's position and close it, with one completion (its result as whole.h says:
 * `len`, a failed step and its errno, or the fd handed over for JavaScript to write).
 */
static napi_value js_write_whole(napi_env env, napi_callback_info info) {
  ENGINE_CALL(env, info, call);
  bool now;
  uint8_t *path;
  size_t path_len;
  int32_t flags, mode;
  struct aya_whole_op op = {.kind = AYA_WHOLE_WRITE};
  if (!arg_ticket(env, &call, &op.token, &now) || !arg_path(env, &call, 1, &path, &path_len) ||
      !aya_arg_i32(env, &call, 2, &flags) || !aya_arg_i32(env, &call, 3, &mode) ||
      !aya_arg_span(env, &call, 4, &op.buf, &op.len))
    return aya_int(env, AYA_EINVAL);
  op.path = path;
  op.flags = flags;
  op.mode = (uint32_t)mode;
  op.async_io = op.len >= ASYNC_COPY_MIN;
  return queue_whole(env, e, &op, now);
}

/*
 * readWhole(ticket, pathBuf, buf, off, len): readFile of a path (whole.h): open it read-only
 * and, for a regular file of 1 to `len` bytes, read it into buf[off, off + len) and close it,
 * with one completion (its result as whole.h says: the bytes read, a failure, or the fd handed
 * over for JavaScript to read).
 */
static napi_value js_read_whole(napi_env env, napi_callback_info info) {
  ENGINE_CALL(env, info, call);
  bool now;
  uint8_t *path;
  size_t path_len;
  struct aya_whole_op op = {.kind = AYA_WHOLE_READ};
  if (!arg_ticket(env, &call, &op.token, &now) || !arg_path(env, &call, 1, &path, &path_len) ||
      !aya_arg_span(env, &call, 2, &op.buf, &op.len))
    return aya_int(env, AYA_EINVAL);
  op.path = path;
  op.async_io = op.len >= ASYNC_COPY_MIN;
  return queue_whole(env, e, &op, now);
}

/*
 * fstatCached(fd, out): statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC) here, on the calling
 * thread. For open(), which needs the type and size of the file it has just opened: the
 * kernel holds them in memory (a network filesystem refreshed them at the open, and
 * DONT_SYNC keeps it from asking its server again), so the call does not wait for I/O, while
 * the ring's statx always goes through an io-wq worker: a kernel-thread round trip per open
 * (docs/engine-notes.md, Open). Returns 0 or -errno.
 */
static napi_value js_fstat_cached(napi_env env, napi_callback_info info) {
  aya_call call;
  int32_t fd;
  uint8_t *out;
  size_t out_len;
  if (!aya_get_call(env, info, &call) || !aya_arg_i32(env, &call, 0, &fd) ||
      !aya_arg_bytes(env, &call, 1, &out, &out_len) || out_len < AYA_STATX_BYTES)
    return aya_int(env, AYA_EINVAL);
  return aya_int(env, aya_fstat_cached(fd, out));
}

/*
 * kernelOwnsSize(fd): whether the size fstatCached() gives for fd is the file's current one
 * (size_owner.h): 1 or 0, or -errno from the statx. For replaceInPlace, which skips its cut
 * only then, as the whole-file write does (docs/engine-notes.md, Whole-file writes).
 */
static napi_value js_kernel_owns_size(napi_env env, napi_callback_info info) {
  aya_call call;
  int32_t fd;
  if (!aya_get_call(env, info, &call) || !aya_arg_i32(env, &call, 0, &fd)) return aya_int(env, AYA_EINVAL);
  aya_statx st;
  int rc = aya_fstat_cached(fd, &st);
  return aya_int(env, rc < 0 ? rc : aya_kernel_owns_size(&st));
}

/* fsync(ticket, fd, datasync) */
static napi_value js_fsync(napi_env env, napi_callback_info info) {
  ENGINE_CALL(env, info, call);
  bool now;
  struct aya_sqe sqe = {.opcode = uring_opcode[AYA_OP_FSYNC]};
  bool datasync = false;
  if (!arg_ticket(env, &call, &sqe.user_data, &now) || !aya_arg_i32(env, &call, 1, &sqe.fd) ||
      !aya_arg_bool(env, &call, 2, &datasync))
    return aya_int(env, AYA_EINVAL);
  sqe.op_flags = datasync ? AYA_FSYNC_DATASYNC : 0;
  return queue_result(env, e, &sqe, now);
}

/* ftruncate(ticket, fd, len) */
static napi_value js_ftruncate(napi_env env, napi_callback_info info) {
  ENGINE_CALL(env, info, call);
  bool now;
  struct aya_sqe sqe = {.opcode = uring_opcode[AYA_OP_FTRUNCATE]};
  int64_t len;
  if (!arg_ticket(env, &call, &sqe.user_data, &now) || !aya_arg_i32(env, &call, 1, &sqe.fd) ||
      !aya_arg_i64(env, &call, 2, &len) || len < 0)
    return aya_int(env, AYA_EINVAL);
  sqe.off = (uint64_t)len;
  return queue_result(env, e, &sqe, now);
}

/* close(ticket, fd) */
static napi_value js_close(napi_env env, napi_callback_info info) {
  ENGINE_CALL(env, info, call);
  bool now;
  struct aya_sqe sqe = {.opcode = uring_opcode[AYA_OP_CLOSE]};
  if (!arg_ticket(env, &call, &sqe.user_data, &now) || !aya_arg_i32(env, &call, 1, &sqe.fd))
    return aya_int(env, AYA_EINVAL);
  owned_remove(&e->owned, sqe.fd); /* even if refused: then the fallback closes it */
  return queue_result(env, e, &sqe, now);
}

/* statx(ticket, fd, pathBuf | null, out): with a path, stat(path); without, fstat(fd). */
static napi_value js_statx(napi_env env, napi_callback_info info) {
  static const char empty_path[] = "";
  ENGINE_CALL(env, info, call);
  bool now;
  struct aya_sqe sqe = {.opcode = uring_opcode[AYA_OP_STATX], .len = AYA_STATX_BASIC_STATS | AYA_STATX_BTIME};
  uint8_t *out;
  size_t out_len;
  if (!arg_ticket(env, &call, &sqe.user_data, &now) || !aya_arg_bytes(env, &call, 3, &out, &out_len) ||
      out_len < AYA_STATX_BYTES)
    return aya_int(env, AYA_EINVAL);
  if (aya_arg_is_nullish(env, &call, 2)) {
    if (!aya_arg_i32(env, &call, 1, &sqe.fd)) return aya_int(env, AYA_EINVAL);
    sqe.addr = (uint64_t)(uintptr_t)empty_path;
    sqe.op_flags = AT_EMPTY_PATH;
  } else {
    if (!arg_path_addr(env, &call, 2, &sqe.addr)) return aya_int(env, AYA_EINVAL);
    sqe.fd = AT_FDCWD;
  }
  sqe.off = (uint64_t)(uintptr_t)out; /* addr2: where the kernel writes struct statx */
  return queue_result(env, e, &sqe, now);
}

/* mkdir(ticket, pathBuf, mode): mkdirat(AT_FDCWD, path, mode); the umask applies. */
static napi_value js_mkdir(napi_env env, napi_callback_info info) {
  ENGINE_CALL(env, info, call);
  bool now;
  struct aya_sqe sqe = {.opcode = uring_opcode[AYA_OP_MKDIR], .fd = AT_FDCWD};
  int32_t mode;
  if (!arg_ticket(env, &call, &sqe.user_data, &now) || !arg_path_addr(env, &call, 1, &sqe.addr) ||
      !aya_arg_i32(env, &call, 2, &mode) || mode < 0)
    return aya_int(env, AYA_EINVAL);
  sqe.len = (uint32_t)mode;
  return queue_result(env, e, &sqe, now);
}

/* unlink(ticket, pathBuf, dir): unlinkat(AT_FDCWD, path, dir ? AT_REMOVEDIR : 0). */
static napi_value js_unlink(napi_env env, napi_callback_info info) {
  ENGINE_CALL(env, info, call);
  bool now;
  struct aya_sqe sqe = {.opcode = uring_opcode[AYA_OP_UNLINK], .fd = AT_FDCWD};
  bool dir = false;
  if (!arg_ticket(env, &call, &sqe.user_data, &now) || !arg_path_addr(env, &call, 1, &sqe.addr) ||
      !aya_arg_bool(env, &call, 2, &dir))
    return aya_int(env, AYA_EINVAL);
  sqe.op_flags = dir ? AT_REMOVEDIR : 0;
  return queue_result(env, e, &sqe, now);
}

/* rename(ticket, fromBuf, toBuf): renameat(AT_FDCWD, from, AT_FDCWD, to). */
static napi_value js_rename(napi_env env, napi_callback_info info) {
  ENGINE_CALL(env, info, call);
  bool now;
  struct aya_sqe sqe = {.opcode = uring_opcode[AYA_OP_RENAME], .fd = AT_FDCWD, .len = (uint32_t)AT_FDCWD};
  if (!arg_ticket(env, &call, &sqe.user_data, &now) || !arg_path_addr(env, &call, 1, &sqe.addr) ||
      !arg_path_addr(env, &call, 2, &sqe.off)) /* off is addr2: the new path */
    return aya_int(env, AYA_EINVAL);
  return queue_result(env, e, &sqe, now);
}

/*
 * cancelFd(ticket, fd) and cancelOpen(ticket, token): the cancel of `target`, the fd or the
 * open's token (`open`), under the ticket's token; the same goes to every retired ring as an
 * internal request (the result JavaScript gets covers the current ring).
 */
static napi_value cancel_op(napi_env env, napi_callback_info info, bool open) {
  ENGINE_CALL(env, info, call);
  bool now;
  int32_t target;
  uint64_t token;
  if (!arg_ticket(env, &call, &token, &now) || !aya_arg_i32(env, &call, 1, &target) || target < 0)
    return aya_int(env, AYA_EINVAL);
  struct aya_sqe how = open ? cancel_sqe(0, -1, (uint64_t)target | OPEN_TAG)
                            : cancel_sqe(AYA_ASYNC_CANCEL_FD | AYA_ASYNC_CANCEL_ALL, target, 0);
  cancel_retired(e, &how);
  how.user_data = token;
  return queue_result(env, e, &how, now);
}

/* cancelFd(ticket, fd): cancel every in-flight op on `fd` (5.19+); completes with the count
 * cancelled (0 if none), or AYA_EINVAL on older kernels. */
static napi_value js_cancel_fd(napi_env env, napi_callback_info info) {
  return cancel_op(env, info, false);
}

/*
 * cancelOpen(ticket, token): cancel the open JavaScript submitted under `token` (its
 * user_data carries OPEN_TAG), on the current ring and the retired ones: the one op with no fd
 * for cancelFd to name. An open of a FIFO waits for the other end in an io-wq worker,
 * interruptibly; the cancel interrupts it (KERNEL_ERESTARTSYS, reported -ECANCELED) or, not
 * started yet, ends it -ECANCELED. Completes with 0 (found before it ran), -EALREADY (running:
 * interrupted; an open that was not waiting still completes with its fd) or -ENOENT (not in
 * the current ring's kernel side: completed, on a retired ring, or still waiting for ring
 * room, so JavaScript asks again until the open has completed).
 */
static napi_value js_cancel_open(napi_env env, napi_callback_info info) {
  return cancel_op(env, info, true);
}

/* submit() → number of completion pairs written (the caller settles them). */
static napi_value js_submit(napi_env env, napi_callback_info info) {
  ENGINE_CALL(env, info, call);
  return aya_int(env, submit_queued(e));
}

/* ---- The synchronous drain (process exit) ------------------------------------------------ */

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Block until the eventfd fires or `ms` pass (-1: no limit); reset it. */
static void wait_eventfd(struct engine *e, int ms) {
  struct pollfd p = {.fd = e->efd, .events = POLLIN};
  if (poll(&p, 1, ms) > 0) {
    uint64_t count;
    ssize_t ignored = read(e->efd, &count, sizeof count);
    (void)ignored;
  }
}

/* Cancel every JS op in flight or waiting (the waiting ones complete AYA_ECANCELED at once). */
static uint32_t cancel_in_flight(struct engine *e, uint32_t n) {
  n = fail_waiting(e, AYA_ECANCELED, n);
  if (e->ring_ops > 0) cancel_all(e);
  struct aya_sqe any = cancel_sqe(AYA_ASYNC_CANCEL_ANY, -1, 0);
  cancel_retired(e, &any);
  return n;
}

/*
 * drainSync(timeoutMs, cancel): for the last flush at process or worker exit, when no loop
 * turn will deliver completions. With `cancel`, first cancels every JS op in flight (a read of
 * an idle pipe would never end; a write already running still finishes with its real result).
 * Then blocks until a completion arrives, no JS op is in flight, or timeoutMs pass. Returns
 * the number of completion pairs written (the caller settles them and calls again while it
 * waits for more), or AYA_ENOSYS without a ring.
 */
static napi_value js_drain_sync(napi_env env, napi_callback_info info) {
  ENGINE_CALL(env, info, call);
  int32_t timeout_ms;
  bool cancel = false;
  if (!aya_arg_i32(env, &call, 0, &timeout_ms) || timeout_ms < 0 || !aya_arg_bool(env, &call, 1, &cancel))
    return aya_int(env, AYA_EINVAL);
  if (!e->have_ring || !e->pairs) return aya_int(env, AYA_ENOSYS);
  int64_t deadline = now_ms() + timeout_ms;
  uint32_t n = cancel ? cancel_in_flight(e, 0) : 0;
  for (;;) {
    n = pump(e, false, n);
    int64_t left = deadline - now_ms();
    if (n > 0 || e->ring_ops + e->retired_ops + e->waiting.len == 0 || left <= 0) break;
    /* Bounded waits: a wake-up the eventfd missed (task work queued behind a non-empty list)
     * costs at most 50 ms, never a hang. */
    wait_eventfd(e, left < 50 ? (int)left : 50);
  }
  update_ref(e);
  return aya_int(env, n);
}

/* shutdown(): cancel and drain everything and release the ring (init() starts over). */
static napi_value js_shutdown(napi_env env, napi_callback_info info) {
  ENGINE_CALL(env, info, call);
  drain_and_release(e);
  stop_poll(e, NULL, NULL);
  return aya_int(env, 0);
}

/* ownFds() → the descriptors this environment's engine holds (eventfd, ring), so that
 * wrapFd() can refuse them: closing one would hang every later op. */
static napi_value js_own_fds(napi_env env, napi_callback_info info) {
  ENGINE_CALL(env, info, call);
  napi_value list;
  napi_create_array(env, &list);
  uint32_t n = 0;
  if (e->efd >= 0) napi_set_element(env, list, n++, aya_int(env, e->efd));
  if (e->have_ring) napi_set_element(env, list, n++, aya_int(env, e->ring.fd));
  return list;
}

napi_value aya_backend_init(napi_env env, napi_value exports) {
  struct engine *e = calloc(1, sizeof *e);
  if (!e) return NULL;
  e->env = env;
  e->efd = -1;
  aya_wholes_init(&e->wholes);
  e->ring.fd = -1;
  if (napi_set_instance_data(env, e, NULL, NULL) != napi_ok ||
      napi_add_env_cleanup_hook(env, on_env_exit, e) != napi_ok) {
    free(e);
    return NULL;
  }
  static const aya_exports fns = {
      .ops = {[AYA_OP_OPEN] = js_open,
              [AYA_OP_READ] = js_read,
              [AYA_OP_WRITE] = js_write,
              [AYA_OP_FSYNC] = js_fsync,
              [AYA_OP_FTRUNCATE] = js_ftruncate,
              [AYA_OP_STATX] = js_statx,
              [AYA_OP_CLOSE] = js_close,
              [AYA_OP_CANCEL_FD] = js_cancel_fd,
              [AYA_OP_MKDIR] = js_mkdir,
              [AYA_OP_UNLINK] = js_unlink,
              [AYA_OP_RENAME] = js_rename,
              [AYA_OP_WRITE_THEN] = js_write_then,
              [AYA_OP_WRITE_WHOLE] = js_write_whole,
              [AYA_OP_READ_WHOLE] = js_read_whole,
              [AYA_OP_CANCEL_OPEN] = js_cancel_open},
      .init = js_init,
      .info = js_info,
      .submit = js_submit,
      .shutdown = js_shutdown,
      .drain_sync = js_drain_sync,
      .own_fds = js_own_fds,
      .fstat_cached = js_fstat_cached,
      .kernel_owns_size = js_kernel_owns_size,
  };
  return aya_define_exports(env, exports, "io_uring", &fns) ? exports : NULL;
}
