//! `person`: a resident in the registry (实有人口). The ID and phone numbers are only ever here
//! sealed, blind-indexed and masked (see migration 11 and `app::vault`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_code: String,
    pub street_code: String,
    pub community_code: String,
    /// The grid (or sub-grid) the person lives in; scope is checked on it.
    pub region_code: String,
    pub name: String,
    /// `male` or `female`, from the ID number when there is one.
    pub sex: Option<String>,
    pub birth_date: Option<Date>,
    /// `registered`, `floating` or `overseas` (`domain::registry::PersonKind`).
    pub kind: String,
    pub id_number_sealed: Option<String>,
    pub id_number_index: Option<String>,
    pub id_number_masked: Option<String>,
    pub phone_sealed: Option<String>,
    pub phone_index: Option<String>,
    pub phone_masked: Option<String>,
    pub address: Option<String>,
    pub note: Option<String>,
    /// The household the person belongs to, if recorded (migration 12).
    pub household_id: Option<i64>,
    /// Relation to the household's head (`domain::registry::Relation` code); none without a
    /// household.
    pub relation: Option<String>,
    pub version: i32,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
