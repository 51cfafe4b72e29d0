#!/usr/bin/env python3
"""Benchmark harness for ruser (Python 3 standard library only).

Builds the workloads in bench/src for aarch64 and x86-64 (make -C bench),
builds ruser statically (scripts/build-static.sh), then runs every workload natively,
under ruser-aarch64 --backend jit, under qemu-aarch64 (when installed) and
under ruser-aarch64 --backend interp, checks that each emulated run prints
exactly what the native run prints, and prints a markdown table of median
wall times, time ratios and peak RSS.

The interpreter is far slower than the rest, so it runs every workload with
a reduced repetition count (the INTERP_REPS column of WORKLOADS) and its
ratio is taken against a native run at that same reduced count.

    python3 bench/run.py                    # the full table, 5 runs each
    python3 bench/run.py --runs 1 --scale 0.1 --no-interp
    python3 bench/run.py --quick            # only check outputs, no timing
"""

import argparse
import datetime
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
BUILD = os.path.join(BENCH, "build")

# name, default repetitions, interpreter repetitions, what it is
WORKLOADS = [
    ("compress", 80, 2, "LZW compress + decompress round trip over 256 KiB of generated text"),
    ("hash", 500, 10, "SHA-256 and table CRC-32 over a 64 KiB buffer"),
    ("vm", 40, 1, "switch-dispatch stack bytecode VM: recursive fib(20) and a 100k-step loop"),
    ("sort", 20, 1, "libc qsort with comparator callbacks, 20000 48-byte records, 3 keys"),
    ("nbody", 15, 1, "double-precision n-body, 32 bodies, 1000 steps per repetition"),
    ("matmul", 12, 1, "float 256x256 matrix multiply"),
    ("strings", 250, 4, "libc strlen/strchr/memchr/memcpy/strcmp/memcmp over 4096 strings"),
    ("sha256", 1500, 120, "SHA-256 over a 64 KiB buffer with the crypto instructions (SHA-NI natively)"),
    ("aes", 1200, 40, "AES-128 CTR over a 64 KiB buffer with AESE/AESMC (AES-NI natively)"),
    ("threads", 100, 3, "4 pthreads: CRC-32 and a multiply-xorshift mix over 128 KiB each, a barrier per repetition"),
]

STARTUP_PROGRAM = "empty"
# The dynamic start-up line: Debian's arm64 /usr/bin/true from the sysroot that
# scripts/debian-sysroot.sh builds, against the host's own /usr/bin/true.
SYSROOT = os.path.join(ROOT, "build", "debian-arm64")
DYNAMIC_PROGRAM = "/usr/bin/true"
# The start-up-heavy line: the sysroot's python3 starting and exiting (most of its code runs
# a few times only), against the host's own python3.
PYTHON_PROGRAM = ["/usr/bin/python3", "-c", "pass"]


class Result:
    """One run of one program: wall seconds, peak RSS in KiB, outcome."""

    def __init__(self, secs, rss_kib, status, stdout, stderr):
        self.secs = secs
        self.rss_kib = rss_kib
        self.status = status      # "ok", "timeout", "exit N", "signal N", "spawn error: ..."
        self.stdout = stdout
        self.stderr = stderr

    @property
    def ok(self):
        return self.status == "ok"


MEASURE = os.path.join(BUILD, "measure")


def run_once(argv, timeout):
    """Runs argv through build/measure with stdout/stderr captured in temp
    files; returns a Result.

    measure (bench/measure.c) forks and execs the program, and reports the
    wall time from fork to exit and the child's ru_maxrss.  Python does not
    fork the program itself because Linux keeps the RSS high-water mark
    across execve, so ru_maxrss would include the Python interpreter."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(prefix="ruser-bench-", suffix=".report") as rep:
        cmd = [MEASURE, rep.name, "%g" % timeout] + argv
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        except OSError as e:
            return Result(None, None, "spawn error: %s" % e, b"", b"")
        try:
            proc.wait(timeout + 30)      # measure enforces the timeout itself
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return Result(None, None, "timeout", b"", b"")
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
        report = open(rep.name).read().split()
    if proc.returncode != 0 or len(report) != 4:
        return Result(None, None, "measure helper failed (status %d)" % proc.returncode,
                      stdout, stderr)
    kind, code, wall_ns, rss_kib = report[0], int(report[1]), int(report[2]), int(report[3])
    if kind == "exit":
        status = "ok" if code == 0 else "exit %d" % code
    elif kind == "signal":
        status = "signal %d" % code
    elif kind == "timeout":
        status = "timeout"
    else:
        status = "spawn error: %s" % os.strerror(code)
    return Result(wall_ns / 1e9, rss_kib, status, stdout, stderr)


class Target:
    """A way to run an aarch64 or native program: a label and an argv prefix."""

    def __init__(self, name, prefix, arch):
        self.name = name
        self.prefix = prefix
        self.arch = arch

    def argv(self, program, reps):
        path = os.path.join(BUILD, self.arch, program)
        return self.prefix + [path] + ([str(reps)] if reps is not None else [])


class Cell:
    """All runs of one target for one workload at one size."""

    def __init__(self):
        self.times = []
        self.rss = []
        self.error = None     # "FAIL (signal 4)", "timeout", "MISMATCH", ...
        self.detail = None

    def add(self, res, reference):
        if self.error:
            return
        if not res.ok:
            self.error = "timeout" if res.status == "timeout" else "FAIL (%s)" % res.status
            self.detail = _tail(res.stderr) or _tail(res.stdout)
            return
        if reference is not None and res.stdout != reference:
            self.error = "MISMATCH"
            self.detail = "expected %r, got %r" % (_tail(reference), _tail(res.stdout))
            return
        self.times.append(res.secs)
        self.rss.append(res.rss_kib)

    @property
    def median(self):
        return statistics.median(self.times) if self.times and not self.error else None

    def text(self):
        if self.error:
            return self.error
        if self.median is None:
            return "n/a"
        return "%.3f" % self.median


def _tail(data, limit=160):
    text = data.decode("utf-8", "replace").strip()
    if not text:
        return ""
    line = text.splitlines()[-1]
    return line if len(line) <= limit else line[:limit] + "..."


def ratio(a, b):
    if a is None or b is None or b <= 0:
        return None
    return a / b


def fmt_ratio(r, suffix="x"):
    return "-" if r is None else "%.2f%s" % (r, suffix)


def geomean(values):
    values = [v for v in values if v is not None and v > 0]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def progress(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- setup

def build_workloads():
    progress("== make -C bench")
    r = subprocess.run(["make", "-C", BENCH, "-s"])
    if r.returncode != 0:
        sys.exit("run.py: building the workloads failed (make -C bench); "
                 "it needs gcc and aarch64-linux-gnu-gcc with static glibc")


def find_ruser(args):
    if args.ruser:
        if not os.access(args.ruser, os.X_OK):
            sys.exit("run.py: --ruser %s is not an executable" % args.ruser)
        return os.path.abspath(args.ruser)
    # scripts/build-static.sh builds ruser as it ships (static, for musl, with profile-guided
    # optimisation) and prints the directory of the executables. Without it, the last such
    # build, else a plain `cargo build --release`.
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
    target_dir = os.path.join(target, "pgo", "x86_64-unknown-linux-musl", "release")
    if not os.access(os.path.join(target_dir, "ruser-aarch64"), os.X_OK):
        target_dir = os.path.join(target, "x86_64-unknown-linux-musl", "release")
    if not args.no_cargo:
        progress("== scripts/build-static.sh")
        try:
            r = subprocess.run([os.path.join(ROOT, "scripts", "build-static.sh")], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
        except OSError as e:
            sys.exit("run.py: cannot run scripts/build-static.sh: %s" % e)
        if r.returncode != 0:
            sys.exit("run.py: scripts/build-static.sh failed")
        target_dir = r.stdout.strip().splitlines()[-1]
    path = os.path.join(target_dir, "ruser-aarch64")
    if not os.access(path, os.X_OK):
        sys.exit("run.py: %s not found (build it with cargo build --release)" % path)
    return path


def describe_host():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s, %d CPUs, Linux %s" % (cpu, os.cpu_count() or 0, platform.release())


def git_describe():
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                             capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=ROOT, capture_output=True, text=True).stdout.strip()
        return rev + ("-dirty" if dirty else "") if rev else "unknown"
    except OSError:
        return "unknown"


def qemu_version(qemu):
    try:
        out = subprocess.run([qemu, "--version"], capture_output=True, text=True).stdout
        return out.splitlines()[0].strip() if out else "unknown"
    except OSError:
        return "unknown"


# ---------------------------------------------------------------- measuring

def measure(targets, program, reps, runs, timeout):
    """Runs each target `runs` times, interleaved, checking every output
    against the first target's first output.  Returns {name: Cell}."""
    cells = {t.name: Cell() for t in targets}
    reference = None
    for i in range(runs):
        for t in targets:
            cell = cells[t.name]
            if cell.error:
                continue          # a failed or timed-out target is not retried
            progress("   %-8s %-14s run %d/%d" % (program, t.name, i + 1, runs))
            res = run_once(t.argv(program, reps), timeout)
            first = t is targets[0] and reference is None
            cell.add(res, None if first else reference)
            if first:
                if not res.ok:
                    # without a native reference nothing else can be checked
                    for other in targets[1:]:
                        cells[other.name].error = "no reference"
                    return cells
                reference = res.stdout
    return cells


def run_table(args, native, jit, qemu, interp):
    rows = []
    problems = []
    for name, reps, interp_reps, _ in selected_workloads(args):
        reps = max(1, round(reps * args.scale))
        interp_reps = max(1, round(interp_reps * args.scale))
        progress("== %s (%d repetitions; interp %d)" % (name, reps, interp_reps))
        main_targets = [t for t in (native, jit, qemu) if t]
        cells = measure(main_targets, name, reps, args.runs, args.timeout)
        small = {}
        if interp:
            small = measure([native, interp], name, interp_reps, args.runs, args.timeout)
        rows.append((name, reps, interp_reps, cells, small))
        for label, group in (("", cells), (" (interp size)", small)):
            for tname, cell in group.items():
                if cell.error and cell.error != "no reference":
                    problems.append("%s%s under %s: %s%s" % (
                        name, label, tname, cell.error,
                        (" -- " + cell.detail) if cell.detail else ""))
    return rows, problems


def startup(args, native, ruser_default, qemu):
    """Median wall time of the empty static program, in ms, per target."""
    out = {}
    progress("== startup (%d runs each)" % args.startup_runs)
    for t in [native, ruser_default, qemu]:
        if not t:
            continue
        times = []
        for _ in range(args.startup_runs):
            res = run_once(t.argv(STARTUP_PROGRAM, None), args.timeout)
            if not res.ok:
                times = None
                out[t.name] = "FAIL (%s)" % res.status
                break
            times.append(res.secs)
        if times:
            out[t.name] = statistics.median(times) * 1000.0
    return out


def startup_dynamic(args, ruser, qemu_path, program=(DYNAMIC_PROGRAM,), runs=None):
    """Median wall time of a dynamic program of the sysroot (argv `program`; the host runs
    its own program of that path), in ms, per target; None without the sysroot or either
    program."""
    prog, rest = program[0], list(program[1:])
    if not os.path.isfile(os.path.join(SYSROOT, ".ruser-packages")) \
            or not os.path.isfile(SYSROOT + prog) or not os.path.isfile(prog):
        return None
    runs = runs or args.startup_runs
    targets = [("native", [prog] + rest),
               ("ruser", [ruser, "-L", SYSROOT, prog] + rest)]
    if qemu_path:
        targets.append(("qemu", [qemu_path, "-L", SYSROOT, SYSROOT + prog] + rest))
    progress("== dynamic startup of %s (%d runs each)" % (" ".join(program), runs))
    out = {}
    times = {name: [] for name, _ in targets}
    # Interleaved, so that load changes hit every target alike.
    for _ in range(runs):
        for name, argv in targets:
            if name in out:
                continue
            res = run_once(argv, args.timeout)
            if not res.ok:
                out[name] = "FAIL (%s)" % res.status
                continue
            times[name].append(res.secs)
    for name, ts in times.items():
        if name not in out and ts:
            out[name] = statistics.median(ts) * 1000.0
    return out


def python_runs(args):
    """Runs of the Python start-up (a tenth of the empty program's, at least 5)."""
    return max(5, args.startup_runs // 10)


def startup_parts(ms):
    parts = []
    base = ms.get("native")
    for tname in ("native", "ruser", "qemu"):
        v = ms.get(tname)
        if v is None:
            continue
        if isinstance(v, str):
            parts.append("%s %s" % (tname, v))
        elif tname != "native" and isinstance(base, float):
            parts.append("%s %.2f ms (+%.2f ms)" % (tname, v, v - base))
        else:
            parts.append("%s %.2f ms" % (tname, v))
    return ", ".join(parts)


# ---------------------------------------------------------------- report

def render(args, rows, startup_ms, header_lines, have_qemu, have_jit, have_interp, dynamic_ms=None,
           python_ms=None):
    lines = []
    lines += header_lines
    lines.append("")
    cols = ["workload", "reps (interp)", "native s", "ruser-jit s", "qemu s",
            "ruser-interp s \u2020", "jit/native", "qemu/native", "qemu/jit speedup",
            "interp/native \u2020", "RSS MiB native/jit/qemu"]
    lines.append("| " + " | ".join(cols) + " |")
    lines.append("|" + "|".join(" --- " for _ in cols) + "|")
    geo = {"jit": [], "qemu": [], "speedup": [], "interp": []}
    for name, reps, interp_reps, cells, small in rows:
        nat = cells["native"].median
        j = cells["ruser-jit"].median if have_jit else None
        q = cells["qemu"].median if have_qemu else None
        jit_native = ratio(j, nat)
        qemu_native = ratio(q, nat)
        speedup = ratio(q, j)
        interp_native = None
        interp_text = "skipped"
        if have_interp:
            interp_text = small["ruser-interp"].text()
            interp_native = ratio(small["ruser-interp"].median, small["native"].median)
        geo["jit"].append(jit_native)
        geo["qemu"].append(qemu_native)
        geo["speedup"].append(speedup)
        geo["interp"].append(interp_native)
        rss = []
        for tname, have in (("native", True), ("ruser-jit", have_jit), ("qemu", have_qemu)):
            cell = cells.get(tname)
            rss.append("%.1f" % (max(cell.rss) / 1024.0) if have and cell.rss and not cell.error else "-")
        lines.append("| " + " | ".join([
            name, "%d (%d)" % (reps, interp_reps),
            cells["native"].text(),
            cells["ruser-jit"].text() if have_jit else "skipped",
            cells["qemu"].text() if have_qemu else "n/a",
            interp_text,
            fmt_ratio(jit_native), fmt_ratio(qemu_native), fmt_ratio(speedup),
            fmt_ratio(interp_native), " / ".join(rss)]) + " |")
    lines.append("| **geomean** | | | | | | %s | %s | **%s** | %s | |" % (
        fmt_ratio(geomean(geo["jit"])), fmt_ratio(geomean(geo["qemu"])),
        fmt_ratio(geomean(geo["speedup"])), fmt_ratio(geomean(geo["interp"]))))
    lines.append("")
    lines.append("Times are wall-clock seconds, the median of %d run(s); ratios divide those "
                 "medians (jit/native 3.00x = three times slower than native; qemu/jit "
                 "speedup above 1 = ruser faster than qemu). Geomeans skip failed cells. "
                 "RSS is the largest ru_maxrss over the runs." % args.runs)
    lines.append("\u2020 ruser-interp runs the smaller repetition count in parentheses, and "
                 "interp/native divides by a native run at that same count (median of "
                 "%d), so per-process start-up weighs more in that ratio." % args.runs)
    lines.append("")
    if startup_ms:
        lines.append("Startup (static `int main(){return 0;}`, ruser with its default "
                     "backend, median of %d runs): %s." % (
            args.startup_runs, startup_parts(startup_ms)))
    if dynamic_ms:
        lines.append("")
        lines.append("Dynamic startup (Debian's `/usr/bin/true` from build/debian-arm64, run "
                     "with `-L`, against the host's own; median of %d interleaved runs): %s "
                     "(target: ruser at most 5 ms)." % (args.startup_runs, startup_parts(dynamic_ms)))
    elif dynamic_ms is None and startup_ms:
        lines.append("")
        lines.append("Dynamic startup: skipped (no build/debian-arm64; run scripts/debian-sysroot.sh).")
    if python_ms:
        lines.append("")
        lines.append("Python startup (Debian's `python3 -c pass` from build/debian-arm64, run with "
                     "`-L`, against the host's own python3; median of %d interleaved runs): %s." % (
            python_runs(args), startup_parts(python_ms)))
    return "\n".join(lines) + "\n"


def selected_workloads(args):
    if not args.only:
        return WORKLOADS
    wanted = args.only.split(",")
    known = {w[0] for w in WORKLOADS}
    for w in wanted:
        if w not in known:
            sys.exit("run.py: unknown workload %r (known: %s)" % (w, ", ".join(sorted(known))))
    return [w for w in WORKLOADS if w[0] in wanted]


def quick(args, native, targets):
    """Checks every workload's output under each target at the small size."""
    failed = 0
    for name, _, interp_reps, _ in selected_workloads(args):
        cells = measure([native] + targets, name, interp_reps, 1, args.timeout)
        for t in targets:
            cell = cells[t.name]
            verdict = "PASS" if not cell.error else cell.error
            if cell.error:
                failed += 1
            print("%-8s %-13s %s%s" % (name, t.name, verdict,
                                      (" -- " + cell.detail) if cell.detail else ""))
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="timed runs per cell, median reported (5)")
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiply every repetition count by this (min 1); e.g. 0.1 for a smoke run")
    ap.add_argument("--only", metavar="W1,W2", help="run only these workloads")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per run before it counts as timeout (300)")
    ap.add_argument("--startup-runs", type=int, default=50, help="runs of the empty program (50)")
    ap.add_argument("--no-jit", action="store_true", help="skip ruser --backend jit")
    ap.add_argument("--no-interp", action="store_true", help="skip ruser --backend interp")
    ap.add_argument("--no-qemu", action="store_true", help="skip qemu-aarch64 even if installed")
    ap.add_argument("--no-startup", action="store_true", help="skip the startup measurement")
    ap.add_argument("--ruser", metavar="PATH", help="ruser-aarch64 binary to use (default: build it)")
    ap.add_argument("--no-cargo", action="store_true",
                    help="do not rebuild ruser (scripts/build-static.sh) when the binary already exists")
    ap.add_argument("--qemu", metavar="PATH", help="qemu-aarch64 binary (default: from PATH)")
    ap.add_argument("--markdown-out", metavar="FILE", help="also write the table to FILE")
    ap.add_argument("--quick", action="store_true",
                    help="only check each workload's output under ruser (jit and interp) at the small size")
    args = ap.parse_args()
    if args.runs < 1 or args.startup_runs < 1 or args.scale <= 0 or args.timeout <= 0:
        ap.error("--runs, --startup-runs, --scale and --timeout must be positive")
    selected_workloads(args)   # validate --only early

    build_workloads()
    ruser = find_ruser(args)
    qemu_path = None
    if not args.no_qemu:
        qemu_path = args.qemu or shutil.which("qemu-aarch64")
        if args.qemu and not os.access(args.qemu, os.X_OK):
            sys.exit("run.py: --qemu %s is not an executable" % args.qemu)

    native = Target("native", [], "x86_64")
    jit = None if args.no_jit else Target("ruser-jit", [ruser, "--backend", "jit"], "aarch64")
    interp = None if args.no_interp else Target("ruser-interp", [ruser, "--backend", "interp"], "aarch64")
    qemu = Target("qemu", [qemu_path], "aarch64") if qemu_path else None

    if args.quick:
        targets = [t for t in (jit, interp) if t]
        if not targets:
            sys.exit("run.py: --quick with both --no-jit and --no-interp checks nothing")
        sys.exit(quick(args, native, targets))

    rows, problems = run_table(args, native, jit, qemu, interp)
    startup_ms = {}
    dynamic_ms = {}
    python_ms = {}
    if not args.no_startup:
        startup_ms = startup(args, native, Target("ruser", [ruser], "aarch64"), qemu)
        dynamic_ms = startup_dynamic(args, ruser, qemu_path)
        python_ms = startup_dynamic(args, ruser, qemu_path, PYTHON_PROGRAM, python_runs(args))

    header = [
        "ruser benchmark, %s" % datetime.date.today().isoformat(),
        "",
        "- host: %s" % describe_host(),
        "- ruser: %s (commit %s)" % (os.path.relpath(ruser, ROOT) if ruser.startswith(ROOT) else ruser,
                                      git_describe()),
        "- qemu: %s" % (qemu_version(qemu_path) if qemu_path else "not installed or skipped"),
        "- runs per cell: %d, repetition scale: %g, timeout per run: %g s" % (
            args.runs, args.scale, args.timeout),
    ]
    text = render(args, rows, startup_ms, header, bool(qemu), bool(jit), bool(interp), dynamic_ms,
                  python_ms)
    if problems:
        text += "\nProblems:\n\n" + "".join("- %s\n" % p for p in problems)
    sys.stdout.write(text)
    if args.markdown_out:
        with open(args.markdown_out, "w") as f:
            f.write(text)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
