//! The optional AArch64 features ruser implements, as one table: each row names the feature as
//! /proc/cpuinfo does, its AT_HWCAP/AT_HWCAP2 bit, and the ID register field that Linux's
//! sanitised user view (MRS emulation) shows for it. A feature gets a row only once it is
//! implemented on both backends and tested.

/// A system register key: op0:op1:CRn:CRm:op2, i.e. MRS instruction bits 20..5.
pub const fn sr(op0: u32, op1: u32, crn: u32, crm: u32, op2: u32) -> u32 {
    (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2
}

pub const ID_AA64PFR0_EL1: u32 = sr(3, 0, 0, 4, 0);
pub const ID_AA64DFR0_EL1: u32 = sr(3, 0, 0, 5, 0);
pub const ID_AA64ISAR0_EL1: u32 = sr(3, 0, 0, 6, 0);
pub const ID_AA64ISAR1_EL1: u32 = sr(3, 0, 0, 6, 1);
pub const ID_AA64MMFR0_EL1: u32 = sr(3, 0, 0, 7, 0);

/// ID register values before any feature field is added: EL0/EL1 AArch64 only, FP and
/// AdvSIMD fields 0 (= implemented), DebugVer 8.0, and the MMFR0 granule fields as Linux hides
/// them. Registers in the ID space (CRm 2..7) not listed read as zero.
pub static ID_BASE: &[(u32, u64)] = &[
    (ID_AA64PFR0_EL1, 0x11),
    (ID_AA64DFR0_EL1, 0x6),
    (ID_AA64MMFR0_EL1, 0xff00_0000),
];

pub struct Feature {
    /// The name in /proc/cpuinfo's "Features" line.
    pub name: &'static str,
    /// Its AT_HWCAP bit (0 if it has none).
    pub hwcap: u64,
    /// Its AT_HWCAP2 bit (0 if it has none).
    pub hwcap2: u64,
    /// The ID register, field shift and field value that advertise it (`None` for features
    /// with no ID field, or whose field reads 0 when implemented).
    pub id: Option<(u32, u32, u64)>,
    /// Part of the Armv8.0-A baseline (kept by `-cpu cortex-a53`).
    pub baseline: bool,
}

// Linux arch/arm64/include/uapi/asm/hwcap.h
pub const HWCAP_FP: u64 = 1 << 0;
pub const HWCAP_ASIMD: u64 = 1 << 1;
pub const HWCAP_EVTSTRM: u64 = 1 << 2;
pub const HWCAP_AES: u64 = 1 << 3;
pub const HWCAP_PMULL: u64 = 1 << 4;
pub const HWCAP_SHA1: u64 = 1 << 5;
pub const HWCAP_SHA2: u64 = 1 << 6;
pub const HWCAP_CRC32: u64 = 1 << 7;
pub const HWCAP_ATOMICS: u64 = 1 << 8;
pub const HWCAP_CPUID: u64 = 1 << 11;
pub const HWCAP_LRCPC: u64 = 1 << 15;
pub const HWCAP_ASIMDDP: u64 = 1 << 20;

/// Every feature ruser implements, in /proc/cpuinfo order.
pub static FEATURES: &[Feature] = &[
    Feature { name: "fp", hwcap: HWCAP_FP, hwcap2: 0, id: None, baseline: true },
    Feature { name: "asimd", hwcap: HWCAP_ASIMD, hwcap2: 0, id: None, baseline: true },
    // ID_AA64ISAR0_EL1.AES (bits 7:4) = 2 means AES and PMULL (1Q); both rows carry it.
    Feature { name: "aes", hwcap: HWCAP_AES, hwcap2: 0, id: Some((ID_AA64ISAR0_EL1, 4, 2)), baseline: false },
    Feature { name: "pmull", hwcap: HWCAP_PMULL, hwcap2: 0, id: Some((ID_AA64ISAR0_EL1, 4, 2)), baseline: false },
    Feature { name: "sha1", hwcap: HWCAP_SHA1, hwcap2: 0, id: Some((ID_AA64ISAR0_EL1, 8, 1)), baseline: false },
    Feature { name: "sha2", hwcap: HWCAP_SHA2, hwcap2: 0, id: Some((ID_AA64ISAR0_EL1, 12, 1)), baseline: false },
    // CRC32 is optional in Armv8.0 but a Cortex-A53 has it.
    Feature { name: "crc32", hwcap: HWCAP_CRC32, hwcap2: 0, id: Some((ID_AA64ISAR0_EL1, 16, 1)), baseline: true },
    // LSE atomics (Armv8.1): ID_AA64ISAR0_EL1.Atomic = 2.
    Feature { name: "atomics", hwcap: HWCAP_ATOMICS, hwcap2: 0, id: Some((ID_AA64ISAR0_EL1, 20, 2)), baseline: false },
    Feature { name: "cpuid", hwcap: HWCAP_CPUID, hwcap2: 0, id: None, baseline: true },
    // LDAPR (Armv8.3 RCpc): ID_AA64ISAR1_EL1.LRCPC = 1 (no LDAPUR, which is RCPC2).
    Feature { name: "lrcpc", hwcap: HWCAP_LRCPC, hwcap2: 0, id: Some((ID_AA64ISAR1_EL1, 20, 1)), baseline: false },
    // SDOT/UDOT (Armv8.2 FEAT_DotProd): ID_AA64ISAR0_EL1.DP = 1.
    Feature { name: "asimddp", hwcap: HWCAP_ASIMDDP, hwcap2: 0, id: Some((ID_AA64ISAR0_EL1, 44, 1)), baseline: false },
];

static MODEL: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Sets the process's `-cpu` model (once, at start-up; later calls are ignored).
pub fn set_model(cpu: &str) {
    let _ = MODEL.set(cpu.to_string());
}

/// The process's `-cpu` model ("max" until `set_model`).
pub fn model() -> &'static str {
    MODEL.get().map_or("max", |s| s.as_str())
}

/// Whether the process's `-cpu` model has feature `name` (its instructions are undefined
/// otherwise, as on such a CPU).
pub fn enabled(name: &str) -> bool {
    for_cpu(model()).any(|f| f.name == name)
}

/// The features of a `-cpu` model: "max" (everything) or "cortex-a53" (the baseline).
pub fn for_cpu(cpu: &str) -> impl Iterator<Item = &'static Feature> + '_ {
    FEATURES.iter().filter(move |f| f.baseline || cpu != "cortex-a53")
}

/// AT_HWCAP and AT_HWCAP2 for a `-cpu` model.
pub fn hwcaps(cpu: &str) -> (u64, u64) {
    for_cpu(cpu).fold((0, 0), |(a, b), f| (a | f.hwcap, b | f.hwcap2))
}

/// The value MRS reads from ID register `key` (in the ID space), for a `-cpu` model.
pub fn id_reg(key: u32, cpu: &str) -> u64 {
    let base = ID_BASE.iter().find(|r| r.0 == key).map_or(0, |r| r.1);
    for_cpu(cpu).filter_map(|f| f.id).filter(|&(k, _, _)| k == key).fold(base, |v, (_, shift, val)| v | (val << shift))
}

/// The "Features" line of /proc/cpuinfo for a `-cpu` model.
pub fn cpuinfo_features(cpu: &str) -> String {
    for_cpu(cpu).map(|f| f.name).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baseline_hwcaps() {
        assert_eq!(hwcaps("max").0 & (HWCAP_FP | HWCAP_ASIMD | HWCAP_CPUID), HWCAP_FP | HWCAP_ASIMD | HWCAP_CPUID);
        assert_eq!(hwcaps("cortex-a53").0 & !(HWCAP_AES | HWCAP_PMULL | HWCAP_SHA1 | HWCAP_SHA2), HWCAP_FP | HWCAP_ASIMD | HWCAP_CRC32 | HWCAP_CPUID);
        assert_eq!(hwcaps("cortex-a53").1, 0);
        assert_eq!(id_reg(ID_AA64PFR0_EL1, "max"), 0x11);
    }

    #[test]
    fn crc32_atomics_lrcpc() {
        let max = hwcaps("max").0;
        assert_eq!(max & (HWCAP_CRC32 | HWCAP_ATOMICS | HWCAP_LRCPC), HWCAP_CRC32 | HWCAP_ATOMICS | HWCAP_LRCPC);
        assert_eq!(id_reg(ID_AA64ISAR0_EL1, "max") & 0xff_0000, 0x21_0000);
        assert_eq!(id_reg(ID_AA64ISAR0_EL1, "cortex-a53") & 0xff_0000, 0x01_0000);
        assert_eq!(id_reg(ID_AA64ISAR1_EL1, "max") & 0xf0_0000, 0x10_0000);
        assert_eq!(id_reg(ID_AA64ISAR1_EL1, "cortex-a53") & 0xf0_0000, 0);
        assert_eq!(hwcaps("cortex-a53").0 & (HWCAP_ATOMICS | HWCAP_LRCPC), 0);
        assert!(cpuinfo_features("max").contains("crc32 atomics"));
        assert!(cpuinfo_features("max").contains("lrcpc"));
    }

    #[test]
    fn crypto_features() {
        let crypto = HWCAP_AES | HWCAP_PMULL | HWCAP_SHA1 | HWCAP_SHA2;
        assert_eq!(hwcaps("max").0 & crypto, crypto);
        assert_eq!(hwcaps("cortex-a53").0 & crypto, 0);
        // AES = 2 (with PMULL), SHA1 = 1, SHA2 = 1 (SHA-256 only).
        assert_eq!(id_reg(ID_AA64ISAR0_EL1, "max") & 0xfff0, 0x1120);
        assert_eq!(id_reg(ID_AA64ISAR0_EL1, "cortex-a53") & 0xfff0, 0);
        assert!(cpuinfo_features("max").starts_with("fp asimd aes pmull sha1 sha2"));
    }
}
