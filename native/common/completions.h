/*
 * Handing completions to JavaScript, for the backends whose ops finish on other threads
 * (IOCP, Dispatch I/O): growable [token, result] lists, the completions Int32Array of the
 * contract, and a "sink" that fills it and calls onComplete whenever it is full. Used only
 * on the JavaScript thread.
 */
#ifndef AYA_COMPLETIONS_H
#define AYA_COMPLETIONS_H

#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
  int32_t token;
  int32_t result;
} aya_pair;

typedef struct {
  aya_pair *items;
  size_t len, cap;
} aya_pairs;

/* Grow *items (of *cap elements of item_size) to hold `need`. 0: out of memory. */
int aya_reserve(void **items, size_t *cap, size_t need, size_t item_size);
/* aya_reserve, with the new elements zeroed. */
int aya_reserve_zeroed(void **items, size_t *cap, size_t need, size_t item_size);
/* Append a pair. 0: out of memory. */
int aya_pairs_push(aya_pairs *list, int32_t token, int32_t result);
/* Move up to max_pairs pairs from the front of `list` into out[2 * i], out[2 * i + 1]. */
size_t aya_pairs_take(aya_pairs *list, int32_t *out, size_t max_pairs);

/* In-flight ops by token (tokens are small integers chosen by JavaScript). */
typedef struct {
  void **items;
  size_t cap;
} aya_token_table;

/* Record `op` under `token`. 0: out of memory. */
int aya_tokens_put(aya_token_table *t, int32_t token, void *op);
/* The op under `token`, or NULL. */
void *aya_tokens_get(const aya_token_table *t, int32_t token);
/* Forget `op` (if it is still the one under `token`). */
void aya_tokens_drop(aya_token_table *t, int32_t token, const void *op);

/* The completions Int32Array's data and its capacity in pairs, or NULL. */
int32_t *aya_completions(napi_env env, napi_ref ref, size_t *pairs);

/* Where results go on delivery: the completions array, flushed to onComplete when full. */
typedef struct {
  napi_env env;
  napi_value on_complete;
  int32_t *data;
  size_t cap; /* pairs */
  size_t n;
} aya_sink;

void aya_sink_init(aya_sink *s, napi_env env, napi_value on_complete, napi_ref completions);
void aya_sink_put(aya_sink *s, aya_pair p);
/* Call onComplete(n) with what the array holds (an exception is reported as uncaught). */
void aya_sink_flush(aya_sink *s);

/*
 * Keep the event loop alive (ref the threadsafe function) only while `want`: while results
 * are still to come. *refed remembers the current state.
 */
void aya_loop_ref(napi_env env, napi_threadsafe_function tsfn, int *refed, int want);

#endif
