/* Timers interrupt loops that never make a system call: setitimer(ITIMER_REAL) and a POSIX
 * timer with a real-time signal and a value, each firing while the program spins in a loop
 * of one block, a loop over several blocks and a loop calling a function, until the handler
 * has counted enough ticks. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static volatile int ticks;
static volatile int last_value = -1;
static void on_alarm(int sig) { ticks++; }
static void on_rt(int sig, siginfo_t *si, void *uc) {
    ticks++;
    last_value = si->si_value.sival_int;
}

__attribute__((noinline)) static int step(int x) { return x * 3 + 1; }

static void spin_one_block(int want) {
    while (ticks < want)
        ;
}
static unsigned spin_blocks(int want) {
    unsigned x = 1;
    while (ticks < want) {
        if (x & 1)
            x = x * 3 + 1;
        else
            x >>= 1;
        if (x == 1)
            x = 27;
    }
    return x;
}
static int spin_calls(int want) {
    int x = 0;
    while (ticks < want)
        x = step(x) & 0xffff;
    return x;
}

int main(void) {
    signal(SIGALRM, on_alarm);
    struct itimerval it = {{0, 2000}, {0, 2000}};
    setitimer(ITIMER_REAL, &it, 0);
    spin_one_block(5);
    printf("ITIMER_REAL: one-block loop left after %s ticks\n", ticks >= 5 ? "5" : "too few");
    spin_blocks(10);
    printf("ITIMER_REAL: multi-block loop left after %s ticks\n", ticks >= 10 ? "10" : "too few");
    spin_calls(15);
    printf("ITIMER_REAL: calling loop left after %s ticks\n", ticks >= 15 ? "15" : "too few");
    struct itimerval off = {{0, 0}, {0, 0}}, old;
    setitimer(ITIMER_REAL, &off, &old);
    printf("old interval %ld us\n", (long)old.it_interval.tv_usec);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_rt;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGRTMIN + 3, &sa, 0);
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGRTMIN + 3;
    ev.sigev_value.sival_int = 4242;
    timer_t t;
    if (timer_create(CLOCK_MONOTONIC, &ev, &t) != 0)
        perror("timer_create");
    struct itimerspec its = {{0, 1000000}, {0, 1000000}};
    timer_settime(t, 0, &its, 0);
    ticks = 0;
    spin_one_block(5);
    spin_blocks(10);
    spin_calls(15);
    struct itimerspec cur;
    timer_gettime(t, &cur);
    printf("POSIX timer: %s ticks, value %d, interval %ld ns\n", ticks >= 15 ? "15" : "too few", last_value,
           cur.it_interval.tv_nsec);
    timer_delete(t);
    return 0;
}
