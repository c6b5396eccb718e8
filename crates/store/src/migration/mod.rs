//! One set of migrations for SQLite and PostgreSQL, written with the portable schema builder.
//! Never edit a migration that has shipped: add a new one.

use sea_orm_migration::prelude::*;

mod m20261124_000001_regions;
mod m20261125_000002_accounts;
mod m20261125_000003_residents;
mod m20261125_000004_audit_region;
mod m20261126_000005_cases;
mod m20261126_000006_case_updated;
mod m20261127_000007_case_indexes;
mod m20261130_000008_kpi_indexes;
mod m20261130_000009_photo_retries;
pub(crate) mod m20261201_000010_case_indexes;
mod m20261201_000011_people;
mod m20261202_000012_houses;
mod m20261202_000013_audit_history;
mod m20261203_000014_orgs_care;
mod m20261203_000015_collect_key;
mod m20261204_000016_deliberation;
mod m20261205_000017_person_search;

/// Runs the migrations in order; applied ones are recorded in `seaql_migrations`.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_regions::Migration),
            Box::new(m20261125_000002_accounts::Migration),
            Box::new(m20261125_000003_residents::Migration),
            Box::new(m20261125_000004_audit_region::Migration),
            Box::new(m20261126_000005_cases::Migration),
            Box::new(m20261126_000006_case_updated::Migration),
            Box::new(m20261127_000007_case_indexes::Migration),
            Box::new(m20261130_000008_kpi_indexes::Migration),
            Box::new(m20261130_000009_photo_retries::Migration),
            Box::new(m20261201_000010_case_indexes::Migration),
            Box::new(m20261201_000011_people::Migration),
            Box::new(m20261202_000012_houses::Migration),
            Box::new(m20261202_000013_audit_history::Migration),
            Box::new(m20261203_000014_orgs_care::Migration),
            Box::new(m20261203_000015_collect_key::Migration),
            Box::new(m20261204_000016_deliberation::Migration),
            Box::new(m20261205_000017_person_search::Migration),
        ]
    }
}
