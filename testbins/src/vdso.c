/*
 * vdso: the time functions, which glibc routes through the vDSO when the
 * kernel (or emulator) provides one, and through system calls otherwise.
 *
 * Without arguments (the expected output, the same with or without a vDSO):
 * for every clock, clock_gettime through libc lies between two raw system
 * call reads of the same clock and has nanoseconds below 10^9; each clock is
 * monotonic over many reads (REALTIME and TAI excepted); clock_getres agrees
 * with the system call (and accepts a null pointer); gettimeofday agrees with
 * CLOCK_REALTIME, with and without a time zone and with a null timeval;
 * time() agrees with both; an unknown clock id fails with EINVAL.
 *
 * With the argument "vdso": the vDSO itself, which tests/testbins.rs checks
 * under ruser: AT_SYSINFO_EHDR points at an ELF shared object for AArch64
 * whose dynamic symbols (listed with their versions) include the kernel's
 * four, and whose __kernel_rt_sigreturn is `mov x8, #139; svc #0`.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what)
{
    printf("%-60s %s\n", what, ok ? "ok" : "FAIL");
    failures += !ok;
}

static int64_t ns(struct timespec t) { return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }

static int raw_gettime(clockid_t c, struct timespec *t) { return syscall(SYS_clock_gettime, c, t); }

static const struct { clockid_t id; const char *name; int monotonic; } clocks[] = {
    { CLOCK_REALTIME, "REALTIME", 0 },
    { CLOCK_MONOTONIC, "MONOTONIC", 1 },
    { CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME_ID", 1 },
    { CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME_ID", 1 },
    { CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW", 1 },
    { CLOCK_REALTIME_COARSE, "REALTIME_COARSE", 0 },
    { CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE", 1 },
    { CLOCK_BOOTTIME, "BOOTTIME", 1 },
    { CLOCK_TAI, "TAI", 0 },
};

static void clock_checks(void)
{
    char what[128];
    for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        struct timespec a, v, b, r1, r2;
        int ok = raw_gettime(clocks[i].id, &a) == 0;
        ok &= clock_gettime(clocks[i].id, &v) == 0;
        ok &= raw_gettime(clocks[i].id, &b) == 0;
        ok &= ns(a) <= ns(v) && ns(v) <= ns(b) && v.tv_nsec >= 0 && v.tv_nsec < 1000000000;
        snprintf(what, sizeof what, "clock_gettime(%s) between two system calls", clocks[i].name);
        check(ok, what);
        if (clocks[i].monotonic) {
            struct timespec prev = v, t;
            int mono = 1;
            for (int k = 0; k < 20000; k++) {
                clock_gettime(clocks[i].id, &t);
                mono &= ns(t) >= ns(prev);
                prev = t;
            }
            snprintf(what, sizeof what, "clock_gettime(%s) monotonic", clocks[i].name);
            check(mono, what);
        }
        ok = clock_getres(clocks[i].id, &r1) == 0 && syscall(SYS_clock_getres, clocks[i].id, &r2) == 0;
        ok &= r1.tv_sec == r2.tv_sec && r1.tv_nsec == r2.tv_nsec && clock_getres(clocks[i].id, NULL) == 0;
        snprintf(what, sizeof what, "clock_getres(%s) as the system call", clocks[i].name);
        check(ok, what);
    }
    struct timespec t;
    errno = 0;
    check(clock_gettime((clockid_t)12345, &t) == -1 && errno == EINVAL, "clock_gettime(unknown clock) fails with EINVAL");
    errno = 0;
    check(clock_getres((clockid_t)12345, &t) == -1 && errno == EINVAL, "clock_getres(unknown clock) fails with EINVAL");
}

static void time_checks(void)
{
    struct timespec a, b;
    struct timeval tv;
    struct timezone tz = { 12345, 678 };
    raw_gettime(CLOCK_REALTIME, &a);
    int ok = gettimeofday(&tv, NULL) == 0;
    raw_gettime(CLOCK_REALTIME, &b);
    int64_t us = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
    ok &= ns(a) / 1000 <= us && us <= ns(b) / 1000 && tv.tv_usec >= 0 && tv.tv_usec < 1000000;
    check(ok, "gettimeofday between two CLOCK_REALTIME system calls");
    ok = gettimeofday(&tv, &tz) == 0 && tz.tz_minuteswest != 12345;
    check(ok, "gettimeofday with a time zone fills it in");
    int (*volatile gtod)(struct timeval *, void *) = (int (*)(struct timeval *, void *))gettimeofday;
    check(gtod(NULL, NULL) == 0, "gettimeofday(NULL, NULL)");
    time_t t1, t2;
    raw_gettime(CLOCK_REALTIME, &a);
    t1 = time(&t2);
    raw_gettime(CLOCK_REALTIME, &b);
    check(t1 == t2 && a.tv_sec - 1 <= t1 && t1 <= b.tv_sec, "time() agrees with CLOCK_REALTIME");
}

/* ---- the vDSO itself ---- */

static const void *dyn_ptr(const Elf64_Dyn *d, Elf64_Sxword tag, uintptr_t base)
{
    for (; d->d_tag != DT_NULL; d++)
        if (d->d_tag == tag)
            return (const void *)(base + d->d_un.d_ptr);
    return NULL;
}

static int vdso(void)
{
    uintptr_t base = getauxval(AT_SYSINFO_EHDR);
    if (!base) {
        printf("no vDSO (AT_SYSINFO_EHDR is 0)\n");
        return 1;
    }
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
    check(memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 && eh->e_ident[EI_CLASS] == ELFCLASS64, "ELF64 header");
    check(eh->e_type == ET_DYN && eh->e_machine == EM_AARCH64, "a shared object for AArch64");
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(base + eh->e_phoff);
    const Elf64_Dyn *dyn = NULL;
    uintptr_t load = 0;
    int loads = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_DYNAMIC)
            dyn = (const Elf64_Dyn *)(base + ph[i].p_vaddr);
        if (ph[i].p_type == PT_LOAD && loads++ == 0)
            load = ph[i].p_vaddr;
    }
    check(dyn != NULL && loads == 1 && load == 0, "one PT_LOAD at 0 and a PT_DYNAMIC");
    if (!dyn)
        return 1;
    const Elf64_Sym *sym = dyn_ptr(dyn, DT_SYMTAB, base);
    const char *str = dyn_ptr(dyn, DT_STRTAB, base);
    const Elf32_Word *hash = dyn_ptr(dyn, DT_HASH, base);
    const Elf64_Versym *versym = dyn_ptr(dyn, DT_VERSYM, base);
    const Elf64_Verdef *verdef = dyn_ptr(dyn, DT_VERDEF, base);
    check(sym && str && hash && versym && verdef, "symbol, string, hash and version tables");
    if (!(sym && str && hash && versym && verdef))
        return 1;
    uintptr_t sigreturn = 0;
    for (Elf32_Word i = 1; i < hash[1]; i++) {
        if (ELF64_ST_TYPE(sym[i].st_info) != STT_FUNC || sym[i].st_shndx == SHN_UNDEF)
            continue;
        const char *ver = "?";
        for (const Elf64_Verdef *d = verdef;; d = (const Elf64_Verdef *)((const char *)d + d->vd_next)) {
            if (d->vd_ndx == (versym[i] & 0x7fff)) {
                const Elf64_Verdaux *aux = (const Elf64_Verdaux *)((const char *)d + d->vd_aux);
                ver = str + aux->vda_name;
                break;
            }
            if (!d->vd_next)
                break;
        }
        printf("symbol %s@%s\n", str + sym[i].st_name, ver);
        if (!strcmp(str + sym[i].st_name, "__kernel_rt_sigreturn"))
            sigreturn = base + sym[i].st_value;
    }
    const uint32_t tramp[2] = { 0xd2801168, 0xd4000001 };
    check(sigreturn && memcmp((const void *)sigreturn, tramp, 8) == 0, "__kernel_rt_sigreturn is mov x8, #139; svc #0");
    return failures != 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "vdso"))
        return vdso();
    clock_checks();
    time_checks();
    return failures != 0;
}
