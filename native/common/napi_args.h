/*
 * Argument helpers shared by the native backends. The TypeScript side validates every
 * argument before calling in, so these only convert; a conversion failure (a bug on the JS
 * side) makes the op return AYA_EINVAL rather than throw.
 */
#ifndef AYA_NAPI_ARGS_H
#define AYA_NAPI_ARGS_H

#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Up to this many arguments per export. */
#define AYA_MAX_ARGS 8

/* The call's arguments (missing ones are `undefined`) and the addon's per-env state. */
typedef struct {
  napi_value argv[AYA_MAX_ARGS];
  size_t argc;
  void *state;
} aya_call;

/* Fetch the arguments of `info` and the instance data. Returns false on N-API failure. */
bool aya_get_call(napi_env env, napi_callback_info info, aya_call *call);
/* argv[i] as int32 / int64 / double; false if it is not a number. */
bool aya_arg_i32(napi_env env, const aya_call *call, size_t i, int32_t *out);
/* Argument i as a boolean (false: missing or not a boolean). */
bool aya_arg_bool(napi_env env, const aya_call *call, size_t i, bool *out);
/* argv[0] of every op: the ticket `token << 1 | submitNow` (token: a small integer from JS). */
bool aya_arg_ticket(napi_env env, const aya_call *call, int32_t *token, bool *submit_now);
bool aya_arg_i64(napi_env env, const aya_call *call, size_t i, int64_t *out);
/* argv[i] as a byte range of a Buffer / TypedArray; false if it is not one. */
bool aya_arg_bytes(napi_env env, const aya_call *call, size_t i, uint8_t **data, size_t *len);
/* argv[i..i+2]: (buf, off, len) as the byte range buf[off, off + len) (len < 2^31); false if
 * any is invalid. */
bool aya_arg_span(napi_env env, const aya_call *call, size_t i, uint8_t **data, uint32_t *len);
/* argv[i..i+3] of read/write: aya_arg_span's range, then the position (>= -1). */
bool aya_arg_io(napi_env env, const aya_call *call, size_t i, uint8_t **data, uint32_t *len, int64_t *pos);
/* argv[i] as the elements of an Int32Array; false if it is not one. */
bool aya_arg_i32_array(napi_env env, const aya_call *call, size_t i, int32_t **data, size_t *count);
/* argv[i] is null or undefined. */
bool aya_arg_is_nullish(napi_env env, const aya_call *call, size_t i);
/* A JS number for `v`. */
napi_value aya_int(napi_env env, int64_t v);
/* A JS array of strings. */
napi_value aya_string_array(napi_env env, const char *const *items, size_t n);

#endif
