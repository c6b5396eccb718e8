//! `resolution_case`: a case that implements a resolution (the link both ways).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "resolution_case")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub resolution_id: i64,
    pub case_id: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
