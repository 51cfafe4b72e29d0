/*
 * simd_sat: Advanced SIMD saturating arithmetic, narrowing and shifts (with
 * FPSR.QC, the cumulative saturation flag, printed after each one), rounding
 * and halving arithmetic, absolute differences, polynomial multiply, doubling
 * multiply-high, and multiplies by element.  The inputs A, B, C are the same
 * as in simd.c.  Vectors print as "hi:lo" 64-bit halves, followed by " qc="
 * and FPSR.QC.
 * Freestanding: no libc, see mini.h.
 */
#include "mini.h"

typedef u8 v16 __attribute__((vector_size(16)));

static u64 get_fpsr(void) { u64 v; __asm__ volatile("mrs %0, fpsr" : "=r"(v)); return v; }
static void set_fpsr(u64 v) { __asm__ volatile("msr fpsr, %0" : : "r"(v)); }

static v16 mk(u64 lo, u64 hi)
{
    union { u64 q[2]; v16 v; } x = {.q = {lo, hi}};
    return x.v;
}

/* print the vector and FPSR.QC (bit 27), then clear FPSR */
static void vshow(const char *name, v16 v)
{
    union { u64 q[2]; v16 v; } x = {.v = v};
    u64 fpsr = get_fpsr();
    label_(name);
    putc_(' ');
    hex64(x.q[1]);
    putc_(':');
    hex64(x.q[0]);
    puts_(" qc=");
    putc_((fpsr >> 27) & 1 ? '1' : '0');
    putc_('\n');
    set_fpsr(0);
}

static v16 A, B, C, S1, S2;

static void binops(v16 a, v16 b)
{
    v16 r;
    set_fpsr(0);
#define V2(text)                                                             \
    __asm__ volatile(text : "=&w"(r) : "w"(a), "w"(b));                      \
    vshow(text, r);
    /* saturating add/subtract */
    V2("sqadd %0.16b, %1.16b, %2.16b")
    V2("uqadd %0.8h, %1.8h, %2.8h")
    V2("sqsub %0.4s, %1.4s, %2.4s")
    V2("uqsub %0.16b, %1.16b, %2.16b")
    V2("sqadd %0.2d, %1.2d, %2.2d")
    V2("uqsub %0.2d, %1.2d, %2.2d")
    V2("mov %0.16b, %1.16b\n\tsuqadd %0.16b, %2.16b")
    V2("mov %0.16b, %1.16b\n\tusqadd %0.8h, %2.8h")
    V2("sqadd %b0, %b1, %b2")
    V2("uqsub %s0, %s1, %s2")
    /* absolute difference, halving, rounding halving */
    V2("uabd %0.16b, %1.16b, %2.16b")
    V2("sabd %0.4s, %1.4s, %2.4s")
    V2("mov %0.16b, %1.16b\n\tuaba %0.8h, %1.8h, %2.8h")
    V2("sabdl %0.8h, %1.8b, %2.8b")
    V2("urhadd %0.16b, %1.16b, %2.16b")
    V2("srhadd %0.4s, %1.4s, %2.4s")
    V2("shadd %0.8h, %1.8h, %2.8h")
    V2("uhsub %0.16b, %1.16b, %2.16b")
    V2("raddhn %0.8b, %1.8h, %2.8h")
    /* saturating and rounding shifts by register */
    V2("sqshl %0.16b, %1.16b, %2.16b")
    V2("uqshl %0.8h, %1.8h, %2.8h")
    V2("srshl %0.4s, %1.4s, %2.4s")
    V2("urshl %0.16b, %1.16b, %2.16b")
    V2("sqrshl %0.8h, %1.8h, %2.8h")
    /* multiplies */
    V2("pmul %0.16b, %1.16b, %2.16b")
    V2("pmull %0.8h, %1.8b, %2.8b")
    V2("sqdmulh %0.8h, %1.8h, %2.8h")
    V2("sqrdmulh %0.4s, %1.4s, %2.4s")
    V2("sqdmull %0.4s, %1.4h, %2.4h")
    V2("mul %0.4s, %1.4s, %2.s[2]")
    V2("mul %0.8h, %1.8h, %2.h[7]")
    V2("mov %0.16b, %1.16b\n\tmla %0.4s, %1.4s, %2.s[1]")
    V2("umull2 %0.4s, %1.8h, %2.h[3]")
    V2("sqdmulh %0.4s, %1.4s, %2.s[3]")
    V2("sqrdmulh %0.8h, %1.8h, %2.h[0]")
#undef V2
}

static void unops(v16 a)
{
    v16 r;
    set_fpsr(0);
#define V1(text)                                                             \
    __asm__ volatile(text : "=&w"(r) : "w"(a));                              \
    vshow(text, r);
    V1("sqabs %0.16b, %1.16b")
    V1("sqneg %0.8h, %1.8h")
    V1("srshr %0.4s, %1.4s, #4")
    V1("urshr %0.16b, %1.16b, #3")
    V1("mov %0.16b, %1.16b\n\tsrsra %0.8h, %1.8h, #5")
    V1("rshrn %0.8b, %1.8h, #4")
    V1("mov %0.16b, %1.16b\n\trshrn2 %0.16b, %1.8h, #1")
    V1("sqshl %0.16b, %1.16b, #3")
    V1("uqshl %0.4s, %1.4s, #8")
    V1("sqshlu %0.8h, %1.8h, #2")
    V1("uqxtn %0.8b, %1.8h")
    V1("sqxtn %0.4h, %1.4s")
    V1("sqxtun %0.2s, %1.2d")
    V1("mov %0.16b, %1.16b\n\tsqxtn2 %0.16b, %1.8h")
    V1("sqshrn %0.8b, %1.8h, #4")
    V1("uqshrn %0.4h, %1.4s, #8")
    V1("sqrshrun %0.2s, %1.2d, #16")
    V1("uqrshrn %0.8b, %1.8h, #1")
    V1("sqxtn %b0, %h1")
#undef V1
}

static void fp_by_element(void)
{
    v16 r;
    v16 fa = mk(0x400000003f800000UL, 0xc0400000bf000000UL); /* 1, 2, -0.5, -3 */
    v16 fb = mk(0x3e80000040a00000UL, 0x7f80000041200000UL); /* 5, 0.25, 10, inf */
    set_fpsr(0);
#define FV(text)                                                             \
    __asm__ volatile(text : "=&w"(r) : "w"(fa), "w"(fb));                    \
    vshow(text, r);
    FV("mov %0.16b, %1.16b\n\tfmls %0.4s, %2.4s, %1.s[1]")
    FV("mov %0.16b, %1.16b\n\tfmla %0.4s, %1.4s, %2.s[2]")
    FV("fmul %0.4s, %1.4s, %2.s[0]")
    FV("fmulx %0.4s, %1.4s, %2.4s")
    FV("frecpe %0.4s, %2.4s")
    FV("frsqrte %0.4s, %2.4s")
    FV("frecps %0.4s, %1.4s, %2.4s")
    FV("frsqrts %0.4s, %1.4s, %2.4s")
#undef FV
}

int main(void)
{
    A = mk(0x8877665544332211UL, 0x00ff7f80fedcba98UL);
    B = mk(0x0123456789abcdefUL, 0xf0e1d2c3b4a59687UL);
    C = mk(0x5555555555555555UL, 0xaaaaaaaaaaaaaaaaUL);
    /* edge values: the extremes of every lane size */
    S1 = mk(0x7fffffff80000000UL, 0x7f80ff007fff8000UL);
    S2 = mk(0x7fffffffffffffffUL, 0x01ff7f8001000180UL);
    puts_("== binary A,B\n");
    binops(A, B);
    puts_("== binary S1,S2\n");
    binops(S1, S2);
    puts_("== binary C,A\n");
    binops(C, A);
    puts_("== unary A\n");
    unops(A);
    puts_("== unary S1\n");
    unops(S1);
    puts_("== unary S2\n");
    unops(S2);
    puts_("== fp by element, estimates\n");
    fp_by_element();
    puts_("simd_sat done\n");
    return 0;
}
