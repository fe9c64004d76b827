/*
 * How the engine learns that its eventfd fired, on the JavaScript thread. Two ways, chosen
 * when the engine starts (docs/architecture.md, "Completion delivery"):
 *
 *   aya_notify_loop    a uv_poll_t on the host's libuv loop (Node): no thread, the fastest;
 *                      libuv's functions are looked up at run time, so loading the addon never
 *                      needs them.
 *   aya_notify_thread  a waiter thread blocked on the eventfd that wakes the JavaScript thread
 *                      through a threadsafe function (any N-API host: Bun, Deno).
 *
 * Either way on_wake(ctx) runs on the JavaScript thread after the eventfd became readable,
 * never re-entrantly and never after close(). A notifier starts unref'd: it keeps the event
 * loop alive only while set_ref(true).
 */
#ifndef AYA_NOTIFY_H
#define AYA_NOTIFY_H

#include <node_api.h>
#include <stdbool.h>

typedef void (*aya_wake_fn)(void *ctx);
typedef void (*aya_closed_fn)(void *arg);

struct aya_notifier;

struct aya_notify_ops {
  const char *name; /* "uv_poll" or "thread", for info() */
  /* on_wake runs inside the host's callback scope (a threadsafe function's call), so it may
   * call JavaScript directly; else the engine opens one (napi_make_callback). Deno crashes
   * in napi_make_callback from a threadsafe function's call. */
  bool host_scope;
  /* Watch `efd`. Returns 0 and *out, or -errno (the host lacks what this way needs). */
  int (*open)(napi_env env, int efd, aya_wake_fn on_wake, void *ctx, struct aya_notifier **out);
  void (*set_ref)(struct aya_notifier *n, bool ref);
  /* Stop at once (on_wake is not called again) and free; closed(arg), when not NULL, runs
   * once nothing of the notifier is left in use: synchronously or later on the loop. */
  void (*close)(struct aya_notifier *n, aya_closed_fn closed, void *arg);
};

/* Every notifier starts with this header. */
struct aya_notifier {
  const struct aya_notify_ops *ops;
  aya_wake_fn on_wake;
  void *ctx;
};

extern const struct aya_notify_ops aya_notify_loop;
extern const struct aya_notify_ops aya_notify_thread;

#endif
