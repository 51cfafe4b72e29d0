/* AES-128 in CTR mode on the hardware instructions: on aarch64 the Armv8
 * cryptographic extension through arm_neon.h (vaeseq_u8, vaesmcq_u8; built
 * with -march=armv8-a+crypto); on x86-64 AES-NI (aesenc, aesenclast) when the
 * CPU has it, else portable C.  Each repetition encrypts a 64 KiB buffer in
 * place, one block at a time, with the repetition number as the nonce.  The
 * key schedule is portable C.  A known-answer check (FIPS 197 appendix C.1)
 * guards the code itself. */
#include <string.h>
#include "bench.h"

#define BUF_SIZE (64 * 1024)

static uint8_t sbox[256];

static uint8_t gmul(uint8_t a, uint8_t b)
{
    uint8_t r = 0;
    while (b) {
        if (b & 1)
            r ^= a;
        a = (uint8_t)((a << 1) ^ ((a & 0x80) ? 0x1b : 0));
        b >>= 1;
    }
    return r;
}

static uint8_t rotl8(uint8_t x, int n) { return (uint8_t)((x << n) | (x >> (8 - n))); }

/* The S-box from its definition: inverse in GF(2^8), then the affine map. */
static void sbox_init(void)
{
    for (int x = 0; x < 256; x++) {
        uint8_t inv = 0;
        for (int y = 1; y < 256 && x; y++)
            if (gmul((uint8_t)x, (uint8_t)y) == 1)
                inv = (uint8_t)y;
        sbox[x] = inv ^ rotl8(inv, 1) ^ rotl8(inv, 2) ^ rotl8(inv, 3) ^ rotl8(inv, 4) ^ 0x63;
    }
}

/* 11 round keys of 16 bytes (FIPS 197 section 5.2). */
static void expand_key(const uint8_t key[16], uint8_t rk[11][16])
{
    uint8_t *w = &rk[0][0];
    uint8_t rcon = 1;
    memcpy(w, key, 16);
    for (int i = 4; i < 44; i++) {
        uint8_t t[4];
        memcpy(t, w + 4 * (i - 1), 4);
        if (i % 4 == 0) {
            uint8_t t0 = t[0];
            t[0] = sbox[t[1]] ^ rcon;
            t[1] = sbox[t[2]];
            t[2] = sbox[t[3]];
            t[3] = sbox[t0];
            rcon = gmul(rcon, 2);
        }
        for (int j = 0; j < 4; j++)
            w[4 * i + j] = w[4 * (i - 4) + j] ^ t[j];
    }
}

/* The counter block: nonce in the first 8 bytes, big-endian block index in
 * the last 8. */
static void counter(uint8_t out[16], uint64_t nonce, uint64_t i)
{
    for (int k = 0; k < 8; k++) {
        out[k] = (uint8_t)(nonce >> (8 * k));
        out[15 - k] = (uint8_t)(i >> (8 * k));
    }
}

typedef void (*ctr_fn)(uint8_t rk[11][16], uint64_t nonce, unsigned char *p, size_t nblocks);
typedef void (*block_fn)(uint8_t rk[11][16], const uint8_t in[16], uint8_t out[16]);

#if defined(__aarch64__)
#include <arm_neon.h>

static void ctr_hw(uint8_t rk[11][16], uint64_t nonce, unsigned char *p, size_t n)
{
    uint8x16_t k0 = vld1q_u8(rk[0]), k1 = vld1q_u8(rk[1]), k2 = vld1q_u8(rk[2]);
    uint8x16_t k3 = vld1q_u8(rk[3]), k4 = vld1q_u8(rk[4]), k5 = vld1q_u8(rk[5]);
    uint8x16_t k6 = vld1q_u8(rk[6]), k7 = vld1q_u8(rk[7]), k8 = vld1q_u8(rk[8]);
    uint8x16_t k9 = vld1q_u8(rk[9]), k10 = vld1q_u8(rk[10]);
    for (uint64_t i = 0; i < n; i++, p += 16) {
        uint8x16_t s = vreinterpretq_u8_u64(vcombine_u64(vcreate_u64(nonce),
                                                         vcreate_u64(__builtin_bswap64(i))));
        s = vaesmcq_u8(vaeseq_u8(s, k0));
        s = vaesmcq_u8(vaeseq_u8(s, k1));
        s = vaesmcq_u8(vaeseq_u8(s, k2));
        s = vaesmcq_u8(vaeseq_u8(s, k3));
        s = vaesmcq_u8(vaeseq_u8(s, k4));
        s = vaesmcq_u8(vaeseq_u8(s, k5));
        s = vaesmcq_u8(vaeseq_u8(s, k6));
        s = vaesmcq_u8(vaeseq_u8(s, k7));
        s = vaesmcq_u8(vaeseq_u8(s, k8));
        s = veorq_u8(vaeseq_u8(s, k9), k10);
        vst1q_u8(p, veorq_u8(vld1q_u8(p), s));
    }
}

static void block_hw(uint8_t rk[11][16], const uint8_t in[16], uint8_t out[16])
{
    uint8x16_t s = vld1q_u8(in);
    for (int r = 0; r < 9; r++)
        s = vaesmcq_u8(vaeseq_u8(s, vld1q_u8(rk[r])));
    vst1q_u8(out, veorq_u8(vaeseq_u8(s, vld1q_u8(rk[9])), vld1q_u8(rk[10])));
}

static void pick(ctr_fn *c, block_fn *b) { *c = ctr_hw; *b = block_hw; }

#else /* portable C, and AES-NI on x86-64 */

static void block_c(uint8_t rk[11][16], const uint8_t in[16], uint8_t out[16])
{
    uint8_t s[16], t[16];
    for (int i = 0; i < 16; i++)
        s[i] = in[i] ^ rk[0][i];
    for (int r = 1; r <= 10; r++) {
        /* SubBytes and ShiftRows: byte (row, col) is s[row + 4 col]. */
        for (int c = 0; c < 4; c++)
            for (int row = 0; row < 4; row++)
                t[row + 4 * c] = sbox[s[row + 4 * ((c + row) % 4)]];
        for (int c = 0; c < 4 && r < 10; c++) {
            uint8_t *q = t + 4 * c, a0 = q[0], a1 = q[1], a2 = q[2], a3 = q[3];
            q[0] = gmul(a0, 2) ^ gmul(a1, 3) ^ a2 ^ a3;
            q[1] = a0 ^ gmul(a1, 2) ^ gmul(a2, 3) ^ a3;
            q[2] = a0 ^ a1 ^ gmul(a2, 2) ^ gmul(a3, 3);
            q[3] = gmul(a0, 3) ^ a1 ^ a2 ^ gmul(a3, 2);
        }
        for (int i = 0; i < 16; i++)
            s[i] = t[i] ^ rk[r][i];
    }
    memcpy(out, s, 16);
}

static void ctr_c(uint8_t rk[11][16], uint64_t nonce, unsigned char *p, size_t n)
{
    for (uint64_t i = 0; i < n; i++, p += 16) {
        uint8_t ctr[16], ks[16];
        counter(ctr, nonce, i);
        block_c(rk, ctr, ks);
        for (int k = 0; k < 16; k++)
            p[k] ^= ks[k];
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("aes,sse4.1")))
static void ctr_ni(uint8_t rk[11][16], uint64_t nonce, unsigned char *p, size_t n)
{
    __m128i k[11];
    for (int r = 0; r < 11; r++)
        k[r] = _mm_loadu_si128((const __m128i *)rk[r]);
    for (uint64_t i = 0; i < n; i++, p += 16) {
        __m128i s = _mm_set_epi64x((long long)__builtin_bswap64(i), (long long)nonce);
        s = _mm_xor_si128(s, k[0]);
        for (int r = 1; r < 10; r++)
            s = _mm_aesenc_si128(s, k[r]);
        s = _mm_aesenclast_si128(s, k[10]);
        _mm_storeu_si128((__m128i *)p, _mm_xor_si128(_mm_loadu_si128((const __m128i *)p), s));
    }
}

__attribute__((target("aes,sse4.1")))
static void block_ni(uint8_t rk[11][16], const uint8_t in[16], uint8_t out[16])
{
    __m128i s = _mm_xor_si128(_mm_loadu_si128((const __m128i *)in), _mm_loadu_si128((const __m128i *)rk[0]));
    for (int r = 1; r < 10; r++)
        s = _mm_aesenc_si128(s, _mm_loadu_si128((const __m128i *)rk[r]));
    _mm_storeu_si128((__m128i *)out, _mm_aesenclast_si128(s, _mm_loadu_si128((const __m128i *)rk[10])));
}

static void pick(ctr_fn *c, block_fn *b)
{
    __builtin_cpu_init();
    int ni = __builtin_cpu_supports("aes") && __builtin_cpu_supports("sse4.1");
    *c = ni ? ctr_ni : ctr_c;
    *b = ni ? block_ni : block_c;
}
#else
static void pick(ctr_fn *c, block_fn *b) { *c = ctr_c; *b = block_c; }
#endif
#endif

static unsigned char buf[BUF_SIZE];

int main(int argc, char **argv)
{
    long reps = bench_reps(argc, argv, 1200);
    static const uint8_t key[16] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                     0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f };
    static const uint8_t pt[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                    0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
    static const uint8_t ct[16] = { 0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30,
                                    0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a };
    uint8_t rk[11][16], out[16], ks[16], c0[16];
    ctr_fn ctr;
    block_fn block;
    uint64_t sum = 0;
    rng_t r = { 0xAE5C7B0ULL };

    sbox_init();
    pick(&ctr, &block);
    expand_key(key, rk);
    block(rk, pt, out);
    /* CTR keystream block 0 must be the block cipher of the counter block. */
    unsigned char one[16] = { 0 };
    counter(c0, 42, 0);
    block(rk, c0, ks);
    ctr(rk, 42, one, 1);
    if (memcmp(out, ct, 16) != 0 || memcmp(one, ks, 16) != 0) {
        printf("aes: known-answer test FAILED\n");
        return 1;
    }
    for (size_t i = 0; i < BUF_SIZE; i += 8) {
        uint64_t v = rng_next(&r);
        memcpy(buf + i, &v, 8);
    }
    for (long i = 0; i < reps; i++) {
        ctr(rk, (uint64_t)i, buf, BUF_SIZE / 16);
        uint64_t v, w;
        memcpy(&v, buf + (size_t)(i * 4099 % (BUF_SIZE - 8)), 8);
        memcpy(&w, buf + BUF_SIZE - 8, 8);
        sum = mix(mix(sum, v), w);
        if (i % 64 == 63) {
            /* A new key now and then, from the data. */
            expand_key(buf + (size_t)(v % (BUF_SIZE - 16)), rk);
        }
    }
    bench_report("aes", reps, sum);
    return 0;
}
