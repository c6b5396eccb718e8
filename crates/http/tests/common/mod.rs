//! Test harness: an app per test on a fresh database — a temporary SQLite file, or, when
//! `GRIDGOV_TEST_DATABASE_URL` points at a PostgreSQL server, a fresh database on it. The same
//! test bodies run on both; CI runs the suite once per backend.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use axum::Router;
use axum::body::Body;
use axum::http::HeaderMap;
use axum::http::{Request, StatusCode};
use gridgov_app::clock::ManualClock;
use gridgov_app::{App, Config};
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, Database};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

static N: AtomicUsize = AtomicUsize::new(0);

pub struct TestApp {
    pub app: App,
    pub router: Router,
    pub clock: Arc<ManualClock>,
    /// The one-time codes "sent" to phones.
    pub otp: Arc<CaptureSender>,
    /// The session cookie sent with every request, once logged in.
    pub cookie: Mutex<Option<String>>,
    _dir: tempfile::TempDir,
}

/// The shared data folder beside the checkout, if present.
pub fn shared_data() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if p.join("tianqiao-divisions.csv").exists() {
        Some(p)
    } else {
        eprintln!("shared/data not found beside the checkout: tests that read it are skipped");
        None
    }
}

async fn database_url(dir: &tempfile::TempDir) -> String {
    match std::env::var("GRIDGOV_TEST_DATABASE_URL") {
        Ok(admin) if !admin.is_empty() => {
            let name = format!(
                "gridgov_t{}_{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            );
            let conn = Database::connect(&admin)
                .await
                .expect("connect to GRIDGOV_TEST_DATABASE_URL");
            conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
                .await
                .unwrap();
            conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            format!("{base}/{name}")
        }
        _ => format!("sqlite://{}", dir.path().join("test.db").display()),
    }
}

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with(|_| {}).await
    }

    pub async fn with(tune: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config {
            data_dir: dir.path().to_owned(),
            ..Config::default()
        };
        config.database_url = database_url(&dir).await;
        tune(&mut config);
        let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
        let mut app = App::start_with_clock(config, clock.clone()).await.unwrap();
        let otp = Arc::new(CaptureSender::default());
        app.otp = otp.clone();
        let router = gridgov_http::router(app.clone());
        TestApp {
            app,
            router,
            clock,
            otp,
            cookie: Mutex::new(None),
            _dir: dir,
        }
    }

    /// An app with the demo district loaded, logged in as the demo district admin.
    pub async fn demo() -> TestApp {
        let t = Self::new().await;
        gridgov_app::demo::write(&t.app, &cli(), 1).await.unwrap();
        t.login("admin").await;
        t
    }

    /// Creates a district admin for district 370105 (no demo data needed) and logs in.
    pub async fn sign_in_admin(&self) {
        let account = gridgov_app::auth::NewAccount {
            district: "370105".into(),
            username: "tester".into(),
            display_name: "测试管理员".into(),
            password: Some(gridgov_app::demo::DEMO_PASSWORD.into()),
            kind: "staff".into(),
            roles: vec![("district_admin".into(), gridgov_domain::access::DataScope::All)],
            ..Default::default()
        };
        gridgov_app::auth::create_user(&self.app, &cli(), account)
            .await
            .unwrap();
        self.login("tester").await;
    }

    /// Logs in with the demo password and keeps the cookie.
    pub async fn login(&self, username: &str) {
        self.login_with(username, gridgov_app::demo::DEMO_PASSWORD).await;
    }

    /// Logs in and keeps the cookie.
    pub async fn login_with(&self, username: &str, password: &str) {
        let body = serde_json::json!({ "username": username, "password": password });
        let (s, v, h) = self.send("POST", "/api/v1/auth/login", Some(body), &[]).await;
        assert_eq!(s, StatusCode::OK, "login {username}: {v}");
        let set = h.get("set-cookie").unwrap().to_str().unwrap();
        let pair = set.split(';').next().unwrap().to_owned();
        *self.cookie.lock().unwrap() = Some(pair);
    }

    /// The current cookie, to switch back to this session later with [`TestApp::use_cookie`].
    pub fn cookie(&self) -> Option<String> {
        self.cookie.lock().unwrap().clone()
    }

    pub fn use_cookie(&self, c: Option<String>) {
        *self.cookie.lock().unwrap() = c;
    }

    /// Forgets the cookie (the server-side session stays).
    pub fn logout_locally(&self) {
        *self.cookie.lock().unwrap() = None;
    }

    pub async fn get(&self, uri: &str) -> (StatusCode, Value) {
        let (s, v, _) = self.send("GET", uri, None, &[]).await;
        (s, v)
    }

    pub async fn post(&self, uri: &str, body: Value) -> (StatusCode, Value) {
        let (s, v, _) = self.send("POST", uri, Some(body), &[]).await;
        (s, v)
    }

    pub async fn put(&self, uri: &str, body: Value) -> (StatusCode, Value) {
        let (s, v, _) = self.send("PUT", uri, Some(body), &[]).await;
        (s, v)
    }

    /// The actions of the audit records about one record, newest first (as the admin reads
    /// them: switches the session to the admin).
    pub async fn audit_actions(&self, entity_type: &str, id: i64) -> Vec<String> {
        self.login("admin").await;
        let (s, v) = self
            .get(&format!("/api/v1/audit?entity_type={entity_type}&entity_id={id}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["action"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Sends a request with the session cookie (if any) and extra headers.
    pub async fn send(
        &self,
        method: &str,
        uri: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value, HeaderMap) {
        let mut b = Request::builder().method(method).uri(uri);
        let cookie = self.cookie.lock().unwrap().clone();
        if let Some(c) = cookie {
            b = b.header("cookie", c);
        }
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let req = match body {
            Some(j) => b
                .header("content-type", "application/json")
                .body(Body::from(j.to_string()))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let v =
            serde_json::from_slice(&bytes).unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()));
        (status, v, headers)
    }

    /// Sends raw bytes (an upload; none for a download) and answers the raw response body.
    pub async fn send_bytes(
        &self,
        method: &str,
        uri: &str,
        bytes: Vec<u8>,
    ) -> (StatusCode, Vec<u8>, HeaderMap) {
        let mut b = Request::builder().method(method).uri(uri);
        let cookie = self.cookie.lock().unwrap().clone();
        if let Some(c) = cookie {
            b = b.header("cookie", c);
        }
        let req = b
            .header("content-type", "application/octet-stream")
            .body(Body::from(bytes))
            .unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (status, bytes.to_vec(), headers)
    }

    /// The middle of a (rectangular) demo region: a point inside it.
    pub async fn centre_of(&self, code: &str) -> (f64, f64) {
        let code = gridgov_domain::RegionCode::parse(code).unwrap();
        let s = gridgov_store::regions::get_summary(self.app.db.conn(), &code)
            .await
            .unwrap()
            .unwrap();
        let b = s.bbox().unwrap();
        ((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0)
    }

    /// Counts rows of a table (to prove that a refused write changed nothing).
    pub async fn count(&self, table: &str) -> i64 {
        #[derive(sea_orm::FromQueryResult)]
        struct C {
            n: i64,
        }
        let backend = self.app.db.conn().get_database_backend();
        let stmt = sea_orm::Statement::from_string(backend, format!("SELECT COUNT(*) AS n FROM {table}"));
        use sea_orm::FromQueryResult;
        C::find_by_statement(stmt)
            .one(self.app.db.conn())
            .await
            .unwrap()
            .unwrap()
            .n
    }
}

/// The error code of an error body.
pub fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

/// The per-field codes of a `validation_failed` body.
pub fn field_codes(v: &Value) -> Vec<String> {
    v["error"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["code"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// `field:code` of each field error of a `validation_failed` body.
pub fn field_errors(v: &Value) -> Vec<String> {
    v["error"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    format!(
                        "{}:{}",
                        f["field"].as_str().unwrap_or(""),
                        f["code"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The actor of test set-up steps.
pub fn cli() -> gridgov_app::audit::Actor {
    gridgov_app::audit::Actor::cli("test")
}

/// Keeps the last one-time code instead of sending it.
#[derive(Debug, Default)]
pub struct CaptureSender(Mutex<Option<(String, String)>>);

impl CaptureSender {
    /// The last (phone digits, code).
    pub fn last(&self) -> Option<(String, String)> {
        self.0.lock().unwrap().clone()
    }
}

impl gridgov_app::otp::OtpSender for CaptureSender {
    fn send(
        &self,
        phone: &gridgov_domain::phone::MobilePhone,
        code: &str,
    ) -> Result<(), gridgov_app::AppError> {
        *self.0.lock().unwrap() = Some((phone.digits().to_owned(), code.to_owned()));
        Ok(())
    }
}
