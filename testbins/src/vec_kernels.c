/*
 * vec_kernels: everyday loops as gcc -O3 auto-vectorises them for
 * Armv8.2-A with the crypto, CRC and dot-product extensions (see the
 * Makefile), plus glibc's hand-written AdvSIMD string functions.  Every kernel prints a
 * checksum of its results; the same kernels, built without vectorisation
 * (a second copy compiled with `optimize("no-tree-vectorize")`), must agree
 * where the arithmetic is exact, so a wrong vector instruction shows as a
 * "MISMATCH" line even where qemu's output were wrong too.  The exit status
 * is the number of mismatches.
 *
 * Groups: numeric kernels (saxpy, dot products, matrix multiply, stencils,
 * polynomials, conversions, sqrt/abs/min/max/clamp, prefix sums, histograms),
 * byte and string transforms (case mapping, counting, searching, hex,
 * reversal, glibc strlen/memchr/strchr/strrchr/memcmp/strcmp/memcpy/memmove/
 * memset over many lengths and alignments), hashing and checksums (FNV-1a,
 * murmur3 finaliser, xxhash32, Adler-32, Fletcher-32, the Internet checksum,
 * CRC-32 and CRC-32C with the CRC instructions).
 */
#include <arm_acle.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 1024
#define NOVEC __attribute__((optimize("no-tree-vectorize"), noinline))
#define VEC __attribute__((noinline))

static int mismatches;

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdULL;
}

static uint64_t sum_bytes(const void *p, size_t n)
{
    const unsigned char *b = p;
    uint64_t h = 0;
    for (size_t i = 0; i < n; i++)
        h = mix(h, b[i]);
    return h;
}

static void report(const char *name, uint64_t vec, uint64_t ref)
{
    printf("%-28s %016llx%s\n", name, (unsigned long long)vec, vec == ref ? "" : "  MISMATCH");
    mismatches += vec != ref;
}

/* Only the vectorised result: FP reductions reassociate under -ffast-math-free
 * rules only when exact, so these print without a reference. */
static void show(const char *name, uint64_t vec)
{
    printf("%-28s %016llx\n", name, (unsigned long long)vec);
}

static uint64_t rng = 0x243f6a8885a308d3ULL;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static float fa[N], fb[N], fc[N], fd[N];
static double da[N], db[N], dc[N];
static int32_t ia[N], ib[N], ic[N];
static int16_t sa[N], sb[N];
static uint8_t ua[N + 64], ub[N + 64], uc[N + 64];

/* ---- numeric kernels: each defined twice ---- */

#define KERNELS(S, ATTR)                                                                   \
    ATTR static void saxpy##S(float a, const float *x, float *y)                          \
    {                                                                                      \
        for (int i = 0; i < N; i++)                                                        \
            y[i] = a * x[i] + y[i];                                                        \
    }                                                                                      \
    ATTR static void daxpy##S(double a, const double *x, double *y)                       \
    {                                                                                      \
        for (int i = 0; i < N; i++)                                                        \
            y[i] = a * x[i] + y[i];                                                        \
    }                                                                                      \
    ATTR static int64_t idot##S(const int32_t *x, const int32_t *y)                       \
    {                                                                                      \
        int64_t s = 0;                                                                     \
        for (int i = 0; i < N; i++)                                                        \
            s += (int64_t)x[i] * y[i];                                                     \
        return s;                                                                          \
    }                                                                                      \
    ATTR static int32_t sdot##S(const int16_t *x, const int16_t *y)                       \
    {                                                                                      \
        int32_t s = 0;                                                                     \
        for (int i = 0; i < N; i++)                                                        \
            s += x[i] * y[i];                                                              \
        return s;                                                                          \
    }                                                                                      \
    ATTR static uint32_t u8dot##S(const uint8_t *x, const uint8_t *y)                     \
    {                                                                                      \
        uint32_t s = 0;                                                                    \
        for (int i = 0; i < N; i++)                                                        \
            s += x[i] * y[i];                                                              \
        return s;                                                                          \
    }                                                                                      \
    ATTR static void stencil##S(const float *x, float *y)                                 \
    {                                                                                      \
        for (int i = 1; i < N - 1; i++)                                                    \
            y[i] = 0.25f * x[i - 1] + 0.5f * x[i] + 0.25f * x[i + 1];                      \
    }                                                                                      \
    ATTR static void poly##S(const double *x, double *y)                                  \
    {                                                                                      \
        for (int i = 0; i < N; i++)                                                        \
            y[i] = ((0.25 * x[i] - 1.5) * x[i] + 3.0) * x[i] - 0.125;                      \
    }                                                                                      \
    ATTR static void conv##S(const int32_t *x, float *y, int32_t *z)                      \
    {                                                                                      \
        for (int i = 0; i < N; i++) {                                                      \
            y[i] = (float)x[i] * 0.5f;                                                     \
            z[i] = (int32_t)(y[i] * 3.0f);                                                 \
        }                                                                                  \
    }                                                                                      \
    ATTR static void roots##S(const float *x, float *y)                                   \
    {                                                                                      \
        for (int i = 0; i < N; i++)                                                        \
            y[i] = sqrtf(fabsf(x[i])) + fminf(x[i], 2.0f) - fmaxf(x[i], -2.0f);            \
    }                                                                                      \
    ATTR static void clamp##S(const int32_t *x, int32_t *y)                               \
    {                                                                                      \
        for (int i = 0; i < N; i++) {                                                      \
            int32_t v = x[i] >> 8;                                                         \
            y[i] = v < -1000 ? -1000 : v > 1000 ? 1000 : v;                                \
        }                                                                                  \
    }                                                                                      \
    ATTR static void sat8##S(const uint8_t *x, const uint8_t *y, uint8_t *z)              \
    {                                                                                      \
        for (int i = 0; i < N; i++) {                                                      \
            unsigned v = x[i] + y[i];                                                      \
            z[i] = v > 255 ? 255 : v;                                                      \
        }                                                                                  \
    }                                                                                      \
    ATTR static void avg8##S(const uint8_t *x, const uint8_t *y, uint8_t *z)              \
    {                                                                                      \
        for (int i = 0; i < N; i++)                                                        \
            z[i] = (x[i] + y[i] + 1) >> 1;                                                 \
    }                                                                                      \
    ATTR static void widen##S(const int16_t *x, int32_t *y)                               \
    {                                                                                      \
        for (int i = 0; i < N; i++)                                                        \
            y[i] = (x[i] * 3) - (x[i] >> 2);                                               \
    }                                                                                      \
    ATTR static void narrow##S(const int32_t *x, int16_t *y)                              \
    {                                                                                      \
        for (int i = 0; i < N; i++)                                                        \
            y[i] = (int16_t)(x[i] >> 3);                                                   \
    }                                                                                      \
    ATTR static int32_t imax##S(const int32_t *x)                                         \
    {                                                                                      \
        int32_t m = x[0];                                                                  \
        for (int i = 1; i < N; i++)                                                        \
            m = x[i] > m ? x[i] : m;                                                       \
        return m;                                                                          \
    }                                                                                      \
    ATTR static uint8_t umin8##S(const uint8_t *x)                                        \
    {                                                                                      \
        uint8_t m = 255;                                                                   \
        for (int i = 0; i < N; i++)                                                        \
            m = x[i] < m ? x[i] : m;                                                       \
        return m;                                                                          \
    }                                                                                      \
    ATTR static void matmul##S(const float *a, const float *b, float *c, int n)           \
    {                                                                                      \
        for (int i = 0; i < n; i++)                                                        \
            for (int j = 0; j < n; j++)                                                    \
                c[i * n + j] = 0;                                                          \
        for (int i = 0; i < n; i++)                                                        \
            for (int k = 0; k < n; k++) {                                                  \
                float x = a[i * n + k];                                                    \
                for (int j = 0; j < n; j++)                                                \
                    c[i * n + j] += x * b[k * n + j];                                      \
            }                                                                              \
    }                                                                                      \
    ATTR static void imatmul##S(const int32_t *a, const int32_t *b, int32_t *c, int n)    \
    {                                                                                      \
        for (int i = 0; i < n; i++)                                                        \
            for (int j = 0; j < n; j++) {                                                  \
                int32_t s = 0;                                                             \
                for (int k = 0; k < n; k++)                                                \
                    s += a[i * n + k] * b[k * n + j];                                      \
                c[i * n + j] = s;                                                          \
            }                                                                              \
    }                                                                                      \
    ATTR static void bitops##S(const uint32_t *x, uint32_t *y)                            \
    {                                                                                      \
        for (int i = 0; i < N; i++)                                                        \
            y[i] = (x[i] << 3 | x[i] >> 29) ^ (~x[i] & 0x0f0f0f0fu) ^ (uint32_t)__builtin_popcount(x[i]); \
    }                                                                                      \
    ATTR static void histogram##S(const uint8_t *x, uint32_t *h)                          \
    {                                                                                      \
        for (int i = 0; i < 16; i++)                                                       \
            h[i] = 0;                                                                      \
        for (int i = 0; i < N; i++)                                                        \
            h[x[i] & 15]++;                                                                \
    }                                                                                      \
    ATTR static void prefix##S(const int32_t *x, int32_t *y)                              \
    {                                                                                      \
        int32_t s = 0;                                                                     \
        for (int i = 0; i < N; i++)                                                        \
            y[i] = s += x[i];                                                              \
    }

KERNELS(_vec, VEC)
KERNELS(_ref, NOVEC)

/* FP reductions in a reassociated order: vectorised only, checked against qemu. */
__attribute__((optimize("fast-math"), noinline)) static float fsum_fast(const float *x)
{
    float s = 0;
    for (int i = 0; i < N; i++)
        s += x[i] * x[i];
    return s;
}

__attribute__((optimize("fast-math"), noinline)) static double ddot_fast(const double *x, const double *y)
{
    double s = 0;
    for (int i = 0; i < N; i++)
        s += x[i] * y[i];
    return s;
}

__attribute__((optimize("fast-math"), noinline)) static float fmax_fast(const float *x)
{
    float m = -INFINITY;
    for (int i = 0; i < N; i++)
        m = fmaxf(m, x[i]);
    return m;
}

static uint64_t fbits(const float *x, int n) { return sum_bytes(x, 4 * (size_t)n); }
static uint64_t dbits(const double *x, int n) { return sum_bytes(x, 8 * (size_t)n); }

static void numeric(void)
{
    static float y1[N], y2[N], m1[64 * 64], m2[64 * 64];
    static double e1[N], e2[N];
    static int32_t j1[N], j2[N], k1[32 * 32], k2[32 * 32];
    static int16_t h1[N], h2[N];
    static uint8_t b1[N], b2[N];
    static uint32_t w1[N], w2[N];

    memcpy(y1, fb, sizeof y1), memcpy(y2, fb, sizeof y2);
    saxpy_vec(1.75f, fa, y1), saxpy_ref(1.75f, fa, y2);
    report("saxpy", fbits(y1, N), fbits(y2, N));
    memcpy(e1, db, sizeof e1), memcpy(e2, db, sizeof e2);
    daxpy_vec(-0.3, da, e1), daxpy_ref(-0.3, da, e2);
    report("daxpy", dbits(e1, N), dbits(e2, N));
    report("dot int32->int64", idot_vec(ia, ib), idot_ref(ia, ib));
    report("dot int16->int32", sdot_vec(sa, sb), sdot_ref(sa, sb));
    report("dot uint8->uint32", u8dot_vec(ua, ub), u8dot_ref(ua, ub));
    memset(y1, 0, sizeof y1), memset(y2, 0, sizeof y2);
    stencil_vec(fa, y1), stencil_ref(fa, y2);
    report("stencil", fbits(y1, N), fbits(y2, N));
    poly_vec(da, e1), poly_ref(da, e2);
    report("polynomial", dbits(e1, N), dbits(e2, N));
    conv_vec(ia, y1, j1), conv_ref(ia, y2, j2);
    report("int<->float conversions", fbits(y1, N) ^ sum_bytes(j1, sizeof j1), fbits(y2, N) ^ sum_bytes(j2, sizeof j2));
    roots_vec(fa, y1), roots_ref(fa, y2);
    report("sqrt/abs/min/max", fbits(y1, N), fbits(y2, N));
    clamp_vec(ia, j1), clamp_ref(ia, j2);
    report("clamp", sum_bytes(j1, sizeof j1), sum_bytes(j2, sizeof j2));
    sat8_vec(ua, ub, b1), sat8_ref(ua, ub, b2);
    report("saturating add u8", sum_bytes(b1, N), sum_bytes(b2, N));
    avg8_vec(ua, ub, b1), avg8_ref(ua, ub, b2);
    report("rounding average u8", sum_bytes(b1, N), sum_bytes(b2, N));
    widen_vec(sa, j1), widen_ref(sa, j2);
    report("widen int16->int32", sum_bytes(j1, sizeof j1), sum_bytes(j2, sizeof j2));
    narrow_vec(ia, h1), narrow_ref(ia, h2);
    report("narrow int32->int16", sum_bytes(h1, sizeof h1), sum_bytes(h2, sizeof h2));
    report("max int32", (uint32_t)imax_vec(ia), (uint32_t)imax_ref(ia));
    report("min uint8", umin8_vec(ua + 1), umin8_ref(ua + 1));
    matmul_vec(fa, fb, m1, 32), matmul_ref(fa, fb, m2, 32);
    report("matmul float 32x32", fbits(m1, 32 * 32), fbits(m2, 32 * 32));
    imatmul_vec(ia, ib, k1, 32), imatmul_ref(ia, ib, k2, 32);
    report("matmul int32 32x32", sum_bytes(k1, sizeof k1), sum_bytes(k2, sizeof k2));
    bitops_vec((const uint32_t *)ia, w1), bitops_ref((const uint32_t *)ia, w2);
    report("rotate/bic/popcount", sum_bytes(w1, sizeof w1), sum_bytes(w2, sizeof w2));
    histogram_vec(ua, w1), histogram_ref(ua, w2);
    report("histogram", sum_bytes(w1, 64), sum_bytes(w2, 64));
    prefix_vec(ic, j1), prefix_ref(ic, j2);
    report("prefix sum", sum_bytes(j1, sizeof j1), sum_bytes(j2, sizeof j2));
    float s = fsum_fast(fa);
    double d = ddot_fast(da, db);
    float m = fmax_fast(fc);
    show("sum of squares (fast-math)", fbits(&s, 1));
    show("ddot (fast-math)", dbits(&d, 1));
    show("fmax (fast-math)", fbits(&m, 1));
}

/* ---- bytes and strings ---- */

#define STRINGS(S, ATTR)                                                                   \
    ATTR static void upper##S(const uint8_t *x, uint8_t *y, int n)                        \
    {                                                                                      \
        for (int i = 0; i < n; i++)                                                        \
            y[i] = x[i] >= 'a' && x[i] <= 'z' ? x[i] - 32 : x[i];                          \
    }                                                                                      \
    ATTR static int count##S(const uint8_t *x, int n, uint8_t c)                          \
    {                                                                                      \
        int k = 0;                                                                         \
        for (int i = 0; i < n; i++)                                                        \
            k += x[i] == c;                                                                \
        return k;                                                                          \
    }                                                                                      \
    ATTR static void rot13##S(const uint8_t *x, uint8_t *y, int n)                        \
    {                                                                                      \
        for (int i = 0; i < n; i++) {                                                      \
            uint8_t c = x[i], l = c | 32;                                                  \
            y[i] = l >= 'a' && l <= 'z' ? (uint8_t)(((l - 'a' + 13) % 26 + 'a') ^ (l ^ c)) : c; \
        }                                                                                  \
    }                                                                                      \
    ATTR static void hex##S(const uint8_t *x, char *y, int n)                             \
    {                                                                                      \
        for (int i = 0; i < n; i++) {                                                      \
            int hi = x[i] >> 4, lo = x[i] & 15;                                            \
            y[2 * i] = (char)(hi < 10 ? '0' + hi : 'a' + hi - 10);                         \
            y[2 * i + 1] = (char)(lo < 10 ? '0' + lo : 'a' + lo - 10);                     \
        }                                                                                  \
    }                                                                                      \
    ATTR static void reverse##S(const uint8_t *x, uint8_t *y, int n)                      \
    {                                                                                      \
        for (int i = 0; i < n; i++)                                                        \
            y[i] = x[n - 1 - i];                                                           \
    }                                                                                      \
    ATTR static int diff##S(const uint8_t *x, const uint8_t *y, int n)                    \
    {                                                                                      \
        int d = 0;                                                                         \
        for (int i = 0; i < n; i++)                                                        \
            d += x[i] > y[i] ? x[i] - y[i] : y[i] - x[i];                                  \
        return d;                                                                          \
    }

STRINGS(_vec, VEC)
STRINGS(_ref, NOVEC)

static char text[N + 64];

static void strings(void)
{
    static uint8_t o1[N + 64], o2[N + 64];
    static char x1[2 * N + 2], x2[2 * N + 2];
    upper_vec((const uint8_t *)text, o1, N), upper_ref((const uint8_t *)text, o2, N);
    report("to upper", sum_bytes(o1, N), sum_bytes(o2, N));
    report("count 'e'", count_vec((const uint8_t *)text, N, 'e'), count_ref((const uint8_t *)text, N, 'e'));
    rot13_vec((const uint8_t *)text, o1, N), rot13_ref((const uint8_t *)text, o2, N);
    report("rot13", sum_bytes(o1, N), sum_bytes(o2, N));
    hex_vec(ua, x1, 512), hex_ref(ua, x2, 512);
    report("hex encode", sum_bytes(x1, 1024), sum_bytes(x2, 1024));
    reverse_vec(ua, o1, N), reverse_ref(ua, o2, N);
    report("reverse", sum_bytes(o1, N), sum_bytes(o2, N));
    report("sum of |differences|", diff_vec(ua, ub, N), diff_ref(ua, ub, N));

    /* glibc's AdvSIMD string functions over lengths and alignments. */
    static char buf[300], buf2[300];
    uint64_t h = 0, hcmp = 0, hmem = 0;
    for (int al = 0; al < 16; al++)
        for (int len = 0; len < 200; len += 1 + len / 16) {
            char *s = buf + al, *t = buf2 + (al * 7) % 16;
            for (int i = 0; i < len; i++)
                s[i] = (char)('a' + (i * 7 + al) % 26);
            s[len] = 0;
            h = mix(h, strlen(s));
            h = mix(h, strnlen(s, len / 2 + 1));
            char *p = strchr(s, 'q');
            h = mix(h, p ? (uint64_t)(p - s) : 999);
            p = strrchr(s, 'c');
            h = mix(h, p ? (uint64_t)(p - s) : 999);
            p = memchr(s, 'z', len);
            h = mix(h, p ? (uint64_t)(p - s) : 999);
            memcpy(t, s, len + 1);
            hcmp = mix(hcmp, (uint64_t)(strcmp(s, t) == 0));
            if (len > 2) {
                t[len - 2]++;
                hcmp = mix(hcmp, (uint64_t)(strcmp(s, t) < 0) + 2 * (memcmp(s, t, len) < 0) + 4 * (strncmp(s, t, len - 2) == 0));
            }
            memmove(buf + 40 + al, buf + 40 + al + len / 3, len);
            memset(buf2 + al, al, len);
            hmem = mix(hmem, sum_bytes(buf, sizeof buf) ^ sum_bytes(buf2, sizeof buf2));
        }
    show("strlen/strnlen/strchr/...", h);
    show("strcmp/memcmp/strncmp", hcmp);
    show("memcpy/memmove/memset", hmem);
}

/* ---- hashing and checksums ---- */

#define HASHES(S, ATTR)                                                                    \
    ATTR static uint32_t adler32##S(const uint8_t *p, int n)                              \
    {                                                                                      \
        uint32_t a = 1, b = 0;                                                             \
        for (int i = 0; i < n; i++) {                                                      \
            a = (a + p[i]) % 65521;                                                        \
            b = (b + a) % 65521;                                                           \
        }                                                                                  \
        return b << 16 | a;                                                                \
    }                                                                                      \
    ATTR static uint32_t inet##S(const uint16_t *p, int n)                                \
    {                                                                                      \
        uint64_t s = 0;                                                                    \
        for (int i = 0; i < n; i++)                                                        \
            s += p[i];                                                                     \
        while (s >> 16)                                                                    \
            s = (s & 0xffff) + (s >> 16);                                                  \
        return (uint16_t)~s;                                                               \
    }                                                                                      \
    ATTR static void murmur_fin##S(const uint32_t *x, uint32_t *y)                        \
    {                                                                                      \
        for (int i = 0; i < N; i++) {                                                      \
            uint32_t h = x[i];                                                             \
            h ^= h >> 16;                                                                  \
            h *= 0x85ebca6b;                                                               \
            h ^= h >> 13;                                                                  \
            h *= 0xc2b2ae35;                                                               \
            h ^= h >> 16;                                                                  \
            y[i] = h;                                                                      \
        }                                                                                  \
    }                                                                                      \
    ATTR static uint32_t xxh32##S(const uint8_t *p, int n, uint32_t seed)                 \
    {                                                                                      \
        const uint32_t P1 = 2654435761u, P2 = 2246822519u;                                 \
        uint32_t v[4] = { seed + P1 + P2, seed + P2, seed, seed - P1 };                    \
        int i = 0;                                                                         \
        for (; i + 16 <= n; i += 16)                                                       \
            for (int l = 0; l < 4; l++) {                                                  \
                uint32_t w;                                                                \
                memcpy(&w, p + i + 4 * l, 4);                                              \
                v[l] += w * P2;                                                            \
                v[l] = (v[l] << 13 | v[l] >> 19) * P1;                                     \
            }                                                                              \
        uint32_t h = (v[0] << 1 | v[0] >> 31) + (v[1] << 7 | v[1] >> 25) +                 \
                     (v[2] << 12 | v[2] >> 20) + (v[3] << 18 | v[3] >> 14) + (uint32_t)n;  \
        for (; i < n; i++)                                                                 \
            h = (h ^ p[i] * 374761393u) * P1;                                              \
        return h ^ h >> 15;                                                                \
    }                                                                                      \
    ATTR static uint32_t fletcher32##S(const uint16_t *p, int n)                          \
    {                                                                                      \
        uint32_t a = 0xffff, b = 0xffff;                                                   \
        for (int i = 0; i < n; i++) {                                                      \
            a += p[i];                                                                     \
            b += a;                                                                        \
            a = (a & 0xffff) + (a >> 16);                                                  \
            b = (b & 0xffff) + (b >> 16);                                                  \
        }                                                                                  \
        return b << 16 | a;                                                                \
    }

HASHES(_vec, VEC)
HASHES(_ref, NOVEC)

static uint32_t fnv1a(const uint8_t *p, int n)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static uint32_t crc32_hw(const uint8_t *p, int n, int castagnoli)
{
    uint32_t c = ~0u;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        c = castagnoli ? __crc32cd(c, w) : __crc32d(c, w);
    }
    for (; i < n; i++)
        c = castagnoli ? __crc32cb(c, p[i]) : __crc32b(c, p[i]);
    return ~c;
}

static uint32_t crc32_sw(const uint8_t *p, int n, uint32_t poly)
{
    uint32_t c = ~0u;
    for (int i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c >> 1 ^ (poly & -(c & 1));
    }
    return ~c;
}

static void hashes(void)
{
    static uint32_t y1[N], y2[N];
    for (int n = 0; n <= N; n += 97) {
        char name[40];
        snprintf(name, sizeof name, "adler32 %d", n);
        report(name, adler32_vec(ua + 3, n), adler32_ref(ua + 3, n));
        snprintf(name, sizeof name, "xxhash32 %d", n);
        report(name, xxh32_vec(ua + 1, n, 7), xxh32_ref(ua + 1, n, 7));
    }
    report("internet checksum", inet_vec((const uint16_t *)ub, N / 2), inet_ref((const uint16_t *)ub, N / 2));
    report("fletcher-32", fletcher32_vec((const uint16_t *)ua, N / 2), fletcher32_ref((const uint16_t *)ua, N / 2));
    murmur_fin_vec((const uint32_t *)ia, y1), murmur_fin_ref((const uint32_t *)ia, y2);
    report("murmur3 finaliser", sum_bytes(y1, sizeof y1), sum_bytes(y2, sizeof y2));
    show("fnv-1a", fnv1a((const uint8_t *)text, N));
    report("crc32 (crc32x/b)", crc32_hw(ua + 5, 1000, 0), crc32_sw(ua + 5, 1000, 0xedb88320));
    report("crc32c (crc32cx/cb)", crc32_hw(ua + 5, 1000, 1), crc32_sw(ua + 5, 1000, 0x82f63b78));
}

int main(void)
{
    for (int i = 0; i < N; i++) {
        fa[i] = (float)((int)(rnd() % 20001) - 10000) / 256.0f;
        fb[i] = (float)((int)(rnd() % 20001) - 10000) / 1024.0f;
        fc[i] = (float)rnd() / 65536.0f - 30000.0f;
        fd[i] = 0;
        da[i] = (double)((int)(rnd() % 200001) - 100000) / 4096.0;
        db[i] = (double)rnd() / 1e6;
        dc[i] = 0;
        ia[i] = (int32_t)rnd() - (int32_t)0x40000000;
        ib[i] = (int32_t)(rnd() % 2001) - 1000;
        ic[i] = (int32_t)(rnd() % 65536) - 32768;
        sa[i] = (int16_t)rnd();
        sb[i] = (int16_t)(rnd() % 4001 - 2000);
    }
    for (int i = 0; i < N + 64; i++) {
        ua[i] = (uint8_t)rnd();
        ub[i] = (uint8_t)(rnd() % 7 == 0 ? 255 : rnd());
        uc[i] = 0;
    }
    static const char words[] = "the quick brown fox jumps over the lazy dog; Pack My Box With Five Dozen Liquor Jugs! 0123456789 ";
    for (int i = 0; i < N + 63; i++)
        text[i] = words[(i * 31 + i / 7) % (sizeof words - 1)];
    numeric();
    strings();
    hashes();
    printf("%d mismatches\n", mismatches);
    return mismatches;
}
