/*
 * The process credentials a ring's requests may run with. An SQPOLL ring's kernel thread,
 * and the io-wq workers it spawns, act with the credentials of the task that created the
 * ring (ctx->sq_creds), not of whoever queues work later: after process.setuid() that ring
 * would still open files as root (CVE-2024-22017 in libuv). engine.c snapshots them when it
 * creates an SQPOLL ring and compares before every batch it publishes.
 */
#ifndef AYA_CREDS_H
#define AYA_CREDS_H

#include <stdbool.h>
#include <sys/types.h>

struct aya_creds {
  uid_t ruid, euid, suid, fsuid;
  gid_t rgid, egid, sgid, fsgid;
  int ngroups;
  gid_t *groups;
};

/* Fill `c` with the calling thread's credentials. Returns 0 or -errno. */
int aya_creds_snapshot(struct aya_creds *c);
/* Whether the calling thread's credentials still equal `c`. */
bool aya_creds_unchanged(const struct aya_creds *c);
void aya_creds_free(struct aya_creds *c);

#endif
