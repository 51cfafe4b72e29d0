//! The host side of guest signals: the handler that takes a signal for the guest, mirroring
//! guest dispositions and masks into the host's, and giving signals back to the kernel.

use super::*;
use crate::exec::fault;
use std::sync::atomic::Ordering;

/// Every signal except the ones ruser never blocks (for "block everything" windows).
fn all_blockable() -> u64 {
    !host_unblockable()
}

fn raw_sigprocmask(how: i32, set: u64) -> u64 {
    let mut old = 0u64;
    // SAFETY: 8-byte kernel sigsets.
    unsafe { libc::syscall(libc::SYS_rt_sigprocmask, how, &set as *const u64, &mut old as *mut u64, 8) };
    old
}

/// Block every host signal ruser can block on the calling thread; returns the old mask.
pub fn block_all_host() -> u64 {
    raw_sigprocmask(libc::SIG_SETMASK, all_blockable())
}

/// Block every host signal ruser can block on the calling thread, keeping the ones it never
/// blocks blocked if they were; returns the old mask.
pub fn block_more_host() -> u64 {
    raw_sigprocmask(libc::SIG_BLOCK, all_blockable())
}

/// Make the calling thread's host mask what its guest state says: the guest's blocked set,
/// plus the signals taken from the host and not delivered yet, minus the fault signals.
pub fn set_host_mask(t: &SigThread) {
    raw_sigprocmask(libc::SIG_SETMASK, (t.mask() | t.pending()) & !host_unblockable());
}

/// Give the calling thread's taken signals that the guest now blocks back to the kernel, so
/// they are pending there (rt_sigpending, rt_sigtimedwait and signalfd see them, and another
/// thread may take a process-directed one). Host signals must be blocked. The fault signals
/// stay here: the host cannot hold them blocked.
pub fn requeue_blocked(t: &SigThread) {
    let back = t.pending() & t.mask() & !host_unblockable();
    if back == 0 {
        return;
    }
    let pid = unsafe { libc::getpid() };
    for sig in 1..=NSIG as i32 {
        if back & bit(sig) == 0 {
            continue;
        }
        let info = t.take(sig);
        requeue(pid, crate::linux::gettid(), &info);
    }
}

/// Queue `info` again on the host: to this thread when it was sent to it, else to the process.
pub fn requeue(pid: i32, tid: i32, info: &SigInfo) {
    let thread_directed = info.code() == SI_TKILL || (info.code() == SI_USER && info.pid() == pid);
    let p = info.0.as_ptr();
    // SAFETY: a 128-byte siginfo; sending to our own process is allowed with any si_code.
    unsafe {
        if thread_directed {
            libc::syscall(libc::SYS_rt_tgsigqueueinfo, pid, tid, info.signo(), p);
        } else {
            libc::syscall(libc::SYS_rt_sigqueueinfo, pid, info.signo(), p);
        }
    }
}

/// ruser's handler for a signal meant for the guest (called from `exec::fault`'s handler).
fn on_async(sig: i32, info: *mut libc::siginfo_t, uc: *mut libc::ucontext_t) {
    let Some(t) = try_current() else {
        // Not a guest thread (every signal is blocked there, except the fault signals sent
        // by someone): nothing can take it.
        return;
    };
    if !(1..=NSIG as i32).contains(&sig) {
        return;
    }
    let b = bit(sig);
    if t.pending.load(Ordering::Acquire) & b == 0 {
        // SAFETY: the kernel's siginfo is 128 bytes; the entry is ours while the bit is clear.
        unsafe { std::ptr::copy_nonoverlapping(info as *const u8, (*t.infos[sig as usize].get()).as_mut_ptr(), SIGINFO_SIZE) };
        t.pending.fetch_or(b, Ordering::AcqRel);
    }
    if b & host_unblockable() == 0 {
        // Keep it blocked until the guest frame is built (the dispatcher then sets the mask).
        // SAFETY: the first word of the context's sigset is the kernel's 64-bit mask.
        unsafe {
            let m = &mut (*uc).uc_sigmask as *mut libc::sigset_t as *mut u64;
            *m |= b;
        }
    }
    if t.mask() & b == 0 {
        t.wake.store(1, Ordering::SeqCst);
        t.request_exit();
        // SAFETY: the handler's own ucontext.
        unsafe { safe_syscall::interrupt(uc) };
    }
}

/// Set the host action of `sig` for guest action `act` (see the module comment).
pub fn mirror(sig: i32, act: &GuestSigaction) {
    if sig == SIGKILL || sig == SIGSTOP {
        return;
    }
    let is_fault = fault::FAULT_SIGNALS.contains(&sig);
    let child = act.flags & (SA_NOCLDSTOP | SA_NOCLDWAIT);
    if !is_fault && act.handler == SIG_IGN {
        fault::raw_sigaction(sig, libc::SIG_IGN, child, 0);
    } else if !is_fault && act.handler == SIG_DFL && default_action(sig) != Default::Core {
        fault::raw_sigaction(sig, libc::SIG_DFL, child, 0);
    } else {
        let restart = if act.handler > SIG_IGN && act.flags & SA_RESTART != 0 { libc::SA_RESTART } else { 0 };
        let nodefer = if is_fault { libc::SA_NODEFER } else { 0 };
        fault::install_for(sig, restart | nodefer | child as i32);
    }
}

/// SIGPIPE's disposition when ruser started, before Rust's runtime set it to SIG_IGN:
/// 0 unknown, 1 SIG_DFL, 2 SIG_IGN.
static STARTUP_SIGPIPE: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Record the dispositions Rust's runtime is about to change (runs from `.init_array`, before
/// `main`).
pub extern "C" fn capture_startup_dispositions() {
    let a = fault::raw_sigaction_get(SIGPIPE);
    STARTUP_SIGPIPE.store(if a.handler == libc::SIG_IGN { 2 } else { 1 }, Ordering::Relaxed);
}

/// The guest's parent ignored SIGPIPE (told by the ruser that exec'd this one).
pub fn note_sigpipe_ignored() {
    STARTUP_SIGPIPE.store(2, Ordering::Relaxed);
}

#[used]
#[link_section = ".init_array"]
static CAPTURE_AT_STARTUP: extern "C" fn() = capture_startup_dispositions;

/// Set up guest signals for the process: the guest starts with the dispositions ruser was
/// given (SIG_IGN stays ignored, everything else is SIG_DFL) and the host mirrors them.
pub fn init() {
    fault::set_async_hook(on_async);
    let mut a = actions();
    for sig in 1..=NSIG as i32 {
        if sig == SIGKILL || sig == SIGSTOP {
            continue;
        }
        let host = fault::raw_sigaction_get(sig).handler;
        let ign = if sig == SIGPIPE && STARTUP_SIGPIPE.load(Ordering::Relaxed) != 0 {
            STARTUP_SIGPIPE.load(Ordering::Relaxed) == 2
        } else {
            host == libc::SIG_IGN
        };
        let act = GuestSigaction { handler: if ign { SIG_IGN } else { SIG_DFL }, flags: 0, restorer: 0, mask: 0 };
        a[sig as usize] = act;
        // Most signals are SIG_DFL on the host already (exec resets handlers, with their
        // flags), which is what `mirror` would set for them: one system call less each.
        let already = !ign && host == libc::SIG_DFL && !fault::FAULT_SIGNALS.contains(&sig) && default_action(sig) != Default::Core;
        if !already {
            mirror(sig, &act);
        }
    }
}

/// Make the host dispositions and mask what an exec'd program must inherit from the guest,
/// and keep the signals this thread took from the host and has not delivered pending through
/// the exec, as the kernel keeps a process's pending signals. Call right before execve; the
/// exec resets handlers to SIG_DFL itself. If the exec fails, call
/// `restore_after_failed_exec` (which also takes the signals given back here again).
///
/// The guest's ignored signals are ignored (the fault signals are ruser's handler
/// otherwise). For a `foreign` exec (a ruser that gets the guest's mask from
/// `--guest-mask`), every host signal is blocked and every taken signal goes back to the
/// kernel: the new ruser finds them pending and delivers them to the new image when its mask
/// lets them through. For a native program the host mask must be exactly the guest's: only
/// the taken signals the guest blocks go back (among them the fault signals, which ruser
/// never blocks on the host), the others are lost if the exec succeeds.
pub fn prepare_exec(foreign: bool) {
    let t = current();
    let a = actions();
    for &sig in fault::FAULT_SIGNALS.iter() {
        if a[sig as usize].handler == SIG_IGN {
            fault::raw_sigaction(sig, libc::SIG_IGN, 0, 0);
        }
    }
    drop(a);
    let mask = if foreign { !UNBLOCKABLE } else { t.mask() };
    // Blocked first: a signal given back must not come straight back to ruser's handler.
    raw_sigprocmask(libc::SIG_SETMASK, mask);
    let back = t.pending() & mask & !UNBLOCKABLE;
    if back != 0 {
        let (pid, tid) = (unsafe { libc::getpid() }, crate::linux::gettid());
        for sig in 1..=NSIG as i32 {
            if back & bit(sig) != 0 {
                let info = t.take(sig);
                requeue(pid, tid, &info);
            }
        }
    }
}

/// The guest's signal mask a ruser started by another's execve was given (`--guest-mask`):
/// the host mask it inherited is all blocked. u64::MAX: none given.
static INHERITED_MASK: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(u64::MAX);

/// Record the guest mask given on the command line (see `prepare_exec`).
pub fn note_guest_mask(m: u64) {
    INHERITED_MASK.store(m & !UNBLOCKABLE, Ordering::Relaxed);
}

/// The initial guest mask of the first thread: the one given by the ruser that exec'd this
/// one, else `host_mask`, the host mask ruser was started with.
pub fn initial_mask(host_mask: u64) -> u64 {
    match INHERITED_MASK.load(Ordering::Relaxed) {
        u64::MAX => host_mask,
        m => m,
    }
}

/// The calling guest thread's signal mask.
pub fn current_mask() -> u64 {
    current().mask()
}

/// Undo `prepare_exec` after a failed execve.
pub fn restore_after_failed_exec() {
    let a = actions();
    for &sig in fault::FAULT_SIGNALS.iter() {
        mirror(sig, &a[sig as usize]);
    }
    drop(a);
    set_host_mask(current());
}

/// An exiting thread's taken signals: the ones sent to the process go back to it (another
/// thread takes them); the ones sent to this thread die with it, as in the kernel. Host
/// signals must be blocked.
pub fn give_back_pending(t: &SigThread) {
    let pid = unsafe { libc::getpid() };
    for sig in 1..=NSIG as i32 {
        if t.pending() & bit(sig) != 0 {
            let info = t.take(sig);
            if info.code() != SI_TKILL {
                let p = info.0.as_ptr();
                // SAFETY: a 128-byte siginfo sent to our own process.
                unsafe { libc::syscall(libc::SYS_rt_sigqueueinfo, pid, sig, p) };
            }
        }
    }
}
