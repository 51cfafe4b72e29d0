//! Clocks and sleeping.

use super::{host, int, Ctx, Handler, SysResult};
use crate::linux::convert::{structs, GuestWriter};
use nix::errno::Errno;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("clock_gettime", sys_clock_gettime),
    ("clock_getres", sys_clock_getres),
    ("gettimeofday", sys_gettimeofday),
    ("nanosleep", sys_nanosleep),
    ("clock_nanosleep", sys_clock_nanosleep),
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
    let r = host(unsafe { libc::syscall(libc::SYS_nanosleep, &req, &mut rem) });
    if r == Err(Errno::EINTR) && a[1] != 0 {
        put_ts(c, a[1], &rem)?;
    }
    r
}

fn sys_clock_nanosleep(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let req = get_ts(c, a[2])?;
    let mut rem = zero_ts();
    let r = host(unsafe { libc::syscall(libc::SYS_clock_nanosleep, int(a[0]), int(a[1]), &req, &mut rem) });
    // rem is only written for relative sleeps (TIMER_ABSTIME = 1 leaves it alone).
    if r == Err(Errno::EINTR) && a[3] != 0 && a[1] & 1 == 0 {
        put_ts(c, a[3], &rem)?;
    }
    r
}
