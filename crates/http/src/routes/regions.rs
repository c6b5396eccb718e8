//! The region tree, the grid map layer, and the locator.

use crate::auth::Auth;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use gridgov_app::regions::{self, DepartmentView, RegionDetail, RegionNode};
use gridgov_app::{App, AppError};
use gridgov_domain::RegionLevel;
use gridgov_geo::locator::RegionRef;
use gridgov_geo::{BBox, Crs};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// The parent whose children to list; without it, the districts.
    pub parent: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RegionList {
    pub items: Vec<RegionNode>,
}

/// The region tree, one level at a time: the districts, or the children of `parent`.
#[utoipa::path(get, path = "/api/v1/regions", tag = "regions", params(ListParams), responses(
    (status = 200, body = RegionList),
    (status = 400, body = ErrorBody, description = "`validation_failed` (bad parent code), `invalid_query`"),
    (status = 404, body = ErrorBody, description = "`region_not_found`"),
))]
pub async fn list(
    State(app): State<App>,
    Auth(who): Auth,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<RegionList>, ApiError> {
    let items = regions::children(
        &app,
        &who.principal,
        p.parent.as_deref().filter(|s| !s.is_empty()),
    )
    .await?;
    Ok(Json(RegionList { items }))
}

/// One region of any level with geometry, ancestors, team and centre.
#[utoipa::path(get, path = "/api/v1/regions/{code}", tag = "regions",
    params(("code" = String, Path, description = "12-, 15- or 17-digit region code")),
    responses(
        (status = 200, body = RegionDetail),
        (status = 400, body = ErrorBody, description = "`validation_failed`: malformed code"),
        (status = 404, body = ErrorBody, description = "`region_not_found`"),
    ))]
pub async fn region(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<RegionDetail>, ApiError> {
    Ok(Json(regions::detail(&app, &who.principal, &code).await?))
}

/// One grid or sub-grid with geometry, ancestors and its "1+N" team.
#[utoipa::path(get, path = "/api/v1/grids/{code}", tag = "regions",
    params(("code" = String, Path, description = "15-digit grid or 17-digit sub-grid code")),
    responses(
        (status = 200, body = RegionDetail),
        (status = 400, body = ErrorBody, description = "`validation_failed`: malformed code"),
        (status = 404, body = ErrorBody, description = "`region_not_found`, also for a code of another level"),
    ))]
pub async fn grid(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<RegionDetail>, ApiError> {
    let d = regions::detail(&app, &who.principal, &code).await?;
    if !d.level.is_grid() {
        return Err(
            AppError::not_found("region_not_found", format!("{code} is a {}, not a grid", d.level)).into(),
        );
    }
    Ok(Json(d))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BBoxParams {
    /// `minLon,minLat,maxLon,maxLat` in WGS84.
    pub bbox: String,
    /// Which level to draw: grid (default), subgrid, community, street or district.
    pub level: Option<String>,
}

/// The regions of one level inside a box, as a GeoJSON FeatureCollection (WGS84).
#[utoipa::path(get, path = "/api/v1/grids", tag = "regions", params(BBoxParams), responses(
    (status = 200, description = "GeoJSON FeatureCollection", content_type = "application/geo+json", body = Object),
    (status = 400, body = ErrorBody, description = "`invalid_bbox`, `invalid_region_level`, `invalid_query`"),
    (status = 422, body = ErrorBody, description = "`too_many_features`: zoom in or ask for a higher level"),
))]
pub async fn grids_in_bbox(
    State(app): State<App>,
    Auth(who): Auth,
    ApiQuery(p): ApiQuery<BBoxParams>,
) -> Result<Response, ApiError> {
    let bbox = BBox::parse(&p.bbox).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_bbox",
            "bbox is minLon,minLat,maxLon,maxLat with min <= max",
        )
    })?;
    let level = match p.level.as_deref() {
        None | Some("") => RegionLevel::Grid,
        Some(l) => l
            .parse()
            .map_err(|e: gridgov_domain::CodeError| ApiError::bad_request(e.code(), e.to_string()))?,
    };
    let fc = regions::features_in_bbox(&app, &who.principal, level, bbox).await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/geo+json")],
        Json(fc),
    )
        .into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocateParams {
    /// Longitude in degrees.
    pub lon: String,
    /// Latitude in degrees.
    pub lat: String,
    /// `wgs84` (default; GPS, 天地图) or `gcj02` (Amap, Tencent).
    pub crs: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Place {
    pub code: String,
    pub name: String,
}

impl From<RegionRef> for Place {
    fn from(r: RegionRef) -> Self {
        Place {
            code: r.code.to_string(),
            name: r.name,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Point {
    pub lon: f64,
    pub lat: f64,
}

#[derive(Serialize, ToSchema)]
pub struct LocateResult {
    /// The point in WGS84.
    pub point: Point,
    pub district: Option<Place>,
    pub street: Option<Place>,
    pub community: Option<Place>,
    pub grid: Option<Place>,
    pub subgrid: Option<Place>,
}

/// Which grid, community, street and district a point lies in. Inside a district whose lower
/// levels have no boundary yet, the deeper fields are null.
#[utoipa::path(get, path = "/api/v1/locate", tag = "regions", params(LocateParams), responses(
    (status = 200, body = LocateResult),
    (status = 400, body = ErrorBody, description = "`validation_failed` with `invalid_coordinate`, `invalid_crs`"),
    (status = 404, body = ErrorBody, description = "`outside_district`"),
))]
pub async fn locate(
    State(app): State<App>,
    Auth(_who): Auth,
    ApiQuery(p): ApiQuery<LocateParams>,
) -> Result<Json<LocateResult>, ApiError> {
    let num = |s: &str| s.trim().parse::<f64>().ok().filter(|v| v.is_finite());
    let (Some(lon), Some(lat)) = (num(&p.lon), num(&p.lat)) else {
        return Err(
            AppError::invalid_field("lon,lat", "invalid_coordinate", "lon and lat must be numbers").into(),
        );
    };
    let crs: Crs = match p.crs.as_deref() {
        None | Some("") => Crs::Wgs84,
        Some(c) => c
            .parse()
            .map_err(|_| AppError::invalid_field("crs", "invalid_crs", "crs is wgs84 or gcj02"))?,
    };
    let (w, hit) = regions::locate(&app, lon, lat, crs)?;
    Ok(Json(LocateResult {
        point: Point {
            lon: w.lon,
            lat: w.lat,
        },
        district: hit.district.clone().map(Place::from),
        street: hit.street.clone().map(Place::from),
        community: hit.community.clone().map(Place::from),
        grid: hit.grid.clone().map(Place::from),
        subgrid: hit.subgrid.clone().map(Place::from),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct DepartmentList {
    pub items: Vec<DepartmentView>,
}

/// The district departments (区直部门) that answer whistles from the grids.
#[utoipa::path(get, path = "/api/v1/districts/{code}/departments", tag = "regions",
    params(("code" = String, Path, description = "6- or 12-digit district code")),
    responses(
        (status = 200, body = DepartmentList),
        (status = 400, body = ErrorBody, description = "`validation_failed`: not a district code"),
        (status = 404, body = ErrorBody, description = "`region_not_found`"),
    ))]
pub async fn departments(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<DepartmentList>, ApiError> {
    Ok(Json(DepartmentList {
        items: regions::departments(&app, &who.principal, &code).await?,
    }))
}
