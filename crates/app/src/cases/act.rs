//! 受理处置 and 反馈考核: every action on an existing case. The domain table says whether the
//! caller may; this file applies what the action changes (who holds the case, which SLA clock
//! runs, the facts assessment counts) and writes case, timeline, whistle and audit together.

use super::{
    CaseView, calendar, category, holder_label, run_handling_clock, seat_name, seats, start_handling,
    stop_clock, time_mode, view, visible_case,
};
use crate::audit::{Event, record};
use crate::auth::Signed;
use crate::{App, AppError, ErrorKind};
use chrono::Duration;
use gridgov_domain::RegionCode;
use gridgov_domain::case::{CaseAction, CaseState, Rating, transition};
use gridgov_domain::sla::{TimeMode, deadline, warn_at};
use gridgov_store::cases as repo;
use gridgov_store::entity::{case, case_event, case_whistle};
use sea_orm::TransactionTrait;

/// An action with what it needs.
#[derive(Clone, Debug)]
pub struct Command {
    pub action: CaseAction,
    /// The version the caller saw: a stale one answers 409.
    pub version: i32,
    /// A note for the timeline; required as the reason of reject, return and rework.
    pub comment: Option<String>,
    /// Dispatch: the grid or lower centre (a region code) that will handle the case.
    pub target: Option<String>,
    /// Whistle: the department summoned.
    pub department_id: Option<i64>,
    /// Rate.
    pub rating: Option<Rating>,
    /// Merge: the case this report duplicates.
    pub merge_into: Option<i64>,
    /// Extend: minutes added to the handling deadline (in the category's time mode).
    pub extend_minutes: Option<i32>,
    /// Photos uploaded to the case that this step shows (a result, a verification).
    pub photo_ids: Vec<i64>,
}

fn unprocessable(code: &'static str, message: &str) -> AppError {
    AppError::new(ErrorKind::Unprocessable, code, message.to_owned())
}

/// The level a handler acts at, for 网格内/社区内解决率.
fn resolution_level(c: &case::Model) -> String {
    match c.holder_kind.as_str() {
        "department" => "department".into(),
        "grid" => "grid".into(),
        _ => c
            .holder_unit
            .as_deref()
            .and_then(|u| RegionCode::parse(u).ok())
            .map(|u| u.level().as_str().to_owned())
            .unwrap_or_else(|| "community".into()),
    }
}

/// Takes an action on a case.
pub async fn act(
    app: &App,
    who: &Signed,
    ip: Option<String>,
    id: i64,
    cmd: Command,
) -> Result<CaseView, AppError> {
    let conn = app.db.conn();
    let c = visible_case(conn, who, id).await?;
    let comment = cmd.comment.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if comment.is_some_and(|s| s.chars().count() > 2000) {
        return Err(AppError::invalid_field(
            "comment",
            "invalid_comment",
            "at most 2000 characters",
        ));
    }
    // A stale version first: of two operators acting on the same case, the later one learns
    // that someone acted, whatever the case's new state makes of their action.
    if cmd.version != c.version {
        return Err(gridgov_store::StoreError::Conflict.into());
    }
    let state = CaseState::parse(&c.state).unwrap_or(CaseState::Closed);
    let my_seats = seats(who, &c);
    let next = transition(state, cmd.action, &my_seats).map_err(|e| match e {
        gridgov_domain::case::TransitionError::Illegal { .. } => {
            AppError::new(ErrorKind::Conflict, e.code(), e.to_string())
        }
        gridgov_domain::case::TransitionError::NotYourTurn => {
            AppError::new(ErrorKind::Forbidden, e.code(), e.to_string())
        }
    })?;
    let now = app.clock.now();
    let cat = category(app, &c.district_code, c.category_id)
        .await?
        .ok_or_else(|| unprocessable("unknown_category", "the case's category is gone"))?;
    let cal = calendar(app).await?;
    let mut n = c.clone();
    n.state = next.as_str().to_owned();
    n.version = c.version + 1;
    n.updated_at = now;
    let mut whistle: Option<case_whistle::Model> = None;
    let mut answer_whistle: Option<bool> = None;
    let mut detail = serde_json::Map::new();
    let needs_reason = matches!(
        cmd.action,
        CaseAction::Reject | CaseAction::Return | CaseAction::Rework
    );
    if needs_reason && comment.is_none() {
        return Err(AppError::invalid_field(
            "comment",
            "reason_required",
            "give the reason",
        ));
    }
    match cmd.action {
        CaseAction::Accept => {
            n.accepted_at = Some(now);
            start_handling(&mut n, &cat, &cal, now);
        }
        CaseAction::Reject => stop_clock(&mut n),
        CaseAction::Merge => {
            let target = cmd
                .merge_into
                .ok_or_else(|| AppError::invalid_field("merge_into", "required", "the case to merge into"))?;
            let t = visible_case(conn, who, target).await.map_err(|e| match e.code {
                "case_not_found" => {
                    AppError::invalid_field("merge_into", "case_not_found", "no such case in your scope")
                }
                _ => e,
            })?;
            let open = CaseState::parse(&t.state).is_some_and(|s| s.is_open());
            if t.id == c.id || !open || t.category_id != c.category_id {
                return Err(AppError::invalid_field(
                    "merge_into",
                    "cannot_merge",
                    "an open case of the same category",
                ));
            }
            n.merged_into = Some(t.id);
            detail.insert("merge_into".into(), t.id.into());
            stop_clock(&mut n);
        }
        CaseAction::HandleOnSpot => {
            n.accepted_at = Some(now);
            start_handling(&mut n, &cat, &cal, now);
            n.handled_at = Some(now);
            n.holder_kind = "grid".into();
            n.holder_unit = c.grid_code.clone();
            n.resolution_level = Some("grid".into());
            stop_clock(&mut n);
        }
        CaseAction::Dispatch => {
            let raw = cmd
                .target
                .as_deref()
                .ok_or_else(|| AppError::invalid_field("target", "required", "a grid or centre"))?;
            let target = RegionCode::parse(raw)
                .map_err(|e| AppError::invalid(vec![crate::error::code_field("target", &e)]))?;
            let holder = c.holder_unit.as_deref().and_then(|u| RegionCode::parse(u).ok());
            let below = holder
                .as_ref()
                .is_some_and(|h| target.is_within(h) && target != *h);
            if !below {
                return Err(AppError::invalid_field(
                    "target",
                    "target_out_of_reach",
                    "a region below the holding centre",
                ));
            }
            if gridgov_store::regions::get_summary(conn, &target)
                .await?
                .is_none()
            {
                return Err(AppError::invalid_field(
                    "target",
                    "region_not_found",
                    "no such region",
                ));
            }
            n.holder_kind = if target.level().is_grid() {
                "grid"
            } else {
                "centre"
            }
            .into();
            n.holder_unit = Some(target.to_string());
            n.dispatched_at = c.dispatched_at.or(Some(now));
        }
        CaseAction::Escalate => {
            let up = c
                .holder_unit
                .as_deref()
                .and_then(|u| RegionCode::parse(u).ok())
                .and_then(|u| u.parent())
                .ok_or_else(|| unprocessable("cannot_escalate", "no centre above"))?;
            n.holder_kind = "centre".into();
            n.holder_unit = Some(up.to_string());
            n.owner_unit = up.to_string();
        }
        CaseAction::Whistle => {
            let d = cmd.department_id.ok_or_else(|| {
                AppError::invalid_field("department_id", "required", "the department summoned")
            })?;
            let depts = gridgov_store::staff::departments(conn, &c.district_code).await?;
            if !depts.iter().any(|x| x.id == d) {
                return Err(AppError::invalid_field(
                    "department_id",
                    "department_not_found",
                    "no such department",
                ));
            }
            // A grid whistles only over its category's direct channel (直通车).
            if c.holder_kind == "grid" && !cat.direct_channel {
                return Err(AppError::new(
                    ErrorKind::Forbidden,
                    "no_direct_channel",
                    "this category has no direct channel from the grid",
                ));
            }
            let ack = i64::from(cat.ack_minutes);
            // Departments report for duty in natural time: a whistle does not wait for Monday.
            let due = deadline(now, ack, TimeMode::Natural, &cal);
            n.stage = Some("ack".into());
            n.stage_warn_at = Some(warn_at(now, ack, TimeMode::Natural, &cal));
            n.stage_due_at = Some(due);
            n.holder_kind = "department".into();
            n.holder_department_id = Some(d);
            n.dispatched_at = c.dispatched_at.or(Some(now));
            detail.insert("department_id".into(), d.into());
            whistle = Some(case_whistle::Model {
                id: 0,
                district_code: c.district_code.clone(),
                case_id: c.id,
                department_id: d,
                region_code: c.region_code.clone(),
                street_code: c.street_code.clone(),
                whistled_at: now,
                ack_due_at: due,
                acknowledged_at: None,
                returned_at: None,
            });
            // Who whistled keeps the case's unit, so a return comes back to them.
        }
        CaseAction::Acknowledge => {
            answer_whistle = Some(true);
            run_handling_clock(&mut n);
        }
        CaseAction::Return => {
            if c.holder_kind == "department" && state == CaseState::Whistled {
                answer_whistle = Some(false);
            }
            n.holder_kind = "centre".into();
            n.holder_unit = Some(c.owner_unit.clone());
            n.holder_department_id = None;
            run_handling_clock(&mut n);
        }
        CaseAction::ReportResult => {
            n.handled_at = Some(now);
            n.resolution_level = Some(resolution_level(&c));
            if n.accepted_at.is_none() {
                n.accepted_at = Some(now);
            }
            stop_clock(&mut n);
        }
        CaseAction::Verify => {
            n.closed_at = Some(now);
            stop_clock(&mut n);
        }
        CaseAction::Rework => {
            n.rework_count += 1;
            n.handled_at = None;
            run_handling_clock(&mut n);
        }
        CaseAction::Extend => {
            let m = cmd
                .extend_minutes
                .filter(|m| (1..=30 * 24 * 60).contains(m))
                .ok_or_else(|| {
                    AppError::invalid_field("extend_minutes", "invalid_extension", "1 minute to 30 days")
                })?;
            let Some(due) = c.handle_due_at else {
                return Err(unprocessable(
                    "no_deadline",
                    "the case has no handling deadline yet",
                ));
            };
            let mode = time_mode(&cat);
            let new_due = deadline(due, i64::from(m), mode, &cal);
            // The warning moves by the same amount of counted time.
            n.handle_warn_at = c.handle_warn_at.map(|w| deadline(w, i64::from(m), mode, &cal));
            n.handle_due_at = Some(new_due);
            n.extended = true;
            if c.stage.as_deref() == Some("handle") {
                run_handling_clock(&mut n);
            }
            n.warned_at = None;
            n.overdue_at = None;
            detail.insert("extend_minutes".into(), m.into());
        }
        CaseAction::Rate => {
            if c.rating.is_some() {
                return Err(AppError::new(
                    ErrorKind::Conflict,
                    "already_rated",
                    "the case was rated already",
                ));
            }
            let r = cmd.rating.ok_or_else(|| {
                AppError::invalid_field("rating", "required", "satisfied, basically or not_satisfied")
            })?;
            n.rating = Some(r.as_str().to_owned());
            n.rated_at = Some(now);
            detail.insert("rating".into(), r.as_str().into());
        }
        CaseAction::Reopen => {
            let closed = c.closed_at.unwrap_or(now);
            if now - closed > Duration::days(app.config.reopen_days) {
                return Err(AppError::new(
                    ErrorKind::Conflict,
                    "reopen_window_passed",
                    format!(
                        "a case can be reopened within {} days of closing",
                        app.config.reopen_days
                    ),
                ));
            }
            n.closed_at = None;
            n.handled_at = None;
            n.rating = None;
            n.rated_at = None;
            n.holder_kind = "centre".into();
            n.holder_unit = Some(c.owner_unit.clone());
            n.holder_department_id = None;
            start_handling(&mut n, &cat, &cal, now);
        }
    }
    if n.stage != c.stage || n.stage_due_at != c.stage_due_at {
        n.warned_at = None;
        n.overdue_at = None;
    }
    let holder_after = holder_label(&n);
    let txn = conn.begin().await?;
    repo::update_case(&txn, &c, n.clone()).await?;
    if let Some(w) = whistle {
        repo::insert_whistle(&txn, w).await?;
    }
    if let Some(ack) = answer_whistle {
        repo::answer_whistle(&txn, c.id, ack, now).await?;
    }
    let photo_ids = serde_json::to_string(&cmd.photo_ids).unwrap_or_else(|_| "[]".into());
    let event_id = repo::append_event(
        &txn,
        case_event::Model {
            id: 0,
            district_code: c.district_code.clone(),
            case_id: c.id,
            at: now,
            action: cmd.action.as_str().to_owned(),
            actor_user_id: Some(who.user.id),
            actor_name: who.user.display_name.clone(),
            seat: seat_name(&my_seats, cmd.action, state).to_owned(),
            from_state: c.state.clone(),
            to_state: n.state.clone(),
            holder_after,
            comment: comment.map(str::to_owned),
            photo_ids,
            detail: serde_json::Value::Object(detail.clone()).to_string(),
        },
    )
    .await?;
    if !cmd.photo_ids.is_empty() {
        let tied = repo::attach_photos(&txn, c.id, &cmd.photo_ids, event_id).await?;
        if tied != cmd.photo_ids.len() as u64 {
            // Dropping the transaction rolls the whole action back.
            return Err(AppError::invalid_field(
                "photo_ids",
                "photo_not_found",
                "photos of this case not yet cited by another step",
            ));
        }
    }
    if state.is_open() && !next.is_open() {
        crate::deliberation::resolutions::case_ended(&txn, who, c.id, now).await?;
    }
    let id_text = c.id.to_string();
    let before = serde_json::json!({ "state": c.state, "version": c.version });
    let after = serde_json::json!({ "state": n.state, "version": n.version });
    record(
        &txn,
        &who.actor(ip),
        Event {
            district: c.district_code.clone(),
            region: Some(c.region_code.clone()),
            action: match cmd.action {
                CaseAction::Accept => "case.accept",
                CaseAction::Reject => "case.reject",
                CaseAction::Merge => "case.merge",
                CaseAction::HandleOnSpot => "case.handle_on_spot",
                CaseAction::Dispatch => "case.dispatch",
                CaseAction::Escalate => "case.escalate",
                CaseAction::Whistle => "case.whistle",
                CaseAction::Acknowledge => "case.acknowledge",
                CaseAction::Return => "case.return",
                CaseAction::ReportResult => "case.report_result",
                CaseAction::Verify => "case.verify",
                CaseAction::Rework => "case.rework",
                CaseAction::Extend => "case.extend",
                CaseAction::Rate => "case.rate",
                CaseAction::Reopen => "case.reopen",
            },
            entity_type: "case",
            entity_id: &id_text,
            before: Some(&before),
            after: Some(&after),
            detail: serde_json::Value::Object(detail),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(view(n, cat.name, now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use gridgov_domain::RegionLevel;

    #[test]
    fn resolution_levels() {
        let mut c = case::Model {
            id: 1,
            district_code: "370105000000".into(),
            category_id: 1,
            source: "patrol".into(),
            description: "x".into(),
            address: None,
            lon: 0.0,
            lat: 0.0,
            region_code: "370105001001001".into(),
            grid_code: Some("370105001001001".into()),
            community_code: "370105001001".into(),
            street_code: "370105001000".into(),
            reporter_user_id: None,
            idempotency_key: None,
            state: "handling".into(),
            version: 1,
            holder_kind: "grid".into(),
            holder_unit: Some("370105001001001".into()),
            holder_department_id: None,
            owner_unit: "370105001001".into(),
            major: false,
            reported_at: Utc::now(),
            accepted_at: None,
            dispatched_at: None,
            handled_at: None,
            closed_at: None,
            handle_warn_at: None,
            handle_due_at: None,
            stage: None,
            stage_warn_at: None,
            stage_due_at: None,
            warned_at: None,
            overdue_at: None,
            rework_count: 0,
            extended: false,
            rating: None,
            rated_at: None,
            resolution_level: None,
            merged_into: None,
            sla_next_at: None,
            updated_at: Utc::now(),
        };
        assert_eq!(resolution_level(&c), "grid");
        c.holder_kind = "centre".into();
        c.holder_unit = Some("370105001001".into());
        assert_eq!(resolution_level(&c), RegionLevel::Community.as_str());
        c.holder_unit = Some("370105001000".into());
        assert_eq!(resolution_level(&c), "street");
        c.holder_kind = "department".into();
        assert_eq!(resolution_level(&c), "department");
    }
}
