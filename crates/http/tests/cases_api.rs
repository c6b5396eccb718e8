//! The case lifecycle over HTTP: report (idempotent, located, duplicates), the whistle journey,
//! small matters on the spot, who may act, scope, SLA clocks, and nothing half-written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use axum::http::StatusCode;
use common::{TestApp, code, field_codes};
use gridgov_app::clock::Clock;
use serde_json::{Value, json};

async fn category_id(t: &TestApp, code: &str) -> i64 {
    let (s, v) = t.get("/api/v1/case-categories").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

async fn report(t: &TestApp, category: i64, at: (f64, f64), key: &str) -> (StatusCode, Value) {
    let body = json!({"category_id": category, "description": "幸福路12号垃圾堆放多日", "address": "幸福路12号",
        "lon": at.0, "lat": at.1, "idempotency_key": key});
    let (s, v, _) = t.send("POST", "/api/v1/cases", Some(body), &[]).await;
    (s, v)
}

async fn act(t: &TestApp, id: i64, body: Value) -> (StatusCode, Value) {
    let (s, v, _) = t
        .send("POST", &format!("/api/v1/cases/{id}/actions"), Some(body), &[])
        .await;
    (s, v)
}

/// Acts with the case's current version.
async fn act_now(t: &TestApp, id: i64, mut body: Value) -> (StatusCode, Value) {
    let (_, d) = t.get(&format!("/api/v1/cases/{id}")).await;
    body["version"] = d["case"]["version"].clone();
    act(t, id, body).await
}

const GRID: &str = "370105001001001";

#[tokio::test]
async fn the_whistle_journey_from_report_to_rating() {
    let t = TestApp::demo().await;
    let garbage = category_id(&t, "sanitation.garbage").await;
    let at = t.centre_of(GRID).await;
    let (_, v) = t.get("/api/v1/districts/370105/departments").await;
    let chengguan = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "chengguan")
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    // A resident reports; a retry over a bad network gets the same case back.
    t.login("resident").await;
    let (s, v) = report(&t, garbage, at, "0b9c6a52-retry-key").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["case"]["id"].as_i64().unwrap();
    assert_eq!(v["case"]["grid_code"], GRID);
    assert_eq!(v["case"]["source"], "resident");
    assert_eq!(v["case"]["state"], "reported");
    assert_eq!(v["case"]["holder_unit"], "370105001001");
    assert_eq!(v["case"]["sla"], "normal");
    let (s, again) = report(&t, garbage, at, "0b9c6a52-retry-key").await;
    assert_eq!((s, again["case"]["id"].as_i64()), (StatusCode::OK, Some(id)));
    assert_eq!(again["created"], false);

    // The grid worker reports the same heap: the duplicate is suggested.
    t.login("gridworker").await;
    let (s, v) = report(&t, garbage, (at.0 + 0.0001, at.1), "dup-report-0001").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let dup = v["case"]["id"].as_i64().unwrap();
    assert_eq!(v["case"]["source"], "patrol");
    assert_eq!(v["duplicates"][0]["id"].as_i64(), Some(id));
    assert!(v["duplicates"][0]["distance_m"].as_f64().unwrap() < 50.0);
    // Not the grid worker's to accept.
    let (s, v) = act_now(&t, id, json!({"action": "accept"})).await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "not_your_turn"));

    // The community accepts and merges the duplicate, then escalates to the street.
    t.login("community").await;
    let (_, v) = t.get("/api/v1/cases?inbox=mine&state=reported").await;
    let ids: Vec<i64> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&id) && ids.contains(&dup), "{ids:?}");
    let (s, v) = act(&t, id, json!({"action": "accept", "version": 99})).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "stale_version"));
    let (s, v) = act_now(&t, id, json!({"action": "accept"})).await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::OK, Some("accepted")),
        "{v}"
    );
    assert_eq!(v["stage"], "handle");
    let (s, v) = act_now(&t, dup, json!({"action": "merge", "merge_into": id})).await;
    assert_eq!((s, v["state"].as_str()), (StatusCode::OK, Some("merged")), "{v}");
    let (s, v) = act_now(&t, id, json!({"action": "escalate", "comment": "涉及多个社区"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["holder_unit"].as_str(), v["owner_unit"].as_str()),
        (Some("370105001000"), Some("370105001000"))
    );

    // The street blows the whistle; the department reports for duty and handles it.
    t.login("street").await;
    let (s, v) = act_now(&t, id, json!({"action": "whistle", "department_id": 999999})).await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["department_not_found".to_owned()])
    );
    let (s, v) = act_now(&t, id, json!({"action": "whistle", "department_id": chengguan})).await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::OK, Some("whistled")),
        "{v}"
    );
    assert_eq!(v["stage"], "ack");
    t.login("dept").await;
    let (_, v) = t.get("/api/v1/cases?inbox=department").await;
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"].as_i64() == Some(id))
    );
    let (s, v) = act_now(&t, id, json!({"action": "acknowledge"})).await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::OK, Some("handling")),
        "{v}"
    );
    let (s, v) = act_now(&t, id, json!({"action": "report_result", "comment": "已清运"})).await;
    assert_eq!((s, v["state"].as_str()), (StatusCode::OK, Some("handled")), "{v}");
    assert_eq!(v["resolution_level"], "department");

    // The grid worker verifies on site; the resident rates once.
    t.login("gridworker").await;
    let (s, v) = act_now(&t, id, json!({"action": "verify"})).await;
    assert_eq!((s, v["state"].as_str()), (StatusCode::OK, Some("closed")), "{v}");
    t.login("resident").await;
    let (s, v) = act_now(&t, id, json!({"action": "rate", "rating": "great"})).await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["unknown_rating".to_owned()])
    );
    let (s, v) = act_now(&t, id, json!({"action": "rate", "rating": "satisfied"})).await;
    assert_eq!(
        (s, v["rating"].as_str()),
        (StatusCode::OK, Some("satisfied")),
        "{v}"
    );
    let (s, v) = act_now(&t, id, json!({"action": "rate", "rating": "satisfied"})).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "already_rated"));
    let (s, v) = act_now(&t, id, json!({"action": "dispatch", "target": GRID})).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "illegal_transition"));

    // The timeline holds every step, and the audit chain is whole.
    let (_, d) = t.get(&format!("/api/v1/cases/{id}")).await;
    let steps: Vec<&str> = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "report",
            "accept",
            "escalate",
            "whistle",
            "acknowledge",
            "report_result",
            "verify",
            "rate"
        ]
    );
    assert_eq!(d["timeline"][6]["seat"], "case_grid");
    assert_eq!(d["actions"], json!(["reopen"]));
    let r = gridgov_store::audit::verify(t.app.db.conn()).await.unwrap();
    assert!(r.first_break.is_none());
}

#[tokio::test]
async fn small_matters_stay_in_the_grid_and_rework_goes_back() {
    let t = TestApp::demo().await;
    let lamp = category_id(&t, "municipal.lamp").await;
    t.login("gridworker").await;
    let (_, v) = report(&t, lamp, t.centre_of(GRID).await, "on-the-spot-01").await;
    let id = v["case"]["id"].as_i64().unwrap();
    let (s, v) = act_now(
        &t,
        id,
        json!({"action": "handle_on_spot", "comment": "已更换灯泡"}),
    )
    .await;
    assert_eq!((s, v["state"].as_str()), (StatusCode::OK, Some("handled")), "{v}");
    assert_eq!(v["resolution_level"], "grid");
    // The community, which owns it, sends it back once, then closes it.
    t.login("community").await;
    let (s, v) = act_now(&t, id, json!({"action": "rework"})).await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["reason_required".to_owned()])
    );
    let (s, v) = act_now(&t, id, json!({"action": "rework", "comment": "灯仍不亮"})).await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::OK, Some("handling")),
        "{v}"
    );
    assert_eq!(v["rework_count"], 1);
    t.login("gridworker").await;
    let (s, _) = act_now(
        &t,
        id,
        json!({"action": "report_result", "comment": "更换镇流器"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    t.login("community").await;
    let (s, v) = act_now(&t, id, json!({"action": "verify"})).await;
    assert_eq!((s, v["state"].as_str()), (StatusCode::OK, Some("closed")), "{v}");
}

#[tokio::test]
async fn dispatch_and_return_stay_within_reach() {
    let t = TestApp::demo().await;
    let garbage = category_id(&t, "sanitation.garbage").await;
    t.login("gridworker").await;
    let (_, v) = report(&t, garbage, t.centre_of(GRID).await, "dispatch-test-1").await;
    let id = v["case"]["id"].as_i64().unwrap();
    t.login("community").await;
    act_now(&t, id, json!({"action": "accept"})).await;
    for (target, field_code) in [
        ("370105003001001", "target_out_of_reach"),
        ("370105001001", "target_out_of_reach"),
        ("370105001001999", "region_not_found"),
        ("37010x", "invalid_region_code"),
    ] {
        let (s, v) = act_now(&t, id, json!({"action": "dispatch", "target": target})).await;
        assert_eq!(
            (s, field_codes(&v)),
            (StatusCode::BAD_REQUEST, vec![field_code.to_owned()]),
            "{target}"
        );
    }
    let (s, v) = act_now(&t, id, json!({"action": "dispatch", "target": "370105001001002"})).await;
    assert_eq!(
        (s, v["holder_kind"].as_str()),
        (StatusCode::OK, Some("grid")),
        "{v}"
    );
    // Grid 2 is not the demo grid worker's: not theirs to return.
    t.login("gridworker").await;
    let (s, v) = act_now(&t, id, json!({"action": "return", "comment": "不属于本网格"})).await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "not_your_turn"));
    t.login("community").await;
    let (s, v) = act_now(&t, id, json!({"action": "dispatch", "target": GRID})).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "illegal_transition"));
}

#[tokio::test]
async fn bad_reports_are_refused_and_leave_nothing() {
    let t = TestApp::demo().await;
    let garbage = category_id(&t, "sanitation.garbage").await;
    let group = {
        let (_, v) = t.get("/api/v1/case-categories").await;
        v["items"][0]["id"].as_i64().unwrap()
    };
    let at = t.centre_of(GRID).await;
    t.login("gridworker").await;
    let before = (
        t.count("cases").await,
        t.count("case_event").await,
        t.count("audit_log").await,
    );
    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (
            json!({"category_id": 999999, "description": "x", "lon": at.0, "lat": at.1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_category",
        ),
        (
            json!({"category_id": group, "description": "x", "lon": at.0, "lat": at.1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_category",
        ),
        (
            json!({"category_id": garbage, "description": "x", "lon": 0.0, "lat": 0.0}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "outside_district",
        ),
        (
            json!({"category_id": garbage, "description": "x", "lon": 116.5, "lat": 36.5}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "outside_district",
        ),
        (
            json!({"category_id": garbage, "description": "x", "lon": 500.0, "lat": 36.66}),
            StatusCode::BAD_REQUEST,
            "validation_failed",
        ),
        (
            json!({"category_id": garbage, "description": " ", "lon": at.0, "lat": at.1}),
            StatusCode::BAD_REQUEST,
            "validation_failed",
        ),
        (
            json!({"category_id": garbage, "description": "x".repeat(2001), "lon": at.0, "lat": at.1}),
            StatusCode::BAD_REQUEST,
            "validation_failed",
        ),
        (
            json!({"category_id": garbage, "description": "x", "lon": at.0, "lat": at.1, "idempotency_key": "a b"}),
            StatusCode::BAD_REQUEST,
            "validation_failed",
        ),
        (
            json!({"category_id": garbage, "description": "x", "lon": at.0, "lat": at.1, "crs": "bd09"}),
            StatusCode::BAD_REQUEST,
            "validation_failed",
        ),
        (
            json!({"category_id": garbage, "description": "x", "lon": at.0, "lat": at.1, "source": "resident"}),
            StatusCode::BAD_REQUEST,
            "validation_failed",
        ),
        (
            json!({"category_id": "garbage"}),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
    ];
    for (body, status, c) in cases {
        let (s, v, _) = t.send("POST", "/api/v1/cases", Some(body.clone()), &[]).await;
        assert_eq!((s, code(&v)), (status, c), "{body}: {v}");
    }
    // A grid worker reports in their own grid only.
    let (s, v) = report(&t, garbage, t.centre_of("370105003001001").await, "far-away-0001").await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "location_out_of_scope"));
    let after = (
        t.count("cases").await,
        t.count("case_event").await,
        t.count("audit_log").await,
    );
    // Only the logins of this test were audited.
    assert_eq!((before.0, before.1), (after.0, after.1));
    assert_eq!(before.2, after.2);
}

#[tokio::test]
async fn a_failed_action_changes_nothing_and_racing_operators_get_one_win() {
    let t = TestApp::demo().await;
    let garbage = category_id(&t, "sanitation.garbage").await;
    t.login("gridworker").await;
    let (_, v) = report(&t, garbage, t.centre_of(GRID).await, "race-test-0001").await;
    let id = v["case"]["id"].as_i64().unwrap();
    t.login("community").await;
    let counts = || async { (t.count("case_event").await, t.count("audit_log").await) };
    let before = counts().await;
    for body in [
        json!({"action": "reject", "version": 1}),
        json!({"action": "fly", "version": 1}),
        json!({"action": "verify", "version": 1}),
        json!({"action": "accept", "version": 2}),
        json!({"action": "merge", "version": 1, "merge_into": id}),
    ] {
        let (s, v) = act(&t, id, body.clone()).await;
        assert!(s.is_client_error(), "{body}: {s} {v}");
    }
    assert_eq!(counts().await, before);
    let body = json!({"action": "accept", "version": 1});
    let (a, b) = tokio::join!(act(&t, id, body.clone()), act(&t, id, body));
    let mut statuses = [a.0.as_u16(), b.0.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{a:?} {b:?}");
    let (_, d) = t.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(
        d["timeline"].as_array().unwrap().len(),
        2,
        "report and one accept"
    );
}

#[tokio::test]
async fn each_role_sees_its_part() {
    let t = TestApp::demo().await;
    let garbage = category_id(&t, "sanitation.garbage").await;
    let elderly = category_id(&t, "livelihood.elderly").await;
    // The admin reports in another street; the resident in their grid.
    let (s, v) = report(
        &t,
        garbage,
        t.centre_of("370105003001001").await,
        "admin-far-0001",
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let far = v["case"]["id"].as_i64().unwrap();
    let (_, v) = report(&t, elderly, t.centre_of(GRID).await, "admin-near-0001").await;
    let elderly_case = v["case"]["id"].as_i64().unwrap();
    t.login("resident").await;
    let (_, v) = report(&t, garbage, t.centre_of(GRID).await, "resident-own-01").await;
    let own = v["case"]["id"].as_i64().unwrap();
    let (_, v) = t.get("/api/v1/cases").await;
    let ids: Vec<i64> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [own], "a resident sees their own reports only");
    assert_eq!(
        t.get(&format!("/api/v1/cases/{elderly_case}")).await.0,
        StatusCode::NOT_FOUND
    );
    for who in ["community", "street", "gridworker"] {
        t.login(who).await;
        assert_eq!(
            t.get(&format!("/api/v1/cases/{far}")).await.0,
            StatusCode::NOT_FOUND,
            "{who}"
        );
        assert_eq!(
            t.get(&format!("/api/v1/cases/{own}")).await.0,
            StatusCode::OK,
            "{who}"
        );
    }
    // The department (城管) sees cases of its categories, not the elderly-care one.
    t.login("dept").await;
    let (_, v) = t.get("/api/v1/cases").await;
    let ids: Vec<i64> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert!(
        ids.contains(&own) && ids.contains(&far) && !ids.contains(&elderly_case),
        "{ids:?}"
    );
    assert_eq!(
        t.get(&format!("/api/v1/cases/{elderly_case}")).await.0,
        StatusCode::NOT_FOUND
    );
    let (s, v) = t.get("/api/v1/cases?inbox=elsewhere").await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["unknown_inbox".to_owned()])
    );
    let (s, v) = t.get("/api/v1/cases?state=lost").await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["unknown_state".to_owned()])
    );
}

#[tokio::test]
async fn sla_clocks_warn_and_go_overdue() {
    let t = TestApp::demo().await;
    let fire = category_id(&t, "safety.fire").await;
    t.login("gridworker").await;
    let (_, v) = report(&t, fire, t.centre_of(GRID).await, "fire-hazard-01").await;
    let id = v["case"]["id"].as_i64().unwrap();
    // 消防隐患: 30 natural minutes to accept; the warning comes at 24.
    t.clock.advance(chrono::Duration::minutes(25));
    let (_, d) = t.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(d["case"]["sla"], "warning");
    t.clock.advance(chrono::Duration::minutes(6));
    let (_, d) = t.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(d["case"]["sla"], "overdue");
    t.login("community").await;
    let (_, v) = t.get("/api/v1/cases?overdue=true").await;
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"].as_i64() == Some(id))
    );
    let (s, v) = act_now(&t, id, json!({"action": "accept"})).await;
    assert_eq!((s, v["sla"].as_str()), (StatusCode::OK, Some("normal")), "{v}");
    // 4 natural hours to handle; the owner extends by an hour.
    let due = v["handle_due_at"].as_str().unwrap().to_owned();
    let (s, v) = act_now(&t, id, json!({"action": "extend", "extend_minutes": 60})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["handle_due_at"].as_str().unwrap() > due.as_str());
    assert_eq!(v["extended"], true);
    let (s, v) = act_now(&t, id, json!({"action": "extend", "extend_minutes": 0})).await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["invalid_extension".to_owned()])
    );
}

/// Logs in as `who` and takes an action with the case's current version; asserts it worked.
async fn step(t: &TestApp, who: &str, id: i64, body: Value) {
    t.login(who).await;
    let (s, v) = act_now(t, id, body.clone()).await;
    assert_eq!(s, StatusCode::OK, "{who} {body}: {v}");
}

#[tokio::test]
async fn kpis_match_a_hand_worked_day() {
    let t = TestApp::demo().await;
    let fire = category_id(&t, "safety.fire").await;
    let (_, v) = t.get("/api/v1/districts/370105/departments").await;
    let dept = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "chengguan")
        .unwrap()["id"]
        .clone();
    let from = (t.clock.now() - chrono::Duration::minutes(1)).to_rfc3339();
    let at = t.centre_of(GRID).await;
    t.login("gridworker").await;
    let mut ids = Vec::new();
    for i in 1..=6 {
        let (s, v) = report(&t, fire, at, &format!("kpi-day-case-{i}")).await;
        assert_eq!(s, StatusCode::CREATED);
        ids.push(v["case"]["id"].as_i64().unwrap());
    }
    let [c1, c2, c3, c4, c5, c6] = ids[..] else {
        unreachable!()
    };
    t.clock.advance(chrono::Duration::minutes(10));
    // C1: dispatched to the grid, handled there, verified, rated satisfied.
    step(&t, "community", c1, json!({"action": "accept"})).await;
    step(&t, "community", c1, json!({"action": "dispatch", "target": GRID})).await;
    step(&t, "gridworker", c1, json!({"action": "report_result"})).await;
    step(&t, "community", c1, json!({"action": "verify"})).await;
    step(
        &t,
        "gridworker",
        c1,
        json!({"action": "rate", "rating": "satisfied"}),
    )
    .await;
    // C2: rejected. C6: merged into C4.
    step(
        &t,
        "community",
        c2,
        json!({"action": "reject", "comment": "重复上报"}),
    )
    .await;
    step(&t, "community", c4, json!({"action": "accept"})).await;
    step(&t, "community", c6, json!({"action": "merge", "merge_into": c4})).await;
    step(
        &t,
        "community",
        c4,
        json!({"action": "extend", "extend_minutes": 60}),
    )
    .await;
    // C5: on the spot, sent back once, handled again, closed.
    step(&t, "gridworker", c5, json!({"action": "handle_on_spot"})).await;
    step(
        &t,
        "community",
        c5,
        json!({"action": "rework", "comment": "未处理完"}),
    )
    .await;
    step(&t, "gridworker", c5, json!({"action": "report_result"})).await;
    step(&t, "community", c5, json!({"action": "verify"})).await;
    // C3: whistled; the department reports for duty 45 minutes later.
    step(&t, "community", c3, json!({"action": "accept"})).await;
    step(
        &t,
        "community",
        c3,
        json!({"action": "whistle", "department_id": dept}),
    )
    .await;
    t.clock.advance(chrono::Duration::minutes(45));
    step(&t, "dept", c3, json!({"action": "acknowledge"})).await;
    step(&t, "dept", c3, json!({"action": "report_result"})).await;
    step(&t, "community", c3, json!({"action": "verify"})).await;
    step(
        &t,
        "gridworker",
        c3,
        json!({"action": "rate", "rating": "not_satisfied"}),
    )
    .await;

    t.clock.advance(chrono::Duration::hours(23));
    let until = t.clock.now().to_rfc3339();
    t.login("community").await;
    let q = |region: &str| {
        format!(
            "/api/v1/kpis?region={region}&from={}&until={}",
            from.replace('+', "%2B"),
            until.replace('+', "%2B")
        )
    };
    let (s, v) = t.get(&q("370105001001")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let c = &v["counts"];
    let got: Vec<u64> = gridgov_domain::kpi::KpiCounts::COUNT_NAMES
        .iter()
        .map(|k| c[*k].as_u64().unwrap())
        .collect();
    assert_eq!(got, [5, 4, 4, 2, 4, 3, 3, 3, 1, 1, 2, 1, 3, 2, 2]);
    assert_eq!(c["whistle_ack_minutes"], json!([45]));
    assert_eq!(v["kpis"]["registration_rate"], 0.8);
    assert_eq!(v["kpis"]["dispatch_rate"], 0.5);
    assert_eq!(v["kpis"]["on_time_handling_rate"], 0.75);
    assert_eq!(v["kpis"]["satisfaction_rate"], 0.5);
    assert_eq!(v["kpis"]["whistle_ack_p90_minutes"], 45);
    // The street's panel holds the same cases; another street's none.
    t.login("street").await;
    let (_, s1) = t.get(&q("370105001000")).await;
    assert_eq!(s1["counts"], v["counts"]);
    t.login("admin").await;
    let (_, other) = t.get(&q("370105003000")).await;
    assert_eq!(other["counts"]["reported"], 0);
    assert_eq!(other["kpis"]["registration_rate"], Value::Null);
    // Out of the community operator's scope, and bad windows.
    t.login("community").await;
    assert_eq!(t.get(&q("370105003000")).await.0, StatusCode::NOT_FOUND);
    let (s, v) = t.get("/api/v1/kpis?month=2026-13").await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["invalid_month".to_owned()])
    );
    let (s, v) = t.get("/api/v1/kpis").await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["invalid_window".to_owned()])
    );
    t.login("gridworker").await;
    assert_eq!(t.get("/api/v1/kpis?month=2026-10").await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn working_time_limits_follow_the_holiday_calendar() {
    let beijing = gridgov_domain::sla::shanghai();
    use chrono::TimeZone;
    let at = |d: u32, m: u32, h: u32| {
        beijing
            .with_ymd_and_hms(2026, m, d, h, 0, 0)
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    let t = TestApp::new().await;
    t.clock.set(at(30, 9, 16));
    gridgov_app::demo::write(&t.app, &common::cli(), 1).await.unwrap();
    t.login("admin").await;
    // A bad file: every bad row is named, nothing is written.
    let bad = "date,kind,note\n2026-13-01,holiday,x\n2026-10-01,feast,x\n2026-10-02,holiday,a\n2026-10-02,holiday,b\n";
    let e = gridgov_app::import::calendar(&t.app, &common::cli(), bad.as_bytes())
        .await
        .unwrap_err();
    let codes: Vec<&str> = e.fields.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["invalid_date", "invalid_kind", "duplicate_date"]);
    // The demo loaded 2026; loading it again changes nothing.
    let again = gridgov_app::import::calendar(
        &t.app,
        &common::cli(),
        gridgov_app::import::CALENDAR_2026.as_bytes(),
    )
    .await
    .unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 39));

    // 垃圾堆放 has two working hours to accept. Reported at 16:00 on Wednesday 30 September,
    // one hour is left that day; the National Day week is off; the second hour ends at 10:00
    // on Thursday 8 October.
    let garbage = category_id(&t, "sanitation.garbage").await;
    t.login("gridworker").await;
    let (s, v) = report(&t, garbage, t.centre_of(GRID).await, "before-national-day").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(
        v["case"]["stage_due_at"].as_str().unwrap(),
        at(8, 10, 10).to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    );
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb([30, 120, 200]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// The number of files under a folder, recursively.
fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |rd| {
        rd.flatten()
            .map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 })
            .sum()
    })
}

/// Posts raw bytes with a content type (the JSON helper cannot).
async fn upload(t: &TestApp, id: i64, content_type: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    use tower::ServiceExt;
    let mut req = axum::http::Request::builder()
        .method("POST")
        .uri(format!("/api/v1/cases/{id}/photos"))
        .header("content-type", content_type);
    if let Some(c) = t.cookie() {
        req = req.header("cookie", c);
    }
    let res = t
        .router
        .clone()
        .oneshot(req.body(axum::body::Body::from(bytes)).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let body = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

#[tokio::test]
async fn photos_are_checked_stored_thumbnailed_and_cited() {
    let t = TestApp::demo().await;
    let lamp = category_id(&t, "municipal.lamp").await;
    t.login("gridworker").await;
    let (_, v) = report(&t, lamp, t.centre_of(GRID).await, "photo-case-0001").await;
    let id = v["case"]["id"].as_i64().unwrap();
    let photo = png(1200, 900);
    let (s, v) = upload(&t, id, "image/png", photo.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let pid = v["id"].as_i64().unwrap();
    let (s, _, h) = t
        .send("GET", &format!("/api/v1/photos/{pid}/thumb"), None, &[])
        .await;
    assert_eq!(
        (s, h["content-type"].to_str().unwrap()),
        (StatusCode::OK, "image/jpeg")
    );

    // A retry (the phone lost the answer) is the same photo, answered 200, nothing added.
    let before = (t.count("case_photo").await, t.count("audit_log").await);
    let (s, v) = upload(&t, id, "image/png", photo.clone()).await;
    assert_eq!((s, v["id"].as_i64()), (StatusCode::OK, Some(pid)), "{v}");
    assert_eq!((t.count("case_photo").await, t.count("audit_log").await), before);

    // A photo uploaded by mistake is deleted by its uploader, with its files; nobody else may.
    let (s, v) = upload(&t, id, "image/png", png(640, 480)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let mistake = v["id"].as_i64().unwrap();
    let files = |t: &TestApp| walk(&t.app.config.data_dir.join("photos"));
    let stored = files(&t);
    t.login("community").await;
    let (s, v, _) = t
        .send("DELETE", &format!("/api/v1/photos/{mistake}"), None, &[])
        .await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "not_your_photo"));
    t.login("gridworker").await;
    let (s, _, _) = t
        .send("DELETE", &format!("/api/v1/photos/{mistake}"), None, &[])
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        t.get(&format!("/api/v1/photos/{mistake}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(files(&t), stored - 2, "the photo and its thumbnail");
    assert_eq!(
        (t.count("case_photo").await, t.count("audit_log").await),
        (before.0, before.1 + 4),
        "the upload, two sign-ins and the deletion audited"
    );

    let before = (t.count("case_photo").await, t.count("audit_log").await);
    let mut truncated = png(40, 40);
    truncated.truncate(70);
    for (ct, bytes, status, c) in [
        (
            "image/gif",
            b"GIF89a\x01\x00\x01\x00".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            "image/jpeg",
            png(4, 4),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            "image/svg+xml",
            b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            "image/png",
            truncated,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_image",
        ),
        (
            "image/png",
            vec![0x89; 11 * 1024 * 1024],
            StatusCode::PAYLOAD_TOO_LARGE,
            "photo_too_large",
        ),
        (
            "image/png",
            vec![0x89; 17 * 1024 * 1024],
            StatusCode::PAYLOAD_TOO_LARGE,
            "photo_too_large",
        ),
    ] {
        let (s, v) = upload(&t, id, ct, bytes).await;
        assert_eq!((s, code(&v)), (status, c), "{ct}");
    }
    assert_eq!((t.count("case_photo").await, t.count("audit_log").await), before);

    // The result cites the photo; a photo of another case or one already cited is refused and
    // the action leaves nothing behind.
    let (s, v) = act_now(
        &t,
        id,
        json!({"action": "handle_on_spot", "photo_ids": [pid, 999999]}),
    )
    .await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["photo_not_found".to_owned()])
    );
    let (_, d) = t.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(
        (
            d["case"]["state"].as_str(),
            d["timeline"].as_array().unwrap().len()
        ),
        (Some("reported"), 1)
    );
    let (s, v) = act_now(&t, id, json!({"action": "handle_on_spot", "photo_ids": [pid]})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, d) = t.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(d["photos"][0]["event_id"], d["timeline"][1]["id"]);
    // Cited, it is part of the record.
    let (s, v, _) = t
        .send("DELETE", &format!("/api/v1/photos/{pid}"), None, &[])
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "photo_cited"));
    // Once cited, the same bytes again are a new photo.
    let (s, v) = upload(&t, id, "image/png", photo.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_ne!(v["id"].as_i64(), Some(pid));

    // Nine at most (two are there).
    for k in 2..9 {
        assert_eq!(
            upload(&t, id, "image/png", png(8 + k, 8)).await.0,
            StatusCode::CREATED
        );
    }
    let (s, v) = upload(&t, id, "image/png", png(8, 8)).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "too_many_photos"));
    // Out of scope: neither the photo nor an upload.
    t.login("resident").await;
    assert_eq!(
        t.get(&format!("/api/v1/photos/{pid}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        upload(&t, id, "image/png", png(8, 8)).await.0,
        StatusCode::NOT_FOUND
    );
    t.login("community").await;
    let (s, _, h) = t.send("GET", &format!("/api/v1/photos/{pid}"), None, &[]).await;
    assert_eq!(
        (s, h["content-type"].to_str().unwrap()),
        (StatusCode::OK, "image/png")
    );
}

/// Opens the event stream as the current user.
async fn open_events(t: &TestApp) -> axum::body::Body {
    use tower::ServiceExt;
    let mut req = axum::http::Request::builder().uri("/api/v1/cases/events");
    if let Some(c) = t.cookie() {
        req = req.header("cookie", c);
    }
    let res = t
        .router
        .clone()
        .oneshot(req.body(axum::body::Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    res.into_body()
}

/// The next event (name, data) within a second that `wanted` picks by its name, if any.
async fn next_event(body: &mut axum::body::Body, wanted: impl Fn(&str) -> bool) -> Option<(String, String)> {
    use http_body_util::BodyExt;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(1);
    loop {
        let frame = tokio::time::timeout_at(deadline, body.frame())
            .await
            .ok()??
            .ok()?;
        let Ok(data) = frame.into_data() else { continue };
        let text = String::from_utf8_lossy(&data).to_string();
        let Some(rest) = text.strip_prefix("event: ") else {
            continue;
        };
        let (name, data) = rest.split_once('\n').unwrap_or((rest, ""));
        if wanted(name) {
            let data = data.strip_prefix("data: ").unwrap_or(data).trim();
            return Some((name.to_owned(), data.to_owned()));
        }
    }
}

/// The next `event: case` payload within a second, if any.
async fn next_case_event(body: &mut axum::body::Body) -> Option<Value> {
    let (_, data) = next_event(body, |name| name == "case").await?;
    serde_json::from_str(&data).ok()
}

/// The next event's name within a second (`case`, `logout`, …), if any.
async fn next_event_name(body: &mut axum::body::Body) -> Option<String> {
    next_event(body, |_| true).await.map(|(name, _)| name)
}

#[tokio::test]
async fn open_pages_hear_of_changes_they_may_see() {
    let t = TestApp::demo().await;
    let garbage = category_id(&t, "sanitation.garbage").await;
    let at = t.centre_of(GRID).await;
    gridgov_app::live::poll_once(&t.app).await.unwrap();
    t.logout_locally();
    assert_eq!(t.get("/api/v1/cases/events").await.0, StatusCode::UNAUTHORIZED);
    t.login("resident").await;
    let mut resident = open_events(&t).await;
    t.login("community").await;
    let mut community = open_events(&t).await;

    t.login("gridworker").await;
    let (_, v) = report(&t, garbage, at, "live-update-001").await;
    let id = v["case"]["id"].as_i64().unwrap();
    assert_eq!(gridgov_app::live::poll_once(&t.app).await.unwrap(), 1);
    let e = next_case_event(&mut community)
        .await
        .expect("the community hears of it");
    assert_eq!(
        (e["id"].as_i64(), e["state"].as_str()),
        (Some(id), Some("reported"))
    );
    assert!(
        next_case_event(&mut resident).await.is_none(),
        "not the resident's"
    );

    t.login("community").await;
    act_now(&t, id, json!({"action": "accept"})).await;
    gridgov_app::live::poll_once(&t.app).await.unwrap();
    let e = next_case_event(&mut community).await.unwrap();
    assert_eq!(
        (e["state"].as_str(), e["version"].as_i64()),
        (Some("accepted"), Some(2))
    );
    // Polling again sends nothing twice.
    assert_eq!(gridgov_app::live::poll_once(&t.app).await.unwrap(), 0);

    t.login("resident").await;
    let (_, v) = report(&t, garbage, at, "live-update-002").await;
    gridgov_app::live::poll_once(&t.app).await.unwrap();
    let e = next_case_event(&mut resident)
        .await
        .expect("the resident hears of their own");
    assert_eq!(e["id"], v["case"]["id"]);
}

#[tokio::test]
async fn with_no_open_page_the_poll_reads_nothing() {
    let t = TestApp::demo().await;
    let garbage = category_id(&t, "sanitation.garbage").await;
    let at = t.centre_of(GRID).await;
    t.login("gridworker").await;
    let (s, _) = report(&t, garbage, at, "unheard-report-1").await;
    assert!(s.is_success(), "{s}");
    assert_eq!(
        gridgov_app::live::poll_once(&t.app).await.unwrap(),
        0,
        "nothing read or sent"
    );
    let mut page = open_events(&t).await;
    let (s, v) = report(&t, garbage, at, "heard-report-1").await;
    assert!(s.is_success(), "{s} {v}");
    assert!(gridgov_app::live::poll_once(&t.app).await.unwrap() >= 1);
    // The first poll with a page open re-reads a few seconds back (late commits), so the page
    // may hear of the earlier report too; it must hear of the new one.
    let mut heard = Vec::new();
    while let Some(e) = next_case_event(&mut page).await {
        heard.push(e["id"].clone());
    }
    assert!(heard.contains(&v["case"]["id"]), "{heard:?} {v}");
}

#[tokio::test]
async fn an_open_stream_ends_with_its_session() {
    let t = TestApp::demo().await;
    let garbage = category_id(&t, "sanitation.garbage").await;
    let at = t.centre_of(GRID).await;
    gridgov_app::live::poll_once(&t.app).await.unwrap();
    t.login("community").await;
    let mut page = open_events(&t).await;
    // The same session logs out (another tab); the stream learns of it at its next check.
    let (s, _, _) = t.send("POST", "/api/v1/auth/logout", Some(json!({})), &[]).await;
    assert!(s.is_success(), "{s}");
    t.login("gridworker").await;
    report(&t, garbage, at, "stream-after-logout-1").await;
    gridgov_app::live::poll_once(&t.app).await.unwrap();
    assert_eq!(
        next_event_name(&mut page).await.as_deref(),
        Some("case"),
        "checked less than 10 s ago: still sent"
    );
    t.clock.advance(chrono::Duration::seconds(11));
    report(&t, garbage, at, "stream-after-logout-2").await;
    gridgov_app::live::poll_once(&t.app).await.unwrap();
    assert_eq!(next_event_name(&mut page).await.as_deref(), Some("logout"));
    assert_eq!(next_event_name(&mut page).await, None, "and the stream is over");
}

/// Reports arriving together are committed together (group commit): each key still makes one
/// case, each case has its one timeline entry and audit record, and the audit chain holds.
#[tokio::test]
async fn a_burst_of_reports_is_committed_together_and_each_key_once() {
    let t = TestApp::demo().await;
    let garbage = category_id(&t, "sanitation.garbage").await;
    let at = t.centre_of(GRID).await;
    t.login("gridworker").await;
    // Forty requests at once, twenty keys each sent twice (a phone retrying while the first
    // answer is still on its way).
    let answers = futures_util::future::join_all((0..40).map(|i| {
        let key = format!("burst-key-{:04}", i % 20);
        let t = &t;
        async move { report(t, garbage, (at.0 + 0.00001 * (i % 20) as f64, at.1), &key).await }
    }))
    .await;
    let mut by_key = std::collections::BTreeMap::new();
    for (i, (s, v)) in answers.iter().enumerate() {
        assert!(s.is_success(), "{s} {v}");
        by_key
            .entry(i % 20)
            .or_insert_with(Vec::new)
            .push((v["case"]["id"].as_i64().unwrap(), v["created"].as_bool().unwrap()));
    }
    for (k, seen) in &by_key {
        assert_eq!(seen[0].0, seen[1].0, "key {k}: one case for both requests");
        assert_eq!(
            seen.iter().filter(|(_, created)| *created).count(),
            1,
            "key {k}: exactly one of them created it"
        );
    }
    let ids: Vec<i64> = by_key.values().map(|s| s[0].0).collect();
    for id in &ids {
        let (s, d) = t.get(&format!("/api/v1/cases/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(d["case"]["state"], "reported");
        assert_eq!(d["timeline"].as_array().unwrap().len(), 1, "{d}");
    }
    t.login("admin").await;
    let (s, v) = t.get("/api/v1/audit?action=case.report&page_size=100").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mut audited: Vec<i64> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["entity_id"].as_str().unwrap().parse().unwrap())
        .collect();
    audited.sort_unstable();
    let mut expected = ids.clone();
    expected.sort_unstable();
    assert_eq!(audited, expected);
    let report = gridgov_app::audit::verify(&t.app).await.unwrap();
    assert_eq!(report.first_break, None);
}
