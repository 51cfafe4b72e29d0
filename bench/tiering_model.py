#!/usr/bin/env python3
"""A cost model of ruser's tiering (interpret, then compile), replayed over a block trace.

Record the order in which a program runs its blocks with the interpreter backend, which
logs every block it runs:

    ruser-aarch64 --backend interp -d exec -D /tmp/trace.log -L build/debian-arm64 /usr/bin/true

then compare thresholds and policies on that trace:

    python3 bench/tiering_model.py /tmp/trace.log

The model charges each block run the cost of the tier it runs in (cycles, roughly as the
`phase-times` counters measure them on the development machine): a translation on a block's
first and second runs (the second one is kept), an interpreted run, a compile, and a run of
compiled code. It ignores the interpreter-cache clears at code changes and the machine's
caches, so it ranks policies rather than predicting times; the ranking is then to be
checked with interleaved runs of real builds. It proposed the start-up tier
(`jit::StartUp`): a threshold of 8 for the first 8,000 interpreted blocks, then 4.
"""

import array
import sys

TRANSLATE, INTERP, COMPILE, JIT = 600, 550, 9000, 15


def load(path):
    """The trace as block ids in run order, and the number of distinct blocks."""
    ids, seq = {}, array.array("i")
    with open(path) as f:
        for line in f:
            if line.startswith("Trace: ["):
                seq.append(ids.setdefault(line[8:26], len(ids)))
    return seq, len(ids)


def replay(seq, nblocks, threshold, start_threshold=None, start_runs=0):
    """Cost (cycles) and compiles when a block compiles after `threshold` interpreted runs,
    or `start_threshold` while fewer than `start_runs` blocks have been interpreted."""
    runs = [0] * nblocks
    compiled = [False] * nblocks
    cost = compiles = interpreted = 0
    for b in seq:
        if compiled[b]:
            cost += JIT
            continue
        runs[b] += 1
        if runs[b] <= 2:
            cost += TRANSLATE
        limit = start_threshold if start_threshold and interpreted < start_runs else threshold
        if runs[b] > limit:
            compiled[b] = True
            compiles += 1
            cost += COMPILE + JIT
        else:
            interpreted += 1
            cost += INTERP
    return cost, compiles


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for path in sys.argv[1:]:
        seq, n = load(path)
        print("%s: %d block runs, %d distinct blocks" % (path, len(seq), n))
        base, _ = replay(seq, n, 4)
        policies = [("threshold %d" % t, (t,)) for t in (2, 4, 6, 8, 12)]
        policies += [("%d for the first %d interpreted, then 4" % (t, r), (4, t, r))
                     for t, r in ((8, 4000), (8, 8000), (8, 16000), (12, 8000))]
        for name, args in policies:
            cost, compiles = replay(seq, n, *args)
            print("  %-40s %9.2f Mcycles (%+5.1f%%), %d compiles" % (name, cost / 1e6, 100.0 * (cost - base) / base, compiles))


if __name__ == "__main__":
    main()
