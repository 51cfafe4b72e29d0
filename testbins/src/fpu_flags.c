/*
 * fpu_flags: the FP environment of scalar floating point: FPSR cumulative
 * exception flags after every operation of fpu.c's arithmetic, conversions
 * and fused multiply-add, flag accumulation, FPCR rounding modes, default-NaN
 * (FPCR.DN) and flush-to-zero (FPCR.FZ) modes, FMULX, the reciprocal and
 * reciprocal-square-root estimate/step instructions and half-precision
 * conversions under each FPCR mode.  Values are printed as raw bit patterns.
 * Freestanding: no libc, see mini.h.
 */
#include "mini.h"

static u64 dbits(double d) { union { double d; u64 u; } x = {.d = d}; return x.u; }
static double bitsd(u64 u) { union { double d; u64 u; } x = {.u = u}; return x.d; }
static u64 fbits(float f) { union { float f; u32 u; } x = {.f = f}; return x.u; }
static float bitsf(u32 u) { union { float f; u32 u; } x = {.u = u}; return x.f; }

static u64 get_fpsr(void) { u64 v; __asm__ volatile("mrs %0, fpsr" : "=r"(v)); return v; }
static void set_fpsr(u64 v) { __asm__ volatile("msr fpsr, %0" : : "r"(v)); }
static u64 get_fpcr(void) { u64 v; __asm__ volatile("mrs %0, fpcr" : "=r"(v)); return v; }
static void set_fpcr(u64 v) { __asm__ volatile("msr fpcr, %0" : : "r"(v)); }

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
    puts_(" fpsr=");
    hexn(get_fpsr(), 8);
    putc_('\n');
    set_fpsr(0);
}

#define DOP2(insn)                                                           \
    static void d_##insn(u64 a, u64 b)                                       \
    {                                                                        \
        double r;                                                            \
        set_fpsr(0);                                                         \
        __asm__ volatile(#insn " %d0, %d1, %d2" : "=w"(r)                    \
                         : "w"(bitsd(a)), "w"(bitsd(b)));                    \
        res(#insn ".d", a, b, dbits(r), 16);                                 \
    }
#define SOP2(insn)                                                           \
    static void s_##insn(u32 a, u32 b)                                       \
    {                                                                        \
        float r;                                                             \
        set_fpsr(0);                                                         \
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
    set_fpsr(0);
    __asm__ volatile("fcmp %d2, %d3\n\tmrs %0, nzcv\n\tfcmpe %d2, %d3\n\tmrs %1, nzcv"
                     : "=r"(f1), "=r"(f2) : "w"(bitsd(a)), "w"(bitsd(b)) : "cc");
    res("fcmp/fcmpe nzcv", a, b, (f1 >> 28) << 4 | (f2 >> 28), 16);
}

static void d_unary(u64 a)
{
    double r;
    float s;
#define U(text)                                                              \
    set_fpsr(0);                                                             \
    __asm__ volatile(text " %d0, %d1" : "=w"(r) : "w"(bitsd(a)));            \
    res(text ".d", a, 0, dbits(r), 16);
    U("fsqrt") U("fabs") U("fneg") U("frintn") U("frinta") U("frintm")
    U("frintp") U("frintz") U("frintx") U("frinti")
#undef U
    set_fpsr(0);
    __asm__ volatile("fcvt %s0, %d1" : "=w"(s) : "w"(bitsd(a)));
    res("fcvt s<-d", a, 0, fbits(s), 16);
}

static void d_convert(u64 a)
{
    u64 r;
#define C(text, reg)                                                         \
    set_fpsr(0);                                                             \
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
    set_fpsr(0);
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
    set_fpsr(0);                                                             \
    __asm__ volatile(#insn " %d0, %d1, %d2, %d3" : "=w"(r)                   \
                     : "w"(bitsd(a)), "w"(bitsd(b)), "w"(bitsd(c)));         \
    res(#insn " (c=" #insn ")", a, b, dbits(r), 16);
    FM(fmadd) FM(fmsub) FM(fnmadd) FM(fnmsub)
#undef FM
}

static void rounding_modes(void)
{
    static const char *names[] = {"RN", "RP", "RM", "RZ"};
    u64 saved = get_fpcr();
    for (u64 m = 0; m < 4; m++) {
        set_fpcr((saved & ~(3UL << 22)) | (m << 22));
        double one = 1.0, tiny = bitsd(0x3c30000000000000UL) /* 2^-60 */, r1, r2, r3, r4;
        __asm__ volatile("fadd %d0, %d1, %d2" : "=w"(r1) : "w"(one), "w"(tiny));
        __asm__ volatile("fsub %d0, %d1, %d2" : "=w"(r2) : "w"(one), "w"(tiny));
        __asm__ volatile("frinti %d0, %d1" : "=w"(r3) : "w"(bitsd(0xc004000000000000UL)));
        __asm__ volatile("fdiv %d0, %d1, %d2" : "=w"(r4) : "w"(1.0), "w"(3.0));
        u64 c;
        __asm__ volatile("fcvtzs %0, %d1" : "=r"(c) : "w"(bitsd(0xc004000000000000UL)));
        double r5, r6;
        float f1;
        __asm__ volatile("fcvt %s0, %d1" : "=w"(f1) : "w"(bitsd(0xbfd5555555555555UL)) /* -1/3 */);
        __asm__ volatile("scvtf %d0, %1" : "=w"(r5) : "r"(0x0020000000000001UL) /* 2^53+1 */);
        __asm__ volatile("fmadd %d0, %d1, %d2, %d3" : "=w"(r6)
                         : "w"(bitsd(0x3ff0000000000001UL)), "w"(bitsd(0x3ff0000000000001UL)), "w"(1.0));
        puts_("rmode ");
        puts_(names[m]);
        puts_(" 1+2^-60=");
        hex64(dbits(r1));
        puts_(" 1-2^-60=");
        hex64(dbits(r2));
        puts_(" frinti(-2.5)=");
        hex64(dbits(r3));
        puts_(" 1/3=");
        hex64(dbits(r4));
        puts_(" fcvtzs(-2.5)=");
        hex64(c);
        putc_('\n');
        puts_("rmode ");
        puts_(names[m]);
        puts_(" fcvt s<-d(-1/3)=");
        hex32(fbits(f1));
        puts_(" scvtf(2^53+1)=");
        hex64(dbits(r5));
        puts_(" fmadd(1+e,1+e,1)=");
        hex64(dbits(r6));
        putc_('\n');
    }
    set_fpcr(saved);
    /* default NaN mode */
    set_fpcr(saved | (1UL << 25));
    double r;
    __asm__ volatile("fadd %d0, %d1, %d2" : "=w"(r) : "w"(bitsd(0x7ff8000000001234UL)), "w"(1.0));
    show64("DN=1 fadd(qnan,1)", dbits(r));
    set_fpcr(saved);
    __asm__ volatile("fadd %d0, %d1, %d2" : "=w"(r) : "w"(bitsd(0x7ff8000000001234UL)), "w"(1.0));
    show64("DN=0 fadd(qnan,1)", dbits(r));
    __asm__ volatile("fadd %d0, %d1, %d2" : "=w"(r) : "w"(bitsd(0x7ff0000000005678UL)), "w"(bitsd(0x7ff8000000001234UL)));
    show64("fadd(snan,qnan)", dbits(r));
    set_fpcr(saved | (1UL << 24));  /* FZ */
    __asm__ volatile("fadd %d0, %d1, %d2" : "=w"(r) : "w"(bitsd(0x000000000000abcdUL)), "w"(0.0));
    show64("FZ=1 fadd(denormal,0)", dbits(r));
    set_fpsr(0);
    __asm__ volatile("fmul %d0, %d1, %d2" : "=w"(r) : "w"(bitsd(0x0010000000000000UL)), "w"(0.5));
    res("FZ=1 fmul(min normal,0.5)", 0x0010000000000000UL, dbits(0.5), dbits(r), 16);
    __asm__ volatile("fmul %d0, %d1, %d2" : "=w"(r) : "w"(bitsd(0x800000000000abcdUL)), "w"(2.0));
    res("FZ=1 fmul(-denormal,2)", 0x800000000000abcdUL, dbits(2.0), dbits(r), 16);
    set_fpcr(saved | (1UL << 25));  /* DN */
    __asm__ volatile("fadd %d0, %d1, %d2" : "=w"(r) : "w"(bitsd(0x7ff0000000005678UL)), "w"(1.0));
    res("DN=1 fadd(snan,1)", 0x7ff0000000005678UL, dbits(1.0), dbits(r), 16);
    set_fpcr(saved);
    show64("fpcr restored", get_fpcr());
}

/* FPSR flags are sticky: they accumulate until written */
static void cumulative(void)
{
    double r;
    set_fpsr(0);
    __asm__ volatile("fdiv %d0, %d1, %d2" : "=w"(r) : "w"(1.0), "w"(0.0));
    show32("after fdiv 1/0", get_fpsr());
    __asm__ volatile("fadd %d0, %d1, %d2" : "=w"(r) : "w"(bitsd(0x7fefffffffffffffUL)), "w"(bitsd(0x7fefffffffffffffUL)));
    show32("then fadd max+max", get_fpsr());
    __asm__ volatile("fadd %d0, %d1, %d2" : "=w"(r) : "w"(1.0), "w"(1.0));
    show32("then exact fadd", get_fpsr());
    set_fpsr(0x0800009fUL);
    show32("msr fpsr 0800009f", get_fpsr());
    set_fpsr(0);
    show32("msr fpsr 0", get_fpsr());
}

/* fmulx and the reciprocal estimate / step instructions */
static void recip(void)
{
    static const u64 V[] = {
        0x0000000000000000UL, 0x8000000000000000UL, 0x3ff0000000000000UL,
        0x4008000000000000UL /* 3 */, 0xbff8000000000000UL, 0x000000000000abcdUL,
        0x7ff0000000000000UL, 0x7ff8000000001234UL, 0x7fefffffffffffffUL,
    };
    const unsigned n = sizeof(V) / sizeof(V[0]);
    double r;
    float f;
    for (unsigned i = 0; i < n; i++) {
        u64 a = V[i];
        set_fpsr(0);
        __asm__ volatile("frecpe %d0, %d1" : "=w"(r) : "w"(bitsd(a)));
        res("frecpe.d", a, 0, dbits(r), 16);
        __asm__ volatile("frsqrte %d0, %d1" : "=w"(r) : "w"(bitsd(a)));
        res("frsqrte.d", a, 0, dbits(r), 16);
        __asm__ volatile("fcvt s0, %d1\n\tfrecpe %s0, s0" : "=w"(f) : "w"(bitsd(a)) : "v0");
        res("frecpe.s", a, 0, fbits(f), 16);
        for (unsigned j = (i * 2) % 3; j < n; j += 3) {
            u64 b = V[j];
            __asm__ volatile("fmulx %d0, %d1, %d2" : "=w"(r) : "w"(bitsd(a)), "w"(bitsd(b)));
            res("fmulx.d", a, b, dbits(r), 16);
            __asm__ volatile("frecps %d0, %d1, %d2" : "=w"(r) : "w"(bitsd(a)), "w"(bitsd(b)));
            res("frecps.d", a, b, dbits(r), 16);
            __asm__ volatile("frsqrts %d0, %d1, %d2" : "=w"(r) : "w"(bitsd(a)), "w"(bitsd(b)));
            res("frsqrts.d", a, b, dbits(r), 16);
        }
    }
}

/* half-precision conversions (base Armv8.0; half-precision arithmetic is
 * FEAT_FP16, which ruser does not implement or advertise): to and from single
 * and double precision, with IEEE and alternative (FPCR.AHP) half precision,
 * default NaN and flush-to-zero, on raw bit patterns */
static void half(void)
{
    static const u32 H[] = {0x0000, 0x8000, 0x3c00 /* 1 */, 0xbe00 /* -1.5 */,
                            0x3555 /* ~1/3 */, 0x7bff /* 65504 */, 0x0001 /* denormal */,
                            0x03ff /* largest denormal */, 0x7c00, 0xfc00,
                            0x7e12 /* qNaN */, 0x7d00 /* sNaN */};
    static const u32 S[] = {0x3f800000, 0x477fe000 /* 65504 */, 0x477ff000 /* rounds up */,
                            0x47800000 /* 65536 */, 0x33800000 /* 2^-24 */, 0x33000000 /* 2^-25 */,
                            0x33000001, 0x38800000 /* 2^-14 */, 0x387fc000, 0x00000001,
                            0x7f800000, 0x7fc01234, 0x7f801234, 0xbeaaaaab, 0xc7ffffff};
    static const u64 D[] = {0x3ff0000000000000UL, 0x40effc0000000000UL, 0x40effe0000000001UL,
                            0x3e70000000000000UL, 0x3e6fffffffffffffUL, 0x0000000000000001UL,
                            0x7ff0000000000000UL, 0x7ff8000000001234UL, 0x7ff0000000001234UL,
                            0xbfd5555555555555UL};
    static const u64 modes[] = {0, 1UL << 26 /* AHP */, 1UL << 25 /* DN */, 1UL << 24 /* FZ */,
                                (1UL << 26) | (1UL << 25), 3UL << 22 /* RZ */, 1UL << 22 /* RP */};
    for (unsigned m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
        set_fpcr(modes[m]);
        for (unsigned i = 0; i < sizeof(H) / sizeof(H[0]); i++) {
            u32 r;
            u64 x;
            set_fpsr(0);
            __asm__ volatile("fmov s0, %w1\n\tfcvt s0, h0\n\tfmov %w0, s0" : "=r"(r) : "r"(H[i]) : "v0");
            res("fcvt s<-h", modes[m], H[i], r, 8);
            __asm__ volatile("fmov s0, %w1\n\tfcvt d0, h0\n\tfmov %0, d0" : "=r"(x) : "r"(H[i]) : "v0");
            res("fcvt d<-h", modes[m], H[i], x, 16);
        }
        for (unsigned i = 0; i < sizeof(S) / sizeof(S[0]); i++) {
            u32 r;
            __asm__ volatile("fmov s0, %w1\n\tfcvt h0, s0\n\tfmov %w0, s0" : "=r"(r) : "r"(S[i]) : "v0");
            res("fcvt h<-s", modes[m], S[i], r, 8);
        }
        for (unsigned i = 0; i < sizeof(D) / sizeof(D[0]); i++) {
            u32 r;
            __asm__ volatile("fmov d0, %1\n\tfcvt h0, d0\n\tfmov %w0, s0" : "=r"(r) : "r"(D[i]) : "v0");
            res("fcvt h<-d", modes[m], D[i], r, 16);
        }
    }
    set_fpcr(0);
}

int main(void)
{
    set_fpsr(0);
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
    puts_("== rounding modes / fpcr\n");
    rounding_modes();
    puts_("== cumulative flags\n");
    cumulative();
    puts_("== fmulx / reciprocal estimates and steps\n");
    recip();
    puts_("== half-precision conversions\n");
    half();
    puts_("fpu_flags done\n");
    return 0;
}
