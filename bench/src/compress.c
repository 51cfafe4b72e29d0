/* Compression workload: an LZW compressor and decompressor (variable code
 * width 9..16 bits, dictionary reset when full, LSB-first bit packing)
 * doing a round trip over generated text-like data, once per repetition.
 * The data is perturbed a little between repetitions. */
#include <string.h>
#include "bench.h"

#define DATA_SIZE  (256 * 1024)
#define MAX_BITS   16
#define MAX_CODES  (1u << MAX_BITS)
#define CLEAR      256u
#define FIRST_FREE 257u
#define HASH_SIZE  (1u << 17)
#define EMPTY      0xFFFFFFFFu

static unsigned char input[DATA_SIZE];
static unsigned char packed[DATA_SIZE * 2 + 64];
static unsigned char unpacked[DATA_SIZE];

/* Encoder dictionary: open addressing from (prefix << 8 | byte) to code. */
static uint32_t hkey[HASH_SIZE];
static uint32_t hcode[HASH_SIZE];

/* Decoder dictionary: each code is a prefix code plus one byte. */
static uint32_t dprefix[MAX_CODES];
static unsigned char dsuffix[MAX_CODES];
static uint32_t dlen[MAX_CODES];

static unsigned bitlen(uint32_t n)
{
    unsigned b = 0;
    while (n) { b++; n >>= 1; }
    return b > MAX_BITS ? MAX_BITS : b;
}

typedef struct { unsigned char *p; uint64_t acc; unsigned n; } bitw_t;

static void put_bits(bitw_t *w, uint32_t v, unsigned bits)
{
    w->acc |= (uint64_t)v << w->n;
    w->n += bits;
    while (w->n >= 8) {
        *w->p++ = (unsigned char)w->acc;
        w->acc >>= 8;
        w->n -= 8;
    }
}

static size_t lzw_compress(const unsigned char *in, size_t len, unsigned char *out)
{
    bitw_t w = { out, 0, 0 };
    uint32_t next = FIRST_FREE;
    memset(hkey, 0xFF, sizeof hkey);
    if (len == 0)
        return 0;
    uint32_t cur = in[0];
    for (size_t i = 1; i < len; i++) {
        uint32_t c = in[i];
        uint32_t key = cur << 8 | c;
        uint32_t h = (key * 2654435761u) >> (32 - 17);
        while (hkey[h] != EMPTY && hkey[h] != key)
            h = (h + 1) & (HASH_SIZE - 1);
        if (hkey[h] == key) {
            cur = hcode[h];
            continue;
        }
        put_bits(&w, cur, bitlen(next - 1));
        if (next < MAX_CODES) {
            hkey[h] = key;
            hcode[h] = next++;
        } else {
            put_bits(&w, CLEAR, bitlen(next - 1));
            memset(hkey, 0xFF, sizeof hkey);
            next = FIRST_FREE;
        }
        cur = c;
    }
    put_bits(&w, cur, bitlen(next - 1));
    if (w.n)
        *w.p++ = (unsigned char)w.acc;
    return (size_t)(w.p - out);
}

/* Returns the decoded length, or (size_t)-1 on a corrupt stream. */
static size_t lzw_decompress(const unsigned char *in, size_t inlen,
                             unsigned char *out, size_t cap)
{
    const unsigned char *end = in + inlen;
    uint64_t acc = 0;
    unsigned have = 0;
    uint32_t next = FIRST_FREE;
    uint32_t prev = EMPTY;
    size_t o = 0;

    for (uint32_t c = 0; c < 256; c++) {
        dprefix[c] = EMPTY;
        dsuffix[c] = (unsigned char)c;
        dlen[c] = 1;
    }
    while (o < cap) {
        unsigned bits = bitlen(next);
        while (have < bits && in < end) {
            acc |= (uint64_t)*in++ << have;
            have += 8;
        }
        if (have < bits)
            break;
        uint32_t code = (uint32_t)(acc & ((1u << bits) - 1));
        acc >>= bits;
        have -= bits;

        if (code == CLEAR) {
            next = FIRST_FREE;
            prev = EMPTY;
            continue;
        }
        if (prev == EMPTY) {
            if (code > 255)
                return (size_t)-1;
            out[o++] = (unsigned char)code;
            prev = code;
            continue;
        }
        uint32_t len;
        if (code < next) {
            len = dlen[code];
            if (o + len > cap)
                return (size_t)-1;
            uint32_t k = code;
            for (uint32_t j = len; j-- > 0;) {
                out[o + j] = dsuffix[k];
                k = dprefix[k];
            }
        } else if (code == next) {
            /* The code being defined right now: prev's string plus its first byte. */
            len = dlen[prev] + 1;
            if (o + len > cap)
                return (size_t)-1;
            uint32_t k = prev;
            for (uint32_t j = len - 1; j-- > 0;) {
                out[o + j] = dsuffix[k];
                k = dprefix[k];
            }
            out[o + len - 1] = out[o];
        } else {
            return (size_t)-1;
        }
        if (next < MAX_CODES) {
            dprefix[next] = prev;
            dsuffix[next] = out[o];
            dlen[next] = dlen[prev] + 1;
            next++;
        }
        o += len;
        prev = code;
    }
    return o;
}

/* Text-like data: words from a random vocabulary, common words more likely. */
static void make_data(rng_t *r)
{
    static char vocab[512][12];
    for (int i = 0; i < 512; i++) {
        int n = 2 + (int)rng_below(r, 8);
        for (int j = 0; j < n; j++)
            vocab[i][j] = (char)('a' + rng_below(r, 26));
        vocab[i][n] = '\0';
    }
    size_t o = 0;
    while (o < DATA_SIZE) {
        uint32_t a = rng_below(r, 512), b = rng_below(r, 512);
        const char *wd = vocab[a < b ? a : b];
        while (*wd && o < DATA_SIZE)
            input[o++] = (unsigned char)*wd++;
        if (o < DATA_SIZE)
            input[o++] = rng_below(r, 12) == 0 ? '\n' : ' ';
    }
}

int main(int argc, char **argv)
{
    long reps = bench_reps(argc, argv, 80);
    rng_t r = { 0x1234567887654321ULL };
    uint64_t sum = 0;

    make_data(&r);
    for (long i = 0; i < reps; i++) {
        for (int k = 0; k < 16; k++)
            input[rng_below(&r, DATA_SIZE)] = (unsigned char)('a' + rng_below(&r, 26));
        size_t clen = lzw_compress(input, DATA_SIZE, packed);
        size_t dlen_out = lzw_decompress(packed, clen, unpacked, DATA_SIZE);
        if (dlen_out != DATA_SIZE || memcmp(input, unpacked, DATA_SIZE) != 0) {
            printf("compress: round trip FAILED at repetition %ld\n", i);
            return 1;
        }
        sum = mix(sum, clen);
        for (size_t j = 0; j + 8 <= clen; j += 8) {
            uint64_t v;
            memcpy(&v, packed + j, 8);
            sum = mix(sum, v);
        }
    }
    bench_report("compress", reps, sum);
    return 0;
}
