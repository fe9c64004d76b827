/*
 * The IOCP backend's environment for the shared exports of the binding contract
 * (native/common/offthread.c checks the arguments and calls the functions of offthread.h):
 * its state, facts, path encoding (UTF-16LE) and the hand-over of finished results.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "../common/napi_args.h"
#include "iocp.h"

/* A private copy of a NUL-terminated UTF-16LE path (no inner NULs), or NULL. */
void *aya_copy_path(const uint8_t *data, size_t len) {
  if (len < 2 || len % 2 != 0) return NULL;
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

aya_env *aya_env_create(napi_env env) {
  aya_env *st = calloc(1, sizeof *st);
  if (st == NULL) return NULL;
  st->env = env;
  InitializeSRWLock(&st->lock);
  return st;
}

void aya_env_destroy(aya_env *st) {
  free(st->ready.items);
  free(st->delivered.items);
  free(st->by_token.items);
  if (st->handed != NULL) CloseHandle(st->handed);
  free(st);
}

bool aya_env_started(const aya_env *st) {
  return st->port != NULL;
}

void aya_env_configure(aya_env *st, napi_ref completions) {
  if (st->completions != NULL) napi_delete_reference(st->env, st->completions);
  st->completions = completions;
}

int aya_push_ready(aya_env *st, int32_t token, int32_t result) {
  return aya_pairs_push(&st->ready, token, result);
}

/* Copy the ops that finished at once into the completions array; returns the pair count. */
int64_t aya_take_finished(napi_env env, aya_env *st) {
  size_t capacity;
  if (st->ready.len == 0) return 0;
  int32_t *pairs = aya_completions(env, st->completions, &capacity);
  return pairs == NULL ? 0 : (int64_t)aya_take_ready(st, pairs, capacity);
}

static const char *const kFeatures[] = {"overlapped", "skip_completion_port_on_success", "cancel_io_ex"};

const aya_backend_facts aya_backend = {
    .name = "iocp",
    .features = kFeatures,
    .n_features = sizeof kFeatures / sizeof *kFeatures,
};
