/*
 * Whole-file reads with one completion for JavaScript (readFile of a path). The open goes to
 * the ring as a plain open does; when its CQE is reaped (engine.c, on the JavaScript thread)
 * the engine asks for the new fd's type and size from what the kernel holds in memory (as
 * fstatCached does), and for a regular file that fits the caller's buffer it submits the read
 * of that size and the close, linked with IOSQE_IO_HARDLINK (the close runs however the read
 * ends). The close's CQE ends it: one completion instead of three round trips through
 * JavaScript. Anything else — a FIFO or device, a size of 0 (/proc files, empty files), a
 * file larger than the buffer, no room in the ring, a retired ring — hands the open fd to
 * JavaScript, which reads it as before (docs/engine-notes.md, Whole-file reads).
 */
#ifndef AYA_READ_WHOLE_H
#define AYA_READ_WHOLE_H

#include <stdbool.h>
#include <stdint.h>

#include "slots.h"
#include "uring_abi.h"

/* Whole-file reads in flight at once; another one is refused (EAGAIN: JavaScript opens). */
#define AYA_READ_WHOLE_SLOTS AYA_SLOTS
/* Set in the user_data of a whole-file read's requests (slots.h's layout). */
#define AYA_READ_WHOLE_TAG (1ull << 61)

/*
 * A whole-file read's result for JavaScript:
 * - >= 0: the bytes read into the buffer from offset 0 (all of the file as its size said;
 *   fewer if it shrank); the fd is closed;
 * - -errno (> -AYA_READ_WHOLE_STEP_BASE): the open failed;
 * - -(errno + AYA_READ_WHOLE_STEP_BASE * step): the read (step 1; the close ran) or the close
 *   (step 2; the read went in full) failed;
 * - <= -AYA_READ_WHOLE_HANDOVER: the file is open and not read: fd = -result - HANDOVER.
 */
#define AYA_READ_WHOLE_STEP_BASE 4096
#define AYA_READ_WHOLE_HANDOVER (1 << 24)
enum aya_read_whole_failure { AYA_READ_WHOLE_FAILED_READ = 1, AYA_READ_WHOLE_FAILED_CLOSE = 2 };

enum aya_read_whole_step { AYA_READ_WHOLE_OPEN, AYA_READ_WHOLE_READ, AYA_READ_WHOLE_CLOSE };

struct aya_read_whole_slot {
  uint8_t *buf;     /* JavaScript's buffer, kept alive by it until the completion */
  uint32_t cap;     /* the largest size read here */
  int32_t fd;       /* once opened */
  int32_t read_res; /* once the read's CQE came */
};

struct aya_read_wholes {
  struct aya_slot_stack free;
  struct aya_read_whole_slot slot[AYA_READ_WHOLE_SLOTS];
};

void aya_read_wholes_init(struct aya_read_wholes *w);
/* The open SQE of a whole-file read of `path` (NUL-terminated) into `buf` (at most `cap`
 * bytes), taking a slot; false when none is free. */
bool aya_read_whole_open(struct aya_read_wholes *w, uint64_t token, const uint8_t *path, uint8_t *buf, uint32_t cap,
                         struct aya_sqe *sqe);
/* Which request of a whole-file read a CQE's user_data names. */
enum aya_read_whole_step aya_read_whole_step_of(uint64_t user_data);
/*
 * The open said `fd`: the read and the close to submit into `sqes` (two, in order), or false
 * when this file is for JavaScript to read (not a regular file, size 0 or above the cap, or
 * the type unknown): then aya_read_whole_hand_over().
 */
bool aya_read_whole_go_on(struct aya_read_wholes *w, uint64_t user_data, int32_t fd, struct aya_sqe *sqes);
/* End the read of `user_data` with its open fd given to JavaScript: the result to deliver. */
int32_t aya_read_whole_hand_over(struct aya_read_wholes *w, uint64_t user_data, int32_t fd);
/* End the read of `user_data` without a result of its own (its open failed, or teardown). */
void aya_read_whole_drop(struct aya_read_wholes *w, uint64_t user_data);
/* The read's CQE said `res`. */
void aya_read_whole_read_done(struct aya_read_wholes *w, uint64_t user_data, int32_t res);
/* The fd the read of `user_data` opened (for its close's CQE). */
int32_t aya_read_whole_fd(const struct aya_read_wholes *w, uint64_t user_data);
/* The close's CQE said `close_res`: the result to deliver; the slot is free again. */
int32_t aya_read_whole_end(struct aya_read_wholes *w, uint64_t user_data, int32_t close_res);

/* statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC) into `out` (AYA_STATX_BYTES) on this thread: the attributes
 * the kernel holds, without waiting for I/O. Returns 0 or -errno. */
int aya_fstat_cached(int fd, void *out);

#endif
