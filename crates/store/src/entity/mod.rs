//! SeaORM entities, one file per table.

pub mod app_user;
pub mod audit_head;
pub mod audit_log;
pub mod building;
pub mod calendar_day;
pub mod case;
pub mod case_category;
pub mod case_event;
pub mod case_photo;
pub mod case_whistle;
pub mod centre;
pub mod department;
pub mod house;
pub mod household;
pub mod login_throttle;
pub mod otp_challenge;
pub mod person;
pub mod region;
pub mod role;
pub mod session;
pub mod staff;
pub mod team_member;
pub mod user_role;
