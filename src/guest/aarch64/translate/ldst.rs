//! Integer loads and stores: single register (every addressing mode), literal, pair,
//! exclusive and acquire/release. FP/SIMD register forms (bit 26 = V set) live in simd_ldst.rs.

use super::dp_reg::extend_reg;
use super::Ctx;
use crate::guest::aarch64::decode::{bit, bits, parse_pattern, rd, rm, rn, rt2, sext, Row, Undef};
use crate::guest::aarch64::features;
use crate::guest::aarch64::state;
use crate::ir::*;

/// A row whose pattern is built with `concat!`.
macro_rules! row {
    ($pat:expr, $name:expr, $h:path) => {{
        const MV: (u32, u32) = parse_pattern($pat);
        Row { pattern: $pat, name: $name, mask: MV.0, value: MV.1, handler: $h }
    }};
}

/// The whole table: `modes` expands to the 13 size/opc rows of each single-register
/// addressing mode (tail = bits 25..24, then bits 21..10); `sized` expands to the B, H and
/// W/X rows of a form whose name takes a b/h suffix (tail = bits 29..0).
macro_rules! table {
    (modes { $( ($a:literal, $t:literal, $x:literal, $h:path) ),* $(,)? }
     sized { $( ($sp:literal, $sn:literal, $sh:path) ),* $(,)? }
     plain { $( ($pp:literal, $pn:literal, $ph:path) ),* $(,)? }) => {
        &[
            $(
                row!(concat!("001110", $a, "00", $t, "nnnnnttttt"), concat!("st", $x, "b"), $h),
                row!(concat!("001110", $a, "01", $t, "nnnnnttttt"), concat!("ld", $x, "b"), $h),
                row!(concat!("001110", $a, "10", $t, "nnnnnttttt"), concat!("ld", $x, "sb"), $h),
                row!(concat!("001110", $a, "11", $t, "nnnnnttttt"), concat!("ld", $x, "sb"), $h),
                row!(concat!("011110", $a, "00", $t, "nnnnnttttt"), concat!("st", $x, "h"), $h),
                row!(concat!("011110", $a, "01", $t, "nnnnnttttt"), concat!("ld", $x, "h"), $h),
                row!(concat!("011110", $a, "10", $t, "nnnnnttttt"), concat!("ld", $x, "sh"), $h),
                row!(concat!("011110", $a, "11", $t, "nnnnnttttt"), concat!("ld", $x, "sh"), $h),
                row!(concat!("1s1110", $a, "00", $t, "nnnnnttttt"), concat!("st", $x), $h),
                row!(concat!("1s1110", $a, "01", $t, "nnnnnttttt"), concat!("ld", $x), $h),
                row!(concat!("101110", $a, "10", $t, "nnnnnttttt"), concat!("ld", $x, "sw"), $h),
            )*
            $(
                row!(concat!("00", $sp), concat!($sn, "b"), $sh),
                row!(concat!("01", $sp), concat!($sn, "h"), $sh),
                row!(concat!("1s", $sp), $sn, $sh),
            )*
            $( row!($pp, $pn, $ph), )*
        ]
    };
}

pub static ROWS: &[Row] = table! {
    modes {
        ("01", "iiiiiiiiiiii", "r", ld_st_uimm),
        ("00", "0iiiiiiiii00", "ur", ld_st_unscaled),
        ("00", "0iiiiiiiii01", "r", ld_st_post),
        ("00", "0iiiiiiiii10", "tr", ld_st_unscaled),
        ("00", "0iiiiiiiii11", "r", ld_st_pre),
        ("00", "1mmmmmooos10", "r", ld_st_reg),
    }
    sized {
        // STXR's Rt2 field is should-be-one; like hardware, qemu, capstone and binutils,
        // other values are ignored.
        ("001000 000 sssss 0 uuuuu nnnnnttttt", "stxr", st_excl),
        ("001000 000 sssss 1 uuuuu nnnnnttttt", "stlxr", st_excl),
        ("001000 010 11111 0 11111 nnnnnttttt", "ldxr", ld_excl),
        ("001000 010 11111 1 11111 nnnnnttttt", "ldaxr", ld_excl),
        ("001000 100 11111 1 11111 nnnnnttttt", "stlr", stlr),
        ("001000 110 11111 1 11111 nnnnnttttt", "ldar", ldar),
        ("111000 101 11111 1100 00 nnnnnttttt", "ldapr", ldapr),
    }
    plain {
        // Prefetches (no-ops).
        ("11111001 10iiiiiiiiiiiinnnnnttttt", "prfm", nop),
        ("11111000 100iiiiiiiii00nnnnnttttt", "prfum", nop),
        ("11111000 101mmmmmooos10nnnnnttttt", "prfm", prfm_reg),
        ("11011000 iiiiiiiiiiiiiiiiiiittttt", "prfm", nop),
        // Load register (literal).
        ("00011000 iiiiiiiiiiiiiiiiiiittttt", "ldr", ld_literal),
        ("01011000 iiiiiiiiiiiiiiiiiiittttt", "ldr", ld_literal),
        ("10011000 iiiiiiiiiiiiiiiiiiittttt", "ldrsw", ld_literal),
        // Load/store pair: opc 101 0 mode L imm7 Rt2 Rn Rt.
        ("s0101000 00iiiiiiiuuuuunnnnnttttt", "stnp", ld_st_pair),
        ("s0101000 01iiiiiiiuuuuunnnnnttttt", "ldnp", ld_st_pair),
        ("s0101000 10iiiiiiiuuuuunnnnnttttt", "stp", ld_st_pair),
        ("s0101000 11iiiiiiiuuuuunnnnnttttt", "ldp", ld_st_pair),
        ("s0101001 00iiiiiiiuuuuunnnnnttttt", "stp", ld_st_pair),
        ("s0101001 01iiiiiiiuuuuunnnnnttttt", "ldp", ld_st_pair),
        ("s0101001 10iiiiiiiuuuuunnnnnttttt", "stp", ld_st_pair),
        ("s0101001 11iiiiiiiuuuuunnnnnttttt", "ldp", ld_st_pair),
        ("01101000 11iiiiiiiuuuuunnnnnttttt", "ldpsw", ld_st_pair),
        ("01101001 01iiiiiiiuuuuunnnnnttttt", "ldpsw", ld_st_pair),
        ("01101001 11iiiiiiiuuuuunnnnnttttt", "ldpsw", ld_st_pair),
        // Exclusive pairs (W and X); LDXP's Rs field is should-be-one, other values ignored.
        ("1s001000 001sssss0uuuuunnnnnttttt", "stxp", st_excl_pair),
        ("1s001000 001sssss1uuuuunnnnnttttt", "stlxp", st_excl_pair),
        ("1s001000 011sssss 0uuuuunnnnnttttt", "ldxp", ld_excl_pair),
        ("1s001000 011sssss 1uuuuunnnnnttttt", "ldaxp", ld_excl_pair),
    }
};

pub(super) fn size_ty(size: u32) -> Ty {
    match size {
        0 => Ty::I8,
        1 => Ty::I16,
        2 => Ty::I32,
        _ => Ty::I64,
    }
}

fn nop(_ctx: &mut Ctx, _insn: u32) -> Result<(), Undef> {
    Ok(())
}

fn prfm_reg(_ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    if bits(insn, 13, 3) & 2 == 0 {
        return Err(Undef::Unallocated);
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq)]
enum Wb {
    None,
    Pre,
    Post,
}

/// Perform the load or store of a single-register form at `addr` (size and opc from `insn`).
fn access(ctx: &mut Ctx, insn: u32, addr: Val) -> Result<(), Undef> {
    let size = bits(insn, 30, 2);
    let opc = bits(insn, 22, 2);
    let ty = size_ty(size);
    let rt = rd(insn);
    match opc {
        0 => {
            let v = ctx.x(rt, size == 3);
            let v = ctx.b.zext(v, ty);
            ctx.b.store(ty, addr, v, false);
        }
        1 => {
            let v = ctx.b.load(ty, addr, false);
            ctx.set_x(rt, v);
        }
        2 => {
            if size == 3 {
                return Err(Undef::Unallocated);
            }
            let v = ctx.b.load(ty, addr, false);
            let v = ctx.b.sext(v, Ty::I64);
            ctx.set_x(rt, v);
        }
        _ => {
            if size >= 2 {
                return Err(Undef::Unallocated);
            }
            let v = ctx.b.load(ty, addr, false);
            let v = ctx.b.sext(v, Ty::I32);
            ctx.set_x(rt, v);
        }
    }
    Ok(())
}

/// Single register with a constant offset and optional writeback.
fn imm_form(ctx: &mut Ctx, insn: u32, offset: i64, wb: Wb) -> Result<(), Undef> {
    let size = bits(insn, 30, 2);
    let opc = bits(insn, 22, 2);
    if size == 3 && opc == 2 {
        // PRFM/PRFUM: handled by their own rows; other addressing modes are unallocated.
        return Err(Undef::Unallocated);
    }
    let n = rn(insn);
    let base = ctx.x_sp(n, true);
    let moved = ctx.b.add_imm(base, offset as u64);
    let addr = if wb == Wb::Post { base } else { moved };
    // A load whose base is also written back is constrained unpredictable; like hardware
    // that suppresses the writeback, the loaded value wins. A store stores the old value.
    if opc == 0 {
        access(ctx, insn, addr)?;
        if wb != Wb::None {
            ctx.set_x_sp(n, moved);
        }
    } else {
        if wb != Wb::None {
            ctx.set_x_sp(n, moved);
        }
        access(ctx, insn, addr)?;
    }
    Ok(())
}

fn ld_st_uimm(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let off = (bits(insn, 10, 12) as i64) << bits(insn, 30, 2);
    imm_form(ctx, insn, off, Wb::None)
}

fn ld_st_unscaled(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    imm_form(ctx, insn, sext(bits(insn, 12, 9), 9), Wb::None)
}

fn ld_st_pre(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    imm_form(ctx, insn, sext(bits(insn, 12, 9), 9), Wb::Pre)
}

fn ld_st_post(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    imm_form(ctx, insn, sext(bits(insn, 12, 9), 9), Wb::Post)
}

fn ld_st_reg(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let size = bits(insn, 30, 2);
    let opc = bits(insn, 22, 2);
    let option = bits(insn, 13, 3);
    if option & 2 == 0 || (size == 3 && opc == 2) {
        return Err(Undef::Unallocated);
    }
    let shift = if bit(insn, 12) { size } else { 0 };
    let base = ctx.x_sp(rn(insn), true);
    let m = ctx.x(rm(insn), true);
    let off = extend_reg(ctx, m, option, shift, Ty::I64);
    let addr = ctx.b.add(base, off);
    access(ctx, insn, addr)
}

fn ld_literal(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let addr = ctx.pc.wrapping_add((sext(bits(insn, 5, 19), 19) << 2) as u64);
    let a = ctx.konst(Ty::I64, addr);
    let rt = rd(insn);
    let v = match bits(insn, 30, 2) {
        0 => ctx.b.load(Ty::I32, a, false),
        1 => ctx.b.load(Ty::I64, a, false),
        _ => {
            let v = ctx.b.load(Ty::I32, a, false);
            ctx.b.sext(v, Ty::I64)
        }
    };
    ctx.set_x(rt, v);
    Ok(())
}

fn ld_st_pair(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let opc = bits(insn, 30, 2);
    let load = bit(insn, 22);
    let signed = opc == 1;
    if opc == 3 || (signed && !load) {
        return Err(Undef::Unallocated);
    }
    let wide = opc == 2;
    let ty = if wide { Ty::I64 } else { Ty::I32 };
    let scale = if wide { 3 } else { 2 };
    let offset = sext(bits(insn, 15, 7), 7) << scale;
    let wb = match bits(insn, 23, 2) {
        1 => Wb::Post,
        3 => Wb::Pre,
        _ => Wb::None,
    };
    let (t, t2, n) = (rd(insn), rt2(insn), rn(insn));
    if load && (t == t2 || (wb != Wb::None && n != 31 && (t == n || t2 == n))) {
        // Constrained unpredictable; UNDEF is one of the permitted behaviours (and binutils
        // refuses these too).
        return Err(Undef::Unallocated);
    }
    let base = ctx.x_sp(n, true);
    let moved = ctx.b.add_imm(base, offset as u64);
    let addr = if wb == Wb::Post { base } else { moved };
    let addr2 = ctx.b.add_imm(addr, ty.bytes() as u64);
    // A store whose base overlaps a data register (constrained unpredictable) stores the old
    // values.
    if load {
        let v1 = ctx.b.load(ty, addr, false);
        let v2 = ctx.b.load(ty, addr2, false);
        let (v1, v2) = if signed { (ctx.b.sext(v1, Ty::I64), ctx.b.sext(v2, Ty::I64)) } else { (v1, v2) };
        if wb != Wb::None {
            ctx.set_x_sp(n, moved);
        }
        ctx.set_x(t, v1);
        ctx.set_x(t2, v2);
    } else {
        let v1 = ctx.x(t, wide);
        let v2 = ctx.x(t2, wide);
        ctx.b.store(ty, addr, v1, false);
        ctx.b.store(ty, addr2, v2, false);
        if wb != Wb::None {
            ctx.set_x_sp(n, moved);
        }
    }
    Ok(())
}

// ---- exclusives and acquire/release ----

fn set_monitor(ctx: &mut Ctx, addr: Val, v0: Val, v1: Option<Val>) {
    ctx.b.set(Ty::I64, state::EXCL_ADDR, addr);
    ctx.b.set(Ty::I64, state::EXCL_VAL, v0);
    if let Some(v1) = v1 {
        ctx.b.set(Ty::I64, state::EXCL_VAL + 8, v1);
    }
}

/// Finish a store-exclusive: `old` is CmpXchg's result, `expected` what the monitor held.
fn finish_store_excl(ctx: &mut Ctx, insn: u32, old: Val, expected: Val) {
    let failed = ctx.b.cmp(CmpCc::Ne, old, expected);
    let status = ctx.b.zext(failed, Ty::I32);
    let clear = ctx.konst(Ty::I64, u64::MAX);
    ctx.b.set(Ty::I64, state::EXCL_ADDR, clear);
    ctx.set_x(rm(insn), status);
}

/// The monitor check: I8 1 when `addr` is the address the last load-exclusive recorded.
fn monitor_matches(ctx: &mut Ctx, addr: Val) -> Val {
    let mon = ctx.b.get(Ty::I64, state::EXCL_ADDR);
    ctx.b.cmp(CmpCc::Eq, addr, mon)
}

fn ld_excl(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let ty = size_ty(bits(insn, 30, 2));
    let addr = ctx.x_sp(rn(insn), true);
    let v = ctx.b.load(ty, addr, false);
    let v64 = ctx.b.zext(v, Ty::I64);
    set_monitor(ctx, addr, v64, None);
    ctx.set_x(rd(insn), v);
    Ok(())
}

fn st_excl(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let size = bits(insn, 30, 2);
    let ty = size_ty(size);
    let addr = ctx.x_sp(rn(insn), true);
    let v = ctx.x(rd(insn), size == 3);
    let new = ctx.b.zext(v, ty);
    let mut en = monitor_matches(ctx, addr);
    let e64 = ctx.b.get(Ty::I64, state::EXCL_VAL);
    if size < 3 {
        // The memory must still hold the value the load-exclusive read: a narrower store
        // after a wider load (constrained unpredictable) fails unless that value fits, as on
        // qemu.
        let k = ctx.konst(Ty::I64, 8 << size);
        let hi = ctx.b.lshr(e64, k);
        let zero = ctx.konst(Ty::I64, 0);
        let fits = ctx.b.cmp(CmpCc::Eq, hi, zero);
        en = ctx.b.and(en, fits);
    }
    let expected = ctx.b.zext(e64, ty);
    let old = ctx.b.push(Op::CmpXchg { addr, expected, new, enable: en, ty, be: false });
    finish_store_excl(ctx, insn, old, expected);
    Ok(())
}

fn ld_excl_pair(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let (t, t2) = (rd(insn), rt2(insn));
    if t == t2 {
        return Err(Undef::Unallocated);
    }
    let addr = ctx.x_sp(rn(insn), true);
    if bit(insn, 30) {
        let addr2 = ctx.b.add_imm(addr, 8);
        let lo = ctx.b.load(Ty::I64, addr, false);
        let hi = ctx.b.load(Ty::I64, addr2, false);
        set_monitor(ctx, addr, lo, Some(hi));
        ctx.set_x(t, lo);
        ctx.set_x(t2, hi);
    } else {
        let v = ctx.b.load(Ty::I64, addr, false);
        set_monitor(ctx, addr, v, None);
        let lo = ctx.b.zext(v, Ty::I32);
        let k = ctx.konst(Ty::I64, 32);
        let hi = ctx.b.lshr(v, k);
        ctx.set_x(t, lo);
        ctx.set_x(t2, hi);
    }
    Ok(())
}

fn st_excl_pair(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let addr = ctx.x_sp(rn(insn), true);
    let en = monitor_matches(ctx, addr);
    let (old, expected) = if bit(insn, 30) {
        let lo = ctx.x(rd(insn), true);
        let hi = ctx.x(rt2(insn), true);
        let new = ctx.b.pair(lo, hi);
        let e0 = ctx.b.get(Ty::I64, state::EXCL_VAL);
        let e1 = ctx.b.get(Ty::I64, state::EXCL_VAL + 8);
        let expected = ctx.b.pair(e0, e1);
        let old = ctx.b.push(Op::CmpXchg { addr, expected, new, enable: en, ty: Ty::I128, be: false });
        (old, expected)
    } else {
        let lo = ctx.x(rd(insn), true);
        let lo = ctx.b.zext(lo, Ty::I32);
        let lo = ctx.b.zext(lo, Ty::I64);
        let hi = ctx.x(rt2(insn), true);
        let k = ctx.konst(Ty::I64, 32);
        let hi = ctx.b.shl(hi, k);
        let new = ctx.b.or(lo, hi);
        let expected = ctx.b.get(Ty::I64, state::EXCL_VAL);
        let old = ctx.b.push(Op::CmpXchg { addr, expected, new, enable: en, ty: Ty::I64, be: false });
        (old, expected)
    };
    finish_store_excl(ctx, insn, old, expected);
    Ok(())
}

fn ldar(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let ty = size_ty(bits(insn, 30, 2));
    let addr = ctx.x_sp(rn(insn), true);
    let v = ctx.b.load(ty, addr, false);
    ctx.set_x(rd(insn), v);
    Ok(())
}

/// LDAPR (FEAT_LRCPC): a load-acquire with the weaker RCpc ordering; on x86 a plain load, as
/// LDAR is. Undefined on a CPU model without it.
fn ldapr(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    if !features::enabled("lrcpc") {
        return Err(Undef::Unallocated);
    }
    ldar(ctx, insn)
}

fn stlr(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let size = bits(insn, 30, 2);
    let ty = size_ty(size);
    let addr = ctx.x_sp(rn(insn), true);
    let v = ctx.x(rd(insn), size == 3);
    let v = ctx.b.zext(v, ty);
    ctx.b.store(ty, addr, v, false);
    // A later LDAR must not pass this store (x86 may reorder a store with a later load).
    ctx.b.fence(FenceKind::Full);
    Ok(())
}
