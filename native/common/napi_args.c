/* Argument conversion helpers shared by the native backends. */
#include "napi_args.h"

bool aya_get_call(napi_env env, napi_callback_info info, aya_call *call) {
  call->argc = AYA_MAX_ARGS;
  if (napi_get_cb_info(env, info, &call->argc, call->argv, NULL, NULL) != napi_ok) return false;
  /* argc is the count passed, which may exceed what argv holds: only those are read. */
  if (call->argc > AYA_MAX_ARGS) call->argc = AYA_MAX_ARGS;
  return napi_get_instance_data(env, &call->state) == napi_ok && call->state != NULL;
}

bool aya_arg_i32(napi_env env, const aya_call *call, size_t i, int32_t *out) {
  return i < call->argc && napi_get_value_int32(env, call->argv[i], out) == napi_ok;
}

bool aya_arg_bool(napi_env env, const aya_call *call, size_t i, bool *out) {
  return i < call->argc && napi_get_value_bool(env, call->argv[i], out) == napi_ok;
}

bool aya_arg_ticket(napi_env env, const aya_call *call, int32_t *token, bool *submit_now) {
  int32_t ticket;
  if (!aya_arg_i32(env, call, 0, &ticket) || ticket < 0) return false;
  *token = ticket >> 1;
  *submit_now = (ticket & 1) != 0;
  return true;
}

bool aya_arg_i64(napi_env env, const aya_call *call, size_t i, int64_t *out) {
  return i < call->argc && napi_get_value_int64(env, call->argv[i], out) == napi_ok;
}

/* argv[i]'s typed-array type, element count and data (already offset to the view's start). */
static bool typed_array(napi_env env, const aya_call *call, size_t i, napi_typedarray_type *type, size_t *count,
                        void **data) {
  size_t offset;
  napi_value ab;
  return i < call->argc && napi_get_typedarray_info(env, call->argv[i], type, count, data, &ab, &offset) == napi_ok;
}

bool aya_arg_bytes(napi_env env, const aya_call *call, size_t i, uint8_t **data, size_t *len) {
  napi_typedarray_type type;
  void *base;
  if (!typed_array(env, call, i, &type, len, &base)) return false;
  if (type != napi_uint8_array && type != napi_int8_array && type != napi_uint8_clamped_array) return false;
  *data = base;
  return true;
}

bool aya_arg_span(napi_env env, const aya_call *call, size_t i, uint8_t **data, uint32_t *len) {
  uint8_t *base;
  size_t size;
  int64_t off, n;
  if (!aya_arg_bytes(env, call, i, &base, &size) || !aya_arg_i64(env, call, i + 1, &off) ||
      !aya_arg_i64(env, call, i + 2, &n)) {
    return false;
  }
  if (off < 0 || n < 0 || n > INT32_MAX || (uint64_t)off > size || (uint64_t)n > size - (uint64_t)off) return false;
  *data = base == NULL ? NULL : base + off; /* an empty buffer may have no memory at all */
  *len = (uint32_t)n;
  return true;
}

bool aya_arg_io(napi_env env, const aya_call *call, size_t i, uint8_t **data, uint32_t *len, int64_t *pos) {
  return aya_arg_span(env, call, i, data, len) && aya_arg_i64(env, call, i + 3, pos) && *pos >= -1;
}

bool aya_arg_i32_array(napi_env env, const aya_call *call, size_t i, int32_t **data, size_t *count) {
  napi_typedarray_type type;
  void *base;
  if (!typed_array(env, call, i, &type, count, &base) || type != napi_int32_array) return false;
  *data = base;
  return true;
}

bool aya_arg_is_nullish(napi_env env, const aya_call *call, size_t i) {
  if (i >= call->argc) return true;
  napi_valuetype t;
  return napi_typeof(env, call->argv[i], &t) == napi_ok && (t == napi_null || t == napi_undefined);
}

napi_value aya_int(napi_env env, int64_t v) {
  napi_value out = NULL;
  napi_create_int64(env, v, &out);
  return out;
}

napi_value aya_string_array(napi_env env, const char *const *items, size_t n) {
  napi_value arr = NULL;
  napi_create_array_with_length(env, n, &arr);
  for (size_t i = 0; i < n; i++) {
    napi_value s;
    napi_create_string_utf8(env, items[i], NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, arr, (uint32_t)i, s);
  }
  return arr;
}
