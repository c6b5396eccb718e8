//! `audit_log`: one row per write or reveal, chained by hashes per district.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_code: String,
    /// 1, 2, 3, … per district without gaps: a deleted row leaves a hole.
    pub seq: i64,
    /// The region the entity belongs to, for scoped search; none for district-wide things.
    pub region_code: Option<String>,
    pub at: DateTimeUtc,
    pub actor_user_id: Option<i64>,
    pub actor_name: String,
    pub actor_roles: String,
    pub ip: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    /// JSON with non-personal details of the change.
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
