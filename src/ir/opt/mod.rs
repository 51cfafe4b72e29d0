//! Optimisation passes run on every translated block before a backend sees it.
//!
//! Two walks do all the work:
//! - a forward walk (`forward.rs`) that forwards guest-register values (a `GetReg` after a
//!   `SetReg`/`GetReg` of the same bytes reuses the known value; a narrower read of a known
//!   wider value becomes a truncation or a `Half`) and folds/simplifies pure integer ops:
//!   constant folding, algebraic identities, merged constant offsets, extension chains,
//!   compares of zero-extended values at the narrow width, Arm conditions on the flags of a
//!   plain compare or logical result turned into one `Cmp`, reuse of identical constants and
//!   pure integer/flag ops (CSE). It rebuilds the instruction list, so values it makes
//!   redundant are simply not emitted, and a branch on a known condition becomes a jump;
//! - a backward walk (`backward.rs`) that removes `SetReg`s overwritten before anything can
//!   observe them and instructions whose result is unused, then compacts the list.
//!
//! What counts as an observation of guest state: a `GetReg` reading any of the bytes, a
//! `Helper` not marked `pure` (helpers may read or write the state), every op that may fault (`Load`, `Store`,
//! `CmpXchg`, `AtomicRmw`, `Helper`: a fault needs the exact guest state in memory), and the
//! end of the block. Guest memory is assumed not to alias the CPU state.
//!
//! Constant folding uses the interpreter's own scalar semantics (`crate::interp::scalar`) so
//! the two cannot disagree.

mod backward;
mod cse;
mod forward;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_equiv;
#[cfg(test)]
mod tests_hot;
#[cfg(test)]
mod tests_ir_fuzz;

use super::*;

/// Run every pass on `block`: forwarding and folding in one forward walk, then dead `SetReg`
/// and dead code elimination in one backward walk. One round reaches the fixed point of these
/// passes (folding sees operands already simplified; deadness is decided after every use).
pub fn optimize(block: &mut Block) {
    forward::run(block, forward::Mode { forward: true, fold: true });
    backward::run(block, backward::Mode { dead_setreg: true, dce: true });
}

/// Guest-register forwarding only: a `GetReg` whose bytes were set (or read) earlier in the
/// block, with no overlapping `SetReg` or `Helper` in between, reuses that value (extracting
/// the low part of a wider value, or a 64-bit half of a vector, when the read is narrower).
pub fn forward_regs(block: &mut Block) {
    forward::run(block, forward::Mode { forward: true, fold: false });
}

/// Constant folding, local simplification and CSE only (no register forwarding).
pub fn fold(block: &mut Block) {
    forward::run(block, forward::Mode { forward: false, fold: true });
}

/// Remove `SetReg`s whose bytes are all overwritten by later `SetReg`s before any
/// observation (every `GetReg` counts as one here, used or not).
pub fn dead_setreg(block: &mut Block) {
    backward::run(block, backward::Mode { dead_setreg: true, dce: false });
}

/// Remove side-effect-free instructions whose result is unused, renumbering values.
pub fn dce(block: &mut Block) {
    backward::run(block, backward::Mode { dead_setreg: false, dce: true });
}

/// How an op interacts with guest state and the rest of the block.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Effect {
    /// No side effect: removable when unused.
    Pure,
    /// Reads guest state bytes (`GetReg`); removable when unused.
    ReadState,
    /// Writes guest state bytes (`SetReg`).
    WriteState,
    /// May fault or touches guest memory: never removed, observes all guest state.
    Memory,
    /// Arbitrary access to guest state and memory (`Helper`): never removed.
    Opaque,
    /// Never removed, no effect on guest state (`Fence`, `InsnStart`).
    Pinned,
}

/// Classify an op. The match is exhaustive so a new op needs a decision here.
#[inline]
pub(crate) fn effect(op: &Op) -> Effect {
    match op {
        Op::Const { .. }
        | Op::Bin { .. }
        | Op::Un { .. }
        | Op::Ext { .. }
        | Op::Cmp { .. }
        | Op::Select { .. }
        | Op::Pair { .. }
        | Op::Half { .. }
        | Op::AddNzcv { .. }
        | Op::SubNzcv { .. }
        | Op::LogicNzcv { .. }
        | Op::CondHolds { .. }
        | Op::VBin { .. }
        | Op::VUn { .. }
        | Op::VImm { .. }
        | Op::VIns { .. }
        | Op::VExt { .. }
        | Op::VDup { .. } => Effect::Pure,
        Op::GetReg { .. } => Effect::ReadState,
        Op::SetReg { .. } => Effect::WriteState,
        Op::Load { .. } | Op::Store { .. } | Op::CmpXchg { .. } | Op::AtomicRmw { .. } => Effect::Memory,
        Op::Helper { id, .. } if id.0.pure => Effect::Pure,
        Op::Helper { .. } => Effect::Opaque,
        Op::Fence { .. } | Op::InsnStart { .. } => Effect::Pinned,
        // FP ops raise cumulative flags and depend on the FP control word (`ir::fpenv`,
        // which a helper may change): kept, in order, even when unused.
        Op::FBin { .. }
        | Op::VFBin { .. }
        | Op::VFMulAdd { .. }
        | Op::VFCmp { .. }
        | Op::FUn { .. }
        | Op::FMulAdd { .. }
        | Op::FCmpNzcv { .. }
        | Op::FCvt { .. }
        | Op::IToF { .. }
        | Op::FToI { .. } => Effect::Pinned,
    }
}

/// Byte range `[off, off + ty.bytes())` of guest state.
fn range(off: u32, ty: Ty) -> (u32, u32) {
    (off, off + ty.bytes() as u32)
}

/// Whether two byte ranges intersect.
fn overlaps(a: (u32, u32), b: (u32, u32)) -> bool {
    a.0 < b.1 && b.0 < a.1
}
