//! A64 to IR translation: the block loop and the register accessors every handler uses.
//! Handlers and their decode rows live in the sibling files, one instruction class each.

mod atomic;
mod branch;
mod crypto;
mod dp_imm;
mod dp_reg;
mod fp;
mod ldst;
mod simd;
mod simd_elem;
mod simd_fpx;
mod simd_dot;
mod simd_sat;
mod simd_ldst;
mod system;
pub(crate) use system::midr;
#[cfg(test)]
mod simd_tests;
#[cfg(test)]
mod tests_excl;
#[cfg(test)]
mod crypto_tests;
#[cfg(test)]
mod simd_sat_tests;

use super::decode::{self, Row, Undef};
use super::state;
use crate::guest::{CodeFetch, TranslateOpts};
use crate::ir::*;

/// Every decode table. Order does not matter: rows are sorted by specificity.
pub static TABLES: &[&[Row]] = &[
    atomic::ROWS,
    branch::ROWS,
    dp_imm::ROWS,
    dp_reg::ROWS,
    ldst::ROWS,
    system::ROWS,
    fp::ROWS,
    simd::ROWS,
    simd_elem::ROWS,
    simd_dot::ROWS,
    simd_ldst::ROWS,
    crypto::ROWS,
];

/// The integer type an `sf` bit selects: X registers (I64) or W registers (I32).
pub fn sf_ty(sf: bool) -> Ty {
    if sf {
        Ty::I64
    } else {
        Ty::I32
    }
}

/// Translation state for one block.
pub struct Ctx {
    pub b: Builder,
    /// Address of the instruction being translated.
    pub pc: u64,
    /// Set by a handler to end the block after the current instruction.
    pub end: Option<Terminal>,
}

impl Ctx {
    fn new(pc: u64) -> Ctx {
        Ctx { b: Builder::new(pc), pc, end: None }
    }

    /// End the block with `term` after this instruction.
    pub fn end_block(&mut self, term: Terminal) {
        self.end = Some(term);
    }

    /// Address of the next instruction.
    pub fn next_pc(&self) -> u64 {
        self.pc.wrapping_add(4)
    }

    pub fn konst(&mut self, ty: Ty, imm: u64) -> Val {
        self.b.konst(ty, imm)
    }

    /// Read X`n` (sf) or W`n` (!sf); register 31 reads as zero.
    pub fn x(&mut self, n: u32, sf: bool) -> Val {
        let ty = if sf { Ty::I64 } else { Ty::I32 };
        if n == 31 {
            return self.b.konst(ty, 0);
        }
        self.b.get(ty, state::xreg(n))
    }

    /// Read X`n`/W`n` where register 31 is SP.
    pub fn x_sp(&mut self, n: u32, sf: bool) -> Val {
        let ty = if sf { Ty::I64 } else { Ty::I32 };
        self.b.get(ty, state::xreg(n))
    }

    /// Write X`n`; a 32-bit value is zero-extended (W writes clear the top half). Register 31
    /// discards the write (XZR).
    pub fn set_x(&mut self, n: u32, v: Val) {
        if n == 31 {
            return;
        }
        self.set_x_sp(n, v)
    }

    /// Write X`n` where register 31 is SP.
    pub fn set_x_sp(&mut self, n: u32, v: Val) {
        let v = self.b.zext(v, Ty::I64);
        self.b.set(Ty::I64, state::xreg(n), v);
    }

    /// The NZCV flags (I32, bits 31..28).
    pub fn nzcv(&mut self) -> Val {
        self.b.get(Ty::I32, state::NZCV)
    }

    pub fn set_nzcv(&mut self, v: Val) {
        self.b.set(Ty::I32, state::NZCV, v);
    }

    /// Condition code `cond` (0..15) evaluated on the current flags, as an I8 boolean.
    pub fn cond(&mut self, cond: u32) -> Val {
        if cond >= 14 {
            return self.b.konst(Ty::I8, 1);
        }
        let f = self.nzcv();
        self.b.cond_holds(f, cond as u8)
    }

    /// Read the whole of V`n` (I128).
    pub fn v(&mut self, n: u32) -> Val {
        self.b.get(Ty::I128, state::vreg(n))
    }

    /// Write the whole of V`n` (I128).
    pub fn set_v(&mut self, n: u32, v: Val) {
        self.b.set(Ty::I128, state::vreg(n), v);
    }

    /// Read the low `ty` bits of V`n` (a scalar FP/SIMD register: B, H, S, D).
    pub fn vscalar(&mut self, n: u32, ty: Ty) -> Val {
        self.b.get(ty, state::vreg(n))
    }

    /// Write a scalar to V`n`, zeroing the rest of the register (as scalar FP writes do).
    pub fn set_vscalar(&mut self, n: u32, v: Val) {
        let w = self.b.zext(v, Ty::I128);
        self.set_v(n, w);
    }
}

/// Translate the block at `pc`.
pub fn translate_block(code: &dyn CodeFetch, pc: u64, opts: &TranslateOpts) -> Block {
    let mut ctx = Ctx::new(pc);
    loop {
        let at = ctx.pc;
        let Some(insn) = code.fetch32(at) else {
            let term = if ctx.b.ninsns() == 0 {
                Terminal::Trap { trap: Trap::FetchFault, pc: at }
            } else {
                Terminal::Jump { target: at }
            };
            return ctx.b.finish(term);
        };
        let mark = ctx.b.len();
        ctx.b.insn_start(at, 4);
        let res = match decode::lookup(insn) {
            Some(row) => (row.handler)(&mut ctx, insn),
            None => Err(Undef::Unallocated),
        };
        if res.is_err() {
            ctx.b.truncate(mark);
            ctx.b.insn_start(at, 4);
            return ctx.b.finish(Terminal::Trap { trap: Trap::Undefined { insn }, pc: at });
        }
        if let Some(term) = ctx.end.take() {
            return ctx.b.finish(term);
        }
        ctx.pc = at.wrapping_add(4);
        if ctx.b.ninsns() >= opts.max_insns {
            let next = ctx.pc;
            return ctx.b.finish(Terminal::Jump { target: next });
        }
    }
}

#[cfg(test)]
mod tests;
