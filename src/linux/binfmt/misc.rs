//! The binfmt_misc file system: finding or mounting it, listing, registering, enabling and
//! removing entries. Every failure is one sentence for the user.

use super::entry::Entry;
use std::ffi::CString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Where binfmt_misc lives unless RUSER_BINFMT_MISC says otherwise.
pub const DEFAULT_DIR: &str = "/proc/sys/fs/binfmt_misc";

/// The binfmt_misc directory to use.
pub fn dir() -> PathBuf {
    std::env::var_os("RUSER_BINFMT_MISC").filter(|v| !v.is_empty()).map(PathBuf::from).unwrap_or_else(|| PathBuf::from(DEFAULT_DIR))
}

/// Whether binfmt_misc is mounted at `dir` (its `register` file exists).
pub fn is_mounted(dir: &Path) -> bool {
    dir.join("register").exists()
}

/// Mount binfmt_misc at `dir` unless it is there already. Ok(true) if it was mounted now.
pub fn ensure_mounted(dir: &Path) -> Result<bool, String> {
    if is_mounted(dir) {
        return Ok(false);
    }
    if !dir.is_dir() {
        return Err(format!(
            "{} does not exist, so binfmt_misc cannot be mounted there (is /proc mounted? RUSER_BINFMT_MISC names another place)",
            dir.display()
        ));
    }
    let target = CString::new(dir.as_os_str().as_bytes()).map_err(|_| format!("{}: bad path", dir.display()))?;
    let fs = c"binfmt_misc";
    let flags = libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC;
    // SAFETY: valid NUL-terminated strings; no data argument.
    if unsafe { libc::mount(fs.as_ptr(), target.as_ptr(), fs.as_ptr(), flags, std::ptr::null()) } != 0 {
        let e = std::io::Error::last_os_error();
        let why = match e.raw_os_error() {
            Some(libc::ENODEV) => "this kernel has no binfmt_misc support (CONFIG_BINFMT_MISC)".to_string(),
            Some(libc::EPERM | libc::EACCES) => "permission denied (a container without CAP_SYS_ADMIN cannot mount it: register ruser on the host)".to_string(),
            _ => e.to_string(),
        };
        return Err(format!("cannot mount binfmt_misc at {}: {why}", dir.display()));
    }
    Ok(true)
}

/// The global on/off switch (`status` file): Some(true) when enabled.
pub fn globally_enabled(dir: &Path) -> Option<bool> {
    match std::fs::read_to_string(dir.join("status")).ok()?.trim() {
        "enabled" => Some(true),
        "disabled" => Some(false),
        _ => None,
    }
}

/// Every entry, sorted by name. Entries that vanish while being read are skipped.
pub fn list(dir: &Path) -> Result<Vec<Entry>, String> {
    let rd = std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut out = Vec::new();
    for de in rd.flatten() {
        let name = de.file_name().to_string_lossy().into_owned();
        if name == "register" || name == "status" {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(de.path()) {
            if let Some(e) = Entry::parse(&name, &text) {
                out.push(e);
            }
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Read one entry; None if it is not registered.
pub fn read(dir: &Path, name: &str) -> Option<Entry> {
    let text = std::fs::read_to_string(dir.join(name)).ok()?;
    Entry::parse(name, &text)
}

fn write_file(path: &Path, data: &[u8]) -> std::io::Result<()> {
    // One write() call: binfmt_misc takes each write as one command.
    let mut f = std::fs::OpenOptions::new().write(true).open(path)?;
    let n = f.write(data)?;
    if n != data.len() {
        return Err(std::io::Error::other("short write"));
    }
    Ok(())
}

fn explain(e: &std::io::Error, what: &str) -> String {
    match e.raw_os_error() {
        Some(libc::EEXIST) => format!("{what}: an entry with that name exists already"),
        Some(libc::EPERM | libc::EACCES) => format!("{what}: permission denied (binfmt_misc needs root, or CAP_SYS_ADMIN in a container)"),
        Some(libc::ENOENT) => format!("{what}: the interpreter does not exist"),
        Some(libc::EINVAL) => format!("{what}: the kernel refused the entry as invalid ({e})"),
        _ => format!("{what}: {e}"),
    }
}

/// Register `e`.
pub fn register(dir: &Path, e: &Entry) -> Result<(), String> {
    let line = e.register_line()?;
    write_file(&dir.join("register"), line.as_bytes()).map_err(|err| explain(&err, &format!("cannot register {}", e.name)))
}

/// Remove the entry `name`.
pub fn remove(dir: &Path, name: &str) -> Result<(), String> {
    write_file(&dir.join(name), b"-1").map_err(|err| explain(&err, &format!("cannot remove {name}")))
}

/// Enable the entry `name`.
pub fn enable(dir: &Path, name: &str) -> Result<(), String> {
    write_file(&dir.join(name), b"1").map_err(|err| explain(&err, &format!("cannot enable {name}")))
}
