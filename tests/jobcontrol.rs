//! Job control from an interactive shell under a pseudo-terminal: Debian's arm64 bash
//! (`build/debian-arm64`, see tests/debian.rs) runs under `ruser -L` as the session leader of
//! a new pty, and this test types at it as a user would: a guest `sleep` in the foreground
//! stopped by Ctrl-Z, `jobs`, `bg`, `fg`, then Ctrl-C, and a second foreground job killed by
//! Ctrl-C. The terminal driver sends SIGTSTP/SIGINT to the job's process group; ruser (the
//! job's process) must stop and die as the kernel would make the program do, and the shell
//! (a guest too) must see it through waitpid and take the terminal back (tcsetpgrp).
//! The same script against the host's own bash is the oracle for the transcript.

mod common;

use common::*;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long one step may take (bash starting under the interpreter is the slowest).
const STEP: Duration = Duration::from_secs(30);

struct Pty {
    master: std::fs::File,
    child: Child,
    transcript: Vec<u8>,
    /// Where the next `expect` starts looking.
    seen: usize,
}

/// A new pty pair: (master, slave).
fn open_pty() -> (OwnedFd, OwnedFd) {
    // SAFETY: plain libc calls on fds we own; checked for failure.
    unsafe {
        let m = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC);
        assert!(m >= 0, "posix_openpt: {}", std::io::Error::last_os_error());
        assert_eq!(libc::grantpt(m), 0, "grantpt");
        assert_eq!(libc::unlockpt(m), 0, "unlockpt");
        let mut name = [0 as libc::c_char; 128];
        assert_eq!(libc::ptsname_r(m, name.as_mut_ptr(), name.len()), 0, "ptsname_r");
        let s = libc::open(name.as_ptr(), libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC);
        assert!(s >= 0, "open the pty slave: {}", std::io::Error::last_os_error());
        (OwnedFd::from_raw_fd(m), OwnedFd::from_raw_fd(s))
    }
}

impl Pty {
    /// Start `cmd` as the session leader of a new pty, which is its controlling terminal.
    fn spawn(mut cmd: Command) -> Pty {
        let (master, slave) = open_pty();
        cmd.stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave));
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("spawn the shell");
        Pty { master: std::fs::File::from(master), child, transcript: Vec::new(), seen: 0 }
    }

    /// Read what is there within `wait`.
    fn pump(&mut self, wait: Duration) {
        let mut fds = [libc::pollfd { fd: self.master.as_raw_fd(), events: libc::POLLIN, revents: 0 }];
        // SAFETY: one valid pollfd.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), 1, wait.as_millis() as i32) };
        if n > 0 && fds[0].revents & libc::POLLIN != 0 {
            let mut buf = [0u8; 4096];
            if let Ok(k) = self.master.read(&mut buf) {
                // The terminal's output is CR LF: keep the LF only.
                self.transcript.extend(buf[..k].iter().filter(|&&c| c != b'\r'));
            }
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.transcript).into_owned()
    }

    /// Wait until `needle` appears after the last match; panics with the transcript if not.
    fn expect(&mut self, needle: &str, label: &str) {
        let end = Instant::now() + STEP;
        loop {
            let hay = &self.transcript[self.seen..];
            if let Some(i) = hay.windows(needle.len()).position(|w| w == needle.as_bytes()) {
                self.seen += i + needle.len();
                return;
            }
            if Instant::now() > end {
                panic!("{label}: no {needle:?} within {STEP:?}; transcript:\n{}", self.text());
            }
            self.pump(Duration::from_millis(50));
        }
    }

    fn send(&mut self, s: &str) {
        self.master.write_all(s.as_bytes()).expect("write to the pty");
    }

    /// The terminal's foreground process group.
    fn foreground(&self) -> i32 {
        // SAFETY: TIOCGPGRP on the master reports the slave's foreground group.
        let mut pg: libc::pid_t = 0;
        unsafe { libc::ioctl(self.master.as_raw_fd(), libc::TIOCGPGRP, &mut pg) };
        pg
    }

    /// Wait until a job owns the terminal and its process is `sleep` (after its exec: the
    /// shell's child ignores SIGTSTP until then) asleep in the kernel, so that a typed Ctrl-Z
    /// or Ctrl-C reaches the program rather than the shell, which ignores them.
    fn wait_for_sleep_in_foreground(&mut self, label: &str) {
        let shell = self.child.id() as i32;
        let end = Instant::now() + STEP;
        loop {
            let fg = self.foreground();
            if fg > 0 && fg != shell {
                // The job's leader has pid = pgid: "pid (comm) state ...".
                let stat = std::fs::read_to_string(format!("/proc/{fg}/stat")).unwrap_or_default();
                if stat.contains("(sleep) S ") {
                    return;
                }
            }
            if Instant::now() > end {
                panic!("{label}: no sleep in the foreground; transcript:\n{}", self.text());
            }
            self.pump(Duration::from_millis(20));
        }
    }

    fn finish(mut self, label: &str) -> String {
        let end = Instant::now() + STEP;
        loop {
            self.pump(Duration::from_millis(50));
            if let Some(st) = self.child.try_wait().expect("wait for the shell") {
                assert!(st.success(), "{label}: the shell ended with {st:?}; transcript:\n{}", self.text());
                return self.text();
            }
            if Instant::now() > end {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("{label}: the shell did not exit; transcript:\n{}", self.text());
            }
        }
    }
}

/// Type the job-control session at the shell `cmd` starts; returns the transcript.
fn session(mut cmd: Command, label: &str) -> String {
    cmd.env_clear().env("PATH", "/usr/bin:/bin").env("TERM", "dumb").env("LC_ALL", "C").env("PS1", "PROMPT$ ");
    let mut p = Pty::spawn(cmd);
    p.expect("PROMPT$ ", label);
    p.send("sleep 47\n");
    p.wait_for_sleep_in_foreground(&format!("{label}, sleep 47"));
    p.send("\x1a");
    p.expect("Stopped", &format!("{label}, Ctrl-Z"));
    p.expect("PROMPT$ ", label);
    p.send("jobs\n");
    p.expect("Stopped", &format!("{label}, jobs"));
    p.expect("PROMPT$ ", label);
    p.send("bg\n");
    p.expect("sleep 47 &", &format!("{label}, bg"));
    p.expect("PROMPT$ ", label);
    p.send("jobs\n");
    p.expect("Running", &format!("{label}, jobs after bg"));
    p.expect("PROMPT$ ", label);
    p.send("fg\n");
    p.expect("sleep 47\n", &format!("{label}, fg"));
    p.wait_for_sleep_in_foreground(&format!("{label}, fg"));
    p.send("\x03");
    p.expect("PROMPT$ ", &format!("{label}, Ctrl-C after fg"));
    p.send("echo status=$?\n");
    p.expect("status=130", &format!("{label}, status after Ctrl-C"));
    p.expect("PROMPT$ ", label);
    p.send("sleep 48\n");
    p.wait_for_sleep_in_foreground(&format!("{label}, sleep 48"));
    p.send("\x03");
    p.expect("PROMPT$ ", &format!("{label}, Ctrl-C"));
    p.send("echo status=$? jobs=$(jobs | wc -l)\n");
    p.expect("status=130 jobs=0", &format!("{label}, status after the second Ctrl-C"));
    p.expect("PROMPT$ ", label);
    p.send("exit\n");
    p.finish(label)
}

fn sysroot() -> Option<PathBuf> {
    let root = repo_root().join("build/debian-arm64");
    if !root.join(".ruser-packages").is_file() {
        skip_or_fail("jobcontrol", &format!("{} is missing (scripts/debian-sysroot.sh makes it)", root.display()));
        return None;
    }
    Some(root)
}

fn bash_under_ruser(root: &Path, backend: &str) -> Command {
    let mut cmd = emu_command(&ruser_aarch64());
    cmd.arg("--backend").arg(backend).arg("-L").arg(root).args(["/bin/bash", "--norc", "--noprofile", "-i"]);
    cmd
}

#[test]
fn ctrl_z_bg_fg_ctrl_c_in_interactive_bash() {
    let Some(root) = sysroot() else { return };
    let native = {
        let mut cmd = Command::new("/bin/bash");
        cmd.args(["--norc", "--noprofile", "-i"]);
        session(cmd, "host bash")
    };
    for backend in BACKENDS {
        let got = session(bash_under_ruser(&root, backend), &format!("bash under ruser --backend {backend}"));
        assert_eq!(got, native, "--backend {backend}: the transcript differs from the host bash's");
    }
}
