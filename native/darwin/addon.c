/*
 * The Dispatch I/O backend's environment for the shared exports of the binding contract
 * (native/common/offthread.c checks the arguments and calls the functions of offthread.h):
 * its state, facts, path encoding (UTF-8) and the hand-over of finished results.
 */
#include <stdlib.h>
#include <string.h>
#include "../common/napi_args.h"
#include "dio.h"

/* A private copy of a NUL-terminated UTF-8 path (no inner NULs), or NULL. */
void *aya_copy_path(const uint8_t *data, size_t len) {
  if (len == 0 || data[len - 1] != 0 || strlen((const char *)data) != len - 1) return NULL;
  char *path = malloc(len);
  if (path != NULL) memcpy(path, data, len);
  return path;
}

aya_env *aya_env_create(napi_env env) {
  aya_env *st = calloc(1, sizeof *st);
  if (st == NULL) return NULL;
  st->env = env;
  st->handed = dispatch_semaphore_create(0);
  if (st->handed == NULL) {
    free(st);
    return NULL;
  }
  if (pthread_mutex_init(&st->lock, NULL) != 0) {
    dispatch_release(st->handed);
    free(st);
    return NULL;
  }
  return st;
}

void aya_env_destroy(aya_env *st) {
  if (st->stuck) return; /* a dispatch thread may still use it */
  aya_fd_table_free(&st->fds);
  pthread_mutex_destroy(&st->lock);
  dispatch_release(st->handed);
  free(st->ready.items);
  free(st->by_token.items);
  free(st);
}

bool aya_env_started(const aya_env *st) {
  return st->started;
}

void aya_env_configure(aya_env *st, napi_ref completions) {
  if (st->completions != NULL) napi_delete_reference(st->env, st->completions);
  st->completions = completions;
}

int aya_push_ready(aya_env *st, int32_t token, int32_t result) {
  return aya_pairs_push(&st->ready, token, result);
}

/* Move finished results into the completions array; returns the pair count. */
int64_t aya_take_finished(napi_env env, aya_env *st) {
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

static const char *const kFeatures[] = {"dispatch_io_random", "dispatch_io_stream", "dispatch_io_stop"};

const aya_backend_facts aya_backend = {
    .name = "dispatch_io",
    .features = kFeatures,
    .n_features = sizeof kFeatures / sizeof *kFeatures,
};
