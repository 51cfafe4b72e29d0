//! Signal syscalls. For now the guest's dispositions, mask and alternate stack are recorded
//! (and reported back correctly) but nothing is installed on the host: delivery comes later.

use super::{int, Ctx, Handler, SysResult};
use crate::linux::convert::{structs, GuestWriter};
use nix::errno::Errno;
use std::sync::Mutex;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("rt_sigaction", sys_rt_sigaction),
    ("rt_sigprocmask", sys_rt_sigprocmask),
    ("sigaltstack", sys_sigaltstack),
];

/// Number of signals (1..=64).
pub const NSIG: usize = 64;
const SIGKILL: usize = 9;
const SIGSTOP: usize = 19;
/// The kernel's sigset_t size for 64-bit guests.
const SIGSET_SIZE: u64 = 8;

/// The guest's signal state.
pub struct SigState {
    /// Disposition per signal, index = signal number (0 unused).
    pub actions: [structs::GuestSigaction; NSIG + 1],
    /// Blocked signals: bit n-1 for signal n.
    pub mask: u64,
    /// Alternate stack: (sp, flags, size).
    pub altstack: (u64, u32, u64),
}

const SS_ONSTACK: u32 = 1;
const SS_DISABLE: u32 = 2;
const SS_AUTODISARM: u32 = 1 << 31;

const EMPTY: structs::GuestSigaction = structs::GuestSigaction { handler: 0, flags: 0, restorer: 0, mask: 0 };

pub static SIGNALS: Mutex<SigState> = Mutex::new(SigState { actions: [EMPTY; NSIG + 1], mask: 0, altstack: (0, SS_DISABLE, 0) });

fn state() -> std::sync::MutexGuard<'static, SigState> {
    SIGNALS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Bits of SIGKILL and SIGSTOP, which can never be blocked.
const UNBLOCKABLE: u64 = (1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1));

fn sys_rt_sigaction(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let sig = int(a[0]);
    if a[3] != SIGSET_SIZE || sig < 1 || sig as usize > NSIG {
        return Err(Errno::EINVAL);
    }
    let sig = sig as usize;
    // Read the new action before writing the old one: the pointers may be the same.
    let new = if a[1] == 0 { None } else { Some(structs::sigaction_from_guest(&c.get(a[1], structs::SIGACTION_SIZE)?)) };
    if new.is_some() && (sig == SIGKILL || sig == SIGSTOP) {
        return Err(Errno::EINVAL);
    }
    if a[2] != 0 {
        crate::linux::convert::check_w(c.mem(), a[2], structs::SIGACTION_SIZE)?;
    }
    let old = {
        let mut st = state();
        let old = st.actions[sig];
        if let Some(mut n) = new {
            n.mask &= !UNBLOCKABLE;
            st.actions[sig] = n;
        }
        old
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
    let how = int(a[0]);
    let set = if a[1] == 0 { None } else { Some(c.get(a[1], 8)?.u64(0)) };
    if set.is_some() && !(SIG_BLOCK..=SIG_SETMASK).contains(&how) {
        return Err(Errno::EINVAL);
    }
    if a[2] != 0 {
        crate::linux::convert::check_w(c.mem(), a[2], 8)?;
    }
    let old = {
        let mut st = state();
        let old = st.mask;
        if let Some(set) = set {
            st.mask = match how {
                SIG_BLOCK => old | set,
                SIG_UNBLOCK => old & !set,
                _ => set,
            } & !UNBLOCKABLE;
        }
        old
    };
    if a[2] != 0 {
        let mut w = GuestWriter::new(8, c.abi);
        w.u64(0, old);
        c.put(a[2], &w)?;
    }
    Ok(0)
}

/// stack_t on 64-bit guests: ss_sp at 0, ss_flags (int) at 8, ss_size at 16.
const STACK_T_SIZE: usize = 24;

fn sys_sigaltstack(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let new = if a[0] == 0 {
        None
    } else {
        let r = c.get(a[0], STACK_T_SIZE)?;
        Some((r.u64(0), r.u32(8), r.u64(16)))
    };
    if a[1] != 0 {
        crate::linux::convert::check_w(c.mem(), a[1], STACK_T_SIZE)?;
    }
    let old = {
        let mut st = state();
        let old = st.altstack;
        if let Some((sp, fl, size)) = new {
            let mode = fl & !SS_AUTODISARM;
            if mode != 0 && mode != SS_DISABLE && mode != SS_ONSTACK {
                return Err(Errno::EINVAL);
            }
            if mode == SS_DISABLE {
                st.altstack = (0, SS_DISABLE, 0);
            } else {
                if size < c.abi.minsigstksz {
                    return Err(Errno::ENOMEM);
                }
                st.altstack = (sp, fl & SS_AUTODISARM, size);
            }
        }
        old
    };
    if a[1] != 0 {
        let mut w = GuestWriter::new(STACK_T_SIZE, c.abi);
        w.u64(0, old.0);
        w.u32(8, old.1);
        w.u64(16, old.2);
        c.put(a[1], &w)?;
    }
    Ok(0)
}
