//! Scheduling calls: policies, priorities, attributes, the current CPU, membarrier. Guest
//! threads are host threads and pids are the host's, so each goes to the host with its
//! structs copied (their layouts are the same on every 64-bit ABI).

use super::{host, int, Ctx, Handler, SysResult};
use crate::linux::convert::{structs, GuestWriter};
use nix::errno::Errno;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("sched_setparam", sys_sched_setparam),
    ("sched_getparam", sys_sched_getparam),
    ("sched_setscheduler", sys_sched_setscheduler),
    ("sched_getscheduler", sys_sched_getscheduler),
    ("sched_get_priority_max", sys_sched_get_priority_max),
    ("sched_get_priority_min", sys_sched_get_priority_min),
    ("sched_rr_get_interval", sys_sched_rr_get_interval),
    ("sched_setattr", sys_sched_setattr),
    ("sched_getattr", sys_sched_getattr),
    ("getcpu", sys_getcpu),
    ("membarrier", sys_membarrier),
];

fn get_i32(c: &Ctx, addr: u64) -> Result<i32, Errno> {
    Ok(c.get(addr, 4)?.u32(0) as i32)
}

fn put_u32(c: &Ctx, addr: u64, v: u32) -> Result<(), Errno> {
    let mut w = GuestWriter::new(4, c.abi);
    w.u32(0, v);
    c.put(addr, &w)
}

/// struct sched_param: one int.
fn sys_sched_setparam(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    if a[1] == 0 {
        return Err(Errno::EINVAL);
    }
    let prio = get_i32(c, a[1])?;
    host(unsafe { libc::syscall(libc::SYS_sched_setparam, int(a[0]), &prio) })
}

fn sys_sched_getparam(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    if a[1] == 0 {
        return Err(Errno::EINVAL);
    }
    let mut prio: i32 = 0;
    host(unsafe { libc::syscall(libc::SYS_sched_getparam, int(a[0]), &mut prio) })?;
    put_u32(c, a[1], prio as u32)?;
    Ok(0)
}

fn sys_sched_setscheduler(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    if a[2] == 0 {
        return Err(Errno::EINVAL);
    }
    let prio = get_i32(c, a[2])?;
    host(unsafe { libc::syscall(libc::SYS_sched_setscheduler, int(a[0]), int(a[1]), &prio) })
}

fn sys_sched_getscheduler(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_sched_getscheduler, int(a[0])) })
}

fn sys_sched_get_priority_max(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_sched_get_priority_max, int(a[0])) })
}

fn sys_sched_get_priority_min(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_sched_get_priority_min, int(a[0])) })
}

fn sys_sched_rr_get_interval(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    host(unsafe { libc::syscall(libc::SYS_sched_rr_get_interval, int(a[0]), &mut ts) })?;
    c.put(a[1], &structs::timespec_to_guest(c.abi, ts.tv_sec, ts.tv_nsec))?;
    Ok(0)
}

/// The largest struct sched_attr the host is given (it grows by version; its first u32 is
/// the size the caller knows).
const SCHED_ATTR_MAX: usize = 4096;
/// sizeof(struct sched_attr) version 0.
const SCHED_ATTR_SIZE_VER0: usize = 48;

fn sys_sched_setattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let size = match c.get(a[1], 4)?.u32(0) as usize {
        0 => SCHED_ATTR_SIZE_VER0,
        n => n.min(SCHED_ATTR_MAX),
    };
    let attr = c.get(a[1], size.max(SCHED_ATTR_SIZE_VER0))?.buf;
    host(unsafe { libc::syscall(libc::SYS_sched_setattr, int(a[0]), attr.as_ptr(), a[2] as u32) })
}

fn sys_sched_getattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let size = (a[2] as usize).min(SCHED_ATTR_MAX);
    crate::linux::convert::check_w(c.mem(), a[1], size)?;
    let mut attr = vec![0u8; size];
    host(unsafe { libc::syscall(libc::SYS_sched_getattr, int(a[0]), attr.as_mut_ptr(), size as u32, a[3] as u32) })?;
    // The kernel writes min(its size, the caller's) bytes and puts that size in the first field.
    let n = (u32::from_le_bytes(attr[..4].try_into().unwrap()) as usize).min(size);
    c.mem().write(a[1], &attr[..n])?;
    Ok(0)
}

fn sys_getcpu(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (mut cpu, mut node) = (0u32, 0u32);
    host(unsafe { libc::syscall(libc::SYS_getcpu, &mut cpu, &mut node, 0usize) })?;
    if a[0] != 0 {
        put_u32(c, a[0], cpu)?;
    }
    if a[1] != 0 {
        put_u32(c, a[1], node)?;
    }
    Ok(0)
}

/// membarrier(cmd, flags, cpu_id): the host's barriers reach every host thread, which are the
/// guest's threads (guest memory accesses are host accesses).
fn sys_membarrier(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_membarrier, int(a[0]), a[1] as u32, int(a[2])) })
}
