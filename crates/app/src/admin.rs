//! Administration of accounts and roles, the effective-scope view, and audit search: what the
//! console's 系统管理 pages call.

use crate::access::{PERMISSIONS, require, scope_from_columns};
use crate::audit::{Event, record};
use crate::auth::{NewAccount, Signed, create_user};
use crate::{App, AppError, ErrorKind};
use gridgov_domain::RegionCode;
use gridgov_domain::access::{DataScope, Permission, Scope, check_password, may_grant};
use gridgov_store::accounts;
use gridgov_store::audit as audit_store;
use gridgov_store::entity::app_user;
use sea_orm::TransactionTrait;
use serde::Serialize;
use utoipa::ToSchema;

/// One role assignment of an account.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AssignmentView {
    pub role: String,
    #[schema(value_type = Object)]
    pub scope: DataScope,
}

/// An account as the console lists it (never its password hash).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub kind: String,
    pub unit_code: Option<String>,
    pub department_id: Option<i64>,
    pub disabled: bool,
    pub version: i32,
    pub roles: Vec<AssignmentView>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<UserView>,
    pub total: u64,
}

async fn view(conn: &impl sea_orm::ConnectionTrait, u: app_user::Model) -> Result<UserView, AppError> {
    let roles = accounts::grants_of(conn, u.id)
        .await?
        .into_iter()
        .map(|(a, r)| AssignmentView {
            role: r.key,
            scope: scope_from_columns(&a.scope_kind, &a.scope_regions),
        })
        .collect();
    Ok(UserView {
        id: u.id,
        username: u.username,
        display_name: u.display_name,
        kind: u.kind,
        unit_code: u.unit_code,
        department_id: u.department_id,
        disabled: u.disabled,
        version: u.version,
        roles,
    })
}

/// Accounts the caller may see, 20 a page by default.
pub async fn list_users(
    app: &App,
    who: &Signed,
    q: Option<&str>,
    page: u64,
    page_size: u64,
) -> Result<UserPage, AppError> {
    require(&who.principal, "system:user:read")?;
    let scope = who.principal.scope("system:user:read");
    let size = page_size.clamp(1, 100);
    let conn = app.db.conn();
    let (rows, total) = accounts::list_users(
        conn,
        &who.user.district_code,
        &scope,
        q,
        page.saturating_sub(1) * size,
        size,
    )
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for u in rows {
        items.push(view(conn, u).await?);
    }
    Ok(UserPage { items, total })
}

async fn visible_user(app: &App, who: &Signed, perm: &str, id: i64) -> Result<app_user::Model, AppError> {
    let scope = who.principal.scope(perm);
    let u = accounts::user_by_id(app.db.conn(), id).await?;
    let reachable = |u: &app_user::Model| {
        u.district_code == who.user.district_code
            && match u.unit_code.as_deref().and_then(|c| RegionCode::parse(c).ok()) {
                Some(c) => scope.reaches(&c),
                None => scope.all,
            }
    };
    u.filter(reachable)
        .ok_or_else(|| AppError::not_found("user_not_found", format!("no account {id}")))
}

pub async fn get_user(app: &App, who: &Signed, id: i64) -> Result<UserView, AppError> {
    require(&who.principal, "system:user:read")?;
    let u = visible_user(app, who, "system:user:read", id).await?;
    view(app.db.conn(), u).await
}

/// Checks that the caller may give each role with its scope to an account of `unit`, and
/// resolves the roles: (role id, scope kind, scope regions) per assignment. No one gives a
/// permission they lack or a scope wider than their own.
async fn checked_grants(
    app: &App,
    who: &Signed,
    district: &str,
    roles: &[(String, DataScope)],
    unit: Option<&RegionCode>,
) -> Result<Vec<(i64, String, String)>, AppError> {
    let all_roles = accounts::roles(app.db.conn(), district).await?;
    let mut rows = Vec::new();
    for (key, scope) in roles {
        let role = all_roles
            .iter()
            .find(|r| &r.key == key)
            .ok_or_else(|| AppError::invalid_field("roles", "role_not_found", format!("no role {key}")))?;
        let perms: Vec<Permission> = serde_json::from_str::<Vec<String>>(&role.permissions)
            .unwrap_or_default()
            .iter()
            .filter_map(|p| Permission::parse(p).ok())
            .collect();
        may_grant(&who.principal, &perms, scope, unit).map_err(|code| {
            AppError::new(
                ErrorKind::Forbidden,
                code,
                format!("you cannot grant {key} with this scope"),
            )
        })?;
        let (kind, regions) = crate::access::scope_to_columns(scope);
        rows.push((role.id, kind, regions));
    }
    Ok(rows)
}

/// Creates an account in the caller's district. The caller can only give what they hold: no
/// permission they lack, no scope wider than their own.
pub async fn create(app: &App, who: &Signed, ip: Option<String>, mut a: NewAccount) -> Result<i64, AppError> {
    require(&who.principal, "system:user:write")?;
    a.district = who.user.district_code.clone();
    let unit = a.unit.as_deref().and_then(|u| RegionCode::parse(u).ok());
    checked_grants(app, who, &a.district, &a.roles, unit.as_ref()).await?;
    create_user(app, &who.actor(ip), a).await
}

/// Disables (ending every session) or re-enables an account.
pub async fn set_disabled(
    app: &App,
    who: &Signed,
    ip: Option<String>,
    id: i64,
    disabled: bool,
    version: i32,
) -> Result<UserView, AppError> {
    require(&who.principal, "system:user:write")?;
    let u = visible_user(app, who, "system:user:write", id).await?;
    if u.id == who.user.id && disabled {
        return Err(AppError::new(
            ErrorKind::Conflict,
            "cannot_disable_self",
            "you cannot disable your own account",
        ));
    }
    let now = app.clock.now();
    let txn = app.db.conn().begin().await?;
    accounts::set_disabled(&txn, id, disabled, version, now).await?;
    if disabled {
        accounts::void_sessions(&txn, id, now).await?;
    }
    let (before, after) = (
        serde_json::json!({ "disabled": u.disabled }),
        serde_json::json!({ "disabled": disabled }),
    );
    let id_text = id.to_string();
    let event = Event {
        district: u.district_code.clone(),
        region: u.unit_code.clone(),
        action: if disabled { "user.disable" } else { "user.enable" },
        entity_type: "user",
        entity_id: &id_text,
        before: Some(&before),
        after: Some(&after),
        ..Default::default()
    };
    record(&txn, &who.actor(ip), event).await?;
    txn.commit().await?;
    app.accounts_changed();
    get_user(app, who, id).await
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RoleView {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub permissions: Vec<String>,
    pub builtin: bool,
    /// For `PUT /api/v1/roles/{id}`.
    pub version: i32,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PermissionInfo {
    pub permission: String,
    pub description: String,
}

/// The district's roles and the permission catalogue.
pub async fn roles(app: &App, who: &Signed) -> Result<(Vec<RoleView>, Vec<PermissionInfo>), AppError> {
    require(&who.principal, "system:role:read")?;
    let roles = accounts::roles(app.db.conn(), &who.user.district_code)
        .await?
        .into_iter()
        .map(|r| RoleView {
            id: r.id,
            permissions: serde_json::from_str(&r.permissions).unwrap_or_default(),
            key: r.key,
            name: r.name,
            builtin: r.builtin,
            version: r.version,
        })
        .collect();
    let catalogue = PERMISSIONS
        .iter()
        .map(|(p, d)| PermissionInfo {
            permission: (*p).into(),
            description: (*d).into(),
        })
        .collect();
    Ok((roles, catalogue))
}

/// What an account reaches, per permission it holds.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EffectiveScope {
    pub permission: String,
    #[schema(value_type = Object)]
    pub scope: Scope,
}

pub async fn effective_scope(app: &App, who: &Signed, id: i64) -> Result<Vec<EffectiveScope>, AppError> {
    require(&who.principal, "system:user:read")?;
    let u = visible_user(app, who, "system:user:read", id).await?;
    let (p, _) = crate::access::principal_of(app.db.conn(), &u).await?;
    let mut perms: Vec<String> = p
        .grants
        .iter()
        .flat_map(|g| g.permissions.iter().map(|x| x.to_string()))
        .collect();
    perms.sort();
    perms.dedup();
    Ok(perms
        .into_iter()
        .map(|perm| EffectiveScope {
            scope: p.scope(&perm),
            permission: perm,
        })
        .collect())
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AuditView {
    pub seq: i64,
    pub at: String,
    pub region_code: Option<String>,
    pub actor_user_id: Option<i64>,
    pub actor_name: String,
    pub actor_roles: String,
    pub ip: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    pub detail: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditView>,
    pub total: u64,
}

pub use audit_store::Filter as AuditFilter;

/// Audit records of the caller's district within the scope of their `audit:log:read`, newest
/// first: a street sees what happened to the accounts and regions of its street; rows about
/// district-wide things (roles) need the district-wide scope.
pub async fn audit_search(
    app: &App,
    who: &Signed,
    filter: &AuditFilter<'_>,
    page: u64,
    page_size: u64,
) -> Result<AuditPage, AppError> {
    require(&who.principal, "audit:log:read")?;
    let scope = who.principal.scope("audit:log:read");
    let size = page_size.clamp(1, 200);
    let (rows, total) = audit_store::search(
        app.db.conn(),
        &who.user.district_code,
        &scope,
        filter,
        page.saturating_sub(1) * size,
        size,
    )
    .await?;
    let items = rows
        .into_iter()
        .map(|r| AuditView {
            seq: r.seq,
            at: r.at.to_rfc3339(),
            region_code: r.region_code,
            actor_user_id: r.actor_user_id,
            actor_name: r.actor_name,
            actor_roles: r.actor_roles,
            ip: r.ip,
            action: r.action,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            before_digest: r.before_digest,
            after_digest: r.after_digest,
            detail: r.detail,
        })
        .collect();
    Ok(AuditPage { items, total })
}

fn valid_role_key(k: &str) -> bool {
    (2..=32).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// Checks a role's permissions: known, and held by the caller (no one creates a role stronger
/// than themselves).
fn checked_permissions(who: &Signed, perms: &[String]) -> Result<String, AppError> {
    let mut out: Vec<String> = Vec::new();
    for p in perms {
        if !PERMISSIONS.iter().any(|(k, _)| k == p) {
            return Err(AppError::invalid_field(
                "permissions",
                "unknown_permission",
                format!("no permission {p}"),
            ));
        }
        if !who.principal.can(p) {
            return Err(AppError::new(
                ErrorKind::Forbidden,
                "cannot_grant_permission",
                format!("you do not hold {p}"),
            ));
        }
        if !out.contains(p) {
            out.push(p.clone());
        }
    }
    out.sort();
    Ok(serde_json::to_string(&out).unwrap_or_else(|_| "[]".into()))
}

/// Creates a custom role in the caller's district.
pub async fn create_role(
    app: &App,
    who: &Signed,
    ip: Option<String>,
    key: &str,
    name: &str,
    perms: &[String],
) -> Result<i64, AppError> {
    require(&who.principal, "system:role:write")?;
    let mut errs = Vec::new();
    if !valid_role_key(key) {
        errs.push(AppError::field("key", "invalid_role_key", "2 to 32 of a-z and _"));
    }
    if name.trim().is_empty() || name.chars().count() > 64 {
        errs.push(AppError::field("name", "invalid_name", "1 to 64 characters"));
    }
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let json = checked_permissions(who, perms)?;
    let district = who.user.district_code.clone();
    let txn = app.db.conn().begin().await?;
    if accounts::roles(&txn, &district)
        .await?
        .iter()
        .any(|r| r.key == key)
    {
        return Err(AppError::new(
            ErrorKind::Conflict,
            "role_exists",
            format!("a role {key} exists"),
        ));
    }
    let id = accounts::upsert_role(&txn, &district, key, name.trim(), &json, false).await?;
    let after = serde_json::json!({ "key": key, "name": name.trim(), "permissions": json });
    let id_text = id.to_string();
    let event = Event {
        district,
        action: "role.create",
        entity_type: "role",
        entity_id: &id_text,
        after: Some(&after),
        ..Default::default()
    };
    record(&txn, &who.actor(ip), event).await?;
    txn.commit().await?;
    Ok(id)
}

/// Renames a custom role and replaces its permissions. Built-in roles are fixed.
pub async fn update_role(
    app: &App,
    who: &Signed,
    ip: Option<String>,
    id: i64,
    name: &str,
    perms: &[String],
    version: i32,
) -> Result<(), AppError> {
    require(&who.principal, "system:role:write")?;
    let json = checked_permissions(who, perms)?;
    let txn = app.db.conn().begin().await?;
    let role = accounts::role_by_id(&txn, id)
        .await?
        .filter(|r| r.district_code == who.user.district_code)
        .ok_or_else(|| AppError::not_found("role_not_found", format!("no role {id}")))?;
    if role.builtin {
        return Err(AppError::new(
            ErrorKind::Conflict,
            "builtin_role",
            "built-in roles cannot be changed",
        ));
    }
    accounts::update_role(&txn, id, name.trim(), &json, version).await?;
    let before = serde_json::json!({ "name": role.name, "permissions": role.permissions });
    let after = serde_json::json!({ "name": name.trim(), "permissions": json });
    let id_text = id.to_string();
    let event = Event {
        district: role.district_code.clone(),
        action: "role.update",
        entity_type: "role",
        entity_id: &id_text,
        before: Some(&before),
        after: Some(&after),
        ..Default::default()
    };
    record(&txn, &who.actor(ip), event).await?;
    txn.commit().await?;
    app.accounts_changed();
    Ok(())
}

/// Replaces an account's roles and scopes, within what the caller may grant.
pub async fn set_roles(
    app: &App,
    who: &Signed,
    ip: Option<String>,
    id: i64,
    roles: Vec<(String, DataScope)>,
    version: i32,
) -> Result<UserView, AppError> {
    require(&who.principal, "system:user:write")?;
    let u = visible_user(app, who, "system:user:write", id).await?;
    let unit = u.unit_code.as_deref().and_then(|c| RegionCode::parse(c).ok());
    let rows = checked_grants(app, who, &u.district_code, &roles, unit.as_ref()).await?;
    let now = app.clock.now();
    let txn = app.db.conn().begin().await?;
    let before = serde_json::json!(
        view(&txn, u.clone())
            .await?
            .roles
            .iter()
            .map(|a| serde_json::json!({"role": a.role, "scope": a.scope}))
            .collect::<Vec<_>>()
    );
    accounts::replace_assignments(&txn, &u.district_code, id, &rows, version, now).await?;
    let after = serde_json::json!(
        roles
            .iter()
            .map(|(k, s)| serde_json::json!({"role": k, "scope": s}))
            .collect::<Vec<_>>()
    );
    let id_text = id.to_string();
    let event = Event {
        district: u.district_code.clone(),
        region: u.unit_code.clone(),
        action: "user.roles",
        entity_type: "user",
        entity_id: &id_text,
        before: Some(&before),
        after: Some(&after),
        ..Default::default()
    };
    record(&txn, &who.actor(ip), event).await?;
    txn.commit().await?;
    app.accounts_changed();
    get_user(app, who, id).await
}

/// An account's editable profile.
#[derive(Clone, Debug)]
pub struct ProfileEdit {
    pub display_name: String,
    pub unit_code: Option<String>,
    pub version: i32,
}

/// Renames an account or moves it to another unit. The new unit must be in the caller's reach,
/// and the account's role assignments must still be ones the caller could give there (an
/// "own unit" scope moves with the unit).
pub async fn update_user(
    app: &App,
    who: &Signed,
    ip: Option<String>,
    id: i64,
    edit: ProfileEdit,
) -> Result<UserView, AppError> {
    require(&who.principal, "system:user:write")?;
    let u = visible_user(app, who, "system:user:write", id).await?;
    let name = edit.display_name.trim();
    let mut errs = Vec::new();
    if name.is_empty() || name.chars().count() > 64 {
        errs.push(AppError::field(
            "display_name",
            "invalid_name",
            "1 to 64 characters",
        ));
    }
    let unit = match edit
        .unit_code
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(RegionCode::parse)
        .transpose()
    {
        Ok(u) => u,
        Err(e) => {
            errs.push(crate::error::code_field("unit_code", &e));
            None
        }
    };
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let conn = app.db.conn();
    if let Some(c) = &unit {
        let exists = c.district().as_str() == u.district_code
            && gridgov_store::regions::get_summary(conn, c).await?.is_some();
        if !exists {
            return Err(AppError::invalid_field(
                "unit_code",
                "region_not_found",
                format!("no region {c}"),
            ));
        }
    }
    let scope = who.principal.scope("system:user:write");
    let reachable = match &unit {
        Some(c) => scope.reaches(c),
        None => scope.all,
    };
    if !reachable {
        return Err(AppError::new(
            ErrorKind::Forbidden,
            "unit_out_of_scope",
            "you cannot move an account outside your reach",
        ));
    }
    let unit_text = unit.as_ref().map(|c| c.to_string());
    if unit_text != u.unit_code {
        let current: Vec<(String, DataScope)> = view(conn, u.clone())
            .await?
            .roles
            .into_iter()
            .map(|a| (a.role, a.scope))
            .collect();
        checked_grants(app, who, &u.district_code, &current, unit.as_ref()).await?;
    }
    let now = app.clock.now();
    let txn = conn.begin().await?;
    accounts::update_profile(&txn, id, name, unit_text.as_deref(), edit.version, now).await?;
    let before = serde_json::json!({ "display_name": u.display_name, "unit": u.unit_code });
    let after = serde_json::json!({ "display_name": name, "unit": unit_text });
    let id_text = id.to_string();
    let event = Event {
        district: u.district_code.clone(),
        // Recorded under the new unit, so whoever can now see the account sees the move.
        region: unit_text.clone(),
        action: "user.update",
        entity_type: "user",
        entity_id: &id_text,
        before: Some(&before),
        after: Some(&after),
        detail: serde_json::json!({ "unit_from": u.unit_code, "unit_to": unit_text }),
    };
    record(&txn, &who.actor(ip), event).await?;
    txn.commit().await?;
    app.accounts_changed();
    get_user(app, who, id).await
}

/// Sets a new password for someone else's account (they forgot theirs): every session of the
/// account ends and a login lock-out is lifted. One's own password is changed with the current
/// one instead ([`crate::auth::change_password`]).
pub async fn reset_password(
    app: &App,
    who: &Signed,
    ip: Option<String>,
    id: i64,
    password: &str,
) -> Result<(), AppError> {
    require(&who.principal, "system:user:write")?;
    let u = visible_user(app, who, "system:user:write", id).await?;
    if u.id == who.user.id {
        return Err(AppError::new(
            ErrorKind::Conflict,
            "use_password_change",
            "change your own password with your current one",
        ));
    }
    if u.kind == "resident" {
        return Err(AppError::new(
            ErrorKind::Conflict,
            "no_password_login",
            "residents sign in with a one-time code",
        ));
    }
    check_password(password, &u.username)
        .map_err(|code| AppError::invalid_field("password", code, "see the password policy"))?;
    let hash = crate::auth::hash_password(password)?;
    let now = app.clock.now();
    let txn = app.db.conn().begin().await?;
    accounts::set_password(&txn, id, &hash, now).await?;
    accounts::void_sessions(&txn, id, now).await?;
    crate::auth::clear_account_throttle(&txn, &u.username).await?;
    let id_text = id.to_string();
    let event = Event {
        district: u.district_code.clone(),
        region: u.unit_code.clone(),
        action: "user.password_reset",
        entity_type: "user",
        entity_id: &id_text,
        ..Default::default()
    };
    record(&txn, &who.actor(ip), event).await?;
    txn.commit().await?;
    app.accounts_changed();
    Ok(())
}
