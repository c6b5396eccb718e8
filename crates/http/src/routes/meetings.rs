//! Deliberation meetings (议事会): planning, participants and check-ins, the agenda of
//! proposals, start / close / cancel, minutes and attachments.

use crate::auth::{Auth, ClientIp};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, json_body};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use gridgov_app::App;
use gridgov_app::access::require;
use gridgov_app::deliberation::meetings::{
    self, AgendaOrder, AttachmentView, CheckInInput, MeetingCommand, MeetingDetail, MeetingEdit,
    MeetingInput, MeetingPage, MeetingQuery, MeetingView, ParticipantInput, ParticipantView, ProposalInput,
    ProposalView,
};
use gridgov_app::deliberation::votes::{self, BallotInput};
use gridgov_app::deliberation::{MEETING_READ, MEETING_WRITE};
use serde::Deserialize;
use utoipa::IntoParams;

/// Plans a meeting at a grid, a community or a street in the caller's scope, with its vote rule
/// (default: more than half of the eligible present, more than half of those present for) and
/// ballot kind; `recur_days` makes it a series. Audited as `meeting.create`.
#[utoipa::path(post, path = "/api/v1/meetings", tag = "deliberation", request_body = MeetingInput, responses(
    (status = 201, body = MeetingView),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`required`, `too_long`, `not_a_deliberation_area`, `recurrence_out_of_range`, `unknown_quorum`, `unknown_pass_share`, `unknown_pass_base`, `unknown_ballot_kind`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:meeting:write"),
    (status = 404, body = ErrorBody, description = "`region_not_found`: no such area, or outside the caller's scope"),
))]
pub async fn create_meeting(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<MeetingView>), ApiError> {
    require(&who.principal, MEETING_WRITE)?;
    let input: MeetingInput = json_body(&body)?;
    Ok((
        StatusCode::CREATED,
        Json(meetings::create(&app, &who, input, ip).await?),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingParams {
    /// `grid`, `community` or `street`.
    pub level: Option<String>,
    /// Meetings whose area lies in this region.
    pub region: Option<String>,
    /// `planned`, `in_session`, `closed`, `cancelled`.
    pub state: Option<String>,
    /// Starting at or after (RFC 3339).
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Starting before (RFC 3339).
    pub to: Option<chrono::DateTime<chrono::Utc>>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

/// Meetings the caller may read (residents: their whole district), latest start first.
#[utoipa::path(get, path = "/api/v1/meetings", tag = "deliberation", params(MeetingParams), responses(
    (status = 200, body = MeetingPage),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`unknown_level`, `unknown_state`, a bad region), `invalid_query`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:meeting:read"),
    (status = 404, body = ErrorBody, description = "`region_not_found`: the region filter is outside the caller's scope"),
))]
pub async fn list_meetings(
    State(app): State<App>,
    Auth(who): Auth,
    ApiQuery(p): ApiQuery<MeetingParams>,
) -> Result<Json<MeetingPage>, ApiError> {
    let q = MeetingQuery {
        level: p.level,
        region: p.region,
        state: p.state,
        from: p.from,
        to: p.to,
        page: p.page.unwrap_or(1),
        page_size: p.page_size.unwrap_or(20),
    };
    Ok(Json(meetings::list(&app, &who, q).await?))
}

/// A meeting with its participants, agenda (proposals in order; counts only once a vote is
/// closed), attachments, the caller's actions and participation.
#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "deliberation", params(("id" = i64, Path)), responses(
    (status = 200, body = MeetingDetail),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:meeting:read"),
    (status = 404, body = ErrorBody, description = "`meeting_not_found`, also outside the caller's scope"),
))]
pub async fn get_meeting(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<MeetingDetail>, ApiError> {
    Ok(Json(meetings::get(&app, &who, id).await?))
}

/// Edits title, place, start, rule, ballot kind or minutes with the version read, until the
/// meeting is over. Audited as `meeting.update`.
#[utoipa::path(put, path = "/api/v1/meetings/{id}", tag = "deliberation", params(("id" = i64, Path)), request_body = MeetingEdit, responses(
    (status = 200, body = MeetingView),
    (status = 400, body = ErrorBody, description = "`validation_failed`, `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:meeting:write"),
    (status = 404, body = ErrorBody, description = "`meeting_not_found`"),
    (status = 409, body = ErrorBody, description = "`stale_version`; `meeting_closed`"),
))]
pub async fn edit_meeting(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<MeetingView>, ApiError> {
    require(&who.principal, MEETING_WRITE)?;
    let e: MeetingEdit = json_body(&body)?;
    Ok(Json(meetings::edit(&app, &who, id, e, ip).await?))
}

/// `start` (planned → in session), `close` (in session → closed; draft proposals' topics back
/// to ready; the next meeting of a series created), `cancel` (planned → cancelled; topics back
/// to ready), with the version read. Audited as `meeting.<action>`.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/actions", tag = "deliberation", params(("id" = i64, Path)), request_body = MeetingCommand, responses(
    (status = 200, body = MeetingDetail),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`unknown_action`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:meeting:write"),
    (status = 404, body = ErrorBody, description = "`meeting_not_found`"),
    (status = 409, body = ErrorBody, description = "`stale_version`; `meeting_closed`; `invalid_meeting_state`; `voting_open`: a proposal is still being voted"),
))]
pub async fn act_on_meeting(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<MeetingDetail>, ApiError> {
    require(&who.principal, MEETING_WRITE)?;
    let c: MeetingCommand = json_body(&body)?;
    Ok(Json(meetings::act(&app, &who, id, c, ip).await?))
}

/// Adds a participant (name, role, unit, optional linked `account_id`; `can_vote` from the role
/// unless given) until the meeting is over. Audited as `meeting.participant_add`.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/participants", tag = "deliberation", params(("id" = i64, Path)), request_body = ParticipantInput, responses(
    (status = 201, body = ParticipantView),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`required`, `too_long`, `unknown_role`, `account_not_found`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:meeting:write"),
    (status = 404, body = ErrorBody, description = "`meeting_not_found`"),
    (status = 409, body = ErrorBody, description = "`meeting_closed`; `already_participant`"),
))]
pub async fn add_participant(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<ParticipantView>), ApiError> {
    require(&who.principal, MEETING_WRITE)?;
    let input: ParticipantInput = json_body(&body)?;
    Ok((
        StatusCode::CREATED,
        Json(meetings::add_participant(&app, &who, id, input, ip).await?),
    ))
}

/// Removes a participant before the meeting starts. Audited as `meeting.participant_remove`.
#[utoipa::path(delete, path = "/api/v1/meetings/{id}/participants/{participant_id}", tag = "deliberation", params(("id" = i64, Path), ("participant_id" = i64, Path)), responses(
    (status = 204, description = "removed"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:meeting:write"),
    (status = 404, body = ErrorBody, description = "`meeting_not_found`; `participant_not_found`"),
    (status = 409, body = ErrorBody, description = "`meeting_in_session`; `meeting_closed`"),
))]
pub async fn remove_participant(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath((id, pid)): ApiPath<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    require(&who.principal, MEETING_WRITE)?;
    meetings::remove_participant(&app, &who, id, pid, ip).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Checks a participant in while the meeting is in session: an operator names
/// `participant_id`; a participant with a linked account checks in themselves (no body).
/// Checking in again answers the first check-in. Audited as `meeting.check_in`.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/check-ins", tag = "deliberation", params(("id" = i64, Path)), request_body = CheckInInput, responses(
    (status = 200, body = ParticipantView),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:meeting:read; `not_your_participation`: someone else's"),
    (status = 404, body = ErrorBody, description = "`meeting_not_found`; `participant_not_found`"),
    (status = 409, body = ErrorBody, description = "`meeting_not_in_session`; `meeting_closed`"),
))]
pub async fn check_in(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<ParticipantView>, ApiError> {
    require(&who.principal, MEETING_READ)?;
    let input: CheckInInput = if body.is_empty() {
        CheckInInput::default()
    } else {
        json_body(&body)?
    };
    Ok(Json(meetings::check_in(&app, &who, id, input, ip).await?))
}

/// Adds a proposal to the agenda: a topic of the meeting's area (scheduled: its timeline and
/// supporters hear of it) or a free one with a title. Audited as `meeting.proposal_add`.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/proposals", tag = "deliberation", params(("id" = i64, Path)), request_body = ProposalInput, responses(
    (status = 201, body = ProposalView),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`required`, `too_long`, `topic_not_found`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:meeting:write"),
    (status = 404, body = ErrorBody, description = "`meeting_not_found`"),
    (status = 409, body = ErrorBody, description = "`meeting_closed`; `invalid_topic_state`"),
    (status = 422, body = ErrorBody, description = "`outside_meeting_area`"),
))]
pub async fn add_proposal(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<ProposalView>), ApiError> {
    require(&who.principal, MEETING_WRITE)?;
    let input: ProposalInput = json_body(&body)?;
    Ok((
        StatusCode::CREATED,
        Json(meetings::add_proposal(&app, &who, id, input, ip).await?),
    ))
}

/// Reorders the agenda (`order`: every proposal id once). Audited as `meeting.agenda_reorder`.
#[utoipa::path(put, path = "/api/v1/meetings/{id}/agenda", tag = "deliberation", params(("id" = i64, Path)), request_body = AgendaOrder, responses(
    (status = 200, body = Vec<ProposalView>),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`invalid_order`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:meeting:write"),
    (status = 404, body = ErrorBody, description = "`meeting_not_found`"),
    (status = 409, body = ErrorBody, description = "`meeting_closed`"),
))]
pub async fn reorder_agenda(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Vec<ProposalView>>, ApiError> {
    require(&who.principal, MEETING_WRITE)?;
    let input: AgendaOrder = json_body(&body)?;
    Ok(Json(meetings::reorder(&app, &who, id, input, ip).await?))
}

/// Removes a draft proposal; its topic goes back to ready. Audited as `meeting.proposal_remove`.
#[utoipa::path(delete, path = "/api/v1/meetings/{id}/proposals/{proposal_id}", tag = "deliberation", params(("id" = i64, Path), ("proposal_id" = i64, Path)), responses(
    (status = 204, description = "removed"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:meeting:write"),
    (status = 404, body = ErrorBody, description = "`meeting_not_found`; `proposal_not_found`"),
    (status = 409, body = ErrorBody, description = "`meeting_closed`; `proposal_not_draft`"),
))]
pub async fn remove_proposal(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath((id, pid)): ApiPath<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    require(&who.principal, MEETING_WRITE)?;
    meetings::remove_proposal(&app, &who, id, pid, ip).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttachmentParams {
    /// The file's name as shown (e.g. 会议纪要.pdf).
    pub name: Option<String>,
}

/// Adds an attachment (the body is the file: PDF, JPEG or PNG by its bytes, at most 10 MB)
/// until the meeting is over. Audited as `meeting.attachment_upload`.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/attachments", tag = "deliberation", params(("id" = i64, Path), AttachmentParams),
    request_body(content = Vec<u8>, content_type = "application/pdf"),
    responses(
        (status = 201, body = AttachmentView),
        (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:meeting:write"),
        (status = 404, body = ErrorBody, description = "`meeting_not_found`"),
        (status = 409, body = ErrorBody, description = "`meeting_closed`"),
        (status = 413, body = ErrorBody, description = "`attachment_too_large`"),
        (status = 415, body = ErrorBody, description = "`unsupported_media_type`"),
    ))]
pub async fn upload_attachment(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<AttachmentParams>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(StatusCode, Json<AttachmentView>), ApiError> {
    require(&who.principal, MEETING_WRITE)?;
    let body = body.map_err(|_| {
        gridgov_app::AppError::new(
            gridgov_app::ErrorKind::PayloadTooLarge,
            "attachment_too_large",
            "at most 10 MB",
        )
    })?;
    let a = meetings::upload_attachment(&app, &who, id, p.name.as_deref(), &body, ip).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// A meeting attachment's file, for readers of its meeting.
#[utoipa::path(get, path = "/api/v1/meeting-attachments/{id}", tag = "deliberation", params(("id" = i64, Path)), responses(
    (status = 200, content_type = "application/octet-stream", description = "the file"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:meeting:read"),
    (status = 404, body = ErrorBody, description = "`attachment_not_found`, also when its meeting is out of scope"),
))]
pub async fn meeting_attachment(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    require(&who.principal, MEETING_READ)?;
    let (bytes, mime, _name) = meetings::attachment(&app, &who, id).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, mime),
            (axum::http::header::CONTENT_DISPOSITION, "attachment".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// Opens voting on a draft proposal while the meeting is in session: the eligible are fixed
/// (participants who vote, at this moment), the meeting's rule and ballot kind copied. Audited
/// as `proposal.open`.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/open", tag = "deliberation", params(("id" = i64, Path)), responses(
    (status = 200, body = ProposalView),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:meeting:write"),
    (status = 404, body = ErrorBody, description = "`proposal_not_found`, also outside the caller's scope"),
    (status = 409, body = ErrorBody, description = "`voting_open`; `voting_closed`; `meeting_not_in_session`; `meeting_closed`"),
))]
pub async fn open_voting(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ProposalView>, ApiError> {
    require(&who.principal, MEETING_WRITE)?;
    Ok(Json(votes::open(&app, &who, id, ip).await?))
}

/// Casts a ballot `{choice}` as the participant linked to the caller's account, or records an
/// open ballot `{participant_id, choice}` as an operator of the meeting. While voting, the
/// answer shows only how many have voted. Audited as `ballot.cast` (a secret ballot's choice
/// is never stored against the voter).
#[utoipa::path(post, path = "/api/v1/proposals/{id}/ballots", tag = "deliberation", params(("id" = i64, Path)), request_body = BallotInput, responses(
    (status = 200, body = ProposalView),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`unknown_choice`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:meeting:read; `not_your_participation`; `secret_ballot`: recorded by an operator"),
    (status = 404, body = ErrorBody, description = "`proposal_not_found`; `participant_not_found`"),
    (status = 409, body = ErrorBody, description = "`voting_not_open`; `voting_closed`; `already_voted`"),
    (status = 422, body = ErrorBody, description = "`not_eligible`: not a participant, or one who does not vote; `not_checked_in`"),
))]
pub async fn cast_ballot(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<ProposalView>, ApiError> {
    require(&who.principal, MEETING_READ)?;
    let input: BallotInput = json_body(&body)?;
    Ok(Json(votes::cast(&app, &who, id, input, ip).await?))
}

/// Closes voting and counts: present = eligible participants checked in; quorum and result
/// under the proposal's rule; the linked topic passes or is rejected (its supporters hear of
/// it). Audited as `proposal.close`.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/close", tag = "deliberation", params(("id" = i64, Path)), responses(
    (status = 200, body = ProposalView),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:meeting:write"),
    (status = 404, body = ErrorBody, description = "`proposal_not_found`"),
    (status = 409, body = ErrorBody, description = "`voting_not_open`; `voting_closed`"),
))]
pub async fn close_voting(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ProposalView>, ApiError> {
    require(&who.principal, MEETING_WRITE)?;
    Ok(Json(votes::close(&app, &who, id, ip).await?))
}
