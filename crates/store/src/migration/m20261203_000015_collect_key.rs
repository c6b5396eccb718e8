//! A household collected on a phone carries the key the phone chose for that collection, unique
//! in the district: when the answer is lost on a poor connection and the phone sends the same
//! collection again, the server finds the household it already recorded instead of recording the
//! household and its people twice.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Household {
    Table,
    DistrictCode,
    CollectKey,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if !m.has_column("household", "collect_key").await? {
            m.alter_table(
                Table::alter()
                    .table(Household::Table)
                    .add_column(string_len_null(Household::CollectKey, 64))
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(
            Index::create()
                .name("uq_household_collect_key")
                .table(Household::Table)
                .col(Household::DistrictCode)
                .col(Household::CollectKey)
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("uq_household_collect_key")
                .table(Household::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Household::Table)
                .drop_column(Household::CollectKey)
                .to_owned(),
        )
        .await
    }
}
