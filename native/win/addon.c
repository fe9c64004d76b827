/*
 * N-API glue for the IOCP backend: argument checking and the exports of the native binding
 * contract (docs/architecture.md). Every op takes a ticket (token << 1 | submitNow) and
 * returns a negative errno when refused at once, else the completion pairs it wrote (0 unless
 * submitNow); a queued op's [token, result] pair arrives through submit() or onComplete.
 * State is per environment (main thread, each worker) in the instance data.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "../common/napi_args.h"
#include "iocp.h"

#define AYA_DEFAULT_CLOSE_TIMEOUT_MS 4000

/* ---- arguments (conversion helpers in native/common/napi_args.c) ---- */

/* The call's arguments and the state, only once init() has set up the port. */
static aya_env *ready_call(napi_env env, napi_callback_info info, aya_call *call) {
  if (!aya_get_call(env, info, call)) return NULL;
  aya_env *st = call->state;
  return st->port != NULL ? st : NULL;
}

/* The ticket argument of every op, with a token the port's tables can hold. */
static int arg_ticket(napi_env env, const aya_call *call, int32_t *token, bool *now) {
  return aya_arg_ticket(env, call, token, now) && aya_token_ok(*token);
}

/* The common prologue of op(ticket, fd|target, ...): the state once the port is up, or NULL. */
static aya_env *ticket_int_call(napi_env env, napi_callback_info info, aya_call *call, int32_t *token, bool *now,
                                int32_t *second) {
  aya_env *st = ready_call(env, info, call);
  if (st == NULL || !arg_ticket(env, call, token, now) || !aya_arg_i32(env, call, 1, second)) return NULL;
  return st;
}

/* Copy the ops that finished at once into the completions array; returns the pair count. */
static int64_t take_finished(napi_env env, aya_env *st) {
  size_t capacity;
  if (st->ready.len == 0) return 0;
  int32_t *pairs = aya_completions(env, st->completions, &capacity);
  return pairs == NULL ? 0 : (int64_t)aya_take_ready(st, pairs, capacity);
}

/*
 * An op's result: the negative errno it was refused with, else the completion pairs written:
 * with submitNow (the first op of a batch) whatever finished at once, without it 0.
 */
static napi_value op_result(napi_env env, aya_env *st, int rc, bool now) {
  return aya_int(env, rc < 0 || !now ? rc : take_finished(env, st));
}

/* A private copy of argv[i], a NUL-terminated UTF-16LE path buffer (no inner NULs). */
static WCHAR *arg_path(napi_env env, const aya_call *call, size_t i) {
  uint8_t *data;
  size_t len;
  if (!aya_arg_bytes(env, call, i, &data, &len) || len < 2 || len % 2 != 0) return NULL;
  WCHAR *path = malloc(len);
  if (path == NULL) return NULL;
  memcpy(path, data, len); /* also aligns it */
  size_t chars = len / 2;
  if (path[chars - 1] != 0 || wcslen(path) != chars - 1) {
    free(path);
    return NULL;
  }
  return path;
}

/* ---- ops ---- */

static napi_value js_open(napi_env env, napi_callback_info info) {
  aya_call call;
  int32_t token, flags, mode;
  bool now;
  aya_env *st = ready_call(env, info, &call);
  if (st == NULL || !arg_ticket(env, &call, &token, &now) || !aya_arg_i32(env, &call, 2, &flags) ||
      !aya_arg_i32(env, &call, 3, &mode)) {
    return aya_int(env, AYA_EINVAL);
  }
  WCHAR *path = arg_path(env, &call, 1);
  if (path == NULL) return aya_int(env, AYA_EINVAL);
  aya_op *op = aya_op_new(st, AYA_OP_OPEN, token, -1);
  if (op == NULL) {
    free(path);
    return aya_int(env, AYA_ENOMEM);
  }
  op->path = path;
  op->u.open.flags = (uint32_t)flags;
  op->u.open.mode = (uint32_t)mode;
  return op_result(env, st, aya_issue_work(st, op), now);
}

/* read/write(ticket, fd, buf, off, len, pos) */
static napi_value read_or_write(napi_env env, napi_callback_info info, aya_op_kind kind) {
  aya_call call;
  int32_t token, fd;
  bool now;
  int64_t off, len, pos;
  uint8_t *data;
  size_t size;
  aya_env *st = ticket_int_call(env, info, &call, &token, &now, &fd);
  if (st == NULL || !aya_arg_bytes(env, &call, 2, &data, &size) || !aya_arg_i64(env, &call, 3, &off) ||
      !aya_arg_i64(env, &call, 4, &len) || !aya_arg_i64(env, &call, 5, &pos)) {
    return aya_int(env, AYA_EINVAL);
  }
  if (off < 0 || len < 0 || len > INT32_MAX || (uint64_t)off > size ||
      (uint64_t)len > size - (uint64_t)off || pos < -1) {
    return aya_int(env, AYA_EINVAL);
  }
  aya_op *op = aya_op_new(st, kind, token, fd);
  if (op == NULL) return aya_int(env, AYA_ENOMEM);
  return op_result(env, st, aya_issue_io(st, op, data + off, (uint32_t)len, pos), now);
}

static napi_value js_read(napi_env env, napi_callback_info info) {
  return read_or_write(env, info, AYA_OP_READ);
}

static napi_value js_write(napi_env env, napi_callback_info info) {
  return read_or_write(env, info, AYA_OP_WRITE);
}

/* fsync(ticket, fd, datasync) / ftruncate(ticket, fd, len): thread-pool ops on an fd. */
static napi_value fd_work(napi_env env, napi_callback_info info, aya_op_kind kind) {
  aya_call call;
  int32_t token, fd;
  bool now;
  int64_t length = 0;
  aya_env *st = ticket_int_call(env, info, &call, &token, &now, &fd);
  if (st == NULL) return aya_int(env, AYA_EINVAL);
  if (kind == AYA_OP_FTRUNCATE && (!aya_arg_i64(env, &call, 2, &length) || length < 0)) {
    return aya_int(env, AYA_EINVAL);
  }
  aya_op *op = aya_op_new(st, kind, token, fd);
  if (op == NULL) return aya_int(env, AYA_ENOMEM);
  op->u.truncate.length = length;
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
  if (st == NULL) return aya_int(env, AYA_EINVAL);
  aya_op *op = aya_op_new(st, AYA_OP_CLOSE, token, fd);
  if (op == NULL) return aya_int(env, AYA_ENOMEM);
  return op_result(env, st, aya_issue_close(st, op, st->close_timeout_ms), now);
}

/* statx(ticket, fd, pathBuf | null, out): stat of the path when given, else of the fd. */
static napi_value js_statx(napi_env env, napi_callback_info info) {
  aya_call call;
  int32_t token, fd;
  bool now;
  uint8_t *out;
  size_t out_len;
  aya_env *st = ticket_int_call(env, info, &call, &token, &now, &fd);
  if (st == NULL || !aya_arg_bytes(env, &call, 3, &out, &out_len) || out_len < sizeof(aya_statx)) {
    return aya_int(env, AYA_EINVAL);
  }
  WCHAR *path = NULL;
  if (!aya_arg_is_nullish(env, &call, 2) && (path = arg_path(env, &call, 2)) == NULL) {
    return aya_int(env, AYA_EINVAL);
  }
  aya_op *op = aya_op_new(st, AYA_OP_STAT, token, path != NULL ? -1 : fd);
  if (op == NULL) {
    free(path);
    return aya_int(env, AYA_ENOMEM);
  }
  op->path = path;
  op->u.stat.out = out;
  return op_result(env, st, aya_issue_work(st, op), now);
}

/* op(ticket, arg) answered at once by `cancel(st, arg)`: its result waits in the ready list. */
static napi_value immediate_op(napi_env env, napi_callback_info info, int32_t (*cancel)(aya_env *, int32_t)) {
  aya_call call;
  int32_t token, arg;
  bool now;
  aya_env *st = ticket_int_call(env, info, &call, &token, &now, &arg);
  if (st == NULL) return aya_int(env, AYA_EINVAL);
  return op_result(env, st, aya_ready_push(st, token, cancel(st, arg)) ? 0 : AYA_ENOMEM, now);
}

/* cancel(ticket, target): its own result is 0 (cancelled), ENOENT (not in flight) or EALREADY. */
static napi_value js_cancel(napi_env env, napi_callback_info info) {
  return immediate_op(env, info, aya_cancel);
}

/* cancelFd(ticket, fd): its result is how many reads/writes on fd were cancelled, or EBADF. */
static napi_value js_cancel_fd(napi_env env, napi_callback_info info) {
  return immediate_op(env, info, aya_cancel_fd);
}

/* submit(): ops are already with the kernel; hand over the ones that finished at once. */
static napi_value js_submit(napi_env env, napi_callback_info info) {
  aya_call call;
  aya_env *st = ready_call(env, info, &call);
  return aya_int(env, st == NULL ? 0 : take_finished(env, st));
}

/* drainSync(timeoutMs, cancel): see aya_drain_sync(); -ENOSYS without a port. */
static napi_value js_drain_sync(napi_env env, napi_callback_info info) {
  aya_call call;
  int32_t timeout_ms;
  bool cancel;
  size_t capacity;
  aya_env *st = ready_call(env, info, &call);
  if (st == NULL) return aya_int(env, AYA_ENOSYS);
  if (!aya_arg_i32(env, &call, 0, &timeout_ms) || timeout_ms < 0 || napi_get_value_bool(env, call.argv[1], &cancel) != napi_ok)
    return aya_int(env, AYA_EINVAL);
  int32_t *pairs = aya_completions(env, st->completions, &capacity);
  if (pairs == NULL) return aya_int(env, AYA_ENOSYS);
  return aya_int(env, (int64_t)aya_drain_sync(st, (DWORD)timeout_ms, cancel, pairs, capacity));
}

static napi_value js_shutdown(napi_env env, napi_callback_info info) {
  aya_call call;
  if (aya_get_call(env, info, &call)) aya_port_stop(call.state, 1);
  return aya_int(env, 0);
}

/* ---- init ---- */

static DWORD close_timeout_option(napi_env env, napi_value options) {
  napi_value v;
  bool has = false;
  int64_t ms;
  if (napi_has_named_property(env, options, "closeTimeoutMs", &has) != napi_ok || !has ||
      napi_get_named_property(env, options, "closeTimeoutMs", &v) != napi_ok ||
      napi_get_value_int64(env, v, &ms) != napi_ok || ms < 0) {
    return AYA_DEFAULT_CLOSE_TIMEOUT_MS;
  }
  return ms >= (int64_t)INFINITE ? INFINITE - 1 : (DWORD)ms;
}

/* What init()/info() report: the shape io_uring's info has, filled with what IOCP has. */
static napi_value port_info(napi_env env, size_t pairs) {
  static const char *const features[] = { "overlapped", "skip_completion_port_on_success", "cancel_io_ex" };
  static const char *const ops[] = { "open", "read", "write", "fsync", "ftruncate", "statx", "close", "cancel" };
  napi_value info;
  napi_create_object(env, &info);
  napi_set_named_property(env, info, "entries", aya_int(env, (int64_t)pairs));
  napi_set_named_property(env, info, "cqEntries", aya_int(env, (int64_t)pairs));
  napi_set_named_property(env, info, "flags", aya_string_array(env, NULL, 0));
  napi_set_named_property(env, info, "features", aya_string_array(env, features, sizeof features / sizeof *features));
  napi_set_named_property(env, info, "ops", aya_string_array(env, ops, sizeof ops / sizeof *ops));
  return info;
}

/*
 * init(options, completions, onComplete) -> info or -errno. Called again while the port
 * exists it reconfigures: new closeTimeoutMs and completions array; the port, its thread
 * and the first onComplete stay.
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
    return aya_int(env, AYA_EINVAL);
  }
  aya_env *st = call.state;
  if (napi_create_reference(env, call.argv[1], 1, &completions) != napi_ok) return aya_int(env, AYA_ENOMEM);
  if (st->port == NULL) {
    int32_t r = aya_port_start(st, call.argv[2]);
    if (r < 0) {
      napi_delete_reference(env, completions);
      return aya_int(env, r);
    }
  }
  if (st->completions != NULL) napi_delete_reference(env, st->completions);
  st->completions = completions;
  st->pairs = count / 2;
  st->close_timeout_ms = close_timeout_option(env, call.argv[0]);
  return port_info(env, st->pairs);
}

/* info() -> what init() returned, or null when there is no port. */
static napi_value js_info(napi_env env, napi_callback_info info) {
  aya_call call;
  napi_value null;
  aya_env *st = ready_call(env, info, &call);
  if (st != NULL) return port_info(env, st->pairs);
  napi_get_null(env, &null);
  return null;
}

/* ---- module (registered by native/common/napi_args.c) ---- */

static void env_cleanup(void *arg) {
  aya_port_stop(arg, 0);
}

static void free_state(napi_env env, void *data, void *hint) {
  aya_env *st = data;
  (void)hint;
  napi_remove_env_cleanup_hook(env, env_cleanup, st);
  aya_port_stop(st, 0);
  free(st->ready.items);
  free(st->delivered.items);
  free(st->by_token);
  if (st->handed != NULL) CloseHandle(st->handed);
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
    { "drainSync", NULL, js_drain_sync, NULL, NULL, NULL, napi_default, NULL },
  };
  aya_env *st = calloc(1, sizeof *st);
  if (st == NULL) return NULL;
  st->env = env;
  InitializeSRWLock(&st->lock);
  if (napi_set_instance_data(env, st, free_state, NULL) != napi_ok) {
    free(st);
    return NULL;
  }
  napi_add_env_cleanup_hook(env, env_cleanup, st);
  napi_value backend;
  napi_create_string_utf8(env, "iocp", NAPI_AUTO_LENGTH, &backend);
  napi_set_named_property(env, exports, "backend", backend);
  napi_set_named_property(env, exports, "contractVersion", aya_int(env, AYA_CONTRACT_VERSION));
  napi_define_properties(env, exports, sizeof props / sizeof *props, props);
  return exports;
}
