/*
 * smc: self-modifying and freshly mapped code.  Every case runs code, changes it, and runs
 * it again; the second run must see the new code:
 *   - an RWX page rewritten in place with DC CVAU / DSB ISH / IC IVAU / DSB ISH / ISB;
 *   - an RW page made RX by mprotect, rewritten after going back to RW, without any cache
 *     maintenance instructions;
 *   - munmap and mmap of the same address with new code, and MAP_FIXED over a live mapping;
 *   - an instruction inside a hot loop patched between calls;
 *   - a loop that patches its own body while it runs.
 * Code is copied from templates in .text (position independent) or encoded here.
 * Freestanding: no libc, see mini.h.
 */
#include "mini.h"

#define SYS_munmap 215
#define SYS_mmap 222
#define SYS_mprotect 226
#define PROT_R 1
#define PROT_W 2
#define PROT_X 4
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define PAGE 4096

#define MOVZ_W0(imm) (0x52800000u | ((u32)(imm) << 5))
#define ADD_W0_W0(imm) (0x11000000u | ((u32)(imm) << 10))
#define ADD_X1_X1(imm) (0x91000021u | ((u32)(imm) << 10))
#define RET 0xd65f03c0u

static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    register long x4 __asm__("x4") = e;
    register long x5 __asm__("x5") = f;
    __asm__ volatile("svc #0"
                     : "+r"(x0)
                     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                     : "memory");
    return x0;
}

static u32 *map(u64 addr, int prot, int extra_flags)
{
    long r = sys6(SYS_mmap, (long)addr, PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS | extra_flags, -1, 0);
    if (r < 0 && r > -4096) {
        puts_("smc: mmap failed\n");
        sys_exit(1);
    }
    return (u32 *)r;
}

static void protect(u32 *p, int prot)
{
    if (sys3(SYS_mprotect, (long)p, PAGE, prot) != 0) {
        puts_("smc: mprotect failed\n");
        sys_exit(1);
    }
}

static void unmap(u32 *p)
{
    if (sys3(SYS_munmap, (long)p, PAGE, 0) != 0) {
        puts_("smc: munmap failed\n");
        sys_exit(1);
    }
}

void sync_icache(void *start, void *end);
u64 call0(void *code);
u64 call1(void *code, u64 a);
u64 call3(void *code, u64 a, u64 b, u64 c);
extern const u32 tmpl_loop[], tmpl_loop_end[], tmpl_selfpatch[], tmpl_selfpatch_end[];
extern const u32 tmpl_add5[];

__asm__(
    ".text\n"
    /* The cache maintenance sequence for [x0, x1), with line sizes from CTR_EL0. */
    ".global sync_icache\n"
    "sync_icache:\n"
    "    mrs x3, ctr_el0\n"
    "    mov x5, #4\n"
    "    ubfx x4, x3, #16, #4\n"
    "    lsl x4, x5, x4\n"
    "    sub x6, x4, #1\n"
    "    bic x7, x0, x6\n"
    "1:  dc cvau, x7\n"
    "    add x7, x7, x4\n"
    "    cmp x7, x1\n"
    "    b.lo 1b\n"
    "    dsb ish\n"
    "    and x4, x3, #15\n"
    "    lsl x4, x5, x4\n"
    "    sub x6, x4, #1\n"
    "    bic x7, x0, x6\n"
    "2:  ic ivau, x7\n"
    "    add x7, x7, x4\n"
    "    cmp x7, x1\n"
    "    b.lo 2b\n"
    "    dsb ish\n"
    "    isb\n"
    "    ret\n"

    /* Call generated code: x0 = code, arguments shifted down. */
    ".global call0\n"
    ".global call1\n"
    ".global call3\n"
    "call0:\n"
    "call1:\n"
    "call3:\n"
    "    mov x16, x0\n"
    "    mov x0, x1\n"
    "    mov x1, x2\n"
    "    mov x2, x3\n"
    "    br x16\n"

    /* loop(n): n iterations of one add (the instruction at word 1 gets patched). */
    ".global tmpl_loop\n"
    ".global tmpl_loop_end\n"
    "tmpl_loop:\n"
    "    mov x1, #0\n"
    "1:  add x1, x1, #1\n"
    "    subs x0, x0, #1\n"
    "    b.ne 1b\n"
    "    mov x0, x1\n"
    "    ret\n"
    "tmpl_loop_end:\n"

    /* selfpatch(n, at, word): n iterations of one add; when the counter equals `at` the loop
     * stores `word` over its own add and does the cache maintenance, then goes on. */
    ".global tmpl_selfpatch\n"
    ".global tmpl_selfpatch_end\n"
    "tmpl_selfpatch:\n"
    "    mov x3, x2\n"
    "    mov x2, x1\n"
    "    mov x1, #0\n"
    "    adr x5, 1f\n"
    "1:  add x1, x1, #1\n"
    "    cmp x0, x2\n"
    "    b.ne 2f\n"
    "    str w3, [x5]\n"
    "    dc cvau, x5\n"
    "    dsb ish\n"
    "    ic ivau, x5\n"
    "    dsb ish\n"
    "    isb\n"
    "2:  subs x0, x0, #1\n"
    "    b.ne 1b\n"
    "    mov x0, x1\n"
    "    ret\n"
    "tmpl_selfpatch_end:\n"
    ".global tmpl_add5\n"
    "tmpl_add5:\n"
    "    add x1, x1, #5\n");

static void copy_code(u32 *dst, const u32 *start, const u32 *end)
{
    volatile u32 *d = dst;
    for (const u32 *s = start; s < end; s++)
        *d++ = *s;
}

static void result(const char *what, u64 v)
{
    puts_(what);
    puts_(" -> ");
    dec(v);
    putc_('\n');
}

/* RWX page, rewritten in place with full cache maintenance. */
static void rwx_in_place(void)
{
    u32 *p = map(0, PROT_R | PROT_W | PROT_X, 0);
    volatile u32 *v = p;
    v[0] = MOVZ_W0(1);
    v[1] = RET;
    sync_icache(p, p + 2);
    result("rwx: movz w0,#1; ret", call0(p));
    v[0] = MOVZ_W0(2);
    sync_icache(p, p + 2);
    result("rwx: patched to movz w0,#2", call0(p));
    u64 sum = 0;
    for (u64 i = 0; i < 50; i++) {
        v[0] = MOVZ_W0(i * 3 + 7);
        sync_icache(p, p + 1);
        sum = sum * 3 + call0(p);
    }
    result("rwx: 50 rewrites, checksum", sum);
    /* patch the middle instruction of a three-instruction function */
    v[0] = MOVZ_W0(100);
    v[1] = ADD_W0_W0(1);
    v[2] = RET;
    sync_icache(p, p + 3);
    u64 a = call0(p);
    v[1] = ADD_W0_W0(23);
    sync_icache(p + 1, p + 2);
    result("rwx: middle instruction add #1 then add #23", a * 1000 + call0(p));
    unmap(p);
}

/* RWX page rewritten with plain stores and no cache maintenance at all. The architecture
 * does not promise that the new code is seen, but qemu-user sees it and so must we: the
 * emulator write-protects pages holding translated code and notices the store. */
static void rwx_plain_stores(void)
{
    u32 *p = map(0, PROT_R | PROT_W | PROT_X, 0);
    volatile u32 *v = p;
    v[0] = MOVZ_W0(5);
    v[1] = RET;
    sync_icache(p, p + 2);
    result("rwx plain: movz w0,#5; ret", call0(p));
    v[0] = MOVZ_W0(6);
    result("rwx plain: stored movz w0,#6, no maintenance", call0(p));
    u64 sum = 0;
    for (u64 i = 0; i < 20; i++) {
        v[0] = MOVZ_W0(i + 40);
        sum = sum * 5 + call0(p);
    }
    result("rwx plain: 20 rewrites, checksum", sum);
    unmap(p);
}

/* RW -> RX with mprotect, back to RW to rewrite, no cache maintenance instructions. */
static void mprotect_cycle(void)
{
    u32 *p = map(0, PROT_R | PROT_W, 0);
    p[0] = MOVZ_W0(10);
    p[1] = RET;
    protect(p, PROT_R | PROT_X);
    result("mprotect: movz w0,#10", call0(p));
    protect(p, PROT_R | PROT_W);
    p[0] = MOVZ_W0(11);
    protect(p, PROT_R | PROT_X);
    result("mprotect: rewritten to movz w0,#11", call0(p));
    u64 sum = 0;
    for (u64 i = 0; i < 20; i++) {
        protect(p, PROT_R | PROT_W);
        p[0] = MOVZ_W0(i + 40);
        protect(p, PROT_R | PROT_X);
        sum = sum * 5 + call0(p);
    }
    result("mprotect: 20 cycles, checksum", sum);
    unmap(p);
}

/* New code at an address that held other code before. */
static void remap(void)
{
    u32 *p = map(0, PROT_R | PROT_W, 0);
    p[0] = MOVZ_W0(20);
    p[1] = RET;
    protect(p, PROT_R | PROT_X);
    result("remap: movz w0,#20", call0(p));
    unmap(p);
    u32 *q = map((u64)p, PROT_R | PROT_W, MAP_FIXED);
    puts_(q == p ? "remap: same address again\n" : "remap: different address\n");
    q[0] = MOVZ_W0(21);
    q[1] = RET;
    protect(q, PROT_R | PROT_X);
    result("remap: after munmap+mmap, movz w0,#21", call0(q));
    /* MAP_FIXED straight over the live mapping */
    u32 *r = map((u64)q, PROT_R | PROT_W | PROT_X, MAP_FIXED);
    volatile u32 *v = r;
    v[0] = MOVZ_W0(22);
    v[1] = RET;
    sync_icache(r, r + 2);
    result("remap: MAP_FIXED over it, movz w0,#22", call0(r));
    unmap(r);
}

/* A hot loop's add is patched between calls. */
static void hot_loop_patch(void)
{
    u32 *p = map(0, PROT_R | PROT_W | PROT_X, 0);
    u32 n = (u32)(tmpl_loop_end - tmpl_loop);
    copy_code(p, tmpl_loop, tmpl_loop_end);
    sync_icache(p, p + n);
    result("hot loop: loop(1000) with add #1", call1(p, 1000));
    result("hot loop: again", call1(p, 1000));
    volatile u32 *v = p;
    for (u32 k = 2; k <= 5; k++) {
        v[1] = ADD_X1_X1(k);
        sync_icache(p + 1, p + 2);
        puts_("hot loop: add patched to #");
        dec(k);
        result(", loop(1000)", call1(p, 1000));
    }
    unmap(p);
}

/* The loop rewrites its own add while it runs. */
static void self_patch(void)
{
    u32 *p = map(0, PROT_R | PROT_W | PROT_X, 0);
    u32 n = (u32)(tmpl_selfpatch_end - tmpl_selfpatch);
    copy_code(p, tmpl_selfpatch, tmpl_selfpatch_end);
    sync_icache(p, p + n);
    result("self patch: selfpatch(1000, 400, add #5)", call3(p, 1000, 400, tmpl_add5[0]));
    /* the page now holds add #5: run it unpatched (never reaches 2000) */
    result("self patch: rerun, add #5 from the start", call3(p, 1000, 2000, tmpl_add5[0]));
    unmap(p);
}

int main(void)
{
    puts_("smc: self-modifying and remapped code\n");
    rwx_in_place();
    rwx_plain_stores();
    mprotect_cycle();
    remap();
    hot_loop_patch();
    self_patch();
    puts_("smc: done\n");
    return 0;
}
