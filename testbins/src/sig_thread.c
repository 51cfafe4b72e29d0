/* Signals and threads: tgkill and pthread_kill reach the named thread, a process-directed
 * signal goes to the one thread that does not block it, each thread has its own mask, a
 * thread blocked in a futex wait runs its handler and goes back to waiting, and sigwait in a
 * dedicated thread collects a process-directed signal. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define N 4
static pid_t tids[N];
static volatile pid_t got_usr1[N];
static volatile int got_usr2_on = -1, hits;
static pthread_barrier_t bar;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int stop;

static int me(void) {
    pid_t t = gettid();
    for (int i = 0; i < N; i++)
        if (tids[i] == t)
            return i;
    return -1;
}

static void on_usr1(int sig) {
    int i = me();
    if (i >= 0)
        got_usr1[i] = gettid();
    __atomic_add_fetch(&hits, 1, __ATOMIC_SEQ_CST);
}
static void on_usr2(int sig) { got_usr2_on = me(); }

static void *worker(void *arg) {
    long i = (long)arg;
    tids[i] = gettid();
    /* Only worker 2 leaves SIGUSR2 unblocked. */
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    pthread_sigmask(i == 2 ? SIG_UNBLOCK : SIG_BLOCK, &s, 0);
    pthread_barrier_wait(&bar);
    pthread_mutex_lock(&m);
    while (!stop)
        pthread_cond_wait(&cv, &m); /* a futex wait, interrupted by the handlers */
    pthread_mutex_unlock(&m);
    return 0;
}

static void *waiter(void *arg) {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGTERM);
    int sig = 0;
    sigwait(&s, &sig);
    printf("sigwait thread got signal %d\n", sig);
    return 0;
}

int main(void) {
    signal(SIGUSR1, on_usr1);
    signal(SIGUSR2, on_usr2);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    sigaddset(&s, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &s, 0); /* inherited by the threads below */
    pthread_barrier_init(&bar, 0, N + 1);
    pthread_t t[N], w;
    for (long i = 0; i < N; i++)
        pthread_create(&t[i], 0, worker, (void *)i);
    pthread_create(&w, 0, waiter, 0);
    pthread_barrier_wait(&bar);

    /* tgkill each worker in turn. */
    for (int i = 0; i < N; i++) {
        syscall(SYS_tgkill, getpid(), tids[i], SIGUSR1);
        while (got_usr1[i] == 0)
            usleep(1000);
    }
    int ok = 1;
    for (int i = 0; i < N; i++)
        ok &= got_usr1[i] == tids[i];
    printf("tgkill reached each named thread: %d (handler ran %d times)\n", ok, hits);

    pthread_kill(t[1], SIGUSR1);
    while (hits < N + 1)
        usleep(1000);
    printf("pthread_kill reached worker %d\n", got_usr1[1] == tids[1]);

    /* Process-directed: only worker 2 does not block SIGUSR2. */
    kill(getpid(), SIGUSR2);
    while (got_usr2_on < 0)
        usleep(1000);
    printf("kill(SIGUSR2) handled by worker %d\n", got_usr2_on);

    kill(getpid(), SIGTERM);
    pthread_join(w, 0);

    pthread_mutex_lock(&m);
    stop = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&m);
    for (int i = 0; i < N; i++)
        pthread_join(t[i], 0);
    sigset_t mine;
    pthread_sigmask(SIG_BLOCK, 0, &mine);
    printf("main thread mask unchanged: SIGUSR2 %d SIGUSR1 %d\n", sigismember(&mine, SIGUSR2), sigismember(&mine, SIGUSR1));
    return 0;
}
