/* Real-time signals: every one of 32..64 (including the two glibc keeps for itself, through
 * the raw system calls) can be caught; queued instances keep their order and values
 * (sigqueue), blocked ones wait in sigpending, and come out through sigtimedwait,
 * sigwaitinfo, signalfd and, once unblocked, the handler, lowest signal first. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The kernel's struct sigaction (as rt_sigaction takes it on this architecture). */
struct ksa {
    void (*handler)(int, siginfo_t *, void *);
    unsigned long flags;
    void (*restorer)(void);
    unsigned long mask;
};

static int order[64], values[64], nseen;
static void on_rt(int sig, siginfo_t *si, void *uc) {
    if (nseen < 64) {
        order[nseen] = sig;
        values[nseen++] = si->si_value.sival_int;
    }
}

#ifdef __x86_64__
/* x86-64 needs a restorer (the same program is also run natively, as the oracle). */
void ruser_test_restorer(void);
__asm__(".text\nruser_test_restorer:\n mov $15, %eax\n syscall\n");
#define KSA_FLAGS (SA_SIGINFO | 0x04000000)
#define KSA_RESTORER ruser_test_restorer
#else
#define KSA_FLAGS SA_SIGINFO
#define KSA_RESTORER 0
#endif

static long raw_sigaction(int sig, struct ksa *a) { return syscall(SYS_rt_sigaction, sig, a, 0, 8); }
static long raw_block(unsigned long set, int how) { return syscall(SYS_rt_sigprocmask, how, &set, 0, 8); }
static long raw_queue(int sig, int value) {
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = sig;
    si.si_code = SI_QUEUE;
    si.si_pid = getpid();
    si.si_uid = getuid();
    si.si_value.sival_int = value;
    return syscall(SYS_rt_sigqueueinfo, getpid(), sig, &si);
}

int main(void) {
    raw_block(~0UL, SIG_UNBLOCK); /* whatever mask the program was started with */
    struct ksa a = {on_rt, KSA_FLAGS, KSA_RESTORER, 0};
    int ok = 0;
    for (int sig = 32; sig <= 64; sig++)
        ok += raw_sigaction(sig, &a) == 0;
    printf("handlers installed for %d of 33 real-time signals\n", ok);

    /* Each signal once, unblocked: delivered at once. */
    for (int sig = 32; sig <= 64; sig++)
        raw_queue(sig, sig * 10);
    int good = nseen == 33;
    for (int i = 0; i < nseen; i++)
        good &= order[i] == 32 + i && values[i] == (32 + i) * 10;
    printf("one at a time: %d delivered, in order with values %d\n", nseen, good);

    /* Blocked, several of each queued: unblocking delivers lowest signal first, each
     * signal's instances in the order they were sent. */
    nseen = 0;
    raw_block(~0UL << 31, SIG_BLOCK);
    for (int round = 0; round < 3; round++)
        for (int sig = 64; sig >= 32; sig -= 8)
            raw_queue(sig, sig * 100 + round);
    sigset_t p;
    sigpending(&p);
    printf("pending while blocked:");
    for (int sig = 32; sig <= 64; sig++)
        if (syscall(SYS_rt_sigpending, &p, 8) == 0 && ((*(unsigned long *)&p) >> (sig - 1)) & 1)
            printf(" %d", sig);
    printf("; handler ran %d times\n", nseen);
    raw_block(~0UL << 31, SIG_UNBLOCK);
    printf("after unblocking:");
    for (int i = 0; i < nseen; i++)
        printf(" %d:%d", order[i], values[i]);
    printf("\n");

    /* sigtimedwait / sigwaitinfo take them synchronously. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN);
    sigaddset(&set, SIGRTMAX);
    sigprocmask(SIG_BLOCK, &set, 0);
    union sigval v = {.sival_int = 7};
    sigqueue(getpid(), SIGRTMAX, v);
    v.sival_int = 8;
    sigqueue(getpid(), SIGRTMIN, v);
    siginfo_t si;
    int s1 = sigwaitinfo(&set, &si);
    printf("sigwaitinfo: SIGRTMIN+%d value %d code %d\n", s1 - SIGRTMIN, si.si_value.sival_int, si.si_code);
    struct timespec ts = {0, 0};
    int s2 = sigtimedwait(&set, &si, &ts);
    printf("sigtimedwait: SIGRTMIN+%d value %d\n", s2 - SIGRTMIN, si.si_value.sival_int);
    ts.tv_nsec = 20000000;
    int s3 = sigtimedwait(&set, &si, &ts);
    printf("sigtimedwait on nothing: %d %s\n", s3, strerror(errno));

    /* signalfd reads queued signals with their data. */
    int fd = signalfd(-1, &set, SFD_NONBLOCK);
    v.sival_int = 99;
    sigqueue(getpid(), SIGRTMIN, v);
    struct signalfd_siginfo fi;
    ssize_t n = read(fd, &fi, sizeof fi);
    printf("signalfd: %zd bytes, SIGRTMIN+%d value %d\n", n, (int)fi.ssi_signo - SIGRTMIN, fi.ssi_int);
    n = read(fd, &fi, sizeof fi);
    printf("signalfd empty: %zd %s\n", n, strerror(errno));
    return 0;
}
