//! `case_whistle`: a whistle to a department (吹哨) and its acknowledgement (报到).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "case_whistle")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_code: String,
    pub case_id: i64,
    pub department_id: i64,
    pub region_code: String,
    pub street_code: String,
    pub whistled_at: DateTimeUtc,
    pub ack_due_at: DateTimeUtc,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub returned_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
