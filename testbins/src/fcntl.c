/* fcntl: the commands with translated arguments. struct flock through F_SETLK/F_GETLK
 * (a child sees the parent's lock and pid), F_SETLKW waiting for a release, OFD locks
 * (F_OFD_SETLK/GETLK/SETLKW: conflicts between two opens of one process, l_pid -1),
 * flock(2), F_GETFL/F_SETFL flag translation, F_DUPFD/F_DUPFD_CLOEXEC, F_GETFD/F_SETFD,
 * F_GETPIPE_SZ/F_SETPIPE_SZ, memfd seals (F_ADD_SEALS/F_GET_SEALS), F_SETOWN_EX/F_GETOWN_EX,
 * F_SETSIG/F_GETSIG, leases, dup3 and close_range. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static char path[] = "/tmp/ruser-fcntl-XXXXXX";

/* The kernel's O_LARGEFILE, which it sets on every open of a 64-bit process (glibc's
 * O_LARGEFILE is 0 there); the bit differs between arm64 and x86-64. */
#if defined(__aarch64__)
#define K_LARGEFILE 0x20000
#else
#define K_LARGEFILE 0x8000
#endif

static void posix_locks(int fd)
{
    printf("== POSIX locks\n");
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 100, .l_len = 50};
    CHECK(fcntl(fd, F_SETLK, &fl) == 0, "F_SETLK write lock on [100, 150)");
    struct flock q = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    CHECK(fcntl(fd, F_GETLK, &q) == 0 && q.l_type == F_UNLCK, "our own lock does not conflict with us");
    int ready[2], go[2];
    pipe(ready);
    pipe(go);
    pid_t parent = getpid();
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int cfd = open(path, O_RDWR);
        struct flock c = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 120, .l_len = 1};
        int r = fcntl(cfd, F_GETLK, &c);
        printf("child F_GETLK: r=%d type=%s start=%lld len=%lld pid-is-parent=%d\n", r, c.l_type == F_WRLCK ? "F_WRLCK" : "other", (long long)c.l_start,
               (long long)c.l_len, c.l_pid == parent);
        struct flock d = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 120, .l_len = 1};
        errno = 0;
        r = fcntl(cfd, F_SETLK, &d);
        printf("child F_SETLK on the locked range: r=%d errno=%s\n", r, errname(errno));
        struct flock e = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 100};
        printf("child F_SETLK on [0, 100): %d\n", fcntl(cfd, F_SETLK, &e));
        fflush(stdout);
        write(ready[1], "r", 1);
        /* Blocks until the parent unlocks. */
        r = fcntl(cfd, F_SETLKW, &d);
        printf("child F_SETLKW returned %d after the release\n", r);
        fflush(stdout);
        _exit(0);
    }
    char c;
    read(ready[0], &c, 1);
    usleep(50000);
    fl.l_type = F_UNLCK;
    printf("parent releases\n");
    fflush(stdout);
    CHECK(fcntl(fd, F_SETLK, &fl) == 0, "F_UNLCK");
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child done");
    struct flock bad = {.l_type = 99, .l_whence = SEEK_SET};
    CHECK_ERR(fcntl(fd, F_SETLK, &bad), EINVAL, "l_type 99");
    CHECK_ERR(fcntl(fd, F_SETLK, BAD), EFAULT, "struct flock at a bad address");
    int ro = open(path, O_RDONLY);
    struct flock w = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    CHECK_ERR(fcntl(ro, F_SETLK, &w), EBADF, "write lock on a read-only fd");
    close(ro);
}

static void ofd_locks(void)
{
    printf("== OFD locks\n");
    int a = open(path, O_RDWR), b = open(path, O_RDWR);
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
    CHECK(fcntl(a, F_OFD_SETLK, &fl) == 0, "F_OFD_SETLK on the first open");
    struct flock g = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 1};
    CHECK(fcntl(b, F_OFD_GETLK, &g) == 0, "F_OFD_GETLK from the second open");
    printf("conflict: type=%s start=%lld len=%lld pid=%d\n", g.l_type == F_WRLCK ? "F_WRLCK" : "other", (long long)g.l_start, (long long)g.l_len, g.l_pid);
    struct flock h = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 1};
    CHECK_ERR(fcntl(b, F_OFD_SETLK, &h), EAGAIN, "F_OFD_SETLK conflicts within one process");
    struct flock plain = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 1};
    CHECK_ERR(fcntl(b, F_SETLK, &plain), EAGAIN, "a POSIX lock conflicts with the OFD lock");
    struct flock pid_set = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 50, .l_len = 1, .l_pid = 1};
    CHECK_ERR(fcntl(b, F_OFD_SETLK, &pid_set), EINVAL, "F_OFD_SETLK with l_pid set");
    int dupa = dup(a);
    close(dupa);
    g = (struct flock){.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 1};
    CHECK(fcntl(b, F_OFD_GETLK, &g) == 0 && g.l_type == F_WRLCK, "closing a dup keeps the OFD lock");
    fl.l_type = F_UNLCK;
    CHECK(fcntl(a, F_OFD_SETLK, &fl) == 0, "unlock");
    CHECK(fcntl(b, F_OFD_SETLKW, &h) == 0, "F_OFD_SETLKW succeeds now");
    close(a);
    close(b);
}

static void flocks(void)
{
    printf("== flock\n");
    int a = open(path, O_RDWR), b = open(path, O_RDWR);
    CHECK(flock(a, LOCK_EX) == 0, "LOCK_EX");
    CHECK_ERR(flock(b, LOCK_SH | LOCK_NB), EWOULDBLOCK, "LOCK_SH|LOCK_NB from another open");
    CHECK(flock(a, LOCK_UN) == 0, "LOCK_UN");
    CHECK(flock(b, LOCK_SH | LOCK_NB) == 0 && flock(a, LOCK_SH | LOCK_NB) == 0, "two shared locks");
    CHECK_ERR(flock(a, LOCK_SH | LOCK_EX), EINVAL, "flock(LOCK_SH|LOCK_EX)");
    CHECK_ERR(flock(-1, LOCK_SH), EBADF, "flock(-1)");
    close(a);
    close(b);
}

static void commands(int fd)
{
    printf("== commands\n");
    int fl = fcntl(fd, F_GETFL);
    printf("F_GETFL: accmode=%d append=%d nonblock=%d\n", fl & O_ACCMODE, !!(fl & O_APPEND), !!(fl & O_NONBLOCK));
    CHECK(fcntl(fd, F_SETFL, fl | O_APPEND | O_NONBLOCK) == 0, "F_SETFL O_APPEND|O_NONBLOCK");
    fl = fcntl(fd, F_GETFL);
    printf("F_GETFL: accmode=%d append=%d nonblock=%d\n", fl & O_ACCMODE, !!(fl & O_APPEND), !!(fl & O_NONBLOCK));
    int d = open("/", O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    fl = fcntl(d, F_GETFL);
    printf("directory F_GETFL: directory=%d nofollow=%d largefile=%d\n", !!(fl & O_DIRECTORY), !!(fl & O_NOFOLLOW), !!(fl & K_LARGEFILE));
    close(d);
    int x = fcntl(fd, F_DUPFD, 100);
    CHECK(x >= 100, "F_DUPFD at or above 100");
    CHECK(fcntl(x, F_GETFD) == 0, "F_DUPFD clears close-on-exec");
    int y = fcntl(fd, F_DUPFD_CLOEXEC, 100);
    CHECK(y > x && fcntl(y, F_GETFD) == FD_CLOEXEC, "F_DUPFD_CLOEXEC");
    CHECK(fcntl(y, F_SETFD, 0) == 0 && fcntl(y, F_GETFD) == 0, "F_SETFD 0");
    close(x);
    close(y);
    CHECK_ERR(fcntl(fd, F_DUPFD, -1), EINVAL, "F_DUPFD with a negative minimum");
    CHECK_ERR(fcntl(-1, F_GETFD), EBADF, "F_GETFD of -1");
    CHECK_ERR(fcntl(fd, 12345), EINVAL, "unknown command");

    int p[2];
    pipe2(p, O_CLOEXEC | O_NONBLOCK);
    CHECK((fcntl(p[0], F_GETFD) & FD_CLOEXEC) && (fcntl(p[1], F_GETFL) & O_NONBLOCK), "pipe2 flags");
    int sz = fcntl(p[0], F_GETPIPE_SZ);
    printf("default pipe size %d\n", sz);
    CHECK(fcntl(p[0], F_SETPIPE_SZ, 1 << 17) >= (1 << 17), "F_SETPIPE_SZ 128 KiB");
    CHECK(fcntl(p[1], F_GETPIPE_SZ) == 1 << 17, "F_GETPIPE_SZ");
    CHECK_ERR(fcntl(fd, F_GETPIPE_SZ), EBADF, "F_GETPIPE_SZ of a regular file");

    struct f_owner_ex o = {.type = F_OWNER_PID, .pid = getpid()}, ob;
    CHECK(fcntl(p[0], F_SETOWN_EX, &o) == 0, "F_SETOWN_EX");
    memset(&ob, 0, sizeof ob);
    CHECK(fcntl(p[0], F_GETOWN_EX, &ob) == 0 && ob.type == F_OWNER_PID && ob.pid == getpid(), "F_GETOWN_EX");
    CHECK(fcntl(p[0], F_GETOWN) == getpid(), "F_GETOWN");
    CHECK(fcntl(p[0], F_SETSIG, SIGUSR2) == 0 && fcntl(p[0], F_GETSIG) == SIGUSR2, "F_SETSIG/F_GETSIG");
    CHECK_ERR(fcntl(p[0], F_SETOWN_EX, BAD), EFAULT, "F_SETOWN_EX at a bad address");
    CHECK(fcntl(fd, F_GETLEASE) == F_UNLCK, "F_GETLEASE: none");
    /* A read lease needs a file nobody has open for writing. */
    char lpath[] = "/tmp/ruser-lease-XXXXXX";
    close(mkstemp(lpath));
    int lease = open(lpath, O_RDONLY);
    CHECK(fcntl(lease, F_SETLEASE, F_RDLCK) == 0 && fcntl(lease, F_GETLEASE) == F_RDLCK, "F_SETLEASE read lease");
    CHECK(fcntl(lease, F_SETLEASE, F_UNLCK) == 0, "drop the lease");
    CHECK_ERR(fcntl(fd, F_SETLEASE, F_RDLCK), EAGAIN, "read lease on a file open for writing");
    close(lease);
    unlink(lpath);

    int m = memfd_create("ruser-seals", MFD_ALLOW_SEALING | MFD_CLOEXEC);
    CHECK(m >= 0, "memfd_create");
    CHECK(write(m, "memfd data", 10) == 10, "write to the memfd");
    CHECK(fcntl(m, F_GET_SEALS) == 0, "no seals yet");
    CHECK(fcntl(m, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) == 0, "F_ADD_SEALS shrink|grow");
    CHECK(fcntl(m, F_GET_SEALS) == (F_SEAL_SHRINK | F_SEAL_GROW), "F_GET_SEALS");
    CHECK_ERR(ftruncate(m, 5), EPERM, "shrinking a sealed memfd");
    CHECK_ERR(write(m, "more", 4), EPERM, "growing a sealed memfd");
    CHECK(pwrite(m, "MEMFD", 5, 0) == 5, "writing inside is still allowed");
    char b[16] = {0};
    CHECK(pread(m, b, 10, 0) == 10 && strcmp(b, "MEMFD data") == 0, "read it back");
    char *map = mmap(NULL, 10, PROT_READ, MAP_SHARED, m, 0);
    CHECK(map != MAP_FAILED && memcmp(map, "MEMFD", 5) == 0, "mmap of the memfd");
    munmap(map, 10);
    CHECK(fcntl(m, F_ADD_SEALS, F_SEAL_SEAL) == 0, "F_SEAL_SEAL");
    CHECK_ERR(fcntl(m, F_ADD_SEALS, F_SEAL_WRITE), EPERM, "no more seals");
    int nm = memfd_create("no-sealing", 0);
    CHECK(fcntl(nm, F_GET_SEALS) == F_SEAL_SEAL, "a memfd without MFD_ALLOW_SEALING is sealed");
    char longname[300];
    memset(longname, 'a', sizeof longname);
    longname[299] = 0;
    CHECK_ERR(memfd_create(longname, 0), EINVAL, "memfd_create with a 299-byte name");
    CHECK_ERR(memfd_create("x", 0x1000), EINVAL, "memfd_create with bad flags");
    close(m);
    close(nm);

    /* dup3 and close_range. */
    int t = dup3(p[0], 200, O_CLOEXEC);
    CHECK(t == 200 && fcntl(200, F_GETFD) == FD_CLOEXEC, "dup3 with O_CLOEXEC");
    CHECK_ERR(dup3(p[0], 200, 0x4000), EINVAL, "dup3 with a bad flag");
    CHECK_ERR(dup3(200, 200, 0), EINVAL, "dup3 onto itself");
    CHECK(dup2(200, 201) == 201 && dup2(200, 203) == 203, "dup2 to 201 and 203");
    CHECK(close_range(201, 202, CLOSE_RANGE_CLOEXEC) == 0, "close_range CLOSE_RANGE_CLOEXEC");
    CHECK(fcntl(201, F_GETFD) == FD_CLOEXEC && fcntl(203, F_GETFD) == 0, "only 201 became close-on-exec");
    CHECK(close_range(200, 203, 0) == 0, "close_range 200-203");
    CHECK(fcntl(200, F_GETFD) == -1 && fcntl(201, F_GETFD) == -1 && fcntl(203, F_GETFD) == -1, "all closed");
    CHECK_ERR(close_range(10, 5, 0), EINVAL, "close_range with first > last");
    CHECK(close_range(1000, ~0U, 0) == 0, "close_range to the end");
    CHECK(fcntl(p[0], F_GETFD) != -1, "lower fds are untouched");
    CHECK_ERR(close(200), EBADF, "close of a closed fd");
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    int fd = mkstemp(path);
    if (fd < 0) {
        printf("FAIL: mkstemp\n");
        return 1;
    }
    char zeros[200] = {0};
    write(fd, zeros, sizeof zeros);
    posix_locks(fd);
    ofd_locks();
    flocks();
    commands(fd);
    close(fd);
    unlink(path);
    printf("failures: %d\n", failures);
    return failures;
}
