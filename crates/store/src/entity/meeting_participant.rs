//! `meeting_participant`: someone invited to a meeting, with their role, whether they vote and when they checked in.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_participant")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub meeting_id: i64,
    pub name: String,
    pub role: String,
    pub unit: Option<String>,
    pub account_id: Option<i64>,
    pub can_vote: bool,
    pub checked_in_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
