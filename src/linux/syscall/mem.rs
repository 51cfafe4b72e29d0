//! Memory-management syscalls, all through the guest memory map (`GuestMem`): the mmap family,
//! locking, residency, sealing, NUMA policy and cross-process memory access.

use super::io::iovecs;
use super::{host, int, Ctx, Handler, SysResult};
use crate::linux::convert::layout::{Layout, Ty};
use crate::linux::convert::{GuestReader, GuestWriter};
use crate::mem::{page_down, page_up, PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE};
use nix::errno::Errno;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("mmap", sys_mmap),
    ("munmap", sys_munmap),
    ("mprotect", sys_mprotect),
    ("pkey_mprotect", sys_pkey_mprotect),
    ("pkey_alloc", sys_pkey_alloc),
    ("pkey_free", sys_pkey_free),
    ("brk", sys_brk),
    ("madvise", sys_madvise),
    ("process_madvise", sys_process_madvise),
    ("mremap", sys_mremap),
    ("remap_file_pages", sys_remap_file_pages),
    ("msync", sys_msync),
    ("mlock", sys_mlock),
    ("mlock2", sys_mlock2),
    ("munlock", sys_munlock),
    ("mlockall", sys_mlockall),
    ("munlockall", sys_munlockall),
    ("mincore", sys_mincore),
    ("mseal", sys_mseal),
    ("mbind", sys_mbind),
    ("set_mempolicy", sys_set_mempolicy),
    ("get_mempolicy", sys_get_mempolicy),
    ("set_mempolicy_home_node", sys_set_mempolicy_home_node),
    ("migrate_pages", sys_migrate_pages),
    ("move_pages", sys_move_pages),
    ("process_vm_readv", sys_process_vm_readv),
    ("process_vm_writev", sys_process_vm_writev),
    ("process_mrelease", sys_process_mrelease),
];

/// Guest PROT_* bits ruser honours; arm64's PROT_BTI (0x10) and PROT_MTE (0x20) are accepted
/// and ignored (BTI/MTE are not emulated), as are PROT_GROWSDOWN/PROT_GROWSUP.
fn prot(v: u64) -> Result<u32, Errno> {
    let v = v as u32;
    if v & !(PROT_READ | PROT_WRITE | PROT_EXEC | 0x10 | 0x20 | 0x0100_0000 | 0x0200_0000) != 0 {
        return Err(Errno::EINVAL);
    }
    Ok(v & (PROT_READ | PROT_WRITE | PROT_EXEC))
}

/// Name of the file behind a host fd, for the guest memory map.
fn fd_name(fd: i32) -> Option<String> {
    std::fs::read_link(format!("/proc/self/fd/{fd}")).ok().map(|p| p.to_string_lossy().into_owned())
}

fn sys_mmap(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (addr, len, fl, fd, off) = (a[0], a[1], a[3] as u32, int(a[4]), a[5]);
    let pr = prot(a[2])?;
    let anon = fl & crate::mem::mapflags::MAP_ANONYMOUS != 0;
    let name = if anon { None } else { fd_name(fd) };
    c.mem().mmap(addr, len, pr, fl, fd, off, name)
}

fn sys_munmap(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    c.mem().munmap(a[0], a[1]).map(|_| 0)
}

fn sys_mprotect(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let pr = prot(a[2])?;
    c.mem().mprotect(a[0], a[1], pr).map(|_| 0)
}

// Memory protection keys are not emulated: ruser behaves as a kernel on a CPU without them
// (pkey_alloc finds no key, only the default key -1 is accepted).
fn sys_pkey_mprotect(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    if int(a[3]) != -1 {
        return Err(Errno::EINVAL);
    }
    sys_mprotect(c, a)
}

fn sys_pkey_alloc(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    const PKEY_ACCESS_MASK: u64 = 3;
    if a[0] != 0 || a[1] & !PKEY_ACCESS_MASK != 0 {
        return Err(Errno::EINVAL);
    }
    Err(Errno::ENOSPC)
}

fn sys_pkey_free(_c: &mut Ctx, _a: [u64; 6]) -> SysResult {
    Err(Errno::EINVAL)
}

fn sys_brk(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    Ok(c.mem().brk(a[0]))
}

fn sys_madvise(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    c.mem().madvise(a[0], a[1], int(a[2])).map(|_| 0)
}

/// process_madvise(pidfd, iovec, vlen, advice, flags): the ranges are in the target process;
/// when that is this process they must be guest memory.
fn sys_process_madvise(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let v = remote_iovecs(c, a[1], a[2], self_pidfd(int(a[0])), 0)?;
    host(unsafe { libc::syscall(libc::SYS_process_madvise, int(a[0]), v.as_ptr(), v.len(), int(a[3]), a[4] as u32) })
}

fn sys_mremap(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    c.mem().mremap(a[0], a[1], a[2], a[3] as u32, a[4])
}

/// remap_file_pages(start, size, prot, pgoff, flags): deprecated; the kernel emulates it with
/// a new mapping of the same file, and so does ruser (prot must be 0).
fn sys_remap_file_pages(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (start, size, pgoff) = (page_down(a[0]), a[1], a[3]);
    if a[2] != 0 || size == 0 {
        return Err(Errno::EINVAL);
    }
    let end = page_up(a[0].checked_add(size).ok_or(Errno::EINVAL)?).ok_or(Errno::EINVAL)?;
    let v = c.mem().lock().vmas.find(start).cloned().ok_or(Errno::EINVAL)?;
    let crate::mem::VmaKind::File { name, .. } = &v.kind else { return Err(Errno::EINVAL) };
    if !v.shared || end > v.end {
        return Err(Errno::EINVAL);
    }
    let path = std::ffi::CString::new(name.as_bytes()).map_err(|_| Errno::EINVAL)?;
    let fd = host(unsafe { libc::open(path.as_ptr(), if v.prot & PROT_WRITE != 0 { libc::O_RDWR } else { libc::O_RDONLY } | libc::O_CLOEXEC) } as i64)? as i32;
    let fl = crate::mem::mapflags::MAP_SHARED | crate::mem::mapflags::MAP_FIXED;
    let r = c.mem().mmap(start, end - start, v.prot, fl, fd, pgoff.checked_mul(PAGE_SIZE).ok_or(Errno::EINVAL)?, Some(name.clone()));
    unsafe { libc::close(fd) };
    r.map(|_| 0)
}

fn sys_msync(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    c.mem().msync(a[0], a[1], int(a[2])).map(|_| 0)
}

fn sys_mlock(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    c.mem().mlock(a[0], a[1], true, 0).map(|_| 0)
}

fn sys_mlock2(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    const MLOCK_ONFAULT: u64 = 1;
    if a[2] & !MLOCK_ONFAULT != 0 {
        return Err(Errno::EINVAL);
    }
    c.mem().mlock(a[0], a[1], true, a[2] as u32).map(|_| 0)
}

fn sys_munlock(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    c.mem().mlock(a[0], a[1], false, 0).map(|_| 0)
}

fn sys_mlockall(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    c.mem().mlockall(a[0] as u32).map(|_| 0)
}

fn sys_munlockall(c: &mut Ctx, _a: [u64; 6]) -> SysResult {
    c.mem().munlockall().map(|_| 0)
}

fn sys_mincore(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    c.mem().mincore(a[0], a[1], a[2]).map(|_| 0)
}

fn sys_mseal(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    c.mem().mseal(a[0], a[1], a[2]).map(|_| 0)
}

// ---------------------------------------------------------------- NUMA policy

/// Longest node mask accepted (the kernel's MAX_NUMNODES is at most 1024).
const MAX_NODE_BITS: u64 = 1 << 16;

/// A guest node mask of `maxnode` bits (an array of longs) as host 64-bit words.
fn nodemask_from_guest(c: &Ctx, addr: u64, maxnode: u64) -> Result<Vec<u64>, Errno> {
    if maxnode > MAX_NODE_BITS {
        return Err(Errno::EINVAL);
    }
    let word = c.abi.long_size;
    let words = (maxnode as usize).div_ceil(8 * word);
    let mut out = vec![0u64; (maxnode as usize).div_ceil(64)];
    if addr == 0 || words == 0 {
        return Ok(out);
    }
    let r = c.get(addr, words * word)?;
    for i in 0..words {
        let bit = i * word * 8;
        out[bit / 64] |= r.uint(i * word, word) << (bit % 64);
    }
    Ok(out)
}

fn nodemask_to_guest(c: &Ctx, addr: u64, maxnode: u64, bits: &[u64]) -> Result<(), Errno> {
    let word = c.abi.long_size;
    let words = (maxnode as usize).div_ceil(8 * word);
    let mut w = GuestWriter::new(words * word, c.abi);
    for i in 0..words {
        let bit = i * word * 8;
        w.uint(i * word, word, bits.get(bit / 64).copied().unwrap_or(0) >> (bit % 64));
    }
    c.put(addr, &w)
}

fn ptr_or_null(v: &[u64], addr: u64) -> *const u64 {
    if addr == 0 {
        std::ptr::null()
    } else {
        v.as_ptr()
    }
}

/// mbind(addr, len, mode, nodemask, maxnode, flags) over guest memory.
fn sys_mbind(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let end = a[0].checked_add(a[1]).and_then(page_up).ok_or(Errno::EINVAL)?;
    if !a[0].is_multiple_of(PAGE_SIZE) {
        return Err(Errno::EINVAL);
    }
    if !c.mem().lock().vmas.covers(a[0], end, 0) {
        return Err(Errno::EFAULT);
    }
    let mask = nodemask_from_guest(c, a[3], a[4])?;
    host(unsafe { libc::syscall(libc::SYS_mbind, c.mem().g2h(a[0]), a[1], int(a[2]), ptr_or_null(&mask, a[3]), a[4], a[5] as u32) })
}

fn sys_set_mempolicy(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mask = nodemask_from_guest(c, a[1], a[2])?;
    host(unsafe { libc::syscall(libc::SYS_set_mempolicy, int(a[0]), ptr_or_null(&mask, a[1]), a[2]) })
}

/// get_mempolicy(mode, nodemask, maxnode, addr, flags); with MPOL_F_ADDR `addr` is a guest
/// address (it must be guest memory).
fn sys_get_mempolicy(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    const MPOL_F_ADDR: u64 = 2;
    if a[2] > MAX_NODE_BITS {
        return Err(Errno::EINVAL);
    }
    let addr = if a[4] & MPOL_F_ADDR != 0 {
        if !c.mem().is_accessible(page_down(a[3]), 1, 0) {
            return Err(Errno::EFAULT);
        }
        c.mem().g2h(a[3]) as u64
    } else {
        a[3]
    };
    let mut mode: i32 = 0;
    let mut mask = vec![0u64; (a[2] as usize).div_ceil(64)];
    let mp = if a[1] == 0 { std::ptr::null_mut() } else { mask.as_mut_ptr() };
    let r = host(unsafe { libc::syscall(libc::SYS_get_mempolicy, &mut mode, mp, a[2], addr, a[4]) })?;
    if a[0] != 0 {
        let mut w = GuestWriter::new(4, c.abi);
        w.u32(0, mode as u32);
        c.put(a[0], &w)?;
    }
    if a[1] != 0 {
        nodemask_to_guest(c, a[1], a[2], &mask)?;
    }
    Ok(r)
}

fn sys_set_mempolicy_home_node(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let end = a[0].checked_add(a[1]).and_then(page_up).ok_or(Errno::EINVAL)?;
    if !a[0].is_multiple_of(PAGE_SIZE) {
        return Err(Errno::EINVAL);
    }
    if !c.mem().lock().vmas.covers(a[0], end, 0) {
        return Err(Errno::EFAULT);
    }
    host(unsafe { libc::syscall(450, c.mem().g2h(a[0]), a[1], a[2], a[3]) })
}

fn sys_migrate_pages(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let old = nodemask_from_guest(c, a[2], a[1])?;
    let new = nodemask_from_guest(c, a[3], a[1])?;
    host(unsafe { libc::syscall(libc::SYS_migrate_pages, int(a[0]), a[1], ptr_or_null(&old, a[2]), ptr_or_null(&new, a[3])) })
}

/// move_pages(pid, count, pages, nodes, status, flags): `pages` is an array of addresses in
/// the target process (this one: guest addresses, checked).
fn sys_move_pages(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let n = a[1] as usize;
    if n > 1 << 20 {
        return Err(Errno::E2BIG);
    }
    let me = int(a[0]) == 0 || int(a[0]) as u32 == std::process::id();
    let l = Layout::of(c.abi, &[Ty::Ptr]);
    let r = c.get(a[2], l.size * n)?;
    let mut pages = Vec::with_capacity(n);
    for i in 0..n {
        let p = l.get(&r, i * l.size, 0);
        // A page that is not guest memory becomes an address the kernel reports as -EFAULT.
        let unmapped = u64::MAX - (PAGE_SIZE - 1);
        pages.push(if !me {
            p
        } else if c.mem().is_accessible(page_down(p), 1, 0) {
            c.mem().g2h(p) as u64
        } else {
            unmapped
        });
    }
    let nodes: Option<Vec<i32>> = if a[3] == 0 {
        None
    } else {
        let r = c.get(a[3], 4 * n)?;
        Some((0..n).map(|i| r.u32(4 * i) as i32).collect())
    };
    let mut status = vec![0i32; n];
    crate::linux::convert::check_w(c.mem(), a[4], 4 * n)?;
    let np = nodes.as_ref().map_or(std::ptr::null(), |v| v.as_ptr());
    let ret = host(unsafe { libc::syscall(libc::SYS_move_pages, int(a[0]), n, pages.as_ptr(), np, status.as_mut_ptr(), int(a[5])) })?;
    let mut w = GuestWriter::new(4 * n, c.abi);
    for (i, s) in status.iter().enumerate() {
        w.u32(4 * i, *s as u32);
    }
    c.put(a[4], &w)?;
    Ok(ret)
}

// ---------------------------------------------------------------- other processes' memory

fn self_pidfd(pidfd: i32) -> bool {
    // A pidfd for this process: its fdinfo names our pid.
    std::fs::read_to_string(format!("/proc/self/fdinfo/{pidfd}"))
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("Pid:").map(|p| p.trim().to_string())))
        .is_some_and(|p| p == std::process::id().to_string())
}

/// Iovecs naming memory of a target process: host addresses as they are, unless the target is
/// this process, whose addresses are guest memory (checked).
fn remote_iovecs(c: &Ctx, addr: u64, n: u64, me: bool, prot: u32) -> Result<Vec<libc::iovec>, Errno> {
    if me {
        return iovecs(c, addr, n, prot);
    }
    if n > 1024 {
        return Err(Errno::EINVAL);
    }
    let l = Layout::of(c.abi, &[Ty::Ptr, Ty::ULong]);
    let r: GuestReader = c.get(addr, l.size * n as usize)?;
    Ok((0..n as usize).map(|i| libc::iovec { iov_base: l.get(&r, i * l.size, 0) as *mut _, iov_len: l.get(&r, i * l.size, 1) as usize }).collect())
}

fn process_vm(c: &Ctx, a: [u64; 6], write: bool) -> SysResult {
    let me = int(a[0]) as u32 == std::process::id();
    let local = iovecs(c, a[1], a[2], if write { PROT_READ } else { PROT_WRITE })?;
    let remote = remote_iovecs(c, a[3], a[4], me, if write { PROT_WRITE } else { PROT_READ })?;
    let nr = if write { libc::SYS_process_vm_writev } else { libc::SYS_process_vm_readv };
    host(unsafe { libc::syscall(nr, int(a[0]), local.as_ptr(), local.len(), remote.as_ptr(), remote.len(), a[5]) })
}

fn sys_process_vm_readv(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    process_vm(c, a, false)
}

fn sys_process_vm_writev(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    process_vm(c, a, true)
}

/// process_mrelease(pidfd, flags): frees the memory of a dying process.
fn sys_process_mrelease(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_process_mrelease, int(a[0]), a[1] as u32) })
}
