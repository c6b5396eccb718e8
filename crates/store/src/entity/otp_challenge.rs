//! `otp_challenge`: a one-time code sent to a mobile number.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "otp_challenge")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub phone_hash: String,
    /// Keyed hash of the code; the code itself is only in the text message.
    pub code_hash: String,
    pub ip: Option<String>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub attempts: i32,
    pub consumed: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
