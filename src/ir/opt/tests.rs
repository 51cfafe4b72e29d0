//! Hand-built blocks checking each pass's effect.

use super::*;

/// Structural and operand-type checks on a block.
pub(super) fn check(b: &Block) {
    verify(b).unwrap_or_else(|e| panic!("{e}\n{b}"));
    let t = |v: Val| b.ty_of(v);
    for (i, inst) in b.insts.iter().enumerate() {
        let ok = match inst.op {
            Op::Const { ty, imm } => inst.ty() == ty && imm.get() & !ty.mask() == 0,
            Op::GetReg { ty, .. } => inst.ty() == ty,
            Op::SetReg { v, ty, .. } => t(v) == ty,
            Op::Bin { a, b: y, ty, .. } => t(a) == ty && t(y) == ty && inst.ty() == ty,
            Op::Un { a, ty, .. } => t(a) == ty && inst.ty() == ty,
            Op::Ext { a, from, to, .. } => t(a) == from && inst.ty() == to,
            Op::Cmp { a, b: y, ty, .. } => t(a) == ty && t(y) == ty && inst.ty() == Ty::I8,
            Op::Select { c, a, b: y, ty } => t(c) == Ty::I8 && t(a) == ty && t(y) == ty && inst.ty() == ty,
            Op::Pair { lo, hi } => t(lo) == Ty::I64 && t(hi) == Ty::I64 && inst.ty() == Ty::I128,
            Op::Half { a, .. } => t(a) == Ty::I128 && inst.ty() == Ty::I64,
            Op::AddNzcv { a, b: y, cin, ty } | Op::SubNzcv { a, b: y, cin, ty } => {
                t(a) == ty && t(y) == ty && t(cin) == Ty::I8 && inst.ty() == Ty::I32
            }
            Op::LogicNzcv { a, ty } => t(a) == ty && inst.ty() == Ty::I32,
            Op::CondHolds { nzcv, .. } => t(nzcv) == Ty::I32 && inst.ty() == Ty::I8,
            Op::Load { addr, ty, .. } => t(addr) == Ty::I64 && inst.ty() == ty,
            Op::Store { addr, v, ty, .. } => t(addr) == Ty::I64 && t(v) == ty,
            _ => true,
        };
        assert!(ok, "type error at inst {i}: {:?}\n{b}", inst.op);
    }
    match b.term {
        Terminal::Branch { cond, .. } => assert_eq!(t(cond), Ty::I8, "{b}"),
        Terminal::Indirect { target, .. } => assert_eq!(t(target), Ty::I64, "{b}"),
        _ => {}
    }
}

fn count(b: &Block, name: &str) -> usize {
    b.insts.iter().filter(|i| i.op.name() == name).count()
}

fn jump() -> Terminal {
    Terminal::Jump { target: 0x1000 }
}

/// The value a `SetReg` at `off` stores (the last one).
fn stored(b: &Block, off: u32) -> &Op {
    let v = b
        .insts
        .iter()
        .rev()
        .find_map(|i| match i.op {
            Op::SetReg { v, off: o, .. } if o == off => Some(v),
            _ => None,
        })
        .expect("no SetReg");
    &b.insts[v.0 as usize].op
}

#[test]
fn forwards_set_to_get() {
    let mut b = Builder::new(0);
    b.insn_start(0, 4);
    let c = b.konst(Ty::I64, 7);
    b.set(Ty::I64, 0, c);
    let g = b.get(Ty::I64, 0);
    let k = b.konst(Ty::I64, 1);
    let s = b.add(g, k);
    b.set(Ty::I64, 8, s);
    let mut blk = b.finish(jump());
    forward_regs(&mut blk);
    check(&blk);
    assert_eq!(count(&blk, "GetReg"), 0, "{blk}");
    let Op::Bin { a, .. } = *stored(&blk, 8) else { panic!("{blk}") };
    assert_eq!(blk.insts[a.0 as usize].op, Op::Const { ty: Ty::I64, imm: Imm::new(7) });
}

#[test]
fn forwards_repeated_get() {
    let mut b = Builder::new(0);
    let g1 = b.get(Ty::I64, 0);
    let g2 = b.get(Ty::I64, 0);
    let s = b.add(g1, g2);
    b.set(Ty::I64, 8, s);
    let mut blk = b.finish(Terminal::Indirect { target: g2, kind: IndirectKind::Jump });
    forward_regs(&mut blk);
    check(&blk);
    assert_eq!(count(&blk, "GetReg"), 1, "{blk}");
    assert_eq!(blk.term, Terminal::Indirect { target: Val(0), kind: IndirectKind::Jump });
    assert_eq!(*stored(&blk, 8), Op::Bin { a: Val(0), b: Val(0), op: BinOp::Add, ty: Ty::I64 });
}

#[test]
fn partial_overlap_kills_forwarding() {
    let mut b = Builder::new(0);
    let a = b.konst(Ty::I64, 1);
    let h = b.konst(Ty::I32, 2);
    b.set(Ty::I64, 0, a);
    b.set(Ty::I32, 4, h); // the upper half of the same register
    let g = b.get(Ty::I64, 0);
    b.set(Ty::I64, 8, g);
    // A vector register: a lane write kills the whole-register value.
    let v = b.konst128(5);
    b.set(Ty::I128, 32, v);
    let l = b.konst(Ty::I16, 3);
    b.set(Ty::I16, 38, l);
    let gv = b.get(Ty::I128, 32);
    b.set(Ty::I128, 64, gv);
    // A read of bytes only partly known stays a read.
    b.set(Ty::I32, 96, h);
    let gw = b.get(Ty::I64, 96);
    b.set(Ty::I64, 104, gw);
    let mut blk = b.finish(jump());
    optimize(&mut blk);
    check(&blk);
    assert_eq!(count(&blk, "GetReg"), 3, "{blk}");
    assert!(matches!(stored(&blk, 8), Op::GetReg { ty: Ty::I64, off: 0 }), "{blk}");
    assert!(matches!(stored(&blk, 64), Op::GetReg { ty: Ty::I128, off: 32 }), "{blk}");
}

#[test]
fn helper_kills_forwarding() {
    static H: HelperFn = HelperFn { name: "nop", func: |_, _| 0, volatile: false, pure: false };
    let mut b = Builder::new(0);
    let a = b.konst(Ty::I64, 1);
    b.set(Ty::I64, 0, a);
    b.helper(&H, Ty::I64, &[]);
    let g = b.get(Ty::I64, 0);
    b.set(Ty::I64, 8, g);
    let g2 = b.get(Ty::I64, 16);
    b.helper(&H, Ty::I64, &[]);
    let g3 = b.get(Ty::I64, 16);
    let s = b.add(g2, g3);
    b.set(Ty::I64, 24, s);
    let mut blk = b.finish(jump());
    optimize(&mut blk);
    check(&blk);
    assert_eq!(count(&blk, "GetReg"), 3, "{blk}");
    assert_eq!(count(&blk, "SetReg"), 3, "{blk}");
}

/// A pure helper (no state access) is a pure op: forwarding crosses it, a `SetReg` it cannot
/// observe is dropped, and an unused call disappears.
#[test]
fn pure_helper_keeps_forwarding() {
    static P: HelperFn = HelperFn { name: "pure", func: |_, a| a[0] ^ 1, volatile: false, pure: true };
    let mut b = Builder::new(0);
    let v = b.get(Ty::I128, 32);
    let r = b.helper(&P, Ty::I128, &[v]);
    b.set(Ty::I128, 32, r);
    let g = b.get(Ty::I128, 32);
    let r2 = b.helper(&P, Ty::I128, &[g]);
    b.set(Ty::I128, 32, r2);
    let unused = b.get(Ty::I128, 48);
    b.helper(&P, Ty::I128, &[unused]);
    let mut blk = b.finish(jump());
    optimize(&mut blk);
    check(&blk);
    assert_eq!(count(&blk, "GetReg"), 1, "{blk}");
    assert_eq!(count(&blk, "SetReg"), 1, "{blk}");
    assert_eq!(count(&blk, "Helper"), 2, "{blk}");
}

#[test]
fn narrow_reads_of_wide_values() {
    let mut b = Builder::new(0);
    // W read of an X register set from a zero-extended W value: the W value itself.
    let w = b.get(Ty::I32, 200);
    let x = b.zext(w, Ty::I64);
    b.set(Ty::I64, 0, x);
    let r = b.get(Ty::I32, 0);
    b.set(Ty::I32, 8, r);
    // S read of a vector register set by a scalar FP write (zero-extended to I128).
    let s = b.get(Ty::I32, 300);
    let v = b.zext(s, Ty::I128);
    b.set(Ty::I128, 32, v);
    let rs = b.get(Ty::I32, 32);
    b.set(Ty::I32, 16, rs);
    // Upper half of a vector register from a Pair.
    let lo = b.get(Ty::I64, 400);
    let hi = b.get(Ty::I64, 408);
    let p = b.pair(lo, hi);
    b.set(Ty::I128, 64, p);
    let rh = b.get(Ty::I64, 72);
    b.set(Ty::I64, 24, rh);
    // A read at a non-zero offset inside a scalar stays a read.
    b.set(Ty::I64, 104, x);
    let up = b.get(Ty::I32, 108);
    b.set(Ty::I32, 112, up);
    let mut blk = b.finish(jump());

    let mut fwd = blk.clone();
    forward_regs(&mut fwd);
    check(&fwd);
    assert!(matches!(stored(&fwd, 8), Op::Ext { from: Ty::I64, to: Ty::I32, .. }), "{fwd}");
    assert!(matches!(stored(&fwd, 24), Op::Half { hi: true, .. }), "{fwd}");

    optimize(&mut blk);
    check(&blk);
    assert_eq!(*stored(&blk, 8), Op::GetReg { ty: Ty::I32, off: 200 }, "{blk}");
    assert_eq!(*stored(&blk, 16), Op::GetReg { ty: Ty::I32, off: 300 }, "{blk}");
    assert_eq!(*stored(&blk, 24), Op::GetReg { ty: Ty::I64, off: 408 }, "{blk}");
    assert_eq!(*stored(&blk, 112), Op::GetReg { ty: Ty::I32, off: 108 }, "{blk}");
}

#[test]
fn redundant_setreg_of_same_value() {
    let mut b = Builder::new(0);
    let g = b.get(Ty::I64, 0);
    b.set(Ty::I64, 0, g); // mov x0, x0
    let mut blk = b.finish(jump());
    optimize(&mut blk);
    check(&blk);
    assert!(blk.insts.is_empty(), "{blk}");
}

#[test]
fn dead_setreg_removed_when_overwritten() {
    let mut b = Builder::new(0);
    b.insn_start(0, 4);
    let a = b.get(Ty::I64, 100);
    b.set(Ty::I64, 0, a);
    b.insn_start(4, 4);
    let c = b.konst(Ty::I64, 3);
    b.set(Ty::I64, 0, c);
    // Two W writes cover an X write.
    b.set(Ty::I64, 8, a);
    let w = b.konst(Ty::I32, 1);
    b.set(Ty::I32, 8, w);
    b.set(Ty::I32, 12, w);
    let mut blk = b.finish(jump());
    dead_setreg(&mut blk);
    check(&blk);
    assert_eq!(count(&blk, "SetReg"), 3, "{blk}");
    assert_eq!(count(&blk, "InsnStart"), 2, "{blk}");
    assert_eq!(*stored(&blk, 0), Op::Const { ty: Ty::I64, imm: Imm::new(3) });
}

#[test]
fn dead_setreg_kept_when_observed() {
    for obs in 0..4 {
        let mut b = Builder::new(0);
        let a = b.get(Ty::I64, 100);
        b.set(Ty::I64, 0, a);
        match obs {
            0 => {
                b.load(Ty::I8, a, false);
            }
            1 => b.store(Ty::I64, a, a, false),
            2 => {
                b.get(Ty::I8, 7); // the top byte only
            }
            _ => {
                // Two narrow writes (this and the one below) that together cover it.
                let w = b.konst(Ty::I32, 1);
                b.set(Ty::I32, 0, w);
            }
        }
        let c = b.konst(Ty::I32, 3);
        b.set(Ty::I32, 4, c);
        let mut blk = b.finish(jump());
        dead_setreg(&mut blk);
        check(&blk);
        let first_kept = blk.insts.iter().any(|i| matches!(i.op, Op::SetReg { ty: Ty::I64, off: 0, .. }));
        assert_eq!(first_kept, obs != 3, "case {obs}: {blk}");
    }
}

#[test]
fn dce_renumbers() {
    let mut b = Builder::new(0);
    b.insn_start(0, 4);
    let x = b.get(Ty::I64, 0);
    let y = b.get(Ty::I64, 8);
    let _dead = b.add(x, y);
    let k = b.konst(Ty::I64, 4);
    let _dead2 = b.sub(y, k);
    let l = b.load(Ty::I64, x, false); // unused but may fault: kept
    let _ = l;
    let z = b.konst(Ty::I64, 0);
    let c = b.cmp(CmpCc::Eq, y, z);
    let mut blk = b.finish(Terminal::Branch { cond: c, taken: 1, not_taken: 2 });
    dce(&mut blk);
    check(&blk);
    assert_eq!(blk.insts.len(), 6, "{blk}");
    assert_eq!(count(&blk, "Load"), 1);
    assert_eq!(blk.term, Terminal::Branch { cond: Val(5), taken: 1, not_taken: 2 });
}

#[test]
fn dead_flags_removed() {
    // adds x0, x1, x2; cmp x0, #1; b.eq: the first NZCV is dead.
    const NZCV: usize = 272;
    let mut b = Builder::new(0);
    b.insn_start(0, 4);
    let x1 = b.get(Ty::I64, 8);
    let x2 = b.get(Ty::I64, 16);
    let s = b.add(x1, x2);
    let c0 = b.konst(Ty::I8, 0);
    let f = b.add_nzcv(x1, x2, c0);
    b.set(Ty::I64, 0, s);
    b.set(Ty::I32, NZCV, f);
    b.insn_start(4, 4);
    let x0 = b.get(Ty::I64, 0);
    let one = b.konst(Ty::I64, 1);
    let c1 = b.konst(Ty::I8, 1);
    let f2 = b.sub_nzcv(x0, one, c1);
    b.set(Ty::I32, NZCV, f2);
    b.insn_start(8, 4);
    let n = b.get(Ty::I32, NZCV);
    let cond = b.cond_holds(n, 0);
    let mut blk = b.finish(Terminal::Branch { cond, taken: 0x100, not_taken: 12 });
    optimize(&mut blk);
    check(&blk);
    assert_eq!(count(&blk, "AddNzcv"), 0, "{blk}");
    assert_eq!(count(&blk, "SetReg"), 2, "{blk}");
    assert_eq!(count(&blk, "GetReg"), 2, "{blk}");
    assert_eq!(count(&blk, "CondHolds"), 0, "{blk}");
    let Terminal::Branch { cond, .. } = blk.term else { panic!() };
    assert!(matches!(blk.insts[cond.0 as usize].op, Op::Cmp { cc: CmpCc::Eq, .. }), "{blk}");
}

#[test]
fn folds_constants() {
    let mut b = Builder::new(0);
    let a = b.konst(Ty::I32, 0xffff_fff0);
    let c = b.konst(Ty::I32, 0x20);
    let s = b.add(a, c); // wraps to 0x10
    b.set(Ty::I32, 0, s);
    let e = b.sext(a, Ty::I64);
    b.set(Ty::I64, 8, e);
    let n = b.un(UnOp::Clz, c);
    b.set(Ty::I32, 16, n);
    let lt = b.cmp(CmpCc::Slt, a, c);
    let sel = b.select(lt, a, c);
    b.set(Ty::I32, 24, sel);
    let z = b.konst(Ty::I8, 0);
    let fl = b.sub_nzcv(c, c, z); // 0x20 - 0x20 - 1: N, borrow
    b.set(Ty::I32, 32, fl);
    let mut blk = b.finish(Terminal::Branch { cond: lt, taken: 1, not_taken: 2 });
    fold(&mut blk);
    dce(&mut blk);
    check(&blk);
    assert_eq!(*stored(&blk, 0), Op::Const { ty: Ty::I32, imm: Imm::new(0x10) });
    assert_eq!(*stored(&blk, 8), Op::Const { ty: Ty::I64, imm: Imm::new(0xffff_ffff_ffff_fff0) });
    assert_eq!(*stored(&blk, 16), Op::Const { ty: Ty::I32, imm: Imm::new(26) });
    assert_eq!(*stored(&blk, 24), Op::Const { ty: Ty::I32, imm: Imm::new(0xffff_fff0) });
    assert_eq!(*stored(&blk, 32), Op::Const { ty: Ty::I32, imm: Imm::new(0x8000_0000) });
    assert_eq!(blk.term, Terminal::Jump { target: 1 });
    assert_eq!(blk.insts.len(), 10, "{blk}");
}

#[test]
fn identities() {
    let mut b = Builder::new(0);
    let x = b.get(Ty::I64, 0);
    let zero = b.konst(Ty::I64, 0);
    let ones = b.konst(Ty::I64, u64::MAX);
    let k64 = b.konst(Ty::I64, 64);
    let mut outs = vec![
        b.add(x, zero),
        b.or(zero, x),
        b.xor(x, zero),
        b.and(ones, x),
        b.shl(x, zero),
        b.lshr(x, k64), // shift amounts are modulo the width
        b.sub(x, zero),
    ];
    let e = b.zext(x, Ty::I64);
    outs.push(e);
    let c = b.cmp(CmpCc::Eq, x, zero);
    outs.push(b.select(c, x, x));
    for (i, &o) in outs.iter().enumerate() {
        b.set(Ty::I64, 8 * (i + 1), o);
    }
    let d = b.sub(x, x);
    b.set(Ty::I64, 200, d);
    let mut blk = b.finish(jump());
    optimize(&mut blk);
    check(&blk);
    for i in 0..outs.len() {
        assert_eq!(*stored(&blk, 8 * (i as u32 + 1)), Op::GetReg { ty: Ty::I64, off: 0 }, "{i}: {blk}");
    }
    assert_eq!(*stored(&blk, 200), Op::Const { ty: Ty::I64, imm: Imm::new(0) });
    assert_eq!(count(&blk, "Bin"), 0, "{blk}");
}

#[test]
fn merges_constant_adjustments() {
    // sub sp, sp, #16; add x0, sp, #8: x0 = sp - 8.
    let mut b = Builder::new(0);
    let sp = b.get(Ty::I64, 248);
    let k16 = b.konst(Ty::I64, 16);
    let s = b.sub(sp, k16);
    b.set(Ty::I64, 248, s);
    let sp2 = b.get(Ty::I64, 248);
    let k8 = b.konst(Ty::I64, 8);
    let a = b.add(sp2, k8);
    b.set(Ty::I64, 0, a);
    let mut blk = b.finish(jump());
    optimize(&mut blk);
    check(&blk);
    let Op::Bin { a: base, b: k, op: BinOp::Add, .. } = *stored(&blk, 0) else { panic!("{blk}") };
    assert_eq!(blk.insts[base.0 as usize].op, Op::GetReg { ty: Ty::I64, off: 248 });
    assert_eq!(blk.insts[k.0 as usize].op, Op::Const { ty: Ty::I64, imm: Imm::new((-8i64) as u64 as u128) });
}

#[test]
fn ext_chains() {
    let mut b = Builder::new(0);
    let w = b.get(Ty::I8, 0);
    let z = b.zext(w, Ty::I32);
    let zs = b.sext(z, Ty::I64); // zext then sext: a zext
    b.set(Ty::I64, 8, zs);
    let s = b.sext(w, Ty::I32);
    let ss = b.sext(s, Ty::I64); // sext then sext
    b.set(Ty::I64, 16, ss);
    let sz = b.zext(s, Ty::I64); // sext then zext: not one op
    b.set(Ty::I64, 24, sz);
    let t = b.zext(ss, Ty::I16); // truncation of an extension: a narrower extension
    b.set(Ty::I16, 32, t);
    let x = b.get(Ty::I64, 40);
    let t32 = b.zext(x, Ty::I32);
    let t8 = b.zext(t32, Ty::I8); // truncation of a truncation
    b.set(Ty::I8, 48, t8);
    let mut blk = b.finish(jump());
    optimize(&mut blk);
    check(&blk);
    let is_ext = |op: &Op, from, to, signed| matches!(*op, Op::Ext { from: f, to: t, signed: s, .. } if (f, t, s) == (from, to, signed));
    assert!(is_ext(stored(&blk, 8), Ty::I8, Ty::I64, false), "{blk}");
    assert!(is_ext(stored(&blk, 16), Ty::I8, Ty::I64, true), "{blk}");
    assert!(is_ext(stored(&blk, 24), Ty::I32, Ty::I64, false), "{blk}");
    assert!(is_ext(stored(&blk, 32), Ty::I8, Ty::I16, true), "{blk}");
    assert!(is_ext(stored(&blk, 48), Ty::I64, Ty::I8, false), "{blk}");
}

#[test]
fn logic_flag_conditions() {
    // ands w0, w1, w2 then every condition: each becomes a Cmp against 0 or a constant.
    let mut b = Builder::new(0);
    let x = b.get(Ty::I32, 8);
    let f = b.logic_nzcv(x);
    for cond in 0..16u8 {
        let c = b.cond_holds(f, cond);
        b.set(Ty::I8, 100 + cond as usize, c);
    }
    let mut blk = b.finish(jump());
    optimize(&mut blk);
    check(&blk);
    assert_eq!(count(&blk, "CondHolds"), 0, "{blk}");
    assert_eq!(count(&blk, "LogicNzcv"), 0, "{blk}");
}

#[test]
fn common_subexpressions() {
    // ldrb w0, [x7, #1]; add x7, x7, #1: one address computation.
    let mut b = Builder::new(0);
    let x7 = b.get(Ty::I64, 56);
    let one = b.konst(Ty::I64, 1);
    let a = b.add(x7, one);
    let l = b.load(Ty::I8, a, false);
    let l64 = b.zext(l, Ty::I64);
    b.set(Ty::I64, 0, l64);
    let x7b = b.get(Ty::I64, 56);
    let one_b = b.konst(Ty::I64, 1);
    let a2 = b.add(x7b, one_b);
    b.set(Ty::I64, 56, a2);
    // Commuted operands are the same subexpression.
    let y = b.get(Ty::I64, 8);
    let s1 = b.add(x7, y);
    let s2 = b.add(y, x7);
    let d = b.xor(s1, s2);
    b.set(Ty::I64, 16, d);
    let mut blk = b.finish(jump());
    optimize(&mut blk);
    check(&blk);
    assert_eq!(count(&blk, "Bin"), 1, "{blk}");
    assert_eq!(count(&blk, "Const"), 2, "{blk}");
    assert_eq!(*stored(&blk, 16), Op::Const { ty: Ty::I64, imm: Imm::new(0) });
}

#[test]
fn narrow_compares() {
    // ldrb w0, [x1]; cbnz w0: the byte is compared directly.
    let mut b = Builder::new(0);
    let x1 = b.get(Ty::I64, 8);
    let l = b.load(Ty::I8, x1, false);
    let w = b.zext(l, Ty::I32);
    let z = b.konst(Ty::I32, 0);
    let c = b.cmp(CmpCc::Ne, w, z);
    b.set(Ty::I8, 100, c);
    // Unsigned compare of two zero-extended halfwords.
    let h1 = b.get(Ty::I16, 16);
    let h2 = b.get(Ty::I16, 24);
    let (e1, e2) = (b.zext(h1, Ty::I64), b.zext(h2, Ty::I64));
    let c2 = b.cmp(CmpCc::Ult, e1, e2);
    b.set(Ty::I8, 101, c2);
    // Not narrowed: a constant that does not fit, a signed compare.
    let big = b.konst(Ty::I32, 0x100);
    let c3 = b.cmp(CmpCc::Ult, w, big);
    b.set(Ty::I8, 102, c3);
    let c4 = b.cmp(CmpCc::Slt, w, z);
    b.set(Ty::I8, 103, c4);
    let mut blk = b.finish(jump());
    optimize(&mut blk);
    check(&blk);
    assert!(matches!(*stored(&blk, 100), Op::Cmp { ty: Ty::I8, cc: CmpCc::Ne, .. }), "{blk}");
    assert!(matches!(*stored(&blk, 101), Op::Cmp { ty: Ty::I16, cc: CmpCc::Ult, .. }), "{blk}");
    assert!(matches!(*stored(&blk, 102), Op::Cmp { ty: Ty::I32, .. }), "{blk}");
    assert!(matches!(*stored(&blk, 103), Op::Cmp { ty: Ty::I32, .. }), "{blk}");
}

#[test]
fn vector_self_ops() {
    let mut b = Builder::new(0);
    let v = b.get(Ty::I128, 320);
    let m = b.vbin(VBinOp::Or, 1, v, v); // mov v1.16b, v0.16b
    b.set(Ty::I128, 336, m);
    let z = b.vbin(VBinOp::Xor, 1, v, v); // eor v2.16b, v0.16b, v0.16b
    b.set(Ty::I128, 352, z);
    let mut blk = b.finish(jump());
    optimize(&mut blk);
    check(&blk);
    assert_eq!(*stored(&blk, 336), Op::GetReg { ty: Ty::I128, off: 320 });
    assert_eq!(*stored(&blk, 352), Op::Const { ty: Ty::I128, imm: Imm::new(0) });
}

#[test]
fn half_of_extension() {
    // The halves of a zero- or sign-extended scalar, and a read of a vector's second lane
    // (not a half: stays a read).
    let mut b = Builder::new(0);
    let w = b.get(Ty::I32, 0);
    let z = b.zext(w, Ty::I128);
    let s = b.sext(w, Ty::I128);
    let (zl, zh, sl, sh) = (b.half(z, false), b.half(z, true), b.half(s, false), b.half(s, true));
    for (i, v) in [zl, zh, sl, sh].into_iter().enumerate() {
        b.set(Ty::I64, 8 + 8 * i, v);
    }
    b.set(Ty::I128, 64, s);
    let lane1 = b.get(Ty::I32, 68);
    b.set(Ty::I32, 96, lane1);
    let mut blk = b.finish(jump());
    optimize(&mut blk);
    check(&blk);
    let ext = |op: &Op| match *op {
        Op::Ext { from, to, signed, .. } => Some((from, to, signed)),
        _ => None,
    };
    assert_eq!(ext(stored(&blk, 8)), Some((Ty::I32, Ty::I64, false)), "{blk}");
    assert_eq!(*stored(&blk, 16), Op::Const { ty: Ty::I64, imm: Imm::new(0) }, "{blk}");
    assert_eq!(ext(stored(&blk, 24)), Some((Ty::I32, Ty::I64, true)), "{blk}");
    assert!(matches!(stored(&blk, 32), Op::Half { hi: true, .. }), "{blk}");
    assert_eq!(*stored(&blk, 96), Op::GetReg { ty: Ty::I32, off: 68 }, "{blk}");
}
