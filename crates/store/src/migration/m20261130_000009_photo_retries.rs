//! A phone that retries a photo upload on a bad network must not attach the photo twice: an
//! uploader's not-yet-cited photo of a case is unique by content, so a retry that raced the
//! first attempt fails to insert and is answered with the first.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CasePhoto {
    Table,
    CaseId,
    UploadedBy,
    Sha256,
    EventId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("uq_case_photo_pending")
                .table(CasePhoto::Table)
                .col(CasePhoto::CaseId)
                .col(CasePhoto::UploadedBy)
                .col(CasePhoto::Sha256)
                .unique()
                .and_where(Expr::col(CasePhoto::EventId).is_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("uq_case_photo_pending")
                .table(CasePhoto::Table)
                .to_owned(),
        )
        .await
    }
}
