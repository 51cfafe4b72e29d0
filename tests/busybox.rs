//! Runs applets of Debian's static aarch64 busybox
//! (build/sysroot-arm64/bin/busybox, fetched by tests/fetch-busybox.sh) under
//! `ruser-aarch64` and the same applets of the native x86-64 busybox, and
//! requires the same stdout and exit status.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

fn arm_busybox_path() -> PathBuf {
    repo_root().join("build/sysroot-arm64/bin/busybox")
}

fn native_busybox_path() -> Option<PathBuf> {
    which("busybox").or_else(|| ["/bin/busybox", "/usr/bin/busybox"].iter().map(PathBuf::from).find(|p| is_executable_file(p)))
}

/// Both busyboxes, fetching them once (per test binary) if needed; None
/// means skip (outside CI).
fn busyboxes(test: &str) -> Option<(PathBuf, PathBuf)> {
    static FETCH: Mutex<bool> = Mutex::new(false);
    {
        let mut tried = FETCH.lock().unwrap_or_else(|e| e.into_inner());
        if !*tried && (!is_executable_file(&arm_busybox_path()) || native_busybox_path().is_none()) {
            *tried = true;
            let script = repo_root().join("tests/fetch-busybox.sh");
            eprintln!("busybox missing: running {}", script.display());
            let got = run_with_timeout(&mut std::process::Command::new(&script), None, std::time::Duration::from_secs(600));
            if got.code != Some(0) {
                eprintln!("fetch-busybox.sh failed ({}):\n{}{}", got.describe_status(), got.stdout_str(), got.stderr_str());
            }
        }
    }
    let arm = arm_busybox_path();
    if !is_executable_file(&arm) {
        skip_or_fail(test, &format!("{} is missing and tests/fetch-busybox.sh could not fetch it", arm.display()));
        return None;
    }
    let Some(native) = native_busybox_path() else {
        skip_or_fail(test, "no native busybox (apt-get install busybox-static)");
        return None;
    };
    Some((arm, native))
}

/// Run `busybox ARGS` natively and under every backend with the same stdin
/// and working directory; compare stdout and status.
fn compare(test: &str, args: &[&str], stdin: Option<&[u8]>, cwd: Option<&Path>) {
    let Some((arm, native)) = busyboxes(test) else { return };
    let mut n = std::process::Command::new(&native);
    n.args(args);
    if let Some(d) = cwd {
        n.current_dir(d);
    }
    let want = run(&mut n, stdin);
    assert!(!want.timed_out, "{test}: native busybox timed out");
    for backend in BACKENDS {
        let mut cmd = emu_command(&ruser_aarch64());
        cmd.arg("--backend").arg(backend).arg(&arm).args(args);
        if let Some(d) = cwd {
            cmd.current_dir(d);
        }
        let got = run(&mut cmd, stdin);
        let mut report = String::new();
        if got.timed_out || got.code != want.code {
            report += &format!("status: native busybox gave {}, emulated gave {}\n", want.describe_status(), got.describe_status());
        }
        if got.stdout != want.stdout {
            report += &format!("stdout differs (- native, + emulated):\n{}\n", diff(&want.stdout, &got.stdout));
        }
        if !report.is_empty() {
            panic!("busybox {args:?} [{test}, --backend {backend}]\n{report}emulated stderr:\n{}", got.stderr_str());
        }
    }
}

#[test]
fn echo() {
    compare("echo", &["echo", "hello", "from", "busybox"], None, None);
    compare("echo -n -e", &["echo", "-n", "-e", "tab\\there\\nnewline"], None, None);
}

#[test]
fn sha256sum_of_a_file() {
    let tmp = TempDir::new("bb-sha");
    let data: Vec<u8> = (0..200_000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    std::fs::write(tmp.join("data.bin"), &data).unwrap();
    compare("sha256sum", &["sha256sum", "data.bin"], None, Some(tmp.path()));
    compare("md5sum", &["md5sum", "data.bin"], None, Some(tmp.path()));
}

const TEXT: &str = "the quick brown fox\njumps over\nthe lazy dog\n\n42 apples\n7 pears\n100 plums\nzebra\nApple\n";

#[test]
fn wc() {
    let tmp = TempDir::new("bb-wc");
    std::fs::write(tmp.join("t.txt"), TEXT).unwrap();
    compare("wc file", &["wc", "t.txt"], None, Some(tmp.path()));
    compare("wc -l stdin", &["wc", "-l"], Some(TEXT.as_bytes()), None);
    compare("wc -c stdin", &["wc", "-c"], Some(TEXT.as_bytes()), None);
}

#[test]
fn sort() {
    let tmp = TempDir::new("bb-sort");
    std::fs::write(tmp.join("t.txt"), TEXT).unwrap();
    compare("sort", &["sort", "t.txt"], None, Some(tmp.path()));
    compare("sort -n", &["sort", "-n", "t.txt"], None, Some(tmp.path()));
    compare("sort -r -u stdin", &["sort", "-r", "-u"], Some(TEXT.as_bytes()), None);
}

#[test]
fn ls_of_a_temp_dir() {
    let tmp = TempDir::new("bb-ls");
    for (name, size) in [("b.txt", 10), ("a.txt", 3), ("C-upper", 0), (".hidden", 5)] {
        std::fs::write(tmp.join(name), vec![b'x'; size]).unwrap();
    }
    std::fs::create_dir(tmp.join("subdir")).unwrap();
    std::fs::write(tmp.join("subdir/inner"), b"inner").unwrap();
    compare("ls", &["ls"], None, Some(tmp.path()));
    compare("ls -1a", &["ls", "-1a"], None, Some(tmp.path()));
    compare("ls -R", &["ls", "-R", "."], None, Some(tmp.path()));
    compare("ls missing", &["ls", "does-not-exist"], None, Some(tmp.path()));
}

#[test]
fn expr() {
    compare("expr mul", &["expr", "6", "*", "7"], None, None);
    compare("expr div/mod", &["expr", "100", "/", "7", "+", "100", "%", "7"], None, None);
    compare("expr compare", &["expr", "5", ">", "3"], None, None);
    compare("expr zero status", &["expr", "0", "+", "0"], None, None);
    compare("expr length", &["expr", "length", "hello world"], None, None);
    compare("expr match", &["expr", "abc123", ":", "[a-z]*"], None, None);
}

#[test]
fn printf() {
    compare("printf", &["printf", "%5d|%-4s|%x|%o|%c|%%\\n", "42", "ab", "255", "8", "z"], None, None);
    compare("printf repeat", &["printf", "[%s]\\n", "one", "two", "three"], None, None);
}

#[test]
fn od_x() {
    let tmp = TempDir::new("bb-od");
    let data: Vec<u8> = (0u8..=255).chain(0..37).collect();
    std::fs::write(tmp.join("bytes"), data).unwrap();
    compare("od -x", &["od", "-x", "bytes"], None, Some(tmp.path()));
    compare("od -c stdin", &["od", "-c"], Some(b"hi\tthere\n\x01\x7f"), None);
}

#[test]
fn sh_while_loop() {
    compare("sh while", &["sh", "-c", "i=0; while [ $i -lt 5 ]; do echo $i; i=$((i+1)); done"], None, None);
}

#[test]
fn sh_arithmetic() {
    compare(
        "sh arithmetic",
        &["sh", "-c", "echo $(( (7*6) % 5 + 2**10 - 100/7 )) $(( -17 / 5 )) $(( -17 % 5 )) $(( 1 << 40 )) $(( 0x10 + 010 )) $(( 3 > 2 && 2 > 3 ))"],
        None,
        None,
    );
    compare("sh exit status", &["sh", "-c", "f() { return $(( $1 * 2 )); }; f 21"], None, None);
}

#[test]
fn text_applets() {
    compare("tr", &["tr", "a-z", "A-Z"], Some(TEXT.as_bytes()), None);
    compare("sed", &["sed", "-e", "s/the/THE/g", "-e", "/^$/d"], Some(TEXT.as_bytes()), None);
    compare("grep -c", &["grep", "-c", "the"], Some(TEXT.as_bytes()), None);
    compare("grep miss", &["grep", "nothing-matches"], Some(TEXT.as_bytes()), None);
    compare("head/tail", &["head", "-n", "3"], Some(TEXT.as_bytes()), None);
    compare("cut", &["cut", "-d", " ", "-f", "2"], Some(TEXT.as_bytes()), None);
    compare("seq", &["seq", "3", "4", "30"], None, None);
    compare("true", &["true"], None, None);
    compare("false", &["false"], None, None);
}

#[test]
fn sh_pipeline() {
    compare("sh pipeline", &["sh", "-c", "echo c b a | tr ' ' '\\n' | sort | wc -l"], None, None);
    compare("sh subshell", &["sh", "-c", "x=$(echo inner); echo outer $x; (exit 7); echo $?"], None, None);
}

/// An exec chain: the guest's shell execs busybox again (guest → guest), that shell execs the
/// host's /bin/sh (guest → host), which runs ruser on busybox again (host → guest). The
/// exec'd ruser keeps the backend, -strace and the -D log (appended to, not truncated).
#[test]
fn exec_chain_guest_guest_host_guest() {
    let test = "exec_chain";
    let Some((arm, _)) = busyboxes(test) else { return };
    let tmp = TempDir::new("bb-chain");
    let log = tmp.join("strace.log");
    for backend in BACKENDS {
        let _ = std::fs::remove_file(&log);
        let mut cmd = emu_command(&ruser_aarch64());
        cmd.env("CHAIN_RUSER", ruser_aarch64()).env("CHAIN_BB", &arm).env("CHAIN_BACKEND", backend);
        cmd.arg("--backend").arg(backend).arg("-strace").arg("-D").arg(&log).arg(&arm).args([
            "sh",
            "-c",
            r#"echo g1; exec "$CHAIN_BB" sh -c 'echo g2 $0; exec /bin/sh -c "echo host; exec \"\$CHAIN_RUSER\" --backend \$CHAIN_BACKEND \"\$CHAIN_BB\" echo g3"' arg0"#,
        ]);
        let got = run(&mut cmd, None);
        assert_eq!(
            (got.stdout_str().as_str(), got.code),
            ("g1\ng2 arg0\nhost\ng3\n", Some(0)),
            "[{test}, --backend {backend}] stderr:\n{}",
            got.stderr_str()
        );
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let bb_exec = format!("execve({:?}", arm.display().to_string());
        for want in [bb_exec.as_str(), r#"write(1, "g2 arg0\n""#, r#"execve("/bin/sh""#] {
            assert!(text.contains(want), "[{test}, --backend {backend}] the -strace log lacks {want:?}:\n{text}");
        }
    }
}

/// /proc/cpuinfo is arm64 Linux's format, one block per host CPU, listing exactly the
/// features of the `-cpu` model (the same table AT_HWCAP comes from).
#[test]
fn proc_cpuinfo() {
    let test = "proc_cpuinfo";
    let Some((arm, _)) = busyboxes(test) else { return };
    let ncpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    for (cpu, part) in [("max", "0xd07"), ("cortex-a53", "0xd03")] {
        for backend in BACKENDS {
            let mut cmd = emu_command(&ruser_aarch64());
            cmd.arg("--backend").arg(backend).arg("-cpu").arg(cpu).arg(&arm).args(["cat", "/proc/cpuinfo"]);
            let got = run(&mut cmd, None);
            let text = got.stdout_str();
            let features = ruser::guest::aarch64::features::cpuinfo_features(cpu);
            let block = |n: usize| {
                format!("processor\t: {n}\nBogoMIPS\t: 50.00\nFeatures\t: {features}\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x{}\nCPU part\t: {part}\nCPU revision\t: {}\n\n", if cpu == "max" { 1 } else { 0 }, if cpu == "max" { 0 } else { 4 })
            };
            let want: String = (0..ncpus).map(block).collect();
            assert_eq!(text, want, "[{test}, -cpu {cpu}, --backend {backend}]");
        }
    }
}
