//! New processes: the forms of clone without CLONE_THREAD (fork, vfork, posix_spawn's
//! clone). Threads are `process::sys_clone`'s other path.
//!
//! - **fork** (no CLONE_VM): the host forks ruser; the child returns 0 from the syscall on a
//!   copy of everything. With CLONE_VFORK the host also suspends the parent until the child
//!   execs or exits.
//! - **vfork** (CLONE_VM|CLONE_VFORK, as glibc's vfork and posix_spawn use it): the child
//!   must share the parent's memory (posix_spawn's child reports an exec failure through it)
//!   and the parent must not run until the child execs or exits. The host clones ruser the
//!   same way: the child is a process sharing ruser's address space, on a host stack of its
//!   own, running its own engine on a copy of the guest registers; the kernel suspends the
//!   parent until the child's execve (which gives the child a fresh address space) or exit.
//!   The child leaves with `_exit`, never through Rust's exit path (that would flush and
//!   tear down state the parent still uses).

use super::{host, Ctx, SysResult};
use crate::exec::Engine;
use crate::guest::{CpuState, GuestArch};
use crate::linux::convert::GuestWriter;
use crate::linux::Process;
use crate::log::Item;
use crate::logf;
use nix::errno::Errno;

pub const CLONE_VM: u64 = 0x100;
pub const CLONE_VFORK: u64 = 0x4000;
pub const CLONE_SETTLS: u64 = 0x80000;
pub const CLONE_PARENT_SETTID: u64 = 0x100000;
pub const CLONE_CHILD_CLEARTID: u64 = 0x200000;
pub const CLONE_CHILD_SETTID: u64 = 0x1000000;
pub const CSIGNAL: u64 = 0xff;

/// Host stack of a vfork child (reserved, not committed).
const CHILD_STACK: usize = 8 << 20;

/// clone(flags, newsp, parent_tid, tls, child_tid) without CLONE_THREAD: fork and vfork, with
/// CLONE_CHILD_SETTID / CLONE_CHILD_CLEARTID / CLONE_PARENT_SETTID / CLONE_SETTLS. Other
/// flags (namespaces, CLONE_VM without CLONE_VFORK, ...) → ENOSYS, named under `-d unimp`.
pub fn clone_process(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let fl = a[0];
    let known = CSIGNAL | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CLONE_PARENT_SETTID | CLONE_SETTLS | CLONE_VM | CLONE_VFORK;
    if fl & !known != 0 || fl & (CLONE_VM | CLONE_VFORK) == CLONE_VM {
        logf!(Item::Unimp, "ruser: unsupported clone flags {fl:#x}");
        return Err(Errno::ENOSYS);
    }
    if fl & CLONE_VM != 0 {
        vfork(c, a)
    } else {
        fork(c, a)
    }
}

/// The child's registers: 0 from the syscall, its own stack and TLS when given.
fn child_regs(arch: &dyn GuestArch, cpu: &mut CpuState, a: [u64; 6]) {
    let (fl, newsp, tls) = (a[0], a[1], a[3]);
    if newsp != 0 {
        arch.set_sp(cpu, newsp);
    }
    if fl & CLONE_SETTLS != 0 {
        arch.set_tls(cpu, tls);
    }
    arch.set_child_return(cpu);
}

fn put_tid(c: &Ctx, addr: u64, tid: u32) {
    let mut w = GuestWriter::new(4, c.abi);
    w.u32(0, tid);
    let _ = c.put(addr, &w);
}

fn fork(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (fl, ptid, ctid) = (a[0], a[2], a[4]);
    let sig = fl & CSIGNAL;
    // Every lock another guest thread may hold is taken across the fork (see `fork_with`).
    let pid = crate::linux::thread::fork_with(c.p, || {
        if sig == libc::SIGCHLD as u64 && fl & CLONE_VFORK == 0 {
            unsafe { libc::fork() as i64 }
        } else {
            // Another exit signal, or CLONE_VFORK without CLONE_VM: the raw syscall (a fork).
            unsafe { libc::syscall(libc::SYS_clone, sig | (fl & CLONE_VFORK), 0u64, 0u64, 0u64, 0u64) }
        }
    });
    let pid = host(pid)?;
    if pid == 0 {
        let tid = crate::linux::gettid() as u32;
        child_regs(c.p.arch, c.cpu, a);
        if fl & CLONE_CHILD_SETTID != 0 {
            put_tid(c, ctid, tid);
        }
        if fl & CLONE_CHILD_CLEARTID != 0 {
            crate::linux::thread::set_clear_child_tid(ctid);
        }
        return Ok(0);
    }
    if fl & CLONE_PARENT_SETTID != 0 {
        put_tid(c, ptid, pid as u32);
    }
    Ok(pid)
}

/// What the vfork child runs on (lives in the parent's memory, which the child shares).
struct VforkChild {
    p: *const Process,
    cpu: CpuState,
    engine: Engine,
    /// Where to store the child's tid (CLONE_CHILD_SETTID), or 0.
    settid: u64,
    /// The child's own signal state (a new task: its mask starts as the parent's).
    signals: Box<crate::linux::signal::SigThread>,
}

extern "C" fn vfork_child(arg: *mut libc::c_void) -> libc::c_int {
    // SAFETY: the parent keeps the VforkChild alive and does not run until this process
    // has exec'd or exited; the Process outlives both.
    let ch = unsafe { &mut *(arg as *mut VforkChild) };
    let p = unsafe { &*ch.p };
    crate::exec::fault::reset_thread_marks();
    if ch.settid != 0 {
        let tid = crate::linux::gettid() as u32;
        let _ = p.mem.write(ch.settid, &tid.to_le_bytes());
    }
    // The child shares the parent thread's thread-local state: its own signal state goes in.
    ch.signals.attach(ch.cpu.exit_flag(crate::guest::exit_flag_offset(p.arch.state_size())));
    crate::linux::signal::set_host_mask(&ch.signals);
    let code = crate::linux::thread::vfork_child_loop(p, &mut ch.cpu, &mut ch.engine);
    // SAFETY: leave without running exit handlers in the shared address space.
    unsafe { libc::_exit(code) }
}

fn vfork(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (fl, ptid, ctid) = (a[0], a[2], a[4]);
    let mut cpu = c.cpu.clone();
    child_regs(c.p.arch, &mut cpu, a);
    let settid = if fl & CLONE_CHILD_SETTID != 0 { ctid } else { 0 };
    if fl & CLONE_CHILD_CLEARTID != 0 {
        // The child's exit would clear it and wake a futex: nothing waits on a vfork child's
        // tid in practice; recorded like fork does (the child's own copy is this process's).
        logf!(Item::Unimp, "ruser: CLONE_CHILD_CLEARTID with CLONE_VFORK is ignored");
    }
    let parent_signals = crate::linux::signal::current();
    let signals = crate::linux::signal::SigThread::new(parent_signals.mask());
    signals.altstack.set(parent_signals.altstack.get());
    let mut child = Box::new(VforkChild { p: c.p as *const Process, cpu, engine: Engine::new(c.p.arch, c.p.launch.backend), settid, signals });
    // SAFETY: a fresh private mapping for the child's host stack.
    let stack = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            CHILD_STACK,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE | libc::MAP_STACK,
            -1,
            0,
        )
    };
    if stack == libc::MAP_FAILED {
        return Err(Errno::ENOMEM);
    }
    let top = unsafe { (stack as *mut u8).add(CHILD_STACK) } as *mut libc::c_void;
    // What the child changes of the state the kernel keeps per task (dispositions without
    // CLONE_SIGHAND: posix_spawn's child resets handled signals to default) lives in memory the
    // child shares with us, so it is saved here and put back when we resume.
    let saved = crate::linux::signal::VforkSave::save();
    let flags = libc::CLONE_VM | libc::CLONE_VFORK | (fl & CSIGNAL) as i32;
    // SAFETY: the child runs vfork_child on its own stack; this thread sleeps until the
    // child has exec'd or exited, so nothing here is used by both at once.
    let pid = unsafe { libc::clone(vfork_child, top, flags, &mut *child as *mut VforkChild as *mut libc::c_void) };
    let err = Errno::last();
    // The child is gone from this address space now: its stack and engine are ours again,
    // and what it changed of the per-task state it shared with us was its own.
    saved.restore();
    crate::exec::gate::forget(child.cpu.exit_flag(crate::guest::exit_flag_offset(c.p.arch.state_size())));
    crate::exec::fault::reset_thread_marks();
    unsafe { libc::munmap(stack, CHILD_STACK) };
    drop(child);
    if pid < 0 {
        return Err(err);
    }
    if fl & CLONE_PARENT_SETTID != 0 {
        put_tid(c, ptid, pid as u32);
    }
    Ok(pid as u64)
}
