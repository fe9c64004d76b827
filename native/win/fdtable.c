/*
 * The fd table: JavaScript sees small integers indexing it, never raw HANDLE values (a
 * stale or forged number can then only name a free slot, which gives EBADF). Used only on
 * the JavaScript thread.
 */
#include <stdlib.h>
#include <string.h>
#include "iocp.h"

/* The slot of an open fd, even one being closed (its in-flight ops still finish). */
aya_fd *aya_fd_slot(aya_fd_table *t, int32_t fd) {
  if (fd < AYA_FIRST_FD || fd >= t->count) return NULL;
  aya_fd *slot = &t->slots[fd];
  return slot->handle != NULL ? slot : NULL;
}

/* The slot of an fd new ops may use: open and not being closed. */
aya_fd *aya_fd_get(aya_fd_table *t, int32_t fd) {
  aya_fd *slot = aya_fd_slot(t, fd);
  return slot != NULL && !slot->closing ? slot : NULL;
}

static int grow(aya_fd_table *t) {
  size_t count = (size_t)t->count;
  if (!aya_reserve_zeroed((void **)&t->slots, &count, count + 1, sizeof *t->slots)) return 0;
  t->count = (int32_t)count;
  return 1;
}

/* The lowest free slot (like POSIX fds), or AYA_EMFILE / AYA_ENOMEM. */
int32_t aya_fd_add(aya_fd_table *t, HANDLE h, int append, int skip_on_success) {
  int32_t fd = AYA_FIRST_FD;
  while (fd < t->count && t->slots[fd].handle != NULL) fd++;
  if (fd == INT32_MAX) return AYA_EMFILE;
  if (fd >= t->count && !grow(t)) return AYA_ENOMEM;
  aya_fd *slot = &t->slots[fd];
  memset(slot, 0, sizeof *slot);
  slot->handle = h;
  slot->append = append;
  slot->skip_on_success = skip_on_success;
  return fd;
}

void aya_fd_remove(aya_fd_table *t, int32_t fd) {
  if (fd >= AYA_FIRST_FD && fd < t->count) memset(&t->slots[fd], 0, sizeof t->slots[fd]);
}

void aya_fd_table_free(aya_fd_table *t) {
  free(t->slots);
  t->slots = NULL;
  t->count = 0;
}
