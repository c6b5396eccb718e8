//! `app_user`: an account, linked to a staff record, a department, or a resident.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "app_user")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_code: String,
    #[sea_orm(unique)]
    pub username: String,
    pub display_name: String,
    /// argon2id PHC string; none for an account that cannot log in with a password.
    pub password_hash: Option<String>,
    /// `staff`, `department` or `resident`.
    pub kind: String,
    pub staff_id: Option<i64>,
    pub department_id: Option<i64>,
    /// The region the account belongs to (its "own unit").
    pub unit_code: Option<String>,
    pub disabled: bool,
    /// Sessions created before this instant are void ("log out everywhere").
    pub sessions_valid_after: DateTimeUtc,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// HMAC of a resident's mobile number (the number itself is not stored).
    pub phone_hash: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
