/* A handler that reads and modifies the interrupted context and returns: the arm64 signal
 * frame (siginfo, ucontext, sigcontext records), and what rt_sigreturn restores. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <ucontext.h>
#include <sys/mman.h>
#include <asm/sigcontext.h>

static void records(mcontext_t *mc, const char *who) {
    struct _aarch64_ctx *h = (struct _aarch64_ctx *)mc->__reserved;
    printf("%s records:", who);
    for (int i = 0; i < 8; i++) {
        printf(" %08x/%u", h->magic, h->size);
        if (h->magic == 0) break;
        h = (struct _aarch64_ctx *)((char *)h + h->size);
    }
    printf("\n");
}

static struct fpsimd_context *fpsimd(mcontext_t *mc) {
    struct _aarch64_ctx *h = (struct _aarch64_ctx *)mc->__reserved;
    while (h->magic && h->magic != FPSIMD_MAGIC) h = (struct _aarch64_ctx *)((char *)h + h->size);
    return h->magic ? (struct fpsimd_context *)h : 0;
}

static struct esr_context *esr(mcontext_t *mc) {
    struct _aarch64_ctx *h = (struct _aarch64_ctx *)mc->__reserved;
    while (h->magic && h->magic != ESR_MAGIC) h = (struct _aarch64_ctx *)((char *)h + h->size);
    return h->magic ? (struct esr_context *)h : 0;
}

extern char ill_insn[], brk_insn[];
static uintptr_t handler_sp, frame_uc;

static void on_ill(int sig, siginfo_t *si, void *ucv) {
    ucontext_t *uc = ucv;
    mcontext_t *mc = &uc->uc_mcontext;
    frame_uc = (uintptr_t)uc;
    handler_sp = (uintptr_t)__builtin_frame_address(0);
    printf("SIGILL: signo %d code %d addr==insn %d pc==insn %d\n", si->si_signo, si->si_code,
           si->si_addr == (void *)ill_insn, mc->pc == (uintptr_t)ill_insn);
    printf("  info at uc-128 %d, uc 16-aligned %d, sp 16-aligned %d\n", (char *)si == (char *)uc - 128,
           ((uintptr_t)uc & 15) == 0, (mc->sp & 15) == 0);
    printf("  x19 %llx x20 %llx nzcv %llx\n", mc->regs[19], mc->regs[20], mc->pstate >> 28);
    printf("  uc_flags %lu uc_link %p mask has SIGUSR2 %d, SIGILL %d\n", uc->uc_flags, (void *)uc->uc_link,
           sigismember(&uc->uc_sigmask, SIGUSR2), sigismember(&uc->uc_sigmask, SIGILL));
    sigset_t now;
    sigprocmask(SIG_BLOCK, 0, &now);
    printf("  blocked in handler: SIGILL %d SIGUSR1 %d (sa_mask) SIGUSR2 %d\n", sigismember(&now, SIGILL),
           sigismember(&now, SIGUSR1), sigismember(&now, SIGUSR2));
    records(mc, "  ILL");
    struct fpsimd_context *fp = fpsimd(mc);
    printf("  fpsr %x fpcr %x v8 %016llx%016llx\n", fp->fpsr, fp->fpcr, (unsigned long long)(fp->vregs[8] >> 64),
           (unsigned long long)fp->vregs[8]);
    /* Modify: skip the instruction, change registers, flags, a vector and FPCR. */
    mc->pc += 4;
    mc->regs[19] = 0x1919191919191919ull;
    mc->regs[20] += 1;
    mc->pstate = (mc->pstate & ~0xf0000000ull) | 0x60000000ull; /* Z and C */
    fp->vregs[8] = ((__uint128_t)0x0123456789abcdefull << 64) | 0xfedcba9876543210ull;
    fp->fpcr = 0x00c00000; /* round toward zero */
    fp->fpsr = 0x8000001;  /* N flag is ignored, QC + IOC */
}

static void on_trap(int sig, siginfo_t *si, void *ucv) {
    ucontext_t *uc = ucv;
    printf("SIGTRAP: code %d addr==insn %d pc==insn %d\n", si->si_code, si->si_addr == (void *)brk_insn,
           uc->uc_mcontext.pc == (uintptr_t)brk_insn);
    uc->uc_mcontext.pc += 4;
    uc->uc_mcontext.regs[0] = 77;
}

static char *volatile page;
static int segvs;
static void on_segv(int sig, siginfo_t *si, void *ucv) {
    ucontext_t *uc = ucv;
    if (++segvs > 3) {
        printf("SIGSEGV handler ran %d times: si_addr %p page %p\n", segvs, si->si_addr, page);
        _exit(9);
    }
    struct esr_context *e = esr(&uc->uc_mcontext);
    printf("SIGSEGV: code %d addr==page+8 %d fault_address==addr %d\n", si->si_code, si->si_addr == page + 8,
           uc->uc_mcontext.fault_address == (uintptr_t)(page + 8));
    records(&uc->uc_mcontext, "  SEGV");
    if (e)
        printf("  esr: EC %llx WnR %llu DFSC type %llx\n", e->esr >> 26, (e->esr >> 6) & 1, (e->esr & 0x3f) >> 2);
    /* Make the page writable and return: the store runs again and succeeds. */
    mprotect(page, 4096, PROT_READ | PROT_WRITE);
}

/* A load and a store beyond the 48-bit user address space: the kernel reports them with a
 * sanitised ESR, a level-0 translation fault (set_thread_esr), and the address. The handler
 * skips the instruction. */
static void on_far(int sig, siginfo_t *si, void *ucv) {
    ucontext_t *uc = ucv;
    struct esr_context *e = esr(&uc->uc_mcontext);
    printf("far %s: code %d si_addr %p fault_address %llx esr %llx\n", uc->uc_mcontext.regs[2] ? "store" : "load",
           si->si_code, si->si_addr, (unsigned long long)uc->uc_mcontext.fault_address,
           e ? (unsigned long long)e->esr : 0ULL);
    uc->uc_mcontext.pc += 4;
}

static void far_accesses(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_far;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, 0);
    unsigned long v = 0;
    __asm__ volatile("mov x2, #0\nldr %0, [%1]" : "+r"(v) : "r"(0x0008000000000010UL) : "x2", "memory");
    __asm__ volatile("mov x2, #1\nstr %0, [%1]" : : "r"(v), "r"(0x0010000000000100UL) : "x2", "memory");
}

int main(void) {
    setvbuf(stdout, 0, _IONBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_ill;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR1);
    sigaction(SIGILL, &sa, 0);
    sa.sa_sigaction = on_trap;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTRAP, &sa, 0);
    sa.sa_sigaction = on_segv;
    sigaction(SIGSEGV, &sa, 0);

    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR2);
    sigprocmask(SIG_BLOCK, &m, 0);

    unsigned long x19, x20, nzcv, v8lo, v8hi, fpcr, fpsr;
    __asm__ volatile(
        "mov x19, #0x1111\n"
        "mov x20, #0x2222\n"
        "movi v8.2d, #0\n"
        "cmp x19, x19\n"  /* Z C */
        "cmn x19, #0\n"   /* clear Z... sets NZCV = 0000 */
        ".globl ill_insn\n"
        "ill_insn: udf #0\n"
        "mov %0, x19\n"
        "mov %1, x20\n"
        "mrs %2, nzcv\n"
        "fmov %3, d8\n"
        "mov %4, v8.d[1]\n"
        "mrs %5, fpcr\n"
        "mrs %6, fpsr\n"
        : "=r"(x19), "=r"(x20), "=r"(nzcv), "=r"(v8lo), "=r"(v8hi), "=r"(fpcr), "=r"(fpsr)
        :
        : "x19", "x20", "v8", "cc", "memory");
    printf("after return: x19 %lx x20 %lx nzcv %lx v8 %016lx%016lx fpcr %lx fpsr %lx\n", x19, x20, nzcv >> 28, v8hi, v8lo,
           fpcr, fpsr);
    double a = 1.0, b = 3.0, q;
    __asm__ volatile("fdiv %d0, %d1, %d2" : "=w"(q) : "w"(a), "w"(b));
    printf("1/3 rounded toward zero: %a\n", q);
    __asm__ volatile("msr fpcr, xzr");
    sigprocmask(SIG_BLOCK, 0, &m);
    printf("mask restored: SIGUSR2 %d SIGUSR1 %d SIGILL %d\n", sigismember(&m, SIGUSR2), sigismember(&m, SIGUSR1),
           sigismember(&m, SIGILL));

    unsigned long r;
    __asm__ volatile("mov x0, #1\n.globl brk_insn\nbrk_insn: brk #0x42\nmov %0, x0" : "=r"(r) : : "x0");
    printf("after brk: x0 %lu\n", r);

    page = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ((volatile char *)page)[8] = 5;
    printf("store after mprotect in the handler: %d\n", page[8]);
    far_accesses();
    return 0;
}
