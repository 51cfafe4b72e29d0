//! The syscall shim: guest syscall number → handler, with errno translation and strace.
//!
//! Handlers live in one file per family (`fd`, `fs`, `xattr`, `io`, `ioctl`, `poll`, `event`,
//! `mem`, `ipc`, `net`, `sockopt`, `time`, `system`, `process`, `prctl`, `sched`, `task`, `signal`); each file lists its
//! handlers by kernel name in a `HANDLERS` slice, one line each, and each has a row in
//! `strace::SIGS`. Syscalls without a handler are listed with a reason in `unimplemented`. The
//! number → name table of each guest ABI is generated from syscall-tables/*.tbl by build.rs;
//! on first use the names are matched against the registry to give number → handler.
//! Unimplemented syscalls return -ENOSYS and are logged under `-d unimp`.
//!
//! Guest fds are host fds and guest pids are host pids (one guest process = one host process).

pub mod event;
pub mod exec;
pub mod fd;
pub mod fs;
pub mod io;
pub mod ipc;
pub mod ioctl;
pub mod mem;
pub mod net;
pub mod poll;
pub mod prctl;
pub mod process;
pub mod sched;
pub mod signal;
pub mod sockopt;
pub mod spawn;
pub mod system;
pub mod table;
pub mod task;
#[cfg(test)]
mod tests;
pub mod thread;
pub mod time;
pub mod unimplemented;
pub mod xattr;

use super::convert::{self, errno, Abi, GuestReader, GuestWriter};
use super::seccomp::{self, Verdict};
use super::strace;
use super::overlay::HostPath;
use super::{Flow, Process};
use crate::guest::CpuState;
use crate::log::Item;
use crate::logf;
use crate::mem::GuestMem;
use nix::errno::Errno;
use std::ffi::CString;
use std::sync::OnceLock;

/// A handler's result: the non-negative return value, or a host errno.
pub type SysResult = Result<u64, Errno>;

/// A syscall handler: takes the six raw argument registers.
pub type Handler = fn(&mut Ctx, [u64; 6]) -> SysResult;

/// What a handler sees.
pub struct Ctx<'a> {
    pub p: &'a Process,
    pub cpu: &'a mut CpuState,
    pub abi: &'static Abi,
    /// Set by exit/exit_group to stop the process.
    pub flow: Flow,
}

/// Longest path accepted from the guest (PATH_MAX).
pub const PATH_MAX: usize = 4096;

impl Ctx<'_> {
    pub fn mem(&self) -> &GuestMem {
        &self.p.mem
    }
    /// A NUL-terminated guest string (a path), EFAULT on a bad pointer.
    pub fn cstr(&self, addr: u64) -> Result<CString, Errno> {
        let v = self.p.mem.read_cstr(addr, PATH_MAX)?;
        if v.len() >= PATH_MAX {
            return Err(Errno::ENAMETOOLONG);
        }
        // read_cstr stops at the first NUL, so there is none inside.
        CString::new(v).map_err(|_| Errno::EINVAL)
    }
    /// A path the guest looks up, relative to the working directory, through the sysroot
    /// overlay (`crate::linux::overlay`: the sysroot's file when the sysroot holds the path,
    /// else the host's), following a final symlink. The result is for `AT_FDCWD`.
    pub fn lookup_path(&self, addr: u64) -> Result<CString, Errno> {
        Ok(self.path_at(libc::AT_FDCWD, addr, true)?.path)
    }
    /// A path the guest names relative to `dirfd` (a raw guest dirfd argument; `AT_FDCWD`
    /// too), through the overlay; the final symlink is followed only when `follow` (false
    /// for lstat-like calls and for calls that act on the name itself: unlink, rename,
    /// mkdir, symlink, readlink). Use the returned dirfd with the returned path.
    pub fn path_at(&self, dirfd: i32, addr: u64, follow: bool) -> Result<HostPath, Errno> {
        let path = self.cstr(addr)?;
        if super::procfs::hides(dirfd, path.as_bytes()) {
            return Err(Errno::ENOENT);
        }
        self.p.overlay.resolve(dirfd, &path, follow)
    }
    /// `path_at` for calls taking `AT_*` flags: `AT_SYMLINK_NOFOLLOW` stops at a final
    /// symlink, and with `AT_EMPTY_PATH` a NULL or empty path names `dirfd` itself.
    pub fn path_at_flags(&self, dirfd: i32, addr: u64, at_flags: i32) -> Result<HostPath, Errno> {
        if addr == 0 && at_flags & libc::AT_EMPTY_PATH != 0 {
            return Ok(HostPath { dirfd, path: CString::default() });
        }
        self.path_at(dirfd, addr, at_flags & libc::AT_SYMLINK_NOFOLLOW == 0)
    }
    /// The sysroot's copy of an absolute path, if it exists there (final symlink not
    /// followed).
    pub fn in_sysroot(&self, path: &CString) -> Option<CString> {
        self.p.overlay.in_root(path.as_bytes(), false).and_then(|b| CString::new(b).ok())
    }
    /// Store a converted struct at a guest address.
    pub fn put(&self, addr: u64, w: &GuestWriter) -> Result<(), Errno> {
        w.store(&self.p.mem, addr)
    }
    /// Store only if the pointer is not NULL.
    pub fn put_opt(&self, addr: u64, w: &GuestWriter) -> Result<(), Errno> {
        if addr == 0 {
            Ok(())
        } else {
            self.put(addr, w)
        }
    }
    /// Load `size` bytes of a guest struct.
    pub fn get(&self, addr: u64, size: usize) -> Result<GuestReader, Errno> {
        GuestReader::load(&self.p.mem, addr, size, self.abi)
    }
    /// Host pointer for a guest buffer of `len` bytes the host will read (EFAULT if not readable).
    pub fn buf_r(&self, addr: u64, len: usize) -> Result<*const u8, Errno> {
        convert::check_r(&self.p.mem, addr, len)?;
        Ok(self.p.mem.g2h(addr))
    }
    /// Host pointer for a guest buffer of `len` bytes the host will write (EFAULT if not writable).
    pub fn buf_w(&self, addr: u64, len: usize) -> Result<*mut u8, Errno> {
        convert::check_w(&self.p.mem, addr, len)?;
        Ok(self.p.mem.g2h(addr))
    }
}

/// Turn a host libc/syscall return value into a result (−1 → errno).
pub fn host(r: i64) -> SysResult {
    if r < 0 {
        Err(Errno::last())
    } else {
        Ok(r as u64)
    }
}

/// A host system call that may block (read on a pipe, wait4, futex wait, poll, accept, ...).
///
/// Every handler whose host call can sleep must make it through this function, never
/// through a libc wrapper: a guest signal that arrives just before or during the call must
/// interrupt it (EINTR, or a restart under SA_RESTART), which only this entry point can
/// guarantee without a race. Arguments are raw register values; pointers are host pointers.
/// Calls that cannot block (close, fstat, ...) may use libc directly.
///
/// How: the call is made by `signal::safe_syscall`, which checks the thread's wake byte right
/// before the `syscall` instruction. When a guest signal interrupts it and the guest's system
/// call is to be redone after the handler (the signal came first, or the kernel restarted
/// the call under SA_RESTART), this returns EINTR and marks the call for a restart: the
/// dispatcher then rewinds the guest to its `svc` without storing a result. A handler should
/// return this error as it is.
pub fn blocking(nr: i64, args: [u64; 6]) -> SysResult {
    let Some(t) = super::signal::try_current() else {
        return host(unsafe { libc::syscall(nr, args[0], args[1], args[2], args[3], args[4], args[5]) });
    };
    // SAFETY: the arguments are what the caller's system call expects.
    let r = unsafe { super::signal::safe_syscall::call(t.wake_flag(), nr, args) };
    if r == super::signal::safe_syscall::RESTART {
        t.set_restart();
        return Err(Errno::EINTR);
    }
    if (-4095..0).contains(&r) {
        Err(Errno::from_raw(-r as i32))
    } else {
        Ok(r as u64)
    }
}

/// Guest int argument (the low 32 bits, sign-extended), e.g. fds and dirfds.
pub fn int(v: u64) -> i32 {
    v as u32 as i32
}

/// Every family's registry.
const FAMILIES: &[&[(&str, Handler)]] = &[
    event::HANDLERS,
    exec::HANDLERS,
    fd::HANDLERS,
    fs::HANDLERS,
    io::HANDLERS,
    ioctl::HANDLERS,
    ipc::HANDLERS,
    mem::HANDLERS,
    net::HANDLERS,
    sockopt::HANDLERS,
    poll::HANDLERS,
    prctl::HANDLERS,
    process::HANDLERS,
    sched::HANDLERS,
    task::HANDLERS,
    thread::HANDLERS,
    time::HANDLERS,
    signal::HANDLERS,
    system::HANDLERS,
    xattr::HANDLERS,
];

/// One guest ABI's number → (name, handler, strace signature) table.
pub struct SysTable {
    pub abi: &'static Abi,
    pub entries: Vec<Entry>,
}

#[derive(Clone, Copy)]
pub struct Entry {
    pub name: &'static str,
    pub handler: Option<Handler>,
    pub sig: Option<&'static strace::Sig>,
}

impl SysTable {
    pub fn build(abi: &'static Abi) -> SysTable {
        // Every process builds this at its first syscall, so it is made without a map: each
        // handler and strace row goes to the slot of its name's number (a generated `match`).
        let mut entries: Vec<Entry> = abi.syscall_names.iter().map(|&name| Entry { name, handler: None, sig: None }).collect();
        for fam in FAMILIES {
            for &(name, h) in *fam {
                if let Some(nr) = (abi.syscall_nr_of)(name) {
                    entries[nr].handler = Some(h);
                }
            }
        }
        for s in strace::SIGS {
            if let Some(nr) = (abi.syscall_nr_of)(s.name) {
                entries[nr].sig = Some(s);
            }
        }
        SysTable { abi, entries }
    }
    pub fn get(&self, nr: u64) -> Entry {
        self.entries.get(nr as usize).copied().unwrap_or(Entry { name: "", handler: None, sig: None })
    }
}

/// The table of a guest ABI, built on first use (one slot per guest ABI name).
pub fn table_for(abi: &'static Abi) -> &'static SysTable {
    static TABLES: [(&str, OnceLock<SysTable>); 1] = [("aarch64", OnceLock::new())];
    match TABLES.iter().find(|(n, _)| *n == abi.name) {
        Some((_, t)) => t.get_or_init(|| SysTable::build(abi)),
        None => panic!("no syscall table slot for guest ABI {}", abi.name),
    }
}

/// Whether an fd argument (a `Fd` or `DirFd` in the syscall's strace row) names one of ruser's
/// own fds: the guest must see those as not open, so the call fails with EBADF before the
/// handler runs. This is why every syscall that takes an fd needs a row in `strace::SIGS`
/// with its fd arguments marked.
fn own_fd_argument(sig: Option<&strace::Sig>, args: &[u64; 6]) -> bool {
    let Some(sig) = sig else { return false };
    sig.args.iter().zip(args).any(|(k, &v)| matches!(k, strace::Arg::Fd | strace::Arg::DirFd) && crate::hostfd::is_own(int(v)))
}

/// Handle the guest's syscall: read number and args from `cpu`, run the handler, store the result.
pub fn dispatch(p: &Process, cpu: &mut CpuState) -> Flow {
    let abi = convert::abi_for(p.arch);
    let tab = table_for(abi);
    let nr = p.arch.syscall_nr(cpu);
    let args = p.arch.syscall_args(cpu);
    let e = tab.get(nr);
    // Arguments are decoded before the call (buffers and paths are inputs then).
    let call = if p.strace { Some(strace::format_call(abi, &p.mem, nr, e.name, e.sig, &args)) } else { None };
    let verdict = seccomp::judge(nr, e.name, &args, cpu.read_u64(p.arch.pc_offset()));
    if verdict != Verdict::Allow {
        return seccomp_stop(p, cpu, abi, e.sig, nr, verdict, call);
    }
    let mut ctx = Ctx { p, cpu, abi, flow: Flow::Continue };
    let thread = super::signal::try_current();
    if let Some(t) = thread {
        t.take_restart();
    }
    let res = match e.handler {
        Some(_) if own_fd_argument(e.sig, &args) => Err(Errno::EBADF),
        Some(h) => h(&mut ctx, args),
        None => {
            if e.name.is_empty() {
                logf!(Item::Unimp, "ruser: unknown syscall {nr}");
            } else {
                logf!(Item::Unimp, "ruser: unimplemented syscall {} ({nr})", e.name);
            }
            Err(Errno::ENOSYS)
        }
    };
    let ret: i64 = match res {
        Ok(v) => v as i64,
        Err(err) => -(errno::to_guest(abi, err) as i64),
    };
    let mut flow = ctx.flow;
    if flow == Flow::Continue && thread.is_some_and(|t| t.take_restart()) {
        flow = Flow::Restart;
    }
    if let Some(call) = call {
        let result = match flow {
            Flow::Continue => strace::format_result(abi, e.sig, ret),
            Flow::Restart => " = ? ERESTARTSYS (interrupted by a signal; restarted after it)".to_string(),
            _ => " = ?".to_string(),
        };
        crate::log::write(&format!("{} {call}{result}", crate::linux::gettid()));
    }
    match flow {
        Flow::Continue => p.arch.set_syscall_result(cpu, ret),
        // The guest's svc runs again once the signal's handler returns (x0 is unchanged).
        Flow::Restart => {
            let pc = cpu.read_u64(p.arch.pc_offset());
            cpu.write_u64(p.arch.pc_offset(), pc - SYSCALL_INSN_LEN);
        }
        _ => {}
    }
    flow
}

/// A system call a seccomp filter (or strict mode) stopped: its result without running it, a
/// SIGSYS, or the end of the thread or process.
fn seccomp_stop(p: &Process, cpu: &mut CpuState, abi: &Abi, sig: Option<&strace::Sig>, nr: u64, verdict: Verdict, call: Option<String>) -> Flow {
    let log = |result: &str| {
        if let Some(call) = &call {
            crate::log::write(&format!("{} {call}{result}", crate::linux::gettid()));
        }
    };
    match verdict {
        Verdict::Allow | Verdict::Return(_) => {
            let ret = if let Verdict::Return(r) = verdict { r } else { 0 };
            log(&strace::format_result(abi, sig, ret));
            p.arch.set_syscall_result(cpu, ret);
            Flow::Continue
        }
        Verdict::Trap(data) => {
            log(" = ? (seccomp: SIGSYS)");
            super::signal::force_sigsys(p, cpu, nr, data);
            Flow::Continue
        }
        Verdict::KillThread(sig) if super::thread::live_threads() > 1 => {
            log(" = ? (seccomp: thread killed)");
            Flow::ThreadExit(128 + sig)
        }
        Verdict::KillThread(sig) => {
            log(" = ? (seccomp: killed)");
            crate::linux::die_by_signal(sig)
        }
        Verdict::KillProcess => {
            log(" = ? (seccomp: killed)");
            crate::linux::die_by_signal(libc::SIGSYS)
        }
    }
}

/// Length of the guest's system call instruction (svc, sc), which a restart rewinds over.
const SYSCALL_INSN_LEN: u64 = 4;

#[cfg(test)]
mod table_tests {
    use super::table::AARCH64_NAMES;
    use super::*;

    #[test]
    fn aarch64_numbers() {
        assert_eq!(AARCH64_NAMES[56], "openat");
        assert_eq!(AARCH64_NAMES[63], "read");
        assert_eq!(AARCH64_NAMES[64], "write");
        assert_eq!(AARCH64_NAMES[79], "newfstatat");
        assert_eq!(AARCH64_NAMES[80], "fstat");
        assert_eq!(AARCH64_NAMES[93], "exit");
        assert_eq!(AARCH64_NAMES[94], "exit_group");
        assert_eq!(AARCH64_NAMES[214], "brk");
        assert_eq!(AARCH64_NAMES[220], "clone");
        assert_eq!(AARCH64_NAMES[222], "mmap");
        assert_eq!(AARCH64_NAMES[435], "clone3");
        assert_eq!(AARCH64_NAMES[462], "mseal");
        assert_eq!(AARCH64_NAMES[244], "");
        assert_eq!(AARCH64_NAMES.len(), 463);
    }

    #[test]
    fn every_handler_name_is_a_syscall() {
        for fam in FAMILIES {
            for (name, _) in *fam {
                assert!(AARCH64_NAMES.contains(name), "handler for unknown syscall {name}");
            }
        }
    }

    #[test]
    fn no_syscall_has_two_handlers() {
        let mut seen = std::collections::HashSet::new();
        for fam in FAMILIES {
            for (name, _) in *fam {
                assert!(seen.insert(*name), "two handlers registered for {name}");
            }
        }
    }

    #[test]
    fn every_handler_has_an_strace_row() {
        // The row also marks fd arguments, which keeps ruser's own fds from the guest.
        for fam in FAMILIES {
            for (name, _) in *fam {
                assert!(strace::lookup(name).is_some(), "no strace row (src/linux/strace.rs) for {name}");
            }
        }
    }

    #[test]
    fn strace_rows_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for s in strace::SIGS {
            assert!(seen.insert(s.name), "two strace rows for {}", s.name);
        }
    }

    #[test]
    fn every_strace_name_is_a_syscall() {
        for s in strace::SIGS {
            assert!(AARCH64_NAMES.contains(&s.name), "strace row for unknown syscall {}", s.name);
        }
    }

    #[test]
    fn table_binds_handlers() {
        let t = SysTable::build(&convert::aarch64::ABI);
        assert!(t.get(64).handler.is_some());
        assert_eq!(t.get(64).name, "write");
        assert!(t.get(244).handler.is_none());
        assert!(t.get(100_000).handler.is_none());
    }
}
