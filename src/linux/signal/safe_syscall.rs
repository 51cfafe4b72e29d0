//! Host system calls that a guest signal interrupts without a race.
//!
//! A signal that arrives just before a blocking call enters the kernel must not be lost until
//! the call returns on its own (which may be never). `ruser_safe_syscall` checks the thread's
//! wake byte immediately before its `syscall` instruction; the host handler, when the
//! interrupted rip lies in `[check, after syscall)`, moves it to a label that returns
//! `RESTART` instead. Two cases end there:
//!
//! - the signal came before the call started: the call is redone from the guest's `svc`
//!   after the guest handler (the kernel would have delivered it before the call too);
//! - the kernel interrupted the call and decided to restart it (SA_RESTART was on ruser's
//!   host action exactly when the guest's has it, and ERESTARTSYS/ERESTARTNOINTR), rewinding
//!   rip onto the `syscall` instruction: the guest's `svc` is redone after its handler, as the
//!   kernel does. When the kernel decided on EINTR instead (no SA_RESTART, ERESTARTNOHAND,
//!   ERESTART_RESTARTBLOCK), the call returns -EINTR normally.
//!
//! So each system call keeps the kernel's own restart rule, without a table in ruser.

use std::arch::global_asm;

/// The value `safe_syscall` returns for "redo the guest's system call" (-ERESTARTSYS, which
/// the kernel never returns to user space).
pub const RESTART: i64 = -512;

global_asm!(
    ".pushsection .text.ruser_safe_syscall,\"ax\",@progbits",
    ".p2align 4",
    ".globl ruser_safe_syscall",
    // rdi = wake byte, rsi = number, rdx, rcx, r8, r9, [rsp+8], [rsp+16] = arguments 0..5
    "ruser_safe_syscall:",
    "    mov r11, rdi",
    "    mov rax, rsi",
    "    mov rdi, rdx",
    "    mov rsi, rcx",
    "    mov rdx, r8",
    "    mov r10, r9",
    "    mov r8, qword ptr [rsp + 8]",
    "    mov r9, qword ptr [rsp + 16]",
    ".globl ruser_safe_syscall_start",
    "ruser_safe_syscall_start:",
    "    cmp byte ptr [r11], 0",
    "    jne ruser_safe_syscall_interrupted",
    "    syscall",
    ".globl ruser_safe_syscall_end",
    "ruser_safe_syscall_end:",
    "    ret",
    ".globl ruser_safe_syscall_interrupted",
    "ruser_safe_syscall_interrupted:",
    "    mov rax, -512",
    "    ret",
    ".popsection",
);

extern "C" {
    fn ruser_safe_syscall(wake: *const u8, nr: i64, a0: u64, a1: u64, a2: u64, a3: u64, a4: u64, a5: u64) -> i64;
    fn ruser_safe_syscall_start();
    fn ruser_safe_syscall_end();
    fn ruser_safe_syscall_interrupted();
}

/// Make host system call `nr`; returns the raw result (negative errno) or `RESTART`.
///
/// # Safety
/// As for any raw system call: pointer arguments must be valid for what `nr` does with them.
pub unsafe fn call(wake: *const u8, nr: i64, a: [u64; 6]) -> i64 {
    ruser_safe_syscall(wake, nr, a[0], a[1], a[2], a[3], a[4], a[5])
}

/// From the host handler: if the interrupted context is in the window of a safe system call,
/// make it return `RESTART`.
///
/// # Safety
/// `uc` is the ucontext the kernel passed to the signal handler.
pub unsafe fn interrupt(uc: *mut libc::ucontext_t) {
    let gregs = &mut (*uc).uc_mcontext.gregs;
    let rip = gregs[libc::REG_RIP as usize] as usize;
    if rip >= ruser_safe_syscall_start as *const () as usize && rip < ruser_safe_syscall_end as *const () as usize {
        gregs[libc::REG_RIP as usize] = ruser_safe_syscall_interrupted as *const () as i64;
    }
}
