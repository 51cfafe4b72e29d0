//! IR block → x86-64 machine code.
//!
//! One pass over the straight-line block with the allocator in `regs`. Integer, memory,
//! flag and control ops are emitted inline; the rest (floating point, vectors, helpers) are
//! calls to the interpreter's own semantics through `runtime::jit_eval`, so both backends
//! agree by construction wherever the JIT has no native code yet (see `native_fp` for the
//! FP ops emitted inline).

use super::regs::*;
use super::runtime::{self, ExitKind};
use crate::ir::*;
use dynasmrt::x64::X64Relocation;
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi, VecAssembler};

pub type Asm = VecAssembler<X64Relocation>;

/// Everything translated code may refer to, fixed for the life of the code region.
#[derive(Clone, Copy)]
pub struct Env {
    pub guest_base: usize,
    pub pc_off: i32,
    pub exit_flag_off: i32,
    /// The epilogue that returns to the dispatcher.
    pub exit_addr: usize,
    pub table_addr: usize,
    pub table_mask: u32,
    /// Inline indirect-branch lookups (off under `-d nochain` and crosscheck).
    pub inline_lookup: bool,
    pub bmi2: bool,
    pub lzcnt: bool,
    pub simd: super::emit_fp::HostSimd,
}

/// A block compiled for a given address.
pub struct Compiled {
    pub code: Vec<u8>,
    /// (host offset, guest pc) at each guest instruction start, ascending.
    pub pcmap: Vec<(u32, u64)>,
    /// Ops executed through `jit_eval`; the code holds pointers into these boxes.
    pub fallback_ops: Vec<Box<Op>>,
}

#[derive(Debug)]
pub enum CompileError {
    OutOfSlots,
    #[allow(dead_code)] // shown through Debug in the -d unimp log
    Asm(String),
}

impl From<OutOfSlots> for CompileError {
    fn from(_: OutOfSlots) -> Self {
        CompileError::OutOfSlots
    }
}

/// An operand as an instruction can take it.
#[derive(Clone, Copy, Debug)]
pub(super) enum Opnd {
    R(u8),
    /// Frame slot at rsp + off.
    M(i32),
    I(u64),
}

/// x86 condition codes (the low nibble of Jcc/SETcc).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cc {
    O = 0,
    No = 1,
    B = 2,
    Ae = 3,
    E = 4,
    Ne = 5,
    Be = 6,
    A = 7,
    S = 8,
    Ns = 9,
    L = 12,
    Ge = 13,
    Le = 14,
    G = 15,
}

/// How a fused Arm condition is decided from x86 flags.
#[derive(Clone, Copy, Debug)]
enum CondEval {
    X86(Cc),
    Always(bool),
}

/// Which flag-setting op defines an NZCV value, for fusing conditions with it.
#[derive(Clone, Copy, Debug)]
enum FlagSrc {
    /// `cmp a, b` (SubNzcv with carry-in 1).
    Sub(Val, Val, Ty),
    /// `a + b` (AddNzcv with carry-in 0).
    Add(Val, Val, Ty),
    /// `test a, a`.
    Logic(Val, Ty),
}

/// What sets the x86 flags for a branch fused with its condition.
#[derive(Clone, Copy, Debug)]
enum FusedCond {
    /// The flags of an Arm flag-setting op.
    Flags(FlagSrc),
    /// An IR integer comparison: `cmp a, b` at `ty` (signed narrow compares sign-extend).
    Cmp(Val, Val, Ty, bool),
}

/// `base + index * scale + disp`, folded into a memory access.
#[derive(Clone, Copy, Debug)]
struct AddrMode {
    base: Val,
    index: Option<(Val, u8)>,
    disp: i32,
}

/// Registers hold values zero-extended, so a zero-extension is a no-op: uses of its result
/// read its operand instead (and the extension itself becomes dead).
fn alias_zero_extensions(b: &Block) -> std::borrow::Cow<'_, Block> {
    let n = b.insts.len();
    let mut root: Vec<u32> = (0..n as u32).collect();
    let mut any = false;
    for (i, inst) in b.insts.iter().enumerate() {
        if let Op::Ext { a, from, to, signed: false } = inst.op {
            if from < to && to != Ty::I128 {
                root[i] = root[a.0 as usize];
                any = true;
            }
        }
    }
    if !any {
        return std::borrow::Cow::Borrowed(b);
    }
    let mut nb = b.clone();
    for inst in nb.insts.iter_mut() {
        inst.op.for_each_arg_mut(|v| *v = Val(root[v.0 as usize]));
    }
    match &mut nb.term {
        Terminal::Branch { cond, .. } => *cond = Val(root[cond.0 as usize]),
        Terminal::Indirect { target, .. } => *target = Val(root[target.0 as usize]),
        _ => {}
    }
    std::borrow::Cow::Owned(nb)
}

/// Find the addressing mode of each Load/Store whose address is an add used only there.
fn fold_addresses(b: &Block, uses: &[u32]) -> (Vec<Option<AddrMode>>, Vec<bool>) {
    let n = b.insts.len();
    let mut modes = vec![None; n];
    let mut folded = vec![false; n];
    let konst = |v: Val| match b.insts[v.0 as usize].op {
        Op::Const { imm, .. } => Some(imm.get() as u64),
        _ => None,
    };
    for (j, inst) in b.insts.iter().enumerate() {
        let addr = match inst.op {
            Op::Load { addr, .. } | Op::Store { addr, .. } => addr,
            _ => continue,
        };
        if uses[addr.0 as usize] != 1 {
            continue;
        }
        let Op::Bin { op: BinOp::Add, ty: Ty::I64, a, b: off } = b.insts[addr.0 as usize].op else { continue };
        if konst(a).is_some() {
            continue;
        }
        let mode = if let Some(d) = konst(off) {
            if !fits_i32(d) {
                continue;
            }
            AddrMode { base: a, index: None, disp: d as i64 as i32 }
        } else if let (Op::Bin { op: BinOp::Shl, ty: Ty::I64, a: y, b: k }, 1) =
            (&b.insts[off.0 as usize].op, uses[off.0 as usize])
        {
            match konst(*k) {
                Some(k @ 0..=3) if konst(*y).is_none() => {
                    folded[off.0 as usize] = true;
                    AddrMode { base: a, index: Some((*y, 1 << k)), disp: 0 }
                }
                _ => AddrMode { base: a, index: Some((off, 1)), disp: 0 },
            }
        } else {
            AddrMode { base: a, index: Some((off, 1)), disp: 0 }
        };
        folded[addr.0 as usize] = true;
        modes[j] = Some(mode);
    }
    (modes, folded)
}

fn arm_cond(src: &FlagSrc, cond: u8) -> Option<CondEval> {
    use CondEval::*;
    use Cc::*;
    let common = |c: u8| -> Option<CondEval> {
        Some(match c {
            0 => X86(E),
            1 => X86(Ne),
            4 => X86(S),
            5 => X86(Ns),
            6 => X86(O),
            7 => X86(No),
            10 => X86(Ge),
            11 => X86(L),
            12 => X86(G),
            13 => X86(Le),
            14 | 15 => Always(true),
            _ => return None,
        })
    };
    match src {
        FlagSrc::Sub(..) => match cond {
            2 => Some(X86(Ae)),
            3 => Some(X86(B)),
            8 => Some(X86(A)),
            9 => Some(X86(Be)),
            c => common(c),
        },
        FlagSrc::Add(..) => match cond {
            2 => Some(X86(B)),
            3 => Some(X86(Ae)),
            8 | 9 => None,
            c => common(c),
        },
        FlagSrc::Logic(..) => match cond {
            2 | 8 => Some(Always(false)),
            3 | 9 => Some(Always(true)),
            6 => Some(Always(false)),
            7 => Some(Always(true)),
            c => common(c),
        },
    }
}

enum Stub {
    /// A direct exit to `target`; its jump is the patchable site at `field` (code offset).
    Chain { label: DynamicLabel, target: u64, field: usize },
    /// The exit-request check at block entry failed.
    ExitRequest { label: DynamicLabel },
}

pub struct Cg<'a> {
    pub(super) a: Asm,
    pub(super) b: std::borrow::Cow<'a, Block>,
    pub(super) env: Env,
    pub(super) al: Alloc,
    stubs: Vec<Stub>,
    pcmap: Vec<(u32, u64)>,
    fallback_ops: Vec<Box<Op>>,
    /// Out-of-line slow paths of native FP ops (emit_fp.rs), emitted after the block.
    pub(super) fp_stubs: Vec<super::emit_fp::FpStub>,
    /// Fusable flag sources, by NZCV value index.
    flag_src: Vec<Option<FlagSrc>>,
    /// Values an instruction reads beyond its own operands (fused flag sources, folded
    /// address operands), by instruction index.
    extra_at: Vec<Vec<Val>>,
    /// Folded addressing mode of a Load/Store, by instruction index.
    addr_mode: Vec<Option<AddrMode>>,
    /// Instructions folded into a user (an address computation, a branch), emitted there.
    folded: Vec<bool>,
    /// The block's conditional branch decided directly from x86 flags.
    fused_branch: Option<(FusedCond, Cc)>,
    pub(super) cur_pc: u64,
    base_addr: usize,
}

macro_rules! alu {
    ($s:ident, $mn:ident, $d:expr, $o:expr, $w64:expr) => {{
        let d = $d;
        match ($o, $w64) {
            (Opnd::R(r), true) => dynasm!($s.a ; .arch x64 ; $mn Rq(d), Rq(r)),
            (Opnd::R(r), false) => dynasm!($s.a ; .arch x64 ; $mn Rd(d), Rd(r)),
            (Opnd::M(m), true) => dynasm!($s.a ; .arch x64 ; $mn Rq(d), QWORD [rsp + m]),
            (Opnd::M(m), false) => dynasm!($s.a ; .arch x64 ; $mn Rd(d), DWORD [rsp + m]),
            (Opnd::I(x), true) if fits_i32(x) => dynasm!($s.a ; .arch x64 ; $mn Rq(d), x as i32),
            (Opnd::I(x), false) => dynasm!($s.a ; .arch x64 ; $mn Rd(d), x as u32 as i32),
            (Opnd::I(x), true) => {
                dynasm!($s.a ; .arch x64 ; mov rcx, QWORD x as i64 ; $mn Rq(d), rcx)
            }
        }
    }};
}

macro_rules! shift {
    ($s:ident, $mn:ident, $d:expr, $amt:expr, $w64:expr) => {{
        let d = $d;
        match ($amt, $w64) {
            (Some(n), true) => dynasm!($s.a ; .arch x64 ; $mn Rq(d), n as i8),
            (Some(n), false) => dynasm!($s.a ; .arch x64 ; $mn Rd(d), n as i8),
            (None, true) => dynasm!($s.a ; .arch x64 ; $mn Rq(d), cl),
            (None, false) => dynasm!($s.a ; .arch x64 ; $mn Rd(d), cl),
        }
    }};
}

/// Append `jmp rel32` to absolute `target` to code assembled for `base_addr`.
pub fn jmp_abs(a: &mut Asm, base_addr: usize, target: usize) {
    let at = base_addr + a.offset().0 + 5;
    let rel = target as i64 - at as i64;
    assert!(rel == rel as i32 as i64, "JIT: jump target out of rel32 range");
    a.push(0xe9);
    a.extend((rel as i32).to_le_bytes());
}

pub fn fits_i32(x: u64) -> bool {
    x as i64 == x as i64 as i32 as i64
}

fn cc_of(cc: CmpCc) -> Cc {
    match cc {
        CmpCc::Eq => Cc::E,
        CmpCc::Ne => Cc::Ne,
        CmpCc::Ult => Cc::B,
        CmpCc::Ule => Cc::Be,
        CmpCc::Ugt => Cc::A,
        CmpCc::Uge => Cc::Ae,
        CmpCc::Slt => Cc::L,
        CmpCc::Sle => Cc::Le,
        CmpCc::Sgt => Cc::G,
        CmpCc::Sge => Cc::Ge,
    }
}

impl<'a> Cg<'a> {
    pub fn new(orig: &'a Block, env: Env, base_addr: usize) -> Cg<'a> {
        let block = alias_zero_extensions(orig);
        let b: &Block = &block;
        // Find fusable flag sources and make their operands live up to each use.
        let mut flag_src = vec![None; b.insts.len()];
        let konst = |v: Val| match b.insts[v.0 as usize].op {
            Op::Const { imm, .. } => Some(imm.get()),
            _ => None,
        };
        for (i, inst) in b.insts.iter().enumerate() {
            flag_src[i] = match inst.op {
                Op::SubNzcv { a, b: bb, cin, ty } if konst(cin) == Some(1) && matches!(ty, Ty::I32 | Ty::I64) => {
                    Some(FlagSrc::Sub(a, bb, ty))
                }
                Op::AddNzcv { a, b: bb, cin, ty } if konst(cin) == Some(0) && matches!(ty, Ty::I32 | Ty::I64) => {
                    Some(FlagSrc::Add(a, bb, ty))
                }
                Op::LogicNzcv { a, ty } if matches!(ty, Ty::I32 | Ty::I64) => Some(FlagSrc::Logic(a, ty)),
                _ => None,
            };
        }
        let n = b.insts.len();
        let mut uses = vec![0u32; n];
        for inst in &b.insts {
            for a in inst.op.args().iter() {
                uses[a.0 as usize] += 1;
            }
        }
        match b.term {
            Terminal::Branch { cond, .. } => uses[cond.0 as usize] += 1,
            Terminal::Indirect { target, .. } => uses[target.0 as usize] += 1,
            _ => {}
        }
        let mut extra_at: Vec<Vec<Val>> = vec![Vec::new(); n];
        for (i, inst) in b.insts.iter().enumerate() {
            if let Op::CondHolds { nzcv, cond } = inst.op {
                if let Some(src) = flag_src[nzcv.0 as usize] {
                    if arm_cond(&src, cond).is_some() {
                        match src {
                            FlagSrc::Sub(x, y, _) | FlagSrc::Add(x, y, _) => extra_at[i].extend([x, y]),
                            FlagSrc::Logic(x, _) => extra_at[i].push(x),
                        }
                    }
                }
            }
        }
        let (addr_mode, mut folded) = fold_addresses(b, &uses);
        // A conditional branch on a fusable condition used nowhere else becomes cmp + jcc.
        let mut fused_branch = None;
        let mut term_uses = Vec::new();
        if let Terminal::Branch { cond, .. } = b.term {
            if uses[cond.0 as usize] == 1 {
                match b.insts[cond.0 as usize].op {
                    Op::CondHolds { nzcv, cond: c } => {
                        if let Some(src) = flag_src[nzcv.0 as usize] {
                            if let Some(CondEval::X86(cc)) = arm_cond(&src, c) {
                                fused_branch = Some((FusedCond::Flags(src), cc));
                                folded[cond.0 as usize] = true;
                                match src {
                                    FlagSrc::Sub(x, y, _) | FlagSrc::Add(x, y, _) => term_uses.extend([x, y]),
                                    FlagSrc::Logic(x, _) => term_uses.push(x),
                                }
                            }
                        }
                    }
                    Op::Cmp { a, b: y, cc, ty } if ty != Ty::I128 => {
                        let signed = matches!(cc, CmpCc::Slt | CmpCc::Sle | CmpCc::Sgt | CmpCc::Sge);
                        fused_branch = Some((FusedCond::Cmp(a, y, ty, signed), cc_of(cc)));
                        folded[cond.0 as usize] = true;
                        term_uses.extend([a, y]);
                    }
                    _ => {}
                }
            }
        }
        for (j, m) in addr_mode.iter().enumerate() {
            if let Some(m) = m {
                extra_at[j].push(m.base);
                if let Some((x, _)) = m.index {
                    extra_at[j].push(x);
                }
            }
        }
        let mut extra: Vec<(u32, Val)> =
            extra_at.iter().enumerate().flat_map(|(i, vs)| vs.iter().map(move |&v| (i as u32, v))).collect();
        extra.extend(term_uses.iter().map(|&v| (n as u32, v)));
        let al = Alloc::new(b, &extra);
        let cur_pc = b.pc;
        Cg {
            a: Asm::new(base_addr),
            b: block,
            env,
            al,
            stubs: Vec::new(),
            pcmap: Vec::new(),
            fallback_ops: Vec::new(),
            fp_stubs: Vec::new(),
            flag_src,
            extra_at,
            addr_mode,
            folded,
            fused_branch,
            cur_pc,
            base_addr,
        }
    }

    fn off(&self) -> usize {
        self.a.offset().0
    }

    // ------------------------------------------------------------------ operands

    pub(super) fn opnd(&self, v: Val) -> Opnd {
        match self.al.loc[v.0 as usize] {
            Loc::Reg(r) => Opnd::R(r),
            Loc::Slot(s) => Opnd::M(s),
            Loc::Imm(x) => Opnd::I(x & self.b.ty_of(v).mask() as u64),
            Loc::None => panic!("JIT: value {v} used after its storage was released"),
            Loc::Xmm(_) | Loc::Transient => panic!("JIT: vector value {v} used as a scalar operand"),
        }
    }

    /// `mov d, o` (64-bit; values are held zero-extended).
    pub(super) fn mov_to(&mut self, d: u8, o: Opnd) {
        match o {
            Opnd::R(r) if r == d => {}
            Opnd::R(r) => dynasm!(self.a ; .arch x64 ; mov Rq(d), Rq(r)),
            Opnd::M(m) => dynasm!(self.a ; .arch x64 ; mov Rq(d), QWORD [rsp + m]),
            Opnd::I(0) => dynasm!(self.a ; .arch x64 ; xor Rd(d), Rd(d)),
            Opnd::I(x) if x <= u32::MAX as u64 => dynasm!(self.a ; .arch x64 ; mov Rd(d), x as u32 as i32),
            Opnd::I(x) if fits_i32(x) => dynasm!(self.a ; .arch x64 ; mov Rq(d), x as i32),
            Opnd::I(x) => dynasm!(self.a ; .arch x64 ; mov Rq(d), QWORD x as i64),
        }
    }

    /// The value in a register: its own, or `scratch` loaded with it.
    pub(super) fn in_reg(&mut self, v: Val, scratch: u8) -> u8 {
        match self.opnd(v) {
            Opnd::R(r) => r,
            o => {
                self.mov_to(scratch, o);
                scratch
            }
        }
    }

    pub(super) fn pin(&mut self, v: Val) {
        if let Loc::Reg(r) = self.al.loc[v.0 as usize] {
            self.al.pinned |= 1 << r;
        }
    }

    /// A register for the result of instruction `i`, spilling if needed.
    pub(super) fn def_reg(&mut self, i: usize) -> Result<u8, CompileError> {
        let r = match self.al.free_reg() {
            Some(r) => r,
            None => {
                let (r, v) = self.al.victim().expect("JIT: no register to spill");
                let s = self.al.slot()?;
                dynasm!(self.a ; .arch x64 ; mov QWORD [rsp + s], Rq(r));
                self.al.loc[v as usize] = Loc::Slot(s);
                self.al.release_reg(r);
                r
            }
        };
        self.al.assign_reg(i as u32, r);
        Ok(r)
    }

    /// The result register for a 2-address op `d = a OP ...`: `a`'s own register when `a`
    /// dies here and is not also the other operand; a fresh one otherwise.
    pub(super) fn def_from(&mut self, i: usize, a: Val, others: &[Val]) -> Result<u8, CompileError> {
        if let Loc::Reg(r) = self.al.loc[a.0 as usize] {
            if self.al.last_use[a.0 as usize] == i as u32 && !others.contains(&a) && self.al.owner(r) == Some(a.0) {
                self.al.loc[a.0 as usize] = Loc::None;
                self.al.assign_reg(i as u32, r);
                return Ok(r);
            }
        }
        let d = self.def_reg(i)?;
        let o = self.opnd(a);
        self.mov_to(d, o);
        Ok(d)
    }

    pub(super) fn def_slot(&mut self, i: usize) -> Result<i32, CompileError> {
        let s = self.al.slot()?;
        self.al.loc[i] = Loc::Slot(s);
        Ok(s)
    }

    /// Release operands whose last use is instruction `i`, and the result if unused.
    fn retire(&mut self, i: usize) {
        let args = self.b.insts[i].op.args();
        for a in args.iter() {
            if self.al.last_use[a.0 as usize] == i as u32 && self.al.loc[a.0 as usize] != Loc::None {
                self.al.kill(a.0);
            }
        }
        for k in 0..self.extra_at[i].len() {
            let v = self.extra_at[i][k];
            if self.al.last_use[v.0 as usize] == i as u32 && self.al.loc[v.0 as usize] != Loc::None {
                self.al.kill(v.0);
            }
        }
        if self.al.last_use[i] == i as u32 && self.al.loc[i] != Loc::None {
            self.al.kill(i as u32);
        }
        self.al.pinned = 0;
    }

    /// Zero-extend the low `ty` bits of `d` in place (for I8/I16 results).
    pub(super) fn mask(&mut self, d: u8, ty: Ty) {
        match ty {
            Ty::I8 => dynasm!(self.a ; .arch x64 ; movzx Rd(d), Rb(d)),
            Ty::I16 => dynasm!(self.a ; .arch x64 ; movzx Rd(d), Rw(d)),
            _ => {}
        }
    }

    pub(super) fn setcc(&mut self, cc: Cc, d: u8) {
        match cc {
            Cc::O => dynasm!(self.a ; .arch x64 ; seto Rb(d)),
            Cc::No => dynasm!(self.a ; .arch x64 ; setno Rb(d)),
            Cc::B => dynasm!(self.a ; .arch x64 ; setb Rb(d)),
            Cc::Ae => dynasm!(self.a ; .arch x64 ; setae Rb(d)),
            Cc::E => dynasm!(self.a ; .arch x64 ; sete Rb(d)),
            Cc::Ne => dynasm!(self.a ; .arch x64 ; setne Rb(d)),
            Cc::Be => dynasm!(self.a ; .arch x64 ; setbe Rb(d)),
            Cc::A => dynasm!(self.a ; .arch x64 ; seta Rb(d)),
            Cc::S => dynasm!(self.a ; .arch x64 ; sets Rb(d)),
            Cc::Ns => dynasm!(self.a ; .arch x64 ; setns Rb(d)),
            Cc::L => dynasm!(self.a ; .arch x64 ; setl Rb(d)),
            Cc::Ge => dynasm!(self.a ; .arch x64 ; setge Rb(d)),
            Cc::Le => dynasm!(self.a ; .arch x64 ; setle Rb(d)),
            Cc::G => dynasm!(self.a ; .arch x64 ; setg Rb(d)),
        }
    }

    /// A 6-byte `jcc rel32` whose field is 4-byte aligned (patchable); returns the field offset.
    fn jcc_site(&mut self, cc: Cc, l: DynamicLabel) -> usize {
        while (self.off() + 2) % 4 != 0 {
            dynasm!(self.a ; .arch x64 ; nop);
        }
        let start = self.off();
        match cc {
            Cc::O => dynasm!(self.a ; .arch x64 ; jo =>l),
            Cc::No => dynasm!(self.a ; .arch x64 ; jno =>l),
            Cc::B => dynasm!(self.a ; .arch x64 ; jb =>l),
            Cc::Ae => dynasm!(self.a ; .arch x64 ; jae =>l),
            Cc::E => dynasm!(self.a ; .arch x64 ; je =>l),
            Cc::Ne => dynasm!(self.a ; .arch x64 ; jne =>l),
            Cc::Be => dynasm!(self.a ; .arch x64 ; jbe =>l),
            Cc::A => dynasm!(self.a ; .arch x64 ; ja =>l),
            Cc::S => dynasm!(self.a ; .arch x64 ; js =>l),
            Cc::Ns => dynasm!(self.a ; .arch x64 ; jns =>l),
            Cc::L => dynasm!(self.a ; .arch x64 ; jl =>l),
            Cc::Ge => dynasm!(self.a ; .arch x64 ; jge =>l),
            Cc::Le => dynasm!(self.a ; .arch x64 ; jle =>l),
            Cc::G => dynasm!(self.a ; .arch x64 ; jg =>l),
        }
        assert_eq!(self.off() - start, 6, "jcc must use a rel32 field");
        start + 2
    }

    /// A 5-byte `jmp rel32` whose field is 4-byte aligned; returns the field offset.
    fn jmp_site(&mut self, l: DynamicLabel) -> usize {
        while (self.off() + 1) % 4 != 0 {
            dynasm!(self.a ; .arch x64 ; nop);
        }
        let start = self.off();
        dynasm!(self.a ; .arch x64 ; jmp =>l);
        assert_eq!(self.off() - start, 5, "jmp must use a rel32 field");
        start + 1
    }

    /// `jmp rel32` to an absolute host address.
    fn jmp_abs(&mut self, target: usize) {
        jmp_abs(&mut self.a, self.base_addr, target);
    }

    fn set_pc_imm(&mut self, pc: u64) {
        let off = self.env.pc_off;
        if fits_i32(pc) {
            dynasm!(self.a ; .arch x64 ; mov QWORD [rbp + off], pc as i32);
        } else {
            dynasm!(self.a ; .arch x64 ; mov rax, QWORD pc as i64 ; mov QWORD [rbp + off], rax);
        }
    }

    fn exit(&mut self, kind: ExitKind, aux: u64) {
        let k = kind as i32;
        let ex = self.env.exit_addr;
        dynasm!(self.a ; .arch x64 ; mov eax, k);
        if aux == 0 {
            dynasm!(self.a ; .arch x64 ; xor edx, edx);
        } else {
            dynasm!(self.a ; .arch x64 ; mov rdx, QWORD aux as i64);
        }
        self.jmp_abs(ex);
    }

    // ------------------------------------------------------------------ the block

    pub fn compile(mut self) -> Result<Compiled, CompileError> {
        // Entry: honour exit requests (signals, other threads) before running the block.
        let req = self.a.new_dynamic_label();
        let flag = self.env.exit_flag_off;
        dynasm!(self.a ; .arch x64 ; cmp BYTE [rbp + flag], 0 ; jne =>req);
        self.stubs.push(Stub::ExitRequest { label: req });

        for i in 0..self.b.insts.len() {
            self.inst(i)?;
            self.retire(i);
        }
        self.terminal()?;
        self.emit_stubs();
        self.emit_fp_stubs();
        let code = self.a.finalize().map_err(|e| CompileError::Asm(format!("{e:?}")))?;
        Ok(Compiled { code, pcmap: self.pcmap, fallback_ops: self.fallback_ops })
    }

    fn emit_stubs(&mut self) {
        let stubs = std::mem::take(&mut self.stubs);
        for s in stubs {
            match s {
                Stub::Chain { label, target, field } => {
                    dynasm!(self.a ; .arch x64 ; =>label);
                    self.set_pc_imm(target);
                    let field_addr = self.base_addr + field;
                    self.exit(ExitKind::Jump, field_addr as u64);
                }
                Stub::ExitRequest { label } => {
                    dynasm!(self.a ; .arch x64 ; =>label);
                    self.set_pc_imm(self.b.pc);
                    self.exit(ExitKind::ExitRequest, 0);
                }
            }
        }
    }

    fn chain_to(&mut self, target: u64, cc: Option<Cc>) {
        let l = self.a.new_dynamic_label();
        let field = match cc {
            Some(cc) => self.jcc_site(cc, l),
            None => self.jmp_site(l),
        };
        self.stubs.push(Stub::Chain { label: l, target, field });
    }

    fn terminal(&mut self) -> Result<(), CompileError> {
        match self.b.term.clone() {
            Terminal::Jump { target } => self.chain_to(target, None),
            Terminal::Branch { taken, not_taken, .. } if self.fused_branch.is_some() => {
                let (src, cc) = self.fused_branch.unwrap();
                match src {
                    FusedCond::Flags(f) => self.flags_of(f),
                    FusedCond::Cmp(a, b, ty, signed) => self.compare(a, b, ty, signed),
                }
                self.chain_to(taken, Some(cc));
                self.chain_to(not_taken, None);
            }
            Terminal::Branch { cond, taken, not_taken } => {
                match self.opnd(cond) {
                    Opnd::I(x) => {
                        self.chain_to(if x & 1 != 0 { taken } else { not_taken }, None);
                        return Ok(());
                    }
                    Opnd::R(r) => dynasm!(self.a ; .arch x64 ; test Rb(r), Rb(r)),
                    Opnd::M(m) => dynasm!(self.a ; .arch x64 ; cmp BYTE [rsp + m], 0),
                }
                self.chain_to(taken, Some(Cc::Ne));
                self.chain_to(not_taken, None);
            }
            Terminal::Indirect { target, .. } => {
                let o = self.opnd(target);
                self.mov_to(RAX, o);
                let pc_off = self.env.pc_off;
                dynasm!(self.a ; .arch x64 ; mov QWORD [rbp + pc_off], rax);
                if self.env.inline_lookup {
                    let miss = self.a.new_dynamic_label();
                    let mask = self.env.table_mask as i32;
                    let table = self.env.table_addr as i64;
                    dynasm!(self.a ; .arch x64
                        ; mov ecx, eax
                        ; shr ecx, 2
                        ; and ecx, mask
                        ; shl ecx, 4
                        ; mov rdx, QWORD table
                        ; not rax
                        ; cmp [rdx + rcx], rax
                        ; jne =>miss
                        ; jmp QWORD [rdx + rcx + 8]
                        ; =>miss
                    );
                }
                self.exit(ExitKind::Indirect, 0);
            }
            Terminal::Syscall { next_pc } => {
                self.set_pc_imm(next_pc);
                self.exit(ExitKind::Syscall, 0);
            }
            Terminal::Trap { trap, pc } => {
                self.set_pc_imm(pc);
                self.exit(ExitKind::Trap, runtime::encode_trap(trap));
            }
        }
        Ok(())
    }

    // ------------------------------------------------------------------ instructions

    fn inst(&mut self, i: usize) -> Result<(), CompileError> {
        let inst = &self.b.insts[i];
        let ty = inst.ty;
        let op = inst.op.clone();
        // Pure ops whose result nobody reads generate no code; folded ones are emitted by
        // their user.
        if self.folded[i] || (op.has_result() && self.al.last_use[i] == i as u32 && is_pure(&op)) {
            return Ok(());
        }
        match op {
            Op::Const { ty, imm } => {
                let imm = imm.get();
                if ty == Ty::I128 {
                    let s = self.def_slot(i)?;
                    self.mov_to(RAX, Opnd::I(imm as u64));
                    self.mov_to(RCX, Opnd::I((imm >> 64) as u64));
                    dynasm!(self.a ; .arch x64 ; mov [rsp + s], rax ; mov [rsp + s + 8], rcx);
                } else {
                    self.al.loc[i] = Loc::Imm(imm as u64);
                }
            }
            Op::InsnStart { pc, .. } => {
                self.cur_pc = pc;
                let o = self.off() as u32;
                self.pcmap.push((o, pc));
            }
            Op::GetReg { ty, off } => {
                let off = off as i32;
                if ty == Ty::I128 {
                    dynasm!(self.a ; .arch x64 ; movdqu xmm0, [rbp + off]);
                    self.vdef(i, 0)?;
                } else {
                    let d = self.def_reg(i)?;
                    match ty {
                        Ty::I8 => dynasm!(self.a ; .arch x64 ; movzx Rd(d), BYTE [rbp + off]),
                        Ty::I16 => dynasm!(self.a ; .arch x64 ; movzx Rd(d), WORD [rbp + off]),
                        Ty::I32 => dynasm!(self.a ; .arch x64 ; mov Rd(d), DWORD [rbp + off]),
                        _ => dynasm!(self.a ; .arch x64 ; mov Rq(d), QWORD [rbp + off]),
                    }
                }
            }
            Op::SetReg { v, ty, off } => {
                let off = off as i32;
                if ty == Ty::I128 {
                    let x = if self.prev_in_xmm0(i, v) { 0 } else { self.vsrc(v, 0) };
                    dynasm!(self.a ; .arch x64 ; movdqu [rbp + off], Rx(x));
                } else {
                    match (self.opnd(v), ty) {
                        (Opnd::I(x), Ty::I8) => dynasm!(self.a ; .arch x64 ; mov BYTE [rbp + off], x as i8),
                        (Opnd::I(x), Ty::I16) => dynasm!(self.a ; .arch x64 ; mov WORD [rbp + off], x as i16),
                        (Opnd::I(x), Ty::I32) => dynasm!(self.a ; .arch x64 ; mov DWORD [rbp + off], x as i32),
                        (Opnd::I(x), _) if fits_i32(x) => dynasm!(self.a ; .arch x64 ; mov QWORD [rbp + off], x as i32),
                        _ => {
                            let r = self.in_reg(v, RAX);
                            match ty {
                                Ty::I8 => dynasm!(self.a ; .arch x64 ; mov BYTE [rbp + off], Rb(r)),
                                Ty::I16 => dynasm!(self.a ; .arch x64 ; mov WORD [rbp + off], Rw(r)),
                                Ty::I32 => dynasm!(self.a ; .arch x64 ; mov DWORD [rbp + off], Rd(r)),
                                _ => dynasm!(self.a ; .arch x64 ; mov QWORD [rbp + off], Rq(r)),
                            }
                        }
                    }
                }
            }
            Op::Bin { a, b, op, ty } if ty != Ty::I128 => self.bin(i, op, ty, a, b)?,
            Op::Un { a, op, ty } if ty != Ty::I128 && self.native_un(op, ty) => self.un(i, op, ty, a)?,
            Op::Ext { a, from, to, signed } if from != Ty::I128 && to != Ty::I128 => self.ext(i, a, from, to, signed)?,
            Op::Cmp { a, b, cc, ty } if ty != Ty::I128 => {
                let signed = matches!(cc, CmpCc::Slt | CmpCc::Sle | CmpCc::Sgt | CmpCc::Sge);
                self.compare(a, b, ty, signed);
                let d = self.def_reg(i)?;
                self.setcc(cc_of(cc), d);
                dynasm!(self.a ; .arch x64 ; movzx Rd(d), Rb(d));
            }
            Op::Select { c, a, b, ty } if ty != Ty::I128 => {
                self.pin(c);
                self.pin(a);
                let d = self.def_from(i, b, &[a, c])?;
                // Operands first: loading a zero constant (xor) would clobber the flags.
                let ar = self.in_reg(a, RAX);
                let cr = self.in_reg(c, RCX);
                dynasm!(self.a ; .arch x64 ; test Rb(cr), Rb(cr) ; cmovne Rq(d), Rq(ar));
            }
            Op::Pair { lo, hi } => {
                let s = self.def_slot(i)?;
                let l = self.in_reg(lo, RAX);
                dynasm!(self.a ; .arch x64 ; mov [rsp + s], Rq(l));
                let h = self.in_reg(hi, RAX);
                dynasm!(self.a ; .arch x64 ; mov [rsp + s + 8], Rq(h));
            }
            Op::Half { a, hi } => {
                let s = self.vmem(a);
                let d = self.def_reg(i)?;
                let o = s + if hi { 8 } else { 0 };
                dynasm!(self.a ; .arch x64 ; mov Rq(d), [rsp + o]);
            }
            Op::SubNzcv { a, b, cin, ty } if matches!(ty, Ty::I32 | Ty::I64) && self.env.bmi2 => {
                self.arith_flags(a, b, Some(cin), ty, true);
                self.pack_nzcv(i, true)?;
            }
            Op::AddNzcv { a, b, cin, ty } if matches!(ty, Ty::I32 | Ty::I64) && self.env.bmi2 => {
                self.arith_flags(a, b, Some(cin), ty, false);
                self.pack_nzcv(i, false)?;
            }
            Op::LogicNzcv { a, ty } if matches!(ty, Ty::I32 | Ty::I64) && self.env.bmi2 => {
                let r = self.in_reg(a, RAX);
                if ty == Ty::I64 {
                    dynasm!(self.a ; .arch x64 ; test Rq(r), Rq(r));
                } else {
                    dynasm!(self.a ; .arch x64 ; test Rd(r), Rd(r));
                }
                self.pack_nzcv(i, false)?;
            }
            Op::CondHolds { nzcv, cond } => self.cond_holds(i, nzcv, cond)?,
            Op::Load { addr, ty, be } => self.load(i, addr, ty, be)?,
            Op::Store { addr, v, ty, be } => self.store(i, addr, v, ty, be),
            Op::CmpXchg { addr, expected, new, enable, ty, be: false } if ty != Ty::I128 => {
                self.cmpxchg(i, addr, expected, new, enable, ty)?
            }
            Op::CmpXchg { addr, expected, new, enable, ty: Ty::I128, be: false } => {
                self.cmpxchg128(i, addr, expected, new, enable)?
            }
            Op::AtomicRmw { addr, v, op, ty, be: false } if ty != Ty::I128 => self.atomic_rmw(i, addr, v, op, ty)?,
            Op::Fence { kind } => {
                if kind == FenceKind::Full {
                    dynasm!(self.a ; .arch x64 ; mfence);
                }
            }
            Op::Helper { .. } if self.emit_crypto(i, &op)? => {}
            _ => {
                if !self.native_fp(i, &op, ty)? {
                    self.fallback(i, &op, ty)?;
                }
            }
        }
        Ok(())
    }

    fn native_un(&self, op: UnOp, ty: Ty) -> bool {
        match op {
            UnOp::Not | UnOp::Neg | UnOp::Popcnt => true,
            UnOp::Bswap => ty != Ty::I8,
            UnOp::Clz | UnOp::Ctz => self.env.lzcnt && matches!(ty, Ty::I32 | Ty::I64),
            _ => false,
        }
    }

    /// Set x86 flags from `a - b` / `a + b` (with an optional Arm carry-in).
    fn arith_flags(&mut self, a: Val, b: Val, cin: Option<Val>, ty: Ty, sub: bool) {
        let w = ty == Ty::I64;
        let cin_const = cin.map(|c| self.opnd(c));
        let bo = match self.opnd(b) {
            Opnd::I(x) if w && !fits_i32(x) => {
                self.mov_to(RDX, Opnd::I(x));
                Opnd::R(RDX)
            }
            o => o,
        };
        let plain = match (sub, cin_const) {
            (true, Some(Opnd::I(1))) | (false, Some(Opnd::I(0))) | (_, None) => true,
            _ => false,
        };
        let ao = self.opnd(a);
        self.mov_to(RAX, ao);
        if plain {
            if sub {
                alu!(self, cmp, RAX, bo, w);
            } else {
                alu!(self, add, RAX, bo, w);
            }
            return;
        }
        // Carry-in from a value: x86 CF = cin for ADC, CF = !cin for SBB.
        let c = self.in_reg(cin.unwrap(), RCX);
        dynasm!(self.a ; .arch x64 ; cmp Rb(c), 1);
        // Now CF = (cin < 1) = !cin.
        if sub {
            alu!(self, sbb, RAX, bo, w);
        } else {
            dynasm!(self.a ; .arch x64 ; cmc);
            alu!(self, adc, RAX, bo, w);
        }
    }

    /// Pack the x86 flags of the last arithmetic into Arm NZCV (bits 31..28) as value `i`.
    /// `invert_c`: the op was a subtraction, whose Arm C is x86's !CF.
    fn pack_nzcv(&mut self, i: usize, invert_c: bool) -> Result<(), CompileError> {
        // lahf: AH = SF ZF - AF - PF - CF; seto al. pext with 0xC101 then gives N Z C V in bits 3..0.
        dynasm!(self.a ; .arch x64 ; lahf ; seto al ; mov ecx, 0xC101 ; pext eax, eax, ecx);
        if invert_c {
            dynasm!(self.a ; .arch x64 ; xor eax, 2);
        }
        let d = self.def_reg(i)?;
        dynasm!(self.a ; .arch x64 ; shl eax, 28 ; mov Rd(d), eax);
        Ok(())
    }

    /// Recompute the x86 flags of a fusable flag source.
    fn flags_of(&mut self, src: FlagSrc) {
        match src {
            FlagSrc::Sub(a, b, ty) => self.arith_flags(a, b, None, ty, true),
            FlagSrc::Add(a, b, ty) => self.arith_flags(a, b, None, ty, false),
            FlagSrc::Logic(a, ty) => {
                let r = self.in_reg(a, RAX);
                if ty == Ty::I64 {
                    dynasm!(self.a ; .arch x64 ; test Rq(r), Rq(r));
                } else {
                    dynasm!(self.a ; .arch x64 ; test Rd(r), Rd(r));
                }
            }
        }
    }

    fn cond_holds(&mut self, i: usize, nzcv: Val, cond: u8) -> Result<(), CompileError> {
        if let Some(src) = self.flag_src[nzcv.0 as usize] {
            if let Some(ev) = arm_cond(&src, cond) {
                match ev {
                    CondEval::Always(t) => {
                        self.al.loc[i] = Loc::Imm(t as u64);
                    }
                    CondEval::X86(cc) => {
                        self.flags_of(src);
                        let d = self.def_reg(i)?;
                        self.setcc(cc, d);
                        dynasm!(self.a ; .arch x64 ; movzx Rd(d), Rb(d));
                    }
                }
                return Ok(());
            }
        }
        // Generic: look the condition up in a 16x16 table by the NZCV nibble.
        let o = self.opnd(nzcv);
        self.mov_to(RAX, o);
        let table = runtime::cond_table_addr() as i64 + 16 * cond as i64;
        let d = self.def_reg(i)?;
        dynasm!(self.a ; .arch x64 ; shr eax, 28 ; mov rcx, QWORD table ; movzx Rd(d), BYTE [rcx + rax]);
        Ok(())
    }

    fn compare(&mut self, a: Val, b: Val, ty: Ty, signed: bool) {
        if signed && matches!(ty, Ty::I8 | Ty::I16) {
            let ao = self.opnd(a);
            self.mov_to(RAX, ao);
            let bo = self.opnd(b);
            self.mov_to(RCX, bo);
            if ty == Ty::I8 {
                dynasm!(self.a ; .arch x64 ; movsx eax, al ; movsx ecx, cl ; cmp eax, ecx);
            } else {
                dynasm!(self.a ; .arch x64 ; movsx eax, ax ; movsx ecx, cx ; cmp eax, ecx);
            }
            return;
        }
        let w = ty == Ty::I64;
        let ar = self.in_reg(a, RAX);
        let bo = self.opnd(b);
        alu!(self, cmp, ar, bo, w);
    }

    fn bin(&mut self, i: usize, op: BinOp, ty: Ty, a: Val, b: Val) -> Result<(), CompileError> {
        let w = ty == Ty::I64;
        match op {
            BinOp::Add | BinOp::Sub | BinOp::And | BinOp::Or | BinOp::Xor | BinOp::Mul | BinOp::AndNot => {
                self.pin(a);
                self.pin(b);
                let mut bo = self.opnd(b);
                if op == BinOp::AndNot {
                    self.mov_to(RCX, bo);
                    dynasm!(self.a ; .arch x64 ; not rcx);
                    bo = Opnd::R(RCX);
                }
                let d = self.def_from(i, a, &[b])?;
                match op {
                    BinOp::Add => alu!(self, add, d, bo, w),
                    BinOp::Sub => alu!(self, sub, d, bo, w),
                    BinOp::And | BinOp::AndNot => alu!(self, and, d, bo, w),
                    BinOp::Or => alu!(self, or, d, bo, w),
                    BinOp::Xor => alu!(self, xor, d, bo, w),
                    _ => {
                        let bo = match bo {
                            Opnd::I(x) => {
                                self.mov_to(RCX, Opnd::I(x));
                                Opnd::R(RCX)
                            }
                            o => o,
                        };
                        match (bo, w) {
                            (Opnd::R(r), true) => dynasm!(self.a ; .arch x64 ; imul Rq(d), Rq(r)),
                            (Opnd::R(r), false) => dynasm!(self.a ; .arch x64 ; imul Rd(d), Rd(r)),
                            (Opnd::M(m), true) => dynasm!(self.a ; .arch x64 ; imul Rq(d), QWORD [rsp + m]),
                            (Opnd::M(m), false) => dynasm!(self.a ; .arch x64 ; imul Rd(d), DWORD [rsp + m]),
                            (Opnd::I(_), _) => unreachable!("immediate multiplier was moved to a register"),
                        }
                    }
                }
                if matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::AndNot) {
                    self.mask(d, ty);
                }
            }
            BinOp::Shl | BinOp::Lshr | BinOp::Ashr | BinOp::Ror => {
                let bits = ty.bits() as u64;
                let amt = match self.opnd(b) {
                    Opnd::I(x) => Some((x % bits) as u8),
                    o => {
                        self.mov_to(RCX, o);
                        if bits < 32 {
                            dynasm!(self.a ; .arch x64 ; and ecx, (bits - 1) as i32);
                        }
                        None
                    }
                };
                self.pin(a);
                let d = self.def_from(i, a, &[])?;
                match (op, ty) {
                    (BinOp::Shl, _) => shift!(self, shl, d, amt, w),
                    (BinOp::Lshr, _) => shift!(self, shr, d, amt, w),
                    (BinOp::Ashr, Ty::I8) => {
                        dynasm!(self.a ; .arch x64 ; movsx Rd(d), Rb(d));
                        shift!(self, sar, d, amt, false)
                    }
                    (BinOp::Ashr, Ty::I16) => {
                        dynasm!(self.a ; .arch x64 ; movsx Rd(d), Rw(d));
                        shift!(self, sar, d, amt, false)
                    }
                    (BinOp::Ashr, _) => shift!(self, sar, d, amt, w),
                    (_, Ty::I8) => match amt {
                        Some(n) => dynasm!(self.a ; .arch x64 ; ror Rb(d), n as i8),
                        None => dynasm!(self.a ; .arch x64 ; ror Rb(d), cl),
                    },
                    (_, Ty::I16) => match amt {
                        Some(n) => dynasm!(self.a ; .arch x64 ; ror Rw(d), n as i8),
                        None => dynasm!(self.a ; .arch x64 ; ror Rw(d), cl),
                    },
                    _ => shift!(self, ror, d, amt, w),
                }
                self.mask(d, ty);
            }
            BinOp::MulHU | BinOp::MulHS => {
                let signed = op == BinOp::MulHS;
                if ty == Ty::I64 {
                    let ao = self.opnd(a);
                    self.mov_to(RAX, ao);
                    let br = self.in_reg(b, RCX);
                    if signed {
                        dynasm!(self.a ; .arch x64 ; imul Rq(br));
                    } else {
                        dynasm!(self.a ; .arch x64 ; mul Rq(br));
                    }
                    let d = self.def_reg(i)?;
                    dynasm!(self.a ; .arch x64 ; mov Rq(d), rdx);
                } else {
                    // Widen to 64 bits, multiply, take the high half of the narrow product.
                    let ao = self.opnd(a);
                    self.mov_to(RAX, ao);
                    let bo = self.opnd(b);
                    self.mov_to(RCX, bo);
                    if signed {
                        self.sext_in_place(RAX, ty);
                        self.sext_in_place(RCX, ty);
                    }
                    let sh = ty.bits() as i8;
                    let d = self.def_reg(i)?;
                    dynasm!(self.a ; .arch x64 ; imul rax, rcx ; sar rax, sh ; mov Rq(d), rax);
                    self.truncate(d, ty);
                }
            }
            BinOp::DivU | BinOp::DivS | BinOp::RemU | BinOp::RemS => self.div(i, op, ty, a, b)?,
            BinOp::Crc32(data) | BinOp::Crc32C(data) => self.crc32(i, matches!(op, BinOp::Crc32C(_)), data, a, b)?,
        }
        Ok(())
    }

    pub(super) fn sext_in_place(&mut self, r: u8, ty: Ty) {
        match ty {
            Ty::I8 => dynasm!(self.a ; .arch x64 ; movsx Rq(r), Rb(r)),
            Ty::I16 => dynasm!(self.a ; .arch x64 ; movsx Rq(r), Rw(r)),
            Ty::I32 => dynasm!(self.a ; .arch x64 ; movsxd Rq(r), Rd(r)),
            _ => {}
        }
    }

    /// Keep only the low `ty` bits of `r`.
    pub(super) fn truncate(&mut self, r: u8, ty: Ty) {
        match ty {
            Ty::I32 => dynasm!(self.a ; .arch x64 ; mov Rd(r), Rd(r)),
            _ => self.mask(r, ty),
        }
    }

    fn div(&mut self, i: usize, op: BinOp, ty: Ty, a: Val, b: Val) -> Result<(), CompileError> {
        let signed = matches!(op, BinOp::DivS | BinOp::RemS);
        let rem = matches!(op, BinOp::RemU | BinOp::RemS);
        let ao = self.opnd(a);
        self.mov_to(RAX, ao);
        let bo = self.opnd(b);
        self.mov_to(RCX, bo);
        let w = ty == Ty::I64;
        if signed && !w {
            self.sext_in_place(RAX, ty);
            self.sext_in_place(RCX, ty);
        }
        let d = self.def_reg(i)?;
        let zero = self.a.new_dynamic_label();
        let done = self.a.new_dynamic_label();
        let ovf = self.a.new_dynamic_label();
        dynasm!(self.a ; .arch x64 ; test rcx, rcx ; jz =>zero);
        if signed {
            // MIN / -1 overflows on x86; Arm gives MIN (quotient) and 0 (remainder).
            dynasm!(self.a ; .arch x64 ; cmp rcx, -1 ; je =>ovf ; cqo ; idiv rcx);
        } else {
            dynasm!(self.a ; .arch x64 ; xor edx, edx ; div rcx);
        }
        if rem {
            dynasm!(self.a ; .arch x64 ; mov Rq(d), rdx ; jmp =>done);
        } else {
            dynasm!(self.a ; .arch x64 ; mov Rq(d), rax ; jmp =>done);
        }
        if signed {
            dynasm!(self.a ; .arch x64 ; =>ovf);
            if rem {
                dynasm!(self.a ; .arch x64 ; xor Rd(d), Rd(d) ; jmp =>done);
            } else {
                dynasm!(self.a ; .arch x64 ; neg rax ; mov Rq(d), rax ; jmp =>done);
            }
        }
        dynasm!(self.a ; .arch x64 ; =>zero ; xor Rd(d), Rd(d) ; =>done);
        if !w {
            self.truncate(d, ty);
        }
        Ok(())
    }

    fn un(&mut self, i: usize, op: UnOp, ty: Ty, a: Val) -> Result<(), CompileError> {
        let w = ty == Ty::I64;
        self.pin(a);
        match op {
            UnOp::Not | UnOp::Neg | UnOp::Bswap => {
                let d = self.def_from(i, a, &[])?;
                match (op, w) {
                    (UnOp::Not, true) => dynasm!(self.a ; .arch x64 ; not Rq(d)),
                    (UnOp::Not, false) => dynasm!(self.a ; .arch x64 ; not Rd(d)),
                    (UnOp::Neg, true) => dynasm!(self.a ; .arch x64 ; neg Rq(d)),
                    (UnOp::Neg, false) => dynasm!(self.a ; .arch x64 ; neg Rd(d)),
                    (_, true) => dynasm!(self.a ; .arch x64 ; bswap Rq(d)),
                    (_, false) if ty == Ty::I16 => dynasm!(self.a ; .arch x64 ; rol Rw(d), 8),
                    (_, false) => dynasm!(self.a ; .arch x64 ; bswap Rd(d)),
                }
                self.mask(d, ty);
            }
            UnOp::Popcnt | UnOp::Clz | UnOp::Ctz => {
                let ar = self.in_reg(a, RAX);
                let d = self.def_reg(i)?;
                match (op, w) {
                    (UnOp::Popcnt, _) => dynasm!(self.a ; .arch x64 ; popcnt Rq(d), Rq(ar)),
                    (UnOp::Clz, true) => dynasm!(self.a ; .arch x64 ; lzcnt Rq(d), Rq(ar)),
                    (UnOp::Clz, false) => dynasm!(self.a ; .arch x64 ; lzcnt Rd(d), Rd(ar)),
                    (_, true) => dynasm!(self.a ; .arch x64 ; tzcnt Rq(d), Rq(ar)),
                    (_, false) => dynasm!(self.a ; .arch x64 ; tzcnt Rd(d), Rd(ar)),
                }
            }
            _ => unreachable!("non-native unary op"),
        }
        Ok(())
    }

    fn ext(&mut self, i: usize, a: Val, from: Ty, to: Ty, signed: bool) -> Result<(), CompileError> {
        self.pin(a);
        let d = self.def_from(i, a, &[])?;
        if signed && from < to {
            match (from, to) {
                (Ty::I8, Ty::I64) => dynasm!(self.a ; .arch x64 ; movsx Rq(d), Rb(d)),
                (Ty::I16, Ty::I64) => dynasm!(self.a ; .arch x64 ; movsx Rq(d), Rw(d)),
                (Ty::I32, Ty::I64) => dynasm!(self.a ; .arch x64 ; movsxd Rq(d), Rd(d)),
                (Ty::I8, _) => dynasm!(self.a ; .arch x64 ; movsx Rd(d), Rb(d)),
                (Ty::I16, _) => dynasm!(self.a ; .arch x64 ; movsx Rd(d), Rw(d)),
                _ => {}
            }
            self.truncate(d, to);
        } else if to < from {
            self.truncate(d, to);
        }
        Ok(())
    }

    // ------------------------------------------------------------------ memory

    /// The host address of the access made by instruction `i` to guest address `addr`, as a
    /// register and a displacement.
    fn host_addr(&mut self, i: usize, addr: Val) -> (u8, i32) {
        let Some(m) = self.addr_mode[i] else {
            let r = self.in_reg(addr, RDX);
            if self.env.guest_base == 0 {
                return (r, 0);
            }
            dynasm!(self.a ; .arch x64 ; lea rdx, [Rq(r) + r15]);
            return (RDX, 0);
        };
        let rb = self.in_reg(m.base, RDX);
        let disp = m.disp;
        match m.index {
            None if self.env.guest_base == 0 => (rb, disp),
            None => {
                dynasm!(self.a ; .arch x64 ; lea rdx, [Rq(rb) + r15 + disp]);
                (RDX, 0)
            }
            Some((x, scale)) => {
                let rx = self.in_reg(x, RCX);
                match scale {
                    1 => dynasm!(self.a ; .arch x64 ; lea rdx, [Rq(rb) + Rq(rx) + disp]),
                    2 => dynasm!(self.a ; .arch x64 ; lea rdx, [Rq(rb) + Rq(rx) * 2 + disp]),
                    4 => dynasm!(self.a ; .arch x64 ; lea rdx, [Rq(rb) + Rq(rx) * 4 + disp]),
                    _ => dynasm!(self.a ; .arch x64 ; lea rdx, [Rq(rb) + Rq(rx) * 8 + disp]),
                }
                if self.env.guest_base != 0 {
                    dynasm!(self.a ; .arch x64 ; add rdx, r15);
                }
                (RDX, 0)
            }
        }
    }

    fn pin_addr(&mut self, i: usize, addr: Val) {
        match self.addr_mode[i] {
            None => self.pin(addr),
            Some(m) => {
                self.pin(m.base);
                if let Some((x, _)) = m.index {
                    self.pin(x);
                }
            }
        }
    }

    fn load(&mut self, i: usize, addr: Val, ty: Ty, be: bool) -> Result<(), CompileError> {
        self.pin_addr(i, addr);
        let (p, o) = self.host_addr(i, addr);
        if ty == Ty::I128 {
            dynasm!(self.a ; .arch x64 ; movdqu xmm0, [Rq(p) + o]);
            if be {
                let m = runtime::bswap128_mask_addr() as i64;
                dynasm!(self.a ; .arch x64 ; mov rax, QWORD m ; pshufb xmm0, [rax]);
            }
            self.vdef(i, 0)?;
            return Ok(());
        }
        let d = self.def_reg(i)?;
        match ty {
            Ty::I8 => dynasm!(self.a ; .arch x64 ; movzx Rd(d), BYTE [Rq(p) + o]),
            Ty::I16 => dynasm!(self.a ; .arch x64 ; movzx Rd(d), WORD [Rq(p) + o]),
            Ty::I32 => dynasm!(self.a ; .arch x64 ; mov Rd(d), DWORD [Rq(p) + o]),
            _ => dynasm!(self.a ; .arch x64 ; mov Rq(d), QWORD [Rq(p) + o]),
        }
        if be {
            match ty {
                Ty::I16 => dynasm!(self.a ; .arch x64 ; rol Rw(d), 8 ; movzx Rd(d), Rw(d)),
                Ty::I32 => dynasm!(self.a ; .arch x64 ; bswap Rd(d)),
                Ty::I64 => dynasm!(self.a ; .arch x64 ; bswap Rq(d)),
                _ => {}
            }
        }
        Ok(())
    }

    fn store(&mut self, i: usize, addr: Val, v: Val, ty: Ty, be: bool) {
        let (p, o) = self.host_addr(i, addr);
        if ty == Ty::I128 {
            let mut x = if self.prev_in_xmm0(i, v) { 0 } else { self.vsrc(v, 0) };
            if be {
                if x != 0 {
                    dynasm!(self.a ; .arch x64 ; movdqa xmm0, Rx(x));
                    x = 0;
                }
                let m = runtime::bswap128_mask_addr() as i64;
                dynasm!(self.a ; .arch x64 ; mov rax, QWORD m ; pshufb xmm0, [rax]);
            }
            dynasm!(self.a ; .arch x64 ; movdqu [Rq(p) + o], Rx(x));
            return;
        }
        let vo = self.opnd(v);
        if !be {
            match (vo, ty) {
                (Opnd::I(x), Ty::I8) => return dynasm!(self.a ; .arch x64 ; mov BYTE [Rq(p) + o], x as i8),
                (Opnd::I(x), Ty::I16) => return dynasm!(self.a ; .arch x64 ; mov WORD [Rq(p) + o], x as i16),
                (Opnd::I(x), Ty::I32) => return dynasm!(self.a ; .arch x64 ; mov DWORD [Rq(p) + o], x as i32),
                (Opnd::I(x), Ty::I64) if fits_i32(x) => {
                    return dynasm!(self.a ; .arch x64 ; mov QWORD [Rq(p) + o], x as i32)
                }
                _ => {}
            }
        }
        let r = if be {
            self.mov_to(RAX, vo);
            match ty {
                Ty::I16 => dynasm!(self.a ; .arch x64 ; rol ax, 8),
                Ty::I32 => dynasm!(self.a ; .arch x64 ; bswap eax),
                Ty::I64 => dynasm!(self.a ; .arch x64 ; bswap rax),
                _ => {}
            }
            RAX
        } else {
            self.in_reg(v, RAX)
        };
        match ty {
            Ty::I8 => dynasm!(self.a ; .arch x64 ; mov BYTE [Rq(p) + o], Rb(r)),
            Ty::I16 => dynasm!(self.a ; .arch x64 ; mov WORD [Rq(p) + o], Rw(r)),
            Ty::I32 => dynasm!(self.a ; .arch x64 ; mov DWORD [Rq(p) + o], Rd(r)),
            _ => dynasm!(self.a ; .arch x64 ; mov QWORD [Rq(p) + o], Rq(r)),
        }
    }

    fn cmpxchg(&mut self, i: usize, addr: Val, expected: Val, new: Val, enable: Val, ty: Ty) -> Result<(), CompileError> {
        let d = self.def_reg(i)?;
        let skip = self.a.new_dynamic_label();
        let done = self.a.new_dynamic_label();
        let eo = self.opnd(expected);
        match self.opnd(enable) {
            Opnd::I(x) if x & 1 != 0 => {}
            Opnd::I(_) => {
                dynasm!(self.a ; .arch x64 ; jmp =>skip);
            }
            o => {
                self.mov_to(RCX, o);
                dynasm!(self.a ; .arch x64 ; test cl, cl ; jz =>skip);
            }
        }
        let (p, o) = self.host_addr(i, addr);
        self.mov_to(RAX, eo);
        let nr = self.in_reg(new, RCX);
        match ty {
            Ty::I8 => dynasm!(self.a ; .arch x64 ; lock cmpxchg BYTE [Rq(p) + o], Rb(nr) ; movzx Rd(d), al),
            Ty::I16 => dynasm!(self.a ; .arch x64 ; lock cmpxchg WORD [Rq(p) + o], Rw(nr) ; movzx Rd(d), ax),
            Ty::I32 => dynasm!(self.a ; .arch x64 ; lock cmpxchg DWORD [Rq(p) + o], Rd(nr) ; mov Rd(d), eax),
            _ => dynasm!(self.a ; .arch x64 ; lock cmpxchg QWORD [Rq(p) + o], Rq(nr) ; mov Rq(d), rax),
        }
        dynasm!(self.a ; .arch x64 ; jmp =>done ; =>skip);
        // Disabled: the result is !expected (masked), touching no memory.
        self.mov_to(d, eo);
        dynasm!(self.a ; .arch x64 ; not Rq(d));
        self.truncate(d, ty);
        dynasm!(self.a ; .arch x64 ; =>done);
        Ok(())
    }

    /// `lock cmpxchg16b`: rdx:rax = expected, rcx:rbx = new. rbx (allocatable) and rsi (the
    /// address) are saved in the argument area around it; I128 operands live in slots. A
    /// misaligned address (cmpxchg16b would fault) gets the interpreter's plain
    /// compare-and-store instead.
    fn cmpxchg128(&mut self, i: usize, addr: Val, expected: Val, new: Val, enable: Val) -> Result<(), CompileError> {
        let Opnd::M(exp_s) = self.opnd(expected) else { unreachable!("I128 outside a slot") };
        let Opnd::M(new_s) = self.opnd(new) else { unreachable!("I128 outside a slot") };
        let ao = self.opnd(addr);
        let eno = self.opnd(enable);
        let d = self.def_slot(i)?;
        let skip = self.a.new_dynamic_label();
        let done = self.a.new_dynamic_label();
        match eno {
            Opnd::I(x) if x & 1 != 0 => {}
            Opnd::I(_) => dynasm!(self.a ; .arch x64 ; jmp =>skip),
            o => {
                self.mov_to(RCX, o);
                dynasm!(self.a ; .arch x64 ; test cl, cl ; jz =>skip);
            }
        }
        let (sv_rbx, sv_rsi) = (ARGS_OFF + 32, ARGS_OFF + 40);
        dynasm!(self.a ; .arch x64 ; mov [rsp + sv_rbx], rbx ; mov [rsp + sv_rsi], rsi);
        // The address first: it may live in rbx.
        self.mov_to(6, ao);
        if self.env.guest_base != 0 {
            dynasm!(self.a ; .arch x64 ; add rsi, r15);
        }
        let unaligned = self.a.new_dynamic_label();
        let differ = self.a.new_dynamic_label();
        let fin = self.a.new_dynamic_label();
        dynasm!(self.a ; .arch x64
            ; mov rax, [rsp + exp_s]
            ; mov rdx, [rsp + exp_s + 8]
            ; mov rbx, [rsp + new_s]
            ; mov rcx, [rsp + new_s + 8]
            ; test sil, 15
            ; jnz =>unaligned
            ; lock cmpxchg16b [rsi]
            ; jmp =>fin
            ; =>unaligned
            ; cmp rax, [rsi]
            ; jne =>differ
            ; cmp rdx, [rsi + 8]
            ; jne =>differ
            ; mov [rsi], rbx
            ; mov [rsi + 8], rcx
            ; jmp =>fin
            ; =>differ
            ; mov rax, [rsi]
            ; mov rdx, [rsi + 8]
            ; =>fin
            ; mov [rsp + d], rax
            ; mov [rsp + d + 8], rdx
            ; mov rbx, [rsp + sv_rbx]
            ; mov rsi, [rsp + sv_rsi]
            ; jmp =>done
            ; =>skip
            // Disabled: the result is !expected, touching no memory.
            ; mov rax, [rsp + exp_s]
            ; mov rdx, [rsp + exp_s + 8]
            ; not rax
            ; not rdx
            ; mov [rsp + d], rax
            ; mov [rsp + d + 8], rdx
            ; =>done
        );
        Ok(())
    }

    /// An atomic read-modify-write: `xchg` and `lock xadd` for swap and add, a `lock cmpxchg`
    /// loop for the rest. The result (old value) is zero-extended.
    fn atomic_rmw(&mut self, i: usize, addr: Val, v: Val, op: RmwOp, ty: Ty) -> Result<(), CompileError> {
        self.pin(addr);
        self.pin(v);
        let d = self.def_reg(i)?;
        let vo = self.opnd(v);
        let (p, o) = self.host_addr(i, addr);
        self.mov_to(d, vo);
        macro_rules! sized {
            ($mn:ident, $mem:expr, $r:expr) => {
                match ty {
                    Ty::I8 => dynasm!(self.a ; .arch x64 ; $mn BYTE $mem, Rb($r)),
                    Ty::I16 => dynasm!(self.a ; .arch x64 ; $mn WORD $mem, Rw($r)),
                    Ty::I32 => dynasm!(self.a ; .arch x64 ; $mn DWORD $mem, Rd($r)),
                    _ => dynasm!(self.a ; .arch x64 ; $mn QWORD $mem, Rq($r)),
                }
            };
        }
        match op {
            RmwOp::Xchg => sized!(xchg, [Rq(p) + o], d),
            RmwOp::Add => match ty {
                Ty::I8 => dynasm!(self.a ; .arch x64 ; lock xadd BYTE [Rq(p) + o], Rb(d)),
                Ty::I16 => dynasm!(self.a ; .arch x64 ; lock xadd WORD [Rq(p) + o], Rw(d)),
                Ty::I32 => dynasm!(self.a ; .arch x64 ; lock xadd DWORD [Rq(p) + o], Rd(d)),
                _ => dynasm!(self.a ; .arch x64 ; lock xadd QWORD [Rq(p) + o], Rq(d)),
            },
            _ => {
                let signed = matches!(op, RmwOp::SMax | RmwOp::SMin);
                if signed {
                    // Compare narrow values sign-extended to 32 bits.
                    self.sext_in_place(d, ty);
                }
                // rax = the current value (zero-extended), rcx = the value to store.
                match ty {
                    Ty::I8 => dynasm!(self.a ; .arch x64 ; movzx eax, BYTE [Rq(p) + o]),
                    Ty::I16 => dynasm!(self.a ; .arch x64 ; movzx eax, WORD [Rq(p) + o]),
                    Ty::I32 => dynasm!(self.a ; .arch x64 ; mov eax, DWORD [Rq(p) + o]),
                    _ => dynasm!(self.a ; .arch x64 ; mov rax, QWORD [Rq(p) + o]),
                }
                let again = self.a.new_dynamic_label();
                dynasm!(self.a ; .arch x64 ; =>again);
                let w = ty == Ty::I64;
                if signed && matches!(ty, Ty::I8 | Ty::I16) {
                    if ty == Ty::I8 {
                        dynasm!(self.a ; .arch x64 ; movsx ecx, al);
                    } else {
                        dynasm!(self.a ; .arch x64 ; movsx ecx, ax);
                    }
                } else {
                    dynasm!(self.a ; .arch x64 ; mov rcx, rax);
                }
                match (op, w) {
                    (RmwOp::Clr, _) => dynasm!(self.a ; .arch x64 ; mov rcx, Rq(d) ; not rcx ; and rcx, rax),
                    (RmwOp::Xor, _) => dynasm!(self.a ; .arch x64 ; xor rcx, Rq(d)),
                    (RmwOp::Or, _) => dynasm!(self.a ; .arch x64 ; or rcx, Rq(d)),
                    (RmwOp::And, _) => dynasm!(self.a ; .arch x64 ; and rcx, Rq(d)),
                    // Max/min: take `v` when the current value loses.
                    (RmwOp::SMax, true) => dynasm!(self.a ; .arch x64 ; cmp rcx, Rq(d) ; cmovl rcx, Rq(d)),
                    (RmwOp::SMax, false) => dynasm!(self.a ; .arch x64 ; cmp ecx, Rd(d) ; cmovl ecx, Rd(d)),
                    (RmwOp::SMin, true) => dynasm!(self.a ; .arch x64 ; cmp rcx, Rq(d) ; cmovg rcx, Rq(d)),
                    (RmwOp::SMin, false) => dynasm!(self.a ; .arch x64 ; cmp ecx, Rd(d) ; cmovg ecx, Rd(d)),
                    (RmwOp::UMax, true) => dynasm!(self.a ; .arch x64 ; cmp rcx, Rq(d) ; cmovb rcx, Rq(d)),
                    (RmwOp::UMax, false) => dynasm!(self.a ; .arch x64 ; cmp ecx, Rd(d) ; cmovb ecx, Rd(d)),
                    (RmwOp::UMin, true) => dynasm!(self.a ; .arch x64 ; cmp rcx, Rq(d) ; cmova rcx, Rq(d)),
                    (RmwOp::UMin, false) => dynasm!(self.a ; .arch x64 ; cmp ecx, Rd(d) ; cmova ecx, Rd(d)),
                    (RmwOp::Xchg | RmwOp::Add, _) => unreachable!("handled above"),
                }
                match ty {
                    Ty::I8 => dynasm!(self.a ; .arch x64 ; lock cmpxchg BYTE [Rq(p) + o], cl),
                    Ty::I16 => dynasm!(self.a ; .arch x64 ; lock cmpxchg WORD [Rq(p) + o], cx),
                    Ty::I32 => dynasm!(self.a ; .arch x64 ; lock cmpxchg DWORD [Rq(p) + o], ecx),
                    _ => dynasm!(self.a ; .arch x64 ; lock cmpxchg QWORD [Rq(p) + o], rcx),
                }
                dynasm!(self.a ; .arch x64 ; jne =>again ; mov Rq(d), rax);
            }
        }
        self.truncate(d, ty);
        Ok(())
    }

    /// CRC32/CRC32C of `data`-wide `b` into accumulator `a`: SSE4.2 `crc32` for Castagnoli,
    /// else a byte-at-a-time table walk (the interpreter's table).
    fn crc32(&mut self, i: usize, castagnoli: bool, data: Ty, a: Val, b: Val) -> Result<(), CompileError> {
        self.pin(a);
        self.pin(b);
        let ao = self.opnd(a);
        self.mov_to(RAX, ao);
        dynasm!(self.a ; .arch x64 ; mov eax, eax);
        if castagnoli && self.env.simd.sse42 {
            let r = self.in_reg(b, RCX);
            match data {
                Ty::I8 => dynasm!(self.a ; .arch x64 ; crc32 eax, Rb(r)),
                Ty::I16 => dynasm!(self.a ; .arch x64 ; crc32 eax, Rw(r)),
                Ty::I32 => dynasm!(self.a ; .arch x64 ; crc32 eax, Rd(r)),
                _ => dynasm!(self.a ; .arch x64 ; crc32 rax, Rq(r)),
            }
        } else {
            // crc ^= data; then one table step per data byte: crc = T[crc & 0xff] ^ (crc >> 8).
            let bo = self.opnd(b);
            self.mov_to(RCX, bo);
            match data {
                Ty::I8 => dynasm!(self.a ; .arch x64 ; movzx ecx, cl),
                Ty::I16 => dynasm!(self.a ; .arch x64 ; movzx ecx, cx),
                Ty::I32 => dynasm!(self.a ; .arch x64 ; mov ecx, ecx),
                _ => {}
            }
            let table = crate::interp::scalar::CRC32_TABLES[castagnoli as usize].as_ptr() as i64;
            dynasm!(self.a ; .arch x64 ; xor rax, rcx ; mov rdx, QWORD table);
            for _ in 0..data.bytes().min(8) {
                dynasm!(self.a ; .arch x64
                    ; movzx ecx, al
                    ; shr rax, 8
                    ; mov ecx, DWORD [rdx + rcx * 4]
                    ; xor rax, rcx
                );
            }
        }
        let d = self.def_reg(i)?;
        dynasm!(self.a ; .arch x64 ; mov Rd(d), eax);
        Ok(())
    }

    // ------------------------------------------------------------------ calls

    /// Spill every caller-saved register (general and xmm) still needed after instruction `i`.
    pub(super) fn save_live_for_call(&mut self, i: usize) -> Result<(), CompileError> {
        for (r, v) in self.al.live_caller_saved(i as u32) {
            let s = self.al.slot()?;
            dynasm!(self.a ; .arch x64 ; mov QWORD [rsp + s], Rq(r));
            self.al.loc[v as usize] = Loc::Slot(s);
            self.al.release_reg(r);
        }
        for (r, v) in self.al.live_xmm(i as u32) {
            let s = self.al.slot()?;
            dynasm!(self.a ; .arch x64 ; movdqa [rsp + s], Rx(r));
            self.al.loc[v as usize] = Loc::Slot(s);
            self.al.release_xmm(r);
        }
        Ok(())
    }

    /// Copy operand `v` into argument slot `k` as a zero-extended u128.
    fn store_arg(&mut self, k: usize, v: Val) {
        let off = ARGS_OFF + 16 * k as i32;
        if self.b.ty_of(v) == Ty::I128 {
            let x = self.vsrc(v, 0);
            dynasm!(self.a ; .arch x64 ; movdqa [rsp + off], Rx(x));
            return;
        }
        let o = self.opnd(v);
        self.mov_to(RAX, o);
        dynasm!(self.a ; .arch x64 ; mov [rsp + off], rax ; mov QWORD [rsp + off + 8], 0);
    }

    /// Evaluate `op` with the interpreter's semantics through `runtime::jit_eval`.
    pub(super) fn fallback(&mut self, i: usize, op: &Op, ty: Ty) -> Result<(), CompileError> {
        // A guest memory access through the interpreter could fault inside Rust code called
        // from translated code, which has no way to report it: such a block stays on the
        // interpreter (no aarch64 memory op needs this).
        if matches!(op, Op::Load { .. } | Op::Store { .. } | Op::CmpXchg { .. } | Op::AtomicRmw { .. }) {
            return Err(CompileError::Asm("memory op without native code".into()));
        }
        let args = op.args();
        for (k, &v) in args.iter().enumerate() {
            self.store_arg(k, v);
        }
        // The op with its operands renumbered to the argument slots.
        let mut local = op.clone();
        let mut k = 0u32;
        local.for_each_arg_mut(|v| {
            *v = Val(k);
            k += 1;
        });
        let boxed = Box::new(local);
        let op_ptr = &*boxed as *const Op as i64;
        self.fallback_ops.push(boxed);
        self.save_live_for_call(i)?;
        let f = runtime::jit_eval as *const () as i64;
        let pc = self.cur_pc as i64;
        dynasm!(self.a ; .arch x64
            ; mov rdi, QWORD op_ptr
            ; lea rsi, [rsp + ARGS_OFF]
            ; mov rdx, rbp
            ; mov rcx, r15
            ; lea r8, [rsp + RESULT_OFF]
            ; mov r9, QWORD pc
            ; mov rax, QWORD f
            ; call rax
        );
        self.take_result(i, op, ty)
    }

    /// Move the helper result at RESULT_OFF into the value of instruction `i`.
    pub(super) fn take_result(&mut self, i: usize, op: &Op, ty: Ty) -> Result<(), CompileError> {
        if !op.has_result() {
            return Ok(());
        }
        if ty == Ty::I128 {
            dynasm!(self.a ; .arch x64 ; movdqa xmm0, [rsp + RESULT_OFF]);
            self.vdef(i, 0)?;
        } else {
            let d = self.def_reg(i)?;
            dynasm!(self.a ; .arch x64 ; mov Rq(d), [rsp + RESULT_OFF]);
        }
        Ok(())
    }

    /// Whether the I128 result of instruction `i` is read only by instruction `i + 1`, and
    /// that one takes it from xmm0 (`prev_in_xmm0`) without looking at its slot, so the slot
    /// need not be written.
    pub(super) fn only_next_reads_xmm0(&self, i: usize) -> bool {
        self.al.last_use[i] == i as u32 + 1
            && matches!(
                self.b.insts.get(i + 1).map(|n| &n.op),
                Some(Op::SetReg { ty: Ty::I128, .. })
                    | Some(Op::Store { ty: Ty::I128, .. })
                    | Some(Op::VUn { op: VUnOp::ZeroHigh, .. })
            )
    }

    /// Native code for FP and vector ops (`emit_fp`, `emit_vec`); false when the op is left
    /// to the fallback.
    fn native_fp(&mut self, i: usize, op: &Op, ty: Ty) -> Result<bool, CompileError> {
        if self.emit_fp(i, op, ty)? {
            return Ok(true);
        }
        self.emit_vec(i, op, ty)
    }
}

/// Ops without side effects (safe to drop when unused). Loads may fault, so they stay.
fn is_pure(op: &Op) -> bool {
    use crate::ir::opt::Effect;
    matches!(crate::ir::opt::effect(op), Effect::Pure | Effect::ReadState)
}
