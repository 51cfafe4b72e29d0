//! Disassembly through capstone, for `-d in_asm` and decoder checks.

use capstone::prelude::*;

fn aarch64_cs() -> Option<Capstone> {
    Capstone::new().arm64().mode(arch::arm64::ArchMode::Arm).build().ok()
}

/// Disassemble A64 code: one `0xADDR:  WORD  mnemonic operands` line per instruction.
pub fn disassemble_aarch64(code: &[u8], pc: u64) -> String {
    let mut out = String::new();
    let Some(cs) = aarch64_cs() else { return out };
    for (i, word) in code.chunks_exact(4).enumerate() {
        let addr = pc + 4 * i as u64;
        let w = u32::from_le_bytes([word[0], word[1], word[2], word[3]]);
        let text = match cs.disasm_count(word, addr, 1) {
            Ok(insns) if insns.len() == 1 => {
                let ins = insns.iter().next().unwrap();
                format!("{} {}", ins.mnemonic().unwrap_or(""), ins.op_str().unwrap_or(""))
            }
            _ => "(undefined)".to_string(),
        };
        out.push_str(&format!("0x{addr:016x}:  {w:08x}      {}\n", text.trim_end()));
    }
    out
}

/// Capstone's mnemonic for one A64 instruction word, or `None` if it does not decode it.
pub fn aarch64_mnemonic(word: u32) -> Option<(String, String)> {
    let cs = aarch64_cs()?;
    let bytes = word.to_le_bytes();
    let insns = cs.disasm_count(&bytes, 0x1000, 1).ok()?;
    let ins = insns.iter().next()?;
    Some((ins.mnemonic()?.to_string(), ins.op_str().unwrap_or("").to_string()))
}

/// Disassemble host x86-64 code, one `0xADDR:  mnemonic operands` line per instruction.
pub fn disassemble_x86_64(code: &[u8], addr: u64) -> String {
    let mut out = String::new();
    let Ok(cs) = Capstone::new().x86().mode(arch::x86::ArchMode::Mode64).build() else { return out };
    if let Ok(insns) = cs.disasm_all(code, addr) {
        for ins in insns.iter() {
            out.push_str(&format!(
                "0x{:016x}:  {} {}\n",
                ins.address(),
                ins.mnemonic().unwrap_or(""),
                ins.op_str().unwrap_or("")
            ));
        }
    }
    out
}
