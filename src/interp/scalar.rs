//! Integer, flag and memory semantics of the IR.

use crate::ir::*;
use crate::access::{self, Faulted};

#[inline]
fn m(v: u128, ty: Ty) -> u128 {
    v & ty.mask()
}

/// Sign-extend the `ty`-wide value `x` to i128.
#[inline]
pub fn sext(x: u128, ty: Ty) -> i128 {
    let sh = 128 - ty.bits();
    ((x << sh) as i128) >> sh
}

pub unsafe fn read_raw(p: *const u8, ty: Ty) -> u128 {
    match ty {
        Ty::I8 => p.read() as u128,
        Ty::I16 => (p as *const u16).read_unaligned() as u128,
        Ty::I32 => (p as *const u32).read_unaligned() as u128,
        Ty::I64 => (p as *const u64).read_unaligned() as u128,
        Ty::I128 => (p as *const u128).read_unaligned(),
    }
}

pub unsafe fn write_raw(p: *mut u8, ty: Ty, v: u128) {
    match ty {
        Ty::I8 => p.write(v as u8),
        Ty::I16 => (p as *mut u16).write_unaligned(v as u16),
        Ty::I32 => (p as *mut u32).write_unaligned(v as u32),
        Ty::I64 => (p as *mut u64).write_unaligned(v as u64),
        Ty::I128 => (p as *mut u128).write_unaligned(v),
    }
}

/// Reverse the bytes of a `ty`-wide value.
pub fn swap(v: u128, ty: Ty) -> u128 {
    match ty {
        Ty::I8 => v & 0xff,
        Ty::I16 => (v as u16).swap_bytes() as u128,
        Ty::I32 => (v as u32).swap_bytes() as u128,
        Ty::I64 => (v as u64).swap_bytes() as u128,
        Ty::I128 => v.swap_bytes(),
    }
}

pub fn bin(op: BinOp, ty: Ty, a: u128, b: u128) -> u128 {
    let bits = ty.bits();
    let (a, b) = (m(a, ty), m(b, ty));
    // Shift amounts are taken modulo the width, a power of two: a mask, not a 128-bit
    // division (a library call).
    let amount = (b as u32) & (bits - 1);
    let r = match op {
        BinOp::Add => a.wrapping_add(b),
        BinOp::Sub => a.wrapping_sub(b),
        BinOp::Mul => a.wrapping_mul(b),
        BinOp::MulHU => {
            if bits <= 64 {
                (a * b) >> bits
            } else {
                mulh_u128(a, b)
            }
        }
        BinOp::MulHS => {
            if bits <= 64 {
                ((sext(a, ty) * sext(b, ty)) >> bits) as u128
            } else {
                unimplemented_width("MulHS", ty)
            }
        }
        BinOp::DivU => a.checked_div(b).unwrap_or(0),
        BinOp::DivS => {
            let (x, y) = (sext(a, ty), sext(b, ty));
            if y == 0 {
                0
            } else {
                // MIN / -1 wraps back to MIN once masked.
                x.wrapping_div(y) as u128
            }
        }
        BinOp::RemU => a.checked_rem(b).unwrap_or(0),
        BinOp::RemS => {
            let (x, y) = (sext(a, ty), sext(b, ty));
            if y == 0 {
                0
            } else {
                x.wrapping_rem(y) as u128
            }
        }
        BinOp::And => a & b,
        BinOp::Or => a | b,
        BinOp::Xor => a ^ b,
        BinOp::AndNot => a & !b,
        BinOp::Shl => a << amount,
        BinOp::Lshr => a >> amount,
        BinOp::Ashr => (sext(a, ty) >> amount) as u128,
        BinOp::Ror => {
            let s = amount;
            if s == 0 {
                a
            } else {
                (a >> s) | (a << (bits - s))
            }
        }
        BinOp::Crc32(data) => crc32(&CRC32_TABLES[0], a as u32, b as u64, data) as u128,
        BinOp::Crc32C(data) => crc32(&CRC32_TABLES[1], a as u32, b as u64, data) as u128,
    };
    m(r, ty)
}

/// Bit-reflected CRC-32 polynomials: IEEE 802.3 and Castagnoli.
pub const CRC32_POLYS: [u32; 2] = [0xedb8_8320, 0x82f6_3b78];

/// Byte-at-a-time lookup tables of the two polynomials: entry `i` is the CRC update of a
/// register holding `i` in its low byte, shifted through eight bits.
pub static CRC32_TABLES: [[u32; 256]; 2] = [crc32_table(CRC32_POLYS[0]), crc32_table(CRC32_POLYS[1])];

const fn crc32_table(poly: u32) -> [u32; 256] {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = (c >> 1) ^ (poly & (c & 1).wrapping_neg());
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
}

/// Fold the low `data.bytes()` bytes of `v` (at most 8) into `acc`, least significant first.
fn crc32(table: &[u32; 256], acc: u32, v: u64, data: Ty) -> u32 {
    let mut crc = acc;
    for k in 0..data.bytes().min(8) {
        let byte = (v >> (8 * k)) as u8;
        crc = table[((crc as u8) ^ byte) as usize] ^ (crc >> 8);
    }
    crc
}

fn mulh_u128(a: u128, b: u128) -> u128 {
    let (a0, a1) = (a as u64 as u128, a >> 64);
    let (b0, b1) = (b as u64 as u128, b >> 64);
    let mid = ((a0 * b0) >> 64) + (a1 * b0 as u64 as u128) + (a0 * b1 as u64 as u128);
    a1 * b1 + ((a1 * b0) >> 64) + ((a0 * b1) >> 64) + (mid >> 64)
}

fn unimplemented_width(op: &str, ty: Ty) -> u128 {
    panic!("IR op {op} is not defined at width {ty:?}")
}

pub fn un(op: UnOp, ty: Ty, a: u128) -> u128 {
    let bits = ty.bits();
    let a = m(a, ty);
    let r = match op {
        UnOp::Not => !a,
        UnOp::Neg => a.wrapping_neg(),
        UnOp::Clz => (a.leading_zeros() - (128 - bits)) as u128,
        UnOp::Cls => {
            let x = sext(a, ty);
            let y = (x ^ (x >> 1)) as u128 & ty.mask() >> 1;
            // Leading zeros of (x ^ x>>1) within bits-1 bits.
            (y.leading_zeros() - (128 - bits + 1)) as u128
        }
        UnOp::Ctz => {
            if a == 0 {
                bits as u128
            } else {
                a.trailing_zeros() as u128
            }
        }
        UnOp::Popcnt => a.count_ones() as u128,
        UnOp::Rbit => a.reverse_bits() >> (128 - bits),
        UnOp::Bswap => swap(a, ty),
    };
    m(r, ty)
}

pub fn cmp(cc: CmpCc, ty: Ty, a: u128, b: u128) -> bool {
    let (a, b) = (m(a, ty), m(b, ty));
    let (sa, sb) = (sext(a, ty), sext(b, ty));
    match cc {
        CmpCc::Eq => a == b,
        CmpCc::Ne => a != b,
        CmpCc::Ult => a < b,
        CmpCc::Ule => a <= b,
        CmpCc::Ugt => a > b,
        CmpCc::Uge => a >= b,
        CmpCc::Slt => sa < sb,
        CmpCc::Sle => sa <= sb,
        CmpCc::Sgt => sa > sb,
        CmpCc::Sge => sa >= sb,
    }
}

pub const N: u32 = 1 << 31;
pub const Z: u32 = 1 << 30;
pub const C: u32 = 1 << 29;
pub const V: u32 = 1 << 28;

/// NZCV of `a + b + cin` at width `ty`.
pub fn add_nzcv(ty: Ty, a: u128, b: u128, cin: u128) -> u32 {
    let (a, b) = (m(a, ty), m(b, ty));
    let full = a + b + (cin & 1);
    let r = m(full, ty);
    let top = 1u128 << (ty.bits() - 1);
    let mut f = 0;
    if r & top != 0 {
        f |= N;
    }
    if r == 0 {
        f |= Z;
    }
    if full > ty.mask() {
        f |= C;
    }
    if (a ^ r) & (b ^ r) & top != 0 {
        f |= V;
    }
    f
}

pub fn logic_nzcv(ty: Ty, a: u128) -> u32 {
    let r = m(a, ty);
    let mut f = 0;
    if r & (1u128 << (ty.bits() - 1)) != 0 {
        f |= N;
    }
    if r == 0 {
        f |= Z;
    }
    f
}

/// Arm condition codes (EQ NE CS CC MI PL VS VC HI LS GE LT GT LE AL NV).
pub fn cond_holds(nzcv: u32, cond: u8) -> bool {
    let (n, z, c, v) = (nzcv & N != 0, nzcv & Z != 0, nzcv & C != 0, nzcv & V != 0);
    let r = match cond >> 1 {
        0 => z,
        1 => c,
        2 => n,
        3 => v,
        4 => c && !z,
        5 => n == v,
        6 => n == v && !z,
        _ => true,
    };
    if cond & 1 == 1 && cond != 15 {
        !r
    } else {
        r
    }
}

/// Load a `ty`-wide value from guest memory at host address `p`.
///
/// # Safety
/// `p` may be any address: a fault is reported (`access::Faulted`), never taken.
pub unsafe fn guest_read(p: *const u8, ty: Ty) -> Result<u128, Faulted> {
    match ty {
        Ty::I128 => access::load128(p),
        _ => access::load(p, ty.bytes()).map(|v| v as u128),
    }
}

/// Store a `ty`-wide value to guest memory at host address `p`.
///
/// # Safety
/// As for `guest_read`.
pub unsafe fn guest_write(p: *mut u8, ty: Ty, v: u128) -> Result<(), Faulted> {
    match ty {
        Ty::I128 => access::store128(p, v),
        _ => access::store(p, ty.bytes(), v as u64),
    }
}

/// Atomic compare-and-swap; returns the old value (in guest byte order `be`).
///
/// # Safety
/// As for `guest_read`.
pub unsafe fn cmpxchg(p: *mut u8, ty: Ty, be: bool, expected: u128, new: u128) -> Result<u128, Faulted> {
    let (e, n) = if be { (swap(expected, ty), swap(new, ty)) } else { (m(expected, ty), m(new, ty)) };
    let old = rmw_loop(p, ty, |cur| if cur == e { n } else { cur })?;
    Ok(if be { swap(old, ty) } else { old })
}

/// Atomic read-modify-write; returns the old value.
///
/// # Safety
/// As for `guest_read`.
pub unsafe fn atomic_rmw(p: *mut u8, op: RmwOp, ty: Ty, be: bool, x: u128) -> Result<u128, Faulted> {
    let f = |cur_raw: u128| -> u128 {
        let cur = if be { swap(cur_raw, ty) } else { cur_raw };
        let (sc, sx) = (sext(cur, ty), sext(x, ty));
        let r = match op {
            RmwOp::Xchg => x,
            RmwOp::Add => cur.wrapping_add(x),
            RmwOp::Clr => cur & !x,
            RmwOp::Xor => cur ^ x,
            RmwOp::Or => cur | x,
            RmwOp::And => cur & x,
            RmwOp::SMax => if sc >= sx { cur } else { x },
            RmwOp::SMin => if sc <= sx { cur } else { x },
            RmwOp::UMax => cur.max(m(x, ty)),
            RmwOp::UMin => cur.min(m(x, ty)),
        };
        let r = m(r, ty);
        if be {
            swap(r, ty)
        } else {
            r
        }
    };
    let old = rmw_loop(p, ty, f)?;
    Ok(if be { swap(old, ty) } else { old })
}

/// Apply `f` atomically to the value at `p` (a compare-and-swap loop, every access through
/// `access`); returns the old value. A misaligned address gets a plain read-modify-write (x86
/// would split-lock; the guest ISAs fault or make no promise there).
unsafe fn rmw_loop(p: *mut u8, ty: Ty, f: impl Fn(u128) -> u128) -> Result<u128, Faulted> {
    let size = ty.bytes();
    if !(p as usize).is_multiple_of(size) {
        let old = guest_read(p, ty)?;
        guest_write(p, ty, f(old))?;
        return Ok(old);
    }
    let mut cur = guest_read(p, ty)?;
    loop {
        let got = match ty {
            Ty::I128 => access::cas128(p, cur, f(cur))?,
            _ => access::cas(p, size, cur as u64, f(cur) as u64)? as u128,
        };
        if got == cur {
            return Ok(cur);
        }
        cur = got;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags() {
        // 0x7fffffff + 1 overflows signed 32-bit.
        assert_eq!(add_nzcv(Ty::I32, 0x7fff_ffff, 1, 0), N | V);
        // 1 - 1 = 0: Z and C (no borrow).
        assert_eq!(add_nzcv(Ty::I32, 1, !1u128 & 0xffff_ffff, 1), Z | C);
        // 0 - 1: N, borrow so C clear.
        assert_eq!(add_nzcv(Ty::I64, 0, !1u128 & u64::MAX as u128, 1), N);
        assert!(cond_holds(Z | C, 0));
        assert!(cond_holds(N, 11)); // LT: N != V
        assert!(cond_holds(0, 14));
    }

    #[test]
    fn ops() {
        assert_eq!(bin(BinOp::DivS, Ty::I32, 0x8000_0000, 0xffff_ffff), 0x8000_0000);
        assert_eq!(bin(BinOp::DivU, Ty::I64, 5, 0), 0);
        assert_eq!(bin(BinOp::Ror, Ty::I32, 1, 1), 0x8000_0000);
        assert_eq!(bin(BinOp::Ashr, Ty::I32, 0x8000_0000, 31), 0xffff_ffff);
        assert_eq!(bin(BinOp::MulHS, Ty::I64, u64::MAX as u128, 2), u64::MAX as u128);
        assert_eq!(bin(BinOp::MulHU, Ty::I64, u64::MAX as u128, 2), 1);
        assert_eq!(un(UnOp::Clz, Ty::I32, 1), 31);
        assert_eq!(un(UnOp::Cls, Ty::I32, 0xffff_ffff), 31);
        assert_eq!(un(UnOp::Cls, Ty::I64, 1), 62);
        assert_eq!(un(UnOp::Rbit, Ty::I32, 1), 0x8000_0000);
        assert_eq!(un(UnOp::Bswap, Ty::I32, 0x11223344), 0x44332211);
    }

    #[test]
    fn crc32_known_values() {
        // CRC-32 of "123456789" is 0xcbf43926 and CRC-32C 0xe3069283, with the usual
        // inversion before and after (which the Arm instructions leave to software).
        let msg = b"123456789";
        for (op, want) in [(BinOp::Crc32 as fn(Ty) -> BinOp, 0xcbf4_3926u128), (BinOp::Crc32C, 0xe306_9283)] {
            let mut c = 0xffff_ffffu128;
            for &byte in msg {
                c = bin(op(Ty::I8), Ty::I64, c, byte as u128);
            }
            assert_eq!(c ^ 0xffff_ffff, want);
            // Wider data is the same as its bytes one by one (little-endian).
            let mut w = 0xffff_ffffu128;
            w = bin(op(Ty::I64), Ty::I64, w, u64::from_le_bytes(msg[..8].try_into().unwrap()) as u128);
            w = bin(op(Ty::I8), Ty::I64, w, msg[8] as u128);
            assert_eq!(w ^ 0xffff_ffff, want);
            let mut h = 0xffff_ffffu128;
            h = bin(op(Ty::I32), Ty::I64, h, 0x3433_3231);
            h = bin(op(Ty::I16), Ty::I64, h, 0x3635);
            h = bin(op(Ty::I16), Ty::I64, h, 0x3837);
            h = bin(op(Ty::I8), Ty::I64, h, 0x39);
            assert_eq!(h ^ 0xffff_ffff, want);
        }
    }

    #[test]
    fn cas128() {
        let mut x: u128 = 5;
        unsafe {
            assert_eq!(cmpxchg(&mut x as *mut u128 as *mut u8, Ty::I128, false, 5, 7), Ok(5));
        }
        assert_eq!(x, 7);
    }
}
