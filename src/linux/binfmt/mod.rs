//! `ruser binfmt install|uninstall|status|config`: registering ruser with the kernel's
//! binfmt_misc, so that foreign programs run directly (`./prog`, in shells, in chroots and
//! containers), and the other half: recognising such a start (`invoke`).
//!
//! Entries are named `ruser-<arch>` (`<RUSER_BINFMT_NAME>-<arch>` when that is set); ruser
//! never changes or removes an entry of another name.

pub mod entry;
pub mod invoke;
pub mod misc;

use clap::{Arg, ArgAction, ArgMatches, Command};
use entry::{Entry, Flags, Target, TARGETS};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

const CREDENTIALS_WARNING: &str = "warning: --credentials sets the C and O flags: setuid and setgid programs of this \
architecture will run with their owner's privileges, with ruser as their interpreter. This is a privilege decision \
(ruser then handles root's programs for any user); make it only if you trust this ruser binary that far.";

fn arch_arg() -> Arg {
    Arg::new("arch").value_name("ARCH").num_args(0..).help("Guest architectures (default: every one this ruser runs)")
}

fn flag_args(c: Command) -> Command {
    c.arg(Arg::new("persistent").long("persistent").action(ArgAction::SetTrue).help(
        "F flag: the kernel opens ruser now, so the entry also works in chroots and containers without ruser in them",
    ))
    .arg(
        Arg::new("preserve-argv0")
            .long("preserve-argv0")
            .action(ArgAction::SetTrue)
            .help("P flag: programs get their own argv[0] (without it, argv[0] is the path they were run by)"),
    )
    .arg(
        Arg::new("credentials")
            .long("credentials")
            .action(ArgAction::SetTrue)
            .help("C and O flags: setuid/setgid programs run with their owner's privileges (a privilege decision; off by default)"),
    )
    .arg(
        Arg::new("interpreter")
            .long("interpreter")
            .value_name("PATH")
            .value_parser(clap::value_parser!(PathBuf))
            .help("Register this ruser executable instead of the running one"),
    )
}

fn command() -> Command {
    Command::new("ruser binfmt")
        .about("Register ruser with binfmt_misc, so that foreign programs run directly")
        .subcommand_required(true)
        .disable_help_subcommand(true)
        .after_help(format!(
            "Entries are named ruser-<arch> (RUSER_BINFMT_NAME=NAME: NAME-<arch>); other entries are never changed. \
             RUSER_BINFMT_MISC names the binfmt_misc directory (default {}).",
            misc::DEFAULT_DIR
        ))
        .subcommand(flag_args(Command::new("install").about("Register (or update) ruser's entries; needs root").arg(arch_arg())))
        .subcommand(Command::new("uninstall").about("Remove ruser's entries (only those); needs root").arg(arch_arg()))
        .subcommand(Command::new("status").about("Show ruser's entries and the other entries that claim the same programs"))
        .subcommand(flag_args(
            Command::new("config").about("Print ruser's entries as an /etc/binfmt.d/ file, for systemd-binfmt at boot").arg(arch_arg()),
        ))
}

/// Run `ruser binfmt ARGS...`; returns the exit status.
pub fn main(args: &[OsString]) -> i32 {
    let mut argv = vec![OsString::from("ruser binfmt")];
    argv.extend_from_slice(args);
    let m = match command().try_get_matches_from(argv) {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 1 } else { 0 };
        }
    };
    let (name, sub) = m.subcommand().expect("subcommand_required");
    if let Err(msg) = entry::base_name() {
        eprintln!("ruser binfmt {name}: {msg}");
        return 1;
    }
    let result = match name {
        "install" => install(sub),
        "uninstall" => uninstall(sub),
        "status" => status(),
        "config" => config(sub),
        _ => unreachable!("clap knows the subcommands"),
    };
    match result {
        Ok(()) => 0,
        Err(msg) => {
            eprintln!("ruser binfmt {name}: {msg}");
            1
        }
    }
}

/// The targets named on the command line (default: every supported one).
fn targets(sub: &ArgMatches, only_supported: bool) -> Result<Vec<&'static Target>, String> {
    let names: Vec<&String> = sub.get_many::<String>("arch").into_iter().flatten().collect();
    if names.is_empty() {
        return Ok(TARGETS.iter().filter(|t| !only_supported || t.supported()).collect());
    }
    let known = TARGETS.iter().map(|t| t.arch).collect::<Vec<_>>().join(", ");
    let mut out = Vec::new();
    for n in names {
        let canonical = if n == "arm64" { "aarch64" } else { n.as_str() };
        let t = Target::by_arch(canonical).ok_or_else(|| format!("unknown architecture '{n}' (known: {known})"))?;
        if only_supported && !t.supported() {
            return Err(format!("this ruser cannot run {} programs yet", t.arch));
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

fn flags(sub: &ArgMatches) -> Flags {
    let credentials = sub.get_flag("credentials");
    Flags {
        fix_binary: sub.get_flag("persistent"),
        preserve_argv0: sub.get_flag("preserve-argv0"),
        credentials,
        // The kernel implies O with C; say it explicitly.
        open_binary: credentials,
    }
}

/// The interpreter to register: --interpreter, or the running executable. Warns about what
/// would stop it from working in a chroot.
fn interpreter(sub: &ArgMatches, flags: Flags, must_exist: bool) -> Result<String, String> {
    let path = match sub.get_one::<PathBuf>("interpreter") {
        Some(p) if !p.is_absolute() => return Err(format!("--interpreter {}: give an absolute path", p.display())),
        Some(p) => p.clone(),
        None => std::env::current_exe().map_err(|e| format!("cannot find ruser's own executable (is /proc mounted?): {e}"))?,
    };
    let path = if must_exist || path.exists() { std::fs::canonicalize(&path).map_err(|e| format!("{}: {e}", path.display()))? } else { path };
    let shown = path.display().to_string();
    if path.exists() {
        use std::os::unix::fs::PermissionsExt;
        let md = std::fs::metadata(&path).map_err(|e| format!("{shown}: {e}"))?;
        if !md.is_file() || md.permissions().mode() & 0o111 == 0 {
            return Err(format!("{shown}: not an executable file"));
        }
        if is_dynamic(&path) {
            eprintln!(
                "warning: {shown} is dynamically linked, so it cannot start inside a chroot or container that has no x86-64 \
                 libraries; `cargo build --release` builds a static ruser"
            );
        }
    } else if must_exist {
        return Err(format!("{shown} does not exist"));
    }
    if !flags.fix_binary {
        eprintln!(
            "note: without --persistent (F), the kernel looks {shown} up each time a program starts, in that program's \
             file system: chroots and containers then need ruser at that path"
        );
    }
    if flags.credentials {
        eprintln!("{CREDENTIALS_WARNING}");
    }
    Ok(shown)
}

/// Whether the ELF file at `path` has an interpreter (PT_INTERP).
fn is_dynamic(path: &Path) -> bool {
    let Ok(bytes) = std::fs::read(path) else { return false };
    goblin::elf::Elf::parse(&bytes).map(|e| e.interpreter.is_some()).unwrap_or(false)
}

fn require_root(what: &str) -> Result<(), String> {
    // SAFETY: no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Err(format!(
            "must be run as root: binfmt_misc entries apply to the whole system (try: sudo ruser binfmt {what})"
        ));
    }
    Ok(())
}

fn install(sub: &ArgMatches) -> Result<(), String> {
    require_root("install")?;
    let targets = targets(sub, true)?;
    let flags = flags(sub);
    let interp = interpreter(sub, flags, true)?;
    let dir = misc::dir();
    if misc::ensure_mounted(&dir)? {
        println!("mounted binfmt_misc at {}", dir.display());
    }
    if misc::globally_enabled(&dir) == Some(false) {
        eprintln!("warning: binfmt_misc is disabled as a whole (echo 1 > {}/status turns it on)", dir.display());
    }
    for t in targets {
        let want = Entry::for_target(t, &interp, flags);
        let others: Vec<Entry> = misc::list(&dir)?.into_iter().filter(|e| !e.is_ruser() && e.claims().contains(&t)).collect();
        let what = match misc::read(&dir, &want.name) {
            // Re-registered when another entry competes (the kernel tries the newest entry
            // first, and after `install` ruser's must win), and with F (the kernel keeps the
            // file it opened at registration, which a rebuilt or reinstalled ruser replaced).
            Some(old) if old.same_registration(&want) && others.is_empty() && !flags.fix_binary => {
                if old.enabled {
                    "already registered".to_string()
                } else {
                    misc::enable(&dir, &want.name)?;
                    "was disabled; enabled".to_string()
                }
            }
            Some(old) => {
                misc::remove(&dir, &want.name)?;
                misc::register(&dir, &want)?;
                if old.same_registration(&want) && !others.is_empty() {
                    "registered again, so that it comes before the other entries".to_string()
                } else if old.same_registration(&want) {
                    format!("registered again, so that the kernel holds the current {interp} (F)")
                } else {
                    format!("updated (was: {})", old.describe())
                }
            }
            None => {
                misc::register(&dir, &want)?;
                "registered".to_string()
            }
        };
        let now = misc::read(&dir, &want.name).ok_or_else(|| format!("{} is not there after registering it", want.name))?;
        if !now.same_registration(&want) {
            return Err(format!("the kernel shows {} as `{}`, not as registered", want.name, now.describe()));
        }
        println!("{}: {what}: {}", want.name, now.describe());
        for o in &others {
            println!("  note: {} also claims {} programs ({}); ruser's entry is newer, so it is used", o.name, t.arch, o.describe());
        }
    }
    Ok(())
}

fn uninstall(sub: &ArgMatches) -> Result<(), String> {
    require_root("uninstall")?;
    let dir = misc::dir();
    if !misc::is_mounted(&dir) {
        println!("binfmt_misc is not mounted at {}: nothing to remove", dir.display());
        return Ok(());
    }
    let names: Vec<String> = if sub.get_many::<String>("arch").is_some() {
        targets(sub, false)?.iter().map(|t| t.entry_name()).collect()
    } else {
        misc::list(&dir)?.into_iter().filter(Entry::is_ruser).map(|e| e.name).collect()
    };
    if names.is_empty() {
        println!("no ruser entries are registered");
    }
    for name in names {
        if misc::read(&dir, &name).is_some() {
            misc::remove(&dir, &name)?;
            println!("{name}: removed");
        } else {
            println!("{name}: not registered");
        }
    }
    Ok(())
}

fn status() -> Result<(), String> {
    let dir = misc::dir();
    if !misc::is_mounted(&dir) {
        println!("binfmt_misc is not mounted at {} (ruser binfmt install mounts it)", dir.display());
        return Ok(());
    }
    let state = match misc::globally_enabled(&dir) {
        Some(true) => "enabled",
        Some(false) => "disabled as a whole",
        None => "state unknown",
    };
    println!("binfmt_misc at {}: {state}", dir.display());
    let entries = misc::list(&dir)?;
    let me = std::env::current_exe().ok().and_then(|p| std::fs::canonicalize(p).ok()).map(|p| p.display().to_string());
    let mut shown: Vec<&str> = Vec::new();
    for t in TARGETS {
        let ours = entries.iter().find(|e| e.name == t.entry_name());
        let others: Vec<&Entry> = entries.iter().filter(|e| !e.is_ruser() && e.claims().contains(&t)).collect();
        if ours.is_none() && (!t.supported() || others.is_empty()) {
            if t.supported() {
                println!("{}: no entry (ruser binfmt install registers one)", t.arch);
            }
            continue;
        }
        match ours {
            Some(e) => {
                let this = if me.as_deref() == Some(e.interpreter.as_str()) { " (this ruser)" } else { "" };
                println!("{}: {}: {}{this}", t.arch, e.name, e.describe());
                shown.push(&e.name);
            }
            None => println!("{}: no ruser entry", t.arch),
        }
        for o in &others {
            println!("  competing: {}: {}", o.name, o.describe());
            shown.push(&o.name);
        }
        if ours.is_some() && !others.is_empty() {
            println!("  (the kernel uses the entry registered last; `ruser binfmt install` makes that ruser's)");
        }
    }
    let rest: Vec<&str> = entries.iter().map(|e| e.name.as_str()).filter(|n| !shown.contains(n)).collect();
    if !rest.is_empty() {
        println!("other entries: {}", rest.join(", "));
    }
    Ok(())
}

fn config(sub: &ArgMatches) -> Result<(), String> {
    let targets = targets(sub, true)?;
    let flags = flags(sub);
    let interp = interpreter(sub, flags, false)?;
    println!("# ruser's binfmt_misc entries, from `ruser binfmt config` (ruser {}).", env!("CARGO_PKG_VERSION"));
    println!("# Save as /etc/binfmt.d/ruser.conf; systemd-binfmt registers them at boot, or now with");
    println!("# `systemctl restart systemd-binfmt`. The interpreter must stay at {interp}.");
    for t in targets {
        println!("{}", Entry::for_target(t, &interp, flags).register_line()?);
    }
    Ok(())
}
