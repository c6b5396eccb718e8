//! `resolution_task`: a task or milestone of a resolution's implementation.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "resolution_task")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub resolution_id: i64,
    pub position: i32,
    pub title: String,
    pub owner: Option<String>,
    pub due_on: Option<Date>,
    pub done_at: Option<DateTimeUtc>,
    pub note: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
