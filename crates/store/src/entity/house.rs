//! `house`: a house (房屋) in a building, with its building's location copied (see migration 12).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "house")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_code: String,
    pub street_code: String,
    pub community_code: String,
    /// The building's grid: scope is checked on it.
    pub region_code: String,
    pub building_id: i64,
    pub unit: i32,
    pub floor: i32,
    /// The number on the door, e.g. `201`.
    pub room: String,
    /// `domain::registry::HouseUse` code.
    pub house_use: String,
    /// `domain::registry::Ownership` code.
    pub ownership: String,
    /// `domain::registry::Occupancy` code.
    pub occupancy: String,
    /// m².
    pub area: Option<f64>,
    pub note: Option<String>,
    pub version: i32,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
