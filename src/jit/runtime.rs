//! What translated code calls and returns to: the entry trampoline, exit kinds, and the Rust
//! functions and tables that generated code refers to by absolute address.

use super::regs::FRAME_SIZE;
use crate::interp::{Interp, CURRENT_PC};
use crate::ir::{Op, Trap};
use dynasmrt::x64::X64Relocation;
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi, VecAssembler};
use std::sync::OnceLock;

/// Why translated code returned to the dispatcher (in rax; rdx holds the auxiliary word).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum ExitKind {
    /// A direct jump whose target is not linked yet; aux = the rel32 field to patch.
    Jump = 1,
    /// An indirect branch that missed the lookup table; pc is in the state.
    Indirect = 2,
    Syscall = 3,
    /// aux = `encode_trap`.
    Trap = 4,
    /// The exit-request flag was set at a block entry; pc is that block's.
    ExitRequest = 5,
    /// A guest memory access faulted: the host fault handler resumed at the trampoline's
    /// fault path (`Trampoline::fault_off`) and recorded the details (`access::take_fault`).
    Fault = 6,
}

impl ExitKind {
    pub fn from_raw(x: u64) -> Option<ExitKind> {
        Some(match x {
            1 => ExitKind::Jump,
            2 => ExitKind::Indirect,
            3 => ExitKind::Syscall,
            4 => ExitKind::Trap,
            5 => ExitKind::ExitRequest,
            6 => ExitKind::Fault,
            _ => return None,
        })
    }
}

pub fn encode_trap(t: Trap) -> u64 {
    match t {
        Trap::Undefined { insn } => insn as u64,
        Trap::Breakpoint { imm } => (1 << 32) | imm as u64,
        Trap::FetchFault => 2 << 32,
    }
}

pub fn decode_trap(x: u64) -> Trap {
    match x >> 32 {
        0 => Trap::Undefined { insn: x as u32 },
        1 => Trap::Breakpoint { imm: x as u32 },
        _ => Trap::FetchFault,
    }
}

/// The two words translated code returns in rax:rdx.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ExitPair {
    pub kind: u64,
    pub aux: u64,
}

/// The trampoline: runs translated code at `code` on `state`; stores its frame's stack pointer
/// at `rsp_slot` (a thread-local the fault handler reads, see `Trampoline::fault_off`).
pub type EntryFn = unsafe extern "C" fn(state: *mut u8, code: usize, guest_base: usize, rsp_slot: *mut usize) -> ExitPair;

/// The shared entry/exit code, right after the indirect-branch table in the code region.
pub struct Trampoline {
    pub code: Vec<u8>,
    /// Offset of the entry (the `EntryFn`).
    pub entry_off: usize,
    /// Offset of the exit path: eax = ExitKind, rdx = aux.
    pub exit_off: usize,
    /// Offset of the path the host fault handler resumes a faulting guest access at, with rsp
    /// set back to the value the entry stored at `rsp_slot`: exits with `ExitKind::Fault`.
    pub fault_off: usize,
}

/// Assemble the entry trampoline and the shared exit paths for address `at`. The path that
/// exits as an indirect-table miss (pc already in the state) is at offset 0: an empty table
/// entry (offset 0 from here) leads to it.
pub fn trampoline(at: usize) -> Trampoline {
    let mut a: VecAssembler<X64Relocation> = VecAssembler::new(at);
    let entry = a.new_dynamic_label();
    let exit = a.new_dynamic_label();
    let fault = a.new_dynamic_label();
    let indirect = ExitKind::Indirect as i32;
    let faulted = ExitKind::Fault as i32;
    dynasm!(a ; .arch x64
        ; mov eax, indirect
        ; xor edx, edx
        ; jmp =>exit
        ; .align 16
        ; =>entry
        ; push rbx ; push rbp ; push r12 ; push r13 ; push r14 ; push r15
        ; sub rsp, FRAME_SIZE
        ; mov rbp, rdi
        ; mov r15, rdx
        ; mov [rcx], rsp
        ; jmp rsi
        ; .align 16
        ; =>fault
        ; mov eax, faulted
        ; xor edx, edx
        ; jmp =>exit
        ; .align 16
        ; =>exit
        ; add rsp, FRAME_SIZE
        ; pop r15 ; pop r14 ; pop r13 ; pop r12 ; pop rbp ; pop rbx
        ; ret
    );
    let entry_off = a.labels().resolve_dynamic(entry).expect("entry label").0;
    let exit_off = a.labels().resolve_dynamic(exit).expect("exit label").0;
    let fault_off = a.labels().resolve_dynamic(fault).expect("fault label").0;
    Trampoline { code: a.finalize().expect("trampoline assembles"), entry_off, exit_off, fault_off }
}

/// Runs one IR op with the interpreter's semantics on behalf of translated code.
///
/// # Safety
/// Called only from translated code: `op` points to a live op whose operands are
/// `Val(0..n)`, `args` to four u128 arguments, `st` to the guest state.
pub unsafe extern "C" fn jit_eval(op: *const Op, args: *const u128, st: *mut u8, base: usize, out: *mut u128, pc: u64) {
    CURRENT_PC.with(|c| c.set(pc));
    let vals = std::slice::from_raw_parts(args, 4);
    out.write(Interp::eval(&*op, vals, st, base));
}

/// `COND_TABLE[cond * 16 + nzcv]` = whether Arm condition `cond` holds for flags `nzcv`.
fn cond_table() -> &'static [u8; 256] {
    static T: OnceLock<Box<[u8; 256]>> = OnceLock::new();
    T.get_or_init(|| {
        let mut t = Box::new([0u8; 256]);
        for cond in 0..16u8 {
            for f in 0..16u32 {
                let holds = crate::interp::cond_holds(f << 28, cond);
                t[cond as usize * 16 + f as usize] = holds as u8;
            }
        }
        t
    })
}

pub fn cond_table_addr() -> usize {
    cond_table().as_ptr() as usize
}

/// A pshufb mask reversing 16 bytes.
pub fn bswap128_mask_addr() -> usize {
    #[repr(align(16))]
    struct M([u8; 16]);
    static MASK: M = M([15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    MASK.0.as_ptr() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cond_table_spot_checks() {
        let t = cond_table();
        let at = |cond: usize, nzcv: usize| t[cond * 16 + nzcv] != 0;
        assert!(at(0, 0b0100) && !at(0, 0)); // EQ: Z
        assert!(at(8, 0b0010) && !at(8, 0b0110)); // HI: C && !Z
        assert!(at(10, 0b1001) && !at(10, 0b1000)); // GE: N == V
        assert!((0..16).all(|f| at(14, f) && at(15, f))); // AL, NV
    }

    #[test]
    fn traps_round_trip() {
        for t in [Trap::Undefined { insn: 0xdead_beef }, Trap::Breakpoint { imm: 7 }, Trap::FetchFault] {
            assert_eq!(decode_trap(encode_trap(t)), t);
        }
    }
}
