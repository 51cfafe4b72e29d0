//! prctl: the process's own attributes (name, parent-death signal, dumpability, ...).
//!
//! Options that describe the process pass to the host kernel, which keeps them for ruser's
//! process (one guest process is one host process); the rest are answered here.

use super::{host, int, Ctx, Handler, SysResult};
use crate::linux::convert::GuestWriter;
use crate::log::Item;
use crate::logf;
use nix::errno::Errno;

pub static HANDLERS: &[(&str, Handler)] = &[("prctl", sys_prctl)];

fn sys_prctl(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    const PR_SET_NAME: i32 = 15;
    const PR_GET_NAME: i32 = 16;
    let op = int(a[0]);
    match op {
        libc::PR_SET_PDEATHSIG | libc::PR_SET_DUMPABLE | libc::PR_GET_DUMPABLE | libc::PR_SET_NO_NEW_PRIVS | libc::PR_GET_NO_NEW_PRIVS
        | libc::PR_SET_CHILD_SUBREAPER | libc::PR_GET_TIMERSLACK | libc::PR_SET_TIMERSLACK => {
            host(unsafe { libc::prctl(op, a[1], a[2], a[3], a[4]) } as i64)
        }
        libc::PR_GET_PDEATHSIG | libc::PR_GET_CHILD_SUBREAPER => {
            let mut v: i32 = 0;
            host(unsafe { libc::prctl(op, &mut v as *mut i32, 0, 0, 0) } as i64)?;
            let mut w = GuestWriter::new(4, c.abi);
            w.u32(0, v as u32);
            c.put(a[1], &w)?;
            Ok(0)
        }
        PR_SET_NAME => {
            let mut name = [0u8; 16];
            let s = c.mem().read_cstr(a[1], 4096).or_else(|e| if e == Errno::ENAMETOOLONG { Ok(Vec::new()) } else { Err(e) })?;
            let n = s.len().min(15);
            name[..n].copy_from_slice(&s[..n]);
            host(unsafe { libc::prctl(op, name.as_ptr(), 0, 0, 0) } as i64)
        }
        PR_GET_NAME => {
            let mut name = [0u8; 16];
            host(unsafe { libc::prctl(op, name.as_mut_ptr(), 0, 0, 0) } as i64)?;
            c.mem().write(a[1], &name)?;
            Ok(0)
        }
        _ => {
            // arm64-specific (SVE, PAC, MTE tagged addresses) and the rest: not supported.
            logf!(Item::Unimp, "ruser: unimplemented prctl option {op}");
            Err(Errno::EINVAL)
        }
    }
}
