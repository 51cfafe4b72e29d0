/*
 * mini.h - a tiny freestanding runtime for the instruction-level test
 * programs (no libc).  Provides _start, raw syscalls, memcpy/memset (which
 * the compiler may emit even with -ffreestanding) and line-buffered output
 * helpers that print strings and fixed-width hex numbers.
 *
 * Include it from exactly one translation unit per program.
 */
#ifndef MINI_H
#define MINI_H

typedef unsigned long u64;
typedef long s64;
typedef unsigned int u32;
typedef int s32;
typedef unsigned short u16;
typedef unsigned char u8;

#define SYS_write 64
#define SYS_exit 93
#define SYS_exit_group 94

static inline long sys3(long n, long a, long b, long c)
{
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    __asm__ volatile("svc #0"
                     : "+r"(x0)
                     : "r"(x8), "r"(x1), "r"(x2)
                     : "memory");
    return x0;
}

static __attribute__((noreturn)) void sys_exit(int code)
{
    for (;;)
        sys3(SYS_exit_group, code, 0, 0);
}

/* The compiler is allowed to emit calls to these even when freestanding. */
void *memcpy(void *d, const void *s, unsigned long n)
{
    u8 *dp = d;
    const u8 *sp = s;
    while (n--)
        *dp++ = *sp++;
    return d;
}

void *memset(void *d, int c, unsigned long n)
{
    u8 *dp = d;
    while (n--)
        *dp++ = (u8)c;
    return d;
}

/* ---- output: collect one line, write it on '\n' ---- */
static char out_buf[256];
static unsigned out_len;

static __attribute__((unused)) void flush(void)
{
    unsigned off = 0;
    while (off < out_len) {
        long r = sys3(SYS_write, 1, (long)(out_buf + off), out_len - off);
        if (r <= 0)
            sys_exit(111);
        off += (unsigned)r;
    }
    out_len = 0;
}

static __attribute__((unused)) void putc_(char c)
{
    out_buf[out_len++] = c;
    if (c == '\n' || out_len == sizeof(out_buf))
        flush();
}

static __attribute__((unused)) void puts_(const char *s)
{
    while (*s)
        putc_(*s++);
}

/* print an instruction text used as a label on one line:
 * newlines become "; ", tabs are dropped, and operand templates print as
 * registers: "%0" as "x0", "%w0" as "w0", "%d0" as "d0", "%0.4s" as "v0.4s" */
static __attribute__((unused)) void label_(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            puts_("; ");
        else if (*s == '%') {
            if (s[1] >= '0' && s[1] <= '9')
                putc_(s[2] == '.' ? 'v' : 'x');
        } else if (*s != '\t')
            putc_(*s);
    }
}

/* hex with exactly `digits` digits */
static __attribute__((unused)) void hexn(u64 v, int digits)
{
    for (int i = digits - 1; i >= 0; i--)
        putc_("0123456789abcdef"[(v >> (i * 4)) & 15]);
}

static __attribute__((unused)) void hex64(u64 v) { hexn(v, 16); }
static __attribute__((unused)) void hex32(u64 v) { hexn(v, 8); }

static __attribute__((unused)) void dec(u64 v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        putc_(tmp[--n]);
}

/* "name value\n" helpers */
static __attribute__((unused)) void show64(const char *name, u64 v)
{
    label_(name);
    putc_(' ');
    hex64(v);
    putc_('\n');
}

static __attribute__((unused)) void show32(const char *name, u64 v)
{
    label_(name);
    putc_(' ');
    hex32(v);
    putc_('\n');
}

int main(void);

/* Entry point: sp is 16-byte aligned by the kernel; clear the frame chain,
 * call main, then exit_group with its return value. */
__asm__(".text\n"
        ".global _start\n"
        ".type _start, %function\n"
        "_start:\n"
        "    mov x29, #0\n"
        "    mov x30, #0\n"
        "    bl main\n"
        "    mov x8, #94\n"
        "    svc #0\n"
        "    b .\n"
        ".size _start, .-_start\n");

#endif
