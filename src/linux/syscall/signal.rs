//! Signal syscalls. The state they work on and the delivery machinery live in
//! `linux::signal`; most calls that only read or send signals go to the host kernel, which
//! holds the pending sets (see the module comment there).

use super::{blocking, host, int, Ctx, Handler, SysResult};
use crate::linux::convert::{structs, GuestWriter};
use crate::linux::signal::{self, aarch64, bit, AltStack, SigInfo, SIGINFO_SIZE, SS_AUTODISARM, SS_DISABLE, UAPI_SA_FLAGS, UNBLOCKABLE};
use nix::errno::Errno;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("rt_sigaction", sys_rt_sigaction),
    ("rt_sigprocmask", sys_rt_sigprocmask),
    ("rt_sigpending", sys_rt_sigpending),
    ("rt_sigsuspend", sys_rt_sigsuspend),
    ("rt_sigtimedwait", sys_rt_sigtimedwait),
    ("rt_sigqueueinfo", sys_rt_sigqueueinfo),
    ("rt_tgsigqueueinfo", sys_rt_tgsigqueueinfo),
    ("rt_sigreturn", sys_rt_sigreturn),
    ("sigaltstack", sys_sigaltstack),
    ("restart_syscall", sys_restart_syscall),
];

/// The kernel's sigset_t size for 64-bit guests.
const SIGSET_SIZE: u64 = 8;

fn get_set(c: &Ctx, addr: u64) -> Result<u64, Errno> {
    Ok(c.get(addr, 8)?.u64(0))
}

fn put_set(c: &Ctx, addr: u64, set: u64) -> Result<(), Errno> {
    let mut w = GuestWriter::new(8, c.abi);
    w.u64(0, set);
    c.put(addr, &w)
}

fn sys_rt_sigaction(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let sig = int(a[0]);
    if a[3] != SIGSET_SIZE || !(1..=signal::NSIG as i32).contains(&sig) {
        return Err(Errno::EINVAL);
    }
    let new = if a[1] == 0 { None } else { Some(structs::sigaction_from_guest(&c.get(a[1], structs::SIGACTION_SIZE)?)) };
    if new.is_some() && bit(sig) & UNBLOCKABLE != 0 {
        return Err(Errno::EINVAL);
    }
    let old = match new {
        Some(mut n) => {
            // Unknown flag bits are cleared, so programs can probe for support.
            n.flags &= UAPI_SA_FLAGS;
            n.mask &= !UNBLOCKABLE;
            signal::set_action(sig, n)
        }
        None => signal::action(sig),
    };
    c.put_opt(a[2], &structs::sigaction_to_guest(c.abi, &old))?;
    Ok(0)
}

fn sys_rt_sigprocmask(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    const SIG_BLOCK: i32 = 0;
    const SIG_UNBLOCK: i32 = 1;
    const SIG_SETMASK: i32 = 2;
    if a[3] != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let old = signal::current().mask();
    if a[1] != 0 {
        let set = get_set(c, a[1])? & !UNBLOCKABLE;
        let new = match int(a[0]) {
            SIG_BLOCK => old | set,
            SIG_UNBLOCK => old & !set,
            SIG_SETMASK => set,
            _ => return Err(Errno::EINVAL),
        };
        signal::set_mask(new);
    }
    if a[2] != 0 {
        put_set(c, a[2], old)?;
    }
    Ok(0)
}

fn sys_rt_sigpending(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    if a[1] > SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let set = signal::sigpending().to_le_bytes();
    c.mem().write(a[0], &set[..a[1] as usize])?;
    Ok(0)
}

/// rt_sigsuspend: wait with a temporary mask for a signal that runs a handler; the handler
/// returns to a mask of before the call. Always EINTR (the kernel's ERESTARTNOHAND with a
/// handler to run).
fn sys_rt_sigsuspend(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    if a[1] != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let new = get_set(c, a[0])?;
    let t = signal::current();
    let old = t.mask();
    signal::set_mask(new);
    t.set_saved_mask(old);
    // With a deliverable signal already here, the wake byte is set and this returns at once.
    let hostmask = (t.mask() | t.pending()) & !signal::host_unblockable();
    // SAFETY: an 8-byte host sigset.
    unsafe { signal::safe_syscall::call(t.wake_flag(), libc::SYS_rt_sigsuspend, [&hostmask as *const u64 as u64, 8, 0, 0, 0, 0]) };
    Err(Errno::EINTR)
}

fn get_timespec(c: &Ctx, addr: u64) -> Result<libc::timespec, Errno> {
    Ok(structs::timespec_from_guest(&c.get(addr, structs::TIMESPEC_SIZE)?))
}

fn sys_rt_sigtimedwait(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    if a[3] != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let set = get_set(c, a[0])? & !UNBLOCKABLE;
    let mut ts = if a[2] != 0 { Some(get_timespec(c, a[2])?) } else { None };
    if let Some(t) = &ts {
        if t.tv_sec < 0 || !(0..1_000_000_000).contains(&t.tv_nsec) {
            return Err(Errno::EINVAL);
        }
    }
    // A signal the host handler already took counts as pending.
    if let Some(info) = signal::take_pending_in(set) {
        if a[1] != 0 {
            c.mem().write(a[1], &info.0)?;
        }
        return Ok(info.signo() as u64);
    }
    let mut info = [0u8; SIGINFO_SIZE];
    let tp = ts.as_mut().map_or(0, |t| t as *mut libc::timespec as u64);
    let sig = blocking(libc::SYS_rt_sigtimedwait, [&set as *const u64 as u64, info.as_mut_ptr() as u64, tp, 8, 0, 0])?;
    if a[1] != 0 {
        c.mem().write(a[1], &info)?;
    }
    Ok(sig)
}

fn get_siginfo(c: &Ctx, addr: u64) -> Result<[u8; SIGINFO_SIZE], Errno> {
    let mut b = [0u8; SIGINFO_SIZE];
    c.mem().read(addr, &mut b)?;
    Ok(b)
}

fn sys_rt_sigqueueinfo(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let info = get_siginfo(c, a[2])?;
    host(unsafe { libc::syscall(libc::SYS_rt_sigqueueinfo, int(a[0]), int(a[1]), info.as_ptr()) })
}

fn sys_rt_tgsigqueueinfo(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let info = get_siginfo(c, a[3])?;
    host(unsafe { libc::syscall(libc::SYS_rt_tgsigqueueinfo, int(a[0]), int(a[1]), int(a[2]), info.as_ptr()) })
}

/// rt_sigreturn: the CPU state, mask and alternate stack come back from the frame at the
/// stack pointer. A bad frame raises SIGSEGV (at the stack pointer, as arm64 does).
fn sys_rt_sigreturn(c: &mut Ctx, _a: [u64; 6]) -> SysResult {
    let t = signal::current();
    match aarch64::restore(c.cpu, &c.p.mem) {
        Ok(r) => {
            signal::set_mask(r.mask);
            let sp = c.p.arch.get_sp(c.cpu);
            // Errors other than a bad pointer are ignored, as the kernel's restore_altstack.
            let _ = set_altstack(t, sp, r.stack, c.abi.minsigstksz);
            Ok(c.cpu.read_u64(crate::guest::aarch64::state::xreg(0)))
        }
        Err(bad) => {
            if let Some(m) = bad.mask {
                signal::set_mask(m);
            }
            let sp = c.p.arch.get_sp(c.cpu);
            let code = if c.mem().is_accessible(sp, 1, 0) { signal::SEGV_ACCERR } else { signal::SEGV_MAPERR };
            t.fault_address.set(0);
            t.fault_code.set(0);
            signal::force_signal(SigInfo::fault(signal::SIGSEGV, code, sp));
            Ok(0)
        }
    }
}

/// stack_t on 64-bit guests: ss_sp at 0, ss_flags (int) at 8, ss_size at 16.
const STACK_T_SIZE: usize = 24;

/// The kernel's do_sigaltstack for a new stack (sp, flags, size), the thread being at `sp`.
fn set_altstack(t: &signal::SigThread, sp: u64, new: (u64, u32, u64), min: u64) -> Result<(), Errno> {
    let cur = t.altstack.get();
    let (ss_sp, flags, size) = new;
    if cur.contains(sp) {
        return Err(Errno::EPERM);
    }
    if !aarch64::altstack_mode_ok(flags) {
        return Err(Errno::EINVAL);
    }
    if cur.sp == ss_sp && cur.size == size && cur.flags == flags {
        return Ok(());
    }
    if flags & !SS_AUTODISARM == SS_DISABLE {
        t.altstack.set(AltStack { sp: 0, size: 0, flags });
    } else {
        if size < min {
            return Err(Errno::ENOMEM);
        }
        t.altstack.set(AltStack { sp: ss_sp, size, flags });
    }
    Ok(())
}

fn sys_sigaltstack(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let t = signal::current();
    let sp = c.p.arch.get_sp(c.cpu);
    let old = t.altstack.get();
    if a[0] != 0 {
        let r = c.get(a[0], STACK_T_SIZE)?;
        set_altstack(t, sp, (r.u64(0), r.u32(8), r.u64(16)), c.abi.minsigstksz)?;
    }
    if a[1] != 0 {
        let mut w = GuestWriter::new(STACK_T_SIZE, c.abi);
        w.u64(0, old.sp);
        w.u32(8, old.report_flags(sp));
        w.u64(16, old.size);
        c.put(a[1], &w)?;
    }
    Ok(0)
}

/// Only ever needed after the kernel's ERESTART_RESTARTBLOCK, which the host handles itself:
/// a guest calling it directly gets what the kernel gives without a restart block.
fn sys_restart_syscall(_c: &mut Ctx, _a: [u64; 6]) -> SysResult {
    Err(Errno::EINTR)
}
