//! The change history of a registry record (a person, a building, a household...) is its rows
//! in the audit log. An index of the log by entity serves it, but only where the entity is not a
//! case: cases are almost every row (reports arrive thousands a second, and every entry added to
//! an index costs the single writer), and a case's history is its own timeline. The query
//! repeats the condition word for word (`audit::NOT_CASE`): SQLite uses a partial index only
//! when the query's WHERE contains its condition.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum AuditLog {
    Table,
    DistrictCode,
    EntityType,
    EntityId,
    Seq,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_audit_entity")
                .table(AuditLog::Table)
                .col(AuditLog::DistrictCode)
                .col(AuditLog::EntityType)
                .col(AuditLog::EntityId)
                .col(AuditLog::Seq)
                .and_where(Expr::cust(crate::audit::NOT_CASE))
                .if_not_exists()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_audit_entity")
                .table(AuditLog::Table)
                .to_owned(),
        )
        .await
    }
}
