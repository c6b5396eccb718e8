//! The registry's households (户): record, list, read with members, edit with a version, and
//! collect a household with its members on the spot in one transaction.

use crate::auth::{Auth, ClientIp};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, json_body};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use gridgov_app::App;
use gridgov_app::registry::households::{
    self, Collect, HouseholdDetail, HouseholdInput, HouseholdPage, HouseholdQuery,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

const WRITE: &str = "registry:person:write";

/// Records a household in a grid (members join with `PUT /api/v1/people/{id}` or a collection).
#[utoipa::path(post, path = "/api/v1/households", tag = "registry", request_body = HouseholdInput, responses(
    (status = 201, body = HouseholdDetail),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`not_a_grid` or a grid code's error, `required`, `too_long`, `household_number_characters`, `house_in_other_grid`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:person:write"),
    (status = 404, body = ErrorBody, description = "`region_not_found`, `house_not_found`: none such, or outside the caller's scope"),
    (status = 409, body = ErrorBody, description = "`duplicate_household_number`: the district has a household with this number"),
))]
pub async fn create_household(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<HouseholdDetail>), ApiError> {
    gridgov_app::access::require(&who.principal, WRITE)?;
    let input: HouseholdInput = json_body(&body)?;
    let h = households::create(&app, &who, input, ip).await?;
    Ok((StatusCode::CREATED, Json(h)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HouseholdParams {
    /// Only households in this region's subtree.
    pub region: Option<String>,
    pub house_id: Option<i64>,
    /// A whole household number.
    pub number: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

/// Households in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/households", tag = "registry", params(HouseholdParams), responses(
    (status = 200, body = HouseholdPage),
    (status = 400, body = ErrorBody, description = "`validation_failed` (bad region or number), `invalid_query`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:person:read"),
))]
pub async fn list_households(
    State(app): State<App>,
    Auth(who): Auth,
    ApiQuery(p): ApiQuery<HouseholdParams>,
) -> Result<Json<HouseholdPage>, ApiError> {
    let q = HouseholdQuery {
        region: p.region,
        house_id: p.house_id,
        number: p.number,
        page: p.page.unwrap_or(1),
        page_size: p.page_size.unwrap_or(20),
    };
    Ok(Json(households::list(&app, &who, q).await?))
}

/// A household with its members in the caller's scope, head first, numbers masked.
#[utoipa::path(get, path = "/api/v1/households/{id}", tag = "registry", params(("id" = i64, Path)), responses(
    (status = 200, body = HouseholdDetail),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:person:read"),
    (status = 404, body = ErrorBody, description = "`household_not_found`, also outside the caller's scope"),
))]
pub async fn get_household(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<HouseholdDetail>, ApiError> {
    Ok(Json(households::get(&app, &who, id).await?))
}

/// An edit: the whole record with the version it was read at.
#[derive(Deserialize, ToSchema)]
pub struct HouseholdEdit {
    #[serde(flatten)]
    pub household: HouseholdInput,
    pub version: i32,
}

/// Edits a household (its members stay); audited as `household.update`.
#[utoipa::path(put, path = "/api/v1/households/{id}", tag = "registry", params(("id" = i64, Path)), request_body = HouseholdEdit, responses(
    (status = 200, body = HouseholdDetail),
    (status = 400, body = ErrorBody, description = "`validation_failed` (as for recording), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:person:write"),
    (status = 404, body = ErrorBody, description = "`household_not_found` (also outside the caller's scope), `region_not_found`, `house_not_found`"),
    (status = 409, body = ErrorBody, description = "`stale_version`: changed meanwhile; `duplicate_household_number`"),
))]
pub async fn update_household(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<HouseholdDetail>, ApiError> {
    gridgov_app::access::require(&who.principal, WRITE)?;
    let b: HouseholdEdit = json_body(&body)?;
    Ok(Json(
        households::update(&app, &who, id, b.household, b.version, ip).await?,
    ))
}

/// Records a household on the spot with its members, in one transaction, all or nothing: the
/// household is created (or, with `id` and `version`, edited); members without `person_id` are
/// registered, those with one are edited with their `version`. Each write is audited
/// (`household.create`/`update`, `person.create`/`update`, numbers masked). A member's blank grid
/// is the household's.
#[utoipa::path(post, path = "/api/v1/households/collect", tag = "registry", request_body = Collect, responses(
    (status = 200, body = HouseholdDetail, description = "the household as stored, with its members"),
    (status = 400, body = ErrorBody, description = "`validation_failed`: every field error at once, named by its path (`household.number`, `members[2].id_number`, `members[0].relation`): the codes of a household's and a person's fields, `unknown_relation`, `household_has_head`, `household_in_other_grid`, `duplicate_member`, `too_many`, `required` (a known record's version); `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:person:write"),
    (status = 404, body = ErrorBody, description = "`household_not_found`, `person_not_found`, `house_not_found`, `region_not_found`: none such, or outside the caller's scope"),
    (status = 409, body = ErrorBody, description = "`stale_version` (the household or a member changed meanwhile), `duplicate_household_number`, `duplicate_id_number`"),
))]
pub async fn collect_household(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    body: axum::body::Bytes,
) -> Result<Json<HouseholdDetail>, ApiError> {
    gridgov_app::access::require(&who.principal, WRITE)?;
    let c: Collect = json_body(&body)?;
    Ok(Json(households::collect(&app, &who, c, ip).await?))
}

/// A household's change history, newest first: who recorded and edited it, when, and which fields
/// (names only).
#[utoipa::path(get, path = "/api/v1/households/{id}/history", tag = "registry", params(("id" = i64, Path)), responses(
    (status = 200, body = Vec<gridgov_app::registry::HistoryEntry>),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:person:read"),
    (status = 404, body = ErrorBody, description = "`household_not_found`, also outside the caller's scope"),
))]
pub async fn household_history(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<gridgov_app::registry::HistoryEntry>>, ApiError> {
    Ok(Json(households::history(&app, &who, id).await?))
}
