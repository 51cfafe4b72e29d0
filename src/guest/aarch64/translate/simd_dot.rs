//! Armv8.2 dot product (FEAT_DotProd, HWCAP_ASIMDDP): SDOT and UDOT, vector and by element.
//! Each 32-bit lane of the destination accumulates the sum of the four products of the
//! matching bytes of the sources (signed or unsigned). Undefined on a CPU model without the
//! feature (`-cpu cortex-a53`).
//!
//! In IR: the bytes widen to 16 bits, multiply exactly there (|i8 * i8| <= 2^14, u8 * u8 <
//! 2^16), adjacent products add into 32-bit lanes (SADDLP/UADDLP), and a pairwise add of the
//! two halves' sums gives each lane its four products.

use super::simd::{set_vq, vdup, vext, widen};
use super::Ctx;
use crate::a64_row;
use crate::guest::aarch64::decode::{bit, bits, rd, rm, rn, Row, Undef};
use crate::guest::aarch64::features;
use crate::ir::*;

pub static ROWS: &[Row] = &[
    a64_row!("0qu01110 100mmmmm 100101nn nnnddddd", "sdot/udot", dot_vector),
    a64_row!("0qu01111 10lmmmmm 1110h0nn nnnddddd", "sdot/udot by element", dot_element),
];

fn dotprod() -> Result<(), Undef> {
    if features::enabled("asimddp") {
        Ok(())
    } else {
        Err(Undef::Unallocated)
    }
}

/// d += dot(a, b) per 32-bit lane; `q` false: the low 64 bits only (upper half zeroed).
fn dot(ctx: &mut Ctx, d: u32, a: Val, b: Val, q: bool, signed: bool) {
    let addlp = if signed { VUnOp::SAddLP } else { VUnOp::UAddLP };
    let sums = |ctx: &mut Ctx, upper: bool| {
        let x = widen(ctx, a, 1, upper, signed);
        let y = widen(ctx, b, 1, upper, signed);
        let p = ctx.b.vbin(VBinOp::Mul, 2, x, y);
        ctx.b.vun(addlp, 2, p)
    };
    let lo = sums(ctx, false);
    let hi = if q { sums(ctx, true) } else { lo };
    let s = ctx.b.vbin(VBinOp::AddP, 4, lo, hi);
    let acc = ctx.v(d);
    let r = ctx.b.vbin(VBinOp::Add, 4, acc, s);
    set_vq(ctx, d, r, q);
}

fn dot_vector(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    dotprod()?;
    let (a, b) = (ctx.v(rn(insn)), ctx.v(rm(insn)));
    dot(ctx, rd(insn), a, b, bit(insn, 30), !bit(insn, 29));
    Ok(())
}

/// The by-element form: the second source is one 32-bit element (4 bytes) of Vm (V0..V31,
/// index H:L), in every lane.
fn dot_element(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    dotprod()?;
    let idx = (bit(insn, 11) as u8) << 1 | bit(insn, 21) as u8;
    let m = bits(insn, 16, 5);
    let a = ctx.v(rn(insn));
    let vm = ctx.v(m);
    let e = vext(ctx, vm, 4, idx);
    let e = ctx.b.zext(e, Ty::I32);
    let b = vdup(ctx, 4, e);
    dot(ctx, rd(insn), a, b, bit(insn, 30), !bit(insn, 29));
    Ok(())
}
