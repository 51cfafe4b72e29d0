//! `debootstrap --second-stage` of a Debian arm64 minbase root file system, in a chroot, with
//! ruser registered through binfmt_misc (issue 7's target): dpkg unpacks and configures the
//! 88 packages, running their maintainer scripts (sh, perl, debconf), update-alternatives,
//! ldconfig, start-stop-daemon, chown and friends, all as aarch64 programs under ruser.
//!
//! The first stage (`debootstrap --foreign`, network) is made once by
//! scripts/debootstrap-stage1.sh into build/debootstrap/stage1.tar (scripts/test.sh does it).
//! The second stage runs in the binfmt sandbox (binfmt/sandbox.rs) with PID and network
//! namespaces of its own, as root of a user namespace that maps every id to itself, so dpkg
//! gives files their owners and nothing reaches the network. Afterwards every package must be
//! installed (`ii`) and the root file system must work (a shell, dpkg-query, perl, apt-config).
//! It takes about a minute on two cores (qemu-user-static: about two).

mod common;
#[path = "binfmt/sandbox.rs"]
#[allow(dead_code)]
mod sandbox;

use common::*;
use sandbox::{Opts, Sandbox};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const TEST: &str = "second_stage_completes";

#[test]
fn second_stage_completes() {
    let stage1 = repo_root().join("build/debootstrap/stage1.tar");
    if !stage1.is_file() {
        skip_or_fail(TEST, &format!("{} is missing (scripts/debootstrap-stage1.sh makes it; scripts/test.sh runs that)", stage1.display()));
        return;
    }
    // SAFETY: no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        skip_or_fail(TEST, "needs root (the first stage's device nodes and owners, and a namespace that maps every id)");
        return;
    }
    if !require_tool("chroot", TEST) || !require_tool("tar", TEST) {
        return;
    }
    let Some(sb) = Sandbox::with(TEST, Opts { pid_net: true }) else { return };
    let root = sb.dir.join("rootfs");
    std::fs::create_dir(&root).unwrap();
    // Unpacked by the host's root: device nodes and owners as debootstrap made them.
    let got = run_with_timeout(Command::new("tar").arg("-C").arg(&root).args(["--numeric-owner", "-xf"]).arg(&stage1), None, Duration::from_secs(300));
    assert_eq!(got.code, Some(0), "unpacking {}: {}", stage1.display(), got.stderr_str());
    let required = std::fs::read_to_string(root.join("debootstrap/required")).expect("the first stage lists its packages");
    let mut want: Vec<&str> = required.split_whitespace().collect();
    want.sort_unstable();
    want.dedup();
    assert!(want.len() > 50, "a minbase has more than 50 packages: {want:?}");

    sb.binfmt(&["install", "--persistent", "--preserve-argv0"]);
    let chroot = |args: &[&str]| {
        let mut c = sb.cmd("chroot");
        // container=lxc: debootstrap then skips its mknod test, which a user namespace cannot
        // pass (the device nodes come from the first stage). A fixed PATH and locale, as a
        // root shell has.
        c.env("container", "lxc").env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").env("LC_ALL", "C").arg(&root).args(args);
        c
    };
    let got = run_with_timeout(&mut chroot(&["/debootstrap/debootstrap", "--second-stage"]), None, Duration::from_secs(1200));
    let log = || {
        let text = std::fs::read_to_string(root.join("debootstrap/debootstrap.log")).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect();
        format!("output:\n{}{}\ndebootstrap.log (end):\n{}", got.stdout_str(), got.stderr_str(), tail.join("\n"))
    };
    assert_eq!(got.code, Some(0), "second stage: {} after {:.0?}\n{}", got.describe_status(), got.elapsed, log());
    assert!(got.stdout_str().contains("I: Base system installed successfully."), "{}", log());
    eprintln!("{TEST}: the second stage took {:.1?}", got.elapsed);
    assert!(!root.join("debootstrap").exists(), "debootstrap removes its directory when it completes");

    // Every package installed, and none else.
    let got = run(&mut chroot(&["dpkg-query", "-W", "-f", "${db:Status-Abbrev}${Package}\\n"]), None);
    assert_eq!(got.code, Some(0), "dpkg-query: {}", got.stderr_str());
    let out = got.stdout_str();
    let mut have: Vec<&str> = Vec::new();
    for l in out.lines() {
        let (status, pkg) = l.split_at(3.min(l.len()));
        assert_eq!(status, "ii ", "package {pkg} is not installed: {l}\n{out}");
        have.push(pkg);
    }
    have.sort_unstable();
    assert_eq!(have, want, "the installed packages are the first stage's");
    assert!(!root.join("var/lib/dpkg/updates").read_dir().unwrap().any(|_| true), "dpkg left pending updates");

    // The root file system works: the shell, perl, apt's configuration, the dynamic linker's
    // cache, users and groups.
    let checks: &[(&[&str], &str)] = &[
        (&["/bin/sh", "-c", "true"], ""),
        (&["/bin/sh", "-c", "echo $((6 * 7)) $(id -un) $(readlink /bin/sh)"], "42 root dash\n"),
        (&["perl", "-MList::Util=sum", "-e", "print sum(1..10), qq{\\n}"], "55\n"),
        (&["apt-config", "shell", "A", "Dir::Etc"], "A='etc/apt'\n"),
        (&["sh", "-c", "ldconfig -p | grep -c 'libc.so.6 (libc6,AArch64)'"], "1\n"),
        (&["getent", "group", "root"], "root:x:0:\n"),
    ];
    for (args, want) in checks {
        let got = run(&mut chroot(args), None);
        assert_eq!(got.code, Some(0), "{args:?}: {}", got.stderr_str());
        assert_eq!(got.stdout_str(), *want, "{args:?}");
    }
    // The alternatives and owners dpkg set up.
    assert_eq!(std::fs::read_link(root.join("etc/alternatives/awk")).ok().as_deref(), Some(Path::new("/usr/bin/mawk")));
    let meta = std::fs::metadata(root.join("var/log/apt")).unwrap();
    assert_eq!(std::os::unix::fs::MetadataExt::uid(&meta), 0);
}
