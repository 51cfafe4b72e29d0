//! Waiting for fds: ppoll, pselect6 and epoll. All of them go through `blocking`, and the
//! signal mask they take (a guest sigset, whose signal numbers are the host's) becomes the
//! guest thread's mask for the call (`signal::with_temp_mask`: a signal it lets through runs
//! its handler, then the old mask comes back, as the kernel does).
//!
//! `struct epoll_event` is where the layouts really differ: x86-64 packs it (12 bytes, data at
//! offset 4), arm64 does not (16 bytes, data at 8). Events are converted one by one.

use super::{blocking, int, Ctx, Handler, SysResult};
use crate::hostfd;
use crate::linux::signal;
use crate::linux::convert::layout::{Layout, Ty};
use crate::linux::convert::{check_w, flags, structs, GuestWriter};
use nix::errno::Errno;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("ppoll", sys_ppoll),
    ("pselect6", sys_pselect6),
    ("epoll_create1", sys_epoll_create1),
    ("epoll_ctl", sys_epoll_ctl),
    ("epoll_pwait", sys_epoll_pwait),
    ("epoll_pwait2", sys_epoll_pwait2),
];

/// The kernel's sigset_t size (64 signals) on every 64-bit ABI.
const SIGSET_SIZE: u64 = 8;

/// A guest sigset argument as the host sigset to pass: None for NULL; EINVAL for a size that
/// is not the kernel's.
pub fn sigmask(c: &Ctx, addr: u64, size: u64) -> Result<Option<u64>, Errno> {
    if addr == 0 {
        return Ok(None);
    }
    if size != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    Ok(Some(c.get(addr, 8)?.u64(0)))
}


/// An optional timespec argument.
fn timeout(c: &Ctx, addr: u64) -> Result<Option<libc::timespec>, Errno> {
    if addr == 0 {
        return Ok(None);
    }
    Ok(Some(structs::timespec_from_guest(&c.get(addr, structs::TIMESPEC_SIZE)?)))
}

fn ts_ptr(t: &mut Option<libc::timespec>) -> u64 {
    t.as_mut().map_or(0, |t| t as *mut _ as u64)
}

/// The time left, written back as the kernel does after ppoll/pselect6 (whatever the result,
/// except for a zero timeout; a failed write is ignored).
fn write_back_timeout(c: &Ctx, addr: u64, ts: &Option<libc::timespec>) {
    if let Some(t) = ts {
        if let Ok(orig) = timeout(c, addr) {
            if orig.is_some_and(|o| o.tv_sec != 0 || o.tv_nsec != 0) {
                let _ = c.put(addr, &structs::timespec_to_guest(c.abi, t.tv_sec, t.tv_nsec));
            }
        }
    }
}

/// An fd number the kernel reports as invalid (POLLNVAL / EBADF): stands in for ruser's own.
const NOT_AN_FD: i32 = i32::MAX;

/// `struct pollfd`: fd, events, revents.
const POLLFD: &[Ty] = &[Ty::I32, Ty::I16, Ty::I16];

/// ppoll(fds, nfds, timeout, sigmask, sigsetsize); the time left is written back.
fn sys_ppoll(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let n = a[1];
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) };
    if n > lim.rlim_cur {
        return Err(Errno::EINVAL);
    }
    let l = Layout::of(c.abi, POLLFD);
    let bytes = l.size * n as usize;
    let r = c.get(a[0], bytes)?;
    check_w(c.mem(), a[0], bytes)?;
    let mut fds: Vec<libc::pollfd> = (0..n as usize)
        .map(|i| {
            let fd = l.get(&r, i * l.size, 0) as i32;
            let fd = if hostfd::is_own(fd) { NOT_AN_FD } else { fd };
            libc::pollfd { fd, events: l.get(&r, i * l.size, 1) as i16, revents: 0 }
        })
        .collect();
    let mut ts = timeout(c, a[2])?;
    let mask = sigmask(c, a[3], a[4])?;
    let tp = ts_ptr(&mut ts);
    let ret = signal::with_temp_mask(mask, || blocking(libc::SYS_ppoll, [fds.as_mut_ptr() as u64, n, tp, 0, SIGSET_SIZE, 0]));
    if ret.is_ok() {
        let mut w = GuestWriter::new(bytes, c.abi);
        w.buf.copy_from_slice(&r.buf);
        for (i, f) in fds.iter().enumerate() {
            l.put(&mut w, i * l.size, 2, f.revents as u64);
        }
        c.put(a[0], &w)?;
    }
    write_back_timeout(c, a[2], &ts);
    ret
}

/// pselect6(n, in, out, ex, timeout, sigmask-data). fd_sets are arrays of longs: the bytes are
/// converted word by word in the guest's order.
fn sys_pselect6(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let n = int(a[0]);
    if !(0..=1 << 20).contains(&n) {
        return Err(Errno::EINVAL);
    }
    let word = c.abi.long_size;
    let bytes = (n as usize).div_ceil(8 * word) * word;
    let mut sets: Vec<Option<Vec<u64>>> = Vec::new();
    for &p in &a[1..4] {
        if p == 0 {
            sets.push(None);
            continue;
        }
        let r = c.get(p, bytes)?;
        check_w(c.mem(), p, bytes)?;
        // As host bits: bit i of the set is bit i%64 of word i/64.
        let mut bits = vec![0u64; (n as usize).div_ceil(64)];
        for i in 0..bytes / word {
            let v = r.uint(i * word, word);
            let shift = (i * word * 8) % 64;
            bits[i * word * 8 / 64] |= v << shift;
        }
        for own in hostfd::own_fds() {
            if own < n && bits[own as usize / 64] >> (own % 64) & 1 != 0 {
                return Err(Errno::EBADF);
            }
        }
        sets.push(Some(bits));
    }
    let mut ts = timeout(c, a[4])?;
    // The sixth argument points to { const sigset_t *ss; size_t ss_len; }.
    let mask = if a[5] == 0 {
        None
    } else {
        let l = Layout::of(c.abi, &[Ty::Ptr, Ty::ULong]);
        let r = c.get(a[5], l.size)?;
        sigmask(c, l.get(&r, 0, 0), l.get(&r, 0, 1))?
    };
    let ptrs: Vec<u64> = sets.iter_mut().map(|s| s.as_mut().map_or(0, |b| b.as_mut_ptr() as u64)).collect();
    let tp = ts_ptr(&mut ts);
    let ret = signal::with_temp_mask(mask, || blocking(libc::SYS_pselect6, [n as u64, ptrs[0], ptrs[1], ptrs[2], tp, 0]));
    if ret.is_ok() {
        for (s, &p) in sets.iter().zip(&a[1..4]) {
            if let Some(bits) = s {
                let mut w = GuestWriter::new(bytes, c.abi);
                for i in 0..bytes / word {
                    let shift = (i * word * 8) % 64;
                    w.uint(i * word, word, bits[i * word * 8 / 64] >> shift);
                }
                c.put(p, &w)?;
            }
        }
    }
    write_back_timeout(c, a[4], &ts);
    ret
}

// ---------------------------------------------------------------- epoll

/// The host's (x86-64) packed epoll_event.
#[repr(C, packed)]
#[derive(Clone, Copy, Default)]
struct HostEvent {
    events: u32,
    data: u64,
}

/// The guest's `struct epoll_event` {u32 events; u64 data}, naturally aligned.
const EPOLL_EVENT: &[Ty] = &[Ty::U32, Ty::U64];

fn sys_epoll_create1(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let fl = flags::open_to_host(c.abi, a[0] as u32);
    super::host(unsafe { libc::epoll_create1(fl) } as i64)
}

fn sys_epoll_ctl(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    const EPOLL_CTL_DEL: i32 = 2;
    let op = int(a[1]);
    let mut ev = HostEvent::default();
    // DEL ignores the event (it may be NULL); the others read it.
    if op != EPOLL_CTL_DEL || a[3] != 0 {
        let l = Layout::of(c.abi, EPOLL_EVENT);
        match c.get(a[3], l.size) {
            Ok(r) => ev = HostEvent { events: l.get(&r, 0, 0) as u32, data: l.get(&r, 0, 1) },
            Err(e) if op != EPOLL_CTL_DEL => return Err(e),
            Err(_) => {}
        }
    }
    super::host(unsafe { libc::syscall(libc::SYS_epoll_ctl, int(a[0]), op, int(a[2]), &mut ev as *mut HostEvent) })
}

/// EP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event).
const EP_MAX_EVENTS: i32 = i32::MAX / 12;

/// Wait with `nr`'s host call (epoll_pwait or epoll_pwait2) and convert the events.
fn epoll_wait(c: &Ctx, a: [u64; 6], nr: i64, tmo: u64) -> SysResult {
    let max = int(a[2]);
    if max <= 0 || max > EP_MAX_EVENTS {
        return Err(Errno::EINVAL);
    }
    let l = Layout::of(c.abi, EPOLL_EVENT);
    // As the kernel, the array is only touched (and EFAULT only given) when there are events.
    let mask = sigmask(c, a[4], a[5])?;
    // Events are delivered into a bounded host buffer; the kernel never returns more than asked.
    let mut evs = vec![HostEvent::default(); max.min(1 << 16) as usize];
    let n = signal::with_temp_mask(mask, || blocking(nr, [a[0], evs.as_mut_ptr() as u64, evs.len() as u64, tmo, 0, SIGSET_SIZE]))?;
    let mut w = GuestWriter::new(l.size * n as usize, c.abi);
    for (i, e) in evs[..n as usize].iter().enumerate() {
        let (events, data) = (e.events, e.data);
        l.put(&mut w, i * l.size, 0, events as u64);
        l.put(&mut w, i * l.size, 1, data);
    }
    c.put(a[1], &w)?;
    Ok(n)
}

/// epoll_pwait(epfd, events, maxevents, timeout_ms, sigmask, sigsetsize).
fn sys_epoll_pwait(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    epoll_wait(c, a, libc::SYS_epoll_pwait, int(a[3]) as i64 as u64)
}

/// epoll_pwait2(epfd, events, maxevents, *timeout, sigmask, sigsetsize).
fn sys_epoll_pwait2(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut ts = timeout(c, a[3])?;
    epoll_wait(c, a, libc::SYS_epoll_pwait2, ts_ptr(&mut ts))
}
