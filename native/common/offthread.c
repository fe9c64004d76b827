/*
 * The exports of the native binding contract (docs/architecture.md) for the backends whose
 * ops finish on other threads (see offthread.h). Every op takes a ticket (token << 1 |
 * submitNow) and returns a negative errno when refused at once, else the completion pairs it
 * wrote (0 unless submitNow); a queued op's [token, result] pair arrives through submit() or
 * onComplete. State is per environment (main thread, each worker) in the instance data.
 */
#include <stdlib.h>
#include "errors.h"
#include "napi_args.h"
#include "offthread.h"
#include "statx.h"

/* The instance data: the backend's state and the completions array's size in pairs. */
typedef struct {
  struct aya_env *st;
  size_t pairs;
} aya_glue;

/* Tokens index the backends' tables: JavaScript's stay far below this. */
#define AYA_MAX_TOKEN (1 << 24)

/* The call's arguments and the glue, only once init() has started the backend. */
static aya_glue *ready_call(napi_env env, napi_callback_info info, aya_call *call) {
  if (!aya_get_call(env, info, call)) return NULL;
  aya_glue *g = call->state;
  return aya_env_started(g->st) ? g : NULL;
}

/* An op call's arguments so far, or the answer when it is refused before reaching the backend. */
typedef struct {
  aya_call call;
  aya_glue *g;
  aya_request rq;
  bool now;        /* submitNow */
  int32_t refusal; /* < 0: answer this */
} aya_op_call;

/* The prologue of every op(ticket, ...) and, with_fd, op(ticket, fd, ...). False: c->refusal. */
static bool op_call(napi_env env, napi_callback_info info, bool with_fd, aya_op_call *c) {
  c->rq = (aya_request){.fd = -1, .pos = -1};
  c->refusal = AYA_EINVAL;
  if (!aya_get_call(env, info, &c->call)) return false;
  c->g = c->call.state;
  c->refusal = AYA_ENOSYS;
  if (!aya_env_started(c->g->st)) return false;
  c->refusal = AYA_EINVAL;
  if (!aya_arg_ticket(env, &c->call, &c->rq.token, &c->now) || c->rq.token >= AYA_MAX_TOKEN) return false;
  return !with_fd || aya_arg_i32(env, &c->call, 1, &c->rq.fd);
}

/*
 * Issue the op. Its result: the negative errno it was refused with, else the completion
 * pairs written: with submitNow (the first op of a batch) whatever has finished, without it 0.
 */
static napi_value issue(napi_env env, aya_op_call *c) {
  int32_t rc;
  struct aya_env *st = c->g->st;
  struct aya_op *op = aya_op_new(st, &c->rq);
  if (op == NULL) {
    free(c->rq.path);
    rc = AYA_ENOMEM;
  } else if (c->rq.kind == AYA_OP_READ || c->rq.kind == AYA_OP_WRITE) {
    rc = aya_issue_io(st, op);
  } else {
    rc = c->rq.kind == AYA_OP_CLOSE ? aya_issue_close(st, op) : aya_issue_work(st, op);
  }
  return aya_int(env, rc < 0 || !c->now ? rc : aya_take_finished(env, st));
}

/* argv[i], a NUL-terminated path Buffer, as a private copy in c->rq.path; false if invalid. */
static bool arg_path(napi_env env, aya_op_call *c, size_t i) {
  uint8_t *data;
  size_t len;
  c->rq.path = aya_arg_bytes(env, &c->call, i, &data, &len) ? aya_copy_path(data, len) : NULL;
  return c->rq.path != NULL;
}

/* ---- ops ---- */

static napi_value js_open(napi_env env, napi_callback_info info) {
  aya_op_call c;
  int32_t flags, mode;
  if (!op_call(env, info, false, &c)) return aya_int(env, c.refusal);
  c.rq.kind = AYA_OP_OPEN;
  if (!aya_arg_i32(env, &c.call, 2, &flags) || !aya_arg_i32(env, &c.call, 3, &mode) || !arg_path(env, &c, 1)) {
    return aya_int(env, AYA_EINVAL);
  }
  c.rq.flags = (uint32_t)flags;
  c.rq.mode = (uint32_t)mode;
  return issue(env, &c);
}

/* read/write(ticket, fd, buf, off, len, pos) */
static napi_value read_or_write(napi_env env, napi_callback_info info, aya_op_kind kind) {
  aya_op_call c;
  if (!op_call(env, info, true, &c)) return aya_int(env, c.refusal);
  c.rq.kind = kind;
  if (!aya_arg_io(env, &c.call, 2, &c.rq.data, &c.rq.len, &c.rq.pos)) return aya_int(env, AYA_EINVAL);
  return issue(env, &c);
}

static napi_value js_read(napi_env env, napi_callback_info info) {
  return read_or_write(env, info, AYA_OP_READ);
}

static napi_value js_write(napi_env env, napi_callback_info info) {
  return read_or_write(env, info, AYA_OP_WRITE);
}

/* fsync(ticket, fd, datasync) / ftruncate(ticket, fd, len) / close(ticket, fd). */
static napi_value fd_op(napi_env env, napi_callback_info info, aya_op_kind kind) {
  aya_op_call c;
  if (!op_call(env, info, true, &c)) return aya_int(env, c.refusal);
  c.rq.kind = kind;
  if (kind == AYA_OP_FTRUNCATE && (!aya_arg_i64(env, &c.call, 2, &c.rq.length) || c.rq.length < 0)) {
    return aya_int(env, AYA_EINVAL);
  }
  if (kind == AYA_OP_FSYNC && !aya_arg_bool(env, &c.call, 2, &c.rq.datasync)) c.rq.datasync = false;
  return issue(env, &c);
}

static napi_value js_fsync(napi_env env, napi_callback_info info) {
  return fd_op(env, info, AYA_OP_FSYNC);
}

static napi_value js_ftruncate(napi_env env, napi_callback_info info) {
  return fd_op(env, info, AYA_OP_FTRUNCATE);
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  return fd_op(env, info, AYA_OP_CLOSE);
}

/* statx(ticket, fd, pathBuf | null, out): stat of the path when given, else of the fd. */
static napi_value js_statx(napi_env env, napi_callback_info info) {
  aya_op_call c;
  size_t out_len;
  if (!op_call(env, info, true, &c)) return aya_int(env, c.refusal);
  c.rq.kind = AYA_OP_STATX;
  if (!aya_arg_bytes(env, &c.call, 3, &c.rq.out, &out_len) || out_len < AYA_STATX_BYTES) {
    return aya_int(env, AYA_EINVAL);
  }
  if (!aya_arg_is_nullish(env, &c.call, 2)) {
    if (!arg_path(env, &c, 2)) return aya_int(env, AYA_EINVAL);
    c.rq.fd = -1;
  }
  return issue(env, &c);
}

/* cancelFd(ticket, fd): how many reads/writes on fd were cancelled, or EBADF; answered at once,
 * the answer waits with the finished results. */
static napi_value js_cancel_fd(napi_env env, napi_callback_info info) {
  aya_op_call c;
  if (!op_call(env, info, true, &c)) return aya_int(env, c.refusal);
  struct aya_env *st = c.g->st;
  if (!aya_push_ready(st, c.rq.token, aya_cancel_fd(st, c.rq.fd))) return aya_int(env, AYA_ENOMEM);
  return aya_int(env, c.now ? aya_take_finished(env, st) : 0);
}

/* submit(): ops are already with the system; hand over the ones that have finished. */
static napi_value js_submit(napi_env env, napi_callback_info info) {
  aya_call call;
  aya_glue *g = ready_call(env, info, &call);
  return aya_int(env, g == NULL ? 0 : aya_take_finished(env, g->st));
}

/* drainSync(timeoutMs, cancel): see aya_drain_sync(); AYA_ENOSYS when not started. */
static napi_value js_drain_sync(napi_env env, napi_callback_info info) {
  aya_call call;
  int32_t timeout_ms;
  bool cancel;
  if (!aya_get_call(env, info, &call)) return aya_int(env, AYA_EINVAL);
  aya_glue *g = call.state;
  if (!aya_env_started(g->st)) return aya_int(env, AYA_ENOSYS);
  if (!aya_arg_i32(env, &call, 0, &timeout_ms) || timeout_ms < 0 || !aya_arg_bool(env, &call, 1, &cancel)) {
    return aya_int(env, AYA_EINVAL);
  }
  return aya_int(env, aya_drain_sync(env, g->st, (uint32_t)timeout_ms, cancel));
}

static napi_value js_shutdown(napi_env env, napi_callback_info info) {
  aya_call call;
  if (aya_get_call(env, info, &call)) aya_env_stop(((aya_glue *)call.state)->st, true);
  return aya_int(env, 0);
}

/* ---- init ---- */

/* What init()/info() report: the shape io_uring's info has, filled with what the backend has. */
static napi_value backend_info(napi_env env, const aya_glue *g) {
  napi_value info;
  napi_create_object(env, &info);
  napi_set_named_property(env, info, "entries", aya_int(env, (int64_t)g->pairs));
  napi_set_named_property(env, info, "cqEntries", aya_int(env, (int64_t)g->pairs));
  napi_set_named_property(env, info, "flags", aya_string_array(env, NULL, 0));
  napi_set_named_property(env, info, "features", aya_string_array(env, aya_backend.features, aya_backend.n_features));
  napi_set_named_property(env, info, "ops", aya_op_names(env, NULL, NULL));
  return info;
}

/*
 * init(options, completions, onComplete) -> info or -errno. Called again while started it
 * reconfigures: a new completions array; the first onComplete stays.
 */
static napi_value js_init(napi_env env, napi_callback_info info) {
  aya_call call;
  napi_valuetype t0, t2;
  int32_t *pairs;
  size_t count;
  napi_ref completions;
  if (!aya_get_call(env, info, &call)) return aya_int(env, AYA_EINVAL);
  aya_glue *g = call.state;
  if (call.argc < 3 || napi_typeof(env, call.argv[0], &t0) != napi_ok || t0 != napi_object ||
      !aya_arg_i32_array(env, &call, 1, &pairs, &count) || count < 2 ||
      napi_typeof(env, call.argv[2], &t2) != napi_ok || t2 != napi_function) {
    return aya_int(env, AYA_EINVAL);
  }
  if (napi_create_reference(env, call.argv[1], 1, &completions) != napi_ok) return aya_int(env, AYA_ENOMEM);
  if (!aya_env_started(g->st)) {
    int32_t r = aya_env_start(g->st, call.argv[2]);
    if (r < 0) {
      napi_delete_reference(env, completions);
      return aya_int(env, r);
    }
  }
  g->pairs = count / 2;
  aya_env_configure(g->st, completions);
  return backend_info(env, g);
}

/* info() -> what init() returned, or null when not started. */
static napi_value js_info(napi_env env, napi_callback_info info) {
  aya_call call;
  napi_value null;
  aya_glue *g = ready_call(env, info, &call);
  if (g != NULL) return backend_info(env, g);
  napi_get_null(env, &null);
  return null;
}

/* ---- module (registered by module.c) ---- */

static void env_cleanup(void *arg) {
  aya_glue *g = arg;
  aya_env_stop(g->st, false);
}

static void free_glue(napi_env env, void *data, void *hint) {
  aya_glue *g = data;
  (void)hint;
  napi_remove_env_cleanup_hook(env, env_cleanup, g);
  aya_env_stop(g->st, false);
  aya_env_destroy(g->st);
  free(g);
}

napi_value aya_backend_init(napi_env env, napi_value exports) {
  static const aya_exports fns = {
      .ops = {[AYA_OP_OPEN] = js_open,
              [AYA_OP_READ] = js_read,
              [AYA_OP_WRITE] = js_write,
              [AYA_OP_FSYNC] = js_fsync,
              [AYA_OP_FTRUNCATE] = js_ftruncate,
              [AYA_OP_STATX] = js_statx,
              [AYA_OP_CLOSE] = js_close,
              [AYA_OP_CANCEL_FD] = js_cancel_fd},
      .init = js_init,
      .info = js_info,
      .submit = js_submit,
      .shutdown = js_shutdown,
      .drain_sync = js_drain_sync,
  };
  aya_glue *g = calloc(1, sizeof *g);
  if (g == NULL) return NULL;
  g->st = aya_env_create(env);
  if (g->st == NULL || napi_set_instance_data(env, g, free_glue, NULL) != napi_ok) {
    if (g->st != NULL) aya_env_destroy(g->st);
    free(g);
    return NULL;
  }
  napi_add_env_cleanup_hook(env, env_cleanup, g);
  return aya_define_exports(env, exports, aya_backend.name, &fns) ? exports : NULL;
}
