/* String workload: libc strlen, strchr, memchr, memcpy, strcmp and memcmp
 * over a pool of 4096 generated strings (lengths 1..300, a small alphabet
 * so comparisons run into long common prefixes), once per repetition.
 * The pool changes slightly between repetitions. */
#include <string.h>
#include "bench.h"

#define NSTR 4096
#define MAXLEN 300

static char pool[NSTR][MAXLEN + 1];
static char scratch[2][MAXLEN + 16];

int main(int argc, char **argv)
{
    long reps = bench_reps(argc, argv, 250);
    rng_t r = { 0x57217605ULL };
    uint64_t sum = 0;
    /* volatile keeps the compiler from treating the searched bytes as constants */
    volatile unsigned char needles[4] = { 'x', 'q', 'z', '\0' };

    for (int i = 0; i < NSTR; i++) {
        int len = 1 + (int)rng_below(&r, MAXLEN);
        /* shared prefixes: the first part comes from a few templates */
        int shared = (int)rng_below(&r, (uint32_t)len);
        for (int j = 0; j < len; j++)
            pool[i][j] = j < shared ? (char)('a' + (j * 7 + (i & 3)) % 5)
                                    : (char)('a' + rng_below(&r, 26));
        pool[i][len] = '\0';
    }
    for (long rep = 0; rep < reps; rep++) {
        for (int k = 0; k < 8; k++) {
            int i = (int)rng_below(&r, NSTR);
            size_t len = strlen(pool[i]);
            pool[i][rng_below(&r, (uint32_t)len)] = (char)('a' + rng_below(&r, 26));
        }
        unsigned char c1 = needles[rep & 3], c2 = needles[(rep + 1) & 3];
        for (int i = 0; i < NSTR; i++) {
            const char *s = pool[i];
            const char *t = pool[(i * 31 + (int)rep) & (NSTR - 1)];
            size_t len = strlen(s);
            const char *p = strchr(s, c1);
            const void *q = memchr(s, c2, len);
            char *d = scratch[i & 1] + (i & 7);
            memcpy(d, s, len + 1);
            int c = strcmp(d, t);
            int e = memcmp(s, t, len < strlen(t) ? len : strlen(t));
            uint64_t found = (p ? (uint64_t)(p - s) : 0xFFFF) << 16 |
                             (q ? (uint64_t)((const char *)q - s) : 0xFFFF) << 32;
            uint64_t order = (uint64_t)(3 * ((c > 0) - (c < 0)) + ((e > 0) - (e < 0)) + 4) << 48;
            sum = mix(sum, len | found | order);
        }
    }
    bench_report("strings", reps, sum);
    return 0;
}
