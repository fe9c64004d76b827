/*
 * Opening files the way libuv's fs__open does on Windows (so behaviour matches node:fs),
 * plus FILE_FLAG_OVERLAPPED and the completion port. Runs on a thread-pool thread:
 * CreateFileW blocks (network paths, antivirus filters).
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "iocp.h"

/* Paths this long need the \\?\ form (CreateDirectoryW's limit is MAX_PATH - 12). */
#define AYA_SHORT_PATH_MAX (MAX_PATH - 12)

static const WCHAR kVerbatim[] = L"\\\\?\\";
static const WCHAR kVerbatimUnc[] = L"\\\\?\\UNC";

/*
 * A long path in \\?\ form, malloc'ed; NULL to use `path` as it is (short, or already
 * verbatim, or on failure: CreateFileW then reports the error). \\?\ turns off Win32
 * normalisation, so the path is made absolute and canonical first.
 */
static WCHAR *verbatim_path(const WCHAR *path) {
  if (wcslen(path) < AYA_SHORT_PATH_MAX || wcsncmp(path, kVerbatim, 4) == 0) return NULL;
  DWORD need = GetFullPathNameW(path, 0, NULL, NULL);
  if (need == 0) return NULL;
  WCHAR *full = malloc(need * sizeof *full);
  if (full == NULL || GetFullPathNameW(path, need, full, NULL) == 0) {
    free(full);
    return NULL;
  }
  int unc = full[0] == L'\\' && full[1] == L'\\';
  const WCHAR *prefix = unc ? kVerbatimUnc : kVerbatim;
  const WCHAR *rest = unc ? full + 1 : full; /* \\server\share -> \\?\UNC\server\share */
  size_t len = wcslen(prefix) + wcslen(rest) + 1;
  WCHAR *out = malloc(len * sizeof *out);
  if (out != NULL) {
    wcscpy(out, prefix);
    wcscat(out, rest);
  }
  free(full);
  return out;
}

static HANDLE create_file(const WCHAR *path, DWORD access, DWORD disposition, DWORD attributes) {
  WCHAR *verbatim = verbatim_path(path);
  /* Shared like Node's handles: others may read, write, rename and delete the file. */
  HANDLE h = CreateFileW(verbatim ? verbatim : path, access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                         NULL, disposition, attributes, NULL);
  DWORD err = GetLastError();
  free(verbatim);
  SetLastError(err);
  return h;
}

static int open_access(uint32_t flags, DWORD *access) {
  switch (flags & (AYA_O_WRONLY | AYA_O_RDWR)) {
    case 0:
      *access = FILE_GENERIC_READ;
      break;
    case AYA_O_WRONLY:
      *access = FILE_GENERIC_WRITE;
      break;
    case AYA_O_RDWR:
      *access = FILE_GENERIC_READ | FILE_GENERIC_WRITE;
      break;
    default:
      return 0;
  }
  /*
   * O_APPEND: every write on the fd is issued at offset "end of file" (0xFFFFFFFF in both
   * halves), which Windows documents as equal to FILE_APPEND_DATA-only access: the append
   * is atomic and the size is never fetched. FILE_WRITE_DATA stays granted so that
   * truncate works on append files as it does on POSIX.
   */
  if (flags & AYA_O_APPEND) *access |= FILE_APPEND_DATA;
  return 1;
}

static DWORD open_disposition(uint32_t flags) {
  switch (flags & (AYA_O_CREAT | AYA_O_EXCL | AYA_O_TRUNC)) {
    case AYA_O_CREAT | AYA_O_EXCL:
    case AYA_O_CREAT | AYA_O_EXCL | AYA_O_TRUNC:
      return CREATE_NEW;
    case AYA_O_CREAT | AYA_O_TRUNC:
      return CREATE_ALWAYS;
    case AYA_O_CREAT:
      return OPEN_ALWAYS;
    case AYA_O_TRUNC:
    case AYA_O_TRUNC | AYA_O_EXCL:
      return TRUNCATE_EXISTING;
    default:
      return OPEN_EXISTING;
  }
}

static int open_attributes(uint32_t flags, uint32_t mode, DWORD *attributes) {
  /* BACKUP_SEMANTICS lets directories open (as in Node); reads then fail EISDIR. */
  DWORD a = FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OVERLAPPED | FILE_FLAG_BACKUP_SEMANTICS;
  if ((flags & AYA_O_CREAT) && !(mode & AYA_S_IWRITE)) a |= FILE_ATTRIBUTE_READONLY;
  switch (flags & (AYA_O_SEQUENTIAL | AYA_O_RANDOM)) {
    case 0:
      break;
    case AYA_O_SEQUENTIAL:
      a |= FILE_FLAG_SEQUENTIAL_SCAN;
      break;
    case AYA_O_RANDOM:
      a |= FILE_FLAG_RANDOM_ACCESS;
      break;
    default:
      return 0;
  }
  if (flags & (AYA_O_SYNC | AYA_O_DSYNC)) a |= FILE_FLAG_WRITE_THROUGH;
  *attributes = a;
  return 1;
}

/* Associate the handle with the port; completions that happen at once skip the port. */
static int32_t attach_to_port(aya_op *op, HANDLE h) {
  if (CreateIoCompletionPort(h, op->port, AYA_KEY_IO, 0) == NULL) return aya_uv_error(GetLastError());
  op->u.open.skip_on_success =
      SetFileCompletionNotificationModes(h, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE) != 0;
  return 0;
}

int32_t aya_open_file(aya_op *op) {
  uint32_t flags = op->rq.flags;
  DWORD access, attributes;
  if (!open_access(flags, &access) || !open_attributes(flags, op->rq.mode, &attributes)) {
    return AYA_EINVAL;
  }
  HANDLE h = create_file(op->rq.path, access, open_disposition(flags), attributes);
  if (h == INVALID_HANDLE_VALUE) {
    DWORD err = GetLastError();
    /* libuv: ERROR_FILE_EXISTS under O_CREAT without O_EXCL means the path is a directory. */
    if (err == ERROR_FILE_EXISTS && (flags & AYA_O_CREAT) && !(flags & AYA_O_EXCL)) return AYA_EISDIR;
    return aya_uv_error(err);
  }
  int32_t r = attach_to_port(op, h);
  if (r < 0) {
    CloseHandle(h);
    return r;
  }
  op->handle = h;
  return 0;
}

/* A handle for stat(path): attributes only, following links, directories allowed. */
HANDLE aya_open_for_stat(const WCHAR *path) {
  return create_file(path, FILE_READ_ATTRIBUTES, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS);
}
