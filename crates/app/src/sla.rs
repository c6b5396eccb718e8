//! The SLA ticker: marks running stages that reached their warning (80 %) or went overdue, and
//! escalates overdue cases of categories that ask for it.
//!
//! It is safe to run in every `gridgov serve` process at once: each mark is a conditional
//! update (`… WHERE warned_at IS NULL AND version = v`), so of several tickers exactly one
//! marks a case, writes its timeline entry and escalates it; the others lose quietly. Nothing
//! is missed across a restart, because what is due is read from stored deadlines, not from
//! timers in memory.

use crate::audit::{Actor, Event, record};
use crate::{App, AppError};
use chrono::{DateTime, Utc};
use gridgov_domain::RegionCode;
use gridgov_store::StoreError;
use gridgov_store::cases::{self as repo, SlaMark};
use gridgov_store::entity::{case, case_event};
use sea_orm::TransactionTrait;
use std::time::Duration;

/// What one tick did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TickReport {
    pub warned: u64,
    pub overdue: u64,
    pub escalated: u64,
}

const BATCH: u64 = 500;

fn ticker() -> Actor {
    Actor {
        user_id: None,
        name: "system:sla".into(),
        roles: "system".into(),
        ip: None,
    }
}

/// Where an overdue case goes when its category escalates automatically: from a grid to its
/// community centre, from a community or street centre to the one above. Departments and the
/// district centre have no one above them in the case flow; their overdue cases stay marked.
fn escalated(c: &case::Model) -> Option<case::Model> {
    let up = match c.holder_kind.as_str() {
        "grid" => c.community_code.clone(),
        "centre" => {
            let unit = RegionCode::parse(c.holder_unit.as_deref()?).ok()?;
            if unit.level() == gridgov_domain::RegionLevel::District {
                return None;
            }
            unit.parent()?.to_string()
        }
        _ => return None,
    };
    let mut n = c.clone();
    if c.state == "handling" {
        n.state = "accepted".into();
    }
    n.holder_kind = "centre".into();
    n.holder_unit = Some(up.clone());
    n.owner_unit = up;
    n.version = c.version + 1;
    Some(n)
}

/// Marks one case; `Ok(None)` when another ticker (or a user's action) got there first.
async fn mark_one(
    app: &App,
    c: &case::Model,
    mark: SlaMark,
    now: DateTime<Utc>,
) -> Result<Option<bool>, AppError> {
    let conn = app.db.conn();
    let auto = match mark {
        SlaMark::Overdue => crate::cases::category(app, &c.district_code, c.category_id)
            .await?
            .is_some_and(|k| k.auto_escalate),
        SlaMark::Warned => false,
    };
    let txn = conn.begin().await?;
    match repo::set_sla_mark(&txn, c.id, c.version, mark, now).await {
        Err(StoreError::Conflict) => return Ok(None),
        other => other?,
    }
    let up = if auto { escalated(c) } else { None };
    if let Some(n) = &up {
        let mut old = c.clone();
        match mark {
            SlaMark::Warned => old.warned_at = Some(now),
            SlaMark::Overdue => old.overdue_at = Some(now),
        }
        let mut n = n.clone();
        n.warned_at = old.warned_at;
        n.overdue_at = old.overdue_at;
        n.updated_at = now;
        repo::update_case(&txn, &old, n).await?;
    }
    let action = match (mark, up.is_some()) {
        (SlaMark::Warned, _) => "sla_warning",
        (SlaMark::Overdue, false) => "sla_overdue",
        (SlaMark::Overdue, true) => "auto_escalate",
    };
    let stage = c.stage.clone().unwrap_or_default();
    repo::append_event(
        &txn,
        case_event::Model {
            id: 0,
            district_code: c.district_code.clone(),
            case_id: c.id,
            at: now,
            action: action.into(),
            actor_user_id: None,
            actor_name: "system:sla".into(),
            seat: "system".into(),
            from_state: c.state.clone(),
            to_state: up.as_ref().map_or(c.state.clone(), |n| n.state.clone()),
            holder_after: up
                .as_ref()
                .and_then(|n| n.holder_unit.as_ref().map(|u| format!("centre:{u}"))),
            comment: None,
            photo_ids: "[]".into(),
            detail: serde_json::json!({ "stage": stage }).to_string(),
        },
    )
    .await?;
    let id_text = c.id.to_string();
    record(
        &txn,
        &ticker(),
        Event {
            district: c.district_code.clone(),
            region: Some(c.region_code.clone()),
            action: match action {
                "sla_warning" => "case.sla_warning",
                "sla_overdue" => "case.sla_overdue",
                _ => "case.auto_escalate",
            },
            entity_type: "case",
            entity_id: &id_text,
            detail: serde_json::json!({ "stage": stage }),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Some(up.is_some()))
}

/// One pass over everything due now.
pub async fn tick(app: &App) -> Result<TickReport, AppError> {
    let now = app.clock.now();
    let mut report = TickReport::default();
    for mark in [SlaMark::Warned, SlaMark::Overdue] {
        loop {
            let batch = repo::sla_candidates(app.db.conn(), mark, now, BATCH).await?;
            let mut marked = 0;
            for c in &batch {
                if let Some(escalated) = mark_one(app, c, mark, now).await? {
                    marked += 1;
                    match mark {
                        SlaMark::Warned => report.warned += 1,
                        SlaMark::Overdue => report.overdue += 1,
                    }
                    report.escalated += u64::from(escalated);
                }
            }
            // A short batch was the last; a batch where others won everything means they are
            // working through the same list, and the next tick picks up any remainder.
            if (batch.len() as u64) < BATCH || marked == 0 {
                break;
            }
        }
    }
    Ok(report)
}

/// Runs [`tick`] every `every` until the process ends; failures are logged and retried.
pub async fn run(app: App, every: Duration) {
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        match tick(&app).await {
            Ok(r) if r != TickReport::default() => {
                tracing::info!(
                    warned = r.warned,
                    overdue = r.overdue,
                    escalated = r.escalated,
                    "sla tick"
                )
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(code = e.code, "sla tick failed"),
        }
    }
}
