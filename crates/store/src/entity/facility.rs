//! `facility`: a public facility (部件) at a point, located in a grid (see migration 14).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "facility")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_code: String,
    pub street_code: String,
    pub community_code: String,
    pub region_code: String,
    /// `domain::registry::FacilityKind`'s code.
    pub kind: String,
    /// 部件编码, upper-case; once in a district.
    pub code: Option<String>,
    /// WGS84.
    pub lon: f64,
    pub lat: f64,
    /// `domain::registry::FacilityState`'s code.
    pub state: String,
    pub owner_department: Option<String>,
    pub note: Option<String>,
    pub version: i32,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
