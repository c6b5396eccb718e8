//! SeaORM entities, one file per table.

pub mod centre;
pub mod department;
pub mod region;
pub mod staff;
pub mod team_member;
