//! Guest ⇄ host translation of the Linux ABI: struct layouts, flag bits, errno numbers.
//!
//! Everything that differs between guest ABIs is described by one `Abi` value per guest
//! (see `aarch64.rs`); the conversion code in `structs.rs`, `flags.rs` and `errno.rs` reads
//! those tables. Guest memory is always written field by field in the guest's byte order
//! through `GuestWriter`/`GuestReader`, never by transmuting host structs, so a big-endian
//! guest (ppc64) only needs its own `Abi` value.

pub mod aarch64;
pub mod cmsg;
pub mod errno;
pub mod flags;
pub mod ioctl;
pub mod layout;
pub mod sockaddr;
pub mod structs;

pub use ioctl::Ioctl;

use crate::guest::GuestArch;
use crate::mem::{GuestMem, PROT_READ, PROT_WRITE};
use nix::errno::Errno;

/// A field of the guest's `struct stat`, for the per-ABI layout table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatField {
    Dev,
    Ino,
    Mode,
    Nlink,
    Uid,
    Gid,
    Rdev,
    Size,
    Blksize,
    Blocks,
    Atime,
    AtimeNsec,
    Mtime,
    MtimeNsec,
    Ctime,
    CtimeNsec,
}

/// One guest Linux ABI: what the syscall layer needs to know to translate for it.
pub struct Abi {
    pub name: &'static str,
    pub big_endian: bool,
    /// Size of `long` and of pointers (8 on 64-bit guests, 4 on ppc32).
    pub long_size: usize,
    /// Alignment of 64-bit integers inside structs.
    pub align_u64: usize,
    /// Syscall names indexed by number (generated from syscall-tables/*.tbl).
    pub syscall_names: &'static [&'static str],
    /// The number of a syscall name (generated with the names).
    pub syscall_nr_of: fn(&str) -> Option<usize>,
    /// `struct stat`: total size and (field, offset, size in bytes) rows.
    pub stat_size: usize,
    pub stat_layout: &'static [(StatField, usize, usize)],
    /// open(2) flag bits: (guest bit, host bit); bits not listed pass through unchanged.
    pub open_flags: &'static [(u32, u32)],
    /// ioctl request numbers → meaning (see `ioctl.rs`).
    pub ioctls: &'static [(u32, Ioctl)],
    /// Kernel `struct termios`: number of c_cc entries (the layout is iflag, oflag, cflag,
    /// lflag as u32, then c_line and c_cc as bytes on the generic ABI).
    pub nccs: usize,
    /// Host errno → guest errno (identity on asm-generic guests).
    pub errno_to_guest: fn(i32) -> i32,
    /// Guest errno → host errno.
    pub errno_from_guest: fn(i32) -> i32,
    /// uname -m.
    pub machine: &'static str,
    /// MINSIGSTKSZ: smallest alternate signal stack sigaltstack accepts.
    pub minsigstksz: u64,
    /// AT_VECTOR_SIZE_ARCH: auxv entries the architecture adds (the size of the kernel's
    /// saved auxv, which PR_GET_AUXV reports, depends on it).
    pub auxv_arch_entries: u64,
}

/// The ABI description for a guest architecture.
pub fn abi_for(arch: &dyn GuestArch) -> &'static Abi {
    match arch.name() {
        "aarch64" => &aarch64::ABI,
        // Only one guest ABI so far; ppc gets its own entry here.
        _ => &aarch64::ABI,
    }
}

/// Builds a guest struct in a byte buffer with the guest's byte order.
pub struct GuestWriter {
    pub buf: Vec<u8>,
    be: bool,
}

impl GuestWriter {
    pub fn new(size: usize, abi: &Abi) -> GuestWriter {
        GuestWriter { buf: vec![0; size], be: abi.big_endian }
    }
    fn put(&mut self, off: usize, le: &[u8]) {
        let Some(dst) = self.buf.get_mut(off..off + le.len()) else { return };
        dst.copy_from_slice(le);
        if self.be {
            dst.reverse();
        }
    }
    pub fn u8(&mut self, off: usize, v: u8) {
        self.put(off, &[v]);
    }
    pub fn u16(&mut self, off: usize, v: u16) {
        self.put(off, &v.to_le_bytes());
    }
    pub fn u32(&mut self, off: usize, v: u32) {
        self.put(off, &v.to_le_bytes());
    }
    pub fn u64(&mut self, off: usize, v: u64) {
        self.put(off, &v.to_le_bytes());
    }
    /// An unsigned field of `size` bytes (1, 2, 4 or 8); the value is truncated.
    pub fn uint(&mut self, off: usize, size: usize, v: u64) {
        match size {
            1 => self.u8(off, v as u8),
            2 => self.u16(off, v as u16),
            4 => self.u32(off, v as u32),
            _ => self.u64(off, v),
        }
    }
    pub fn bytes(&mut self, off: usize, b: &[u8]) {
        if let Some(dst) = self.buf.get_mut(off..off + b.len()) {
            dst.copy_from_slice(b);
        }
    }
    /// Copy the finished struct to guest memory (EFAULT on a bad pointer).
    pub fn store(&self, mem: &GuestMem, addr: u64) -> Result<(), Errno> {
        mem.write(addr, &self.buf)
    }
}

/// Reads a guest struct from a byte buffer with the guest's byte order. Out-of-range reads
/// give 0 (the buffer is always sized for the struct by the caller).
pub struct GuestReader {
    pub buf: Vec<u8>,
    be: bool,
}

impl GuestReader {
    /// Copy `size` bytes of guest memory at `addr` (EFAULT on a bad pointer).
    pub fn load(mem: &GuestMem, addr: u64, size: usize, abi: &Abi) -> Result<GuestReader, Errno> {
        let mut buf = vec![0; size];
        mem.read(addr, &mut buf)?;
        Ok(GuestReader { buf, be: abi.big_endian })
    }
    pub fn from_bytes(buf: Vec<u8>, abi: &Abi) -> GuestReader {
        GuestReader { buf, be: abi.big_endian }
    }
    fn get<const N: usize>(&self, off: usize) -> [u8; N] {
        let mut b = [0u8; N];
        if let Some(src) = self.buf.get(off..off + N) {
            b.copy_from_slice(src);
        }
        if self.be {
            b.reverse();
        }
        b
    }
    pub fn u8(&self, off: usize) -> u8 {
        self.buf.get(off).copied().unwrap_or(0)
    }
    pub fn u16(&self, off: usize) -> u16 {
        u16::from_le_bytes(self.get(off))
    }
    pub fn u32(&self, off: usize) -> u32 {
        u32::from_le_bytes(self.get(off))
    }
    pub fn u64(&self, off: usize) -> u64 {
        u64::from_le_bytes(self.get(off))
    }
    /// An unsigned field of `size` bytes (1, 2, 4 or 8), zero-extended.
    pub fn uint(&self, off: usize, size: usize) -> u64 {
        match size {
            1 => self.u8(off) as u64,
            2 => self.u16(off) as u64,
            4 => self.u32(off) as u64,
            _ => self.u64(off),
        }
    }
}

/// EFAULT unless `[addr, addr+len)` is writable guest memory.
pub fn check_w(mem: &GuestMem, addr: u64, len: usize) -> Result<(), Errno> {
    mem.check(addr, len as u64, PROT_WRITE)
}

/// EFAULT unless `[addr, addr+len)` is readable guest memory.
pub fn check_r(mem: &GuestMem, addr: u64, len: usize) -> Result<(), Errno> {
    mem.check(addr, len as u64, PROT_READ)
}
