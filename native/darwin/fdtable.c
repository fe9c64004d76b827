/*
 * The fd table and the channels of each fd. Used only on the JavaScript thread.
 *
 * JavaScript sees real fds (as with io_uring), so wrapFd() of a node:fs fd works: its slot is
 * made on first use. A file (regular, block device) gets up to two channels, created when
 * first needed:
 *  - random (DISPATCH_IO_RANDOM, pread/pwrite): every read and write, except
 *  - stream (DISPATCH_IO_STREAM, write() at the fd's own position): pos -1 writes on an
 *    O_APPEND fd, where only write() appends atomically: macOS's pwrite honours the offset
 *    even under O_APPEND, as POSIX says (github.com/WasmEdge/WasmEdge/issues/3389), where
 *    Linux's appends.
 * Pipes and sockets get no channel: a channel's read waits for its whole length (or EOF),
 * while read() on a pipe returns what is there. They are made non-blocking (as a stream
 * channel would make them) and read or written when a dispatch source reports them ready
 * (ops.c). Directories get none either: a channel on one fails at setup (EISDIR), and
 * libdispatch calls such a channel's cleanup handler at once while its entry for the fd
 * number stays, so the next file given that number would inherit the error. Directories and
 * character devices (ttys, /dev/null) are read and written as blocking calls on a global
 * queue (a directory's read: the kernel's EISDIR, as node:fs).
 *
 * A random channel's offsets are relative to the fd's file position when the channel was
 * created (libdispatch reads it with lseek once the channel is set up): `base` records it
 * and ops pass `pos - base`. Only stream writes move that position, and the random channel
 * is always created before the stream one (libdispatch sets channels of one fd up in order),
 * so both see the same value.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dio.h"

/* Reads larger than this arrive in several handler calls, assembled at their offsets. */
#define AYA_HIGH_WATER (1024 * 1024)

/* The slot of an fd that has one, even one being closed (its in-flight ops still finish). */
aya_fd *aya_fd_slot(aya_fd_table *t, int32_t fd) {
  if (fd < 0 || fd >= t->count || !t->slots[fd].used) return NULL;
  return &t->slots[fd];
}

static int grow(aya_fd_table *t, int32_t fd) {
  size_t count = (size_t)t->count;
  if (!aya_reserve_zeroed((void **)&t->slots, &count, (size_t)fd + 1, sizeof *t->slots)) return 0;
  t->count = (int32_t)count;
  return 1;
}

static aya_fd_kind fd_kind(int32_t fd) {
  struct stat s;
  if (fstat(fd, &s) != 0) return AYA_FD_BLOCKING;
  if (S_ISREG(s.st_mode) || S_ISBLK(s.st_mode)) return AYA_FD_CHANNELS;
  if (!S_ISFIFO(s.st_mode) && !S_ISSOCK(s.st_mode)) return AYA_FD_BLOCKING;
  int fl = fcntl(fd, F_GETFL);
  return fl != -1 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0 ? AYA_FD_READY : AYA_FD_BLOCKING;
}

/* Make fd's slot: position `position`, append as given. Keeps a stale slot's group. */
static aya_fd *slot_init(aya_fd_table *t, int32_t fd, int append, int64_t position) {
  if (fd >= t->count && !grow(t, fd)) return NULL;
  aya_fd *f = &t->slots[fd];
  if (f->ops == NULL) f->ops = dispatch_group_create();
  if (f->channels_out == NULL) f->channels_out = dispatch_group_create();
  if (f->ops == NULL || f->channels_out == NULL) return NULL;
  /* A slot left by an fd closed behind our back (wrapFd + fs.closeSync): its channels go. */
  aya_fd_retire_channels(f);
  f->used = 1;
  f->owned = 0;
  f->append = append;
  f->kind = fd_kind(fd);
  int access = fcntl(fd, F_GETFL) & O_ACCMODE;
  f->readable = access == O_RDONLY || access == O_RDWR;
  f->writable = access == O_WRONLY || access == O_RDWR;
  f->closing = 0;
  f->position = position;
  f->inflight_io = 0;
  return f;
}

/* An fd this backend opened: position 0, owned. AYA_ENOMEM on failure. */
int32_t aya_fd_install(aya_fd_table *t, int32_t fd, int append) {
  aya_fd *f = slot_init(t, fd, append, 0);
  if (f == NULL) return AYA_ENOMEM;
  f->owned = 1;
  return fd;
}

/* The slot of an fd new ops may use; an fd opened elsewhere (wrapFd) gets one on first use. */
aya_fd *aya_fd_get(aya_fd_table *t, int32_t fd) {
  aya_fd *f = aya_fd_slot(t, fd);
  if (f != NULL) return f->closing ? NULL : f;
  int fl = fd >= 0 ? fcntl(fd, F_GETFL) : -1;
  if (fl == -1) return NULL;
  off_t at = lseek(fd, 0, SEEK_CUR);
  return slot_init(t, fd, (fl & O_APPEND) != 0, at < 0 ? 0 : (int64_t)at);
}

/* The channel `which` of the fd, created when first needed (NULL: out of memory). */
dispatch_io_t aya_fd_channel(aya_fd *f, int32_t fd, int which) {
  if (f->channels[which] != NULL) return f->channels[which];
  if (which == AYA_CH_STREAM && aya_fd_channel(f, fd, AYA_CH_RANDOM) == NULL) return NULL;
  dispatch_group_t channels_out = f->channels_out;
  dispatch_io_type_t type = which == AYA_CH_RANDOM ? DISPATCH_IO_RANDOM : DISPATCH_IO_STREAM;
  if (which == AYA_CH_RANDOM) {
    off_t at = lseek(fd, 0, SEEK_CUR);
    f->base = at < 0 ? 0 : (int64_t)at;
  }
  dispatch_group_enter(channels_out); /* before: a channel that fails may clean up at once */
  dispatch_io_t ch =
      dispatch_io_create(type, fd, dispatch_get_global_queue(DISPATCH_QUEUE_PRIORITY_DEFAULT, 0), ^(int error) {
        (void)error;
        dispatch_group_leave(channels_out);
      });
  if (ch == NULL) {
    dispatch_group_leave(channels_out);
    return NULL;
  }
  dispatch_io_set_high_water(ch, AYA_HIGH_WATER);
  f->channels[which] = ch;
  return ch;
}

/* Stop the fd's channels (their ops end ECANCELED); new ops get new channels. */
void aya_fd_retire_channels(aya_fd *f) {
  for (int i = 0; i < AYA_CH_COUNT; i++) {
    if (f->channels[i] == NULL) continue;
    dispatch_io_close(f->channels[i], DISPATCH_IO_STOP);
    dispatch_release(f->channels[i]);
    f->channels[i] = NULL;
  }
}

/*
 * Stop the reads and writes on the fd's channels (they end ECANCELED): its own channels (new
 * ops get new ones), or, once close() holds them, through the close's stop source.
 */
void aya_fd_stop_channels(aya_fd *f) {
  if (f->close_stop != NULL) {
    dispatch_source_merge_data(f->close_stop, 1);
  } else {
    aya_fd_retire_channels(f);
  }
}

/* After close: the slot is free, its groups go (every channel cleaned up). */
void aya_fd_remove(aya_fd_table *t, int32_t fd) {
  aya_fd *f = aya_fd_slot(t, fd);
  if (f == NULL) return;
  dispatch_release(f->ops);
  dispatch_release(f->channels_out);
  if (f->close_stop != NULL) dispatch_release(f->close_stop);
  memset(f, 0, sizeof *f);
}

/*
 * Environment teardown, once every op finished and every channel let go of its fd: close the
 * fds this environment opened and JavaScript did not close (as io_uring and IOCP do), so a
 * terminated worker does not leak them. fds opened elsewhere (wrapFd) stay open.
 */
void aya_fd_close_owned(aya_fd_table *t) {
  for (int32_t fd = 0; fd < t->count; fd++) {
    if (t->slots[fd].used && t->slots[fd].owned) aya_close_fd(fd);
  }
}

/* Environment teardown: every channel is closed and cleaned up (aya_env_stop waited for it). */
void aya_fd_table_free(aya_fd_table *t) {
  for (int32_t fd = 0; fd < t->count; fd++) {
    aya_fd *f = &t->slots[fd];
    if (f->ops != NULL) dispatch_release(f->ops);
    if (f->channels_out != NULL) dispatch_release(f->channels_out);
    if (f->close_stop != NULL) dispatch_release(f->close_stop);
  }
  free(t->slots);
  t->slots = NULL;
  t->count = 0;
}
