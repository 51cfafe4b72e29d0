//! Scalar floating point: FMOV (register, general, immediate), arithmetic, fused multiply-add,
//! compares, conditional select/compare, precision and integer conversions, rounding.
//! Half-precision arithmetic is not implemented (only moves and FCVT to/from H).

use super::Ctx;
use crate::a64_row;
use crate::guest::aarch64::decode::{bit, bits, rd, rm, rn, Row, Undef};
use crate::ir::*;

pub static ROWS: &[Row] = &[
    // M 0 S 11110 type 1 Rm opcode 10 Rn Rd
    a64_row!("00011110 tt1 mmmmm oooo 10 nnnnn ddddd", "fp 2-source", fp_2src),
    // M 0 S 11110 type 1 opcode(6) 10000 Rn Rd
    a64_row!("00011110 tt1 oooooo 10000 nnnnn ddddd", "fp 1-source", fp_1src),
    // M 0 S 11110 type 1 Rm op 1000 Rn opcode2
    a64_row!("00011110 tt1 mmmmm 001000 nnnnn ooooo", "fcmp", fp_cmp),
    a64_row!("00011110 tt1 mmmmm cccc 01 nnnnn ozzzz", "fccmp", fp_ccmp),
    a64_row!("00011110 tt1 mmmmm cccc 11 nnnnn ddddd", "fcsel", fp_csel),
    a64_row!("00011110 tt1 iiiiiiii 100 00000 ddddd", "fmov (imm)", fp_fmov_imm),
    // M 0 S 11111 type o1 Rm o0 Ra Rn Rd
    a64_row!("00011111 tt x mmmmm y aaaaa nnnnn ddddd", "fp 3-source", fp_3src),
    // sf 0 S 11110 type 1 rmode opcode 000000 Rn Rd
    a64_row!("f0011110 tt1 rr ooo 000000 nnnnn ddddd", "fp<->int", fp_int),
    // sf 0 S 11110 type 0 rmode opcode scale Rn Rd
    a64_row!("f0011110 tt0 rr ooo ssssss nnnnn ddddd", "fp<->fixed", fp_fixed),
];

/// The FP type field: 00 = single, 01 = double, 11 = half.
fn ftype(insn: u32) -> Result<Ty, Undef> {
    match bits(insn, 22, 2) {
        0 => Ok(Ty::I32),
        1 => Ok(Ty::I64),
        3 => Ok(Ty::I16),
        _ => Err(Undef::Unallocated),
    }
}

/// The FP type, for instructions whose half-precision form ruser does not implement.
fn ftype_sd(insn: u32) -> Result<Ty, Undef> {
    match ftype(insn)? {
        Ty::I16 => Err(Undef::Unimplemented),
        t => Ok(t),
    }
}

fn fp_2src(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let op = match bits(insn, 12, 4) {
        0 | 8 => FBinOp::Mul,
        1 => FBinOp::Div,
        2 => FBinOp::Add,
        3 => FBinOp::Sub,
        4 => FBinOp::Max,
        5 => FBinOp::Min,
        6 => FBinOp::MaxNm,
        7 => FBinOp::MinNm,
        _ => return Err(Undef::Unallocated),
    };
    let ty = ftype_sd(insn)?;
    let a = ctx.vscalar(rn(insn), ty);
    let b = ctx.vscalar(rm(insn), ty);
    let mut r = ctx.b.fbin(op, a, b);
    if bits(insn, 12, 4) == 8 {
        // FNMUL negates the rounded product (NaNs included).
        r = ctx.b.fun(FUnOp::Neg, r);
    }
    ctx.set_vscalar(rd(insn), r);
    Ok(())
}

fn fp_1src(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let opc = bits(insn, 15, 6);
    let ty = ftype(insn)?;
    let (n, d) = (rn(insn), rd(insn));
    if opc == 0 {
        // FMOV (register)
        let a = ctx.vscalar(n, ty);
        ctx.set_vscalar(d, a);
        return Ok(());
    }
    if opc & 0b111100 == 0b000100 {
        // FCVT between precisions: opc<1:0> is the destination type.
        let to = match opc & 3 {
            0 => Ty::I32,
            1 => Ty::I64,
            3 => Ty::I16,
            _ => return Err(Undef::Unallocated),
        };
        if to == ty {
            return Err(Undef::Unallocated);
        }
        let a = ctx.vscalar(n, ty);
        let r = ctx.b.push(Op::FCvt { a, from: ty, to }, to);
        ctx.set_vscalar(d, r);
        return Ok(());
    }
    let op = match opc {
        1 => FUnOp::Abs,
        2 => FUnOp::Neg,
        3 => FUnOp::Sqrt,
        8 => FUnOp::RoundInt(RoundMode::TieEven),
        9 => FUnOp::RoundInt(RoundMode::Ceil),
        10 => FUnOp::RoundInt(RoundMode::Floor),
        11 => FUnOp::RoundInt(RoundMode::Zero),
        12 => FUnOp::RoundInt(RoundMode::TieAway),
        14 | 15 => FUnOp::RoundInt(RoundMode::Dynamic),
        _ => return Err(Undef::Unallocated),
    };
    if ty == Ty::I16 {
        return Err(Undef::Unimplemented);
    }
    let a = ctx.vscalar(n, ty);
    let r = ctx.b.fun(op, a);
    ctx.set_vscalar(d, r);
    Ok(())
}

fn fp_cmp(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let ty = ftype_sd(insn)?;
    let op2 = bits(insn, 0, 5);
    if op2 & 0b00111 != 0 {
        return Err(Undef::Unallocated);
    }
    let a = ctx.vscalar(rn(insn), ty);
    let b = if op2 & 0b01000 != 0 {
        if rm(insn) != 0 {
            return Err(Undef::Unallocated);
        }
        ctx.konst(ty, 0)
    } else {
        ctx.vscalar(rm(insn), ty)
    };
    // FCMPE differs only in signalling on quiet NaNs (FPSR.IOC, not modelled).
    let f = ctx.b.push(Op::FCmpNzcv { a, b, ty }, Ty::I32);
    ctx.set_nzcv(f);
    Ok(())
}

fn fp_ccmp(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let ty = ftype_sd(insn)?;
    let a = ctx.vscalar(rn(insn), ty);
    let b = ctx.vscalar(rm(insn), ty);
    let f = ctx.b.push(Op::FCmpNzcv { a, b, ty }, Ty::I32);
    let imm = ctx.konst(Ty::I32, (bits(insn, 0, 4) as u64) << 28);
    let c = ctx.cond(bits(insn, 12, 4));
    let r = ctx.b.select(c, f, imm);
    ctx.set_nzcv(r);
    Ok(())
}

fn fp_csel(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let ty = ftype(insn)?;
    let a = ctx.vscalar(rn(insn), ty);
    let b = ctx.vscalar(rm(insn), ty);
    let c = ctx.cond(bits(insn, 12, 4));
    let r = ctx.b.select(c, a, b);
    ctx.set_vscalar(rd(insn), r);
    Ok(())
}

/// VFPExpandImm: the 8-bit FP immediate as raw bits of a float of `bits` width.
pub(super) fn vfp_expand_imm(imm8: u32, nbits: u32) -> u64 {
    let (e, f) = match nbits {
        16 => (5, 10),
        32 => (8, 23),
        _ => (11, 52),
    };
    let imm8 = imm8 as u64;
    let sign = (imm8 >> 7) & 1;
    let b6 = (imm8 >> 6) & 1;
    // exp = NOT(b6) : Replicate(b6, e-3) : imm8<5:4>
    let rep = if b6 == 1 { (1u64 << (e - 3)) - 1 } else { 0 };
    let exp = ((b6 ^ 1) << (e - 1)) | (rep << 2) | ((imm8 >> 4) & 3);
    let frac = (imm8 & 0xf) << (f - 4);
    (sign << (nbits - 1)) | (exp << f) | frac
}

fn fp_fmov_imm(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let ty = ftype(insn)?;
    let v = vfp_expand_imm(bits(insn, 13, 8), ty.bits());
    let k = ctx.konst(ty, v);
    ctx.set_vscalar(rd(insn), k);
    Ok(())
}

fn fp_3src(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let ty = ftype_sd(insn)?;
    let (o1, o0) = (bit(insn, 21), bit(insn, 15));
    let n = ctx.vscalar(rn(insn), ty);
    let m = ctx.vscalar(rm(insn), ty);
    let a = ctx.vscalar(bits(insn, 10, 5), ty);
    // FMADD a+n*m, FMSUB a-n*m, FNMADD -a-n*m, FNMSUB -a+n*m
    let neg_p = o1 != o0;
    let neg_c = o1;
    let r = ctx.b.push(Op::FMulAdd { a: n, b: m, c: a, ty, neg_p, neg_c }, ty);
    ctx.set_vscalar(rd(insn), r);
    Ok(())
}

fn int_ty(sf: bool) -> Ty {
    if sf {
        Ty::I64
    } else {
        Ty::I32
    }
}

fn fp_int(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let sf = bit(insn, 31);
    let rmode = bits(insn, 19, 2);
    let opcode = bits(insn, 16, 3);
    let tbits = bits(insn, 22, 2);
    let (n, d) = (rn(insn), rd(insn));
    if opcode >= 6 {
        // FMOV between general and FP registers.
        let to_fp = opcode == 7;
        match (sf, tbits, rmode) {
            (false, 0, 0) | (true, 1, 0) | (_, 3, 0) => {
                let ty = match tbits {
                    0 => Ty::I32,
                    1 => Ty::I64,
                    _ => Ty::I16,
                };
                if to_fp {
                    let x = ctx.x(n, sf);
                    let x = ctx.b.zext(x, ty);
                    ctx.set_vscalar(d, x);
                } else {
                    let v = ctx.vscalar(n, ty);
                    let v = ctx.b.zext(v, int_ty(sf));
                    ctx.set_x(d, v);
                }
            }
            (true, 2, 1) => {
                // The upper 64 bits of a vector register.
                if to_fp {
                    let x = ctx.x(n, true);
                    let v = ctx.v(d);
                    let lo = ctx.b.half(v, false);
                    let r = ctx.b.pair(lo, x);
                    ctx.set_v(d, r);
                } else {
                    let v = ctx.v(n);
                    let hi = ctx.b.half(v, true);
                    ctx.set_x(d, hi);
                }
            }
            _ => return Err(Undef::Unallocated),
        }
        return Ok(());
    }
    let ty = ftype(insn)?;
    if opcode == 2 || opcode == 3 {
        if rmode != 0 {
            return Err(Undef::Unallocated);
        }
        let x = ctx.x(n, sf);
        let r = ctx.b.push(Op::IToF { a: x, from: int_ty(sf), to: ty, signed: opcode == 2, fbits: 0 }, ty);
        ctx.set_vscalar(d, r);
        return Ok(());
    }
    let round = match (rmode, opcode >> 1) {
        (0, 0) => RoundMode::TieEven,
        (0, 2) => RoundMode::TieAway,
        (1, 0) => RoundMode::Ceil,
        (2, 0) => RoundMode::Floor,
        (3, 0) => RoundMode::Zero,
        // FJCVTZS (rmode 11, opcode 110) is handled above as opcode >= 6 -> unallocated
        _ => return Err(Undef::Unallocated),
    };
    let v = ctx.vscalar(n, ty);
    let to = int_ty(sf);
    let r = ctx.b.push(Op::FToI { a: v, from: ty, to, signed: opcode & 1 == 0, round, fbits: 0 }, to);
    ctx.set_x(d, r);
    Ok(())
}

fn fp_fixed(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let sf = bit(insn, 31);
    let scale = bits(insn, 10, 6);
    if !sf && scale < 32 {
        return Err(Undef::Unallocated);
    }
    let ty = ftype(insn)?;
    let fbits = (64 - scale) as u8;
    let (n, d) = (rn(insn), rd(insn));
    let it = int_ty(sf);
    match (bits(insn, 19, 2), bits(insn, 16, 3)) {
        (0, op @ (2 | 3)) => {
            let x = ctx.x(n, sf);
            let r = ctx.b.push(Op::IToF { a: x, from: it, to: ty, signed: op == 2, fbits }, ty);
            ctx.set_vscalar(d, r);
        }
        (3, op @ (0 | 1)) => {
            let v = ctx.vscalar(n, ty);
            let r = ctx.b.push(Op::FToI { a: v, from: ty, to: it, signed: op == 0, round: RoundMode::Zero, fbits }, it);
            ctx.set_x(d, r);
        }
        _ => return Err(Undef::Unallocated),
    }
    Ok(())
}
