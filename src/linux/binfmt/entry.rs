//! binfmt_misc entries as data: which ELF headers each guest architecture claims (magic and
//! mask), the registration line written to `register`, and the status text the kernel shows
//! for an entry (parsed back, to compare and to find competing entries).
//!
//! An entry of type M matches a file when, for every byte i of the magic,
//! `file[offset + i] & mask[i] == magic[i] & mask[i]`. Ours look at the first 20 bytes of
//! the ELF header: the identification (magic number, class, byte order, version, padding;
//! EI_OSABI and EI_ABIVERSION are ignored, as the kernel's own ELF loader ignores them),
//! e_type (ET_EXEC or ET_DYN only: the mask clears the bit that tells 2 from 3) and
//! e_machine. The host's own programs (EM_X86_64, EM_386) never match.

use goblin::elf::header::{
    EI_ABIVERSION, EI_CLASS, EI_DATA, EI_OSABI, EI_VERSION, ELFCLASS32, ELFCLASS64, ELFDATA2LSB, ELFDATA2MSB, ELFMAG, EM_AARCH64, EM_PPC,
    EM_PPC64, ET_DYN, ET_EXEC,
};

/// Bytes of the ELF header an entry looks at: e_ident (16), e_type (2), e_machine (2).
pub const MAGIC_LEN: usize = 20;

/// The name ruser's entries start with: `ruser-<arch>`.
pub const DEFAULT_NAME: &str = "ruser";

/// The variable that names ruser's entries `<NAME>-<arch>` instead (tests on a host whose
/// binfmt_misc is shared register under a unique name, so that they touch nothing else).
pub const NAME_VAR: &str = "RUSER_BINFMT_NAME";

/// The name of ruser's entries, from RUSER_BINFMT_NAME (default `ruser`): letters, digits,
/// `_` and `-`, at most 40 of them (the kernel's limit for a whole name is larger, but it
/// refuses `/`, and `.`/`..` would name directories).
pub fn base_name() -> Result<String, String> {
    let Some(v) = std::env::var_os(NAME_VAR).filter(|v| !v.is_empty()) else { return Ok(DEFAULT_NAME.to_string()) };
    let v = v.to_str().ok_or_else(|| format!("{NAME_VAR} is not valid UTF-8"))?;
    if v.len() > 40 || !v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        return Err(format!("{NAME_VAR}={v}: a name is at most 40 letters, digits, '_' and '-'"));
    }
    Ok(v.to_string())
}

/// A guest architecture binfmt_misc can hand to ruser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// Name on the command line and in the entry name (`ruser-<arch>`).
    pub arch: &'static str,
    pub class: u8,
    pub data: u8,
    pub machine: u16,
}

/// Every architecture ruser is meant to run. Only those `crate::guest::by_name` knows are
/// installed; the others are refused with "not supported yet" until their guest lands.
pub const TARGETS: &[Target] = &[
    Target { arch: "aarch64", class: ELFCLASS64, data: ELFDATA2LSB, machine: EM_AARCH64 },
    Target { arch: "ppc64le", class: ELFCLASS64, data: ELFDATA2LSB, machine: EM_PPC64 },
    Target { arch: "ppc64", class: ELFCLASS64, data: ELFDATA2MSB, machine: EM_PPC64 },
    Target { arch: "ppc", class: ELFCLASS32, data: ELFDATA2MSB, machine: EM_PPC },
];

impl Target {
    pub fn by_arch(arch: &str) -> Option<&'static Target> {
        TARGETS.iter().find(|t| t.arch == arch)
    }

    /// Whether this build of ruser can run the architecture.
    pub fn supported(&self) -> bool {
        crate::guest::by_name(self.arch).is_some()
    }

    /// `ruser-<arch>` (`<RUSER_BINFMT_NAME>-<arch>`; `binfmt::main` has checked the name).
    pub fn entry_name(&self) -> String {
        format!("{}-{}", base_name().unwrap_or_else(|_| DEFAULT_NAME.to_string()), self.arch)
    }

    fn put16(&self, out: &mut [u8], v: u16) {
        let b = if self.data == ELFDATA2MSB { v.to_be_bytes() } else { v.to_le_bytes() };
        out.copy_from_slice(&b);
    }

    /// The first MAGIC_LEN bytes of a program of this architecture with type `e_type`.
    pub fn header(&self, e_type: u16) -> [u8; MAGIC_LEN] {
        let mut h = [0u8; MAGIC_LEN];
        h[..4].copy_from_slice(ELFMAG);
        h[EI_CLASS] = self.class;
        h[EI_DATA] = self.data;
        h[EI_VERSION] = 1;
        self.put16(&mut h[16..18], e_type);
        self.put16(&mut h[18..20], self.machine);
        h
    }

    /// (magic, mask) of this architecture's entry, the magic already masked.
    pub fn magic_mask(&self) -> ([u8; MAGIC_LEN], [u8; MAGIC_LEN]) {
        let mut mask = [0xffu8; MAGIC_LEN];
        mask[EI_OSABI] = 0;
        mask[EI_ABIVERSION] = 0;
        // ET_EXEC (2) and ET_DYN (3) differ only in bit 0 of e_type.
        debug_assert_eq!(ET_EXEC ^ ET_DYN, 1);
        self.put16(&mut mask[16..18], !1);
        let h = self.header(ET_EXEC);
        let mut magic = [0u8; MAGIC_LEN];
        for i in 0..MAGIC_LEN {
            magic[i] = h[i] & mask[i];
        }
        (magic, mask)
    }
}

/// Flags of an entry (the letters of the registration line).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    /// P: preserve argv[0]; the interpreter gets the original argv[0] as an extra argument.
    pub preserve_argv0: bool,
    /// O: the kernel opens the program and passes the descriptor in AT_EXECFD.
    pub open_binary: bool,
    /// C: credentials (setuid/setgid) come from the program, not from the interpreter.
    pub credentials: bool,
    /// F: the interpreter is opened at registration, so it works in other mount namespaces
    /// and chroots.
    pub fix_binary: bool,
}

impl Flags {
    /// The letters, in the order the kernel prints them.
    pub fn letters(&self) -> String {
        let mut s = String::new();
        for (on, c) in [(self.preserve_argv0, 'P'), (self.open_binary, 'O'), (self.credentials, 'C'), (self.fix_binary, 'F')] {
            if on {
                s.push(c);
            }
        }
        s
    }

    pub fn from_letters(s: &str) -> Option<Flags> {
        let mut f = Flags::default();
        for c in s.chars() {
            match c {
                'P' => f.preserve_argv0 = true,
                'O' => f.open_binary = true,
                'C' => f.credentials = true,
                'F' => f.fix_binary = true,
                _ => return None,
            }
        }
        Some(f)
    }
}

/// One binfmt_misc entry: what we register, or what the kernel reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub enabled: bool,
    pub interpreter: String,
    pub flags: Flags,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Match on bytes at an offset; `magic` is stored masked.
    Magic { offset: usize, magic: Vec<u8>, mask: Vec<u8> },
    /// Match on the file name's extension.
    Extension(String),
}

impl Entry {
    /// ruser's entry for `t`, with `interpreter` as the program the kernel runs.
    pub fn for_target(t: &Target, interpreter: &str, flags: Flags) -> Entry {
        let (magic, mask) = t.magic_mask();
        Entry {
            name: t.entry_name(),
            enabled: true,
            interpreter: interpreter.to_string(),
            flags,
            kind: Kind::Magic { offset: 0, magic: magic.to_vec(), mask: mask.to_vec() },
        }
    }

    /// Whether this is one of ruser's entries: named `ruser-<arch>` (with RUSER_BINFMT_NAME,
    /// `<that name>-<arch>`) exactly, for an architecture ruser knows. So `ruser-test-aarch64`
    /// is not ruser's, nor `ruser-aarch64` under another RUSER_BINFMT_NAME.
    pub fn is_ruser(&self) -> bool {
        TARGETS.iter().any(|t| self.name == t.entry_name())
    }

    /// Whether the kernel would give a file starting with `head` to this entry (ignoring
    /// whether it is enabled).
    pub fn matches(&self, head: &[u8]) -> bool {
        match &self.kind {
            Kind::Magic { offset, magic, mask } => {
                let Some(bytes) = head.get(*offset..offset + magic.len()) else { return false };
                bytes.iter().zip(magic).zip(mask).all(|((b, m), k)| b & k == m & k)
            }
            Kind::Extension(_) => false,
        }
    }

    /// The line to write to binfmt_misc's `register` file (also a line of /etc/binfmt.d/).
    /// Every byte of magic and mask is written as `\xHH`, so none can be the `:` delimiter.
    pub fn register_line(&self) -> Result<String, String> {
        let Kind::Magic { offset, magic, mask } = &self.kind else {
            return Err("only magic entries are registered by ruser".into());
        };
        if self.interpreter.contains([':', '\n']) || !self.interpreter.starts_with('/') {
            return Err(format!(
                "{}: the interpreter must be an absolute path without ':' or newlines (binfmt_misc cannot register it)",
                self.interpreter
            ));
        }
        let hex = |v: &[u8]| v.iter().map(|b| format!("\\x{b:02x}")).collect::<String>();
        let off = if *offset == 0 { String::new() } else { offset.to_string() };
        Ok(format!(":{}:M:{off}:{}:{}:{}:{}", self.name, hex(magic), hex(mask), self.interpreter, self.flags.letters()))
    }

    /// Parse the status text of `/proc/sys/fs/binfmt_misc/<name>`. None if it does not look
    /// like an entry.
    pub fn parse(name: &str, text: &str) -> Option<Entry> {
        let mut lines = text.lines();
        let enabled = match lines.next()? {
            "enabled" => true,
            "disabled" => false,
            _ => return None,
        };
        let (mut interpreter, mut flags, mut offset, mut magic, mut mask, mut ext) = (None, Flags::default(), 0, None, None, None);
        for l in lines {
            let (key, val) = l.split_once(' ').unwrap_or((l, ""));
            match key {
                "interpreter" => interpreter = Some(val.to_string()),
                "flags:" => flags = Flags::from_letters(val.trim())?,
                "offset" => offset = val.trim().parse().ok()?,
                "magic" => magic = Some(unhex(val.trim())?),
                "mask" => mask = Some(unhex(val.trim())?),
                "extension" => ext = Some(val.trim_start_matches('.').to_string()),
                _ => {}
            }
        }
        let kind = match (magic, ext) {
            (Some(magic), _) => {
                let mask = mask.unwrap_or_else(|| vec![0xff; magic.len()]);
                if mask.len() != magic.len() {
                    return None;
                }
                let magic = magic.iter().zip(&mask).map(|(m, k)| m & k).collect();
                Kind::Magic { offset, magic, mask }
            }
            (None, Some(e)) => Kind::Extension(e),
            (None, None) => return None,
        };
        Some(Entry { name: name.to_string(), enabled, interpreter: interpreter?, flags, kind })
    }

    /// Same registration (ignoring whether it is enabled).
    pub fn same_registration(&self, other: &Entry) -> bool {
        self.name == other.name && self.interpreter == other.interpreter && self.flags == other.flags && self.kind == other.kind
    }

    /// The guest architectures (of `TARGETS`) whose programs this entry would take.
    pub fn claims(&self) -> Vec<&'static Target> {
        TARGETS.iter().filter(|t| [ET_EXEC, ET_DYN].iter().any(|&ty| self.matches(&t.header(ty)))).collect()
    }

    /// One-line description: state, interpreter and flags.
    pub fn describe(&self) -> String {
        let flags = if self.flags.letters().is_empty() { "none".to_string() } else { self.flags.letters() };
        format!("{}, interpreter {}, flags {flags}", if self.enabled { "enabled" } else { "disabled" }, self.interpreter)
    }
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use goblin::elf::header::{EM_386, EM_ARM, EM_X86_64, ET_CORE, ET_REL};

    fn aarch64() -> &'static Target {
        Target::by_arch("aarch64").unwrap()
    }

    /// An ELF header with the given identification bytes, type and machine.
    fn head(class: u8, data: u8, osabi: u8, e_type: u16, machine: u16) -> Vec<u8> {
        let mut h = vec![0u8; 64];
        h[..4].copy_from_slice(ELFMAG);
        h[EI_CLASS] = class;
        h[EI_DATA] = data;
        h[EI_VERSION] = 1;
        h[EI_OSABI] = osabi;
        let put = |h: &mut Vec<u8>, o: usize, v: u16| {
            let b = if data == ELFDATA2MSB { v.to_be_bytes() } else { v.to_le_bytes() };
            h[o..o + 2].copy_from_slice(&b);
        };
        put(&mut h, 16, e_type);
        put(&mut h, 18, machine);
        h
    }

    #[test]
    fn aarch64_entry_takes_executables_and_shared_objects_only() {
        let e = Entry::for_target(aarch64(), "/usr/local/bin/ruser", Flags::default());
        // ET_EXEC and ET_DYN, with the System V or the GNU/Linux OS ABI byte.
        for osabi in [0, 3] {
            assert!(e.matches(&head(ELFCLASS64, ELFDATA2LSB, osabi, ET_EXEC, EM_AARCH64)));
            assert!(e.matches(&head(ELFCLASS64, ELFDATA2LSB, osabi, ET_DYN, EM_AARCH64)));
        }
        // Not objects or core files, not big-endian or 32-bit aarch64, not other machines.
        assert!(!e.matches(&head(ELFCLASS64, ELFDATA2LSB, 0, ET_REL, EM_AARCH64)));
        assert!(!e.matches(&head(ELFCLASS64, ELFDATA2LSB, 0, ET_CORE, EM_AARCH64)));
        assert!(!e.matches(&head(ELFCLASS64, ELFDATA2MSB, 0, ET_EXEC, EM_AARCH64)));
        assert!(!e.matches(&head(ELFCLASS32, ELFDATA2LSB, 0, ET_EXEC, EM_AARCH64)));
        assert!(!e.matches(&head(ELFCLASS32, ELFDATA2LSB, 0, ET_EXEC, EM_ARM)));
        // Never the host's own programs.
        for ty in [ET_EXEC, ET_DYN] {
            assert!(!e.matches(&head(ELFCLASS64, ELFDATA2LSB, 0, ty, EM_X86_64)));
            assert!(!e.matches(&head(ELFCLASS32, ELFDATA2LSB, 0, ty, EM_386)));
        }
        // Nor a script or a truncated file.
        assert!(!e.matches(b"#!/bin/sh\n"));
        assert!(!e.matches(&head(ELFCLASS64, ELFDATA2LSB, 0, ET_EXEC, EM_AARCH64)[..19]));
        assert_eq!(e.claims(), vec![aarch64()]);
    }

    #[test]
    fn real_files() {
        let e = Entry::for_target(aarch64(), "/r", Flags::default());
        let first = |p: &str| {
            let mut b = vec![0u8; MAGIC_LEN];
            use std::io::Read;
            std::fs::File::open(p).and_then(|mut f| f.read_exact(&mut b)).map(|_| b)
        };
        let root = env!("CARGO_MANIFEST_DIR");
        for guest in ["testbins/aarch64/hello", "testbins/aarch64/hello_dyn", "testbins/aarch64/asm_hello"] {
            assert!(e.matches(&first(&format!("{root}/{guest}")).unwrap()), "{guest}");
        }
        // The test harness itself and the shell are host programs.
        let me = std::env::current_exe().unwrap();
        assert!(!e.matches(&first(me.to_str().unwrap()).unwrap()));
        assert!(!e.matches(&first("/bin/sh").unwrap()));
    }

    #[test]
    fn every_target_claims_only_itself() {
        for t in TARGETS {
            let e = Entry::for_target(t, "/r", Flags::default());
            assert_eq!(e.claims(), vec![t], "{}", t.arch);
            assert!(e.matches(&t.header(ET_DYN)));
        }
    }

    #[test]
    fn register_line_and_status_round_trip() {
        let flags = Flags { fix_binary: true, preserve_argv0: true, ..Flags::default() };
        let e = Entry::for_target(aarch64(), "/usr/local/bin/ruser", flags);
        let line = e.register_line().unwrap();
        assert_eq!(
            line,
            ":ruser-aarch64:M::\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:\
             \\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/usr/local/bin/ruser:PF"
        );
        // What the kernel shows for it (fs/binfmt_misc.c prints the magic in hex).
        let status = "enabled\ninterpreter /usr/local/bin/ruser\nflags: PF\noffset 0\n\
                      magic 7f454c460201010000000000000000000200b700\nmask ffffffffffffff0000fffffffffffffffeffffff\n";
        let parsed = Entry::parse("ruser-aarch64", status).unwrap();
        assert!(parsed.same_registration(&e), "{parsed:?}");
        assert!(parsed.is_ruser());
        // A magic the kernel reports unmasked compares equal once masked.
        let unmasked = status.replace("magic 7f454c46020101000000", "magic 7f454c46020101030000");
        assert!(Entry::parse("ruser-aarch64", &unmasked).unwrap().same_registration(&e));
        // Other flags, another interpreter: a different registration.
        assert!(!Entry::parse("ruser-aarch64", &status.replace("PF", "F")).unwrap().same_registration(&e));
        assert!(!Entry::parse("ruser-aarch64", &status.replace("/usr/local", "/opt")).unwrap().same_registration(&e));
        assert!(!Entry::parse("ruser-aarch64", &status.replace("enabled", "disabled")).unwrap().enabled);
    }

    #[test]
    fn competing_entries_are_recognised() {
        // A qemu-user-static style entry (masks EI_OSABI only): it takes aarch64 programs too.
        let qemu = "enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: POCF\noffset 0\n\
                    magic 7f454c460201010000000000000000000200b700\nmask ffffffffffffff00fffffffffffffffffeffffff\n";
        let q = Entry::parse("qemu-aarch64", qemu).unwrap();
        assert!(!q.is_ruser());
        // Only the exact names are ruser's: another ruser's test entry competes like qemu's.
        assert!(!Entry::parse("ruser-test-1-aarch64", qemu).unwrap().is_ruser());
        assert!(!Entry::parse("ruser-mips", qemu).unwrap().is_ruser());
        assert!(Entry::parse("ruser-ppc", qemu).unwrap().is_ruser());
        assert_eq!(q.claims(), vec![aarch64()]);
        assert_eq!(q.flags, Flags { preserve_argv0: true, open_binary: true, credentials: true, fix_binary: true });
        // An extension entry and an entry for another machine claim nothing.
        let ext = Entry::parse("python3.11", "enabled\ninterpreter /usr/bin/python3.11\nflags: \nextension .pyc\n").unwrap();
        assert_eq!(ext.kind, Kind::Extension("pyc".into()));
        assert!(ext.claims().is_empty());
        let riscv = "enabled\ninterpreter /x\nflags: \noffset 0\nmagic 7f454c460201010000000000000000000200f300\n\
                     mask ffffffffffffff00fffffffffffffffffeffffff\n";
        assert!(Entry::parse("qemu-riscv64", riscv).unwrap().claims().is_empty());
        assert!(Entry::parse("x", "garbage").is_none());
    }

    #[test]
    fn bad_interpreter_paths_are_refused() {
        for p in ["relative/ruser", "/with:colon", "/with\nnewline"] {
            assert!(Entry::for_target(aarch64(), p, Flags::default()).register_line().is_err(), "{p:?}");
        }
    }
}
