//! Sockets: creation, addresses, connections and message transfer, with socket addresses
//! (`convert::sockaddr`), `struct msghdr`/`mmsghdr` and control messages (`convert::cmsg`)
//! translated. Options are in `sockopt.rs`. Every call that may wait goes through `blocking`.

use super::io::iovecs;
use super::{blocking, host, int, Ctx, Handler, SysResult};
use crate::hostfd;
use crate::linux::convert::cmsg::{self, Cmsg};
use crate::linux::convert::layout::{Layout, Ty};
use crate::linux::convert::{check_w, flags, sockaddr, GuestWriter};
use crate::mem::{PROT_READ, PROT_WRITE};
use nix::errno::Errno;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("socket", sys_socket),
    ("socketpair", sys_socketpair),
    ("bind", sys_bind),
    ("connect", sys_connect),
    ("listen", sys_listen),
    ("accept", sys_accept),
    ("accept4", sys_accept4),
    ("getsockname", sys_getsockname),
    ("getpeername", sys_getpeername),
    ("shutdown", sys_shutdown),
    ("sendto", sys_sendto),
    ("recvfrom", sys_recvfrom),
    ("sendmsg", sys_sendmsg),
    ("recvmsg", sys_recvmsg),
    ("sendmmsg", sys_sendmmsg),
    ("recvmmsg", sys_recvmmsg),
];

/// SOCK_NONBLOCK and SOCK_CLOEXEC are the guest's O_NONBLOCK and O_CLOEXEC; the type is the
/// low four bits.
fn sock_type(c: &Ctx, v: u64) -> i32 {
    let v = v as u32;
    (v & 0xf) as i32 | flags::open_to_host(c.abi, v & !0xf)
}

fn sys_socket(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::socket(int(a[0]), sock_type(c, a[1]), int(a[2])) } as i64)
}

fn sys_socketpair(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    check_w(c.mem(), a[3], 8)?;
    let mut sv = [0i32; 2];
    host(unsafe { libc::socketpair(int(a[0]), sock_type(c, a[1]), int(a[2]), sv.as_mut_ptr()) } as i64)?;
    let mut w = GuestWriter::new(8, c.abi);
    w.u32(0, sv[0] as u32);
    w.u32(4, sv[1] as u32);
    if let Err(e) = c.put(a[3], &w) {
        unsafe {
            libc::close(sv[0]);
            libc::close(sv[1]);
        }
        return Err(e);
    }
    Ok(0)
}

/// A guest socket address of `len` bytes as host bytes (EINVAL beyond sockaddr_storage).
fn addr_in(c: &Ctx, addr: u64, len: u64) -> Result<Vec<u8>, Errno> {
    if len as i32 as i64 != len as i64 || len as i32 > sockaddr::SOCKADDR_MAX as i32 || (len as i32) < 0 {
        return Err(Errno::EINVAL);
    }
    let mut b = vec![0u8; len as usize];
    c.mem().read(addr, &mut b)?;
    Ok(sockaddr::to_host(c.abi, &b))
}

fn sys_bind(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let sa = addr_in(c, a[1], a[2])?;
    host(unsafe { libc::bind(int(a[0]), sa.as_ptr() as *const libc::sockaddr, sa.len() as u32) } as i64)
}

fn sys_connect(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let sa = addr_in(c, a[1], a[2])?;
    blocking(libc::SYS_connect, [a[0], sa.as_ptr() as u64, sa.len() as u64, 0, 0, 0])
}

fn sys_listen(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::listen(int(a[0]), int(a[1])) } as i64)
}

fn sys_shutdown(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::shutdown(int(a[0]), int(a[1])) } as i64)
}

/// An address the kernel returns through (addr, *addrlen): read the guest's buffer size first.
struct AddrOut {
    addr: u64,
    lenp: u64,
    guest_len: u32,
    buf: [u8; sockaddr::SOCKADDR_MAX],
    len: u32,
}

impl AddrOut {
    fn new(c: &Ctx, addr: u64, lenp: u64) -> Result<AddrOut, Errno> {
        let guest_len = if addr == 0 || lenp == 0 { 0 } else { c.get(lenp, 4)?.u32(0) };
        if (guest_len as i32) < 0 {
            return Err(Errno::EINVAL);
        }
        if lenp != 0 && addr != 0 {
            check_w(c.mem(), lenp, 4)?;
        }
        Ok(AddrOut { addr, lenp, guest_len, buf: [0; sockaddr::SOCKADDR_MAX], len: sockaddr::SOCKADDR_MAX as u32 })
    }
    /// (buffer, length pointer) for the host call (NULL, NULL when the guest asked for none).
    fn ptrs(&mut self) -> (u64, u64) {
        if self.addr == 0 || self.lenp == 0 {
            (0, 0)
        } else {
            (self.buf.as_mut_ptr() as u64, &mut self.len as *mut u32 as u64)
        }
    }
    /// Write the address (cut to the guest's buffer) and its real length back.
    fn store(&self, c: &Ctx) -> Result<(), Errno> {
        if self.addr == 0 || self.lenp == 0 {
            return Ok(());
        }
        let n = (self.len as usize).min(sockaddr::SOCKADDR_MAX);
        let g = sockaddr::to_guest(c.abi, &self.buf[..n]);
        c.mem().write(self.addr, &g[..n.min(self.guest_len as usize)])?;
        let mut w = GuestWriter::new(4, c.abi);
        w.u32(0, self.len);
        c.put(self.lenp, &w)
    }
}

fn accept(c: &Ctx, a: [u64; 6], fl: u64) -> SysResult {
    let mut out = AddrOut::new(c, a[1], a[2])?;
    let (p, l) = out.ptrs();
    let fd = blocking(libc::SYS_accept4, [a[0], p, l, flags::open_to_host(c.abi, fl as u32) as u32 as u64, 0, 0])?;
    if let Err(e) = out.store(c) {
        unsafe { libc::close(fd as i32) };
        return Err(e);
    }
    Ok(fd)
}

fn sys_accept(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    accept(c, a, 0)
}

fn sys_accept4(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    accept(c, a, a[3])
}

fn name_call(c: &Ctx, a: [u64; 6], nr: i64) -> SysResult {
    if a[1] == 0 || a[2] == 0 {
        return Err(Errno::EFAULT);
    }
    let mut out = AddrOut::new(c, a[1], a[2])?;
    let (p, l) = out.ptrs();
    host(unsafe { libc::syscall(nr, int(a[0]), p, l) })?;
    out.store(c)?;
    Ok(0)
}

fn sys_getsockname(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    name_call(c, a, libc::SYS_getsockname)
}

fn sys_getpeername(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    name_call(c, a, libc::SYS_getpeername)
}

/// sendto(fd, buf, len, flags, addr, addrlen).
fn sys_sendto(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let len = a[2].min(super::io::MAX_RW);
    let p = c.buf_r(a[1], len as usize)?;
    let sa = if a[4] == 0 { None } else { Some(addr_in(c, a[4], a[5])?) };
    let (sp, sl) = sa.as_ref().map_or((0, 0), |s| (s.as_ptr() as u64, s.len() as u64));
    blocking(libc::SYS_sendto, [a[0], p as u64, len, a[3] as u32 as u64, sp, sl])
}

/// recvfrom(fd, buf, len, flags, addr, *addrlen).
fn sys_recvfrom(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let len = a[2].min(super::io::MAX_RW);
    let p = c.buf_w(a[1], len as usize)?;
    let mut out = AddrOut::new(c, a[4], a[5])?;
    let (ap, lp) = out.ptrs();
    let n = blocking(libc::SYS_recvfrom, [a[0], p as u64, len, a[3] as u32 as u64, ap, lp])?;
    out.store(c)?;
    Ok(n)
}

// ---------------------------------------------------------------- msghdr

/// `struct msghdr`: name, namelen, iov, iovlen, control, controllen, flags.
const MSGHDR: &[Ty] = &[Ty::Ptr, Ty::U32, Ty::Ptr, Ty::ULong, Ty::Ptr, Ty::ULong, Ty::I32];
const M_NAME: usize = 0;
const M_NAMELEN: usize = 1;
const M_IOV: usize = 2;
const M_IOVLEN: usize = 3;
const M_CONTROL: usize = 4;
const M_CONTROLLEN: usize = 5;
const M_FLAGS: usize = 6;

const MSG_CTRUNC: i32 = 8;

/// Most control data handled per message (well above the kernel's net.core.optmem_max).
const CONTROL_MAX: usize = 1 << 20;

/// A guest msghdr turned into a host one, with the buffers it points to.
struct Msg {
    /// Guest address of the msghdr.
    at: u64,
    name_at: u64,
    guest_namelen: u32,
    control_at: u64,
    guest_controllen: usize,
    name: Vec<u8>,
    iov: Vec<libc::iovec>,
    control: Vec<u8>,
    hdr: libc::msghdr,
}

impl Msg {
    /// Read the guest msghdr at `at` for sending (`send`) or receiving.
    fn load(c: &Ctx, at: u64, send: bool) -> Result<Msg, Errno> {
        let l = Layout::of(c.abi, MSGHDR);
        let r = c.get(at, l.size)?;
        let f = |i| l.get(&r, 0, i);
        let (name_at, namelen) = (f(M_NAME), f(M_NAMELEN) as u32);
        let (control_at, controllen) = (f(M_CONTROL), f(M_CONTROLLEN));
        // The kernel refuses control data beyond its optmem limit (ENOBUFS); nothing it
        // returns is bigger either.
        if controllen > i32::MAX as u64 || send && controllen > CONTROL_MAX as u64 {
            return Err(Errno::ENOBUFS);
        }
        let iov = iovecs(c, f(M_IOV), f(M_IOVLEN), if send { PROT_READ } else { PROT_WRITE }).map_err(|e| if e == Errno::EINVAL && f(M_IOVLEN) > 1024 { Errno::EMSGSIZE } else { e })?;
        let name = if name_at == 0 {
            Vec::new()
        } else if send {
            addr_in(c, name_at, namelen as u64)?
        } else {
            if (namelen as i32) < 0 {
                return Err(Errno::EINVAL);
            }
            vec![0u8; sockaddr::SOCKADDR_MAX]
        };
        let control = if controllen == 0 || control_at == 0 {
            Vec::new()
        } else if send {
            let mut b = vec![0u8; controllen as usize];
            c.mem().read(control_at, &mut b)?;
            let msgs = cmsg::from_guest(c.abi, &b)?;
            for m in &msgs {
                if m.level == cmsg::SOL_SOCKET && m.ty == cmsg::SCM_RIGHTS && m.data.chunks(4).any(|d| d.len() == 4 && hostfd::is_own(i32::from_le_bytes(d.try_into().unwrap()))) {
                    return Err(Errno::EBADF);
                }
            }
            cmsg::to_host(&msgs)
        } else {
            check_w(c.mem(), control_at, controllen as usize)?;
            vec![0u8; cmsg::host_space(c.abi, (controllen as usize).min(CONTROL_MAX))]
        };
        // SAFETY: plain C struct, filled by host_hdr below.
        let hdr: libc::msghdr = unsafe { std::mem::zeroed() };
        let mut m = Msg { at, name_at, guest_namelen: namelen, control_at, guest_controllen: controllen as usize, name, iov, control, hdr };
        let h = m.host_hdr(f(M_FLAGS) as i32);
        m.hdr = h;
        Ok(m)
    }

    fn host_hdr(&mut self, flags: i32) -> libc::msghdr {
        // SAFETY: as above.
        let mut h: libc::msghdr = unsafe { std::mem::zeroed() };
        if !self.name.is_empty() {
            h.msg_name = self.name.as_mut_ptr() as *mut _;
            h.msg_namelen = self.name.len() as u32;
        }
        h.msg_iov = self.iov.as_mut_ptr();
        h.msg_iovlen = self.iov.len() as _;
        if !self.control.is_empty() {
            h.msg_control = self.control.as_mut_ptr() as *mut _;
            h.msg_controllen = self.control.len() as _;
        }
        h.msg_flags = flags;
        h
    }

    /// After a receive: write the address, the control messages and the flags back.
    fn store(&mut self, c: &Ctx) -> Result<(), Errno> {
        let l = Layout::of(c.abi, MSGHDR);
        let mut flags = self.hdr.msg_flags;
        let namelen = if self.name.is_empty() { 0 } else { self.hdr.msg_namelen };
        if !self.name.is_empty() {
            let n = (namelen as usize).min(self.name.len());
            let g = sockaddr::to_guest(c.abi, &self.name[..n]);
            c.mem().write(self.name_at, &g[..n.min(self.guest_namelen as usize)])?;
        }
        let mut controllen = 0;
        if !self.control.is_empty() {
            let used = (self.hdr.msg_controllen as usize).min(self.control.len());
            let msgs: Vec<Cmsg> = cmsg::from_host(&self.control[..used]);
            let (g, t) = cmsg::to_guest(c.abi, &msgs, self.guest_controllen);
            for fd in t.lost_fds {
                unsafe { libc::close(fd) };
            }
            if t.ctrunc {
                flags |= MSG_CTRUNC;
            }
            c.mem().write(self.control_at, &g)?;
            controllen = g.len();
        }
        let mut w = GuestWriter::new(l.size, c.abi);
        let r = c.get(self.at, l.size)?;
        w.buf.copy_from_slice(&r.buf);
        l.put(&mut w, 0, M_NAMELEN, namelen as u64);
        l.put(&mut w, 0, M_CONTROLLEN, controllen as u64);
        l.put(&mut w, 0, M_FLAGS, flags as u32 as u64);
        c.put(self.at, &w)
    }
}

fn sys_sendmsg(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let m = Msg::load(c, a[1], true)?;
    blocking(libc::SYS_sendmsg, [a[0], &m.hdr as *const _ as u64, a[2] as u32 as u64, 0, 0, 0])
}

fn sys_recvmsg(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut m = Msg::load(c, a[1], false)?;
    let n = blocking(libc::SYS_recvmsg, [a[0], &mut m.hdr as *mut _ as u64, a[2] as u32 as u64, 0, 0, 0])?;
    m.store(c)?;
    Ok(n)
}

/// UIO_MAXIOV: the kernel handles at most this many messages per call.
const MAX_MMSG: u64 = 1024;

/// `struct mmsghdr` {struct msghdr; unsigned int msg_len}: (stride, offset of msg_len).
fn mmsg_layout(c: &Ctx) -> (usize, usize) {
    let l = Layout::of(c.abi, MSGHDR);
    ((l.size + 4).next_multiple_of(l.align), l.size)
}

fn put_msg_len(c: &Ctx, at: u64, len: u32) -> Result<(), Errno> {
    let mut w = GuestWriter::new(4, c.abi);
    w.u32(0, len);
    c.put(at, &w)
}

#[repr(C)]
struct HostMmsg {
    hdr: libc::msghdr,
    len: u32,
}

fn sys_sendmmsg(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let n = a[2].min(MAX_MMSG);
    let (stride, len_off) = mmsg_layout(c);
    let msgs: Vec<Msg> = (0..n).map(|i| Msg::load(c, a[1] + i * stride as u64, true)).collect::<Result<_, _>>()?;
    let mut hv: Vec<HostMmsg> = msgs.iter().map(|m| HostMmsg { hdr: m.hdr, len: 0 }).collect();
    let sent = blocking(libc::SYS_sendmmsg, [a[0], hv.as_mut_ptr() as u64, n, a[3] as u32 as u64, 0, 0])?;
    for (i, h) in hv.iter().take(sent as usize).enumerate() {
        put_msg_len(c, a[1] + (i * stride + len_off) as u64, h.len)?;
    }
    Ok(sent)
}

fn sys_recvmmsg(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let n = a[2].min(MAX_MMSG);
    let (stride, len_off) = mmsg_layout(c);
    let mut msgs: Vec<Msg> = (0..n).map(|i| Msg::load(c, a[1] + i * stride as u64, false)).collect::<Result<_, _>>()?;
    let mut hv: Vec<HostMmsg> = msgs.iter().map(|m| HostMmsg { hdr: m.hdr, len: 0 }).collect();
    let mut ts = if a[4] == 0 { None } else { Some(crate::linux::convert::structs::timespec_from_guest(&c.get(a[4], crate::linux::convert::structs::TIMESPEC_SIZE)?)) };
    let tp = ts.as_mut().map_or(0, |t| t as *mut libc::timespec as u64);
    let got = blocking(libc::SYS_recvmmsg, [a[0], hv.as_mut_ptr() as u64, n, a[3] as u32 as u64, tp, 0])?;
    for (i, (m, h)) in msgs.iter_mut().zip(&hv).take(got as usize).enumerate() {
        m.hdr = h.hdr;
        m.store(c)?;
        put_msg_len(c, a[1] + (i * stride + len_off) as u64, h.len)?;
    }
    Ok(got)
}
