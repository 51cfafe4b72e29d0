//! The host signal handler. One function handles every host signal ruser catches:
//!
//! - a SIGSEGV or SIGBUS raised by a guest memory access (in translated code, or in one of
//!   the `access` routines Rust code uses for guest memory) is recorded
//!   (`access::record_fault`) and the thread resumes at a path that reports it: translated
//!   code leaves through the JIT's fault exit, an `access` routine returns an error. The
//!   dispatcher then delivers the guest signal with the exact guest state;
//! - a write fault on a page whose translations are write-protected (`mem::codepages`) drops
//!   them and retries the store;
//! - a fault anywhere else is an internal error of ruser, reported as such with the guest pc;
//! - every other signal (including a SIGSEGV sent with kill) is asynchronous and goes to the
//!   hook the Linux layer registers (`set_async_hook`), which queues it for the guest.

use crate::interp::CURRENT_PC;
use std::cell::Cell;
use std::sync::OnceLock;

/// `si_code` of a SIGSEGV for an access the page's permissions forbid.
const SEGV_ACCERR: i32 = 2;
/// The x86 page-fault error code bit for a write access.
const PF_WRITE: i64 = 2;

thread_local! {
    static IN_GUEST: Cell<bool> = const { Cell::new(false) };
}

/// Marks the current thread as running guest code while alive.
pub struct GuestGuard(bool);

impl GuestGuard {
    pub fn enter() -> GuestGuard {
        GuestGuard(IN_GUEST.with(|g| g.replace(true)))
    }
}

impl Drop for GuestGuard {
    fn drop(&mut self) {
        let prev = self.0;
        IN_GUEST.with(|g| g.set(prev));
    }
}

/// What the Linux layer does with an asynchronous signal: (signal, siginfo, ucontext).
pub type AsyncHook = fn(i32, *mut libc::siginfo_t, *mut libc::ucontext_t);

static ASYNC_HOOK: OnceLock<AsyncHook> = OnceLock::new();

/// Register the handler of asynchronous signals (once, before any is installed).
pub fn set_async_hook(h: AsyncHook) {
    let _ = ASYNC_HOOK.set(h);
}

/// The guest pc of a host fault at `rip`: from the JIT's side table when `rip` is in
/// translated code, else the instruction the interpreter (or a helper) was running.
fn guest_pc(rip: usize) -> u64 {
    crate::jit::guest_pc_at(rip).unwrap_or_else(|| CURRENT_PC.try_with(|c| c.get()).unwrap_or(0))
}

/// Signals a guest memory access can raise on the host, which ruser therefore always
/// catches (they are never blocked on the host, see the Linux layer's mask mirroring).
pub const FAULT_SIGNALS: [i32; 4] = [libc::SIGSEGV, libc::SIGBUS, libc::SIGILL, libc::SIGFPE];

/// The handler function, for the Linux layer to install for other signals too.
pub fn handler_address() -> usize {
    on_signal as *const () as usize
}

extern "C" fn on_signal(sig: libc::c_int, info: *mut libc::siginfo_t, uc: *mut libc::c_void) {
    let uc = uc as *mut libc::ucontext_t;
    // SAFETY: the kernel passes a valid siginfo and ucontext to an SA_SIGINFO handler.
    let code = unsafe { (*info).si_code };
    if code <= 0 || !FAULT_SIGNALS.contains(&sig) {
        match ASYNC_HOOK.get() {
            Some(h) => h(sig, info, uc),
            // No Linux layer (unit tests): a fault signal sent by someone ends the process.
            None => crate::linux::die_by_signal(sig),
        }
        return;
    }
    let gregs = unsafe { &mut (*uc).uc_mcontext.gregs };
    let rip = gregs[libc::REG_RIP as usize] as usize;
    let mut addr = unsafe { (*info).si_addr() } as usize;
    if sig == libc::SIGSEGV && code == SEGV_ACCERR {
        // A store into guest code that has translations: drop them, make the page writable
        // again and retry the store.
        let guest = addr.wrapping_sub(crate::mem::codepages::base()) as u64;
        if crate::mem::codepages::on_write_fault(guest) {
            return;
        }
    }
    if sig == libc::SIGSEGV || sig == libc::SIGBUS {
        let mut write = gregs[libc::REG_ERR as usize] & PF_WRITE != 0;
        let resume = crate::access::fixup_for(rip).map(|to| {
            // A general-protection fault (non-canonical address) has no si_addr and no
            // page-fault error code: the routines take their address in rdi, and which
            // routine it is tells a write.
            if addr == 0 {
                addr = gregs[libc::REG_RDI as usize] as usize;
                write = crate::access::writes_at(rip).unwrap_or(write);
            }
            (to, None)
        });
        let in_guest = IN_GUEST.try_with(|g| g.get()).unwrap_or(false);
        let resume = resume.or_else(|| in_guest.then(|| crate::jit::fault_exit_for(rip)).flatten().map(|(to, sp)| (to, Some(sp))));
        if let Some((to, sp)) = resume {
            crate::access::record_fault(crate::access::FaultRecord { sig, code, addr, write, rip });
            gregs[libc::REG_RIP as usize] = to as i64;
            if let Some(sp) = sp {
                gregs[libc::REG_RSP as usize] = sp as i64;
            }
            return;
        }
    }
    let pc = guest_pc(rip);
    let msg = format!("ruser: internal error: host signal {sig} at address {addr:#x}, host pc {rip:#x} (guest pc {pc:#x}); please report this\n");
    unsafe { libc::write(2, msg.as_ptr() as *const _, msg.len()) };
    unsafe { libc::_exit(70) };
}

/// Install the handler for the fault signals (once per process). The Linux layer later
/// adjusts their flags (SA_RESTART) to the guest's actions.
pub fn install() {
    for sig in FAULT_SIGNALS {
        install_for(sig, libc::SA_NODEFER);
    }
    install_altstack();
}

/// Install `on_signal` for `sig` with `SA_SIGINFO | SA_ONSTACK | extra_flags`, every other
/// signal except the fault signals blocked while it runs. Through the raw system call, so
/// that glibc's reserved real-time signals can be installed too.
pub fn install_for(sig: i32, extra_flags: i32) {
    let mask = !FAULT_SIGNALS.iter().fold(0u64, |m, &s| m | 1 << (s - 1));
    raw_sigaction(sig, handler_address(), (libc::SA_SIGINFO | libc::SA_ONSTACK | extra_flags) as u64, mask);
}

/// sa_flags bit: `restorer` is the signal return trampoline (x86-64 requires it).
const SA_RESTORER: u64 = 0x0400_0000;

/// The kernel's `struct sigaction` on x86-64.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug)]
pub struct KernelSigaction {
    pub handler: usize,
    pub flags: u64,
    pub restorer: usize,
    pub mask: u64,
}

std::arch::global_asm!(
    ".pushsection .text.ruser_restorer,\"ax\",@progbits",
    ".globl ruser_sigreturn_restorer",
    "ruser_sigreturn_restorer:",
    "    mov eax, 15",
    "    syscall",
    "    ud2",
    ".popsection",
);

extern "C" {
    fn ruser_sigreturn_restorer();
}

/// Set the host action of `sig` with the raw rt_sigaction system call (x86-64 needs
/// SA_RESTORER, which glibc's wrapper adds for its own callers).
pub fn raw_sigaction(sig: i32, handler: usize, flags: u64, mask: u64) {
    let sa = KernelSigaction { handler, flags: flags | SA_RESTORER, restorer: ruser_sigreturn_restorer as *const () as usize, mask };
    // SAFETY: a valid struct of the kernel's layout; the result is checked by callers only
    // through the state they read back.
    unsafe { libc::syscall(libc::SYS_rt_sigaction, sig, &sa as *const KernelSigaction, std::ptr::null_mut::<KernelSigaction>(), 8) };
}

/// The host's current action for `sig` (raw system call).
pub fn raw_sigaction_get(sig: i32) -> KernelSigaction {
    let mut old = KernelSigaction::default();
    unsafe { libc::syscall(libc::SYS_rt_sigaction, sig, std::ptr::null::<KernelSigaction>(), &mut old as *mut KernelSigaction, 8) };
    old
}

/// Give this thread an alternate signal stack, so a guest stack overflow into ruser's own
/// stack can still be reported. Returns the mapping (to unmap when the thread ends).
pub fn install_altstack() -> Option<(usize, usize)> {
    const SIZE: usize = 64 * 1024;
    unsafe {
        let p = libc::mmap(std::ptr::null_mut(), SIZE, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS, -1, 0);
        if p == libc::MAP_FAILED {
            return None;
        }
        let ss = libc::stack_t { ss_sp: p, ss_flags: 0, ss_size: SIZE };
        libc::sigaltstack(&ss, std::ptr::null_mut());
        Some((p as usize, SIZE))
    }
}

/// Mark this thread as not running guest code, whatever a `GuestGuard` left: for a vfork
/// child, which starts on its parent's thread-local state, and for the parent after such a
/// child (which shared that state) has exec'd or exited.
pub fn reset_thread_marks() {
    IN_GUEST.with(|g| g.set(false));
}
