//! The deliberation platform over HTTP: residents raise topics in their home area and support
//! them once each, at the threshold a topic becomes ready and its raiser and supporters hear of
//! it; centres accept, decline (with a reason), merge (supporters carried over, once each) and
//! refer topics up a level; photos; thresholds; every refusal with its code and nothing changed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{TestApp, code, field_codes};
use serde_json::{Value, json};

const GRID: &str = "370105001001001";
const SIBLING_GRID: &str = "370105001001002";
const COMMUNITY: &str = "370105001001";
const STREET: &str = "370105001000";
/// A grid in another street: outside the street, community and grid accounts' scope.
const OTHER_STREET_GRID: &str = "370105003001001";

/// Signs up a new resident by one-time code (no home grid yet) and keeps their session;
/// answers the session cookie.
async fn new_resident(t: &TestApp, n: u32, name: &str) -> Option<String> {
    let phone = format!("139053{n:05}");
    let (s, _, _) = t
        .send("POST", "/api/v1/auth/otp", Some(json!({ "phone": phone })), &[])
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, code_sent) = t.otp.last().unwrap();
    let body = json!({"phone": phone, "code": code_sent, "display_name": name});
    let (s, v, h) = t.send("POST", "/api/v1/auth/otp-login", Some(body), &[]).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let set = h.get("set-cookie").unwrap().to_str().unwrap();
    let cookie = Some(set.split(';').next().unwrap().to_owned());
    t.use_cookie(cookie.clone());
    cookie
}

async fn set_home(t: &TestApp, grid: &str) -> (StatusCode, Value) {
    t.put("/api/v1/auth/me/home", json!({ "grid": grid })).await
}

async fn raise(t: &TestApp, body: Value) -> (StatusCode, Value) {
    t.post("/api/v1/topics", body).await
}

async fn support(t: &TestApp, id: i64) -> (StatusCode, Value) {
    t.post(&format!("/api/v1/topics/{id}/support"), json!({})).await
}

async fn act(t: &TestApp, id: i64, body: Value) -> (StatusCode, Value) {
    t.post(&format!("/api/v1/topics/{id}/actions"), body).await
}

async fn topic(t: &TestApp, id: i64) -> Value {
    let (s, v) = t.get(&format!("/api/v1/topics/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

fn stairwell() -> Value {
    json!({"title": "楼道照明灯损坏", "description": "3号楼2单元楼道灯坏了一个月，老人晚上上下楼不安全", "category": "设施维修"})
}

/// Raises a topic as the community operator in an area; answers its id.
async fn staff_topic(t: &TestApp, area: &str, title: &str) -> i64 {
    t.login("community").await;
    let (s, v) = raise(
        t,
        json!({"title": title, "description": "说明", "category": "other", "area": area}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_i64().unwrap()
}

#[tokio::test]
async fn residents_raise_and_support_until_the_topic_is_ready() {
    let t = TestApp::demo().await;
    let (s, v) = t.put("/api/v1/deliberation/settings", json!({"grid": 3})).await;
    assert_eq!((s, v["grid"].as_u64()), (StatusCode::OK, Some(3)), "{v}");
    assert_eq!(v["community"], 10);

    // The demo resident lives in GRID: the topic is that grid's by default.
    t.login("resident").await;
    let raiser = t.cookie();
    let (s, v) = raise(&t, stairwell()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    assert_eq!(
        (v["level"].as_str(), v["area"].as_str()),
        (Some("grid"), Some(GRID))
    );
    assert_eq!(
        (v["state"].as_str(), v["supports"].as_i64()),
        (Some("open"), Some(0))
    );
    assert_eq!(
        (v["category"].as_str(), v["support_threshold"].as_i64()),
        (Some("facilities"), Some(3))
    );
    assert_eq!(v["raiser_kind"], "resident");
    assert!(v["raiser_name"].as_str().unwrap().ends_with("**"), "{v}");
    assert_eq!(v["community"], COMMUNITY);

    // A neighbour without a declared home cannot support yet.
    let n1 = new_resident(&t, 1, "李红梅").await;
    let (s, v) = support(&t, id).await;
    assert_eq!((s, code(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "home_required"));
    let (s, v) = set_home(&t, COMMUNITY).await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["not_a_grid".to_owned()])
    );
    let (s, v) = set_home(&t, "370105009999999").await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "region_not_found"), "{v}");
    let (s, v) = set_home(&t, GRID).await;
    assert_eq!((s, v["grid"].as_str()), (StatusCode::OK, Some(GRID)), "{v}");
    let (s, v) = support(&t, id).await;
    assert_eq!((s, v["supports"].as_i64()), (StatusCode::OK, Some(1)), "{v}");
    // Twice: refused, nothing counted.
    let (s, v) = support(&t, id).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "already_supported"));
    assert_eq!(t.count("topic_support").await, 1);
    let d = topic(&t, id).await;
    assert_eq!(
        (d["supported_by_me"].as_bool(), d["topic"]["supports"].as_i64()),
        (Some(true), Some(1))
    );
    assert_eq!(d["actions"], json!([]));

    // A resident of the neighbouring grid is outside the area.
    new_resident(&t, 2, "赵刚").await;
    assert_eq!(set_home(&t, SIBLING_GRID).await.0, StatusCode::OK);
    let (s, v) = support(&t, id).await;
    assert_eq!((s, code(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "outside_area"));
    assert_eq!(t.count("topic_support").await, 1);
    // …and may not raise a topic of GRID, but may raise one of the community both grids are in.
    let (s, v) = raise(
        &t,
        json!({"title": "x", "description": "y", "category": "other", "area": GRID}),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "outside_area"));
    let (s, v) = raise(&t, json!({"title": "小区停车难", "description": "晚上车位不够", "category": "parking", "area": COMMUNITY})).await;
    assert_eq!(
        (s, v["level"].as_str()),
        (StatusCode::CREATED, Some("community")),
        "{v}"
    );

    // The raiser supports too; the third support makes it ready.
    t.use_cookie(raiser.clone());
    assert_eq!(support(&t, id).await.0, StatusCode::OK);
    new_resident(&t, 3, "孙丽").await;
    assert_eq!(set_home(&t, GRID).await.0, StatusCode::OK);
    let (s, v) = support(&t, id).await;
    assert_eq!(
        (s, v["state"].as_str(), v["supports"].as_i64()),
        (StatusCode::OK, Some("ready"), Some(3)),
        "{v}"
    );
    // Still taking support while ready.
    new_resident(&t, 4, "周强").await;
    assert_eq!(set_home(&t, GRID).await.0, StatusCode::OK);
    assert_eq!(support(&t, id).await.1["supports"], 4);

    // The raiser and the first supporter heard that it is ready.
    t.use_cookie(n1);
    let (s, v) = t.get("/api/v1/notifications").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (v["total"].as_u64(), v["unread"].as_u64()),
        (Some(1), Some(1)),
        "{v}"
    );
    assert_eq!(
        (v["items"][0]["action"].as_str(), v["items"][0]["title"].as_str()),
        (Some("ready"), Some("楼道照明灯损坏"))
    );
    let (s, v) = t.post("/api/v1/notifications/read", json!({})).await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["required".to_owned()])
    );
    let (s, v) = t.post("/api/v1/notifications/read", json!({"all": true})).await;
    assert_eq!((s, v["marked"].as_u64()), (StatusCode::OK, Some(1)));
    assert_eq!(t.get("/api/v1/notifications?unread=true").await.1["total"], 0);
    t.use_cookie(raiser);
    assert_eq!(
        t.get("/api/v1/notifications").await.1["items"][0]["action"],
        "ready"
    );
    // Residents list their own and their supported topics; every topic of the district is public.
    assert_eq!(t.get("/api/v1/topics?mine=true").await.1["total"], 1);
    assert_eq!(t.get("/api/v1/topics?supported=true").await.1["total"], 1);
    assert_eq!(t.get("/api/v1/topics").await.1["total"], 2);
    assert_eq!(t.get("/api/v1/topics?level=community").await.1["total"], 1);
    assert_eq!(
        t.get("/api/v1/topics?state=ready&category=设施维修").await.1["total"],
        1
    );
    let (s, v) = t.get("/api/v1/topics?state=nonsense").await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["unknown_state".to_owned()])
    );

    // The timeline is public, residents masked.
    let d = topic(&t, id).await;
    let steps: Vec<&str> = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["raised", "ready"]);
    assert!(d["timeline"][0]["actor_name"].as_str().unwrap().ends_with("**"));
    let actions = t.audit_actions("topic", id).await;
    assert_eq!(actions.iter().filter(|a| *a == "topic.support").count(), 4);
    assert!(actions.contains(&"topic.raise".to_owned()));
}

#[tokio::test]
async fn two_supports_racing_count_once() {
    let t = TestApp::demo().await;
    t.login("resident").await;
    let (_, v) = raise(&t, stairwell()).await;
    let id = v["id"].as_i64().unwrap();
    let (a, b) = tokio::join!(support(&t, id), support(&t, id));
    let mut codes = [a.0.as_u16(), b.0.as_u16()];
    codes.sort_unstable();
    assert_eq!(codes, [200, 409], "{a:?} {b:?}");
    assert_eq!(topic(&t, id).await["topic"]["supports"], 1);
    assert_eq!(t.count("topic_support").await, 1);
}

#[tokio::test]
async fn raising_checks_every_field_and_the_area() {
    let t = TestApp::demo().await;
    t.login("community").await;
    let (s, v) = raise(&t, json!({})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(field_codes(&v), ["required", "required", "required", "required"]);
    let (s, v) = raise(
        &t,
        json!({"title": "t".repeat(101), "description": "d", "category": "weather", "area": "370105000000"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        field_codes(&v),
        ["too_long", "unknown_category", "not_a_deliberation_area"]
    );
    // Outside the community operator's scope: as if it did not exist.
    let (s, v) = raise(
        &t,
        json!({"title": "t", "description": "d", "category": "other", "area": OTHER_STREET_GRID}),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "region_not_found"));
    assert_eq!(t.count("topic").await, 0);
    // A sub-grid deliberates as its grid; staff are named.
    let (s, v) = raise(
        &t,
        json!({"title": "t", "description": "d", "category": "other", "area": format!("{GRID}01")}),
    )
    .await;
    assert!(s == StatusCode::CREATED || s == StatusCode::NOT_FOUND, "{v}");
    if s == StatusCode::CREATED {
        assert_eq!(v["area"], GRID);
    }
    // Grid workers raise in their grid; department staff do not raise.
    t.login("gridworker").await;
    let (s, v) = raise(
        &t,
        json!({"title": "t", "description": "d", "category": "other", "area": GRID}),
    )
    .await;
    assert_eq!(
        (s, v["raiser_kind"].as_str()),
        (StatusCode::CREATED, Some("grid_worker")),
        "{v}"
    );
    assert!(!v["raiser_name"].as_str().unwrap().ends_with("**"));
    let (s, _) = raise(
        &t,
        json!({"title": "t", "description": "d", "category": "other", "area": COMMUNITY}),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    t.login("dept").await;
    assert_eq!(raise(&t, stairwell()).await.0, StatusCode::FORBIDDEN);
    // A resident without a home grid names no area: home_required.
    new_resident(&t, 9, "钱多多").await;
    let (s, v) = raise(&t, stairwell()).await;
    assert_eq!((s, code(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "home_required"));
    // Only residents declare a home.
    t.login("community").await;
    let (s, v) = set_home(&t, GRID).await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "residents_only"));
}

#[tokio::test]
async fn a_topic_raised_from_a_case_copies_its_place_and_description() {
    let t = TestApp::demo().await;
    let (_, cats) = t.get("/api/v1/case-categories").await;
    let cat = cats["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "sanitation.garbage")
        .unwrap()
        .clone();
    let (lon, lat) = t.centre_of(GRID).await;
    t.login("gridworker").await;
    let body = json!({"category_id": cat["id"], "description": "楼下垃圾长期堆放", "lon": lon, "lat": lat, "idempotency_key": "delib-case"});
    let (s, v, _) = t.send("POST", "/api/v1/cases", Some(body), &[]).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let case_id = v["case"]["id"].as_i64().unwrap();
    let case_lon = v["case"]["lon"].as_f64();
    let (s, v) = raise(&t, json!({"case_id": case_id})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(
        (v["area"].as_str(), v["case_id"].as_i64()),
        (Some(GRID), Some(case_id))
    );
    assert_eq!(
        (v["title"].as_str(), v["description"].as_str()),
        (cat["name"].as_str(), Some("楼下垃圾长期堆放"))
    );
    assert_eq!(
        (v["category"].as_str(), v["lon"].as_f64()),
        (Some("other"), case_lon)
    );
    let (s, v) = raise(&t, json!({"case_id": 999999})).await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["case_not_found".to_owned()])
    );
}

#[tokio::test]
async fn centres_accept_decline_merge_and_refer() {
    let t = TestApp::demo().await;
    let a = staff_topic(&t, GRID, "楼道灯").await;
    let b = staff_topic(&t, GRID, "楼道灯又坏了").await;
    let c = staff_topic(&t, COMMUNITY, "社区照明").await;
    let d = staff_topic(&t, SIBLING_GRID, "隔壁网格").await;
    // Supporters of a and c, one of them of both.
    let mut cookies = Vec::new();
    for n in 0..2 {
        let ck = new_resident(&t, 20 + n, "居民").await;
        assert_eq!(set_home(&t, GRID).await.0, StatusCode::OK);
        assert_eq!(support(&t, a).await.0, StatusCode::OK);
        cookies.push(ck);
    }
    t.use_cookie(cookies[0].clone());
    assert_eq!(support(&t, c).await.0, StatusCode::OK);

    // Grid staff and residents do not triage.
    t.login("gridworker").await;
    assert_eq!(
        act(&t, a, json!({"action": "accept", "version": 1})).await.0,
        StatusCode::FORBIDDEN
    );
    t.login("community").await;
    let (s, v) = act(&t, a, json!({"action": "vote", "version": 1})).await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["unknown_action".to_owned()])
    );
    let (s, v) = act(&t, a, json!({"action": "accept", "version": 7})).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "stale_version"));
    let det = topic(&t, a).await;
    assert_eq!(det["actions"], json!(["accept", "decline", "merge", "refer"]));

    // Merge a into c (a wider area): a's two supporters join c's one (who supports both) once.
    let (s, v) = act(&t, a, json!({"action": "merge", "version": 1})).await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["required".to_owned()])
    );
    for (into, why) in [(a, "itself"), (d, "another grid")] {
        let (s, v) = act(&t, a, json!({"action": "merge", "version": 1, "into": into})).await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_merge_target"),
            "{why}"
        );
    }
    // Into a narrower area: c into a.
    let (s, v) = act(&t, c, json!({"action": "merge", "version": 1, "into": a})).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_merge_target")
    );
    let (s, v) = act(
        &t,
        a,
        json!({"action": "merge", "version": 1, "into": c, "note": "同一问题"}),
    )
    .await;
    assert_eq!(
        (s, v["state"].as_str(), v["merged_into"].as_i64()),
        (StatusCode::OK, Some("merged"), Some(c)),
        "{v}"
    );
    let tc = topic(&t, c).await;
    assert_eq!(
        (tc["topic"]["supports"].as_i64(), tc["topic"]["version"].as_i64()),
        (Some(2), Some(2))
    );
    assert_eq!(t.count("topic_support").await, 2 + 2);
    // A merged topic takes no more action nor support.
    let (s, v) = act(&t, a, json!({"action": "accept", "version": 2})).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "invalid_topic_state"));
    t.use_cookie(cookies[0].clone());
    let (s, v) = support(&t, a).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "topic_not_open"));
    // Supporters of the merged topic heard of it.
    let (_, n) = t.get("/api/v1/notifications").await;
    assert_eq!(n["items"][0]["action"], "merge");

    // Decline needs a reason, which is published.
    t.login("community").await;
    let (s, v) = act(&t, b, json!({"action": "decline", "version": 1})).await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["reason_required".to_owned()])
    );
    let (s, v) = act(
        &t,
        b,
        json!({"action": "decline", "version": 1, "note": "属物业公司职责，已转物业"}),
    )
    .await;
    assert_eq!(
        (s, v["state"].as_str(), v["decision_note"].as_str()),
        (StatusCode::OK, Some("declined"), Some("属物业公司职责，已转物业"))
    );
    t.login("resident").await;
    let tb = topic(&t, b).await;
    assert_eq!(tb["timeline"][1]["note"], "属物业公司职责，已转物业");

    // Accept, then refer up: grid → community → street; the street has nothing above.
    t.login("community").await;
    let (s, v) = act(&t, d, json!({"action": "accept", "version": 1})).await;
    assert_eq!((s, v["state"].as_str()), (StatusCode::OK, Some("ready")));
    let (s, v) = act(&t, d, json!({"action": "refer", "version": 2})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (
            v["level"].as_str(),
            v["area"].as_str(),
            v["support_threshold"].as_i64()
        ),
        (Some("community"), Some(COMMUNITY), Some(10))
    );
    assert_eq!(v["state"], "ready");
    let (s, v) = act(&t, d, json!({"action": "refer", "version": 3})).await;
    assert_eq!(
        (s, v["level"].as_str(), v["area"].as_str()),
        (StatusCode::OK, Some("street"), Some(STREET))
    );
    assert_eq!(v["community"], Value::Null);
    // Now the street's: out of the community operator's reach.
    let (s, v) = act(&t, d, json!({"action": "refer", "version": 4})).await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "topic_not_found"));
    t.login("street").await;
    let (s, v) = act(&t, d, json!({"action": "refer", "version": 4})).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "no_level_above"));
    let actions = t.audit_actions("topic", d).await;
    assert_eq!(
        actions,
        ["topic.refer", "topic.refer", "topic.accept", "topic.raise"]
    );
}

#[tokio::test]
async fn staff_see_topics_in_their_scope_and_residents_their_district() {
    let t = TestApp::demo().await;
    let inside = staff_topic(&t, GRID, "本网格").await;
    t.login("admin").await;
    let (s, v) = raise(
        &t,
        json!({"title": "别的街道", "description": "d", "category": "other", "area": OTHER_STREET_GRID}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let outside = v["id"].as_i64().unwrap();
    for (who, total) in [
        ("admin", 2),
        ("leader", 2),
        ("street", 1),
        ("community", 1),
        ("gridworker", 1),
        ("resident", 2),
    ] {
        t.login(who).await;
        let (s, v) = t.get("/api/v1/topics").await;
        assert_eq!((s, v["total"].as_u64()), (StatusCode::OK, Some(total)), "{who}");
    }
    t.login("community").await;
    assert_eq!(
        t.get(&format!("/api/v1/topics/{outside}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(t.get(&format!("/api/v1/topics/{inside}")).await.0, StatusCode::OK);
    let (s, v) = t.get("/api/v1/topics?region=370105003000").await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "region_not_found"));
    t.login("dept").await;
    assert_eq!(t.get("/api/v1/topics").await.0, StatusCode::FORBIDDEN);
}

async fn upload(t: &TestApp, uri: &str, content_type: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut req = axum::http::Request::builder()
        .method("POST")
        .uri(uri)
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
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_pixel(40, 30, image::Rgb([10, 200, 30]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[tokio::test]
async fn topic_photos_are_checked_stored_and_public() {
    let t = TestApp::demo().await;
    t.login("resident").await;
    let (_, v) = raise(&t, stairwell()).await;
    let id = v["id"].as_i64().unwrap();
    let uri = format!("/api/v1/topics/{id}/photos");
    let (s, photo) = upload(&t, &uri, "image/png", png()).await;
    assert_eq!(s, StatusCode::CREATED, "{photo}");
    let (s, _) = upload(&t, &uri, "image/gif", b"GIF89a....".to_vec()).await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (s, _) = upload(&t, &uri, "image/jpeg", png()).await;
    assert_eq!(
        s,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "not what Content-Type claims"
    );
    // Another resident sees it but adds nothing.
    new_resident(&t, 30, "吴敏").await;
    let (s, bytes, h) = t
        .send_bytes("GET", &format!("/api/v1/topic-photos/{}", photo["id"]), vec![])
        .await;
    assert_eq!(
        (s, h["content-type"].to_str().unwrap()),
        (StatusCode::OK, "image/png")
    );
    assert_eq!(bytes, png());
    let (s, _, h) = t
        .send_bytes(
            "GET",
            &format!("/api/v1/topic-photos/{}/thumb", photo["id"]),
            vec![],
        )
        .await;
    assert_eq!(
        (s, h["content-type"].to_str().unwrap()),
        (StatusCode::OK, "image/jpeg")
    );
    let (s, v) = upload(&t, &uri, "image/png", png()).await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "not_your_topic"));
    assert_eq!(topic(&t, id).await["photos"].as_array().unwrap().len(), 1);
    assert_eq!(t.count("topic_photo").await, 1);
    assert_eq!(
        t.get("/api/v1/topic-photos/999999").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn thresholds_are_the_district_administrators() {
    let t = TestApp::demo().await;
    let (s, v) = t.get("/api/v1/deliberation/settings").await;
    assert_eq!(
        (s, v),
        (StatusCode::OK, json!({"grid": 5, "community": 10, "street": 30}))
    );
    let (s, v) = t
        .put(
            "/api/v1/deliberation/settings",
            json!({"grid": 0, "street": 10001}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        field_codes(&v),
        ["threshold_out_of_range", "threshold_out_of_range"]
    );
    let (s, v) = t
        .put("/api/v1/deliberation/settings", json!({"community": 8}))
        .await;
    assert_eq!(
        (s, v["community"].as_u64(), v["grid"].as_u64()),
        (StatusCode::OK, Some(8), Some(5))
    );
    assert_eq!(
        t.put("/api/v1/deliberation/settings", json!({"community": 9}))
            .await
            .1["community"],
        9
    );
    t.login("community").await;
    let (s, v) = t.put("/api/v1/deliberation/settings", json!({"grid": 2})).await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "district_scope_required"));
    assert_eq!(t.get("/api/v1/deliberation/settings").await.1["community"], 9);
    t.login("resident").await;
    assert_eq!(
        t.put("/api/v1/deliberation/settings", json!({"grid": 2})).await.0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn crossing_merges_settle_one_way() {
    let t = TestApp::demo().await;
    let a = staff_topic(&t, GRID, "路灯").await;
    let b = staff_topic(&t, GRID, "路灯不亮").await;
    let (x, y) = tokio::join!(
        act(&t, a, json!({"action": "merge", "version": 1, "into": b})),
        act(&t, b, json!({"action": "merge", "version": 1, "into": a})),
    );
    let mut statuses = [x.0.as_u16(), y.0.as_u16()];
    statuses.sort_unstable();
    assert!(statuses == [200, 409] || statuses == [200, 422], "{x:?} {y:?}");
    let states =
        [topic(&t, a).await, topic(&t, b).await].map(|d| d["topic"]["state"].as_str().unwrap().to_owned());
    let mut states = states.to_vec();
    states.sort();
    assert_eq!(states, ["merged", "open"]);
}
