//! `case_category`: the configurable category tree (groups and their categories), each with its owning
//! level, responsible department, time limits and direct channel.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "case_category")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_code: String,
    pub code: String,
    pub parent_code: Option<String>,
    pub name: String,
    pub owner_level: String,
    pub department_id: Option<i64>,
    pub accept_minutes: i32,
    pub handle_minutes: i32,
    pub ack_minutes: i32,
    pub time_mode: String,
    pub direct_channel: bool,
    pub auto_escalate: bool,
    pub enabled: bool,
    pub sort: i32,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
