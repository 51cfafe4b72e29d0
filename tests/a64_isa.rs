//! Which A64 integer and load/store encodings ruser accepts, as a whole: every word that
//! capstone decodes as a base (non-FP/SIMD) integer or load/store instruction must be
//! accepted, except the families of features ruser does not advertise (those must raise
//! SIGILL, as on a CPU without them). PAC and BTI in the hint space are NOPs; the non-hint
//! PAC instructions are undefined.

use ruser::guest::aarch64::translate::translate_block;
use ruser::guest::{CodeFetch, TranslateOpts};
use ruser::ir::{Op, Terminal, Trap};

const PC: u64 = 0x10000;

struct One(u32);

impl CodeFetch for One {
    fn fetch32(&self, addr: u64) -> Option<u32> {
        (addr == PC).then_some(self.0)
    }
}

fn undefined(word: u32) -> bool {
    let b = translate_block(&One(word), PC, &TranslateOpts::default());
    matches!(b.term, Terminal::Trap { trap: Trap::Undefined { .. }, pc: PC })
}

/// Families of features ruser does not implement (so does not advertise): pointer
/// authentication outside the hint space (FEAT_PAuth), LDAPUR/STLUR (FEAT_LRCPC2), LDLAR/STLLR
/// (FEAT_LOR), RMIF/SETF/CFINV (FEAT_FlagM).
fn unadvertised(mn: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "pac", "aut", "xpacd", "xpaci", "braa", "brab", "blraa", "blrab", "retaa", "retab", "eretaa", "eretab",
        "ldraa", "ldrab", "ldapur", "stlur", "ldlar", "stllr", "rmif", "setf", "cfinv",
    ];
    PREFIXES.iter().any(|p| mn.starts_with(p))
}

#[test]
fn base_integer_encodings_are_all_decoded() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut missing: std::collections::BTreeMap<String, (u32, String)> = Default::default();
    let mut checked = 0;
    for _ in 0..400_000 {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let mut w = (seed >> 32) as u32;
        // Loads and stores of general registers only (bit 26 = 0), and no FP/SIMD data
        // processing (op0 = x111).
        w &= !(1 << 26);
        if (w >> 25) & 7 == 0b111 {
            continue;
        }
        let Some((mn, ops)) = ruser::disas::aarch64_mnemonic(w) else { continue };
        let vec_or_sve = ops.split([' ', '{', '[']).any(|o| {
            o.starts_with('v') || o.starts_with('z') || (o.starts_with('p') && o[1..].starts_with(|c: char| c.is_ascii_digit()))
        });
        if vec_or_sve {
            continue;
        }
        checked += 1;
        if undefined(w) != unadvertised(&mn) {
            missing.entry(mn).or_insert((w, ops));
        }
    }
    assert!(checked > 10_000, "only {checked} encodings checked");
    let report: Vec<String> = missing
        .iter()
        .map(|(mn, (w, ops))| {
            let what = if unadvertised(mn) { "accepted but not advertised" } else { "undefined" };
            format!("{w:08x} {mn} {ops}: {what}")
        })
        .collect();
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn pac_and_bti_hints_are_nops_other_pac_is_undefined() {
    // paciasp, autiasp, pacibsp, autibsp, paciaz, autiaz, pacia1716, autib1716, xpaclri,
    // bti, bti c, bti j, bti jc
    for w in [
        0xd503233f, 0xd50323bf, 0xd503237f, 0xd50323ff, 0xd503231f, 0xd503239f, 0xd503211f, 0xd50321df, 0xd50320ff,
        0xd503241f, 0xd503245f, 0xd503249f, 0xd50324df,
    ] {
        let b = translate_block(&One(w), PC, &TranslateOpts::default());
        assert!(!undefined(w), "{w:08x} must execute");
        // A NOP: nothing but the instruction marker.
        assert!(b.insts.iter().all(|i| matches!(i.op, Op::InsnStart { .. })), "{w:08x} is not a NOP:\n{b:?}");
    }
    // pacia x9, x6; autda x22, x1; xpaci x0; pacga x11, x15, x18; braa x1, x2; blraaz x3;
    // retaa; eretaa; ldraa x5, [x15, #-0xc10]; ldrab x1, [x2, #8]!
    for w in [
        0xdac100c9, 0xdac11836, 0xdac143e0, 0x9ad231eb, 0xd71f0822, 0xd63f087f, 0xd65f0bff, 0xd69f0bff, 0xf867e5e5,
        0xf8a01c41,
    ] {
        assert!(undefined(w), "{w:08x} must be undefined (PAC is not advertised)");
    }
}
