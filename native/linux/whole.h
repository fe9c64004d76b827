/*
 * Whole-file reads and writes with one completion for JavaScript (readFile and writeFile of a
 * path). The open goes to the ring as a plain open does; when its CQE is reaped (engine.c, on
 * the JavaScript thread) the engine asks for the new fd's type and size from what the kernel
 * holds in memory (as fstatCached does) and submits the rest, linked with IOSQE_IO_HARDLINK so
 * the close runs however the steps before it end:
 * - a read: for a regular file that fits the caller's buffer, the read of that size and the
 *   close;
 * - a write: the cut (ftruncate to the data's length) only where the file is longer than the
 *   data or its size may be stale (size_owner.h: FUSE, NFS, ...), then the write at the fd's
 *   position and the close. A same-size or growing rewrite skips the cut, which costs ext4 a
 *   truncate pass and a trip through io-wq even when it changes nothing (docs/performance.md,
 *   writeFile with one completion).
 * The close's CQE ends it: one completion instead of three round trips through JavaScript.
 * Anything else — a read of a FIFO or device, of a size of 0 (/proc files, empty files) or of
 * a file larger than the buffer; a write of more than PIPE_BUF bytes to anything but a regular
 * file; a type the kernel did not give; no room in the ring; a retired ring — hands the open fd
 * to JavaScript, which goes on as before (docs/engine-notes.md,
 * Whole-file reads and writes).
 */
#ifndef AYA_WHOLE_H
#define AYA_WHOLE_H

#include <stdbool.h>
#include <stdint.h>

#include "slots.h"
#include "uring_abi.h"

/* Whole-file ops in flight at once; another one is refused (EAGAIN: JavaScript opens). */
#define AYA_WHOLE_SLOTS AYA_SLOTS
/* Set in the user_data of a whole-file op's requests (slots.h's layout). */
#define AYA_WHOLE_TAG (1ull << 61)
/* The most requests one op submits when its open went on: cut, write, close. */
#define AYA_WHOLE_MAX_STEPS 3u

/*
 * A whole-file op's result for JavaScript:
 * - >= 0: the bytes read into the buffer from offset 0 (all of the file as its size said;
 *   fewer if it shrank), or written (all of them); the fd is closed;
 * - a read: -errno (> -AYA_WHOLE_STEP_BASE): the open failed;
 * - -(errno + AYA_WHOLE_STEP_BASE * step), step one of the kind's failures below; a short
 *   write is a write failure with errno 0;
 * - <= -AYA_WHOLE_HANDOVER: the file is open and not read or written:
 *   fd = -result - AYA_WHOLE_HANDOVER.
 */
#define AYA_WHOLE_STEP_BASE 4096
#define AYA_WHOLE_HANDOVER (1 << 24)
enum aya_read_whole_failure { AYA_READ_WHOLE_FAILED_READ = 1, AYA_READ_WHOLE_FAILED_CLOSE = 2 };
enum aya_write_whole_failure {
  AYA_WRITE_WHOLE_FAILED_OPEN = 1,
  AYA_WRITE_WHOLE_FAILED_WRITE = 2,        /* on a regular file, cut first where it was longer */
  AYA_WRITE_WHOLE_FAILED_CUT = 3,          /* the write went in full (the link goes on) */
  AYA_WRITE_WHOLE_FAILED_CLOSE = 4,        /* the cut and the write went in full */
  AYA_WRITE_WHOLE_FAILED_WRITE_NOT_REG = 5 /* a pipe, socket or device */
};

enum aya_whole_kind { AYA_WHOLE_READ, AYA_WHOLE_WRITE };
enum aya_whole_step { AYA_WHOLE_OPEN, AYA_WHOLE_IO, AYA_WHOLE_CLOSE, AYA_WHOLE_CUT };

/* One whole-file op, as JavaScript asked for it. */
struct aya_whole_op {
  enum aya_whole_kind kind;
  uint64_t token;
  const uint8_t *path; /* NUL-terminated */
  int32_t flags;       /* a write's open(2) flags (O_CREAT etc., without O_TRUNC); a read's are O_RDONLY */
  uint32_t mode;
  uint8_t *buf; /* JavaScript's buffer, kept alive by it until the completion */
  uint32_t len; /* a read: the most it reads here; a write: the bytes to write */
  bool async_io; /* a long copy: straight to io-wq (engine.c's ASYNC_COPY_MIN) */
};

struct aya_whole_slot {
  uint8_t *buf;
  uint32_t len;
  uint8_t kind;       /* enum aya_whole_kind */
  bool async_io;
  bool regular;       /* a write's file, as the open's statx said */
  int32_t fd;         /* once opened */
  int32_t io_res;     /* once the read's or write's CQE came */
  int32_t cut_res;    /* 0 unless the cut's CQE said otherwise */
};

struct aya_wholes {
  struct aya_slot_stack free;
  struct aya_whole_slot slot[AYA_WHOLE_SLOTS];
};

void aya_wholes_init(struct aya_wholes *w);
/* The open SQE of `op`, taking a slot; false when none is free. */
bool aya_whole_open(struct aya_wholes *w, const struct aya_whole_op *op, struct aya_sqe *sqe);
/* Which request of a whole-file op a CQE's user_data names. */
enum aya_whole_step aya_whole_step_of(uint64_t user_data);
/*
 * The open said `fd`: the requests to submit into `sqes` (AYA_WHOLE_MAX_STEPS at most, in
 * order), how many; 0 when this file is JavaScript's to go on with: then
 * aya_whole_hand_over().
 */
uint32_t aya_whole_go_on(struct aya_wholes *w, uint64_t user_data, int32_t fd, struct aya_sqe *sqes);
/* End the op of `user_data` with its open fd given to JavaScript: the result to deliver. */
int32_t aya_whole_hand_over(struct aya_wholes *w, uint64_t user_data, int32_t fd);
/* End the op of `user_data` whose open said `res` < 0: the result to deliver. */
int32_t aya_whole_open_failed(struct aya_wholes *w, uint64_t user_data, int32_t res);
/* End the op of `user_data` without a result (teardown). */
void aya_whole_drop(struct aya_wholes *w, uint64_t user_data);
/* The read's, write's or cut's CQE said `res`. */
void aya_whole_step_done(struct aya_wholes *w, uint64_t user_data, int32_t res);
/* The fd the op of `user_data` opened (for its close's CQE). */
int32_t aya_whole_fd(const struct aya_wholes *w, uint64_t user_data);
/* The close's CQE said `close_res`: the result to deliver; the slot is free again. */
int32_t aya_whole_end(struct aya_wholes *w, uint64_t user_data, int32_t close_res);

/* statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC) into `out` (AYA_STATX_BYTES) on this thread: the attributes
 * the kernel holds, without waiting for I/O, and the mount's unique id (for size_owner.h). Returns 0 or -errno. */
int aya_fstat_cached(int fd, void *out);

#endif
