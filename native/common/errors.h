/*
 * The error numbers of the native binding contract: every backend returns libuv's numbers,
 * negated, so util.getSystemErrorMap() names them as node:fs would. Native code spells them
 * AYA_E* and nothing else; each backend translates its system's errors in one place:
 *
 * - Linux and macOS: libuv's numbers are the negated errno values, so `-errno` (and an
 *   io_uring completion's res) already is one; AYA_E* are the negated errno constants.
 * - Windows: libuv has numbers of its own (include/uv/errno.h, listed below); GetLastError()
 *   goes through aya_uv_error() (native/win/errors.c), as libuv's uv_translate_sys_error.
 */
#ifndef AYA_ERRORS_H
#define AYA_ERRORS_H

/* libuv's own numbers on every platform (no errno has them). */
#define AYA_EOF (-4095)
#define AYA_UNKNOWN (-4094)
#define AYA_ECHARSET (-4080)

#ifdef _WIN32

#define AYA_E2BIG (-4093)
#define AYA_EACCES (-4092)
#define AYA_EAGAIN (-4088)
#define AYA_EALREADY (-4084)
#define AYA_EBADF (-4083)
#define AYA_EBUSY (-4082)
#define AYA_ECANCELED (-4081)
#define AYA_ECONNABORTED (-4079)
#define AYA_ECONNREFUSED (-4078)
#define AYA_ECONNRESET (-4077)
#define AYA_EEXIST (-4075)
#define AYA_EFAULT (-4074)
#define AYA_EHOSTUNREACH (-4073)
#define AYA_EINTR (-4072)
#define AYA_EINVAL (-4071)
#define AYA_EIO (-4070)
#define AYA_EISDIR (-4068)
#define AYA_ELOOP (-4067)
#define AYA_EMFILE (-4066)
#define AYA_ENAMETOOLONG (-4064)
#define AYA_ENETUNREACH (-4062)
#define AYA_ENOENT (-4058)
#define AYA_ENOMEM (-4057)
#define AYA_ENOSPC (-4055)
#define AYA_ENOSYS (-4054)
#define AYA_ENOTCONN (-4053)
#define AYA_ENOTEMPTY (-4051)
#define AYA_ENOTSUP (-4049)
#define AYA_EPERM (-4048)
#define AYA_EPIPE (-4047)
#define AYA_EROFS (-4043)
#define AYA_ETIMEDOUT (-4039)
#define AYA_EXDEV (-4037)

#else

#include <errno.h>

#define AYA_E2BIG (-E2BIG)
#define AYA_EACCES (-EACCES)
#define AYA_EAGAIN (-EAGAIN)
#define AYA_EALREADY (-EALREADY)
#define AYA_EBADF (-EBADF)
#define AYA_EBUSY (-EBUSY)
#define AYA_ECANCELED (-ECANCELED)
#define AYA_ECONNABORTED (-ECONNABORTED)
#define AYA_ECONNREFUSED (-ECONNREFUSED)
#define AYA_ECONNRESET (-ECONNRESET)
#define AYA_EEXIST (-EEXIST)
#define AYA_EFAULT (-EFAULT)
#define AYA_EHOSTUNREACH (-EHOSTUNREACH)
#define AYA_EINTR (-EINTR)
#define AYA_EINVAL (-EINVAL)
#define AYA_EIO (-EIO)
#define AYA_EISDIR (-EISDIR)
#define AYA_ELOOP (-ELOOP)
#define AYA_EMFILE (-EMFILE)
#define AYA_ENAMETOOLONG (-ENAMETOOLONG)
#define AYA_ENETUNREACH (-ENETUNREACH)
#define AYA_ENOENT (-ENOENT)
#define AYA_ENOMEM (-ENOMEM)
#define AYA_ENOSPC (-ENOSPC)
#define AYA_ENOSYS (-ENOSYS)
#define AYA_ENOTCONN (-ENOTCONN)
#define AYA_ENOTEMPTY (-ENOTEMPTY)
#define AYA_ENOTSUP (-ENOTSUP)
#define AYA_EPERM (-EPERM)
#define AYA_EPIPE (-EPIPE)
#define AYA_EROFS (-EROFS)
#define AYA_ETIMEDOUT (-ETIMEDOUT)
#define AYA_EXDEV (-EXDEV)

#endif

#endif
