//! `ruser`: runs a foreign Linux program, detecting the guest architecture from its ELF header.
fn main() {
    ruser::cli::main(None)
}
