/* newcalls: system calls newer than qemu-aarch64 7.2 knows (it answers ENOSYS), so the
 * expected output comes from this program built for x86-64 and run natively: openat2 with
 * RESOLVE_* flags and struct open_how versions, epoll_pwait2's timespec timeout,
 * fchmodat2 with AT_SYMLINK_NOFOLLOW, cachestat, mseal (sealed memory refuses munmap,
 * mprotect, mremap and MAP_FIXED), pidfd_open/pidfd_getfd/pidfd_send_signal,
 * process_madvise, and listmount/statmount. Raw syscall() calls, as the libc of the time had no wrappers. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
#ifndef SYS_cachestat
#define SYS_cachestat 451
#endif
#ifndef SYS_mseal
#define SYS_mseal 462
#endif

struct cachestat_range {
    uint64_t off, len;
};
struct cachestat {
    uint64_t cache, dirty, writeback, evicted, recently_evicted;
};

int main(void)
{
    printf("== openat2\n");
    char dir[] = "/tmp/ruser-newcalls-XXXXXX";
    mkdtemp(dir);
    int d = open(dir, O_RDONLY | O_DIRECTORY);
    int f = openat(d, "file", O_CREAT | O_WRONLY, 0600);
    write(f, "0123456789", 10);
    close(f);
    symlinkat("/etc/passwd", d, "abs");
    symlinkat("file", d, "rel");
    struct open_how how = {.flags = O_RDONLY | O_CLOEXEC};
    int fd = syscall(SYS_openat2, d, "file", &how, sizeof how);
    CHECK(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "openat2 with O_CLOEXEC");
    close(fd);
    how.resolve = RESOLVE_BENEATH;
    CHECK_ERR(syscall(SYS_openat2, d, "abs", &how, sizeof how), EXDEV, "RESOLVE_BENEATH refuses an absolute symlink");
    CHECK_ERR(syscall(SYS_openat2, d, "../", &how, sizeof how), EXDEV, "RESOLVE_BENEATH refuses ..");
    how.resolve = RESOLVE_NO_SYMLINKS;
    CHECK_ERR(syscall(SYS_openat2, d, "rel", &how, sizeof how), ELOOP, "RESOLVE_NO_SYMLINKS");
    how.resolve = 0;
    how.flags = O_RDONLY | O_DIRECTORY;
    CHECK_ERR(syscall(SYS_openat2, d, "file", &how, sizeof how), ENOTDIR, "O_DIRECTORY is translated");
    how.flags = O_RDONLY;
    how.mode = 0600;
    CHECK_ERR(syscall(SYS_openat2, d, "file", &how, sizeof how), EINVAL, "a mode without O_CREAT");
    how.mode = 0;
    struct {
        struct open_how h;
        uint64_t extra;
    } big = {.h = {.flags = O_RDONLY}, .extra = 0};
    CHECK(syscall(SYS_openat2, d, "file", &big, sizeof big) >= 0, "a larger struct with zero tail");
    big.extra = 1;
    CHECK_ERR(syscall(SYS_openat2, d, "file", &big, sizeof big), E2BIG, "a larger struct with a non-zero tail");
    CHECK_ERR(syscall(SYS_openat2, d, "file", &how, 16), EINVAL, "a struct smaller than version 0");
    CHECK_ERR(syscall(SYS_openat2, d, "file", BAD, sizeof how), EFAULT, "struct open_how at a bad address");

    printf("== fchmodat2\n");
    CHECK(syscall(SYS_fchmodat2, d, "file", 0640, 0) == 0, "fchmodat2");
    struct stat st;
    fstatat(d, "file", &st, 0);
    printf("mode %o\n", st.st_mode & 0777);
    CHECK_ERR(syscall(SYS_fchmodat2, d, "rel", 0600, AT_SYMLINK_NOFOLLOW), EOPNOTSUPP, "fchmodat2 of a symlink itself");
    CHECK_ERR(syscall(SYS_fchmodat2, d, "file", 0600, 0x4), EINVAL, "fchmodat2 with a bad flag");

    printf("== cachestat\n");
    f = openat(d, "file", O_RDONLY);
    char b[10];
    read(f, b, 10);
    struct cachestat_range cr = {0, 0};
    struct cachestat cs;
    memset(&cs, 0xff, sizeof cs);
    CHECK(syscall(SYS_cachestat, f, &cr, &cs, 0) == 0, "cachestat");
    printf("the page just read is cached: %d\n", cs.cache >= 1);
    CHECK_ERR(syscall(SYS_cachestat, f, &cr, &cs, 1), EINVAL, "cachestat with flags");
    close(f);

    printf("== epoll_pwait2\n");
    int ep = epoll_create1(0);
    int p[2];
    pipe(p);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x0102030405060708ULL}, out;
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    struct timespec ts = {0, 20 * 1000 * 1000};
    CHECK(syscall(SYS_epoll_pwait2, ep, &out, 1, &ts, NULL, 8) == 0, "epoll_pwait2 times out after 20 ms");
    write(p[1], "x", 1);
    CHECK(syscall(SYS_epoll_pwait2, ep, &out, 1, NULL, NULL, 8) == 1 && out.data.u64 == 0x0102030405060708ULL, "epoll_pwait2 without a timeout");
    ts.tv_nsec = -1;
    CHECK_ERR(syscall(SYS_epoll_pwait2, ep, &out, 1, &ts, NULL, 8), EINVAL, "a negative tv_nsec");
    CHECK_ERR(syscall(SYS_epoll_pwait2, ep, &out, 1, BAD, NULL, 8), EFAULT, "timeout at a bad address");

    printf("== mseal\n");
    char *m = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    m[0] = 1;
    CHECK(syscall(SYS_mseal, m, 2 * 4096, 0) == 0, "mseal the first two pages");
    CHECK_ERR(munmap(m, 4096), EPERM, "munmap of sealed memory");
    CHECK_ERR(mprotect(m, 4096, PROT_READ), EPERM, "mprotect of sealed memory");
    CHECK_ERR(mremap(m, 4096, 8192, MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0, EPERM, "mremap of sealed memory");
    CHECK_ERR(mmap(m, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED ? -1 : 0, EPERM, "MAP_FIXED over sealed memory");
    CHECK(m[0] == 1, "the sealed memory is intact and usable");
    m[1] = 2;
    CHECK(munmap(m + 2 * 4096, 2 * 4096) == 0, "the unsealed part can be unmapped");
    CHECK_ERR(syscall(SYS_mseal, m + 2 * 4096, 4096, 0), ENOMEM, "mseal of unmapped memory");
    CHECK_ERR(syscall(SYS_mseal, m + 1, 4096, 0), EINVAL, "mseal at an unaligned address");
    CHECK_ERR(syscall(SYS_mseal, m, 4096, 1), EINVAL, "mseal with flags");

    printf("== pidfd\n");
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        pause();
        _exit(0);
    }
    int pfd = syscall(SYS_pidfd_open, child, 0);
    CHECK(pfd >= 0, "pidfd_open");
    int mine = syscall(SYS_pidfd_open, getpid(), 0);
    int got = syscall(SYS_pidfd_getfd, mine, p[1], 0);
    CHECK(got >= 0 && write(got, "y", 1) == 1, "pidfd_getfd of our own pipe end");
    CHECK_ERR(syscall(SYS_pidfd_getfd, mine, 9999, 0), EBADF, "pidfd_getfd of a closed fd");
    CHECK(syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0) == 0, "pidfd_send_signal SIGKILL");
    int status;
    waitpid(child, &status, 0);
    printf("child killed by signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : -1);
    CHECK_ERR(syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0), ESRCH, "signal to a reaped child");
    CHECK_ERR(syscall(SYS_pidfd_open, child, 0), ESRCH, "pidfd_open of a reaped child");
    struct iovec iov = {.iov_base = m, .iov_len = 4096};
    CHECK(syscall(SYS_process_madvise, mine, &iov, 1, MADV_COLD, 0) == 4096, "process_madvise(MADV_COLD) on ourselves");
    close(pfd);
    close(mine);

    /* listmount and statmount (Linux 6.8): the mounts of our namespace, and one's basic facts.
     * struct mnt_id_req: size, spare, mnt_id, param (the C library headers predate it). */
    printf("== listmount/statmount\n");
    uint64_t req[3] = { 24, (uint64_t)-1 /* LSMT_ROOT */, 0 };
    uint64_t ids[256];
    long nids = syscall(458, req, ids, 256, 0);
    CHECK(nids > 0, "listmount of the root's mounts");
    uint64_t sreq[3] = { 24, nids > 0 ? ids[0] : 0, 1 /* STATMOUNT_SB_BASIC */ };
    static uint64_t sm[512];
    CHECK(syscall(457, sreq, sm, sizeof sm, 0) == 0, "statmount(STATMOUNT_SB_BASIC) of the first");
    CHECK((uint32_t)sm[0] > 0 && (sm[1] & 1), "statmount fills its size and the SB_BASIC mask");
    CHECK_ERR(syscall(457, sreq, sm, sizeof sm, 1), EINVAL, "statmount with unknown flags");
    uint64_t small[3] = { 8, 0, 0 };
    CHECK_ERR(syscall(458, small, ids, 256, 0), EINVAL, "listmount with a too-small request");
    CHECK_ERR(syscall(458, (void *)8, ids, 256, 0), EFAULT, "listmount with a bad request pointer");

    unlinkat(d, "file", 0);
    unlinkat(d, "abs", 0);
    unlinkat(d, "rel", 0);
    rmdir(dir);
    printf("failures: %d\n", failures);
    return failures;
}
