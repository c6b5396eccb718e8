//! The registry's buildings (楼栋): insert, read, list within a scope, edit with a version.

use crate::StoreError;
use crate::entity::building;
use crate::rows::{Located, page, update_versioned};
use gridgov_domain::RegionCode;
use gridgov_domain::access::Scope;
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
};

use building::Column as C;

const LOCATED: Located<C> = Located {
    district: C::DistrictCode,
    street: C::StreetCode,
    region: C::RegionCode,
};

/// Stores a new building; returns its id.
pub async fn insert(conn: &impl ConnectionTrait, b: building::Model) -> Result<i64, StoreError> {
    let mut am = b.into_active_model();
    am.id = ActiveValue::NotSet;
    Ok(am.insert(conn).await.map_err(StoreError::classify)?.id)
}

pub async fn by_id(conn: &impl ConnectionTrait, id: i64) -> Result<Option<building::Model>, StoreError> {
    Ok(building::Entity::find_by_id(id).one(conn).await?)
}

/// What a list asks for; every given part must match.
#[derive(Clone, Debug, Default)]
pub struct BuildingFilter {
    /// The start of the name.
    pub name_prefix: Option<String>,
    /// Buildings in this region's subtree.
    pub region: Option<RegionCode>,
}

/// Buildings within the scope matching the filter, newest first, with the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    district: &str,
    scope: &Scope,
    f: &BuildingFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<building::Model>, u64), StoreError> {
    let mut q = building::Entity::find().filter(LOCATED.within(district, scope, f.region.as_ref()));
    if let Some(p) = f.name_prefix.as_deref().filter(|p| !p.is_empty()) {
        // A range, not LIKE, as for people's names.
        q = q
            .filter(C::Name.gte(p))
            .filter(C::Name.lt(format!("{p}\u{10FFFF}")));
    }
    page(conn, q, C::Id, offset, limit).await
}

/// Writes a building's fields if the stored version is still `expected`.
pub async fn update(
    conn: &impl ConnectionTrait,
    b: &building::Model,
    expected: i32,
) -> Result<(), StoreError> {
    let mut am = b.clone().into_active_model().reset_all();
    am.id = ActiveValue::NotSet;
    am.district_code = ActiveValue::NotSet;
    am.created_at = ActiveValue::NotSet;
    am.created_by = ActiveValue::NotSet;
    update_versioned(conn, am, C::Id, b.id, C::Version, expected).await
}

/// The buildings within the scope that have one of these ids or names: what the rows of an
/// import of buildings or houses may name.
pub async fn named(
    conn: &impl ConnectionTrait,
    district: &str,
    scope: &Scope,
    ids: &[i64],
    names: &[String],
) -> Result<Vec<building::Model>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        out.extend(
            building::Entity::find()
                .filter(LOCATED.within(district, scope, None))
                .filter(C::Id.is_in(chunk.iter().copied()))
                .all(conn)
                .await?,
        );
    }
    for chunk in names.chunks(500) {
        out.extend(
            building::Entity::find()
                .filter(LOCATED.within(district, scope, None))
                .filter(C::Name.is_in(chunk.iter().cloned()))
                .all(conn)
                .await?,
        );
    }
    out.sort_by_key(|b| b.id);
    out.dedup_by_key(|b| b.id);
    Ok(out)
}

/// The names of the buildings with these ids (an export's houses).
pub async fn names(
    conn: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, StoreError> {
    use sea_orm::QuerySelect;
    let mut out = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, String)> = building::Entity::find()
            .select_only()
            .columns([C::Id, C::Name])
            .filter(C::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

/// Every building within the scope as (id, name, grid), in id order, at most `limit`: an
/// import template's drop-down list.
pub async fn labels(
    conn: &impl ConnectionTrait,
    district: &str,
    scope: &Scope,
    limit: u64,
) -> Result<Vec<(i64, String, String)>, StoreError> {
    use sea_orm::{QueryOrder, QuerySelect};
    Ok(building::Entity::find()
        .select_only()
        .columns([C::Id, C::Name, C::RegionCode])
        .filter(LOCATED.within(district, scope, None))
        .order_by_asc(C::Id)
        .limit(limit)
        .into_tuple()
        .all(conn)
        .await?)
}
