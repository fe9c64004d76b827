/*
 * The N-API exports of the native binding contract for the backends whose ops finish on
 * other threads (IOCP, Dispatch I/O): offthread.c checks every argument, turns each op call
 * into an aya_request and hands it to the backend's functions declared below; results come
 * back through the backend's threadsafe function (completions.h). offthread.c defines
 * aya_backend_init (module.h) for these backends.
 */
#ifndef AYA_OFFTHREAD_H
#define AYA_OFFTHREAD_H

#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "module.h"

/* An op's arguments, checked; the backend's op keeps a copy. */
typedef struct {
  aya_op_kind kind;
  int32_t token;
  int32_t fd;    /* -1: open, stat of a path */
  void *path;    /* open, stat of a path: a private copy in the platform's encoding, else NULL */
  uint8_t *data; /* read, write: the bytes (JavaScript keeps them alive until completion) */
  uint32_t len;
  int64_t pos;    /* read, write: -1 for the fd's position */
  uint32_t flags; /* open: fs.constants.O_* */
  uint32_t mode;  /* open */
  int64_t length; /* ftruncate */
  bool datasync;  /* fsync */
  uint8_t *out;   /* statx: the 256-byte statx layout (statx.h) */
} aya_request;

/*
 * What each such backend defines (exactly one is linked into an addon): its per-environment
 * state and op types, these facts, and the functions below.
 */
struct aya_env;
struct aya_op;

typedef struct {
  const char *name;            /* the `backend` export */
  const char *const *features; /* info().features */
  size_t n_features;
} aya_backend_facts;

extern const aya_backend_facts aya_backend;

/* A private copy of a NUL-terminated path Buffer in the platform's encoding, or NULL if invalid. */
void *aya_copy_path(const uint8_t *data, size_t len);
struct aya_env *aya_env_create(napi_env env);
void aya_env_destroy(struct aya_env *st);
bool aya_env_started(const struct aya_env *st);
int32_t aya_env_start(struct aya_env *st, napi_value on_complete);
/* Cancel and drain everything; from_js: shutdown() (else the environment is going away). */
void aya_env_stop(struct aya_env *st, bool from_js);
/* The completions array (the backend owns the reference now). */
void aya_env_configure(struct aya_env *st, napi_ref completions);
/* An op for the request, owning rq->path; NULL: out of memory. */
struct aya_op *aya_op_new(struct aya_env *st, const aya_request *rq);
/* Issue the op (read/write, close, or a blocking call): -errno when refused at once, else 0. */
int32_t aya_issue_io(struct aya_env *st, struct aya_op *op);
int32_t aya_issue_close(struct aya_env *st, struct aya_op *op);
int32_t aya_issue_work(struct aya_env *st, struct aya_op *op);
int32_t aya_cancel_fd(struct aya_env *st, int32_t fd);
/* A result known at once, for the next aya_take_finished. 0: out of memory. */
int aya_push_ready(struct aya_env *st, int32_t token, int32_t result);
/* Copy finished results into the completions array; the pair count. */
int64_t aya_take_finished(napi_env env, struct aya_env *st);
/*
 * drainSync(), the exit path (no loop turn will deliver results): with `cancel`, cancel every
 * op in flight first (as cancelFd does, on every fd); then block until a result is finished,
 * none is in flight, or timeout_ms pass, and copy the finished results into the completions
 * array. The pair count, or AYA_ENOSYS without a completions array.
 */
int64_t aya_drain_sync(napi_env env, struct aya_env *st, uint32_t timeout_ms, bool cancel);

#endif
