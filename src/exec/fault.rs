//! Host fault handling: a SIGSEGV/SIGBUS/SIGILL/SIGFPE while running guest code is a guest
//! fault; anywhere else it is an internal error of ruser, reported as such.

use crate::interp::CURRENT_PC;
use std::cell::Cell;

/// `si_code` of a SIGSEGV for an access the page's permissions forbid.
const SEGV_ACCERR: i32 = 2;

thread_local! {
    static IN_GUEST: Cell<bool> = const { Cell::new(false) };
    /// The guest state this thread is running (null outside `Engine::run`).
    static STATE: Cell<*mut u8> = const { Cell::new(std::ptr::null_mut()) };
}

/// Marks the current thread as running guest code (on the state at `state`) while alive.
pub struct GuestGuard(bool, *mut u8);

impl GuestGuard {
    pub fn enter(state: *mut u8) -> GuestGuard {
        GuestGuard(IN_GUEST.with(|g| g.replace(true)), STATE.with(|s| s.replace(state)))
    }
}

impl Drop for GuestGuard {
    fn drop(&mut self) {
        let (prev, st) = (self.0, self.1);
        IN_GUEST.with(|g| g.set(prev));
        STATE.with(|s| s.set(st));
    }
}

/// The guest pc of a host fault at `rip`: from the JIT's side table when `rip` is in
/// translated code, else the instruction the interpreter (or a helper) was running.
fn guest_pc(rip: usize) -> u64 {
    crate::jit::guest_pc_at(rip).unwrap_or_else(|| CURRENT_PC.try_with(|c| c.get()).unwrap_or(0))
}

extern "C" fn on_fault(sig: libc::c_int, info: *mut libc::siginfo_t, uc: *mut libc::c_void) {
    let in_guest = IN_GUEST.try_with(|g| g.get()).unwrap_or(false);
    // SAFETY: the kernel passes a valid ucontext to an SA_SIGINFO handler.
    let rip = unsafe { (*(uc as *const libc::ucontext_t)).uc_mcontext.gregs[libc::REG_RIP as usize] } as usize;
    let addr = unsafe { (*info).si_addr() } as usize;
    if sig == libc::SIGSEGV && unsafe { (*info).si_code } == SEGV_ACCERR {
        // A store into guest code that has translations: drop them, make the page writable
        // again and retry the store.
        let guest = addr.wrapping_sub(crate::mem::codepages::base()) as u64;
        if crate::mem::codepages::on_write_fault(guest) {
            return;
        }
    }
    let pc = guest_pc(rip);
    if in_guest {
        if crate::log::enabled(crate::log::Item::Unimp) || std::env::var_os("RUSER_DEBUG_FAULTS").is_some() {
            let msg = format!("ruser: guest signal {sig} at pc {pc:#x}, address {addr:#x}\n");
            unsafe { libc::write(2, msg.as_ptr() as *const _, msg.len()) };
        }
        // Guest signal delivery comes with the signals work; until then the guest dies of
        // this signal, exactly as it would without a handler.
        crate::linux::die_by_signal(sig);
    }
    let msg = format!(
        "ruser: internal error: host signal {sig} at address {addr:#x} (guest pc {pc:#x}); please report this\n"
    );
    unsafe { libc::write(2, msg.as_ptr() as *const _, msg.len()) };
    unsafe { libc::_exit(70) };
}

/// Install the fault handlers (once per process).
pub fn install() {
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_fault as *const () as usize;
        sa.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
        libc::sigemptyset(&mut sa.sa_mask);
        for sig in [libc::SIGSEGV, libc::SIGBUS, libc::SIGFPE, libc::SIGILL] {
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }
    install_altstack();
}

/// Give this thread an alternate signal stack, so a guest stack overflow into ruser's own
/// stack can still be reported.
pub fn install_altstack() {
    const SIZE: usize = 64 * 1024;
    unsafe {
        let p = libc::mmap(std::ptr::null_mut(), SIZE, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS, -1, 0);
        if p == libc::MAP_FAILED {
            return;
        }
        let ss = libc::stack_t { ss_sp: p, ss_flags: 0, ss_size: SIZE };
        libc::sigaltstack(&ss, std::ptr::null_mut());
    }
}

/// Mark this thread as not running guest code, whatever a `GuestGuard` left: for a vfork
/// child, which starts on its parent's thread-local state, and for the parent after such a
/// child (which shared that state) has exec'd or exited.
pub fn reset_thread_marks() {
    IN_GUEST.with(|g| g.set(false));
    STATE.with(|s| s.set(std::ptr::null_mut()));
}
