//! File-system syscalls: paths, metadata, directories. Every path goes through the sysroot
//! overlay (`Ctx::path_at`, `Ctx::path_at_flags`, `Ctx::lookup_path`; the rule is in
//! `crate::linux::overlay`), and /proc's emulated files are opened from `crate::linux::procfs`.

use super::{blocking, host, int, Ctx, Handler, SysResult, PATH_MAX};
use crate::linux::convert::layout::{Layout, Ty};
use crate::linux::convert::{flags, structs, GuestReader};
use crate::linux::procfs;
use nix::errno::Errno;
use std::ffi::CString;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("openat", sys_openat),
    ("openat2", sys_openat2),
    ("mknodat", sys_mknodat),
    ("fchmodat2", sys_fchmodat2),
    ("name_to_handle_at", sys_name_to_handle_at),
    ("open_by_handle_at", sys_open_by_handle_at),
    ("lseek", sys_lseek),
    ("newfstatat", sys_newfstatat),
    ("fstat", sys_fstat),
    ("statx", sys_statx),
    ("getdents64", sys_getdents64),
    ("readlinkat", sys_readlinkat),
    ("faccessat", sys_faccessat),
    ("faccessat2", sys_faccessat2),
    ("unlinkat", sys_unlinkat),
    ("mkdirat", sys_mkdirat),
    ("renameat", sys_renameat),
    ("renameat2", sys_renameat2),
    ("symlinkat", sys_symlinkat),
    ("linkat", sys_linkat),
    ("fchmodat", sys_fchmodat),
    ("fchmod", sys_fchmod),
    ("fchownat", sys_fchownat),
    ("fchown", sys_fchown),
    ("ftruncate", sys_ftruncate),
    ("truncate", sys_truncate),
    ("fsync", sys_fsync),
    ("fdatasync", sys_fdatasync),
    ("sync", sys_sync),
    ("utimensat", sys_utimensat),
    ("getcwd", sys_getcwd),
    ("chdir", sys_chdir),
    ("fchdir", sys_fchdir),
    ("chroot", sys_chroot),
    ("umask", sys_umask),
    ("statfs", sys_statfs),
    ("fstatfs", sys_fstatfs),
];

const AT_EMPTY_PATH: i32 = 0x1000;

/// openat may block (a FIFO waits for its other end, a terminal for carrier).
fn sys_openat(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let fl = flags::open_to_host(c.abi, a[2] as u32);
    let path = c.cstr(a[1])?;
    if let Some(r) = procfs::open_exe(c.p, path.as_bytes(), fl) {
        return r;
    }
    if let Some(r) = procfs::open(c, path.as_bytes()) {
        // The emulated files are regular, read-only files.
        if fl & (libc::O_ACCMODE | libc::O_DIRECTORY) != libc::O_RDONLY {
            if let Ok(fd) = r {
                unsafe { libc::close(fd as i32) };
            }
            return Err(if fl & libc::O_DIRECTORY != 0 { Errno::ENOTDIR } else { Errno::EACCES });
        }
        let fd = r?;
        if fl & libc::O_CLOEXEC != 0 {
            unsafe { libc::fcntl(fd as i32, libc::F_SETFD, libc::FD_CLOEXEC) };
        }
        return Ok(fd);
    }
    let hp = c.path_at(int(a[0]), a[1], fl & libc::O_NOFOLLOW == 0)?;
    blocking(libc::SYS_openat, [hp.dirfd as u32 as u64, hp.path.as_ptr() as u64, fl as u32 as u64, a[3] as u32 as u64, 0, 0])
}

/// `struct open_how`: flags, mode, resolve (all u64; the kernel accepts bigger versions whose
/// extra bytes are zero).
const OPEN_HOW: &[Ty] = &[Ty::U64, Ty::U64, Ty::U64];

fn sys_openat2(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let l = Layout::of(c.abi, OPEN_HOW);
    let size = a[3] as usize;
    if size < l.size {
        return Err(Errno::EINVAL);
    }
    if size > 4096 {
        return Err(Errno::E2BIG);
    }
    let r = c.get(a[2], size)?;
    if r.buf[l.size..].iter().any(|&b| b != 0) {
        return Err(Errno::E2BIG);
    }
    let gflags = l.get(&r, 0, 0);
    if gflags >> 32 != 0 {
        return Err(Errno::EINVAL);
    }
    let how: [u64; 3] = [flags::open_to_host(c.abi, gflags as u32) as u32 as u64, l.get(&r, 0, 1), l.get(&r, 0, 2)];
    let hp = c.path_at(int(a[0]), a[1], how[0] as i32 & libc::O_NOFOLLOW == 0)?;
    blocking(libc::SYS_openat2, [hp.dirfd as u32 as u64, hp.path.as_ptr() as u64, how.as_ptr() as u64, 24, 0, 0])
}

fn sys_mknodat(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let hp = c.path_at(int(a[0]), a[1], false)?;
    host(unsafe { libc::syscall(libc::SYS_mknodat, hp.dirfd, hp.path.as_ptr(), a[2] as u32, a[3] as u32) })
}

fn sys_fchmodat2(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let fl = int(a[3]);
    let hp = c.path_at_flags(int(a[0]), a[1], fl)?;
    host(unsafe { libc::syscall(452, hp.dirfd, hp.path.as_ptr(), a[2] as u32, fl) })
}

/// `struct file_handle`: handle_bytes (u32), handle_type (int), then the opaque handle.
const FILE_HANDLE_HDR: usize = 8;
/// MAX_HANDLE_SZ.
const MAX_HANDLE_SZ: u32 = 128;

fn sys_name_to_handle_at(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let fl = int(a[4]);
    // name_to_handle_at follows a final symlink only with AT_SYMLINK_FOLLOW.
    let nofollow = if fl & libc::AT_SYMLINK_FOLLOW != 0 { 0 } else { libc::AT_SYMLINK_NOFOLLOW };
    let hp = c.path_at_flags(int(a[0]), a[1], (fl & AT_EMPTY_PATH) | nofollow)?;
    let want = c.get(a[2], 4)?.u32(0);
    let mut h = vec![0u8; FILE_HANDLE_HDR + want.min(MAX_HANDLE_SZ) as usize];
    h[..4].copy_from_slice(&want.min(MAX_HANDLE_SZ + 1).to_ne_bytes());
    let mut mnt: u64 = 0;
    let r = host(unsafe { libc::syscall(libc::SYS_name_to_handle_at, hp.dirfd, hp.path.as_ptr(), h.as_mut_ptr(), &mut mnt, fl) });
    // On EOVERFLOW the kernel still reports the size needed in handle_bytes.
    let got = u32::from_ne_bytes(h[..4].try_into().unwrap());
    let mut w = crate::linux::convert::GuestWriter::new(FILE_HANDLE_HDR, c.abi);
    w.u32(0, got);
    w.u32(4, u32::from_ne_bytes(h[4..8].try_into().unwrap()));
    if r.is_ok() {
        let n = (got as usize).min(h.len() - FILE_HANDLE_HDR);
        c.mem().write(a[2] + FILE_HANDLE_HDR as u64, &h[FILE_HANDLE_HDR..FILE_HANDLE_HDR + n])?;
        // AT_HANDLE_MNT_ID_UNIQUE (0x001) asks for a 64-bit mount id; otherwise an int.
        if fl & 1 != 0 {
            let mut m = crate::linux::convert::GuestWriter::new(8, c.abi);
            m.u64(0, mnt);
            c.put(a[3], &m)?;
        } else {
            let mut m = crate::linux::convert::GuestWriter::new(4, c.abi);
            m.u32(0, mnt as u32);
            c.put(a[3], &m)?;
        }
    }
    if r.is_ok() || r == Err(Errno::EOVERFLOW) {
        c.put(a[2], &w)?;
    }
    r
}

fn sys_open_by_handle_at(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let r = c.get(a[1], FILE_HANDLE_HDR)?;
    let (n, ty) = (r.u32(0), r.u32(4));
    if n == 0 || n > MAX_HANDLE_SZ {
        return Err(Errno::EINVAL);
    }
    let mut h = vec![0u8; FILE_HANDLE_HDR + n as usize];
    h[..4].copy_from_slice(&n.to_ne_bytes());
    h[4..8].copy_from_slice(&ty.to_ne_bytes());
    c.mem().read(a[1] + FILE_HANDLE_HDR as u64, &mut h[FILE_HANDLE_HDR..])?;
    let fl = flags::open_to_host(c.abi, a[2] as u32);
    blocking(libc::SYS_open_by_handle_at, [a[0], h.as_ptr() as u64, fl as u32 as u64, 0, 0, 0])
}


fn sys_lseek(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::lseek(int(a[0]), a[1] as i64, int(a[2])) })
}

fn do_fstatat(c: &Ctx, dirfd: i32, path: &CString, fl: i32, out: u64) -> SysResult {
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    host(unsafe { libc::syscall(libc::SYS_newfstatat, dirfd, path.as_ptr(), &mut st, fl) })?;
    c.put(out, &structs::stat_to_guest(c.abi, &st))?;
    Ok(0)
}

fn sys_newfstatat(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let fl = int(a[3]);
    let hp = c.path_at_flags(int(a[0]), a[1], fl)?;
    do_fstatat(c, hp.dirfd, &hp.path, fl, a[2])
}

fn sys_fstat(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    do_fstatat(c, int(a[0]), &CString::default(), AT_EMPTY_PATH, a[1])
}

fn sys_statx(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let fl = int(a[2]);
    let hp = c.path_at_flags(int(a[0]), a[1], fl)?;
    let mut buf = [0u8; structs::STATX_SIZE];
    host(unsafe { libc::syscall(libc::SYS_statx, hp.dirfd, hp.path.as_ptr(), fl, a[3] as u32, buf.as_mut_ptr()) })?;
    c.put(a[4], &structs::statx_to_guest(c.abi, &buf))?;
    Ok(0)
}

fn sys_getdents64(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let len = a[2].min(i32::MAX as u64) as usize;
    let p = c.buf_w(a[1], len)?;
    let fd = int(a[0]);
    let mut n = host(unsafe { libc::syscall(libc::SYS_getdents64, fd, p, len) })?;
    while n > 0 {
        // SAFETY: checked writable above; n <= len bytes were written.
        let got = unsafe { std::slice::from_raw_parts_mut(p, n as usize) };
        // ruser's own fds are not listed in the guest's /proc/self/fd.
        let kept = procfs::filter_dirents(fd, got) as u64;
        if kept > 0 {
            n = kept;
            break;
        }
        n = host(unsafe { libc::syscall(libc::SYS_getdents64, fd, p, len) })?;
    }
    if n > 0 {
        c.p.overlay.union_reset(fd);
    } else {
        // A sysroot directory lists on with the host's entries it lacks.
        let more = c.p.overlay.union_more(fd, len)?;
        // SAFETY: checked writable above for len >= more.len() bytes.
        unsafe { std::ptr::copy_nonoverlapping(more.as_ptr(), p, more.len()) };
        n = more.len() as u64;
    }
    // SAFETY: checked writable above; n <= len bytes were written.
    let buf = unsafe { std::slice::from_raw_parts_mut(p, n as usize) };
    structs::dirents_to_guest(c.abi, buf);
    Ok(n)
}

fn sys_readlinkat(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let path = c.cstr(a[1])?;
    let bufsiz = a[3] as i32;
    if bufsiz <= 0 {
        return Err(Errno::EINVAL);
    }
    if let Some(target) = procfs::readlink(c.p, path.as_bytes()) {
        let n = target.len().min(bufsiz as usize);
        c.mem().write(a[2], &target[..n])?;
        return Ok(n as u64);
    }
    if procfs::hides(int(a[0]), path.as_bytes()) {
        return Err(Errno::ENOENT);
    }
    let hp = c.p.overlay.resolve(int(a[0]), &path, false)?;
    let mut target = vec![0u8; PATH_MAX];
    let n = host(unsafe { libc::readlinkat(hp.dirfd, hp.path.as_ptr(), target.as_mut_ptr() as *mut libc::c_char, target.len()) } as i64)?;
    target.truncate(n as usize);
    // /proc's links name host paths: show those inside the sysroot as the guest sees them.
    let rel = hp.path.as_bytes().first() != Some(&b'/');
    if hp.path.as_bytes().starts_with(b"/proc/") || (rel && c.p.overlay.root().is_some() && procfs::is_proc_dir(hp.dirfd)) {
        target = c.p.overlay.to_guest(&target);
    }
    let n = target.len().min(bufsiz as usize);
    c.mem().write(a[2], &target[..n])?;
    Ok(n as u64)
}

fn sys_faccessat(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let hp = c.path_at(int(a[0]), a[1], true)?;
    host(unsafe { libc::syscall(libc::SYS_faccessat, hp.dirfd, hp.path.as_ptr(), int(a[2])) })
}

fn sys_faccessat2(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let fl = int(a[3]);
    let hp = c.path_at_flags(int(a[0]), a[1], fl)?;
    host(unsafe { libc::syscall(libc::SYS_faccessat2, hp.dirfd, hp.path.as_ptr(), int(a[2]), fl) })
}


fn sys_unlinkat(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let hp = c.path_at(int(a[0]), a[1], false)?;
    host(unsafe { libc::unlinkat(hp.dirfd, hp.path.as_ptr(), int(a[2])) } as i64)
}

fn sys_mkdirat(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let hp = c.path_at(int(a[0]), a[1], false)?;
    host(unsafe { libc::mkdirat(hp.dirfd, hp.path.as_ptr(), a[2] as u32) } as i64)
}

fn sys_renameat(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (old, new) = (c.path_at(int(a[0]), a[1], false)?, c.path_at(int(a[2]), a[3], false)?);
    host(unsafe { libc::renameat(old.dirfd, old.path.as_ptr(), new.dirfd, new.path.as_ptr()) } as i64)
}

fn sys_renameat2(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (old, new) = (c.path_at(int(a[0]), a[1], false)?, c.path_at(int(a[2]), a[3], false)?);
    host(unsafe { libc::syscall(libc::SYS_renameat2, old.dirfd, old.path.as_ptr(), new.dirfd, new.path.as_ptr(), a[4] as u32) })
}

fn sys_symlinkat(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    // The target is stored as text; only the link's own location is looked up.
    let (target, link) = (c.cstr(a[0])?, c.path_at(int(a[1]), a[2], false)?);
    host(unsafe { libc::symlinkat(target.as_ptr(), link.dirfd, link.path.as_ptr()) } as i64)
}

fn sys_linkat(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let fl = int(a[4]);
    // linkat follows a final symlink only with AT_SYMLINK_FOLLOW.
    let nofollow = if fl & libc::AT_SYMLINK_FOLLOW != 0 { 0 } else { libc::AT_SYMLINK_NOFOLLOW };
    let old = c.path_at_flags(int(a[0]), a[1], (fl & AT_EMPTY_PATH) | nofollow)?;
    let new = c.path_at(int(a[2]), a[3], false)?;
    host(unsafe { libc::linkat(old.dirfd, old.path.as_ptr(), new.dirfd, new.path.as_ptr(), fl) } as i64)
}

fn sys_fchmodat(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let hp = c.path_at(int(a[0]), a[1], true)?;
    host(unsafe { libc::syscall(libc::SYS_fchmodat, hp.dirfd, hp.path.as_ptr(), a[2] as u32) })
}

fn sys_fchmod(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::fchmod(int(a[0]), a[1] as u32) } as i64)
}

fn sys_fchownat(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let fl = int(a[4]);
    let hp = c.path_at_flags(int(a[0]), a[1], fl)?;
    host(unsafe { libc::fchownat(hp.dirfd, hp.path.as_ptr(), a[2] as u32, a[3] as u32, fl) } as i64)
}

fn sys_fchown(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::fchown(int(a[0]), a[1] as u32, a[2] as u32) } as i64)
}

fn sys_ftruncate(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::ftruncate(int(a[0]), a[1] as i64) } as i64)
}

fn sys_truncate(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let path = c.lookup_path(a[0])?;
    host(unsafe { libc::truncate(path.as_ptr(), a[1] as i64) } as i64)
}

fn sys_fsync(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::fsync(int(a[0])) } as i64)
}

fn sys_fdatasync(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::fdatasync(int(a[0])) } as i64)
}

fn sys_sync(_c: &mut Ctx, _a: [u64; 6]) -> SysResult {
    unsafe { libc::sync() };
    Ok(0)
}

fn sys_utimensat(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    // A NULL path means the fd itself (the raw syscall allows it).
    let (dirfd, path) = if a[1] == 0 {
        (int(a[0]), None)
    } else {
        let hp = c.path_at(int(a[0]), a[1], int(a[3]) & libc::AT_SYMLINK_NOFOLLOW == 0)?;
        (hp.dirfd, Some(hp.path))
    };
    let times = if a[2] == 0 {
        None
    } else {
        let r = c.get(a[2], 2 * structs::TIMESPEC_SIZE)?;
        let t1 = GuestReader::from_bytes(r.buf[16..].to_vec(), c.abi);
        Some([structs::timespec_from_guest(&r), structs::timespec_from_guest(&t1)])
    };
    let pp = path.as_ref().map_or(std::ptr::null(), |p| p.as_ptr());
    let tp = times.as_ref().map_or(std::ptr::null(), |t| t.as_ptr());
    host(unsafe { libc::syscall(libc::SYS_utimensat, dirfd, pp, tp, int(a[3])) })
}

fn sys_getcwd(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut b = c.p.overlay.getcwd().map_err(|e| Errno::from_raw(e.raw_os_error().unwrap_or(libc::ENOENT)))?;
    b.push(0);
    if b.len() as u64 > a[1] {
        return Err(Errno::ERANGE);
    }
    c.mem().write(a[0], &b)?;
    Ok(b.len() as u64)
}

fn sys_chdir(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let path = c.lookup_path(a[0])?;
    host(unsafe { libc::chdir(path.as_ptr()) } as i64)
}

fn sys_fchdir(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::fchdir(int(a[0])) } as i64)
}

fn sys_chroot(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let path = c.lookup_path(a[0])?;
    host(unsafe { libc::chroot(path.as_ptr()) } as i64)
}

fn sys_umask(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    Ok(unsafe { libc::umask(a[0] as u32 & 0o777) } as u64)
}





fn sys_statfs(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let path = c.lookup_path(a[0])?;
    let mut f = [0u64; 15];
    host(unsafe { libc::syscall(libc::SYS_statfs, path.as_ptr(), f.as_mut_ptr()) })?;
    c.put(a[1], &structs::statfs_to_guest(c.abi, &f))?;
    Ok(0)
}

fn sys_fstatfs(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut f = [0u64; 15];
    host(unsafe { libc::syscall(libc::SYS_fstatfs, int(a[0]), f.as_mut_ptr()) })?;
    c.put(a[1], &structs::statfs_to_guest(c.abi, &f))?;
    Ok(0)
}
