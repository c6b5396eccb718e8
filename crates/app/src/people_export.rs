//! Exporting people to .xlsx or CSV (UTF-8 with a byte-order mark).
//!
//! An export holds what the exporter may see: people within their reading scope, numbers
//! masked. Whole numbers only for an exporter granted `registry:person:reveal` who asks for
//! them; the audit log records every export, its filter, its size and whether numbers were
//! whole. The columns are the import template's, with sex and birth date added, so an export
//! with whole numbers imports again (with merge) after editing.

use crate::access::require;
use crate::audit::{Event, record};
use crate::auth::Signed;
use crate::people_import::{CSV, Download, XLSX, grid_label};
use crate::registry::{self, PersonQuery};
use crate::sheet::{self, Column};
use crate::{App, AppError, ErrorKind};
use gridgov_domain::RegionCode;
use gridgov_domain::registry::{Kind, PersonKind};
use gridgov_store::entity::person;
use gridgov_store::people::{self as repo, PersonFilter};
use std::collections::HashMap;

/// The most people one export holds; narrow it by region beyond that.
pub const MAX_EXPORT: u64 = 200_000;

/// The file formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "" | "xlsx" => Some(Format::Xlsx),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

fn columns() -> Vec<Column> {
    let col = |label: &str, width: f64, text: bool| Column {
        text,
        ..Column::new(label, width)
    };
    vec![
        col("姓名", 12.0, false),
        col("性别", 6.0, false),
        col("出生日期", 12.0, true),
        col("人员类型", 10.0, false),
        col("所属网格", 32.0, false),
        col("公民身份号码", 22.0, true),
        col("联系电话", 16.0, true),
        col("现住址", 30.0, false),
        col("备注", 30.0, false),
    ]
}

/// Exports the people in the caller's scope matching `q` (kind and region; no names or
/// numbers, which never travel in a URL).
pub async fn export(
    app: &App,
    who: &Signed,
    q: PersonQuery,
    format: Format,
    reveal: bool,
    ip: Option<String>,
) -> Result<Download, AppError> {
    require(&who.principal, "registry:person:read")?;
    if reveal {
        require(&who.principal, "registry:person:reveal")?;
    }
    let mut f = PersonFilter::default();
    let mut errs = Vec::new();
    if let Some(k) = q.kind.as_deref().filter(|s| !s.is_empty()) {
        match PersonKind::parse(k) {
            Some(k) => f.kind = Some(k.code().to_owned()),
            None => errs.push(AppError::field(
                "kind",
                "unknown_kind",
                "registered, floating or overseas",
            )),
        }
    }
    if let Some(r) = q.region.as_deref().filter(|s| !s.is_empty()) {
        match RegionCode::parse(r) {
            Ok(r) => f.region = Some(r),
            Err(e) => errs.push(crate::error::code_field("region", &e)),
        }
    }
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let scope = who.principal.scope("registry:person:read");
    let district = &who.user.district_code;
    if let Some(r) = &f.region {
        // A region the exporter cannot see is not revealed to exist.
        if r.district().as_str() != district || !scope.sees_on_path(r) {
            return Err(AppError::not_found("region_not_found", format!("no region {r}")));
        }
    }
    let (people, total) = repo::list(app.db.conn(), district, &scope, &f, 0, MAX_EXPORT).await?;
    if total > MAX_EXPORT {
        return Err(AppError::new(
            ErrorKind::PayloadTooLarge,
            "export_too_large",
            format!("{total} people match; an export holds at most {MAX_EXPORT}, choose a smaller region"),
        ));
    }
    let district_code = RegionCode::parse(district).map_err(|_| {
        AppError::new(
            ErrorKind::Internal,
            "bad_district",
            "the account's district is not a code",
        )
    })?;
    let grids: HashMap<String, String> =
        gridgov_store::regions::grid_names(app.db.conn(), &district_code, &scope)
            .await?
            .into_iter()
            .collect();
    let rows = people
        .iter()
        .map(|p| row(app, p, &grids, reveal))
        .collect::<Result<Vec<_>, _>>()?;
    let bytes = tokio::task::spawn_blocking(move || match format {
        Format::Xlsx => sheet::xlsx("人口信息", &columns(), &rows, 0),
        Format::Csv => sheet::csv(&columns(), &rows),
    })
    .await
    .map_err(|e| AppError::new(ErrorKind::Internal, "export_failed", e.to_string()))??;
    record(
        app.db.conn(),
        &who.actor(ip),
        Event {
            district: district.clone(),
            region: f.region.as_ref().map(ToString::to_string),
            action: "people.export",
            entity_type: "export",
            entity_id: "people",
            detail: serde_json::json!({
                "count": people.len(), "format": if format == Format::Csv { "csv" } else { "xlsx" },
                "whole_numbers": reveal, "kind": f.kind, "region": f.region.map(|r| r.to_string()),
            }),
            ..Event::default()
        },
    )
    .await?;
    let (ext, content_type) = match format {
        Format::Xlsx => ("xlsx", XLSX),
        Format::Csv => ("csv", CSV),
    };
    let stamp = app
        .clock
        .now()
        .with_timezone(&gridgov_domain::sla::shanghai())
        .format("%Y%m%d%H%M");
    Ok(Download {
        file_name: format!("人口信息-{stamp}.{ext}"),
        content_type,
        bytes,
    })
}

fn row(
    app: &App,
    p: &person::Model,
    grids: &HashMap<String, String>,
    reveal: bool,
) -> Result<Vec<String>, AppError> {
    let number =
        |sealed: &Option<String>, masked: &Option<String>, field: &str| -> Result<String, AppError> {
            match (reveal, sealed) {
                (true, Some(s)) => app.vault.keys.open(field, s),
                _ => Ok(masked.clone().unwrap_or_default()),
            }
        };
    let sex = match p.sex.as_deref() {
        Some("male") => "男",
        Some("female") => "女",
        _ => "",
    };
    let grid = grids
        .get(&p.region_code)
        .map_or_else(|| p.region_code.clone(), |n| grid_label(&p.region_code, n));
    Ok(vec![
        p.name.clone(),
        sex.to_owned(),
        p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        PersonKind::parse(&p.kind).map_or_else(|| p.kind.clone(), |k| k.label().to_owned()),
        grid,
        number(&p.id_number_sealed, &p.id_number_masked, registry::ID_FIELD)?,
        number(&p.phone_sealed, &p.phone_masked, registry::PHONE_FIELD)?,
        p.address.clone().unwrap_or_default(),
        p.note.clone().unwrap_or_default(),
    ])
}
