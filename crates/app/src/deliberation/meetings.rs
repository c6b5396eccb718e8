//! Meetings (议事会, e.g. the fortnightly 议题半月谈) at a grid, a community or a street:
//! participants (resident representatives, party members, the property company, departments)
//! with their check-ins, an agenda of proposals (a scheduled topic or a free proposal),
//! minutes and attachments, and the meeting's life planned → in session → closed (or
//! cancelled). Every change runs under the meeting's row lock and is audited; once a meeting is
//! closed or cancelled nothing of it changes (409 `meeting_closed`).
//!
//! Decisions: closing refuses while a proposal is still being voted (409 `voting_open`: the
//! chair closes each vote, so a count is never made implicitly); proposals still draft stay
//! unvoted and their topics go back to ready (`unschedule`), as when a meeting is cancelled.
//! Closing a meeting with `recur_days` creates the next of its series `recur_days` later: same
//! area, title, place, rule, ballot kind and participants (without check-ins), an empty agenda;
//! cancelling does not (the organiser plans the next one).

use super::topics::{self, area, text};
use super::{MEETING_READ, MEETING_WRITE, TOPIC_READ, topic_scope, window};
use crate::access::require;
use crate::auth::Signed;
use crate::{App, AppError, ErrorKind, FieldError};
use chrono::{DateTime, Duration, Utc};
use gridgov_domain::RegionCode;
use gridgov_domain::deliberation::{
    BallotKind, Kind, Level, MeetingAction, MeetingError, MeetingState, ParticipantRole, PassBase,
    ProposalState, Share, Tally, TopicAction, VoteRule, check_editable, check_in_session,
    check_recurrence_days, meeting_transition, turnout_percent,
};
use gridgov_store::entity::{meeting, meeting_attachment, meeting_participant, proposal};
use gridgov_store::meetings::{self as repo, MeetingFilter};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// An attachment's largest size.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// A meeting being planned.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct MeetingInput {
    /// A grid, a community or a street in the caller's scope.
    #[serde(default)]
    pub area: String,
    /// 1 to 100 characters, e.g. 议题半月谈.
    #[serde(default)]
    pub title: String,
    pub place: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    /// Repeats every 1 to 92 days: closing creates the next meeting of the series.
    pub recur_days: Option<i64>,
    /// `more_than_half` (default), `two_thirds`, `three_quarters`, `all`: eligible present.
    pub quorum: Option<String>,
    /// The share of the base that must vote for (default `more_than_half`).
    pub pass_share: Option<String>,
    /// `cast`, `present` (default) or `eligible`.
    pub pass_base: Option<String>,
    /// `open` (default, 记名) or `secret` (不记名).
    pub ballot_kind: Option<String>,
}

/// An edit of a meeting with the version read; a field left out stays.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct MeetingEdit {
    pub version: i32,
    pub title: Option<String>,
    pub place: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub quorum: Option<String>,
    pub pass_share: Option<String>,
    pub pass_base: Option<String>,
    pub ballot_kind: Option<String>,
    /// The minutes (纪要), up to 20000 characters.
    pub minutes: Option<String>,
}

/// A meeting as lists show it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MeetingView {
    pub id: i64,
    pub level: String,
    pub area: String,
    pub street: String,
    pub community: Option<String>,
    pub title: String,
    pub place: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub recur_days: Option<i32>,
    /// The first meeting of the series this one continues.
    pub series_id: Option<i64>,
    pub state: String,
    pub quorum: String,
    pub pass_share: String,
    pub pass_base: String,
    pub ballot_kind: String,
    pub minutes: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

pub(crate) fn view(m: meeting::Model) -> MeetingView {
    MeetingView {
        id: m.id,
        level: m.level,
        area: m.region_code,
        street: m.street_code,
        community: m.community_code,
        title: m.title,
        place: m.place,
        starts_at: m.starts_at,
        recur_days: m.recur_days,
        series_id: m.series_id,
        state: m.state,
        quorum: m.quorum,
        pass_share: m.pass_share,
        pass_base: m.pass_base,
        ballot_kind: m.ballot_kind,
        minutes: m.minutes,
        started_at: m.started_at,
        closed_at: m.closed_at,
        version: m.version,
        created_at: m.created_at,
    }
}

/// A page of meetings with the total.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MeetingPage {
    pub items: Vec<MeetingView>,
    pub total: u64,
}

/// A participant of a meeting.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ParticipantView {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub unit: Option<String>,
    /// Whether an account is linked (it checks in and votes itself).
    pub linked: bool,
    pub can_vote: bool,
    pub checked_in_at: Option<DateTime<Utc>>,
}

fn participant_view(p: meeting_participant::Model) -> ParticipantView {
    ParticipantView {
        id: p.id,
        name: p.name,
        role: p.role,
        unit: p.unit,
        linked: p.account_id.is_some(),
        can_vote: p.can_vote,
        checked_in_at: p.checked_in_at,
    }
}

/// A proposal on the agenda. While it is voted only how many have voted is shown, never the
/// counts; once closed, the counts, the outcome and the turnout.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ProposalView {
    pub id: i64,
    pub meeting_id: i64,
    pub topic_id: Option<i64>,
    pub position: i32,
    pub title: String,
    pub text: Option<String>,
    /// `draft`, `voting`, `closed`.
    pub state: String,
    pub ballot_kind: String,
    pub quorum: String,
    pub pass_share: String,
    pub pass_base: String,
    /// Fixed when voting opens.
    pub eligible: i32,
    /// Eligible participants checked in when voting closed.
    pub present: i32,
    /// Ballots cast so far.
    pub voted: i32,
    pub for_votes: Option<i32>,
    pub against: Option<i32>,
    pub abstain: Option<i32>,
    pub quorum_met: Option<bool>,
    pub passed: Option<bool>,
    /// Votes cast of the eligible, in per cent (closed only).
    pub turnout_percent: Option<f64>,
    pub opened_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i32,
}

pub(crate) fn proposal_view(p: proposal::Model) -> ProposalView {
    let closed = p.state == ProposalState::Closed.code();
    let voted = p.for_votes + p.against + p.abstain;
    let tally = Tally {
        eligible: u32::try_from(p.eligible).unwrap_or(0),
        present: u32::try_from(p.present).unwrap_or(0),
        for_votes: u32::try_from(p.for_votes).unwrap_or(0),
        against: u32::try_from(p.against).unwrap_or(0),
        abstain: u32::try_from(p.abstain).unwrap_or(0),
    };
    ProposalView {
        id: p.id,
        meeting_id: p.meeting_id,
        topic_id: p.topic_id,
        position: p.position,
        title: p.title,
        text: p.text,
        state: p.state,
        ballot_kind: p.ballot_kind,
        quorum: p.quorum,
        pass_share: p.pass_share,
        pass_base: p.pass_base,
        eligible: p.eligible,
        present: p.present,
        voted,
        for_votes: closed.then_some(p.for_votes),
        against: closed.then_some(p.against),
        abstain: closed.then_some(p.abstain),
        quorum_met: p.quorum_met,
        passed: p.passed,
        turnout_percent: closed.then(|| turnout_percent(tally)),
        opened_at: p.opened_at,
        closed_at: p.closed_at,
        version: p.version,
    }
}

/// An attachment of a meeting (PDF, JPEG or PNG).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: i64,
    pub name: String,
    pub mime: String,
    pub bytes: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

fn attachment_view(a: meeting_attachment::Model) -> AttachmentView {
    AttachmentView {
        id: a.id,
        name: a.name,
        mime: a.mime,
        bytes: a.bytes,
        sha256: a.sha256,
        created_at: a.created_at,
    }
}

/// A meeting with its participants, agenda (in order), attachments, the actions the caller may
/// take (`start`, `close`, `cancel`) and the caller's own participation.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MeetingDetail {
    pub meeting: MeetingView,
    pub participants: Vec<ParticipantView>,
    pub agenda: Vec<ProposalView>,
    pub attachments: Vec<AttachmentView>,
    pub actions: Vec<String>,
    /// The participant linked to the caller's account, if any.
    pub my_participant_id: Option<i64>,
}

/// The filters of a list of meetings.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct MeetingQuery {
    pub level: Option<String>,
    pub region: Option<String>,
    pub state: Option<String>,
    /// Meetings starting at or after.
    pub from: Option<DateTime<Utc>>,
    /// Meetings starting before.
    pub to: Option<DateTime<Utc>>,
    #[serde(default = "one")]
    pub page: u64,
    #[serde(default = "twenty")]
    pub page_size: u64,
}

fn one() -> u64 {
    1
}
fn twenty() -> u64 {
    20
}

/// A state move: `start`, `close` or `cancel`, with the version read.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct MeetingCommand {
    pub action: String,
    pub version: i32,
}

/// A participant being added.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct ParticipantInput {
    #[serde(default)]
    pub name: String,
    /// `host`, `resident_rep`, `party_member`, `grid_worker`, `property_company`, `department`,
    /// `expert` (or 居民代表, …).
    #[serde(default)]
    pub role: String,
    pub unit: Option<String>,
    /// A resident's or staff account of the district: it checks in and votes itself.
    pub account_id: Option<i64>,
    /// Defaults from the role: resident and party member representatives vote.
    pub can_vote: Option<bool>,
}

/// A check-in: an operator names the participant; without one, the caller checks in as the
/// participant linked to their account.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct CheckInInput {
    pub participant_id: Option<i64>,
}

/// A proposal for the agenda: a topic (scheduled, its title taken) or a free one.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct ProposalInput {
    pub topic_id: Option<i64>,
    pub title: Option<String>,
    pub text: Option<String>,
}

/// The agenda's new order: every proposal of the meeting, once.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct AgendaOrder {
    #[serde(default)]
    pub order: Vec<i64>,
}

pub(crate) fn meeting_not_found(id: i64) -> AppError {
    AppError::not_found("meeting_not_found", format!("no meeting {id}"))
}

pub(crate) fn meeting_error(e: MeetingError) -> AppError {
    AppError::new(ErrorKind::Conflict, e.code(), e.to_string())
}

pub(crate) fn state_of(m: &meeting::Model) -> MeetingState {
    MeetingState::parse(&m.state).unwrap_or(MeetingState::Closed)
}

/// A meeting of the caller's district that their scope of `perm` reaches (residents: any of
/// their district for reading), else 404 `meeting_not_found`.
pub(crate) fn reaches(who: &Signed, perm: &str, m: &meeting::Model) -> bool {
    let scope = topic_scope(who, perm);
    m.district_code == who.user.district_code
        && RegionCode::parse(&m.region_code).is_ok_and(|r| scope.reaches(&r))
}

pub(crate) async fn visible(
    conn: &impl ConnectionTrait,
    who: &Signed,
    perm: &str,
    id: i64,
) -> Result<meeting::Model, AppError> {
    require(&who.principal, perm)?;
    let m = repo::meeting(conn, id)
        .await?
        .ok_or_else(|| meeting_not_found(id))?;
    if reaches(who, perm, &m) {
        Ok(m)
    } else {
        Err(meeting_not_found(id))
    }
}

/// Locks a meeting the caller writes (404 beyond their scope) and checks it is still editable
/// (409 `meeting_closed`).
pub(crate) async fn lock_editable(
    txn: &impl ConnectionTrait,
    who: &Signed,
    id: i64,
) -> Result<meeting::Model, AppError> {
    let m = repo::lock_meeting(txn, id)
        .await?
        .ok_or_else(|| meeting_not_found(id))?;
    if !reaches(who, MEETING_WRITE, &m) {
        return Err(meeting_not_found(id));
    }
    check_editable(state_of(&m)).map_err(meeting_error)?;
    Ok(m)
}

fn kind_field<K: Kind>(field: &str, raw: Option<&str>, errs: &mut Vec<FieldError>) -> Option<K> {
    let s = raw.map(str::trim).filter(|s| !s.is_empty())?;
    let k = K::parse(s);
    if k.is_none() {
        errs.push(AppError::field(
            field,
            &format!("unknown_{field}"),
            format!("an unknown {field}"),
        ));
    }
    k
}

/// What the audit log keeps of a meeting.
fn audited(m: &meeting::Model) -> serde_json::Value {
    serde_json::json!({
        "level": m.level, "area": m.region_code, "title": m.title, "place": m.place,
        "starts_at": m.starts_at, "recur_days": m.recur_days, "series_id": m.series_id,
        "state": m.state, "quorum": m.quorum, "pass_share": m.pass_share, "pass_base": m.pass_base,
        "ballot_kind": m.ballot_kind, "minutes_chars": m.minutes.as_ref().map(|s| s.chars().count()),
        "version": m.version,
    })
}

/// Records an action on a meeting in its area, in the caller's transaction.
pub(crate) async fn audit(
    conn: &impl ConnectionTrait,
    who: &Signed,
    ip: Option<String>,
    m: &meeting::Model,
    action: &str,
    before: Option<&meeting::Model>,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    let fields = (before.map(audited), audited(m));
    let area = (m.district_code.as_str(), m.region_code.as_str());
    super::audit_in_area(conn, who, ip, area, ("meeting", m.id), action, fields, detail).await
}

/// Plans a meeting in an area of the caller's scope of `deliberation:meeting:write` (404
/// `region_not_found` beyond it). Audited as `meeting.create`.
pub async fn create(
    app: &App,
    who: &Signed,
    input: MeetingInput,
    ip: Option<String>,
) -> Result<MeetingView, AppError> {
    require(&who.principal, MEETING_WRITE)?;
    let mut errs = Vec::new();
    let title = text("title", &input.title, 100, true, &mut errs);
    let place = input
        .place
        .as_deref()
        .and_then(|p| text("place", p, 200, false, &mut errs));
    let placed = area(&input.area, &mut errs);
    if input.starts_at.is_none() {
        errs.push(AppError::field(
            "starts_at",
            "required",
            "when the meeting starts",
        ));
    }
    let recur = match input.recur_days {
        None => None,
        Some(d) => match u32::try_from(d)
            .map_err(|_| "recurrence_out_of_range")
            .and_then(check_recurrence_days)
        {
            Ok(d) => Some(d as i32),
            Err(code) => {
                errs.push(AppError::field("recur_days", code, "1 to 92 days"));
                None
            }
        },
    };
    let def = VoteRule::default();
    let quorum = kind_field::<Share>("quorum", input.quorum.as_deref(), &mut errs).unwrap_or(def.quorum);
    let pass = kind_field::<Share>("pass_share", input.pass_share.as_deref(), &mut errs).unwrap_or(def.pass);
    let base = kind_field::<PassBase>("pass_base", input.pass_base.as_deref(), &mut errs).unwrap_or(def.base);
    let kind = kind_field::<BallotKind>("ballot_kind", input.ballot_kind.as_deref(), &mut errs)
        .unwrap_or(BallotKind::Open);
    let (Some(title), Some((code, level)), Some(starts_at), true) =
        (title, placed, input.starts_at, errs.is_empty())
    else {
        return Err(AppError::invalid(errs));
    };
    let conn = app.db.conn();
    if code.district().as_str() != who.user.district_code
        || !who.principal.scope(MEETING_WRITE).reaches(&code)
        || gridgov_store::regions::get_summary(conn, &code).await?.is_none()
    {
        return Err(AppError::not_found(
            "region_not_found",
            format!("no region {code}"),
        ));
    }
    let now = app.clock.now();
    let mut m = meeting::Model {
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
        place,
        starts_at,
        recur_days: recur,
        series_id: None,
        state: MeetingState::Planned.code().to_owned(),
        quorum: quorum.code().to_owned(),
        pass_share: pass.code().to_owned(),
        pass_base: base.code().to_owned(),
        ballot_kind: kind.code().to_owned(),
        minutes: None,
        started_at: None,
        closed_at: None,
        version: 1,
        created_by: Some(who.user.id),
        created_at: now,
        updated_at: now,
    };
    let txn = conn.begin().await?;
    m.id = repo::insert_meeting(&txn, m.clone()).await?;
    audit(&txn, who, ip, &m, "meeting.create", None, serde_json::json!({})).await?;
    txn.commit().await?;
    Ok(view(m))
}

/// Meetings in the caller's scope (residents: their whole district), latest start first.
pub async fn list(app: &App, who: &Signed, q: MeetingQuery) -> Result<MeetingPage, AppError> {
    require(&who.principal, MEETING_READ)?;
    let mut errs = Vec::new();
    let level = kind_field::<Level>("level", q.level.as_deref(), &mut errs).map(|k| k.code().to_owned());
    let state =
        kind_field::<MeetingState>("state", q.state.as_deref(), &mut errs).map(|k| k.code().to_owned());
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
    let scope = topic_scope(who, MEETING_READ);
    if let Some(r) = &region
        && (r.district().as_str() != who.user.district_code || !scope.sees_on_path(r))
    {
        return Err(AppError::not_found("region_not_found", format!("no region {r}")));
    }
    let f = MeetingFilter {
        region,
        level,
        state,
        from: q.from,
        to: q.to,
    };
    let (offset, limit) = window(q.page, q.page_size);
    let (rows, total) =
        repo::list_meetings(app.db.conn(), &who.user.district_code, &scope, &f, offset, limit).await?;
    Ok(MeetingPage {
        items: rows.into_iter().map(view).collect(),
        total,
    })
}

fn actions(who: &Signed, m: &meeting::Model) -> Vec<String> {
    if !reaches(who, MEETING_WRITE, m) || !who.principal.can(MEETING_WRITE) {
        return Vec::new();
    }
    let state = state_of(m);
    [MeetingAction::Start, MeetingAction::Close, MeetingAction::Cancel]
        .into_iter()
        .filter(|a| meeting_transition(state, *a).is_ok())
        .map(|a| a.code().to_owned())
        .collect()
}

pub(crate) async fn detail(
    conn: &impl ConnectionTrait,
    who: &Signed,
    m: meeting::Model,
) -> Result<MeetingDetail, AppError> {
    let parts = repo::participants(conn, m.id).await?;
    let mine = parts
        .iter()
        .find(|p| p.account_id == Some(who.user.id))
        .map(|p| p.id);
    Ok(MeetingDetail {
        participants: parts.into_iter().map(participant_view).collect(),
        agenda: repo::proposals(conn, m.id)
            .await?
            .into_iter()
            .map(proposal_view)
            .collect(),
        attachments: repo::attachments(conn, m.id)
            .await?
            .into_iter()
            .map(attachment_view)
            .collect(),
        actions: actions(who, &m),
        my_participant_id: mine,
        meeting: view(m),
    })
}

/// A meeting with its participants, agenda, attachments and the caller's actions.
pub async fn get(app: &App, who: &Signed, id: i64) -> Result<MeetingDetail, AppError> {
    let conn = app.db.conn();
    let m = visible(conn, who, MEETING_READ, id).await?;
    detail(conn, who, m).await
}

/// Edits a meeting with the version read (409 `stale_version`) while it is not over (409
/// `meeting_closed`). Audited as `meeting.update`.
pub async fn edit(
    app: &App,
    who: &Signed,
    id: i64,
    e: MeetingEdit,
    ip: Option<String>,
) -> Result<MeetingView, AppError> {
    let conn = app.db.conn();
    visible(conn, who, MEETING_WRITE, id).await?;
    let mut errs = Vec::new();
    let title = e
        .title
        .as_deref()
        .and_then(|t| text("title", t, 100, true, &mut errs));
    let place = e
        .place
        .as_deref()
        .map(|p| text("place", p, 200, false, &mut errs));
    let minutes = e
        .minutes
        .as_deref()
        .map(|p| text("minutes", p, 20000, false, &mut errs));
    let quorum = kind_field::<Share>("quorum", e.quorum.as_deref(), &mut errs);
    let pass = kind_field::<Share>("pass_share", e.pass_share.as_deref(), &mut errs);
    let base = kind_field::<PassBase>("pass_base", e.pass_base.as_deref(), &mut errs);
    let kind = kind_field::<BallotKind>("ballot_kind", e.ballot_kind.as_deref(), &mut errs);
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let now = app.clock.now();
    let txn = conn.begin().await?;
    let m = lock_editable(&txn, who, id).await?;
    if m.version != e.version {
        return Err(gridgov_store::StoreError::Conflict.into());
    }
    let mut new = m.clone();
    if let Some(t) = title {
        new.title = t;
    }
    if let Some(p) = place {
        new.place = p;
    }
    if let Some(mn) = minutes {
        new.minutes = mn;
    }
    if let Some(s) = e.starts_at {
        new.starts_at = s;
    }
    if let Some(q) = quorum {
        new.quorum = q.code().to_owned();
    }
    if let Some(p) = pass {
        new.pass_share = p.code().to_owned();
    }
    if let Some(b) = base {
        new.pass_base = b.code().to_owned();
    }
    if let Some(k) = kind {
        new.ballot_kind = k.code().to_owned();
    }
    new.version += 1;
    new.updated_at = now;
    repo::update_meeting(&txn, &new, m.version).await?;
    audit(
        &txn,
        who,
        ip,
        &new,
        "meeting.update",
        Some(&m),
        serde_json::json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(view(new))
}

/// Starts (planned → in session), closes (in session → closed; refused while a proposal is
/// being voted: 409 `voting_open`) or cancels (planned → cancelled) a meeting. Closing and
/// cancelling send the topics of draft proposals back to ready; closing a recurring meeting
/// creates the next of its series. Audited as `meeting.<action>`.
pub async fn act(
    app: &App,
    who: &Signed,
    id: i64,
    cmd: MeetingCommand,
    ip: Option<String>,
) -> Result<MeetingDetail, AppError> {
    let conn = app.db.conn();
    visible(conn, who, MEETING_WRITE, id).await?;
    let action = MeetingAction::parse(&cmd.action)
        .ok_or_else(|| AppError::invalid_field("action", "unknown_action", "start, close or cancel"))?;
    let now = app.clock.now();
    let txn = conn.begin().await?;
    let m = repo::lock_meeting(&txn, id)
        .await?
        .ok_or_else(|| meeting_not_found(id))?;
    let next = meeting_transition(state_of(&m), action).map_err(meeting_error)?;
    if m.version != cmd.version {
        return Err(gridgov_store::StoreError::Conflict.into());
    }
    let agenda = repo::proposals(&txn, id).await?;
    if action == MeetingAction::Close && agenda.iter().any(|p| p.state == ProposalState::Voting.code()) {
        return Err(AppError::new(
            ErrorKind::Conflict,
            "voting_open",
            "close the votes still open first",
        ));
    }
    let mut new = m.clone();
    new.state = next.code().to_owned();
    new.version += 1;
    new.updated_at = now;
    match action {
        MeetingAction::Start => new.started_at = Some(now),
        _ => new.closed_at = Some(now),
    }
    repo::update_meeting(&txn, &new, m.version).await?;
    let mut unscheduled = Vec::new();
    if action != MeetingAction::Start {
        for p in agenda.iter().filter(|p| p.state == ProposalState::Draft.code()) {
            if let Some(t) = p.topic_id {
                topics::move_topic(
                    &txn,
                    who,
                    t,
                    TopicAction::Unschedule,
                    topics::MovedBy::Meeting(id),
                    now,
                )
                .await?;
                unscheduled.push(t);
            }
        }
    }
    let mut next_id = None;
    if action == MeetingAction::Close
        && let Some(days) = m.recur_days
    {
        let mut n = new.clone();
        n.id = 0;
        n.series_id = Some(m.series_id.unwrap_or(m.id));
        n.starts_at = m.starts_at + Duration::days(i64::from(days));
        n.state = MeetingState::Planned.code().to_owned();
        n.minutes = None;
        n.started_at = None;
        n.closed_at = None;
        n.version = 1;
        n.created_by = Some(who.user.id);
        n.created_at = now;
        n.updated_at = now;
        n.id = repo::insert_meeting(&txn, n.clone()).await?;
        for p in repo::participants(&txn, id).await? {
            repo::insert_participant(
                &txn,
                meeting_participant::Model {
                    meeting_id: n.id,
                    checked_in_at: None,
                    created_at: now,
                    ..p
                },
            )
            .await?;
        }
        audit(
            &txn,
            who,
            None,
            &n,
            "meeting.create",
            None,
            serde_json::json!({ "after": id }),
        )
        .await?;
        next_id = Some(n.id);
    }
    let detail_json = serde_json::json!({ "unscheduled": unscheduled, "next": next_id });
    audit(
        &txn,
        who,
        ip,
        &new,
        &format!("meeting.{}", action.code()),
        Some(&m),
        detail_json,
    )
    .await?;
    txn.commit().await?;
    detail(conn, who, new).await
}

/// Adds a participant while the meeting is not over. A linked account must be of the district
/// (400 `account_not_found`) and linked once per meeting (409 `already_participant`).
/// Audited as `meeting.participant_add`.
pub async fn add_participant(
    app: &App,
    who: &Signed,
    id: i64,
    input: ParticipantInput,
    ip: Option<String>,
) -> Result<ParticipantView, AppError> {
    let conn = app.db.conn();
    visible(conn, who, MEETING_WRITE, id).await?;
    let mut errs = Vec::new();
    let name = text("name", &input.name, 50, true, &mut errs);
    let unit = input
        .unit
        .as_deref()
        .and_then(|u| text("unit", u, 100, false, &mut errs));
    let role = kind_field::<ParticipantRole>("role", Some(&input.role), &mut errs);
    if input.role.trim().is_empty() {
        errs.push(AppError::field("role", "required", "the participant's role"));
    }
    if let Some(a) = input.account_id {
        let ok = gridgov_store::accounts::user_by_id(conn, a)
            .await?
            .is_some_and(|u| u.district_code == who.user.district_code && !u.disabled);
        if !ok {
            errs.push(AppError::field(
                "account_id",
                "account_not_found",
                format!("no account {a}"),
            ));
        }
    }
    let (Some(name), Some(role), true) = (name, role, errs.is_empty()) else {
        return Err(AppError::invalid(errs));
    };
    let now = app.clock.now();
    let txn = conn.begin().await?;
    let m = lock_editable(&txn, who, id).await?;
    if let Some(a) = input.account_id
        && repo::participants(&txn, id)
            .await?
            .iter()
            .any(|p| p.account_id == Some(a))
    {
        return Err(AppError::new(
            ErrorKind::Conflict,
            "already_participant",
            "the account takes part already",
        ));
    }
    let mut p = meeting_participant::Model {
        id: 0,
        meeting_id: id,
        name,
        role: role.code().to_owned(),
        unit,
        account_id: input.account_id,
        can_vote: input.can_vote.unwrap_or_else(|| role.votes_by_default()),
        checked_in_at: None,
        created_at: now,
    };
    p.id = repo::insert_participant(&txn, p.clone()).await?;
    let d = serde_json::json!({ "participant": p.id, "role": p.role, "account_id": p.account_id, "can_vote": p.can_vote });
    audit(&txn, who, ip, &m, "meeting.participant_add", None, d).await?;
    txn.commit().await?;
    Ok(participant_view(p))
}

fn participant_not_found(id: i64) -> AppError {
    AppError::not_found("participant_not_found", format!("no participant {id}"))
}

/// Removes a participant while the meeting is planned (409 `meeting_in_session` after it
/// started, `meeting_closed` once over). Audited as `meeting.participant_remove`.
pub async fn remove_participant(
    app: &App,
    who: &Signed,
    id: i64,
    pid: i64,
    ip: Option<String>,
) -> Result<(), AppError> {
    let conn = app.db.conn();
    visible(conn, who, MEETING_WRITE, id).await?;
    let txn = conn.begin().await?;
    let m = lock_editable(&txn, who, id).await?;
    if state_of(&m) != MeetingState::Planned {
        return Err(AppError::new(
            ErrorKind::Conflict,
            "meeting_in_session",
            "participants leave only before the meeting starts",
        ));
    }
    let p = repo::participant(&txn, pid)
        .await?
        .filter(|p| p.meeting_id == id)
        .ok_or_else(|| participant_not_found(pid))?;
    repo::delete_participant(&txn, pid).await?;
    audit(
        &txn,
        who,
        ip,
        &m,
        "meeting.participant_remove",
        None,
        serde_json::json!({ "participant": p.id, "role": p.role }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Checks a participant in while the meeting is in session (409 `meeting_not_in_session`,
/// `meeting_closed`): an operator of the meeting names any participant; anyone else checks in
/// as the participant linked to their own account (403 `not_your_participation` for another's;
/// 404 `participant_not_found` when none is linked to them). Idempotent: checking in again
/// answers the first check-in. Audited as `meeting.check_in`.
pub async fn check_in(
    app: &App,
    who: &Signed,
    id: i64,
    input: CheckInInput,
    ip: Option<String>,
) -> Result<ParticipantView, AppError> {
    let conn = app.db.conn();
    let m0 = visible(conn, who, MEETING_READ, id).await?;
    let operator = who.principal.can(MEETING_WRITE) && reaches(who, MEETING_WRITE, &m0);
    let now = app.clock.now();
    let txn = conn.begin().await?;
    let m = repo::lock_meeting(&txn, id)
        .await?
        .ok_or_else(|| meeting_not_found(id))?;
    check_in_session(state_of(&m)).map_err(meeting_error)?;
    let parts = repo::participants(&txn, id).await?;
    let p = match input.participant_id {
        Some(pid) => {
            let p = parts
                .into_iter()
                .find(|p| p.id == pid)
                .ok_or_else(|| participant_not_found(pid))?;
            if !operator && p.account_id != Some(who.user.id) {
                return Err(AppError::new(
                    ErrorKind::Forbidden,
                    "not_your_participation",
                    "you check in only yourself",
                ));
            }
            p
        }
        None => parts
            .into_iter()
            .find(|p| p.account_id == Some(who.user.id))
            .ok_or_else(|| {
                AppError::not_found(
                    "participant_not_found",
                    "you are not a participant of this meeting",
                )
            })?,
    };
    if p.checked_in_at.is_some() {
        return Ok(participant_view(p));
    }
    repo::check_in(&txn, p.id, now).await?;
    let by_self = p.account_id == Some(who.user.id);
    audit(
        &txn,
        who,
        ip,
        &m,
        "meeting.check_in",
        None,
        serde_json::json!({ "participant": p.id, "self": by_self }),
    )
    .await?;
    txn.commit().await?;
    Ok(participant_view(meeting_participant::Model {
        checked_in_at: Some(now),
        ..p
    }))
}

/// Adds a proposal to the agenda while the meeting is not over: a topic (`schedule`d through
/// the topic module: timeline, notifications; it must lie in the meeting's area, 422
/// `outside_meeting_area`; be open or ready, 409 `invalid_topic_state`) with the topic's title,
/// or a free proposal with a title. Audited as `meeting.proposal_add`.
pub async fn add_proposal(
    app: &App,
    who: &Signed,
    id: i64,
    input: ProposalInput,
    ip: Option<String>,
) -> Result<ProposalView, AppError> {
    let conn = app.db.conn();
    visible(conn, who, MEETING_WRITE, id).await?;
    let mut errs = Vec::new();
    let title = input
        .title
        .as_deref()
        .and_then(|t| text("title", t, 100, false, &mut errs));
    let body = input
        .text
        .as_deref()
        .and_then(|t| text("text", t, 2000, false, &mut errs));
    if input.topic_id.is_none() && title.is_none() && errs.is_empty() {
        errs.push(AppError::field("title", "required", "a title, or a topic_id"));
    }
    let topic = match input.topic_id {
        Some(t) => match topics::visible(conn, who, TOPIC_READ, t).await {
            Ok(t) => Some(t),
            Err(_) => {
                errs.push(AppError::field(
                    "topic_id",
                    "topic_not_found",
                    format!("no topic {t}"),
                ));
                None
            }
        },
        None => None,
    };
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let now = app.clock.now();
    let txn = conn.begin().await?;
    let m = lock_editable(&txn, who, id).await?;
    let mut title = title;
    if let Some(t) = &topic {
        let within = match (
            RegionCode::parse(&t.region_code),
            RegionCode::parse(&m.region_code),
        ) {
            (Ok(a), Ok(b)) => a.is_within(&b),
            _ => false,
        };
        if !within {
            return Err(AppError::new(
                ErrorKind::Unprocessable,
                "outside_meeting_area",
                "the topic's area is not in the meeting's",
            ));
        }
        let moved = topics::move_topic(
            &txn,
            who,
            t.id,
            TopicAction::Schedule,
            topics::MovedBy::Meeting(id),
            now,
        )
        .await?;
        title = title.or(Some(moved.title));
    }
    let position = repo::proposals(&txn, id)
        .await?
        .iter()
        .map(|p| p.position)
        .max()
        .unwrap_or(0)
        + 1;
    let mut p = proposal::Model {
        id: 0,
        district_code: m.district_code.clone(),
        meeting_id: id,
        topic_id: topic.as_ref().map(|t| t.id),
        position,
        title: title.unwrap_or_default(),
        text: body,
        state: ProposalState::Draft.code().to_owned(),
        ballot_kind: m.ballot_kind.clone(),
        quorum: m.quorum.clone(),
        pass_share: m.pass_share.clone(),
        pass_base: m.pass_base.clone(),
        eligible: 0,
        present: 0,
        for_votes: 0,
        against: 0,
        abstain: 0,
        quorum_met: None,
        passed: None,
        opened_at: None,
        closed_at: None,
        version: 1,
        created_at: now,
    };
    p.id = repo::insert_proposal(&txn, p.clone()).await?;
    audit(
        &txn,
        who,
        ip,
        &m,
        "meeting.proposal_add",
        None,
        serde_json::json!({ "proposal": p.id, "topic": p.topic_id }),
    )
    .await?;
    txn.commit().await?;
    Ok(proposal_view(p))
}

/// Reorders the agenda: `order` names every proposal of the meeting once (400 `invalid_order`).
/// Audited as `meeting.agenda_reorder`.
pub async fn reorder(
    app: &App,
    who: &Signed,
    id: i64,
    input: AgendaOrder,
    ip: Option<String>,
) -> Result<Vec<ProposalView>, AppError> {
    let conn = app.db.conn();
    visible(conn, who, MEETING_WRITE, id).await?;
    let txn = conn.begin().await?;
    let m = lock_editable(&txn, who, id).await?;
    let agenda = repo::proposals(&txn, id).await?;
    let mut have: Vec<i64> = agenda.iter().map(|p| p.id).collect();
    let mut want = input.order.clone();
    have.sort_unstable();
    want.sort_unstable();
    if have != want {
        return Err(AppError::invalid_field(
            "order",
            "invalid_order",
            "every proposal of the meeting, once",
        ));
    }
    let mut out = Vec::new();
    for (i, pid) in input.order.iter().enumerate() {
        let Some(p) = agenda.iter().find(|p| p.id == *pid) else {
            continue;
        };
        let mut n = p.clone();
        n.position = i32::try_from(i + 1).unwrap_or(i32::MAX);
        if n.position != p.position {
            n.version += 1;
            repo::update_proposal(&txn, &n, p.version).await?;
        }
        out.push(proposal_view(n));
    }
    audit(
        &txn,
        who,
        ip,
        &m,
        "meeting.agenda_reorder",
        None,
        serde_json::json!({ "order": input.order }),
    )
    .await?;
    txn.commit().await?;
    Ok(out)
}

/// Removes a draft proposal (409 `proposal_not_draft` once voted); its topic goes back to
/// ready (`unschedule`). Audited as `meeting.proposal_remove`.
pub async fn remove_proposal(
    app: &App,
    who: &Signed,
    id: i64,
    pid: i64,
    ip: Option<String>,
) -> Result<(), AppError> {
    let conn = app.db.conn();
    visible(conn, who, MEETING_WRITE, id).await?;
    let now = app.clock.now();
    let txn = conn.begin().await?;
    let m = lock_editable(&txn, who, id).await?;
    let p = repo::proposal(&txn, pid)
        .await?
        .filter(|p| p.meeting_id == id)
        .ok_or_else(|| AppError::not_found("proposal_not_found", format!("no proposal {pid}")))?;
    if p.state != ProposalState::Draft.code() {
        return Err(AppError::new(
            ErrorKind::Conflict,
            "proposal_not_draft",
            "a proposal voted on stays on the record",
        ));
    }
    if let Some(t) = p.topic_id {
        topics::move_topic(
            &txn,
            who,
            t,
            TopicAction::Unschedule,
            topics::MovedBy::Meeting(id),
            now,
        )
        .await?;
    }
    repo::delete_proposal(&txn, pid).await?;
    audit(
        &txn,
        who,
        ip,
        &m,
        "meeting.proposal_remove",
        None,
        serde_json::json!({ "proposal": pid, "topic": p.topic_id }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The type of an attachment by its first bytes: PDF, JPEG or PNG (415 otherwise).
pub fn sniff_attachment(bytes: &[u8]) -> Result<(&'static str, &'static str), AppError> {
    if bytes.starts_with(b"%PDF-") {
        Ok(("application/pdf", "pdf"))
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(("image/jpeg", "jpg"))
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Ok(("image/png", "png"))
    } else {
        Err(AppError::new(
            ErrorKind::UnsupportedMediaType,
            "unsupported_media_type",
            "attachments are PDF, JPEG or PNG files",
        ))
    }
}

/// Stores bytes under the data directory as `<dir>/<sha256>.<ext>`; answers the path relative to
/// the data directory and the hash.
pub(crate) async fn store_file(
    app: &App,
    dir: &std::path::Path,
    ext: &str,
    bytes: &[u8],
) -> Result<(String, String), AppError> {
    let hash = hex::encode(Sha256::digest(bytes));
    let io = |_| AppError::new(ErrorKind::Internal, "internal", "the file could not be stored");
    tokio::fs::create_dir_all(dir).await.map_err(io)?;
    let path = dir.join(format!("{hash}.{ext}"));
    tokio::fs::write(&path, bytes).await.map_err(io)?;
    let rel = path
        .strip_prefix(&app.config.data_dir)
        .unwrap_or(&path)
        .to_string_lossy()
        .into_owned();
    Ok((rel, hash))
}

/// Adds an attachment (PDF, JPEG or PNG by its bytes, at most [`MAX_ATTACHMENT_BYTES`]: 413
/// `attachment_too_large`) while the meeting is not over, stored under
/// `DATA_DIR/attachments/<district>/meeting-<id>/`. Audited as `meeting.attachment_upload`.
pub async fn upload_attachment(
    app: &App,
    who: &Signed,
    id: i64,
    name: Option<&str>,
    bytes: &[u8],
    ip: Option<String>,
) -> Result<AttachmentView, AppError> {
    let conn = app.db.conn();
    let m = visible(conn, who, MEETING_WRITE, id).await?;
    check_editable(state_of(&m)).map_err(meeting_error)?;
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(AppError::new(
            ErrorKind::PayloadTooLarge,
            "attachment_too_large",
            "at most 10 MB",
        ));
    }
    let (mime, ext) = sniff_attachment(bytes)?;
    let mut errs = Vec::new();
    let name = name
        .and_then(|n| text("name", n, 200, false, &mut errs))
        .unwrap_or_else(|| format!("附件.{ext}"));
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let dir = app
        .config
        .data_dir
        .join("attachments")
        .join(&m.district_code)
        .join(format!("meeting-{id}"));
    let (path, hash) = store_file(app, &dir, ext, bytes).await?;
    let now = app.clock.now();
    let txn = conn.begin().await?;
    let m = lock_editable(&txn, who, id).await?;
    let mut a = meeting_attachment::Model {
        id: 0,
        district_code: m.district_code.clone(),
        meeting_id: id,
        name,
        sha256: hash,
        mime: mime.to_owned(),
        bytes: bytes.len() as i64,
        path,
        uploaded_by: Some(who.user.id),
        created_at: now,
    };
    a.id = repo::insert_attachment(&txn, a.clone()).await?;
    audit(
        &txn,
        who,
        ip,
        &m,
        "meeting.attachment_upload",
        None,
        serde_json::json!({ "attachment": a.id, "sha256": a.sha256 }),
    )
    .await?;
    txn.commit().await?;
    Ok(attachment_view(a))
}

/// An attachment's bytes, type and name, for readers of its meeting.
pub async fn attachment(app: &App, who: &Signed, id: i64) -> Result<(Vec<u8>, String, String), AppError> {
    let conn = app.db.conn();
    let missing = || AppError::not_found("attachment_not_found", format!("no attachment {id}"));
    let a = repo::attachment(conn, id).await?.ok_or_else(missing)?;
    visible(conn, who, MEETING_READ, a.meeting_id)
        .await
        .map_err(|_| missing())?;
    let bytes = tokio::fs::read(app.config.data_dir.join(&a.path))
        .await
        .map_err(|_| missing())?;
    Ok((bytes, a.mime, a.name))
}
