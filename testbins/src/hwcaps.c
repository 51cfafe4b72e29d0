/*
 * hwcaps: what a program learns about the CPU, and that it is consistent.
 *
 * Without arguments (the expected output, same under any emulator that is
 * consistent): for each feature, whether AT_HWCAP advertises it and whether
 * the ID register field read by MRS (Linux's emulation of the ID space, as
 * HWCAP_CPUID promises) says the same; each advertised feature's
 * instructions then run.  Also: the EL0-visible system registers (CTR_EL0,
 * DCZID_EL0 with DC ZVA zeroing exactly its block, CNTVCT_EL0/CNTFRQ_EL0)
 * and the PAC/BTI hint-space instructions executing as NOPs.
 *
 * With the argument "raw": the raw AT_HWCAP, AT_HWCAP2 and ID register
 * values, which tests/testbins.rs compares with ruser's feature table.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

#define MRS(reg)                                       \
    ({                                                 \
        uint64_t v_;                                   \
        asm volatile("mrs %0, " #reg : "=r"(v_));      \
        v_;                                            \
    })

#ifndef HWCAP_LRCPC
#define HWCAP_LRCPC (1 << 15)
#endif
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif

static unsigned field(uint64_t reg, int shift) { return (reg >> shift) & 15; }

static void feature(const char *name, unsigned long hwcap, unsigned long bit, int id_says)
{
    int has = (hwcap & bit) != 0;
    printf("%-8s hwcap=%d id=%d %s\n", name, has, id_says, has == id_says ? "consistent" : "INCONSISTENT");
}

static void raw(void)
{
    printf("AT_HWCAP %#lx\n", getauxval(AT_HWCAP));
    printf("AT_HWCAP2 %#lx\n", getauxval(AT_HWCAP2));
    printf("ID_AA64PFR0_EL1 %#lx\n", MRS(ID_AA64PFR0_EL1));
    printf("ID_AA64PFR1_EL1 %#lx\n", MRS(ID_AA64PFR1_EL1));
    printf("ID_AA64ISAR0_EL1 %#lx\n", MRS(ID_AA64ISAR0_EL1));
    printf("ID_AA64ISAR1_EL1 %#lx\n", MRS(ID_AA64ISAR1_EL1));
    printf("ID_AA64MMFR0_EL1 %#lx\n", MRS(ID_AA64MMFR0_EL1));
    printf("ID_AA64DFR0_EL1 %#lx\n", MRS(ID_AA64DFR0_EL1));
}

static uint8_t zva[4096] __attribute__((aligned(4096)));

static void sysregs(void)
{
    uint64_t ctr = MRS(CTR_EL0), dczid = MRS(DCZID_EL0);
    printf("CTR_EL0 DminLine>0 %d IminLine>0 %d\n", field(ctr, 16) > 0, field(ctr, 0) > 0);
    unsigned block = 4u << (dczid & 15);
    printf("DCZID_EL0 DZP %d\n", (int)((dczid >> 4) & 1));
    if (!((dczid >> 4) & 1) && block <= 2048) {
        memset(zva, 0xa5, sizeof(zva));
        uint8_t *p = zva + 2048 + block / 2 + 3; /* inside the block at zva + 2048 */
        asm volatile("dc zva, %0" : : "r"(p) : "memory");
        unsigned zero = 0, first = sizeof(zva), last = 0;
        for (unsigned i = 0; i < sizeof(zva); i++)
            if (zva[i] == 0) {
                zero++;
                if (i < first)
                    first = i;
                last = i;
            }
        printf("dc zva zeroed exactly its block: %d\n", zero == block && first == 2048 && last == 2048 + block - 1);
    }
    uint64_t f = MRS(CNTFRQ_EL0), t0 = MRS(CNTVCT_EL0), t1 = MRS(CNTVCT_EL0);
    printf("CNTFRQ_EL0 nonzero %d, CNTVCT_EL0 monotonic %d\n", f != 0, t1 >= t0);
    uint64_t midr = MRS(MIDR_EL1), mpidr = MRS(MPIDR_EL1), revidr = MRS(REVIDR_EL1);
    /* Their values depend on the CPU model; reading them must not trap. */
    (void)midr;
    (void)revidr;
    printf("MIDR_EL1 and REVIDR_EL1 readable, MPIDR_EL1 bit 31 %d\n", (int)((mpidr >> 31) & 1));
    uint64_t tpidr = 0x1122334455667788ull, back;
    uint64_t old = MRS(TPIDR_EL0);
    asm volatile("msr tpidr_el0, %1\n\tmrs %0, tpidr_el0\n\tmsr tpidr_el0, %2" : "=&r"(back) : "r"(tpidr), "r"(old));
    printf("TPIDR_EL0 round trip %d, TPIDRRO_EL0 %#lx\n", back == tpidr, MRS(TPIDRRO_EL0));
}

/* PAC and BTI instructions in the hint space are NOPs on a CPU without them. */
static void hints(void)
{
    uint64_t lr, sp_before, sp_after, x16 = 0x1234, x17 = 0x5678;
    asm volatile("mov %0, sp\n\t"
                 "mov x9, x30\n\t"
                 "mov x30, #0x4000\n\t"
                 "paciasp\n\t"
                 "pacibsp\n\t"
                 "paciaz\n\t"
                 "pacibz\n\t"
                 "autiasp\n\t"
                 "autibsp\n\t"
                 "autiaz\n\t"
                 "autibz\n\t"
                 "xpaclri\n\t"
                 "hint #8\n\t"   /* pacia1716 */
                 "hint #10\n\t"  /* pacib1716 */
                 "hint #12\n\t"  /* autia1716 */
                 "hint #14\n\t"  /* autib1716 */
                 "bti\n\t"
                 "bti c\n\t"
                 "bti j\n\t"
                 "bti jc\n\t"
                 "hint #0x2e\n\t" /* hint numbers with no instruction are NOPs too */
                 "hint #0x7f\n\t"
                 "mov %1, x30\n\t"
                 "mov x30, x9\n\t"
                 "mov %2, sp"
                 : "=&r"(sp_before), "=&r"(lr), "=&r"(sp_after), "+r"(x16), "+r"(x17)
                 :
                 : "x9", "x30", "memory");
    printf("pac/bti hints: lr %#lx, sp unchanged %d, x16 %#lx, x17 %#lx\n", lr, sp_before == sp_after, x16, x17);
}

static void run_features(unsigned long hwcap)
{
    if (hwcap & HWCAP_CRC32) {
        uint32_t a, b;
        asm volatile("crc32cx %w0, %w2, %3\n\tcrc32b %w1, %w2, %w3"
                     : "=&r"(a), "=&r"(b)
                     : "r"(0xffffffffu), "r"(0x0123456789abcdefull));
        printf("crc32: %08x %08x\n", a, b);
    }
    if (hwcap & HWCAP_ATOMICS) {
        static uint64_t word = 40;
        uint64_t old;
        asm volatile(".arch_extension lse\n\tldaddal %2, %0, %1" : "=&r"(old), "+Q"(word) : "r"(2ul) : "memory");
        printf("atomics: ldaddal %lu -> %lu\n", old, word);
    }
    if (hwcap & HWCAP_LRCPC) {
        static uint64_t word = 0x5a5a;
        uint64_t v;
        uint8_t b;
        uint16_t h;
        asm volatile(".arch armv8.3-a\n\tldapr %0, %3\n\tldaprb %w1, %3\n\tldaprh %w2, %3"
                     : "=&r"(v), "=&r"(b), "=&r"(h)
                     : "Q"(word));
        printf("lrcpc: ldapr %#lx ldaprb %#x ldaprh %#x\n", v, b, h);
    }
    if (hwcap & HWCAP_ASIMDDP) {
        uint64_t lo, hi;
        asm volatile(".arch armv8.2-a+dotprod\n\t"
                     "movi v0.4s, #1\n\t"
                     "movi v1.16b, #0xff\n\t"
                     "movi v2.16b, #3\n\t"
                     "sdot v0.4s, v1.16b, v2.16b\n\t"
                     "udot v0.4s, v1.16b, v2.4b[1]\n\t"
                     "mov %0, v0.d[0]\n\t"
                     "mov %1, v0.d[1]"
                     : "=r"(lo), "=r"(hi)
                     :
                     : "v0", "v1", "v2");
        printf("asimddp: sdot/udot %#lx %#lx\n", lo, hi);
    }
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "raw") == 0) {
        raw();
        return 0;
    }
    unsigned long hwcap = getauxval(AT_HWCAP);
    if (!(hwcap & HWCAP_CPUID)) {
        printf("no HWCAP_CPUID: ID registers not readable\n");
        return 1;
    }
    uint64_t pfr0 = MRS(ID_AA64PFR0_EL1), isar0 = MRS(ID_AA64ISAR0_EL1), isar1 = MRS(ID_AA64ISAR1_EL1);
    feature("fp", hwcap, HWCAP_FP, field(pfr0, 16) != 15);
    feature("asimd", hwcap, HWCAP_ASIMD, field(pfr0, 20) != 15);
    feature("crc32", hwcap, HWCAP_CRC32, field(isar0, 16) >= 1);
    feature("atomics", hwcap, HWCAP_ATOMICS, field(isar0, 20) >= 2);
    feature("lrcpc", hwcap, HWCAP_LRCPC, field(isar1, 20) >= 1);
    feature("asimddp", hwcap, HWCAP_ASIMDDP, field(isar0, 44) >= 1);
    printf("EL0/EL1 AArch64 only: %d\n", (pfr0 & 0xff) == 0x11);
    run_features(hwcap);
    sysregs();
    hints();
    return 0;
}
