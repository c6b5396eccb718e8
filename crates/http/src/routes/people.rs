//! The registry's people: register, browse, search (by name, whole ID or phone number, in the
//! body, never in the URL), read, and reveal a number (audited). Numbers are masked everywhere
//! else.

use crate::auth::{Auth, ClientIp};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, json_body};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use gridgov_app::App;
use gridgov_app::registry::{
    self, HistoryEntry, PersonInput, PersonPage, PersonQuery, PersonView, RevealField, Revealed,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// Registers a person in a grid.
#[utoipa::path(post, path = "/api/v1/people", tag = "registry", request_body = PersonInput, responses(
    (status = 201, body = PersonView, description = "registered; the numbers come back masked"),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`required`, `too_long`, `unknown_kind`, `not_a_grid`, `unknown_relation`, `no_household`, `household_in_other_grid`, `household_has_head`, an ID number's `id_length`, `id_characters`, `id_region`, `id_birth_date`, `id_check_digit`, a phone's code), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:person:write"),
    (status = 404, body = ErrorBody, description = "`region_not_found`, `household_not_found`: none such, or outside the caller's scope"),
    (status = 409, body = ErrorBody, description = "`duplicate_id_number`: the district has a person with this ID number"),
))]
pub async fn create_person(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<PersonView>), ApiError> {
    gridgov_app::access::require(&who.principal, "registry:person:write")?;
    let input: PersonInput = json_body(&body)?;
    let p = registry::create(&app, &who, input, ip).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleParams {
    /// `registered`, `floating` or `overseas`.
    pub kind: Option<String>,
    /// Only people in this region's subtree.
    pub region: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

/// People in the caller's scope, newest first, numbers masked. Names and numbers are searched
/// with `POST /api/v1/people/search`, so that no personal data is ever in a URL.
#[utoipa::path(get, path = "/api/v1/people", tag = "registry", params(PeopleParams), responses(
    (status = 200, body = PersonPage),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`unknown_kind`, bad region), `invalid_query`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:person:read"),
))]
pub async fn list_people(
    State(app): State<App>,
    Auth(who): Auth,
    ApiQuery(p): ApiQuery<PeopleParams>,
) -> Result<Json<PersonPage>, ApiError> {
    let q = PersonQuery {
        kind: p.kind,
        region: p.region,
        page: p.page.unwrap_or(1),
        page_size: p.page_size.unwrap_or(20),
        ..PersonQuery::default()
    };
    Ok(Json(registry::list(&app, &who, q).await?))
}

/// What a search asks for; every given part must match.
#[derive(Deserialize, ToSchema)]
pub struct SearchBody {
    /// The start of a name.
    pub name: Option<String>,
    /// A whole ID number (18 or 15 characters): found through its blind index.
    pub id_number: Option<String>,
    /// A whole phone number, likewise.
    pub phone: Option<String>,
    pub kind: Option<String>,
    pub region: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

/// Searches people in the caller's scope by the start of a name or a whole ID or phone number,
/// newest first, numbers masked. A POST so that the terms stay out of URLs and logs.
#[utoipa::path(post, path = "/api/v1/people/search", tag = "registry", request_body = SearchBody, responses(
    (status = 200, body = PersonPage),
    (status = 400, body = ErrorBody, description = "`validation_failed` (an ID number's or phone's code, `unknown_kind`, bad region), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:person:read"),
))]
pub async fn search_people(
    State(app): State<App>,
    Auth(who): Auth,
    body: axum::body::Bytes,
) -> Result<Json<PersonPage>, ApiError> {
    gridgov_app::access::require(&who.principal, "registry:person:read")?;
    let b: SearchBody = json_body(&body)?;
    let q = PersonQuery {
        name: b.name,
        id_number: b.id_number,
        phone: b.phone,
        kind: b.kind,
        region: b.region,
        page: b.page.unwrap_or(1),
        page_size: b.page_size.unwrap_or(20),
    };
    Ok(Json(registry::list(&app, &who, q).await?))
}

/// A person, numbers masked.
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "registry", params(("id" = i64, Path)), responses(
    (status = 200, body = PersonView),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:person:read"),
    (status = 404, body = ErrorBody, description = "`person_not_found`, also outside the caller's scope"),
))]
pub async fn get_person(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PersonView>, ApiError> {
    Ok(Json(registry::get(&app, &who, id).await?))
}

/// An edit: the whole record as the form shows it, with the version it was read at. A number
/// left out (null) stays as stored; an empty string removes it; the household and the relation
/// likewise (see `PersonInput`).
#[derive(Deserialize, ToSchema)]
pub struct EditBody {
    #[serde(flatten)]
    pub person: PersonInput,
    pub version: i32,
}

/// Edits a person; recorded in the audit log as `person.update` (numbers masked).
#[utoipa::path(put, path = "/api/v1/people/{id}", tag = "registry", params(("id" = i64, Path)), request_body = EditBody, responses(
    (status = 200, body = PersonView),
    (status = 400, body = ErrorBody, description = "`validation_failed` (as for registering), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:person:write"),
    (status = 404, body = ErrorBody, description = "`person_not_found` (also outside the caller's scope), `region_not_found` (the new grid), `household_not_found`"),
    (status = 409, body = ErrorBody, description = "`stale_version`: changed meanwhile; `duplicate_id_number`"),
))]
pub async fn update_person(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<PersonView>, ApiError> {
    gridgov_app::access::require(&who.principal, "registry:person:write")?;
    let b: EditBody = json_body(&body)?;
    Ok(Json(
        registry::update(&app, &who, id, b.person, b.version, ip).await?,
    ))
}

/// A person's change history, newest first: who registered, edited, imported or revealed
/// them, when, and which fields (names only).
#[utoipa::path(get, path = "/api/v1/people/{id}/history", tag = "registry", params(("id" = i64, Path)), responses(
    (status = 200, body = Vec<HistoryEntry>),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:person:read"),
    (status = 404, body = ErrorBody, description = "`person_not_found`, also outside the caller's scope"),
))]
pub async fn person_history(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<HistoryEntry>>, ApiError> {
    Ok(Json(registry::history(&app, &who, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct RevealBody {
    pub field: RevealField,
}

/// Shows one of a person's numbers whole; recorded in the audit log as `person.reveal`.
#[utoipa::path(post, path = "/api/v1/people/{id}/reveal", tag = "registry", params(("id" = i64, Path)), request_body = RevealBody, responses(
    (status = 200, body = Revealed),
    (status = 400, body = ErrorBody, description = "`invalid_json` (field is `id_number` or `phone`)"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:person:reveal"),
    (status = 404, body = ErrorBody, description = "`person_not_found` (also outside the caller's scope), `no_such_number`"),
))]
pub async fn reveal_number(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Revealed>, ApiError> {
    gridgov_app::access::require(&who.principal, "registry:person:reveal")?;
    let b: RevealBody = json_body(&body)?;
    Ok(Json(registry::reveal(&app, &who, id, b.field, ip).await?))
}
