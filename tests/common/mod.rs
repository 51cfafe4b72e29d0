//! Helpers shared by the integration tests: locating the emulator and the
//! test programs, running a child with a watchdog, the CI tool policy,
//! loading the expected-output cases of testbins/ and printing readable diffs.
//!
//! Uses only std (no dev-dependencies).

#![allow(dead_code)]

use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// Execution backends every guest test runs under (`--backend NAME`).
/// Every execution test runs on each of them.
pub const BACKENDS: &[&str] = &["jit", "interp", "crosscheck"];

/// A child that runs longer than this is killed and the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------- locations

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The aarch64 emulator under test.
pub fn ruser_aarch64() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ruser-aarch64"))
}

/// The auto-detecting front end (architecture from the ELF header).
pub fn ruser() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ruser"))
}

pub fn testbins_dir() -> PathBuf {
    repo_root().join("testbins")
}

pub fn testbin(name: &str) -> PathBuf {
    testbins_dir().join("aarch64").join(name)
}

pub fn expected_dir() -> PathBuf {
    testbins_dir().join("expected").join("aarch64")
}

/// Names of the committed test programs, sorted.
pub fn committed_testbins() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(testbins_dir().join("aarch64"))
        .expect("read testbins/aarch64")
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// ---------------------------------------------------------------- tools / CI policy

/// True when running under CI (`CI=true`): missing tools are then failures.
pub fn in_ci() -> bool {
    matches!(std::env::var("CI").as_deref(), Ok("true") | Ok("1") | Ok("yes"))
}

/// Find an executable on PATH.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| is_executable_file(p))
}

pub fn is_executable_file(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0).unwrap_or(false)
}

/// Tool policy: returns true when `name` is on PATH. When it is missing, fails
/// the test under CI=true, otherwise prints a note and returns false so the
/// caller can skip.
pub fn require_tool(name: &str, test: &str) -> bool {
    if which(name).is_some() {
        return true;
    }
    skip_or_fail(test, &format!("`{name}` is not installed (scripts/test.sh installs it)"))
}

/// The same policy for any other missing prerequisite: panics under CI,
/// otherwise prints a note and returns false.
pub fn skip_or_fail(test: &str, why: &str) -> bool {
    if in_ci() {
        panic!("{test}: {why}; CI=true, so this is a failure rather than a skip");
    }
    eprintln!("note: skipping {test}: {why}");
    false
}

// ---------------------------------------------------------------- temp dirs

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let p = std::env::temp_dir().join(format!("ruser-test-{tag}-{}-{n}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, p: impl AsRef<Path>) -> PathBuf {
        self.0.join(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ---------------------------------------------------------------- running

/// What a finished (or killed) child did.
#[derive(Debug, Clone)]
pub struct Output {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Exit code, when it exited normally.
    pub code: Option<i32>,
    /// Terminating signal, when it was killed by one.
    pub signal: Option<i32>,
    /// The watchdog killed it.
    pub timed_out: bool,
    pub elapsed: Duration,
}

impl Output {
    /// "exit status 3", "killed by signal 11", "timed out after 60 s".
    pub fn describe_status(&self) -> String {
        if self.timed_out {
            format!("timed out after {} s (killed by the watchdog)", self.elapsed.as_secs())
        } else if let Some(c) = self.code {
            format!("exit status {c}")
        } else if let Some(s) = self.signal {
            format!("killed by signal {s}")
        } else {
            "unknown status".into()
        }
    }

    pub fn stdout_str(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn stderr_str(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

extern "C" {
    fn kill(pid: i32, sig: i32) -> i32;
}
const SIGKILL: i32 = 9;

/// Run `cmd` with `stdin` (or /dev/null), capturing stdout and stderr. The
/// child gets its own process group; a watchdog thread kills the whole group
/// after `timeout`, so a hung emulator fails the test instead of hanging it.
pub fn run_with_timeout(cmd: &mut Command, stdin: Option<&[u8]>, timeout: Duration) -> Output {
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.process_group(0);
    let start = Instant::now();
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {:?}: {e}", cmd.get_program()));
    let pgid = child.id() as i32;

    let stdin_thread = match (stdin, child.stdin.take()) {
        (Some(data), Some(mut pipe)) => {
            let data = data.to_vec();
            Some(thread::spawn(move || {
                // The child may exit without reading everything: ignore EPIPE.
                let _ = pipe.write_all(&data);
            }))
        }
        _ => None,
    };
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out_thread = reader(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let err_thread = reader(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));

    let timed_out = Arc::new(AtomicBool::new(false));
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let watchdog = {
        let timed_out = timed_out.clone();
        thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = done_rx.recv_timeout(timeout) {
                timed_out.store(true, Ordering::SeqCst);
                unsafe {
                    kill(-pgid, SIGKILL);
                }
            }
        })
    };

    let status = child.wait().expect("wait for child");
    let _ = done_tx.send(());
    let _ = watchdog.join();
    // Anything the child left behind in its group (it has exited) would keep
    // the pipes open: clean it up.
    unsafe {
        kill(-pgid, SIGKILL);
    }
    let stdout = out_thread.join().unwrap_or_default();
    let stderr = err_thread.join().unwrap_or_default();
    if let Some(t) = stdin_thread {
        let _ = t.join();
    }
    Output {
        stdout,
        stderr,
        code: status.code(),
        signal: status.signal(),
        timed_out: timed_out.load(Ordering::SeqCst),
        elapsed: start.elapsed(),
    }
}

pub fn run(cmd: &mut Command, stdin: Option<&[u8]>) -> Output {
    run_with_timeout(cmd, stdin, TIMEOUT)
}

/// A command for an emulator binary with a clean environment: no RUSER_*
/// variables from the caller's shell (they would change the options), no
/// RUST_BACKTRACE, and no RUSER_TEST_VAR.
pub fn emu_command(bin: &Path) -> Command {
    let mut cmd = Command::new(bin);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("RUSER_") {
            cmd.env_remove(&k);
        }
    }
    cmd.env_remove("RUST_BACKTRACE").env_remove("RUST_LIB_BACKTRACE");
    cmd
}

// ---------------------------------------------------------------- expected cases

/// One program of testbins/ with its inputs and expected results.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub binary: PathBuf,
    pub args: Vec<OsString>,
    pub stdin: Option<Vec<u8>>,
    /// VAR=VALUE, each passed as `-E VAR=VALUE`.
    pub env: Vec<String>,
    /// Passed as `-L DIR`.
    pub sysroot: Option<PathBuf>,
    /// Passed as `-cpu MODEL`.
    pub cpu: Option<String>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub status: i32,
}

fn read_opt(p: &Path) -> Option<Vec<u8>> {
    match std::fs::read(p) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => panic!("cannot read {}: {e}", p.display()),
    }
}

/// Load testbins/expected/aarch64/NAME.* (see testbins/README.md).
pub fn load_case(name: &str) -> Case {
    use std::os::unix::ffi::OsStrExt;
    let dir = expected_dir();
    let file = |ext: &str| dir.join(format!("{name}.{ext}"));
    let binary = testbin(name);
    assert!(binary.is_file(), "test program {} is missing", binary.display());
    let stdout = read_opt(&file("stdout")).unwrap_or_else(|| panic!("{name}: expected/aarch64/{name}.stdout is missing"));
    let status_text = read_opt(&file("status")).unwrap_or_else(|| panic!("{name}: expected/aarch64/{name}.status is missing"));
    let status = String::from_utf8_lossy(&status_text).trim().parse::<i32>().unwrap_or_else(|e| panic!("{name}.status: {e}"));
    let stderr = read_opt(&file("stderr")).unwrap_or_default();
    // One argument per line; an empty line is an empty argument.
    let args = read_opt(&file("args"))
        .map(|b| {
            let b = b.strip_suffix(b"\n").unwrap_or(&b).to_vec();
            b.split(|&c| c == b'\n').map(|l| OsStr::from_bytes(l).to_os_string()).collect()
        })
        .unwrap_or_default();
    let stdin = read_opt(&file("stdin"));
    let env = read_opt(&file("env"))
        .map(|b| String::from_utf8_lossy(&b).lines().filter(|l| !l.is_empty()).map(str::to_string).collect())
        .unwrap_or_default();
    let sysroot = read_opt(&file("sysroot")).map(|b| PathBuf::from(String::from_utf8_lossy(&b).trim()));
    let cpu = read_opt(&file("cpu")).and_then(|b| String::from_utf8_lossy(&b).lines().next().map(str::to_string));
    Case { name: name.to_string(), binary, args, stdin, env, sysroot, cpu, stdout, stderr, status }
}

impl Case {
    /// Emulator options (`-L`, `-cpu`, `-E`) for this case; the same for ruser and qemu.
    pub fn options(&self) -> Vec<OsString> {
        let mut v = Vec::new();
        if let Some(s) = &self.sysroot {
            v.push("-L".into());
            v.push(s.clone().into_os_string());
        }
        if let Some(c) = &self.cpu {
            v.push("-cpu".into());
            v.push(c.into());
        }
        for e in &self.env {
            v.push("-E".into());
            v.push(e.into());
        }
        v
    }

    /// Check the sysroot this case needs exists (skip/fail policy otherwise).
    pub fn sysroot_ok(&self, test: &str) -> bool {
        match &self.sysroot {
            Some(s) if !s.is_dir() => skip_or_fail(test, &format!("sysroot {} is missing (install libc6-arm64-cross)", s.display())),
            _ => true,
        }
    }

    /// A `.status` above 128 is the shell's way of saying "killed by signal status-128": the
    /// run must really die of that signal (an exit with that code does not count).
    fn status_matches(&self, got: &Output) -> bool {
        if self.status > 128 {
            got.signal == Some(self.status - 128)
        } else {
            got.code == Some(self.status)
        }
    }

    fn describe_expected_status(&self) -> String {
        if self.status > 128 {
            format!("killed by signal {}", self.status - 128)
        } else {
            format!("exit status {}", self.status)
        }
    }

    /// Compare an actual run with the expectation; Err holds a readable report.
    pub fn check(&self, got: &Output, label: &str) -> Result<(), String> {
        let mut report = String::new();
        if got.timed_out || !self.status_matches(got) {
            let _ = writeln!(report, "status: expected {}, got {}", self.describe_expected_status(), got.describe_status());
        }
        if got.stdout != self.stdout {
            let _ = writeln!(report, "stdout differs (- expected, + actual):\n{}", diff(&self.stdout, &got.stdout));
        }
        if got.stderr != self.stderr {
            let _ = writeln!(report, "stderr differs (- expected, + actual):\n{}", diff(&self.stderr, &got.stderr));
        }
        if report.is_empty() {
            Ok(())
        } else {
            let mut head = format!("=== {} [{label}] does not behave as expected/aarch64/{}.* says\n", self.name, self.name);
            if got.stderr != self.stderr || !self.status_matches(got) {
                // Show the real stderr tail: it usually says why.
                let tail: Vec<&str> = std::str::from_utf8(&got.stderr).unwrap_or("<non-utf8>").lines().rev().take(8).collect();
                if !tail.is_empty() {
                    let _ = writeln!(head, "last stderr lines:");
                    for l in tail.iter().rev() {
                        let _ = writeln!(head, "  | {l}");
                    }
                }
            }
            Err(head + &report)
        }
    }
}

/// Run one case under `ruser-aarch64 --backend <backend>`.
pub fn run_case(case: &Case, backend: &str) -> Output {
    let mut cmd = emu_command(&ruser_aarch64());
    cmd.arg("--backend").arg(backend).args(case.options()).arg(&case.binary).args(&case.args);
    cmd.env_remove("RUSER_TEST_VAR");
    run(&mut cmd, case.stdin.as_deref())
}

/// Run a testbin under every backend and panic with a report naming the
/// program and backend on any mismatch.
pub fn check_testbin(name: &str) {
    let case = load_case(name);
    if !case.sysroot_ok(name) {
        return;
    }
    let mut failures = Vec::new();
    for backend in BACKENDS {
        let got = run_case(&case, backend);
        if let Err(e) = case.check(&got, &format!("ruser-aarch64 --backend {backend}")) {
            failures.push(e);
        }
    }
    if !failures.is_empty() {
        panic!("testbin `{name}` failed:\n{}", failures.join("\n"));
    }
}

// ---------------------------------------------------------------- diffs

const DIFF_MAX_LINES: usize = 60;

/// A line diff of two outputs, "-" for expected, "+" for actual, with a
/// little context, trimmed to DIFF_MAX_LINES lines. Uses an LCS on the region
/// between the common prefix and suffix when that is small enough, and a
/// side-by-side listing of the first differences otherwise.
pub fn diff(expected: &[u8], actual: &[u8]) -> String {
    let e: Vec<String> = split_lines(expected);
    let a: Vec<String> = split_lines(actual);
    let mut pre = 0;
    while pre < e.len() && pre < a.len() && e[pre] == a[pre] {
        pre += 1;
    }
    let mut suf = 0;
    while suf < e.len() - pre && suf < a.len() - pre && e[e.len() - 1 - suf] == a[a.len() - 1 - suf] {
        suf += 1;
    }
    let em = &e[pre..e.len() - suf];
    let am = &a[pre..a.len() - suf];
    let mut out: Vec<String> = Vec::new();
    let ctx_start = pre.saturating_sub(3);
    out.push(format!("@@ first difference at line {} (expected {} lines, got {}) @@", pre + 1, e.len(), a.len()));
    for l in &e[ctx_start..pre] {
        out.push(format!("  {l}"));
    }
    if em.len().saturating_mul(am.len()) <= 4_000_000 {
        // LCS table over the differing middle.
        let (n, m) = (em.len(), am.len());
        let mut t = vec![0u32; (n + 1) * (m + 1)];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                t[i * (m + 1) + j] =
                    if em[i] == am[j] { t[(i + 1) * (m + 1) + j + 1] + 1 } else { t[(i + 1) * (m + 1) + j].max(t[i * (m + 1) + j + 1]) };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && em[i] == am[j] {
                out.push(format!("  {}", em[i]));
                i += 1;
                j += 1;
            } else if i < n && (j == m || t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1]) {
                out.push(format!("- {}", em[i]));
                i += 1;
            } else {
                out.push(format!("+ {}", am[j]));
                j += 1;
            }
        }
    } else {
        for l in em.iter().take(DIFF_MAX_LINES / 2) {
            out.push(format!("- {l}"));
        }
        for l in am.iter().take(DIFF_MAX_LINES / 2) {
            out.push(format!("+ {l}"));
        }
    }
    for l in e[e.len() - suf..].iter().take(3) {
        out.push(format!("  {l}"));
    }
    let total = out.len();
    if total > DIFF_MAX_LINES {
        out.truncate(DIFF_MAX_LINES);
        out.push(format!("... ({} more diff lines)", total - DIFF_MAX_LINES));
    }
    out.join("\n")
}

fn split_lines(b: &[u8]) -> Vec<String> {
    if b.is_empty() {
        return Vec::new();
    }
    let text = String::from_utf8_lossy(b);
    let mut v: Vec<String> = text.split('\n').map(show_controls).collect();
    if b.ends_with(b"\n") {
        v.pop();
    } else if let Some(last) = v.last_mut() {
        last.push_str("⏎ (no newline at end)");
    }
    v
}

/// Make control characters (other than tab) visible in a diff line.
fn show_controls(s: &str) -> String {
    s.chars().map(|c| if c.is_control() && c != '\t' { c.escape_default().to_string() } else { c.to_string() }).collect()
}

/// Panic-text markers that must never reach a user.
pub const PANIC_MARKERS: &[&str] = &["panicked", "RUST_BACKTRACE", "stack backtrace"];
