//! Opening the database: URL → backend, SQLite pragmas, migrations.

use crate::migration::Migrator;
use sea_orm::RuntimeErr;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use std::path::{Path, PathBuf};
use std::str::FromStr;
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
    #[error("unsupported database URL (use sqlite://FILE or postgres://…)")]
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
    /// The SQLite file, for the report writer's own connection ([`crate::direct`]).
    sqlite_file: Option<PathBuf>,
}

impl Db {
    /// Connects. For SQLite: creates the file, WAL journal, `foreign_keys=ON`, a busy timeout so
    /// that concurrent writers wait instead of failing, and `synchronous=FULL`: a commit returns
    /// only once it is on disk, so nothing acknowledged is lost to a power cut (group commit
    /// keeps that affordable, see `app::cases::intake`).
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        Db::connect_sized(url, None).await
    }

    /// Connects with at most `connections` pooled connections (the default when `None`: 4 on
    /// SQLite, 16 on PostgreSQL). A pool belongs to the tokio runtime it was opened on: its
    /// sockets wait on that runtime's reactor, so a second runtime needs a pool of its own.
    pub async fn connect_sized(url: &str, connections: Option<u32>) -> Result<Db, StoreError> {
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl);
        };
        let sqlite_file = match backend {
            Backend::Sqlite => {
                let o = SqliteConnectOptions::from_str(url)
                    .map_err(|e| DbErr::Conn(RuntimeErr::SqlxError(e.into())))?;
                let file = o.get_filename().to_path_buf();
                // The report writer opens the file a second time: a private in-memory database
                // would be a different one.
                if file.as_os_str() == ":memory:" || url.contains("mode=memory") {
                    return Err(StoreError::UnsupportedUrl);
                }
                Some(file)
            }
            Backend::Postgres => None,
        };
        let options = |connections: u32, cache_kib: u32| {
            let mut opts = ConnectOptions::new(url.to_owned());
            opts.sqlx_logging(false)
                .connect_timeout(Duration::from_secs(10))
                .acquire_timeout(Duration::from_secs(30))
                .max_connections(connections);
            if backend == Backend::Sqlite {
                opts.map_sqlx_sqlite_opts(move |o| {
                    o.create_if_missing(true)
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Full)
                        .foreign_keys(true)
                        .busy_timeout(Duration::from_secs(10))
                        .pragma("cache_size", format!("-{cache_kib}"))
                        // Under a steady stream of writes the log grows past its checkpoint
                        // size; when it starts over it is cut back to 64 MiB.
                        .pragma("journal_size_limit", "67108864")
                });
            }
            opts
        };
        let conn = if backend == Backend::Sqlite {
            Database::connect(options(connections.unwrap_or(4), 8 * 1024)).await?
        } else {
            Database::connect(options(connections.unwrap_or(16), 0)).await?
        };
        Ok(Db {
            conn,
            backend,
            sqlite_file,
        })
    }

    /// Applies pending migrations; running it again changes nothing.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        Migrator::up(&self.conn, None).await?;
        Ok(())
    }

    /// Tidies up after a bulk load (the demo's year of cases). SQLite: the write-ahead log is
    /// copied into the database and cut back, so the first readers do not wade through a
    /// log of a million rows. PostgreSQL: `VACUUM ANALYZE` marks the new pages all-visible, so
    /// indicator panels are answered from their indexes alone, and gathers the planner's
    /// statistics.
    pub async fn settle_after_bulk_load(&self) -> Result<(), StoreError> {
        let sql = match self.backend {
            Backend::Sqlite => "PRAGMA wal_checkpoint(TRUNCATE)",
            Backend::Postgres => "VACUUM ANALYZE",
        };
        self.conn.execute_unprepared(sql).await?;
        Ok(())
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.conn.ping().await?;
        Ok(())
    }

    /// Begins a transaction that holds SQLite's write lock from its first statement (`BEGIN
    /// IMMEDIATE`), for writers that must not be overtaken between a read and their writes; an
    /// ordinary transaction on PostgreSQL.
    pub async fn begin_write(&self) -> Result<DatabaseTransaction, StoreError> {
        Ok(self
            .conn
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await?)
    }

    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The SQLite file (none on PostgreSQL).
    pub fn sqlite_file(&self) -> Option<&Path> {
        self.sqlite_file.as_deref()
    }
}
