/* Completion lists and their delivery to JavaScript (see completions.h). */
#include <stdlib.h>
#include <string.h>
#include "completions.h"

int aya_reserve(void **items, size_t *cap, size_t need, size_t item_size) {
  if (need <= *cap) return 1;
  size_t cap2 = *cap ? *cap : 64;
  while (cap2 < need) cap2 *= 2;
  void *p = realloc(*items, cap2 * item_size);
  if (p == NULL) return 0;
  *items = p;
  *cap = cap2;
  return 1;
}

int aya_reserve_zeroed(void **items, size_t *cap, size_t need, size_t item_size) {
  size_t old = *cap;
  if (!aya_reserve(items, cap, need, item_size)) return 0;
  memset((char *)*items + old * item_size, 0, (*cap - old) * item_size);
  return 1;
}

int aya_pairs_push(aya_pairs *list, int32_t token, int32_t result) {
  if (!aya_reserve((void **)&list->items, &list->cap, list->len + 1, sizeof *list->items)) return 0;
  list->items[list->len].token = token;
  list->items[list->len].result = result;
  list->len++;
  return 1;
}

size_t aya_pairs_take(aya_pairs *list, int32_t *out, size_t max_pairs) {
  size_t n = list->len < max_pairs ? list->len : max_pairs;
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = list->items[i].token;
    out[2 * i + 1] = list->items[i].result;
  }
  list->len -= n;
  memmove(list->items, list->items + n, list->len * sizeof *list->items);
  return n;
}

int aya_tokens_put(aya_token_table *t, int32_t token, void *op) {
  if (!aya_reserve_zeroed((void **)&t->items, &t->cap, (size_t)token + 1, sizeof *t->items)) return 0;
  t->items[token] = op;
  return 1;
}

void *aya_tokens_get(const aya_token_table *t, int32_t token) {
  return token >= 0 && (size_t)token < t->cap ? t->items[token] : NULL;
}

void aya_tokens_drop(aya_token_table *t, int32_t token, const void *op) {
  if (token >= 0 && (size_t)token < t->cap && t->items[token] == op) t->items[token] = NULL;
}

int32_t *aya_completions(napi_env env, napi_ref ref, size_t *pairs) {
  napi_value arr;
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  *pairs = 0;
  if (ref == NULL || napi_get_reference_value(env, ref, &arr) != napi_ok || arr == NULL) return NULL;
  if (napi_get_typedarray_info(env, arr, &type, &length, &data, NULL, NULL) != napi_ok) return NULL;
  if (type != napi_int32_array) return NULL;
  *pairs = length / 2;
  return data;
}

void aya_sink_init(aya_sink *s, napi_env env, napi_value on_complete, napi_ref completions) {
  s->env = env;
  s->on_complete = on_complete;
  s->n = 0;
  s->data = aya_completions(env, completions, &s->cap);
}

void aya_sink_flush(aya_sink *s) {
  if (s->n == 0) return;
  napi_value argv[1], undefined;
  napi_create_uint32(s->env, (uint32_t)s->n, &argv[0]);
  napi_get_undefined(s->env, &undefined);
  s->n = 0;
  if (napi_call_function(s->env, undefined, s->on_complete, 1, argv, NULL) == napi_pending_exception) {
    /* Report it like any uncaught exception, and keep delivering the rest. */
    napi_value err;
    napi_get_and_clear_last_exception(s->env, &err);
    napi_fatal_exception(s->env, err);
  }
}

void aya_sink_put(aya_sink *s, aya_pair p) {
  if (s->cap == 0) return;
  s->data[2 * s->n] = p.token;
  s->data[2 * s->n + 1] = p.result;
  if (++s->n == s->cap) aya_sink_flush(s);
}

void aya_loop_ref(napi_env env, napi_threadsafe_function tsfn, int *refed, int want) {
  if (tsfn == NULL || want == *refed) return;
  if (want) {
    napi_ref_threadsafe_function(env, tsfn);
  } else {
    napi_unref_threadsafe_function(env, tsfn);
  }
  *refed = want;
}
