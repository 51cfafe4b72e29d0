/* printf: integer, floating point, string and pointer-free formatting
 * through glibc's printf family, including widths, precisions and flags. */
#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>
#include <limits.h>
#include <float.h>
#include <math.h>

int main(void)
{
    printf("[%d] [%i] [%u] [%ld] [%lld]\n", 42, -42, 3000000000u, LONG_MIN, LLONG_MAX);
    printf("[%5d] [%-5d] [%05d] [%+d] [% d] [%.3d]\n", 42, 42, 42, 42, 42, 7);
    printf("[%x] [%X] [%#x] [%08x] [%#o] [%o]\n", 0xbeefu, 0xbeefu, 255u, 0xabcu, 8u, 0777u);
    printf("[%lx] [%" PRIx64 "] [%" PRId64 "] [%zu]\n", ULONG_MAX, UINT64_C(0x123456789abcdef0),
           INT64_MIN, (size_t)12345);
    printf("[%hhd] [%hhu] [%hd] [%hu]\n", (signed char)-1, (unsigned char)255, (short)-32768,
           (unsigned short)65535);
    printf("[%f] [%.2f] [%10.3f] [%-10.1f] [%+.0f] [%.0f] [%.0f]\n", 3.14159265358979, 2.675,
           -1.5, 1e3, 2.5, 3.5, 0.5);
    printf("[%e] [%.3e] [%E] [%12.4e]\n", 123456.789, 0.000123456, 1e-300, -6.02214076e23);
    printf("[%g] [%g] [%g] [%g] [%.10g] [%#g] [%G]\n", 100000.0, 1000000.0, 0.0001, 0.00001,
           1.0 / 3.0, 1.0, 1e-10);
    printf("[%a] [%A]\n", 1.0, -0.5);
    printf("[%f] [%f] [%f] [%e] [%g]\n", INFINITY, -INFINITY, NAN, DBL_MAX, DBL_MIN);
    printf("[%.17g] [%.17g] [%.20f]\n", 0.1, 1e23, 0.1);
    printf("[%f] [%.3f]\n", (double)FLT_MAX, (double)1.0f / 3.0f);
    printf("[%s] [%10s] [%-10s] [%.3s] [%*s] [%-*d]\n", "str", "right", "left", "truncate", 6,
           "star", 4, 9);
    printf("[%c%c%c] [%%] [%5c]\n", 'a', 'b', 'c', 'z');
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%s-%04d-%.2f", "snprintf", 7, 9.999);
    printf("[%s] n=%d\n", buf, n);
    volatile size_t small = 8;  /* volatile: the truncation is the point */
    n = snprintf(buf, small, "%s", "this is too long");
    printf("[%s] n=%d\n", buf, n);
    long double ld = 1.0L / 3.0L;
    printf("[%.25Lf] [%Lg]\n", ld, ld * 3e100L);
    /* a small table with aligned columns */
    for (int i = 1; i <= 5; i++)
        printf("%2d | %8.4f | %10.3e | %6x\n", i, sqrt((double)i), pow(10.0, i * 7), i * 4096);
    return 0;
}
