//! Advanced SIMD "vector x indexed element" (vector and scalar: MUL/MLA/MLS, the long
//! multiplies, the saturating doubling multiplies, FMUL/FMLA/FMLS/FMULX by element) and the
//! scalar three-different group (SQDMULL/SQDMLAL/SQDMLSL). The integer forms duplicate the
//! element and reuse the vector ops; the FP forms go lane by lane like fp.rs.

use super::simd::{set_vq, vdup, vext, vins, widen};
use super::simd_sat::{low_bytes, sat_bin};
use super::Ctx;
use crate::a64_row;
use crate::guest::aarch64::decode::{bit, bits, rd, rn, Row, Undef};
use crate::ir::*;

pub static ROWS: &[Row] = &[
    a64_row!("0qu01111 sslm rrrr oooo h0 nnnnn ddddd", "simd by element", elem),
    a64_row!("01u11111 sslm rrrr oooo h0 nnnnn ddddd", "simd scalar by element", scalar_elem),
    a64_row!("01011110 ss1 mmmmm oooo 00 nnnnn ddddd", "simd scalar three different", scalar_three_diff),
];

/// What a widening multiply does with its products.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Acc {
    /// SMULL / UMULL / SQDMULL
    None,
    /// SMLAL / UMLAL / SQDMLAL
    Add,
    /// SMLSL / UMLSL / SQDMLSL
    Sub,
}

/// A widening multiply of `a` and `b` (lanes already widened to `2*es`) into `d`; `sat`
/// for the saturating doubling forms (which set FPSR.QC).
pub(super) fn long_mul(ctx: &mut Ctx, es: u8, a: Val, b: Val, d: Val, acc: Acc, sat: bool) -> Val {
    let w = es * 2;
    let p = ctx.b.vbin(VBinOp::Mul, w, a, b);
    if sat {
        let p = sat_bin(ctx, SatBin::SqAdd, w, p, p);
        match acc {
            Acc::None => p,
            Acc::Add => sat_bin(ctx, SatBin::SqAdd, w, d, p),
            Acc::Sub => sat_bin(ctx, SatBin::SqSub, w, d, p),
        }
    } else {
        match acc {
            Acc::None => p,
            Acc::Add => ctx.b.vbin(VBinOp::Add, w, d, p),
            Acc::Sub => ctx.b.vbin(VBinOp::Sub, w, d, p),
        }
    }
}

/// The integer element operand: (element size, index, register) for size 01 (H: index
/// H:L:M, registers V0-V15) and 10 (S: index H:L, M is the top register bit).
fn int_elem(insn: u32) -> Result<(u8, u8, u32), Undef> {
    let (h, l, m) = (bit(insn, 11) as u8, bit(insn, 21) as u8, bit(insn, 20) as u8);
    match bits(insn, 22, 2) {
        1 => Ok((2, h << 2 | l << 1 | m, bits(insn, 16, 4))),
        2 => Ok((4, h << 1 | l, bits(insn, 16, 5))),
        _ => Err(Undef::Unallocated),
    }
}

/// Integer by-element opcode (U, bits 15:12) kinds.
enum IntKind {
    /// MUL / MLA / MLS
    Mul(Acc),
    /// SMULL / SMLAL / SMLSL (unsigned with U=1)
    Long(Acc),
    /// SQDMULL / SQDMLAL / SQDMLSL
    SatLong(Acc),
    /// SQDMULH / SQRDMULH
    High(SatBin),
}

fn int_kind(u: bool, opcode: u32) -> Option<IntKind> {
    use IntKind::*;
    Some(match (u, opcode) {
        (false, 0b1000) => Mul(Acc::None),
        (true, 0b0000) => Mul(Acc::Add),
        (true, 0b0100) => Mul(Acc::Sub),
        (_, 0b1010) => Long(Acc::None),
        (_, 0b0010) => Long(Acc::Add),
        (_, 0b0110) => Long(Acc::Sub),
        (false, 0b1011) => SatLong(Acc::None),
        (false, 0b0011) => SatLong(Acc::Add),
        (false, 0b0111) => SatLong(Acc::Sub),
        (false, 0b1100) => High(SatBin::SqDMulH),
        (false, 0b1101) => High(SatBin::SqRDMulH),
        _ => return None,
    })
}

fn is_fp_elem(u: bool, opcode: u32) -> bool {
    matches!((u, opcode), (false, 0b0001) | (false, 0b0101) | (_, 0b1001))
}

fn elem(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let q = bit(insn, 30);
    let u = bit(insn, 29);
    let opcode = bits(insn, 12, 4);
    if is_fp_elem(u, opcode) {
        return fp_elem(ctx, insn, false);
    }
    let kind = int_kind(u, opcode).ok_or(Undef::Unallocated)?;
    let (es, idx, m) = int_elem(insn)?;
    let (d, n) = (rd(insn), rn(insn));
    let a = ctx.v(n);
    let vm = ctx.v(m);
    let e = vext(ctx, vm, es, idx);
    let dup = vdup(ctx, es, e);
    match kind {
        IntKind::Mul(acc) => {
            let p = ctx.b.vbin(VBinOp::Mul, es, a, dup);
            let r = match acc {
                Acc::None => p,
                Acc::Add | Acc::Sub => {
                    let dv = ctx.v(d);
                    let op = if acc == Acc::Add { VBinOp::Add } else { VBinOp::Sub };
                    ctx.b.vbin(op, es, dv, p)
                }
            };
            set_vq(ctx, d, r, q);
        }
        IntKind::Long(acc) | IntKind::SatLong(acc) => {
            let sat = matches!(kind, IntKind::SatLong(_));
            let signed = sat || !u;
            let aw = widen(ctx, a, es, q, signed);
            let bw = widen(ctx, dup, es, false, signed);
            let dv = ctx.v(d);
            let r = long_mul(ctx, es, aw, bw, dv, acc, sat);
            ctx.set_v(d, r);
        }
        IntKind::High(op) => {
            let w = if q { 16 } else { 8 };
            let a = low_bytes(ctx, a, w);
            let b = low_bytes(ctx, dup, w);
            let r = sat_bin(ctx, op, es, a, b);
            set_vq(ctx, d, r, q);
        }
    }
    Ok(())
}

fn scalar_elem(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let u = bit(insn, 29);
    let opcode = bits(insn, 12, 4);
    if is_fp_elem(u, opcode) {
        return fp_elem(ctx, insn, true);
    }
    let kind = int_kind(u, opcode).ok_or(Undef::Unallocated)?;
    let (es, idx, m) = int_elem(insn)?;
    let (d, n) = (rd(insn), rn(insn));
    let a = ctx.v(n);
    let a = low_bytes(ctx, a, es);
    let vm = ctx.v(m);
    let e = vext(ctx, vm, es, idx);
    let z = ctx.b.konst128(0);
    let b = vins(ctx, z, es, 0, e);
    let r = match kind {
        IntKind::SatLong(acc) => {
            let aw = widen(ctx, a, es, false, true);
            let bw = widen(ctx, b, es, false, true);
            let dv = ctx.v(d);
            let dv = low_bytes(ctx, dv, 2 * es);
            long_mul(ctx, es, aw, bw, dv, acc, true)
        }
        IntKind::High(op) => sat_bin(ctx, op, es, a, b),
        _ => return Err(Undef::Unallocated),
    };
    set_vq(ctx, d, r, false);
    Ok(())
}

fn scalar_three_diff(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let acc = match bits(insn, 12, 4) {
        0b1001 => Acc::Add,
        0b1011 => Acc::Sub,
        0b1101 => Acc::None,
        _ => return Err(Undef::Unallocated),
    };
    let size = bits(insn, 22, 2);
    if size != 1 && size != 2 {
        return Err(Undef::Unallocated);
    }
    let es = 1u8 << size;
    let d = rd(insn);
    let a = ctx.v(rn(insn));
    let a = low_bytes(ctx, a, es);
    let b = ctx.v(bits(insn, 16, 5));
    let b = low_bytes(ctx, b, es);
    let aw = widen(ctx, a, es, false, true);
    let bw = widen(ctx, b, es, false, true);
    let dv = ctx.v(d);
    let dv = low_bytes(ctx, dv, 2 * es);
    let r = long_mul(ctx, es, aw, bw, dv, acc, true);
    set_vq(ctx, d, r, false);
    Ok(())
}

// ---- FP by element ----

fn lane_of(ctx: &mut Ctx, v: Val, ty: Ty, i: usize) -> Val {
    let x = vext(ctx, v, ty.bytes() as u8, i as u8);
    ctx.b.zext(x, ty)
}

/// FMLA / FMLS / FMUL / FMULX by element, vector or scalar. Single and double precision
/// (size 10 / 11); the half-precision forms (size 00) need FEAT_FP16.
fn fp_elem(ctx: &mut Ctx, insn: u32, scalar: bool) -> Result<(), Undef> {
    let q = bit(insn, 30);
    let u = bit(insn, 29);
    let opcode = bits(insn, 12, 4);
    let (h, l) = (bit(insn, 11) as u8, bit(insn, 21) as u8);
    let m = bits(insn, 16, 5);
    let (ty, idx) = match bits(insn, 22, 2) {
        2 => (Ty::I32, h << 1 | l),
        3 if l == 0 && (scalar || q) => (Ty::I64, h),
        0 => return Err(Undef::Unimplemented),
        _ => return Err(Undef::Unallocated),
    };
    let lanes = if scalar { 1 } else { (if q { 16 } else { 8 }) / ty.bytes() };
    let (d, n) = (rd(insn), rn(insn));
    let (a, vm, dv) = (ctx.v(n), ctx.v(m), ctx.v(d));
    let e = lane_of(ctx, vm, ty, idx as usize);
    let es = ty.bytes() as u8;
    if !scalar {
        // The element in every lane, then the whole-register op.
        let ev = vdup(ctx, es, e);
        let half = !q;
        let r = match opcode {
            0b1001 => {
                let op = if u { FBinOp::MulX } else { FBinOp::Mul };
                ctx.b.push(Op::VFBin { a, b: ev, op, esize: es, half })
            }
            _ => ctx.b.push(Op::VFMulAdd { a, b: ev, c: dv, esize: es, neg_p: opcode == 0b0101, half }),
        };
        ctx.set_v(d, r);
        return Ok(());
    }
    let mut r = ctx.b.konst128(0);
    for i in 0..lanes {
        let x = lane_of(ctx, a, ty, i);
        let y = match opcode {
            0b1001 => ctx.b.fbin(if u { FBinOp::MulX } else { FBinOp::Mul }, x, e),
            _ => {
                let c = lane_of(ctx, dv, ty, i);
                let neg_p = opcode == 0b0101;
                ctx.b.push(Op::FMulAdd { a: x, b: e, c, ty, neg_p, neg_c: false })
            }
        };
        r = vins(ctx, r, ty.bytes() as u8, i as u8, y);
    }
    ctx.set_v(d, r);
    Ok(())
}
