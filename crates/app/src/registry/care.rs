//! Care and key groups (关爱对象与重点人群): a person joins a group (once per group) with a
//! visiting cycle, and visitors record their visits (走访记录). A membership whose next visit
//! is past due is overdue (`domain::registry::visit_overdue`, reckoned on Shanghai's today).
//!
//! The due day is stored on the membership and recomputed by every write to it (join, edit,
//! visit) in the same transaction, under the row's lock, so "overdue in my area" is a range of
//! an index rather than a scan, and two visitors recording at once cannot lose each other's
//! visit. A membership carries its person's location (moved with the person), so its scope is
//! the person's.

pub mod export;
pub mod import;

use super::{
    Change, HistoryEntry, Row, kind, kind_filter, readable as readable_person, record_row, region_filter,
    text, today, visible, window,
};
use crate::access::require;
use crate::auth::Signed;
use crate::{App, AppError, ErrorKind, FieldError};
use chrono::{DateTime, NaiveDate, Utc};
use gridgov_domain::registry::{
    CareGroup, Kind, VisitWay, check_ended, check_joined, check_visit_days, check_visited_on, next_visit_due,
    visit_overdue,
};
use gridgov_store::care::{self as repo, CareFilter};
use gridgov_store::entity::{care_membership, care_visit};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Seeing care groups' members and their visits.
pub const READ: &str = "registry:care:read";
/// Adding people to care groups, editing memberships, recording visits.
pub const WRITE: &str = "registry:care:write";

/// A person joining a care group.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct JoinInput {
    /// `elderly_alone`, `empty_nest`, `disabled`, … (or 独居老人, 空巢老人, …).
    #[serde(default)]
    pub group: String,
    /// Days between visits, 1 to 365; the group's usual cycle when left out.
    pub visit_days: Option<i64>,
    /// When the person joined (not after today); today when left out.
    pub joined_on: Option<NaiveDate>,
    pub note: Option<String>,
}

/// An edit of a membership: the cycle, the day the person left (null: still a member) and the
/// note, with the version it was read at.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct CareEdit {
    /// 1 to 365.
    pub visit_days: Option<i64>,
    /// Not before joining, not after today.
    pub ended_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub version: i32,
}

/// A membership as lists show it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CareView {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    /// The person's grid.
    pub grid: String,
    pub community: String,
    pub street: String,
    pub group: String,
    pub visit_days: i32,
    pub joined_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub last_visit_on: Option<NaiveDate>,
    /// None once the person has left the group.
    pub next_visit_due: Option<NaiveDate>,
    /// Whether the next visit is past due today (Shanghai).
    pub overdue: bool,
    pub note: Option<String>,
    pub version: i32,
}

fn view(m: care_membership::Model, person_name: String, today: NaiveDate) -> CareView {
    let cycle = u32::try_from(m.visit_days).unwrap_or(0);
    let overdue = m.ended_on.is_none() && visit_overdue(m.joined_on, m.last_visit_on, cycle, today);
    CareView {
        id: m.id,
        person_id: m.person_id,
        person_name,
        grid: m.region_code,
        community: m.community_code,
        street: m.street_code,
        group: m.care_group,
        visit_days: m.visit_days,
        joined_on: m.joined_on,
        ended_on: m.ended_on,
        last_visit_on: m.last_visit_on,
        next_visit_due: m.next_visit_due,
        overdue,
        note: m.note,
        version: m.version,
    }
}

/// Views of memberships, with their people's names.
async fn views(app: &App, rows: Vec<care_membership::Model>) -> Result<Vec<CareView>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|m| m.person_id).collect();
    let names = repo::person_names(app.db.conn(), &ids).await?;
    let today = today(app);
    Ok(rows
        .into_iter()
        .map(|m| {
            // One person may be in several groups on a page: every row gets the name.
            let name = names.get(&m.person_id).cloned().unwrap_or_default();
            view(m, name, today)
        })
        .collect())
}

async fn view_one(app: &App, m: care_membership::Model) -> Result<CareView, AppError> {
    let mut v = views(app, vec![m]).await?;
    v.pop().ok_or_else(|| {
        AppError::new(
            ErrorKind::Internal,
            "internal",
            "a view of one membership is one view",
        )
    })
}

/// A page of memberships with the total.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CarePage {
    pub items: Vec<CareView>,
    pub total: u64,
}

/// A visit being recorded.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct VisitInput {
    /// The day of the visit (not after today, not before the person joined); today when left
    /// out.
    pub visited_on: Option<NaiveDate>,
    /// `home`, `phone`, `video`, `elsewhere` (or 入户走访, 电话询问, 视频通话, 其他场所).
    #[serde(default)]
    pub way: String,
    /// What the visitor found, at most 1000 characters.
    #[serde(default)]
    pub findings: String,
    /// Whether something needs doing after the visit.
    #[serde(default)]
    pub follow_up: bool,
}

/// A recorded visit.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct VisitView {
    pub id: i64,
    pub membership_id: i64,
    pub visited_on: NaiveDate,
    /// The account that recorded it, and its display name then.
    pub visitor_id: Option<i64>,
    pub visitor_name: String,
    pub way: String,
    pub findings: String,
    pub follow_up: bool,
    pub recorded_at: DateTime<Utc>,
}

fn visit_view(v: care_visit::Model) -> VisitView {
    VisitView {
        id: v.id,
        membership_id: v.membership_id,
        visited_on: v.visited_on,
        visitor_id: v.visitor_id,
        visitor_name: v.visitor_name,
        way: v.way,
        findings: v.findings,
        follow_up: v.follow_up,
        recorded_at: v.created_at,
    }
}

/// A visit as recorded, with the membership's new due day.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct VisitRecorded {
    pub visit: VisitView,
    pub membership: CareView,
}

/// A page of visits with the total.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct VisitPage {
    pub items: Vec<VisitView>,
    pub total: u64,
}

/// A visiting cycle as a form gives it.
fn cycle(days: i64, errs: &mut Vec<FieldError>) -> Option<u32> {
    u32::try_from(days)
        .map_err(|_| "visit_cycle_out_of_range")
        .and_then(check_visit_days)
        .map_err(|code| errs.push(AppError::field("visit_days", code, "1 to 365 days")))
        .ok()
}

fn row(m: &care_membership::Model) -> Row<'_> {
    Row {
        entity_type: "care_membership",
        id: m.id,
        district: &m.district_code,
        region: &m.region_code,
    }
}

/// What the audit log keeps of a membership (no personal numbers: the person is named by id).
fn audited(m: &care_membership::Model) -> serde_json::Value {
    serde_json::json!({
        "person_id": m.person_id, "group": m.care_group, "grid": m.region_code,
        "visit_days": m.visit_days, "joined_on": m.joined_on, "ended_on": m.ended_on,
        "note": m.note,
    })
}

/// A joining's fields, checked (every field error at once).
struct Joining {
    group: CareGroup,
    days: u32,
    joined: NaiveDate,
    note: Option<String>,
}

fn check_join(input: &JoinInput, today: NaiveDate) -> Result<Joining, Vec<FieldError>> {
    let mut errs = Vec::new();
    let group = kind::<CareGroup>("group", &input.group, "unknown_group", &mut errs);
    let days = match input.visit_days {
        Some(d) => cycle(d, &mut errs),
        None => group.map(CareGroup::default_visit_days),
    };
    let joined = check_joined(input.joined_on.unwrap_or(today), today)
        .map_err(|code| errs.push(AppError::field("joined_on", code, "not after today")))
        .ok();
    let note = text("note", &input.note, 500, &mut errs);
    match (group, days, joined) {
        (Some(group), Some(days), Some(joined)) if errs.is_empty() => Ok(Joining {
            group,
            days,
            joined,
            note,
        }),
        _ => Err(errs),
    }
}

/// A new membership of a person, located where they are, its first visit due a cycle after
/// joining.
fn membership(
    who: &Signed,
    p: &gridgov_store::entity::person::Model,
    j: Joining,
    now: DateTime<Utc>,
) -> care_membership::Model {
    care_membership::Model {
        id: 0,
        district_code: p.district_code.clone(),
        street_code: p.street_code.clone(),
        community_code: p.community_code.clone(),
        region_code: p.region_code.clone(),
        person_id: p.id,
        care_group: j.group.code().to_owned(),
        visit_days: i32::try_from(j.days).unwrap_or(i32::MAX),
        joined_on: j.joined,
        ended_on: None,
        last_visit_on: None,
        next_visit_due: next_visit_due(j.joined, None, j.days, None),
        note: j.note,
        version: 1,
        created_by: Some(who.user.id),
        created_at: now,
        updated_at: now,
    }
}

fn duplicate_membership() -> AppError {
    AppError::new(
        ErrorKind::Conflict,
        "duplicate_membership",
        "the person is in this care group already",
    )
}

/// Adds a person the caller may write (with `registry:care:write`) to a care group.
pub async fn join(
    app: &App,
    who: &Signed,
    person_id: i64,
    input: JoinInput,
    ip: Option<String>,
) -> Result<CareView, AppError> {
    require(&who.principal, WRITE)?;
    let today = today(app);
    let joining = check_join(&input, today).map_err(AppError::invalid)?;
    let p = readable_person(app, who, WRITE, person_id).await?;
    let m = membership(who, &p, joining, app.clock.now());
    let txn = sea_orm::TransactionTrait::begin(app.db.conn()).await?;
    let id = match repo::insert(&txn, m.clone()).await {
        Err(gridgov_store::StoreError::Duplicate) => return Err(duplicate_membership()),
        other => other?,
    };
    let m = care_membership::Model { id, ..m };
    let after = audited(&m);
    record_row(&txn, who, ip, row(&m), "care.join", Change::created(&after)).await?;
    txn.commit().await?;
    Ok(view(m, p.name, today))
}

/// Edits a membership the caller may write, with the version they read (409 `stale_version`
/// otherwise); the due day follows the new cycle, and ending the membership clears it.
pub async fn update(
    app: &App,
    who: &Signed,
    id: i64,
    input: CareEdit,
    ip: Option<String>,
) -> Result<CareView, AppError> {
    let old = readable(app, who, WRITE, id).await?;
    let today = today(app);
    let mut errs = Vec::new();
    let days = match input.visit_days {
        Some(d) => cycle(d, &mut errs),
        None => {
            errs.push(AppError::field("visit_days", "required", "1 to 365 days"));
            None
        }
    };
    let ended = input.ended_on.map(|e| {
        check_ended(old.joined_on, e, today)
            .map_err(|code| {
                errs.push(AppError::field(
                    "ended_on",
                    code,
                    "not before joining, not after today",
                ))
            })
            .ok()
    });
    let note = text("note", &input.note, 500, &mut errs);
    let (Some(days), true) = (days, errs.is_empty()) else {
        return Err(AppError::invalid(errs));
    };
    let ended = ended.flatten();
    let txn = sea_orm::TransactionTrait::begin(app.db.conn()).await?;
    let Some(current) = repo::lock(&txn, id).await? else {
        return Err(not_found(id));
    };
    if current.version != input.version {
        return Err(gridgov_store::StoreError::Conflict.into());
    }
    let mut new = current.clone();
    new.visit_days = i32::try_from(days).unwrap_or(i32::MAX);
    new.ended_on = ended;
    new.next_visit_due = next_visit_due(new.joined_on, new.last_visit_on, days, ended);
    new.note = note;
    new.version = current.version + 1;
    new.updated_at = app.clock.now();
    repo::update(&txn, &new, input.version).await?;
    let (before, after) = (audited(&current), audited(&new));
    record_row(
        &txn,
        who,
        ip,
        row(&new),
        "care.update",
        Change::updated(&before, &after),
    )
    .await?;
    txn.commit().await?;
    view_one(app, new).await
}

/// Records a visit to a member of a care group the caller may write; the visitor is the
/// signed-in user. The membership's last visit and due day move with it.
pub async fn visit(
    app: &App,
    who: &Signed,
    id: i64,
    input: VisitInput,
    ip: Option<String>,
) -> Result<VisitRecorded, AppError> {
    let old = readable(app, who, WRITE, id).await?;
    let today = today(app);
    let mut errs = Vec::new();
    let visited = check_visited_on(input.visited_on.unwrap_or(today), old.joined_on, today)
        .map_err(|code| {
            errs.push(AppError::field(
                "visited_on",
                code,
                "not after today, not before the person joined",
            ))
        })
        .ok();
    let way = kind::<VisitWay>("way", &input.way, "unknown_way", &mut errs);
    let findings = text("findings", &Some(input.findings.clone()), 1000, &mut errs);
    if findings.is_none() && !errs.iter().any(|e| e.field == "findings") {
        errs.push(AppError::field("findings", "required", "what the visit found"));
    }
    let (Some(visited), Some(way), Some(findings), true) = (visited, way, findings, errs.is_empty()) else {
        return Err(AppError::invalid(errs));
    };
    let txn = sea_orm::TransactionTrait::begin(app.db.conn()).await?;
    let Some(mut m) = repo::lock(&txn, id).await? else {
        return Err(not_found(id));
    };
    if m.ended_on.is_some() {
        return Err(AppError::new(
            ErrorKind::Conflict,
            "membership_ended",
            "the person has left the care group",
        ));
    }
    let now = app.clock.now();
    let v = care_visit::Model {
        id: 0,
        district_code: m.district_code.clone(),
        membership_id: m.id,
        visited_on: visited,
        visitor_id: Some(who.user.id),
        visitor_name: who.user.display_name.clone(),
        way: way.code().to_owned(),
        findings,
        follow_up: input.follow_up,
        created_at: now,
    };
    let visit_id = repo::insert_visit(&txn, v.clone()).await?;
    // A visit recorded late (an earlier day) does not move the last visit back.
    m.last_visit_on = m.last_visit_on.max(Some(visited));
    let cycle = u32::try_from(m.visit_days).unwrap_or(0);
    m.next_visit_due = next_visit_due(m.joined_on, m.last_visit_on, cycle, m.ended_on);
    m.updated_at = now;
    repo::update(&txn, &m, m.version).await?;
    let e = Change {
        detail: serde_json::json!({
            "visit_id": visit_id, "visited_on": visited, "way": v.way, "follow_up": v.follow_up,
        }),
        ..Change::default()
    };
    record_row(&txn, who, ip, row(&m), "care.visit", e).await?;
    txn.commit().await?;
    Ok(VisitRecorded {
        visit: visit_view(care_visit::Model { id: visit_id, ..v }),
        membership: view_one(app, m).await?,
    })
}

fn not_found(id: i64) -> AppError {
    AppError::not_found("care_not_found", format!("no care group membership {id}"))
}

/// A membership the caller may `perm`, or not found (out of scope reads as not found).
async fn readable(app: &App, who: &Signed, perm: &str, id: i64) -> Result<care_membership::Model, AppError> {
    require(&who.principal, perm)?;
    let m = repo::by_id(app.db.conn(), id).await?;
    visible(
        who,
        perm,
        m,
        |m| (&m.district_code, &m.region_code),
        not_found(id),
    )
}

pub async fn get(app: &App, who: &Signed, id: i64) -> Result<CareView, AppError> {
    let m = readable(app, who, READ, id).await?;
    view_one(app, m).await
}

/// A membership's visits, the latest first.
pub async fn visits(
    app: &App,
    who: &Signed,
    id: i64,
    page: u64,
    page_size: u64,
) -> Result<VisitPage, AppError> {
    readable(app, who, READ, id).await?;
    let (offset, limit) = window(page, page_size);
    let (rows, total) = repo::visits(app.db.conn(), id, offset, limit).await?;
    Ok(VisitPage {
        items: rows.into_iter().map(visit_view).collect(),
        total,
    })
}

/// A membership's change history, newest first (joining, edits, visits). Readers of the
/// membership see it.
pub async fn history(app: &App, who: &Signed, id: i64) -> Result<Vec<HistoryEntry>, AppError> {
    let m = readable(app, who, READ, id).await?;
    super::history_of(app, &m.district_code, "care_membership", id).await
}

/// A list's filter and page.
#[derive(Clone, Debug, Default)]
pub struct CareQuery {
    pub group: Option<String>,
    pub region: Option<String>,
    pub person_id: Option<i64>,
    /// true: only overdue members; false: only those not overdue.
    pub overdue: Option<bool>,
    /// List those who left the group too.
    pub include_ended: bool,
    pub page: u64,
    pub page_size: u64,
}

/// A list's (and an export's) filter, checked: every field error at once. Overdue is reckoned
/// on Shanghai's today.
fn filter(app: &App, q: &CareQuery) -> Result<CareFilter, AppError> {
    let mut errs = Vec::new();
    let f = CareFilter {
        region: region_filter(&q.region, &mut errs),
        group: kind_filter::<CareGroup>("group", &q.group, "unknown_group", &mut errs),
        person_id: q.person_id,
        overdue: q.overdue,
        include_ended: q.include_ended,
        today: Some(today(app)),
    };
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    Ok(f)
}

/// Memberships in the caller's scope matching the filter, the most urgent first.
pub async fn list(app: &App, who: &Signed, q: CareQuery) -> Result<CarePage, AppError> {
    require(&who.principal, READ)?;
    let f = filter(app, &q)?;
    let (offset, limit) = window(q.page, q.page_size);
    let scope = who.principal.scope(READ);
    let (rows, total) = repo::list(app.db.conn(), &who.user.district_code, &scope, &f, offset, limit).await?;
    Ok(CarePage {
        items: views(app, rows).await?,
        total,
    })
}
