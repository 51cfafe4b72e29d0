//! Data transfer on fds: read/write and friends, and ioctl.

use super::{host, int, Ctx, Handler, SysResult};
use crate::linux::convert::{structs, GuestWriter, Ioctl};
use crate::log::Item;
use crate::logf;
use crate::mem::{PROT_READ, PROT_WRITE};
use nix::errno::Errno;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("read", sys_read),
    ("write", sys_write),
    ("readv", sys_readv),
    ("writev", sys_writev),
    ("pread64", sys_pread64),
    ("pwrite64", sys_pwrite64),
    ("preadv", sys_preadv),
    ("pwritev", sys_pwritev),
    ("ioctl", sys_ioctl),
];

/// Bigger transfers are cut to this size, as the kernel does (MAX_RW_COUNT).
const MAX_RW: u64 = 0x7fff_f000;

fn sys_read(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let len = a[2].min(MAX_RW) as usize;
    let p = c.buf_w(a[1], len)?;
    host(unsafe { libc::read(int(a[0]), p as *mut _, len) } as i64)
}

fn sys_write(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let len = a[2].min(MAX_RW) as usize;
    let p = c.buf_r(a[1], len)?;
    host(unsafe { libc::write(int(a[0]), p as *const _, len) } as i64)
}

fn sys_pread64(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let len = a[2].min(MAX_RW) as usize;
    let p = c.buf_w(a[1], len)?;
    host(unsafe { libc::pread(int(a[0]), p as *mut _, len, a[3] as i64) } as i64)
}

fn sys_pwrite64(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let len = a[2].min(MAX_RW) as usize;
    let p = c.buf_r(a[1], len)?;
    host(unsafe { libc::pwrite(int(a[0]), p as *const _, len, a[3] as i64) } as i64)
}

const UIO_MAXIOV: u64 = 1024;

/// The guest iovec array as host iovecs, each buffer checked for `prot`.
fn iovecs(c: &Ctx, addr: u64, n: u64, prot: u32) -> Result<Vec<libc::iovec>, Errno> {
    if n > UIO_MAXIOV {
        return Err(Errno::EINVAL);
    }
    let r = c.get(addr, 16 * n as usize)?;
    let mut v = Vec::with_capacity(n as usize);
    for i in 0..n as usize {
        let (base, len) = (r.u64(16 * i), r.u64(16 * i + 8));
        if len > isize::MAX as u64 {
            return Err(Errno::EINVAL);
        }
        c.mem().check(base, len, prot)?;
        v.push(libc::iovec { iov_base: c.mem().g2h(base) as *mut _, iov_len: len as usize });
    }
    Ok(v)
}

fn sys_readv(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let v = iovecs(c, a[1], a[2], PROT_WRITE)?;
    host(unsafe { libc::readv(int(a[0]), v.as_ptr(), v.len() as i32) } as i64)
}

fn sys_writev(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let v = iovecs(c, a[1], a[2], PROT_READ)?;
    host(unsafe { libc::writev(int(a[0]), v.as_ptr(), v.len() as i32) } as i64)
}

fn sys_preadv(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let v = iovecs(c, a[1], a[2], PROT_WRITE)?;
    host(unsafe { libc::preadv(int(a[0]), v.as_ptr(), v.len() as i32, a[3] as i64) } as i64)
}

fn sys_pwritev(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let v = iovecs(c, a[1], a[2], PROT_READ)?;
    host(unsafe { libc::pwritev(int(a[0]), v.as_ptr(), v.len() as i32, a[3] as i64) } as i64)
}

fn put_int(c: &Ctx, addr: u64, v: i32) -> Result<(), Errno> {
    let mut w = GuestWriter::new(4, c.abi);
    w.u32(0, v as u32);
    c.put(addr, &w)
}

fn sys_ioctl(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let fd = int(a[0]);
    let req = a[1] as u32;
    let arg = a[2];
    let Some(&(_, what)) = c.abi.ioctls.iter().find(|(n, _)| *n == req) else {
        logf!(Item::Unimp, "ruser: unimplemented ioctl {req:#x} on fd {fd}");
        return Err(Errno::ENOTTY);
    };
    match what {
        Ioctl::Tcgets => {
            let mut t = structs::KTermios::default();
            host(unsafe { libc::ioctl(fd, libc::TCGETS, &mut t) } as i64)?;
            c.put(arg, &structs::termios_to_guest(c.abi, &t))?;
            Ok(0)
        }
        Ioctl::Tcsets | Ioctl::Tcsetsw | Ioctl::Tcsetsf => {
            let r = c.get(arg, structs::termios_size(c.abi))?;
            let t = structs::termios_from_guest(c.abi, &r);
            let hreq = match what {
                Ioctl::Tcsets => libc::TCSETS,
                Ioctl::Tcsetsw => libc::TCSETSW,
                _ => libc::TCSETSF,
            };
            host(unsafe { libc::ioctl(fd, hreq, &t) } as i64)
        }
        Ioctl::Tiocgwinsz => {
            let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
            host(unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut ws) } as i64)?;
            c.put(arg, &structs::winsize_to_guest(c.abi, &ws))?;
            Ok(0)
        }
        Ioctl::Tiocswinsz => {
            let ws = structs::winsize_from_guest(&c.get(arg, structs::WINSIZE_SIZE)?);
            host(unsafe { libc::ioctl(fd, libc::TIOCSWINSZ, &ws) } as i64)
        }
        Ioctl::Fionread | Ioctl::Tiocgpgrp => {
            let mut v: i32 = 0;
            let hreq = if what == Ioctl::Fionread { libc::FIONREAD } else { libc::TIOCGPGRP };
            host(unsafe { libc::ioctl(fd, hreq, &mut v) } as i64)?;
            put_int(c, arg, v)?;
            Ok(0)
        }
        Ioctl::Tiocspgrp | Ioctl::Fionbio => {
            let v = c.get(arg, 4)?.u32(0) as i32;
            let hreq = if what == Ioctl::Fionbio { libc::FIONBIO } else { libc::TIOCSPGRP };
            host(unsafe { libc::ioctl(fd, hreq, &v) } as i64)
        }
        Ioctl::Fioclex => host(unsafe { libc::ioctl(fd, libc::FIOCLEX) } as i64),
        Ioctl::Fionclex => host(unsafe { libc::ioctl(fd, libc::FIONCLEX) } as i64),
    }
}
