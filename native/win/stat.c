/*
 * fstat for Windows handles, filled into the RawStat layout (src/engine/types.ts) with the
 * values libuv's fs__stat_handle gives, so fs.Stats from node:fs and from this backend
 * agree: mode S_IFDIR/S_IFREG with rw-rw-rw- (r--r--r-- when read-only), size 0 for
 * directories, blocks in 512-byte units, times in ms since 1970.
 */
#include "iocp.h"

#define AYA_S_IFDIR 0040000
#define AYA_S_IFREG 0100000
#define AYA_FILETIME_1970 116444736000000000LL /* 100 ns ticks from 1601 to 1970 */

static double filetime_ms(LARGE_INTEGER t) {
  return (double)(t.QuadPart - AYA_FILETIME_1970) / 10000.0;
}

static double stat_mode(DWORD attributes) {
  int dir = (attributes & FILE_ATTRIBUTE_DIRECTORY) != 0;
  int perms = (attributes & FILE_ATTRIBUTE_READONLY) ? 0444 : 0666;
  return (double)((dir ? AYA_S_IFDIR : AYA_S_IFREG) | perms);
}

int32_t aya_stat_handle(HANDLE h, double out[AYA_STAT_FIELDS]) {
  FILE_BASIC_INFO basic;
  FILE_STANDARD_INFO standard;
  BY_HANDLE_FILE_INFORMATION id; /* volume serial and file index: Node's dev and ino */
  if (!GetFileInformationByHandleEx(h, FileBasicInfo, &basic, sizeof basic) ||
      !GetFileInformationByHandleEx(h, FileStandardInfo, &standard, sizeof standard) ||
      !GetFileInformationByHandle(h, &id)) {
    return aya_uv_error(GetLastError());
  }
  int dir = (basic.FileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0;
  out[AYA_STAT_DEV] = (double)id.dwVolumeSerialNumber;
  out[AYA_STAT_INO] = (double)(((uint64_t)id.nFileIndexHigh << 32) | id.nFileIndexLow);
  out[AYA_STAT_MODE] = stat_mode(basic.FileAttributes);
  out[AYA_STAT_NLINK] = (double)standard.NumberOfLinks;
  out[AYA_STAT_UID] = 0;
  out[AYA_STAT_GID] = 0;
  out[AYA_STAT_RDEV] = 0;
  out[AYA_STAT_SIZE] = dir ? 0 : (double)standard.EndOfFile.QuadPart;
  out[AYA_STAT_BLKSIZE] = 4096;
  out[AYA_STAT_BLOCKS] = (double)(standard.AllocationSize.QuadPart >> 9);
  out[AYA_STAT_ATIME_MS] = filetime_ms(basic.LastAccessTime);
  out[AYA_STAT_MTIME_MS] = filetime_ms(basic.LastWriteTime);
  out[AYA_STAT_CTIME_MS] = filetime_ms(basic.ChangeTime);
  out[AYA_STAT_BIRTHTIME_MS] = filetime_ms(basic.CreationTime);
  return 0;
}
