/* events: fds that deliver events. inotify (create, modify, close, rename with matching
 * cookies, delete, watch removal), eventfd (counter and semaphore modes, non-blocking,
 * overflow), timerfd (relative and absolute timers, intervals, old values), signalfd, and
 * the signal mask that ppoll, pselect and epoll_pwait apply for the duration of the call:
 * a child keeps sending SIGWINCH (ignored by default, so discarded unless blocked); with
 * SIGWINCH in the call's mask it stays pending, and a signalfd in the set becomes ready.
 * Without the mask the calls would time out (after 10 s). */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void show_inotify(int in)
{
    char buf[4096] __attribute__((aligned(8)));
    ssize_t n = read(in, buf, sizeof buf);
    uint32_t from_cookie = 0;
    for (char *p = buf; n > 0 && p < buf + n;) {
        struct inotify_event *e = (struct inotify_event *)p;
        const char *what = e->mask & IN_CREATE ? "IN_CREATE" : e->mask & IN_MODIFY ? "IN_MODIFY" : e->mask & IN_CLOSE_WRITE ? "IN_CLOSE_WRITE"
                         : e->mask & IN_MOVED_FROM ? "IN_MOVED_FROM" : e->mask & IN_MOVED_TO ? "IN_MOVED_TO" : e->mask & IN_DELETE ? "IN_DELETE"
                         : e->mask & IN_IGNORED ? "IN_IGNORED" : "other";
        printf("  %s %s", what, e->len ? e->name : "(no name)");
        if (e->mask & IN_MOVED_FROM)
            from_cookie = e->cookie;
        if (e->mask & IN_MOVED_TO)
            printf(" cookie-matches=%d", e->cookie == from_cookie && e->cookie != 0);
        printf("\n");
        p += sizeof *e + e->len;
    }
}

static void inotify(void)
{
    printf("== inotify\n");
    char dir[] = "/tmp/ruser-events-XXXXXX";
    mkdtemp(dir);
    int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    CHECK(in >= 0 && (fcntl(in, F_GETFL) & O_NONBLOCK) && (fcntl(in, F_GETFD) & FD_CLOEXEC), "inotify_init1(IN_NONBLOCK|IN_CLOEXEC)");
    int wd = inotify_add_watch(in, dir, IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE);
    CHECK(wd >= 0, "inotify_add_watch");
    CHECK_ERR(read(in, (char[64]){0}, 64), EAGAIN, "no events yet");
    char f[64], g[64];
    snprintf(f, sizeof f, "%s/file", dir);
    snprintf(g, sizeof g, "%s/renamed", dir);
    int fd = open(f, O_CREAT | O_WRONLY, 0600);
    write(fd, "x", 1);
    close(fd);
    rename(f, g);
    unlink(g);
    show_inotify(in);
    CHECK(inotify_rm_watch(in, wd) == 0, "inotify_rm_watch");
    show_inotify(in);
    CHECK_ERR(inotify_rm_watch(in, wd), EINVAL, "removing it twice");
    CHECK_ERR(inotify_add_watch(in, "/nonexistent-ruser", IN_CREATE), ENOENT, "watch of a missing path");
    CHECK_ERR(inotify_init1(0x1234), EINVAL, "inotify_init1 with bad flags");
    close(in);
    rmdir(dir);
}

static void eventfds(void)
{
    printf("== eventfd\n");
    int e = eventfd(5, EFD_NONBLOCK | EFD_CLOEXEC);
    CHECK(e >= 0, "eventfd(5, EFD_NONBLOCK|EFD_CLOEXEC)");
    uint64_t v = 7;
    CHECK(write(e, &v, 8) == 8, "add 7");
    v = 0;
    CHECK(read(e, &v, 8) == 8, "read");
    printf("counter read %llu\n", (unsigned long long)v);
    CHECK_ERR(read(e, &v, 8), EAGAIN, "empty, non-blocking");
    CHECK_ERR(read(e, &v, 4), EINVAL, "a 4-byte read");
    v = ~0ULL;
    CHECK_ERR(write(e, &v, 8), EINVAL, "writing 2^64-1");
    int s = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    int k = 0;
    while (read(s, &v, 8) == 8 && v == 1)
        k++;
    printf("semaphore mode: %d reads of 1\n", k);
    struct pollfd pf = {.fd = e, .events = POLLIN | POLLOUT};
    poll(&pf, 1, 0);
    printf("poll: in=%d out=%d\n", !!(pf.revents & POLLIN), !!(pf.revents & POLLOUT));
    close(e);
    close(s);
}

static void timerfds(void)
{
    printf("== timerfd\n");
    int t = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    CHECK(t >= 0, "timerfd_create(CLOCK_MONOTONIC)");
    struct itimerspec its = {.it_interval = {0, 10 * 1000 * 1000}, .it_value = {0, 20 * 1000 * 1000}}, old, cur;
    CHECK(timerfd_settime(t, 0, &its, &old) == 0, "arm: 20 ms, then every 10 ms");
    printf("old value was zero: %d\n", old.it_value.tv_sec == 0 && old.it_value.tv_nsec == 0 && old.it_interval.tv_nsec == 0);
    CHECK(timerfd_gettime(t, &cur) == 0, "timerfd_gettime");
    printf("interval %ld ns, value within it: %d\n", cur.it_interval.tv_nsec, cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec <= 20 * 1000 * 1000);
    uint64_t exp = 0;
    CHECK(read(t, &exp, 8) == 8 && exp >= 1, "read blocks until it expires");
    struct itimerspec off = {0}, prev;
    CHECK(timerfd_settime(t, 0, &off, &prev) == 0 && prev.it_interval.tv_nsec == 10 * 1000 * 1000, "disarm, getting the old setting");
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    struct itimerspec abs = {.it_value = {now.tv_sec + 1000, 0}};
    CHECK(timerfd_settime(t, TFD_TIMER_ABSTIME, &abs, NULL) == 0, "absolute time far away");
    timerfd_gettime(t, &cur);
    printf("remaining is about 1000 s: %d\n", cur.it_value.tv_sec >= 998 && cur.it_value.tv_sec <= 1000);
    CHECK_ERR(timerfd_settime(t, 0, &(struct itimerspec){.it_value = {0, 1000000000}}, NULL), EINVAL, "tv_nsec out of range");
    CHECK_ERR(timerfd_settime(t, 0, BAD, NULL), EFAULT, "new value at a bad address");
    CHECK_ERR(timerfd_create(12345, 0), EINVAL, "bad clock");
    close(t);
}

/* A child that sends SIGWINCH to the parent every millisecond until killed. */
static pid_t pester(void)
{
    pid_t parent = getpid();
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        for (;;) {
            kill(parent, SIGWINCH);
            usleep(1000);
        }
    }
    return pid;
}

static void stop(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static void masks(void)
{
    printf("== signal masks of ppoll, pselect, epoll_pwait\n");
    sigset_t winch;
    sigemptyset(&winch);
    sigaddset(&winch, SIGWINCH);
    int sfd = signalfd(-1, &winch, SFD_NONBLOCK | SFD_CLOEXEC);
    CHECK(sfd >= 0 && (fcntl(sfd, F_GETFL) & O_NONBLOCK), "signalfd for SIGWINCH");
    struct signalfd_siginfo si;
    CHECK_ERR(read(sfd, &si, sizeof si), EAGAIN, "nothing pending");
    CHECK_ERR(signalfd(-1, &winch, 0x1234), EINVAL, "signalfd with bad flags");
    CHECK_ERR(signalfd(0, &winch, 0), EINVAL, "signalfd on a non-signalfd fd");

    pid_t pid = pester();
    struct pollfd pf = {.fd = sfd, .events = POLLIN};
    struct timespec ts = {10, 0};
    int n = ppoll(&pf, 1, &ts, &winch);
    printf("ppoll: %d ready, POLLIN=%d\n", n, !!(pf.revents & POLLIN));
    /* (Once the call returns, the pending SIGWINCH is unblocked and discarded, so it cannot
     * be read from the signalfd here.) */
    stop(pid);
    while (read(sfd, &si, sizeof si) > 0)
        ;

    pid = pester();
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(sfd, &rs);
    ts.tv_sec = 10;
    n = pselect(sfd + 1, &rs, NULL, NULL, &ts, &winch);
    printf("pselect: %d ready, set=%d\n", n, FD_ISSET(sfd, &rs));
    stop(pid);
    while (read(sfd, &si, sizeof si) > 0)
        ;

    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0xabcdef0123456789ULL}, out;
    epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
    pid = pester();
    n = epoll_pwait(ep, &out, 1, 10000, &winch);
    printf("epoll_pwait: %d ready, data=%#llx\n", n, (unsigned long long)out.data.u64);
    stop(pid);
    while (read(sfd, &si, sizeof si) > 0)
        ;
    /* Errors of the mask arguments. */
    ts.tv_sec = 0;
    CHECK_ERR(syscall(SYS_ppoll, &pf, 1, &ts, &winch, 4), EINVAL, "ppoll with a 4-byte sigset");
    CHECK_ERR(syscall(SYS_epoll_pwait, ep, &out, 1, 0, &winch, 16), EINVAL, "epoll_pwait with a 16-byte sigset");
    CHECK_ERR(syscall(SYS_ppoll, &pf, 1, &ts, BAD, 8), EFAULT, "ppoll with the sigset at a bad address");
    CHECK(syscall(SYS_ppoll, &pf, 1, &ts, NULL, 4) == 0, "no sigset: its size is not checked");
    close(ep);
    close(sfd);
}

int main(void)
{
    inotify();
    eventfds();
    timerfds();
    masks();
    printf("failures: %d\n", failures);
    return failures;
}
