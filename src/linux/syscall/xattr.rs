//! Extended attributes: get/set/list/remove, on a path (through the sysroot overlay), on a
//! path without following a final symlink (the l* forms), and on an fd (the f* forms).
//! Values and name lists are plain bytes, passed through.

use super::{host, int, Ctx, Handler, SysResult};
use nix::errno::Errno;
use std::ffi::CString;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("getxattr", sys_getxattr),
    ("lgetxattr", sys_lgetxattr),
    ("fgetxattr", sys_fgetxattr),
    ("setxattr", sys_setxattr),
    ("lsetxattr", sys_lsetxattr),
    ("fsetxattr", sys_fsetxattr),
    ("listxattr", sys_listxattr),
    ("llistxattr", sys_llistxattr),
    ("flistxattr", sys_flistxattr),
    ("removexattr", sys_removexattr),
    ("lremovexattr", sys_lremovexattr),
    ("fremovexattr", sys_fremovexattr),
];

/// Largest value or list the kernel handles (XATTR_SIZE_MAX / XATTR_LIST_MAX).
const XATTR_MAX: u64 = 65536;

/// The host path of a guest path argument (`follow`: a final symlink is followed).
fn path(c: &Ctx, addr: u64, follow: bool) -> Result<CString, Errno> {
    let hp = c.path_at(libc::AT_FDCWD, addr, follow)?;
    Ok(hp.path)
}

/// An attribute name (at most XATTR_NAME_MAX = 255 bytes).
fn name(c: &Ctx, addr: u64) -> Result<CString, Errno> {
    let v = c.mem().read_cstr(addr, 256).map_err(|e| if e == Errno::ENAMETOOLONG { Errno::ERANGE } else { e })?;
    if v.is_empty() || v.len() > 255 {
        return Err(Errno::ERANGE);
    }
    CString::new(v).map_err(|_| Errno::EINVAL)
}

/// Host pointer of an output buffer of `size` bytes (NULL when size is 0: a size query).
fn out(c: &Ctx, addr: u64, size: u64) -> Result<*mut libc::c_void, Errno> {
    if size == 0 {
        return Ok(std::ptr::null_mut());
    }
    Ok(c.buf_w(addr, size.min(XATTR_MAX) as usize)? as *mut libc::c_void)
}

fn get(c: &Ctx, target: Target, a: [u64; 6]) -> SysResult {
    let n = name(c, a[1])?;
    let (buf, size) = (out(c, a[2], a[3])?, a[3].min(XATTR_MAX) as usize);
    host(match target {
        Target::Path(p, true) => unsafe { libc::getxattr(p.as_ptr(), n.as_ptr(), buf, size) },
        Target::Path(p, false) => unsafe { libc::lgetxattr(p.as_ptr(), n.as_ptr(), buf, size) },
        Target::Fd(fd) => unsafe { libc::fgetxattr(fd, n.as_ptr(), buf, size) },
    } as i64)
}

fn set(c: &Ctx, target: Target, a: [u64; 6]) -> SysResult {
    let n = name(c, a[1])?;
    if a[3] > XATTR_MAX {
        return Err(Errno::E2BIG);
    }
    let val = if a[3] == 0 { std::ptr::null() } else { c.buf_r(a[2], a[3] as usize)? as *const libc::c_void };
    let (size, fl) = (a[3] as usize, int(a[4]));
    host(match target {
        Target::Path(p, true) => unsafe { libc::setxattr(p.as_ptr(), n.as_ptr(), val, size, fl) },
        Target::Path(p, false) => unsafe { libc::lsetxattr(p.as_ptr(), n.as_ptr(), val, size, fl) },
        Target::Fd(fd) => unsafe { libc::fsetxattr(fd, n.as_ptr(), val, size, fl) },
    } as i64)
}

fn list(c: &Ctx, target: Target, a: [u64; 6]) -> SysResult {
    let (buf, size) = (out(c, a[1], a[2])? as *mut libc::c_char, a[2].min(XATTR_MAX) as usize);
    host(match target {
        Target::Path(p, true) => unsafe { libc::listxattr(p.as_ptr(), buf, size) },
        Target::Path(p, false) => unsafe { libc::llistxattr(p.as_ptr(), buf, size) },
        Target::Fd(fd) => unsafe { libc::flistxattr(fd, buf, size) },
    } as i64)
}

fn remove(c: &Ctx, target: Target, a: [u64; 6]) -> SysResult {
    let n = name(c, a[1])?;
    host(match target {
        Target::Path(p, true) => unsafe { libc::removexattr(p.as_ptr(), n.as_ptr()) },
        Target::Path(p, false) => unsafe { libc::lremovexattr(p.as_ptr(), n.as_ptr()) },
        Target::Fd(fd) => unsafe { libc::fremovexattr(fd, n.as_ptr()) },
    } as i64)
}

/// What the attribute call acts on: a path (following a final symlink or not) or an fd.
enum Target {
    Path(CString, bool),
    Fd(i32),
}

fn sys_getxattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    get(c, Target::Path(path(c, a[0], true)?, true), a)
}
fn sys_lgetxattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    get(c, Target::Path(path(c, a[0], false)?, false), a)
}
fn sys_fgetxattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    get(c, Target::Fd(int(a[0])), a)
}
fn sys_setxattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    set(c, Target::Path(path(c, a[0], true)?, true), a)
}
fn sys_lsetxattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    set(c, Target::Path(path(c, a[0], false)?, false), a)
}
fn sys_fsetxattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    set(c, Target::Fd(int(a[0])), a)
}
fn sys_listxattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    list(c, Target::Path(path(c, a[0], true)?, true), a)
}
fn sys_llistxattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    list(c, Target::Path(path(c, a[0], false)?, false), a)
}
fn sys_flistxattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    list(c, Target::Fd(int(a[0])), a)
}
fn sys_removexattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    remove(c, Target::Path(path(c, a[0], true)?, true), a)
}
fn sys_lremovexattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    remove(c, Target::Path(path(c, a[0], false)?, false), a)
}
fn sys_fremovexattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    remove(c, Target::Fd(int(a[0])), a)
}
