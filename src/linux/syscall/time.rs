//! Clocks and sleeping.

use super::{blocking, host, int, Ctx, Handler, SysResult};
use crate::linux::convert::{structs, GuestWriter};
use nix::errno::Errno;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("clock_gettime", sys_clock_gettime),
    ("clock_getres", sys_clock_getres),
    ("gettimeofday", sys_gettimeofday),
    ("nanosleep", sys_nanosleep),
    ("clock_nanosleep", sys_clock_nanosleep),
    ("setitimer", sys_setitimer),
    ("getitimer", sys_getitimer),
    ("timer_create", sys_timer_create),
    ("timer_settime", sys_timer_settime),
    ("timer_gettime", sys_timer_gettime),
    ("timer_getoverrun", sys_timer_getoverrun),
    ("timer_delete", sys_timer_delete),
];

fn put_ts(c: &Ctx, addr: u64, ts: &libc::timespec) -> Result<(), Errno> {
    c.put(addr, &structs::timespec_to_guest(c.abi, ts.tv_sec, ts.tv_nsec))
}

fn get_ts(c: &Ctx, addr: u64) -> Result<libc::timespec, Errno> {
    Ok(structs::timespec_from_guest(&c.get(addr, structs::TIMESPEC_SIZE)?))
}

fn zero_ts() -> libc::timespec {
    libc::timespec { tv_sec: 0, tv_nsec: 0 }
}

fn sys_clock_gettime(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut ts = zero_ts();
    host(unsafe { libc::syscall(libc::SYS_clock_gettime, int(a[0]), &mut ts) })?;
    put_ts(c, a[1], &ts)?;
    Ok(0)
}

fn sys_clock_getres(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut ts = zero_ts();
    host(unsafe { libc::syscall(libc::SYS_clock_getres, int(a[0]), &mut ts) })?;
    if a[1] != 0 {
        put_ts(c, a[1], &ts)?;
    }
    Ok(0)
}

fn sys_gettimeofday(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut tv = libc::timeval { tv_sec: 0, tv_usec: 0 };
    let mut tz = [0i32; 2];
    host(unsafe { libc::syscall(libc::SYS_gettimeofday, &mut tv, tz.as_mut_ptr()) })?;
    c.put_opt(a[0], &structs::timespec_to_guest(c.abi, tv.tv_sec, tv.tv_usec))?;
    if a[1] != 0 {
        let mut w = GuestWriter::new(8, c.abi);
        w.u32(0, tz[0] as u32);
        w.u32(4, tz[1] as u32);
        c.put(a[1], &w)?;
    }
    Ok(0)
}

fn sys_nanosleep(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let req = get_ts(c, a[0])?;
    let mut rem = zero_ts();
    let r = blocking(libc::SYS_nanosleep, [&req as *const _ as u64, &mut rem as *mut _ as u64, 0, 0, 0, 0]);
    if r == Err(Errno::EINTR) && a[1] != 0 {
        put_ts(c, a[1], &rem)?;
    }
    r
}

fn sys_clock_nanosleep(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let req = get_ts(c, a[2])?;
    let mut rem = zero_ts();
    let r = blocking(libc::SYS_clock_nanosleep, [int(a[0]) as u64, int(a[1]) as u64, &req as *const _ as u64, &mut rem as *mut _ as u64, 0, 0]);
    // rem is only written for relative sleeps (TIMER_ABSTIME = 1 leaves it alone).
    if r == Err(Errno::EINTR) && a[3] != 0 && a[1] & 1 == 0 {
        put_ts(c, a[3], &rem)?;
    }
    r
}

/// struct itimerval / itimerspec: two timeval/timespec pairs (interval, value), 32 bytes.
const ITIMER_SIZE: usize = 32;

fn get_pair(c: &Ctx, addr: u64) -> Result<[libc::timespec; 2], Errno> {
    let r = c.get(addr, ITIMER_SIZE)?;
    let ts = |o: usize| libc::timespec { tv_sec: r.u64(o) as i64, tv_nsec: r.u64(o + 8) as i64 };
    Ok([ts(0), ts(16)])
}

fn put_pair(c: &Ctx, addr: u64, v: &[libc::timespec; 2]) -> Result<(), Errno> {
    let mut w = GuestWriter::new(ITIMER_SIZE, c.abi);
    for (i, t) in v.iter().enumerate() {
        w.u64(16 * i, t.tv_sec as u64);
        w.u64(16 * i + 8, t.tv_nsec as u64);
    }
    c.put(addr, &w)
}

/// setitimer(which, new, old): itimervals hold timevals, the same two longs as a timespec.
fn sys_setitimer(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let new = if a[1] != 0 { Some(get_pair(c, a[1])?) } else { None };
    let mut old = [zero_ts(); 2];
    let np = new.as_ref().map_or(std::ptr::null(), |n| n.as_ptr());
    host(unsafe { libc::syscall(libc::SYS_setitimer, int(a[0]), np, old.as_mut_ptr()) })?;
    if a[2] != 0 {
        put_pair(c, a[2], &old)?;
    }
    Ok(0)
}

fn sys_getitimer(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut cur = [zero_ts(); 2];
    host(unsafe { libc::syscall(libc::SYS_getitimer, int(a[0]), cur.as_mut_ptr()) })?;
    put_pair(c, a[1], &cur)?;
    Ok(0)
}

/// struct sigevent: sigev_value (8), sigev_signo (4), sigev_notify (4), then the union whose
/// first int is the thread id of SIGEV_THREAD_ID; 64 bytes on every 64-bit ABI. Signal
/// numbers and thread ids are the host's.
const SIGEVENT_SIZE: usize = 64;

fn sys_timer_create(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let ev = if a[1] != 0 { Some(c.get(a[1], SIGEVENT_SIZE)?.buf) } else { None };
    crate::linux::convert::check_w(c.mem(), a[2], 4)?;
    let mut id: i32 = 0;
    let ep = ev.as_ref().map_or(std::ptr::null(), |e| e.as_ptr());
    host(unsafe { libc::syscall(libc::SYS_timer_create, int(a[0]), ep, &mut id as *mut i32) })?;
    let mut w = GuestWriter::new(4, c.abi);
    w.u32(0, id as u32);
    c.put(a[2], &w)?;
    Ok(0)
}

fn sys_timer_settime(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let new = get_pair(c, a[2])?;
    let mut old = [zero_ts(); 2];
    host(unsafe { libc::syscall(libc::SYS_timer_settime, int(a[0]), int(a[1]), new.as_ptr(), old.as_mut_ptr()) })?;
    if a[3] != 0 {
        put_pair(c, a[3], &old)?;
    }
    Ok(0)
}

fn sys_timer_gettime(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut cur = [zero_ts(); 2];
    host(unsafe { libc::syscall(libc::SYS_timer_gettime, int(a[0]), cur.as_mut_ptr()) })?;
    put_pair(c, a[1], &cur)?;
    Ok(0)
}

fn sys_timer_getoverrun(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_timer_getoverrun, int(a[0])) })
}

fn sys_timer_delete(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_timer_delete, int(a[0])) })
}
