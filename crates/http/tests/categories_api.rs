//! Category administration (事项分类) over HTTP: create groups and categories, edit them, disable
//! instead of delete; what reporting makes of it; bad input, stale versions, who may write, and
//! the audit record written with every change.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use axum::http::StatusCode;
use common::{TestApp, code, field_codes};
use serde_json::{Value, json};

const GRID: &str = "370105001001001";

async fn list(t: &TestApp) -> Vec<Value> {
    let (s, v) = t.get("/api/v1/case-categories").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"].as_array().unwrap().clone()
}

async fn by_code(t: &TestApp, code: &str) -> Value {
    list(t)
        .await
        .into_iter()
        .find(|c| c["code"] == code)
        .unwrap_or_else(|| panic!("no category {code}"))
}

async fn department(t: &TestApp, key: &str) -> i64 {
    let (s, v) = t.get("/api/v1/districts/370105/departments").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == key)
        .unwrap_or_else(|| panic!("no department {key}: {v}"))["id"]
        .as_i64()
        .unwrap()
}

async fn report(t: &TestApp, category: i64, key: &str) -> (StatusCode, Value) {
    let (lon, lat) = t.centre_of(GRID).await;
    let body = json!({"category_id": category, "description": "公园长椅损坏", "lon": lon, "lat": lat, "idempotency_key": key});
    let (s, v, _) = t.send("POST", "/api/v1/cases", Some(body), &[]).await;
    (s, v)
}

async fn post(t: &TestApp, body: Value) -> (StatusCode, Value) {
    let (s, v, _) = t.send("POST", "/api/v1/case-categories", Some(body), &[]).await;
    (s, v)
}

async fn put(t: &TestApp, id: i64, body: Value) -> (StatusCode, Value) {
    let (s, v, _) = t
        .send("PUT", &format!("/api/v1/case-categories/{id}"), Some(body), &[])
        .await;
    (s, v)
}

/// The body of an edit that sets everything a category has, as listed.
fn edit_of(c: &Value) -> Value {
    let mut b = json!({
        "parent_code": c["parent_code"], "name": c["name"], "enabled": c["enabled"], "version": c["version"],
    });
    if !c["parent_code"].is_null() {
        for k in [
            "owner_level",
            "department_id",
            "accept_minutes",
            "handle_minutes",
            "ack_minutes",
            "time_mode",
            "direct_channel",
            "auto_escalate",
        ] {
            b[k] = c[k].clone();
        }
    }
    b
}

fn park_bench(chengguan: i64) -> Value {
    json!({
        "code": "parks.bench", "parent_code": "parks", "name": "公园设施损坏",
        "owner_level": "street", "department_id": chengguan,
        "accept_minutes": 60, "handle_minutes": 960, "ack_minutes": 30,
        "time_mode": "working", "direct_channel": true, "auto_escalate": false,
    })
}

async fn audit_actions(t: &TestApp) -> Vec<String> {
    let (s, v) = t.get("/api/v1/audit?entity_type=category").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["action"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn admin_creates_edits_disables_and_reporting_follows() {
    let t = TestApp::demo().await;
    let chengguan = department(&t, "chengguan").await;
    let before = list(&t).await.len();

    // A group, then a category under it.
    let (s, g) = post(&t, json!({"code": "parks", "name": " 园林绿化 "})).await;
    assert_eq!(s, StatusCode::CREATED, "{g}");
    assert_eq!(
        (&g["parent_code"], &g["name"], &g["enabled"], &g["version"]),
        (&Value::Null, &json!("园林绿化"), &json!(true), &json!(1))
    );
    let (s, c) = post(&t, park_bench(chengguan)).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    assert_eq!(c["parent_code"], "parks");
    assert_eq!(c["department_id"], chengguan);
    assert_eq!(
        (&c["handle_minutes"], &c["time_mode"]),
        (&json!(960), &json!("working"))
    );
    let id = c["id"].as_i64().unwrap();

    // The list (read through this process's cache) has both at once; the category after its group.
    let items = list(&t).await;
    assert_eq!(items.len(), before + 2);
    let pos = |code: &str| items.iter().position(|c| c["code"] == code).unwrap();
    assert!(pos("parks") < pos("parks.bench"));

    // Reporting with it: the street owns it (owner level), the acceptance clock runs.
    let (s, v) = report(&t, id, "cat-report-1").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["case"]["owner_unit"], "370105001000");
    let first_case = v["case"]["id"].as_i64().unwrap();

    // Edit the handling limit: version 2, visible at once.
    let mut e = edit_of(&c);
    e["handle_minutes"] = json!(1440);
    e["name"] = json!("公园设施损坏维修");
    let (s, v) = put(&t, id, e).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((&v["handle_minutes"], &v["version"]), (&json!(1440), &json!(2)));
    assert_eq!(by_code(&t, "parks.bench").await["name"], "公园设施损坏维修");

    // Disabled: off the report forms, refused by reporting; the existing case keeps it.
    let mut e = edit_of(&v);
    e["enabled"] = json!(false);
    let (s, v) = put(&t, id, e).await;
    assert_eq!((s, &v["enabled"]), (StatusCode::OK, &json!(false)), "{v}");
    let (s, v) = report(&t, id, "cat-report-2").await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_category")
    );
    let (s, v) = t.get(&format!("/api/v1/cases/{first_case}")).await;
    assert_eq!(
        (s, &v["case"]["category_name"]),
        (StatusCode::OK, &json!("公园设施损坏维修"))
    );

    // Enabled again, but its group disabled: still refused.
    let cat = by_code(&t, "parks.bench").await;
    let mut e = edit_of(&cat);
    e["enabled"] = json!(true);
    assert_eq!(put(&t, id, e).await.0, StatusCode::OK);
    let mut e = edit_of(&by_code(&t, "parks").await);
    e["enabled"] = json!(false);
    let (s, v) = put(&t, g["id"].as_i64().unwrap(), e).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = report(&t, id, "cat-report-3").await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_category")
    );

    // A category moves to another group and goes last in it.
    let mut e = edit_of(&by_code(&t, "parks.bench").await);
    e["parent_code"] = json!("municipal");
    let (s, v) = put(&t, id, e).await;
    assert_eq!(
        (s, &v["parent_code"]),
        (StatusCode::OK, &json!("municipal")),
        "{v}"
    );
    let (s, v) = report(&t, id, "cat-report-4").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    // An edit that changes nothing writes nothing.
    let audit_rows = t.count("audit_log").await;
    let same = by_code(&t, "parks.bench").await;
    let (s, v) = put(&t, id, edit_of(&same)).await;
    assert_eq!((s, &v["version"]), (StatusCode::OK, &same["version"]));
    assert_eq!(t.count("audit_log").await, audit_rows);

    // Every write is in the audit log, district-wide (no region), newest first.
    let actions = audit_actions(&t).await;
    assert_eq!(
        actions,
        vec![
            "category.update",
            "category.disable",
            "category.enable",
            "category.disable",
            "category.update",
            "category.create",
            "category.create_group",
        ]
    );
    // Actions with underscores are found by their full name, and by a prefix.
    let (_, v) = t.get("/api/v1/audit?action=category.create_group").await;
    assert_eq!(v["total"], 1, "{v}");
    let (_, v) = t.get("/api/v1/audit?action=category.create").await;
    assert_eq!(v["total"], 2, "{v}");
    let (_, v) = t
        .get(&format!("/api/v1/audit?entity_type=category&entity_id={id}"))
        .await;
    let row = &v["items"][0];
    assert!(row["region_code"].is_null());
    assert_eq!(row["actor_name"], "admin");
    assert!(row["before_digest"].is_string() && row["after_digest"].is_string());
    let detail: Value = serde_json::from_str(row["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["changed"], json!(["parent_code"]));
    assert_eq!(detail["code"], "parks.bench");
}

#[tokio::test]
async fn limits_apply_to_stages_that_start_afterwards() {
    let t = TestApp::demo().await;
    let garbage = by_code(&t, "sanitation.garbage").await;
    let id = garbage["id"].as_i64().unwrap();
    let (s, v) = report(&t, id, "limits-before").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let old_case = v["case"]["id"].as_i64().unwrap();
    let old_due = v["case"]["stage_due_at"].clone();
    assert!(old_due.is_string(), "{v}");

    // A week to accept, in natural time.
    let mut e = edit_of(&garbage);
    e["accept_minutes"] = json!(7 * 24 * 60);
    e["time_mode"] = json!("natural");
    let (s, v) = put(&t, id, e).await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // The running deadline stays; a new report gets the new limit.
    let (_, v) = t.get(&format!("/api/v1/cases/{old_case}")).await;
    assert_eq!(v["case"]["stage_due_at"], old_due);
    let (s, v) = report(&t, id, "limits-after").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let at =
        |v: &Value, k: &str| chrono::DateTime::parse_from_rfc3339(v["case"][k].as_str().unwrap()).unwrap();
    assert_eq!(
        at(&v, "stage_due_at") - at(&v, "reported_at"),
        chrono::Duration::days(7)
    );
}

#[tokio::test]
async fn bad_input_is_refused_with_codes_and_writes_nothing() {
    let t = TestApp::demo().await;
    let chengguan = department(&t, "chengguan").await;
    let (s, _) = post(&t, json!({"code": "parks", "name": "园林绿化"})).await;
    assert_eq!(s, StatusCode::CREATED);
    let garbage = by_code(&t, "sanitation.garbage").await;
    let (rows, audit) = (t.count("case_category").await, t.count("audit_log").await);
    let with = |k: &str, v: Value| {
        let mut b = park_bench(chengguan);
        b[k] = v;
        b
    };
    let without = |k: &str| {
        let mut b = park_bench(chengguan);
        b.as_object_mut().unwrap().remove(k);
        b
    };
    let bad = StatusCode::BAD_REQUEST;
    let cases: Vec<(Value, StatusCode, &str, Vec<&str>)> = vec![
        (
            with("code", json!("Parks.Bench")),
            bad,
            "validation_failed",
            vec!["invalid_category_code"],
        ),
        (
            with("code", json!("x")),
            bad,
            "validation_failed",
            vec!["invalid_category_code"],
        ),
        (
            with("code", json!("垃圾")),
            bad,
            "validation_failed",
            vec!["invalid_category_code"],
        ),
        (
            with("code", json!("a".repeat(10_000))),
            bad,
            "validation_failed",
            vec!["invalid_category_code"],
        ),
        (
            with("name", json!("  ")),
            bad,
            "validation_failed",
            vec!["invalid_category_name"],
        ),
        (
            with("name", json!("名".repeat(10_000))),
            bad,
            "validation_failed",
            vec!["invalid_category_name"],
        ),
        (
            with("name", json!("a\u{0}b")),
            bad,
            "validation_failed",
            vec!["invalid_category_name"],
        ),
        (
            with("owner_level", json!("grid")),
            bad,
            "validation_failed",
            vec!["invalid_owner_level"],
        ),
        (
            with("time_mode", json!("lunar")),
            bad,
            "validation_failed",
            vec!["invalid_time_mode"],
        ),
        (
            with("handle_minutes", json!(0)),
            bad,
            "validation_failed",
            vec!["invalid_limit"],
        ),
        (
            with("accept_minutes", json!(-30)),
            bad,
            "validation_failed",
            vec!["invalid_limit"],
        ),
        (
            with("ack_minutes", json!(i64::MAX)),
            bad,
            "validation_failed",
            vec!["invalid_limit"],
        ),
        (
            with("ack_minutes", json!(i64::MIN)),
            bad,
            "validation_failed",
            vec!["invalid_limit"],
        ),
        (
            with("handle_minutes", json!(525_601)),
            bad,
            "validation_failed",
            vec!["invalid_limit"],
        ),
        (
            without("handle_minutes"),
            bad,
            "validation_failed",
            vec!["required"],
        ),
        (without("time_mode"), bad, "validation_failed", vec!["required"]),
        (
            json!({"code": "a.b", "parent_code": "parks", "name": ""}),
            bad,
            "validation_failed",
            vec![
                "invalid_category_name",
                "required",
                "required",
                "required",
                "required",
                "required",
            ],
        ),
        // Wrong JSON types and numbers no limit can hold.
        (with("handle_minutes", json!("960")), bad, "invalid_json", vec![]),
        (with("handle_minutes", json!(1.5)), bad, "invalid_json", vec![]),
        (with("handle_minutes", json!(1e300)), bad, "invalid_json", vec![]),
        (
            with("handle_minutes", json!(u64::MAX)),
            bad,
            "invalid_json",
            vec![],
        ),
        (
            with("department_id", json!("chengguan")),
            bad,
            "invalid_json",
            vec![],
        ),
        (with("direct_channel", json!("yes")), bad, "invalid_json", vec![]),
        (with("name", json!(["a"])), bad, "invalid_json", vec![]),
        (with("parent_code", json!(7)), bad, "invalid_json", vec![]),
        (json!([1, 2]), bad, "invalid_json", vec![]),
        (json!(null), bad, "invalid_json", vec![]),
        (json!({"name": "无代码"}), bad, "invalid_json", vec![]),
        // A group sets nothing of a category's.
        (
            json!({"code": "lanes", "name": "背街小巷", "handle_minutes": 60, "direct_channel": true}),
            bad,
            "validation_failed",
            vec!["not_for_group", "not_for_group"],
        ),
        // Well-formed, refused by the rules or the district's data.
        (
            with("department_id", json!(999_999)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_department",
            vec!["unknown_department"],
        ),
        (
            with("department_id", json!(-1)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_department",
            vec!["unknown_department"],
        ),
        (
            with("department_id", Value::Null),
            StatusCode::UNPROCESSABLE_ENTITY,
            "direct_channel_needs_department",
            vec!["direct_channel_needs_department"],
        ),
        (
            with("parent_code", json!("nosuchgroup")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_group",
            vec!["unknown_group"],
        ),
        // A category is no group to put things under.
        (
            with("parent_code", json!("sanitation.garbage")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_group",
            vec!["unknown_group"],
        ),
        (
            with("code", json!("sanitation.garbage")),
            StatusCode::CONFLICT,
            "category_code_taken",
            vec!["category_code_taken"],
        ),
        (
            json!({"code": "parks", "name": "又一个"}),
            StatusCode::CONFLICT,
            "category_code_taken",
            vec!["category_code_taken"],
        ),
    ];
    let mut failures = Vec::new();
    for (body, status, want_code, want_fields) in &cases {
        let (s, v) = post(&t, body.clone()).await;
        let fields = field_codes(&v);
        if s != *status || code(&v) != *want_code || fields != *want_fields {
            failures.push(format!(
                "{}: got {s} {} {fields:?}, want {status} {want_code} {want_fields:?}",
                body.to_string().chars().take(120).collect::<String>(),
                code(&v)
            ));
        }
    }
    // Not JSON at all.
    let (s, v, _) = t
        .send(
            "POST",
            "/api/v1/case-categories",
            None,
            &[("content-type", "application/json")],
        )
        .await;
    if (s, code(&v)) != (bad, "invalid_json") {
        failures.push(format!("empty body: {s} {v}"));
    }

    // Edits.
    let id = garbage["id"].as_i64().unwrap();
    let group_id = by_code(&t, "sanitation").await["id"].as_i64().unwrap();
    let edit = |k: &str, v: Value| {
        let mut b = edit_of(&garbage);
        b[k] = v;
        b
    };
    let mut edits: Vec<(String, Value, StatusCode, &str)> = vec![
        (
            format!("{id}"),
            edit("parent_code", Value::Null),
            StatusCode::UNPROCESSABLE_ENTITY,
            "category_kind_fixed",
        ),
        (
            format!("{group_id}"),
            json!({"parent_code": "other", "name": "环境卫生", "enabled": true, "version": 1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "category_kind_fixed",
        ),
        (
            format!("{id}"),
            edit("code", json!("sanitation.trash")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "category_code_immutable",
        ),
        (
            format!("{id}"),
            edit("parent_code", json!("nosuchgroup")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_group",
        ),
        (
            format!("{id}"),
            edit("handle_minutes", json!(-1)),
            bad,
            "validation_failed",
        ),
        (
            format!("{id}"),
            edit("department_id", json!(0)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_department",
        ),
        (
            format!("{id}"),
            edit("version", json!(99)),
            StatusCode::CONFLICT,
            "stale_version",
        ),
        (format!("{id}"), edit("version", json!(1e20)), bad, "invalid_json"),
        (
            format!("{id}"),
            json!({"name": "垃圾堆放", "enabled": true}),
            bad,
            "invalid_json",
        ),
        (
            format!("{group_id}"),
            json!({"name": "环境卫生", "enabled": true, "version": 1, "accept_minutes": 5}),
            bad,
            "validation_failed",
        ),
        (
            "999999".into(),
            edit("name", json!("x")),
            StatusCode::NOT_FOUND,
            "category_not_found",
        ),
        ("abc".into(), edit("name", json!("x")), bad, "invalid_path"),
        (
            "99999999999999999999".into(),
            edit("name", json!("x")),
            bad,
            "invalid_path",
        ),
    ];
    // A category without a department loses its direct channel's reason to exist.
    let lamp = by_code(&t, "municipal.lamp").await;
    let mut no_dept = edit_of(&lamp);
    no_dept["department_id"] = Value::Null;
    edits.push((
        lamp["id"].to_string(),
        no_dept,
        StatusCode::UNPROCESSABLE_ENTITY,
        "direct_channel_needs_department",
    ));
    for (id, body, status, want_code) in &edits {
        let (s, v, _) = t
            .send(
                "PUT",
                &format!("/api/v1/case-categories/{id}"),
                Some(body.clone()),
                &[],
            )
            .await;
        if s != *status || code(&v) != *want_code {
            failures.push(format!("PUT {id} {body}: got {s} {v}, want {status} {want_code}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // None of it wrote a row or an audit record.
    assert_eq!(t.count("case_category").await, rows);
    assert_eq!(t.count("audit_log").await, audit);
    assert_eq!(by_code(&t, "sanitation.garbage").await, garbage);
}

#[tokio::test]
async fn the_later_of_two_editors_gets_stale_version() {
    let t = TestApp::demo().await;
    let fire = by_code(&t, "safety.fire").await;
    let id = fire["id"].as_i64().unwrap();
    let mut first = edit_of(&fire);
    first["handle_minutes"] = json!(180);
    let mut second = edit_of(&fire);
    second["enabled"] = json!(false);
    assert_eq!(put(&t, id, first).await.0, StatusCode::OK);
    let audit = t.count("audit_log").await;
    let (s, v) = put(&t, id, second).await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "stale_version"));
    let now = by_code(&t, "safety.fire").await;
    assert_eq!(
        (&now["handle_minutes"], &now["enabled"], &now["version"]),
        (&json!(180), &json!(true), &json!(2))
    );
    assert_eq!(t.count("audit_log").await, audit);
}

#[tokio::test]
async fn only_district_wide_category_writers_may_write() {
    let t = TestApp::demo().await;
    let garbage = by_code(&t, "sanitation.garbage").await;
    let id = garbage["id"].as_i64().unwrap();
    let group = json!({"code": "parks", "name": "园林绿化"});

    // A custom role with the permission, given for one street only.
    let role = json!({"key": "category_clerk", "name": "事项管理员", "permissions": ["case:category:read", "case:category:write"]});
    let (s, v, _) = t.send("POST", "/api/v1/roles", Some(role), &[]).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let user = json!({
        "username": "streetclerk", "display_name": "街道事项员", "password": "Street.Clerk#2026", "kind": "staff",
        "unit_code": "370105001000",
        "roles": []
    });
    let (s, v, _) = t.send("POST", "/api/v1/users", Some(user), &[]).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let clerk = v["id"].as_i64().unwrap();
    let (_, v) = t.get(&format!("/api/v1/users/{clerk}")).await;
    let roles = json!({"roles": [{"role": "category_clerk", "scope": {"kind": "subtrees", "regions": ["370105001000"]}}], "version": v["version"]});
    let (s, v, _) = t
        .send("PUT", &format!("/api/v1/users/{clerk}/roles"), Some(roles), &[])
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // Logging in is audited too: count the category records only.
    let category_audit = "audit_log WHERE entity_type = 'category'";
    let (rows, audit) = (t.count("case_category").await, t.count(category_audit).await);
    for who in ["leader", "street", "community", "gridworker", "dept", "resident"] {
        t.login(who).await;
        assert_eq!(
            t.get("/api/v1/case-categories").await.0,
            StatusCode::OK,
            "{who} reads"
        );
        let (s, v) = post(&t, group.clone()).await;
        assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "forbidden"), "{who}");
        let (s, v) = put(&t, id, edit_of(&garbage)).await;
        assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "forbidden"), "{who}");
    }
    t.login_with("streetclerk", "Street.Clerk#2026").await;
    let (s, v) = post(&t, group.clone()).await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "district_scope_required"));
    let (s, v) = put(&t, id, edit_of(&garbage)).await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "district_scope_required"));
    t.logout_locally();
    let (s, v) = post(&t, group.clone()).await;
    assert_eq!((s, code(&v)), (StatusCode::UNAUTHORIZED, "not_logged_in"));
    // A write from another site is refused before anything else.
    t.login("admin").await;
    let (s, v, _) = t
        .send(
            "POST",
            "/api/v1/case-categories",
            Some(group),
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "csrf_rejected"));
    assert_eq!(t.count("case_category").await, rows);
    assert_eq!(t.count(category_audit).await, audit);

    // The administrator, district-wide, may.
    let mut e = edit_of(&garbage);
    e["name"] = json!("垃圾乱堆乱放");
    assert_eq!(put(&t, id, e).await.0, StatusCode::OK);
    assert_eq!(audit_actions(&t).await, vec!["category.update"]);
}

#[tokio::test]
async fn the_permission_is_in_the_catalogue_and_the_admin_role() {
    let t = TestApp::demo().await;
    let (s, v) = t.get("/api/v1/roles").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        v["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["permission"] == "case:category:write")
    );
    let holders: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["permissions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p == "case:category:write")
        })
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(holders, vec!["district_admin"]);
    let (_, me) = t.get("/api/v1/auth/me").await;
    assert!(
        me["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "case:category:write")
    );
}

#[tokio::test]
async fn an_upgrade_brings_stored_built_in_roles_up_to_date() {
    use sea_orm::ConnectionTrait;
    let t = TestApp::demo().await;
    // A district set up by a version without the permission.
    let conn = t.app.db.conn();
    let old = serde_json::to_string(&["case:case:read", "case:category:read"]).unwrap();
    conn.execute_unprepared(&format!(
        "UPDATE role SET permissions = '{old}' WHERE \"key\" = 'district_admin'"
    ))
    .await
    .unwrap();
    assert_eq!(gridgov_app::access::refresh_builtin_roles(conn).await.unwrap(), 1);
    // Done once: a second start finds nothing to do.
    assert_eq!(gridgov_app::access::refresh_builtin_roles(conn).await.unwrap(), 0);
    t.login("admin").await;
    let (_, me) = t.get("/api/v1/auth/me").await;
    assert!(
        me["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "case:category:write")
    );
    let (_, v) = t.get("/api/v1/audit?action=role.builtin_refresh").await;
    assert_eq!(v["total"], 1, "{v}");
    assert_eq!(v["items"][0]["actor_name"], "cli:upgrade");
}
