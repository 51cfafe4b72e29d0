/*
 * fpu: scalar floating point under the default FPCR (round to nearest, no
 * default-NaN, no flush-to-zero): arithmetic with Arm NaN propagation,
 * fused multiply-add, compares, conversions (with saturation and every
 * explicit rounding of fcvt{n,a,m,p,z}), fmov forms, fcsel/fccmp.  Values
 * are printed as raw bit patterns.  Freestanding: no libc, see mini.h.
 *
 * FPSR exception flags, FPCR rounding modes and FPCR.DN/FZ are tested by
 * pending/fpu_flags.c (next milestone).
 */
#include "mini.h"

static u64 dbits(double d) { union { double d; u64 u; } x = {.d = d}; return x.u; }
static double bitsd(u64 u) { union { double d; u64 u; } x = {.u = u}; return x.d; }
static u64 fbits(float f) { union { float f; u32 u; } x = {.f = f}; return x.u; }
static float bitsf(u32 u) { union { float f; u32 u; } x = {.u = u}; return x.f; }

/* doubles: 0, -0, 1, -1.5, 1/3, max, min normal, denormal, inf, -inf, qNaN(payload), 2^53+1-ish */
static const u64 D[] = {
    0x0000000000000000UL, 0x8000000000000000UL, 0x3ff0000000000000UL,
    0xbff8000000000000UL, 0x3fd5555555555555UL, 0x7fefffffffffffffUL,
    0x0010000000000000UL, 0x000000000000abcdUL, 0x7ff0000000000000UL,
    0xfff0000000000000UL, 0x7ff8000000001234UL, 0x4340000000000001UL,
};
#define ND (sizeof(D) / sizeof(D[0]))

static const u32 F[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbfc00000, 0x3eaaaaab,
    0x7f7fffff, 0x00800000, 0x00000123, 0x7f800000, 0xff800000, 0x7fc00042,
};
#define NF (sizeof(F) / sizeof(F[0]))

static void res(const char *op, u64 a, u64 b, u64 r, int w)
{
    label_(op);
    putc_(' ');
    hexn(a, w);
    putc_(' ');
    hexn(b, w);
    puts_(" = ");
    hexn(r, w);
    putc_('\n');
}

#define DOP2(insn)                                                           \
    static void d_##insn(u64 a, u64 b)                                       \
    {                                                                        \
        double r;                                                            \
        __asm__ volatile(#insn " %d0, %d1, %d2" : "=w"(r)                    \
                         : "w"(bitsd(a)), "w"(bitsd(b)));                    \
        res(#insn ".d", a, b, dbits(r), 16);                                 \
    }
#define SOP2(insn)                                                           \
    static void s_##insn(u32 a, u32 b)                                       \
    {                                                                        \
        float r;                                                             \
        __asm__ volatile(#insn " %s0, %s1, %s2" : "=w"(r)                    \
                         : "w"(bitsf(a)), "w"(bitsf(b)));                    \
        res(#insn ".s", a, b, fbits(r), 8);                                  \
    }
DOP2(fadd) DOP2(fsub) DOP2(fmul) DOP2(fdiv) DOP2(fmax) DOP2(fmin)
DOP2(fmaxnm) DOP2(fminnm) DOP2(fnmul) DOP2(fabd)
SOP2(fadd) SOP2(fsub) SOP2(fmul) SOP2(fdiv) SOP2(fmaxnm) SOP2(fmin)

static void d_cmp(u64 a, u64 b)
{
    u64 f1, f2;
    __asm__ volatile("fcmp %d2, %d3\n\tmrs %0, nzcv\n\tfcmpe %d2, %d3\n\tmrs %1, nzcv"
                     : "=r"(f1), "=r"(f2) : "w"(bitsd(a)), "w"(bitsd(b)) : "cc");
    res("fcmp/fcmpe nzcv", a, b, (f1 >> 28) << 4 | (f2 >> 28), 16);
}

static void d_unary(u64 a)
{
    double r;
    float s;
#define U(text)                                                              \
    __asm__ volatile(text " %d0, %d1" : "=w"(r) : "w"(bitsd(a)));            \
    res(text ".d", a, 0, dbits(r), 16);
    U("fsqrt") U("fabs") U("fneg") U("frintn") U("frinta") U("frintm")
    U("frintp") U("frintz") U("frintx") U("frinti")
#undef U
    __asm__ volatile("fcvt %s0, %d1" : "=w"(s) : "w"(bitsd(a)));
    res("fcvt s<-d", a, 0, fbits(s), 16);
}

static void d_convert(u64 a)
{
    u64 r;
#define C(text, reg)                                                         \
    __asm__ volatile(text " %" reg "0, %d1" : "=r"(r) : "w"(bitsd(a)));      \
    res(text " " reg, a, 0, r, 16);
    C("fcvtzs", "x") C("fcvtzs", "w") C("fcvtzu", "x") C("fcvtzu", "w")
    C("fcvtns", "x") C("fcvtas", "x") C("fcvtms", "x") C("fcvtps", "x")
    C("fcvtnu", "w") C("fcvtau", "x")
#undef C
}

static const u64 CV[] = {
    0x0000000000000000UL, 0x3ff8000000000000UL /* 1.5 */, 0x4004000000000000UL /* 2.5 */,
    0xc004000000000000UL /* -2.5 */, 0x400c000000000000UL /* 3.5 */,
    0xbfd999999999999aUL /* -0.4 */, 0x43e0000000000000UL /* 2^63 */,
    0xc3e0000000000000UL /* -2^63 */, 0x41f0000000000000UL /* 2^32 */,
    0x4415af1d78b58c40UL /* 1e20 */, 0x7ff8000000000000UL /* NaN */,
    0xfff0000000000000UL /* -inf */, 0x41dfffffffc00000UL /* 2^31-1 */,
};

static void int_to_fp(u64 v)
{
    double d;
    float f;
    __asm__ volatile("scvtf %d0, %1" : "=w"(d) : "r"(v));
    res("scvtf d<-x", v, 0, dbits(d), 16);
    __asm__ volatile("ucvtf %d0, %1" : "=w"(d) : "r"(v));
    res("ucvtf d<-x", v, 0, dbits(d), 16);
    __asm__ volatile("scvtf %d0, %w1" : "=w"(d) : "r"(v));
    res("scvtf d<-w", v, 0, dbits(d), 16);
    __asm__ volatile("ucvtf %s0, %w1" : "=w"(f) : "r"(v));
    res("ucvtf s<-w", v, 0, fbits(f), 16);
    __asm__ volatile("scvtf %s0, %1" : "=w"(f) : "r"(v));
    res("scvtf s<-x", v, 0, fbits(f), 16);
    __asm__ volatile("scvtf %d0, %1, #16" : "=w"(d) : "r"(v));
    res("scvtf d<-x fixed16", v, 0, dbits(d), 16);
}

static void fused(u64 a, u64 b, u64 c)
{
    double r;
#define FM(insn)                                                             \
    __asm__ volatile(#insn " %d0, %d1, %d2, %d3" : "=w"(r)                   \
                     : "w"(bitsd(a)), "w"(bitsd(b)), "w"(bitsd(c)));         \
    res(#insn " (c=" #insn ")", a, b, dbits(r), 16);
    FM(fmadd) FM(fmsub) FM(fnmadd) FM(fnmsub)
#undef FM
}

static void nans(void)
{
    double r;
    __asm__ volatile("fadd %d0, %d1, %d2" : "=w"(r) : "w"(bitsd(0x7ff8000000001234UL)), "w"(1.0));
    show64("fadd(qnan,1)", dbits(r));
    __asm__ volatile("fadd %d0, %d1, %d2" : "=w"(r) : "w"(bitsd(0x7ff0000000005678UL)), "w"(bitsd(0x7ff8000000001234UL)));
    show64("fadd(snan,qnan)", dbits(r));
}

static void misc(void)
{
    double d;
    float f;
    u64 r, lo, hi;
    __asm__ volatile("fmov %d0, #1.5" : "=w"(d));
    show64("fmov d #1.5", dbits(d));
    __asm__ volatile("fmov %s0, #-0.125" : "=w"(f));
    show64("fmov s #-0.125", fbits(f));
    __asm__ volatile("fmov %d0, #31.0" : "=w"(d));
    show64("fmov d #31.0", dbits(d));
    __asm__ volatile("fmov d0, %1\n\tfmov %0, d0" : "=r"(r) : "r"(0x0123456789abcdefUL) : "v0");
    show64("fmov x->d->x", r);
    __asm__ volatile("fmov s0, %w1\n\tfmov %0, d0" : "=r"(r) : "r"(0xffffffff89abcdefUL) : "v0");
    show64("fmov w->s zero-extends", r);
    __asm__ volatile("movi v0.2d, #0xffffffffffffffff\n\tfmov v0.d[1], %2\n\tfmov %0, d0\n\tfmov %1, v0.d[1]"
                     : "=r"(lo), "=r"(hi) : "r"(0x1122334455667788UL) : "v0");
    show64("fmov v.d[1] lo", lo);
    show64("fmov v.d[1] hi", hi);
    __asm__ volatile("movi v0.2d, #0xffffffffffffffff\n\tfadd d0, d0, d0\n\tfmov %0, v0.d[1]"
                     : "=r"(hi) : : "v0");
    show64("scalar op zeroes upper lane", hi);
    /* fcsel / fccmp */
    __asm__ volatile("fcmp %d1, %d2\n\tfcsel %d0, %d1, %d2, gt" : "=w"(d) : "w"(2.0), "w"(3.0) : "cc");
    show64("fcsel gt (2>3?)", dbits(d));
    __asm__ volatile("mov x9, #0\n\tcmp x9, #0\n\tfccmp %d1, %d2, #0b0010, eq\n\tmrs %0, nzcv"
                     : "=r"(r) : "w"(2.0), "w"(bitsd(0x7ff8000000000000UL)) : "cc", "x9");
    show64("fccmp eq with nan", r);
    __asm__ volatile("mov x9, #0\n\tcmp x9, #1\n\tfccmp %d1, %d2, #0b0010, eq\n\tmrs %0, nzcv"
                     : "=r"(r) : "w"(2.0), "w"(3.0) : "cc", "x9");
    show64("fccmp ne -> imm", r);
    /* half precision conversions */
    u32 h;
    __asm__ volatile("fcvt h0, %d1\n\tfmov %w0, s0" : "=r"(h) : "w"(bitsd(0x3ff5555555555555UL)) : "v0");
    show64("fcvt h<-d (1.333)", h);
    __asm__ volatile("fmov s0, %w1\n\tfcvt %d0, h0" : "=w"(d) : "r"(0x7bffU) : "v0");
    show64("fcvt d<-h (65504)", dbits(d));
    __asm__ volatile("fcvt h0, %s1\n\tfmov %w0, s0" : "=r"(h) : "w"(1e6f) : "v0");
    show64("fcvt h<-s (1e6 overflow)", h);
    /* float -> double exact */
    __asm__ volatile("fcvt %d0, %s1" : "=w"(d) : "w"(bitsf(0x00000123)));
    show64("fcvt d<-s denormal", dbits(d));
}

int main(void)
{
    puts_("== double arithmetic\n");
    for (unsigned i = 0; i < ND; i++)
        for (unsigned j = i % 3; j < ND; j += 3) {
            d_fadd(D[i], D[j]); d_fsub(D[i], D[j]); d_fmul(D[i], D[j]); d_fdiv(D[i], D[j]);
            d_fmax(D[i], D[j]); d_fmin(D[i], D[j]); d_fmaxnm(D[i], D[j]); d_fminnm(D[i], D[j]);
            d_fnmul(D[i], D[j]); d_fabd(D[i], D[j]); d_cmp(D[i], D[j]);
        }
    puts_("== single arithmetic\n");
    for (unsigned i = 0; i < NF; i++)
        for (unsigned j = i % 3; j < NF; j += 3) {
            s_fadd(F[i], F[j]); s_fsub(F[i], F[j]); s_fmul(F[i], F[j]); s_fdiv(F[i], F[j]);
            s_fmaxnm(F[i], F[j]); s_fmin(F[i], F[j]);
        }
    puts_("== unary\n");
    for (unsigned i = 0; i < ND; i++)
        d_unary(D[i]);
    for (unsigned i = 0; i < sizeof(CV) / sizeof(CV[0]); i++)
        d_unary(CV[i]);
    puts_("== fp -> int\n");
    for (unsigned i = 0; i < sizeof(CV) / sizeof(CV[0]); i++)
        d_convert(CV[i]);
    puts_("== int -> fp\n");
    {
        static const u64 iv[] = {0, 1, 0xffffffffffffffffUL, 0x8000000000000000UL,
                                 0x7fffffffffffffffUL, 0x0020000000000001UL, 0x80000001UL,
                                 0x0000000001000001UL};
        for (unsigned i = 0; i < sizeof(iv) / sizeof(iv[0]); i++)
            int_to_fp(iv[i]);
    }
    puts_("== fused multiply-add\n");
    fused(0x3ff0000000000001UL, 0x3ff0000000000001UL, 0xbff0000000000002UL);
    fused(0x7fefffffffffffffUL, 0x4000000000000000UL, 0xffefffffffffffffUL);
    fused(0x0000000000000000UL, 0x7ff0000000000000UL, 0x3ff0000000000000UL);
    fused(0x4008000000000000UL, 0x4010000000000000UL, 0x8000000000000000UL);
    puts_("== nan propagation\n");
    nans();
    puts_("== misc\n");
    misc();
    puts_("fpu done\n");
    return 0;
}
