//! Deliberation meetings over HTTP: a community plans a 议题半月谈 with resident
//! representatives and the property company, schedules a topic (the topic moves and its
//! timeline says so), orders the agenda, starts, checks participants in (by the operator, or
//! themselves through their linked account), adds an attachment and closes; the next meeting of
//! the series follows; once closed nothing changes. Refusals by code, role and scope.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{TestApp, code, field_codes};
use serde_json::{Value, json};

const GRID: &str = "370105001001001";
const OTHER_STREET_GRID: &str = "370105003001001";

async fn meeting(t: &TestApp, id: i64) -> Value {
    let (s, v) = t.get(&format!("/api/v1/meetings/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

async fn act(t: &TestApp, id: i64, action: &str) -> (StatusCode, Value) {
    let version = meeting(t, id).await["meeting"]["version"].clone();
    t.post(
        &format!("/api/v1/meetings/{id}/actions"),
        json!({"action": action, "version": version}),
    )
    .await
}

async fn new_resident(t: &TestApp, n: u32, name: &str) -> i64 {
    let phone = format!("139063{n:05}");
    let (s, _, _) = t
        .send("POST", "/api/v1/auth/otp", Some(json!({ "phone": phone })), &[])
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, code_sent) = t.otp.last().unwrap();
    let body = json!({"phone": phone, "code": code_sent, "display_name": name});
    let (s, v, h) = t.send("POST", "/api/v1/auth/otp-login", Some(body), &[]).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let set = h.get("set-cookie").unwrap().to_str().unwrap();
    t.use_cookie(Some(set.split(';').next().unwrap().to_owned()));
    let (_, me) = t.get("/api/v1/auth/me").await;
    me["id"].as_i64().or(me["user"]["id"].as_i64()).unwrap()
}

#[tokio::test]
async fn a_fortnightly_meeting_from_planning_to_its_close() {
    let t = TestApp::demo().await;
    t.login("resident").await;
    let (_, me) = t.get("/api/v1/auth/me").await;
    let resident = me["id"].as_i64().or(me["user"]["id"].as_i64()).unwrap();
    let resident_cookie = t.cookie();

    // Wrong role, out of scope, bad input.
    t.login("gridworker").await;
    let body = json!({"title": "议题半月谈", "area": GRID, "starts_at": "2026-12-10T07:00:00Z"});
    let (s, v) = t.post("/api/v1/meetings", body.clone()).await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "forbidden"));
    t.login("community").await;
    let mut out = body.clone();
    out["area"] = json!(OTHER_STREET_GRID);
    let (s, v) = t.post("/api/v1/meetings", out).await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "region_not_found"));
    let mut bad = body.clone();
    bad["recur_days"] = json!(93);
    bad["quorum"] = json!("most");
    let (s, v) = t.post("/api/v1/meetings", bad).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        field_codes(&v),
        vec!["recurrence_out_of_range".to_owned(), "unknown_quorum".to_owned()]
    );

    let mut good = body.clone();
    good["recur_days"] = json!(14);
    good["place"] = json!("社区党群服务中心");
    let (s, m) = t.post("/api/v1/meetings", good).await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let id = m["id"].as_i64().unwrap();
    assert_eq!(
        (m["state"].as_str(), m["level"].as_str()),
        (Some("planned"), Some("grid"))
    );
    assert_eq!(
        (
            m["quorum"].as_str(),
            m["pass_base"].as_str(),
            m["ballot_kind"].as_str()
        ),
        (Some("more_than_half"), Some("present"), Some("open"))
    );

    // A topic of the grid, scheduled: it is on the agenda with its title.
    let (s, topic) = t
        .post(
            "/api/v1/topics",
            json!({"title": "楼道照明灯损坏", "description": "灯坏了一个月", "category": "facilities", "area": GRID}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{topic}");
    let topic_id = topic["id"].as_i64().unwrap();

    // Five resident representatives (the first is the demo resident) and the property company.
    let mut reps = Vec::new();
    for (i, name) in ["王建国", "李秀英", "张伟", "刘芳", "陈静"].iter().enumerate() {
        let mut p = json!({"name": name, "role": "居民代表", "unit": "3号楼"});
        if i == 0 {
            p["account_id"] = json!(resident);
        }
        let (s, v) = t.post(&format!("/api/v1/meetings/{id}/participants"), p).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["can_vote"], true);
        reps.push(v["id"].as_i64().unwrap());
    }
    let (s, v) = t
        .post(
            &format!("/api/v1/meetings/{id}/participants"),
            json!({"name": "赵经理", "role": "property_company", "unit": "阳光物业"}),
        )
        .await;
    assert_eq!(
        (s, v["can_vote"].as_bool()),
        (StatusCode::CREATED, Some(false)),
        "{v}"
    );
    let (s, v) = t
        .post(
            &format!("/api/v1/meetings/{id}/participants"),
            json!({"name": "重复", "role": "resident_rep", "account_id": resident}),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "already_participant"));
    let (s, v) = t
        .post(
            &format!("/api/v1/meetings/{id}/participants"),
            json!({"name": "某人", "role": "mayor", "account_id": 999999}),
        )
        .await;
    assert_eq!(
        (s, field_codes(&v)),
        (
            StatusCode::BAD_REQUEST,
            vec!["unknown_role".to_owned(), "account_not_found".to_owned()]
        )
    );
    // One more, removed again before the start.
    let (_, extra) = t
        .post(
            &format!("/api/v1/meetings/{id}/participants"),
            json!({"name": "临时", "role": "expert"}),
        )
        .await;
    let uri = format!("/api/v1/meetings/{id}/participants/{}", extra["id"]);
    assert_eq!(t.send("DELETE", &uri, None, &[]).await.0, StatusCode::NO_CONTENT);

    let (s, p1) = t
        .post(
            &format!("/api/v1/meetings/{id}/proposals"),
            json!({"topic_id": topic_id}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p1}");
    assert_eq!(
        (p1["title"].as_str(), p1["state"].as_str()),
        (Some("楼道照明灯损坏"), Some("draft"))
    );
    let (_, tv) = t.get(&format!("/api/v1/topics/{topic_id}")).await;
    assert_eq!(tv["topic"]["state"], "scheduled");
    assert!(
        tv["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "schedule")
    );
    // Twice: the topic is no longer open or ready.
    let (s, v) = t
        .post(
            &format!("/api/v1/meetings/{id}/proposals"),
            json!({"topic_id": topic_id}),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "invalid_topic_state"));
    let (s, p2) = t
        .post(
            &format!("/api/v1/meetings/{id}/proposals"),
            json!({"title": "增设电动车充电桩"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p2}");
    let (p1, p2) = (p1["id"].as_i64().unwrap(), p2["id"].as_i64().unwrap());
    let (s, v) = t
        .put(&format!("/api/v1/meetings/{id}/agenda"), json!({"order": [p2]}))
        .await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["invalid_order".to_owned()])
    );
    let (s, v) = t
        .put(
            &format!("/api/v1/meetings/{id}/agenda"),
            json!({"order": [p2, p1]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let d = meeting(&t, id).await;
    let order: Vec<i64> = d["agenda"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(order, [p2, p1]);
    assert_eq!(d["participants"].as_array().unwrap().len(), 6);
    assert_eq!(d["actions"], json!(["start", "cancel"]));
    let uri = format!("/api/v1/meetings/{id}/proposals/{p2}");
    assert_eq!(t.send("DELETE", &uri, None, &[]).await.0, StatusCode::NO_CONTENT);

    // Not yet in session: no check-ins.
    let (s, v) = t
        .post(
            &format!("/api/v1/meetings/{id}/check-ins"),
            json!({"participant_id": reps[1]}),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "meeting_not_in_session"));
    let (s, v) = act(&t, id, "start").await;
    assert_eq!(
        (s, v["meeting"]["state"].as_str()),
        (StatusCode::OK, Some("in_session")),
        "{v}"
    );
    let (s, v) = t
        .send(
            "DELETE",
            &format!("/api/v1/meetings/{id}/participants/{}", reps[4]),
            None,
            &[],
        )
        .await
        .into_pair();
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "meeting_in_session"));
    for p in &reps[1..3] {
        let (s, v) = t
            .post(
                &format!("/api/v1/meetings/{id}/check-ins"),
                json!({"participant_id": p}),
            )
            .await;
        assert!(s == StatusCode::OK && v["checked_in_at"].is_string(), "{v}");
    }
    // An attachment: a PDF by its bytes; anything else is refused.
    let (s, _, _) = t
        .send_bytes(
            "POST",
            &format!("/api/v1/meetings/{id}/attachments?name=签到表.pdf"),
            b"%PDF-1.4 test".to_vec(),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _, _) = t
        .send_bytes(
            "POST",
            &format!("/api/v1/meetings/{id}/attachments"),
            b"GIF89a".to_vec(),
        )
        .await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // Self check-in through the linked account, twice (the same answer); someone else may not.
    t.use_cookie(resident_cookie.clone());
    let (s, first) = t
        .send("POST", &format!("/api/v1/meetings/{id}/check-ins"), None, &[])
        .await
        .into_pair();
    assert_eq!(s, StatusCode::OK, "{first}");
    let (s, again) = t
        .send("POST", &format!("/api/v1/meetings/{id}/check-ins"), None, &[])
        .await
        .into_pair();
    assert_eq!(
        (s, &again["checked_in_at"]),
        (StatusCode::OK, &first["checked_in_at"])
    );
    let d = meeting(&t, id).await;
    assert_eq!(d["my_participant_id"].as_i64(), Some(reps[0]));
    assert_eq!(d["actions"], json!([]));
    assert_eq!(d["attachments"].as_array().unwrap().len(), 1);
    let att = d["attachments"][0]["id"].as_i64().unwrap();
    let (s, bytes, _) = t
        .send_bytes("GET", &format!("/api/v1/meeting-attachments/{att}"), Vec::new())
        .await;
    assert_eq!((s, bytes), (StatusCode::OK, b"%PDF-1.4 test".to_vec()));
    new_resident(&t, 1, "路人甲").await;
    let (s, v) = t
        .post(
            &format!("/api/v1/meetings/{id}/check-ins"),
            json!({"participant_id": reps[3]}),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "not_your_participation"));
    let (s, v) = t
        .send("POST", &format!("/api/v1/meetings/{id}/check-ins"), None, &[])
        .await
        .into_pair();
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "participant_not_found"));

    // Closing: the draft proposal's topic goes back to ready; the next meeting follows 14 days
    // later with the same participants, none checked in.
    t.login("community").await;
    let (s, v) = t
        .put(
            &format!("/api/v1/meetings/{id}"),
            json!({"version": 1, "minutes": "x"}),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "stale_version"));
    let version = meeting(&t, id).await["meeting"]["version"].clone();
    let (s, v) = t
        .put(
            &format!("/api/v1/meetings/{id}"),
            json!({"version": version, "minutes": "会议纪要：同意更换楼道灯"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = act(&t, id, "close").await;
    assert_eq!(
        (s, v["meeting"]["state"].as_str()),
        (StatusCode::OK, Some("closed")),
        "{v}"
    );
    let (_, tv) = t.get(&format!("/api/v1/topics/{topic_id}")).await;
    assert_eq!(tv["topic"]["state"], "ready");
    let (_, list) = t.get("/api/v1/meetings?state=planned").await;
    let next = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["series_id"] == id)
        .unwrap()
        .clone();
    assert_eq!(next["starts_at"], "2026-12-24T07:00:00Z");
    let nd = meeting(&t, next["id"].as_i64().unwrap()).await;
    let parts = nd["participants"].as_array().unwrap();
    assert_eq!(parts.len(), 6);
    assert!(parts.iter().all(|p| p["checked_in_at"].is_null()));

    // Once closed, nothing changes.
    let before = t.count("meeting_participant").await;
    let version = meeting(&t, id).await["meeting"]["version"].clone();
    let tries = [
        (
            "PUT",
            format!("/api/v1/meetings/{id}"),
            json!({"version": version, "title": "改"}),
        ),
        (
            "POST",
            format!("/api/v1/meetings/{id}/participants"),
            json!({"name": "迟到", "role": "expert"}),
        ),
        (
            "POST",
            format!("/api/v1/meetings/{id}/check-ins"),
            json!({"participant_id": reps[4]}),
        ),
        (
            "POST",
            format!("/api/v1/meetings/{id}/proposals"),
            json!({"topic_id": topic_id}),
        ),
        (
            "PUT",
            format!("/api/v1/meetings/{id}/agenda"),
            json!({"order": [p1]}),
        ),
        (
            "POST",
            format!("/api/v1/meetings/{id}/actions"),
            json!({"action": "cancel", "version": version}),
        ),
    ];
    for (method, uri, body) in tries {
        let (s, v, _) = t.send(method, &uri, Some(body), &[]).await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::CONFLICT, "meeting_closed"),
            "{method} {uri}"
        );
    }
    let (s, v) = t
        .send(
            "DELETE",
            &format!("/api/v1/meetings/{id}/participants/{}", reps[4]),
            None,
            &[],
        )
        .await
        .into_pair();
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "meeting_closed"));
    let (s, _, _) = t
        .send_bytes(
            "POST",
            &format!("/api/v1/meetings/{id}/attachments"),
            b"%PDF-1.4".to_vec(),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(t.count("meeting_participant").await, before);
    let (_, tv) = t.get(&format!("/api/v1/topics/{topic_id}")).await;
    assert_eq!(tv["topic"]["state"], "ready");

    let actions = t.audit_actions("meeting", id).await;
    for a in [
        "meeting.create",
        "meeting.participant_add",
        "meeting.start",
        "meeting.check_in",
        "meeting.close",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
    // Out of scope: a meeting of another street is not found by the community's operator.
    t.login("admin").await;
    let (s, v) = t
        .post(
            "/api/v1/meetings",
            json!({"title": "议事会", "area": OTHER_STREET_GRID, "starts_at": "2026-12-10T07:00:00Z"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let other = v["id"].as_i64().unwrap();
    t.login("community").await;
    let (s, v) = t.get(&format!("/api/v1/meetings/{other}")).await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "meeting_not_found"));
    let (s, v) = t
        .post(
            &format!("/api/v1/meetings/{other}/participants"),
            json!({"name": "x", "role": "expert"}),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "meeting_not_found"));
}

trait Pair {
    fn into_pair(self) -> (StatusCode, Value);
}

impl Pair for (StatusCode, Value, axum::http::HeaderMap) {
    fn into_pair(self) -> (StatusCode, Value) {
        (self.0, self.1)
    }
}
