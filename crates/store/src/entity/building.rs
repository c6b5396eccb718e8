//! `building`: a building (楼栋) of the registry, located in a grid (see migration 12).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "building")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_code: String,
    pub street_code: String,
    pub community_code: String,
    /// The grid (or sub-grid) the building stands in; its houses carry the same codes.
    pub region_code: String,
    /// As residents say it, e.g. `3号楼`.
    pub name: String,
    pub address: Option<String>,
    pub floors: i32,
    pub units: i32,
    /// WGS84, both or neither.
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub note: Option<String>,
    pub version: i32,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
