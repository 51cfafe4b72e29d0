//! The runner of the differential tester: feeds cases to the guest harness under qemu (the
//! oracle) and under ruser, parses the results and compares them.

use crate::common;
use crate::gen::{disasm, Case, Class, CODE, PROLOGUE_WORDS, SCRATCH, SCRATCH_SIZE};
use capstone::Capstone;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// Size of the register block the harness reads and writes (see harness.c).
pub const STATE_SIZE: usize = 784;
const RESULT_SIZE: usize = 8 + STATE_SIZE + SCRATCH_SIZE;
const MAGIC_IN: u32 = 0x5553_4952;
const MAGIC_OUT: u32 = 0x544c_5352;
/// A batch that faults more often than this gives up on its remaining cases.
const MAX_RESTARTS: usize = 200;

pub fn harness() -> PathBuf {
    common::repo_root().join("tests/risu/harness")
}

/// The guest state the harness reports.
#[derive(Clone, Debug, PartialEq)]
pub struct Regs {
    pub x: [u64; 31],
    pub nzcv: u64,
    pub fpcr: u64,
    pub fpsr: u64,
    pub v: [u128; 32],
}

#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Done(Box<(Regs, Vec<u8>)>),
    /// The case ended the process (the description says how).
    Fault(String),
}

pub fn encode(case: &Case, out: &mut Vec<u8>) {
    out.extend(MAGIC_IN.to_le_bytes());
    out.extend((case.code.len() as u32).to_le_bytes());
    for x in case.x {
        out.extend(x.to_le_bytes());
    }
    for r in [case.nzcv, case.fpcr, case.fpsr] {
        out.extend(r.to_le_bytes());
    }
    for v in case.v {
        out.extend(v.to_le_bytes());
    }
    out.extend(&case.mem);
    for w in &case.code {
        out.extend(w.to_le_bytes());
    }
}

fn u64_at(b: &[u8], off: usize) -> u64 {
    u64::from_le_bytes(b[off..off + 8].try_into().unwrap())
}

fn decode(rec: &[u8]) -> Option<(Regs, Vec<u8>)> {
    if u32::from_le_bytes(rec[0..4].try_into().unwrap()) != MAGIC_OUT {
        return None;
    }
    let s = &rec[8..8 + STATE_SIZE];
    let mut x = [0u64; 31];
    for (i, r) in x.iter_mut().enumerate() {
        *r = u64_at(s, 8 * i);
    }
    let mut v = [0u128; 32];
    for (i, r) in v.iter_mut().enumerate() {
        *r = u128::from_le_bytes(s[272 + 16 * i..288 + 16 * i].try_into().unwrap());
    }
    let regs = Regs { x, nzcv: u64_at(s, 248), fpcr: u64_at(s, 256), fpsr: u64_at(s, 264), v };
    Some((regs, rec[8 + STATE_SIZE..].to_vec()))
}

/// An emulator command line (the harness path is appended).
#[derive(Clone, Debug)]
pub struct Emu {
    pub label: String,
    pub argv: Vec<OsString>,
}

impl Emu {
    pub fn qemu(cpu: &str) -> Emu {
        Emu { label: "qemu".into(), argv: vec!["qemu-aarch64".into(), "-cpu".into(), cpu.into()] }
    }

    pub fn ruser(backend: &str) -> Emu {
        let mut argv: Vec<OsString> = vec![common::ruser_aarch64().into(), "--backend".into(), backend.into()];
        if backend == "jit" {
            // Compile every block at once: each case's code runs only once.
            argv.extend(["--jit-threshold".into(), "0".into()]);
        }
        Emu { label: format!("ruser {backend}"), argv }
    }

    fn command(&self) -> Command {
        let mut cmd = common::emu_command(std::path::Path::new(&self.argv[0]));
        cmd.args(&self.argv[1..]).arg(harness());
        // qemu dumps core on an uncaught signal: not here.
        unsafe {
            cmd.pre_exec(|| {
                let lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
                libc::setrlimit(libc::RLIMIT_CORE, &lim);
                Ok(())
            });
        }
        cmd
    }

    /// Run every case; a case that ends the process gets `Fault` and the harness restarts
    /// with the next one.
    pub fn run(&self, cases: &[Case]) -> Vec<Outcome> {
        let mut out = Vec::with_capacity(cases.len());
        let mut restarts = 0;
        while out.len() < cases.len() {
            let start = out.len();
            let mut input = Vec::new();
            for c in &cases[start..] {
                encode(c, &mut input);
            }
            let got = common::run_with_timeout(&mut self.command(), Some(&input), Duration::from_secs(120));
            for rec in got.stdout.chunks_exact(RESULT_SIZE) {
                match decode(rec) {
                    Some(r) => out.push(Outcome::Done(Box::new(r))),
                    None => panic!("{}: garbled result record after {} cases", self.label, out.len()),
                }
            }
            if out.len() > cases.len() {
                panic!("{}: more results than cases", self.label);
            }
            if out.len() == cases.len() {
                break;
            }
            if got.timed_out {
                panic!("{}: the harness timed out at case {}", self.label, out.len());
            }
            let why = match got.signal {
                Some(s) => format!("killed by signal {s}"),
                None => {
                    let tail: Vec<&str> = std::str::from_utf8(&got.stderr).unwrap_or("").lines().rev().take(3).collect();
                    format!("{} ({})", got.describe_status(), tail.into_iter().rev().collect::<Vec<_>>().join(" | "))
                }
            };
            out.push(Outcome::Fault(why));
            restarts += 1;
            if restarts > MAX_RESTARTS {
                while out.len() < cases.len() {
                    out.push(Outcome::Fault("not run (too many faults in this batch)".into()));
                }
            }
        }
        out
    }
}

// ---------------------------------------------------------------- comparison and reports

/// Differences between the oracle's outcome and another's, one line each (empty: equal).
pub fn differences(case: &Case, want: &Outcome, got: &Outcome, who: &str) -> Vec<String> {
    let mut d = Vec::new();
    match (want, got) {
        (Outcome::Done(w), Outcome::Done(g)) => {
            let (wr, wm) = (&w.0, &w.1);
            let (gr, gm) = (&g.0, &g.1);
            for i in 0..31 {
                if wr.x[i] != gr.x[i] {
                    d.push(format!("x{i}: qemu {:#018x}, {who} {:#018x} (initial {:#018x})", wr.x[i], gr.x[i], case.x[i]));
                }
            }
            if wr.nzcv != gr.nzcv {
                d.push(format!("nzcv: qemu {:#x}, {who} {:#x} (initial {:#x})", wr.nzcv >> 28, gr.nzcv >> 28, case.nzcv >> 28));
            }
            if wr.fpsr != gr.fpsr {
                d.push(format!("fpsr: qemu {:#x}, {who} {:#x} (initial {:#x})", wr.fpsr, gr.fpsr, case.fpsr));
            }
            if wr.fpcr != gr.fpcr {
                d.push(format!("fpcr: qemu {:#x}, {who} {:#x} (initial {:#x})", wr.fpcr, gr.fpcr, case.fpcr));
            }
            for i in 0..32 {
                if wr.v[i] != gr.v[i] {
                    d.push(format!("v{i}: qemu {:#034x}, {who} {:#034x} (initial {:#034x})", wr.v[i], gr.v[i], case.v[i]));
                }
            }
            for off in (0..SCRATCH_SIZE).step_by(8) {
                if wm[off..off + 8] != gm[off..off + 8] {
                    d.push(format!(
                        "mem {:#x}: qemu {:#018x}, {who} {:#018x} (initial {:#018x})",
                        SCRATCH + off as u64,
                        u64_at(wm, off),
                        u64_at(gm, off),
                        u64_at(&case.mem, off)
                    ));
                }
            }
        }
        (Outcome::Fault(a), Outcome::Fault(b)) if a == b => {}
        (a, b) => d.push(format!("qemu: {}; {who}: {}", describe(a), describe(b))),
    }
    d
}

fn describe(o: &Outcome) -> String {
    match o {
        Outcome::Done(_) => "ran to the end".into(),
        Outcome::Fault(s) => s.clone(),
    }
}

/// Capstone listing of a case's code, as placed on the code page.
pub fn listing(cs: &Capstone, case: &Case, mark_unit: Option<usize>) -> String {
    let mut s = String::new();
    let mut unit = 0;
    let mut next_unit_at = case.units.first().copied().unwrap_or(usize::MAX);
    for (i, &w) in case.code.iter().enumerate() {
        while i >= next_unit_at && unit + 1 < case.units.len() {
            unit += 1;
            next_unit_at += case.units[unit];
        }
        let pc = CODE + 4 * (PROLOGUE_WORDS + i as u64);
        let text = disasm(cs, w, pc).map(|(m, o)| format!("{m} {o}")).unwrap_or_else(|| "(undefined)".into());
        let mark = if mark_unit == Some(unit) && i + case.units[unit] == next_unit_at + case.main[unit] { " <== first divergence" } else { "" };
        let _ = writeln!(s, "    {pc:#x}: {w:08x}  {}{mark}", text.trim_end());
    }
    s
}

pub fn initial_state(case: &Case, class: Class) -> String {
    let mut s = String::new();
    for i in (0..31).step_by(4) {
        let regs: Vec<String> = (i..(i + 4).min(31)).map(|r| format!("x{r:<2}={:#018x}", case.x[r])).collect();
        let _ = writeln!(s, "    {}", regs.join(" "));
    }
    let _ = writeln!(s, "    nzcv={:#x} fpcr={:#x} fpsr={:#x}", case.nzcv >> 28, case.fpcr, case.fpsr);
    if matches!(class, Class::Fp | Class::Simd | Class::Ldst) {
        for i in (0..32).step_by(2) {
            let _ = writeln!(s, "    v{i:<2}={:#034x} v{:<2}={:#034x}", case.v[i], i + 1, case.v[i + 1]);
        }
    }
    s
}

/// The mnemonic and operands of unit `k`'s instruction under test.
pub fn unit_text(cs: &Capstone, case: &Case, k: usize) -> (String, String) {
    let i = case.unit_start(k) + case.main[k];
    let pc = CODE + 4 * (PROLOGUE_WORDS + i as u64);
    disasm(cs, case.code[i], pc).unwrap_or_else(|| ("(undefined)".into(), format!("{:08x}", case.code[i])))
}
