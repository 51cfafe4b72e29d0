//! `ruser`: runs a foreign Linux program, detecting the guest architecture from its ELF header.
//! No Rust `main`: `ruser::cli::start` does the part of Rust's runtime start-up that matters.
#![no_main]

#[unsafe(no_mangle)]
pub extern "C" fn main(argc: i32, argv: *const *const std::ffi::c_char) -> i32 {
    // SAFETY: the C runtime's argc and argv.
    unsafe { ruser::cli::start(None, argc, argv) }
}
