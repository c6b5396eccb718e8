//! The case lifecycle: report, act (accept, dispatch, whistle, …), read a case with its
//! timeline, and the inboxes. Who may do what is decided by the table in
//! `gridgov_domain::case`; this module works out the caller's seats, the side effects of each
//! action (holder, SLA clock, assessment facts) and writes case, timeline and audit in one
//! transaction.

mod act;
pub mod catalogue;
pub mod categories;
pub mod intake;
pub mod photos;
mod report;

pub use act::{Command, act};
pub use report::{NewReport, Reported, report};

use crate::access::require;
use crate::auth::Signed;
use crate::{App, AppError, ErrorKind};
use chrono::{DateTime, Utc};
use gridgov_domain::case::{CaseAction, CaseState, Seat, available};
use gridgov_domain::sla::{Calendar, SlaStatus, TimeMode};
use gridgov_domain::{RegionCode, RegionLevel};
use gridgov_store::cases::{self as repo, CaseFilter, CaseScope};
use gridgov_store::entity::{case, case_category, case_event};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use std::sync::Arc;
use utoipa::ToSchema;

/// A case as pages show it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CaseView {
    pub id: i64,
    /// 案件编号: reporting date and id, e.g. `20261125-000123`.
    pub case_no: String,
    pub category_id: i64,
    pub category_name: String,
    pub source: String,
    pub description: String,
    pub address: Option<String>,
    /// WGS84.
    pub lon: f64,
    pub lat: f64,
    pub region_code: String,
    pub grid_code: Option<String>,
    pub community_code: String,
    pub street_code: String,
    pub state: String,
    pub version: i32,
    /// `centre`, `grid` or `department`.
    pub holder_kind: String,
    pub holder_unit: Option<String>,
    pub holder_department_id: Option<i64>,
    pub owner_unit: String,
    pub major: bool,
    pub reported_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub handled_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub handle_due_at: Option<DateTime<Utc>>,
    /// The running SLA stage (`accept`, `ack`, `handle`) and where it stands now.
    pub stage: Option<String>,
    pub stage_due_at: Option<DateTime<Utc>>,
    /// `normal`, `warning` or `overdue`; none when no clock runs.
    pub sla: Option<String>,
    pub rework_count: i32,
    pub extended: bool,
    pub rating: Option<String>,
    pub resolution_level: Option<String>,
    pub merged_into: Option<i64>,
}

/// One entry of a case's timeline.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EventView {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub action: String,
    pub actor_name: String,
    /// The actor's relation to the case (`holding_centre`, `case_grid`, `reporter`, …).
    pub seat: String,
    pub from_state: String,
    pub to_state: String,
    /// Who held the case afterwards, e.g. `grid:370105001001001` or `department:3`.
    pub holder_after: Option<String>,
    pub comment: Option<String>,
}

/// A case with its timeline and what the caller may do next.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CaseDetail {
    pub case: CaseView,
    pub timeline: Vec<EventView>,
    pub photos: Vec<photos::PhotoView>,
    /// Actions the caller could take now.
    pub actions: Vec<String>,
    /// The deliberation resolutions this case implements (source `deliberation`).
    pub resolutions: Vec<ResolutionLink>,
}

/// A resolution a case implements: the link back from the case to the deliberation.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ResolutionLink {
    pub id: i64,
    pub title: String,
    pub topic_id: Option<i64>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CasePage {
    pub items: Vec<CaseView>,
    pub total: u64,
}

/// A category as the report form and the console show it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CategoryView {
    pub id: i64,
    pub code: String,
    /// The group's code for a category; none for a group.
    pub parent_code: Option<String>,
    pub name: String,
    /// `community`, `street` or `district`: the centre that accepts it.
    pub owner_level: String,
    pub department_id: Option<i64>,
    pub accept_minutes: i32,
    pub handle_minutes: i32,
    pub ack_minutes: i32,
    /// `natural` or `working`.
    pub time_mode: String,
    pub direct_channel: bool,
    pub auto_escalate: bool,
    pub enabled: bool,
    pub version: i32,
}

impl From<case_category::Model> for CategoryView {
    fn from(c: case_category::Model) -> Self {
        CategoryView {
            id: c.id,
            code: c.code,
            parent_code: c.parent_code,
            name: c.name,
            owner_level: c.owner_level,
            department_id: c.department_id,
            accept_minutes: c.accept_minutes,
            handle_minutes: c.handle_minutes,
            ack_minutes: c.ack_minutes,
            time_mode: c.time_mode,
            direct_channel: c.direct_channel,
            auto_escalate: c.auto_escalate,
            enabled: c.enabled,
            version: c.version,
        }
    }
}

fn case_no(c: &case::Model) -> String {
    case_no_of(c.id, c.reported_at)
}

/// 案件编号: the Beijing date of the report and the id.
pub(crate) fn case_no_of(id: i64, reported_at: DateTime<Utc>) -> String {
    let local = reported_at.with_timezone(&gridgov_domain::sla::shanghai());
    format!("{}-{:06}", local.format("%Y%m%d"), id)
}

pub(crate) fn view(c: case::Model, category_name: String, now: DateTime<Utc>) -> CaseView {
    let sla = match (c.stage_warn_at, c.stage_due_at) {
        (Some(w), Some(d)) if c.stage.is_some() => Some(SlaStatus::at(now, w, d).as_str().to_owned()),
        _ => None,
    };
    CaseView {
        case_no: case_no(&c),
        id: c.id,
        category_id: c.category_id,
        category_name,
        source: c.source,
        description: c.description,
        address: c.address,
        lon: c.lon,
        lat: c.lat,
        region_code: c.region_code,
        grid_code: c.grid_code,
        community_code: c.community_code,
        street_code: c.street_code,
        state: c.state,
        version: c.version,
        holder_kind: c.holder_kind,
        holder_unit: c.holder_unit,
        holder_department_id: c.holder_department_id,
        owner_unit: c.owner_unit,
        major: c.major,
        reported_at: c.reported_at,
        accepted_at: c.accepted_at,
        handled_at: c.handled_at,
        closed_at: c.closed_at,
        handle_due_at: c.handle_due_at,
        stage: c.stage,
        stage_due_at: c.stage_due_at,
        sla,
        rework_count: c.rework_count,
        extended: c.extended,
        rating: c.rating,
        resolution_level: c.resolution_level,
        merged_into: c.merged_into,
    }
}

/// Which cases the caller may see: the region scope of `case:case:read` (plus their own reports
/// with an own-records scope); department staff only what concerns their department.
pub(crate) fn case_scope(who: &Signed) -> CaseScope {
    CaseScope {
        region: who.principal.scope("case:case:read"),
        // An account of a department without one sees nothing through it.
        department: (who.user.kind == "department").then_some(who.user.department_id.unwrap_or(-1)),
    }
}

fn not_found(id: i64) -> AppError {
    AppError::not_found("case_not_found", format!("no case {id}"))
}

/// A case the caller may see, or 404 (out of scope reads as absent).
pub(crate) async fn visible_case(
    conn: &impl ConnectionTrait,
    who: &Signed,
    id: i64,
) -> Result<case::Model, AppError> {
    require(&who.principal, "case:case:read")?;
    let (rows, _) = repo::list_cases(
        conn,
        &who.user.district_code,
        &case_scope(who),
        &CaseFilter {
            id: Some(id),
            ..Default::default()
        },
        0,
        1,
    )
    .await?;
    rows.into_iter().next().ok_or_else(|| not_found(id))
}

/// The level of a centre's region (community, street or district), if the code is one.
fn centre_level(code: &str) -> Option<RegionLevel> {
    RegionCode::parse(code).ok().map(|c| c.level()).filter(|l| {
        matches!(
            l,
            RegionLevel::Community | RegionLevel::Street | RegionLevel::District
        )
    })
}

/// The caller's relations to a case. Acting for a centre, a grid or a department needs
/// `case:case:handle` and an account of that unit or department; the reporter needs nothing more.
pub(crate) fn seats(who: &Signed, c: &case::Model) -> Vec<Seat> {
    let mut out = Vec::new();
    if c.reporter_user_id == Some(who.user.id) {
        out.push(Seat::Reporter);
    }
    if !who.principal.can("case:case:handle") {
        return out;
    }
    if who.user.kind == "department" {
        if c.holder_kind == "department"
            && c.holder_department_id.is_some()
            && c.holder_department_id == who.user.department_id
        {
            out.push(Seat::HoldingDepartment);
        }
        return out;
    }
    let Some(unit) = who.user.unit_code.as_deref() else {
        return out;
    };
    let held_by_unit = c.holder_unit.as_deref() == Some(unit);
    match centre_level(unit) {
        Some(level) => {
            if c.holder_kind == "centre" && held_by_unit {
                out.push(Seat::HoldingCentre { level });
            }
            if c.owner_unit == unit {
                out.push(Seat::OwningCentre { level });
            }
        }
        None => {
            if c.holder_kind == "grid" && held_by_unit {
                out.push(Seat::HoldingGrid);
            }
            if c.grid_code.as_deref() == Some(unit) {
                out.push(Seat::CaseGrid);
            }
        }
    }
    out
}

pub(crate) fn seat_name(seats: &[Seat], action: CaseAction, state: CaseState) -> &'static str {
    // The first seat that admits the action names the actor's role on the timeline.
    seats
        .iter()
        .find(|s| gridgov_domain::case::transition(state, action, std::slice::from_ref(s)).is_ok())
        .map(|s| match s {
            Seat::HoldingCentre { .. } => "holding_centre",
            Seat::HoldingGrid => "holding_grid",
            Seat::HoldingDepartment => "holding_department",
            Seat::OwningCentre { .. } => "owning_centre",
            Seat::CaseGrid => "case_grid",
            Seat::Reporter => "reporter",
        })
        .unwrap_or("system")
}

/// The working-day calendar (a few dozen rows a year), through the cache.
pub(crate) async fn calendar(app: &App) -> Result<Arc<Calendar>, AppError> {
    let now = app.clock.now();
    if let Some(c) = app.caches.calendar.get(&(), now) {
        return Ok(c);
    }
    let days = repo::calendar(app.db.conn()).await?;
    let parse = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
    let cal = Arc::new(Calendar::new(
        days.iter()
            .filter(|d| d.kind == "holiday")
            .filter_map(|d| parse(&d.day)),
        days.iter()
            .filter(|d| d.kind == "workday")
            .filter_map(|d| parse(&d.day)),
    ));
    app.caches.calendar.put((), cal.clone(), now);
    Ok(cal)
}

/// A district's categories and groups, through the cache.
pub(crate) async fn district_categories(
    app: &App,
    district: &str,
) -> Result<Arc<Vec<case_category::Model>>, AppError> {
    let now = app.clock.now();
    let key = district.to_owned();
    if let Some(c) = app.caches.categories.get(&key, now) {
        return Ok(c);
    }
    let rows = Arc::new(repo::categories(app.db.conn(), district).await?);
    app.caches.categories.put(key, rows.clone(), now);
    Ok(rows)
}

/// One category of a district, through the cache.
pub(crate) async fn category(
    app: &App,
    district: &str,
    id: i64,
) -> Result<Option<case_category::Model>, AppError> {
    Ok(district_categories(app, district)
        .await?
        .iter()
        .find(|c| c.id == id)
        .cloned())
}

pub(crate) fn time_mode(c: &case_category::Model) -> TimeMode {
    TimeMode::parse(&c.time_mode).unwrap_or(TimeMode::Natural)
}

/// The handling clock, as stored on the case, becomes the running stage.
pub(crate) fn run_handling_clock(c: &mut case::Model) {
    c.stage = c.handle_due_at.map(|_| "handle".to_owned());
    c.stage_warn_at = c.handle_warn_at;
    c.stage_due_at = c.handle_due_at;
}

pub(crate) fn stop_clock(c: &mut case::Model) {
    c.stage = None;
    c.stage_warn_at = None;
    c.stage_due_at = None;
}

/// Starts the handling clock at `at` with the category's limit.
pub(crate) fn start_handling(
    c: &mut case::Model,
    cat: &case_category::Model,
    cal: &Calendar,
    at: DateTime<Utc>,
) {
    let (m, mode) = (i64::from(cat.handle_minutes), time_mode(cat));
    c.handle_warn_at = Some(gridgov_domain::sla::warn_at(at, m, mode, cal));
    c.handle_due_at = Some(gridgov_domain::sla::deadline(at, m, mode, cal));
    run_handling_clock(c);
}

/// Who holds a case, as the timeline records it: `grid:CODE`, `centre:CODE`, `department:ID`.
pub(crate) fn holder_label(c: &case::Model) -> Option<String> {
    match c.holder_kind.as_str() {
        "department" => c.holder_department_id.map(|d| format!("department:{d}")),
        k => c.holder_unit.as_ref().map(|u| format!("{k}:{u}")),
    }
}

async fn category_names(
    conn: &impl ConnectionTrait,
    district: &str,
) -> Result<std::collections::HashMap<i64, String>, AppError> {
    Ok(repo::categories(conn, district)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect())
}

fn event_view(e: case_event::Model) -> EventView {
    EventView {
        id: e.id,
        at: e.at,
        action: e.action,
        actor_name: e.actor_name,
        seat: e.seat,
        from_state: e.from_state,
        to_state: e.to_state,
        holder_after: e.holder_after,
        comment: e.comment,
    }
}

/// A case with its timeline and the caller's possible actions.
pub async fn detail(app: &App, who: &Signed, id: i64) -> Result<CaseDetail, AppError> {
    let conn = app.db.conn();
    let c = visible_case(conn, who, id).await?;
    let state = CaseState::parse(&c.state).unwrap_or(CaseState::Closed);
    let seats = seats(who, &c);
    let now = app.clock.now();
    // What the table allows, less what the case's facts already rule out.
    let reopenable = c
        .closed_at
        .is_some_and(|t| now - t <= chrono::Duration::days(app.config.reopen_days));
    let actions = available(state, &seats)
        .into_iter()
        .filter(|a| match a {
            CaseAction::Rate => c.rating.is_none(),
            CaseAction::Reopen => reopenable,
            _ => true,
        })
        .map(|a| a.as_str().to_owned())
        .collect();
    let timeline = repo::events(conn, id)
        .await?
        .into_iter()
        .map(event_view)
        .collect();
    let photos = repo::photos(conn, id)
        .await?
        .into_iter()
        .map(photos::PhotoView::from)
        .collect();
    let name = category(app, &c.district_code, c.category_id)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    let resolutions = gridgov_store::resolutions::of_case(conn, id)
        .await?
        .into_iter()
        .map(|r| ResolutionLink {
            id: r.id,
            title: r.title,
            topic_id: r.topic_id,
        })
        .collect();
    Ok(CaseDetail {
        case: view(c, name, now),
        timeline,
        photos,
        actions,
        resolutions,
    })
}

/// Which inbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inbox {
    /// Everything in scope (the console's case search).
    All,
    /// Cases held by the caller's centre or grid (待办).
    Mine,
    /// Cases whistled to or held by the caller's department.
    Department,
    /// Cases the caller reported.
    Reported,
}

/// An inbox query.
#[derive(Clone, Debug)]
pub struct ListQuery {
    pub inbox: Inbox,
    pub states: Vec<String>,
    pub category: Option<i64>,
    pub region: Option<String>,
    pub overdue: bool,
    pub q: Option<String>,
    pub page: u64,
    pub page_size: u64,
}

/// A page of cases in the caller's scope, newest first.
pub async fn list(app: &App, who: &Signed, q: ListQuery) -> Result<CasePage, AppError> {
    require(&who.principal, "case:case:read")?;
    let mut errs = Vec::new();
    for s in &q.states {
        if CaseState::parse(s).is_none() {
            errs.push(AppError::field("state", "unknown_state", format!("no state {s}")));
        }
    }
    let region = match q
        .region
        .as_deref()
        .filter(|r| !r.is_empty())
        .map(RegionCode::parse)
        .transpose()
    {
        Ok(r) => r,
        Err(e) => {
            errs.push(crate::error::code_field("region", &e));
            None
        }
    };
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let mut f = CaseFilter {
        states: q.states.clone(),
        category: q.category,
        region,
        overdue_at: q.overdue.then(|| app.clock.now()),
        q: q.q.clone(),
        ..Default::default()
    };
    match q.inbox {
        Inbox::All => {}
        Inbox::Mine => {
            f.holder_unit = Some(who.user.unit_code.clone().unwrap_or_default());
        }
        Inbox::Department => {
            let Some(d) = who.user.department_id else {
                return Err(AppError::new(
                    ErrorKind::Forbidden,
                    "not_department_staff",
                    "this inbox is for department staff",
                ));
            };
            f.holder_department = Some(d);
        }
        Inbox::Reported => f.reporter = Some(who.user.id),
    }
    let size = q.page_size.clamp(1, 100);
    let conn = app.db.conn();
    let (rows, total) = repo::list_cases(
        conn,
        &who.user.district_code,
        &case_scope(who),
        &f,
        q.page.saturating_sub(1) * size,
        size,
    )
    .await?;
    let names = category_names(conn, &who.user.district_code).await?;
    let now = app.clock.now();
    let items = rows
        .into_iter()
        .map(|c| {
            let name = names.get(&c.category_id).cloned().unwrap_or_default();
            view(c, name, now)
        })
        .collect();
    Ok(CasePage { items, total })
}

/// The district's categories (groups first in catalogue order, then their categories).
pub async fn categories(app: &App, who: &Signed) -> Result<Vec<CategoryView>, AppError> {
    require(&who.principal, "case:category:read")?;
    Ok(district_categories(app, &who.user.district_code)
        .await?
        .iter()
        .cloned()
        .map(CategoryView::from)
        .collect())
}

/// Writes the seed catalogue for a district (the demo, and a new district's first start).
pub async fn seed_categories(conn: &impl ConnectionTrait, district: &str) -> Result<usize, AppError> {
    let depts = gridgov_store::staff::departments(conn, district).await?;
    let dept = |key: &str| depts.iter().find(|d| d.code == key).map(|d| d.id);
    let mut rows = Vec::new();
    let mut sort = 0;
    let base = |code: &str, parent: Option<&str>, name: &str, sort: i32| case_category::Model {
        id: 0,
        district_code: district.to_owned(),
        code: code.to_owned(),
        parent_code: parent.map(str::to_owned),
        name: name.to_owned(),
        owner_level: "community".into(),
        department_id: None,
        accept_minutes: 0,
        handle_minutes: 0,
        ack_minutes: 0,
        time_mode: "natural".into(),
        direct_channel: false,
        auto_escalate: false,
        enabled: true,
        sort,
        version: 1,
    };
    for g in &catalogue::CATALOGUE {
        sort += 1;
        rows.push(base(g.code, None, g.name, sort));
        for s in g.items {
            sort += 1;
            rows.push(case_category::Model {
                owner_level: s.level.as_str().into(),
                department_id: s.department.and_then(dept),
                accept_minutes: s.accept,
                handle_minutes: s.handle,
                ack_minutes: s.ack,
                time_mode: s.mode.as_str().into(),
                direct_channel: s.direct,
                auto_escalate: s.auto_escalate,
                ..base(s.code, Some(g.code), s.name, sort)
            });
        }
    }
    let n = rows.len();
    repo::insert_categories(conn, rows).await?;
    Ok(n)
}
