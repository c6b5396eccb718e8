//! The registry's places and households over HTTP: buildings and houses in grids, households
//! with their members, the on-the-spot collection of a household in one transaction (all or
//! nothing), field errors by code and path, roles, scope, versions and duplicates.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use chrono::NaiveDate;
use common::{TestApp, code};
use gridgov_domain::idcard::{IdNumber, Sex};
use serde_json::{Value, json};

const GRID: &str = "370105001001001";
const SIBLING_GRID: &str = "370105001001002";
/// A grid in another street: outside the street, community and grid accounts' scope.
const OTHER_STREET_GRID: &str = "370105003001001";

/// A valid ID number (even sequence numbers: `seq` and `seq + 1` give the same number).
fn id_number(seq: u16) -> String {
    let birth = NaiveDate::from_ymd_opt(1980, 5, 17).unwrap();
    IdNumber::synthetic("370105", birth, seq, Sex::Male)
        .digits()
        .to_owned()
}

/// `field:code` of each field error.
fn fields(v: &Value) -> Vec<String> {
    v["error"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| format!("{}:{}", f["field"].as_str().unwrap(), f["code"].as_str().unwrap()))
                .collect()
        })
        .unwrap_or_default()
}

fn has(v: &Value, want: &[&str]) {
    let got = fields(v);
    for w in want {
        assert!(got.iter().any(|g| g == w), "{w} in {got:?}");
    }
}

async fn post(t: &TestApp, uri: &str, body: Value) -> (StatusCode, Value) {
    let (s, v, _) = t.send("POST", uri, Some(body), &[]).await;
    (s, v)
}

async fn put(t: &TestApp, uri: &str, body: Value) -> (StatusCode, Value) {
    let (s, v, _) = t.send("PUT", uri, Some(body), &[]).await;
    (s, v)
}

fn building(grid: &str, name: &str) -> Value {
    json!({"grid": grid, "name": name, "address": "幸福路12号", "floors": 6, "units": 3,
           "lon": 116.95, "lat": 36.68, "note": "1980年代老楼"})
}

fn house(building_id: i64, unit: i64, room: &str) -> Value {
    json!({"building_id": building_id, "unit": unit, "floor": 2, "room": room, "use": "住宅",
           "ownership": "private", "occupancy": "rented", "area": 78.5})
}

async fn new_building(t: &TestApp, grid: &str) -> i64 {
    let (s, v) = post(t, "/api/v1/buildings", building(grid, "3号楼")).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_i64().unwrap()
}

async fn new_house(t: &TestApp, building_id: i64, room: &str) -> i64 {
    let (s, v) = post(t, "/api/v1/houses", house(building_id, 1, room)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_i64().unwrap()
}

/// The audit actions recorded for one record.
async fn audit_actions(t: &TestApp, entity: &str, id: i64) -> Vec<String> {
    let (_, v) = t
        .get(&format!("/api/v1/audit?entity_type={entity}&entity_id={id}"))
        .await;
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn buildings_and_houses_are_recorded_found_and_edited_with_their_version() {
    let t = TestApp::demo().await;
    t.login("community").await;
    let (s, b) = post(&t, "/api/v1/buildings", building(GRID, "3号楼")).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let bid = b["id"].as_i64().unwrap();
    assert_eq!(
        (b["grid"].as_str(), b["community"].as_str(), b["street"].as_str()),
        (Some(GRID), Some("370105001001"), Some("370105001000"))
    );
    assert_eq!(
        (b["floors"].as_i64(), b["units"].as_i64(), b["version"].as_i64()),
        (Some(6), Some(3), Some(1))
    );
    // A GCJ-02 point (Amap) is stored in WGS84: a few hundred metres away.
    let mut gcj = building(SIBLING_GRID, "5号楼");
    gcj["crs"] = json!("gcj02");
    let (s, v) = post(&t, "/api/v1/buildings", gcj).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (lon, lat) = (v["lon"].as_f64().unwrap(), v["lat"].as_f64().unwrap());
    assert!(
        (lon - 116.95).abs() > 0.001 && (lon - 116.95).abs() < 0.01,
        "{lon}"
    );
    assert!((lat - 36.68).abs() < 0.01, "{lat}");

    for (q, n) in [
        ("", 2),
        ("?name=3号", 1),
        ("?name=号", 0),
        (&format!("?region={SIBLING_GRID}"), 1),
        ("?region=370105001001&page=1&page_size=1", 2),
    ] {
        let (s, v) = t.get(&format!("/api/v1/buildings{q}")).await;
        assert_eq!((s, v["total"].as_i64()), (StatusCode::OK, Some(n)), "{q}: {v}");
    }
    let (_, v) = t.get("/api/v1/buildings?page_size=1").await;
    assert_eq!(v["items"].as_array().unwrap().len(), 1);

    // Houses: one room number per unit; the same number in another unit is another house.
    let (s, h) = post(&t, "/api/v1/houses", house(bid, 1, "201")).await;
    assert_eq!(s, StatusCode::CREATED, "{h}");
    let hid = h["id"].as_i64().unwrap();
    assert_eq!(
        (
            h["use"].as_str(),
            h["ownership"].as_str(),
            h["occupancy"].as_str(),
            h["grid"].as_str()
        ),
        (Some("residential"), Some("private"), Some("rented"), Some(GRID))
    );
    let (s, v) = post(&t, "/api/v1/houses", house(bid, 1, "201")).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "duplicate_house"));
    let (s, v) = post(&t, "/api/v1/houses", house(bid, 2, "201")).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let mut vacant = house(bid, 3, "b-601");
    vacant["occupancy"] = json!("空置");
    vacant["floor"] = json!(6);
    let (s, v) = post(&t, "/api/v1/houses", vacant).await;
    assert_eq!(
        (s, v["room"].as_str()),
        (StatusCode::CREATED, Some("B-601")),
        "{v}"
    );
    for (q, n) in [
        (format!("?building_id={bid}"), 3),
        (format!("?building_id={bid}&occupancy=rented"), 2),
        ("?occupancy=vacant".to_owned(), 1),
        (format!("?region={SIBLING_GRID}"), 0),
    ] {
        let (s, v) = t.get(&format!("/api/v1/houses{q}")).await;
        assert_eq!((s, v["total"].as_i64()), (StatusCode::OK, Some(n)), "{q}: {v}");
    }

    // Edits with the version read; the version read before is stale afterwards.
    let mut edit = house(bid, 1, "202");
    edit["occupancy"] = json!("owner_occupied");
    edit["version"] = json!(1);
    let (s, v) = put(&t, &format!("/api/v1/houses/{hid}"), edit.clone()).await;
    assert_eq!(
        (s, v["room"].as_str(), v["version"].as_i64()),
        (StatusCode::OK, Some("202"), Some(2)),
        "{v}"
    );
    let (s, v) = put(&t, &format!("/api/v1/houses/{hid}"), edit).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "stale_version"));
    let mut taken = house(bid, 2, "201");
    taken["version"] = json!(2);
    let (s, v) = put(&t, &format!("/api/v1/houses/{hid}"), taken).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "duplicate_house"));

    // A building moved to the next grid takes its houses along.
    let mut moved = building(SIBLING_GRID, "3号楼");
    moved["version"] = json!(1);
    let (s, v) = put(&t, &format!("/api/v1/buildings/{bid}"), moved.clone()).await;
    assert_eq!(
        (s, v["grid"].as_str(), v["version"].as_i64()),
        (StatusCode::OK, Some(SIBLING_GRID), Some(2)),
        "{v}"
    );
    let (s, v) = put(&t, &format!("/api/v1/buildings/{bid}"), moved).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "stale_version"));
    let (_, v) = t.get(&format!("/api/v1/houses/{hid}")).await;
    assert_eq!(
        (v["grid"].as_str(), v["version"].as_i64()),
        (Some(SIBLING_GRID), Some(2)),
        "{v}"
    );
    let (_, v) = t.get(&format!("/api/v1/houses?region={SIBLING_GRID}")).await;
    assert_eq!(v["total"], 3);

    t.login("admin").await;
    assert_eq!(
        audit_actions(&t, "building", bid).await,
        ["building.update", "building.create"]
    );
    assert_eq!(
        audit_actions(&t, "house", hid).await,
        ["house.update", "house.create"]
    );
}

#[tokio::test]
async fn bad_input_is_refused_field_by_field_and_nothing_is_written() {
    let t = TestApp::demo().await;
    t.login("community").await;
    let (s, v) = post(
        &t,
        "/api/v1/buildings",
        json!({"grid": "370105001001", "name": "", "floors": 0, "units": 51, "lon": 190.0, "lat": 36.0, "note": "x".repeat(501)}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    has(
        &v,
        &[
            "grid:not_a_grid",
            "name:required",
            "floors:floors_out_of_range",
            "units:units_out_of_range",
            "lon:invalid_coordinate",
            "note:too_long",
        ],
    );
    let (s, v) = post(
        &t,
        "/api/v1/buildings",
        json!({"grid": "37010500100x001", "name": "1号楼", "floors": 201, "lat": -91.0, "crs": "bd09"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    has(
        &v,
        &["floors:floors_out_of_range", "units:required", "crs:invalid_crs"],
    );
    assert!(fields(&v).iter().any(|f| f.starts_with("grid:")), "{v}");
    let (s, v) = post(
        &t,
        "/api/v1/buildings",
        json!({"grid": GRID, "name": "1号楼", "floors": 3, "units": 1, "lat": 36.6}),
    )
    .await;
    assert_eq!(
        (s, fields(&v)),
        (StatusCode::BAD_REQUEST, vec!["lon:required".to_owned()])
    );
    let (s, v) = post(
        &t,
        "/api/v1/buildings",
        json!({"grid": GRID, "name": "1号楼", "floors": "six"}),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "invalid_json"));
    assert_eq!(t.count("building").await, 0);

    let bid = new_building(&t, GRID).await;
    let (s, v) = post(
        &t,
        "/api/v1/houses",
        json!({"room": "2 01", "use": "castle", "ownership": "rented", "occupancy": "", "area": 0}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    has(
        &v,
        &[
            "building_id:required",
            "unit:required",
            "floor:required",
            "room:room_characters",
            "use:unknown_use",
            "ownership:unknown_ownership",
            "occupancy:required",
            "area:area_out_of_range",
        ],
    );
    let mut h = house(bid, 4, "701");
    h["floor"] = json!(7);
    h["occupancy"] = json!("borrowed");
    let (s, v) = post(&t, "/api/v1/houses", h.clone()).await;
    assert_eq!(
        (s, fields(&v)),
        (
            StatusCode::BAD_REQUEST,
            vec!["occupancy:unknown_occupancy".to_owned()]
        )
    );
    h["occupancy"] = json!("vacant");
    let (s, v) = post(&t, "/api/v1/houses", h).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    has(&v, &["unit:unit_out_of_range", "floor:floor_out_of_range"]);
    let (s, v) = post(&t, "/api/v1/houses", house(999_999, 1, "101")).await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "building_not_found"));
    assert_eq!(t.count("house").await, 0);

    // A building cannot lose the floor or unit a house is on.
    let mut top = house(bid, 3, "601");
    top["floor"] = json!(6);
    assert_eq!(post(&t, "/api/v1/houses", top).await.0, StatusCode::CREATED);
    let mut lower = building(GRID, "3号楼");
    lower["floors"] = json!(5);
    lower["units"] = json!(2);
    lower["version"] = json!(1);
    let (s, v) = put(&t, &format!("/api/v1/buildings/{bid}"), lower).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    has(&v, &["floors:below_houses", "units:below_houses"]);

    // Lists: a bad filter is a field error.
    let (s, v) = t.get("/api/v1/houses?occupancy=borrowed&region=12").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    has(&v, &["occupancy:unknown_occupancy"]);
    assert!(fields(&v).iter().any(|f| f.starts_with("region:")), "{v}");
    let (s, v) = t.get("/api/v1/houses?building_id=x").await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "invalid_query"));

    // Households and people's membership.
    let (s, v) = post(
        &t,
        "/api/v1/households",
        json!({"grid": GRID, "number": "12/34", "address": "x".repeat(201)}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    has(&v, &["number:household_number_characters", "address:too_long"]);
    let (s, v) = post(
        &t,
        "/api/v1/people",
        json!({"name": "张三", "kind": "registered", "grid": GRID, "relation": "户主"}),
    )
    .await;
    assert_eq!(
        (s, fields(&v)),
        (StatusCode::BAD_REQUEST, vec!["relation:no_household".to_owned()])
    );
    let (s, v) = post(
        &t,
        "/api/v1/people",
        json!({"name": "张三", "kind": "registered", "grid": GRID, "household_id": 999999, "relation": "uncle"}),
    )
    .await;
    assert_eq!(
        (s, fields(&v)),
        (
            StatusCode::BAD_REQUEST,
            vec!["relation:unknown_relation".to_owned()]
        )
    );
    let (s, v) = post(
        &t,
        "/api/v1/people",
        json!({"name": "张三", "kind": "registered", "grid": GRID, "household_id": 999999}),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "household_not_found"));
    assert_eq!((t.count("household").await, t.count("person").await), (0, 0));
}

#[tokio::test]
async fn roles_and_scope_decide_who_sees_and_writes_places() {
    let t = TestApp::demo().await;
    let (mine, theirs) = (
        new_building(&t, GRID).await,
        new_building(&t, OTHER_STREET_GRID).await,
    );
    let their_house = new_house(&t, theirs, "101").await;
    let my_house = new_house(&t, mine, "101").await;
    for who in ["street", "community", "gridleader", "gridworker"] {
        t.login(who).await;
        let (_, v) = t.get("/api/v1/buildings").await;
        assert_eq!(v["total"], 1, "{who}: {v}");
        let (_, v) = t.get("/api/v1/houses").await;
        assert_eq!(v["total"], 1, "{who}: {v}");
        assert_eq!(
            t.get(&format!("/api/v1/buildings/{mine}")).await.0,
            StatusCode::OK,
            "{who}"
        );
        assert_eq!(
            t.get(&format!("/api/v1/houses/{my_house}")).await.0,
            StatusCode::OK,
            "{who}"
        );
        let (s, v) = t.get(&format!("/api/v1/buildings/{theirs}")).await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::NOT_FOUND, "building_not_found"),
            "{who}"
        );
        let (s, v) = t.get(&format!("/api/v1/houses/{their_house}")).await;
        assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "house_not_found"), "{who}");
        let (s, v) = post(&t, "/api/v1/buildings", building(OTHER_STREET_GRID, "9号楼")).await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::NOT_FOUND, "region_not_found"),
            "{who}"
        );
        let (s, v) = post(&t, "/api/v1/houses", house(theirs, 1, "102")).await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::NOT_FOUND, "building_not_found"),
            "{who}"
        );
        let mut edit = building(GRID, "9号楼");
        edit["version"] = json!(1);
        let (s, v) = put(&t, &format!("/api/v1/buildings/{theirs}"), edit).await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::NOT_FOUND, "building_not_found"),
            "{who}"
        );
        let (s, v) = post(
            &t,
            "/api/v1/households",
            json!({"grid": GRID, "house_id": their_house}),
        )
        .await;
        assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "house_not_found"), "{who}");
    }
    // The leader reads everything and writes nothing; departments and residents see nothing.
    t.login("leader").await;
    assert_eq!(t.get("/api/v1/buildings").await.1["total"], 2);
    assert_eq!(
        t.get(&format!("/api/v1/houses/{their_house}")).await.0,
        StatusCode::OK
    );
    let (s, v) = post(&t, "/api/v1/buildings", building(GRID, "9号楼")).await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "forbidden"));
    assert_eq!(
        post(&t, "/api/v1/houses", house(mine, 1, "103")).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(&t, "/api/v1/households", json!({"grid": GRID})).await.0,
        StatusCode::FORBIDDEN
    );
    for who in ["dept", "resident"] {
        t.login(who).await;
        for uri in ["/api/v1/buildings", "/api/v1/houses", "/api/v1/households"] {
            assert_eq!(t.get(uri).await.0, StatusCode::FORBIDDEN, "{who} {uri}");
        }
        assert_eq!(
            post(&t, "/api/v1/households/collect", json!({})).await.0,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
    assert_eq!(t.count("building").await, 2);
}

#[tokio::test]
async fn a_household_has_members_with_one_head_in_its_grid() {
    let t = TestApp::demo().await;
    // The community's operator: the next grid is in scope, and not in the household's tree.
    t.login("community").await;
    let bid = new_building(&t, GRID).await;
    let hid = new_house(&t, bid, "301").await;
    let (s, v) = post(
        &t,
        "/api/v1/households",
        json!({"grid": GRID, "house_id": hid, "number": "3701050001", "address": "幸福路12号1单元301"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let household = v["household"]["id"].as_i64().unwrap();
    assert_eq!(v["members"], json!([]));
    let (s, v) = post(
        &t,
        "/api/v1/households",
        json!({"grid": GRID, "number": "3701050001"}),
    )
    .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::CONFLICT, "duplicate_household_number")
    );
    // The house must be in the household's grid tree.
    let (s, v) = post(
        &t,
        "/api/v1/households",
        json!({"grid": SIBLING_GRID, "house_id": hid}),
    )
    .await;
    assert_eq!(
        (s, fields(&v)),
        (
            StatusCode::BAD_REQUEST,
            vec!["house_id:house_in_other_grid".to_owned()]
        )
    );

    let number = id_number(10);
    let (s, head) = post(
        &t,
        "/api/v1/people",
        json!({"name": "刘强", "kind": "registered", "grid": GRID, "id_number": number,
               "household_id": household, "relation": "户主"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{head}");
    assert_eq!(
        (head["household_id"].as_i64(), head["relation"].as_str()),
        (Some(household), Some("head"))
    );
    let second = json!({"name": "刘伟", "kind": "registered", "grid": GRID, "household_id": household, "relation": "head"});
    let (s, v) = post(&t, "/api/v1/people", second.clone()).await;
    assert_eq!(
        (s, fields(&v)),
        (
            StatusCode::BAD_REQUEST,
            vec!["relation:household_has_head".to_owned()]
        )
    );
    let mut child = second.clone();
    child["relation"] = json!("child");
    child["phone"] = json!("13700137000");
    let (s, c) = post(&t, "/api/v1/people", child).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let cid = c["id"].as_i64().unwrap();
    // A member lives in the household's grid tree.
    let (s, v) = post(
        &t,
        "/api/v1/people",
        json!({"name": "外人", "kind": "floating", "grid": SIBLING_GRID, "household_id": household}),
    )
    .await;
    assert_eq!(
        (s, fields(&v)),
        (
            StatusCode::BAD_REQUEST,
            vec!["household_id:household_in_other_grid".to_owned()]
        )
    );

    let (s, v) = t.get(&format!("/api/v1/households/{household}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let members = v["members"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(members[0]["relation"], "head", "head first");
    assert_eq!(
        members[0]["id_number"],
        format!("370105********{}", &number[14..])
    );
    assert_eq!(members[1]["phone"], "137****7000");
    assert!(!v.to_string().contains(&number) && !v.to_string().contains("13700137000"));

    // An edit that leaves the household out keeps it; null leaves it, with the relation.
    let (s, v) = put(
        &t,
        &format!("/api/v1/people/{cid}"),
        json!({"name": "刘伟", "kind": "registered", "grid": GRID, "version": 1}),
    )
    .await;
    assert_eq!(
        (s, v["household_id"].as_i64(), v["relation"].as_str()),
        (StatusCode::OK, Some(household), Some("child")),
        "{v}"
    );
    let (s, v) = put(
        &t,
        &format!("/api/v1/people/{cid}"),
        json!({"name": "刘伟", "kind": "registered", "grid": GRID, "household_id": null, "version": 2}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["household_id"].is_null() && v["relation"].is_null(), "{v}");
    let (_, v) = t.get(&format!("/api/v1/households?house_id={hid}")).await;
    assert_eq!(v["total"], 1);
    let (_, v) = t.get("/api/v1/households?number=3701050001").await;
    assert_eq!(v["total"], 1);

    // The household itself, with its version.
    let edit = json!({"grid": GRID, "house_id": hid, "number": "3701050002", "version": 1});
    let (s, v) = put(&t, &format!("/api/v1/households/{household}"), edit.clone()).await;
    assert_eq!(
        (s, v["household"]["version"].as_i64()),
        (StatusCode::OK, Some(2)),
        "{v}"
    );
    assert_eq!(v["members"].as_array().unwrap().len(), 1);
    let (s, v) = put(&t, &format!("/api/v1/households/{household}"), edit).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "stale_version"));

    // Out of scope: another street's accounts do not see it.
    t.login("admin").await;
    let (s, v) = post(&t, "/api/v1/households", json!({"grid": OTHER_STREET_GRID})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let theirs = v["household"]["id"].as_i64().unwrap();
    assert_eq!(
        audit_actions(&t, "household", household).await,
        ["household.update", "household.create"]
    );
    t.login("gridworker").await;
    let (s, v) = t.get(&format!("/api/v1/households/{theirs}")).await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "household_not_found"));
    let (s, v) = post(
        &t,
        "/api/v1/people",
        json!({"name": "刘芳", "kind": "registered", "grid": GRID, "household_id": theirs}),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "household_not_found"));
    assert_eq!(t.get("/api/v1/households").await.1["total"], 1);
}

fn member(name: &str, seq: u16, relation: &str) -> Value {
    json!({"person": {"name": name, "kind": "registered", "id_number": id_number(seq)}, "relation": relation})
}

/// Rows of the registry's tables and the audit log, to prove a refusal wrote nothing.
async fn counts(t: &TestApp) -> [i64; 3] {
    [
        t.count("household").await,
        t.count("person").await,
        t.count("audit_log").await,
    ]
}

#[tokio::test]
async fn collecting_a_household_is_all_or_nothing() {
    let t = TestApp::demo().await;
    t.login("gridworker").await;
    let before = counts(&t).await;
    let mut bad_check = id_number(30);
    let last = if bad_check.ends_with('1') { "2" } else { "1" };
    bad_check.replace_range(17.., last);
    let mut bad = member("刘小", 32, "child");
    bad["person"]["id_number"] = json!(bad_check);
    bad["person"]["phone"] = json!("12345");
    let body = json!({
        "household": {"grid": GRID, "number": "HH-1"},
        "members": [member("陈刚", 20, "户主"), member("李梅", 22, "spouse"), bad, member("陈某", 24, "head"),
                    {"person": {"name": "", "kind": "x"}, "relation": "cousin"}],
    });
    let (s, v) = post(&t, "/api/v1/households/collect", body).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    has(
        &v,
        &[
            "members[2].id_number:id_check_digit",
            "members[3].relation:household_has_head",
            "members[4].name:required",
            "members[4].kind:unknown_kind",
            "members[4].relation:unknown_relation",
        ],
    );
    assert!(
        fields(&v).iter().any(|f| f.starts_with("members[2].phone:")),
        "{v}"
    );
    assert!(!v.to_string().contains(&bad_check), "no number echoed");
    assert_eq!(counts(&t).await, before, "nothing written");

    // A member that cannot be written (a number the district has) undoes the whole collection.
    t.login("admin").await;
    let (s, v) = post(
        &t,
        "/api/v1/people",
        json!({"name": "王五", "kind": "registered", "grid": OTHER_STREET_GRID, "id_number": id_number(40)}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    t.login("gridworker").await;
    let before = counts(&t).await;
    let body = json!({
        "household": {"grid": GRID, "number": "HH-1"},
        "members": [member("陈刚", 20, "head"), member("王五", 40, "other")],
    });
    let (s, v) = post(&t, "/api/v1/households/collect", body).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::CONFLICT, "duplicate_id_number"),
        "{v}"
    );
    assert_eq!(counts(&t).await, before, "nothing written");

    // Recorded: the household and three members, numbers masked.
    let body = json!({
        "household": {"grid": GRID, "number": "hh-1", "address": "幸福路12号1单元101"},
        "members": [member("李梅", 22, "spouse"), member("陈刚", 20, "户主"), member("陈小", 24, "child")],
    });
    let (s, v) = post(&t, "/api/v1/households/collect", body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let household = v["household"]["id"].as_i64().unwrap();
    assert_eq!(v["household"]["number"], "HH-1");
    let members = v["members"].as_array().unwrap();
    assert_eq!(members.len(), 3);
    assert_eq!(
        (members[0]["name"].as_str(), members[0]["relation"].as_str()),
        (Some("陈刚"), Some("head"))
    );
    assert!(
        members
            .iter()
            .all(|m| m["grid"] == GRID && m["household_id"] == household)
    );
    assert!(!v.to_string().contains(&id_number(20)));
    let spouse = members.iter().find(|m| m["name"] == "李梅").unwrap()["id"]
        .as_i64()
        .unwrap();

    // Again, on the next visit: the household and a member edited with their versions, a new
    // member added. A second head is refused, and so is a stale version; nothing is written.
    let before = counts(&t).await;
    let again = |hv: i64, sv: i64, relation: &str| {
        json!({
            "household": {"id": household, "version": hv, "grid": GRID, "number": "HH-1", "note": "复核"},
            "members": [
                {"person_id": spouse, "version": sv, "person": {"name": "李梅", "kind": "registered", "grid": GRID, "phone": "13600136000"}, "relation": relation},
                member("陈小小", 26, "grandchild"),
            ],
        })
    };
    let (s, v) = post(&t, "/api/v1/households/collect", again(1, 1, "head")).await;
    assert_eq!(
        (s, fields(&v)),
        (
            StatusCode::BAD_REQUEST,
            vec!["members[0].relation:household_has_head".to_owned()]
        ),
        "{v}"
    );
    let (s, v) = post(&t, "/api/v1/households/collect", again(1, 7, "spouse")).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "stale_version"));
    let (s, v) = post(&t, "/api/v1/households/collect", again(7, 1, "spouse")).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "stale_version"));
    let (s, v) = post(
        &t,
        "/api/v1/households/collect",
        json!({"household": {"id": household, "grid": GRID}}),
    )
    .await;
    assert_eq!(
        (s, fields(&v)),
        (
            StatusCode::BAD_REQUEST,
            vec!["household.version:required".to_owned()]
        )
    );
    assert_eq!(counts(&t).await, before, "nothing written");
    let (s, v) = post(&t, "/api/v1/households/collect", again(1, 1, "spouse")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (
            v["household"]["version"].as_i64(),
            v["household"]["note"].as_str()
        ),
        (Some(2), Some("复核"))
    );
    assert_eq!(v["members"].as_array().unwrap().len(), 4);
    let (_, p) = t.get(&format!("/api/v1/people/{spouse}")).await;
    assert_eq!(
        (p["version"].as_i64(), p["phone"].as_str()),
        (Some(2), Some("136****6000")),
        "{p}"
    );
    assert_eq!(
        p["id_number"].as_str().unwrap().len(),
        18,
        "the number left out stays"
    );

    // Out of scope: another street's household, or a grid there.
    let (s, v) = post(
        &t,
        "/api/v1/households/collect",
        json!({"household": {"grid": OTHER_STREET_GRID}}),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "region_not_found"));
    // The next grid: in the community operator's scope, not in the household's grid tree.
    t.login("community").await;
    let (s, v) = post(
        &t,
        "/api/v1/households/collect",
        json!({"household": {"grid": GRID}, "members": [{"person": {"name": "某", "kind": "registered", "grid": SIBLING_GRID}, "relation": "other"}]}),
    )
    .await;
    assert_eq!(
        (s, fields(&v)),
        (
            StatusCode::BAD_REQUEST,
            vec!["members[0].grid:household_in_other_grid".to_owned()]
        )
    );

    // Every write is in the audit log, in the household's grid, numbers masked.
    t.login("admin").await;
    assert_eq!(
        audit_actions(&t, "household", household).await,
        ["household.update", "household.create"]
    );
    assert_eq!(
        audit_actions(&t, "person", spouse).await,
        ["person.update", "person.create"]
    );
    let (_, v) = t
        .get("/api/v1/audit?entity_type=person&action=person.create")
        .await;
    assert!(v["total"].as_i64().unwrap() >= 4, "{v}");
    assert!(!v.to_string().contains(&id_number(20)) && !v.to_string().contains("13600136000"));
}

#[tokio::test]
async fn the_demo_residents_live_in_households_in_houses_in_buildings() {
    let t = TestApp::demo().await;
    let n = gridgov_app::demo::people::write_people(&t.app, "370105000000", 500)
        .await
        .unwrap();
    assert_eq!(n, 500);
    assert_eq!(t.count("person").await, 500);
    let households = t.count("household").await;
    assert!((150..=250).contains(&households), "{households} households");
    // Every resident is in a household, every household has one head and lives in a flat.
    let scalar = |sql: &str| {
        let sql = sql.to_owned();
        let t = &t;
        async move {
            #[derive(sea_orm::FromQueryResult)]
            struct N {
                n: i64,
            }
            use sea_orm::FromQueryResult;
            let conn = t.app.db.conn();
            let st = sea_orm::Statement::from_string(conn.get_database_backend(), sql);
            N::find_by_statement(st).one(conn).await.unwrap().unwrap().n
        }
    };
    assert_eq!(
        scalar("SELECT COUNT(*) AS n FROM person WHERE household_id IS NULL").await,
        0
    );
    assert_eq!(
        scalar("SELECT COUNT(*) AS n FROM person WHERE relation = 'head'").await,
        households
    );
    assert_eq!(
        scalar("SELECT COUNT(*) AS n FROM household WHERE house_id IS NULL").await,
        0
    );
    assert_eq!(
        scalar("SELECT COUNT(*) AS n FROM household h JOIN house o ON o.id = h.house_id WHERE o.occupancy = 'vacant' OR o.region_code <> h.region_code").await,
        0
    );
    assert!(t.count("house").await > households);
    assert!(t.count("building").await >= 1);
    // Lists show each household's head and size.
    let (s, v) = t.get("/api/v1/households?page_size=100").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 100);
    let members: i64 = items.iter().map(|h| h["member_count"].as_i64().unwrap()).sum();
    assert!(members >= 100, "{members}");
    assert!(
        items
            .iter()
            .all(|h| h["head_name"].is_string() && h["number"].is_string())
    );
}

#[tokio::test]
async fn a_collection_sent_again_with_its_key_is_recorded_once() {
    let t = TestApp::demo().await;
    t.login("gridworker").await;
    // Members without ID numbers: nothing else would stop a second copy.
    let body = json!({
        "household": {"grid": GRID},
        "members": [{"person": {"name": "赵大", "kind": "registered"}, "relation": "head"},
                    {"person": {"name": "赵小", "kind": "registered"}, "relation": "child"}],
        "idempotency_key": "phone-7f3a9c21",
    });
    let (s, first) = post(&t, "/api/v1/households/collect", body.clone()).await;
    assert!(s.is_success(), "{first}");
    let after_first = counts(&t).await;
    let (s, again) = post(&t, "/api/v1/households/collect", body.clone()).await;
    assert!(s.is_success(), "{again}");
    assert_eq!(again["household"]["id"], first["household"]["id"]);
    assert_eq!(again["members"].as_array().unwrap().len(), 2);
    assert_eq!(counts(&t).await, after_first, "nothing written the second time");
    // Another key is another household; a malformed key is refused.
    let mut other = body.clone();
    other["idempotency_key"] = json!("phone-other-key");
    let (s, v) = post(&t, "/api/v1/households/collect", other).await;
    assert!(s.is_success(), "{v}");
    assert_ne!(v["household"]["id"], first["household"]["id"]);
    let mut bad = body;
    bad["idempotency_key"] = json!("short");
    let (s, v) = post(&t, "/api/v1/households/collect", bad).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::BAD_REQUEST, "validation_failed"),
        "{v}"
    );
}
