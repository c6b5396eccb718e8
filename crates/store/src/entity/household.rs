//! `household`: a household (户) in a grid, perhaps in a house; its members are the people whose
//! `household_id` names it (see migration 12).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "household")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_code: String,
    pub street_code: String,
    pub community_code: String,
    /// The grid (or sub-grid) the household lives in; scope is checked on it.
    pub region_code: String,
    pub house_id: Option<i64>,
    /// 户号, unique in the district when given.
    pub number: Option<String>,
    pub address: Option<String>,
    pub note: Option<String>,
    /// The key of the phone's collection that recorded it, unique in the district (a retry finds it).
    pub collect_key: Option<String>,
    pub version: i32,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
