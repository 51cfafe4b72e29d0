//! execve and execveat.
//!
//! The program is looked up through the sysroot overlay and checked as the kernel checks it
//! (ENOENT, ENOTDIR, EACCES for a directory, a non-regular file or one without execute
//! permission, ENOEXEC for an unknown format, ELOOP for too many nested `#!` interpreters,
//! E2BIG from the host's own execve). Then, by what the file is:
//!
//! - an ELF program of a guest architecture ruser runs: the host execs ruser itself on it,
//!   with the options in force here (`Launch::exec_opts`), the sysroot (`-L`), the guest's
//!   argv[0] (`-0`) and AT_EXECFN (`--execfn`), and exactly the guest's environment. So it
//!   runs under ruser whether or not binfmt_misc is set up;
//! - an ELF program of the host (x86-64): the host execs it natively;
//! - a `#!` script: its interpreter (looked up through the overlay, so inside the sysroot
//!   first) is run on it with the kernel's argument rules, and may itself be a foreign
//!   program, a host program or another script;
//! - /proc/self/exe (and /proc/<own pid>/exe) is the guest's own program.
//!
//! The host kernel does the rest of what execve does: fds marked close-on-exec close, the
//! others stay. Signal dispositions follow the guest's: a signal the guest ignores stays
//! ignored in the new program, every other one goes back to its default, and the guest's
//! signal mask is kept, and so are the pending signals, including the ones ruser had taken
//! from the host and not delivered yet (`signal::prepare_exec`; a new ruser takes them over
//! in `signal::init` and from `--guest-mask`).

use crate::linux::{seccomp, signal};
use super::{Ctx, Handler, SysResult};
use crate::linux::overlay::HostPath;
use nix::errno::Errno;
use std::ffi::CString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

pub static HANDLERS: &[(&str, Handler)] = &[("execve", sys_execve), ("execveat", sys_execveat)];

/// Longest single argument or environment string (the kernel's MAX_ARG_STRLEN).
const MAX_ARG_STRLEN: usize = 32 * 4096;
/// How deep `#!` interpreters may nest before ELOOP (the kernel allows 4 levels of scripts).
const MAX_NESTING: usize = 5;
/// Bytes of the file the kernel looks at for `#!` (BINPRM_BUF_SIZE).
const HEADER: usize = 256;
/// The hidden option telling a ruser started by `exec_foreign` that the guest ignores
/// SIGPIPE (Rust's runtime ignores SIGPIPE before main, so ruser cannot see it otherwise).
pub const SIGPIPE_IGNORED: &str = "--sigpipe-ignored";
/// The hidden option giving a ruser started by `exec_foreign` the guest's signal mask: that
/// ruser starts with every host signal blocked, so that the signals the old one had taken
/// and not delivered stay pending through the exec (`signal::prepare_exec`).
pub const GUEST_MASK: &str = "--guest-mask";
/// The hidden option that passes the guest's seccomp mode on (`seccomp::encode`).
pub const SECCOMP: &str = "--seccomp";

fn sys_execve(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let path = c.cstr(a[0])?;
    exec(c, libc::AT_FDCWD, path, a[1], a[2], 0)
}

fn sys_execveat(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let flags = super::int(a[4]);
    if flags & !(libc::AT_EMPTY_PATH | libc::AT_SYMLINK_NOFOLLOW) != 0 {
        return Err(Errno::EINVAL);
    }
    let path = if a[1] == 0 && flags & libc::AT_EMPTY_PATH != 0 { CString::default() } else { c.cstr(a[1])? };
    exec(c, super::int(a[0]), path, a[2], a[3], flags)
}

/// A NULL-terminated array of guest string pointers (NULL itself: empty).
fn read_strv(c: &Ctx, addr: u64) -> Result<Vec<Vec<u8>>, Errno> {
    let mut out = Vec::new();
    if addr == 0 {
        return Ok(out);
    }
    let w = if c.p.arch.is_64bit() { 8 } else { 4 };
    loop {
        let r = c.get(addr + (out.len() * w) as u64, w)?;
        let p = if w == 8 { r.u64(0) } else { u64::from(r.u32(0)) };
        if p == 0 {
            return Ok(out);
        }
        let s = c.mem().read_cstr(p, MAX_ARG_STRLEN).map_err(|e| if e == Errno::ENAMETOOLONG { Errno::E2BIG } else { e })?;
        if s.len() >= MAX_ARG_STRLEN {
            return Err(Errno::E2BIG);
        }
        out.push(s);
    }
}

/// What a file is, from its first bytes.
#[derive(Debug, PartialEq, Eq)]
enum Kind {
    Elf { machine: u16 },
    /// `#!` with the interpreter and its optional single argument.
    Script { interp: Vec<u8>, arg: Option<Vec<u8>> },
    Unknown,
}

fn classify(head: &[u8]) -> Result<Kind, Errno> {
    if head.starts_with(b"\x7fELF") {
        if head.len() < 20 {
            return Err(Errno::ENOEXEC);
        }
        let machine = if head[5] == 2 { u16::from_be_bytes([head[18], head[19]]) } else { u16::from_le_bytes([head[18], head[19]]) };
        return Ok(Kind::Elf { machine });
    }
    if let Some(rest) = head.strip_prefix(b"#!") {
        // The kernel's rules: the line ends at a newline or at the end of the buffer; the
        // interpreter is the first word, the rest (trimmed) one argument. An interpreter
        // name that runs to the end of the buffer without a newline was cut: ENOEXEC.
        let (line, complete) = match rest.iter().position(|&b| b == b'\n') {
            Some(n) => (&rest[..n], true),
            None => (rest, false),
        };
        let is_ws = |b: &u8| *b == b' ' || *b == b'\t';
        let line = &line[line.iter().position(|b| !is_ws(b)).unwrap_or(line.len())..];
        let end = line.iter().position(is_ws).unwrap_or(line.len());
        let (interp, rest) = line.split_at(end);
        if interp.is_empty() || (!complete && rest.is_empty() && head.len() >= HEADER) {
            return Err(Errno::ENOEXEC);
        }
        let arg = rest.iter().position(|b| !is_ws(b)).map(|s| {
            let a = &rest[s..];
            let e = a.iter().rposition(|b| !is_ws(b)).map_or(0, |e| e + 1);
            a[..e].to_vec()
        });
        return Ok(Kind::Script { interp: interp.to_vec(), arg });
    }
    Ok(Kind::Unknown)
}

/// The host file for the guest's `path` (relative to `dirfd`), with the execve checks.
fn locate(c: &Ctx, dirfd: i32, path: &CString, flags: i32) -> Result<CString, Errno> {
    let hp = if path.is_empty() {
        if flags & libc::AT_EMPTY_PATH == 0 {
            return Err(Errno::ENOENT);
        }
        // fexecve: the file the fd is open on.
        let link = std::fs::read_link(format!("/proc/self/fd/{dirfd}")).map_err(|_| Errno::EBADF)?;
        HostPath { dirfd: libc::AT_FDCWD, path: CString::new(link.into_os_string().into_vec()).map_err(|_| Errno::ENOENT)? }
    } else if let Some(exe) = crate::linux::procfs::exe_target(c.p, path.as_bytes()) {
        HostPath { dirfd: libc::AT_FDCWD, path: CString::new(exe).map_err(|_| Errno::ENOENT)? }
    } else {
        c.p.overlay.resolve(dirfd, path, flags & libc::AT_SYMLINK_NOFOLLOW == 0)?
    };
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    let fl = if flags & libc::AT_SYMLINK_NOFOLLOW != 0 { libc::AT_SYMLINK_NOFOLLOW } else { 0 };
    // SAFETY: valid path and out pointer.
    if unsafe { libc::fstatat(hp.dirfd, hp.path.as_ptr(), &mut st, fl) } != 0 {
        return Err(Errno::last());
    }
    if st.st_mode & libc::S_IFMT == libc::S_IFLNK {
        return Err(Errno::ELOOP);
    }
    if st.st_mode & libc::S_IFMT != libc::S_IFREG {
        return Err(Errno::EACCES);
    }
    // SAFETY: as above.
    if unsafe { libc::faccessat(hp.dirfd, hp.path.as_ptr(), libc::X_OK, 0) } != 0 {
        return Err(Errno::EACCES);
    }
    // One absolute (or cwd-relative) host path, for the host's execve.
    if hp.dirfd == libc::AT_FDCWD || hp.path.as_bytes().first() == Some(&b'/') {
        return Ok(hp.path);
    }
    let dir = std::fs::read_link(format!("/proc/self/fd/{}", hp.dirfd)).map_err(|_| Errno::EBADF)?;
    CString::new(dir.join(std::ffi::OsStr::from_bytes(hp.path.as_bytes())).into_os_string().into_vec()).map_err(|_| Errno::ENOENT)
}

fn read_head(path: &CString) -> Result<Vec<u8>, Errno> {
    use std::io::Read;
    let f = std::fs::File::open(std::ffi::OsStr::from_bytes(path.as_bytes())).map_err(|e| Errno::from_raw(e.raw_os_error().unwrap_or(libc::EACCES)))?;
    let mut head = Vec::with_capacity(HEADER);
    f.take(HEADER as u64).read_to_end(&mut head).map_err(|e| Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO)))?;
    Ok(head)
}

fn exec(c: &mut Ctx, dirfd: i32, path: CString, argvp: u64, envpp: u64, flags: i32) -> SysResult {
    let mut argv = read_strv(c, argvp)?;
    let envp = read_strv(c, envpp)?;
    // The -strace line of a successful exec, in the guest's terms (the process is gone when
    // the dispatcher would print it).
    let shown = c.p.strace.then(|| {
        let args: Vec<String> = argv.iter().map(|a| format!("{:?}", String::from_utf8_lossy(a))).collect();
        let name = if dirfd == libc::AT_FDCWD && flags == 0 { "execve(".to_string() } else { format!("execveat({dirfd}, ") };
        format!("{} {name}{:?}, [{}], {:#x}) = 0", std::process::id(), String::from_utf8_lossy(path.as_bytes()), args.join(", "), envpp)
    });
    // The name the kernel gives the program (AT_EXECFN, a script's path argument).
    let mut filename: Vec<u8> = if path.is_empty() {
        format!("/dev/fd/{dirfd}").into_bytes()
    } else if dirfd == libc::AT_FDCWD || path.as_bytes()[0] == b'/' {
        path.as_bytes().to_vec()
    } else {
        format!("/dev/fd/{dirfd}/{}", String::from_utf8_lossy(path.as_bytes())).into_bytes()
    };
    let (mut dirfd, mut path, mut flags) = (dirfd, path, flags);
    for _ in 0..MAX_NESTING {
        let host = locate(c, dirfd, &path, flags)?;
        let head = read_head(&host)?;
        match classify(&head)? {
            Kind::Elf { machine } if crate::guest::by_elf_machine(machine).is_some() => {
                return exec_foreign(c, &host, &argv, &envp, &filename, shown.as_deref());
            }
            Kind::Elf { machine } if is_host_machine(machine) => {
                return exec_host(&host, &argv, &envp, shown.as_deref());
            }
            Kind::Elf { .. } | Kind::Unknown => return Err(Errno::ENOEXEC),
            Kind::Script { interp, arg } => {
                // argv becomes: interpreter, its argument, the script's name, argv[1..].
                let mut v = vec![interp.clone()];
                v.extend(arg);
                v.push(filename.clone());
                v.extend(argv.into_iter().skip(1));
                argv = v;
                // A nested script gets its interpreter's name as the script's path (and as
                // AT_EXECFN), as the kernel does.
                filename = interp.clone();
                path = CString::new(interp).map_err(|_| Errno::ENOEXEC)?;
                dirfd = libc::AT_FDCWD;
                flags = 0;
            }
        }
    }
    Err(Errno::ELOOP)
}

fn is_host_machine(m: u16) -> bool {
    m == goblin::elf::header::EM_X86_64 || m == goblin::elf::header::EM_386
}

fn cstrings(v: &[Vec<u8>]) -> Result<Vec<CString>, Errno> {
    v.iter().map(|s| CString::new(s.clone()).map_err(|_| Errno::EINVAL)).collect()
}

/// The host's execve; returns only on failure. `shown` is the -strace line.
/// `foreign`: the program is a ruser given `GUEST_MASK`.
fn host_execve(prog: &std::ffi::CStr, argv: &[CString], envp: &[CString], shown: Option<&str>, foreign: bool) -> Errno {
    let mut av: Vec<*const libc::c_char> = argv.iter().map(|s| s.as_ptr()).collect();
    av.push(std::ptr::null());
    let mut ev: Vec<*const libc::c_char> = envp.iter().map(|s| s.as_ptr()).collect();
    ev.push(std::ptr::null());
    if let Some(line) = shown {
        crate::log::write(line);
    }
    signal::prepare_exec(foreign);
    // SAFETY: NULL-terminated arrays of valid C strings.
    unsafe { libc::execve(prog.as_ptr(), av.as_ptr(), ev.as_ptr()) };
    let e = Errno::last();
    signal::restore_after_failed_exec();
    e
}

/// Run a host program natively: refused (EACCES) under a guest seccomp mode, which the host
/// program could not be held to.
fn exec_host(prog: &CString, argv: &[Vec<u8>], envp: &[Vec<u8>], shown: Option<&str>) -> SysResult {
    if seccomp::active() {
        return Err(Errno::EACCES);
    }
    Err(host_execve(prog, &cstrings(argv)?, &cstrings(envp)?, shown, false))
}

/// Run a foreign program under ruser again, with this ruser's settings.
fn exec_foreign(c: &Ctx, prog: &CString, argv: &[Vec<u8>], envp: &[Vec<u8>], filename: &[u8], shown: Option<&str>) -> SysResult {
    // ruser's argv[0]: its path (only a name for messages; the exec goes by /proc/self/exe).
    let ruser = std::fs::read_link("/proc/self/exe").map_or_else(|_| b"ruser".to_vec(), |p| p.into_os_string().into_vec());
    let mut args: Vec<Vec<u8>> = vec![ruser];
    // exec_opts starts with the hidden --guest-exec, which must come first.
    args.extend(c.p.launch.exec_opts.iter().map(|o| o.as_bytes().to_vec()));
    if args.len() == 1 {
        args.push(crate::cli::GUEST_EXEC.as_bytes().to_vec());
    }
    if let Some(root) = c.p.overlay.root() {
        args.push(b"-L".to_vec());
        args.push(root.as_os_str().as_bytes().to_vec());
    }
    if guest_ignores(libc::SIGPIPE) {
        args.push(SIGPIPE_IGNORED.as_bytes().to_vec());
    }
    args.push(GUEST_MASK.as_bytes().to_vec());
    args.push(format!("{:x}", signal::current_mask()).into_bytes());
    let filter = seccomp::encode(&seccomp::current());
    if let Some(f) = &filter {
        args.push(SECCOMP.as_bytes().to_vec());
        args.push(f.as_bytes().to_vec());
    }
    args.push(b"-0".to_vec());
    args.push(argv.first().cloned().unwrap_or_default());
    args.push(b"--execfn".to_vec());
    args.push(filename.to_vec());
    args.push(b"--".to_vec());
    args.push(prog.as_bytes().to_vec());
    args.extend(argv.iter().skip(1).cloned());
    // Through /proc/self/exe: the running ruser even if its file was replaced meanwhile.
    let envp = cstrings(envp)?;
    match host_execve(c"/proc/self/exe", &cstrings(&args)?, &envp, shown, true) {
        // Too many arguments or no memory: the program itself would fail the same way.
        e @ (Errno::E2BIG | Errno::ENOMEM) => Err(e),
        // No usable /proc (a chroot started through binfmt_misc's F flag: no /proc there, an
        // empty directory, or debootstrap's first-stage symlink /proc -> /proc, ELOOP): ruser's
        // own executable is out of reach, so the kernel runs the program itself, through
        // binfmt_misc if an entry matches it (ENOEXEC otherwise, as without ruser). Not under
        // a seccomp mode, which that ruser would not know.
        e if filter.is_some() => Err(e),
        _ => Err(host_execve(prog, &cstrings(argv)?, &envp, shown, false)),
    }
}

// ---------------------------------------------------------------- signals across exec

fn guest_ignores(sig: i32) -> bool {
    signal::action(sig).handler == signal::SIG_IGN
}

/// At start-up: whether the guest's parent ignored SIGPIPE comes from `SIGPIPE_IGNORED`
/// when ruser execs itself (`signal::init` also reads the disposition from before Rust's
/// runtime ignored it), and the guest's signal mask from `GUEST_MASK` (the host mask is
/// then all blocked, see `signal::prepare_exec`).
pub fn inherit_signals(pipe_ignored: bool, guest_mask: Option<u64>) {
    if pipe_ignored {
        signal::note_sigpipe_ignored();
    }
    if let Some(m) = guest_mask {
        signal::note_guest_mask(m);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(s: &[u8]) -> Result<Kind, Errno> {
        classify(s)
    }

    #[test]
    fn shebang_lines() {
        assert_eq!(script(b"#!/bin/sh\necho"), Ok(Kind::Script { interp: b"/bin/sh".to_vec(), arg: None }));
        assert_eq!(script(b"#! /usr/bin/env  python3 -u  \n"), Ok(Kind::Script { interp: b"/usr/bin/env".to_vec(), arg: Some(b"python3 -u".to_vec()) }));
        assert_eq!(script(b"#!\t/bin/bash\t-e\n"), Ok(Kind::Script { interp: b"/bin/bash".to_vec(), arg: Some(b"-e".to_vec()) }));
        assert_eq!(script(b"#!/bin/sh"), Ok(Kind::Script { interp: b"/bin/sh".to_vec(), arg: None }));
        assert_eq!(script(b"#!\n"), Err(Errno::ENOEXEC));
        assert_eq!(script(b"#!   \n"), Err(Errno::ENOEXEC));
        let mut long = b"#!/".to_vec();
        long.resize(HEADER, b'x');
        assert_eq!(script(&long), Err(Errno::ENOEXEC));
        assert_eq!(script(b"echo hi\n"), Ok(Kind::Unknown));
        assert_eq!(script(b""), Ok(Kind::Unknown));
    }

    #[test]
    fn elf_machines() {
        let mut h = vec![0x7f, b'E', b'L', b'F', 2, 1, 1, 0];
        h.resize(20, 0);
        h[18] = 183; // EM_AARCH64, little-endian
        assert_eq!(classify(&h), Ok(Kind::Elf { machine: 183 }));
        h[5] = 2;
        h[18] = 0;
        h[19] = 21; // EM_PPC64, big-endian
        assert_eq!(classify(&h), Ok(Kind::Elf { machine: 21 }));
        assert_eq!(classify(b"\x7fELF\x02"), Err(Errno::ENOEXEC));
    }
}
