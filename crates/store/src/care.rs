//! The registry's care groups: memberships (a person in a group, with the due day of the next
//! visit) and their visits. A membership carries its person's location, so "overdue in my
//! area" is a range of one index (street, due day); see migration 14.

use crate::StoreError;
use crate::entity::{care_membership, care_visit, person};
use crate::rows::{Located, update_versioned};
use chrono::NaiveDate;
use gridgov_domain::RegionCode;
use gridgov_domain::access::Scope;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Order,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

use care_membership::Column as C;

const LOCATED: Located<C> = Located {
    district: C::DistrictCode,
    street: C::StreetCode,
    region: C::RegionCode,
};

/// Stores a new membership; returns its id. The person in the group already is
/// [`StoreError::Duplicate`].
pub async fn insert(conn: &impl ConnectionTrait, m: care_membership::Model) -> Result<i64, StoreError> {
    let mut am = m.into_active_model();
    am.id = ActiveValue::NotSet;
    Ok(am.insert(conn).await.map_err(StoreError::classify)?.id)
}

pub async fn by_id(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<care_membership::Model>, StoreError> {
    Ok(care_membership::Entity::find_by_id(id).one(conn).await?)
}

/// Takes the membership's row lock for the rest of the transaction (a write that changes
/// nothing: PostgreSQL locks the row, SQLite the database) and reads it: two visits, or a visit
/// and an edit, then each see the other's last visit before computing the due day.
pub async fn lock(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<care_membership::Model>, StoreError> {
    care_membership::Entity::update_many()
        .col_expr(C::Version, Expr::col(C::Version))
        .filter(C::Id.eq(id))
        .exec(conn)
        .await?;
    by_id(conn, id).await
}

/// What a list asks for; every given part must match.
#[derive(Clone, Debug, Default)]
pub struct CareFilter {
    /// Memberships in this region's subtree.
    pub region: Option<RegionCode>,
    /// A `CareGroup` code.
    pub group: Option<String>,
    pub person_id: Option<i64>,
    /// Some(true): only current memberships due before `today`; Some(false): only current ones
    /// due `today` or later.
    pub overdue: Option<bool>,
    /// Memberships that ended too (otherwise current ones only).
    pub include_ended: bool,
    pub today: Option<NaiveDate>,
}

/// Memberships within the scope matching the filter, the most urgent first (ended ones last),
/// with the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    district: &str,
    scope: &Scope,
    f: &CareFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<care_membership::Model>, u64), StoreError> {
    let mut q = care_membership::Entity::find().filter(LOCATED.within(district, scope, f.region.as_ref()));
    if let Some(g) = &f.group {
        q = q.filter(C::CareGroup.eq(g.as_str()));
    }
    if let Some(p) = f.person_id {
        q = q.filter(C::PersonId.eq(p));
    }
    match (f.overdue, f.today) {
        // A range of the due day: ended memberships have none, so they drop out.
        (Some(true), Some(today)) => q = q.filter(C::NextVisitDue.lt(today)),
        (Some(false), Some(today)) => q = q.filter(C::NextVisitDue.gte(today)),
        _ if !f.include_ended => q = q.filter(C::NextVisitDue.is_not_null()),
        _ => {}
    }
    let total = q.clone().count(conn).await?;
    let rows = q
        .order_by(Expr::col(C::NextVisitDue).is_null(), Order::Asc)
        .order_by_asc(C::NextVisitDue)
        .order_by_desc(C::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// Writes a membership's fields if the stored version is still `expected`. A visit writes
/// with the version it read under the lock, leaving it as it was: the version guards what an
/// operator edits.
pub async fn update(
    conn: &impl ConnectionTrait,
    m: &care_membership::Model,
    expected: i32,
) -> Result<(), StoreError> {
    let mut am = m.clone().into_active_model().reset_all();
    am.id = ActiveValue::NotSet;
    am.district_code = ActiveValue::NotSet;
    am.person_id = ActiveValue::NotSet;
    am.care_group = ActiveValue::NotSet;
    am.created_at = ActiveValue::NotSet;
    am.created_by = ActiveValue::NotSet;
    update_versioned(conn, am, C::Id, m.id, C::Version, expected).await
}

/// Gives a person's memberships the person's (new) location. Their versions stay: only where
/// the person was recorded changed.
pub async fn relocate(conn: &impl ConnectionTrait, p: &person::Model) -> Result<(), StoreError> {
    care_membership::Entity::update_many()
        .col_expr(C::StreetCode, Expr::value(p.street_code.clone()))
        .col_expr(C::CommunityCode, Expr::value(p.community_code.clone()))
        .col_expr(C::RegionCode, Expr::value(p.region_code.clone()))
        .filter(C::PersonId.eq(p.id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The names of these people, by id.
pub async fn person_names(
    conn: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, String>, StoreError> {
    let rows: Vec<(i64, String)> = person::Entity::find()
        .select_only()
        .columns([person::Column::Id, person::Column::Name])
        .filter(person::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Stores a visit; returns its id.
pub async fn insert_visit(conn: &impl ConnectionTrait, v: care_visit::Model) -> Result<i64, StoreError> {
    let mut am = v.into_active_model();
    am.id = ActiveValue::NotSet;
    Ok(am.insert(conn).await?.id)
}

/// A membership's visits, the latest first, with the total.
pub async fn visits(
    conn: &impl ConnectionTrait,
    membership_id: i64,
    offset: u64,
    limit: u64,
) -> Result<(Vec<care_visit::Model>, u64), StoreError> {
    use care_visit::Column as V;
    let q = care_visit::Entity::find().filter(V::MembershipId.eq(membership_id));
    let total = q.clone().count(conn).await?;
    let rows = q
        .order_by_desc(V::VisitedOn)
        .order_by_desc(V::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// The (person, group) pairs among these people's memberships, ended or not (a person joins a
/// group once): an import refuses their rows before it writes anything.
pub async fn memberships_of(
    conn: &impl ConnectionTrait,
    person_ids: &[i64],
) -> Result<Vec<(i64, String)>, StoreError> {
    let mut out = Vec::new();
    for chunk in person_ids.chunks(500) {
        let found: Vec<(i64, String)> = care_membership::Entity::find()
            .select_only()
            .columns([C::PersonId, C::CareGroup])
            .filter(C::PersonId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?;
        out.extend(found);
    }
    Ok(out)
}
