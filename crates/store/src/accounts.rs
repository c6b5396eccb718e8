//! Accounts, roles, assignments, sessions and login throttling.

use crate::StoreError;
use crate::entity::{app_user, login_throttle, role, session, user_role};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

#[derive(Clone, Debug, PartialEq)]
pub struct NewUser {
    pub district_code: String,
    pub username: String,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub kind: String,
    pub staff_id: Option<i64>,
    pub department_id: Option<i64>,
    pub unit_code: Option<String>,
    pub phone_hash: Option<String>,
}

pub async fn insert_user(
    conn: &impl ConnectionTrait,
    u: NewUser,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let res = app_user::Entity::insert(app_user::ActiveModel {
        district_code: Set(u.district_code),
        username: Set(u.username),
        display_name: Set(u.display_name),
        password_hash: Set(u.password_hash),
        kind: Set(u.kind),
        staff_id: Set(u.staff_id),
        department_id: Set(u.department_id),
        unit_code: Set(u.unit_code),
        disabled: Set(false),
        sessions_valid_after: Set(now),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        phone_hash: Set(u.phone_hash),
        ..Default::default()
    })
    .exec(conn)
    .await
    .map_err(StoreError::classify)?;
    Ok(res.last_insert_id)
}

pub async fn user_by_username(
    conn: &impl ConnectionTrait,
    name: &str,
) -> Result<Option<app_user::Model>, StoreError> {
    Ok(app_user::Entity::find()
        .filter(app_user::Column::Username.eq(name))
        .one(conn)
        .await?)
}

pub async fn user_by_id(conn: &impl ConnectionTrait, id: i64) -> Result<Option<app_user::Model>, StoreError> {
    Ok(app_user::Entity::find_by_id(id).one(conn).await?)
}

/// Voids every session of a user created before `now`.
pub async fn void_sessions(
    conn: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    app_user::Entity::update_many()
        .col_expr(
            app_user::Column::SessionsValidAfter,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(app_user::Column::Id.eq(user_id))
        .exec(conn)
        .await?;
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Creates or updates a built-in role by key; returns its id.
pub async fn upsert_role(
    conn: &impl ConnectionTrait,
    district: &str,
    key: &str,
    name: &str,
    permissions_json: &str,
    builtin: bool,
) -> Result<i64, StoreError> {
    let existing = role::Entity::find()
        .filter(role::Column::DistrictCode.eq(district))
        .filter(role::Column::Key.eq(key))
        .one(conn)
        .await?;
    match existing {
        Some(r) => {
            let id = r.id;
            let version = r.version;
            let mut a: role::ActiveModel = r.into();
            a.name = Set(name.to_owned());
            a.permissions = Set(permissions_json.to_owned());
            a.builtin = Set(builtin);
            a.version = Set(version + 1);
            a.update(conn).await?;
            Ok(id)
        }
        None => {
            let res = role::Entity::insert(role::ActiveModel {
                district_code: Set(district.to_owned()),
                key: Set(key.to_owned()),
                name: Set(name.to_owned()),
                permissions: Set(permissions_json.to_owned()),
                builtin: Set(builtin),
                version: Set(1),
                ..Default::default()
            })
            .exec(conn)
            .await
            .map_err(StoreError::classify)?;
            Ok(res.last_insert_id)
        }
    }
}

/// The built-in roles of every district (to bring them up to a new version's catalogue).
pub async fn builtin_roles(conn: &impl ConnectionTrait) -> Result<Vec<role::Model>, StoreError> {
    Ok(role::Entity::find()
        .filter(role::Column::Builtin.eq(true))
        .order_by_asc(role::Column::Id)
        .all(conn)
        .await?)
}

pub async fn roles(conn: &impl ConnectionTrait, district: &str) -> Result<Vec<role::Model>, StoreError> {
    Ok(role::Entity::find()
        .filter(role::Column::DistrictCode.eq(district))
        .order_by_asc(role::Column::Id)
        .all(conn)
        .await?)
}

pub async fn assign(
    conn: &impl ConnectionTrait,
    district: &str,
    user_id: i64,
    role_id: i64,
    scope_kind: &str,
    scope_regions_json: &str,
) -> Result<(), StoreError> {
    user_role::Entity::insert(user_role::ActiveModel {
        district_code: Set(district.to_owned()),
        user_id: Set(user_id),
        role_id: Set(role_id),
        scope_kind: Set(scope_kind.to_owned()),
        scope_regions: Set(scope_regions_json.to_owned()),
        ..Default::default()
    })
    .exec_without_returning(conn)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

/// A user's assignments with their roles.
pub async fn grants_of(
    conn: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<(user_role::Model, role::Model)>, StoreError> {
    let assignments = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .order_by_asc(user_role::Column::Id)
        .all(conn)
        .await?;
    let ids: Vec<i64> = assignments.iter().map(|a| a.role_id).collect();
    let roles = role::Entity::find()
        .filter(role::Column::Id.is_in(ids))
        .all(conn)
        .await?;
    Ok(assignments
        .into_iter()
        .filter_map(|a| roles.iter().find(|r| r.id == a.role_id).cloned().map(|r| (a, r)))
        .collect())
}

pub async fn create_session(conn: &impl ConnectionTrait, s: session::Model) -> Result<(), StoreError> {
    session::Entity::insert(session::ActiveModel {
        id: Set(s.id),
        user_id: Set(s.user_id),
        created_at: Set(s.created_at),
        last_seen_at: Set(s.last_seen_at),
        expires_at: Set(s.expires_at),
        ip: Set(s.ip),
        user_agent: Set(s.user_agent),
    })
    .exec_without_returning(conn)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn session(
    conn: &impl ConnectionTrait,
    id_hash: &str,
) -> Result<Option<session::Model>, StoreError> {
    Ok(session::Entity::find_by_id(id_hash).one(conn).await?)
}

pub async fn touch_session(
    conn: &impl ConnectionTrait,
    id_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, sea_orm::sea_query::Expr::value(now))
        .filter(session::Column::Id.eq(id_hash))
        .exec(conn)
        .await?;
    Ok(())
}

pub async fn delete_session(conn: &impl ConnectionTrait, id_hash: &str) -> Result<(), StoreError> {
    session::Entity::delete_by_id(id_hash).exec(conn).await?;
    Ok(())
}

pub async fn throttle(
    conn: &impl ConnectionTrait,
    key: &str,
) -> Result<Option<login_throttle::Model>, StoreError> {
    Ok(login_throttle::Entity::find_by_id(key).one(conn).await?)
}

/// Stores a throttle row (insert or replace).
pub async fn save_throttle(conn: &impl ConnectionTrait, t: login_throttle::Model) -> Result<(), StoreError> {
    login_throttle::Entity::insert(login_throttle::ActiveModel {
        key: Set(t.key),
        failures: Set(t.failures),
        window_start: Set(t.window_start),
        locked_until: Set(t.locked_until),
    })
    .on_conflict(
        OnConflict::column(login_throttle::Column::Key)
            .update_columns([
                login_throttle::Column::Failures,
                login_throttle::Column::WindowStart,
                login_throttle::Column::LockedUntil,
            ])
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

pub async fn clear_throttle(conn: &impl ConnectionTrait, key: &str) -> Result<(), StoreError> {
    login_throttle::Entity::delete_by_id(key).exec(conn).await?;
    Ok(())
}

/// Accounts of a district whose unit the scope reaches (accounts without a unit need the
/// district-wide scope), optionally matching a name, newest first, with the total count.
pub async fn list_users(
    conn: &impl ConnectionTrait,
    district: &str,
    scope: &gridgov_domain::access::Scope,
    q: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<app_user::Model>, u64), StoreError> {
    use sea_orm::{PaginatorTrait, QuerySelect};
    let mut find = app_user::Entity::find()
        .filter(app_user::Column::DistrictCode.eq(district))
        .filter(crate::scope::region_condition(scope, app_user::Column::UnitCode));
    if let Some(q) = q.filter(|q| !q.is_empty()) {
        let pattern = format!("%{}%", q.replace(['%', '_'], ""));
        find = find.filter(
            sea_orm::Condition::any()
                .add(app_user::Column::Username.like(pattern.clone()))
                .add(app_user::Column::DisplayName.like(pattern)),
        );
    }
    let total = find.clone().count(conn).await?;
    let rows = find
        .order_by_desc(app_user::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// Disables or enables an account if its version is still `expected`.
pub async fn set_disabled(
    conn: &impl ConnectionTrait,
    id: i64,
    disabled: bool,
    expected_version: i32,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    let res = app_user::Entity::update_many()
        .col_expr(app_user::Column::Disabled, Expr::value(disabled))
        .col_expr(
            app_user::Column::Version,
            Expr::col(app_user::Column::Version).add(1),
        )
        .col_expr(app_user::Column::UpdatedAt, Expr::value(now))
        .filter(app_user::Column::Id.eq(id))
        .filter(app_user::Column::Version.eq(expected_version))
        .exec(conn)
        .await?;
    StoreError::one_row(res)
}

pub async fn user_by_phone_hash(
    conn: &impl ConnectionTrait,
    h: &str,
) -> Result<Option<app_user::Model>, StoreError> {
    Ok(app_user::Entity::find()
        .filter(app_user::Column::PhoneHash.eq(h))
        .one(conn)
        .await?)
}

/// One-time-code challenges sent to a number (or from an IP) since `since`.
pub async fn otp_count_since(
    conn: &impl ConnectionTrait,
    phone_hash: Option<&str>,
    ip: Option<&str>,
    since: DateTime<Utc>,
) -> Result<(u64, Option<DateTime<Utc>>), StoreError> {
    use crate::entity::otp_challenge;
    use sea_orm::PaginatorTrait;
    let mut q = otp_challenge::Entity::find().filter(otp_challenge::Column::CreatedAt.gte(since));
    if let Some(h) = phone_hash {
        q = q.filter(otp_challenge::Column::PhoneHash.eq(h));
    }
    if let Some(ip) = ip {
        q = q.filter(otp_challenge::Column::Ip.eq(ip));
    }
    let n = q.clone().count(conn).await?;
    let last = q
        .order_by_desc(otp_challenge::Column::CreatedAt)
        .one(conn)
        .await?
        .map(|c| c.created_at);
    Ok((n, last))
}

pub async fn insert_otp(
    conn: &impl ConnectionTrait,
    c: crate::entity::otp_challenge::Model,
) -> Result<(), StoreError> {
    use crate::entity::otp_challenge;
    otp_challenge::Entity::insert(otp_challenge::ActiveModel {
        phone_hash: Set(c.phone_hash),
        code_hash: Set(c.code_hash),
        ip: Set(c.ip),
        created_at: Set(c.created_at),
        expires_at: Set(c.expires_at),
        attempts: Set(0),
        consumed: Set(false),
        ..Default::default()
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// The newest open challenge of a number.
pub async fn open_otp(
    conn: &impl ConnectionTrait,
    phone_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<crate::entity::otp_challenge::Model>, StoreError> {
    use crate::entity::otp_challenge;
    Ok(otp_challenge::Entity::find()
        .filter(otp_challenge::Column::PhoneHash.eq(phone_hash))
        .filter(otp_challenge::Column::Consumed.eq(false))
        .filter(otp_challenge::Column::ExpiresAt.gt(now))
        .order_by_desc(otp_challenge::Column::Id)
        .one(conn)
        .await?)
}

/// Records a failed attempt, or closes the challenge (`consume`).
pub async fn update_otp(
    conn: &impl ConnectionTrait,
    id: i64,
    attempts: i32,
    consume: bool,
) -> Result<(), StoreError> {
    use crate::entity::otp_challenge;
    use sea_orm::sea_query::Expr;
    otp_challenge::Entity::update_many()
        .col_expr(otp_challenge::Column::Attempts, Expr::value(attempts))
        .col_expr(otp_challenge::Column::Consumed, Expr::value(consume))
        .filter(otp_challenge::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

pub async fn role_by_id(conn: &impl ConnectionTrait, id: i64) -> Result<Option<role::Model>, StoreError> {
    Ok(role::Entity::find_by_id(id).one(conn).await?)
}

/// Renames a role and replaces its permissions if its version is still `expected`.
pub async fn update_role(
    conn: &impl ConnectionTrait,
    id: i64,
    name: &str,
    permissions_json: &str,
    expected_version: i32,
) -> Result<(), StoreError> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    let res = role::Entity::update_many()
        .col_expr(role::Column::Name, Expr::value(name.to_owned()))
        .col_expr(
            role::Column::Permissions,
            Expr::value(permissions_json.to_owned()),
        )
        .col_expr(role::Column::Version, Expr::col(role::Column::Version).add(1))
        .filter(role::Column::Id.eq(id))
        .filter(role::Column::Version.eq(expected_version))
        .exec(conn)
        .await?;
    StoreError::one_row(res)
}

/// Replaces a user's role assignments, bumping the user's version if it is still `expected`.
pub async fn replace_assignments(
    conn: &impl ConnectionTrait,
    district: &str,
    user_id: i64,
    rows: &[(i64, String, String)],
    expected_version: i32,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    let res = app_user::Entity::update_many()
        .col_expr(
            app_user::Column::Version,
            Expr::col(app_user::Column::Version).add(1),
        )
        .col_expr(app_user::Column::UpdatedAt, Expr::value(now))
        .filter(app_user::Column::Id.eq(user_id))
        .filter(app_user::Column::Version.eq(expected_version))
        .exec(conn)
        .await?;
    StoreError::one_row(res)?;
    user_role::Entity::delete_many()
        .filter(user_role::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    for (role_id, kind, regions) in rows {
        assign(conn, district, user_id, *role_id, kind, regions).await?;
    }
    Ok(())
}

/// Changes an account's name and unit if its version is still `expected`.
pub async fn update_profile(
    conn: &impl ConnectionTrait,
    id: i64,
    display_name: &str,
    unit_code: Option<&str>,
    expected_version: i32,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    let res = app_user::Entity::update_many()
        .col_expr(app_user::Column::DisplayName, Expr::value(display_name))
        .col_expr(
            app_user::Column::UnitCode,
            Expr::value(unit_code.map(str::to_owned)),
        )
        .col_expr(
            app_user::Column::Version,
            Expr::col(app_user::Column::Version).add(1),
        )
        .col_expr(app_user::Column::UpdatedAt, Expr::value(now))
        .filter(app_user::Column::Id.eq(id))
        .filter(app_user::Column::Version.eq(expected_version))
        .exec(conn)
        .await?;
    StoreError::one_row(res)
}

/// Stores a new password hash.
pub async fn set_password(
    conn: &impl ConnectionTrait,
    id: i64,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use sea_orm::sea_query::Expr;
    let res = app_user::Entity::update_many()
        .col_expr(app_user::Column::PasswordHash, Expr::value(password_hash))
        .col_expr(app_user::Column::UpdatedAt, Expr::value(now))
        .filter(app_user::Column::Id.eq(id))
        .exec(conn)
        .await?;
    StoreError::one_row(res)
}

/// Ends every session of a user except one (the one that changed the password).
pub async fn delete_other_sessions(
    conn: &impl ConnectionTrait,
    user_id: i64,
    keep_id_hash: &str,
) -> Result<(), StoreError> {
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::Id.ne(keep_id_hash))
        .exec(conn)
        .await?;
    Ok(())
}
