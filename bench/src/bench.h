/* Shared helpers for the benchmark workloads: the repetition count from
 * argv[1], a deterministic pseudo-random generator and a 64-bit mixing
 * checksum.  Every workload prints exactly one line,
 *     <name> reps=<n> checksum=<16 hex digits>
 * and that line must be the same on every architecture and emulator. */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Repetitions: argv[1] if given (a positive integer), else the default. */
static long bench_reps(int argc, char **argv, long dflt)
{
    if (argc > 1) {
        char *end;
        long n = strtol(argv[1], &end, 10);
        if (*end != '\0' || n <= 0) {
            fprintf(stderr, "usage: %s [repetitions > 0]\n", argv[0]);
            exit(2);
        }
        return n;
    }
    return dflt;
}

/* xorshift64*: small, fast and the same everywhere. */
typedef struct { uint64_t s; } rng_t;

static inline uint64_t rng_next(rng_t *r)
{
    uint64_t x = r->s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static inline uint32_t rng_below(rng_t *r, uint32_t n)
{
    return (uint32_t)((rng_next(r) >> 32) % n);
}

/* Fold a 64-bit value into a running checksum. */
static inline uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    h *= 0xFF51AFD7ED558CCDULL;
    return h ^ (h >> 31);
}

static void bench_report(const char *name, long reps, uint64_t sum)
{
    printf("%s reps=%ld checksum=%016llx\n", name, reps, (unsigned long long)sum);
}

#endif
