//! `resolution`: a passed proposal published as a resolution (决议) for its notice period, then implemented.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "resolution")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_code: String,
    pub street_code: String,
    pub community_code: Option<String>,
    pub region_code: String,
    pub topic_id: Option<i64>,
    pub meeting_id: i64,
    pub proposal_id: i64,
    pub title: String,
    pub text: String,
    pub notice_days: i32,
    pub published_at: DateTimeUtc,
    pub notice_ends_at: DateTimeUtc,
    pub implemented_at: Option<DateTimeUtc>,
    pub completed_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
