//! The host CPU features ruser's code generators and helpers choose between, read once.
//!
//! `std::is_x86_feature_detected!` reads every CPUID leaf std knows about on first use; in a
//! virtual machine each CPUID traps to the hypervisor (about 10 µs each on the development
//! machine), which made the detection cost some 60 µs of every ruser process's start-up.
//! The features used here live in four leaves. The rules are std's: FMA counts only when the
//! OS saves the AVX state (OSXSAVE and XCR0's SSE and AVX bits).

use std::sync::OnceLock;

/// The features, as `is_x86_feature_detected!` would report them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Features {
    pub ssse3: bool,
    pub sse41: bool,
    pub sse42: bool,
    pub fma: bool,
    pub aes: bool,
    pub pclmulqdq: bool,
    pub bmi2: bool,
    pub sha: bool,
    pub lzcnt: bool,
}

/// The host's features (detected on first use).
pub fn features() -> Features {
    static F: OnceLock<Features> = OnceLock::new();
    *F.get_or_init(detect)
}

#[cfg(target_arch = "x86_64")]
fn detect() -> Features {
    use std::arch::x86_64::{CpuidResult, __cpuid, __cpuid_count, _xgetbv};
    let bit = |r: u32, n: u32| r & (1 << n) != 0;
    // Leaves above the maximum are not read; leaf 0x80000001 exists on every x86-64 CPU (it
    // holds the long-mode bit).
    let (max, l1) = (__cpuid(0).eax, __cpuid(1));
    let l7 = if max >= 7 { __cpuid_count(7, 0) } else { CpuidResult { eax: 0, ebx: 0, ecx: 0, edx: 0 } };
    let e1 = __cpuid(0x8000_0001);
    // SAFETY: XGETBV is available when OSXSAVE is set.
    let os_avx = bit(l1.ecx, 27) && unsafe { _xgetbv(0) } & 6 == 6;
    Features {
        ssse3: bit(l1.ecx, 9),
        sse41: bit(l1.ecx, 19),
        sse42: bit(l1.ecx, 20),
        fma: os_avx && bit(l1.ecx, 12),
        aes: bit(l1.ecx, 25),
        pclmulqdq: bit(l1.ecx, 1),
        bmi2: bit(l7.ebx, 8),
        sha: bit(l7.ebx, 29),
        lzcnt: bit(e1.ecx, 5),
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn detect() -> Features {
    Features::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_std() {
        let f = features();
        assert_eq!(f.ssse3, std::is_x86_feature_detected!("ssse3"));
        assert_eq!(f.sse41, std::is_x86_feature_detected!("sse4.1"));
        assert_eq!(f.sse42, std::is_x86_feature_detected!("sse4.2"));
        assert_eq!(f.fma, std::is_x86_feature_detected!("fma"));
        assert_eq!(f.aes, std::is_x86_feature_detected!("aes"));
        assert_eq!(f.pclmulqdq, std::is_x86_feature_detected!("pclmulqdq"));
        assert_eq!(f.bmi2, std::is_x86_feature_detected!("bmi2"));
        assert_eq!(f.sha, std::is_x86_feature_detected!("sha"));
        assert_eq!(f.lzcnt, std::is_x86_feature_detected!("lzcnt"));
    }
}
