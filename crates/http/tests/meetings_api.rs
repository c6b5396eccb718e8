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

/// Plans, staffs and starts a meeting in GRID as the community operator; answers its id and the
/// participants' ids (five resident representatives, the first linked to `linked`, then the
/// property company).
async fn session(t: &TestApp, linked: i64, ballot_kind: &str) -> (i64, Vec<i64>) {
    t.login("community").await;
    let (s, m) = t
        .post(
            "/api/v1/meetings",
            json!({"title": "议题半月谈", "area": GRID, "starts_at": "2026-12-10T07:00:00Z", "ballot_kind": ballot_kind}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let id = m["id"].as_i64().unwrap();
    let mut ids = Vec::new();
    for (i, name) in ["王建国", "李秀英", "张伟", "刘芳", "陈静", "赵经理"]
        .iter()
        .enumerate()
    {
        let mut p = json!({"name": name, "role": if i < 5 { "resident_rep" } else { "property_company" }});
        if i == 0 {
            p["account_id"] = json!(linked);
        }
        let (s, v) = t.post(&format!("/api/v1/meetings/{id}/participants"), p).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        ids.push(v["id"].as_i64().unwrap());
    }
    (id, ids)
}

async fn ballot(t: &TestApp, proposal: i64, body: Value) -> (StatusCode, Value) {
    t.post(&format!("/api/v1/proposals/{proposal}/ballots"), body)
        .await
}

#[tokio::test]
async fn a_topic_is_voted_through_and_its_supporters_hear_of_it() {
    let t = TestApp::demo().await;
    t.login("resident").await;
    let (_, me) = t.get("/api/v1/auth/me").await;
    let resident = me["id"].as_i64().or(me["user"]["id"].as_i64()).unwrap();
    let resident_cookie = t.cookie();
    let (id, ps) = session(&t, resident, "open").await;
    // A topic of the grid, which the demo resident supports.
    let (s, topic) = t
        .post(
            "/api/v1/topics",
            json!({"title": "楼道照明灯损坏", "description": "灯坏了一个月", "category": "facilities", "area": GRID}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{topic}");
    let topic_id = topic["id"].as_i64().unwrap();
    t.use_cookie(resident_cookie.clone());
    assert_eq!(
        t.post(&format!("/api/v1/topics/{topic_id}/support"), json!({}))
            .await
            .0,
        StatusCode::OK
    );
    t.login("community").await;
    let (s, p) = t
        .post(
            &format!("/api/v1/meetings/{id}/proposals"),
            json!({"topic_id": topic_id}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let pid = p["id"].as_i64().unwrap();
    // Not in session yet: no vote.
    let (s, v) = t.post(&format!("/api/v1/proposals/{pid}/open"), json!({})).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "meeting_not_in_session"));
    assert_eq!(act(&t, id, "start").await.0, StatusCode::OK);
    // Four representatives check in (the demo resident themselves); the fifth does not.
    for p in &ps[1..4] {
        let (s, v) = t
            .post(
                &format!("/api/v1/meetings/{id}/check-ins"),
                json!({"participant_id": p}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    t.post(
        &format!("/api/v1/meetings/{id}/check-ins"),
        json!({"participant_id": ps[5]}),
    )
    .await;
    t.use_cookie(resident_cookie.clone());
    let (s, v) = ballot(&t, pid, json!({"choice": "for"})).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "voting_not_open"));
    assert_eq!(
        t.send("POST", &format!("/api/v1/meetings/{id}/check-ins"), None, &[])
            .await
            .0,
        StatusCode::OK
    );

    t.login("community").await;
    let (s, v) = t.post(&format!("/api/v1/proposals/{pid}/open"), json!({})).await;
    assert_eq!(
        (s, v["state"].as_str(), v["eligible"].as_i64()),
        (StatusCode::OK, Some("voting"), Some(5)),
        "{v}"
    );
    let (s, v) = t
        .post(
            &format!("/api/v1/meetings/{id}/actions"),
            json!({"action": "close", "version": meeting(&t, id).await["meeting"]["version"]}),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "voting_open"));
    // The operator records open ballots; the demo resident votes themselves.
    for (p, c) in [(ps[1], "for"), (ps[2], "赞成"), (ps[3], "abstain")] {
        let (s, v) = ballot(&t, pid, json!({"participant_id": p, "choice": c})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(v["for_votes"].is_null(), "no counts while voting: {v}");
    }
    let (s, v) = ballot(&t, pid, json!({"participant_id": ps[1], "choice": "against"})).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "already_voted"));
    let (s, v) = ballot(&t, pid, json!({"participant_id": ps[4], "choice": "for"})).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "not_checked_in")
    );
    let (s, v) = ballot(&t, pid, json!({"participant_id": ps[5], "choice": "for"})).await;
    assert_eq!((s, code(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "not_eligible"));
    let (s, v) = ballot(&t, pid, json!({"choice": "for"})).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "not_eligible"),
        "the operator is no participant"
    );
    let (s, v) = ballot(&t, pid, json!({"choice": "maybe"})).await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["unknown_choice".to_owned()])
    );
    t.use_cookie(resident_cookie.clone());
    let (s, v) = ballot(&t, pid, json!({"participant_id": ps[2], "choice": "for"})).await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "not_your_participation"));
    let (s, v) = ballot(&t, pid, json!({"choice": "for"})).await;
    assert_eq!((s, v["voted"].as_i64()), (StatusCode::OK, Some(4)), "{v}");
    let (s, v) = ballot(&t, pid, json!({"choice": "for"})).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "already_voted"));
    let d = meeting(&t, id).await;
    assert!(
        d["agenda"][0]["for_votes"].is_null() && d["agenda"][0]["voted"] == 4,
        "{d}"
    );
    new_resident(&t, 2, "路人乙").await;
    let (s, v) = ballot(&t, pid, json!({"choice": "for"})).await;
    assert_eq!((s, code(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "not_eligible"));

    // Closed: 5 eligible, 4 present (quorum), 3 of 4 present for: passed.
    t.login("gridworker").await;
    let (s, v) = t.post(&format!("/api/v1/proposals/{pid}/close"), json!({})).await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "forbidden"));
    t.login("community").await;
    let (s, v) = t.post(&format!("/api/v1/proposals/{pid}/close"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (
            v["state"].as_str(),
            v["present"].as_i64(),
            v["for_votes"].as_i64(),
            v["against"].as_i64(),
            v["abstain"].as_i64()
        ),
        (Some("closed"), Some(4), Some(3), Some(0), Some(1))
    );
    assert_eq!(
        (v["quorum_met"].as_bool(), v["passed"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(v["turnout_percent"].as_f64(), Some(80.0));
    let (s, v) = ballot(&t, pid, json!({"participant_id": ps[4], "choice": "for"})).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "voting_closed"));
    let (s, v) = t.post(&format!("/api/v1/proposals/{pid}/close"), json!({})).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "voting_closed"));
    assert_eq!(t.count("ballot").await, 4);
    let (_, tv) = t.get(&format!("/api/v1/topics/{topic_id}")).await;
    assert_eq!(tv["topic"]["state"], "passed");
    assert!(
        tv["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "pass")
    );
    t.use_cookie(resident_cookie.clone());
    let (_, n) = t.get("/api/v1/notifications").await;
    assert!(
        n["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["action"] == "pass" && x["topic_id"] == topic_id),
        "{n}"
    );
    t.login("community").await;
    assert_eq!(act(&t, id, "close").await.0, StatusCode::OK);
    let (s, v) = ballot(&t, pid, json!({"participant_id": ps[4], "choice": "for"})).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "voting_closed"));
    let actions = t.audit_actions("meeting", id).await;
    for a in ["proposal.open", "ballot.cast", "proposal.close"] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
}

#[tokio::test]
async fn a_secret_ballot_stores_only_that_someone_voted() {
    let t = TestApp::demo().await;
    t.login("resident").await;
    let (_, me) = t.get("/api/v1/auth/me").await;
    let resident = me["id"].as_i64().or(me["user"]["id"].as_i64()).unwrap();
    let resident_cookie = t.cookie();
    let (id, ps) = session(&t, resident, "secret").await;
    let (_, p) = t
        .post(
            &format!("/api/v1/meetings/{id}/proposals"),
            json!({"title": "增设电动车充电桩"}),
        )
        .await;
    let pid = p["id"].as_i64().unwrap();
    assert_eq!(act(&t, id, "start").await.0, StatusCode::OK);
    for p in &ps[0..2] {
        t.post(
            &format!("/api/v1/meetings/{id}/check-ins"),
            json!({"participant_id": p}),
        )
        .await;
    }
    let (s, v) = t.post(&format!("/api/v1/proposals/{pid}/open"), json!({})).await;
    assert_eq!(
        (s, v["ballot_kind"].as_str()),
        (StatusCode::OK, Some("secret")),
        "{v}"
    );
    let (s, v) = ballot(&t, pid, json!({"participant_id": ps[1], "choice": "for"})).await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "secret_ballot"));
    t.use_cookie(resident_cookie);
    // Two ballots racing: one counts, the other is already_voted.
    let (a, b) = tokio::join!(
        ballot(&t, pid, json!({"choice": "against"})),
        ballot(&t, pid, json!({"choice": "against"}))
    );
    let mut codes = vec![a.0, b.0];
    codes.sort();
    assert_eq!(codes, [StatusCode::OK, StatusCode::CONFLICT], "{} {}", a.1, b.1);
    assert!(code(&a.1) == "already_voted" || code(&b.1) == "already_voted");
    t.login("community").await;
    let (s, v) = t.post(&format!("/api/v1/proposals/{pid}/close"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["against"].as_i64(), v["passed"].as_bool()),
        (Some(1), Some(false))
    );
    // The ballot row says that the representative voted, never what.
    assert_eq!(t.count("ballot").await, 1);
    assert_eq!(t.count("ballot WHERE choice IS NULL").await, 1);

    // Scope: another street's proposal is not found by the community's operator.
    t.login("admin").await;
    let (_, m) = t
        .post(
            "/api/v1/meetings",
            json!({"title": "议事会", "area": OTHER_STREET_GRID, "starts_at": "2026-12-10T07:00:00Z"}),
        )
        .await;
    let (s, p) = t
        .post(
            &format!("/api/v1/meetings/{}/proposals", m["id"]),
            json!({"title": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    t.login("community").await;
    for what in ["open", "close"] {
        let (s, v) = t
            .post(&format!("/api/v1/proposals/{}/{what}", p["id"]), json!({}))
            .await;
        assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "proposal_not_found"));
    }
}

trait Pair {
    fn into_pair(self) -> (StatusCode, Value);
}

impl Pair for (StatusCode, Value, axum::http::HeaderMap) {
    fn into_pair(self) -> (StatusCode, Value) {
        (self.0, self.1)
    }
}
