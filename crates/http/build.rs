//! Embeds the web front end only when it has been built: without `web/dist/index.html` the
//! binary still builds and serves a page that says how to build the front end.

fn main() {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/dist");
    println!("cargo:rustc-check-cfg=cfg(gridgov_web)");
    println!("cargo:rerun-if-changed={}", dist.display());
    println!("cargo:rerun-if-changed={}", dist.join("index.html").display());
    if dist.join("index.html").exists() {
        println!("cargo:rustc-cfg=gridgov_web");
    }
}
