#!/usr/bin/env python3
"""Run test programs under ruser many times, to find races.

usage: scripts/stress.py [--runs N] [--backends jit,interp,crosscheck] [--jobs J]
                         [--taskset CPUS] [--keep DIR] NAME... [-- CMD...]

Each NAME is a program of testbins/aarch64, run the way testbins/run-one.sh runs it
(its .args, .stdin, .env, .sysroot and .cpu inputs) and compared with
testbins/expected/aarch64 (stdout, stderr, exit status). After `--`, CMD is any command
line to run with ruser-aarch64 (and its options) in front; it passes when it exits 0.
Each program runs N times per backend, J at a time (default 2), optionally pinned with
`taskset -c CPUS` (one CPU forces interleavings of the guest's threads). Failing runs are
kept in DIR (default /tmp/ruser-stress) with their output, and summarised at the end.
The exit status is the number of failing runs (at most 255).
"""

import argparse
import concurrent.futures as cf
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
INPUTS = ROOT / "testbins" / "expected" / "aarch64"


def testbin_job(name, ruser, backend):
    opts = ["--backend", backend]
    f = INPUTS / f"{name}.sysroot"
    if f.exists():
        opts += ["-L", f.read_text().splitlines()[0]]
    f = INPUTS / f"{name}.cpu"
    if f.exists():
        opts += ["-cpu", f.read_text().splitlines()[0]]
    f = INPUTS / f"{name}.env"
    if f.exists():
        for kv in f.read_text().splitlines():
            if kv:
                opts += ["-E", kv]
    args = []
    f = INPUTS / f"{name}.args"
    if f.exists():
        args = f.read_text().split("\n")
        if args and args[-1] == "":
            args.pop()
    stdin = INPUTS / f"{name}.stdin"
    expect = {
        "stdout": (INPUTS / f"{name}.stdout").read_bytes(),
        "stderr": (INPUTS / f"{name}.stderr").read_bytes() if (INPUTS / f"{name}.stderr").exists() else b"",
        "status": int((INPUTS / f"{name}.status").read_text().strip()),
    }
    cmd = [ruser] + opts + [str(ROOT / "testbins" / "aarch64" / name)] + args
    return cmd, (stdin if stdin.exists() else None), expect


def run_one(cmd, stdin, expect, taskset, timeout):
    if taskset:
        cmd = ["taskset", "-c", taskset] + cmd
    env = {k: v for k, v in os.environ.items() if k != "RUSER_TEST_VAR" and not k.startswith("RUSER_")}
    t0 = time.monotonic()
    try:
        with open(stdin or os.devnull, "rb") as inp:
            p = subprocess.run(cmd, stdin=inp, capture_output=True, timeout=timeout, env=env, cwd=ROOT)
        status = p.returncode if p.returncode >= 0 else 128 - p.returncode
        out, err = p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        status, out, err = "timeout", e.stdout or b"", e.stderr or b""
    dt = time.monotonic() - t0
    if expect is None:
        ok = status == 0
    else:
        ok = status == expect["status"] and out == expect["stdout"] and err == expect["stderr"]
    return ok, status, out, err, dt


def main():
    argv = sys.argv[1:]
    extra = None
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--backends", default="jit,interp,crosscheck")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--taskset", default=None)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--keep", default="/tmp/ruser-stress")
    ap.add_argument("--ruser", default=str(ROOT / "target" / "x86_64-unknown-linux-musl" / "release" / "ruser-aarch64"))
    a = ap.parse_args(argv)
    keep = pathlib.Path(a.keep)
    keep.mkdir(parents=True, exist_ok=True)
    jobs = []
    for backend in a.backends.split(","):
        for name in a.names:
            cmd, stdin, expect = testbin_job(name, a.ruser, backend)
            jobs += [(f"{name}/{backend}", cmd, stdin, expect)] * a.runs
        if extra:
            label = os.path.basename(next((x for x in extra if "/" in x), extra[0]))
            jobs += [(f"{label}/{backend}", [a.ruser, "--backend", backend] + extra, None, None)] * a.runs
    fails = {}
    counts = {}
    times = {}
    with cf.ThreadPoolExecutor(a.jobs) as ex:
        futs = {ex.submit(run_one, cmd, stdin, expect, a.taskset, a.timeout): (label, i) for i, (label, cmd, stdin, expect) in enumerate(jobs)}
        for f in cf.as_completed(futs):
            label, i = futs[f]
            ok, status, out, err, dt = f.result()
            counts[label] = counts.get(label, 0) + 1
            times.setdefault(label, []).append(dt)
            if not ok:
                fails.setdefault(label, []).append(status)
                base = keep / f"{label.replace('/', '.')}.{i}"
                base.with_name(base.name + ".stdout").write_bytes(out)
                base.with_name(base.name + ".stderr").write_bytes(err)
                print(f"FAIL {label} run {i}: status {status}; output in {base}.*", flush=True)
    total = 0
    for label in counts:
        n = len(fails.get(label, []))
        total += n
        ts = sorted(times[label])
        print(f"{label:32} {counts[label] - n}/{counts[label]} ok  median {ts[len(ts) // 2]:.2f}s max {ts[-1]:.2f}s" + (f"  statuses {fails[label]}" if n else ""))
    sys.exit(min(total, 255))


if __name__ == "__main__":
    main()
