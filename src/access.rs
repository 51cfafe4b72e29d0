//! Guest memory accesses made by Rust code (the interpreter, system calls, signal frames),
//! through tiny assembly routines whose faults are recoverable.
//!
//! Rust code must never touch guest memory with plain loads and stores: another guest thread
//! may unmap the page at any moment, and a host fault inside a Rust frame cannot be turned
//! into anything sound. Each routine here is a leaf function of a few instructions; when one
//! of them faults, the host signal handler (`exec::fault`) sees the faulting rip inside
//! `[ruser_acc_begin, ruser_acc_end)`, records the fault and resumes at a fixup label that
//! returns an error (the exception-table scheme of the kernel's `copy_from_user`).
//!
//! Every routine returns `Ret { val, err }` in rax:rdx; `err` is nonzero after a fault.
//! Pointers are host addresses (guest address + guest_base).

use std::arch::global_asm;

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Ret {
    pub val: u64,
    pub err: u64,
}

global_asm!(
    ".pushsection .text.ruser_access,\"ax\",@progbits",
    ".p2align 4",
    ".globl ruser_acc_begin",
    "ruser_acc_begin:",
    // loads: rdi = address
    ".globl ruser_acc_ld8",
    "ruser_acc_ld8:",
    "    xor edx, edx",
    "    movzx eax, byte ptr [rdi]",
    "    ret",
    ".globl ruser_acc_ld16",
    "ruser_acc_ld16:",
    "    xor edx, edx",
    "    movzx eax, word ptr [rdi]",
    "    ret",
    ".globl ruser_acc_ld32",
    "ruser_acc_ld32:",
    "    xor edx, edx",
    "    mov eax, dword ptr [rdi]",
    "    ret",
    ".globl ruser_acc_ld64",
    "ruser_acc_ld64:",
    "    xor edx, edx",
    "    mov rax, qword ptr [rdi]",
    "    ret",
    // rdi = address, rsi = where to put the 16 bytes
    ".globl ruser_acc_ld128",
    "ruser_acc_ld128:",
    "    mov rax, qword ptr [rdi]",
    "    mov rdx, qword ptr [rdi + 8]",
    "    mov qword ptr [rsi], rax",
    "    mov qword ptr [rsi + 8], rdx",
    "    xor edx, edx",
    "    ret",
    // stores: rdi = address, rsi = value (rdx = high half for 128)
    ".globl ruser_acc_st8",
    "ruser_acc_st8:",
    "    mov byte ptr [rdi], sil",
    "    xor eax, eax",
    "    xor edx, edx",
    "    ret",
    ".globl ruser_acc_st16",
    "ruser_acc_st16:",
    "    mov word ptr [rdi], si",
    "    xor eax, eax",
    "    xor edx, edx",
    "    ret",
    ".globl ruser_acc_st32",
    "ruser_acc_st32:",
    "    mov dword ptr [rdi], esi",
    "    xor eax, eax",
    "    xor edx, edx",
    "    ret",
    ".globl ruser_acc_st64",
    "ruser_acc_st64:",
    "    mov qword ptr [rdi], rsi",
    "    xor eax, eax",
    "    xor edx, edx",
    "    ret",
    ".globl ruser_acc_st128",
    "ruser_acc_st128:",
    "    mov qword ptr [rdi], rsi",
    "    mov qword ptr [rdi + 8], rdx",
    "    xor eax, eax",
    "    xor edx, edx",
    "    ret",
    // compare-and-swap: rdi = address, rsi = expected, rdx = new; val = old value
    ".globl ruser_acc_cas8",
    "ruser_acc_cas8:",
    "    mov eax, esi",
    "    lock cmpxchg byte ptr [rdi], dl",
    "    movzx eax, al",
    "    xor edx, edx",
    "    ret",
    ".globl ruser_acc_cas16",
    "ruser_acc_cas16:",
    "    mov eax, esi",
    "    lock cmpxchg word ptr [rdi], dx",
    "    movzx eax, ax",
    "    xor edx, edx",
    "    ret",
    ".globl ruser_acc_cas32",
    "ruser_acc_cas32:",
    "    mov eax, esi",
    "    lock cmpxchg dword ptr [rdi], edx",
    "    xor edx, edx",
    "    ret",
    ".globl ruser_acc_cas64",
    "ruser_acc_cas64:",
    "    mov rax, rsi",
    "    lock cmpxchg qword ptr [rdi], rdx",
    "    xor edx, edx",
    "    ret",
    // byte copy: rdi = destination, rsi = source, rdx = length
    ".globl ruser_acc_copy",
    "ruser_acc_copy:",
    "    mov rcx, rdx",
    "    rep movsb",
    "    xor eax, eax",
    "    xor edx, edx",
    "    ret",
    // 16-byte compare-and-swap (16-byte aligned address): rdi = address, rsi:rdx = expected
    // (low:high), rcx:r8 = new, r9 = where to put the old value. rbx is saved in r11.
    ".globl ruser_acc_cas128_begin",
    "ruser_acc_cas128_begin:",
    ".globl ruser_acc_cas128",
    "ruser_acc_cas128:",
    "    mov r11, rbx",
    "    mov rax, rsi",
    "    mov rbx, rcx",
    "    mov rcx, r8",
    "    lock cmpxchg16b xmmword ptr [rdi]",
    "    mov rbx, r11",
    "    mov qword ptr [r9], rax",
    "    mov qword ptr [r9 + 8], rdx",
    "    xor edx, edx",
    "    ret",
    ".globl ruser_acc_cas128_end",
    "ruser_acc_cas128_end:",
    ".globl ruser_acc_end",
    "ruser_acc_end:",
    // Where the fault handler resumes a faulting routine.
    ".globl ruser_acc_fixup",
    "ruser_acc_fixup:",
    "    xor eax, eax",
    "    mov edx, 1",
    "    ret",
    ".globl ruser_acc_fixup128",
    "ruser_acc_fixup128:",
    "    mov rbx, r11",
    "    xor eax, eax",
    "    mov edx, 1",
    "    ret",
    ".popsection",
);

extern "C" {
    fn ruser_acc_begin();
    fn ruser_acc_end();
    fn ruser_acc_cas128_begin();
    fn ruser_acc_cas128_end();
    fn ruser_acc_fixup();
    fn ruser_acc_fixup128();
    fn ruser_acc_ld8(p: *const u8) -> Ret;
    fn ruser_acc_ld16(p: *const u8) -> Ret;
    fn ruser_acc_ld32(p: *const u8) -> Ret;
    fn ruser_acc_ld64(p: *const u8) -> Ret;
    fn ruser_acc_ld128(p: *const u8, out: *mut u128) -> Ret;
    fn ruser_acc_st8(p: *mut u8, v: u64) -> Ret;
    fn ruser_acc_st16(p: *mut u8, v: u64) -> Ret;
    fn ruser_acc_st32(p: *mut u8, v: u64) -> Ret;
    fn ruser_acc_st64(p: *mut u8, v: u64) -> Ret;
    fn ruser_acc_st128(p: *mut u8, lo: u64, hi: u64) -> Ret;
    fn ruser_acc_cas8(p: *mut u8, expected: u64, new: u64) -> Ret;
    fn ruser_acc_cas16(p: *mut u8, expected: u64, new: u64) -> Ret;
    fn ruser_acc_cas32(p: *mut u8, expected: u64, new: u64) -> Ret;
    fn ruser_acc_cas64(p: *mut u8, expected: u64, new: u64) -> Ret;
    fn ruser_acc_cas128(p: *mut u8, exp_lo: u64, exp_hi: u64, new_lo: u64, new_hi: u64, out: *mut u128) -> Ret;
    fn ruser_acc_copy(dst: *mut u8, src: *const u8, n: usize) -> Ret;
}

/// A guest memory access faulted (the host handler recorded the details, see `take_fault`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Faulted;

/// What the host fault handler saw when guest memory access faulted (in one of these routines
/// or in translated code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FaultRecord {
    /// Host signal: SIGSEGV or SIGBUS.
    pub sig: i32,
    /// Host si_code (SEGV_MAPERR, SEGV_ACCERR, BUS_ADRERR, ...; SI_KERNEL for a
    /// non-canonical address).
    pub code: i32,
    /// Host address of the access (si_addr, or the routine's pointer when the host gave none).
    pub addr: usize,
    /// The access was a write (from the x86 page-fault error code).
    pub write: bool,
    /// Host rip of the faulting instruction.
    pub rip: usize,
}

thread_local! {
    static LAST_FAULT: std::cell::Cell<Option<FaultRecord>> = const { std::cell::Cell::new(None) };
}

/// Record a fault for this thread (called from the host signal handler).
pub fn record_fault(f: FaultRecord) {
    LAST_FAULT.with(|c| c.set(Some(f)));
}

/// The last fault recorded on this thread, clearing it.
pub fn take_fault() -> Option<FaultRecord> {
    LAST_FAULT.with(|c| c.take())
}

fn res(r: Ret) -> Result<u64, Faulted> {
    if r.err == 0 {
        Ok(r.val)
    } else {
        Err(Faulted)
    }
}

/// Where a fault at host `rip` resumes, when `rip` is inside one of the routines.
pub fn fixup_for(rip: usize) -> Option<usize> {
    let (b, e) = (ruser_acc_begin as *const () as usize, ruser_acc_end as *const () as usize);
    if rip < b || rip >= e {
        return None;
    }
    if rip >= ruser_acc_cas128_begin as *const () as usize && rip < ruser_acc_cas128_end as *const () as usize {
        Some(ruser_acc_fixup128 as *const () as usize)
    } else {
        Some(ruser_acc_fixup as *const () as usize)
    }
}

/// Whether the routine at host `rip` writes guest memory: the stores and compare-and-swaps
/// do, the loads do not; None for the copy routine (either direction) and outside them. For
/// a fault that comes without an x86 page-fault error code (a general-protection fault).
pub fn writes_at(rip: usize) -> Option<bool> {
    let at = |f: usize| rip >= f;
    let (ld, st, copy) = (ruser_acc_ld8 as *const () as usize, ruser_acc_st8 as *const () as usize, ruser_acc_copy as *const () as usize);
    let cas128 = (ruser_acc_cas128_begin as *const () as usize, ruser_acc_cas128_end as *const () as usize);
    if rip >= cas128.0 && rip < cas128.1 {
        Some(true)
    } else if at(copy) || !at(ld) || fixup_for(rip).is_none() {
        None
    } else {
        Some(at(st))
    }
}

/// Load `size` (1, 2, 4 or 8) bytes, zero-extended.
///
/// # Safety
/// `p` is any address; a fault is reported, not taken.
#[inline]
pub unsafe fn load(p: *const u8, size: usize) -> Result<u64, Faulted> {
    res(match size {
        1 => ruser_acc_ld8(p),
        2 => ruser_acc_ld16(p),
        4 => ruser_acc_ld32(p),
        _ => ruser_acc_ld64(p),
    })
}

/// # Safety
/// As for `load`.
#[inline]
pub unsafe fn load128(p: *const u8) -> Result<u128, Faulted> {
    let mut out = 0u128;
    res(ruser_acc_ld128(p, &mut out)).map(|_| out)
}

/// Store the low `size` (1, 2, 4 or 8) bytes of `v`.
///
/// # Safety
/// As for `load`; the caller must own the memory as guest memory.
#[inline]
pub unsafe fn store(p: *mut u8, size: usize, v: u64) -> Result<(), Faulted> {
    res(match size {
        1 => ruser_acc_st8(p, v),
        2 => ruser_acc_st16(p, v),
        4 => ruser_acc_st32(p, v),
        _ => ruser_acc_st64(p, v),
    })
    .map(|_| ())
}

/// # Safety
/// As for `store`.
#[inline]
pub unsafe fn store128(p: *mut u8, v: u128) -> Result<(), Faulted> {
    res(ruser_acc_st128(p, v as u64, (v >> 64) as u64)).map(|_| ())
}

/// Atomic compare-and-swap of `size` (1, 2, 4 or 8) bytes; returns the old value. The
/// address must be naturally aligned (x86 would split-lock otherwise).
///
/// # Safety
/// As for `store`.
#[inline]
pub unsafe fn cas(p: *mut u8, size: usize, expected: u64, new: u64) -> Result<u64, Faulted> {
    res(match size {
        1 => ruser_acc_cas8(p, expected, new),
        2 => ruser_acc_cas16(p, expected, new),
        4 => ruser_acc_cas32(p, expected, new),
        _ => ruser_acc_cas64(p, expected, new),
    })
}

/// Atomic 16-byte compare-and-swap at a 16-byte aligned address; returns the old value.
///
/// # Safety
/// As for `store`.
#[inline]
pub unsafe fn cas128(p: *mut u8, expected: u128, new: u128) -> Result<u128, Faulted> {
    let mut out = 0u128;
    let r = ruser_acc_cas128(p, expected as u64, (expected >> 64) as u64, new as u64, (new >> 64) as u64, &mut out);
    res(r).map(|_| out)
}

/// Copy `n` bytes from `src` to `dst` where either side may be guest memory.
///
/// # Safety
/// The host side of the copy must be valid for `n` bytes.
#[inline]
pub unsafe fn copy(dst: *mut u8, src: *const u8, n: usize) -> Result<(), Faulted> {
    if n == 0 {
        return Ok(());
    }
    res(ruser_acc_copy(dst, src, n)).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routines_work_on_good_memory() {
        let mut buf = [0u8; 32];
        let p = buf.as_mut_ptr();
        unsafe {
            store(p, 8, 0x1122_3344_5566_7788).unwrap();
            assert_eq!(load(p, 1), Ok(0x88));
            assert_eq!(load(p, 2), Ok(0x7788));
            assert_eq!(load(p, 4), Ok(0x5566_7788));
            assert_eq!(load(p, 8), Ok(0x1122_3344_5566_7788));
            store(p.add(16), 1, 0x1ff).unwrap();
            assert_eq!(buf[16], 0xff);
            assert_eq!(cas(p, 4, 0x5566_7788, 7), Ok(0x5566_7788));
            assert_eq!(cas(p, 4, 0x5566_7788, 9), Ok(7));
            assert_eq!(load(p, 8), Ok(0x1122_3344_0000_0007));
            let v = 0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10u128;
            store128(p.add(16), v).unwrap();
            assert_eq!(load128(p.add(16)), Ok(v));
            assert_eq!(cas128(p.add(16), v, 5), Ok(v));
            assert_eq!(cas128(p.add(16), v, 6), Ok(5));
            let src = [1u8, 2, 3];
            copy(p, src.as_ptr(), 3).unwrap();
            assert_eq!(&buf[..4], &[1, 2, 3, 0]);
        }
    }

    #[test]
    fn fixup_covers_exactly_the_routines() {
        assert!(fixup_for(ruser_acc_ld8 as *const () as usize).is_some());
        assert_eq!(fixup_for(ruser_acc_cas128 as *const () as usize), Some(ruser_acc_fixup128 as *const () as usize));
        assert_eq!(fixup_for(ruser_acc_copy as *const () as usize), Some(ruser_acc_fixup as *const () as usize));
        assert_eq!(fixup_for(ruser_acc_fixup as *const () as usize), None);
        assert_eq!(fixup_for(fixup_for as *const () as usize), None);
    }
}
