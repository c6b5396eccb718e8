//! A synchronous SQLite connection for the one write path that must be fast: new reports.
//!
//! sqlx runs each SQLite connection on a worker thread of its own and every statement is a
//! round trip to it; on a busy two-core server each of those waits for the worker to be
//! scheduled, and a batch of reports took eight of them. The report writer already has a
//! thread of its own, so on SQLite it owns this connection and runs its statements in place.
//! Statements are still built by sea-query from the entities (one definition of every column)
//! and bound with the same encodings sqlx uses, so what it writes is read back like any row.

use crate::StoreError;
use sea_orm::sea_query::Value;
use sea_orm::{DbErr, Statement};
use std::path::Path;
use std::time::Duration;

/// One connection to the SQLite file, with the same settings as the pool's.
pub struct DirectSqlite {
    conn: rusqlite::Connection,
}

impl std::fmt::Debug for DirectSqlite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectSqlite").finish_non_exhaustive()
    }
}

fn err(e: rusqlite::Error) -> StoreError {
    StoreError::Db(DbErr::Custom(format!("sqlite: {e}")))
}

impl DirectSqlite {
    /// Opens the file with WAL, `synchronous=FULL`, foreign keys, the busy timeout and a page
    /// cache of `cache_kib`: the pragmas of [`crate::Db::connect`].
    pub fn open(path: &Path, cache_kib: u32) -> Result<DirectSqlite, StoreError> {
        let conn = rusqlite::Connection::open(path).map_err(err)?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(err)?;
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
             PRAGMA cache_size = -{cache_kib}; PRAGMA journal_size_limit = 67108864;"
        ))
        .map_err(err)?;
        // Plans that do not depend on bound values: otherwise SQLite may plan a statement anew
        // for every new set of values (it did, for the duplicate search), and the point of
        // keeping prepared statements is lost.
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
            .map_err(err)?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(DirectSqlite { conn })
    }

    /// Starts a transaction that holds the write lock from the start.
    pub fn begin_immediate(&self) -> Result<(), StoreError> {
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(err)
    }

    pub fn commit(&self) -> Result<(), StoreError> {
        self.conn.execute_batch("COMMIT").map_err(err)
    }

    /// Rolls back whatever is open; nothing to do when no transaction is.
    pub fn rollback(&self) {
        if !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }

    /// Runs a statement; returns the number of rows it changed.
    pub fn execute(&self, st: &Statement) -> Result<usize, StoreError> {
        let mut stmt = self.conn.prepare_cached(&st.sql).map_err(err)?;
        bind(&mut stmt, st)?;
        stmt.raw_execute().map_err(err)
    }

    /// Runs a query and maps each row.
    pub fn query<T>(
        &self,
        st: &Statement,
        mut f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&st.sql).map_err(err)?;
        bind(&mut stmt, st)?;
        let mut rows = stmt.raw_query();
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(err)? {
            out.push(f(row).map_err(err)?);
        }
        Ok(out)
    }
}

fn bind(stmt: &mut rusqlite::CachedStatement<'_>, st: &Statement) -> Result<(), StoreError> {
    let Some(values) = &st.values else {
        return Ok(());
    };
    for (i, v) in values.0.iter().enumerate() {
        stmt.raw_bind_parameter(i + 1, to_sql(v)?).map_err(err)?;
    }
    Ok(())
}

/// A sea-query value as SQLite stores it when sqlx binds it: booleans as integers, times as
/// RFC 3339 text (`DateTime<Utc>` with as many fraction digits as needed), JSON as text. Times
/// compare as text in SQLite, so they must be written exactly as the pool writes them.
fn to_sql(v: &Value) -> Result<rusqlite::types::Value, StoreError> {
    use rusqlite::types::Value as V;
    fn or_null<T>(o: &Option<T>, f: impl FnOnce(&T) -> V) -> V {
        o.as_ref().map(f).unwrap_or(V::Null)
    }
    Ok(match v {
        Value::Bool(b) => or_null(b, |b| V::Integer(i64::from(*b))),
        Value::TinyInt(i) => or_null(i, |i| V::Integer(i64::from(*i))),
        Value::SmallInt(i) => or_null(i, |i| V::Integer(i64::from(*i))),
        Value::Int(i) => or_null(i, |i| V::Integer(i64::from(*i))),
        Value::BigInt(i) => or_null(i, |i| V::Integer(*i)),
        Value::TinyUnsigned(i) => or_null(i, |i| V::Integer(i64::from(*i))),
        Value::SmallUnsigned(i) => or_null(i, |i| V::Integer(i64::from(*i))),
        Value::Unsigned(i) => or_null(i, |i| V::Integer(i64::from(*i))),
        // LIMIT and OFFSET.
        Value::BigUnsigned(Some(i)) => V::Integer(
            i64::try_from(*i)
                .map_err(|_| StoreError::Db(DbErr::Custom(format!("{i} is too large for SQLite"))))?,
        ),
        Value::BigUnsigned(None) => V::Null,
        Value::Float(f) => or_null(f, |f| V::Real(f64::from(*f))),
        Value::Double(f) => or_null(f, |f| V::Real(*f)),
        Value::String(s) => or_null(s, |s| V::Text(s.clone())),
        Value::Char(c) => or_null(c, |c| V::Text(c.to_string())),
        Value::Bytes(b) => or_null(b, |b| V::Blob(b.clone())),
        Value::Json(j) => or_null(j, |j| V::Text(j.to_string())),
        Value::ChronoDateTimeUtc(t) => or_null(t, |t| V::Text(time_text(t))),
        other => {
            return Err(StoreError::Db(DbErr::Custom(format!(
                "the direct SQLite connection cannot bind {other:?}"
            ))));
        }
    })
}

/// A time as sqlx writes it to SQLite.
fn time_text(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

/// A statement for SQLite whose values are going to be written into its text (generated rows,
/// see `cases::insert_history`) with its times as sqlx binds them: sea-query would write
/// `2026-11-29 21:27:19.278909 +00:00`, which SQLite compares as text with sqlx's
/// `2026-11-29T21:27:19.278909+00:00` and gets wrong within a day.
pub fn with_sqlx_times(mut st: Statement) -> Statement {
    if let Some(values) = &mut st.values {
        for v in &mut values.0 {
            if let Value::ChronoDateTimeUtc(Some(t)) = v {
                *v = Value::String(Some(time_text(t)));
            }
        }
    }
    st
}

/// Reads a time written by [`to_sql`] or by the pool.
pub fn parse_time(s: &str) -> rusqlite::Result<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(s)
        .or_else(|_| chrono::DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f %:z"))
        .map(|t| t.to_utc())
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn times_are_written_like_sqlx_writes_them() {
        let t = Utc.with_ymd_and_hms(2026, 11, 29, 21, 27, 19).unwrap();
        let t = t + chrono::Duration::nanoseconds(278_909_684);
        let v = to_sql(&Value::ChronoDateTimeUtc(Some(t))).unwrap();
        assert_eq!(
            v,
            rusqlite::types::Value::Text("2026-11-29T21:27:19.278909684+00:00".into())
        );
        assert_eq!(parse_time("2026-11-29T21:27:19.278909684+00:00").unwrap(), t);
        // What sea-query's literal rendering wrote before (the demo history of earlier builds).
        let old = parse_time("2026-11-29 21:27:19.278909 +00:00").unwrap();
        assert_eq!(old, t - chrono::Duration::nanoseconds(684));
        assert_eq!(
            to_sql(&Value::Bool(Some(true))).unwrap(),
            rusqlite::types::Value::Integer(1)
        );
        assert_eq!(
            to_sql(&Value::String(None)).unwrap(),
            rusqlite::types::Value::Null
        );
    }

    #[test]
    fn generated_rows_carry_their_times_as_sqlx_writes_them() {
        use crate::entity::calendar_day;
        use sea_orm::sea_query::Query;
        use sea_orm::{DbBackend, EntityName};
        let t =
            Utc.with_ymd_and_hms(2026, 11, 29, 21, 27, 19).unwrap() + chrono::Duration::microseconds(278_909);
        let q = Query::insert()
            .into_table(calendar_day::Entity.table_ref())
            .columns([calendar_day::Column::Note])
            .values_panic([t.into()])
            .to_owned();
        let st = DbBackend::Sqlite.build(&q);
        assert!(
            st.to_string().contains("'2026-11-29 21:27:19.278909 +00:00'"),
            "{st}"
        );
        let st = with_sqlx_times(st).to_string();
        assert!(st.contains("'2026-11-29T21:27:19.278909+00:00'"), "{st}");
    }
}
