//! Scalar floating point: FMOV (register, general, immediate), arithmetic, fused multiply-add,
//! compares, conditional select/compare, precision and integer conversions, rounding.
//! Half-precision arithmetic is not implemented (only moves and FCVT to/from H).

use super::{sf_ty, Ctx};
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
        let r = ctx.b.push(Op::FCvt { a, from: ty, to });
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
        14 => FUnOp::RoundIntExact,
        15 => FUnOp::RoundInt(RoundMode::Dynamic),
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
    // FCMPE also signals on quiet NaNs.
    let signal = op2 & 0b10000 != 0;
    let f = ctx.b.push(Op::FCmpNzcv { a, b, ty, signal });
    ctx.set_nzcv(f);
    Ok(())
}

fn fp_ccmp(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let ty = ftype_sd(insn)?;
    let a = ctx.vscalar(rn(insn), ty);
    let b = ctx.vscalar(rm(insn), ty);
    // The compare (and its exceptions) happens only when the condition holds: otherwise
    // compare zeros, which raises nothing, and take the immediate.
    let c = ctx.cond(bits(insn, 12, 4));
    let zero = ctx.konst(ty, 0);
    let a = ctx.b.select(c, a, zero);
    let b = ctx.b.select(c, b, zero);
    let signal = bit(insn, 4);
    let f = ctx.b.push(Op::FCmpNzcv { a, b, ty, signal });
    let imm = ctx.konst(Ty::I32, (bits(insn, 0, 4) as u64) << 28);
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
    let r = ctx.b.push(Op::FMulAdd { a: n, b: m, c: a, ty, neg_p, neg_c });
    ctx.set_vscalar(rd(insn), r);
    Ok(())
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
                    let v = ctx.b.zext(v, sf_ty(sf));
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
        let r = ctx.b.push(Op::IToF { a: x, from: sf_ty(sf), to: ty, signed: opcode == 2, fbits: 0 });
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
    let to = sf_ty(sf);
    let r = ctx.b.push(Op::FToI { a: v, from: ty, to, signed: opcode & 1 == 0, round, fbits: 0 });
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
    let it = sf_ty(sf);
    match (bits(insn, 19, 2), bits(insn, 16, 3)) {
        (0, op @ (2 | 3)) => {
            let x = ctx.x(n, sf);
            let r = ctx.b.push(Op::IToF { a: x, from: it, to: ty, signed: op == 2, fbits });
            ctx.set_vscalar(d, r);
        }
        (3, op @ (0 | 1)) => {
            let v = ctx.vscalar(n, ty);
            let r = ctx.b.push(Op::FToI { a: v, from: ty, to: it, signed: op == 0, round: RoundMode::Zero, fbits });
            ctx.set_x(d, r);
        }
        _ => return Err(Undef::Unallocated),
    }
    Ok(())
}

// ---- vector and scalar-SIMD floating point (lane by lane) ----
//
// Called from simd.rs for the FP opcodes of the AdvSIMD three-same, two-register-misc,
// pairwise and shift-by-immediate groups. `lanes` is the number of lanes computed; the rest of
// the destination is zeroed (64-bit vectors and scalars).

/// The float type of the `sz` bit (0 = single, 1 = double).
fn vty(sz: bool) -> Ty {
    if sz {
        Ty::I64
    } else {
        Ty::I32
    }
}

/// Lane `i` of `v` as a value of `ty` (a VExt typed as its lane: the zero-extended lane is
/// already a valid `ty` value, so no truncation is needed).
fn lane_of(ctx: &mut Ctx, v: Val, ty: Ty, i: usize) -> Val {
    ctx.b.push(Op::VExt { a: v, esize: ty.bytes() as u8, lane: i as u8, to: ty })
}

/// Build a vector from `lanes` per-lane values (zero above them).
fn from_lanes(ctx: &mut Ctx, ty: Ty, vals: &[Val]) -> Val {
    let mut acc = ctx.b.konst128(0);
    for (i, &x) in vals.iter().enumerate() {
        acc = ctx.b.push(Op::VIns { a: acc, v: x, esize: ty.bytes() as u8, lane: i as u8 });
    }
    acc
}

/// All ones of `ty` when condition `cond` holds on the FP compare of `a` and `b`, else zero.
/// Only the equality compares are quiet (signalling NaNs alone raise invalid).
fn fcmp_mask(ctx: &mut Ctx, ty: Ty, a: Val, b: Val, cond: u8) -> Val {
    let signal = cond != EQ;
    let f = ctx.b.push(Op::FCmpNzcv { a, b, ty, signal });
    let c = ctx.b.cond_holds(f, cond);
    let ones = ctx.konst(ty, u64::MAX);
    let zero = ctx.konst(ty, 0);
    ctx.b.select(c, ones, zero)
}

const EQ: u8 = 0;
const GE: u8 = 10;
const GT: u8 = 12;

/// Three-same FP op on lanes: (U, size<1>, opcode). `d` is the old destination (FMLA/FMLS).
/// Returns None for unallocated encodings.
fn fp3_lane(ctx: &mut Ctx, ty: Ty, key: (bool, bool, u32), x: Val, y: Val, d: Val) -> Option<Val> {
    let bin = |ctx: &mut Ctx, op| Some(ctx.b.fbin(op, x, y));
    match key {
        (false, false, 0b11000) => bin(ctx, FBinOp::MaxNm),
        (false, true, 0b11000) => bin(ctx, FBinOp::MinNm),
        (false, false, 0b11010) => bin(ctx, FBinOp::Add),
        (false, true, 0b11010) => bin(ctx, FBinOp::Sub),
        (false, false, 0b11110) => bin(ctx, FBinOp::Max),
        (false, true, 0b11110) => bin(ctx, FBinOp::Min),
        (true, false, 0b11011) => bin(ctx, FBinOp::Mul),
        (true, false, 0b11111) => bin(ctx, FBinOp::Div),
        (false, false, 0b11011) => bin(ctx, FBinOp::MulX),
        (false, false, 0b11111) => bin(ctx, FBinOp::RecipStep),
        (false, true, 0b11111) => bin(ctx, FBinOp::RSqrtStep),
        (false, o, 0b11001) => Some(ctx.b.push(Op::FMulAdd { a: x, b: y, c: d, ty, neg_p: o, neg_c: false })),
        (false, false, 0b11100) => Some(fcmp_mask(ctx, ty, x, y, EQ)),
        (true, false, 0b11100) => Some(fcmp_mask(ctx, ty, x, y, GE)),
        (true, true, 0b11100) => Some(fcmp_mask(ctx, ty, x, y, GT)),
        (true, o, 0b11101) => {
            let ax = ctx.b.fun(FUnOp::Abs, x);
            let ay = ctx.b.fun(FUnOp::Abs, y);
            Some(fcmp_mask(ctx, ty, ax, ay, if o { GT } else { GE }))
        }
        (true, true, 0b11010) => {
            let r = ctx.b.fbin(FBinOp::Sub, x, y);
            Some(ctx.b.fun(FUnOp::Abs, r))
        }
        _ => None,
    }
}

/// The three-same FP vector forms computed on whole registers (`VFBin`, `VFMulAdd`): the
/// arithmetic, min/max, FMULX, the reciprocal steps, FMLA/FMLS and FABD. None for the
/// others (compares), which go lane by lane.
fn fp3_vector(ctx: &mut Ctx, ty: Ty, key: (bool, bool, u32), q: bool, x: Val, y: Val, d: Val) -> Option<Val> {
    let esize = ty.bytes() as u8;
    let half = !q;
    let op = match key {
        (false, false, 0b11000) => FBinOp::MaxNm,
        (false, true, 0b11000) => FBinOp::MinNm,
        (false, false, 0b11010) => FBinOp::Add,
        (false, true, 0b11010) | (true, true, 0b11010) => FBinOp::Sub,
        (false, false, 0b11110) => FBinOp::Max,
        (false, true, 0b11110) => FBinOp::Min,
        (true, false, 0b11011) => FBinOp::Mul,
        (true, false, 0b11111) => FBinOp::Div,
        (false, false, 0b11011) => FBinOp::MulX,
        (false, false, 0b11111) => FBinOp::RecipStep,
        (false, true, 0b11111) => FBinOp::RSqrtStep,
        (false, neg_p, 0b11001) => return Some(ctx.b.push(Op::VFMulAdd { a: x, b: y, c: d, esize, neg_p, half })),
        (false, false, 0b11100) => return Some(vfcmp(ctx, EQ, esize, half, x, y)),
        (true, false, 0b11100) => return Some(vfcmp(ctx, GE, esize, half, x, y)),
        (true, true, 0b11100) => return Some(vfcmp(ctx, GT, esize, half, x, y)),
        (true, o, 0b11101) => {
            // FACGE / FACGT: compare the magnitudes.
            let m = abs_mask(ctx, esize);
            let (ax, ay) = (ctx.b.vbin(VBinOp::And, 1, x, m), ctx.b.vbin(VBinOp::And, 1, y, m));
            return Some(vfcmp(ctx, if o { GT } else { GE }, esize, half, ax, ay));
        }
        _ => return None,
    };
    let r = ctx.b.push(Op::VFBin { a: x, b: y, op, esize, half });
    if key == (true, true, 0b11010) {
        // FABD: the absolute value of the difference (FPAbs only clears the sign bit).
        let m = abs_mask(ctx, esize);
        return Some(ctx.b.vbin(VBinOp::And, 1, r, m));
    }
    Some(r)
}

/// Every lane's magnitude bits (all but the sign) of `esize`-byte floats, as a constant.
fn abs_mask(ctx: &mut Ctx, esize: u8) -> Val {
    let m = if esize == 8 { u64::MAX >> 1 } else { 0x7fff_ffff_7fff_ffff };
    ctx.b.konst128((m as u128) << 64 | m as u128)
}

/// The lanes of `x` and `y` compared under Arm condition `cond` (EQ, GE, GT), as masks.
fn vfcmp(ctx: &mut Ctx, cond: u8, esize: u8, half: bool, x: Val, y: Val) -> Val {
    ctx.b.push(Op::VFCmp { a: x, b: y, cond, esize, half })
}

/// The binary op of the FP pairwise forms (U=1): FMAXNMP, FADDP, FMAXP, FMINNMP, FMINP.
fn fp_pair_op(key: (bool, bool, u32)) -> Option<FBinOp> {
    Some(match key {
        (true, false, 0b11000) => FBinOp::MaxNm,
        (true, false, 0b11010) => FBinOp::Add,
        (true, false, 0b11110) => FBinOp::Max,
        (true, true, 0b11000) => FBinOp::MinNm,
        (true, true, 0b11110) => FBinOp::Min,
        _ => return None,
    })
}

/// AdvSIMD three-same FP, vector (`scalar` false) or scalar form.
pub(super) fn simd_fp_three_same(ctx: &mut Ctx, insn: u32, scalar: bool) -> Result<(), Undef> {
    let q = bit(insn, 30);
    let key = (bit(insn, 29), bit(insn, 23), bits(insn, 11, 5));
    let sz = bit(insn, 22);
    if !scalar && sz && !q {
        return Err(Undef::Unallocated);
    }
    if scalar {
        // Only compares, FABD, FMULX, FRECPS and FRSQRTS have scalar forms.
        match key {
            (false, false, 0b11100) | (true, _, 0b11100) | (true, _, 0b11101) | (true, true, 0b11010) => {}
            (false, false, 0b11011) | (false, _, 0b11111) => {}
            _ => return Err(Undef::Unallocated),
        }
    }
    let ty = vty(sz);
    let lanes = if scalar { 1 } else { (if q { 16 } else { 8 }) / ty.bytes() };
    let (a, b, dv) = (ctx.v(rn(insn)), ctx.v(rm(insn)), ctx.v(rd(insn)));
    let mut out = Vec::new();
    if let Some(op) = fp_pair_op(key) {
        if scalar {
            return Err(Undef::Unallocated);
        }
        // Pairs over the concatenation of a's lanes then b's.
        for i in 0..lanes {
            let src = if 2 * i < lanes { a } else { b };
            let j = (2 * i) % lanes;
            let x = lane_of(ctx, src, ty, j);
            let y = lane_of(ctx, src, ty, j + 1);
            out.push(ctx.b.fbin(op, x, y));
        }
    } else if let Some(r) = (!scalar).then(|| fp3_vector(ctx, ty, key, q, a, b, dv)).flatten() {
        ctx.set_v(rd(insn), r);
        return Ok(());
    } else {
        for i in 0..lanes {
            let x = lane_of(ctx, a, ty, i);
            let y = lane_of(ctx, b, ty, i);
            let d = lane_of(ctx, dv, ty, i);
            let r = fp3_lane(ctx, ty, key, x, y, d).ok_or(Undef::Unallocated)?;
            out.push(r);
        }
    }
    let r = from_lanes(ctx, ty, &out);
    ctx.set_v(rd(insn), r);
    Ok(())
}

/// Scalar pairwise FP (FADDP/FMAXP/... Sd/Dd, Vn.2S/2D).
pub(super) fn simd_fp_scalar_pairwise(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let op = match (bit(insn, 23), bits(insn, 12, 5)) {
        (false, 0b01100) => FBinOp::MaxNm,
        (false, 0b01101) => FBinOp::Add,
        (false, 0b01111) => FBinOp::Max,
        (true, 0b01100) => FBinOp::MinNm,
        (true, 0b01111) => FBinOp::Min,
        _ => return Err(Undef::Unallocated),
    };
    if !bit(insn, 29) {
        // U=0 with these opcodes: half precision (FEAT_FP16).
        return Err(Undef::Unimplemented);
    }
    let ty = vty(bit(insn, 22));
    let a = ctx.v(rn(insn));
    let x = lane_of(ctx, a, ty, 0);
    let y = lane_of(ctx, a, ty, 1);
    let r = ctx.b.fbin(op, x, y);
    ctx.set_vscalar(rd(insn), r);
    Ok(())
}

/// FP across lanes: FMAXNMV, FMINNMV, FMAXV, FMINV (Sd, Vn.4S). Arm reduces pairwise by
/// halves: op(op(e0, e1), op(e2, e3)).
pub(super) fn simd_fp_across(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let op = match (bit(insn, 23), bits(insn, 12, 5)) {
        (false, 0b01100) => FBinOp::MaxNm,
        (true, 0b01100) => FBinOp::MinNm,
        (false, 0b01111) => FBinOp::Max,
        (true, 0b01111) => FBinOp::Min,
        _ => return Err(Undef::Unallocated),
    };
    if !bit(insn, 29) {
        // U=0: half precision (FEAT_FP16).
        return Err(Undef::Unimplemented);
    }
    if bit(insn, 22) || !bit(insn, 30) {
        // Only the 4S form exists.
        return Err(Undef::Unallocated);
    }
    let a = ctx.v(rn(insn));
    let e: Vec<Val> = (0..4).map(|i| lane_of(ctx, a, Ty::I32, i)).collect();
    let lo = ctx.b.fbin(op, e[0], e[1]);
    let hi = ctx.b.fbin(op, e[2], e[3]);
    let r = ctx.b.fbin(op, lo, hi);
    ctx.set_vscalar(rd(insn), r);
    Ok(())
}

/// Whether a two-register-misc (U, size<1>, opcode) is one of the FP forms handled here.
pub(super) fn is_fp_two_misc(u: bool, a: bool, opcode: u32) -> bool {
    opcode >= 0b11000 || (a && (0b01100..=0b01111).contains(&opcode)) || (!u && !a && (opcode == 0b10110 || opcode == 0b10111))
}

/// AdvSIMD two-register-misc FP, vector or scalar.
pub(super) fn simd_fp_two_misc(ctx: &mut Ctx, insn: u32, scalar: bool) -> Result<(), Undef> {
    let q = bit(insn, 30);
    let u = bit(insn, 29);
    let a = bit(insn, 23);
    let sz = bit(insn, 22);
    let opcode = bits(insn, 12, 5);
    let (d, n) = (rd(insn), rn(insn));
    let src = ctx.v(n);
    if !u && !a && (opcode == 0b10110 || opcode == 0b10111) {
        // FCVTN/FCVTN2 (narrow) and FCVTL/FCVTL2 (widen): sz=0 is f16<->f32, sz=1 f32<->f64.
        if scalar {
            return Err(Undef::Unallocated);
        }
        let (wide, narrow) = if sz { (Ty::I64, Ty::I32) } else { (Ty::I32, Ty::I16) };
        let lanes = 8 / narrow.bytes();
        let mut out = Vec::new();
        let r = if opcode == 0b10110 {
            for i in 0..lanes {
                let x = lane_of(ctx, src, wide, i);
                out.push(ctx.b.push(Op::FCvt { a: x, from: wide, to: narrow }));
            }
            let r = from_lanes(ctx, narrow, &out);
            if q {
                let dv = ctx.v(d);
                let lo = ctx.b.half(dv, false);
                let hi = ctx.b.half(r, false);
                ctx.b.pair(lo, hi)
            } else {
                r
            }
        } else {
            for i in 0..lanes {
                let x = lane_of(ctx, src, narrow, i + if q { lanes } else { 0 });
                out.push(ctx.b.push(Op::FCvt { a: x, from: narrow, to: wide }));
            }
            from_lanes(ctx, wide, &out)
        };
        ctx.set_v(d, r);
        return Ok(());
    }
    if !scalar && sz && !q {
        return Err(Undef::Unallocated);
    }
    if scalar && !matches!((a, opcode), (_, 0b11010..=0b11100) | (_, 0b11101) | (true, 0b01100..=0b01110)) {
        return Err(if opcode == 0b11101 || opcode == 0b11111 { Undef::Unimplemented } else { Undef::Unallocated });
    }
    let ty = vty(sz);
    if !scalar && a && opcode == 0b01111 {
        // FABS / FNEG: sign-bit operations, no FP exception or FPCR effect, on the whole
        // register (the upper half of a 64-bit form is zeroed).
        let sign = if sz { 1u128 << 63 | 1 << 127 } else { 0x8000_0000_8000_0000_8000_0000_8000_0000 };
        let r = if u {
            let k = ctx.b.konst128(sign);
            ctx.b.vbin(VBinOp::Xor, 1, src, k)
        } else {
            let k = ctx.b.konst128(!sign);
            ctx.b.vbin(VBinOp::And, 1, src, k)
        };
        let r = if q { r } else { ctx.b.vun(VUnOp::ZeroHigh, 8, r) };
        ctx.set_v(d, r);
        return Ok(());
    }
    if !scalar && a && (0b01100..=0b01110).contains(&opcode) {
        // FCMGT, FCMGE, FCMEQ, FCMLE, FCMLT against zero.
        let (es, half) = (ty.bytes() as u8, !q);
        let zero = ctx.b.konst128(0);
        let r = match (u, opcode) {
            (false, 0b01100) => vfcmp(ctx, GT, es, half, src, zero),
            (true, 0b01100) => vfcmp(ctx, GE, es, half, src, zero),
            (false, 0b01101) => vfcmp(ctx, EQ, es, half, src, zero),
            (true, 0b01101) => vfcmp(ctx, GE, es, half, zero, src),
            (false, 0b01110) => vfcmp(ctx, GT, es, half, zero, src),
            _ => return Err(Undef::Unallocated),
        };
        ctx.set_v(d, r);
        return Ok(());
    }
    let lanes = if scalar { 1 } else { (if q { 16 } else { 8 }) / ty.bytes() };
    let mut out = Vec::new();
    for i in 0..lanes {
        let x = lane_of(ctx, src, ty, i);
        let zero = ctx.konst(ty, 0);
        let round = |m| Some(FUnOp::RoundInt(m));
        let fun = match (u, a, opcode) {
            (false, false, 0b11000) => round(RoundMode::TieEven),
            (false, false, 0b11001) => round(RoundMode::Floor),
            (false, true, 0b11000) => round(RoundMode::Ceil),
            (false, true, 0b11001) => round(RoundMode::Zero),
            (true, false, 0b11000) => round(RoundMode::TieAway),
            (true, false, 0b11001) => Some(FUnOp::RoundIntExact),
            (true, true, 0b11001) => round(RoundMode::Dynamic),
            (false, true, 0b11101) => Some(FUnOp::RecipEst),
            (true, true, 0b11101) => Some(FUnOp::RSqrtEst),
            (_, true, 0b11100) if !sz && !scalar => Some(if u { FUnOp::URSqrtEst } else { FUnOp::URecipEst }),
            (false, true, 0b01111) => Some(FUnOp::Abs),
            (true, true, 0b01111) => Some(FUnOp::Neg),
            (true, true, 0b11111) => Some(FUnOp::Sqrt),
            _ => None,
        };
        let r = if let Some(f) = fun {
            ctx.b.fun(f, x)
        } else {
            let cvt = match (a, opcode) {
                (false, 0b11010) => Some(RoundMode::TieEven),
                (false, 0b11011) => Some(RoundMode::Floor),
                (false, 0b11100) => Some(RoundMode::TieAway),
                (true, 0b11010) => Some(RoundMode::Ceil),
                (true, 0b11011) => Some(RoundMode::Zero),
                _ => None,
            };
            match (u, a, opcode, cvt) {
                (_, _, _, Some(round)) => ctx.b.push(Op::FToI { a: x, from: ty, to: ty, signed: !u, round, fbits: 0 }),
                (_, false, 0b11101, _) => ctx.b.push(Op::IToF { a: x, from: ty, to: ty, signed: !u, fbits: 0 }),
                (false, true, 0b01100, _) => fcmp_mask(ctx, ty, x, zero, GT),
                (true, true, 0b01100, _) => fcmp_mask(ctx, ty, x, zero, GE),
                (false, true, 0b01101, _) => fcmp_mask(ctx, ty, x, zero, EQ),
                (true, true, 0b01101, _) => fcmp_mask(ctx, ty, zero, x, GE),
                (false, true, 0b01110, _) => fcmp_mask(ctx, ty, zero, x, GT),
                _ => return Err(Undef::Unimplemented),
            }
        };
        out.push(r);
    }
    let r = from_lanes(ctx, ty, &out);
    ctx.set_v(d, r);
    Ok(())
}

/// SCVTF/UCVTF/FCVTZS/FCVTZU (vector or scalar, fixed-point) from the shift-by-immediate group.
/// `es` is the element size in bytes and `fbits` the fraction bits.
pub(super) fn simd_fp_fixed(ctx: &mut Ctx, insn: u32, es: u8, fbits: u32, scalar: bool) -> Result<(), Undef> {
    let q = bit(insn, 30);
    let u = bit(insn, 29);
    let ty = match es {
        4 => Ty::I32,
        8 => Ty::I64,
        2 => return Err(Undef::Unimplemented),
        _ => return Err(Undef::Unallocated),
    };
    if !scalar && es == 8 && !q {
        return Err(Undef::Unallocated);
    }
    let to_float = bits(insn, 11, 5) == 0b11100;
    let lanes = if scalar { 1 } else { (if q { 16 } else { 8 }) / ty.bytes() };
    let src = ctx.v(rn(insn));
    let mut out = Vec::new();
    for i in 0..lanes {
        let x = lane_of(ctx, src, ty, i);
        let fb = fbits as u8;
        out.push(if to_float {
            ctx.b.push(Op::IToF { a: x, from: ty, to: ty, signed: !u, fbits: fb })
        } else {
            ctx.b.push(Op::FToI { a: x, from: ty, to: ty, signed: !u, round: RoundMode::Zero, fbits: fb })
        });
    }
    let r = from_lanes(ctx, ty, &out);
    ctx.set_v(rd(insn), r);
    Ok(())
}
