//! Importers and exports: the real division codes and boundaries from ../shared/data, and every
//! kind of bad input refused with its code and nothing written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use axum::http::StatusCode;
use common::{TestApp, cli, code, shared_data};
use gridgov_app::import;
use gridgov_app::regions::{RegionInput, save};
use gridgov_domain::access::Scope;
use gridgov_geo::Crs;
use serde_json::{Value, json};

#[tokio::test]
async fn real_divisions_and_boundaries_import_and_locate() {
    let Some(data) = shared_data() else { return };
    let t = TestApp::new().await;
    t.sign_in_admin().await;
    let csv = std::fs::read(data.join("tianqiao-divisions.csv")).unwrap();
    let s = import::divisions(&t.app, &cli(), &csv).await.unwrap();
    assert_eq!(s.created, 1 + 15 + 277);
    // Importing again changes nothing.
    let again = import::divisions(&t.app, &cli(), &csv).await.unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 293));
    let (_, v) = t.get("/api/v1/regions?parent=370105001000").await;
    assert_eq!(
        v["items"][0]["name"], "无影潭社区",
        "the short name is the display name"
    );

    let geo = std::fs::read(data.join("tianqiao-370105.geojson")).unwrap();
    let s = import::boundaries(&t.app, &cli(), &geo, Crs::Gcj02)
        .await
        .unwrap();
    assert_eq!(s.updated, 1);
    // Jinan railway station (济南站), as an Amap (GCJ-02) coordinate, lies in Tianqiao; the
    // district has no street boundaries yet, so the answer stops at the district.
    let (s, v) = t.get("/api/v1/locate?lon=116.99163&lat=36.67069&crs=gcj02").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["district"]["code"], "370105000000");
    assert!(v["street"].is_null() && v["grid"].is_null());
    // 鹊山, north of the Yellow River, too.
    let (s, _) = t.get("/api/v1/locate?lon=116.9930&lat=36.7443&crs=gcj02").await;
    assert_eq!(s, StatusCode::OK);
    // 大明湖 is in 历下区, not Tianqiao.
    let (s, v) = t.get("/api/v1/locate?lon=117.0237&lat=36.6755&crs=gcj02").await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "outside_district"));

    // All of Jinan's districts: they share edges but do not overlap.
    let jinan = std::fs::read(data.join("jinan-districts.geojson")).unwrap();
    let s = import::boundaries(&t.app, &cli(), &jinan, Crs::Gcj02)
        .await
        .unwrap();
    assert_eq!((s.created, s.updated), (11, 1));
    let (s, v) = t.get("/api/v1/locate?lon=117.0237&lat=36.6755&crs=gcj02").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["district"]["code"], "370102000000");
    assert_eq!(v["district"]["name"], "历下区");
}

#[tokio::test]
async fn the_full_jinan_division_list_imports() {
    let Some(data) = shared_data() else { return };
    let t = TestApp::new().await;
    let csv = std::fs::read(data.join("jinan-divisions.csv")).unwrap();
    let s = import::divisions(&t.app, &cli(), &csv).await.unwrap();
    assert_eq!(s.created, 13 + 164 + 5758);
}

fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> Value {
    json!({"type":"Polygon","coordinates":[[[x0,y0],[x1,y0],[x1,y1],[x0,y1],[x0,y0]]]})
}

fn feature(code: &str, name: &str, kind: Option<&str>, geometry: Value) -> Value {
    json!({"type":"Feature","properties":{"code":code,"name":name,"kind":kind},"geometry":geometry})
}

fn collection(features: Vec<Value>) -> Vec<u8> {
    serde_json::to_vec(&json!({"type":"FeatureCollection","features":features})).unwrap()
}

/// A small tree: district, street, community with a 1×1 km-ish boundary.
async fn small_tree() -> TestApp {
    let t = TestApp::new().await;
    let fc = collection(vec![
        feature("370105", "天桥区", None, square(117.0, 36.7, 117.1, 36.8)),
        feature(
            "370105001",
            "无影山街道",
            None,
            square(117.0, 36.7, 117.05, 36.75),
        ),
        feature(
            "370105001008",
            "无影潭社区",
            None,
            square(117.0, 36.7, 117.01, 36.71),
        ),
        feature(
            "370105001008001",
            "第一网格",
            Some("unit"),
            square(117.0, 36.7, 117.005, 36.71),
        ),
    ]);
    let s = import::boundaries(&t.app, &cli(), &fc, Crs::Wgs84).await.unwrap();
    assert_eq!(s.created, 4);
    t.sign_in_admin().await;
    t
}

async fn counts(t: &TestApp) -> (i64, String) {
    let (_, v) = t.get("/api/v1/grids?bbox=116,36,118,37").await;
    (t.count("region").await, v.to_string())
}

#[tokio::test]
async fn bad_boundaries_are_refused_and_nothing_is_written() {
    let t = small_tree().await;
    let before = counts(&t).await;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("invalid_geojson", b"{not json".to_vec()),
        ("invalid_geojson", br#"{"type":"Topology"}"#.to_vec()),
        ("empty_import", collection(vec![])),
        (
            "invalid_polygon", // a bow tie
            collection(vec![feature(
                "370105001008002",
                "自交网格",
                Some("unit"),
                json!({"type":"Polygon","coordinates":[[[117.005,36.7],[117.01,36.71],[117.01,36.7],[117.005,36.71],[117.005,36.7]]]}),
            )]),
        ),
        (
            "ring_not_closed",
            collection(vec![feature(
                "370105001008002",
                "开环网格",
                Some("unit"),
                json!({"type":"Polygon","coordinates":[[[117.005,36.7],[117.01,36.7],[117.01,36.71],[117.005,36.71]]]}),
            )]),
        ),
        (
            "outside_parent", // a grid reaching far outside its community
            collection(vec![feature("370105001008002", "越界网格", Some("unit"), square(117.005, 36.7, 117.03, 36.71))]),
        ),
        (
            "overlaps_sibling", // half over grid 001
            collection(vec![feature("370105001008002", "重叠网格", Some("unit"), square(117.0025, 36.7, 117.0075, 36.71))]),
        ),
        (
            "invalid_region_code",
            collection(vec![feature("37010500100800", "坏编码", Some("unit"), square(117.005, 36.7, 117.01, 36.71))]),
        ),
        (
            "parent_not_found",
            collection(vec![feature("370105001009001", "无父网格", Some("unit"), square(117.005, 36.7, 117.01, 36.71))]),
        ),
        (
            "kind_required",
            collection(vec![feature("370105001008002", "无类型", None, square(117.005, 36.7, 117.01, 36.71))]),
        ),
        (
            "missing_code",
            serde_json::to_vec(&json!({"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":square(117.005, 36.7, 117.01, 36.71)}]})).unwrap(),
        ),
    ];
    for (expected, bytes) in cases {
        let e = import::boundaries(&t.app, &cli(), &bytes, Crs::Wgs84)
            .await
            .unwrap_err();
        let codes: Vec<&str> = std::iter::once(e.code)
            .chain(e.fields.iter().map(|f| f.code.as_str()))
            .collect();
        assert!(
            codes.contains(&expected),
            "expected {expected}, got {codes:?}: {}",
            e.message
        );
        assert_eq!(counts(&t).await, before, "{expected}: nothing written");
    }

    // A batch with one good and one bad feature writes neither.
    let mixed = collection(vec![
        feature(
            "370105001008002",
            "好网格",
            Some("unit"),
            square(117.005, 36.7, 117.01, 36.71),
        ),
        feature(
            "370105001008003",
            "越界网格",
            Some("unit"),
            square(117.02, 36.7, 117.03, 36.71),
        ),
    ]);
    let e = import::boundaries(&t.app, &cli(), &mixed, Crs::Wgs84)
        .await
        .unwrap_err();
    assert_eq!(e.fields.len(), 1);
    assert!(e.fields[0].field.starts_with("370105001008003"), "{:?}", e.fields);
    assert_eq!(counts(&t).await, before);

    // Two new siblings of one batch that overlap each other are caught too.
    let pair = collection(vec![
        feature(
            "370105001008002",
            "甲",
            Some("unit"),
            square(117.005, 36.7, 117.01, 36.71),
        ),
        feature(
            "370105001008003",
            "乙",
            Some("unit"),
            square(117.006, 36.7, 117.01, 36.705),
        ),
    ]);
    assert!(
        import::boundaries(&t.app, &cli(), &pair, Crs::Wgs84)
            .await
            .is_err()
    );
    assert_eq!(counts(&t).await, before);

    // The good one alone goes in, and the locator sees it at once.
    let good = collection(vec![feature(
        "370105001008002",
        "第二网格",
        Some("unit"),
        square(117.005, 36.7, 117.01, 36.71),
    )]);
    import::boundaries(&t.app, &cli(), &good, Crs::Wgs84)
        .await
        .unwrap();
    let (s, v) = t.get("/api/v1/locate?lon=117.007&lat=36.705").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["grid"]["code"], "370105001008002");
}

#[tokio::test]
async fn a_parent_cannot_shrink_away_from_its_children() {
    let t = small_tree().await;
    let shrink = collection(vec![feature(
        "370105001008",
        "无影潭社区",
        None,
        square(117.006, 36.7, 117.01, 36.71),
    )]);
    let e = import::boundaries(&t.app, &cli(), &shrink, Crs::Wgs84)
        .await
        .unwrap_err();
    assert!(e.fields.iter().any(|f| f.code == "child_outside"), "{e:?}");
}

#[tokio::test]
async fn bad_division_files_are_refused_row_by_row() {
    let t = TestApp::new().await;
    let ok =
        "code,name,level,parent_code\n370105,天桥区,district,370100\n370105001,无影山街道,street,370105\n";
    import::divisions(&t.app, &cli(), ok.as_bytes()).await.unwrap();
    let before = t.count("region").await;
    let bad = "code,name,level,parent_code\n\
               370105001008,无影潭社区,community,370105001\n\
               370105003004,天桥东社区,community,370105001\n\
               370105001009,运输新村社区,street,370105001\n\
               37010500x010,前黄屯社区,community,370105001\n\
               370105001008,重复,community,370105001\n\
               370105002010,孤儿社区,community,370105002\n";
    let e = import::divisions(&t.app, &cli(), bad.as_bytes())
        .await
        .unwrap_err();
    assert_eq!(e.code, "validation_failed");
    let fields: Vec<(String, String)> = e
        .fields
        .iter()
        .map(|f| (f.field.clone(), f.code.clone()))
        .collect();
    let has = |row: &str, c: &str| fields.iter().any(|(f, fc)| f.starts_with(row) && fc == c);
    assert!(has("row 3", "region_code_parent_mismatch"), "{fields:?}");
    assert!(has("row 4", "region_code_level_mismatch"), "{fields:?}");
    assert!(has("row 5", "invalid_region_code"), "{fields:?}");
    assert!(has("row 6", "duplicate_code"), "{fields:?}");
    assert!(has("row 7", "parent_not_found"), "{fields:?}");
    assert!(
        !fields.iter().any(|(f, _)| f.starts_with("row 2:")),
        "row 2 is fine: {fields:?}"
    );
    assert_eq!(t.count("region").await, before, "nothing half-imported");

    let e = import::divisions(&t.app, &cli(), b"id,title\n1,x\n")
        .await
        .unwrap_err();
    assert_eq!(e.code, "missing_columns");
    let e = import::divisions(&t.app, &cli(), b"code,name,level,parent_code\n")
        .await
        .unwrap_err();
    assert_eq!(e.code, "empty_import");
    let e = import::divisions(&t.app, &cli(), b"code,name,level,parent_code\n370105001010,x\n")
        .await
        .unwrap_err();
    assert!(e.fields.iter().any(|f| f.code == "invalid_csv"), "{e:?}");
    assert_eq!(t.count("region").await, before);
}

#[tokio::test]
async fn edits_use_optimistic_concurrency() {
    let t = small_tree().await;
    let input = RegionInput {
        code: "370105001008001".into(),
        name: "第一网格（改）".into(),
        kind: Some("unit".into()),
        boundary: Some(square(117.0, 36.7, 117.005, 36.71)),
        crs: Crs::Wgs84,
        version: Some(1),
        ..Default::default()
    };
    save(&t.app, &cli(), input.clone()).await.unwrap();
    // The second editor still holds version 1.
    let e = save(&t.app, &cli(), input.clone()).await.unwrap_err();
    assert_eq!(e.code, "stale_version");
    // Creating an existing code without a version is a conflict, not an overwrite.
    let e = save(
        &t.app,
        &cli(),
        RegionInput {
            version: None,
            ..input.clone()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, "region_exists");
    // A kind that does not belong to the level.
    let e = save(
        &t.app,
        &cli(),
        RegionInput {
            kind: Some("neighbourhood".into()),
            version: Some(2),
            ..input
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.fields[0].code, "kind_not_allowed_at_level");
}

#[tokio::test]
async fn export_grids_round_trips() {
    let t = TestApp::demo().await;
    let mut out = Vec::new();
    let n = gridgov_app::export::grids(
        &t.app,
        None,
        &Scope::everything(),
        gridgov_app::export::Format::GeoJson,
        &mut out,
    )
    .await
    .unwrap();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let features = v["features"].as_array().unwrap();
    assert_eq!(features.len(), n);
    let grids = features
        .iter()
        .filter(|f| f["properties"]["level"] == "grid")
        .count();
    assert_eq!(grids, 1153);
    assert!(n > 1153, "sub-grids are exported too");

    let mut csv_out = Vec::new();
    let district = gridgov_domain::RegionCode::parse("370105").unwrap();
    gridgov_app::export::grids(
        &t.app,
        Some(&district),
        &Scope::everything(),
        gridgov_app::export::Format::Csv,
        &mut csv_out,
    )
    .await
    .unwrap();
    assert!(
        csv_out.starts_with("\u{feff}code,name,level".as_bytes()),
        "UTF-8 with BOM for Excel"
    );
    let text = String::from_utf8(csv_out).unwrap();
    let mut rdr = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(rdr.records().count(), n);

    // The exported GeoJSON imports again into an empty database with the same tree.
    let t2 = TestApp::demo().await;
    let s = import::boundaries(&t2.app, &cli(), &out, Crs::Wgs84)
        .await
        .unwrap();
    assert_eq!(s.updated, n);
}
