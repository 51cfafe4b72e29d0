//! Delivering signals to the guest: choosing the next one, default actions, building frames,
//! and the synchronous signals of guest faults.

use super::host::{block_all_host, requeue, requeue_blocked, set_host_mask};
use super::*;
use crate::exec::MemFault;
use crate::guest::CpuState;
use crate::ir::Trap;
use crate::linux::Process;
use std::sync::atomic::{AtomicU64, Ordering};

/// The next signal of `set` to deliver: faults first, then the lowest number (as the
/// kernel's next_signal).
pub(super) fn next_signal(set: u64) -> i32 {
    let sync = set & SYNCHRONOUS;
    let s = if sync != 0 { sync } else { set };
    s.trailing_zeros() as i32 + 1
}

/// Deliver every signal the host handler took for this thread that the guest does not block,
/// each frame on top of the previous one (the last one's handler runs first), as the kernel
/// does on its way back to user space. Call at a block boundary or after a system call.
pub fn deliver_pending(p: &Process, cpu: &mut CpuState) {
    let t = current();
    if t.pending() == 0 && t.saved_mask.get().is_none() {
        return;
    }
    block_all_host();
    loop {
        let deliverable = t.pending() & !t.mask();
        if deliverable == 0 {
            break;
        }
        let sig = next_signal(deliverable);
        let info = t.take(sig);
        let Some(info) = debugger_sees(cpu, info) else { continue };
        deliver_one(p, cpu, t, info.signo(), &info);
    }
    finish(t);
}

/// A signal about to be acted on, shown first to a debugger attached to this thread (`-g`),
/// as qemu does: the signal to act on instead, None for none (the debugger's `signal 0`).
/// Without a debugger, `info` itself.
fn debugger_sees(cpu: &mut CpuState, info: SigInfo) -> Option<SigInfo> {
    if !crate::linux::gdb::active() {
        return Some(info);
    }
    match crate::linux::gdb::signal_stop(cpu, info.signo()) {
        0 => None,
        s if s == info.signo() => Some(info),
        s => Some(SigInfo::new(s, SI_USER)),
    }
}

/// Queue signal `sig` for the calling thread, as another process's kill would (a debugger
/// resuming the guest with a signal).
pub fn queue_self(sig: i32) {
    let t = current();
    block_all_host();
    t.push(&SigInfo::new(sig, SI_USER));
    t.update_wake();
    set_host_mask(t);
}

/// After deliveries (host signals blocked): restore a saved mask no handler consumed, give
/// newly blocked signals back to the kernel, and set the host mask.
fn finish(t: &SigThread) {
    if let Some(m) = t.saved_mask.take() {
        t.mask.store(m & !UNBLOCKABLE, Ordering::Relaxed);
    }
    requeue_blocked(t);
    t.update_wake();
    set_host_mask(t);
}

fn die(sig: i32) -> ! {
    crate::linux::gdb::terminated(sig);
    crate::linux::die_by_signal(sig)
}

/// Guest address of a sigreturn trampoline page like the vDSO's sigtramp, mapped on first use
/// when the process has no vDSO.
static SIGTRAMP: AtomicU64 = AtomicU64::new(0);

fn sigtramp(p: &Process) -> u64 {
    // The vDSO's __kernel_rt_sigreturn, as the kernel uses it.
    if let Some(at) = p.sigreturn {
        return at;
    }
    let at = SIGTRAMP.load(Ordering::Acquire);
    if at != 0 {
        return at + aarch64::SIGTRAMP_ENTRY;
    }
    use crate::mem::{mapflags, PROT_EXEC, PROT_READ};
    let Ok(page) = p.mem.mmap(0, crate::mem::PAGE_SIZE, PROT_READ | PROT_EXEC, mapflags::MAP_PRIVATE | mapflags::MAP_ANONYMOUS, -1, 0, None) else {
        return 0;
    };
    let code: Vec<u8> = aarch64::SIGTRAMP.iter().flat_map(|w| w.to_le_bytes()).collect();
    if p.mem.write_force(page, &code).is_err() {
        return 0;
    }
    SIGTRAMP.store(page, Ordering::Release);
    page + aarch64::SIGTRAMP_ENTRY
}

/// Deliver one signal (host signals blocked).
fn deliver_one(p: &Process, cpu: &mut CpuState, t: &SigThread, sig: i32, info: &SigInfo) {
    let act = action(sig);
    if act.handler == SIG_IGN {
        return;
    }
    if act.handler == SIG_DFL {
        match default_action(sig) {
            Default::Ignore | Default::Continue => return,
            Default::Terminate | Default::Core => die(sig),
            Default::Stop => {
                // The host action is SIG_DFL too: the kernel stops the process as soon as the
                // host mask lets it through.
                requeue(unsafe { libc::getpid() }, crate::linux::gettid(), info);
                return;
            }
        }
    }
    let alt = t.altstack.get();
    let d = aarch64::Delivery {
        sig,
        info,
        act: &act,
        saved_mask: t.saved_mask.take().unwrap_or(t.mask()),
        altstack: alt,
        fault_address: t.fault_address.get(),
        fault_code: t.fault_code.get(),
        sigtramp: if act.flags & SA_RESTORER == 0 { sigtramp(p) } else { 0 },
    };
    if aarch64::setup(cpu, &p.mem, &d).is_err() {
        // The kernel's force_sigsegv: fatal when it was SIGSEGV that could not be delivered.
        if sig == SIGSEGV {
            die(SIGSEGV);
        }
        force_queue(t, SigInfo::new(SIGSEGV, SI_KERNEL));
        return;
    }
    let mut m = t.mask() | act.mask;
    if act.flags & SA_NODEFER == 0 {
        m |= bit(sig);
    }
    t.mask.store(m & !UNBLOCKABLE, Ordering::Relaxed);
    if alt.flags & SS_AUTODISARM != 0 {
        t.altstack.set(AltStack::DISABLED);
    }
    if act.flags & SA_RESETHAND != 0 {
        set_action(sig, GuestSigaction { handler: SIG_DFL, ..act });
    }
}

/// Queue a signal for the calling thread that it cannot refuse (see `force_queue`); it is
/// delivered on the way back to guest code.
pub fn force_signal(info: SigInfo) {
    let t = current();
    block_all_host();
    force_queue(t, info);
    t.update_wake();
    set_host_mask(t);
}

/// Queue a signal the thread cannot refuse (the kernel's force_sig_info): when the guest
/// blocks or ignores it, it is unblocked and its action reset to SIG_DFL.
fn force_queue(t: &SigThread, info: SigInfo) {
    let sig = info.signo();
    let act = action(sig);
    if act.handler == SIG_IGN || t.mask() & bit(sig) != 0 {
        set_action(sig, GuestSigaction { handler: SIG_DFL, ..act });
        t.mask.fetch_and(!bit(sig), Ordering::Relaxed);
    }
    t.push(&info);
}

/// Deliver the synchronous signal of a guest fault, with the state at the faulting
/// instruction. A blocked, ignored or default fault signal kills the process (as the
/// kernel's force_sig_fault does).
pub fn force_fault(p: &Process, cpu: &mut CpuState, info: SigInfo) {
    // Without the signal the debugger took, the instruction runs (and faults) again.
    let Some(info) = debugger_sees(cpu, info) else { return };
    let sig = info.signo();
    let t = current();
    let act = action(sig);
    if act.handler == SIG_IGN || act.handler == SIG_DFL || t.mask() & bit(sig) != 0 {
        die(sig);
    }
    block_all_host();
    deliver_one(p, cpu, t, sig, &info);
    loop {
        let deliverable = t.pending() & !t.mask();
        if deliverable == 0 {
            break;
        }
        let s = next_signal(deliverable);
        let i = t.take(s);
        let Some(i) = debugger_sees(cpu, i) else { continue };
        deliver_one(p, cpu, t, i.signo(), &i);
    }
    finish(t);
}

/// SIGSYS for a system call a seccomp filter trapped (SECCOMP_RET_TRAP): si_code SYS_SECCOMP,
/// si_errno the action's data, and in `_sigsys` the address after the `svc`, the system call
/// number and the audit architecture. The registers are left as the call found them.
pub fn force_sigsys(p: &Process, cpu: &mut CpuState, nr: u64, data: u16) {
    const SYS_SECCOMP: i32 = 1;
    let mut info = SigInfo::new(SIGSYS, SYS_SECCOMP);
    info.0[4..8].copy_from_slice(&(data as i32).to_le_bytes());
    info.0[16..24].copy_from_slice(&cpu.read_u64(p.arch.pc_offset()).to_le_bytes());
    info.0[24..28].copy_from_slice(&(nr as i32).to_le_bytes());
    info.0[28..32].copy_from_slice(&crate::linux::seccomp::AUDIT_ARCH_AARCH64.to_le_bytes());
    force_fault(p, cpu, info);
}

/// ESR_EL1 exception classes and fault status codes (the level of a translation or
/// permission fault depends on page tables the guest does not have; level 3 is reported).
const EC_IABT_LOW: u64 = 0x20;
const EC_DABT_LOW: u64 = 0x24;
const ESR_IL: u64 = 1 << 25;
const ESR_WNR: u64 = 1 << 6;
const FSC_TRANSLATION_L0: u64 = 0x04;
const FSC_TRANSLATION_L3: u64 = 0x07;
const FSC_PERMISSION_L3: u64 = 0x0f;
/// The end of arm64's user address space (TASK_SIZE with 48-bit virtual addresses).
const TASK_SIZE: u64 = 1 << 48;

fn esr(ec: u64, code: i32, write: bool) -> u64 {
    let fsc = if code == SEGV_ACCERR { FSC_PERMISSION_L3 } else { FSC_TRANSLATION_L3 };
    (ec << 26) | ESR_IL | if write { ESR_WNR } else { 0 } | fsc
}

/// The ESR of an abort (data or instruction, `ec`) at `addr`. Beyond the user address space
/// the kernel sanitises it (set_thread_esr in arch/arm64/mm/fault.c): a level-0 translation
/// fault keeping only EC, IL, CM and WnR. Below, the hardware's fault status is reported;
/// ruser has no page tables and names level 3.
fn abort_esr(ec: u64, addr: u64, code: i32, write: bool) -> u64 {
    if addr >= TASK_SIZE {
        (ec << 26) | ESR_IL | if write { ESR_WNR } else { 0 } | FSC_TRANSLATION_L0
    } else {
        esr(ec, code, write)
    }
}

/// A guest memory access faulted (host SIGSEGV/SIGBUS): SIGSEGV (SEGV_MAPERR/SEGV_ACCERR) or
/// SIGBUS at the guest address, with the fault address and ESR in the frame.
pub fn force_mem_fault(p: &Process, cpu: &mut CpuState, f: MemFault) {
    let (sig, code) = match (f.sig, f.code) {
        (libc::SIGBUS, c) => (SIGBUS, if c > 0 && c != SI_KERNEL { c } else { BUS_ADRERR }),
        (_, SEGV_ACCERR) => (SIGSEGV, SEGV_ACCERR),
        // SEGV_MAPERR, and a non-canonical address (SI_KERNEL): not mapped at any level.
        _ => (SIGSEGV, SEGV_MAPERR),
    };
    let t = current();
    t.fault_address.set(f.addr);
    t.fault_code.set(abort_esr(EC_DABT_LOW, f.addr, code, f.write));
    force_fault(p, cpu, SigInfo::fault(sig, code, f.addr));
}

/// A trap the translated code raised at the pc in the state: SIGILL for an undefined
/// instruction, SIGTRAP for BRK, SIGSEGV for a jump to memory that cannot be executed.
pub fn force_trap(p: &Process, cpu: &mut CpuState, trap: Trap) {
    let pc = cpu.read_u64(p.arch.pc_offset());
    let t = current();
    let info = match trap {
        Trap::Undefined { insn } => {
            crate::logf!(crate::log::Item::Unimp, "ruser: undefined or unimplemented instruction {insn:#010x} at pc {pc:#x}");
            // arm64_notify_die with no ESR: the thread's fault state is cleared.
            t.fault_address.set(0);
            t.fault_code.set(0);
            SigInfo::fault(SIGILL, ILL_ILLOPC, pc)
        }
        // The kernel leaves the thread's fault state alone for BRK.
        Trap::Breakpoint { .. } => SigInfo::fault(SIGTRAP, TRAP_BRKPT, pc),
        Trap::FetchFault => {
            let code = if p.mem.is_accessible(pc, 1, 0) { SEGV_ACCERR } else { SEGV_MAPERR };
            t.fault_address.set(pc);
            t.fault_code.set(abort_esr(EC_IABT_LOW, pc, code, false));
            SigInfo::fault(SIGSEGV, code, pc)
        }
    };
    force_fault(p, cpu, info);
}
