//! The registry's people: insert, read, search within a scope. Values arrive sealed, indexed
//! and masked from `app::registry`; nothing here sees a plain ID or phone number.

use crate::StoreError;
use crate::entity::person;
use crate::rows::{Located, page, update_versioned};
use gridgov_domain::RegionCode;
use gridgov_domain::access::Scope;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect,
};

/// Stores a new person; returns the id. A second person with the same ID number in the
/// district is [`StoreError::Duplicate`].
pub async fn insert(conn: &impl ConnectionTrait, p: person::Model) -> Result<i64, StoreError> {
    let mut am = p.into_active_model();
    am.id = sea_orm::ActiveValue::NotSet;
    let saved = am.insert(conn).await.map_err(StoreError::classify)?;
    Ok(saved.id)
}

/// Stores new people in the caller's transaction; returns their ids in the order given. A
/// second person with an ID number already in the district is [`StoreError::Duplicate`] (and
/// the caller's transaction should be rolled back).
pub async fn insert_many(
    conn: &impl ConnectionTrait,
    people: Vec<person::Model>,
) -> Result<Vec<i64>, StoreError> {
    // 24 values a row: 400 rows stay far below every backend's limit on bound values.
    crate::rows::insert_all(conn, people, 400).await
}

/// The district's people with these blind indexes of ID numbers.
pub async fn by_id_number_indexes(
    conn: &impl ConnectionTrait,
    district: &str,
    indexes: &[String],
) -> Result<Vec<person::Model>, StoreError> {
    let mut out = Vec::new();
    for chunk in indexes.chunks(500) {
        out.extend(
            person::Entity::find()
                .filter(person::Column::DistrictCode.eq(district))
                .filter(person::Column::IdNumberIndex.is_in(chunk.iter().cloned()))
                .all(conn)
                .await?,
        );
    }
    Ok(out)
}

/// The people with these ids (an export's care members), in no order.
pub async fn by_ids(conn: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<person::Model>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        out.extend(
            person::Entity::find()
                .filter(person::Column::Id.is_in(chunk.iter().copied()))
                .all(conn)
                .await?,
        );
    }
    Ok(out)
}

pub async fn by_id(conn: &impl ConnectionTrait, id: i64) -> Result<Option<person::Model>, StoreError> {
    Ok(person::Entity::find_by_id(id).one(conn).await?)
}

/// What a search asks for; every given part must match.
#[derive(Clone, Debug, Default)]
pub struct PersonFilter {
    /// The start of the name.
    pub name_prefix: Option<String>,
    /// The blind index of an ID number (exact match).
    pub id_number_index: Option<String>,
    /// The blind index of a phone number (exact match).
    pub phone_index: Option<String>,
    pub kind: Option<String>,
    /// People in this region's subtree.
    pub region: Option<RegionCode>,
}

/// People within the scope matching the filter, newest first, with the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    district: &str,
    scope: &Scope,
    f: &PersonFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<person::Model>, u64), StoreError> {
    page(
        conn,
        matching(district, scope, f),
        person::Column::Id,
        offset,
        limit,
    )
    .await
}

/// The query of [`list`], before its order and page.
fn matching(district: &str, scope: &Scope, f: &PersonFilter) -> sea_orm::Select<person::Entity> {
    use person::Column as C;
    let located = Located {
        district: C::DistrictCode,
        street: C::StreetCode,
        region: C::RegionCode,
    };
    let mut q = person::Entity::find().filter(located.within(district, scope, f.region.as_ref()));
    if let Some(p) = f.name_prefix.as_deref().filter(|p| !p.is_empty()) {
        // A range on the name, not LIKE: the name index serves it, and % or _ typed into the
        // search box mean nothing special.
        q = q
            .filter(C::Name.gte(p))
            .filter(C::Name.lt(format!("{p}\u{10FFFF}")));
    }
    if let Some(i) = &f.id_number_index {
        q = q.filter(C::IdNumberIndex.eq(i.as_str()));
    }
    if let Some(i) = &f.phone_index {
        q = q.filter(C::PhoneIndex.eq(i.as_str()));
    }
    if let Some(k) = &f.kind {
        q = q.filter(C::Kind.eq(k.as_str()));
    }
    q
}

/// A person's sealed numbers, for re-sealing under a new key.
#[derive(Clone, Debug, PartialEq, sea_orm::FromQueryResult)]
pub struct Sealed {
    pub id: i64,
    pub district_code: String,
    pub id_number_sealed: Option<String>,
    pub phone_sealed: Option<String>,
}

/// The next `limit` people after `after_id` (in id order) that have a sealed number.
pub async fn sealed_after(
    conn: &impl ConnectionTrait,
    after_id: i64,
    limit: u64,
) -> Result<Vec<Sealed>, StoreError> {
    use person::Column as C;
    use sea_orm::sea_query::Condition;
    Ok(person::Entity::find()
        .select_only()
        .columns([C::Id, C::DistrictCode, C::IdNumberSealed, C::PhoneSealed])
        .filter(C::Id.gt(after_id))
        .filter(
            Condition::any()
                .add(C::IdNumberSealed.is_not_null())
                .add(C::PhoneSealed.is_not_null()),
        )
        .order_by_asc(C::Id)
        .limit(limit)
        .into_model::<Sealed>()
        .all(conn)
        .await?)
}

/// Replaces a person's sealed numbers, if they are still `old` (an edit meanwhile wins: its
/// values were sealed under the current key anyway). Returns whether the row was changed. The
/// version is left alone: the numbers mean the same.
pub async fn reseal(conn: &impl ConnectionTrait, old: &Sealed, new: &Sealed) -> Result<bool, StoreError> {
    use person::Column as C;
    use sea_orm::sea_query::Expr;
    let same = |col: C, v: &Option<String>| match v {
        Some(v) => col.eq(v.as_str()),
        None => col.is_null(),
    };
    let res = person::Entity::update_many()
        .col_expr(C::IdNumberSealed, Expr::value(new.id_number_sealed.clone()))
        .col_expr(C::PhoneSealed, Expr::value(new.phone_sealed.clone()))
        .filter(C::Id.eq(old.id))
        .filter(same(C::IdNumberSealed, &old.id_number_sealed))
        .filter(same(C::PhoneSealed, &old.phone_sealed))
        .exec(conn)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Stores generated people (the demo) a few hundred rows a statement, as literal multi-row
/// INSERTs like the demo's case history: no user input, and far cheaper than binding millions
/// of values one at a time.
pub async fn insert_generated(
    conn: &impl ConnectionTrait,
    people: &[person::Model],
) -> Result<(), StoreError> {
    use sea_orm::QueryTrait;
    let backend = conn.get_database_backend();
    for chunk in people.chunks(500) {
        let rows = chunk.iter().map(|p| {
            let mut am = p.clone().into_active_model();
            am.id = sea_orm::ActiveValue::NotSet;
            am
        });
        let st = person::Entity::insert_many(rows).build(backend);
        let sql = match backend {
            sea_orm::DatabaseBackend::Sqlite => crate::direct::with_sqlx_times(st).to_string(),
            _ => st.to_string(),
        };
        conn.execute_unprepared(&sql).await?;
    }
    Ok(())
}

/// Writes a person's fields if the stored version is still `expected` ([`StoreError::Conflict`]
/// otherwise); a second person with the same ID number is [`StoreError::Duplicate`].
pub async fn update(conn: &impl ConnectionTrait, p: &person::Model, expected: i32) -> Result<(), StoreError> {
    let mut am = p.clone().into_active_model().reset_all();
    am.id = sea_orm::ActiveValue::NotSet;
    am.created_at = sea_orm::ActiveValue::NotSet;
    am.created_by = sea_orm::ActiveValue::NotSet;
    am.district_code = sea_orm::ActiveValue::NotSet;
    update_versioned(
        conn,
        am,
        person::Column::Id,
        p.id,
        person::Column::Version,
        expected,
    )
    .await
}

/// A person's id, place and birth date: what the demo needs to put people in care groups.
#[derive(Clone, Debug, PartialEq, sea_orm::FromQueryResult)]
pub struct PersonPlace {
    pub id: i64,
    pub street_code: String,
    pub community_code: String,
    pub region_code: String,
    pub birth_date: Option<chrono::NaiveDate>,
}

/// Every `step`-th person of a district (those whose id is a multiple of `step`), in id order.
pub async fn every_nth(
    conn: &impl ConnectionTrait,
    district: &str,
    step: i64,
) -> Result<Vec<PersonPlace>, StoreError> {
    use person::Column as C;
    use sea_orm::sea_query::{Expr, ExprTrait};
    Ok(person::Entity::find()
        .select_only()
        .columns([
            C::Id,
            C::StreetCode,
            C::CommunityCode,
            C::RegionCode,
            C::BirthDate,
        ])
        .filter(C::DistrictCode.eq(district))
        .filter(Expr::col(C::Id).modulo(Ord::max(step, 1)).eq(0))
        .order_by_asc(C::Id)
        .into_model::<PersonPlace>()
        .all(conn)
        .await?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::Db;
    use sea_orm::{DbBackend, QueryTrait};

    /// A street's list reads its people in id order, its phone search the phone's blind index
    /// and its name search the name index, not every person of the street from the counting
    /// index (SQLite plans these without statistics, with the values bound as the server binds
    /// them).
    #[tokio::test]
    async fn a_streets_list_and_searches_read_narrow_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("plan.db").display());
        Db::connect(&url).await.unwrap().migrate().await.unwrap();
        // A connection of its own: EXPLAIN opens no transaction, so a pooled connection that
        // read the schema before the migrations would plan on indexes they dropped.
        let db = Db::connect(&url).await.unwrap();
        let scope = Scope {
            subtrees: vec![RegionCode::parse("370105001000").unwrap()],
            ..Default::default()
        };
        let cases = [
            (PersonFilter::default(), "INDEX idx_person_street_id "),
            (
                PersonFilter {
                    phone_index: Some("0".repeat(32)),
                    ..Default::default()
                },
                "INDEX idx_person_phone_scope ",
            ),
            (
                PersonFilter {
                    name_prefix: Some("王建".into()),
                    ..Default::default()
                },
                "INDEX idx_person_name ",
            ),
        ];
        for (f, index) in cases {
            let st = matching("370105000000", &scope, &f)
                .order_by_desc(person::Column::Id)
                .limit(20)
                .build(DbBackend::Sqlite);
            let plan = sea_orm::Statement {
                sql: format!("EXPLAIN QUERY PLAN {}", st.sql),
                ..st
            };
            let rows = db.conn().query_all_raw(plan).await.unwrap();
            let plan: Vec<String> = rows
                .iter()
                .map(|r| r.try_get_by_index::<String>(3).unwrap())
                .collect();
            assert!(plan.iter().any(|d| d.contains(index)), "{f:?}: {plan:?}");
        }
        let old = db
            .conn()
            .query_all_raw(sea_orm::Statement::from_string(
                DbBackend::Sqlite,
                "SELECT name FROM sqlite_master WHERE name IN ('idx_person_phone', 'idx_person_counts')",
            ))
            .await
            .unwrap();
        assert!(
            old.is_empty(),
            "the narrower phone index is replaced, not kept beside"
        );
    }
}
