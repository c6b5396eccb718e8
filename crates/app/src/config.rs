//! Configuration: defaults, then `gridgov.toml`, then `GRIDGOV_*` environment variables (the CLI
//! does the layering). Secrets never appear in `Debug` output.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// `sqlite://…` or `postgres://…`; empty means the SQLite file under `data_dir`.
    pub database_url: String,
    /// Where the SQLite file, uploads and other state live.
    pub data_dir: PathBuf,
    /// Address to listen on.
    pub listen: String,
    /// A raster tile URL template for the map (`{z}/{x}/{y}`); none by default, so nothing is
    /// fetched from outside: polygons are drawn on a blank canvas.
    pub tile_url: Option<String>,
    pub tile_attribution: Option<String>,
    /// Fraction of a child's area allowed outside its parent (digitising slivers).
    pub inside_tolerance: f64,
    /// Fraction of the smaller area two siblings may share.
    pub overlap_tolerance: f64,
    /// Largest number of features one map request may return.
    pub max_features: u64,
    /// Log as JSON lines instead of human-readable text.
    pub log_json: bool,
    /// A session ends after this many minutes without a request.
    pub session_idle_minutes: i64,
    /// A session ends this many hours after login, however active.
    pub session_absolute_hours: i64,
    /// Mark session cookies `Secure` (set when served behind TLS).
    pub secure_cookies: bool,
    /// 64 hex digits; without it a key file is made under `data_dir`.
    pub secret_key: Option<String>,
    /// The keys that encrypt personal data at rest: `id:64hex` entries separated by commas, the
    /// first sealing new values (see [`crate::vault`]); without them `data_dir/data.keys`.
    pub data_keys: Option<String>,
    /// Where one-time codes go: `log` (demo and development only: the code is written to the
    /// server log with the number masked). An SMS gateway plugs in behind the same trait.
    pub otp_sender: String,
    /// A new report is offered as a possible duplicate of an open case of the same category
    /// within this many metres …
    pub duplicate_radius_m: f64,
    /// … reported within this many days.
    pub duplicate_days: i64,
    /// A closed case can be reopened for this many days.
    pub reopen_days: i64,
    /// How often the SLA ticker looks for warnings and overdue stages.
    pub sla_tick_seconds: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: String::new(),
            data_dir: PathBuf::from("./data"),
            listen: "127.0.0.1:8080".into(),
            tile_url: None,
            tile_attribution: None,
            inside_tolerance: 0.01,
            overlap_tolerance: 0.01,
            max_features: 20_000,
            log_json: false,
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            secure_cookies: false,
            secret_key: None,
            data_keys: None,
            otp_sender: "log".into(),
            duplicate_radius_m: 50.0,
            duplicate_days: 7,
            reopen_days: 7,
            sla_tick_seconds: 30,
        }
    }
}

impl Config {
    /// The effective database URL (with the SQLite default filled in).
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// Fills in defaults that depend on other fields.
    pub fn resolved(mut self) -> Config {
        if self.database_url.is_empty() {
            self.database_url = format!("sqlite://{}", self.data_dir.join("gridgov.db").display());
        }
        self
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("data_dir", &self.data_dir)
            .field("listen", &self.listen)
            .field("tile_url", &self.tile_url)
            .finish_non_exhaustive()
    }
}

/// Hides the password of a database URL: `postgres://user:secret@host` → `postgres://user:***@host`.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite://./data/x.db"), "sqlite://./data/x.db");
        let c = Config {
            database_url: "postgres://a:pw@h/d".into(),
            ..Config::default()
        };
        assert!(!format!("{c:?}").contains("pw"));
        let c = Config {
            secret_key: Some("ab".repeat(32)),
            data_keys: Some(format!("k1:{}", "cd".repeat(32))),
            ..Config::default()
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("abab") && !shown.contains("cdcd"), "{shown}");
    }

    #[test]
    fn sqlite_default_under_data_dir() {
        let c = Config::default().resolved();
        assert_eq!(c.database_url, "sqlite://./data/gridgov.db");
    }
}
