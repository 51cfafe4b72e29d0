/*
 * harness.c - the guest side of ruser's differential instruction tester
 * (tests/risu.rs).  A static aarch64 program without libc that runs test
 * cases read from stdin, one after another, and writes each result to stdout.
 *
 * Input, per case (little-endian, no padding):
 *   u32 magic 'RISU'; u32 ncode;
 *   state (STATE_SIZE bytes, layout below);
 *   SCRATCH_SIZE bytes: the initial scratch memory at SCRATCH;
 *   ncode u32 instruction words.
 * Output, per case:
 *   u32 magic 'RSLT'; u32 case number (0, 1, ... within this process);
 *   state after the run; the scratch memory after the run.
 * End of input ends the program with status 0.  A case that faults kills the
 * program (there are no signal handlers): the runner sees how many results
 * arrived and restarts it with the remaining cases.
 *
 * State layout (the offsets are used by the assembly below):
 *     0  x0..x30         31 x u64
 *   248  nzcv            u64 (flags in bits 31..28)
 *   256  fpcr            u64
 *   264  fpsr            u64
 *   272  v0..v31         32 x 16 bytes
 *   784  end
 *
 * How a case runs: the code page CODE holds a fixed prologue that loads
 * x0..x30 from [sp] (sp points at the state, at the fixed address STATE),
 * then the case's words, then a B back to risu_back.  run_case sets FPCR,
 * FPSR, NZCV and v0..v31, points sp at the state and jumps to CODE.
 * risu_back stores x0..x30 through sp, then NZCV, FPCR, FPSR and v0..v31, and
 * returns to C.  The generated code may move sp but puts it back to STATE
 * before it ends, and branches only forward inside the case or to its end.
 *
 * Build: see Makefile in this directory.
 */

typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned char u8;

#define CODE 0x1000000UL
#define SCRATCH 0x1100000UL
#define STATE 0x1200000UL /* the register block; sp points here while a case runs */
#define PAGE 4096UL
#define SCRATCH_SIZE PAGE
#define STATE_SIZE 784
#define PROLOGUE_WORDS 16
#define MAX_CODE (PAGE / 4 - PROLOGUE_WORDS - 1)
#define MAGIC_IN 0x55534952u  /* "RISU" */
#define MAGIC_OUT 0x544c5352u /* "RSLT" */

struct state {
    u64 x[31];
    u64 nzcv, fpcr, fpsr;
    u8 v[32][16];
} __attribute__((aligned(16)));

#define st (*(struct state *)STATE)
/* Initialised, so that the RW segment has file contents: ruser's loader rejects a
 * file-less PT_LOAD whose offset lies past the end of the file. */
u64 saved_sp = 1;
static u32 code_buf[PAGE / 4];

extern const u32 risu_prologue[PROLOGUE_WORDS];
extern void risu_back(void);
extern void run_case(void);

__asm__(
    ".text\n"
    ".p2align 2\n"
    ".global risu_prologue\n"
    "risu_prologue:\n"
    "  ldp x0, x1, [sp, #0]\n"
    "  ldp x2, x3, [sp, #16]\n"
    "  ldp x4, x5, [sp, #32]\n"
    "  ldp x6, x7, [sp, #48]\n"
    "  ldp x8, x9, [sp, #64]\n"
    "  ldp x10, x11, [sp, #80]\n"
    "  ldp x12, x13, [sp, #96]\n"
    "  ldp x14, x15, [sp, #112]\n"
    "  ldp x16, x17, [sp, #128]\n"
    "  ldp x18, x19, [sp, #144]\n"
    "  ldp x20, x21, [sp, #160]\n"
    "  ldp x22, x23, [sp, #176]\n"
    "  ldp x24, x25, [sp, #192]\n"
    "  ldp x26, x27, [sp, #208]\n"
    "  ldp x28, x29, [sp, #224]\n"
    "  ldr x30, [sp, #240]\n"
    "\n"
    ".global run_case\n"
    "run_case:\n"
    "  stp x29, x30, [sp, #-96]!\n"
    "  stp x19, x20, [sp, #16]\n"
    "  stp x21, x22, [sp, #32]\n"
    "  stp x23, x24, [sp, #48]\n"
    "  stp x25, x26, [sp, #64]\n"
    "  stp x27, x28, [sp, #80]\n"
    "  mov x1, sp\n"
    "  adrp x0, saved_sp\n"
    "  str x1, [x0, :lo12:saved_sp]\n"
    "  movz x9, #(0x1200000 >> 16), lsl #16\n"
    "  ldr x1, [x9, #256]\n"
    "  msr fpcr, x1\n"
    "  ldr x1, [x9, #264]\n"
    "  msr fpsr, x1\n"
    "  ldr x1, [x9, #248]\n"
    "  msr nzcv, x1\n"
    "  add x1, x9, #272\n"
    "  ldp q0, q1, [x1], #32\n"
    "  ldp q2, q3, [x1], #32\n"
    "  ldp q4, q5, [x1], #32\n"
    "  ldp q6, q7, [x1], #32\n"
    "  ldp q8, q9, [x1], #32\n"
    "  ldp q10, q11, [x1], #32\n"
    "  ldp q12, q13, [x1], #32\n"
    "  ldp q14, q15, [x1], #32\n"
    "  ldp q16, q17, [x1], #32\n"
    "  ldp q18, q19, [x1], #32\n"
    "  ldp q20, q21, [x1], #32\n"
    "  ldp q22, q23, [x1], #32\n"
    "  ldp q24, q25, [x1], #32\n"
    "  ldp q26, q27, [x1], #32\n"
    "  ldp q28, q29, [x1], #32\n"
    "  ldp q30, q31, [x1]\n"
    "  mov sp, x9\n"
    "  movz x16, #(0x1000000 >> 16), lsl #16\n"
    "  br x16\n"
    "\n"
    ".global risu_back\n"
    "risu_back:\n"
    "  stp x0, x1, [sp, #0]\n"
    "  stp x2, x3, [sp, #16]\n"
    "  stp x4, x5, [sp, #32]\n"
    "  stp x6, x7, [sp, #48]\n"
    "  stp x8, x9, [sp, #64]\n"
    "  stp x10, x11, [sp, #80]\n"
    "  stp x12, x13, [sp, #96]\n"
    "  stp x14, x15, [sp, #112]\n"
    "  stp x16, x17, [sp, #128]\n"
    "  stp x18, x19, [sp, #144]\n"
    "  stp x20, x21, [sp, #160]\n"
    "  stp x22, x23, [sp, #176]\n"
    "  stp x24, x25, [sp, #192]\n"
    "  stp x26, x27, [sp, #208]\n"
    "  stp x28, x29, [sp, #224]\n"
    "  str x30, [sp, #240]\n"
    "  mrs x0, nzcv\n"
    "  str x0, [sp, #248]\n"
    "  mrs x0, fpcr\n"
    "  str x0, [sp, #256]\n"
    "  mrs x0, fpsr\n"
    "  str x0, [sp, #264]\n"
    "  add x1, sp, #272\n"
    "  stp q0, q1, [x1], #32\n"
    "  stp q2, q3, [x1], #32\n"
    "  stp q4, q5, [x1], #32\n"
    "  stp q6, q7, [x1], #32\n"
    "  stp q8, q9, [x1], #32\n"
    "  stp q10, q11, [x1], #32\n"
    "  stp q12, q13, [x1], #32\n"
    "  stp q14, q15, [x1], #32\n"
    "  stp q16, q17, [x1], #32\n"
    "  stp q18, q19, [x1], #32\n"
    "  stp q20, q21, [x1], #32\n"
    "  stp q22, q23, [x1], #32\n"
    "  stp q24, q25, [x1], #32\n"
    "  stp q26, q27, [x1], #32\n"
    "  stp q28, q29, [x1], #32\n"
    "  stp q30, q31, [x1]\n"
    "  msr fpcr, xzr\n"
    "  msr fpsr, xzr\n"
    "  adrp x0, saved_sp\n"
    "  ldr x1, [x0, :lo12:saved_sp]\n"
    "  mov sp, x1\n"
    "  ldp x19, x20, [sp, #16]\n"
    "  ldp x21, x22, [sp, #32]\n"
    "  ldp x23, x24, [sp, #48]\n"
    "  ldp x25, x26, [sp, #64]\n"
    "  ldp x27, x28, [sp, #80]\n"
    "  ldp x29, x30, [sp], #96\n"
    "  ret\n"
    "\n"
    ".global _start\n"
    "_start:\n"
    "  mov x29, #0\n"
    "  bl main\n"
    "  mov x8, #94\n"
    "  svc #0\n");

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

#define SYS_read 63
#define SYS_write 64
#define SYS_exit_group 94
#define SYS_mmap 222

static void die(int code)
{
    for (;;)
        sys6(SYS_exit_group, code, 0, 0, 0, 0, 0);
}

/* Read exactly n bytes; returns 0 at a clean end of input before any byte. */
static int read_full(void *p, unsigned long n, int eof_ok)
{
    u8 *b = p;
    unsigned long got = 0;
    while (got < n) {
        long r = sys6(SYS_read, 0, (long)(b + got), n - got, 0, 0, 0);
        if (r == 0 && got == 0 && eof_ok)
            return 0;
        if (r <= 0)
            die(3);
        got += (unsigned long)r;
    }
    return 1;
}

static void write_full(const void *p, unsigned long n)
{
    const u8 *b = p;
    while (n) {
        long r = sys6(SYS_write, 1, (long)b, n, 0, 0, 0);
        if (r <= 0)
            die(4);
        b += r;
        n -= (unsigned long)r;
    }
}

static void map_at(u64 addr, int prot)
{
    /* MAP_PRIVATE | MAP_ANONYMOUS; the address is a hint that must be honoured. */
    long r = sys6(SYS_mmap, (long)addr, PAGE, prot, 0x02 | 0x20, -1, 0);
    if ((u64)r != addr)
        die(5);
}

int main(void)
{
    volatile u32 *code = (volatile u32 *)CODE;
    u32 hdr[2], n = 0;

    map_at(CODE, 7);
    map_at(SCRATCH, 3);
    map_at(STATE, 3);
    for (;;) {
        if (!read_full(hdr, sizeof(hdr), 1))
            return 0;
        if (hdr[0] != MAGIC_IN || hdr[1] > MAX_CODE)
            die(2);
        read_full(&st, STATE_SIZE, 0);
        read_full((void *)SCRATCH, SCRATCH_SIZE, 0);
        read_full(code_buf, hdr[1] * 4, 0);

        /* prologue, the case, B risu_back, zeros: the whole page is deterministic */
        unsigned i = 0;
        for (; i < PROLOGUE_WORDS; i++)
            code[i] = risu_prologue[i];
        for (u32 k = 0; k < hdr[1]; k++, i++)
            code[i] = code_buf[k];
        long off = ((long)(u64)risu_back - (long)(CODE + 4 * i)) / 4;
        code[i++] = 0x14000000u | ((u32)off & 0x3ffffffu);
        for (; i < PAGE / 4; i++)
            code[i] = 0;
        for (u64 a = CODE; a < CODE + PAGE; a += 64)
            __asm__ volatile("dc cvau, %0" ::"r"(a) : "memory");
        __asm__ volatile("dsb ish" ::: "memory");
        for (u64 a = CODE; a < CODE + PAGE; a += 64)
            __asm__ volatile("ic ivau, %0" ::"r"(a) : "memory");
        __asm__ volatile("dsb ish\n isb" ::: "memory");

        run_case();

        hdr[0] = MAGIC_OUT;
        hdr[1] = n++;
        write_full(hdr, sizeof(hdr));
        write_full(&st, STATE_SIZE);
        write_full((void *)SCRATCH, SCRATCH_SIZE);
    }
}
