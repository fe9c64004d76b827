/* Whole-file reads with one completion for JavaScript (read_whole.h). */
#define _GNU_SOURCE
#include "read_whole.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The user_data of `step` of the read whose request said `user_data`. */
static uint64_t with_step(uint64_t user_data, enum aya_read_whole_step step) {
  return aya_slot_user_data(AYA_READ_WHOLE_TAG, aya_slot_of(user_data), step, user_data);
}

void aya_read_wholes_init(struct aya_read_wholes *w) {
  aya_slots_fill(&w->free);
}

bool aya_read_whole_open(struct aya_read_wholes *w, uint64_t token, const uint8_t *path, uint8_t *buf, uint32_t cap,
                         struct aya_sqe *sqe) {
  uint32_t slot;
  if (!aya_slot_take(&w->free, &slot)) return false;
  w->slot[slot] = (struct aya_read_whole_slot){.buf = buf, .cap = cap, .fd = -1};
  /* Read-only, so in an io-wq worker: tried inline, the kernel opens with O_NONBLOCK and a
   * FIFO would not wait for its writer (engine.c's js_open). */
  *sqe = (struct aya_sqe){.opcode = AYA_IORING_OP_OPENAT,
                          .flags = AYA_SQE_ASYNC,
                          .fd = AT_FDCWD,
                          .addr = (uint64_t)(uintptr_t)path,
                          .op_flags = O_RDONLY | O_CLOEXEC,
                          .user_data = aya_slot_user_data(AYA_READ_WHOLE_TAG, slot, AYA_READ_WHOLE_OPEN, token)};
  return true;
}

enum aya_read_whole_step aya_read_whole_step_of(uint64_t user_data) {
  return (enum aya_read_whole_step)aya_step_of(user_data);
}

int aya_fstat_cached(int fd, void *out) {
  static const char empty_path[] = "";
  long rc = syscall(SYS_statx, fd, empty_path, AT_EMPTY_PATH | AYA_AT_STATX_DONT_SYNC,
                    AYA_STATX_BASIC_STATS | AYA_STATX_BTIME, out);
  return rc < 0 ? -errno : 0;
}

/* What size_to_read() needs to know (statx's STATX_TYPE and STATX_SIZE). */
#define TYPE_AND_SIZE (0x1u | 0x200u)

/* The bytes to read from `fd` here, or 0 when JavaScript reads it (it knows how: chunks until
 * EOF for a size of 0, ERR_FS_FILE_TOO_LARGE above its limit). */
static uint32_t size_to_read(int32_t fd, uint32_t cap) {
  aya_statx st;
  if (aya_fstat_cached(fd, &st) < 0 || (st.mask & TYPE_AND_SIZE) != TYPE_AND_SIZE) return 0;
  if (!S_ISREG(st.mode) || st.size > cap) return 0;
  return (uint32_t)st.size;
}

bool aya_read_whole_go_on(struct aya_read_wholes *w, uint64_t user_data, int32_t fd, struct aya_sqe *sqes) {
  struct aya_read_whole_slot *s = &w->slot[aya_slot_of(user_data)];
  s->fd = fd;
  uint32_t size = size_to_read(fd, s->cap);
  if (size == 0) return false;
  sqes[0] = (struct aya_sqe){.opcode = AYA_IORING_OP_READ,
                             .flags = AYA_SQE_IO_HARDLINK,
                             .fd = fd,
                             .addr = (uint64_t)(uintptr_t)s->buf,
                             .len = size,
                             .off = 0,
                             .user_data = with_step(user_data, AYA_READ_WHOLE_READ)};
  sqes[1] = (struct aya_sqe){
      .opcode = AYA_IORING_OP_CLOSE, .fd = fd, .user_data = with_step(user_data, AYA_READ_WHOLE_CLOSE)};
  return true;
}

static void free_slot(struct aya_read_wholes *w, uint64_t user_data) {
  aya_slot_give(&w->free, aya_slot_of(user_data));
}

int32_t aya_read_whole_hand_over(struct aya_read_wholes *w, uint64_t user_data, int32_t fd) {
  free_slot(w, user_data);
  return -(AYA_READ_WHOLE_HANDOVER + fd);
}

void aya_read_whole_drop(struct aya_read_wholes *w, uint64_t user_data) {
  free_slot(w, user_data);
}

void aya_read_whole_read_done(struct aya_read_wholes *w, uint64_t user_data, int32_t res) {
  w->slot[aya_slot_of(user_data)].read_res = res;
}

int32_t aya_read_whole_fd(const struct aya_read_wholes *w, uint64_t user_data) {
  return w->slot[aya_slot_of(user_data)].fd;
}

static int32_t failure(enum aya_read_whole_failure step, int32_t res) {
  return -(-res + AYA_READ_WHOLE_STEP_BASE * (int32_t)step);
}

int32_t aya_read_whole_end(struct aya_read_wholes *w, uint64_t user_data, int32_t close_res) {
  int32_t read_res = w->slot[aya_slot_of(user_data)].read_res;
  free_slot(w, user_data);
  if (read_res < 0) return failure(AYA_READ_WHOLE_FAILED_READ, read_res);
  if (close_res < 0) return failure(AYA_READ_WHOLE_FAILED_CLOSE, close_res);
  return read_res;
}
