//! The three-level deliberation platform (网络三级议事平台): topics (raise, list, read, support,
//! triage, photos), the district's support thresholds, notifications, a resident's home grid.

use crate::auth::{Auth, ClientIp};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, json_body};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use gridgov_app::App;
use gridgov_app::access::require;
use gridgov_app::deliberation::topics::{
    self, TopicCommand, TopicDetail, TopicInput, TopicPage, TopicPhotoView, TopicQuery, TopicView,
};
use gridgov_app::deliberation::{
    self as delib, HomeInput, HomeView, NotificationPage, ReadInput, ReadResult, Settings, SettingsEdit,
    TOPIC_RAISE, TOPIC_READ, TOPIC_SUPPORT, TOPIC_WRITE,
};
use serde::Deserialize;
use utoipa::IntoParams;

/// Raises a topic at the level of its area (a grid, a community or a street). A resident
/// raises in an area containing their home grid (by default the home grid itself); staff in
/// their scope; `case_id` raises it from a case (its grid, point, description and category's
/// name unless given). Audited as `topic.raise`.
#[utoipa::path(post, path = "/api/v1/topics", tag = "deliberation", request_body = TopicInput, responses(
    (status = 201, body = TopicView),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`required`, `too_long`, `unknown_category`, `not_a_deliberation_area`, `invalid_code`…, `invalid_coordinate`, `invalid_crs`, `case_not_found`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:topic:raise"),
    (status = 404, body = ErrorBody, description = "`region_not_found`: no such area, or outside the caller's scope"),
    (status = 422, body = ErrorBody, description = "`home_required`: a resident without a home grid; `outside_area`: the area does not contain the resident's home"),
))]
pub async fn raise_topic(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<TopicView>), ApiError> {
    require(&who.principal, TOPIC_RAISE)?;
    let input: TopicInput = json_body(&body)?;
    Ok((
        StatusCode::CREATED,
        Json(topics::raise(&app, &who, input, ip).await?),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TopicParams {
    /// `grid`, `community` or `street`.
    pub level: Option<String>,
    /// Topics whose area lies in this region's subtree.
    pub region: Option<String>,
    /// A `TopicState` code or label.
    pub state: Option<String>,
    /// A `TopicCategory` code or label.
    pub category: Option<String>,
    /// Only topics the caller raised.
    pub mine: Option<bool>,
    /// Only topics the caller supports.
    pub supported: Option<bool>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

/// Topics the caller may read, newest first: residents every topic of their district (public;
/// residents' names masked), staff those of their scope.
#[utoipa::path(get, path = "/api/v1/topics", tag = "deliberation", params(TopicParams), responses(
    (status = 200, body = TopicPage),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`unknown_level`, `unknown_state`, `unknown_category`, a bad region), `invalid_query`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:topic:read"),
    (status = 404, body = ErrorBody, description = "`region_not_found`: the region filter is outside the caller's scope"),
))]
pub async fn list_topics(
    State(app): State<App>,
    Auth(who): Auth,
    ApiQuery(p): ApiQuery<TopicParams>,
) -> Result<Json<TopicPage>, ApiError> {
    let q = TopicQuery {
        level: p.level,
        region: p.region,
        state: p.state,
        category: p.category,
        mine: p.mine.unwrap_or(false),
        supported: p.supported.unwrap_or(false),
        page: p.page.unwrap_or(1),
        page_size: p.page_size.unwrap_or(20),
    };
    Ok(Json(topics::list(&app, &who, q).await?))
}

/// A topic with its photos, its public timeline, whether the caller supports or raised it, and
/// the triage actions the caller may take now.
#[utoipa::path(get, path = "/api/v1/topics/{id}", tag = "deliberation", params(("id" = i64, Path)), responses(
    (status = 200, body = TopicDetail),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:topic:read"),
    (status = 404, body = ErrorBody, description = "`topic_not_found`, also outside the caller's scope"),
))]
pub async fn get_topic(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<TopicDetail>, ApiError> {
    Ok(Json(topics::get(&app, &who, id).await?))
}

/// A resident supports a topic of their home area, once; at the threshold an open topic
/// becomes ready for a meeting (raiser and supporters are notified). Audited as
/// `topic.support`.
#[utoipa::path(post, path = "/api/v1/topics/{id}/support", tag = "deliberation", params(("id" = i64, Path)), responses(
    (status = 200, body = TopicView),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:topic:support"),
    (status = 404, body = ErrorBody, description = "`topic_not_found`"),
    (status = 409, body = ErrorBody, description = "`already_supported`; `topic_not_open`: it no longer takes support"),
    (status = 422, body = ErrorBody, description = "`home_required`: no home grid declared; `outside_area`: the resident's home is not in the topic's area"),
))]
pub async fn support_topic(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<TopicView>, ApiError> {
    require(&who.principal, TOPIC_SUPPORT)?;
    Ok(Json(topics::support(&app, &who, id, ip).await?))
}

/// Triage by a centre: `accept` (open → ready), `decline` (with a published reason), `merge`
/// (`into` another topic of the same or a wider area that takes support; supporters carried
/// over, each once), `refer` (to the level above: the parent region, that level's threshold).
/// Raiser and supporters are notified; audited as `topic.<action>`.
#[utoipa::path(post, path = "/api/v1/topics/{id}/actions", tag = "deliberation", params(("id" = i64, Path)), request_body = TopicCommand, responses(
    (status = 200, body = TopicView),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`unknown_action`, `reason_required`, `required`, `too_long`, `topic_not_found` for `into`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:topic:write"),
    (status = 404, body = ErrorBody, description = "`topic_not_found`, also outside the caller's scope"),
    (status = 409, body = ErrorBody, description = "`stale_version`; `invalid_topic_state`: not in this state; `no_level_above`: a street's topic"),
    (status = 422, body = ErrorBody, description = "`invalid_merge_target`: itself, a narrower or other area, or a topic that no longer takes support"),
))]
pub async fn act_on_topic(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<TopicView>, ApiError> {
    require(&who.principal, TOPIC_WRITE)?;
    let cmd: TopicCommand = json_body(&body)?;
    Ok(Json(topics::act(&app, &who, id, cmd, ip).await?))
}

/// Adds a photo to a topic (the body is the image: JPEG, PNG or WebP, at most 10 MB, at most 9
/// per topic): its raiser, or a centre that triages it, while it collects support.
#[utoipa::path(post, path = "/api/v1/topics/{id}/photos", tag = "deliberation", params(("id" = i64, Path)),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses(
        (status = 201, body = TopicPhotoView),
        (status = 403, body = ErrorBody, description = "`forbidden`; `not_your_topic`: only its raiser or the centre"),
        (status = 404, body = ErrorBody, description = "`topic_not_found`"),
        (status = 409, body = ErrorBody, description = "`topic_not_open`; `too_many_photos`"),
        (status = 413, body = ErrorBody, description = "`photo_too_large`"),
        (status = 415, body = ErrorBody, description = "`unsupported_media_type`"),
        (status = 422, body = ErrorBody, description = "`invalid_image`"),
    ))]
pub async fn upload_topic_photo(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    headers: axum::http::HeaderMap,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(StatusCode, Json<TopicPhotoView>), ApiError> {
    require(&who.principal, TOPIC_READ)?;
    let body = body.map_err(|_| {
        gridgov_app::AppError::new(
            gridgov_app::ErrorKind::PayloadTooLarge,
            "photo_too_large",
            "the photo is too large",
        )
    })?;
    let claimed = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let p = topics::upload_photo(&app, &who, id, claimed, &body, ip).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

async fn photo_response(
    app: &App,
    who: &gridgov_app::auth::Signed,
    id: i64,
    thumb: bool,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let (bytes, mime) = topics::photo(app, who, id, thumb).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, mime),
            (
                axum::http::header::CACHE_CONTROL,
                "private, max-age=86400, immutable".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// A topic photo.
#[utoipa::path(get, path = "/api/v1/topic-photos/{id}", tag = "deliberation", params(("id" = i64, Path)), responses(
    (status = 200, content_type = "image/*", description = "the photo"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:topic:read"),
    (status = 404, body = ErrorBody, description = "`photo_not_found`, also when its topic is out of scope"),
))]
pub async fn topic_photo(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::response::Response, ApiError> {
    require(&who.principal, TOPIC_READ)?;
    photo_response(&app, &who, id, false).await
}

/// A topic photo's thumbnail (JPEG, at most 320 px).
#[utoipa::path(get, path = "/api/v1/topic-photos/{id}/thumb", tag = "deliberation", params(("id" = i64, Path)), responses(
    (status = 200, content_type = "image/jpeg", description = "the thumbnail"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:topic:read"),
    (status = 404, body = ErrorBody, description = "`photo_not_found`"),
))]
pub async fn topic_photo_thumb(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::response::Response, ApiError> {
    require(&who.principal, TOPIC_READ)?;
    photo_response(&app, &who, id, true).await
}

/// The district's support thresholds per level (configured, or the level's default).
#[utoipa::path(get, path = "/api/v1/deliberation/settings", tag = "deliberation", responses(
    (status = 200, body = Settings),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:topic:read"),
))]
pub async fn get_settings(State(app): State<App>, Auth(who): Auth) -> Result<Json<Settings>, ApiError> {
    Ok(Json(delib::settings(&app, &who).await?))
}

/// Sets the district's support thresholds (1 to 10,000 each; a level left out keeps its value;
/// topics keep the threshold they were raised with). Audited as `deliberation.settings`.
#[utoipa::path(put, path = "/api/v1/deliberation/settings", tag = "deliberation", request_body = SettingsEdit, responses(
    (status = 200, body = Settings),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`threshold_out_of_range`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs deliberation:topic:write; `district_scope_required`"),
))]
pub async fn put_settings(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    body: axum::body::Bytes,
) -> Result<Json<Settings>, ApiError> {
    require(&who.principal, TOPIC_WRITE)?;
    let edit: SettingsEdit = json_body(&body)?;
    Ok(Json(delib::put_settings(&app, &who, edit, ip).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationParams {
    /// Only unread ones.
    pub unread: Option<bool>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

/// The signed-in account's notifications (topics it raised or supports that moved), newest
/// first, with the number unread.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "deliberation", params(NotificationParams), responses(
    (status = 200, body = NotificationPage),
    (status = 400, body = ErrorBody, description = "`invalid_query`"),
    (status = 401, body = ErrorBody, description = "`not_logged_in`"),
))]
pub async fn list_notifications(
    State(app): State<App>,
    Auth(who): Auth,
    ApiQuery(p): ApiQuery<NotificationParams>,
) -> Result<Json<NotificationPage>, ApiError> {
    let n = delib::notifications(
        &app,
        &who,
        p.unread.unwrap_or(false),
        p.page.unwrap_or(1),
        p.page_size.unwrap_or(20),
    )
    .await?;
    Ok(Json(n))
}

/// Marks the caller's notifications read: `ids` (others' ids are ignored) or `all: true`.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "deliberation", request_body = ReadInput, responses(
    (status = 200, body = ReadResult),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`required`: no ids and not all), `invalid_json`"),
    (status = 401, body = ErrorBody, description = "`not_logged_in`"),
))]
pub async fn read_notifications(
    State(app): State<App>,
    Auth(who): Auth,
    body: axum::body::Bytes,
) -> Result<Json<ReadResult>, ApiError> {
    let input: ReadInput = json_body(&body)?;
    Ok(Json(delib::mark_read(&app, &who, input).await?))
}

/// A resident declares their home grid: the area whose topics they support and where they raise
/// them. Audited as `account.home`.
#[utoipa::path(put, path = "/api/v1/auth/me/home", tag = "auth", request_body = HomeInput, responses(
    (status = 200, body = HomeView),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`not_a_grid`, `invalid_code`…), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`residents_only`"),
    (status = 404, body = ErrorBody, description = "`region_not_found`: no such grid in the resident's district"),
))]
pub async fn set_home(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    body: axum::body::Bytes,
) -> Result<Json<HomeView>, ApiError> {
    let input: HomeInput = json_body(&body)?;
    Ok(Json(delib::set_home(&app, &who, input, ip).await?))
}
