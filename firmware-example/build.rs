//! Puts the part's memory layout (`layouts/default.x`, or `layouts/small-part.x` for the
//! `small-part` feature) where the linker finds it as memory.x, and rebuilds when it or an asset
//! changes. No memory.x lies in the package root: the linker would find that one first.
use std::{env, fs, path::PathBuf};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let layout = if env::var_os("CARGO_FEATURE_SMALL_PART").is_some() {
        "layouts/small-part.x"
    } else {
        "layouts/default.x"
    };
    fs::copy(layout, out.join("memory.x")).expect("the memory layouts are in layouts/");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=layouts");
    println!("cargo:rerun-if-changed=../data/default-ranker-int8.postcard");
    println!("cargo:rerun-if-changed=assets");
    println!("cargo:rerun-if-changed=../data/default-ranker.postcard");
}
