/*
 * crypto: the Armv8 cryptographic extension through the arm_neon.h
 * intrinsics (built with -march=armv8-a+crypto): AES (AESE, AESD, AESMC,
 * AESIMC) on the FIPS 197 vectors for AES-128 and AES-256, SHA-1 (SHA1C,
 * SHA1P, SHA1M, SHA1H, SHA1SU0, SHA1SU1) and SHA-256 (SHA256H, SHA256H2,
 * SHA256SU0, SHA256SU1) on the FIPS 180 examples and generated messages,
 * and PMULL/PMULL2 (8-bit and 64-bit) products, with a GHASH multiply in
 * GF(2^128) and one AES-GCM test vector.  Every result is checked in the
 * program against portable C written from the standards; the exit status
 * is the number of mismatches.  Freestanding: no libc, see mini.h.
 */
#include "mini.h"
#include <arm_neon.h>

static int fails;

static void check(const char *what, int ok)
{
    puts_(what);
    puts_(ok ? " ok\n" : " MISMATCH\n");
    if (!ok)
        fails++;
}

static int same(const u8 *a, const u8 *b, int n)
{
    for (int i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static void hexbytes(const char *name, const u8 *p, int n)
{
    puts_(name);
    putc_(' ');
    for (int i = 0; i < n; i++)
        hexn(p[i], 2);
    putc_('\n');
}

static int unhex(const char *s, u8 *out)
{
    int n = 0;
    for (; s[0] && s[1]; s += 2) {
        int v = 0;
        for (int k = 0; k < 2; k++) {
            char c = s[k];
            v = v * 16 + (c <= '9' ? c - '0' : c - 'a' + 10);
        }
        out[n++] = (u8)v;
    }
    return n;
}

static u64 rng = 0x2545f4914f6cdd1dUL;
static u64 next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* ---------------------------------------------------------------- AES */

static u8 sbox[256], inv_sbox[256];

static u8 gmul(u8 a, u8 b)
{
    u8 r = 0;
    while (b) {
        if (b & 1)
            r ^= a;
        a = (u8)((a << 1) ^ ((a & 0x80) ? 0x1b : 0));
        b >>= 1;
    }
    return r;
}

static u8 rotl8(u8 x, int n) { return (u8)((x << n) | (x >> (8 - n))); }

static void sbox_init(void)
{
    for (int x = 0; x < 256; x++) {
        u8 inv = 0;
        for (int y = 1; y < 256 && x; y++)
            if (gmul((u8)x, (u8)y) == 1)
                inv = (u8)y;
        u8 s = inv ^ rotl8(inv, 1) ^ rotl8(inv, 2) ^ rotl8(inv, 3) ^ rotl8(inv, 4) ^ 0x63;
        sbox[x] = s;
        inv_sbox[s] = (u8)x;
    }
}

/* Key expansion for nk = 4 or 8 words; nr + 1 round keys of 16 bytes. */
static int expand_key(const u8 *key, int nk, u8 rk[15][16])
{
    int nr = nk + 6;
    u8 *w = &rk[0][0];
    u8 rcon = 1;
    memcpy(w, key, 4 * nk);
    for (int i = nk; i < 4 * (nr + 1); i++) {
        u8 t[4];
        memcpy(t, w + 4 * (i - 1), 4);
        if (i % nk == 0) {
            u8 t0 = t[0];
            t[0] = sbox[t[1]] ^ rcon;
            t[1] = sbox[t[2]];
            t[2] = sbox[t[3]];
            t[3] = sbox[t0];
            rcon = gmul(rcon, 2);
        } else if (nk > 6 && i % nk == 4) {
            for (int j = 0; j < 4; j++)
                t[j] = sbox[t[j]];
        }
        for (int j = 0; j < 4; j++)
            w[4 * i + j] = w[4 * (i - nk) + j] ^ t[j];
    }
    return nr;
}

/* Portable cipher: byte (row, col) of the state is s[row + 4 col]. */
static void aes_encrypt_c(u8 rk[15][16], int nr, const u8 in[16], u8 out[16])
{
    u8 s[16], t[16];
    for (int i = 0; i < 16; i++)
        s[i] = in[i] ^ rk[0][i];
    for (int r = 1; r <= nr; r++) {
        for (int c = 0; c < 4; c++)
            for (int row = 0; row < 4; row++)
                t[row + 4 * c] = sbox[s[row + 4 * ((c + row) % 4)]];
        for (int c = 0; c < 4 && r < nr; c++) {
            u8 *q = t + 4 * c, a0 = q[0], a1 = q[1], a2 = q[2], a3 = q[3];
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

static void aes_decrypt_c(u8 rk[15][16], int nr, const u8 in[16], u8 out[16])
{
    u8 s[16], t[16];
    for (int i = 0; i < 16; i++)
        s[i] = in[i] ^ rk[nr][i];
    for (int r = nr - 1; r >= 0; r--) {
        for (int c = 0; c < 4; c++)
            for (int row = 0; row < 4; row++)
                t[row + 4 * ((c + row) % 4)] = inv_sbox[s[row + 4 * c]];
        for (int i = 0; i < 16; i++)
            t[i] ^= rk[r][i];
        for (int c = 0; c < 4 && r > 0; c++) {
            u8 *q = t + 4 * c, a0 = q[0], a1 = q[1], a2 = q[2], a3 = q[3];
            q[0] = gmul(a0, 14) ^ gmul(a1, 11) ^ gmul(a2, 13) ^ gmul(a3, 9);
            q[1] = gmul(a0, 9) ^ gmul(a1, 14) ^ gmul(a2, 11) ^ gmul(a3, 13);
            q[2] = gmul(a0, 13) ^ gmul(a1, 9) ^ gmul(a2, 14) ^ gmul(a3, 11);
            q[3] = gmul(a0, 11) ^ gmul(a1, 13) ^ gmul(a2, 9) ^ gmul(a3, 14);
        }
        memcpy(s, t, 16);
    }
    memcpy(out, s, 16);
}

static void aes_encrypt_hw(u8 rk[15][16], int nr, const u8 in[16], u8 out[16])
{
    uint8x16_t s = vld1q_u8(in);
    for (int r = 0; r < nr - 1; r++)
        s = vaesmcq_u8(vaeseq_u8(s, vld1q_u8(rk[r])));
    s = veorq_u8(vaeseq_u8(s, vld1q_u8(rk[nr - 1])), vld1q_u8(rk[nr]));
    vst1q_u8(out, s);
}

/* The equivalent inverse cipher: InvMixColumns applied to the middle keys. */
static void aes_decrypt_hw(u8 rk[15][16], int nr, const u8 in[16], u8 out[16])
{
    uint8x16_t s = vaesdq_u8(vld1q_u8(in), vld1q_u8(rk[nr]));
    for (int r = nr - 1; r > 0; r--)
        s = vaesdq_u8(vaesimcq_u8(s), vaesimcq_u8(vld1q_u8(rk[r])));
    vst1q_u8(out, veorq_u8(s, vld1q_u8(rk[0])));
}

static void aes_tests(void)
{
    static const char *keys[2] = {
        "000102030405060708090a0b0c0d0e0f",
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
    };
    static const char *cts[2] = { "69c4e0d86a7b0430d8cdb78070b4c55a", "8ea2b7ca516745bfeafc49904b496089" };
    u8 key[32], pt[16], ct[16], out[16], back[16], rk[15][16];
    unhex("00112233445566778899aabbccddeeff", pt);
    for (int k = 0; k < 2; k++) {
        int nk = unhex(keys[k], key) / 4;
        int nr = expand_key(key, nk, rk);
        unhex(cts[k], ct);
        aes_encrypt_hw(rk, nr, pt, out);
        aes_decrypt_hw(rk, nr, ct, back);
        hexbytes(k ? "aes256 encrypt" : "aes128 encrypt", out, 16);
        check(k ? "aes256 fips197 c.3" : "aes128 fips197 c.1", same(out, ct, 16) && same(back, pt, 16));
    }
    /* random keys and blocks against the portable cipher */
    int ok = 1;
    for (int t = 0; t < 64; t++) {
        u8 in[16], a[16], b[16];
        for (int i = 0; i < 32; i += 8) {
            u64 v = next();
            memcpy(key + i, &v, 8);
        }
        u64 v0 = next(), v1 = next();
        memcpy(in, &v0, 8);
        memcpy(in + 8, &v1, 8);
        int nr = expand_key(key, t & 1 ? 8 : 4, rk);
        aes_encrypt_hw(rk, nr, in, a);
        aes_encrypt_c(rk, nr, in, b);
        ok &= same(a, b, 16);
        aes_decrypt_hw(rk, nr, in, a);
        aes_decrypt_c(rk, nr, in, b);
        ok &= same(a, b, 16);
    }
    check("aes random keys, hw vs c", ok);
    /* the single-round instructions against their definitions */
    ok = 1;
    for (int t = 0; t < 32; t++) {
        u8 s[16], k[16], a[16], b[16], c[16];
        for (int i = 0; i < 16; i += 8) {
            u64 v = next(), w = next();
            memcpy(s + i, &v, 8);
            memcpy(k + i, &w, 8);
        }
        vst1q_u8(a, vaeseq_u8(vld1q_u8(s), vld1q_u8(k)));
        for (int col = 0; col < 4; col++)
            for (int row = 0; row < 4; row++) {
                int from = row + 4 * ((col + row) % 4);
                b[row + 4 * col] = sbox[s[from] ^ k[from]];
            }
        ok &= same(a, b, 16);
        vst1q_u8(a, vaesdq_u8(vld1q_u8(s), vld1q_u8(k)));
        for (int col = 0; col < 4; col++)
            for (int row = 0; row < 4; row++) {
                int to = row + 4 * ((col + row) % 4);
                b[to] = inv_sbox[s[row + 4 * col] ^ k[row + 4 * col]];
            }
        ok &= same(a, b, 16);
        vst1q_u8(a, vaesmcq_u8(vld1q_u8(s)));
        vst1q_u8(c, vaesimcq_u8(vld1q_u8(a)));
        for (int col = 0; col < 4; col++) {
            u8 *q = s + 4 * col;
            b[4 * col] = gmul(q[0], 2) ^ gmul(q[1], 3) ^ q[2] ^ q[3];
            b[4 * col + 1] = q[0] ^ gmul(q[1], 2) ^ gmul(q[2], 3) ^ q[3];
            b[4 * col + 2] = q[0] ^ q[1] ^ gmul(q[2], 2) ^ gmul(q[3], 3);
            b[4 * col + 3] = gmul(q[0], 3) ^ q[1] ^ q[2] ^ gmul(q[3], 2);
        }
        ok &= same(a, b, 16) && same(c, s, 16);
    }
    check("aese/aesd/aesmc/aesimc vs definitions", ok);
}

/* ---------------------------------------------------------------- SHA */

static u32 ror32(u32 x, int n) { return (x >> n) | (x << (32 - n)); }
static u32 rol32(u32 x, int n) { return (x << n) | (x >> (32 - n)); }

/* Pad msg (len < 240 bytes) into blocks of 16 big-endian words; returns the
 * number of blocks. */
static int pad(const u8 *msg, int len, u32 w[4][16])
{
    u8 b[256];
    memset(b, 0, sizeof b);
    memcpy(b, msg, len);
    b[len] = 0x80;
    int n = (len + 8) / 64 + 1;
    u64 bits = (u64)len * 8;
    for (int i = 0; i < 8; i++)
        b[64 * n - 1 - i] = (u8)(bits >> (8 * i));
    for (int k = 0; k < n; k++)
        for (int i = 0; i < 16; i++) {
            const u8 *p = b + 64 * k + 4 * i;
            w[k][i] = (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
        }
    return n;
}

static const u32 K1[4] = { 0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6 };

static void sha1_c(const u8 *msg, int len, u32 h[5])
{
    u32 blk[4][16];
    int n = pad(msg, len, blk);
    h[0] = 0x67452301; h[1] = 0xefcdab89; h[2] = 0x98badcfe; h[3] = 0x10325476; h[4] = 0xc3d2e1f0;
    for (int k = 0; k < n; k++) {
        u32 w[80];
        for (int i = 0; i < 80; i++)
            w[i] = i < 16 ? blk[k][i] : rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
        u32 a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
        for (int i = 0; i < 80; i++) {
            u32 f = i < 20 ? (b & c) | (~b & d) : i < 40 || i >= 60 ? b ^ c ^ d : (b & c) | (b & d) | (c & d);
            u32 t = rol32(a, 5) + f + e + K1[i / 20] + w[i];
            e = d; d = c; c = rol32(b, 30); b = a; a = t;
        }
        h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
    }
}

static void sha1_hw(const u8 *msg, int len, u32 h[5])
{
    u32 blk[4][16];
    int n = pad(msg, len, blk);
    static const u32 h0[4] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 };
    uint32x4_t abcd = vld1q_u32(h0);
    u32 e = 0xc3d2e1f0;
    for (int k = 0; k < n; k++) {
        uint32x4_t m[4];
        for (int i = 0; i < 4; i++)
            m[i] = vld1q_u32(&blk[k][4 * i]);
        uint32x4_t abcd0 = abcd;
        u32 e0 = e;
        for (int i = 0; i < 20; i++) {
            uint32x4_t wk = vaddq_u32(m[i % 4], vdupq_n_u32(K1[i / 5]));
            u32 ne = vsha1h_u32(vgetq_lane_u32(abcd, 0));
            if (i < 5)
                abcd = vsha1cq_u32(abcd, e, wk);
            else if (i >= 10 && i < 15)
                abcd = vsha1mq_u32(abcd, e, wk);
            else
                abcd = vsha1pq_u32(abcd, e, wk);
            e = ne;
            if (i < 16)
                m[i % 4] = vsha1su1q_u32(vsha1su0q_u32(m[i % 4], m[(i + 1) % 4], m[(i + 2) % 4]), m[(i + 3) % 4]);
        }
        abcd = vaddq_u32(abcd, abcd0);
        e += e0;
    }
    vst1q_u32(h, abcd);
    h[4] = e;
}

static const u32 K2[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};
static const u32 H256[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                             0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

static void sha256_c(const u8 *msg, int len, u32 h[8])
{
    u32 blk[4][16];
    int n = pad(msg, len, blk);
    memcpy(h, H256, 32);
    for (int k = 0; k < n; k++) {
        u32 w[64];
        for (int i = 0; i < 64; i++)
            w[i] = i < 16 ? blk[k][i]
                          : w[i - 16] + (ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3)) + w[i - 7] +
                                (ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10));
        u32 a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (int i = 0; i < 64; i++) {
            u32 t1 = hh + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) + ((e & f) ^ (~e & g)) + K2[i] + w[i];
            u32 t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
        }
        h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
}

static void sha256_hw(const u8 *msg, int len, u32 h[8])
{
    u32 blk[4][16];
    int n = pad(msg, len, blk);
    uint32x4_t abcd = vld1q_u32(H256), efgh = vld1q_u32(H256 + 4);
    for (int k = 0; k < n; k++) {
        uint32x4_t m[4];
        for (int i = 0; i < 4; i++)
            m[i] = vld1q_u32(&blk[k][4 * i]);
        uint32x4_t abcd0 = abcd, efgh0 = efgh;
        for (int i = 0; i < 16; i++) {
            uint32x4_t wk = vaddq_u32(m[i % 4], vld1q_u32(K2 + 4 * i));
            uint32x4_t t = abcd;
            abcd = vsha256hq_u32(abcd, efgh, wk);
            efgh = vsha256h2q_u32(efgh, t, wk);
            if (i < 12)
                m[i % 4] = vsha256su1q_u32(vsha256su0q_u32(m[i % 4], m[(i + 1) % 4]), m[(i + 2) % 4], m[(i + 3) % 4]);
        }
        abcd = vaddq_u32(abcd, abcd0);
        efgh = vaddq_u32(efgh, efgh0);
    }
    vst1q_u32(h, abcd);
    vst1q_u32(h + 4, efgh);
}

static void hexwords(const char *name, const u32 *w, int n)
{
    puts_(name);
    putc_(' ');
    for (int i = 0; i < n; i++)
        hex32(w[i]);
    putc_('\n');
}

static int same32(const u32 *a, const u32 *b, int n)
{
    for (int i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static void sha_tests(void)
{
    static const char *msgs[3] = { "", "abc", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq" };
    static const char *sha1_known[3] = {
        "da39a3ee5e6b4b0d3255bfef95601890afd80709",
        "a9993e364706816aba3e25717850c26c9cd0d89d",
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
    };
    static const char *sha256_known[3] = {
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    };
    for (int k = 0; k < 3; k++) {
        int len = 0;
        while (msgs[k][len])
            len++;
        u32 h[8], hc[8];
        u8 want[32], got[32];
        sha1_hw((const u8 *)msgs[k], len, h);
        sha1_c((const u8 *)msgs[k], len, hc);
        hexwords("sha1", h, 5);
        unhex(sha1_known[k], want);
        for (int i = 0; i < 20; i++)
            got[i] = (u8)(h[i / 4] >> (24 - 8 * (i % 4)));
        check("sha1 known answer", same(got, want, 20) && same32(h, hc, 5));
        sha256_hw((const u8 *)msgs[k], len, h);
        sha256_c((const u8 *)msgs[k], len, hc);
        hexwords("sha256", h, 8);
        unhex(sha256_known[k], want);
        for (int i = 0; i < 32; i++)
            got[i] = (u8)(h[i / 4] >> (24 - 8 * (i % 4)));
        check("sha256 known answer", same(got, want, 32) && same32(h, hc, 8));
    }
    /* generated messages of every length up to 200 bytes */
    int ok1 = 1, ok2 = 1;
    u8 msg[200];
    for (int i = 0; i < 200; i++)
        msg[i] = (u8)next();
    for (int len = 0; len <= 200; len += 7) {
        u32 h[8], hc[8];
        sha1_hw(msg, len, h);
        sha1_c(msg, len, hc);
        ok1 &= same32(h, hc, 5);
        sha256_hw(msg, len, h);
        sha256_c(msg, len, hc);
        ok2 &= same32(h, hc, 8);
    }
    check("sha1 generated messages, hw vs c", ok1);
    check("sha256 generated messages, hw vs c", ok2);
}

/* ---------------------------------------------------------------- PMULL */

typedef struct { u64 lo, hi; } u128s;

static u128s clmul_c(u64 a, u64 b)
{
    u128s r = { 0, 0 };
    for (int i = 0; i < 64; i++)
        if (b >> i & 1) {
            r.lo ^= a << i;
            r.hi ^= i ? a >> (64 - i) : 0;
        }
    return r;
}

static u128s p64(u64 a, u64 b)
{
    poly128_t r = vmull_p64((poly64_t)a, (poly64_t)b);
    u128s x;
    memcpy(&x, &r, 16);
    return x;
}

static void pmull_tests(void)
{
    int ok = 1;
    for (int t = 0; t < 64; t++) {
        u64 a0 = next(), a1 = next(), b0 = next(), b1 = next();
        if (t == 0)
            a0 = b0 = ~0UL;
        u128s r = p64(a0, b0), c = clmul_c(a0, b0);
        ok &= r.lo == c.lo && r.hi == c.hi;
        u64 av[2] = { a0, a1 }, bv[2] = { b0, b1 };
        poly128_t h = vmull_high_p64(vreinterpretq_p64_u64(vld1q_u64(av)), vreinterpretq_p64_u64(vld1q_u64(bv)));
        memcpy(&r, &h, 16);
        c = clmul_c(a1, b1);
        ok &= r.lo == c.lo && r.hi == c.hi;
        if (t < 2) {
            show64("pmull lo", r.lo);
            show64("pmull hi", r.hi);
        }
    }
    check("pmull/pmull2 .1q vs c", ok);
    ok = 1;
    for (int t = 0; t < 64; t++) {
        u64 a[2] = { next(), next() }, b[2] = { next(), next() };
        poly8x16_t va = vreinterpretq_p8_u64(vld1q_u64(a)), vb = vreinterpretq_p8_u64(vld1q_u64(b));
        u16 lo[8], hi[8];
        vst1q_u16(lo, vreinterpretq_u16_p16(vmull_p8(vget_low_p8(va), vget_low_p8(vb))));
        vst1q_u16(hi, vreinterpretq_u16_p16(vmull_high_p8(va, vb)));
        for (int i = 0; i < 8; i++) {
            ok &= lo[i] == (u16)clmul_c((u8)(a[0] >> (8 * i)), (u8)(b[0] >> (8 * i))).lo;
            ok &= hi[i] == (u16)clmul_c((u8)(a[1] >> (8 * i)), (u8)(b[1] >> (8 * i))).lo;
        }
        if (t == 0) {
            u64 x[2];
            memcpy(x, lo, 16);
            show64("pmull.8h lo", x[1]);
            show64("pmull.8h hi", x[0]);
        }
    }
    check("pmull/pmull2 .8h vs c", ok);
}

/* GF(2^128) multiply for GHASH (NIST SP 800-38D): blocks as byte strings. */
static void gf_mul_c(const u8 x[16], const u8 y[16], u8 out[16])
{
    u8 z[16], v[16];
    memset(z, 0, 16);
    memcpy(v, y, 16);
    for (int i = 0; i < 128; i++) {
        if (x[i / 8] >> (7 - i % 8) & 1)
            for (int k = 0; k < 16; k++)
                z[k] ^= v[k];
        int lsb = v[15] & 1;
        for (int k = 15; k > 0; k--)
            v[k] = (u8)((v[k] >> 1) | (v[k - 1] << 7));
        v[0] >>= 1;
        if (lsb)
            v[0] ^= 0xe1;
    }
    memcpy(out, z, 16);
}

/* The same with PMULL: bit-reflect each byte so that coefficient i is bit i,
 * multiply (four 64x64 products), reduce modulo x^128 + x^7 + x^2 + x + 1. */
static void gf_mul_hw(const u8 x[16], const u8 y[16], u8 out[16])
{
    u64 a[2], b[2];
    vst1q_u8((u8 *)a, vrbitq_u8(vld1q_u8(x)));
    vst1q_u8((u8 *)b, vrbitq_u8(vld1q_u8(y)));
    u128s lo = p64(a[0], b[0]), hi = p64(a[1], b[1]);
    u128s m1 = p64(a[0], b[1]), m2 = p64(a[1], b[0]);
    u64 r0 = lo.lo, r1 = lo.hi ^ m1.lo ^ m2.lo, r2 = hi.lo ^ m1.hi ^ m2.hi, r3 = hi.hi;
    u128s t = p64(r3, 0x87);
    r1 ^= t.lo;
    r2 ^= t.hi;
    t = p64(r2, 0x87);
    r0 ^= t.lo;
    r1 ^= t.hi;
    u64 r[2] = { r0, r1 };
    vst1q_u8(out, vrbitq_u8(vld1q_u8((const u8 *)r)));
}

static void gcm_tests(void)
{
    int ok = 1;
    for (int t = 0; t < 64; t++) {
        u8 x[16], y[16], a[16], b[16];
        for (int i = 0; i < 16; i += 8) {
            u64 v = next(), w = next();
            memcpy(x + i, &v, 8);
            memcpy(y + i, &w, 8);
        }
        gf_mul_hw(x, y, a);
        gf_mul_c(x, y, b);
        ok &= same(a, b, 16);
    }
    check("ghash multiply, pmull vs c", ok);

    /* AES-128-GCM with a zero key and IV on one zero block (the GCM
     * specification's test case 2). */
    u8 key[16], rk[15][16], h[16], y0[16], ek[16], c[16], tag[16], want_c[16], want_tag[16], blk[16];
    memset(key, 0, 16);
    expand_key(key, 4, rk);
    memset(blk, 0, 16);
    aes_encrypt_hw(rk, 10, blk, h);
    memset(y0, 0, 16);
    y0[15] = 1;
    aes_encrypt_hw(rk, 10, y0, ek);
    y0[15] = 2;
    aes_encrypt_hw(rk, 10, y0, c); /* ciphertext = E(K, counter 2) ^ zero plaintext */
    u8 g[16];
    memset(g, 0, 16);
    gf_mul_hw(c, h, g);
    memset(blk, 0, 16);
    blk[15] = 128; /* len(A) = 0, len(C) = 128 bits */
    for (int i = 0; i < 16; i++)
        blk[i] ^= g[i];
    gf_mul_hw(blk, h, g);
    for (int i = 0; i < 16; i++)
        tag[i] = g[i] ^ ek[i];
    hexbytes("gcm ciphertext", c, 16);
    hexbytes("gcm tag", tag, 16);
    unhex("0388dace60b6a392f328c2b971b2fe78", want_c);
    unhex("ab6e47d42cec13bdf53a67b21257bddf", want_tag);
    check("aes-128-gcm test case 2", same(c, want_c, 16) && same(tag, want_tag, 16));
}

int main(void)
{
    sbox_init();
    aes_tests();
    sha_tests();
    pmull_tests();
    gcm_tests();
    puts_(fails ? "FAILED\n" : "all ok\n");
    return fails;
}
