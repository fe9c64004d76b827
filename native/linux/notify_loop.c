/*
 * aya_notify_loop: the eventfd watched by a uv_poll_t on the host's libuv loop (notify.h).
 *
 * libuv is the host's (Node exports it), but not every N-API host runs it: Bun 1.4 exports
 * uv_* functions that abort the process ("unsupported uv function: uv_poll_init"), and with
 * Deno 2.9's uv_* the process crashed. So nothing here is linked against libuv (loading the
 * addon never needs it): its functions are looked up when a notifier is opened, and
 * JavaScript asks for this way only on Node (src/binding.ts, hostHasLibuv), since a lookup
 * cannot tell a working uv_poll_init from a stub. The handle's layout comes from uv.h, which
 * is stable across libuv 1.x.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <uv.h>

#include "../common/errors.h"
#include "notify.h"

struct uv_api {
  napi_status (*get_loop)(napi_env, uv_loop_t **);
  __typeof__(uv_poll_init) *poll_init;
  __typeof__(uv_poll_start) *poll_start;
  __typeof__(uv_poll_stop) *poll_stop;
  __typeof__(uv_ref) *ref;
  __typeof__(uv_unref) *unref;
  __typeof__(uv_close) *close;
};

struct loop_notifier {
  struct aya_notifier base;
  const struct uv_api *uv;
  uv_poll_t poll;
  aya_closed_fn closed;
  void *closed_arg;
};

static struct uv_api api;
static bool api_complete;
static pthread_once_t api_once = PTHREAD_ONCE_INIT; /* each worker thread may be first */

static void look_up_api(void) {
  *(void **)&api.get_loop = dlsym(RTLD_DEFAULT, "napi_get_uv_event_loop");
  *(void **)&api.poll_init = dlsym(RTLD_DEFAULT, "uv_poll_init");
  *(void **)&api.poll_start = dlsym(RTLD_DEFAULT, "uv_poll_start");
  *(void **)&api.poll_stop = dlsym(RTLD_DEFAULT, "uv_poll_stop");
  *(void **)&api.ref = dlsym(RTLD_DEFAULT, "uv_ref");
  *(void **)&api.unref = dlsym(RTLD_DEFAULT, "uv_unref");
  *(void **)&api.close = dlsym(RTLD_DEFAULT, "uv_close");
  api_complete = api.get_loop && api.poll_init && api.poll_start && api.poll_stop && api.ref && api.unref && api.close;
}

/* The host's libuv, or NULL if it lacks any function we call. */
static const struct uv_api *host_uv(void) {
  pthread_once(&api_once, look_up_api);
  return api_complete ? &api : NULL;
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  (void)status;
  (void)events;
  struct loop_notifier *n = handle->data;
  n->base.on_wake(n->base.ctx);
}

static void on_handle_closed(uv_handle_t *h) {
  struct loop_notifier *n = h->data;
  aya_closed_fn closed = n->closed;
  void *arg = n->closed_arg;
  free(n);
  if (closed) closed(arg);
}

static int loop_open(napi_env env, int efd, aya_wake_fn on_wake, void *ctx, struct aya_notifier **out) {
  const struct uv_api *uv = host_uv();
  uv_loop_t *loop;
  if (!uv || uv->get_loop(env, &loop) != napi_ok || !loop) return AYA_ENOSYS;
  struct loop_notifier *n = calloc(1, sizeof *n);
  if (!n) return AYA_ENOMEM;
  n->base = (struct aya_notifier){&aya_notify_loop, on_wake, ctx};
  n->uv = uv;
  int rc = uv->poll_init(loop, &n->poll, efd);
  if (rc < 0) {
    free(n);
    return rc;
  }
  n->poll.data = n;
  rc = uv->poll_start(&n->poll, UV_READABLE, on_readable);
  uv->unref((uv_handle_t *)&n->poll);
  if (rc < 0) {
    uv->close((uv_handle_t *)&n->poll, on_handle_closed); /* frees n */
    return rc;
  }
  *out = &n->base;
  return 0;
}

static void loop_set_ref(struct aya_notifier *base, bool ref) {
  struct loop_notifier *n = (struct loop_notifier *)base;
  (ref ? n->uv->ref : n->uv->unref)((uv_handle_t *)&n->poll);
}

static void loop_close(struct aya_notifier *base, aya_closed_fn closed, void *arg) {
  struct loop_notifier *n = (struct loop_notifier *)base;
  n->uv->poll_stop(&n->poll);
  n->closed = closed;
  n->closed_arg = arg;
  n->uv->close((uv_handle_t *)&n->poll, on_handle_closed);
}

const struct aya_notify_ops aya_notify_loop = {"uv_poll", false, loop_open, loop_set_ref, loop_close};
