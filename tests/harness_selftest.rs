//! Checks of the test harness itself (tests/common), independent of the
//! emulator: the watchdog, stdin/stdout plumbing, the diff printer and the
//! expected-case loader.

mod common;

use common::*;
use std::process::Command;
use std::time::Duration;

#[test]
fn watchdog_kills_a_hung_child_and_its_group() {
    // The background sleep keeps the pipes open; the watchdog must kill the
    // whole process group or the readers would block.
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "echo started; sleep 30 & sleep 30"]);
    let got = run_with_timeout(&mut cmd, None, Duration::from_secs(1));
    assert!(got.timed_out, "expected a timeout, got {}", got.describe_status());
    assert!(got.elapsed < Duration::from_secs(10), "took {:?}", got.elapsed);
    assert_eq!(got.stdout_str(), "started\n");
    assert!(got.describe_status().contains("timed out"));
}

#[test]
fn stdin_stdout_stderr_and_status_are_captured() {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "cat; echo err >&2; exit 7"]);
    let input: Vec<u8> = (0..300_000u32).map(|i| b'a' + (i % 26) as u8).collect();
    let got = run(&mut cmd, Some(&input));
    assert_eq!(got.code, Some(7));
    assert_eq!(got.stdout, input);
    assert_eq!(got.stderr_str(), "err\n");
    assert!(!got.timed_out);
}

#[test]
fn signal_is_reported() {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "kill -SEGV $$"]);
    let got = run(&mut cmd, None);
    assert_eq!(got.signal, Some(11), "{}", got.describe_status());
    assert_eq!(got.describe_status(), "killed by signal 11");
}

#[test]
fn diff_shows_changed_lines_with_context() {
    let d = diff(b"a\nb\nc\nd\ne\n", b"a\nb\nX\nd\ne\nf\n");
    assert!(d.contains("- c"), "{d}");
    assert!(d.contains("+ X"), "{d}");
    assert!(d.contains("+ f"), "{d}");
    assert!(d.contains("  b"), "{d}");
    assert!(d.contains("first difference at line 3"), "{d}");
    let d = diff(b"same\n", b"same");
    assert!(d.contains("no newline at end"), "{d}");
}

#[test]
fn cases_load_with_their_inputs() {
    let c = load_case("args_env");
    assert_eq!(c.status, 0);
    assert!(c.args.iter().any(|a| a.is_empty()), "an empty line in .args is an empty argument");
    assert_eq!(c.env, vec!["RUSER_TEST_VAR=hello".to_string()]);
    assert_eq!(c.options(), vec!["-E", "RUSER_TEST_VAR=hello"]);
    let c = load_case("stderr_mix");
    assert!(c.stdin.is_some() && !c.stderr.is_empty());
    let c = load_case("asm_exit42");
    assert_eq!(c.status, 42);
    assert!(c.stdout.is_empty());
    let c = load_case("hello_dyn");
    assert_eq!(c.options()[0], "-L");
}

#[test]
fn backends_list_is_not_empty() {
    assert!(BACKENDS.contains(&"interp"));
}
