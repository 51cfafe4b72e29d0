/* Threaded workload: 4 pthreads (the work splits evenly over 1, 2 or 4 CPUs) each run a
 * table-driven CRC-32 and a 64-bit multiply-xorshift mix over their own 128 KiB buffer, once
 * per repetition, then meet at a barrier (futexes); after the barrier each thread folds its
 * neighbour's digest into its buffer, so the threads depend on each other every round.
 * Measures how an emulator's threads scale (compare a run pinned to one CPU). */
#include <pthread.h>
#include <string.h>
#include "bench.h"

#define NT 4
#define BUF_SIZE (128 * 1024)

static uint32_t crc_table[256];
static unsigned char bufs[NT][BUF_SIZE];
static uint64_t digest[2][NT]; /* by the parity of the round */
static pthread_barrier_t bar;
static long reps;

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        crc_table[i] = c;
    }
}

static uint64_t work(const unsigned char *p, size_t n)
{
    uint32_t crc = 0xFFFFFFFFu;
    uint64_t h = 0x9E3779B97F4A7C15ULL;
    for (size_t i = 0; i < n; i++) {
        crc = crc_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
        h = (h ^ p[i]) * 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 29;
    }
    return h ^ ((uint64_t)~crc << 32);
}

static void *thread_main(void *arg)
{
    int t = (int)(long)arg;
    unsigned char *b = bufs[t];
    for (long r = 0; r < reps; r++) {
        /* The next round writes the other half, so a slow reader of this round's digests
         * is safe until every thread has passed the next barrier. */
        digest[r & 1][t] = work(b, BUF_SIZE);
        pthread_barrier_wait(&bar);
        uint64_t d = digest[r & 1][(t + 1) % NT];
        memcpy(b + (r * 8) % (BUF_SIZE - 8), &d, 8);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    reps = bench_reps(argc, argv, 100);
    crc_init();
    rng_t rng = { 0x1234567887654321ULL };
    for (int t = 0; t < NT; t++)
        for (int i = 0; i < BUF_SIZE; i++)
            bufs[t][i] = (unsigned char)rng_next(&rng);
    pthread_barrier_init(&bar, NULL, NT);
    pthread_t th[NT];
    for (long t = 0; t < NT; t++)
        if (pthread_create(&th[t], NULL, thread_main, (void *)t) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    uint64_t sum = 0;
    for (int t = 0; t < NT; t++) {
        pthread_join(th[t], NULL);
        sum = sum * 31 + digest[(reps - 1) & 1][t];
    }
    bench_report("threads", reps, sum);
    return 0;
}
