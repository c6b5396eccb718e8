//! `user_role`: a role held by a user, with the data scope of that assignment.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "user_role")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_code: String,
    pub user_id: i64,
    pub role_id: i64,
    /// all, subtrees, own_unit, own_unit_and_below, own_records.
    pub scope_kind: String,
    /// JSON array of region codes (for `subtrees`).
    pub scope_regions: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
