//! Dispatch-level tests of what an aarch64 kernel answers and the x86-64 host would not
//! (so no native oracle can check them): personality's PER_LINUX32, the arm64 prctl options
//! of features ruser does not emulate, PR_SET_VMA's anonymous names (the host kernel may lack
//! CONFIG_ANON_VMA_NAME) as /proc/self/maps shows them, PR_GET_AUXV's size for arm64, and
//! PR_SET_NAME's 15-byte read. The rules come from the kernel's sources (kernel/sys.c,
//! mm/madvise.c, arch/arm64/kernel/sys.c).

use super::T;
use crate::linux::procfs;

const PRCTL: u64 = 167;
const PERSONALITY: u64 = 92;
const MMAP: u64 = 222;
const MUNMAP: u64 = 215;
const OPENAT: u64 = 56;
const EINVAL: i64 = -22;
const EFAULT: i64 = -14;
const ENOMEM: i64 = -12;
const EBADF: i64 = -9;
const ENODEV: i64 = -19;
const PR_SET_VMA: u64 = 0x5356_4d41;

#[test]
fn personality_refuses_per_linux32() {
    let mut t = T::new();
    let cur = t.call(PERSONALITY, &[0xffff_ffff]);
    assert!(cur >= 0);
    // arch/arm64/kernel/sys.c: PER_LINUX32 needs AArch32 at EL0.
    assert_eq!(t.call(PERSONALITY, &[0x0008]), EINVAL);
    assert_eq!(t.call(PERSONALITY, &[0x0008 | 0x0004_0000]), EINVAL);
    assert_eq!(t.call(PERSONALITY, &[0xffff_ffff]), cur, "a refused personality changes nothing");
}

#[test]
fn prctl_options_of_absent_features_are_einval() {
    let mut t = T::new();
    // SVE, PAC, tagged addresses, SME, x86's TSC, seccomp, syscall user dispatch, MDWE,
    // shadow stacks, an unknown option.
    for op in [50, 51, 54, 55, 56, 60, 61, 63, 64, 25, 26, 22, 59, 65, 66, 74, 75, 76, 1000] {
        assert_eq!(t.call(PRCTL, &[op, 0, 0, 0, 0]), EINVAL, "prctl option {op}");
    }
    // Speculation controls other than store bypass do not exist on arm64.
    assert_eq!(t.call(PRCTL, &[52, 1, 0, 0, 0]), ENODEV);
    assert_eq!(t.call(PRCTL, &[52, 0, 1, 0, 0]), EINVAL);
    assert!(t.call(PRCTL, &[52, 0, 0, 0, 0]) >= 0);
    // PR_SET_MM is refused: EPERM without CAP_SYS_RESOURCE, EINVAL with it; never done.
    let r = t.call(PRCTL, &[35, 7 /* PR_SET_MM_BRK */, 0x1000, 0, 0]);
    assert!(r == -1 || r == EINVAL, "PR_SET_MM gave {r}");
}

#[test]
fn prctl_set_name_reads_at_most_15_bytes() {
    let mut t = T::new();
    let mut old = [0u8; 16];
    unsafe { libc::prctl(libc::PR_GET_NAME, old.as_mut_ptr(), 0, 0, 0) };
    // 15 bytes without a NUL at the very end of the mapping: the kernel reads no further.
    let end = t.buf + 0x4000;
    t.p.mem.write(end - 15, b"abcdefghijklmno").unwrap();
    assert_eq!(t.call(PRCTL, &[15, end - 15]), 0);
    assert_eq!(t.call(PRCTL, &[16, t.buf]), 0);
    let mut got = [0u8; 16];
    t.p.mem.read(t.buf, &mut got).unwrap();
    assert_eq!(&got, b"abcdefghijklmno\0");
    // 14 bytes, then unmapped memory: EFAULT.
    assert_eq!(t.call(PRCTL, &[15, end - 14]), EFAULT);
    unsafe { libc::prctl(libc::PR_SET_NAME, old.as_ptr(), 0, 0, 0) };
}

/// The name /proc/self/maps shows for the page at `addr` ("" for none).
fn maps_name(t: &T, addr: u64) -> String {
    for line in procfs::maps(&t.p, false).lines() {
        let range = line.split(' ').next().unwrap();
        let (s, e) = range.split_once('-').unwrap();
        let (s, e) = (u64::from_str_radix(s, 16).unwrap(), u64::from_str_radix(e, 16).unwrap());
        if (s..e).contains(&addr) {
            return line.split_whitespace().nth(5).unwrap_or("").to_string();
        }
    }
    panic!("{addr:#x} is not mapped");
}

#[test]
fn prctl_set_vma_names_anonymous_memory() {
    let mut t = T::new();
    let p = t.call(MMAP, &[0, 0x5000, 3, 0x22, -1i64 as u64, 0]) as u64; // private anonymous
    let name = t.put_str(0, "ruser test");
    assert_eq!(t.call(PRCTL, &[PR_SET_VMA, 0, p + 0x1000, 0x3000, name]), 0);
    assert_eq!(maps_name(&t, p), "");
    assert_eq!(maps_name(&t, p + 0x1000), "[anon:ruser");
    assert_eq!(maps_name(&t, p + 0x3000), "[anon:ruser");
    assert_eq!(maps_name(&t, p + 0x4000), "");
    assert!(procfs::maps(&t.p, false).contains(" [anon:ruser test]\n"));
    // A length is rounded up to pages; renaming a part splits the mapping.
    let mid = t.put_str(0x40, "mid");
    assert_eq!(t.call(PRCTL, &[PR_SET_VMA, 0, p + 0x2000, 1, mid]), 0);
    assert_eq!(maps_name(&t, p + 0x2000), "[anon:mid]");
    assert_eq!(maps_name(&t, p + 0x3000), "[anon:ruser");
    // NULL removes the name.
    assert_eq!(t.call(PRCTL, &[PR_SET_VMA, 0, p, 0x5000, 0]), 0);
    for i in 0..5 {
        assert_eq!(maps_name(&t, p + i * 0x1000), "");
    }
    // Names: printable, none of \ ` $ [ ], at most 79 bytes.
    for bad in ["a$b", "a[b", "a]b", "a\\b", "a`b", "tab\there", "\u{e9}"] {
        let s = t.put_str(0x80, bad);
        assert_eq!(t.call(PRCTL, &[PR_SET_VMA, 0, p, 0x1000, s]), EINVAL, "name {bad:?}");
    }
    let long = "x".repeat(80);
    assert_eq!(t.call(PRCTL, &[PR_SET_VMA, 0, p, 0x1000, t.put_str(0x100, &long)]), EINVAL);
    assert_eq!(t.call(PRCTL, &[PR_SET_VMA, 0, p, 0x1000, t.put_str(0x100, &long[..79])]), 0);
    assert_eq!(t.call(PRCTL, &[PR_SET_VMA, 0, p, 0x1000, 0x10]), EFAULT);
    // Unaligned start, other sub-options, an empty range.
    assert_eq!(t.call(PRCTL, &[PR_SET_VMA, 0, p + 1, 0x1000, name]), EINVAL);
    assert_eq!(t.call(PRCTL, &[PR_SET_VMA, 1, p, 0x1000, name]), EINVAL);
    assert_eq!(t.call(PRCTL, &[PR_SET_VMA, 0, p, 0, name]), 0);
    // A hole: the mapped parts are named, then ENOMEM.
    assert_eq!(t.call(MUNMAP, &[p + 0x2000, 0x1000]), 0);
    assert_eq!(t.call(PRCTL, &[PR_SET_VMA, 0, p, 0x5000, name]), ENOMEM);
    assert_eq!(maps_name(&t, p + 0x1000), "[anon:ruser");
    assert_eq!(maps_name(&t, p + 0x4000), "[anon:ruser");
    // Shared anonymous memory is named too; a file mapping stops the walk with EBADF.
    let s = t.call(MMAP, &[0, 0x1000, 3, 0x21, -1i64 as u64, 0]) as u64;
    assert_eq!(t.call(PRCTL, &[PR_SET_VMA, 0, s, 0x1000, mid]), 0);
    assert_eq!(maps_name(&t, s), "[anon_shmem:mid]");
    let exe = t.put_str(0x200, "/proc/self/exe");
    let fd = t.call(OPENAT, &[-100i64 as u64, exe, 0, 0]);
    assert!(fd >= 0);
    let f = t.call(MMAP, &[0, 0x1000, 1, 0x2, fd as u64, 0]) as u64;
    assert_eq!(t.call(PRCTL, &[PR_SET_VMA, 0, f, 0x1000, name]), EBADF);
    // Memory that is not the guest's is a hole.
    assert_eq!(t.call(PRCTL, &[PR_SET_VMA, 0, 0x1000, 0x1000, name]), ENOMEM);
}

#[test]
fn prctl_get_auxv_is_the_arm64_kernels_array() {
    let mut t = T::new();
    let host = unsafe { libc::prctl(0x4155_5856, 0usize, 0usize, 0usize, 0usize) };
    if host < 0 {
        // A host kernel before 6.4: the option is unknown there, and to the guest.
        assert_eq!(t.call(PRCTL, &[0x4155_5856, 0, 0, 0, 0]), EINVAL);
        return;
    }
    t.p.launch.auxv = vec![(6, 4096), (16, 0xff), (0, 0)];
    t.p.mem.write(t.buf, &[0xa5u8; 0x400]).unwrap();
    // x86-64 saves three architecture entries, arm64 two: one pair (16 bytes) less.
    let size = t.call(PRCTL, &[0x4155_5856, t.buf, 0x400, 0, 0]);
    assert_eq!(size, host as i64 - 16);
    let word = |i: u64| t.p.mem.read_u64(t.buf + 8 * i).unwrap();
    assert_eq!((word(0), word(1), word(2), word(3), word(4), word(5)), (6, 4096, 16, 0xff, 0, 0));
    assert!((6..size as u64 / 8).all(|i| word(i) == 0));
    assert_eq!(word(size as u64 / 8), 0xa5a5_a5a5_a5a5_a5a5, "wrote past the array");
}
