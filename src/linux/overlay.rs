//! The sysroot overlay: how a path the guest names maps to a host path.
//!
//! With a sysroot (`-L`, or the one found for the interpreter), the guest sees one file system
//! made of two layers, the sysroot above the host's `/`:
//!
//! - **Lookup.** An absolute path names the sysroot's file when the sysroot holds it (every
//!   component present, symlinks followed *inside* the sysroot: an absolute link target
//!   restarts at the sysroot's root, `..` never leaves it); otherwise it names the host's file
//!   at the same path.
//! - **New names.** A path that names nothing yet, on either side (a file about to be
//!   created), is created where its directory is by the rule above: in the sysroot when the
//!   sysroot holds every component but the last (so the directory the guest sees, and lists,
//!   is the sysroot's), on the host otherwise. So what the guest creates it finds again at
//!   the same path, and a program writing next to its own files (python's `__pycache__`)
//!   writes into the sysroot, not into the host's directory of the same name. A read-only
//!   sysroot (not writable by the user ruser runs as) takes no new names: they go to the
//!   host, as everything did before this rule.
//! - **Relative paths** are looked up the same way, as the absolute path they denote: when the
//!   working directory (or the `*at()` dirfd) is a directory inside the sysroot, its guest path
//!   is the host path with the sysroot prefix removed, and `name` relative to it is the
//!   absolute guest path `dir/name`.
//! - **Listings.** A directory read through the sysroot lists the sysroot's entries followed by
//!   the host's entries of the directory at the same guest path that the sysroot lacks (a
//!   union). So every listed name opens, and every name that opens is listed.
//! - **The guest's view of host paths.** getcwd, and readlink of /proc's magic links
//!   (/proc/self/cwd, /proc/self/fd/N), show a host path inside the sysroot without the sysroot
//!   prefix.
//!
//! Without a sysroot every path is passed to the host unchanged.

use nix::errno::Errno;
use std::collections::HashMap;
use std::ffi::{CString, OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// A host path for a path-taking syscall: use `path` relative to `dirfd`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPath {
    pub dirfd: i32,
    pub path: CString,
}

/// The overlay of one process.
#[derive(Debug, Default)]
pub struct Overlay {
    /// The sysroot, canonical (so that it is a prefix of the kernel's own paths), as bytes
    /// without a trailing slash.
    root: Option<Vec<u8>>,
    /// Per directory fd that reads as a union: the host entries still to list.
    unions: Mutex<HashMap<i32, Union>>,
    /// The sysroot takes new names (it is writable by this user).
    writable: bool,
}

#[derive(Debug)]
struct Union {
    /// Identity of the directory the fd had when the state was made (fds get reused).
    dev_ino: (u64, u64),
    /// Host-only entries: (inode, d_type, name).
    rest: Vec<(u64, u8, Vec<u8>)>,
}

/// Resolve `path` inside `root` as a chroot would: absolute symlinks restart at `root`, `..`
/// stops at it. The final component is followed only when `follow`. None when something on
/// the way does not exist in `root` (or a loop of symlinks).
pub fn resolve_in(root: &Path, path: &Path, follow: bool) -> Option<PathBuf> {
    match resolve_in_detail(root, path, follow) {
        InRoot::Found(p) => Some(p),
        _ => None,
    }
}

/// How far `resolve_in` got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InRoot {
    /// The path exists inside the root: this host path.
    Found(PathBuf),
    /// Everything exists but the last name (after following symlinks: the name a creating
    /// call would make): the directory (a host path inside the root) and that name.
    Missing { dir: PathBuf, name: OsString },
    /// Something before the last name is missing, is not a directory, or loops.
    Absent,
}

/// `resolve_in`, saying where a path that does not resolve stops.
pub fn resolve_in_detail(root: &Path, path: &Path, follow: bool) -> InRoot {
    fn push_all(todo: &mut Vec<OsString>, p: &Path) {
        for c in p.components().rev() {
            match c {
                Component::Normal(s) => todo.push(s.to_os_string()),
                Component::ParentDir => todo.push("..".into()),
                _ => {}
            }
        }
    }
    let mut todo: Vec<OsString> = Vec::new();
    push_all(&mut todo, path);
    let mut cur = PathBuf::new();
    let mut hops = 0;
    while let Some(c) = todo.pop() {
        if c == ".." {
            cur.pop();
            continue;
        }
        let next = cur.join(&c);
        let full = root.join(&next);
        let md = match std::fs::symlink_metadata(&full) {
            Ok(md) => md,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && todo.is_empty() => return InRoot::Missing { dir: root.join(cur), name: c },
            Err(_) => return InRoot::Absent,
        };
        if md.file_type().is_symlink() && (follow || !todo.is_empty()) {
            hops += 1;
            if hops > 40 {
                return InRoot::Absent;
            }
            let Ok(target) = std::fs::read_link(&full) else { return InRoot::Absent };
            if target.is_absolute() {
                cur = PathBuf::new();
            }
            push_all(&mut todo, &target);
        } else {
            cur = next;
        }
    }
    InRoot::Found(root.join(cur))
}

fn cstring(b: Vec<u8>) -> Result<CString, Errno> {
    CString::new(b).map_err(|_| Errno::EINVAL)
}

/// The host path an fd refers to (its /proc/self/fd link).
fn fd_path(fd: i32) -> Option<Vec<u8>> {
    std::fs::read_link(format!("/proc/self/fd/{fd}")).ok().map(|p| p.into_os_string().into_vec())
}

impl Overlay {
    /// The overlay of sysroot `root` (None: no overlay).
    pub fn new(root: Option<&Path>) -> Overlay {
        let root = root.map(|r| {
            let c = std::fs::canonicalize(r).unwrap_or_else(|_| r.to_path_buf());
            let mut b = c.into_os_string().into_vec();
            while b.len() > 1 && b.ends_with(b"/") {
                b.pop();
            }
            b
        });
        // A sysroot of "/" is no overlay at all.
        let root = root.filter(|r| r.as_slice() != b"/");
        let writable = root.as_ref().is_some_and(|r| {
            let c = CString::new(r.clone()).unwrap_or_default();
            // SAFETY: a NUL-terminated path.
            unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
        });
        Overlay { root, unions: Mutex::new(HashMap::new()), writable }
    }

    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref().map(|b| Path::new(OsStr::from_bytes(b)))
    }

    /// The guest path of a host path inside the sysroot (None when it is outside).
    pub fn guest_of(&self, host: &[u8]) -> Option<Vec<u8>> {
        let root = self.root.as_deref()?;
        let rest = host.strip_prefix(root)?;
        match rest.first() {
            None => Some(b"/".to_vec()),
            Some(b'/') => Some(rest.to_vec()),
            _ => None,
        }
    }

    /// The guest's view of a host path: without the sysroot prefix when inside it.
    pub fn to_guest(&self, host: &[u8]) -> Vec<u8> {
        self.guest_of(host).unwrap_or_else(|| host.to_vec())
    }

    /// The sysroot's copy of absolute guest path `path`, if the sysroot holds it.
    pub fn in_root(&self, path: &[u8], follow: bool) -> Option<Vec<u8>> {
        let root = self.root()?;
        if path.first() != Some(&b'/') {
            return None;
        }
        let mut h = resolve_in(root, Path::new(OsStr::from_bytes(path)), follow)?.into_os_string().into_vec();
        if path.ends_with(b"/") && !h.ends_with(b"/") {
            h.push(b'/');
        }
        Some(h)
    }

    /// The sysroot's path for absolute guest path `path`: its copy when the sysroot holds it,
    /// or, when the path names nothing on either side but its directory is the sysroot's (and
    /// the sysroot is writable), the new name in that directory (the rule for new names in
    /// the module comment). None: the host's path.
    fn in_root_or_new(&self, path: &[u8], follow: bool) -> Option<Vec<u8>> {
        let root = self.root()?;
        if path.first() != Some(&b'/') {
            return None;
        }
        let mut h = match resolve_in_detail(root, Path::new(OsStr::from_bytes(path)), follow) {
            InRoot::Found(p) => p,
            InRoot::Missing { dir, name } if self.writable => {
                let mut guest = self.guest_of(dir.as_os_str().as_bytes())?;
                if !guest.ends_with(b"/") {
                    guest.push(b'/');
                }
                guest.extend_from_slice(name.as_bytes());
                // A name the host has is the host's, as for any lookup (the name given, and the
                // name a dangling symlink of the sysroot points to).
                let on_host = |p: &[u8]| std::fs::symlink_metadata(OsStr::from_bytes(p)).is_ok();
                if on_host(path) || (guest.as_slice() != path.strip_suffix(b"/").unwrap_or(path) && on_host(&guest)) {
                    return None;
                }
                dir.join(name)
            }
            _ => return None,
        }
        .into_os_string()
        .into_vec();
        if path.ends_with(b"/") && !h.ends_with(b"/") {
            h.push(b'/');
        }
        Some(h)
    }

    /// The guest path of directory `dirfd` (`AT_FDCWD`: the working directory) when it lies
    /// inside the sysroot.
    fn guest_dir(&self, dirfd: i32) -> Option<Vec<u8>> {
        self.root.as_ref()?;
        let host = if dirfd == libc::AT_FDCWD { std::env::current_dir().ok()?.into_os_string().into_vec() } else { fd_path(dirfd)? };
        self.guest_of(&host)
    }

    /// The absolute guest path that `path` relative to `dirfd` denotes, when the overlay
    /// applies to it (absolute, or relative to a directory inside the sysroot).
    pub fn guest_abs(&self, dirfd: i32, path: &[u8]) -> Option<Vec<u8>> {
        self.root.as_ref()?;
        if path.first() == Some(&b'/') {
            return Some(path.to_vec());
        }
        if path.is_empty() {
            return None;
        }
        let mut g = self.guest_dir(dirfd)?;
        if !g.ends_with(b"/") {
            g.push(b'/');
        }
        g.extend_from_slice(path);
        Some(g)
    }

    /// The host path for the guest's `path` relative to `dirfd`, following a final symlink
    /// when `follow` (the rule in the module comment).
    pub fn resolve(&self, dirfd: i32, path: &CString, follow: bool) -> Result<HostPath, Errno> {
        let b = path.as_bytes();
        let Some(abs) = self.guest_abs(dirfd, b) else {
            return Ok(HostPath { dirfd, path: path.clone() });
        };
        if let Some(h) = self.in_root_or_new(&abs, follow) {
            return Ok(HostPath { dirfd: libc::AT_FDCWD, path: cstring(h)? });
        }
        if b.first() == Some(&b'/') {
            Ok(HostPath { dirfd, path: path.clone() })
        } else {
            // Relative to a sysroot directory, missing there: the host's file at that guest path.
            Ok(HostPath { dirfd: libc::AT_FDCWD, path: cstring(abs)? })
        }
    }

    /// The guest's working directory.
    pub fn getcwd(&self) -> std::io::Result<Vec<u8>> {
        Ok(self.to_guest(std::env::current_dir()?.as_os_str().as_bytes()))
    }

    // ------------------------------------------------------------ union listings

    /// Forget the union state of `fd` (its sysroot part is being listed again).
    pub fn union_reset(&self, fd: i32) {
        if self.root.is_some() {
            self.unions.lock().unwrap_or_else(|e| e.into_inner()).remove(&fd);
        }
    }

    /// After the host listing of directory `fd` has ended: the host's entries that the
    /// sysroot lacks, as host `linux_dirent64` records fitting in `len` bytes (empty at the
    /// end). EINVAL when not even one fits, as the kernel.
    pub fn union_more(&self, fd: i32, len: usize) -> Result<Vec<u8>, Errno> {
        if self.root.is_none() {
            return Ok(Vec::new());
        }
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: plain fstat into a local.
        if unsafe { libc::fstat(fd, &mut st) } != 0 || st.st_mode & libc::S_IFMT != libc::S_IFDIR {
            return Ok(Vec::new());
        }
        let id = (st.st_dev, st.st_ino);
        let mut unions = self.unions.lock().unwrap_or_else(|e| e.into_inner());
        if unions.get(&fd).is_none_or(|u| u.dev_ino != id) {
            let rest = self.host_only_entries(fd, id).unwrap_or_default();
            unions.insert(fd, Union { dev_ino: id, rest });
        }
        let u = unions.get_mut(&fd).expect("just inserted");
        let mut out = Vec::new();
        let mut taken = 0;
        for (ino, ty, name) in &u.rest {
            let reclen = (19 + name.len() + 1).div_ceil(8) * 8;
            if out.len() + reclen > len {
                break;
            }
            let start = out.len();
            out.extend_from_slice(&ino.to_le_bytes());
            out.extend_from_slice(&(i64::MAX - (u.rest.len() - taken) as i64).to_le_bytes());
            out.extend_from_slice(&(reclen as u16).to_le_bytes());
            out.push(*ty);
            out.extend_from_slice(name);
            out.resize(start + reclen, 0);
            taken += 1;
        }
        if taken == 0 && !u.rest.is_empty() {
            return Err(Errno::EINVAL);
        }
        u.rest.drain(..taken);
        Ok(out)
    }

    /// Entries of the host directory at the guest path of sysroot directory `fd` that the
    /// sysroot directory does not have.
    fn host_only_entries(&self, fd: i32, id: (u64, u64)) -> Option<Vec<(u64, u8, Vec<u8>)>> {
        use std::os::unix::fs::{DirEntryExt, MetadataExt};
        let guest = self.guest_of(&fd_path(fd)?)?;
        let host = Path::new(OsStr::from_bytes(&guest));
        let md = std::fs::metadata(host).ok()?;
        if !md.is_dir() || (md.dev(), md.ino()) == id {
            return None;
        }
        let mut out = Vec::new();
        for e in std::fs::read_dir(host).ok()?.flatten() {
            let name = e.file_name().into_vec();
            let c = CString::new(name.clone()).ok()?;
            let mut st: libc::stat = unsafe { std::mem::zeroed() };
            // SAFETY: valid fd and NUL-terminated name.
            if unsafe { libc::fstatat(fd, c.as_ptr(), &mut st, libc::AT_SYMLINK_NOFOLLOW) } == 0 {
                continue;
            }
            let ty = match e.file_type() {
                Ok(t) if t.is_dir() => libc::DT_DIR,
                Ok(t) if t.is_symlink() => libc::DT_LNK,
                Ok(t) if t.is_file() => libc::DT_REG,
                Ok(t) => {
                    use std::os::unix::fs::FileTypeExt;
                    if t.is_fifo() {
                        libc::DT_FIFO
                    } else if t.is_socket() {
                        libc::DT_SOCK
                    } else if t.is_char_device() {
                        libc::DT_CHR
                    } else if t.is_block_device() {
                        libc::DT_BLK
                    } else {
                        libc::DT_UNKNOWN
                    }
                }
                Err(_) => libc::DT_UNKNOWN,
            };
            out.push((e.ino(), ty, name));
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Tmp(PathBuf);
    impl Drop for Tmp {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    fn tmp(tag: &str) -> Tmp {
        let d = std::env::temp_dir().join(format!("ruser-overlay-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Tmp(std::fs::canonicalize(&d).unwrap())
    }
    fn c(s: &str) -> CString {
        CString::new(s).unwrap()
    }

    #[test]
    fn resolve_inside_a_root() {
        let t = tmp("resolve");
        let d = &t.0;
        std::fs::create_dir_all(d.join("lib/real")).unwrap();
        std::fs::write(d.join("lib/real/ld.so"), b"x").unwrap();
        // An absolute symlink must be followed inside the root, not on the host.
        std::os::unix::fs::symlink("/lib/real/ld.so", d.join("lib/ld-abs.so")).unwrap();
        std::os::unix::fs::symlink("real/ld.so", d.join("lib/ld-rel.so")).unwrap();
        std::os::unix::fs::symlink("/lib", d.join("lib64")).unwrap();
        assert_eq!(resolve_in(d, Path::new("/lib/ld-abs.so"), true), Some(d.join("lib/real/ld.so")));
        assert_eq!(resolve_in(d, Path::new("/lib/ld-rel.so"), true), Some(d.join("lib/real/ld.so")));
        assert_eq!(resolve_in(d, Path::new("/lib64/ld-abs.so"), true), Some(d.join("lib/real/ld.so")));
        assert_eq!(resolve_in(d, Path::new("/lib/ld-abs.so"), false), Some(d.join("lib/ld-abs.so")));
        assert_eq!(resolve_in(d, Path::new("/../../lib/real/ld.so"), true), Some(d.join("lib/real/ld.so")));
        assert_eq!(resolve_in(d, Path::new("/lib/missing.so"), true), None);
    }

    #[test]
    fn lookups_fall_back_to_the_host() {
        let t = tmp("lookup");
        let d = &t.0;
        std::fs::create_dir_all(d.join("etc")).unwrap();
        std::fs::write(d.join("etc/only-in-root"), b"x").unwrap();
        let o = Overlay::new(Some(d));
        let r = o.resolve(libc::AT_FDCWD, &c("/etc/only-in-root"), true).unwrap();
        assert_eq!(r.path.as_bytes(), d.join("etc/only-in-root").as_os_str().as_bytes());
        let r = o.resolve(libc::AT_FDCWD, &c("/etc/passwd"), true).unwrap();
        assert_eq!(r, HostPath { dirfd: libc::AT_FDCWD, path: c("/etc/passwd") });
        assert_eq!(o.to_guest(d.join("etc").as_os_str().as_bytes()), b"/etc");
        assert_eq!(o.to_guest(d.as_os_str().as_bytes()), b"/");
        assert_eq!(o.to_guest(b"/usr/bin"), b"/usr/bin");
        // A path of the host that merely starts with the root's bytes is not inside it.
        let mut sibling = d.as_os_str().as_bytes().to_vec();
        sibling.extend_from_slice(b"x/y");
        assert_eq!(o.guest_of(&sibling), None);
        // No sysroot: unchanged, relative paths and dirfds too.
        let none = Overlay::new(None);
        assert_eq!(none.resolve(5, &c("a/b"), true).unwrap(), HostPath { dirfd: 5, path: c("a/b") });
    }

    #[test]
    fn relative_to_a_sysroot_dirfd() {
        let t = tmp("rel");
        let d = &t.0;
        std::fs::create_dir_all(d.join("usr/lib")).unwrap();
        std::fs::write(d.join("usr/lib/f"), b"x").unwrap();
        let o = Overlay::new(Some(d));
        let dir = std::fs::File::open(d.join("usr")).unwrap();
        use std::os::fd::AsRawFd;
        let r = o.resolve(dir.as_raw_fd(), &c("lib/f"), true).unwrap();
        assert_eq!(r.path.as_bytes(), d.join("usr/lib/f").as_os_str().as_bytes());
        // Missing in the sysroot: the host's file at the same guest path.
        let r = o.resolve(dir.as_raw_fd(), &c("bin/nothing-here"), true).unwrap();
        assert_eq!(r, HostPath { dirfd: libc::AT_FDCWD, path: c("/usr/bin/nothing-here") });
        // A new name in a sysroot directory: the sysroot's.
        let r = o.resolve(dir.as_raw_fd(), &c("lib/nothing-here"), true).unwrap();
        assert_eq!(r.path.as_bytes(), d.join("usr/lib/nothing-here").as_os_str().as_bytes());
    }

    /// A sysroot `root` whose `root/<host>` mirrors a temp directory `host` of the host, so that
    /// one guest path exists on both sides.
    fn both_sides(tag: &str) -> (Tmp, Tmp, PathBuf) {
        let root = tmp(&format!("{tag}-root"));
        let host = tmp(&format!("{tag}-host"));
        let in_root = root.0.join(host.0.strip_prefix("/").unwrap());
        std::fs::create_dir_all(&in_root).unwrap();
        (root, host, in_root)
    }

    #[test]
    fn new_names_go_where_their_directory_is() {
        let (root, host, in_root) = both_sides("new");
        let o = Overlay::new(Some(&root.0));
        assert!(o.writable);
        let g = |rest: &str| c(&format!("{}/{rest}", host.0.display()));
        let h = |p: &Path| c(p.to_str().unwrap());
        // A new name in a directory both sides have: the sysroot's, which the guest sees.
        let r = o.resolve(libc::AT_FDCWD, &g("new.pyc"), true).unwrap();
        assert_eq!(r.path, h(&in_root.join("new.pyc")));
        assert_eq!(o.resolve(libc::AT_FDCWD, &g("newdir/"), false).unwrap().path.as_bytes(), format!("{}/", in_root.join("newdir").display()).as_bytes());
        // A name the host has stays the host's.
        std::fs::write(host.0.join("host-only"), b"h").unwrap();
        assert_eq!(o.resolve(libc::AT_FDCWD, &g("host-only"), true).unwrap().path, g("host-only"));
        // A directory the sysroot lacks: the host's.
        std::fs::create_dir(host.0.join("hostdir")).unwrap();
        assert_eq!(o.resolve(libc::AT_FDCWD, &g("hostdir/new"), true).unwrap().path, g("hostdir/new"));
        assert_eq!(o.resolve(libc::AT_FDCWD, &g("nowhere/new"), true).unwrap().path, g("nowhere/new"));
        // Relative to a sysroot directory.
        let dir = std::fs::File::open(&in_root).unwrap();
        use std::os::fd::AsRawFd;
        assert_eq!(o.resolve(dir.as_raw_fd(), &c("rel.txt"), true).unwrap().path, h(&in_root.join("rel.txt")));
        // Through a dangling symlink of the sysroot: its target, when followed.
        let target = format!("{}/target", host.0.display());
        std::os::unix::fs::symlink(&target, in_root.join("link")).unwrap();
        assert_eq!(o.resolve(libc::AT_FDCWD, &g("link"), true).unwrap().path, h(&in_root.join("target")));
        assert_eq!(o.resolve(libc::AT_FDCWD, &g("link"), false).unwrap().path, h(&in_root.join("link")));
        // ... unless the host has the link's name or its target.
        std::fs::write(&target, b"h").unwrap();
        assert_eq!(o.resolve(libc::AT_FDCWD, &g("link"), true).unwrap().path, g("link"));
        // A read-only sysroot takes no new names.
        let ro = Overlay { writable: false, ..Overlay::new(Some(&root.0)) };
        assert_eq!(ro.resolve(libc::AT_FDCWD, &g("new.pyc"), true).unwrap().path, g("new.pyc"));
        // What was created is found again at the same path.
        std::fs::write(in_root.join("made"), b"r").unwrap();
        assert_eq!(o.resolve(libc::AT_FDCWD, &g("made"), true).unwrap().path, h(&in_root.join("made")));
        assert_eq!(resolve_in_detail(&root.0, Path::new("/no/such/dir/x"), true), InRoot::Absent);
    }

    #[test]
    fn union_listing_adds_host_only_names() {
        let t = tmp("union");
        let d = &t.0;
        // The guest path of the sysroot's directory is a host directory too: use a second
        // temp dir as "host" by making the root's copy live at root/<host path>.
        let host_dir = std::env::temp_dir().join(format!("ruser-overlay-union-host-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&host_dir);
        std::fs::create_dir_all(&host_dir).unwrap();
        let host_dir = std::fs::canonicalize(&host_dir).unwrap();
        let _g = Tmp(host_dir.clone());
        std::fs::write(host_dir.join("shared"), b"h").unwrap();
        std::fs::write(host_dir.join("host-only"), b"h").unwrap();
        let in_root = d.join(host_dir.strip_prefix("/").unwrap());
        std::fs::create_dir_all(&in_root).unwrap();
        std::fs::write(in_root.join("shared"), b"r").unwrap();
        std::fs::write(in_root.join("root-only"), b"r").unwrap();
        let o = Overlay::new(Some(d));
        let dir = std::fs::File::open(&in_root).unwrap();
        use std::os::fd::AsRawFd;
        let fd = dir.as_raw_fd();
        let extra = o.union_more(fd, 4096).unwrap();
        let names: Vec<&[u8]> = {
            let mut v = Vec::new();
            let mut off = 0;
            while off < extra.len() {
                let reclen = u16::from_le_bytes([extra[off + 16], extra[off + 17]]) as usize;
                let name = &extra[off + 19..off + reclen];
                v.push(&name[..name.iter().position(|&b| b == 0).unwrap()]);
                off += reclen;
            }
            v
        };
        assert_eq!(names, vec![b"host-only" as &[u8]]);
        assert!(o.union_more(fd, 4096).unwrap().is_empty());
        assert_eq!(o.union_more(fd, 8), Ok(Vec::new()));
    }
}
