/*
 * crc32: the Armv8 CRC32 instructions through the ACLE intrinsics
 * (arm_acle.h, built with -march=armv8-a+crc): CRC32B/H/W/X and
 * CRC32CB/CH/CW/CX over buffers of many lengths and alignments, each
 * checked against a table-driven CRC computed here in plain C, plus the
 * standard check values of "123456789".
 * Freestanding: no libc, see mini.h.
 */
#include "mini.h"
#include <arm_acle.h>

#define POLY_IEEE 0xedb88320u /* bit-reflected 0x04C11DB7 */
#define POLY_C 0x82f63b78u    /* bit-reflected 0x1EDC6F41 (Castagnoli) */

static u32 table[2][256];
static u8 buf[1100];

static void make_tables(void)
{
    const u32 polys[2] = {POLY_IEEE, POLY_C};
    for (int p = 0; p < 2; p++)
        for (u32 i = 0; i < 256; i++) {
            u32 c = i;
            for (int k = 0; k < 8; k++)
                c = (c >> 1) ^ ((c & 1) ? polys[p] : 0);
            table[p][i] = c;
        }
}

/* The reference: one table step per byte, with the usual inversions. */
static u32 crc_ref(int p, const u8 *s, unsigned n)
{
    u32 c = 0xffffffffu;
    for (unsigned i = 0; i < n; i++)
        c = table[p][(c ^ s[i]) & 0xff] ^ (c >> 8);
    return ~c;
}

static u32 crc_bytes(int p, const u8 *s, unsigned n)
{
    u32 c = 0xffffffffu;
    for (unsigned i = 0; i < n; i++)
        c = p ? __crc32cb(c, s[i]) : __crc32b(c, s[i]);
    return ~c;
}

static u16 ld16(const u8 *s) { return (u16)(s[0] | s[1] << 8); }
static u32 ld32(const u8 *s) { return ld16(s) | (u32)ld16(s + 2) << 16; }
static u64 ld64(const u8 *s) { return ld32(s) | (u64)ld32(s + 4) << 32; }

/* Doublewords, then a word, a halfword and a byte for the tail. */
static u32 crc_wide(int p, const u8 *s, unsigned n)
{
    u32 c = 0xffffffffu;
    for (; n >= 8; s += 8, n -= 8)
        c = p ? __crc32cd(c, ld64(s)) : __crc32d(c, ld64(s));
    if (n >= 4) {
        c = p ? __crc32cw(c, ld32(s)) : __crc32w(c, ld32(s));
        s += 4, n -= 4;
    }
    if (n >= 2) {
        c = p ? __crc32ch(c, ld16(s)) : __crc32h(c, ld16(s));
        s += 2, n -= 2;
    }
    if (n)
        c = p ? __crc32cb(c, *s) : __crc32b(c, *s);
    return ~c;
}

/* Halfwords only (plus a last byte), to use CRC32H/CH on every length. */
static u32 crc_halves(int p, const u8 *s, unsigned n)
{
    u32 c = 0xffffffffu;
    for (; n >= 2; s += 2, n -= 2)
        c = p ? __crc32ch(c, ld16(s)) : __crc32h(c, ld16(s));
    if (n)
        c = p ? __crc32cb(c, *s) : __crc32b(c, *s);
    return ~c;
}

/* Words only (plus the tail in bytes). */
static u32 crc_words(int p, const u8 *s, unsigned n)
{
    u32 c = 0xffffffffu;
    for (; n >= 4; s += 4, n -= 4)
        c = p ? __crc32cw(c, ld32(s)) : __crc32w(c, ld32(s));
    for (; n; s++, n--)
        c = p ? __crc32cb(c, *s) : __crc32b(c, *s);
    return ~c;
}

int main(void)
{
    make_tables();
    u64 seed = 0x243f6a8885a308d3ull;
    for (unsigned i = 0; i < sizeof(buf); i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        buf[i] = (u8)(seed >> 56);
    }

    static const u8 check[] = "123456789";
    show32("crc32(123456789)", crc_wide(0, check, 9));
    show32("crc32c(123456789)", crc_wide(1, check, 9));
    show32("crc32 bytes(123456789)", crc_bytes(0, check, 9));
    show32("crc32c bytes(123456789)", crc_bytes(1, check, 9));

    /* The raw instructions on edge values (no inversion). */
    show32("crc32b(0,0xff)", __crc32b(0, 0xff));
    show32("crc32h(~0,0x8000)", __crc32h(0xffffffffu, 0x8000));
    show32("crc32w(0x12345678,~0)", __crc32w(0x12345678u, 0xffffffffu));
    show32("crc32x(~0,1<<63)", __crc32d(0xffffffffu, 1ull << 63));
    show32("crc32cb(0,0x80)", __crc32cb(0, 0x80));
    show32("crc32ch(~0,0xffff)", __crc32ch(0xffffffffu, 0xffff));
    show32("crc32cw(0xdeadbeef,0)", __crc32cw(0xdeadbeefu, 0));
    show32("crc32cx(1,~0)", __crc32cd(1, ~0ull));

    unsigned bad = 0, runs = 0;
    u32 sum = 0;
    for (int p = 0; p < 2; p++) {
        for (unsigned len = 0; len <= 1024; len = len < 80 ? len + 1 : len * 5 / 4 + 3) {
            for (unsigned off = 0; off < 8; off++) {
                u32 want = crc_ref(p, buf + off, len);
                u32 got[4] = {crc_bytes(p, buf + off, len), crc_wide(p, buf + off, len),
                              crc_halves(p, buf + off, len), crc_words(p, buf + off, len)};
                for (int k = 0; k < 4; k++) {
                    runs++;
                    if (got[k] != want) {
                        if (bad < 10) {
                            puts_(p ? "MISMATCH crc32c" : "MISMATCH crc32");
                            puts_(" len=");
                            dec(len);
                            puts_(" off=");
                            dec(off);
                            puts_(" way=");
                            dec(k);
                            putc_('\n');
                        }
                        bad++;
                    }
                }
                sum = sum * 31 + want;
            }
            if (len == 1024 || len == 7 || len == 64) {
                puts_(p ? "crc32c len " : "crc32 len ");
                dec(len);
                puts_(": ");
                hex32(crc_ref(p, buf, len));
                putc_('\n');
            }
        }
    }
    show32("runs", runs);
    show32("mismatches", bad);
    show32("sum", sum);
    flush();
    return bad != 0;
}
