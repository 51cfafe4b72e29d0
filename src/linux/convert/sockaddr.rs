//! Socket addresses. Every `struct sockaddr_*` has the same size and field offsets on every
//! Linux ABI (they are built from fixed-size types); what differs is the byte order of the
//! fields kept in host order (the family, AF_INET6's scope id, AF_NETLINK's pid and groups,
//! AF_PACKET's ifindex and hardware type). Fields in network order (ports, addresses) and byte
//! arrays (AF_UNIX paths) are copied as they are.

use super::{Abi, GuestReader, GuestWriter};

pub const AF_UNIX: u16 = 1;
pub const AF_INET: u16 = 2;
pub const AF_INET6: u16 = 10;
pub const AF_NETLINK: u16 = 16;
pub const AF_PACKET: u16 = 17;

/// Largest socket address (sizeof(struct sockaddr_storage)).
pub const SOCKADDR_MAX: usize = 128;

/// Fields after the family that are in host byte order: (offset, size).
fn host_order_fields(family: u16) -> &'static [(usize, usize)] {
    match family {
        AF_INET6 => &[(24, 4)],             // sin6_scope_id
        AF_NETLINK => &[(4, 4), (8, 4)],    // nl_pid, nl_groups
        AF_PACKET => &[(4, 4), (8, 2)],     // sll_ifindex, sll_hatype
        _ => &[],
    }
}

/// Re-encode the host-order fields of a socket address from one byte order to the other.
fn convert(abi: &Abi, src: &[u8], to_host: bool) -> Vec<u8> {
    let mut out = src.to_vec();
    if !abi.big_endian || src.len() < 2 {
        return out;
    }
    // The guest is big-endian: swap every host-order field (the family first).
    let fam_guest = GuestReader::from_bytes(src.to_vec(), abi).u16(0);
    let family = if to_host { fam_guest } else { u16::from_le_bytes([src[0], src[1]]) };
    let mut fields = vec![(0usize, 2usize)];
    fields.extend_from_slice(host_order_fields(family));
    for (off, size) in fields {
        if off + size <= out.len() {
            out[off..off + size].reverse();
        }
    }
    out
}

/// Guest socket address bytes → host bytes.
pub fn to_host(abi: &Abi, guest: &[u8]) -> Vec<u8> {
    convert(abi, guest, true)
}

/// Host socket address bytes → guest bytes (same length).
pub fn to_guest(abi: &Abi, host: &[u8]) -> Vec<u8> {
    convert(abi, host, false)
}

/// The family of a guest socket address (0 when too short).
pub fn family(abi: &Abi, guest: &[u8]) -> u16 {
    if guest.len() < 2 {
        return 0;
    }
    GuestReader::from_bytes(guest[..2].to_vec(), abi).u16(0)
}

/// A guest sockaddr as a writer, for callers that assemble structs.
pub fn writer(abi: &Abi, host: &[u8]) -> GuestWriter {
    let mut w = GuestWriter::new(host.len(), abi);
    w.bytes(0, &to_guest(abi, host));
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linux::convert::aarch64::ABI;

    #[test]
    fn little_endian_guest_is_identity() {
        let a = [2u8, 0, 0x1f, 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(to_host(&ABI, &a), a);
        assert_eq!(to_guest(&ABI, &a), a);
        assert_eq!(family(&ABI, &a), AF_INET);
    }

    #[test]
    fn big_endian_guest_swaps_host_order_fields() {
        let be = Abi { big_endian: true, ..crate::linux::convert::aarch64::ABI };
        // AF_NETLINK from a big-endian guest: family 16, pad, pid 0x01020304, groups 5.
        let g = [0u8, 16, 0, 0, 1, 2, 3, 4, 0, 0, 0, 5];
        let h = to_host(&be, &g);
        assert_eq!(h, [16, 0, 0, 0, 4, 3, 2, 1, 5, 0, 0, 0]);
        assert_eq!(to_guest(&be, &h), g);
        // AF_INET: only the family; port and address stay in network order.
        let g = [0u8, 2, 0x1f, 0x90, 127, 0, 0, 1];
        assert_eq!(to_host(&be, &g), [2, 0, 0x1f, 0x90, 127, 0, 0, 1]);
    }
}
