//! The shared intermediate representation: guest frontends produce it, the interpreter and the
//! JIT consume it. It knows nothing of guests, backends or Linux.

mod builder;
pub mod fpenv;
mod ops;
pub mod opt;
mod print;
mod types;
mod verify;

pub use builder::Builder;
pub use ops::{ArgList, Op};
pub use types::*;
pub use verify::verify;

/// An SSA value: the index of the instruction that defines it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Val(pub u32);

impl std::fmt::Display for Val {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "v{}", self.0)
    }
}

/// One instruction. Its result (if any) is `Val(index)`, of type `ty()`.
#[derive(Clone, Debug, PartialEq)]
pub struct Inst {
    pub op: Op,
}

impl Inst {
    pub fn new(op: Op) -> Inst {
        Inst { op }
    }

    /// Result type (meaningless when the op produces no value).
    #[inline]
    pub fn ty(&self) -> Ty {
        self.op.result_ty()
    }
}

/// Why a block raises a guest exception.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trap {
    /// Undefined or unimplemented instruction (`insn` is its encoding) -> SIGILL.
    Undefined { insn: u32 },
    /// Breakpoint instruction (BRK #imm, tw) -> SIGTRAP.
    Breakpoint { imm: u32 },
    /// Instruction fetch from an unmapped or non-executable address -> SIGSEGV.
    FetchFault,
}

/// The single way a block ends.
#[derive(Clone, Debug, PartialEq)]
pub enum Terminal {
    /// Continue at a known guest address (chainable).
    Jump { target: u64 },
    /// `cond` (I8) != 0 ? `taken` : `not_taken`.
    Branch { cond: Val, taken: u64, not_taken: u64 },
    /// Continue at a computed guest address.
    Indirect { target: Val, kind: IndirectKind },
    /// Perform a system call, then continue at `next_pc`.
    Syscall { next_pc: u64 },
    /// Raise a guest exception for the instruction at `pc`.
    Trap { trap: Trap, pc: u64 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndirectKind {
    Jump,
    Call,
    Return,
}

/// A translated guest block.
#[derive(Clone, Debug)]
pub struct Block {
    /// Guest address of the first instruction.
    pub pc: u64,
    /// Guest bytes covered by the block (for invalidation).
    pub guest_len: u32,
    /// Number of guest instructions.
    pub ninsns: u32,
    pub insts: Vec<Inst>,
    pub term: Terminal,
}

impl Block {
    /// Drop the block, handing its instruction buffer to the next translation on this thread.
    pub fn recycle(self) {
        builder::recycle(self.insts);
    }

    /// Give a block that is being kept exactly the memory it needs (a fresh block owns the
    /// translator's buffer, which is recycled).
    pub fn compact(&mut self) {
        if self.insts.capacity() > self.insts.len() {
            let exact = self.insts.to_vec();
            builder::recycle(std::mem::replace(&mut self.insts, exact));
        }
    }

    pub fn ty_of(&self, v: Val) -> Ty {
        self.insts[v.0 as usize].ty()
    }
}

#[cfg(test)]
#[test]
fn instructions_stay_small() {
    // Blocks live in caches; see `Imm`. The result type is the op's (`Op::result_ty`), not
    // stored: that took an `Inst` from 24 bytes to 32.
    assert_eq!(std::mem::size_of::<Op>(), 24);
    assert_eq!(std::mem::size_of::<Inst>(), 24);
}
