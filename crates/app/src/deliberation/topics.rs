//! Topics (议题): raised by a resident in their home area, by staff in their scope, or from a
//! case; supported once by each resident of the area (the supports counter and the state move
//! in the same transaction, under the topic's row lock); triaged by the centres (accept,
//! decline with a published reason, merge into a topic of the same or a wider area with the
//! supporters carried over, refer to the level above). Every move is a step of the public
//! timeline, a notification to the raiser and the supporters, and an audit record.

use super::{
    TOPIC_RAISE, TOPIC_READ, TOPIC_SUPPORT, TOPIC_WRITE, home_grid, is_resident, threshold, topic_scope,
    window,
};
use crate::access::require;
use crate::auth::Signed;
use crate::{App, AppError, ErrorKind, FieldError};
use chrono::{DateTime, Utc};
use gridgov_domain::deliberation::Kind;
use gridgov_domain::deliberation::{
    Level, TopicAction, TopicCategory, TopicState, after_support, check_support, mask_name, may_merge,
    topic_transition,
};
use gridgov_domain::{RegionCode, RegionLevel};
use gridgov_store::deliberation::{self as repo, TopicFilter};
use gridgov_store::entity::{topic, topic_event, topic_photo};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// Photos per topic.
pub const MAX_TOPIC_PHOTOS: usize = 9;

/// A topic being raised.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct TopicInput {
    /// 1 to 100 characters; from a case, its category's name when left out.
    #[serde(default)]
    pub title: String,
    /// 1 to 2000 characters; from a case, its description when left out.
    #[serde(default)]
    pub description: String,
    /// `facilities`, `sanitation`, `parking`, `property`, `safety`, `neighbours`,
    /// `activities`, `other` (or 设施维修, 环境卫生, …); from a case, `other` when left out.
    #[serde(default)]
    pub category: String,
    /// The area the topic concerns: a grid (grid level), a community or a street. A resident's
    /// home grid when left out; from a case, the case's grid.
    pub area: Option<String>,
    /// An optional point (WGS84, or GCJ-02 with `crs: gcj02`); from a case, the case's.
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub crs: Option<String>,
    /// The case the topic is raised from (one the caller may see).
    pub case_id: Option<i64>,
}

/// A topic as lists show it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TopicView {
    pub id: i64,
    /// `grid`, `community` or `street`.
    pub level: String,
    /// The area: a grid, a community or a street code.
    pub area: String,
    pub street: String,
    pub community: Option<String>,
    pub title: String,
    pub description: String,
    pub category: String,
    /// `open`, `ready`, `scheduled`, `passed`, `rejected`, `publicised`, `implementing`,
    /// `completed`, `declined`, `merged`.
    pub state: String,
    pub supports: i32,
    pub support_threshold: i32,
    /// `resident`, `grid_worker` or `operator`.
    pub raiser_kind: String,
    /// A resident's name masked (张**).
    pub raiser_name: String,
    pub case_id: Option<i64>,
    pub merged_into: Option<i64>,
    pub meeting_id: Option<i64>,
    /// Why it was declined, merged or referred (published).
    pub decision_note: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub(crate) fn view(t: topic::Model) -> TopicView {
    TopicView {
        id: t.id,
        level: t.level,
        area: t.region_code,
        street: t.street_code,
        community: t.community_code,
        title: t.title,
        description: t.description,
        category: t.category,
        state: t.state,
        supports: t.supports,
        support_threshold: t.support_threshold,
        raiser_kind: t.raiser_kind,
        raiser_name: t.raiser_name,
        case_id: t.case_id,
        merged_into: t.merged_into,
        meeting_id: t.meeting_id,
        decision_note: t.decision_note,
        lon: t.lon,
        lat: t.lat,
        version: t.version,
        created_at: t.created_at,
        updated_at: t.updated_at,
    }
}

/// A page of topics with the total.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TopicPage {
    pub items: Vec<TopicView>,
    pub total: u64,
}

/// A step of a topic's public timeline.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TopicEventView {
    pub id: i64,
    /// `raised`, `ready`, `accept`, `decline`, `merge`, `merged_in`, `refer`, `photo`, …
    pub action: String,
    pub note: Option<String>,
    /// Residents masked.
    pub actor_name: String,
    pub at: DateTime<Utc>,
}

/// A photo of a topic.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TopicPhotoView {
    pub id: i64,
    pub mime: String,
    pub bytes: i64,
    pub created_at: DateTime<Utc>,
}

fn photo_view(p: topic_photo::Model) -> TopicPhotoView {
    TopicPhotoView {
        id: p.id,
        mime: p.mime,
        bytes: p.bytes,
        created_at: p.created_at,
    }
}

/// A topic with its photos, its timeline and the caller's part in it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TopicDetail {
    pub topic: TopicView,
    pub photos: Vec<TopicPhotoView>,
    pub timeline: Vec<TopicEventView>,
    /// The caller supports it.
    pub supported_by_me: bool,
    /// The caller raised it.
    pub raised_by_me: bool,
    /// The triage actions the caller may take now (`accept`, `decline`, `merge`, `refer`).
    pub actions: Vec<String>,
    /// The resolution published for it, once voted through.
    pub resolution_id: Option<i64>,
}

/// What a list asks for.
#[derive(Clone, Debug, Default)]
pub struct TopicQuery {
    pub level: Option<String>,
    pub region: Option<String>,
    pub state: Option<String>,
    pub category: Option<String>,
    /// Only topics the caller raised.
    pub mine: bool,
    /// Only topics the caller supports.
    pub supported: bool,
    pub page: u64,
    pub page_size: u64,
}

/// A triage action on a topic, with the version read.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct TopicCommand {
    /// `accept`, `decline`, `merge` or `refer`.
    #[serde(default)]
    pub action: String,
    pub version: i32,
    /// The published reason: required to decline; optional otherwise.
    pub note: Option<String>,
    /// The topic to merge into (`merge`).
    pub into: Option<i64>,
}

pub(crate) fn not_found(id: i64) -> AppError {
    AppError::not_found("topic_not_found", format!("no topic {id}"))
}

/// A topic of the caller's district that their scope of `perm` reaches (residents: any of their
/// district for reading), else 404 `topic_not_found`.
pub(crate) async fn visible(
    conn: &impl ConnectionTrait,
    who: &Signed,
    perm: &str,
    id: i64,
) -> Result<topic::Model, AppError> {
    require(&who.principal, perm)?;
    let t = repo::topic(conn, id).await?.ok_or_else(|| not_found(id))?;
    let scope = topic_scope(who, perm);
    let reaches = t.district_code == who.user.district_code
        && RegionCode::parse(&t.region_code).is_ok_and(|r| scope.reaches(&r));
    if reaches { Ok(t) } else { Err(not_found(id)) }
}

/// Trims a text field; required ones must not be empty; at most `max` characters.
pub(crate) fn text(
    field: &str,
    v: &str,
    max: usize,
    required: bool,
    errs: &mut Vec<FieldError>,
) -> Option<String> {
    let t = v.trim();
    if t.is_empty() {
        if required {
            errs.push(AppError::field(
                field,
                "required",
                format!("1 to {max} characters"),
            ));
        }
        return None;
    }
    if t.chars().count() > max {
        errs.push(AppError::field(
            field,
            "too_long",
            format!("at most {max} characters"),
        ));
        return None;
    }
    Some(t.to_owned())
}

/// A deliberation area from its code: a grid (a sub-grid deliberates as its grid), a
/// community or a street.
pub(crate) fn area(raw: &str, errs: &mut Vec<FieldError>) -> Option<(RegionCode, Level)> {
    match RegionCode::parse(raw.trim()) {
        Ok(c) => {
            let c = if c.level() == RegionLevel::Subgrid {
                c.parent().unwrap_or(c)
            } else {
                c
            };
            match Level::of(c.level()) {
                Some(l) => Some((c, l)),
                None => {
                    errs.push(AppError::field(
                        "area",
                        "not_a_deliberation_area",
                        "a grid, a community or a street",
                    ));
                    None
                }
            }
        }
        Err(e) => {
            errs.push(crate::error::code_field("area", &e));
            None
        }
    }
}

/// What a raiser is called on the public timeline.
fn public_name(who: &Signed) -> String {
    if is_resident(who) {
        mask_name(&who.user.display_name)
    } else {
        who.user.display_name.clone()
    }
}

fn raiser_kind(who: &Signed) -> &'static str {
    if is_resident(who) {
        "resident"
    } else if who
        .principal
        .unit
        .as_ref()
        .is_some_and(|u| matches!(u.level(), RegionLevel::Grid | RegionLevel::Subgrid))
    {
        "grid_worker"
    } else {
        "operator"
    }
}

/// What the audit log keeps of a topic (no names: the raiser is an account id).
fn audited(t: &topic::Model) -> serde_json::Value {
    serde_json::json!({
        "level": t.level, "area": t.region_code, "title": t.title, "category": t.category,
        "state": t.state, "supports": t.supports, "threshold": t.support_threshold,
        "raised_by": t.raised_by, "case_id": t.case_id, "merged_into": t.merged_into,
        "meeting_id": t.meeting_id, "note": t.decision_note, "version": t.version,
    })
}

/// Records an action on a topic in its area, in the caller's transaction.
pub(crate) async fn audit(
    conn: &impl ConnectionTrait,
    who: &Signed,
    ip: Option<String>,
    t: &topic::Model,
    action: &str,
    before: Option<&topic::Model>,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    let fields = (before.map(audited), audited(t));
    let area = (t.district_code.as_str(), t.region_code.as_str());
    super::audit_in_area(conn, who, ip, area, ("topic", t.id), action, fields, detail).await
}

/// Appends a step to the topic's timeline and, for a move, notifies its raiser and supporters
/// (not the one who moved it).
pub(crate) async fn step(
    conn: &impl ConnectionTrait,
    who: Option<&Signed>,
    t: &topic::Model,
    action: &str,
    note: Option<String>,
    notify: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    repo::insert_event(
        conn,
        topic_event::Model {
            id: 0,
            topic_id: t.id,
            action: action.to_owned(),
            note,
            actor_id: who.map(|w| w.user.id),
            actor_name: who.map_or_else(|| "系统".to_owned(), public_name),
            at: now,
        },
    )
    .await?;
    if notify {
        let mut to = repo::supporters(conn, t.id).await?;
        to.extend(t.raised_by);
        let actor = who.map(|w| w.user.id);
        to.retain(|a| Some(*a) != actor);
        repo::notify(conn, &t.district_code, &to, t.id, action, &t.title, now).await?;
    }
    Ok(())
}

/// What moved a topic besides triage: a meeting (its agenda, its vote) or a resolution.
#[derive(Clone, Copy, Debug)]
pub(crate) enum MovedBy {
    Meeting(i64),
    Resolution(i64),
}

/// Moves a topic under its row lock, in the caller's transaction, for a meeting (`schedule`
/// onto its agenda, linked to it; `unschedule` back to ready; `pass`, `reject`) or a
/// resolution (`publish`, `implement`, `complete`). The same transition, public timeline step,
/// notifications to raiser and supporters and audit record (`topic.<action>`) as triage.
pub(crate) async fn move_topic(
    conn: &impl ConnectionTrait,
    who: &Signed,
    id: i64,
    action: TopicAction,
    by: MovedBy,
    now: DateTime<Utc>,
) -> Result<topic::Model, AppError> {
    let t = repo::lock_topic(conn, id).await?.ok_or_else(|| not_found(id))?;
    let state = TopicState::parse(&t.state).unwrap_or(TopicState::Declined);
    let next = topic_transition(state, action)
        .map_err(|e| AppError::new(ErrorKind::Conflict, e.code(), e.to_string()))?;
    let mut new = t.clone();
    new.state = next.code().to_owned();
    new.version += 1;
    new.updated_at = now;
    match (action, by) {
        (TopicAction::Schedule, MovedBy::Meeting(m)) => new.meeting_id = Some(m),
        (TopicAction::Unschedule, _) => new.meeting_id = None,
        _ => {}
    }
    repo::update_topic(conn, &new, t.version).await?;
    let (note, detail) = match by {
        MovedBy::Meeting(m) => (format!("#{m}"), serde_json::json!({ "meeting": m })),
        MovedBy::Resolution(r) => (format!("决议#{r}"), serde_json::json!({ "resolution": r })),
    };
    step(conn, Some(who), &new, action.code(), Some(note), true, now).await?;
    audit(
        conn,
        who,
        None,
        &new,
        &format!("topic.{}", action.code()),
        Some(&t),
        detail,
    )
    .await?;
    Ok(new)
}

/// Raises a topic. A resident raises in an area that contains their home grid (422
/// `home_required` without one, `outside_area` elsewhere); staff in their scope of
/// `deliberation:topic:raise` (404 `region_not_found` outside it). Audited as `topic.raise`.
pub async fn raise(
    app: &App,
    who: &Signed,
    input: TopicInput,
    ip: Option<String>,
) -> Result<TopicView, AppError> {
    require(&who.principal, TOPIC_RAISE)?;
    let conn = app.db.conn();
    let mut input = input;
    let mut case_point = None;
    if let Some(case_id) = input.case_id {
        let c = crate::cases::visible_case(conn, who, case_id)
            .await
            .map_err(|_| {
                AppError::invalid_field("case_id", "case_not_found", format!("no case {case_id}"))
            })?;
        if input.title.trim().is_empty() {
            let name = gridgov_store::cases::category(conn, c.category_id)
                .await?
                .map(|k| k.name);
            input.title = name.unwrap_or_default().chars().take(100).collect();
        }
        if input.description.trim().is_empty() {
            input.description = c.description.chars().take(2000).collect();
        }
        if input.category.trim().is_empty() {
            input.category = TopicCategory::Other.code().to_owned();
        }
        if input.area.is_none() {
            input.area = Some(c.grid_code.clone().unwrap_or(c.region_code.clone()));
        }
        if input.lon.is_none() && input.lat.is_none() {
            case_point = Some((c.lon, c.lat));
        }
    }
    let mut errs = Vec::new();
    let title = text("title", &input.title, 100, true, &mut errs);
    let description = text("description", &input.description, 2000, true, &mut errs);
    let category = if input.category.trim().is_empty() {
        errs.push(AppError::field("category", "required", "a topic category"));
        None
    } else {
        let c = TopicCategory::parse(&input.category);
        if c.is_none() {
            errs.push(AppError::field(
                "category",
                "unknown_category",
                "a topic category",
            ));
        }
        c
    };
    let home = if is_resident(who) {
        Some(home_grid(who))
    } else {
        None
    };
    let raw_area = match (&input.area, &home) {
        (Some(a), _) if !a.trim().is_empty() => Some(a.clone()),
        (_, Some(Ok(h))) => Some(h.to_string()),
        (_, Some(Err(e))) => return Err(e.clone()),
        _ => {
            errs.push(AppError::field(
                "area",
                "required",
                "a grid, a community or a street",
            ));
            None
        }
    };
    let placed = raw_area.and_then(|a| area(&a, &mut errs));
    let point = match case_point {
        Some((lon, lat)) => Some(Some(gridgov_geo::LonLat::new(lon, lat))),
        None => crate::registry::point(input.lon, input.lat, input.crs.as_deref(), &mut errs),
    };
    let (Some(title), Some(description), Some(category), Some((code, level)), Some(point), true) =
        (title, description, category, placed, point, errs.is_empty())
    else {
        return Err(AppError::invalid(errs));
    };
    let region_not_found = || AppError::not_found("region_not_found", format!("no region {code}"));
    if code.district().as_str() != who.user.district_code
        || gridgov_store::regions::get_summary(conn, &code).await?.is_none()
    {
        return Err(region_not_found());
    }
    match home {
        Some(Ok(h)) => {
            if !h.is_within(&code) {
                return Err(AppError::new(
                    ErrorKind::Unprocessable,
                    "outside_area",
                    "residents raise topics of the area they live in",
                ));
            }
        }
        Some(Err(e)) => return Err(e),
        None => {
            if !who.principal.scope(TOPIC_RAISE).reaches(&code) {
                return Err(region_not_found());
            }
        }
    }
    let threshold = threshold(conn, &who.user.district_code, level).await?;
    let now = app.clock.now();
    let t = topic::Model {
        id: 0,
        district_code: who.user.district_code.clone(),
        street_code: code.street().map(|s| s.to_string()).unwrap_or_default(),
        community_code: match level {
            Level::Street => None,
            _ => code
                .ancestors()
                .get(2)
                .map(|c| c.to_string())
                .or(Some(code.to_string())),
        },
        region_code: code.to_string(),
        level: level.code().to_owned(),
        title,
        description,
        category: category.code().to_owned(),
        state: TopicState::Open.code().to_owned(),
        supports: 0,
        support_threshold: i32::try_from(threshold).unwrap_or(i32::MAX),
        raised_by: Some(who.user.id),
        raiser_kind: raiser_kind(who).to_owned(),
        raiser_name: public_name(who),
        case_id: input.case_id,
        merged_into: None,
        meeting_id: None,
        decision_note: None,
        lon: point.map(|p| p.lon),
        lat: point.map(|p| p.lat),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let txn = conn.begin().await?;
    let id = repo::insert_topic(&txn, t.clone()).await?;
    let t = topic::Model { id, ..t };
    step(&txn, Some(who), &t, "raised", None, false, now).await?;
    audit(
        &txn,
        who,
        ip,
        &t,
        "topic.raise",
        None,
        serde_json::json!({ "case_id": t.case_id }),
    )
    .await?;
    txn.commit().await?;
    Ok(view(t))
}

/// Topics the caller may read, newest first.
pub async fn list(app: &App, who: &Signed, q: TopicQuery) -> Result<TopicPage, AppError> {
    require(&who.principal, TOPIC_READ)?;
    let mut errs = Vec::new();
    let kind =
        |field: &str, raw: &Option<String>, codes: Option<&'static str>, errs: &mut Vec<FieldError>| {
            raw.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .and_then(|s| {
                    let parsed = match field {
                        "level" => Level::parse(s).map(|k| k.code()),
                        "state" => TopicState::parse(s).map(|k| k.code()),
                        _ => TopicCategory::parse(s).map(|k| k.code()),
                    };
                    if parsed.is_none() {
                        errs.push(AppError::field(
                            field,
                            codes.unwrap_or("unknown"),
                            format!("an unknown {field}"),
                        ));
                    }
                    parsed.map(str::to_owned)
                })
        };
    let level = kind("level", &q.level, Some("unknown_level"), &mut errs);
    let state = kind("state", &q.state, Some("unknown_state"), &mut errs);
    let category = kind("category", &q.category, Some("unknown_category"), &mut errs);
    let region = q
        .region
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .and_then(|r| {
            RegionCode::parse(r)
                .map_err(|e| errs.push(crate::error::code_field("region", &e)))
                .ok()
        });
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let scope = topic_scope(who, TOPIC_READ);
    if let Some(r) = &region
        && (r.district().as_str() != who.user.district_code || !scope.sees_on_path(r))
    {
        return Err(AppError::not_found("region_not_found", format!("no region {r}")));
    }
    let f = TopicFilter {
        region,
        level,
        state,
        category,
        raised_by: q.mine.then_some(who.user.id),
        supported_by: q.supported.then_some(who.user.id),
    };
    let (offset, limit) = window(q.page, q.page_size);
    let (rows, total) =
        repo::list_topics(app.db.conn(), &who.user.district_code, &scope, &f, offset, limit).await?;
    Ok(TopicPage {
        items: rows.into_iter().map(view).collect(),
        total,
    })
}

/// The triage actions the caller may take on a topic now.
fn actions(who: &Signed, t: &topic::Model) -> Vec<String> {
    let Some(state) = TopicState::parse(&t.state) else {
        return Vec::new();
    };
    let writes =
        RegionCode::parse(&t.region_code).is_ok_and(|r| who.principal.scope(TOPIC_WRITE).reaches(&r));
    if !writes {
        return Vec::new();
    }
    let level = Level::parse(&t.level);
    [
        TopicAction::Accept,
        TopicAction::Decline,
        TopicAction::Merge,
        TopicAction::Refer,
    ]
    .into_iter()
    .filter(|a| topic_transition(state, *a).is_ok())
    .filter(|a| *a != TopicAction::Refer || level.and_then(Level::up).is_some())
    .map(|a| a.code().to_owned())
    .collect()
}

/// A topic with its photos, timeline and the caller's part.
pub async fn get(app: &App, who: &Signed, id: i64) -> Result<TopicDetail, AppError> {
    let conn = app.db.conn();
    let t = visible(conn, who, TOPIC_READ, id).await?;
    let photos = repo::photos(conn, id)
        .await?
        .into_iter()
        .map(photo_view)
        .collect();
    let timeline = repo::events(conn, id)
        .await?
        .into_iter()
        .map(|e| TopicEventView {
            id: e.id,
            action: e.action,
            note: e.note,
            actor_name: e.actor_name,
            at: e.at,
        })
        .collect();
    let supported_by_me = repo::has_support(conn, id, who.user.id).await?;
    let resolution_id = gridgov_store::resolutions::of_topic(conn, id)
        .await?
        .map(|r| r.id);
    Ok(TopicDetail {
        resolution_id,
        raised_by_me: t.raised_by == Some(who.user.id),
        actions: actions(who, &t),
        topic: view(t),
        photos,
        timeline,
        supported_by_me,
    })
}

fn support_error(e: gridgov_domain::deliberation::SupportError) -> AppError {
    use gridgov_domain::deliberation::SupportError as S;
    let kind = match e {
        S::Closed | S::Already => ErrorKind::Conflict,
        S::OutsideArea => ErrorKind::Unprocessable,
    };
    AppError::new(kind, e.code(), e.to_string())
}

/// A resident supports a topic of their home area, once (409 `already_supported`, also when
/// two requests race: the unique key decides); while it takes support (409 `topic_not_open`);
/// from inside its area only (422 `outside_area`; 422 `home_required` without a home grid).
/// The count and, at the threshold, the move to `ready` happen in the same transaction.
/// Audited as `topic.support`.
pub async fn support(app: &App, who: &Signed, id: i64, ip: Option<String>) -> Result<TopicView, AppError> {
    require(&who.principal, TOPIC_SUPPORT)?;
    let conn = app.db.conn();
    visible(conn, who, TOPIC_READ, id).await?;
    let home = home_grid(who)?;
    let now = app.clock.now();
    let txn = conn.begin().await?;
    let t = repo::lock_topic(&txn, id).await?.ok_or_else(|| not_found(id))?;
    let state = TopicState::parse(&t.state).unwrap_or(TopicState::Declined);
    let in_area = RegionCode::parse(&t.region_code).is_ok_and(|r| home.is_within(&r));
    let already = repo::has_support(&txn, id, who.user.id).await?;
    check_support(state, in_area, already).map_err(support_error)?;
    match repo::insert_support(&txn, id, who.user.id, now).await {
        Err(gridgov_store::StoreError::Duplicate) => {
            return Err(support_error(gridgov_domain::deliberation::SupportError::Already));
        }
        other => other?,
    }
    let mut new = t.clone();
    new.supports += 1;
    let next = after_support(
        state,
        u32::try_from(new.supports).unwrap_or(0),
        u32::try_from(t.support_threshold).unwrap_or(1),
    );
    if next != state {
        new.state = next.code().to_owned();
        new.version += 1;
        new.updated_at = now;
    }
    repo::update_topic(&txn, &new, t.version).await?;
    if next != state {
        step(&txn, None, &new, "ready", None, true, now).await?;
    }
    audit(
        &txn,
        who,
        ip,
        &new,
        "topic.support",
        None,
        serde_json::json!({ "supports": new.supports }),
    )
    .await?;
    txn.commit().await?;
    Ok(view(new))
}

/// A triage action by a centre whose `deliberation:topic:write` scope reaches the topic: accept
/// (open → ready), decline (a reason is required and published), merge (into another topic of
/// the same or a wider area that still takes support: its supporters carried over, each once;
/// 422 `invalid_merge_target` otherwise) or refer (to the level above: the area becomes the
/// parent region, the threshold the new level's; 409 `no_level_above` for a street's topic).
/// A stale version is 409 `stale_version`, an action the state does not allow 409
/// `invalid_topic_state`. Audited as `topic.<action>`.
pub async fn act(
    app: &App,
    who: &Signed,
    id: i64,
    cmd: TopicCommand,
    ip: Option<String>,
) -> Result<TopicView, AppError> {
    require(&who.principal, TOPIC_WRITE)?;
    let action = match TopicAction::parse(&cmd.action) {
        Some(a @ (TopicAction::Accept | TopicAction::Decline | TopicAction::Merge | TopicAction::Refer)) => a,
        _ => {
            return Err(AppError::invalid_field(
                "action",
                "unknown_action",
                "accept, decline, merge or refer",
            ));
        }
    };
    let mut errs = Vec::new();
    let note = cmd
        .note
        .as_deref()
        .and_then(|n| text("note", n, 500, false, &mut errs));
    if action == TopicAction::Decline && note.is_none() && errs.is_empty() {
        errs.push(AppError::field("note", "reason_required", "a published reason"));
    }
    if action == TopicAction::Merge && cmd.into.is_none() {
        errs.push(AppError::field("into", "required", "the topic to merge into"));
    }
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let conn = app.db.conn();
    visible(conn, who, TOPIC_WRITE, id).await?;
    let target = match cmd.into {
        Some(into) if action == TopicAction::Merge => {
            Some(visible(conn, who, TOPIC_WRITE, into).await.map_err(|_| {
                AppError::invalid_field("into", "topic_not_found", format!("no topic {into}"))
            })?)
        }
        _ => None,
    };
    let now = app.clock.now();
    let txn = conn.begin().await?;
    // Two topics are locked lower id first, so two merges crossing each other (a into b, b into
    // a) wait for one another instead of deadlocking; the second then finds its target merged.
    if let Some(tg) = &target
        && tg.id < id
    {
        repo::lock_topic(&txn, tg.id).await?;
    }
    let t = repo::lock_topic(&txn, id).await?.ok_or_else(|| not_found(id))?;
    if t.version != cmd.version {
        return Err(gridgov_store::StoreError::Conflict.into());
    }
    let state = TopicState::parse(&t.state).unwrap_or(TopicState::Declined);
    let next = topic_transition(state, action)
        .map_err(|e| AppError::new(ErrorKind::Conflict, e.code(), e.to_string()))?;
    let mut new = t.clone();
    new.state = next.code().to_owned();
    new.version += 1;
    new.updated_at = now;
    if note.is_some() || action == TopicAction::Decline {
        new.decision_note = note.clone();
    }
    match action {
        TopicAction::Refer => {
            let level = Level::parse(&t.level).and_then(Level::up).ok_or_else(|| {
                AppError::new(
                    ErrorKind::Conflict,
                    "no_level_above",
                    "a street's topic has no level above",
                )
            })?;
            let parent = RegionCode::parse(&t.region_code)
                .ok()
                .and_then(|r| r.parent())
                .ok_or_else(|| AppError::new(ErrorKind::Conflict, "no_level_above", "no region above"))?;
            let threshold = threshold(&txn, &t.district_code, level).await?;
            new.level = level.code().to_owned();
            new.community_code = match level {
                Level::Street => None,
                _ => Some(parent.to_string()),
            };
            new.region_code = parent.to_string();
            new.support_threshold = i32::try_from(threshold).unwrap_or(i32::MAX);
            let after = after_support(next, u32::try_from(new.supports).unwrap_or(0), threshold);
            new.state = after.code().to_owned();
        }
        TopicAction::Merge => {
            let Some(target) = target else {
                return Err(AppError::invalid_field(
                    "into",
                    "required",
                    "the topic to merge into",
                ));
            };
            let target = repo::lock_topic(&txn, target.id)
                .await?
                .ok_or_else(|| not_found(target.id))?;
            let target_state = TopicState::parse(&target.state).unwrap_or(TopicState::Declined);
            let within = match (
                RegionCode::parse(&t.region_code),
                RegionCode::parse(&target.region_code),
            ) {
                (Ok(a), Ok(b)) => a.is_within(&b),
                _ => false,
            };
            if !may_merge(t.id, target.id, target_state, within) {
                return Err(AppError::new(
                    ErrorKind::Unprocessable,
                    "invalid_merge_target",
                    "merge into another topic of the same or a wider area that still takes support",
                ));
            }
            new.merged_into = Some(target.id);
            let count = repo::carry_supports(&txn, t.id, target.id, now).await?;
            let mut tg = target.clone();
            tg.supports = i32::try_from(count).unwrap_or(i32::MAX);
            let tg_next = after_support(
                target_state,
                u32::try_from(count).unwrap_or(0),
                u32::try_from(target.support_threshold).unwrap_or(1),
            );
            tg.state = tg_next.code().to_owned();
            tg.version += 1;
            tg.updated_at = now;
            repo::update_topic(&txn, &tg, target.version).await?;
            let note = Some(format!("#{}", t.id));
            step(&txn, Some(who), &tg, "merged_in", note, false, now).await?;
            if tg_next != target_state {
                step(&txn, None, &tg, "ready", None, true, now).await?;
            }
            audit(
                &txn,
                who,
                None,
                &tg,
                "topic.merged_in",
                Some(&target),
                serde_json::json!({ "from": t.id }),
            )
            .await?;
        }
        _ => {}
    }
    repo::update_topic(&txn, &new, t.version).await?;
    step(&txn, Some(who), &new, action.code(), note, true, now).await?;
    let detail = serde_json::json!({ "into": new.merged_into });
    audit(
        &txn,
        who,
        ip,
        &new,
        &format!("topic.{}", action.code()),
        Some(&t),
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(view(new))
}

/// Adds a photo to a topic: by its raiser or a centre that triages it, while it is open or
/// ready (409 `topic_not_open`), at most [`MAX_TOPIC_PHOTOS`] (409 `too_many_photos`); checked
/// and stored like a case's photos. Audited as `topic.photo_upload`.
pub async fn upload_photo(
    app: &App,
    who: &Signed,
    id: i64,
    claimed_type: Option<&str>,
    bytes: &[u8],
    ip: Option<String>,
) -> Result<TopicPhotoView, AppError> {
    let conn = app.db.conn();
    let t = visible(conn, who, TOPIC_READ, id).await?;
    let writes =
        RegionCode::parse(&t.region_code).is_ok_and(|r| who.principal.scope(TOPIC_WRITE).reaches(&r));
    if t.raised_by != Some(who.user.id) && !writes {
        return Err(AppError::new(
            ErrorKind::Forbidden,
            "not_your_topic",
            "only the raiser or the centre add photos",
        ));
    }
    let state = TopicState::parse(&t.state).unwrap_or(TopicState::Declined);
    if !gridgov_domain::deliberation::takes_support(state) {
        return Err(AppError::new(
            ErrorKind::Conflict,
            "topic_not_open",
            "the topic is past collecting",
        ));
    }
    let (mime, ext, format) = crate::cases::photos::check_image(claimed_type, bytes)?;
    if repo::photos(conn, id).await?.len() >= MAX_TOPIC_PHOTOS {
        return Err(AppError::new(
            ErrorKind::Conflict,
            "too_many_photos",
            format!("a topic has at most {MAX_TOPIC_PHOTOS} photos"),
        ));
    }
    let hash = hex::encode(Sha256::digest(bytes));
    let dir = app
        .config
        .data_dir
        .join("photos")
        .join(&t.district_code)
        .join(format!("topic-{id}"));
    let (path, thumb_path) = crate::cases::photos::store_image(app, &dir, &hash, ext, format, bytes).await?;
    let now = app.clock.now();
    let row = topic_photo::Model {
        id: 0,
        district_code: t.district_code.clone(),
        topic_id: id,
        sha256: hash.clone(),
        mime: mime.to_owned(),
        bytes: bytes.len() as i64,
        path,
        thumb_path: Some(thumb_path),
        uploaded_by: Some(who.user.id),
        created_at: now,
    };
    let txn = conn.begin().await?;
    let pid = repo::insert_photo(&txn, row.clone()).await?;
    step(&txn, Some(who), &t, "photo", None, false, now).await?;
    audit(
        &txn,
        who,
        ip,
        &t,
        "topic.photo_upload",
        None,
        serde_json::json!({ "photo": pid, "sha256": hash }),
    )
    .await?;
    txn.commit().await?;
    Ok(photo_view(topic_photo::Model { id: pid, ..row }))
}

/// A topic photo's bytes (or thumbnail) and type, for readers of its topic.
pub async fn photo(app: &App, who: &Signed, id: i64, thumb: bool) -> Result<(Vec<u8>, String), AppError> {
    let conn = app.db.conn();
    let missing = || AppError::not_found("photo_not_found", format!("no photo {id}"));
    let p = repo::photo(conn, id).await?.ok_or_else(missing)?;
    visible(conn, who, TOPIC_READ, p.topic_id)
        .await
        .map_err(|_| missing())?;
    let (rel, mime) = match (thumb, &p.thumb_path) {
        (true, Some(t)) => (t.clone(), "image/jpeg".to_owned()),
        _ => (p.path.clone(), p.mime.clone()),
    };
    let bytes = tokio::fs::read(app.config.data_dir.join(rel))
        .await
        .map_err(|_| missing())?;
    Ok((bytes, mime))
}
