//! What the registry's repositories (people, buildings, houses, households) share: rows located
//! in a grid and listed within a scope a page at a time, and updates checked against the version
//! the caller read.

use crate::StoreError;
use crate::scope::{in_subtree, street_led_condition};
use gridgov_domain::RegionCode;
use gridgov_domain::access::Scope;
use sea_orm::sea_query::{Condition, IntoColumnRef};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    Iterable, ModelTrait, PaginatorTrait, PrimaryKeyToColumn, PrimaryKeyTrait, QueryFilter, QueryOrder,
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

/// Stores new rows in the caller's transaction, a few hundred a statement (`per_statement`
/// times the columns must stay below every backend's limit on bound values); returns their ids
/// in the order given. A unique key already taken is [`StoreError::Duplicate`].
pub async fn insert_all<M, A>(
    conn: &impl ConnectionTrait,
    rows: Vec<M>,
    per_statement: usize,
) -> Result<Vec<i64>, StoreError>
where
    M: ModelTrait + IntoActiveModel<A>,
    <M::Entity as EntityTrait>::Model: IntoActiveModel<A>,
    <M::Entity as EntityTrait>::PrimaryKey: PrimaryKeyTrait<ValueType = i64>,
    A: ActiveModelTrait<Entity = M::Entity> + ActiveModelBehavior + Send,
{
    let mut ids = Vec::with_capacity(rows.len());
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk = rows.by_ref().take(per_statement).map(|m| {
            let mut am = m.into_active_model();
            for pk in <M::Entity as EntityTrait>::PrimaryKey::iter() {
                am.not_set(pk.into_column());
            }
            am
        });
        let mut keys = M::Entity::insert_many(chunk)
            .exec_with_returning_keys(conn)
            .await
            .map_err(StoreError::classify)?;
        // One statement takes its ids in row order; RETURNING need not list them in that order.
        keys.sort_unstable();
        ids.extend(keys);
    }
    Ok(ids)
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
