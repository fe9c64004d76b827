/*
 * Issuing ops and finishing them.
 *
 * Reads and writes go to the fd's Dispatch I/O channel; its handler may run several times
 * for one op (at most the channel's high-water mark of data per call), so a read copies each
 * part to its place in the caller's buffer and a write counts what is left. Everything else
 * blocks in the kernel and runs on a global queue. Either way the finished op is handed over
 * to the JavaScript thread (deliver.c), which finishes it here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "dio.h"

static dispatch_queue_t global_queue(void) {
  return dispatch_get_global_queue(DISPATCH_QUEUE_PRIORITY_DEFAULT, 0);
}

/* An op for the request; it owns rq->path from here on. NULL: out of memory. */
aya_op *aya_op_new(aya_env *st, const aya_request *rq) {
  aya_op *op = calloc(1, sizeof *op);
  if (op == NULL) return NULL;
  op->st = st;
  op->rq = *rq;
  return op;
}

static void op_free(aya_op *op) {
  free(op->rq.path);
  free(op);
}

/* An op that finished without leaving this thread (bad fd). */
static int32_t finish_at_once(aya_env *st, aya_op *op, int32_t result) {
  int32_t token = op->rq.token;
  op_free(op);
  return aya_pairs_push(&st->ready, token, result) ? 0 : AYA_ENOMEM;
}

/* Count the op in the fd's group (close waits for it) and the environment's. 0: no memory. */
static int start_op(aya_env *st, aya_op *op, aya_fd *f) {
  if (!aya_op_track(st, op)) return 0;
  if (f != NULL) {
    op->fd_ops = f->ops;
    dispatch_group_enter(f->ops);
  }
  op->all = st->all;
  dispatch_group_enter(op->all);
  return 1;
}

/* ---- reads and writes ---- */

/*
 * What a finished read or write returns: the bytes moved, or the error if none moved. A
 * channel moves a large op in parts, so one stopped (ECANCELED) or failing midway reports
 * what it did move, as a short read(2)/write(2) would: never an error for bytes that landed.
 */
static int32_t io_result(const aya_op *op, int error) {
  return error == 0 || op->u.io.done > 0 ? (int32_t)op->u.io.done : -error;
}

/* Copy one part of a read to its offset in the caller's buffer. */
static void copy_part(aya_op *op, dispatch_data_t part) {
  uint8_t *dest = op->rq.data + op->u.io.done;
  size_t room = op->rq.len - op->u.io.done;
  dispatch_data_apply(part, ^bool(dispatch_data_t region, size_t offset, const void *bytes, size_t size) {
    (void)region;
    if (offset < room) memcpy(dest + offset, bytes, size < room - offset ? size : room - offset);
    return true;
  });
  size_t got = dispatch_data_get_size(part);
  op->u.io.done += got < room ? got : room;
}

static void read_part(aya_op *op, bool done, dispatch_data_t part, int error) {
  if (part != NULL) copy_part(op, part);
  if (!done) return;
  op->result = io_result(op, error);
  aya_hand_over(op, 0);
}

/* A write's handler is given the data not yet written. */
static void write_part(aya_op *op, bool done, dispatch_data_t left, int error) {
  size_t unwritten = left != NULL ? dispatch_data_get_size(left) : 0;
  if (done && error == 0) unwritten = 0;
  op->u.io.done = op->rq.len - (unwritten < op->rq.len ? unwritten : op->rq.len);
  if (!done) return;
  op->result = io_result(op, error);
  aya_hand_over(op, 0);
}

static void start_read(aya_op *op, dispatch_io_t ch, off_t offset) {
  dispatch_io_read(ch, offset, op->rq.len, global_queue(), ^(bool done, dispatch_data_t part, int error) {
    read_part(op, done, part, error);
  });
}

static int start_write(aya_op *op, dispatch_io_t ch, off_t offset) {
  dispatch_queue_t q = global_queue();
  /* No copy: JavaScript keeps the buffer alive until the op's completion arrives. */
  dispatch_data_t data = dispatch_data_create(op->rq.data, op->rq.len, q,
                                              ^{
                                              });
  if (data == NULL) return 0;
  dispatch_io_write(ch, offset, data, q, ^(bool done, dispatch_data_t left, int error) {
    write_part(op, done, left, error);
  });
  dispatch_release(data);
  return 1;
}

static void work_main(void *arg);

/* ---- pipes and sockets: read()/write() when a dispatch source reports the fd ready ---- */

/* One read()/write() on the non-blocking fd; 0: nothing moved yet, wait for the next event. */
static int try_move(aya_op *op) {
  ssize_t n =
      op->rq.kind == AYA_OP_READ ? read(op->rq.fd, op->rq.data, op->rq.len) : write(op->rq.fd, op->rq.data, op->rq.len);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return 0;
  op->result = n < 0 ? -errno : (int32_t)n;
  return 1;
}

/*
 * The op ends in the source's cancel handler, which runs after any event handler: with the
 * result of its read()/write(), or ECANCELED when cancelFd/close/shutdown cancelled it first.
 */
static int start_ready(aya_op *op) {
  dispatch_source_type_t type = op->rq.kind == AYA_OP_READ ? DISPATCH_SOURCE_TYPE_READ : DISPATCH_SOURCE_TYPE_WRITE;
  dispatch_source_t src = dispatch_source_create(type, (uintptr_t)op->rq.fd, 0, global_queue());
  if (src == NULL) return 0;
  op->u.io.source = src;
  dispatch_source_set_event_handler(src, ^{
    if (!op->u.io.moved && try_move(op)) {
      op->u.io.moved = 1;
      dispatch_source_cancel(src);
    }
  });
  dispatch_source_set_cancel_handler(src, ^{
    if (!op->u.io.moved) op->result = AYA_ECANCELED;
    aya_hand_over(op, 0);
  });
  dispatch_resume(src);
  return 1;
}

/* The sources of the pipe ops in flight on `fd` (every fd when fd < 0), retained, into *out. */
size_t aya_collect_sources(aya_env *st, int32_t fd, dispatch_source_t **out) {
  size_t n = 0;
  *out = NULL;
  for (size_t t = 0; t < st->by_token.cap; t++) {
    aya_op *op = st->by_token.items[t];
    if (op == NULL || (op->rq.kind != AYA_OP_READ && op->rq.kind != AYA_OP_WRITE) || op->u.io.source == NULL) continue;
    if (fd >= 0 && op->rq.fd != fd) continue;
    dispatch_source_t *grown = realloc(*out, (n + 1) * sizeof **out);
    if (grown == NULL) break;
    *out = grown;
    dispatch_retain(op->u.io.source);
    (*out)[n++] = op->u.io.source;
  }
  return n;
}

/* Cancel (when `cancel`) and release sources from aya_collect_sources. */
void aya_release_sources(dispatch_source_t *sources, size_t n, int cancel) {
  for (size_t i = 0; i < n; i++) {
    if (cancel) dispatch_source_cancel(sources[i]);
    dispatch_release(sources[i]);
  }
  free(sources);
}

/* Which channel, and where: append writes at the end, pos -1 at the fd's position. */
static int io_target(aya_op *op, const aya_fd *f, int64_t *at) {
  *at = op->rq.pos;
  if (op->rq.kind == AYA_OP_WRITE && f->append && op->rq.pos < 0) return AYA_CH_STREAM;
  if (op->rq.pos < 0) {
    op->advances_position = 1;
    *at = f->position;
  }
  return AYA_CH_RANDOM;
}

/*
 * Whether a channel or source may carry the op. Not empty reads and writes (the kernel still
 * checks the fd), nor a write on a read-only fd or a read on a write-only one: the kernel
 * answers EBADF, which libdispatch takes for a closed fd, failing every later op on it; nor
 * a read or write at an offset on a pipe (pread/pwrite answer ESPIPE, as in node:fs). Those
 * run as blocking calls.
 */
static int dispatch_may_serve(const aya_fd *f, const aya_op *op) {
  if (op->rq.len == 0 || !(op->rq.kind == AYA_OP_READ ? f->readable : f->writable)) return 0;
  return f->kind != AYA_FD_READY || op->rq.pos < 0;
}

/* Pipes and sockets when ready; character devices (and what dispatch may not serve) blocking. */
static int32_t issue_without_channel(aya_env *st, aya_op *op, aya_fd *f) {
  if (!start_op(st, op, f)) {
    op_free(op);
    return AYA_ENOMEM;
  }
  f->inflight_io++;
  if (f->kind != AYA_FD_READY || !dispatch_may_serve(f, op)) {
    dispatch_async_f(global_queue(), op, work_main);
  } else if (!start_ready(op)) {
    op->result = AYA_ENOMEM;
    aya_hand_over(op, 0);
  }
  return 0;
}

int32_t aya_issue_io(aya_env *st, aya_op *op) {
  aya_fd *f = aya_fd_get(&st->fds, op->rq.fd);
  if (f == NULL) return finish_at_once(st, op, AYA_EBADF);
  if (f->kind != AYA_FD_CHANNELS || !dispatch_may_serve(f, op)) return issue_without_channel(st, op, f);
  int64_t at;
  dispatch_io_t ch = aya_fd_channel(f, op->rq.fd, io_target(op, f, &at));
  if (ch == NULL) return finish_at_once(st, op, AYA_ENOMEM);
  if (!start_op(st, op, f)) {
    op_free(op);
    return AYA_ENOMEM;
  }
  f->inflight_io++;
  off_t offset = (off_t)(at - f->base); /* ignored by stream channels */
  if (op->rq.kind == AYA_OP_READ) {
    start_read(op, ch, offset);
  } else if (!start_write(op, ch, offset)) {
    op->result = AYA_ENOMEM;
    aya_hand_over(op, 0);
  }
  return 0;
}

/* ---- ops that block: on a global queue ---- */

static void work_main(void *arg) {
  aya_op *op = arg;
  op->result = aya_run_blocking(op);
  aya_hand_over(op, 0);
}

int32_t aya_issue_work(aya_env *st, aya_op *op) {
  aya_fd *f = NULL;
  if (op->rq.fd >= 0) {
    f = aya_fd_get(&st->fds, op->rq.fd);
    if (f == NULL) return finish_at_once(st, op, AYA_EBADF);
  }
  if (!start_op(st, op, f)) {
    op_free(op);
    return AYA_ENOMEM;
  }
  dispatch_async_f(global_queue(), op, work_main);
  return 0;
}

/*
 * close, as a chain of dispatch callbacks (a worker blocked waiting would hold a thread the
 * handlers it waits for may need): when the fd's ops have finished, the close's `stop` source
 * is cancelled, and its cancel handler (which runs after any stop it handled) closes the
 * channels; when libdispatch has let go of the fd (every channel's cleanup handler ran), the
 * fd is closed while handing over (see aya_hand_over). The close sets no time limit of its
 * own: JavaScript stops the ops still out after closeTimeoutMs with cancelFd, which signals
 * `stop` (aya_fd_stop_channels): channels closed with DISPATCH_IO_STOP, pipe ops' sources
 * cancelled (they end ECANCELED).
 */
static void close_stop_ops(aya_op *op) {
  for (int i = 0; i < AYA_CH_COUNT; i++) {
    if (op->u.close.channels[i] != NULL) dispatch_io_close(op->u.close.channels[i], DISPATCH_IO_STOP);
  }
  for (size_t i = 0; i < op->u.close.n_sources; i++) dispatch_source_cancel(op->u.close.sources[i]);
}

static void close_release_channels(aya_op *op) {
  for (int i = 0; i < AYA_CH_COUNT; i++) {
    if (op->u.close.channels[i] == NULL) continue;
    dispatch_io_close(op->u.close.channels[i], 0);
    dispatch_release(op->u.close.channels[i]);
  }
  aya_release_sources(op->u.close.sources, op->u.close.n_sources, 0);
  if (op->u.close.stop != NULL) dispatch_release(op->u.close.stop);
  dispatch_group_t channels_out = op->u.close.channels_out;
  op->fd_ops = NULL; /* the close itself is not one of the fd's ops */
  dispatch_group_notify(channels_out, global_queue(), ^{
    aya_hand_over(op, 1);
  });
}

/*
 * Start the chain. `f` keeps its own reference to the stop source until the close finishes, so
 * a cancelFd() after the chain let go of it still signals a live (cancelled, so inert) source.
 * Without a source (out of memory) the close just waits for the ops.
 */
static void start_close(aya_op *op, aya_fd *f) {
  dispatch_source_t stop = dispatch_source_create(DISPATCH_SOURCE_TYPE_DATA_OR, 0, 0, global_queue());
  if (stop == NULL) {
    dispatch_group_notify(op->fd_ops, global_queue(), ^{
      close_release_channels(op);
    });
    return;
  }
  op->u.close.stop = stop;
  dispatch_retain(stop);
  f->close_stop = stop;
  dispatch_source_set_event_handler(stop, ^{
    close_stop_ops(op);
  });
  dispatch_source_set_cancel_handler(stop, ^{
    close_release_channels(op);
  });
  dispatch_resume(stop);
  dispatch_group_notify(op->fd_ops, global_queue(), ^{
    dispatch_source_cancel(stop);
  });
}

int32_t aya_issue_close(aya_env *st, aya_op *op) {
  aya_fd *f = aya_fd_get(&st->fds, op->rq.fd);
  if (f == NULL) return finish_at_once(st, op, AYA_EBADF);
  if (!aya_op_track(st, op)) {
    op_free(op);
    return AYA_ENOMEM;
  }
  f->closing = 1;
  memcpy(op->u.close.channels, f->channels, sizeof f->channels);
  memset(f->channels, 0, sizeof f->channels);
  op->u.close.channels_out = f->channels_out;
  op->u.close.n_sources = aya_collect_sources(st, op->rq.fd, &op->u.close.sources);
  op->fd_ops = f->ops;
  op->all = st->all;
  dispatch_group_enter(op->all);
  start_close(op, f);
  return 0;
}

/* ---- finishing, on the JavaScript thread ---- */

static void finish_open(aya_env *st, aya_op *op) {
  if (op->result < 0) return;
  int32_t fd = aya_fd_install(&st->fds, op->result, (op->rq.flags & O_APPEND) != 0);
  if (fd < 0) aya_close_fd(op->result);
  op->result = fd;
}

/* The op is done: settle its bookkeeping, put its pair on the ready list and free it. */
void aya_finish_op(aya_env *st, aya_op *op) {
  aya_fd *f = op->rq.fd >= 0 ? aya_fd_slot(&st->fds, op->rq.fd) : NULL;
  switch (op->rq.kind) {
    case AYA_OP_OPEN:
      finish_open(st, op);
      break;
    case AYA_OP_READ:
    case AYA_OP_WRITE:
      if (op->u.io.source != NULL) dispatch_release(op->u.io.source);
      if (f != NULL) {
        f->inflight_io--;
        if (op->result > 0 && op->advances_position) f->position += op->result;
      }
      break;
    case AYA_OP_STATX:
      if (op->result >= 0) memcpy(op->rq.out, &op->u.stat.fields, sizeof op->u.stat.fields);
      break;
    case AYA_OP_CLOSE:
      aya_fd_remove(&st->fds, op->rq.fd);
      break;
    default:
      break;
  }
  aya_op_untrack(st, op);
  /* Out of memory here would lose a result: the pair list grows before ops start (track). */
  aya_pairs_push(&st->ready, op->rq.token, op->result);
  op_free(op);
}

/* ---- cancellation ---- */

/*
 * Stop the fd's reads and writes (they end ECANCELED): its channels, or its pipe ops' sources.
 * Returns how many were stopped (blocking calls on character devices cannot be).
 */
int32_t aya_cancel_fd(aya_env *st, int32_t fd) {
  aya_fd *f = aya_fd_slot(&st->fds, fd);
  if (f == NULL) return AYA_EBADF;
  if (f->kind == AYA_FD_BLOCKING) return 0;
  if (f->kind == AYA_FD_READY) {
    dispatch_source_t *sources;
    size_t n = aya_collect_sources(st, fd, &sources);
    aya_release_sources(sources, n, 1);
    return (int32_t)n;
  }
  int32_t count = (int32_t)f->inflight_io;
  aya_fd_stop_channels(f);
  return count;
}
