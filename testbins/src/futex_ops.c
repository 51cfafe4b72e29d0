/* Every futex operation on ordinary memory: WAIT/WAKE (value mismatch, timeout, a bad
 * address, misalignment), the BITSET forms with CLOCK_REALTIME, REQUEUE and CMP_REQUEUE,
 * WAKE_OP, the priority-inheritance operations (LOCK_PI, TRYLOCK_PI, UNLOCK_PI, the owner's
 * tid and FUTEX_WAITERS in the word, LOCK_PI2) and the requeue-to-PI pair. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef FUTEX_LOCK_PI2
#define FUTEX_LOCK_PI2 13
#endif

static long fx(volatile int *u, int op, int val, const void *t, volatile int *u2, int val3) {
    return syscall(SYS_futex, u, op, val, t, u2, val3);
}
static void show(const char *what, long r) { printf("%-40s %ld %s\n", what, r, r < 0 ? strerror(errno) : ""); }

static volatile int word, word2, pi, woken, started;

static void *waiter(void *arg) {
    __atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
    long r = fx((volatile int *)arg, FUTEX_WAIT_PRIVATE, 0, 0, 0, 0);
    if (r == 0 || errno == EAGAIN)
        __atomic_add_fetch(&woken, 1, __ATOMIC_SEQ_CST);
    return 0;
}

static void start_waiters(int n, pthread_t *t, volatile int *on) {
    started = 0;
    for (int i = 0; i < n; i++)
        pthread_create(&t[i], 0, waiter, (void *)on);
    while (started < n)
        usleep(1000);
    usleep(20000); /* let them reach the wait */
}

static long pi_result;
static int pi_owner_ok;
static void *pi_locker(void *arg) {
    pi_result = fx(&pi, FUTEX_LOCK_PI_PRIVATE, 0, 0, 0, 0);
    __atomic_add_fetch(&woken, 1, __ATOMIC_SEQ_CST);
    pi_owner_ok = (pi & FUTEX_TID_MASK) == gettid();
    fx(&pi, FUTEX_UNLOCK_PI_PRIVATE, 0, 0, 0, 0);
    return 0;
}

int main(void) {
    setvbuf(stdout, 0, _IONBF, 0);
    struct timespec short_wait = {0, 10000000};
    show("wait, value differs", fx(&word, FUTEX_WAIT, 1, 0, 0, 0));
    show("wait with timeout", fx(&word, FUTEX_WAIT_PRIVATE, 0, &short_wait, 0, 0));
    show("wait on a bad address", fx((int *)8, FUTEX_WAIT, 0, 0, 0, 0));
    show("wait misaligned", fx((int *)((char *)&word + 1), FUTEX_WAIT, 0, 0, 0, 0));
    show("wake with nobody waiting", fx(&word, FUTEX_WAKE, 5, 0, 0, 0));
    show("unknown operation", fx(&word, 99, 0, 0, 0, 0));
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    now.tv_nsec += 10000000;
    if (now.tv_nsec >= 1000000000) {
        now.tv_sec++;
        now.tv_nsec -= 1000000000;
    }
    show("wait_bitset, absolute realtime timeout", fx(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &now, 0, -1));
    show("wait_bitset with bitset 0", fx(&word, FUTEX_WAIT_BITSET, 0, 0, 0, 0));

    pthread_t t[4];
    start_waiters(3, t, &word);
    show("wake 2 of 3", fx(&word, FUTEX_WAKE_PRIVATE, 2, 0, 0, 0));
    show("wake the rest", fx(&word, FUTEX_WAKE_PRIVATE, 10, 0, 0, 0));
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], 0);
    printf("woken %d\n", woken);

    woken = 0;
    start_waiters(3, t, &word);
    show("cmp_requeue, value differs", fx(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)10, &word2, 5));
    show("cmp_requeue 1 woken, 10 moved", fx(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)10, &word2, 0));
    show("wake on the old word", fx(&word, FUTEX_WAKE_PRIVATE, 10, 0, 0, 0));
    show("wake on the new word", fx(&word2, FUTEX_WAKE_PRIVATE, 10, 0, 0, 0));
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], 0);
    woken = 0;
    start_waiters(2, t, &word);
    show("requeue 0 woken, all moved", fx(&word, FUTEX_REQUEUE_PRIVATE, 0, (void *)10, &word2, 0));
    show("wake on the new word", fx(&word2, FUTEX_WAKE_PRIVATE, 10, 0, 0, 0));
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], 0);

    /* WAKE_OP: word2 = word2 + 5 (old 0); wake on word1, and on word2 if old < 1. */
    word2 = 0;
    start_waiters(2, t, &word2);
    int op = FUTEX_OP(FUTEX_OP_ADD, 5, FUTEX_OP_CMP_LT, 1);
    show("wake_op", fx(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, &word2, op));
    printf("word2 after wake_op %d\n", word2);
    fx(&word2, FUTEX_WAKE_PRIVATE, 10, 0, 0, 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], 0);
    show("wake_op on a bad address", fx(&word, FUTEX_WAKE_OP, 1, (void *)1, (int *)8, op));

    /* Priority inheritance. */
    show("trylock_pi on a free word", fx(&pi, FUTEX_TRYLOCK_PI_PRIVATE, 0, 0, 0, 0));
    printf("word holds my tid: %d\n", (pi & FUTEX_TID_MASK) == gettid());
    show("lock_pi again (deadlock)", fx(&pi, FUTEX_LOCK_PI_PRIVATE, 0, 0, 0, 0));
    woken = 0;
    pthread_create(&t[0], 0, pi_locker, 0);
    while (!(pi & FUTEX_WAITERS))
        usleep(1000);
    printf("waiters bit set while held: 1, second locker waiting %d\n", woken == 0);
    show("unlock_pi", fx(&pi, FUTEX_UNLOCK_PI_PRIVATE, 0, 0, 0, 0));
    pthread_join(t[0], 0);
    printf("second locker got the PI lock: %ld, word was its tid %d\n", pi_result, pi_owner_ok);
    show("unlock_pi not owner", fx(&pi, FUTEX_UNLOCK_PI_PRIVATE, 0, 0, 0, 0));
    pi = 0;
    show("lock_pi2 on a free word", fx(&pi, FUTEX_LOCK_PI2_PRIVATE, 0, 0, 0, 0));
    show("unlock_pi", fx(&pi, FUTEX_UNLOCK_PI_PRIVATE, 0, 0, 0, 0));
    show("cmp_requeue_pi, nobody waiting", fx(&word, FUTEX_CMP_REQUEUE_PI_PRIVATE, 1, (void *)0, &pi, 0));
    show("wait_requeue_pi, same word", fx(&word, FUTEX_WAIT_REQUEUE_PI_PRIVATE, 0, 0, &word, 0));
    return 0;
}
