//! What the registry's repositories (people, buildings, houses, households) share: rows located
//! in a grid and listed within a scope a page at a time, and updates checked against the version
//! the caller read.

use crate::StoreError;
use crate::scope::{in_subtree, street_led_condition};
use gridgov_domain::RegionCode;
use gridgov_domain::access::Scope;
use sea_orm::sea_query::{Condition, IntoColumnRef};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

/// The columns that place a row: its district, its street and its grid.
pub(crate) struct Located<C> {
    pub district: C,
    pub street: C,
    pub region: C,
}

impl<C: ColumnTrait + IntoColumnRef> Located<C> {
    /// Rows of the district within the scope, and within `region`'s subtree when given.
    pub(crate) fn within(&self, district: &str, scope: &Scope, region: Option<&RegionCode>) -> Condition {
        let mut c = Condition::all()
            .add(self.district.eq(district))
            .add(street_led_condition(scope, self.street, self.region));
        if let Some(r) = region {
            c = c.add(in_subtree(r, self.street, self.region));
        }
        c
    }
}

/// One page of a query, newest (highest `id`) first, with the total.
pub(crate) async fn page<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    q: Select<E>,
    id: E::Column,
    offset: u64,
    limit: u64,
) -> Result<(Vec<E::Model>, u64), StoreError>
where
    E::Model: Sync,
{
    let total = q.clone().count(conn).await?;
    let rows = q.order_by_desc(id).offset(offset).limit(limit).all(conn).await?;
    Ok((rows, total))
}

/// Writes the set fields of `am` to row `id` if its version is still `expected`
/// ([`StoreError::Conflict`] otherwise; [`StoreError::Duplicate`] on a unique key).
pub(crate) async fn update_versioned<E, A>(
    conn: &impl ConnectionTrait,
    am: A,
    id_col: E::Column,
    id: i64,
    version_col: E::Column,
    expected: i32,
) -> Result<(), StoreError>
where
    E: EntityTrait,
    A: ActiveModelTrait<Entity = E> + Send,
{
    let res = E::update_many()
        .set(am)
        .filter(id_col.eq(id))
        .filter(version_col.eq(expected))
        .exec(conn)
        .await
        .map_err(StoreError::classify)?;
    StoreError::one_row(res)
}
