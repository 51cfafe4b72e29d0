//! Branches: immediate, conditional, compare-and-branch, test-and-branch and register.

use super::Ctx;
use crate::a64_row;
use crate::guest::aarch64::decode::{bit, bits, rd, rn, sext, Row, Undef};
use crate::ir::*;

pub static ROWS: &[Row] = &[
    a64_row!("000101ii iiiiiiiiiiiiiiiiiiiiiiii", "b", b_imm),
    a64_row!("100101ii iiiiiiiiiiiiiiiiiiiiiiii", "bl", b_imm),
    a64_row!("01010100 iiiiiiiiiiiiiiiiiii0cccc", "b", b_cond),
    a64_row!("s0110100 iiiiiiiiiiiiiiiiiiittttt", "cbz", cb),
    a64_row!("s0110101 iiiiiiiiiiiiiiiiiiittttt", "cbnz", cb),
    a64_row!("b0110110 bbbbbiiiiiiiiiiiiiittttt", "tbz", tb),
    a64_row!("b0110111 bbbbbiiiiiiiiiiiiiittttt", "tbnz", tb),
    a64_row!("11010110 00011111000000nnnnn00000", "br", b_reg),
    a64_row!("11010110 00111111000000nnnnn00000", "blr", b_reg),
    a64_row!("11010110 01011111000000nnnnn00000", "ret", b_reg),
];

fn b_imm(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let target = ctx.pc.wrapping_add((sext(bits(insn, 0, 26), 26) << 2) as u64);
    if bit(insn, 31) {
        let ret = ctx.konst(Ty::I64, ctx.next_pc());
        ctx.set_x(30, ret);
    }
    ctx.end_block(Terminal::Jump { target });
    Ok(())
}

fn b_cond(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let taken = ctx.pc.wrapping_add((sext(bits(insn, 5, 19), 19) << 2) as u64);
    let cond = bits(insn, 0, 4);
    if cond >= 14 {
        ctx.end_block(Terminal::Jump { target: taken });
        return Ok(());
    }
    let c = ctx.cond(cond);
    let not_taken = ctx.next_pc();
    ctx.end_block(Terminal::Branch { cond: c, taken, not_taken });
    Ok(())
}

fn cb(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let taken = ctx.pc.wrapping_add((sext(bits(insn, 5, 19), 19) << 2) as u64);
    let sf = bit(insn, 31);
    let v = ctx.x(rd(insn), sf);
    let ty = ctx.b.ty(v);
    let zero = ctx.konst(ty, 0);
    let cc = if bit(insn, 24) { CmpCc::Ne } else { CmpCc::Eq };
    let c = ctx.b.cmp(cc, v, zero);
    let not_taken = ctx.next_pc();
    ctx.end_block(Terminal::Branch { cond: c, taken, not_taken });
    Ok(())
}

fn tb(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let taken = ctx.pc.wrapping_add((sext(bits(insn, 5, 14), 14) << 2) as u64);
    let bitno = (bits(insn, 31, 1) << 5) | bits(insn, 19, 5);
    let v = ctx.x(rd(insn), true);
    let m = ctx.konst(Ty::I64, 1u64 << bitno);
    let t = ctx.b.and(v, m);
    let zero = ctx.konst(Ty::I64, 0);
    let cc = if bit(insn, 24) { CmpCc::Ne } else { CmpCc::Eq };
    let c = ctx.b.cmp(cc, t, zero);
    let not_taken = ctx.next_pc();
    ctx.end_block(Terminal::Branch { cond: c, taken, not_taken });
    Ok(())
}

fn b_reg(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let target = ctx.x(rn(insn), true);
    let kind = match bits(insn, 21, 2) {
        0 => IndirectKind::Jump,
        1 => {
            let ret = ctx.konst(Ty::I64, ctx.next_pc());
            ctx.set_x(30, ret);
            IndirectKind::Call
        }
        _ => IndirectKind::Return,
    };
    ctx.end_block(Terminal::Indirect { target, kind });
    Ok(())
}
