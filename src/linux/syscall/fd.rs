//! The fd table: close, dup, fcntl, pipes, flock, close_range, pidfd_getfd.
//!
//! Guest fds are host fds. ruser's own fds (see `crate::hostfd`) are refused here where the
//! guest names them indirectly (a range, a target number); direct fd arguments are refused
//! for every syscall by `dispatch` (see `own_fd_argument`).

use super::{blocking, host, int, Ctx, Handler, SysResult};
use crate::hostfd;
use crate::linux::convert::layout::{Layout, Ty};
use crate::linux::convert::{flags, GuestWriter};
use crate::log::Item;
use crate::logf;
use nix::errno::Errno;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("close", sys_close),
    ("dup", sys_dup),
    ("dup3", sys_dup3),
    ("fcntl", sys_fcntl),
    ("pipe2", sys_pipe2),
    ("close_range", sys_close_range),
    ("flock", sys_flock),
    ("pidfd_getfd", sys_pidfd_getfd),
];

fn sys_close(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::close(int(a[0])) } as i64)
}

fn sys_dup(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::dup(int(a[0])) } as i64)
}

/// dup3(old, new, flags): flags is O_CLOEXEC in the guest's encoding. A `new` that is one of
/// ruser's fds is refused by `dispatch` (EBADF, as for a number above the fd limit).
fn sys_dup3(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let fl = flags::open_to_host(c.abi, a[2] as u32);
    host(unsafe { libc::syscall(libc::SYS_dup3, int(a[0]), int(a[1]), fl) })
}

fn sys_pipe2(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    crate::linux::convert::check_w(c.mem(), a[0], 8)?;
    let mut fds = [0i32; 2];
    host(unsafe { libc::pipe2(fds.as_mut_ptr(), flags::open_to_host(c.abi, a[1] as u32)) } as i64)?;
    let mut w = GuestWriter::new(8, c.abi);
    w.u32(0, fds[0] as u32);
    w.u32(4, fds[1] as u32);
    if let Err(e) = c.put(a[0], &w) {
        unsafe {
            libc::close(fds[0]);
            libc::close(fds[1]);
        }
        return Err(e);
    }
    Ok(0)
}

/// close_range(first, last, flags) over the guest's fds only: the range is cut around ruser's
/// own fds, which stay open (and keep their close-on-exec flag).
fn sys_close_range(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (first, last, fl) = (a[0] as u32 as u64, a[1] as u32 as u64, a[2] as u32);
    if first > last {
        return Err(Errno::EINVAL);
    }
    let mut from = first;
    for own in hostfd::own_fds() {
        let own = own as u64;
        if own < from || own > last {
            continue;
        }
        if own > from {
            host(unsafe { libc::syscall(libc::SYS_close_range, from as u32, (own - 1) as u32, fl) })?;
        }
        from = own + 1;
    }
    if from <= last {
        host(unsafe { libc::syscall(libc::SYS_close_range, from as u32, last as u32, fl) })?;
    }
    Ok(0)
}

const LOCK_NB: u64 = 4;

fn sys_flock(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    if a[1] & LOCK_NB != 0 {
        host(unsafe { libc::flock(int(a[0]), int(a[1])) } as i64)
    } else {
        blocking(libc::SYS_flock, [a[0], a[1], 0, 0, 0, 0])
    }
}

fn sys_pidfd_getfd(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_pidfd_getfd, int(a[0]), int(a[1]), a[2] as u32) })
}

// ---------------------------------------------------------------- fcntl

/// fcntl commands (asm-generic numbers, equal to x86-64's; `flags::fcntl_cmd_to_host` maps a
/// guest's own numbering).
mod cmd {
    pub const F_DUPFD: i32 = 0;
    pub const F_GETFD: i32 = 1;
    pub const F_SETFD: i32 = 2;
    pub const F_GETFL: i32 = 3;
    pub const F_SETFL: i32 = 4;
    pub const F_GETLK: i32 = 5;
    pub const F_SETLK: i32 = 6;
    pub const F_SETLKW: i32 = 7;
    pub const F_SETOWN: i32 = 8;
    pub const F_GETOWN: i32 = 9;
    pub const F_SETSIG: i32 = 10;
    pub const F_GETSIG: i32 = 11;
    pub const F_SETOWN_EX: i32 = 15;
    pub const F_GETOWN_EX: i32 = 16;
    pub const F_OFD_GETLK: i32 = 36;
    pub const F_OFD_SETLK: i32 = 37;
    pub const F_OFD_SETLKW: i32 = 38;
    pub const F_SETLEASE: i32 = 1024;
    pub const F_GETLEASE: i32 = 1025;
    pub const F_NOTIFY: i32 = 1026;
    pub const F_DUPFD_QUERY: i32 = 1027;
    pub const F_CREATED_QUERY: i32 = 1028;
    pub const F_DUPFD_CLOEXEC: i32 = 1030;
    pub const F_SETPIPE_SZ: i32 = 1031;
    pub const F_GETPIPE_SZ: i32 = 1032;
    pub const F_ADD_SEALS: i32 = 1033;
    pub const F_GET_SEALS: i32 = 1034;
    pub const F_GET_RW_HINT: i32 = 1035;
    pub const F_SET_RW_HINT: i32 = 1036;
}
use cmd::*;

/// `struct flock`: l_type, l_whence (short), l_start, l_len (off_t), l_pid.
const FLOCK: &[Ty] = &[Ty::I16, Ty::I16, Ty::Long, Ty::Long, Ty::I32];
/// `struct f_owner_ex`: type, pid.
const F_OWNER_EX: &[Ty] = &[Ty::I32, Ty::I32];

fn flock_from_guest(c: &Ctx, addr: u64) -> Result<libc::flock, Errno> {
    let l = Layout::of(c.abi, FLOCK);
    let r = c.get(addr, l.size)?;
    // SAFETY: plain C struct; the fields are set below.
    let mut f: libc::flock = unsafe { std::mem::zeroed() };
    f.l_type = l.get(&r, 0, 0) as i16;
    f.l_whence = l.get(&r, 0, 1) as i16;
    f.l_start = l.get(&r, 0, 2) as i64;
    f.l_len = l.get(&r, 0, 3) as i64;
    f.l_pid = l.get(&r, 0, 4) as i32;
    Ok(f)
}

fn flock_to_guest(c: &Ctx, addr: u64, f: &libc::flock) -> Result<(), Errno> {
    let l = Layout::of(c.abi, FLOCK);
    let mut w = l.writer(c.abi);
    for (i, v) in [f.l_type as i64, f.l_whence as i64, f.l_start, f.l_len, f.l_pid as i64].into_iter().enumerate() {
        l.put(&mut w, 0, i, v as u64);
    }
    c.put(addr, &w)
}

fn sys_fcntl(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let fd = int(a[0]);
    let cmd = flags::fcntl_cmd_to_host(c.abi, a[1] as u32);
    let arg = a[2];
    match cmd {
        // An int (or no) argument, passed through.
        F_DUPFD | F_DUPFD_CLOEXEC | F_SETFD | F_SETOWN | F_SETSIG | F_SETPIPE_SZ | F_ADD_SEALS | F_NOTIFY | F_SETLEASE | F_DUPFD_QUERY | F_GETFD
        | F_GETOWN | F_GETSIG | F_GETPIPE_SZ | F_GET_SEALS | F_GETLEASE | F_CREATED_QUERY => {
            host(unsafe { libc::fcntl(fd, cmd, arg as libc::c_int) } as i64)
        }
        F_GETFL => {
            let fl = host(unsafe { libc::fcntl(fd, cmd) } as i64)?;
            Ok(flags::open_to_guest(c.abi, fl as i32) as u64)
        }
        F_SETFL => host(unsafe { libc::fcntl(fd, cmd, flags::open_to_host(c.abi, arg as u32)) } as i64),
        F_GETLK | F_SETLK | F_OFD_GETLK | F_OFD_SETLK | F_SETLKW | F_OFD_SETLKW => {
            let mut fl = flock_from_guest(c, arg)?;
            let ret = if cmd == F_SETLKW || cmd == F_OFD_SETLKW {
                blocking(libc::SYS_fcntl, [fd as u64, cmd as u64, &mut fl as *mut _ as u64, 0, 0, 0])?
            } else {
                host(unsafe { libc::fcntl(fd, cmd, &mut fl) } as i64)?
            };
            if cmd == F_GETLK || cmd == F_OFD_GETLK {
                flock_to_guest(c, arg, &fl)?;
            }
            Ok(ret)
        }
        F_GETOWN_EX => {
            let mut o = [0i32; 2];
            let ret = host(unsafe { libc::fcntl(fd, cmd, o.as_mut_ptr()) } as i64)?;
            let l = Layout::of(c.abi, F_OWNER_EX);
            let mut w = l.writer(c.abi);
            l.put(&mut w, 0, 0, o[0] as u64);
            l.put(&mut w, 0, 1, o[1] as u64);
            c.put(arg, &w)?;
            Ok(ret)
        }
        F_SETOWN_EX => {
            let l = Layout::of(c.abi, F_OWNER_EX);
            let r = c.get(arg, l.size)?;
            let o = [l.get(&r, 0, 0) as i32, l.get(&r, 0, 1) as i32];
            host(unsafe { libc::fcntl(fd, cmd, o.as_ptr()) } as i64)
        }
        F_GET_RW_HINT => {
            let mut h: u64 = 0;
            let ret = host(unsafe { libc::fcntl(fd, cmd, &mut h) } as i64)?;
            let mut w = GuestWriter::new(8, c.abi);
            w.u64(0, h);
            c.put(arg, &w)?;
            Ok(ret)
        }
        F_SET_RW_HINT => {
            let h = c.get(arg, 8)?.u64(0);
            host(unsafe { libc::fcntl(fd, cmd, &h) } as i64)
        }
        _ => {
            logf!(Item::Unimp, "ruser: unimplemented fcntl command {cmd} on fd {fd}");
            Err(Errno::EINVAL)
        }
    }
}
