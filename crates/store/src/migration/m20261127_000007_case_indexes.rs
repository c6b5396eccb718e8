//! Cheaper case indexes, for reports arriving thousands a second.
//!
//! - The duplicate search looks for open cases of one category within a few dozen metres.
//!   Indexing longitude and latitude after the category lets it read only the index entries of a
//!   thin band around the point, however many cases the category had that week.
//! - The indicator indexes on acceptance, handling deadline, closing and rating times, and the
//!   department holder index, only ever serve queries on a value of that column, and a new
//!   report has none of them: as partial indexes (`… IS NOT NULL`) they cost a new report
//!   nothing.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_query::IndexCreateStatement;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Cases {
    Table,
    DistrictCode,
    CategoryId,
    Lon,
    Lat,
    ReportedAt,
    StreetCode,
    AcceptedAt,
    HandleDueAt,
    ClosedAt,
    RatedAt,
    HolderDepartmentId,
    State,
}

/// The indexes made partial: old name, new name, columns, the column that must be set. New
/// names, because SQLite may still know an index dropped through another pooled connection.
const PARTIAL: [(&str, &str, [Cases; 2], Cases); 5] = [
    (
        "idx_case_street_accepted",
        "idx_case_accepted",
        [Cases::StreetCode, Cases::AcceptedAt],
        Cases::AcceptedAt,
    ),
    (
        "idx_case_street_due",
        "idx_case_due",
        [Cases::StreetCode, Cases::HandleDueAt],
        Cases::HandleDueAt,
    ),
    (
        "idx_case_street_closed",
        "idx_case_closed",
        [Cases::StreetCode, Cases::ClosedAt],
        Cases::ClosedAt,
    ),
    (
        "idx_case_street_rated",
        "idx_case_rated",
        [Cases::StreetCode, Cases::RatedAt],
        Cases::RatedAt,
    ),
    (
        "idx_case_holder_dept",
        "idx_case_department",
        [Cases::HolderDepartmentId, Cases::State],
        Cases::HolderDepartmentId,
    ),
];

fn index(name: &str, cols: [Cases; 2]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(Cases::Table);
    for c in cols {
        i.col(c);
    }
    i
}

async fn drop(m: &SchemaManager<'_>, name: &str) -> Result<(), DbErr> {
    m.drop_index(Index::drop().name(name).table(Cases::Table).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop(m, "idx_case_dup").await?;
        m.create_index(
            Index::create()
                .name("idx_case_near")
                .table(Cases::Table)
                .col(Cases::DistrictCode)
                .col(Cases::CategoryId)
                .col(Cases::Lon)
                .col(Cases::Lat)
                .col(Cases::ReportedAt)
                .to_owned(),
        )
        .await?;
        for (old, new, cols, set) in PARTIAL {
            m.create_index(
                index(new, cols)
                    .and_where(Expr::col(set).is_not_null())
                    .to_owned(),
            )
            .await?;
            drop(m, old).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop(m, "idx_case_near").await?;
        m.create_index(
            Index::create()
                .name("idx_case_dup")
                .table(Cases::Table)
                .col(Cases::DistrictCode)
                .col(Cases::CategoryId)
                .col(Cases::ReportedAt)
                .to_owned(),
        )
        .await?;
        for (old, new, cols, _) in PARTIAL {
            m.create_index(index(old, cols).to_owned()).await?;
            drop(m, new).await?;
        }
        Ok(())
    }
}
