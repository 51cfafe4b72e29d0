/* taskctl: the task's context: capabilities (capget/capset in versions 1, 2 and 3, the
 * version negotiation, dropping and restoring the effective set), personality (query,
 * UNAME26 seen by uname, ADDR_NO_RANDOMIZE inherited by an exec'd copy of this program whose
 * memory layout is then the same in two runs), unshare and setns with the flags an
 * unprivileged process may use and their errors, kcmp (files, epoll targets, VMs of a fork
 * child), and prctl: the name (15 bytes, /proc/self/comm), parent-death signal, child
 * subreaper adopting a grandchild, dumpable, keepcaps, no_new_privs (in a child),
 * capability bounding set, timer slack, the clear-tid address, PR_SET_MM's argument check,
 * PR_GET_AUXV against /proc/self/auxv. Nothing checked depends on privilege. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/kcmp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PR_GET_AUXV
#define PR_GET_AUXV 0x41555856
#endif

static int capget_(struct __user_cap_header_struct *h, struct __user_cap_data_struct *d) { return syscall(SYS_capget, h, d); }
static int capset_(struct __user_cap_header_struct *h, struct __user_cap_data_struct *d) { return syscall(SYS_capset, h, d); }
static long kcmp_(pid_t a, pid_t b, int type, unsigned long x, unsigned long y) { return syscall(SYS_kcmp, a, b, type, x, y); }

static void caps(void)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d3[2], d[2];
    CHECK(capget_(&h, d3) == 0, "capget v3");
    CHECK((d3[0].effective & ~d3[0].permitted) == 0 && (d3[1].effective & ~d3[1].permitted) == 0, "effective within permitted");
    h.version = 0x12345678;
    CHECK_ERR(capget_(&h, d), EINVAL, "capget with an unknown version");
    CHECK(h.version == _LINUX_CAPABILITY_VERSION_3, "... writes the kernel's version (3) into the header");
    h.version = 0x12345678;
    CHECK(capget_(&h, NULL) == 0 && h.version == _LINUX_CAPABILITY_VERSION_3, "capget(unknown version, NULL) asks for the version");
    h.version = _LINUX_CAPABILITY_VERSION_1;
    memset(d, 0xa5, sizeof d);
    CHECK(capget_(&h, d) == 0 && d[0].effective == d3[0].effective && d[0].permitted == d3[0].permitted && d[0].inheritable == d3[0].inheritable,
          "capget v1: the low 32 capabilities");
    CHECK(d[1].effective == 0xa5a5a5a5, "capget v1 writes one data struct");
    h.version = _LINUX_CAPABILITY_VERSION_2;
    CHECK(capget_(&h, d) == 0 && memcmp(d, d3, sizeof d) == 0, "capget v2 = v3");
    h.version = _LINUX_CAPABILITY_VERSION_3;
    h.pid = getpid();
    CHECK(capget_(&h, d) == 0 && memcmp(d, d3, sizeof d) == 0, "capget of our own pid");
    h.pid = -1;
    CHECK_ERR(capget_(&h, d), EINVAL, "capget(pid -1)");
    h.pid = 0;
    CHECK_ERR(capget_(BAD, d), EFAULT, "capget of a bad header");
    CHECK_ERR(capget_(&h, BAD), EFAULT, "capget to bad data");

    /* Drop the effective set, then raise it again (always allowed within permitted). */
    memcpy(d, d3, sizeof d);
    d[0].effective = d[1].effective = 0;
    CHECK(capset_(&h, d) == 0, "capset: empty effective set");
    struct __user_cap_data_struct e[2];
    CHECK(capget_(&h, e) == 0 && e[0].effective == 0 && e[1].effective == 0 && e[0].permitted == d3[0].permitted, "capget sees it");
    CHECK(capset_(&h, d3) == 0 && capget_(&h, e) == 0 && memcmp(e, d3, sizeof e) == 0, "capset restores the effective set");
    /* Version 1 sets only the low 32 capabilities and clears the others (for root that drops
     * some for good, and an exec then clears ADDR_NO_RANDOMIZE): in a child. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        struct __user_cap_header_struct h1 = { _LINUX_CAPABILITY_VERSION_1, 0 };
        struct __user_cap_data_struct d1[2];
        if (capset_(&h1, d3) != 0)
            _exit(1);
        h1.version = _LINUX_CAPABILITY_VERSION_3;
        memset(d1, 0xa5, sizeof d1);
        _exit(capget_(&h1, d1) == 0 && d1[0].permitted == d3[0].permitted && d1[1].permitted == 0 && d1[1].effective == 0 ? 0 : 2);
    }
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "capset v1 sets the low 32 capabilities and clears the rest (in a child)");
    h.pid = 1;
    CHECK_ERR(capset_(&h, d3), EPERM, "capset of another process");
    h.pid = 0;
    CHECK_ERR(capset_(&h, BAD), EFAULT, "capset of bad data");
    h.version = 7;
    CHECK_ERR(capset_(&h, d3), EINVAL, "capset with an unknown version");
    CHECK(h.version == _LINUX_CAPABILITY_VERSION_3, "... writes version 3 back");
    CHECK(prctl(PR_CAPBSET_READ, CAP_CHOWN) == 1, "PR_CAPBSET_READ(CAP_CHOWN)");
    CHECK_ERR(prctl(PR_CAPBSET_READ, 9999), EINVAL, "PR_CAPBSET_READ(9999)");
    CHECK(prctl(PR_GET_KEEPCAPS) == 0 && prctl(PR_SET_KEEPCAPS, 1) == 0 && prctl(PR_GET_KEEPCAPS) == 1 && prctl(PR_SET_KEEPCAPS, 0) == 0,
          "PR_SET_KEEPCAPS / PR_GET_KEEPCAPS");
    CHECK_ERR(prctl(PR_SET_KEEPCAPS, 2), EINVAL, "PR_SET_KEEPCAPS(2)");
}

/* The child of the layout check: print our memory map (our own stack, heap and mappings). */
static int print_maps(void)
{
    void *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *heap = malloc(100000);
    printf("personality %#x, mmap %p, heap %p, stack %p\n", personality(0xffffffff), m, (void *)heap, (void *)&m);
    int fd = open("/proc/self/maps", O_RDONLY);
    char buf[8192];
    ssize_t n;
    fflush(stdout);
    while ((n = read(fd, buf, sizeof buf)) > 0)
        if (write(1, buf, n) != n)
            return 1;
    return 0;
}

/* Run this program again with argument "maps" and collect what it prints. */
static int run_maps(char *out, size_t cap)
{
    int pfd[2];
    if (pipe(pfd) != 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pfd[1], 1);
        execl("/proc/self/exe", "taskctl", "maps", (char *)NULL);
        _exit(127);
    }
    close(pfd[1]);
    size_t len = 0;
    ssize_t n;
    while (len < cap - 1 && (n = read(pfd[0], out + len, cap - 1 - len)) > 0)
        len += n;
    out[len] = 0;
    close(pfd[0]);
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? (int)len : -1;
}

static void persona(void)
{
    CHECK(personality(0xffffffff) == PER_LINUX, "personality: PER_LINUX");
    CHECK(personality(PER_LINUX | UNAME26) == PER_LINUX && personality(0xffffffff) == (PER_LINUX | UNAME26), "personality(UNAME26)");
    struct utsname u;
    CHECK(uname(&u) == 0 && strncmp(u.release, "2.6.", 4) == 0, "UNAME26: uname says 2.6.x");
    CHECK(personality(PER_LINUX) == UNAME26 && uname(&u) == 0 && strncmp(u.release, "2.6.", 4) != 0, "personality(PER_LINUX) again");

    static char a[65536], b[65536];
    CHECK(personality(ADDR_NO_RANDOMIZE) == PER_LINUX, "personality(ADDR_NO_RANDOMIZE)");
    int la = run_maps(a, sizeof a), lb = run_maps(b, sizeof b);
    char want[64];
    snprintf(want, sizeof want, "personality %#x,", ADDR_NO_RANDOMIZE);
    CHECK(la > 0 && strncmp(a, want, strlen(want)) == 0, "an exec'd program keeps ADDR_NO_RANDOMIZE");
    CHECK(la > 0 && la == lb && memcmp(a, b, la) == 0, "under ADDR_NO_RANDOMIZE two runs have the same memory layout");
    if (la != lb || memcmp(a, b, la) != 0)
        printf("first run:\n%s\nsecond run:\n%s\n", a, b);
    personality(PER_LINUX);
}

static void namespaces(void)
{
    CHECK(unshare(0) == 0, "unshare(0)");
    CHECK(unshare(CLONE_FS) == 0, "unshare(CLONE_FS)");
    int fd = open("/dev/null", O_RDONLY);
    CHECK(unshare(CLONE_FILES) == 0 && fcntl(fd, F_GETFD) == 0, "unshare(CLONE_FILES) keeps the fds");
    CHECK(unshare(CLONE_SYSVSEM) == 0, "unshare(CLONE_SYSVSEM)");
    CHECK_ERR(unshare(0x1), EINVAL, "unshare(0x1)");
    CHECK_ERR(setns(-1, 0), EBADF, "setns(-1)");
    CHECK_ERR(setns(fd, 0), EINVAL, "setns(/dev/null)");
    int ns = open("/proc/self/ns/uts", O_RDONLY);
    CHECK(ns >= 0, "open /proc/self/ns/uts");
    CHECK_ERR(setns(ns, CLONE_NEWNET), EINVAL, "setns(uts namespace, CLONE_NEWNET)");
    close(ns);
    close(fd);
}

static void kcmps(void)
{
    pid_t me = getpid();
    int a = open("/dev/null", O_RDONLY), b = dup(a), c = open("/dev/zero", O_RDONLY);
    CHECK(kcmp_(me, me, KCMP_FILE, a, b) == 0, "kcmp: a dup is the same file");
    long r = kcmp_(me, me, KCMP_FILE, a, c);
    CHECK(r == 1 || r == 2, "kcmp: another file differs");
    CHECK_ERR(kcmp_(me, me, KCMP_FILE, a, 999), EBADF, "kcmp of a closed fd");
    CHECK(kcmp_(me, me, KCMP_VM, 0, 0) == 0 && kcmp_(me, me, KCMP_FILES, 0, 0) == 0, "kcmp: our VM and fd table are ours");
    CHECK_ERR(kcmp_(me, me, 99, 0, 0), EINVAL, "kcmp type 99");
    int pfd[2];
    if (pipe(pfd) != 0)
        return;
    int ep = epoll_create1(0), rd = dup(pfd[0]);
    struct epoll_event ev = { .events = EPOLLIN };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, pfd[0], &ev) == 0, "epoll_ctl ADD a pipe");
    struct kcmp_epoll_slot slot = { .efd = ep, .tfd = pfd[0], .toff = 0 };
    CHECK(kcmp_(me, me, KCMP_EPOLL_TFD, rd, (unsigned long)&slot) == 0, "kcmp: the epoll target is the same file");
    slot.tfd = rd;
    CHECK_ERR(kcmp_(me, me, KCMP_EPOLL_TFD, rd, (unsigned long)&slot), ENOENT, "kcmp of an fd the epoll does not watch");
    CHECK_ERR(kcmp_(me, me, KCMP_EPOLL_TFD, rd, (unsigned long)BAD), EFAULT, "kcmp of a bad epoll slot");
    close(rd);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char x;
        close(pfd[1]);
        _exit(read(pfd[0], &x, 1) < 0);
    }
    close(pfd[0]);
    r = kcmp_(me, pid, KCMP_VM, 0, 0);
    CHECK(r == 1 || r == 2, "kcmp: a fork child has its own VM");
    CHECK(kcmp_(me, pid, KCMP_FILE, a, a) == 0, "kcmp: the fork child shares our open files");
    close(pfd[1]);
    waitpid(pid, NULL, 0);
    close(ep);
    close(a);
    close(b);
    close(c);
}

static int child_no_new_privs(void)
{
    if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return 1;
    return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 2;
}

static void prctls(void)
{
    char name[32] = "";
    CHECK(prctl(PR_SET_NAME, "taskctl-renamed-and-long") == 0, "PR_SET_NAME");
    CHECK(prctl(PR_GET_NAME, name) == 0 && strcmp(name, "taskctl-renamed") == 0, "PR_GET_NAME: the first 15 bytes");
    int fd = open("/proc/self/comm", O_RDONLY);
    char comm[32] = "";
    CHECK(read(fd, comm, sizeof comm - 1) > 0 && strcmp(comm, "taskctl-renamed\n") == 0, "/proc/self/comm");
    close(fd);
    CHECK_ERR(prctl(PR_SET_NAME, BAD), EFAULT, "PR_SET_NAME from a bad pointer");
    CHECK_ERR(prctl(PR_GET_NAME, BAD), EFAULT, "PR_GET_NAME to a bad pointer");

    int sig = -1;
    CHECK(prctl(PR_SET_PDEATHSIG, SIGUSR1) == 0 && prctl(PR_GET_PDEATHSIG, &sig) == 0 && sig == SIGUSR1, "PR_SET_PDEATHSIG / PR_GET_PDEATHSIG");
    CHECK(prctl(PR_SET_PDEATHSIG, 0) == 0, "PR_SET_PDEATHSIG(0)");
    CHECK_ERR(prctl(PR_SET_PDEATHSIG, 99), EINVAL, "PR_SET_PDEATHSIG(99)");
    CHECK_ERR(prctl(PR_GET_PDEATHSIG, BAD), EFAULT, "PR_GET_PDEATHSIG to a bad pointer");

    CHECK(prctl(PR_GET_DUMPABLE) == 1 && prctl(PR_SET_DUMPABLE, 0) == 0 && prctl(PR_GET_DUMPABLE) == 0 && prctl(PR_SET_DUMPABLE, 1) == 0,
          "PR_SET_DUMPABLE / PR_GET_DUMPABLE");
    CHECK_ERR(prctl(PR_SET_DUMPABLE, 3), EINVAL, "PR_SET_DUMPABLE(3)");
    CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0, "PR_GET_NO_NEW_PRIVS: 0");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        _exit(child_no_new_privs());
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0 && prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0, "PR_SET_NO_NEW_PRIVS in a child, not in us");
    CHECK(prctl(PR_SET_TIMERSLACK, 12345) == 0 && prctl(PR_GET_TIMERSLACK) == 12345, "PR_SET_TIMERSLACK");
    int *tidp = NULL;
    CHECK(prctl(PR_GET_TID_ADDRESS, &tidp) == 0 && tidp && *tidp == gettid(), "PR_GET_TID_ADDRESS: glibc's word holding our tid");
    CHECK_ERR(prctl(PR_GET_TID_ADDRESS, BAD), EFAULT, "PR_GET_TID_ADDRESS to a bad pointer");
    CHECK_ERR(prctl(PR_SET_MM, PR_SET_MM_START_BRK, 0x10000, 0, 1), EINVAL, "PR_SET_MM with a fifth argument");

    /* A subreaper adopts its orphaned grandchild. */
    int v = -1;
    CHECK(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0 && prctl(PR_GET_CHILD_SUBREAPER, &v) == 0 && v == 1, "PR_SET_CHILD_SUBREAPER");
    pid_t me = getpid();
    int pfd[2];
    if (pipe(pfd) != 0)
        return;
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        if (fork() == 0) {
            /* The grandchild: wait to be orphaned, then report its new parent. */
            for (int i = 0; i < 5000 && getppid() != me; i++)
                usleep(1000);
            char ok = getppid() == me ? 'y' : 'n';
            _exit(write(pfd[1], &ok, 1) != 1);
        }
        _exit(0);
    }
    close(pfd[1]);
    waitpid(pid, NULL, 0);
    char ok = 0;
    CHECK(read(pfd[0], &ok, 1) == 1 && ok == 'y', "the orphaned grandchild's parent is the subreaper");
    CHECK(wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "the subreaper waits for it");
    close(pfd[0]);
    prctl(PR_SET_CHILD_SUBREAPER, 0);

    /* PR_GET_AUXV: the start of the saved auxv, which /proc/self/auxv shows up to AT_NULL. */
    unsigned long mine[64], kern[128];
    fd = open("/proc/self/auxv", O_RDONLY);
    ssize_t n = read(fd, mine, sizeof mine);
    close(fd);
    memset(kern, 0xa5, sizeof kern);
    long size = prctl(PR_GET_AUXV, kern, sizeof kern, 0, 0);
    CHECK(size >= n && size % (2 * sizeof(long)) == 0 && size <= (long)sizeof kern, "PR_GET_AUXV: the size of the saved auxv");
    CHECK(n > 0 && size <= (long)sizeof kern && memcmp(kern, mine, n) == 0, "PR_GET_AUXV: the entries of /proc/self/auxv");
    int zeros = 1;
    for (long i = n / sizeof(long); i < size / (long)sizeof(long); i++)
        zeros &= kern[i] == 0;
    CHECK(zeros, "PR_GET_AUXV: zeros after AT_NULL");
    memset(kern, 0xa5, sizeof kern);
    CHECK(prctl(PR_GET_AUXV, kern, 16, 0, 0) == size && kern[0] == mine[0] && kern[2] == 0xa5a5a5a5a5a5a5a5ul, "PR_GET_AUXV copies no more than asked");
    CHECK(prctl(PR_GET_AUXV, NULL, 0, 0, 0) == size, "PR_GET_AUXV(NULL, 0): only the size");
    CHECK_ERR(prctl(PR_GET_AUXV, kern, sizeof kern, 1, 0), EINVAL, "PR_GET_AUXV with a fourth argument");
    CHECK_ERR(prctl(PR_GET_AUXV, BAD, 64, 0, 0), EFAULT, "PR_GET_AUXV to a bad pointer");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "maps") == 0)
        return print_maps();
    caps();
    persona();
    namespaces();
    kcmps();
    prctls();
    printf("failures: %d\n", failures);
    return failures;
}
