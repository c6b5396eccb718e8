//! `case_event`: the append-only timeline of a case.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "case_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_code: String,
    pub case_id: i64,
    pub at: DateTimeUtc,
    pub action: String,
    pub actor_user_id: Option<i64>,
    pub actor_name: String,
    pub seat: String,
    pub from_state: String,
    pub to_state: String,
    pub holder_after: Option<String>,
    pub comment: Option<String>,
    pub photo_ids: String,
    pub detail: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
