//! Host fault handling: a SIGSEGV/SIGBUS/SIGILL/SIGFPE while running guest code is a guest
//! fault; anywhere else it is an internal error of ruser, reported as such.

use crate::interp::CURRENT_PC;
use std::cell::Cell;

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

extern "C" fn on_fault(sig: libc::c_int, info: *mut libc::siginfo_t, _uc: *mut libc::c_void) {
    let in_guest = IN_GUEST.try_with(|g| g.get()).unwrap_or(false);
    let pc = CURRENT_PC.try_with(|c| c.get()).unwrap_or(0);
    let addr = unsafe { (*info).si_addr() } as usize;
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
