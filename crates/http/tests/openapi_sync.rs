//! The committed `openapi.json` (which the web client is typed from) must equal what the code
//! generates. Regenerate with `cargo run -p gridgov-cli -- openapi > openapi.json`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[test]
fn committed_openapi_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi.json");
    let committed = std::fs::read_to_string(&path).unwrap();
    let generated = gridgov_http::openapi::json();
    assert!(
        committed == generated,
        "openapi.json is out of date: run `cargo run -p gridgov-cli -- openapi > openapi.json`"
    );
    let v: serde_json::Value = serde_json::from_str(&generated).unwrap();
    for p in [
        "/api/v1/regions",
        "/api/v1/grids",
        "/api/v1/grids/{code}",
        "/api/v1/locate",
        "/healthz",
        "/readyz",
    ] {
        assert!(v["paths"].get(p).is_some(), "{p} documented");
    }
}
