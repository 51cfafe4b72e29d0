//! Fds that deliver events: eventfd, timerfd, signalfd, inotify, fanotify, memfd, pidfd.
//!
//! What these fds return from read() is the host's: a u64 counter (eventfd, timerfd),
//! `struct signalfd_siginfo`, `struct inotify_event`, fanotify metadata. Those layouts are
//! fixed-size and identical on arm64 and x86-64 (signalfd_siginfo is 128 bytes of explicitly
//! sized fields), so for little-endian guests read() needs no conversion; a big-endian guest
//! will need a per-fd read translation.

use super::{host, int, Ctx, Handler, SysResult};
use crate::linux::convert::layout::{Layout, Ty};
use crate::linux::convert::{flags, GuestReader};
use nix::errno::Errno;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("eventfd2", sys_eventfd2),
    ("timerfd_create", sys_timerfd_create),
    ("timerfd_settime", sys_timerfd_settime),
    ("timerfd_gettime", sys_timerfd_gettime),
    ("signalfd4", sys_signalfd4),
    ("inotify_init1", sys_inotify_init1),
    ("inotify_add_watch", sys_inotify_add_watch),
    ("inotify_rm_watch", sys_inotify_rm_watch),
    ("fanotify_init", sys_fanotify_init),
    ("fanotify_mark", sys_fanotify_mark),
    ("memfd_create", sys_memfd_create),
    ("memfd_secret", sys_memfd_secret),
    ("pidfd_open", sys_pidfd_open),
    ("pidfd_send_signal", sys_pidfd_send_signal),
];

/// Flags that are O_CLOEXEC / O_NONBLOCK in the guest's open-flag encoding (EFD_*, TFD_*,
/// SFD_*, IN_*), plus `extra` bits passed as they are.
fn fd_flags(c: &Ctx, v: u64, extra: u32) -> i32 {
    let v = v as u32;
    flags::open_to_host(c.abi, v & !extra) | (v & extra) as i32
}

fn sys_eventfd2(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    const EFD_SEMAPHORE: u32 = 1;
    host(unsafe { libc::eventfd(a[0] as u32, fd_flags(c, a[1], EFD_SEMAPHORE)) } as i64)
}

fn sys_timerfd_create(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::timerfd_create(int(a[0]), fd_flags(c, a[1], 0)) } as i64)
}

/// `struct itimerspec`: interval and value, each a timespec {time_t; long}.
const ITIMERSPEC: &[Ty] = &[Ty::Long, Ty::Long, Ty::Long, Ty::Long];

pub fn itimerspec_from_guest(c: &Ctx, addr: u64) -> Result<libc::itimerspec, Errno> {
    let l = Layout::of(c.abi, ITIMERSPEC);
    let r = c.get(addr, l.size)?;
    let f = |i| l.get(&r, 0, i) as i64;
    Ok(libc::itimerspec {
        it_interval: libc::timespec { tv_sec: f(0), tv_nsec: f(1) },
        it_value: libc::timespec { tv_sec: f(2), tv_nsec: f(3) },
    })
}

pub fn itimerspec_to_guest(c: &Ctx, addr: u64, t: &libc::itimerspec) -> Result<(), Errno> {
    let l = Layout::of(c.abi, ITIMERSPEC);
    let mut w = l.writer(c.abi);
    for (i, v) in [t.it_interval.tv_sec, t.it_interval.tv_nsec, t.it_value.tv_sec, t.it_value.tv_nsec].into_iter().enumerate() {
        l.put(&mut w, 0, i, v as u64);
    }
    c.put(addr, &w)
}

fn zero_its() -> libc::itimerspec {
    let z = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    libc::itimerspec { it_interval: z, it_value: z }
}

fn sys_timerfd_settime(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let new = itimerspec_from_guest(c, a[2])?;
    if a[3] != 0 {
        crate::linux::convert::check_w(c.mem(), a[3], Layout::of(c.abi, ITIMERSPEC).size)?;
    }
    let mut old = zero_its();
    let r = host(unsafe { libc::timerfd_settime(int(a[0]), int(a[1]), &new, &mut old) } as i64)?;
    if a[3] != 0 {
        itimerspec_to_guest(c, a[3], &old)?;
    }
    Ok(r)
}

fn sys_timerfd_gettime(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut cur = zero_its();
    let r = host(unsafe { libc::timerfd_gettime(int(a[0]), &mut cur) } as i64)?;
    itimerspec_to_guest(c, a[1], &cur)?;
    Ok(r)
}

/// signalfd4(fd, mask, sizemask, flags): the mask is a guest sigset, whose signal numbers are
/// the host's; with guest signals mirrored into the host thread's mask, a host signalfd with
/// the same set sees the same signals.
fn sys_signalfd4(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    if a[2] != 8 {
        return Err(Errno::EINVAL);
    }
    let mask = c.get(a[1], 8)?.u64(0);
    host(unsafe { libc::syscall(libc::SYS_signalfd4, int(a[0]), &mask, 8usize, fd_flags(c, a[3], 0)) })
}

fn sys_inotify_init1(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::inotify_init1(fd_flags(c, a[0], 0)) } as i64)
}

fn sys_inotify_add_watch(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let path = c.lookup_path(a[1])?;
    host(unsafe { libc::inotify_add_watch(int(a[0]), path.as_ptr(), a[2] as u32) } as i64)
}

fn sys_inotify_rm_watch(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::inotify_rm_watch(int(a[0]), int(a[1])) } as i64)
}

/// fanotify_init(flags, event_f_flags): FAN_* flags are the same on every ABI; the second
/// argument is open flags for the event fds.
fn sys_fanotify_init(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let ev = flags::open_to_host(c.abi, a[1] as u32);
    host(unsafe { libc::syscall(libc::SYS_fanotify_init, a[0] as u32, ev) })
}

/// fanotify_mark(fd, flags, mask, dirfd, path); the path may be NULL.
fn sys_fanotify_mark(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let hp = if a[4] == 0 { None } else { Some(c.path_at(int(a[3]), a[4], true)?) };
    let pp = hp.as_ref().map_or(std::ptr::null(), |h| h.path.as_ptr());
    let dirfd = hp.as_ref().map_or(int(a[3]), |h| h.dirfd);
    host(unsafe { libc::syscall(libc::SYS_fanotify_mark, int(a[0]), a[1] as u32, a[2], dirfd, pp) })
}

/// memfd_create(name, flags): MFD_* are the same on every ABI; names longer than 249 bytes
/// are refused as the kernel does.
fn sys_memfd_create(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let name = c.mem().read_cstr(a[0], 250).map_err(|e| if e == Errno::ENAMETOOLONG { Errno::EINVAL } else { e })?;
    if name.len() > 249 {
        return Err(Errno::EINVAL);
    }
    let name = std::ffi::CString::new(name).map_err(|_| Errno::EINVAL)?;
    host(unsafe { libc::syscall(libc::SYS_memfd_create, name.as_ptr(), a[1] as u32) })
}

fn sys_memfd_secret(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(447, fd_flags(c, a[0], 0)) })
}

fn sys_pidfd_open(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    // PIDFD_NONBLOCK is O_NONBLOCK; PIDFD_THREAD is O_EXCL.
    host(unsafe { libc::syscall(libc::SYS_pidfd_open, int(a[0]), fd_flags(c, a[1], 0)) })
}

/// pidfd_send_signal(pidfd, sig, info, flags). A NULL info is what programs pass; a given
/// siginfo_t is copied when the guest's layout is the host's (128 bytes, 64-bit LE).
fn sys_pidfd_send_signal(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let info = if a[2] == 0 {
        None
    } else {
        if c.abi.big_endian || c.abi.long_size != 8 {
            return Err(Errno::EINVAL);
        }
        Some(GuestReader::load(c.mem(), a[2], 128, c.abi)?.buf)
    };
    let ip = info.as_ref().map_or(std::ptr::null(), |b| b.as_ptr());
    host(unsafe { libc::syscall(libc::SYS_pidfd_send_signal, int(a[0]), int(a[1]), ip, a[3] as u32) })
}

#[cfg(test)]
mod tests {
    /// `struct signalfd_siginfo` is the asm-generic 128-byte layout on arm64 and on the x86-64
    /// host alike, so read() on a signalfd needs no conversion for little-endian guests.
    #[test]
    fn signalfd_siginfo_layout_is_shared() {
        let z: libc::signalfd_siginfo = unsafe { std::mem::zeroed() };
        let base = &z as *const _ as usize;
        let off = |p: *const u8| p as usize - base;
        assert_eq!(std::mem::size_of::<libc::signalfd_siginfo>(), 128);
        // Offsets of include/uapi/linux/signalfd.h (the same for every architecture).
        assert_eq!(off(&z.ssi_signo as *const _ as *const u8), 0);
        assert_eq!(off(&z.ssi_pid as *const _ as *const u8), 12);
        assert_eq!(off(&z.ssi_uid as *const _ as *const u8), 16);
        assert_eq!(off(&z.ssi_status as *const _ as *const u8), 40);
        assert_eq!(off(&z.ssi_ptr as *const _ as *const u8), 48);
        assert_eq!(off(&z.ssi_utime as *const _ as *const u8), 56);
        assert_eq!(off(&z.ssi_addr as *const _ as *const u8), 72);
        assert_eq!(off(&z.ssi_addr_lsb as *const _ as *const u8), 80);
    }
}
