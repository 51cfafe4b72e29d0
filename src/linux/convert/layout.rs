//! Guest struct layouts computed from C field types under the guest ABI's sizes and
//! alignments, so one description serves aarch64, ppc64 (big-endian) and ppc32 (4-byte
//! `long`): `Layout::of(abi, &[Ty::Ptr, Ty::U32, ...])` gives each field's offset and size and
//! the struct's size with C's natural alignment rules (each field at a multiple of its
//! alignment, the size rounded to the largest alignment). Reads and writes go through
//! `GuestReader`/`GuestWriter`, which apply the guest's byte order.

use super::{Abi, GuestReader, GuestWriter};

/// A C field type of a guest struct.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    U8,
    I16,
    U16,
    I32,
    U32,
    I64,
    U64,
    /// `long` / `__kernel_long_t` / `off_t` / `time_t` (signed, ABI-sized).
    Long,
    /// `unsigned long` / `size_t`.
    ULong,
    /// A pointer (ABI-sized, unsigned).
    Ptr,
    /// An opaque byte array (alignment 1).
    Bytes(usize),
}

impl Ty {
    /// (size, alignment, signed) under `abi`.
    fn shape(self, abi: &Abi) -> (usize, usize, bool) {
        match self {
            Ty::U8 => (1, 1, false),
            Ty::I16 => (2, 2, true),
            Ty::U16 => (2, 2, false),
            Ty::I32 => (4, 4, true),
            Ty::U32 => (4, 4, false),
            Ty::I64 => (8, abi.align_u64, true),
            Ty::U64 => (8, abi.align_u64, false),
            Ty::Long => (abi.long_size, abi.long_size, true),
            Ty::ULong | Ty::Ptr => (abi.long_size, abi.long_size, false),
            Ty::Bytes(n) => (n, 1, false),
        }
    }
}

/// Where each field of a struct lives under one ABI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// (offset, size, signed) per field, in declaration order.
    pub fields: Vec<(usize, usize, bool)>,
    pub size: usize,
    pub align: usize,
}

impl Layout {
    /// The natural C layout of `tys` under `abi`.
    pub fn of(abi: &Abi, tys: &[Ty]) -> Layout {
        let mut off = 0usize;
        let mut align = 1usize;
        let mut fields = Vec::with_capacity(tys.len());
        for &t in tys {
            let (size, a, signed) = t.shape(abi);
            off = off.next_multiple_of(a);
            fields.push((off, size, signed));
            off += size;
            align = align.max(a);
        }
        Layout { fields, size: off.next_multiple_of(align), align }
    }

    pub fn off(&self, i: usize) -> usize {
        self.fields[i].0
    }

    /// Field `i` of a guest struct at `base` in `r`, zero- or sign-extended to 64 bits.
    pub fn get(&self, r: &GuestReader, base: usize, i: usize) -> u64 {
        let (off, size, signed) = self.fields[i];
        let v = r.uint(base + off, size);
        if signed && size < 8 {
            let sh = 64 - 8 * size as u32;
            (((v << sh) as i64) >> sh) as u64
        } else {
            v
        }
    }

    /// Store field `i` (truncated to its size) of a guest struct at `base` in `w`.
    pub fn put(&self, w: &mut GuestWriter, base: usize, i: usize, v: u64) {
        let (off, size, _) = self.fields[i];
        w.uint(base + off, size, v);
    }

    /// A zeroed writer for one struct.
    pub fn writer(&self, abi: &Abi) -> GuestWriter {
        GuestWriter::new(self.size, abi)
    }
}

/// The x86-64 host as an ABI shape (LP64, little-endian); only its sizes are used.
static HOST: Abi = Abi { name: "x86_64-host", big_endian: false, long_size: 8, align_u64: 8, ..super::aarch64::ABI };

/// The x86-64 host's layout of the same field types.
pub fn host_layout(tys: &[Ty]) -> Layout {
    Layout::of(&HOST, tys)
}

/// Re-lay a struct of plain integer fields from the guest's layout (`guest` bytes) into the
/// host's (x86-64) layout, field by field, sign-extending signed fields that widen.
pub fn to_host(abi: &Abi, tys: &[Ty], guest: &[u8]) -> Vec<u8> {
    let gl = Layout::of(abi, tys);
    let hl = host_layout(tys);
    let r = GuestReader::from_bytes(guest.to_vec(), abi);
    let mut out = vec![0u8; hl.size];
    for (i, &ty) in tys.iter().enumerate() {
        let (off, size, _) = hl.fields[i];
        if let Ty::Bytes(n) = ty {
            let src = gl.off(i);
            let n = n.min(guest.len().saturating_sub(src));
            out[off..off + n].copy_from_slice(&guest[src..src + n]);
            continue;
        }
        let v = gl.get(&r, 0, i);
        out[off..off + size].copy_from_slice(&v.to_le_bytes()[..size]);
    }
    out
}

/// The reverse of `to_host`: host bytes of `tys` → the guest's layout and byte order.
pub fn to_guest(abi: &Abi, tys: &[Ty], host: &[u8]) -> GuestWriter {
    let gl = Layout::of(abi, tys);
    let hl = host_layout(tys);
    let mut w = gl.writer(abi);
    for (i, &ty) in tys.iter().enumerate() {
        let (off, size, signed) = hl.fields[i];
        if let Ty::Bytes(n) = ty {
            w.bytes(gl.off(i), &host[off..off + n]);
            continue;
        }
        let mut b = [0u8; 8];
        b[..size].copy_from_slice(&host[off..off + size]);
        let mut v = u64::from_le_bytes(b);
        if signed && size < 8 {
            let sh = 64 - 8 * size as u32;
            v = (((v << sh) as i64) >> sh) as u64;
        }
        gl.put(&mut w, 0, i, v);
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linux::convert::aarch64::ABI;

    #[test]
    fn natural_alignment() {
        // struct msghdr on a 64-bit guest: 56 bytes.
        let l = Layout::of(&ABI, &[Ty::Ptr, Ty::U32, Ty::Ptr, Ty::ULong, Ty::Ptr, Ty::ULong, Ty::I32]);
        assert_eq!(l.fields.iter().map(|f| f.0).collect::<Vec<_>>(), [0, 8, 16, 24, 32, 40, 48]);
        assert_eq!(l.size, 56);
        // struct epoll_event (not packed on the guest): 16 bytes, data at 8.
        let l = Layout::of(&ABI, &[Ty::U32, Ty::U64]);
        assert_eq!((l.off(1), l.size), (8, 16));
        // struct flock: short, short, off_t, off_t, pid_t → 32 bytes.
        let l = Layout::of(&ABI, &[Ty::I16, Ty::I16, Ty::Long, Ty::Long, Ty::I32]);
        assert_eq!((l.off(2), l.off(4), l.size), (8, 24, 32));
    }

    #[test]
    fn relayout_round_trip() {
        let tys = [Ty::U32, Ty::Long, Ty::I32, Ty::Bytes(3), Ty::U16];
        let l = Layout::of(&ABI, &tys);
        let mut w = l.writer(&ABI);
        l.put(&mut w, 0, 0, 7);
        l.put(&mut w, 0, 1, -9i64 as u64);
        l.put(&mut w, 0, 2, -1i64 as u64);
        w.bytes(l.off(3), b"abc");
        l.put(&mut w, 0, 4, 0xbeef);
        let h = to_host(&ABI, &tys, &w.buf);
        assert_eq!(h.len(), host_layout(&tys).size);
        assert_eq!(i64::from_le_bytes(h[8..16].try_into().unwrap()), -9);
        assert_eq!(&h[20..23], b"abc");
        assert_eq!(to_guest(&ABI, &tys, &h).buf, w.buf);
    }

    #[test]
    fn sign_extension() {
        let l = Layout::of(&ABI, &[Ty::I16, Ty::U16, Ty::I32]);
        let mut w = l.writer(&ABI);
        l.put(&mut w, 0, 0, -2i64 as u64);
        l.put(&mut w, 0, 1, 0xfffe);
        l.put(&mut w, 0, 2, -5i64 as u64);
        let r = GuestReader::from_bytes(w.buf, &ABI);
        assert_eq!(l.get(&r, 0, 0) as i64, -2);
        assert_eq!(l.get(&r, 0, 1), 0xfffe);
        assert_eq!(l.get(&r, 0, 2) as i64, -5);
    }
}
