//! The authorisation matrix: every endpoint × every demo role × in scope / out of scope → the
//! expected status. Out of scope answers 404 (the region is not revealed to exist); a missing
//! permission answers 403; no session answers 401. Every later issue adds its endpoints here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use axum::http::StatusCode;
use common::TestApp;

const ROLES: [&str; 9] = [
    "anonymous",
    "admin",
    "leader",
    "street",
    "community",
    "gridleader",
    "gridworker",
    "dept",
    "resident",
];

/// In scope for the street, community and grid accounts: their own grid (370105001001001).
/// Out of scope for all three: a grid of another street (370105003xxx).
const IN: &str = "370105001001001";
const OUT_STREET: &str = "370105003000";

fn row(all: u16, street: u16, community: u16, grid: u16, dept: u16, resident: u16) -> [u16; 9] {
    [401, all, all, street, community, grid, grid, dept, resident]
}

#[tokio::test]
async fn every_endpoint_for_every_role() {
    let t = TestApp::demo().await;
    let (_, v) = t.get(&format!("/api/v1/regions?parent={OUT_STREET}")).await;
    let out_community = v["items"][0]["code"].as_str().unwrap().to_owned();
    let out_grid = format!("{out_community}001");
    let (_, v) = t.get("/api/v1/users?q=gridworker").await;
    let worker_id = v["items"][0]["id"].as_i64().unwrap();
    let admin_only = [401, 200, 403, 403, 403, 403, 403, 403, 403];
    const W400: [u16; 9] = [401, 400, 403, 400, 400, 403, 403, 403, 403];
    // Two cases of 城管's category, reported by the admin: one in the scope of the street,
    // community and grid accounts, one in another street.
    let (_, v) = t.get("/api/v1/case-categories").await;
    let garbage_row = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "sanitation.garbage")
        .unwrap()
        .clone();
    let garbage = garbage_row["id"].clone();
    // An edit of the category that changes nothing: allowed for the district administrator, and
    // it leaves the category as it was for the roles after it.
    let mut same = serde_json::json!({});
    for k in [
        "parent_code",
        "name",
        "owner_level",
        "department_id",
        "accept_minutes",
        "handle_minutes",
        "ack_minutes",
        "time_mode",
        "direct_channel",
        "auto_escalate",
        "enabled",
        "version",
    ] {
        same[k] = garbage_row[k].clone();
    }
    let mut case_ids = Vec::new();
    for (grid, key) in [(IN, "matrix-case-in"), (out_grid.as_str(), "matrix-case-out")] {
        let (lon, lat) = t.centre_of(grid).await;
        let body = serde_json::json!({"category_id": garbage, "description": "垃圾堆放", "lon": lon, "lat": lat, "idempotency_key": key});
        let (s, v, _) = t.send("POST", "/api/v1/cases", Some(body), &[]).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        case_ids.push(v["case"]["id"].as_i64().unwrap());
    }
    let (in_case, out_case) = (case_ids[0], case_ids[1]);
    // Two people, registered by the admin: one in the grid accounts' grid, one in another street.
    let mut person_ids = Vec::new();
    for grid in [IN, out_grid.as_str()] {
        let body =
            serde_json::json!({"name": "矩阵", "kind": "registered", "grid": grid, "phone": "13800138000"});
        let (s, v, _) = t.send("POST", "/api/v1/people", Some(body), &[]).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        person_ids.push(v["id"].as_i64().unwrap());
    }
    let (in_person, out_person) = (person_ids[0], person_ids[1]);
    // A building with a house, and a household, in each of the same two grids.
    let mut place_ids = Vec::new();
    for grid in [IN, out_grid.as_str()] {
        let body = serde_json::json!({"grid": grid, "name": "1号楼", "floors": 6, "units": 2});
        let (s, b, _) = t.send("POST", "/api/v1/buildings", Some(body), &[]).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let body = serde_json::json!({"building_id": b["id"], "unit": 1, "floor": 1, "room": "101",
            "use": "residential", "ownership": "private", "occupancy": "owner_occupied"});
        let (s, h, _) = t.send("POST", "/api/v1/houses", Some(body), &[]).await;
        assert_eq!(s, StatusCode::CREATED, "{h}");
        let body = serde_json::json!({"grid": grid, "house_id": h["id"]});
        let (s, d, _) = t.send("POST", "/api/v1/households", Some(body), &[]).await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
        place_ids.push((
            b["id"].as_i64().unwrap(),
            h["id"].as_i64().unwrap(),
            d["household"]["id"].as_i64().unwrap(),
        ));
    }
    let ((in_building, in_house, in_household), (out_building, out_house, out_household)) =
        (place_ids[0], place_ids[1]);
    // An organisation, a facility and a care group membership in each of the same two grids.
    let mut thing_ids = Vec::new();
    for (grid, person) in [(IN, in_person), (out_grid.as_str(), out_person)] {
        let body = serde_json::json!({"grid": grid, "name": "矩阵小店", "kind": "shop"});
        let (s, o, _) = t.send("POST", "/api/v1/organisations", Some(body), &[]).await;
        assert_eq!(s, StatusCode::CREATED, "{o}");
        let (lon, lat) = t.centre_of(grid).await;
        let body = serde_json::json!({"kind": "street_lamp", "lon": lon, "lat": lat});
        let (s, f, _) = t.send("POST", "/api/v1/facilities", Some(body), &[]).await;
        assert_eq!(s, StatusCode::CREATED, "{f}");
        let body = serde_json::json!({"group": "elderly_alone"});
        let uri = format!("/api/v1/people/{person}/care");
        let (s, m, _) = t.send("POST", &uri, Some(body), &[]).await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        thing_ids.push((
            o["id"].as_i64().unwrap(),
            f["id"].as_i64().unwrap(),
            m["id"].as_i64().unwrap(),
        ));
    }
    let ((in_org, in_facility, in_care), (out_org, out_facility, out_care)) = (thing_ids[0], thing_ids[1]);
    // A deliberation topic in each of the same two grids, raised by the admin.
    let mut topic_ids = Vec::new();
    for grid in [IN, out_grid.as_str()] {
        let body = serde_json::json!({"title": "楼道照明", "description": "灯坏了", "category": "facilities", "area": grid});
        let (s, v, _) = t.send("POST", "/api/v1/topics", Some(body), &[]).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        topic_ids.push(v["id"].as_i64().unwrap());
    }
    let (in_topic, out_topic) = (topic_ids[0], topic_ids[1]);
    // A planned meeting in each of the same two grids, planned by the admin.
    let mut meeting_ids = Vec::new();
    for grid in [IN, out_grid.as_str()] {
        let body =
            serde_json::json!({"title": "议题半月谈", "area": grid, "starts_at": "2026-12-10T07:00:00Z"});
        let (s, v, _) = t.send("POST", "/api/v1/meetings", Some(body), &[]).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        meeting_ids.push(v["id"].as_i64().unwrap());
    }
    let (in_m, out_m) = (meeting_ids[0], meeting_ids[1]);
    // A resolution in each of the same two grids: at a meeting of its own, one representative
    // votes a free proposal through; the admin publishes it with no notice period.
    let mut resolution_ids = Vec::new();
    for grid in [IN, out_grid.as_str()] {
        let app = &t;
        let call = |method: &'static str, uri: String, body: serde_json::Value| async move {
            let (s, v, _) = app.send(method, &uri, Some(body), &[]).await;
            assert!(s.is_success(), "{method} {uri}: {s} {v}");
            v
        };
        let body = serde_json::json!({"title": "议事会", "area": grid, "starts_at": "2026-12-10T07:00:00Z"});
        let m = call("POST", "/api/v1/meetings".into(), body).await["id"]
            .as_i64()
            .unwrap();
        let body = serde_json::json!({"name": "王建国", "role": "resident_rep"});
        let rep = call("POST", format!("/api/v1/meetings/{m}/participants"), body).await["id"].clone();
        let body = serde_json::json!({"title": "更换楼道灯"});
        let p = call("POST", format!("/api/v1/meetings/{m}/proposals"), body).await["id"]
            .as_i64()
            .unwrap();
        let body = serde_json::json!({"action": "start", "version": 1});
        call("POST", format!("/api/v1/meetings/{m}/actions"), body).await;
        let body = serde_json::json!({"participant_id": rep});
        call("POST", format!("/api/v1/meetings/{m}/check-ins"), body).await;
        call(
            "POST",
            format!("/api/v1/proposals/{p}/open"),
            serde_json::json!({}),
        )
        .await;
        let body = serde_json::json!({"participant_id": rep, "choice": "for"});
        call("POST", format!("/api/v1/proposals/{p}/ballots"), body).await;
        call(
            "POST",
            format!("/api/v1/proposals/{p}/close"),
            serde_json::json!({}),
        )
        .await;
        let body = serde_json::json!({"proposal_id": p, "text": "由物业更换", "notice_days": 0});
        let r = call("POST", "/api/v1/resolutions".into(), body).await;
        resolution_ids.push(r["resolution"]["id"].as_i64().unwrap());
    }
    let (in_r, out_r) = (resolution_ids[0], resolution_ids[1]);
    // Writers past the permission check (a 400 for an empty body); the rest refused.
    let writers = [401, 400, 403, 400, 400, 400, 400, 403, 403];
    // A well-formed edit of a record with a version nobody read: 409 where the record is
    // visible, 404 where not.
    let stale_out = [401, 409, 403, 404, 404, 404, 404, 403, 403];
    let cases: Vec<(String, [u16; 9])> = vec![
        ("/api/v1/users".into(), admin_only),
        (format!("/api/v1/users/{worker_id}"), admin_only),
        (format!("/api/v1/users/{worker_id}/scope"), admin_only),
        (
            "/api/v1/users/999999".into(),
            [401, 404, 403, 403, 403, 403, 403, 403, 403],
        ),
        (
            "/api/v1/roles".into(),
            [401, 200, 200, 403, 403, 403, 403, 403, 403],
        ),
        ("/api/v1/audit".into(), admin_only),
        // Unsafe methods with a body the server refuses after the authorisation check: a 400
        // shows the caller got past authentication and permission.
        (
            "PUT /api/v1/users/1/roles".into(),
            [401, 400, 403, 403, 403, 403, 403, 403, 403],
        ),
        (
            "POST /api/v1/roles".into(),
            [401, 400, 403, 403, 403, 403, 403, 403, 403],
        ),
        (
            "POST /api/v1/users".into(),
            [401, 400, 403, 403, 403, 403, 403, 403, 403],
        ),
        (
            format!("PUT /api/v1/users/{worker_id}"),
            [401, 400, 403, 403, 403, 403, 403, 403, 403],
        ),
        (
            format!("PUT /api/v1/users/{worker_id}/password"),
            [401, 400, 403, 403, 403, 403, 403, 403, 403],
        ),
        // Everyone signed in may change their own password.
        (
            "POST /api/v1/auth/password".into(),
            [401, 400, 400, 400, 400, 400, 400, 400, 400],
        ),
        (
            "/api/v1/case-categories".into(),
            [401, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        // Writing categories: the district administrator only (district-wide scope).
        (
            "POST /api/v1/case-categories".into(),
            [401, 400, 403, 403, 403, 403, 403, 403, 403],
        ),
        (
            format!("PUT /api/v1/case-categories/{garbage}"),
            [401, 400, 403, 403, 403, 403, 403, 403, 403],
        ),
        (
            format!("PUT /api/v1/case-categories/{garbage} {same}"),
            [401, 200, 403, 403, 403, 403, 403, 403, 403],
        ),
        (
            "PUT /api/v1/case-categories/999999 {\"name\":\"x\",\"enabled\":true,\"version\":1}".into(),
            [401, 404, 403, 403, 403, 403, 403, 403, 403],
        ),
        (
            "/api/v1/cases".into(),
            [401, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "/api/v1/cases?inbox=department".into(),
            [401, 403, 403, 403, 403, 403, 403, 200, 403],
        ),
        (
            format!("/api/v1/cases/{in_case}"),
            [401, 200, 200, 200, 200, 200, 200, 200, 404],
        ),
        (
            format!("/api/v1/cases/{out_case}"),
            [401, 200, 200, 404, 404, 404, 404, 200, 404],
        ),
        (
            "POST /api/v1/cases".into(),
            [401, 400, 403, 400, 400, 400, 400, 400, 400],
        ),
        // A well-formed action nobody may take on a reported case: 409 where the case is
        // visible, 404 where it is not.
        (
            format!("POST /api/v1/cases/{in_case}/actions {{\"action\":\"rate\",\"version\":1}}"),
            [401, 409, 409, 409, 409, 409, 409, 409, 404],
        ),
        (
            format!("POST /api/v1/cases/{out_case}/actions {{\"action\":\"rate\",\"version\":1}}"),
            [401, 409, 409, 404, 404, 404, 404, 409, 404],
        ),
        // GET /api/v1/cases/events streams forever when allowed; its 401 and its filtering
        // per role are tested in cases_api (open_pages_hear_of_changes_they_may_see).
        // A JSON body is no photo: 415 once past scope and party checks.
        (
            format!("POST /api/v1/cases/{in_case}/photos"),
            [401, 415, 403, 415, 415, 415, 415, 415, 404],
        ),
        (
            format!("POST /api/v1/cases/{out_case}/photos"),
            [401, 415, 403, 404, 404, 404, 404, 415, 404],
        ),
        (
            "/api/v1/photos/999999".into(),
            [401, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "DELETE /api/v1/photos/999999".into(),
            [401, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "/api/v1/kpis?month=2026-10".into(),
            [401, 200, 200, 200, 200, 403, 403, 403, 403],
        ),
        (
            format!("/api/v1/kpis?month=2026-10&region={OUT_STREET}"),
            [401, 200, 200, 404, 404, 403, 403, 403, 403],
        ),
        // The registry: centres and grid staff in their scope; grid staff do not reveal.
        ("/api/v1/people".into(), row(200, 200, 200, 200, 403, 403)),
        (
            "POST /api/v1/people/search".into(),
            [401, 200, 200, 200, 200, 200, 200, 403, 403],
        ),
        (
            format!("/api/v1/people/{in_person}"),
            row(200, 200, 200, 200, 403, 403),
        ),
        (
            format!("/api/v1/people/{out_person}"),
            row(200, 404, 404, 404, 403, 403),
        ),
        // An edit without a body: refused after the permission check; a stale edit: 409 where
        // the person is visible, 404 where not.
        (
            format!("PUT /api/v1/people/{in_person}"),
            [401, 400, 403, 400, 400, 400, 400, 403, 403],
        ),
        (
            format!(
                "PUT /api/v1/people/{out_person} {{\"name\":\"x\",\"kind\":\"registered\",\"grid\":\"{IN}\",\"version\":99}}"
            ),
            [401, 409, 403, 404, 404, 404, 404, 403, 403],
        ),
        (
            "POST /api/v1/people".into(),
            [401, 400, 403, 400, 400, 400, 400, 403, 403],
        ),
        (
            format!("POST /api/v1/people/{in_person}/reveal"),
            [401, 400, 403, 400, 400, 403, 403, 403, 403],
        ),
        (
            format!("POST /api/v1/people/{in_person}/reveal {{\"field\":\"phone\"}}"),
            [401, 200, 403, 200, 200, 403, 403, 403, 403],
        ),
        (
            format!("POST /api/v1/people/{out_person}/reveal {{\"field\":\"phone\"}}"),
            [401, 200, 403, 404, 404, 403, 403, 403, 403],
        ),
        (
            format!("/api/v1/people/{in_person}/history"),
            row(200, 200, 200, 200, 403, 403),
        ),
        (
            format!("/api/v1/people/{out_person}/history"),
            row(200, 404, 404, 404, 403, 403),
        ),
        // Import and export: writers import (an upload of `{}` names no columns: refused after
        // the permission check); readers export masked numbers, revealers whole ones.
        (
            "/api/v1/people/import/template".into(),
            [401, 200, 403, 200, 200, 200, 200, 403, 403],
        ),
        (
            "POST /api/v1/people/import".into(),
            [401, 400, 403, 400, 400, 400, 400, 403, 403],
        ),
        (
            "POST /api/v1/people/import/errors".into(),
            [401, 400, 403, 400, 400, 400, 400, 403, 403],
        ),
        (
            "/api/v1/people/export?format=csv".into(),
            row(200, 200, 200, 200, 403, 403),
        ),
        (
            format!("/api/v1/people/export?region={out_grid}"),
            row(200, 404, 404, 404, 403, 403),
        ),
        (
            "/api/v1/people/export?whole_numbers=true".into(),
            [401, 200, 403, 200, 200, 403, 403, 403, 403],
        ),
        // Buildings and houses: like people, with registry:house:*.
        ("/api/v1/buildings".into(), row(200, 200, 200, 200, 403, 403)),
        ("POST /api/v1/buildings".into(), writers),
        (
            format!("/api/v1/buildings/{in_building}"),
            row(200, 200, 200, 200, 403, 403),
        ),
        (
            format!("/api/v1/buildings/{out_building}"),
            row(200, 404, 404, 404, 403, 403),
        ),
        (format!("PUT /api/v1/buildings/{in_building}"), writers),
        (
            format!(
                "PUT /api/v1/buildings/{out_building} {{\"grid\":\"{IN}\",\"name\":\"x\",\"floors\":6,\"units\":2,\"version\":99}}"
            ),
            stale_out,
        ),
        ("/api/v1/houses".into(), row(200, 200, 200, 200, 403, 403)),
        ("POST /api/v1/houses".into(), writers),
        (
            format!("/api/v1/houses/{in_house}"),
            row(200, 200, 200, 200, 403, 403),
        ),
        (
            format!("/api/v1/houses/{out_house}"),
            row(200, 404, 404, 404, 403, 403),
        ),
        (format!("PUT /api/v1/houses/{in_house}"), writers),
        (
            format!(
                "PUT /api/v1/houses/{out_house} {{\"building_id\":{in_building},\"unit\":1,\"floor\":1,\"room\":\"901\",\"use\":\"other\",\"ownership\":\"other\",\"occupancy\":\"other\",\"version\":99}}"
            ),
            stale_out,
        ),
        // Households: people's records, with registry:person:*.
        ("/api/v1/households".into(), row(200, 200, 200, 200, 403, 403)),
        ("POST /api/v1/households".into(), writers),
        (
            format!("/api/v1/households/{in_household}"),
            row(200, 200, 200, 200, 403, 403),
        ),
        (
            format!("/api/v1/households/{out_household}"),
            row(200, 404, 404, 404, 403, 403),
        ),
        (format!("PUT /api/v1/households/{in_household}"), writers),
        (
            format!("PUT /api/v1/households/{out_household} {{\"grid\":\"{IN}\",\"version\":99}}"),
            stale_out,
        ),
        ("POST /api/v1/households/collect".into(), writers),
        (
            format!(
                "POST /api/v1/households/collect {{\"household\":{{\"id\":{out_household},\"version\":99,\"grid\":\"{IN}\"}}}}"
            ),
            stale_out,
        ),
        (
            format!(
                "POST /api/v1/households/collect {{\"household\":{{\"id\":{in_household},\"version\":99,\"grid\":\"{IN}\"}}}}"
            ),
            [401, 409, 403, 409, 409, 409, 409, 403, 403],
        ),
        // History of places and households: their readers.
        (
            format!("/api/v1/buildings/{in_building}/history"),
            row(200, 200, 200, 200, 403, 403),
        ),
        (
            format!("/api/v1/buildings/{out_building}/history"),
            row(200, 404, 404, 404, 403, 403),
        ),
        (
            format!("/api/v1/houses/{in_house}/history"),
            row(200, 200, 200, 200, 403, 403),
        ),
        (
            format!("/api/v1/houses/{out_house}/history"),
            row(200, 404, 404, 404, 403, 403),
        ),
        (
            format!("/api/v1/households/{in_household}/history"),
            row(200, 200, 200, 200, 403, 403),
        ),
        (
            format!("/api/v1/households/{out_household}/history"),
            row(200, 404, 404, 404, 403, 403),
        ),
        // Organisations, care groups and facilities: like people, with registry:org:*,
        // registry:care:*, registry:facility:*.
        ("/api/v1/organisations".into(), row(200, 200, 200, 200, 403, 403)),
        ("POST /api/v1/organisations".into(), writers),
        (
            format!("/api/v1/organisations/{in_org}"),
            row(200, 200, 200, 200, 403, 403),
        ),
        (
            format!("/api/v1/organisations/{out_org}"),
            row(200, 404, 404, 404, 403, 403),
        ),
        (format!("PUT /api/v1/organisations/{in_org}"), writers),
        (
            format!(
                "PUT /api/v1/organisations/{out_org} {{\"grid\":\"{IN}\",\"name\":\"x\",\"kind\":\"shop\",\"version\":99}}"
            ),
            stale_out,
        ),
        (
            format!("/api/v1/organisations/{in_org}/history"),
            row(200, 200, 200, 200, 403, 403),
        ),
        (
            format!("/api/v1/organisations/{out_org}/history"),
            row(200, 404, 404, 404, 403, 403),
        ),
        ("/api/v1/care".into(), row(200, 200, 200, 200, 403, 403)),
        (
            "/api/v1/care?overdue=true".into(),
            row(200, 200, 200, 200, 403, 403),
        ),
        (format!("POST /api/v1/people/{in_person}/care"), writers),
        // A well-formed join: the admin adds the person (once), the rest cannot see them.
        (
            format!("POST /api/v1/people/{out_person}/care {{\"group\":\"disabled\"}}"),
            [401, 201, 403, 404, 404, 404, 404, 403, 403],
        ),
        (
            format!("/api/v1/care/{in_care}"),
            row(200, 200, 200, 200, 403, 403),
        ),
        (
            format!("/api/v1/care/{out_care}"),
            row(200, 404, 404, 404, 403, 403),
        ),
        (format!("PUT /api/v1/care/{in_care}"), writers),
        (
            format!("PUT /api/v1/care/{out_care} {{\"visit_days\":7,\"version\":99}}"),
            stale_out,
        ),
        (format!("POST /api/v1/care/{in_care}/visits"), writers),
        (
            format!("POST /api/v1/care/{out_care}/visits {{\"way\":\"home\",\"findings\":\"ok\"}}"),
            [401, 201, 403, 404, 404, 404, 404, 403, 403],
        ),
        (
            format!("/api/v1/care/{in_care}/visits"),
            row(200, 200, 200, 200, 403, 403),
        ),
        (
            format!("/api/v1/care/{out_care}/visits"),
            row(200, 404, 404, 404, 403, 403),
        ),
        (
            format!("/api/v1/care/{in_care}/history"),
            row(200, 200, 200, 200, 403, 403),
        ),
        (
            format!("/api/v1/care/{out_care}/history"),
            row(200, 404, 404, 404, 403, 403),
        ),
        ("/api/v1/facilities".into(), row(200, 200, 200, 200, 403, 403)),
        ("POST /api/v1/facilities".into(), writers),
        (
            format!("/api/v1/facilities/{in_facility}"),
            row(200, 200, 200, 200, 403, 403),
        ),
        (
            format!("/api/v1/facilities/{out_facility}"),
            row(200, 404, 404, 404, 403, 403),
        ),
        (format!("PUT /api/v1/facilities/{in_facility}"), writers),
        (
            format!(
                "PUT /api/v1/facilities/{out_facility} {{\"kind\":\"camera\",\"lon\":117.0,\"lat\":36.7,\"grid\":\"{IN}\",\"version\":99}}"
            ),
            stale_out,
        ),
        (
            format!("/api/v1/facilities/{in_facility}/history"),
            row(200, 200, 200, 200, 403, 403),
        ),
        (
            format!("/api/v1/facilities/{out_facility}/history"),
            row(200, 404, 404, 404, 403, 403),
        ),
        // Imports of organisations, facilities and care groups: their writers (an upload of `{}`
        // names no columns: refused after the permission check). Scope is per row — a row in a
        // grid or of a person outside the importer's area is rejected with its line — which
        // `record_files.rs` checks for each record type.
        (
            "/api/v1/organisations/import/template".into(),
            [401, 200, 403, 200, 200, 200, 200, 403, 403],
        ),
        ("POST /api/v1/organisations/import".into(), writers),
        ("POST /api/v1/organisations/import/errors".into(), writers),
        (
            "/api/v1/facilities/import/template".into(),
            [401, 200, 403, 200, 200, 200, 200, 403, 403],
        ),
        ("POST /api/v1/facilities/import".into(), writers),
        ("POST /api/v1/facilities/import/errors".into(), writers),
        (
            "/api/v1/care/import/template".into(),
            [401, 200, 403, 200, 200, 200, 200, 403, 403],
        ),
        ("POST /api/v1/care/import".into(), writers),
        ("POST /api/v1/care/import/errors".into(), writers),
        // Imports of buildings and houses: writers of registry:house:*, likewise.
        (
            "/api/v1/buildings/import/template".into(),
            [401, 200, 403, 200, 200, 200, 200, 403, 403],
        ),
        ("POST /api/v1/buildings/import".into(), writers),
        ("POST /api/v1/buildings/import/errors".into(), writers),
        (
            "/api/v1/houses/import/template".into(),
            [401, 200, 403, 200, 200, 200, 200, 403, 403],
        ),
        ("POST /api/v1/houses/import".into(), writers),
        ("POST /api/v1/houses/import/errors".into(), writers),
        // Exports of the other record types: their readers, in their scope (a region outside it
        // is not found); whole numbers (organisations' phones, care members' ID numbers) for
        // revealers of personal numbers only; types without personal numbers refuse them (400).
        (
            "/api/v1/organisations/export?format=csv".into(),
            row(200, 200, 200, 200, 403, 403),
        ),
        (
            format!("/api/v1/organisations/export?region={out_grid}"),
            row(200, 404, 404, 404, 403, 403),
        ),
        (
            "/api/v1/organisations/export?whole_numbers=true".into(),
            [401, 200, 403, 200, 200, 403, 403, 403, 403],
        ),
        (
            "/api/v1/facilities/export?format=csv".into(),
            row(200, 200, 200, 200, 403, 403),
        ),
        (
            format!("/api/v1/facilities/export?region={out_grid}"),
            row(200, 404, 404, 404, 403, 403),
        ),
        (
            "/api/v1/facilities/export?whole_numbers=true".into(),
            row(400, 400, 400, 400, 403, 403),
        ),
        ("/api/v1/care/export".into(), row(200, 200, 200, 200, 403, 403)),
        (
            format!("/api/v1/care/export?region={out_grid}"),
            row(200, 404, 404, 404, 403, 403),
        ),
        (
            "/api/v1/care/export?whole_numbers=true".into(),
            [401, 200, 403, 200, 200, 403, 403, 403, 403],
        ),
        (
            "/api/v1/buildings/export".into(),
            row(200, 200, 200, 200, 403, 403),
        ),
        (
            format!("/api/v1/buildings/export?region={out_grid}"),
            row(200, 404, 404, 404, 403, 403),
        ),
        (
            "/api/v1/buildings/export?whole_numbers=true".into(),
            row(400, 400, 400, 400, 403, 403),
        ),
        (
            "/api/v1/houses/export?format=csv".into(),
            row(200, 200, 200, 200, 403, 403),
        ),
        (
            format!("/api/v1/houses/export?region={out_grid}"),
            row(200, 404, 404, 404, 403, 403),
        ),
        (
            "/api/v1/houses/export?whole_numbers=true".into(),
            row(400, 400, 400, 400, 403, 403),
        ),
        // Counts: readers of people, in their scope (by default where it starts).
        (
            "/api/v1/registry/counts".into(),
            row(200, 200, 200, 200, 403, 403),
        ),
        (
            format!("/api/v1/registry/counts?region={OUT_STREET}"),
            row(200, 404, 404, 404, 403, 403),
        ),
        // Deliberation: topics are public to the district's residents; staff in their scope;
        // centres triage; residents support (once, in their home area: the demo resident lives
        // in IN); the thresholds are the district administrator's.
        ("/api/v1/topics".into(), row(200, 200, 200, 200, 403, 200)),
        (
            format!("/api/v1/topics/{in_topic}"),
            row(200, 200, 200, 200, 403, 200),
        ),
        (
            format!("/api/v1/topics/{out_topic}"),
            row(200, 404, 404, 404, 403, 200),
        ),
        (
            "POST /api/v1/topics".into(),
            [401, 400, 403, 400, 400, 400, 400, 403, 400],
        ),
        (
            format!("POST /api/v1/topics/{in_topic}/support"),
            [401, 403, 403, 403, 403, 403, 403, 403, 200],
        ),
        (
            format!("POST /api/v1/topics/{out_topic}/support"),
            [401, 403, 403, 403, 403, 403, 403, 403, 422],
        ),
        (
            format!("POST /api/v1/topics/{in_topic}/actions"),
            [401, 400, 403, 400, 400, 403, 403, 403, 403],
        ),
        (
            format!("POST /api/v1/topics/{out_topic}/actions {{\"action\":\"accept\",\"version\":99}}"),
            [401, 409, 403, 404, 404, 403, 403, 403, 403],
        ),
        // A JSON body is no photo: 415 for those who may add one.
        (
            format!("POST /api/v1/topics/{in_topic}/photos"),
            [401, 415, 403, 415, 415, 403, 403, 403, 403],
        ),
        (
            format!("POST /api/v1/topics/{out_topic}/photos"),
            [401, 415, 403, 404, 404, 404, 404, 403, 403],
        ),
        (
            "/api/v1/topic-photos/999999".into(),
            row(404, 404, 404, 404, 403, 404),
        ),
        (
            "/api/v1/topic-photos/999999/thumb".into(),
            row(404, 404, 404, 404, 403, 404),
        ),
        (
            "/api/v1/deliberation/settings".into(),
            row(200, 200, 200, 200, 403, 200),
        ),
        (
            "PUT /api/v1/deliberation/settings".into(),
            [401, 200, 403, 403, 403, 403, 403, 403, 403],
        ),
        // Meetings: read by staff in scope and by the district's residents (results are public);
        // organised by the centres in their scope. A JSON body is no attachment (415).
        ("/api/v1/meetings".into(), row(200, 200, 200, 200, 403, 200)),
        (
            format!("/api/v1/meetings/{in_m}"),
            row(200, 200, 200, 200, 403, 200),
        ),
        (
            format!("/api/v1/meetings/{out_m}"),
            row(200, 404, 404, 404, 403, 200),
        ),
        ("POST /api/v1/meetings".into(), W400),
        (format!("PUT /api/v1/meetings/{in_m}"), W400),
        (
            format!("PUT /api/v1/meetings/{out_m} {{\"version\":99}}"),
            [401, 409, 403, 404, 404, 403, 403, 403, 403],
        ),
        (format!("POST /api/v1/meetings/{in_m}/actions"), W400),
        (
            format!("POST /api/v1/meetings/{out_m}/actions {{\"action\":\"start\",\"version\":99}}"),
            [401, 409, 403, 404, 404, 403, 403, 403, 403],
        ),
        (format!("POST /api/v1/meetings/{in_m}/participants"), W400),
        (
            format!("POST /api/v1/meetings/{out_m}/participants"),
            [401, 400, 403, 404, 404, 403, 403, 403, 403],
        ),
        (
            format!("DELETE /api/v1/meetings/{in_m}/participants/999999"),
            [401, 404, 403, 404, 404, 403, 403, 403, 403],
        ),
        (
            format!("POST /api/v1/meetings/{in_m}/check-ins"),
            row(409, 409, 409, 409, 403, 409),
        ),
        (
            format!("POST /api/v1/meetings/{out_m}/check-ins"),
            row(409, 404, 404, 404, 403, 409),
        ),
        (format!("POST /api/v1/meetings/{in_m}/proposals"), W400),
        (
            format!("POST /api/v1/meetings/{out_m}/proposals"),
            [401, 400, 403, 404, 404, 403, 403, 403, 403],
        ),
        (
            format!("PUT /api/v1/meetings/{in_m}/agenda"),
            [401, 200, 403, 200, 200, 403, 403, 403, 403],
        ),
        (
            format!("DELETE /api/v1/meetings/{in_m}/proposals/999999"),
            [401, 404, 403, 404, 404, 403, 403, 403, 403],
        ),
        (
            format!("POST /api/v1/meetings/{in_m}/attachments"),
            [401, 415, 403, 415, 415, 403, 403, 403, 403],
        ),
        (
            format!("POST /api/v1/meetings/{out_m}/attachments"),
            [401, 415, 403, 404, 404, 403, 403, 403, 403],
        ),
        (
            "/api/v1/meeting-attachments/999999".into(),
            row(404, 404, 404, 404, 403, 404),
        ),
        // Votes: operators open and close; a ballot needs only the meeting's read permission
        // (the rule then decides).
        (
            "POST /api/v1/proposals/999999/open".into(),
            [401, 404, 403, 404, 404, 403, 403, 403, 403],
        ),
        (
            "POST /api/v1/proposals/999999/close".into(),
            [401, 404, 403, 404, 404, 403, 403, 403, 403],
        ),
        (
            "POST /api/v1/proposals/999999/ballots {\"choice\":\"for\"}".into(),
            row(404, 404, 404, 404, 403, 404),
        ),
        // Resolutions: read like meetings (published to the district's residents); published,
        // implemented and followed by the centres in their scope; rated by residents of the
        // area once completed (the demo resident's topic is not).
        ("/api/v1/resolutions".into(), row(200, 200, 200, 200, 403, 200)),
        (
            format!("/api/v1/resolutions/{in_r}"),
            row(200, 200, 200, 200, 403, 200),
        ),
        (
            format!("/api/v1/resolutions/{out_r}"),
            row(200, 404, 404, 404, 403, 200),
        ),
        ("POST /api/v1/resolutions".into(), W400),
        (format!("POST /api/v1/resolutions/{in_r}/implement"), W400),
        (
            format!("POST /api/v1/resolutions/{out_r}/implement {{\"version\":99}}"),
            [401, 409, 403, 404, 404, 403, 403, 403, 403],
        ),
        (
            "PUT /api/v1/resolution-tasks/999999 {\"version\":1,\"done\":true}".into(),
            [401, 404, 403, 404, 404, 403, 403, 403, 403],
        ),
        (
            format!("POST /api/v1/topics/{in_topic}/ratings {{\"rating\":\"satisfied\"}}"),
            [401, 403, 403, 403, 403, 403, 403, 403, 409],
        ),
        ("/api/v1/notifications".into(), row(200, 200, 200, 200, 200, 200)),
        (
            "POST /api/v1/notifications/read".into(),
            row(400, 400, 400, 400, 400, 400),
        ),
        (
            "PUT /api/v1/auth/me/home".into(),
            [401, 403, 403, 403, 403, 403, 403, 403, 400],
        ),
        ("/api/v1/meta".into(), [200; 9]),
        (
            "/api/v1/auth/me".into(),
            [401, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        ("/api/v1/regions".into(), row(200, 200, 200, 200, 200, 403)),
        (
            "/api/v1/regions?parent=370105001000".into(),
            row(200, 200, 200, 200, 200, 403),
        ),
        (
            format!("/api/v1/regions?parent={OUT_STREET}"),
            row(200, 404, 404, 404, 200, 403),
        ),
        (format!("/api/v1/regions/{IN}"), row(200, 200, 200, 200, 200, 403)),
        (format!("/api/v1/grids/{IN}"), row(200, 200, 200, 200, 200, 403)),
        (
            format!("/api/v1/grids/{out_grid}"),
            row(200, 404, 404, 404, 200, 403),
        ),
        (
            format!("/api/v1/regions/{out_community}"),
            row(200, 404, 404, 404, 200, 403),
        ),
        (
            "/api/v1/grids?bbox=116.9,36.6,117.2,36.9".into(),
            row(200, 200, 200, 200, 200, 403),
        ),
        (
            "/api/v1/locate?lon=116.931&lat=36.661".into(),
            [401, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "/api/v1/districts/370105/departments".into(),
            row(200, 200, 200, 200, 200, 403),
        ),
    ];
    let mut failures = Vec::new();
    for (i, role) in ROLES.iter().enumerate() {
        if *role == "anonymous" {
            t.logout_locally();
        } else {
            t.login(role).await;
        }
        for (uri, expected) in &cases {
            let mut parts = uri.splitn(3, ' ');
            let (first, path, body) = (parts.next().unwrap(), parts.next(), parts.next());
            let (s, v) = match path {
                // Without a body, an empty JSON object: valid JSON, never a valid command.
                Some(path) => {
                    let body = body.map_or(serde_json::json!({}), |b| serde_json::from_str(b).unwrap());
                    let (s, v, _) = t.send(first, path, Some(body), &[]).await;
                    (s, v)
                }
                None => t.get(first).await,
            };
            if s.as_u16() != expected[i] {
                failures.push(format!(
                    "{role} GET {uri}: {} expected {} ({v})",
                    s.as_u16(),
                    expected[i]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn lists_and_maps_are_filtered_to_the_scope() {
    let t = TestApp::demo().await;
    t.login("community").await;
    let (_, v) = t.get("/api/v1/regions?parent=370105000000").await;
    let streets: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert_eq!(streets, ["370105001000"], "only the path down to the community");
    let (_, v) = t.get("/api/v1/regions?parent=370105001000").await;
    let comms: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert_eq!(comms, ["370105001001"]);
    let (s, v) = t.get("/api/v1/grids?bbox=116.9,36.6,117.2,36.9").await;
    assert_eq!(s, StatusCode::OK);
    let grids = v["features"].as_array().unwrap();
    assert!(!grids.is_empty() && grids.len() < 30, "{}", grids.len());
    assert!(
        grids
            .iter()
            .all(|g| g["id"].as_str().unwrap().starts_with("370105001001"))
    );
    let (_, v) = t
        .get("/api/v1/grids?bbox=116.9,36.6,117.2,36.9&level=street")
        .await;
    assert_eq!(
        v["features"].as_array().unwrap().len(),
        1,
        "its own street outline, on the path"
    );

    // The department sees the map but not the grid teams (no region:team:read).
    t.login("dept").await;
    let (_, v) = t.get(&format!("/api/v1/grids/{IN}")).await;
    assert_eq!(v["team"].as_array().unwrap().len(), 0);
    t.login("gridworker").await;
    let (_, v) = t.get(&format!("/api/v1/grids/{IN}")).await;
    assert!(v["team"].as_array().unwrap().len() >= 4);
}
