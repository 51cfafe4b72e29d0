//! The initial process stack: argument and environment strings, the auxiliary vector, and the
//! argc/argv/envp table at the stack pointer, as the Linux kernel lays them out.
//!
//! From high to low addresses: a zero word at the very top, the program path (AT_EXECFN), the
//! environment strings, the argument strings, the platform string (AT_PLATFORM), 16 random
//! bytes (AT_RANDOM), then (16-byte aligned) argc, argv[], NULL, envp[], NULL, auxv pairs
//! ending with AT_NULL. Words are the guest's pointer size and byte order.

use crate::mem::{mapflags::*, GuestMem, Vma, VmaKind, PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE};

pub const AT_NULL: u64 = 0;
pub const AT_PHDR: u64 = 3;
pub const AT_PHENT: u64 = 4;
pub const AT_PHNUM: u64 = 5;
pub const AT_PAGESZ: u64 = 6;
pub const AT_BASE: u64 = 7;
pub const AT_FLAGS: u64 = 8;
pub const AT_ENTRY: u64 = 9;
pub const AT_UID: u64 = 11;
pub const AT_EUID: u64 = 12;
pub const AT_GID: u64 = 13;
pub const AT_EGID: u64 = 14;
pub const AT_PLATFORM: u64 = 15;
pub const AT_HWCAP: u64 = 16;
pub const AT_CLKTCK: u64 = 17;
pub const AT_SECURE: u64 = 23;
pub const AT_RANDOM: u64 = 25;
pub const AT_HWCAP2: u64 = 26;
pub const AT_EXECFN: u64 = 31;
pub const AT_SYSINFO_EHDR: u64 = 33;
pub const AT_MINSIGSTKSZ: u64 = 51;

/// Guest word layout.
#[derive(Clone, Copy, Debug)]
pub struct Abi {
    pub is_64: bool,
    pub big_endian: bool,
    /// Alignment of the stack pointer at entry.
    pub align: u64,
}

impl Abi {
    fn word(&self) -> u64 {
        if self.is_64 {
            8
        } else {
            4
        }
    }
    fn put(&self, out: &mut [u8], v: u64) {
        match (self.is_64, self.big_endian) {
            (true, false) => out[..8].copy_from_slice(&v.to_le_bytes()),
            (true, true) => out[..8].copy_from_slice(&v.to_be_bytes()),
            (false, false) => out[..4].copy_from_slice(&(v as u32).to_le_bytes()),
            (false, true) => out[..4].copy_from_slice(&(v as u32).to_be_bytes()),
        }
    }
}

/// What goes on the initial stack. `auxv` holds the fixed entries; AT_PLATFORM, AT_RANDOM and
/// AT_EXECFN (pointers into the stack) are added by `build`, and AT_NULL ends the vector.
pub struct StackArgs<'a> {
    pub argv: &'a [Vec<u8>],
    pub envp: &'a [Vec<u8>],
    pub execfn: &'a [u8],
    pub platform: &'a [u8],
    pub random: [u8; 16],
    pub auxv: Vec<(u64, u64)>,
}

/// The stack image for the range `[sp, top)`.
pub struct StackImage {
    pub sp: u64,
    pub bytes: Vec<u8>,
    /// Guest ranges of the argument strings and of the environment strings (what
    /// /proc/self/cmdline and /proc/self/environ show).
    pub args: (u64, u64),
    pub env: (u64, u64),
    /// The complete auxiliary vector, AT_NULL included (what /proc/self/auxv shows).
    pub auxv: Vec<(u64, u64)>,
}

/// Lay out the initial stack ending at `top`. None if an address computation would wrap.
pub fn build(abi: Abi, top: u64, a: &StackArgs) -> Option<StackImage> {
    let w = abi.word();
    // Strings, placed downward from the top (the top word stays zero).
    let mut strings: Vec<(u64, &[u8])> = Vec::new();
    let mut p = top.checked_sub(w)?;
    let execfn = place(&mut p, a.execfn)?;
    strings.push((execfn, a.execfn));
    let mut env_ptrs = vec![0u64; a.envp.len()];
    for (i, e) in a.envp.iter().enumerate().rev() {
        env_ptrs[i] = place(&mut p, e)?;
        strings.push((env_ptrs[i], e));
    }
    let mut arg_ptrs = vec![0u64; a.argv.len()];
    for (i, s) in a.argv.iter().enumerate().rev() {
        arg_ptrs[i] = place(&mut p, s)?;
        strings.push((arg_ptrs[i], s));
    }
    p &= !(w - 1);
    let platform = place(&mut p, a.platform)?;
    strings.push((platform, a.platform));
    p = p.checked_sub(16)? & !15;
    let random = p;

    let mut auxv = a.auxv.clone();
    auxv.push((AT_RANDOM, random));
    auxv.push((AT_EXECFN, execfn));
    auxv.push((AT_PLATFORM, platform));
    auxv.push((AT_NULL, 0));
    let env_start = env_ptrs.first().copied().unwrap_or(execfn);
    let args = (arg_ptrs.first().copied().unwrap_or(env_start), env_start);
    let env = (env_start, execfn);
    let words = 1 + (a.argv.len() as u64 + 1) + (a.envp.len() as u64 + 1) + 2 * auxv.len() as u64;
    let sp = p.checked_sub(words * w)? & !(abi.align.max(w) - 1);

    let mut bytes = vec![0u8; usize::try_from(top - sp).ok()?];
    let at = |addr: u64| (addr - sp) as usize;
    for (addr, s) in strings {
        bytes[at(addr)..at(addr) + s.len()].copy_from_slice(s);
    }
    bytes[at(random)..at(random) + 16].copy_from_slice(&a.random);
    let mut q = sp;
    let mut push = |v: u64| {
        abi.put(&mut bytes[at(q)..], v);
        q += w;
    };
    push(a.argv.len() as u64);
    for v in arg_ptrs.iter().copied().chain([0]).chain(env_ptrs.iter().copied()).chain([0]) {
        push(v);
    }
    for &(k, v) in &auxv {
        push(k);
        push(v);
    }
    Some(StackImage { sp, bytes, args, env, auxv })
}

/// Move `p` down to make room for `data` and its NUL; returns the string's address.
fn place(p: &mut u64, data: &[u8]) -> Option<u64> {
    *p = p.checked_sub(data.len() as u64 + 1)?;
    Some(*p)
}

/// Map a stack of `size` bytes with a guard page below it; returns its top.
pub fn map_stack(mem: &GuestMem, size: u64, exec: bool) -> Result<u64, String> {
    let size = size.div_ceil(PAGE_SIZE) * PAGE_SIZE;
    let total = size + PAGE_SIZE;
    let prot = PROT_READ | PROT_WRITE | if exec { PROT_EXEC } else { 0 };
    let base = mem
        .mmap(0, total, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0, None)
        .map_err(|e| format!("cannot allocate the {size}-byte guest stack: {}", e.desc()))?;
    mem.mprotect(base, PAGE_SIZE, 0).map_err(|e| format!("cannot set up the stack guard page: {}", e.desc()))?;
    mem.lock().vmas.insert(Vma { start: base + PAGE_SIZE, end: base + total, prot, shared: false, kind: VmaKind::Stack });
    Ok(base + total)
}

/// 16 random bytes for AT_RANDOM.
pub fn random_bytes() -> [u8; 16] {
    let mut r = [0u8; 16];
    let n = unsafe { libc::getrandom(r.as_mut_ptr() as *mut _, 16, 0) };
    if n != 16 {
        // Very old kernels: fall back to something that still varies per run.
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let x = t ^ ((std::process::id() as u128) << 64) ^ (&r as *const _ as u128);
        r = x.to_le_bytes();
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args<'a>(argv: &'a [Vec<u8>], envp: &'a [Vec<u8>]) -> StackArgs<'a> {
        StackArgs {
            argv,
            envp,
            execfn: b"/tmp/prog",
            platform: b"aarch64",
            random: *b"0123456789abcdef",
            auxv: vec![(AT_PAGESZ, 4096), (AT_ENTRY, 0x400078)],
        }
    }

    #[test]
    fn layout_in_guest_memory() {
        let mem = GuestMem::new_identity();
        let top = map_stack(&mem, 64 << 10, false).unwrap();
        assert_eq!(top % PAGE_SIZE, 0);
        let argv = vec![b"prog".to_vec(), b"one".to_vec(), b"".to_vec()];
        let envp = vec![b"A=1".to_vec(), b"PATH=/bin".to_vec()];
        let abi = Abi { is_64: true, big_endian: false, align: 16 };
        let img = build(abi, top, &args(&argv, &envp)).unwrap();
        mem.write(img.sp, &img.bytes).unwrap();
        let sp = img.sp;
        assert_eq!(sp % 16, 0);
        assert_eq!(mem.read_u64(sp).unwrap(), 3);
        for (i, a) in argv.iter().enumerate() {
            let p = mem.read_u64(sp + 8 + 8 * i as u64).unwrap();
            assert_eq!(&mem.read_cstr(p, 100).unwrap(), a);
        }
        assert_eq!(mem.read_u64(sp + 8 + 8 * 3).unwrap(), 0);
        let envbase = sp + 8 + 8 * 4;
        for (i, e) in envp.iter().enumerate() {
            let p = mem.read_u64(envbase + 8 * i as u64).unwrap();
            assert_eq!(&mem.read_cstr(p, 100).unwrap(), e);
        }
        assert_eq!(mem.read_u64(envbase + 16).unwrap(), 0);
        let mut aux = Vec::new();
        let mut q = envbase + 24;
        loop {
            let (k, v) = (mem.read_u64(q).unwrap(), mem.read_u64(q + 8).unwrap());
            aux.push((k, v));
            q += 16;
            if k == AT_NULL {
                break;
            }
        }
        let get = |k: u64| aux.iter().find(|e| e.0 == k).map(|e| e.1).unwrap();
        assert_eq!(get(AT_PAGESZ), 4096);
        assert_eq!(get(AT_ENTRY), 0x400078);
        let r = get(AT_RANDOM);
        let mut rb = [0u8; 16];
        mem.read(r, &mut rb).unwrap();
        assert_eq!(&rb, b"0123456789abcdef");
        assert_eq!(mem.read_cstr(get(AT_PLATFORM), 100).unwrap(), b"aarch64");
        assert_eq!(mem.read_cstr(get(AT_EXECFN), 100).unwrap(), b"/tmp/prog");
        assert_eq!(aux.last(), Some(&(AT_NULL, 0)));
        // Strings lie above the table and below the top.
        assert!(r >= q && get(AT_EXECFN) < top);
        // The stack is recorded as such, with an inaccessible guard page under it.
        let snap = mem.snapshot();
        let st = snap.iter().find(|v| v.kind == VmaKind::Stack).unwrap();
        assert_eq!(st.end, top);
        assert_eq!(st.prot, PROT_READ | PROT_WRITE);
        assert!(!mem.is_accessible(st.start - PAGE_SIZE, 1, PROT_READ));
        mem.munmap(st.start - PAGE_SIZE, st.end - st.start + PAGE_SIZE).unwrap();
    }

    #[test]
    fn big_endian_32bit_words() {
        let argv = vec![b"p".to_vec()];
        let abi = Abi { is_64: false, big_endian: true, align: 16 };
        let top = 0x1000_0000;
        let img = build(abi, top, &args(&argv, &[])).unwrap();
        assert_eq!(img.sp % 16, 0);
        let w = |i: usize| u32::from_be_bytes(img.bytes[4 * i..4 * i + 4].try_into().unwrap());
        assert_eq!(w(0), 1);
        let p = w(1) as u64;
        assert_eq!(img.bytes[(p - img.sp) as usize], b'p');
        assert_eq!(w(2), 0); // argv end
        assert_eq!(w(3), 0); // envp end
        assert_eq!(w(4) as u64, AT_PAGESZ);
        assert_eq!(w(5), 4096);
    }
}
