/*
 * indirect: indirect branches a JIT must resolve at run time and returns a return-address
 * predictor must not get wrong: BR through jump tables (assembly and a C switch), BLR to
 * function pointers, RET from deep recursion (far more than 64 frames), returns to an
 * address other than the call site (x30 modified, RET to a non-return address, RET Xn, BR
 * X30), re-entering an old return address, tail calls, and setjmp/longjmp-style unwinding
 * past many frames.  Each test prints a checksum.  Freestanding: no libc, see mini.h.
 */
#include "mini.h"

u64 jtab(u64 n, u64 seed);
u64 blr_mix(u64 n);
u64 rec_sum(u64 n);
u64 ping(u64 n);
u64 skip_ret(u64 n);
u64 ret_elsewhere(u64 n);
u64 reenter(u64 n);
u64 dive(u64 depth, u64 stop, u64 limit, u64 *buf);
long my_setjmp(u64 *buf) __attribute__((returns_twice));
void my_longjmp(u64 *buf, long v) __attribute__((noreturn));

__asm__(
    ".text\n"

    /* A 16-way jump table of relative offsets (what compilers emit for a switch), indexed by
     * the top bits of an LCG; two entries share a target, one falls through to the latch. */
    ".global jtab\n"
    "jtab:\n"
    "    mov x9, x1\n"
    "    mov x10, #0\n"
    "    adr x12, .Ljt\n"
    "    movz x13, #0x7f2d\n"
    "    movk x13, #0x4c95, lsl #16\n"
    "    movk x13, #0xf42d, lsl #32\n"
    "    movk x13, #0x5851, lsl #48\n"
    "    movz x14, #0x814f\n"
    "    movk x14, #0xf767, lsl #16\n"
    "    movk x14, #0x7b7e, lsl #32\n"
    "    movk x14, #0x1405, lsl #48\n"
    "1:  madd x9, x9, x13, x14\n"
    "    lsr x11, x9, #60\n"
    "    ldrsw x15, [x12, x11, lsl #2]\n"
    "    add x15, x12, x15\n"
    "    br x15\n"
    ".Ljt:\n"
    "    .word .Lc0-.Ljt, .Lc1-.Ljt, .Lc2-.Ljt, .Lc3-.Ljt, .Lc4-.Ljt, .Lc5-.Ljt, .Lc6-.Ljt, .Lc7-.Ljt\n"
    "    .word .Lc8-.Ljt, .Lc9-.Ljt, .Lc10-.Ljt, .Lc11-.Ljt, .Lc12-.Ljt, .Lc5-.Ljt, .Lc14-.Ljt, .Lc15-.Ljt\n"
    ".Lc0:  add x10, x10, #1\n"
    "    b 8f\n"
    ".Lc1:  eor x10, x10, x9\n"
    "    b 8f\n"
    ".Lc2:  add x10, x10, x9, lsr #3\n"
    "    b 8f\n"
    ".Lc3:  ror x10, x10, #11\n"
    "    b 8f\n"
    ".Lc4:  sub x10, x10, x11\n"
    "    b 8f\n"
    ".Lc5:  madd x10, x10, x13, x11\n"
    "    b 8f\n"
    ".Lc6:  eor x10, x10, x10, lsl #9\n"
    "    b 8f\n"
    ".Lc7:  add x10, x10, #0x777\n"
    "    b 8f\n"
    ".Lc8:  add x10, x10, #8\n"      /* falls into c9 */
    ".Lc9:  add x10, x10, #9\n"
    "    b 8f\n"
    ".Lc10: eor x10, x10, #0xff00\n"
    "    b 8f\n"
    ".Lc11: rev x10, x10\n"
    "    b 8f\n"
    ".Lc12: clz x16, x10\n"
    "    add x10, x10, x16\n"
    "    b 8f\n"
    ".Lc14: cbz x10, 8f\n"
    "    sub x10, x10, #1\n"
    "    b 8f\n"
    ".Lc15: add x10, x10, x10, lsl #2\n" /* falls through to the latch */
    "8:  subs x0, x0, #1\n"
    "    b.ne 1b\n"
    "    mov x0, x10\n"
    "    ret\n"

    /* BLR through a table of absolute function addresses. The callees return by RET, by
     * BR X30, by RET X5, by a tail call into another callee, or after nested calls. */
    ".global blr_mix\n"
    "blr_mix:\n"
    "    stp x29, x30, [sp, #-16]!\n"
    "    adr x12, .Lftab\n"
    "    mov x10, x0\n"
    "    mov x11, #0\n"
    "    mov x0, #1\n"
    "1:  eor x13, x11, x11, lsr #3\n"
    "    and x13, x13, #7\n"
    "    ldr x14, [x12, x13, lsl #3]\n"
    "    mov x1, x11\n"
    "    blr x14\n"
    "    add x11, x11, #1\n"
    "    cmp x11, x10\n"
    "    b.lo 1b\n"
    "    ldp x29, x30, [sp], #16\n"
    "    ret\n"
    "    .p2align 3\n"
    ".Lftab:\n"
    "    .quad .Lleaf0, .Lleaf1, .Lleaf2, .Lleaf3, .Lleaf4, .Lleaf5, .Lleaf6, .Lleaf7\n"
    ".Lleaf0: add x0, x0, x1\n"
    "    ret\n"
    ".Lleaf1: eor x0, x0, x1, lsl #7\n"
    "    ret\n"
    ".Lleaf2: madd x0, x0, x1, x1\n"
    "    ret\n"
    ".Lleaf3: ror x0, x0, #3\n"
    "    ret\n"
    ".Lleaf4: sub x0, x0, #1\n"
    "    br x30\n"
    ".Lleaf5: add x0, x0, #5\n"
    "    b .Lleaf0\n"
    ".Lleaf6: mov x5, x30\n"
    "    add x0, x0, #6\n"
    "    ret x5\n"
    ".Lleaf7: stp x29, x30, [sp, #-16]!\n"
    "    bl .Lleaf1\n"
    "    bl .Lleaf3\n"
    "    ldp x29, x30, [sp], #16\n"
    "    ret\n"

    /* Non-tail recursion n frames deep: f(n) = 3 f(n-1) + n. */
    ".global rec_sum\n"
    "rec_sum:\n"
    "    cbz x0, 1f\n"
    "    stp x29, x30, [sp, #-32]!\n"
    "    str x0, [sp, #16]\n"
    "    sub x0, x0, #1\n"
    "    bl rec_sum\n"
    "    ldr x1, [sp, #16]\n"
    "    add x0, x0, x0, lsl #1\n"
    "    add x0, x0, x1\n"
    "    ldp x29, x30, [sp], #32\n"
    "    ret\n"
    "1:  mov x0, #0\n"
    "    ret\n"

    /* Mutual recursion: ping(n) = pong(n-1) + 1, pong(n) = ping(n-1) * 3 ^ n. */
    ".global ping\n"
    "ping:\n"
    "    cbz x0, 1f\n"
    "    stp x29, x30, [sp, #-16]!\n"
    "    sub x0, x0, #1\n"
    "    bl .Lpong\n"
    "    add x0, x0, #1\n"
    "    ldp x29, x30, [sp], #16\n"
    "    ret\n"
    "1:  mov x0, #7\n"
    "    ret\n"
    ".Lpong:\n"
    "    cbz x0, 1f\n"
    "    stp x29, x30, [sp, #-32]!\n"
    "    str x0, [sp, #16]\n"
    "    sub x0, x0, #1\n"
    "    bl ping\n"
    "    ldr x1, [sp, #16]\n"
    "    add x0, x0, x0, lsl #1\n"
    "    eor x0, x0, x1\n"
    "    ldp x29, x30, [sp], #32\n"
    "    ret\n"
    "1:  mov x0, #11\n"
    "    ret\n"

    /* The callee adds 4 to x30: the instruction after each call is skipped. 23 per round. */
    ".global skip_ret\n"
    "skip_ret:\n"
    "    stp x29, x30, [sp, #-16]!\n"
    "    mov x9, x0\n"
    "    mov x0, #0\n"
    "1:  bl .Lskipper\n"
    "    add x0, x0, #100\n"       /* skipped */
    "    add x0, x0, #1\n"
    "    bl .Lskipper\n"
    "    add x0, x0, #1000\n"      /* skipped */
    "    add x0, x0, #2\n"
    "    subs x9, x9, #1\n"
    "    b.ne 1b\n"
    "    ldp x29, x30, [sp], #16\n"
    "    ret\n"
    ".Lskipper:\n"
    "    add x0, x0, #10\n"
    "    add x30, x30, #4\n"
    "    ret\n"

    /* The callee replaces x30 with another label: RET goes somewhere no call returns to.
     * 6 per round. */
    ".global ret_elsewhere\n"
    "ret_elsewhere:\n"
    "    stp x29, x30, [sp, #-16]!\n"
    "    mov x9, x0\n"
    "    mov x0, #0\n"
    "1:  bl .Lredirect\n"
    "    add x0, x0, #100\n"       /* never reached */
    ".Lredirected:\n"
    "    add x0, x0, #1\n"
    "    subs x9, x9, #1\n"
    "    b.ne 1b\n"
    "    ldp x29, x30, [sp], #16\n"
    "    ret\n"
    ".Lredirect:\n"
    "    adr x30, .Lredirected\n"
    "    add x0, x0, #5\n"
    "    ret\n"

    /* Jump back to an old return address again and again, alternately by BR and by RET Xn.
     * 3 per round. */
    ".global reenter\n"
    "reenter:\n"
    "    stp x29, x30, [sp, #-16]!\n"
    "    mov x9, #0\n"
    "    mov x10, x0\n"
    "    bl .Lgrab\n"
    "1:  add x9, x9, #3\n"
    "    subs x10, x10, #1\n"
    "    b.eq 2f\n"
    "    tbz x10, #0, 3f\n"
    "    br x15\n"
    "3:  ret x15\n"
    "2:  mov x0, x9\n"
    "    ldp x29, x30, [sp], #16\n"
    "    ret\n"
    ".Lgrab:\n"
    "    mov x15, x30\n"
    "    ret\n"

    /* dive(depth, stop, limit, buf): recurse; at depth == stop longjmp out with
     * 7*depth+1; at depth == limit return depth; on the way back each frame adds its depth. */
    ".global dive\n"
    "dive:\n"
    "    cmp x0, x1\n"
    "    b.eq 1f\n"
    "    cmp x0, x2\n"
    "    b.eq 2f\n"
    "    stp x29, x30, [sp, #-32]!\n"
    "    mov x29, sp\n"
    "    str x0, [sp, #16]\n"
    "    add x0, x0, #1\n"
    "    bl dive\n"
    "    ldr x1, [sp, #16]\n"
    "    add x0, x0, x1\n"
    "    ldp x29, x30, [sp], #32\n"
    "    ret\n"
    "1:  mov x4, #7\n"
    "    madd x1, x0, x4, x4\n"
    "    sub x1, x1, #6\n"
    "    mov x0, x3\n"
    "    b my_longjmp\n"
    "2:  ret\n"

    /* setjmp/longjmp: callee-saved registers, frame pointer, link register and sp. */
    ".global my_setjmp\n"
    "my_setjmp:\n"
    "    stp x19, x20, [x0, #0]\n"
    "    stp x21, x22, [x0, #16]\n"
    "    stp x23, x24, [x0, #32]\n"
    "    stp x25, x26, [x0, #48]\n"
    "    stp x27, x28, [x0, #64]\n"
    "    stp x29, x30, [x0, #80]\n"
    "    stp d8, d9, [x0, #104]\n"
    "    stp d10, d11, [x0, #120]\n"
    "    stp d12, d13, [x0, #136]\n"
    "    stp d14, d15, [x0, #152]\n"
    "    mov x16, sp\n"
    "    str x16, [x0, #96]\n"
    "    mov x0, #0\n"
    "    ret\n"
    ".global my_longjmp\n"
    "my_longjmp:\n"
    "    ldp x19, x20, [x0, #0]\n"
    "    ldp x21, x22, [x0, #16]\n"
    "    ldp x23, x24, [x0, #32]\n"
    "    ldp x25, x26, [x0, #48]\n"
    "    ldp x27, x28, [x0, #64]\n"
    "    ldp x29, x30, [x0, #80]\n"
    "    ldp d8, d9, [x0, #104]\n"
    "    ldp d10, d11, [x0, #120]\n"
    "    ldp d12, d13, [x0, #136]\n"
    "    ldp d14, d15, [x0, #152]\n"
    "    ldr x16, [x0, #96]\n"
    "    mov sp, x16\n"
    "    cmp x1, #0\n"
    "    csinc x0, x1, xzr, ne\n"
    "    ret\n");

/* ---- C: a switch the compiler turns into a jump table, calls through pointers,
 * recursion ---- */

static u64 __attribute__((noinline)) cswitch(u64 n)
{
    u64 acc = 0, s = 12345;
    for (u64 i = 0; i < n; i++) {
        s = s * 6364136223846793005ul + 1442695040888963407ul;
        switch (s >> 60) {
        case 0: acc += 3; break;
        case 1: acc ^= s; break;
        case 2: acc = acc * 5 + 1; break;
        case 3: acc -= i; break;
        case 4: acc = (acc << 7) | (acc >> 57); break;
        case 5: acc += s >> 32; break;
        case 6: acc ^= acc >> 11; break;
        case 7: acc += 0x1234; /* fall through */
        case 8: acc ^= 0x8888; break;
        case 9: acc = ~acc; break;
        case 10: acc += i * i; break;
        case 11: acc -= s & 0xffff; break;
        default: acc += 1; break;
        }
    }
    return acc;
}

typedef u64 (*fn_t)(u64, u64);
static u64 __attribute__((noinline)) f0(u64 a, u64 b) { return a + b; }
static u64 __attribute__((noinline)) f1(u64 a, u64 b) { return a ^ (b << 3); }
static u64 __attribute__((noinline)) f2(u64 a, u64 b) { return a * 3 + b; }
static u64 __attribute__((noinline)) f3(u64 a, u64 b) { return (a >> 1) | (b << 63); }
static u64 __attribute__((noinline)) f4(u64 a, u64 b) { return f0(a, b) ^ f1(b, a); }
static fn_t fns[5] = {f0, f1, f2, f3, f4};

static u64 __attribute__((noinline)) fptrs(u64 n)
{
    u64 acc = 99;
    for (u64 i = 0; i < n; i++)
        acc = fns[(i * 7 + (acc & 1)) % 5](acc, i);
    return acc;
}

static u64 __attribute__((noinline)) fib(u64 n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static u64 jb[24];

/* Odd rounds longjmp out from 70+r frames down; even rounds return normally through
 * 100+r frames. */
static u64 __attribute__((noinline)) unwind(u64 rounds)
{
    volatile u64 acc = 0;
    volatile u64 r;
    for (r = 0; r < rounds; r++) {
        long v = my_setjmp(jb);
        if (v == 0) {
            u64 got = dive(0, (r & 1) ? 70 + r : ~0ul, 100 + r, jb);
            acc = acc * 33 + got;
        } else {
            acc = acc * 31 + (u64)v;
        }
    }
    return acc;
}

int main(void)
{
    puts_("indirect: jump tables, calls through pointers, returns\n");
    show64("jtab(100000)", jtab(100000, 1));
    show64("cswitch(100000)", cswitch(100000));
    show64("blr_mix(50000)", blr_mix(50000));
    show64("fptrs(50000)", fptrs(50000));
    u64 s = 0;
    for (int i = 0; i < 20; i++)
        s = s * 7 + rec_sum(5000 + i);
    show64("rec_sum(5000..5019)", s);
    show64("rec_sum(100)", rec_sum(100));
    show64("ping(3001)", ping(3001));
    show64("fib(24)", fib(24));
    show64("skip_ret(1000)", skip_ret(1000));
    show64("ret_elsewhere(1000)", ret_elsewhere(1000));
    show64("reenter(1000)", reenter(1000));
    show64("unwind(40)", unwind(40));
    /* deep recursion after the unwinding left the predictor with stale entries */
    show64("rec_sum(200) again", rec_sum(200));
    puts_("indirect: done\n");
    return 0;
}
