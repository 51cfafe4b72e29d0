//! ELF loading: open and check the program, pick the guest architecture, map the program (and
//! its ELF interpreter for dynamically linked programs), set up brk and the initial stack.
//!
//! Every failure is one line saying what is wrong and what to do, with the exit status a shell
//! would give: 127 for a missing program, 126 for one that cannot be executed (directory, no
//! permission), 1 for a file that is not a usable ELF executable.
//!
//! Interpreter lookup: a dynamically linked program names its interpreter (PT_INTERP, e.g.
//! /lib/ld-linux-aarch64.so.1). With `-L SYSROOT` (or RUSER_LD_PREFIX) it is looked up inside
//! SYSROOT only (symlinks resolved inside the sysroot). Without -L, the directories of
//! `DEFAULT_SYSROOTS` for the guest are tried in order (the cross toolchain's sysroot, then
//! "/", the host's own file system with multiarch libraries, as qemu-user uses it), and the
//! sysroot that held the interpreter becomes the process sysroot (none for "/"). If none
//! holds it, the error names -L. Runs started by binfmt_misc, which cannot be given -L,
//! search the same way.

mod elf;
mod map;
mod stack;
mod vdso;

use super::{Config, Launch, Process};
use crate::guest::GuestArch;
use crate::mem::{GuestMem, PAGE_SIZE};
use elf::{Bad, FileSource, Image};
use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use crate::linux::overlay::{resolve_in, Overlay};
use std::path::{Path, PathBuf};

/// Sysroots searched for a dynamically linked program's interpreter when no -L is given.
pub const DEFAULT_SYSROOTS: &[(&str, &[&str])] = &[("aarch64", &["/usr/aarch64-linux-gnu", "/"])];

/// Whether a dynamically linked program run without -L looks for its interpreter in
/// `DEFAULT_SYSROOTS` (see the module comment).
pub const SEARCH_DEFAULT_SYSROOTS: bool = true;

/// A load failure: one line for the user, and ruser's exit status.
#[derive(Debug)]
pub struct LoadError {
    pub msg: String,
    pub status: i32,
}

/// A loaded program, ready to start.
pub struct Loaded {
    pub process: Process,
    pub entry: u64,
    pub sp: u64,
}

fn err(status: i32, msg: String) -> LoadError {
    LoadError { msg, status }
}

/// Open `path` for execution, with the checks execve makes first; or take `exec_fd`, the
/// program the kernel opened and checked already (binfmt_misc's O flag).
fn open_exec(path: &Path, exec_fd: Option<i32>) -> Result<FileSource, LoadError> {
    let p = path.display();
    if let Some(fd) = exec_fd {
        use std::os::fd::FromRawFd;
        // SAFETY: the kernel gave us this descriptor for this purpose; nothing else owns it.
        let file = unsafe { std::fs::File::from_raw_fd(fd) };
        let md = file.metadata().map_err(|e| err(126, format!("{p}: cannot use the descriptor binfmt_misc opened (AT_EXECFD {fd}): {e}")))?;
        return Ok(FileSource { file, size: md.len() });
    }
    let md = std::fs::metadata(path).map_err(|e| match e.raw_os_error() {
        Some(libc::ENOENT) => err(127, format!("{p}: no such file or directory")),
        Some(libc::ENOTDIR) => err(126, format!("{p}: not a directory (a component of the path is a file)")),
        Some(libc::EACCES) => err(126, format!("{p}: permission denied (a directory on the path cannot be searched)")),
        _ => err(126, format!("{p}: cannot access it: {e}")),
    })?;
    if md.is_dir() {
        return Err(err(126, format!("{p}: is a directory, not a program")));
    }
    if !md.is_file() {
        return Err(err(126, format!("{p}: is not a regular file, so it cannot be executed")));
    }
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).map_err(|_| err(127, format!("{p}: no such file or directory")))?;
    // SAFETY: a valid NUL-terminated path.
    if unsafe { libc::access(c.as_ptr(), libc::X_OK) } != 0 {
        return Err(err(126, format!("{p}: permission denied: the file is not executable (chmod +x {p} to allow it)")));
    }
    let file = std::fs::File::open(path).map_err(|e| match e.raw_os_error() {
        Some(libc::EACCES) => err(126, format!("{p}: permission denied: ruser needs to read the program, which is executable but not readable")),
        _ => err(126, format!("{p}: cannot open it: {e}")),
    })?;
    Ok(FileSource { file, size: md.len() })
}

/// The absolute path without symlinks of the program opened as `src` (what /proc/self/exe
/// shows): the kernel's name for the open file, one readlink instead of one per component.
fn canonical_path(src: &FileSource, path: &Path) -> PathBuf {
    use std::os::fd::AsRawFd;
    match std::fs::read_link(format!("/proc/self/fd/{}", src.file.as_raw_fd())) {
        Ok(p) if p.is_absolute() && !p.as_os_str().as_bytes().ends_with(b" (deleted)") => p,
        _ => std::fs::canonicalize(path).unwrap_or_else(|_| std::env::current_dir().unwrap_or_default().join(path)),
    }
}

/// Find the interpreter: returns its host path and the sysroot that held it (None for "/").
fn find_interp(cfg: &Config, prog: &str, arch: &dyn GuestArch, interp: &Path) -> Result<(PathBuf, Option<PathBuf>), LoadError> {
    let shown = interp.display();
    if let Some(root) = &cfg.sysroot {
        return match resolve_in(root, interp, true) {
            Some(p) => Ok((p, Some(root.clone()))),
            None => Err(err(
                1,
                format!(
                    "{prog}: needs its interpreter {shown}, but {} does not exist: check the sysroot given with -L or RUSER_LD_PREFIX",
                    root.join(interp.strip_prefix("/").unwrap_or(interp)).display()
                ),
            )),
        };
    }
    if SEARCH_DEFAULT_SYSROOTS || cfg.default_sysroots {
        let roots = DEFAULT_SYSROOTS.iter().filter(|(a, _)| *a == arch.name()).flat_map(|(_, r)| r.iter());
        for r in roots {
            if let Some(p) = resolve_in(Path::new(r), interp, true) {
                let sysroot = if *r == "/" { None } else { Some(PathBuf::from(r)) };
                return Ok((p, sysroot));
            }
        }
    }
    let example = DEFAULT_SYSROOTS.iter().find(|(a, _)| *a == arch.name()).map_or("/usr/aarch64-linux-gnu", |(_, r)| r[0]);
    Err(err(
        1,
        format!("{prog}: is dynamically linked and needs its interpreter {shown}: pass -L <sysroot> (e.g. -L {example}) or set RUSER_LD_PREFIX"),
    ))
}

/// The guest architecture: forced by the command (ruser-<arch>) or read from the ELF header.
fn pick_arch(cfg: &Config, src: &FileSource, prog: &str) -> Result<&'static dyn GuestArch, LoadError> {
    if let Some(name) = cfg.arch {
        return crate::guest::by_name(name).ok_or_else(|| err(1, format!("{prog}: unknown guest architecture {name}")));
    }
    let h = elf::read_ehdr(src).map_err(|b| err(1, format!("{prog}: {}", b.text())))?;
    crate::guest::by_elf_machine(h.machine).ok_or_else(|| {
        let found = elf::machine_name(h.machine);
        let why = match h.machine {
            goblin::elf::header::EM_X86_64 | goblin::elf::header::EM_386 => format!("{found} is the host's own architecture: run it directly"),
            _ => "ruser runs aarch64 programs only".to_string(),
        };
        err(1, format!("{prog}: is an ELF executable for {found}, which ruser does not support: {why}"))
    })
}

fn parse(src: &FileSource, arch: &dyn GuestArch, top: u64, who: &str) -> Result<Image, LoadError> {
    elf::parse(src, arch, top).map_err(|b: Bad| err(1, format!("{who}: {}", b.text())))
}

pub fn load(cfg: &Config) -> Result<Loaded, LoadError> {
    let prog = cfg.program.display().to_string();
    // The program's path is the guest's: with -L, an absolute path the sysroot holds names the
    // sysroot's file (`ruser -L root /usr/bin/python3`).
    let cfg_overlay = cfg.sysroot.as_deref().map(|root| Overlay::new(Some(root)));
    let host_prog = match &cfg_overlay {
        Some(o) if cfg.program.is_absolute() => {
            o.in_root(cfg.program.as_os_str().as_bytes(), true).map_or_else(|| cfg.program.clone(), |h| PathBuf::from(OsString::from_vec(h)))
        }
        _ => cfg.program.clone(),
    };
    let src = open_exec(&host_prog, cfg.exec_fd)?;
    let arch = pick_arch(cfg, &src, &prog)?;
    if !arch.is_64bit() {
        return Err(err(1, format!("{prog}: 32-bit {} guests are not supported yet", arch.name())));
    }
    let mem = GuestMem::new_identity();
    let img = parse(&src, arch, mem.top(), &prog)?;
    let exe = canonical_path(&src, &host_prog);

    // The interpreter, checked before anything is mapped.
    let mut sysroot = cfg.sysroot.clone();
    let interp = match &img.interp {
        None => None,
        Some(path) => {
            let ipath = PathBuf::from(OsString::from_vec(path.clone()));
            let (host, root) = find_interp(cfg, &prog, arch, &ipath)?;
            let who = format!("{prog}: its interpreter {}", host.display());
            let isrc = std::fs::File::open(&host)
                .and_then(|f| Ok(FileSource { size: f.metadata()?.len(), file: f }))
                .map_err(|e| err(1, format!("{who}: cannot open it: {e}")))?;
            let iimg = parse(&isrc, arch, mem.top(), &who)?;
            if iimg.interp.is_some() {
                return Err(err(1, format!("{who}: is itself dynamically linked, so it cannot be an ELF interpreter")));
            }
            sysroot = root;
            Some((isrc, iimg, host, who))
        }
    };

    let name = exe.display().to_string();
    let main = map::map_image(&mem, &src, &name, &img, map::PROGRAM_BASES).map_err(|m| err(1, format!("{prog}: {m}")))?;
    mem.init_brk(main.end);
    let (entry, at_base) = match &interp {
        None => (main.entry, 0),
        Some((isrc, iimg, host, who)) => {
            let m = map::map_image(&mem, isrc, &host.display().to_string(), iimg, map::INTERP_BASES).map_err(|m| err(1, format!("{who}: {m}")))?;
            (m.entry, m.bias)
        }
    };

    let vdso = vdso::map_vdso(&mem, arch).map_err(|m| err(1, format!("{prog}: {m}")))?;

    // The initial stack.
    let top = stack::map_stack(&mem, cfg.stack_size, img.exec_stack).map_err(|m| err(1, format!("{prog}: {m}")))?;
    let (hwcap, hwcap2) = arch.hwcap(&cfg.cpu);
    // SAFETY: these calls cannot fail.
    let (uid, euid, gid, egid) = unsafe { (libc::getuid(), libc::geteuid(), libc::getgid(), libc::getegid()) };
    use stack::*;
    let mut auxv = vec![
        (AT_MINSIGSTKSZ, arch.min_sigstksz()),
        (AT_HWCAP, hwcap),
        (AT_PAGESZ, PAGE_SIZE),
        (AT_CLKTCK, 100),
        (AT_PHDR, main.phdr),
        (AT_PHENT, u64::from(img.ehdr.phentsize)),
        (AT_PHNUM, u64::from(img.ehdr.phnum)),
        (AT_BASE, at_base),
        (AT_FLAGS, 0),
        (AT_ENTRY, main.entry),
        (AT_UID, u64::from(uid)),
        (AT_EUID, u64::from(euid)),
        (AT_GID, u64::from(gid)),
        (AT_EGID, u64::from(egid)),
        // Secure mode passes on: set when ruser itself runs setuid (binfmt_misc's C flag).
        (AT_SECURE, u64::from(unsafe { libc::getauxval(libc::AT_SECURE) } != 0)),
        (AT_HWCAP2, hwcap2),
    ];
    if let Some(v) = vdso {
        auxv.insert(0, (AT_SYSINFO_EHDR, v.base));
    }
    let argv: Vec<Vec<u8>> = cfg.argv.iter().map(|a| a.as_bytes().to_vec()).collect();
    let envp: Vec<Vec<u8>> = cfg.envp.iter().map(|a| a.as_bytes().to_vec()).collect();
    let args = StackArgs {
        argv: &argv,
        envp: &envp,
        execfn: cfg.execfn.as_deref().unwrap_or(cfg.program.as_os_str()).as_bytes(),
        platform: arch.platform().as_bytes(),
        random: random_bytes(),
        auxv,
    };
    let abi = Abi { is_64: arch.is_64bit(), big_endian: arch.big_endian(), align: arch.stack_align() };
    let too_big = || {
        err(1, format!("{prog}: the arguments and environment do not fit in the {}-byte guest stack: give a bigger one with -s", cfg.stack_size))
    };
    let image = build(abi, top, &args).ok_or_else(too_big)?;
    if image.bytes.len() as u64 + PAGE_SIZE > cfg.stack_size {
        return Err(too_big());
    }
    mem.write(image.sp, &image.bytes).map_err(|e| err(1, format!("{prog}: cannot write the initial stack: {}", e.desc())))?;

    let overlay = match cfg_overlay {
        Some(o) if sysroot == cfg.sysroot => o,
        _ => Overlay::new(sysroot.as_deref()),
    };
    let launch = Launch { backend: cfg.backend, exec_opts: cfg.exec_opts.clone(), args: image.args, env: image.env, auxv: image.auxv };
    let process = Process {
        arch,
        mem,
        sysroot,
        overlay,
        exe,
        strace: false,
        cpu_model: cfg.cpu.clone(),
        launch,
        vdso: vdso.map(|v| v.base),
        sigreturn: vdso.map(|v| v.sigreturn),
    };
    Ok(Loaded { process, entry, sp: image.sp })
}
