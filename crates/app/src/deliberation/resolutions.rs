//! Resolutions (决议): a passed proposal published for its notice period (公示), then turned
//! into cases (source `deliberation`, linked both ways through `resolution_case`) and tasks
//! (milestones) that residents follow, completed when every case is closed and every task done,
//! and rated by the residents of the topic's area.
//!
//! **Completion is pushed, not polled.** A case that closes (in `cases::act`) and a task marked
//! done both call [`complete_if_done`] in their own transaction, under the resolution's row
//! lock, so the last one to finish completes the resolution and moves its topic to `completed`
//! (timeline, notifications to raiser and supporters) atomically with its own change. A case
//! reopened later does not reopen a completed resolution: its rating has begun.
//!
//! **Cases are created through the ordinary report** (`cases::report`), so they are located,
//! routed and timed like every other case; each carries an idempotency key of the resolution
//! and its position, so a retried implement finds the cases it created before instead of
//! creating them twice. They are linked in the implement's transaction.

use super::meetings::reaches as meeting_reaches;
use super::topics::{self, MovedBy};
use super::{MEETING_READ, MEETING_WRITE, TOPIC_READ, TOPIC_SUPPORT, home_grid, topic_scope, window};
use crate::access::require;
use crate::auth::Signed;
use crate::cases::{NewReport, report};
use crate::{App, AppError, ErrorKind, FieldError};
use chrono::{DateTime, NaiveDate, Utc};
use gridgov_domain::RegionCode;
use gridgov_domain::case::{CaseState, Rating};
use gridgov_domain::deliberation::{
    ImplementError, Kind, ProposalState, RatingError, ResolutionState, TopicAction, TopicState,
    check_implement, check_notice_days, check_rating, implementation_complete, may_implement, notice_ends,
    resolution_state,
};
use gridgov_geo::Crs;
use gridgov_store::entity::{case, resolution, resolution_task, topic_rating};
use gridgov_store::meetings as meetings_repo;
use gridgov_store::resolutions::{self as repo, ResolutionFilter};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The notice period when none is given: five days, a working week of 公示.
pub const DEFAULT_NOTICE_DAYS: u32 = 5;
/// Cases and tasks one implement may create.
const MAX_CASES: usize = 20;
const MAX_TASKS: usize = 50;

/// Publishing a passed proposal as a resolution.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct PublishInput {
    pub proposal_id: i64,
    /// 1 to 100 characters; the proposal's title when left out.
    pub title: Option<String>,
    /// What was decided, 1 to 4000 characters.
    #[serde(default)]
    pub text: String,
    /// The notice period (公示期) in days, 0 to 30 (0: at once, for urgent safety matters);
    /// 5 when left out.
    pub notice_days: Option<i64>,
}

/// A case to create for a resolution.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct CaseOrder {
    /// A reportable case category of the district.
    pub category_id: i64,
    /// 1 to 2000 characters; the resolution's title and text when left out.
    pub description: Option<String>,
    pub address: Option<String>,
    /// Where (WGS84, or GCJ-02 with `crs: gcj02`); the topic's point when left out.
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub crs: Option<String>,
}

/// A task or milestone of a resolution.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct TaskInput {
    /// 1 to 200 characters.
    #[serde(default)]
    pub title: String,
    /// Who does it (a unit or a person, as published), at most 100 characters.
    pub owner: Option<String>,
    pub due_on: Option<NaiveDate>,
}

/// Turning a resolution into work, once its notice period is over.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct ImplementInput {
    /// The resolution's version read.
    pub version: i32,
    /// New cases to create (source `deliberation`), at most 20.
    #[serde(default)]
    pub cases: Vec<CaseOrder>,
    /// Existing cases (in the caller's scope) that implement it.
    #[serde(default)]
    pub case_ids: Vec<i64>,
    /// Tasks and milestones, at most 50.
    #[serde(default)]
    pub tasks: Vec<TaskInput>,
}

/// Marking a task done (or not done again, while the resolution is not completed).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct TaskEdit {
    pub version: i32,
    pub done: bool,
    /// What was done, at most 500 characters (published).
    pub note: Option<String>,
}

/// A resident's rating of a completed topic's outcome.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct RatingInput {
    /// `satisfied`, `basically` or `not_satisfied` (满意, 基本满意, 不满意).
    #[serde(default)]
    pub rating: String,
    /// At most 500 characters.
    pub comment: Option<String>,
}

/// A resolution as lists show it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ResolutionView {
    pub id: i64,
    /// The area: a grid, a community or a street code (the meeting's).
    pub area: String,
    pub street: String,
    pub community: Option<String>,
    pub topic_id: Option<i64>,
    pub meeting_id: i64,
    pub proposal_id: i64,
    pub title: String,
    pub text: String,
    pub notice_days: i32,
    pub published_at: DateTime<Utc>,
    pub notice_ends_at: DateTime<Utc>,
    pub implemented_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    /// `publicised`, `implementing` or `completed`.
    pub state: String,
    pub version: i32,
}

fn view(r: resolution::Model) -> ResolutionView {
    ResolutionView {
        state: state_of(&r).code().to_owned(),
        id: r.id,
        area: r.region_code,
        street: r.street_code,
        community: r.community_code,
        topic_id: r.topic_id,
        meeting_id: r.meeting_id,
        proposal_id: r.proposal_id,
        title: r.title,
        text: r.text,
        notice_days: r.notice_days,
        published_at: r.published_at,
        notice_ends_at: r.notice_ends_at,
        implemented_at: r.implemented_at,
        completed_at: r.completed_at,
        version: r.version,
    }
}

fn state_of(r: &resolution::Model) -> ResolutionState {
    resolution_state(r.implemented_at.is_some(), r.completed_at.is_some())
}

/// A case implementing a resolution.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LinkedCase {
    pub id: i64,
    pub case_no: String,
    pub state: String,
    /// Staff only: a resident's report may be linked, and residents see its progress only.
    pub description: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// A task or milestone.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TaskView {
    pub id: i64,
    pub position: i32,
    pub title: String,
    pub owner: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub done_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
    pub version: i32,
}

fn task_view(t: resolution_task::Model) -> TaskView {
    TaskView {
        id: t.id,
        position: t.position,
        title: t.title,
        owner: t.owner,
        due_on: t.due_on,
        done_at: t.done_at,
        note: t.note,
        version: t.version,
    }
}

/// How residents rated a topic's outcome.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct RatingSummary {
    pub satisfied: u32,
    pub basically: u32,
    pub not_satisfied: u32,
    pub total: u32,
    /// 满意率: satisfied and basically satisfied of all ratings, in per cent (none without ratings).
    pub satisfied_percent: Option<f64>,
}

fn summary(rows: &[topic_rating::Model]) -> RatingSummary {
    let mut s = RatingSummary::default();
    for r in rows {
        match Rating::parse(&r.rating) {
            Some(Rating::Satisfied) => s.satisfied += 1,
            Some(Rating::Basically) => s.basically += 1,
            Some(Rating::NotSatisfied) => s.not_satisfied += 1,
            None => continue,
        }
        s.total += 1;
    }
    if s.total > 0 {
        let pct = f64::from(s.satisfied + s.basically) * 100.0 / f64::from(s.total);
        s.satisfied_percent = Some((pct * 10.0).round() / 10.0);
    }
    s
}

/// A resolution with its cases, tasks, ratings and what the caller may do.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ResolutionDetail {
    pub resolution: ResolutionView,
    pub cases: Vec<LinkedCase>,
    pub tasks: Vec<TaskView>,
    /// The notice period is over (implement is allowed, if not done yet).
    pub may_implement: bool,
    pub ratings: RatingSummary,
    /// The caller's own rating of the topic, if any.
    pub my_rating: Option<String>,
    /// What the caller may do now: `implement`, `rate`.
    pub actions: Vec<String>,
}

/// A page of resolutions with the total.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ResolutionPage {
    pub items: Vec<ResolutionView>,
    pub total: u64,
}

/// What a list asks for.
#[derive(Clone, Debug, Default)]
pub struct ResolutionQuery {
    pub region: Option<String>,
    pub state: Option<String>,
    pub topic_id: Option<i64>,
    pub meeting_id: Option<i64>,
    pub page: u64,
    pub page_size: u64,
}

fn not_found(id: i64) -> AppError {
    AppError::not_found("resolution_not_found", format!("no resolution {id}"))
}

fn conflict(code: &'static str, message: &str) -> AppError {
    AppError::new(ErrorKind::Conflict, code, message.to_owned())
}

fn reaches(who: &Signed, perm: &str, r: &resolution::Model) -> bool {
    let scope = topic_scope(who, perm);
    r.district_code == who.user.district_code
        && RegionCode::parse(&r.region_code).is_ok_and(|c| scope.reaches(&c))
}

/// A resolution the caller's scope of `perm` reaches (residents: their district, for reading).
async fn visible(
    conn: &impl ConnectionTrait,
    who: &Signed,
    perm: &str,
    id: i64,
) -> Result<resolution::Model, AppError> {
    require(&who.principal, perm)?;
    let r = repo::get(conn, id).await?.ok_or_else(|| not_found(id))?;
    if reaches(who, perm, &r) {
        Ok(r)
    } else {
        Err(not_found(id))
    }
}

fn audited(r: &resolution::Model) -> serde_json::Value {
    serde_json::json!({
        "title": r.title, "topic_id": r.topic_id, "meeting_id": r.meeting_id,
        "proposal_id": r.proposal_id, "notice_days": r.notice_days, "state": state_of(r).code(),
        "version": r.version,
    })
}

async fn audit(
    conn: &impl ConnectionTrait,
    who: &Signed,
    ip: Option<String>,
    r: &resolution::Model,
    action: &str,
    before: Option<&resolution::Model>,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    let fields = (before.map(audited), audited(r));
    let area = (r.district_code.as_str(), r.region_code.as_str());
    super::audit_in_area(conn, who, ip, area, ("resolution", r.id), action, fields, detail).await
}

/// An optional text field: left out or blank is none.
fn optional(field: &str, raw: Option<&str>, max: usize, errs: &mut Vec<FieldError>) -> Option<String> {
    topics::text(field, raw.unwrap_or(""), max, false, errs)
}

/// Publishes a passed proposal (409 `proposal_not_passed` otherwise) as a resolution for its
/// notice period; once per proposal (409 `already_published`). Its topic moves to
/// `publicised`. Needs `deliberation:meeting:write` on the meeting; audited as
/// `resolution.publish`.
pub async fn publish(
    app: &App,
    who: &Signed,
    input: PublishInput,
    ip: Option<String>,
) -> Result<ResolutionDetail, AppError> {
    require(&who.principal, MEETING_WRITE)?;
    let conn = app.db.conn();
    let proposal_missing = || {
        AppError::invalid_field(
            "proposal_id",
            "proposal_not_found",
            format!("no proposal {}", input.proposal_id),
        )
    };
    let p = meetings_repo::proposal(conn, input.proposal_id)
        .await?
        .ok_or_else(proposal_missing)?;
    let m = meetings_repo::meeting(conn, p.meeting_id)
        .await?
        .filter(|m| meeting_reaches(who, MEETING_WRITE, m))
        .ok_or_else(proposal_missing)?;
    if p.state != ProposalState::Closed.code() || p.passed != Some(true) {
        return Err(conflict(
            "proposal_not_passed",
            "only a proposal voted through is published",
        ));
    }
    let mut errs = Vec::new();
    let title = topics::text(
        "title",
        input.title.as_deref().unwrap_or(&p.title),
        100,
        true,
        &mut errs,
    );
    let body = topics::text("text", &input.text, 4000, true, &mut errs);
    let days = match input.notice_days {
        None => Some(DEFAULT_NOTICE_DAYS),
        Some(d) => u32::try_from(d)
            .map_err(|_| "notice_out_of_range")
            .and_then(check_notice_days)
            .map_err(|code| errs.push(AppError::field("notice_days", code, "0 to 30 days")))
            .ok(),
    };
    let (Some(title), Some(body), Some(days), true) = (title, body, days, errs.is_empty()) else {
        return Err(AppError::invalid(errs));
    };
    let now = app.clock.now();
    let txn = conn.begin().await?;
    let mut r = resolution::Model {
        id: 0,
        district_code: m.district_code.clone(),
        street_code: m.street_code.clone(),
        community_code: m.community_code.clone(),
        region_code: m.region_code.clone(),
        topic_id: p.topic_id,
        meeting_id: m.id,
        proposal_id: p.id,
        title,
        text: body,
        notice_days: i32::try_from(days).unwrap_or(0),
        published_at: now,
        notice_ends_at: notice_ends(now, days),
        implemented_at: None,
        completed_at: None,
        version: 1,
        created_by: Some(who.user.id),
        created_at: now,
        updated_at: now,
    };
    r.id = repo::insert(&txn, r.clone()).await.map_err(|e| match e {
        gridgov_store::StoreError::Duplicate => conflict(
            "already_published",
            "this proposal's resolution is published already",
        ),
        e => e.into(),
    })?;
    if let Some(t) = r.topic_id {
        topics::move_topic(&txn, who, t, TopicAction::Publish, MovedBy::Resolution(r.id), now).await?;
    }
    audit(
        &txn,
        who,
        ip,
        &r,
        "resolution.publish",
        None,
        serde_json::json!({ "notice_days": days }),
    )
    .await?;
    txn.commit().await?;
    detail(app, who, r).await
}

/// Resolutions in the caller's scope (residents: their district), newest first.
pub async fn list(app: &App, who: &Signed, q: ResolutionQuery) -> Result<ResolutionPage, AppError> {
    require(&who.principal, MEETING_READ)?;
    let mut errs = Vec::new();
    let region = q
        .region
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|r| {
            RegionCode::parse(r.trim())
                .map_err(|e| errs.push(crate::error::code_field("region", &e)))
                .ok()
        });
    let state = q.state.as_deref().filter(|s| !s.is_empty()).and_then(|s| {
        let k = ResolutionState::parse(s);
        if k.is_none() {
            errs.push(AppError::field(
                "state",
                "unknown_state",
                "publicised, implementing or completed",
            ));
        }
        k.map(|k| k.code().to_owned())
    });
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let f = ResolutionFilter {
        region,
        state,
        topic_id: q.topic_id,
        meeting_id: q.meeting_id,
    };
    let (offset, limit) = window(q.page, q.page_size);
    let scope = topic_scope(who, MEETING_READ);
    let (rows, total) = repo::list(app.db.conn(), &who.user.district_code, &scope, &f, offset, limit).await?;
    Ok(ResolutionPage {
        items: rows.into_iter().map(view).collect(),
        total,
    })
}

/// A resolution with its cases, tasks and ratings.
pub async fn get(app: &App, who: &Signed, id: i64) -> Result<ResolutionDetail, AppError> {
    let r = visible(app.db.conn(), who, MEETING_READ, id).await?;
    detail(app, who, r).await
}

async fn detail(app: &App, who: &Signed, r: resolution::Model) -> Result<ResolutionDetail, AppError> {
    let conn = app.db.conn();
    let staff = who.user.kind != "resident";
    let cases = repo::cases(conn, r.id)
        .await?
        .into_iter()
        .map(|c| LinkedCase {
            case_no: crate::cases::case_no_of(c.id, c.reported_at),
            id: c.id,
            state: c.state,
            description: staff.then_some(c.description),
            closed_at: c.closed_at,
        })
        .collect();
    let tasks = repo::tasks(conn, r.id)
        .await?
        .into_iter()
        .map(task_view)
        .collect();
    let ratings = match r.topic_id {
        Some(t) => repo::ratings(conn, t).await?,
        None => Vec::new(),
    };
    let my_rating = ratings
        .iter()
        .find(|x| x.account_id == who.user.id)
        .map(|x| x.rating.clone());
    let now = app.clock.now();
    let may = may_implement(now, r.notice_ends_at);
    let mut actions = Vec::new();
    if r.implemented_at.is_none()
        && may
        && who.principal.can(MEETING_WRITE)
        && reaches(who, MEETING_WRITE, &r)
    {
        actions.push("implement".to_owned());
    }
    if r.completed_at.is_some()
        && my_rating.is_none()
        && r.topic_id.is_some()
        && who.principal.can(TOPIC_SUPPORT)
    {
        actions.push("rate".to_owned());
    }
    Ok(ResolutionDetail {
        ratings: summary(&ratings),
        resolution: view(r),
        cases,
        tasks,
        may_implement: may,
        my_rating,
        actions,
    })
}

fn implement_error(e: ImplementError) -> AppError {
    match e {
        ImplementError::Nothing => AppError::invalid_field("cases", e.code(), e.to_string()),
        _ => conflict(e.code(), &e.to_string()),
    }
}

/// What an implement was checked to be.
struct Plan {
    reports: Vec<NewReport>,
    tasks: Vec<(String, Option<String>, Option<NaiveDate>)>,
    existing: Vec<case::Model>,
}

async fn plan(
    app: &App,
    who: &Signed,
    r: &resolution::Model,
    input: &ImplementInput,
) -> Result<Plan, AppError> {
    let conn = app.db.conn();
    let mut errs = Vec::new();
    if input.cases.len() > MAX_CASES {
        errs.push(AppError::field(
            "cases",
            "too_many",
            format!("at most {MAX_CASES} cases"),
        ));
    }
    if input.tasks.len() > MAX_TASKS {
        errs.push(AppError::field(
            "tasks",
            "too_many",
            format!("at most {MAX_TASKS} tasks"),
        ));
    }
    if input.case_ids.len() > MAX_CASES {
        errs.push(AppError::field(
            "case_ids",
            "too_many",
            format!("at most {MAX_CASES} cases"),
        ));
    }
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    if !input.cases.is_empty() {
        require(&who.principal, "case:case:report")?;
    }
    let point = match r.topic_id {
        Some(t) => gridgov_store::deliberation::topic(conn, t)
            .await?
            .and_then(|t| t.lon.zip(t.lat)),
        None => None,
    };
    let default_description: String = format!("【议事决议】{}：{}", r.title, r.text)
        .chars()
        .take(2000)
        .collect();
    let mut reports = Vec::new();
    for (i, c) in input.cases.iter().enumerate() {
        let at = |f: &str| format!("cases[{i}].{f}");
        let description = optional(&at("description"), c.description.as_deref(), 2000, &mut errs)
            .unwrap_or_else(|| default_description.clone());
        let crs = match c.crs.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Some(Crs::Wgs84),
            Some(s) => s.parse::<Crs>().ok().or_else(|| {
                errs.push(AppError::field(at("crs"), "unknown_crs", "wgs84 or gcj02"));
                None
            }),
        };
        let given = c.lon.zip(c.lat);
        let (lon, lat, crs) = match (given, point) {
            (Some((lon, lat)), _) => (lon, lat, crs.unwrap_or(Crs::Wgs84)),
            (None, Some((lon, lat))) => (lon, lat, Crs::Wgs84),
            (None, None) => {
                errs.push(AppError::field(
                    at("lon"),
                    "location_required",
                    "where the case is (the topic has no point)",
                ));
                continue;
            }
        };
        reports.push(NewReport {
            category_id: c.category_id,
            description,
            address: optional(&at("address"), c.address.as_deref(), 200, &mut errs),
            lon,
            lat,
            crs,
            source: Some("deliberation".to_owned()),
            idempotency_key: Some(format!("resolution-{}-{i}", r.id)),
            major: false,
        });
    }
    let mut tasks = Vec::new();
    for (i, t) in input.tasks.iter().enumerate() {
        let title = topics::text(&format!("tasks[{i}].title"), &t.title, 200, true, &mut errs);
        let owner = optional(&format!("tasks[{i}].owner"), t.owner.as_deref(), 100, &mut errs);
        if let Some(title) = title {
            tasks.push((title, owner, t.due_on));
        }
    }
    let mut existing = Vec::new();
    for (i, id) in input.case_ids.iter().enumerate() {
        if input.case_ids[..i].contains(id) {
            errs.push(AppError::field(
                format!("case_ids[{i}]"),
                "duplicate_case",
                "listed twice",
            ));
            continue;
        }
        match crate::cases::visible_case(conn, who, *id).await {
            Ok(c) => existing.push(c),
            Err(_) => errs.push(AppError::field(
                format!("case_ids[{i}]"),
                "case_not_found",
                format!("no case {id}"),
            )),
        }
    }
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    Ok(Plan {
        reports,
        tasks,
        existing,
    })
}

/// Turns a resolution into cases and tasks once its notice period is over (409
/// `notice_running`), once (409 `already_implemented`), with something to do (400
/// `nothing_to_implement`). New cases are reported with source `deliberation` (needs
/// `case:case:report`); all are linked to it. Its topic moves to `implementing`. Audited as
/// `resolution.implement`.
pub async fn implement(
    app: &App,
    who: &Signed,
    id: i64,
    input: ImplementInput,
    ip: Option<String>,
) -> Result<ResolutionDetail, AppError> {
    let conn = app.db.conn();
    let r0 = visible(conn, who, MEETING_WRITE, id).await?;
    if input.version != r0.version {
        return Err(gridgov_store::StoreError::Conflict.into());
    }
    let items = input.cases.len() + input.case_ids.len() + input.tasks.len();
    let now = app.clock.now();
    check_implement(now, r0.notice_ends_at, r0.implemented_at.is_some(), items).map_err(implement_error)?;
    let plan = plan(app, who, &r0, &input).await?;
    let mut case_ids: Vec<i64> = Vec::new();
    for rep in plan.reports {
        case_ids.push(report(app, who, ip.clone(), rep).await?.case.id);
    }
    for c in &plan.existing {
        if !case_ids.contains(&c.id) {
            case_ids.push(c.id);
        }
    }
    let txn = conn.begin().await?;
    let r = repo::lock(&txn, id).await?.ok_or_else(|| not_found(id))?;
    if r.version != input.version {
        return Err(gridgov_store::StoreError::Conflict.into());
    }
    check_implement(now, r.notice_ends_at, r.implemented_at.is_some(), items).map_err(implement_error)?;
    for c in &case_ids {
        repo::link_case(&txn, r.id, *c, now).await?;
    }
    let tasks = plan
        .tasks
        .into_iter()
        .enumerate()
        .map(|(i, (title, owner, due_on))| resolution_task::Model {
            id: 0,
            resolution_id: r.id,
            position: i32::try_from(i).unwrap_or(i32::MAX),
            title,
            owner,
            due_on,
            done_at: None,
            note: None,
            version: 1,
            created_at: now,
        })
        .collect::<Vec<_>>();
    let n_tasks = tasks.len();
    repo::insert_tasks(&txn, tasks).await?;
    let mut new = r.clone();
    new.implemented_at = Some(now);
    new.version += 1;
    new.updated_at = now;
    repo::update(&txn, &new, r.version).await?;
    if let Some(t) = new.topic_id {
        topics::move_topic(
            &txn,
            who,
            t,
            TopicAction::Implement,
            MovedBy::Resolution(new.id),
            now,
        )
        .await?;
    }
    let d = serde_json::json!({ "cases": case_ids, "tasks": n_tasks });
    audit(&txn, who, ip, &new, "resolution.implement", Some(&r), d).await?;
    // Existing cases may all be closed already.
    let new = complete_if_done(&txn, who, new, now).await?;
    txn.commit().await?;
    detail(app, who, new).await
}

/// Marks a task done or not done (409 `resolution_completed` once the resolution is
/// completed, `resolution_not_implementing` before it is implemented). The last thing done
/// completes the resolution. Audited as `resolution.task`.
pub async fn edit_task(
    app: &App,
    who: &Signed,
    task_id: i64,
    input: TaskEdit,
    ip: Option<String>,
) -> Result<ResolutionDetail, AppError> {
    let conn = app.db.conn();
    let task_missing = || AppError::not_found("task_not_found", format!("no task {task_id}"));
    let t0 = repo::task(conn, task_id).await?.ok_or_else(task_missing)?;
    visible(conn, who, MEETING_WRITE, t0.resolution_id)
        .await
        .map_err(|_| task_missing())?;
    let mut errs = Vec::new();
    let note = optional("note", input.note.as_deref(), 500, &mut errs);
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let now = app.clock.now();
    let txn = conn.begin().await?;
    let r = repo::lock(&txn, t0.resolution_id)
        .await?
        .ok_or_else(task_missing)?;
    match state_of(&r) {
        ResolutionState::Completed => {
            return Err(conflict(
                "resolution_completed",
                "a completed resolution's tasks are the record",
            ));
        }
        ResolutionState::Publicised => {
            return Err(conflict(
                "resolution_not_implementing",
                "implement the resolution first",
            ));
        }
        ResolutionState::Implementing => {}
    }
    let t = repo::task(&txn, task_id).await?.ok_or_else(task_missing)?;
    if t.version != input.version {
        return Err(gridgov_store::StoreError::Conflict.into());
    }
    let mut new = t.clone();
    new.done_at = if input.done { t.done_at.or(Some(now)) } else { None };
    new.note = note.or(t.note.clone());
    new.version += 1;
    repo::update_task(&txn, &new, t.version).await?;
    let d = serde_json::json!({ "task": t.id, "title": t.title, "done": input.done });
    audit(&txn, who, ip, &r, "resolution.task", None, d).await?;
    let r = complete_if_done(&txn, who, r, now).await?;
    txn.commit().await?;
    detail(app, who, r).await
}

/// Completes a resolution (locked by the caller, implementing) whose cases are all closed and
/// tasks all done: its topic moves to `completed` and residents may rate it. Audited as
/// `resolution.complete`. Returns the resolution as it now is.
async fn complete_if_done(
    conn: &impl ConnectionTrait,
    who: &Signed,
    r: resolution::Model,
    now: DateTime<Utc>,
) -> Result<resolution::Model, AppError> {
    if state_of(&r) != ResolutionState::Implementing {
        return Ok(r);
    }
    let cases = repo::cases(conn, r.id).await?;
    let tasks = repo::tasks(conn, r.id).await?;
    let done = cases
        .iter()
        .map(|c| CaseState::parse(&c.state).is_some_and(|s| !s.is_open()))
        .chain(tasks.iter().map(|t| t.done_at.is_some()));
    if !implementation_complete(done) {
        return Ok(r);
    }
    let mut new = r.clone();
    new.completed_at = Some(now);
    new.version += 1;
    new.updated_at = now;
    repo::update(conn, &new, r.version).await?;
    if let Some(t) = new.topic_id {
        topics::move_topic(
            conn,
            who,
            t,
            TopicAction::Complete,
            MovedBy::Resolution(new.id),
            now,
        )
        .await?;
    }
    let d = serde_json::json!({ "cases": cases.len(), "tasks": tasks.len() });
    audit(conn, who, None, &new, "resolution.complete", Some(&r), d).await?;
    Ok(new)
}

/// Called in the transaction of a case action that ends a case (closed, rejected, merged):
/// completes the resolutions it implements if it was their last open item.
pub(crate) async fn case_ended(
    conn: &impl ConnectionTrait,
    who: &Signed,
    case_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for r in repo::of_case(conn, case_id).await? {
        if state_of(&r) != ResolutionState::Implementing {
            continue;
        }
        if let Some(locked) = repo::lock(conn, r.id).await? {
            complete_if_done(conn, who, locked, now).await?;
        }
    }
    Ok(())
}

/// A resident of the topic's area rates its outcome once it is completed (409
/// `topic_not_completed`, `already_rated`; 422 `outside_area`, `home_required`). Audited as
/// `topic.rate`.
pub async fn rate(
    app: &App,
    who: &Signed,
    topic_id: i64,
    input: RatingInput,
    ip: Option<String>,
) -> Result<RatingSummary, AppError> {
    require(&who.principal, TOPIC_SUPPORT)?;
    let conn = app.db.conn();
    let t = topics::visible(conn, who, TOPIC_READ, topic_id).await?;
    let mut errs = Vec::new();
    let rating = Rating::parse(input.rating.trim()).or_else(|| match input.rating.trim() {
        "满意" => Some(Rating::Satisfied),
        "基本满意" => Some(Rating::Basically),
        "不满意" => Some(Rating::NotSatisfied),
        _ => None,
    });
    if rating.is_none() {
        errs.push(AppError::field(
            "rating",
            "unknown_rating",
            "satisfied, basically or not_satisfied",
        ));
    }
    let comment = optional("comment", input.comment.as_deref(), 500, &mut errs);
    let (Some(rating), true) = (rating, errs.is_empty()) else {
        return Err(AppError::invalid(errs));
    };
    let home = home_grid(who)?;
    let in_area = RegionCode::parse(&t.region_code).is_ok_and(|r| home.is_within(&r));
    let rows = repo::ratings(conn, t.id).await?;
    let already = rows.iter().any(|r| r.account_id == who.user.id);
    let state = TopicState::parse(&t.state).unwrap_or(TopicState::Declined);
    check_rating(state, in_area, already).map_err(|e| {
        let kind = match e {
            RatingError::OutsideArea => ErrorKind::Unprocessable,
            _ => ErrorKind::Conflict,
        };
        AppError::new(kind, e.code(), e.to_string())
    })?;
    let now = app.clock.now();
    let txn = conn.begin().await?;
    repo::insert_rating(
        &txn,
        topic_rating::Model {
            id: 0,
            topic_id: t.id,
            account_id: who.user.id,
            rating: rating.as_str().to_owned(),
            comment,
            created_at: now,
        },
    )
    .await
    .map_err(|e| match e {
        gridgov_store::StoreError::Duplicate => {
            AppError::new(ErrorKind::Conflict, RatingError::Already.code(), "rated already")
        }
        e => e.into(),
    })?;
    let d = serde_json::json!({ "rating": rating.as_str() });
    topics::audit(&txn, who, ip, &t, "topic.rate", None, d).await?;
    txn.commit().await?;
    Ok(summary(&repo::ratings(conn, t.id).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rating(r: &str) -> topic_rating::Model {
        topic_rating::Model {
            id: 0,
            topic_id: 1,
            account_id: 1,
            rating: r.to_owned(),
            comment: None,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn the_satisfaction_rate_counts_satisfied_and_basically() {
        let s = summary(&[
            rating("satisfied"),
            rating("basically"),
            rating("not_satisfied"),
            rating("bogus"),
        ]);
        assert_eq!((s.satisfied, s.basically, s.not_satisfied, s.total), (1, 1, 1, 3));
        assert_eq!(s.satisfied_percent, Some(66.7));
        assert_eq!(summary(&[]).satisfied_percent, None);
    }
}
