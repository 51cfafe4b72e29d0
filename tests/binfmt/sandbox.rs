//! A private binfmt_misc for one test: a new user namespace with its own mount namespace.
//!
//! Since Linux 6.7 each user namespace that mounts binfmt_misc gets its own instance, and the
//! kernel then executes programs of that namespace with its entries only. So a test registers
//! ruser, runs foreign programs directly and chroots into an arm64 root file system without
//! ever touching the host's binfmt_misc (which other people's programs, and other test runs
//! in parallel, depend on). The namespace is held by a `sleep` process; when it goes (Drop,
//! or the test thread dying: PR_SET_PDEATHSIG), the instance and every mount go with it.
//!
//! Run as root, the namespace maps every uid and gid to itself, so files keep their owners,
//! setuid programs work and commands can run as another user (`cmd_as`). Otherwise only the
//! caller is mapped, to root.

use crate::common::*;
use std::ffi::OsStr;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Sandbox {
    holder: Child,
    pid: u32,
    /// Scratch directory (world-readable), removed on drop.
    pub dir: TempDir,
    /// Whether every uid and gid is mapped (so `cmd_as` works).
    pub all_ids: bool,
}

impl Sandbox {
    /// A new sandbox, or None (after a note; a failure under CI) if this host cannot make one.
    pub fn new(test: &str) -> Option<Sandbox> {
        if !require_tool("unshare", test) || !require_tool("nsenter", test) {
            return None;
        }
        // SAFETY: no preconditions.
        let root = unsafe { libc::geteuid() } == 0;
        let mut cmd = Command::new("unshare");
        cmd.args(["--user", "--mount", "--propagation", "private"]);
        if !root {
            cmd.arg("--map-root-user");
        }
        cmd.args(["sleep", "900"]).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
        // SAFETY: prctl is async-signal-safe.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let holder = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => {
                skip_or_fail(test, &format!("cannot run unshare: {e}"));
                return None;
            }
        };
        let pid = holder.id();
        let dir = TempDir::new(test);
        let mut sb = Sandbox { holder, pid, dir, all_ids: root };
        if let Err(why) = sb.wait_for_namespace(root) {
            skip_or_fail(test, &format!("cannot create a user namespace: {why}"));
            return None;
        }
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(sb.dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod scratch dir");
        std::fs::create_dir(sb.dir.join("bm")).expect("mkdir bm");
        // Can this kernel give the namespace its own binfmt_misc? Mount one on the side to see.
        let probe = sb.dir.join("probe");
        std::fs::create_dir(&probe).expect("mkdir probe");
        let got = run(sb.cmd("mount").args(["-t", "binfmt_misc", "binfmt_misc"]).arg(&probe), None);
        if got.code != Some(0) {
            skip_or_fail(
                test,
                &format!(
                    "this kernel cannot give a user namespace its own binfmt_misc (Linux 6.7 or later needed; the test never \
                     uses the host's): {}",
                    got.stderr_str().trim()
                ),
            );
            return None;
        }
        let got = run(sb.cmd("umount").arg(&probe), None);
        assert_eq!(got.code, Some(0), "umount of the probe: {}", got.stderr_str());
        Some(sb)
    }

    fn wait_for_namespace(&mut self, write_maps: bool) -> Result<(), String> {
        let mine = std::fs::read_link("/proc/self/ns/user").map_err(|e| e.to_string())?;
        let start = Instant::now();
        loop {
            if let Ok(Some(st)) = self.holder.try_wait() {
                let mut err = String::new();
                if let Some(mut e) = self.holder.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut e, &mut err);
                }
                return Err(format!("unshare exited ({st}): {}", err.trim()));
            }
            let theirs = std::fs::read_link(format!("/proc/{}/ns/user", self.pid)).ok();
            let mapped = std::fs::read_to_string(format!("/proc/{}/uid_map", self.pid)).map(|m| !m.trim().is_empty()).unwrap_or(false);
            if theirs.is_some_and(|t| t != mine) && (write_maps || mapped) {
                break;
            }
            if start.elapsed() > Duration::from_secs(10) {
                return Err("unshare did not create the namespace within 10 s".into());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        if write_maps {
            for map in ["uid_map", "gid_map"] {
                std::fs::write(format!("/proc/{}/{map}", self.pid), "0 0 4294967295\n").map_err(|e| format!("cannot write {map}: {e}"))?;
            }
        }
        Ok(())
    }

    /// Where ruser mounts the sandbox's binfmt_misc (RUSER_BINFMT_MISC of every command).
    pub fn binfmt_dir(&self) -> PathBuf {
        self.dir.join("bm")
    }

    /// A command run inside the sandbox as its root, in the scratch directory, with no
    /// RUSER_* variables but RUSER_BINFMT_MISC.
    pub fn cmd(&self, program: impl AsRef<OsStr>) -> Command {
        self.cmd_in(self.dir.path(), program)
    }

    /// The same in another working directory.
    pub fn cmd_in(&self, wd: &std::path::Path, program: impl AsRef<OsStr>) -> Command {
        let mut c = emu_command(std::path::Path::new("nsenter"));
        c.arg("-t").arg(self.pid.to_string()).args(["--user", "--mount"]).arg(format!("--wd={}", wd.display())).arg(program);
        c.env("RUSER_BINFMT_MISC", self.binfmt_dir());
        c
    }

    /// The same as another user (needs `all_ids`).
    pub fn cmd_as(&self, uid: u32, program: impl AsRef<OsStr>) -> Command {
        assert!(self.all_ids, "cmd_as needs a sandbox made by root");
        let mut c = emu_command(std::path::Path::new("nsenter"));
        c.arg("-t").arg(self.pid.to_string()).args(["--user", "--mount", "-S"]).arg(uid.to_string()).arg("-G").arg(uid.to_string());
        c.arg(format!("--wd={}", self.dir.path().display())).arg(program);
        c.env("RUSER_BINFMT_MISC", self.binfmt_dir());
        c
    }

    /// `ruser binfmt ARGS...` inside the sandbox; panics unless it exits with status 0.
    pub fn binfmt(&self, args: &[&str]) -> Output {
        let got = run(self.cmd(ruser()).arg("binfmt").args(args), None);
        assert_eq!(got.code, Some(0), "ruser binfmt {args:?}: {}\n{}{}", got.describe_status(), got.stdout_str(), got.stderr_str());
        got
    }

    /// The names in the sandbox's binfmt_misc directory, sorted (read inside the sandbox: the
    /// mount is not visible outside).
    pub fn entries(&self) -> Vec<String> {
        let got = run(self.cmd("ls").arg(self.binfmt_dir()), None);
        assert_eq!(got.code, Some(0), "ls: {}", got.stderr_str());
        let mut v: Vec<String> = got.stdout_str().lines().map(str::to_string).collect();
        v.sort();
        v
    }

    /// The text of the sandbox's binfmt_misc file `name`.
    pub fn read(&self, name: &str) -> String {
        let got = run(self.cmd("cat").arg(self.binfmt_dir().join(name)), None);
        assert_eq!(got.code, Some(0), "cat {name}: {}", got.stderr_str());
        got.stdout_str()
    }

    /// Write `text` to the sandbox's binfmt_misc file `name` in one write.
    pub fn write(&self, name: &str, text: &str) {
        let path = self.binfmt_dir().join(name);
        let got = run(self.cmd("sh").arg("-c").arg("printf '%s' \"$1\" > \"$2\"").arg("sh").arg(text).arg(&path), None);
        assert_eq!(got.code, Some(0), "writing {text} to {name}: {}", got.stderr_str());
    }

    /// Register an entry that is not ruser's, as another emulator would, by writing `line`
    /// to the sandbox's `register` file.
    pub fn register_foreign(&self, line: &str) {
        self.write("register", line);
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        // ruser's own entries first, as a user would; then the namespace, and with it the
        // binfmt_misc instance, every entry in it and every mount.
        let _ = run(self.cmd(ruser()).args(["binfmt", "uninstall"]), None);
        let _ = self.holder.kill();
        let _ = self.holder.wait();
    }
}
