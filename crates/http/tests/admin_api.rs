//! Account administration, effective scope and audit search over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use axum::http::StatusCode;
use common::{TestApp, code, field_codes};
use serde_json::json;

fn new_user(username: &str, password: &str) -> serde_json::Value {
    json!({
        "username": username, "display_name": "李四", "password": password, "kind": "staff",
        "unit_code": "370105001001002",
        "roles": [{"role": "grid_worker", "scope": {"kind": "own_unit_and_below"}}]
    })
}

#[tokio::test]
async fn create_list_disable_and_audit() {
    let t = TestApp::demo().await;
    let (s, v, _) = t
        .send(
            "POST",
            "/api/v1/users",
            Some(new_user("lisi", "Li.Si#2026grid")),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (s, v, _) = t
        .send(
            "POST",
            "/api/v1/users",
            Some(new_user("lisi", "Li.Si#2026grid")),
            &[],
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "username_taken"));
    let (s, v, _) = t
        .send("POST", "/api/v1/users", Some(new_user("wangwu", "short")), &[])
        .await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["password_too_short".to_owned()])
    );
    let (s, v, _) = t
        .send("POST", "/api/v1/users", Some(json!({"username": 1})), &[])
        .await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "invalid_json"));
    let mut bad_unit = new_user("zhaoliu", "Zhao.Liu#2026");
    bad_unit["unit_code"] = json!("370105001001999");
    let (s, v, _) = t.send("POST", "/api/v1/users", Some(bad_unit), &[]).await;
    assert_eq!(
        (s, field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["region_not_found".to_owned()])
    );
    let (s, v, _) = t
        .send(
            "POST",
            "/api/v1/users",
            Some(new_user("evil", "Evil.Site#2026")),
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "csrf_rejected"));

    let (_, v) = t.get("/api/v1/users?q=lisi").await;
    assert_eq!(v["total"], 1);
    assert_eq!(v["items"][0]["roles"][0]["role"], "grid_worker");
    assert!(v["items"][0].get("password_hash").is_none());
    let (_, v) = t.get(&format!("/api/v1/users/{id}/scope")).await;
    let read = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["permission"] == "region:region:read")
        .unwrap();
    assert_eq!(read["scope"]["subtrees"], json!(["370105001001002"]));

    // The new account logs in; disabling it ends that session at once.
    let admin_cookie = t.cookie.lock().unwrap().clone();
    let body = json!({"username":"lisi","password":"Li.Si#2026grid"});
    let (s, _, h) = t.send("POST", "/api/v1/auth/login", Some(body), &[]).await;
    assert_eq!(s, StatusCode::OK);
    let lisi_cookie = h
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    *t.cookie.lock().unwrap() = admin_cookie;
    let (s, v, _) = t
        .send(
            "PUT",
            &format!("/api/v1/users/{id}/disabled"),
            Some(json!({"disabled": true, "version": 1})),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["disabled"], true);
    let (s, v, _) = t
        .send(
            "PUT",
            &format!("/api/v1/users/{id}/disabled"),
            Some(json!({"disabled": false, "version": 1})),
            &[],
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "stale_version"));
    let (_, me) = t.get("/api/v1/auth/me").await;
    let (s, v, _) = t
        .send(
            "PUT",
            &format!("/api/v1/users/{}/disabled", me["id"]),
            Some(json!({"disabled": true, "version": 1})),
            &[],
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "cannot_disable_self"));
    *t.cookie.lock().unwrap() = Some(lisi_cookie);
    assert_eq!(t.get("/api/v1/auth/me").await.0, StatusCode::UNAUTHORIZED);

    t.login("admin").await;
    let (s, v) = t.get("/api/v1/audit?entity_type=user").await;
    assert_eq!(s, StatusCode::OK);
    let actions: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"user.create") && actions.contains(&"user.disable"),
        "{actions:?}"
    );
    // Nothing personal in the log: digests, not values.
    assert!(!v.to_string().contains("Li.Si#2026grid"));
    let r = gridgov_store::audit::verify(t.app.db.conn()).await.unwrap();
    assert!(r.first_break.is_none());
}

#[tokio::test]
async fn roles_and_the_permission_catalogue() {
    let t = TestApp::demo().await;
    let (s, v) = t.get("/api/v1/roles").await;
    assert_eq!(s, StatusCode::OK);
    let keys: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys.len(), 8);
    assert!(keys.contains(&"district_admin") && keys.contains(&"resident"));
    assert!(
        v["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["permission"] == "audit:log:read")
    );
}

#[tokio::test]
async fn custom_roles_and_reassignment() {
    let t = TestApp::demo().await;
    let body = json!({"key":"inspector","name":"巡查员","permissions":["region:region:read"]});
    let (s, v, _) = t.send("POST", "/api/v1/roles", Some(body.clone()), &[]).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let role_id = v["id"].as_i64().unwrap();
    assert_eq!(
        code(&t.send("POST", "/api/v1/roles", Some(body), &[]).await.1),
        "role_exists"
    );
    let bad = json!({"key":"X!","name":"","permissions":["region:region:fly"]});
    let (s, v, _) = t.send("POST", "/api/v1/roles", Some(bad), &[]).await;
    assert_eq!(
        (s, field_codes(&v)),
        (
            StatusCode::BAD_REQUEST,
            vec!["invalid_role_key".to_owned(), "invalid_name".to_owned()]
        )
    );
    let unknown = json!({"key":"flyer","name":"飞","permissions":["region:region:fly"]});
    assert_eq!(
        field_codes(&t.send("POST", "/api/v1/roles", Some(unknown), &[]).await.1),
        ["unknown_permission"]
    );

    let upd = json!({"name":"巡查员（含团队）","permissions":["region:region:read","region:team:read"],"version":1});
    assert_eq!(
        t.send("PUT", &format!("/api/v1/roles/{role_id}"), Some(upd.clone()), &[])
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        code(
            &t.send("PUT", &format!("/api/v1/roles/{role_id}"), Some(upd.clone()), &[])
                .await
                .1
        ),
        "stale_version"
    );
    let (_, roles) = t.get("/api/v1/roles").await;
    let admin_role = roles["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "district_admin")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        code(
            &t.send("PUT", &format!("/api/v1/roles/{admin_role}"), Some(upd), &[])
                .await
                .1
        ),
        "builtin_role"
    );

    // Give the grid worker the new role for the whole street as well.
    let (_, v) = t.get("/api/v1/users?q=gridworker").await;
    let (id, version) = (
        v["items"][0]["id"].as_i64().unwrap(),
        v["items"][0]["version"].as_i64().unwrap(),
    );
    let roles = json!({"roles":[
        {"role":"grid_worker","scope":{"kind":"own_unit_and_below"}},
        {"role":"inspector","scope":{"kind":"subtrees","regions":["370105001000"]}}], "version": version});
    let (s, v, _) = t
        .send(
            "PUT",
            &format!("/api/v1/users/{id}/roles"),
            Some(roles.clone()),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["roles"].as_array().unwrap().len(), 2);
    assert_eq!(
        code(
            &t.send("PUT", &format!("/api/v1/users/{id}/roles"), Some(roles), &[])
                .await
                .1
        ),
        "stale_version"
    );
    t.login("gridworker").await;
    let (_, v) = t.get("/api/v1/grids?bbox=116.9,36.6,117.2,36.9").await;
    assert!(
        v["features"].as_array().unwrap().len() > 20,
        "the union of both grants reaches the whole street"
    );
    // The grid worker holds no system:user:write.
    let (s, _, _) = t
        .send(
            "PUT",
            &format!("/api/v1/users/{id}/roles"),
            Some(json!({"roles":[],"version":2})),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
