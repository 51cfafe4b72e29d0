/*
 * chain: hot loops made of direct branches and fall-throughs across many blocks, the
 * control flow a JIT chains blocks for.  The kernels are assembly (so the block structure
 * is exactly what is written here); each returns a checksum that C prints.
 * Freestanding: no libc, see mini.h.
 */
#include "mini.h"

u64 nested3(u64 n1, u64 n2, u64 n3);
u64 multiblock(u64 n);
u64 chain200(u64 rounds);
u64 longblock(u64 rounds);
u64 pagecross(u64 n);
u64 midentry(u64 n);
u64 countdown(u64 n);

__asm__(
    ".text\n"

    /* Three nested counted loops: the inner loop closes with a backward b.lo, the outer ones
     * with b.lo/b.ne, and every level has its own blocks. */
    ".global nested3\n"
    "nested3:\n"
    "    mov x9, #0x51\n"
    "    mov x3, #0\n"
    "1:  mov x4, #0\n"
    "2:  mov x5, #0\n"
    "3:  eor x9, x9, x5\n"
    "    add x9, x9, x4, lsl #3\n"
    "    ror x9, x9, #61\n"
    "    add x9, x9, x3\n"
    "    add x5, x5, #1\n"
    "    cmp x5, x2\n"
    "    b.lo 3b\n"
    "    eor x9, x9, x4, lsl #17\n"
    "    add x4, x4, #1\n"
    "    cmp x4, x1\n"
    "    b.lo 2b\n"
    "    madd x9, x9, x3, x9\n"
    "    add x3, x3, #1\n"
    "    cmp x3, x0\n"
    "    b.ne 1b\n"
    "    mov x0, x9\n"
    "    ret\n"

    /* One loop whose body runs through up to six blocks, with data-dependent conditional
     * branches taken both ways (tbz/tbnz/cbz/cbnz/b.cond) and unconditional joins. */
    ".global multiblock\n"
    "multiblock:\n"
    "    mov x9, #0x1234\n"
    "    mov x10, #0\n"
    "    mov x11, #0\n"
    "    mov x13, #0\n"
    "1:  add x9, x9, x10\n"            /* A */
    "    tbz x10, #0, 2f\n"
    "    eor x9, x9, x9, lsr #7\n"     /* B: odd */
    "    add x11, x11, #1\n"
    "    b 3f\n"
    "2:  eor x9, x9, x9, lsl #5\n"     /* C: even */
    "    tbnz x10, #1, 4f\n"
    "3:  add x9, x9, #3\n"             /* D: join of B and C */
    "    ror x9, x9, #13\n"
    "    and x12, x9, #0xff\n"
    "    cbz x12, 5f\n"
    "    b 6f\n"
    "4:  mov x12, #0x9e37\n"           /* E: from C when bit 1 is set */
    "    movk x12, #0x79b9, lsl #16\n"
    "    mul x9, x9, x12\n"
    "    and x12, x10, #7\n"
    "    cmp x12, #5\n"
    "    b.hi 6f\n"
    "5:  add x13, x13, #1\n"           /* F: rare or from E */
    "    eor x9, x9, x13, lsl #40\n"
    "6:  add x10, x10, #1\n"           /* G: loop latch */
    "    cmp x10, x0\n"
    "    b.lo 1b\n"
    "    eor x0, x9, x11, lsl #32\n"
    "    add x0, x0, x13\n"
    "    ret\n"

    /* A chain of 200 small blocks, each ending in a branch to the next one; every third
     * block ends in a tbz that either skips one instruction or falls through, and every
     * fifth falls through into the next without a branch. Run `rounds` times. */
    ".global chain200\n"
    "chain200:\n"
    "    mov x9, #7\n"
    "    mov x10, #0\n"
    "0:\n"
    "    .set i, 0\n"
    "    .rept 200\n"
    "    add x9, x9, #(i * 7 + 1)\n"
    "    eor x9, x9, x9, ror #(i % 63 + 1)\n"
    "    .if i % 3 == 0\n"
    "    tbz x9, #(i % 64), 1f\n"
    "    add x10, x10, #1\n"
    "    .elseif i % 5 == 0\n"
    "    nop\n"
    "    .else\n"
    "    b 1f\n"
    "    udf #1\n"
    "    .endif\n"
    "1:\n"
    "    .set i, i + 1\n"
    "    .endr\n"
    "    subs x0, x0, #1\n"
    "    b.ne 0b\n"
    "    eor x0, x9, x10, lsl #48\n"
    "    ret\n"

    /* A 300-instruction straight-line loop body: longer than any block, so the translator
     * has to split it and the pieces continue into each other by fall-through. */
    ".global longblock\n"
    "longblock:\n"
    "    mov x9, #1\n"
    "    mov x10, #2\n"
    "0:\n"
    "    .set i, 0\n"
    "    .rept 150\n"
    "    add x9, x9, x10, lsr #(i % 64)\n"
    "    eor x10, x10, x9, lsr #(i % 17 + 1)\n"
    "    .set i, i + 1\n"
    "    .endr\n"
    "    subs x0, x0, #1\n"
    "    b.ne 0b\n"
    "    eor x0, x9, x10\n"
    "    ret\n"

    /* A loop whose body straddles a page boundary. */
    ".global pagecross\n"
    "    .p2align 12\n"
    "    .fill 1016, 4, 0xd503201f\n"   /* never executed: pagecross starts 32 bytes before the end of a page */
    "pagecross:\n"
    "    mov x9, #3\n"
    "1:  add x9, x9, #5\n"
    "    eor x9, x9, x9, lsl #3\n"
    "    ror x9, x9, #7\n"
    "    add x9, x9, x0\n"
    "    mul x9, x9, x9\n"
    "    add x9, x9, #1\n"
    "    eor x9, x9, x9, lsr #29\n"
    "    subs x0, x0, #1\n"              /* first instruction of the next page */
    "    b.ne 1b\n"
    "    mov x0, x9\n"
    "    ret\n"

    /* The loop branches back into the middle of the block it was first entered by, so the
     * block at 1: overlaps the one at 2:. */
    ".global midentry\n"
    "midentry:\n"
    "    mov x9, #0\n"
    "    mov x10, #0\n"
    "    b 2f\n"
    "1:  add x9, x9, #1\n"
    "    lsl x9, x9, #1\n"
    "2:  eor x9, x9, x10\n"
    "    add x10, x10, #1\n"
    "    ror x9, x9, #5\n"
    "    cmp x10, x0\n"
    "    b.lo 1b\n"
    "    mov x0, x9\n"
    "    ret\n"

    /* A loop that exits by a forward branch and closes with an unconditional backward b. */
    ".global countdown\n"
    "countdown:\n"
    "    mov x9, #0\n"
    "1:  cbz x0, 2f\n"
    "    add x9, x9, x0\n"
    "    sub x0, x0, #1\n"
    "    b 1b\n"
    "2:  mov x0, x9\n"
    "    ret\n");

int main(void)
{
    puts_("chain: hot loops across many blocks\n");
    show64("nested3(40,30,20)", nested3(40, 30, 20));
    show64("nested3(1,1,1)", nested3(1, 1, 1));
    show64("multiblock(100000)", multiblock(100000));
    show64("chain200(500)", chain200(500));
    show64("longblock(400)", longblock(400));
    show64("pagecross(50000)", pagecross(50000));
    show64("midentry(30000)", midentry(30000));
    show64("countdown(100000)", countdown(100000));
    puts_("chain: done\n");
    return 0;
}
