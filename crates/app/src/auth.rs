//! Accounts and sessions: argon2id passwords, database sessions with idle and absolute expiry,
//! "log out everywhere", and login throttling per IP and per account name with back-off. No
//! answer tells whether an account exists.

use crate::access::{ensure_builtin_roles, principal_of, scope_to_columns};
use crate::audit::{Actor, Event, record};
use crate::{App, AppError, ErrorKind, FieldError};
use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use gridgov_domain::RegionCode;
use gridgov_domain::access::{DataScope, Principal, check_password};
use gridgov_store::accounts::{self, NewUser};
use gridgov_store::entity::{app_user, login_throttle, session};
use gridgov_store::regions as region_repo;
use sea_orm::TransactionTrait;
use serde_json::json;
use sha2::{Digest, Sha256};

/// Failures allowed in a window before back-off starts: per account name, and per IP (higher,
/// because a whole office may share one address).
const ACCOUNT_FAILURES: i32 = 5;
const IP_FAILURES: i32 = 20;
const WINDOW_MINUTES: i64 = 15;
const MAX_LOCK_MINUTES: i64 = 60;

/// Hashes a password with argon2id (the crate's defaults: 19 MiB, 2 passes).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| AppError::new(ErrorKind::Internal, "internal", "password hashing failed"))
}

fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash to verify against when the account does not exist, so both cases take as long.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not-a-real-password-Aa1!").unwrap_or_default())
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// A new random session token (256 bits) for the cookie; only its hash is stored.
fn new_token() -> Result<String, AppError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|_| AppError::new(ErrorKind::Internal, "internal", "no randomness"))?;
    Ok(hex::encode(b))
}

/// An account to create.
#[derive(Clone, Debug, Default)]
pub struct NewAccount {
    pub district: String,
    pub username: String,
    pub display_name: String,
    pub password: Option<String>,
    /// `staff`, `department` or `resident`.
    pub kind: String,
    pub unit: Option<String>,
    pub department_id: Option<i64>,
    pub staff_id: Option<i64>,
    /// Role keys with the scope of each assignment.
    pub roles: Vec<(String, DataScope)>,
    /// For residents: the keyed hash of their mobile number.
    pub phone_hash: Option<String>,
}

fn valid_username(u: &str) -> bool {
    (3..=32).contains(&u.len())
        && u.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b))
}

/// Creates an account with its roles, in one transaction with its audit record.
pub async fn create_user(app: &App, actor: &Actor, a: NewAccount) -> Result<i64, AppError> {
    let mut errs: Vec<FieldError> = Vec::new();
    let district = RegionCode::parse(&a.district)
        .ok()
        .filter(|d| d.level() == gridgov_domain::RegionLevel::District)
        .map(|d| d.to_string());
    if district.is_none() {
        errs.push(AppError::field(
            "district",
            "invalid_region_code",
            "a district code",
        ));
    }
    if !valid_username(&a.username) {
        errs.push(AppError::field(
            "username",
            "invalid_username",
            "3 to 32 of a-z, 0-9, _ . -",
        ));
    }
    let name_len = a.display_name.trim().chars().count();
    if name_len == 0 || name_len > 64 {
        errs.push(AppError::field(
            "display_name",
            "invalid_name",
            "1 to 64 characters",
        ));
    }
    if !["staff", "department", "resident"].contains(&a.kind.as_str()) {
        errs.push(AppError::field(
            "kind",
            "invalid_kind",
            "staff, department or resident",
        ));
    }
    if let Some(p) = &a.password
        && let Err(code) = check_password(p, &a.username)
    {
        errs.push(AppError::field("password", code, "see the password policy"));
    }
    let unit = match a.unit.as_deref().map(RegionCode::parse).transpose() {
        Ok(u) => u,
        Err(e) => {
            errs.push(crate::error::code_field("unit", &e));
            None
        }
    };
    let Some(district) = district.filter(|_| errs.is_empty()) else {
        return Err(AppError::invalid(errs));
    };
    let password_hash = a.password.as_deref().map(hash_password).transpose()?;
    let now = app.clock.now();
    let txn = app.db.conn().begin().await?;
    if let Some(u) = &unit
        && region_repo::get_summary(&txn, u).await?.is_none()
    {
        return Err(AppError::invalid_field(
            "unit",
            "region_not_found",
            format!("no region {u}"),
        ));
    }
    let role_ids = ensure_builtin_roles(&txn, &district).await?;
    let id = accounts::insert_user(
        &txn,
        NewUser {
            district_code: district.clone(),
            username: a.username.clone(),
            display_name: a.display_name.trim().to_owned(),
            password_hash,
            kind: a.kind.clone(),
            staff_id: a.staff_id,
            department_id: a.department_id,
            unit_code: unit.as_ref().map(|u| u.to_string()),
            phone_hash: a.phone_hash.clone(),
        },
        now,
    )
    .await
    .map_err(|e| match e {
        gridgov_store::StoreError::Duplicate => {
            AppError::new(ErrorKind::Conflict, "username_taken", "the username is taken")
        }
        other => other.into(),
    })?;
    for (key, scope) in &a.roles {
        let Some(role_id) = role_ids.get(key) else {
            return Err(AppError::invalid_field(
                "roles",
                "role_not_found",
                format!("no role {key}"),
            ));
        };
        let (kind, regions) = scope_to_columns(scope);
        accounts::assign(&txn, &district, id, *role_id, &kind, &regions).await?;
    }
    let after = json!({
        "username": a.username, "kind": a.kind, "unit": unit.as_ref().map(|u| u.to_string()),
        "roles": a.roles.iter().map(|(k, s)| json!({"role": k, "scope": s})).collect::<Vec<_>>(),
    });
    let id_text = id.to_string();
    let event = Event {
        district,
        region: unit.as_ref().map(|u| u.to_string()),
        action: "user.create",
        entity_type: "user",
        entity_id: &id_text,
        after: Some(&after),
        ..Default::default()
    };
    record(&txn, actor, event).await?;
    txn.commit().await?;
    Ok(id)
}

/// A successful login: the cookie token (given to the client once) and when it ends.
#[derive(Clone, Debug)]
pub struct LoggedIn {
    pub token: String,
    pub user_id: i64,
    pub expires_at: DateTime<Utc>,
}

fn invalid_credentials() -> AppError {
    AppError::new(
        ErrorKind::Unauthorized,
        "invalid_credentials",
        "wrong username or password",
    )
}

fn throttle_keys(username: &str, ip: Option<&str>) -> Vec<(String, i32)> {
    let mut keys = vec![(
        format!("user:{}", sha256_hex(&username.trim().to_lowercase())),
        ACCOUNT_FAILURES,
    )];
    if let Some(ip) = ip {
        keys.push((format!("ip:{ip}"), IP_FAILURES));
    }
    keys
}

/// Refuses while any of the keys is locked.
async fn check_throttle(
    conn: &impl sea_orm::ConnectionTrait,
    keys: &[(String, i32)],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for (key, _) in keys {
        if let Some(t) = accounts::throttle(conn, key).await?
            && let Some(until) = t.locked_until
            && until > now
        {
            let secs = (until - now).num_seconds().max(1);
            return Err(AppError::new(
                ErrorKind::TooManyRequests,
                "too_many_attempts",
                format!("try again in {secs} s"),
            ));
        }
    }
    Ok(())
}

/// Counts a failed attempt against each key; past its limit a key locks for a time that
/// doubles with each further failure.
async fn record_failure(
    conn: &impl sea_orm::ConnectionTrait,
    keys: &[(String, i32)],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for (key, limit) in keys {
        let mut t = accounts::throttle(conn, key)
            .await?
            .unwrap_or(login_throttle::Model {
                key: key.clone(),
                failures: 0,
                window_start: now,
                locked_until: None,
            });
        if now - t.window_start > Duration::minutes(WINDOW_MINUTES) {
            t.failures = 0;
            t.window_start = now;
        }
        t.failures += 1;
        if t.failures >= *limit {
            let minutes = 1i64 << (t.failures - limit).clamp(0, 6);
            t.locked_until = Some(now + Duration::minutes(minutes.min(MAX_LOCK_MINUTES)));
        }
        accounts::save_throttle(conn, t).await?;
    }
    Ok(())
}

/// Unlocks an account locked by failed logins (after an administrator resets its password).
pub(crate) async fn clear_account_throttle(
    conn: &impl sea_orm::ConnectionTrait,
    username: &str,
) -> Result<(), AppError> {
    let (key, _) = &throttle_keys(username, None)[0];
    accounts::clear_throttle(conn, key).await?;
    Ok(())
}

/// Logs in with a username and password.
pub async fn login(
    app: &App,
    username: &str,
    password: &str,
    ip: Option<&str>,
    user_agent: Option<&str>,
) -> Result<LoggedIn, AppError> {
    let now = app.clock.now();
    let conn = app.db.conn();
    let keys = throttle_keys(username, ip);
    check_throttle(conn, &keys, now).await?;
    let user = if username.len() <= 64 {
        accounts::user_by_username(conn, username.trim()).await?
    } else {
        None
    };
    let ok = match &user {
        Some(u) if !u.disabled => u
            .password_hash
            .as_deref()
            .is_some_and(|h| verify_password(password, h)),
        _ => {
            verify_password(password, dummy_hash());
            false
        }
    };
    let txn = conn.begin().await?;
    let Some(user) = user.filter(|_| ok) else {
        record_failure(&txn, &keys, now).await?;
        txn.commit().await?;
        return Err(invalid_credentials());
    };
    accounts::clear_throttle(&txn, &keys[0].0).await?;
    let done = start_session(app, &txn, &user, ip, user_agent, "auth.login").await?;
    txn.commit().await?;
    Ok(done)
}

/// Creates a session for `user` and records the sign-in, in the caller's transaction.
pub(crate) async fn start_session(
    app: &App,
    txn: &sea_orm::DatabaseTransaction,
    user: &app_user::Model,
    ip: Option<&str>,
    user_agent: Option<&str>,
    action: &str,
) -> Result<LoggedIn, AppError> {
    let now = app.clock.now();
    let token = new_token()?;
    let expires_at = now + Duration::hours(app.config.session_absolute_hours);
    accounts::create_session(
        txn,
        session::Model {
            id: sha256_hex(&token),
            user_id: user.id,
            created_at: now,
            last_seen_at: now,
            expires_at,
            ip: ip.map(str::to_owned),
            user_agent: user_agent.map(|u| u.chars().take(200).collect()),
        },
    )
    .await?;
    let (_, roles) = principal_of(txn, user).await?;
    let actor = Actor {
        user_id: Some(user.id),
        name: user.username.clone(),
        roles: roles.join(","),
        ip: ip.map(str::to_owned),
    };
    let id_text = user.id.to_string();
    let event = Event {
        district: user.district_code.clone(),
        region: user.unit_code.clone(),
        action,
        entity_type: "user",
        entity_id: &id_text,
        ..Default::default()
    };
    record(txn, &actor, event).await?;
    Ok(LoggedIn {
        token,
        user_id: user.id,
        expires_at,
    })
}

/// The signed-in user of a request.
#[derive(Clone, Debug)]
pub struct Signed {
    pub user: app_user::Model,
    pub principal: Principal,
    pub roles: Vec<String>,
    pub session_hash: String,
}

impl Signed {
    /// The actor for audit records.
    pub fn actor(&self, ip: Option<String>) -> Actor {
        Actor {
            user_id: Some(self.user.id),
            name: self.user.username.clone(),
            roles: self.roles.join(","),
            ip,
        }
    }
}

fn session_invalid() -> AppError {
    AppError::new(ErrorKind::Unauthorized, "session_invalid", "please log in")
}

/// A resolved session as the cache keeps it.
#[derive(Clone, Debug)]
pub struct CachedSession {
    signed: Signed,
    expires_at: chrono::DateTime<chrono::Utc>,
}

/// Resolves a session token: idle and absolute expiry, disabled accounts and "log out
/// everywhere" all end it. A session resolved in the last few seconds is taken from the cache
/// (see [`crate::Caches`]), so most requests cost no database read for it.
pub async fn authenticate(app: &App, token: &str) -> Result<Signed, AppError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(session_invalid());
    }
    let now = app.clock.now();
    let hash = sha256_hex(token);
    if let Some(c) = app.caches.sessions.get(&hash, now)
        && now < c.expires_at
    {
        return Ok(c.signed);
    }
    let conn = app.db.conn();
    let Some(s) = accounts::session(conn, &hash).await? else {
        return Err(session_invalid());
    };
    let idle = Duration::minutes(app.config.session_idle_minutes);
    if now >= s.expires_at || now - s.last_seen_at > idle {
        accounts::delete_session(conn, &hash).await?;
        return Err(AppError::new(
            ErrorKind::Unauthorized,
            "session_expired",
            "the session has expired; please log in again",
        ));
    }
    let Some(user) = accounts::user_by_id(conn, s.user_id).await? else {
        return Err(session_invalid());
    };
    if user.disabled || s.created_at < user.sessions_valid_after {
        accounts::delete_session(conn, &hash).await?;
        return Err(session_invalid());
    }
    // Writing on every request would make each read a write; a minute's resolution is plenty.
    if now - s.last_seen_at > Duration::minutes(1) {
        accounts::touch_session(conn, &hash, now).await?;
    }
    let (principal, roles) = principal_of(conn, &user).await?;
    let signed = Signed {
        user,
        principal,
        roles,
        session_hash: hash.clone(),
    };
    app.caches.sessions.put(
        hash,
        CachedSession {
            signed: signed.clone(),
            expires_at: s.expires_at,
        },
        now,
    );
    Ok(signed)
}

/// Ends this session.
pub async fn logout(app: &App, signed: &Signed) -> Result<(), AppError> {
    accounts::delete_session(app.db.conn(), &signed.session_hash).await?;
    app.caches.sessions.remove(&signed.session_hash);
    Ok(())
}

/// Ends every session of the user, on every device.
pub async fn logout_everywhere(app: &App, signed: &Signed, ip: Option<String>) -> Result<(), AppError> {
    let now = app.clock.now();
    let txn = app.db.conn().begin().await?;
    accounts::void_sessions(&txn, signed.user.id, now).await?;
    let id_text = signed.user.id.to_string();
    let event = Event {
        district: signed.user.district_code.clone(),
        region: signed.user.unit_code.clone(),
        action: "auth.logout_everywhere",
        entity_type: "user",
        entity_id: &id_text,
        ..Default::default()
    };
    record(&txn, &signed.actor(ip), event).await?;
    txn.commit().await?;
    app.accounts_changed();
    Ok(())
}

/// Changes the signed-in user's own password. The current password must be given, so a
/// borrowed session alone cannot take the account over; wrong attempts count toward the login
/// back-off; every other session of the user ends.
pub async fn change_password(
    app: &App,
    signed: &Signed,
    ip: Option<&str>,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let now = app.clock.now();
    let conn = app.db.conn();
    let keys = throttle_keys(&signed.user.username, ip);
    check_throttle(conn, &keys, now).await?;
    let ok = current.len() <= 256
        && signed
            .user
            .password_hash
            .as_deref()
            .is_some_and(|h| verify_password(current, h));
    if !ok {
        let txn = conn.begin().await?;
        record_failure(&txn, &keys, now).await?;
        txn.commit().await?;
        return Err(AppError::invalid_field(
            "current_password",
            "wrong_password",
            "the current password is wrong",
        ));
    }
    let policy = if new == current {
        Err("password_unchanged")
    } else {
        check_password(new, &signed.user.username)
    };
    if let Err(code) = policy {
        return Err(AppError::invalid_field(
            "new_password",
            code,
            "see the password policy",
        ));
    }
    let hash = hash_password(new)?;
    let txn = conn.begin().await?;
    accounts::set_password(&txn, signed.user.id, &hash, now).await?;
    accounts::delete_other_sessions(&txn, signed.user.id, &signed.session_hash).await?;
    let id_text = signed.user.id.to_string();
    let event = Event {
        district: signed.user.district_code.clone(),
        region: signed.user.unit_code.clone(),
        action: "auth.password_change",
        entity_type: "user",
        entity_id: &id_text,
        ..Default::default()
    };
    record(&txn, &signed.actor(ip.map(str::to_owned)), event).await?;
    txn.commit().await?;
    app.accounts_changed();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("Grid-Worker-2026").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("Grid-Worker-2026", &h));
        assert!(!verify_password("Grid-Worker-2027", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn usernames() {
        assert!(valid_username("zhang.san-01"));
        for bad in ["ab", "Zhang", "张三", "a b", &"a".repeat(33)] {
            assert!(!valid_username(bad), "{bad}");
        }
    }

    #[test]
    fn tokens_are_random_and_long() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }
}
