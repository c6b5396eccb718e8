//! The registry's people over HTTP: register with checked numbers, find by name or whole
//! number, numbers masked everywhere, a whole number only through an audited reveal, scope and
//! roles enforced.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use chrono::NaiveDate;
use common::TestApp;
use gridgov_domain::idcard::{IdNumber, Sex};
use serde_json::{Value, json};

const GRID: &str = "370105001001001";
/// A grid in another street: outside the street, community and grid accounts' scope.
const OTHER_STREET_GRID: &str = "370105003001001";

/// A valid number of a woman born 1956-03-08 (even sequence numbers: `seq` and `seq + 1` give
/// the same number).
fn id_number(seq: u16) -> String {
    let birth = NaiveDate::from_ymd_opt(1956, 3, 8).unwrap();
    IdNumber::synthetic("370105", birth, seq, Sex::Female)
        .digits()
        .to_owned()
}

async fn register(t: &TestApp, body: Value) -> (StatusCode, Value) {
    let (s, v, _) = t.send("POST", "/api/v1/people", Some(body), &[]).await;
    (s, v)
}

async fn search(t: &TestApp, body: Value) -> (StatusCode, Value) {
    let (s, v, _) = t.send("POST", "/api/v1/people/search", Some(body), &[]).await;
    (s, v)
}

fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or_default()
}

fn field_codes(v: &Value) -> Vec<String> {
    v["error"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| format!("{}:{}", f["field"].as_str().unwrap(), f["code"].as_str().unwrap()))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_registered_person_is_found_by_id_number_and_revealed_on_the_record() {
    let t = TestApp::demo().await;
    t.login("community").await;
    let number = id_number(12);
    let (s, v) = register(
        &t,
        json!({"name": "王秀兰", "kind": "户籍人口", "grid": GRID, "id_number": number.to_lowercase(),
               "phone": "13800138000", "address": "幸福路12号3单元201"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    assert_eq!(v["kind"], "registered");
    assert_eq!(
        (v["sex"].as_str(), v["birth_date"].as_str()),
        (Some("female"), Some("1956-03-08"))
    );
    assert_eq!(v["id_number"], format!("370105********{}", &number[14..]));
    assert_eq!(v["phone"], "138****8000");
    assert!(!v.to_string().contains(&number) && !v.to_string().contains("13800138000"));

    // Found by the whole number (any letter case), by the start of the name, and by phone.
    for query in [
        json!({"id_number": number}),
        json!({"id_number": number.to_lowercase()}),
        json!({"name": "王秀"}),
        json!({"phone": "138-0013-8000", "kind": "registered"}),
    ] {
        let (s, v) = search(&t, query.clone()).await;
        assert_eq!(s, StatusCode::OK, "{query}: {v}");
        assert_eq!(v["total"], 1, "{query}: {v}");
        assert_eq!(v["items"][0]["id"], id);
        assert!(!v.to_string().contains(&number));
    }
    let (_, v) = search(&t, json!({"id_number": id_number(14)})).await;
    assert_eq!(v["total"], 0, "another number finds nobody");
    let (_, v) = search(&t, json!({"name": "秀兰"})).await;
    assert_eq!(v["total"], 0, "a name is searched by its start");
    let (_, v) = search(&t, json!({"name": "王秀", "kind": "floating"})).await;
    assert_eq!(v["total"], 0, "every part must match");
    let (s, v) = search(&t, json!({"id_number": "37010519560308"})).await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["id_number:id_length".to_owned()])
    );

    // Reveal: the whole number, and the audit log says who saw which.
    let (s, v, _) = t
        .send(
            "POST",
            &format!("/api/v1/people/{id}/reveal"),
            Some(json!({"field": "id_number"})),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["value"], number);
    let (s, v, _) = t
        .send(
            "POST",
            &format!("/api/v1/people/{id}/reveal"),
            Some(json!({"field": "phone"})),
            &[],
        )
        .await;
    assert_eq!((s, v["value"].as_str()), (StatusCode::OK, Some("13800138000")));
    t.login("admin").await;
    let (_, v) = t
        .get(&format!("/api/v1/audit?entity_type=person&entity_id={id}"))
        .await;
    let actions: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "person.reveal").count(),
        2,
        "{actions:?}"
    );
    assert!(actions.contains(&"person.create"), "{actions:?}");
    assert!(
        !v.to_string().contains(&number) && !v.to_string().contains("13800138000"),
        "the audit log holds no whole number"
    );
}

#[tokio::test]
async fn bad_numbers_and_duplicates_are_refused_and_nothing_is_written() {
    let t = TestApp::demo().await;
    t.login("community").await;
    let mut wrong_check = id_number(20);
    let last = if wrong_check.ends_with('1') { "2" } else { "1" };
    wrong_check.replace_range(17.., last);
    let (s, v) = register(
        &t,
        json!({"name": "", "kind": "alien", "grid": GRID, "id_number": wrong_check, "phone": "12345"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let fields = field_codes(&v);
    for f in ["name:required", "kind:unknown_kind", "id_number:id_check_digit"] {
        assert!(fields.iter().any(|x| x == f), "{f} in {fields:?}");
    }
    assert!(fields.iter().any(|x| x.starts_with("phone:")), "{fields:?}");
    assert!(
        !v.to_string().contains(&wrong_check),
        "no number echoed in errors"
    );
    let (s, v) = register(
        &t,
        json!({"name": "张三", "kind": "floating", "grid": GRID, "id_number": "370105202502300012"}),
    )
    .await;
    assert_eq!(
        (s, field_codes(&v)),
        (
            StatusCode::BAD_REQUEST,
            vec!["id_number:id_birth_date".to_owned()]
        )
    );
    let (s, v) = register(
        &t,
        json!({"name": "张三", "kind": "floating", "grid": "370105001001"}),
    )
    .await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["grid:not_a_grid".to_owned()])
    );

    let number = id_number(30);
    let body = json!({"name": "李四", "kind": "registered", "grid": GRID, "id_number": number});
    assert_eq!(register(&t, body.clone()).await.0, StatusCode::CREATED);
    let (s, v) = register(&t, body).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "duplicate_id_number"));
    let (_, v) = t.get("/api/v1/people").await;
    assert_eq!(v["total"], 1, "only the first was written: {v}");
    // A legacy 15-digit number is the same person as its 18-digit form.
    let legacy = format!("{}{}", &number[..6], &number[8..17]);
    let (s, v) = register(
        &t,
        json!({"name": "李四", "kind": "registered", "grid": GRID, "id_number": legacy}),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "duplicate_id_number"));
}

#[tokio::test]
async fn scope_and_roles_decide_who_sees_and_reveals() {
    let t = TestApp::demo().await;
    t.login("admin").await;
    let mut ids = Vec::new();
    for (grid, seq) in [(GRID, 40), (OTHER_STREET_GRID, 42)] {
        let (s, v) = register(
            &t,
            json!({"name": "赵敏", "kind": "registered", "grid": grid, "id_number": id_number(seq)}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        ids.push(v["id"].as_i64().unwrap());
    }
    let (mine, theirs) = (ids[0], ids[1]);
    let (_, v) = search(&t, json!({"name": "赵"})).await;
    assert_eq!(v["total"], 2, "the district sees both");

    for who in ["street", "community", "gridworker"] {
        t.login(who).await;
        let (_, v) = search(&t, json!({"name": "赵"})).await;
        assert_eq!(v["total"], 1, "{who}: {v}");
        let (_, v) = t.get("/api/v1/people").await;
        assert_eq!(v["total"], 1, "{who}: {v}");
        assert_eq!(
            t.get(&format!("/api/v1/people/{mine}")).await.0,
            StatusCode::OK,
            "{who}"
        );
        let (s, v) = t.get(&format!("/api/v1/people/{theirs}")).await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::NOT_FOUND, "person_not_found"),
            "{who}"
        );
        let (s, v) = register(
            &t,
            json!({"name": "周芷若", "kind": "registered", "grid": OTHER_STREET_GRID}),
        )
        .await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::NOT_FOUND, "region_not_found"),
            "{who}"
        );
    }
    // Grid staff collect but do not reveal; a centre reveals only in its scope.
    t.login("gridworker").await;
    let (s, _, _) = t
        .send(
            "POST",
            &format!("/api/v1/people/{mine}/reveal"),
            Some(json!({"field": "id_number"})),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    t.login("community").await;
    let (s, v, _) = t
        .send(
            "POST",
            &format!("/api/v1/people/{theirs}/reveal"),
            Some(json!({"field": "id_number"})),
            &[],
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "person_not_found"));
    let (s, v, _) = t
        .send(
            "POST",
            &format!("/api/v1/people/{mine}/reveal"),
            Some(json!({"field": "phone"})),
            &[],
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "no_such_number"));
    let (s, v, _) = t
        .send(
            "POST",
            &format!("/api/v1/people/{mine}/reveal"),
            Some(json!({"field": "name"})),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    for who in ["dept", "resident"] {
        t.login(who).await;
        assert_eq!(t.get("/api/v1/people").await.0, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(search(&t, json!({})).await.0, StatusCode::FORBIDDEN, "{who}");
    }
}

#[tokio::test]
async fn an_edit_keeps_unsent_numbers_checks_the_version_and_is_audited_masked() {
    let t = TestApp::demo().await;
    t.login("community").await;
    let number = id_number(50);
    let (s, v) = register(
        &t,
        json!({"name": "孙丽", "kind": "floating", "grid": GRID, "id_number": number, "phone": "13912345678"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let put = |body: Value| {
        let t = &t;
        async move {
            let (s, v, _) = t
                .send("PUT", &format!("/api/v1/people/{id}"), Some(body), &[])
                .await;
            (s, v)
        }
    };
    // Numbers left out stay; the phone sent empty is removed; the grid moves within scope.
    let (s, v) = put(
        json!({"name": "孙丽", "kind": "registered", "grid": "370105001001002",
        "phone": "", "address": "幸福路8号", "version": 1}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["kind"].as_str(), v["grid"].as_str(), v["version"].as_i64()),
        (Some("registered"), Some("370105001001002"), Some(2))
    );
    assert_eq!(v["id_number"], format!("370105********{}", &number[14..]));
    assert!(v["phone"].is_null(), "{v}");
    let (_, v) = search(&t, json!({"id_number": number})).await;
    assert_eq!(v["total"], 1, "still found by its number");
    // The version read before is stale now; nothing changes.
    let (s, v) = put(json!({"name": "别人", "kind": "registered", "grid": GRID, "version": 1})).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "stale_version"));
    // Another person's number is refused.
    let other = id_number(52);
    let (s, _) = register(
        &t,
        json!({"name": "钱七", "kind": "registered", "grid": GRID, "id_number": other}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, v) =
        put(json!({"name": "孙丽", "kind": "registered", "grid": GRID, "id_number": other, "version": 2}))
            .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "duplicate_id_number"));
    // Out of scope: the new grid, and the person for an account that cannot reach it.
    let (s, v) =
        put(json!({"name": "孙丽", "kind": "registered", "grid": OTHER_STREET_GRID, "version": 2})).await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "region_not_found"));
    let (_, v) = t.get(&format!("/api/v1/people/{id}")).await;
    assert_eq!(
        (v["name"].as_str(), v["version"].as_i64()),
        (Some("孙丽"), Some(2))
    );

    t.login("admin").await;
    let (_, v) = t
        .get(&format!(
            "/api/v1/audit?entity_type=person&entity_id={id}&action=person.update"
        ))
        .await;
    assert_eq!(v["total"], 1, "{v}");
    assert!(!v.to_string().contains(&number) && !v.to_string().contains("13912345678"));
}
