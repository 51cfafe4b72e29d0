//! `ruser-aarch64`: the `qemu-aarch64` equivalent.
fn main() {
    ruser::cli::main(Some("aarch64"))
}
