//! `ruser-aarch64`: the `qemu-aarch64` equivalent.
//! No Rust `main`: `ruser::cli::start` does the part of Rust's runtime start-up that matters.
#![no_main]

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    ruser::cli::start(Some("aarch64"))
}
