//! Deliberation resolutions over HTTP, the stairwell story from the vote on: the passed topic's
//! resolution is published for its notice period, implemented as a case (source
//! `deliberation`, linked both ways) and a task once the period is over, completed when the case
//! is closed and the task done, and rated once by a resident of the area. Refusals by code,
//! role and state; nothing changed by a refusal.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{TestApp, code, field_codes};
use serde_json::{Value, json};

const GRID: &str = "370105001001001";

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

/// Acts on a case with its current version.
async fn act_on_case(t: &TestApp, id: i64, mut body: Value) -> (StatusCode, Value) {
    let (_, d) = t.get(&format!("/api/v1/cases/{id}")).await;
    body["version"] = d["case"]["version"].clone();
    t.post(&format!("/api/v1/cases/{id}/actions"), body).await
}

/// A topic of GRID (with a point) that the demo resident supports, put to a meeting of five
/// representatives and voted through 3 for, 1 abstaining. Answers (meeting, proposal, topic).
async fn passed_topic(t: &TestApp, resident_cookie: Option<String>) -> (i64, i64, i64) {
    t.login("community").await;
    let (lon, lat) = t.centre_of(GRID).await;
    let (s, topic) = t
        .post(
            "/api/v1/topics",
            json!({"title": "楼道照明灯损坏", "description": "3号楼楼道灯坏了一个月，老人上下楼不便",
                "category": "facilities", "area": GRID, "lon": lon, "lat": lat}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{topic}");
    let topic_id = topic["id"].as_i64().unwrap();
    t.use_cookie(resident_cookie);
    let (s, v) = t
        .post(&format!("/api/v1/topics/{topic_id}/support"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    t.login("community").await;
    let (s, m) = t
        .post(
            "/api/v1/meetings",
            json!({"title": "议题半月谈", "area": GRID, "starts_at": "2026-12-10T07:00:00Z"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let id = m["id"].as_i64().unwrap();
    let mut reps = Vec::new();
    for name in ["王建国", "李秀英", "张伟", "刘芳", "陈静"] {
        let (s, v) = t
            .post(
                &format!("/api/v1/meetings/{id}/participants"),
                json!({"name": name, "role": "resident_rep"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        reps.push(v["id"].as_i64().unwrap());
    }
    let (s, p) = t
        .post(
            &format!("/api/v1/meetings/{id}/proposals"),
            json!({"topic_id": topic_id}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let pid = p["id"].as_i64().unwrap();
    let (_, d) = t.get(&format!("/api/v1/meetings/{id}")).await;
    let body = json!({"action": "start", "version": d["meeting"]["version"]});
    assert_eq!(
        t.post(&format!("/api/v1/meetings/{id}/actions"), body).await.0,
        StatusCode::OK
    );
    for r in &reps[..4] {
        let (s, v) = t
            .post(
                &format!("/api/v1/meetings/{id}/check-ins"),
                json!({"participant_id": r}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    assert_eq!(
        t.post(&format!("/api/v1/proposals/{pid}/open"), json!({}))
            .await
            .0,
        StatusCode::OK
    );
    for (r, c) in reps[..4].iter().zip(["for", "for", "for", "abstain"]) {
        let (s, v) = t
            .post(
                &format!("/api/v1/proposals/{pid}/ballots"),
                json!({"participant_id": r, "choice": c}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let (s, v) = t.post(&format!("/api/v1/proposals/{pid}/close"), json!({})).await;
    assert_eq!((s, v["passed"].as_bool()), (StatusCode::OK, Some(true)), "{v}");
    (id, pid, topic_id)
}

async fn topic_state(t: &TestApp, id: i64) -> String {
    let (_, v) = t.get(&format!("/api/v1/topics/{id}")).await;
    v["topic"]["state"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_stairwell_resolution_from_publishing_to_the_residents_rating() {
    let t = TestApp::demo().await;
    t.login("resident").await;
    let resident = t.cookie();
    let (meeting, pid, topic) = passed_topic(&t, resident.clone()).await;

    // Publish: wrong role, bad input, a proposal not passed.
    t.login("gridworker").await;
    let body = json!({"proposal_id": pid, "text": "由物业公司三日内更换3号楼楼道灯，社区跟踪督办。", "notice_days": 3});
    let (s, v) = t.post("/api/v1/resolutions", body.clone()).await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "forbidden"));
    t.login("community").await;
    let (s, v) = t
        .post(
            "/api/v1/resolutions",
            json!({"proposal_id": pid, "text": " ", "notice_days": 31}),
        )
        .await;
    assert_eq!(
        (s, field_codes(&v)),
        (
            StatusCode::BAD_REQUEST,
            vec!["required".to_owned(), "notice_out_of_range".to_owned()]
        )
    );
    let (s, v) = t
        .post(
            "/api/v1/resolutions",
            json!({"proposal_id": 999_999, "text": "x"}),
        )
        .await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["proposal_not_found".to_owned()])
    );
    let (s, free) = t
        .post(
            &format!("/api/v1/meetings/{meeting}/proposals"),
            json!({"title": "增设电动车充电桩"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{free}");
    let (s, v) = t
        .post(
            "/api/v1/resolutions",
            json!({"proposal_id": free["id"], "text": "x"}),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "proposal_not_passed"));
    assert_eq!(t.count("resolution").await, 0);

    let (s, d) = t.post("/api/v1/resolutions", body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let id = d["resolution"]["id"].as_i64().unwrap();
    assert_eq!(
        (
            d["resolution"]["state"].as_str(),
            d["resolution"]["title"].as_str(),
            d["may_implement"].as_bool()
        ),
        (Some("publicised"), Some("楼道照明灯损坏"), Some(false)),
        "{d}"
    );
    assert!(
        d["actions"].as_array().unwrap().is_empty(),
        "not during the notice: {d}"
    );
    assert_eq!(topic_state(&t, topic).await, "publicised");
    let (s, v) = t.post("/api/v1/resolutions", body).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "already_published"));
    let (_, page) = t.get(&format!("/api/v1/resolutions?topic={topic}")).await;
    assert_eq!(page["total"], 1, "{page}");
    let (s, v) = t.get("/api/v1/resolutions?state=pending").await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["unknown_state".to_owned()])
    );

    // Implement: not during the notice period, not with nothing, not with a stale version.
    let stairwell = category_id(&t, "municipal.stairwell").await;
    let uri = format!("/api/v1/resolutions/{id}/implement");
    let work = json!({"version": 1, "cases": [{"category_id": stairwell}],
        "tasks": [{"title": "物业更换楼道灯", "owner": "阳光物业", "due_on": "2026-12-20"}]});
    let (s, v) = t.post(&uri, work.clone()).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "notice_running"));
    t.clock.advance(chrono::Duration::days(3));
    // Three days idle end every session.
    t.login("community").await;
    t.login("resident").await;
    let resident = t.cookie();
    t.login("community").await;
    let (s, v) = t.post(&uri, json!({"version": 1})).await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["nothing_to_implement".to_owned()])
    );
    let (s, v) = t
        .post(&uri, json!({"version": 7, "tasks": [{"title": "x"}]}))
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "stale_version"));
    let (s, v) = t
        .post(
            &uri,
            json!({"version": 1, "tasks": [{"title": " "}], "case_ids": [999_999]}),
        )
        .await;
    assert_eq!(
        (s, field_codes(&v)),
        (
            StatusCode::BAD_REQUEST,
            vec!["required".to_owned(), "case_not_found".to_owned()]
        )
    );
    let cases_before = t.count("cases").await;
    let (_, d) = t.get(&format!("/api/v1/resolutions/{id}")).await;
    assert_eq!(d["actions"], json!(["implement"]), "{d}");
    let (s, d) = t.post(&uri, work.clone()).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["resolution"]["state"], "implementing");
    assert_eq!(t.count("cases").await, cases_before + 1);
    let case_id = d["cases"][0]["id"].as_i64().unwrap();
    let task = d["tasks"][0].clone();
    assert_eq!(
        (task["title"].as_str(), task["owner"].as_str()),
        (Some("物业更换楼道灯"), Some("阳光物业"))
    );
    assert_eq!(topic_state(&t, topic).await, "implementing");
    let mut again = work;
    again["version"] = d["resolution"]["version"].clone();
    let (s, v) = t.post(&uri, again).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "already_implemented"));
    // The case knows its resolution: the link both ways.
    let (_, c) = t.get(&format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(c["case"]["source"], "deliberation", "{c}");
    assert_eq!(c["resolutions"][0]["id"].as_i64(), Some(id), "{c}");
    assert_eq!(c["resolutions"][0]["topic_id"].as_i64(), Some(topic));

    // Not rated before it is completed.
    t.use_cookie(resident.clone());
    let (s, v) = t
        .post(
            &format!("/api/v1/topics/{topic}/ratings"),
            json!({"rating": "satisfied"}),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "topic_not_completed"));

    // The task is done, the case still open: implementing.
    t.login("community").await;
    let task_uri = format!("/api/v1/resolution-tasks/{}", task["id"]);
    let (s, v) = t
        .put(
            &task_uri,
            json!({"version": task["version"], "done": true, "note": "已更换"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["resolution"]["state"], "implementing");
    assert!(v["tasks"][0]["done_at"].is_string());
    let (s, v) = t.put(&task_uri, json!({"version": 1, "done": false})).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "stale_version"));

    // The grid handles the case, the community verifies it: the resolution and topic complete.
    t.login("gridworker").await;
    let (s, v) = act_on_case(
        &t,
        case_id,
        json!({"action": "handle_on_spot", "comment": "灯已亮"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    t.login("community").await;
    let (s, v) = act_on_case(&t, case_id, json!({"action": "verify"})).await;
    assert_eq!((s, v["state"].as_str()), (StatusCode::OK, Some("closed")), "{v}");
    let (_, d) = t.get(&format!("/api/v1/resolutions/{id}")).await;
    assert_eq!(d["resolution"]["state"], "completed", "{d}");
    assert_eq!(topic_state(&t, topic).await, "completed");
    let (s, v) = t.put(&task_uri, json!({"version": 2, "done": false})).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "resolution_completed"));

    // Residents: they follow it (the case's progress, not its text), hear of it and rate once.
    t.use_cookie(resident.clone());
    let (_, n) = t.get("/api/v1/notifications").await;
    for a in ["publish", "implement", "complete"] {
        assert!(
            n["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["action"] == a && x["topic_id"] == topic),
            "{a} in {n}"
        );
    }
    let (s, d) = t.get(&format!("/api/v1/resolutions/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(
        (
            d["cases"][0]["state"].as_str(),
            d["cases"][0]["description"].is_null()
        ),
        (Some("closed"), true)
    );
    assert_eq!(d["actions"], json!(["rate"]), "{d}");
    let (s, v) = t
        .post(
            &format!("/api/v1/topics/{topic}/ratings"),
            json!({"rating": "great"}),
        )
        .await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["unknown_rating".to_owned()])
    );
    let (s, v) = t
        .post(
            &format!("/api/v1/topics/{topic}/ratings"),
            json!({"rating": "满意", "comment": "灯亮了，谢谢"}),
        )
        .await;
    assert_eq!(
        (s, v["total"].as_i64(), v["satisfied_percent"].as_f64()),
        (StatusCode::CREATED, Some(1), Some(100.0)),
        "{v}"
    );
    let (s, v) = t
        .post(
            &format!("/api/v1/topics/{topic}/ratings"),
            json!({"rating": "not_satisfied"}),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "already_rated"));
    let (_, d) = t.get(&format!("/api/v1/resolutions/{id}")).await;
    assert_eq!(
        (d["my_rating"].as_str(), d["actions"].as_array().map(Vec::len)),
        (Some("satisfied"), Some(0))
    );
    assert_eq!(t.count("topic_rating").await, 1);
    t.login("community").await;
    let (s, v) = t
        .post(
            &format!("/api/v1/topics/{topic}/ratings"),
            json!({"rating": "satisfied"}),
        )
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::FORBIDDEN, "forbidden"),
        "staff do not rate"
    );

    let actions = t.audit_actions("resolution", id).await;
    for a in [
        "resolution.publish",
        "resolution.implement",
        "resolution.task",
        "resolution.complete",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
    assert!(
        t.audit_actions("topic", topic)
            .await
            .iter()
            .any(|x| x == "topic.rate")
    );
}

#[tokio::test]
async fn a_resolution_without_cases_completes_with_its_last_task_and_an_urgent_one_needs_no_notice() {
    let t = TestApp::demo().await;
    t.login("resident").await;
    let (_, pid, topic) = passed_topic(&t, t.cookie()).await;
    let (s, d) = t
        .post(
            "/api/v1/resolutions",
            json!({"proposal_id": pid, "text": "立即修复", "notice_days": 0, "title": "楼道灯立即修复"}),
        )
        .await;
    assert_eq!(
        (s, d["may_implement"].as_bool()),
        (StatusCode::CREATED, Some(true)),
        "{d}"
    );
    let id = d["resolution"]["id"].as_i64().unwrap();
    let (s, d) = t
        .post(
            &format!("/api/v1/resolutions/{id}/implement"),
            json!({"version": 1, "tasks": [{"title": "采购灯具"}, {"title": "安装"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    for (i, task) in d["tasks"].as_array().unwrap().clone().iter().enumerate() {
        let (s, v) = t
            .put(
                &format!("/api/v1/resolution-tasks/{}", task["id"]),
                json!({"version": task["version"], "done": true}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let want = if i == 0 { "implementing" } else { "completed" };
        assert_eq!(v["resolution"]["state"], want, "{v}");
    }
    assert_eq!(topic_state(&t, topic).await, "completed");
    // Another street's resolution is not found; the district sees it.
    let (s, v) = t.get("/api/v1/resolutions/999999").await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "resolution_not_found"));
}
