//! Floating-point formats in software: classification, Arm's FPRoundBase (rounding an exact
//! value to a format, with its flush-to-zero, underflow-before-rounding and alternative half
//! precision rules), integer and precision conversions, rounding to integral, and the
//! reciprocal (square root) estimates. Everything here is integer arithmetic, so it neither
//! depends on nor disturbs the host's FP environment.

use crate::ir::fpenv::*;

/// An IEEE binary format: `n` bits, `e` exponent bits, `f` fraction bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fmt {
    pub n: u32,
    pub e: u32,
    pub f: u32,
}

pub const H: Fmt = Fmt { n: 16, e: 5, f: 10 };
pub const S: Fmt = Fmt { n: 32, e: 8, f: 23 };
pub const D: Fmt = Fmt { n: 64, e: 11, f: 52 };

impl Fmt {
    pub fn sign(self) -> u64 {
        1 << (self.n - 1)
    }
    pub fn frac_mask(self) -> u64 {
        (1 << self.f) - 1
    }
    pub fn exp_max(self) -> u64 {
        (1 << self.e) - 1
    }
    pub fn inf(self) -> u64 {
        self.exp_max() << self.f
    }
    pub fn quiet(self) -> u64 {
        1 << (self.f - 1)
    }
    pub fn default_nan(self) -> u64 {
        self.inf() | self.quiet()
    }
    pub fn min_normal(self) -> u64 {
        1 << self.f
    }
    pub fn max_normal(self) -> u64 {
        self.inf() - 1
    }
    pub fn bias(self) -> i32 {
        (1 << (self.e - 1)) - 1
    }
    /// Exponent of the smallest normal number.
    pub fn min_exp(self) -> i32 {
        1 - self.bias()
    }
    pub fn biased_exp(self, b: u64) -> u64 {
        (b >> self.f) & self.exp_max()
    }
    pub fn mag(self, b: u64) -> u64 {
        b & (self.sign() - 1)
    }
    pub fn neg(self, b: u64) -> bool {
        b & self.sign() != 0
    }
    pub fn is_nan(self, b: u64) -> bool {
        self.mag(b) > self.inf()
    }
    pub fn is_snan(self, b: u64) -> bool {
        self.is_nan(b) && b & self.quiet() == 0
    }
    pub fn is_qnan(self, b: u64) -> bool {
        self.is_nan(b) && b & self.quiet() != 0
    }
    pub fn is_inf(self, b: u64) -> bool {
        self.mag(b) == self.inf()
    }
    pub fn is_zero(self, b: u64) -> bool {
        self.mag(b) == 0
    }
    pub fn is_denormal(self, b: u64) -> bool {
        self.biased_exp(b) == 0 && !self.is_zero(b)
    }
    /// A finite nonzero number as `(mant, exp)` with |value| = mant * 2^exp.
    pub fn unpack(self, b: u64) -> (u64, i32) {
        let be = self.biased_exp(b);
        let frac = b & self.frac_mask();
        if be == 0 {
            (frac, self.min_exp() - self.f as i32)
        } else {
            (frac | 1 << self.f, be as i32 - self.bias() - self.f as i32)
        }
    }
    /// A totally ordered key of a non-NaN value (both zeros equal).
    pub fn key(self, b: u64) -> i64 {
        let m = self.mag(b) as i64;
        if self.neg(b) {
            -m
        } else {
            m
        }
    }
}

/// FPUnpack's flush-to-zero of a denormal input (raises IDC).
pub fn flush_in(fmt: Fmt, b: u64, ctl: u32, fl: &mut u32) -> u64 {
    if ctl & FZ != 0 && fmt.n != 16 && fmt.is_denormal(b) {
        *fl |= IDC;
        b & fmt.sign()
    } else {
        b
    }
}

/// FPProcessNaN: a signalling NaN is quietened (and raises IOC); DN gives the default NaN.
pub fn process_nan(fmt: Fmt, b: u64, ctl: u32, fl: &mut u32) -> u64 {
    if fmt.is_snan(b) {
        *fl |= IOC;
    }
    if ctl & DN != 0 {
        fmt.default_nan()
    } else {
        b | fmt.quiet()
    }
}

/// FPProcessNaNs over the operands in Arm's order: the first signalling NaN, else the first
/// quiet NaN. `None` when no operand is a NaN.
pub fn process_nans(fmt: Fmt, ops: &[u64], ctl: u32, fl: &mut u32) -> Option<u64> {
    let n = ops.iter().copied().find(|&b| fmt.is_snan(b)).or_else(|| ops.iter().copied().find(|&b| fmt.is_nan(b)))?;
    Some(process_nan(fmt, n, ctl, fl))
}

/// Arm's FPRoundBase: round sign * mant * 2^exp (mant nonzero) to `fmt` under Arm rounding
/// mode `rmode` (0 nearest even, 1 +inf, 2 -inf, 3 zero, 4 nearest away). `fz` flushes results
/// that are tiny before rounding to zero (UFC only); `ahp` selects the alternative half
/// precision format (`fmt` H: no infinities, overflow saturates with IOC).
#[allow(clippy::too_many_arguments)]
pub fn round_to(fmt: Fmt, neg: bool, mant: u128, exp: i32, rmode: u32, fz: bool, ahp: bool, fl: &mut u32) -> u64 {
    debug_assert!(mant != 0);
    let sign = if neg { fmt.sign() } else { 0 };
    let msb = 127 - mant.leading_zeros() as i32;
    // |value| is in [2^e, 2^(e+1)).
    let e = exp + msb;
    if fz && e < fmt.min_exp() {
        *fl |= UFC;
        return sign;
    }
    let f = fmt.f as i32;
    let mut biased = (e - fmt.min_exp() + 1).max(0) as u64;
    // int_mant = floor(value * 2^s), with s = F - max(e, min_exp).
    let s = f - e.max(fmt.min_exp());
    let sh = exp + s;
    let (wide, half, rest) = if sh >= 0 {
        (mant << sh, false, false)
    } else {
        let r = (-sh) as u32;
        if r >= 128 {
            (0, false, true)
        } else {
            let lost = mant & ((1u128 << r) - 1);
            let h = 1u128 << (r - 1);
            (mant >> r, lost >= h, lost != 0 && lost != h)
        }
    };
    // Below 2^(F+1): fits.
    let mut int_mant = wide as u64;
    let inexact = half || rest;
    if biased == 0 && inexact {
        *fl |= UFC;
    }
    let (round_up, overflow_to_inf) = match rmode {
        0 => (half && (rest || int_mant & 1 == 1), true),
        1 => (inexact && !neg, !neg),
        2 => (inexact && neg, neg),
        4 => (half, true),
        _ => (false, false),
    };
    if round_up {
        int_mant += 1;
        if int_mant == 1 << fmt.f {
            biased = 1;
        }
        if int_mant == 2 << fmt.f {
            biased += 1;
            int_mant >>= 1;
        }
    }
    let mut inexact = inexact;
    let result = if !(fmt.n == 16 && ahp) {
        if biased >= fmt.exp_max() {
            *fl |= OFC;
            inexact = true;
            if overflow_to_inf {
                sign | fmt.inf()
            } else {
                sign | fmt.max_normal()
            }
        } else {
            sign | biased << fmt.f | (int_mant & fmt.frac_mask())
        }
    } else if biased > fmt.exp_max() {
        *fl |= IOC;
        inexact = false;
        sign | (fmt.sign() - 1)
    } else {
        sign | biased << fmt.f | (int_mant & fmt.frac_mask())
    };
    if inexact {
        *fl |= IXC;
    }
    result
}

/// FPConvert between precisions (FCVT), with FPCR's rounding mode, FZ (not for half
/// precision) and AHP.
pub fn convert(from: Fmt, to: Fmt, b: u64, ctl: u32, fl: &mut u32) -> u64 {
    let ahp = ctl & AHP != 0;
    let alt_in = from.n == 16 && ahp;
    let b = flush_in(from, b, ctl, fl);
    let neg = from.neg(b);
    let sign = if neg { to.sign() } else { 0 };
    if !alt_in && from.is_nan(b) {
        let alt_out = to.n == 16 && ahp;
        if from.is_snan(b) || alt_out {
            *fl |= IOC;
        }
        return if alt_out {
            sign
        } else if ctl & DN != 0 {
            to.default_nan()
        } else {
            // Keep the top bits of the payload, quietened.
            let frac = b & from.frac_mask();
            let frac = if to.f >= from.f { frac << (to.f - from.f) } else { frac >> (from.f - to.f) };
            sign | to.inf() | to.quiet() | (frac & to.frac_mask())
        };
    }
    if !alt_in && from.is_inf(b) {
        if to.n == 16 && ahp {
            *fl |= IOC;
            return sign | (to.sign() - 1);
        }
        return sign | to.inf();
    }
    if from.is_zero(b) {
        return sign;
    }
    let (m, e) = if alt_in {
        // Exponent 31 is an ordinary exponent.
        let be = from.biased_exp(b);
        let frac = b & from.frac_mask();
        if be == 0 {
            (frac, from.min_exp() - from.f as i32)
        } else {
            (frac | 1 << from.f, be as i32 - from.bias() - from.f as i32)
        }
    } else {
        from.unpack(b)
    };
    round_to(to, neg, m as u128, e, rmode(ctl), ctl & FZ != 0 && to.n != 16, ahp, fl)
}

/// FPConvert with round-to-odd (FCVTXN): rounded toward zero, with the lowest fraction bit
/// set when that was inexact (overflow gives the largest finite number). A result flushed to
/// zero (FZ) stays zero.
pub fn convert_odd(from: Fmt, to: Fmt, b: u64, ctl: u32, fl: &mut u32) -> u64 {
    let mut f = 0;
    let rz = (ctl & !(3 << RMODE_SHIFT)) | 3 << RMODE_SHIFT;
    let r = convert(from, to, b, rz, &mut f);
    *fl |= f;
    if f & IXC != 0 {
        r | 1
    } else {
        r
    }
}

/// FPRecpX (FRECPX).
pub fn recpx(fmt: Fmt, b: u64, ctl: u32, fl: &mut u32) -> u64 {
    let b = flush_in(fmt, b, ctl, fl);
    if fmt.is_nan(b) {
        return process_nan(fmt, b, ctl, fl);
    }
    let be = fmt.biased_exp(b);
    let exp = if be == 0 { fmt.exp_max() - 1 } else { !be & fmt.exp_max() };
    (b & fmt.sign()) | exp << fmt.f
}

/// FixedToFP: the integer `x` (sign-extended already when `neg`) scaled by 2^-fbits,
/// rounded with FPCR's mode (AHP does not apply).
pub fn int_to_float(to: Fmt, neg: bool, mag: u64, fbits: u32, ctl: u32, fl: &mut u32) -> u64 {
    if mag == 0 {
        return 0;
    }
    round_to(to, neg, mag as u128, -(fbits as i32), rmode(ctl), ctl & FZ != 0 && to.n != 16, false, fl)
}

/// The integer nearest `mant * 2^exp` under rounding `rmode` (as in `round_to`, sign `neg`),
/// or None when it does not fit in 64 bits; and whether it was inexact.
fn round_to_int(neg: bool, mant: u64, exp: i32, rmode: u32) -> (Option<u64>, bool) {
    if exp >= 0 {
        if exp >= 64 || (mant as u128) << exp > u64::MAX as u128 {
            return (None, false);
        }
        return (Some(mant << exp), false);
    }
    let r = (-exp) as u32;
    let (int, half, rest) = if r >= 65 {
        (0u64, false, true)
    } else {
        let m = mant as u128;
        let lost = m & ((1u128 << r) - 1);
        let h = 1u128 << (r - 1);
        ((m >> r) as u64, lost >= h, lost != 0 && lost != h)
    };
    let inexact = half || rest;
    let up = match rmode {
        0 => half && (rest || int & 1 == 1),
        1 => inexact && !neg,
        2 => inexact && neg,
        4 => half,
        _ => false,
    };
    (int.checked_add(up as u64), inexact)
}

/// FPToFixed: float `b` times 2^fbits rounded to an integer of `bits` bits (signed or not)
/// with `rmode`, saturating with IOC; NaN gives 0 with IOC.
#[allow(clippy::too_many_arguments)]
pub fn float_to_int(from: Fmt, b: u64, bits: u32, signed: bool, fbits: u32, rmode: u32, ctl: u32, fl: &mut u32) -> u64 {
    let b = flush_in(from, b, ctl, fl);
    let mask = if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 };
    let (max, min_mag) = if signed { ((1u64 << (bits - 1)) - 1, 1u64 << (bits - 1)) } else { (mask, 0) };
    if from.is_nan(b) {
        *fl |= IOC;
        return 0;
    }
    let neg = from.neg(b);
    let saturate = |fl: &mut u32| {
        *fl |= IOC;
        if neg {
            if signed {
                min_mag.wrapping_neg() & mask
            } else {
                0
            }
        } else {
            max
        }
    };
    if from.is_inf(b) {
        return saturate(fl);
    }
    if from.is_zero(b) {
        return 0;
    }
    let (m, e) = from.unpack(b);
    let (int, inexact) = round_to_int(neg, m, e + fbits as i32, rmode);
    let Some(int) = int else { return saturate(fl) };
    let ok = if neg { int <= min_mag } else { int <= max };
    if !ok {
        return saturate(fl);
    }
    if inexact {
        *fl |= IXC;
    }
    (if neg { int.wrapping_neg() } else { int }) & mask
}

/// FPRoundInt: round to an integral value in the same format (`exact`: raise IXC when the
/// value changes).
pub fn round_int(fmt: Fmt, b: u64, rmode: u32, exact: bool, ctl: u32, fl: &mut u32) -> u64 {
    let b = flush_in(fmt, b, ctl, fl);
    if fmt.is_nan(b) {
        return process_nan(fmt, b, ctl, fl);
    }
    if fmt.is_inf(b) || fmt.is_zero(b) {
        return b;
    }
    let neg = fmt.neg(b);
    let (m, e) = fmt.unpack(b);
    if e >= 0 {
        return b;
    }
    let (int, inexact) = round_to_int(neg, m, e, rmode);
    if exact && inexact {
        *fl |= IXC;
    }
    let int = int.unwrap_or(0);
    if int == 0 {
        return b & fmt.sign();
    }
    let mut dummy = 0;
    round_to(fmt, neg, int as u128, 0, 0, false, false, &mut dummy)
}

/// Arm's RecipEstimate: `a` in 256..512 (a fixed-point value in [0.5, 1)), result in 256..512.
pub fn recip_estimate(a: u64) -> u64 {
    let a = a * 2 + 1;
    let b = (1 << 19) / a;
    b.div_ceil(2)
}

/// Arm's RecipSqrtEstimate: `a` in 128..512 (a value in [0.25, 1)), result in 256..512.
pub fn recip_sqrt_estimate(a: u64) -> u64 {
    let a = if a < 256 { a * 2 + 1 } else { ((a >> 1) << 1) * 2 + 2 };
    let mut b = 512u64;
    while a * (b + 1) * (b + 1) < 1 << 28 {
        b += 1;
    }
    b.div_ceil(2)
}

/// The fraction bits of `b` left-aligned to 52 bits, and its biased exponent.
fn frac52(fmt: Fmt, b: u64) -> (u64, i64) {
    ((b & fmt.frac_mask()) << (52 - fmt.f), fmt.biased_exp(b) as i64)
}

/// FPRecipEstimate (FRECPE).
pub fn recip_est(fmt: Fmt, b: u64, ctl: u32, fl: &mut u32) -> u64 {
    let b = flush_in(fmt, b, ctl, fl);
    let neg = fmt.neg(b);
    let sign = b & fmt.sign();
    if fmt.is_nan(b) {
        return process_nan(fmt, b, ctl, fl);
    }
    if fmt.is_inf(b) {
        return sign;
    }
    if fmt.is_zero(b) {
        *fl |= DZC;
        return sign | fmt.inf();
    }
    // Tiny enough that the reciprocal overflows: |value| < 2^-(bias+1).
    let mag = fmt.mag(b);
    if mag < 1 << (fmt.f - 2) {
        let to_inf = match rmode(ctl) {
            0 => true,
            1 => !neg,
            2 => neg,
            _ => false,
        };
        *fl |= OFC | IXC;
        return sign | if to_inf { fmt.inf() } else { fmt.max_normal() };
    }
    // Large enough that the reciprocal is tiny: flushed when FZ.
    if ctl & FZ != 0 && fmt.n != 16 && fmt.biased_exp(b) as i32 >= 2 * fmt.bias() - 1 {
        *fl |= UFC;
        return sign;
    }
    let (mut fraction, mut exp) = frac52(fmt, b);
    if exp == 0 {
        if fraction >> 51 & 1 == 0 {
            exp = -1;
            fraction = (fraction << 2) & ((1 << 52) - 1);
        } else {
            fraction = (fraction << 1) & ((1 << 52) - 1);
        }
    }
    let scaled = 256 | (fraction >> 44) & 0xff;
    let mut result_exp = 2 * fmt.bias() as i64 - 1 - exp;
    let estimate = recip_estimate(scaled);
    let mut fraction = (estimate & 0xff) << 44;
    if result_exp == 0 {
        fraction = 1 << 51 | fraction >> 1;
    } else if result_exp == -1 {
        fraction = 1 << 50 | fraction >> 2;
        result_exp = 0;
    }
    sign | (result_exp as u64) << fmt.f | fraction >> (52 - fmt.f)
}

/// FPRSqrtEstimate (FRSQRTE).
pub fn rsqrt_est(fmt: Fmt, b: u64, ctl: u32, fl: &mut u32) -> u64 {
    let b = flush_in(fmt, b, ctl, fl);
    if fmt.is_nan(b) {
        return process_nan(fmt, b, ctl, fl);
    }
    if fmt.is_zero(b) {
        *fl |= DZC;
        return (b & fmt.sign()) | fmt.inf();
    }
    if fmt.neg(b) {
        *fl |= IOC;
        return fmt.default_nan();
    }
    if fmt.is_inf(b) {
        return 0;
    }
    let (mut fraction, mut exp) = frac52(fmt, b);
    if exp == 0 {
        while fraction >> 51 & 1 == 0 {
            fraction = (fraction << 1) & ((1 << 52) - 1);
            exp -= 1;
        }
        fraction = (fraction << 1) & ((1 << 52) - 1);
    }
    let scaled = if exp & 1 == 0 { 256 | (fraction >> 44) & 0xff } else { 128 | (fraction >> 45) & 0x7f };
    let result_exp = (3 * fmt.bias() as i64 - 1 - exp).div_euclid(2);
    let estimate = recip_sqrt_estimate(scaled);
    (result_exp as u64) << fmt.f | ((estimate & 0xff) << fmt.f) >> 8
}

/// UnsignedRecipEstimate (URECPE).
pub fn urecip_est(x: u32) -> u32 {
    if x >> 31 == 0 {
        return u32::MAX;
    }
    (recip_estimate((x >> 23) as u64) as u32 & 0x1ff) << 23
}

/// UnsignedRSqrtEstimate (URSQRTE).
pub fn ursqrt_est(x: u32) -> u32 {
    if x >> 30 == 0 {
        return u32::MAX;
    }
    (recip_sqrt_estimate((x >> 23) as u64) as u32 & 0x1ff) << 23
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_to_odd_and_recpx() {
        let mut fl = 0;
        // 1 + 2^-30 is inexact in single precision: truncated, then the last bit set.
        assert_eq!(convert_odd(D, S, 0x3ff0_0000_0040_0000, 0, &mut fl), 0x3f80_0001);
        assert_eq!(fl, IXC);
        fl = 0;
        assert_eq!(convert_odd(D, S, 0x3ff8_0000_0000_0000, 0, &mut fl), 0x3fc0_0000);
        assert_eq!(fl, 0);
        // Overflow: the largest finite number, not infinity.
        assert_eq!(convert_odd(D, S, 0x7fe0_0000_0000_0000, 0, &mut fl), 0x7f7f_ffff);
        assert_eq!(fl, OFC | IXC);
        fl = 0;
        assert_eq!(recpx(S, 0x4000_0000, 0, &mut fl), 0x3f80_0000);
        assert_eq!(recpx(S, 0x8000_0001, 0, &mut fl), 0xff00_0000);
        assert_eq!(recpx(D, 0xfff0_0000_0000_0000, 0, &mut fl), 0x8000_0000_0000_0000);
        assert_eq!(fl, 0);
        assert_eq!(recpx(S, 0x7f80_0001, DN, &mut fl), S.default_nan());
        assert_eq!(fl, IOC);
        fl = 0;
        assert_eq!(recpx(S, 0x0000_0001, FZ, &mut fl), 0x7f00_0000);
        assert_eq!(fl, IDC);
    }

    fn rn(fmt: Fmt, neg: bool, m: u128, e: i32) -> (u64, u32) {
        let mut fl = 0;
        (round_to(fmt, neg, m, e, 0, false, false, &mut fl), fl)
    }

    #[test]
    fn rounding_and_tininess_before_rounding() {
        assert_eq!(rn(S, false, 1, 0), (0x3f80_0000, 0));
        assert_eq!(rn(S, true, 3, -1), (0xbfc0_0000, 0));
        // 2^24 + 1 ties to even; 2^24 + 3 rounds up.
        assert_eq!(rn(S, false, (1 << 24) + 1, 0), (0x4b80_0000, IXC));
        assert_eq!(rn(S, false, (1 << 24) + 3, 0), (0x4b80_0002, IXC));
        // Just below the smallest normal, rounding up to it: underflow (Arm: before rounding).
        assert_eq!(rn(S, false, (1 << 25) - 1, -126 - 25), (0x0080_0000, UFC | IXC));
        // Overflow.
        assert_eq!(rn(H, false, 65520, 0), (0x7c00, OFC | IXC));
        assert_eq!(rn(H, false, 65519, 0), (0x7bff, IXC));
        let mut fl = 0;
        assert_eq!(round_to(H, false, 65536, 0, 0, false, true, &mut fl), 0x7c00);
        assert_eq!(fl, 0);
        assert_eq!(round_to(H, false, 1 << 17, 0, 0, false, true, &mut fl), 0x7fff);
        assert_eq!(fl, IOC);
    }

    #[test]
    fn estimates() {
        let mut fl = 0;
        // FRECPE(1.0) = 0.998046875; FRSQRTE(4.0) = 0.4990234375.
        assert_eq!(recip_est(S, 0x3f80_0000, 0, &mut fl), 0x3f7f_8000);
        assert_eq!(rsqrt_est(S, 0x4080_0000, 0, &mut fl), 0x3eff_8000);
        assert_eq!(fl, 0);
        assert_eq!(urecip_est(0x8000_0000), 0xff80_0000);
    }

    #[test]
    fn float_int() {
        let mut fl = 0;
        assert_eq!(float_to_int(D, 2.5f64.to_bits(), 32, true, 0, 0, 0, &mut fl), 2);
        assert_eq!(fl, IXC);
        fl = 0;
        assert_eq!(float_to_int(D, 1e20f64.to_bits(), 32, true, 0, 3, 0, &mut fl), 0x7fff_ffff);
        assert_eq!(fl, IOC);
        fl = 0;
        assert_eq!(float_to_int(D, (-2147483648.9f64).to_bits(), 32, true, 0, 3, 0, &mut fl), 0x8000_0000);
        assert_eq!(fl, IXC);
        assert_eq!(int_to_float(S, false, 16777217, 0, 0, &mut fl), 0x4b80_0000);
        assert_eq!(int_to_float(S, false, 16777217, 0, 1 << RMODE_SHIFT, &mut fl), 0x4b80_0001);
    }
}
