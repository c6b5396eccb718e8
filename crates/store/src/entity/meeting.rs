//! `meeting`: a deliberation meeting (议事会), one-off or one of a recurring series (see migration 16).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_code: String,
    pub street_code: String,
    pub community_code: Option<String>,
    pub region_code: String,
    pub level: String,
    pub title: String,
    pub place: Option<String>,
    pub starts_at: DateTimeUtc,
    /// Recurring every so many days (the 议题半月谈: 14).
    pub recur_days: Option<i32>,
    /// The series' first meeting.
    pub series_id: Option<i64>,
    /// `domain::deliberation::MeetingState`'s code.
    pub state: String,
    /// `Share` code of the vote rule.
    pub quorum: String,
    pub pass_share: String,
    pub pass_base: String,
    pub ballot_kind: String,
    pub minutes: Option<String>,
    pub started_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
