//! `-g PORT`, the GDB remote stub: gdb-multiarch in batch mode debugs
//! testbins/aarch64/gdb_target (built with its symbols) under `ruser-aarch64 -g`,
//! on every backend, and the tests check what gdb printed and what the program did:
//! breakpoints (by symbol and by address) at the addresses the ELF symbol table gives,
//! continue, stepi, reading and writing registers (a register write changes the
//! program's result) and memory (a bad address is an error reply, not a crash), a
//! guest fault and abort() reported as signals before they kill the program, the
//! exit status (W), detach and kill, Ctrl-C, the program found without `file`, a dynamic
//! program and its libraries, whole programs through the debugger's dispatcher. Also the
//! option's and its variable's errors.
//!
//! gdb-multiarch is required under CI (scripts/test.sh installs it).

mod common;

use common::*;
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PROG: &str = "gdb_target";

/// Address of `name` in the test program's symbol table.
fn symbol(name: &str) -> u64 {
    let bytes = std::fs::read(testbin(PROG)).expect("read gdb_target");
    let elf = goblin::elf::Elf::parse(&bytes).expect("parse gdb_target");
    elf.syms
        .iter()
        .find(|s| elf.strtab.get_at(s.st_name) == Some(name))
        .map(|s| s.st_value)
        .unwrap_or_else(|| panic!("no symbol {name} in {PROG} (it must not be stripped)"))
}

/// A free TCP port on 127.0.0.1 (the kernel's choice; the emulator binds it right after).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// Whether a connection to 127.0.0.1:`port` is established (gdb connected to the stub).
fn connected(port: u16) -> bool {
    let tcp = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    let want = format!("0100007F:{port:04X}");
    tcp.lines().skip(1).any(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        f.len() > 3 && f[1] == want && f[3] == "01"
    })
}

/// Whether something listens on 127.0.0.1:`port` (from /proc/net/tcp, without connecting:
/// the stub takes one connection only).
fn listening(port: u16) -> bool {
    let tcp = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    let want = format!("0100007F:{port:04X}");
    tcp.lines().skip(1).any(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        f.len() > 3 && f[1] == want && f[3] == "0A"
    })
}

/// The emulator under -g, in its own process group, killed with the group when dropped
/// (so that a failing test leaves nothing behind).
struct Emu {
    child: Child,
    port: u16,
}

impl Drop for Emu {
    fn drop(&mut self) {
        unsafe {
            libc_kill(-(self.child.id() as i32), 9);
        }
        let _ = self.child.wait();
    }
}

extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, sig: i32) -> i32;
}

/// What the emulator did once gdb was done.
struct Finished {
    stdout: String,
    stderr: String,
    code: Option<i32>,
    signal: Option<i32>,
}

impl Emu {
    /// Start `ruser-aarch64 --backend BACKEND -g PORT gdb_target ARGS` (the port through
    /// RUSER_GDB_PORT when `env_var`) and wait until it listens.
    fn start(backend: &str, args: &[&str], env_var: bool) -> Emu {
        Emu::start_prog(PROG, backend, args, env_var)
    }

    /// The same for another test program.
    fn start_prog(prog: &str, backend: &str, args: &[&str], env_var: bool) -> Emu {
        Emu::start_with(prog, &["--backend", backend], args, env_var)
    }

    /// The same with other emulator options.
    fn start_with(prog: &str, opts: &[&str], args: &[&str], env_var: bool) -> Emu {
        for _attempt in 0..5 {
            let port = free_port();
            let mut cmd = emu_command(&ruser_aarch64());
            cmd.args(opts);
            if env_var {
                cmd.env("RUSER_GDB_PORT", port.to_string());
            } else {
                cmd.arg("-g").arg(port.to_string());
            }
            cmd.arg(testbin(prog)).args(args);
            cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).process_group(0);
            let child = cmd.spawn().expect("start ruser-aarch64");
            let mut emu = Emu { child, port };
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(20) {
                if listening(port) {
                    return emu;
                }
                if let Ok(Some(_)) = emu.child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            let mut err = String::new();
            if let Some(mut e) = emu.child.stderr.take() {
                if let Ok(Some(_)) = emu.child.try_wait() {
                    let _ = e.read_to_string(&mut err);
                }
            }
            // Another process took the port between `free_port` and the bind: try another.
            assert!(err.contains("cannot listen"), "ruser -g {port} did not listen: {err}");
        }
        panic!("no free port for ruser -g after 5 attempts");
    }

    /// Wait (at most 30 s) for the emulator to end, and collect its output.
    fn finish(mut self) -> Finished {
        let start = Instant::now();
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("wait") {
                break s;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "the emulator did not end after gdb was done");
            std::thread::sleep(Duration::from_millis(10));
        };
        let (mut stdout, mut stderr) = (String::new(), String::new());
        if let Some(mut o) = self.child.stdout.take() {
            let _ = o.read_to_string(&mut stdout);
        }
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut stderr);
        }
        for m in PANIC_MARKERS {
            assert!(!stderr.contains(m), "the emulator panicked:\n{stderr}");
        }
        assert!(!stderr.contains("internal error"), "the emulator failed:\n{stderr}");
        Finished { stdout, stderr, code: status.code(), signal: status.signal() }
    }
}

/// Run gdb-multiarch in batch mode on the test program against `emu`, with `commands`
/// (each an -ex); its whole output (stdout and stderr).
fn gdb(emu: &Emu, commands: &[&str]) -> String {
    gdb_on(PROG, emu, commands)
}

/// `gdb` for another test program.
fn gdb_on(prog: &str, emu: &Emu, commands: &[&str]) -> String {
    gdb_with(&[&format!("file {}", Path::new(&testbin(prog)).display())], emu, commands)
}

/// `gdb` with `before` run before it connects (no `file` unless there).
fn gdb_with(before: &[&str], emu: &Emu, commands: &[&str]) -> String {
    let mut cmd = Command::new("gdb-multiarch");
    cmd.args(["-nx", "-batch", "-ex", "set architecture aarch64", "-ex", "set confirm off"]);
    for c in before {
        cmd.arg("-ex").arg(c);
    }
    cmd.arg("-ex").arg(format!("target remote 127.0.0.1:{}", emu.port));
    for c in commands {
        cmd.arg("-ex").arg(c);
    }
    let out = run_with_timeout(&mut cmd, None, Duration::from_secs(60));
    assert!(!out.timed_out, "gdb timed out:\n{}{}", out.stdout_str(), out.stderr_str());
    format!("{}{}", out.stdout_str(), out.stderr_str())
}

/// `gdb` with a Ctrl-C: SIGINT to gdb (which sends it on as the protocol's interrupt) once
/// it has been connected for a while, that is, once its first `continue` runs.
fn gdb_with_ctrl_c(emu: &Emu, commands: &[&str]) -> String {
    let dir = TempDir::new("gdb");
    let (out_path, err_path) = (dir.join("out"), dir.join("err"));
    let mut cmd = Command::new("gdb-multiarch");
    cmd.args(["-nx", "-batch", "-ex", "set architecture aarch64", "-ex", "set confirm off"]);
    cmd.arg("-ex").arg(format!("file {}", Path::new(&testbin(PROG)).display()));
    cmd.arg("-ex").arg(format!("target remote 127.0.0.1:{}", emu.port));
    for c in commands {
        cmd.arg("-ex").arg(c);
    }
    cmd.stdin(Stdio::null());
    cmd.stdout(std::fs::File::create(&out_path).expect("gdb stdout"));
    cmd.stderr(std::fs::File::create(&err_path).expect("gdb stderr"));
    let mut child = cmd.spawn().expect("start gdb-multiarch");
    let start = Instant::now();
    while !connected(emu.port) && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(10));
    }
    // The guest spins once gdb has continued it: wait for a third of a second of its CPU
    // time (however loaded the machine is), then a little more.
    let base = cpu_ticks(emu.child.id());
    while cpu_ticks(emu.child.id()) < base + 30 && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    unsafe {
        libc_kill(child.id() as i32, 2);
    }
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait for gdb") {
            break Some(s);
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let out = format!("{}{}", std::fs::read_to_string(&out_path).unwrap_or_default(), std::fs::read_to_string(&err_path).unwrap_or_default());
    assert!(status.is_some(), "gdb timed out:\n{out}");
    out
}

/// CPU time (user and system, in clock ticks) of process `pid`.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name (which is in parentheses): utime is the 14th field.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let field = |n: usize| f.get(n - 3).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    field(14) + field(15)
}

fn have_gdb(test: &str) -> bool {
    require_tool("gdb-multiarch", test)
}

fn assert_has(out: &str, want: &str, what: &str) {
    assert!(out.contains(want), "{what}: expected {want:?} in gdb's output:\n{out}");
}

/// The value gdb printed for `p $pc` as `$N = (...) 0xADDR <...>`, the N-th such line.
fn printed_pcs(out: &str) -> Vec<u64> {
    out.lines()
        .filter(|l| l.starts_with('$') && l.contains(" = (void (*)()) 0x"))
        .filter_map(|l| l.split("0x").nth(1)?.split_whitespace().next().and_then(|h| u64::from_str_radix(h, 16).ok()))
        .collect()
}

/// break main and break *compute, continue to each, stepi, read registers and memory,
/// then continue to the exit: the status gdb reports is the program's.
#[test]
fn breakpoints_step_registers_and_exit() {
    if !have_gdb("breakpoints_step_registers_and_exit") {
        return;
    }
    let compute = symbol("compute");
    let main = symbol("main");
    for backend in BACKENDS {
        let emu = Emu::start(backend, &[], false);
        let out = gdb(
            &emu,
            &[
                "break main",
                &format!("break *{compute:#x}"),
                "continue",
                "p $pc",
                "continue",
                "p $pc",
                "p/x $x0",
                "stepi",
                "p $pc",
                "info registers",
                "p $v0",
                "p $fpsr",
                "x/4xb $sp",
                "continue",
            ],
        );
        let what = format!("backend {backend}");
        // gdb puts a breakpoint on main after its prologue, in main.
        assert_has(&out, "Breakpoint 1, 0x", &what);
        let pcs = printed_pcs(&out);
        assert_eq!(pcs.len(), 3, "{what}: three `p $pc` values in:\n{out}");
        assert!(pcs[0] > main && pcs[0] < main + 0x40, "{what}: main's breakpoint at {:#x} (main at {main:#x})", pcs[0]);
        assert_has(&out, &format!("Breakpoint 2, {compute:#018x} in compute ()"), &what);
        assert_eq!(pcs[1], compute, "{what}: stopped at compute");
        assert_eq!(pcs[2], compute + 4, "{what}: stepi moves on by one instruction");
        for reg in ["x0 ", "x29", "x30", "sp ", "pc ", "cpsr", "fpsr", "fpcr"] {
            assert!(out.lines().any(|l| l.starts_with(reg)), "{what}: no {reg} in `info registers`:\n{out}");
        }
        // At compute, x0 is argc (1).
        assert_has(&out, "$3 = 0x1\n", &what);
        assert_has(&out, "u = {0, 0}", &what);
        assert!(out.lines().any(|l| l.contains(":\t0x")), "{what}: x/4xb $sp shows bytes:\n{out}");
        assert_has(&out, "exited with code 03]", &what);
        let f = emu.finish();
        assert_eq!(f.code, Some(3), "{what}: status; stderr {}", f.stderr);
        assert_eq!(f.stdout, "result 3\n", "{what}");
    }
}

/// Writing x0 at compute's entry changes what it computes (the program prints and exits
/// with 2 * x0 + 1); memory writes and reads round-trip; a read of unmapped memory is an
/// error for gdb and the program runs on.
#[test]
fn register_and_memory_writes() {
    if !have_gdb("register_and_memory_writes") {
        return;
    }
    for backend in BACKENDS {
        let emu = Emu::start(backend, &[], false);
        let out = gdb(
            &emu,
            &[
                "break compute",
                "continue",
                "set var $x0 = 20",
                "p $x0",
                "set var $v1.d.u[0] = 0x1234",
                "p/x $v1.d.u[0]",
                "set var *(int *)&counter = 4321",
                "x/1dw &counter",
                "x/4xb 0",
                "x/2xg 0xffff000000000000",
                "continue",
            ],
        );
        let what = format!("backend {backend}");
        assert_has(&out, "$1 = 20", &what);
        assert_has(&out, "$2 = 0x1234", &what);
        assert_has(&out, "4321", &what);
        assert_has(&out, "Cannot access memory at address 0x0", &what);
        assert_has(&out, "Cannot access memory at address 0xffff000000000000", &what);
        // 2 * 20 + 1 = 41, which gdb prints in octal.
        assert_has(&out, "exited with code 051]", &what);
        let f = emu.finish();
        assert_eq!(f.code, Some(41), "{what}: status; stderr {}", f.stderr);
        assert_eq!(f.stdout, "result 41\n", "{what}");
    }
}

/// A guest fault is reported to gdb as SIGSEGV at the faulting instruction before it is
/// delivered; continuing delivers it and the program dies of it (X packet).
#[test]
fn fault_reported_as_sigsegv() {
    if !have_gdb("fault_reported_as_sigsegv") {
        return;
    }
    let main = symbol("main");
    for backend in BACKENDS {
        let emu = Emu::start(backend, &["segv"], false);
        let out = gdb(&emu, &["continue", "p $pc", "continue"]);
        let what = format!("backend {backend}");
        assert_has(&out, "Program received signal SIGSEGV", &what);
        let pcs = printed_pcs(&out);
        assert!(pcs.len() == 1 && pcs[0] > main && pcs[0] < main + 0x100, "{what}: the fault is in main:\n{out}");
        assert_has(&out, "Program terminated with signal SIGSEGV", &what);
        let f = emu.finish();
        assert_eq!(f.signal, Some(11), "{what}: the emulator dies of SIGSEGV (status {:?})", f.code);
    }
}

/// abort()'s SIGABRT is reported before it is acted on.
#[test]
fn abort_reported_as_sigabrt() {
    if !have_gdb("abort_reported_as_sigabrt") {
        return;
    }
    for backend in BACKENDS {
        let emu = Emu::start(backend, &["abort"], false);
        let out = gdb(&emu, &["continue", "continue"]);
        let what = format!("backend {backend}");
        assert_has(&out, "Program received signal SIGABRT", &what);
        assert_has(&out, "Program terminated with signal SIGABRT", &what);
        let f = emu.finish();
        assert_eq!(f.signal, Some(6), "{what}: the emulator dies of SIGABRT (status {:?})", f.code);
    }
}

/// `detach` at a breakpoint lets the program run on to its end; the port comes from
/// RUSER_GDB_PORT here.
#[test]
fn detach_runs_to_completion() {
    if !have_gdb("detach_runs_to_completion") {
        return;
    }
    for backend in BACKENDS {
        let emu = Emu::start(backend, &[], true);
        let out = gdb(&emu, &["break compute", "continue", "detach"]);
        let what = format!("backend {backend}");
        assert_has(&out, "in compute ()", &what);
        assert_has(&out, "detached]", &what);
        let f = emu.finish();
        assert_eq!(f.code, Some(3), "{what}: status; stderr {}", f.stderr);
        assert_eq!(f.stdout, "result 3\n", "{what}");
    }
}

/// `kill` ends the program (as SIGKILL would) without it printing anything.
#[test]
fn kill_ends_the_program() {
    if !have_gdb("kill_ends_the_program") {
        return;
    }
    let emu = Emu::start("jit", &[], false);
    let out = gdb(&emu, &["break compute", "continue", "kill"]);
    assert_has(&out, "in compute ()", "kill");
    let f = emu.finish();
    assert_eq!(f.signal, Some(9), "killed (status {:?})", f.code);
    assert_eq!(f.stdout, "", "nothing printed");
}

/// A program with a second thread runs to its end under gdb, stopping in the first thread.
#[test]
fn threaded_program() {
    if !have_gdb("threaded_program") {
        return;
    }
    for backend in BACKENDS {
        let emu = Emu::start(backend, &["threads"], false);
        let out = gdb(&emu, &["break compute", "continue", "p $x0", "continue"]);
        let what = format!("backend {backend}");
        assert_has(&out, "$1 = 2", &what);
        assert_has(&out, "exited with code 05]", &what);
        let f = emu.finish();
        assert_eq!(f.code, Some(5), "{what}: status; stderr {}", f.stderr);
        assert_eq!(f.stdout, "counter 100000\nresult 5\n", "{what}");
    }
}

/// Bad ports are refused with one line, before anything runs; -g takes a port number only.
#[test]
fn bad_port_values() {
    for (how, value) in [("-g", "abc"), ("-g", "0"), ("-g", "70000"), ("-g", "/tmp/sock"), ("env", "x1")] {
        let mut cmd = emu_command(&ruser_aarch64());
        if how == "env" {
            cmd.env("RUSER_GDB_PORT", value);
        } else {
            cmd.arg(how).arg(value);
        }
        cmd.arg(testbin(PROG));
        let out = run(&mut cmd, None);
        let err = out.stderr_str();
        assert_eq!(out.code, Some(1), "{how} {value}: {}", out.describe_status());
        assert_eq!(err.lines().count(), 1, "{how} {value}: one line: {err}");
        assert!(err.contains(&format!("invalid gdb port '{value}'")), "{how} {value}: {err}");
        assert!(out.stdout.is_empty(), "{how} {value}: nothing ran");
    }
    // A port already taken: one line, status 1.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let out = run(emu_command(&ruser_aarch64()).arg("-g").arg(&port).arg(testbin(PROG)), None);
    let err = out.stderr_str();
    assert_eq!(out.code, Some(1), "port in use: {}", out.describe_status());
    assert_eq!(err.lines().count(), 1, "port in use: one line: {err}");
    assert!(err.contains(&format!("cannot listen for gdb on port {port}")), "port in use: {err}");
    drop(taken);
    // The option is in --help with its variable.
    let out = run(emu_command(&ruser_aarch64()).arg("--help"), None);
    let help = out.stdout_str();
    assert!(help.contains("-g <PORT>") && help.contains("RUSER_GDB_PORT"), "--help shows -g:\n{help}");
}

/// Ctrl-C in gdb (SIGINT to gdb, the interrupt packet to the stub) stops a guest that loops
/// without system calls, both at full speed (no breakpoints) and while breakpoints are set
/// (the one-instruction dispatcher); gdb then ends the loop through memory.
#[test]
fn ctrl_c_interrupts_a_running_guest() {
    if !have_gdb("ctrl_c_interrupts_a_running_guest") {
        return;
    }
    let main = symbol("main");
    for backend in BACKENDS {
        for with_break in [false, true] {
            let emu = Emu::start(backend, &["spin"], false);
            let mut commands = vec![];
            if with_break {
                commands.push("break compute");
            }
            commands.extend(["continue", "p $pc", "set var *(int *)&stop_spinning = 1", "continue"]);
            if with_break {
                commands.extend(["p $pc", "continue"]);
            }
            let out = gdb_with_ctrl_c(&emu, &commands);
            let what = format!("backend {backend}, breakpoint {with_break}");
            assert_has(&out, "Program received signal SIGINT", &what);
            let pcs = printed_pcs(&out);
            assert!(!pcs.is_empty() && pcs[0] > main && pcs[0] < main + 0x200, "{what}: stopped in main's loop:\n{out}");
            if with_break {
                assert_eq!(pcs.get(1), Some(&symbol("compute")), "{what}: then at compute:\n{out}");
            }
            assert_has(&out, "exited with code 05]", &what);
            let f = emu.finish();
            assert_eq!(f.code, Some(5), "{what}: status; stderr {}", f.stderr);
            assert_eq!(f.stdout, "result 5\n", "{what}");
        }
    }
}

/// With a breakpoint that is never reached, the whole program runs on the debugger's
/// dispatcher (its forked children on the normal engine), and signals gdb
/// is told to pass without stopping go through the debugger's stops: programs with fork,
/// vfork and exec, threads, and signals of every kind still print exactly what they must.
#[test]
fn programs_run_unchanged_under_the_debugger() {
    if !have_gdb("programs_run_unchanged_under_the_debugger") {
        return;
    }
    for prog in ["spawn", "pthreads", "sig_rt", "sig_fatal"] {
        let case = load_case(prog);
        assert!(case.args.is_empty() && case.stdin.is_none() && case.env.is_empty(), "{prog} takes no inputs");
        for backend in ["jit", "interp"] {
            let emu = Emu::start_prog(prog, backend, &[], false);
            let out = gdb_on(prog, &emu, &["handle all nostop noprint pass", "break *0x10", "continue"]);
            let what = format!("{prog}, backend {backend}");
            assert_has(&out, "[Inferior 1 (process 1) exited ", &what);
            let f = emu.finish();
            assert_eq!(f.code, Some(case.status), "{what}: status; stderr {}", f.stderr);
            assert_eq!(f.stdout.as_bytes(), &case.stdout[..], "{what}: stdout");
        }
    }
}

/// Without `file`, gdb learns the program from the stub (qXfer:exec-file) and finds its
/// symbols.
#[test]
fn program_found_without_file() {
    if !have_gdb("program_found_without_file") {
        return;
    }
    let emu = Emu::start("jit", &[], false);
    let out = gdb_with(&[], &emu, &["break compute", "continue", "continue"]);
    assert_has(&out, &format!("Breakpoint 1, {:#018x} in compute ()", symbol("compute")), "no file");
    assert_has(&out, "exited with code 03]", "no file");
    let f = emu.finish();
    assert_eq!(f.code, Some(3), "status; stderr {}", f.stderr);
}

/// A dynamically linked, position-independent program (hello_dyn, with -L): gdb relocates
/// it and finds the dynamic linker through the auxiliary vector (qXfer:auxv), follows the
/// libraries it loads, and stops in libc's puts, called from the program.
#[test]
fn dynamic_program_and_its_libraries() {
    if !have_gdb("dynamic_program_and_its_libraries") {
        return;
    }
    let case = load_case("hello_dyn");
    if !case.sysroot_ok("dynamic_program_and_its_libraries") {
        return;
    }
    let sysroot = case.sysroot.clone().expect("hello_dyn has a sysroot");
    let sysroot = sysroot.to_str().expect("sysroot path");
    let file = format!("file {}", testbin("hello_dyn").display());
    let set_sysroot = format!("set sysroot {sysroot}");
    for backend in BACKENDS {
        let emu = Emu::start_with("hello_dyn", &["--backend", backend, "-L", sysroot], &[], false);
        let out = gdb_with(
            &[&file, &set_sysroot, "set breakpoint pending on"],
            &emu,
            &["info auxv", "break puts", "continue", "bt", "info sharedlibrary", "continue"],
        );
        let what = format!("backend {backend}");
        assert_has(&out, "AT_ENTRY", &what);
        assert_has(&out, "in puts () from ", &what);
        assert!(out.lines().any(|l| l.starts_with("#1 ")), "{what}: a backtrace:\n{out}");
        assert!(out.lines().any(|l| l.contains("libc.so.6") && l.contains("Yes")), "{what}: libc's symbols read:\n{out}");
        assert_has(&out, "exited normally]", &what);
        let f = emu.finish();
        assert_eq!(f.code, Some(case.status), "{what}: status; stderr {}", f.stderr);
        assert_eq!(f.stdout.as_bytes(), &case.stdout[..], "{what}: stdout");
    }
}

/// A breakpoint set inside code that already ran (a loop, interrupted with Ctrl-C) stops
/// the program there, in the middle of what was one block: the debugger's dispatcher drops
/// and cuts its translations at breakpoints, on every backend.
#[test]
fn breakpoint_inside_code_that_ran() {
    if !have_gdb("breakpoint_inside_code_that_ran") {
        return;
    }
    for backend in BACKENDS {
        let emu = Emu::start(backend, &["spin"], false);
        let out = gdb_with_ctrl_c(
            &emu,
            &["break compute", "continue", "p $pc", "break *($pc + 8)", "continue", "p $pc", "delete", "set var *(int *)&stop_spinning = 1", "continue"],
        );
        let what = format!("backend {backend}");
        assert_has(&out, "Program received signal SIGINT", &what);
        let pcs = printed_pcs(&out);
        assert_eq!(pcs.len(), 2, "{what}: two `p $pc` values in:\n{out}");
        assert_eq!(pcs[1], pcs[0] + 8, "{what}: stopped at the new breakpoint:\n{out}");
        assert_has(&out, &format!("Breakpoint 2, {:#018x} in main ()", pcs[1]), &what);
        assert_has(&out, "exited with code 05]", &what);
        let f = emu.finish();
        assert_eq!(f.code, Some(5), "{what}: status; stderr {}", f.stderr);
    }
}

/// At a fault's SIGSEGV stop, gdb moves the pc past the faulting store and resumes without
/// the signal (`signal 0`): the program runs on and ends normally.
#[test]
fn fault_skipped_by_the_debugger() {
    if !have_gdb("fault_skipped_by_the_debugger") {
        return;
    }
    for backend in BACKENDS {
        let emu = Emu::start(backend, &["segv"], false);
        let out = gdb(&emu, &["continue", "set var $pc = $pc + 4", "signal 0"]);
        let what = format!("backend {backend}");
        assert_has(&out, "Program received signal SIGSEGV", &what);
        assert_has(&out, "exited with code 05]", &what);
        let f = emu.finish();
        assert_eq!(f.code, Some(5), "{what}: status; stderr {}", f.stderr);
        assert_eq!(f.stdout, "result 5\n", "{what}");
    }
}

/// gdb writes guest code (read-only memory): compute's first instruction becomes
/// `mov w0, #20` in place of the doubling (20 + 1 = 21), and the program runs the new code.
#[test]
fn code_written_by_the_debugger() {
    if !have_gdb("code_written_by_the_debugger") {
        return;
    }
    let compute = symbol("compute");
    for backend in BACKENDS {
        let emu = Emu::start(backend, &[], false);
        let out = gdb(&emu, &["break main", "continue", &format!("set var *(unsigned int *){compute:#x} = 0x52800280"), &format!("x/1xw {compute:#x}"), "continue"]);
        let what = format!("backend {backend}");
        assert_has(&out, ":\t0x52800280", &what);
        assert_has(&out, "exited with code 025]", &what);
        let f = emu.finish();
        assert_eq!(f.code, Some(21), "{what}: status; stderr {}", f.stderr);
        assert_eq!(f.stdout, "result 21\n", "{what}");
    }
}
