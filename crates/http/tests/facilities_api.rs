//! The registry's facilities over HTTP: placed in the grid their point lies in (GCJ-02 points
//! converted) or in the grid named, a code once in a district, found by kind, state, region and
//! a map's box, edited with a version, their history; field errors by code; roles and scope.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{TestApp, code, field_errors};
use gridgov_geo::LonLat;
use serde_json::{Value, json};

const GRID: &str = "370105001001001";
const SIBLING_GRID: &str = "370105001001002";
/// A grid in another street: outside the street, community and grid accounts' scope.
const OTHER_STREET_GRID: &str = "370105003001001";

fn lamp(lon: f64, lat: f64) -> Value {
    json!({"kind": "路灯", "lon": lon, "lat": lat, "owner_department": "城管局"})
}

async fn create(t: &TestApp, body: Value) -> Value {
    let (s, v) = t.post("/api/v1/facilities", body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

async fn total(t: &TestApp, query: &str) -> u64 {
    let (s, v) = t.get(&format!("/api/v1/facilities?{query}")).await;
    assert_eq!(s, StatusCode::OK, "{query}: {v}");
    v["total"].as_u64().unwrap()
}

#[tokio::test]
async fn facilities_are_placed_by_their_point_and_edited_with_their_version() {
    let t = TestApp::demo().await;
    t.login("community").await;
    let (lon, lat) = t.centre_of(GRID).await;
    let mut body = lamp(lon, lat);
    body["code"] = json!("ld-0001");
    let v = create(&t, body.clone()).await;
    let id = v["id"].as_i64().unwrap();
    assert_eq!(
        (
            &v["grid"],
            &v["community"],
            &v["street"],
            &v["state"],
            &v["code"],
            &v["kind"]
        ),
        (
            &json!(GRID),
            &json!("370105001001"),
            &json!("370105001000"),
            &json!("normal"),
            &json!("LD-0001"),
            &json!("street_lamp")
        )
    );
    let (s, v) = t.post("/api/v1/facilities", body).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "duplicate_facility_code"));
    // A point from Amap (GCJ-02) is stored in WGS84, and found in the same grid.
    let g = gridgov_geo::crs::wgs84_to_gcj02(LonLat::new(lon + 0.0001, lat));
    let v = create(
        &t,
        json!({"kind": "manhole_cover", "lon": g.lon, "lat": g.lat, "crs": "gcj02", "state": "损坏"}),
    )
    .await;
    assert!((v["lon"].as_f64().unwrap() - (lon + 0.0001)).abs() < 1e-5, "{v}");
    assert!((v["lat"].as_f64().unwrap() - lat).abs() < 1e-5, "{v}");
    assert_eq!((&v["grid"], &v["state"]), (&json!(GRID), &json!("damaged")));
    // A grid named on the form wins over the point (a lamp on the border).
    let mut body = lamp(lon, lat);
    body["grid"] = json!(SIBLING_GRID);
    let v = create(&t, body).await;
    assert_eq!(v["grid"], SIBLING_GRID);

    for (query, n) in [
        ("", 3),
        ("kind=street_lamp", 2),
        ("kind=井盖", 1),
        ("state=damaged", 1),
        ("state=normal&kind=street_lamp", 2),
        (&format!("region={GRID}") as &str, 2),
        (&format!("region={SIBLING_GRID}"), 1),
        (
            &format!(
                "bbox={},{},{},{}",
                lon - 0.00001,
                lat - 0.00001,
                lon + 0.00001,
                lat + 0.00001
            ),
            2,
        ),
        ("bbox=1,1,2,2", 0),
    ] {
        assert_eq!(total(&t, query).await, n, "{query}");
    }
    let (s, v) = t.get(&format!("/api/v1/facilities/{id}")).await;
    assert_eq!((s, &v["owner_department"]), (StatusCode::OK, &json!("城管局")));

    // The lamp breaks: an edit with the version read; a stale one is refused.
    let edit = json!({"kind": "street_lamp", "code": "LD-0001", "lon": lon, "lat": lat,
                      "state": "damaged", "note": "灯泡不亮", "owner_department": "城管局", "version": 1});
    let (s, v) = t.put(&format!("/api/v1/facilities/{id}"), edit.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((&v["state"], &v["version"]), (&json!("damaged"), &json!(2)));
    let (s, v) = t.put(&format!("/api/v1/facilities/{id}"), edit).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "stale_version"));
    assert_eq!(total(&t, "state=damaged").await, 2);
    let (s, v) = t.get(&format!("/api/v1/facilities/{id}/history")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v[0]["action"], "facility.update");
    assert_eq!(v[1]["action"], "facility.create");
    let mut fields: Vec<&str> = v[0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, ["note", "state"]);
    let actions = t.audit_actions("facility", id).await;
    assert_eq!(actions, ["facility.update", "facility.create"]);
}

#[tokio::test]
async fn bad_input_is_refused_field_by_field_and_nothing_is_written() {
    let t = TestApp::demo().await;
    t.login("community").await;
    let (lon, lat) = t.centre_of(GRID).await;
    for (body, want) in [
        (json!({}), vec!["kind:required", "lon:required", "lat:required"]),
        (
            json!({"kind": "tree", "lon": lon, "lat": lat, "state": "burnt", "code": "路灯1"}),
            vec![
                "kind:unknown_kind",
                "code:facility_code_characters",
                "state:unknown_state",
            ],
        ),
        (
            json!({"kind": "camera", "lon": 200.0, "lat": -91.0}),
            vec!["lon:invalid_coordinate", "lat:invalid_coordinate"],
        ),
        (json!({"kind": "camera", "lon": lon}), vec!["lat:required"]),
        (
            json!({"kind": "camera", "lon": lon, "lat": lat, "crs": "bd09"}),
            vec!["crs:invalid_crs"],
        ),
        (
            json!({"kind": "camera", "lon": lon, "lat": lat, "grid": "370105001001",
                   "owner_department": "x".repeat(101), "note": "x".repeat(501)}),
            vec!["grid:not_a_grid", "owner_department:too_long", "note:too_long"],
        ),
        (
            json!({"kind": "camera", "lon": 100.0, "lat": 20.0}),
            vec!["lon,lat:outside_district"],
        ),
        (
            json!({"kind": "camera", "lon": lon, "lat": lat, "code": "C".repeat(33)}),
            vec!["code:too_long"],
        ),
    ] {
        let (s, v) = t.post("/api/v1/facilities", body.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert_eq!(field_errors(&v), want, "{body}");
    }
    for body in [json!([]), json!({"kind": "camera", "lon": "east"})] {
        let (s, v) = t.post("/api/v1/facilities", body).await;
        assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "invalid_json"));
    }
    for (query, want) in [
        ("bbox=1,2,3", "bbox:invalid_bbox"),
        ("bbox=3,1,2,2", "bbox:invalid_bbox"),
        ("bbox=a,b,c,d", "bbox:invalid_bbox"),
        ("kind=tree", "kind:unknown_kind"),
        ("state=burnt", "state:unknown_state"),
        ("region=x", "region:invalid_region_code"),
    ] {
        let (s, v) = t.get(&format!("/api/v1/facilities?{query}")).await;
        assert_eq!(
            (s, field_errors(&v)),
            (StatusCode::BAD_REQUEST, vec![want.to_owned()]),
            "{query}"
        );
    }
    assert_eq!(t.count("facility").await, 0);
    let (s, v) = t.get("/api/v1/facilities/999999").await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "facility_not_found"));
}

#[tokio::test]
async fn roles_and_scope_decide_who_sees_and_writes_facilities() {
    let t = TestApp::demo().await;
    let (far_lon, far_lat) = t.centre_of(OTHER_STREET_GRID).await;
    let (lon, lat) = t.centre_of(GRID).await;
    t.login("admin").await;
    let out = create(&t, lamp(far_lon, far_lat)).await;
    assert_eq!(out["grid"], OTHER_STREET_GRID);
    let out_id = out["id"].as_i64().unwrap();
    t.login("gridworker").await;
    create(&t, lamp(lon, lat)).await;
    // A point in another street, or another street's grid named: not found for them.
    let (s, v) = t.post("/api/v1/facilities", lamp(far_lon, far_lat)).await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "region_not_found"));
    let mut named = lamp(lon, lat);
    named["grid"] = json!(OTHER_STREET_GRID);
    let (s, v) = t.post("/api/v1/facilities", named).await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "region_not_found"));
    for uri in [
        format!("/api/v1/facilities/{out_id}"),
        format!("/api/v1/facilities/{out_id}/history"),
    ] {
        let (s, v) = t.get(&uri).await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::NOT_FOUND, "facility_not_found"),
            "{uri}"
        );
    }
    let mut edit = lamp(lon, lat);
    edit["version"] = json!(1);
    let (s, _) = t.put(&format!("/api/v1/facilities/{out_id}"), edit).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(total(&t, "").await, 1);
    t.login("leader").await;
    assert_eq!(total(&t, "").await, 2);
    let (s, v) = t.post("/api/v1/facilities", lamp(lon, lat)).await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "forbidden"));
    for role in ["dept", "resident"] {
        t.login(role).await;
        let (s, _) = t.get("/api/v1/facilities").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
    }
}
