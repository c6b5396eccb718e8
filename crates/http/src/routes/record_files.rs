//! The registry's other records in files: for organisations, facilities, care groups,
//! buildings and houses, the import template, importing (a check, then an all-or-nothing
//! commit), the rejected rows as a workbook, and exports — the same endpoints as people's, with
//! the same parameters and answers (`people_files`), imports behind the record type's write
//! permission, exports behind its read permission (and `registry:person:reveal` for whole
//! personal numbers). An export's filter is its list's query (the page ignored).
//!
//! The handlers are alike but for the app module they call and their documentation, so one macro
//! writes them: a difference between record types can then only be in the app layer, where each
//! type's import module knows its columns and rows.

use crate::auth::{Auth, ClientIp};
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;
use crate::routes::buildings::BuildingParams;
use crate::routes::care::CareParams;
use crate::routes::facilities::FacilityParams;
use crate::routes::houses::HouseParams;
use crate::routes::orgs::OrgParams;
use crate::routes::people_files::{ImportParams, download_as, options, upload};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use gridgov_app::App;
use gridgov_app::people_import::{ImportOptions, ImportReport};
use gridgov_app::record_export::Format;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportFileParams {
    /// `xlsx` (the default) or `csv` (UTF-8 with a byte-order mark).
    pub format: Option<String>,
    /// Whole personal numbers instead of masked ones: needs registry:person:reveal, and is
    /// refused (400 `no_personal_numbers`) for records without personal numbers.
    pub whole_numbers: Option<bool>,
}

macro_rules! record_files {
    (
        $module:ident, $app:path, perm: $perm:literal, ascii: $ascii:literal,
        template: $template:literal, import: $import:literal, errors: $errors:literal,
        forbidden: $forbidden:literal $(, conflict: $conflict:literal)?,
        export: $export:literal, exporter: $exporter:path, params: $params:ident, read: $read:literal,
        export_bad: $export_bad:literal, export_forbidden: $export_forbidden:literal $(,)?
    ) => {
        pub mod $module {
            use super::*;
            use $app as imp;
            use $exporter as exp;

            /// Exports these records in the caller's scope as .xlsx or CSV.
            ///
            /// The filter is the list's (its page ignored); the columns are the import
            /// template's (so an export imports again), with read-only extras at the end;
            /// personal numbers are masked unless whole ones are asked for and allowed. Recorded
            /// in the audit log (`…export`) with its filter, size, format and whether numbers
            /// were whole.
            #[utoipa::path(get, path = $export, tag = "registry", operation_id = concat!(stringify!($module), "_export"), params(ExportFileParams, $params), responses(
                (status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "the export (text/csv for `format=csv`)"),
                (status = 400, body = ErrorBody, description = $export_bad),
                (status = 403, body = ErrorBody, description = $export_forbidden),
                (status = 404, body = ErrorBody, description = "`region_not_found`: the region is outside the caller's scope"),
                (status = 413, body = ErrorBody, description = "`export_too_large`: over 200,000 records; choose a smaller region"),
            ))]
            pub async fn export(
                State(app): State<App>,
                ClientIp(ip): ClientIp,
                Auth(who): Auth,
                ApiQuery(f): ApiQuery<ExportFileParams>,
                ApiQuery(p): ApiQuery<$params>,
            ) -> Result<Response, ApiError> {
                gridgov_app::access::require(&who.principal, $read)?;
                let format = Format::from_query(f.format.as_deref())?;
                let whole = f.whole_numbers.unwrap_or(false);
                Ok(download_as(exp::export(&app, &who, p.query(), format, whole, ip).await?, $ascii))
            }

            /// The .xlsx template for importing these records: their columns, drop-down lists
            /// (kinds, states, and the grids the caller may write in), code and number columns
            /// formatted as text.
            #[utoipa::path(get, path = $template, tag = "registry", operation_id = concat!(stringify!($module), "_import_template"), responses(
                (status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "the template"),
                (status = 403, body = ErrorBody, description = $forbidden),
            ))]
            pub async fn import_template(State(app): State<App>, Auth(who): Auth) -> Result<Response, ApiError> {
                Ok(download_as(imp::template(&app, &who).await?, $ascii))
            }

            /// Imports these records from an .xlsx workbook (its first sheet) or a CSV file
            /// (UTF-8 or GBK), sent as the body. Without `commit` it only checks and reports every
            /// rejected row and why; with `commit` it writes every row in one transaction, each
            /// audited like a single create, or nothing if any row is rejected. Records already
            /// stored are rejected (`duplicates=merge` is for people only). Formulas are never
            /// evaluated: a cell with one rejects its row.
            #[utoipa::path(post, path = $import, tag = "registry", operation_id = concat!(stringify!($module), "_import"), params(ImportParams),
                request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "an .xlsx workbook or a CSV file"),
                responses(
                (status = 200, body = ImportReport, description = "checked, or committed (`committed`)"),
                (status = 400, body = ErrorBody, description = "`invalid_xlsx`, `invalid_csv`, `bad_encoding`, `macros_not_allowed`, `missing_columns`, `duplicate_column`, `validation_failed` (`unknown_encoding`, `merge_not_supported`), `invalid_query`"),
                (status = 403, body = ErrorBody, description = $forbidden),
                $((status = 409, body = ErrorBody, description = $conflict),)?
                (status = 413, body = ErrorBody, description = "`import_too_large` (over 64 MiB), `unpacked_too_large` (a zip bomb), `too_many_rows` (over 200,000)"),
                (status = 415, body = ErrorBody, description = "`unsupported_format`: a legacy .xls or a password-protected workbook"),
                (status = 422, body = ErrorBody, description = "`import_rejected`: a commit with rejected rows; each field is `row N: column`; nothing was written"),
            ))]
            pub async fn import(
                State(app): State<App>,
                ClientIp(ip): ClientIp,
                Auth(who): Auth,
                ApiQuery(p): ApiQuery<ImportParams>,
                body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
            ) -> Result<Json<ImportReport>, ApiError> {
                gridgov_app::access::require(&who.principal, $perm)?;
                let opts = options(&p)?;
                let bytes = upload(body)?;
                Ok(Json(imp::import(&app, &who, bytes, opts, ip).await?))
            }

            /// Checks a file like a dry-run import and answers its rejected rows as an .xlsx
            /// workbook: the template's columns and a last column saying what is wrong (line,
            /// column, reason, code), to fix and import again.
            #[utoipa::path(post, path = $errors, tag = "registry", operation_id = concat!(stringify!($module), "_import_errors"), params(ImportParams),
                request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "an .xlsx workbook or a CSV file"),
                responses(
                (status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "the rejected rows"),
                (status = 400, body = ErrorBody, description = "as for the import"),
                (status = 403, body = ErrorBody, description = $forbidden),
                (status = 413, body = ErrorBody, description = "as for the import"),
            ))]
            pub async fn import_errors(
                State(app): State<App>,
                Auth(who): Auth,
                ApiQuery(p): ApiQuery<ImportParams>,
                body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
            ) -> Result<Response, ApiError> {
                gridgov_app::access::require(&who.principal, $perm)?;
                let opts = ImportOptions {
                    commit: false,
                    all_rows: false,
                    ..options(&p)?
                };
                let bytes = upload(body)?;
                let report = imp::import(&app, &who, bytes, opts, None).await?;
                Ok(download_as(imp::error_report(&report)?, $ascii))
            }
        }
    };
}

record_files!(
    orgs, gridgov_app::registry::orgs::import, perm: "registry:org:write", ascii: "organisations",
    template: "/api/v1/organisations/import/template",
    import: "/api/v1/organisations/import",
    errors: "/api/v1/organisations/import/errors",
    forbidden: "`forbidden`: needs registry:org:write",
    conflict: "`duplicate_uscc`: an organisation with a code of the file was recorded during the commit; nothing was written",
    export: "/api/v1/organisations/export", exporter: gridgov_app::registry::orgs::export,
    params: OrgParams, read: "registry:org:read",
    export_bad: "`validation_failed` (`unknown_format`, `unknown_kind`, a code's error, bad region), `invalid_query`",
    export_forbidden: "`forbidden`: needs registry:org:read (and registry:person:reveal for whole phone numbers)",
);

record_files!(
    facilities, gridgov_app::registry::facilities::import, perm: "registry:facility:write", ascii: "facilities",
    template: "/api/v1/facilities/import/template",
    import: "/api/v1/facilities/import",
    errors: "/api/v1/facilities/import/errors",
    forbidden: "`forbidden`: needs registry:facility:write",
    conflict: "`duplicate_facility_code`: a facility with a code of the file was recorded during the commit; nothing was written",
    export: "/api/v1/facilities/export", exporter: gridgov_app::registry::facilities::export,
    params: FacilityParams, read: "registry:facility:read",
    export_bad: "`validation_failed` (`unknown_format`, `unknown_kind`, `unknown_state`, `invalid_bbox`, bad region, `no_personal_numbers` for `whole_numbers`), `invalid_query`",
    export_forbidden: "`forbidden`: needs registry:facility:read",
);

record_files!(
    care, gridgov_app::registry::care::import, perm: "registry:care:write", ascii: "care",
    template: "/api/v1/care/import/template",
    import: "/api/v1/care/import",
    errors: "/api/v1/care/import/errors",
    forbidden: "`forbidden`: needs registry:care:write",
    conflict: "`duplicate_membership`: a person of the file joined the group during the commit; nothing was written",
    export: "/api/v1/care/export", exporter: gridgov_app::registry::care::export,
    params: CareParams, read: "registry:care:read",
    export_bad: "`validation_failed` (`unknown_format`, `unknown_group`, bad region), `invalid_query`",
    export_forbidden: "`forbidden`: needs registry:care:read (and registry:person:reveal for whole ID numbers)",
);

record_files!(
    buildings, gridgov_app::registry::buildings::import, perm: "registry:house:write", ascii: "buildings",
    template: "/api/v1/buildings/import/template",
    import: "/api/v1/buildings/import",
    errors: "/api/v1/buildings/import/errors",
    forbidden: "`forbidden`: needs registry:house:write",
    export: "/api/v1/buildings/export", exporter: gridgov_app::registry::buildings::export,
    params: BuildingParams, read: "registry:house:read",
    export_bad: "`validation_failed` (`unknown_format`, bad region, `no_personal_numbers` for `whole_numbers`), `invalid_query`",
    export_forbidden: "`forbidden`: needs registry:house:read",
);

record_files!(
    houses, gridgov_app::registry::houses::import, perm: "registry:house:write", ascii: "houses",
    template: "/api/v1/houses/import/template",
    import: "/api/v1/houses/import",
    errors: "/api/v1/houses/import/errors",
    forbidden: "`forbidden`: needs registry:house:write",
    conflict: "`duplicate_house`: a room of the file was recorded during the commit; nothing was written",
    export: "/api/v1/houses/export", exporter: gridgov_app::registry::houses::export,
    params: HouseParams, read: "registry:house:read",
    export_bad: "`validation_failed` (`unknown_format`, `unknown_occupancy`, bad region, `no_personal_numbers` for `whole_numbers`), `invalid_query`",
    export_forbidden: "`forbidden`: needs registry:house:read",
);
