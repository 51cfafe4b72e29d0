//! ruser as the runner of cross builds, with the recipes of the README: cargo's
//! `target.aarch64-unknown-linux-gnu.runner` (tests/runner/cargo), CMake's
//! CMAKE_CROSSCOMPILING_EMULATOR with ctest and meson's exe_wrapper (tests/runner/c). Each
//! finds `ruser-aarch64` on PATH, as a user's would; the test puts the one under test first.
//! The builds are done once; the test drivers then run on every backend (RUSER_BACKEND).

mod common;

use common::*;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Configuring and building can take a while on a loaded machine.
const BUILD_TIMEOUT: Duration = Duration::from_secs(600);

fn runner_dir(sub: &str) -> PathBuf {
    repo_root().join("tests/runner").join(sub)
}

/// PATH with the directory of the ruser-aarch64 under test first.
fn path_with_ruser() -> OsString {
    let dir = ruser_aarch64().parent().unwrap().to_path_buf();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(dir).chain(std::env::split_paths(&rest))).unwrap()
}

/// A command with PATH as above and no RUSER_* or cargo-internal variables from outside.
fn tool(program: impl AsRef<std::ffi::OsStr>, dir: &Path) -> Command {
    let mut cmd = emu_command(Path::new(program.as_ref()));
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().into_owned();
        if ["RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_TARGET", "CARGO_TARGET_DIR", "RUSTC_WORKSPACE_WRAPPER", "CARGO_MAKEFLAGS", "MAKEFLAGS", "MFLAGS"]
            .contains(&k.as_str())
        {
            cmd.env_remove(k);
        }
    }
    cmd.env("PATH", path_with_ruser()).current_dir(dir);
    cmd
}

fn must(got: &Output, what: &str) {
    assert!(
        got.code == Some(0) && !got.timed_out,
        "{what}: {}\n--- stdout\n{}\n--- stderr\n{}",
        got.describe_status(),
        got.stdout_str(),
        got.stderr_str()
    );
}

fn have_cross_sysroot(test: &str) -> bool {
    require_tool("aarch64-linux-gnu-gcc", test)
        && (Path::new("/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1").exists()
            || skip_or_fail(test, "/usr/aarch64-linux-gnu has no ld-linux-aarch64.so.1 (install libc6-dev-arm64-cross)"))
}

/// CMake with the toolchain file of tests/runner/c: check_c_source_runs at configure time and
/// every ctest test run under ruser-aarch64.
#[test]
fn cmake_ctest_with_crosscompiling_emulator() {
    let test = "cmake_ctest_with_crosscompiling_emulator";
    if !have_cross_sysroot(test) || !require_tool("cmake", test) || !require_tool("ctest", test) {
        return;
    }
    let src = runner_dir("c");
    let build = TempDir::new("cmake");
    let got = run_with_timeout(
        tool("cmake", build.path()).arg("-S").arg(&src).arg("-B").arg(build.path()).arg(format!(
            "-DCMAKE_TOOLCHAIN_FILE={}",
            src.join("aarch64-toolchain.cmake").display()
        )),
        None,
        BUILD_TIMEOUT,
    );
    must(&got, "cmake configure");
    assert!(got.stdout_str().contains("Performing Test RUNS_UNDER_EMULATOR - Success"), "{}", got.stdout_str());
    must(&run_with_timeout(tool("cmake", build.path()).arg("--build").arg(build.path()), None, BUILD_TIMEOUT), "cmake --build");
    for backend in BACKENDS {
        let got = run(tool("ctest", build.path()).arg("--output-on-failure").env("RUSER_BACKEND", backend), None);
        must(&got, &format!("ctest, RUSER_BACKEND={backend}"));
        assert!(got.stdout_str().contains("100% tests passed, 0 tests failed out of 6"), "RUSER_BACKEND={backend}:\n{}", got.stdout_str());
    }
}

/// meson with the cross file of tests/runner/c: compiler.run() at setup time and every
/// `meson test` test run through the exe_wrapper.
#[test]
fn meson_test_with_exe_wrapper() {
    let test = "meson_test_with_exe_wrapper";
    if !have_cross_sysroot(test) || !require_tool("meson", test) || !require_tool("ninja", test) {
        return;
    }
    let src = runner_dir("c");
    let build = TempDir::new("meson");
    let got = run_with_timeout(
        tool("meson", &src).arg("setup").arg("--cross-file").arg(src.join("aarch64-cross.ini")).arg(build.path()).arg(&src),
        None,
        BUILD_TIMEOUT,
    );
    must(&got, "meson setup");
    assert!(got.stdout_str().contains("runs: YES"), "compiler.run() did not run:\n{}", got.stdout_str());
    must(&run_with_timeout(tool("meson", build.path()).arg("compile").arg("-C").arg(build.path()), None, BUILD_TIMEOUT), "meson compile");
    for backend in BACKENDS {
        let got = run(tool("meson", build.path()).args(["test", "--print-errorlogs", "-C"]).arg(build.path()).env("RUSER_BACKEND", backend), None);
        must(&got, &format!("meson test, RUSER_BACKEND={backend}"));
        let out = got.stdout_str();
        assert!(out.contains("Ok:                 5") && out.contains("Expected Fail:      1"), "RUSER_BACKEND={backend}:\n{out}");
    }
}

/// The crate of tests/runner/cargo cross-compiled with `cargo test --target
/// aarch64-unknown-linux-gnu`; its .cargo/config.toml makes ruser-aarch64 the runner. Its
/// tests cover threads, unwinding panics, the file system and child processes.
#[test]
fn cargo_test_with_ruser_as_runner() {
    let test = "cargo_test_with_ruser_as_runner";
    if !have_cross_sysroot(test) {
        return;
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let target = "aarch64-unknown-linux-gnu";
    let libdir = Command::new("rustc").args(["--print", "target-libdir", "--target", target]).output();
    if !libdir.is_ok_and(|o| o.status.success() && Path::new(String::from_utf8_lossy(&o.stdout).trim()).is_dir()) {
        skip_or_fail(test, &format!("the Rust standard library for {target} is missing (rustup target add {target})"));
        return;
    }
    let dir = runner_dir("cargo");
    // Inside ruser's own target directory, so builds are reused and `cargo clean` removes it.
    let target_dir = repo_root().join("target/runner-cargo");
    let got = run_with_timeout(
        tool(&cargo, &dir).args(["test", "--no-run", "--lib", "--target", target]).env("CARGO_TARGET_DIR", &target_dir),
        None,
        BUILD_TIMEOUT,
    );
    must(&got, "cargo test --no-run");
    for backend in BACKENDS {
        let got = run_with_timeout(
            tool(&cargo, &dir).args(["test", "-v", "--lib", "--target", target]).env("CARGO_TARGET_DIR", &target_dir).env("RUSER_BACKEND", backend).env("RUST_BACKTRACE", "0"),
            None,
            BUILD_TIMEOUT,
        );
        must(&got, &format!("cargo test under ruser-aarch64, RUSER_BACKEND={backend}"));
        let out = got.stdout_str();
        assert!(out.contains("test result: ok. 14 passed; 0 failed"), "RUSER_BACKEND={backend}:\n{out}");
        assert!(got.stderr_str().contains("ruser-aarch64 -L /usr/aarch64-linux-gnu"), "cargo did not use the runner:\n{}", got.stderr_str());
    }
}
