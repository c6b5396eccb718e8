//! Opening the database: URL → backend, SQLite pragmas, migrations.

use crate::migration::Migrator;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use sea_orm_migration::MigratorTrait;
use std::time::Duration;

/// Which database engine a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A storage failure. Constraint violations are told apart so the app layer can answer 409.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL scheme (use sqlite:// or postgres://)")]
    UnsupportedUrl,
    #[error("the row was changed by someone else")]
    Conflict,
    #[error("a row with the same key exists")]
    Duplicate,
    #[error("database error: {0}")]
    Db(#[from] DbErr),
}

impl StoreError {
    /// The outcome of an optimistic update (`… WHERE version = expected`): exactly one row changed,
    /// or someone else changed it first.
    pub fn one_row(res: sea_orm::UpdateResult) -> Result<(), StoreError> {
        if res.rows_affected == 1 {
            Ok(())
        } else {
            Err(StoreError::Conflict)
        }
    }

    /// Classifies a database error, so unique-key violations become [`StoreError::Duplicate`].
    pub fn classify(e: DbErr) -> StoreError {
        match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => StoreError::Duplicate,
            _ => StoreError::Db(e),
        }
    }
}

/// A connection pool to the configured database.
#[derive(Clone, Debug)]
pub struct Db {
    conn: DatabaseConnection,
    backend: Backend,
}

impl Db {
    /// Connects. For SQLite: creates the file, WAL journal, `foreign_keys=ON`, a busy timeout so
    /// that concurrent writers wait instead of failing, `synchronous=NORMAL` (safe with WAL).
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl);
        };
        let mut opts = ConnectOptions::new(url.to_owned());
        opts.sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30));
        if backend == Backend::Sqlite {
            opts.max_connections(8).map_sqlx_sqlite_opts(|o| {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
            });
        } else {
            opts.max_connections(16);
        }
        let conn = Database::connect(opts).await?;
        Ok(Db { conn, backend })
    }

    /// Applies pending migrations; running it again changes nothing.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        Migrator::up(&self.conn, None).await?;
        Ok(())
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.conn.ping().await?;
        Ok(())
    }

    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }
}
