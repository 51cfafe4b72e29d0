//! Advanced SIMD integer data processing: the vector forms (three same/different, two-register
//! misc, across lanes, copy, modified immediate, shift by immediate, permute, EXT, TBL/TBX)
//! and the scalar forms glibc uses. 64-bit (Q=0) forms zero the upper half of the destination.
//! The FP opcodes of these groups are translated by fp.rs; the saturating, halving and
//! rounding forms by simd_sat.rs.

use super::{simd_elem, simd_fpx, simd_sat, Ctx};
use crate::a64_row;
use crate::guest::aarch64::decode::{bit, bits, rd, rm, rn, Row, Undef};
use crate::ir::*;

pub static ROWS: &[Row] = &[
    a64_row!("0qu01110 ss1 mmmmm ooooo 1 nnnnn ddddd", "simd three same", three_same),
    a64_row!("0qu01110 ss1 mmmmm oooo 00 nnnnn ddddd", "simd three different", three_diff),
    a64_row!("0qu01110 ss10000 ooooo 10 nnnnn ddddd", "simd two-reg misc", two_misc),
    a64_row!("0qu01110 ss11000 ooooo 10 nnnnn ddddd", "simd across lanes", across),
    a64_row!("0qo01110 000 iiiii 0 jjjj 1 nnnnn ddddd", "simd copy", copy),
    a64_row!("0qo01111 00000 abc cccc x 1 fghij ddddd", "simd modified imm", mod_imm),
    a64_row!("0qu01111 0 hhhh bbb ooooo 1 nnnnn ddddd", "simd shift imm", shift_imm),
    a64_row!("0q001110 ss0 mmmmm 0 ooo 10 nnnnn ddddd", "simd permute", permute),
    a64_row!("0q101110 000 mmmmm 0 iiii 0 nnnnn ddddd", "simd ext", ext),
    a64_row!("0q001110 000 mmmmm 0 ll o 00 nnnnn ddddd", "simd tbl/tbx", tbl),
    a64_row!("01u11110 ss1 mmmmm ooooo 1 nnnnn ddddd", "simd scalar three same", scalar_three_same),
    a64_row!("01u11110 ss10000 ooooo 10 nnnnn ddddd", "simd scalar two-reg misc", scalar_two_misc),
    a64_row!("01u11110 ss11000 ooooo 10 nnnnn ddddd", "simd scalar pairwise", scalar_pairwise),
    a64_row!("01011110 000 iiiii 0 0000 1 nnnnn ddddd", "simd scalar dup", scalar_dup),
    a64_row!("01u11111 0 hhhh bbb ooooo 1 nnnnn ddddd", "simd scalar shift imm", scalar_shift_imm),
];

// ---- small IR helpers ----

pub(super) fn vext(ctx: &mut Ctx, a: Val, esize: u8, lane: u8) -> Val {
    ctx.b.push(Op::VExt { a, esize, lane, to: Ty::I64 })
}

pub(super) fn vins(ctx: &mut Ctx, a: Val, esize: u8, lane: u8, v: Val) -> Val {
    ctx.b.push(Op::VIns { a, v, esize, lane })
}

pub(super) fn vdup(ctx: &mut Ctx, esize: u8, v: Val) -> Val {
    ctx.b.push(Op::VDup { v, esize })
}

/// Write a vector result, zeroing the upper half for a 64-bit (Q=0) form.
pub(super) fn set_vq(ctx: &mut Ctx, d: u32, v: Val, q: bool) {
    let v = if q { v } else { ctx.b.vun(VUnOp::ZeroHigh, 8, v) };
    ctx.set_v(d, v);
}

/// The low 64 bits of `a` in both halves, so whole-register reductions see only them.
fn lo_twice(ctx: &mut Ctx, a: Val) -> Val {
    let lo = ctx.b.half(a, false);
    ctx.b.pair(lo, lo)
}

/// `lo(a) : lo(b)` as one register (a in the low half).
fn cat_lo(ctx: &mut Ctx, a: Val, b: Val) -> Val {
    let (x, y) = (ctx.b.half(a, false), ctx.b.half(b, false));
    ctx.b.pair(x, y)
}

/// The upper 64 bits of `a`, moved down (upper half zero).
fn high_down(ctx: &mut Ctx, a: Val) -> Val {
    let z = ctx.b.konst128(0);
    ctx.b.vbin(VBinOp::Ext(8), 1, a, z)
}

/// Bitwise select: bits of `x` where `mask` is set, else bits of `y`.
fn bsl(ctx: &mut Ctx, mask: Val, x: Val, y: Val) -> Val {
    let t = ctx.b.vbin(VBinOp::Xor, 1, x, y);
    let t = ctx.b.vbin(VBinOp::And, 1, t, mask);
    ctx.b.vbin(VBinOp::Xor, 1, y, t)
}

// ---- vector three same ----

fn three_same(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let q = bit(insn, 30);
    let u = bit(insn, 29);
    let size = bits(insn, 22, 2);
    let opcode = bits(insn, 11, 5);
    let es = 1u8 << size;
    let (d, n, m) = (rd(insn), rn(insn), rm(insn));
    if opcode >= 0b11000 {
        return super::fp::simd_fp_three_same(ctx, insn, false);
    }
    if let Some(r) = simd_sat::three_same(ctx, insn, false)? {
        set_vq(ctx, d, r, q);
        return Ok(());
    }
    let a = ctx.v(n);
    let b = ctx.v(m);
    if opcode == 0b00011 {
        let r = match (u, size) {
            (false, 0) => ctx.b.vbin(VBinOp::And, 1, a, b),
            (false, 1) => ctx.b.vbin(VBinOp::Bic, 1, a, b),
            (false, 2) => ctx.b.vbin(VBinOp::Or, 1, a, b),
            (false, _) => ctx.b.vbin(VBinOp::Orn, 1, a, b),
            (true, 0) => ctx.b.vbin(VBinOp::Xor, 1, a, b),
            (true, sz) => {
                let dv = ctx.v(d);
                match sz {
                    1 => bsl(ctx, dv, a, b),  // BSL
                    2 => bsl(ctx, b, a, dv),  // BIT
                    _ => bsl(ctx, b, dv, a),  // BIF
                }
            }
        };
        set_vq(ctx, d, r, q);
        return Ok(());
    }
    let elementwise = |op| Some((op, false));
    let pairwise = |op| Some((op, true));
    let (op, pair) = match (u, opcode) {
        (false, 0b10000) => elementwise(VBinOp::Add),
        (true, 0b10000) => elementwise(VBinOp::Sub),
        (false, 0b00110) => elementwise(VBinOp::CmGt),
        (true, 0b00110) => elementwise(VBinOp::CmHi),
        (false, 0b00111) => elementwise(VBinOp::CmGe),
        (true, 0b00111) => elementwise(VBinOp::CmHs),
        (false, 0b10001) => elementwise(VBinOp::CmTst),
        (true, 0b10001) => elementwise(VBinOp::CmEq),
        (false, 0b01100) => elementwise(VBinOp::SMax),
        (true, 0b01100) => elementwise(VBinOp::UMax),
        (false, 0b01101) => elementwise(VBinOp::SMin),
        (true, 0b01101) => elementwise(VBinOp::UMin),
        (false, 0b10100) => pairwise(VBinOp::SMaxP),
        (true, 0b10100) => pairwise(VBinOp::UMaxP),
        (false, 0b10101) => pairwise(VBinOp::SMinP),
        (true, 0b10101) => pairwise(VBinOp::UMinP),
        (false, 0b10111) => pairwise(VBinOp::AddP),
        (false, 0b10011) => elementwise(VBinOp::Mul),
        (false, 0b01000) => elementwise(VBinOp::SShl),
        (true, 0b01000) => elementwise(VBinOp::UShl),
        (_, 0b10010) => elementwise(VBinOp::Mul), // MLA / MLS
        _ => None,
    }
    .ok_or(Undef::Unimplemented)?;
    // Size restrictions: 64-bit lanes need Q=1 and exist only for add/sub/compare/addp.
    let d64_ok = matches!(opcode, 0b10000 | 0b00110 | 0b00111 | 0b10001 | 0b10111 | 0b01000);
    if size == 3 && (!q || !d64_ok) {
        return Err(Undef::Unallocated);
    }
    let r = if pair && !q {
        let x = cat_lo(ctx, a, b);
        ctx.b.vbin(op, es, x, x)
    } else {
        ctx.b.vbin(op, es, a, b)
    };
    let r = if opcode == 0b10010 {
        let dv = ctx.v(d);
        ctx.b.vbin(if u { VBinOp::Sub } else { VBinOp::Add }, es, dv, r)
    } else {
        r
    };
    set_vq(ctx, d, r, q);
    Ok(())
}

/// Widen the low (or, for the "2" forms, the high) half's `es` lanes to `2*es`.
pub(super) fn widen(ctx: &mut Ctx, v: Val, es: u8, upper: bool, signed: bool) -> Val {
    let v = if upper { high_down(ctx, v) } else { v };
    ctx.b.vun(if signed { VUnOp::SXtl } else { VUnOp::UXtl }, es, v)
}

fn three_diff(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let q = bit(insn, 30);
    let u = bit(insn, 29);
    let size = bits(insn, 22, 2);
    let opcode = bits(insn, 12, 4);
    if size == 3 {
        return Err(Undef::Unallocated);
    }
    let es = 1u8 << size;
    let (d, n, m) = (rd(insn), rn(insn), rm(insn));
    let a = ctx.v(n);
    let b = ctx.v(m);
    match opcode {
        // 0000 ADDL, 0001 ADDW, 0010 SUBL, 0011 SUBW (S/U by the U bit)
        0b0000..=0b0011 => {
            let a = if opcode & 1 == 0 { widen(ctx, a, es, q, !u) } else { a };
            let b = widen(ctx, b, es, q, !u);
            let op = if opcode & 2 == 0 { VBinOp::Add } else { VBinOp::Sub };
            let r = ctx.b.vbin(op, es * 2, a, b);
            ctx.set_v(d, r);
        }
        // ADDHN / RADDHN (0100), SUBHN / RSUBHN (0110): wide op, keep the high halves.
        0b0100 | 0b0110 => {
            let op = if opcode == 0b0100 { VBinOp::Add } else { VBinOp::Sub };
            let mut r = ctx.b.vbin(op, es * 2, a, b);
            let half_bits = es as u32 * 8;
            if u {
                // Rounding: add half of the discarded part's weight.
                let k = ctx.b.konst(Ty::I64, 1u64 << (half_bits - 1));
                let k = vdup(ctx, es * 2, k);
                r = ctx.b.vbin(VBinOp::Add, es * 2, r, k);
            }
            let r = ctx.b.vimm(VImmOp::Shrn, es * 2, r, half_bits);
            let r = if q {
                let dv = ctx.v(d);
                cat_lo(ctx, dv, r)
            } else {
                r
            };
            ctx.set_v(d, r);
        }
        // MLAL (1000), MLSL (1010), MULL (1100): products of widened lanes (exact in 2*es).
        0b1000 | 0b1010 | 0b1100 => {
            let a = widen(ctx, a, es, q, !u);
            let b = widen(ctx, b, es, q, !u);
            let p = ctx.b.vbin(VBinOp::Mul, es * 2, a, b);
            let r = match opcode {
                0b1000 => {
                    let dv = ctx.v(d);
                    ctx.b.vbin(VBinOp::Add, es * 2, dv, p)
                }
                0b1010 => {
                    let dv = ctx.v(d);
                    ctx.b.vbin(VBinOp::Sub, es * 2, dv, p)
                }
                _ => p,
            };
            ctx.set_v(d, r);
        }
        // SABAL / UABAL (0101), SABDL / UABDL (0111): the widened difference is exact.
        0b0101 | 0b0111 => {
            let a = widen(ctx, a, es, q, !u);
            let b = widen(ctx, b, es, q, !u);
            let t = ctx.b.vbin(VBinOp::Sub, es * 2, a, b);
            let t = ctx.b.vun(VUnOp::Abs, es * 2, t);
            let r = if opcode == 0b0101 {
                let dv = ctx.v(d);
                ctx.b.vbin(VBinOp::Add, es * 2, dv, t)
            } else {
                t
            };
            ctx.set_v(d, r);
        }
        // SQDMLAL/SQDMLSL/SQDMULL exist only with U=0.
        0b1001 | 0b1011 | 0b1101 if u => return Err(Undef::Unallocated),
        0b1001 | 0b1011 | 0b1101 => {
            if size == 0 {
                return Err(Undef::Unallocated);
            }
            let acc = match opcode {
                0b1001 => simd_elem::Acc::Add,
                0b1011 => simd_elem::Acc::Sub,
                _ => simd_elem::Acc::None,
            };
            let a = widen(ctx, a, es, q, true);
            let b = widen(ctx, b, es, q, true);
            let dv = ctx.v(d);
            let r = simd_elem::long_mul(ctx, es, a, b, dv, acc, true);
            ctx.set_v(d, r);
        }
        0b1110 if u => return Err(Undef::Unallocated),
        0b1111 => return Err(Undef::Unallocated),
        _ => return Err(Undef::Unimplemented),
    }
    Ok(())
}

// ---- two-register misc ----

/// Shared by the vector and scalar two-register compares against zero and ABS/NEG.
fn misc_cmp0_absneg(ctx: &mut Ctx, u: bool, opcode: u32, es: u8, a: Val) -> Option<Val> {
    let z = ctx.b.konst128(0);
    Some(match (u, opcode) {
        (false, 0b01000) => ctx.b.vbin(VBinOp::CmGt, es, a, z),
        (true, 0b01000) => ctx.b.vbin(VBinOp::CmGe, es, a, z),
        (false, 0b01001) => ctx.b.vbin(VBinOp::CmEq, es, a, z),
        (true, 0b01001) => ctx.b.vbin(VBinOp::CmGe, es, z, a),
        (false, 0b01010) => ctx.b.vbin(VBinOp::CmGt, es, z, a),
        (false, 0b01011) => ctx.b.vun(VUnOp::Abs, es, a),
        (true, 0b01011) => ctx.b.vun(VUnOp::Neg, es, a),
        _ => return None,
    })
}

fn two_misc(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let q = bit(insn, 30);
    let u = bit(insn, 29);
    let size = bits(insn, 22, 2);
    let opcode = bits(insn, 12, 5);
    if super::fp::is_fp_two_misc(u, bit(insn, 23), opcode) {
        return super::fp::simd_fp_two_misc(ctx, insn, false);
    }
    if u && opcode == 0b10110 && !bit(insn, 23) {
        return simd_fpx::fcvtxn(ctx, insn, false);
    }
    let es = 1u8 << size;
    let (d, n) = (rd(insn), rn(insn));
    match simd_sat::two_misc(ctx, insn, false)? {
        Some(Some(r)) => {
            set_vq(ctx, d, r, q);
            return Ok(());
        }
        Some(None) => return Ok(()),
        None => {}
    }
    let a = ctx.v(n);
    let r = match (u, opcode) {
        (false, 0b00000) | (true, 0b00000) | (false, 0b00001) => {
            // REV64 / REV32 / REV16: container of 8 / 4 / 2 bytes, larger than the element.
            let container: u8 = match (u, opcode) {
                (false, 0) => 8,
                (true, 0) => 4,
                _ => 2,
            };
            if es >= container {
                return Err(Undef::Unallocated);
            }
            ctx.b.vun(VUnOp::Rev(container), es, a)
        }
        (false, 0b00101) => {
            if size != 0 {
                return Err(Undef::Unallocated);
            }
            ctx.b.vun(VUnOp::Cnt, 1, a)
        }
        (true, 0b00101) => match size {
            0 => ctx.b.vun(VUnOp::Not, 1, a),
            1 => ctx.b.vun(VUnOp::Rbit, 1, a),
            _ => return Err(Undef::Unallocated),
        },
        (true, 0b00100) => {
            if size == 3 {
                return Err(Undef::Unallocated);
            }
            ctx.b.vun(VUnOp::Clz, es, a)
        }
        (false, 0b00100) => {
            // CLS: leading bits equal to the sign bit, not counting it, is
            // CLZ(x ^ (x >> 1 arithmetic)) - 1.
            if size == 3 {
                return Err(Undef::Unallocated);
            }
            let s = ctx.b.vimm(VImmOp::SShr, es, a, 1);
            let y = ctx.b.vbin(VBinOp::Xor, es, a, s);
            let z = ctx.b.vun(VUnOp::Clz, es, y);
            let ones = (0..16 / es as usize).fold(0u128, |acc, i| acc | 1u128 << (8 * es as usize * i));
            let one = ctx.b.konst128(ones);
            ctx.b.vbin(VBinOp::Sub, es, z, one)
        }
        (_, 0b00010) | (_, 0b00110) => {
            // SADDLP/UADDLP, SADALP/UADALP
            if size == 3 {
                return Err(Undef::Unallocated);
            }
            let r = ctx.b.vun(if u { VUnOp::UAddLP } else { VUnOp::SAddLP }, es, a);
            if opcode == 0b00110 {
                let dv = ctx.v(d);
                ctx.b.vbin(VBinOp::Add, es * 2, dv, r)
            } else {
                r
            }
        }
        (true, 0b10011) => {
            // SHLL / SHLL2: widen the low (high) half's lanes and shift left by their width.
            if size == 3 {
                return Err(Undef::Unallocated);
            }
            let w = widen(ctx, a, es, q, false);
            let r = ctx.b.vimm(VImmOp::Shl, es * 2, w, 8 * es as u32);
            ctx.set_v(d, r);
            return Ok(());
        }
        (false, 0b10010) => {
            // XTN / XTN2: narrow 2*es lanes to es.
            if size == 3 {
                return Err(Undef::Unallocated);
            }
            let r = ctx.b.vun(VUnOp::Xtn, es * 2, a);
            let r = if q {
                let dv = ctx.v(d);
                cat_lo(ctx, dv, r)
            } else {
                r
            };
            ctx.set_v(d, r);
            return Ok(());
        }
        _ => {
            if size == 3 && !q && matches!(opcode, 0b01000..=0b01011) {
                return Err(Undef::Unallocated);
            }
            misc_cmp0_absneg(ctx, u, opcode, es, a).ok_or(Undef::Unimplemented)?
        }
    };
    set_vq(ctx, d, r, q);
    Ok(())
}

// ---- across lanes ----

fn across(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let q = bit(insn, 30);
    let u = bit(insn, 29);
    let size = bits(insn, 22, 2);
    let opcode = bits(insn, 12, 5);
    if opcode == 0b01100 || opcode == 0b01111 {
        return super::fp::simd_fp_across(ctx, insn);
    }
    if size == 3 || (size == 2 && !q) {
        return Err(Undef::Unallocated);
    }
    let es = 1u8 << size;
    let op = match (u, opcode) {
        (false, 0b11011) => VUnOp::AddV,
        (false, 0b01010) => VUnOp::SMaxV,
        (true, 0b01010) => VUnOp::UMaxV,
        (false, 0b11010) => VUnOp::SMinV,
        (true, 0b11010) => VUnOp::UMinV,
        (false, 0b00011) => VUnOp::SAddLV,
        (true, 0b00011) => VUnOp::UAddLV,
        _ => return Err(Undef::Unimplemented),
    };
    let a = ctx.v(rn(insn));
    let r = if q {
        ctx.b.vun(op, es, a)
    } else if matches!(op, VUnOp::AddV | VUnOp::UAddLV | VUnOp::SAddLV) {
        // Zero upper lanes do not change a sum.
        let lo = ctx.b.vun(VUnOp::ZeroHigh, 8, a);
        ctx.b.vun(op, es, lo)
    } else {
        // Min/max see the low half twice: same result.
        let x = lo_twice(ctx, a);
        ctx.b.vun(op, es, x)
    };
    // The result is a scalar: mask it to its width, zeroing the rest.
    let rty = if matches!(op, VUnOp::UAddLV | VUnOp::SAddLV) { Ty::from_bytes(es as usize * 2) } else { Ty::from_bytes(es as usize) };
    let lo = ctx.b.half(r, false);
    let s = ctx.b.zext(lo, rty);
    ctx.set_vscalar(rd(insn), s);
    Ok(())
}

// ---- copy ----

/// Element size (bytes) and index from an imm5 field; None when imm5<3:0> is zero.
fn imm5_elem(imm5: u32) -> Option<(u8, u8)> {
    if imm5 & 0xf == 0 {
        return None;
    }
    let s = imm5.trailing_zeros();
    Some((1 << s, (imm5 >> (s + 1)) as u8))
}

fn copy(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let q = bit(insn, 30);
    let op = bit(insn, 29);
    let imm5 = bits(insn, 16, 5);
    let imm4 = bits(insn, 11, 4);
    let (d, n) = (rd(insn), rn(insn));
    let (es, idx) = imm5_elem(imm5).ok_or(Undef::Unallocated)?;
    if op {
        // INS (element): Vd.T[idx] = Vn.T[imm4 >> log2(es)]
        if !q {
            return Err(Undef::Unallocated);
        }
        let src = (imm4 >> es.trailing_zeros()) as u8;
        let a = ctx.v(n);
        let x = vext(ctx, a, es, src);
        let dv = ctx.v(d);
        let r = vins(ctx, dv, es, idx, x);
        ctx.set_v(d, r);
        return Ok(());
    }
    match imm4 {
        0b0000 | 0b0001 => {
            // DUP (element) / DUP (general)
            if es == 8 && !q {
                return Err(Undef::Unallocated);
            }
            let x = if imm4 == 0 {
                let a = ctx.v(n);
                vext(ctx, a, es, idx)
            } else {
                let x = ctx.x(n, es == 8);
                ctx.b.zext(x, Ty::I64)
            };
            let r = vdup(ctx, es, x);
            set_vq(ctx, d, r, q);
        }
        0b0011 => {
            // INS (general)
            if !q {
                return Err(Undef::Unallocated);
            }
            let x = ctx.x(n, es == 8);
            let dv = ctx.v(d);
            let r = vins(ctx, dv, es, idx, x);
            ctx.set_v(d, r);
        }
        0b0101 | 0b0111 => {
            let signed = imm4 == 0b0101;
            // UMOV: W for 1/2/4-byte lanes (Q=0), X for 8-byte (Q=1). SMOV: W (Q=0) for 1/2,
            // X (Q=1) for 1/2/4.
            let ok = match (signed, q) {
                (false, false) => es <= 4,
                (false, true) => es == 8,
                (true, false) => es <= 2,
                (true, true) => es <= 4,
            };
            if !ok {
                return Err(Undef::Unallocated);
            }
            let a = ctx.v(n);
            let x = vext(ctx, a, es, idx);
            let x = if signed {
                let t = ctx.b.sext_from(x, Ty::from_bytes(es as usize), Ty::I64);
                if q {
                    t
                } else {
                    ctx.b.zext(t, Ty::I32)
                }
            } else {
                x
            };
            ctx.set_x(d, x);
        }
        _ => return Err(Undef::Unallocated),
    }
    Ok(())
}

// ---- modified immediate ----

/// AdvSIMDExpandImm: the 64-bit pattern for (op, cmode, imm8).
fn expand_imm(op: bool, cmode: u32, imm8: u32) -> u64 {
    let i = imm8 as u64;
    let rep32 = |x: u64| x | (x << 32);
    let rep16 = |x: u64| rep32(x | (x << 16));
    match cmode >> 1 {
        0 => rep32(i),
        1 => rep32(i << 8),
        2 => rep32(i << 16),
        3 => rep32(i << 24),
        4 => rep16(i),
        5 => rep16(i << 8),
        6 => {
            if cmode & 1 == 0 {
                rep32((i << 8) | 0xff)
            } else {
                rep32((i << 16) | 0xffff)
            }
        }
        _ => match (cmode & 1, op) {
            (0, false) => i * 0x0101_0101_0101_0101,
            (0, true) => (0..8).fold(0u64, |acc, b| if (i >> b) & 1 == 1 { acc | (0xff << (8 * b)) } else { acc }),
            (_, false) => rep32(super::fp::vfp_expand_imm(imm8, 32)),
            (_, true) => super::fp::vfp_expand_imm(imm8, 64),
        },
    }
}

fn mod_imm(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let q = bit(insn, 30);
    let op = bit(insn, 29);
    let cmode = bits(insn, 12, 4);
    if bit(insn, 11) {
        // o2 = 1: FMOV (vector, half precision) in FEAT_FP16, else unallocated.
        return Err(Undef::Unimplemented);
    }
    let imm8 = (bits(insn, 16, 3) << 5) | bits(insn, 5, 5);
    let d = rd(insn);
    if op && cmode == 0b1111 && !q {
        return Err(Undef::Unallocated);
    }
    let imm = expand_imm(op, cmode, imm8);
    // ORR / BIC (immediate): cmode 0xx1 and 10x1.
    let is_logic = cmode & 1 == 1 && cmode < 0b1100;
    let inverted = op && cmode != 0b1110 && cmode != 0b1111;
    let k = if inverted && !is_logic { !imm } else { imm };
    let k128 = if q { (k as u128) | ((k as u128) << 64) } else { k as u128 };
    let kv = ctx.b.konst128(k128);
    let r = if is_logic {
        let dv = ctx.v(d);
        if op {
            ctx.b.vbin(VBinOp::Bic, 1, dv, kv)
        } else {
            ctx.b.vbin(VBinOp::Or, 1, dv, kv)
        }
    } else {
        kv
    };
    set_vq(ctx, d, r, q);
    Ok(())
}

// ---- shift by immediate ----

/// (element bytes, immh:immb) for a shift-by-immediate encoding; None when immh is zero.
fn shift_elem(insn: u32) -> Option<(u8, u32)> {
    let immh = bits(insn, 19, 4);
    if immh == 0 {
        return None;
    }
    let es = 1u8 << (31 - immh.leading_zeros());
    Some((es, bits(insn, 16, 7)))
}

fn shift_imm(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let q = bit(insn, 30);
    let u = bit(insn, 29);
    let opcode = bits(insn, 11, 5);
    let (es, hb) = shift_elem(insn).ok_or(Undef::Unallocated)?;
    let ebits = es as u32 * 8;
    let (d, n) = (rd(insn), rn(insn));
    if opcode == 0b11100 || opcode == 0b11111 {
        return super::fp::simd_fp_fixed(ctx, insn, es, 2 * ebits - hb, false);
    }
    if simd_sat::shift_imm(ctx, insn, false, es, hb)? {
        return Ok(());
    }
    let a = ctx.v(n);
    match (u, opcode) {
        (_, 0b00000) | (_, 0b00010) | (false, 0b01010) => {
            if es == 8 && !q {
                return Err(Undef::Unallocated);
            }
            let r = if opcode == 0b01010 {
                ctx.b.vimm(VImmOp::Shl, es, a, hb - ebits)
            } else {
                let sh = 2 * ebits - hb;
                let r = ctx.b.vimm(if u { VImmOp::UShr } else { VImmOp::SShr }, es, a, sh);
                if opcode == 0b00010 {
                    let dv = ctx.v(d);
                    ctx.b.vbin(VBinOp::Add, es, dv, r)
                } else {
                    r
                }
            };
            set_vq(ctx, d, r, q);
        }
        (false, 0b10000) => {
            // SHRN / SHRN2: es is the narrow size.
            if es == 8 {
                return Err(Undef::Unallocated);
            }
            let sh = 2 * ebits - hb;
            let r = ctx.b.vimm(VImmOp::Shrn, es * 2, a, sh);
            let r = if q {
                let dv = ctx.v(d);
                cat_lo(ctx, dv, r)
            } else {
                r
            };
            ctx.set_v(d, r);
        }
        (true, 0b01010) | (true, 0b01000) => {
            // SLI / SRI
            if es == 8 && !q {
                return Err(Undef::Unallocated);
            }
            let r = shift_insert(ctx, a, d, es, hb, opcode == 0b01010);
            set_vq(ctx, d, r, q);
        }
        (_, 0b10100) => {
            // SSHLL / USHLL (and their "2" forms): widen then shift left.
            if es == 8 {
                return Err(Undef::Unallocated);
            }
            let w = widen(ctx, a, es, q, !u);
            let r = ctx.b.vimm(VImmOp::Shl, es * 2, w, hb - ebits);
            ctx.set_v(d, r);
        }
        _ => return Err(Undef::Unimplemented),
    }
    Ok(())
}

/// SLI (`left`) / SRI of the `es`-byte lanes of `a` into the destination register `d`,
/// with the shift encoded in immh:immb = `hb`. The bits shifted in keep their old value.
fn shift_insert(ctx: &mut Ctx, a: Val, d: u32, es: u8, hb: u32, left: bool) -> Val {
    let ebits = es as u32 * 8;
    let emask = if ebits == 64 { u64::MAX } else { (1u64 << ebits) - 1 };
    let (shifted, lane_mask) = if left {
        let sh = hb - ebits;
        (ctx.b.vimm(VImmOp::Shl, es, a, sh), (emask << sh) & emask)
    } else {
        let sh = 2 * ebits - hb;
        let m = if sh >= ebits { 0 } else { emask >> sh };
        (ctx.b.vimm(VImmOp::UShr, es, a, sh), m)
    };
    let mask = (0..16 / es as u32).fold(0u128, |acc, i| acc | ((lane_mask as u128) << (i * ebits)));
    let mask = ctx.b.konst128(mask);
    let dv = ctx.v(d);
    bsl(ctx, mask, shifted, dv)
}

// ---- permute, EXT, TBL ----

fn permute(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let q = bit(insn, 30);
    let size = bits(insn, 22, 2);
    if size == 3 && !q {
        return Err(Undef::Unallocated);
    }
    let es = 1u8 << size;
    let a = ctx.v(rn(insn));
    let b = ctx.v(rm(insn));
    let op = match bits(insn, 12, 3) {
        0b001 => VBinOp::Uzp1,
        0b010 => VBinOp::Trn1,
        0b011 => VBinOp::Zip1,
        0b101 => VBinOp::Uzp2,
        0b110 => VBinOp::Trn2,
        0b111 => VBinOp::Zip2,
        _ => return Err(Undef::Unallocated),
    };
    let r = if q {
        ctx.b.vbin(op, es, a, b)
    } else {
        match op {
            VBinOp::Uzp1 | VBinOp::Uzp2 => {
                let x = cat_lo(ctx, a, b);
                ctx.b.vbin(op, es, x, x)
            }
            VBinOp::Zip2 => {
                // The 64-bit ZIP2 is the upper half of the 128-bit ZIP1.
                let z = ctx.b.vbin(VBinOp::Zip1, es, a, b);
                high_down(ctx, z)
            }
            _ => ctx.b.vbin(op, es, a, b),
        }
    };
    set_vq(ctx, rd(insn), r, q);
    Ok(())
}

fn ext(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let q = bit(insn, 30);
    let imm4 = bits(insn, 11, 4) as u8;
    if !q && imm4 >= 8 {
        return Err(Undef::Unallocated);
    }
    let a = ctx.v(rn(insn));
    let b = ctx.v(rm(insn));
    let r = if q {
        ctx.b.vbin(VBinOp::Ext(imm4), 1, a, b)
    } else {
        let x = cat_lo(ctx, a, b);
        ctx.b.vbin(VBinOp::Ext(imm4), 1, x, x)
    };
    set_vq(ctx, rd(insn), r, q);
    Ok(())
}

fn tbl(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let q = bit(insn, 30);
    let tbx = bit(insn, 12);
    let len = bits(insn, 13, 2) + 1;
    let (d, n) = (rd(insn), rn(insn));
    let idx = ctx.v(rm(insn));
    let mut r = ctx.b.konst128(0);
    for i in 0..len {
        let table = ctx.v((n + i) % 32);
        // Bytes of table i answer indices 16*i .. 16*i+15; shift the indices down so
        // the others fall out of range (wrapping byte subtraction).
        let ix = if i == 0 {
            idx
        } else {
            let k = ctx.b.konst128(0x1010_1010_1010_1010_1010_1010_1010_1010u128 * i as u128);
            ctx.b.vbin(VBinOp::Sub, 1, idx, k)
        };
        let part = ctx.b.vbin(VBinOp::Tbl, 1, table, ix);
        r = ctx.b.vbin(VBinOp::Or, 1, r, part);
    }
    if tbx {
        // Out-of-range indices keep the destination byte.
        let lim = ctx.b.konst128(0x0101_0101_0101_0101_0101_0101_0101_0101u128 * (16 * len) as u128);
        let inr = ctx.b.vbin(VBinOp::CmHi, 1, lim, idx);
        let dv = ctx.v(d);
        r = bsl(ctx, inr, r, dv);
    }
    set_vq(ctx, d, r, q);
    Ok(())
}

// ---- scalar forms ----

fn scalar_three_same(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let u = bit(insn, 29);
    let size = bits(insn, 22, 2);
    let opcode = bits(insn, 11, 5);
    if opcode >= 0b11000 {
        return super::fp::simd_fp_three_same(ctx, insn, true);
    }
    let d = rd(insn);
    if let Some(r) = simd_sat::three_same(ctx, insn, true)? {
        set_vq(ctx, d, r, false);
        return Ok(());
    }
    let op = match (u, opcode) {
        (false, 0b10000) => VBinOp::Add,
        (true, 0b10000) => VBinOp::Sub,
        (false, 0b00110) => VBinOp::CmGt,
        (true, 0b00110) => VBinOp::CmHi,
        (false, 0b00111) => VBinOp::CmGe,
        (true, 0b00111) => VBinOp::CmHs,
        (false, 0b10001) => VBinOp::CmTst,
        (true, 0b10001) => VBinOp::CmEq,
        (false, 0b01000) => VBinOp::SShl,
        (true, 0b01000) => VBinOp::UShl,
        _ => return Err(Undef::Unimplemented),
    };
    if size != 3 {
        return Err(Undef::Unallocated);
    }
    let a = ctx.v(rn(insn));
    let b = ctx.v(rm(insn));
    let r = ctx.b.vbin(op, 8, a, b);
    set_vq(ctx, rd(insn), r, false);
    Ok(())
}

fn scalar_two_misc(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let u = bit(insn, 29);
    let size = bits(insn, 22, 2);
    let opcode = bits(insn, 12, 5);
    if !u && bit(insn, 23) && opcode == 0b11111 {
        return simd_fpx::frecpx(ctx, insn);
    }
    if super::fp::is_fp_two_misc(u, bit(insn, 23), opcode) {
        return super::fp::simd_fp_two_misc(ctx, insn, true);
    }
    if u && opcode == 0b10110 && !bit(insn, 23) {
        return simd_fpx::fcvtxn(ctx, insn, true);
    }
    match simd_sat::two_misc(ctx, insn, true)? {
        Some(Some(r)) => {
            set_vq(ctx, rd(insn), r, false);
            return Ok(());
        }
        Some(None) => return Ok(()),
        None => {}
    }
    if !matches!(opcode, 0b01000..=0b01011) {
        return Err(Undef::Unimplemented);
    }
    if size != 3 {
        return Err(Undef::Unallocated);
    }
    let a = ctx.v(rn(insn));
    let r = misc_cmp0_absneg(ctx, u, opcode, 8, a).ok_or(Undef::Unallocated)?;
    set_vq(ctx, rd(insn), r, false);
    Ok(())
}

fn scalar_pairwise(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let u = bit(insn, 29);
    let size = bits(insn, 22, 2);
    let opcode = bits(insn, 12, 5);
    if u || opcode != 0b11011 {
        return super::fp::simd_fp_scalar_pairwise(ctx, insn);
    }
    if size != 3 {
        return Err(Undef::Unallocated);
    }
    let a = ctx.v(rn(insn));
    let r = ctx.b.vbin(VBinOp::AddP, 8, a, a);
    set_vq(ctx, rd(insn), r, false);
    Ok(())
}

fn scalar_dup(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let (es, idx) = imm5_elem(bits(insn, 16, 5)).ok_or(Undef::Unallocated)?;
    let a = ctx.v(rn(insn));
    let x = vext(ctx, a, es, idx);
    let x = ctx.b.zext(x, Ty::from_bytes(es as usize));
    ctx.set_vscalar(rd(insn), x);
    Ok(())
}

fn scalar_shift_imm(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let u = bit(insn, 29);
    let opcode = bits(insn, 11, 5);
    let (es, hb) = shift_elem(insn).ok_or(Undef::Unallocated)?;
    if opcode == 0b11100 || opcode == 0b11111 {
        return super::fp::simd_fp_fixed(ctx, insn, es, 2 * es as u32 * 8 - hb, true);
    }
    if simd_sat::shift_imm(ctx, insn, true, es, hb)? {
        return Ok(());
    }
    if !matches!((u, opcode), (_, 0b00000) | (_, 0b00010) | (_, 0b01010) | (true, 0b01000)) {
        return Err(Undef::Unimplemented);
    }
    if es != 8 {
        return Err(Undef::Unallocated);
    }
    let (d, n) = (rd(insn), rn(insn));
    let a = ctx.v(n);
    let r = if u && (opcode == 0b01010 || opcode == 0b01000) {
        shift_insert(ctx, a, d, 8, hb, opcode == 0b01010)
    } else if opcode == 0b01010 {
        ctx.b.vimm(VImmOp::Shl, 8, a, hb - 64)
    } else {
        let r = ctx.b.vimm(if u { VImmOp::UShr } else { VImmOp::SShr }, 8, a, 128 - hb);
        if opcode == 0b00010 {
            let dv = ctx.v(d);
            ctx.b.vbin(VBinOp::Add, 8, dv, r)
        } else {
            r
        }
    };
    set_vq(ctx, d, r, false);
    Ok(())
}
