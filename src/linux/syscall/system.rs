//! System administration calls that act on the host as the guest process would: mounts (the
//! classic call and the fd-based API), host and domain names, the kernel log, swap, process
//! accounting, terminal hangup, and Landlock sandboxing. They are passed to the host kernel,
//! which applies its own permission checks.

use super::{blocking, host, int, Ctx, Handler, SysResult};
use crate::linux::convert::layout::{self, Layout, Ty};
use crate::mem::PAGE_SIZE;
use nix::errno::Errno;
use std::ffi::CString;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("mount", sys_mount),
    ("umount2", sys_umount2),
    ("pivot_root", sys_pivot_root),
    ("open_tree", sys_open_tree),
    ("move_mount", sys_move_mount),
    ("fsopen", sys_fsopen),
    ("fsconfig", sys_fsconfig),
    ("fsmount", sys_fsmount),
    ("fspick", sys_fspick),
    ("mount_setattr", sys_mount_setattr),
    ("statmount", sys_statmount),
    ("listmount", sys_listmount),
    ("sethostname", sys_sethostname),
    ("setdomainname", sys_setdomainname),
    ("syslog", sys_syslog),
    ("acct", sys_acct),
    ("swapon", sys_swapon),
    ("swapoff", sys_swapoff),
    ("vhangup", sys_vhangup),
    ("landlock_create_ruleset", sys_landlock_create_ruleset),
    ("landlock_add_rule", sys_landlock_add_rule),
    ("landlock_restrict_self", sys_landlock_restrict_self),
    ("lsm_get_self_attr", sys_lsm_get_self_attr),
    ("lsm_set_self_attr", sys_lsm_set_self_attr),
    ("lsm_list_modules", sys_lsm_list_modules),
];

fn opt_str(c: &Ctx, addr: u64) -> Result<Option<CString>, Errno> {
    if addr == 0 {
        Ok(None)
    } else {
        c.cstr(addr).map(Some)
    }
}

fn p(s: &Option<CString>) -> *const libc::c_char {
    s.as_ref().map_or(std::ptr::null(), |s| s.as_ptr())
}

/// mount's data: file-system specific, normally a string; the kernel copies at most a page.
fn mount_data(c: &Ctx, addr: u64) -> Result<Option<Vec<u8>>, Errno> {
    if addr == 0 {
        return Ok(None);
    }
    match c.mem().read_cstr(addr, PAGE_SIZE as usize) {
        Ok(mut v) => {
            v.push(0);
            Ok(Some(v))
        }
        Err(Errno::ENAMETOOLONG) => {
            let mut v = vec![0u8; PAGE_SIZE as usize];
            c.mem().read(addr, &mut v)?;
            Ok(Some(v))
        }
        Err(e) => Err(e),
    }
}

fn sys_mount(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (src, target, fstype) = (opt_str(c, a[0])?, c.cstr(a[1])?, opt_str(c, a[2])?);
    let data = mount_data(c, a[4])?;
    let dp = data.as_ref().map_or(std::ptr::null(), |d| d.as_ptr());
    blocking(libc::SYS_mount, [p(&src) as u64, target.as_ptr() as u64, p(&fstype) as u64, a[3], dp as u64, 0])
}

fn sys_umount2(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let target = c.cstr(a[0])?;
    blocking(libc::SYS_umount2, [target.as_ptr() as u64, a[1] as u32 as u64, 0, 0, 0, 0])
}

fn sys_pivot_root(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (new, old) = (c.cstr(a[0])?, c.cstr(a[1])?);
    host(unsafe { libc::syscall(libc::SYS_pivot_root, new.as_ptr(), old.as_ptr()) })
}

fn sys_open_tree(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let path = c.cstr(a[1])?;
    host(unsafe { libc::syscall(libc::SYS_open_tree, int(a[0]), path.as_ptr(), a[2] as u32) })
}

fn sys_move_mount(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (from, to) = (c.cstr(a[1])?, c.cstr(a[3])?);
    host(unsafe { libc::syscall(libc::SYS_move_mount, int(a[0]), from.as_ptr(), int(a[2]), to.as_ptr(), a[4] as u32) })
}

fn sys_fsopen(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let name = c.cstr(a[0])?;
    host(unsafe { libc::syscall(libc::SYS_fsopen, name.as_ptr(), a[1] as u32) })
}

/// fsconfig(fd, cmd, key, value, aux): what `value` points to depends on the command.
fn sys_fsconfig(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    const SET_STRING: u32 = 1;
    const SET_BINARY: u32 = 2;
    const SET_PATH: u32 = 3;
    const SET_PATH_EMPTY: u32 = 4;
    let cmd = a[1] as u32;
    let key = opt_str(c, a[2])?;
    let value: Option<Vec<u8>> = match cmd {
        SET_STRING | SET_PATH | SET_PATH_EMPTY if a[3] != 0 => Some(c.cstr(a[3])?.into_bytes_with_nul()),
        SET_BINARY if a[3] != 0 => {
            let n = int(a[4]);
            if !(0..=1 << 20).contains(&n) {
                return Err(Errno::EINVAL);
            }
            let mut v = vec![0u8; n as usize];
            c.mem().read(a[3], &mut v)?;
            Some(v)
        }
        _ if a[3] != 0 => return Err(Errno::EINVAL),
        _ => None,
    };
    let vp = value.as_ref().map_or(std::ptr::null(), |v| v.as_ptr());
    blocking(libc::SYS_fsconfig, [a[0], cmd as u64, p(&key) as u64, vp as u64, int(a[4]) as u64, 0])
}

fn sys_fsmount(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_fsmount, int(a[0]), a[1] as u32, a[2] as u32) })
}

fn sys_fspick(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let path = c.cstr(a[1])?;
    host(unsafe { libc::syscall(libc::SYS_fspick, int(a[0]), path.as_ptr(), a[2] as u32) })
}

/// `struct mount_attr`: attr_set, attr_clr, propagation, userns_fd (u64 each).
const MOUNT_ATTR: &[Ty] = &[Ty::U64, Ty::U64, Ty::U64, Ty::U64];

fn sys_mount_setattr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let path = c.cstr(a[1])?;
    let l = Layout::of(c.abi, MOUNT_ATTR);
    if (a[4] as usize) < l.size {
        return Err(Errno::EINVAL);
    }
    let h = layout::to_host(c.abi, MOUNT_ATTR, &c.get(a[3], l.size)?.buf);
    host(unsafe { libc::syscall(libc::SYS_mount_setattr, int(a[0]), path.as_ptr(), a[2] as u32, h.as_ptr(), h.len()) })
}

/// Whether byte-for-byte copies of structs made of fixed-size fields are right for the guest.
fn host_like(c: &Ctx) -> bool {
    !c.abi.big_endian && c.abi.long_size == 8
}

/// The guest's `struct mnt_id_req` (its size is its first field) for statmount/listmount,
/// which only a guest with the host's layout can use.
fn mnt_id_req(c: &mut Ctx, addr: u64) -> Result<Vec<u8>, Errno> {
    if !host_like(c) {
        return Err(Errno::ENOSYS);
    }
    let size = c.get(addr, 4)?.u32(0) as usize;
    if !(24..=4096).contains(&size) {
        return Err(Errno::EINVAL);
    }
    Ok(c.get(addr, size)?.buf)
}

/// statmount(req, buf, bufsize, flags): `struct mnt_id_req` and `struct statmount` are made of
/// fixed-size fields (strings are offsets into the buffer), so a little-endian 64-bit guest
/// reads the host's bytes.
fn sys_statmount(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let req = mnt_id_req(c, a[0])?;
    let len = (a[2] as usize).min(1 << 24);
    let out = c.buf_w(a[1], len)?;
    host(unsafe { libc::syscall(457, req.as_ptr(), out, len, a[3]) })
}

/// listmount(req, mnt_ids, nr, flags): an array of u64 ids out.
fn sys_listmount(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let req = mnt_id_req(c, a[0])?;
    let n = (a[2] as usize).min(1 << 20);
    let out = c.buf_w(a[1], 8 * n)?;
    host(unsafe { libc::syscall(458, req.as_ptr(), out, n, a[3]) })
}

/// A name of `len` bytes (not NUL-terminated) for sethostname/setdomainname.
fn name(c: &Ctx, addr: u64, len: u64) -> Result<Vec<u8>, Errno> {
    if len > 64 {
        return Err(Errno::EINVAL);
    }
    let mut v = vec![0u8; len as usize];
    c.mem().read(addr, &mut v)?;
    Ok(v)
}

fn sys_sethostname(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let v = name(c, a[0], a[1])?;
    host(unsafe { libc::syscall(libc::SYS_sethostname, v.as_ptr(), v.len()) })
}

fn sys_setdomainname(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let v = name(c, a[0], a[1])?;
    host(unsafe { libc::syscall(libc::SYS_setdomainname, v.as_ptr(), v.len()) })
}

/// syslog(type, buf, len): the read actions fill the guest's buffer, and READ may wait.
fn sys_syslog(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let ty = int(a[0]);
    let len = int(a[2]);
    let buf = if matches!(ty, 2..=4) && len > 0 { c.buf_w(a[1], len as usize)? as u64 } else { 0 };
    blocking(libc::SYS_syslog, [ty as u64, buf, len as u64, 0, 0, 0])
}

fn sys_acct(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let path = opt_str(c, a[0])?;
    host(unsafe { libc::syscall(libc::SYS_acct, p(&path)) })
}

fn sys_swapon(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let path = c.cstr(a[0])?;
    blocking(libc::SYS_swapon, [path.as_ptr() as u64, a[1] as u32 as u64, 0, 0, 0, 0])
}

fn sys_swapoff(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let path = c.cstr(a[0])?;
    blocking(libc::SYS_swapoff, [path.as_ptr() as u64, 0, 0, 0, 0, 0])
}

fn sys_vhangup(_c: &mut Ctx, _a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_vhangup) })
}

/// `struct landlock_ruleset_attr`: handled_access_fs, handled_access_net, scoped (u64 each);
/// older versions are shorter, so only `size` bytes are read.
fn sys_landlock_create_ruleset(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    const VERSION: u64 = 1;
    if a[0] == 0 || a[2] & VERSION != 0 {
        return host(unsafe { libc::syscall(libc::SYS_landlock_create_ruleset, std::ptr::null::<u8>(), a[1] as usize, a[2] as u32) });
    }
    let size = (a[1] as usize).min(4096);
    let mut g = c.get(a[0], size)?.buf;
    let words = size / 8;
    let r = crate::linux::convert::GuestReader::from_bytes(g.clone(), c.abi);
    for i in 0..words {
        g[8 * i..8 * i + 8].copy_from_slice(&r.u64(8 * i).to_le_bytes());
    }
    host(unsafe { libc::syscall(libc::SYS_landlock_create_ruleset, g.as_ptr(), size, a[2] as u32) })
}

/// landlock_add_rule(fd, type, attr, flags): LANDLOCK_RULE_PATH_BENEATH's attribute is packed
/// {u64 allowed_access; s32 parent_fd} (12 bytes); LANDLOCK_RULE_NET_PORT's {u64; u64}.
fn sys_landlock_add_rule(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let h: Vec<u8> = match a[1] {
        1 => {
            let r = c.get(a[2], 12)?;
            let fd = r.u32(8) as i32;
            if crate::hostfd::is_own(fd) {
                return Err(Errno::EBADF);
            }
            let mut h = r.u64(0).to_le_bytes().to_vec();
            h.extend_from_slice(&fd.to_le_bytes());
            h
        }
        2 => {
            let r = c.get(a[2], 16)?;
            [r.u64(0), r.u64(8)].iter().flat_map(|v| v.to_le_bytes()).collect()
        }
        _ => return Err(Errno::EINVAL),
    };
    host(unsafe { libc::syscall(libc::SYS_landlock_add_rule, int(a[0]), a[1] as u32, h.as_ptr(), a[3] as u32) })
}

fn sys_landlock_restrict_self(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_landlock_restrict_self, int(a[0]), a[1] as u32) })
}

// LSM attributes: `struct lsm_ctx` {u64 id, flags, len, ctx_len; u8 ctx[]} records and u64
// module ids, fixed-size fields that a little-endian 64-bit guest reads as the host writes them.

fn lsm_size(c: &Ctx, addr: u64) -> Result<u32, Errno> {
    if !host_like(c) {
        return Err(Errno::ENOSYS);
    }
    Ok(c.get(addr, 4)?.u32(0))
}

fn sys_lsm_get_self_attr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut size = lsm_size(c, a[2])?;
    crate::linux::convert::check_w(c.mem(), a[2], 4)?;
    let buf = if a[1] == 0 { 0 } else { c.buf_w(a[1], size.min(1 << 20) as usize)? as u64 };
    let r = host(unsafe { libc::syscall(459, a[0] as u32, buf, &mut size, a[3] as u32) });
    c.mem().write(a[2], &size.to_le_bytes())?;
    r
}

fn sys_lsm_set_self_attr(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    if !host_like(c) {
        return Err(Errno::ENOSYS);
    }
    let n = (a[2] as u32).min(1 << 20) as usize;
    let v = c.get(a[1], n)?.buf;
    host(unsafe { libc::syscall(460, a[0] as u32, v.as_ptr(), n as u32, a[3] as u32) })
}

fn sys_lsm_list_modules(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut size = lsm_size(c, a[1])?;
    crate::linux::convert::check_w(c.mem(), a[1], 4)?;
    let buf = if a[0] == 0 { 0 } else { c.buf_w(a[0], size.min(1 << 20) as usize)? as u64 };
    let r = host(unsafe { libc::syscall(461, buf, &mut size, a[2] as u32) });
    c.mem().write(a[1], &size.to_le_bytes())?;
    r
}
