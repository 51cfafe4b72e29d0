//! ioctl requests ruser understands: one row each, with its asm-generic number (what arm64 and
//! the x86-64 host both use) and how its argument is passed. A guest ABI maps its own request
//! numbers to these meanings (`Abi::ioctls`); the handler (`syscall/ioctl.rs`) converts the
//! argument by its kind and issues the host request. Requests not listed return ENOTTY.

/// How an ioctl's argument is passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IoArg {
    /// No argument (the third register is ignored).
    None,
    /// The argument is an integer value.
    Value,
    /// The argument is a value of guest open flags (O_RDWR, O_NOCTTY, O_CLOEXEC...).
    OpenFlags,
    /// The argument is an fd (refused when it is one of ruser's).
    Fd,
    /// Points to one byte the kernel reads.
    ByteIn,
    /// Points to an int the kernel reads.
    IntIn,
    /// Points to an int the kernel writes.
    IntOut,
    /// Points to an int the kernel reads and writes.
    IntInOut,
    /// Points to an `unsigned long` the kernel writes.
    ULongOut,
    /// Points to a 64-bit value the kernel writes.
    U64Out,
    TermiosIn,
    TermiosOut,
    Termios2In,
    Termios2Out,
    TermioIn,
    TermioOut,
    WinsizeIn,
    WinsizeOut,
    /// `struct ifreq` with its union holding a socket address, a short (flags) or an int.
    IfreqAddr,
    IfreqShort,
    IfreqInt,
    /// `struct ifconf`: a guest buffer of `struct ifreq`s.
    Ifconf,
    /// Points to a `struct timeval` / `struct timespec` the kernel writes.
    TimevalOut,
    TimespecOut,
    /// `struct file_clone_range` (FICLONERANGE).
    CloneRange,
}

macro_rules! ioctls {
    ($($name:ident = $num:expr, $arg:ident;)*) => {
        /// Guest ioctl requests, by meaning.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Ioctl { $($name),* }

        /// (asm-generic number, meaning): the request numbers of arm64, and of the host.
        pub static GENERIC: &[(u32, Ioctl)] = &[$(($num, Ioctl::$name)),*];

        impl Ioctl {
            /// The x86-64 host's request number.
            pub fn host(self) -> u64 {
                match self { $(Ioctl::$name => $num as u64),* }
            }
            pub fn arg(self) -> IoArg {
                match self { $(Ioctl::$name => IoArg::$arg),* }
            }
        }
    };
}

ioctls! {
    // Terminals (asm-generic/ioctls.h).
    Tcgets = 0x5401, TermiosOut;
    Tcsets = 0x5402, TermiosIn;
    Tcsetsw = 0x5403, TermiosIn;
    Tcsetsf = 0x5404, TermiosIn;
    Tcgeta = 0x5405, TermioOut;
    Tcseta = 0x5406, TermioIn;
    Tcsetaw = 0x5407, TermioIn;
    Tcsetaf = 0x5408, TermioIn;
    Tcsbrk = 0x5409, Value;
    Tcxonc = 0x540a, Value;
    Tcflsh = 0x540b, Value;
    Tiocexcl = 0x540c, None;
    Tiocnxcl = 0x540d, None;
    Tiocsctty = 0x540e, Value;
    Tiocgpgrp = 0x540f, IntOut;
    Tiocspgrp = 0x5410, IntIn;
    Tiocoutq = 0x5411, IntOut;
    Tiocsti = 0x5412, ByteIn;
    Tiocgwinsz = 0x5413, WinsizeOut;
    Tiocswinsz = 0x5414, WinsizeIn;
    Tiocmget = 0x5415, IntOut;
    Tiocmbis = 0x5416, IntIn;
    Tiocmbic = 0x5417, IntIn;
    Tiocmset = 0x5418, IntIn;
    Tiocgsoftcar = 0x5419, IntOut;
    Tiocssoftcar = 0x541a, IntIn;
    Fionread = 0x541b, IntOut;
    Tioccons = 0x541d, None;
    Tiocpkt = 0x5420, IntIn;
    Fionbio = 0x5421, IntIn;
    Tiocnotty = 0x5422, None;
    Tiocsetd = 0x5423, IntIn;
    Tiocgetd = 0x5424, IntOut;
    Tcsbrkp = 0x5425, Value;
    Tiocsbrk = 0x5427, None;
    Tioccbrk = 0x5428, None;
    Tiocgsid = 0x5429, IntOut;
    Tcgets2 = 0x802c_542a, Termios2Out;
    Tcsets2 = 0x402c_542b, Termios2In;
    Tcsetsw2 = 0x402c_542c, Termios2In;
    Tcsetsf2 = 0x402c_542d, Termios2In;
    Tiocgptn = 0x8004_5430, IntOut;
    Tiocsptlck = 0x4004_5431, IntIn;
    Tiocgdev = 0x8004_5432, IntOut;
    Tiocsig = 0x4004_5436, Value;
    Tiocvhangup = 0x5437, None;
    Tiocgpkt = 0x8004_5438, IntOut;
    Tiocgptlck = 0x8004_5439, IntOut;
    Tiocgexcl = 0x8004_5440, IntOut;
    Tiocgptpeer = 0x5441, OpenFlags;
    Fionclex = 0x5450, None;
    Fioclex = 0x5451, None;
    Fioasync = 0x5452, IntIn;
    Fioqsize = 0x5460, U64Out;
    // Sockets (asm-generic/sockios.h, linux/sockios.h).
    Fiosetown = 0x8901, IntIn;
    Siocspgrp = 0x8902, IntIn;
    Fiogetown = 0x8903, IntOut;
    Siocgpgrp = 0x8904, IntOut;
    Siocatmark = 0x8905, IntOut;
    Siocgstamp = 0x8906, TimevalOut;
    Siocgstampns = 0x8907, TimespecOut;
    Siocgifname = 0x8910, IfreqInt;
    Siocgifconf = 0x8912, Ifconf;
    Siocgifflags = 0x8913, IfreqShort;
    Siocsifflags = 0x8914, IfreqShort;
    Siocgifaddr = 0x8915, IfreqAddr;
    Siocgifdstaddr = 0x8917, IfreqAddr;
    Siocgifbrdaddr = 0x8919, IfreqAddr;
    Siocgifnetmask = 0x891b, IfreqAddr;
    Siocgifmetric = 0x891d, IfreqInt;
    Siocgifmtu = 0x8921, IfreqInt;
    Siocgifhwaddr = 0x8927, IfreqAddr;
    Siocgifindex = 0x8933, IfreqInt;
    Siocgiftxqlen = 0x8942, IfreqInt;
    // Files and block devices (linux/fs.h).
    Fibmap = 0x0001, IntInOut;
    Figetbsz = 0x0002, IntOut;
    Blkroget = 0x125e, IntOut;
    Blkrrpart = 0x125f, None;
    Blkgetsize = 0x1260, ULongOut;
    Blkflsbuf = 0x1261, None;
    Blksszget = 0x1268, IntOut;
    Blkpbszget = 0x127b, IntOut;
    Blkgetsize64 = 0x8008_1272, U64Out;
    // FS_IOC_GETFLAGS/SETFLAGS are declared with `long` but move an int.
    FsIocGetflags = 0x8008_6601, IntOut;
    FsIocSetflags = 0x4008_6602, IntIn;
    FsIocGetversion = 0x8008_7601, IntOut;
    FsIocSetversion = 0x4008_7602, IntIn;
    Ficlone = 0x4004_9409, Fd;
    Ficlonerange = 0x4020_940d, CloneRange;
    // /dev/random.
    Rndgetentcnt = 0x8004_5200, IntOut;
}
