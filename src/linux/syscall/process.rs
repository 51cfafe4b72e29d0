//! Process, identity and resource syscalls: exit, fork (clone), wait, ids, limits, uname...
//!
//! One guest process is one host process, so pids, uids and signals are the host's.
//! `clone` creates threads (`linux::thread`) and processes (fork and vfork, in `spawn`).

use super::{blocking, host, int, Ctx, Handler, SysResult};
use crate::linux::thread;
use crate::linux::convert::{structs, GuestWriter};
use nix::errno::Errno;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("getpid", sys_getpid),
    ("getppid", sys_getppid),
    ("gettid", sys_gettid),
    ("getuid", sys_getuid),
    ("geteuid", sys_geteuid),
    ("getgid", sys_getgid),
    ("getegid", sys_getegid),
    ("setuid", sys_setuid),
    ("setgid", sys_setgid),
    ("setreuid", sys_setreuid),
    ("setregid", sys_setregid),
    ("setresuid", sys_setresuid),
    ("setresgid", sys_setresgid),
    ("getresuid", sys_getresuid),
    ("getresgid", sys_getresgid),
    ("setfsuid", sys_setfsuid),
    ("setfsgid", sys_setfsgid),
    ("getgroups", sys_getgroups),
    ("setgroups", sys_setgroups),
    ("rseq", sys_enosys),
    ("prlimit64", sys_prlimit64),
    ("getrlimit", sys_getrlimit),
    ("setrlimit", sys_setrlimit),
    ("uname", sys_uname),
    ("sysinfo", sys_sysinfo),
    ("times", sys_times),
    ("getrusage", sys_getrusage),
    ("sched_getaffinity", sys_sched_getaffinity),
    ("sched_yield", sys_sched_yield),
    ("sched_setaffinity", sys_sched_setaffinity),
    ("getrandom", sys_getrandom),
    ("clone", sys_clone),
    ("wait4", sys_wait4),
    ("kill", sys_kill),
    ("tgkill", sys_tgkill),
    ("tkill", sys_tkill),
    ("getpgid", sys_getpgid),
    ("setpgid", sys_setpgid),
    ("getsid", sys_getsid),
    ("setsid", sys_setsid),
    ("getpriority", sys_getpriority),
    ("setpriority", sys_setpriority),
];

/// Syscalls deliberately answered with ENOSYS (the guest's libc falls back): rseq.
fn sys_enosys(_c: &mut Ctx, _a: [u64; 6]) -> SysResult {
    Err(Errno::ENOSYS)
}

fn sys_getpid(_c: &mut Ctx, _a: [u64; 6]) -> SysResult {
    Ok(unsafe { libc::getpid() } as u64)
}
fn sys_getppid(_c: &mut Ctx, _a: [u64; 6]) -> SysResult {
    Ok(unsafe { libc::getppid() } as u64)
}
fn sys_gettid(_c: &mut Ctx, _a: [u64; 6]) -> SysResult {
    Ok(crate::linux::gettid() as u64)
}
fn sys_getuid(_c: &mut Ctx, _a: [u64; 6]) -> SysResult {
    Ok(unsafe { libc::getuid() } as u64)
}
fn sys_geteuid(_c: &mut Ctx, _a: [u64; 6]) -> SysResult {
    Ok(unsafe { libc::geteuid() } as u64)
}
fn sys_getgid(_c: &mut Ctx, _a: [u64; 6]) -> SysResult {
    Ok(unsafe { libc::getgid() } as u64)
}
fn sys_getegid(_c: &mut Ctx, _a: [u64; 6]) -> SysResult {
    Ok(unsafe { libc::getegid() } as u64)
}

// The set*id calls go straight to the kernel: glibc's wrappers would change every thread of
// ruser, which is the kernel's per-thread behaviour only for a single-threaded process anyway.
fn sys_setuid(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_setuid, a[0] as u32) })
}
fn sys_setgid(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_setgid, a[0] as u32) })
}
fn sys_setreuid(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_setreuid, a[0] as u32, a[1] as u32) })
}
fn sys_setregid(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_setregid, a[0] as u32, a[1] as u32) })
}
fn sys_setresuid(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_setresuid, a[0] as u32, a[1] as u32, a[2] as u32) })
}
fn sys_setresgid(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_setresgid, a[0] as u32, a[1] as u32, a[2] as u32) })
}
fn sys_setfsuid(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_setfsuid, a[0] as u32) })
}
fn sys_setfsgid(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_setfsgid, a[0] as u32) })
}

fn put_ids(c: &Ctx, ptrs: &[u64], ids: &[u32]) -> SysResult {
    for (&p, &id) in ptrs.iter().zip(ids) {
        let mut w = GuestWriter::new(4, c.abi);
        w.u32(0, id);
        c.put(p, &w)?;
    }
    Ok(0)
}

fn sys_getresuid(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (mut r, mut e, mut s) = (0, 0, 0);
    host(unsafe { libc::getresuid(&mut r, &mut e, &mut s) } as i64)?;
    put_ids(c, &a[..3], &[r, e, s])
}

fn sys_getresgid(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (mut r, mut e, mut s) = (0, 0, 0);
    host(unsafe { libc::getresgid(&mut r, &mut e, &mut s) } as i64)?;
    put_ids(c, &a[..3], &[r, e, s])
}

const NGROUPS_MAX: u64 = 65536;

fn sys_getgroups(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let size = int(a[0]);
    if size < 0 {
        return Err(Errno::EINVAL);
    }
    let mut g = vec![0u32; size as usize];
    let n = host(unsafe { libc::getgroups(size, g.as_mut_ptr()) } as i64)?;
    if size > 0 {
        let mut w = GuestWriter::new(4 * n as usize, c.abi);
        for (i, v) in g[..n as usize].iter().enumerate() {
            w.u32(4 * i, *v);
        }
        c.put(a[1], &w)?;
    }
    Ok(n)
}

fn sys_setgroups(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    if a[0] > NGROUPS_MAX {
        return Err(Errno::EINVAL);
    }
    let r = c.get(a[1], 4 * a[0] as usize)?;
    let g: Vec<u32> = (0..a[0] as usize).map(|i| r.u32(4 * i)).collect();
    host(unsafe { libc::syscall(libc::SYS_setgroups, g.len(), g.as_ptr()) })
}

fn do_prlimit(c: &Ctx, pid: i32, res: u32, new: u64, old: u64) -> SysResult {
    let newl = if new == 0 { None } else { Some(structs::rlimit_from_guest(&c.get(new, structs::RLIMIT_SIZE)?)) };
    if old != 0 {
        crate::linux::convert::check_w(c.mem(), old, structs::RLIMIT_SIZE)?;
    }
    let mut oldl = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    let np = newl.as_ref().map_or(std::ptr::null(), |l| l as *const _);
    let op = if old == 0 { std::ptr::null_mut() } else { &mut oldl as *mut _ };
    host(unsafe { libc::syscall(libc::SYS_prlimit64, pid, res, np, op) })?;
    if res as i64 == libc::RLIMIT_NOFILE as i64 && (pid == 0 || pid as u32 == std::process::id()) {
        // ruser's own fds sit at the top of the fd space (see crate::hostfd).
        oldl = crate::hostfd::guest_nofile(oldl);
    }
    if old != 0 {
        c.put(old, &structs::rlimit_to_guest(c.abi, &oldl))?;
    }
    Ok(0)
}

fn sys_prlimit64(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    do_prlimit(c, int(a[0]), a[1] as u32, a[2], a[3])
}
fn sys_getrlimit(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    do_prlimit(c, 0, a[0] as u32, 0, a[1])
}
fn sys_setrlimit(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    do_prlimit(c, 0, a[0] as u32, a[1], 0)
}

fn field(f: &[libc::c_char]) -> Vec<u8> {
    f.iter().take_while(|&&b| b != 0).map(|&b| b as u8).collect()
}

fn sys_uname(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    host(unsafe { libc::uname(&mut u) } as i64)?;
    let (s, n, r, v, d) = (field(&u.sysname), field(&u.nodename), field(&u.release), field(&u.version), field(&u.domainname));
    c.put(a[0], &structs::utsname_to_guest(c.abi, [&s, &n, &r, &v, c.abi.machine.as_bytes(), &d]))?;
    Ok(0)
}

fn sys_sysinfo(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut si: libc::sysinfo = unsafe { std::mem::zeroed() };
    host(unsafe { libc::sysinfo(&mut si) } as i64)?;
    c.put(a[0], &structs::sysinfo_to_guest(c.abi, &si))?;
    Ok(0)
}

fn sys_times(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut t: libc::tms = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::times(&mut t) };
    c.put_opt(a[0], &structs::tms_to_guest(c.abi, &t))?;
    Ok(r as u64)
}

fn sys_getrusage(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    host(unsafe { libc::getrusage(int(a[0]), &mut ru) } as i64)?;
    c.put(a[1], &structs::rusage_to_guest(c.abi, &ru))?;
    Ok(0)
}

fn sys_sched_getaffinity(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    // The mask is an array of longs: plain bytes on a little-endian 64-bit guest.
    let len = a[1].min(1 << 20) as usize;
    let mut buf = vec![0u8; len];
    let n = host(unsafe { libc::syscall(libc::SYS_sched_getaffinity, int(a[0]), len, buf.as_mut_ptr()) })?;
    if c.abi.big_endian {
        for w in buf.chunks_mut(8) {
            w.reverse();
        }
    }
    c.mem().write(a[2], &buf[..n as usize])?;
    Ok(n)
}

fn sys_sched_setaffinity(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let len = a[1].min(1 << 20) as usize;
    let mut buf = c.get(a[2], len)?.buf;
    if c.abi.big_endian {
        buf.chunks_mut(8).for_each(|w| w.reverse());
    }
    host(unsafe { libc::syscall(libc::SYS_sched_setaffinity, int(a[0]), len, buf.as_ptr()) })
}

fn sys_sched_yield(_c: &mut Ctx, _a: [u64; 6]) -> SysResult {
    unsafe { libc::sched_yield() };
    Ok(0)
}

fn sys_getrandom(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let len = a[1].min(0x7fff_f000) as usize;
    let p = c.buf_w(a[0], len)?;
    host(unsafe { libc::syscall(libc::SYS_getrandom, p, len, a[2] as u32) })
}


/// clone: threads (CLONE_VM without CLONE_VFORK) are `linux::thread::create`'s; every other
/// form creates a process (fork, vfork: `spawn::clone_process`).
pub fn sys_clone(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (fl, newsp, ptid, tls, ctid) = (a[0], a[1], a[2], a[3], a[4]);
    thread::check_clone_flags(fl)?;
    if thread::is_thread_clone(fl) {
        return thread::create(c, thread::NewThread { flags: fl, sp: newsp, parent_tid: ptid, child_tid: ctid, tls });
    }
    super::spawn::clone_process(c, a)
}

fn sys_wait4(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    if a[1] != 0 {
        crate::linux::convert::check_w(c.mem(), a[1], 4)?;
    }
    if a[3] != 0 {
        crate::linux::convert::check_w(c.mem(), a[3], structs::RUSAGE_SIZE)?;
    }
    let mut status: i32 = 0;
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = blocking(libc::SYS_wait4, [int(a[0]) as u64, &mut status as *mut i32 as u64, int(a[2]) as u64, &mut ru as *mut libc::rusage as u64, 0, 0])?;
    if pid > 0 {
        // The wait status encoding is the same on every Linux ABI.
        let mut w = GuestWriter::new(4, c.abi);
        w.u32(0, status as u32);
        c.put_opt(a[1], &w)?;
        c.put_opt(a[3], &structs::rusage_to_guest(c.abi, &ru))?;
    }
    Ok(pid)
}

fn sys_kill(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::kill(int(a[0]), int(a[1])) } as i64)
}
fn sys_tgkill(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_tgkill, int(a[0]), int(a[1]), int(a[2])) })
}
fn sys_tkill(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_tkill, int(a[0]), int(a[1])) })
}
fn sys_getpgid(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::getpgid(int(a[0])) } as i64)
}
fn sys_setpgid(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::setpgid(int(a[0]), int(a[1])) } as i64)
}
fn sys_getsid(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::getsid(int(a[0])) } as i64)
}
fn sys_setsid(_c: &mut Ctx, _a: [u64; 6]) -> SysResult {
    host(unsafe { libc::setsid() } as i64)
}
/// The raw syscall returns 20 - nice (always positive), as the guest's libc expects.
fn sys_getpriority(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_getpriority, int(a[0]), int(a[1])) })
}
fn sys_setpriority(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_setpriority, int(a[0]), int(a[1]), int(a[2])) })
}
