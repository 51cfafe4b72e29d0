// Generates syscall tables from syscall-tables/*.tbl (to be written).
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
}
