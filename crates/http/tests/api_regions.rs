//! HTTP tests of the region tree, grid map layer and locator on the demo district.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use axum::http::StatusCode;
use common::{TestApp, code, field_codes};

#[tokio::test]
async fn probes_meta_and_unknown_routes() {
    let t = TestApp::demo().await;
    assert_eq!(t.get("/healthz").await.0, StatusCode::OK);
    let (s, v) = t.get("/readyz").await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("ready")));
    let (s, v) = t.get("/api/v1/meta").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["districts"][0]["code"], "370105000000");
    assert_eq!(v["districts"][0]["name"], "天桥区");
    assert!(
        v["tile_url"].is_null(),
        "no tiles by default: nothing is fetched from outside"
    );
    let (s, v) = t.get("/api/v1/nope").await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "route_not_found"));
    // Any other path is the web app (or the page that says how to build it).
    let (s, v) = t.get("/map").await;
    assert_eq!(s, StatusCode::OK);
    assert!(v.as_str().unwrap().contains("<html"));
}

#[tokio::test]
async fn the_tree_one_level_at_a_time() {
    let t = TestApp::demo().await;
    let (s, v) = t.get("/api/v1/regions").await;
    assert_eq!(s, StatusCode::OK);
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["child_count"], 14);

    let (_, v) = t.get("/api/v1/regions?parent=370105000000").await;
    let streets = v["items"].as_array().unwrap();
    assert_eq!(streets.len(), 14);
    assert_eq!(streets[0]["code"], "370105001000");
    assert_eq!(streets[0]["name"], "无影山街道");
    assert_eq!(streets[0]["level"], "street");
    let communities: u64 = streets.iter().map(|s| s["child_count"].as_u64().unwrap()).sum();
    assert_eq!(communities, 191);

    let (_, v) = t.get("/api/v1/regions?parent=370105001001").await;
    let grids = v["items"].as_array().unwrap();
    assert!(grids.len() >= 2);
    assert_eq!(grids[0]["level"], "grid");
    assert!(grids[0]["bbox"].as_array().unwrap().len() == 4);

    let (s, v) = t.get("/api/v1/regions?parent=370105099000").await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "region_not_found"));
    let (s, v) = t.get("/api/v1/regions?parent=12ab").await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "validation_failed"));
    assert_eq!(field_codes(&v), ["invalid_region_code"]);
}

#[tokio::test]
async fn grid_detail_with_team_and_ancestors() {
    let t = TestApp::demo().await;
    let (s, v) = t.get("/api/v1/grids/370105001001001").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["level"], "grid");
    assert_eq!(v["kind"], "unit");
    assert_eq!(v["geometry"]["type"], "MultiPolygon");
    assert!(v["area_m2"].as_f64().unwrap() > 10_000.0);
    let anc: Vec<&str> = v["ancestors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["level"].as_str().unwrap())
        .collect();
    assert_eq!(anc, ["district", "street", "community"]);
    let team = v["team"].as_array().unwrap();
    let roles: Vec<&str> = team.iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles[0], "leader");
    assert_eq!(roles[1], "lead_worker");
    assert_eq!(
        roles.iter().filter(|r| **r == "lead_worker").count(),
        1,
        "1+N: exactly one lead worker"
    );
    assert!(roles[2..].iter().all(|r| *r == "helper") && roles.len() >= 4);

    // A street is a region, not a grid.
    let (s, v) = t.get("/api/v1/grids/370105001000").await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "region_not_found"));
    let (s, v) = t.get("/api/v1/regions/370105001000").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["centre"]["name"], "无影山街道网格化服务管理中心");
    let (s, v) = t.get("/api/v1/grids/370105001001999").await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "region_not_found"));
    let (s, v) = t.get("/api/v1/grids/not-a-code").await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "validation_failed"));
}

#[tokio::test]
async fn grids_in_a_box_as_geojson() {
    let t = TestApp::demo().await;
    let (s, v) = t.get("/api/v1/grids?bbox=116.9,36.6,117.2,36.9").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["type"], "FeatureCollection");
    let features = v["features"].as_array().unwrap();
    assert_eq!(features.len(), 1153);
    let f = &features[0];
    assert_eq!(f["geometry"]["type"], "MultiPolygon");
    assert_eq!(f["properties"]["level"], "grid");
    let exclusive = features
        .iter()
        .filter(|f| f["properties"]["kind"] == "exclusive")
        .count();
    assert_eq!(exclusive, 60);

    let (_, v) = t
        .get("/api/v1/grids?bbox=116.9,36.6,117.2,36.9&level=street")
        .await;
    assert_eq!(v["features"].as_array().unwrap().len(), 14);
    let (_, v) = t
        .get("/api/v1/grids?bbox=116.9,36.6,117.2,36.9&level=subgrid")
        .await;
    assert!(
        v["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["properties"]["kind"] == "neighbourhood")
    );
    // A small box holds a few grids.
    let (_, v) = t.get("/api/v1/grids?bbox=116.931,36.661,116.932,36.662").await;
    let n = v["features"].as_array().unwrap().len();
    assert!((1..=4).contains(&n), "{n}");
    let (_, v) = t.get("/api/v1/grids?bbox=100,10,101,11").await;
    assert_eq!(v["features"].as_array().unwrap().len(), 0);

    for bad in ["x", "1,2,3", "3,2,1,4", "1,2,3,NaN", "1,2,300,4"] {
        let (s, v) = t.get(&format!("/api/v1/grids?bbox={bad}")).await;
        assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "invalid_bbox"), "{bad}");
    }
    let (s, v) = t.get("/api/v1/grids").await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "invalid_query"));
    let (s, v) = t.get("/api/v1/grids?bbox=1,2,3,4&level=planet").await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "invalid_region_level"));
}

#[tokio::test]
async fn too_many_features_is_refused_not_truncated() {
    let t = TestApp::with(|c| c.max_features = 100).await;
    gridgov_app::demo::write(&t.app, &common::cli(), 1).await.unwrap();
    t.login("admin").await;
    let (s, v) = t.get("/api/v1/grids?bbox=116.9,36.6,117.2,36.9").await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "too_many_features")
    );
    let (s, _) = t
        .get("/api/v1/grids?bbox=116.9,36.6,117.2,36.9&level=street")
        .await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn locate_answers_the_right_grid_inside_every_demo_grid() {
    let t = TestApp::demo().await;
    let (_, v) = t.get("/api/v1/grids?bbox=116.9,36.6,117.2,36.9").await;
    let features = v["features"].as_array().unwrap().clone();
    assert_eq!(features.len(), 1153);
    let locator = t.app.locator.current();
    for f in &features {
        let ring = f["geometry"]["coordinates"][0][0].as_array().unwrap();
        let xs: Vec<f64> = ring.iter().map(|p| p[0].as_f64().unwrap()).collect();
        let ys: Vec<f64> = ring.iter().map(|p| p[1].as_f64().unwrap()).collect();
        // The centre of a (rectangular) demo grid, and a point near its south-west corner.
        let (x0, x1) = (
            xs.iter().cloned().fold(f64::MAX, f64::min),
            xs.iter().cloned().fold(f64::MIN, f64::max),
        );
        let (y0, y1) = (
            ys.iter().cloned().fold(f64::MAX, f64::min),
            ys.iter().cloned().fold(f64::MIN, f64::max),
        );
        for (lon, lat) in [
            ((x0 + x1) / 2.0, (y0 + y1) / 2.0),
            (x0 + (x1 - x0) * 0.01, y0 + (y1 - y0) * 0.01),
        ] {
            let hit = locator.locate(gridgov_geo::LonLat::new(lon, lat)).unwrap();
            assert_eq!(
                hit.grid.as_ref().unwrap().code.as_str(),
                f["id"].as_str().unwrap()
            );
        }
    }
    // And over HTTP, with the whole chain.
    let (s, v) = t.get("/api/v1/locate?lon=116.931&lat=36.661").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["district"]["code"], "370105000000");
    assert_eq!(v["street"]["code"], "370105001000");
    assert_eq!(v["community"]["code"], "370105001001");
    assert_eq!(v["grid"]["code"], "370105001001001");
}

#[tokio::test]
async fn locate_outside_bad_input_and_gcj02() {
    let t = TestApp::demo().await;
    for (lon, lat) in [("118.5", "36.7"), ("116.92", "36.70"), ("0", "0")] {
        let (s, v) = t.get(&format!("/api/v1/locate?lon={lon}&lat={lat}")).await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::NOT_FOUND, "outside_district"),
            "{lon},{lat}"
        );
    }
    for q in [
        "lon=a&lat=1",
        "lon=1&lat=",
        "lon=200&lat=1",
        "lon=1&lat=-91",
        "lon=inf&lat=1",
    ] {
        let (s, v) = t.get(&format!("/api/v1/locate?{q}")).await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::BAD_REQUEST, "validation_failed"),
            "{q}"
        );
        assert_eq!(field_codes(&v), ["invalid_coordinate"], "{q}");
    }
    let (s, v) = t.get("/api/v1/locate?lon=117&lat=36.7&crs=bd09").await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["invalid_crs".to_owned()])
    );
    let (s, _) = t.get("/api/v1/locate?lat=36.7").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // GCJ-02 input is shifted ~515 m west before lookup: a point 0.003° inside the west edge in
    // WGS84 terms is outside when read as GCJ-02.
    let (s, _) = t.get("/api/v1/locate?lon=116.933&lat=36.7&crs=wgs84").await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = t.get("/api/v1/locate?lon=116.933&lat=36.7&crs=gcj02").await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "outside_district"));
    let (s, v) = t.get("/api/v1/locate?lon=117.0&lat=36.7&crs=gcj02").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        (v["point"]["lon"].as_f64().unwrap() - 116.9942).abs() < 0.001,
        "{v}"
    );
}

#[tokio::test]
async fn departments_of_a_district() {
    let t = TestApp::demo().await;
    let (s, v) = t.get("/api/v1/districts/370105/departments").await;
    assert_eq!(s, StatusCode::OK);
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 20);
    assert!(
        items
            .iter()
            .any(|d| d["name"] == "区城市管理局" && d["code"] == "chengguan")
    );
    let (s, v) = t.get("/api/v1/districts/370105001000/departments").await;
    assert_eq!(
        (s, field_codes(&v)),
        (
            StatusCode::BAD_REQUEST,
            vec!["region_code_level_mismatch".to_owned()]
        )
    );
    let (s, v) = t.get("/api/v1/districts/370199/departments").await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "region_not_found"));
}

#[tokio::test]
async fn migrations_are_idempotent_and_the_demo_can_be_rebuilt() {
    let t = TestApp::demo().await;
    // Migrating an up-to-date database changes nothing; rebuilding the demo replaces it.
    t.app.db.migrate().await.unwrap();
    t.app.db.migrate().await.unwrap();
    let regions = t.count("region").await;
    gridgov_app::demo::write(&t.app, &common::cli(), 1).await.unwrap();
    assert_eq!(t.count("region").await, regions);
    assert_eq!(t.count("staff").await, 9097);
    assert_eq!(t.count("centre").await, 1 + 14 + 191);
}
