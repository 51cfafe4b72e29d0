//! Flag translation between guest and host values, and flag names for strace.

use super::Abi;

/// Translate bits through a (guest, host) table; bits not in the table pass through.
fn translate(v: u32, table: &[(u32, u32)], to_host: bool) -> u32 {
    let mut out = v;
    for &(g, h) in table {
        out &= !(if to_host { g } else { h });
    }
    for &(g, h) in table {
        let (from, to) = if to_host { (g, h) } else { (h, g) };
        if v & from != 0 {
            out |= to;
        }
    }
    out
}

/// Guest open(2)/fcntl(F_SETFL) flags → host flags.
pub fn open_to_host(abi: &Abi, guest: u32) -> i32 {
    translate(guest, abi.open_flags, true) as i32
}

/// Host open flags (fcntl F_GETFL) → guest flags.
pub fn open_to_guest(abi: &Abi, host: i32) -> u32 {
    translate(host as u32, abi.open_flags, false)
}

/// fcntl commands we know, by meaning. The asm-generic numbers equal x86-64's, so this is
/// the identity for aarch64; it is a function so other guests can differ.
pub fn fcntl_cmd_to_host(_abi: &Abi, cmd: u32) -> i32 {
    cmd as i32
}

/// Names of host open flags (access mode handled separately), for strace.
const OPEN_NAMES: &[(i32, &str)] = &[
    (libc::O_CREAT, "O_CREAT"),
    (libc::O_EXCL, "O_EXCL"),
    (libc::O_NOCTTY, "O_NOCTTY"),
    (libc::O_TRUNC, "O_TRUNC"),
    (libc::O_APPEND, "O_APPEND"),
    (libc::O_NONBLOCK, "O_NONBLOCK"),
    (libc::O_DSYNC, "O_DSYNC"),
    (libc::O_ASYNC, "O_ASYNC"),
    (libc::O_DIRECT, "O_DIRECT"),
    (0o100000, "O_LARGEFILE"), // the kernel's value; glibc's libc::O_LARGEFILE is 0
    (libc::O_DIRECTORY, "O_DIRECTORY"),
    (libc::O_NOFOLLOW, "O_NOFOLLOW"),
    (libc::O_NOATIME, "O_NOATIME"),
    (libc::O_CLOEXEC, "O_CLOEXEC"),
    (libc::O_SYNC & !libc::O_DSYNC, "O_SYNC"),
    (libc::O_PATH, "O_PATH"),
    (libc::O_TMPFILE & !libc::O_DIRECTORY, "O_TMPFILE"),
];

/// Format guest open flags like strace: `O_RDONLY|O_CLOEXEC`.
pub fn open_flags_str(abi: &Abi, guest: u32) -> String {
    let host = open_to_host(abi, guest);
    let mut s = String::from(match host & libc::O_ACCMODE {
        libc::O_RDONLY => "O_RDONLY",
        libc::O_WRONLY => "O_WRONLY",
        libc::O_RDWR => "O_RDWR",
        _ => "O_ACCMODE",
    });
    let rest = bits_str(host & !libc::O_ACCMODE, OPEN_NAMES);
    if !rest.is_empty() {
        s.push('|');
        s.push_str(&rest);
    }
    s
}

/// `A|B|0x40` for the named bits of `v`, with any remainder in hex; "" for 0.
pub fn bits_str(v: i32, names: &[(i32, &str)]) -> String {
    let mut parts = Vec::new();
    let mut rest = v;
    for &(bit, name) in names {
        if bit != 0 && rest & bit == bit {
            parts.push(name.to_string());
            rest &= !bit;
        }
    }
    if rest != 0 {
        parts.push(format!("{rest:#x}"));
    }
    parts.join("|")
}

/// Guest mmap prot names (PROT_* are the same on every Linux ABI; PROT_BTI/PROT_MTE are arm64's).
pub const PROT_NAMES: &[(i32, &str)] = &[(1, "PROT_READ"), (2, "PROT_WRITE"), (4, "PROT_EXEC"), (0x10, "PROT_BTI"), (0x20, "PROT_MTE")];

/// Guest mmap flag names (asm-generic values).
pub const MAP_NAMES: &[(i32, &str)] = &[
    (0x03, "MAP_SHARED_VALIDATE"),
    (0x01, "MAP_SHARED"),
    (0x02, "MAP_PRIVATE"),
    (0x10, "MAP_FIXED"),
    (0x20, "MAP_ANONYMOUS"),
    (0x100, "MAP_GROWSDOWN"),
    (0x800, "MAP_DENYWRITE"),
    (0x1000, "MAP_EXECUTABLE"),
    (0x2000, "MAP_LOCKED"),
    (0x4000, "MAP_NORESERVE"),
    (0x8000, "MAP_POPULATE"),
    (0x10000, "MAP_NONBLOCK"),
    (0x20000, "MAP_STACK"),
    (0x40000, "MAP_HUGETLB"),
    (0x100000, "MAP_FIXED_NOREPLACE"),
];

pub fn prot_str(v: u32) -> String {
    if v == 0 {
        return "PROT_NONE".into();
    }
    bits_str(v as i32, PROT_NAMES)
}

pub fn map_str(v: u32) -> String {
    let s = bits_str(v as i32, MAP_NAMES);
    if s.is_empty() {
        "0".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linux::convert::aarch64::ABI;

    #[test]
    fn open_flags_aarch64() {
        // Guest (arm64) values → x86-64 host values.
        assert_eq!(open_to_host(&ABI, 0x4000), libc::O_DIRECTORY);
        assert_eq!(open_to_host(&ABI, 0x8000), libc::O_NOFOLLOW);
        assert_eq!(open_to_host(&ABI, 0x10000), libc::O_DIRECT);
        assert_eq!(open_to_host(&ABI, 0x20000), 0x8000); // kernel O_LARGEFILE
        assert_eq!(open_to_host(&ABI, 0o2000000 | 0o100 | 2), libc::O_CLOEXEC | libc::O_CREAT | libc::O_RDWR);
        // O_TMPFILE on arm64 is 0x404000 (__O_TMPFILE | O_DIRECTORY).
        assert_eq!(open_to_host(&ABI, 0x404000), libc::O_TMPFILE);
        // Both ways are inverse.
        for g in [0u32, 0x4000, 0x8000, 0x10000, 0x20000, 0x3c000, 0x80441, 0x404002] {
            assert_eq!(open_to_guest(&ABI, open_to_host(&ABI, g)), g);
        }
        assert_eq!(open_to_guest(&ABI, libc::O_DIRECTORY | libc::O_NONBLOCK), 0x4000 | 0o4000);
    }

    #[test]
    fn open_flag_names() {
        assert_eq!(open_flags_str(&ABI, 0o2000000), "O_RDONLY|O_CLOEXEC");
        assert_eq!(open_flags_str(&ABI, 0x4000 | 0o2000000 | 0o4000), "O_RDONLY|O_NONBLOCK|O_DIRECTORY|O_CLOEXEC");
        assert_eq!(open_flags_str(&ABI, 0o1101), "O_WRONLY|O_CREAT|O_TRUNC");
        assert_eq!(prot_str(3), "PROT_READ|PROT_WRITE");
        assert_eq!(prot_str(0), "PROT_NONE");
        assert_eq!(map_str(0x22), "MAP_PRIVATE|MAP_ANONYMOUS");
        assert_eq!(map_str(0x13), "MAP_SHARED_VALIDATE|MAP_FIXED");
    }
}
