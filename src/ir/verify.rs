//! Structural checks on a block: operands defined before use and producing values.

use super::*;

/// Check that every operand refers to an earlier value-producing instruction.
pub fn verify(b: &Block) -> Result<(), String> {
    let check = |at: usize, v: Val| -> Result<(), String> {
        let i = v.0 as usize;
        if i >= at {
            return Err(format!("inst {at} uses {v} before its definition"));
        }
        if !b.insts[i].op.has_result() {
            return Err(format!("inst {at} uses {v}, which produces no value"));
        }
        Ok(())
    };
    for (at, inst) in b.insts.iter().enumerate() {
        for &v in inst.op.args().iter() {
            check(at, v)?;
        }
    }
    match b.term {
        Terminal::Branch { cond, .. } => check(b.insts.len(), cond)?,
        Terminal::Indirect { target, .. } => check(b.insts.len(), target)?,
        _ => {}
    }
    Ok(())
}
