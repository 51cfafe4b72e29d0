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

/// SVE and SME are not advertised (no HWCAP_SVE/HWCAP2_SME, ID_AA64PFR0_EL1.SVE and
/// ID_AA64PFR1_EL1.SME read 0): every instruction of theirs raises SIGILL. SVE is the whole
/// op0 = 0010 space; SME is op0 = 0000 with bit 31 set; SMSTART/SMSTOP and the SVCR, SMCR
/// and ZCR system registers live in the system space.
#[test]
fn sve_and_sme_are_undefined() {
    let mut seed: u64 = 0x5eed_0f5e_e5ae_0001;
    let (mut sve, mut sme) = (0, 0);
    let mut accepted = Vec::new();
    for _ in 0..200_000 {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let r = (seed >> 32) as u32;
        if r & 1 == 0 {
            // The SVE space (bits 28:25 = 0010): what capstone decodes.
            let w = (r & !(0xf << 25)) | (0b0010 << 25);
            if ruser::disas::aarch64_mnemonic(w).is_none() {
                continue;
            }
            sve += 1;
            if !undefined(w) {
                accepted.push(format!("{w:08x} {:?}", ruser::disas::aarch64_mnemonic(w)));
            }
        } else {
            // The SME space (bit 31 set, bits 28:25 = 0000), which our capstone does not
            // know: every word there is SME or unallocated.
            let w = (r & !(0xf << 25)) | (1 << 31);
            sme += 1;
            if !undefined(w) {
                accepted.push(format!("{w:08x} (SME space)"));
            }
        }
    }
    assert!(sve > 20_000 && sme > 50_000, "only {sve} SVE and {sme} SME encodings checked");
    // rdvl x0, #1; addvl sp, sp, #-1; ptrue p0.b; ld1d {z0.d}, p0/z, [x0]; smstart; smstop;
    // zero {za}; rdsvl x0, #1; mrs x0, svcr; msr svcr, x0; mrs x0, zcr_el1.
    for w in [0x04bf5020, 0x04bf57ff, 0x2518e3e0, 0xa5e0a000, 0xd503477f, 0xd503467f, 0xc00800ff, 0x04bf5820, 0xd53b4240, 0xd51b4240, 0xd5381200] {
        if !undefined(w) {
            accepted.push(format!("{w:08x} {:?}", ruser::disas::aarch64_mnemonic(w)));
        }
    }
    assert!(accepted.is_empty(), "SVE/SME encodings that do not raise SIGILL:\n{}", accepted.join("\n"));
}
