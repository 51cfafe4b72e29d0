//! Data transfer on fds: read/write and friends, zero-copy transfers (sendfile, splice, tee,
//! vmsplice, copy_file_range), and file space and cache control (fallocate, fadvise64,
//! readahead, sync_file_range, syncfs, cachestat). Everything that may wait on a pipe, socket
//! or terminal goes through `blocking`.

use super::{blocking, host, int, Ctx, Handler, SysResult};
use crate::linux::convert::layout::{Layout, Ty};
use crate::linux::convert::GuestWriter;
use crate::mem::{PROT_READ, PROT_WRITE};
use nix::errno::Errno;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("read", sys_read),
    ("write", sys_write),
    ("readv", sys_readv),
    ("writev", sys_writev),
    ("pread64", sys_pread64),
    ("pwrite64", sys_pwrite64),
    ("preadv", sys_preadv),
    ("pwritev", sys_pwritev),
    ("preadv2", sys_preadv2),
    ("pwritev2", sys_pwritev2),
    ("sendfile", sys_sendfile),
    ("splice", sys_splice),
    ("tee", sys_tee),
    ("vmsplice", sys_vmsplice),
    ("copy_file_range", sys_copy_file_range),
    ("fallocate", sys_fallocate),
    ("fadvise64", sys_fadvise64),
    ("readahead", sys_readahead),
    ("sync_file_range", sys_sync_file_range),
    ("syncfs", sys_syncfs),
    ("cachestat", sys_cachestat),
];

/// Bigger transfers are cut to this size, as the kernel does (MAX_RW_COUNT).
pub const MAX_RW: u64 = 0x7fff_f000;

fn sys_read(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let len = a[2].min(MAX_RW) as usize;
    let p = c.buf_w(a[1], len)?;
    blocking(libc::SYS_read, [a[0], p as u64, len as u64, 0, 0, 0])
}

fn sys_write(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let len = a[2].min(MAX_RW) as usize;
    let p = c.buf_r(a[1], len)?;
    blocking(libc::SYS_write, [a[0], p as u64, len as u64, 0, 0, 0])
}

fn sys_pread64(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let len = a[2].min(MAX_RW) as usize;
    let p = c.buf_w(a[1], len)?;
    blocking(libc::SYS_pread64, [a[0], p as u64, len as u64, a[3], 0, 0])
}

fn sys_pwrite64(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let len = a[2].min(MAX_RW) as usize;
    let p = c.buf_r(a[1], len)?;
    blocking(libc::SYS_pwrite64, [a[0], p as u64, len as u64, a[3], 0, 0])
}

const UIO_MAXIOV: u64 = 1024;

/// `struct iovec`: base, len.
const IOVEC: &[Ty] = &[Ty::Ptr, Ty::ULong];

/// The guest iovec array as host iovecs, each buffer checked for `prot`.
pub fn iovecs(c: &Ctx, addr: u64, n: u64, prot: u32) -> Result<Vec<libc::iovec>, Errno> {
    if n > UIO_MAXIOV {
        return Err(Errno::EINVAL);
    }
    let l = Layout::of(c.abi, IOVEC);
    let r = c.get(addr, l.size * n as usize)?;
    let mut v = Vec::with_capacity(n as usize);
    let mut total: u64 = 0;
    for i in 0..n as usize {
        let (base, len) = (l.get(&r, i * l.size, 0), l.get(&r, i * l.size, 1));
        if len > isize::MAX as u64 {
            return Err(Errno::EINVAL);
        }
        total = total.checked_add(len).filter(|&t| t <= isize::MAX as u64).ok_or(Errno::EINVAL)?;
        c.mem().check(base, len, prot)?;
        v.push(libc::iovec { iov_base: c.mem().g2h(base) as *mut _, iov_len: len as usize });
    }
    Ok(v)
}

fn vec_call(nr: i64, fd: u64, v: &[libc::iovec], a3: u64, a4: u64, a5: u64) -> SysResult {
    blocking(nr, [fd, v.as_ptr() as u64, v.len() as u64, a3, a4, a5])
}

fn sys_readv(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let v = iovecs(c, a[1], a[2], PROT_WRITE)?;
    vec_call(libc::SYS_readv, a[0], &v, 0, 0, 0)
}

fn sys_writev(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let v = iovecs(c, a[1], a[2], PROT_READ)?;
    vec_call(libc::SYS_writev, a[0], &v, 0, 0, 0)
}

// preadv/pwritev(v2) take the offset as (low, high) halves; on a 64-bit guest the low word
// holds all of it, and the host (also 64-bit) reads it the same way.
fn sys_preadv(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let v = iovecs(c, a[1], a[2], PROT_WRITE)?;
    vec_call(libc::SYS_preadv, a[0], &v, a[3], 0, 0)
}

fn sys_pwritev(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let v = iovecs(c, a[1], a[2], PROT_READ)?;
    vec_call(libc::SYS_pwritev, a[0], &v, a[3], 0, 0)
}

/// preadv2(fd, iov, cnt, pos_l, pos_h, flags): RWF_* flags are the same on every ABI.
fn sys_preadv2(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let v = iovecs(c, a[1], a[2], PROT_WRITE)?;
    vec_call(libc::SYS_preadv2, a[0], &v, a[3], 0, a[5] as u32 as u64)
}

fn sys_pwritev2(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let v = iovecs(c, a[1], a[2], PROT_READ)?;
    vec_call(libc::SYS_pwritev2, a[0], &v, a[3], 0, a[5] as u32 as u64)
}

/// An optional in/out `loff_t *` argument: its value, checked writable.
fn get_off(c: &Ctx, addr: u64) -> Result<Option<i64>, Errno> {
    if addr == 0 {
        return Ok(None);
    }
    let v = c.get(addr, 8)?.u64(0) as i64;
    crate::linux::convert::check_w(c.mem(), addr, 8)?;
    Ok(Some(v))
}

fn put_off(c: &Ctx, addr: u64, v: Option<i64>) -> Result<(), Errno> {
    if let Some(v) = v {
        let mut w = GuestWriter::new(8, c.abi);
        w.u64(0, v as u64);
        c.put(addr, &w)?;
    }
    Ok(())
}

fn off_ptr(v: &mut Option<i64>) -> u64 {
    v.as_mut().map_or(0, |p| p as *mut i64 as u64)
}

/// sendfile(out, in, *offset, count).
fn sys_sendfile(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut off = get_off(c, a[2])?;
    let r = blocking(libc::SYS_sendfile, [a[0], a[1], off_ptr(&mut off), a[3].min(MAX_RW), 0, 0]);
    put_off(c, a[2], off)?;
    r
}

/// splice(in, *off_in, out, *off_out, len, flags): SPLICE_F_* are the same on every ABI.
fn sys_splice(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (mut oi, mut oo) = (get_off(c, a[1])?, get_off(c, a[3])?);
    let r = blocking(libc::SYS_splice, [a[0], off_ptr(&mut oi), a[2], off_ptr(&mut oo), a[4], a[5] as u32 as u64]);
    put_off(c, a[1], oi)?;
    put_off(c, a[3], oo)?;
    r
}

fn sys_tee(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    blocking(libc::SYS_tee, [a[0], a[1], a[2], a[3] as u32 as u64, 0, 0])
}

/// vmsplice(fd, iov, nr, flags): the pages named by the iovecs are guest memory. Into a pipe
/// the buffers are read; out of one (the fd is a pipe's read end) they are written.
fn sys_vmsplice(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let fl = unsafe { libc::fcntl(int(a[0]), libc::F_GETFL) };
    if fl < 0 {
        return Err(Errno::last());
    }
    let prot = if fl & libc::O_ACCMODE == libc::O_RDONLY { PROT_WRITE } else { PROT_READ };
    let v = iovecs(c, a[1], a[2], prot)?;
    vec_call(libc::SYS_vmsplice, a[0], &v, a[3] as u32 as u64, 0, 0)
}

fn sys_copy_file_range(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (mut oi, mut oo) = (get_off(c, a[1])?, get_off(c, a[3])?);
    let r = blocking(libc::SYS_copy_file_range, [a[0], off_ptr(&mut oi), a[2], off_ptr(&mut oo), a[4], a[5] as u32 as u64]);
    put_off(c, a[1], oi)?;
    put_off(c, a[3], oo)?;
    r
}

/// fallocate(fd, mode, offset, len): FALLOC_FL_* are the same on every ABI.
fn sys_fallocate(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::fallocate(int(a[0]), int(a[1]), a[2] as i64, a[3] as i64) } as i64)
}

/// fadvise64(fd, offset, len, advice): the POSIX_FADV_* numbers of arm64 and x86-64 agree
/// (only s390 differs).
fn sys_fadvise64(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    // The raw call returns the error (not -1/errno).
    host(unsafe { libc::syscall(libc::SYS_fadvise64, int(a[0]), a[1] as i64, a[2] as i64, int(a[3])) })
}

fn sys_readahead(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_readahead, int(a[0]), a[1] as i64, a[2] as usize) })
}

fn sys_sync_file_range(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    blocking(libc::SYS_sync_file_range, [a[0], a[1], a[2], a[3] as u32 as u64, 0, 0])
}

fn sys_syncfs(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syncfs(int(a[0])) } as i64)
}

/// cachestat(fd, *range, *cstat, flags): `struct cachestat_range` {off, len} in and
/// `struct cachestat` (five u64 counters) out.
fn sys_cachestat(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let l = Layout::of(c.abi, &[Ty::U64, Ty::U64]);
    let r = c.get(a[1], l.size)?;
    let range = [l.get(&r, 0, 0), l.get(&r, 0, 1)];
    let mut st = [0u64; 5];
    let ret = host(unsafe { libc::syscall(451, int(a[0]), range.as_ptr(), st.as_mut_ptr(), a[3] as u32) })?;
    let o = Layout::of(c.abi, &[Ty::U64; 5]);
    let mut w = o.writer(c.abi);
    for (i, v) in st.iter().enumerate() {
        o.put(&mut w, 0, i, *v);
    }
    c.put(a[2], &w)?;
    Ok(ret)
}
