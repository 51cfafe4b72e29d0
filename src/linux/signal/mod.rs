//! Guest signals.
//!
//! Guest signal N is host signal N (the numbers of aarch64, ppc and x86-64 are the same, all
//! 64 of them), and the host kernel does as much of the work as it can:
//!
//! - **Dispositions** are process-wide (`ACTIONS`) and mirrored into the host's: a guest
//!   SIG_IGN is a host SIG_IGN, a guest SIG_DFL whose default is to terminate, stop, continue
//!   or ignore is a host SIG_DFL (the kernel then does job control, death by signal and
//!   SIGCHLD reaping itself), and everything else (a guest handler, or the default of a
//!   core-dumping signal, which must kill ruser without a core file of its own) is ruser's
//!   handler, with SA_RESTART exactly when the guest asked for it. The raw system calls are
//!   used, so glibc's reserved signals 32 and 33 are ordinary guest signals.
//! - **Masks** are per thread (`SigThread::mask`) and mirrored into the host thread's mask, so
//!   the kernel routes process-directed signals to a thread that does not block them, keeps
//!   blocked signals pending (rt_sigpending, rt_sigtimedwait and signalfd see them natively)
//!   and tgkill reaches the named thread. SIGSEGV, SIGBUS, SIGILL and SIGFPE are never blocked
//!   on the host: ruser needs them for guest faults.
//! - **Arrival**: ruser's host handler (`host::on_async`) records the siginfo in the thread's
//!   queue, keeps the signal blocked on the host until the guest frame exists (it adds it to
//!   the interrupted context's mask), sets the thread's exit-request flag so translated code
//!   returns to the dispatcher at the next block, and interrupts a blocking system call
//!   (`safe_syscall`).
//! - **Delivery** (`deliver`) happens in the dispatcher, at a block boundary or after a
//!   system call: the guest frame is built exactly as the arm64 kernel builds it
//!   (`aarch64.rs`), sa_mask/SA_NODEFER/SA_RESETHAND/SA_ONSTACK are applied and the host mask
//!   follows. Faults (memory, undefined instruction, BRK) are delivered synchronously with the
//!   exact guest state at the faulting instruction.

pub mod aarch64;
mod deliver;
mod host;
pub mod safe_syscall;

pub use deliver::{deliver_pending, force_fault, force_mem_fault, force_signal, force_sigsys, force_trap, queue_self};
pub use host::{
    block_all_host, block_more_host, capture_startup_dispositions, current_mask, give_back_pending, init, initial_mask, note_guest_mask, note_sigpipe_ignored, prepare_exec,
    restore_after_failed_exec, set_host_mask,
};

use crate::linux::convert::structs::GuestSigaction;
use std::cell::{Cell, UnsafeCell};
use std::sync::atomic::{AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Number of signals (1..=64).
pub const NSIG: usize = 64;

pub const SIGHUP: i32 = 1;
pub const SIGINT: i32 = 2;
pub const SIGQUIT: i32 = 3;
pub const SIGILL: i32 = 4;
pub const SIGTRAP: i32 = 5;
pub const SIGABRT: i32 = 6;
pub const SIGBUS: i32 = 7;
pub const SIGFPE: i32 = 8;
pub const SIGKILL: i32 = 9;
pub const SIGUSR1: i32 = 10;
pub const SIGSEGV: i32 = 11;
pub const SIGPIPE: i32 = 13;
pub const SIGCHLD: i32 = 17;
pub const SIGCONT: i32 = 18;
pub const SIGSTOP: i32 = 19;
pub const SIGTSTP: i32 = 20;
pub const SIGTTIN: i32 = 21;
pub const SIGTTOU: i32 = 22;
pub const SIGURG: i32 = 23;
pub const SIGXCPU: i32 = 24;
pub const SIGXFSZ: i32 = 25;
pub const SIGWINCH: i32 = 28;
pub const SIGSYS: i32 = 31;

/// sa_flags (asm-generic values, the same on every guest and on the host).
pub const SA_NOCLDSTOP: u64 = 1;
pub const SA_NOCLDWAIT: u64 = 2;
pub const SA_SIGINFO: u64 = 4;
pub const SA_EXPOSE_TAGBITS: u64 = 0x800;
pub const SA_RESTORER: u64 = 0x0400_0000;
pub const SA_ONSTACK: u64 = 0x0800_0000;
pub const SA_RESTART: u64 = 0x1000_0000;
pub const SA_NODEFER: u64 = 0x4000_0000;
pub const SA_RESETHAND: u64 = 0x8000_0000;
/// The flags rt_sigaction keeps (the kernel clears every other bit, so that programs can
/// probe for support; UAPI_SA_FLAGS with arm64's SA_RESTORER).
pub const UAPI_SA_FLAGS: u64 =
    SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_EXPOSE_TAGBITS | SA_RESTORER | SA_ONSTACK | SA_RESTART | SA_NODEFER | SA_RESETHAND;

pub const SIG_DFL: u64 = 0;
pub const SIG_IGN: u64 = 1;

/// si_code values.
pub const SI_USER: i32 = 0;
pub const SI_KERNEL: i32 = 0x80;
pub const SI_TKILL: i32 = -6;
pub const SEGV_MAPERR: i32 = 1;
pub const SEGV_ACCERR: i32 = 2;
pub const BUS_ADRERR: i32 = 2;
pub const ILL_ILLOPC: i32 = 1;
pub const TRAP_BRKPT: i32 = 1;

/// sigaltstack flags.
pub const SS_ONSTACK: u32 = 1;
pub const SS_DISABLE: u32 = 2;
pub const SS_AUTODISARM: u32 = 1 << 31;

/// The bit of signal `sig` in a set.
pub const fn bit(sig: i32) -> u64 {
    1 << (sig - 1)
}

/// SIGKILL and SIGSTOP, which can never be blocked, caught or ignored.
pub const UNBLOCKABLE: u64 = bit(SIGKILL) | bit(SIGSTOP);

/// The signals a guest fault raises, delivered before others (the kernel's SYNCHRONOUS_MASK).
pub const SYNCHRONOUS: u64 = bit(SIGSEGV) | bit(SIGBUS) | bit(SIGILL) | bit(SIGTRAP) | bit(SIGFPE) | bit(SIGSYS);

/// Signals ruser never blocks on the host (it needs them for guest faults).
pub fn host_unblockable() -> u64 {
    crate::exec::fault::FAULT_SIGNALS.iter().fold(UNBLOCKABLE, |m, &s| m | bit(s))
}

/// What a signal does under SIG_DFL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Default {
    Terminate,
    /// Terminate with a core dump (ruser dies of the signal without dumping its own core).
    Core,
    Stop,
    Continue,
    Ignore,
}

pub fn default_action(sig: i32) -> Default {
    match sig {
        SIGQUIT | SIGILL | SIGTRAP | SIGABRT | SIGBUS | SIGFPE | SIGSEGV | SIGXCPU | SIGXFSZ | SIGSYS => Default::Core,
        SIGSTOP | SIGTSTP | SIGTTIN | SIGTTOU => Default::Stop,
        SIGCONT => Default::Continue,
        SIGCHLD | SIGURG | SIGWINCH => Default::Ignore,
        _ => Default::Terminate,
    }
}

/// Whether a signal with this action is discarded rather than delivered.
pub fn ignored(sig: i32, act: &GuestSigaction) -> bool {
    act.handler == SIG_IGN || (act.handler == SIG_DFL && matches!(default_action(sig), Default::Ignore | Default::Continue))
}

/// The guest's dispositions, index = signal number (0 unused). Process-wide (threads share
/// them, as CLONE_SIGHAND requires).
static ACTIONS: Mutex<[GuestSigaction; NSIG + 1]> = Mutex::new([GuestSigaction { handler: 0, flags: 0, restorer: 0, mask: 0 }; NSIG + 1]);

fn actions() -> std::sync::MutexGuard<'static, [GuestSigaction; NSIG + 1]> {
    ACTIONS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Run `f` with the dispositions locked (around a fork).
pub fn with_actions_locked<R>(f: impl FnOnce() -> R) -> R {
    let g = actions();
    let r = f();
    drop(g);
    r
}

/// The guest's action for `sig`.
pub fn action(sig: i32) -> GuestSigaction {
    actions()[sig as usize]
}

/// Set the guest's action for `sig` (1..=64, not SIGKILL/SIGSTOP) and mirror it to the host;
/// returns the old one.
pub fn set_action(sig: i32, new: GuestSigaction) -> GuestSigaction {
    let mut a = actions();
    let old = a[sig as usize];
    a[sig as usize] = new;
    host::mirror(sig, &new);
    old
}

/// A thread's alternate signal stack (the kernel's sas_ss_sp, sas_ss_size, sas_ss_flags).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AltStack {
    pub sp: u64,
    pub size: u64,
    pub flags: u32,
}

impl AltStack {
    pub const DISABLED: AltStack = AltStack { sp: 0, size: 0, flags: SS_DISABLE };

    /// Whether `sp` is on this stack (never, for an auto-disarming one: see the kernel's
    /// on_sig_stack).
    pub fn contains(&self, sp: u64) -> bool {
        self.flags & SS_AUTODISARM == 0 && sp > self.sp && sp - self.sp <= self.size
    }

    /// The flags sigaltstack reports for a thread at `sp`.
    pub fn report_flags(&self, sp: u64) -> u32 {
        let mode = if self.size == 0 {
            SS_DISABLE
        } else if self.contains(sp) {
            SS_ONSTACK
        } else {
            0
        };
        mode | (self.flags & SS_AUTODISARM)
    }
}

/// Size of a siginfo (the same on every Linux ABI).
pub const SIGINFO_SIZE: usize = 128;

/// A siginfo in the generic 64-bit layout (si_signo at 0, si_errno at 4, si_code at 8, the
/// union from 16), which both the host and 64-bit guests use.
#[derive(Clone, Copy)]
pub struct SigInfo(pub [u8; SIGINFO_SIZE]);

impl SigInfo {
    pub fn new(sig: i32, code: i32) -> SigInfo {
        let mut b = [0u8; SIGINFO_SIZE];
        b[0..4].copy_from_slice(&sig.to_le_bytes());
        b[8..12].copy_from_slice(&code.to_le_bytes());
        SigInfo(b)
    }
    /// A fault's siginfo: si_addr at 16.
    pub fn fault(sig: i32, code: i32, addr: u64) -> SigInfo {
        let mut i = SigInfo::new(sig, code);
        i.0[16..24].copy_from_slice(&addr.to_le_bytes());
        i
    }
    pub fn signo(&self) -> i32 {
        i32::from_le_bytes(self.0[0..4].try_into().unwrap())
    }
    pub fn code(&self) -> i32 {
        i32::from_le_bytes(self.0[8..12].try_into().unwrap())
    }
    /// si_pid (kill, sigqueue, SIGCHLD).
    pub fn pid(&self) -> i32 {
        i32::from_le_bytes(self.0[16..20].try_into().unwrap())
    }
}

/// One guest thread's signal state (the kernel keeps these per task). The host handler
/// reaches it through a thread-local pointer (`current`) and touches only the atomics and
/// `infos`; everything else belongs to the thread.
pub struct SigThread {
    /// Signals the host handler took and the guest has not seen yet: bit `s - 1`. Each stays
    /// blocked on the host until it is delivered or given back to the kernel, so at most one
    /// of each is here (SIGSEGV, SIGBUS, SIGILL and SIGFPE cannot be blocked on the host: a
    /// second one arriving while the first waits is merged into it, as the kernel merges
    /// standard signals).
    pending: AtomicU64,
    /// The siginfo of each pending signal (written by the host handler before it sets the
    /// pending bit, read by the thread after it sees the bit).
    infos: [UnsafeCell<[u8; SIGINFO_SIZE]>; NSIG + 1],
    /// Nonzero when a pending signal is not blocked by the guest: interrupts a system call
    /// about to block (`safe_syscall`).
    wake: AtomicU8,
    /// The guest's blocked set. Written only by this thread.
    mask: AtomicU64,
    /// Address of the exit-request flag of this thread's guest state (0 before it has one).
    exit_flag: AtomicUsize,
    /// The mask to restore after the handler that interrupts rt_sigsuspend (or another call
    /// that waits with a temporary mask): the kernel's saved_sigmask.
    saved_mask: Cell<Option<u64>>,
    pub altstack: Cell<AltStack>,
    /// The arm64 thread.fault_address and thread.fault_code (ESR) that signal frames report.
    pub fault_address: Cell<u64>,
    pub fault_code: Cell<u64>,
    /// Set by `blocking` when its system call must be restarted from the guest's svc.
    restart: Cell<bool>,
}

// SAFETY: a SigThread is used by its own thread and that thread's signal handler only; the
// registry of threads (`linux::thread`) only reads its atomics.
unsafe impl Sync for SigThread {}
unsafe impl Send for SigThread {}

thread_local! {
    static CURRENT: Cell<*const SigThread> = const { Cell::new(std::ptr::null()) };
}

impl SigThread {
    /// Signal state for a new thread whose guest mask starts as `mask`.
    pub fn new(mask: u64) -> Box<SigThread> {
        Box::new(SigThread {
            pending: AtomicU64::new(0),
            infos: std::array::from_fn(|_| UnsafeCell::new([0; SIGINFO_SIZE])),
            wake: AtomicU8::new(0),
            mask: AtomicU64::new(mask & !UNBLOCKABLE),
            exit_flag: AtomicUsize::new(0),
            saved_mask: Cell::new(None),
            altstack: Cell::new(AltStack::DISABLED),
            fault_address: Cell::new(0),
            fault_code: Cell::new(0),
            restart: Cell::new(false),
        })
    }

    /// Make this the calling thread's signal state (host signals must be blocked while the
    /// thread sets up). `exit_flag` is its guest state's exit-request flag.
    pub fn attach(&self, exit_flag: &AtomicU8) {
        self.exit_flag.store(exit_flag as *const AtomicU8 as usize, Ordering::Release);
        CURRENT.with(|c| c.set(self));
    }

    /// Undo `attach` (with host signals blocked: the thread is going away).
    pub fn detach(&self) {
        CURRENT.with(|c| c.set(std::ptr::null()));
    }

    /// The guest's blocked set.
    pub fn mask(&self) -> u64 {
        self.mask.load(Ordering::Relaxed)
    }

    /// Signals taken from the host and not yet delivered.
    pub fn pending(&self) -> u64 {
        self.pending.load(Ordering::Acquire)
    }

    /// Address of the byte `safe_syscall` checks.
    pub fn wake_flag(&self) -> *const u8 {
        self.wake.as_ptr() as *const u8
    }

    /// Ask the thread to return to its dispatcher (from the host handler or the thread).
    fn request_exit(&self) {
        let f = self.exit_flag.load(Ordering::Acquire);
        if f != 0 {
            // SAFETY: the flag lives in the thread's guest state, which outlives the
            // attachment (see `attach`).
            unsafe { (*(f as *const AtomicU8)).store(1, Ordering::SeqCst) };
        }
    }

    /// Take pending signal `sig` off the queue, with its siginfo.
    fn take(&self, sig: i32) -> SigInfo {
        // SAFETY: the bit is set, so the handler wrote this entry before and will not write it
        // again while the bit stays set (the signal is blocked on the host or merged).
        let info = SigInfo(unsafe { *self.infos[sig as usize].get() });
        self.pending.fetch_and(!bit(sig), Ordering::AcqRel);
        info
    }

    /// Queue a signal from the thread itself (a forced SIGSEGV), as the handler would.
    fn push(&self, info: &SigInfo) {
        let sig = info.signo();
        // SAFETY: written by this thread with host signals blocked (see `deliver`).
        unsafe { *self.infos[sig as usize].get() = info.0 };
        self.pending.fetch_or(bit(sig), Ordering::AcqRel);
    }

    /// Recompute the wake byte (and ask for an exit when a signal is deliverable).
    fn update_wake(&self) {
        let deliverable = self.pending() & !self.mask() != 0;
        self.wake.store(deliverable as u8, Ordering::SeqCst);
        if deliverable {
            self.request_exit();
        }
    }

    /// Note that the system call in progress must be restarted (see `blocking`).
    pub fn set_restart(&self) {
        self.restart.set(true);
    }

    /// Whether the last system call asked for a restart (clearing it).
    pub fn take_restart(&self) -> bool {
        self.restart.replace(false)
    }

    /// Set the mask to restore after the next handler runs (rt_sigsuspend's saved mask).
    pub fn set_saved_mask(&self, m: u64) {
        self.saved_mask.set(Some(m));
    }
}

/// The calling thread's signal state, if it is a guest thread.
pub fn try_current() -> Option<&'static SigThread> {
    let p = CURRENT.try_with(|c| c.get()).ok()?;
    // SAFETY: set by `attach` to a SigThread that stays alive until `detach`.
    unsafe { p.as_ref() }
}

/// The calling thread's signal state (every guest thread has one).
pub fn current() -> &'static SigThread {
    try_current().expect("a guest thread without signal state")
}

/// Change the calling thread's guest mask to `new` (SIGKILL and SIGSTOP are dropped) and the
/// host mask with it; pending signals it unblocks are delivered when the system call
/// returns, signals it blocks go back to the kernel (where rt_sigpending, sigtimedwait and
/// signalfd see them).
pub fn set_mask(new: u64) {
    let t = current();
    block_all_host();
    t.mask.store(new & !UNBLOCKABLE, Ordering::Relaxed);
    host::requeue_blocked(t);
    t.update_wake();
    set_host_mask(t);
}

/// Run a blocking call with `mask` (when given) as the thread's mask, as ppoll, pselect6 and
/// epoll_pwait do: a signal the temporary mask lets through interrupts the call, and its
/// handler runs with the old mask saved in its frame (restored when it returns); otherwise
/// the old mask comes back when the call returns. Host signals the temporary mask blocks
/// stay pending in the kernel.
pub fn with_temp_mask(mask: Option<u64>, call: impl FnOnce() -> Result<u64, nix::errno::Errno>) -> Result<u64, nix::errno::Errno> {
    let Some(m) = mask else { return call() };
    let t = current();
    let old = t.mask();
    set_mask(m);
    let r = call();
    // These calls return ERESTARTNOHAND, so a handler that runs makes them fail with EINTR,
    // never restart (the signal may be one only the temporary mask lets through).
    t.take_restart();
    if r == Err(nix::errno::Errno::EINTR) {
        // Delivery builds the frame with the old mask and restores it if no handler ran.
        t.set_saved_mask(old);
    } else {
        set_mask(old);
    }
    r
}

/// The guest's pending signals, as rt_sigpending reports them: pending and blocked.
pub fn sigpending() -> u64 {
    let t = current();
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: the raw call writes 8 bytes of the set.
    unsafe { libc::syscall(libc::SYS_rt_sigpending, &mut set as *mut libc::sigset_t, 8) };
    let host = unsafe { *(&set as *const libc::sigset_t as *const u64) };
    (host | t.pending()) & t.mask()
}

/// Take a pending signal of `set` that the host handler already took (sigtimedwait looks
/// here before asking the kernel).
pub fn take_pending_in(set: u64) -> Option<SigInfo> {
    let t = current();
    let p = t.pending() & set;
    if p == 0 {
        return None;
    }
    block_all_host();
    let sig = deliver::next_signal(p);
    let info = t.take(sig);
    t.update_wake();
    set_host_mask(t);
    Some(info)
}

/// The per-task signal state a vfork child shares with the thread that made it (they share
/// memory and that thread's thread-locals): saved before the child runs, put back when the
/// parent resumes. The child's changes (posix_spawn's child resets handled signals to
/// SIG_DFL) are its own: its host dispositions are a copy (no CLONE_SIGHAND).
pub struct VforkSave {
    actions: [GuestSigaction; NSIG + 1],
    current: *const SigThread,
    clear_child_tid: u64,
}

impl VforkSave {
    pub fn save() -> VforkSave {
        VforkSave {
            actions: *actions(),
            current: CURRENT.with(|c| c.get()),
            clear_child_tid: crate::linux::thread::clear_child_tid(),
        }
    }

    pub fn restore(self) {
        *actions() = self.actions;
        CURRENT.with(|c| c.set(self.current));
        crate::linux::thread::set_clear_child_tid(self.clear_child_tid);
    }
}
