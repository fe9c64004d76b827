/*
 * aya_notify_thread: a waiter thread blocked on the eventfd wakes the JavaScript thread
 * through a threadsafe function (notify.h). Needs only N-API, so it serves every host.
 *
 * The waiter resets the eventfd itself and rings a "doorbell": one threadsafe-function call,
 * made only when none is pending, so a burst of completions costs one JavaScript call. The
 * JavaScript thread clears the doorbell before it reaps, so a completion posted after that
 * rings again and none is missed. The thread never touches the ring or JavaScript.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../common/errors.h"
#include "notify.h"

struct thread_notifier {
  struct aya_notifier base;
  napi_env env;
  napi_threadsafe_function tsfn;
  pthread_t thread;
  int efd, stop_fd;
  atomic_bool doorbell; /* a wake-up is queued and the JavaScript thread has not taken it */
  /* JavaScript thread only. `n` is freed once both are true: calls the host still has
   * queued may reach on_doorbell until the threadsafe function is finalized. */
  bool closed, finalized;
};

static void *waiter_main(void *arg) {
  struct thread_notifier *n = arg;
  for (;;) {
    struct pollfd fds[2] = {{.fd = n->efd, .events = POLLIN}, {.fd = n->stop_fd, .events = POLLIN}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return NULL;
    }
    if (fds[1].revents) return NULL;
    if (!fds[0].revents) continue;
    uint64_t count;
    ssize_t ignored = read(n->efd, &count, sizeof count); /* reset; EAGAIN: the JS thread did */
    (void)ignored;
    if (!atomic_exchange(&n->doorbell, true) &&
        napi_call_threadsafe_function(n->tsfn, NULL, napi_tsfn_nonblocking) != napi_ok)
      atomic_store(&n->doorbell, false); /* closing: the engine drains by itself */
  }
}

/* On the JavaScript thread. env is NULL for calls dropped by close() (Node). */
static void on_doorbell(napi_env env, napi_value js_cb, void *context, void *data) {
  (void)js_cb;
  (void)data;
  struct thread_notifier *n = context;
  if (!env || n->closed) return;
  atomic_store(&n->doorbell, false);
  n->base.on_wake(n->base.ctx);
}

static void on_finalized(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  struct thread_notifier *n = data;
  n->finalized = true;
  if (n->closed) free(n);
}

static int thread_open(napi_env env, int efd, aya_wake_fn on_wake, void *ctx, struct aya_notifier **out) {
  struct thread_notifier *n = calloc(1, sizeof *n);
  if (!n) return AYA_ENOMEM;
  n->base = (struct aya_notifier){&aya_notify_thread, on_wake, ctx};
  n->env = env;
  n->efd = efd;
  atomic_init(&n->doorbell, false);
  int rc = AYA_EINVAL;
  napi_value name;
  if ((n->stop_fd = eventfd(0, EFD_CLOEXEC)) < 0) {
    rc = -errno;
    goto fail;
  }
  if (napi_create_string_utf8(env, "ayafileio:io_uring", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_threadsafe_function(env, NULL, NULL, name, 0, 1, n, on_finalized, n, on_doorbell, &n->tsfn) !=
          napi_ok)
    goto fail;
  if (napi_unref_threadsafe_function(env, n->tsfn) != napi_ok ||
      (rc = -pthread_create(&n->thread, NULL, waiter_main, n)) < 0) {
    close(n->stop_fd);
    n->closed = true; /* on_finalized frees it */
    napi_release_threadsafe_function(n->tsfn, napi_tsfn_abort);
    return rc;
  }
  *out = &n->base;
  return 0;
fail:
  if (n->stop_fd >= 0) close(n->stop_fd);
  free(n);
  return rc;
}

static void thread_set_ref(struct aya_notifier *base, bool ref) {
  struct thread_notifier *n = (struct thread_notifier *)base;
  if (ref)
    napi_ref_threadsafe_function(n->env, n->tsfn);
  else
    napi_unref_threadsafe_function(n->env, n->tsfn);
}

/* Join the waiter, then abort the threadsafe function (unless the host finalized it already,
 * at environment teardown). The engine may go at once: on_doorbell ignores calls from now on. */
static void thread_close(struct aya_notifier *base, aya_closed_fn closed, void *arg) {
  struct thread_notifier *n = (struct thread_notifier *)base;
  uint64_t one = 1;
  ssize_t ignored = write(n->stop_fd, &one, sizeof one); /* a fresh eventfd: cannot fail */
  (void)ignored;
  pthread_join(n->thread, NULL);
  close(n->stop_fd);
  n->closed = true;
  if (n->finalized)
    free(n);
  else
    napi_release_threadsafe_function(n->tsfn, napi_tsfn_abort);
  if (closed) closed(arg);
}

const struct aya_notify_ops aya_notify_thread = {"thread", true, thread_open, thread_set_ref, thread_close};
