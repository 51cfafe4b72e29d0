//! Text form of a block, for `-d op` and test failures.

use super::*;
use std::fmt;

impl fmt::Display for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "block {:#x} ({} insns, {} bytes):", self.pc, self.ninsns, self.guest_len)?;
        for (i, inst) in self.insts.iter().enumerate() {
            if let Op::InsnStart { pc, .. } = inst.op {
                writeln!(f, "  ---- {pc:#x}")?;
                continue;
            }
            let args: Vec<String> = inst.op.args().iter().map(|v| v.to_string()).collect();
            let imms = inst.op.fmt_imms();
            if inst.op.has_result() {
                write!(f, "  v{i}:{:?} = ", inst.ty())?;
            } else {
                write!(f, "  ")?;
            }
            writeln!(f, "{} {} [{}]", inst.op.name(), args.join(", "), imms)?;
        }
        writeln!(f, "  => {:?}", self.term)
    }
}
