//! The registry's houses (房屋): insert, read, list within a scope, edit with a version. A house
//! carries its building's location, kept equal when the building moves.

use crate::StoreError;
use crate::entity::{building, house};
use crate::rows::{Located, page, update_versioned};
use gridgov_domain::RegionCode;
use gridgov_domain::access::Scope;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect,
};

use house::Column as C;

const LOCATED: Located<C> = Located {
    district: C::DistrictCode,
    street: C::StreetCode,
    region: C::RegionCode,
};

/// Stores a new house; returns its id. A second house with the same room number in the same
/// unit of the building is [`StoreError::Duplicate`].
pub async fn insert(conn: &impl ConnectionTrait, h: house::Model) -> Result<i64, StoreError> {
    let mut am = h.into_active_model();
    am.id = ActiveValue::NotSet;
    Ok(am.insert(conn).await.map_err(StoreError::classify)?.id)
}

pub async fn by_id(conn: &impl ConnectionTrait, id: i64) -> Result<Option<house::Model>, StoreError> {
    Ok(house::Entity::find_by_id(id).one(conn).await?)
}

/// What a list asks for; every given part must match.
#[derive(Clone, Debug, Default)]
pub struct HouseFilter {
    pub building_id: Option<i64>,
    /// Houses in this region's subtree.
    pub region: Option<RegionCode>,
    /// An `Occupancy` code.
    pub occupancy: Option<String>,
}

/// Houses within the scope matching the filter, newest first, with the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    district: &str,
    scope: &Scope,
    f: &HouseFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<house::Model>, u64), StoreError> {
    let mut q = house::Entity::find().filter(LOCATED.within(district, scope, f.region.as_ref()));
    if let Some(b) = f.building_id {
        q = q.filter(C::BuildingId.eq(b));
    }
    if let Some(o) = &f.occupancy {
        q = q.filter(C::Occupancy.eq(o.as_str()));
    }
    page(conn, q, C::Id, offset, limit).await
}

/// Writes a house's fields if the stored version is still `expected`; a room number taken in
/// the unit is [`StoreError::Duplicate`].
pub async fn update(conn: &impl ConnectionTrait, h: &house::Model, expected: i32) -> Result<(), StoreError> {
    let mut am = h.clone().into_active_model().reset_all();
    am.id = ActiveValue::NotSet;
    am.district_code = ActiveValue::NotSet;
    am.created_at = ActiveValue::NotSet;
    am.created_by = ActiveValue::NotSet;
    update_versioned(conn, am, C::Id, h.id, C::Version, expected).await
}

/// The highest unit and floor any house of the building is on (none without houses): a building
/// cannot shrink below them.
pub async fn extent(
    conn: &impl ConnectionTrait,
    building_id: i64,
) -> Result<(Option<i32>, Option<i32>), StoreError> {
    let row: Option<(Option<i32>, Option<i32>)> = house::Entity::find()
        .select_only()
        .column_as(C::Unit.max(), "max_unit")
        .column_as(C::Floor.max(), "max_floor")
        .filter(C::BuildingId.eq(building_id))
        .into_tuple()
        .one(conn)
        .await?;
    Ok(row.unwrap_or_default())
}

/// Gives the building's houses its (new) location. Their versions stay: what a house is has not
/// changed, only where its building was recorded.
pub async fn relocate(conn: &impl ConnectionTrait, b: &building::Model) -> Result<(), StoreError> {
    house::Entity::update_many()
        .col_expr(C::StreetCode, Expr::value(b.street_code.clone()))
        .col_expr(C::CommunityCode, Expr::value(b.community_code.clone()))
        .col_expr(C::RegionCode, Expr::value(b.region_code.clone()))
        .filter(C::BuildingId.eq(b.id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The (building, unit, room) of every house in these buildings: an import refuses the rows of
/// rooms already recorded before it writes anything.
pub async fn rooms_of(
    conn: &impl ConnectionTrait,
    building_ids: &[i64],
) -> Result<Vec<(i64, i32, String)>, StoreError> {
    let mut out = Vec::new();
    for chunk in building_ids.chunks(500) {
        let found: Vec<(i64, i32, String)> = house::Entity::find()
            .select_only()
            .columns([C::BuildingId, C::Unit, C::Room])
            .filter(C::BuildingId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?;
        out.extend(found);
    }
    Ok(out)
}
