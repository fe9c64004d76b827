/*
 * The Windows backend: overlapped file handles on one I/O completion port per Node
 * environment, a waiter thread in GetQueuedCompletionStatusEx, results handed to JavaScript
 * in batches through a threadsafe function (the contract is in docs/architecture.md,
 * "native binding contract").
 *
 * Threads: everything in struct aya_env is owned by the JavaScript thread except the
 * `delivered` list (waiter thread -> JS thread, under `lock`) and the thread-pool workers'
 * own ops, which they hand back by posting the op's OVERLAPPED to the port.
 */
#ifndef AYA_WIN_IOCP_H
#define AYA_WIN_IOCP_H

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <stdint.h>
#include <stddef.h>
#include <node_api.h>
#include "../common/completions.h"
#include "../common/errors.h"
#include "../common/offthread.h"
#include "../common/statx.h"

/* Win32 error -> libuv's negative errno (AYA_E*), as libuv's uv_translate_sys_error does: the
 * one place this backend translates a system error. */
int32_t aya_uv_error(DWORD win32_error);

/* ---- fs.constants.O_* on Windows (the MSVC CRT's _O_* values, plus libuv's) ---- */
enum {
  AYA_O_WRONLY = 0x0001,
  AYA_O_RDWR = 0x0002,
  AYA_O_APPEND = 0x0008,
  AYA_O_RANDOM = 0x0010,
  AYA_O_SEQUENTIAL = 0x0020,
  AYA_O_CREAT = 0x0100,
  AYA_O_TRUNC = 0x0200,
  AYA_O_EXCL = 0x0400,
  AYA_O_DSYNC = 0x04000000, /* libuv's UV_FS_O_DSYNC / UV_FS_O_SYNC on Windows */
  AYA_O_SYNC = 0x08000000,
};
#define AYA_S_IWRITE 0x0080 /* _S_IWRITE: without it a created file is read-only */

/* ---- ops (aya_op_kind and aya_request: native/common/offthread.h) ---- */

/* Completion keys: what a packet on the port is. */
enum {
  AYA_KEY_IO = 1,   /* an overlapped ReadFile/WriteFile finished */
  AYA_KEY_WORK = 2, /* a thread-pool op finished; its result is in op->result */
  AYA_KEY_WAKE = 3, /* no op: wake JavaScript to deliver queued results */
  AYA_KEY_STOP = 4, /* the waiter thread exits */
};

typedef struct aya_op {
  OVERLAPPED ov;         /* packets carry &ov; the op is found with CONTAINING_RECORD */
  aya_request rq;        /* what the op is (kind, token, fd: a table slot) and its arguments */
  HANDLE handle;         /* the file (fd ops) or the opened handle (open) */
  HANDLE port;           /* workers post the finished op here */
  int64_t result;        /* thread-pool ops: >= 0 or negative errno */
  int advances_position; /* pos -1 read/write on a non-append fd: move the fd's position */
  union {
    struct {
      int skip_on_success;
    } open;
    struct {
      aya_statx fields;
    } stat;
    struct {
      HANDLE drained;
    } close;
  } u;
} aya_op;

/* ---- fd table: small integers instead of raw HANDLE values ---- */
typedef struct {
  HANDLE handle;       /* NULL: slot free */
  int append;          /* opened with O_APPEND: every write goes to the end */
  int skip_on_success; /* FILE_SKIP_COMPLETION_PORT_ON_SUCCESS is on for this handle */
  int closing;         /* close() was called: new ops get EBADF */
  int64_t position;    /* for pos -1 on non-append fds */
  uint32_t inflight;   /* ops using the handle that have not completed */
  aya_op *close_op;    /* the pending close, signalled when inflight drops to 0 */
} aya_fd;

typedef struct {
  aya_fd *slots;
  int32_t count;
} aya_fd_table;

/* First fd handed out: 0-2 stay unused so no fd looks like stdio. */
#define AYA_FIRST_FD 3

aya_fd *aya_fd_slot(aya_fd_table *t, int32_t fd);
aya_fd *aya_fd_get(aya_fd_table *t, int32_t fd);
int32_t aya_fd_add(aya_fd_table *t, HANDLE h, int append, int skip_on_success);
void aya_fd_remove(aya_fd_table *t, int32_t fd);
void aya_fd_table_free(aya_fd_table *t);

/* ---- per-environment state ---- */
typedef struct {
  OVERLAPPED_ENTRY *items;
  size_t len, cap;
} aya_entries;

typedef struct aya_env {
  napi_env env;
  HANDLE port;                   /* NULL until init() / after shutdown() */
  HANDLE waiter;                 /* the thread in GetQueuedCompletionStatusEx */
  napi_threadsafe_function tsfn; /* calls onComplete on the loop thread */
  napi_ref completions;          /* the Int32Array results are written into */
  aya_fd_table fds;
  aya_pairs ready;          /* finished without a packet; submit() hands them over */
  aya_token_table by_token; /* in-flight ops, for cancelFd() */
  size_t live;              /* ops whose packet is still to come */
  int tsfn_refed;
  SRWLOCK lock;          /* guards delivered, doorbell and draining */
  aya_entries delivered; /* packets the waiter dequeued, for the JS thread */
  int doorbell;          /* a tsfn call is queued and has not run yet */
  int draining;          /* drainSync() waits on `handed` for the next packets */
  HANDLE handed;         /* auto-reset event: the waiter handed packets over */
} aya_env;

/*
 * The functions native/common/offthread.h declares (the exports call them) are defined in
 * addon.c (the environment), port.c (start/stop) and ops.c (ops, cancellation).
 */

/* port.c: the completion port, the waiter thread, delivery to JavaScript. */
int aya_op_track(aya_env *st, aya_op *op);
void aya_op_untrack(aya_env *st, aya_op *op);
size_t aya_take_ready(aya_env *st, int32_t *out, size_t max_pairs);

/* ops.c: issuing ops and finishing them. */
void aya_finish_op(aya_env *st, aya_op *op, int32_t result, aya_pair *out);
int aya_finish_packet(aya_env *st, const OVERLAPPED_ENTRY *e, aya_pair *out);
void aya_cancel_all(aya_env *st);

/* stat.c: GetFileInformationByHandleEx into the statx layout. */
int32_t aya_stat_handle(HANDLE h, aya_statx *out);

/* open.c: CreateFileW with Node's flags, sharing and dispositions. */
int32_t aya_open_file(aya_op *op);
HANDLE aya_open_for_stat(const WCHAR *path);

#endif
