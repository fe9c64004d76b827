/*
 * N-API glue for the Dispatch I/O backend: argument checking and the exports of the native
 * binding contract (docs/architecture.md). Every op takes a ticket (token << 1 | submitNow)
 * and returns a negative errno when refused at once, else the completion pairs it wrote (0
 * unless submitNow); a queued op's [token, result] pair arrives through submit() or
 * onComplete. State is per environment (main thread, each worker) in the instance data.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "../common/napi_args.h"
#include "dio.h"

#define AYA_DEFAULT_CLOSE_TIMEOUT_MS 4000
/* closeTimeoutMs beyond this waits "forever" (dispatch_time's nanoseconds must not overflow). */
#define AYA_MAX_CLOSE_TIMEOUT_MS ((int64_t)1 << 40)

/* The call's arguments and the state, only once init() has started the backend. */
static aya_env *ready_call(napi_env env, napi_callback_info info, aya_call *call) {
  if (!aya_get_call(env, info, call)) return NULL;
  aya_env *st = call->state;
  return st->started ? st : NULL;
}

/* The common prologue of op(ticket, fd|target, ...): the state once started, or NULL. */
static aya_env *ticket_int_call(napi_env env, napi_callback_info info, aya_call *call, int32_t *token, bool *now,
                                int32_t *second) {
  aya_env *st = ready_call(env, info, call);
  if (st == NULL || !aya_arg_ticket(env, call, token, now) || !aya_arg_i32(env, call, 1, second)) return NULL;
  return st;
}

/* The refusal of a call made before init() or after shutdown(): the JS side restarts first. */
static napi_value refused(napi_env env, napi_callback_info info) {
  aya_call call;
  aya_env *st = aya_get_call(env, info, &call) ? call.state : NULL;
  return aya_int(env, st != NULL && !st->started ? -ENOSYS : -EINVAL);
}

/* Move finished results into the completions array; returns the pair count. */
static int64_t take_finished(napi_env env, aya_env *st) {
  size_t capacity;
  aya_take_delivered(st);
  if (st->ready.len == 0) return 0;
  int32_t *pairs = aya_completions(env, st->completions, &capacity);
  if (pairs == NULL) return 0;
  size_t n = aya_pairs_take(&st->ready, pairs, capacity);
  /* More than the array holds: the rest goes out through onComplete on a later turn. */
  if (st->ready.len > 0) aya_wake(st);
  aya_update_loop_ref(st);
  return (int64_t)n;
}

/*
 * An op's result: the negative errno it was refused with, else the completion pairs written:
 * with submitNow (the first op of a batch) whatever has finished, without it 0.
 */
static napi_value op_result(napi_env env, aya_env *st, int32_t rc, bool now) {
  return aya_int(env, rc < 0 || !now ? rc : take_finished(env, st));
}

/* A private copy of argv[i], a NUL-terminated UTF-8 path buffer (no inner NULs). */
static char *arg_path(napi_env env, const aya_call *call, size_t i) {
  uint8_t *data;
  size_t len;
  if (!aya_arg_bytes(env, call, i, &data, &len) || len == 0 || data[len - 1] != 0 || strlen((char *)data) != len - 1) {
    return NULL;
  }
  char *path = malloc(len);
  if (path != NULL) memcpy(path, data, len);
  return path;
}

/* ---- ops ---- */

static napi_value js_open(napi_env env, napi_callback_info info) {
  aya_call call;
  int32_t token, flags, mode;
  bool now;
  aya_env *st = ready_call(env, info, &call);
  if (st == NULL) return refused(env, info);
  if (!aya_arg_ticket(env, &call, &token, &now) || !aya_arg_i32(env, &call, 2, &flags) ||
      !aya_arg_i32(env, &call, 3, &mode)) {
    return aya_int(env, -EINVAL);
  }
  char *path = arg_path(env, &call, 1);
  if (path == NULL) return aya_int(env, -EINVAL);
  aya_op *op = aya_op_new(st, AYA_OP_OPEN, token, -1);
  if (op == NULL) {
    free(path);
    return aya_int(env, -ENOMEM);
  }
  op->path = path;
  op->u.open.flags = flags;
  op->u.open.mode = mode;
  return op_result(env, st, aya_issue_work(st, op), now);
}

/* read/write(ticket, fd, buf, off, len, pos) */
static napi_value read_or_write(napi_env env, napi_callback_info info, aya_op_kind kind) {
  aya_call call;
  int32_t token, fd;
  bool now;
  uint8_t *data;
  uint32_t len;
  int64_t pos;
  aya_env *st = ticket_int_call(env, info, &call, &token, &now, &fd);
  if (st == NULL) return refused(env, info);
  if (!aya_arg_io(env, &call, 2, &data, &len, &pos)) return aya_int(env, -EINVAL);
  aya_op *op = aya_op_new(st, kind, token, fd);
  if (op == NULL) return aya_int(env, -ENOMEM);
  return op_result(env, st, aya_issue_io(st, op, data, len, pos), now);
}

static napi_value js_read(napi_env env, napi_callback_info info) {
  return read_or_write(env, info, AYA_OP_READ);
}

static napi_value js_write(napi_env env, napi_callback_info info) {
  return read_or_write(env, info, AYA_OP_WRITE);
}

/* fsync(ticket, fd, datasync) / ftruncate(ticket, fd, len): blocking calls on an fd. */
static napi_value fd_work(napi_env env, napi_callback_info info, aya_op_kind kind) {
  aya_call call;
  int32_t token, fd;
  bool now, datasync = false;
  int64_t length = 0;
  aya_env *st = ticket_int_call(env, info, &call, &token, &now, &fd);
  if (st == NULL) return refused(env, info);
  if (kind == AYA_OP_FTRUNCATE && (!aya_arg_i64(env, &call, 2, &length) || length < 0)) {
    return aya_int(env, -EINVAL);
  }
  if (kind == AYA_OP_FSYNC && napi_get_value_bool(env, call.argv[2], &datasync) != napi_ok) datasync = false;
  aya_op *op = aya_op_new(st, kind, token, fd);
  if (op == NULL) return aya_int(env, -ENOMEM);
  op->u.truncate.length = length;
  if (kind == AYA_OP_FSYNC) op->u.sync.datasync = datasync;
  return op_result(env, st, aya_issue_work(st, op), now);
}

static napi_value js_fsync(napi_env env, napi_callback_info info) {
  return fd_work(env, info, AYA_OP_FSYNC);
}

static napi_value js_ftruncate(napi_env env, napi_callback_info info) {
  return fd_work(env, info, AYA_OP_FTRUNCATE);
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  aya_call call;
  int32_t token, fd;
  bool now;
  aya_env *st = ticket_int_call(env, info, &call, &token, &now, &fd);
  if (st == NULL) return refused(env, info);
  aya_op *op = aya_op_new(st, AYA_OP_CLOSE, token, fd);
  if (op == NULL) return aya_int(env, -ENOMEM);
  return op_result(env, st, aya_issue_close(st, op), now);
}

/* statx(ticket, fd, pathBuf | null, out): stat of the path when given, else of the fd. */
static napi_value js_statx(napi_env env, napi_callback_info info) {
  aya_call call;
  int32_t token, fd;
  bool now;
  uint8_t *out;
  size_t out_len;
  char *path = NULL;
  aya_env *st = ticket_int_call(env, info, &call, &token, &now, &fd);
  if (st == NULL) return refused(env, info);
  if (!aya_arg_bytes(env, &call, 3, &out, &out_len) || out_len < sizeof(aya_statx)) return aya_int(env, -EINVAL);
  if (!aya_arg_is_nullish(env, &call, 2)) {
    path = arg_path(env, &call, 2);
    if (path == NULL) return aya_int(env, -EINVAL);
    fd = -1;
  }
  aya_op *op = aya_op_new(st, AYA_OP_STAT, token, fd);
  if (op == NULL) {
    free(path);
    return aya_int(env, -ENOMEM);
  }
  op->path = path;
  op->u.stat.out = out;
  return op_result(env, st, aya_issue_work(st, op), now);
}

/* op(ticket, arg) answered at once by `answer(st, arg)`: its result waits on the ready list. */
static napi_value immediate_op(napi_env env, napi_callback_info info, int32_t (*answer)(aya_env *, int32_t)) {
  aya_call call;
  int32_t token, arg;
  bool now;
  aya_env *st = ticket_int_call(env, info, &call, &token, &now, &arg);
  if (st == NULL) return refused(env, info);
  return op_result(env, st, aya_pairs_push(&st->ready, token, answer(st, arg)) ? 0 : -ENOMEM, now);
}

/* cancel(ticket, target): its own result is ENOENT (not in flight) or EALREADY (see ops.c). */
static napi_value js_cancel(napi_env env, napi_callback_info info) {
  return immediate_op(env, info, aya_cancel);
}

/* cancelFd(ticket, fd): its result is how many reads/writes on fd were stopped, or EBADF. */
static napi_value js_cancel_fd(napi_env env, napi_callback_info info) {
  return immediate_op(env, info, aya_cancel_fd);
}

/* submit(): ops are already with Dispatch I/O; hand over the ones that have finished. */
static napi_value js_submit(napi_env env, napi_callback_info info) {
  aya_call call;
  aya_env *st = ready_call(env, info, &call);
  return aya_int(env, st == NULL ? 0 : take_finished(env, st));
}

static napi_value js_shutdown(napi_env env, napi_callback_info info) {
  aya_call call;
  if (aya_get_call(env, info, &call)) aya_stop(call.state, 1);
  return aya_int(env, 0);
}

/* ---- init ---- */

/* What init()/info() report: the shape io_uring's info has, filled with what Dispatch I/O has. */
static napi_value backend_info(napi_env env, size_t pairs) {
  static const char *const features[] = { "dispatch_io_random", "dispatch_io_stream", "dispatch_io_stop" };
  static const char *const ops[] = { "open", "read", "write", "fsync", "ftruncate", "statx", "close", "cancel" };
  return aya_ring_info(env, pairs, features, sizeof features / sizeof *features, ops, sizeof ops / sizeof *ops);
}

/*
 * init(options, completions, onComplete) -> info or -errno. Called again while started it
 * reconfigures: new closeTimeoutMs and completions array; the first onComplete stays.
 */
static napi_value js_init(napi_env env, napi_callback_info info) {
  aya_call call;
  napi_valuetype t0, t2;
  int32_t *pairs;
  size_t count;
  napi_ref completions;
  if (!aya_get_call(env, info, &call) || call.argc < 3 || napi_typeof(env, call.argv[0], &t0) != napi_ok ||
      t0 != napi_object || !aya_arg_i32_array(env, &call, 1, &pairs, &count) || count < 2 ||
      napi_typeof(env, call.argv[2], &t2) != napi_ok || t2 != napi_function) {
    return aya_int(env, -EINVAL);
  }
  aya_env *st = call.state;
  if (napi_create_reference(env, call.argv[1], 1, &completions) != napi_ok) return aya_int(env, -ENOMEM);
  if (!st->started) {
    int32_t r = aya_start(st, call.argv[2]);
    if (r < 0) {
      napi_delete_reference(env, completions);
      return aya_int(env, r);
    }
  }
  if (st->completions != NULL) napi_delete_reference(env, st->completions);
  st->completions = completions;
  st->pairs = count / 2;
  int64_t ms = aya_option_i64(env, call.argv[0], "closeTimeoutMs", AYA_DEFAULT_CLOSE_TIMEOUT_MS);
  st->close_timeout_ms = ms < AYA_MAX_CLOSE_TIMEOUT_MS ? ms : AYA_MAX_CLOSE_TIMEOUT_MS;
  return backend_info(env, st->pairs);
}

/* info() -> what init() returned, or null when not started. */
static napi_value js_info(napi_env env, napi_callback_info info) {
  aya_call call;
  napi_value null;
  aya_env *st = ready_call(env, info, &call);
  if (st != NULL) return backend_info(env, st->pairs);
  napi_get_null(env, &null);
  return null;
}

/* ---- module (registered by native/common/napi_args.c) ---- */

static void env_cleanup(void *arg) {
  aya_stop(arg, 0);
}

static void free_state(napi_env env, void *data, void *hint) {
  aya_env *st = data;
  (void)hint;
  napi_remove_env_cleanup_hook(env, env_cleanup, st);
  aya_stop(st, 0);
  if (st->stuck) return; /* a dispatch thread may still use it */
  aya_fd_table_free(&st->fds);
  pthread_mutex_destroy(&st->lock);
  free(st->ready.items);
  free(st->by_token);
  free(st);
}

napi_value aya_backend_init(napi_env env, napi_value exports) {
  static const napi_property_descriptor props[] = {
    { "init", NULL, js_init, NULL, NULL, NULL, napi_default, NULL },
    { "info", NULL, js_info, NULL, NULL, NULL, napi_default, NULL },
    { "open", NULL, js_open, NULL, NULL, NULL, napi_default, NULL },
    { "read", NULL, js_read, NULL, NULL, NULL, napi_default, NULL },
    { "write", NULL, js_write, NULL, NULL, NULL, napi_default, NULL },
    { "fsync", NULL, js_fsync, NULL, NULL, NULL, napi_default, NULL },
    { "ftruncate", NULL, js_ftruncate, NULL, NULL, NULL, napi_default, NULL },
    { "close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL },
    { "statx", NULL, js_statx, NULL, NULL, NULL, napi_default, NULL },
    { "cancel", NULL, js_cancel, NULL, NULL, NULL, napi_default, NULL },
    { "cancelFd", NULL, js_cancel_fd, NULL, NULL, NULL, napi_default, NULL },
    { "submit", NULL, js_submit, NULL, NULL, NULL, napi_default, NULL },
    { "shutdown", NULL, js_shutdown, NULL, NULL, NULL, napi_default, NULL },
  };
  aya_env *st = calloc(1, sizeof *st);
  if (st == NULL) return NULL;
  st->env = env;
  if (pthread_mutex_init(&st->lock, NULL) != 0 || napi_set_instance_data(env, st, free_state, NULL) != napi_ok) {
    free(st);
    return NULL;
  }
  napi_add_env_cleanup_hook(env, env_cleanup, st);
  napi_value backend;
  napi_create_string_utf8(env, "dispatch_io", NAPI_AUTO_LENGTH, &backend);
  napi_set_named_property(env, exports, "backend", backend);
  napi_set_named_property(env, exports, "contractVersion", aya_int(env, AYA_CONTRACT_VERSION));
  napi_define_properties(env, exports, sizeof props / sizeof *props, props);
  return exports;
}
