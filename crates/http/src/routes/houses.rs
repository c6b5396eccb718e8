//! The registry's houses (房屋): record, list, read, edit with a version.

use crate::auth::{Auth, ClientIp};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, json_body};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use gridgov_app::App;
use gridgov_app::registry::buildings::WRITE;
use gridgov_app::registry::houses::{self, HouseInput, HousePage, HouseQuery, HouseView};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// Records a house in a building.
#[utoipa::path(post, path = "/api/v1/houses", tag = "registry", request_body = HouseInput, responses(
    (status = 201, body = HouseView),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`required`, `too_long`, `room_characters`, `unknown_use`, `unknown_ownership`, `unknown_occupancy`, `area_out_of_range`, `unit_out_of_range`, `floor_out_of_range`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:house:write"),
    (status = 404, body = ErrorBody, description = "`building_not_found`: no such building, or outside the caller's scope"),
    (status = 409, body = ErrorBody, description = "`duplicate_house`: the unit has a house with this room number"),
))]
pub async fn create_house(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<HouseView>), ApiError> {
    gridgov_app::access::require(&who.principal, WRITE)?;
    let input: HouseInput = json_body(&body)?;
    let h = houses::create(&app, &who, input, ip).await?;
    Ok((StatusCode::CREATED, Json(h)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HouseParams {
    pub building_id: Option<i64>,
    /// Only houses in this region's subtree.
    pub region: Option<String>,
    /// `owner_occupied`, `rented`, `vacant` or `other`.
    pub occupancy: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

impl HouseParams {
    /// The app's query: the filter, and the page (ignored by an export).
    pub(crate) fn query(self) -> HouseQuery {
        HouseQuery {
            building_id: self.building_id,
            region: self.region,
            occupancy: self.occupancy,
            page: self.page.unwrap_or(1),
            page_size: self.page_size.unwrap_or(20),
        }
    }
}

/// Houses in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/houses", tag = "registry", params(HouseParams), responses(
    (status = 200, body = HousePage),
    (status = 400, body = ErrorBody, description = "`validation_failed` (bad region, `unknown_occupancy`), `invalid_query`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:house:read"),
))]
pub async fn list_houses(
    State(app): State<App>,
    Auth(who): Auth,
    ApiQuery(p): ApiQuery<HouseParams>,
) -> Result<Json<HousePage>, ApiError> {
    let q = p.query();
    Ok(Json(houses::list(&app, &who, q).await?))
}

/// A house.
#[utoipa::path(get, path = "/api/v1/houses/{id}", tag = "registry", params(("id" = i64, Path)), responses(
    (status = 200, body = HouseView),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:house:read"),
    (status = 404, body = ErrorBody, description = "`house_not_found`, also outside the caller's scope"),
))]
pub async fn get_house(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<HouseView>, ApiError> {
    Ok(Json(houses::get(&app, &who, id).await?))
}

/// An edit: the whole record with the version it was read at.
#[derive(Deserialize, ToSchema)]
pub struct HouseEdit {
    #[serde(flatten)]
    pub house: HouseInput,
    pub version: i32,
}

/// Edits a house (it may move to another building); audited as `house.update`.
#[utoipa::path(put, path = "/api/v1/houses/{id}", tag = "registry", params(("id" = i64, Path)), request_body = HouseEdit, responses(
    (status = 200, body = HouseView),
    (status = 400, body = ErrorBody, description = "`validation_failed` (as for recording), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:house:write"),
    (status = 404, body = ErrorBody, description = "`house_not_found` (also outside the caller's scope), `building_not_found`"),
    (status = 409, body = ErrorBody, description = "`stale_version`: changed meanwhile; `duplicate_house`"),
))]
pub async fn update_house(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<HouseView>, ApiError> {
    gridgov_app::access::require(&who.principal, WRITE)?;
    let b: HouseEdit = json_body(&body)?;
    Ok(Json(
        houses::update(&app, &who, id, b.house, b.version, ip).await?,
    ))
}

/// A house's change history, newest first: who recorded and edited it, when, and which fields
/// (names only).
#[utoipa::path(get, path = "/api/v1/houses/{id}/history", tag = "registry", params(("id" = i64, Path)), responses(
    (status = 200, body = Vec<gridgov_app::registry::HistoryEntry>),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:house:read"),
    (status = 404, body = ErrorBody, description = "`house_not_found`, also outside the caller's scope"),
))]
pub async fn house_history(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<gridgov_app::registry::HistoryEntry>>, ApiError> {
    Ok(Json(houses::history(&app, &who, id).await?))
}
