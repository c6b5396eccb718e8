//! Account administration, effective scope and audit search over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use axum::http::StatusCode;
use common::{TestApp, code, field_codes};
use serde_json::{Value, json};

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

#[tokio::test]
async fn edit_an_account_and_move_it_within_reach() {
    let t = TestApp::demo().await;
    let (_, v) = t.get("/api/v1/users?q=gridworker").await;
    let u = v["items"][0].clone();
    let (id, version) = (u["id"].as_i64().unwrap(), u["version"].as_i64().unwrap());
    let path = format!("/api/v1/users/{id}");
    let body = |name: &str, unit: Value, version: i64| json!({"display_name": name, "unit_code": unit, "version": version});
    for (b, field_code) in [
        (body(" ", json!("370105001001001"), version), "invalid_name"),
        (body("王网格", json!("37010x"), version), "invalid_region_code"),
        (
            body("王网格", json!("370105001001999"), version),
            "region_not_found",
        ),
        (
            body("王网格", json!("370102001001001"), version),
            "region_not_found",
        ),
    ] {
        let (s, v, _) = t.send("PUT", &path, Some(b), &[]).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        assert_eq!(field_codes(&v), [field_code]);
    }
    let (s, v, _) = t
        .send(
            "PUT",
            &path,
            Some(body("王网格", json!("370105001001002"), version)),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["display_name"].as_str(), v["unit_code"].as_str()),
        (Some("王网格"), Some("370105001001002"))
    );
    let (s, v, _) = t
        .send(
            "PUT",
            &path,
            Some(body("王网格", json!("370105001001001"), version)),
            &[],
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "stale_version"));
    // The worker's "own unit and below" scope moved with the unit.
    let (_, v) = t.get(&format!("{path}/scope")).await;
    let read = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["permission"] == "region:region:read")
        .unwrap()
        .clone();
    assert_eq!(read["scope"]["subtrees"], json!(["370105001001002"]));

    // A community operator with a custom user-admin role cannot move an account out of reach.
    let role = json!({"key":"account_clerk","name":"账号管理员","permissions":["system:user:read","system:user:write","region:region:read"]});
    assert_eq!(
        t.send("POST", "/api/v1/roles", Some(role), &[]).await.0,
        StatusCode::CREATED
    );
    let (_, v) = t.get("/api/v1/users?q=community").await;
    let (cid, cversion) = (
        v["items"][0]["id"].as_i64().unwrap(),
        v["items"][0]["version"].as_i64().unwrap(),
    );
    let roles = json!({"roles": [
        {"role":"community_operator","scope":{"kind":"own_unit_and_below"}},
        {"role":"account_clerk","scope":{"kind":"own_unit_and_below"}}], "version": cversion});
    let (s, v, _) = t
        .send("PUT", &format!("/api/v1/users/{cid}/roles"), Some(roles), &[])
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    t.login("community").await;
    let (_, v) = t.get(&path).await;
    let version = v["version"].as_i64().unwrap();
    let (s, v, _) = t
        .send(
            "PUT",
            &path,
            Some(body("王网格", json!("370105003000"), version)),
            &[],
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "unit_out_of_scope"));
    let (s, _, _) = t
        .send(
            "PUT",
            &path,
            Some(body("王网格", json!("370105001001001"), version)),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    // The clerk cannot touch itself into a wider scope either: an account of the whole street
    // is beyond a community.
    let (s, v, _) = t
        .send(
            "PUT",
            &format!("/api/v1/users/{cid}"),
            Some(body("社区", json!("370105001000"), cversion + 1)),
            &[],
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "unit_out_of_scope"));
}

#[tokio::test]
async fn password_reset_ends_every_session_and_own_change_keeps_this_one() {
    let t = TestApp::demo().await;
    let admin = t.cookie();
    t.login("gridworker").await;
    let worker_old = t.cookie();
    t.use_cookie(admin.clone());
    let (_, v) = t.get("/api/v1/users?q=gridworker").await;
    let id = v["items"][0]["id"].as_i64().unwrap();
    let reset = |p: &str| json!({ "password": p });
    let path = format!("/api/v1/users/{id}/password");
    for (p, field_code) in [
        ("Short1!", "password_too_short"),
        ("gridworker-Aa1!", "password_contains_account"),
    ] {
        let (s, v, _) = t.send("PUT", &path, Some(reset(p)), &[]).await;
        assert_eq!(
            (s, field_codes(&v)),
            (StatusCode::BAD_REQUEST, vec![field_code.to_owned()])
        );
    }
    let (s, _, _) = t.send("PUT", &path, Some(reset("Fresh-Start-2026")), &[]).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, me) = t.get("/api/v1/auth/me").await;
    let (s, v, _) = t
        .send(
            "PUT",
            &format!("/api/v1/users/{}/password", me["id"]),
            Some(reset("Fresh-Start-2026")),
            &[],
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "use_password_change"));
    t.use_cookie(worker_old);
    assert_eq!(t.get("/api/v1/auth/me").await.0, StatusCode::UNAUTHORIZED);

    // The worker now changes it again with the current one, from one of two devices.
    t.login_with("gridworker", "Fresh-Start-2026").await;
    let phone = t.cookie();
    t.login_with("gridworker", "Fresh-Start-2026").await;
    let change = |cur: &str, new: &str| json!({"current_password": cur, "new_password": new});
    for (b, field_code) in [
        (change("wrong-Password-1", "Another-Day-2026"), "wrong_password"),
        (
            change("Fresh-Start-2026", "Fresh-Start-2026"),
            "password_unchanged",
        ),
        (change("Fresh-Start-2026", "abc"), "password_too_short"),
    ] {
        let (s, v, _) = t.send("POST", "/api/v1/auth/password", Some(b), &[]).await;
        assert_eq!(
            (s, field_codes(&v)),
            (StatusCode::BAD_REQUEST, vec![field_code.to_owned()])
        );
    }
    let (s, _, _) = t
        .send(
            "POST",
            "/api/v1/auth/password",
            Some(change("Fresh-Start-2026", "Another-Day-2026")),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        t.get("/api/v1/auth/me").await.0,
        StatusCode::OK,
        "this session stays"
    );
    t.use_cookie(phone);
    assert_eq!(
        t.get("/api/v1/auth/me").await.0,
        StatusCode::UNAUTHORIZED,
        "the other one ends"
    );
    t.login_with("gridworker", "Another-Day-2026").await;

    // Guessing the current password is throttled like logging in.
    for _ in 0..5 {
        t.send(
            "POST",
            "/api/v1/auth/password",
            Some(change("guess-Guess-1", "Another-Day-2027")),
            &[],
        )
        .await;
    }
    let (s, v, _) = t
        .send(
            "POST",
            "/api/v1/auth/password",
            Some(change("Another-Day-2026", "Another-Day-2027")),
            &[],
        )
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
    );

    t.use_cookie(admin);
    let (_, v) = t
        .get(&format!("/api/v1/audit?entity_type=user&entity_id={id}"))
        .await;
    let actions: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"user.password_reset") && actions.contains(&"auth.password_change"),
        "{actions:?}"
    );
    assert!(!v.to_string().contains("Fresh-Start") && !v.to_string().contains("Another-Day"));
}

#[tokio::test]
async fn the_audit_log_is_scoped_like_everything_else() {
    let t = TestApp::demo().await;
    // An account in another street, created by the admin.
    let other = json!({"username": "wang.wu", "display_name": "王五", "password": "Street-Three#2026",
        "kind": "staff", "unit_code": "370105003000",
        "roles": [{"role": "street_operator", "scope": {"kind": "own_unit_and_below"}}]});
    assert_eq!(
        t.send("POST", "/api/v1/users", Some(other), &[]).await.0,
        StatusCode::CREATED
    );
    let role = json!({"key":"street_auditor","name":"街道审计","permissions":["audit:log:read"]});
    assert_eq!(
        t.send("POST", "/api/v1/roles", Some(role), &[]).await.0,
        StatusCode::CREATED
    );
    let (_, v) = t.get("/api/v1/users?q=street").await;
    let street = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "street")
        .unwrap()
        .clone();
    let roles = json!({"roles": [
        {"role":"street_operator","scope":{"kind":"own_unit_and_below"}},
        {"role":"street_auditor","scope":{"kind":"own_unit_and_below"}}], "version": street["version"]});
    let (s, v, _) = t
        .send(
            "PUT",
            &format!("/api/v1/users/{}/roles", street["id"]),
            Some(roles),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, all) = t.get("/api/v1/audit?page_size=200").await;
    assert!(
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["region_code"] == "370105003000")
    );

    t.login("street").await;
    let (s, v) = t.get("/api/v1/audit?page_size=200").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let items = v["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert_eq!(v["total"].as_u64().unwrap() as usize, items.len());
    assert!(
        items.iter().all(|a| a["region_code"]
            .as_str()
            .is_some_and(|r| r.starts_with("370105001"))),
        "only the street's own part: {v}"
    );
    // Its own login is there; the role created district-wide and the other street are not.
    assert!(items.iter().any(|a| a["action"] == "auth.login"));
    assert!(!items.iter().any(|a| a["action"] == "role.create"));
    let (_, v) = t
        .get("/api/v1/audit?action=user.&from=2000-01-01T00:00:00Z")
        .await;
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["action"].as_str().unwrap().starts_with("user."))
    );
    let (s, v) = t.get("/api/v1/audit?from=yesterday").await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "invalid_query"));
}
