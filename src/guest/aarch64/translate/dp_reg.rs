//! Data processing (register): logical and add/sub (shifted and extended register), add/sub
//! with carry, conditional compare and select, and the 1-, 2- and 3-source groups.

use super::{sf_ty, Ctx};
use crate::a64_row;
use crate::guest::aarch64::decode::{bit, bits, rd, rm, rn, Row, Undef};
use crate::ir::*;

pub static ROWS: &[Row] = &[
    // Logical (shifted register): sf opc 01010 shift N Rm imm6 Rn Rd.
    a64_row!("s0001010 hh0mmmmmiiiiiinnnnnddddd", "and", logic_shifted),
    a64_row!("s0001010 hh1mmmmmiiiiiinnnnnddddd", "bic", logic_shifted),
    a64_row!("s0101010 hh0mmmmmiiiiiinnnnnddddd", "orr", logic_shifted),
    a64_row!("s0101010 hh1mmmmmiiiiiinnnnnddddd", "orn", logic_shifted),
    a64_row!("s1001010 hh0mmmmmiiiiiinnnnnddddd", "eor", logic_shifted),
    a64_row!("s1001010 hh1mmmmmiiiiiinnnnnddddd", "eon", logic_shifted),
    a64_row!("s1101010 hh0mmmmmiiiiiinnnnnddddd", "ands", logic_shifted),
    a64_row!("s1101010 hh1mmmmmiiiiiinnnnnddddd", "bics", logic_shifted),
    // Add/subtract (shifted register).
    a64_row!("s0001011 hh0mmmmmiiiiiinnnnnddddd", "add", add_sub_shifted),
    a64_row!("s0101011 hh0mmmmmiiiiiinnnnnddddd", "adds", add_sub_shifted),
    a64_row!("s1001011 hh0mmmmmiiiiiinnnnnddddd", "sub", add_sub_shifted),
    a64_row!("s1101011 hh0mmmmmiiiiiinnnnnddddd", "subs", add_sub_shifted),
    // Add/subtract (extended register).
    a64_row!("s0001011 001mmmmmoooiiinnnnnddddd", "add", add_sub_extended),
    a64_row!("s0101011 001mmmmmoooiiinnnnnddddd", "adds", add_sub_extended),
    a64_row!("s1001011 001mmmmmoooiiinnnnnddddd", "sub", add_sub_extended),
    a64_row!("s1101011 001mmmmmoooiiinnnnnddddd", "subs", add_sub_extended),
    // Add/subtract with carry.
    a64_row!("s0011010 000mmmmm000000nnnnnddddd", "adc", add_sub_carry),
    a64_row!("s0111010 000mmmmm000000nnnnnddddd", "adcs", add_sub_carry),
    a64_row!("s1011010 000mmmmm000000nnnnnddddd", "sbc", add_sub_carry),
    a64_row!("s1111010 000mmmmm000000nnnnnddddd", "sbcs", add_sub_carry),
    // Conditional compare (register / immediate).
    a64_row!("s0111010 010mmmmmcccc00nnnnn0ffff", "ccmn", ccmp),
    a64_row!("s1111010 010mmmmmcccc00nnnnn0ffff", "ccmp", ccmp),
    a64_row!("s0111010 010iiiiicccc10nnnnn0ffff", "ccmn", ccmp),
    a64_row!("s1111010 010iiiiicccc10nnnnn0ffff", "ccmp", ccmp),
    // Conditional select.
    a64_row!("s0011010 100mmmmmcccc00nnnnnddddd", "csel", csel),
    a64_row!("s0011010 100mmmmmcccc01nnnnnddddd", "csinc", csel),
    a64_row!("s1011010 100mmmmmcccc00nnnnnddddd", "csinv", csel),
    a64_row!("s1011010 100mmmmmcccc01nnnnnddddd", "csneg", csel),
    // Data processing (1 source).
    a64_row!("s1011010 11000000000000nnnnnddddd", "rbit", dp1),
    a64_row!("s1011010 11000000000001nnnnnddddd", "rev16", dp1),
    a64_row!("01011010 11000000000010nnnnnddddd", "rev", dp1),
    a64_row!("11011010 11000000000010nnnnnddddd", "rev32", dp1),
    a64_row!("11011010 11000000000011nnnnnddddd", "rev", dp1),
    a64_row!("s1011010 11000000000100nnnnnddddd", "clz", dp1),
    a64_row!("s1011010 11000000000101nnnnnddddd", "cls", dp1),
    // Data processing (2 source).
    a64_row!("s0011010 110mmmmm000010nnnnnddddd", "udiv", dp2),
    a64_row!("s0011010 110mmmmm000011nnnnnddddd", "sdiv", dp2),
    a64_row!("s0011010 110mmmmm001000nnnnnddddd", "lslv", dp2),
    a64_row!("s0011010 110mmmmm001001nnnnnddddd", "lsrv", dp2),
    a64_row!("s0011010 110mmmmm001010nnnnnddddd", "asrv", dp2),
    a64_row!("s0011010 110mmmmm001011nnnnnddddd", "rorv", dp2),
    // CRC32 (FEAT_CRC32): sf 0011010110 Rm 010 C sz Rn Rd; X data only with sf = 1.
    a64_row!("00011010 110mmmmm010000nnnnnddddd", "crc32b", crc32),
    a64_row!("00011010 110mmmmm010001nnnnnddddd", "crc32h", crc32),
    a64_row!("00011010 110mmmmm010010nnnnnddddd", "crc32w", crc32),
    a64_row!("10011010 110mmmmm010011nnnnnddddd", "crc32x", crc32),
    a64_row!("00011010 110mmmmm010100nnnnnddddd", "crc32cb", crc32),
    a64_row!("00011010 110mmmmm010101nnnnnddddd", "crc32ch", crc32),
    a64_row!("00011010 110mmmmm010110nnnnnddddd", "crc32cw", crc32),
    a64_row!("10011010 110mmmmm010111nnnnnddddd", "crc32cx", crc32),
    // Data processing (3 source). SMULH/UMULH's Ra is should-be-one: other values are
    // ignored, as hardware and capstone do.
    a64_row!("s0011011 000mmmmm0aaaaannnnnddddd", "madd", dp3),
    a64_row!("s0011011 000mmmmm1aaaaannnnnddddd", "msub", dp3),
    a64_row!("10011011 001mmmmm0aaaaannnnnddddd", "smaddl", dp3),
    a64_row!("10011011 001mmmmm1aaaaannnnnddddd", "smsubl", dp3),
    a64_row!("10011011 010mmmmm0aaaaannnnnddddd", "smulh", dp3),
    a64_row!("10011011 101mmmmm0aaaaannnnnddddd", "umaddl", dp3),
    a64_row!("10011011 101mmmmm1aaaaannnnnddddd", "umsubl", dp3),
    a64_row!("10011011 110mmmmm0aaaaannnnnddddd", "umulh", dp3),
];


/// Shift `v` by the constant `amount` with Arm shift type `kind` (LSL, LSR, ASR, ROR).
fn shift_imm(ctx: &mut Ctx, v: Val, kind: u32, amount: u32) -> Val {
    if amount == 0 {
        return v;
    }
    let ty = ctx.b.ty(v);
    let k = ctx.konst(ty, amount as u64);
    let op = match kind {
        0 => BinOp::Shl,
        1 => BinOp::Lshr,
        2 => BinOp::Ashr,
        _ => BinOp::Ror,
    };
    ctx.b.bin(op, v, k)
}

/// Arm's ExtendReg: extend the low bits of `v` per `option` (UXTB..SXTX), to `to`, then shift
/// left by `shift`.
pub(super) fn extend_reg(ctx: &mut Ctx, v: Val, option: u32, shift: u32, to: Ty) -> Val {
    let from = match option & 3 {
        0 => Ty::I8,
        1 => Ty::I16,
        2 => Ty::I32,
        _ => Ty::I64,
    };
    let signed = option & 4 != 0;
    let x = if from >= to {
        ctx.b.zext(v, to)
    } else if signed {
        ctx.b.sext_from(v, from, to)
    } else {
        let t = ctx.b.zext(v, from);
        ctx.b.zext(t, to)
    };
    shift_imm(ctx, x, 0, shift)
}

fn logic_shifted(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let sf = bit(insn, 31);
    let amount = bits(insn, 10, 6);
    if !sf && amount >= 32 {
        return Err(Undef::Unallocated);
    }
    let a = ctx.x(rn(insn), sf);
    let m = ctx.x(rm(insn), sf);
    let mut b = shift_imm(ctx, m, bits(insn, 22, 2), amount);
    let invert = bit(insn, 21);
    let opc = bits(insn, 29, 2);
    let r = match (opc, invert) {
        (0 | 3, false) => ctx.b.and(a, b),
        (0 | 3, true) => ctx.b.bin(BinOp::AndNot, a, b),
        (1, _) => {
            if invert {
                b = ctx.b.not(b);
            }
            ctx.b.or(a, b)
        }
        _ => {
            if invert {
                b = ctx.b.not(b);
            }
            ctx.b.xor(a, b)
        }
    };
    if opc == 3 {
        let f = ctx.b.logic_nzcv(r);
        ctx.set_nzcv(f);
    }
    ctx.set_x(rd(insn), r);
    Ok(())
}

/// Shared tail of the add/sub forms: compute, set flags if asked, return the result.
fn add_sub(ctx: &mut Ctx, a: Val, b: Val, sub: bool, setflags: bool) -> Val {
    let r = if sub { ctx.b.sub(a, b) } else { ctx.b.add(a, b) };
    if setflags {
        let cin = ctx.konst(Ty::I8, sub as u64);
        let f = if sub { ctx.b.sub_nzcv(a, b, cin) } else { ctx.b.add_nzcv(a, b, cin) };
        ctx.set_nzcv(f);
    }
    r
}

fn add_sub_shifted(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let sf = bit(insn, 31);
    let kind = bits(insn, 22, 2);
    let amount = bits(insn, 10, 6);
    if kind == 3 || (!sf && amount >= 32) {
        return Err(Undef::Unallocated);
    }
    let a = ctx.x(rn(insn), sf);
    let m = ctx.x(rm(insn), sf);
    let b = shift_imm(ctx, m, kind, amount);
    let r = add_sub(ctx, a, b, bit(insn, 30), bit(insn, 29));
    ctx.set_x(rd(insn), r);
    Ok(())
}

fn add_sub_extended(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let sf = bit(insn, 31);
    let shift = bits(insn, 10, 3);
    if shift > 4 {
        return Err(Undef::Unallocated);
    }
    let ty = sf_ty(sf);
    let a = ctx.x_sp(rn(insn), sf);
    let m = ctx.x(rm(insn), true);
    let b = extend_reg(ctx, m, bits(insn, 13, 3), shift, ty);
    let setflags = bit(insn, 29);
    let r = add_sub(ctx, a, b, bit(insn, 30), setflags);
    if setflags {
        ctx.set_x(rd(insn), r);
    } else {
        ctx.set_x_sp(rd(insn), r);
    }
    Ok(())
}

/// The C flag as an I8 0/1.
fn carry(ctx: &mut Ctx) -> Val {
    let f = ctx.nzcv();
    let k = ctx.konst(Ty::I32, 29);
    let s = ctx.b.lshr(f, k);
    let t = ctx.b.zext(s, Ty::I8);
    let one = ctx.konst(Ty::I8, 1);
    ctx.b.and(t, one)
}

fn add_sub_carry(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let sf = bit(insn, 31);
    let ty = sf_ty(sf);
    let sub = bit(insn, 30);
    let a = ctx.x(rn(insn), sf);
    let mut b = ctx.x(rm(insn), sf);
    let c = carry(ctx);
    let f =
        if bit(insn, 29) { Some(if sub { ctx.b.sub_nzcv(a, b, c) } else { ctx.b.add_nzcv(a, b, c) }) } else { None };
    if sub {
        b = ctx.b.not(b);
    }
    let s = ctx.b.add(a, b);
    let cw = ctx.b.zext(c, ty);
    let r = ctx.b.add(s, cw);
    if let Some(f) = f {
        ctx.set_nzcv(f);
    }
    ctx.set_x(rd(insn), r);
    Ok(())
}

fn ccmp(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let sf = bit(insn, 31);
    let ty = sf_ty(sf);
    let sub = bit(insn, 30);
    let a = ctx.x(rn(insn), sf);
    let b = if bit(insn, 11) { ctx.konst(ty, bits(insn, 16, 5) as u64) } else { ctx.x(rm(insn), sf) };
    let cin = ctx.konst(Ty::I8, sub as u64);
    let f = if sub { ctx.b.sub_nzcv(a, b, cin) } else { ctx.b.add_nzcv(a, b, cin) };
    let c = ctx.cond(bits(insn, 12, 4));
    let imm = ctx.konst(Ty::I32, (bits(insn, 0, 4) as u64) << 28);
    let r = ctx.b.select(c, f, imm);
    ctx.set_nzcv(r);
    Ok(())
}

fn csel(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let sf = bit(insn, 31);
    let a = ctx.x(rn(insn), sf);
    let mut b = ctx.x(rm(insn), sf);
    match (bit(insn, 30), bit(insn, 10)) {
        (false, false) => {}
        (false, true) => b = ctx.b.add_imm(b, 1),
        (true, false) => b = ctx.b.not(b),
        (true, true) => b = ctx.b.un(UnOp::Neg, b),
    }
    let c = ctx.cond(bits(insn, 12, 4));
    let r = ctx.b.select(c, a, b);
    ctx.set_x(rd(insn), r);
    Ok(())
}

fn dp1(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let sf = bit(insn, 31);
    let ty = sf_ty(sf);
    let a = ctx.x(rn(insn), sf);
    let r = match bits(insn, 10, 6) {
        0 => ctx.b.un(UnOp::Rbit, a),
        1 => {
            // Swap the bytes of each halfword.
            let m = ctx.konst(ty, 0x00ff_00ff_00ff_00ff);
            let k = ctx.konst(ty, 8);
            let lo = ctx.b.lshr(a, k);
            let lo = ctx.b.and(lo, m);
            let hi = ctx.b.and(a, m);
            let hi = ctx.b.shl(hi, k);
            ctx.b.or(lo, hi)
        }
        2 if sf => {
            // REV32: byte-reverse each word.
            let s = ctx.b.un(UnOp::Bswap, a);
            let k = ctx.konst(ty, 32);
            ctx.b.bin(BinOp::Ror, s, k)
        }
        2 | 3 => ctx.b.un(UnOp::Bswap, a),
        4 => ctx.b.un(UnOp::Clz, a),
        5 => ctx.b.un(UnOp::Cls, a),
        _ => return Err(Undef::Unallocated),
    };
    ctx.set_x(rd(insn), r);
    Ok(())
}

fn dp2(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let sf = bit(insn, 31);
    let a = ctx.x(rn(insn), sf);
    let b = ctx.x(rm(insn), sf);
    let op = match bits(insn, 10, 6) {
        2 => BinOp::DivU,
        3 => BinOp::DivS,
        8 => BinOp::Shl,
        9 => BinOp::Lshr,
        10 => BinOp::Ashr,
        11 => BinOp::Ror,
        _ => return Err(Undef::Unimplemented),
    };
    let r = ctx.b.bin(op, a, b);
    ctx.set_x(rd(insn), r);
    Ok(())
}

fn dp3(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let sf = bit(insn, 31);
    let op31 = bits(insn, 21, 3);
    let sub = bit(insn, 15);
    let ra = bits(insn, 10, 5);
    // MADD/MSUB (same width) and SMADDL/UMADDL/SMSUBL/UMSUBL (32x32 -> 64) share the
    // multiply-accumulate tail.
    let mac = |ctx: &mut Ctx, a: Val, b: Val, acc_sf: bool| {
        let p = ctx.b.bin(BinOp::Mul, a, b);
        let acc = ctx.x(ra, acc_sf);
        if sub {
            ctx.b.sub(acc, p)
        } else {
            ctx.b.add(acc, p)
        }
    };
    let r = match op31 {
        0 => {
            let a = ctx.x(rn(insn), sf);
            let b = ctx.x(rm(insn), sf);
            mac(ctx, a, b, sf)
        }
        1 | 5 => {
            let signed = op31 == 1;
            let a = ctx.x(rn(insn), false);
            let b = ctx.x(rm(insn), false);
            let (a, b) = if signed {
                (ctx.b.sext(a, Ty::I64), ctx.b.sext(b, Ty::I64))
            } else {
                (ctx.b.zext(a, Ty::I64), ctx.b.zext(b, Ty::I64))
            };
            mac(ctx, a, b, true)
        }
        2 | 6 => {
            let a = ctx.x(rn(insn), true);
            let b = ctx.x(rm(insn), true);
            ctx.b.bin(if op31 == 2 { BinOp::MulHS } else { BinOp::MulHU }, a, b)
        }
        _ => return Err(Undef::Unallocated),
    };
    ctx.set_x(rd(insn), r);
    Ok(())
}

/// CRC32{B,H,W,X} and CRC32C{B,H,W,X}: Wd = the CRC of Wn (accumulator) updated with the low
/// byte, halfword, word or doubleword of Rm.
fn crc32(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    if !crate::guest::aarch64::features::enabled("crc32") {
        return Err(Undef::Unallocated);
    }
    let sz = bits(insn, 10, 2);
    let data = match sz {
        0 => Ty::I8,
        1 => Ty::I16,
        2 => Ty::I32,
        _ => Ty::I64,
    };
    let acc = ctx.x(rn(insn), false);
    let acc = ctx.b.zext(acc, Ty::I64);
    let v = ctx.x(rm(insn), sz == 3);
    let v = ctx.b.zext(v, Ty::I64);
    let op = if bit(insn, 12) { BinOp::Crc32C(data) } else { BinOp::Crc32(data) };
    let r = ctx.b.bin(op, acc, v);
    let r = ctx.b.zext(r, Ty::I32);
    ctx.set_x(rd(insn), r);
    Ok(())
}
