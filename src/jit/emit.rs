//! IR block → x86-64 machine code.
//!
//! One pass over the straight-line block with the allocator in `regs`. This file holds the
//! code generator's state, operands, exits and terminals and the per-op dispatch; the ops
//! themselves are emitted by `emit/flags.rs` (NZCV and conditions), `emit/int.rs` (integer
//! ALU), `emit/mem.rs` (loads, stores, atomics), `emit_fp.rs`, `emit_vec*.rs` and
//! `emit_crypto.rs`. Ops without native code are calls to the interpreter's own semantics
//! through `runtime::jit_eval` (`emit/call.rs`), so both backends agree by construction.

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
    /// The end of the indirect-branch table, which is also the trampoline's indirect-miss
    /// exit (see `jit::Jit`): entries are u32 offsets from here, 0 when empty.
    pub table_end: usize,
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
    /// Ops executed through `jit_eval`; the code holds pointers into these boxes (which is
    /// why they are boxed: their addresses must not move).
    #[allow(clippy::vec_box)]
    pub fallback_ops: Vec<Box<Op>>,
    /// Where the dispatcher and chained jumps enter the code (after the indirect entry).
    pub entry_off: usize,
}

/// With inline lookups, every block starts with its guest pc (8 bytes) and its *indirect
/// entry*, where the inline lookup lands with the target pc in rax: the block checks that pc
/// is its own, or leaves through the indirect-miss exit. The table holds only code addresses,
/// so a lookup that races with another thread refilling the same slot lands on some block's
/// indirect entry (which rejects the wrong pc), never on a block for another pc.
pub const INDIRECT_ENTRY_OFF: usize = 8;
/// Length of the pc word and the indirect entry's check (`cmp rax, [rip-15]`, `jne miss`).
pub const INDIRECT_PROLOGUE_LEN: usize = 21;

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
    #[allow(clippy::vec_box)] // stable addresses, see `Compiled::fallback_ops`
    pub(super) fallback_ops: Vec<Box<Op>>,
    /// Out-of-line slow paths of native FP ops (emit_fp.rs), emitted after the block.
    pub(super) fp_stubs: Vec<super::emit_fp::FpStub>,
    /// Out-of-line slow paths of native vector FP ops (emit_vfp.rs).
    pub(super) vfp_stubs: Vec<super::emit_vfp::VfpStub>,
    /// Fusable flag sources, by NZCV value index.
    flag_src: Vec<Option<FlagSrc>>,
    /// Values an instruction reads beyond its own operands (fused flag sources, folded
    /// address operands), by instruction index.
    extra_at: Vec<ArgList>,
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

// The emitters by concern; they see this module's private items, and the macros above.
mod call;
mod flags;
mod int;
mod mem;

use flags::{arm_cond, cc_of, CondEval, FlagSrc, FusedCond};
use mem::{fold_addresses, AddrMode};

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

impl<'a> Cg<'a> {
    pub fn new(orig: &'a Block, env: Env, base_addr: usize) -> Cg<'a> {
        let block = alias_zero_extensions(orig);
        let b: &Block = &block;
        // One walk: operand use counts, and fusable flag sources (whose operands are then
        // made to live up to each use).
        let n = b.insts.len();
        let mut flag_src = Vec::with_capacity(n);
        let mut uses = vec![0u32; n];
        let konst = |v: Val| match b.insts[v.0 as usize].op {
            Op::Const { imm, .. } => Some(imm.get()),
            _ => None,
        };
        for inst in &b.insts {
            inst.op.for_each_arg(|a| uses[a.0 as usize] += 1);
            flag_src.push(match inst.op {
                Op::SubNzcv { a, b: bb, cin, ty } if konst(cin) == Some(1) && matches!(ty, Ty::I32 | Ty::I64) => {
                    Some(FlagSrc::Sub(a, bb, ty))
                }
                Op::AddNzcv { a, b: bb, cin, ty } if konst(cin) == Some(0) && matches!(ty, Ty::I32 | Ty::I64) => {
                    Some(FlagSrc::Add(a, bb, ty))
                }
                Op::LogicNzcv { a, ty } if matches!(ty, Ty::I32 | Ty::I64) => Some(FlagSrc::Logic(a, ty)),
                _ => None,
            });
        }
        match b.term {
            Terminal::Branch { cond, .. } => uses[cond.0 as usize] += 1,
            Terminal::Indirect { target, .. } => uses[target.0 as usize] += 1,
            _ => {}
        }
        let mut extra_at = vec![ArgList::new(); n];
        for (i, inst) in b.insts.iter().enumerate() {
            if let Op::CondHolds { nzcv, cond } = inst.op {
                if let Some(src) = flag_src[nzcv.0 as usize] {
                    if arm_cond(&src, cond).is_some() {
                        match src {
                            FlagSrc::Sub(x, y, _) | FlagSrc::Add(x, y, _) => {
                                extra_at[i].push(x);
                                extra_at[i].push(y);
                            }
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
        // Room for the block's code up front (about 10 bytes per IR instruction, plus stubs):
        // growing the buffer by doubling was a tenth of a compile.
        let mut a = Asm::new(base_addr);
        a.reserve_ops(n * 12 + 256);
        Cg {
            a,
            b: block,
            env,
            al,
            stubs: Vec::new(),
            pcmap: Vec::new(),
            fallback_ops: Vec::new(),
            fp_stubs: Vec::new(),
            vfp_stubs: Vec::new(),
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
        while !(self.off() + 2).is_multiple_of(4) {
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
        while !(self.off() + 1).is_multiple_of(4) {
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
        let entry_off = if self.env.inline_lookup { self.indirect_entry() } else { 0 };
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
        self.emit_vfp_stubs();
        let code = self.a.finalize().map_err(|e| CompileError::Asm(format!("{e:?}")))?;
        Ok(Compiled { code, pcmap: self.pcmap, fallback_ops: self.fallback_ops, entry_off })
    }

    /// The block's pc and its indirect entry (see `INDIRECT_ENTRY_OFF`); returns the offset
    /// of the normal entry.
    fn indirect_entry(&mut self) -> usize {
        debug_assert_eq!(self.off(), 0);
        self.a.extend(self.b.pc.to_le_bytes());
        // cmp rax, [rip - 15]: the pc word at offset 0, from the end of this 7-byte
        // instruction at offset 15.
        self.a.extend([0x48, 0x3b, 0x05]);
        self.a.extend((-15i32).to_le_bytes());
        // jne miss (rel32)
        let at = self.base_addr + self.off() + 6;
        let rel = self.env.table_end as i64 - at as i64;
        assert!(rel == rel as i32 as i64, "JIT: indirect-miss exit out of rel32 range");
        self.a.extend([0x0f, 0x85]);
        self.a.extend((rel as i32).to_le_bytes());
        assert_eq!(self.off(), INDIRECT_PROLOGUE_LEN);
        self.off()
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
                    // rcx = slot; rdx = the table's end (rip-relative: both are in the code
                    // region); the entry is an offset from there (0, the miss exit, when empty).
                    let mask = self.env.table_mask as i32;
                    let entries = -((self.env.table_mask as i32 + 1) * 4);
                    dynasm!(self.a ; .arch x64
                        ; mov ecx, eax
                        ; shr ecx, 2
                        ; and ecx, mask
                    );
                    let at = self.base_addr + self.off() + 7;
                    let rel = self.env.table_end as i64 - at as i64;
                    assert!(rel == rel as i32 as i64, "JIT: indirect table out of rel32 range");
                    // lea rdx, [rip + rel]
                    self.a.extend([0x48, 0x8d, 0x15]);
                    self.a.extend((rel as i32).to_le_bytes());
                    dynasm!(self.a ; .arch x64
                        ; mov ecx, DWORD [rdx + rcx * 4 + entries]
                        ; add rcx, rdx
                        ; jmp rcx
                    );
                    return Ok(());
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
        let ty = inst.ty();
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

    /// Native code for FP and vector ops (`emit_fp`, `emit_vec`); false when the op is left
    /// to the fallback.
    fn native_fp(&mut self, i: usize, op: &Op, ty: Ty) -> Result<bool, CompileError> {
        if self.emit_fp(i, op, ty)? || self.emit_vfp(i, op)? {
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