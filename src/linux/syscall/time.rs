//! Clocks, timers and sleeping.

use super::{blocking, host, int, Ctx, Handler, SysResult};
use crate::linux::convert::layout::{self, Layout, Ty};
use crate::linux::convert::{structs, GuestWriter};
use nix::errno::Errno;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("clock_gettime", sys_clock_gettime),
    ("clock_getres", sys_clock_getres),
    ("gettimeofday", sys_gettimeofday),
    ("nanosleep", sys_nanosleep),
    ("clock_nanosleep", sys_clock_nanosleep),
    ("clock_settime", sys_clock_settime),
    ("settimeofday", sys_settimeofday),
    ("adjtimex", sys_adjtimex),
    ("clock_adjtime", sys_clock_adjtime),
    ("getitimer", sys_getitimer),
    ("setitimer", sys_setitimer),
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

fn sys_clock_settime(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let ts = get_ts(c, a[1])?;
    host(unsafe { libc::syscall(libc::SYS_clock_settime, int(a[0]), &ts) })
}

fn sys_settimeofday(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let tv = if a[0] == 0 { None } else { Some(get_ts(c, a[0])?) };
    let tz = if a[1] == 0 {
        None
    } else {
        let r = c.get(a[1], 8)?;
        Some([r.u32(0) as i32, r.u32(4) as i32])
    };
    let tvp = tv.as_ref().map_or(std::ptr::null(), |t| t as *const libc::timespec);
    let tzp = tz.as_ref().map_or(std::ptr::null(), |t| t.as_ptr());
    host(unsafe { libc::syscall(libc::SYS_settimeofday, tvp, tzp) })
}

/// `struct timex`: modes, offset, freq, maxerror, esterror, status, constant, precision,
/// tolerance, time (a timeval), tick, ppsfreq, jitter, shift, stabil, jitcnt, calcnt, errcnt,
/// stbcnt, tai, then 11 reserved ints.
const TIMEX: &[Ty] = &[
    Ty::U32,
    Ty::Long,
    Ty::Long,
    Ty::Long,
    Ty::Long,
    Ty::I32,
    Ty::Long,
    Ty::Long,
    Ty::Long,
    Ty::Long,
    Ty::Long,
    Ty::Long,
    Ty::Long,
    Ty::Long,
    Ty::I32,
    Ty::Long,
    Ty::Long,
    Ty::Long,
    Ty::Long,
    Ty::Long,
    Ty::I32,
    Ty::Bytes(44),
];

fn adjtime(c: &Ctx, clk: Option<i32>, addr: u64) -> SysResult {
    let gl = Layout::of(c.abi, TIMEX);
    let g = c.get(addr, gl.size)?;
    crate::linux::convert::check_w(c.mem(), addr, gl.size)?;
    let mut h = layout::to_host(c.abi, TIMEX, &g.buf);
    let r = match clk {
        Some(clk) => host(unsafe { libc::syscall(libc::SYS_clock_adjtime, clk, h.as_mut_ptr()) })?,
        None => host(unsafe { libc::syscall(libc::SYS_adjtimex, h.as_mut_ptr()) })?,
    };
    c.put(addr, &layout::to_guest(c.abi, TIMEX, &h))?;
    Ok(r)
}

fn sys_adjtimex(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    adjtime(c, None, a[0])
}

fn sys_clock_adjtime(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    adjtime(c, Some(int(a[0])), a[1])
}

/// `struct itimerval` / `struct itimerspec`: two {time_t, long} pairs.
const ITIMER: &[Ty] = &[Ty::Long, Ty::Long, Ty::Long, Ty::Long];

fn get_itimer(c: &Ctx, addr: u64) -> Result<[i64; 4], Errno> {
    let h = layout::to_host(c.abi, ITIMER, &c.get(addr, Layout::of(c.abi, ITIMER).size)?.buf);
    Ok(std::array::from_fn(|i| i64::from_le_bytes(h[8 * i..8 * i + 8].try_into().unwrap())))
}

fn put_itimer(c: &Ctx, addr: u64, v: &[i64; 4]) -> Result<(), Errno> {
    let h: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
    c.put(addr, &layout::to_guest(c.abi, ITIMER, &h))
}

fn check_itimer_out(c: &Ctx, addr: u64) -> Result<(), Errno> {
    if addr != 0 {
        crate::linux::convert::check_w(c.mem(), addr, Layout::of(c.abi, ITIMER).size)?;
    }
    Ok(())
}

fn sys_getitimer(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut v = [0i64; 4];
    host(unsafe { libc::syscall(libc::SYS_getitimer, int(a[0]), v.as_mut_ptr()) })?;
    put_itimer(c, a[1], &v)?;
    Ok(0)
}

fn sys_setitimer(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let new = if a[1] == 0 { [0; 4] } else { get_itimer(c, a[1])? };
    check_itimer_out(c, a[2])?;
    let mut old = [0i64; 4];
    host(unsafe { libc::syscall(libc::SYS_setitimer, int(a[0]), new.as_ptr(), old.as_mut_ptr()) })?;
    if a[2] != 0 {
        put_itimer(c, a[2], &old)?;
    }
    Ok(0)
}

/// The host's `struct sigevent` (64 bytes): value, signo, notify, then the thread id (for
/// SIGEV_THREAD_ID) at the start of the union.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct HostSigevent {
    pub value: u64,
    pub signo: i32,
    pub notify: i32,
    pub tid: i32,
    pad: [i32; 11],
}

/// sizeof(struct sigevent) on every ABI.
const SIGEVENT_SIZE: usize = 64;

/// A guest `struct sigevent` {union sigval; int signo; int notify; union {int tid; ...}}. The
/// signal numbers and SIGEV_* values are the host's; sigval is passed back to the guest as is.
pub fn sigevent_from_guest(c: &Ctx, addr: u64) -> Result<HostSigevent, Errno> {
    let l = Layout::of(c.abi, &[Ty::Ptr, Ty::I32, Ty::I32, Ty::I32]);
    let r = c.get(addr, SIGEVENT_SIZE)?;
    Ok(HostSigevent { value: l.get(&r, 0, 0), signo: l.get(&r, 0, 1) as i32, notify: l.get(&r, 0, 2) as i32, tid: l.get(&r, 0, 3) as i32, pad: [0; 11] })
}

/// timer_create(clock, sevp, timerid): the host timer's signal goes to the host process or
/// thread, which is the guest's.
fn sys_timer_create(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let ev = if a[1] == 0 { None } else { Some(sigevent_from_guest(c, a[1])?) };
    crate::linux::convert::check_w(c.mem(), a[2], 4)?;
    let mut id: i32 = 0;
    let ep = ev.as_ref().map_or(std::ptr::null(), |e| e as *const HostSigevent);
    host(unsafe { libc::syscall(libc::SYS_timer_create, int(a[0]), ep, &mut id) })?;
    let mut w = GuestWriter::new(4, c.abi);
    w.u32(0, id as u32);
    if let Err(e) = c.put(a[2], &w) {
        unsafe { libc::syscall(libc::SYS_timer_delete, id) };
        return Err(e);
    }
    Ok(0)
}

fn sys_timer_settime(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let new = get_itimer(c, a[2])?;
    check_itimer_out(c, a[3])?;
    let mut old = [0i64; 4];
    host(unsafe { libc::syscall(libc::SYS_timer_settime, int(a[0]), int(a[1]), new.as_ptr(), old.as_mut_ptr()) })?;
    if a[3] != 0 {
        put_itimer(c, a[3], &old)?;
    }
    Ok(0)
}

fn sys_timer_gettime(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut v = [0i64; 4];
    host(unsafe { libc::syscall(libc::SYS_timer_gettime, int(a[0]), v.as_mut_ptr()) })?;
    put_itimer(c, a[1], &v)?;
    Ok(0)
}

fn sys_timer_getoverrun(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_timer_getoverrun, int(a[0])) })
}

fn sys_timer_delete(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_timer_delete, int(a[0])) })
}
