//! The audit log: append-only, one hash chain per district.
//!
//! Each row's hash is SHA-256 over the previous row's hash and the row's own fields in a fixed
//! order, and sequence numbers have no gaps, so editing any stored field, deleting a row, or
//! cutting off the tail breaks the chain at a row `verify` can name.

use crate::StoreError;
use crate::direct::DirectSqlite;
use crate::entity::{audit_head, audit_log};
use chrono::{DateTime, Timelike, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, InsertStatement, OnConflict, Query, UpdateStatement};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};
use sha2::{Digest, Sha256};

/// The hash before the first row of a chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Clone, Debug, PartialEq)]
pub struct NewEntry {
    pub district_code: String,
    pub region_code: Option<String>,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_name: String,
    pub actor_roles: String,
    pub ip: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    pub detail: String,
}

/// Databases keep microseconds; hash what is stored.
fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_nanosecond(t.nanosecond() / 1000 * 1000).unwrap_or(t)
}

/// The chain hash of a row.
pub fn row_hash(prev: &str, seq: i64, e: &NewEntry) -> String {
    let mut h = Sha256::new();
    let fields: [&str; 13] = [
        prev,
        &seq.to_string(),
        &e.district_code,
        &micros(e.at).format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        &e.actor_user_id.map(|i| i.to_string()).unwrap_or_default(),
        &e.actor_name,
        &e.actor_roles,
        e.ip.as_deref().unwrap_or(""),
        &e.action,
        &e.entity_type,
        &e.entity_id,
        &format!(
            "{}|{}",
            e.before_digest.as_deref().unwrap_or(""),
            e.after_digest.as_deref().unwrap_or("")
        ),
        &e.detail,
    ];
    // Rows written before regions were recorded have none; hashing the region only when
    // present keeps their hashes valid.
    for f in fields.into_iter().chain(e.region_code.as_deref()) {
        h.update((f.len() as u64).to_le_bytes());
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

/// SHA-256 of a value's canonical JSON, for before/after digests.
pub fn digest(v: &serde_json::Value) -> String {
    hex::encode(Sha256::digest(v.to_string().as_bytes()))
}

/// Appends one entry in the caller's transaction (so the record and the change commit
/// together); returns its sequence number.
pub async fn append(conn: &impl ConnectionTrait, e: NewEntry) -> Result<i64, StoreError> {
    append_many(conn, vec![e]).await
}

/// Appends entries in the caller's transaction, in order, each chained to the one before;
/// returns the last sequence number. Bumping the head's sequence first serialises concurrent
/// appenders; a batch touches the head twice per district however many entries it has.
pub async fn append_many(conn: &impl ConnectionTrait, entries: Vec<NewEntry>) -> Result<i64, StoreError> {
    let mut last = 0;
    for (district, es) in by_district(entries) {
        let n = es.len() as i64;
        let head = match bump_head(conn, &district, n).await? {
            Some(h) => h,
            None => {
                // The district's first entry: create its head, then bump it like any other.
                conn.execute(&create_head(&district)).await?;
                bump_head(conn, &district, n).await?.ok_or(StoreError::Conflict)?
            }
        };
        last = head.seq;
        let (mut rows, hash) = chained(head, es);
        // 16 values a row: 500 rows stay far below every backend's limit on bound values.
        while !rows.is_empty() {
            let rest = rows.split_off(rows.len().min(500));
            audit_log::Entity::insert_many(rows)
                .exec_without_returning(conn)
                .await?;
            rows = rest;
        }
        conn.execute(&set_last_hash(&district, hash)).await?;
    }
    Ok(last)
}

/// [`append_many`] on the report writer's own SQLite connection, inside its transaction.
pub fn append_many_direct(db: &DirectSqlite, entries: Vec<NewEntry>) -> Result<(), StoreError> {
    let sqlite = sea_orm::DbBackend::Sqlite;
    let bump = |district: &str, n: i64| {
        let mut q = bump_statement(district, n);
        q.returning(Query::returning().columns([audit_head::Column::Seq, audit_head::Column::LastHash]));
        db.query(&sqlite.build(&q), |r| {
            Ok(audit_head::Model {
                district_code: district.to_owned(),
                seq: r.get(0)?,
                last_hash: r.get(1)?,
            })
        })
        .map(|rows| rows.into_iter().next())
    };
    for (district, es) in by_district(entries) {
        let n = es.len() as i64;
        let head = match bump(&district, n)? {
            Some(h) => h,
            None => {
                db.execute(&sqlite.build(&create_head(&district)))?;
                bump(&district, n)?.ok_or(StoreError::Conflict)?
            }
        };
        let (rows, hash) = chained(head, es);
        for row in rows {
            db.execute(&audit_log::Entity::insert(row).build(sqlite))?;
        }
        db.execute(&sqlite.build(&set_last_hash(&district, hash)))?;
    }
    Ok(())
}

/// Entries grouped by district in the order the districts first appear, with their times cut
/// to what the databases keep.
fn by_district(entries: Vec<NewEntry>) -> Vec<(String, Vec<NewEntry>)> {
    let mut out: Vec<(String, Vec<NewEntry>)> = Vec::new();
    for mut e in entries {
        e.at = micros(e.at);
        match out.iter_mut().find(|(d, _)| *d == e.district_code) {
            Some((_, es)) => es.push(e),
            None => out.push((e.district_code.clone(), vec![e])),
        }
    }
    out
}

/// The rows of one district's entries, numbered up to the claimed `head` and each chained to
/// the one before; and the last hash, for the head.
fn chained(head: audit_head::Model, es: Vec<NewEntry>) -> (Vec<audit_log::ActiveModel>, String) {
    let mut prev = head.last_hash;
    let first = head.seq - es.len() as i64 + 1;
    let rows = (first..)
        .zip(es)
        .map(|(seq, e)| {
            let hash = row_hash(&prev, seq, &e);
            audit_log::ActiveModel {
                district_code: Set(e.district_code),
                region_code: Set(e.region_code),
                seq: Set(seq),
                at: Set(e.at),
                actor_user_id: Set(e.actor_user_id),
                actor_name: Set(e.actor_name),
                actor_roles: Set(e.actor_roles),
                ip: Set(e.ip),
                action: Set(e.action),
                entity_type: Set(e.entity_type),
                entity_id: Set(e.entity_id),
                before_digest: Set(e.before_digest),
                after_digest: Set(e.after_digest),
                detail: Set(e.detail),
                prev_hash: Set(std::mem::replace(&mut prev, hash.clone())),
                hash: Set(hash),
                ..Default::default()
            }
        })
        .collect();
    (rows, prev)
}

/// A district's head before its first entry (nothing when it exists).
fn create_head(district: &str) -> InsertStatement {
    Query::insert()
        .into_table(audit_head::Entity)
        .columns([
            audit_head::Column::DistrictCode,
            audit_head::Column::Seq,
            audit_head::Column::LastHash,
        ])
        .values_panic([district.into(), 0i64.into(), GENESIS.into()])
        .on_conflict(
            OnConflict::column(audit_head::Column::DistrictCode)
                .do_nothing()
                .to_owned(),
        )
        .to_owned()
}

fn bump_statement(district: &str, n: i64) -> UpdateStatement {
    Query::update()
        .table(audit_head::Entity)
        .value(audit_head::Column::Seq, Expr::col(audit_head::Column::Seq).add(n))
        .and_where(audit_head::Column::DistrictCode.eq(district))
        .to_owned()
}

fn set_last_hash(district: &str, hash: String) -> UpdateStatement {
    Query::update()
        .table(audit_head::Entity)
        .value(audit_head::Column::LastHash, hash)
        .and_where(audit_head::Column::DistrictCode.eq(district))
        .to_owned()
}

/// Claims `n` sequence numbers of a district's chain and returns the head after the claim
/// (still with the previous last hash); none when the district has no head yet. The update
/// locks the head until the caller's transaction ends, which serialises appenders.
async fn bump_head(
    conn: &impl ConnectionTrait,
    district: &str,
    n: i64,
) -> Result<Option<audit_head::Model>, StoreError> {
    let mut q = bump_statement(district, n);
    q.returning_all();
    let row = conn.query_one(&q).await?;
    Ok(match row {
        Some(r) => Some(audit_head::Model::from_query_result(&r, "")?),
        None => None,
    })
}

/// The first broken row found by [`verify`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Break {
    pub district_code: String,
    /// The row id, when the break is at a stored row.
    pub id: Option<i64>,
    pub seq: i64,
    pub reason: String,
}

/// What [`verify`] checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerifyReport {
    pub rows: u64,
    pub districts: u64,
    pub first_break: Option<Break>,
}

fn entry_of(r: &audit_log::Model) -> NewEntry {
    NewEntry {
        district_code: r.district_code.clone(),
        region_code: r.region_code.clone(),
        at: r.at,
        actor_user_id: r.actor_user_id,
        actor_name: r.actor_name.clone(),
        actor_roles: r.actor_roles.clone(),
        ip: r.ip.clone(),
        action: r.action.clone(),
        entity_type: r.entity_type.clone(),
        entity_id: r.entity_id.clone(),
        before_digest: r.before_digest.clone(),
        after_digest: r.after_digest.clone(),
        detail: r.detail.clone(),
    }
}

/// Walks every chain in order and reports the first row that does not fit.
pub async fn verify(conn: &impl ConnectionTrait) -> Result<VerifyReport, StoreError> {
    let mut report = VerifyReport::default();
    let heads = audit_head::Entity::find()
        .order_by_asc(audit_head::Column::DistrictCode)
        .all(conn)
        .await?;
    for head in heads {
        report.districts += 1;
        let (mut prev, mut expected_seq, mut after) = (GENESIS.to_owned(), 1i64, 0i64);
        loop {
            let page = audit_log::Entity::find()
                .filter(audit_log::Column::DistrictCode.eq(head.district_code.as_str()))
                .filter(audit_log::Column::Seq.gt(after))
                .order_by_asc(audit_log::Column::Seq)
                .limit(1000)
                .all(conn)
                .await?;
            if page.is_empty() {
                break;
            }
            for r in &page {
                report.rows += 1;
                let brk = |reason: String| Break {
                    district_code: r.district_code.clone(),
                    id: Some(r.id),
                    seq: r.seq,
                    reason,
                };
                let problem = if r.seq != expected_seq {
                    Some(format!(
                        "sequence {} found where {expected_seq} was expected: rows are missing",
                        r.seq
                    ))
                } else if r.prev_hash != prev {
                    Some("its previous-hash does not match the row before it".to_owned())
                } else if row_hash(&prev, r.seq, &entry_of(r)) != r.hash {
                    Some("its content does not match its hash: the row was edited".to_owned())
                } else {
                    None
                };
                if let Some(reason) = problem {
                    report.first_break = Some(brk(reason));
                    return Ok(report);
                }
                prev = r.hash.clone();
                expected_seq += 1;
                after = r.seq;
            }
        }
        if expected_seq - 1 != head.seq || prev != head.last_hash {
            report.first_break = Some(Break {
                district_code: head.district_code.clone(),
                id: None,
                seq: expected_seq,
                reason: format!(
                    "the chain ends at {} but {} rows were written: the tail was removed",
                    expected_seq - 1,
                    head.seq
                ),
            });
            return Ok(report);
        }
    }
    Ok(report)
}

/// The condition of the index of the log by entity (see migration 13), repeated word for word
/// by the queries that are to use it.
pub const NOT_CASE: &str = "entity_type <> 'case'";

/// The newest `limit` rows about one entity that is not a case (a registry record), newest
/// first: its change history. Outside any reader's scope: the caller has checked that the
/// reader may see the record, and its history is part of it.
pub async fn history(
    conn: &impl ConnectionTrait,
    district: &str,
    entity_type: &str,
    entity_id: &str,
    limit: u64,
) -> Result<Vec<audit_log::Model>, StoreError> {
    Ok(audit_log::Entity::find()
        .filter(audit_log::Column::DistrictCode.eq(district))
        .filter(audit_log::Column::EntityType.eq(entity_type))
        .filter(audit_log::Column::EntityId.eq(entity_id))
        .filter(Expr::cust(NOT_CASE))
        .order_by_desc(audit_log::Column::Seq)
        .limit(limit)
        .all(conn)
        .await?)
}

/// What to look for in the log.
#[derive(Clone, Debug, Default)]
pub struct Filter<'a> {
    pub actor_user_id: Option<i64>,
    pub entity_type: Option<&'a str>,
    pub entity_id: Option<&'a str>,
    /// Actions starting with this (`user.` finds every account action).
    pub action_prefix: Option<&'a str>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// Audit rows of a district within the scope, newest first, with the total count. Rows
/// without a region (district-wide things such as roles) need the district-wide scope.
pub async fn search(
    conn: &impl ConnectionTrait,
    district: &str,
    scope: &gridgov_domain::access::Scope,
    f: &Filter<'_>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<audit_log::Model>, u64), StoreError> {
    use sea_orm::PaginatorTrait;
    let mut q = audit_log::Entity::find()
        .filter(audit_log::Column::DistrictCode.eq(district))
        .filter(crate::scope::region_condition(
            scope,
            audit_log::Column::RegionCode,
        ));
    if let Some(a) = f.actor_user_id {
        q = q.filter(audit_log::Column::ActorUserId.eq(a));
    }
    if let Some(t) = f.entity_type {
        q = q.filter(audit_log::Column::EntityType.eq(t));
    }
    if let Some(id) = f.entity_id {
        q = q.filter(audit_log::Column::EntityId.eq(id));
    }
    if let Some(p) = f.action_prefix {
        // A prefix, literally: `_` and `%` are LIKE wildcards, and actions have underscores
        // (`user.password_reset`, `category.create_group`), so they are escaped, not dropped.
        let literal = p.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        q = q.filter(
            audit_log::Column::Action
                .like(sea_orm::sea_query::LikeExpr::new(format!("{literal}%")).escape('\\')),
        );
    }
    if let Some(t) = f.from {
        q = q.filter(audit_log::Column::At.gte(t));
    }
    if let Some(t) = f.until {
        q = q.filter(audit_log::Column::At.lt(t));
    }
    let total = q.clone().count(conn).await?;
    let rows = q
        .order_by_desc(audit_log::Column::Seq)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok((rows, total))
}
