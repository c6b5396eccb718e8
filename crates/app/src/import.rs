//! Importers: official division codes (CSV) and boundaries (GeoJSON). Each validates the whole
//! file first and reports every bad row; only a file without errors is written, in one
//! transaction.

use crate::audit::{Actor, Event, record};
use crate::error::code_field;
use crate::regions::{CheckedRegion, RegionInput, check_in_tree, check_shape};
use crate::{App, AppError, FieldError};
use chrono::Utc;
use gridgov_domain::{RegionCode, RegionLevel};
use gridgov_geo::Crs;
use gridgov_store::regions as repo;
use sea_orm::TransactionTrait;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};

/// The largest import accepted, in bytes.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

fn row_field(row: usize, field: &str) -> String {
    format!("row {row}: {field}")
}

fn too_large(len: usize) -> Result<(), AppError> {
    if len > MAX_IMPORT_BYTES {
        return Err(AppError::new(
            crate::ErrorKind::PayloadTooLarge,
            "import_too_large",
            format!("imports are limited to {MAX_IMPORT_BYTES} bytes"),
        ));
    }
    Ok(())
}

/// A CSV reader over an upload within the size limit, and its header row.
fn csv_reader(bytes: &[u8]) -> Result<(csv::Reader<&[u8]>, csv::StringRecord), AppError> {
    too_large(bytes.len())?;
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let headers = rdr
        .headers()
        .map_err(|e| AppError::bad_request("invalid_csv", format!("cannot read the header row: {e}")))?
        .clone();
    Ok((rdr, headers))
}

/// The position of a named column (ignoring a UTF-8 byte-order mark and spaces).
fn column(headers: &csv::StringRecord, name: &str) -> Option<usize> {
    headers
        .iter()
        .position(|h| h.trim().trim_start_matches('\u{feff}') == name)
}

/// One row of a divisions file.
#[derive(Clone, Debug)]
struct Division {
    row: usize,
    code: RegionCode,
    name: String,
}

/// Imports a divisions CSV with columns `code,name,level,parent_code` (and optionally
/// `short_name`, preferred as the display name: "无影潭社区" rather than "无影潭社区居民委员会").
/// Levels are district, street, community or village (a village is a community-level unit).
pub async fn divisions(app: &App, actor: &Actor, bytes: &[u8]) -> Result<ImportSummary, AppError> {
    let (mut rdr, headers) = csv_reader(bytes)?;
    let col = |name: &str| column(&headers, name);
    let (Some(c_code), Some(c_name), Some(c_level), Some(c_parent)) =
        (col("code"), col("name"), col("level"), col("parent_code"))
    else {
        return Err(AppError::bad_request(
            "missing_columns",
            "the header must have code,name,level,parent_code",
        ));
    };
    let c_short = col("short_name");
    let mut errs: Vec<FieldError> = Vec::new();
    let mut rows: Vec<Division> = Vec::new();
    let mut seen = HashSet::new();
    for (i, rec) in rdr.records().enumerate() {
        let row = i + 2; // 1-based, after the header
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errs.push(AppError::field(row_field(row, "*"), "invalid_csv", e.to_string()));
                continue;
            }
        };
        let get = |c: usize| rec.get(c).unwrap_or("").trim();
        let code = match RegionCode::parse(get(c_code)) {
            Ok(c) => c,
            Err(e) => {
                errs.push(code_field(&row_field(row, "code"), &e));
                continue;
            }
        };
        let level = match get(c_level) {
            "village" => Ok(RegionLevel::Community),
            other => other.parse::<RegionLevel>(),
        };
        match level {
            Ok(l) if l == code.level() && !l.is_grid() => {}
            Ok(l) => errs.push(AppError::field(
                row_field(row, "level"),
                "region_code_level_mismatch",
                format!("{code} is a {} code, the row says {l}", code.level()),
            )),
            Err(e) => errs.push(code_field(&row_field(row, "level"), &e)),
        }
        if let Some(parent) = code.parent() {
            match RegionCode::parse(get(c_parent)) {
                Ok(p) if p == parent => {}
                _ => errs.push(AppError::field(
                    row_field(row, "parent_code"),
                    "region_code_parent_mismatch",
                    format!(
                        "the parent of {code} is {parent}, the row says {:?}",
                        get(c_parent)
                    ),
                )),
            }
        }
        let short = c_short.map(get).filter(|s| !s.is_empty());
        let name = short.unwrap_or(get(c_name)).to_owned();
        if name.is_empty() || name.chars().count() > 100 {
            errs.push(AppError::field(
                row_field(row, "name"),
                "invalid_name",
                "a name has 1 to 100 characters",
            ));
        }
        if !seen.insert(code.clone()) {
            errs.push(AppError::field(
                row_field(row, "code"),
                "duplicate_code",
                format!("{code} appears twice"),
            ));
        }
        rows.push(Division { row, code, name });
    }
    if rows.is_empty() && errs.is_empty() {
        return Err(AppError::bad_request("empty_import", "the file has no rows"));
    }
    let txn = app.db.conn().begin().await?;
    let existing: HashMap<String, repo::RegionSummary> =
        repo::summaries(&txn, &rows.iter().map(|r| r.code.to_string()).collect::<Vec<_>>())
            .await?
            .into_iter()
            .map(|s| (s.code.clone(), s))
            .collect();
    // Parents must exist in the file or in the database.
    let missing: Vec<String> = rows
        .iter()
        .filter_map(|r| r.code.parent())
        .filter(|p| !seen.contains(p))
        .map(String::from)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let found: HashSet<String> = repo::summaries(&txn, &missing)
        .await?
        .into_iter()
        .map(|s| s.code)
        .collect();
    for r in &rows {
        if let Some(p) = r.code.parent()
            && !seen.contains(&p)
            && !found.contains(p.as_str())
        {
            errs.push(AppError::field(
                row_field(r.row, "parent_code"),
                "parent_not_found",
                format!("the parent {p} is neither in the file nor in the database"),
            ));
        }
    }
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let now = Utc::now();
    let mut summary = ImportSummary::default();
    let mut new_rows = Vec::new();
    for r in &rows {
        match existing.get(r.code.as_str()) {
            Some(s) if s.name == r.name => summary.unchanged += 1,
            Some(old) => {
                repo::rename(&txn, &r.code, &r.name, now).await?;
                let (before, after) = (json!({ "name": old.name }), json!({ "name": r.name }));
                record(
                    &txn,
                    actor,
                    division_event(&r.code, "region.rename", Some(&before), &after),
                )
                .await?;
                summary.updated += 1;
            }
            None => new_rows.push(repo::NewRegion {
                code: r.code.clone(),
                name: r.name.clone(),
                kind: None,
                exclusive_type: None,
                boundary: None,
            }),
        }
    }
    new_rows.sort_by_key(|r| r.code.level());
    summary.created = new_rows.len();
    repo::insert_many(&txn, &new_rows, now).await?;
    for r in &new_rows {
        let after = json!({ "name": r.name });
        record(
            &txn,
            actor,
            division_event(&r.code, "region.create", None, &after),
        )
        .await?;
    }
    txn.commit().await?;
    app.reload_locator().await?;
    Ok(summary)
}

fn prop_string(props: &Value, key: &str) -> Option<String> {
    match props.get(key)? {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Imports boundaries from a GeoJSON FeatureCollection (or one Feature) whose features carry a
/// region code in `code` or `adcode` and optionally `name`, `kind`, `exclusive_type`. A region
/// that exists gets the boundary; one that does not is created (it needs a `name`).
pub async fn boundaries(app: &App, actor: &Actor, bytes: &[u8], crs: Crs) -> Result<ImportSummary, AppError> {
    too_large(bytes.len())?;
    let doc: Value = serde_json::from_slice(bytes)
        .map_err(|e| AppError::bad_request("invalid_geojson", format!("not JSON: {e}")))?;
    let features: Vec<Value> = match doc.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => match doc.get("features") {
            Some(Value::Array(f)) => f.clone(),
            _ => {
                return Err(AppError::bad_request(
                    "invalid_geojson",
                    "a FeatureCollection needs a features array",
                ));
            }
        },
        Some("Feature") => vec![doc],
        _ => {
            return Err(AppError::bad_request(
                "invalid_geojson",
                "expected a FeatureCollection or a Feature",
            ));
        }
    };
    if features.is_empty() {
        return Err(AppError::bad_request(
            "empty_import",
            "the collection has no features",
        ));
    }
    let txn = app.db.conn().begin().await?;
    let mut errs = Vec::new();
    let mut batch: Vec<(CheckedRegion, Option<i32>)> = Vec::new();
    let mut seen = HashSet::new();
    for (i, f) in features.iter().enumerate() {
        let at = |field: &str| format!("feature {i}: {field}");
        let props = f.get("properties").cloned().unwrap_or(Value::Null);
        let Some(raw_code) = prop_string(&props, "code").or_else(|| prop_string(&props, "adcode")) else {
            errs.push(AppError::field(
                at("properties.code"),
                "missing_code",
                "each feature needs a code or adcode",
            ));
            continue;
        };
        let code = match RegionCode::parse(&raw_code) {
            Ok(c) => c,
            Err(e) => {
                errs.push(code_field(&at("properties.code"), &e));
                continue;
            }
        };
        if !seen.insert(code.clone()) {
            errs.push(AppError::field(
                at("properties.code"),
                "duplicate_code",
                format!("{code} appears twice"),
            ));
            continue;
        }
        let existing = repo::get(&txn, &code).await?;
        let input = RegionInput {
            code: code.to_string(),
            name: existing
                .as_ref()
                .map(|e| e.name.clone())
                .or_else(|| prop_string(&props, "name"))
                .unwrap_or_default(),
            kind: existing
                .as_ref()
                .and_then(|e| e.kind.clone())
                .or_else(|| prop_string(&props, "kind")),
            exclusive_type: existing
                .as_ref()
                .and_then(|e| e.exclusive_type.clone())
                .or_else(|| prop_string(&props, "exclusive_type")),
            boundary: Some(f.get("geometry").cloned().unwrap_or(Value::Null)),
            crs,
            version: existing.as_ref().map(|e| e.version),
        };
        match check_shape(&input) {
            Ok(c) => batch.push((c, input.version)),
            Err(fe) => errs.extend(fe.into_iter().map(|e| FieldError {
                field: at(&e.field),
                ..e
            })),
        }
    }
    let pending: HashMap<RegionCode, CheckedRegion> = batch
        .iter()
        .map(|(c, _)| (c.new.code.clone(), c.clone()))
        .collect();
    for (c, _) in &batch {
        if let Err(fe) = check_in_tree(&txn, &app.config, c, &pending).await {
            errs.extend(fe.into_iter().map(|e| FieldError {
                field: format!("{}: {}", c.new.code, e.field),
                ..e
            }));
        }
    }
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let now = Utc::now();
    let mut summary = ImportSummary::default();
    batch.sort_by_key(|(c, _)| c.new.code.level());
    for (c, version) in &batch {
        match version {
            Some(v) => {
                repo::update(&txn, &c.new, *v, now).await?;
                summary.updated += 1;
            }
            None => {
                repo::insert_many(&txn, std::slice::from_ref(&c.new), now).await?;
                summary.created += 1;
            }
        }
        let after = crate::regions::audit_view(&c.new);
        let action = if version.is_some() {
            "region.boundary"
        } else {
            "region.create"
        };
        record(&txn, actor, division_event(&c.new.code, action, None, &after)).await?;
    }
    txn.commit().await?;
    app.reload_locator().await?;
    Ok(summary)
}

fn division_event<'a>(
    code: &'a RegionCode,
    action: &'a str,
    before: Option<&'a Value>,
    after: &'a Value,
) -> Event<'a> {
    Event {
        district: code.district().to_string(),
        region: Some(code.to_string()),
        action,
        entity_type: "region",
        entity_id: code.as_str(),
        before,
        after: Some(after),
        detail: Value::Null,
    }
}

/// The holiday calendar the demo loads: the 2026 arrangement as the State Council's notice
/// lays it out. Operators import each year's notice with `gridgov import calendar`.
pub const CALENDAR_2026: &str = include_str!("cases/calendar-cn-2026.csv");

/// The audit chain of things that belong to no district (the national holiday calendar).
const NATIONAL: &str = "000000000000";

/// Imports working-day calendar exceptions: CSV with columns `date,kind,note`, kind `holiday`
/// or `workday` (a swapped weekend working day). Rows replace earlier entries for their dates.
pub async fn calendar(app: &App, actor: &Actor, bytes: &[u8]) -> Result<ImportSummary, AppError> {
    use gridgov_store::entity::calendar_day;
    let (mut rdr, headers) = csv_reader(bytes)?;
    let col = |name: &str| column(&headers, name);
    let (Some(c_date), Some(c_kind)) = (col("date"), col("kind")) else {
        return Err(AppError::bad_request(
            "missing_columns",
            "the header must have date,kind[,note]",
        ));
    };
    let c_note = col("note");
    let mut errs: Vec<FieldError> = Vec::new();
    let mut days: Vec<calendar_day::Model> = Vec::new();
    let mut seen = HashSet::new();
    for (i, rec) in rdr.records().enumerate() {
        let row = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errs.push(AppError::field(row_field(row, "*"), "invalid_csv", e.to_string()));
                continue;
            }
        };
        let date = rec.get(c_date).unwrap_or("").trim();
        let kind = rec.get(c_kind).unwrap_or("").trim();
        let note: String = c_note
            .and_then(|c| rec.get(c))
            .unwrap_or("")
            .trim()
            .chars()
            .take(64)
            .collect();
        match chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d") {
            Ok(d) if seen.insert(d) => {}
            Ok(_) => errs.push(AppError::field(row_field(row, "date"), "duplicate_date", date)),
            Err(_) => errs.push(AppError::field(
                row_field(row, "date"),
                "invalid_date",
                "YYYY-MM-DD",
            )),
        }
        if !["holiday", "workday"].contains(&kind) {
            errs.push(AppError::field(
                row_field(row, "kind"),
                "invalid_kind",
                "holiday or workday",
            ));
        }
        days.push(calendar_day::Model {
            day: date.to_owned(),
            kind: kind.to_owned(),
            note,
        });
    }
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let existing: HashMap<String, calendar_day::Model> = gridgov_store::cases::calendar(app.db.conn())
        .await?
        .into_iter()
        .map(|d| (d.day.clone(), d))
        .collect();
    let mut summary = ImportSummary::default();
    let changed: Vec<calendar_day::Model> = days
        .into_iter()
        .filter(|d| match existing.get(&d.day) {
            None => {
                summary.created += 1;
                true
            }
            Some(e) if e != d => {
                summary.updated += 1;
                true
            }
            Some(_) => {
                summary.unchanged += 1;
                false
            }
        })
        .collect();
    let txn = app.db.conn().begin().await?;
    gridgov_store::cases::put_calendar_days(&txn, &changed).await?;
    let after = json!(changed.iter().map(|d| [&d.day, &d.kind]).collect::<Vec<_>>());
    record(
        &txn,
        actor,
        Event {
            district: NATIONAL.into(),
            action: "calendar.import",
            entity_type: "calendar",
            entity_id: "cn",
            after: Some(&after),
            detail: json!({ "created": summary.created, "updated": summary.updated }),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    app.caches.calendar.clear();
    Ok(summary)
}
