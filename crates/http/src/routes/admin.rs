//! 系统管理: accounts, roles, effective scope, the audit log.

use crate::auth::{Auth, ClientIp};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, json_body};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use gridgov_app::App;
use gridgov_app::admin::{
    self, AuditFilter, AuditPage, EffectiveScope, PermissionInfo, RoleView, UserPage, UserView,
};
use gridgov_app::auth::NewAccount;
use gridgov_domain::access::DataScope;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Part of a username or display name.
    pub q: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

/// Accounts within the caller's scope.
#[utoipa::path(get, path = "/api/v1/users", tag = "admin", params(UserQuery), responses(
    (status = 200, body = UserPage),
    (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs system:user:read"),
))]
pub async fn list_users(
    State(app): State<App>,
    Auth(who): Auth,
    ApiQuery(q): ApiQuery<UserQuery>,
) -> Result<Json<UserPage>, ApiError> {
    Ok(Json(
        admin::list_users(
            &app,
            &who,
            q.q.as_deref(),
            q.page.unwrap_or(1),
            q.page_size.unwrap_or(20),
        )
        .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct RoleAssignment {
    pub role: String,
    /// `{"kind":"all"}`, `{"kind":"subtrees","regions":["370105001000"]}`, `{"kind":"own_unit"}`,
    /// `{"kind":"own_unit_and_below"}` or `{"kind":"own_records"}`.
    #[schema(value_type = Object)]
    pub scope: DataScope,
}

#[derive(Deserialize, ToSchema)]
pub struct CreateUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    /// staff, department or resident.
    pub kind: String,
    pub unit_code: Option<String>,
    pub department_id: Option<i64>,
    pub roles: Vec<RoleAssignment>,
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Creates an account in the caller's district; no permission or scope beyond the caller's own.
#[utoipa::path(post, path = "/api/v1/users", tag = "admin", request_body = CreateUser, responses(
    (status = 201, body = Created),
    (status = 400, body = ErrorBody, description = "`validation_failed` (username, password policy, unit, role), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`, `cannot_grant_permission`, `cannot_grant_scope`, `csrf_rejected`"),
    (status = 409, body = ErrorBody, description = "`username_taken`"),
))]
pub async fn create_user(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    // Authorise before reading the body: callers without the permission learn nothing of it.
    gridgov_app::access::require(&who.principal, "system:user:write")?;
    let b: CreateUser = json_body(&body)?;
    let account = NewAccount {
        district: String::new(),
        username: b.username,
        display_name: b.display_name,
        password: Some(b.password),
        kind: b.kind,
        unit: b.unit_code,
        department_id: b.department_id,
        staff_id: None,
        roles: b.roles.into_iter().map(|r| (r.role, r.scope)).collect(),
        phone_hash: None,
    };
    let id = admin::create(&app, &who, ip, account).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// One account.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "admin", params(("id" = i64, Path)), responses(
    (status = 200, body = UserView),
    (status = 404, body = ErrorBody, description = "`user_not_found`, also outside the caller's scope"),
))]
pub async fn get_user(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<UserView>, ApiError> {
    Ok(Json(admin::get_user(&app, &who, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct SetDisabled {
    pub disabled: bool,
    /// The version the editor saw.
    pub version: i32,
}

/// Disables (ending its sessions everywhere) or re-enables an account.
#[utoipa::path(put, path = "/api/v1/users/{id}/disabled", tag = "admin", params(("id" = i64, Path)), request_body = SetDisabled, responses(
    (status = 200, body = UserView),
    (status = 404, body = ErrorBody, description = "`user_not_found`"),
    (status = 409, body = ErrorBody, description = "`stale_version`, `cannot_disable_self`"),
))]
pub async fn set_disabled(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<UserView>, ApiError> {
    // Authorise before reading the body: callers without the permission learn nothing of it.
    gridgov_app::access::require(&who.principal, "system:user:write")?;
    let b: SetDisabled = json_body(&body)?;
    Ok(Json(
        admin::set_disabled(&app, &who, ip, id, b.disabled, b.version).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct UpdateUser {
    pub display_name: String,
    /// The account's own unit (a region code); null or empty for none (district-wide only).
    pub unit_code: Option<String>,
    /// The version the editor saw.
    pub version: i32,
}

/// Renames an account or moves it to another unit within the caller's reach.
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "admin", params(("id" = i64, Path)), request_body = UpdateUser, responses(
    (status = 200, body = UserView),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`invalid_name`, `invalid_region_code`, `region_not_found`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`, `unit_out_of_scope`, `cannot_grant_scope` / `cannot_grant_permission`: its roles could not be given at the new unit"),
    (status = 404, body = ErrorBody, description = "`user_not_found`"),
    (status = 409, body = ErrorBody, description = "`stale_version`"),
))]
pub async fn update_user(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<UserView>, ApiError> {
    gridgov_app::access::require(&who.principal, "system:user:write")?;
    let b: UpdateUser = json_body(&body)?;
    let edit = admin::ProfileEdit {
        display_name: b.display_name,
        unit_code: b.unit_code,
        version: b.version,
    };
    Ok(Json(admin::update_user(&app, &who, ip, id, edit).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ResetPassword {
    pub password: String,
}

/// Sets a new password for another account; all its sessions end and a login lock-out lifts.
#[utoipa::path(put, path = "/api/v1/users/{id}/password", tag = "admin", params(("id" = i64, Path)), request_body = ResetPassword, responses(
    (status = 204, description = "password set, sessions ended"),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`password_too_short`, `password_too_simple`, …), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`"),
    (status = 404, body = ErrorBody, description = "`user_not_found`"),
    (status = 409, body = ErrorBody, description = "`use_password_change` (own account), `no_password_login` (residents)"),
))]
pub async fn reset_password(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    gridgov_app::access::require(&who.principal, "system:user:write")?;
    let b: ResetPassword = json_body(&body)?;
    admin::reset_password(&app, &who, ip, id, &b.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct ScopeList {
    pub items: Vec<EffectiveScope>,
}

/// What an account reaches, per permission (all / subtrees / units / own records).
#[utoipa::path(get, path = "/api/v1/users/{id}/scope", tag = "admin", params(("id" = i64, Path)), responses(
    (status = 200, body = ScopeList),
    (status = 404, body = ErrorBody, description = "`user_not_found`"),
))]
pub async fn user_scope(
    State(app): State<App>,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ScopeList>, ApiError> {
    Ok(Json(ScopeList {
        items: admin::effective_scope(&app, &who, id).await?,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct RoleList {
    pub items: Vec<RoleView>,
    /// Every permission with what it allows.
    pub permissions: Vec<PermissionInfo>,
}

/// The district's roles and the permission catalogue.
#[utoipa::path(get, path = "/api/v1/roles", tag = "admin", responses(
    (status = 200, body = RoleList),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs system:role:read"),
))]
pub async fn roles(State(app): State<App>, Auth(who): Auth) -> Result<Json<RoleList>, ApiError> {
    let (items, permissions) = admin::roles(&app, &who).await?;
    Ok(Json(RoleList { items, permissions }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// region, user, role, district …
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_user_id: Option<i64>,
    /// Actions starting with this, e.g. `user.` or `auth.login`.
    pub action: Option<String>,
    /// RFC 3339; from this instant (inclusive) …
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// … until this one (exclusive).
    #[param(value_type = Option<String>, format = DateTime)]
    pub until: Option<chrono::DateTime<chrono::Utc>>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

/// The audit log of the caller's district within their scope, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "admin", params(AuditQuery), responses(
    (status = 200, body = AuditPage),
    (status = 400, body = ErrorBody, description = "`invalid_query`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs audit:log:read"),
))]
pub async fn audit(
    State(app): State<App>,
    Auth(who): Auth,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let nonempty = |s: &Option<String>| s.as_deref().filter(|s| !s.is_empty()).map(str::to_owned);
    let (entity_type, entity_id, action) = (
        nonempty(&q.entity_type),
        nonempty(&q.entity_id),
        nonempty(&q.action),
    );
    let filter = AuditFilter {
        actor_user_id: q.actor_user_id,
        entity_type: entity_type.as_deref(),
        entity_id: entity_id.as_deref(),
        action_prefix: action.as_deref(),
        from: q.from,
        until: q.until,
    };
    let page = admin::audit_search(
        &app,
        &who,
        &filter,
        q.page.unwrap_or(1),
        q.page_size.unwrap_or(50),
    )
    .await?;
    Ok(Json(page))
}

#[derive(Deserialize, ToSchema)]
pub struct CreateRole {
    /// 2 to 32 of a-z and _.
    pub key: String,
    pub name: String,
    pub permissions: Vec<String>,
}

/// Creates a custom role; its permissions must be ones the caller holds.
#[utoipa::path(post, path = "/api/v1/roles", tag = "admin", request_body = CreateRole, responses(
    (status = 201, body = Created),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`invalid_role_key`, `unknown_permission`), `invalid_json`"),
    (status = 403, body = ErrorBody, description = "`forbidden`, `cannot_grant_permission`"),
    (status = 409, body = ErrorBody, description = "`role_exists`"),
))]
pub async fn create_role(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    // Authorise before reading the body: callers without the permission learn nothing of it.
    gridgov_app::access::require(&who.principal, "system:role:write")?;
    let b: CreateRole = json_body(&body)?;
    let id = admin::create_role(&app, &who, ip, &b.key, &b.name, &b.permissions).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Deserialize, ToSchema)]
pub struct UpdateRole {
    pub name: String,
    pub permissions: Vec<String>,
    pub version: i32,
}

/// Renames a custom role and replaces its permissions (built-in roles are fixed).
#[utoipa::path(put, path = "/api/v1/roles/{id}", tag = "admin", params(("id" = i64, Path)), request_body = UpdateRole, responses(
    (status = 204, description = "updated"),
    (status = 404, body = ErrorBody, description = "`role_not_found`"),
    (status = 409, body = ErrorBody, description = "`builtin_role`, `stale_version`"),
))]
pub async fn update_role(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    // Authorise before reading the body: callers without the permission learn nothing of it.
    gridgov_app::access::require(&who.principal, "system:role:write")?;
    let b: UpdateRole = json_body(&body)?;
    admin::update_role(&app, &who, ip, id, &b.name, &b.permissions, b.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct SetRoles {
    pub roles: Vec<RoleAssignment>,
    /// The account version the editor saw.
    pub version: i32,
}

/// Replaces an account's roles and scopes, within what the caller may grant.
#[utoipa::path(put, path = "/api/v1/users/{id}/roles", tag = "admin", params(("id" = i64, Path)), request_body = SetRoles, responses(
    (status = 200, body = UserView),
    (status = 403, body = ErrorBody, description = "`cannot_grant_permission`, `cannot_grant_scope`"),
    (status = 404, body = ErrorBody, description = "`user_not_found`"),
    (status = 409, body = ErrorBody, description = "`stale_version`"),
))]
pub async fn set_roles(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> Result<Json<UserView>, ApiError> {
    // Authorise before reading the body: callers without the permission learn nothing of it.
    gridgov_app::access::require(&who.principal, "system:user:write")?;
    let b: SetRoles = json_body(&body)?;
    let roles = b.roles.into_iter().map(|r| (r.role, r.scope)).collect();
    Ok(Json(
        admin::set_roles(&app, &who, ip, id, roles, b.version).await?,
    ))
}
