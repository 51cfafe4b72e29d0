//! ruser's own host file descriptors (the `-D` log file, the perf map, ...), kept out of the
//! guest's way.
//!
//! Guest fds are host fds, so a file ruser keeps open would otherwise sit among the guest's
//! (usually as fd 3) where the guest could read, close or `dup2` over it. Every such fd is
//! moved here with `hide`: it is duplicated (close-on-exec) to the top of the fd space, at
//! or above the soft `RLIMIT_NOFILE` that the guest is told about, where the kernel never
//! allocates an fd for the guest's own `open`/`dup`, and recorded. The Linux layer then
//! treats a recorded fd as not open for every guest syscall that takes an fd (`close`,
//! `dup3`, `close_range`, ... give EBADF or leave it alone), and `/proc/self/fd` listings
//! can leave it out (`is_own`).
//!
//! Placement: when the soft limit is below the hard limit, the fds go just above the soft
//! limit (the soft limit is raised for the duration of the `F_DUPFD_CLOEXEC` and restored:
//! an fd above the limit stays valid). When soft equals hard, they go into the top `RESERVE`
//! slots below it, and the soft limit reported to the guest is lowered to that base
//! (`guest_nofile`), so the guest sees a limit it can really reach.

use std::os::fd::{FromRawFd, IntoRawFd};
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};

/// Most fds ruser keeps open at once.
const MAX_OWN: usize = 16;
/// Slots reserved below the hard limit when the soft limit cannot be raised.
const RESERVE: u64 = 32;

/// The recorded fds; -1 marks a free slot.
static OWN: [AtomicI32; MAX_OWN] = [const { AtomicI32::new(-1) }; MAX_OWN];
/// Lowest fd number ruser's fds were placed at (u64::MAX until the first `hide`).
static BASE: AtomicU64 = AtomicU64::new(u64::MAX);

fn getrlimit() -> libc::rlimit {
    let mut rl = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: plain out-parameter.
    unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) };
    rl
}

fn record(fd: i32) {
    for slot in &OWN {
        if slot.compare_exchange(-1, fd, Ordering::AcqRel, Ordering::Acquire).is_ok() {
            return;
        }
    }
}

/// Move `fd` to ruser's high fd area (close-on-exec), close the original and record the new
/// number. Returns the fd to use from now on (the original one if it could not be moved; it is
/// still recorded, so the guest cannot close it).
pub fn hide(fd: i32) -> i32 {
    let rl = getrlimit();
    let moved = if rl.rlim_cur < rl.rlim_max {
        let base = rl.rlim_cur;
        let raised = libc::rlimit { rlim_cur: rl.rlim_max.min(base.saturating_add(RESERVE)), rlim_max: rl.rlim_max };
        // SAFETY: plain syscalls on fds ruser owns; the soft limit is put back right away.
        let nfd = unsafe {
            libc::setrlimit(libc::RLIMIT_NOFILE, &raised);
            let n = libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, base as libc::c_int);
            libc::setrlimit(libc::RLIMIT_NOFILE, &rl);
            n
        };
        (nfd >= 0).then_some((nfd, base))
    } else {
        let base = rl.rlim_cur.saturating_sub(RESERVE).max(3);
        // SAFETY: as above.
        let nfd = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, base as libc::c_int) };
        (nfd >= 0).then_some((nfd, base))
    };
    match moved {
        Some((nfd, base)) => {
            // SAFETY: the original is ours and now duplicated.
            unsafe { libc::close(fd) };
            BASE.fetch_min(base, Ordering::AcqRel);
            record(nfd);
            nfd
        }
        None => {
            record(fd);
            fd
        }
    }
}

/// `hide` for an owned `File`.
pub fn hide_file(f: std::fs::File) -> std::fs::File {
    let fd = hide(f.into_raw_fd());
    // SAFETY: `hide` returns an open fd that nothing else owns.
    unsafe { std::fs::File::from_raw_fd(fd) }
}

/// Whether `fd` is one of ruser's own (never visible to the guest).
#[inline]
pub fn is_own(fd: i32) -> bool {
    fd >= 0 && OWN.iter().any(|s| s.load(Ordering::Relaxed) == fd)
}

/// ruser's own fds, sorted.
pub fn own_fds() -> Vec<i32> {
    let mut v: Vec<i32> = OWN.iter().map(|s| s.load(Ordering::Relaxed)).filter(|&fd| fd >= 0).collect();
    v.sort_unstable();
    v
}

/// Forget `fd` (ruser closed it itself).
pub fn forget(fd: i32) {
    for slot in &OWN {
        let _ = slot.compare_exchange(fd, -1, Ordering::AcqRel, Ordering::Acquire);
    }
}

/// The RLIMIT_NOFILE the guest is told about: the soft limit is lowered to the base of
/// ruser's fds when they sit below it (see the module comment).
pub fn guest_nofile(rl: libc::rlimit) -> libc::rlimit {
    let base = BASE.load(Ordering::Acquire);
    libc::rlimit { rlim_cur: rl.rlim_cur.min(base), rlim_max: rl.rlim_max }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_fd_moves_high_and_is_recorded() {
        let f = std::fs::File::open("/dev/null").unwrap();
        let low = std::os::fd::AsRawFd::as_raw_fd(&f);
        let f = hide_file(f);
        let fd = std::os::fd::AsRawFd::as_raw_fd(&f);
        assert!(is_own(fd));
        assert_ne!(low, fd);
        let rl = getrlimit();
        assert!(fd as u64 >= guest_nofile(rl).rlim_cur, "fd {fd} below the guest's limit {:?}", guest_nofile(rl).rlim_cur);
        // Close-on-exec.
        assert_eq!(unsafe { libc::fcntl(fd, libc::F_GETFD) } & libc::FD_CLOEXEC, libc::FD_CLOEXEC);
        forget(fd);
        assert!(!is_own(fd));
        assert!(own_fds().iter().all(|&o| o != fd));
    }
}
