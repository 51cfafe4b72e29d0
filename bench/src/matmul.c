/* Single-precision workload: C = A x B for 256 x 256 float matrices
 * (i-k-j loop order), once per repetition, with A then replaced by a
 * rescaled C so every repetition multiplies new data.  Sums are kept in
 * float in a fixed order and the Makefile builds with -ffp-contract=off,
 * so every architecture computes the same bits. */
#include <string.h>
#include "bench.h"

#define DIM 256

static float A[DIM][DIM], B[DIM][DIM], C[DIM][DIM];

static void multiply(void)
{
    for (int i = 0; i < DIM; i++) {
        for (int j = 0; j < DIM; j++)
            C[i][j] = 0.0f;
        for (int k = 0; k < DIM; k++) {
            float a = A[i][k];
            for (int j = 0; j < DIM; j++)
                C[i][j] += a * B[k][j];
        }
    }
}

int main(int argc, char **argv)
{
    long reps = bench_reps(argc, argv, 12);
    rng_t r = { 0xF10A7F10A7ULL };
    uint64_t sum = 0;

    for (int i = 0; i < DIM; i++)
        for (int j = 0; j < DIM; j++) {
            A[i][j] = (float)((int)rng_below(&r, 2001) - 1000) / 1000.0f;
            B[i][j] = (float)((int)rng_below(&r, 2001) - 1000) / 16000.0f;
        }
    for (long rep = 0; rep < reps; rep++) {
        multiply();
        float total = 0.0f, peak = 0.0f;
        for (int i = 0; i < DIM; i++)
            for (int j = 0; j < DIM; j++) {
                float v = C[i][j];
                total += v;
                if (v > peak || -v > peak)
                    peak = v > 0 ? v : -v;
            }
        uint32_t tb, pb;
        memcpy(&tb, &total, 4);
        memcpy(&pb, &peak, 4);
        sum = mix(mix(sum, tb), pb);
        float scale = peak > 0.0f ? 1.0f / peak : 1.0f;
        for (int i = 0; i < DIM; i++)
            for (int j = 0; j < DIM; j++)
                A[i][j] = C[i][j] * scale;
    }
    bench_report("matmul", reps, sum);
    return 0;
}
