//! The syscalls of the guest tables that have no handler, each with the reason. They return
//! ENOSYS, are shown by `-strace` (raw arguments) and named under `-d unimp`.
//!
//! The tests below keep this list exact: every name of `syscall-tables/aarch64.tbl` must be
//! either bound to a handler or listed here (never both), and the README's table of
//! unimplemented syscalls must match this list row for row. Binding a handler for a listed
//! syscall therefore means deleting its name here and in the README.

/// Groups of (syscall names, reason), in the README's order.
pub static NOT_IMPLEMENTED: &[(&[&str], &str)] = &[
    (
        &["io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents", "io_pgetevents"],
        "Linux native AIO: the kernel maps its completion ring into the process and completes requests into guest buffers asynchronously; glibc's POSIX AIO uses threads instead, and libaio users fall back",
    ),
    (
        &["io_uring_setup", "io_uring_enter", "io_uring_register"],
        "io_uring: rings shared with the kernel, holding guest pointers that it processes asynchronously; callers fall back to plain system calls",
    ),
    (&["bpf"], "eBPF programs and maps are not emulated"),
    (&["perf_event_open"], "performance counters would count ruser's own execution, not the guest's"),
    (&["ptrace"], "tracing an emulated process needs the emulator's cooperation; not emulated"),
    (&["userfaultfd"], "faults on guest memory are ruser's own (translated code accesses it directly); not emulated"),
    (&["reboot", "kexec_load", "kexec_file_load"], "these act on the host machine; never passed through"),
    (&["init_module", "finit_module", "delete_module"], "host kernel modules; never passed through"),
    (&["quotactl", "quotactl_fd"], "disk quota administration is not emulated"),
    (&["add_key", "request_key", "keyctl"], "kernel key management is not emulated"),
    (&["map_shadow_stack"], "shadow stacks (arm64 GCS) are not emulated"),
    (&["lookup_dcookie"], "removed from Linux in 6.1 (ENOSYS there too)"),
    (&["nfsservctl"], "removed from Linux in 3.1 (ENOSYS there too)"),
];

/// Whether `name` is listed as not implemented.
pub fn is_listed(name: &str) -> bool {
    NOT_IMPLEMENTED.iter().any(|(names, _)| names.contains(&name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linux::convert::aarch64::ABI;
    use crate::linux::syscall::SysTable;

    #[test]
    fn every_aarch64_syscall_is_bound_or_listed() {
        let t = SysTable::build(&ABI);
        let mut missing = Vec::new();
        let mut both = Vec::new();
        for e in &t.entries {
            if e.name.is_empty() {
                continue;
            }
            match (e.handler.is_some(), is_listed(e.name)) {
                (false, false) => missing.push(e.name),
                (true, true) => both.push(e.name),
                _ => {}
            }
        }
        assert!(missing.is_empty(), "syscalls neither implemented nor listed in NOT_IMPLEMENTED (with a reason): {missing:?}");
        assert!(both.is_empty(), "syscalls implemented but still listed as not implemented (remove them from NOT_IMPLEMENTED and the README): {both:?}");
    }

    #[test]
    fn listed_names_are_syscalls_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for (names, reason) in NOT_IMPLEMENTED {
            assert!(!reason.is_empty());
            for n in *names {
                assert!(ABI.syscall_names.contains(n), "{n} is not an aarch64 syscall");
                assert!(seen.insert(*n), "{n} listed twice");
            }
        }
    }

    /// The README's table (section "System calls not implemented") has one row per group:
    /// `| `a`, `b` | reason |`.
    #[test]
    fn readme_lists_the_same_syscalls_and_reasons() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        let section = readme.split("### System calls not implemented").nth(1).expect("README section 'System calls not implemented'");
        let rows: Vec<(Vec<String>, String)> = section
            .lines()
            .skip_while(|l| !l.starts_with("| `"))
            .take_while(|l| l.starts_with("| `"))
            .map(|l| {
                let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
                let names = cells[0].split(", ").map(|n| n.trim_matches('`').to_string()).collect();
                (names, cells.get(1).copied().unwrap_or("").to_string())
            })
            .collect();
        let want: Vec<(Vec<String>, String)> = NOT_IMPLEMENTED.iter().map(|(n, r)| (n.iter().map(|s| s.to_string()).collect(), r.to_string())).collect();
        if rows != want {
            let mut table = String::new();
            for (names, reason) in NOT_IMPLEMENTED {
                let n: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                table.push_str(&format!("| {} | {reason} |\n", n.join(", ")));
            }
            panic!("README.md's table of unimplemented syscalls is out of date; it should read:\n{table}");
        }
    }
}
