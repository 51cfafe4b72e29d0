//! Types and operation kinds used by the IR ops.

use std::fmt;

/// A 128-bit immediate, stored with 8-byte alignment so that an `Op` takes 24 bytes rather
/// than 32 (and an `Inst` 32 rather than 48): blocks live in caches, and a smaller IR is
/// faster to build, copy and walk.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
#[repr(C, packed(8))]
pub struct Imm(u128);

impl Imm {
    pub const fn new(x: u128) -> Imm {
        Imm(x)
    }
    pub const fn get(self) -> u128 {
        self.0
    }
}

impl From<u128> for Imm {
    fn from(x: u128) -> Imm {
        Imm(x)
    }
}

impl fmt::Debug for Imm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        write!(f, "{x}")
    }
}

/// Value types. Scalars are held zero-extended; I128 is a vector register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ty {
    I8,
    I16,
    I32,
    I64,
    I128,
}

impl Ty {
    pub const fn bits(self) -> u32 {
        match self {
            Ty::I8 => 8,
            Ty::I16 => 16,
            Ty::I32 => 32,
            Ty::I64 => 64,
            Ty::I128 => 128,
        }
    }
    pub const fn bytes(self) -> usize {
        (self.bits() / 8) as usize
    }
    /// All-ones mask of this width.
    pub const fn mask(self) -> u128 {
        match self {
            Ty::I128 => u128::MAX,
            _ => (1u128 << self.bits()) - 1,
        }
    }
    /// The type of `n` bytes (1, 2, 4, 8 or 16).
    pub fn from_bytes(n: usize) -> Ty {
        match n {
            1 => Ty::I8,
            2 => Ty::I16,
            4 => Ty::I32,
            8 => Ty::I64,
            16 => Ty::I128,
            _ => panic!("no IR type of {n} bytes"),
        }
    }
}

/// Integer binary ops. Division by zero gives 0; `MIN / -1` gives `MIN` (Arm semantics).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    /// High half of the unsigned double-width product.
    MulHU,
    /// High half of the signed double-width product.
    MulHS,
    DivU,
    DivS,
    RemU,
    RemS,
    And,
    Or,
    Xor,
    /// `a & !b`
    AndNot,
    Shl,
    Lshr,
    Ashr,
    Ror,
    /// CRC-32 as Arm's CRC32B/H/W/X computes it: the IEEE 802.3 polynomial (0x04C11DB7,
    /// bit-reflected), no inversion before or after. Folds the low bytes of `b` (as many as
    /// the given data type has, I8..I64) into the accumulator in the low 32 bits of `a`,
    /// least significant byte first. The op's type is I64; the result is 32 bits wide.
    Crc32(Ty),
    /// The same with the Castagnoli polynomial (0x1EDC6F41): Arm CRC32C*, x86 `crc32`.
    Crc32C(Ty),
}

/// Integer unary ops.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnOp {
    Not,
    Neg,
    /// Count leading zeros.
    Clz,
    /// Count leading sign bits (not counting the sign bit itself).
    Cls,
    Ctz,
    Popcnt,
    /// Reverse bit order.
    Rbit,
    /// Reverse byte order.
    Bswap,
}

/// Integer comparison conditions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpCc {
    Eq,
    Ne,
    Ult,
    Ule,
    Ugt,
    Uge,
    Slt,
    Sle,
    Sgt,
    Sge,
}

/// Atomic read-modify-write ops.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RmwOp {
    Xchg,
    Add,
    /// `mem & !v`
    Clr,
    Xor,
    Or,
    And,
    SMax,
    SMin,
    UMax,
    UMin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FenceKind {
    /// Full barrier (DMB ISH, DSB, sync).
    Full,
    /// Loads only / stores only / instruction sync: free on x86 (TSO).
    Light,
}

/// Floating-point binary ops.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FBinOp {
    Add,
    Sub,
    Mul,
    Div,
    /// Arm FMIN/FMAX: NaN if either is NaN; -0 < +0.
    Min,
    Max,
    /// IEEE minNum/maxNum: a quiet NaN loses to a number.
    MinNm,
    MaxNm,
    /// Arm FMULX: a multiply where infinity times zero gives +-2.0.
    MulX,
    /// Arm FRECPS: `2.0 - a*b`, fused (infinity times zero gives 2.0).
    RecipStep,
    /// Arm FRSQRTS: `(3.0 - a*b) / 2`, fused (infinity times zero gives 1.5).
    RSqrtStep,
}

/// Rounding modes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoundMode {
    /// Round to nearest, ties to even.
    TieEven,
    /// Round to nearest, ties away from zero.
    TieAway,
    /// Toward minus infinity.
    Floor,
    /// Toward plus infinity.
    Ceil,
    /// Toward zero.
    Zero,
    /// The guest's current dynamic rounding mode.
    Dynamic,
}

/// Floating-point unary ops.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FUnOp {
    Neg,
    Abs,
    Sqrt,
    /// Round to an integral value in the float format.
    RoundInt(RoundMode),
    /// Round to an integral value in the dynamic rounding mode, raising inexact (Arm FRINTX).
    RoundIntExact,
    /// Arm FRECPE / FRSQRTE: reciprocal (square root) estimate.
    RecipEst,
    RSqrtEst,
    /// Arm URECPE / URSQRTE on a 32-bit unsigned fixed-point value (`ty` I32).
    URecipEst,
    URSqrtEst,
    /// Arm FRECPX: the sign, the exponent inverted (zero and denormals: the largest finite
    /// exponent), a zero fraction.
    RecpX,
    /// Arm FCVTXN: double (`ty` I64) to single rounding to odd; the result is an I32 value.
    CvtOddS,
}

/// Binary vector ops (element size given by the op's `esize`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VBinOp {
    Add,
    Sub,
    Mul,
    And,
    Or,
    Xor,
    /// `a & !b`
    Bic,
    /// `a | !b`
    Orn,
    /// Lane = all ones when equal.
    CmEq,
    /// Signed greater than.
    CmGt,
    /// Signed greater or equal.
    CmGe,
    /// Unsigned higher.
    CmHi,
    /// Unsigned higher or same.
    CmHs,
    /// Lane = all ones when `a & b != 0`.
    CmTst,
    UMin,
    UMax,
    SMin,
    SMax,
    /// Pairwise add over the concatenation `b:a` (a's pairs land in the low half).
    AddP,
    UMinP,
    UMaxP,
    Zip1,
    Zip2,
    Uzp1,
    Uzp2,
    Trn1,
    Trn2,
    /// Bytes `n..n+16` of the concatenation `b:a` (Arm EXT).
    Ext(u8),
    /// Table lookup: `a` is a 16-byte table, `b` holds byte indices (out of range gives 0).
    Tbl,
    /// Signed pairwise max/min over the concatenation `b:a`, like `UMaxP`/`UMinP`.
    SMaxP,
    SMinP,
    /// Shift each lane of `a` by the signed low byte of the matching lane of `b`: left when
    /// positive, right (arithmetic / logical) when negative (Arm SSHL / USHL).
    SShl,
    UShl,
    /// The same with rounding right shifts (Arm SRSHL / URSHL).
    SRShl,
    URShl,
    /// Halving add / subtract, `(a + b) >> 1` in full precision; the rounding forms add 1
    /// first (Arm SHADD, UHADD, SRHADD, URHADD, SHSUB, UHSUB).
    SHAdd,
    UHAdd,
    SRHAdd,
    URHAdd,
    SHSub,
    UHSub,
    /// Absolute difference `|a - b|` in full precision, truncated to the lane (SABD / UABD).
    SAbd,
    UAbd,
    /// Polynomial (carry-less) multiply of bytes, low 8 bits of the product (Arm PMUL).
    PMul,
    /// A saturating op: the saturated lanes.
    Sat(SatBin),
    /// FPSR.QC (`1 << 27`, in the low lane) when `Sat(op)` saturates any lane, else 0.
    SatQc(SatBin),
}

/// Saturating binary vector ops. Signed ops saturate to the signed range of the lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SatBin {
    SqAdd,
    UqAdd,
    SqSub,
    UqSub,
    /// Signed `a` plus unsigned `b`, saturated to the signed range (Arm SUQADD).
    SuqAdd,
    /// Unsigned `a` plus signed `b`, saturated to the unsigned range (Arm USQADD).
    UsqAdd,
    /// Shift by the signed low byte of `b` (left saturating, right truncating or rounding):
    /// Arm SQSHL, UQSHL, SQRSHL, UQRSHL (register).
    SqShl,
    UqShl,
    SqRShl,
    UqRShl,
    /// High half of the doubled product, truncated or rounded (Arm SQDMULH / SQRDMULH).
    SqDMulH,
    SqRDMulH,
}

/// Unary vector ops.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VUnOp {
    Not,
    Neg,
    Abs,
    /// Per-byte population count.
    Cnt,
    Clz,
    /// Reverse the `esize` elements inside each container of `n` bytes.
    Rev(u8),
    /// Sum across lanes (result in lane 0, rest zero).
    AddV,
    UMaxV,
    UMinV,
    SMaxV,
    SMinV,
    /// Narrow each `esize` lane to half its width (truncating) into the low 64 bits.
    Xtn,
    /// Zero the upper 64 bits.
    ZeroHigh,
    /// Widen the low half's `esize` lanes to `2*esize`, zero-extending (UXTL) / sign-extending.
    UXtl,
    SXtl,
    /// Add adjacent `esize` lane pairs into `2*esize` lanes, unsigned / signed (UADDLP).
    UAddLP,
    SAddLP,
    /// Sum across all `esize` lanes into a `2*esize`-wide scalar in lane 0, rest zero (UADDLV).
    UAddLV,
    SAddLV,
    /// Reverse the bits of each byte.
    Rbit,
    /// A saturating op: the saturated lanes.
    Sat(SatUn),
    /// FPSR.QC (`1 << 27`, in the low lane) when `Sat(op)` saturates any lane, else 0.
    SatQc(SatUn),
}

/// Saturating unary vector ops.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SatUn {
    SqAbs,
    SqNeg,
    /// Narrow each `esize` lane to half width into the low 64 bits, saturating: signed to
    /// signed, unsigned to unsigned, signed to unsigned (Arm SQXTN, UQXTN, SQXTUN).
    SqXtn,
    UqXtn,
    SqXtun,
}

/// Vector ops with an immediate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VImmOp {
    Shl,
    UShr,
    SShr,
    /// Shift each `esize` lane right by `imm` and narrow it to half width, into the low 64 bits.
    Shrn,
    /// The same, rounding (Arm RSHRN).
    RShrn,
    /// Rounding shift right, in full precision (Arm SRSHR / URSHR).
    SRShr,
    URShr,
    /// A saturating op: the saturated lanes.
    Sat(SatImm),
    /// FPSR.QC (`1 << 27`, in the low lane) when `Sat(op)` saturates any lane, else 0.
    SatQc(SatImm),
}

/// Saturating vector ops with an immediate shift.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SatImm {
    /// Shift left: signed to signed, unsigned to unsigned, signed to unsigned (Arm SQSHL,
    /// UQSHL, SQSHLU by immediate).
    SqShl,
    UqShl,
    SqShlU,
    /// Shift each `esize` lane right (truncating or rounding) and narrow it to half width,
    /// saturating, into the low 64 bits: Arm SQSHRN, UQSHRN, SQRSHRN, UQRSHRN, SQSHRUN,
    /// SQRSHRUN.
    SqShrn,
    UqShrn,
    SqRShrn,
    UqRShrn,
    SqShrun,
    SqRShrun,
}

/// Context a helper runs with.
pub struct HelperCtx {
    /// Pointer to the guest CPU state.
    pub state: *mut u8,
    /// Host address of guest address 0.
    pub guest_base: usize,
}

/// A helper function callable from IR.
pub struct HelperFn {
    pub name: &'static str,
    pub func: fn(&mut HelperCtx, [u128; 3]) -> u128,
    /// The result depends on the outside world (a clock, say), so two runs of the same
    /// block may differ; the crosscheck backend does not compare blocks that call it.
    pub volatile: bool,
    /// The result depends only on the operands: the helper touches neither guest state nor
    /// guest memory and cannot fault, so the optimiser treats the call as a pure op
    /// (register values are forwarded across it, and it is dropped when unused).
    pub pure: bool,
}

/// A reference to a helper; compared by identity.
#[derive(Clone, Copy)]
pub struct HelperId(pub &'static HelperFn);

impl PartialEq for HelperId {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl fmt::Debug for HelperId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}
