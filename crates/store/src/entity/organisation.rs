//! `organisation`: an organisation (单位/组织) of the registry, located in a grid (see
//! migration 14). The phone of its person in charge is only ever here sealed, blind-indexed and
//! masked, like a person's.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "organisation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_code: String,
    pub street_code: String,
    pub community_code: String,
    /// The grid (or sub-grid) the organisation is in.
    pub region_code: String,
    pub name: String,
    /// `domain::registry::OrgKind`'s code.
    pub kind: String,
    /// The unified social credit code, upper-case; once in a district.
    pub uscc: Option<String>,
    pub address: Option<String>,
    /// The person in charge (负责人).
    pub contact_name: Option<String>,
    pub contact_phone_sealed: Option<String>,
    pub contact_phone_index: Option<String>,
    pub contact_phone_masked: Option<String>,
    pub building_id: Option<i64>,
    pub employees: Option<i32>,
    pub note: Option<String>,
    pub version: i32,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
