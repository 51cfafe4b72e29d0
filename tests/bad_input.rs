//! Bad input must give exactly one clear line on stderr, never panic text,
//! and a qemu-like exit status:
//!
//! | input | status |
//! | --- | --- |
//! | program not found | 127 |
//! | program is a directory, or has no execute permission | 126 |
//! | anything else that cannot be run (not ELF, wrong architecture, truncated or corrupt ELF, dynamic without a sysroot, bad option value) | 1 |
//!
//! The corrupt ELFs are made here by patching copies of committed testbins.

mod common;

use common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Both front ends: the fixed-architecture one and the auto-detecting one.
fn both() -> [(&'static str, PathBuf); 2] {
    [("ruser-aarch64", ruser_aarch64()), ("ruser", ruser())]
}

/// Run `bin args...` and check: status `code`, exactly one non-empty line on
/// stderr, no panic text, nothing on stdout, and for each group in
/// `mentions` at least one of its words (case-insensitive) in the message.
fn expect_error(label: &str, bin: &Path, args: &[&std::ffi::OsStr], code: i32, mentions: &[&[&str]]) {
    let mut cmd = emu_command(bin);
    cmd.args(args);
    let got = run(&mut cmd, None);
    let err = got.stderr_str();
    let ctx = format!("{label}: `{} {}`", bin.file_name().unwrap().to_string_lossy(), args.iter().map(|a| a.to_string_lossy()).collect::<Vec<_>>().join(" "));
    for m in PANIC_MARKERS {
        assert!(!err.contains(m), "{ctx}: stderr contains panic text {m:?}:\n{err}");
    }
    assert_eq!(got.code, Some(code), "{ctx}: expected exit status {code}, got {}; stderr:\n{err}", got.describe_status());
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines.len() == 1 && !lines[0].trim().is_empty() && err.ends_with('\n'),
        "{ctx}: expected exactly one line on stderr, got {} line(s):\n{err}",
        lines.len()
    );
    assert!(got.stdout.is_empty(), "{ctx}: expected no stdout, got:\n{}", got.stdout_str());
    // Look for the mentions in the message itself: not in the "ruser-aarch64:"
    // prefix, nor in the program path (which may contain "aarch64").
    let mut msg = err.clone();
    for a in args {
        msg = msg.replace(&*a.to_string_lossy(), "<arg>");
    }
    let bin_name = bin.file_name().unwrap().to_string_lossy().into_owned();
    let msg = msg.strip_prefix(&format!("{bin_name}:")).unwrap_or(&msg);
    let lower = msg.to_lowercase();
    for group in mentions {
        assert!(
            group.iter().any(|w| lower.contains(&w.to_lowercase())),
            "{ctx}: the message should mention one of {group:?}, got:\n{err}"
        );
    }
}

/// A mention group meaning "the message names the program path as given"
/// (expect_error replaces the arguments in the message with "<arg>").
const NAMES_PROGRAM: &[&str] = &["<arg>"];

fn write_file(path: &Path, bytes: &[u8], mode: u32) {
    std::fs::write(path, bytes).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn os(p: &Path) -> &std::ffi::OsStr {
    p.as_os_str()
}

// ---------------------------------------------------------------- ELF64 little-endian patching

fn rd16(b: &[u8], o: usize) -> u64 {
    u16::from_le_bytes(b[o..o + 2].try_into().unwrap()) as u64
}
fn rd32(b: &[u8], o: usize) -> u64 {
    u32::from_le_bytes(b[o..o + 4].try_into().unwrap()) as u64
}
fn rd64(b: &[u8], o: usize) -> u64 {
    u64::from_le_bytes(b[o..o + 8].try_into().unwrap())
}
fn wr16(b: &mut [u8], o: usize, v: u64) {
    b[o..o + 2].copy_from_slice(&(v as u16).to_le_bytes());
}
fn wr64(b: &mut [u8], o: usize, v: u64) {
    b[o..o + 8].copy_from_slice(&v.to_le_bytes());
}

// ELF64 header field offsets
const E_PHOFF: usize = 32;
const E_PHENTSIZE: usize = 54;
const E_PHNUM: usize = 56;
// program header field offsets
const P_TYPE: usize = 0;
const P_OFFSET: usize = 8;
const P_VADDR: usize = 16;
const P_PADDR: usize = 24;
const P_FILESZ: usize = 32;
const P_MEMSZ: usize = 40;
const P_ALIGN: usize = 48;
const PT_LOAD: u64 = 1;

/// File offsets of the PT_LOAD program headers of an ELF64 LE image.
fn load_phdrs(b: &[u8]) -> Vec<usize> {
    assert_eq!(&b[..4], b"\x7fELF");
    let (phoff, phent, phnum) = (rd64(b, E_PHOFF) as usize, rd16(b, E_PHENTSIZE) as usize, rd16(b, E_PHNUM) as usize);
    (0..phnum).map(|i| phoff + i * phent).filter(|&o| rd32(b, o + P_TYPE) == PT_LOAD).collect()
}

/// A patched copy of a committed testbin, executable, in `dir`.
fn patched(dir: &TempDir, name: &str, out: &str, patch: impl FnOnce(&mut Vec<u8>)) -> PathBuf {
    let mut bytes = std::fs::read(testbin(name)).unwrap();
    patch(&mut bytes);
    let p = dir.join(out);
    write_file(&p, &bytes, 0o755);
    p
}

// ---------------------------------------------------------------- 127 / 126

#[test]
fn missing_program_is_127() {
    let tmp = TempDir::new("missing");
    let p = tmp.join("no-such-program");
    for (label, bin) in both() {
        expect_error(label, &bin, &[os(&p)], 127, &[NAMES_PROGRAM]);
    }
}

#[test]
fn directory_is_126() {
    let tmp = TempDir::new("dir");
    for (label, bin) in both() {
        expect_error(label, &bin, &[tmp.path().as_os_str()], 126, &[NAMES_PROGRAM]);
    }
}

#[test]
fn not_executable_is_126() {
    let tmp = TempDir::new("noexec");
    let p = tmp.join("hello-noexec");
    write_file(&p, &std::fs::read(testbin("hello")).unwrap(), 0o644);
    for (label, bin) in both() {
        expect_error(label, &bin, &[os(&p)], 126, &[NAMES_PROGRAM]);
    }
}

// ---------------------------------------------------------------- not an ELF / wrong ELF: 1

#[test]
fn text_file_is_1() {
    let tmp = TempDir::new("text");
    let p = tmp.join("notes.txt");
    write_file(&p, b"this is a text file, not a program\n", 0o755);
    for (label, bin) in both() {
        expect_error(label, &bin, &[os(&p)], 1, &[]);
    }
}

#[test]
fn empty_file_is_1() {
    let tmp = TempDir::new("empty");
    let p = tmp.join("empty");
    write_file(&p, b"", 0o755);
    for (label, bin) in both() {
        expect_error(label, &bin, &[os(&p)], 1, &[]);
    }
}

/// A host (x86-64) program.
fn host_elf() -> PathBuf {
    for p in ["/bin/true", "/usr/bin/true"] {
        if Path::new(p).is_file() {
            return PathBuf::from(p);
        }
    }
    std::env::current_exe().unwrap()
}

const ARCH_WORDS: &[&str] = &["x86-64", "x86_64", "amd64", "aarch64", "arm64", "architecture", "machine"];

#[test]
fn x86_64_elf_is_1_and_names_the_architecture() {
    let p = host_elf();
    for (label, bin) in both() {
        expect_error(label, &bin, &[os(&p)], 1, &[ARCH_WORDS]);
    }
}

/// A minimal big-endian ELF64 header with e_machine = EM_PPC64 (21), no
/// program headers.
fn ppc64_header() -> Vec<u8> {
    let mut h = vec![0u8; 64];
    h[..4].copy_from_slice(b"\x7fELF");
    h[4] = 2; // ELFCLASS64
    h[5] = 2; // ELFDATA2MSB
    h[6] = 1; // EV_CURRENT
    h[16..18].copy_from_slice(&2u16.to_be_bytes()); // ET_EXEC
    h[18..20].copy_from_slice(&21u16.to_be_bytes()); // EM_PPC64
    h[20..24].copy_from_slice(&1u32.to_be_bytes());
    h[24..32].copy_from_slice(&0x1000_0000u64.to_be_bytes()); // e_entry
    h[32..40].copy_from_slice(&64u64.to_be_bytes()); // e_phoff
    h[52..54].copy_from_slice(&64u16.to_be_bytes()); // e_ehsize
    h[54..56].copy_from_slice(&56u16.to_be_bytes()); // e_phentsize
    h
}

#[test]
fn ppc64_elf_is_a_clear_error() {
    let tmp = TempDir::new("ppc");
    let p = tmp.join("ppc64-header");
    write_file(&p, &ppc64_header(), 0o755);
    // The fixed-architecture front end must say why.
    expect_error("ruser-aarch64", &ruser_aarch64(), &[os(&p)], 1, &[&["ppc", "powerpc", "architecture", "machine", "aarch64"]]);
    // The auto-detecting one: a header without segments is not runnable,
    // whatever architectures ruser supports.
    expect_error("ruser", &ruser(), &[os(&p)], 1, &[]);
}

#[test]
fn truncated_elf_is_1() {
    let tmp = TempDir::new("trunc");
    let full = std::fs::read(testbin("hello")).unwrap();
    for len in [100usize, 20] {
        let p = tmp.join(format!("hello-first-{len}-bytes"));
        write_file(&p, &full[..len], 0o755);
        for (label, bin) in both() {
            expect_error(label, &bin, &[os(&p)], 1, &[]);
        }
    }
}

#[test]
fn program_headers_out_of_range_is_1() {
    let tmp = TempDir::new("phoff");
    let a = patched(&tmp, "hello", "phoff-beyond-eof", |b| {
        let len = b.len() as u64;
        wr64(b, E_PHOFF, len + 4096);
    });
    let b = patched(&tmp, "hello", "phnum-too-big", |b| {
        wr16(b, E_PHNUM, 0xfff0);
    });
    for p in [a, b] {
        for (label, bin) in both() {
            expect_error(label, &bin, &[os(&p)], 1, &[]);
        }
    }
}

#[test]
fn segment_beyond_end_of_file_is_1() {
    let tmp = TempDir::new("seg");
    let p = patched(&tmp, "hello", "segment-beyond-eof", |b| {
        let len = b.len() as u64;
        let last = *load_phdrs(b).last().expect("a PT_LOAD");
        // file size of the segment reaches 64 KiB past the end of the file
        let filesz = len + 0x10000 - rd64(b, last + P_OFFSET);
        wr64(b, last + P_FILESZ, filesz);
        let memsz = rd64(b, last + P_MEMSZ).max(filesz);
        wr64(b, last + P_MEMSZ, memsz);
    });
    for (label, bin) in both() {
        expect_error(label, &bin, &[os(&p)], 1, &[]);
    }
}

#[test]
fn overlapping_load_segments_is_1() {
    let tmp = TempDir::new("overlap");
    let p = patched(&tmp, "hello", "overlapping-loads", |b| {
        let loads = load_phdrs(b);
        assert!(loads.len() >= 2, "hello should have two PT_LOADs");
        let (first, second) = (loads[0], loads[1]);
        let align = rd64(b, second + P_ALIGN).max(1);
        // Move the second segment into the first, keeping vaddr ≡ offset
        // (mod align) so only the overlap is wrong.
        let vaddr = rd64(b, first + P_VADDR) + align + rd64(b, second + P_OFFSET) % align;
        assert!(vaddr < rd64(b, first + P_VADDR) + rd64(b, first + P_MEMSZ), "patched segment must overlap the first");
        wr64(b, second + P_VADDR, vaddr);
        wr64(b, second + P_PADDR, vaddr);
    });
    for (label, bin) in both() {
        expect_error(label, &bin, &[os(&p)], 1, &[]);
    }
}

/// Without -L ruser searches the usual sysroots, so a sysroot that does not exist stands in
/// for "no sysroot has the interpreter".
#[test]
fn dynamic_elf_without_sysroot_is_1_and_mentions_dash_l() {
    let p = testbin("hello_dyn");
    for (label, bin) in both() {
        expect_error(label, &bin, &["-L".as_ref(), "/nonexistent/ruser-sysroot".as_ref(), os(&p)], 1, &[&["-L"]]);
    }
}

// ---------------------------------------------------------------- bad option values: 1

#[test]
fn unknown_backend_is_1() {
    let p = testbin("asm_hello");
    expect_error("ruser-aarch64", &ruser_aarch64(), &["--backend".as_ref(), "no-such-backend".as_ref(), os(&p)], 1, &[&["backend"]]);
}

#[test]
fn unknown_cpu_is_1() {
    let p = testbin("asm_hello");
    expect_error("ruser-aarch64", &ruser_aarch64(), &["-cpu".as_ref(), "no-such-cpu".as_ref(), os(&p)], 1, &[&["cpu"]]);
}

#[test]
fn bad_stack_size_is_1() {
    let p = testbin("asm_hello");
    expect_error("ruser-aarch64", &ruser_aarch64(), &["-s".as_ref(), "lots".as_ref(), os(&p)], 1, &[&["stack", "size"]]);
}
