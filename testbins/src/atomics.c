/*
 * atomics: every GCC __atomic builtin on 1, 2, 4, 8 and 16-byte objects with
 * every memory order, and __sync 16-byte compare-and-swap.
 *
 * Built twice from this source:
 *   atomics_lse      -march=armv8.1-a: LSE instructions inline (CAS, CASP,
 *                    LDADD..., SWP); this build also runs every LSE
 *                    instruction form directly (all sizes and orderings,
 *                    LDSMAX/LDSMIN/LDUMAX/LDUMIN, the ST<op> aliases, CASP
 *                    on W and X pairs).
 *   atomics_outline  default flags: gcc's -moutline-atomics helpers pick LSE
 *                    or LDXR/STXR loops at run time from AT_HWCAP; run under
 *                    -cpu max and (as atomics_outline_a53) -cpu cortex-a53.
 * 16-byte __atomic builtins go through libatomic.  Single-threaded and
 * deterministic: only values are printed.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/auxv.h>

typedef unsigned __int128 u128;

#ifndef HWCAP_ATOMICS
#define HWCAP_ATOMICS (1 << 8)
#endif

static uint8_t m8;
static uint16_t m16;
static uint32_t m32;
static uint64_t m64;
static u128 m128 __attribute__((aligned(16)));

static unsigned long checksum;

static void mix(u128 v)
{
    checksum = checksum * 1000003u ^ (unsigned long)v ^ (unsigned long)(v >> 64);
}

static void show(const char *what, int bytes, int order, u128 ret, u128 mem)
{
    int digits = bytes * 2;
    mix(ret);
    mix(mem);
    printf("%-10s %2d o%d ret=", what, bytes, order);
    if (digits > 16)
        printf("%016llx%016llx", (unsigned long long)(ret >> 64), (unsigned long long)ret);
    else
        printf("%0*llx", digits, (unsigned long long)ret);
    printf(" mem=");
    if (digits > 16)
        printf("%016llx%016llx\n", (unsigned long long)(mem >> 64), (unsigned long long)mem);
    else
        printf("%0*llx\n", digits, (unsigned long long)mem);
}

#define LOAD_ORDER(o) ((o) == __ATOMIC_RELEASE ? __ATOMIC_RELAXED : (o) == __ATOMIC_ACQ_REL ? __ATOMIC_ACQUIRE : (o))
#define STORE_ORDER(o) ((o) == __ATOMIC_ACQUIRE || (o) == __ATOMIC_CONSUME ? __ATOMIC_RELAXED : (o) == __ATOMIC_ACQ_REL ? __ATOMIC_RELEASE : (o))

static const u128 INIT = ((u128)0x8091a2b3c4d5e6f7ull << 64) | 0x0f1e2d3c4b5a6978ull;
static const u128 VAL = ((u128)0x7f6e5d4c3b2a1908ull << 64) | 0xf0e1d2c3b4a59687ull;

/* Every builtin on object M of type T with memory order O. */
#define BUILTINS(T, M, O)                                                           \
    do {                                                                            \
        T v = (T)VAL, r, e;                                                         \
        int ok;                                                                     \
        M = (T)INIT; r = __atomic_fetch_add(&M, v, O); show("fetch_add", sizeof(T), O, r, M); \
        M = (T)INIT; r = __atomic_fetch_sub(&M, v, O); show("fetch_sub", sizeof(T), O, r, M); \
        M = (T)INIT; r = __atomic_fetch_and(&M, v, O); show("fetch_and", sizeof(T), O, r, M); \
        M = (T)INIT; r = __atomic_fetch_or(&M, v, O); show("fetch_or", sizeof(T), O, r, M);   \
        M = (T)INIT; r = __atomic_fetch_xor(&M, v, O); show("fetch_xor", sizeof(T), O, r, M); \
        M = (T)INIT; r = __atomic_fetch_nand(&M, v, O); show("fetch_nand", sizeof(T), O, r, M); \
        M = (T)INIT; r = __atomic_add_fetch(&M, v, O); show("add_fetch", sizeof(T), O, r, M); \
        M = (T)INIT; r = __atomic_sub_fetch(&M, v, O); show("sub_fetch", sizeof(T), O, r, M); \
        M = (T)INIT; r = __atomic_and_fetch(&M, v, O); show("and_fetch", sizeof(T), O, r, M); \
        M = (T)INIT; r = __atomic_or_fetch(&M, v, O); show("or_fetch", sizeof(T), O, r, M);   \
        M = (T)INIT; r = __atomic_xor_fetch(&M, v, O); show("xor_fetch", sizeof(T), O, r, M); \
        M = (T)INIT; r = __atomic_nand_fetch(&M, v, O); show("nand_fetch", sizeof(T), O, r, M); \
        M = (T)INIT; r = __atomic_exchange_n(&M, v, O); show("exchange", sizeof(T), O, r, M); \
        M = (T)INIT; r = __atomic_load_n(&M, LOAD_ORDER(O)); show("load", sizeof(T), O, r, M); \
        M = (T)INIT; __atomic_store_n(&M, v, STORE_ORDER(O)); show("store", sizeof(T), O, 0, M); \
        M = (T)INIT; e = (T)INIT;                                                   \
        ok = __atomic_compare_exchange_n(&M, &e, v, 0, O, LOAD_ORDER(O));           \
        show(ok ? "cas_ok" : "cas_FAIL", sizeof(T), O, e, M);                       \
        M = (T)INIT; e = v;                                                         \
        ok = __atomic_compare_exchange_n(&M, &e, v, 0, O, LOAD_ORDER(O));           \
        show(ok ? "cas_OK?" : "cas_fail", sizeof(T), O, e, M);                      \
        M = (T)INIT; e = (T)INIT;                                                   \
        do {                                                                        \
            ok = __atomic_compare_exchange_n(&M, &e, e + 1, 1, O, LOAD_ORDER(O));   \
        } while (!ok);                                                              \
        show("cas_weak", sizeof(T), O, e, M);                                       \
    } while (0)

#define ALL_ORDERS(T, M)                    \
    do {                                    \
        BUILTINS(T, M, __ATOMIC_RELAXED);   \
        BUILTINS(T, M, __ATOMIC_CONSUME);   \
        BUILTINS(T, M, __ATOMIC_ACQUIRE);   \
        BUILTINS(T, M, __ATOMIC_RELEASE);   \
        BUILTINS(T, M, __ATOMIC_ACQ_REL);   \
        BUILTINS(T, M, __ATOMIC_SEQ_CST);   \
    } while (0)

static void builtins(void)
{
    ALL_ORDERS(uint8_t, m8);
    ALL_ORDERS(uint16_t, m16);
    ALL_ORDERS(uint32_t, m32);
    ALL_ORDERS(uint64_t, m64);
    ALL_ORDERS(u128, m128);
}

static void flags_and_sync(void)
{
    static volatile unsigned char flag;
    static unsigned int counter;
    int was = __atomic_test_and_set(&flag, __ATOMIC_ACQUIRE);
    int again = __atomic_test_and_set(&flag, __ATOMIC_SEQ_CST);
    __atomic_clear(&flag, __ATOMIC_RELEASE);
    printf("test_and_set %d %d cleared %d\n", was, again, flag);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    for (int i = 0; i < 1000; i++) {
        __sync_fetch_and_add(&counter, 3);
        __sync_fetch_and_sub(&counter, 1);
        __sync_bool_compare_and_swap(&counter, counter, counter ^ 1);
    }
    printf("sync counter %u lock_test_and_set %u\n", counter, __sync_lock_test_and_set(&counter, 7));
    __sync_lock_release(&counter);
    printf("after release %u\n", counter);
    /* __sync on 16 bytes: CASPAL with LSE, an LDXP/STXP loop otherwise. */
    m128 = INIT;
    u128 old = __sync_val_compare_and_swap(&m128, INIT, VAL);
    int ok = __sync_bool_compare_and_swap(&m128, INIT, 5);
    show("sync_cas16", 16, 5, old, m128);
    printf("sync_bool_cas16 %d\n", ok);
    ok = __sync_bool_compare_and_swap(&m128, VAL, ~(u128)0);
    show("sync_cas16", 16, 5, ok, m128);
    printf("always lock free 1/2/4/8: %d %d %d %d\n", __atomic_always_lock_free(1, 0), __atomic_always_lock_free(2, 0),
           __atomic_always_lock_free(4, 0), __atomic_always_lock_free(8, 0));
}

#ifdef __ARM_FEATURE_ATOMICS
/* ---- every LSE instruction form, directly ---- */

static const uint64_t A = 0x7f6e5d4c3b2a1988ull, B = 0x8091a2b3c4d5e677ull;

/* One LD<op>/SWP with ordering suffix ORD on size SZ ("b", "h", "" + W or X regs). */
#define RMW(OP, ORD, SZ, R, T, M, MEMV, V)                                                  \
    do {                                                                                    \
        T old, v = (T)(V);                                                                  \
        M = (T)(MEMV);                                                                      \
        asm volatile(OP ORD SZ " %" R "2, %" R "0, %1" : "=&r"(old), "+Q"(M) : "r"(v) : "memory"); \
        show(OP ORD SZ, sizeof(T), 0, old, M);                                              \
    } while (0)

#define RMW_ORDERS(OP, SZ, R, T, M)                                   \
    do {                                                              \
        RMW(OP, "", SZ, R, T, M, A, B);                               \
        RMW(OP, "a", SZ, R, T, M, B, A);                              \
        RMW(OP, "al", SZ, R, T, M, A, B);                             \
        RMW(OP, "l", SZ, R, T, M, B, A);                              \
    } while (0)

#define RMW_SIZES(OP)                                                 \
    do {                                                              \
        RMW_ORDERS(OP, "b", "w", uint8_t, m8);                        \
        RMW_ORDERS(OP, "h", "w", uint16_t, m16);                      \
        RMW_ORDERS(OP, "", "w", uint32_t, m32);                       \
        RMW_ORDERS(OP, "", "x", uint64_t, m64);                       \
    } while (0)

/* ST<op>: the LD<op> aliases with Rt = XZR. */
#define STOP(OP, ORD, SZ, R, T, M)                                                 \
    do {                                                                           \
        T v = (T)B;                                                                \
        M = (T)A;                                                                  \
        asm volatile(OP ORD SZ " %" R "1, %0" : "+Q"(M) : "r"(v) : "memory");      \
        show(OP ORD SZ, sizeof(T), 0, 0, M);                                       \
    } while (0)

#define STOP_ALL(OP)                                                  \
    do {                                                              \
        STOP(OP, "", "b", "w", uint8_t, m8);                          \
        STOP(OP, "l", "h", "w", uint16_t, m16);                       \
        STOP(OP, "", "", "w", uint32_t, m32);                         \
        STOP(OP, "l", "", "x", uint64_t, m64);                        \
    } while (0)

/* CAS with ORD on size SZ: once matching, once not. */
#define CAS(ORD, SZ, R, T, M)                                                                    \
    do {                                                                                         \
        T e = (T)A, n = (T)B;                                                                    \
        M = (T)A;                                                                                \
        asm volatile("cas" ORD SZ " %" R "0, %" R "2, %1" : "+r"(e), "+Q"(M) : "r"(n) : "memory"); \
        show("cas" ORD SZ, sizeof(T), 1, e, M);                                                  \
        e = (T)B;                                                                                \
        asm volatile("cas" ORD SZ " %" R "0, %" R "2, %1" : "+r"(e), "+Q"(M) : "r"(n) : "memory"); \
        show("cas" ORD SZ, sizeof(T), 2, e, M);                                                  \
        e = (T)A;                                                                                \
        asm volatile("cas" ORD SZ " %" R "0, %" R "2, %1" : "+r"(e), "+Q"(M) : "r"(n) : "memory"); \
        show("cas" ORD SZ, sizeof(T), 3, e, M);                                                  \
    } while (0)

#define CAS_ORDERS(SZ, R, T, M)  \
    do {                         \
        CAS("", SZ, R, T, M);    \
        CAS("a", SZ, R, T, M);   \
        CAS("al", SZ, R, T, M);  \
        CAS("l", SZ, R, T, M);   \
    } while (0)

/* CASP on X pairs (128-bit) and W pairs (64-bit). */
#define CASPX(ORD, E0, E1)                                                              \
    do {                                                                                \
        register uint64_t s0 asm("x4") = (E0), s1 asm("x5") = (E1);                     \
        register uint64_t t0 asm("x6") = ~A, t1 asm("x7") = ~B;                          \
        asm volatile("casp" ORD " x4, x5, x6, x7, %2"                                    \
                     : "+r"(s0), "+r"(s1), "+Q"(m128) : "r"(t0), "r"(t1) : "memory");   \
        show("casp" ORD, 16, 0, ((u128)s1 << 64) | s0, m128);                           \
    } while (0)

#define CASPW(ORD, E0, E1)                                                              \
    do {                                                                                \
        register uint32_t s0 asm("w10") = (E0), s1 asm("w11") = (E1);                   \
        register uint32_t t0 asm("w12") = (uint32_t)~A, t1 asm("w13") = (uint32_t)~B;   \
        asm volatile("casp" ORD " w10, w11, w12, w13, %2"                                \
                     : "+r"(s0), "+r"(s1), "+Q"(m64) : "r"(t0), "r"(t1) : "memory");    \
        show("casp" ORD "(w)", 8, 0, ((uint64_t)s1 << 32) | s0, m64);                   \
    } while (0)

#define CASP_BOTH(ORD)                                             \
    do {                                                           \
        m128 = ((u128)B << 64) | A;                                \
        CASPX(ORD, A, B);                                          \
        CASPX(ORD, A, B);                                          \
        CASPX(ORD, ~A, ~B);                                        \
        m64 = (B << 32) | (uint32_t)A;                             \
        CASPW(ORD, (uint32_t)A, (uint32_t)B);                      \
        CASPW(ORD, (uint32_t)A, (uint32_t)B);                      \
        CASPW(ORD, (uint32_t)~A, (uint32_t)~B);                    \
    } while (0)

static void lse_forms(void)
{
    RMW_SIZES("ldadd");
    RMW_SIZES("ldclr");
    RMW_SIZES("ldeor");
    RMW_SIZES("ldset");
    RMW_SIZES("ldsmax");
    RMW_SIZES("ldsmin");
    RMW_SIZES("ldumax");
    RMW_SIZES("ldumin");
    RMW_SIZES("swp");
    STOP_ALL("stadd");
    STOP_ALL("stclr");
    STOP_ALL("steor");
    STOP_ALL("stset");
    STOP_ALL("stsmax");
    STOP_ALL("stsmin");
    STOP_ALL("stumax");
    STOP_ALL("stumin");
    CAS_ORDERS("b", "w", uint8_t, m8);
    CAS_ORDERS("h", "w", uint16_t, m16);
    CAS_ORDERS("", "w", uint32_t, m32);
    CAS_ORDERS("", "x", uint64_t, m64);
    CASP_BOTH("");
    CASP_BOTH("a");
    CASP_BOTH("al");
    CASP_BOTH("l");
}
#endif

#ifndef __ARM_FEATURE_ATOMICS
/* libgcc's choice for the out-of-line helpers, made from AT_HWCAP at start-up. */
extern _Bool __aarch64_have_lse_atomics __attribute__((visibility("hidden")));
#endif

int main(void)
{
    printf("hwcap atomics: %d\n", (getauxval(AT_HWCAP) & HWCAP_ATOMICS) != 0);
#ifdef __ARM_FEATURE_ATOMICS
    printf("build: LSE inline\n");
#else
    printf("build: outline atomics, helpers use LSE: %d\n", (int)__aarch64_have_lse_atomics);
#endif
    builtins();
    flags_and_sync();
#ifdef __ARM_FEATURE_ATOMICS
    lse_forms();
#endif
    printf("checksum %016lx\n", checksum);
    return 0;
}
