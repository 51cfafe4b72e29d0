//! The reference interpreter of the IR. It is the referee for the JIT, so it favours being
//! obviously right over being fast.

pub mod crypto;
mod fp;
mod fp_soft;
pub(crate) mod scalar;
mod vec;
mod vec_arith;

use crate::ir::*;
use std::cell::{Cell, RefCell};

/// How a block left the interpreter. The guest pc in the state is already set for `Next`.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Exit {
    /// Continue at the pc in the state.
    Next,
    /// Perform a syscall; the pc in the state is the instruction after it.
    Syscall,
    /// Raise a guest exception; the pc in the state is the faulting instruction.
    Trap(Trap),
    /// A guest memory access faulted; the pc in the state is the faulting instruction, the
    /// rest of the state is exact there, and `access::take_fault` has the details.
    Fault,
}

thread_local! {
    /// Guest pc of the instruction being executed, for fault reports.
    pub static CURRENT_PC: Cell<u64> = const { Cell::new(0) };
    /// When set, every store records (address, size, previous bytes) so a caller can undo it
    /// (the crosscheck backend runs each block twice).
    static STORE_LOG: RefCell<Option<Vec<StoreRecord>>> = const { RefCell::new(None) };
    /// Set by a memory op whose access faulted (its value is then meaningless).
    static MEM_FAULT: Cell<bool> = const { Cell::new(false) };
}

/// Note that a guest memory access of the op being evaluated faulted.
#[cold]
fn mem_fault() -> u128 {
    MEM_FAULT.with(|f| f.set(true));
    0
}

/// Whether a memory op faulted since the last call (and clear it).
pub fn take_mem_fault() -> bool {
    MEM_FAULT.with(|f| f.replace(false))
}

/// One logged store: guest address, size in bytes, and the memory's previous contents.
#[derive(Clone, Copy, Debug)]
pub struct StoreRecord {
    pub addr: u64,
    pub size: usize,
    pub old: u128,
}

/// Start logging this thread's interpreted stores.
pub fn start_store_log() {
    STORE_LOG.with(|l| *l.borrow_mut() = Some(Vec::new()));
}

/// Stop logging and return the records, oldest first.
pub fn take_store_log() -> Vec<StoreRecord> {
    STORE_LOG.with(|l| l.borrow_mut().take()).unwrap_or_default()
}

#[inline]
unsafe fn log_store(base: usize, addr: u64, ty: Ty) {
    if !STORE_LOG.with(|l| l.borrow().is_some()) {
        return;
    }
    // Read the old bytes before borrowing the log: the read faults where the store would,
    // and a fault must not leave the log borrowed (a vfork child that dies of it shares this
    // thread-local state with its parent). An unreadable address faults in the store itself,
    // right after.
    let p = (base as u64).wrapping_add(addr) as *const u8;
    let Ok(old) = scalar::guest_read(p, ty) else { return };
    STORE_LOG.with(|l| {
        if let Some(log) = l.borrow_mut().as_mut() {
            log.push(StoreRecord { addr, size: ty.bytes(), old });
        }
    });
}

/// Whether Arm condition `cond` (0..15) holds for flags `nzcv` (bits 31..28).
pub fn cond_holds(nzcv: u32, cond: u8) -> bool {
    scalar::cond_holds(nzcv, cond)
}

/// Reusable value storage so running a block does not allocate.
#[derive(Default)]
pub struct Interp {
    vals: Vec<u128>,
}

/// The commonest integer ops of one width in machine words rather than through
/// `scalar::bin`'s 128-bit arithmetic (the same results: `bin` masks operands and result to
/// the width); None for the other ops.
macro_rules! word_bin {
    ($name:ident, $t:ty) => {
        #[inline(always)]
        fn $name(op: BinOp, x: $t, y: $t) -> Option<u128> {
            Some(match op {
                BinOp::Add => x.wrapping_add(y),
                BinOp::Sub => x.wrapping_sub(y),
                BinOp::And => x & y,
                BinOp::Or => x | y,
                BinOp::Xor => x ^ y,
                BinOp::AndNot => x & !y,
                BinOp::Shl => x << (y & (<$t>::BITS - 1) as $t),
                BinOp::Lshr => x >> (y & (<$t>::BITS - 1) as $t),
                _ => return None,
            } as u128)
        }
    };
}
word_bin!(bin64, u64);
word_bin!(bin32, u32);

/// Mask a value to its type.
#[inline]
fn m(v: u128, ty: Ty) -> u128 {
    v & ty.mask()
}

impl Interp {
    pub fn new() -> Interp {
        Interp { vals: Vec::with_capacity(256) }
    }

    /// Run one block against the state at `st` with guest memory at `base`.
    ///
    /// # Safety
    /// `st` must point to a guest CPU state of the layout the block was translated for, and
    /// guest memory accesses go to `base + addr` (faults are caught by the host signal handler).
    pub unsafe fn run(&mut self, b: &Block, st: *mut u8, base: usize, pc_off: usize) -> Exit {
        let vals = &mut self.vals;
        // Every value is written before it is read (SSA), so stale contents are harmless.
        if vals.len() < b.insts.len() {
            vals.resize(b.insts.len(), 0);
        }
        let set_pc = |pc: u64| (st.add(pc_off) as *mut u64).write_unaligned(pc);
        for (i, inst) in b.insts.iter().enumerate() {
            // The ops most blocks consist of are evaluated here, without a call; the rest
            // (and the atomics, whose faults `eval` reports through MEM_FAULT) go to `eval`.
            let v = |x: Val| vals[x.0 as usize];
            let r = match inst.op {
                Op::InsnStart { pc, .. } => {
                    CURRENT_PC.with(|c| c.set(pc));
                    0
                }
                Op::Const { imm, .. } => imm.get(),
                Op::GetReg { ty, off } => scalar::read_raw(st.add(off as usize), ty),
                Op::SetReg { v: x, ty, off } => {
                    scalar::write_raw(st.add(off as usize), ty, v(x));
                    0
                }
                Op::Bin { a, b, op, ty: Ty::I64 } => bin64(op, v(a) as u64, v(b) as u64).unwrap_or_else(|| scalar::bin(op, Ty::I64, v(a), v(b))),
                Op::Bin { a, b, op, ty: Ty::I32 } => bin32(op, v(a) as u32, v(b) as u32).unwrap_or_else(|| scalar::bin(op, Ty::I32, v(a), v(b))),
                Op::Bin { a, b, op, ty } => scalar::bin(op, ty, v(a), v(b)),
                Op::Load { addr, ty, be } => match scalar::guest_read((base as u64).wrapping_add(v(addr) as u64) as *const u8, ty) {
                    Ok(x) if be => scalar::swap(x, ty),
                    Ok(x) => x,
                    Err(_) => return Self::faulted(set_pc),
                },
                Op::Store { addr, v: x, ty, be } => {
                    log_store(base, v(addr) as u64, ty);
                    let x = if be { scalar::swap(v(x), ty) } else { v(x) };
                    match scalar::guest_write((base as u64).wrapping_add(v(addr) as u64) as *mut u8, ty, x) {
                        Ok(()) => 0,
                        Err(_) => return Self::faulted(set_pc),
                    }
                }
                ref op => {
                    let r = Self::eval_cold(op, vals, st, base);
                    if matches!(op, Op::CmpXchg { .. } | Op::AtomicRmw { .. }) && take_mem_fault() {
                        return Self::faulted(set_pc);
                    }
                    r
                }
            };
            vals[i] = r;
        }
        match b.term {
            Terminal::Jump { target } => {
                set_pc(target);
                Exit::Next
            }
            Terminal::Branch { cond, taken, not_taken } => {
                set_pc(if vals[cond.0 as usize] != 0 { taken } else { not_taken });
                Exit::Next
            }
            Terminal::Indirect { target, .. } => {
                set_pc(vals[target.0 as usize] as u64);
                Exit::Next
            }
            Terminal::Syscall { next_pc } => {
                set_pc(next_pc);
                Exit::Syscall
            }
            Terminal::Trap { trap, pc } => {
                set_pc(pc);
                Exit::Trap(trap)
            }
        }
    }

    /// A guest memory access of the running instruction faulted: the pc is that
    /// instruction's.
    #[cold]
    fn faulted(set_pc: impl Fn(u64)) -> Exit {
        set_pc(CURRENT_PC.with(|c| c.get()));
        Exit::Fault
    }

    /// `eval`, kept out of `run`'s loop (whose common ops stay small without the rare
    /// ones' frame).
    #[inline(never)]
    unsafe fn eval_cold(op: &Op, vals: &[u128], st: *mut u8, base: usize) -> u128 {
        Self::eval(op, vals, st, base)
    }

    /// Evaluate one op whose operands are looked up in `vals` (indexed by `Val`).
    ///
    /// # Safety
    /// As for `run`: `st` is a guest state of the right layout, memory is at `base`.
    #[inline]
    pub unsafe fn eval(op: &Op, vals: &[u128], st: *mut u8, base: usize) -> u128 {
        let v = |x: Val| vals[x.0 as usize];
        match *op {
            Op::Const { imm, .. } => imm.get(),
            Op::GetReg { ty, off } => scalar::read_raw(st.add(off as usize), ty),
            Op::SetReg { v: x, ty, off } => {
                scalar::write_raw(st.add(off as usize), ty, v(x));
                0
            }
            Op::Bin { a, b, op, ty } => scalar::bin(op, ty, v(a), v(b)),
            Op::Un { a, op, ty } => scalar::un(op, ty, v(a)),
            Op::Ext { a, from, to, signed } => {
                let x = m(v(a), from);
                if signed && from < to {
                    m(scalar::sext(x, from) as u128, to)
                } else {
                    m(x, to)
                }
            }
            Op::Cmp { a, b, cc, ty } => scalar::cmp(cc, ty, v(a), v(b)) as u128,
            Op::Select { c, a, b, .. } => {
                if v(c) != 0 {
                    v(a)
                } else {
                    v(b)
                }
            }
            Op::Pair { lo, hi } => (v(lo) as u64 as u128) | ((v(hi) as u64 as u128) << 64),
            Op::Half { a, hi } => {
                if hi {
                    v(a) >> 64
                } else {
                    v(a) as u64 as u128
                }
            }
            Op::AddNzcv { a, b, cin, ty } => scalar::add_nzcv(ty, v(a), v(b), v(cin)) as u128,
            Op::SubNzcv { a, b, cin, ty } => scalar::add_nzcv(ty, v(a), m(!v(b), ty), v(cin)) as u128,
            Op::LogicNzcv { a, ty } => scalar::logic_nzcv(ty, v(a)) as u128,
            Op::CondHolds { nzcv, cond } => scalar::cond_holds(v(nzcv) as u32, cond) as u128,
            // Guest memory goes through `access`: a fault sets MEM_FAULT (see `run`).
            Op::Load { addr, ty, be } => match scalar::guest_read((base as u64).wrapping_add(v(addr) as u64) as *const u8, ty) {
                Ok(x) if be => scalar::swap(x, ty),
                Ok(x) => x,
                Err(_) => mem_fault(),
            },
            Op::Store { addr, v: x, ty, be } => {
                log_store(base, v(addr) as u64, ty);
                let x = if be { scalar::swap(v(x), ty) } else { v(x) };
                match scalar::guest_write((base as u64).wrapping_add(v(addr) as u64) as *mut u8, ty, x) {
                    Ok(()) => 0,
                    Err(_) => mem_fault(),
                }
            }
            Op::CmpXchg { addr, expected, new, enable, ty, be } => {
                let p = (base as u64).wrapping_add(v(addr) as u64) as *mut u8;
                if v(enable) == 0 {
                    m(!v(expected), ty)
                } else {
                    log_store(base, v(addr) as u64, ty);
                    scalar::cmpxchg(p, ty, be, v(expected), v(new)).unwrap_or_else(|_| mem_fault())
                }
            }
            Op::AtomicRmw { addr, v: x, op, ty, be } => {
                log_store(base, v(addr) as u64, ty);
                let p = (base as u64).wrapping_add(v(addr) as u64) as *mut u8;
                scalar::atomic_rmw(p, op, ty, be, v(x)).unwrap_or_else(|_| mem_fault())
            }
            Op::Fence { kind } => {
                if kind == FenceKind::Full {
                    std::sync::atomic::fence(std::sync::atomic::Ordering::SeqCst);
                }
                0
            }
            Op::FBin { a, b, op, ty } => fp::fbin(op, ty, v(a), v(b)),
            Op::FUn { a, op, ty } => fp::fun(op, ty, v(a)),
            Op::FMulAdd { a, b, c, ty, neg_p, neg_c } => fp::fmuladd(ty, v(a), v(b), v(c), neg_p, neg_c),
            Op::FCmpNzcv { a, b, ty, signal } => fp::fcmp_nzcv(ty, v(a), v(b), signal) as u128,
            Op::FCvt { a, from, to } => fp::fcvt(from, to, v(a)),
            Op::IToF { a, from, to, signed, fbits } => fp::itof(from, to, signed, fbits, v(a)),
            Op::FToI { a, from, to, signed, round, fbits } => fp::ftoi(from, to, signed, round, fbits, v(a)),
            Op::VBin { a, b, op, esize } => vec::vbin(op, esize, v(a), v(b)),
            Op::VUn { a, op, esize } => vec::vun(op, esize, v(a)),
            Op::VImm { a, op, esize, imm } => vec::vimm(op, esize, imm, v(a)),
            Op::VIns { a, v: x, esize, lane } => vec::ins(v(a), esize, lane, v(x)),
            Op::VExt { a, esize, lane, .. } => vec::lane(v(a), esize, lane as usize),
            Op::VDup { v: x, esize } => vec::dup(esize, v(x)),
            Op::VFBin { a, b, op, esize, half } => fp::vfbin(op, esize, half, v(a), v(b)),
            Op::VFMulAdd { a, b, c, esize, neg_p, half } => fp::vfmuladd(esize, half, v(a), v(b), v(c), neg_p),
            Op::VFCmp { a, b, cond, esize, half } => fp::vfcmp(cond, esize, half, v(a), v(b)),
            Op::Helper { a0, a1, a2, id, ty } => {
                let mut ctx = HelperCtx { state: st, guest_base: base };
                m((id.0.func)(&mut ctx, [v(a0), v(a1), v(a2)]), ty)
            }
            Op::InsnStart { pc, .. } => {
                CURRENT_PC.with(|c| c.set(pc));
                0
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The machine-word fast paths agree with `scalar::bin` on every op they take, at both
    /// widths, including shift amounts beyond the width and operands with high garbage bits.
    #[test]
    fn word_ops_agree_with_the_reference() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let ops = [BinOp::Add, BinOp::Sub, BinOp::And, BinOp::Or, BinOp::Xor, BinOp::AndNot, BinOp::Shl, BinOp::Lshr];
        for _ in 0..20_000 {
            let (x, y) = (next(), if next() & 1 == 0 { next() } else { next() % 80 });
            for op in ops {
                assert_eq!(bin64(op, x, y), Some(scalar::bin(op, Ty::I64, x as u128, y as u128)), "{op:?} {x:#x} {y:#x}");
                assert_eq!(bin32(op, x as u32, y as u32), Some(scalar::bin(op, Ty::I32, x as u128, y as u128)), "{op:?} {x:#x} {y:#x}");
            }
        }
        assert_eq!(bin64(BinOp::Mul, 3, 4), None);
    }
}
