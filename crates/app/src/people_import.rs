//! Importing people from a spreadsheet (.xlsx, or CSV in UTF-8 or GBK), and the template to
//! fill in.
//!
//! An import is checked whole before anything is written: every row goes through the same
//! checks as a registration (`registry::check_fields`), its grid must be one the importer may
//! write in, and an ID number may appear once in the file. A dry run reports every rejected row
//! and why; a commit writes all rows in one transaction or, if any row is rejected, nothing.
//! People already registered with an ID number in the file are refused, or merged (their stored
//! record updated from the row's non-empty cells) as the operator chooses. Every person written
//! gets an audit record (masked numbers only), and the import one more with its counts.

use crate::access::require;
use crate::audit::{Event, entry};
use crate::auth::Signed;
use crate::registry::{self, Checked, PersonInput, Placed, audited, check_fields, new_person};
use crate::sheet::{self, Column, Encoding, Table};
use crate::{App, AppError, ErrorKind, FieldError};
use gridgov_domain::RegionCode;
use gridgov_domain::registry::{Kind, PersonKind};
use gridgov_store::entity::person;
use gridgov_store::people as repo;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

/// A column of the people template: the key of the field it fills, its header, the other
/// headers other systems' spreadsheets use for it.
struct Col {
    key: &'static str,
    label: &'static str,
    aliases: &'static [&'static str],
    required: bool,
}

/// The template's columns, in order. Rows in reports list their cells in this order.
const COLUMNS: [Col; 7] = [
    Col {
        key: "name",
        label: "姓名",
        aliases: &[],
        required: true,
    },
    Col {
        key: "kind",
        label: "人员类型",
        aliases: &["人口类型", "类型"],
        required: true,
    },
    Col {
        key: "grid",
        label: "所属网格",
        aliases: &["网格"],
        required: true,
    },
    Col {
        key: "id_number",
        label: "公民身份号码",
        aliases: &["身份证号", "身份证号码", "证件号码"],
        required: false,
    },
    Col {
        key: "phone",
        label: "联系电话",
        aliases: &["电话", "手机", "手机号", "手机号码"],
        required: false,
    },
    Col {
        key: "address",
        label: "现住址",
        aliases: &["住址", "地址"],
        required: false,
    },
    Col {
        key: "note",
        label: "备注",
        aliases: &[],
        required: false,
    },
];

/// What to do with a row whose ID number is already registered in the district.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Duplicates {
    /// Reject the row.
    #[default]
    Refuse,
    /// Update the registered person from the row's non-empty cells.
    Merge,
}

/// How to import.
#[derive(Clone, Copy, Debug, Default)]
pub struct ImportOptions {
    /// Write (all or nothing); otherwise only check.
    pub commit: bool,
    pub duplicates: Duplicates,
    pub encoding: Encoding,
    /// List every row in the report, not only the rejected ones (the wizard edits them).
    pub all_rows: bool,
}

/// One row of the file, its cells in template column order, and what is wrong with it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ImportRow {
    /// The line in the file (the header is line 1).
    pub line: usize,
    pub cells: Vec<String>,
    /// Empty for a row that can be imported; each error's `field` is a column key.
    pub errors: Vec<FieldError>,
}

/// What an import found, and did.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ImportReport {
    /// The template's column keys; `cells` follow this order.
    pub columns: Vec<String>,
    /// Their headers.
    pub labels: Vec<String>,
    /// Data rows read (blank rows are skipped).
    pub total: usize,
    /// Rows that can be imported.
    pub valid: usize,
    /// People that are (or would be) newly registered.
    pub created: usize,
    /// Registered people that are (or would be) updated from their row.
    pub merged: usize,
    /// Rows rejected.
    pub rejected: usize,
    /// The rejected rows, or every row when asked for.
    pub rows: Vec<ImportRow>,
    /// Whether the people were written.
    pub committed: bool,
}

/// A template or an export, ready to download.
#[derive(Clone, Debug)]
pub struct Download {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const CSV: &str = "text/csv; charset=utf-8";

/// How the template's drop-down list and exports show a grid; an import reads it back.
pub(crate) fn grid_label(code: &str, name: &str) -> String {
    format!("{name}（{code}）")
}

/// The grids an importer may write in, by code and by name.
struct Grids {
    codes: HashMap<String, String>,
    names: HashMap<String, Vec<String>>,
}

impl Grids {
    async fn load(app: &App, who: &Signed) -> Result<Grids, AppError> {
        let district = RegionCode::parse(&who.user.district_code).map_err(|_| {
            AppError::new(
                ErrorKind::Internal,
                "bad_district",
                "the account's district is not a code",
            )
        })?;
        let scope = who.principal.scope("registry:person:write");
        let list = gridgov_store::regions::grid_names(app.db.conn(), &district, &scope).await?;
        let mut names: HashMap<String, Vec<String>> = HashMap::new();
        for (code, name) in &list {
            names.entry(name.clone()).or_default().push(code.clone());
        }
        Ok(Grids {
            codes: list.into_iter().collect(),
            names,
        })
    }

    /// A grid cell: the drop-down's "name（code）", a bare code, or a name unique in the scope.
    fn resolve(&self, raw: &str) -> Result<Placed, FieldError> {
        let not_found = || {
            AppError::field(
                "grid",
                "region_not_found",
                format!("no grid {raw} within your area"),
            )
        };
        let digits = raw.split(|c: char| !c.is_ascii_digit()).rfind(|d| d.len() >= 12);
        let code = match digits {
            Some(code) => code.to_owned(),
            None => match self.names.get(raw).map(Vec::as_slice) {
                Some([code]) => code.clone(),
                Some(_) => {
                    return Err(AppError::field(
                        "grid",
                        "ambiguous_grid",
                        format!("several grids are called {raw}; choose one from the list"),
                    ));
                }
                None => return Err(not_found()),
            },
        };
        if !self.codes.contains_key(&code) {
            return Err(not_found());
        }
        RegionCode::parse(&code)
            .ok()
            .and_then(|c| Placed::of(&c))
            .ok_or_else(not_found)
    }
}

/// Which template column each column of the file is; every required column must be there.
fn map_columns(headers: &[String]) -> Result<Vec<Option<usize>>, AppError> {
    let mut at: Vec<Option<usize>> = vec![None; COLUMNS.len()];
    for (i, h) in headers.iter().enumerate() {
        let h = h
            .trim()
            .trim_start_matches('\u{feff}')
            .trim_end_matches(['*', '＊'])
            .trim();
        let Some(c) = COLUMNS
            .iter()
            .position(|c| c.label == h || c.key == h || c.aliases.contains(&h))
        else {
            continue;
        };
        if at[c].is_some() {
            return Err(AppError::bad_request(
                "duplicate_column",
                format!("the column {} appears twice", COLUMNS[c].label),
            ));
        }
        at[c] = Some(i);
    }
    let missing: Vec<&str> = COLUMNS
        .iter()
        .zip(&at)
        .filter(|(c, a)| c.required && a.is_none())
        .map(|(c, _)| c.label)
        .collect();
    if !missing.is_empty() {
        return Err(AppError::bad_request(
            "missing_columns",
            format!(
                "the first row must name the columns; missing: {} (download the template)",
                missing.join("、")
            ),
        ));
    }
    Ok(at)
}

/// A row checked.
struct Parsed {
    line: usize,
    cells: Vec<String>,
    errors: Vec<FieldError>,
    checked: Option<Checked>,
}

/// Checks one row: its cells as a registration would be, then its grid.
fn parse_row(row: &sheet::Row, at: &[Option<usize>], grids: &Grids, today: chrono::NaiveDate) -> Parsed {
    let mut errors = Vec::new();
    let mut cells = Vec::with_capacity(COLUMNS.len());
    for (c, col) in COLUMNS.iter().zip(at) {
        let cell = col.map_or_else(|| Ok(String::new()), |i| row.get(i));
        cells.push(cell.unwrap_or_else(|problem| {
            let (code, reason) = problem.code();
            errors.push(AppError::field(c.key, code, reason));
            String::new()
        }));
    }
    // An empty cell says nothing: a new person has no such number, a merged one keeps theirs.
    let given = |i: usize| Some(cells[i].clone()).filter(|s| !s.is_empty());
    // The grid cell is read against the grids the importer may write in; the person's other
    // fields are checked as a registration's, against the grid's code.
    let placed = if cells[2].is_empty() {
        errors.push(AppError::field("grid", "required", "a grid is required"));
        None
    } else {
        grids.resolve(&cells[2]).map_err(|e| errors.push(e)).ok()
    };
    let input = PersonInput {
        name: cells[0].clone(),
        kind: cells[1].clone(),
        grid: placed.as_ref().map(|p| p.grid.to_string()).unwrap_or_default(),
        id_number: given(3),
        phone: given(4),
        address: given(5),
        note: given(6),
        household_id: None,
        relation: None,
    };
    let fields = check_fields(today, &input, placed.as_ref().map(|p| &p.grid))
        .map_err(|errs| errors.extend(errs.into_iter().filter(|e| e.field != "grid")))
        .ok();
    let checked = match (fields, placed, errors.is_empty()) {
        (Some(fields), Some(placed), true) => Some(Checked { fields, placed }),
        _ => None,
    };
    Parsed {
        line: row.line,
        cells,
        errors,
        checked,
    }
}

/// Imports people from an uploaded file, or (without `commit`) only checks it.
pub async fn import(
    app: &App,
    who: &Signed,
    bytes: Vec<u8>,
    opts: ImportOptions,
    ip: Option<String>,
) -> Result<ImportReport, AppError> {
    require(&who.principal, "registry:person:write")?;
    let table: Table = tokio::task::spawn_blocking(move || sheet::read(&bytes, opts.encoding))
        .await
        .map_err(|e| AppError::new(ErrorKind::Internal, "import_failed", e.to_string()))??;
    let at = map_columns(&table.headers)?;
    let grids = Grids::load(app, who).await?;
    let today = registry::today(app);
    let mut rows: Vec<Parsed> = table
        .rows
        .iter()
        .map(|r| parse_row(r, &at, &grids, today))
        .collect();

    // An ID number once per file.
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for r in &mut rows {
        let Some(n) = r.checked.as_ref().and_then(|c| c.fields.id_number()) else {
            continue;
        };
        if let Some(first) = first_line.get(n.digits()) {
            r.errors.push(AppError::field(
                "id_number",
                "duplicate_in_file",
                format!("the same ID number is on line {first}"),
            ));
            r.checked = None;
        } else {
            first_line.insert(n.digits().to_owned(), r.line);
        }
    }

    // People already registered with these numbers.
    let blind = &app.vault.blind;
    let index_of = |c: &Checked| {
        c.fields
            .id_number()
            .map(|n| blind.index(registry::ID_FIELD, n.digits()))
    };
    let wanted: Vec<String> = rows
        .iter()
        .filter_map(|r| r.checked.as_ref().and_then(index_of))
        .collect();
    let district = who.user.district_code.clone();
    let registered: HashMap<String, person::Model> =
        repo::by_id_number_indexes(app.db.conn(), &district, &wanted)
            .await?
            .into_iter()
            .filter_map(|p| Some((p.id_number_index.clone()?, p)))
            .collect();
    let writable = who.principal.scope("registry:person:write");
    let mut targets: Vec<Option<person::Model>> = Vec::with_capacity(rows.len());
    for r in &mut rows {
        let existing = r
            .checked
            .as_ref()
            .and_then(index_of)
            .and_then(|i| registered.get(&i));
        let target = match (existing, opts.duplicates) {
            (None, _) => None,
            (Some(_), Duplicates::Refuse) => {
                r.errors.push(AppError::field(
                    "id_number",
                    "duplicate_id_number",
                    "a person with this ID number is already registered; choose merge to update them",
                ));
                None
            }
            (Some(p), Duplicates::Merge) => {
                let reach = RegionCode::parse(&p.region_code).is_ok_and(|g| writable.reaches(&g));
                if !reach {
                    r.errors.push(AppError::field(
                        "id_number",
                        "duplicate_out_of_scope",
                        "a person with this ID number is registered outside your area",
                    ));
                }
                Some(p.clone())
            }
        };
        if !r.errors.is_empty() {
            r.checked = None;
        }
        targets.push(target);
    }

    let rejected = rows.iter().filter(|r| !r.errors.is_empty()).count();
    let merged = rows
        .iter()
        .zip(&targets)
        .filter(|(r, t)| r.errors.is_empty() && t.is_some())
        .count();
    let valid = rows.len() - rejected;
    let mut report = ImportReport {
        columns: COLUMNS.iter().map(|c| c.key.to_owned()).collect(),
        labels: COLUMNS.iter().map(|c| c.label.to_owned()).collect(),
        total: rows.len(),
        valid,
        created: valid - merged,
        merged,
        rejected,
        rows: Vec::new(),
        committed: false,
    };
    if opts.commit && rejected > 0 {
        let fields = rows
            .iter()
            .flat_map(|r| {
                r.errors.iter().map(|e| FieldError {
                    field: format!("row {}: {}", r.line, e.field),
                    ..e.clone()
                })
            })
            .collect();
        return Err(AppError {
            kind: ErrorKind::Unprocessable,
            code: "import_rejected",
            message: format!("{rejected} rows are rejected; nothing was imported"),
            fields,
        });
    }
    if !opts.commit {
        report.rows = rows
            .into_iter()
            .filter(|r| opts.all_rows || !r.errors.is_empty())
            .map(|r| ImportRow {
                line: r.line,
                cells: r.cells,
                errors: r.errors,
            })
            .collect();
        return Ok(report);
    }
    write(app, who, rows, targets, opts, ip).await?;
    report.committed = true;
    Ok(report)
}

/// Writes checked rows in one transaction: new people, merged people, their audit records.
async fn write(
    app: &App,
    who: &Signed,
    rows: Vec<Parsed>,
    targets: Vec<Option<person::Model>>,
    opts: ImportOptions,
    ip: Option<String>,
) -> Result<(), AppError> {
    let now = app.clock.now();
    let district = who.user.district_code.clone();
    let mut fresh: Vec<(usize, person::Model)> = Vec::new();
    let mut merges: Vec<(usize, person::Model, person::Model)> = Vec::new();
    for (r, target) in rows.into_iter().zip(targets) {
        let Some(mut checked) = r.checked else { continue };
        match target {
            None => {
                let blank = new_person(&district, Some(who.user.id), now);
                fresh.push((r.line, registry::apply(app, blank, checked)?));
            }
            Some(old) => {
                // Empty cells keep what is stored.
                let f = &mut checked.fields;
                f.address = f.address.take().or_else(|| old.address.clone());
                f.note = f.note.take().or_else(|| old.note.clone());
                let mut new = registry::apply(app, old.clone(), checked)?;
                new.version = old.version + 1;
                new.updated_at = now;
                merges.push((r.line, old, new));
            }
        }
    }
    let actor = who.actor(ip);
    let txn = sea_orm::TransactionTrait::begin(app.db.conn()).await?;
    let conflict = |e: gridgov_store::StoreError| match e {
        gridgov_store::StoreError::Duplicate => registry::duplicate_id_number(),
        gridgov_store::StoreError::Conflict => AppError::new(
            ErrorKind::Conflict,
            "stale_version",
            "someone changed a person in the file during the import; nothing was imported, run it again",
        ),
        other => other.into(),
    };
    let ids = repo::insert_many(&txn, fresh.iter().map(|(_, p)| p.clone()).collect())
        .await
        .map_err(conflict)?;
    for (_, old, new) in &merges {
        repo::update(&txn, new, old.version).await.map_err(conflict)?;
        if new.region_code != old.region_code {
            gridgov_store::care::relocate(&txn, new).await?;
        }
    }
    let mut log = Vec::with_capacity(fresh.len() + merges.len() + 1);
    for ((line, p), id) in fresh.iter().zip(&ids) {
        let after = audited(p);
        log.push(entry(
            &actor,
            Event {
                district: district.clone(),
                region: Some(p.region_code.clone()),
                action: "person.import",
                entity_type: "person",
                entity_id: &id.to_string(),
                after: Some(&after),
                detail: serde_json::json!({ "line": line }),
                ..Event::default()
            },
        ));
    }
    for (line, old, new) in &merges {
        let (before, after) = (audited(old), audited(new));
        log.push(entry(
            &actor,
            Event {
                district: district.clone(),
                region: Some(new.region_code.clone()),
                action: "person.update",
                entity_type: "person",
                entity_id: &new.id.to_string(),
                before: Some(&before),
                after: Some(&after),
                detail: serde_json::json!({ "import_line": line, "changed": registry::person_changes(old, new) }),
            },
        ));
    }
    log.push(entry(
        &actor,
        Event {
            district: district.clone(),
            action: "people.import",
            entity_type: "import",
            entity_id: "people",
            detail: serde_json::json!({
                "created": fresh.len(), "merged": merges.len(),
                "duplicates": opts.duplicates,
            }),
            ..Event::default()
        },
    ));
    gridgov_store::audit::append_many(&txn, log).await?;
    txn.commit().await?;
    Ok(())
}

/// The template to fill in: the columns with their drop-down lists (person kinds; the grids
/// the caller may write in), the number columns held as text.
pub async fn template(app: &App, who: &Signed) -> Result<Download, AppError> {
    require(&who.principal, "registry:person:write")?;
    let district = RegionCode::parse(&who.user.district_code).map_err(|_| {
        AppError::new(
            ErrorKind::Internal,
            "bad_district",
            "the account's district is not a code",
        )
    })?;
    let scope = who.principal.scope("registry:person:write");
    let grids = gridgov_store::regions::grid_names(app.db.conn(), &district, &scope).await?;
    let columns = template_columns(grids.iter().map(|(c, n)| grid_label(c, n)).collect());
    let example = vec![
        "王秀兰".to_owned(),
        PersonKind::Registered.label().to_owned(),
        grids.first().map(|(c, n)| grid_label(c, n)).unwrap_or_default(),
        String::new(),
        String::new(),
        "幸福路12号3单元201".to_owned(),
        "示例行，导入前请删除".to_owned(),
    ];
    let bytes = tokio::task::spawn_blocking(move || sheet::xlsx("人口信息", &columns, &[example], 5000))
        .await
        .map_err(|e| AppError::new(ErrorKind::Internal, "export_failed", e.to_string()))??;
    Ok(Download {
        file_name: "人口信息导入模板.xlsx".to_owned(),
        content_type: XLSX,
        bytes,
    })
}

/// The template's columns (required ones marked with `*`), with the given grids as the grid
/// column's drop-down list.
pub fn template_columns(grids: Vec<String>) -> Vec<Column> {
    COLUMNS
        .iter()
        .map(|c| {
            let label = if c.required {
                format!("{}*", c.label)
            } else {
                c.label.to_owned()
            };
            let mut col = Column::new(label, 14.0);
            match c.key {
                "kind" => col.choices = Some(PersonKind::labels().into_iter().map(str::to_owned).collect()),
                "grid" => {
                    col.choices = Some(grids.clone());
                    col.width = 32.0;
                }
                "id_number" => {
                    col.text = true;
                    col.width = 22.0;
                    col.hint = Some("18位公民身份号码（15位旧号码可自动升位）".to_owned());
                }
                "phone" => {
                    col.text = true;
                    col.width = 16.0;
                    col.hint = Some("手机号码或带区号的固定电话".to_owned());
                }
                "address" | "note" => col.width = 30.0,
                _ => {}
            }
            col
        })
        .collect()
}

/// The rejected rows of a check, as a workbook to fix and import again: the template's columns
/// and one more saying what is wrong.
pub fn error_report(report: &ImportReport) -> Result<Download, AppError> {
    let mut columns = template_columns(Vec::new());
    for c in &mut columns {
        c.choices = None;
        c.hint = None;
    }
    let mut reason = Column::new("错误原因", 60.0);
    reason.text = true;
    columns.push(reason);
    let rows: Vec<Vec<String>> = report
        .rows
        .iter()
        .filter(|r| !r.errors.is_empty())
        .map(|r| {
            let why = r
                .errors
                .iter()
                .map(|e| {
                    format!(
                        "第{}行 {}：{}（{}）",
                        r.line,
                        label_of(&e.field),
                        e.reason,
                        e.code
                    )
                })
                .collect::<Vec<_>>()
                .join("；");
            r.cells.iter().cloned().chain([why]).collect()
        })
        .collect();
    Ok(Download {
        file_name: "人口信息导入错误报告.xlsx".to_owned(),
        content_type: XLSX,
        bytes: sheet::xlsx("错误报告", &columns, &rows, 0)?,
    })
}

fn label_of(key: &str) -> &str {
    COLUMNS.iter().find(|c| c.key == key).map_or(key, |c| c.label)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn headers(hs: &[&str]) -> Vec<String> {
        hs.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn columns_are_found_by_label_key_or_alias_in_any_order() {
        let at = map_columns(&headers(&["备注", "身份证号", "网格", "姓名*", "kind", "无关列"])).unwrap();
        assert_eq!(at, vec![Some(3), Some(4), Some(2), Some(1), None, None, Some(0)]);
    }

    #[test]
    fn missing_and_repeated_columns_are_refused() {
        let e = map_columns(&headers(&["姓名", "备注"])).unwrap_err();
        assert_eq!(e.code, "missing_columns");
        assert!(e.message.contains("人员类型、所属网格"), "{}", e.message);
        let e = map_columns(&headers(&["姓名", "人员类型", "所属网格", "电话", "手机"])).unwrap_err();
        assert_eq!(e.code, "duplicate_column");
    }

    fn grids() -> Grids {
        let codes: HashMap<String, String> = [
            ("370105001001001", "幸福路网格"),
            ("370105001001002", "和平网格"),
            ("370105001002001", "和平网格"),
        ]
        .into_iter()
        .map(|(c, n)| (c.to_owned(), n.to_owned()))
        .collect();
        let mut names: HashMap<String, Vec<String>> = HashMap::new();
        for (c, n) in &codes {
            names.entry(n.clone()).or_default().push(c.clone());
        }
        Grids { codes, names }
    }

    #[test]
    fn a_grid_is_read_from_the_list_label_its_code_or_a_unique_name() {
        let g = grids();
        let code = |r: Result<Placed, FieldError>| r.map(|p| p.grid.to_string()).map_err(|e| e.code);
        assert_eq!(
            code(g.resolve("幸福路网格（370105001001001）")),
            Ok("370105001001001".into())
        );
        assert_eq!(code(g.resolve("370105001001002")), Ok("370105001001002".into()));
        assert_eq!(code(g.resolve("幸福路网格")), Ok("370105001001001".into()));
        assert_eq!(code(g.resolve("和平网格")), Err("ambiguous_grid".into()));
        assert_eq!(code(g.resolve("370105009001001")), Err("region_not_found".into()));
        assert_eq!(code(g.resolve("月亮网格")), Err("region_not_found".into()));
    }

    #[test]
    fn a_row_gets_every_error_at_once() {
        let row = sheet::Row {
            line: 7,
            cells: vec![
                Ok(String::new()),
                Ok("游客".into()),
                Ok("月亮网格".into()),
                Ok("370105195603080021".into()),
                Err(sheet::Problem::Formula),
            ],
        };
        let at = map_columns(&headers(&[
            "姓名",
            "人员类型",
            "所属网格",
            "公民身份号码",
            "联系电话",
        ]))
        .unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let p = parse_row(&row, &at, &grids(), today);
        let codes: Vec<String> = p
            .errors
            .iter()
            .map(|e| format!("{}:{}", e.field, e.code))
            .collect();
        assert_eq!(
            codes,
            vec![
                "phone:formula_not_allowed",
                "grid:region_not_found",
                "name:required",
                "kind:unknown_kind",
                "id_number:id_check_digit",
            ]
        );
        assert!(p.checked.is_none());
        assert_eq!(p.line, 7);
        assert_eq!(p.cells[4], "");
    }
}
