//! Socket control messages (`struct cmsghdr` chains in msg_control).
//!
//! A chain is parsed into (level, type, payload) records and rebuilt in the other side's
//! layout: the header is {size_t len; int level; int type}, and headers and payloads are
//! aligned to `sizeof(long)` (CMSG_ALIGN). On arm64 and x86-64 both come out the same, but a
//! 32-bit guest has a 12-byte header and 4-byte alignment, so this is a layout function and
//! never a memcpy. Payloads whose layout is known (fds, credentials, timestamps, packet info)
//! are re-laid field by field; others are copied as bytes.

use super::layout::{self, Layout, Ty};
use super::{Abi, GuestReader, GuestWriter};
use nix::errno::Errno;

pub const SOL_SOCKET: i32 = 1;
pub const SCM_RIGHTS: i32 = 1;
pub const SCM_CREDENTIALS: i32 = 2;
const IPPROTO_IP: i32 = 0;
const IPPROTO_IPV6: i32 = 41;

/// One control message: level, type and payload (in host layout once converted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cmsg {
    pub level: i32,
    pub ty: i32,
    pub data: Vec<u8>,
}

/// The payload layout of a (level, type): a struct, or an array of `Ty` elements when `array`.
fn payload(level: i32, ty: i32) -> Option<(&'static [Ty], bool)> {
    const TIMEVAL: &[Ty] = &[Ty::Long, Ty::Long];
    const TIMESPEC3: &[Ty] = &[Ty::Long, Ty::Long, Ty::Long, Ty::Long, Ty::Long, Ty::Long];
    const TS64: &[Ty] = &[Ty::I64, Ty::I64];
    const TS64_3: &[Ty] = &[Ty::I64, Ty::I64, Ty::I64, Ty::I64, Ty::I64, Ty::I64];
    const INT: &[Ty] = &[Ty::I32];
    Some(match (level, ty) {
        (SOL_SOCKET, SCM_RIGHTS) => (INT, true),
        (SOL_SOCKET, SCM_CREDENTIALS) => (&[Ty::I32, Ty::U32, Ty::U32], false),
        // SO_TIMESTAMP_OLD, SO_TIMESTAMPNS_OLD, SO_TIMESTAMPING_OLD and the _NEW (64-bit) forms.
        (SOL_SOCKET, 29) | (SOL_SOCKET, 35) => (TIMEVAL, false),
        (SOL_SOCKET, 37) => (TIMESPEC3, false),
        (SOL_SOCKET, 63) | (SOL_SOCKET, 64) => (TS64, false),
        (SOL_SOCKET, 65) => (TS64_3, false),
        // SO_RXQ_OVFL, SO_MARK, ... and the int-valued IP/IPv6 ones.
        (SOL_SOCKET, 40) | (SOL_SOCKET, 36) => (INT, false),
        (IPPROTO_IP, 8) => (&[Ty::I32, Ty::Bytes(4), Ty::Bytes(4)], false), // IP_PKTINFO
        (IPPROTO_IP, 2) => (INT, false),                                     // IP_TTL
        (IPPROTO_IPV6, 50) => (&[Ty::Bytes(16), Ty::I32], false),            // IPV6_PKTINFO
        (IPPROTO_IPV6, 52) | (IPPROTO_IPV6, 67) => (INT, false),             // IPV6_HOPLIMIT, IPV6_TCLASS
        _ => return None,
    })
}

/// Re-lay one payload; unknown or odd-sized payloads are copied as bytes.
fn convert_payload(abi: &Abi, level: i32, ty: i32, data: &[u8], to_host: bool) -> Vec<u8> {
    let Some((tys, array)) = payload(level, ty) else { return data.to_vec() };
    let (from, to) = if to_host { (Layout::of(abi, tys), layout::host_layout(tys)) } else { (layout::host_layout(tys), Layout::of(abi, tys)) };
    let (n, rest) = if array { (data.len() / from.size, data.len() % from.size) } else { (1, if data.len() == from.size { 0 } else { 1 }) };
    if rest != 0 || from.size == 0 {
        return data.to_vec();
    }
    let mut out = Vec::with_capacity(n * to.size);
    for chunk in data.chunks(from.size).take(n) {
        if to_host {
            out.extend(layout::to_host(abi, tys, chunk));
        } else {
            out.extend(layout::to_guest(abi, tys, chunk).buf);
        }
    }
    out
}

/// The cmsghdr layout of `abi`: (header layout, aligned header size, alignment).
fn hdr(abi: &Abi) -> (Layout, usize, usize) {
    let l = Layout::of(abi, &[Ty::ULong, Ty::I32, Ty::I32]);
    let align = abi.long_size;
    let size = l.size.next_multiple_of(align);
    (l, size, align)
}

/// Parse a guest control buffer (EINVAL for a malformed chain, as the kernel's sendmsg).
pub fn from_guest(abi: &Abi, buf: &[u8]) -> Result<Vec<Cmsg>, Errno> {
    let (l, hsize, align) = hdr(abi);
    let r = GuestReader::from_bytes(buf.to_vec(), abi);
    let mut out = Vec::new();
    let mut off = 0;
    while off + hsize <= buf.len() {
        let len = l.get(&r, off, 0) as usize;
        if len < hsize || len > buf.len() - off {
            return Err(Errno::EINVAL);
        }
        let (level, ty) = (l.get(&r, off, 1) as i32, l.get(&r, off, 2) as i32);
        out.push(Cmsg { level, ty, data: convert_payload(abi, level, ty, &buf[off + hsize..off + len], true) });
        off += len.next_multiple_of(align);
    }
    Ok(out)
}

/// Build the host (x86-64) control buffer.
pub fn to_host(msgs: &[Cmsg]) -> Vec<u8> {
    let mut out = Vec::new();
    for m in msgs {
        out.extend_from_slice(&((16 + m.data.len()) as u64).to_le_bytes());
        out.extend_from_slice(&m.level.to_le_bytes());
        out.extend_from_slice(&m.ty.to_le_bytes());
        out.extend_from_slice(&m.data);
        out.resize(out.len().next_multiple_of(8), 0);
    }
    out
}

/// Parse a host control buffer as the kernel filled it (`len` bytes used).
pub fn from_host(buf: &[u8]) -> Vec<Cmsg> {
    let mut out = Vec::new();
    let mut off = 0;
    while off + 16 <= buf.len() {
        let len = u64::from_le_bytes(buf[off..off + 8].try_into().unwrap()) as usize;
        if len < 16 || len > buf.len() - off {
            break;
        }
        let level = i32::from_le_bytes(buf[off + 8..off + 12].try_into().unwrap());
        let ty = i32::from_le_bytes(buf[off + 12..off + 16].try_into().unwrap());
        out.push(Cmsg { level, ty, data: buf[off + 16..off + len].to_vec() });
        off += len.next_multiple_of(8);
    }
    out
}

/// What did not fit into the guest's control buffer.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Truncated {
    /// Some message was cut or dropped (MSG_CTRUNC).
    pub ctrunc: bool,
    /// Received fds that were not delivered (the caller closes them).
    pub lost_fds: Vec<i32>,
}

/// Build the guest control buffer from host messages, into at most `space` bytes. As the
/// kernel does, a message that does not fit whole is cut (SCM_RIGHTS to whole fds) and the
/// rest dropped.
pub fn to_guest(abi: &Abi, msgs: &[Cmsg], space: usize) -> (Vec<u8>, Truncated) {
    let (l, hsize, align) = hdr(abi);
    let mut out: Vec<u8> = Vec::new();
    let mut t = Truncated::default();
    for m in msgs {
        let data = convert_payload(abi, m.level, m.ty, &m.data, false);
        let fds = m.level == SOL_SOCKET && m.ty == SCM_RIGHTS;
        let room = space.saturating_sub(out.len());
        let mut take = data.len();
        if t.ctrunc || room < hsize {
            take = 0;
        } else if hsize + data.len() > room {
            take = room - hsize;
            if fds {
                take -= take % 4;
            }
        }
        if fds {
            for chunk in m.data.chunks(4).skip(take / 4) {
                if chunk.len() == 4 {
                    t.lost_fds.push(i32::from_le_bytes(chunk.try_into().unwrap()));
                }
            }
        }
        if t.ctrunc || room < hsize {
            t.ctrunc = true;
            continue;
        }
        if take < data.len() {
            t.ctrunc = true;
        }
        let mut w = GuestWriter::new(hsize, abi);
        l.put(&mut w, 0, 0, (hsize + take) as u64);
        l.put(&mut w, 0, 1, m.level as u64);
        l.put(&mut w, 0, 2, m.ty as u64);
        out.extend_from_slice(&w.buf);
        out.extend_from_slice(&data[..take]);
        // Padding counts as used, up to the end of the buffer (as the kernel's put_cmsg).
        let padded = out.len().next_multiple_of(align).min(space);
        out.resize(padded.max(out.len()), 0);
    }
    (out, t)
}

/// Host control-buffer size to receive into for a guest buffer of `guest` bytes: the same
/// when the layouts agree (so the kernel truncates exactly as for a native program), larger
/// otherwise.
pub fn host_space(abi: &Abi, guest: usize) -> usize {
    if !abi.big_endian && abi.long_size == 8 {
        guest
    } else {
        guest * 2 + 64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linux::convert::aarch64::ABI;

    fn guest_msg(level: i32, ty: i32, data: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&((16 + data.len()) as u64).to_le_bytes());
        v.extend_from_slice(&level.to_le_bytes());
        v.extend_from_slice(&ty.to_le_bytes());
        v.extend_from_slice(data);
        v.resize(v.len().next_multiple_of(8), 0);
        v
    }

    #[test]
    fn rights_and_credentials_round_trip() {
        let mut buf = guest_msg(SOL_SOCKET, SCM_RIGHTS, &[3, 0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0]);
        buf.extend(guest_msg(SOL_SOCKET, SCM_CREDENTIALS, &[1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]));
        let msgs = from_guest(&ABI, &buf).unwrap();
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0].data.len(), 12);
        let host = to_host(&msgs);
        assert_eq!(host, buf, "arm64 and x86-64 control messages have the same bytes");
        assert_eq!(from_host(&host), msgs);
        let (g, t) = to_guest(&ABI, &msgs, buf.len());
        assert_eq!(g, buf);
        assert_eq!(t, Truncated::default());
    }

    #[test]
    fn truncation_drops_fds_that_do_not_fit() {
        let msgs = vec![Cmsg { level: SOL_SOCKET, ty: SCM_RIGHTS, data: [7i32, 8, 9].iter().flat_map(|v| v.to_le_bytes()).collect() }];
        // Room for the header and two fds (CMSG_LEN(8) = 24), as the kernel's fdmax.
        let (g, t) = to_guest(&ABI, &msgs, 27);
        assert_eq!(u64::from_le_bytes(g[..8].try_into().unwrap()), 24);
        assert_eq!(&g[16..24], &[7, 0, 0, 0, 8, 0, 0, 0]);
        assert_eq!(g.len(), 24);
        assert!(t.ctrunc);
        assert_eq!(t.lost_fds, vec![9]);
        // No room at all.
        let (g, t) = to_guest(&ABI, &msgs, 8);
        assert!(g.is_empty() && t.ctrunc && t.lost_fds == vec![7, 8, 9]);
    }

    #[test]
    fn malformed_chain_is_einval() {
        let mut buf = guest_msg(SOL_SOCKET, SCM_RIGHTS, &[3, 0, 0, 0]);
        buf[0] = 200; // longer than the buffer
        assert_eq!(from_guest(&ABI, &buf), Err(Errno::EINVAL));
        buf[0] = 4; // shorter than a header
        assert_eq!(from_guest(&ABI, &buf), Err(Errno::EINVAL));
    }

    #[test]
    fn ilp32_layout_differs() {
        let abi = Abi { long_size: 4, align_u64: 8, ..ABI };
        // A 32-bit guest: 12-byte header, 4-byte alignment; SCM_CREDENTIALS payload 12 bytes.
        let mut g = Vec::new();
        g.extend_from_slice(&24u32.to_le_bytes());
        g.extend_from_slice(&SOL_SOCKET.to_le_bytes());
        g.extend_from_slice(&SCM_CREDENTIALS.to_le_bytes());
        g.extend_from_slice(&[1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]);
        let msgs = from_guest(&abi, &g).unwrap();
        let host = to_host(&msgs);
        assert_eq!(host.len(), 32);
        assert_eq!(u64::from_le_bytes(host[..8].try_into().unwrap()), 28);
        let (back, t) = to_guest(&abi, &from_host(&host), 64);
        assert_eq!(back, g);
        assert!(!t.ctrunc);
    }
}
