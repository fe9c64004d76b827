/*
 * The calls that block in the kernel, run on a global dispatch queue: open, fsync,
 * ftruncate, stat, close. Errors are -errno: on macOS (and Linux) libuv's error numbers are
 * the negated errno values, so Node names them.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dio.h"

#ifdef __APPLE__
#define AYA_F_BARRIERFSYNC 85 /* <sys/fcntl.h> since macOS 10.14; libuv uses the number too */
#endif

static int32_t sys_result(int r) {
  return r < 0 ? -errno : r;
}

/* As libuv's uv__fs_open: the flags are Node's fs.constants (the platform's own values). */
static int32_t open_file(const aya_op *op) {
  int fd;
  do {
    fd = open(op->rq.path, (int)op->rq.flags | O_CLOEXEC, op->rq.mode);
  } while (fd < 0 && errno == EINTR);
  return sys_result(fd);
}

/*
 * As libuv's uv__fs_fsync on macOS: fsync() there does not flush the drive's write cache;
 * F_FULLFSYNC does, where the file system supports it, else F_BARRIERFSYNC, else fsync().
 * macOS has no fdatasync of its own worth more, so datasync is the same full sync (libuv too).
 */
static int32_t sync_file(const aya_op *op) {
#ifdef __APPLE__
  (void)op->rq.datasync;
  if (fcntl(op->rq.fd, F_FULLFSYNC) == 0 || fcntl(op->rq.fd, AYA_F_BARRIERFSYNC) == 0) return 0;
  return sys_result(fsync(op->rq.fd));
#else
  return sys_result(op->rq.datasync ? fdatasync(op->rq.fd) : fsync(op->rq.fd));
#endif
}

static aya_statx_time statx_time(struct timespec t) {
  aya_statx_time out = {(int64_t)t.tv_sec, (uint32_t)t.tv_nsec, 0};
  return out;
}

/* struct stat into the contract's statx layout (birth time where struct stat has one). */
static void fill_statx(const struct stat *s, aya_statx *out) {
  memset(out, 0, sizeof *out);
  out->mask = AYA_STATX_BASIC_STATS;
  out->blksize = (uint32_t)s->st_blksize;
  out->nlink = (uint32_t)s->st_nlink;
  out->uid = s->st_uid;
  out->gid = s->st_gid;
  out->mode = (uint16_t)s->st_mode;
  out->ino = (uint64_t)s->st_ino;
  out->size = (uint64_t)s->st_size;
  out->blocks = (uint64_t)s->st_blocks;
#ifdef __APPLE__
  out->mask |= AYA_STATX_BTIME;
  out->atime = statx_time(s->st_atimespec);
  out->btime = statx_time(s->st_birthtimespec);
  out->ctime = statx_time(s->st_ctimespec);
  out->mtime = statx_time(s->st_mtimespec);
#else
  out->atime = statx_time(s->st_atim);
  out->ctime = statx_time(s->st_ctim);
  out->mtime = statx_time(s->st_mtim);
#endif
  aya_split_dev((uint64_t)s->st_dev, &out->dev_major, &out->dev_minor);
  aya_split_dev((uint64_t)s->st_rdev, &out->rdev_major, &out->rdev_minor);
}

#ifdef __linux__
/* The Linux development build: the birth time from statx, where Node's libuv gets it there. */
static void linux_birth_time(const aya_op *op, aya_statx *out) {
  struct statx x;
  int r = op->rq.path != NULL ? statx(AT_FDCWD, op->rq.path, 0, STATX_BTIME, &x)
                              : statx(op->rq.fd, "", AT_EMPTY_PATH, STATX_BTIME, &x);
  if (r != 0 || !(x.stx_mask & STATX_BTIME)) return;
  out->mask |= AYA_STATX_BTIME;
  out->btime.tv_sec = x.stx_btime.tv_sec;
  out->btime.tv_nsec = x.stx_btime.tv_nsec;
}
#endif

static int32_t stat_file(aya_op *op) {
  struct stat s;
  int r = op->rq.path != NULL ? stat(op->rq.path, &s) : fstat(op->rq.fd, &s);
  if (r < 0) return -errno;
  fill_statx(&s, &op->u.stat.fields);
#ifdef __linux__
  linux_birth_time(op, &op->u.stat.fields);
#endif
  return 0;
}

/* close() is not retried on EINTR: the fd is gone either way (libuv does the same). */
int32_t aya_close_fd(int32_t fd) {
  int r = close(fd);
  return r < 0 && errno != EINTR ? -errno : 0;
}

/* Character devices: one read()/write() (pread/pwrite at an offset), as node:fs does. */
static int32_t move_bytes(const aya_op *op) {
  uint8_t *p = op->rq.data;
  size_t n = op->rq.len;
  off_t at = (off_t)op->rq.pos;
  ssize_t r;
  do {
    if (op->rq.kind == AYA_OP_READ) {
      r = at < 0 ? read(op->rq.fd, p, n) : pread(op->rq.fd, p, n, at);
    } else {
      r = at < 0 ? write(op->rq.fd, p, n) : pwrite(op->rq.fd, p, n, at);
    }
  } while (r < 0 && errno == EINTR);
  return r < 0 ? -errno : (int32_t)r;
}

int32_t aya_run_blocking(aya_op *op) {
  switch (op->rq.kind) {
    case AYA_OP_READ:
    case AYA_OP_WRITE:
      return move_bytes(op);
    case AYA_OP_OPEN:
      return open_file(op);
    case AYA_OP_FSYNC:
      return sync_file(op);
    case AYA_OP_FTRUNCATE:
      return sys_result(ftruncate(op->rq.fd, (off_t)op->rq.length));
    case AYA_OP_STATX:
      return stat_file(op);
    default:
      return AYA_EINVAL;
  }
}
