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
