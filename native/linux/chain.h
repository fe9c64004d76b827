/*
 * Whole-file writes as one submission: open into a direct descriptor (a slot of the ring's
 * own file table, never a process fd), cut the file to the length of the data, write, close.
 * The four requests are linked with IOSQE_IO_HARDLINK, so each starts when the one before has
 * ended however it ended: the close always runs and the slot is always emptied. With
 * IOSQE_CQE_SKIP_SUCCESS on the open and the write, a chain that goes well posts two CQEs, the
 * cut's and the close's; a failed open or a failed or short write posts its own before them.
 * The slot table keeps what they said until the close's CQE ends the chain
 * (docs/engine-notes.md, Whole-file chains).
 */
#ifndef AYA_CHAIN_H
#define AYA_CHAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "ring.h"
#include "slots.h"

/* Chains in flight at once on one ring (the size of its file table). */
#define AYA_CHAIN_SLOTS AYA_SLOTS
/* The requests of one chain: open, cut, write, close. */
#define AYA_CHAIN_SQES 4u
/* Set in the user_data of a chain's requests (slots.h's layout). */
#define AYA_CHAIN_TAG (1ull << 62)

/*
 * A chain's result for JavaScript: the bytes written (>= 0, all of them), or, for a failure,
 * -(errno + AYA_CHAIN_STEP_BASE * step) with step one of aya_chain_failure. A short write is
 * a failure with errno 0.
 */
#define AYA_CHAIN_STEP_BASE 4096
enum aya_chain_failure {
  AYA_CHAIN_FAILED_OPEN = 1,
  AYA_CHAIN_FAILED_WRITE = 2,       /* on a regular file: the cut had run (to the full length) */
  AYA_CHAIN_FAILED_CUT = 3,         /* the write went in full */
  AYA_CHAIN_FAILED_CLOSE = 4,       /* the cut and the write went in full */
  AYA_CHAIN_FAILED_WRITE_NOT_REG = 5, /* a pipe or device (the cut said EINVAL): nothing was cut */
};

/* What the chain's CQEs said before its last. */
struct aya_chain_slot {
  int32_t len;                          /* bytes to write */
  int32_t open_res, write_res, cut_res; /* 0 / len / 0 unless a CQE said otherwise */
  uint32_t posted;                      /* CQEs posted before the close's */
};

struct aya_chains {
  bool ready; /* the ring holds our file table */
  struct aya_slot_stack free;
  struct aya_chain_slot slot[AYA_CHAIN_SLOTS];
};

/* One whole-file write. */
struct aya_chain_write {
  uint64_t token;
  const uint8_t *path; /* NUL-terminated */
  int32_t flags;       /* open(2) flags: O_CREAT etc., without O_TRUNC */
  uint32_t mode;
  const uint8_t *buf;
  uint32_t len;
  bool async_write; /* a long copy: straight to io-wq (engine.c's ASYNC_COPY_MIN) */
};

/* Give `r` a sparse file table for chains; without one (Linux < 5.19), `c` stays not ready. */
void aya_chains_setup(struct aya_chains *c, struct aya_ring *r);
/* The SQEs of `w` into `sqes` (AYA_CHAIN_SQES of them), taking a slot; false when none is free. */
bool aya_chain_build(struct aya_chains *c, const struct aya_chain_write *w, struct aya_sqe *sqes);
/*
 * A chain's CQE. Returns false for one before its last (recorded); true for the close's, which
 * ends the chain: *result is its result for JavaScript, *skipped how many of its requests
 * posted no CQE, and its slot is free again.
 */
bool aya_chain_cqe(struct aya_chains *c, uint64_t user_data, int32_t res, int32_t *result, uint32_t *skipped);

#endif
