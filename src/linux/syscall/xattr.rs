//! Extended attributes: {,l,f}{set,get,list,remove}xattr. Values and name lists are opaque
//! bytes (the same on every ABI); they pass through a host buffer, so only the bytes the kernel
//! really returns are written to the guest.

use super::{host, int, Ctx, Handler, SysResult};
use nix::errno::Errno;
use std::ffi::CString;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("setxattr", sys_setxattr),
    ("lsetxattr", sys_lsetxattr),
    ("fsetxattr", sys_fsetxattr),
    ("getxattr", sys_getxattr),
    ("lgetxattr", sys_lgetxattr),
    ("fgetxattr", sys_fgetxattr),
    ("listxattr", sys_listxattr),
    ("llistxattr", sys_llistxattr),
    ("flistxattr", sys_flistxattr),
    ("removexattr", sys_removexattr),
    ("lremovexattr", sys_lremovexattr),
    ("fremovexattr", sys_fremovexattr),
];

/// XATTR_SIZE_MAX and XATTR_LIST_MAX: the kernel never moves more than this.
const XATTR_MAX: u64 = 65536;

/// What the attribute call applies to.
enum Target {
    Path(CString),
    Link(CString),
    Fd(i32),
}

fn target(c: &Ctx, kind: u8, a0: u64) -> Result<Target, Errno> {
    Ok(match kind {
        b'f' => Target::Fd(int(a0)),
        _ => {
            // Through the sysroot overlay; the l* forms act on a final symlink itself.
            let p = c.path_at(libc::AT_FDCWD, a0, kind != b'l')?.path;
            if kind == b'l' {
                Target::Link(p)
            } else {
                Target::Path(p)
            }
        }
    })
}

/// An attribute name (the kernel takes at most 255 bytes: ERANGE beyond).
fn name(c: &Ctx, addr: u64) -> Result<CString, Errno> {
    let v = c.mem().read_cstr(addr, 256).map_err(|e| if e == Errno::ENAMETOOLONG { Errno::ERANGE } else { e })?;
    CString::new(v).map_err(|_| Errno::EINVAL)
}

fn set(c: &Ctx, kind: u8, a: [u64; 6]) -> SysResult {
    let t = target(c, kind, a[0])?;
    let n = name(c, a[1])?;
    if a[3] > XATTR_MAX {
        return Err(Errno::E2BIG);
    }
    let mut v = vec![0u8; a[3] as usize];
    c.mem().read(a[2], &mut v)?;
    let (vp, len, fl) = (v.as_ptr() as *const libc::c_void, v.len(), int(a[4]));
    host(unsafe {
        match &t {
            Target::Path(p) => libc::setxattr(p.as_ptr(), n.as_ptr(), vp, len, fl),
            Target::Link(p) => libc::lsetxattr(p.as_ptr(), n.as_ptr(), vp, len, fl),
            Target::Fd(fd) => libc::fsetxattr(*fd, n.as_ptr(), vp, len, fl),
        }
    } as i64)
}

fn get(c: &Ctx, kind: u8, a: [u64; 6]) -> SysResult {
    let t = target(c, kind, a[0])?;
    let n = name(c, a[1])?;
    let size = a[3].min(XATTR_MAX) as usize;
    let mut v = vec![0u8; size];
    let vp = if size == 0 { std::ptr::null_mut() } else { v.as_mut_ptr() as *mut libc::c_void };
    let r = host(unsafe {
        match &t {
            Target::Path(p) => libc::getxattr(p.as_ptr(), n.as_ptr(), vp, size),
            Target::Link(p) => libc::lgetxattr(p.as_ptr(), n.as_ptr(), vp, size),
            Target::Fd(fd) => libc::fgetxattr(*fd, n.as_ptr(), vp, size),
        }
    } as i64)?;
    if size > 0 {
        c.mem().write(a[2], &v[..r as usize])?;
    }
    Ok(r)
}

fn list(c: &Ctx, kind: u8, a: [u64; 6]) -> SysResult {
    let t = target(c, kind, a[0])?;
    let size = a[2].min(XATTR_MAX) as usize;
    let mut v = vec![0u8; size];
    let vp = if size == 0 { std::ptr::null_mut() } else { v.as_mut_ptr() as *mut libc::c_char };
    let r = host(unsafe {
        match &t {
            Target::Path(p) => libc::listxattr(p.as_ptr(), vp, size),
            Target::Link(p) => libc::llistxattr(p.as_ptr(), vp, size),
            Target::Fd(fd) => libc::flistxattr(*fd, vp, size),
        }
    } as i64)?;
    if size > 0 {
        c.mem().write(a[1], &v[..r as usize])?;
    }
    Ok(r)
}

fn remove(c: &Ctx, kind: u8, a: [u64; 6]) -> SysResult {
    let t = target(c, kind, a[0])?;
    let n = name(c, a[1])?;
    host(unsafe {
        match &t {
            Target::Path(p) => libc::removexattr(p.as_ptr(), n.as_ptr()),
            Target::Link(p) => libc::lremovexattr(p.as_ptr(), n.as_ptr()),
            Target::Fd(fd) => libc::fremovexattr(*fd, n.as_ptr()),
        }
    } as i64)
}

fn sys_setxattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    set(c, b'p', a)
}
fn sys_lsetxattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    set(c, b'l', a)
}
fn sys_fsetxattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    set(c, b'f', a)
}
fn sys_getxattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    get(c, b'p', a)
}
fn sys_lgetxattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    get(c, b'l', a)
}
fn sys_fgetxattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    get(c, b'f', a)
}
fn sys_listxattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    list(c, b'p', a)
}
fn sys_llistxattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    list(c, b'l', a)
}
fn sys_flistxattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    list(c, b'f', a)
}
fn sys_removexattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    remove(c, b'p', a)
}
fn sys_lremovexattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    remove(c, b'l', a)
}
fn sys_fremovexattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    remove(c, b'f', a)
}
