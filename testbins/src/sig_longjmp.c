/* siglongjmp out of synchronous signals: SIGSEGV from a read of an unmapped address, a write
 * to a read-only page, a jump to unmapped memory; SIGBUS from a file mapping past its end;
 * two thousand rounds, each leaving the handler by siglongjmp (the saved mask comes back);
 * reads and writes beyond the 48-bit address space (non-canonical addresses for an emulator
 * on x86-64), once and in hot loops, with their si_addr. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile siginfo_t last;
static volatile void *expect_addr;

static void on_fault(int sig, siginfo_t *si, void *uc) {
    last = *si;
    siglongjmp(env, sig);
}

static void report(const char *what, int got) {
    printf("%-28s signal %2d code %d addr ok %d\n", what, got, last.si_code, last.si_addr == expect_addr);
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, 0);
    sigaction(SIGBUS, &sa, 0);

    int got;
    volatile long *volatile unmapped = (long *)24;
    expect_addr = (void *)24;
    if ((got = sigsetjmp(env, 1)) == 0) {
        (void)*unmapped;
        puts("not reached");
    }
    report("read of an unmapped address", got);

    char *ro = mmap(0, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    expect_addr = ro + 4100;
    if ((got = sigsetjmp(env, 1)) == 0) {
        ro[4100] = 1;
        puts("not reached");
    }
    report("write to a read-only page", got);

    char *none = mmap(0, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    expect_addr = none + 8;
    if ((got = sigsetjmp(env, 1)) == 0) {
        (void)*(volatile long *)(none + 8);
        puts("not reached");
    }
    report("read of a PROT_NONE page", got);

    expect_addr = (void *)0x10;
    if ((got = sigsetjmp(env, 1)) == 0) {
        ((void (*)(void))0x10)();
        puts("not reached");
    }
    report("jump to unmapped memory", got);

    expect_addr = ro;
    if ((got = sigsetjmp(env, 1)) == 0) {
        ((void (*)(void))ro)();
        puts("not reached");
    }
    report("jump to a non-executable page", got);

    FILE *f = tmpfile();
    char *fm = mmap(0, 8192, PROT_READ, MAP_SHARED, fileno(f), 0);
    expect_addr = fm + 16;
    if ((got = sigsetjmp(env, 1)) == 0) {
        (void)*(volatile char *)(fm + 16);
        puts("not reached");
    }
    report("file mapping past its end", got);

    expect_addr = (void *)0x0008000000000010;
    if ((got = sigsetjmp(env, 1)) == 0) {
        (void)*(volatile long *)expect_addr;
        puts("not reached");
    }
    report("read beyond 48 bits", got);

    int far_reads = 0, far_writes = 0;
    for (int i = 0; i < 200; i++) {
        expect_addr = (char *)0x0008000000000000 + i * 24;
        if (sigsetjmp(env, 1) == 0) {
            (void)*(volatile long *)expect_addr;
        } else if (last.si_addr == expect_addr && last.si_code == SEGV_MAPERR) {
            far_reads++;
        }
        expect_addr = (char *)0x0000f00000000000 + i * 40;
        if (sigsetjmp(env, 1) == 0) {
            *(volatile int *)expect_addr = i;
        } else if (last.si_addr == expect_addr && last.si_code == SEGV_MAPERR) {
            far_writes++;
        }
    }
    printf("beyond 48 bits: %d of 200 reads, %d of 200 writes with their address\n", far_reads, far_writes);

    int rounds = 0;
    for (int i = 0; i < 2000; i++) {
        expect_addr = ro + (i % 8000);
        if (sigsetjmp(env, 1) == 0) {
            ro[i % 8000] = (char)i;
        } else if (last.si_addr == expect_addr) {
            rounds++;
        }
    }
    sigset_t m;
    sigprocmask(SIG_BLOCK, 0, &m);
    printf("rounds %d, SIGSEGV blocked afterwards %d\n", rounds, sigismember(&m, SIGSEGV));
    return 0;
}
