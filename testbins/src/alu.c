/*
 * alu: integer data-processing and branch instructions, checked one by one
 * through inline assembly (so the compiler cannot fold them away) and printed
 * as hex.  Freestanding: no libc, see mini.h.
 *
 * Every result is printed as the full 64-bit register so that 32-bit (W)
 * forms are also checked for zeroing the upper half.
 */
#include "mini.h"

static const u64 V[] = {
    0x0000000000000000UL, 0x0000000000000001UL, 0x000000007fffffffUL,
    0x0000000080000000UL, 0x00000000ffffffffUL, 0x7fffffffffffffffUL,
    0x8000000000000000UL, 0xffffffffffffffffUL, 0x123456789abcdef0UL,
};
#define NV (sizeof(V) / sizeof(V[0]))

static const u64 M[] = {
    0x0000000000000000UL, 0x0000000000000003UL, 0x00000000fffffffdUL,
    0x7fffffffffffffffUL, 0x8000000000000000UL, 0xfffffffffffffff9UL,
    0x00000001fffffff0UL, 0x123456789abcdef0UL,
};
#define NM (sizeof(M) / sizeof(M[0]))

static void line3(const char *op, u64 a, u64 b, u64 r)
{
    label_(op);
    putc_(' ');
    hex64(a);
    putc_(' ');
    hex64(b);
    puts_(" = ");
    hex64(r);
    putc_('\n');
}

static void line3f(const char *op, u64 a, u64 b, u64 r, u64 nzcv)
{
    label_(op);
    putc_(' ');
    hex64(a);
    putc_(' ');
    hex64(b);
    puts_(" = ");
    hex64(r);
    puts_(" nzcv=");
    hexn(nzcv >> 28, 1);
    putc_('\n');
}

static void line2(const char *op, u64 a, u64 r)
{
    label_(op);
    putc_(' ');
    hex64(a);
    puts_(" = ");
    hex64(r);
    putc_('\n');
}

/* two-operand, no flags */
#define OP2(insn, fmt)                                                       \
    static void t_##insn##_##fmt(u64 a, u64 b)                               \
    {                                                                        \
        u64 r;                                                               \
        __asm__ volatile(#insn " %" #fmt "0, %" #fmt "1, %" #fmt "2"         \
                         : "=r"(r) : "r"(a), "r"(b));                        \
        line3(#insn "." #fmt, a, b, r);                                      \
    }

/* two-operand, flag-setting; prints NZCV */
#define OP2F(insn, fmt)                                                      \
    static void t_##insn##_##fmt(u64 a, u64 b)                               \
    {                                                                        \
        u64 r, f;                                                            \
        __asm__ volatile(#insn " %" #fmt "0, %" #fmt "2, %" #fmt "3\n\t"     \
                         "mrs %1, nzcv"                                      \
                         : "=&r"(r), "=r"(f) : "r"(a), "r"(b) : "cc");       \
        line3f(#insn "." #fmt, a, b, r, f);                                  \
    }

/* add/sub with carry: run once with C clear and once with C set */
#define OPC(insn, fmt)                                                       \
    static void t_##insn##_##fmt(u64 a, u64 b)                               \
    {                                                                        \
        for (u64 c = 0; c < 2; c++) {                                        \
            u64 r, f;                                                        \
            __asm__ volatile("msr nzcv, %4\n\t"                              \
                             #insn " %" #fmt "0, %" #fmt "2, %" #fmt "3\n\t" \
                             "mrs %1, nzcv"                                  \
                             : "=&r"(r), "=&r"(f)                            \
                             : "r"(a), "r"(b), "r"(c << 29) : "cc");         \
            line3f(c ? #insn "." #fmt "+c" : #insn "." #fmt, a, b, r, f);    \
        }                                                                    \
    }

OP2(add, x) OP2(add, w) OP2(sub, x) OP2(sub, w)
OP2F(adds, x) OP2F(adds, w) OP2F(subs, x) OP2F(subs, w)
OP2F(ands, x) OP2F(ands, w) OP2F(bics, x) OP2F(bics, w)
OPC(adc, x) OPC(adc, w) OPC(adcs, x) OPC(adcs, w)
OPC(sbc, x) OPC(sbc, w) OPC(sbcs, x) OPC(sbcs, w)
OP2(and, x) OP2(and, w) OP2(orr, x) OP2(orr, w) OP2(eor, x) OP2(eor, w)
OP2(bic, x) OP2(orn, x) OP2(eon, x) OP2(orn, w) OP2(eon, w)
OP2(mul, x) OP2(mul, w) OP2(mneg, x) OP2(smulh, x) OP2(umulh, x)
OP2(udiv, x) OP2(udiv, w) OP2(sdiv, x) OP2(sdiv, w)
OP2(lslv, x) OP2(lslv, w) OP2(lsrv, x) OP2(lsrv, w)
OP2(asrv, x) OP2(asrv, w) OP2(rorv, x) OP2(rorv, w)

static void t_long_mul(u64 a, u64 b)
{
    u64 r;
    __asm__ volatile("smull %0, %w1, %w2" : "=r"(r) : "r"(a), "r"(b));
    line3("smull", a, b, r);
    __asm__ volatile("umull %0, %w1, %w2" : "=r"(r) : "r"(a), "r"(b));
    line3("umull", a, b, r);
    __asm__ volatile("smnegl %0, %w1, %w2" : "=r"(r) : "r"(a), "r"(b));
    line3("smnegl", a, b, r);
    __asm__ volatile("madd %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(0x1111UL));
    line3("madd+1111", a, b, r);
    __asm__ volatile("msub %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(0x1111UL));
    line3("msub+1111", a, b, r);
    __asm__ volatile("madd %w0, %w1, %w2, %w3" : "=r"(r) : "r"(a), "r"(b), "r"(0x1111UL));
    line3("madd.w+1111", a, b, r);
    __asm__ volatile("msub %w0, %w1, %w2, %w3" : "=r"(r) : "r"(a), "r"(b), "r"(0x1111UL));
    line3("msub.w+1111", a, b, r);
    __asm__ volatile("smaddl %0, %w1, %w2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(0x100000000UL));
    line3("smaddl", a, b, r);
    __asm__ volatile("umaddl %0, %w1, %w2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(0x100000000UL));
    line3("umaddl", a, b, r);
    __asm__ volatile("smsubl %0, %w1, %w2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(0x100000000UL));
    line3("smsubl", a, b, r);
    __asm__ volatile("umsubl %0, %w1, %w2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(0x100000000UL));
    line3("umsubl", a, b, r);
}

/* immediate and shifted/extended register forms */
static void t_forms(u64 a, u64 b)
{
    u64 r, f;
#define F1(text)                                                             \
    __asm__ volatile(text : "=r"(r) : "r"(a), "r"(b));                       \
    line3(text, a, b, r);
#define F1F(text)                                                            \
    __asm__ volatile(text "\n\tmrs %1, nzcv" : "=&r"(r), "=r"(f)             \
                     : "r"(a), "r"(b) : "cc");                               \
    line3f(text, a, b, r, f);
    F1("add %0, %1, #0xfff")
    F1("add %0, %1, #0xabc, lsl #12")
    F1("sub %w0, %w1, #1")
    F1("sub %0, %1, #0x123, lsl #12")
    F1("add %0, %1, %2, lsl #7")
    F1("add %0, %1, %2, lsr #63")
    F1("add %0, %1, %2, asr #13")
    F1("sub %0, %1, %2, asr #1")
    F1("add %w0, %w1, %w2, lsl #31")
    F1("sub %w0, %w1, %w2, asr #31")
    F1("add %0, %1, %w2, uxtb")
    F1("add %0, %1, %w2, uxth #1")
    F1("add %0, %1, %w2, uxtw #2")
    F1("add %0, %1, %w2, sxtb #3")
    F1("add %0, %1, %w2, sxth #4")
    F1("add %0, %1, %w2, sxtw")
    F1("sub %0, %1, %w2, sxtw #2")
    F1("sub %0, %1, %2, sxtx #1")
    F1("add %w0, %w1, %w2, sxtb #2")
    F1("and %0, %1, %2, ror #12")
    F1("orr %0, %1, %2, lsl #4")
    F1("eor %w0, %w1, %w2, ror #31")
    F1("bic %0, %1, %2, asr #60")
    F1("orn %w0, %w1, %w2, lsr #3")
    F1("and %0, %1, #0xff")
    F1("and %0, %1, #0xaaaaaaaaaaaaaaaa")
    F1("orr %0, %1, #0x0f0f0f0f0f0f0f0f")
    F1("eor %0, %1, #0xffff0000ffff0000")
    F1("and %0, %1, #0x7ffffffffffffffe")
    F1("orr %w0, %w1, #0x80000001")
    F1("eor %w0, %w1, #0x00ff00ff")
    F1("neg %0, %2")
    F1("neg %w0, %w2")
    F1("neg %0, %2, lsl #3")
    F1("mvn %0, %2")
    F1("mvn %w0, %w2")
    F1F("adds %0, %1, #1")
    F1F("adds %w0, %w1, #1")
    F1F("subs %0, %1, #1")
    F1F("subs %w0, %w1, #0x800, lsl #12")
    F1F("adds %0, %1, %w2, sxtw #1")
    F1F("subs %0, %1, %2, lsl #1")
    F1F("negs %0, %2")
    F1F("negs %w0, %w2")
    F1F("ngcs %0, %2")
    F1F("ands %0, %1, #0x8000000000000001")
    F1F("ands %w0, %w1, #0xfffffffe")
    F1F("cmp %1, %2\n\tmov %0, #0")
    F1F("cmn %1, %2\n\tmov %0, #0")
    F1F("cmp %w1, %w2\n\tmov %0, #0")
    F1F("cmn %w1, #4095\n\tmov %0, #0")
    F1F("tst %1, %2\n\tmov %0, #0")
    F1F("tst %w1, #0x80000000\n\tmov %0, #0")
#undef F1
#undef F1F
}

/* one-operand bit manipulation */
static void t_bits(u64 a)
{
    u64 r;
#define B1(text)                                                             \
    __asm__ volatile(text : "=r"(r) : "r"(a));                               \
    line2(text, a, r);
    B1("clz %0, %1")
    B1("clz %w0, %w1")
    B1("cls %0, %1")
    B1("cls %w0, %w1")
    B1("rbit %0, %1")
    B1("rbit %w0, %w1")
    B1("rev %0, %1")
    B1("rev %w0, %w1")
    B1("rev16 %0, %1")
    B1("rev16 %w0, %w1")
    B1("rev32 %0, %1")
    B1("ubfx %0, %1, #4, #8")
    B1("ubfx %0, %1, #60, #4")
    B1("ubfx %w0, %w1, #31, #1")
    B1("sbfx %0, %1, #28, #8")
    B1("sbfx %0, %1, #0, #1")
    B1("sbfx %w0, %w1, #16, #16")
    B1("ubfiz %0, %1, #8, #4")
    B1("ubfiz %w0, %w1, #28, #4")
    B1("sbfiz %0, %1, #62, #1")
    B1("sbfiz %0, %1, #4, #32")
    B1("sxtb %0, %w1")
    B1("sxth %0, %w1")
    B1("sxtw %0, %w1")
    B1("sxtb %w0, %w1")
    B1("uxtb %w0, %w1")
    B1("uxth %w0, %w1")
    B1("lsl %0, %1, #13")
    B1("lsr %0, %1, #13")
    B1("asr %0, %1, #13")
    B1("ror %0, %1, #13")
    B1("lsl %w0, %w1, #31")
    B1("lsr %w0, %w1, #1")
    B1("asr %w0, %w1, #1")
    B1("ror %w0, %w1, #9")
    B1("extr %0, %1, %1, #7")
    B1("mov %0, #0x5555\n\textr %0, %0, %1, #20")
    B1("mov %0, #0x5555\n\textr %w0, %w0, %w1, #20")
    B1("mov %0, #-1\n\tbfi %0, %1, #8, #12")
    B1("mov %0, #0\n\tbfi %0, %1, #60, #4")
    B1("mov %0, #-1\n\tbfi %w0, %w1, #28, #4")
    B1("mov %0, #0\n\tbfxil %0, %1, #40, #16")
    B1("mov %0, #-1\n\tbfxil %w0, %w1, #4, #8")
    B1("mov %0, %1\n\tbfi %0, xzr, #8, #48")
#undef B1
}

static void t_movwide(void)
{
    u64 r;
#define W(text)                                                              \
    __asm__ volatile(text : "=r"(r));                                        \
    show64(text, r);
    W("movz %0, #0x1234, lsl #48")
    W("movz %0, #0xbeef\n\tmovk %0, #0xdead, lsl #16\n\tmovk %0, #0xcafe, lsl #32")
    W("movn %0, #0")
    W("movn %w0, #0")
    W("movn %0, #0x1234, lsl #16")
    W("movn %w0, #0x8000, lsl #16")
    W("mov %0, #-1\n\tmovk %w0, #0x1111")
    W("mov %0, #-1\n\tmov %w0, %w0")
    W("mov %0, #0x7fffffff\n\tadd %w0, %w0, #1")
    W("mov %0, sp\n\tsub sp, sp, #48\n\tmov %0, sp\n\tadd sp, sp, #48\n\tmov x9, sp\n\tsub %0, x9, %0")
    W("adr %0, 1f\n\tadr x9, 2f\n\tsub %0, x9, %0\n1:\tnop\n\tnop\n2:")
    W("adrp %0, .\n\tand %0, %0, #0xfff")
#undef W
}

/* ---- conditions ----
 * For each condition code, run the instruction under all 16 NZCV values and
 * collect one bit (or nibble) per NZCV value. */
#define CONDS(X) X(eq) X(ne) X(cs) X(cc) X(mi) X(pl) X(vs) X(vc) \
                 X(hi) X(ls) X(ge) X(lt) X(gt) X(le) X(al) X(nv)

#define CSEL_FN(c)                                                           \
    static u64 csel_##c(u64 f)                                               \
    {                                                                        \
        u64 r;                                                               \
        __asm__ volatile("msr nzcv, %1\n\tcsel %0, %2, %3, " #c              \
                         : "=r"(r) : "r"(f << 28), "r"(1UL), "r"(0UL) : "cc"); \
        return r;                                                            \
    }                                                                        \
    static u64 bcond_##c(u64 f)                                              \
    {                                                                        \
        u64 r;                                                               \
        __asm__ volatile("msr nzcv, %1\n\tmov %0, #1\n\tb." #c " 1f\n\t"     \
                         "mov %0, #0\n1:"                                    \
                         : "=&r"(r) : "r"(f << 28) : "cc");                  \
        return r;                                                            \
    }                                                                        \
    static u64 cset_##c(u64 f)                                               \
    {                                                                        \
        u64 r1, r2, r3, r4, r5;                                              \
        __asm__ volatile("msr nzcv, %5\n\t"                                  \
                         "csinc %0, %6, %7, " #c "\n\t"                      \
                         "csinv %1, %6, %7, " #c "\n\t"                      \
                         "csneg %2, %6, %7, " #c "\n\t"                      \
                         "csinc %w3, %w6, %w7, " #c "\n\t"                   \
                         "csneg %w4, %w6, %w7, " #c                          \
                         : "=&r"(r1), "=&r"(r2), "=&r"(r3), "=&r"(r4),       \
                           "=&r"(r5)                                         \
                         : "r"(f << 28), "r"(0x10UL), "r"(0xffffffff00000005UL) \
                         : "cc");                                            \
        return r1 ^ (r2 << 8) ^ (r3 << 16) ^ (r4 << 24) ^ (r5 << 32);        \
    }                                                                        \
    static u64 ccmp_##c(u64 f)                                               \
    {                                                                        \
        u64 r1, r2, r3;                                                      \
        __asm__ volatile("msr nzcv, %3\n\tccmp %4, %5, #0b1001, " #c "\n\t"  \
                         "mrs %0, nzcv\n\t"                                  \
                         "msr nzcv, %3\n\tccmn %w4, #3, #0b0100, " #c "\n\t" \
                         "mrs %1, nzcv\n\t"                                  \
                         "msr nzcv, %3\n\tccmp %4, #31, #0b0010, " #c "\n\t" \
                         "mrs %2, nzcv"                                      \
                         : "=&r"(r1), "=&r"(r2), "=&r"(r3)                   \
                         : "r"(f << 28), "r"(5UL), "r"(7UL) : "cc");         \
        return (r1 >> 28) | ((r2 >> 28) << 4) | ((r3 >> 28) << 8);           \
    }                                                                        \
    static void cond_##c(void)                                               \
    {                                                                        \
        u64 m1 = 0, m2 = 0, sum = 0, cc = 0;                                 \
        for (u64 f = 0; f < 16; f++) {                                       \
            m1 |= csel_##c(f) << f;                                          \
            m2 |= bcond_##c(f) << f;                                         \
            sum = sum * 31 + cset_##c(f);                                    \
            cc = cc * 4099 + ccmp_##c(f);                                    \
        }                                                                    \
        puts_("cond " #c " csel=");                                          \
        hexn(m1, 4);                                                         \
        puts_(" b.cond=");                                                   \
        hexn(m2, 4);                                                         \
        puts_(" csinc/inv/neg=");                                            \
        hex64(sum);                                                          \
        puts_(" ccmp=");                                                     \
        hex64(cc);                                                           \
        putc_('\n');                                                         \
    }
CONDS(CSEL_FN)

static void t_cset_detail(void)
{
    /* a few readable ones, after a real compare */
    u64 a = 5, b = 7, r;
    __asm__ volatile("cmp %1, %2\n\tcset %0, lt" : "=r"(r) : "r"(a), "r"(b) : "cc");
    show64("cset lt 5<7", r);
    __asm__ volatile("cmp %1, %2\n\tcsetm %0, hi" : "=r"(r) : "r"(a), "r"(b) : "cc");
    show64("csetm hi 5>7", r);
    __asm__ volatile("cmp %1, %2\n\tcinc %0, %1, ne" : "=r"(r) : "r"(a), "r"(b) : "cc");
    show64("cinc ne", r);
    __asm__ volatile("cmp %1, %2\n\tcneg %0, %1, ls" : "=r"(r) : "r"(a), "r"(b) : "cc");
    show64("cneg ls", r);
    __asm__ volatile("cmp %1, %2\n\tcinv %w0, %w1, eq" : "=r"(r) : "r"(a), "r"(b) : "cc");
    show64("cinv eq", r);
}

/* ---- branches ---- */
static u64 t_branch_bits(u64 v)
{
    u64 m = 0, t;
#define TB(insn, n, bit)                                                     \
    __asm__ volatile("mov %0, #1\n\t" insn " %1, #" #n ", 1f\n\tmov %0, #0\n1:" \
                     : "=&r"(t) : "r"(v));                                   \
    m |= t << bit;
#define CB(insn, reg, bit)                                                   \
    __asm__ volatile("mov %0, #1\n\t" insn " %" reg "1, 1f\n\tmov %0, #0\n1:" \
                     : "=&r"(t) : "r"(v));                                   \
    m |= t << bit;
    TB("tbz", 0, 0) TB("tbz", 31, 1) TB("tbz", 32, 2) TB("tbz", 63, 3)
    TB("tbnz", 0, 4) TB("tbnz", 31, 5) TB("tbnz", 32, 6) TB("tbnz", 63, 7)
    TB("tbnz %w1, #1, 1f\n\tnop\n\ttbz", 1, 12)
    CB("cbz", "", 8) CB("cbz", "w", 9) CB("cbnz", "", 10) CB("cbnz", "w", 11)
#undef TB
#undef CB
    return m;
}

static u64 __attribute__((noinline)) callee(u64 x) { return x * 3 + 1; }
static u64 (*volatile callee_ptr)(u64) = callee;

static void t_calls(void)
{
    u64 r;
    /* blr through a function pointer, bl direct */
    show64("blr", callee_ptr(13));
    /* br via a computed address, skipping two instructions */
    __asm__ volatile("mov %0, #7\n\tadr x9, 1f\n\tbr x9\n\tmov %0, #1\n\tmov %0, #2\n"
                     "1:\tadd %0, %0, #100"
                     : "=&r"(r) : : "x9");
    show64("br", r);
    /* bl/ret inside asm, check x30 is the return address */
    __asm__ volatile("mov x9, x30\n\tbl 2f\n"
                     "1:\tb 3f\n"
                     "2:\tadr %0, 1b\n\tsub %0, x30, %0\n\tret\n"
                     "3:\tmov x30, x9"
                     : "=&r"(r) : : "x9", "x30");
    show64("bl x30-delta", r);
    /* ret to another register */
    __asm__ volatile("adr x10, 1f\n\tmov %0, #5\n\tret x10\n\tmov %0, #6\n1:"
                     : "=&r"(r) : : "x10");
    show64("ret x10", r);
    /* a loop with cbnz */
    __asm__ volatile("mov %0, #0\n\tmov x9, #10\n1:\tadd %0, %0, x9\n\tsub x9, x9, #1\n\tcbnz x9, 1b"
                     : "=&r"(r) : : "x9");
    show64("loop sum 1..10", r);
}

static void t_system(void)
{
    u64 r, saved;
    __asm__ volatile("mrs %0, tpidr_el0" : "=r"(saved));
    __asm__ volatile("msr tpidr_el0, %1\n\tmrs %0, tpidr_el0" : "=r"(r) : "r"(0x1122334455667788UL));
    __asm__ volatile("msr tpidr_el0, %0" : : "r"(saved));
    show64("tpidr_el0 roundtrip", r);
    __asm__ volatile("msr nzcv, %1\n\tmrs %0, nzcv" : "=r"(r) : "r"(0xffffffffffffffffUL) : "cc");
    show64("nzcv all ones", r);
    __asm__ volatile("nop\n\tyield\n\tdmb ish\n\tdsb sy\n\tisb\n\tclrex\n\tmov %0, #1" : "=r"(r));
    show64("barriers", r);
}

/* smaller operand sets for the less flag-sensitive instructions */
static const u64 S[] = {
    0x0000000000000000UL, 0x0000000000000003UL, 0x00000000fffffffdUL,
    0x8000000000000000UL, 0xfffffffffffffff9UL, 0x123456789abcdef0UL,
};
#define NS (sizeof(S) / sizeof(S[0]))

int main(void)
{
    puts_("== add/sub with flags\n");
    for (unsigned i = 0; i < NV; i++)
        for (unsigned j = 0; j < NV; j++) {
            u64 a = V[i], b = V[j];
            t_adds_x(a, b); t_adds_w(a, b); t_subs_x(a, b); t_subs_w(a, b);
        }
    puts_("== add/sub with carry\n");
    for (unsigned i = 0; i < NS; i += 2)
        for (unsigned j = 0; j < NS; j++) {
            u64 a = S[i], b = S[j];
            t_adcs_x(a, b); t_adcs_w(a, b); t_sbcs_x(a, b); t_sbcs_w(a, b);
        }
    for (unsigned i = 0; i < 3; i++) {
        u64 a = V[i + 5], b = V[8 - i];
        t_add_x(a, b); t_add_w(a, b); t_sub_x(a, b); t_sub_w(a, b);
        t_adc_x(a, b); t_adc_w(a, b); t_sbc_x(a, b); t_sbc_w(a, b);
    }
    puts_("== logical\n");
    for (unsigned i = 1; i < NS; i += 2)
        for (unsigned j = 0; j < NS; j++) {
            u64 a = S[i], b = S[j] ^ 0x0ff0f00f00ff0ff0UL;
            t_ands_x(a, b); t_ands_w(a, b); t_bics_x(a, b); t_bics_w(a, b);
            t_and_x(a, b); t_and_w(a, b); t_orr_x(a, b); t_orr_w(a, b);
            t_eor_x(a, b); t_eor_w(a, b); t_bic_x(a, b);
            t_orn_x(a, b); t_eon_x(a, b); t_orn_w(a, b); t_eon_w(a, b);
        }
    puts_("== multiply/divide\n");
    for (unsigned i = 0; i < NM; i++)
        for (unsigned j = 0; j < NM; j += 2) {
            u64 a = M[i], b = M[j + (i & 1)];
            t_mul_x(a, b); t_mul_w(a, b); t_smulh_x(a, b); t_umulh_x(a, b);
            t_udiv_x(a, b); t_udiv_w(a, b); t_sdiv_x(a, b); t_sdiv_w(a, b);
        }
    for (unsigned i = 0; i < NS; i++)
        for (unsigned j = i & 1; j < NS; j += 3) {
            t_mneg_x(S[i], S[j]);
            t_long_mul(S[i], S[j]);
        }
    t_sdiv_x(0x8000000000000000UL, 0xffffffffffffffffUL);
    t_sdiv_w(0x80000000UL, 0xffffffffUL);
    t_sdiv_x(0xfffffffffffffff9UL, 2);
    puts_("== variable shifts\n");
    {
        static const u64 amt[] = {0, 1, 4, 31, 32, 33, 63, 64, 65, 0xffffffffffffffc1UL};
        for (unsigned i = 0; i < 3; i++)
            for (unsigned j = 0; j < sizeof(amt) / sizeof(amt[0]); j++) {
                u64 a = S[i + 3] ^ 0x8421000000001248UL, b = amt[j];
                t_lslv_x(a, b); t_lslv_w(a, b); t_lsrv_x(a, b); t_lsrv_w(a, b);
                t_asrv_x(a, b); t_asrv_w(a, b); t_rorv_x(a, b); t_rorv_w(a, b);
            }
    }
    puts_("== immediate/shifted/extended forms\n");
    for (unsigned i = 0; i < NS; i++)
        t_forms(S[i], S[NS - 1 - i]);
    puts_("== bit manipulation\n");
    for (unsigned i = 0; i < NS; i++)
        t_bits(S[i]);
    t_bits(0x00f0ff0080c0e001UL);
    puts_("== move wide / address\n");
    t_movwide();
    puts_("== conditions\n");
#define CALL_COND(c) cond_##c();
    CONDS(CALL_COND)
#undef CALL_COND
    t_cset_detail();
    puts_("== branches\n");
    {
        static const u64 bv[] = {0, 1, 0x80000000UL, 0x100000000UL, 0x8000000000000000UL,
                                 0xffffffffffffffffUL, 2, 0xfffffffffffffffdUL};
        for (unsigned i = 0; i < sizeof(bv) / sizeof(bv[0]); i++) {
            puts_("tbz/tbnz/cbz/cbnz ");
            hex64(bv[i]);
            puts_(" -> ");
            hexn(t_branch_bits(bv[i]), 4);
            putc_('\n');
        }
    }
    t_calls();
    puts_("== system\n");
    t_system();
    puts_("alu done\n");
    return 0;
}
