//! Care and key groups (关爱对象与重点人群): add a person to a group, edit the membership (cycle,
//! end, note) with a version, list members in scope (by group, region, overdue), record and
//! list visits (走访记录), history.

use crate::auth::{Auth, ClientIp};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, json_body};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use gridgov_app::App;
use gridgov_app::registry::HistoryEntry;
use gridgov_app::registry::care::{
    self, CareEdit, CarePage, CareQuery, CareView, JoinInput, VisitInput, VisitPage, VisitRecorded, WRITE,
};
use serde::Deserialize;
use utoipa::IntoParams;

/// Adds a person to a care group; the next visit is due a cycle after joining.
#[utoipa::path(post, path = "/api/v1/people/{id}/care", tag = "registry", params(("id" = i64, Path)), request_body = JoinInput, responses(
    (status = 201, body = CareView),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`required`, `unknown_group`, `visit_cycle_out_of_range`, `joined_in_future`, `too_long`), `invalid_json` (also a date not as YYYY-MM-DD)"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:care:write"),
    (status = 404, body = ErrorBody, description = "`person_not_found`, also outside the caller's scope"),
    (status = 409, body = ErrorBody, description = "`duplicate_membership`: the person is in the group already"),
))]
pub async fn join_care(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<CareView>), ApiError> {
    gridgov_app::access::require(&who.principal, WRITE)?;
    let input: JoinInput = json_body(&body)?;
    let m = care::join(&app, &who, id, input, ip).await?;
    Ok((StatusCode::CREATED, Json(m)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CareParams {
    /// A `CareGroup` code or label.
    pub group: Option<String>,
    /// Only members in this region's subtree.
    pub region: Option<String>,
    /// One person's memberships.
    pub person_id: Option<i64>,
    /// true: only members overdue for a visit; false: only those not overdue.
    pub overdue: Option<bool>,
    /// List those who left their group too (by default only current members).
    pub include_ended: Option<bool>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

impl CareParams {
    /// The app's query: the filter, and the page (ignored by an export).
    pub(crate) fn query(self) -> CareQuery {
        CareQuery {
            group: self.group,
            region: self.region,
            person_id: self.person_id,
            overdue: self.overdue,
            include_ended: self.include_ended.unwrap_or(false),
            page: self.page.unwrap_or(1),
            page_size: self.page_size.unwrap_or(20),
        }
    }
}

/// Members of care groups in the caller's scope, the most urgent first (the earliest due
/// visit), with the person's name, the last visit, the next due day and whether it is overdue.
#[utoipa::path(get, path = "/api/v1/care", tag = "registry", params(CareParams), responses(
    (status = 200, body = CarePage),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`unknown_group`, bad region), `invalid_query`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:care:read"),
))]
pub async fn list_care(
    State(app): State<App>,
    Auth(who): Auth,
    ApiQuery(p): ApiQuery<CareParams>,
) -> Result<Json<CarePage>, ApiError> {
    let q = p.query();
    Ok(Json(care::list(&app, &who, q).await?))
}

/// A membership of a care group.
#[utoipa::path(get, path = "/api/v1/care/{id}", tag = "registry", params(("id" = i64, Path)), responses(
    (status = 200, body = CareView),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:care:read"),
    (status = 404, body = ErrorBody, description = "`care_not_found`, also outside the caller's scope"),
))]
pub async fn get_care(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CareView>, ApiError> {
    Ok(Json(care::get(&app, &who, id).await?))
}

/// Edits a membership's cycle, end (the person left the group: no more visits due) and note;
/// audited as `care.update`.
#[utoipa::path(put, path = "/api/v1/care/{id}", tag = "registry", params(("id" = i64, Path)), request_body = CareEdit, responses(
    (status = 200, body = CareView),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`required`, `visit_cycle_out_of_range`, `ended_before_joined`, `ended_in_future`, `too_long`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:care:write"),
    (status = 404, body = ErrorBody, description = "`care_not_found`, also outside the caller's scope"),
    (status = 409, body = ErrorBody, description = "`stale_version`: changed meanwhile"),
))]
pub async fn update_care(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<CareView>, ApiError> {
    gridgov_app::access::require(&who.principal, WRITE)?;
    let b: CareEdit = json_body(&body)?;
    Ok(Json(care::update(&app, &who, id, b, ip).await?))
}

/// Records a visit by the signed-in user; the membership's next visit falls due a cycle after
/// its latest visit. Audited as `care.visit`.
#[utoipa::path(post, path = "/api/v1/care/{id}/visits", tag = "registry", params(("id" = i64, Path)), request_body = VisitInput, responses(
    (status = 201, body = VisitRecorded),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`required`, `unknown_way`, `too_long`, `visit_in_future`, `visit_before_joined`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:care:write"),
    (status = 404, body = ErrorBody, description = "`care_not_found`, also outside the caller's scope"),
    (status = 409, body = ErrorBody, description = "`membership_ended`: the person has left the group"),
))]
pub async fn record_visit(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<VisitRecorded>), ApiError> {
    gridgov_app::access::require(&who.principal, WRITE)?;
    let input: VisitInput = json_body(&body)?;
    let v = care::visit(&app, &who, id, input, ip).await?;
    Ok((StatusCode::CREATED, Json(v)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitParams {
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

/// A membership's visits, the latest first.
#[utoipa::path(get, path = "/api/v1/care/{id}/visits", tag = "registry", params(("id" = i64, Path), VisitParams), responses(
    (status = 200, body = VisitPage),
    (status = 400, body = ErrorBody, description = "`invalid_query`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:care:read"),
    (status = 404, body = ErrorBody, description = "`care_not_found`, also outside the caller's scope"),
))]
pub async fn list_visits(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<VisitParams>,
) -> Result<Json<VisitPage>, ApiError> {
    let (page, size) = (p.page.unwrap_or(1), p.page_size.unwrap_or(20));
    Ok(Json(care::visits(&app, &who, id, page, size).await?))
}

/// A membership's change history, newest first: joining, edits and visits, who and when.
#[utoipa::path(get, path = "/api/v1/care/{id}/history", tag = "registry", params(("id" = i64, Path)), responses(
    (status = 200, body = Vec<HistoryEntry>),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:care:read"),
    (status = 404, body = ErrorBody, description = "`care_not_found`, also outside the caller's scope"),
))]
pub async fn care_history(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<HistoryEntry>>, ApiError> {
    Ok(Json(care::history(&app, &who, id).await?))
}
