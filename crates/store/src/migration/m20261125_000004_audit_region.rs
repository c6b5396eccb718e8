//! Audit rows name the region their entity belongs to, so the log can be searched with the
//! same data scope as everything else (a street sees its own part of the log).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    DistrictCode,
    RegionCode,
    Seq,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if !m.has_column("audit_log", "region_code").await? {
            m.alter_table(
                Table::alter()
                    .table(AuditLog::Table)
                    .add_column(string_len_null(AuditLog::RegionCode, 17))
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(
            Index::create()
                .name("idx_audit_region")
                .table(AuditLog::Table)
                .col(AuditLog::DistrictCode)
                .col(AuditLog::RegionCode)
                .col(AuditLog::Seq)
                .if_not_exists()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_audit_region")
                .table(AuditLog::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(AuditLog::Table)
                .drop_column(AuditLog::RegionCode)
                .to_owned(),
        )
        .await
    }
}
