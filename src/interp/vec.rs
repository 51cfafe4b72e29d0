//! Vector (I128) semantics of the IR. Lane 0 is the least significant.

use super::scalar::sext;
use super::vec_arith;
use crate::ir::*;

fn ety(esize: u8) -> Ty {
    Ty::from_bytes(esize as usize)
}

/// Lane `i` of `v` (element size `esize` bytes), zero-extended.
pub fn lane(v: u128, esize: u8, i: usize) -> u128 {
    let bits = esize as u32 * 8;
    (v >> (i as u32 * bits)) & ety(esize).mask()
}

fn with_lane(v: u128, esize: u8, i: usize, x: u128) -> u128 {
    let bits = esize as u32 * 8;
    let mask = ety(esize).mask() << (i as u32 * bits);
    (v & !mask) | ((x << (i as u32 * bits)) & mask)
}

fn nlanes(esize: u8) -> usize {
    16 / esize as usize
}

/// Build a vector lane by lane.
fn build(esize: u8, f: impl Fn(usize) -> u128) -> u128 {
    (0..nlanes(esize)).fold(0, |acc, i| with_lane(acc, esize, i, f(i)))
}

fn map2(esize: u8, a: u128, b: u128, f: impl Fn(u128, u128) -> u128) -> u128 {
    build(esize, |i| f(lane(a, esize, i), lane(b, esize, i)))
}

fn mask_if(esize: u8, c: bool) -> u128 {
    if c {
        ety(esize).mask()
    } else {
        0
    }
}

pub fn ins(a: u128, esize: u8, l: u8, x: u128) -> u128 {
    with_lane(a, esize, l as usize, x)
}

pub fn dup(esize: u8, x: u128) -> u128 {
    build(esize, |_| x)
}

/// The value of a `SatQc` op.
fn qc(saturated: bool) -> u128 {
    if saturated {
        vec_arith::QC
    } else {
        0
    }
}

pub fn vbin(op: VBinOp, esize: u8, a: u128, b: u128) -> u128 {
    let t = ety(esize);
    let n = nlanes(esize);
    let s = |x: u128| sext(x, t);
    match op {
        VBinOp::Add => map2(esize, a, b, |x, y| x.wrapping_add(y)),
        VBinOp::Sub => map2(esize, a, b, |x, y| x.wrapping_sub(y)),
        VBinOp::Mul => map2(esize, a, b, |x, y| x.wrapping_mul(y)),
        VBinOp::And => a & b,
        VBinOp::Or => a | b,
        VBinOp::Xor => a ^ b,
        VBinOp::Bic => a & !b,
        VBinOp::Orn => a | !b,
        VBinOp::CmEq => map2(esize, a, b, |x, y| mask_if(esize, x == y)),
        VBinOp::CmGt => map2(esize, a, b, |x, y| mask_if(esize, s(x) > s(y))),
        VBinOp::CmGe => map2(esize, a, b, |x, y| mask_if(esize, s(x) >= s(y))),
        VBinOp::CmHi => map2(esize, a, b, |x, y| mask_if(esize, x > y)),
        VBinOp::CmHs => map2(esize, a, b, |x, y| mask_if(esize, x >= y)),
        VBinOp::CmTst => map2(esize, a, b, |x, y| mask_if(esize, x & y != 0)),
        VBinOp::UMin => map2(esize, a, b, |x, y| x.min(y)),
        VBinOp::UMax => map2(esize, a, b, |x, y| x.max(y)),
        VBinOp::SMin => map2(esize, a, b, |x, y| if s(x) <= s(y) { x } else { y }),
        VBinOp::SMax => map2(esize, a, b, |x, y| if s(x) >= s(y) { x } else { y }),
        VBinOp::AddP | VBinOp::UMinP | VBinOp::UMaxP | VBinOp::SMinP | VBinOp::SMaxP => {
            // Lanes of the concatenation b:a, pairwise.
            let cat = |i: usize| if i < n { lane(a, esize, i) } else { lane(b, esize, i - n) };
            build(esize, |i| {
                let (x, y) = (cat(2 * i), cat(2 * i + 1));
                match op {
                    VBinOp::AddP => x.wrapping_add(y),
                    VBinOp::UMinP => x.min(y),
                    VBinOp::SMinP => if s(x) <= s(y) { x } else { y },
                    VBinOp::SMaxP => if s(x) >= s(y) { x } else { y },
                    _ => x.max(y),
                }
            })
        }
        VBinOp::Zip1 => build(esize, |i| if i % 2 == 0 { lane(a, esize, i / 2) } else { lane(b, esize, i / 2) }),
        VBinOp::Zip2 => build(esize, |i| {
            let j = n / 2 + i / 2;
            if i % 2 == 0 {
                lane(a, esize, j)
            } else {
                lane(b, esize, j)
            }
        }),
        VBinOp::Uzp1 | VBinOp::Uzp2 => {
            let odd = (op == VBinOp::Uzp2) as usize;
            let cat = |i: usize| if i < n { lane(a, esize, i) } else { lane(b, esize, i - n) };
            build(esize, |i| cat(2 * i + odd))
        }
        VBinOp::Trn1 | VBinOp::Trn2 => {
            let odd = (op == VBinOp::Trn2) as usize;
            build(esize, |i| {
                let j = (i & !1) + odd;
                if i % 2 == 0 {
                    lane(a, esize, j)
                } else {
                    lane(b, esize, j)
                }
            })
        }
        VBinOp::Ext(k) => {
            let k = k as u32 * 8;
            if k == 0 {
                a
            } else {
                (a >> k) | (b << (128 - k))
            }
        }
        VBinOp::SShl | VBinOp::UShl => map2(esize, a, b, |x, y| {
            let sh = y as u8 as i8 as i32;
            let bits = t.bits() as i32;
            let signed = op == VBinOp::SShl;
            if sh >= 0 {
                if sh >= bits {
                    0
                } else {
                    (x << sh) & t.mask()
                }
            } else if signed {
                ((s(x) >> (-sh).min(bits - 1)) as u128) & t.mask()
            } else if -sh >= bits {
                0
            } else {
                x >> -sh
            }
        }),
        VBinOp::SRShl
        | VBinOp::URShl
        | VBinOp::SHAdd
        | VBinOp::UHAdd
        | VBinOp::SRHAdd
        | VBinOp::URHAdd
        | VBinOp::SHSub
        | VBinOp::UHSub
        | VBinOp::SAbd
        | VBinOp::UAbd
        | VBinOp::PMul => vec_arith::arith_bin(op, esize, a, b),
        VBinOp::Sat(op) => vec_arith::sat_bin(op, esize, a, b).0,
        VBinOp::SatQc(op) => qc(vec_arith::sat_bin(op, esize, a, b).1),
        VBinOp::Tbl => build(1, |i| {
            let idx = lane(b, 1, i) as usize;
            if idx < 16 {
                lane(a, 1, idx)
            } else {
                0
            }
        }),
    }
}

pub fn vun(op: VUnOp, esize: u8, a: u128) -> u128 {
    let t = ety(esize);
    let n = nlanes(esize);
    let l = |i: usize| lane(a, esize, i);
    match op {
        VUnOp::Not => !a,
        VUnOp::Neg => build(esize, |i| l(i).wrapping_neg()),
        VUnOp::Abs => build(esize, |i| sext(l(i), t).unsigned_abs()),
        VUnOp::Cnt => build(esize, |i| l(i).count_ones() as u128),
        VUnOp::Clz => build(esize, |i| (l(i).leading_zeros() - (128 - t.bits())) as u128),
        VUnOp::Rev(container) => {
            let per = container as usize / esize as usize;
            build(esize, |i| {
                let base = i / per * per;
                l(base + (per - 1 - (i - base)))
            })
        }
        VUnOp::AddV => (0..n).fold(0u128, |acc, i| acc.wrapping_add(l(i))) & t.mask(),
        VUnOp::UMaxV => (0..n).map(l).max().unwrap_or(0),
        VUnOp::UMinV => (0..n).map(l).min().unwrap_or(0),
        VUnOp::SMaxV => (0..n).map(l).max_by_key(|&x| sext(x, t)).unwrap_or(0),
        VUnOp::SMinV => (0..n).map(l).min_by_key(|&x| sext(x, t)).unwrap_or(0),
        VUnOp::Xtn => {
            let half = esize / 2;
            (0..n).fold(0u128, |acc, i| with_lane(acc, half, i, l(i)))
        }
        VUnOp::ZeroHigh => a as u64 as u128,
        VUnOp::UXtl | VUnOp::SXtl => {
            let wide = esize * 2;
            let wt = ety(wide.min(16));
            build(wide.min(16), |i| {
                if op == VUnOp::SXtl {
                    (sext(l(i), t) as u128) & wt.mask()
                } else {
                    l(i)
                }
            })
        }
        VUnOp::UAddLP | VUnOp::SAddLP => {
            let wide = (esize * 2).min(16);
            let ext = |x: u128| if op == VUnOp::SAddLP { sext(x, t) as u128 } else { x };
            build(wide, |i| ext(l(2 * i)).wrapping_add(ext(l(2 * i + 1))))
        }
        VUnOp::UAddLV | VUnOp::SAddLV => {
            let wt = ety((esize * 2).min(16));
            let ext = |x: u128| if op == VUnOp::SAddLV { sext(x, t) as u128 } else { x };
            (0..n).fold(0u128, |acc, i| acc.wrapping_add(ext(l(i)))) & wt.mask()
        }
        VUnOp::Rbit => build(1, |i| (lane(a, 1, i) as u8).reverse_bits() as u128),
        VUnOp::Sat(op) => vec_arith::sat_un(op, esize, a).0,
        VUnOp::SatQc(op) => qc(vec_arith::sat_un(op, esize, a).1),
    }
}

pub fn vimm(op: VImmOp, esize: u8, imm: u32, a: u128) -> u128 {
    let t = ety(esize);
    let bits = t.bits();
    let l = |i: usize| lane(a, esize, i);
    match op {
        VImmOp::Shl => build(esize, |i| if imm >= bits { 0 } else { l(i) << imm }),
        VImmOp::UShr => build(esize, |i| if imm >= bits { 0 } else { l(i) >> imm }),
        VImmOp::SShr => build(esize, |i| (sext(l(i), t) >> imm.min(bits - 1)) as u128),
        VImmOp::Shrn => {
            let half = esize / 2;
            (0..nlanes(esize)).fold(0u128, |acc, i| with_lane(acc, half, i, l(i) >> imm))
        }
        VImmOp::RShrn | VImmOp::SRShr | VImmOp::URShr => vec_arith::arith_imm(op, esize, imm, a),
        VImmOp::Sat(op) => vec_arith::sat_imm(op, esize, imm, a).0,
        VImmOp::SatQc(op) => qc(vec_arith::sat_imm(op, esize, imm, a).1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic() {
        let a = 0x0f0e0d0c0b0a09080706050403020100u128;
        assert_eq!(lane(a, 1, 3), 3);
        assert_eq!(vun(VUnOp::UMaxV, 1, a), 15);
        assert_eq!(vun(VUnOp::Rev(8), 1, a) as u64, 0x0001020304050607);
        assert_eq!(vbin(VBinOp::Ext(1), 1, a, 0xff) >> 120, 0xff);
        assert_eq!(vbin(VBinOp::CmEq, 1, a, 0) & 0xffff, 0xff);
        assert_eq!(vbin(VBinOp::AddP, 1, a, 0) & 0xff, 1);
        assert_eq!(vimm(VImmOp::Shrn, 2, 4, 0x00f0_00e0u128) as u32, 0x0f0e);
        assert_eq!(vun(VUnOp::Xtn, 2, 0x0102_0304u128) as u32, 0x0204);
    }

    #[test]
    fn widening_and_signed_pairwise() {
        let a = 0x0000_0000_0000_0000_80ff_7f01_0203_fe05u128;
        // lanes (bytes, low first): 05 fe 03 02 01 7f ff 80
        assert_eq!(vun(VUnOp::UXtl, 1, a) as u64, 0x0002_0003_00fe_0005);
        assert_eq!(vun(VUnOp::SXtl, 1, a) as u64, 0x0002_0003_fffe_0005);
        assert_eq!(vun(VUnOp::SXtl, 1, a) >> 64, 0xff80_ffff_007f_0001);
        assert_eq!(vun(VUnOp::UAddLP, 1, a) as u32, 0x0005 << 16 | 0x0103);
        assert_eq!(vun(VUnOp::SAddLP, 1, a) as u32, 0x0005 << 16 | 0x0003);
        assert_eq!(vun(VUnOp::UAddLV, 1, a), 0x05 + 0xfe + 3 + 2 + 1 + 0x7f + 0xff + 0x80);
        assert_eq!(vun(VUnOp::SAddLV, 1, a), (5 - 2 + 3 + 2 + 1 + 127 - 1 - 128) as u128);
        assert_eq!(vun(VUnOp::SAddLV, 4, 0xffff_ffffu128), u64::MAX as u128);
        assert_eq!(vun(VUnOp::Rbit, 1, 0x80_01u128), 0x01_80);
        let b = 0x8000_0001_7fff_0002u128;
        assert_eq!(vbin(VBinOp::SMaxP, 2, b, 0) as u32, 0x0001_7fff);
        assert_eq!(vbin(VBinOp::SMinP, 2, b, 0) as u32, 0x8000_0002);
        assert_eq!(vbin(VBinOp::UShl, 1, 0x80_81, 0xfe_01), 0x20_02);
        assert_eq!(vbin(VBinOp::SShl, 1, 0x80_81, 0x01_fe), 0x00_e0);
        assert_eq!(vbin(VBinOp::SShl, 8, 1 << 63, 0xc0), u64::MAX as u128);
    }
}
