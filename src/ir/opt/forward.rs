//! The forward walk: guest-register forwarding and constant folding / simplification.
//!
//! It rebuilds the instruction list: each old instruction either maps to a value that already
//! exists (a forwarded register, an operand an identity reduces to, a deduplicated constant)
//! or is emitted, possibly rewritten, at the end of the new list.

use super::cse;
use super::*;
use crate::interp::scalar;

#[derive(Clone, Copy)]
pub(super) struct Mode {
    pub forward: bool,
    pub fold: bool,
}

/// Guest state bytes `[off, off + ty.bytes())` are known to hold `v`.
#[derive(Clone, Copy)]
struct Known {
    off: u32,
    ty: Ty,
    v: Val,
}

/// The result of simplifying one op.
enum Simp {
    /// Emit the op unchanged.
    Keep,
    /// The op's value is an existing value.
    Use(Val),
    /// The op's value is this constant (of the op's type).
    Const(u128),
    /// The op is equivalent to this (simpler) op of the same type.
    Op(Op),
}

struct Fwd {
    mode: Mode,
    out: Vec<Inst>,
    /// Constants emitted so far, for reuse (only when folding).
    consts: Vec<(Ty, u128, Val)>,
    known: Vec<Known>,
    /// Pure ops emitted so far, for reuse (only when folding).
    cse: cse::Table,
}

/// Placeholder mapping for instructions without a result.
const NO_VAL: Val = Val(u32::MAX);

/// The walk's working vectors, kept per thread between blocks (empty, with their capacity):
/// allocating and growing them anew was a tenth of the walk.
#[derive(Default)]
struct Scratch {
    consts: Vec<(Ty, u128, Val)>,
    known: Vec<Known>,
    cse: cse::Table,
    map: Vec<Val>,
}

thread_local! {
    static SCRATCH: std::cell::Cell<Scratch> = std::cell::Cell::new(Scratch::default());
}

pub(super) fn run(block: &mut Block, mode: Mode) {
    let old = std::mem::take(&mut block.insts);
    let Scratch { consts, known, cse, mut map } = SCRATCH.with(|s| s.take());
    // Folding adds few instructions (constants, mostly): room for them, so that the list
    // is not reallocated.
    let mut f = Fwd { mode, out: Vec::with_capacity(old.len() + 8), consts, known, cse };
    for inst in old {
        let mut op = inst.op;
        op.for_each_arg_mut(|a| *a = map.get(a.0 as usize).copied().unwrap_or(NO_VAL));
        let v = f.inst(op);
        map.push(v);
    }
    let Fwd { out, mut consts, mut known, mut cse, .. } = f;
    block.insts = out;
    let remap = |v: &mut Val| *v = map.get(v.0 as usize).copied().unwrap_or(NO_VAL);
    match &mut block.term {
        Terminal::Branch { cond, .. } => remap(cond),
        Terminal::Indirect { target, .. } => remap(target),
        _ => {}
    }
    map.clear();
    consts.clear();
    known.clear();
    cse.clear();
    SCRATCH.with(|s| s.set(Scratch { consts, known, cse, map }));
    // A branch on a known condition is a jump.
    if let Terminal::Branch { cond, taken, not_taken } = block.term {
        if mode.fold {
            if let Some(c) = const_of(&block.insts, cond) {
                block.term = Terminal::Jump { target: if c != 0 { taken } else { not_taken } };
            }
        }
    }
}

fn const_of(insts: &[Inst], v: Val) -> Option<u128> {
    match insts.get(v.0 as usize)?.op {
        Op::Const { imm, .. } => Some(imm.get()),
        _ => None,
    }
}

impl Fwd {
    fn push(&mut self, op: Op) -> Val {
        let v = Val(self.out.len() as u32);
        self.out.push(Inst::new(op));
        if self.out[v.0 as usize].op.has_result() {
            v
        } else {
            NO_VAL
        }
    }

    /// A constant, reusing an earlier equal one when folding.
    fn konst(&mut self, ty: Ty, imm: u128) -> Val {
        let imm = imm & ty.mask();
        if let Some(&(_, _, v)) = self.consts.iter().find(|c| c.0 == ty && c.1 == imm) {
            return v;
        }
        let v = self.push(Op::Const { ty, imm: Imm::new(imm) });
        self.consts.push((ty, imm, v));
        v
    }

    fn c(&self, v: Val) -> Option<u128> {
        const_of(&self.out, v)
    }

    fn def(&self, v: Val) -> Option<&Op> {
        self.out.get(v.0 as usize).map(|i| &i.op)
    }

    fn ty(&self, v: Val) -> Option<Ty> {
        self.out.get(v.0 as usize).map(|i| i.ty())
    }

    /// Translate one instruction (operands already remapped); returns its value.
    fn inst(&mut self, op: Op) -> Val {
        match op {
            Op::GetReg { ty: rty, off } if self.mode.forward => {
                if let Some(v) = self.lookup(off, rty) {
                    return v;
                }
                let v = self.push(op);
                self.known.push(Known { off, ty: rty, v });
                v
            }
            Op::SetReg { v, ty: rty, off } if self.mode.forward => {
                if self.known.iter().any(|k| k.off == off && k.ty == rty && k.v == v) {
                    // The state already holds this value.
                    return NO_VAL;
                }
                let r = range(off, rty);
                self.known.retain(|k| !overlaps(range(k.off, k.ty), r));
                self.known.push(Known { off, ty: rty, v });
                self.push(op)
            }
            Op::Helper { .. } if effect(&op) == Effect::Opaque => {
                self.known.clear();
                self.push(op)
            }
            Op::Const { ty: cty, imm } if self.mode.fold => self.konst(cty, imm.get()),
            _ if self.mode.fold && effect(&op) == Effect::Pure => self.value(op, 0),
            _ => self.push(op),
        }
    }

    /// The value of a pure op: simplified when folding, else emitted as is.
    fn value(&mut self, op: Op, depth: u32) -> Val {
        if !self.mode.fold {
            return self.push(op);
        }
        match self.simplify(&op) {
            Simp::Keep => self.emit_pure(op),
            Simp::Use(v) => v,
            Simp::Const(c) => self.konst(op.result_ty(), c),
            Simp::Op(o) if depth < 4 => self.value(o, depth + 1),
            Simp::Op(o) => self.emit_pure(o),
        }
    }

    /// Emit a pure op, or reuse an earlier identical one.
    fn emit_pure(&mut self, op: Op) -> Val {
        let k = cse::key(&op);
        if let Some(&v) = k.as_ref().and_then(|k| self.cse.get(k)) {
            return v;
        }
        let v = self.push(op);
        if let Some(k) = k {
            self.cse.insert(k, v);
        }
        v
    }

    /// A known value for a `GetReg` of `ty` at `off`, if forwarding can supply one.
    fn lookup(&mut self, off: u32, ty: Ty) -> Option<Val> {
        if let Some(k) = self.known.iter().find(|k| k.off == off && k.ty == ty) {
            return Some(k.v);
        }
        let (lo, hi) = range(off, ty);
        let k = *self.known.iter().rev().find(|k| {
            let (klo, khi) = range(k.off, k.ty);
            klo <= lo && hi <= khi
        })?;
        let rel = off - k.off;
        let v = match k.ty {
            // The low bytes of a scalar (little-endian state): a truncation.
            Ty::I8 | Ty::I16 | Ty::I32 | Ty::I64 if rel == 0 => {
                self.value(Op::Ext { a: k.v, from: k.ty, to: ty, signed: false }, 0)
            }
            // A 64-bit half of a vector register, then possibly its low bytes.
            Ty::I128 if rel == 0 || rel == 8 => {
                let h = self.value(Op::Half { a: k.v, hi: rel == 8 }, 0);
                if ty == Ty::I64 {
                    h
                } else {
                    self.value(Op::Ext { a: h, from: Ty::I64, to: ty, signed: false }, 0)
                }
            }
            _ => return None,
        };
        self.known.push(Known { off, ty, v });
        Some(v)
    }

    fn simplify(&mut self, op: &Op) -> Simp {
        match *op {
            Op::Bin { a, b, op, ty: t } => self.bin(op, t, a, b),
            Op::Un { a, op, ty: t } => {
                if let Some(x) = self.c(a) {
                    return Simp::Const(scalar::un(op, t, x));
                }
                match (op, self.def(a)) {
                    (UnOp::Not, Some(&Op::Un { a: x, op: UnOp::Not, ty: t2 }))
                    | (UnOp::Neg, Some(&Op::Un { a: x, op: UnOp::Neg, ty: t2 }))
                        if t2 == t =>
                    {
                        Simp::Use(x)
                    }
                    _ => Simp::Keep,
                }
            }
            Op::Ext { a, from, to, signed } => self.ext(a, from, to, signed),
            Op::Cmp { a, b, cc, ty: t } => {
                if let (Some(x), Some(y)) = (self.c(a), self.c(b)) {
                    return Simp::Const(scalar::cmp(cc, t, x, y) as u128);
                }
                if a == b {
                    let r = matches!(cc, CmpCc::Eq | CmpCc::Ule | CmpCc::Uge | CmpCc::Sle | CmpCc::Sge);
                    return Simp::Const(r as u128);
                }
                self.narrow_cmp(a, b, cc, t)
            }
            Op::VBin { a, b, op, .. } if a == b => match op {
                VBinOp::And | VBinOp::Or => Simp::Use(a),
                VBinOp::Xor | VBinOp::Sub | VBinOp::Bic => Simp::Const(0),
                _ => Simp::Keep,
            },
            Op::Select { c, a, b, .. } => match self.c(c) {
                Some(x) => Simp::Use(if x != 0 { a } else { b }),
                None if a == b => Simp::Use(a),
                None => Simp::Keep,
            },
            Op::Pair { lo, hi } => {
                if let (Some(l), Some(h)) = (self.c(lo), self.c(hi)) {
                    return Simp::Const((l as u64 as u128) | ((h as u64 as u128) << 64));
                }
                match (self.def(lo), self.def(hi)) {
                    (Some(&Op::Half { a: x, hi: false }), Some(&Op::Half { a: y, hi: true })) if x == y => Simp::Use(x),
                    _ => Simp::Keep,
                }
            }
            Op::Half { a, hi } => self.half(a, hi),
            Op::AddNzcv { a, b, cin, ty: t } if t != Ty::I128 => match (self.c(a), self.c(b), self.c(cin)) {
                (Some(x), Some(y), Some(z)) => Simp::Const(scalar::add_nzcv(t, x, y, z) as u128),
                _ => Simp::Keep,
            },
            Op::SubNzcv { a, b, cin, ty: t } if t != Ty::I128 => match (self.c(a), self.c(b), self.c(cin)) {
                (Some(x), Some(y), Some(z)) => Simp::Const(scalar::add_nzcv(t, x, !y & t.mask(), z) as u128),
                _ => Simp::Keep,
            },
            Op::LogicNzcv { a, ty: t } => match self.c(a) {
                Some(x) => Simp::Const(scalar::logic_nzcv(t, x) as u128),
                None => Simp::Keep,
            },
            Op::CondHolds { nzcv, cond } => self.cond_holds(nzcv, cond),
            _ => Simp::Keep,
        }
    }

    fn bin(&mut self, op: BinOp, t: Ty, mut a: Val, mut b: Val) -> Simp {
        if let (Some(x), Some(y)) = (self.c(a), self.c(b)) {
            // The 128-bit high multiplies are left to the backend (MulHS has no 128-bit
            // definition; MulHU's would run the interpreter's unchecked u128 path).
            if !(matches!(op, BinOp::MulHS | BinOp::MulHU) && t == Ty::I128) {
                return Simp::Const(scalar::bin(op, t, x, y));
            }
            return Simp::Keep;
        }
        let commutative =
            matches!(op, BinOp::Add | BinOp::Mul | BinOp::MulHU | BinOp::MulHS | BinOp::And | BinOp::Or | BinOp::Xor);
        let mut swapped = false;
        if commutative && (self.c(a).is_some() || (self.c(b).is_none() && a > b)) {
            // Constant on the right, where the backend can use it as an immediate; otherwise
            // operands in value order, so `x+y` and `y+x` are one subexpression.
            std::mem::swap(&mut a, &mut b);
            swapped = true;
        }
        let mask = t.mask();
        let bits = t.bits() as u128;
        if let Some(y) = self.c(b).map(|y| y & mask) {
            match op {
                BinOp::Add | BinOp::Sub | BinOp::Or | BinOp::Xor | BinOp::AndNot if y == 0 => return Simp::Use(a),
                BinOp::Shl | BinOp::Lshr | BinOp::Ashr | BinOp::Ror if y % bits == 0 => return Simp::Use(a),
                BinOp::And if y == mask => return Simp::Use(a),
                BinOp::Mul | BinOp::DivU | BinOp::DivS if y == 1 => return Simp::Use(a),
                BinOp::And | BinOp::Mul | BinOp::MulHU | BinOp::MulHS if y == 0 => return Simp::Const(0),
                // Division and remainder by zero give zero.
                BinOp::DivU | BinOp::DivS | BinOp::RemU | BinOp::RemS if y == 0 => return Simp::Const(0),
                BinOp::RemU | BinOp::RemS if y == 1 => return Simp::Const(0),
                BinOp::Or if y == mask => return Simp::Const(mask),
                BinOp::AndNot if y == mask => return Simp::Const(0),
                BinOp::Add | BinOp::Sub => {
                    // (x ± c1) ± c2 == x + (±c1 ± c2). A lone Sub stays a Sub (a backend may
                    // pair it with the SubNzcv of the same operands).
                    if let Some((x, c1)) = self.offset_of(a, t) {
                        let k = if op == BinOp::Add { c1.wrapping_add(y) } else { c1.wrapping_sub(y) } & mask;
                        if k == 0 {
                            return Simp::Use(x);
                        }
                        let k = self.konst(t, k);
                        return Simp::Op(Op::Bin { a: x, b: k, op: BinOp::Add, ty: t });
                    }
                }
                _ => {}
            }
        }
        if let Some(x) = self.c(a).map(|x| x & mask) {
            match op {
                BinOp::Shl
                | BinOp::Lshr
                | BinOp::Ashr
                | BinOp::Ror
                | BinOp::DivU
                | BinOp::DivS
                | BinOp::RemU
                | BinOp::RemS
                | BinOp::AndNot
                    if x == 0 =>
                {
                    return Simp::Const(0)
                }
                _ => {}
            }
        }
        if a == b {
            match op {
                BinOp::Sub | BinOp::Xor | BinOp::AndNot => return Simp::Const(0),
                BinOp::And | BinOp::Or => return Simp::Use(a),
                _ => {}
            }
        }
        if swapped {
            Simp::Op(Op::Bin { a, b, op, ty: t })
        } else {
            Simp::Keep
        }
    }

    /// An unsigned or equality compare of zero-extended values done at the narrower width
    /// (`ldrb w0, ..; cbz w0` compares the loaded byte).
    fn narrow_cmp(&mut self, a: Val, b: Val, cc: CmpCc, t: Ty) -> Simp {
        if matches!(cc, CmpCc::Slt | CmpCc::Sle | CmpCc::Sgt | CmpCc::Sge) {
            return Simp::Keep;
        }
        let Some(&Op::Ext { a: x, from, to, signed: false }) = self.def(a) else { return Simp::Keep };
        if to != t || from >= t || self.ty(x) != Some(from) {
            return Simp::Keep;
        }
        let y = if let Some(c) = self.c(b) {
            if c & t.mask() > from.mask() {
                return Simp::Keep;
            }
            self.konst(from, c)
        } else {
            match *self.def(b).unwrap_or(&Op::Fence { kind: FenceKind::Light }) {
                Op::Ext { a: y, from: f2, to: t2, signed: false } if f2 == from && t2 == t => y,
                _ => return Simp::Keep,
            }
        };
        Simp::Op(Op::Cmp { a: x, b: y, cc, ty: from })
    }

    /// `v` as `x + k` when it is an add or subtract of a constant at width `t`.
    fn offset_of(&self, v: Val, t: Ty) -> Option<(Val, u128)> {
        match *self.def(v)? {
            Op::Bin { a, b, op: BinOp::Add, ty } if ty == t => Some((a, self.c(b)?)),
            Op::Bin { a, b, op: BinOp::Sub, ty } if ty == t => Some((a, self.c(b)?.wrapping_neg())),
            _ => None,
        }
    }

    fn ext(&mut self, a: Val, from: Ty, to: Ty, signed: bool) -> Simp {
        if from == to {
            return Simp::Use(a);
        }
        if let Some(x) = self.c(a) {
            let x = x & from.mask();
            return Simp::Const(if signed && from < to { scalar::sext(x, from) as u128 } else { x });
        }
        let Some(&Op::Ext { a: x, from: f0, to: t0, signed: s0 }) = self.def(a) else {
            return Simp::Keep;
        };
        if t0 != from || self.ty(x) != Some(f0) {
            return Simp::Keep;
        }
        // x: f0 --(s0)--> from --(signed)--> to
        let same =
            |x: Val, s: bool| if f0 == to { Simp::Use(x) } else { Simp::Op(Op::Ext { a: x, from: f0, to, signed: s }) };
        if f0 < from {
            if to <= f0 {
                // Truncating back to (or below) the original width.
                same(x, false)
            } else if to < from {
                // A narrower extension of the same kind.
                same(x, s0)
            } else if !s0 {
                // Zero-extended first: the sign bit of the middle value is clear.
                same(x, false)
            } else if signed {
                same(x, true)
            } else {
                Simp::Keep
            }
        } else if to < from {
            // Truncation of a truncation.
            same(x, false)
        } else {
            Simp::Keep
        }
    }

    fn half(&mut self, a: Val, hi: bool) -> Simp {
        if let Some(x) = self.c(a) {
            return Simp::Const(if hi { x >> 64 } else { x as u64 as u128 });
        }
        match self.def(a) {
            Some(&Op::Pair { lo, hi: h }) => Simp::Use(if hi { h } else { lo }),
            Some(&Op::Ext { a: x, from, to: Ty::I128, signed }) if from <= Ty::I64 && self.ty(x) == Some(from) => {
                if hi {
                    if signed {
                        Simp::Keep
                    } else {
                        Simp::Const(0)
                    }
                } else if from == Ty::I64 {
                    Simp::Use(x)
                } else {
                    Simp::Op(Op::Ext { a: x, from, to: Ty::I64, signed })
                }
            }
            _ => Simp::Keep,
        }
    }

    /// Arm condition `cond` on `nzcv`: folded when constant; turned into one `Cmp` when the
    /// flags come from a plain subtraction (CMP) or a logical result (TST/ANDS).
    fn cond_holds(&mut self, nzcv: Val, cond: u8) -> Simp {
        if cond >= 14 {
            return Simp::Const(1);
        }
        if let Some(f) = self.c(nzcv) {
            return Simp::Const(scalar::cond_holds(f as u32, cond) as u128);
        }
        let neg = cond & 1 == 1;
        let pick = |cc: CmpCc, ncc: CmpCc| if neg { ncc } else { cc };
        match self.def(nzcv) {
            Some(&Op::SubNzcv { a, b, cin, ty }) if ty != Ty::I128 && self.c(cin) == Some(1) => {
                let cc = match cond >> 1 {
                    0 => pick(CmpCc::Eq, CmpCc::Ne),
                    1 => pick(CmpCc::Uge, CmpCc::Ult),
                    4 => pick(CmpCc::Ugt, CmpCc::Ule),
                    5 => pick(CmpCc::Sge, CmpCc::Slt),
                    6 => pick(CmpCc::Sgt, CmpCc::Sle),
                    // MI/PL and VS/VC test the difference, not an ordering.
                    _ => return Simp::Keep,
                };
                Simp::Op(Op::Cmp { a, b, cc, ty })
            }
            Some(&Op::LogicNzcv { a, ty }) if ty != Ty::I128 => {
                // C = V = 0.
                let cc = match cond >> 1 {
                    0 => pick(CmpCc::Eq, CmpCc::Ne),
                    2 => pick(CmpCc::Slt, CmpCc::Sge),
                    5 => pick(CmpCc::Sge, CmpCc::Slt),
                    6 => pick(CmpCc::Sgt, CmpCc::Sle),
                    // CS, VS, HI are false; their negations true.
                    _ => return Simp::Const(neg as u128),
                };
                let z = self.konst(ty, 0);
                Simp::Op(Op::Cmp { a, b: z, cc, ty })
            }
            _ => Simp::Keep,
        }
    }
}
