/*
 * The macOS backend: file I/O on Dispatch I/O channels (dispatch_io_read/dispatch_io_write),
 * the calls that block in the kernel (open, fsync, ftruncate, stat, close) on a global
 * dispatch queue, and results handed to JavaScript in batches through a threadsafe
 * function (the contract is in docs/architecture.md, "native binding contract").
 *
 * Threads: everything in struct aya_env is owned by the JavaScript thread except the
 * `delivered` list and `doorbell` (guarded by `lock`): dispatch threads finish an op's
 * work, append the op there and ring the threadsafe function once per burst. Ops are
 * finished (fd table, positions, freeing) only on the JavaScript thread.
 *
 * The same sources build on Linux against the public libdispatch (swift-corelibs-libdispatch)
 * with clang -fblocks, for testing; Darwin-only calls are behind __APPLE__.
 */
#ifndef AYA_DARWIN_DIO_H
#define AYA_DARWIN_DIO_H

#include <dispatch/dispatch.h>
#include <node_api.h>
#include <pthread.h>
#include <stdint.h>
#include "../common/completions.h"
#include "../common/errors.h"
#include "../common/offthread.h"
#include "../common/statx.h"

/* ---- ops (aya_op_kind and aya_request: native/common/offthread.h) ---- */

/* A channel of an fd: offsets (pread/pwrite) or the fd's own position (read/write). */
enum { AYA_CH_RANDOM, AYA_CH_STREAM, AYA_CH_COUNT };

struct aya_env;

typedef struct aya_op {
  struct aya_op *next; /* the delivered list */
  struct aya_env *st;
  aya_request rq;          /* what the op is (kind, token, fd) and its arguments */
  int32_t result;          /* set by the thread that did the work: >= 0 or -errno */
  int advances_position;   /* pos -1 read/write: move the fd's position by the result */
  dispatch_group_t fd_ops; /* the fd's group this op is counted in, or NULL */
  dispatch_group_t all;    /* the environment's group this op is counted in */
  union {
    struct {
      size_t done;              /* bytes moved so far (a channel's handler runs per part) */
      dispatch_source_t source; /* pipes and sockets: the readiness source (released on finish) */
      int moved;                /* the source's read()/write() ran: its result stands */
    } io;
    struct {
      aya_statx fields;
    } stat;
    struct {
      dispatch_io_t channels[AYA_CH_COUNT];
      dispatch_group_t channels_out; /* the fd's channels libdispatch has not let go of */
      dispatch_source_t stop;        /* signalled (aya_fd_stop_channels): stop the fd's ops */
      dispatch_source_t *sources;    /* pipe ops in flight when close was called (retained) */
      size_t n_sources;
    } close;
  } u;
} aya_op;

/* ---- fd table: per-fd state, indexed by the (real) fd number ---- */

/* How reads and writes reach an fd. */
typedef enum {
  AYA_FD_CHANNELS, /* regular files, block devices, directories: Dispatch I/O channels */
  AYA_FD_READY,    /* pipes and sockets: read()/write() when a dispatch source says ready */
  AYA_FD_BLOCKING, /* character devices and the rest: read()/write() on a global queue */
} aya_fd_kind;

typedef struct {
  int used;
  int owned;  /* opened by this environment's open(): closed at its teardown */
  int append; /* O_APPEND: pos -1 writes go through the stream channel */
  aya_fd_kind kind;
  int readable, writable;               /* the fd's access mode (see ops.c, "without a channel") */
  int closing;                          /* close() was called: new ops get EBADF */
  int64_t position;                     /* where pos -1 reads and writes go (the fd's own is not moved) */
  int64_t base;                         /* file position when the random channel was created (see fdtable.c) */
  dispatch_io_t channels[AYA_CH_COUNT]; /* NULL until first needed */
  dispatch_group_t ops;                 /* ops using the fd: close waits for them */
  dispatch_group_t channels_out;        /* entered per channel, left by its cleanup handler */
  uint32_t inflight_io;                 /* reads and writes in flight (what cancelFd reports) */
  dispatch_source_t close_stop;         /* while closing: the close's stop source (retained) */
} aya_fd;

typedef struct {
  aya_fd *slots;
  int32_t count;
} aya_fd_table;

aya_fd *aya_fd_get(aya_fd_table *t, int32_t fd);
aya_fd *aya_fd_slot(aya_fd_table *t, int32_t fd);
int32_t aya_fd_install(aya_fd_table *t, int32_t fd, int append);
dispatch_io_t aya_fd_channel(aya_fd *f, int32_t fd, int which);
void aya_fd_retire_channels(aya_fd *f);
void aya_fd_stop_channels(aya_fd *f);
void aya_fd_remove(aya_fd_table *t, int32_t fd);
void aya_fd_close_owned(aya_fd_table *t);
void aya_fd_table_free(aya_fd_table *t);

/* ---- per-environment state ---- */
typedef struct aya_env {
  napi_env env;
  int started;                   /* init() succeeded and shutdown() has not run since */
  napi_threadsafe_function tsfn; /* calls onComplete on the loop thread */
  napi_ref completions;          /* the Int32Array results are written into */
  aya_fd_table fds;
  aya_pairs ready;          /* finished ops' pairs not yet given to JavaScript */
  aya_token_table by_token; /* in-flight ops, for cancelling pipe ops */
  size_t live;              /* ops handed to other threads whose result is still to come */
  int tsfn_refed;
  int stuck;            /* an op never finished: this state must never be freed */
  dispatch_group_t all; /* every op on another thread, left after its hand-over */
  pthread_mutex_t lock; /* guards delivered, doorbell and draining */
  aya_op *delivered, *delivered_tail;
  int doorbell;                /* a threadsafe-function call is queued and has not run yet */
  int draining;                /* drainSync() waits on `handed` for the next hand-over */
  dispatch_semaphore_t handed; /* signalled by a hand-over while draining */
} aya_env;

/*
 * The functions native/common/offthread.h declares (the exports call them) are defined in
 * addon.c (the environment), deliver.c (start/stop) and ops.c (ops, cancellation).
 */

/* deliver.c: hand-over from dispatch threads, delivery on the JavaScript thread, start/stop. */
void aya_hand_over(aya_op *op, int close_fd_first);
void aya_take_delivered(aya_env *st);
void aya_wake(aya_env *st);
int aya_op_track(aya_env *st, aya_op *op);
void aya_op_untrack(aya_env *st, aya_op *op);
void aya_update_loop_ref(aya_env *st);

/* ops.c: issuing ops and finishing them. */
void aya_finish_op(aya_env *st, aya_op *op);
size_t aya_collect_sources(aya_env *st, int32_t fd, dispatch_source_t **out);
void aya_release_sources(dispatch_source_t *sources, size_t n, int cancel);

/* sys.c: the blocking calls, run on a global queue. */
int32_t aya_run_blocking(aya_op *op);
int32_t aya_close_fd(int32_t fd);

#endif
