//! errno numbers: host ⇄ guest, and names for strace.

use super::Abi;
use nix::errno::Errno;

/// The guest errno for a host error.
pub fn to_guest(abi: &Abi, e: Errno) -> i32 {
    (abi.errno_to_guest)(e as i32)
}

/// Symbolic name and description of a guest errno: ("ENOENT", "No such file or directory").
pub fn name(abi: &Abi, guest: i32) -> (String, &'static str) {
    let host = (abi.errno_from_guest)(guest);
    let e = Errno::from_raw(host);
    if e == Errno::UnknownErrno {
        return (guest.to_string(), "Unknown error");
    }
    (format!("{e:?}"), e.desc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linux::convert::aarch64::ABI;

    #[test]
    fn errno_identity_and_names() {
        assert_eq!(to_guest(&ABI, Errno::ENOENT), 2);
        assert_eq!(to_guest(&ABI, Errno::ENOSYS), 38);
        assert_eq!(to_guest(&ABI, Errno::EAGAIN), 11);
        assert_eq!(name(&ABI, 2), ("ENOENT".to_string(), "No such file or directory"));
        assert_eq!(name(&ABI, 38).0, "ENOSYS");
        assert_eq!(name(&ABI, 25).0, "ENOTTY");
        assert_eq!(name(&ABI, 4000).0, "4000");
    }
}
