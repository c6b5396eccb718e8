//! The use cases of gridgov. Each public function is one action a user (or an operator at the
//! command line) takes; it checks its input, runs in one transaction, and leaves nothing
//! half-written when it fails. The HTTP layer and the CLI only translate to and from it.

pub mod access;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod cache;
pub mod cases;
pub mod clock;
pub mod config;
pub mod deliberation;
pub mod demo;
pub mod error;
pub mod export;
pub mod import;
pub mod kpi;
pub mod live;
pub mod otp;
pub mod people_export;
pub mod people_import;
pub mod record_export;
pub mod record_import;
pub mod regions;
pub mod registry;
pub mod secret;
pub mod sheet;
pub mod sla;
pub mod vault;

use gridgov_geo::{Locator, SharedLocator};
use gridgov_store::Db;
use std::sync::Arc;

pub use config::Config;
pub use error::{AppError, ErrorKind, FieldError};

/// Everything a use case needs: the database, the shared locator, the configuration.
#[derive(Clone, Debug)]
pub struct App {
    pub db: Db,
    pub locator: Arc<SharedLocator>,
    pub config: Arc<Config>,
    pub clock: Arc<dyn clock::Clock>,
    pub secret: secret::Secret,
    /// Seals and opens personal data, and indexes it for exact lookup.
    pub vault: Arc<vault::Vault>,
    pub otp: Arc<dyn otp::OtpSender>,
    /// Case changes for this process's open event streams.
    pub live: live::Live,
    pub caches: Arc<Caches>,
    /// The group-committing writer of new reports.
    pub intake: cases::intake::Intake,
}

/// What every request reads and almost nothing writes (see [`cache`]).
#[derive(Debug)]
pub struct Caches {
    /// Resolved sessions by token hash: five seconds, so an account disabled or a session ended
    /// through another process is refused by this one within five seconds.
    pub sessions: cache::TtlCache<String, auth::CachedSession>,
    /// A district's categories: thirty seconds.
    pub categories: cache::TtlCache<String, Arc<Vec<gridgov_store::entity::case_category::Model>>>,
    /// The working-day calendar: thirty seconds.
    pub calendar: cache::TtlCache<(), Arc<gridgov_domain::sla::Calendar>>,
}

impl Default for Caches {
    fn default() -> Self {
        use chrono::Duration;
        Caches {
            sessions: cache::TtlCache::new(Duration::seconds(5), 100_000),
            categories: cache::TtlCache::new(Duration::seconds(30), 10_000),
            calendar: cache::TtlCache::new(Duration::seconds(30), 1),
        }
    }
}

impl App {
    /// Connects, migrates and builds the locator from the stored boundaries.
    pub async fn start(config: Config) -> Result<App, AppError> {
        Self::start_with_clock(config, Arc::new(clock::SystemClock)).await
    }

    /// Like [`App::start`] with a given clock (tests move time with a manual one).
    pub async fn start_with_clock(config: Config, clock: Arc<dyn clock::Clock>) -> Result<App, AppError> {
        let db = Db::connect(config.database_url()).await?;
        db.migrate().await?;
        access::refresh_builtin_roles(db.conn()).await?;
        let intake = cases::intake::Intake::start(&db, config.database_url())?;
        let locator = Arc::new(SharedLocator::new(Locator::default()));
        let secret = secret::Secret::load(&config)?;
        let vault = Arc::new(vault::Vault {
            keys: vault::KeyRing::load_or_create(config.data_keys.as_deref(), &config.data_dir)?,
            blind: vault::BlindIndex::new(&secret)?,
        });
        let otp: Arc<dyn otp::OtpSender> = match config.otp_sender.as_str() {
            "log" => Arc::new(otp::LogSender),
            other => {
                return Err(AppError::bad_request(
                    "invalid_otp_sender",
                    format!("unknown otp_sender {other:?}"),
                ));
            }
        };
        let app = App {
            db: db.clone(),
            locator,
            config: Arc::new(config),
            clock,
            secret,
            vault,
            otp,
            live: live::Live::default(),
            caches: Arc::default(),
            intake,
        };
        app.reload_locator().await?;
        Ok(app)
    }

    /// Forgets every cached session, after a change to accounts, roles or sessions, so this
    /// process applies it to the very next request.
    pub fn accounts_changed(&self) {
        self.caches.sessions.clear();
    }

    /// Rebuilds the locator from the database and swaps it in.
    pub async fn reload_locator(&self) -> Result<(), AppError> {
        let l = regions::build_locator(&self.db).await?;
        self.locator.replace(l);
        Ok(())
    }
}
