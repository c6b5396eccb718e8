//! Recording actions in the audit log, and verifying it.

use crate::AppError;
use chrono::Utc;
use gridgov_store::audit::{self as store, NewEntry};
use sea_orm::ConnectionTrait;
use serde_json::Value;

/// Who acts: a user of the web or API, or an operator at the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
    /// Role keys, comma-separated.
    pub roles: String,
    pub ip: Option<String>,
}

impl Actor {
    /// An operator running a `gridgov` command on the server.
    pub fn cli(command: &str) -> Actor {
        Actor {
            user_id: None,
            name: format!("cli:{command}"),
            roles: "system".into(),
            ip: None,
        }
    }
}

/// One thing that happened, for the log. `before`/`after` are stored as digests only, so the
/// log proves what changed without holding personal data.
#[derive(Clone, Debug, Default)]
pub struct Event<'a> {
    pub district: String,
    /// The region the entity belongs to (an account's unit, a region itself); none for
    /// district-wide things. Audit search is scoped by it.
    pub region: Option<String>,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub before: Option<&'a Value>,
    pub after: Option<&'a Value>,
    pub detail: Value,
}

/// Appends an event in the caller's transaction.
pub async fn record(conn: &impl ConnectionTrait, actor: &Actor, e: Event<'_>) -> Result<(), AppError> {
    store::append(conn, entry(actor, e)).await?;
    Ok(())
}

/// The log entry for an event, to append now or later (new reports are appended in batches).
pub fn entry(actor: &Actor, e: Event<'_>) -> NewEntry {
    NewEntry {
        district_code: e.district,
        region_code: e.region,
        at: Utc::now(),
        actor_user_id: actor.user_id,
        actor_name: actor.name.clone(),
        actor_roles: actor.roles.clone(),
        ip: actor.ip.clone(),
        action: e.action.to_owned(),
        entity_type: e.entity_type.to_owned(),
        entity_id: e.entity_id.to_owned(),
        before_digest: e.before.map(store::digest),
        after_digest: e.after.map(store::digest),
        detail: if e.detail.is_null() {
            "{}".to_owned()
        } else {
            e.detail.to_string()
        },
    }
}

pub use store::{Break, VerifyReport};

/// Checks every chain.
pub async fn verify(app: &crate::App) -> Result<VerifyReport, AppError> {
    Ok(store::verify(app.db.conn()).await?)
}
