//! AdvSIMD FP instructions with their own rounding or exponent rules: FCVTXN (double to
//! single, round to odd; vector and scalar) and FRECPX (scalar reciprocal exponent).

use super::simd::{vext, vins};
use super::Ctx;
use crate::guest::aarch64::decode::{bit, rd, rn, Undef};
use crate::ir::*;

/// FCVTXN / FCVTXN2 (vector) and FCVTXN (scalar): sz must be 1.
pub(super) fn fcvtxn(ctx: &mut Ctx, insn: u32, scalar: bool) -> Result<(), Undef> {
    if !bit(insn, 22) {
        return Err(Undef::Unallocated);
    }
    let q = !scalar && bit(insn, 30);
    let (d, n) = (rd(insn), rn(insn));
    let src = ctx.v(n);
    let lanes = if scalar { 1 } else { 2 };
    let mut r = ctx.b.konst128(0);
    for i in 0..lanes {
        let x = vext(ctx, src, 8, i);
        let y = ctx.b.push(Op::FUn { a: x, op: FUnOp::CvtOddS, ty: Ty::I64 });
        r = vins(ctx, r, 4, i, y);
    }
    let r = if q {
        let dv = ctx.v(d);
        let lo = ctx.b.half(dv, false);
        let hi = ctx.b.half(r, false);
        ctx.b.pair(lo, hi)
    } else {
        r
    };
    ctx.set_v(d, r);
    Ok(())
}

/// FRECPX (scalar, single or double precision).
pub(super) fn frecpx(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let ty = if bit(insn, 22) { Ty::I64 } else { Ty::I32 };
    let a = ctx.vscalar(rn(insn), ty);
    let r = ctx.b.fun(FUnOp::RecpX, a);
    ctx.set_vscalar(rd(insn), r);
    Ok(())
}
