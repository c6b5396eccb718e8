//! Logging in and out, sessions, CSRF and login throttling over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use axum::http::StatusCode;
use common::{TestApp, code};
use serde_json::json;

const PW: &str = gridgov_app::demo::DEMO_PASSWORD;

#[tokio::test]
async fn login_me_and_the_cookie() {
    let t = TestApp::demo().await;
    t.logout_locally();
    let (s, v) = t.get("/api/v1/auth/me").await;
    assert_eq!((s, code(&v)), (StatusCode::UNAUTHORIZED, "not_logged_in"));
    let (s, v) = t.get("/api/v1/regions").await;
    assert_eq!((s, code(&v)), (StatusCode::UNAUTHORIZED, "not_logged_in"));
    // Meta stays public: the login page needs it.
    assert_eq!(t.get("/api/v1/meta").await.0, StatusCode::OK);

    let (s, v, h) = t
        .send(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"username":"community","password":PW})),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let cookie = h.get("set-cookie").unwrap().to_str().unwrap();
    assert!(
        cookie.starts_with("gridgov_session=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert_eq!(v["roles"], json!(["community_operator"]));
    assert_eq!(v["unit_code"], "370105001001");
    assert!(
        v["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "region:region:read")
    );
    assert!(v.get("password_hash").is_none());
}

#[tokio::test]
async fn wrong_password_and_unknown_account_look_the_same() {
    let t = TestApp::demo().await;
    let (s1, v1, _) = t
        .send(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"username":"admin","password":"Wrong#2026pw"})),
            &[],
        )
        .await;
    let (s2, v2, _) = t
        .send(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"username":"nobody","password":"Wrong#2026pw"})),
            &[],
        )
        .await;
    assert_eq!((s1, &v1), (StatusCode::UNAUTHORIZED, &v2));
    assert_eq!(s2, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&v1), "invalid_credentials");
    let (s, v, _) = t
        .send("POST", "/api/v1/auth/login", Some(json!({"user":"admin"})), &[])
        .await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "invalid_json"));
    let (s, _, _) = t
        .send(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"username":"x".repeat(10_000),"password":"y"})),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn forged_and_expired_sessions() {
    let t = TestApp::demo().await;
    let good = t.cookie.lock().unwrap().clone().unwrap();
    for forged in [
        "gridgov_session=abc",
        "gridgov_session=0000000000000000000000000000000000000000000000000000000000000000",
    ] {
        *t.cookie.lock().unwrap() = Some(forged.into());
        let (s, v) = t.get("/api/v1/auth/me").await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::UNAUTHORIZED, "session_invalid"),
            "{forged}"
        );
    }
    *t.cookie.lock().unwrap() = Some(good);
    // Idle: 30 minutes without a request ends the session.
    t.clock.advance(chrono::Duration::minutes(29));
    assert_eq!(t.get("/api/v1/auth/me").await.0, StatusCode::OK);
    t.clock.advance(chrono::Duration::minutes(31));
    let (s, v) = t.get("/api/v1/auth/me").await;
    assert_eq!((s, code(&v)), (StatusCode::UNAUTHORIZED, "session_expired"));
    // Absolute: 12 hours however active.
    t.login("admin").await;
    let mut minutes = 0;
    let ended = loop {
        t.clock.advance(chrono::Duration::minutes(29));
        minutes += 29;
        let (s, v) = t.get("/api/v1/auth/me").await;
        if s != StatusCode::OK {
            break code(&v).to_owned();
        }
        assert!(minutes < 13 * 60, "the session outlived its absolute limit");
    };
    assert_eq!(ended, "session_expired");
    assert!(minutes >= 12 * 60, "{minutes}");
}

#[tokio::test]
async fn logout_and_logout_everywhere() {
    let t = TestApp::demo().await;
    let (s, _, h) = t.send("POST", "/api/v1/auth/logout", None, &[]).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert!(
        h.get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(t.get("/api/v1/auth/me").await.0, StatusCode::UNAUTHORIZED);

    t.login("admin").await;
    let first = t.cookie.lock().unwrap().clone();
    t.login("admin").await;
    let (s, _, _) = t.send("POST", "/api/v1/auth/logout-everywhere", None, &[]).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(t.get("/api/v1/auth/me").await.0, StatusCode::UNAUTHORIZED);
    *t.cookie.lock().unwrap() = first;
    assert_eq!(
        t.get("/api/v1/auth/me").await.0,
        StatusCode::UNAUTHORIZED,
        "the other device is out too"
    );
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let t = TestApp::demo().await;
    for headers in [
        vec![("origin", "http://evil.example"), ("host", "127.0.0.1:8080")],
        vec![("sec-fetch-site", "cross-site")],
    ] {
        let (s, v, _) = t.send("POST", "/api/v1/auth/logout", None, &headers).await;
        assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "csrf_rejected"));
    }
    // The session survived the refused request.
    assert_eq!(t.get("/api/v1/auth/me").await.0, StatusCode::OK);
    let same = [
        ("origin", "http://127.0.0.1:8080"),
        ("host", "127.0.0.1:8080"),
        ("sec-fetch-site", "same-origin"),
    ];
    assert_eq!(
        t.send("POST", "/api/v1/auth/logout", None, &same).await.0,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn a_burst_of_failed_logins_backs_off() {
    let t = TestApp::demo().await;
    let wrong = json!({"username":"leader","password":"Wrong#2026pw"});
    for _ in 0..5 {
        assert_eq!(
            t.send("POST", "/api/v1/auth/login", Some(wrong.clone()), &[])
                .await
                .0,
            StatusCode::UNAUTHORIZED
        );
    }
    // Locked now, even with the right password; the answer is the same for an unknown name.
    let right = json!({"username":"leader","password":PW});
    let (s, v, _) = t
        .send("POST", "/api/v1/auth/login", Some(right.clone()), &[])
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
    );
    let ghost = json!({"username":"ghost","password":"Wrong#2026pw"});
    for _ in 0..5 {
        t.send("POST", "/api/v1/auth/login", Some(ghost.clone()), &[])
            .await;
    }
    assert_eq!(
        t.send("POST", "/api/v1/auth/login", Some(ghost), &[]).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Other accounts are unaffected; after the back-off the right password works.
    assert_eq!(
        t.send(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"username":"street","password":PW})),
            &[]
        )
        .await
        .0,
        StatusCode::OK
    );
    t.clock.advance(chrono::Duration::minutes(2));
    let (s, v, _) = t.send("POST", "/api/v1/auth/login", Some(right), &[]).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn accounts_are_checked_on_creation() {
    let t = TestApp::new().await;
    let base = gridgov_app::auth::NewAccount {
        district: "370105".into(),
        username: "zhangsan".into(),
        display_name: "张三".into(),
        password: Some("Zhang.San2026!".into()),
        kind: "staff".into(),
        roles: vec![(
            "grid_worker".into(),
            gridgov_domain::access::DataScope::OwnRecords,
        )],
        ..Default::default()
    };
    gridgov_app::auth::create_user(&t.app, &common::cli(), base.clone())
        .await
        .unwrap();
    let e = gridgov_app::auth::create_user(&t.app, &common::cli(), base.clone())
        .await
        .unwrap_err();
    assert_eq!(e.code, "username_taken");
    let weak = gridgov_app::auth::NewAccount {
        username: "lisi".into(),
        password: Some("lisi".into()),
        ..base.clone()
    };
    let e = gridgov_app::auth::create_user(&t.app, &common::cli(), weak)
        .await
        .unwrap_err();
    assert_eq!(e.fields[0].code, "password_too_short");
    let bad_role = gridgov_app::auth::NewAccount {
        username: "wangwu".into(),
        roles: vec![("emperor".into(), gridgov_domain::access::DataScope::All)],
        ..base
    };
    let before = t.count("app_user").await;
    let e = gridgov_app::auth::create_user(&t.app, &common::cli(), bad_role)
        .await
        .unwrap_err();
    assert_eq!(e.fields[0].code, "role_not_found");
    assert_eq!(t.count("app_user").await, before, "nothing half-written");
}

#[tokio::test]
async fn residents_register_and_sign_in_with_a_one_time_code() {
    let t = TestApp::demo().await;
    t.logout_locally();
    let (s, v, _) = t
        .send("POST", "/api/v1/auth/otp", Some(json!({"phone":"12345"})), &[])
        .await;
    assert_eq!(
        (s, common::field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["invalid_phone".to_owned()])
    );
    let (s, _, _) = t
        .send(
            "POST",
            "/api/v1/auth/otp",
            Some(json!({"phone":"+86 139-0531-0001"})),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (phone, code_sent) = t.otp.last().unwrap();
    assert_eq!(phone, "13905310001");
    // Asking again at once is refused.
    let (s, _, _) = t
        .send(
            "POST",
            "/api/v1/auth/otp",
            Some(json!({"phone":"13905310001"})),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);

    let wrong = if code_sent == "000000" { "111111" } else { "000000" };
    let (s, v, _) = t
        .send(
            "POST",
            "/api/v1/auth/otp-login",
            Some(json!({"phone":"13905310001","code":wrong})),
            &[],
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::UNAUTHORIZED, "otp_invalid"));
    let (s, v, _) = t
        .send(
            "POST",
            "/api/v1/auth/otp-login",
            Some(json!({"phone":"13905310001","code":code_sent})),
            &[],
        )
        .await;
    assert_eq!(
        (s, common::field_codes(&v)),
        (StatusCode::BAD_REQUEST, vec!["display_name_required".to_owned()])
    );
    let body = json!({"phone":"13905310001","code":code_sent,"display_name":"王大妈"});
    let (s, v, h) = t
        .send("POST", "/api/v1/auth/otp-login", Some(body.clone()), &[])
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["kind"], "resident");
    assert_eq!(v["roles"], json!(["resident"]));
    assert!(
        !v.to_string().contains("13905310001"),
        "the number is not echoed or stored"
    );
    *t.cookie.lock().unwrap() = Some(
        h.get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned(),
    );
    assert_eq!(t.get("/api/v1/auth/me").await.0, StatusCode::OK);
    assert_eq!(t.get("/api/v1/regions").await.0, StatusCode::FORBIDDEN);
    // A used code does not work twice.
    let (s, _, _) = t.send("POST", "/api/v1/auth/otp-login", Some(body), &[]).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // Next time: same account, no name needed; five wrong guesses burn the code.
    t.clock.advance(chrono::Duration::minutes(2));
    t.send(
        "POST",
        "/api/v1/auth/otp",
        Some(json!({"phone":"13905310001"})),
        &[],
    )
    .await;
    let (_, code2) = t.otp.last().unwrap();
    let wrong2 = if code2 == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        t.send(
            "POST",
            "/api/v1/auth/otp-login",
            Some(json!({"phone":"13905310001","code":wrong2})),
            &[],
        )
        .await;
    }
    let (s, _, _) = t
        .send(
            "POST",
            "/api/v1/auth/otp-login",
            Some(json!({"phone":"13905310001","code":code2})),
            &[],
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "the code is spent after five wrong guesses"
    );
    t.clock.advance(chrono::Duration::minutes(2));
    t.send(
        "POST",
        "/api/v1/auth/otp",
        Some(json!({"phone":"13905310001"})),
        &[],
    )
    .await;
    let (_, code3) = t.otp.last().unwrap();
    let (s, v, _) = t
        .send(
            "POST",
            "/api/v1/auth/otp-login",
            Some(json!({"phone":"13905310001","code":code3})),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["display_name"], "王大妈");
    assert_eq!(t.count("app_user").await, 9, "8 demo accounts and one resident");
}

#[tokio::test]
async fn grid_accounts_are_linked_to_their_staff_records() {
    let t = TestApp::demo().await;
    let (_, grid) = t.get("/api/v1/grids/370105001001001").await;
    let team = grid["team"].as_array().unwrap();
    let of = |role: &str| team.iter().find(|m| m["role"] == role).unwrap()["staff_id"].as_i64();
    t.login("gridworker").await;
    assert_eq!(
        t.get("/api/v1/auth/me").await.1["staff_id"].as_i64(),
        of("lead_worker")
    );
    t.login("gridleader").await;
    assert_eq!(
        t.get("/api/v1/auth/me").await.1["staff_id"].as_i64(),
        of("leader")
    );
    t.login("admin").await;
    assert!(t.get("/api/v1/auth/me").await.1["staff_id"].is_null());
}

/// Sessions are cached for five seconds: ended through another server process, a session is
/// refused by this one once its cache entry expires; ended through this one, at once.
#[tokio::test]
async fn a_session_ended_elsewhere_is_refused_within_five_seconds() {
    let t = TestApp::demo().await;
    t.login("gridworker").await;
    let (s, _) = t.get("/api/v1/auth/me").await;
    assert_eq!(s, StatusCode::OK);
    let cookie = t.cookie().unwrap();
    let token = cookie.trim_start_matches("gridgov_session=");
    let other = gridgov_app::App::start_with_clock((*t.app.config).clone(), t.clock.clone())
        .await
        .unwrap();
    t.clock.advance(chrono::Duration::seconds(1));
    let signed = gridgov_app::auth::authenticate(&other, token).await.unwrap();
    gridgov_app::auth::logout_everywhere(&other, &signed, None)
        .await
        .unwrap();
    // The other process refuses it at once, this one still has it cached …
    assert!(gridgov_app::auth::authenticate(&other, token).await.is_err());
    let (s, _) = t.get("/api/v1/auth/me").await;
    assert_eq!(s, StatusCode::OK);
    // … for five seconds.
    t.clock.advance(chrono::Duration::seconds(5));
    let (s, v) = t.get("/api/v1/auth/me").await;
    assert_eq!((s, code(&v)), (StatusCode::UNAUTHORIZED, "session_invalid"));
}
