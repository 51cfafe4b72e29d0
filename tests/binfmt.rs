//! `ruser binfmt` and runs started by the kernel through binfmt_misc.
//!
//! The tests that register entries do it in a private binfmt_misc instance of a new user
//! namespace (see binfmt/sandbox.rs): they mount binfmt_misc and install ruser's entries,
//! run foreign programs directly, chroot into a minimal arm64 root file system made of
//! Debian's busybox-static:arm64 and run a shell script there, and uninstall. The host's
//! binfmt_misc is never read or written by them, and whatever happens, the namespace and its
//! entries vanish when the test ends.

mod common;
#[path = "binfmt/sandbox.rs"]
mod sandbox;

use common::*;
use sandbox::Sandbox;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

fn arm_busybox() -> PathBuf {
    repo_root().join("build/sysroot-arm64/bin/busybox")
}

/// Debian's aarch64 busybox, fetched by tests/fetch-busybox.sh (skip/fail policy if missing).
fn busybox(test: &str) -> Option<PathBuf> {
    let p = arm_busybox();
    if is_executable_file(&p) {
        return Some(p);
    }
    let got = run_with_timeout(&mut Command::new(repo_root().join("tests/fetch-busybox.sh")), None, std::time::Duration::from_secs(600));
    if is_executable_file(&p) {
        return Some(p);
    }
    skip_or_fail(test, &format!("{} is missing and tests/fetch-busybox.sh failed: {}", p.display(), got.stderr_str()));
    None
}

fn must(got: &Output, what: &str) {
    assert_eq!(got.code, Some(0), "{what}: {}\nstdout:\n{}\nstderr:\n{}", got.describe_status(), got.stdout_str(), got.stderr_str());
}

fn canonical(p: &Path) -> String {
    std::fs::canonicalize(p).unwrap().display().to_string()
}

/// Copy a file into `dir` under `name` with `mode`.
fn copy_as(src: &Path, dir: &Path, name: &str, mode: u32) -> PathBuf {
    let dst = dir.join(name);
    std::fs::copy(src, &dst).unwrap_or_else(|e| panic!("copy {} to {}: {e}", src.display(), dst.display()));
    std::fs::set_permissions(&dst, std::fs::Permissions::from_mode(mode)).unwrap();
    dst
}

// ---------------------------------------------------------------- no binfmt_misc needed

/// An F-flag registration only works in a chroot or container without x86-64 libraries if
/// ruser needs none: no PT_INTERP, no PT_DYNAMIC.
#[test]
fn ruser_executables_are_static() {
    for exe in [ruser(), ruser_aarch64()] {
        let b = std::fs::read(&exe).unwrap();
        assert_eq!(&b[..4], b"\x7fELF");
        let u16at = |o: usize| u16::from_le_bytes([b[o], b[o + 1]]) as usize;
        let u32at = |o: usize| u32::from_le_bytes(b[o..o + 4].try_into().unwrap());
        let phoff = u64::from_le_bytes(b[32..40].try_into().unwrap()) as usize;
        let (phentsize, phnum) = (u16at(54), u16at(56));
        let types: Vec<u32> = (0..phnum).map(|i| u32at(phoff + i * phentsize)).collect();
        assert!(!types.contains(&3), "{} has a PT_INTERP: it is dynamically linked", exe.display());
        assert!(!types.contains(&2), "{} has a PT_DYNAMIC", exe.display());
    }
}

/// `binfmt` is the subcommand only as the first argument of `ruser`; a program of that name
/// runs as `ruser ./binfmt`, `ruser -- binfmt` or `ruser-aarch64 binfmt`.
#[test]
fn binfmt_word_rule() {
    let d = TempDir::new("binfmt-word");
    let got = run(emu_command(&ruser()).arg("binfmt"), None);
    assert_eq!(got.code, Some(1), "{}", got.stderr_str());
    assert!(got.stderr_str().contains("install"), "usage should list the subcommands: {}", got.stderr_str());
    // ruser-aarch64 has no subcommand: `binfmt` is a program, missing here.
    let got = run(emu_command(&ruser_aarch64()).arg("binfmt").current_dir(d.path()), None);
    assert_eq!(got.code, Some(127), "{}", got.stderr_str());
    copy_as(&testbin("hello"), d.path(), "binfmt", 0o755);
    for (bin, args) in [(ruser(), &["./binfmt"][..]), (ruser(), &["--", "binfmt"]), (ruser_aarch64(), &["binfmt"]), (ruser(), &["-strace", "binfmt"])] {
        let got = run(emu_command(&bin).args(args).current_dir(d.path()), None);
        must(&got, &format!("{} {args:?}", bin.display()));
        assert_eq!(got.stdout_str(), "Hello, world!\n");
    }
}

/// Registering needs root; looking does not.
#[test]
fn install_refuses_without_root() {
    let d = TempDir::new("binfmt-noroot");
    let as_nobody = |cmd: &mut Command| {
        // SAFETY: getuid has no preconditions.
        if unsafe { libc::geteuid() } == 0 {
            // Command::uid also drops the supplementary groups (setgroups) when run as root.
            cmd.uid(65534).gid(65534);
        }
        cmd.env("RUSER_BINFMT_MISC", d.path()).current_dir("/");
    };
    for sub in [&["install"][..], &["install", "--persistent"], &["uninstall"]] {
        let mut cmd = emu_command(&ruser());
        cmd.arg("binfmt").args(sub);
        as_nobody(&mut cmd);
        let got = run(&mut cmd, None);
        assert_eq!(got.code, Some(1), "{sub:?}: {}", got.describe_status());
        let err = got.stderr_str();
        assert!(err.contains("must be run as root") && err.lines().count() == 1, "{sub:?}: {err}");
    }
    let mut cmd = emu_command(&ruser());
    cmd.args(["binfmt", "status"]);
    as_nobody(&mut cmd);
    let got = run(&mut cmd, None);
    must(&got, "status as nobody");
    assert!(got.stdout_str().contains("not mounted"), "{}", got.stdout_str());
    let mut cmd = emu_command(&ruser());
    cmd.args(["binfmt", "config", "--persistent", "--interpreter", "/usr/local/bin/ruser"]);
    as_nobody(&mut cmd);
    let got = run(&mut cmd, None);
    must(&got, "config as nobody");
    assert!(got.stdout_str().contains(":ruser-aarch64:M::\\x7f\\x45\\x4c\\x46"), "{}", got.stdout_str());
    assert!(got.stdout_str().contains(":/usr/local/bin/ruser:F\n"), "{}", got.stdout_str());
}

#[test]
fn unknown_and_unsupported_architectures_are_refused() {
    for (arch, msg) in [("mips", "unknown architecture 'mips'"), ("ppc64le", "cannot run ppc64le programs yet")] {
        let got = run(emu_command(&ruser()).args(["binfmt", "config", arch]), None);
        assert_eq!(got.code, Some(1));
        assert!(got.stderr_str().contains(msg), "{arch}: {}", got.stderr_str());
    }
}

// ---------------------------------------------------------------- in a private binfmt_misc
// (or the host's, with entries of the test's own names: see binfmt/sandbox.rs)

/// Mounting, installing (twice), status with competing and unrelated entries, uninstalling:
/// ruser's entries only, every time.
#[test]
fn install_status_uninstall() {
    let Some(sb) = Sandbox::new("install_status_uninstall") else { return };
    // On a host whose binfmt_misc has another aarch64 entry, install always registers again,
    // so that ruser's entry is the newest.
    let or_before = |msg: &'static str| if sb.competitors() { "registered again, so that it comes before the other entries" } else { msg };
    let got = sb.binfmt(&["status"]);
    assert!(got.stdout_str().contains("is not mounted"), "{}", got.stdout_str());

    let got = sb.binfmt(&["install", "--persistent"]);
    let out = got.stdout_str();
    assert!(out.contains("mounted binfmt_misc at"), "{out}");
    assert!(out.contains("ruser-aarch64: registered: enabled"), "{out}");
    assert!(got.stderr_str().is_empty(), "a static ruser with F needs no warning: {}", got.stderr_str());
    let text = sb.read("ruser-aarch64");
    assert_eq!(
        text,
        format!(
            "enabled\ninterpreter {}\nflags: F\noffset 0\nmagic 7f454c460201010000000000000000000200b700\n\
             mask ffffffffffffff0000fffffffffffffffeffffff\n",
            canonical(&ruser())
        )
    );
    // Idempotent; with F, the kernel opens ruser again (a rebuilt ruser replaced the file).
    let got = sb.binfmt(&["install", "--persistent"]);
    assert!(got.stdout_str().contains(or_before("ruser-aarch64: registered again, so that the kernel holds the current")), "{}", got.stdout_str());
    assert_eq!(sb.read("ruser-aarch64"), text);
    assert_eq!(sb.entries(), ["register", "ruser-aarch64", "status"]);
    // Without F: other flags update the entry, the same ones change nothing, and a disabled
    // entry is enabled again.
    let out = sb.binfmt(&["install"]).stdout_str();
    assert!(out.contains("ruser-aarch64: updated (was: enabled, interpreter") && out.contains("flags none"), "{out}");
    let out = sb.binfmt(&["install"]).stdout_str();
    assert!(out.contains(or_before("ruser-aarch64: already registered")), "{out}");
    sb.write("ruser-aarch64", "0");
    assert!(sb.read("ruser-aarch64").starts_with("disabled\n"));
    let out = sb.binfmt(&["status"]).stdout_str();
    assert!(out.contains("aarch64: ruser-aarch64: disabled, interpreter"), "{out}");
    let out = sb.binfmt(&["install"]).stdout_str();
    assert!(out.contains(or_before("ruser-aarch64: was disabled; enabled")), "{out}");
    assert!(sb.read("ruser-aarch64").starts_with("enabled\n"));
    sb.binfmt(&["install", "--persistent"]);

    // Another emulator's aarch64 entry (qemu-user-static's magic and mask) and an unrelated one.
    sb.register(
        ":other-aarch64:M::\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:\
         \\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/usr/bin/qemu-aarch64:",
    );
    sb.register(":other-text:E::txt::/bin/cat:");
    let out = sb.binfmt(&["status"]).stdout_str();
    let this = canonical(&ruser());
    assert!(out.contains(&format!("aarch64: ruser-aarch64: enabled, interpreter {this}, flags F (this ruser)")), "{out}");
    assert!(out.contains("competing: other-aarch64: enabled, interpreter /usr/bin/qemu-aarch64, flags none"), "{out}");
    assert!(out.lines().any(|l| l.strip_prefix("other entries: ").is_some_and(|l| l.split(", ").any(|n| n == "other-text"))), "{out}");
    // Installing again puts ruser's entry before the competitor (the kernel uses the newest).
    let out = sb.binfmt(&["install", "--persistent"]).stdout_str();
    assert!(out.contains("registered again, so that it comes before the other entries"), "{out}");
    assert!(out.contains("note: other-aarch64 also claims aarch64 programs"), "{out}");
    // Different flags update the entry.
    let out = sb.binfmt(&["install", "--persistent", "--preserve-argv0"]).stdout_str();
    assert!(out.contains("ruser-aarch64: updated (was: enabled, interpreter"), "{out}");
    assert!(out.contains("flags PF"), "{out}");

    let out = sb.binfmt(&["uninstall"]).stdout_str();
    assert_eq!(out, "ruser-aarch64: removed\n");
    assert_eq!(sb.entries(), ["other-aarch64", "other-text", "register", "status"], "uninstall must leave other entries alone");
    let out = sb.binfmt(&["uninstall", "aarch64"]).stdout_str();
    assert_eq!(out, "ruser-aarch64: not registered\n");
    let out = sb.binfmt(&["uninstall"]).stdout_str();
    assert_eq!(out, "no ruser entries are registered\n");
}

/// `ruser binfmt config` prints what `install` registers: a systemd-binfmt style registration
/// of its lines is one `install` then finds already there.
#[test]
fn config_registers_what_install_would() {
    let Some(sb) = Sandbox::new("config_registers_what_install_would") else { return };
    let got = sb.binfmt(&["config", "--preserve-argv0"]);
    let conf = got.stdout_str();
    sb.mount_misc();
    let lines: Vec<&str> = conf.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).collect();
    assert_eq!(lines.len(), 1, "{conf}");
    for l in lines {
        sb.register(l);
    }
    let out = sb.binfmt(&["install", "--preserve-argv0"]).stdout_str();
    let want = if sb.competitors() { "ruser-aarch64: registered again, so that it comes before" } else { "ruser-aarch64: already registered" };
    assert!(out.contains(want), "{out}");
}

/// Foreign programs run directly, on every backend (RUSER_BACKEND: under binfmt_misc, options
/// come from the environment): output, exit status, death by signal, argv, /proc/self/exe.
#[test]
fn foreign_programs_run_directly() {
    let Some(sb) = Sandbox::new("foreign_programs_run_directly") else { return };
    sb.binfmt(&["install", "--persistent"]);
    let startinfo = testbin("startinfo");
    for backend in BACKENDS {
        for name in ["hello", "exit_code", "sig_segv", "fileio", "args_env"] {
            let case = load_case(name);
            let mut cmd = sb.cmd(&case.binary);
            cmd.args(&case.args).env("RUSER_BACKEND", backend);
            for e in &case.env {
                let (k, v) = e.split_once('=').unwrap();
                cmd.env(k, v);
            }
            let got = run(&mut cmd, case.stdin.as_deref());
            if let Err(report) = case.check(&got, &format!("run directly, RUSER_BACKEND={backend}")) {
                panic!("{report}");
            }
        }
        // Without P, argv[0] is the path the program was executed by.
        let got = run(sb.cmd(&startinfo).args(["argv", "exe", "execfn"]).env("RUSER_BACKEND", backend), None);
        must(&got, "startinfo");
        let p = startinfo.display();
        let want = format!("argc=4\nargv[0]=[{p}]\nargv[1]=[argv]\nargv[2]=[exe]\nargv[3]=[execfn]\nexe={}\nexecfn={p}\n", canonical(&startinfo));
        assert_eq!(got.stdout_str(), want, "RUSER_BACKEND={backend}");
    }
    // A dynamically linked program finds its interpreter without -L (default sysroots).
    if Path::new("/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1").exists() {
        let case = load_case("hello_dyn");
        let got = run(&mut sb.cmd(&case.binary), None);
        if let Err(report) = case.check(&got, "run directly without -L") {
            panic!("{report}");
        }
    } else {
        skip_or_fail("foreign_programs_run_directly", "no /usr/aarch64-linux-gnu (libc6-dev-arm64-cross) for hello_dyn");
    }
    // Uninstalled: the kernel cannot run it any more.
    sb.binfmt(&["uninstall"]);
    let got = run(&mut sb.cmd(testbin("hello")), None);
    // (nsenter's execvp hands a file the kernel refuses with ENOEXEC to /bin/sh.)
    if sb.competitors() {
        eprintln!("note: another binfmt_misc entry of the host runs aarch64 programs: not checking that hello fails after uninstall");
    } else {
        assert!(got.code != Some(0) && !got.stdout_str().contains("Hello"), "hello still runs after uninstall: {}", got.stdout_str());
    }
}

/// argv[0] with the P flag is the program's own; without it, the path (the kernel drops
/// argv[0]). Checked with startinfo and with busybox, which picks its applet by argv[0].
#[test]
fn argv0_with_and_without_preserve_flag() {
    let Some(sb) = Sandbox::new("argv0_with_and_without_preserve_flag") else { return };
    let Some(bb) = busybox("argv0_with_and_without_preserve_flag") else { return };
    let si = copy_as(&testbin("startinfo"), sb.dir.path(), "startinfo", 0o755);
    let echo = sb.dir.join("echo");
    std::os::unix::fs::symlink(&bb, &echo).unwrap();
    // execve(prog, [argv0, args...]) exactly, through perl (relative paths are relative to
    // the sandbox's scratch directory).
    let run_as = |argv0: &str, prog: &str, args: &str| {
        let mut cmd = sb.cmd("perl");
        cmd.args(["-e", "my $p = shift; exec {$p} @ARGV or exit 127", prog, argv0]).args(args.split_whitespace());
        let got = run(&mut cmd, None);
        (got.code, got.stdout_str(), got.stderr_str())
    };
    sb.binfmt(&["install", "--persistent"]);
    assert_eq!(run_as("custom0", "./startinfo", "argv a").1, "argc=3\nargv[0]=[./startinfo]\nargv[1]=[argv]\nargv[2]=[a]\n");
    assert_eq!(run_as("custom0", &si.display().to_string(), "argv").1, format!("argc=2\nargv[0]=[{}]\nargv[1]=[argv]\n", si.display()));
    // busybox as `echo` through a symlink works either way; under another argv[0] only with P.
    assert_eq!(run_as("whatever", "./echo", "hi there").1, "hi there\n");
    let (code, _, err) = run_as("echo", &bb.display().to_string(), "hi there");
    assert!(code != Some(0) && err.contains("applet not found"), "without P busybox must see its path as argv[0]: {err}");

    sb.binfmt(&["install", "--persistent", "--preserve-argv0"]);
    assert_eq!(run_as("custom0", "./startinfo", "argv a").1, "argc=3\nargv[0]=[custom0]\nargv[1]=[argv]\nargv[2]=[a]\n");
    assert_eq!(run_as("", "./startinfo", "argv").1, "argc=2\nargv[0]=[]\nargv[1]=[argv]\n");
    assert_eq!(run_as("echo", &bb.display().to_string(), "hi there").1, "hi there\n");
    assert_eq!(run_as("-x", "./startinfo", "argv exe").1, format!("argc=3\nargv[0]=[-x]\nargv[1]=[argv]\nargv[2]=[exe]\nexe={}\n", canonical(&si)));
}

/// O (through --credentials): ruser reads the program from AT_EXECFD, so an execute-only
/// program runs for a user who cannot read it, and the descriptor is not left to the guest.
/// C: a setuid program runs with its owner's euid, AT_SECURE set, and ruser ignores the
/// caller's RUSER_* variables.
#[test]
fn credentials_and_open_binary_flags() {
    let test = "credentials_and_open_binary_flags";
    let Some(sb) = Sandbox::new(test) else { return };
    if !sb.all_ids {
        skip_or_fail(test, "needs root, to run programs as another user in the sandbox");
        return;
    }
    let nobody = 65534;
    let xo = copy_as(&testbin("startinfo"), sb.dir.path(), "xo", 0o711);
    let suid = copy_as(&testbin("startinfo"), sb.dir.path(), "suid", 0o4755);
    let fds = |sb: &Sandbox| run(sb.cmd_as(nobody, testbin("startinfo")).arg("fds"), None).stdout_str();

    sb.binfmt(&["install", "--persistent"]);
    let without_o = fds(&sb);
    let got = run(sb.cmd_as(nobody, &xo).arg("creds"), None);
    assert_eq!(got.code, Some(126), "an unreadable program cannot run without O: {}", got.stderr_str());
    assert!(got.stderr_str().contains("not readable"), "{}", got.stderr_str());
    let got = run(sb.cmd_as(nobody, &suid).args(["creds", "ids"]), None);
    assert_eq!(got.stdout_str(), "uid==euid: yes\ngid==egid: yes\nAT_SECURE=0\nuid=65534 euid=65534 gid=65534 egid=65534\n", "no C: no setuid");

    let got = sb.binfmt(&["install", "--persistent", "--credentials"]);
    assert!(got.stdout_str().contains("flags OCF"), "{}", got.stdout_str());
    assert!(got.stderr_str().contains("privilege decision"), "--credentials must warn: {}", got.stderr_str());
    let got = run(sb.cmd_as(nobody, &xo).arg("creds"), None);
    must(&got, "execute-only program with O");
    assert_eq!(got.stdout_str(), "uid==euid: yes\ngid==egid: yes\nAT_SECURE=0\n");
    assert_eq!(fds(&sb), without_o, "the AT_EXECFD descriptor must not stay open for the guest");
    let got = run(sb.cmd_as(nobody, &suid).args(["creds", "ids"]), None);
    assert_eq!(got.stdout_str(), "uid==euid: no\ngid==egid: yes\nAT_SECURE=1\nuid=65534 euid=0 gid=65534 egid=65534\n");
    // Secure mode: the caller's RUSER_* variables do not reach ruser (no log file as root).
    let log = sb.dir.join("log");
    let got = run(sb.cmd_as(nobody, &suid).arg("creds").env("RUSER_LOG_FILE", &log).env("RUSER_STRACE", "1"), None);
    must(&got, "setuid program with RUSER_* set");
    assert!(!log.exists(), "a setuid run must ignore RUSER_LOG_FILE");
    // ... while an ordinary run honours them.
    let w = sb.dir.join("w");
    std::fs::create_dir(&w).unwrap();
    std::fs::set_permissions(&w, std::fs::Permissions::from_mode(0o777)).unwrap();
    let got = run(sb.cmd_as(nobody, testbin("startinfo")).arg("creds").env("RUSER_LOG_FILE", w.join("log")).env("RUSER_STRACE", "1"), None);
    must(&got, "ordinary program with RUSER_* set");
    assert!(std::fs::read_to_string(w.join("log")).is_ok_and(|l| l.contains("write(")), "RUSER_STRACE/RUSER_LOG_FILE ignored");
}

/// The minimal arm64 root file system: Debian's static busybox as /bin/busybox and /bin/sh,
/// and `script` as /test.sh.
fn rootfs(test: &str, sb: &Sandbox, script: &str) -> Option<PathBuf> {
    let bb = busybox(test)?;
    let root = sb.dir.join("rootfs");
    for d in ["bin", "tmp", "proc"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    std::fs::set_permissions(root.join("tmp"), std::fs::Permissions::from_mode(0o1777)).unwrap();
    copy_as(&bb, &root.join("bin"), "busybox", 0o755);
    std::os::unix::fs::symlink("busybox", root.join("bin/sh")).unwrap();
    std::fs::write(root.join("test.sh"), script).unwrap();
    Some(root)
}

/// What the chroot script prints and how it exits; uses the shell, its builtins and busybox's
/// in-process applets (fork, pipes, redirections, subshells), no exec.
const CHROOT_SCRIPT: &str = r#"set -e
echo "machine $(uname -m)"
n=0; for i in 1 2 3 4 5; do n=$((n + i)); done; echo "sum $n"
f() { echo "f $1"; return 3; }
f x || echo "f returned $?"
( exit 4 ) || echo "subshell exit $?"
echo one > /tmp/out; echo two >> /tmp/out
while read l; do echo "read $l"; done < /tmp/out
echo a b c | while read p q r; do echo "pipe $r$q$p"; done
ls /tmp
mkdir /tmp/d && touch /tmp/d/f && ls /tmp/d && rm -r /tmp/d
echo "exe $(readlink /proc/self/exe)"
echo "pwd $(pwd)"
exit 7
"#;

const CHROOT_OUTPUT: &str = "machine aarch64\nsum 15\nf x\nf returned 3\nsubshell exit 4\nread one\nread two\npipe cba\nout\nf\n\
                             exe /bin/busybox\npwd /\n";

/// chroot into the arm64 root file system and run a shell script: with F, ruser needs nothing
/// from inside the chroot; without F, the kernel looks for ruser there and fails.
#[test]
fn chroot_runs_a_shell_script() {
    let test = "chroot_runs_a_shell_script";
    let Some(sb) = Sandbox::new(test) else { return };
    if !require_tool("chroot", test) {
        return;
    }
    let Some(root) = rootfs(test, &sb, CHROOT_SCRIPT) else { return };
    let chroot = |sb: &Sandbox| run(sb.cmd("chroot").arg(&root).args(["/bin/sh", "/test.sh"]), None);

    sb.binfmt(&["install"]);
    let got = chroot(&sb);
    if sb.competitors() {
        eprintln!("note: another binfmt_misc entry of the host runs aarch64 programs: not checking that a chroot fails without F");
    } else {
        assert_eq!(got.code, Some(127), "without F ruser is not in the chroot: {}", got.stderr_str());
    }

    sb.binfmt(&["install", "--persistent"]);
    for backend in BACKENDS {
        let got = run(sb.cmd("chroot").arg(&root).args(["/bin/sh", "/test.sh"]).env("RUSER_BACKEND", backend), None);
        assert_eq!(got.stdout_str(), CHROOT_OUTPUT, "RUSER_BACKEND={backend}; stderr:\n{}", got.stderr_str());
        assert_eq!(got.code, Some(7), "RUSER_BACKEND={backend}: {}", got.stderr_str());
    }
}

/// Children the program execs keep working: in the chroot, busybox's sh runs other programs
/// of the root file system, first with no /proc in the chroot (ruser's own executable is then
/// out of reach: the F flag's open file is all there is, so a foreign child must go through
/// binfmt_misc again), with /proc a symlink to itself (debootstrap's first stage), then with
/// /proc (as debootstrap's second stage has it).
#[test]
fn chroot_children_exec() {
    let test = "chroot_children_exec";
    let Some(sb) = Sandbox::new(test) else { return };
    if !require_tool("chroot", test) {
        return;
    }
    let script = "echo one | /bin/busybox cat\n/bin/sh -c 'exit 5' || echo \"child exit $?\"\n\
                  x=$(/bin/busybox echo sub); echo \"got $x\"\n/bin/sh -c 'echo \"argv0 $0\"' zero\n\
                  /bin/sh -c 'kill -TERM $$' || echo \"child signal $?\"\nexec /bin/busybox echo last\n";
    let Some(root) = rootfs(test, &sb, script) else { return };
    sb.binfmt(&["install", "--persistent", "--preserve-argv0"]);
    // /proc: missing, a symlink to itself (debootstrap's first stage leaves that: ELOOP), and
    // the real one.
    for proc in ["none", "loop", "mounted"] {
        match proc {
            "loop" => {
                std::fs::remove_dir(root.join("proc")).unwrap();
                std::os::unix::fs::symlink("/proc", root.join("proc")).unwrap();
            }
            "mounted" => {
                std::fs::remove_file(root.join("proc")).unwrap();
                std::fs::create_dir(root.join("proc")).unwrap();
                must(&run(sb.cmd("mount").args(["--rbind", "/proc"]).arg(root.join("proc")), None), "bind /proc into the chroot");
            }
            _ => {}
        }
        for backend in BACKENDS {
            let got = run(sb.cmd("chroot").arg(&root).args(["/bin/sh", "/test.sh"]).env("RUSER_BACKEND", backend), None);
            assert_eq!(
                got.stdout_str(),
                "one\nchild exit 5\ngot sub\nargv0 zero\nchild signal 143\nlast\n",
                "RUSER_BACKEND={backend}, /proc in the chroot: {proc}; stderr:\n{}",
                got.stderr_str()
            );
            must(&got, backend);
        }
    }
}
