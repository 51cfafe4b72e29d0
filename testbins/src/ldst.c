/*
 * ldst: loads and stores in every addressing mode, exclusive and
 * acquire/release accesses, and FP/SIMD register loads/stores.
 * Freestanding: no libc, see mini.h.  Addresses are never printed, only
 * values and base-register deltas, so output is deterministic.
 */
#include "mini.h"

static u8 buf[128] __attribute__((aligned(16)));
static u8 dst[128] __attribute__((aligned(16)));

static void fill(void)
{
    for (unsigned i = 0; i < sizeof(buf); i++)
        buf[i] = (u8)(i * 0x1d + 0x80);  /* mixes high-bit-set bytes in */
    for (unsigned i = 0; i < sizeof(dst); i++)
        dst[i] = 0;
}

static void dump(const char *name, const u8 *p, unsigned n)
{
    label_(name);
    putc_(' ');
    for (unsigned i = 0; i < n; i++)
        hexn(p[i], 2);
    putc_('\n');
}

/* load with value + writeback delta */
static void showwb(const char *name, u64 v, u64 delta)
{
    label_(name);
    putc_(' ');
    hex64(v);
    puts_(" wb=");
    hex64(delta);
    putc_('\n');
}

static void t_loads(void)
{
    u64 r;
    const u8 *p = buf;
#define L(text)                                                              \
    __asm__ volatile(text : "=&r"(r) : "r"(p) : "memory");                   \
    show64(text, r);
    L("ldrb %w0, [%1]")
    L("ldrb %w0, [%1, #7]")
    L("ldrsb %w0, [%1, #1]")
    L("ldrsb %0, [%1, #1]")
    L("ldrsb %0, [%1, #3]")
    L("ldrh %w0, [%1, #2]")
    L("ldrsh %w0, [%1, #2]")
    L("ldrsh %0, [%1, #6]")
    L("ldr %w0, [%1, #4]")
    L("ldrsw %0, [%1, #4]")
    L("ldrsw %0, [%1, #12]")
    L("ldr %0, [%1, #8]")
    L("ldr %0, [%1, #120]")
    L("ldur %0, [%1, #3]")
    L("ldur %w0, [%1, #1]")
    L("ldurh %w0, [%1, #5]")
    L("ldursb %0, [%1, #9]")
    L("ldursh %w0, [%1, #11]")
    L("ldursw %0, [%1, #13]")
    L("add x9, %1, #32\n\tldur %0, [x9, #-17]")
    L("add x9, %1, #64\n\tldr %0, [x9, #-8]")
#undef L
}

/* extreme immediate offsets, inside a larger buffer */
static u8 wide[40960] __attribute__((aligned(16)));

static void t_ranges(void)
{
    u64 r, a, b, base, base0;
    const u8 *p = wide + 4096;
    for (unsigned i = 0; i < sizeof(wide); i++)
        wide[i] = (u8)(i ^ (i >> 8) ^ 0x5a);
#define L(text)                                                              \
    __asm__ volatile(text : "=&r"(r) : "r"(p) : "memory");                   \
    show64(text, r);
    L("ldrb %w0, [%1, #4095]")
    L("ldrh %w0, [%1, #8190]")
    L("ldr %w0, [%1, #16380]")
    L("ldr %0, [%1, #32760]")
    L("ldursb %0, [%1, #-256]")
    L("ldur %0, [%1, #255]")
#undef L
    base0 = base = (u64)p;
    __asm__ volatile("ldr %0, [%1, #-256]!" : "=&r"(r), "+r"(base) : : "memory");
    showwb("ldr x0, [x1, #-256]!", r, base - base0);
    base0 = base = (u64)p;
    __asm__ volatile("ldp %0, %1, [%2, #504]" : "=&r"(a), "=&r"(b) : "r"(base) : "memory");
    show64("ldp x0, x1, [x2, #504] a", a);
    show64("ldp x0, x1, [x2, #504] b", b);
    __asm__ volatile("ldp %0, %1, [%2, #-512]!" : "=&r"(a), "=&r"(b), "+r"(base) : : "memory");
    showwb("ldp x0, x1, [x2, #-512]! a", a, 0);
    showwb("ldp x0, x1, [x2, #-512]! b", b, base - base0);
}

static void t_regoffset(void)
{
    u64 r;
    const u8 *p = buf + 64;
#define R(text, idx)                                                         \
    __asm__ volatile(text : "=&r"(r) : "r"(p), "r"((u64)(idx)) : "memory");  \
    show64(text " idx=" #idx, r);
    R("ldr %0, [%1, %2]", 3)
    R("ldr %0, [%1, %2, lsl #3]", 2)
    R("ldr %0, [%1, %2, lsl #3]", -3)
    R("ldr %w0, [%1, %2, lsl #2]", 5)
    R("ldr %w0, [%1, %w2, sxtw #2]", -7)
    R("ldr %w0, [%1, %w2, uxtw #2]", 0xffffffff00000003UL)
    R("ldr %0, [%1, %w2, sxtw]", -9)
    R("ldr %0, [%1, %w2, uxtw #3]", 0x100000001UL)
    R("ldrb %w0, [%1, %2]", -64)
    R("ldrb %w0, [%1, %w2, sxtw]", -1)
    R("ldrsb %0, [%1, %2]", 2)
    R("ldrh %w0, [%1, %2, lsl #1]", 9)
    R("ldrsh %0, [%1, %w2, sxtw #1]", -2)
    R("ldrsw %0, [%1, %2, lsl #2]", -1)
    R("ldr %0, [%1, %2, sxtx #3]", -8)
#undef R
}

static void t_writeback(void)
{
    u64 v, base, base0;
#define WB(text)                                                             \
    base0 = base = (u64)(buf + 32);                                          \
    __asm__ volatile(text : "=&r"(v), "+r"(base) : : "memory");              \
    showwb(text, v, base - base0);
    WB("ldr %0, [%1, #8]!")
    WB("ldr %0, [%1, #-16]!")
    WB("ldr %0, [%1], #24")
    WB("ldr %0, [%1], #-8")
    WB("ldr %w0, [%1, #4]!")
    WB("ldrb %w0, [%1], #1")
    WB("ldrsb %0, [%1, #-1]!")
    WB("ldrh %w0, [%1, #2]!")
    WB("ldrsh %0, [%1], #-2")
    WB("ldrsw %0, [%1, #-4]!")
    WB("ldr %0, [%1, #255]!")
#undef WB
}

static void t_stores(void)
{
    u64 v = 0x8899aabbccddeeffUL, base, base0;
    fill();
    u8 *q = dst;
#define S(text)                                                              \
    __asm__ volatile(text : : "r"(q), "r"(v) : "memory");
    S("strb %w1, [%0]")
    S("strh %w1, [%0, #2]")
    S("str %w1, [%0, #4]")
    S("str %1, [%0, #8]")
    S("stur %1, [%0, #17]")
    S("sturh %w1, [%0, #27]")
    S("sturb %w1, [%0, #29]")
    S("stur %w1, [%0, #31]")
    S("mov x9, #5\n\tstr %1, [%0, x9, lsl #3]")  /* offset 40 */
    S("mov x9, #12\n\tstr %w1, [%0, x9, lsl #2]") /* offset 48 */
    S("mov x9, #-1\n\tadd x10, %0, #56\n\tstrb %w1, [x10, w9, sxtw]") /* 55 */
    S("mov x9, #28\n\tstrh %w1, [%0, x9, lsl #1]") /* 56 */
    S("str xzr, [%0, #64]\n\tstr wzr, [%0, #72]\n\tmvn x9, xzr\n\tstr x9, [%0, #76]\n\tstrb wzr, [%0, #80]")
#undef S
    dump("stores", dst, 88);

    fill();
#define SW(text)                                                             \
    base0 = base = (u64)(dst + 32);                                          \
    __asm__ volatile(text : "+r"(base) : "r"(v) : "memory");                 \
    showwb(text, 0, base - base0);                                           \
    v = (v << 8) | (v >> 56);
    SW("str %1, [%0, #8]!")
    SW("str %1, [%0], #-16")
    SW("str %w1, [%0, #-4]!")
    SW("strb %w1, [%0], #3")
    SW("strh %w1, [%0, #22]!")
#undef SW
    dump("stores-wb", dst, 64);
}

static void t_pairs(void)
{
    u64 a, b, base, base0;
    fill();
#define LP(text)                                                             \
    base0 = base = (u64)(buf + 48);                                          \
    __asm__ volatile(text : "=&r"(a), "=&r"(b), "+r"(base) : : "memory");    \
    show64(text " a", a);                                                    \
    showwb(text " b", b, base - base0);
    LP("ldp %0, %1, [%2]")
    LP("ldp %0, %1, [%2, #-16]")
    LP("ldp %0, %1, [%2, #16]!")
    LP("ldp %0, %1, [%2], #-32")
    LP("ldp %w0, %w1, [%2, #4]")
    LP("ldp %w0, %w1, [%2, #-8]!")
    LP("ldp %w0, %w1, [%2], #8")
    LP("ldpsw %0, %1, [%2, #4]")
    LP("ldpsw %0, %1, [%2], #-4")
    LP("ldnp %0, %1, [%2, #32]")
#undef LP
    u64 x = 0x0102030405060708UL, y = 0xf1f2f3f4f5f6f7f8UL;
#define SP(text)                                                             \
    base0 = base = (u64)(dst + 48);                                          \
    __asm__ volatile(text : "+r"(base) : "r"(x), "r"(y) : "memory");         \
    showwb(text, 0, base - base0);
    SP("stp %1, %2, [%0]")
    SP("stp %1, %2, [%0, #-32]!")
    SP("stp %w1, %w2, [%0], #24")
    SP("stp %w2, %w1, [%0, #-8]!")
    SP("stnp %2, %1, [%0, #32]")
    SP("stp xzr, %1, [%0, #-48]")
#undef SP
    dump("stp", dst, 96);

    /* push/pop through sp */
    u64 r1, r2;
    __asm__ volatile("stp %2, %3, [sp, #-16]!\n\t"
                     "str %2, [sp, #-16]!\n\t"
                     "ldr %0, [sp], #16\n\t"
                     "ldp %1, %0, [sp], #16"
                     : "=&r"(r1), "=&r"(r2) : "r"(x), "r"(y) : "memory");
    show64("sp push/pop r1", r1);
    show64("sp push/pop r2", r2);
}

static void t_literal(void)
{
    u64 r;
    __asm__ volatile("ldr %0, 1f\n\tb 2f\n\t.balign 8\n1:\t.quad 0x0123456789abcdef\n2:" : "=r"(r));
    show64("ldr literal x", r);
    __asm__ volatile("ldr %w0, 1f\n\tb 2f\n\t.balign 4\n1:\t.word 0x89abcdef\n2:" : "=r"(r));
    show64("ldr literal w", r);
    __asm__ volatile("ldrsw %0, 1f\n\tb 2f\n\t.balign 4\n1:\t.word 0x89abcdef\n2:" : "=r"(r));
    show64("ldrsw literal", r);
    __asm__ volatile("ldr d0, 1f\n\tfmov %0, d0\n\tb 2f\n\t.balign 8\n1:\t.quad 0x400921fb54442d18\n2:"
                     : "=r"(r) : : "v0");
    show64("ldr literal d", r);
    __asm__ volatile("prfm pldl1keep, 1f\n\tmov %0, #3\n1:" : "=r"(r));
    show64("prfm literal", r);
}

static u64 counter __attribute__((aligned(16)));
static u64 pair[2] __attribute__((aligned(16)));

static void t_exclusive(void)
{
    u64 v, st, old;
    u64 *p = &counter;
    counter = 0x1111;
    /* ldxr/stxr success path */
    __asm__ volatile("1:\tldxr %0, [%2]\n\tadd %0, %0, #1\n\tstxr %w1, %0, [%2]\n\tcbnz %w1, 1b"
                     : "=&r"(v), "=&r"(st) : "r"(p) : "memory");
    show64("ldxr/stxr value", counter);
    show64("ldxr/stxr status", st);
    /* a store-exclusive after clrex must fail and not write */
    __asm__ volatile("ldxr %0, [%2]\n\tclrex\n\tmov x9, #0x77\n\tstxr %w1, x9, [%2]"
                     : "=&r"(v), "=&r"(st) : "r"(p) : "memory", "x9");
    show64("stxr after clrex status", st);
    show64("stxr after clrex memory", counter);
    /* acquire/release exclusive, 100 increments */
    for (int i = 0; i < 100; i++)
        __asm__ volatile("1:\tldaxr %0, [%2]\n\tadd %0, %0, #3\n\tstlxr %w1, %0, [%2]\n\tcbnz %w1, 1b"
                         : "=&r"(v), "=&r"(st) : "r"(p) : "memory");
    show64("ldaxr/stlxr x100", counter);
    /* byte/half/word exclusives */
    counter = 0xfedcba9876543210UL;
    __asm__ volatile("ldxrb %w0, [%2]\n\tadd %w0, %w0, #1\n\tstxrb %w1, %w0, [%2]" : "=&r"(v), "=&r"(st) : "r"(p) : "memory");
    __asm__ volatile("add x9, %2, #2\n\tldaxrh %w0, [x9]\n\tadd %w0, %w0, #1\n\tstlxrh %w1, %w0, [x9]" : "=&r"(v), "=&r"(st) : "r"(p) : "memory", "x9");
    __asm__ volatile("add x9, %2, #4\n\tldxr %w0, [x9]\n\tadd %w0, %w0, #1\n\tstxr %w1, %w0, [x9]" : "=&r"(v), "=&r"(st) : "r"(p) : "memory", "x9");
    show64("ldxrb/ldaxrh/ldxr w", counter);
    /* pair exclusive */
    pair[0] = 5; pair[1] = 6;
    u64 a, b;
    __asm__ volatile("1:\tldxp %0, %1, [%3]\n\tadd %0, %0, #10\n\tadd %1, %1, #20\n\t"
                     "stxp %w2, %0, %1, [%3]\n\tcbnz %w2, 1b"
                     : "=&r"(a), "=&r"(b), "=&r"(st) : "r"(pair) : "memory");
    show64("ldxp/stxp lo", pair[0]);
    show64("ldxp/stxp hi", pair[1]);
    __asm__ volatile("1:\tldaxp %w0, %w1, [%3]\n\tstlxp %w2, %w1, %w0, [%3]\n\tcbnz %w2, 1b"
                     : "=&r"(a), "=&r"(b), "=&r"(st) : "r"(pair) : "memory");
    show64("ldaxp/stlxp w swap", pair[0]);
    /* load-acquire / store-release */
    counter = 0;
    __asm__ volatile("stlr %1, [%0]" : : "r"(p), "r"(0xa5a5a5a5deadbeefUL) : "memory");
    __asm__ volatile("ldar %0, [%1]" : "=r"(old) : "r"(p) : "memory");
    show64("stlr/ldar x", old);
    __asm__ volatile("ldar %w0, [%1]" : "=r"(old) : "r"(p) : "memory");
    show64("ldar w", old);
    __asm__ volatile("ldarh %w0, [%1]" : "=r"(old) : "r"(p) : "memory");
    show64("ldarh", old);
    __asm__ volatile("ldarb %w0, [%1]" : "=r"(old) : "r"(p) : "memory");
    show64("ldarb", old);
    __asm__ volatile("stlrb %w1, [%0]\n\tadd x9, %0, #2\n\tstlrh %w1, [x9]\n\tadd x9, %0, #4\n\tstlr %w1, [x9]"
                     : : "r"(p), "r"(0x11223344UL) : "memory", "x9");
    show64("stlrb/stlrh/stlr w", counter);
}

static void t_fpsimd_mem(void)
{
    fill();
    u64 base, base0;
    __asm__ volatile("ldr q0, [%0]\n\tstr q0, [%1]\n\t"
                     "ldr d1, [%0, #16]\n\tstr d1, [%1, #16]\n\t"
                     "ldr s2, [%0, #24]\n\tstr s2, [%1, #24]\n\t"
                     "ldr h3, [%0, #28]\n\tstr h3, [%1, #28]\n\t"
                     "ldr b4, [%0, #30]\n\tstr b4, [%1, #30]\n\t"
                     "ldp q5, q6, [%0, #32]\n\tstp q6, q5, [%1, #32]\n\t"
                     "ldur q7, [%0, #67]\n\tstur q7, [%1, #65]\n\t"
                     "ldp d0, d1, [%0, #96]\n\tstp d1, d0, [%1, #96]\n\t"
                     "ldp s2, s3, [%0, #112]\n\tstp s3, s2, [%1, #112]\n\t"
                     "mov x9, #15\n\tldr q1, [%0, x9]\n\tmov x9, #7\n\tstr q1, [%1, x9, lsl #4]"
                     : : "r"(buf), "r"(dst) : "memory", "x9", "v0", "v1", "v2", "v3", "v4",
                       "v5", "v6", "v7");
    dump("fp ld/st 0..63", dst, 64);
    dump("fp ld/st 64..127", dst + 64, 64);
    /* upper lanes are zeroed by a scalar load */
    u64 lo, hi;
    __asm__ volatile("ldr q0, [%2]\n\tldr s0, [%2, #8]\n\tmov %0, v0.d[0]\n\tmov %1, v0.d[1]"
                     : "=r"(lo), "=r"(hi) : "r"(buf) : "v0", "memory");
    show64("ldr s zero-extends lo", lo);
    show64("ldr s zero-extends hi", hi);
    base0 = base = (u64)(buf + 32);
    __asm__ volatile("ldr q0, [%0, #16]!\n\tldr d1, [%0], #-8\n\tfmov %1, d1" : "+r"(base), "=r"(lo) : : "v0", "v1", "memory");
    showwb("ldr q pre, d post", lo, base - base0);
}

int main(void)
{
    fill();
    puts_("== immediate offsets\n");
    t_loads();
    puts_("== offset ranges\n");
    t_ranges();
    puts_("== register offsets\n");
    t_regoffset();
    puts_("== pre/post index\n");
    t_writeback();
    puts_("== stores\n");
    t_stores();
    puts_("== pairs\n");
    t_pairs();
    puts_("== literals\n");
    t_literal();
    puts_("== exclusive and acquire/release\n");
    t_exclusive();
    puts_("== fp/simd registers\n");
    t_fpsimd_mem();
    puts_("ldst done\n");
    return 0;
}
