/* Snapshot and compare uid/gid/supplementary groups (see creds.h for why). */
#define _GNU_SOURCE
#include "../common/errors.h"
#include "creds.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <unistd.h>

/* setfsuid(-1) is the documented way to read the fs uid without changing it. */
static uid_t current_fsuid(void) {
  return (uid_t)setfsuid((uid_t)-1);
}
static gid_t current_fsgid(void) {
  return (gid_t)setfsgid((gid_t)-1);
}

/* The ids without the groups. Returns 0 or -errno. */
static int snapshot_ids(struct aya_creds *c) {
  if (getresuid(&c->ruid, &c->euid, &c->suid) < 0) return -errno;
  if (getresgid(&c->rgid, &c->egid, &c->sgid) < 0) return -errno;
  c->fsuid = current_fsuid();
  c->fsgid = current_fsgid();
  return 0;
}

int aya_creds_snapshot(struct aya_creds *c) {
  memset(c, 0, sizeof *c);
  int rc = snapshot_ids(c);
  if (rc < 0) return rc;
  int n = getgroups(0, NULL);
  if (n < 0) return -errno;
  c->groups = calloc((size_t)n + 1, sizeof(gid_t));
  if (!c->groups) return AYA_ENOMEM;
  c->ngroups = getgroups(n, c->groups);
  return c->ngroups < 0 ? -errno : 0;
}

bool aya_creds_unchanged(const struct aya_creds *c) {
  struct aya_creds now;
  memset(&now, 0, sizeof now);
  if (snapshot_ids(&now) < 0) return false;
  if (now.ruid != c->ruid || now.euid != c->euid || now.suid != c->suid || now.fsuid != c->fsuid ||
      now.rgid != c->rgid || now.egid != c->egid || now.sgid != c->sgid || now.fsgid != c->fsgid)
    return false;
  if (getgroups(0, NULL) != c->ngroups) return false;
  gid_t *groups = calloc((size_t)c->ngroups + 1, sizeof(gid_t));
  if (!groups) return false;
  int n = getgroups(c->ngroups, groups);
  bool same = n == c->ngroups && memcmp(groups, c->groups, (size_t)n * sizeof(gid_t)) == 0;
  free(groups);
  return same;
}

void aya_creds_free(struct aya_creds *c) {
  free(c->groups);
  c->groups = NULL;
  c->ngroups = 0;
}
