/* sched: scheduling policies and parameters (sched_setscheduler/getscheduler/setparam/
 * getparam, priority ranges, round-robin interval), struct sched_attr in its versions
 * (sched_setattr/sched_getattr: sizes 0, 48, 56 and bigger, E2BIG with the kernel's size
 * written back, guard bytes after a short struct), SCHED_RESET_ON_FORK seen by a child,
 * getcpu, I/O priorities; the argument errors in the kernel's order (EINVAL before EFAULT).
 * Nothing checked depends on privilege: only changes an unprivileged process may make. */
#define _GNU_SOURCE
#include "check.h"
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct attr {
    uint32_t size, policy;
    uint64_t flags;
    int32_t nice;
    uint32_t priority;
    uint64_t runtime, deadline, period;
    uint32_t util_min, util_max;
    unsigned char more[16]; /* a newer version's fields */
};

static long setattr(struct attr *a, unsigned flags) { return syscall(SYS_sched_setattr, 0, a, flags); }
static long getattr(struct attr *a, unsigned size, unsigned flags) { return syscall(SYS_sched_getattr, 0, a, size, flags); }

/* Run `f` in a child and report its exit status as one check. */
static void in_child(int (*f)(void), const char *what)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        _exit(f());
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, what);
}

/* SCHED_RESET_ON_FORK puts a child of a real-time or deadline task back to SCHED_OTHER; the
 * child of a SCHED_BATCH task keeps SCHED_BATCH, without the flag. */
static int child_reset_on_fork(void) { return sched_getscheduler(0) == SCHED_BATCH ? 0 : 1; }

/* Raising the nice value (and going back, which needs no privilege only from SCHED_IDLE's
 * point of view) is done in children. */
static int child_nice_by_setattr(void)
{
    /* A higher nice value than the one we run at (the test runner's may not be 0). */
    int nice = getpriority(PRIO_PROCESS, 0) + 3;
    if (nice > 19)
        nice = 19;
    struct attr a = { .size = 48, .policy = SCHED_OTHER, .nice = nice };
    if (setattr(&a, 0) != 0)
        return 1;
    struct attr b;
    memset(&b, 0, sizeof b);
    if (getattr(&b, 56, 0) != 0 || b.nice != nice || getpriority(PRIO_PROCESS, 0) != nice)
        return 2;
    return 0;
}

static int child_idle(void)
{
    struct sched_param p = { 0 };
    if (sched_setscheduler(0, SCHED_IDLE, &p) != 0 || sched_getscheduler(0) != SCHED_IDLE)
        return 1;
    struct attr b;
    memset(&b, 0, sizeof b);
    return getattr(&b, 56, 0) == 0 && b.policy == SCHED_IDLE ? 0 : 2;
}

int main(void)
{
    struct sched_param p = { 0 };
    CHECK(sched_getscheduler(0) == SCHED_OTHER, "sched_getscheduler is SCHED_OTHER");
    p.sched_priority = 42;
    CHECK(sched_getparam(0, &p) == 0 && p.sched_priority == 0, "sched_getparam: priority 0");
    CHECK(sched_get_priority_max(SCHED_FIFO) == 99 && sched_get_priority_min(SCHED_FIFO) == 1, "SCHED_FIFO priorities 1..99");
    CHECK(sched_get_priority_max(SCHED_RR) == 99 && sched_get_priority_min(SCHED_RR) == 1, "SCHED_RR priorities 1..99");
    CHECK(sched_get_priority_max(SCHED_OTHER) == 0 && sched_get_priority_min(SCHED_BATCH) == 0 && sched_get_priority_max(SCHED_IDLE) == 0,
          "SCHED_OTHER, SCHED_BATCH, SCHED_IDLE priority 0");
    CHECK_ERR(sched_get_priority_max(-1), EINVAL, "sched_get_priority_max(-1)");
    CHECK_ERR(sched_get_priority_min(1000), EINVAL, "sched_get_priority_min(1000)");
    struct timespec ts = { 99, 99 };
    CHECK(sched_rr_get_interval(0, &ts) == 0 && ts.tv_sec == 0 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000, "sched_rr_get_interval");
    CHECK_ERR(syscall(SYS_sched_rr_get_interval, 0, BAD), EFAULT, "sched_rr_get_interval to a bad pointer");
    CHECK_ERR(syscall(SYS_sched_rr_get_interval, -1, &ts), EINVAL, "sched_rr_get_interval(-1)");

    /* Parameters and their errors. */
    p.sched_priority = 0;
    CHECK(sched_setparam(0, &p) == 0, "sched_setparam(0, priority 0)");
    CHECK_ERR(syscall(SYS_sched_setparam, 0, NULL), EINVAL, "sched_setparam(NULL)");
    CHECK_ERR(syscall(SYS_sched_setparam, -1, BAD), EINVAL, "sched_setparam(-1, bad pointer)");
    CHECK_ERR(syscall(SYS_sched_setparam, 0, BAD), EFAULT, "sched_setparam(bad pointer)");
    CHECK_ERR(syscall(SYS_sched_getparam, 0, BAD), EFAULT, "sched_getparam(bad pointer)");
    CHECK_ERR(syscall(SYS_sched_getparam, -1, &p), EINVAL, "sched_getparam(-1)");
    CHECK_ERR(syscall(SYS_sched_getparam, 999999999, &p), ESRCH, "sched_getparam of no such process");
    p.sched_priority = 1;
    CHECK_ERR(sched_setparam(0, &p), EINVAL, "sched_setparam priority 1 under SCHED_OTHER");

    /* Policies. */
    p.sched_priority = 0;
    CHECK(sched_setscheduler(0, SCHED_BATCH, &p) == 0 && sched_getscheduler(0) == SCHED_BATCH, "SCHED_BATCH");
    CHECK_ERR(syscall(SYS_sched_setscheduler, 0, -1, BAD), EINVAL, "sched_setscheduler(policy -1, bad pointer)");
    CHECK_ERR(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, BAD), EFAULT, "sched_setscheduler(bad pointer)");
    CHECK_ERR(sched_setscheduler(0, SCHED_FIFO, &p), EINVAL, "SCHED_FIFO with priority 0");
    CHECK_ERR(sched_setscheduler(0, 77, &p), EINVAL, "sched_setscheduler(policy 77)");
    CHECK(sched_setscheduler(0, SCHED_BATCH | SCHED_RESET_ON_FORK, &p) == 0 && sched_getscheduler(0) == (SCHED_BATCH | SCHED_RESET_ON_FORK),
          "SCHED_BATCH | SCHED_RESET_ON_FORK");
    in_child(child_reset_on_fork, "a child of a SCHED_BATCH | SCHED_RESET_ON_FORK parent runs SCHED_BATCH");
    CHECK(sched_setscheduler(0, SCHED_OTHER, &p) == 0 && sched_getscheduler(0) == SCHED_OTHER, "back to SCHED_OTHER");
    in_child(child_idle, "SCHED_IDLE (in a child)");

    /* struct sched_attr. */
    struct attr a;
    memset(&a, 0xa5, sizeof a);
    CHECK(getattr(&a, 56, 0) == 0 && a.size == 56 && a.policy == SCHED_OTHER && a.flags == 0 && a.nice == getpriority(PRIO_PROCESS, 0) && a.priority == 0,
          "sched_getattr(56): size 56, SCHED_OTHER, our nice value");
    CHECK(a.more[0] == 0xa5, "sched_getattr(56) writes 56 bytes");
    memset(&a, 0xa5, sizeof a);
    CHECK(getattr(&a, 48, 0) == 0 && a.size == 48 && a.policy == SCHED_OTHER, "sched_getattr(48): size 48");
    CHECK(a.util_min == 0xa5a5a5a5 && a.util_max == 0xa5a5a5a5, "sched_getattr(48) leaves the utilisation clamps alone");
    memset(&a, 0xa5, sizeof a);
    CHECK(getattr(&a, sizeof a, 0) == 0 && a.size == 56 && a.more[0] == 0 && a.more[15] == 0, "sched_getattr(72): the kernel's 56 bytes, size 56, zeros after");
    CHECK_ERR(getattr(&a, 47, 0), EINVAL, "sched_getattr(47)");
    CHECK_ERR(getattr(&a, 4097, 0), EINVAL, "sched_getattr(4097)");
    CHECK_ERR(getattr(&a, 56, 1), EINVAL, "sched_getattr flags 1");
    CHECK_ERR(syscall(SYS_sched_getattr, 0, NULL, 56, 0), EINVAL, "sched_getattr(NULL)");
    CHECK_ERR(syscall(SYS_sched_getattr, 0, BAD, 56, 0), EFAULT, "sched_getattr(bad pointer)");

    memset(&a, 0, sizeof a);
    a.size = 56;
    a.policy = SCHED_BATCH;
    CHECK(setattr(&a, 0) == 0 && sched_getscheduler(0) == SCHED_BATCH, "sched_setattr(56, SCHED_BATCH)");
    a.size = 0;
    a.policy = SCHED_OTHER;
    CHECK(setattr(&a, 0) == 0 && sched_getscheduler(0) == SCHED_OTHER, "sched_setattr(size 0 = 48, SCHED_OTHER)");
    a.size = sizeof a;
    CHECK(setattr(&a, 0) == 0, "sched_setattr(72) with zeros after the known fields");
    a.more[3] = 1;
    CHECK_ERR(setattr(&a, 0), E2BIG, "sched_setattr(72) with a non-zero unknown field");
    CHECK(a.size == 56, "E2BIG writes the kernel's size (56) back");
    a.more[3] = 0;
    a.size = 40;
    CHECK_ERR(setattr(&a, 0), E2BIG, "sched_setattr(40)");
    CHECK(a.size == 56, "... and writes 56 back");
    a.size = 8192;
    CHECK_ERR(setattr(&a, 0), E2BIG, "sched_setattr(8192)");
    a.size = 48;
    a.flags = 0x20; /* SCHED_FLAG_UTIL_CLAMP_MIN needs the 56-byte version */
    CHECK_ERR(setattr(&a, 0), EINVAL, "sched_setattr(48) with a utilisation clamp");
    a.flags = 0;
    CHECK_ERR(setattr(&a, 1), EINVAL, "sched_setattr flags 1");
    CHECK_ERR(syscall(SYS_sched_setattr, 0, NULL, 0), EINVAL, "sched_setattr(NULL)");
    CHECK_ERR(syscall(SYS_sched_setattr, -1, BAD, 0), EINVAL, "sched_setattr(-1, bad pointer)");
    CHECK_ERR(syscall(SYS_sched_setattr, 0, BAD, 0), EFAULT, "sched_setattr(bad pointer)");
    in_child(child_nice_by_setattr, "sched_setattr of a higher nice value (in a child): getattr and getpriority agree");

    /* getcpu. */
    unsigned cpu = ~0u, node = ~0u;
    long n = sysconf(_SC_NPROCESSORS_CONF);
    CHECK(syscall(SYS_getcpu, &cpu, &node, NULL) == 0 && cpu < (unsigned)n && node < 1024, "getcpu");
    CHECK(syscall(SYS_getcpu, NULL, NULL, NULL) == 0, "getcpu(NULL, NULL)");
    CHECK_ERR(syscall(SYS_getcpu, BAD, NULL, NULL), EFAULT, "getcpu to a bad pointer");
    CHECK(sched_getcpu() >= 0 && sched_getcpu() < n, "sched_getcpu");

    /* I/O priorities: class << 13 | data. */
    long io = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
    CHECK(io >= 0, "ioprio_get");
    CHECK(syscall(SYS_ioprio_set, 1, 0, 2 << 13 | 7) == 0 && syscall(SYS_ioprio_get, 1, 0) == (2 << 13 | 7), "ioprio_set best-effort level 7");
    CHECK(syscall(SYS_ioprio_set, 1, 0, 3 << 13) == 0 && syscall(SYS_ioprio_get, 1, 0) == 3 << 13, "ioprio_set idle class");
    CHECK(syscall(SYS_ioprio_set, 1, 0, 2 << 13 | 4) == 0 && syscall(SYS_ioprio_get, 1, 0) == (2 << 13 | 4), "ioprio_set best-effort level 4");
    CHECK_ERR(syscall(SYS_ioprio_set, 1, 0, 7 << 13), EINVAL, "ioprio_set class 7");
    CHECK_ERR(syscall(SYS_ioprio_set, 1, 0, 0 << 13 | 3), EINVAL, "ioprio_set class none with a level");
    CHECK_ERR(syscall(SYS_ioprio_get, 99, 0), EINVAL, "ioprio_get(which 99)");
    CHECK_ERR(syscall(SYS_ioprio_get, 1, 999999999), ESRCH, "ioprio_get of no such process");

    printf("failures: %d\n", failures);
    return failures;
}
