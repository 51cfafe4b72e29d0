//! System V IPC (shared memory, semaphores, message queues) and POSIX message queues.
//!
//! The `*id64_ds` structs are where the ABIs differ: x86-64's `ipc64_perm.mode` is a 16-bit
//! field and its `semid64_ds` has a padding word after each time, while arm64 uses the
//! asm-generic layouts (32-bit mode, no padding). Host structs are the x86-64 kernel's
//! (`#[repr(C)]` below); guest structs are described by field types and laid out per ABI.
//! shmat/shmdt go through the guest memory map.

use super::{blocking, host, int, Ctx, Handler, SysResult};
use crate::linux::convert::layout::{Layout, Ty};
use crate::linux::convert::{flags, structs, GuestWriter};
use crate::mem::PROT_READ;
use nix::errno::Errno;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("shmget", sys_shmget),
    ("shmat", sys_shmat),
    ("shmdt", sys_shmdt),
    ("shmctl", sys_shmctl),
    ("semget", sys_semget),
    ("semop", sys_semop),
    ("semtimedop", sys_semtimedop),
    ("semctl", sys_semctl),
    ("msgget", sys_msgget),
    ("msgsnd", sys_msgsnd),
    ("msgrcv", sys_msgrcv),
    ("msgctl", sys_msgctl),
    ("mq_open", sys_mq_open),
    ("mq_unlink", sys_mq_unlink),
    ("mq_timedsend", sys_mq_timedsend),
    ("mq_timedreceive", sys_mq_timedreceive),
    ("mq_notify", sys_mq_notify),
    ("mq_getsetattr", sys_mq_getsetattr),
];

const IPC_RMID: i32 = 0;
const IPC_SET: i32 = 1;
const IPC_STAT: i32 = 2;
const IPC_INFO: i32 = 3;
/// Guests (glibc) may add IPC_64 to the command; both kernels use the 64-bit structs anyway.
const IPC_64: i32 = 0x100;

// ---------------------------------------------------------------- host (x86-64 kernel) structs

#[repr(C)]
#[derive(Clone, Copy, Default)]
struct HPerm {
    key: i32,
    uid: u32,
    gid: u32,
    cuid: u32,
    cgid: u32,
    mode: u16,
    pad1: u16,
    seq: u16,
    pad2: u16,
    unused: [u64; 2],
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
struct HShmid {
    perm: HPerm,
    segsz: u64,
    atime: i64,
    dtime: i64,
    ctime: i64,
    cpid: i32,
    lpid: i32,
    nattch: u64,
    unused: [u64; 2],
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
struct HSemid {
    perm: HPerm,
    otime: i64,
    unused1: u64,
    ctime: i64,
    unused2: u64,
    nsems: u64,
    unused: [u64; 2],
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
struct HMsqid {
    perm: HPerm,
    stime: i64,
    rtime: i64,
    ctime: i64,
    cbytes: u64,
    qnum: u64,
    qbytes: u64,
    lspid: i32,
    lrpid: i32,
    unused: [u64; 2],
}

// ---------------------------------------------------------------- guest layouts

/// asm-generic `struct ipc64_perm` (64-bit): key, uid, gid, cuid, cgid, mode, seq, pad, 2
/// unused longs.
const PERM: [Ty; 10] = [Ty::I32, Ty::U32, Ty::U32, Ty::U32, Ty::U32, Ty::U32, Ty::U16, Ty::U16, Ty::ULong, Ty::ULong];
const NPERM: usize = 10;

fn with_perm(rest: &[Ty]) -> Vec<Ty> {
    let mut v = PERM.to_vec();
    v.extend_from_slice(rest);
    v
}

/// asm-generic `struct shmid64_ds`: perm, segsz, atime, dtime, ctime, cpid, lpid, nattch.
fn shmid_layout(c: &Ctx) -> Layout {
    Layout::of(c.abi, &with_perm(&[Ty::ULong, Ty::Long, Ty::Long, Ty::Long, Ty::I32, Ty::I32, Ty::ULong, Ty::ULong, Ty::ULong]))
}

/// asm-generic `struct semid64_ds`: perm, otime, ctime, nsems.
fn semid_layout(c: &Ctx) -> Layout {
    Layout::of(c.abi, &with_perm(&[Ty::Long, Ty::Long, Ty::ULong, Ty::ULong, Ty::ULong]))
}

/// asm-generic `struct msqid64_ds`: perm, stime, rtime, ctime, cbytes, qnum, qbytes, lspid,
/// lrpid.
fn msqid_layout(c: &Ctx) -> Layout {
    Layout::of(c.abi, &with_perm(&[Ty::Long, Ty::Long, Ty::Long, Ty::ULong, Ty::ULong, Ty::ULong, Ty::I32, Ty::I32, Ty::ULong, Ty::ULong]))
}

fn perm_to_guest(l: &Layout, w: &mut GuestWriter, p: &HPerm) {
    for (i, v) in [p.key as i64 as u64, p.uid as u64, p.gid as u64, p.cuid as u64, p.cgid as u64, p.mode as u64, p.seq as u64].into_iter().enumerate() {
        l.put(w, 0, i, v);
    }
}

fn perm_from_guest(c: &Ctx, l: &Layout, addr: u64) -> Result<HPerm, Errno> {
    let r = c.get(addr, l.size)?;
    let g = |i| l.get(&r, 0, i);
    Ok(HPerm { key: g(0) as i32, uid: g(1) as u32, gid: g(2) as u32, cuid: g(3) as u32, cgid: g(4) as u32, mode: g(5) as u16, seq: g(6) as u16, ..Default::default() })
}

/// A struct of `n` ints (seminfo, msginfo) or longs (shminfo64) written to the guest.
fn put_words(c: &Ctx, addr: u64, ty: Ty, vals: &[u64]) -> Result<(), Errno> {
    let l = Layout::of(c.abi, &vec![ty; vals.len()]);
    let mut w = l.writer(c.abi);
    for (i, v) in vals.iter().enumerate() {
        l.put(&mut w, 0, i, *v);
    }
    c.put(addr, &w)
}

fn cmd(v: u64) -> i32 {
    int(v) & !IPC_64
}

// ---------------------------------------------------------------- shared memory

fn sys_shmget(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::shmget(int(a[0]), a[1] as usize, int(a[2])) } as i64)
}

fn sys_shmat(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    c.mem().shmat(int(a[0]), a[1], int(a[2]))
}

fn sys_shmdt(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    c.mem().shmdt(a[0]).map(|_| 0)
}

fn sys_shmctl(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    const SHM_LOCK: i32 = 11;
    const SHM_UNLOCK: i32 = 12;
    const SHM_STAT: i32 = 13;
    const SHM_INFO: i32 = 14;
    const SHM_STAT_ANY: i32 = 15;
    let (id, op, buf) = (int(a[0]), cmd(a[1]), a[2]);
    let raw = |p: *mut u8| host(unsafe { libc::syscall(libc::SYS_shmctl, id, op, p) });
    match op {
        IPC_RMID | SHM_LOCK | SHM_UNLOCK => raw(std::ptr::null_mut()),
        IPC_STAT | SHM_STAT | SHM_STAT_ANY => {
            let mut d = HShmid::default();
            let r = raw(&mut d as *mut _ as *mut u8)?;
            let l = shmid_layout(c);
            let mut w = l.writer(c.abi);
            perm_to_guest(&l, &mut w, &d.perm);
            for (i, v) in [d.segsz, d.atime as u64, d.dtime as u64, d.ctime as u64, d.cpid as u64, d.lpid as u64, d.nattch].into_iter().enumerate() {
                l.put(&mut w, 0, NPERM + i, v);
            }
            c.put(buf, &w)?;
            Ok(r)
        }
        IPC_SET => {
            let mut d = HShmid { perm: perm_from_guest(c, &shmid_layout(c), buf)?, ..Default::default() };
            raw(&mut d as *mut _ as *mut u8)
        }
        IPC_INFO => {
            // struct shminfo64: shmmax, shmmin, shmmni, shmseg, shmall, 4 unused (longs).
            let mut v = [0u64; 9];
            let r = raw(v.as_mut_ptr() as *mut u8)?;
            put_words(c, buf, Ty::ULong, &v)?;
            Ok(r)
        }
        SHM_INFO => {
            // struct shm_info: int used_ids; then shm_tot, shm_rss, shm_swp, swap_attempts,
            // swap_successes (longs).
            let mut v = [0u64; 6];
            let r = raw(v.as_mut_ptr() as *mut u8)?;
            let l = Layout::of(c.abi, &[Ty::I32, Ty::ULong, Ty::ULong, Ty::ULong, Ty::ULong, Ty::ULong]);
            let mut w = l.writer(c.abi);
            l.put(&mut w, 0, 0, v[0] as u32 as u64);
            for (i, x) in v.iter().enumerate().skip(1) {
                l.put(&mut w, 0, i, *x);
            }
            c.put(buf, &w)?;
            Ok(r)
        }
        _ => Err(Errno::EINVAL),
    }
}

// ---------------------------------------------------------------- semaphores

fn sys_semget(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::semget(int(a[0]), int(a[1]), int(a[2])) } as i64)
}

/// SEMOPM's ceiling: no kernel accepts more operations per call.
const MAX_SOPS: u64 = 1 << 16;

/// `struct sembuf` {u16 sem_num; short sem_op; short sem_flg} as host bytes.
fn sembufs(c: &Ctx, addr: u64, n: u64) -> Result<Vec<[u16; 3]>, Errno> {
    if n == 0 {
        return Err(Errno::EINVAL);
    }
    if n > MAX_SOPS {
        return Err(Errno::E2BIG);
    }
    let r = c.get(addr, 6 * n as usize)?;
    Ok((0..n as usize).map(|i| [r.u16(6 * i), r.u16(6 * i + 2), r.u16(6 * i + 4)]).collect())
}

fn sys_semop(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let ops = sembufs(c, a[1], a[2])?;
    blocking(libc::SYS_semop, [a[0], ops.as_ptr() as u64, ops.len() as u64, 0, 0, 0])
}

fn sys_semtimedop(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let ops = sembufs(c, a[1], a[2])?;
    let ts = if a[3] == 0 { None } else { Some(structs::timespec_from_guest(&c.get(a[3], structs::TIMESPEC_SIZE)?)) };
    let tp = ts.as_ref().map_or(0, |t| t as *const _ as u64);
    blocking(libc::SYS_semtimedop, [a[0], ops.as_ptr() as u64, ops.len() as u64, tp, 0, 0])
}

fn sem_count(id: i32) -> Result<usize, Errno> {
    let mut d = HSemid::default();
    host(unsafe { libc::syscall(libc::SYS_semctl, id, 0, IPC_STAT, &mut d as *mut HSemid) })?;
    Ok(d.nsems as usize)
}

/// semctl(id, num, cmd, arg): `arg` is `union semun` passed by value (an int or a pointer).
fn sys_semctl(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    const GETPID: i32 = 11;
    const GETVAL: i32 = 12;
    const GETALL: i32 = 13;
    const GETNCNT: i32 = 14;
    const GETZCNT: i32 = 15;
    const SETVAL: i32 = 16;
    const SETALL: i32 = 17;
    const SEM_STAT: i32 = 18;
    const SEM_INFO: i32 = 19;
    const SEM_STAT_ANY: i32 = 20;
    let (id, num, op, arg) = (int(a[0]), int(a[1]), cmd(a[2]), a[3]);
    let raw = |v: u64| host(unsafe { libc::syscall(libc::SYS_semctl, id, num, op, v) });
    match op {
        IPC_RMID | GETPID | GETVAL | GETNCNT | GETZCNT => raw(0),
        SETVAL => raw(int(arg) as u32 as u64),
        IPC_STAT | SEM_STAT | SEM_STAT_ANY => {
            let mut d = HSemid::default();
            let r = raw(&mut d as *mut _ as u64)?;
            let l = semid_layout(c);
            let mut w = l.writer(c.abi);
            perm_to_guest(&l, &mut w, &d.perm);
            for (i, v) in [d.otime as u64, d.ctime as u64, d.nsems].into_iter().enumerate() {
                l.put(&mut w, 0, NPERM + i, v);
            }
            c.put(arg, &w)?;
            Ok(r)
        }
        IPC_SET => {
            let mut d = HSemid { perm: perm_from_guest(c, &semid_layout(c), arg)?, ..Default::default() };
            raw(&mut d as *mut _ as u64)
        }
        IPC_INFO | SEM_INFO => {
            // struct seminfo: ten ints.
            let mut v = [0i32; 10];
            let r = raw(v.as_mut_ptr() as u64)?;
            put_words(c, arg, Ty::I32, &v.map(|x| x as u32 as u64))?;
            Ok(r)
        }
        GETALL => {
            let n = sem_count(id)?;
            let mut v = vec![0u16; n];
            let r = raw(v.as_mut_ptr() as u64)?;
            let mut w = GuestWriter::new(2 * n, c.abi);
            for (i, x) in v.iter().enumerate() {
                w.u16(2 * i, *x);
            }
            c.put(arg, &w)?;
            Ok(r)
        }
        SETALL => {
            let n = sem_count(id)?;
            let r = c.get(arg, 2 * n)?;
            let v: Vec<u16> = (0..n).map(|i| r.u16(2 * i)).collect();
            raw(v.as_ptr() as u64)
        }
        _ => Err(Errno::EINVAL),
    }
}

// ---------------------------------------------------------------- message queues

fn sys_msgget(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::msgget(int(a[0]), int(a[1])) } as i64)
}

/// Largest message accepted (the kernel's msgmax can be raised up to INT_MAX).
const MSG_MAX: u64 = i32::MAX as u64;

/// The host's current msgmax (MSGMAX): no message is longer, so no buffer needs to be.
fn msgmax() -> u64 {
    let mut v = [0i32; 8];
    if unsafe { libc::syscall(libc::SYS_msgctl, 0, IPC_INFO, v.as_mut_ptr()) } < 0 {
        return 8192;
    }
    v[2].max(0) as u64
}

/// msgsnd(id, msgp, size, flags): msgp is {long mtype; char mtext[size]}.
fn sys_msgsnd(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    if a[2] > MSG_MAX || a[2] > msgmax() {
        return Err(Errno::EINVAL);
    }
    let ls = c.abi.long_size;
    let l = Layout::of(c.abi, &[Ty::Long]);
    let mtype = l.get(&c.get(a[1], ls)?, 0, 0) as i64;
    let mut buf = vec![0u8; 8 + a[2] as usize];
    buf[..8].copy_from_slice(&mtype.to_ne_bytes());
    c.mem().read(a[1] + ls as u64, &mut buf[8..])?;
    blocking(libc::SYS_msgsnd, [a[0], buf.as_ptr() as u64, a[2], a[3] as u32 as u64, 0, 0])
}

/// msgrcv(id, msgp, size, type, flags).
fn sys_msgrcv(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    if a[2] > MSG_MAX {
        return Err(Errno::EINVAL);
    }
    let ls = c.abi.long_size;
    crate::linux::convert::check_w(c.mem(), a[1], ls + a[2] as usize)?;
    // No message is longer than msgmax (or one set before it was lowered, up to 1 MiB here),
    // so asking for less keeps MSG_NOERROR and E2BIG as they are.
    let size = a[2].min(msgmax().max(1 << 20));
    let mut buf = vec![0u8; 8 + size as usize];
    let n = blocking(libc::SYS_msgrcv, [a[0], buf.as_mut_ptr() as u64, size, a[3], a[4] as u32 as u64, 0])?;
    let l = Layout::of(c.abi, &[Ty::Long]);
    let mut w = l.writer(c.abi);
    l.put(&mut w, 0, 0, i64::from_ne_bytes(buf[..8].try_into().unwrap()) as u64);
    c.put(a[1], &w)?;
    c.mem().write(a[1] + ls as u64, &buf[8..8 + n as usize])?;
    Ok(n)
}

fn sys_msgctl(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    const MSG_STAT: i32 = 11;
    const MSG_INFO: i32 = 12;
    const MSG_STAT_ANY: i32 = 13;
    let (id, op, buf) = (int(a[0]), cmd(a[1]), a[2]);
    let raw = |p: *mut u8| host(unsafe { libc::syscall(libc::SYS_msgctl, id, op, p) });
    match op {
        IPC_RMID => raw(std::ptr::null_mut()),
        IPC_STAT | MSG_STAT | MSG_STAT_ANY => {
            let mut d = HMsqid::default();
            let r = raw(&mut d as *mut _ as *mut u8)?;
            let l = msqid_layout(c);
            let mut w = l.writer(c.abi);
            perm_to_guest(&l, &mut w, &d.perm);
            for (i, v) in [d.stime as u64, d.rtime as u64, d.ctime as u64, d.cbytes, d.qnum, d.qbytes, d.lspid as u64, d.lrpid as u64].into_iter().enumerate() {
                l.put(&mut w, 0, NPERM + i, v);
            }
            c.put(buf, &w)?;
            Ok(r)
        }
        IPC_SET => {
            let l = msqid_layout(c);
            let perm = perm_from_guest(c, &l, buf)?;
            let qbytes = l.get(&c.get(buf, l.size)?, 0, NPERM + 5);
            let mut d = HMsqid { perm, qbytes, ..Default::default() };
            raw(&mut d as *mut _ as *mut u8)
        }
        IPC_INFO | MSG_INFO => {
            // struct msginfo: seven ints and an unsigned short.
            let mut v = [0i32; 8];
            let r = raw(v.as_mut_ptr() as *mut u8)?;
            let l = Layout::of(c.abi, &[Ty::I32, Ty::I32, Ty::I32, Ty::I32, Ty::I32, Ty::I32, Ty::I32, Ty::U16]);
            let mut w = l.writer(c.abi);
            for (i, x) in v.iter().enumerate().take(7) {
                l.put(&mut w, 0, i, *x as u32 as u64);
            }
            l.put(&mut w, 0, 7, (v[7] as u32 & 0xffff) as u64);
            c.put(buf, &w)?;
            Ok(r)
        }
        _ => Err(Errno::EINVAL),
    }
}

// ---------------------------------------------------------------- POSIX message queues

/// `struct mq_attr`: flags, maxmsg, msgsize, curmsgs, 4 reserved (longs).
const MQ_ATTR: [Ty; 8] = [Ty::Long; 8];

fn mq_attr_from_guest(c: &Ctx, addr: u64) -> Result<[i64; 8], Errno> {
    let l = Layout::of(c.abi, &MQ_ATTR);
    let r = c.get(addr, l.size)?;
    Ok(std::array::from_fn(|i| l.get(&r, 0, i) as i64))
}

fn mq_attr_to_guest(c: &Ctx, addr: u64, v: &[i64; 8]) -> Result<(), Errno> {
    let l = Layout::of(c.abi, &MQ_ATTR);
    let mut w = l.writer(c.abi);
    for (i, x) in v.iter().enumerate().take(4) {
        l.put(&mut w, 0, i, *x as u64);
    }
    c.put(addr, &w)
}

fn sys_mq_open(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let name = c.cstr(a[0])?;
    let fl = flags::open_to_host(c.abi, a[1] as u32);
    let attr = if a[3] == 0 { None } else { Some(mq_attr_from_guest(c, a[3])?) };
    let ap = attr.as_ref().map_or(std::ptr::null(), |v| v.as_ptr());
    host(unsafe { libc::syscall(libc::SYS_mq_open, name.as_ptr(), fl, a[2] as u32, ap) })
}

fn sys_mq_unlink(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let name = c.cstr(a[0])?;
    host(unsafe { libc::syscall(libc::SYS_mq_unlink, name.as_ptr()) })
}

fn abs_timeout(c: &Ctx, addr: u64) -> Result<Option<libc::timespec>, Errno> {
    if addr == 0 {
        return Ok(None);
    }
    Ok(Some(structs::timespec_from_guest(&c.get(addr, structs::TIMESPEC_SIZE)?)))
}

fn sys_mq_timedsend(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let p = c.buf_r(a[1], a[2].min(super::io::MAX_RW) as usize)?;
    let ts = abs_timeout(c, a[4])?;
    let tp = ts.as_ref().map_or(0, |t| t as *const _ as u64);
    blocking(libc::SYS_mq_timedsend, [a[0], p as u64, a[2], a[3] as u32 as u64, tp, 0])
}

fn sys_mq_timedreceive(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let p = c.buf_w(a[1], a[2].min(super::io::MAX_RW) as usize)?;
    let ts = abs_timeout(c, a[4])?;
    let tp = ts.as_ref().map_or(0, |t| t as *const _ as u64);
    let mut prio: u32 = 0;
    if a[3] != 0 {
        crate::linux::convert::check_w(c.mem(), a[3], 4)?;
    }
    let n = blocking(libc::SYS_mq_timedreceive, [a[0], p as u64, a[2], &mut prio as *mut u32 as u64, tp, 0])?;
    if a[3] != 0 {
        let mut w = GuestWriter::new(4, c.abi);
        w.u32(0, prio);
        c.put(a[3], &w)?;
    }
    Ok(n)
}

/// mq_notify(mqd, sigevent): with SIGEV_THREAD the kernel reads a 32-byte cookie from guest
/// memory at sigev_value (glibc's netlink notification).
fn sys_mq_notify(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    const SIGEV_THREAD: i32 = 2;
    if a[1] == 0 {
        return host(unsafe { libc::syscall(libc::SYS_mq_notify, int(a[0]), std::ptr::null::<u8>()) });
    }
    let mut ev = super::time::sigevent_from_guest(c, a[1])?;
    if ev.notify == SIGEV_THREAD {
        c.mem().check(ev.value, 32, PROT_READ)?;
        ev.value = c.mem().g2h(ev.value) as u64;
    }
    host(unsafe { libc::syscall(libc::SYS_mq_notify, int(a[0]), &ev as *const _) })
}

fn sys_mq_getsetattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let new = if a[1] == 0 { None } else { Some(mq_attr_from_guest(c, a[1])?) };
    let mut old = [0i64; 8];
    let np = new.as_ref().map_or(std::ptr::null(), |v| v.as_ptr());
    let op = if a[2] == 0 { std::ptr::null_mut() } else { old.as_mut_ptr() };
    let r = host(unsafe { libc::syscall(libc::SYS_mq_getsetattr, int(a[0]), np, op) })?;
    if a[2] != 0 {
        mq_attr_to_guest(c, a[2], &old)?;
    }
    Ok(r)
}
