//! The registry's facilities (部件): record (the grid found from the point unless named), list
//! (by region, kind, state, a map's box), read, edit with a version, history.

use crate::auth::{Auth, ClientIp};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, json_body};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use gridgov_app::App;
use gridgov_app::registry::HistoryEntry;
use gridgov_app::registry::facilities::{
    self, FacilityInput, FacilityPage, FacilityQuery, FacilityView, WRITE,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// Records a facility at a point; its grid is the one the point lies in unless `grid` names one.
#[utoipa::path(post, path = "/api/v1/facilities", tag = "registry", request_body = FacilityInput, responses(
    (status = 201, body = FacilityView),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`required`, `too_long`, `unknown_kind`, `unknown_state`, `facility_code_characters`, `invalid_coordinate`, `invalid_crs`, `not_a_grid` or a grid code's error, `outside_district`, `no_grid_at_point`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:facility:write"),
    (status = 404, body = ErrorBody, description = "`region_not_found`: no such grid, or outside the caller's scope"),
    (status = 409, body = ErrorBody, description = "`duplicate_facility_code`: the district has a facility with this code"),
))]
pub async fn create_facility(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<FacilityView>), ApiError> {
    gridgov_app::access::require(&who.principal, WRITE)?;
    let input: FacilityInput = json_body(&body)?;
    let f = facilities::create(&app, &who, input, ip).await?;
    Ok((StatusCode::CREATED, Json(f)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FacilityParams {
    /// Only facilities in this region's subtree.
    pub region: Option<String>,
    /// A `FacilityKind` code or label.
    pub kind: Option<String>,
    /// A `FacilityState` code or label.
    pub state: Option<String>,
    /// `min_lon,min_lat,max_lon,max_lat` (WGS84).
    pub bbox: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

impl FacilityParams {
    /// The app's query: the filter, and the page (ignored by an export).
    pub(crate) fn query(self) -> FacilityQuery {
        FacilityQuery {
            region: self.region,
            kind: self.kind,
            state: self.state,
            bbox: self.bbox,
            page: self.page.unwrap_or(1),
            page_size: self.page_size.unwrap_or(20),
        }
    }
}

/// Facilities in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/facilities", tag = "registry", params(FacilityParams), responses(
    (status = 200, body = FacilityPage),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`unknown_kind`, `unknown_state`, `invalid_bbox`, bad region), `invalid_query`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:facility:read"),
))]
pub async fn list_facilities(
    State(app): State<App>,
    Auth(who): Auth,
    ApiQuery(p): ApiQuery<FacilityParams>,
) -> Result<Json<FacilityPage>, ApiError> {
    let q = p.query();
    Ok(Json(facilities::list(&app, &who, q).await?))
}

/// A facility.
#[utoipa::path(get, path = "/api/v1/facilities/{id}", tag = "registry", params(("id" = i64, Path)), responses(
    (status = 200, body = FacilityView),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:facility:read"),
    (status = 404, body = ErrorBody, description = "`facility_not_found`, also outside the caller's scope"),
))]
pub async fn get_facility(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<FacilityView>, ApiError> {
    Ok(Json(facilities::get(&app, &who, id).await?))
}

/// An edit: the whole record with the version it was read at.
#[derive(Deserialize, ToSchema)]
pub struct FacilityEdit {
    #[serde(flatten)]
    pub facility: FacilityInput,
    pub version: i32,
}

/// Edits a facility (its state, when a lamp breaks or is mended); audited as `facility.update`.
#[utoipa::path(put, path = "/api/v1/facilities/{id}", tag = "registry", params(("id" = i64, Path)), request_body = FacilityEdit, responses(
    (status = 200, body = FacilityView),
    (status = 400, body = ErrorBody, description = "`validation_failed` (as for recording), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:facility:write"),
    (status = 404, body = ErrorBody, description = "`facility_not_found` (also outside the caller's scope), `region_not_found` (the new grid)"),
    (status = 409, body = ErrorBody, description = "`stale_version`: changed meanwhile; `duplicate_facility_code`"),
))]
pub async fn update_facility(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<FacilityView>, ApiError> {
    gridgov_app::access::require(&who.principal, WRITE)?;
    let b: FacilityEdit = json_body(&body)?;
    Ok(Json(
        facilities::update(&app, &who, id, b.facility, b.version, ip).await?,
    ))
}

/// A facility's change history, newest first: who recorded and edited it, when, and which
/// fields (names only).
#[utoipa::path(get, path = "/api/v1/facilities/{id}/history", tag = "registry", params(("id" = i64, Path)), responses(
    (status = 200, body = Vec<HistoryEntry>),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:facility:read"),
    (status = 404, body = ErrorBody, description = "`facility_not_found`, also outside the caller's scope"),
))]
pub async fn facility_history(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<HistoryEntry>>, ApiError> {
    Ok(Json(facilities::history(&app, &who, id).await?))
}
