//! Guest threads: every guest thread is a host thread with its own CPU state, execution
//! engine and signal state; memory, translations, dispositions and file descriptors are
//! shared, as CLONE_VM | CLONE_SIGHAND | CLONE_FILES | CLONE_FS | CLONE_THREAD share them.
//!
//! Guest tids are host tids, so tgkill, futex PI owners, robust futexes and /proc need no
//! translation. Exits follow the kernel: `exit` ends one thread (its robust futexes are marked
//! EOWNERDEAD and its CLONE_CHILD_CLEARTID word cleared and woken), and the process ends when
//! the last thread has gone, with the status of the thread group leader; `exit_group` ends
//! every thread. The robust list of each thread is also registered with the host kernel, so a
//! process that dies by exit_group or a signal releases its robust futexes natively.

use super::signal::{self, SigThread};
use super::syscall::Ctx;
use super::{Flow, Process};
use crate::exec::{Backend, Engine, Stop};
use crate::guest::{exit_flag_offset, CpuState};
use crate::mem::PROT_WRITE;
use nix::errno::Errno;
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Guest threads alive in this process.
static LIVE: AtomicUsize = AtomicUsize::new(1);

/// The process and backend every thread runs (set once, by `run_main`).
static PROCESS: OnceLock<(&'static Process, Backend)> = OnceLock::new();

/// Host stack of each thread after the first (ruser's own frames, not the guest's stack).
const HOST_STACK: usize = 4 << 20;

thread_local! {
    /// CLONE_CHILD_CLEARTID / set_tid_address: the word cleared and woken at thread exit.
    static CLEAR_CHILD_TID: Cell<u64> = const { Cell::new(0) };
}

/// How a thread's dispatcher loop ended.
enum End {
    /// exit_group (or the last thread's exit): the process ends with this status.
    Group(i32),
    /// exit: only this thread ends.
    Thread(i32),
}

/// Run the program's first thread to the end; returns the process exit status (the
/// process may also end elsewhere: exit_group in another thread, a fatal signal).
pub fn run_main(p: Process, mut cpu: CpuState, backend: Backend) -> i32 {
    let p: &'static Process = Box::leak(Box::new(p));
    let _ = PROCESS.set((p, backend));
    let flag_off = exit_flag_offset(p.arch.state_size());
    // The guest starts with the signal mask and dispositions ruser was started with.
    // Fault signals blocked and pending (kept through an exec, see `signal::prepare_exec`)
    // stay blocked until the thread's signal state exists to take them.
    let old_mask = signal::block_more_host();
    signal::init();
    let sig = SigThread::new(signal::initial_mask(old_mask));
    sig.attach(cpu.exit_flag(flag_off));
    no_host_robust_list();
    signal::set_host_mask(&sig);
    match run_loop(p, &mut cpu, backend) {
        End::Group(code) => code,
        End::Thread(code) => {
            if thread_exit_cleanup(&sig) {
                return code;
            }
            // The leader goes while other threads run; the process ends when the last one
            // has gone, with that one's status.
            unsafe { libc::syscall(libc::SYS_exit, code) };
            unreachable!("exit returned")
        }
    }
}

/// The dispatcher loop of one guest thread.
fn run_loop(p: &'static Process, cpu: &mut CpuState, backend: Backend) -> End {
    let mut engine = Engine::new(p.arch, backend);
    // The thread a debugger is attached to (-g) runs the debugger's loop until it goes.
    if super::gdb::active() {
        match super::gdb::run_loop(p, cpu, &mut engine) {
            Some(Flow::Exit(code)) => return exit_group(code),
            Some(Flow::ThreadExit(code)) => return End::Thread(code),
            _ => {}
        }
    }
    loop {
        match engine.run(cpu, &p.mem) {
            Stop::Syscall => match super::syscall::dispatch(p, cpu) {
                Flow::Continue | Flow::Restart => {}
                Flow::Exit(code) => return exit_group(code),
                Flow::ThreadExit(code) => return End::Thread(code),
            },
            Stop::Trap(trap) => signal::force_trap(p, cpu, trap),
            Stop::Fault(f) => signal::force_mem_fault(p, cpu, f),
            Stop::Interrupted => {}
        }
        signal::deliver_pending(p, cpu);
    }
}

/// exit_group (or the last thread's exit) with status `code`.
fn exit_group(code: i32) -> End {
    crate::exec::phases::report();
    if LIVE.load(Ordering::Acquire) > 1 {
        // Other threads may be running guest code: end them all now.
        unsafe { libc::_exit(code) };
    }
    End::Group(code)
}

/// The host's robust list of this thread is the guest's: none until it sets one.
fn no_host_robust_list() {
    unsafe { libc::syscall(libc::SYS_set_robust_list, 0usize, ROBUST_HEAD_SIZE) };
}

/// sizeof(struct robust_list_head) on 64-bit guests (and the host).
pub const ROBUST_HEAD_SIZE: usize = 24;

/// What the kernel does when a thread exits (exit_mm → mm_release), before the host thread
/// goes: robust futexes the thread still holds are marked FUTEX_OWNER_DIED (a waiter wakes
/// and gets EOWNERDEAD), then the CLONE_CHILD_CLEARTID word is cleared and woken. Signals
/// the thread took for the process go back to it. Returns whether this was the last guest
/// thread: then every other host thread has ended too, and the process ends with this
/// thread's status, as the kernel ends it with the last thread's.
fn thread_exit_cleanup(t: &SigThread) -> bool {
    let mem = &PROCESS.get().expect("process").0.mem;
    crate::exec::crosscheck::serialized(|| {
        exit_robust_list(mem, crate::linux::gettid());
        no_host_robust_list();
        let ctid = CLEAR_CHILD_TID.with(|c| c.get());
        if ctid != 0 && mem.write_u32(ctid, 0).is_ok() {
            futex_wake(mem.g2h(ctid), 1);
        }
    });
    signal::block_all_host();
    signal::give_back_pending(t);
    t.detach();
    crate::linux::seccomp::thread_exit();
    let last = LIVE.fetch_sub(1, Ordering::AcqRel) == 1;
    if last {
        // Threads that exited before this one may still be on their way out of the host:
        // wait for them, so that this thread's status is the process's.
        let me = crate::linux::gettid();
        let others: Vec<_> = {
            let mut h = handles();
            let (mine, others): (Vec<_>, Vec<_>) = h.drain(..).partition(|(tid, _)| *tid == me);
            *h = mine;
            others
        };
        for (_, j) in others {
            let _ = j.join();
        }
    }
    last
}

/// Host threads of guest threads, for joining the finished ones.
static HANDLES: std::sync::Mutex<Vec<(i32, std::thread::JoinHandle<()>)>> = std::sync::Mutex::new(Vec::new());

fn handles() -> std::sync::MutexGuard<'static, Vec<(i32, std::thread::JoinHandle<()>)>> {
    HANDLES.lock().unwrap_or_else(|e| e.into_inner())
}

/// Join the host threads whose guest thread has ended (their resources go back).
fn reap_finished() {
    let done: Vec<_> = {
        let mut h = handles();
        let (done, running): (Vec<_>, Vec<_>) = h.drain(..).partition(|(_, j)| j.is_finished());
        *h = running;
        done
    };
    for (_, j) in done {
        let _ = j.join();
    }
}

fn futex_wake(p: *mut u8, n: i32) {
    // A shared (not FUTEX_PRIVATE) wake also finds private waiters on private memory.
    unsafe { libc::syscall(libc::SYS_futex, p, libc::FUTEX_WAKE, n, 0usize, 0usize, 0u32) };
}

const FUTEX_WAITERS: u32 = 0x8000_0000;
const FUTEX_OWNER_DIED: u32 = 0x4000_0000;
const FUTEX_TID_MASK: u32 = 0x3fff_ffff;
/// The kernel's limit on robust list entries walked at exit (ROBUST_LIST_LIMIT).
const ROBUST_LIST_LIMIT: usize = 2048;

/// The kernel's exit_robust_list, on guest memory: walk the list registered with
/// set_robust_list and release each futex this thread (`tid`) still owns.
fn exit_robust_list(mem: &crate::mem::GuestMem, tid: i32) {
    let (mut head, mut len) = (0usize, 0usize);
    // SAFETY: the kernel writes the two words.
    if unsafe { libc::syscall(libc::SYS_get_robust_list, 0, &mut head as *mut usize, &mut len as *mut usize) } != 0 || head == 0 {
        return;
    }
    let head = mem.h2g(head);
    let read = |a: u64| mem.read_u64(a).ok();
    let (Some(first), Some(offset), Some(pending)) = (read(head), read(head + 8), read(head + 16)) else { return };
    let (pending, pending_pi) = (pending & !1, pending & 1 != 0);
    let (mut entry, mut pi) = (first & !1, first & 1 != 0);
    let mut limit = ROBUST_LIST_LIMIT;
    while entry != head {
        let Some(next) = read(entry) else { return };
        if entry != pending {
            handle_futex_death(mem, entry.wrapping_add(offset), tid, pi, false);
        }
        entry = next & !1;
        pi = next & 1 != 0;
        limit -= 1;
        if limit == 0 {
            break;
        }
    }
    if pending != 0 {
        handle_futex_death(mem, pending.wrapping_add(offset), tid, pending_pi, true);
    }
}

/// The kernel's handle_futex_death for the futex word at `uaddr`.
fn handle_futex_death(mem: &crate::mem::GuestMem, uaddr: u64, tid: i32, pi: bool, pending_op: bool) {
    if !uaddr.is_multiple_of(4) || !mem.is_accessible(uaddr, 4, PROT_WRITE) {
        return;
    }
    let p = mem.g2h(uaddr);
    loop {
        // SAFETY: through the fault-safe accessors.
        let Ok(uval) = (unsafe { crate::access::load(p, 4) }).map(|v| v as u32) else { return };
        if pending_op && !pi && uval == 0 {
            futex_wake(p, 1);
            return;
        }
        if uval & FUTEX_TID_MASK != tid as u32 {
            return;
        }
        let mval = (uval & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
        let Ok(got) = (unsafe { crate::access::cas(p, 4, uval as u64, mval as u64) }) else { return };
        if got as u32 != uval {
            continue;
        }
        if !pi && uval & FUTEX_WAITERS != 0 {
            futex_wake(p, 1);
        }
        return;
    }
}

/// set_tid_address: this thread's CLONE_CHILD_CLEARTID word.
pub fn set_clear_child_tid(addr: u64) {
    CLEAR_CHILD_TID.with(|c| c.set(addr));
}

pub fn clear_child_tid() -> u64 {
    CLEAR_CHILD_TID.with(|c| c.get())
}

/// The dispatcher loop of a vfork child (a process sharing the parent's memory until it
/// execs or exits): returns its exit status. Nothing of the parent's thread bookkeeping is
/// touched: the child is not one of its threads.
pub fn vfork_child_loop(p: &Process, cpu: &mut CpuState, engine: &mut Engine) -> i32 {
    loop {
        match engine.run(cpu, &p.mem) {
            Stop::Syscall => match super::syscall::dispatch(p, cpu) {
                Flow::Continue | Flow::Restart => {}
                Flow::Exit(code) | Flow::ThreadExit(code) => return code,
            },
            Stop::Trap(trap) => signal::force_trap(p, cpu, trap),
            Stop::Fault(f) => signal::force_mem_fault(p, cpu, f),
            Stop::Interrupted => {}
        }
        signal::deliver_pending(p, cpu);
    }
}

/// What a new guest thread starts with.
pub struct NewThread {
    pub flags: u64,
    /// Guest stack pointer (0: the parent's).
    pub sp: u64,
    pub parent_tid: u64,
    pub child_tid: u64,
    pub tls: u64,
}

pub const CLONE_VM: u64 = 0x100;
pub const CLONE_FS: u64 = 0x200;
pub const CLONE_FILES: u64 = 0x400;
pub const CLONE_SIGHAND: u64 = 0x800;
pub const CLONE_PIDFD: u64 = 0x1000;
pub const CLONE_PTRACE: u64 = 0x2000;
pub const CLONE_VFORK: u64 = 0x4000;
pub const CLONE_THREAD: u64 = 0x10000;
pub const CLONE_SYSVSEM: u64 = 0x40000;
pub const CLONE_SETTLS: u64 = 0x80000;
pub const CLONE_PARENT_SETTID: u64 = 0x100000;
pub const CLONE_CHILD_CLEARTID: u64 = 0x200000;
pub const CLONE_DETACHED: u64 = 0x400000;
pub const CLONE_UNTRACED: u64 = 0x800000;
pub const CLONE_CHILD_SETTID: u64 = 0x1000000;
pub const CSIGNAL: u64 = 0xff;

const CLONE_NEWNS: u64 = 0x20000;
const CLONE_NEWUSER: u64 = 0x1000_0000;

/// The consistency rules of the kernel's copy_process that both clone and clone3 apply
/// before anything else.
pub fn check_clone_flags(flags: u64) -> Result<(), Errno> {
    if (flags & (CLONE_NEWNS | CLONE_FS) == CLONE_NEWNS | CLONE_FS)
        || (flags & (CLONE_NEWUSER | CLONE_FS) == CLONE_NEWUSER | CLONE_FS)
        || (flags & CLONE_THREAD != 0 && flags & CLONE_SIGHAND == 0)
        || (flags & CLONE_SIGHAND != 0 && flags & CLONE_VM == 0)
    {
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// Whether clone `flags` ask for a thread (shared memory without vfork): `create` handles
/// those; the fork-like forms are the process code's.
pub fn is_thread_clone(flags: u64) -> bool {
    flags & CLONE_VM != 0 && flags & CLONE_VFORK == 0
}

/// Flags a thread clone may carry besides the ones it must.
const THREAD_OPTIONAL: u64 =
    CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_DETACHED | CLONE_UNTRACED | CLONE_PTRACE;
/// What every thread shares (host threads share them all).
const THREAD_REQUIRED: u64 = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD;

/// Create a guest thread (clone or clone3 with CLONE_VM and without CLONE_VFORK); returns its
/// tid. `c.cpu` is the parent's state with the pc after the system call.
pub fn create(c: &mut Ctx, t: NewThread) -> Result<u64, Errno> {
    let fl = t.flags & !CSIGNAL;
    check_clone_flags(fl)?;
    if fl & THREAD_REQUIRED != THREAD_REQUIRED || fl & !(THREAD_REQUIRED | THREAD_OPTIONAL) != 0 {
        // A process sharing memory without being a thread (or unsharing files, fs): one host
        // process cannot hold that.
        crate::logf!(crate::log::Item::Unimp, "ruser: unsupported clone flags {:#x}", t.flags);
        return Err(Errno::ENOSYS);
    }
    let Some(&(p, backend)) = PROCESS.get() else { return Err(Errno::ENOSYS) };
    let mut cpu = c.cpu.clone();
    if t.sp != 0 {
        p.arch.set_sp(&mut cpu, t.sp);
    }
    if fl & CLONE_SETTLS != 0 {
        p.arch.set_tls(&mut cpu, t.tls);
    }
    p.arch.set_child_return(&mut cpu);
    // A new thread starts with a clear exit-request flag.
    cpu.exit_flag(exit_flag_offset(p.arch.state_size())).store(0, Ordering::Relaxed);
    let mask = signal::current().mask();
    let seccomp = crate::linux::seccomp::current();
    // The host thread starts with every signal blocked; it sets its own mask once its
    // signal state exists.
    signal::block_all_host();
    LIVE.fetch_add(1, Ordering::AcqRel);
    let (tx, rx) = std::sync::mpsc::channel::<i32>();
    reap_finished();
    let spawned = std::thread::Builder::new().stack_size(HOST_STACK).spawn(move || thread_main(p, backend, cpu, mask, t, tx, seccomp));
    let tid = match spawned {
        Ok(j) => {
            let tid = rx.recv().map_err(|_| Errno::EAGAIN);
            if let Ok(tid) = tid {
                handles().push((tid, j));
            }
            tid
        }
        Err(_) => Err(Errno::EAGAIN),
    };
    if tid.is_err() {
        LIVE.fetch_sub(1, Ordering::AcqRel);
    }
    signal::set_host_mask(signal::current());
    tid.map(|t| t as u64)
}

/// The host thread of a guest thread.
fn thread_main(p: &'static Process, backend: Backend, mut cpu: CpuState, mask: u64, t: NewThread, tx: std::sync::mpsc::Sender<i32>, seccomp: crate::linux::seccomp::Mode) {
    let tid = crate::linux::gettid();
    crate::linux::seccomp::thread_start(seccomp);
    let altstack = crate::exec::fault::install_altstack();
    no_host_robust_list();
    let sig = SigThread::new(mask);
    sig.attach(cpu.exit_flag(exit_flag_offset(p.arch.state_size())));
    // The tid words are written before the parent's clone returns and before the thread
    // runs, as the kernel does (failures are ignored, as there).
    if t.flags & CLONE_PARENT_SETTID != 0 {
        let _ = p.mem.write_u32(t.parent_tid, tid as u32);
    }
    if t.flags & CLONE_CHILD_SETTID != 0 {
        let _ = p.mem.write_u32(t.child_tid, tid as u32);
    }
    if t.flags & CLONE_CHILD_CLEARTID != 0 {
        set_clear_child_tid(t.child_tid);
    }
    let _ = tx.send(tid);
    drop(tx);
    signal::set_host_mask(&sig);
    let end = run_loop(p, &mut cpu, backend);
    match end {
        End::Group(code) => unsafe { libc::_exit(code) },
        End::Thread(code) => {
            if thread_exit_cleanup(&sig) {
                unsafe { libc::_exit(code) };
            }
        }
    }
    drop(sig);
    if let Some((a, n)) = altstack {
        let off = libc::stack_t { ss_sp: std::ptr::null_mut(), ss_flags: libc::SS_DISABLE, ss_size: 0 };
        unsafe {
            libc::sigaltstack(&off, std::ptr::null_mut());
            libc::munmap(a as *mut libc::c_void, n);
        }
    }
}

/// Run `fork` with every lock other threads may hold taken, so that the child (where only
/// the forking thread exists) does not inherit one held by a thread that is gone. In the
/// child, this thread is the only one.
pub fn fork_with(p: &Process, fork: impl FnOnce() -> i64) -> i64 {
    let gate = crate::exec::gate::before_fork();
    let pid = crate::jit::with_locked(|| {
        let mem = p.mem.lock();
        let pid = crate::mem::codepages::with_locked(|| signal::with_actions_locked(|| crate::log::with_locked(|| crate::linux::seccomp::with_locked(fork))));
        drop(mem);
        pid
    });
    crate::exec::gate::after_fork(gate, pid == 0);
    if pid == 0 {
        LIVE.store(1, Ordering::Release);
        crate::linux::seccomp::after_fork_child();
        super::gdb::forget_in_child();
    }
    pid
}

/// How many guest threads the process has.
pub fn live_threads() -> usize {
    LIVE.load(Ordering::Acquire)
}
