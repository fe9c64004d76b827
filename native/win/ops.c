/*
 * Issuing ops and finishing them.
 *
 * Reads and writes are overlapped ReadFile/WriteFile on the port. Handles run with
 * FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, so an op that completes at once (cached reads on
 * real Windows, pipes with data waiting) queues no packet: its result goes on the `ready`
 * list that submit() hands to JavaScript. Everything Windows can only do blocking (open,
 * flush, truncate, stat, close) runs on the system thread pool and posts its op back to
 * the port, so every result reaches JavaScript the same way.
 */
#include <stdlib.h>
#include <string.h>
#include "iocp.h"

/* An op for the request; it owns rq->path from here on. NULL: out of memory. */
aya_op *aya_op_new(aya_env *st, const aya_request *rq) {
  aya_op *op = calloc(1, sizeof *op);
  if (op == NULL) return NULL;
  op->rq = *rq;
  op->port = st->port;
  return op;
}

static void op_free(aya_op *op) {
  free(op->rq.path);
  free(op);
}

/* An op that finished without ever being tracked (bad fd, synchronous completion). */
static int32_t finish_untracked(aya_env *st, aya_op *op, int32_t result) {
  int32_t token = op->rq.token;
  op_free(op);
  return aya_pairs_push(&st->ready, token, result) ? 0 : AYA_ENOMEM;
}

/* ---- per-fd accounting: close waits for the ops that use the handle ---- */

static aya_fd *claim_fd(aya_env *st, aya_op *op) {
  aya_fd *f = aya_fd_get(&st->fds, op->rq.fd);
  if (f == NULL) return NULL;
  op->handle = f->handle;
  f->inflight++;
  return f;
}

static void release_fd(aya_fd *f) {
  if (--f->inflight == 0 && f->close_op != NULL) SetEvent(f->close_op->u.close.drained);
}

/* ---- reads and writes ---- */

static int32_t io_error_result(const aya_op *op, DWORD err) {
  /* A read at or past the end, or from a pipe whose writer left, reads 0 bytes (libuv too). */
  if (op->rq.kind == AYA_OP_READ && (err == ERROR_HANDLE_EOF || err == ERROR_BROKEN_PIPE)) return 0;
  /* Reading a write-only fd or writing a read-only one: EBADF, as libuv's fs__read/fs__write. */
  if (err == ERROR_ACCESS_DENIED) return AYA_EBADF;
  return aya_uv_error(err);
}

static int32_t io_result(aya_op *op) {
  DWORD n = 0;
  if (GetOverlappedResult(op->handle, &op->ov, &n, FALSE)) return (int32_t)n;
  return io_error_result(op, GetLastError());
}

/* Where the op reads or writes: append fds always at the end, pos -1 at the fd's position. */
static uint64_t io_offset(aya_op *op, const aya_fd *f, int64_t pos) {
  if (op->rq.kind == AYA_OP_WRITE && f->append) return UINT64_MAX; /* "write at end of file" */
  if (pos >= 0) return (uint64_t)pos;
  op->advances_position = 1;
  return (uint64_t)f->position;
}

int32_t aya_issue_io(aya_env *st, aya_op *op) {
  aya_fd *f = claim_fd(st, op);
  if (f == NULL) return finish_untracked(st, op, AYA_EBADF);
  if (!aya_op_track(st, op)) {
    release_fd(f);
    op_free(op);
    return AYA_ENOMEM;
  }
  uint64_t offset = io_offset(op, f, op->rq.pos);
  op->ov.Offset = (DWORD)offset;
  op->ov.OffsetHigh = (DWORD)(offset >> 32);
  BOOL ok = op->rq.kind == AYA_OP_READ ? ReadFile(op->handle, op->rq.data, op->rq.len, NULL, &op->ov)
                                       : WriteFile(op->handle, op->rq.data, op->rq.len, NULL, &op->ov);
  DWORD err = ok ? ERROR_SUCCESS : GetLastError();
  if (err == ERROR_IO_PENDING || (ok && !f->skip_on_success)) return 0; /* a packet will come */
  /* Completed synchronously: no packet is queued, the result goes out through submit(). */
  aya_pair p;
  aya_finish_op(st, op, ok ? io_result(op) : io_error_result(op, err), &p);
  return aya_pairs_push(&st->ready, p.token, p.result) ? 0 : AYA_ENOMEM;
}

/* ---- thread-pool ops ---- */

/*
 * Wait for the fd's in-flight ops to end, then close the handle. The wait has no limit of its
 * own: JavaScript cancels the ops still out after closeTimeoutMs (cancelFd, which reaches
 * a closing fd), and they end ECANCELED.
 */
static int32_t close_file(aya_op *op) {
  WaitForSingleObject(op->u.close.drained, INFINITE);
  return CloseHandle(op->handle) ? 0 : aya_uv_error(GetLastError());
}

static int32_t truncate_file(aya_op *op) {
  FILE_END_OF_FILE_INFO info;
  info.EndOfFile.QuadPart = op->rq.length;
  if (SetFileInformationByHandle(op->handle, FileEndOfFileInfo, &info, sizeof info)) return 0;
  return aya_uv_error(GetLastError());
}

static int32_t stat_file(aya_op *op) {
  if (op->rq.path == NULL) return aya_stat_handle(op->handle, &op->u.stat.fields);
  HANDLE h = aya_open_for_stat(op->rq.path);
  if (h == INVALID_HANDLE_VALUE) return aya_uv_error(GetLastError());
  int32_t r = aya_stat_handle(h, &op->u.stat.fields);
  CloseHandle(h);
  return r;
}

static int32_t run_blocking(aya_op *op) {
  switch (op->rq.kind) {
    case AYA_OP_OPEN:
      return aya_open_file(op);
    /* FlushFileBuffers flushes data and metadata: it serves fdatasync too. */
    case AYA_OP_FSYNC:
      return FlushFileBuffers(op->handle) ? 0 : aya_uv_error(GetLastError());
    case AYA_OP_FTRUNCATE:
      return truncate_file(op);
    case AYA_OP_STATX:
      return stat_file(op);
    case AYA_OP_CLOSE:
      return close_file(op);
    default:
      return AYA_EINVAL;
  }
}

static void CALLBACK work_main(PTP_CALLBACK_INSTANCE instance, PVOID context) {
  aya_op *op = context;
  (void)instance;
  op->result = run_blocking(op);
  PostQueuedCompletionStatus(op->port, 0, AYA_KEY_WORK, &op->ov);
}

int32_t aya_issue_work(aya_env *st, aya_op *op) {
  aya_fd *f = NULL;
  if (op->rq.fd >= 0 && op->rq.kind != AYA_OP_CLOSE) {
    f = claim_fd(st, op);
    if (f == NULL) return finish_untracked(st, op, AYA_EBADF);
  }
  if (!aya_op_track(st, op)) {
    if (f != NULL) release_fd(f);
    op_free(op);
    return AYA_ENOMEM;
  }
  if (!TrySubmitThreadpoolCallback(work_main, op, NULL)) {
    aya_pair p;
    aya_finish_op(st, op, aya_uv_error(GetLastError()), &p);
    return aya_pairs_push(&st->ready, p.token, p.result) ? 0 : AYA_ENOMEM;
  }
  return 0;
}

int32_t aya_issue_close(aya_env *st, aya_op *op) {
  aya_fd *f = aya_fd_get(&st->fds, op->rq.fd);
  if (f == NULL) return finish_untracked(st, op, AYA_EBADF);
  op->u.close.drained = CreateEventW(NULL, TRUE, f->inflight == 0, NULL);
  if (op->u.close.drained == NULL) return finish_untracked(st, op, aya_uv_error(GetLastError()));
  op->handle = f->handle;
  f->closing = 1;
  f->close_op = op;
  return aya_issue_work(st, op);
}

/* ---- finishing ---- */

static int32_t install_fd(aya_env *st, aya_op *op) {
  int append = (op->rq.flags & AYA_O_APPEND) != 0;
  int32_t fd = aya_fd_add(&st->fds, op->handle, append, op->u.open.skip_on_success);
  if (fd < 0) CloseHandle(op->handle);
  return fd;
}

/* The op is done: settle its bookkeeping, free it, and give its [token, result]. */
void aya_finish_op(aya_env *st, aya_op *op, int32_t result, aya_pair *out) {
  aya_fd *f = op->rq.fd >= 0 ? aya_fd_slot(&st->fds, op->rq.fd) : NULL;
  switch (op->rq.kind) {
    case AYA_OP_OPEN:
      if (result >= 0) result = install_fd(st, op);
      break;
    case AYA_OP_READ:
    case AYA_OP_WRITE:
      if (result > 0 && op->advances_position && f != NULL) f->position += result;
      break;
    case AYA_OP_STATX:
      if (result >= 0) memcpy(op->rq.out, &op->u.stat.fields, sizeof op->u.stat.fields);
      break;
    case AYA_OP_CLOSE:
      CloseHandle(op->u.close.drained);
      if (f != NULL) aya_fd_remove(&st->fds, op->rq.fd);
      f = NULL; /* the close op itself was never counted in inflight */
      break;
    default:
      break;
  }
  if (f != NULL) release_fd(f);
  aya_op_untrack(st, op);
  out->token = op->rq.token;
  out->result = result;
  op_free(op);
}

/* A packet from the port. Returns 0 for packets that carry no op. */
int aya_finish_packet(aya_env *st, const OVERLAPPED_ENTRY *e, aya_pair *out) {
  if (e->lpOverlapped == NULL) return 0;
  aya_op *op = CONTAINING_RECORD(e->lpOverlapped, aya_op, ov);
  int32_t result = e->lpCompletionKey == AYA_KEY_IO ? io_result(op) : (int32_t)op->result;
  aya_finish_op(st, op, result, out);
  return 1;
}

/* ---- cancellation ---- */

/* Cancel the reads and writes in flight on `fd`: how many there were (they end ECANCELED). */
int32_t aya_cancel_fd(aya_env *st, int32_t fd) {
  aya_fd *f = aya_fd_slot(&st->fds, fd);
  if (f == NULL) return AYA_EBADF;
  int32_t count = 0;
  for (size_t t = 0; t < st->by_token.cap; t++) {
    const aya_op *op = st->by_token.items[t];
    if (op != NULL && op->rq.fd == fd && (op->rq.kind == AYA_OP_READ || op->rq.kind == AYA_OP_WRITE)) count++;
  }
  if (count > 0 && !CancelIoEx(f->handle, NULL) && GetLastError() == ERROR_NOT_FOUND) count = 0;
  return count;
}

void aya_cancel_all(aya_env *st) {
  for (int32_t fd = AYA_FIRST_FD; fd < st->fds.count; fd++) {
    if (st->fds.slots[fd].handle != NULL) CancelIoEx(st->fds.slots[fd].handle, NULL);
  }
}
