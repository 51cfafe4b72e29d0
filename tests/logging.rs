//! The diagnostic options: `-d in_asm`, `-d op`, `-d unimp`, `-strace`, `-d help`, `-cpu help`,
//! and `-D FILE`. Each backend is exercised where the option concerns execution.

mod common;

use common::*;

fn emu(args: &[&str]) -> Output {
    let mut cmd = emu_command(&ruser_aarch64());
    cmd.args(args);
    run(&mut cmd, None)
}

fn bin(name: &str) -> String {
    testbin(name).to_string_lossy().into_owned()
}

#[test]
fn in_asm_shows_guest_code_through_capstone() {
    for be in BACKENDS {
        let out = emu(&["--backend", be, "-d", "in_asm", &bin("asm_exit42")]);
        assert_eq!(out.code, Some(42), "{}", out.stderr_str());
        let log = out.stderr_str();
        assert!(log.contains("mov x0, #0x2a"), "in_asm log lacks the first instruction:\n{log}");
        assert!(log.contains("svc #0"), "in_asm log lacks the svc:\n{log}");
    }
}

#[test]
fn op_shows_the_ir() {
    let out = emu(&["-d", "op", &bin("asm_exit42")]);
    assert_eq!(out.code, Some(42));
    let log = out.stderr_str();
    assert!(log.contains("SetReg") && log.contains("Syscall"), "-d op log:\n{log}");
}

#[test]
fn unimp_names_an_undefined_instruction() {
    for be in BACKENDS {
        let out = emu(&["--backend", be, "-d", "unimp", &bin("sig_ill")]);
        assert_eq!(out.signal, Some(4), "sig_ill must die of SIGILL: {}", out.describe_status());
        let log = out.stderr_str();
        assert!(log.contains("0x00000000") && log.contains("undefined"), "-d unimp log:\n{log}");
    }
}

#[test]
fn unknown_syscall_is_enosys_and_named() {
    let out = emu(&["-d", "unimp", &bin("asm_enosys")]);
    assert_eq!(out.code, Some(38), "ENOSYS expected as the exit status");
    assert!(out.stderr_str().contains("1000"), "-d unimp must name syscall 1000:\n{}", out.stderr_str());
    let out = emu(&["-strace", &bin("asm_enosys")]);
    assert_eq!(out.code, Some(38));
    let log = out.stderr_str();
    assert!(log.contains("ENOSYS") && log.contains("1000"), "-strace must show the failing call:\n{log}");
    assert!(log.contains("exit(38)"), "-strace must show exit:\n{log}");
}

#[test]
fn strace_decodes_strings_and_results() {
    let out = emu(&["-strace", &bin("asm_hello")]);
    assert_eq!(out.code, Some(0));
    let log = out.stderr_str();
    let n = out.stdout.len();
    assert!(
        log.lines().any(|l| l.contains("write(1, \"") && l.ends_with(&format!(") = {n}"))),
        "-strace must show the write with its string and result {n}:\n{log}"
    );
}

#[test]
fn log_file_receives_the_log() {
    let dir = TempDir::new("logfile");
    let file = dir.join("log.txt");
    let out = emu(&["-d", "in_asm", "-D", file.to_str().unwrap(), &bin("asm_exit42")]);
    assert_eq!(out.code, Some(42));
    assert!(out.stderr.is_empty(), "with -D nothing goes to stderr: {}", out.stderr_str());
    let log = std::fs::read_to_string(&file).unwrap();
    assert!(log.contains("svc #0"), "log file:\n{log}");
}

#[test]
fn help_lists() {
    let out = emu(&["-d", "help"]);
    assert_eq!(out.code, Some(0));
    for item in ["in_asm", "out_asm", "exec", "unimp", "page"] {
        assert!(out.stdout_str().contains(item), "-d help lacks {item}");
    }
    let out = emu(&["-cpu", "help"]);
    assert_eq!(out.code, Some(0));
    assert!(out.stdout_str().contains("max"), "-cpu help lacks max");
    let out = emu(&["-d", "nonsense", &bin("asm_exit42")]);
    assert_eq!(out.code, Some(1));
    assert_eq!(out.stderr_str().lines().count(), 1, "one line for a bad -d item");
}

#[test]
fn version_and_help() {
    let out = emu(&["--version"]);
    assert_eq!(out.code, Some(0));
    assert!(out.stdout_str().contains(env!("CARGO_PKG_VERSION")));
    let out = emu(&["--help"]);
    assert_eq!(out.code, Some(0));
    for opt in ["-L", "-E", "-U", "-0", "-s", "--cpu", "--strace", "-d", "-D", "RUSER_LD_PREFIX"] {
        assert!(out.stdout_str().contains(opt), "--help lacks {opt}");
    }
}

#[test]
fn guest_arguments_are_never_options() {
    // Everything after PROGRAM belongs to the guest, even --help and -L.
    let out = emu(&[&bin("args_env"), "--help", "-L", "/x", "-strace"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr_str());
    let s = out.stdout_str();
    for a in ["--help", "-L", "/x", "-strace"] {
        assert!(s.contains(a), "guest did not get {a}:\n{s}");
    }
}

#[test]
fn out_asm_shows_host_code_through_capstone() {
    let out = emu(&["--backend", "jit", "--jit-threshold", "0", "-d", "out_asm", &bin("asm_exit42")]);
    assert_eq!(out.code, Some(42), "{}", out.stderr_str());
    let log = out.stderr_str();
    assert!(log.contains("OUT: [guest 0x"), "out_asm log lacks a block header:\n{log}");
    // Every block starts by polling the exit-request flag in the guest state (rbp).
    assert!(log.contains("cmp byte ptr [rbp"), "out_asm log lacks x86 code:\n{log}");
}

/// Run each of `progs` on the JIT with the extra options `opts`; each must exit 0 with its
/// expected output.
fn jit_runs_as_expected(progs: &[&str], opts: &[&str]) {
    for prog in progs {
        let want = std::fs::read_to_string(expected_dir().join(format!("{prog}.stdout"))).unwrap();
        let b = bin(prog);
        let mut args = vec!["--backend", "jit"];
        args.extend_from_slice(opts);
        args.push(&b);
        let out = emu(&args);
        assert_eq!(out.code, Some(0), "{prog} {opts:?}: {}", out.stderr_str());
        assert_eq!(out.stdout_str(), want, "{prog} with {opts:?}");
    }
}

#[test]
fn nochain_gives_the_same_results() {
    // Chaining off: every block returns to the dispatcher; results must not change.
    jit_runs_as_expected(&["chain", "indirect", "smc"], &["-d", "nochain"]);
}

#[test]
fn perfmap_names_translated_blocks() {
    let out = emu(&["--backend", "jit", "--jit-threshold", "0", "-perfmap", &bin("asm_exit42")]);
    assert_eq!(out.code, Some(42), "{}", out.stderr_str());
    // The child's pid is unknown here: find the newest map that names the entry block.
    let entry = "guest_400";
    let maps: Vec<_> = std::fs::read_dir("/tmp")
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("perf-"))
        .filter(|e| std::fs::read_to_string(e.path()).map(|s| s.contains(entry)).unwrap_or(false))
        .collect();
    assert!(!maps.is_empty(), "no /tmp/perf-<pid>.map names a guest block");
    for m in maps {
        let text = std::fs::read_to_string(m.path()).unwrap();
        let line = text.lines().next().unwrap();
        let f: Vec<&str> = line.split(' ').collect();
        assert_eq!(f.len(), 3, "perf map line {line:?}");
        assert!(u64::from_str_radix(f[0], 16).is_ok() && u64::from_str_radix(f[1], 16).is_ok(), "{line:?}");
        let _ = std::fs::remove_file(m.path());
    }
}

#[test]
fn a_small_code_cache_is_flushed_and_refilled() {
    // 64 KiB holds a few hundred blocks, so these programs flush the cache many times
    // (with chained jumps and indirect-table entries pointing into it).
    jit_runs_as_expected(&["chain", "indirect", "smc", "printf"], &["-tb-size", "64k"]);
    let out = emu(&["-tb-size", "1k", &bin("asm_exit42")]);
    assert_eq!(out.code, Some(1));
    assert!(out.stderr_str().contains("invalid translation cache size"), "{}", out.stderr_str());
}

#[test]
fn threads_flush_a_small_code_cache_together() {
    // With 64 KiB, the Go program flushes the cache hundreds of times while its threads run
    // translated code: each flush waits until every other thread has parked at its
    // dispatcher (src/exec/gate.rs).
    jit_runs_as_expected(&["go_goroutines", "go_preempt", "pthreads", "futex_ops"], &["-tb-size", "64k"]);
}

#[test]
fn jit_threshold_zero_compiles_every_block() {
    // By default a block runs twice on the interpreter before it is compiled; with 0 every
    // block, even code that runs once, goes through the JIT.
    jit_runs_as_expected(&["alu", "ldst", "fpu", "simd", "printf", "chain", "indirect", "smc"], &["--jit-threshold", "0"]);
    let out = emu(&["--jit-threshold", "x", &bin("asm_exit42")]);
    assert_eq!(out.code, Some(1));
    assert!(out.stderr_str().contains("invalid JIT threshold"), "{}", out.stderr_str());
}
