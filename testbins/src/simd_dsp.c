/*
 * simd_dsp: integer DSP kernels over int8/uint8/int16 arrays, built at -O3 so
 * that gcc vectorises the plain C loops (saturating add/subtract, averaging,
 * sums of absolute differences, widening multiply-accumulate dot products,
 * clamping narrows), plus arm_neon.h intrinsics for the forms gcc does not
 * produce from C (doubling multiply-high, rounding and saturating shifts,
 * saturating narrows by immediate, multiplies by element, halving subtract,
 * polynomial multiply).  Every vector result is checked against a scalar
 * reference (built without vectorisation) and printed as a checksum, with
 * FPSR.QC after each intrinsic kernel.  Exit status: the number of mismatches.
 * Freestanding: no libc, see mini.h.
 */
#include "mini.h"
#include <arm_neon.h>

typedef signed char s8;
typedef short s16;
typedef int s32;
typedef unsigned short u16;
typedef unsigned int u32;

#define N 1000 /* not a multiple of any vector length: the loops have tails */
#define SCALAR __attribute__((optimize("no-tree-vectorize"), noinline))
#define VECTOR __attribute__((noinline))

static u8 ua[N + 16], ub[N + 16], ur[N + 16], ur2[N + 16];
static s8 sa[N + 16], sb[N + 16], sr[N + 16], sr2[N + 16];
static s16 ha[N + 16], hb[N + 16], hr[N + 16], hr2[N + 16];
static int bad;

static u64 get_fpsr(void) { u64 v; __asm__ volatile("mrs %0, fpsr" : "=r"(v)); return v; }
static void set_fpsr(u64 v) { __asm__ volatile("msr fpsr, %0" : : "r"(v)); }

static u64 rng = 0x9e3779b97f4a7c15ull;
static u64 next(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return rng >> 33;
}

/* Random values with plenty of lane-size extremes. */
static void fill(void)
{
    static const s16 ext16[] = {0, 1, -1, 32767, -32768, 32766, -32767, 255, 256, -256, 127, -128, 16384, -16384};
    static const u8 ext8[] = {0, 1, 127, 128, 129, 254, 255, 0x80, 0x7f};
    for (int i = 0; i < N + 16; i++) {
        u64 r = next();
        ua[i] = (r & 3) == 0 ? ext8[(r >> 2) % 9] : (u8)(r >> 8);
        r = next();
        ub[i] = (r & 3) == 0 ? ext8[(r >> 2) % 9] : (u8)(r >> 8);
        sa[i] = (s8)ua[(i * 7) % (N + 16)];
        sb[i] = (s8)(ub[i] ^ 0x55);
        r = next();
        ha[i] = (r & 3) == 0 ? ext16[(r >> 2) % 14] : (s16)(r >> 4);
        r = next();
        hb[i] = (r & 3) == 0 ? ext16[(r >> 2) % 14] : (s16)(r >> 4);
    }
    /* -1 * -1 in Q15 overflows the doubling multiplies */
    ha[17] = hb[17] = ha[501] = hb[501] = -32768;
}

static u64 hash(const void *p, int n)
{
    const u8 *b = p;
    u64 h = 0xcbf29ce484222325ull;
    for (int i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

static void check(const char *name, const void *x, const void *y, int n)
{
    u64 hx = hash(x, n), hy = hash(y, n);
    label_(name);
    putc_(' ');
    hex64(hx);
    if (hx != hy) {
        puts_(" MISMATCH reference ");
        hex64(hy);
        bad++;
    }
    putc_('\n');
}

static void check64(const char *name, u64 x, u64 y)
{
    check(name, &x, &y, 8);
}

/* ---- plain C kernels: each has a vectorised and a scalar twin ---- */

#define TWIN(ret, name, params, body)                                        \
    static VECTOR ret name##_v params body                                   \
    static SCALAR ret name##_s params body

static inline int clampi(int x, int lo, int hi) { return x < lo ? lo : x > hi ? hi : x; }

TWIN(void, addsat_u8, (u8 *r, const u8 *a, const u8 *b, int n), {
    for (int i = 0; i < n; i++) {
        unsigned s = a[i] + b[i];
        r[i] = s > 255 ? 255 : s;
    }
})
TWIN(void, subsat_u8, (u8 *r, const u8 *a, const u8 *b, int n), {
    for (int i = 0; i < n; i++)
        r[i] = a[i] > b[i] ? a[i] - b[i] : 0;
})
TWIN(void, addsat_s8, (s8 *r, const s8 *a, const s8 *b, int n), {
    for (int i = 0; i < n; i++)
        r[i] = clampi(a[i] + b[i], -128, 127);
})
TWIN(void, subsat_s16, (s16 *r, const s16 *a, const s16 *b, int n), {
    for (int i = 0; i < n; i++)
        r[i] = clampi(a[i] - b[i], -32768, 32767);
})
TWIN(void, avg_u8, (u8 *r, const u8 *a, const u8 *b, int n), {
    for (int i = 0; i < n; i++)
        r[i] = (a[i] + b[i] + 1) >> 1;
})
TWIN(void, havg_u8, (u8 *r, const u8 *a, const u8 *b, int n), {
    for (int i = 0; i < n; i++)
        r[i] = (a[i] + b[i]) >> 1;
})
TWIN(void, avg_s16, (s16 *r, const s16 *a, const s16 *b, int n), {
    for (int i = 0; i < n; i++)
        r[i] = (a[i] + b[i] + 1) >> 1;
})
TWIN(void, absdiff_u8, (u8 *r, const u8 *a, const u8 *b, int n), {
    for (int i = 0; i < n; i++)
        r[i] = a[i] > b[i] ? a[i] - b[i] : b[i] - a[i];
})
TWIN(void, absdiff_s16, (s16 *r, const s16 *a, const s16 *b, int n), {
    for (int i = 0; i < n; i++) {
        int d = a[i] - b[i];
        r[i] = d < 0 ? -d : d;
    }
})
TWIN(u32, sad_u8, (const u8 *a, const u8 *b, int n), {
    u32 s = 0;
    for (int i = 0; i < n; i++)
        s += a[i] > b[i] ? a[i] - b[i] : b[i] - a[i];
    return s;
})
TWIN(s32, sad_s16, (const s16 *a, const s16 *b, int n), {
    s32 s = 0;
    for (int i = 0; i < n; i++) {
        int d = a[i] - b[i];
        s += d < 0 ? -d : d;
    }
    return s;
})
TWIN(s32, dot_s16, (const s16 *a, const s16 *b, int n), {
    s32 s = 0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
})
TWIN(long long, dot_s16_64, (const s16 *a, const s16 *b, int n), {
    long long s = 0;
    for (int i = 0; i < n; i++)
        s += (long long)(a[i] * b[i]);
    return s;
})
TWIN(s32, dot_s8, (const s8 *a, const s8 *b, int n), {
    s32 s = 0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
})
TWIN(u32, dot_u8, (const u8 *a, const u8 *b, int n), {
    u32 s = 0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
})
TWIN(void, mac_s16, (s32 *acc, const s16 *a, s16 k, int n), {
    for (int i = 0; i < n; i++)
        acc[i] += a[i] * k;
})
TWIN(void, narrow_s16_s8, (s8 *r, const s16 *a, int n), {
    for (int i = 0; i < n; i++)
        r[i] = clampi(a[i], -128, 127);
})
TWIN(void, narrow_s16_u8, (u8 *r, const s16 *a, int n), {
    for (int i = 0; i < n; i++)
        r[i] = clampi(a[i], 0, 255);
})
TWIN(void, q15_mul, (s16 *r, const s16 *a, const s16 *b, int n), {
    for (int i = 0; i < n; i++)
        r[i] = clampi((a[i] * b[i] + 0x4000) >> 15, -32768, 32767);
})
TWIN(void, round_shift_s16, (s16 *r, const s16 *a, int n), {
    for (int i = 0; i < n; i++)
        r[i] = (s16)((a[i] + 8) >> 4);
})

static s32 acc_v[N + 16], acc_s[N + 16];

static void plain_c(void)
{
    addsat_u8_v(ur, ua, ub, N); addsat_u8_s(ur2, ua, ub, N); check("uqadd_u8", ur, ur2, N);
    subsat_u8_v(ur, ua, ub, N); subsat_u8_s(ur2, ua, ub, N); check("uqsub_u8", ur, ur2, N);
    addsat_s8_v(sr, sa, sb, N); addsat_s8_s(sr2, sa, sb, N); check("sqadd_s8", sr, sr2, N);
    subsat_s16_v(hr, ha, hb, N); subsat_s16_s(hr2, ha, hb, N); check("sqsub_s16", hr, hr2, 2 * N);
    avg_u8_v(ur, ua, ub, N); avg_u8_s(ur2, ua, ub, N); check("urhadd_u8", ur, ur2, N);
    havg_u8_v(ur, ua, ub, N); havg_u8_s(ur2, ua, ub, N); check("uhadd_u8", ur, ur2, N);
    avg_s16_v(hr, ha, hb, N); avg_s16_s(hr2, ha, hb, N); check("srhadd_s16", hr, hr2, 2 * N);
    absdiff_u8_v(ur, ua, ub, N); absdiff_u8_s(ur2, ua, ub, N); check("uabd_u8", ur, ur2, N);
    absdiff_s16_v(hr, ha, hb, N); absdiff_s16_s(hr2, ha, hb, N); check("sabd_s16", hr, hr2, 2 * N);
    check64("sad_u8", sad_u8_v(ua, ub, N), sad_u8_s(ua, ub, N));
    check64("sad_s16", (u32)sad_s16_v(ha, hb, N), (u32)sad_s16_s(ha, hb, N));
    check64("dot_s16", (u32)dot_s16_v(ha, hb, N), (u32)dot_s16_s(ha, hb, N));
    check64("dot_s16_64", dot_s16_64_v(ha, hb, N), dot_s16_64_s(ha, hb, N));
    check64("dot_s8", (u32)dot_s8_v(sa, sb, N), (u32)dot_s8_s(sa, sb, N));
    check64("dot_u8", dot_u8_v(ua, ub, N), dot_u8_s(ua, ub, N));
    for (int i = 0; i < N; i++)
        acc_v[i] = acc_s[i] = i * 1000 - 300000;
    mac_s16_v(acc_v, ha, -12345, N); mac_s16_s(acc_s, ha, -12345, N); check("mac_s16", acc_v, acc_s, 4 * N);
    narrow_s16_s8_v(sr, ha, N); narrow_s16_s8_s(sr2, ha, N); check("sqxtn_s16", sr, sr2, N);
    narrow_s16_u8_v(ur, ha, N); narrow_s16_u8_s(ur2, ha, N); check("sqxtun_s16", ur, ur2, N);
    q15_mul_v(hr, ha, hb, N); q15_mul_s(hr2, ha, hb, N); check("q15_mul", hr, hr2, 2 * N);
    round_shift_s16_v(hr, ha, N); round_shift_s16_s(hr2, ha, N); check("rshr_s16", hr, hr2, 2 * N);
}

/* ---- intrinsics: vector kernels and their scalar definitions ---- */

static void qc_show(const char *name)
{
    u64 f = get_fpsr();
    label_(name);
    puts_(" qc=");
    putc_((f >> 27) & 1 ? '1' : '0');
    putc_('\n');
    set_fpsr(0);
}

static int sat16(long long x) { return x > 32767 ? 32767 : x < -32768 ? -32768 : (int)x; }
static long long sat32(long long x) { return x > 2147483647LL ? 2147483647LL : x < -2147483648LL ? -2147483648LL : x; }

static s32 w32a[N + 16], w32b[N + 16];

static void intrinsics(void)
{
    int n8 = N / 8 * 8, n4 = N / 4 * 4;

    /* SQDMULH / SQRDMULH on halfwords */
    set_fpsr(0);
    for (int i = 0; i < n8; i += 8)
        vst1q_s16(hr + i, vqdmulhq_s16(vld1q_s16(ha + i), vld1q_s16(hb + i)));
    qc_show("sqdmulh qc");
    for (int i = 0; i < n8; i++)
        hr2[i] = sat16((2LL * ha[i] * hb[i]) >> 16);
    check("sqdmulh", hr, hr2, 2 * n8);
    for (int i = 0; i < n8; i += 8)
        vst1q_s16(hr + i, vqrdmulhq_s16(vld1q_s16(ha + i), vld1q_s16(hb + i)));
    qc_show("sqrdmulh qc");
    for (int i = 0; i < n8; i++)
        hr2[i] = sat16((2LL * ha[i] * hb[i] + 0x8000) >> 16);
    check("sqrdmulh", hr, hr2, 2 * n8);

    /* by element: SQRDMULH, MLA, SMLAL, SQDMLAL with lane 5 of a fixed vector */
    int16x8_t coef = vld1q_s16(hb + 40);
    for (int i = 0; i < n8; i += 8)
        vst1q_s16(hr + i, vqrdmulhq_laneq_s16(vld1q_s16(ha + i), coef, 5));
    qc_show("sqrdmulh_lane qc");
    for (int i = 0; i < n8; i++)
        hr2[i] = sat16((2LL * ha[i] * hb[45] + 0x8000) >> 16);
    check("sqrdmulh_lane", hr, hr2, 2 * n8);
    for (int i = 0; i < n8; i += 8)
        vst1q_s16(hr + i, vmlaq_laneq_s16(vld1q_s16(hb + i), vld1q_s16(ha + i), coef, 3));
    for (int i = 0; i < n8; i++)
        hr2[i] = (s16)(hb[i] + ha[i] * hb[43]);
    check("mla_lane", hr, hr2, 2 * n8);
    int32x4_t acc = vdupq_n_s32(0), qacc = vdupq_n_s32(0x7ff00000);
    for (int i = 0; i < n8; i += 8) {
        int16x8_t x = vld1q_s16(ha + i);
        acc = vmlal_high_laneq_s16(vmlal_laneq_s16(acc, vget_low_s16(x), coef, 1), x, coef, 7);
        qacc = vqdmlal_laneq_s16(qacc, vget_low_s16(x), coef, 2);
    }
    qc_show("sqdmlal_lane qc");
    {
        s32 e[4] = {0, 0, 0, 0};
        long long q[4] = {0x7ff00000, 0x7ff00000, 0x7ff00000, 0x7ff00000};
        for (int i = 0; i < n8; i += 8)
            for (int l = 0; l < 4; l++) {
                e[l] += ha[i + l] * hb[41] + ha[i + 4 + l] * hb[47];
                q[l] = sat32(q[l] + sat32(2LL * ha[i + l] * hb[42]));
            }
        s32 got[4], gq[4], eq[4];
        vst1q_s32(got, acc);
        vst1q_s32(gq, qacc);
        for (int l = 0; l < 4; l++)
            eq[l] = (s32)q[l];
        check("smlal_lane", got, e, 16);
        check("sqdmlal_lane", gq, eq, 16);
    }

    /* SQDMULL / SQDMLSL (vector), widening */
    for (int i = 0; i < n8; i += 8) {
        int16x8_t x = vld1q_s16(ha + i), y = vld1q_s16(hb + i);
        vst1q_s32(w32a + i, vqdmull_s16(vget_low_s16(x), vget_low_s16(y)));
        vst1q_s32(w32a + i + 4, vqdmlsl_high_s16(vdupq_n_s32(-5), x, y));
    }
    qc_show("sqdmull qc");
    for (int i = 0; i < n8; i += 8)
        for (int l = 0; l < 4; l++) {
            w32b[i + l] = (s32)sat32(2LL * ha[i + l] * hb[i + l]);
            w32b[i + 4 + l] = (s32)sat32(-5 - sat32(2LL * ha[i + 4 + l] * hb[i + 4 + l]));
        }
    check("sqdmull", w32a, w32b, 4 * n8);

    /* rounding shift right (+accumulate), saturating shifts by immediate and register */
    for (int i = 0; i < n8; i += 8) {
        int16x8_t x = vld1q_s16(ha + i);
        vst1q_s16(hr + i, vrsraq_n_s16(vrshrq_n_s16(x, 3), x, 11));
    }
    for (int i = 0; i < n8; i++)
        hr2[i] = (s16)(((ha[i] + 4) >> 3) + ((ha[i] + 1024) >> 11));
    check("srshr_srsra", hr, hr2, 2 * n8);
    for (int i = 0; i < n8; i += 8)
        vst1q_s16(hr + i, vqshlq_n_s16(vld1q_s16(ha + i), 4));
    qc_show("sqshl_imm qc");
    for (int i = 0; i < n8; i++)
        hr2[i] = sat16(ha[i] * 16);
    check("sqshl_imm", hr, hr2, 2 * n8);
    for (int i = 0; i < N; i += 16)
        vst1q_u8(ur + i, vqrshlq_u8(vld1q_u8(ua + i), vld1q_s8((const s8 *)ub + i)));
    qc_show("uqrshl qc");
    for (int i = 0; i < N; i++) {
        int sh = (s8)ub[i];
        long long v = ua[i];
        long long r = sh >= 0 ? (sh >= 16 ? (v ? 256 : 0) : v << sh) : (sh <= -9 ? 0 : (v + (1LL << (-sh - 1))) >> -sh);
        ur2[i] = r > 255 ? 255 : (u8)r;
    }
    check("uqrshl", ur, ur2, N);

    /* saturating narrows by immediate: SQRSHRN, SQSHRUN2, UQRSHRN */
    for (int i = 0; i < n4; i++) {
        w32a[i] = (s32)(next() << 1) >> (next() & 15);
    }
    for (int i = 0; i < n8; i += 8) {
        int32x4_t lo = vld1q_s32(w32a + i), hi = vld1q_s32(w32a + i + 4);
        vst1q_s16(hr + i, vcombine_s16(vqrshrn_n_s32(lo, 7), vqrshrn_n_s32(hi, 7)));
        vst1q_u16((u16 *)hr2 + i, vqshrun_high_n_s32(vqshrun_n_s32(lo, 9), hi, 9));
    }
    qc_show("sqrshrn qc");
    {
        static s16 e1[N + 16];
        static u16 e2[N + 16];
        for (int i = 0; i < n8; i++) {
            e1[i] = sat16(((long long)w32a[i] + 64) >> 7);
            long long v = (long long)w32a[i] >> 9;
            e2[i] = v < 0 ? 0 : v > 65535 ? 65535 : (u16)v;
        }
        check("sqrshrn", hr, e1, 2 * n8);
        check("sqshrun2", hr2, e2, 2 * n8);
    }

    /* SHSUB, UQSUB (scalar), SUQADD, SQABS, PMUL */
    for (int i = 0; i < N; i += 16) {
        int8x16_t x = vld1q_s8(sa + i), y = vld1q_s8(sb + i);
        vst1q_s8(sr + i, vhsubq_s8(x, y));
        vst1q_s8(sr2 + i, vqabsq_s8(vuqaddq_s8(x, vld1q_u8(ub + i))));
        vst1q_u8(ur + i, vreinterpretq_u8_p8(vmulq_p8(vreinterpretq_p8_u8(vld1q_u8(ua + i)), vreinterpretq_p8_u8(vld1q_u8(ub + i)))));
    }
    qc_show("suqadd_sqabs qc");
    {
        static s8 e1[N + 16], e2[N + 16];
        static u8 e3[N + 16];
        for (int i = 0; i < N; i++) {
            e1[i] = (s8)((sa[i] - sb[i]) >> 1);
            int t = clampi(sa[i] + ub[i], -128, 127);
            e2[i] = (s8)clampi(t < 0 ? -t : t, -128, 127);
            unsigned p = 0;
            for (int k = 0; k < 8; k++)
                if ((ub[i] >> k) & 1)
                    p ^= (unsigned)ua[i] << k;
            e3[i] = (u8)p;
        }
        check("shsub", sr, e1, N);
        check("suqadd_sqabs", sr2, e2, N);
        check("pmul", ur, e3, N);
    }
    u32 x = 0;
    for (int i = 0; i < N; i++)
        x += vqsubs_u32(ua[i] * 100000u, ub[i] * 100000u) >> 3;
    qc_show("uqsub_scalar qc");
    u32 y = 0;
    for (int i = 0; i < N; i++)
        y += (ua[i] > ub[i] ? (ua[i] - ub[i]) * 100000u : 0) >> 3;
    check64("uqsub_scalar", x, y);
}

/* The C kernels again through intrinsics, for the forms gcc does not vectorise
 * C into (saturating add/subtract, absolute differences, saturating narrows). */
static void intrinsic_twins(void)
{
    int n16 = N / 16 * 16;
    for (int i = 0; i < n16; i += 16) {
        uint8x16_t a = vld1q_u8(ua + i), b = vld1q_u8(ub + i);
        vst1q_u8(ur + i, vqaddq_u8(a, b));
    }
    qc_show("vqaddq_u8 qc");
    addsat_u8_s(ur2, ua, ub, n16);
    check("vqaddq_u8", ur, ur2, n16);
    for (int i = 0; i < n16; i += 16)
        vst1q_u8(ur + i, vqsubq_u8(vld1q_u8(ua + i), vld1q_u8(ub + i)));
    subsat_u8_s(ur2, ua, ub, n16);
    check("vqsubq_u8", ur, ur2, n16);
    for (int i = 0; i < n16; i += 16)
        vst1q_s8(sr + i, vqaddq_s8(vld1q_s8(sa + i), vld1q_s8(sb + i)));
    qc_show("vqaddq_s8 qc");
    addsat_s8_s(sr2, sa, sb, n16);
    check("vqaddq_s8", sr, sr2, n16);
    for (int i = 0; i < n16; i += 8)
        vst1q_s16(hr + i, vqsubq_s16(vld1q_s16(ha + i), vld1q_s16(hb + i)));
    qc_show("vqsubq_s16 qc");
    subsat_s16_s(hr2, ha, hb, n16);
    check("vqsubq_s16", hr, hr2, 2 * n16);
    for (int i = 0; i < n16; i += 16)
        vst1q_u8(ur + i, vabdq_u8(vld1q_u8(ua + i), vld1q_u8(ub + i)));
    absdiff_u8_s(ur2, ua, ub, n16);
    check("vabdq_u8", ur, ur2, n16);
    for (int i = 0; i < n16; i += 8)
        vst1q_s16(hr + i, vabdq_s16(vld1q_s16(ha + i), vld1q_s16(hb + i)));
    absdiff_s16_s(hr2, ha, hb, n16);
    check("vabdq_s16", hr, hr2, 2 * n16);
    /* SAD: UABAL/UABAL2 into halfwords, then UADALP into words */
    uint16x8_t s16acc = vdupq_n_u16(0);
    uint32x4_t s32acc = vdupq_n_u32(0);
    uint8x16_t uacc = vdupq_n_u8(0);
    for (int i = 0; i < n16; i += 16) {
        uint8x16_t a = vld1q_u8(ua + i), b = vld1q_u8(ub + i);
        s16acc = vabal_high_u8(vabal_u8(s16acc, vget_low_u8(a), vget_low_u8(b)), a, b);
        uacc = vabaq_u8(uacc, a, b);
        if ((i & 255) == 240) {
            s32acc = vpadalq_u16(s32acc, s16acc);
            s16acc = vdupq_n_u16(0);
        }
    }
    s32acc = vpadalq_u16(s32acc, s16acc);
    check64("sad_uabal", vaddvq_u32(s32acc), sad_u8_s(ua, ub, n16));
    {
        u8 e[16] = {0}, g[16];
        for (int i = 0; i < n16; i++)
            e[i & 15] += ua[i] > ub[i] ? ua[i] - ub[i] : ub[i] - ua[i];
        vst1q_u8(g, uacc);
        check("uaba", g, e, 16);
    }
    /* SAD of halfwords: SABDL/SABAL2 into words */
    int32x4_t sacc = vdupq_n_s32(0);
    for (int i = 0; i < n16; i += 8) {
        int16x8_t a = vld1q_s16(ha + i), b = vld1q_s16(hb + i);
        sacc = vaddq_s32(sacc, vabdl_s16(vget_low_s16(a), vget_low_s16(b)));
        sacc = vabal_high_s16(sacc, a, b);
    }
    check64("sad_sabal", (u32)vaddvq_s32(sacc), (u32)sad_s16_s(ha, hb, n16));
    /* saturating narrows */
    for (int i = 0; i < n16; i += 16) {
        int16x8_t lo = vld1q_s16(ha + i), hi = vld1q_s16(ha + i + 8);
        vst1q_s8(sr + i, vqmovn_high_s16(vqmovn_s16(lo), hi));
        vst1q_u8(ur + i, vqmovun_high_s16(vqmovun_s16(lo), hi));
    }
    qc_show("vqmovn qc");
    narrow_s16_s8_s(sr2, ha, n16);
    check("vqmovn_s16", sr, sr2, n16);
    narrow_s16_u8_s(ur2, ha, n16);
    check("vqmovun_s16", ur, ur2, n16);
    for (int i = 0; i < n16; i += 8)
        vst1_u8(ur + i, vqmovn_u16(vld1q_u16((const u16 *)ha + i)));
    qc_show("vqmovn_u16 qc");
    for (int i = 0; i < n16; i++)
        ur2[i] = (u16)ha[i] > 255 ? 255 : (u8)ha[i];
    check("vqmovn_u16", ur, ur2, n16);
    /* widening dot product of bytes: SMULL/SMULL2 + SADALP */
    int32x4_t dacc = vdupq_n_s32(0);
    for (int i = 0; i < n16; i += 16) {
        int8x16_t a = vld1q_s8(sa + i), b = vld1q_s8(sb + i);
        dacc = vpadalq_s16(dacc, vmull_s8(vget_low_s8(a), vget_low_s8(b)));
        dacc = vpadalq_s16(dacc, vmull_high_s8(a, b));
    }
    check64("dot_smull", (u32)vaddvq_s32(dacc), (u32)dot_s8_s(sa, sb, n16));
}

int main(void)
{
    fill();
    plain_c();
    intrinsics();
    intrinsic_twins();
    puts_("mismatches ");
    dec(bad);
    putc_('\n');
    flush();
    return bad;
}
