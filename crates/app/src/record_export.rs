//! What every registry export shares, whatever it exports: the formats, the size limit, who may
//! export and ask for whole numbers, the region filter kept within the exporter's scope, the
//! grids shown as `name（code）`, the workbook or CSV (UTF-8 with a byte-order mark) written off
//! the async threads, the audit record and the file's name.
//!
//! A record type's export (`people_export`, `registry::orgs::export`, …) knows only its filter
//! (the list's, without paging), its columns (the import template's, in its order, so an export
//! edited imports again, with read-only extras at the end) and how one record becomes a row.
//!
//! Personal numbers (ID numbers, phones) are masked unless the exporter asks for whole ones and
//! holds `registry:person:reveal`, the one permission that reveals personal numbers, besides the
//! type's read permission. A record type without personal numbers (facilities, buildings,
//! houses) refuses a request for whole numbers with 400 `no_personal_numbers` rather than
//! ignoring it, so a caller never believes it got something it did not.

use crate::access::require;
use crate::audit::{Event, record};
use crate::auth::Signed;
use crate::record_import::{CSV, Download, XLSX, grid_label, grid_list};
use crate::sheet::{self, Column};
use crate::{App, AppError, ErrorKind};
use gridgov_domain::RegionCode;
use gridgov_domain::access::Scope;
use std::collections::HashMap;

/// The most records one export holds; narrow it by region beyond that.
pub const MAX_EXPORT: u64 = 200_000;

/// The one permission that shows personal numbers whole.
pub const REVEAL: &str = "registry:person:reveal";

/// The file formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

impl Format {
    /// `xlsx` (also when empty) or `csv`.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "" | "xlsx" => Some(Format::Xlsx),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// The format's name, also the file's extension.
    pub fn name(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }

    /// A query's `format`: 400 `validation_failed` (`unknown_format`) for anything else.
    pub fn from_query(raw: Option<&str>) -> Result<Format, AppError> {
        Format::parse(raw.unwrap_or(""))
            .ok_or_else(|| AppError::invalid_field("format", "unknown_format", "xlsx or csv"))
    }
}

/// A record type's export: what it is called in the file and the audit log.
pub(crate) struct Kind {
    /// The sheet's name and the file name's start, e.g. `单位组织`.
    pub(crate) title: &'static str,
    /// The audit action, e.g. `organisations.export`.
    pub(crate) action: &'static str,
    /// The audit record's entity id (its type is `export`), e.g. `organisations`.
    pub(crate) what: &'static str,
    /// Whether its rows hold personal numbers (and so may be exported whole).
    pub(crate) personal_numbers: bool,
}

/// Checks the exporter may export `kind` with `read` (and whole numbers, if asked for).
pub(crate) fn permit(who: &Signed, kind: &Kind, read: &str, whole_numbers: bool) -> Result<(), AppError> {
    require(&who.principal, read)?;
    if whole_numbers {
        if !kind.personal_numbers {
            return Err(AppError::invalid_field(
                "whole_numbers",
                "no_personal_numbers",
                format!("{} hold no personal numbers to show whole", kind.what),
            ));
        }
        require(&who.principal, REVEAL)?;
    }
    Ok(())
}

/// The exporter's scope of `read`, with the region filter (if any) within it: a region the
/// exporter cannot see is not revealed to exist (404 `region_not_found`).
fn scope(who: &Signed, read: &str, region: Option<&RegionCode>) -> Result<Scope, AppError> {
    let scope = who.principal.scope(read);
    if let Some(r) = region
        && (r.district().as_str() != who.user.district_code || !scope.sees_on_path(r))
    {
        return Err(AppError::not_found("region_not_found", format!("no region {r}")));
    }
    Ok(scope)
}

/// The records to export: `list` (the type's list query, at most [`MAX_EXPORT`] of them) run in
/// the exporter's scope of `read` once the region filter is found within it, 413
/// `export_too_large` when more match; with the names of the grids the exporter reads.
pub(crate) async fn fetch<M, Fut>(
    app: &App,
    who: &Signed,
    kind: &Kind,
    read: &str,
    region: Option<&RegionCode>,
    list: impl FnOnce(Scope) -> Fut,
) -> Result<(Vec<M>, GridNames), AppError>
where
    Fut: Future<Output = Result<(Vec<M>, u64), gridgov_store::StoreError>>,
{
    let (records, total) = list(scope(who, read, region)?).await?;
    if total > MAX_EXPORT {
        return Err(AppError::new(
            ErrorKind::PayloadTooLarge,
            "export_too_large",
            format!(
                "{total} {} match; an export holds at most {MAX_EXPORT}, choose a smaller region",
                kind.what
            ),
        ));
    }
    Ok((records, GridNames::load(app, who, read).await?))
}

/// The names of the grids the exporter reads, to show a grid as the import template does.
pub(crate) struct GridNames(HashMap<String, String>);

impl GridNames {
    pub(crate) async fn load(app: &App, who: &Signed, read: &str) -> Result<GridNames, AppError> {
        Ok(GridNames(grid_list(app, who, read).await?.into_iter().collect()))
    }

    /// `name（code）`, or the bare code of a grid without a known name.
    pub(crate) fn label(&self, code: &str) -> String {
        self.0
            .get(code)
            .map_or_else(|| code.to_owned(), |n| grid_label(code, n))
    }
}

/// An export's columns: the import template's (without the required marks, lists and hints)
/// and then `extras` (label, width, held as text).
pub(crate) fn columns(template: Vec<Column>, extras: &[(&str, f64, bool)]) -> Vec<Column> {
    template
        .into_iter()
        .map(|c| Column {
            label: c.label.trim_end_matches('*').to_owned(),
            choices: None,
            hint: None,
            ..c
        })
        .chain(extras.iter().map(|&(label, width, text)| Column {
            text,
            ..Column::new(label, width)
        }))
        .collect()
}

/// A stored label's code shown as its label (the stored value if it is no known code).
pub(crate) fn label<K: gridgov_domain::registry::Kind>(code: &str) -> String {
    K::parse(code).map_or_else(|| code.to_owned(), |k| k.label().to_owned())
}

/// A number (or nothing) as a cell.
pub(crate) fn cell<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// A personal number as the exporter may see it: whole (opened from its sealed value) when
/// asked for and permitted, masked otherwise.
pub(crate) fn number(
    app: &App,
    whole: bool,
    field: &str,
    sealed: &Option<String>,
    masked: &Option<String>,
) -> Result<String, AppError> {
    match (whole, sealed) {
        (true, Some(s)) => app.vault.keys.open(field, s),
        _ => Ok(masked.clone().unwrap_or_default()),
    }
}

/// What one export is: its rows, and what the audit log keeps of how they were chosen.
pub(crate) struct Rows {
    pub(crate) columns: Vec<Column>,
    pub(crate) rows: Vec<Vec<String>>,
    /// The region filter, recorded as the audit record's region.
    pub(crate) region: Option<RegionCode>,
    /// The filter, as a JSON object; its fields go into the audit detail.
    pub(crate) filter: serde_json::Value,
}

/// Writes the file (off the async threads: a large workbook takes seconds), records the export
/// in the audit log (`count`, `format`, `whole_numbers` and the filter's fields) and names it
/// `{title}-YYYYMMDDHHMM.{ext}` in Shanghai time.
pub(crate) async fn finish(
    app: &App,
    who: &Signed,
    ip: Option<String>,
    kind: &Kind,
    format: Format,
    whole_numbers: bool,
    out: Rows,
) -> Result<Download, AppError> {
    let Rows {
        columns,
        rows,
        region,
        filter,
    } = out;
    let count = rows.len();
    let title = kind.title;
    let bytes = tokio::task::spawn_blocking(move || match format {
        Format::Xlsx => sheet::xlsx(title, &columns, &rows, 0),
        Format::Csv => sheet::csv(&columns, &rows),
    })
    .await
    .map_err(|e| AppError::new(ErrorKind::Internal, "export_failed", e.to_string()))??;
    let mut detail = serde_json::json!({
        "count": count, "format": format.name(), "whole_numbers": whole_numbers,
    });
    if let (Some(d), serde_json::Value::Object(f)) = (detail.as_object_mut(), filter) {
        d.extend(f);
    }
    record(
        app.db.conn(),
        &who.actor(ip),
        Event {
            district: who.user.district_code.clone(),
            region: region.as_ref().map(ToString::to_string),
            action: kind.action,
            entity_type: "export",
            entity_id: kind.what,
            detail,
            ..Event::default()
        },
    )
    .await?;
    let content_type = match format {
        Format::Xlsx => XLSX,
        Format::Csv => CSV,
    };
    let stamp = app
        .clock
        .now()
        .with_timezone(&gridgov_domain::sla::shanghai())
        .format("%Y%m%d%H%M");
    Ok(Download {
        file_name: format!("{title}-{stamp}.{}", format.name()),
        content_type,
        bytes,
    })
}
