/*
 * The completion port of one Node environment: its waiter thread, the hand-over of
 * dequeued packets to the JavaScript thread, and the bookkeeping of ops in flight.
 *
 * The waiter never touches ops or JavaScript: it appends the packets it dequeued to
 * `delivered` and rings a "doorbell" (one threadsafe-function call, only when none is
 * pending), so a burst of completions costs one JavaScript call. The JavaScript thread
 * then finishes the ops and writes [token, result] pairs into the completions array.
 */
#include <stdlib.h>
#include <string.h>
#include "iocp.h"

#define AYA_BATCH 64            /* packets per GetQueuedCompletionStatusEx */
#define AYA_DRAIN_WAIT_MS 10000 /* shutdown gives up on ops that never finish after this */

/* ---- keeping the loop alive only while results are still to come ---- */

static void update_loop_ref(aya_env *st) {
  aya_loop_ref(st->env, st->tsfn, &st->tsfn_refed, st->live > 0 || st->ready.len > 0);
}

/* Register an op whose completion packet is still to come. 0: out of memory. */
int aya_op_track(aya_env *st, aya_op *op) {
  if (!aya_tokens_put(&st->by_token, op->rq.token, op)) return 0;
  st->live++;
  update_loop_ref(st);
  return 1;
}

void aya_op_untrack(aya_env *st, aya_op *op) {
  aya_tokens_drop(&st->by_token, op->rq.token, op);
  st->live--;
  update_loop_ref(st);
}

/* ---- the waiter thread ---- */

/* Append under the lock; on allocation failure wait and retry (a packet must not be lost). */
static void append_delivered(aya_env *st, const OVERLAPPED_ENTRY *e) {
  aya_entries *d = &st->delivered;
  while (!aya_reserve((void **)&d->items, &d->cap, d->len + 1, sizeof *d->items)) {
    ReleaseSRWLockExclusive(&st->lock);
    Sleep(1);
    AcquireSRWLockExclusive(&st->lock);
  }
  d->items[d->len++] = *e;
}

/* Hand a dequeued batch to the JavaScript thread. Returns 1 when told to stop. */
static int hand_over(aya_env *st, const OVERLAPPED_ENTRY *batch, ULONG n) {
  int stop = 0, wake = 0, ring;
  AcquireSRWLockExclusive(&st->lock);
  for (ULONG i = 0; i < n; i++) {
    if (batch[i].lpCompletionKey == AYA_KEY_STOP) {
      stop = 1;
    } else if (batch[i].lpCompletionKey == AYA_KEY_WAKE) {
      wake = 1;
    } else {
      append_delivered(st, &batch[i]);
    }
  }
  ring = !st->doorbell && (st->delivered.len > 0 || wake);
  if (ring) st->doorbell = 1;
  int waiting = st->draining;
  ReleaseSRWLockExclusive(&st->lock);
  if (waiting) SetEvent(st->handed);
  /* napi_closing during teardown is fine: shutdown drains what is left itself. */
  if (ring) napi_call_threadsafe_function(st->tsfn, NULL, napi_tsfn_nonblocking);
  return stop;
}

static DWORD WINAPI waiter_main(LPVOID arg) {
  aya_env *st = arg;
  OVERLAPPED_ENTRY batch[AYA_BATCH];
  for (;;) {
    ULONG n = 0;
    if (!GetQueuedCompletionStatusEx(st->port, batch, AYA_BATCH, &n, INFINITE, FALSE)) return 1;
    if (hand_over(st, batch, n)) return 0;
  }
}

/* ---- delivery on the JavaScript thread ---- */

static aya_entries take_delivered(aya_env *st) {
  AcquireSRWLockExclusive(&st->lock);
  aya_entries got = st->delivered;
  memset(&st->delivered, 0, sizeof st->delivered);
  st->doorbell = 0;
  ReleaseSRWLockExclusive(&st->lock);
  return got;
}

static void deliver(napi_env env, napi_value on_complete, void *context, void *data) {
  aya_env *st = context;
  (void)data;
  if (env == NULL || st->port == NULL) return; /* torn down: shutdown drained everything */
  aya_sink s;
  aya_sink_init(&s, env, on_complete, st->completions);
  aya_entries got = take_delivered(st);
  for (size_t i = 0; i < got.len; i++) {
    aya_pair p;
    if (aya_finish_packet(st, &got.items[i], &p)) aya_sink_put(&s, p);
  }
  free(got.items);
  /* Results submit() could not fit: taken out first, onComplete may queue new ones. */
  aya_pairs ready = st->ready;
  memset(&st->ready, 0, sizeof st->ready);
  for (size_t i = 0; i < ready.len; i++) aya_sink_put(&s, ready.items[i]);
  free(ready.items);
  aya_sink_flush(&s);
  update_loop_ref(st);
}

size_t aya_take_ready(aya_env *st, int32_t *out, size_t max_pairs) {
  size_t n = aya_pairs_take(&st->ready, out, max_pairs);
  /* More than the array holds: the rest goes out through onComplete on the next turn. */
  if (st->ready.len > 0) PostQueuedCompletionStatus(st->port, 0, AYA_KEY_WAKE, NULL);
  update_loop_ref(st);
  return n;
}

/* ---- the synchronous drain (process exit) ---- */

static void set_draining(aya_env *st, int on) {
  AcquireSRWLockExclusive(&st->lock);
  st->draining = on;
  ReleaseSRWLockExclusive(&st->lock);
}

/* Finish the packets handed over so far into out[n..]; pairs past `max_pairs` wait in `ready`. */
static size_t finish_delivered(aya_env *st, int32_t *out, size_t n, size_t max_pairs) {
  aya_entries got = take_delivered(st);
  for (size_t i = 0; i < got.len; i++) {
    aya_pair p;
    if (!aya_finish_packet(st, &got.items[i], &p)) continue;
    if (n < max_pairs) {
      out[2 * n] = p.token;
      out[2 * n + 1] = p.result;
      n++;
    } else {
      aya_push_ready(st, p.token, p.result);
    }
  }
  free(got.items);
  return n;
}

/*
 * drainSync() (offthread.h): for the last flush at process or worker exit, when no tsfn call
 * will run. With `cancel`, first cancels the I/O in flight on every handle. Then waits up to
 * `timeout_ms` for a completion (the waiter hands packets over and signals `handed`) and
 * writes what finished into the completions array.
 */
int64_t aya_drain_sync(napi_env env, aya_env *st, uint32_t timeout_ms, bool cancel) {
  size_t max_pairs;
  int32_t *out = aya_completions(env, st->completions, &max_pairs);
  if (out == NULL) return AYA_ENOSYS;
  if (cancel) aya_cancel_all(st);
  ULONGLONG deadline = GetTickCount64() + timeout_ms;
  size_t n = aya_take_ready(st, out, max_pairs);
  set_draining(st, 1);
  for (;;) {
    n = finish_delivered(st, out, n, max_pairs);
    ULONGLONG now = GetTickCount64();
    if (n > 0 || st->live == 0 || now >= deadline) break;
    WaitForSingleObject(st->handed, (DWORD)(deadline - now));
  }
  set_draining(st, 0);
  return (int64_t)n;
}

/* ---- start and stop ---- */

int32_t aya_env_start(aya_env *st, napi_value on_complete) {
  napi_value name;
  st->port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
  if (st->port == NULL) return aya_uv_error(GetLastError());
  if (st->handed == NULL && (st->handed = CreateEventW(NULL, FALSE, FALSE, NULL)) == NULL) {
    int32_t err = aya_uv_error(GetLastError());
    CloseHandle(st->port);
    st->port = NULL;
    return err;
  }
  napi_create_string_utf8(st->env, "ayafileio-iocp", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(st->env, on_complete, NULL, name, 0, 1, NULL, NULL, st, deliver, &st->tsfn) !=
      napi_ok) {
    CloseHandle(st->port);
    st->port = NULL;
    return AYA_ENOMEM;
  }
  napi_unref_threadsafe_function(st->env, st->tsfn);
  st->tsfn_refed = 0;
  st->waiter = CreateThread(NULL, 0, waiter_main, st, 0, NULL);
  if (st->waiter == NULL) {
    int32_t err = aya_uv_error(GetLastError());
    napi_release_threadsafe_function(st->tsfn, napi_tsfn_abort);
    st->tsfn = NULL;
    CloseHandle(st->port);
    st->port = NULL;
    return err;
  }
  return 0;
}

/* Finish packets without telling JavaScript (it is going away or asked to stop). */
static void discard(aya_env *st, const OVERLAPPED_ENTRY *e, size_t n) {
  aya_pair ignored;
  for (size_t i = 0; i < n; i++) aya_finish_packet(st, &e[i], &ignored);
}

/* Wait for the ops still in flight (cancelled I/O, thread-pool work) and finish them. */
static int drain_port(aya_env *st) {
  OVERLAPPED_ENTRY batch[AYA_BATCH];
  while (st->live > 0) {
    ULONG n = 0;
    if (!GetQueuedCompletionStatusEx(st->port, batch, AYA_BATCH, &n, AYA_DRAIN_WAIT_MS, FALSE)) return 0;
    discard(st, batch, n);
  }
  return 1;
}

static void close_all_fds(aya_env *st) {
  for (int32_t fd = AYA_FIRST_FD; fd < st->fds.count; fd++) {
    if (st->fds.slots[fd].handle != NULL) CloseHandle(st->fds.slots[fd].handle);
  }
  aya_fd_table_free(&st->fds);
}

/*
 * Cancel and drain everything and release the port. `from_js`: called by shutdown()
 * (the environment lives on, so the threadsafe function and references are released);
 * otherwise the environment is being torn down and Node releases them itself.
 */
void aya_env_stop(aya_env *st, bool from_js) {
  if (st->port == NULL) return;
  aya_cancel_all(st);
  PostQueuedCompletionStatus(st->port, 0, AYA_KEY_STOP, NULL);
  WaitForSingleObject(st->waiter, INFINITE);
  CloseHandle(st->waiter);
  st->waiter = NULL;
  if (from_js) napi_release_threadsafe_function(st->tsfn, napi_tsfn_abort);
  st->tsfn = NULL;
  aya_entries got = take_delivered(st);
  discard(st, got.items, got.len);
  free(got.items);
  /* An op that never finishes keeps its memory and the port: never free what a worker uses. */
  if (drain_port(st)) CloseHandle(st->port);
  st->port = NULL;
  close_all_fds(st);
  st->ready.len = 0;
  if (from_js && st->completions != NULL) napi_delete_reference(st->env, st->completions);
  st->completions = NULL;
}
