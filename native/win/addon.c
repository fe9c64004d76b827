/*
 * N-API glue for the IOCP backend: argument checking and the exports of the native binding
 * contract (docs/architecture.md). Every op returns 0 (queued; its [token, result] pair
 * arrives through submit() or onComplete) or a negative errno when refused at once.
 * State is per environment (main thread, each worker) in the instance data.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "iocp.h"

#define AYA_DEFAULT_CLOSE_TIMEOUT_MS 4000

/* ---- arguments ---- */

static aya_env *state_of(napi_env env) {
  void *data = NULL;
  napi_get_instance_data(env, &data);
  return data;
}

static napi_value int_value(napi_env env, int32_t v) {
  napi_value out;
  napi_create_int32(env, v, &out);
  return out;
}

/* Exactly `n` arguments into argv, or 0. */
static int get_args(napi_env env, napi_callback_info info, size_t n, napi_value *argv) {
  size_t argc = n;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return 0;
  return argc >= n;
}

static int arg_i32(napi_env env, napi_value v, int32_t *out) {
  return napi_get_value_int32(env, v, out) == napi_ok;
}

static int arg_i64(napi_env env, napi_value v, int64_t *out) {
  return napi_get_value_int64(env, v, out) == napi_ok;
}

static int arg_token(napi_env env, napi_value v, int32_t *out) {
  return arg_i32(env, v, out) && aya_token_ok(*out);
}

static size_t element_size(napi_typedarray_type type) {
  switch (type) {
    case napi_int16_array: case napi_uint16_array: return 2;
    case napi_int32_array: case napi_uint32_array: case napi_float32_array: return 4;
    case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: return 8;
    default: return 1;
  }
}

/* The bytes of a TypedArray (Buffer, Uint8Array, Float64Array ...). */
static int arg_bytes(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  bool is_typed = false;
  napi_typedarray_type type;
  size_t length;
  void *p;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) return 0;
  if (napi_get_typedarray_info(env, v, &type, &length, &p, NULL, NULL) != napi_ok) return 0;
  *data = p;
  *len = length * element_size(type);
  return 1;
}

/* A private copy of a NUL-terminated UTF-16LE path buffer (no inner NULs). */
static WCHAR *arg_path(napi_env env, napi_value v) {
  uint8_t *data;
  size_t len;
  if (!arg_bytes(env, v, &data, &len) || len < 2 || len % 2 != 0) return NULL;
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

static int is_nullish(napi_env env, napi_value v) {
  napi_valuetype t;
  return napi_typeof(env, v, &t) == napi_ok && (t == napi_null || t == napi_undefined);
}

/* The state, only once init() has set up the port. */
static aya_env *ready_state(napi_env env) {
  aya_env *st = state_of(env);
  return st != NULL && st->port != NULL ? st : NULL;
}

/* ---- ops ---- */

static napi_value js_open(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t token, flags, mode;
  aya_env *st = ready_state(env);
  if (st == NULL || !get_args(env, info, 4, argv) || !arg_token(env, argv[0], &token) ||
      !arg_i32(env, argv[2], &flags) || !arg_i32(env, argv[3], &mode)) {
    return int_value(env, AYA_EINVAL);
  }
  WCHAR *path = arg_path(env, argv[1]);
  if (path == NULL) return int_value(env, AYA_EINVAL);
  aya_op *op = aya_op_new(st, AYA_OP_OPEN, token, -1);
  if (op == NULL) {
    free(path);
    return int_value(env, AYA_ENOMEM);
  }
  op->path = path;
  op->u.open.flags = (uint32_t)flags;
  op->u.open.mode = (uint32_t)mode;
  return int_value(env, aya_issue_work(st, op));
}

static napi_value read_or_write(napi_env env, napi_callback_info info, aya_op_kind kind) {
  napi_value argv[6];
  int32_t token, fd;
  int64_t off, len, pos;
  uint8_t *data;
  size_t size;
  aya_env *st = ready_state(env);
  if (st == NULL || !get_args(env, info, 6, argv) || !arg_token(env, argv[0], &token) ||
      !arg_i32(env, argv[1], &fd) || !arg_bytes(env, argv[2], &data, &size) ||
      !arg_i64(env, argv[3], &off) || !arg_i64(env, argv[4], &len) || !arg_i64(env, argv[5], &pos)) {
    return int_value(env, AYA_EINVAL);
  }
  if (off < 0 || len < 0 || len > INT32_MAX || (uint64_t)off > size || (uint64_t)len > size - (uint64_t)off ||
      pos < -1) {
    return int_value(env, AYA_EINVAL);
  }
  aya_op *op = aya_op_new(st, kind, token, fd);
  if (op == NULL) return int_value(env, AYA_ENOMEM);
  return int_value(env, aya_issue_io(st, op, data + off, (uint32_t)len, pos));
}

static napi_value js_read(napi_env env, napi_callback_info info) {
  return read_or_write(env, info, AYA_OP_READ);
}

static napi_value js_write(napi_env env, napi_callback_info info) {
  return read_or_write(env, info, AYA_OP_WRITE);
}

/* fsync(token, fd, datasync) / ftruncate(token, fd, len): thread-pool ops on an fd. */
static napi_value fd_work(napi_env env, napi_callback_info info, aya_op_kind kind) {
  napi_value argv[3];
  int32_t token, fd;
  int64_t length = 0;
  aya_env *st = ready_state(env);
  if (st == NULL || !get_args(env, info, 3, argv) || !arg_token(env, argv[0], &token) ||
      !arg_i32(env, argv[1], &fd)) {
    return int_value(env, AYA_EINVAL);
  }
  if (kind == AYA_OP_FTRUNCATE && (!arg_i64(env, argv[2], &length) || length < 0)) {
    return int_value(env, AYA_EINVAL);
  }
  aya_op *op = aya_op_new(st, kind, token, fd);
  if (op == NULL) return int_value(env, AYA_ENOMEM);
  op->u.truncate.length = length;
  return int_value(env, aya_issue_work(st, op));
}

static napi_value js_fsync(napi_env env, napi_callback_info info) {
  return fd_work(env, info, AYA_OP_FSYNC);
}

static napi_value js_ftruncate(napi_env env, napi_callback_info info) {
  return fd_work(env, info, AYA_OP_FTRUNCATE);
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t token, fd;
  aya_env *st = ready_state(env);
  if (st == NULL || !get_args(env, info, 2, argv) || !arg_token(env, argv[0], &token) ||
      !arg_i32(env, argv[1], &fd)) {
    return int_value(env, AYA_EINVAL);
  }
  aya_op *op = aya_op_new(st, AYA_OP_CLOSE, token, fd);
  if (op == NULL) return int_value(env, AYA_ENOMEM);
  return int_value(env, aya_issue_close(st, op, st->close_timeout_ms));
}

/* statx(token, fd, pathBuf | null, out): stat of the path when given, else of the fd. */
static napi_value js_statx(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t token, fd;
  uint8_t *out;
  size_t out_len;
  aya_env *st = ready_state(env);
  if (st == NULL || !get_args(env, info, 4, argv) || !arg_token(env, argv[0], &token) ||
      !arg_i32(env, argv[1], &fd) || !arg_bytes(env, argv[3], &out, &out_len) ||
      out_len < sizeof(aya_statx)) {
    return int_value(env, AYA_EINVAL);
  }
  WCHAR *path = NULL;
  if (!is_nullish(env, argv[2]) && (path = arg_path(env, argv[2])) == NULL) return int_value(env, AYA_EINVAL);
  aya_op *op = aya_op_new(st, AYA_OP_STAT, token, path != NULL ? -1 : fd);
  if (op == NULL) {
    free(path);
    return int_value(env, AYA_ENOMEM);
  }
  op->path = path;
  op->u.stat.out = out;
  return int_value(env, aya_issue_work(st, op));
}

/* cancel(token, target): its own result is 0 (cancelled), ENOENT (not in flight) or EALREADY. */
static napi_value js_cancel(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t token, target;
  aya_env *st = ready_state(env);
  if (st == NULL || !get_args(env, info, 2, argv) || !arg_token(env, argv[0], &token) ||
      !arg_i32(env, argv[1], &target)) {
    return int_value(env, AYA_EINVAL);
  }
  return int_value(env, aya_ready_push(st, token, aya_cancel(st, target)) ? 0 : AYA_ENOMEM);
}

/* submit(): ops are already with the kernel; hand over the ones that finished at once. */
static napi_value js_submit(napi_env env, napi_callback_info info) {
  napi_value arr;
  uint8_t *data;
  size_t len;
  (void)info;
  aya_env *st = ready_state(env);
  if (st == NULL || st->ready.len == 0) return int_value(env, 0);
  if (napi_get_reference_value(env, st->completions, &arr) != napi_ok || !arg_bytes(env, arr, &data, &len)) {
    return int_value(env, AYA_EINVAL);
  }
  return int_value(env, (int32_t)aya_take_ready(st, (int32_t *)(void *)data, len / (2 * sizeof(int32_t))));
}

static napi_value js_shutdown(napi_env env, napi_callback_info info) {
  (void)info;
  aya_env *st = state_of(env);
  if (st != NULL) aya_port_stop(st, 1);
  return int_value(env, 0);
}

/* ---- init ---- */

static DWORD close_timeout_option(napi_env env, napi_value options) {
  napi_value v;
  bool has = false;
  int64_t ms;
  if (napi_has_named_property(env, options, "closeTimeoutMs", &has) != napi_ok || !has) {
    return AYA_DEFAULT_CLOSE_TIMEOUT_MS;
  }
  if (napi_get_named_property(env, options, "closeTimeoutMs", &v) != napi_ok || !arg_i64(env, v, &ms) || ms < 0) {
    return AYA_DEFAULT_CLOSE_TIMEOUT_MS;
  }
  return ms >= (int64_t)INFINITE ? INFINITE - 1 : (DWORD)ms;
}

static napi_value string_array(napi_env env, const char *const *items, size_t n) {
  napi_value arr, s;
  napi_create_array_with_length(env, n, &arr);
  for (size_t i = 0; i < n; i++) {
    napi_create_string_utf8(env, items[i], NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, arr, (uint32_t)i, s);
  }
  return arr;
}

/* What init() reports: the shape io_uring's info has, filled with what IOCP has. */
static napi_value init_info(napi_env env, size_t pairs) {
  static const char *const features[] = { "overlapped", "skip_completion_port_on_success", "cancel_io_ex" };
  static const char *const ops[] = { "open", "read", "write", "fsync", "ftruncate", "statx", "close", "cancel" };
  napi_value info, v;
  napi_create_object(env, &info);
  napi_create_uint32(env, (uint32_t)pairs, &v);
  napi_set_named_property(env, info, "entries", v);
  napi_set_named_property(env, info, "cqEntries", v);
  napi_set_named_property(env, info, "flags", string_array(env, NULL, 0));
  napi_set_named_property(env, info, "features", string_array(env, features, sizeof features / sizeof *features));
  napi_set_named_property(env, info, "ops", string_array(env, ops, sizeof ops / sizeof *ops));
  return info;
}

/* The completions array (an Int32Array of at least one pair), or 0. */
static int completions_arg(napi_env env, napi_value v, size_t *pairs) {
  bool is_typed = false;
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, v, &type, &length, &data, NULL, NULL) != napi_ok ||
      type != napi_int32_array || length < 2) {
    return 0;
  }
  *pairs = length / 2;
  return 1;
}

/*
 * init(options, completions, onComplete) -> info or -errno. Called again while the port
 * exists it reconfigures: new closeTimeoutMs and completions array; the port, its thread
 * and the first onComplete stay.
 */
static napi_value js_init(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  napi_valuetype t;
  size_t pairs;
  napi_ref completions;
  aya_env *st = state_of(env);
  if (st == NULL || !get_args(env, info, 3, argv) || napi_typeof(env, argv[0], &t) != napi_ok ||
      t != napi_object || !completions_arg(env, argv[1], &pairs) ||
      napi_typeof(env, argv[2], &t) != napi_ok || t != napi_function) {
    return int_value(env, AYA_EINVAL);
  }
  if (napi_create_reference(env, argv[1], 1, &completions) != napi_ok) return int_value(env, AYA_ENOMEM);
  if (st->port == NULL) {
    int32_t r = aya_port_start(st, argv[2]);
    if (r < 0) {
      napi_delete_reference(env, completions);
      return int_value(env, r);
    }
  }
  if (st->completions != NULL) napi_delete_reference(env, st->completions);
  st->completions = completions;
  st->pairs = pairs;
  st->close_timeout_ms = close_timeout_option(env, argv[0]);
  return init_info(env, pairs);
}

/* info() -> what init() returned, or null when there is no port. */
static napi_value js_info(napi_env env, napi_callback_info info) {
  napi_value null;
  (void)info;
  aya_env *st = ready_state(env);
  if (st != NULL) return init_info(env, st->pairs);
  napi_get_null(env, &null);
  return null;
}

/* ---- module ---- */

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
  free(st);
}

static napi_value module_init(napi_env env, napi_value exports) {
  static const struct { const char *name; napi_callback fn; } fns[] = {
    { "init", js_init }, { "info", js_info }, { "open", js_open }, { "read", js_read }, { "write", js_write },
    { "fsync", js_fsync }, { "ftruncate", js_ftruncate }, { "close", js_close },
    { "statx", js_statx }, { "cancel", js_cancel }, { "submit", js_submit },
    { "shutdown", js_shutdown },
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
  napi_value v;
  napi_create_string_utf8(env, "iocp", NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, exports, "backend", v);
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &v);
    napi_set_named_property(env, exports, fns[i].name, v);
  }
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, module_init)
