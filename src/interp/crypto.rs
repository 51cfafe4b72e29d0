//! Semantics of the A64 cryptographic extension (AES, SHA-1, SHA-256, PMULL) as pure functions
//! on 128-bit register values, and the IR helpers that call them.
//!
//! Each operation has a portable version (`portable`, written from the Arm ARM pseudocode and
//! FIPS 197 / FIPS 180-4) and, on x86-64 hosts with AES-NI, SHA-NI or PCLMULQDQ, a version
//! built on those instructions (`x86`). The public functions pick the host version when the
//! CPU has it (detected once). The tests check both versions against each other and against
//! known answers. The JIT emits the same host instruction sequences inline (jit/emit_crypto.rs).
//!
//! Register values are little-endian: byte 0 of an AES state is bits 7:0, 32-bit lane 0 of a
//! SHA operand is bits 31:0.

use crate::ir::{HelperCtx, HelperFn};
use std::sync::OnceLock;

/// The host's cryptographic instructions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HostCrypto {
    /// AES-NI (aesenc, aesenclast, aesdeclast, aesimc).
    pub aes: bool,
    /// PCLMULQDQ.
    pub pclmul: bool,
    /// SHA extensions (sha1rnds4, sha1msg2, sha256rnds2, sha256msg1, sha256msg2), together
    /// with the SSSE3/SSE4.1 shuffles the sequences around them use.
    pub sha: bool,
}

/// What this host has, detected once.
pub fn host() -> HostCrypto {
    static H: OnceLock<HostCrypto> = OnceLock::new();
    *H.get_or_init(detect)
}

#[cfg(target_arch = "x86_64")]
fn detect() -> HostCrypto {
    let f = crate::hostcpu::features();
    HostCrypto { aes: f.aes, pclmul: f.pclmulqdq, sha: f.ssse3 && f.sse41 && f.sha }
}

#[cfg(not(target_arch = "x86_64"))]
fn detect() -> HostCrypto {
    HostCrypto::default()
}

/// The three SHA-1 round functions of SHA1C, SHA1P and SHA1M.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sha1Fn {
    Choose,
    Parity,
    Majority,
}

// ---------------------------------------------------------------- dispatch

/// Dispatch to the x86 version when the host feature `$f` is present, else the portable one.
macro_rules! pick {
    ($f:ident, $name:ident ( $($a:expr),* )) => {{
        #[cfg(target_arch = "x86_64")]
        {
            if host().$f {
                // SAFETY: the host has the instructions the function is compiled for.
                return unsafe { x86::$name($($a),*) };
            }
        }
        portable::$name($($a),*)
    }};
}

/// AESE: AddRoundKey (d ^ n), then ShiftRows and SubBytes.
pub fn aese(d: u128, n: u128) -> u128 {
    pick!(aes, aese(d, n))
}

/// AESD: AddRoundKey (d ^ n), then InvShiftRows and InvSubBytes.
pub fn aesd(d: u128, n: u128) -> u128 {
    pick!(aes, aesd(d, n))
}

/// AESMC: MixColumns.
pub fn aesmc(x: u128) -> u128 {
    pick!(aes, aesmc(x))
}

/// AESIMC: InvMixColumns.
pub fn aesimc(x: u128) -> u128 {
    pick!(aes, aesimc(x))
}

/// SHA1C/SHA1P/SHA1M: four SHA-1 rounds on abcd = `x` (a in lane 0), e = `e`, with the
/// schedule words (K already added) in `w`. Returns the new abcd.
pub fn sha1_rounds(f: Sha1Fn, x: u128, e: u32, w: u128) -> u128 {
    pick!(sha, sha1_rounds(f, x, e, w))
}

/// SHA1SU0 Vd, Vn, Vm.
pub fn sha1su0(d: u128, n: u128, m: u128) -> u128 {
    portable::sha1su0(d, n, m)
}

/// SHA1SU1 Vd, Vn.
pub fn sha1su1(d: u128, n: u128) -> u128 {
    pick!(sha, sha1su1(d, n))
}

/// SHA1H: rotate left by 30.
pub fn sha1h(x: u32) -> u32 {
    x.rotate_left(30)
}

/// SHA256H Qd, Qn, Vm (`d` = abcd, `n` = efgh): four rounds, the new abcd.
pub fn sha256h(d: u128, n: u128, w: u128) -> u128 {
    pick!(sha, sha256h(d, n, w))
}

/// SHA256H2 Qd, Qn, Vm (`d` = efgh, `n` = abcd, both before SHA256H): the new efgh.
pub fn sha256h2(d: u128, n: u128, w: u128) -> u128 {
    pick!(sha, sha256h2(d, n, w))
}

/// SHA256SU0 Vd, Vn.
pub fn sha256su0(d: u128, n: u128) -> u128 {
    pick!(sha, sha256su0(d, n))
}

/// SHA256SU1 Vd, Vn, Vm.
pub fn sha256su1(d: u128, n: u128, m: u128) -> u128 {
    pick!(sha, sha256su1(d, n, m))
}

/// PMULL (1Q): carry-less product of two 64-bit polynomials.
pub fn pmull64(a: u64, b: u64) -> u128 {
    pick!(pclmul, pmull64(a, b))
}

/// PMULL (8B -> 8H): carry-less products of the eight byte lanes of `a` and `b`, each a
/// 16-bit lane of the result.
pub fn pmull8(a: u64, b: u64) -> u128 {
    portable::pmull8(a, b)
}

// ---------------------------------------------------------------- IR helpers

macro_rules! helper {
    ($stat:ident, $name:literal, |$a:ident| $body:expr) => {
        pub static $stat: HelperFn = HelperFn {
            name: $name,
            func: {
                fn f(_: &mut HelperCtx, $a: [u128; 3]) -> u128 {
                    $body
                }
                f
            },
            volatile: false,
            pure: true,
        };
    };
}

// Operands: the instruction's registers in the order Vd, Vn, Vm (whole 128-bit values).
helper!(AESE, "aese", |a| aese(a[0], a[1]));
helper!(AESD, "aesd", |a| aesd(a[0], a[1]));
helper!(AESMC, "aesmc", |a| aesmc(a[0]));
helper!(AESIMC, "aesimc", |a| aesimc(a[0]));
helper!(SHA1C, "sha1c", |a| sha1_rounds(Sha1Fn::Choose, a[0], a[1] as u32, a[2]));
helper!(SHA1P, "sha1p", |a| sha1_rounds(Sha1Fn::Parity, a[0], a[1] as u32, a[2]));
helper!(SHA1M, "sha1m", |a| sha1_rounds(Sha1Fn::Majority, a[0], a[1] as u32, a[2]));
helper!(SHA1SU1, "sha1su1", |a| sha1su1(a[0], a[1]));
helper!(SHA256H, "sha256h", |a| sha256h(a[0], a[1], a[2]));
helper!(SHA256H2, "sha256h2", |a| sha256h2(a[0], a[1], a[2]));
helper!(SHA256SU0, "sha256su0", |a| sha256su0(a[0], a[1]));
helper!(SHA256SU1, "sha256su1", |a| sha256su1(a[0], a[1], a[2]));
// PMULL/PMULL2 (1Q): the low or the high doublewords of Vn and Vm.
helper!(PMULL64_LO, "pmull64", |a| pmull64(a[0] as u64, a[1] as u64));
helper!(PMULL64_HI, "pmull64_hi", |a| pmull64((a[0] >> 64) as u64, (a[1] >> 64) as u64));
// PMULL (8B): the low doublewords (PMULL2 moves the high halves down first).
helper!(PMULL8, "pmull8", |a| pmull8(a[0] as u64, a[1] as u64));

// ---------------------------------------------------------------- portable versions

pub mod portable {
    use super::Sha1Fn;

    // ---- AES (FIPS 197) ----

    /// Multiply by x in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1.
    const fn xtime(b: u8) -> u8 {
        (b << 1) ^ if b & 0x80 != 0 { 0x1b } else { 0 }
    }

    pub(super) const fn gmul(mut a: u8, mut b: u8) -> u8 {
        let mut r = 0;
        while b != 0 {
            if b & 1 != 0 {
                r ^= a;
            }
            a = xtime(a);
            b >>= 1;
        }
        r
    }

    /// The S-box: multiplicative inverse (x^254) followed by the affine transformation.
    const fn make_sbox() -> [u8; 256] {
        let mut t = [0u8; 256];
        let mut x = 0;
        while x < 256 {
            // x^254 by square and multiply (254 = 0b11111110); 0 maps to 0.
            let mut inv = 1u8;
            let mut base = x as u8;
            let mut e = 254u32;
            while e != 0 {
                if e & 1 != 0 {
                    inv = gmul(inv, base);
                }
                base = gmul(base, base);
                e >>= 1;
            }
            let b = if x == 0 { 0 } else { inv };
            t[x] = b ^ b.rotate_left(1) ^ b.rotate_left(2) ^ b.rotate_left(3) ^ b.rotate_left(4) ^ 0x63;
            x += 1;
        }
        t
    }

    const fn invert(s: &[u8; 256]) -> [u8; 256] {
        let mut t = [0u8; 256];
        let mut x = 0;
        while x < 256 {
            t[s[x] as usize] = x as u8;
            x += 1;
        }
        t
    }

    pub(super) static SBOX: [u8; 256] = make_sbox();
    static INV_SBOX: [u8; 256] = invert(&SBOX);

    /// State byte `r + 4c` is row r, column c.
    fn shift_rows(s: [u8; 16], inverse: bool) -> [u8; 16] {
        let mut o = [0u8; 16];
        for c in 0..4 {
            for r in 0..4 {
                let from = if inverse { (c + 4 - r) % 4 } else { (c + r) % 4 };
                o[r + 4 * c] = s[r + 4 * from];
            }
        }
        o
    }

    fn mix_columns(s: [u8; 16], coef: [u8; 4]) -> [u8; 16] {
        let mut o = [0u8; 16];
        for c in 0..4 {
            for r in 0..4 {
                let mut v = 0;
                for k in 0..4 {
                    v ^= gmul(coef[(k + 4 - r) % 4], s[k + 4 * c]);
                }
                o[r + 4 * c] = v;
            }
        }
        o
    }

    pub fn aese(d: u128, n: u128) -> u128 {
        let s = shift_rows((d ^ n).to_le_bytes(), false);
        u128::from_le_bytes(s.map(|b| SBOX[b as usize]))
    }

    pub fn aesd(d: u128, n: u128) -> u128 {
        let s = shift_rows((d ^ n).to_le_bytes(), true);
        u128::from_le_bytes(s.map(|b| INV_SBOX[b as usize]))
    }

    pub fn aesmc(x: u128) -> u128 {
        u128::from_le_bytes(mix_columns(x.to_le_bytes(), [2, 3, 1, 1]))
    }

    pub fn aesimc(x: u128) -> u128 {
        u128::from_le_bytes(mix_columns(x.to_le_bytes(), [0xe, 0xb, 0xd, 0x9]))
    }

    // ---- SHA (FIPS 180-4; register use as in the Arm ARM) ----

    pub(super) fn lanes(x: u128) -> [u32; 4] {
        [x as u32, (x >> 32) as u32, (x >> 64) as u32, (x >> 96) as u32]
    }

    pub(super) fn join(l: [u32; 4]) -> u128 {
        l.iter().enumerate().fold(0, |acc, (i, &v)| acc | (v as u128) << (32 * i))
    }

    fn choose(x: u32, y: u32, z: u32) -> u32 {
        ((y ^ z) & x) ^ z
    }

    fn majority(x: u32, y: u32, z: u32) -> u32 {
        (x & y) | ((x | y) & z)
    }

    pub fn sha1_rounds(f: Sha1Fn, x: u128, e: u32, w: u128) -> u128 {
        let [mut a, mut b, mut c, mut d] = lanes(x);
        let mut e = e;
        for wi in lanes(w) {
            let t = match f {
                Sha1Fn::Choose => choose(b, c, d),
                Sha1Fn::Parity => b ^ c ^ d,
                Sha1Fn::Majority => majority(b, c, d),
            };
            let na = e.wrapping_add(a.rotate_left(5)).wrapping_add(t).wrapping_add(wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = na;
        }
        join([a, b, c, d])
    }

    pub fn sha1su0(d: u128, n: u128, m: u128) -> u128 {
        ((d >> 64) | (n << 64)) ^ d ^ m
    }

    pub fn sha1su1(d: u128, n: u128) -> u128 {
        let t = lanes(d ^ (n >> 32));
        let mut r = t.map(|v| v.rotate_left(1));
        r[3] ^= t[0].rotate_left(2);
        join(r)
    }

    fn sigma0(x: u32) -> u32 {
        x.rotate_right(2) ^ x.rotate_right(13) ^ x.rotate_right(22)
    }

    fn sigma1(x: u32) -> u32 {
        x.rotate_right(6) ^ x.rotate_right(11) ^ x.rotate_right(25)
    }

    fn ssig0(x: u32) -> u32 {
        x.rotate_right(7) ^ x.rotate_right(18) ^ (x >> 3)
    }

    fn ssig1(x: u32) -> u32 {
        x.rotate_right(17) ^ x.rotate_right(19) ^ (x >> 10)
    }

    /// Four SHA-256 rounds: (abcd, efgh) after them.
    fn sha256_rounds(x: u128, y: u128, w: u128) -> (u128, u128) {
        let [mut a, mut b, mut c, mut d] = lanes(x);
        let [mut e, mut f, mut g, mut h] = lanes(y);
        for wi in lanes(w) {
            let t1 = h.wrapping_add(sigma1(e)).wrapping_add(choose(e, f, g)).wrapping_add(wi);
            let t2 = sigma0(a).wrapping_add(majority(a, b, c));
            h = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        (join([a, b, c, d]), join([e, f, g, h]))
    }

    pub fn sha256h(d: u128, n: u128, w: u128) -> u128 {
        sha256_rounds(d, n, w).0
    }

    pub fn sha256h2(d: u128, n: u128, w: u128) -> u128 {
        sha256_rounds(n, d, w).1
    }

    pub fn sha256su0(d: u128, n: u128) -> u128 {
        let t = lanes((d >> 32) | (n << 96));
        let d = lanes(d);
        join([0, 1, 2, 3].map(|i| ssig0(t[i]).wrapping_add(d[i])))
    }

    pub fn sha256su1(d: u128, n: u128, m: u128) -> u128 {
        let t0 = lanes((n >> 32) | (m << 96));
        let (d, m) = (lanes(d), lanes(m));
        let mut r = [0u32; 4];
        for i in 0..4 {
            let src = if i < 2 { m[i + 2] } else { r[i - 2] };
            r[i] = ssig1(src).wrapping_add(d[i]).wrapping_add(t0[i]);
        }
        join(r)
    }

    // ---- polynomial multiplication ----

    pub fn pmull64(a: u64, b: u64) -> u128 {
        (0..64).filter(|i| b >> i & 1 != 0).fold(0u128, |acc, i| acc ^ (a as u128) << i)
    }

    pub fn pmull8(a: u64, b: u64) -> u128 {
        let mut r = 0u128;
        for lane in 0..8 {
            let (x, y) = ((a >> (8 * lane)) as u8 as u16, (b >> (8 * lane)) as u8);
            let p = (0..8).filter(|i| y >> i & 1 != 0).fold(0u16, |acc, i| acc ^ x << i);
            r |= (p as u128) << (16 * lane);
        }
        r
    }
}

// ---------------------------------------------------------------- host versions

#[cfg(target_arch = "x86_64")]
pub mod x86 {
    //! The same operations on AES-NI, SHA-NI and PCLMULQDQ. Callers must check `host()`.
    //!
    //! # Safety
    //! Every function here is unsafe for one reason only: it needs the host features its
    //! `target_feature` names, which `host()` reports.
    #![allow(clippy::missing_safety_doc)]
    use super::Sha1Fn;
    use core::arch::x86_64::*;

    #[inline]
    fn v(x: u128) -> __m128i {
        // SAFETY: both are 16 plain bytes; x86 is little-endian like the register layout.
        unsafe { core::mem::transmute::<u128, __m128i>(x) }
    }

    #[inline]
    fn u(x: __m128i) -> u128 {
        // SAFETY: as above.
        unsafe { core::mem::transmute::<__m128i, u128>(x) }
    }

    /// Arm AESE = (d ^ n), ShiftRows, SubBytes = aesenclast with a zero round key.
    #[target_feature(enable = "aes")]
    pub unsafe fn aese(d: u128, n: u128) -> u128 {
        u(_mm_aesenclast_si128(v(d ^ n), _mm_setzero_si128()))
    }

    #[target_feature(enable = "aes")]
    pub unsafe fn aesd(d: u128, n: u128) -> u128 {
        u(_mm_aesdeclast_si128(v(d ^ n), _mm_setzero_si128()))
    }

    /// MixColumns alone: undo ShiftRows+SubBytes (aesdeclast) and redo them with MixColumns
    /// (aesenc), both with zero keys.
    #[target_feature(enable = "aes")]
    pub unsafe fn aesmc(x: u128) -> u128 {
        let z = _mm_setzero_si128();
        u(_mm_aesenc_si128(_mm_aesdeclast_si128(v(x), z), z))
    }

    #[target_feature(enable = "aes")]
    pub unsafe fn aesimc(x: u128) -> u128 {
        u(_mm_aesimc_si128(v(x)))
    }

    /// The SHA-1 round constant sha1rnds4 adds for its function immediate.
    fn k1(f: Sha1Fn) -> i32 {
        match f {
            Sha1Fn::Choose => 0x5a82_7999,
            Sha1Fn::Parity => 0x6ed9_eba1,
            Sha1Fn::Majority => 0x8f1b_bcdcu32 as i32,
        }
    }

    /// sha1rnds4 holds a in lane 3 and W0 + e in lane 3, and adds K itself; Arm holds a in
    /// lane 0 and the guest has already added K into W. So: reverse the lanes, take K off the
    /// words, add e to the first one, and reverse the result back.
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    pub unsafe fn sha1_rounds(f: Sha1Fn, x: u128, e: u32, w: u128) -> u128 {
        let abcd = _mm_shuffle_epi32(v(x), 0x1b);
        let mut wk = _mm_sub_epi32(_mm_shuffle_epi32(v(w), 0x1b), _mm_set1_epi32(k1(f)));
        wk = _mm_add_epi32(wk, _mm_slli_si128(_mm_cvtsi32_si128(e as i32), 12));
        let r = match f {
            Sha1Fn::Choose => _mm_sha1rnds4_epu32::<0>(abcd, wk),
            Sha1Fn::Parity => _mm_sha1rnds4_epu32::<1>(abcd, wk),
            Sha1Fn::Majority => _mm_sha1rnds4_epu32::<2>(abcd, wk),
        };
        u(_mm_shuffle_epi32(r, 0x1b))
    }

    /// SHA1SU1 is sha1msg2 with both operands and the result in reversed lane order.
    #[target_feature(enable = "sha,sse2")]
    pub unsafe fn sha1su1(d: u128, n: u128) -> u128 {
        let r = _mm_sha1msg2_epu32(_mm_shuffle_epi32(v(d), 0x1b), _mm_shuffle_epi32(v(n), 0x1b));
        u(_mm_shuffle_epi32(r, 0x1b))
    }

    /// Four rounds with sha256rnds2, which keeps the state as ABEF and CDGH (A in lane 3).
    /// Returns (new ABEF, ABEF after two rounds = new CDGH).
    #[target_feature(enable = "sha,sse2")]
    unsafe fn rounds(x: __m128i, y: __m128i, w: __m128i) -> (__m128, __m128) {
        let (xf, yf) = (_mm_castsi128_ps(x), _mm_castsi128_ps(y));
        let abef = _mm_castps_si128(_mm_shuffle_ps(yf, xf, 0x11));
        let cdgh = _mm_castps_si128(_mm_shuffle_ps(yf, xf, 0xbb));
        let abef1 = _mm_sha256rnds2_epu32(cdgh, abef, w);
        let abef2 = _mm_sha256rnds2_epu32(abef, abef1, _mm_shuffle_epi32(w, 0x0e));
        (_mm_castsi128_ps(abef2), _mm_castsi128_ps(abef1))
    }

    #[target_feature(enable = "sha,sse2")]
    pub unsafe fn sha256h(d: u128, n: u128, w: u128) -> u128 {
        let (a2, a1) = rounds(v(d), v(n), v(w));
        u(_mm_castps_si128(_mm_shuffle_ps(a2, a1, 0xbb)))
    }

    #[target_feature(enable = "sha,sse2")]
    pub unsafe fn sha256h2(d: u128, n: u128, w: u128) -> u128 {
        let (a2, a1) = rounds(v(n), v(d), v(w));
        u(_mm_castps_si128(_mm_shuffle_ps(a2, a1, 0x11)))
    }

    #[target_feature(enable = "sha,sse2")]
    pub unsafe fn sha256su0(d: u128, n: u128) -> u128 {
        u(_mm_sha256msg1_epu32(v(d), v(n)))
    }

    /// sha256msg2 adds only the sigma1 terms: add the W[t-7] words (n:m shifted by one lane)
    /// first.
    #[target_feature(enable = "sha,sse2,ssse3")]
    pub unsafe fn sha256su1(d: u128, n: u128, m: u128) -> u128 {
        let t = _mm_add_epi32(_mm_alignr_epi8(v(m), v(n), 4), v(d));
        u(_mm_sha256msg2_epu32(t, v(m)))
    }

    #[target_feature(enable = "pclmulqdq")]
    pub unsafe fn pmull64(a: u64, b: u64) -> u128 {
        u(_mm_clmulepi64_si128(v(a as u128), v(b as u128), 0x00))
    }
}

#[cfg(test)]
mod tests;
