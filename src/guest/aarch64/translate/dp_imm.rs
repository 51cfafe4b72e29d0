//! Data processing (immediate): PC-relative addressing, add/sub immediate, logical immediate,
//! move wide, bitfield and extract.

use super::{sf_ty, Ctx};
use crate::a64_row;
use crate::guest::aarch64::decode::{bit, bits, rd, rm, rn, sext, Row, Undef};
use crate::ir::*;

pub static ROWS: &[Row] = &[
    a64_row!("0ii10000 iiiiiiiiiiiiiiiiiiiddddd", "adr", adr),
    a64_row!("1ii10000 iiiiiiiiiiiiiiiiiiiddddd", "adrp", adr),
    // Add/subtract (immediate); bit 23 set is the MTE tag form (not implemented).
    a64_row!("s0010001 0hiiiiiiiiiiiinnnnnddddd", "add", add_sub_imm),
    a64_row!("s0110001 0hiiiiiiiiiiiinnnnnddddd", "adds", add_sub_imm),
    a64_row!("s1010001 0hiiiiiiiiiiiinnnnnddddd", "sub", add_sub_imm),
    a64_row!("s1110001 0hiiiiiiiiiiiinnnnnddddd", "subs", add_sub_imm),
    // Logical (immediate).
    a64_row!("s0010010 0Nrrrrrrssssssnnnnnddddd", "and", logic_imm),
    a64_row!("s0110010 0Nrrrrrrssssssnnnnnddddd", "orr", logic_imm),
    a64_row!("s1010010 0Nrrrrrrssssssnnnnnddddd", "eor", logic_imm),
    a64_row!("s1110010 0Nrrrrrrssssssnnnnnddddd", "ands", logic_imm),
    // Move wide (immediate).
    a64_row!("s0010010 1hhiiiiiiiiiiiiiiiiddddd", "movn", move_wide),
    a64_row!("s1010010 1hhiiiiiiiiiiiiiiiiddddd", "movz", move_wide),
    a64_row!("s1110010 1hhiiiiiiiiiiiiiiiiddddd", "movk", move_wide),
    // Bitfield.
    a64_row!("s0010011 0Nrrrrrrssssssnnnnnddddd", "sbfm", bitfield),
    a64_row!("s0110011 0Nrrrrrrssssssnnnnnddddd", "bfm", bitfield),
    a64_row!("s1010011 0Nrrrrrrssssssnnnnnddddd", "ubfm", bitfield),
    // Extract.
    a64_row!("s0010011 1N0mmmmmssssssnnnnnddddd", "extr", extr),
];


fn adr(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let imm = sext((bits(insn, 5, 19) << 2) | bits(insn, 29, 2), 21);
    let v = if bit(insn, 31) {
        (ctx.pc & !0xfff).wrapping_add((imm << 12) as u64)
    } else {
        ctx.pc.wrapping_add(imm as u64)
    };
    let k = ctx.konst(Ty::I64, v);
    ctx.set_x(rd(insn), k);
    Ok(())
}

fn add_sub_imm(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let sf = bit(insn, 31);
    let sub = bit(insn, 30);
    let setflags = bit(insn, 29);
    let mut imm = bits(insn, 10, 12) as u64;
    if bit(insn, 22) {
        imm <<= 12;
    }
    let ty = sf_ty(sf);
    let a = ctx.x_sp(rn(insn), sf);
    let b = ctx.konst(ty, imm);
    let r = if sub { ctx.b.sub(a, b) } else { ctx.b.add(a, b) };
    if setflags {
        let one = ctx.konst(Ty::I8, sub as u64);
        let f = if sub { ctx.b.sub_nzcv(a, b, one) } else { ctx.b.add_nzcv(a, b, one) };
        ctx.set_nzcv(f);
        ctx.set_x(rd(insn), r);
    } else {
        ctx.set_x_sp(rd(insn), r);
    }
    Ok(())
}

fn ones(n: u32) -> u64 {
    if n >= 64 {
        u64::MAX
    } else {
        (1u64 << n) - 1
    }
}

fn ror(x: u64, r: u32, esize: u32) -> u64 {
    let x = x & ones(esize);
    if r == 0 {
        return x;
    }
    ((x >> r) | (x << (esize - r))) & ones(esize)
}

fn replicate(x: u64, esize: u32) -> u64 {
    let mut r = 0u64;
    let mut i = 0;
    while i < 64 {
        r |= x << i;
        i += esize;
    }
    r
}

/// Arm's DecodeBitMasks: (wmask, tmask) for 64-bit data (callers truncate for 32-bit).
/// `None` for a reserved encoding.
pub(super) fn decode_bit_masks(n: bool, imms: u32, immr: u32, immediate: bool) -> Option<(u64, u64)> {
    let combined = ((n as u32) << 6) | (!imms & 0x3f);
    if combined == 0 {
        return None;
    }
    let len = 31 - combined.leading_zeros();
    if len < 1 {
        return None;
    }
    let levels = (1u32 << len) - 1;
    if immediate && (imms & levels) == levels {
        return None;
    }
    let s = imms & levels;
    let r = immr & levels;
    let diff = s.wrapping_sub(r) & levels;
    let esize = 1u32 << len;
    let welem = ones(s + 1);
    let telem = ones(diff + 1);
    Some((replicate(ror(welem, r, esize), esize), replicate(telem, esize)))
}

fn logic_imm(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let sf = bit(insn, 31);
    let n = bit(insn, 22);
    if !sf && n {
        return Err(Undef::Unallocated);
    }
    let (wmask, _) = decode_bit_masks(n, bits(insn, 10, 6), bits(insn, 16, 6), true).ok_or(Undef::Unallocated)?;
    let ty = sf_ty(sf);
    let a = ctx.x(rn(insn), sf);
    let k = ctx.konst(ty, wmask);
    let opc = bits(insn, 29, 2);
    let r = match opc {
        0 | 3 => ctx.b.and(a, k),
        1 => ctx.b.or(a, k),
        _ => ctx.b.xor(a, k),
    };
    if opc == 3 {
        let f = ctx.b.logic_nzcv(r);
        ctx.set_nzcv(f);
        ctx.set_x(rd(insn), r);
    } else {
        ctx.set_x_sp(rd(insn), r);
    }
    Ok(())
}

fn move_wide(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let sf = bit(insn, 31);
    let hw = bits(insn, 21, 2);
    if !sf && hw >= 2 {
        return Err(Undef::Unallocated);
    }
    let pos = hw * 16;
    let imm = (bits(insn, 5, 16) as u64) << pos;
    let ty = sf_ty(sf);
    let r = match bits(insn, 29, 2) {
        0 => ctx.konst(ty, !imm),
        2 => ctx.konst(ty, imm),
        _ => {
            let old = ctx.x(rd(insn), sf);
            let keep = ctx.konst(ty, !(0xffffu64 << pos));
            let kept = ctx.b.and(old, keep);
            let k = ctx.konst(ty, imm);
            ctx.b.or(kept, k)
        }
    };
    ctx.set_x(rd(insn), r);
    Ok(())
}

fn bitfield(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let sf = bit(insn, 31);
    let n = bit(insn, 22);
    let immr = bits(insn, 16, 6);
    let imms = bits(insn, 10, 6);
    if sf != n || (!sf && (immr >= 32 || imms >= 32)) {
        return Err(Undef::Unallocated);
    }
    let (wmask, tmask) = decode_bit_masks(n, imms, immr, false).ok_or(Undef::Unallocated)?;
    let ty = sf_ty(sf);
    let width = ty.bits();
    let opc = bits(insn, 29, 2);
    let src = ctx.x(rn(insn), sf);

    // Common fast forms.
    if opc == 2 && imms >= immr {
        // UBFX (incl. LSR): (src >> immr) & ones(imms - immr + 1)
        let sh = ctx.konst(ty, immr as u64);
        let v = ctx.b.lshr(src, sh);
        let r = if imms == width - 1 {
            v
        } else {
            let k = ctx.konst(ty, ones(imms - immr + 1));
            ctx.b.and(v, k)
        };
        ctx.set_x(rd(insn), r);
        return Ok(());
    }
    if opc == 0 && imms >= immr {
        // SBFX (incl. ASR): shift the field to the top, then arithmetic shift down.
        let up = ctx.konst(ty, (width - 1 - imms) as u64);
        let v = ctx.b.shl(src, up);
        let down = ctx.konst(ty, (width - 1 - imms + immr) as u64);
        let r = ctx.b.ashr(v, down);
        ctx.set_x(rd(insn), r);
        return Ok(());
    }

    let rsh = ctx.konst(ty, immr as u64);
    let rot = ctx.b.bin(BinOp::Ror, src, rsh);
    let wk = ctx.konst(ty, wmask);
    let tk = ctx.konst(ty, tmask);
    let r = match opc {
        0 => {
            // SBFM: bits outside the field are copies of src<imms>.
            let bot = ctx.b.and(rot, wk);
            let up = ctx.konst(ty, (width - 1 - imms) as u64);
            let t = ctx.b.shl(src, up);
            let down = ctx.konst(ty, (width - 1) as u64);
            let top = ctx.b.ashr(t, down);
            let top = ctx.b.bin(BinOp::AndNot, top, tk);
            let bot = ctx.b.and(bot, tk);
            ctx.b.or(top, bot)
        }
        1 => {
            // BFM: insert into the destination.
            let dst = ctx.x(rd(insn), sf);
            let keep = ctx.b.bin(BinOp::AndNot, dst, wk);
            let ins = ctx.b.and(rot, wk);
            let bot = ctx.b.or(keep, ins);
            let hi = ctx.b.bin(BinOp::AndNot, dst, tk);
            let lo = ctx.b.and(bot, tk);
            ctx.b.or(hi, lo)
        }
        2 => {
            let bot = ctx.b.and(rot, wk);
            ctx.b.and(bot, tk)
        }
        _ => return Err(Undef::Unallocated),
    };
    ctx.set_x(rd(insn), r);
    Ok(())
}

fn extr(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let sf = bit(insn, 31);
    let n = bit(insn, 22);
    let lsb = bits(insn, 10, 6);
    if sf != n || (!sf && lsb >= 32) {
        return Err(Undef::Unallocated);
    }
    let ty = sf_ty(sf);
    let lo = ctx.x(rm(insn), sf);
    if lsb == 0 {
        ctx.set_x(rd(insn), lo);
        return Ok(());
    }
    let hi = ctx.x(rn(insn), sf);
    let r = if rn(insn) == rm(insn) {
        let k = ctx.konst(ty, lsb as u64);
        ctx.b.bin(BinOp::Ror, lo, k)
    } else {
        let k1 = ctx.konst(ty, lsb as u64);
        let a = ctx.b.lshr(lo, k1);
        let k2 = ctx.konst(ty, (ty.bits() - lsb) as u64);
        let b = ctx.b.shl(hi, k2);
        ctx.b.or(a, b)
    };
    ctx.set_x(rd(insn), r);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bitmasks() {
        // and x0, x1, #0xff  -> N=1 immr=0 imms=7
        assert_eq!(decode_bit_masks(true, 7, 0, true).unwrap().0, 0xff);
        // #0x5555555555555555: esize 2, S=0
        assert_eq!(decode_bit_masks(false, 0b111100, 0, true).unwrap().0, 0x5555_5555_5555_5555);
        // #0x8000000000000000: N=1 immr=1 imms=0
        assert_eq!(decode_bit_masks(true, 0, 1, true).unwrap().0, 0x8000_0000_0000_0000);
        // Reserved: all ones.
        assert!(decode_bit_masks(true, 0x3f, 0, true).is_none());
        assert!(decode_bit_masks(false, 0x3f, 0, true).is_none());
        assert!(decode_bit_masks(false, 0b111110, 0, true).is_none());
    }
}
