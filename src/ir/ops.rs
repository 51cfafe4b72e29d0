//! The one list of IR opcodes.
//!
//! `ir_ops!` below is the single source of truth: it generates the `Op` enum, the opcode
//! names used by the printer, and the operand iterators used by the verifier, the passes and
//! the backends. Adding an op means adding one row here, then its semantics in `interp` and
//! (later) its code in the JIT backend.
//!
//! Conventions:
//! - Every value has a type (`Ty`). Scalars narrower than 64 bits are held zero-extended.
//! - Booleans are `I8` values that are 0 or 1.
//! - FP values are raw IEEE bits: f16 = I16, f32 = I32, f64 = I64.
//! - Vectors are `I128`; lane 0 is the least significant bits.
//! - Memory ops carry their size (`ty`) and byte order (`be`); a narrow load zero-extends.
//! - Shift amounts are taken modulo the bit width of `ty` (the frontends clamp where their ISA
//!   differs).

use super::types::*;
use super::Val;

macro_rules! ir_ops {
    ($( $(#[$meta:meta])* $name:ident ( $($arg:ident),* ) { $($field:ident : $fty:ty),* } -> $res:tt ;)*) => {
        /// An IR operation. Value operands are `Val`s; everything else is an immediate.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Op {
            $( $(#[$meta])* $name { $($arg: Val,)* $($field: $fty,)* }, )*
        }

        impl Op {
            /// The opcode's name, as printed.
            pub fn name(&self) -> &'static str {
                match self { $( Op::$name { .. } => stringify!($name), )* }
            }

            /// The value operands, in order.
            #[allow(unused_variables)]
            #[inline]
            pub fn args(&self) -> ArgList {
                match self {
                    $( Op::$name { $($arg,)* .. } => ArgList::from_slice(&[$(*$arg),*]), )*
                }
            }

            /// Each value operand, in order (for walks over every use: inline, without building
            /// an `ArgList`).
            #[allow(unused_variables)]
            #[inline]
            pub fn for_each_arg(&self, mut f: impl FnMut(Val)) {
                match self {
                    $( Op::$name { $($arg,)* .. } => { $( f(*$arg); )* } )*
                }
            }

            /// Mutable access to each value operand, for passes that rewrite uses. Inline: the
            /// forward pass renames every operand through it, and as a call the op it rewrote
            /// was read back whole from memory just written piecewise (a store-forwarding
            /// stall per instruction; the passes 10% faster).
            #[allow(unused_variables)]
            #[inline]
            pub fn for_each_arg_mut(&mut self, mut f: impl FnMut(&mut Val)) {
                match self {
                    $( Op::$name { $($arg,)* .. } => { $( f($arg); )* } )*
                }
            }

            /// Whether the op produces a value.
            pub fn has_result(&self) -> bool {
                match self { $( Op::$name { .. } => ir_ops!(@has $res), )* }
            }

            /// The immediates, formatted for the printer.
            #[allow(unused_variables, unused_mut)]
            pub fn fmt_imms(&self) -> String {
                match self {
                    $( Op::$name { $($field,)* .. } => {
                        let mut s = String::new();
                        $( if !s.is_empty() { s.push(' '); }
                           s.push_str(&format!("{}={:?}", stringify!($field), $field)); )*
                        s
                    } )*
                }
            }
        }
    };
    (@has value) => { true };
    (@has none) => { false };
}

ir_ops! {
    // ---- constants and guest state ----
    /// A constant of type `ty` (the low bits of `imm`).
    Const() { ty: Ty, imm: Imm } -> value;
    /// Read `ty` bytes of guest CPU state at byte offset `off`.
    GetReg() { ty: Ty, off: u32 } -> value;
    /// Write `v` (type `ty`) to guest CPU state at byte offset `off`.
    SetReg(v) { ty: Ty, off: u32 } -> none;

    // ---- integer ----
    /// Two-operand integer op of width `ty`.
    Bin(a, b) { op: BinOp, ty: Ty } -> value;
    /// One-operand integer op of width `ty`.
    Un(a) { op: UnOp, ty: Ty } -> value;
    /// Width change: truncation when `to` is narrower, else zero/sign extension.
    Ext(a) { from: Ty, to: Ty, signed: bool } -> value;
    /// Integer comparison of width `ty`, giving an I8 boolean.
    Cmp(a, b) { cc: CmpCc, ty: Ty } -> value;
    /// `c != 0 ? a : b`, all of type `ty` (c is I8).
    Select(c, a, b) { ty: Ty } -> value;
    /// Concatenate two 64-bit halves into an I128 (`hi:lo`).
    Pair(lo, hi) { } -> value;
    /// Extract 64 bits of an I128 (`hi` = upper half).
    Half(a) { hi: bool } -> value;

    // ---- flags (AArch64-style NZCV packed in bits 31..28 of an I32) ----
    /// NZCV of `a + b + cin` at width `ty` (cin is an I8 0/1).
    AddNzcv(a, b, cin) { ty: Ty } -> value;
    /// NZCV of `a - b - (1 - cin)`, i.e. Arm's `a + ~b + cin`; C is "no borrow".
    SubNzcv(a, b, cin) { ty: Ty } -> value;
    /// NZCV of a logical result: N and Z from `a`, C = V = 0.
    LogicNzcv(a) { ty: Ty } -> value;
    /// Evaluate an Arm condition code (0..15) against an NZCV value; gives I8.
    CondHolds(nzcv) { cond: u8 } -> value;

    // ---- memory (guest addresses; `be` selects big-endian byte order) ----
    /// Load `ty` from guest address `addr`.
    Load(addr) { ty: Ty, be: bool } -> value;
    /// Store `v` of type `ty` to guest address `addr`.
    Store(addr, v) { ty: Ty, be: bool } -> none;
    /// Atomic compare-and-swap when `enable` (I8) is 1: returns the old memory value.
    /// When `enable` is 0 no memory is touched and the result is `!expected`.
    CmpXchg(addr, expected, new, enable) { ty: Ty, be: bool } -> value;
    /// Atomic read-modify-write; returns the old value.
    AtomicRmw(addr, v) { op: RmwOp, ty: Ty, be: bool } -> value;
    /// A memory barrier.
    Fence() { kind: FenceKind } -> none;

    // ---- floating point (raw bits; `ty` I16/I32/I64 = f16/f32/f64) ----
    // They round, flush and raise flags per the FP environment (`ir::fpenv`), so they are
    // never removed or merged even when their result is unused.
    FBin(a, b) { op: FBinOp, ty: Ty } -> value;
    FUn(a) { op: FUnOp, ty: Ty } -> value;
    /// Fused `(neg_p ? -(a*b) : a*b) + (neg_c ? -c : c)` with one rounding.
    FMulAdd(a, b, c) { ty: Ty, neg_p: bool, neg_c: bool } -> value;
    /// Compare two floats, giving Arm NZCV (unordered = 0011). `signal`: any NaN operand
    /// raises invalid (else only a signalling NaN does).
    FCmpNzcv(a, b) { ty: Ty, signal: bool } -> value;
    /// Float width conversion.
    FCvt(a) { from: Ty, to: Ty } -> value;
    /// Integer (`from`, signed or not) to float (`to`), scaled down by 2^fbits.
    IToF(a) { from: Ty, to: Ty, signed: bool, fbits: u8 } -> value;
    /// Float (`from`) to integer (`to`), saturating the Arm way, scaled up by 2^fbits.
    FToI(a) { from: Ty, to: Ty, signed: bool, round: RoundMode, fbits: u8 } -> value;

    // ---- vectors (I128) ----
    /// Lane-wise or whole-register binary vector op with element size `esize` bytes.
    VBin(a, b) { op: VBinOp, esize: u8 } -> value;
    /// Unary vector op with element size `esize` bytes.
    VUn(a) { op: VUnOp, esize: u8 } -> value;
    /// Vector op with an immediate (shift amount, lane index, ...).
    VImm(a) { op: VImmOp, esize: u8, imm: u32 } -> value;
    /// Insert scalar `v` into lane `lane` of `a`.
    VIns(a, v) { esize: u8, lane: u8 } -> value;
    /// Extract lane `lane`, zero-extended to `to` (I64, or the lane's own type).
    VExt(a) { esize: u8, lane: u8, to: Ty } -> value;
    /// Replicate scalar `v` to every lane.
    VDup(v) { esize: u8 } -> value;
    /// `FBin` on each `esize`-byte float lane (4: f32, 8: f64) of two vectors; with `half`
    /// only the lanes of the low 64 bits, the upper half of the result zero. An FP op
    /// (flags, FP environment), lane by lane as the scalar op.
    VFBin(a, b) { op: FBinOp, esize: u8, half: bool } -> value;
    /// Fused `c + (neg_p ? -(a*b) : a*b)` on each float lane (Arm FMLA/FMLS), as `VFBin`.
    VFMulAdd(a, b, c) { esize: u8, neg_p: bool, half: bool } -> value;
    /// Compare each float lane of `a` with `b`: all ones where Arm condition `cond` holds
    /// (0 EQ: quiet, FCMEQ; 10 GE and 12 GT: signalling, FCMGE/FCMGT), else zero; as `VFBin`.
    VFCmp(a, b) { cond: u8, esize: u8, half: bool } -> value;

    // ---- escape hatch ----
    /// Call helper `id` with up to four operands (pass a dummy for unused ones); the helper
    /// also gets the guest state pointer. Result type `ty`.
    Helper(a0, a1, a2) { id: HelperId, ty: Ty } -> value;
    /// Marks the start of guest instruction at `pc` (`len` bytes); used for precise faults,
    /// `-d in_asm`/`exec`, and block boundaries. Produces no code.
    InsnStart() { pc: u64, len: u8 } -> none;
}

impl Op {
    /// The type of the op's result. Ops without one give the type they work on (SetReg,
    /// Store), or I8.
    pub fn result_ty(&self) -> Ty {
        match *self {
            Op::Const { ty, .. }
            | Op::GetReg { ty, .. }
            | Op::SetReg { ty, .. }
            | Op::Bin { ty, .. }
            | Op::Un { ty, .. }
            | Op::Select { ty, .. }
            | Op::Load { ty, .. }
            | Op::Store { ty, .. }
            | Op::CmpXchg { ty, .. }
            | Op::AtomicRmw { ty, .. }
            | Op::FBin { ty, .. }
            | Op::FMulAdd { ty, .. }
            | Op::Helper { ty, .. } => ty,
            // FCVTXN narrows a double to a single.
            Op::FUn { op: FUnOp::CvtOddS, .. } => Ty::I32,
            Op::FUn { ty, .. } => ty,
            Op::Ext { to, .. } | Op::FCvt { to, .. } | Op::IToF { to, .. } | Op::FToI { to, .. } | Op::VExt { to, .. } => to,
            Op::Cmp { .. } | Op::CondHolds { .. } | Op::Fence { .. } | Op::InsnStart { .. } => Ty::I8,
            Op::AddNzcv { .. } | Op::SubNzcv { .. } | Op::LogicNzcv { .. } | Op::FCmpNzcv { .. } => Ty::I32,
            Op::Half { .. } => Ty::I64,
            Op::Pair { .. }
            | Op::VBin { .. }
            | Op::VUn { .. }
            | Op::VImm { .. }
            | Op::VIns { .. }
            | Op::VDup { .. }
            | Op::VFBin { .. }
            | Op::VFMulAdd { .. }
            | Op::VFCmp { .. } => Ty::I128,
        }
    }
}

/// A short list of operands without allocation.
#[derive(Clone, Copy, Debug)]
pub struct ArgList {
    len: u8,
    vals: [Val; 4],
}

impl ArgList {
    /// An empty list, to `push` onto.
    pub const fn new() -> ArgList {
        ArgList { len: 0, vals: [Val(0); 4] }
    }

    /// Append an operand; a list holds at most four.
    pub fn push(&mut self, v: Val) {
        assert!(self.len < 4, "an operand list holds at most four values");
        self.vals[self.len as usize] = v;
        self.len += 1;
    }

    #[inline]
    fn from_slice(s: &[Val]) -> ArgList {
        let mut vals = [Val(0); 4];
        vals[..s.len()].copy_from_slice(s);
        ArgList { len: s.len() as u8, vals }
    }
    pub fn as_slice(&self) -> &[Val] {
        &self.vals[..self.len as usize]
    }
}

impl std::ops::Deref for ArgList {
    type Target = [Val];
    fn deref(&self) -> &[Val] {
        self.as_slice()
    }
}
