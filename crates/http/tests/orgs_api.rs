//! The registry's organisations over HTTP: recorded with a checked unified social credit code
//! (once in a district), the contact phone masked everywhere and sealed at rest, found by kind,
//! name, code and region, edited with a version, their history; field errors by code; roles and
//! scope.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{TestApp, code, field_errors};
use gridgov_domain::uscc::Uscc;
use serde_json::{Value, json};

const GRID: &str = "370105001001001";
/// A grid in another street: outside the street, community and grid accounts' scope.
const OTHER_STREET_GRID: &str = "370105003001001";

fn uscc(seq: u32) -> String {
    Uscc::synthetic("370105", seq).as_str().to_owned()
}

/// The first 17 characters with their MOD 31 check character (GB 32100).
fn with_check(first17: &str) -> String {
    const CHARSET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let sum: usize = first17
        .bytes()
        .enumerate()
        .map(|(i, c)| {
            let w = (0..i).fold(1, |w, _| w * 3 % 31);
            CHARSET.iter().position(|&x| x == c).unwrap() * w
        })
        .sum();
    format!("{first17}{}", char::from(CHARSET[(31 - sum % 31) % 31]))
}

fn org(grid: &str, name: &str, kind: &str, uscc: Option<&str>) -> Value {
    json!({"grid": grid, "name": name, "kind": kind, "uscc": uscc, "address": "纬北路7号",
           "contact_name": "李强", "contact_phone": "13900139000", "employees": 35, "note": "餐饮"})
}

async fn create(t: &TestApp, body: Value) -> Value {
    let (s, v) = t.post("/api/v1/organisations", body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

#[tokio::test]
async fn organisations_are_recorded_found_and_edited_with_their_version() {
    let t = TestApp::demo().await;
    t.login("community").await;
    let code18 = uscc(4711);
    let v = create(
        &t,
        org(GRID, "天桥饭店有限公司", "企业", Some(&code18.to_lowercase())),
    )
    .await;
    let id = v["id"].as_i64().unwrap();
    assert_eq!(
        (&v["kind"], &v["uscc"], &v["grid"], &v["community"], &v["street"]),
        (
            &json!("enterprise"),
            &json!(code18),
            &json!(GRID),
            &json!("370105001001"),
            &json!("370105001000")
        )
    );
    assert_eq!(v["contact_phone"], "139****9000");
    assert_eq!(
        (v["employees"].as_i64(), v["version"].as_i64()),
        (Some(35), Some(1))
    );
    assert!(!v.to_string().contains("13900139000"));

    // Shops may go without a code, several of them.
    for name in ["老王烧饼", "小李修鞋"] {
        let v = create(&t, org(GRID, name, "shop", None)).await;
        assert_eq!(v["uscc"], Value::Null);
    }
    // A second organisation with the same code: refused, in any letter case.
    let (s, v) = t
        .post(
            "/api/v1/organisations",
            org(GRID, "另一家", "enterprise", Some(&code18.to_lowercase())),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "duplicate_uscc"));

    // Found by kind, the start of the name, the whole code (any case) and region.
    for (query, n) in [
        ("kind=enterprise".to_owned(), 1),
        ("kind=个体工商户".to_owned(), 2),
        ("name=天桥".to_owned(), 1),
        ("name=饭店".to_owned(), 0),
        (format!("uscc={}", code18.to_lowercase()), 1),
        (format!("region={GRID}"), 3),
        ("region=370105001002".to_owned(), 0),
        (format!("region={GRID}&kind=shop&page_size=1"), 2),
    ] {
        let (s, v) = t.get(&format!("/api/v1/organisations?{query}")).await;
        assert_eq!(s, StatusCode::OK, "{query}: {v}");
        assert_eq!(v["total"], n, "{query}: {v}");
    }
    let (s, v) = t.get(&format!("/api/v1/organisations/{id}")).await;
    assert_eq!(
        (s, v["name"].as_str()),
        (StatusCode::OK, Some("天桥饭店有限公司"))
    );

    // An edit with the version read; the phone left out (null) stays, then an empty one goes.
    let mut edit = org(GRID, "天桥大饭店有限公司", "enterprise", Some(&code18));
    edit["contact_phone"] = Value::Null;
    edit["employees"] = json!(40);
    edit["version"] = json!(1);
    let (s, v) = t.put(&format!("/api/v1/organisations/{id}"), edit.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["version"].as_i64(), v["contact_phone"].as_str()),
        (Some(2), Some("139****9000"))
    );
    let (s, v) = t.put(&format!("/api/v1/organisations/{id}"), edit.clone()).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "stale_version"));
    edit["contact_phone"] = json!("");
    edit["version"] = json!(2);
    let (s, v) = t.put(&format!("/api/v1/organisations/{id}"), edit).await;
    assert_eq!((s, &v["contact_phone"]), (StatusCode::OK, &Value::Null), "{v}");
    // Taking another's code on an edit is a duplicate too.
    let other = create(&t, org(GRID, "第二家公司", "enterprise", Some(&uscc(4712)))).await;
    let mut taken = org(GRID, "第二家公司", "enterprise", Some(&code18));
    taken["version"] = json!(1);
    let (s, v) = t
        .put(&format!("/api/v1/organisations/{}", other["id"]), taken)
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "duplicate_uscc"));

    // The history names the fields each edit changed.
    let (s, v) = t.get(&format!("/api/v1/organisations/{id}/history")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let entries = v.as_array().unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["org.update", "org.update", "org.create"]);
    assert_eq!(entries[0]["fields"], json!(["contact_phone"]));
    let first: Vec<&str> = entries[1]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(
        first.contains(&"name") && first.contains(&"employees"),
        "{first:?}"
    );
    // The audit log never holds the whole phone; the database holds it sealed.
    let actions = t.audit_actions("organisation", id).await;
    assert_eq!(actions.len(), 3, "{actions:?}");
    let (_, v) = t
        .get(&format!("/api/v1/audit?entity_type=organisation&entity_id={id}"))
        .await;
    assert!(!v.to_string().contains("13900139000"));
    let row = gridgov_store::orgs::by_id(t.app.db.conn(), other["id"].as_i64().unwrap())
        .await
        .unwrap()
        .unwrap();
    let sealed = row.contact_phone_sealed.unwrap();
    assert!(!sealed.contains("13900139000"));
    assert_eq!(
        t.app.vault.keys.open("org.contact_phone", &sealed).unwrap(),
        "13900139000"
    );
}

#[tokio::test]
async fn bad_input_is_refused_field_by_field_and_nothing_is_written() {
    let t = TestApp::demo().await;
    t.login("community").await;
    let (s, v) = t.post("/api/v1/organisations", json!({})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(
        field_errors(&v),
        ["grid:invalid_region_code", "name:required", "kind:required"]
    );
    // A code's four checks; the organisation code's own check needs a right MOD 31 check.
    let good = uscc(1);
    let wrong_check = format!("{}{}", &good[..17], if good.ends_with('0') { '1' } else { '0' });
    for (u, want) in [
        ("91370105".to_owned(), "uscc:uscc_length"),
        ("91370105I00000019Y".to_owned(), "uscc:uscc_characters"),
        (wrong_check, "uscc:uscc_check"),
        (with_check("91440300192203820"), "uscc:uscc_org_check"),
    ] {
        let (s, v) = t
            .post(
                "/api/v1/organisations",
                org(GRID, "某公司", "enterprise", Some(&u)),
            )
            .await;
        assert_eq!(
            (s, field_errors(&v)),
            (StatusCode::BAD_REQUEST, vec![want.to_owned()]),
            "{u}"
        );
    }
    let mut body = org("370105001001", &"长".repeat(101), "factory", None);
    body["contact_phone"] = json!("12345");
    body["employees"] = json!(1_000_001);
    body["note"] = json!("x".repeat(501));
    let (s, v) = t.post("/api/v1/organisations", body).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        field_errors(&v),
        [
            "grid:not_a_grid",
            "name:too_long",
            "kind:unknown_kind",
            "contact_phone:invalid_phone",
            "employees:employees_out_of_range",
            "note:too_long"
        ]
    );
    let mut body = org(GRID, "某公司", "enterprise", None);
    body["employees"] = json!(-1);
    let (_, v) = t.post("/api/v1/organisations", body).await;
    assert_eq!(
        field_errors(&v),
        ["uscc:required", "employees:employees_out_of_range"]
    );
    // Not JSON, or the wrong type: a stable code, never a 500.
    for raw in [json!("not an object"), json!({"grid": GRID, "employees": "many"})] {
        let (s, v) = t.post("/api/v1/organisations", raw).await;
        assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "invalid_json"), "{v}");
    }
    // A building in another grid; one that does not exist.
    t.login("admin").await;
    let (_, b) = t
        .post(
            "/api/v1/buildings",
            json!({"grid": "370105001001002", "name": "2号楼", "floors": 6, "units": 2}),
        )
        .await;
    t.login("community").await;
    let mut body = org(GRID, "某店", "shop", None);
    body["building_id"] = b["id"].clone();
    let (s, v) = t.post("/api/v1/organisations", body.clone()).await;
    assert_eq!(
        (s, field_errors(&v)),
        (
            StatusCode::BAD_REQUEST,
            vec!["building_id:building_in_other_grid".to_owned()]
        )
    );
    body["building_id"] = json!(999_999);
    let (s, v) = t.post("/api/v1/organisations", body).await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "building_not_found"));
    // Bad filters.
    for (query, want) in [
        ("kind=factory", "kind:unknown_kind"),
        ("uscc=123", "uscc:uscc_length"),
        ("region=12345", "region:invalid_region_code"),
    ] {
        let (s, v) = t.get(&format!("/api/v1/organisations?{query}")).await;
        assert_eq!(
            (s, field_errors(&v)),
            (StatusCode::BAD_REQUEST, vec![want.to_owned()])
        );
    }
    let (s, v) = t.get("/api/v1/organisations?page=x").await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "invalid_query"));
    assert_eq!(t.count("organisation").await, 0);
    let (s, v) = t.get("/api/v1/organisations/999999").await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "organisation_not_found"));
}

#[tokio::test]
async fn roles_and_scope_decide_who_sees_and_writes_organisations() {
    let t = TestApp::demo().await;
    t.login("admin").await;
    let out = create(
        &t,
        org(OTHER_STREET_GRID, "外街公司", "enterprise", Some(&uscc(9))),
    )
    .await;
    let out_id = out["id"].as_i64().unwrap();
    // A grid worker records in their grid, not in another street's.
    t.login("gridworker").await;
    let inside = create(&t, org(GRID, "网格小店", "shop", None)).await;
    let (s, v) = t
        .post(
            "/api/v1/organisations",
            org(OTHER_STREET_GRID, "越界", "shop", None),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "region_not_found"));
    for uri in [
        format!("/api/v1/organisations/{out_id}"),
        format!("/api/v1/organisations/{out_id}/history"),
    ] {
        let (s, v) = t.get(&uri).await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::NOT_FOUND, "organisation_not_found"),
            "{uri}"
        );
    }
    let mut edit = org(GRID, "外街公司", "enterprise", Some(&uscc(9)));
    edit["version"] = json!(1);
    let (s, _) = t.put(&format!("/api/v1/organisations/{out_id}"), edit).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, v) = t.get("/api/v1/organisations").await;
    assert_eq!(v["total"], 1, "only the grid's own: {v}");
    assert_eq!(v["items"][0]["id"], inside["id"]);
    // The leader reads everything and writes nothing; departments and residents see nothing.
    t.login("leader").await;
    let (_, v) = t.get("/api/v1/organisations").await;
    assert_eq!(v["total"], 2);
    let (s, v) = t
        .post("/api/v1/organisations", org(GRID, "某店", "shop", None))
        .await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "forbidden"));
    for role in ["dept", "resident"] {
        t.login(role).await;
        let (s, _) = t.get("/api/v1/organisations").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
        let (s, _) = t.get(&format!("/api/v1/organisations/{out_id}")).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
    }
}
