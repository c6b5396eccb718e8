//! Residents sign in with their mobile number and a one-time code; the first sign-in registers
//! them. The number is kept only as a keyed hash. Codes go through a pluggable sender.

use crate::auth::{LoggedIn, NewAccount, create_user, start_session};
use crate::{App, AppError, ErrorKind};
use chrono::Duration;
use gridgov_domain::access::DataScope;
use gridgov_domain::phone::MobilePhone;
use gridgov_store::accounts;
use gridgov_store::entity::otp_challenge;
use sea_orm::TransactionTrait;

const CODE_MINUTES: i64 = 5;
const MAX_ATTEMPTS: i32 = 5;
const PER_NUMBER_PER_HOUR: u64 = 5;
const PER_IP_PER_HOUR: u64 = 30;
const RESEND_SECONDS: i64 = 60;

/// Delivers a one-time code to a phone.
pub trait OtpSender: Send + Sync + std::fmt::Debug {
    fn send(&self, phone: &MobilePhone, code: &str) -> Result<(), AppError>;
}

/// Demo and development: writes the code to the server log (the number masked).
#[derive(Debug, Default)]
pub struct LogSender;

impl OtpSender for LogSender {
    fn send(&self, phone: &MobilePhone, code: &str) -> Result<(), AppError> {
        tracing::warn!(phone = %phone, code, "one-time code (log sender: demo and development only)");
        Ok(())
    }
}

fn invalid_phone() -> AppError {
    AppError::invalid_field("phone", "invalid_phone", "a mainland mobile number, 11 digits")
}

fn phone_hash(app: &App, p: &MobilePhone) -> String {
    app.secret.keyed_hash("phone", p.digits())
}

/// Sends a code: at most one a minute and five an hour per number, thirty an hour per IP.
pub async fn request_code(app: &App, phone: &str, ip: Option<&str>) -> Result<(), AppError> {
    let phone = MobilePhone::parse(phone).map_err(|_| invalid_phone())?;
    let now = app.clock.now();
    let h = phone_hash(app, &phone);
    let conn = app.db.conn();
    let (n, last) = accounts::otp_count_since(conn, Some(&h), None, now - Duration::hours(1)).await?;
    if last.is_some_and(|t| now - t < Duration::seconds(RESEND_SECONDS)) || n >= PER_NUMBER_PER_HOUR {
        return Err(AppError::new(
            ErrorKind::TooManyRequests,
            "too_many_attempts",
            "wait before asking for another code",
        ));
    }
    if ip.is_some() {
        let (n, _) = accounts::otp_count_since(conn, None, ip, now - Duration::hours(1)).await?;
        if n >= PER_IP_PER_HOUR {
            return Err(AppError::new(
                ErrorKind::TooManyRequests,
                "too_many_attempts",
                "too many codes from this address",
            ));
        }
    }
    let mut b = [0u8; 4];
    getrandom::fill(&mut b).map_err(|_| AppError::new(ErrorKind::Internal, "internal", "no randomness"))?;
    let code = format!("{:06}", u32::from_le_bytes(b) % 1_000_000);
    accounts::insert_otp(
        conn,
        otp_challenge::Model {
            id: 0,
            code_hash: app.secret.keyed_hash("otp", &format!("{h}:{code}")),
            phone_hash: h,
            ip: ip.map(str::to_owned),
            created_at: now,
            expires_at: now + Duration::minutes(CODE_MINUTES),
            attempts: 0,
            consumed: false,
        },
    )
    .await?;
    app.otp.send(&phone, &code)
}

/// Signs in with a code; a number seen for the first time registers a resident of `district`
/// (required only when the deployment has several districts) named `display_name`.
pub async fn sign_in(
    app: &App,
    phone: &str,
    code: &str,
    display_name: Option<&str>,
    ip: Option<&str>,
    user_agent: Option<&str>,
) -> Result<LoggedIn, AppError> {
    let phone = MobilePhone::parse(phone).map_err(|_| invalid_phone())?;
    let now = app.clock.now();
    let h = phone_hash(app, &phone);
    let wrong = || {
        AppError::new(
            ErrorKind::Unauthorized,
            "otp_invalid",
            "the code is wrong or has expired",
        )
    };
    let conn = app.db.conn();
    let Some(c) = accounts::open_otp(conn, &h, now).await? else {
        return Err(wrong());
    };
    if c.code_hash != app.secret.keyed_hash("otp", &format!("{h}:{}", code.trim())) {
        let attempts = c.attempts + 1;
        accounts::update_otp(conn, c.id, attempts, attempts >= MAX_ATTEMPTS).await?;
        return Err(wrong());
    }
    let existing = accounts::user_by_phone_hash(conn, &h).await?;
    let user_id = match existing {
        Some(u) if u.disabled => return Err(wrong()),
        Some(u) => u.id,
        None => {
            let name = display_name
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .ok_or_else(|| {
                    AppError::invalid_field(
                        "display_name",
                        "display_name_required",
                        "new residents give a name",
                    )
                })?;
            let districts = crate::regions::districts(app).await?;
            let [district] = districts.as_slice() else {
                return Err(AppError::new(
                    ErrorKind::Unprocessable,
                    "district_required",
                    "this deployment has several districts",
                ));
            };
            let account = NewAccount {
                district: district.code.clone(),
                username: format!("r{}", &h[..12]),
                display_name: name.to_owned(),
                password: None,
                kind: "resident".into(),
                roles: vec![("resident".into(), DataScope::OwnRecords)],
                phone_hash: Some(h.clone()),
                ..Default::default()
            };
            create_user(app, &crate::audit::Actor::cli("resident registration"), account).await?
        }
    };
    let txn = conn.begin().await?;
    accounts::update_otp(&txn, c.id, c.attempts, true).await?;
    let user = accounts::user_by_id(&txn, user_id).await?.ok_or_else(wrong)?;
    let done = start_session(app, &txn, &user, ip, user_agent, "auth.otp_login").await?;
    txn.commit().await?;
    Ok(done)
}
