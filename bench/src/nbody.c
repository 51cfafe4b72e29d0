/* Floating-point workload: a gravitational n-body simulation in double
 * precision (32 bodies with generated masses, positions and velocities,
 * softened pairwise forces, semi-implicit Euler steps).  Each repetition
 * advances 1000 steps and folds the total energy into the checksum.  Only
 * + - * / and sqrt are used (all exactly rounded in IEEE 754), and the
 * Makefile builds with -ffp-contract=off, so every architecture computes
 * the same bits. */
#include <math.h>
#include <string.h>
#include "bench.h"

#define NB    32
#define STEPS 1000
#define DT    0.001
#define SOFT2 0.01

static double px[NB], py[NB], pz[NB], vx[NB], vy[NB], vz[NB], m[NB];

static double uniform(rng_t *r, double lo, double hi)
{
    return lo + (hi - lo) * ((double)(rng_next(r) >> 11) / 9007199254740992.0);
}

static void advance(void)
{
    for (int i = 0; i < NB; i++) {
        for (int j = i + 1; j < NB; j++) {
            double dx = px[i] - px[j], dy = py[i] - py[j], dz = pz[i] - pz[j];
            double d2 = dx * dx + dy * dy + dz * dz + SOFT2;
            double inv = 1.0 / (d2 * sqrt(d2));
            double fi = m[j] * inv * DT, fj = m[i] * inv * DT;
            vx[i] -= dx * fi; vy[i] -= dy * fi; vz[i] -= dz * fi;
            vx[j] += dx * fj; vy[j] += dy * fj; vz[j] += dz * fj;
        }
    }
    for (int i = 0; i < NB; i++) {
        px[i] += vx[i] * DT;
        py[i] += vy[i] * DT;
        pz[i] += vz[i] * DT;
    }
}

static double energy(void)
{
    double e = 0.0;
    for (int i = 0; i < NB; i++) {
        e += 0.5 * m[i] * (vx[i] * vx[i] + vy[i] * vy[i] + vz[i] * vz[i]);
        for (int j = i + 1; j < NB; j++) {
            double dx = px[i] - px[j], dy = py[i] - py[j], dz = pz[i] - pz[j];
            e -= m[i] * m[j] / sqrt(dx * dx + dy * dy + dz * dz + SOFT2);
        }
    }
    return e;
}

int main(int argc, char **argv)
{
    long reps = bench_reps(argc, argv, 15);
    rng_t r = { 0xB0D1E5B0D1E5ULL };
    uint64_t sum = 0;

    for (int i = 0; i < NB; i++) {
        m[i] = uniform(&r, 0.1, 1.0);
        px[i] = uniform(&r, -5, 5); py[i] = uniform(&r, -5, 5); pz[i] = uniform(&r, -1, 1);
        /* roughly circular motion around the origin */
        vx[i] = -py[i] * 0.3 + uniform(&r, -0.05, 0.05);
        vy[i] = px[i] * 0.3 + uniform(&r, -0.05, 0.05);
        vz[i] = uniform(&r, -0.01, 0.01);
    }
    for (long rep = 0; rep < reps; rep++) {
        for (int s = 0; s < STEPS; s++)
            advance();
        double e = energy();
        uint64_t bits;
        memcpy(&bits, &e, 8);
        sum = mix(sum, bits);
    }
    printf("nbody energy=%.12e\n", energy());
    bench_report("nbody", reps, sum);
    return 0;
}
