//! Memory-management syscalls, all through the guest memory map (`GuestMem`).

use super::{int, Ctx, Handler, SysResult};
use crate::mem::{PROT_EXEC, PROT_READ, PROT_WRITE};
use nix::errno::Errno;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("mmap", sys_mmap),
    ("munmap", sys_munmap),
    ("mprotect", sys_mprotect),
    ("brk", sys_brk),
    ("madvise", sys_madvise),
    ("mremap", sys_mremap),
];

/// Guest PROT_* bits ruser honours; arm64's PROT_BTI (0x10) and PROT_MTE (0x20) are accepted
/// and ignored (BTI/MTE are not emulated).
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

fn sys_brk(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    Ok(c.mem().brk(a[0]))
}

fn sys_madvise(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    c.mem().madvise(a[0], a[1], int(a[2])).map(|_| 0)
}

fn sys_mremap(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    c.mem().mremap(a[0], a[1], a[2], a[3] as u32)
}
