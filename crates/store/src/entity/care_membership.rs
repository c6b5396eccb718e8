//! `care_membership`: a person in a care group (关爱对象与重点人群), with the visiting cycle and
//! the due day of the next visit (see migration 14). It carries its person's location.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "care_membership")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_code: String,
    pub street_code: String,
    pub community_code: String,
    /// The person's grid, kept equal when the person moves.
    pub region_code: String,
    pub person_id: i64,
    /// `domain::registry::CareGroup`'s code.
    pub care_group: String,
    pub visit_days: i32,
    pub joined_on: Date,
    /// The day the person left the group.
    pub ended_on: Option<Date>,
    /// The latest visit's day.
    pub last_visit_on: Option<Date>,
    /// `domain::registry::next_visit_due`: none once ended. Recomputed by every write.
    pub next_visit_due: Option<Date>,
    pub note: Option<String>,
    pub version: i32,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
