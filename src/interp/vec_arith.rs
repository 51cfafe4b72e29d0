//! Vector integer arithmetic in full precision: saturating ops (with the FPSR.QC result of
//! their `SatQc` forms), halving and rounding ops, absolute differences, rounding shifts and
//! polynomial multiply. Lanes are widened to i128, computed exactly, then saturated or
//! truncated back.

use super::scalar::sext;
use super::vec::lane;
use crate::ir::*;

/// FPSR.QC, the value of a `SatQc` op that saturated.
pub const QC: u128 = 1 << 27;

fn ety(esize: u8) -> Ty {
    Ty::from_bytes(esize as usize)
}

fn nlanes(esize: u8) -> usize {
    16 / esize as usize
}

/// Lanes `f(i)` of `esize` bytes for `i < n` (the rest zero).
fn build_n(esize: u8, n: usize, mut f: impl FnMut(usize) -> u128) -> u128 {
    let bits = esize as u32 * 8;
    (0..n).fold(0u128, |acc, i| acc | ((f(i) & ety(esize).mask()) << (i as u32 * bits)))
}

/// `x` saturated to the signed range of `bits`, as lane bits; and whether it saturated.
fn sat_s(x: i128, bits: u32) -> (u128, bool) {
    let max = (1i128 << (bits - 1)) - 1;
    let min = -(1i128 << (bits - 1));
    let mask = (1u128 << bits) - 1;
    if x > max {
        (max as u128 & mask, true)
    } else if x < min {
        (min as u128 & mask, true)
    } else {
        (x as u128 & mask, false)
    }
}

/// `x` saturated to the unsigned range of `bits`; and whether it saturated.
fn sat_u(x: i128, bits: u32) -> (u128, bool) {
    let max = (1u128 << bits) - 1;
    if x < 0 {
        (0, true)
    } else if x as u128 > max {
        (max, true)
    } else {
        (x as u128, false)
    }
}

/// `v * 2^sh` for `sh >= 0`, else `v >> -sh` truncated or rounded, exactly, for `v` of at
/// most 65 significant bits. Left shifts of 64 or more give a value far outside any lane
/// (with the sign of `v`, and zero low 64 bits), so they saturate or truncate correctly.
fn shift_by(v: i128, sh: i32, round: bool) -> i128 {
    if sh >= 0 {
        if v == 0 {
            0
        } else if sh >= 64 {
            v.signum() << 100
        } else {
            v << sh
        }
    } else {
        let r = (-sh) as u32;
        if round {
            if r > 66 {
                0
            } else {
                (v + (1i128 << (r - 1))) >> r
            }
        } else {
            v >> r.min(127)
        }
    }
}

/// Saturating binary op: the lanes and whether any saturated.
pub fn sat_bin(op: SatBin, esize: u8, a: u128, b: u128) -> (u128, bool) {
    let t = ety(esize);
    let bits = t.bits();
    let mut q = false;
    let r = build_n(esize, nlanes(esize), |i| {
        let (x, y) = (lane(a, esize, i), lane(b, esize, i));
        let (sx, sy) = (sext(x, t), sext(y, t));
        let (ux, uy) = (x as i128, y as i128);
        let (v, s) = match op {
            SatBin::SqAdd => sat_s(sx + sy, bits),
            SatBin::UqAdd => sat_u(ux + uy, bits),
            SatBin::SqSub => sat_s(sx - sy, bits),
            SatBin::UqSub => sat_u(ux - uy, bits),
            SatBin::SuqAdd => sat_s(sx + uy, bits),
            SatBin::UsqAdd => sat_u(ux + sy, bits),
            SatBin::SqShl | SatBin::SqRShl => {
                let sh = y as u8 as i8 as i32;
                sat_s(shift_by(sx, sh, op == SatBin::SqRShl), bits)
            }
            SatBin::UqShl | SatBin::UqRShl => {
                let sh = y as u8 as i8 as i32;
                sat_u(shift_by(ux, sh, op == SatBin::UqRShl), bits)
            }
            SatBin::SqDMulH | SatBin::SqRDMulH => {
                // Lanes of at most 32 bits: the doubled product fits.
                let p = 2 * sx * sy;
                let p = if op == SatBin::SqRDMulH { p + (1i128 << (bits - 1)) } else { p };
                sat_s(p >> bits, bits)
            }
        };
        q |= s;
        v
    });
    (r, q)
}

/// Saturating unary op: the lanes and whether any saturated.
pub fn sat_un(op: SatUn, esize: u8, a: u128) -> (u128, bool) {
    let t = ety(esize);
    let bits = t.bits();
    let mut q = false;
    let n = nlanes(esize);
    let r = match op {
        SatUn::SqAbs | SatUn::SqNeg => build_n(esize, n, |i| {
            let sx = sext(lane(a, esize, i), t);
            let (v, s) = sat_s(if op == SatUn::SqAbs { sx.abs() } else { -sx }, bits);
            q |= s;
            v
        }),
        SatUn::SqXtn | SatUn::UqXtn | SatUn::SqXtun => {
            if esize < 2 {
                return (0, false);
            }
            build_n(esize / 2, n, |i| {
                let x = lane(a, esize, i);
                let (v, s) = match op {
                    SatUn::SqXtn => sat_s(sext(x, t), bits / 2),
                    SatUn::UqXtn => sat_u(x as i128, bits / 2),
                    _ => sat_u(sext(x, t), bits / 2),
                };
                q |= s;
                v
            })
        }
    };
    (r, q)
}

/// Saturating op with an immediate shift: the lanes and whether any saturated.
pub fn sat_imm(op: SatImm, esize: u8, imm: u32, a: u128) -> (u128, bool) {
    let t = ety(esize);
    let bits = t.bits();
    let mut q = false;
    let n = nlanes(esize);
    let sh = imm.min(127) as i32;
    let r = match op {
        SatImm::SqShl | SatImm::UqShl | SatImm::SqShlU => build_n(esize, n, |i| {
            let x = lane(a, esize, i);
            let (v, s) = match op {
                SatImm::SqShl => sat_s(shift_by(sext(x, t), sh, false), bits),
                SatImm::UqShl => sat_u(shift_by(x as i128, sh, false), bits),
                _ => sat_u(shift_by(sext(x, t), sh, false), bits),
            };
            q |= s;
            v
        }),
        _ => {
            if esize < 2 {
                return (0, false);
            }
            let round = matches!(op, SatImm::SqRShrn | SatImm::UqRShrn | SatImm::SqRShrun);
            build_n(esize / 2, n, |i| {
                let x = lane(a, esize, i);
                let v = if op == SatImm::UqShrn || op == SatImm::UqRShrn { x as i128 } else { sext(x, t) };
                let v = shift_by(v, -sh, round);
                let (v, s) = match op {
                    SatImm::SqShrn | SatImm::SqRShrn => sat_s(v, bits / 2),
                    _ => sat_u(v, bits / 2),
                };
                q |= s;
                v
            })
        }
    };
    (r, q)
}

/// The non-saturating ops of this file (`VBinOp`).
pub fn arith_bin(op: VBinOp, esize: u8, a: u128, b: u128) -> u128 {
    let t = ety(esize);
    let bits = t.bits();
    build_n(esize, nlanes(esize), |i| {
        let (x, y) = (lane(a, esize, i), lane(b, esize, i));
        let (sx, sy) = (sext(x, t), sext(y, t));
        let (ux, uy) = (x as i128, y as i128);
        let v: i128 = match op {
            VBinOp::SRShl => shift_by(sx, y as u8 as i8 as i32, true),
            VBinOp::URShl => shift_by(ux, y as u8 as i8 as i32, true),
            VBinOp::SHAdd => (sx + sy) >> 1,
            VBinOp::UHAdd => (ux + uy) >> 1,
            VBinOp::SRHAdd => (sx + sy + 1) >> 1,
            VBinOp::URHAdd => (ux + uy + 1) >> 1,
            VBinOp::SHSub => (sx - sy) >> 1,
            VBinOp::UHSub => (ux - uy) >> 1,
            VBinOp::SAbd => (sx - sy).abs(),
            VBinOp::UAbd => (ux - uy).abs(),
            VBinOp::PMul => {
                let mut p = 0u128;
                for k in 0..bits {
                    if (y >> k) & 1 == 1 {
                        p ^= x << k;
                    }
                }
                p as i128
            }
            _ => unreachable!("not an arithmetic op: {op:?}"),
        };
        v as u128
    })
}

/// The non-saturating ops of this file (`VImmOp`).
pub fn arith_imm(op: VImmOp, esize: u8, imm: u32, a: u128) -> u128 {
    let t = ety(esize);
    let n = nlanes(esize);
    let sh = -(imm.min(127) as i32);
    match op {
        VImmOp::RShrn => {
            if esize < 2 {
                return 0;
            }
            build_n(esize / 2, n, |i| shift_by(lane(a, esize, i) as i128, sh, true) as u128)
        }
        VImmOp::SRShr => build_n(esize, n, |i| shift_by(sext(lane(a, esize, i), t), sh, true) as u128),
        VImmOp::URShr => build_n(esize, n, |i| shift_by(lane(a, esize, i) as i128, sh, true) as u128),
        _ => unreachable!("not an arithmetic op: {op:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saturating() {
        assert_eq!(sat_bin(SatBin::SqAdd, 1, 0x7f_01, 0x01_01), (0x7f_02, true));
        assert_eq!(sat_bin(SatBin::SqAdd, 1, 0x80, 0xff), (0x80, true));
        assert_eq!(sat_bin(SatBin::UqAdd, 1, 0xff_01, 0x01_01), (0xff_02, true));
        assert_eq!(sat_bin(SatBin::UqSub, 2, 1, 2), (0, true));
        assert_eq!(sat_bin(SatBin::SqSub, 8, 0, 1), (u64::MAX as u128, false));
        assert_eq!(sat_bin(SatBin::SuqAdd, 1, 0x80, 0xff), (0x7f, false));
        assert_eq!(sat_bin(SatBin::SuqAdd, 1, 0x10, 0xff), (0x7f, true));
        assert_eq!(sat_bin(SatBin::UsqAdd, 1, 0x10, 0xe0), (0, true));
        assert_eq!(sat_bin(SatBin::SqShl, 1, 0x40, 1), (0x7f, true));
        assert_eq!(sat_bin(SatBin::SqShl, 1, 0x40, 0xff), (0x20, false));
        assert_eq!(sat_bin(SatBin::UqShl, 8, 1, 0x40), (u64::MAX as u128, true));
        assert_eq!(sat_bin(SatBin::SqRShl, 1, 0x03, 0xff), (0x02, false));
        assert_eq!(sat_bin(SatBin::UqRShl, 8, u64::MAX as u128, 0xc0), (1, false));
        assert_eq!(sat_bin(SatBin::SqDMulH, 2, 0x8000, 0x8000), (0x7fff, true));
        assert_eq!(sat_bin(SatBin::SqRDMulH, 2, 0x4000, 0x0001), (0x0001, false));
        assert_eq!(sat_un(SatUn::SqAbs, 1, 0x80_ff), (0x7f_01, true));
        assert_eq!(sat_un(SatUn::SqNeg, 4, 0x8000_0000), (0x7fff_ffff, true));
        assert_eq!(sat_un(SatUn::SqXtn, 2, 0x8000_0100_007f), (0x80_7f_7f, true));
        assert_eq!(sat_un(SatUn::SqXtun, 2, 0xffff_0100), (0x00_ff, true));
        assert_eq!(sat_un(SatUn::UqXtn, 8, 5u128 << 64 | 1u128 << 40), (5 << 32 | 0xffff_ffff, true));
        assert_eq!(sat_imm(SatImm::SqShlU, 1, 1, 0x80_40), (0x00_80, true));
        assert_eq!(sat_imm(SatImm::SqRShrn, 2, 1, 0x00ff_fffd), (0x7f_ff, true));
        assert_eq!(sat_imm(SatImm::SqRShrun, 4, 16, 0x8000_0000), (0, true));
        assert_eq!(sat_imm(SatImm::UqShrn, 8, 32, 1u128 << 96 | 1u128 << 63), (1 << 32 | 0x8000_0000, false));
    }

    #[test]
    fn halving_rounding() {
        assert_eq!(arith_bin(VBinOp::URHAdd, 1, 0xff, 0xff), 0xff);
        assert_eq!(arith_bin(VBinOp::SHAdd, 1, 0x80, 0xff), 0xbf);
        assert_eq!(arith_bin(VBinOp::UHSub, 1, 0, 1), 0xff);
        assert_eq!(arith_bin(VBinOp::SAbd, 1, 0x80, 0x7f), 0xff);
        assert_eq!(arith_bin(VBinOp::UAbd, 4, 1, 0xffff_ffff), 0xffff_fffe);
        assert_eq!(arith_bin(VBinOp::URShl, 1, 0xff, 0xf8), 1);
        assert_eq!(arith_bin(VBinOp::SRShl, 1, 0x81, 0x80), 0);
        assert_eq!(arith_bin(VBinOp::SRShl, 1, 0x01, 0x07), 0x80);
        assert_eq!(arith_bin(VBinOp::PMul, 1, 0x03, 0x03), 0x05);
        assert_eq!(arith_bin(VBinOp::PMul, 1, 0x80, 0x02), 0x00);
        assert_eq!(arith_imm(VImmOp::URShr, 1, 1, 0xff), 0x80);
        assert_eq!(arith_imm(VImmOp::URShr, 8, 64, u64::MAX as u128), 1);
        assert_eq!(arith_imm(VImmOp::SRShr, 1, 8, 0x80), 0);
        assert_eq!(arith_imm(VImmOp::SRShr, 1, 7, 0x80), 0xff);
        assert_eq!(arith_imm(VImmOp::RShrn, 2, 8, 0x0180), 0x02);
    }
}
