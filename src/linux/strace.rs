//! `-strace`: one line per syscall, `PID name(args...) = result`, decoded from a per-syscall
//! table of argument kinds (`SIGS`). Syscalls without a row get their six raw arguments in hex.
//!
//! The rows are also what keeps ruser's own fds away from the guest: `dispatch` refuses (EBADF)
//! any call whose `Fd`/`DirFd` argument is one of them, so an fd argument must be marked `Fd`.

use super::convert::{errno, flags, Abi};
use crate::mem::GuestMem;

/// How to show one argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg {
    /// Signed decimal (64-bit).
    Int,
    /// Signed 32-bit decimal (int).
    I32,
    /// Unsigned decimal.
    UInt,
    /// Hex (pointers, masks); NULL for 0.
    Ptr,
    /// Hex number.
    Hex,
    /// A file descriptor (int).
    Fd,
    /// A dirfd: AT_FDCWD or an fd.
    DirFd,
    /// A NUL-terminated string (path).
    Str,
    /// A buffer the guest passes in, whose length is the argument at this index.
    Buf(usize),
    /// Octal (file modes).
    Oct,
    OpenFlags,
    Prot,
    MapFlags,
}

/// How to show the result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ret {
    Int,
    Hex,
}

pub struct Sig {
    pub name: &'static str,
    pub ret: Ret,
    pub args: &'static [Arg],
}

const fn s(name: &'static str, args: &'static [Arg]) -> Sig {
    Sig { name, ret: Ret::Int, args }
}
const fn h(name: &'static str, args: &'static [Arg]) -> Sig {
    Sig { name, ret: Ret::Hex, args }
}

use Arg::*;

/// Argument kinds by syscall name (kernel names, the same for every guest ABI).
pub static SIGS: &[Sig] = &[
    s("openat", &[DirFd, Str, OpenFlags, Oct]),
    s("close", &[Fd]),
    s("read", &[Fd, Ptr, UInt]),
    s("write", &[Fd, Buf(2), UInt]),
    s("pread64", &[Fd, Ptr, UInt, Int]),
    s("pwrite64", &[Fd, Buf(2), UInt, Int]),
    s("readv", &[Fd, Ptr, UInt]),
    s("writev", &[Fd, Ptr, UInt]),
    s("lseek", &[Fd, Int, I32]),
    s("ioctl", &[Fd, Hex, Ptr]),
    s("fcntl", &[Fd, I32, Hex]),
    s("dup", &[Fd]),
    s("dup3", &[Fd, Fd, Hex]),
    s("pipe2", &[Ptr, Hex]),
    s("newfstatat", &[DirFd, Str, Ptr, Hex]),
    s("fstat", &[Fd, Ptr]),
    s("statx", &[DirFd, Str, Hex, Hex, Ptr]),
    s("getdents64", &[Fd, Ptr, UInt]),
    s("readlinkat", &[DirFd, Str, Ptr, UInt]),
    s("faccessat", &[DirFd, Str, Oct]),
    s("faccessat2", &[DirFd, Str, Oct, Hex]),
    s("unlinkat", &[DirFd, Str, Hex]),
    s("mkdirat", &[DirFd, Str, Oct]),
    s("renameat", &[DirFd, Str, DirFd, Str]),
    s("renameat2", &[DirFd, Str, DirFd, Str, Hex]),
    s("symlinkat", &[Str, DirFd, Str]),
    s("linkat", &[DirFd, Str, DirFd, Str, Hex]),
    s("fchmodat", &[DirFd, Str, Oct]),
    s("fchmod", &[Fd, Oct]),
    s("fchownat", &[DirFd, Str, I32, I32, Hex]),
    s("ftruncate", &[Fd, Int]),
    s("truncate", &[Str, Int]),
    s("fsync", &[Fd]),
    s("utimensat", &[DirFd, Str, Ptr, Hex]),
    s("getcwd", &[Ptr, UInt]),
    s("chdir", &[Str]),
    s("fchdir", &[Fd]),
    s("umask", &[Oct]),
    h("mmap", &[Ptr, UInt, Prot, MapFlags, Fd, Hex]),
    s("munmap", &[Ptr, UInt]),
    s("mprotect", &[Ptr, UInt, Prot]),
    h("brk", &[Ptr]),
    s("madvise", &[Ptr, UInt, I32]),
    h("mremap", &[Ptr, UInt, UInt, Hex, Ptr]),
    s("getpid", &[]),
    s("getppid", &[]),
    s("gettid", &[]),
    s("getuid", &[]),
    s("geteuid", &[]),
    s("getgid", &[]),
    s("getegid", &[]),
    s("setsid", &[]),
    s("sched_yield", &[]),
    s("sync", &[]),
    s("setuid", &[I32]),
    s("setgid", &[I32]),
    s("getresuid", &[Ptr, Ptr, Ptr]),
    s("getresgid", &[Ptr, Ptr, Ptr]),
    s("getgroups", &[I32, Ptr]),
    s("times", &[Ptr]),
    s("getrusage", &[I32, Ptr]),
    s("exit", &[I32]),
    s("exit_group", &[I32]),
    s("set_tid_address", &[Ptr]),
    s("set_robust_list", &[Ptr, UInt]),
    s("rseq", &[Ptr, UInt, Hex, Hex]),
    s("prlimit64", &[I32, I32, Ptr, Ptr]),
    s("getrlimit", &[I32, Ptr]),
    s("setrlimit", &[I32, Ptr]),
    s("uname", &[Ptr]),
    s("sysinfo", &[Ptr]),
    s("getrandom", &[Ptr, UInt, Hex]),
    s("prctl", &[I32, Hex, Hex, Hex, Hex]),
    s("seccomp", &[UInt, Hex, Ptr]),
    s("clone", &[Hex, Ptr, Ptr, Ptr, Ptr]),
    s("wait4", &[I32, Ptr, Hex, Ptr]),
    s("execve", &[Str, Ptr, Ptr]),
    s("execveat", &[DirFd, Str, Ptr, Ptr, Hex]),
    s("kill", &[I32, I32]),
    s("tgkill", &[I32, I32, I32]),
    s("tkill", &[I32, I32]),
    s("setpgid", &[I32, I32]),
    s("getpgid", &[I32]),
    s("getsid", &[I32]),
    s("sched_getaffinity", &[I32, UInt, Ptr]),
    s("clock_gettime", &[I32, Ptr]),
    s("clock_getres", &[I32, Ptr]),
    s("gettimeofday", &[Ptr, Ptr]),
    s("nanosleep", &[Ptr, Ptr]),
    s("clock_nanosleep", &[I32, Hex, Ptr, Ptr]),
    s("ppoll", &[Ptr, UInt, Ptr, Ptr, UInt]),
    s("pselect6", &[I32, Ptr, Ptr, Ptr, Ptr, Ptr]),
    s("sendfile", &[Fd, Fd, Ptr, UInt]),
    s("statfs", &[Str, Ptr]),
    s("fstatfs", &[Fd, Ptr]),
    s("rt_sigaction", &[I32, Ptr, Ptr, UInt]),
    s("rt_sigprocmask", &[I32, Ptr, Ptr, UInt]),
    s("sigaltstack", &[Ptr, Ptr]),
    s("rt_sigpending", &[Ptr, UInt]),
    s("rt_sigsuspend", &[Ptr, UInt]),
    s("rt_sigtimedwait", &[Ptr, Ptr, Ptr, UInt]),
    s("rt_sigqueueinfo", &[I32, I32, Ptr]),
    s("rt_tgsigqueueinfo", &[I32, I32, I32, Ptr]),
    s("rt_sigreturn", &[]),
    s("restart_syscall", &[]),
    s("futex", &[Ptr, Hex, UInt, Ptr, Ptr, Hex]),
    s("futex_waitv", &[Ptr, UInt, Hex, Ptr, I32]),
    s("futex_wake", &[Ptr, Hex, I32, Hex]),
    s("futex_wait", &[Ptr, UInt, Hex, Hex, Ptr, I32]),
    s("futex_requeue", &[Ptr, Hex, I32, I32]),
    s("get_robust_list", &[I32, Ptr, Ptr]),
    s("waitid", &[I32, I32, Ptr, Hex, Ptr]),
    s("membarrier", &[I32, Hex, I32]),
    s("sched_setparam", &[I32, Ptr]),
    s("sched_getparam", &[I32, Ptr]),
    s("sched_setscheduler", &[I32, I32, Ptr]),
    s("sched_getscheduler", &[I32]),
    s("sched_get_priority_max", &[I32]),
    s("sched_get_priority_min", &[I32]),
    s("sched_rr_get_interval", &[I32, Ptr]),
    s("sched_setattr", &[I32, Ptr, Hex]),
    s("sched_getattr", &[I32, Ptr, UInt, Hex]),
    s("getcpu", &[Ptr, Ptr, Ptr]),
    s("chroot", &[Str]),
    s("clone3", &[Ptr, UInt]),
    s("getpriority", &[I32, I32]),
    s("setpriority", &[I32, I32, I32]),
    s("sched_setaffinity", &[I32, UInt, Ptr]),
    // scheduling, capabilities, namespaces, personality
    s("ioprio_set", &[I32, I32, Hex]),
    s("ioprio_get", &[I32, I32]),
    s("kcmp", &[I32, I32, I32, Hex, Hex]),
    s("unshare", &[Hex]),
    s("setns", &[Fd, Hex]),
    s("capget", &[Ptr, Ptr]),
    s("capset", &[Ptr, Ptr]),
    h("personality", &[Hex]),
    s("setfsuid", &[I32]),
    s("setfsgid", &[I32]),
    s("setgroups", &[I32, Ptr]),
    s("setreuid", &[I32, I32]),
    s("setregid", &[I32, I32]),
    s("setresuid", &[I32, I32, I32]),
    s("setresgid", &[I32, I32, I32]),
    // fd table and files
    s("flock", &[Fd, I32]),
    s("close_range", &[UInt, UInt, Hex]),
    s("pidfd_getfd", &[Fd, I32, Hex]),
    s("openat2", &[DirFd, Str, Ptr, UInt]),
    s("mknodat", &[DirFd, Str, Oct, Hex]),
    s("fchmodat2", &[DirFd, Str, Oct, Hex]),
    s("fchown", &[Fd, I32, I32]),
    s("name_to_handle_at", &[DirFd, Str, Ptr, Ptr, Hex]),
    s("open_by_handle_at", &[Fd, Ptr, OpenFlags]),
    s("fdatasync", &[Fd]),
    s("syncfs", &[Fd]),
    s("sync_file_range", &[Fd, Int, Int, Hex]),
    s("fallocate", &[Fd, Hex, Int, Int]),
    s("fadvise64", &[Fd, Int, Int, I32]),
    s("readahead", &[Fd, Int, UInt]),
    s("cachestat", &[Fd, Ptr, Ptr, Hex]),
    s("preadv", &[Fd, Ptr, UInt, Int]),
    s("pwritev", &[Fd, Ptr, UInt, Int]),
    s("preadv2", &[Fd, Ptr, UInt, Int, Int, Hex]),
    s("pwritev2", &[Fd, Ptr, UInt, Int, Int, Hex]),
    s("splice", &[Fd, Ptr, Fd, Ptr, UInt, Hex]),
    s("tee", &[Fd, Fd, UInt, Hex]),
    s("vmsplice", &[Fd, Ptr, UInt, Hex]),
    s("copy_file_range", &[Fd, Ptr, Fd, Ptr, UInt, Hex]),
    s("setxattr", &[Str, Str, Ptr, UInt, Hex]),
    s("lsetxattr", &[Str, Str, Ptr, UInt, Hex]),
    s("fsetxattr", &[Fd, Str, Ptr, UInt, Hex]),
    s("getxattr", &[Str, Str, Ptr, UInt]),
    s("lgetxattr", &[Str, Str, Ptr, UInt]),
    s("fgetxattr", &[Fd, Str, Ptr, UInt]),
    s("listxattr", &[Str, Ptr, UInt]),
    s("llistxattr", &[Str, Ptr, UInt]),
    s("flistxattr", &[Fd, Ptr, UInt]),
    s("removexattr", &[Str, Str]),
    s("lremovexattr", &[Str, Str]),
    s("fremovexattr", &[Fd, Str]),
    // event fds
    s("eventfd2", &[UInt, Hex]),
    s("timerfd_create", &[I32, Hex]),
    s("timerfd_settime", &[Fd, Hex, Ptr, Ptr]),
    s("timerfd_gettime", &[Fd, Ptr]),
    s("signalfd4", &[Fd, Ptr, UInt, Hex]),
    s("inotify_init1", &[Hex]),
    s("inotify_add_watch", &[Fd, Str, Hex]),
    s("inotify_rm_watch", &[Fd, I32]),
    s("fanotify_init", &[Hex, OpenFlags]),
    s("fanotify_mark", &[Fd, Hex, Hex, DirFd, Str]),
    s("memfd_create", &[Str, Hex]),
    s("memfd_secret", &[Hex]),
    s("pidfd_open", &[I32, Hex]),
    s("pidfd_send_signal", &[Fd, I32, Ptr, Hex]),
    s("epoll_create1", &[Hex]),
    s("epoll_ctl", &[Fd, I32, Fd, Ptr]),
    s("epoll_pwait", &[Fd, Ptr, I32, I32, Ptr, UInt]),
    s("epoll_pwait2", &[Fd, Ptr, I32, Ptr, Ptr, UInt]),
    // memory
    s("msync", &[Ptr, UInt, Hex]),
    s("mlock", &[Ptr, UInt]),
    s("mlock2", &[Ptr, UInt, Hex]),
    s("munlock", &[Ptr, UInt]),
    s("mlockall", &[Hex]),
    s("munlockall", &[]),
    s("mincore", &[Ptr, UInt, Ptr]),
    s("mseal", &[Ptr, UInt, Hex]),
    s("pkey_mprotect", &[Ptr, UInt, Prot, I32]),
    s("pkey_alloc", &[Hex, Hex]),
    s("pkey_free", &[I32]),
    s("remap_file_pages", &[Ptr, UInt, Prot, UInt, Hex]),
    s("process_madvise", &[Fd, Ptr, UInt, I32, Hex]),
    s("process_mrelease", &[Fd, Hex]),
    s("mbind", &[Ptr, UInt, I32, Ptr, UInt, Hex]),
    s("set_mempolicy", &[I32, Ptr, UInt]),
    s("get_mempolicy", &[Ptr, Ptr, UInt, Ptr, Hex]),
    s("set_mempolicy_home_node", &[Ptr, UInt, UInt, Hex]),
    s("migrate_pages", &[I32, UInt, Ptr, Ptr]),
    s("move_pages", &[I32, UInt, Ptr, Ptr, Ptr, Hex]),
    s("process_vm_readv", &[I32, Ptr, UInt, Ptr, UInt, Hex]),
    s("process_vm_writev", &[I32, Ptr, UInt, Ptr, UInt, Hex]),
    // SysV IPC and POSIX message queues
    s("shmget", &[I32, UInt, Hex]),
    h("shmat", &[I32, Ptr, Hex]),
    s("shmdt", &[Ptr]),
    s("shmctl", &[I32, I32, Ptr]),
    s("semget", &[I32, I32, Hex]),
    s("semop", &[I32, Ptr, UInt]),
    s("semtimedop", &[I32, Ptr, UInt, Ptr]),
    s("semctl", &[I32, I32, I32, Hex]),
    s("msgget", &[I32, Hex]),
    s("msgsnd", &[I32, Ptr, UInt, Hex]),
    s("msgrcv", &[I32, Ptr, UInt, Int, Hex]),
    s("msgctl", &[I32, I32, Ptr]),
    s("mq_open", &[Str, OpenFlags, Oct, Ptr]),
    s("mq_unlink", &[Str]),
    s("mq_timedsend", &[Fd, Buf(2), UInt, UInt, Ptr]),
    s("mq_timedreceive", &[Fd, Ptr, UInt, Ptr, Ptr]),
    s("mq_notify", &[Fd, Ptr]),
    s("mq_getsetattr", &[Fd, Ptr, Ptr]),
    // sockets
    s("socket", &[I32, Hex, I32]),
    s("socketpair", &[I32, Hex, I32, Ptr]),
    s("bind", &[Fd, Ptr, UInt]),
    s("connect", &[Fd, Ptr, UInt]),
    s("listen", &[Fd, I32]),
    s("accept", &[Fd, Ptr, Ptr]),
    s("accept4", &[Fd, Ptr, Ptr, Hex]),
    s("getsockname", &[Fd, Ptr, Ptr]),
    s("getpeername", &[Fd, Ptr, Ptr]),
    s("shutdown", &[Fd, I32]),
    s("sendto", &[Fd, Buf(2), UInt, Hex, Ptr, UInt]),
    s("recvfrom", &[Fd, Ptr, UInt, Hex, Ptr, Ptr]),
    s("sendmsg", &[Fd, Ptr, Hex]),
    s("recvmsg", &[Fd, Ptr, Hex]),
    s("sendmmsg", &[Fd, Ptr, UInt, Hex]),
    s("recvmmsg", &[Fd, Ptr, UInt, Hex, Ptr]),
    s("setsockopt", &[Fd, I32, I32, Ptr, UInt]),
    s("getsockopt", &[Fd, I32, I32, Ptr, Ptr]),
    // clocks and timers
    s("clock_settime", &[I32, Ptr]),
    s("settimeofday", &[Ptr, Ptr]),
    s("adjtimex", &[Ptr]),
    s("clock_adjtime", &[I32, Ptr]),
    s("getitimer", &[I32, Ptr]),
    s("setitimer", &[I32, Ptr, Ptr]),
    s("timer_create", &[I32, Ptr, Ptr]),
    s("timer_settime", &[I32, Hex, Ptr, Ptr]),
    s("timer_gettime", &[I32, Ptr]),
    s("timer_getoverrun", &[I32]),
    s("timer_delete", &[I32]),
    // system administration
    s("mount", &[Str, Str, Str, Hex, Ptr]),
    s("umount2", &[Str, Hex]),
    s("pivot_root", &[Str, Str]),
    s("open_tree", &[DirFd, Str, Hex]),
    s("move_mount", &[DirFd, Str, DirFd, Str, Hex]),
    s("fsopen", &[Str, Hex]),
    s("fsconfig", &[Fd, I32, Str, Ptr, I32]),
    s("fsmount", &[Fd, Hex, Hex]),
    s("fspick", &[DirFd, Str, Hex]),
    s("mount_setattr", &[DirFd, Str, Hex, Ptr, UInt]),
    s("statmount", &[Ptr, Ptr, UInt, Hex]),
    s("listmount", &[Ptr, Ptr, UInt, Hex]),
    s("sethostname", &[Buf(1), UInt]),
    s("setdomainname", &[Buf(1), UInt]),
    s("syslog", &[I32, Ptr, I32]),
    s("acct", &[Str]),
    s("swapon", &[Str, Hex]),
    s("swapoff", &[Str]),
    s("vhangup", &[]),
    s("landlock_create_ruleset", &[Ptr, UInt, Hex]),
    s("landlock_add_rule", &[Fd, I32, Ptr, Hex]),
    s("landlock_restrict_self", &[Fd, Hex]),
    s("lsm_get_self_attr", &[UInt, Ptr, Ptr, Hex]),
    s("lsm_set_self_attr", &[UInt, Ptr, UInt, Hex]),
    s("lsm_list_modules", &[Ptr, Ptr, Hex]),
];

/// The row for a syscall name.
pub fn lookup(name: &str) -> Option<&'static Sig> {
    SIGS.iter().find(|s| s.name == name)
}

/// Longest string shown before "...".
const STR_MAX: usize = 32;

/// Quote bytes like strace: printable ASCII as is, C escapes, else \xNN.
pub fn quote(b: &[u8], truncated: bool) -> String {
    let mut out = String::from("\"");
    for &c in b {
        match c {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            0x20..=0x7e => out.push(c as char),
            _ => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push('"');
    if truncated {
        out.push_str("...");
    }
    out
}

fn ptr(v: u64) -> String {
    if v == 0 {
        "NULL".into()
    } else {
        format!("{v:#x}")
    }
}

fn fmt_arg(abi: &Abi, mem: &GuestMem, kind: Arg, v: u64, args: &[u64; 6]) -> String {
    match kind {
        Int => (v as i64).to_string(),
        I32 | Fd => (v as u32 as i32).to_string(),
        UInt => v.to_string(),
        Ptr => ptr(v),
        Hex => format!("{v:#x}"),
        DirFd => {
            if v as u32 as i32 == -100 {
                "AT_FDCWD".into()
            } else {
                (v as u32 as i32).to_string()
            }
        }
        Str => {
            if v == 0 {
                return "NULL".into();
            }
            match mem.read_cstr(v, 4096) {
                Ok(b) => {
                    let t = b.len() > STR_MAX;
                    quote(&b[..b.len().min(STR_MAX)], t)
                }
                Err(_) => ptr(v),
            }
        }
        Buf(i) => {
            let len = args.get(i).copied().unwrap_or(0);
            let n = len.min(STR_MAX as u64) as usize;
            let mut b = vec![0u8; n];
            match mem.read(v, &mut b) {
                Ok(()) => quote(&b, len > STR_MAX as u64),
                Err(_) => ptr(v),
            }
        }
        Oct => {
            let v = v as u32;
            if v == 0 {
                "0".into()
            } else {
                format!("0{v:o}")
            }
        }
        OpenFlags => flags::open_flags_str(abi, v as u32),
        Prot => flags::prot_str(v as u32),
        MapFlags => flags::map_str(v as u32),
    }
}

/// `name(arg, arg, ...)` for a call, decoded per its row (raw hex without a row).
pub fn format_call(abi: &Abi, mem: &GuestMem, nr: u64, name: &str, sig: Option<&Sig>, args: &[u64; 6]) -> String {
    let name = if name.is_empty() { format!("syscall_{nr}") } else { name.to_string() };
    let parts: Vec<String> = match sig {
        Some(sig) => sig.args.iter().zip(args.iter()).map(|(&k, &v)| fmt_arg(abi, mem, k, v, args)).collect(),
        None => args.iter().map(|v| format!("{v:#x}")).collect(),
    };
    format!("{name}({})", parts.join(", "))
}

/// ` = 3`, ` = 0x7f00` or ` = -1 ENOENT (No such file or directory)`.
pub fn format_result(abi: &Abi, sig: Option<&Sig>, ret: i64) -> String {
    if (-4095..0).contains(&ret) {
        let (name, desc) = errno::name(abi, -ret as i32);
        return format!(" = -1 {name} ({desc})");
    }
    match sig.map_or(Ret::Int, |s| s.ret) {
        Ret::Int => format!(" = {ret}"),
        Ret::Hex => format!(" = {ret:#x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linux::convert::aarch64::ABI;
    use crate::mem::{mapflags, PROT_READ, PROT_WRITE};

    #[test]
    fn formats_calls_and_results() {
        let mem = GuestMem::new_identity();
        let a = mem.mmap(0, 4096, PROT_READ | PROT_WRITE, mapflags::MAP_PRIVATE | mapflags::MAP_ANONYMOUS, -1, 0, None).unwrap();
        mem.write(a, b"/etc/passwd\0").unwrap();
        mem.write(a + 100, b"hello\n").unwrap();
        mem.write(a + 200, &[b'x'; 40]).unwrap();
        let args = [(-100i64) as u64, a, 0o2000000, 0, 0, 0];
        let c = format_call(&ABI, &mem, 56, "openat", lookup("openat"), &args);
        assert_eq!(c, "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC, 0)");
        let c = format_call(&ABI, &mem, 64, "write", lookup("write"), &[1, a + 100, 6, 0, 0, 0]);
        assert_eq!(c, "write(1, \"hello\\n\", 6)");
        let c = format_call(&ABI, &mem, 64, "write", lookup("write"), &[1, a + 200, 40, 0, 0, 0]);
        assert_eq!(c, format!("write(1, \"{}\"..., 40)", "x".repeat(32)));
        let c = format_call(&ABI, &mem, 222, "mmap", lookup("mmap"), &[0, 8192, 3, 0x22, u32::MAX as u64, 0]);
        assert_eq!(c, "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0x0)");
        // Bad pointer: shown as hex, no crash.
        let c = format_call(&ABI, &mem, 56, "openat", lookup("openat"), &[3, 0x10, 0, 0, 0, 0]);
        assert_eq!(c, "openat(3, 0x10, O_RDONLY, 0)");
        let c = format_call(&ABI, &mem, 1000, "", None, &[1, 2, 3, 4, 5, 6]);
        assert_eq!(c, "syscall_1000(0x1, 0x2, 0x3, 0x4, 0x5, 0x6)");
        assert_eq!(format_result(&ABI, lookup("openat"), 3), " = 3");
        assert_eq!(format_result(&ABI, lookup("openat"), -2), " = -1 ENOENT (No such file or directory)");
        assert_eq!(format_result(&ABI, lookup("mmap"), 0x7f0000), " = 0x7f0000");
        mem.munmap(a, 4096).unwrap();
    }

    #[test]
    fn quoting() {
        assert_eq!(quote(b"a\"b\\\x01", false), "\"a\\\"b\\\\\\x01\"");
    }
}
