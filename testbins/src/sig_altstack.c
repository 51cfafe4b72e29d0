/* A stack overflow into a guard page is caught on the alternate signal stack: deep recursion
 * on a small thread stack hits the guard page; the SIGSEGV handler runs on the sigaltstack
 * (its frame is inside it and sigaltstack reports SS_ONSTACK and refuses changes with EPERM)
 * and leaves by siglongjmp. Then the same on the main thread with SS_AUTODISARM, and the
 * uc_stack a handler sees. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

static sigjmp_buf env;
static char *alt;
static size_t altsize = 64 * 1024;
static volatile int on_alt, onstack_flag, eperm, uc_ok, depth;

static void on_segv(int sig, siginfo_t *si, void *ucv) {
    ucontext_t *uc = ucv;
    char here;
    on_alt = &here > alt && &here < alt + altsize;
    stack_t cur;
    sigaltstack(0, &cur);
    onstack_flag = cur.ss_flags;
    stack_t other = {.ss_sp = alt, .ss_size = altsize, .ss_flags = 0};
    eperm = sigaltstack(&other, 0) == -1 && errno == EPERM;
    uc_ok = uc->uc_stack.ss_sp == alt && uc->uc_stack.ss_size == altsize;
    siglongjmp(env, 1);
}

__attribute__((noinline)) static int recurse(int n) {
    if (n < 0) return 0;
    volatile char pad[512];
    pad[0] = (char)n;
    depth = n;
    return recurse(n + 1) + pad[0];
}

static void *thread(void *arg) {
    stack_t ss = {.ss_sp = alt, .ss_size = altsize, .ss_flags = 0};
    sigaltstack(&ss, 0);
    if (sigsetjmp(env, 1) == 0)
        recurse(0);
    printf("thread: overflow caught, on the altstack %d, SS_ONSTACK %d, EPERM %d, uc_stack %d, deep %d\n", on_alt,
           onstack_flag == SS_ONSTACK, eperm, uc_ok, depth > 50);
    return 0;
}

int main(void) {
    alt = malloc(altsize);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, 0);

    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setstacksize(&at, 256 * 1024);
    pthread_t t;
    pthread_create(&t, &at, thread, 0);
    pthread_join(t, 0);

    /* Without SA_ONSTACK the frame would go on the overflowed stack: with the altstack and
     * SS_AUTODISARM the handler runs there and the stack is disarmed while it runs. */
    stack_t ss = {.ss_sp = alt, .ss_size = altsize, .ss_flags = SS_AUTODISARM};
    if (sigaltstack(&ss, 0) != 0)
        perror("sigaltstack");
    stack_t cur;
    sigaltstack(0, &cur);
    printf("main: armed flags %#x size ok %d\n", (unsigned)cur.ss_flags, cur.ss_size == altsize);
    if (sigsetjmp(env, 1) == 0) {
        volatile char *volatile p = 0;
        *p = 1;
    }
    printf("main: fault handled on the altstack %d, flags seen in the handler %#x, EPERM %d\n", on_alt,
           (unsigned)onstack_flag, eperm);
    sigaltstack(0, &cur);
    printf("main: after siglongjmp flags %#x\n", (unsigned)cur.ss_flags);
    /* Disabling, and the errors. */
    stack_t small = {.ss_sp = alt, .ss_size = 1024, .ss_flags = 0};
    int r = sigaltstack(&small, 0);
    printf("too small: %d %s\n", r, strerror(errno));
    stack_t bad = {.ss_sp = alt, .ss_size = altsize, .ss_flags = 7};
    r = sigaltstack(&bad, 0);
    printf("bad flags: %d %s\n", r, strerror(errno));
    stack_t off = {.ss_flags = SS_DISABLE};
    sigaltstack(&off, 0);
    sigaltstack(0, &cur);
    printf("disabled: flags %#x sp %p size %zu\n", (unsigned)cur.ss_flags, cur.ss_sp, cur.ss_size);
    return 0;
}
