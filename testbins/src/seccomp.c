/* seccomp: strict mode and BPF filters as the program's own kernel applies them.  Every
 * mode change happens in a child (it cannot be undone); each child prints its checks and
 * exits with its number of failures, or is expected to die.  The filters test the
 * architecture (AUDIT_ARCH_AARCH64 under aarch64, the host's for the native build) and use
 * the build's own system call numbers, so the same source checks an aarch64 kernel, the
 * host kernel and ruser alike (qemu-aarch64 7.2 has no seccomp: see seccomp.native). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#ifdef __aarch64__
#define ARCH AUDIT_ARCH_AARCH64
#else
#define ARCH AUDIT_ARCH_X86_64
#endif

#define LOAD(field) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field))
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))
#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1 /* si_code of a seccomp SIGSYS (asm-generic/siginfo.h) */
#endif

static long sc(long op, long flags, void *args)
{
    return syscall(__NR_seccomp, op, flags, args);
}

/* A filter: a wrong architecture kills, system call `nr` gets `action`, the rest runs. */
static long deny(int nr, unsigned action, unsigned flags)
{
    struct sock_filter f[] = {
        LOAD(arch),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0),
        RET(SECCOMP_RET_KILL_PROCESS),
        LOAD(nr),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
        RET(action),
        RET(SECCOMP_RET_ALLOW),
    };
    struct sock_fprog p = { sizeof f / sizeof f[0], f };
    return sc(SECCOMP_SET_MODE_FILTER, flags, &p);
}

static void nnp(void)
{
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        perror("PR_SET_NO_NEW_PRIVS");
}

/* Run `f` in a child; its wait status. */
static int in_child(void (*f)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        failures = 0;
        f();
        fflush(stdout);
        _exit(failures);
    }
    int st;
    waitpid(pid, &st, 0);
    return st;
}

static int exited(int st)
{
    if (WIFEXITED(st)) {
        failures += WEXITSTATUS(st);
        return 1;
    }
    printf("FAIL: child killed by signal %d\n", WTERMSIG(st));
    failures++;
    return 0;
}

static char *self;

static void status_line(const char *key, const char *want)
{
    char buf[4096], line[128];
    FILE *f = fopen("/proc/self/status", "r");
    int found = 0;
    snprintf(line, sizeof line, "%s:\t%s\n", key, want);
    while (f && fgets(buf, sizeof buf, f))
        if (!strcmp(buf, line))
            found = 1;
    if (f)
        fclose(f);
    snprintf(buf, sizeof buf, "/proc/self/status shows %s: %s", key, want);
    CHECK(found, buf);
}

static void *getpid_in_thread(void *arg)
{
    (void)arg;
    errno = 0;
    long r = syscall(__NR_getpid);
    return (void *)(r == -1 ? (long)errno : 0L);
}

static void errno_filter(void)
{
    nnp();
    CHECK(deny(__NR_getpid, SECCOMP_RET_ERRNO | 42, 0) == 0, "install an ERRNO filter for getpid");
    errno = 0;
    long r = syscall(__NR_getpid);
    int e = errno;
    CHECK(r == -1 && e == 42, "getpid fails with the filter's errno 42");
    CHECK(syscall(__NR_getppid) > 0, "getppid still runs");
    CHECK(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2, "PR_GET_SECCOMP says filter mode");
    status_line("Seccomp", "2");
    status_line("Seccomp_filters", "1");
    pthread_t t;
    void *res;
    pthread_create(&t, NULL, getpid_in_thread, NULL);
    pthread_join(t, &res);
    CHECK((long)res == 42, "a thread created afterwards has the filter");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        errno = 0;
        _exit(syscall(__NR_getpid) == -1 && errno == 42 ? 0 : 1);
    }
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a forked child has the filter");
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        execl(self, "seccomp", "after-exec", (char *)NULL);
        _exit(99);
    }
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "an exec'd program has the filter");
    /* A second filter: the newest of equal actions gives its data, TRAP beats ERRNO. */
    CHECK(deny(__NR_getpid, SECCOMP_RET_ERRNO | 43, 0) == 0, "install a second filter");
    errno = 0;
    r = syscall(__NR_getpid);
    e = errno;
    CHECK(r == -1 && e == 43, "the newest filter's errno wins among ERRNO actions");
    status_line("Seccomp_filters", "2");
    /* TRACE without a tracer: ENOSYS; LOG: the call runs. */
    CHECK(deny(__NR_getppid, SECCOMP_RET_TRACE, 0) == 0, "install a TRACE filter");
    CHECK_ERR(syscall(__NR_getppid), ENOSYS, "a TRACE action without a tracer");
    CHECK(deny(__NR_gettid, SECCOMP_RET_LOG, 0) == 0, "install a LOG filter");
    CHECK(syscall(__NR_gettid) > 0, "a LOG action runs the call");
    CHECK_ERR(prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0), EINVAL, "strict mode over filters");
}

static volatile sig_atomic_t trapped;
static siginfo_t trap_info;

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    trap_info = *si;
    trapped++;
}

static void trap_filter(void)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_sigsys;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSYS, &sa, NULL);
    nnp();
    CHECK(deny(__NR_getppid, SECCOMP_RET_TRAP | 7, 0) == 0, "install a TRAP filter for getppid");
    CHECK(deny(__NR_getppid, SECCOMP_RET_ERRNO | 5, 0) == 0, "and an ERRNO filter for it");
    syscall(__NR_getppid, 11, 22);
    CHECK(trapped == 1, "the call raised SIGSYS once (TRAP beats ERRNO)");
    CHECK(trap_info.si_signo == SIGSYS && trap_info.si_code == SYS_SECCOMP, "si_signo SIGSYS, si_code SYS_SECCOMP");
    CHECK(trap_info.si_errno == 7, "si_errno is the filter's data");
    CHECK(trap_info.si_syscall == __NR_getppid, "si_syscall is the call's number");
    CHECK(trap_info.si_arch == ARCH, "si_arch is the audit architecture");
    CHECK(trap_info.si_call_addr != NULL, "si_call_addr is set");
    /* Blocked SIGSYS: the process dies of it. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGSYS);
        sigprocmask(SIG_BLOCK, &s, NULL);
        syscall(__NR_getppid);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "a trapped call with SIGSYS blocked kills by SIGSYS");
}

static void kill_process(void)
{
    nnp();
    if (deny(__NR_getpid, SECCOMP_RET_KILL_PROCESS, 0) == 0)
        syscall(__NR_getpid);
    _exit(0);
}

static void kill_thread_alone(void)
{
    nnp();
    if (deny(__NR_getpid, SECCOMP_RET_KILL_THREAD, 0) == 0)
        syscall(__NR_getpid);
    _exit(0);
}

static void *install_and_die(void *arg)
{
    (void)arg;
    if (deny(__NR_getpid, SECCOMP_RET_KILL_THREAD, 0) == 0)
        syscall(__NR_getpid);
    return (void *)1L;
}

static void kill_thread(void)
{
    nnp();
    pthread_t t;
    pthread_create(&t, NULL, install_and_die, NULL);
    pthread_join(t, NULL);
    CHECK(syscall(__NR_getpid) > 0, "KILL_THREAD ends only the thread; the main thread goes on unfiltered");
}

static int pipefd[2];

static void *wait_then_getpid(void *arg)
{
    (void)arg;
    char c;
    if (read(pipefd[0], &c, 1) != 1)
        return (void *)-1L;
    return getpid_in_thread(NULL);
}

static void tsync(void)
{
    nnp();
    if (pipe(pipefd) != 0)
        return;
    pthread_t t;
    void *res;
    pthread_create(&t, NULL, wait_then_getpid, NULL);
    CHECK(deny(__NR_getpid, SECCOMP_RET_ERRNO | 33, SECCOMP_FILTER_FLAG_TSYNC) == 0, "install a filter on every thread (TSYNC)");
    if (write(pipefd[1], "x", 1) != 1)
        return;
    pthread_join(t, &res);
    CHECK((long)res == 33, "a thread that existed before has it");
}

static void strict(void)
{
    static const char msg[] = "in strict mode, write runs\n";
    fflush(stdout);
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0) == 0) {
        syscall(__NR_write, 1, msg, sizeof msg - 1);
        syscall(__NR_getpid);
    }
    syscall(__NR_exit, 0);
}

static void bad_filters(void)
{
    struct sock_filter ret = RET(SECCOMP_RET_ALLOW);
    struct sock_filter jump[] = { BPF_JUMP(BPF_JMP | BPF_JA, 5, 0, 0), RET(SECCOMP_RET_ALLOW) };
    struct sock_fprog empty = { 0, &ret }, far = { 2, jump }, bad_ptr = { 1, (struct sock_filter *)16 };
    nnp();
    CHECK_ERR(sc(SECCOMP_SET_MODE_FILTER, 0, &empty), EINVAL, "an empty program");
    CHECK_ERR(sc(SECCOMP_SET_MODE_FILTER, 0, &far), EINVAL, "a jump past the end");
    CHECK_ERR(sc(SECCOMP_SET_MODE_FILTER, 0, &bad_ptr), EFAULT, "instructions at a bad address");
    CHECK_ERR(sc(SECCOMP_SET_MODE_FILTER, 0, (void *)16), EFAULT, "a sock_fprog at a bad address");
    CHECK_ERR(sc(SECCOMP_SET_MODE_FILTER, 1 << 30, &far), EINVAL, "an unknown flag");
    CHECK_ERR(sc(99, 0, NULL), EINVAL, "an unknown operation");
    CHECK_ERR(sc(SECCOMP_SET_MODE_STRICT, 1, NULL), EINVAL, "strict mode with flags");
    unsigned actions[] = { SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_TRAP, SECCOMP_RET_ERRNO,
                           SECCOMP_RET_TRACE, SECCOMP_RET_LOG, SECCOMP_RET_ALLOW };
    int avail = 1;
    for (unsigned i = 0; i < sizeof actions / sizeof actions[0]; i++)
        avail &= sc(SECCOMP_GET_ACTION_AVAIL, 0, &actions[i]) == 0;
    CHECK(avail, "SECCOMP_GET_ACTION_AVAIL: every action but USER_NOTIF");
    unsigned unknown = 0x12340000;
    CHECK_ERR(sc(SECCOMP_GET_ACTION_AVAIL, 0, &unknown), EOPNOTSUPP, "SECCOMP_GET_ACTION_AVAIL of an unknown action");
    struct seccomp_notif_sizes sz;
    CHECK(sc(SECCOMP_GET_NOTIF_SIZES, 0, &sz) == 0 && sz.seccomp_data == sizeof(struct seccomp_data), "SECCOMP_GET_NOTIF_SIZES");
    CHECK(syscall(__NR_getpid) > 0, "no filter after the refused ones");
}

int main(int argc, char **argv)
{
    self = argv[0];
    if (argc > 1 && !strcmp(argv[1], "after-exec")) {
        errno = 0;
        return syscall(__NR_getpid) == -1 && errno == 42 ? 0 : 1;
    }
    if (argc > 2 && !strcmp(argv[1], "exec")) {
        /* For tests/testbins.rs: exec argv[2] under a filter and report how that went
         * (ruser refuses host programs, which it could not hold to the filter). */
        nnp();
        if (deny(__NR_getpid, SECCOMP_RET_ERRNO | 42, 0) != 0)
            return 2;
        execv(argv[2], argv + 2);
        printf("exec: %s\n", errname(errno));
        return 1;
    }
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    exited(in_child(bad_filters));
    exited(in_child(errno_filter));
    exited(in_child(trap_filter));
    exited(in_child(tsync));
    exited(in_child(kill_thread));
    int st = in_child(kill_process);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "KILL_PROCESS kills by SIGSYS");
    st = in_child(kill_thread_alone);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "KILL_THREAD of the only thread kills the process by SIGSYS");
    st = in_child(strict);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "strict mode kills by SIGKILL at getpid");
    printf("failures: %d\n", failures);
    return failures;
}
