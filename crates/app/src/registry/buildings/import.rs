//! Importing buildings from a spreadsheet: the columns, a row through the single create's
//! checks (`check_fields`), and the writer. The rest is `record_import`'s.
//!
//! A building has no code of its own, so a file names it by its grid and name: once per file,
//! and a grid that already has a building of that name rejects the row (`duplicate_building`).
//! The single create allows two of a name (it cannot tell a second 1号楼 from a typo), but a
//! file run twice is the likelier story in an import, and a house import names its building by
//! its name. No merge: a building's floors and units are checked against its houses on its
//! page.

use super::{Fields, WRITE, apply, audited, blank, check_fields};
use crate::access::require;
use crate::auth::Signed;
use crate::record_import::{
    self as shared, Col, Download, Grids, ImportOptions, ImportReport, Names, Parsed, Verdict, Written,
    grid_label,
};
use crate::registry::Placed;
use crate::sheet::{self, Column};
use crate::{App, AppError};
use gridgov_store::buildings as repo;
use gridgov_store::entity::building;
use std::collections::HashSet;

/// The template's columns, in order. Rows in reports list their cells in this order.
const COLUMNS: [Col; 9] = [
    Col {
        key: "name",
        label: "楼栋名称",
        aliases: &["楼栋", "楼号", "名称"],
        required: true,
    },
    Col {
        key: "grid",
        label: "所属网格",
        aliases: &["网格"],
        required: true,
    },
    Col {
        key: "address",
        label: "地址",
        aliases: &["楼栋地址"],
        required: false,
    },
    Col {
        key: "floors",
        label: "层数",
        aliases: &["楼层数", "总层数"],
        required: true,
    },
    Col {
        key: "units",
        label: "单元数",
        aliases: &["单元"],
        required: true,
    },
    Col {
        key: "lon",
        label: "经度",
        aliases: &["lng"],
        required: false,
    },
    Col {
        key: "lat",
        label: "纬度",
        aliases: &[],
        required: false,
    },
    Col {
        key: "crs",
        label: "坐标系",
        aliases: &[],
        required: false,
    },
    Col {
        key: "note",
        label: "备注",
        aliases: &[],
        required: false,
    },
];

const NAMES: Names = Names {
    entity_type: "building",
    action: "building.import",
    import_action: "buildings.import",
    import_id: "buildings",
};

type Row = Parsed<(Fields, Placed)>;

/// Checks one row: its grid among the importer's, then its cells as the single create would.
fn parse_row(row: &sheet::Row, at: &[Option<usize>], grids: &Grids) -> Row {
    let mut r = Row::cells(&COLUMNS, row, at);
    let placed = match r.given(1) {
        None => {
            r.errors
                .push(AppError::field("grid", "required", "a grid is required"));
            None
        }
        Some(g) => grids.resolve(&g).map_err(|e| r.errors.push(e)).ok(),
    };
    let mut errs = Vec::new();
    let floors = shared::parse_number(&r.cells[3], "floors", "invalid_number", &mut errs);
    let units = shared::parse_number(&r.cells[4], "units", "invalid_number", &mut errs);
    let lon = shared::parse_number(&r.cells[5], "lon", "invalid_coordinate", &mut errs);
    let lat = shared::parse_number(&r.cells[6], "lat", "invalid_coordinate", &mut errs);
    r.errors.extend(errs);
    let input = super::BuildingInput {
        grid: placed.as_ref().map(|p| p.grid.to_string()).unwrap_or_default(),
        name: r.cells[0].clone(),
        address: r.given(2),
        floors,
        units,
        lon,
        lat,
        crs: r.given(7),
        note: r.given(8),
    };
    let fields = check_fields(&input).map_err(|errs| r.add_checks(errs)).ok();
    r.check(fields.zip(placed));
    r
}

/// A building's key in a file and in its grid.
fn key((f, p): &(Fields, Placed)) -> Option<(String, String)> {
    Some((p.grid.to_string(), f.name.clone()))
}

/// Imports buildings from an uploaded file, or (without `commit`) only checks it.
pub async fn import(
    app: &App,
    who: &Signed,
    bytes: Vec<u8>,
    opts: ImportOptions,
    ip: Option<String>,
) -> Result<ImportReport, AppError> {
    require(&who.principal, WRITE)?;
    opts.refuse_only()?;
    let table = shared::read(bytes, opts.encoding).await?;
    let at = shared::map_columns(&COLUMNS, &table.headers)?;
    let grids = Grids::load(app, who, WRITE).await?;
    let mut rows: Vec<Row> = table.rows.iter().map(|r| parse_row(r, &at, &grids)).collect();
    shared::once_per_file(&mut rows, "name", "grid and building name", key);
    let names: Vec<String> = rows
        .iter()
        .filter_map(|r| r.checked.as_ref().map(|(f, _)| f.name.clone()))
        .collect();
    // The rows' grids are the importer's, so their scope sees every building that matters.
    let scope = who.principal.scope(WRITE);
    let stored: HashSet<(String, String)> =
        repo::named(app.db.conn(), &who.user.district_code, &scope, &[], &names)
            .await?
            .into_iter()
            .map(|b| (b.region_code, b.name))
            .collect();
    for r in &mut rows {
        if r.checked
            .as_ref()
            .and_then(key)
            .is_some_and(|k| stored.contains(&k))
        {
            r.reject(AppError::field(
                "name",
                "duplicate_building",
                "the grid has a building of this name already",
            ));
        }
    }
    match shared::verdict(&COLUMNS, rows, 0, &opts)? {
        Verdict::Checked(report) => Ok(report),
        Verdict::Write(report, rows) => {
            write(app, who, rows, ip).await?;
            Ok(report)
        }
    }
}

/// Writes checked rows in one transaction, each audited, and the import's record.
async fn write(app: &App, who: &Signed, rows: Vec<Row>, ip: Option<String>) -> Result<(), AppError> {
    let now = app.clock.now();
    let txn = sea_orm::TransactionTrait::begin(app.db.conn()).await?;
    let mut written = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(checked) = r.checked else { continue };
        let b = apply(blank(who, now), checked);
        let id = repo::insert(&txn, b.clone()).await?;
        let b = building::Model { id, ..b };
        written.push(Written {
            line: r.line,
            id,
            region: b.region_code.clone(),
            after: audited(&b),
        });
    }
    shared::audit_commit(&txn, &who.actor(ip), &who.user.district_code, &NAMES, &written).await?;
    txn.commit().await?;
    Ok(())
}

/// The template's columns, with the given grids as the grid column's drop-down list.
pub(super) fn template_columns(grids: Vec<String>) -> Vec<Column> {
    shared::template_columns(&COLUMNS, |c, col| match c.key {
        "grid" => {
            col.choices = Some(grids.clone());
            col.width = 32.0;
        }
        "floors" => col.hint = Some("1至200".to_owned()),
        "units" => col.hint = Some("1至50".to_owned()),
        "lon" | "lat" => {
            col.text = true;
            col.hint = Some("可不填；十进制度数，经纬度同填".to_owned());
        }
        "crs" => {
            col.choices = Some(vec!["wgs84".to_owned(), "gcj02".to_owned()]);
            col.hint = Some("wgs84（GPS、天地图，默认）或 gcj02（高德、腾讯）".to_owned());
        }
        "address" | "note" => col.width = 30.0,
        _ => {}
    })
}

/// The template to fill in: a drop-down list of the grids the caller may write in.
pub async fn template(app: &App, who: &Signed) -> Result<Download, AppError> {
    require(&who.principal, WRITE)?;
    let grids = shared::grid_list(app, who, WRITE).await?;
    let columns = template_columns(grids.iter().map(|(c, n)| grid_label(c, n)).collect());
    let example = vec![
        "3号楼".to_owned(),
        grids.first().map(|(c, n)| grid_label(c, n)).unwrap_or_default(),
        "幸福路12号".to_owned(),
        "6".to_owned(),
        "2".to_owned(),
        String::new(),
        String::new(),
        String::new(),
        "示例行，导入前请删除".to_owned(),
    ];
    shared::template("楼栋信息", "楼栋信息导入模板.xlsx", columns, vec![example]).await
}

/// The rejected rows of a check, as a workbook to fix and import again.
pub fn error_report(report: &ImportReport) -> Result<Download, AppError> {
    shared::error_report(
        &COLUMNS,
        template_columns(Vec::new()),
        report,
        "楼栋信息导入错误报告.xlsx",
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::collections::HashMap;

    fn grids() -> Grids {
        let codes: HashMap<String, String> = [("370105001001001".to_owned(), "幸福路网格".to_owned())].into();
        let names = [("幸福路网格".to_owned(), vec!["370105001001001".to_owned()])].into();
        Grids { codes, names }
    }

    fn parse(cells: &[&str]) -> Row {
        let headers: Vec<String> = COLUMNS.iter().map(|c| c.label.to_owned()).collect();
        let at = shared::map_columns(&COLUMNS, &headers).unwrap();
        let row = sheet::Row {
            line: 3,
            cells: cells.iter().map(|c| Ok((*c).to_owned())).collect(),
        };
        parse_row(&row, &at, &grids())
    }

    fn codes(r: &Row) -> Vec<String> {
        r.errors
            .iter()
            .map(|e| format!("{}:{}", e.field, e.code))
            .collect()
    }

    #[test]
    fn a_good_row_is_checked_like_a_created_building() {
        let r = parse(&["3号楼", "幸福路网格", "", "6", "2", "116.99", "36.67", "", ""]);
        assert!(r.errors.is_empty(), "{:?}", codes(&r));
        let (f, placed) = r.checked.unwrap();
        assert_eq!((f.floors, f.units), (6, 2));
        assert!(f.point.is_some());
        assert_eq!(placed.grid.as_str(), "370105001001001");
    }

    #[test]
    fn a_bad_row_gets_every_error_at_once() {
        let r = parse(&["", "", "", "六层", "0", "116.99", "", "", ""]);
        assert_eq!(
            codes(&r),
            [
                "grid:required",
                "floors:invalid_number",
                "name:required",
                "units:units_out_of_range",
                "lat:required",
            ]
        );
        assert!(r.checked.is_none());
    }
}
