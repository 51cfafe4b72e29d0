//! Advanced SIMD saturating, halving, rounding and absolute-difference forms of the
//! three-same, two-register-misc and shift-by-immediate groups (vector and scalar), called
//! from simd.rs. Saturating ops set FPSR.QC: each emits its `SatQc` twin and ORs it into
//! FPSR. Lanes outside a 64-bit vector or a scalar are zeroed first, so they cannot saturate.

use super::Ctx;
use crate::guest::aarch64::decode::{bit, bits, rd, rm, rn, Undef};
use crate::guest::aarch64::state;
use crate::ir::*;

/// OR a `SatQc` value (FPSR.QC or 0 in its low 64 bits) into FPSR.
pub(super) fn set_qc(ctx: &mut Ctx, q: Val) {
    let lo = ctx.b.half(q, false);
    let f = ctx.b.get(Ty::I64, state::FPSR);
    let f = ctx.b.or(f, lo);
    ctx.b.set(Ty::I64, state::FPSR, f);
}

pub(super) fn sat_bin(ctx: &mut Ctx, op: SatBin, es: u8, a: Val, b: Val) -> Val {
    let q = ctx.b.vbin(VBinOp::SatQc(op), es, a, b);
    set_qc(ctx, q);
    ctx.b.vbin(VBinOp::Sat(op), es, a, b)
}

pub(super) fn sat_un(ctx: &mut Ctx, op: SatUn, es: u8, a: Val) -> Val {
    let q = ctx.b.vun(VUnOp::SatQc(op), es, a);
    set_qc(ctx, q);
    ctx.b.vun(VUnOp::Sat(op), es, a)
}

pub(super) fn sat_imm(ctx: &mut Ctx, op: SatImm, es: u8, a: Val, imm: u32) -> Val {
    let q = ctx.b.vimm(VImmOp::SatQc(op), es, a, imm);
    set_qc(ctx, q);
    ctx.b.vimm(VImmOp::Sat(op), es, a, imm)
}

/// `v` with only its low `n` bytes kept (16: all of it).
pub(super) fn low_bytes(ctx: &mut Ctx, v: Val, n: u8) -> Val {
    match n {
        16 => v,
        8 => ctx.b.vun(VUnOp::ZeroHigh, 8, v),
        _ => {
            let k = ctx.b.konst128((1u128 << (8 * n as u32)) - 1);
            ctx.b.vbin(VBinOp::And, 1, v, k)
        }
    }
}

/// The operand width of a form: a scalar's element, or a 64- or 128-bit vector.
fn width(scalar: bool, q: bool, es: u8) -> u8 {
    if scalar {
        es
    } else if q {
        16
    } else {
        8
    }
}

/// Three-same opcodes (bits 15:11) handled here, vector or scalar; None for the others. The
/// caller writes the result (zeroing above 64 bits for Q=0 and scalars).
pub(super) fn three_same(ctx: &mut Ctx, insn: u32, scalar: bool) -> Result<Option<Val>, Undef> {
    let q = !scalar && bit(insn, 30);
    let u = bit(insn, 29);
    let size = bits(insn, 22, 2);
    let opcode = bits(insn, 11, 5);
    let (d, n, m) = (rd(insn), rn(insn), rm(insn));
    let es = 1u8 << size;
    let w = width(scalar, q, es);
    let sat = match (u, opcode) {
        (false, 0b00001) => Some(SatBin::SqAdd),
        (true, 0b00001) => Some(SatBin::UqAdd),
        (false, 0b00101) => Some(SatBin::SqSub),
        (true, 0b00101) => Some(SatBin::UqSub),
        (false, 0b01001) => Some(SatBin::SqShl),
        (true, 0b01001) => Some(SatBin::UqShl),
        (false, 0b01011) => Some(SatBin::SqRShl),
        (true, 0b01011) => Some(SatBin::UqRShl),
        (false, 0b10110) => Some(SatBin::SqDMulH),
        (true, 0b10110) => Some(SatBin::SqRDMulH),
        _ => None,
    };
    if let Some(op) = sat {
        let ok = if opcode == 0b10110 { size == 1 || size == 2 } else { scalar || q || size != 3 };
        if !ok {
            return Err(Undef::Unallocated);
        }
        let a = ctx.v(n);
        let a = low_bytes(ctx, a, w);
        let b = ctx.v(m);
        let b = low_bytes(ctx, b, w);
        return Ok(Some(sat_bin(ctx, op, es, a, b)));
    }
    let op = match (u, opcode) {
        (false, 0b01010) => VBinOp::SRShl,
        (true, 0b01010) => VBinOp::URShl,
        _ if scalar => return Ok(None),
        (false, 0b00000) => VBinOp::SHAdd,
        (true, 0b00000) => VBinOp::UHAdd,
        (false, 0b00010) => VBinOp::SRHAdd,
        (true, 0b00010) => VBinOp::URHAdd,
        (false, 0b00100) => VBinOp::SHSub,
        (true, 0b00100) => VBinOp::UHSub,
        (false, 0b01110 | 0b01111) => VBinOp::SAbd,
        (true, 0b01110 | 0b01111) => VBinOp::UAbd,
        (true, 0b10011) => VBinOp::PMul,
        _ => return Ok(None),
    };
    let ok = match op {
        VBinOp::SRShl | VBinOp::URShl if scalar => size == 3,
        VBinOp::SRShl | VBinOp::URShl => q || size != 3,
        VBinOp::PMul => size == 0,
        _ => size != 3,
    };
    if !ok {
        return Err(Undef::Unallocated);
    }
    let a = ctx.v(n);
    let b = ctx.v(m);
    let r = ctx.b.vbin(op, es, a, b);
    Ok(Some(if opcode == 0b01111 {
        // SABA / UABA
        let dv = ctx.v(d);
        ctx.b.vbin(VBinOp::Add, es, dv, r)
    } else {
        r
    }))
}

/// Two-register-misc opcodes (bits 16:12) handled here: SUQADD/USQADD, SQABS/SQNEG
/// (result in `es` lanes, the caller writes it) and SQXTN/UQXTN/SQXTUN (written here,
/// result `Some(None)`).
pub(super) fn two_misc(ctx: &mut Ctx, insn: u32, scalar: bool) -> Result<Option<Option<Val>>, Undef> {
    let q = !scalar && bit(insn, 30);
    let u = bit(insn, 29);
    let size = bits(insn, 22, 2);
    let opcode = bits(insn, 12, 5);
    let (d, n) = (rd(insn), rn(insn));
    let es = 1u8 << size;
    let w = width(scalar, q, es);
    match (u, opcode) {
        (_, 0b00011) | (_, 0b00111) => {
            if !scalar && !q && size == 3 {
                return Err(Undef::Unallocated);
            }
            let a = ctx.v(n);
            let a = low_bytes(ctx, a, w);
            let r = match (u, opcode) {
                (false, 0b00011) | (true, 0b00011) => {
                    let dv = ctx.v(d);
                    let dv = low_bytes(ctx, dv, w);
                    let op = if u { SatBin::UsqAdd } else { SatBin::SuqAdd };
                    sat_bin(ctx, op, es, dv, a)
                }
                (false, _) => sat_un(ctx, SatUn::SqAbs, es, a),
                (true, _) => sat_un(ctx, SatUn::SqNeg, es, a),
            };
            Ok(Some(Some(r)))
        }
        (true, 0b10010) | (_, 0b10100) => {
            if size == 3 {
                return Err(Undef::Unallocated);
            }
            let op = match (u, opcode) {
                (true, 0b10010) => SatUn::SqXtun,
                (false, _) => SatUn::SqXtn,
                (true, _) => SatUn::UqXtn,
            };
            let a = ctx.v(n);
            let a = if scalar { low_bytes(ctx, a, 2 * es) } else { a };
            let r = sat_un(ctx, op, 2 * es, a);
            write_narrow(ctx, d, r, !scalar && q);
            Ok(Some(None))
        }
        _ => Ok(None),
    }
}

/// Write a narrowing result (in the low 64 bits): into the upper half for the "2" forms.
fn write_narrow(ctx: &mut Ctx, d: u32, r: Val, upper: bool) {
    let r = if upper {
        let dv = ctx.v(d);
        let lo = ctx.b.half(dv, false);
        let hi = ctx.b.half(r, false);
        ctx.b.pair(lo, hi)
    } else {
        r
    };
    ctx.set_v(d, r);
}

/// Shift-by-immediate opcodes (bits 15:11) handled here, with `es` from immh and `hb` =
/// immh:immb. Writes the destination; Ok(false) when the opcode is not one of these.
pub(super) fn shift_imm(ctx: &mut Ctx, insn: u32, scalar: bool, es: u8, hb: u32) -> Result<bool, Undef> {
    let q = !scalar && bit(insn, 30);
    let u = bit(insn, 29);
    let opcode = bits(insn, 11, 5);
    let (d, n) = (rd(insn), rn(insn));
    let ebits = es as u32 * 8;
    let w = width(scalar, q, es);
    let zero_high = scalar || !q;
    match (u, opcode) {
        (_, 0b00100) | (_, 0b00110) => {
            // SRSHR / URSHR, SRSRA / URSRA
            if if scalar { es != 8 } else { es == 8 && !q } {
                return Err(Undef::Unallocated);
            }
            let a = ctx.v(n);
            let op = if u { VImmOp::URShr } else { VImmOp::SRShr };
            let mut r = ctx.b.vimm(op, es, a, 2 * ebits - hb);
            if opcode == 0b00110 {
                let dv = ctx.v(d);
                r = ctx.b.vbin(VBinOp::Add, es, dv, r);
            }
            set_result(ctx, d, r, zero_high);
        }
        (true, 0b01100) | (_, 0b01110) => {
            // SQSHLU, SQSHL / UQSHL (immediate)
            if !scalar && es == 8 && !q {
                return Err(Undef::Unallocated);
            }
            let op = match (u, opcode) {
                (true, 0b01100) => SatImm::SqShlU,
                (false, _) => SatImm::SqShl,
                (true, _) => SatImm::UqShl,
            };
            let a = ctx.v(n);
            let a = low_bytes(ctx, a, w);
            let r = sat_imm(ctx, op, es, a, hb - ebits);
            set_result(ctx, d, r, zero_high);
        }
        (false, 0b10001) | (true, 0b10000) | (true, 0b10001) | (_, 0b10010) | (_, 0b10011) => {
            // RSHRN, SQSHRUN, SQRSHRUN, SQSHRN / UQSHRN, SQRSHRN / UQRSHRN: es is the narrow
            // size, the source lanes are twice as wide.
            if es == 8 || (scalar && opcode == 0b10001 && !u) {
                return Err(Undef::Unallocated);
            }
            let sh = 2 * ebits - hb;
            let a = ctx.v(n);
            let r = if opcode == 0b10001 && !u {
                ctx.b.vimm(VImmOp::RShrn, 2 * es, a, sh)
            } else {
                let op = match (u, opcode) {
                    (true, 0b10000) => SatImm::SqShrun,
                    (true, 0b10001) => SatImm::SqRShrun,
                    (false, 0b10010) => SatImm::SqShrn,
                    (true, 0b10010) => SatImm::UqShrn,
                    (false, _) => SatImm::SqRShrn,
                    (true, _) => SatImm::UqRShrn,
                };
                let a = if scalar { low_bytes(ctx, a, 2 * es) } else { a };
                sat_imm(ctx, op, 2 * es, a, sh)
            };
            write_narrow(ctx, d, r, !scalar && q);
        }
        _ => return Ok(false),
    }
    Ok(true)
}

fn set_result(ctx: &mut Ctx, d: u32, r: Val, zero_high: bool) {
    let r = if zero_high { ctx.b.vun(VUnOp::ZeroHigh, 8, r) } else { r };
    ctx.set_v(d, r);
}
