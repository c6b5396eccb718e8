//! `staff`: a member of grid teams (grid worker, leader or helper).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "staff")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_code: String,
    /// The staff number (工号), unique within the district.
    pub staff_no: String,
    pub name: String,
    pub employment: String,
    pub force_source: String,
    /// Where a helper comes from (a department, an employer for dual-reporting members).
    pub unit: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
