/*
 * Results from dispatch threads to JavaScript, and the environment's start and stop.
 *
 * A dispatch thread that finished an op appends it to `delivered` and rings a "doorbell"
 * (one threadsafe-function call, only when none is pending), so a burst of completions costs
 * one JavaScript call. The JavaScript thread then finishes the ops and writes their
 * [token, result] pairs into the completions array.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "dio.h"

#define AYA_DRAIN_WAIT_MS 10000 /* stop gives up on ops that never finish after this */

/* ---- bookkeeping on the JavaScript thread ---- */

void aya_update_loop_ref(aya_env *st) {
  aya_loop_ref(st->env, st->tsfn, &st->tsfn_refed, st->live > 0 || st->ready.len > 0);
}

/*
 * Register an op whose result is still to come. 0: out of memory. The ready list grows
 * here, so finishing an op never needs memory.
 */
int aya_op_track(aya_env *st, aya_op *op) {
  if (!aya_reserve((void **)&st->ready.items, &st->ready.cap, st->ready.len + st->live + 1, sizeof *st->ready.items) ||
      !aya_tokens_put(&st->by_token, op->rq.token, op)) {
    return 0;
  }
  st->live++;
  aya_update_loop_ref(st);
  return 1;
}

void aya_op_untrack(aya_env *st, aya_op *op) {
  aya_tokens_drop(&st->by_token, op->rq.token, op);
  st->live--;
}

/* ---- hand-over, on any thread ---- */

/* Ring the doorbell unless a call is pending. Called with the lock held; 1: call the tsfn. */
static int ring_locked(aya_env *st) {
  if (st->doorbell) return 0;
  st->doorbell = 1;
  return 1;
}

/*
 * Give a finished op to the JavaScript thread. `close_fd_first`: close op->rq.fd under the lock
 * first, so that an open which gets the same number back is handed over after this close.
 */
void aya_hand_over(aya_op *op, int close_fd_first) {
  aya_env *st = op->st;
  dispatch_group_t fd_ops = op->fd_ops, all = op->all; /* op may be freed once it is on the list */
  pthread_mutex_lock(&st->lock);
  if (close_fd_first) op->result = aya_close_fd(op->rq.fd);
  op->next = NULL;
  if (st->delivered_tail != NULL) {
    st->delivered_tail->next = op;
  } else {
    st->delivered = op;
  }
  st->delivered_tail = op;
  int ring = ring_locked(st);
  napi_threadsafe_function tsfn = st->tsfn;
  int waiting = st->draining;
  pthread_mutex_unlock(&st->lock);
  if (waiting) dispatch_semaphore_signal(st->handed);
  /* napi_closing during teardown is fine: aya_env_stop finishes what is left itself. */
  if (ring && tsfn != NULL) napi_call_threadsafe_function(tsfn, NULL, napi_tsfn_nonblocking);
  if (fd_ops != NULL) dispatch_group_leave(fd_ops);
  dispatch_group_leave(all);
}

/* Ask for a delivery on a later turn (results did not fit the completions array). */
void aya_wake(aya_env *st) {
  pthread_mutex_lock(&st->lock);
  int ring = ring_locked(st);
  pthread_mutex_unlock(&st->lock);
  if (ring) napi_call_threadsafe_function(st->tsfn, NULL, napi_tsfn_nonblocking);
}

/* ---- delivery on the JavaScript thread ---- */

/* Finish the ops handed over so far, in order; their pairs go on the ready list. */
void aya_take_delivered(aya_env *st) {
  pthread_mutex_lock(&st->lock);
  aya_op *op = st->delivered;
  st->delivered = st->delivered_tail = NULL;
  pthread_mutex_unlock(&st->lock);
  while (op != NULL) {
    aya_op *next = op->next;
    aya_finish_op(st, op);
    op = next;
  }
}

static void deliver(napi_env env, napi_value on_complete, void *context, void *data) {
  aya_env *st = context;
  (void)data;
  if (env == NULL || !st->started) return; /* torn down: aya_env_stop drained everything */
  pthread_mutex_lock(&st->lock);
  st->doorbell = 0;
  pthread_mutex_unlock(&st->lock);
  aya_take_delivered(st);
  aya_sink s;
  aya_sink_init(&s, env, on_complete, st->completions);
  /* Taken out first: onComplete may issue ops that finish at once onto a new list. */
  aya_pairs ready = st->ready;
  memset(&st->ready, 0, sizeof st->ready);
  for (size_t i = 0; i < ready.len; i++) aya_sink_put(&s, ready.items[i]);
  free(ready.items);
  aya_sink_flush(&s);
  aya_update_loop_ref(st);
}

/* ---- stopping every read and write ---- */

/* Stop every fd's channels and every pipe op's source: their ops end ECANCELED. */
static void stop_all_io(aya_env *st) {
  dispatch_source_t *sources;
  size_t n = aya_collect_sources(st, -1, &sources);
  aya_release_sources(sources, n, 1);
  for (int32_t fd = 0; fd < st->fds.count; fd++) aya_fd_stop_channels(&st->fds.slots[fd]);
}

/* ---- the synchronous drain (process exit) ---- */

static void set_draining(aya_env *st, int on) {
  pthread_mutex_lock(&st->lock);
  st->draining = on;
  pthread_mutex_unlock(&st->lock);
}

/*
 * drainSync() (offthread.h): for the last flush at process or worker exit, when no
 * threadsafe-function call will run. Hand-overs signal `handed` while `draining`; a signal
 * left from an earlier drain only costs one more look at the list.
 */
int64_t aya_drain_sync(napi_env env, aya_env *st, uint32_t timeout_ms, bool cancel) {
  if (st->completions == NULL) return AYA_ENOSYS;
  if (cancel) stop_all_io(st);
  dispatch_time_t deadline = dispatch_time(DISPATCH_TIME_NOW, (int64_t)timeout_ms * (int64_t)NSEC_PER_MSEC);
  set_draining(st, 1);
  aya_take_delivered(st);
  while (st->ready.len == 0 && st->live > 0 && dispatch_semaphore_wait(st->handed, deadline) == 0) {
    aya_take_delivered(st);
  }
  set_draining(st, 0);
  return aya_take_finished(env, st);
}

/* ---- start and stop ---- */

int32_t aya_env_start(aya_env *st, napi_value on_complete) {
  napi_value name;
  st->all = dispatch_group_create();
  if (st->all == NULL) return AYA_ENOMEM;
  napi_create_string_utf8(st->env, "ayafileio-dispatch", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(st->env, on_complete, NULL, name, 0, 1, NULL, NULL, st, deliver, &st->tsfn) !=
      napi_ok) {
    dispatch_release(st->all);
    st->all = NULL;
    return AYA_ENOMEM;
  }
  napi_unref_threadsafe_function(st->env, st->tsfn);
  st->tsfn_refed = 0;
  st->started = 1;
  return 0;
}

/* Wait for every fd's stopped channels to let go of their fds (cleanup handlers). */
static int wait_cleanups(aya_env *st, dispatch_time_t deadline) {
  for (int32_t fd = 0; fd < st->fds.count; fd++) {
    aya_fd *f = &st->fds.slots[fd];
    if (f->channels_out != NULL && dispatch_group_wait(f->channels_out, deadline) != 0) return 0;
  }
  return 1;
}

/*
 * Stop every channel and pipe op (they end ECANCELED), wait for all ops (blocking calls finish) and
 * finish them without telling JavaScript. `from_js`: called by shutdown() (the environment
 * lives on, so the threadsafe function and references are released, and open fds stay open
 * and usable: the next op makes new channels); otherwise the environment is being torn down,
 * Node releases them itself, and the fds it opened and did not close are closed.
 */
void aya_env_stop(aya_env *st, bool from_js) {
  if (!st->started) return;
  dispatch_time_t deadline = dispatch_time(DISPATCH_TIME_NOW, AYA_DRAIN_WAIT_MS * (int64_t)NSEC_PER_MSEC);
  stop_all_io(st);
  int drained = wait_cleanups(st, deadline) && dispatch_group_wait(st->all, deadline) == 0;
  /* An op that never finished keeps the state: never free what a dispatch thread uses. */
  if (!drained) st->stuck = 1;
  pthread_mutex_lock(&st->lock);
  napi_threadsafe_function tsfn = st->tsfn;
  st->tsfn = NULL;
  st->doorbell = 0; /* a call still queued on the released function never runs */
  pthread_mutex_unlock(&st->lock);
  if (from_js) napi_release_threadsafe_function(tsfn, napi_tsfn_abort);
  aya_take_delivered(st);
  if (drained && !from_js) aya_fd_close_owned(&st->fds);
  st->ready.len = 0;
  st->started = 0;
  if (drained) dispatch_release(st->all);
  st->all = NULL;
  if (from_js && st->completions != NULL) napi_delete_reference(st->env, st->completions);
  st->completions = NULL;
}
