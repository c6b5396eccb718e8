//! Deliberation resolutions (决议): publishing a passed proposal for its notice period, turning
//! it into cases and tasks, following its implementation, and residents rating the outcome.

use crate::auth::{Auth, ClientIp};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, json_body};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use gridgov_app::App;
use gridgov_app::access::require;
use gridgov_app::deliberation::resolutions::{
    self, ImplementInput, PublishInput, RatingInput, RatingSummary, ResolutionDetail, ResolutionPage,
    ResolutionQuery, TaskEdit,
};
use gridgov_app::deliberation::{MEETING_READ, MEETING_WRITE, TOPIC_SUPPORT};
use serde::Deserialize;
use utoipa::IntoParams;

/// Publishes a passed proposal as a resolution for its notice period (公示期, 0 to 30 days,
/// default 5); its topic moves to `publicised` and its supporters hear of it. Audited as
/// `resolution.publish`.
#[utoipa::path(post, path = "/api/v1/resolutions", tag = "deliberation", request_body = PublishInput, responses(
    (status = 201, body = ResolutionDetail),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`proposal_not_found`, `required`, `too_long`, `notice_out_of_range`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:meeting:write"),
    (status = 409, body = ErrorBody, description = "`proposal_not_passed`; `already_published`"),
))]
pub async fn publish_resolution(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<ResolutionDetail>), ApiError> {
    require(&who.principal, MEETING_WRITE)?;
    let input: PublishInput = json_body(&body)?;
    Ok((
        StatusCode::CREATED,
        Json(resolutions::publish(&app, &who, input, ip).await?),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResolutionParams {
    /// Resolutions whose area lies in this region.
    pub region: Option<String>,
    /// `publicised`, `implementing` or `completed`.
    pub state: Option<String>,
    /// The resolution of this topic.
    pub topic: Option<i64>,
    /// The resolutions of this meeting.
    pub meeting: Option<i64>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

/// Resolutions the caller may read (residents: their whole district, as resolutions are
/// published), newest first.
#[utoipa::path(get, path = "/api/v1/resolutions", tag = "deliberation", params(ResolutionParams), responses(
    (status = 200, body = ResolutionPage),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`unknown_state`, a bad region), `invalid_query`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:meeting:read"),
))]
pub async fn list_resolutions(
    State(app): State<App>,
    Auth(who): Auth,
    ApiQuery(p): ApiQuery<ResolutionParams>,
) -> Result<Json<ResolutionPage>, ApiError> {
    let q = ResolutionQuery {
        region: p.region,
        state: p.state,
        topic_id: p.topic,
        meeting_id: p.meeting,
        page: p.page.unwrap_or(1),
        page_size: p.page_size.unwrap_or(20),
    };
    Ok(Json(resolutions::list(&app, &who, q).await?))
}

/// A resolution with the cases and tasks implementing it, the residents' ratings and what the
/// caller may do (`implement`, `rate`).
#[utoipa::path(get, path = "/api/v1/resolutions/{id}", tag = "deliberation", params(("id" = i64, Path)), responses(
    (status = 200, body = ResolutionDetail),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:meeting:read"),
    (status = 404, body = ErrorBody, description = "`resolution_not_found`"),
))]
pub async fn get_resolution(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ResolutionDetail>, ApiError> {
    require(&who.principal, MEETING_READ)?;
    Ok(Json(resolutions::get(&app, &who, id).await?))
}

/// Turns a resolution into work once its notice period is over: new cases (source
/// `deliberation`, routed like every report; needs case:case:report), existing cases, and
/// tasks. Its topic moves to `implementing`. The resolution completes by itself when every case
/// is closed and every task done. Audited as `resolution.implement`.
#[utoipa::path(post, path = "/api/v1/resolutions/{id}/implement", tag = "deliberation", params(("id" = i64, Path)), request_body = ImplementInput, responses(
    (status = 200, body = ResolutionDetail),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`nothing_to_implement`, `too_many`, `required`, `too_long`, `location_required`, `unknown_crs`, `case_not_found`, `duplicate_case`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:meeting:write (and case:case:report for new cases); `location_out_of_scope`"),
    (status = 404, body = ErrorBody, description = "`resolution_not_found`"),
    (status = 409, body = ErrorBody, description = "`notice_running`; `already_implemented`; `version_conflict`"),
    (status = 422, body = ErrorBody, description = "`unknown_category`, `outside_district`: a case could not be reported"),
))]
pub async fn implement_resolution(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<ResolutionDetail>, ApiError> {
    require(&who.principal, MEETING_WRITE)?;
    let input: ImplementInput = json_body(&body)?;
    Ok(Json(resolutions::implement(&app, &who, id, input, ip).await?))
}

/// Marks a resolution's task done (or not done), with a published note; the last thing done
/// completes the resolution. Audited as `resolution.task`.
#[utoipa::path(put, path = "/api/v1/resolution-tasks/{id}", tag = "deliberation", params(("id" = i64, Path)), request_body = TaskEdit, responses(
    (status = 200, body = ResolutionDetail),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`too_long`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:meeting:write"),
    (status = 404, body = ErrorBody, description = "`task_not_found`"),
    (status = 409, body = ErrorBody, description = "`resolution_completed`; `resolution_not_implementing`; `version_conflict`"),
))]
pub async fn edit_resolution_task(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<ResolutionDetail>, ApiError> {
    require(&who.principal, MEETING_WRITE)?;
    let input: TaskEdit = json_body(&body)?;
    Ok(Json(resolutions::edit_task(&app, &who, id, input, ip).await?))
}

/// A resident of the topic's area rates its outcome, once, after it is completed. Audited as
/// `topic.rate`.
#[utoipa::path(post, path = "/api/v1/topics/{id}/ratings", tag = "deliberation", params(("id" = i64, Path)), request_body = RatingInput, responses(
    (status = 201, body = RatingSummary),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`unknown_rating`, `too_long`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:topic:support (residents)"),
    (status = 404, body = ErrorBody, description = "`topic_not_found`"),
    (status = 409, body = ErrorBody, description = "`topic_not_completed`; `already_rated`"),
    (status = 422, body = ErrorBody, description = "`outside_area`; `home_required`"),
))]
pub async fn rate_topic(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<RatingSummary>), ApiError> {
    require(&who.principal, TOPIC_SUPPORT)?;
    let input: RatingInput = json_body(&body)?;
    Ok((
        StatusCode::CREATED,
        Json(resolutions::rate(&app, &who, id, input, ip).await?),
    ))
}
