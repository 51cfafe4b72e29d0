//! ioctl: the guest request is looked up in the ABI's table (`convert::ioctl`), its argument
//! converted by kind, and the host request issued. Unknown requests return ENOTTY and are
//! named under `-d unimp`.

use super::{blocking, host, int, Ctx, Handler, SysResult};
use crate::linux::convert::ioctl::IoArg;
use crate::linux::convert::layout::{Layout, Ty};
use crate::linux::convert::{flags, sockaddr, structs, GuestWriter};
use crate::log::Item;
use crate::logf;
use nix::errno::Errno;

pub static HANDLERS: &[(&str, Handler)] = &[("ioctl", sys_ioctl)];

fn put_int(c: &Ctx, addr: u64, v: i32) -> Result<(), Errno> {
    let mut w = GuestWriter::new(4, c.abi);
    w.u32(0, v as u32);
    c.put(addr, &w)
}

fn get_int(c: &Ctx, addr: u64) -> Result<i32, Errno> {
    Ok(c.get(addr, 4)?.u32(0) as i32)
}

fn ioctl_ptr<T>(fd: i32, req: u64, p: *mut T) -> SysResult {
    host(unsafe { libc::ioctl(fd, req as _, p) } as i64)
}

fn sys_ioctl(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let fd = int(a[0]);
    let req = a[1] as u32;
    let arg = a[2];
    let Some(&(_, what)) = c.abi.ioctls.iter().find(|(n, _)| *n == req) else {
        logf!(Item::Unimp, "ruser: unimplemented ioctl {req:#x} on fd {fd}");
        return Err(Errno::ENOTTY);
    };
    let hreq = what.host();
    match what.arg() {
        IoArg::None => host(unsafe { libc::ioctl(fd, hreq as _, 0) } as i64),
        // TCSBRK and TIOCSCTTY may wait (for output to drain, ...).
        IoArg::Value => blocking(libc::SYS_ioctl, [fd as u64, hreq, arg, 0, 0, 0]),
        IoArg::OpenFlags => host(unsafe { libc::ioctl(fd, hreq as _, flags::open_to_host(c.abi, arg as u32)) } as i64),
        IoArg::Fd => {
            if crate::hostfd::is_own(int(arg)) {
                return Err(Errno::EBADF);
            }
            host(unsafe { libc::ioctl(fd, hreq as _, int(arg)) } as i64)
        }
        IoArg::ByteIn => {
            let mut b = [0u8; 1];
            c.mem().read(arg, &mut b)?;
            ioctl_ptr(fd, hreq, b.as_mut_ptr())
        }
        IoArg::IntIn => {
            let mut v = get_int(c, arg)?;
            ioctl_ptr(fd, hreq, &mut v)
        }
        IoArg::IntOut => {
            let mut v: i32 = 0;
            let r = ioctl_ptr(fd, hreq, &mut v)?;
            put_int(c, arg, v)?;
            Ok(r)
        }
        IoArg::IntInOut => {
            let mut v = get_int(c, arg)?;
            let r = ioctl_ptr(fd, hreq, &mut v)?;
            put_int(c, arg, v)?;
            Ok(r)
        }
        IoArg::ULongOut | IoArg::U64Out => {
            let mut v: u64 = 0;
            let r = ioctl_ptr(fd, hreq, &mut v)?;
            let l = Layout::of(c.abi, &[if what.arg() == IoArg::ULongOut { Ty::ULong } else { Ty::U64 }]);
            let mut w = l.writer(c.abi);
            l.put(&mut w, 0, 0, v);
            c.put(arg, &w)?;
            Ok(r)
        }
        IoArg::TermiosOut => {
            let mut t = structs::KTermios::default();
            let r = ioctl_ptr(fd, hreq, &mut t)?;
            c.put(arg, &structs::termios_to_guest(c.abi, &t))?;
            Ok(r)
        }
        IoArg::TermiosIn => {
            let mut t = structs::termios_from_guest(c.abi, &c.get(arg, structs::termios_size(c.abi))?);
            // TCSETSW/TCSETSF wait for output to drain.
            blocking(libc::SYS_ioctl, [fd as u64, hreq, &mut t as *mut _ as u64, 0, 0, 0])
        }
        IoArg::Termios2Out => {
            let mut t = structs::KTermios2::default();
            let r = ioctl_ptr(fd, hreq, &mut t)?;
            c.put(arg, &structs::termios2_to_guest(c.abi, &t))?;
            Ok(r)
        }
        IoArg::Termios2In => {
            let mut t = structs::termios2_from_guest(c.abi, &c.get(arg, structs::termios2_size(c.abi))?);
            blocking(libc::SYS_ioctl, [fd as u64, hreq, &mut t as *mut _ as u64, 0, 0, 0])
        }
        IoArg::TermioOut => {
            let mut t = structs::KTermio::default();
            let r = ioctl_ptr(fd, hreq, &mut t)?;
            c.put(arg, &structs::termio_to_guest(c.abi, &t))?;
            Ok(r)
        }
        IoArg::TermioIn => {
            let mut t = structs::termio_from_guest(&c.get(arg, structs::TERMIO_SIZE)?);
            blocking(libc::SYS_ioctl, [fd as u64, hreq, &mut t as *mut _ as u64, 0, 0, 0])
        }
        IoArg::WinsizeOut => {
            let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
            let r = ioctl_ptr(fd, hreq, &mut ws)?;
            c.put(arg, &structs::winsize_to_guest(c.abi, &ws))?;
            Ok(r)
        }
        IoArg::WinsizeIn => {
            let mut ws = structs::winsize_from_guest(&c.get(arg, structs::WINSIZE_SIZE)?);
            ioctl_ptr(fd, hreq, &mut ws)
        }
        IoArg::TimevalOut | IoArg::TimespecOut => {
            let mut t = [0i64; 2];
            let r = ioctl_ptr(fd, hreq, t.as_mut_ptr())?;
            c.put(arg, &structs::timespec_to_guest(c.abi, t[0], t[1]))?;
            Ok(r)
        }
        IoArg::CloneRange => {
            let l = Layout::of(c.abi, &[Ty::I64, Ty::U64, Ty::U64, Ty::U64]);
            let r = c.get(arg, l.size)?;
            let mut v: [u64; 4] = std::array::from_fn(|i| l.get(&r, 0, i));
            if crate::hostfd::is_own(v[0] as i32) {
                return Err(Errno::EBADF);
            }
            ioctl_ptr(fd, hreq, v.as_mut_ptr())
        }
        IoArg::IfreqAddr | IoArg::IfreqShort | IoArg::IfreqInt => ifreq(c, fd, hreq, arg, what.arg()),
        IoArg::Ifconf => ifconf(c, fd, hreq, arg),
    }
}

/// IFNAMSIZ.
const IFNAMSIZ: usize = 16;
/// The host's `struct ifreq` (x86-64: 40 bytes).
const HOST_IFREQ: usize = 40;

/// The guest's `struct ifreq`: the name, then a union whose largest member is `struct ifmap`
/// (two longs, a short and three chars).
fn ifreq_size(c: &Ctx) -> usize {
    let map = Layout::of(c.abi, &[Ty::ULong, Ty::ULong, Ty::U16, Ty::U8, Ty::U8, Ty::U8]);
    (IFNAMSIZ + map.size.max(16)).next_multiple_of(map.align)
}

/// One guest ifreq (at `g`) → host ifreq bytes.
fn ifreq_to_host(c: &Ctx, g: &[u8], kind: IoArg) -> [u8; HOST_IFREQ] {
    let mut h = [0u8; HOST_IFREQ];
    h[..IFNAMSIZ].copy_from_slice(&g[..IFNAMSIZ]);
    let u = &g[IFNAMSIZ..];
    let r = crate::linux::convert::GuestReader::from_bytes(u.to_vec(), c.abi);
    match kind {
        IoArg::IfreqAddr => h[IFNAMSIZ..IFNAMSIZ + 16].copy_from_slice(&sockaddr::to_host(c.abi, &u[..16])),
        IoArg::IfreqShort => h[IFNAMSIZ..IFNAMSIZ + 2].copy_from_slice(&r.u16(0).to_le_bytes()),
        _ => h[IFNAMSIZ..IFNAMSIZ + 4].copy_from_slice(&r.u32(0).to_le_bytes()),
    }
    h
}

/// Host ifreq → guest ifreq bytes (`size` long).
fn ifreq_to_guest(c: &Ctx, h: &[u8], kind: IoArg, size: usize) -> Vec<u8> {
    let mut w = GuestWriter::new(size, c.abi);
    w.bytes(0, &h[..IFNAMSIZ]);
    let u = &h[IFNAMSIZ..];
    match kind {
        IoArg::IfreqAddr => w.bytes(IFNAMSIZ, &sockaddr::to_guest(c.abi, &u[..16])),
        IoArg::IfreqShort => w.u16(IFNAMSIZ, u16::from_le_bytes([u[0], u[1]])),
        _ => w.u32(IFNAMSIZ, u32::from_le_bytes(u[..4].try_into().unwrap())),
    }
    w.buf
}

fn ifreq(c: &Ctx, fd: i32, hreq: u64, arg: u64, kind: IoArg) -> SysResult {
    let size = ifreq_size(c);
    let g = c.get(arg, size)?.buf;
    let mut h = ifreq_to_host(c, &g, kind);
    let r = ioctl_ptr(fd, hreq, h.as_mut_ptr())?;
    c.mem().write(arg, &ifreq_to_guest(c, &h, kind, size))?;
    Ok(r)
}

/// SIOCGIFCONF: `struct ifconf` {int len; pointer to ifreqs}; each returned ifreq holds an
/// interface name and its address.
fn ifconf(c: &Ctx, fd: i32, hreq: u64, arg: u64) -> SysResult {
    let l = Layout::of(c.abi, &[Ty::I32, Ty::Ptr]);
    let r = c.get(arg, l.size)?;
    let (len, buf) = (l.get(&r, 0, 0) as i32, l.get(&r, 0, 1));
    let gsize = ifreq_size(c);
    let n = if len > 0 { len as usize / gsize } else { 0 };
    let mut hbuf = vec![0u8; n * HOST_IFREQ];
    #[repr(C)]
    struct Ifconf {
        len: i32,
        buf: *mut u8,
    }
    let mut ic = Ifconf { len: (n * HOST_IFREQ) as i32, buf: if buf == 0 { std::ptr::null_mut() } else { hbuf.as_mut_ptr() } };
    let ret = ioctl_ptr(fd, hreq, &mut ic)?;
    let got = ic.len.max(0) as usize / HOST_IFREQ;
    if buf != 0 {
        let mut out = Vec::with_capacity(got * gsize);
        for i in 0..got.min(n) {
            out.extend(ifreq_to_guest(c, &hbuf[i * HOST_IFREQ..(i + 1) * HOST_IFREQ], IoArg::IfreqAddr, gsize));
        }
        c.mem().write(buf, &out)?;
    }
    let mut w = l.writer(c.abi);
    l.put(&mut w, 0, 0, (got * gsize) as u64);
    l.put(&mut w, 0, 1, buf);
    c.put(arg, &w)?;
    Ok(ret)
}
