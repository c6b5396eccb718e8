//! Exports of the registry's other records over HTTP — organisations, facilities, care group
//! memberships, buildings and houses: .xlsx and CSV (UTF-8 with a BOM) within the exporter's
//! scope, personal numbers masked unless whole ones are asked for and allowed, every export
//! audited, bad formats and regions outside the scope refused, and an export that imports again.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use chrono::NaiveDate;
use common::{TestApp, code, field_errors};
use gridgov_app::sheet::{self, Encoding};
use gridgov_domain::idcard::{IdNumber, Sex};
use serde_json::{Value, json};

/// The grid accounts' grid, and a grid of another street.
const GRID: &str = "370105001001001";
const OTHER_STREET_GRID: &str = "370105003001001";

/// Each record type: its path, its audit action, what marks the record in the grid and the one
/// in the other street, and whether it has personal numbers.
const TYPES: [(&str, &str, &str, &str, bool); 5] = [
    (
        "organisations",
        "organisations.export",
        "本网格小店",
        "别街小店",
        true,
    ),
    ("facilities", "facilities.export", "LD-IN-01", "LD-OUT-01", false),
    ("care", "care.export", "本网格老人", "别街老人", true),
    ("buildings", "buildings.export", "本网格楼", "别街楼", false),
    // A house's building column names its building.
    ("houses", "houses.export", "本网格楼", "别街楼", false),
];

/// A valid number of a woman born 1950-01-02.
fn id_number(seq: u16) -> String {
    let birth = NaiveDate::from_ymd_opt(1950, 1, 2).unwrap();
    IdNumber::synthetic("370105", birth, seq, Sex::Female)
        .digits()
        .to_owned()
}

/// One of each record type in the grid and one in the other street, recorded by the admin.
async fn records(t: &TestApp) {
    t.login("admin").await;
    for (grid, at, seq) in [(GRID, "本网格", 31), (OTHER_STREET_GRID, "别街", 33)] {
        let body = json!({"name": format!("{at}老人"), "kind": "registered", "grid": grid,
            "id_number": id_number(seq), "phone": "13912345678"});
        let (s, p, _) = t.send("POST", "/api/v1/people", Some(body), &[]).await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        let uri = format!("/api/v1/people/{}/care", p["id"]);
        let (s, v, _) = t
            .send("POST", &uri, Some(json!({"group": "elderly_alone"})), &[])
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let body = json!({"grid": grid, "name": format!("{at}小店"), "kind": "shop",
            "contact_name": "张三", "contact_phone": "13912345678"});
        let (s, v, _) = t.send("POST", "/api/v1/organisations", Some(body), &[]).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (lon, lat) = t.centre_of(grid).await;
        let code = if grid == GRID { "LD-IN-01" } else { "LD-OUT-01" };
        let body = json!({"kind": "street_lamp", "code": code, "lon": lon, "lat": lat});
        let (s, v, _) = t.send("POST", "/api/v1/facilities", Some(body), &[]).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let body = json!({"grid": grid, "name": format!("{at}楼"), "floors": 6, "units": 2});
        let (s, b, _) = t.send("POST", "/api/v1/buildings", Some(body), &[]).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let body = json!({"building_id": b["id"], "unit": 1, "floor": 1, "room": "101",
            "use": "residential", "ownership": "private", "occupancy": "owner_occupied"});
        let (s, v, _) = t.send("POST", "/api/v1/houses", Some(body), &[]).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
}

async fn get(t: &TestApp, uri: &str) -> (StatusCode, Vec<u8>, axum::http::HeaderMap) {
    t.send_bytes("GET", uri, vec![]).await
}

fn json_of(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or(Value::Null)
}

/// The audit records of an action (as the admin), newest first, with their details parsed.
async fn audited(t: &TestApp, action: &str) -> (Vec<Value>, Vec<Value>) {
    t.login("admin").await;
    let (s, v) = t.get(&format!("/api/v1/audit?action={action}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let items = v["items"].as_array().unwrap().clone();
    let details = items
        .iter()
        .map(|i| serde_json::from_str(i["detail"].as_str().unwrap()).unwrap())
        .collect();
    (items, details)
}

/// Every cell of a workbook or CSV file, its header first.
fn cells(bytes: &[u8]) -> Vec<Vec<String>> {
    let book = sheet::read(bytes, Encoding::Auto).unwrap();
    std::iter::once(book.headers.clone())
        .chain(
            book.rows
                .iter()
                .map(|r| r.cells.iter().map(|c| c.clone().unwrap_or_default()).collect()),
        )
        .collect()
}

#[tokio::test]
async fn every_export_holds_the_exporters_scope_in_xlsx_and_csv_and_is_audited() {
    let t = TestApp::demo().await;
    records(&t).await;
    t.login("gridworker").await;
    for (what, _, mine, theirs, _) in TYPES {
        let (s, bytes, h) = get(&t, &format!("/api/v1/{what}/export?format=csv&region={GRID}")).await;
        assert_eq!(s, StatusCode::OK, "{what}: {}", String::from_utf8_lossy(&bytes));
        assert!(h["content-type"].to_str().unwrap().starts_with("text/csv"));
        assert!(
            h["content-disposition"]
                .to_str()
                .unwrap()
                .contains(&format!("filename=\"{what}.csv\"")),
            "{what}"
        );
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with('\u{feff}'), "{what}: UTF-8 with a BOM");
        assert!(text.contains(mine), "{what}: {text}");
        assert!(!text.contains(theirs), "{what}: outside the exporter's scope");

        let (s, bytes, h) = get(&t, &format!("/api/v1/{what}/export")).await;
        assert_eq!(s, StatusCode::OK, "{what}");
        assert!(h["content-type"].to_str().unwrap().contains("spreadsheetml"));
        let rows = cells(&bytes);
        assert!(
            rows.iter().skip(1).any(|r| r.iter().any(|c| c.contains(mine))),
            "{what}: {rows:?}"
        );
        assert!(
            !rows.iter().flatten().any(|c| c.contains(theirs)),
            "{what}: outside the exporter's scope"
        );
        // Grids are shown as the template's drop-down shows them.
        assert!(
            rows.iter().flatten().any(|c| c.ends_with(&format!("（{GRID}）"))),
            "{what}: {rows:?}"
        );

        // A region outside the scope is not found; bad formats and regions are bad requests.
        let (s, body, _) = get(&t, &format!("/api/v1/{what}/export?region={OTHER_STREET_GRID}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{what}");
        assert_eq!(code(&json_of(&body)), "region_not_found");
        let (s, body, _) = get(&t, &format!("/api/v1/{what}/export?format=pdf")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{what}");
        assert_eq!(field_errors(&json_of(&body)), ["format:unknown_format"], "{what}");
        let (s, body, _) = get(&t, &format!("/api/v1/{what}/export?region=37x")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{what}");
        assert_eq!(code(&json_of(&body)), "validation_failed", "{what}");
        let (s, body, _) = get(&t, &format!("/api/v1/{what}/export?whole_numbers=maybe")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{what}");
        assert_eq!(code(&json_of(&body)), "invalid_query", "{what}");
    }
    // Without the read permission, nothing.
    t.login("dept").await;
    for (what, ..) in TYPES {
        let (s, _, _) = get(&t, &format!("/api/v1/{what}/export")).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{what}");
    }

    for (what, action, ..) in TYPES {
        let (items, details) = audited(&t, action).await;
        assert_eq!(
            details.len(),
            2,
            "{what}: the CSV and the workbook, not the refusals"
        );
        assert_eq!(items[0]["entity_type"], "export", "{what}");
        assert_eq!(details[0]["format"], "xlsx", "{what}");
        assert_eq!(details[1]["format"], "csv", "{what}");
        assert_eq!(details[1]["region"], GRID, "{what}");
        assert_eq!(details[1]["count"], 1, "{what}");
        assert_eq!(details[1]["whole_numbers"], false, "{what}");
    }
}

#[tokio::test]
async fn personal_numbers_are_masked_unless_whole_ones_are_allowed() {
    let t = TestApp::demo().await;
    records(&t).await;
    // Grid staff read the records but may not see whole numbers.
    t.login("gridworker").await;
    for (what, _, _, _, numbers) in TYPES {
        let (s, body, _) = get(&t, &format!("/api/v1/{what}/export?whole_numbers=true")).await;
        let v = json_of(&body);
        if numbers {
            assert_eq!(s, StatusCode::FORBIDDEN, "{what}: {v}");
        } else {
            assert_eq!(s, StatusCode::BAD_REQUEST, "{what}: {v}");
            assert_eq!(field_errors(&v), ["whole_numbers:no_personal_numbers"], "{what}");
        }
    }
    let (_, bytes, _) = get(&t, "/api/v1/organisations/export?format=csv").await;
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("139****5678"), "{text}");
    assert!(!text.contains("13912345678"));
    let (_, bytes, _) = get(&t, "/api/v1/care/export?format=csv").await;
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("370105********"), "{text}");
    assert!(!text.contains(&id_number(31)));

    // The community's operator reveals personal numbers: whole ones, in the template's column.
    t.login("community").await;
    let (s, bytes, _) = get(&t, "/api/v1/organisations/export?whole_numbers=true").await;
    assert_eq!(s, StatusCode::OK);
    let rows = cells(&bytes);
    let phone = rows[0].iter().position(|h| h == "联系电话").unwrap();
    assert_eq!(rows[1][phone], "13912345678", "{rows:?}");
    let (s, bytes, _) = get(&t, "/api/v1/care/export?whole_numbers=true").await;
    assert_eq!(s, StatusCode::OK);
    let rows = cells(&bytes);
    assert_eq!(rows[0][0], "公民身份号码");
    assert_eq!(
        rows[1][..3],
        [id_number(31), "本网格老人".to_owned(), "独居老人".to_owned()]
    );
    assert_eq!(rows[1].last().unwrap(), "否", "not overdue on the day of joining");

    for action in ["organisations.export", "care.export"] {
        let (_, details) = audited(&t, action).await;
        assert_eq!(details.len(), 2, "{action}");
        assert_eq!(details[0]["whole_numbers"], true, "{action}");
        assert_eq!(details[1]["whole_numbers"], false, "{action}");
    }
}

/// An export is in the import template's columns: imported again (a dry run), its rows are
/// read without a column problem — rejected, if at all, only as already stored. (With masked
/// numbers it would not: a masked phone is no phone.)
#[tokio::test]
async fn an_export_imports_again() {
    let t = TestApp::demo().await;
    records(&t).await;
    t.login("community").await;
    for (what, whole, stored) in [
        ("organisations", "true", ""),
        ("buildings", "false", "duplicate_building"),
    ] {
        let uri = format!("/api/v1/{what}/export?region={GRID}&whole_numbers={whole}");
        let (s, bytes, _) = get(&t, &uri).await;
        assert_eq!(s, StatusCode::OK, "{what}");
        let (s, body, _) = t
            .send_bytes("POST", &format!("/api/v1/{what}/import"), bytes)
            .await;
        let v = json_of(&body);
        assert_eq!(s, StatusCode::OK, "{what}: {v}");
        assert_eq!(v["total"].as_u64(), Some(1), "{what}: {v}");
        let codes: Vec<&str> = v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["errors"].as_array().unwrap())
            .map(|e| e["code"].as_str().unwrap())
            .collect();
        assert!(codes.iter().all(|c| *c == stored), "{what}: {v}");
    }
}
