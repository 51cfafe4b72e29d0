/* Blocking calls interrupted by a handled signal: EINTR without SA_RESTART, a transparent
 * restart with it (read on a pipe, wait4), and calls the kernel never restarts (nanosleep
 * gives EINTR with the time left, sigsuspend and pause return after the handler). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sys/select.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int pfd[2];
static volatile int handled;
static void on_alarm(int sig) {
    handled++;
    if (handled == 2)
        write(pfd[1], "x", 1); /* the restarted read gets this */
}

static void arm(int ms) {
    struct itimerval it = {{0, 0}, {0, ms * 1000}};
    setitimer(ITIMER_REAL, &it, 0);
}

static void handler(int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = flags;
    sigaction(SIGALRM, &sa, 0);
}

int main(void) {
    char c;
    pipe(pfd);
    handler(0);
    arm(20);
    ssize_t n = read(pfd[0], &c, 1);
    printf("read without SA_RESTART: %zd %s, handler ran %d\n", n, n < 0 ? strerror(errno) : "", handled);

    handler(SA_RESTART);
    arm(20);
    n = read(pfd[0], &c, 1);
    printf("read with SA_RESTART: %zd '%c', handler ran %d\n", n, n == 1 ? c : '?', handled);

    arm(20);
    struct timespec req = {5, 0}, rem = {0, 0};
    int r = nanosleep(&req, &rem);
    printf("nanosleep with SA_RESTART: %d %s, time left %s\n", r, r < 0 ? strerror(errno) : "",
           rem.tv_sec >= 3 && rem.tv_sec < 5 ? "about 5 s" : "wrong");

    pid_t child = fork();
    if (child == 0) {
        usleep(100000);
        _exit(7);
    }
    arm(20);
    int st;
    pid_t w = waitpid(child, &st, 0);
    printf("waitpid with SA_RESTART: %s, status %d, handler ran %d\n", w == child ? "child" : strerror(errno),
           WEXITSTATUS(st), handled);

    handler(0);
    child = fork();
    if (child == 0) {
        usleep(100000);
        _exit(8);
    }
    arm(20);
    w = waitpid(child, &st, 0);
    printf("waitpid without SA_RESTART: %d %s\n", (int)w, w < 0 ? strerror(errno) : "");
    waitpid(child, &st, 0);

    sigset_t block, old, empty;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigprocmask(SIG_BLOCK, &block, &old);
    arm(10);
    usleep(30000); /* the alarm is pending, blocked */
    sigpending(&empty);
    printf("pending while blocked: %d, handler ran %d\n", sigismember(&empty, SIGALRM), handled);
    sigemptyset(&empty);
    r = sigsuspend(&empty);
    sigprocmask(SIG_BLOCK, 0, &old);
    printf("sigsuspend: %d %s, handler ran %d, SIGALRM blocked again %d\n", r, strerror(errno), handled,
           sigismember(&old, SIGALRM));
    sigprocmask(SIG_UNBLOCK, &block, 0);

    arm(20);
    r = pause();
    printf("pause: %d %s, handler ran %d\n", r, strerror(errno), handled);

    /* ppoll and pselect with a mask that lets a blocked, pending signal through: EINTR at
     * once, the handler runs, the old mask is back afterwards. */
    sigprocmask(SIG_BLOCK, &block, 0);
    raise(SIGALRM);
    struct timespec second = {1, 0};
    sigemptyset(&empty);
    r = ppoll(0, 0, &second, &empty);
    sigprocmask(SIG_BLOCK, 0, &old);
    printf("ppoll: %d %s, handler ran %d, SIGALRM blocked again %d\n", r, strerror(errno), handled, sigismember(&old, SIGALRM));
    raise(SIGALRM);
    r = pselect(0, 0, 0, 0, &second, &empty);
    sigprocmask(SIG_BLOCK, 0, &old);
    printf("pselect: %d %s, handler ran %d, SIGALRM blocked again %d\n", r, strerror(errno), handled, sigismember(&old, SIGALRM));
    /* A mask that blocks the signal: the call times out, the signal stays pending. */
    second.tv_sec = 0;
    second.tv_nsec = 30000000;
    sigprocmask(SIG_UNBLOCK, &block, 0);
    arm(5);
    r = ppoll(0, 0, &second, &block);
    printf("ppoll with SIGALRM blocked: %d, handler ran %d\n", r, handled);
    usleep(1000);
    printf("delivered after the call: handler ran %d\n", handled);
    return 0;
}
