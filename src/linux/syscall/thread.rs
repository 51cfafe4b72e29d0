//! Thread syscalls: exit, exit_group, clone3, futex, set_tid_address, the robust list, waitid.
//! Threads themselves are `linux::thread`'s; `clone` is in `process` (its fork-like forms)
//! and hands thread clones over.

use super::{blocking, host, int, Ctx, Handler, SysResult};
use crate::linux::convert::{structs, GuestWriter};
use crate::linux::thread::{self, ROBUST_HEAD_SIZE};
use crate::linux::Flow;
use crate::mem::{PROT_READ, PROT_WRITE};
use nix::errno::Errno;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("exit", sys_exit),
    ("exit_group", sys_exit_group),
    ("clone3", sys_clone3),
    ("futex", sys_futex),
    ("futex_waitv", sys_futex_waitv),
    ("futex_wake", sys_futex_wake),
    ("futex_wait", sys_futex_wait),
    ("futex_requeue", sys_futex_requeue),
    ("set_tid_address", sys_set_tid_address),
    ("set_robust_list", sys_set_robust_list),
    ("get_robust_list", sys_get_robust_list),
    ("waitid", sys_waitid),
];

/// exit: this thread only (the process too when it is the last one).
fn sys_exit(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    c.flow = Flow::ThreadExit(a[0] as i32 & 0xff);
    Ok(0)
}

fn sys_exit_group(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    c.flow = Flow::Exit(a[0] as i32 & 0xff);
    Ok(0)
}

fn sys_set_tid_address(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    thread::set_clear_child_tid(a[0]);
    Ok(crate::linux::gettid() as u64)
}

/// The robust list is registered with the host kernel as it is (the layout is the same for
/// 64-bit little-endian guests and guest addresses are host addresses), so that a process
/// killed by a signal or exit_group releases its robust futexes natively; a thread's own exit
/// walks it in `linux::thread` first.
fn sys_set_robust_list(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    if a[1] != ROBUST_HEAD_SIZE as u64 {
        return Err(Errno::EINVAL);
    }
    host(unsafe { libc::syscall(libc::SYS_set_robust_list, a[0], ROBUST_HEAD_SIZE) })
}

fn sys_get_robust_list(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (mut head, mut len) = (0usize, 0usize);
    host(unsafe { libc::syscall(libc::SYS_get_robust_list, int(a[0]), &mut head as *mut usize, &mut len as *mut usize) })?;
    let mut w = GuestWriter::new(8, c.abi);
    w.u64(0, c.mem().h2g(head));
    c.put(a[1], &w)?;
    w.u64(0, len as u64);
    c.put(a[2], &w)?;
    Ok(0)
}

/// struct clone_args, version 0 (64 bytes) and the fields after it.
const CLONE_ARGS_SIZE_VER0: u64 = 64;
const CLONE_ARGS_SIZE_KNOWN: u64 = 88;
const CLONE_CLEAR_SIGHAND: u64 = 0x1_0000_0000;
const CLONE_INTO_CGROUP: u64 = 0x2_0000_0000;
const CLONE_PARENT: u64 = 0x8000;
const CLONE_NEWTIME: u64 = 0x80;

/// clone3(args, size): the same work as clone, from a struct (glibc 2.34 and later try it
/// first for threads and posix_spawn).
fn sys_clone3(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let size = a[1];
    if size < CLONE_ARGS_SIZE_VER0 {
        return Err(Errno::EINVAL);
    }
    if size > crate::mem::PAGE_SIZE {
        return Err(Errno::E2BIG);
    }
    let r = c.get(a[0], size as usize)?;
    // A larger struct than this kernel knows is fine only when the rest is zero.
    if r.buf[CLONE_ARGS_SIZE_KNOWN.min(size) as usize..].iter().any(|&b| b != 0) {
        return Err(Errno::E2BIG);
    }
    let field = |i: u64| if 8 * i + 8 <= size { r.u64(8 * i as usize) } else { 0 };
    let (flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup) =
        (field(0), field(1), field(2), field(3), field(4), field(5), field(6), field(7), field(8), field(9), field(10));
    // The kernel's clone3_args_valid.
    if flags & !(0xffff_ffff | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP) != 0
        || flags & (thread::CLONE_DETACHED | (thread::CSIGNAL & !CLONE_NEWTIME)) != 0
        || (flags & thread::CLONE_SIGHAND != 0 && flags & CLONE_CLEAR_SIGHAND != 0)
        || (flags & (thread::CLONE_THREAD | CLONE_PARENT) != 0 && exit_signal != 0)
        || exit_signal > 64
        || (stack == 0 && stack_size != 0)
        || (stack != 0 && stack_size == 0)
    {
        return Err(Errno::EINVAL);
    }
    thread::check_clone_flags(flags)?;
    let sp = if stack != 0 { stack.wrapping_add(stack_size) } else { 0 };
    if thread::is_thread_clone(flags) {
        return thread::create(c, thread::NewThread { flags, sp, parent_tid, child_tid, tls });
    }
    if pidfd != 0 || set_tid != 0 || set_tid_size != 0 || cgroup != 0 || flags & (thread::CLONE_PIDFD | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP) != 0 {
        // Not for fork-like clones yet: the guest's libc falls back to clone.
        crate::logf!(crate::log::Item::Unimp, "ruser: unsupported clone3 arguments (flags {flags:#x})");
        return Err(Errno::ENOSYS);
    }
    super::process::sys_clone(c, [flags | exit_signal, sp, parent_tid, tls, child_tid, 0])
}

const FUTEX_WAIT: i32 = 0;
const FUTEX_WAKE: i32 = 1;
const FUTEX_REQUEUE: i32 = 3;
const FUTEX_CMP_REQUEUE: i32 = 4;
const FUTEX_WAKE_OP: i32 = 5;
const FUTEX_LOCK_PI: i32 = 6;
const FUTEX_UNLOCK_PI: i32 = 7;
const FUTEX_TRYLOCK_PI: i32 = 8;
const FUTEX_WAIT_BITSET: i32 = 9;
const FUTEX_WAKE_BITSET: i32 = 10;
const FUTEX_WAIT_REQUEUE_PI: i32 = 11;
const FUTEX_CMP_REQUEUE_PI: i32 = 12;
const FUTEX_LOCK_PI2: i32 = 13;
const FUTEX_PRIVATE_FLAG: i32 = 128;
const FUTEX_CLOCK_REALTIME: i32 = 256;

/// futex(uaddr, op, val, timeout or val2, uaddr2, val3), every operation: the host's futex
/// works on the guest's word directly (guest addresses are host addresses for 64-bit
/// guests), PI owners are tids, which are the host's. Words the kernel reads or writes must
/// be guest memory (EFAULT otherwise, never ruser's own); the calls that sleep are
/// interruptible by guest signals.
fn sys_futex(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (uaddr, op, val, arg4, uaddr2, val3) = (a[0], int(a[1]), a[2] as u32, a[3], a[4], a[5] as u32);
    let cmd = op & !(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    let (reads1, writes1, uses2, writes2, timeout, blocks) = match cmd {
        FUTEX_WAIT | FUTEX_WAIT_BITSET => (true, false, false, false, true, true),
        FUTEX_WAKE | FUTEX_WAKE_BITSET => (false, false, false, false, false, false),
        FUTEX_REQUEUE => (false, false, true, false, false, false),
        FUTEX_CMP_REQUEUE => (true, false, true, false, false, false),
        FUTEX_WAKE_OP => (false, false, true, true, false, false),
        FUTEX_LOCK_PI | FUTEX_LOCK_PI2 => (true, true, false, false, true, true),
        FUTEX_UNLOCK_PI | FUTEX_TRYLOCK_PI => (true, true, false, false, false, false),
        FUTEX_WAIT_REQUEUE_PI => (true, false, true, false, true, true),
        FUTEX_CMP_REQUEUE_PI => (true, false, true, true, false, false),
        _ => return Err(Errno::ENOSYS),
    };
    if uaddr % 4 != 0 || (uses2 && uaddr2 % 4 != 0) {
        return Err(Errno::EINVAL);
    }
    let prot = |w: bool| if w { PROT_READ | PROT_WRITE } else { PROT_READ };
    if reads1 || writes1 {
        c.mem().check(uaddr, 4, prot(writes1))?;
    }
    if uses2 && (writes2 || cmd == FUTEX_WAIT_REQUEUE_PI || cmd == FUTEX_CMP_REQUEUE_PI) {
        c.mem().check(uaddr2, 4, prot(writes2))?;
    }
    let mut ts;
    let arg4 = if timeout {
        if arg4 == 0 {
            0
        } else {
            ts = structs::timespec_from_guest(&c.get(arg4, structs::TIMESPEC_SIZE)?);
            &mut ts as *mut libc::timespec as u64
        }
    } else {
        arg4
    };
    let (h1, h2) = (c.mem().g2h(uaddr) as u64, if uses2 { c.mem().g2h(uaddr2) as u64 } else { uaddr2 });
    let args = [h1, op as u32 as u64, val as u64, arg4, h2, val3 as u64];
    if blocks {
        blocking(libc::SYS_futex, args)
    } else {
        host(unsafe { libc::syscall(libc::SYS_futex, args[0], args[1], args[2], args[3], args[4], args[5]) })
    }
}

/// struct futex_waitv { u64 val; u64 uaddr; u32 flags; u32 reserved; }.
const WAITV_SIZE: usize = 24;
/// FUTEX2_SIZE_U32: the only size the kernel supports.
const FUTEX2_SIZE_MASK: u64 = 3;

/// Copy `n` guest futex_waitv entries to host ones: each word must be guest memory (EFAULT)
/// and its address becomes the host's.
fn waitv_from_guest(c: &Ctx, addr: u64, n: usize) -> Result<Vec<u8>, Errno> {
    let mut b = c.get(addr, n * WAITV_SIZE)?.buf;
    for i in 0..n {
        let e = &mut b[i * WAITV_SIZE..(i + 1) * WAITV_SIZE];
        let uaddr = u64::from_le_bytes(e[8..16].try_into().unwrap());
        let flags = u32::from_le_bytes(e[16..20].try_into().unwrap()) as u64;
        // The size must be u32 and the word aligned (the kernel checks these before memory).
        if flags & FUTEX2_SIZE_MASK == 2 && uaddr % 4 == 0 {
            c.mem().check(uaddr, 4, PROT_READ)?;
            e[8..16].copy_from_slice(&(c.mem().g2h(uaddr) as u64).to_le_bytes());
        }
    }
    Ok(b)
}

fn guest_timespec(c: &Ctx, addr: u64) -> Result<Option<libc::timespec>, Errno> {
    if addr == 0 {
        return Ok(None);
    }
    Ok(Some(structs::timespec_from_guest(&c.get(addr, structs::TIMESPEC_SIZE)?)))
}

/// futex_waitv(waiters, nr, flags, timeout, clockid): wait on up to 128 words.
fn sys_futex_waitv(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let n = a[1] as usize;
    if n == 0 || n > 128 {
        return Err(Errno::EINVAL);
    }
    let w = waitv_from_guest(c, a[0], n)?;
    let mut ts = guest_timespec(c, a[3])?;
    let tp = ts.as_mut().map_or(0, |t| t as *mut libc::timespec as u64);
    blocking(libc::SYS_futex_waitv, [w.as_ptr() as u64, n as u64, a[2] as u32 as u64, tp, int(a[4]) as u64, 0])
}

/// futex_wake(uaddr, mask, nr, flags) (Linux 6.7).
fn sys_futex_wake(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    if !a[0].is_multiple_of(4) {
        return Err(Errno::EINVAL);
    }
    let h = c.mem().g2h(a[0]) as u64;
    host(unsafe { libc::syscall(454, h, a[1], int(a[2]), a[3] as u32) })
}

/// futex_wait(uaddr, val, mask, flags, timeout, clockid) (Linux 6.7).
fn sys_futex_wait(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    if !a[0].is_multiple_of(4) {
        return Err(Errno::EINVAL);
    }
    c.mem().check(a[0], 4, PROT_READ)?;
    let mut ts = guest_timespec(c, a[4])?;
    let tp = ts.as_mut().map_or(0, |t| t as *mut libc::timespec as u64);
    blocking(455, [c.mem().g2h(a[0]) as u64, a[1], a[2], a[3] as u32 as u64, tp, int(a[5]) as u64])
}

/// futex_requeue(waiters[2], flags, nr_wake, nr_requeue) (Linux 6.7).
fn sys_futex_requeue(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let w = waitv_from_guest(c, a[0], 2)?;
    host(unsafe { libc::syscall(456, w.as_ptr(), a[1] as u32, int(a[2]), int(a[3])) })
}

/// waitid(which, id, info, options, rusage): the host's, with the siginfo (the same layout)
/// and rusage copied out. Sleeps interruptibly.
fn sys_waitid(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    if a[2] != 0 {
        c.mem().check(a[2], crate::linux::signal::SIGINFO_SIZE as u64, PROT_WRITE)?;
    }
    if a[4] != 0 {
        c.mem().check(a[4], structs::RUSAGE_SIZE as u64, PROT_WRITE)?;
    }
    let mut info = [0u8; crate::linux::signal::SIGINFO_SIZE];
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let r = blocking(libc::SYS_waitid, [int(a[0]) as u64, int(a[1]) as u64, info.as_mut_ptr() as u64, int(a[3]) as u64, &mut ru as *mut libc::rusage as u64, 0])?;
    if a[2] != 0 {
        c.mem().write(a[2], &info)?;
    }
    if a[4] != 0 {
        c.put(a[4], &structs::rusage_to_guest(c.abi, &ru))?;
    }
    Ok(r)
}
