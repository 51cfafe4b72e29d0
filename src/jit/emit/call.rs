//! Calls out of translated code: saving live values, the interpreter fallback for ops without
//! native code, and helper results.

use super::*;

impl Cg<'_> {
    // ------------------------------------------------------------------ calls

    /// Spill every caller-saved register (general and xmm) still needed after instruction `i`.
    pub(in crate::jit) fn save_live_for_call(&mut self, i: usize) -> Result<(), CompileError> {
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
    pub(super) fn store_arg(&mut self, k: usize, v: Val) {
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
    pub(in crate::jit) fn fallback(&mut self, i: usize, op: &Op, ty: Ty) -> Result<(), CompileError> {
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
    pub(in crate::jit) fn take_result(&mut self, i: usize, op: &Op, ty: Ty) -> Result<(), CompileError> {
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
    pub(in crate::jit) fn only_next_reads_xmm0(&self, i: usize) -> bool {
        self.al.last_use[i] == i as u32 + 1
            && matches!(
                self.b.insts.get(i + 1).map(|n| &n.op),
                Some(Op::SetReg { ty: Ty::I128, .. })
                    | Some(Op::Store { ty: Ty::I128, .. })
                    | Some(Op::VUn { op: VUnOp::ZeroHigh, .. })
            )
    }
}
