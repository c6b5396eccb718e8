//! What every registry import shares, whatever it imports: the template's columns found in a
//! file by their header labels, a row's cells read with their problems, the grids an importer
//! may write in, "once per file" keys, the report of a dry run, the all-or-nothing verdict, the
//! audit records of a commit, the template workbook and the workbook of rejected rows.
//!
//! A record type's import module (`people_import`, `registry::orgs::import`, …) knows only its
//! columns, how one row becomes a checked record (through the single create's own checks), what
//! counts as already stored, and how its records are inserted. Everything here is the same for
//! all of them, so an import behaves the same whatever it imports: every rejected row with its
//! line and codes, nothing written while any row is rejected.

use crate::audit::{Actor, Event, entry};
use crate::auth::Signed;
use crate::registry::Placed;
use crate::sheet::{self, Column, Encoding, Table};
use crate::{App, AppError, ErrorKind, FieldError};
use gridgov_domain::RegionCode;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::Hash;
use utoipa::ToSchema;

/// A column of a template: the key of the field it fills, its header, the other headers other
/// systems' spreadsheets use for it.
pub(crate) struct Col {
    pub(crate) key: &'static str,
    pub(crate) label: &'static str,
    pub(crate) aliases: &'static [&'static str],
    pub(crate) required: bool,
}

/// What to do with a row that is already stored (people: by ID number).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Duplicates {
    /// Reject the row.
    #[default]
    Refuse,
    /// Update the stored record from the row's non-empty cells (people only).
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

impl ImportOptions {
    /// Refuses `duplicates=merge` for a record type that has no meaningful merge: its stored
    /// duplicates are always rejected, and saying otherwise would be a silent lie.
    pub(crate) fn refuse_only(&self) -> Result<(), AppError> {
        match self.duplicates {
            Duplicates::Refuse => Ok(()),
            Duplicates::Merge => Err(AppError::invalid_field(
                "duplicates",
                "merge_not_supported",
                "records of this type already stored are refused; edit them one by one",
            )),
        }
    }
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
    /// Records that are (or would be) newly created.
    pub created: usize,
    /// Stored records that are (or would be) updated from their row (people only).
    pub merged: usize,
    /// Rows rejected.
    pub rejected: usize,
    /// The rejected rows, or every row when asked for.
    pub rows: Vec<ImportRow>,
    /// Whether the records were written.
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

fn district_of(who: &Signed) -> Result<RegionCode, AppError> {
    RegionCode::parse(&who.user.district_code).map_err(|_| {
        AppError::new(
            ErrorKind::Internal,
            "bad_district",
            "the account's district is not a code",
        )
    })
}

/// The grids (code, name) the caller's scope of `perm` reaches: a template's drop-down list.
pub(crate) async fn grid_list(
    app: &App,
    who: &Signed,
    perm: &str,
) -> Result<Vec<(String, String)>, AppError> {
    let district = district_of(who)?;
    let scope = who.principal.scope(perm);
    Ok(gridgov_store::regions::grid_names(app.db.conn(), &district, &scope).await?)
}

/// The grids an importer may write in (with the record type's write permission), by code and
/// by name. Loaded once per import, so a row's grid costs no query.
pub(crate) struct Grids {
    pub(crate) codes: HashMap<String, String>,
    pub(crate) names: HashMap<String, Vec<String>>,
}

impl Grids {
    pub(crate) async fn load(app: &App, who: &Signed, perm: &str) -> Result<Grids, AppError> {
        let list = grid_list(app, who, perm).await?;
        let mut names: HashMap<String, Vec<String>> = HashMap::new();
        for (code, name) in &list {
            names.entry(name.clone()).or_default().push(code.clone());
        }
        Ok(Grids {
            codes: list.into_iter().collect(),
            names,
        })
    }

    /// Whether a grid is one the importer may write in.
    pub(crate) fn has(&self, code: &RegionCode) -> bool {
        self.codes.contains_key(code.as_str())
    }

    /// A grid cell: the drop-down's "name（code）", a bare code, or a name unique in the scope.
    pub(crate) fn resolve(&self, raw: &str) -> Result<Placed, FieldError> {
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
pub(crate) fn map_columns(columns: &[Col], headers: &[String]) -> Result<Vec<Option<usize>>, AppError> {
    let mut at: Vec<Option<usize>> = vec![None; columns.len()];
    for (i, h) in headers.iter().enumerate() {
        let h = h
            .trim()
            .trim_start_matches('\u{feff}')
            .trim_end_matches(['*', '＊'])
            .trim();
        let Some(c) = columns
            .iter()
            .position(|c| c.label == h || c.key == h || c.aliases.contains(&h))
        else {
            continue;
        };
        if at[c].is_some() {
            return Err(AppError::bad_request(
                "duplicate_column",
                format!("the column {} appears twice", columns[c].label),
            ));
        }
        at[c] = Some(i);
    }
    let missing: Vec<&str> = columns
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

/// Reads an upload off the async threads (a large workbook takes seconds to unpack).
pub(crate) async fn read(bytes: Vec<u8>, encoding: Encoding) -> Result<Table, AppError> {
    tokio::task::spawn_blocking(move || sheet::read(&bytes, encoding))
        .await
        .map_err(|e| AppError::new(ErrorKind::Internal, "import_failed", e.to_string()))?
}

/// A row being checked: its cells in template column order, its errors, and the record it
/// makes when it has none.
pub(crate) struct Parsed<T> {
    pub(crate) line: usize,
    pub(crate) cells: Vec<String>,
    pub(crate) errors: Vec<FieldError>,
    pub(crate) checked: Option<T>,
}

impl<T> Parsed<T> {
    /// A row's cells in template column order; a cell that is not plain text (a formula, an
    /// error value, mojibake…) is an error of its column and reads as empty.
    pub(crate) fn cells(columns: &[Col], row: &sheet::Row, at: &[Option<usize>]) -> Parsed<T> {
        let mut errors = Vec::new();
        let mut cells = Vec::with_capacity(columns.len());
        for (c, col) in columns.iter().zip(at) {
            let cell = col.map_or_else(|| Ok(String::new()), |i| row.get(i));
            cells.push(cell.unwrap_or_else(|problem| {
                let (code, reason) = problem.code();
                errors.push(AppError::field(c.key, code, reason));
                String::new()
            }));
        }
        Parsed {
            line: row.line,
            cells,
            errors,
            checked: None,
        }
    }

    /// Cell `i`, none when empty (an empty cell says nothing).
    pub(crate) fn given(&self, i: usize) -> Option<String> {
        self.cells.get(i).filter(|s| !s.is_empty()).cloned()
    }

    /// Adds the errors of the single create's checks, but none for a field whose cell already
    /// has one: an unreadable cell (a formula, an unknown grid, not a number) reads as empty, and
    /// "required" would only repeat it.
    pub(crate) fn add_checks(&mut self, errs: Vec<FieldError>) {
        let judged: std::collections::HashSet<String> = self.errors.iter().map(|e| e.field.clone()).collect();
        self.errors
            .extend(errs.into_iter().filter(|e| !judged.contains(&e.field)));
    }

    /// Rejects the row with one more error.
    pub(crate) fn reject(&mut self, e: FieldError) {
        self.errors.push(e);
        self.checked = None;
    }

    /// Keeps the checked record only if the row has no error.
    pub(crate) fn check(&mut self, checked: Option<T>) {
        self.checked = checked.filter(|_| self.errors.is_empty());
    }
}

/// Refuses a second row with the same key (`duplicate_in_file` on `field`, naming the first
/// line and `what` the key is): the file would otherwise write one record twice or fail at the
/// unique index.
pub(crate) fn once_per_file<T, K: Hash + Eq>(
    rows: &mut [Parsed<T>],
    field: &str,
    what: &str,
    key: impl Fn(&T) -> Option<K>,
) {
    let mut first_line: HashMap<K, usize> = HashMap::new();
    for r in rows {
        let Some(k) = r.checked.as_ref().and_then(&key) else {
            continue;
        };
        if let Some(first) = first_line.get(&k) {
            let e = AppError::field(
                field,
                "duplicate_in_file",
                format!("the same {what} is on line {first}"),
            );
            r.reject(e);
        } else {
            first_line.insert(k, r.line);
        }
    }
}

/// What the checks decided.
pub(crate) enum Verdict<T> {
    /// A dry run: the report, with its rows.
    Checked(ImportReport),
    /// A commit with no rejected row: the report (to return once written) and every row.
    Write(ImportReport, Vec<Parsed<T>>),
}

/// Counts the rows; a commit with any rejected row is refused whole (422 `import_rejected`,
/// every bad cell as `row N: column`), a dry run lists the rejected rows (or all of them).
pub(crate) fn verdict<T>(
    columns: &[Col],
    rows: Vec<Parsed<T>>,
    merged: usize,
    opts: &ImportOptions,
) -> Result<Verdict<T>, AppError> {
    let rejected = rows.iter().filter(|r| !r.errors.is_empty()).count();
    let valid = rows.len() - rejected;
    let mut report = ImportReport {
        columns: columns.iter().map(|c| c.key.to_owned()).collect(),
        labels: columns.iter().map(|c| c.label.to_owned()).collect(),
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
        return Ok(Verdict::Checked(report));
    }
    // A row without errors always carries its record; one that does not is a bug in its
    // parser, and writing the others would import less than the report said.
    if rows.iter().any(|r| r.checked.is_none()) {
        return Err(AppError::new(
            ErrorKind::Internal,
            "import_failed",
            "a row passed its checks without a record",
        ));
    }
    report.committed = true;
    Ok(Verdict::Write(report, rows))
}

/// A record written by a commit, as its audit record names it.
pub(crate) struct Written {
    pub(crate) line: usize,
    pub(crate) id: i64,
    /// Its grid: audit search is scoped by it.
    pub(crate) region: String,
    /// What the single create's audit record keeps of it.
    pub(crate) after: serde_json::Value,
}

/// What a commit's audit records are called.
pub(crate) struct Names {
    /// Each record's entity type, as its single create names it (`organisation`).
    pub(crate) entity_type: &'static str,
    /// Each record's action (`org.import`).
    pub(crate) action: &'static str,
    /// The whole import's action (`organisations.import`) and entity id (`organisations`).
    pub(crate) import_action: &'static str,
    pub(crate) import_id: &'static str,
}

/// Appends a commit's audit records in its transaction: one per record written, like the single
/// create's (the same entity and audited form, its line in the detail), and one for the import
/// with its counts.
pub(crate) async fn audit_commit(
    txn: &impl sea_orm::ConnectionTrait,
    actor: &Actor,
    district: &str,
    names: &Names,
    written: &[Written],
) -> Result<(), AppError> {
    let mut log = Vec::with_capacity(written.len() + 1);
    for w in written {
        log.push(entry(
            actor,
            Event {
                district: district.to_owned(),
                region: Some(w.region.clone()),
                action: names.action,
                entity_type: names.entity_type,
                entity_id: &w.id.to_string(),
                after: Some(&w.after),
                detail: serde_json::json!({ "line": w.line }),
                ..Event::default()
            },
        ));
    }
    log.push(entry(
        actor,
        Event {
            district: district.to_owned(),
            action: names.import_action,
            entity_type: "import",
            entity_id: names.import_id,
            detail: serde_json::json!({ "created": written.len(), "merged": 0 }),
            ..Event::default()
        },
    ));
    gridgov_store::audit::append_many(txn, log).await?;
    Ok(())
}

/// A template's columns, required ones marked with `*`, each shaped by `style` (drop-down
/// lists, text format, width, hints).
pub(crate) fn template_columns(columns: &[Col], style: impl Fn(&Col, &mut Column)) -> Vec<Column> {
    columns
        .iter()
        .map(|c| {
            let label = if c.required {
                format!("{}*", c.label)
            } else {
                c.label.to_owned()
            };
            let mut col = Column::new(label, 14.0);
            style(c, &mut col);
            col
        })
        .collect()
}

/// A template workbook: one sheet with its columns and example rows, drop-down lists over the
/// first 5,000 rows.
pub(crate) async fn template(
    sheet_name: &'static str,
    file_name: &str,
    columns: Vec<Column>,
    examples: Vec<Vec<String>>,
) -> Result<Download, AppError> {
    let bytes = tokio::task::spawn_blocking(move || sheet::xlsx(sheet_name, &columns, &examples, 5000))
        .await
        .map_err(|e| AppError::new(ErrorKind::Internal, "export_failed", e.to_string()))??;
    Ok(Download {
        file_name: file_name.to_owned(),
        content_type: XLSX,
        bytes,
    })
}

/// The rejected rows of a check, as a workbook to fix and import again: the template's columns
/// (`columns`, without lists) and one more saying what is wrong, each reason naming its line,
/// column and code.
pub(crate) fn error_report(
    cols: &[Col],
    mut columns: Vec<Column>,
    report: &ImportReport,
    file_name: &str,
) -> Result<Download, AppError> {
    for c in &mut columns {
        c.choices = None;
        c.hint = None;
    }
    let mut reason = Column::new("错误原因", 60.0);
    reason.text = true;
    columns.push(reason);
    let label_of = |key: &str| {
        cols.iter()
            .find(|c| c.key == key)
            .map_or(key.to_owned(), |c| c.label.to_owned())
    };
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
        file_name: file_name.to_owned(),
        content_type: XLSX,
        bytes: sheet::xlsx("错误报告", &columns, &rows, 0)?,
    })
}

/// A date cell as text: `2026-03-08`, `2026/3/8`, `2026.3.8` or `20260308` (a template's date
/// columns are text, since a date-typed cell is refused as `unexpected_date`).
pub(crate) fn parse_date(raw: &str) -> Option<chrono::NaiveDate> {
    let raw = raw.trim();
    ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"]
        .iter()
        .find_map(|f| chrono::NaiveDate::parse_from_str(raw, f).ok())
}

/// A number cell as text, none when empty; an error on `field` with `code` when it is not a
/// number.
pub(crate) fn parse_number<N: std::str::FromStr>(
    raw: &str,
    field: &str,
    code: &str,
    errs: &mut Vec<FieldError>,
) -> Option<N> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    raw.parse()
        .map_err(|_| errs.push(AppError::field(field, code, format!("{raw} is not a number"))))
        .ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const COLS: [Col; 2] = [
        Col {
            key: "a",
            label: "甲",
            aliases: &[],
            required: true,
        },
        Col {
            key: "b",
            label: "乙",
            aliases: &[],
            required: false,
        },
    ];

    fn parsed(line: usize, key: &str) -> Parsed<String> {
        Parsed {
            line,
            cells: vec![],
            errors: vec![],
            checked: Some(key.to_owned()),
        }
    }

    #[test]
    fn a_key_is_taken_once_per_file_naming_the_first_line() {
        let mut rows = vec![parsed(2, "x"), parsed(3, "y"), parsed(4, "x")];
        once_per_file(&mut rows, "a", "key", |k: &String| Some(k.clone()));
        assert!(rows[0].checked.is_some() && rows[1].checked.is_some());
        assert!(rows[2].checked.is_none());
        assert_eq!(rows[2].errors[0].code, "duplicate_in_file");
        assert!(rows[2].errors[0].reason.contains("line 2"));
    }

    #[test]
    fn a_commit_with_a_rejected_row_is_refused_whole() {
        let mut rows = vec![parsed(2, "x"), parsed(3, "y")];
        rows[1].reject(AppError::field("b", "bad", "bad"));
        let commit = ImportOptions {
            commit: true,
            ..ImportOptions::default()
        };
        let e = verdict(&COLS, rows, 0, &commit).err().unwrap();
        assert_eq!(e.code, "import_rejected");
        assert_eq!(e.fields[0].field, "row 3: b");
        let rows = vec![parsed(2, "x")];
        let Verdict::Write(report, rows) = verdict(&COLS, rows, 0, &commit).ok().unwrap() else {
            panic!("a clean commit writes");
        };
        assert_eq!((report.created, report.committed, rows.len()), (1, true, 1));
        // A row that passed without a record is never silently left out of a commit.
        let mut lost = parsed(2, "x");
        lost.checked = None;
        let e = verdict(&COLS, vec![lost], 0, &commit).err().unwrap();
        assert_eq!(e.code, "import_failed");
    }

    #[test]
    fn dates_and_numbers_are_read_from_text() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 3, 8);
        for s in ["2026-03-08", "2026/3/8", "2026.3.8", "20260308"] {
            assert_eq!(parse_date(s), d, "{s}");
        }
        assert_eq!(parse_date("2026-02-30"), None);
        let mut errs = Vec::new();
        assert_eq!(
            parse_number::<f64>(" 117.5 ", "lon", "bad", &mut errs),
            Some(117.5)
        );
        assert_eq!(parse_number::<f64>("", "lon", "bad", &mut errs), None);
        assert!(errs.is_empty());
        assert_eq!(parse_number::<i64>("3层", "floors", "bad", &mut errs), None);
        assert_eq!(errs[0].code, "bad");
    }
}
