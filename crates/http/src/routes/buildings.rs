//! The registry's buildings (楼栋): record, list, read, edit with a version.

use crate::auth::{Auth, ClientIp};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, json_body};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use gridgov_app::App;
use gridgov_app::registry::buildings::{
    self, BuildingInput, BuildingPage, BuildingQuery, BuildingView, WRITE,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// Records a building in a grid.
#[utoipa::path(post, path = "/api/v1/buildings", tag = "registry", request_body = BuildingInput, responses(
    (status = 201, body = BuildingView),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`required`, `too_long`, `not_a_grid` or a grid code's error, `floors_out_of_range`, `units_out_of_range`, `invalid_coordinate`, `invalid_crs`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:house:write"),
    (status = 404, body = ErrorBody, description = "`region_not_found`: no such grid, or outside the caller's scope"),
))]
pub async fn create_building(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<BuildingView>), ApiError> {
    gridgov_app::access::require(&who.principal, WRITE)?;
    let input: BuildingInput = json_body(&body)?;
    let b = buildings::create(&app, &who, input, ip).await?;
    Ok((StatusCode::CREATED, Json(b)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BuildingParams {
    /// The start of the name.
    pub name: Option<String>,
    /// Only buildings in this region's subtree.
    pub region: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

impl BuildingParams {
    /// The app's query: the filter, and the page (ignored by an export).
    pub(crate) fn query(self) -> BuildingQuery {
        BuildingQuery {
            name: self.name,
            region: self.region,
            page: self.page.unwrap_or(1),
            page_size: self.page_size.unwrap_or(20),
        }
    }
}

/// Buildings in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/buildings", tag = "registry", params(BuildingParams), responses(
    (status = 200, body = BuildingPage),
    (status = 400, body = ErrorBody, description = "`validation_failed` (bad region), `invalid_query`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:house:read"),
))]
pub async fn list_buildings(
    State(app): State<App>,
    Auth(who): Auth,
    ApiQuery(p): ApiQuery<BuildingParams>,
) -> Result<Json<BuildingPage>, ApiError> {
    let q = p.query();
    Ok(Json(buildings::list(&app, &who, q).await?))
}

/// A building.
#[utoipa::path(get, path = "/api/v1/buildings/{id}", tag = "registry", params(("id" = i64, Path)), responses(
    (status = 200, body = BuildingView),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:house:read"),
    (status = 404, body = ErrorBody, description = "`building_not_found`, also outside the caller's scope"),
))]
pub async fn get_building(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<BuildingView>, ApiError> {
    Ok(Json(buildings::get(&app, &who, id).await?))
}

/// An edit: the whole record with the version it was read at.
#[derive(Deserialize, ToSchema)]
pub struct BuildingEdit {
    #[serde(flatten)]
    pub building: BuildingInput,
    pub version: i32,
}

/// Edits a building; moved to another grid, its houses move with it. Audited as
/// `building.update`.
#[utoipa::path(put, path = "/api/v1/buildings/{id}", tag = "registry", params(("id" = i64, Path)), request_body = BuildingEdit, responses(
    (status = 200, body = BuildingView),
    (status = 400, body = ErrorBody, description = "`validation_failed` (as for recording; `below_houses`: a house is on a floor or in a unit the edit removes), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:house:write"),
    (status = 404, body = ErrorBody, description = "`building_not_found` (also outside the caller's scope), `region_not_found` (the new grid)"),
    (status = 409, body = ErrorBody, description = "`stale_version`: changed meanwhile"),
))]
pub async fn update_building(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<BuildingView>, ApiError> {
    gridgov_app::access::require(&who.principal, WRITE)?;
    let b: BuildingEdit = json_body(&body)?;
    Ok(Json(
        buildings::update(&app, &who, id, b.building, b.version, ip).await?,
    ))
}

/// A building's change history, newest first: who recorded and edited it, when, and which fields
/// (names only).
#[utoipa::path(get, path = "/api/v1/buildings/{id}/history", tag = "registry", params(("id" = i64, Path)), responses(
    (status = 200, body = Vec<gridgov_app::registry::HistoryEntry>),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:house:read"),
    (status = 404, body = ErrorBody, description = "`building_not_found`, also outside the caller's scope"),
))]
pub async fn building_history(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<gridgov_app::registry::HistoryEntry>>, ApiError> {
    Ok(Json(buildings::history(&app, &who, id).await?))
}
