//! getsockopt/setsockopt. Each (level, option) whose value is not a plain int has a row in
//! `kind`: its value is re-laid field by field between the guest's and the host's layouts
//! (timevals of SO_RCVTIMEO/SO_SNDTIMEO, SO_LINGER, SO_PEERCRED, multicast requests, ...).
//! Ints are converted as ints; values that are strings or opaque bytes are copied.

use super::{host, int, Ctx, Handler, SysResult};
use crate::linux::convert::layout::{self, Layout, Ty};
use crate::linux::convert::GuestWriter;
use crate::log::Item;
use crate::logf;
use nix::errno::Errno;

pub static HANDLERS: &[(&str, Handler)] = &[("getsockopt", sys_getsockopt), ("setsockopt", sys_setsockopt)];

const SOL_SOCKET: i32 = 1;
const IPPROTO_IP: i32 = 0;
const IPPROTO_TCP: i32 = 6;
const IPPROTO_UDP: i32 = 17;
const IPPROTO_IPV6: i32 = 41;
const SOL_PACKET: i32 = 263;
const SOL_NETLINK: i32 = 270;

/// How an option's value is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// An int (byte-sized values of a few IP options are passed as they are).
    Int,
    /// A struct of these fields.
    Struct(&'static [Ty]),
    /// An array of 32-bit values.
    U32s,
    /// A string or opaque bytes, copied.
    Bytes,
    /// `struct sock_fprog` {u16 len; struct sock_filter *filter}: a classic BPF program.
    Fprog,
}

const TIMEVAL: &[Ty] = &[Ty::Long, Ty::Long];
const TIMEVAL64: &[Ty] = &[Ty::I64, Ty::I64];

fn kind(level: i32, opt: i32) -> Kind {
    match (level, opt) {
        // SO_RCVTIMEO_OLD, SO_SNDTIMEO_OLD (a timeval) and the _NEW forms (64-bit times).
        (SOL_SOCKET, 20) | (SOL_SOCKET, 21) => Kind::Struct(TIMEVAL),
        (SOL_SOCKET, 66) | (SOL_SOCKET, 67) => Kind::Struct(TIMEVAL64),
        (SOL_SOCKET, 13) => Kind::Struct(&[Ty::I32, Ty::I32]),          // SO_LINGER
        (SOL_SOCKET, 17) => Kind::Struct(&[Ty::I32, Ty::U32, Ty::U32]), // SO_PEERCRED
        (SOL_SOCKET, 26) | (SOL_SOCKET, 51) => Kind::Fprog,             // SO_ATTACH_FILTER, SO_ATTACH_REUSEPORT_CBPF
        (SOL_SOCKET, 59) => Kind::U32s,                                 // SO_PEERGROUPS
        // SO_BINDTODEVICE, SO_PEERNAME, SO_PEERSEC, SO_MEMINFO (u32s), SO_TIMESTAMPING's struct.
        (SOL_SOCKET, 25) | (SOL_SOCKET, 28) | (SOL_SOCKET, 31) => Kind::Bytes,
        (SOL_SOCKET, 55) => Kind::U32s,
        // ip_mreq / ip_mreqn / ip_mreq_source: in_addrs, then an ifindex for ip_mreqn.
        (IPPROTO_IP, 35) | (IPPROTO_IP, 36) | (IPPROTO_IP, 32) => Kind::Struct(&[Ty::Bytes(4), Ty::Bytes(4), Ty::I32]),
        // IP_OPTIONS, IP_PKTOPTIONS, source-specific memberships (in_addr triples), IP_MSFILTER,
        // MCAST_* (sockaddr_storage): byte strings.
        (IPPROTO_IP, 4) | (IPPROTO_IP, 9) | (IPPROTO_IP, 39..=48) => Kind::Bytes,
        // ipv6_mreq, in6_pktinfo.
        (IPPROTO_IPV6, 20) | (IPPROTO_IPV6, 21) | (IPPROTO_IPV6, 50) => Kind::Struct(&[Ty::Bytes(16), Ty::I32]),
        (IPPROTO_IPV6, 6) | (IPPROTO_IPV6, 54..=57) | (IPPROTO_IPV6, 59) | (IPPROTO_IPV6, 42..=48) => Kind::Bytes,
        // TCP_INFO (fixed-size fields), TCP_CONGESTION, TCP_MD5SIG, TCP_ULP, TCP_REPAIR_WINDOW...
        (IPPROTO_TCP, 11) | (IPPROTO_TCP, 13) | (IPPROTO_TCP, 14) | (IPPROTO_TCP, 26) | (IPPROTO_TCP, 29) | (IPPROTO_TCP, 31) | (IPPROTO_TCP, 32) => Kind::Bytes,
        // packet_mreq, tpacket_req/stats.
        (SOL_PACKET, 1) | (SOL_PACKET, 2) => Kind::Struct(&[Ty::I32, Ty::U16, Ty::U16, Ty::Bytes(8)]),
        (SOL_PACKET, _) => Kind::Bytes,
        (SOL_NETLINK, 9) => Kind::U32s, // NETLINK_LIST_MEMBERSHIPS
        (SOL_SOCKET | IPPROTO_IP | IPPROTO_IPV6 | IPPROTO_TCP | IPPROTO_UDP | SOL_NETLINK, _) => Kind::Int,
        _ => Kind::Bytes,
    }
}

/// Largest option value accepted.
const OPT_MAX: u64 = 1 << 16;

/// Whether opaque values can be copied: the guest's integers are the host's.
fn host_like(c: &Ctx) -> bool {
    !c.abi.big_endian && c.abi.long_size == 8
}

fn sys_setsockopt(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (fd, level, opt, val, len) = (int(a[0]), int(a[1]), int(a[2]), a[3], a[4] as u32 as u64);
    if len > OPT_MAX {
        return Err(Errno::EINVAL);
    }
    let mut g = vec![0u8; len as usize];
    c.mem().read(val, &mut g)?;
    let k = kind(level, opt);
    let h: Vec<u8> = match k {
        Kind::Int if len >= 4 => {
            let v = c.get(val, 4)?.u32(0);
            let mut h = v.to_le_bytes().to_vec();
            h.extend_from_slice(&g[4..]);
            h
        }
        Kind::Struct(tys) if len as usize >= Layout::of(c.abi, tys).size => layout::to_host(c.abi, tys, &g),
        // A shorter form made of the leading address bytes (in_addr, ip_mreq for ip_mreqn).
        Kind::Struct(tys) if matches!(tys[0], Ty::Bytes(_)) => g.clone(),
        Kind::U32s => g.chunks(4).flat_map(|w| {
            let mut b = [0u8; 4];
            b[..w.len()].copy_from_slice(w);
            crate::linux::convert::GuestReader::from_bytes(b.to_vec(), c.abi).u32(0).to_le_bytes()
        }).collect(),
        Kind::Fprog => return set_fprog(c, fd, level, opt, val, len),
        Kind::Int | Kind::Bytes => g.clone(),
        Kind::Struct(_) => return Err(Errno::EINVAL),
    };
    if k == Kind::Bytes && !host_like(c) {
        logf!(Item::Unimp, "ruser: setsockopt level {level} option {opt}: layout unknown for this guest");
        return Err(Errno::ENOPROTOOPT);
    }
    host(unsafe { libc::setsockopt(fd, level, opt, h.as_ptr() as *const _, h.len() as u32) } as i64)
}

/// SO_ATTACH_FILTER: the guest's sock_fprog points to guest memory; the filter instructions
/// ({u16 code; u8 jt; u8 jf; u32 k}) are copied into a host program.
fn set_fprog(c: &Ctx, fd: i32, level: i32, opt: i32, val: u64, len: u64) -> SysResult {
    let l = Layout::of(c.abi, &[Ty::U16, Ty::Ptr]);
    if (len as usize) < l.size {
        return Err(Errno::EINVAL);
    }
    let r = c.get(val, l.size)?;
    let (n, filter) = (l.get(&r, 0, 0) as usize, l.get(&r, 0, 1));
    let fr = c.get(filter, 8 * n)?;
    let mut prog: Vec<u64> = Vec::with_capacity(n);
    for i in 0..n {
        let (code, jt, jf, k) = (fr.u16(8 * i), fr.u8(8 * i + 2), fr.u8(8 * i + 3), fr.u32(8 * i + 4));
        prog.push(code as u64 | (jt as u64) << 16 | (jf as u64) << 24 | (k as u64) << 32);
    }
    #[repr(C)]
    struct Fprog {
        len: u16,
        filter: *const u64,
    }
    let fp = Fprog { len: n as u16, filter: prog.as_ptr() };
    host(unsafe { libc::setsockopt(fd, level, opt, &fp as *const Fprog as *const _, std::mem::size_of::<Fprog>() as u32) } as i64)
}

fn sys_getsockopt(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (fd, level, opt, val, lenp) = (int(a[0]), int(a[1]), int(a[2]), a[3], a[4]);
    let glen = c.get(lenp, 4)?.u32(0);
    if (glen as i32) < 0 {
        return Err(Errno::EINVAL);
    }
    crate::linux::convert::check_w(c.mem(), lenp, 4)?;
    let glen = (glen as u64).min(OPT_MAX) as usize;
    let k = kind(level, opt);
    if matches!(k, Kind::Bytes | Kind::Fprog) && !host_like(c) {
        logf!(Item::Unimp, "ruser: getsockopt level {level} option {opt}: layout unknown for this guest");
        return Err(Errno::ENOPROTOOPT);
    }
    // The host buffer: big enough for the host form of whatever the guest can take.
    let hsize = match k {
        Kind::Struct(tys) => layout::host_layout(tys).size.max(glen),
        Kind::Int => glen.max(4),
        _ => glen,
    };
    let mut h = vec![0u8; hsize];
    let mut hlen = match k {
        Kind::Struct(tys) if glen >= Layout::of(c.abi, tys).size => layout::host_layout(tys).size as u32,
        Kind::Int if glen >= 4 => 4.max(glen as u32),
        _ => glen as u32,
    };
    host(unsafe { libc::getsockopt(fd, level, opt, h.as_mut_ptr() as *mut _, &mut hlen) } as i64)?;
    let hlen = (hlen as usize).min(h.len());
    let out: Vec<u8> = match k {
        Kind::Int if hlen >= 4 => {
            let mut w = GuestWriter::new(hlen, c.abi);
            w.u32(0, u32::from_le_bytes(h[..4].try_into().unwrap()));
            w.bytes(4, &h[4..hlen]);
            w.buf
        }
        Kind::Struct(tys) if hlen == layout::host_layout(tys).size => layout::to_guest(c.abi, tys, &h[..hlen]).buf,
        Kind::U32s => h[..hlen].chunks(4).flat_map(|w| {
            let mut b = [0u8; 4];
            b[..w.len()].copy_from_slice(w);
            let mut gw = GuestWriter::new(4, c.abi);
            gw.u32(0, u32::from_le_bytes(b));
            gw.buf
        }).collect(),
        _ => h[..hlen].to_vec(),
    };
    let n = out.len().min(glen);
    c.mem().write(val, &out[..n])?;
    let mut w = GuestWriter::new(4, c.abi);
    w.u32(0, n as u32);
    c.put(lenp, &w)?;
    Ok(0)
}
