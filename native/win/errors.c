/*
 * Win32 errors -> libuv's negative errno numbers on Windows, following the table in libuv's
 * uv_translate_sys_error (src/win/error.c) for the errors file I/O can produce, so
 * util.getSystemErrorMap() on Windows Node names them exactly as node:fs would.
 * ERROR_ACCESS_DENIED is EPERM: that is what Node 22's libuv reports (fsync on a read-only
 * handle gives EPERM there); newer libuv releases moved it to EACCES.
 */
#include "iocp.h"

#ifndef ERROR_ELEVATION_REQUIRED /* in the Windows SDK's winerror.h, missing from mingw-w64's */
#define ERROR_ELEVATION_REQUIRED 740L
#endif

/* The tables below keep several case labels on a line, as libuv's does. */
/* clang-format off */
static int32_t io_error(DWORD e) {
  switch (e) {
    case ERROR_BEGINNING_OF_MEDIA: case ERROR_BUS_RESET: case ERROR_CRC:
    case ERROR_DEVICE_DOOR_OPEN: case ERROR_DEVICE_REQUIRES_CLEANING: case ERROR_DISK_CORRUPT:
    case ERROR_EOM_OVERFLOW: case ERROR_FILEMARK_DETECTED: case ERROR_GEN_FAILURE:
    case ERROR_INVALID_BLOCK_LENGTH: case ERROR_IO_DEVICE: case ERROR_NO_DATA_DETECTED:
    case ERROR_NO_SIGNAL_SENT: case ERROR_OPEN_FAILED: case ERROR_SETMARK_DETECTED:
    case ERROR_SIGNAL_REFUSED:
      return AYA_EIO;
    case ERROR_CANNOT_MAKE: case ERROR_DISK_FULL: case ERROR_EA_TABLE_FULL:
    case ERROR_END_OF_MEDIA: case ERROR_HANDLE_DISK_FULL:
      return AYA_ENOSPC;
    default:
      return 0;
  }
}

static int32_t path_error(DWORD e) {
  switch (e) {
    case ERROR_BAD_PATHNAME: case ERROR_DIRECTORY: case ERROR_ENVVAR_NOT_FOUND:
    case ERROR_FILE_NOT_FOUND: case ERROR_INVALID_NAME: case ERROR_INVALID_DRIVE:
    case ERROR_INVALID_REPARSE_DATA: case ERROR_MOD_NOT_FOUND: case ERROR_PATH_NOT_FOUND:
      return AYA_ENOENT;
    case ERROR_ALREADY_EXISTS: case ERROR_FILE_EXISTS:
      return AYA_EEXIST;
    case ERROR_FILENAME_EXCED_RANGE:
      return AYA_ENAMETOOLONG;
    case ERROR_CANT_RESOLVE_FILENAME:
      return AYA_ELOOP;
    case ERROR_DIR_NOT_EMPTY:
      return AYA_ENOTEMPTY;
    case ERROR_NOT_SAME_DEVICE:
      return AYA_EXDEV;
    case ERROR_META_EXPANSION_TOO_LONG:
      return AYA_E2BIG;
    default:
      return 0;
  }
}

static int32_t access_error(DWORD e) {
  switch (e) {
    case ERROR_ACCESS_DENIED: case ERROR_PRIVILEGE_NOT_HELD:
      return AYA_EPERM;
    case ERROR_NOACCESS: case ERROR_ELEVATION_REQUIRED: case ERROR_CANT_ACCESS_FILE:
      return AYA_EACCES;
    case ERROR_LOCK_VIOLATION: case ERROR_SHARING_VIOLATION: case ERROR_PIPE_BUSY:
      return AYA_EBUSY;
    case ERROR_WRITE_PROTECT:
      return AYA_EROFS;
    case ERROR_INVALID_FLAGS: case ERROR_INVALID_HANDLE:
      return AYA_EBADF;
    case ERROR_TOO_MANY_OPEN_FILES:
      return AYA_EMFILE;
    default:
      return 0;
  }
}

static int32_t misc_error(DWORD e) {
  switch (e) {
    case ERROR_OPERATION_ABORTED:
      return AYA_ECANCELED;
    case ERROR_INSUFFICIENT_BUFFER: case ERROR_INVALID_DATA: case ERROR_INVALID_PARAMETER:
    case ERROR_SYMLINK_NOT_SUPPORTED:
      return AYA_EINVAL;
    case ERROR_INVALID_FUNCTION:
      return AYA_EISDIR;
    case ERROR_NOT_ENOUGH_MEMORY: case ERROR_OUTOFMEMORY:
      return AYA_ENOMEM;
    case ERROR_NOT_SUPPORTED:
      return AYA_ENOTSUP;
    case ERROR_BUFFER_OVERFLOW:
      return AYA_EFAULT;
    case ERROR_NO_UNICODE_TRANSLATION:
      return AYA_ECHARSET;
    case ERROR_SEM_TIMEOUT:
      return AYA_ETIMEDOUT;
    default:
      return 0;
  }
}

/* Pipes and network files report connection errors too. */
static int32_t pipe_error(DWORD e) {
  switch (e) {
    case ERROR_BROKEN_PIPE:
      return AYA_EOF;
    case ERROR_BAD_PIPE: case ERROR_NO_DATA: case ERROR_PIPE_NOT_CONNECTED:
      return AYA_EPIPE;
    case ERROR_CONNECTION_ABORTED:
      return AYA_ECONNABORTED;
    case ERROR_CONNECTION_REFUSED:
      return AYA_ECONNREFUSED;
    case ERROR_NETNAME_DELETED:
      return AYA_ECONNRESET;
    case ERROR_HOST_UNREACHABLE:
      return AYA_EHOSTUNREACH;
    case ERROR_NETWORK_UNREACHABLE:
      return AYA_ENETUNREACH;
    case ERROR_NOT_CONNECTED:
      return AYA_ENOTCONN;
    default:
      return 0;
  }
}

/* clang-format on */

int32_t aya_uv_error(DWORD win32_error) {
  int32_t (*const groups[])(DWORD) = {io_error, path_error, access_error, misc_error, pipe_error};
  for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
    int32_t uv = groups[i](win32_error);
    if (uv != 0) return uv;
  }
  return AYA_UNKNOWN;
}
