//! Armv8.1 LSE atomics (FEAT_LSE, HWCAP_ATOMICS): CAS and CASP compare-and-swap, the
//! LD<op> read-modify-write family (LDADD, LDCLR, LDEOR, LDSET, LDSMAX, LDSMIN, LDUMAX,
//! LDUMIN) with their ST<op> aliases (Rt = XZR), and SWP; every size and every ordering.
//!
//! Each maps onto one IR `AtomicRmw` or `CmpXchg`. Both are sequentially consistent on the
//! host (x86 `lock` instructions are full barriers), which is at least as strong as any of
//! the acquire/release variants, so the ordering bits need no code of their own.

use super::ldst::size_ty;
use super::Ctx;
use crate::guest::aarch64::decode::{bit, bits, parse_pattern, rd, rm, rn, Row, Undef};
use crate::guest::aarch64::features;
use crate::ir::*;

/// A row whose pattern is built with `concat!`.
macro_rules! row {
    ($pat:expr, $name:expr, $h:path) => {{
        const MV: (u32, u32) = parse_pattern($pat);
        Row { pattern: $pat, name: $name, mask: MV.0, value: MV.1, handler: $h }
    }};
}

/// The table. `rmw` expands each (o3:opc, mnemonic) to its 16 size/ordering rows
/// (size 31..30, A 23, R 22); `cas` expands the CAS rows the same way (L 22, o0 15).
/// Names follow the assembler: ordering suffix (a, al, l) before the size suffix (b, h).
macro_rules! table {
    (rmw { $( ($op:literal, $n:literal) ),* $(,)? }) => {
        &[
            $(
                row!(concat!("00111000 001sssss ", $op, "00nnnnnttttt"), concat!($n, "b"), ld_rmw),
                row!(concat!("00111000 101sssss ", $op, "00nnnnnttttt"), concat!($n, "ab"), ld_rmw),
                row!(concat!("00111000 111sssss ", $op, "00nnnnnttttt"), concat!($n, "alb"), ld_rmw),
                row!(concat!("00111000 011sssss ", $op, "00nnnnnttttt"), concat!($n, "lb"), ld_rmw),
                row!(concat!("01111000 001sssss ", $op, "00nnnnnttttt"), concat!($n, "h"), ld_rmw),
                row!(concat!("01111000 101sssss ", $op, "00nnnnnttttt"), concat!($n, "ah"), ld_rmw),
                row!(concat!("01111000 111sssss ", $op, "00nnnnnttttt"), concat!($n, "alh"), ld_rmw),
                row!(concat!("01111000 011sssss ", $op, "00nnnnnttttt"), concat!($n, "lh"), ld_rmw),
                row!(concat!("1z111000 001sssss ", $op, "00nnnnnttttt"), $n, ld_rmw),
                row!(concat!("1z111000 101sssss ", $op, "00nnnnnttttt"), concat!($n, "a"), ld_rmw),
                row!(concat!("1z111000 111sssss ", $op, "00nnnnnttttt"), concat!($n, "al"), ld_rmw),
                row!(concat!("1z111000 011sssss ", $op, "00nnnnnttttt"), concat!($n, "l"), ld_rmw),
            )*
            // CAS: size 001000 1 L 1 Rs o0 11111 Rn Rt.
            row!("00001000 101sssss 011111nnnnnttttt", "casb", cas),
            row!("00001000 111sssss 011111nnnnnttttt", "casab", cas),
            row!("00001000 111sssss 111111nnnnnttttt", "casalb", cas),
            row!("00001000 101sssss 111111nnnnnttttt", "caslb", cas),
            row!("01001000 101sssss 011111nnnnnttttt", "cash", cas),
            row!("01001000 111sssss 011111nnnnnttttt", "casah", cas),
            row!("01001000 111sssss 111111nnnnnttttt", "casalh", cas),
            row!("01001000 101sssss 111111nnnnnttttt", "caslh", cas),
            row!("1z001000 101sssss 011111nnnnnttttt", "cas", cas),
            row!("1z001000 111sssss 011111nnnnnttttt", "casa", cas),
            row!("1z001000 111sssss 111111nnnnnttttt", "casal", cas),
            row!("1z001000 101sssss 111111nnnnnttttt", "casl", cas),
            // CASP: 0 sz 001000 0 L 1 Rs o0 11111 Rn Rt (W or X register pairs).
            row!("0z001000 001sssss 011111nnnnnttttt", "casp", casp),
            row!("0z001000 011sssss 011111nnnnnttttt", "caspa", casp),
            row!("0z001000 011sssss 111111nnnnnttttt", "caspal", casp),
            row!("0z001000 001sssss 111111nnnnnttttt", "caspl", casp),
        ]
    };
}

pub static ROWS: &[Row] = table! {
    rmw {
        ("0000", "ldadd"),
        ("0001", "ldclr"),
        ("0010", "ldeor"),
        ("0011", "ldset"),
        ("0100", "ldsmax"),
        ("0101", "ldsmin"),
        ("0110", "ldumax"),
        ("0111", "ldumin"),
        ("1000", "swp"),
    }
};

/// LSE instructions are undefined on a CPU model without them (`-cpu cortex-a53`).
fn lse() -> Result<(), Undef> {
    if features::enabled("atomics") {
        Ok(())
    } else {
        Err(Undef::Unallocated)
    }
}

/// LD<op> and SWP: Rt = the old memory value, memory = old <op> Rs.
fn ld_rmw(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    lse()?;
    let size = bits(insn, 30, 2);
    let ty = size_ty(size);
    let op = match (bit(insn, 15), bits(insn, 12, 3)) {
        (false, 0) => RmwOp::Add,
        (false, 1) => RmwOp::Clr,
        (false, 2) => RmwOp::Xor,
        (false, 3) => RmwOp::Or,
        (false, 4) => RmwOp::SMax,
        (false, 5) => RmwOp::SMin,
        (false, 6) => RmwOp::UMax,
        (false, 7) => RmwOp::UMin,
        (true, 0) => RmwOp::Xchg,
        _ => return Err(Undef::Unallocated),
    };
    let addr = ctx.x_sp(rn(insn), true);
    let s = ctx.x(rm(insn), size == 3);
    let v = ctx.b.zext(s, ty);
    let old = ctx.b.push(Op::AtomicRmw { addr, v, op, ty, be: false });
    ctx.set_x(rd(insn), old);
    Ok(())
}

/// CAS: compare the memory with Rs, store Rt if equal; Rs = the old memory value.
fn cas(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    lse()?;
    let size = bits(insn, 30, 2);
    let ty = size_ty(size);
    let (s, t) = (rm(insn), rd(insn));
    let addr = ctx.x_sp(rn(insn), true);
    let e = ctx.x(s, size == 3);
    let expected = ctx.b.zext(e, ty);
    let n = ctx.x(t, size == 3);
    let new = ctx.b.zext(n, ty);
    let enable = ctx.konst(Ty::I8, 1);
    let old = ctx.b.push(Op::CmpXchg { addr, expected, new, enable, ty, be: false });
    ctx.set_x(s, old);
    Ok(())
}

/// Two W registers as one little-endian doubleword: `lo` at the lower address.
fn w_pair(ctx: &mut Ctx, lo: u32, hi: u32) -> Val {
    let l = ctx.x(lo, false);
    let l = ctx.b.zext(l, Ty::I64);
    let h = ctx.x(hi, true);
    let k = ctx.konst(Ty::I64, 32);
    let h = ctx.b.shl(h, k);
    ctx.b.or(l, h)
}

/// CASP: compare the pair at [Xn] with Rs:Rs+1, store Rt:Rt+1 if equal; Rs:Rs+1 = the old
/// memory pair. The X form is one 128-bit compare-and-swap.
fn casp(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    lse()?;
    let (s, t) = (rm(insn), rd(insn));
    if s & 1 != 0 || t & 1 != 0 {
        return Err(Undef::Unallocated);
    }
    let addr = ctx.x_sp(rn(insn), true);
    let enable = ctx.konst(Ty::I8, 1);
    if bit(insn, 30) {
        let (e0, e1) = (ctx.x(s, true), ctx.x(s + 1, true));
        let expected = ctx.b.pair(e0, e1);
        let (n0, n1) = (ctx.x(t, true), ctx.x(t + 1, true));
        let new = ctx.b.pair(n0, n1);
        let old = ctx.b.push(Op::CmpXchg { addr, expected, new, enable, ty: Ty::I128, be: false });
        let lo = ctx.b.half(old, false);
        let hi = ctx.b.half(old, true);
        ctx.set_x(s, lo);
        ctx.set_x(s + 1, hi);
    } else {
        let expected = w_pair(ctx, s, s + 1);
        let new = w_pair(ctx, t, t + 1);
        let old = ctx.b.push(Op::CmpXchg { addr, expected, new, enable, ty: Ty::I64, be: false });
        let lo = ctx.b.zext(old, Ty::I32);
        let k = ctx.konst(Ty::I64, 32);
        let hi = ctx.b.lshr(old, k);
        ctx.set_x(s, lo);
        ctx.set_x(s + 1, hi);
    }
    Ok(())
}
