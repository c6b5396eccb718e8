//! Opening the database: URL → backend, SQLite pragmas, migrations.

use crate::migration::Migrator;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};
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
    /// On SQLite, one connection of its own for [`Db::begin_write`]: nothing else writes through
    /// it, so its page cache stays valid from one batch to the next (SQLite drops a connection's
    /// cache whenever another connection has written). On PostgreSQL, the pool.
    writer: DatabaseConnection,
    backend: Backend,
}

impl Db {
    /// Connects. For SQLite: creates the file, WAL journal, `foreign_keys=ON`, a busy timeout so
    /// that concurrent writers wait instead of failing, and `synchronous=FULL`: a commit returns
    /// only once it is on disk, so nothing acknowledged is lost to a power cut (group commit
    /// keeps that affordable, see `app::cases::intake`).
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl);
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
        let (conn, writer) = if backend == Backend::Sqlite {
            let conn = Database::connect(options(4, 8 * 1024)).await?;
            (conn, Database::connect(options(1, 64 * 1024)).await?)
        } else {
            let conn = Database::connect(options(16, 0)).await?;
            (conn.clone(), conn)
        };
        Ok(Db {
            conn,
            writer,
            backend,
        })
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

    /// Begins a transaction that holds SQLite's write lock from its first statement (`BEGIN
    /// IMMEDIATE`), for writers that must not be overtaken between a read and their writes; an
    /// ordinary transaction on PostgreSQL.
    pub async fn begin_write(&self) -> Result<DatabaseTransaction, StoreError> {
        Ok(self
            .writer
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
}
