//! One error type for every use case, with stable snake_case codes that clients translate.

use gridgov_domain::CodeError;
use gridgov_geo::GeoError;
use gridgov_store::StoreError;
use serde::Serialize;

/// The class of an error; the HTTP layer maps each to one status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    BadRequest,
    Unauthorized,
    Forbidden,
    TooManyRequests,
    NotFound,
    Conflict,
    Unprocessable,
    PayloadTooLarge,
    UnsupportedMediaType,
    /// The server is shutting down or overloaded: try again.
    Unavailable,
    Internal,
}

/// Which input field was wrong and why.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct AppError {
    pub kind: ErrorKind,
    pub code: &'static str,
    pub message: String,
    pub fields: Vec<FieldError>,
}

impl AppError {
    pub fn new(kind: ErrorKind, code: &'static str, message: impl Into<String>) -> Self {
        AppError {
            kind,
            code,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, code, message)
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadRequest, code, message)
    }

    /// A 400 `validation_failed` carrying per-field errors.
    pub fn invalid(fields: Vec<FieldError>) -> Self {
        let message = fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.reason))
            .collect::<Vec<_>>()
            .join("; ");
        AppError {
            kind: ErrorKind::BadRequest,
            code: "validation_failed",
            message,
            fields,
        }
    }

    /// A 400 `validation_failed` about one field.
    pub fn invalid_field(field: impl Into<String>, code: &str, reason: impl Into<String>) -> Self {
        Self::invalid(vec![Self::field(field, code, reason)])
    }

    pub fn field(field: impl Into<String>, code: &str, reason: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            code: code.to_owned(),
            reason: reason.into(),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict => AppError::new(
                ErrorKind::Conflict,
                "stale_version",
                "the record was changed meanwhile; reload and retry",
            ),
            StoreError::Duplicate => {
                AppError::new(ErrorKind::Conflict, "duplicate", "a record with this key exists")
            }
            StoreError::UnsupportedUrl => AppError::bad_request("unsupported_database_url", e.to_string()),
            StoreError::Db(inner) => {
                // The detail goes to the log for operators, never to the client.
                tracing::error!(error = %inner, "database error");
                AppError::new(ErrorKind::Internal, "internal", "internal error")
            }
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        StoreError::classify(e).into()
    }
}

/// A field error from a code error.
pub fn code_field(field: &str, e: &CodeError) -> FieldError {
    AppError::field(field, e.code(), e.to_string())
}

/// A field error from a geometry error.
pub fn geo_field(field: &str, e: &GeoError) -> FieldError {
    AppError::field(field, e.code(), e.to_string())
}
