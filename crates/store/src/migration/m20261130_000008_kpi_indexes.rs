//! Indicator indexes that answer a street's month from the index alone.
//!
//! An indicator counts the cases of an area whose event time (reported, accepted, handling
//! deadline, rated, closed; a whistle's acknowledgement) falls in a window, summing a few
//! columns of each. Indexed on (street, time) only, every counted case cost a lookup in the
//! table: with a million cases a street's month read ten thousand scattered rows per indicator.
//! These indexes carry the region (for panels below a street) and the summed columns after
//! (street, time), so the count is one range of one index. Those on a time that a new report
//! does not have yet stay partial, so a report still pays only for the first.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_query::IndexCreateStatement;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// An indicator index: its columns (street, time, region, summed columns), whether it is
/// partial (the time must be set), the (street, time) index it replaces, and whether it is on
/// whistles rather than cases.
struct Kpi {
    new: &'static str,
    cols: &'static [&'static str],
    partial: bool,
    old: &'static str,
    whistle: bool,
}

const KPI: [Kpi; 6] = [
    Kpi {
        new: "idx_case_kpi_reported",
        cols: &[
            "street_code",
            "reported_at",
            "region_code",
            "state",
            "accepted_at",
        ],
        partial: false,
        old: "idx_case_street_reported",
        whistle: false,
    },
    Kpi {
        new: "idx_case_kpi_accepted",
        cols: &["street_code", "accepted_at", "region_code", "dispatched_at"],
        partial: true,
        old: "idx_case_accepted",
        whistle: false,
    },
    Kpi {
        new: "idx_case_kpi_due",
        cols: &[
            "street_code",
            "handle_due_at",
            "region_code",
            "handled_at",
            "closed_at",
            "rework_count",
            "extended",
        ],
        partial: true,
        old: "idx_case_due",
        whistle: false,
    },
    Kpi {
        new: "idx_case_kpi_rated",
        cols: &["street_code", "rated_at", "region_code", "rating"],
        partial: true,
        old: "idx_case_rated",
        whistle: false,
    },
    Kpi {
        new: "idx_case_kpi_closed",
        cols: &["street_code", "closed_at", "region_code", "resolution_level"],
        partial: true,
        old: "idx_case_closed",
        whistle: false,
    },
    Kpi {
        new: "idx_whistle_kpi_ack",
        cols: &["street_code", "acknowledged_at", "region_code", "whistled_at"],
        partial: true,
        old: "idx_whistle_street_ack",
        whistle: true,
    },
];

fn table(k: &Kpi) -> Alias {
    Alias::new(if k.whistle { "case_whistle" } else { "cases" })
}

fn create(name: &str, k: &Kpi, cols: &[&str], partial: bool) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table(k));
    for c in cols {
        i.col(Alias::new(*c));
    }
    if partial {
        i.and_where(Expr::col(Alias::new(cols[1])).is_not_null());
    }
    i.to_owned()
}

async fn drop(m: &SchemaManager<'_>, k: &Kpi, name: &str) -> Result<(), DbErr> {
    m.drop_index(Index::drop().name(name).table(table(k)).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for k in &KPI {
            m.create_index(create(k.new, k, k.cols, k.partial)).await?;
            drop(m, k, k.old).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for k in &KPI {
            // The old ones: (street, time), partial as migration 7 left them.
            m.create_index(create(k.old, k, &k.cols[..2], k.partial)).await?;
            drop(m, k, k.new).await?;
        }
        Ok(())
    }
}
