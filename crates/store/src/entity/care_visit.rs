//! `care_visit`: a visit (走访记录) to a person of a care group (see migration 14). Visits are
//! records of what happened: never edited.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "care_visit")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_code: String,
    pub membership_id: i64,
    pub visited_on: Date,
    /// The account that recorded the visit, and its display name then.
    pub visitor_id: Option<i64>,
    pub visitor_name: String,
    /// `domain::registry::VisitWay`'s code.
    pub way: String,
    pub findings: String,
    /// Whether something needs doing after the visit.
    pub follow_up: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
