/*
 * fstat for Windows handles, written in the contract's statx layout with the values libuv's
 * fs__stat_handle gives, so fs.Stats from node:fs and from this backend agree: mode
 * S_IFDIR/S_IFREG with rw-rw-rw- (r--r--r-- when read-only), size 0 for directories,
 * blocks in 512-byte units, dev the volume serial number, ino the file index.
 */
#include <string.h>
#include "iocp.h"

#define AYA_S_IFDIR 0040000
#define AYA_S_IFREG 0100000
#define AYA_FILETIME_1970 116444736000000000LL /* 100 ns ticks from 1601 to 1970 */
#define AYA_TICKS_PER_SEC 10000000LL

static aya_statx_time statx_time(LARGE_INTEGER filetime) {
  int64_t ticks = filetime.QuadPart - AYA_FILETIME_1970;
  int64_t sec = ticks / AYA_TICKS_PER_SEC;
  int64_t rest = ticks % AYA_TICKS_PER_SEC;
  if (rest < 0) { /* before 1970: nanoseconds stay positive, as in struct statx */
    sec--;
    rest += AYA_TICKS_PER_SEC;
  }
  aya_statx_time t = {sec, (uint32_t)(rest * 100), 0};
  return t;
}

static uint16_t stat_mode(DWORD attributes) {
  int dir = (attributes & FILE_ATTRIBUTE_DIRECTORY) != 0;
  int perms = (attributes & FILE_ATTRIBUTE_READONLY) ? 0444 : 0666;
  return (uint16_t)((dir ? AYA_S_IFDIR : AYA_S_IFREG) | perms);
}

int32_t aya_stat_handle(HANDLE h, aya_statx *out) {
  FILE_BASIC_INFO basic;
  FILE_STANDARD_INFO standard;
  BY_HANDLE_FILE_INFORMATION id; /* volume serial and file index: Node's dev and ino */
  if (!GetFileInformationByHandleEx(h, FileBasicInfo, &basic, sizeof basic) ||
      !GetFileInformationByHandleEx(h, FileStandardInfo, &standard, sizeof standard) ||
      !GetFileInformationByHandle(h, &id)) {
    return aya_uv_error(GetLastError());
  }
  int dir = (basic.FileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0;
  memset(out, 0, sizeof *out);
  out->mask = AYA_STATX_BASIC_STATS | AYA_STATX_BTIME;
  out->blksize = 4096;
  out->nlink = standard.NumberOfLinks;
  out->mode = stat_mode(basic.FileAttributes);
  out->ino = ((uint64_t)id.nFileIndexHigh << 32) | id.nFileIndexLow;
  out->size = dir ? 0 : (uint64_t)standard.EndOfFile.QuadPart;
  out->blocks = (uint64_t)standard.AllocationSize.QuadPart >> 9;
  out->atime = statx_time(basic.LastAccessTime);
  out->btime = statx_time(basic.CreationTime);
  out->ctime = statx_time(basic.ChangeTime);
  out->mtime = statx_time(basic.LastWriteTime);
  aya_split_dev(id.dwVolumeSerialNumber, &out->dev_major, &out->dev_minor);
  return 0;
}
