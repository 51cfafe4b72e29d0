//! The emulated parts of /proc: what the guest must see of itself rather than of ruser.
//!
//! For the guest's own process (`/proc/self`, `/proc/thread-self`, `/proc/<pid>` and
//! `/proc/<pid>/task/<tid>` of its own pid):
//! - `exe` is the guest program (a link, and opening it opens the program);
//! - `maps` and `smaps` list the guest's mappings from its VMA map (no ruser mappings), with
//!   guest-style names: the program's and libraries' paths as the guest names them, `[heap]`,
//!   `[stack]`;
//! - `auxv`, `cmdline` and `environ` are the guest's (read from its initial stack);
//! - `stat` and `status` are the host's with the guest's values where they differ (the
//!   virtual memory size, the stack and argument addresses).
//!
//! - `fd/` and `fdinfo/` list the guest's fds only: ruser's own (`crate::hostfd`) are left out
//!   of listings and do not exist for any path-taking call (ENOENT); `fdinfo/N` shows the
//!   open flags in the guest's encoding;
//!
//! `/proc/cpuinfo` is the guest architecture's (`GuestArch::cpuinfo`), listing only the
//! features ruser implements. Everything else in /proc is the host's. Generated files are
//! memfds holding the text, so reads, seeks and fstat work on them as on a file.

use super::syscall::Ctx;
use super::Process;
use crate::mem::{VmaKind, PROT_EXEC, PROT_READ, PROT_WRITE};
use nix::errno::Errno;
use std::fmt::Write as _;
use std::os::unix::ffi::OsStrExt;

/// The entry of the guest's own /proc directory that `path` names ("maps", "fd/3", ...), if it
/// names one. Only the plain spellings are recognised (no `//`, `.` or `..`).
pub fn own_entry(path: &[u8]) -> Option<&[u8]> {
    let rest = path.strip_prefix(b"/proc/")?;
    let (first, rest) = split(rest)?;
    let pid = std::process::id().to_string();
    let rest = match first {
        b"self" | b"thread-self" => rest,
        p if p == pid.as_bytes() => match split(rest) {
            Some((b"task", r)) => {
                let (tid, r) = split(r)?;
                let tid = std::str::from_utf8(tid).ok()?.parse::<u32>().ok()?;
                // One of our threads: its task directory exists in our own /proc entry.
                std::fs::metadata(format!("/proc/self/task/{tid}")).ok()?;
                r
            }
            _ => rest,
        },
        _ => return None,
    };
    (!rest.is_empty()).then_some(rest)
}

fn split(p: &[u8]) -> Option<(&[u8], &[u8])> {
    match p.iter().position(|&b| b == b'/') {
        Some(n) => Some((&p[..n], &p[n + 1..])),
        None if !p.is_empty() => Some((p, b"")),
        None => None,
    }
}

/// Whether directory `dirfd` (`AT_FDCWD`: the working directory) is on a proc file system.
pub fn is_proc_dir(dirfd: i32) -> bool {
    const PROC_SUPER_MAGIC: i64 = 0x9fa0;
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: plain out-parameters.
    let r = unsafe {
        if dirfd == libc::AT_FDCWD {
            libc::statfs(c".".as_ptr(), &mut st)
        } else {
            libc::fstatfs(dirfd, &mut st)
        }
    };
    r == 0 && st.f_type as i64 == PROC_SUPER_MAGIC
}

/// The fd number a path component names ("3"), if it is one.
fn fd_number(b: &[u8]) -> Option<i32> {
    if b.is_empty() || b.len() > 10 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(b).ok()?.parse().ok()
}

/// Whether an entry of the guest's own /proc directory ("fd/7", "fdinfo/7/...") names one of
/// ruser's own fds.
fn own_fd_entry(entry: &[u8]) -> bool {
    let Some(rest) = entry.strip_prefix(b"fd/").or_else(|| entry.strip_prefix(b"fdinfo/")) else { return false };
    let n = rest.split(|&b| b == b'/').next().unwrap_or_default();
    fd_number(n).is_some_and(crate::hostfd::is_own)
}

/// Whether directory `dirfd` (`AT_FDCWD`: the working directory) is the guest's own /proc
/// `fd` or `fdinfo` directory.
fn is_own_fd_dir(dirfd: i32) -> bool {
    let link = if dirfd == libc::AT_FDCWD { "/proc/self/cwd".to_string() } else { format!("/proc/self/fd/{dirfd}") };
    std::fs::read_link(link).is_ok_and(|p| matches!(own_entry(p.as_os_str().as_bytes()), Some(b"fd" | b"fdinfo")))
}

/// Whether the guest's `path` (relative to `dirfd`) names one of ruser's own fds in the
/// guest's /proc (`/proc/self/fd/N`, `fdinfo/N`, or `N` relative to those directories): such
/// paths do not exist for the guest (ENOENT). Costs nothing unless the path is under /proc
/// or starts with the number of one of ruser's fds.
pub fn hides(dirfd: i32, path: &[u8]) -> bool {
    if path.first() == Some(&b'/') {
        return path.starts_with(b"/proc/") && own_entry(path).is_some_and(own_fd_entry);
    }
    let first = path.split(|&b| b == b'/').next().unwrap_or_default();
    fd_number(first).is_some_and(crate::hostfd::is_own) && is_own_fd_dir(dirfd)
}

/// Leave ruser's own fds out of a host `getdents64` listing (`buf`, host `linux_dirent64`
/// records) of directory `fd`, when it is the guest's own /proc `fd` or `fdinfo` directory.
/// Returns the new length.
pub fn filter_dirents(fd: i32, buf: &mut [u8]) -> usize {
    let own = |rec: &[u8]| {
        let name = &rec[19..];
        let name = &name[..name.iter().position(|&b| b == 0).unwrap_or(name.len())];
        fd_number(name).is_some_and(crate::hostfd::is_own)
    };
    let reclen = |b: &[u8], off: usize| u16::from_ne_bytes([b[off + 16], b[off + 17]]) as usize;
    let mut off = 0;
    let mut any = false;
    while off + 19 <= buf.len() {
        let n = reclen(buf, off);
        if n < 19 || off + n > buf.len() {
            return buf.len();
        }
        any |= own(&buf[off..off + n]);
        off += n;
    }
    if !any || !is_own_fd_dir(fd) {
        return buf.len();
    }
    let (mut rd, mut wr) = (0, 0);
    while rd + 19 <= buf.len() {
        let n = reclen(buf, rd);
        if !own(&buf[rd..rd + n]) {
            buf.copy_within(rd..rd + n, wr);
            wr += n;
        }
        rd += n;
    }
    wr
}

/// /proc/self/fdinfo/N: the host's, with the `flags:` line in the guest's encoding (the file's
/// open flags, in octal).
fn fdinfo(c: &Ctx, fd: i32) -> Option<String> {
    let text = std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}")).ok()?;
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        match line.strip_prefix("flags:").map(str::trim).and_then(|v| u32::from_str_radix(v, 8).ok()) {
            Some(fl) => {
                let _ = writeln!(out, "flags:\t0{:o}", crate::linux::convert::flags::open_to_guest(c.abi, fl as i32));
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    Some(out)
}

/// The host path of the guest program, if `path` names its /proc `exe` link.
pub fn exe_target(p: &Process, path: &[u8]) -> Option<Vec<u8>> {
    (own_entry(path)? == b"exe").then(|| std::fs::canonicalize(&p.exe).unwrap_or_else(|_| p.exe.clone()).as_os_str().as_bytes().to_vec())
}

/// readlink of an emulated link: the guest's view of its target.
pub fn readlink(p: &Process, path: &[u8]) -> Option<Vec<u8>> {
    exe_target(p, path).map(|t| p.overlay.to_guest(&t))
}

/// Open the guest program through its /proc `exe` link, with host open flags `flags`
/// (None: `path` is not that link).
pub fn open_exe(p: &Process, path: &[u8], flags: i32) -> Option<Result<u64, Errno>> {
    let target = std::ffi::CString::new(exe_target(p, path)?).ok()?;
    // SAFETY: a valid path.
    let fd = unsafe { libc::open(target.as_ptr(), flags, 0) };
    Some(if fd < 0 { Err(Errno::last()) } else { Ok(fd as u64) })
}

/// Open an emulated /proc file (None: not emulated, the host's file is opened).
pub fn open(c: &Ctx, path: &[u8]) -> Option<Result<u64, Errno>> {
    let p = c.p;
    let text = if path == b"/proc/cpuinfo" {
        let n = std::thread::available_parallelism().map_or(1, |n| n.get());
        p.arch.cpuinfo(&p.cpu_model, n).into_bytes()
    } else {
        let entry = own_entry(path)?;
        if own_fd_entry(entry) {
            return Some(Err(Errno::ENOENT));
        }
        if let Some(fd) = entry.strip_prefix(b"fdinfo/").and_then(fd_number) {
            return Some(fdinfo(c, fd).ok_or(Errno::ENOENT).and_then(|t| memfd(t.as_bytes())));
        }
        match entry {
            b"maps" => maps(p, false).into_bytes(),
            b"smaps" => maps(p, true).into_bytes(),
            b"auxv" => p.launch.auxv.iter().flat_map(|&(k, v)| k.to_le_bytes().into_iter().chain(v.to_le_bytes())).collect(),
            b"cmdline" => read_range(p, p.launch.args),
            b"environ" => read_range(p, p.launch.env),
            b"stat" => stat(p)?.into_bytes(),
            b"status" => status(p)?.into_bytes(),
            _ => return None,
        }
    };
    Some(memfd(&text))
}

fn read_range(p: &Process, (start, end): (u64, u64)) -> Vec<u8> {
    let mut v = vec![0u8; end.saturating_sub(start) as usize];
    if p.mem.read(start, &mut v).is_err() {
        v.clear();
    }
    v
}

/// A read-only, sealed in-memory file holding `data`, positioned at its start.
fn memfd(data: &[u8]) -> Result<u64, Errno> {
    // SAFETY: plain syscalls on a fresh fd.
    unsafe {
        let fd = libc::memfd_create(c"ruser-proc".as_ptr(), libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING);
        if fd < 0 {
            return Err(Errno::last());
        }
        let mut off = 0;
        while off < data.len() {
            let n = libc::write(fd, data[off..].as_ptr() as *const _, data.len() - off);
            if n <= 0 {
                let e = Errno::last();
                libc::close(fd);
                return Err(e);
            }
            off += n as usize;
        }
        libc::lseek(fd, 0, libc::SEEK_SET);
        libc::fcntl(fd, libc::F_ADD_SEALS, libc::F_SEAL_WRITE | libc::F_SEAL_GROW | libc::F_SEAL_SHRINK | libc::F_SEAL_SEAL);
        // The guest's own open flags decide close-on-exec; the memfd starts without it.
        libc::fcntl(fd, libc::F_SETFD, 0);
        Ok(fd as u64)
    }
}

/// /proc/self/maps (and smaps, with `detail`) from the guest's VMA map.
pub fn maps(p: &Process, detail: bool) -> String {
    let mut out = String::new();
    p.mem.adopt_stack_growth(0, u64::MAX);
    for v in p.mem.snapshot() {
        let (offset, dev, ino, name) = match &v.kind {
            VmaKind::File { name, offset } => {
                let (dev, ino) = std::fs::metadata(name).map_or((0, 0), |m| {
                    use std::os::unix::fs::MetadataExt;
                    (m.dev(), m.ino())
                });
                (*offset, dev, ino, String::from_utf8_lossy(&p.overlay.to_guest(name.as_bytes())).into_owned())
            }
            VmaKind::Heap => (0, 0, 0, "[heap]".to_string()),
            VmaKind::Stack => (0, 0, 0, "[stack]".to_string()),
            VmaKind::Anon => (0, 0, 0, String::new()),
            VmaKind::AnonNamed(n) if v.shared => (0, 0, 0, format!("[anon_shmem:{n}]")),
            VmaKind::AnonNamed(n) => (0, 0, 0, format!("[anon:{n}]")),
        };
        let perms = format!(
            "{}{}{}{}",
            if v.prot & PROT_READ != 0 { 'r' } else { '-' },
            if v.prot & PROT_WRITE != 0 { 'w' } else { '-' },
            if v.prot & PROT_EXEC != 0 { 'x' } else { '-' },
            if v.shared { 's' } else { 'p' }
        );
        let (major, minor) = (libc::major(dev), libc::minor(dev));
        let mut line = format!("{:08x}-{:08x} {perms} {offset:08x} {major:02x}:{minor:02x} {ino} ", v.start, v.end);
        if !name.is_empty() {
            // The kernel pads the name to a fixed column.
            while line.len() < 73 {
                line.push(' ');
            }
            line.push_str(&name);
        }
        let _ = writeln!(out, "{}", line.trim_end());
        if detail {
            let size = (v.end - v.start) / 1024;
            let rss = resident_kb(p, v.start, v.end);
            let anon = if matches!(v.kind, VmaKind::File { .. }) { 0 } else { rss };
            let fields: [(&str, u64); 22] = [
                ("Size", size),
                ("KernelPageSize", 4),
                ("MMUPageSize", 4),
                ("Rss", rss),
                ("Pss", rss),
                ("Pss_Dirty", anon),
                ("Shared_Clean", 0),
                ("Shared_Dirty", 0),
                ("Private_Clean", rss - anon),
                ("Private_Dirty", anon),
                ("Referenced", rss),
                ("Anonymous", anon),
                ("KSM", 0),
                ("LazyFree", 0),
                ("AnonHugePages", 0),
                ("ShmemPmdMapped", 0),
                ("FilePmdMapped", 0),
                ("Shared_Hugetlb", 0),
                ("Private_Hugetlb", 0),
                ("Swap", 0),
                ("SwapPss", 0),
                ("Locked", 0),
            ];
            for (k, val) in fields {
                let _ = writeln!(out, "{:<16}{val:>8} kB", format!("{k}:"));
            }
            let _ = writeln!(out, "THPeligible:    0");
            let mut flags = String::new();
            for (bit, f) in [(PROT_READ, "rd"), (PROT_WRITE, "wr"), (PROT_EXEC, "ex")] {
                if v.prot & bit != 0 {
                    flags += f;
                    flags += " ";
                }
            }
            flags += "mr mw me ";
            if v.kind == VmaKind::Stack {
                flags += "gd ";
            }
            if !v.shared && v.prot & PROT_WRITE != 0 {
                flags += "ac ";
            }
            let _ = writeln!(out, "VmFlags: {flags}");
        }
    }
    out
}

/// Resident kB of guest range `[start, end)` (the host pages behind it, by mincore).
fn resident_kb(p: &Process, start: u64, end: u64) -> u64 {
    let pages = ((end - start) / 4096) as usize;
    let mut vec = vec![0u8; pages];
    // SAFETY: the range is a guest mapping, so mapped on the host; vec has a byte per page.
    let r = unsafe { libc::mincore(p.mem.g2h(start) as *mut _, (end - start) as usize, vec.as_mut_ptr()) };
    if r != 0 {
        return 0;
    }
    vec.iter().filter(|&&b| b & 1 != 0).count() as u64 * 4
}

/// The guest's virtual memory size in bytes.
fn vm_size(p: &Process) -> u64 {
    p.mem.snapshot().iter().map(|v| v.end - v.start).sum()
}

fn stack_top(p: &Process) -> u64 {
    p.mem.snapshot().iter().find(|v| v.kind == VmaKind::Stack).map_or(0, |v| v.end)
}

/// /proc/self/stat: the host's line with the guest's memory size, stack start and argument
/// and environment addresses.
fn stat(p: &Process) -> Option<String> {
    let host = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name is in parentheses and may itself contain spaces or parentheses.
    let close = host.rfind(')')?;
    let (head, tail) = host.split_at(close + 1);
    let mut f: Vec<String> = tail.split_whitespace().map(str::to_string).collect();
    // Fields from 3 on (state) are f[0..]; field n is f[n - 3].
    let mut set = |n: usize, v: u64| {
        if let Some(x) = f.get_mut(n - 3) {
            *x = v.to_string();
        }
    };
    set(23, vm_size(p));
    set(28, stack_top(p));
    set(48, p.launch.args.0);
    set(49, p.launch.args.1);
    set(50, p.launch.env.0);
    set(51, p.launch.env.1);
    Some(format!("{head} {}\n", f.join(" ")))
}

/// /proc/self/status: the host's with the guest's virtual memory size.
fn status(p: &Process) -> Option<String> {
    let host = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb = vm_size(p) / 1024;
    // The guest's seccomp mode, when it set one, instead of the host's.
    let seccomp = crate::linux::seccomp::current();
    let filters = crate::linux::seccomp::filter_count(&seccomp);
    let mut out = String::new();
    for line in host.lines() {
        if line.starts_with("VmSize:") || line.starts_with("VmPeak:") {
            let key = &line[..7];
            let _ = writeln!(out, "{key}\t{kb:>8} kB");
        } else if let (Some(key @ ("Seccomp" | "Seccomp_filters")), n @ 1..) = (line.split(':').next(), seccomp.number()) {
            let v = if key == "Seccomp" { n as usize } else { filters };
            let _ = writeln!(out, "{key}:\t{v}");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_entries() {
        let pid = std::process::id();
        assert_eq!(own_entry(b"/proc/self/maps"), Some(&b"maps"[..]));
        assert_eq!(own_entry(b"/proc/thread-self/exe"), Some(&b"exe"[..]));
        assert_eq!(own_entry(format!("/proc/{pid}/fd/3").as_bytes()), Some(&b"fd/3"[..]));
        let tid = crate::linux::gettid();
        assert_eq!(own_entry(format!("/proc/{pid}/task/{tid}/stat").as_bytes()), Some(&b"stat"[..]));
        assert_eq!(own_entry(format!("/proc/{pid}/task/999999999/stat").as_bytes()), None);
        assert_eq!(own_entry(b"/proc/1/maps"), None);
        assert_eq!(own_entry(b"/proc/self"), None);
        assert_eq!(own_entry(b"/proc/cpuinfo"), None);
        assert_eq!(own_entry(b"/etc/passwd"), None);
    }
}
