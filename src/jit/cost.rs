//! What compiling costs, stage by stage, on real code: a measurement (built only with the
//! `phase-times` feature, ruser's measuring build, so the test suite neither runs nor skips
//! it) that translates blocks of a shared library's text (Debian's arm64 libc from
//! `scripts/debian-sysroot.sh`), then times translation, the IR passes, `Cg::new`, code
//! generation and insertion over several rounds, in TSC cycles per block. A tool for work on
//! compile speed, steadier than whole runs (which also count the kernel, the interpreter and
//! the machine's mood); compare two builds by alternating runs and taking the minimum:
//!
//! ```sh
//! cargo test --release --features phase-times --lib compile_cost -- --nocapture
//! ```

use super::*;
use crate::guest::{CodeFetch, GuestArch, TranslateOpts};

struct Text<'a> {
    base: u64,
    bytes: &'a [u8],
}

impl CodeFetch for Text<'_> {
    fn fetch32(&self, addr: u64) -> Option<u32> {
        let off = addr.checked_sub(self.base)? as usize;
        let b = self.bytes.get(off..off + 4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

fn tsc() -> u64 {
    // SAFETY: RDTSC has no preconditions on x86-64.
    unsafe { core::arch::x86_64::_rdtsc() }
}

#[test]
fn compile_cost() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/build/debian-arm64/lib/aarch64-linux-gnu/libc.so.6");
    let Ok(file) = std::fs::read(path) else {
        panic!("{path} is missing: run scripts/debian-sysroot.sh first");
    };
    let elf = goblin::elf::Elf::parse(&file).expect("libc parses");
    let text = elf.section_headers.iter().find(|s| elf.shdr_strtab.get_at(s.sh_name) == Some(".text")).expect(".text");
    let code = &file[text.sh_offset as usize..(text.sh_offset + text.sh_size) as usize];
    let fetch = Text { base: text.sh_addr, bytes: code };
    let arch = &crate::guest::aarch64::AARCH64;
    let opts = TranslateOpts::default();
    // Block starts: each block's end starts the next, over the first 3000 blocks.
    let mut pcs = Vec::new();
    let mut pc = text.sh_addr;
    while pcs.len() < 3000 && pc < text.sh_addr + text.sh_size {
        let b = arch.translate(&fetch, pc, &opts);
        pcs.push(pc);
        pc += b.guest_len.max(4) as u64;
        b.recycle();
    }
    let jit = Jit::new(true, 0x1000_0000, arch.pc_offset(), crate::guest::exit_flag_offset(arch.state_size())).expect("map JIT code");
    let (mut t_tr, mut t_opt, mut t_new, mut t_cg, mut t_ins, mut n, mut ir, mut host) = (0u64, 0u64, 0u64, 0u64, 0u64, 0u64, 0usize, 0usize);
    let rounds: usize = std::env::var("COST_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(6);
    for round in 0..rounds {
        let mut g = jit.inner.lock().unwrap();
        jit.flush_locked(&mut g);
        for &pc in &pcs {
            let t0 = tsc();
            let mut b = arch.translate(&fetch, pc, &opts);
            let t1 = tsc();
            crate::ir::opt::optimize(&mut b);
            let t2 = tsc();
            let cg = Cg::new(&b, g.env, g.region.next_addr());
            let t3 = tsc();
            let len = cg.compile().map(|c| c.code.len()).unwrap_or(0);
            let t4 = tsc();
            let ninsts = b.insts.len();
            let _ = jit.insert(&mut g, b);
            let t5 = tsc();
            // The first round warms the caches and the allocator.
            if round > 0 {
                t_tr += t1 - t0;
                t_opt += t2 - t1;
                t_new += t3 - t2;
                t_cg += t4 - t3;
                t_ins += (t5 - t4).saturating_sub(t4 - t2);
                n += 1;
                ir += ninsts;
                host += len;
            }
        }
    }
    let per = |t: u64| t / n;
    eprintln!(
        "compile cost, cycles per block over {n} blocks ({:.1} IR insts after the passes, {:.0} code bytes): \
         translate {} | passes {} | Cg::new {} | compile {} | insert (beyond new + compile) {}",
        ir as f64 / n as f64,
        host as f64 / n as f64,
        per(t_tr),
        per(t_opt),
        per(t_new),
        per(t_cg),
        per(t_ins)
    );
}
