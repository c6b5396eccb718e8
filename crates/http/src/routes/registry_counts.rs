//! The registry's counts for a region and each of its children.

use crate::auth::Auth;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;
use axum::Json;
use axum::extract::State;
use gridgov_app::App;
use gridgov_app::registry::counts::{self, RegistryCounts};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CountParams {
    /// A district, street, community or grid code; by default where the caller's scope starts
    /// (the district for district-wide callers).
    pub region: Option<String>,
}

/// What the registry holds in a region and in each of its children (a district's streets, a
/// street's communities, a community's grids): people by kind, households, buildings, houses,
/// care groups' current members and how many are overdue for a visit, organisations by kind,
/// facilities by state. Only what the caller's scope reaches is counted.
#[utoipa::path(get, path = "/api/v1/registry/counts", tag = "registry", params(CountParams), responses(
    (status = 200, body = RegistryCounts),
    (status = 400, body = ErrorBody, description = "`validation_failed` (a region code's error), `invalid_query`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:person:read"),
    (status = 404, body = ErrorBody, description = "`region_not_found`: none such, or outside the caller's scope"),
))]
pub async fn registry_counts(
    State(app): State<App>,
    Auth(who): Auth,
    ApiQuery(p): ApiQuery<CountParams>,
) -> Result<Json<RegistryCounts>, ApiError> {
    Ok(Json(counts::counts(&app, &who, p.region).await?))
}
