/*
 * simd: a sample of Advanced SIMD (NEON) instructions on 128-bit vectors:
 * integer arithmetic, compares, shifts, narrowing/widening, permutes, table
 * lookups, reductions, lane moves, structure loads/stores and a few vector
 * FP operations.  Vectors print as "hi:lo" 64-bit halves.
 * Freestanding: no libc, see mini.h.
 *
 * Saturating, rounding, halving and absolute-difference operations, pmul,
 * doubling multiplies and multiplies by element are tested by
 * pending/simd_sat.c (next milestone).
 */
#include "mini.h"

typedef u8 v16 __attribute__((vector_size(16)));

static v16 mk(u64 lo, u64 hi)
{
    union { u64 q[2]; v16 v; } x = {.q = {lo, hi}};
    return x.v;
}

static void vshow(const char *name, v16 v)
{
    union { u64 q[2]; v16 v; } x = {.v = v};
    label_(name);
    putc_(' ');
    hex64(x.q[1]);
    putc_(':');
    hex64(x.q[0]);
    putc_('\n');
}

static v16 A, B, C;

static void binops(void)
{
    v16 r;
#define V2(text)                                                             \
    __asm__ volatile(text : "=&w"(r) : "w"(A), "w"(B));                      \
    vshow(text, r);
    V2("add %0.16b, %1.16b, %2.16b")
    V2("add %0.8h, %1.8h, %2.8h")
    V2("add %0.4s, %1.4s, %2.4s")
    V2("add %0.2d, %1.2d, %2.2d")
    V2("sub %0.4s, %1.4s, %2.4s")
    V2("mul %0.8h, %1.8h, %2.8h")
    V2("mul %0.4s, %1.4s, %2.4s")
    V2("addp %0.4s, %1.4s, %2.4s")
    V2("umax %0.16b, %1.16b, %2.16b")
    V2("smin %0.8h, %1.8h, %2.8h")
    V2("and %0.16b, %1.16b, %2.16b")
    V2("orr %0.16b, %1.16b, %2.16b")
    V2("eor %0.16b, %1.16b, %2.16b")
    V2("bic %0.16b, %1.16b, %2.16b")
    V2("orn %0.16b, %1.16b, %2.16b")
    V2("cmeq %0.16b, %1.16b, %2.16b")
    V2("cmgt %0.8h, %1.8h, %2.8h")
    V2("cmhi %0.4s, %1.4s, %2.4s")
    V2("cmge %0.2d, %1.2d, %2.2d")
    V2("cmhs %0.16b, %1.16b, %2.16b")
    V2("cmtst %0.8h, %1.8h, %2.8h")
    V2("ushl %0.4s, %1.4s, %2.4s")
    V2("sshl %0.16b, %1.16b, %2.16b")
    V2("zip1 %0.16b, %1.16b, %2.16b")
    V2("zip2 %0.8h, %1.8h, %2.8h")
    V2("uzp1 %0.4s, %1.4s, %2.4s")
    V2("uzp2 %0.16b, %1.16b, %2.16b")
    V2("trn1 %0.8h, %1.8h, %2.8h")
    V2("trn2 %0.4s, %1.4s, %2.4s")
    V2("ext %0.16b, %1.16b, %2.16b, #3")
    V2("ext %0.16b, %1.16b, %2.16b, #15")
    V2("umull %0.8h, %1.8b, %2.8b")
    V2("smull2 %0.4s, %1.8h, %2.8h")
    V2("umull %0.2d, %1.2s, %2.2s")
    V2("uaddl %0.8h, %1.8b, %2.8b")
    V2("ssubl2 %0.2d, %1.4s, %2.4s")
    V2("uaddw %0.8h, %1.8h, %2.8b")
    V2("addhn %0.8b, %1.8h, %2.8h")
    V2("mov %0.16b, %1.16b\n\tmla %0.4s, %1.4s, %2.4s")
    V2("mov %0.16b, %1.16b\n\tmls %0.8h, %1.8h, %2.8h")
    V2("mov %0.16b, %1.16b\n\tbsl %0.16b, %2.16b, %1.16b")
    V2("mov %0.16b, %1.16b\n\tbit %0.16b, %2.16b, %1.16b")
    V2("mov %0.16b, %2.16b\n\tbif %0.16b, %1.16b, %2.16b")
    V2("mov %0.16b, %1.16b\n\tins %0.s[3], %2.s[0]")
    V2("mov %0.16b, %1.16b\n\tins %0.b[5], %2.b[14]")
    V2("add %0.8b, %1.8b, %2.8b")
#undef V2
}

static void unops(void)
{
    v16 r;
#define V1(text)                                                             \
    __asm__ volatile(text : "=&w"(r) : "w"(A));                              \
    vshow(text, r);
    V1("not %0.16b, %1.16b")
    V1("neg %0.4s, %1.4s")
    V1("abs %0.8h, %1.8h")
    V1("cnt %0.16b, %1.16b")
    V1("clz %0.4s, %1.4s")
    V1("rbit %0.16b, %1.16b")
    V1("rev64 %0.16b, %1.16b")
    V1("rev32 %0.8h, %1.8h")
    V1("rev16 %0.16b, %1.16b")
    V1("cmeq %0.16b, %1.16b, #0")
    V1("cmlt %0.4s, %1.4s, #0")
    V1("cmgt %0.8h, %1.8h, #0")
    V1("shl %0.4s, %1.4s, #7")
    V1("ushr %0.8h, %1.8h, #3")
    V1("sshr %0.16b, %1.16b, #7")
    V1("sshr %0.2d, %1.2d, #63")
    V1("ushr %0.2d, %1.2d, #64")
    V1("mov %0.16b, %1.16b\n\tusra %0.4s, %1.4s, #8")
    V1("mov %0.16b, %1.16b\n\tsli %0.8h, %1.8h, #4")
    V1("mov %0.16b, %1.16b\n\tsri %0.2d, %1.2d, #12")
    V1("shrn %0.8b, %1.8h, #4")
    V1("mov %0.16b, %1.16b\n\tshrn2 %0.16b, %1.8h, #1")
    V1("xtn %0.2s, %1.2d")
    V1("uxtl %0.8h, %1.8b")
    V1("sxtl2 %0.4s, %1.8h")
    V1("ushll %0.2d, %1.2s, #3")
    V1("uaddlp %0.8h, %1.16b")
    V1("saddlp %0.2d, %1.4s")
    V1("dup %0.16b, %1.b[9]")
    V1("dup %0.4s, %1.s[3]")
    V1("dup %0.2d, %1.d[1]")
    V1("addv %b0, %1.16b")
    V1("addv %h0, %1.8h")
    V1("umaxv %s0, %1.4s")
    V1("sminv %b0, %1.16b")
    V1("uaddlv %h0, %1.16b")
    V1("saddlv %d0, %1.4s")
    V1("addp %d0, %1.2d")
    V1("movi %0.16b, #0x5a\n\teor %0.16b, %0.16b, %1.16b")
    V1("movi %0.4s, #0xab, lsl #16\n\torr %0.16b, %0.16b, %1.16b")
    V1("mvni %0.8h, #0x12, lsl #8\n\tand %0.16b, %0.16b, %1.16b")
    V1("movi %0.2d, #0xff00ff0000ffff00\n\tbic %0.16b, %1.16b, %0.16b")
    V1("orr %0.4s, #0x40, lsl #24\n\tmov %0.16b, %1.16b")
    V1("mov %0.16b, %1.16b\n\tbic %0.8h, #0xff")
    V1("mov %0.d[1], %1.d[0]\n\tmov %0.d[0], %1.d[1]")
    V1("movi %0.2d, #0\n\tmov %0.s[2], %1.s[1]")
#undef V1
}

static void lanes(void)
{
    u64 r;
#define G(text)                                                              \
    __asm__ volatile(text : "=r"(r) : "w"(A));                               \
    show64(text, r);
    G("umov %w0, %1.b[15]")
    G("smov %0, %1.b[15]")
    G("umov %w0, %1.h[3]")
    G("smov %w0, %1.h[6]")
    G("mov %w0, %1.s[2]")
    G("smov %0, %1.s[1]")
    G("mov %0, %1.d[1]")
#undef G
    v16 v;
    __asm__ volatile("dup %0.8h, %w1" : "=w"(v) : "r"(0x12345678UL));
    vshow("dup v.8h, w", v);
    __asm__ volatile("dup %0.2d, %1" : "=w"(v) : "r"(0xfedcba9876543210UL));
    vshow("dup v.2d, x", v);
    __asm__ volatile("movi %0.2d, #0\n\tins %0.h[5], %w1" : "=&w"(v) : "r"(0xbeefUL));
    vshow("ins v.h[5], w", v);
}

static void table(void)
{
    v16 r;
    v16 idx = mk(0x000f011e02030410UL, 0x0f0e0d0c0b0a09ffUL);
    __asm__ volatile("tbl %0.16b, {%1.16b}, %2.16b" : "=w"(r) : "w"(A), "w"(idx));
    vshow("tbl 1 reg", r);
    __asm__ volatile("mov v20.16b, %1.16b\n\tmov v21.16b, %2.16b\n\ttbl %0.16b, {v20.16b, v21.16b}, %3.16b"
                     : "=w"(r) : "w"(A), "w"(B), "w"(idx) : "v20", "v21");
    vshow("tbl 2 regs", r);
    __asm__ volatile("mov %0.16b, %2.16b\n\ttbx %0.16b, {%1.16b}, %3.16b"
                     : "=&w"(r) : "w"(A), "w"(C), "w"(idx));
    vshow("tbx 1 reg", r);
}

static u8 mem[96] __attribute__((aligned(16)));
static u8 out[96] __attribute__((aligned(16)));

static void dumpmem(const char *name, const u8 *p, unsigned n)
{
    label_(name);
    putc_(' ');
    for (unsigned i = 0; i < n; i++)
        hexn(p[i], 2);
    putc_('\n');
}

static void structs(void)
{
    for (unsigned i = 0; i < sizeof(mem); i++) {
        mem[i] = (u8)i;
        out[i] = 0;
    }
    v16 r;
    __asm__ volatile("ld2 {v20.16b, v21.16b}, [%1]\n\tmov %0.16b, v21.16b" : "=w"(r) : "r"(mem) : "v20", "v21", "memory");
    vshow("ld2 .16b second", r);
    __asm__ volatile("ld3 {v20.8h, v21.8h, v22.8h}, [%1]\n\tmov %0.16b, v22.16b" : "=w"(r) : "r"(mem) : "v20", "v21", "v22", "memory");
    vshow("ld3 .8h third", r);
    __asm__ volatile("ld4 {v20.4s, v21.4s, v22.4s, v23.4s}, [%1]\n\tmov %0.16b, v21.16b" : "=w"(r) : "r"(mem) : "v20", "v21", "v22", "v23", "memory");
    vshow("ld4 .4s second", r);
    __asm__ volatile("ld1r {%0.8h}, [%1]" : "=w"(r) : "r"(mem + 6) : "memory");
    vshow("ld1r .8h", r);
    __asm__ volatile("movi %0.2d, #0\n\tld1 {%0.s}[2], [%1]" : "=&w"(r) : "r"(mem + 40) : "memory");
    vshow("ld1 lane s[2]", r);
    u64 p = (u64)mem, p0 = p;
    __asm__ volatile("ld1 {v20.16b, v21.16b}, [%1], #32\n\teor %0.16b, v20.16b, v21.16b"
                     : "=w"(r), "+r"(p) : : "v20", "v21", "memory");
    vshow("ld1 x2 post eor", r);
    show64("ld1 post wb", p - p0);
    __asm__ volatile("mov x9, #16\n\tld1 {%0.2d}, [%1], x9" : "=w"(r), "+r"(p) : : "x9", "memory");
    vshow("ld1 post reg", r);
    show64("ld1 post reg wb", p - p0);
    __asm__ volatile("st2 {%1.16b, %2.16b}, [%0]" : : "r"(out), "w"(A), "w"(B) : "memory");
    dumpmem("st2 .16b", out, 32);
    __asm__ volatile("mov v20.16b, %1.16b\n\tmov v21.16b, %2.16b\n\tmov v22.16b, %3.16b\n\t"
                     "st3 {v20.4s, v21.4s, v22.4s}, [%0]"
                     : : "r"(out), "w"(A), "w"(B), "w"(C) : "v20", "v21", "v22", "memory");
    dumpmem("st3 .4s", out, 48);
    __asm__ volatile("st1 {%1.h}[7], [%0]" : : "r"(out + 50), "w"(A) : "memory");
    __asm__ volatile("st1 {%1.8b}, [%0]" : : "r"(out + 56), "w"(B) : "memory");
    dumpmem("st1 lane/8b", out + 48, 16);
}

static void fpvec(void)
{
    v16 r;
    v16 fa = mk(0x400000003f800000UL, 0xc0400000bf000000UL); /* 1, 2, -0.5, -3 */
    v16 fb = mk(0x3e80000040a00000UL, 0x7f80000041200000UL); /* 5, 0.25, 10, inf */
#define FV(text)                                                             \
    __asm__ volatile(text : "=&w"(r) : "w"(fa), "w"(fb));                    \
    vshow(text, r);
    FV("fadd %0.4s, %1.4s, %2.4s")
    FV("fmul %0.4s, %1.4s, %2.4s")
    FV("fdiv %0.4s, %1.4s, %2.4s")
    FV("fmax %0.4s, %1.4s, %2.4s")
    FV("faddp %0.4s, %1.4s, %2.4s")
    FV("fcmgt %0.4s, %1.4s, %2.4s")
    FV("fcmeq %0.4s, %1.4s, #0.0")
    FV("fabs %0.4s, %1.4s")
    FV("fneg %0.4s, %2.4s")
    FV("fsqrt %0.4s, %2.4s")
    FV("frintm %0.4s, %1.4s")
    FV("fcvtzs %0.4s, %1.4s")
    FV("fcvtzu %0.4s, %2.4s")
    FV("scvtf %0.4s, %1.4s")
    FV("ucvtf %0.4s, %2.4s")
    FV("fcvtl %0.2d, %1.2s")
    FV("fcvtl2 %0.2d, %2.4s")
    FV("fcvtn %0.2s, %2.2d")
    FV("mov %0.16b, %1.16b\n\tfmla %0.4s, %1.4s, %2.4s")
    FV("fmul %0.2d, %1.2d, %2.2d")
    FV("fadd %0.2d, %1.2d, %2.2d")
    FV("fmaxnmv %s0, %1.4s")
    FV("fminv %s0, %2.4s")
    FV("fmov %0.4s, #-1.25")
    FV("fmov %0.2d, #0.5")
#undef FV
}

int main(void)
{
    A = mk(0x8877665544332211UL, 0x00ff7f80fedcba98UL);
    B = mk(0x0123456789abcdefUL, 0xf0e1d2c3b4a59687UL);
    C = mk(0x5555555555555555UL, 0xaaaaaaaaaaaaaaaaUL);
    puts_("== binary\n");
    binops();
    puts_("== unary\n");
    unops();
    puts_("== lanes\n");
    lanes();
    puts_("== tables\n");
    table();
    puts_("== structure loads/stores\n");
    structs();
    puts_("== fp vectors\n");
    fpvec();
    puts_("simd done\n");
    return 0;
}
