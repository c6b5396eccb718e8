//! Persistence for gridgov: one set of SeaORM migrations and repositories that run on SQLite
//! (embedded, the default) and PostgreSQL (production), chosen at run time by the database URL.
//!
//! Every tenant-owned table carries `district_code`, and every repository query filters by it or
//! by a key that implies it, so that a deployment can later be distributed by district.

pub mod accounts;
pub mod audit;
pub mod buildings;
pub mod care;
pub mod cases;
pub mod db;
pub mod deliberation;
pub mod direct;
pub mod entity;
pub mod facilities;
pub mod households;
pub mod houses;
pub mod meetings;
pub mod migration;
pub mod orgs;
pub mod people;
pub mod regions;
pub mod registry_counts;
pub mod reports;
pub mod resolutions;
mod rows;
pub use rows::insert_all;
pub mod scope;
pub mod staff;

pub use db::{Backend, Db, StoreError};
