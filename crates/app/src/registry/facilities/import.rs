//! Importing facilities (部件) from a spreadsheet: the columns, a row through the single
//! create's checks (`check_fields`), and the writer. The rest is `record_import`'s.
//!
//! As in the single create, the grid is the one named or, when the cell is empty, the one the
//! point lies in; either way it must be a grid the importer may write in. A facility code is
//! once per file and once per district (`duplicate_facility_code`); rows without a code are
//! never duplicates. No merge: a facility's state changes on its page, with its version.

use super::{Fields, WRITE, apply, audited, blank, check_fields, grid_at, or_duplicate};
use crate::access::require;
use crate::auth::Signed;
use crate::record_import::{
    self as shared, Col, Download, Grids, ImportOptions, ImportReport, Names, Parsed, Verdict, Written,
    grid_label,
};
use crate::registry::Placed;
use crate::sheet::{self, Column};
use crate::{App, AppError};
use gridgov_domain::RegionCode;
use gridgov_domain::registry::{FacilityKind, FacilityState, Kind};
use gridgov_geo::LonLat;
use gridgov_store::entity::facility;
use gridgov_store::facilities as repo;
use std::collections::HashSet;

/// The template's columns, in order. Rows in reports list their cells in this order.
const COLUMNS: [Col; 9] = [
    Col {
        key: "kind",
        label: "部件类型",
        aliases: &["类型", "部件名称"],
        required: true,
    },
    Col {
        key: "code",
        label: "部件编码",
        aliases: &["编码", "编号"],
        required: false,
    },
    Col {
        key: "lon",
        label: "经度",
        aliases: &["lng"],
        required: true,
    },
    Col {
        key: "lat",
        label: "纬度",
        aliases: &[],
        required: true,
    },
    Col {
        key: "crs",
        label: "坐标系",
        aliases: &[],
        required: false,
    },
    Col {
        key: "grid",
        label: "所属网格",
        aliases: &["网格"],
        required: false,
    },
    Col {
        key: "state",
        label: "状态",
        aliases: &["部件状态"],
        required: false,
    },
    Col {
        key: "owner_department",
        label: "权属部门",
        aliases: &["主管部门", "管理部门", "养护单位"],
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
    entity_type: "facility",
    action: "facility.import",
    import_action: "facilities.import",
    import_id: "facilities",
};

type Row = Parsed<(Fields, Placed)>;

/// Checks one row: its cells as the single create would, then its grid — the one named among
/// the importer's, or the one `locate` finds at its point (which must be among them too).
fn parse_row(
    row: &sheet::Row,
    at: &[Option<usize>],
    grids: &Grids,
    locate: &dyn Fn(LonLat) -> Result<RegionCode, AppError>,
) -> Row {
    let mut r = Row::cells(&COLUMNS, row, at);
    let named = r
        .given(5)
        .map(|g| grids.resolve(&g).map_err(|e| r.errors.push(e)).ok());
    let mut errs = Vec::new();
    let lon = shared::parse_number(&r.cells[2], "lon", "invalid_coordinate", &mut errs);
    let lat = shared::parse_number(&r.cells[3], "lat", "invalid_coordinate", &mut errs);
    let input = super::FacilityInput {
        kind: r.cells[0].clone(),
        code: r.given(1),
        lon,
        lat,
        crs: r.given(4),
        grid: named.clone().flatten().map(|p| p.grid.to_string()),
        state: r.given(6),
        owner_department: r.given(7),
        note: r.given(8),
    };
    r.errors.extend(errs);
    let fields = check_fields(&input).map_err(|errs| r.add_checks(errs)).ok();
    let placed = match (&fields, named) {
        (_, Some(named)) => named,
        (None, None) => None,
        (Some(f), None) => match locate(f.point) {
            Ok(g) if grids.has(&g) => Placed::of(&g),
            Ok(g) => {
                r.errors.push(AppError::field(
                    "grid",
                    "region_not_found",
                    format!("the point lies in grid {g}, outside your area"),
                ));
                None
            }
            // The locator's refusal as the row's error (with a field, so the row is rejected).
            Err(e) if e.fields.is_empty() => {
                r.errors.push(AppError::field("lon,lat", e.code, e.message));
                None
            }
            Err(e) => {
                r.errors.extend(e.fields);
                None
            }
        },
    };
    r.check(fields.zip(placed));
    r
}

/// Imports facilities from an uploaded file, or (without `commit`) only checks it.
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
    let locate = |p: LonLat| grid_at(app, who, p);
    let mut rows: Vec<Row> = table
        .rows
        .iter()
        .map(|r| parse_row(r, &at, &grids, &locate))
        .collect();
    let code = |(f, _): &(Fields, Placed)| f.code.clone();
    shared::once_per_file(&mut rows, "code", "facility code", code);
    let wanted: Vec<String> = rows
        .iter()
        .filter_map(|r| r.checked.as_ref().and_then(code))
        .collect();
    let taken: HashSet<String> = repo::codes_taken(app.db.conn(), &who.user.district_code, &wanted)
        .await?
        .into_iter()
        .collect();
    for r in &mut rows {
        if r.checked
            .as_ref()
            .and_then(code)
            .is_some_and(|c| taken.contains(&c))
        {
            r.reject(AppError::field(
                "code",
                "duplicate_facility_code",
                "a facility with this code is already recorded in the district",
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
        let f = apply(blank(who, now), checked);
        // A code recorded meanwhile aborts the whole commit (409 `duplicate_facility_code`).
        let id = or_duplicate(repo::insert(&txn, f.clone()).await)?;
        let f = facility::Model { id, ..f };
        written.push(Written {
            line: r.line,
            id,
            region: f.region_code.clone(),
            after: audited(&f),
        });
    }
    shared::audit_commit(&txn, &who.actor(ip), &who.user.district_code, &NAMES, &written).await?;
    txn.commit().await?;
    Ok(())
}

/// The template's columns, with the given grids as the grid column's drop-down list.
pub(crate) fn template_columns(grids: Vec<String>) -> Vec<Column> {
    shared::template_columns(&COLUMNS, |c, col| match c.key {
        "kind" => col.choices = Some(FacilityKind::labels().into_iter().map(str::to_owned).collect()),
        "code" => {
            col.text = true;
            col.hint = Some("字母、数字和连字符，至多32位；区内唯一".to_owned());
        }
        "lon" | "lat" => {
            col.text = true;
            col.hint = Some("十进制度数，如 116.99163、36.67069".to_owned());
        }
        "crs" => {
            col.choices = Some(vec!["wgs84".to_owned(), "gcj02".to_owned()]);
            col.hint = Some("wgs84（GPS、天地图，默认）或 gcj02（高德、腾讯）".to_owned());
        }
        "grid" => {
            col.choices = Some(grids.clone());
            col.width = 32.0;
            col.hint = Some("不填则按坐标所在网格".to_owned());
        }
        "state" => col.choices = Some(FacilityState::labels().into_iter().map(str::to_owned).collect()),
        "owner_department" | "note" => col.width = 30.0,
        _ => {}
    })
}

/// The template to fill in: drop-down lists of kinds, coordinate systems, grids the caller may
/// write in and states.
pub async fn template(app: &App, who: &Signed) -> Result<Download, AppError> {
    require(&who.principal, WRITE)?;
    let grids = shared::grid_list(app, who, WRITE).await?;
    let columns = template_columns(grids.iter().map(|(c, n)| grid_label(c, n)).collect());
    let example = vec![
        FacilityKind::StreetLamp.label().to_owned(),
        "LD-0001".to_owned(),
        "116.99163".to_owned(),
        "36.67069".to_owned(),
        "wgs84".to_owned(),
        String::new(),
        FacilityState::Normal.label().to_owned(),
        "区城管局".to_owned(),
        "示例行，导入前请删除".to_owned(),
    ];
    shared::template("城市部件", "城市部件导入模板.xlsx", columns, vec![example]).await
}

/// The rejected rows of a check, as a workbook to fix and import again.
pub fn error_report(report: &ImportReport) -> Result<Download, AppError> {
    shared::error_report(
        &COLUMNS,
        template_columns(Vec::new()),
        report,
        "城市部件导入错误报告.xlsx",
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::collections::HashMap;

    const MINE: &str = "370105001001001";
    const THEIRS: &str = "370105003001001";

    fn grids() -> Grids {
        let codes: HashMap<String, String> = [(MINE.to_owned(), "幸福路网格".to_owned())].into();
        let names = [("幸福路网格".to_owned(), vec![MINE.to_owned()])].into();
        Grids { codes, names }
    }

    /// East of 117° is the other street's grid; west of it, the importer's.
    fn locate(p: LonLat) -> Result<RegionCode, AppError> {
        let g = if p.lon < 117.0 { MINE } else { THEIRS };
        Ok(RegionCode::parse(g).unwrap())
    }

    fn parse(cells: &[&str]) -> Row {
        let headers: Vec<String> = COLUMNS.iter().map(|c| c.label.to_owned()).collect();
        let at = shared::map_columns(&COLUMNS, &headers).unwrap();
        let row = sheet::Row {
            line: 5,
            cells: cells.iter().map(|c| Ok((*c).to_owned())).collect(),
        };
        parse_row(&row, &at, &grids(), &locate)
    }

    fn codes(r: &Row) -> Vec<String> {
        r.errors
            .iter()
            .map(|e| format!("{}:{}", e.field, e.code))
            .collect()
    }

    #[test]
    fn the_grid_is_the_named_one_or_the_one_at_the_point() {
        let r = parse(&["路灯", "LD-1", "116.99", "36.67", "", "", "损坏", "", ""]);
        assert!(r.errors.is_empty(), "{:?}", codes(&r));
        let (f, placed) = r.checked.unwrap();
        assert_eq!(
            (f.kind, f.state),
            (FacilityKind::StreetLamp, FacilityState::Damaged)
        );
        assert_eq!(placed.grid.as_str(), MINE);
        let r = parse(&["井盖", "", "117.1", "36.67", "", "幸福路网格", "", "", ""]);
        assert_eq!(r.checked.unwrap().1.grid.as_str(), MINE, "named wins");
        let r = parse(&["井盖", "", "117.1", "36.67", "", "", "", "", ""]);
        assert_eq!(codes(&r), ["grid:region_not_found"]);
    }

    #[test]
    fn a_bad_row_gets_every_error_at_once() {
        let r = parse(&["飞碟", "L D", "东经117", "", "bd09", "月亮网格", "坏了", "", ""]);
        assert_eq!(
            codes(&r),
            [
                "grid:region_not_found",
                "lon:invalid_coordinate",
                "kind:unknown_kind",
                "code:facility_code_characters",
                "crs:invalid_crs",
                "state:unknown_state",
            ]
        );
        assert!(r.checked.is_none());
    }
}
