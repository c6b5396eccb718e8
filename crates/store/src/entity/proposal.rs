//! `proposal`: an item a meeting votes on (表决事项), with its rule and, once closed, its final tally.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "proposal")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_code: String,
    pub meeting_id: i64,
    pub topic_id: Option<i64>,
    pub position: i32,
    pub title: String,
    pub text: Option<String>,
    pub state: String,
    pub ballot_kind: String,
    pub quorum: String,
    pub pass_share: String,
    pub pass_base: String,
    pub eligible: i32,
    pub present: i32,
    pub for_votes: i32,
    pub against: i32,
    pub abstain: i32,
    pub quorum_met: Option<bool>,
    pub passed: Option<bool>,
    pub opened_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
