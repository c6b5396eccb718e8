//! The registry's people in files: the import template, importing (a check, then an
//! all-or-nothing commit), the rejected rows as a workbook, and exports. Uploads are the raw
//! file as the request body (.xlsx or CSV), so a script can send one with `curl --data-binary`.

use crate::auth::{Auth, ClientIp};
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use gridgov_app::people_export::{self, Format};
use gridgov_app::people_import::{self, Download, Duplicates, ImportOptions, ImportReport};
use gridgov_app::registry::PersonQuery;
use gridgov_app::sheet::Encoding;
use gridgov_app::{App, AppError};
use serde::Deserialize;
use utoipa::IntoParams;

fn download(d: Download) -> Response {
    download_as(d, "people")
}

/// A file to download: its type, its (Chinese) name for the browser with `ascii` as the name
/// for clients that cannot read it, never cached.
pub(crate) fn download_as(d: Download, ascii: &str) -> Response {
    // RFC 6266/5987: the Chinese name percent-encoded, an ASCII fallback for old clients.
    let encoded: String = d
        .file_name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let ext = d.file_name.rsplit('.').next().unwrap_or("bin");
    let disposition = format!("attachment; filename=\"{ascii}.{ext}\"; filename*=UTF-8''{encoded}");
    (
        [
            (header::CONTENT_TYPE, d.content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        d.bytes,
    )
        .into_response()
}

/// The .xlsx template for importing people: the columns, drop-down lists of person kinds and of
/// the grids the caller may write in, the number columns formatted as text.
#[utoipa::path(get, path = "/api/v1/people/import/template", tag = "registry", responses(
    (status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "the template"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:person:write"),
))]
pub async fn import_template(State(app): State<App>, Auth(who): Auth) -> Result<Response, ApiError> {
    Ok(download(people_import::template(&app, &who).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Write the people (all rows or, if any is rejected, none); without it, only check.
    pub commit: Option<bool>,
    /// Rows already stored: `refuse` (the default) or `merge` — people only (those registered
    /// with a row's ID number); the other record types answer 400 `merge_not_supported`.
    pub duplicates: Option<Duplicates>,
    /// A CSV file's encoding: `auto` (the default: UTF-8 if valid, else GBK), `utf-8` or `gbk`.
    pub encoding: Option<String>,
    /// List every row in the report (for editing), not only the rejected ones.
    pub all_rows: Option<bool>,
}

/// An upload within the limit (the route's body limit makes a larger one a rejection).
pub(crate) fn upload(
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Vec<u8>, ApiError> {
    body.map(|b| b.to_vec()).map_err(|_| {
        AppError::new(
            gridgov_app::ErrorKind::PayloadTooLarge,
            "import_too_large",
            format!(
                "uploads are limited to {} MiB",
                gridgov_app::sheet::MAX_UPLOAD_BYTES / 1024 / 1024
            ),
        )
        .into()
    })
}

pub(crate) fn options(p: &ImportParams) -> Result<ImportOptions, ApiError> {
    let encoding = Encoding::parse(p.encoding.as_deref().unwrap_or(""))
        .ok_or_else(|| AppError::invalid_field("encoding", "unknown_encoding", "auto, utf-8 or gbk"))?;
    Ok(ImportOptions {
        commit: p.commit.unwrap_or(false),
        duplicates: p.duplicates.unwrap_or_default(),
        encoding,
        all_rows: p.all_rows.unwrap_or(false),
    })
}

/// Imports people from an .xlsx workbook (its first sheet) or a CSV file, sent as the body.
/// Without `commit` it only checks and reports every rejected row and why. With `commit` it
/// writes every row in one transaction, or nothing if any row is rejected. Formulas are never
/// evaluated: a cell with one rejects its row.
#[utoipa::path(post, path = "/api/v1/people/import", tag = "registry", params(ImportParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "an .xlsx workbook or a CSV file"),
    responses(
    (status = 200, body = ImportReport, description = "checked, or committed (`committed`)"),
    (status = 400, body = ErrorBody, description = "`invalid_xlsx`, `invalid_csv`, `bad_encoding`, `macros_not_allowed`, `missing_columns`, `duplicate_column`, `validation_failed` (`unknown_encoding`), `invalid_query`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:person:write"),
    (status = 409, body = ErrorBody, description = "`duplicate_id_number`, `stale_version`: someone registered or changed one of the people during the commit; nothing was written"),
    (status = 413, body = ErrorBody, description = "`import_too_large` (over 64 MiB), `unpacked_too_large` (a zip bomb), `too_many_rows` (over 200,000)"),
    (status = 415, body = ErrorBody, description = "`unsupported_format`: a legacy .xls or a password-protected workbook"),
    (status = 422, body = ErrorBody, description = "`import_rejected`: a commit with rejected rows; each field is `row N: column`; nothing was written"),
))]
pub async fn import_people(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiQuery(p): ApiQuery<ImportParams>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Json<ImportReport>, ApiError> {
    gridgov_app::access::require(&who.principal, "registry:person:write")?;
    let opts = options(&p)?;
    let bytes = upload(body)?;
    Ok(Json(people_import::import(&app, &who, bytes, opts, ip).await?))
}

/// Checks a file like a dry-run import and answers its rejected rows as an .xlsx workbook: the
/// template's columns and a last column saying what is wrong, to fix and import again.
#[utoipa::path(post, path = "/api/v1/people/import/errors", tag = "registry", params(ImportParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "an .xlsx workbook or a CSV file"),
    responses(
    (status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "the rejected rows"),
    (status = 400, body = ErrorBody, description = "as for the import"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:person:write"),
    (status = 413, body = ErrorBody, description = "as for the import"),
))]
pub async fn import_errors(
    State(app): State<App>,
    Auth(who): Auth,
    ApiQuery(p): ApiQuery<ImportParams>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, ApiError> {
    gridgov_app::access::require(&who.principal, "registry:person:write")?;
    let opts = ImportOptions {
        commit: false,
        all_rows: false,
        ..options(&p)?
    };
    let bytes = upload(body)?;
    let report = people_import::import(&app, &who, bytes, opts, None).await?;
    Ok(download(people_import::error_report(&report)?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `xlsx` (the default) or `csv` (UTF-8 with a byte-order mark).
    pub format: Option<String>,
    /// Only people in this region's subtree (a grid, community or street).
    pub region: Option<String>,
    /// `registered`, `floating` or `overseas`.
    pub kind: Option<String>,
    /// Whole ID and phone numbers instead of masked ones; needs registry:person:reveal.
    pub whole_numbers: Option<bool>,
}

/// Exports the people in the caller's scope (optionally of one region and kind), numbers
/// masked unless whole ones are asked for and allowed. Recorded in the audit log as
/// `people.export`.
#[utoipa::path(get, path = "/api/v1/people/export", tag = "registry", params(ExportParams), responses(
    (status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "the export (text/csv for `format=csv`)"),
    (status = 400, body = ErrorBody, description = "`validation_failed` (`unknown_format`, `unknown_kind`, bad region), `invalid_query`"),
    (status = 403, body = ErrorBody, description = "`forbidden`: needs registry:person:read (and registry:person:reveal for whole numbers)"),
    (status = 413, body = ErrorBody, description = "`export_too_large`: over 200,000 people; choose a smaller region"),
))]
pub async fn export_people(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Auth(who): Auth,
    ApiQuery(p): ApiQuery<ExportParams>,
) -> Result<Response, ApiError> {
    gridgov_app::access::require(&who.principal, "registry:person:read")?;
    let format = Format::from_query(p.format.as_deref())?;
    let q = PersonQuery {
        kind: p.kind,
        region: p.region,
        ..PersonQuery::default()
    };
    let whole = p.whole_numbers.unwrap_or(false);
    Ok(download(
        people_export::export(&app, &who, q, format, whole, ip).await?,
    ))
}
