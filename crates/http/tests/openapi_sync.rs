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

/// The indicator panel's documented counts and rates are exactly the fields the domain types
/// serialise (they are documented by hand, as the domain crate has no OpenAPI).
#[test]
fn indicator_schemas_match_the_domain_types() {
    let v: serde_json::Value = serde_json::from_str(&gridgov_http::openapi::json()).unwrap();
    let documented = |name: &str| -> Vec<String> {
        let props = v["components"]["schemas"][name]["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{name} documented"));
        props.keys().cloned().collect()
    };
    let serialised =
        |value: serde_json::Value| -> Vec<String> { value.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(
        documented("KpiCounts"),
        serialised(serde_json::to_value(gridgov_domain::kpi::KpiCounts::default()).unwrap())
    );
    assert_eq!(
        documented("Kpis"),
        serialised(serde_json::to_value(gridgov_domain::kpi::Kpis::default()).unwrap())
    );
}
