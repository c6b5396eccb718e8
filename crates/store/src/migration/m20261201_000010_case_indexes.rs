//! Fewer and smaller case indexes, for reports arriving thousands a second.
//!
//! Every new report added an entry at a scattered place in the duplicate-search index and in
//! the holder index, so each report dirtied two more index pages, written to the log at commit
//! and again at checkpoint. Both only ever serve questions about open cases (the duplicate
//! search, a centre's to-do list), and closed cases are almost all of a year's history: as
//! partial indexes on the open states they are a few hundred pages instead of thousands, and a
//! batch of reports shares them.
//!
//! Cases by region had an index on the region code: a scattered entry per report again. A list
//! of a street's, community's or grid's cases now names the street (`cases::CaseScope`), and
//! the index of cases by street in id order, with the region and district codes beside each,
//! serves the list newest first and its count; a new report only appends to its street's end of it.
//!
//! The SLA ticker looked for warnings and deadlines due through two indexes on the running
//! stage's warning and due times, each entry kept after its mark was set. One column,
//! `sla_next_at` (the earlier mark still to come, kept by the store on every write), indexed
//! only where set, replaces both: one entry per report, and marked or closed cases leave it.
//!
//! The queries repeat the condition word for word (`cases::OPEN`): SQLite uses a partial index
//! only when the query's WHERE contains its condition, with the states as literals.

use sea_orm_migration::prelude::*;

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
    State,
    HolderUnit,
    Id,
    StreetCode,
    RegionCode,
    SlaNextAt,
    StageWarnAt,
    StageDueAt,
}

/// The open states' condition, as in `cases::OPEN`.
const OPEN: &str = "state NOT IN ('closed', 'rejected', 'merged')";

/// `Model::sla_next` in SQL, for the cases already stored: the warning time if that mark is
/// still to come and not after the deadline still to come, else the deadline still to come.
pub(crate) const SLA_NEXT: &str = "CASE \
    WHEN stage IS NULL THEN NULL \
    WHEN warned_at IS NULL AND stage_warn_at IS NOT NULL \
      AND (overdue_at IS NOT NULL OR stage_due_at IS NULL OR stage_warn_at <= stage_due_at) \
      THEN stage_warn_at \
    WHEN overdue_at IS NULL THEN stage_due_at \
    END";

async fn drop(m: &SchemaManager<'_>, name: &str) -> Result<(), DbErr> {
    m.drop_index(Index::drop().name(name).table(Cases::Table).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_case_open_near")
                .table(Cases::Table)
                .col(Cases::DistrictCode)
                .col(Cases::CategoryId)
                .col(Cases::Lon)
                .col(Cases::Lat)
                .col(Cases::ReportedAt)
                // SQLite checks the condition on the row even when the index implies it: with
                // the state here the search reads the index alone.
                .col(Cases::State)
                .and_where(Expr::cust(OPEN))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_case_open_holder")
                .table(Cases::Table)
                .col(Cases::HolderUnit)
                .col(Cases::Id)
                .and_where(Expr::cust(OPEN))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_case_street_id")
                .table(Cases::Table)
                .col(Cases::StreetCode)
                .col(Cases::Id)
                .col(Cases::RegionCode)
                .col(Cases::DistrictCode)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Cases::Table)
                .add_column(ColumnDef::new(Cases::SlaNextAt).timestamp_with_time_zone().null())
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(&format!(
                "UPDATE cases SET sla_next_at = {SLA_NEXT} WHERE stage IS NOT NULL"
            ))
            .await?;
        m.create_index(
            Index::create()
                .name("idx_case_sla_next")
                .table(Cases::Table)
                .col(Cases::SlaNextAt)
                .and_where(Expr::col(Cases::SlaNextAt).is_not_null())
                .to_owned(),
        )
        .await?;
        for old in [
            "idx_case_near",
            "idx_case_holder",
            "idx_case_region",
            "idx_case_stage_warn",
            "idx_case_stage_due",
        ] {
            drop(m, old).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
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
        m.create_index(
            Index::create()
                .name("idx_case_holder")
                .table(Cases::Table)
                .col(Cases::DistrictCode)
                .col(Cases::State)
                .col(Cases::HolderUnit)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_case_region")
                .table(Cases::Table)
                .col(Cases::DistrictCode)
                .col(Cases::RegionCode)
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("idx_case_stage_warn", Cases::StageWarnAt),
            ("idx_case_stage_due", Cases::StageDueAt),
        ] {
            m.create_index(Index::create().name(name).table(Cases::Table).col(col).to_owned())
                .await?;
        }
        for new in [
            "idx_case_open_near",
            "idx_case_open_holder",
            "idx_case_street_id",
            "idx_case_sla_next",
        ] {
            drop(m, new).await?;
        }
        m.alter_table(
            Table::alter()
                .table(Cases::Table)
                .drop_column(Cases::SlaNextAt)
                .to_owned(),
        )
        .await
    }
}
