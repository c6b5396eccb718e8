//! Cases: report, inboxes, a case with its timeline, actions; the category catalogue.

use crate::auth::{Auth, ClientIp};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, json_body};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use gridgov_app::App;
use gridgov_app::cases::photos::{self, PhotoView};
use gridgov_app::cases::{
    self, CaseDetail, CasePage, CaseView, CategoryView, Command, Inbox, ListQuery, NewReport, Reported,
};
use gridgov_domain::case::{CaseAction, Rating};
use gridgov_geo::Crs;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct CategoryList {
    pub items: Vec<CategoryView>,
}

/// The case categories: groups (no parent) and their categories, in catalogue order.
#[utoipa::path(get, path = "/api/v1/case-categories", tag = "cases", responses(
    (status = 200, body = CategoryList),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs case:category:read"),
))]
pub async fn case_categories(
    State(app): State<App>,
    Auth(who): Auth,
) -> Result<Json<CategoryList>, ApiError> {
    Ok(Json(CategoryList {
        items: cases::categories(&app, &who).await?,
    }))
}

/// A new group (without `parent_code`) or category (under the group `parent_code`). A group sets
/// only `code`, `name` and `enabled`; a category's settings given for a group are refused
/// (`not_for_group`).
#[derive(Deserialize, ToSchema)]
pub struct CreateCategory {
    /// 2–48 of `a-z 0-9 . _ -`, starting with a letter, unique in the district; it never changes.
    pub code: String,
    /// The group a new category belongs to; none (or null) creates a group.
    pub parent_code: Option<String>,
    /// 1–64 characters.
    pub name: String,
    #[serde(flatten)]
    pub settings: CategorySettings,
    /// Whether new reports may use it (default true).
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

/// What a category (not a group) sets. Required for a category: `owner_level`, the three limits
/// and `time_mode`.
#[derive(Deserialize, ToSchema)]
pub struct CategorySettings {
    /// `community`, `street` or `district`: the centre that accepts new reports.
    pub owner_level: Option<String>,
    /// The district department that answers its whistles; none for no department.
    pub department_id: Option<i64>,
    /// Minutes to accept a report (1 to 525,600), counted in `time_mode`.
    pub accept_minutes: Option<i64>,
    /// Minutes to handle a case (1 to 525,600), counted in `time_mode`.
    pub handle_minutes: Option<i64>,
    /// Minutes for a whistled department to report for duty (1 to 525,600), natural time.
    pub ack_minutes: Option<i64>,
    /// `natural` or `working` (09:00–17:00 on working days of the holiday calendar).
    pub time_mode: Option<String>,
    /// Grids may whistle the department directly (直通车); needs `department_id`.
    pub direct_channel: Option<bool>,
    /// Overdue cases move up a level by themselves.
    pub auto_escalate: Option<bool>,
}

impl From<CategorySettings> for gridgov_domain::category::Draft {
    fn from(s: CategorySettings) -> Self {
        gridgov_domain::category::Draft {
            owner_level: s.owner_level,
            department_id: s.department_id,
            accept_minutes: s.accept_minutes,
            handle_minutes: s.handle_minutes,
            ack_minutes: s.ack_minutes,
            time_mode: s.time_mode,
            direct_channel: s.direct_channel,
            auto_escalate: s.auto_escalate,
        }
    }
}

/// Creates a group or a category of the caller's district. Needs `case:category:write` with the
/// district-wide scope; audited.
#[utoipa::path(post, path = "/api/v1/case-categories", tag = "cases", request_body = CreateCategory, responses(
    (status = 201, body = CategoryView, description = "created"),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`invalid_category_code`, `invalid_category_name`, `required`, `invalid_owner_level`, `invalid_limit`, `invalid_time_mode`, `not_for_group`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs case:category:write; `district_scope_required`"),
    (status = 409, body = ErrorBody, description = "`category_code_taken`"),
    (status = 422, body = ErrorBody, description = "`unknown_group`, `unknown_department`, `direct_channel_needs_department` (with the field)"),
))]
pub async fn create_case_category(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<CategoryView>), ApiError> {
    // Authorise before reading the body: callers without the permission learn nothing of it.
    cases::categories::require_write(&who)?;
    let b: CreateCategory = json_body(&body)?;
    let n = cases::categories::NewCategory {
        code: b.code,
        parent_code: b.parent_code,
        name: b.name,
        settings: b.settings.into(),
        enabled: b.enabled,
    };
    let view = cases::categories::create(&app, &who, ip, n).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Everything an edit of a group or category sets, with the version the editor saw.
#[derive(Deserialize, ToSchema)]
pub struct UpdateCategory {
    /// Optional; when given it must be the category's own code (codes never change).
    pub code: Option<String>,
    /// A category's group (it may move to another group); none (or null) for a group.
    pub parent_code: Option<String>,
    pub name: String,
    #[serde(flatten)]
    pub settings: CategorySettings,
    /// false takes it off the report forms; cases that have it keep it.
    pub enabled: bool,
    pub version: i32,
}

/// Edits a group or a category. Limits apply to stages that start afterwards: running deadlines
/// stay. A group stays a group, a category a category; there is no delete (disable instead).
#[utoipa::path(put, path = "/api/v1/case-categories/{id}", tag = "cases", params(("id" = i64, Path)), request_body = UpdateCategory, responses(
    (status = 200, body = CategoryView, description = "the category as it is now"),
    (status = 400, body = ErrorBody, description = "`validation_failed` (as for creating), `invalid_json`, `invalid_path`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs case:category:write; `district_scope_required`"),
    (status = 404, body = ErrorBody, description = "`category_not_found`"),
    (status = 409, body = ErrorBody, description = "`stale_version`"),
    (status = 422, body = ErrorBody, description = "`category_kind_fixed`, `category_code_immutable`, `unknown_group`, `unknown_department`, `direct_channel_needs_department` (with the field)"),
))]
pub async fn update_case_category(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<CategoryView>, ApiError> {
    cases::categories::require_write(&who)?;
    let b: UpdateCategory = json_body(&body)?;
    let e = cases::categories::CategoryEdit {
        code: b.code,
        parent_code: b.parent_code,
        name: b.name,
        settings: b.settings.into(),
        enabled: b.enabled,
        version: b.version,
    };
    Ok(Json(cases::categories::update(&app, &who, ip, id, e).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ReportBody {
    pub category_id: i64,
    pub description: String,
    pub address: Option<String>,
    pub lon: f64,
    pub lat: f64,
    /// `wgs84` (phone GPS, the default) or `gcj02` (Amap / Tencent maps).
    pub crs: Option<String>,
    /// patrol, hotline, department or deliberation (residents' reports are always `resident`).
    pub source: Option<String>,
    /// 8–64 of A-Z a-z 0-9 - _, chosen once per report: retries with it never create a second case.
    pub idempotency_key: Option<String>,
    #[serde(default)]
    pub major: bool,
}

/// Reports a case. The location decides grid, community and street; a retry with the same
/// idempotency key answers 200 with the first case.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = ReportBody, responses(
    (status = 201, body = Reported, description = "created; `duplicates` lists open cases that may be the same matter"),
    (status = 200, body = Reported, description = "a retry: the case created by the first request"),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`invalid_description`, `invalid_address`, `invalid_source`, `invalid_idempotency_key`, `invalid_coordinate`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`, `location_out_of_scope`"),
    (status = 422, body = ErrorBody, description = "`unknown_category`, `outside_district`"),
))]
pub async fn report_case(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Reported>), ApiError> {
    gridgov_app::access::require(&who.principal, "case:case:report")?;
    let b: ReportBody = json_body(&body)?;
    let crs = match b.crs.as_deref() {
        None => Crs::Wgs84,
        Some(c) => c
            .parse::<Crs>()
            .map_err(|_| gridgov_app::AppError::invalid_field("crs", "invalid_crs", "wgs84 or gcj02"))?,
    };
    let r = NewReport {
        category_id: b.category_id,
        description: b.description,
        address: b.address,
        lon: b.lon,
        lat: b.lat,
        crs,
        source: b.source,
        idempotency_key: b.idempotency_key,
        major: b.major,
    };
    let out = cases::report(&app, &who, ip, r).await?;
    let status = if out.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(out)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `all` (everything in scope, the default), `mine` (open cases held by my centre or grid),
    /// `department` (whistled to my department), `reported` (reported by me).
    pub inbox: Option<String>,
    /// Comma-separated states, e.g. `reported,accepted`.
    pub state: Option<String>,
    pub category_id: Option<i64>,
    /// Only cases in this region's subtree.
    pub region: Option<String>,
    /// Only cases whose running stage is overdue.
    pub overdue: Option<bool>,
    /// Words in the description or address.
    pub q: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

/// Cases in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(ListParams), responses(
    (status = 200, body = CasePage),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`unknown_state`, `unknown_inbox`, bad region), `invalid_query`"),
    (status = 403, body = ErrorBody, description = "`forbidden`, `not_department_staff`"),
))]
pub async fn list_cases(
    State(app): State<App>,
    Auth(who): Auth,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<CasePage>, ApiError> {
    let inbox = match p.inbox.as_deref().unwrap_or("all") {
        "all" | "" => Inbox::All,
        "mine" => Inbox::Mine,
        "department" => Inbox::Department,
        "reported" => Inbox::Reported,
        _ => {
            return Err(gridgov_app::AppError::invalid_field(
                "inbox",
                "unknown_inbox",
                "all, mine, department or reported",
            )
            .into());
        }
    };
    let states = p
        .state
        .as_deref()
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let q = ListQuery {
        inbox,
        states,
        category: p.category_id,
        region: p.region,
        overdue: p.overdue.unwrap_or(false),
        q: p.q,
        page: p.page.unwrap_or(1),
        page_size: p.page_size.unwrap_or(20),
    };
    Ok(Json(cases::list(&app, &who, q).await?))
}

/// A case with its timeline and the actions the caller may take now.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = i64, Path)), responses(
    (status = 200, body = CaseDetail),
    (status = 404, body = ErrorBody, description = "`case_not_found`, also outside the caller's scope"),
))]
pub async fn case_detail(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CaseDetail>, ApiError> {
    Ok(Json(cases::detail(&app, &who, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ActionBody {
    /// accept, reject, merge, handle_on_spot, dispatch, escalate, whistle, acknowledge, return,
    /// report_result, verify, rework, extend, rate, reopen.
    pub action: String,
    /// The case version the caller saw.
    pub version: i32,
    /// A note; the reason of reject, return and rework (required there).
    pub comment: Option<String>,
    /// dispatch: the region code of the grid or lower centre.
    pub target: Option<String>,
    /// whistle: the department summoned.
    pub department_id: Option<i64>,
    /// rate: satisfied, basically or not_satisfied.
    pub rating: Option<String>,
    /// merge: the case this one duplicates.
    pub merge_into: Option<i64>,
    /// extend: minutes added to the handling deadline.
    pub extend_minutes: Option<i32>,
    /// Photos already uploaded to this case that this step shows (e.g. the result).
    #[serde(default)]
    pub photo_ids: Vec<i64>,
}

/// Takes an action on a case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/actions", tag = "cases", params(("id" = i64, Path)), request_body = ActionBody, responses(
    (status = 200, body = CaseView),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`unknown_action`, `reason_required`, `target_out_of_reach`, `department_not_found`, `invalid_extension`, `cannot_merge`, …), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`not_your_turn`: the action exists but is not the caller's; `no_direct_channel`"),
    (status = 404, body = ErrorBody, description = "`case_not_found`"),
    (status = 409, body = ErrorBody, description = "`illegal_transition`, `stale_version`, `already_rated`, `reopen_window_passed`"),
    (status = 422, body = ErrorBody, description = "`cannot_escalate`, `no_deadline`"),
))]
pub async fn act_on_case(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<CaseView>, ApiError> {
    gridgov_app::access::require(&who.principal, "case:case:read")?;
    let b: ActionBody = json_body(&body)?;
    let bad = |f: &str, code: &str, why: &str| -> ApiError {
        gridgov_app::AppError::invalid_field(f, code, why).into()
    };
    let action =
        CaseAction::parse(&b.action).ok_or_else(|| bad("action", "unknown_action", "see the list"))?;
    let rating = match b.rating.as_deref() {
        None => None,
        Some(r) => Some(Rating::parse(r).ok_or_else(|| {
            bad(
                "rating",
                "unknown_rating",
                "satisfied, basically or not_satisfied",
            )
        })?),
    };
    let cmd = Command {
        action,
        version: b.version,
        comment: b.comment,
        target: b.target,
        department_id: b.department_id,
        rating,
        merge_into: b.merge_into,
        extend_minutes: b.extend_minutes,
        photo_ids: b.photo_ids,
    };
    Ok(Json(cases::act(&app, &who, ip, id, cmd).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KpiParams {
    /// A region code (street, community, grid …); the caller's district when absent.
    pub region: Option<String>,
    /// A calendar month in Beijing time, e.g. `2026-10`; or give `from` and `until`.
    pub month: Option<String>,
    /// RFC 3339, inclusive.
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// RFC 3339, exclusive.
    pub until: Option<chrono::DateTime<chrono::Utc>>,
}

/// Case indicators (立案率, 派遣率, 按期处置率, 结案率, 按期结案率, 返工率, 延期率, 满意率,
/// 网格内/社区内解决率, whistle response) of a region subtree over a window. `counts` holds
/// the numerators and denominators (see the README), `kpis` the rates (null for an empty
/// denominator) and the whistle response in minutes.
#[utoipa::path(get, path = "/api/v1/kpis", tag = "cases", params(KpiParams), responses(
    (status = 200, body = gridgov_app::kpi::KpiPanel),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`invalid_window`, `invalid_month`, bad region), `invalid_query`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs case:kpi:read"),
    (status = 404, body = ErrorBody, description = "`region_not_found`, also outside the caller's scope"),
))]
pub async fn kpis(
    State(app): State<App>,
    Auth(who): Auth,
    ApiQuery(p): ApiQuery<KpiParams>,
) -> Result<Json<gridgov_app::kpi::KpiPanel>, ApiError> {
    gridgov_app::access::require(&who.principal, "case:kpi:read")?;
    let bad = |code: &str, why: &str| -> ApiError {
        gridgov_app::AppError::invalid_field("month", code, why).into()
    };
    let (from, until) = match (p.month.as_deref(), p.from, p.until) {
        (Some(m), None, None) => {
            gridgov_app::kpi::month_window(m).ok_or_else(|| bad("invalid_month", "YYYY-MM"))?
        }
        (None, Some(f), Some(u)) => (f, u),
        _ => return Err(bad("invalid_window", "give month, or from and until")),
    };
    Ok(Json(
        gridgov_app::kpi::panel(&app, &who, p.region.as_deref(), from, until).await?,
    ))
}

/// Adds a photo to a case: the request body is the image itself (JPEG, PNG or WebP, at most
/// 10 MB, at most 9 per case), its type in `Content-Type`. Cite it in an action's `photo_ids`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/photos", tag = "cases", params(("id" = i64, Path)),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses(
        (status = 201, body = PhotoView),
        (status = 200, body = PhotoView, description = "a retry: the same bytes from the same person, not yet cited, are the photo stored before"),
        (status = 403, body = ErrorBody, description = "`not_your_turn`: only the case's parties add photos"),
        (status = 404, body = ErrorBody, description = "`case_not_found`"),
        (status = 409, body = ErrorBody, description = "`too_many_photos`"),
        (status = 413, body = ErrorBody, description = "`photo_too_large`"),
        (status = 415, body = ErrorBody, description = "`unsupported_media_type`: not a JPEG, PNG or WebP, or not what Content-Type says"),
        (status = 422, body = ErrorBody, description = "`invalid_image`: cannot be decoded"),
    ))]
pub async fn upload_photo(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    headers: axum::http::HeaderMap,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(StatusCode, Json<PhotoView>), ApiError> {
    gridgov_app::access::require(&who.principal, "case:case:read")?;
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
    let up = photos::upload(&app, &who, ip, id, claimed, &body).await?;
    let status = if up.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(up.photo)))
}

async fn photo_response(
    app: &App,
    who: &gridgov_app::auth::Signed,
    id: i64,
    thumb: bool,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let (bytes, mime) = photos::read(app, who, id, thumb).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, mime),
            // Photos never change (stored by content); only the signed-in browser keeps them.
            (
                axum::http::header::CACHE_CONTROL,
                "private, max-age=86400, immutable".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// A case photo.
#[utoipa::path(get, path = "/api/v1/photos/{id}", tag = "cases", params(("id" = i64, Path)), responses(
    (status = 200, content_type = "image/*", description = "the photo"),
    (status = 404, body = ErrorBody, description = "`photo_not_found`, also when its case is out of scope"),
))]
pub async fn photo(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::response::Response, ApiError> {
    photo_response(&app, &who, id, false).await
}

/// Deletes a photo uploaded by mistake: only its uploader, only while no action cites it.
#[utoipa::path(delete, path = "/api/v1/photos/{id}", tag = "cases", params(("id" = i64, Path)), responses(
    (status = 204, description = "deleted"),
    (status = 403, body = ErrorBody, description = "`not_your_photo`"),
    (status = 404, body = ErrorBody, description = "`photo_not_found`, also when its case is out of scope"),
    (status = 409, body = ErrorBody, description = "`photo_cited`: an action cites it, it is part of the record"),
))]
pub async fn delete_photo(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    gridgov_app::access::require(&who.principal, "case:case:read")?;
    photos::delete(&app, &who, ip, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A case photo's thumbnail (JPEG, at most 320 px).
#[utoipa::path(get, path = "/api/v1/photos/{id}/thumb", tag = "cases", params(("id" = i64, Path)), responses(
    (status = 200, content_type = "image/jpeg", description = "the thumbnail"),
    (status = 404, body = ErrorBody, description = "`photo_not_found`"),
))]
pub async fn photo_thumb(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::response::Response, ApiError> {
    photo_response(&app, &who, id, true).await
}

/// How often an open event stream checks that its session still holds (and picks up changed
/// roles and scopes): a logout, an expired session or a revoked right ends the stream within
/// about this long, with an `event: logout`.
const STREAM_RECHECK_SECONDS: i64 = 10;

/// An open event stream: its subscription, who it is for and when that was last checked.
struct Stream {
    rx: tokio::sync::broadcast::Receiver<std::sync::Arc<gridgov_app::live::CaseChange>>,
    app: App,
    token: String,
    who: gridgov_app::auth::Signed,
    checked: chrono::DateTime<chrono::Utc>,
    ended: bool,
}

impl Stream {
    /// Whether the session still holds and may read cases; refreshes who it is for.
    async fn still_allowed(&mut self) -> bool {
        let now = self.app.clock.now();
        if now - self.checked < chrono::Duration::seconds(STREAM_RECHECK_SECONDS) {
            return true;
        }
        match gridgov_app::auth::authenticate(&self.app, &self.token).await {
            Ok(w) if w.principal.can("case:case:read") => {
                self.who = w;
                self.checked = now;
                true
            }
            _ => false,
        }
    }
}

/// Server-sent events: `event: case` with a [`CaseChange`](gridgov_app::live::CaseChange) as
/// JSON whenever a case the caller may see is reported or changes (within about a second, from
/// any server process). Pages reload what they show; a comment every 15 s keeps proxies open.
/// The session is checked again every 10 s: once it ends, the stream sends `event: logout` and
/// closes.
#[utoipa::path(get, path = "/api/v1/cases/events", tag = "cases", responses(
    (status = 200, content_type = "text/event-stream", description = "the stream"),
    (status = 401, body = ErrorBody),
))]
pub async fn case_events(
    State(app): State<App>,
    headers: axum::http::HeaderMap,
    Auth(who): Auth,
) -> Result<
    axum::response::sse::Sse<
        impl futures_util::Stream<Item = Result<axum::response::sse::Event, std::convert::Infallible>>,
    >,
    ApiError,
> {
    use axum::response::sse::{Event, KeepAlive, Sse};
    use tokio::sync::broadcast::error::RecvError;
    gridgov_app::access::require(&who.principal, "case:case:read")?;
    let state = Stream {
        rx: app.live.subscribe(),
        token: crate::auth::session_token(&headers).unwrap_or_default(),
        checked: app.clock.now(),
        app,
        who,
        ended: false,
    };
    let wait = std::time::Duration::from_secs(STREAM_RECHECK_SECONDS as u64);
    let stream = futures_util::stream::unfold(state, move |mut s| async move {
        if s.ended {
            return None;
        }
        loop {
            // A quiet stream wakes up to re-check too.
            let next = tokio::time::timeout(wait, s.rx.recv()).await;
            if !s.still_allowed().await {
                s.ended = true;
                return Some((Ok(Event::default().event("logout").data("{}")), s));
            }
            match next {
                Ok(Ok(c)) if gridgov_app::live::visible(&s.who, &c) => {
                    let data = serde_json::to_string(&*c).unwrap_or_default();
                    return Some((Ok(Event::default().event("case").data(data)), s));
                }
                Ok(Ok(_)) | Err(_) => {}
                // A slow page missed some: tell it to reload everything.
                Ok(Err(RecvError::Lagged(_))) => {
                    return Some((Ok(Event::default().event("reload").data("{}")), s));
                }
                Ok(Err(RecvError::Closed)) => return None,
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(std::time::Duration::from_secs(15))))
}
