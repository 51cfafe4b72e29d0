/*
 * fenv: the floating-point environment through C99 <fenv.h> and FPCR/FPSR.
 *
 * For each rounding mode (fesetround: RN, RP, RM, RZ) a grid of double and
 * float operations (+ - * / sqrt fma, narrowing and integer conversions,
 * rint/nearbyint/lrint) on inputs chosen to round, overflow, underflow, divide
 * by zero and be invalid; each line prints the result bits and the exception
 * flags the operation raised (feclearexcept before, fetestexcept after).
 * Then: feraiseexcept, fegetexceptflag/fesetexceptflag, fegetenv/fesetenv,
 * feholdexcept/feupdateenv, and through inline asm FPCR.FZ (flush denormal
 * inputs and results to zero, IDC/UFC), FPCR.DN (default NaN) and FPCR.AHP
 * (alternative half precision in fcvt), with the raw FPSR.
 *
 * Inputs and results go through volatile variables so that nothing is folded
 * at compile time or moved across the fenv calls.
 */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static volatile double va, vb, vc, vr;
static volatile float fa, fb, fc, fr;
static volatile long vl;
static volatile int vi;

static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static double bitsd(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static float bitsf(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

static void flags(void) {
    int e = fetestexcept(FE_ALL_EXCEPT);
    printf(" [%s%s%s%s%s]\n", e & FE_INVALID ? "I" : "-", e & FE_DIVBYZERO ? "Z" : "-",
           e & FE_OVERFLOW ? "O" : "-", e & FE_UNDERFLOW ? "U" : "-", e & FE_INEXACT ? "X" : "-");
}

static uint64_t get_fpcr(void) { uint64_t x; __asm__ volatile("mrs %0, fpcr" : "=r"(x)); return x; }
static void set_fpcr(uint64_t x) { __asm__ volatile("msr fpcr, %0" : : "r"(x)); }
static uint64_t get_fpsr(void) { uint64_t x; __asm__ volatile("mrs %0, fpsr" : "=r"(x)); return x; }
static void set_fpsr(uint64_t x) { __asm__ volatile("msr fpsr, %0" : : "r"(x)); }

#define DOP(name, expr) do { feclearexcept(FE_ALL_EXCEPT); vr = (expr); \
    printf("  %-8s %016llx", name, (unsigned long long)dbits(vr)); flags(); } while (0)
#define FOP(name, expr) do { feclearexcept(FE_ALL_EXCEPT); fr = (expr); \
    printf("  %-8s %08x", name, (unsigned)fbits(fr)); flags(); } while (0)
#define LOP(name, expr) do { feclearexcept(FE_ALL_EXCEPT); vl = (expr); \
    printf("  %-8s %016lx", name, (unsigned long)vl); flags(); } while (0)

static const uint64_t DIN[][3] = {
    {0x3ff0000000000000, 0x4008000000000000, 0x3fb999999999999a}, /* 1, 3, 0.1 */
    {0x7fe1ccf385ebc8a0, 0x4024000000000000, 0xffe1ccf385ebc8a0}, /* 1e308, 10, -1e308 */
    {0x000fffffffffffff, 0x3ff0000000000001, 0x8000000000000000}, /* tiny before rounding */
    {0x0010000000000000, 0x3fe8000000000000, 0x0000000000000001}, /* min normal, 0.75, denormal */
    {0x3ff0000000000000, 0x0000000000000000, 0x7ff0000000000000}, /* 1, 0, inf */
    {0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000001}, /* inf, -inf, qnan */
    {0xc000000000000000, 0x7ff4000000000002, 0x3ff8000000000000}, /* -2, snan, 1.5 */
    {0x4004000000000000, 0xc00c000000000000, 0x41e0000000100000}, /* 2.5, -3.5, 2^31+0.5 */
};

static const uint32_t FIN[][3] = {
    {0x3f800000, 0x40400000, 0x3dcccccd}, /* 1, 3, 0.1 */
    {0x7f7fffff, 0x40000000, 0xff7fffff}, /* max, 2, -max */
    {0x007fffff, 0x3f800001, 0x00000001}, /* tiny before rounding, denormal */
    {0x7f800000, 0x00000000, 0x7fc00001}, /* inf, 0, qnan */
};

static void grid(const char *mode_name, int mode) {
    fesetround(mode);
    printf("mode %s (fegetround %s)\n", mode_name, fegetround() == mode ? "ok" : "WRONG");
    for (unsigned i = 0; i < sizeof(DIN) / sizeof(DIN[0]); i++) {
        va = bitsd(DIN[i][0]); vb = bitsd(DIN[i][1]); vc = bitsd(DIN[i][2]);
        printf(" double %u\n", i);
        DOP("add", va + vb);
        DOP("sub", va - vc);
        DOP("mul", va * vb);
        DOP("div", va / vb);
        DOP("sqrt", sqrt(va));
        DOP("fma", fma(va, vb, vc));
        DOP("rint", rint(vc));
        DOP("nearby", nearbyint(vc));
        FOP("to_f", (float)va);
        LOP("lrint", lrint(vc));
        LOP("trunc", (long)vc);
        LOP("u32", (unsigned)vb);
    }
    for (unsigned i = 0; i < sizeof(FIN) / sizeof(FIN[0]); i++) {
        fa = bitsf(FIN[i][0]); fb = bitsf(FIN[i][1]); fc = bitsf(FIN[i][2]);
        printf(" float %u\n", i);
        FOP("add", fa + fc);
        FOP("mul", fa * fb);
        FOP("div", fc / fb);
        FOP("sqrt", sqrtf(fa));
        FOP("fma", fmaf(fa, fb, fc));
        FOP("from_l", (float)(long)0x7fffffffffffffbfL);
        DOP("to_d", (double)fc);
        LOP("lrintf", lrintf(fa));
    }
    vl = 0x1fffffffffffff01L;
    DOP("from_l", (double)vl);
    vl = -0x7fffffffffffffffL;
    DOP("from_l2", (double)(unsigned long)vl);
    fesetround(FE_TONEAREST);
}

static void fenv_api(void) {
    printf("fenv api\n");
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_OVERFLOW | FE_INEXACT);
    printf("  raise OX ->"); flags();
    printf("  fpsr %llx\n", (unsigned long long)get_fpsr());
    fexcept_t saved;
    fegetexceptflag(&saved, FE_ALL_EXCEPT);
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_DIVBYZERO);
    printf("  raise Z ->"); flags();
    fesetexceptflag(&saved, FE_OVERFLOW);
    printf("  restore O ->"); flags();
    fenv_t env;
    fegetenv(&env);
    fesetround(FE_UPWARD);
    feraiseexcept(FE_INVALID);
    va = 1.0; vb = 3.0;
    vr = va / vb;
    printf("  upward 1/3 %016llx fpcr %llx", (unsigned long long)dbits(vr), (unsigned long long)get_fpcr()); flags();
    fesetenv(&env);
    printf("  setenv: round %d fpcr %llx", fegetround() == FE_TONEAREST, (unsigned long long)get_fpcr()); flags();
    feholdexcept(&env);
    printf("  hold: fpsr %llx\n", (unsigned long long)get_fpsr());
    va = 1e300;
    vr = va * va;
    printf("  held overflow"); flags();
    feupdateenv(&env);
    printf("  updated"); flags();
    feclearexcept(FE_ALL_EXCEPT);
}

static void fpcr_modes(void) {
    const uint64_t FZ = 1 << 24, DN = 1 << 25, AHP = 1 << 26;
    printf("fpcr modes\n");
    static const uint64_t in[][2] = {
        {0x0000000000000001, 0x3ff0000000000000}, /* denormal, 1 */
        {0x0010000000000000, 0x3fe8000000000000}, /* min normal, 0.75 */
        {0x000fffffffffffff, 0x3ff0000000000001}, /* tiny before rounding */
        {0x7ff4000000000001, 0x7ff8000000000002}, /* snan, qnan */
        {0x7ff0000000000000, 0x0000000000000000}, /* inf, 0 */
        {0x800fffffffffffff, 0x0000000000000000}, /* -denormal, 0 */
    };
    static const uint64_t ctl[] = {0, FZ, DN, FZ | DN, FZ | (3 << 22)};
    for (unsigned c = 0; c < sizeof(ctl) / sizeof(ctl[0]); c++) {
        for (unsigned i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
            double a = bitsd(in[i][0]), b = bitsd(in[i][1]), r1, r2, r3, r4;
            int lt;
            set_fpcr(ctl[c]);
            set_fpsr(0);
            __asm__ volatile("fmul %d0, %d1, %d2" : "=w"(r1) : "w"(a), "w"(b));
            uint64_t s1 = get_fpsr();
            set_fpsr(0);
            __asm__ volatile("fadd %d0, %d1, %d2" : "=w"(r2) : "w"(a), "w"(b));
            uint64_t s2 = get_fpsr();
            set_fpsr(0);
            __asm__ volatile("fmax %d0, %d1, %d2" : "=w"(r3) : "w"(a), "w"(b));
            uint64_t s3 = get_fpsr();
            set_fpsr(0);
            __asm__ volatile("fsub %d0, %d1, %d2" : "=w"(r4) : "w"(b), "w"(a));
            uint64_t s4 = get_fpsr();
            set_fpsr(0);
            __asm__ volatile("fcmp %d1, %d2\n cset %w0, lt" : "=r"(lt) : "w"(a), "w"(b) : "cc");
            uint64_t s5 = get_fpsr();
            set_fpcr(0);
            printf("  fpcr %07llx in %u: mul %016llx/%02llx add %016llx/%02llx max %016llx/%02llx sub %016llx/%02llx lt %d/%02llx\n",
                   (unsigned long long)ctl[c], i, (unsigned long long)dbits(r1), (unsigned long long)s1,
                   (unsigned long long)dbits(r2), (unsigned long long)s2, (unsigned long long)dbits(r3),
                   (unsigned long long)s3, (unsigned long long)dbits(r4), (unsigned long long)s4, lt,
                   (unsigned long long)s5);
        }
    }
    /* Half precision conversions with and without AHP. */
    static const uint32_t fin[] = {0x47800000, 0x477fe000, 0x7f800000, 0x7fc00001, 0x33800000, 0x387fc000, 0xc7ffefff};
    static const uint16_t hin[] = {0x7c00, 0x7e01, 0x7fff, 0x0001, 0xfc00};
    for (unsigned c = 0; c < 4; c++) {
        uint64_t f = c == 0 ? 0 : c == 1 ? AHP : c == 2 ? (AHP | (2 << 22)) : (FZ | (1 << 22));
        for (unsigned i = 0; i < sizeof(fin) / sizeof(fin[0]); i++) {
            float x = bitsf(fin[i]);
            uint32_t h;
            set_fpcr(f);
            set_fpsr(0);
            __asm__ volatile("fcvt h0, %s1\n fmov %w0, s0" : "=r"(h) : "w"(x) : "v0");
            uint64_t s = get_fpsr();
            set_fpcr(0);
            printf("  fpcr %07llx f2h %08x -> %04x/%02llx\n", (unsigned long long)f, fin[i], h & 0xffff, (unsigned long long)s);
        }
        for (unsigned i = 0; i < sizeof(hin) / sizeof(hin[0]); i++) {
            uint32_t h = hin[i];
            double r;
            set_fpcr(f);
            set_fpsr(0);
            __asm__ volatile("fmov s0, %w1\n fcvt %d0, h0" : "=w"(r) : "r"(h) : "v0");
            uint64_t s = get_fpsr();
            set_fpcr(0);
            printf("  fpcr %07llx h2d %04x -> %016llx/%02llx\n", (unsigned long long)f, hin[i], (unsigned long long)dbits(r), (unsigned long long)s);
        }
    }
    /* Flags accumulate until FPSR is written; FPCR reads back. */
    set_fpsr(0);
    va = 1.0; vb = 0.0;
    vr = va / vb;
    vr = va / 3.0;
    set_fpcr(FZ | DN | (1 << 22));
    printf("  accumulated fpsr %llx fpcr %llx\n", (unsigned long long)get_fpsr(), (unsigned long long)get_fpcr());
    set_fpcr(0);
    set_fpsr(0);
}

int main(void) {
    grid("RN", FE_TONEAREST);
    grid("RP", FE_UPWARD);
    grid("RM", FE_DOWNWARD);
    grid("RZ", FE_TOWARDZERO);
    fenv_api();
    fpcr_modes();
    return 0;
}
