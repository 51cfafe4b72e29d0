/* SHA-256 on the hardware instructions: on aarch64 the Armv8 cryptographic
 * extension through arm_neon.h (vsha256hq_u32, vsha256h2q_u32,
 * vsha256su0q_u32, vsha256su1q_u32; built with -march=armv8-a+crypto); on
 * x86-64 the SHA extensions (sha256rnds2, sha256msg1, sha256msg2) when the
 * CPU has them, else portable C.  Each repetition hashes a 64 KiB buffer
 * and writes the digest back into it.  Known-answer checks on "abc" and a
 * two-block message guard the code itself. */
#include <string.h>
#include "bench.h"

#define BUF_SIZE (64 * 1024)

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* Compress n consecutive 64-byte blocks into st[8] (a..h). */
typedef void (*blocks_fn)(uint32_t st[8], const unsigned char *p, size_t n);

#if defined(__aarch64__)
#include <arm_neon.h>

/* Four rounds on message words m (with K added), then the schedule of the
 * next four words of this lane group from the three that follow it. */
#define QROUND(i, m0, m1, m2, m3, sched)                                      \
    do {                                                                      \
        uint32x4_t wk = vaddq_u32(m0, vld1q_u32(K + 4 * (i)));                \
        uint32x4_t a_ = abcd;                                                 \
        abcd = vsha256hq_u32(abcd, efgh, wk);                                 \
        efgh = vsha256h2q_u32(efgh, a_, wk);                                  \
        if (sched)                                                            \
            m0 = vsha256su1q_u32(vsha256su0q_u32(m0, m1), m2, m3);            \
    } while (0)

static void blocks_hw(uint32_t st[8], const unsigned char *p, size_t n)
{
    uint32x4_t abcd = vld1q_u32(st), efgh = vld1q_u32(st + 4);
    for (; n; n--, p += 64) {
        uint32x4_t m0 = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p)));
        uint32x4_t m1 = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p + 16)));
        uint32x4_t m2 = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p + 32)));
        uint32x4_t m3 = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p + 48)));
        uint32x4_t abcd0 = abcd, efgh0 = efgh;
        QROUND(0, m0, m1, m2, m3, 1);
        QROUND(1, m1, m2, m3, m0, 1);
        QROUND(2, m2, m3, m0, m1, 1);
        QROUND(3, m3, m0, m1, m2, 1);
        QROUND(4, m0, m1, m2, m3, 1);
        QROUND(5, m1, m2, m3, m0, 1);
        QROUND(6, m2, m3, m0, m1, 1);
        QROUND(7, m3, m0, m1, m2, 1);
        QROUND(8, m0, m1, m2, m3, 1);
        QROUND(9, m1, m2, m3, m0, 1);
        QROUND(10, m2, m3, m0, m1, 1);
        QROUND(11, m3, m0, m1, m2, 1);
        QROUND(12, m0, m1, m2, m3, 0);
        QROUND(13, m1, m2, m3, m0, 0);
        QROUND(14, m2, m3, m0, m1, 0);
        QROUND(15, m3, m0, m1, m2, 0);
        abcd = vaddq_u32(abcd, abcd0);
        efgh = vaddq_u32(efgh, efgh0);
    }
    vst1q_u32(st, abcd);
    vst1q_u32(st + 4, efgh);
}

static blocks_fn pick_blocks(void) { return blocks_hw; }

#else /* portable C, and SHA-NI on x86-64 */

static inline uint32_t ror(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

static void blocks_c(uint32_t st[8], const unsigned char *p, size_t n)
{
    for (; n; n--, p += 64) {
        uint32_t w[64];
        for (int i = 0; i < 16; i++)
            w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
                   (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
        for (int i = 16; i < 64; i++) {
            uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
        uint32_t e = st[4], f = st[5], g = st[6], h = st[7];
        for (int i = 0; i < 64; i++) {
            uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
            uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g; g = f; f = e; e = d + t1;
            d = c; c = b; b = a; a = t1 + t2;
        }
        st[0] += a; st[1] += b; st[2] += c; st[3] += d;
        st[4] += e; st[5] += f; st[6] += g; st[7] += h;
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

/* sha256rnds2 keeps the state as ABEF and CDGH (A in the top lane) and does
 * two rounds; the second two words of each group are moved down for it.  The
 * ABEF after two rounds is the CDGH after four, so the names stay put. */
#define XROUND(i, m0, m1, m2, m3, sched)                                      \
    do {                                                                      \
        __m128i wk = _mm_add_epi32(m0, _mm_loadu_si128((const __m128i *)(K + 4 * (i)))); \
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);                         \
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0e)); \
        if (sched)                                                            \
            m0 = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(m0, m1), \
                                                    _mm_alignr_epi8(m3, m2, 4)), m3); \
    } while (0)

__attribute__((target("sha,ssse3,sse4.1")))
static void blocks_shani(uint32_t st[8], const unsigned char *p, size_t n)
{
    const __m128i bswap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
    __m128 x = _mm_castsi128_ps(_mm_loadu_si128((const __m128i *)st));
    __m128 y = _mm_castsi128_ps(_mm_loadu_si128((const __m128i *)(st + 4)));
    __m128i abef = _mm_castps_si128(_mm_shuffle_ps(y, x, 0x11));
    __m128i cdgh = _mm_castps_si128(_mm_shuffle_ps(y, x, 0xbb));
    for (; n; n--, p += 64) {
        __m128i m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)p), bswap);
        __m128i m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), bswap);
        __m128i m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), bswap);
        __m128i m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), bswap);
        __m128i abef0 = abef, cdgh0 = cdgh;
        XROUND(0, m0, m1, m2, m3, 1);
        XROUND(1, m1, m2, m3, m0, 1);
        XROUND(2, m2, m3, m0, m1, 1);
        XROUND(3, m3, m0, m1, m2, 1);
        XROUND(4, m0, m1, m2, m3, 1);
        XROUND(5, m1, m2, m3, m0, 1);
        XROUND(6, m2, m3, m0, m1, 1);
        XROUND(7, m3, m0, m1, m2, 1);
        XROUND(8, m0, m1, m2, m3, 1);
        XROUND(9, m1, m2, m3, m0, 1);
        XROUND(10, m2, m3, m0, m1, 1);
        XROUND(11, m3, m0, m1, m2, 1);
        XROUND(12, m0, m1, m2, m3, 0);
        XROUND(13, m1, m2, m3, m0, 0);
        XROUND(14, m2, m3, m0, m1, 0);
        XROUND(15, m3, m0, m1, m2, 0);
        abef = _mm_add_epi32(abef, abef0);
        cdgh = _mm_add_epi32(cdgh, cdgh0);
    }
    __m128 f = _mm_castsi128_ps(abef), g = _mm_castsi128_ps(cdgh);
    _mm_storeu_si128((__m128i *)st, _mm_castps_si128(_mm_shuffle_ps(f, g, 0xbb)));
    _mm_storeu_si128((__m128i *)(st + 4), _mm_castps_si128(_mm_shuffle_ps(f, g, 0x11)));
}

static blocks_fn pick_blocks(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1") ? blocks_shani : blocks_c;
}
#else
static blocks_fn pick_blocks(void) { return blocks_c; }
#endif
#endif

static blocks_fn blocks;

static void sha256(const unsigned char *msg, size_t len, unsigned char out[32])
{
    uint32_t st[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    size_t full = len / 64;
    blocks(st, msg, full);
    unsigned char tail[128];
    size_t rest = len - full * 64;
    memset(tail, 0, sizeof tail);
    memcpy(tail, msg + full * 64, rest);
    tail[rest] = 0x80;
    size_t tlen = rest + 1 + 8 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++)
        tail[tlen - 1 - i] = (unsigned char)(bits >> (8 * i));
    blocks(st, tail, tlen / 64);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char)(st[i] >> 24);
        out[4 * i + 1] = (unsigned char)(st[i] >> 16);
        out[4 * i + 2] = (unsigned char)(st[i] >> 8);
        out[4 * i + 3] = (unsigned char)st[i];
    }
}

static unsigned char buf[BUF_SIZE];

int main(int argc, char **argv)
{
    long reps = bench_reps(argc, argv, 1500);
    static const unsigned char abc[8] = { 0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea };
    static const unsigned char two[8] = { 0x24, 0x8d, 0x6a, 0x61, 0xd2, 0x06, 0x38, 0xb8 };
    const char *m2 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    unsigned char d[32], d2[32];
    uint64_t sum = 0;
    rng_t r = { 0x5EED5A256ULL };

    blocks = pick_blocks();
    sha256((const unsigned char *)"abc", 3, d);
    sha256((const unsigned char *)m2, strlen(m2), d2);
    if (memcmp(d, abc, 8) != 0 || memcmp(d2, two, 8) != 0) {
        printf("sha256: known-answer test FAILED\n");
        return 1;
    }
    for (size_t i = 0; i < BUF_SIZE; i += 8) {
        uint64_t v = rng_next(&r);
        memcpy(buf + i, &v, 8);
    }
    for (long i = 0; i < reps; i++) {
        sha256(buf, BUF_SIZE - (size_t)(i % 61), d);
        uint64_t v, w;
        memcpy(&v, d, 8);
        memcpy(&w, d + 8, 8);
        memcpy(buf + (size_t)(v % (BUF_SIZE - 32)), d, 32);
        sum = mix(mix(sum, v), w);
    }
    bench_report("sha256", reps, sum);
    return 0;
}
