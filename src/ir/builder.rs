//! Convenience constructors for building a block.

use super::*;

thread_local! {
    /// The instruction buffer of the last recycled block, reused by the next builder: a block
    /// that is not kept (`Block::recycle`) hands its buffer on, and one that is kept is copied
    /// out at its exact size (`Block::compact`), so translating touches no fresh heap.
    static SCRATCH: std::cell::Cell<Vec<Inst>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Offer an instruction buffer to the next builder on this thread (the larger one is kept).
pub(super) fn recycle(mut insts: Vec<Inst>) {
    SCRATCH.with(|s| {
        let cur = s.take();
        if cur.capacity() < insts.capacity() {
            insts.clear();
            s.set(insts);
        } else {
            s.set(cur);
        }
    });
}

/// Builds one block. Every helper returns the new value.
pub struct Builder {
    pc: u64,
    insts: Vec<Inst>,
    ninsns: u32,
    guest_len: u32,
}

impl Builder {
    pub fn new(pc: u64) -> Builder {
        let mut insts = SCRATCH.with(|s| s.take());
        insts.clear();
        insts.reserve(64);
        Builder { pc, insts, ninsns: 0, guest_len: 0 }
    }

    /// Guest address of the block's first instruction.
    pub fn block_pc(&self) -> u64 {
        self.pc
    }

    /// Number of guest instructions started so far.
    pub fn ninsns(&self) -> u32 {
        self.ninsns
    }

    /// Number of IR instructions so far.
    pub fn len(&self) -> usize {
        self.insts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.insts.is_empty()
    }

    /// Append a raw op (its result type is `Op::result_ty`).
    pub fn push(&mut self, op: Op) -> Val {
        let v = Val(self.insts.len() as u32);
        self.insts.push(Inst::new(op));
        v
    }

    /// The type of an existing value.
    pub fn ty(&self, v: Val) -> Ty {
        self.insts[v.0 as usize].ty()
    }

    /// If `v` is a constant, its value.
    pub fn const_of(&self, v: Val) -> Option<u128> {
        match self.insts[v.0 as usize].op {
            Op::Const { imm, .. } => Some(imm.get()),
            _ => None,
        }
    }

    /// Start guest instruction at `pc` of `len` bytes.
    pub fn insn_start(&mut self, pc: u64, len: u8) {
        self.ninsns += 1;
        self.guest_len = (pc + len as u64 - self.pc) as u32;
        self.push(Op::InsnStart { pc, len });
    }

    /// Drop every instruction from index `n` on (used to abandon a half-translated guest
    /// instruction), also forgetting the guest instruction started there.
    pub fn truncate(&mut self, n: usize) {
        for inst in &self.insts[n..] {
            if matches!(inst.op, Op::InsnStart { .. }) {
                self.ninsns -= 1;
            }
        }
        self.insts.truncate(n);
        self.guest_len = self
            .insts
            .iter()
            .rev()
            .find_map(|i| match i.op {
                Op::InsnStart { pc, len } => Some((pc + len as u64 - self.pc) as u32),
                _ => None,
            })
            .unwrap_or(0);
    }

    /// The finished block. It owns the builder's buffer, with spare room: a caller that keeps
    /// it calls `Block::compact`, one that drops it `Block::recycle`.
    pub fn finish(mut self, term: Terminal) -> Block {
        let insts = std::mem::take(&mut self.insts);
        Block { pc: self.pc, guest_len: self.guest_len, ninsns: self.ninsns, insts, term }
    }

    // ---- constants and state ----
    pub fn konst(&mut self, ty: Ty, imm: u64) -> Val {
        self.push(Op::Const { ty, imm: Imm::new(imm as u128 & ty.mask()) })
    }
    pub fn konst128(&mut self, imm: u128) -> Val {
        self.push(Op::Const { ty: Ty::I128, imm: Imm::new(imm) })
    }
    pub fn get(&mut self, ty: Ty, off: usize) -> Val {
        self.push(Op::GetReg { ty, off: off as u32 })
    }
    pub fn set(&mut self, ty: Ty, off: usize, v: Val) {
        debug_assert_eq!(self.ty(v), ty, "SetReg type mismatch");
        self.push(Op::SetReg { v, ty, off: off as u32 });
    }

    // ---- integer ----
    pub fn bin(&mut self, op: BinOp, a: Val, b: Val) -> Val {
        let ty = self.ty(a);
        self.push(Op::Bin { a, b, op, ty })
    }
    pub fn un(&mut self, op: UnOp, a: Val) -> Val {
        let ty = self.ty(a);
        self.push(Op::Un { a, op, ty })
    }
    pub fn add(&mut self, a: Val, b: Val) -> Val {
        self.bin(BinOp::Add, a, b)
    }
    pub fn sub(&mut self, a: Val, b: Val) -> Val {
        self.bin(BinOp::Sub, a, b)
    }
    pub fn and(&mut self, a: Val, b: Val) -> Val {
        self.bin(BinOp::And, a, b)
    }
    pub fn or(&mut self, a: Val, b: Val) -> Val {
        self.bin(BinOp::Or, a, b)
    }
    pub fn xor(&mut self, a: Val, b: Val) -> Val {
        self.bin(BinOp::Xor, a, b)
    }
    pub fn shl(&mut self, a: Val, b: Val) -> Val {
        self.bin(BinOp::Shl, a, b)
    }
    pub fn lshr(&mut self, a: Val, b: Val) -> Val {
        self.bin(BinOp::Lshr, a, b)
    }
    pub fn ashr(&mut self, a: Val, b: Val) -> Val {
        self.bin(BinOp::Ashr, a, b)
    }
    pub fn not(&mut self, a: Val) -> Val {
        self.un(UnOp::Not, a)
    }
    /// `a + imm` at `a`'s width.
    pub fn add_imm(&mut self, a: Val, imm: u64) -> Val {
        if imm == 0 {
            return a;
        }
        let ty = self.ty(a);
        let k = self.konst(ty, imm);
        self.add(a, k)
    }
    /// Width change with zero extension (or truncation).
    pub fn zext(&mut self, a: Val, to: Ty) -> Val {
        let from = self.ty(a);
        if from == to {
            return a;
        }
        self.push(Op::Ext { a, from, to, signed: false })
    }
    /// Width change with sign extension (or truncation).
    pub fn sext(&mut self, a: Val, to: Ty) -> Val {
        let from = self.ty(a);
        if from == to {
            return a;
        }
        self.push(Op::Ext { a, from, to, signed: true })
    }
    /// Sign-extend the low `from` bits of `a` to `to`.
    pub fn sext_from(&mut self, a: Val, from: Ty, to: Ty) -> Val {
        let t = self.zext(a, from);
        self.sext(t, to)
    }
    pub fn cmp(&mut self, cc: CmpCc, a: Val, b: Val) -> Val {
        let ty = self.ty(a);
        self.push(Op::Cmp { a, b, cc, ty })
    }
    pub fn select(&mut self, c: Val, a: Val, b: Val) -> Val {
        let ty = self.ty(a);
        self.push(Op::Select { c, a, b, ty })
    }
    pub fn pair(&mut self, lo: Val, hi: Val) -> Val {
        self.push(Op::Pair { lo, hi })
    }
    pub fn half(&mut self, a: Val, hi: bool) -> Val {
        self.push(Op::Half { a, hi })
    }

    // ---- flags ----
    pub fn add_nzcv(&mut self, a: Val, b: Val, cin: Val) -> Val {
        let ty = self.ty(a);
        self.push(Op::AddNzcv { a, b, cin, ty })
    }
    pub fn sub_nzcv(&mut self, a: Val, b: Val, cin: Val) -> Val {
        let ty = self.ty(a);
        self.push(Op::SubNzcv { a, b, cin, ty })
    }
    pub fn logic_nzcv(&mut self, a: Val) -> Val {
        let ty = self.ty(a);
        self.push(Op::LogicNzcv { a, ty })
    }
    pub fn cond_holds(&mut self, nzcv: Val, cond: u8) -> Val {
        self.push(Op::CondHolds { nzcv, cond })
    }

    // ---- memory ----
    pub fn load(&mut self, ty: Ty, addr: Val, be: bool) -> Val {
        self.push(Op::Load { addr, ty, be })
    }
    pub fn store(&mut self, ty: Ty, addr: Val, v: Val, be: bool) {
        debug_assert_eq!(self.ty(v), ty, "Store type mismatch");
        self.push(Op::Store { addr, v, ty, be });
    }
    pub fn fence(&mut self, kind: FenceKind) {
        self.push(Op::Fence { kind });
    }

    // ---- fp ----
    pub fn fbin(&mut self, op: FBinOp, a: Val, b: Val) -> Val {
        let ty = self.ty(a);
        self.push(Op::FBin { a, b, op, ty })
    }
    pub fn fun(&mut self, op: FUnOp, a: Val) -> Val {
        let ty = self.ty(a);
        self.push(Op::FUn { a, op, ty })
    }

    // ---- vectors ----
    pub fn vbin(&mut self, op: VBinOp, esize: u8, a: Val, b: Val) -> Val {
        self.push(Op::VBin { a, b, op, esize })
    }
    pub fn vun(&mut self, op: VUnOp, esize: u8, a: Val) -> Val {
        self.push(Op::VUn { a, op, esize })
    }
    pub fn vimm(&mut self, op: VImmOp, esize: u8, a: Val, imm: u32) -> Val {
        self.push(Op::VImm { a, op, esize, imm })
    }

    /// Call a helper with up to three operands.
    pub fn helper(&mut self, id: &'static HelperFn, ty: Ty, args: &[Val]) -> Val {
        assert!(args.len() <= 3, "a helper takes at most three operands");
        let mut a = [Val(0); 3];
        if args.is_empty() {
            // Operands must name real values; make a dummy.
            a = [self.konst(Ty::I64, 0); 3];
        } else {
            for (i, x) in a.iter_mut().enumerate() {
                *x = args[i.min(args.len() - 1)];
            }
        }
        self.push(Op::Helper { a0: a[0], a1: a[1], a2: a[2], id: HelperId(id), ty })
    }
}
