//! `topic`: a deliberation topic (议题) raised at a grid, a community or a street (see migration 16).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "topic")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_code: String,
    pub street_code: String,
    /// None for a street's topic.
    pub community_code: Option<String>,
    /// The area the topic concerns: a grid, a community or a street.
    pub region_code: String,
    /// `domain::deliberation::Level`'s code.
    pub level: String,
    pub title: String,
    pub description: String,
    /// `domain::deliberation::TopicCategory`'s code.
    pub category: String,
    /// `domain::deliberation::TopicState`'s code.
    pub state: String,
    /// Supports counted (the rows of `topic_support`, kept equal in the same transaction).
    pub supports: i32,
    /// Supports that make it ready for a meeting (the district's setting when raised).
    pub support_threshold: i32,
    /// The account that raised it.
    pub raised_by: Option<i64>,
    /// `resident`, `grid_worker` or `operator`.
    pub raiser_kind: String,
    /// Shown publicly: a resident's display name masked.
    pub raiser_name: String,
    /// The case it was raised from.
    pub case_id: Option<i64>,
    pub merged_into: Option<i64>,
    /// The meeting whose agenda it is on (or was voted at).
    pub meeting_id: Option<i64>,
    /// Why it was declined, merged or referred: published.
    pub decision_note: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
