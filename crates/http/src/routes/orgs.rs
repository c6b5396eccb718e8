//! The registry's organisations (单位/组织): record, list (by region, kind, the start of a
//! name or a whole unified social credit code: public data, so in the URL), read, edit with a
//! version, history. The contact phone is masked everywhere.

use crate::auth::{Auth, ClientIp};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, json_body};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use gridgov_app::App;
use gridgov_app::registry::HistoryEntry;
use gridgov_app::registry::orgs::{self, OrgInput, OrgPage, OrgQuery, OrgView, WRITE};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// Records an organisation in a grid.
#[utoipa::path(post, path = "/api/v1/organisations", tag = "registry", request_body = OrgInput, responses(
    (status = 201, body = OrgView, description = "recorded; the contact phone comes back masked"),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`required`, `too_long`, `unknown_kind`, `not_a_grid` or a grid code's error, the code's `uscc_length`, `uscc_characters`, `uscc_check`, `uscc_org_check`, a phone's code, `employees_out_of_range`, `building_in_other_grid`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:org:write"),
    (status = 404, body = ErrorBody, description = "`region_not_found`, `building_not_found`: none such, or outside the caller's scope"),
    (status = 409, body = ErrorBody, description = "`duplicate_uscc`: the district has an organisation with this code"),
))]
pub async fn create_org(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<OrgView>), ApiError> {
    gridgov_app::access::require(&who.principal, WRITE)?;
    let input: OrgInput = json_body(&body)?;
    let o = orgs::create(&app, &who, input, ip).await?;
    Ok((StatusCode::CREATED, Json(o)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgParams {
    /// Only organisations in this region's subtree.
    pub region: Option<String>,
    /// An `OrgKind` code or label.
    pub kind: Option<String>,
    /// The start of the name.
    pub name: Option<String>,
    /// A whole unified social credit code (any letter case).
    pub uscc: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

impl OrgParams {
    /// The app's query: the filter, and the page (ignored by an export).
    pub(crate) fn query(self) -> OrgQuery {
        OrgQuery {
            name: self.name,
            kind: self.kind,
            uscc: self.uscc,
            region: self.region,
            page: self.page.unwrap_or(1),
            page_size: self.page_size.unwrap_or(20),
        }
    }
}

/// Organisations in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "registry", params(OrgParams), responses(
    (status = 200, body = OrgPage),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`unknown_kind`, a code's error, bad region), `invalid_query`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:org:read"),
))]
pub async fn list_orgs(
    State(app): State<App>,
    Auth(who): Auth,
    ApiQuery(p): ApiQuery<OrgParams>,
) -> Result<Json<OrgPage>, ApiError> {
    let q = p.query();
    Ok(Json(orgs::list(&app, &who, q).await?))
}

/// An organisation, the contact phone masked.
#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "registry", params(("id" = i64, Path)), responses(
    (status = 200, body = OrgView),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:org:read"),
    (status = 404, body = ErrorBody, description = "`organisation_not_found`, also outside the caller's scope"),
))]
pub async fn get_org(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<OrgView>, ApiError> {
    Ok(Json(orgs::get(&app, &who, id).await?))
}

/// An edit: the whole record with the version it was read at. The contact phone left out
/// (null) stays as stored; an empty string removes it.
#[derive(Deserialize, ToSchema)]
pub struct OrgEdit {
    #[serde(flatten)]
    pub organisation: OrgInput,
    pub version: i32,
}

/// Edits an organisation; audited as `org.update` (the phone masked).
#[utoipa::path(put, path = "/api/v1/organisations/{id}", tag = "registry", params(("id" = i64, Path)), request_body = OrgEdit, responses(
    (status = 200, body = OrgView),
    (status = 400, body = ErrorBody, description = "`validation_failed` (as for recording), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:org:write"),
    (status = 404, body = ErrorBody, description = "`organisation_not_found` (also outside the caller's scope), `region_not_found` (the new grid), `building_not_found`"),
    (status = 409, body = ErrorBody, description = "`stale_version`: changed meanwhile; `duplicate_uscc`"),
))]
pub async fn update_org(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<OrgView>, ApiError> {
    gridgov_app::access::require(&who.principal, WRITE)?;
    let b: OrgEdit = json_body(&body)?;
    Ok(Json(
        orgs::update(&app, &who, id, b.organisation, b.version, ip).await?,
    ))
}

/// An organisation's change history, newest first: who recorded and edited it, when, and which
/// fields (names only).
#[utoipa::path(get, path = "/api/v1/organisations/{id}/history", tag = "registry", params(("id" = i64, Path)), responses(
    (status = 200, body = Vec<HistoryEntry>),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:org:read"),
    (status = 404, body = ErrorBody, description = "`organisation_not_found`, also outside the caller's scope"),
))]
pub async fn org_history(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<HistoryEntry>>, ApiError> {
    Ok(Json(orgs::history(&app, &who, id).await?))
}
