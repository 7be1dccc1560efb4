// build.rs - links the C++ half; nothing here runs inside IIS.
fn main() {
    let out = std::env::var("OUT_DIR").unwrap();
    println!("cargo:rustc-link-search=native={out}");
    println!("cargo:rustc-link-lib=static=cache_native");
    let mut paths: Vec<String> = Vec::new();
    paths.push(out);
    drop(paths);
}
