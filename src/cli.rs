//! Command line, qemu-user compatible: `ruser-<arch> [OPTIONS] PROGRAM [ARGS...]`.
//!
//! Options may be written with one dash or two (`-strace`, `--strace`), as qemu accepts.
//! Parsing stops at PROGRAM: everything after it goes to the guest untouched.
//!
//! Two other forms: `ruser binfmt ...` (the first argument exactly `binfmt`, no option before
//! it, `ruser` only; a program called binfmt runs as `ruser ./binfmt`), and a start by the
//! kernel through binfmt_misc (see `linux::binfmt::invoke`), where nothing is parsed.

use crate::exec::Backend;
use crate::linux::Config;
use clap::{Arg, ArgAction, ArgMatches, Command};
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;

/// Options that take a value (name without dashes).
const VALUE_OPTS: &[&str] = &["L", "E", "U", "0", "s", "g", "cpu", "d", "D", "backend", "tb-size", "jit-threshold", "execfn", "guest-mask", "seccomp"];
/// Options that take no value.
const FLAG_OPTS: &[&str] = &["strace", "perfmap", "help", "h", "version", "V", "guest-exec", "sigpipe-ignored"];

/// The hidden first option of a ruser that a guest's execve started (`linux::syscall::exec`):
/// its configuration comes from the command line only (its environment is the guest's, and
/// RUSER_* variables there are the guest's business), the guest environment is taken as is,
/// and the -D log file is appended to.
pub const GUEST_EXEC: &str = "--guest-exec";

/// `arg.env(var)`, unless the environment is not ours to read (`GUEST_EXEC`).
fn env(arg: Arg, var: &'static str, use_env: bool) -> Arg {
    if use_env {
        arg.env(var)
    } else {
        arg
    }
}

fn command(bin: &str, use_env: bool) -> Command {
    let e = |a: Arg, v: &'static str| env(a, v, use_env);
    Command::new(bin.to_string().leak() as &str)
        .version(env!("CARGO_PKG_VERSION"))
        .about("Run a Linux program built for another CPU (aarch64) on this x86-64 host.")
        .override_usage(format!("{bin} [OPTIONS] PROGRAM [ARGS...]"))
        .after_help(
            "Every option also has an environment variable (shown in brackets). Options end at PROGRAM;\n\
             everything after it is passed to the guest unchanged.",
        )
        .disable_help_flag(true)
        .disable_version_flag(true)
        .arg(Arg::new("help").short('h').long("help").action(ArgAction::Help).help("Print help"))
        .arg(Arg::new("version").short('V').long("version").action(ArgAction::Version).help("Print version"))
        .arg(e(Arg::new("L").short('L').value_name("PATH"), "RUSER_LD_PREFIX").help("Sysroot for the ELF interpreter and absolute paths"))
        .arg(e(
            Arg::new("E")
                .short('E')
                .value_name("VAR=VALUE")
                .action(ArgAction::Append)
                .value_delimiter(',')
                .help("Set a variable in the guest environment (repeatable)"),
            "RUSER_SET_ENV",
        ))
        .arg(e(
            Arg::new("U")
                .short('U')
                .value_name("VAR")
                .action(ArgAction::Append)
                .value_delimiter(',')
                .help("Remove a variable from the guest environment (repeatable)"),
            "RUSER_UNSET_ENV",
        ))
        .arg(e(Arg::new("0").short('0').value_name("ARGV0"), "RUSER_ARGV0").help("Use ARGV0 as the guest's argv[0]"))
        .arg(e(Arg::new("s").short('s').value_name("SIZE"), "RUSER_STACK_SIZE").help("Guest stack size (suffixes k, M, G) [default: 8M]"))
        .arg(e(
            Arg::new("tb-size")
                .long("tb-size")
                .value_name("SIZE")
                .help("Size of the translated-code cache (suffixes k, M, G) [default: 64M]; flushed when full"),
            "RUSER_TB_SIZE",
        ))
        .arg(e(
            Arg::new("jit-threshold")
                .long("jit-threshold")
                .value_name("N")
                .help("Interpret a block N times before compiling it (0: compile at once) [default: 8 for the first 8000 blocks a thread interprets, then 4]"),
            "RUSER_JIT_THRESHOLD",
        ))
        .arg(e(Arg::new("cpu").long("cpu").value_name("NAME"), "RUSER_CPU").help("CPU model to emulate ('help' lists them)"))
        .arg(e(Arg::new("strace").long("strace").action(ArgAction::SetTrue), "RUSER_STRACE").value_parser(clap::builder::FalseyValueParser::new()).help("Log every system call"))
        .arg(e(
            Arg::new("perfmap")
                .long("perfmap")
                .action(ArgAction::SetTrue)
                .value_parser(clap::builder::FalseyValueParser::new())
                .help("Write /tmp/perf-<pid>.map so that perf names translated guest blocks"),
            "RUSER_PERFMAP",
        ))
        .arg(e(
            Arg::new("g")
                .short('g')
                .value_name("PORT")
                .help("Wait for gdb on TCP port PORT (127.0.0.1) before the first instruction, and let it debug the program"),
            "RUSER_GDB_PORT",
        ))
        .arg(e(Arg::new("d").short('d').value_name("ITEMS"), "RUSER_LOG").help("Enable logging of ITEMS, comma-separated ('help' lists them)"))
        .arg(e(Arg::new("D").short('D').value_name("FILE"), "RUSER_LOG_FILE").help("Write logs to FILE instead of stderr"))
        .arg(e(Arg::new("backend").long("backend").value_name("NAME"), "RUSER_BACKEND").help("Execution backend: jit (default), interp, or crosscheck (runs both and reports the first divergence)"))
        .arg(Arg::new("guest-exec").long("guest-exec").action(ArgAction::SetTrue).hide(true))
        .arg(Arg::new("sigpipe-ignored").long("sigpipe-ignored").action(ArgAction::SetTrue).hide(true))
        .arg(Arg::new("guest-mask").long("guest-mask").value_name("HEX").hide(true))
        .arg(Arg::new("seccomp").long("seccomp").value_name("FILTERS").hide(true))
        .arg(Arg::new("execfn").long("execfn").value_name("PATH").value_parser(clap::value_parser!(OsString)).hide(true))
        .arg(Arg::new("program").value_name("PROGRAM").value_parser(clap::value_parser!(OsString)).help("Guest program to run"))
        .arg(
            Arg::new("args")
                .value_name("ARGS")
                .num_args(0..)
                .trailing_var_arg(true)
                .allow_hyphen_values(true)
                .value_parser(clap::value_parser!(OsString))
                .help("Arguments for the guest program"),
        )
        // `normalise` gives every option that takes a value the next argument, whatever it
        // looks like: a login shell's argv[0] is "-bash" (`-0 -bash`).
        .mut_args(|a| if a.get_long().is_some() || a.get_short().is_some() { if a.get_action().takes_values() { a.allow_hyphen_values(true) } else { a } } else { a })
}

/// Rewrite qemu-style options into clap's form and put `--` before PROGRAM, so that nothing
/// after PROGRAM is ever parsed as ours.
fn normalise(args: &[OsString]) -> Vec<OsString> {
    let mut out = vec![args[0].clone()];
    let mut i = 1;
    while i < args.len() {
        let a = args[i].as_bytes();
        if a == b"--" {
            out.extend_from_slice(&args[i..]);
            return out;
        }
        if a.len() < 2 || a[0] != b'-' {
            out.push("--".into());
            out.extend_from_slice(&args[i..]);
            return out;
        }
        let body = if a.starts_with(b"--") { &a[2..] } else { &a[1..] };
        let (name, inline) = match body.iter().position(|&c| c == b'=') {
            Some(p) => (&body[..p], Some(&body[p + 1..])),
            None => (body, None),
        };
        let name = String::from_utf8_lossy(name).into_owned();
        let spelled = |n: &str| -> OsString { if n.len() == 1 { format!("-{n}").into() } else { format!("--{n}").into() } };
        if VALUE_OPTS.contains(&name.as_str()) {
            out.push(spelled(&name));
            match inline {
                Some(v) => out.push(OsString::from_vec(v.to_vec())),
                None if i + 1 < args.len() => {
                    i += 1;
                    out.push(args[i].clone());
                }
                None => {}
            }
        } else if FLAG_OPTS.contains(&name.as_str()) && inline.is_none() {
            out.push(spelled(&name));
        } else {
            // Unknown: let clap report it.
            out.push(args[i].clone());
        }
        i += 1;
    }
    out
}

/// Parse a size such as `8M`, `512k`, `1G` or `65536`.
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let (num, mult) = match s.char_indices().last()? {
        (i, 'k' | 'K') => (&s[..i], 1u64 << 10),
        (i, 'm' | 'M') => (&s[..i], 1 << 20),
        (i, 'g' | 'G') => (&s[..i], 1 << 30),
        _ => (s, 1),
    };
    num.parse::<u64>().ok()?.checked_mul(mult)
}

fn fail(bin: &str, msg: &str) -> ! {
    eprintln!("{bin}: {msg}");
    std::process::exit(1);
}

/// Build the guest environment: ours, edited by -E and -U in order.
fn guest_env(m: &ArgMatches) -> Vec<OsString> {
    let mut env: Vec<(OsString, OsString)> = std::env::vars_os().collect();
    for set in m.get_many::<String>("E").into_iter().flatten() {
        let (k, v) = set.split_once('=').unwrap_or((set.as_str(), ""));
        env.retain(|(ek, _)| ek != k);
        env.push((k.into(), v.into()));
    }
    for unset in m.get_many::<String>("U").into_iter().flatten() {
        env.retain(|(ek, _)| ek != unset.as_str());
    }
    env.into_iter()
        .map(|(k, v)| {
            let mut s = k;
            s.push("=");
            s.push(v);
            s
        })
        .collect()
}

/// The options a guest's execve passes to the ruser that runs the new program: every setting
/// that is in force here, spelled out (so that it does not depend on RUSER_* variables, which
/// the new ruser does not read), except -L, -0, -E and -U (see `linux::syscall::exec`).
fn exec_opts(m: &ArgMatches) -> Vec<OsString> {
    let mut v: Vec<OsString> = vec![GUEST_EXEC.into()];
    for name in ["backend", "cpu", "s", "tb-size", "jit-threshold", "d", "D"] {
        if let Some(val) = m.get_one::<String>(name) {
            v.push(if name.len() == 1 { format!("-{name}") } else { format!("--{name}") }.into());
            // The log file by an absolute path: the guest may change directory before it execs.
            let val = match name {
                "D" => std::env::current_dir().map(|d| d.join(val).into_os_string()).unwrap_or_else(|_| val.into()),
                _ => val.into(),
            };
            v.push(val);
        }
    }
    for flag in ["strace", "perfmap"] {
        if m.get_flag(flag) {
            v.push(format!("--{flag}").into());
        }
    }
    v
}

/// The process entry of ruser's executables, which are `#![no_main]`: what Rust's runtime
/// start-up does that matters here, without the rest (its stack-overflow guard reads
/// /proc/self/maps, tens of microseconds of every start, and ruser's own SIGSEGV handler
/// replaces that guard's handler anyway). The arguments come from C's `main`: Rust's
/// `std::env::args` is empty without Rust's `main` under musl, which (unlike glibc) does not
/// pass them to initialisers.
///
/// # Safety
/// `argv` holds `argc` valid NUL-terminated strings, as C's `main` receives them.
pub unsafe fn start(forced_arch: Option<&'static str>, argc: i32, argv: *const *const std::ffi::c_char) -> ! {
    // SAFETY: the caller's promise.
    let args = (0..argc.max(0) as usize)
        .map(|i| unsafe { OsStr::from_bytes(std::ffi::CStr::from_ptr(*argv.add(i)).to_bytes()).to_os_string() })
        .collect();
    // SAFETY: plain system calls on the standard fds and one disposition, before any thread.
    unsafe {
        // A closed standard fd gets /dev/null, as Rust's runtime does, so that a file ruser
        // opens never takes its place (fds are given lowest first).
        for fd in 0..3 {
            if libc::fcntl(fd, libc::F_GETFD) == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EBADF) {
                libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
            }
        }
        // SIGPIPE ignored, as Rust's runtime does: ruser's own writes to a closed pipe fail
        // with EPIPE. The disposition ruser was started with is recorded before this (by
        // `signal::capture_startup_dispositions`, from .init_array) and given to the guest.
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    main(forced_arch, args)
}

/// Entry point shared by `ruser` (arch from the ELF header) and `ruser-<arch>`.
pub fn main(forced_arch: Option<&'static str>, mut args: Vec<OsString>) -> ! {
    // A bug in ruser is reported as one clear line, never as a Rust panic and backtrace.
    std::panic::set_hook(Box::new(|info| {
        let pc = crate::interp::CURRENT_PC.try_with(|c| c.get()).unwrap_or(0);
        eprintln!("ruser: internal error: {info} (guest pc {pc:#x}); please report this");
        std::process::exit(70);
    }));
    // Started by binfmt_misc for a setuid program (C flag): the caller must not steer ruser.
    let aux = crate::linux::binfmt::invoke::Aux::current();
    if aux.secure {
        crate::linux::binfmt::invoke::scrub_environment();
    }
    if args.is_empty() {
        args.push("ruser".into());
    }
    let bin = std::path::Path::new(&args[0]).file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "ruser".into());
    // Started by the kernel through binfmt_misc: argv[1] is the program and nothing is an
    // option (options come from the environment only).
    let kernel = crate::linux::binfmt::invoke::detect(&args, &aux);
    // `ruser binfmt ...`: only as the very first argument of the auto-detecting front end, and
    // never when the kernel started us (then `binfmt` is a program's name).
    if kernel.is_none() && forced_arch.is_none() && args.get(1).is_some_and(|a| a == "binfmt") {
        std::process::exit(crate::linux::binfmt::main(&args[2..]));
    }
    // Started by a guest's execve (`linux::syscall::exec`): configured by the command line only.
    let guest_exec = kernel.is_none() && args.get(1).is_some_and(|a| a == GUEST_EXEC);
    let parse_args = match &kernel {
        Some(k) => vec![args[0].clone(), "--".into(), k.program.clone()],
        None => normalise(&args),
    };
    let m = match command(&bin, !guest_exec).try_get_matches_from(parse_args) {
        Ok(m) => m,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let arch_name = forced_arch.unwrap_or("aarch64");
    let arch = crate::guest::by_name(arch_name).expect("known arch");

    // Logging first, so everything after can log.
    let mut mask = 0;
    if let Some(d) = m.get_one::<String>("d") {
        if d == "help" {
            println!("Log items (comma-separated) for -d:");
            for (name, _, help) in crate::log::ITEMS {
                println!("  {name:<10} {help}");
            }
            std::process::exit(0);
        }
        mask = crate::log::parse_items(d).unwrap_or_else(|bad| fail(&bin, &format!("unknown -d item '{bad}' (try -d help)")));
    }
    let code_size = match m.get_one::<String>("tb-size") {
        Some(s) => parse_size(s)
            .filter(|&n| (64 << 10..=1 << 30).contains(&n))
            .unwrap_or_else(|| fail(&bin, &format!("invalid translation cache size '{s}' (64k to 1G)"))),
        None => crate::jit::Settings::default().code_size as u64,
    };
    let threshold = match m.get_one::<String>("jit-threshold") {
        Some(s) => s
            .parse::<u32>()
            .ok()
            .filter(|&n| n <= 1000)
            .unwrap_or_else(|| fail(&bin, &format!("invalid JIT threshold '{s}' (0 to 1000)"))),
        None => 4,
    };
    // Without an explicit threshold, a thread's start uses a higher one (`jit::StartUp`).
    let start_up = match m.get_one::<String>("jit-threshold") {
        Some(_) => None,
        None => Some(crate::jit::StartUp::DEFAULT),
    };
    crate::jit::configure(crate::jit::Settings {
        chain: mask & crate::log::Item::Nochain as u32 == 0,
        perfmap: m.get_flag("perfmap"),
        code_size: code_size as usize,
        threshold,
        start_up,
    });
    let strace = m.get_flag("strace");
    if strace {
        mask |= crate::log::Item::Strace as u32;
    }
    let out: Box<dyn std::io::Write + Send> = match m.get_one::<String>("D") {
        Some(f) => {
            // A ruser started by the guest's execve adds to the log its parent writes.
            let file = if guest_exec { std::fs::OpenOptions::new().append(true).create(true).open(f) } else { std::fs::File::create(f) };
            Box::new(crate::hostfd::hide_file(file.unwrap_or_else(|e| fail(&bin, &format!("cannot open log file {f}: {e}")))))
        }
        None => Box::new(std::io::stderr()),
    };
    crate::log::init(mask, out);

    let cpu = m.get_one::<String>("cpu").cloned().unwrap_or_else(|| "max".into());
    if cpu == "help" {
        println!("Available CPUs for {}:", arch.name());
        for (name, desc) in arch.cpu_models() {
            println!("  {name:<12} {desc}");
        }
        std::process::exit(0);
    }
    if !arch.cpu_models().iter().any(|(n, _)| *n == cpu) {
        fail(&bin, &format!("unknown CPU model '{cpu}' (try -cpu help)"));
    }
    let backend = match m.get_one::<String>("backend") {
        None => Backend::Jit,
        Some(b) => Backend::NAMES
            .iter()
            .find(|(n, _)| n == b)
            .map(|(_, be)| *be)
            .unwrap_or_else(|| fail(&bin, &format!("unknown backend '{b}' (available: jit, interp, crosscheck)"))),
    };
    let stack_size = match m.get_one::<String>("s") {
        Some(s) => parse_size(s).filter(|&n| n >= 4096).unwrap_or_else(|| fail(&bin, &format!("invalid stack size '{s}'"))),
        None => 8 << 20,
    };
    // Not passed on to programs the guest runs (`exec_opts`), as qemu's -g.
    let gdb_port = m.get_one::<String>("g").map(|s| {
        s.trim().parse::<u16>().ok().filter(|&n| n != 0).unwrap_or_else(|| fail(&bin, &format!("invalid gdb port '{s}' (a TCP port number, 1 to 65535)")))
    });
    let Some(program) = m.get_one::<OsString>("program").cloned() else {
        eprintln!("{bin}: no program given");
        eprintln!("usage: {bin} [OPTIONS] PROGRAM [ARGS...]   (try --help)");
        std::process::exit(1);
    };
    let argv = match &kernel {
        // The kernel's argv, rebuilt; RUSER_ARGV0 does not apply.
        Some(k) => k.argv.clone(),
        None => {
            let mut argv = vec![m.get_one::<String>("0").map(OsString::from).unwrap_or_else(|| program.clone())];
            argv.extend(m.get_many::<OsString>("args").into_iter().flatten().cloned());
            argv
        }
    };
    let cfg = Config {
        arch: forced_arch,
        program: PathBuf::from(&program),
        argv,
        envp: guest_env(&m),
        sysroot: m.get_one::<String>("L").map(PathBuf::from),
        stack_size,
        cpu,
        strace,
        backend,
        exec_opts: exec_opts(&m),
        execfn: m.get_one::<OsString>("execfn").cloned(),
        exec_fd: kernel.as_ref().and_then(|k| k.execfd),
        default_sysroots: kernel.is_some(),
        gdb_port,
    };
    let guest_mask = m.get_one::<String>("guest-mask").and_then(|s| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok());
    crate::linux::syscall::exec::inherit_signals(m.get_flag("sigpipe-ignored"), guest_mask);
    // The seccomp mode of the guest that exec'd this program (see linux::seccomp).
    let seccomp = match m.get_one::<String>("seccomp") {
        Some(s) => crate::linux::seccomp::decode(s).unwrap_or_else(|| fail(&bin, "invalid --seccomp value")),
        None => crate::linux::seccomp::Mode::Disabled,
    };
    crate::linux::seccomp::thread_start(seccomp);
    match crate::linux::run(&cfg) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("{bin}: {}", e.msg);
            std::process::exit(e.status);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: &[&str]) -> Vec<String> {
        let a: Vec<OsString> = v.iter().map(OsString::from).collect();
        normalise(&a).into_iter().map(|s| s.into_string().unwrap()).collect()
    }

    #[test]
    fn options_stop_at_program() {
        assert_eq!(n(&["r", "-strace", "-L", "/x", "prog", "--help", "-L"]), ["r", "--strace", "-L", "/x", "--", "prog", "--help", "-L"]);
        assert_eq!(n(&["r", "--cpu=max", "-d", "in_asm", "p"]), ["r", "--cpu", "max", "-d", "in_asm", "--", "p"]);
        assert_eq!(n(&["r", "-cpu", "help"]), ["r", "--cpu", "help"]);
    }

    #[test]
    fn values_may_start_with_a_dash() {
        let args: Vec<OsString> = ["r", "-0", "-bash", "--execfn", "-x", "-L", "/s", "prog", "-c"].iter().map(OsString::from).collect();
        let m = command("r", false).try_get_matches_from(normalise(&args)).expect("parses");
        assert_eq!(m.get_one::<String>("0").map(String::as_str), Some("-bash"));
        assert_eq!(m.get_one::<OsString>("execfn").and_then(|s| s.to_str()), Some("-x"));
        assert_eq!(m.get_one::<OsString>("program").and_then(|s| s.to_str()), Some("prog"));
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("8M"), Some(8 << 20));
        assert_eq!(parse_size("512k"), Some(512 << 10));
        assert_eq!(parse_size("100"), Some(100));
        assert_eq!(parse_size("x"), None);
    }
}
