//! Making the shared code cache safe to empty while other threads run translated code.
//!
//! Every thread inside `Engine::run` is *running*: it may hold host addresses of translated
//! code (the block it is about to enter, a jump field to link, the code it is executing).
//! Emptying the code region (a flush, when it is full) reuses those addresses, so it happens
//! only when no other thread is running: the flushing thread asks every running thread to
//! leave translated code (through its exit-request flag, which every block polls at entry),
//! waits until each has parked at its dispatcher loop (where it holds no code address), flushes,
//! and lets them go on. Threads outside `Engine::run` (in a system call, blocked, exiting)
//! are not running and do not hold anything up; they wait at `enter` while a flush is on.
//!
//! Dropping translations (invalidation, for self-modifying code and unmapping) does not need
//! this: it only unlinks jumps and empties the lookup table, and the code stays in place until
//! the next flush, so a thread still executing it finishes its block safely.

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

struct State {
    /// Threads inside `Engine::run`, with their exit-request flags.
    running: Vec<usize>,
}

struct Gate {
    state: Mutex<State>,
    cv: Condvar,
    /// A flush is waiting for running threads to park.
    want: AtomicBool,
}

static GATE: Gate = Gate { state: Mutex::new(State { running: Vec::new() }), cv: Condvar::new(), want: AtomicBool::new(false) };

fn lock() -> MutexGuard<'static, State> {
    GATE.state.lock().unwrap_or_else(|e| e.into_inner())
}

/// A running thread's registration; dropping it leaves.
pub struct Running {
    flag: usize,
}

/// Enter the running state with exit-request flag `flag` (waits while a flush is on).
pub fn enter(flag: &AtomicU8) -> Running {
    let flag = flag as *const AtomicU8 as usize;
    let mut g = lock();
    while GATE.want.load(Ordering::Acquire) {
        g = GATE.cv.wait(g).unwrap_or_else(|e| e.into_inner());
    }
    g.running.push(flag);
    Running { flag }
}

fn leave_locked(g: &mut State, flag: usize) {
    if let Some(i) = g.running.iter().position(|&f| f == flag) {
        g.running.swap_remove(i);
    }
    // Threads wait on the condition variable only while a flush is wanted (`want` is read and
    // changed under the lock, and clearing it notifies everyone), so without a flush nobody
    // waits, and a thread leaving at every system call makes no futex call.
    if GATE.want.load(Ordering::Acquire) {
        GATE.cv.notify_all();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        leave_locked(&mut lock(), self.flag);
    }
}

impl Running {
    /// Whether a flush is waiting for this thread (cheap: one load).
    #[inline]
    pub fn flush_wanted(&self) -> bool {
        GATE.want.load(Ordering::Acquire)
    }

    /// Step out while a flush is on, then come back. Call only where the thread holds no
    /// address of translated code.
    pub fn park(&self) {
        let mut g = lock();
        if !GATE.want.load(Ordering::Acquire) {
            return;
        }
        leave_locked(&mut g, self.flag);
        while GATE.want.load(Ordering::Acquire) {
            g = GATE.cv.wait(g).unwrap_or_else(|e| e.into_inner());
        }
        g.running.push(self.flag);
    }

    /// Run `flush` while no other thread runs translated code. When another thread is
    /// already flushing, this one parks until it is done instead (the code region is empty
    /// then too) and `flush` is not called. Call only where the thread holds no address of
    /// translated code.
    pub fn exclusive(&self, flush: impl FnOnce()) {
        let mut g = lock();
        if GATE.want.load(Ordering::Acquire) {
            drop(g);
            self.park();
            return;
        }
        GATE.want.store(true, Ordering::Release);
        leave_locked(&mut g, self.flag);
        for &f in &g.running {
            // SAFETY: a registered flag belongs to a running thread, which unregisters (under
            // this lock) before its state goes away.
            unsafe { (*(f as *const AtomicU8)).store(1, Ordering::Release) };
        }
        while !g.running.is_empty() {
            g = GATE.cv.wait(g).unwrap_or_else(|e| e.into_inner());
        }
        flush();
        GATE.want.store(false, Ordering::Release);
        g.running.push(self.flag);
        GATE.cv.notify_all();
    }
}

/// Drop the registration of a thread that went away without leaving (a vfork child killed
/// while it ran guest code: it shared this memory, then vanished from it).
pub fn forget(flag: &AtomicU8) {
    let mut g = lock();
    leave_locked(&mut g, flag as *const AtomicU8 as usize);
}

/// The gate held across a fork (see `before_fork`).
pub struct ForkGuard(MutexGuard<'static, State>);

/// Hold the gate across a fork, so the child does not inherit it locked by a thread that
/// does not exist there. The forking thread is in a system call, so not running.
pub fn before_fork() -> ForkGuard {
    ForkGuard(lock())
}

/// After a fork: in the child only the forking thread exists, so no thread is running and
/// no flush is waiting.
pub fn after_fork(mut g: ForkGuard, child: bool) {
    if child {
        g.0.running.clear();
        GATE.want.store(false, Ordering::Release);
    }
}
