//! The registry's people: insert, read, search within a scope. Values arrive sealed, indexed
//! and masked from `app::registry`; nothing here sees a plain ID or phone number.

use crate::StoreError;
use crate::entity::person;
use crate::scope::{in_subtree, street_led_condition};
use gridgov_domain::RegionCode;
use gridgov_domain::access::Scope;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

/// Stores a new person; returns the id. A second person with the same ID number in the
/// district is [`StoreError::Duplicate`].
pub async fn insert(conn: &impl ConnectionTrait, p: person::Model) -> Result<i64, StoreError> {
    let mut am = p.into_active_model();
    am.id = sea_orm::ActiveValue::NotSet;
    let saved = am.insert(conn).await.map_err(StoreError::classify)?;
    Ok(saved.id)
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
    use person::Column as C;
    let mut q = person::Entity::find()
        .filter(C::DistrictCode.eq(district))
        .filter(street_led_condition(scope, C::StreetCode, C::RegionCode));
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
    if let Some(r) = &f.region {
        q = q.filter(in_subtree(r, C::StreetCode, C::RegionCode));
    }
    let total = q.clone().count(conn).await?;
    let rows = q
        .order_by_desc(C::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok((rows, total))
}
