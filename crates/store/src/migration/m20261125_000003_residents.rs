//! Residents sign in with their mobile number and a one-time code. The number itself is not
//! stored: only its keyed hash (HMAC), enough to find the account again.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AppUser {
    Table,
    PhoneHash,
}

#[derive(DeriveIden)]
enum OtpChallenge {
    Table,
    Id,
    PhoneHash,
    CodeHash,
    Ip,
    CreatedAt,
    ExpiresAt,
    Attempts,
    Consumed,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if !m.has_column("app_user", "phone_hash").await? {
            m.alter_table(
                Table::alter()
                    .table(AppUser::Table)
                    .add_column(string_len_null(AppUser::PhoneHash, 64))
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(
            Index::create()
                .name("uq_app_user_phone")
                .table(AppUser::Table)
                .col(AppUser::PhoneHash)
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(OtpChallenge::Table)
                .if_not_exists()
                .col(big_pk_auto(OtpChallenge::Id))
                .col(string_len(OtpChallenge::PhoneHash, 64))
                .col(string_len(OtpChallenge::CodeHash, 64))
                .col(string_len_null(OtpChallenge::Ip, 64))
                .col(timestamp_with_time_zone(OtpChallenge::CreatedAt))
                .col(timestamp_with_time_zone(OtpChallenge::ExpiresAt))
                .col(integer(OtpChallenge::Attempts).default(0))
                .col(boolean(OtpChallenge::Consumed).default(false))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_otp_phone")
                .table(OtpChallenge::Table)
                .col(OtpChallenge::PhoneHash)
                .col(OtpChallenge::CreatedAt)
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(OtpChallenge::Table).if_exists().to_owned())
            .await?;
        m.drop_index(
            Index::drop()
                .name("uq_app_user_phone")
                .table(AppUser::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(AppUser::Table)
                .drop_column(AppUser::PhoneHash)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
