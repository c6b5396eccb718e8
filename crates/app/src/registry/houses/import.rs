//! Importing houses from a spreadsheet: a row names its building, unit, floor and room as the
//! registry models a house, checked as the single create checks it (`check_fields`, then `fit`
//! against the building). The rest is `record_import`'s.
//!
//! The building cell takes the template's drop-down label `3号楼（编号12）`, a bare id, or a
//! name — unique among the buildings the importer may write in, or within the row's grid when
//! the optional grid column names one (`ambiguous_building` otherwise). A room is once per unit
//! of a building: once per file, and a room already recorded rejects its row
//! (`duplicate_house`). No merge: a house's use and occupancy are edited on its page.

use super::{Checked, WRITE, apply, audited, blank, check_fields, duplicate_house, fit};
use crate::access::require;
use crate::auth::Signed;
use crate::record_import::{
    self as shared, Col, Download, Grids, ImportOptions, ImportReport, Names, Parsed, Verdict, Written,
    grid_label,
};
use crate::registry::Placed;
use crate::sheet::{self, Column};
use crate::{App, AppError};
use gridgov_domain::registry::{HouseUse, Kind, Occupancy, Ownership};
use gridgov_store::entity::{building, house};
use gridgov_store::{buildings, houses as repo};
use std::collections::HashSet;

/// The template's columns, in order. Rows in reports list their cells in this order.
const COLUMNS: [Col; 10] = [
    Col {
        key: "grid",
        label: "所属网格",
        aliases: &["网格"],
        required: false,
    },
    Col {
        key: "building",
        label: "楼栋",
        aliases: &["楼栋名称", "楼号"],
        required: true,
    },
    Col {
        key: "unit",
        label: "单元",
        aliases: &["单元号"],
        required: true,
    },
    Col {
        key: "floor",
        label: "楼层",
        aliases: &["层"],
        required: true,
    },
    Col {
        key: "room",
        label: "房号",
        aliases: &["门牌号", "房间号"],
        required: true,
    },
    Col {
        key: "use",
        label: "房屋用途",
        aliases: &["用途"],
        required: true,
    },
    Col {
        key: "ownership",
        label: "产权性质",
        aliases: &["产权"],
        required: true,
    },
    Col {
        key: "occupancy",
        label: "使用状况",
        aliases: &["居住状况", "使用情况"],
        required: true,
    },
    Col {
        key: "area",
        label: "建筑面积",
        aliases: &["面积", "建筑面积（㎡）", "面积（㎡）"],
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
    entity_type: "house",
    action: "house.import",
    import_action: "houses.import",
    import_id: "houses",
};

/// How a row names its building.
#[derive(Clone, Debug, PartialEq)]
enum BuildingRef {
    Id(i64),
    Name(String),
}

impl BuildingRef {
    /// The drop-down's `name（编号12）`, a bare id, or a name.
    fn parse(raw: &str) -> BuildingRef {
        let id = match raw.rsplit_once("编号") {
            Some((_, rest)) => rest.trim_end_matches(['）', ')']).parse().ok(),
            None => raw.parse().ok(),
        };
        id.map_or_else(|| BuildingRef::Name(raw.to_owned()), BuildingRef::Id)
    }
}

pub(super) fn building_label(id: i64, name: &str) -> String {
    format!("{name}（编号{id}）")
}

/// A row checked on its own, before its building is looked up.
struct Door {
    fields: super::Fields,
    building: BuildingRef,
    grid: Option<Placed>,
}

/// Checks one row's cells as the single create would (the building still unknown).
fn parse_row(row: &sheet::Row, at: &[Option<usize>], grids: &Grids) -> Parsed<Door> {
    let mut r = Parsed::cells(&COLUMNS, row, at);
    let grid = r
        .given(0)
        .and_then(|g| grids.resolve(&g).map_err(|e| r.errors.push(e)).ok());
    let building = match r.given(1) {
        None => {
            r.errors
                .push(AppError::field("building", "required", "the building"));
            None
        }
        Some(b) => Some(BuildingRef::parse(&b)),
    };
    let mut errs = Vec::new();
    let unit = shared::parse_number(&r.cells[2], "unit", "invalid_number", &mut errs);
    let floor = shared::parse_number(&r.cells[3], "floor", "invalid_number", &mut errs);
    let area = shared::parse_number(&r.cells[8], "area", "invalid_number", &mut errs);
    r.errors.extend(errs);
    let input = super::HouseInput {
        // The building is looked up once for the whole file; its id is put in then.
        building_id: Some(0),
        unit,
        floor,
        room: r.cells[4].clone(),
        house_use: r.cells[5].clone(),
        ownership: r.cells[6].clone(),
        occupancy: r.cells[7].clone(),
        area,
        note: r.given(9),
    };
    let fields = check_fields(&input).map_err(|errs| r.add_checks(errs)).ok();
    let door = fields.zip(building).map(|(fields, building)| Door {
        fields,
        building,
        grid,
    });
    r.check(door);
    r
}

/// The building a row names among `known` (those the importer may write in).
fn find<'a>(door: &Door, known: &'a [building::Model]) -> Result<&'a building::Model, crate::FieldError> {
    let not_found = || {
        AppError::field(
            "building",
            "building_not_found",
            "no such building within your area",
        )
    };
    let in_grid = |b: &building::Model| {
        door.grid
            .as_ref()
            .is_none_or(|g| b.region_code.starts_with(g.grid.as_str()))
    };
    match &door.building {
        BuildingRef::Id(id) => known.iter().find(|b| b.id == *id).ok_or_else(not_found),
        BuildingRef::Name(name) => {
            let mut named = known.iter().filter(|b| b.name == *name && in_grid(b));
            match (named.next(), named.next()) {
                (Some(b), None) => Ok(b),
                (None, _) => Err(not_found()),
                (Some(_), Some(_)) => Err(AppError::field(
                    "building",
                    "ambiguous_building",
                    "several buildings have this name: name the grid, or choose from the list",
                )),
            }
        }
    }
}

/// Finds each row's building and fits the house in it (unit and floor among the building's).
async fn place_rows(
    app: &App,
    who: &Signed,
    rows: Vec<Parsed<Door>>,
) -> Result<Vec<Parsed<Checked>>, AppError> {
    let (mut ids, mut names) = (Vec::new(), Vec::new());
    for d in rows.iter().filter_map(|r| r.checked.as_ref()) {
        match &d.building {
            BuildingRef::Id(id) => ids.push(*id),
            BuildingRef::Name(n) => names.push(n.clone()),
        }
    }
    let scope = who.principal.scope(WRITE);
    let known = buildings::named(app.db.conn(), &who.user.district_code, &scope, &ids, &names).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let Parsed {
                line,
                cells,
                mut errors,
                checked,
            } = r;
            let checked = checked.and_then(|mut door| match find(&door, &known) {
                Err(e) => {
                    errors.push(e);
                    None
                }
                Ok(b) => {
                    door.fields.building_id = b.id;
                    fit(door.fields, b.clone()).map_err(|es| errors.extend(es)).ok()
                }
            });
            Parsed {
                line,
                cells,
                errors,
                checked,
            }
        })
        .collect())
}

/// A house's key in its building.
fn key(c: &Checked) -> Option<(i64, i32, String)> {
    Some((c.building.id, c.unit, c.fields.room.clone()))
}

/// Imports houses from an uploaded file, or (without `commit`) only checks it.
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
    let rows: Vec<Parsed<Door>> = table.rows.iter().map(|r| parse_row(r, &at, &grids)).collect();
    let mut rows = place_rows(app, who, rows).await?;
    shared::once_per_file(&mut rows, "room", "building, unit and room", key);
    let ids: Vec<i64> = rows
        .iter()
        .filter_map(|r| r.checked.as_ref().map(|c| c.building.id))
        .collect();
    let stored: HashSet<(i64, i32, String)> =
        repo::rooms_of(app.db.conn(), &ids).await?.into_iter().collect();
    for r in &mut rows {
        if r.checked
            .as_ref()
            .and_then(key)
            .is_some_and(|k| stored.contains(&k))
        {
            let e = duplicate_house();
            r.reject(AppError::field("room", e.code, e.message));
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
async fn write(
    app: &App,
    who: &Signed,
    rows: Vec<Parsed<Checked>>,
    ip: Option<String>,
) -> Result<(), AppError> {
    let now = app.clock.now();
    let txn = sea_orm::TransactionTrait::begin(app.db.conn()).await?;
    let mut written = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(checked) = r.checked else { continue };
        let h = apply(blank(who, now), checked);
        // A room recorded meanwhile aborts the whole commit (409 `duplicate_house`).
        let id = match repo::insert(&txn, h.clone()).await {
            Err(gridgov_store::StoreError::Duplicate) => return Err(duplicate_house()),
            other => other?,
        };
        let h = house::Model { id, ..h };
        written.push(Written {
            line: r.line,
            id,
            region: h.region_code.clone(),
            after: audited(&h),
        });
    }
    shared::audit_commit(&txn, &who.actor(ip), &who.user.district_code, &NAMES, &written).await?;
    txn.commit().await?;
    Ok(())
}

/// The most buildings a template's drop-down list offers (beyond, the name is typed).
const LISTED_BUILDINGS: u64 = 10_000;

/// The template's columns, with the given grids and buildings as drop-down lists.
pub(super) fn template_columns(grids: Vec<String>, buildings: Vec<String>) -> Vec<Column> {
    let labels = |l: Vec<&str>| Some(l.into_iter().map(str::to_owned).collect());
    shared::template_columns(&COLUMNS, |c, col| match c.key {
        "grid" => {
            col.choices = Some(grids.clone());
            col.width = 32.0;
            col.hint = Some("可不填；楼栋名称重复时用来区分".to_owned());
        }
        "building" => {
            col.choices = Some(buildings.clone());
            col.width = 24.0;
            col.hint = Some("从列表选择，或填写楼栋名称".to_owned());
        }
        "room" => {
            col.text = true;
            col.hint = Some("门牌上的号码，如 201；同一单元内唯一".to_owned());
        }
        "use" => col.choices = labels(HouseUse::labels()),
        "ownership" => col.choices = labels(Ownership::labels()),
        "occupancy" => col.choices = labels(Occupancy::labels()),
        "area" => col.hint = Some("平方米，可不填".to_owned()),
        "note" => col.width = 30.0,
        _ => {}
    })
}

/// The template to fill in: drop-down lists of the grids and buildings the caller may write
/// in, and of uses, ownerships and occupancies.
pub async fn template(app: &App, who: &Signed) -> Result<Download, AppError> {
    require(&who.principal, WRITE)?;
    let grids = shared::grid_list(app, who, WRITE).await?;
    let scope = who.principal.scope(WRITE);
    let listed = buildings::labels(app.db.conn(), &who.user.district_code, &scope, LISTED_BUILDINGS).await?;
    let columns = template_columns(
        grids.iter().map(|(c, n)| grid_label(c, n)).collect(),
        listed
            .iter()
            .map(|(id, name, _)| building_label(*id, name))
            .collect(),
    );
    let example = vec![
        String::new(),
        listed
            .first()
            .map(|(id, name, _)| building_label(*id, name))
            .unwrap_or_default(),
        "1".to_owned(),
        "2".to_owned(),
        "201".to_owned(),
        HouseUse::Residential.label().to_owned(),
        Ownership::Private.label().to_owned(),
        Occupancy::OwnerOccupied.label().to_owned(),
        "89.5".to_owned(),
        "示例行，导入前请删除".to_owned(),
    ];
    shared::template("房屋信息", "房屋信息导入模板.xlsx", columns, vec![example]).await
}

/// The rejected rows of a check, as a workbook to fix and import again.
pub fn error_report(report: &ImportReport) -> Result<Download, AppError> {
    shared::error_report(
        &COLUMNS,
        template_columns(Vec::new(), Vec::new()),
        report,
        "房屋信息导入错误报告.xlsx",
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

    fn parse(cells: &[&str]) -> Parsed<Door> {
        let headers: Vec<String> = COLUMNS.iter().map(|c| c.label.to_owned()).collect();
        let at = shared::map_columns(&COLUMNS, &headers).unwrap();
        let row = sheet::Row {
            line: 6,
            cells: cells.iter().map(|c| Ok((*c).to_owned())).collect(),
        };
        parse_row(&row, &at, &grids())
    }

    fn codes<T>(r: &Parsed<T>) -> Vec<String> {
        r.errors
            .iter()
            .map(|e| format!("{}:{}", e.field, e.code))
            .collect()
    }

    fn building(id: i64, name: &str, grid: &str) -> building::Model {
        let now = chrono::Utc::now();
        building::Model {
            id,
            district_code: "370105".into(),
            street_code: grid[..12].into(),
            community_code: grid[..12].into(),
            region_code: grid.into(),
            name: name.into(),
            address: None,
            floors: 6,
            units: 2,
            lon: None,
            lat: None,
            note: None,
            version: 1,
            created_by: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn a_building_is_named_by_its_label_its_id_or_its_name() {
        assert_eq!(BuildingRef::parse("3号楼（编号12）"), BuildingRef::Id(12));
        assert_eq!(BuildingRef::parse("12"), BuildingRef::Id(12));
        assert_eq!(BuildingRef::parse("3号楼"), BuildingRef::Name("3号楼".into()));
        let known = [
            building(1, "1号楼", "370105001001001"),
            building(2, "1号楼", "370105001001002"),
            building(3, "3号楼", "370105001001001"),
        ];
        let door = |grid: &str, b: &str| {
            parse(&[grid, b, "1", "2", "201", "住宅", "私产", "自住", "", ""])
                .checked
                .unwrap()
        };
        assert_eq!(find(&door("", "3号楼"), &known).unwrap().id, 3);
        assert_eq!(find(&door("", "1号楼（编号2）"), &known).unwrap().id, 2);
        assert_eq!(find(&door("幸福路网格", "1号楼"), &known).unwrap().id, 1);
        assert_eq!(
            find(&door("", "1号楼"), &known).unwrap_err().code,
            "ambiguous_building"
        );
        assert_eq!(
            find(&door("", "9号楼"), &known).unwrap_err().code,
            "building_not_found"
        );
        assert_eq!(
            find(&door("", "99"), &known).unwrap_err().code,
            "building_not_found"
        );
        // The unit and floor must be the building's.
        let mut d = door("", "3号楼");
        d.fields.unit = 3;
        let e = fit(d.fields, known[2].clone()).err().unwrap();
        assert_eq!(e[0].code, "unit_out_of_range");
    }

    #[test]
    fn a_bad_row_gets_every_error_at_once() {
        let r = parse(&["月亮网格", "", "一", "2", "2 01", "宫殿", "", "自住", "-5", ""]);
        assert_eq!(
            codes(&r),
            [
                "grid:region_not_found",
                "building:required",
                "unit:invalid_number",
                "room:room_characters",
                "use:unknown_use",
                "ownership:required",
                "area:area_out_of_range",
            ]
        );
        assert!(r.checked.is_none());
    }
}
