/* Sorting workload: libc qsort with comparator callbacks over an array of
 * 48-byte records, sorted by three different keys per repetition (integer
 * then name then id; name then id; a double then id).  Ties always end in
 * the unique id, so the order is total and the result is the same whatever
 * algorithm qsort uses. */
#include <string.h>
#include "bench.h"

#define N 20000

struct rec {
    int32_t key;
    uint32_t id;
    double weight;
    char name[16];
    uint64_t payload[2];
};

static struct rec recs[N];

static int by_key(const void *pa, const void *pb)
{
    const struct rec *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    int c = strcmp(a->name, b->name);
    if (c)
        return c;
    return a->id < b->id ? -1 : a->id > b->id;
}

static int by_name(const void *pa, const void *pb)
{
    const struct rec *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    if (c)
        return c;
    return a->id < b->id ? -1 : a->id > b->id;
}

static int by_weight(const void *pa, const void *pb)
{
    const struct rec *a = pa, *b = pb;
    if (a->weight != b->weight)
        return a->weight < b->weight ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

static uint64_t fold(uint64_t sum)
{
    for (int i = 0; i < N; i += 97)
        sum = mix(sum, (uint64_t)recs[i].id << 32 | (uint32_t)recs[i].key);
    return sum;
}

int main(int argc, char **argv)
{
    long reps = bench_reps(argc, argv, 20);
    rng_t r = { 0x5EED5EED5EED5EEDULL };
    uint64_t sum = 0;

    for (int i = 0; i < N; i++) {
        recs[i].id = (uint32_t)i;
        recs[i].payload[0] = rng_next(&r);
        recs[i].payload[1] = rng_next(&r);
    }
    for (long rep = 0; rep < reps; rep++) {
        /* fresh keys, names and weights, then a shuffle */
        for (int i = 0; i < N; i++) {
            struct rec *p = &recs[i];
            p->key = (int32_t)rng_below(&r, 1000) - 500;
            int len = 3 + (int)rng_below(&r, 10);
            for (int j = 0; j < len; j++)
                p->name[j] = (char)('a' + rng_below(&r, 4));
            p->name[len] = '\0';
            p->weight = (double)rng_below(&r, 1u << 20) / 1024.0 - 512.0;
        }
        for (int i = N - 1; i > 0; i--) {
            int j = (int)rng_below(&r, (uint32_t)i + 1);
            struct rec t = recs[i];
            recs[i] = recs[j];
            recs[j] = t;
        }
        qsort(recs, N, sizeof recs[0], by_key);
        sum = fold(sum);
        qsort(recs, N, sizeof recs[0], by_name);
        sum = fold(sum);
        qsort(recs, N, sizeof recs[0], by_weight);
        sum = fold(sum);
    }
    bench_report("sort", reps, sum);
    return 0;
}
