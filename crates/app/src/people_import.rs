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
pub(crate) use crate::record_import::grid_label;
use crate::record_import::{self as shared, Col, Grids, Verdict};
pub use crate::record_import::{CSV, Download, Duplicates, ImportOptions, ImportReport, ImportRow, XLSX};
use crate::registry::{self, Checked, PersonInput, audited, check_fields, new_person};
use crate::sheet::{self, Column};
use crate::{App, AppError, ErrorKind};
#[cfg(test)]
use crate::{FieldError, registry::Placed};
use gridgov_domain::RegionCode;
use gridgov_domain::registry::{Kind, PersonKind};
use gridgov_store::entity::person;
use gridgov_store::people as repo;
use std::collections::HashMap;

/// The permission an import of people needs, and whose scope bounds its grids.
const WRITE: &str = "registry:person:write";

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

/// Which template column each column of the file is; every required column must be there.
fn map_columns(headers: &[String]) -> Result<Vec<Option<usize>>, AppError> {
    shared::map_columns(&COLUMNS, headers)
}

/// A row checked.
type Parsed = shared::Parsed<Checked>;

/// Checks one row: its cells as a registration would be, then its grid.
fn parse_row(row: &sheet::Row, at: &[Option<usize>], grids: &Grids, today: chrono::NaiveDate) -> Parsed {
    let mut r = Parsed::cells(&COLUMNS, row, at);
    // An empty cell says nothing: a new person has no such number, a merged one keeps theirs.
    // The grid cell is read against the grids the importer may write in; the person's other
    // fields are checked as a registration's, against the grid's code.
    let placed = if r.cells[2].is_empty() {
        r.errors
            .push(AppError::field("grid", "required", "a grid is required"));
        None
    } else {
        grids.resolve(&r.cells[2]).map_err(|e| r.errors.push(e)).ok()
    };
    let input = PersonInput {
        name: r.cells[0].clone(),
        kind: r.cells[1].clone(),
        grid: placed.as_ref().map(|p| p.grid.to_string()).unwrap_or_default(),
        id_number: r.given(3),
        phone: r.given(4),
        address: r.given(5),
        note: r.given(6),
        household_id: None,
        relation: None,
    };
    let fields = check_fields(today, &input, placed.as_ref().map(|p| &p.grid))
        .map_err(|errs| r.errors.extend(errs.into_iter().filter(|e| e.field != "grid")))
        .ok();
    let checked = fields
        .zip(placed)
        .map(|(fields, placed)| Checked { fields, placed });
    r.check(checked);
    r
}

/// Imports people from an uploaded file, or (without `commit`) only checks it.
pub async fn import(
    app: &App,
    who: &Signed,
    bytes: Vec<u8>,
    opts: ImportOptions,
    ip: Option<String>,
) -> Result<ImportReport, AppError> {
    require(&who.principal, WRITE)?;
    let table = shared::read(bytes, opts.encoding).await?;
    let at = map_columns(&table.headers)?;
    let grids = Grids::load(app, who, WRITE).await?;
    let today = registry::today(app);
    let mut rows: Vec<Parsed> = table
        .rows
        .iter()
        .map(|r| parse_row(r, &at, &grids, today))
        .collect();
    shared::once_per_file(&mut rows, "id_number", "ID number", |c: &Checked| {
        c.fields.id_number().map(|n| n.digits().to_owned())
    });

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
    let writable = who.principal.scope(WRITE);
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

    let merged = rows
        .iter()
        .zip(&targets)
        .filter(|(r, t)| r.errors.is_empty() && t.is_some())
        .count();
    let (report, rows) = match shared::verdict(&COLUMNS, rows, merged, &opts)? {
        Verdict::Checked(report) => return Ok(report),
        Verdict::Write(report, rows) => (report, rows),
    };
    write(app, who, rows, targets, opts, ip).await?;
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
    require(&who.principal, WRITE)?;
    let grids = shared::grid_list(app, who, WRITE).await?;
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
    shared::template("人口信息", "人口信息导入模板.xlsx", columns, vec![example]).await
}

/// The template's columns (required ones marked with `*`), with the given grids as the grid
/// column's drop-down list.
pub fn template_columns(grids: Vec<String>) -> Vec<Column> {
    shared::template_columns(&COLUMNS, |c, col| match c.key {
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
    })
}

/// The rejected rows of a check, as a workbook to fix and import again: the template's columns
/// and one more saying what is wrong.
pub fn error_report(report: &ImportReport) -> Result<Download, AppError> {
    shared::error_report(
        &COLUMNS,
        template_columns(Vec::new()),
        report,
        "人口信息导入错误报告.xlsx",
    )
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
