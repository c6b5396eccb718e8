//! Test harness: an app per test on a fresh database — a temporary SQLite file, or, when
//! `GRIDGOV_TEST_DATABASE_URL` points at a PostgreSQL server, a fresh database on it. The same
//! test bodies run on both; CI runs the suite once per backend.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use gridgov_app::{App, Config};
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, Database};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use tower::ServiceExt;

static N: AtomicUsize = AtomicUsize::new(0);

pub struct TestApp {
    pub app: App,
    pub router: Router,
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
        let app = App::start(config).await.unwrap();
        let router = gridgov_http::router(app.clone());
        TestApp {
            app,
            router,
            _dir: dir,
        }
    }

    /// An app with the demo district loaded.
    pub async fn demo() -> TestApp {
        let t = Self::new().await;
        gridgov_app::demo::write(&t.app, &cli(), 1).await.unwrap();
        t
    }

    pub async fn get(&self, uri: &str) -> (StatusCode, Value) {
        let res = self
            .router
            .clone()
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let v =
            serde_json::from_slice(&bytes).unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()));
        (status, v)
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

/// The actor of test set-up steps.
pub fn cli() -> gridgov_app::audit::Actor {
    gridgov_app::audit::Actor::cli("test")
}
