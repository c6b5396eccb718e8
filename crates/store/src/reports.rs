//! New reports, written a batch at a time (group commit, see `app::cases::intake`): for each
//! report the open cases nearby that it may duplicate, then the cases (a reused idempotency key
//! is skipped, not an error), their first timeline entries and their audit records, all in one
//! transaction. On SQLite the batch runs on the writer's own connection ([`DirectSqlite`]); on
//! PostgreSQL in a pooled transaction. Both build the same statements from the entities.

use crate::audit::{self, NewEntry};
use crate::direct::{DirectSqlite, parse_time};
use crate::entity::{case, case_event};
use crate::{Db, StoreError};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ColumnTrait, DbBackend, EntityTrait, FromQueryResult, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select,
};

/// A report ready to be stored; the event and audit record get the case's id when it has one.
#[derive(Clone, Debug)]
pub struct Draft {
    pub case: case::Model,
    pub event: case_event::Model,
    pub audit: NewEntry,
    /// Where to look for duplicates; none for reporters who are not shown them.
    pub nearby: Option<NearbyQuery>,
}

/// Open cases of the report's category inside a box around it, reported since a time.
#[derive(Clone, Debug)]
pub struct NearbyQuery {
    /// min lon, min lat, max lon, max lat.
    pub bbox: [f64; 4],
    pub since: DateTime<Utc>,
}

/// An open case near a new report.
#[derive(Clone, Debug, PartialEq, FromQueryResult)]
pub struct Nearby {
    pub id: i64,
    pub description: String,
    pub lon: f64,
    pub lat: f64,
    pub reported_at: DateTime<Utc>,
}

/// What became of one report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stored {
    /// The new case's id; none when its reporter had already used the idempotency key.
    pub id: Option<i64>,
    /// Open cases nearby as committed before this batch, newest first (at most 20).
    pub nearby: Vec<Nearby>,
}

fn nearby_select(district: &str, category: i64, q: &NearbyQuery) -> Select<case::Entity> {
    use case::Column as C;
    // The newest 20 in the box are picked from the index alone; only they are read from the
    // table (where a busy grid has hundreds of open cases in the box, that is most of the work).
    let newest = case::Entity::find()
        .select_only()
        .column(C::Id)
        .filter(C::DistrictCode.eq(district))
        .filter(C::CategoryId.eq(category))
        .filter(C::ReportedAt.gte(q.since))
        .filter(C::Lon.between(q.bbox[0], q.bbox[2]))
        .filter(C::Lat.between(q.bbox[1], q.bbox[3]))
        .filter(crate::cases::open_cases())
        .order_by_desc(C::Id)
        .limit(20)
        .into_query();
    case::Entity::find()
        .select_only()
        .columns([C::Id, C::Description, C::Lon, C::Lat, C::ReportedAt])
        .filter(C::Id.in_subquery(newest))
        .order_by_desc(C::Id)
}

/// The insert of a case that does nothing when its reporter already used its key.
fn insert_case(c: case::Model) -> sea_orm::Insert<case::ActiveModel> {
    case::Entity::insert(c.with_sla_next().into_active_model()).on_conflict(
        OnConflict::columns([case::Column::ReporterUserId, case::Column::IdempotencyKey])
            .do_nothing()
            .to_owned(),
    )
}

/// The first timeline entry and audit record of a stored case.
fn follow_ups(r: &Draft, id: i64) -> (case_event::Model, NewEntry) {
    let event = case_event::Model {
        case_id: id,
        ..r.event.clone()
    };
    let audit = NewEntry {
        entity_id: id.to_string(),
        ..r.audit.clone()
    };
    (event, audit)
}

/// Writes a batch on the report writer's SQLite connection; nothing is written if it fails.
pub fn write_direct(db: &DirectSqlite, reports: &[&Draft]) -> Result<Vec<Stored>, StoreError> {
    // Immediate: the write lock from the start, so the ids taken after the largest stay ours.
    db.begin_immediate()?;
    let done = write_direct_in(db, reports).and_then(|stored| db.commit().map(|()| stored));
    if done.is_err() {
        db.rollback();
    }
    done
}

fn write_direct_in(db: &DirectSqlite, reports: &[&Draft]) -> Result<Vec<Stored>, StoreError> {
    let sqlite = DbBackend::Sqlite;
    let mut stored = Vec::with_capacity(reports.len());
    for r in reports {
        let nearby = match &r.nearby {
            None => Vec::new(),
            Some(q) => db.query(
                &nearby_select(&r.case.district_code, r.case.category_id, q).build(sqlite),
                |row| {
                    Ok(Nearby {
                        id: row.get(0)?,
                        description: row.get(1)?,
                        lon: row.get(2)?,
                        lat: row.get(3)?,
                        reported_at: parse_time(&row.get::<_, String>(4)?)?,
                    })
                },
            )?,
        };
        stored.push(Stored { id: None, nearby });
    }
    let max = Query::select()
        .expr(Expr::col(case::Column::Id).max())
        .from(case::Entity)
        .to_owned();
    let last = db
        .query(&sqlite.build(&max), |row| row.get::<_, Option<i64>>(0))?
        .into_iter()
        .next()
        .flatten()
        .unwrap_or(0);
    let mut audits = Vec::with_capacity(reports.len());
    for ((r, s), id) in reports.iter().zip(&mut stored).zip(last + 1..) {
        let insert = insert_case(case::Model { id, ..r.case.clone() });
        if db.execute(&insert.build(sqlite))? == 1 {
            s.id = Some(id);
            let (event, audit) = follow_ups(r, id);
            let mut event = event.into_active_model();
            event.id = sea_orm::ActiveValue::NotSet;
            db.execute(&case_event::Entity::insert(event).build(sqlite))?;
            audits.push(audit);
        }
    }
    audit::append_many_direct(db, audits)?;
    Ok(stored)
}

/// Writes a batch in one pooled transaction (PostgreSQL); nothing is written if it fails.
pub async fn write(db: &Db, reports: &[&Draft]) -> Result<Vec<Stored>, StoreError> {
    // The duplicate searches read what is committed; on the pool they run side by side.
    let searches = reports.iter().map(|r| async move {
        match &r.nearby {
            None => Ok(Vec::new()),
            Some(q) => {
                nearby_select(&r.case.district_code, r.case.category_id, q)
                    .into_model::<Nearby>()
                    .all(db.conn())
                    .await
            }
        }
    });
    let found = futures_util::future::try_join_all(searches).await?;
    let txn = db.begin_write().await?;
    let ids = crate::cases::reserve_case_ids(&txn, reports.len()).await?;
    let cases = reports
        .iter()
        .zip(&ids)
        .map(|(r, id)| case::Model {
            id: *id,
            ..r.case.clone()
        })
        .collect();
    let inserted = crate::cases::insert_cases_once(&txn, cases).await?;
    let (mut events, mut audits) = (Vec::new(), Vec::new());
    for (r, id) in reports.iter().zip(&ids).filter(|(_, id)| inserted.contains(id)) {
        let (event, audit) = follow_ups(r, *id);
        events.push(event);
        audits.push(audit);
    }
    crate::cases::append_events(&txn, events).await?;
    audit::append_many(&txn, audits).await?;
    txn.commit().await?;
    Ok(ids
        .into_iter()
        .zip(found)
        .map(|(id, nearby)| Stored {
            id: inserted.contains(&id).then_some(id),
            nearby,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// The writer's duplicate search (on its own connection, plans independent of values) picks
    /// from the small index of open cases alone, not the table or the whole history's index.
    #[tokio::test]
    async fn the_duplicate_search_reads_the_open_near_index() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.db");
        let db = Db::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        db.migrate().await.unwrap();
        let direct = DirectSqlite::open(&path, 1024).unwrap();
        let q = NearbyQuery {
            bbox: [117.0, 36.6, 117.1, 36.7],
            since: Utc::now(),
        };
        let st = nearby_select("370105", 7, &q).build(DbBackend::Sqlite);
        let plan = sea_orm::Statement {
            sql: format!("EXPLAIN QUERY PLAN {}", st.sql),
            ..st
        };
        let details = direct.query(&plan, |row| row.get::<_, String>(3)).unwrap();
        assert!(
            details
                .iter()
                .any(|d| d.contains("USING COVERING INDEX idx_case_open_near ")),
            "{details:?}"
        );
    }
}
