/* Not a timed workload of run.py: the cost of one clock_gettime(CLOCK_MONOTONIC) call,
 * through libc (the vDSO when there is one) and through the raw system call, in
 * nanoseconds per call.  Run it natively, under ruser and under qemu-aarch64:
 *     bench/build/aarch64/clock [calls] */
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "bench.h"

static double per_call(struct timespec a, struct timespec b, long n)
{
    return ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n;
}

int main(int argc, char **argv)
{
    long n = bench_reps(argc, argv, 1000000);
    (void)bench_report; /* the one-line report format is for the timed workloads */
    struct timespec a, b, t;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++)
        clock_gettime(CLOCK_MONOTONIC, &t);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("clock_gettime through libc: %6.1f ns/call\n", per_call(a, b, n));
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++)
        syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("clock_gettime system call:  %6.1f ns/call\n", per_call(a, b, n));
    return 0;
}
