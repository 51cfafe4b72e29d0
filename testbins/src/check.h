/* check.h: tiny test helpers for the glibc test programs. Each check prints one line,
 * "ok: what" or "FAIL: what (errno NAME)"; main returns the number of failures. Nothing
 * printed depends on pids, times, addresses, inode numbers or temporary names. */
#ifndef CHECK_H
#define CHECK_H
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int failures;
/* An address that is never mapped (volatile: the compiler must not reason about it). */
static void *volatile BAD = (void *)16;

static const char *errname(int e)
{
    switch (e) {
#define E(x) case x: return #x;
    E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(ENXIO) E(E2BIG) E(EBADF) E(ECHILD)
    E(EAGAIN) E(ENOMEM) E(EACCES) E(EFAULT) E(EBUSY) E(EEXIST) E(EXDEV) E(ENODEV)
    E(ENOTDIR) E(EISDIR) E(EINVAL) E(ENFILE) E(EMFILE) E(ENOTTY) E(EFBIG) E(ENOSPC)
    E(ESPIPE) E(EROFS) E(EPIPE) E(ERANGE) E(ENOSYS) E(ENODATA) E(ENOTSOCK) E(EMSGSIZE)
    E(ENOPROTOOPT) E(EOPNOTSUPP) E(EADDRINUSE) E(ECONNREFUSED) E(EINPROGRESS)
    E(ENOTCONN) E(ETIMEDOUT) E(EALREADY) E(EDESTADDRREQ) E(EIDRM) E(ENOMSG)
    E(EOVERFLOW) E(ENAMETOOLONG) E(ENOTEMPTY) E(ELOOP)
#undef E
    case 0: return "0";
    default: return "?";
    }
}

#define CHECK(cond, what)                                                              \
    do {                                                                               \
        errno = 0;                                                                     \
        if (cond) {                                                                    \
            printf("ok: %s\n", what);                                                  \
        } else {                                                                       \
            printf("FAIL: %s (errno %s)\n", what, errname(errno));                     \
            failures++;                                                                \
        }                                                                              \
    } while (0)

/* A call that must fail with errno `e`. */
#define CHECK_ERR(call, e, what)                                                       \
    do {                                                                               \
        errno = 0;                                                                     \
        long r_ = (long)(call);                                                        \
        if (r_ == -1 && errno == (e)) {                                                \
            printf("ok: %s fails with %s\n", what, #e);                                \
        } else {                                                                       \
            printf("FAIL: %s: got %ld errno %s, want %s\n", what, r_, errname(errno), #e); \
            failures++;                                                                \
        }                                                                              \
    } while (0)

#endif
