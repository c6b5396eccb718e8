//! The registry's facilities (部件): insert, read, list within a scope (and a map's box), edit
//! with a version.

use crate::StoreError;
use crate::entity::facility;
use crate::rows::{Located, page, update_versioned};
use gridgov_domain::RegionCode;
use gridgov_domain::access::Scope;
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect,
};

use facility::Column as C;

const LOCATED: Located<C> = Located {
    district: C::DistrictCode,
    street: C::StreetCode,
    region: C::RegionCode,
};

/// Stores a new facility; returns its id. A code the district has already is
/// [`StoreError::Duplicate`].
pub async fn insert(conn: &impl ConnectionTrait, f: facility::Model) -> Result<i64, StoreError> {
    let mut am = f.into_active_model();
    am.id = ActiveValue::NotSet;
    Ok(am.insert(conn).await.map_err(StoreError::classify)?.id)
}

pub async fn by_id(conn: &impl ConnectionTrait, id: i64) -> Result<Option<facility::Model>, StoreError> {
    Ok(facility::Entity::find_by_id(id).one(conn).await?)
}

/// What a list asks for; every given part must match.
#[derive(Clone, Debug, Default)]
pub struct FacilityFilter {
    /// Facilities in this region's subtree.
    pub region: Option<RegionCode>,
    /// A `FacilityKind` code.
    pub kind: Option<String>,
    /// A `FacilityState` code.
    pub state: Option<String>,
    /// min lon, min lat, max lon, max lat (WGS84).
    pub bbox: Option<[f64; 4]>,
}

/// Facilities within the scope matching the filter, newest first, with the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    district: &str,
    scope: &Scope,
    f: &FacilityFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<facility::Model>, u64), StoreError> {
    let mut q = facility::Entity::find().filter(LOCATED.within(district, scope, f.region.as_ref()));
    if let Some(k) = &f.kind {
        q = q.filter(C::Kind.eq(k.as_str()));
    }
    if let Some(s) = &f.state {
        q = q.filter(C::State.eq(s.as_str()));
    }
    if let Some([w, s, e, n]) = f.bbox {
        q = q.filter(C::Lon.between(w, e)).filter(C::Lat.between(s, n));
    }
    page(conn, q, C::Id, offset, limit).await
}

/// Writes a facility's fields if the stored version is still `expected`; a code the district
/// has already is [`StoreError::Duplicate`].
pub async fn update(
    conn: &impl ConnectionTrait,
    f: &facility::Model,
    expected: i32,
) -> Result<(), StoreError> {
    let mut am = f.clone().into_active_model().reset_all();
    am.id = ActiveValue::NotSet;
    am.district_code = ActiveValue::NotSet;
    am.created_at = ActiveValue::NotSet;
    am.created_by = ActiveValue::NotSet;
    update_versioned(conn, am, C::Id, f.id, C::Version, expected).await
}

/// Which of these facility codes the district has already (an import refuses their rows before
/// it writes anything).
pub async fn codes_taken(
    conn: &impl ConnectionTrait,
    district: &str,
    codes: &[String],
) -> Result<Vec<String>, StoreError> {
    let mut out = Vec::new();
    for chunk in codes.chunks(500) {
        let found: Vec<Option<String>> = facility::Entity::find()
            .select_only()
            .column(C::Code)
            .filter(C::DistrictCode.eq(district))
            .filter(C::Code.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(conn)
            .await?;
        out.extend(found.into_iter().flatten());
    }
    Ok(out)
}
