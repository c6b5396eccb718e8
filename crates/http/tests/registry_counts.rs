//! The registry's counts per district, street, community and grid over HTTP: equal to what was
//! recorded, rolled up to every level, split over the children, within the reader's scope.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::{TestApp, code};
use gridgov_domain::sla::shanghai;
use serde_json::{Value, json};

const DISTRICT: &str = "370105000000";
const STREET: &str = "370105001000";
const COMMUNITY: &str = "370105001001";
const GRID: &str = "370105001001001";
const SIBLING_GRID: &str = "370105001001002";
const OTHER_STREET: &str = "370105003000";
const OTHER_STREET_GRID: &str = "370105003001001";

async fn created(t: &TestApp, uri: &str, body: Value) -> Value {
    let (s, v) = t.post(uri, body).await;
    assert_eq!(s, StatusCode::CREATED, "{uri}: {v}");
    v
}

async fn person(t: &TestApp, grid: &str, kind: &str) -> i64 {
    let v = created(
        t,
        "/api/v1/people",
        json!({"name": "计数", "kind": kind, "grid": grid}),
    )
    .await;
    v["id"].as_i64().unwrap()
}

/// Records a known set of everything, by the admin.
async fn record_everything(t: &TestApp) {
    use gridgov_app::clock::Clock;
    let today = t.clock.now().with_timezone(&shanghai()).date_naive();
    let long_ago = (today - Duration::days(40)).format("%Y-%m-%d").to_string();
    t.login("admin").await;
    let a = person(t, GRID, "registered").await;
    let b = person(t, GRID, "registered").await;
    person(t, GRID, "floating").await;
    let c = person(t, SIBLING_GRID, "overseas").await;
    person(t, OTHER_STREET_GRID, "registered").await;
    let building = created(
        t,
        "/api/v1/buildings",
        json!({"grid": GRID, "name": "1号楼", "floors": 6, "units": 2}),
    )
    .await;
    created(
        t,
        "/api/v1/houses",
        json!({"building_id": building["id"], "unit": 1, "floor": 1, "room": "101",
               "use": "residential", "ownership": "private", "occupancy": "rented"}),
    )
    .await;
    created(t, "/api/v1/households", json!({"grid": GRID})).await;
    created(t, "/api/v1/households", json!({"grid": OTHER_STREET_GRID})).await;
    // In the grid: one member overdue, one on time; in the sibling grid one on time and one
    // who left (not counted).
    for (p, body) in [
        (a, json!({"group": "elderly_alone", "joined_on": long_ago})),
        (b, json!({"group": "elderly_alone"})),
        (c, json!({"group": "low_income"})),
    ] {
        created(t, &format!("/api/v1/people/{p}/care"), body).await;
    }
    let left = created(
        t,
        &format!("/api/v1/people/{c}/care"),
        json!({"group": "disabled", "joined_on": long_ago}),
    )
    .await;
    let (s, v) = t
        .put(
            &format!("/api/v1/care/{}", left["id"]),
            json!({"visit_days": 30, "ended_on": long_ago, "version": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let uscc = gridgov_domain::uscc::Uscc::synthetic("370105", 5);
    created(
        t,
        "/api/v1/organisations",
        json!({"grid": GRID, "name": "甲公司", "kind": "enterprise", "uscc": uscc.as_str()}),
    )
    .await;
    created(
        t,
        "/api/v1/organisations",
        json!({"grid": OTHER_STREET_GRID, "name": "乙店", "kind": "shop"}),
    )
    .await;
    let (lon, lat) = t.centre_of(GRID).await;
    for state in ["normal", "damaged"] {
        created(
            t,
            "/api/v1/facilities",
            json!({"kind": "street_lamp", "lon": lon, "lat": lat, "state": state}),
        )
        .await;
    }
}

fn child<'a>(v: &'a Value, code: &str) -> &'a Value {
    v["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap_or_else(|| panic!("no child {code} in {v}"))
}

#[tokio::test]
async fn counts_equal_what_was_recorded_at_every_level() {
    let t = TestApp::demo().await;
    record_everything(&t).await;

    // The district (the admin's default), split by street.
    let (s, v) = t.get("/api/v1/registry/counts").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((&v["code"], &v["level"]), (&json!(DISTRICT), &json!("district")));
    let c = &v["counts"];
    assert_eq!(
        c["people"],
        json!({"registered": 3, "floating": 1, "overseas": 1})
    );
    assert_eq!(
        (
            &c["people_total"],
            &c["households"],
            &c["buildings"],
            &c["houses"]
        ),
        (&json!(5), &json!(2), &json!(1), &json!(1))
    );
    assert_eq!(c["care_total"], json!({"members": 3, "overdue": 1}));
    assert_eq!(c["care"]["elderly_alone"], json!({"members": 2, "overdue": 1}));
    assert_eq!(c["care"]["low_income"], json!({"members": 1, "overdue": 0}));
    assert_eq!(c["care"]["disabled"], json!({"members": 0, "overdue": 0}));
    assert_eq!(c["organisations"]["enterprise"], 1);
    assert_eq!(c["organisations"]["shop"], 1);
    assert_eq!(c["organisations"]["school"], 0);
    assert_eq!(
        c["facilities"],
        json!({"normal": 1, "damaged": 1, "missing": 0, "removed": 0})
    );
    let street = &child(&v, STREET)["counts"];
    assert_eq!(
        (&street["people_total"], &street["households"]),
        (&json!(4), &json!(1))
    );
    assert_eq!(street["care_total"], json!({"members": 3, "overdue": 1}));
    let other = &child(&v, OTHER_STREET)["counts"];
    assert_eq!(
        (
            &other["people_total"],
            &other["organisations"]["shop"],
            &other["care_total"]["members"]
        ),
        (&json!(1), &json!(1), &json!(0))
    );
    // Every child is listed, with zeros where nothing is recorded.
    assert!(v["children"].as_array().unwrap().len() >= 3);

    // A community, split by grid.
    let (s, v) = t
        .get(&format!("/api/v1/registry/counts?region={COMMUNITY}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["counts"]["people_total"], 4);
    let grid = &child(&v, GRID)["counts"];
    assert_eq!(
        grid["people"],
        json!({"registered": 2, "floating": 1, "overseas": 0})
    );
    assert_eq!(
        (&grid["buildings"], &grid["houses"], &grid["households"]),
        (&json!(1), &json!(1), &json!(1))
    );
    assert_eq!(grid["care"]["elderly_alone"], json!({"members": 2, "overdue": 1}));
    assert_eq!(grid["facilities"]["damaged"], 1);
    let sibling = &child(&v, SIBLING_GRID)["counts"];
    assert_eq!(
        (&sibling["people"]["overseas"], &sibling["care_total"]),
        (&json!(1), &json!({"members": 1, "overdue": 0}))
    );
    // A grid by itself.
    let (_, v) = t.get(&format!("/api/v1/registry/counts?region={GRID}")).await;
    assert_eq!(
        (&v["level"], &v["counts"]["people_total"]),
        (&json!("grid"), &json!(3))
    );

    // Overdue moves with the clock: 8 days on, the member who joined today is overdue too.
    t.clock.advance(Duration::days(8));
    t.login("admin").await;
    let (_, v) = t.get(&format!("/api/v1/registry/counts?region={GRID}")).await;
    assert_eq!(v["counts"]["care_total"], json!({"members": 2, "overdue": 2}));
}

#[tokio::test]
async fn counts_are_scoped() {
    let t = TestApp::demo().await;
    record_everything(&t).await;
    // A community operator starts at their community and sees nothing of other streets.
    t.login("community").await;
    let (s, v) = t.get("/api/v1/registry/counts").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (&v["code"], &v["counts"]["people_total"]),
        (&json!(COMMUNITY), &json!(4))
    );
    for region in [OTHER_STREET, DISTRICT, STREET, "370105001002"] {
        let (s, v) = t.get(&format!("/api/v1/registry/counts?region={region}")).await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::NOT_FOUND, "region_not_found"),
            "{region}"
        );
    }
    // A grid worker starts at their grid.
    t.login("gridworker").await;
    let (_, v) = t.get("/api/v1/registry/counts").await;
    assert_eq!(
        (&v["code"], &v["counts"]["people_total"]),
        (&json!(GRID), &json!(3))
    );
    // The leader reads the district; bad input is a 400; departments and residents may not.
    t.login("leader").await;
    let (_, v) = t.get("/api/v1/registry/counts").await;
    assert_eq!(v["counts"]["people_total"], 5);
    let (s, v) = t.get("/api/v1/registry/counts?region=12").await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "validation_failed"));
    let (s, v) = t.get("/api/v1/registry/counts?region=370106000000").await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "region_not_found"));
    for role in ["dept", "resident"] {
        t.login(role).await;
        let (s, _) = t.get("/api/v1/registry/counts").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
    }
}

/// The demo's organisations, facilities and care groups add up in the counts, some care members
/// are overdue and are the ones the overdue list shows, and a member's latest visit is the
/// membership's last visit.
#[tokio::test]
async fn the_demo_places_add_up_in_the_counts() {
    let t = TestApp::demo().await;
    gridgov_app::demo::people::write_people(&t.app, DISTRICT, 660)
        .await
        .unwrap();
    let s = gridgov_app::demo::places::write_places(&t.app, DISTRICT)
        .await
        .unwrap();
    assert_eq!(s.care_members, 20, "one resident in 33");
    assert!(s.visits >= s.care_members, "{s:?}");
    assert_eq!(t.count("organisation").await as usize, s.organisations);
    t.login("admin").await;
    let (st, v) = t.get(&format!("/api/v1/registry/counts?region={DISTRICT}")).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let total = &v["counts"];
    let sum = |m: &Value| {
        m.as_object()
            .unwrap()
            .values()
            .map(|n| n.as_u64().unwrap())
            .sum::<u64>()
    };
    assert_eq!(sum(&total["organisations"]) as usize, s.organisations);
    assert_eq!(sum(&total["facilities"]) as usize, s.facilities);
    assert!(total["facilities"]["damaged"].as_u64().unwrap() > 0);
    assert_eq!(
        total["care_total"]["members"].as_u64().unwrap() as usize,
        s.care_members
    );
    let overdue = total["care_total"]["overdue"].as_u64().unwrap();
    assert!((1..20).contains(&overdue), "some, not all, overdue: {overdue}");

    let (_, list) = t.get("/api/v1/care?overdue=true&page_size=100").await;
    assert_eq!(list["total"].as_u64().unwrap(), overdue, "{list}");
    let member = &list["items"][0];
    let (_, visits) = t.get(&format!("/api/v1/care/{}/visits", member["id"])).await;
    assert_eq!(
        visits["items"][0]["visited_on"], member["last_visit_on"],
        "{visits}"
    );
    let (_, orgs) = t.get("/api/v1/organisations?kind=school&page_size=1").await;
    let org = &orgs["items"][0];
    assert!(org["uscc"].as_str().unwrap().starts_with("91370105"), "{org}");
    assert!(
        org["contact_phone"].as_str().unwrap().contains('*'),
        "masked: {org}"
    );
}
