//! Care groups over HTTP: a person joins a group once (the group's cycle by default), visitors
//! record visits, the next visit falls due a cycle after the latest one and is overdue the day
//! after (on the test clock, in Shanghai's days); memberships are edited with a version, end,
//! move with their person, and have a history; field errors by code; roles and scope.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use common::{TestApp, code, field_errors};
use gridgov_domain::sla::shanghai;
use serde_json::{Value, json};

const GRID: &str = "370105001001001";
const SIBLING_GRID: &str = "370105001001002";
/// A grid in another street: outside the street, community and grid accounts' scope.
const OTHER_STREET_GRID: &str = "370105003001001";

fn today(t: &TestApp) -> NaiveDate {
    use gridgov_app::clock::Clock;
    t.clock.now().with_timezone(&shanghai()).date_naive()
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

async fn person(t: &TestApp, grid: &str, name: &str) -> i64 {
    let (s, v) = t
        .post(
            "/api/v1/people",
            json!({"name": name, "kind": "registered", "grid": grid}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_i64().unwrap()
}

async fn join(t: &TestApp, person: i64, body: Value) -> (StatusCode, Value) {
    t.post(&format!("/api/v1/people/{person}/care"), body).await
}

async fn visit(t: &TestApp, membership: i64, body: Value) -> (StatusCode, Value) {
    t.post(&format!("/api/v1/care/{membership}/visits"), body).await
}

/// The ids in a list of memberships.
async fn listed(t: &TestApp, query: &str) -> Vec<i64> {
    let (s, v) = t.get(&format!("/api/v1/care?{query}")).await;
    assert_eq!(s, StatusCode::OK, "{query}: {v}");
    let ids: Vec<i64> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(v["total"], ids.len(), "{query}: one page");
    ids
}

#[tokio::test]
async fn members_are_visited_on_their_cycle_and_flagged_when_overdue() {
    let t = TestApp::demo().await;
    t.login("community").await;
    let start = today(&t);
    let wang = person(&t, GRID, "王奶奶").await;

    // Living alone: weekly by default, from today.
    let (s, alone) = join(&t, wang, json!({"group": "独居老人", "note": "子女在外地"})).await;
    assert_eq!(s, StatusCode::CREATED, "{alone}");
    let alone_id = alone["id"].as_i64().unwrap();
    assert_eq!(
        (&alone["group"], &alone["visit_days"], &alone["person_name"]),
        (&json!("elderly_alone"), &json!(7), &json!("王奶奶"))
    );
    assert_eq!(alone["joined_on"], day(start));
    assert_eq!(alone["next_visit_due"], day(start + Duration::days(7)));
    assert_eq!(
        (alone["overdue"].as_bool(), &alone["grid"]),
        (Some(false), &json!(GRID))
    );
    // Once per group; another group is fine. Joined 40 days ago on a 30-day cycle: overdue.
    let (s, v) = join(&t, wang, json!({"group": "elderly_alone"})).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "duplicate_membership"));
    let (s, poor) = join(
        &t,
        wang,
        json!({"group": "low_income", "visit_days": 30, "joined_on": day(start - Duration::days(40))}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{poor}");
    let poor_id = poor["id"].as_i64().unwrap();
    assert_eq!(
        (poor["overdue"].as_bool(), &poor["next_visit_due"]),
        (Some(true), &json!(day(start - Duration::days(10))))
    );
    assert_eq!(listed(&t, "overdue=true").await, [poor_id]);
    assert_eq!(listed(&t, "overdue=false").await, [alone_id]);
    // The most urgent first.
    assert_eq!(listed(&t, "").await, [poor_id, alone_id]);
    assert_eq!(listed(&t, "group=elderly_alone").await, [alone_id]);
    assert_eq!(listed(&t, &format!("person_id={wang}")).await.len(), 2);
    // Both of her rows on one page carry her name.
    let (_, both) = t.get(&format!("/api/v1/care?person_id={wang}")).await;
    let names: Vec<&Value> = both["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["person_name"])
        .collect();
    assert_eq!(names, [&json!("王奶奶"), &json!("王奶奶")], "{both}");
    assert_eq!(listed(&t, "region=370105001001").await.len(), 2);
    assert!(listed(&t, &format!("region={SIBLING_GRID}")).await.is_empty());

    // Due on day 7 is still on time; on day 8 it is overdue.
    t.clock.advance(Duration::days(7));
    t.login("community").await;
    assert_eq!(listed(&t, "overdue=true").await, [poor_id]);
    t.clock.advance(Duration::days(1));
    t.login("community").await;
    let now = today(&t);
    assert_eq!(listed(&t, "overdue=true").await, [poor_id, alone_id]);

    // A visit today: due a cycle later, no longer overdue; the visitor is the signed-in user.
    let (s, v) = visit(
        &t,
        alone_id,
        json!({"way": "入户走访", "findings": "身体良好，冰箱有菜", "follow_up": false}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(
        (
            &v["visit"]["way"],
            &v["visit"]["visited_on"],
            &v["visit"]["visitor_name"]
        ),
        (&json!("home"), &json!(day(now)), &json!("幸福社区操作员"))
    );
    assert_eq!(v["membership"]["last_visit_on"], day(now));
    assert_eq!(v["membership"]["next_visit_due"], day(now + Duration::days(7)));
    assert_eq!(v["membership"]["overdue"], false);
    assert_eq!(
        v["membership"]["version"], 1,
        "a visit is no edit of the membership"
    );
    // A visit recorded late does not move the last visit back.
    let (s, v) = visit(
        &t,
        alone_id,
        json!({"way": "phone", "findings": "电话问候", "follow_up": true, "visited_on": day(now - Duration::days(3))}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["membership"]["last_visit_on"], day(now));
    assert_eq!(listed(&t, "overdue=true").await, [poor_id]);
    let (s, v) = t.get(&format!("/api/v1/care/{alone_id}/visits")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total"], 2);
    assert_eq!(v["items"][0]["visited_on"], day(now), "the latest first");
    assert_eq!(v["items"][1]["follow_up"], true);

    // An edit with the version: a fortnightly cycle moves the due day; a stale one is refused.
    let edit = json!({"visit_days": 14, "note": "改为两周一次", "version": 1});
    let (s, v) = t.put(&format!("/api/v1/care/{alone_id}"), edit.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (&v["version"], &v["next_visit_due"]),
        (&json!(2), &json!(day(now + Duration::days(14))))
    );
    let (s, v) = t.put(&format!("/api/v1/care/{alone_id}"), edit).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "stale_version"));
    // Left the group: nothing due, not overdue, no more visits, listed only on request.
    let (s, v) = t
        .put(
            &format!("/api/v1/care/{poor_id}"),
            json!({"visit_days": 30, "ended_on": day(now), "version": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (&v["next_visit_due"], &v["overdue"]),
        (&Value::Null, &json!(false))
    );
    let (s, v) = visit(&t, poor_id, json!({"way": "home", "findings": "已搬走"})).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "membership_ended"));
    assert_eq!(listed(&t, "").await, [alone_id]);
    assert_eq!(listed(&t, "include_ended=true").await, [alone_id, poor_id]);
    assert!(listed(&t, "overdue=true").await.is_empty());

    // The membership moves with its person.
    let (_, p) = t.get(&format!("/api/v1/people/{wang}")).await;
    let (s, v) = t
        .put(
            &format!("/api/v1/people/{wang}"),
            json!({"name": "王奶奶", "kind": "registered", "grid": SIBLING_GRID, "version": p["version"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, v) = t.get(&format!("/api/v1/care/{alone_id}")).await;
    assert_eq!((&v["grid"], &v["version"]), (&json!(SIBLING_GRID), &json!(2)));
    assert_eq!(listed(&t, &format!("region={SIBLING_GRID}")).await, [alone_id]);

    // History: joining, the visits and the edit.
    let (s, v) = t.get(&format!("/api/v1/care/{alone_id}/history")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let actions: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["care.update", "care.visit", "care.visit", "care.join"]);
    let mut fields: Vec<&str> = v[0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, ["note", "visit_days"]);
}

#[tokio::test]
async fn bad_input_is_refused_field_by_field() {
    let t = TestApp::demo().await;
    t.login("community").await;
    let now = today(&t);
    let p = person(&t, GRID, "李爷爷").await;
    for (body, want) in [
        (json!({}), vec!["group:required"]),
        (json!({"group": "rich"}), vec!["group:unknown_group"]),
        (
            json!({"group": "disabled", "visit_days": 0}),
            vec!["visit_days:visit_cycle_out_of_range"],
        ),
        (
            json!({"group": "disabled", "visit_days": 366, "joined_on": day(now + Duration::days(1))}),
            vec![
                "visit_days:visit_cycle_out_of_range",
                "joined_on:joined_in_future",
            ],
        ),
        (
            json!({"group": "disabled", "visit_days": -5, "note": "x".repeat(501)}),
            vec!["visit_days:visit_cycle_out_of_range", "note:too_long"],
        ),
    ] {
        let (s, v) = join(&t, p, body.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert_eq!(field_errors(&v), want, "{body}");
    }
    for body in [
        json!({"group": "disabled", "joined_on": "2026-13-01"}),
        json!({"group": "disabled", "visit_days": "7"}),
    ] {
        let (s, v) = join(&t, p, body).await;
        assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "invalid_json"));
    }
    let (s, v) = join(&t, 999_999, json!({"group": "disabled"})).await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "person_not_found"));
    assert_eq!(t.count("care_membership").await, 0);

    let joined = now - Duration::days(5);
    let (_, m) = join(&t, p, json!({"group": "disabled", "joined_on": day(joined)})).await;
    let id = m["id"].as_i64().unwrap();
    for (body, want) in [
        (json!({}), vec!["way:required", "findings:required"]),
        (
            json!({"way": "letter", "findings": "x".repeat(1001)}),
            vec!["way:unknown_way", "findings:too_long"],
        ),
        (
            json!({"way": "home", "findings": "ok", "visited_on": day(now + Duration::days(1))}),
            vec!["visited_on:visit_in_future"],
        ),
        (
            json!({"way": "home", "findings": "ok", "visited_on": day(joined - Duration::days(1))}),
            vec!["visited_on:visit_before_joined"],
        ),
    ] {
        let (s, v) = visit(&t, id, body.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert_eq!(field_errors(&v), want, "{body}");
    }
    assert_eq!(t.count("care_visit").await, 0);
    for (body, want) in [
        (json!({"version": 1}), vec!["visit_days:required"]),
        (
            json!({"visit_days": 30, "ended_on": day(joined - Duration::days(1)), "version": 1}),
            vec!["ended_on:ended_before_joined"],
        ),
        (
            json!({"visit_days": 30, "ended_on": day(now + Duration::days(1)), "version": 1}),
            vec!["ended_on:ended_in_future"],
        ),
    ] {
        let (s, v) = t.put(&format!("/api/v1/care/{id}"), body.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert_eq!(field_errors(&v), want, "{body}");
    }
    let (s, v) = t
        .put(&format!("/api/v1/care/{id}"), json!({"visit_days": 30}))
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::BAD_REQUEST, "invalid_json"),
        "the version is required"
    );
    for (query, want) in [
        ("group=rich", "validation_failed"),
        ("region=1", "validation_failed"),
        ("overdue=maybe", "invalid_query"),
    ] {
        let (s, v) = t.get(&format!("/api/v1/care?{query}")).await;
        assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, want), "{query}");
    }
    for uri in [
        "/api/v1/care/999999",
        "/api/v1/care/999999/visits",
        "/api/v1/care/999999/history",
    ] {
        let (s, v) = t.get(uri).await;
        assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "care_not_found"), "{uri}");
    }
    let (s, v) = visit(&t, 999_999, json!({"way": "home", "findings": "ok"})).await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "care_not_found"));
}

#[tokio::test]
async fn roles_and_scope_decide_who_sees_and_visits_members() {
    let t = TestApp::demo().await;
    t.login("admin").await;
    let far = person(&t, OTHER_STREET_GRID, "远方").await;
    let (_, out) = join(&t, far, json!({"group": "empty_nest"})).await;
    let out_id = out["id"].as_i64().unwrap();
    t.login("gridworker").await;
    let near = person(&t, GRID, "近邻").await;
    let (s, inside) = join(&t, near, json!({"group": "left_behind_child"})).await;
    assert_eq!((s, &inside["visit_days"]), (StatusCode::CREATED, &json!(14)));
    let (s, v) = join(&t, far, json!({"group": "disabled"})).await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "person_not_found"));
    for uri in [
        format!("/api/v1/care/{out_id}"),
        format!("/api/v1/care/{out_id}/visits"),
        format!("/api/v1/care/{out_id}/history"),
    ] {
        let (s, v) = t.get(&uri).await;
        assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "care_not_found"), "{uri}");
    }
    let (s, _) = visit(&t, out_id, json!({"way": "home", "findings": "ok"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = t
        .put(
            &format!("/api/v1/care/{out_id}"),
            json!({"visit_days": 7, "version": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(listed(&t, "").await, [inside["id"].as_i64().unwrap()]);
    // The leader reads every member and records nothing; departments and residents see none.
    t.login("leader").await;
    assert_eq!(listed(&t, "").await.len(), 2);
    let (s, v) = visit(&t, out_id, json!({"way": "home", "findings": "ok"})).await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "forbidden"));
    for role in ["dept", "resident"] {
        t.login(role).await;
        let (s, _) = t.get("/api/v1/care").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
        let (s, _) = join(&t, near, json!({"group": "disabled"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
    }
}
