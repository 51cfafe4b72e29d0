//! How ruser knows that the kernel started it through binfmt_misc, and the guest's argv then.
//!
//! binfmt_misc runs the interpreter with argv `[interpreter, filename, args...]`, where
//! `filename` is the path the program was executed by and the program's own argv[0] is lost;
//! with the P flag it keeps argv[0]: `[interpreter, filename, argv0, args...]`, and says so
//! with AT_FLAGS_PRESERVE_ARGV0 in the interpreter's AT_FLAGS. With the O flag the kernel
//! also opens the program and passes the descriptor in AT_EXECFD. In every case AT_EXECFN,
//! the name the kernel executed, is `filename` (not ruser's own path).
//!
//! So ruser was started by binfmt_misc when AT_FLAGS has the P bit, or AT_EXECFD is present,
//! or AT_EXECFN equals argv[1]. The last test can also hold for a plain `#!` script whose
//! interpreter line is ruser; that run means the same thing (argv[1] is the program), except
//! that no options are read from it.

use std::ffi::{CStr, OsString};
use std::os::unix::ffi::OsStrExt;

/// linux/binfmts.h: set in the interpreter's AT_FLAGS when the entry has the P flag.
pub const AT_FLAGS_PRESERVE_ARGV0: u64 = 1;

/// What ruser's own auxiliary vector says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Aux {
    /// AT_EXECFN: the file name the kernel executed.
    pub execfn: Option<Vec<u8>>,
    /// AT_FLAGS.
    pub flags: u64,
    /// AT_EXECFD, when present.
    pub execfd: Option<i32>,
    /// AT_SECURE: ruser runs with other credentials than its caller (setuid through the C
    /// flag).
    pub secure: bool,
}

impl Aux {
    /// The running process's auxiliary vector (through getauxval, so /proc is not needed).
    pub fn current() -> Aux {
        // SAFETY: getauxval has no preconditions; AT_EXECFN, when present, points to a
        // NUL-terminated string on our initial stack that lives as long as the process.
        unsafe {
            let execfn = libc::getauxval(libc::AT_EXECFN) as *const libc::c_char;
            let execfn = (!execfn.is_null()).then(|| CStr::from_ptr(execfn).to_bytes().to_vec());
            // getauxval returns 0 both for "absent" and for a descriptor 0: errno tells.
            *libc::__errno_location() = 0;
            let fd = libc::getauxval(libc::AT_EXECFD);
            let execfd = (*libc::__errno_location() != libc::ENOENT).then_some(fd as i32);
            Aux { execfn, flags: libc::getauxval(libc::AT_FLAGS), execfd, secure: libc::getauxval(libc::AT_SECURE) != 0 }
        }
    }
}

/// A run started by binfmt_misc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// The program's path, as it was executed.
    pub program: OsString,
    /// The program's argv.
    pub argv: Vec<OsString>,
    /// The program, opened by the kernel (O flag).
    pub execfd: Option<i32>,
}

/// Recognise a binfmt_misc start from ruser's `args` and auxiliary vector.
pub fn detect(args: &[OsString], aux: &Aux) -> Option<Invocation> {
    let preserve = aux.flags & AT_FLAGS_PRESERVE_ARGV0 != 0;
    let program = args.get(1)?;
    let by_name = aux.execfn.as_deref() == Some(program.as_bytes());
    if !(preserve || aux.execfd.is_some() || by_name) {
        return None;
    }
    let (argv0, rest) = if preserve && args.len() >= 3 { (args[2].clone(), &args[3..]) } else { (program.clone(), &args[2..]) };
    let mut argv = vec![argv0];
    argv.extend_from_slice(rest);
    Some(Invocation { program: program.clone(), argv, execfd: aux.execfd })
}

/// In secure mode (AT_SECURE: ruser runs a setuid or setgid program through the C flag), the
/// caller must not steer ruser: its RUSER_* variables (sysroot, log file, ...) are removed,
/// as the dynamic loader removes LD_* variables. Returns the names removed.
pub fn scrub_environment() -> Vec<OsString> {
    let names: Vec<OsString> = std::env::vars_os().map(|(k, _)| k).filter(|k| k.as_bytes().starts_with(b"RUSER_")).collect();
    for k in &names {
        std::env::remove_var(k);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(a: &[&str]) -> Vec<OsString> {
        a.iter().map(OsString::from).collect()
    }

    fn aux(execfn: &str, flags: u64, execfd: Option<i32>) -> Aux {
        Aux { execfn: Some(execfn.as_bytes().to_vec()), flags, execfd, secure: false }
    }

    #[test]
    fn plain_command_lines_are_not_binfmt() {
        // `ruser ./prog a`: AT_EXECFN is ruser's own path.
        assert_eq!(detect(&v(&["ruser", "./prog", "a"]), &aux("/usr/local/bin/ruser", 0, None)), None);
        assert_eq!(detect(&v(&["ruser", "binfmt", "status"]), &aux("/usr/bin/ruser", 0, None)), None);
        assert_eq!(detect(&v(&["ruser"]), &aux("ruser", 0, None)), None);
    }

    #[test]
    fn without_p_argv0_is_the_path() {
        // The kernel ran /usr/bin/prog (argv[0] "prog" is lost): argv[0] becomes the path.
        let inv = detect(&v(&["/usr/local/bin/ruser", "/usr/bin/prog", "-x", "binfmt"]), &aux("/usr/bin/prog", 0, None)).unwrap();
        assert_eq!(inv.program, "/usr/bin/prog");
        assert_eq!(inv.argv, v(&["/usr/bin/prog", "-x", "binfmt"]));
        // A program whose name looks like an option or like the subcommand is still the program.
        let inv = detect(&v(&["/r", "-strace"]), &aux("-strace", 0, None)).unwrap();
        assert_eq!(inv.argv, v(&["-strace"]));
        let inv = detect(&v(&["/r", "binfmt", "install"]), &aux("binfmt", 0, None)).unwrap();
        assert_eq!((inv.program.as_os_str(), inv.argv), ("binfmt".as_ref(), v(&["binfmt", "install"])));
    }

    #[test]
    fn with_p_argv0_is_kept() {
        let a = aux("/usr/bin/prog", AT_FLAGS_PRESERVE_ARGV0, None);
        let inv = detect(&v(&["/r", "/usr/bin/prog", "prog", "a", ""]), &a).unwrap();
        assert_eq!(inv.program, "/usr/bin/prog");
        assert_eq!(inv.argv, v(&["prog", "a", ""]));
        // A #! script run through a P entry: argv[1] is the script's interpreter line, not
        // AT_EXECFN, and the P bit alone tells.
        let a = aux("/tmp/script", AT_FLAGS_PRESERVE_ARGV0, None);
        let inv = detect(&v(&["/r", "/bin/busybox", "/bin/busybox", "/tmp/script", "x"]), &a).unwrap();
        assert_eq!(inv.program, "/bin/busybox");
        assert_eq!(inv.argv, v(&["/bin/busybox", "/tmp/script", "x"]));
    }

    #[test]
    fn execfd_alone_tells_and_is_passed_on() {
        let a = aux("/dev/fd/5", 0, Some(3));
        let inv = detect(&v(&["/r", "/tmp/prog-by-another-name", "a"]), &a).unwrap();
        assert_eq!(inv.execfd, Some(3));
        assert_eq!(inv.argv, v(&["/tmp/prog-by-another-name", "a"]));
    }

    #[test]
    fn own_auxv_is_readable() {
        let a = Aux::current();
        assert!(a.execfn.is_some());
        assert_eq!(a.execfd, None);
        assert!(!a.secure);
    }
}
