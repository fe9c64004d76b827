/* Whole-file writes as one linked submission (chain.h). */
#define _GNU_SOURCE
#include "chain.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

enum chain_step { STEP_OPEN, STEP_CUT, STEP_WRITE, STEP_CLOSE };

/* What a chain needs from the kernel besides the file table: its four opcodes, writes at the
 * file position (a pipe has no offsets), and CQE_SKIP_SUCCESS. */
static bool kernel_has_chains(const struct aya_ring *r) {
  return (r->features & AYA_FEAT_RW_CUR_POS) && (r->features & AYA_FEAT_CQE_SKIP) &&
         aya_ring_supports(r, AYA_IORING_OP_OPENAT) && aya_ring_supports(r, AYA_IORING_OP_WRITE) &&
         aya_ring_supports(r, AYA_IORING_OP_FTRUNCATE) && aya_ring_supports(r, AYA_IORING_OP_CLOSE);
}

void aya_chains_setup(struct aya_chains *c, struct aya_ring *r) {
  memset(c, 0, sizeof *c);
  if (!kernel_has_chains(r)) return;
  struct aya_rsrc_register table = {.nr = AYA_CHAIN_SLOTS, .flags = AYA_RSRC_REGISTER_SPARSE};
  if (aya_ring_register(r, AYA_REGISTER_FILES2, &table, sizeof table) < 0) return;
  aya_slots_fill(&c->free);
  c->ready = true;
}

bool aya_chain_build(struct aya_chains *c, const struct aya_chain_write *w, struct aya_sqe *sqes) {
  uint32_t slot;
  if (!c->ready || !aya_slot_take(&c->free, &slot)) return false;
  c->slot[slot] = (struct aya_chain_slot){.len = (int32_t)w->len, .write_res = (int32_t)w->len};
  const uint8_t linked = AYA_SQE_IO_HARDLINK | AYA_SQE_CQE_SKIP_SUCCESS;
  /* In an io-wq worker, the open blocks as open(2) does (a FIFO waits for its reader). A
   * direct descriptor takes no O_CLOEXEC: it is never in the process's fd table. */
  sqes[0] = (struct aya_sqe){.opcode = AYA_IORING_OP_OPENAT,
                             .flags = linked | AYA_SQE_ASYNC,
                             .fd = AT_FDCWD,
                             .addr = (uint64_t)(uintptr_t)w->path,
                             .len = w->mode,
                             .op_flags = (uint32_t)(w->flags & ~O_CLOEXEC),
                             .file_index = (int32_t)slot + 1,
                             .user_data = aya_slot_user_data(AYA_CHAIN_TAG, slot, STEP_OPEN, w->token)};
  /* The cut before the write: writers racing on one path each cover what their own cut
   * extended (a cut after the write could extend the file past a shorter writer's bytes,
   * leaving zeros). It posts its CQE either way: a failed IORING_OP_FTRUNCATE does not count
   * as a failure for CQE_SKIP_SUCCESS (Linux 6.18: a cut that said EINVAL posted nothing). */
  sqes[1] = (struct aya_sqe){.opcode = AYA_IORING_OP_FTRUNCATE,
                             .flags = AYA_SQE_IO_HARDLINK | AYA_SQE_FIXED_FILE,
                             .fd = (int32_t)slot,
                             .off = w->len,
                             .user_data = aya_slot_user_data(AYA_CHAIN_TAG, slot, STEP_CUT, w->token)};
  /* At the file position (0 after the open): a pipe takes no offset. */
  sqes[2] = (struct aya_sqe){.opcode = AYA_IORING_OP_WRITE,
                             .flags = linked | AYA_SQE_FIXED_FILE | (w->async_write ? AYA_SQE_ASYNC : 0),
                             .fd = (int32_t)slot,
                             .off = UINT64_MAX,
                             .addr = (uint64_t)(uintptr_t)w->buf,
                             .len = w->len,
                             .user_data = aya_slot_user_data(AYA_CHAIN_TAG, slot, STEP_WRITE, w->token)};
  sqes[3] = (struct aya_sqe){.opcode = AYA_IORING_OP_CLOSE,
                             .file_index = (int32_t)slot + 1,
                             .user_data = aya_slot_user_data(AYA_CHAIN_TAG, slot, STEP_CLOSE, w->token)};
  return true;
}

static int32_t failure(enum aya_chain_failure step, int32_t res) {
  return -((res < 0 ? -res : 0) + AYA_CHAIN_STEP_BASE * (int32_t)step);
}

/* The chain's result once its close said `close_res` (the first failure in chain order). */
static int32_t chain_result(const struct aya_chain_slot *s, int32_t close_res) {
  if (s->open_res < 0) return failure(AYA_CHAIN_FAILED_OPEN, s->open_res);
  /* ftruncate(2) says EINVAL for pipes, sockets and devices only: the write was to one. */
  if (s->write_res != s->len)
    return failure(s->cut_res == -EINVAL ? AYA_CHAIN_FAILED_WRITE_NOT_REG : AYA_CHAIN_FAILED_WRITE, s->write_res);
  if (s->cut_res < 0 && s->cut_res != -EINVAL) return failure(AYA_CHAIN_FAILED_CUT, s->cut_res);
  if (close_res < 0) return failure(AYA_CHAIN_FAILED_CLOSE, close_res);
  return s->len;
}

bool aya_chain_cqe(struct aya_chains *c, uint64_t user_data, int32_t res, int32_t *result, uint32_t *skipped) {
  uint32_t slot = aya_slot_of(user_data);
  struct aya_chain_slot *s = &c->slot[slot];
  switch ((enum chain_step)aya_step_of(user_data)) {
    case STEP_OPEN:
      s->open_res = res;
      break;
    case STEP_WRITE:
      s->write_res = res;
      break;
    case STEP_CUT:
      s->cut_res = res;
      break;
    case STEP_CLOSE:
      *result = chain_result(s, res);
      *skipped = AYA_CHAIN_SQES - 1 - s->posted;
      aya_slot_give(&c->free, slot);
      return true;
  }
  s->posted++;
  return false;
}
