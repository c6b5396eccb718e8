//! The registry's households (户): insert, read, list within a scope, edit with a version; their
//! members (people naming the household) and the lock that keeps a household to one head.

use crate::StoreError;
use crate::entity::{household, person};
use crate::rows::{Located, page, update_versioned};
use gridgov_domain::RegionCode;
use gridgov_domain::access::Scope;
use gridgov_domain::registry::{Kind, Relation};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder,
};

use household::Column as C;

const LOCATED: Located<C> = Located {
    district: C::DistrictCode,
    street: C::StreetCode,
    region: C::RegionCode,
};

/// Stores a new household; returns its id. A household number the district has already is
/// [`StoreError::Duplicate`].
pub async fn insert(conn: &impl ConnectionTrait, h: household::Model) -> Result<i64, StoreError> {
    let mut am = h.into_active_model();
    am.id = ActiveValue::NotSet;
    Ok(am.insert(conn).await.map_err(StoreError::classify)?.id)
}

pub async fn by_id(conn: &impl ConnectionTrait, id: i64) -> Result<Option<household::Model>, StoreError> {
    Ok(household::Entity::find_by_id(id).one(conn).await?)
}

/// The district's household recorded by the collection with this key.
pub async fn by_collect_key(
    conn: &impl ConnectionTrait,
    district: &str,
    key: &str,
) -> Result<Option<household::Model>, StoreError> {
    Ok(household::Entity::find()
        .filter(C::DistrictCode.eq(district))
        .filter(C::CollectKey.eq(key))
        .one(conn)
        .await?)
}

/// What a list asks for; every given part must match.
#[derive(Clone, Debug, Default)]
pub struct HouseholdFilter {
    /// Households in this region's subtree.
    pub region: Option<RegionCode>,
    pub house_id: Option<i64>,
    /// A whole household number.
    pub number: Option<String>,
}

/// Households within the scope matching the filter, newest first, with the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    district: &str,
    scope: &Scope,
    f: &HouseholdFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<household::Model>, u64), StoreError> {
    let mut q = household::Entity::find().filter(LOCATED.within(district, scope, f.region.as_ref()));
    if let Some(h) = f.house_id {
        q = q.filter(C::HouseId.eq(h));
    }
    if let Some(n) = &f.number {
        q = q.filter(C::Number.eq(n.as_str()));
    }
    page(conn, q, C::Id, offset, limit).await
}

/// Writes a household's fields if the stored version is still `expected`; a household number
/// the district has already is [`StoreError::Duplicate`].
pub async fn update(
    conn: &impl ConnectionTrait,
    h: &household::Model,
    expected: i32,
) -> Result<(), StoreError> {
    let mut am = h.clone().into_active_model().reset_all();
    am.id = ActiveValue::NotSet;
    am.district_code = ActiveValue::NotSet;
    am.created_at = ActiveValue::NotSet;
    am.created_by = ActiveValue::NotSet;
    update_versioned(conn, am, C::Id, h.id, C::Version, expected).await
}

/// Takes the household's row lock for the rest of the transaction (a write that changes
/// nothing: PostgreSQL locks the row, SQLite the database), so that two writers naming a head
/// for it one after the other each see the other's head. Returns whether the household exists.
pub async fn lock(conn: &impl ConnectionTrait, id: i64) -> Result<bool, StoreError> {
    let res = household::Entity::update_many()
        .col_expr(C::Version, Expr::col(C::Version))
        .filter(C::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(res.rows_affected == 1)
}

/// How many people other than `except` are recorded as the household's head.
pub async fn heads_except(conn: &impl ConnectionTrait, id: i64, except: &[i64]) -> Result<u64, StoreError> {
    use person::Column as P;
    let mut q = person::Entity::find()
        .filter(P::HouseholdId.eq(id))
        .filter(P::Relation.eq(Relation::Head.code()));
    if !except.is_empty() {
        q = q.filter(P::Id.is_not_in(except.iter().copied()));
    }
    Ok(q.count(conn).await?)
}

/// How many members a household has within the scope, and its head's name.
#[derive(Clone, Debug, PartialEq, sea_orm::FromQueryResult)]
pub struct MemberSummary {
    pub household_id: i64,
    pub members: i64,
    pub head: Option<String>,
}

/// The member summaries of the given households (one query for a page of them; households
/// without members in the scope are left out).
pub async fn member_summaries(
    conn: &impl ConnectionTrait,
    ids: &[i64],
    scope: &Scope,
) -> Result<Vec<MemberSummary>, StoreError> {
    use person::Column as P;
    use sea_orm::QuerySelect;
    Ok(person::Entity::find()
        .select_only()
        .column(P::HouseholdId)
        .column_as(P::Id.count(), "members")
        .column_as(
            Expr::cust(format!(
                "MAX(CASE WHEN relation = '{}' THEN name END)",
                Relation::Head.code()
            )),
            "head",
        )
        .filter(P::HouseholdId.is_in(ids.iter().copied()))
        .filter(crate::scope::street_led_condition(
            scope,
            P::StreetCode,
            P::RegionCode,
        ))
        .group_by(P::HouseholdId)
        .into_model::<MemberSummary>()
        .all(conn)
        .await?)
}

/// The household's members within the scope, head first, then in the order they were recorded.
pub async fn members(
    conn: &impl ConnectionTrait,
    id: i64,
    scope: &Scope,
) -> Result<Vec<person::Model>, StoreError> {
    use person::Column as P;
    let mut rows = person::Entity::find()
        .filter(P::HouseholdId.eq(id))
        .filter(crate::scope::street_led_condition(
            scope,
            P::StreetCode,
            P::RegionCode,
        ))
        .order_by_asc(P::Id)
        .all(conn)
        .await?;
    rows.sort_by_key(|p| p.relation.as_deref() != Some(Relation::Head.code()));
    Ok(rows)
}
