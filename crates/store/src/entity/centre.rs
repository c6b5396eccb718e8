//! `centre`: the grid service management centre (网格化服务管理中心) of a district, street or
//! community.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "centre")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_code: String,
    #[sea_orm(unique)]
    pub region_code: String,
    pub name: String,
    /// The centre's public duty phone, not a person's.
    pub duty_phone: Option<String>,
    pub address: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
