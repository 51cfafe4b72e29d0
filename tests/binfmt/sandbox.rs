//! A binfmt_misc for one test, in a new user namespace with its own mount namespace.
//!
//! **Private** (Linux 6.7 and later): each user namespace that mounts binfmt_misc gets its own
//! instance, and the kernel then executes programs of that namespace with its entries only.
//! So a test registers ruser, runs foreign programs directly and chroots into an arm64 root
//! file system without ever touching the host's binfmt_misc (which other people's programs,
//! and other test runs in parallel, depend on). The namespace is held by a `sleep` process;
//! when it goes (Drop, or the test thread dying: PR_SET_PDEATHSIG), the instance and every
//! mount go with it.
//!
//! **Host** (older kernels, where a user namespace cannot mount binfmt_misc, or when
//! `RUSER_TEST_BINFMT=host` asks for it; needs root): the entries are the host's, so the test
//! registers them under names of its own: ruser's as `ruser-t<pid>x<n>-<arch>`
//! (RUSER_BINFMT_NAME), the "foreign" ones a test makes as `t<pid>x<n>-<name>`. It never
//! changes or removes any other entry; a guard (Drop, which also runs when the test panics)
//! removes its own, and a new host sandbox first removes the entries of earlier runs whose
//! process is gone (killed before its guard could run). The `ruser binfmt` commands run as
//! root in a mount namespace of their own, where binfmt_misc is mounted at the scratch
//! directory, so the host's mounts do not change either. Host sandboxes take a host-wide lock
//! (`/tmp/ruser-test-binfmt-host.lock`) for their whole life: the kernel uses the newest
//! matching entry, so two of them at once would run each other's programs. What tests read
//! back (`entries`, the output of `binfmt`) is given with the sandbox's names mapped back to
//! `ruser-<arch>` and `<name>`, and with other entries left out of `entries`, so the same
//! assertions hold in both modes.
//!
//! Run as root, the namespace maps every uid and gid to itself, so files keep their owners,
//! setuid programs work and commands can run as another user (`cmd_as`). Otherwise only the
//! caller is mapped, to root.

use crate::common::*;
use std::ffi::OsStr;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The host-wide lock file of host-mode sandboxes.
const HOST_LOCK: &str = "/tmp/ruser-test-binfmt-host.lock";

pub struct Sandbox {
    holder: Child,
    /// The process whose namespaces commands enter.
    pid: u32,
    /// Scratch directory (world-readable), removed on drop.
    pub dir: TempDir,
    /// Whether every uid and gid is mapped (so `cmd_as` works).
    pub all_ids: bool,
    /// Whether commands also get a PID and a network namespace of their own.
    pid_net: bool,
    host: Option<HostMode>,
}

/// The host's binfmt_misc, entries under unique names.
struct HostMode {
    /// `t<pid>x<n>`: ruser's entries are `ruser-<tok>-<arch>`, foreign ones `<tok>-<name>`.
    tok: String,
    /// Root in a mount namespace of its own, where `ruser binfmt` mounts binfmt_misc.
    holder: Child,
    /// Whether another entry of the host (not this sandbox's) claims aarch64 programs.
    competitors: bool,
    _lock: std::fs::File,
}

/// Sandbox options.
#[derive(Default, Clone, Copy)]
pub struct Opts {
    /// New PID and network namespaces too (`mount -t proc` works inside, nothing reaches the
    /// network); needs root.
    pub pid_net: bool,
}

static SEQ: AtomicUsize = AtomicUsize::new(0);

fn set_pdeathsig(cmd: &mut Command) {
    // SAFETY: prctl is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
}

impl Sandbox {
    /// A new sandbox, or None (after a note; a failure under CI) if this host cannot make one.
    pub fn new(test: &str) -> Option<Sandbox> {
        Sandbox::with(test, Opts::default())
    }

    pub fn with(test: &str, opts: Opts) -> Option<Sandbox> {
        if !require_tool("unshare", test) || !require_tool("nsenter", test) {
            return None;
        }
        // SAFETY: no preconditions.
        let root = unsafe { libc::geteuid() } == 0;
        if opts.pid_net && !root {
            skip_or_fail(test, "needs root (a sandbox with PID and network namespaces)");
            return None;
        }
        let mut cmd = Command::new("unshare");
        cmd.args(["--user", "--mount", "--propagation", "private"]);
        if opts.pid_net {
            // unshare forks: the namespaces' first process (PID 1 there) is its child, killed
            // when unshare dies.
            cmd.args(["--pid", "--net", "--fork", "--kill-child"]);
        }
        if !root {
            cmd.arg("--map-root-user");
        }
        cmd.args(["sleep", "900"]).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
        set_pdeathsig(&mut cmd);
        let holder = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => {
                skip_or_fail(test, &format!("cannot run unshare: {e}"));
                return None;
            }
        };
        let pid = holder.id();
        let dir = TempDir::new(test);
        let mut sb = Sandbox { holder, pid, dir, all_ids: root, pid_net: opts.pid_net, host: None };
        if let Err(why) = sb.wait_for_namespace(root) {
            skip_or_fail(test, &format!("cannot create a user namespace: {why}"));
            return None;
        }
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(sb.dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod scratch dir");
        std::fs::create_dir(sb.dir.join("bm")).expect("mkdir bm");
        // Can this kernel give the namespace its own binfmt_misc? Mount one on the side to see.
        let forced = std::env::var("RUSER_TEST_BINFMT").is_ok_and(|v| v == "host");
        let probe = sb.dir.join("probe");
        std::fs::create_dir(&probe).expect("mkdir probe");
        let got = if forced { None } else { Some(run(sb.cmd("mount").args(["-t", "binfmt_misc", "binfmt_misc"]).arg(&probe), None)) };
        match got {
            Some(got) if got.code == Some(0) => {
                let got = run(sb.cmd("umount").arg(&probe), None);
                assert_eq!(got.code, Some(0), "umount of the probe: {}", got.stderr_str());
            }
            _ => {
                let why = match &got {
                    Some(g) => format!("this kernel cannot give a user namespace its own binfmt_misc ({})", g.stderr_str().trim()),
                    None => "RUSER_TEST_BINFMT=host".to_string(),
                };
                if !root {
                    skip_or_fail(test, &format!("{why}, and using the host's binfmt_misc instead needs root"));
                    return None;
                }
                eprintln!("note: {test}: {why}: using the host's binfmt_misc, with entries of this test's own names");
                sb.host = Some(HostMode::new(test, sb.dir.path())?);
            }
        }
        if let Some(h) = &mut sb.host {
            let status = run(Self::misc_cmd_of(Some(&*h), sb.dir.path(), ruser()).args(["binfmt", "status"]), None);
            h.competitors = status.stdout_str().contains("  competing: ");
        }
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
            if self.pid_net && self.pid == self.holder.id() {
                // The namespaces' process is unshare's child.
                let h = self.holder.id();
                if let Some(c) = std::fs::read_to_string(format!("/proc/{h}/task/{h}/children")).ok().and_then(|s| s.split_whitespace().next()?.parse().ok()) {
                    self.pid = c;
                }
            }
            let theirs = std::fs::read_link(format!("/proc/{}/ns/user", self.pid)).ok();
            let mapped = std::fs::read_to_string(format!("/proc/{}/uid_map", self.pid)).map(|m| !m.trim().is_empty()).unwrap_or(false);
            let ready = !self.pid_net || self.pid != self.holder.id();
            if ready && theirs.is_some_and(|t| t != mine) && (write_maps || mapped) {
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

    /// Whether an entry that is not the sandbox's claims aarch64 programs (only on the host:
    /// a private instance holds the test's entries only). Then `install` always registers
    /// again, and an uninstalled program may still run, through that entry.
    pub fn competitors(&self) -> bool {
        self.host.as_ref().is_some_and(|h| h.competitors)
    }

    /// Where ruser mounts the sandbox's binfmt_misc (RUSER_BINFMT_MISC of every command).
    pub fn binfmt_dir(&self) -> PathBuf {
        self.dir.join("bm")
    }

    /// A command run inside the sandbox as its root, in the scratch directory, with no
    /// RUSER_* variables but RUSER_BINFMT_MISC (and RUSER_BINFMT_NAME on the host).
    pub fn cmd(&self, program: impl AsRef<OsStr>) -> Command {
        self.cmd_in(self.dir.path(), program)
    }

    fn ns_args(&self, c: &mut Command) {
        c.arg("-t").arg(self.pid.to_string()).args(["--user", "--mount"]);
        if self.pid_net {
            c.args(["--pid", "--net"]);
        }
    }

    fn name_env(&self, c: &mut Command) {
        c.env("RUSER_BINFMT_MISC", self.binfmt_dir());
        if let Some(h) = &self.host {
            c.env("RUSER_BINFMT_NAME", format!("ruser-{}", h.tok));
        }
    }

    /// The same in another working directory.
    pub fn cmd_in(&self, wd: &Path, program: impl AsRef<OsStr>) -> Command {
        let mut c = emu_command(Path::new("nsenter"));
        self.ns_args(&mut c);
        c.arg(format!("--wd={}", wd.display())).arg(program);
        self.name_env(&mut c);
        c
    }

    /// The same as another user (needs `all_ids`).
    pub fn cmd_as(&self, uid: u32, program: impl AsRef<OsStr>) -> Command {
        assert!(self.all_ids, "cmd_as needs a sandbox made by root");
        let mut c = emu_command(Path::new("nsenter"));
        self.ns_args(&mut c);
        c.arg("-S").arg(uid.to_string()).arg("-G").arg(uid.to_string());
        c.arg(format!("--wd={}", self.dir.path().display())).arg(program);
        self.name_env(&mut c);
        c
    }

    /// A command that works on the sandbox's binfmt_misc: in the sandbox, or on the host as
    /// root in the mount namespace where it is mounted.
    fn misc_cmd(&self, program: impl AsRef<OsStr>) -> Command {
        match &self.host {
            None => self.cmd(program),
            Some(h) => {
                let mut c = Self::misc_cmd_of(Some(h), self.dir.path(), program);
                self.name_env(&mut c);
                c
            }
        }
    }

    fn misc_cmd_of(host: Option<&HostMode>, dir: &Path, program: impl AsRef<OsStr>) -> Command {
        let h = host.expect("host mode");
        let mut c = emu_command(Path::new("nsenter"));
        c.arg("-t").arg(h.holder.id().to_string()).arg("--mount").arg(format!("--wd={}", dir.display())).arg(program);
        c.env("RUSER_BINFMT_MISC", dir.join("bm")).env("RUSER_BINFMT_NAME", format!("ruser-{}", h.tok));
        c
    }

    /// The sandbox's names back to the ones a private instance has.
    fn unmap(&self, s: &str) -> String {
        match &self.host {
            None => s.to_string(),
            Some(h) => s.replace(&format!("ruser-{}-", h.tok), "ruser-").replace(&format!("{}-", h.tok), ""),
        }
    }

    /// `ruser binfmt ARGS...` for the sandbox; panics unless it exits with status 0. Its
    /// output has the names a private instance would show.
    pub fn binfmt(&self, args: &[&str]) -> Output {
        let mut got = run(self.misc_cmd(ruser()).arg("binfmt").args(args), None);
        assert_eq!(got.code, Some(0), "ruser binfmt {args:?}: {}\n{}{}", got.describe_status(), got.stdout_str(), got.stderr_str());
        got.stdout = self.unmap(&got.stdout_str()).into_bytes();
        got.stderr = self.unmap(&got.stderr_str()).into_bytes();
        got
    }

    /// Mount binfmt_misc at `binfmt_dir` (as systemd would before registering).
    pub fn mount_misc(&self) {
        let got = run(self.misc_cmd("mount").args(["-t", "binfmt_misc", "binfmt_misc"]).arg(self.binfmt_dir()), None);
        assert_eq!(got.code, Some(0), "mount binfmt_misc: {}", got.stderr_str());
    }

    /// The sandbox's entries (and `register`, `status`), sorted, by their private names.
    pub fn entries(&self) -> Vec<String> {
        let got = run(self.misc_cmd("ls").arg(self.binfmt_dir()), None);
        assert_eq!(got.code, Some(0), "ls: {}", got.stderr_str());
        let mine = |n: &str| match &self.host {
            None => true,
            Some(h) => n == "register" || n == "status" || n.starts_with(&format!("{}-", h.tok)) || n.starts_with(&format!("ruser-{}-", h.tok)),
        };
        let mut v: Vec<String> = got.stdout_str().lines().filter(|n| mine(n)).map(|n| self.unmap(n)).collect();
        v.sort();
        v
    }

    /// The file name of entry `name` (a private name) in the sandbox's binfmt_misc.
    fn real_name(&self, name: &str) -> String {
        match &self.host {
            None => name.to_string(),
            Some(_) if name == "register" || name == "status" => name.to_string(),
            Some(h) => match name.strip_prefix("ruser-") {
                Some(arch) => format!("ruser-{}-{arch}", h.tok),
                None => format!("{}-{name}", h.tok),
            },
        }
    }

    /// The text of the sandbox's binfmt_misc file `name`.
    pub fn read(&self, name: &str) -> String {
        let got = run(self.misc_cmd("cat").arg(self.binfmt_dir().join(self.real_name(name))), None);
        assert_eq!(got.code, Some(0), "cat {name}: {}", got.stderr_str());
        got.stdout_str()
    }

    /// Write `text` to the sandbox's binfmt_misc file `name` in one write.
    pub fn write(&self, name: &str, text: &str) {
        let path = self.binfmt_dir().join(self.real_name(name));
        let got = run(self.misc_cmd("sh").arg("-c").arg("printf '%s' \"$1\" > \"$2\"").arg("sh").arg(text).arg(&path), None);
        assert_eq!(got.code, Some(0), "writing {text} to {name}: {}", got.stderr_str());
    }

    /// Register an entry by writing `line` (`:name:...`) to the sandbox's `register` file, as
    /// another emulator or systemd-binfmt would (on the host, under the sandbox's name for it).
    pub fn register(&self, line: &str) {
        let (name, rest) = line.strip_prefix(':').and_then(|l| l.split_once(':')).expect("a registration line is :name:...");
        self.write("register", &format!(":{}:{rest}", self.real_name(name)));
    }
}

impl HostMode {
    fn new(test: &str, dir: &Path) -> Option<HostMode> {
        // One host sandbox at a time, host-wide.
        let lock = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(HOST_LOCK).expect("open the host lock file");
        let start = Instant::now();
        // SAFETY: flock on an open file.
        while unsafe { libc::flock(std::os::fd::AsRawFd::as_raw_fd(&lock), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            if start.elapsed() > Duration::from_secs(900) {
                panic!("{test}: {HOST_LOCK} stayed locked for 15 minutes");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut cmd = Command::new("unshare");
        cmd.args(["--mount", "--propagation", "private", "sleep", "900"]).stdin(Stdio::null()).stdout(Stdio::null());
        set_pdeathsig(&mut cmd);
        let holder = cmd.spawn().expect("unshare --mount");
        let mine = std::fs::read_link("/proc/self/ns/mnt").expect("own mount namespace");
        let start = Instant::now();
        while std::fs::read_link(format!("/proc/{}/ns/mnt", holder.id())).map_or(true, |t| t == mine) {
            assert!(start.elapsed() < Duration::from_secs(10), "unshare --mount did not come up");
            std::thread::sleep(Duration::from_millis(5));
        }
        let tok = format!("t{}x{}", std::process::id(), SEQ.fetch_add(1, Ordering::Relaxed));
        let h = HostMode { tok, holder, competitors: false, _lock: lock };
        h.remove_stale(dir);
        Some(h)
    }

    /// Run `sh -c script` as root where binfmt_misc is mounted at `dir/bm` (mounting it for
    /// the script if it is not).
    fn sh(&self, dir: &Path, script: &str) -> Output {
        let bm = dir.join("bm");
        let mut c = emu_command(Path::new("nsenter"));
        c.arg("-t").arg(self.holder.id().to_string()).arg("--mount").args(["sh", "-c"]);
        // Mounted only for the script: a test sees the mount state its own commands made.
        c.arg(format!(
            "m=; mountpoint -q \"$0\" || {{ mount -t binfmt_misc binfmt_misc \"$0\" && m=1; }} || exit 1; cd \"$0\" || exit 1; {script}; \
             cd /; [ -z \"$m\" ] || umount \"$0\""
        ));
        c.arg(&bm);
        run(&mut c, None)
    }

    /// Remove entries left by host sandboxes of processes that are gone.
    fn remove_stale(&self, dir: &Path) {
        let got = self.sh(dir, "ls");
        for name in got.stdout_str().lines() {
            let tok = name.strip_prefix("ruser-").unwrap_or(name);
            let Some(rest) = tok.strip_prefix('t') else { continue };
            let Some((pid, rest)) = rest.split_once('x') else { continue };
            let Some((seq, _)) = rest.split_once('-') else { continue };
            if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) || seq.is_empty() || !seq.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            if !Path::new(&format!("/proc/{pid}")).exists() {
                let got = self.sh(dir, &format!("echo -1 > '{name}'"));
                eprintln!("note: removed the stale test entry {name} of a gone process ({})", got.describe_status());
            }
        }
    }

    /// Remove every entry of this sandbox.
    fn cleanup(&self, dir: &Path) {
        let t = &self.tok;
        let got = self.sh(dir, &format!("for e in ruser-{t}-* {t}-*; do [ -e \"$e\" ] && echo -1 > \"$e\"; done; ls"));
        let listing = got.stdout_str();
        let left: Vec<&str> = listing.lines().filter(|n| n.contains(t.as_str())).collect();
        if !left.is_empty() {
            eprintln!("warning: could not remove the test's binfmt_misc entries {left:?}: {}", got.stderr_str());
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        // ruser's own entries first, as a user would; then (host) every other entry the test
        // made; then the namespace, and with it (private) the binfmt_misc instance, every entry
        // in it and every mount.
        let _ = run(self.misc_cmd(ruser()).args(["binfmt", "uninstall"]), None);
        if let Some(h) = &mut self.host {
            h.cleanup(self.dir.path());
            let _ = h.holder.kill();
            let _ = h.holder.wait();
        }
        let _ = self.holder.kill();
        let _ = self.holder.wait();
    }
}
