//! `cases`: one case, with who holds it, who owns it, its running SLA stage and the facts that
//! assessment counts (set from the timeline in the same transaction).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_code: String,
    pub category_id: i64,
    pub source: String,
    pub description: String,
    pub address: Option<String>,
    pub lon: f64,
    pub lat: f64,
    /// The deepest region the location fell in (a grid or sub-grid); scope is checked on it.
    pub region_code: String,
    pub grid_code: Option<String>,
    pub community_code: String,
    pub street_code: String,
    pub reporter_user_id: Option<i64>,
    pub idempotency_key: Option<String>,
    /// A `CaseState` name.
    pub state: String,
    pub version: i32,
    /// Who must act now: `centre` (of `holder_unit`), `grid` (`holder_unit`) or `department`.
    pub holder_kind: String,
    pub holder_unit: Option<String>,
    pub holder_department_id: Option<i64>,
    /// The centre that registered the case: it verifies, extends and reopens.
    pub owner_unit: String,
    pub major: bool,
    pub reported_at: DateTimeUtc,
    pub accepted_at: Option<DateTimeUtc>,
    pub dispatched_at: Option<DateTimeUtc>,
    pub handled_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub handle_warn_at: Option<DateTimeUtc>,
    /// The handling deadline (also the closing deadline) that assessment counts by.
    pub handle_due_at: Option<DateTimeUtc>,
    /// The running SLA stage: `accept`, `ack` or `handle`; none when no clock runs.
    pub stage: Option<String>,
    pub stage_warn_at: Option<DateTimeUtc>,
    pub stage_due_at: Option<DateTimeUtc>,
    /// Set once by the SLA ticker when the running stage warned / went overdue.
    pub warned_at: Option<DateTimeUtc>,
    pub overdue_at: Option<DateTimeUtc>,
    pub rework_count: i32,
    pub extended: bool,
    pub rating: Option<String>,
    pub rated_at: Option<DateTimeUtc>,
    /// The level of the last handler: `grid`, `community`, `street`, `district` or `department`.
    pub resolution_level: Option<String>,
    pub merged_into: Option<i64>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
