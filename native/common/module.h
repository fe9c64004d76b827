/*
 * What every backend's module shares: the op list of the native binding contract, the names
 * info().ops reports for it, and registration (`backend`, `contractVersion`, the exports).
 * The contract itself is in docs/architecture.md.
 */
#ifndef AYA_MODULE_H
#define AYA_MODULE_H

#include <node_api.h>
#include <stdbool.h>

/* The native binding contract implemented (src/binding.ts checks it). */
#define AYA_CONTRACT_VERSION 3

/* The ops of the contract, one list for every backend (io_uring maps them to kernel opcodes). */
typedef enum {
  AYA_OP_OPEN,
  AYA_OP_READ,
  AYA_OP_WRITE,
  AYA_OP_FSYNC,
  AYA_OP_FTRUNCATE,
  AYA_OP_STATX,
  AYA_OP_CLOSE,
  AYA_OP_CANCEL_FD,
  /* Path ops (optional: a backend without them leaves them NULL; JavaScript uses node:fs). */
  AYA_OP_MKDIR,
  AYA_OP_UNLINK,
  AYA_OP_RENAME,
  /* A write with close or fsync linked behind it (optional: JavaScript then runs the two). */
  AYA_OP_WRITE_THEN,
  /* writeFile's open, cut, write and close as one submission (optional: JavaScript then runs them). */
  AYA_OP_WRITE_WHOLE,
  /* readFile's open, read and close with one completion (optional: JavaScript then runs them). */
  AYA_OP_READ_WHOLE,
  /* Cancel one open in flight, named by its token (optional: an open that has no fd for cancelFd). */
  AYA_OP_CANCEL_OPEN,
  AYA_OP_COUNT
} aya_op_kind;

/* A backend's exports: its op functions by aya_op_kind (NULL: not exported), and the rest. */
typedef struct {
  napi_callback ops[AYA_OP_COUNT];
  napi_callback init, info, submit, shutdown, drain_sync;
  napi_callback own_fds;      /* optional: NULL where the backend holds no descriptor of its own */
  napi_callback fstat_cached; /* optional: a synchronous fstat of the attributes held in memory */
  napi_callback kernel_owns_size; /* optional: whether fstat_cached's size is the file's current one */
} aya_exports;

/* Put `backend`, `contractVersion` and the functions of `fns` on `exports`. */
bool aya_define_exports(napi_env env, napi_value exports, const char *backend, const aya_exports *fns);

/* info().ops: the names of the exported ops `supported(ctx, op)` accepts (every one when it is NULL). */
napi_value aya_op_names(napi_env env, bool (*supported)(const void *ctx, aya_op_kind op), const void *ctx);

/* Defined by the platform backend: its per-environment state, then aya_define_exports(). */
napi_value aya_backend_init(napi_env env, napi_value exports);

#endif
