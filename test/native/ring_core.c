/*
 * The io_uring core (native/linux/ring.c) on its own, without N-API: set up a ring with an
 * eventfd, then open, write, read back and close a file through it, checking each result.
 * The compatibility matrix builds it statically for musl (scripts/test-matrix.js), which
 * tests the C core of the linux-x64-musl prebuild on the real kernel of a glibc machine:
 * no musl Node is available to load the addon itself.
 *
 *   ring_core <scratch file>      exit 0 and "ring core ok: ..." on success
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../../native/linux/ring.h"

static int fail(const char *what, long v) {
  fprintf(stderr, "ring core FAILED: %s (%ld)\n", what, v);
  return 1;
}

/* Submit one SQE, wait for its CQE, return its result. */
static int run_op(struct aya_ring *r, const struct aya_sqe *op, int efd) {
  struct aya_sqe *sqe = aya_ring_get_sqe(r);
  if (!sqe) return -1000;
  *sqe = *op;
  int rc = aya_ring_wait(r);
  if (rc < 0) return rc;
  while (aya_cq_ready(r) == 0) {
    struct pollfd p = {.fd = efd, .events = POLLIN};
    poll(&p, 1, 1000);
    aya_ring_submit(r, true);
  }
  const struct aya_cqe *cqe = aya_cq_entry(r, 0);
  int res = cqe->user_data == op->user_data ? cqe->res : -1001;
  aya_cq_consume(r, 1);
  return res;
}

int main(int argc, char **argv) {
  if (argc != 2) return fail("usage: ring_core <scratch file>", argc);
  struct aya_ring ring;
  struct aya_ring_options o = {.queue_depth = 8};
  int rc = aya_ring_setup(&ring, &o);
  if (rc < 0) return fail("io_uring_setup", rc);
  int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (efd < 0 || aya_ring_register(&ring, AYA_REGISTER_EVENTFD, &efd, 1) < 0) return fail("eventfd", efd);

  static const char text[] = "written and read back through io_uring";
  char back[sizeof text] = {0};
  struct aya_sqe open_op = {.opcode = AYA_IORING_OP_OPENAT, .fd = AT_FDCWD, .addr = (uintptr_t)argv[1], .len = 0644,
                            .op_flags = O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, .user_data = 1};
  int fd = run_op(&ring, &open_op, efd);
  if (fd < 0) return fail("openat", fd);
  struct aya_sqe write_op = {.opcode = AYA_IORING_OP_WRITE, .fd = fd, .addr = (uintptr_t)text, .len = sizeof text - 1, .user_data = 2};
  if ((rc = run_op(&ring, &write_op, efd)) != (int)sizeof text - 1) return fail("write", rc);
  struct aya_sqe read_op = {.opcode = AYA_IORING_OP_READ, .fd = fd, .addr = (uintptr_t)back, .len = sizeof back - 1, .user_data = 3};
  if ((rc = run_op(&ring, &read_op, efd)) != (int)sizeof text - 1) return fail("read", rc);
  if (memcmp(back, text, sizeof text) != 0) return fail("read back other bytes", 0);
  struct aya_sqe close_op = {.opcode = AYA_IORING_OP_CLOSE, .fd = fd, .user_data = 4};
  if ((rc = run_op(&ring, &close_op, efd)) != 0) return fail("close", rc);
  uint64_t signals = 0;
  if (read(efd, &signals, sizeof signals) != sizeof signals || signals == 0) return fail("eventfd never signalled", 0);
  printf("ring core ok: open/write/read/close on a %u-entry ring, eventfd signalled\n", ring.sq_entries);
  aya_ring_destroy(&ring);
  return 0;
}
