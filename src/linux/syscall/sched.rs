//! Scheduling syscalls: policies and parameters (`sched_setscheduler`, `sched_setattr`, ...),
//! the CPU a task runs on (`getcpu`), I/O priorities (`ioprio_set`/`ioprio_get`) and memory
//! barriers across the process's threads (`membarrier`).
//!
//! One guest task is one host task, so these act on the host's scheduler entities directly;
//! the policy and priority numbers are the same on every Linux ABI. What needs translating is
//! the structs (`sched_param`, `sched_attr`, `timespec`) and the order of the kernel's checks:
//! the argument checks that come before any guest memory is touched are made here first, so
//! that a call with both a bad argument and a bad pointer fails as on the guest's kernel.

use super::{host, int, Ctx, Handler, SysResult};
use crate::linux::convert::layout::{self, Ty};
use crate::linux::convert::{structs, GuestWriter};
use crate::mem::PAGE_SIZE;
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
    ("ioprio_set", sys_ioprio_set),
    ("ioprio_get", sys_ioprio_get),
    ("membarrier", sys_membarrier),
];

/// `struct sched_param`: one int.
const SCHED_PARAM_SIZE: usize = 4;

/// `struct sched_attr` (SCHED_ATTR_SIZE_VER1, 56 bytes on every ABI): size, policy, flags,
/// nice, priority, runtime, deadline, period, util_min, util_max.
const SCHED_ATTR: &[Ty] = &[Ty::U32, Ty::U32, Ty::U64, Ty::I32, Ty::U32, Ty::U64, Ty::U64, Ty::U64, Ty::U32, Ty::U32];
/// The first version of `struct sched_attr` (without the utilisation clamps).
const SCHED_ATTR_SIZE_VER0: usize = 48;
/// The version this handler knows: the largest it passes on and reports.
const SCHED_ATTR_SIZE: usize = 56;

/// The guest's `struct sched_param` at `addr` as a host one.
fn param_from_guest(c: &Ctx, addr: u64) -> Result<libc::sched_param, Errno> {
    let r = c.get(addr, SCHED_PARAM_SIZE)?;
    Ok(sched_param(r.u32(0) as i32))
}

/// A host `struct sched_param` (musl's has more fields than the kernel reads).
fn sched_param(priority: i32) -> libc::sched_param {
    // SAFETY: a plain C struct of integers.
    let mut p: libc::sched_param = unsafe { std::mem::zeroed() };
    p.sched_priority = priority;
    p
}

/// sched_setparam(pid, param): the kernel refuses a NULL param or a negative pid (EINVAL)
/// before it reads the param (EFAULT).
fn sys_sched_setparam(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let pid = int(a[0]);
    if a[1] == 0 || pid < 0 {
        return Err(Errno::EINVAL);
    }
    let p = param_from_guest(c, a[1])?;
    host(unsafe { libc::syscall(libc::SYS_sched_setparam, pid, &p as *const libc::sched_param) })
}

fn sys_sched_getparam(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let pid = int(a[0]);
    if a[1] == 0 || pid < 0 {
        return Err(Errno::EINVAL);
    }
    let mut p = sched_param(0);
    host(unsafe { libc::syscall(libc::SYS_sched_getparam, pid, &mut p as *mut libc::sched_param) })?;
    let mut w = GuestWriter::new(SCHED_PARAM_SIZE, c.abi);
    w.u32(0, p.sched_priority as u32);
    c.put(a[1], &w)?;
    Ok(0)
}

/// sched_setscheduler(pid, policy, param): a negative policy is EINVAL before anything else.
fn sys_sched_setscheduler(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (pid, policy) = (int(a[0]), int(a[1]));
    if policy < 0 || a[2] == 0 || pid < 0 {
        return Err(Errno::EINVAL);
    }
    let p = param_from_guest(c, a[2])?;
    host(unsafe { libc::syscall(libc::SYS_sched_setscheduler, pid, policy, &p as *const libc::sched_param) })
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
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    host(unsafe { libc::syscall(libc::SYS_sched_rr_get_interval, int(a[0]), &mut t as *mut libc::timespec) })?;
    c.put(a[1], &structs::timespec_to_guest(c.abi, t.tv_sec, t.tv_nsec))?;
    Ok(0)
}

/// Tell the guest the size of the `struct sched_attr` this kernel knows, in its `size` field
/// (what the kernel does before failing with E2BIG).
fn report_attr_size(c: &Ctx, addr: u64) -> SysResult {
    let mut w = GuestWriter::new(4, c.abi);
    w.u32(0, SCHED_ATTR_SIZE as u32);
    c.put(addr, &w)?;
    Err(Errno::E2BIG)
}

/// sched_setattr(pid, attr, flags): the guest's struct may be of any version from 48 bytes
/// to a page; bytes beyond the version known here must be zero (E2BIG otherwise, with the
/// known size written back), as the kernel's `copy_struct_from_user` requires.
fn sys_sched_setattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (pid, addr, flags) = (int(a[0]), a[1], a[2] as u32);
    if addr == 0 || pid < 0 || flags != 0 {
        return Err(Errno::EINVAL);
    }
    let mut size = c.get(addr, 4)?.u32(0) as usize;
    if size == 0 {
        size = SCHED_ATTR_SIZE_VER0;
    }
    if !(SCHED_ATTR_SIZE_VER0..=PAGE_SIZE as usize).contains(&size) {
        return report_attr_size(c, addr);
    }
    let r = c.get(addr, size)?;
    if r.buf[SCHED_ATTR_SIZE.min(size)..].iter().any(|&b| b != 0) {
        return report_attr_size(c, addr);
    }
    let mut guest = r.buf;
    guest.resize(SCHED_ATTR_SIZE, 0);
    let mut h = layout::to_host(c.abi, SCHED_ATTR, &guest);
    let n = size.min(SCHED_ATTR_SIZE) as u32;
    h[..4].copy_from_slice(&n.to_ne_bytes());
    host(unsafe { libc::syscall(libc::SYS_sched_setattr, pid, h.as_ptr(), 0u32) })
}

/// sched_getattr(pid, attr, size, flags): the kernel fills `min(size, its size)` bytes, says
/// how many in the `size` field, and (since Linux 6.x's `copy_struct_to_user`) zeroes the
/// rest of a bigger struct; the host's answer is taken as it is, with the known fields laid
/// out for the guest.
fn sys_sched_getattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (pid, addr, usize_, flags) = (int(a[0]), a[1], a[2] as u32 as usize, a[3] as u32);
    if addr == 0 || pid < 0 || usize_ > PAGE_SIZE as usize || usize_ < SCHED_ATTR_SIZE_VER0 || flags != 0 {
        return Err(Errno::EINVAL);
    }
    let mut h = vec![0u8; usize_.max(SCHED_ATTR_SIZE)];
    host(unsafe { libc::syscall(libc::SYS_sched_getattr, pid, h.as_mut_ptr(), usize_ as u32, 0u32) })?;
    let g = layout::to_guest(c.abi, SCHED_ATTR, &h[..SCHED_ATTR_SIZE]);
    let known = usize_.min(SCHED_ATTR_SIZE);
    h[..known].copy_from_slice(&g.buf[..known]);
    c.mem().write(addr, &h[..usize_])?;
    Ok(0)
}

/// getcpu(cpu, node, tcache): the host CPU and NUMA node the task runs on; the cache
/// argument has been unused since Linux 2.6.24.
fn sys_getcpu(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (mut cpu, mut node) = (0u32, 0u32);
    host(unsafe { libc::syscall(libc::SYS_getcpu, &mut cpu as *mut u32, &mut node as *mut u32, 0usize) })?;
    for (addr, v) in [(a[0], cpu), (a[1], node)] {
        let mut w = GuestWriter::new(4, c.abi);
        w.u32(0, v);
        c.put_opt(addr, &w)?;
    }
    Ok(0)
}

fn sys_ioprio_set(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_ioprio_set, int(a[0]), int(a[1]), int(a[2])) })
}

fn sys_ioprio_get(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_ioprio_get, int(a[0]), int(a[1])) })
}

/// membarrier(cmd, flags, cpu_id): the host's barriers reach every host thread, which are the
/// guest's threads (guest memory accesses are host accesses).
fn sys_membarrier(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_membarrier, int(a[0]), a[1] as u32, int(a[2])) })
}
