//! Floating-point semantics of the IR, following Arm rules for NaNs (propagate the first
//! signalling NaN quietened, else the first quiet NaN; generate the positive default NaN) and
//! for float-to-integer conversion (saturate; NaN gives 0).

use crate::ir::*;

/// A float format viewed through raw bits.
trait Fmt: Copy {
    fn fb(b: u128) -> Self;
    fn tb(self) -> u128;
    fn is_nan(self) -> bool;
    const QUIET: u128;
    const DEFAULT_NAN: u128;
}

impl Fmt for f32 {
    fn fb(b: u128) -> f32 {
        f32::from_bits(b as u32)
    }
    fn tb(self) -> u128 {
        f32::to_bits(self) as u128
    }
    fn is_nan(self) -> bool {
        f32::is_nan(self)
    }
    const QUIET: u128 = 1 << 22;
    const DEFAULT_NAN: u128 = 0x7fc0_0000;
}

impl Fmt for f64 {
    fn fb(b: u128) -> f64 {
        f64::from_bits(b as u64)
    }
    fn tb(self) -> u128 {
        f64::to_bits(self) as u128
    }
    fn is_nan(self) -> bool {
        f64::is_nan(self)
    }
    const QUIET: u128 = 1 << 51;
    const DEFAULT_NAN: u128 = 0x7ff8_0000_0000_0000;
}

/// Arm NaN propagation over the operands; `None` if none is a NaN.
fn pick_nan<F: Fmt>(ops: &[u128]) -> Option<u128> {
    let is_snan = |b: u128| F::fb(b).is_nan() && b & F::QUIET == 0;
    if let Some(&s) = ops.iter().find(|&&b| is_snan(b)) {
        return Some(s | F::QUIET);
    }
    ops.iter().copied().find(|&b| F::fb(b).is_nan())
}

/// Replace a generated NaN (x86's negative default NaN) with Arm's default NaN.
fn fix_nan<F: Fmt>(r: F) -> u128 {
    if r.is_nan() {
        F::DEFAULT_NAN
    } else {
        r.tb()
    }
}

macro_rules! by_ty {
    ($ty:expr, $f:ident, $body:expr) => {
        match $ty {
            Ty::I32 => {
                type $f = f32;
                $body
            }
            Ty::I64 => {
                type $f = f64;
                $body
            }
            _ => panic!("unsupported float width {:?}", $ty),
        }
    };
}

fn minmax<F: Fmt + PartialOrd>(a: F, b: F, max: bool) -> u128 {
    let (ab, bb) = (a.tb(), b.tb());
    if a == b {
        // Equal, including +0 vs -0: max prefers +0, min prefers -0.
        return if max { ab & bb } else { ab | bb };
    }
    if (a > b) == max {
        ab
    } else {
        bb
    }
}

pub fn fbin(op: FBinOp, ty: Ty, a: u128, b: u128) -> u128 {
    by_ty!(ty, F, {
        let (x, y) = (F::fb(a), F::fb(b));
        match op {
            FBinOp::MinNm | FBinOp::MaxNm => {
                // A quiet NaN loses to a number; signalling NaNs still propagate.
                let q = |v: F, bits: u128| v.is_nan() && bits & F::QUIET != 0;
                if q(x, a) && !y.is_nan() {
                    return b;
                }
                if q(y, b) && !x.is_nan() {
                    return a;
                }
                if let Some(n) = pick_nan::<F>(&[a, b]) {
                    return n;
                }
                minmax(x, y, op == FBinOp::MaxNm)
            }
            _ => {
                if let Some(n) = pick_nan::<F>(&[a, b]) {
                    return n;
                }
                match op {
                    FBinOp::Add => fix_nan(x + y),
                    FBinOp::Sub => fix_nan(x - y),
                    FBinOp::Mul => fix_nan(x * y),
                    FBinOp::Div => fix_nan(x / y),
                    FBinOp::Min => minmax(x, y, false),
                    FBinOp::Max => minmax(x, y, true),
                    FBinOp::MinNm | FBinOp::MaxNm => unreachable!(),
                }
            }
        }
    })
}

fn round_int<F>(x: F, mode: RoundMode) -> F
where
    F: RoundOps,
{
    match mode {
        RoundMode::TieEven | RoundMode::Dynamic => x.rte(),
        RoundMode::TieAway => x.rta(),
        RoundMode::Floor => x.rm(),
        RoundMode::Ceil => x.rp(),
        RoundMode::Zero => x.rz(),
    }
}

trait RoundOps: Sized {
    fn rte(self) -> Self;
    fn rta(self) -> Self;
    fn rm(self) -> Self;
    fn rp(self) -> Self;
    fn rz(self) -> Self;
}

macro_rules! round_ops {
    ($t:ty) => {
        impl RoundOps for $t {
            fn rte(self) -> Self {
                self.round_ties_even()
            }
            fn rta(self) -> Self {
                self.round()
            }
            fn rm(self) -> Self {
                self.floor()
            }
            fn rp(self) -> Self {
                self.ceil()
            }
            fn rz(self) -> Self {
                self.trunc()
            }
        }
    };
}
round_ops!(f32);
round_ops!(f64);

pub fn fun(op: FUnOp, ty: Ty, a: u128) -> u128 {
    by_ty!(ty, F, {
        let sign = 1u128 << (ty.bits() - 1);
        match op {
            FUnOp::Neg => a ^ sign,
            FUnOp::Abs => a & !sign,
            FUnOp::Sqrt => pick_nan::<F>(&[a]).unwrap_or_else(|| fix_nan(F::fb(a).sqrt())),
            FUnOp::RoundInt(mode) => {
                pick_nan::<F>(&[a]).unwrap_or_else(|| round_int(F::fb(a), mode).tb())
            }
        }
    })
}

pub fn fmuladd(ty: Ty, a: u128, b: u128, c: u128, neg_p: bool, neg_c: bool) -> u128 {
    by_ty!(ty, F, {
        let sign = 1u128 << (ty.bits() - 1);
        // Arm negates the operands (not the result) before the fused op, so a NaN operand
        // comes out with its sign flipped: negate `a` for `neg_p` and `c` for `neg_c` first.
        let a2 = if neg_p { a ^ sign } else { a };
        let c2 = if neg_c { c ^ sign } else { c };
        // Arm checks the addend first for NaN propagation (operand order: addend, n, m).
        let nan = pick_nan::<F>(&[c2, a2, b]);
        let (xa, xb) = (F::fb(a2), F::fb(b));
        let inf_zero = |x: F, y: F| x.is_infinite() && y == 0.0;
        if F::fb(c2).is_nan() && c2 & F::QUIET != 0 && (inf_zero(xa, xb) || inf_zero(xb, xa)) {
            // A quiet-NaN addend with an invalid product gives the default NaN.
            return F::DEFAULT_NAN;
        }
        if let Some(n) = nan {
            return n;
        }
        fix_nan(xa.mul_add(xb, F::fb(c2)))
    })
}

pub fn fcmp_nzcv(ty: Ty, a: u128, b: u128) -> u32 {
    by_ty!(ty, F, {
        let (x, y) = (F::fb(a), F::fb(b));
        match x.partial_cmp(&y) {
            None => 0x3 << 28,
            Some(std::cmp::Ordering::Equal) => 0x6 << 28,
            Some(std::cmp::Ordering::Less) => 0x8 << 28,
            Some(std::cmp::Ordering::Greater) => 0x2 << 28,
        }
    })
}

fn f16_to_f32(h: u16) -> f32 {
    let sign = ((h >> 15) as u32) << 31;
    let exp = ((h >> 10) & 0x1f) as u32;
    let man = (h & 0x3ff) as u32;
    let bits = match (exp, man) {
        (0, 0) => sign,
        (0, _) => {
            // Subnormal: normalise.
            let v = man as f32 * (1.0 / 16_777_216.0);
            return if sign != 0 { -v } else { v };
        }
        (0x1f, 0) => sign | 0x7f80_0000,
        (0x1f, _) => sign | 0x7f80_0000 | (man << 13),
        _ => sign | ((exp + 112) << 23) | (man << 13),
    };
    f32::from_bits(bits)
}

fn f64_to_f16(x: f64) -> u16 {
    let b = x.tb();
    let sign = ((b >> 48) & 0x8000) as u16;
    if x.is_nan() {
        return sign | 0x7e00 | ((b >> 42) & 0x1ff) as u16;
    }
    let a = x.abs();
    if a >= 65520.0 {
        return sign | 0x7c00;
    }
    if a < 6.103_515_625e-5 {
        // Subnormal range: units of 2^-24, round to nearest even.
        let q = (a * 16_777_216.0).round_ties_even();
        return sign | q as u16;
    }
    let e = a.log2().floor() as i32;
    let e = if 2f64.powi(e) > a { e - 1 } else if 2f64.powi(e + 1) <= a { e + 1 } else { e };
    let m = (a / 2f64.powi(e) - 1.0) * 1024.0;
    let mut mr = m.round_ties_even() as u32;
    let mut ee = (e + 15) as u32;
    if mr == 1024 {
        mr = 0;
        ee += 1;
    }
    if ee >= 31 {
        return sign | 0x7c00;
    }
    sign | ((ee as u16) << 10) | mr as u16
}

pub fn fcvt(from: Ty, to: Ty, a: u128) -> u128 {
    let as_f64 = match from {
        Ty::I16 => f16_to_f32(a as u16) as f64,
        Ty::I32 => {
            let x = f32::from_bits(a as u32);
            if x.is_nan() {
                // Keep the payload, quietened.
                return match to {
                    Ty::I64 => (((a as u64 & 0x8000_0000) << 32) | 0x7ff8_0000_0000_0000 | ((a as u64 & 0x3f_ffff) << 29)) as u128,
                    Ty::I16 => (((a as u32 >> 16) & 0x8000) | 0x7e00 | ((a as u32 >> 13) & 0x1ff)) as u128,
                    _ => a,
                };
            }
            x as f64
        }
        Ty::I64 => {
            let x = f64::from_bits(a as u64);
            if x.is_nan() && to == Ty::I32 {
                return (((a >> 32) as u32 & 0x8000_0000) | 0x7fc0_0000 | ((a >> 29) as u32 & 0x3f_ffff)) as u128;
            }
            x
        }
        _ => panic!("bad fcvt source {from:?}"),
    };
    match to {
        Ty::I16 => f64_to_f16(as_f64) as u128,
        Ty::I32 => (as_f64 as f32).tb() as u128,
        Ty::I64 => as_f64.tb() as u128,
        _ => panic!("bad fcvt target {to:?}"),
    }
}

pub fn itof(from: Ty, to: Ty, signed: bool, fbits: u8, a: u128) -> u128 {
    let x = a & from.mask();
    let scale = 2f64.powi(-(fbits as i32));
    match to {
        Ty::I32 => {
            // Convert directly to f32 (one rounding), then scale exactly.
            let f = if signed { super::scalar::sext(x, from) as i64 as f32 } else { x as u64 as f32 };
            (f * scale as f32).tb() as u128
        }
        Ty::I64 => {
            let f = if signed { super::scalar::sext(x, from) as i64 as f64 } else { x as u64 as f64 };
            (f * scale).tb() as u128
        }
        Ty::I16 => {
            let f = if signed { super::scalar::sext(x, from) as i64 as f64 } else { x as u64 as f64 };
            f64_to_f16(f * scale) as u128
        }
        _ => panic!("bad itof target {to:?}"),
    }
}

pub fn ftoi(from: Ty, to: Ty, signed: bool, round: RoundMode, fbits: u8, a: u128) -> u128 {
    let x = match from {
        Ty::I16 => f16_to_f32(a as u16) as f64,
        Ty::I32 => f32::from_bits(a as u32) as f64,
        Ty::I64 => f64::from_bits(a as u64),
        _ => panic!("bad ftoi source {from:?}"),
    };
    let x = round_int(x * 2f64.powi(fbits as i32), round);
    // Rust's float-to-int casts saturate and map NaN to 0, exactly as Arm does.
    let r: u128 = match (to, signed) {
        (Ty::I32, true) => x as i32 as u32 as u128,
        (Ty::I32, false) => x as u32 as u128,
        (Ty::I64, true) => x as i64 as u64 as u128,
        (Ty::I64, false) => x as u64 as u128,
        (Ty::I16, true) => x as i16 as u16 as u128,
        (Ty::I16, false) => x as u16 as u128,
        _ => panic!("bad ftoi target {to:?}"),
    };
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nans_and_minmax() {
        let one = 1.0f64.tb() as u128;
        let inf = f64::INFINITY.tb() as u128;
        let ninf = f64::NEG_INFINITY.tb() as u128;
        assert_eq!(fbin(FBinOp::Add, Ty::I64, inf, ninf), 0x7ff8_0000_0000_0000);
        let snan = 0x7ff0_0000_0000_0001u128;
        assert_eq!(fbin(FBinOp::Add, Ty::I64, one, snan), 0x7ff8_0000_0000_0001);
        let qnan = 0x7ff8_0000_0000_0000u128;
        assert_eq!(fbin(FBinOp::MaxNm, Ty::I64, qnan, one), one);
        let (pz, nz) = (0u128, 0x8000_0000_0000_0000u128);
        assert_eq!(fbin(FBinOp::Max, Ty::I64, pz, nz), pz);
        assert_eq!(fbin(FBinOp::Min, Ty::I64, pz, nz), nz);
    }

    #[test]
    fn fused_nan_rules() {
        let (one, two) = (1.0f64.tb(), 2.0f64.tb());
        let qnan = 0x7ff8_0000_0000_0001u128;
        // A NaN multiplicand of FMSUB (neg_p) comes out with its sign flipped.
        assert_eq!(fmuladd(Ty::I64, qnan, one, two, true, false), qnan | 1 << 63);
        // Quiet-NaN addend with inf * 0 gives the default NaN.
        let inf = f64::INFINITY.tb();
        assert_eq!(fmuladd(Ty::I64, inf, 0, qnan, false, false), 0x7ff8_0000_0000_0000);
        assert_eq!(fmuladd(Ty::I64, two, two, one, false, true), 3.0f64.tb());
    }

    #[test]
    fn conversions() {
        assert_eq!(ftoi(Ty::I64, Ty::I32, true, RoundMode::Zero, 0, 1e20f64.tb() as u128), 0x7fff_ffff);
        assert_eq!(ftoi(Ty::I64, Ty::I32, false, RoundMode::Zero, 0, (-5.0f64).tb() as u128), 0);
        assert_eq!(ftoi(Ty::I64, Ty::I64, true, RoundMode::Zero, 0, f64::NAN.tb() as u128), 0);
        assert_eq!(ftoi(Ty::I64, Ty::I32, true, RoundMode::TieEven, 0, 2.5f64.tb() as u128), 2);
        assert_eq!(ftoi(Ty::I64, Ty::I32, true, RoundMode::TieAway, 0, 2.5f64.tb() as u128), 3);
        assert_eq!(fcvt(Ty::I16, Ty::I32, 0x3c00), 1.0f32.tb() as u128);
        assert_eq!(fcvt(Ty::I32, Ty::I16, 1.0f32.tb() as u128), 0x3c00);
        assert_eq!(fcvt(Ty::I64, Ty::I16, 65504.0f64.tb() as u128), 0x7bff);
        assert_eq!(itof(Ty::I32, Ty::I64, true, 0, 0xffff_ffff), (-1.0f64).tb() as u128);
    }
}
