//! Probes, the OpenAPI document and the front end's bootstrap data.

use crate::error::{ApiError, ErrorBody};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gridgov_app::App;
use gridgov_app::regions::districts;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Status {
    pub status: String,
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "ops", responses((status = 200, body = Status)))]
pub async fn healthz() -> Json<Status> {
    Json(Status { status: "ok".into() })
}

/// Readiness: the database answers.
#[utoipa::path(get, path = "/readyz", tag = "ops", responses(
    (status = 200, body = Status),
    (status = 503, body = ErrorBody, description = "`not_ready`: the database does not answer"),
))]
pub async fn readyz(State(app): State<App>) -> Response {
    match app.db.ping().await {
        Ok(()) => Json(Status {
            status: "ready".into(),
        })
        .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            let mut r = ApiError::bad_request("not_ready", "the database does not answer").into_response();
            *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            r
        }
    }
}

/// The OpenAPI 3.1 document of this API.
pub async fn openapi() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        crate::openapi::json(),
    )
        .into_response()
}

#[derive(Serialize, ToSchema)]
pub struct DistrictInfo {
    pub code: String,
    pub name: String,
    /// `[minLon, minLat, maxLon, maxLat]` in WGS84, when the district has a boundary.
    pub bbox: Option<[f64; 4]>,
}

#[derive(Serialize, ToSchema)]
pub struct Meta {
    pub name: String,
    pub version: String,
    /// Raster tile URL template, or null: then the map draws polygons on a blank canvas.
    pub tile_url: Option<String>,
    pub tile_attribution: Option<String>,
    pub districts: Vec<DistrictInfo>,
}

/// What the front end needs at start: version, map tiles, the districts and their extent.
#[utoipa::path(get, path = "/api/v1/meta", tag = "meta", responses((status = 200, body = Meta)))]
pub async fn meta(State(app): State<App>) -> Result<Json<Meta>, ApiError> {
    let districts = districts(&app)
        .await?
        .into_iter()
        .map(|d| DistrictInfo {
            code: d.code,
            name: d.name,
            bbox: d.bbox,
        })
        .collect();
    Ok(Json(Meta {
        name: "gridgov".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        tile_url: app.config.tile_url.clone(),
        tile_attribution: app.config.tile_attribution.clone(),
        districts,
    }))
}
