//! The domain of gridgov: pure rules and checked types, no I/O.
//!
//! Everything that passed a boundary (HTTP, CLI, importer) is turned into one of these types,
//! so the layers above never re-check a code or a level.

#[macro_use]
mod kind;

pub mod access;
pub mod case;
pub mod category;
pub mod deliberation;
pub mod idcard;
pub mod kpi;
pub mod phone;
pub mod places;
pub mod region;
pub mod registry;
pub mod rng;
pub mod sla;
pub mod staff;
pub mod uscc;

pub use region::{CodeError, ExclusiveType, GridKind, RegionCode, RegionLevel};
pub use staff::{Employment, ForceSource, TeamRole};
