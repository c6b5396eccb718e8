//! The three-level deliberation platform (网络三级议事平台): topics raised at a grid, a
//! community or a street, residents' support, triage by the centres, photos, the public
//! timeline, notifications to raisers and supporters ([`topics`]); each district's support
//! thresholds and residents' home grids (here).
//!
//! **Who sees what.** Topics are public within their district: a resident (whose role reaches
//! `deliberation:topic:read` with the own-records scope) reads every topic of their district,
//! raisers who are residents named masked (张**); staff read the topics their scope reaches.
//! The rules themselves (states, support, levels) are `gridgov_domain::deliberation`.

pub mod meetings;
pub mod resolutions;
pub mod topics;
pub mod votes;

use crate::access::require;
use crate::audit::{Event, record};
use crate::auth::Signed;
use crate::{App, AppError, ErrorKind};
use chrono::{DateTime, Utc};
use gridgov_domain::access::Scope;
use gridgov_domain::deliberation::Kind;
use gridgov_domain::deliberation::{Level, check_support_threshold};
use gridgov_domain::{RegionCode, RegionLevel};
use gridgov_store::deliberation as repo;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Seeing topics, their supports, photos and timelines (residents: their whole district).
pub const TOPIC_READ: &str = "deliberation:topic:read";
/// Raising topics and adding photos to one's own.
pub const TOPIC_RAISE: &str = "deliberation:topic:raise";
/// Supporting topics of one's home area (residents).
pub const TOPIC_SUPPORT: &str = "deliberation:topic:support";
/// Triage: accepting, declining, merging and referring topics; the district's thresholds
/// (district-wide scope).
pub const TOPIC_WRITE: &str = "deliberation:topic:write";

/// Seeing meetings, their participants, agendas, results, minutes and attachments (residents:
/// their whole district, as results are public).
pub const MEETING_READ: &str = "deliberation:meeting:read";
/// Organising meetings: creating, editing, participants and their check-ins, the agenda,
/// starting, closing and cancelling, minutes and attachments, opening and closing votes.
pub const MEETING_WRITE: &str = "deliberation:meeting:write";

/// The scope of a topic permission: residents (own records) read their whole district, as
/// topics are public there; everyone else their region scope.
pub(crate) fn topic_scope(who: &Signed, perm: &str) -> Scope {
    let s = who.principal.scope(perm);
    if s.own_records_of.is_some() && (perm == TOPIC_READ || perm == MEETING_READ) {
        Scope::everything()
    } else {
        s
    }
}

/// Whether the account is a resident's (raises and supports in their home area).
pub(crate) fn is_resident(who: &Signed) -> bool {
    who.user.kind == "resident"
}

/// A resident's home grid, or 422 `home_required`.
pub(crate) fn home_grid(who: &Signed) -> Result<RegionCode, AppError> {
    who.user
        .unit_code
        .as_deref()
        .and_then(|c| RegionCode::parse(c).ok())
        .filter(|c| matches!(c.level(), RegionLevel::Grid | RegionLevel::Subgrid))
        .ok_or_else(|| {
            AppError::new(
                ErrorKind::Unprocessable,
                "home_required",
                "declare your home grid first (PUT /api/v1/auth/me/home)",
            )
        })
}

/// The support threshold of a level in a district: its setting, or the level's default.
pub(crate) async fn threshold(
    conn: &impl sea_orm::ConnectionTrait,
    district: &str,
    level: Level,
) -> Result<u32, AppError> {
    let set = repo::settings(conn, district).await?;
    Ok(set
        .iter()
        .find(|s| s.level == level.code())
        .and_then(|s| u32::try_from(s.support_threshold).ok())
        .unwrap_or_else(|| level.default_support_threshold()))
}

/// A district's support thresholds per level.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Settings {
    /// Supports that make a grid's topic ready for a meeting (default 5).
    pub grid: u32,
    /// A community's (default 10).
    pub community: u32,
    /// A street's (default 30).
    pub street: u32,
}

/// An edit of the thresholds; a level left out keeps its value. Topics keep the threshold
/// they were raised with.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct SettingsEdit {
    pub grid: Option<i64>,
    pub community: Option<i64>,
    pub street: Option<i64>,
}

/// The caller's district's thresholds (readers of topics).
pub async fn settings(app: &App, who: &Signed) -> Result<Settings, AppError> {
    require(&who.principal, TOPIC_READ)?;
    let conn = app.db.conn();
    let d = &who.user.district_code;
    Ok(Settings {
        grid: threshold(conn, d, Level::Grid).await?,
        community: threshold(conn, d, Level::Community).await?,
        street: threshold(conn, d, Level::Street).await?,
    })
}

/// Sets the district's thresholds (`deliberation:topic:write` with the district-wide scope,
/// else 403 `district_scope_required`); audited as `deliberation.settings`.
pub async fn put_settings(
    app: &App,
    who: &Signed,
    edit: SettingsEdit,
    ip: Option<String>,
) -> Result<Settings, AppError> {
    require(&who.principal, TOPIC_WRITE)?;
    if !who.principal.scope(TOPIC_WRITE).all {
        return Err(AppError::new(
            ErrorKind::Forbidden,
            "district_scope_required",
            "the thresholds are the whole district's",
        ));
    }
    let mut errs = Vec::new();
    let mut set = Vec::new();
    for (level, v) in [
        (Level::Grid, edit.grid),
        (Level::Community, edit.community),
        (Level::Street, edit.street),
    ] {
        let Some(v) = v else { continue };
        match u32::try_from(v)
            .map_err(|_| "threshold_out_of_range")
            .and_then(check_support_threshold)
        {
            Ok(n) => set.push((level, n)),
            Err(code) => errs.push(AppError::field(level.code(), code, "1 to 10000 supports")),
        }
    }
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let before = settings(app, who).await?;
    let now = app.clock.now();
    let txn = sea_orm::TransactionTrait::begin(app.db.conn()).await?;
    for (level, n) in &set {
        repo::put_setting(&txn, &who.user.district_code, level.code(), *n as i32, now).await?;
    }
    let mut after = before.clone();
    for (level, n) in set {
        match level {
            Level::Grid => after.grid = n,
            Level::Community => after.community = n,
            Level::Street => after.street = n,
        }
    }
    let (b, a) = (serde_json::to_value(&before), serde_json::to_value(&after));
    let (b, a) = (b.unwrap_or_default(), a.unwrap_or_default());
    record(
        &txn,
        &who.actor(ip),
        Event {
            district: who.user.district_code.clone(),
            action: "deliberation.settings",
            entity_type: "deliberation_setting",
            entity_id: &who.user.district_code,
            before: Some(&b),
            after: Some(&a),
            detail: serde_json::json!({ "before": b, "after": a }),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// A resident declaring their home grid.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct HomeInput {
    /// A grid (or sub-grid) code of the resident's district.
    #[serde(default)]
    pub grid: String,
}

/// The home grid as stored.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HomeView {
    pub grid: String,
}

/// A resident declares the grid they live in: it decides which topics they support and where
/// they raise them. Residents only (403 `residents_only`); audited as `account.home`.
pub async fn set_home(
    app: &App,
    who: &Signed,
    input: HomeInput,
    ip: Option<String>,
) -> Result<HomeView, AppError> {
    if !is_resident(who) {
        return Err(AppError::new(
            ErrorKind::Forbidden,
            "residents_only",
            "only residents declare a home grid",
        ));
    }
    let code = match RegionCode::parse(input.grid.trim()) {
        Ok(c) if matches!(c.level(), RegionLevel::Grid | RegionLevel::Subgrid) => c,
        Ok(_) => {
            return Err(AppError::invalid_field(
                "grid",
                "not_a_grid",
                "a home is in a grid",
            ));
        }
        Err(e) => return Err(AppError::invalid(vec![crate::error::code_field("grid", &e)])),
    };
    let conn = app.db.conn();
    if code.district().as_str() != who.user.district_code
        || gridgov_store::regions::get_summary(conn, &code).await?.is_none()
    {
        return Err(AppError::not_found("region_not_found", format!("no grid {code}")));
    }
    let u = gridgov_store::accounts::user_by_id(conn, who.user.id)
        .await?
        .ok_or_else(|| AppError::new(ErrorKind::Unauthorized, "session_invalid", "please log in"))?;
    let txn = sea_orm::TransactionTrait::begin(conn).await?;
    gridgov_store::accounts::update_profile(
        &txn,
        u.id,
        &u.display_name,
        Some(code.as_str()),
        u.version,
        app.clock.now(),
    )
    .await?;
    let id = u.id.to_string();
    record(
        &txn,
        &who.actor(ip),
        Event {
            district: u.district_code.clone(),
            region: Some(code.to_string()),
            action: "account.home",
            entity_type: "user",
            entity_id: &id,
            detail: serde_json::json!({ "changed": ["unit"] }),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    app.accounts_changed();
    Ok(HomeView {
        grid: code.to_string(),
    })
}

/// A notification: a topic one raised or supports moved.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: i64,
    pub topic_id: Option<i64>,
    /// What happened: `ready`, `accept`, `decline`, `merge`, `refer`, …
    pub action: String,
    /// The topic's title.
    pub title: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A page of one's notifications, with the total and how many are unread.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<NotificationView>,
    pub total: u64,
    pub unread: u64,
}

/// The signed-in account's notifications, newest first.
pub async fn notifications(
    app: &App,
    who: &Signed,
    unread_only: bool,
    page: u64,
    page_size: u64,
) -> Result<NotificationPage, AppError> {
    let (offset, limit) = window(page, page_size);
    let (rows, total, unread) =
        repo::notifications(app.db.conn(), who.user.id, unread_only, offset, limit).await?;
    Ok(NotificationPage {
        items: rows
            .into_iter()
            .map(|n| NotificationView {
                id: n.id,
                topic_id: n.topic_id,
                action: n.action,
                title: n.title,
                created_at: n.created_at,
                read_at: n.read_at,
            })
            .collect(),
        total,
        unread,
    })
}

/// Marking notifications read: these ids (one's own; others' are ignored), or all.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct ReadInput {
    pub ids: Option<Vec<i64>>,
    #[serde(default)]
    pub all: bool,
}

/// How many notifications were marked read.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReadResult {
    pub marked: u64,
}

/// Marks the caller's notifications read (not audited: reading is not a change of record).
pub async fn mark_read(app: &App, who: &Signed, input: ReadInput) -> Result<ReadResult, AppError> {
    let ids = match (&input.ids, input.all) {
        (_, true) => None,
        (Some(ids), false) if !ids.is_empty() && ids.len() <= 500 => Some(ids.as_slice()),
        _ => {
            return Err(AppError::invalid_field(
                "ids",
                "required",
                "1 to 500 ids, or all: true",
            ));
        }
    };
    let marked = repo::mark_read(app.db.conn(), who.user.id, ids, app.clock.now()).await?;
    Ok(ReadResult { marked })
}

/// The offset and size of a list's page (pages count from 1; at most 100 rows).
pub(crate) fn window(page: u64, page_size: u64) -> (u64, u64) {
    let size = page_size.clamp(1, 100);
    (page.saturating_sub(1) * size, size)
}

/// Records an action on a topic or a meeting (`entity_type`) in its area, with its audited
/// fields before and after, in the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn audit_in_area(
    conn: &impl sea_orm::ConnectionTrait,
    who: &Signed,
    ip: Option<String>,
    (district, region): (&str, &str),
    (entity_type, id): (&'static str, i64),
    action: &str,
    (before, after): (Option<serde_json::Value>, serde_json::Value),
    detail: serde_json::Value,
) -> Result<(), AppError> {
    let id = id.to_string();
    record(
        conn,
        &who.actor(ip),
        Event {
            district: district.to_owned(),
            region: Some(region.to_owned()),
            action,
            entity_type,
            entity_id: &id,
            before: before.as_ref(),
            after: Some(&after),
            detail,
        },
    )
    .await
}
