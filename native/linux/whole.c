/* Whole-file reads and writes with one completion for JavaScript (whole.h). */
#define _GNU_SOURCE
#include "whole.h"
#include "size_owner.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The user_data of `step` of the op whose request said `user_data`. */
static uint64_t with_step(uint64_t user_data, enum aya_whole_step step) {
  return aya_slot_user_data(AYA_WHOLE_TAG, aya_slot_of(user_data), step, user_data);
}

static struct aya_whole_slot *slot_of(struct aya_wholes *w, uint64_t user_data) {
  return &w->slot[aya_slot_of(user_data)];
}

void aya_wholes_init(struct aya_wholes *w) {
  aya_slots_fill(&w->free);
}

bool aya_whole_open(struct aya_wholes *w, const struct aya_whole_op *op, struct aya_sqe *sqe) {
  uint32_t slot;
  if (!aya_slot_take(&w->free, &slot)) return false;
  w->slot[slot] = (struct aya_whole_slot){
      .buf = op->buf, .len = op->len, .kind = (uint8_t)op->kind, .async_io = op->async_io, .fd = -1};
  int32_t flags = op->kind == AYA_WHOLE_READ ? O_RDONLY : op->flags;
  /* In an io-wq worker, the open blocks as open(2) does: tried inline, the kernel opens with
   * O_NONBLOCK, and a FIFO would not wait for its other end (engine.c's js_open). */
  *sqe = (struct aya_sqe){.opcode = AYA_IORING_OP_OPENAT,
                          .flags = AYA_SQE_ASYNC,
                          .fd = AT_FDCWD,
                          .addr = (uint64_t)(uintptr_t)op->path,
                          .len = op->mode,
                          .op_flags = (uint32_t)(flags | O_CLOEXEC),
                          .user_data = aya_slot_user_data(AYA_WHOLE_TAG, slot, AYA_WHOLE_OPEN, op->token)};
  return true;
}

enum aya_whole_step aya_whole_step_of(uint64_t user_data) {
  return (enum aya_whole_step)aya_step_of(user_data);
}

int aya_fstat_cached(int fd, void *out) {
  static const char empty_path[] = "";
  long rc = syscall(SYS_statx, fd, empty_path, AT_EMPTY_PATH | AYA_AT_STATX_DONT_SYNC,
                    AYA_STATX_BASIC_STATS | AYA_STATX_BTIME | AYA_STATX_MNT_ID_UNIQUE, out);
  return rc < 0 ? -errno : 0;
}

/* PIPE_BUF: a pipe takes a write of this much in one piece or not at all (pipe(7)). A longer one
 * could go in part, and the linked close would then end the stream for the reader; so longer
 * data for anything but a regular file is handed over, and JavaScript writes it piece by piece. */
#define WHOLE_WRITE_MAX_NOT_REG 4096u

/* What going on needs to know (statx's STATX_TYPE and STATX_SIZE). */
#define TYPE_AND_SIZE (0x1u | 0x200u)

/* The type and size of `fd` as the kernel holds them into *st; false when it did not say. */
static bool type_and_size(int32_t fd, aya_statx *st) {
  return aya_fstat_cached(fd, st) == 0 && (st->mask & TYPE_AND_SIZE) == TYPE_AND_SIZE;
}

/* The read of `size` bytes from offset 0 and the close, into `sqes`. */
static uint32_t read_steps(const struct aya_whole_slot *s, uint64_t user_data, uint32_t size, struct aya_sqe *sqes) {
  sqes[0] = (struct aya_sqe){.opcode = AYA_IORING_OP_READ,
                             .flags = AYA_SQE_IO_HARDLINK | (s->async_io ? AYA_SQE_ASYNC : 0),
                             .fd = s->fd,
                             .addr = (uint64_t)(uintptr_t)s->buf,
                             .len = size,
                             .off = 0,
                             .user_data = with_step(user_data, AYA_WHOLE_IO)};
  return 1;
}

/*
 * Whether a write cuts its regular file to the data's length: where the file is longer than
 * the data, and where the kernel's size may be a stale copy (FUSE, NFS, ...: size_owner.h),
 * since a file grown elsewhere would keep its tail. Elsewhere a cut to the size the file has
 * already changes nothing and costs ext4 a truncate pass and io-wq a trip.
 */
static bool cuts(const struct aya_whole_slot *s, const aya_statx *st) {
  return s->regular && (st->size > s->len || !aya_kernel_owns_size(st));
}

/*
 * The cut when `cut`, and the write at the fd's position (0 after the open; a pipe takes no
 * offset), into `sqes`. The cut goes first: writers racing on one path each cover what their
 * own cut left (a cut after the write could extend the file past a shorter writer's bytes,
 * leaving zeros).
 */
static uint32_t write_steps(const struct aya_whole_slot *s, uint64_t user_data, bool cut, struct aya_sqe *sqes) {
  uint32_t n = 0;
  if (cut)
    sqes[n++] = (struct aya_sqe){.opcode = AYA_IORING_OP_FTRUNCATE,
                                 .flags = AYA_SQE_IO_HARDLINK,
                                 .fd = s->fd,
                                 .off = s->len,
                                 .user_data = with_step(user_data, AYA_WHOLE_CUT)};
  sqes[n++] = (struct aya_sqe){.opcode = AYA_IORING_OP_WRITE,
                               .flags = AYA_SQE_IO_HARDLINK | (s->async_io ? AYA_SQE_ASYNC : 0),
                               .fd = s->fd,
                               .addr = (uint64_t)(uintptr_t)s->buf,
                               .len = s->len,
                               .off = UINT64_MAX,
                               .user_data = with_step(user_data, AYA_WHOLE_IO)};
  return n;
}

uint32_t aya_whole_go_on(struct aya_wholes *w, uint64_t user_data, int32_t fd, struct aya_sqe *sqes) {
  struct aya_whole_slot *s = slot_of(w, user_data);
  s->fd = fd;
  aya_statx st;
  if (!type_and_size(fd, &st)) return 0;
  uint32_t n;
  if (s->kind == AYA_WHOLE_READ) {
    /* JavaScript knows how to read the rest: chunks until EOF for a size of 0, and
     * ERR_FS_FILE_TOO_LARGE above its limit. */
    if (!S_ISREG(st.mode) || st.size == 0 || st.size > s->len) return 0;
    n = read_steps(s, user_data, (uint32_t)st.size, sqes);
  } else {
    s->regular = S_ISREG(st.mode);
    if (!s->regular && s->len > WHOLE_WRITE_MAX_NOT_REG) return 0;
    n = write_steps(s, user_data, cuts(s, &st), sqes);
  }
  sqes[n++] = (struct aya_sqe){
      .opcode = AYA_IORING_OP_CLOSE, .fd = fd, .user_data = with_step(user_data, AYA_WHOLE_CLOSE)};
  return n;
}

static void free_slot(struct aya_wholes *w, uint64_t user_data) {
  aya_slot_give(&w->free, aya_slot_of(user_data));
}

int32_t aya_whole_hand_over(struct aya_wholes *w, uint64_t user_data, int32_t fd) {
  free_slot(w, user_data);
  return -(AYA_WHOLE_HANDOVER + fd);
}

/* -(errno + AYA_WHOLE_STEP_BASE * step) for a step that said `res` (a short write: errno 0). */
static int32_t failure(int32_t step, int32_t res) {
  return -((res < 0 ? -res : 0) + AYA_WHOLE_STEP_BASE * step);
}

int32_t aya_whole_open_failed(struct aya_wholes *w, uint64_t user_data, int32_t res) {
  bool read = slot_of(w, user_data)->kind == AYA_WHOLE_READ;
  free_slot(w, user_data);
  return read ? res : failure(AYA_WRITE_WHOLE_FAILED_OPEN, res);
}

void aya_whole_drop(struct aya_wholes *w, uint64_t user_data) {
  free_slot(w, user_data);
}

void aya_whole_step_done(struct aya_wholes *w, uint64_t user_data, int32_t res) {
  struct aya_whole_slot *s = slot_of(w, user_data);
  if (aya_whole_step_of(user_data) == AYA_WHOLE_CUT)
    s->cut_res = res;
  else
    s->io_res = res;
}

int32_t aya_whole_fd(const struct aya_wholes *w, uint64_t user_data) {
  return w->slot[aya_slot_of(user_data)].fd;
}

/* A read's result once its close said `close_res`. */
static int32_t read_result(const struct aya_whole_slot *s, int32_t close_res) {
  if (s->io_res < 0) return failure(AYA_READ_WHOLE_FAILED_READ, s->io_res);
  if (close_res < 0) return failure(AYA_READ_WHOLE_FAILED_CLOSE, close_res);
  return s->io_res;
}

/* A write's result once its close said `close_res`: the first failure in the steps' order of
 * importance (a write that did not go in full, then the cut, then the close). */
static int32_t write_result(const struct aya_whole_slot *s, int32_t close_res) {
  if (s->io_res != (int32_t)s->len)
    return failure(s->regular ? AYA_WRITE_WHOLE_FAILED_WRITE : AYA_WRITE_WHOLE_FAILED_WRITE_NOT_REG, s->io_res);
  if (s->cut_res < 0) return failure(AYA_WRITE_WHOLE_FAILED_CUT, s->cut_res);
  if (close_res < 0) return failure(AYA_WRITE_WHOLE_FAILED_CLOSE, close_res);
  return (int32_t)s->len;
}

int32_t aya_whole_end(struct aya_wholes *w, uint64_t user_data, int32_t close_res) {
  const struct aya_whole_slot *s = slot_of(w, user_data);
  int32_t result = s->kind == AYA_WHOLE_READ ? read_result(s, close_res) : write_result(s, close_res);
  free_slot(w, user_data);
  return result;
}
