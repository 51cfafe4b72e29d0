//! Runs every program in testbins/aarch64 under `ruser-aarch64` (once per
//! backend in `common::BACKENDS`) and compares stdout, stderr and exit status
//! with testbins/expected/aarch64 (generated with qemu-aarch64, the oracle).
//! Also checks the -E/-U/-0 options and their environment twins on
//! `args_env`, and the auto-detecting `ruser` front end.

mod common;

use common::*;

macro_rules! testbins {
    ($($name:ident),* $(,)?) => {
        /// Every program with a #[test] below; must equal testbins/aarch64.
        const PROGRAMS: &[&str] = &[$(stringify!($name)),*];
        $(
            #[test]
            fn $name() {
                check_testbin(stringify!($name));
            }
        )*
    };
}

testbins!(
    // minimal runtime, no libc
    asm_hello, asm_exit42, asm_enosys, asm_efault, alu, ldst, fpu, fpu_flags, simd, simd_sat,
    // control flow a JIT chains and predicts, self-modifying code
    chain, indirect, smc,
    // the cryptographic extension (AES, SHA-1, SHA-256, PMULL)
    crypto,
    // auto-vectorised (-O3) and intrinsic integer DSP kernels: saturating, halving,
    // absolute-difference, widening and by-element AdvSIMD forms with FPSR.QC
    simd_dsp,
    // -O3 auto-vectorised numeric kernels, string functions, hashes and checksums for
    // Armv8.2-A+crypto+crc, each against a non-vectorised copy (static glibc)
    vec_kernels,
    // guest faults: the guest (and so ruser) dies of SIGSEGV, SIGILL, SIGTRAP
    sig_segv, sig_ill, sig_trap, sig_wild_br,
    // static glibc
    hello, printf, libc_mix, fileio, dirlist, args_env, exit_code, stderr_mix,
    // how the program was started: credentials, AT_SECURE, no descriptors of the emulator's
    startinfo,
    // the FP environment through <fenv.h> and FPCR/FPSR (static glibc)
    fenv,
    // dynamic glibc, run with -L (see expected/aarch64/hello_dyn.sysroot)
    hello_dyn,
    // CPU features: CRC32 (no libc), HWCAP/ID registers/system registers, atomics with LSE
    // inline and gcc's outline atomics under -cpu max and (atomics_outline_a53) cortex-a53
    crc32, hwcaps, atomics_lse, atomics_outline, atomics_outline_a53,
    // the time functions, through ruser's vDSO (static glibc)
    vdso,
    // the syscall layer (static glibc): epoll's layouts, control messages, loopback sockets,
    // the mmap family, SysV IPC, file metadata and xattrs, fcntl and locks, zero-copy
    // transfers, event fds and signal masks, terminals, newer calls
    epoll, scm, inet, memops, sysvipc, files, fcntl, zerocopy, events, pty, newcalls,
    // MAP_GROWSDOWN memory the host grew is the guest's for system calls and in maps
    growsdown,
    // random system calls with hostile arguments never make ruser give up
    sysfuzz,
    // ruser's own fds are invisible (see also own_fds_survive_the_guest below), in
    // /proc/self/fd too (procfd; also run with -D below)
    ownfds, procfd,
    // scheduling, capabilities, personality, namespaces, kcmp and prctl (expected output from
    // the native build, see *.native)
    sched, taskctl,
    // processes (static glibc; expected output from the native build, see *.native): vfork,
    // posix_spawn, fork, execve errors and #! scripts; /proc/self and an exec chain
    // (guest → guest through /proc/self/exe → the host's /bin/sh)
    spawn, procself,
    // signals (static glibc): a handler reading and rewriting the arm64 frame, siglongjmp out
    // of faults, a stack overflow caught on the altstack, timers interrupting loops, EINTR and
    // SA_RESTART, real-time signals with values, signals to threads, death by each signal,
    // pending signals kept through execve
    sig_context, sig_longjmp, sig_altstack, sig_timer, sig_eintr, sig_rt, sig_thread, sig_fatal, sig_exec,
    // threads: pthreads, robust futexes, clone3, every futex operation; a race detector
    // (shared indirect-branch slots, SMC, signals, futexes at once; see also
    // stress_threads_repeated)
    pthreads, robust_futex, clone3, futex_ops, stress_threads,
    // seccomp strict mode and BPF filters, applied to the guest's calls (native oracle)
    seccomp,
    // Go (static, GOARCH=arm64): goroutines, the collector and timers; preemption signals,
    // nil-dereference panics and os/signal
    go_goroutines, go_preempt,
    // the program tests/gdb.rs debugs (-g), run plainly (static glibc, not stripped)
    gdb_target,
);

#[test]
fn every_committed_program_has_a_test() {
    let mut listed: Vec<String> = PROGRAMS.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(
        committed_testbins(),
        listed,
        "the testbins!() list in tests/testbins.rs and the files in testbins/aarch64 differ"
    );
}

// ---------------------------------------------------------------- args_env variations

/// Run args_env with its usual arguments plus `extra` emulator options and
/// `host_env` in ruser's own environment; compare with args_env.stdout where
/// the lines starting with the keys of `replace` are replaced.
fn args_env_variant(test: &str, extra: &[&str], host_env: &[(&str, &str)], replace: &[(&str, &str)]) {
    let case = load_case("args_env");
    let mut want = String::from_utf8(case.stdout.clone()).unwrap();
    for (prefix, line) in replace {
        let old = want.lines().find(|l| l.starts_with(prefix)).unwrap_or_else(|| panic!("no line {prefix}* in args_env.stdout")).to_string();
        want = want.replace(&format!("{old}\n"), &format!("{line}\n"));
    }
    let expect = Case { stdout: want.into_bytes(), ..case.clone() };
    for backend in BACKENDS {
        let mut cmd = emu_command(&ruser_aarch64());
        cmd.env_remove("RUSER_TEST_VAR");
        for (k, v) in host_env {
            cmd.env(k, v);
        }
        cmd.arg("--backend").arg(backend).args(extra).arg(&case.binary).args(&case.args);
        let got = run(&mut cmd, None);
        if let Err(e) = expect.check(&got, &format!("{test}, --backend {backend}, options {extra:?}, env {host_env:?}")) {
            panic!("{e}");
        }
    }
}

#[test]
fn args_env_set_var_with_dash_e() {
    args_env_variant("-E", &["-E", "RUSER_TEST_VAR=hello"], &[], &[]);
}

#[test]
fn args_env_host_environment_passes_through() {
    args_env_variant("host env", &[], &[("RUSER_TEST_VAR", "from host")], &[("RUSER_TEST_VAR=", "RUSER_TEST_VAR=from host")]);
}

#[test]
fn args_env_dash_e_overrides_host() {
    args_env_variant("-E over host", &["-E", "RUSER_TEST_VAR=hello"], &[("RUSER_TEST_VAR", "from host")], &[]);
}

#[test]
fn args_env_unset_var_with_dash_u() {
    args_env_variant("-U", &["-U", "RUSER_TEST_VAR"], &[("RUSER_TEST_VAR", "from host")], &[("RUSER_TEST_VAR=", "RUSER_TEST_VAR=(unset)")]);
}

#[test]
fn args_env_argv0_with_dash_0() {
    args_env_variant(
        "-0",
        &["-0", "myname", "-E", "RUSER_TEST_VAR=hello"],
        &[],
        &[("argv[0] basename=", "argv[0] basename=myname")],
    );
}

#[test]
fn args_env_environment_twins() {
    // RUSER_SET_ENV / RUSER_UNSET_ENV / RUSER_ARGV0 do what -E / -U / -0 do.
    args_env_variant(
        "RUSER_SET_ENV+RUSER_ARGV0",
        &[],
        &[("RUSER_SET_ENV", "RUSER_TEST_VAR=twin"), ("RUSER_ARGV0", "twin0")],
        &[("RUSER_TEST_VAR=", "RUSER_TEST_VAR=twin"), ("argv[0] basename=", "argv[0] basename=twin0")],
    );
    args_env_variant(
        "RUSER_UNSET_ENV",
        &[],
        &[("RUSER_TEST_VAR", "from host"), ("RUSER_UNSET_ENV", "RUSER_TEST_VAR")],
        &[("RUSER_TEST_VAR=", "RUSER_TEST_VAR=(unset)")],
    );
}

// ---------------------------------------------------------------- other options

/// Run a testbin with extra options and check it still behaves as expected.
fn with_options(name: &str, extra: &[&str]) {
    let case = load_case(name);
    for backend in BACKENDS {
        let mut cmd = emu_command(&ruser_aarch64());
        cmd.arg("--backend").arg(backend).args(extra).args(case.options()).arg(&case.binary).args(&case.args);
        let got = run(&mut cmd, case.stdin.as_deref());
        if let Err(e) = case.check(&got, &format!("--backend {backend} {}", extra.join(" "))) {
            panic!("{e}");
        }
    }
}

#[test]
fn stack_size_option() {
    with_options("hello", &["-s", "1M"]);
    with_options("libc_mix", &["-s", "16M"]);
}

#[test]
fn cpu_option_max() {
    with_options("asm_hello", &["-cpu", "max"]);
}

#[test]
fn backend_from_environment() {
    // RUSER_BACKEND is --backend's twin.
    let case = load_case("hello");
    for backend in BACKENDS {
        let mut cmd = emu_command(&ruser_aarch64());
        cmd.env("RUSER_BACKEND", backend).arg(&case.binary);
        let got = run(&mut cmd, None);
        if let Err(e) = case.check(&got, &format!("RUSER_BACKEND={backend}")) {
            panic!("{e}");
        }
    }
}

#[test]
fn strace_goes_to_stderr_and_keeps_stdout() {
    let case = load_case("asm_hello");
    let mut cmd = emu_command(&ruser_aarch64());
    cmd.arg("-strace").arg(&case.binary);
    let got = run(&mut cmd, None);
    assert_eq!(got.code, Some(0), "asm_hello -strace: {}\n{}", got.describe_status(), got.stderr_str());
    assert_eq!(got.stdout, case.stdout, "-strace must not change the guest's stdout");
    let err = got.stderr_str();
    assert!(err.contains("write"), "-strace output should show the write syscall, got:\n{err}");
    assert!(err.contains("exit"), "-strace output should show the exit syscall, got:\n{err}");
}

#[test]
fn log_file_option_takes_strace() {
    let tmp = TempDir::new("logfile");
    let log = tmp.join("log.txt");
    let case = load_case("asm_hello");
    let mut cmd = emu_command(&ruser_aarch64());
    cmd.arg("-strace").arg("-D").arg(&log).arg(&case.binary);
    let got = run(&mut cmd, None);
    assert_eq!(got.code, Some(0), "{}\n{}", got.describe_status(), got.stderr_str());
    assert_eq!(got.stdout, case.stdout);
    assert!(got.stderr.is_empty(), "with -D the log must not go to stderr, got:\n{}", got.stderr_str());
    let text = std::fs::read_to_string(&log).expect("-D FILE must create the log file");
    assert!(text.contains("write"), "log file should hold the strace output, got:\n{text}");
}

#[test]
fn own_fds_survive_the_guest() {
    // ownfds closes every fd above stderr and dup2s over the top of its fd range; the -D log
    // file is ruser's own fd, kept out of the guest's reach, so logging still works after.
    let case = load_case("ownfds");
    for backend in BACKENDS {
        let tmp = TempDir::new("ownfds");
        let log = tmp.join("log.txt");
        let mut cmd = emu_command(&ruser_aarch64());
        cmd.arg("--backend").arg(backend).arg("-strace").arg("-D").arg(&log).arg(&case.binary);
        let got = run(&mut cmd, None);
        if let Err(e) = case.check(&got, &format!("ownfds -strace -D, --backend {backend}")) {
            panic!("{e}");
        }
        let text = std::fs::read_to_string(&log).expect("the log file");
        let after = text.split("close_range(3, ").nth(1).unwrap_or_else(|| panic!("no close_range in the log:\n{text}"));
        assert!(after.contains("exit_group(0)"), "the log stopped after the guest's close_range (--backend {backend}):\n{text}");
    }
}

#[test]
fn proc_self_fd_hides_the_log_fd() {
    // With -D, ruser keeps the log file open; procfd lists /proc/self/fd and fdinfo and probes
    // the fds around the soft limit, where the log's fd lives: its output must not change.
    let case = load_case("procfd");
    for backend in BACKENDS {
        let tmp = TempDir::new("procfd");
        let mut cmd = emu_command(&ruser_aarch64());
        cmd.arg("--backend").arg(backend).arg("-strace").arg("-D").arg(tmp.join("log.txt")).arg(&case.binary);
        let got = run(&mut cmd, None);
        if let Err(e) = case.check(&got, &format!("procfd -strace -D, --backend {backend}")) {
            panic!("{e}");
        }
    }
}

#[test]
fn seccomp_filters_follow_exec() {
    // A guest under a filter execs: an aarch64 program runs under the same filter (its getpid
    // fails with the filter's errno: status 0), a host program is refused with EACCES, since
    // it would run unfiltered.
    let case = load_case("seccomp");
    let bin = case.binary.to_str().expect("a UTF-8 path").to_string();
    for backend in BACKENDS {
        let mut cmd = emu_command(&ruser_aarch64());
        cmd.arg("--backend").arg(backend).arg(&case.binary).args(["exec", &bin, "after-exec"]);
        let got = run(&mut cmd, None);
        assert_eq!(got.code, Some(0), "the exec'd guest program lost the filter (--backend {backend}): {}\n{}", got.describe_status(), got.stdout_str());
        let mut cmd = emu_command(&ruser_aarch64());
        cmd.arg("--backend").arg(backend).arg(&case.binary).args(["exec", "/bin/true"]);
        let got = run(&mut cmd, None);
        assert_eq!((got.code, got.stdout_str().as_str()), (Some(1), "exec: EACCES\n"), "exec of a host program under a filter (--backend {backend})");
    }
}

// ---------------------------------------------------------------- ruser (auto-detect)

#[test]
fn ruser_autodetects_aarch64() {
    for name in ["asm_hello", "hello", "exit_code"] {
        let case = load_case(name);
        let mut cmd = emu_command(&ruser());
        cmd.args(case.options()).arg(&case.binary).args(&case.args);
        let got = run(&mut cmd, case.stdin.as_deref());
        if let Err(e) = case.check(&got, "ruser (auto-detect)") {
            panic!("{e}");
        }
    }
}

// ---------------------------------------------------------------- CPU features

/// `printf("%#lx")`: 0 prints as "0".
fn c_hex(v: u64) -> String {
    if v == 0 {
        "0".into()
    } else {
        format!("{v:#x}")
    }
}

/// AT_HWCAP, AT_HWCAP2 and the ID registers a guest reads (`hwcaps raw`) are exactly what
/// ruser's feature table advertises for each -cpu model, on every backend.
#[test]
fn hwcaps_match_the_feature_table() {
    use ruser::guest::aarch64::features::{self, sr};
    let case = load_case("hwcaps");
    for cpu in ["max", "cortex-a53"] {
        let (h1, h2) = features::hwcaps(cpu);
        let mut want = format!("AT_HWCAP {}\nAT_HWCAP2 {}\n", c_hex(h1), c_hex(h2));
        for (name, key) in [
            ("ID_AA64PFR0_EL1", sr(3, 0, 0, 4, 0)),
            ("ID_AA64PFR1_EL1", sr(3, 0, 0, 4, 1)),
            ("ID_AA64ISAR0_EL1", sr(3, 0, 0, 6, 0)),
            ("ID_AA64ISAR1_EL1", sr(3, 0, 0, 6, 1)),
            ("ID_AA64MMFR0_EL1", sr(3, 0, 0, 7, 0)),
            ("ID_AA64DFR0_EL1", sr(3, 0, 0, 5, 0)),
        ] {
            want.push_str(&format!("{name} {}\n", c_hex(features::id_reg(key, cpu))));
        }
        for backend in BACKENDS {
            let mut cmd = emu_command(&ruser_aarch64());
            cmd.arg("--backend").arg(backend).arg("-cpu").arg(cpu).arg(&case.binary).arg("raw");
            let got = run(&mut cmd, None);
            assert_eq!(got.code, Some(0), "hwcaps raw -cpu {cpu} --backend {backend}: {}", got.stderr_str());
            assert_eq!(got.stdout_str(), want, "hwcaps raw -cpu {cpu} --backend {backend}");
        }
    }
}

/// ruser maps a vDSO (AT_SYSINFO_EHDR) exporting the arm64 kernel's symbols, and glibc's
/// clock_gettime, clock_getres and gettimeofday of the fast clocks then make no system call
/// (`vdso` makes exactly two raw clock_gettime calls per clock, one raw clock_getres, and
/// one gettimeofday with a time zone), on every backend.
#[test]
fn vdso_serves_time_without_system_calls() {
    let case = load_case("vdso");
    let symbols = ["__kernel_clock_getres", "__kernel_rt_sigreturn", "__kernel_gettimeofday", "__kernel_clock_gettime"];
    for backend in BACKENDS {
        let mut cmd = emu_command(&ruser_aarch64());
        cmd.arg("--backend").arg(backend).arg(&case.binary).arg("vdso");
        let got = run(&mut cmd, None);
        let out = got.stdout_str();
        assert_eq!(got.code, Some(0), "vdso vdso --backend {backend}:\n{out}{}", got.stderr_str());
        for s in symbols {
            assert!(out.contains(&format!("symbol {s}@LINUX_2.6.39\n")), "{s} missing (--backend {backend}):\n{out}");
        }
        let mut cmd = emu_command(&ruser_aarch64());
        cmd.arg("--backend").arg(backend).arg("-strace").arg(&case.binary);
        let got = run(&mut cmd, None);
        assert_eq!(got.code, Some(0), "vdso -strace --backend {backend}: {}", got.stderr_str());
        let log = got.stderr_str();
        let calls = |prefix: &str| log.lines().filter(|l| l.split_once(' ').is_some_and(|(_, c)| c.starts_with(prefix))).count();
        // MONOTONIC (1), MONOTONIC_RAW (4), REALTIME_COARSE (5), BOOTTIME (7), TAI (11).
        for clk in [1, 4, 5, 7, 11] {
            assert_eq!(calls(&format!("clock_gettime({clk},")), 2, "clock_gettime({clk}) system calls (--backend {backend})");
            assert_eq!(calls(&format!("clock_getres({clk},")), 1, "clock_getres({clk}) system calls (--backend {backend})");
        }
        // REALTIME: the raw pairs around clock_gettime, gettimeofday and time().
        assert_eq!(calls("clock_gettime(0,"), 6, "clock_gettime(0) system calls (--backend {backend})");
        assert_eq!(calls("gettimeofday("), 1, "gettimeofday system calls (--backend {backend})");
    }
}

/// The LSE testbin needs LSE: under -cpu cortex-a53 its first LSE instruction is undefined.
#[test]
fn lse_is_undefined_on_cortex_a53() {
    let case = load_case("atomics_lse");
    for backend in BACKENDS {
        let mut cmd = emu_command(&ruser_aarch64());
        cmd.arg("--backend").arg(backend).arg("-cpu").arg("cortex-a53").arg(&case.binary);
        let got = run(&mut cmd, None);
        assert_eq!(got.signal, Some(4), "atomics_lse -cpu cortex-a53 --backend {backend}: {}", got.describe_status());
    }
}

/// stress_threads again, a few times per backend: twice as is, once pinned to one CPU (its
/// "pin" argument: preemption at every point instead of parallelism), once with the
/// smallest translation cache (flushes while the threads run). Before the JIT's indirect
/// table held code offsets checked by the block (see `jit::emit::INDIRECT_ENTRY_OFF`), most
/// unpinned runs on two CPUs computed a wrong checksum.
#[test]
fn stress_threads_repeated() {
    let case = load_case("stress_threads");
    let variants: [(&[&str], &[&str]); 4] = [(&[], &[]), (&[], &[]), (&[], &["pin"]), (&["-tb-size", "64k"], &[])];
    for backend in BACKENDS {
        for (opts, args) in variants {
            let mut cmd = emu_command(&ruser_aarch64());
            cmd.arg("--backend").arg(backend).args(opts).arg(&case.binary).args(args);
            let got = run(&mut cmd, None);
            if let Err(e) = case.check(&got, &format!("stress_threads --backend {backend} {opts:?} {args:?}")) {
                panic!("{e}");
            }
        }
    }
}
