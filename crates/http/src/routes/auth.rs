//! Login, logout, and who am I.

use crate::auth::{Auth, ClientIp, session_cookie};
use crate::error::{ApiError, ErrorBody};
use crate::extract::json_body;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gridgov_app::App;
use gridgov_app::auth::{self, Signed};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// staff, department or resident.
    pub kind: String,
    pub district_code: String,
    /// The region the account belongs to.
    pub unit_code: Option<String>,
    pub department_id: Option<i64>,
    /// The staff record of a grid worker, leader or operator.
    pub staff_id: Option<i64>,
    pub roles: Vec<String>,
    /// Every permission held, `module:entity:action`.
    pub permissions: Vec<String>,
}

fn me(s: &Signed) -> Me {
    let mut permissions: Vec<String> = s
        .principal
        .grants
        .iter()
        .flat_map(|g| g.permissions.iter().map(|p| p.to_string()))
        .collect();
    permissions.sort();
    permissions.dedup();
    Me {
        id: s.user.id,
        username: s.user.username.clone(),
        display_name: s.user.display_name.clone(),
        kind: s.user.kind.clone(),
        district_code: s.user.district_code.clone(),
        unit_code: s.user.unit_code.clone(),
        department_id: s.user.department_id,
        staff_id: s.user.staff_id,
        roles: s.roles.clone(),
        permissions,
    }
}

/// Logs in and sets the session cookie (HttpOnly, SameSite=Lax).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest, responses(
    (status = 200, body = Me, description = "logged in; the session cookie is set"),
    (status = 400, body = ErrorBody, description = "`invalid_json`"),
    (status = 401, body = ErrorBody, description = "`invalid_credentials`, whether or not the account exists"),
    (status = 429, body = ErrorBody, description = "`too_many_attempts`: back off"),
))]
pub async fn login(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let req: LoginRequest = json_body(&body)?;
    let ua = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok());
    let done = auth::login(&app, &req.username, &req.password, ip.as_deref(), ua).await?;
    let signed = auth::authenticate(&app, &done.token).await?;
    let max_age = (done.expires_at - app.clock.now()).num_seconds();
    let cookie = session_cookie(Some(&done.token), max_age, app.config.secure_cookies);
    Ok(([(header::SET_COOKIE, cookie)], Json(me(&signed))).into_response())
}

/// The signed-in account with its roles and permissions.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", responses(
    (status = 200, body = Me),
    (status = 401, body = ErrorBody, description = "`not_logged_in`, `session_invalid`, `session_expired`"),
))]
pub async fn whoami(Auth(s): Auth) -> Json<Me> {
    Json(me(&s))
}

/// Ends this session and clears the cookie.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses(
    (status = 204, description = "logged out"),
    (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody, description = "`csrf_rejected`"),
))]
pub async fn logout(State(app): State<App>, Auth(s): Auth) -> Result<Response, ApiError> {
    auth::logout(&app, &s).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            session_cookie(None, 0, app.config.secure_cookies),
        )],
    )
        .into_response())
}

/// Ends every session of this account on every device.
#[utoipa::path(post, path = "/api/v1/auth/logout-everywhere", tag = "auth", responses(
    (status = 204, description = "every session ended"),
    (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody, description = "`csrf_rejected`"),
))]
pub async fn logout_everywhere(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(s): Auth,
) -> Result<Response, ApiError> {
    auth::logout_everywhere(&app, &s, ip).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            session_cookie(None, 0, app.config.secure_cookies),
        )],
    )
        .into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}

/// Changes one's own password; every other session of the account ends, this one stays.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", request_body = ChangePassword, responses(
    (status = 204, description = "changed"),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`wrong_password` on current_password; `password_unchanged`, `password_too_short`, … on new_password), `invalid_json`"),
    (status = 401, body = ErrorBody),
    (status = 429, body = ErrorBody, description = "`too_many_attempts`"),
))]
pub async fn change_password(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(s): Auth,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    let b: ChangePassword = json_body(&body)?;
    auth::change_password(&app, &s, ip.as_deref(), &b.current_password, &b.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct OtpRequest {
    /// Mainland mobile number.
    pub phone: String,
}

/// Sends a one-time code to a mobile number (residents).
#[utoipa::path(post, path = "/api/v1/auth/otp", tag = "auth", request_body = OtpRequest, responses(
    (status = 204, description = "code sent"),
    (status = 400, body = ErrorBody, description = "`validation_failed` with `invalid_phone`, `invalid_json`"),
    (status = 429, body = ErrorBody, description = "`too_many_attempts`"),
))]
pub async fn otp(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    let req: OtpRequest = json_body(&body)?;
    gridgov_app::otp::request_code(&app, &req.phone, ip.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct OtpLogin {
    pub phone: String,
    pub code: String,
    /// Needed the first time a number signs in (registration).
    pub display_name: Option<String>,
}

/// Signs a resident in with a one-time code; the first sign-in registers them.
#[utoipa::path(post, path = "/api/v1/auth/otp-login", tag = "auth", request_body = OtpLogin, responses(
    (status = 200, body = Me, description = "signed in; the session cookie is set"),
    (status = 400, body = ErrorBody, description = "`validation_failed` with `invalid_phone` or `display_name_required`"),
    (status = 401, body = ErrorBody, description = "`otp_invalid`: wrong, used or expired code"),
))]
pub async fn otp_login(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let req: OtpLogin = json_body(&body)?;
    let ua = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok());
    let done = gridgov_app::otp::sign_in(
        &app,
        &req.phone,
        &req.code,
        req.display_name.as_deref(),
        ip.as_deref(),
        ua,
    )
    .await?;
    let signed = auth::authenticate(&app, &done.token).await?;
    let max_age = (done.expires_at - app.clock.now()).num_seconds();
    let cookie = session_cookie(Some(&done.token), max_age, app.config.secure_cookies);
    Ok(([(header::SET_COOKIE, cookie)], Json(me(&signed))).into_response())
}
