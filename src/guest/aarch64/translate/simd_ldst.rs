//! SIMD&FP loads and stores: LDR/STR of B/H/S/D/Q registers (all addressing forms), LDR
//! literal, LDP/STP/LDNP/STNP, and the structure loads/stores LD1-4/ST1-4 (multiple, single
//! lane, replicate). Scalar loads write the low bits and zero the rest of the V register.

use super::Ctx;
use crate::a64_row;
use crate::guest::aarch64::decode::{bit, bits, rd, rm, rn, rt2, sext, Row, Undef};
use crate::ir::*;

pub static ROWS: &[Row] = &[
    // size 111 1 01 opc imm12 Rn Rt
    a64_row!("ss111101 oo iiiiiiiiiiii nnnnn ttttt", "ldr/str simd (uimm)", ldst_uimm),
    // size 111 1 00 opc 0 imm9 xx Rn Rt: 00 unscaled, 01 post, 11 pre (10 is unprivileged: n/a)
    a64_row!("ss111100 oo0 iiiiiiiii 00 nnnnn ttttt", "ldur/stur simd", ldst_imm9),
    a64_row!("ss111100 oo0 iiiiiiiii 01 nnnnn ttttt", "ldr/str simd (post)", ldst_imm9),
    a64_row!("ss111100 oo0 iiiiiiiii 11 nnnnn ttttt", "ldr/str simd (pre)", ldst_imm9),
    // size 111 1 00 opc 1 Rm option S 10 Rn Rt
    a64_row!("ss111100 oo1 mmmmm ooo s 10 nnnnn ttttt", "ldr/str simd (reg)", ldst_reg),
    // opc 011 1 00 imm19 Rt
    a64_row!("oo011100 iiiiiiiiiiiiiiiiiii ttttt", "ldr simd (literal)", ldr_literal),
    // opc 101 1 0 idx L imm7 Rt2 Rn Rt
    a64_row!("oo101100 0l iiiiiii uuuuu nnnnn ttttt", "ldnp/stnp simd", ldst_pair),
    a64_row!("oo101100 1l iiiiiii uuuuu nnnnn ttttt", "ldp/stp simd (post)", ldst_pair),
    a64_row!("oo101101 0l iiiiiii uuuuu nnnnn ttttt", "ldp/stp simd", ldst_pair),
    a64_row!("oo101101 1l iiiiiii uuuuu nnnnn ttttt", "ldp/stp simd (pre)", ldst_pair),
    // 0 Q 0011000 L 000000 opcode size Rn Rt (and post-index: 0011001 L 0 Rm)
    a64_row!("0q001100 0l000000 oooo ss nnnnn ttttt", "ld/st multiple", ldst_multi),
    a64_row!("0q001100 1l0mmmmm oooo ss nnnnn ttttt", "ld/st multiple (post)", ldst_multi),
    // 0 Q 0011010 L R 00000 opcode S size Rn Rt (and post-index: 0011011 L R Rm)
    a64_row!("0q001101 0lr00000 ooos ss nnnnn ttttt", "ld/st single", ldst_single),
    a64_row!("0q001101 1lrmmmmm ooos ss nnnnn ttttt", "ld/st single (post)", ldst_single),
];

/// Access size in bytes of the scalar forms: size and opc<1> together (Q when size=00,
/// opc<1>=1). Returns (bytes, is_load); None for unallocated.
fn scalar_size(insn: u32) -> Option<(usize, bool)> {
    let size = bits(insn, 30, 2);
    let opc = bits(insn, 22, 2);
    let load = opc & 1 == 1;
    match (size, opc >> 1) {
        (0, 1) => Some((16, load)),
        (s, 0) => Some((1 << s, load)),
        _ => None,
    }
}

/// Load `bytes` from `addr` into V`t` (zeroing the rest) or store its low `bytes`.
fn xfer(ctx: &mut Ctx, load: bool, bytes: usize, t: u32, addr: Val) {
    let ty = Ty::from_bytes(bytes);
    if load {
        let v = ctx.b.load(ty, addr, false);
        ctx.set_vscalar(t, v);
    } else {
        let v = ctx.vscalar(t, ty);
        ctx.b.store(ty, addr, v, false);
    }
}

fn ldst_uimm(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let (bytes, load) = scalar_size(insn).ok_or(Undef::Unallocated)?;
    let off = bits(insn, 10, 12) as u64 * bytes as u64;
    let base = ctx.x_sp(rn(insn), true);
    let addr = ctx.b.add_imm(base, off);
    xfer(ctx, load, bytes, rd(insn), addr);
    Ok(())
}

fn ldst_imm9(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let (bytes, load) = scalar_size(insn).ok_or(Undef::Unallocated)?;
    let imm = sext(bits(insn, 12, 9), 9) as u64;
    let mode = bits(insn, 10, 2);
    let n = rn(insn);
    let base = ctx.x_sp(n, true);
    let moved = ctx.b.add_imm(base, imm);
    let addr = if mode == 1 { base } else { moved };
    xfer(ctx, load, bytes, rd(insn), addr);
    if mode != 0 {
        ctx.set_x_sp(n, moved);
    }
    Ok(())
}

/// The extended and shifted register offset of the register-offset forms.
pub(super) fn reg_offset(ctx: &mut Ctx, insn: u32, shift: u32) -> Result<Val, Undef> {
    let option = bits(insn, 13, 3);
    let m = rm(insn);
    let off = match option {
        0b010 => {
            let w = ctx.x(m, false);
            ctx.b.zext(w, Ty::I64)
        }
        0b110 => {
            let w = ctx.x(m, false);
            ctx.b.sext(w, Ty::I64)
        }
        0b011 | 0b111 => ctx.x(m, true),
        _ => return Err(Undef::Unallocated),
    };
    if bit(insn, 12) && shift != 0 {
        let k = ctx.konst(Ty::I64, shift as u64);
        Ok(ctx.b.shl(off, k))
    } else {
        Ok(off)
    }
}

fn ldst_reg(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let (bytes, load) = scalar_size(insn).ok_or(Undef::Unallocated)?;
    let off = reg_offset(ctx, insn, bytes.trailing_zeros())?;
    let base = ctx.x_sp(rn(insn), true);
    let addr = ctx.b.add(base, off);
    xfer(ctx, load, bytes, rd(insn), addr);
    Ok(())
}

fn ldr_literal(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let bytes = match bits(insn, 30, 2) {
        0 => 4,
        1 => 8,
        2 => 16,
        _ => return Err(Undef::Unallocated),
    };
    let target = ctx.pc.wrapping_add((sext(bits(insn, 5, 19), 19) << 2) as u64);
    let addr = ctx.konst(Ty::I64, target);
    xfer(ctx, true, bytes, rd(insn), addr);
    Ok(())
}

fn ldst_pair(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let bytes: usize = match bits(insn, 30, 2) {
        0 => 4,
        1 => 8,
        2 => 16,
        _ => return Err(Undef::Unallocated),
    };
    let load = bit(insn, 22);
    let (t, t2) = (rd(insn), rt2(insn));
    if load && t == t2 {
        // CONSTRAINED UNPREDICTABLE; we take the UNDEFINED option.
        return Err(Undef::Unallocated);
    }
    let idx = bits(insn, 23, 2);
    let imm = (sext(bits(insn, 15, 7), 7) * bytes as i64) as u64;
    let n = rn(insn);
    let base = ctx.x_sp(n, true);
    let moved = ctx.b.add_imm(base, imm);
    let addr = if idx == 1 { base } else { moved };
    let addr2 = ctx.b.add_imm(addr, bytes as u64);
    xfer(ctx, load, bytes, t, addr);
    xfer(ctx, load, bytes, t2, addr2);
    if idx == 1 || idx == 3 {
        ctx.set_x_sp(n, moved);
    }
    Ok(())
}

/// Post-index writeback of the structure forms: Rm = 31 means "by the transfer size".
fn struct_writeback(ctx: &mut Ctx, insn: u32, base: Val, total: u64) {
    if !bit(insn, 23) {
        return;
    }
    let m = rm(insn);
    let new = if m == 31 {
        ctx.b.add_imm(base, total)
    } else {
        let r = ctx.x(m, true);
        ctx.b.add(base, r)
    };
    ctx.set_x_sp(rn(insn), new);
}

fn ldst_multi(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let q = bit(insn, 30);
    let load = bit(insn, 22);
    let size = bits(insn, 10, 2);
    // (registers, elements per structure)
    let (regs, selem) = match bits(insn, 12, 4) {
        0b0000 => (4, 4),
        0b0010 => (4, 1),
        0b0100 => (3, 3),
        0b0110 => (3, 1),
        0b0111 => (1, 1),
        0b1000 => (2, 2),
        0b1010 => (2, 1),
        _ => return Err(Undef::Unallocated),
    };
    if size == 3 && !q && selem != 1 {
        return Err(Undef::Unallocated);
    }
    let t = rd(insn);
    let rbytes: usize = if q { 16 } else { 8 };
    let base = ctx.x_sp(rn(insn), true);
    if selem == 1 {
        // Whole registers, consecutive in memory (little-endian: element size is irrelevant).
        for r in 0..regs {
            let addr = ctx.b.add_imm(base, (r * rbytes) as u64);
            xfer(ctx, load, rbytes, (t + r as u32) % 32, addr);
        }
    } else {
        let esize = 1usize << size;
        let elems = rbytes / esize;
        let ety = Ty::from_bytes(esize);
        let mut vals: Vec<Val> = Vec::new();
        for r in 0..selem {
            let v = if load {
                ctx.b.konst128(0)
            } else {
                ctx.v((t + r as u32) % 32)
            };
            vals.push(v);
        }
        for e in 0..elems {
            #[allow(clippy::needless_range_loop)]
            for r in 0..selem {
                let addr = ctx.b.add_imm(base, ((e * selem + r) * esize) as u64);
                if load {
                    let x = ctx.b.load(ety, addr, false);
                    vals[r] = ctx.b.push(Op::VIns { a: vals[r], v: x, esize: esize as u8, lane: e as u8 });
                } else {
                    let x = ctx.b.push(Op::VExt { a: vals[r], esize: esize as u8, lane: e as u8, to: Ty::I64 });
                    let x = ctx.b.zext(x, ety);
                    ctx.b.store(ety, addr, x, false);
                }
            }
        }
        if load {
            for (r, v) in vals.into_iter().enumerate() {
                ctx.set_v((t + r as u32) % 32, v);
            }
        }
    }
    struct_writeback(ctx, insn, base, (regs * rbytes) as u64);
    Ok(())
}

fn ldst_single(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let q = bit(insn, 30) as usize;
    let load = bit(insn, 22);
    let selem = ((bits(insn, 13, 1) << 1) | bits(insn, 21, 1)) as usize + 1;
    let opcode = bits(insn, 13, 3);
    let s = bits(insn, 12, 1) as usize;
    let size = bits(insn, 10, 2) as usize;
    let t = rd(insn);
    let base = ctx.x_sp(rn(insn), true);
    let (esize, index) = match opcode >> 1 {
        0 => (1usize, (q << 3) | (s << 2) | size),
        1 => {
            if size & 1 != 0 {
                return Err(Undef::Unallocated);
            }
            (2, (q << 2) | (s << 1) | (size >> 1))
        }
        2 => match (size, s) {
            (0, _) => (4, (q << 1) | s),
            (1, 0) => (8, q),
            _ => return Err(Undef::Unallocated),
        },
        _ => {
            // LDnR: load one structure and replicate it to every lane.
            if !load || s != 0 {
                return Err(Undef::Unallocated);
            }
            let esize = 1usize << size;
            let ety = Ty::from_bytes(esize);
            for r in 0..selem {
                let addr = ctx.b.add_imm(base, (r * esize) as u64);
                let x = ctx.b.load(ety, addr, false);
                let x = ctx.b.zext(x, Ty::I64);
                let mut v = ctx.b.push(Op::VDup { v: x, esize: esize as u8 });
                if q == 0 {
                    v = ctx.b.vun(VUnOp::ZeroHigh, 8, v);
                }
                ctx.set_v((t + r as u32) % 32, v);
            }
            struct_writeback(ctx, insn, base, (selem * esize) as u64);
            return Ok(());
        }
    };
    let ety = Ty::from_bytes(esize);
    for r in 0..selem {
        let reg = (t + r as u32) % 32;
        let addr = ctx.b.add_imm(base, (r * esize) as u64);
        let old = ctx.v(reg);
        if load {
            let x = ctx.b.load(ety, addr, false);
            let x = ctx.b.zext(x, Ty::I64);
            let v = ctx.b.push(Op::VIns { a: old, v: x, esize: esize as u8, lane: index as u8 });
            ctx.set_v(reg, v);
        } else {
            let x = ctx.b.push(Op::VExt { a: old, esize: esize as u8, lane: index as u8, to: Ty::I64 });
            let x = ctx.b.zext(x, ety);
            ctx.b.store(ety, addr, x, false);
        }
    }
    struct_writeback(ctx, insn, base, (selem * esize) as u64);
    Ok(())
}
