//! Host register conventions and the per-block register allocator.
//!
//! Pinned: `rbp` = guest CPU state, `r15` = guest_base, `rsp` = the JIT frame.
//! Scratch (never allocated, free for any op's internal use): `rax`, `rcx`, `rdx`.
//! Allocatable: callee-saved `rbx r12 r13 r14` first (they survive helper calls), then the
//! caller-saved `rsi rdi r8 r9 r10 r11`.
//!
//! Allocation is a linear scan over the straight-line SSA block: a value takes a register at
//! its definition and gives it back after its last use. When none is free, the value whose
//! last use is farthest away is spilled to a 16-byte frame slot. Constants are not allocated:
//! they become immediates at their uses.
//!
//! Vector (I128) values are allocated the same way over `xmm6`..`xmm15`, spilling to slots;
//! `xmm0`..`xmm5` are scratch for the emitters. Every xmm register is caller-saved, so calls
//! spill (or save around themselves) the live vector values.

use crate::ir::{Block, Terminal, Val};

pub const RAX: u8 = 0;
pub const RCX: u8 = 1;
pub const RDX: u8 = 2;

/// Allocation order: callee-saved first.
pub const ALLOCATABLE: [u8; 10] = [3, 12, 13, 14, 6, 7, 8, 9, 10, 11];

/// Allocatable xmm registers (for I128 values).
pub const XMM_ALLOCATABLE: [u8; 10] = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/// Registers a call to Rust code may clobber (among the allocatable ones).
pub const fn caller_saved(r: u8) -> bool {
    matches!(r, 6..=11)
}

/// Frame layout (offsets from rsp inside translated code).
pub const ARGS_OFF: i32 = 0; // 4 x u128 arguments for helper calls
pub const RESULT_OFF: i32 = 64; // u128 helper result
pub const SLOTS_OFF: i32 = 80; // spill slots, 16 bytes each
pub const MAX_SLOTS: u32 = 1024;
/// Bytes the entry trampoline reserves; ≡ 8 (mod 16) so rsp is 16-aligned after six pushes.
pub const FRAME_SIZE: i32 = SLOTS_OFF + 16 * MAX_SLOTS as i32 + 8;

/// Where a value lives right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loc {
    /// Not (yet / any more) available.
    None,
    Reg(u8),
    /// Byte offset from rsp.
    Slot(i32),
    /// A constant (scalars only).
    Imm(u64),
    /// An I128 value in an xmm register.
    Xmm(u8),
    /// An I128 value only in xmm0, read by the next instruction alone (see
    /// `Cg::only_next_reads_xmm0`).
    Transient,
}

pub struct Alloc {
    pub loc: Vec<Loc>,
    pub last_use: Vec<u32>,
    owner: [Option<u32>; 16],
    xowner: [Option<u32>; 16],
    free_slots: Vec<i32>,
    next_slot: u32,
    /// Registers that must not be taken while the current instruction is emitted.
    pub pinned: u16,
}

/// Too many simultaneously live spilled values for the frame.
#[derive(Debug)]
pub struct OutOfSlots;

impl Alloc {
    /// Compute last uses. `extra_uses` lists additional (user index, value) pairs, e.g. the
    /// operands of a flag computation that a fused condition re-evaluates.
    pub fn new(b: &Block, extra_uses: &[(u32, Val)]) -> Alloc {
        let n = b.insts.len();
        let mut last_use: Vec<u32> = (0..n as u32).collect();
        for (i, inst) in b.insts.iter().enumerate() {
            inst.op.for_each_arg(|a| last_use[a.0 as usize] = i as u32);
        }
        for &(i, v) in extra_uses {
            let lu = &mut last_use[v.0 as usize];
            *lu = (*lu).max(i);
        }
        let end = n as u32;
        match b.term {
            Terminal::Branch { cond, .. } => last_use[cond.0 as usize] = end,
            Terminal::Indirect { target, .. } => last_use[target.0 as usize] = end,
            _ => {}
        }
        Alloc { loc: vec![Loc::None; n], last_use, owner: [None; 16], xowner: [None; 16], free_slots: Vec::new(), next_slot: 0, pinned: 0 }
    }

    pub fn slot(&mut self) -> Result<i32, OutOfSlots> {
        if let Some(s) = self.free_slots.pop() {
            return Ok(s);
        }
        if self.next_slot >= MAX_SLOTS {
            return Err(OutOfSlots);
        }
        self.next_slot += 1;
        Ok(SLOTS_OFF + 16 * (self.next_slot as i32 - 1))
    }

    pub fn free_reg(&self) -> Option<u8> {
        ALLOCATABLE.iter().copied().find(|&r| self.owner[r as usize].is_none() && self.pinned & (1 << r) == 0)
    }

    /// A register to spill: the unpinned one whose value is needed farthest in the future.
    pub fn victim(&self) -> Option<(u8, u32)> {
        ALLOCATABLE
            .iter()
            .copied()
            .filter(|&r| self.pinned & (1 << r) == 0)
            .filter_map(|r| self.owner[r as usize].map(|v| (r, v)))
            .max_by_key(|&(_, v)| self.last_use[v as usize])
    }

    pub fn assign_reg(&mut self, v: u32, r: u8) {
        self.owner[r as usize] = Some(v);
        self.loc[v as usize] = Loc::Reg(r);
    }

    pub fn release_reg(&mut self, r: u8) {
        self.owner[r as usize] = None;
    }

    pub fn owner(&self, r: u8) -> Option<u32> {
        self.owner[r as usize]
    }

    pub fn free_xmm(&self) -> Option<u8> {
        XMM_ALLOCATABLE.iter().copied().find(|&r| self.xowner[r as usize].is_none())
    }

    /// An xmm register to spill: the one whose value is needed farthest in the future.
    pub fn xvictim(&self) -> Option<(u8, u32)> {
        XMM_ALLOCATABLE
            .iter()
            .copied()
            .filter_map(|r| self.xowner[r as usize].map(|v| (r, v)))
            .max_by_key(|&(_, v)| self.last_use[v as usize])
    }

    pub fn assign_xmm(&mut self, v: u32, r: u8) {
        self.xowner[r as usize] = Some(v);
        self.loc[v as usize] = Loc::Xmm(r);
    }

    pub fn release_xmm(&mut self, r: u8) {
        self.xowner[r as usize] = None;
    }

    pub fn xowner(&self, r: u8) -> Option<u32> {
        self.xowner[r as usize]
    }

    /// Values in xmm registers that are still needed after instruction `i`.
    pub fn live_xmm(&self, i: u32) -> Vec<(u8, u32)> {
        XMM_ALLOCATABLE
            .iter()
            .copied()
            .filter_map(|r| self.xowner[r as usize].map(|v| (r, v)))
            .filter(|&(_, v)| self.last_use[v as usize] > i)
            .collect()
    }

    /// Give back the storage of `v` (after its last use).
    pub fn kill(&mut self, v: u32) {
        match self.loc[v as usize] {
            Loc::Reg(r) if self.owner[r as usize] == Some(v) => self.owner[r as usize] = None,
            Loc::Xmm(r) if self.xowner[r as usize] == Some(v) => self.xowner[r as usize] = None,
            Loc::Slot(s) => self.free_slots.push(s),
            _ => {}
        }
        self.loc[v as usize] = Loc::None;
    }

    /// Values currently in caller-saved registers that are still needed after instruction `i`.
    pub fn live_caller_saved(&self, i: u32) -> Vec<(u8, u32)> {
        ALLOCATABLE
            .iter()
            .copied()
            .filter(|&r| caller_saved(r))
            .filter_map(|r| self.owner[r as usize].map(|v| (r, v)))
            .filter(|&(_, v)| self.last_use[v as usize] > i)
            .collect()
    }
}
