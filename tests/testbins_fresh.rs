//! Keeps testbins/ honest, independent of the emulator:
//!
//! * `rebuild_and_compare`: rebuilds every program from testbins/src with the
//!   cross compiler and checks the fresh binaries behave as the expected
//!   files say under qemu-aarch64 (testbins/rebuild-and-compare.sh), so
//!   sources, binaries and expectations cannot drift apart.
//! * `oracle_agrees`: runs each committed binary under qemu-aarch64 and
//!   compares with the expected files. For the programs whose oracle is the
//!   native build (testbins/expected/aarch64/NAME.native says why), it checks
//!   instead that qemu still gets them wrong, so the exception cannot outlive
//!   its reason.
//!
//! Without the tools these skip with a note, except under CI=true where they
//! fail.

mod common;

use common::*;
use std::process::Command;
use std::time::Duration;

#[test]
fn rebuild_and_compare() {
    let test = "rebuild_and_compare";
    if !(require_tool("aarch64-linux-gnu-gcc", test) & require_tool("qemu-aarch64", test) & require_tool("make", test)) {
        return;
    }
    let script = testbins_dir().join("rebuild-and-compare.sh");
    let got = run_with_timeout(&mut Command::new(&script), None, Duration::from_secs(900));
    assert!(
        got.code == Some(0),
        "testbins/rebuild-and-compare.sh failed ({}):\n{}\n{}",
        got.describe_status(),
        got.stdout_str(),
        got.stderr_str()
    );
}

#[test]
fn oracle_agrees() {
    let test = "oracle_agrees";
    if !require_tool("qemu-aarch64", test) {
        return;
    }
    let mut failures = Vec::new();
    for name in committed_testbins() {
        let case = load_case(&name);
        if !case.sysroot_ok(&format!("{test} ({name})")) {
            continue;
        }
        let mut cmd = Command::new("qemu-aarch64");
        cmd.env_remove("RUSER_TEST_VAR").args(case.options()).arg(&case.binary).args(&case.args);
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("QEMU_") {
                cmd.env_remove(&k);
            }
        }
        let mut got = run(&mut cmd, case.stdin.as_deref());
        // qemu's own report of a guest killed by a signal is not program output (run-one.sh
        // drops it the same way when it records the expectation).
        got.stderr = strip_qemu_signal_report(&got.stderr);
        // Lines where qemu is wrong, with the kernel's behaviour (NAME.qemu-fix, a patch whose
        // header says why): applied as run-one.sh applies it.
        let fix = expected_dir().join(format!("{name}.qemu-fix"));
        if fix.exists() {
            match apply_patch(&got.stdout, &fix) {
                Ok(out) => got.stdout = out,
                Err(e) => {
                    failures.push(format!("{name}: {} no longer applies to qemu-aarch64's output: {e}", fix.display()));
                    continue;
                }
            }
        }
        let native = expected_dir().join(format!("{name}.native"));
        match (case.check(&got, "qemu-aarch64"), native.exists()) {
            (Err(e), false) => failures.push(e),
            (Ok(()), true) => failures.push(format!(
                "{name}: qemu-aarch64 now agrees with the expected output, so the reason in {} no longer holds; delete it to make qemu the oracle again",
                native.display()
            )),
            _ => {}
        }
    }
    assert!(failures.is_empty(), "qemu-aarch64 disagrees with testbins/expected:\n{}", failures.join("\n"));
}

/// `patch` the bytes `text` with the unified diff in `fix`.
fn apply_patch(text: &[u8], fix: &std::path::Path) -> Result<Vec<u8>, String> {
    let dir = TempDir::new("qemu-fix");
    let file = dir.join("stdout");
    std::fs::write(&file, text).map_err(|e| e.to_string())?;
    let input = std::fs::read(fix).map_err(|e| e.to_string())?;
    let got = run(Command::new("patch").arg("-s").arg(&file), Some(&input));
    if got.code != Some(0) {
        return Err(format!("{}{}", got.stdout_str(), got.stderr_str()));
    }
    std::fs::read(&file).map_err(|e| e.to_string())
}

fn strip_qemu_signal_report(stderr: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for line in stderr.split_inclusive(|&b| b == b'\n') {
        if !line.starts_with(b"qemu: uncaught target signal ") {
            out.extend_from_slice(line);
        }
    }
    out
}

/// The committed vDSO image (src/guest/aarch64/vdso/vdso.so) is what its source builds to.
#[test]
fn vdso_image_is_fresh() {
    let test = "vdso_image_is_fresh";
    if !(require_tool("aarch64-linux-gnu-gcc", test) & require_tool("aarch64-linux-gnu-ld", test)) {
        return;
    }
    let dir = repo_root().join("src/guest/aarch64/vdso");
    let out = std::env::temp_dir().join(format!("ruser-vdso-{}.so", std::process::id()));
    let got = run_with_timeout(Command::new(dir.join("build.sh")).arg(&out), None, Duration::from_secs(120));
    let fresh = std::fs::read(&out);
    let _ = std::fs::remove_file(&out);
    assert_eq!(got.code, Some(0), "build.sh failed: {}", got.stderr_str());
    let committed = std::fs::read(dir.join("vdso.so")).expect("vdso.so");
    assert!(fresh.expect("built image") == committed, "vdso.so differs from what vdso.S and vdso.lds build: run src/guest/aarch64/vdso/build.sh and commit");
}
