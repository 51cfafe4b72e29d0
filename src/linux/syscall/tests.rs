//! Dispatch-level tests: a guest process without a loaded program, syscalls made by setting
//! the argument registers and calling `dispatch`.

use super::dispatch;
use crate::guest::aarch64::state::xreg;
use crate::guest::aarch64::AARCH64;
use crate::guest::{CpuState, GuestArch};
use crate::linux::{Flow, Process};
use crate::mem::{mapflags, GuestMem, PROT_READ, PROT_WRITE};

struct T {
    p: Process,
    cpu: CpuState,
    buf: u64,
}

impl T {
    fn new() -> T {
        let mem = GuestMem::new_identity();
        let buf = mem.mmap(0, 0x4000, PROT_READ | PROT_WRITE, mapflags::MAP_PRIVATE | mapflags::MAP_ANONYMOUS, -1, 0, None).unwrap();
        let p = Process { arch: &AARCH64, mem, sysroot: None, overlay: Default::default(), exe: "/bin/true".into(), strace: false, cpu_model: String::new(), launch: Default::default(), vdso: None, sigreturn: None };
        let cpu = CpuState::new(AARCH64.state_size());
        // The signal calls work on the calling thread's guest signal state (kept for the
        // thread's life: the state's buffer lives as long as `T`, and each test thread makes
        // one `T`).
        let sig: &'static crate::linux::signal::SigThread = Box::leak(crate::linux::signal::SigThread::new(0));
        sig.attach(cpu.exit_flag(crate::guest::exit_flag_offset(AARCH64.state_size())));
        T { p, cpu, buf }
    }
    fn call(&mut self, nr: u64, args: &[u64]) -> i64 {
        self.cpu.write_u64(xreg(8), nr);
        for (i, &a) in args.iter().enumerate() {
            self.cpu.write_u64(xreg(i as u32), a);
        }
        assert_eq!(dispatch(&self.p, &mut self.cpu), Flow::Continue);
        self.cpu.read_u64(xreg(0)) as i64
    }
    fn put_str(&self, off: u64, s: &str) -> u64 {
        let mut b = s.as_bytes().to_vec();
        b.push(0);
        self.p.mem.write(self.buf + off, &b).unwrap();
        self.buf + off
    }
    fn u32(&self, addr: u64) -> u32 {
        self.p.mem.read_u32(addr).unwrap()
    }
}

const AT_FDCWD: u64 = -100i64 as u64;
const EFAULT: i64 = -14;

#[test]
fn pipe_write_read_and_efault() {
    let mut t = T::new();
    let fds = t.buf;
    assert_eq!(t.call(59, &[fds, 0]), 0); // pipe2
    let (r, w) = (t.u32(fds) as u64, t.u32(fds + 4) as u64);
    let msg = t.put_str(0x100, "hello");
    assert_eq!(t.call(64, &[w, msg, 5]), 5); // write
    assert_eq!(t.call(64, &[w, 0x10, 5]), EFAULT); // bad buffer
    assert_eq!(t.call(63, &[r, t.buf + 0x200, 16]), 5); // read
    let mut b = [0u8; 5];
    t.p.mem.read(t.buf + 0x200, &mut b).unwrap();
    assert_eq!(&b, b"hello");
    assert_eq!(t.call(63, &[r, 0xdead_0000, 16]), EFAULT);
    assert_eq!(t.call(59, &[0x10, 0]), EFAULT); // pipe2 to a bad pointer
    assert_eq!(t.call(57, &[r]), 0);
    assert_eq!(t.call(57, &[w]), 0);
}

#[test]
fn openat_flags_are_translated() {
    let mut t = T::new();
    let missing = t.put_str(0, "/nonexistent/ruser-test");
    assert_eq!(t.call(56, &[AT_FDCWD, missing, 0, 0]), -2); // ENOENT
    assert_eq!(t.call(56, &[AT_FDCWD, 0x10, 0, 0]), EFAULT);
    // arm64 O_DIRECTORY (0x4000) on a regular file: ENOTDIR, proving the translation.
    let file = t.put_str(0x100, "/proc/self/status");
    assert_eq!(t.call(56, &[AT_FDCWD, file, 0x4000, 0]), -20);
    let root = t.put_str(0x200, "/");
    let fd = t.call(56, &[AT_FDCWD, root, 0x4000 | 0o2000000, 0]);
    assert!(fd >= 0);
    // F_GETFL gives back the guest's O_DIRECTORY bit... the kernel does not report it, but
    // O_LARGEFILE (set by the host kernel on 64-bit) must come back as arm64's 0x20000.
    let fl = t.call(25, &[fd as u64, 3, 0]) as u32;
    assert_eq!(fl & 0x8000, 0, "host O_LARGEFILE leaked: {fl:#x}");
    assert_eq!(fl & 0x20000, 0x20000, "O_LARGEFILE not translated: {fl:#x}");
    assert_eq!(fl & 3, 0);
    // newfstatat on the fd: mode at offset 16 of the 128-byte arm64 stat says directory.
    let empty = t.put_str(0x300, "");
    assert_eq!(t.call(79, &[fd as u64, empty, t.buf + 0x400, 0x1000]), 0);
    assert_eq!(t.u32(t.buf + 0x400 + 16) & 0o170000, 0o040000);
    assert_eq!(t.call(80, &[fd as u64, t.buf + 0x600]), 0); // fstat
    assert_eq!(t.u32(t.buf + 0x600 + 16) & 0o170000, 0o040000);
    assert_eq!(t.call(80, &[fd as u64, 0x10]), EFAULT);
    assert_eq!(t.call(57, &[fd as u64]), 0);
}

#[test]
fn readlink_proc_self_exe_is_the_guest() {
    let mut t = T::new();
    let path = t.put_str(0, "/proc/self/exe");
    let n = t.call(78, &[AT_FDCWD, path, t.buf + 0x100, 256]);
    let want = std::fs::canonicalize("/bin/true").unwrap();
    let mut b = vec![0u8; n as usize];
    t.p.mem.read(t.buf + 0x100, &mut b).unwrap();
    assert_eq!(std::path::Path::new(std::str::from_utf8(&b).unwrap()), want);
}

#[test]
fn uname_says_aarch64() {
    let mut t = T::new();
    assert_eq!(t.call(160, &[t.buf]), 0);
    let mut b = [0u8; 8];
    t.p.mem.read(t.buf + 4 * 65, &mut b).unwrap();
    assert_eq!(&b, b"aarch64\0");
    assert_eq!(t.call(160, &[0]), EFAULT);
}

#[test]
fn sigaction_returns_old_action() {
    let mut t = T::new();
    let (act, old) = (t.buf, t.buf + 0x100);
    for (i, v) in [0x4000u64, 0x0400_0000, 0x5000, (1 << 8) | 1].iter().enumerate() {
        t.p.mem.write_u64(act + 8 * i as u64, *v).unwrap();
    }
    assert_eq!(t.call(134, &[10, act, 0, 8]), 0);
    assert_eq!(t.call(134, &[10, 0, old, 8]), 0);
    assert_eq!(t.p.mem.read_u64(old).unwrap(), 0x4000);
    assert_eq!(t.p.mem.read_u64(old + 24).unwrap(), 1); // SIGKILL cannot be masked
    assert_eq!(t.call(134, &[9, act, 0, 8]), -22); // SIGKILL: EINVAL
    assert_eq!(t.call(134, &[10, act, 0, 16]), -22); // bad sigsetsize
    // rt_sigprocmask: block, read back.
    t.p.mem.write_u64(act, 1 << 1).unwrap();
    assert_eq!(t.call(135, &[0, act, 0, 8]), 0);
    assert_eq!(t.call(135, &[0, 0, old, 8]), 0);
    assert_eq!(t.p.mem.read_u64(old).unwrap() & 2, 2);
}

#[test]
fn unknown_and_unimplemented_give_enosys() {
    let mut t = T::new();
    assert_eq!(t.call(244, &[]), -38);
    assert_eq!(t.call(5000, &[]), -38);
    assert_eq!(t.call(293, &[]), -38); // rseq
}

#[test]
fn exit_group_stops_with_low_byte() {
    let mut t = T::new();
    t.cpu.write_u64(xreg(8), 94);
    t.cpu.write_u64(xreg(0), 0x1234);
    assert_eq!(dispatch(&t.p, &mut t.cpu), Flow::Exit(0x34));
}

#[test]
fn clocks_and_ids() {
    let mut t = T::new();
    assert_eq!(t.call(113, &[1, t.buf]), 0); // clock_gettime(CLOCK_MONOTONIC)
    assert!(t.p.mem.read_u64(t.buf).unwrap() > 0 || t.p.mem.read_u64(t.buf + 8).unwrap() > 0);
    assert_eq!(t.call(113, &[1, 0x10]), EFAULT);
    assert_eq!(t.call(172, &[]), std::process::id() as i64); // getpid
    assert_eq!(t.call(96, &[t.buf]), unsafe { libc::gettid() } as i64); // set_tid_address
    assert_eq!(t.call(261, &[0, 7, 0, t.buf]), 0); // prlimit64(RLIMIT_NOFILE)
    assert!(t.p.mem.read_u64(t.buf).unwrap() > 0);
    assert_eq!(t.call(278, &[t.buf, 16, 0]), 16); // getrandom
}

#[test]
fn ppoll_and_statfs() {
    let mut t = T::new();
    let fds = t.buf;
    assert_eq!(t.call(59, &[fds, 0]), 0);
    let (r, w) = (t.u32(fds), t.u32(fds + 4));
    let msg = t.put_str(0x100, "x");
    assert_eq!(t.call(64, &[w as u64, msg, 1]), 1);
    // struct pollfd { int fd; short events; short revents; } with POLLIN.
    let pfd = t.buf + 0x200;
    t.p.mem.write_u32(pfd, r).unwrap();
    t.p.mem.write_u32(pfd + 4, 1).unwrap();
    let ts = t.buf + 0x300; // zero timeout
    t.p.mem.write(ts, &[0; 16]).unwrap();
    assert_eq!(t.call(73, &[pfd, 1, ts, 0, 8]), 1);
    assert_eq!(t.u32(pfd + 4) >> 16, 1); // revents = POLLIN
    assert_eq!(t.call(73, &[0x10, 1, ts, 0, 8]), EFAULT);
    let root = t.put_str(0x400, "/");
    assert_eq!(t.call(43, &[root, t.buf + 0x500]), 0); // statfs
    assert!(t.p.mem.read_u64(t.buf + 0x500 + 8).unwrap() > 0); // f_bsize
    t.call(57, &[r as u64]);
    t.call(57, &[w as u64]);
}

#[test]
fn ruser_fds_are_refused_to_the_guest() {
    let mut t = T::new();
    let f = crate::hostfd::hide_file(std::fs::File::open("/dev/null").unwrap());
    let own = std::os::fd::AsRawFd::as_raw_fd(&f) as u64;
    const EBADF: i64 = -9;
    assert_eq!(t.call(57, &[own]), EBADF); // close
    assert_eq!(t.call(24, &[1, own, 0]), EBADF); // dup3 onto it
    assert_eq!(t.call(23, &[own]), EBADF); // dup of it
    assert_eq!(t.call(25, &[own, 1, 0]), EBADF); // fcntl(F_GETFD)
    assert_eq!(t.call(63, &[own, t.buf, 1]), EBADF); // read
    // close_range over it closes the guest's fds in the range and leaves it open. (Far above
    // the fds other tests of this process open, so nothing of theirs is in the range.)
    let (a, b) = (own as i32 - 101, own as i32 - 100);
    assert_eq!(unsafe { libc::dup2(1, a) }, a);
    assert_eq!(unsafe { libc::dup2(1, b) }, b);
    assert_eq!(t.call(436, &[a as u64, own, 0]), 0);
    assert_eq!(unsafe { libc::fcntl(own as i32, libc::F_GETFD) }, libc::FD_CLOEXEC, "ruser's fd survived");
    assert_eq!(unsafe { libc::fcntl(a, libc::F_GETFD) }, -1, "the guest's fds in the range were closed");
    assert_eq!(unsafe { libc::fcntl(b, libc::F_GETFD) }, -1, "the guest's fds in the range were closed");
    crate::hostfd::forget(own as i32);
}

#[test]
fn epoll_events_use_the_guest_layout() {
    let mut t = T::new();
    let fds = t.buf;
    assert_eq!(t.call(59, &[fds, 0]), 0); // pipe2
    let (r, w) = (t.u32(fds) as u64, t.u32(fds + 4) as u64);
    let ep = t.call(20, &[0]) as u64; // epoll_create1
    // struct epoll_event on arm64: events at 0, data at 8 (16 bytes).
    let ev = t.buf + 0x100;
    t.p.mem.write_u32(ev, 1).unwrap(); // EPOLLIN
    t.p.mem.write_u32(ev + 4, 0xdead_beef).unwrap(); // padding: ignored
    t.p.mem.write_u64(ev + 8, 0x1122_3344_5566_7788).unwrap();
    assert_eq!(t.call(21, &[ep, 1, r, ev]), 0); // EPOLL_CTL_ADD
    let msg = t.put_str(0x180, "x");
    assert_eq!(t.call(64, &[w, msg, 1]), 1);
    let out = t.buf + 0x200;
    t.p.mem.write(out, &[0xa5; 48]).unwrap();
    assert_eq!(t.call(22, &[ep, out, 3, 0, 0, 8]), 1); // epoll_pwait
    assert_eq!(t.u32(out), 1);
    assert_eq!(t.p.mem.read_u64(out + 8).unwrap(), 0x1122_3344_5566_7788);
    assert_eq!(t.u32(out + 16), 0xa5a5_a5a5, "only one 16-byte event written");
    assert_eq!(t.call(22, &[ep, out, 0, 0, 0, 8]), -22); // maxevents 0
    assert_eq!(t.call(22, &[ep, out, 3, 0, t.buf, 4]), -22); // sigsetsize 4
    for fd in [r, w, ep] {
        t.call(57, &[fd]);
    }
}

#[test]
fn every_syscall_without_a_handler_is_enosys_and_strace_shows_it() {
    let abi = &crate::linux::convert::aarch64::ABI;
    let tab = super::table_for(abi);
    let mut t = T::new();
    for (nr, e) in tab.entries.iter().enumerate() {
        if e.name.is_empty() || e.handler.is_some() {
            continue;
        }
        assert!(super::unimplemented::is_listed(e.name));
        assert_eq!(t.call(nr as u64, &[0, 0, 0, 0, 0, 0]), -38, "{} must return ENOSYS", e.name);
        let line = crate::linux::strace::format_call(abi, &t.p.mem, nr as u64, e.name, e.sig, &[1, 2, 3, 4, 5, 6]);
        assert!(line.starts_with(&format!("{}(", e.name)), "{line}");
    }
}

/// Scheduling, task-context and prctl calls (`sched.rs`, `task.rs`, `prctl.rs`).
#[path = "tests_task.rs"]
mod task;
