//! The cryptographic extension: AES (AESE, AESD, AESMC, AESIMC), SHA-1 (SHA1C/P/M, SHA1H,
//! SHA1SU0, SHA1SU1), SHA-256 (SHA256H, SHA256H2, SHA256SU0, SHA256SU1) and the polynomial
//! multiplies PMULL/PMULL2 (8B->8H and 1D->1Q). The heavy operations are IR helpers whose
//! semantics live in interp/crypto.rs (the JIT emits them inline, jit/emit_crypto.rs); SHA1H
//! and SHA1SU0 are plain IR.

use super::Ctx;
use crate::a64_row;
use crate::guest::aarch64::decode::{bit, rd, rm, rn, Row, Undef};
use crate::interp::crypto as c;
use crate::ir::*;

pub static ROWS: &[Row] = &[
    a64_row!("01001110 00 10100 00100 10 nnnnn ddddd", "aese", aese),
    a64_row!("01001110 00 10100 00101 10 nnnnn ddddd", "aesd", aesd),
    a64_row!("01001110 00 10100 00110 10 nnnnn ddddd", "aesmc", aesmc),
    a64_row!("01001110 00 10100 00111 10 nnnnn ddddd", "aesimc", aesimc),
    a64_row!("01011110 00 0 mmmmm 0 000 00 nnnnn ddddd", "sha1c", sha1c),
    a64_row!("01011110 00 0 mmmmm 0 001 00 nnnnn ddddd", "sha1p", sha1p),
    a64_row!("01011110 00 0 mmmmm 0 010 00 nnnnn ddddd", "sha1m", sha1m),
    a64_row!("01011110 00 0 mmmmm 0 011 00 nnnnn ddddd", "sha1su0", sha1su0),
    a64_row!("01011110 00 0 mmmmm 0 100 00 nnnnn ddddd", "sha256h", sha256h),
    a64_row!("01011110 00 0 mmmmm 0 101 00 nnnnn ddddd", "sha256h2", sha256h2),
    a64_row!("01011110 00 0 mmmmm 0 110 00 nnnnn ddddd", "sha256su1", sha256su1),
    a64_row!("01011110 00 10100 00000 10 nnnnn ddddd", "sha1h", sha1h),
    a64_row!("01011110 00 10100 00001 10 nnnnn ddddd", "sha1su1", sha1su1),
    a64_row!("01011110 00 10100 00010 10 nnnnn ddddd", "sha256su0", sha256su0),
    // PMULL/PMULL2 in the three-different space, size 00 (8B->8H) and 11 (1D->1Q).
    a64_row!("00001110 00 1 mmmmm 1110 00 nnnnn ddddd", "pmull", pmull),
    a64_row!("01001110 00 1 mmmmm 1110 00 nnnnn ddddd", "pmull2", pmull),
    a64_row!("00001110 11 1 mmmmm 1110 00 nnnnn ddddd", "pmull", pmull),
    a64_row!("01001110 11 1 mmmmm 1110 00 nnnnn ddddd", "pmull2", pmull),
];

/// Vd = helper(Vd, Vn[, Vm]).
fn vec_helper(ctx: &mut Ctx, insn: u32, h: &'static HelperFn, with_m: bool) -> Result<(), Undef> {
    let d = rd(insn);
    let (x, y) = (ctx.v(d), ctx.v(rn(insn)));
    let r = if with_m {
        let z = ctx.v(rm(insn));
        ctx.b.helper(h, Ty::I128, &[x, y, z])
    } else {
        ctx.b.helper(h, Ty::I128, &[x, y])
    };
    ctx.set_v(d, r);
    Ok(())
}

/// Vd = helper(Vn) (the unary AES ops).
fn unary_helper(ctx: &mut Ctx, insn: u32, h: &'static HelperFn) -> Result<(), Undef> {
    let a = ctx.v(rn(insn));
    let r = ctx.b.helper(h, Ty::I128, &[a]);
    ctx.set_v(rd(insn), r);
    Ok(())
}

fn aese(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    vec_helper(ctx, insn, &c::AESE, false)
}

fn aesd(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    vec_helper(ctx, insn, &c::AESD, false)
}

fn aesmc(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    unary_helper(ctx, insn, &c::AESMC)
}

fn aesimc(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    unary_helper(ctx, insn, &c::AESIMC)
}

// SHA1C/P/M Qd, Sn, Vm.4S: the helper takes the whole of Vn and uses its low word.
fn sha1c(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    vec_helper(ctx, insn, &c::SHA1C, true)
}

fn sha1p(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    vec_helper(ctx, insn, &c::SHA1P, true)
}

fn sha1m(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    vec_helper(ctx, insn, &c::SHA1M, true)
}

/// SHA1SU0: (Vn<63:0> : Vd<127:64>) ^ Vd ^ Vm, all plain vector ops.
fn sha1su0(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let d = rd(insn);
    let (x, y, z) = (ctx.v(d), ctx.v(rn(insn)), ctx.v(rm(insn)));
    let t = ctx.b.vbin(VBinOp::Ext(8), 1, x, y);
    let t = ctx.b.vbin(VBinOp::Xor, 1, t, x);
    let t = ctx.b.vbin(VBinOp::Xor, 1, t, z);
    ctx.set_v(d, t);
    Ok(())
}

fn sha256h(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    vec_helper(ctx, insn, &c::SHA256H, true)
}

fn sha256h2(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    vec_helper(ctx, insn, &c::SHA256H2, true)
}

fn sha256su1(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    vec_helper(ctx, insn, &c::SHA256SU1, true)
}

/// SHA1H Sd, Sn: Sn rotated left by 30, the rest of Vd zeroed.
fn sha1h(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let a = ctx.vscalar(rn(insn), Ty::I32);
    let k = ctx.konst(Ty::I32, 2);
    let r = ctx.b.bin(BinOp::Ror, a, k);
    ctx.set_vscalar(rd(insn), r);
    Ok(())
}

fn sha1su1(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    vec_helper(ctx, insn, &c::SHA1SU1, false)
}

fn sha256su0(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    vec_helper(ctx, insn, &c::SHA256SU0, false)
}

/// PMULL (low halves) / PMULL2 (high halves), 8-bit or 64-bit elements.
fn pmull(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let q = bit(insn, 30);
    let wide = bit(insn, 22);
    let (a, b) = (ctx.v(rn(insn)), ctx.v(rm(insn)));
    let r = if wide {
        let h = if q { &c::PMULL64_HI } else { &c::PMULL64_LO };
        ctx.b.helper(h, Ty::I128, &[a, b])
    } else {
        let (a, b) = if q {
            let z = ctx.b.konst128(0);
            (ctx.b.vbin(VBinOp::Ext(8), 1, a, z), ctx.b.vbin(VBinOp::Ext(8), 1, b, z))
        } else {
            (a, b)
        };
        ctx.b.helper(&c::PMULL8, Ty::I128, &[a, b])
    };
    ctx.set_v(rd(insn), r);
    Ok(())
}
