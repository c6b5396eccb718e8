//! The registry's buildings (楼栋): where houses are. A building stands in a grid, with its
//! floors and units (stairwells) counted so that a house's unit and floor can be checked, and
//! optionally the point a map shows it at.

pub mod export;
pub mod import;

use super::{
    Change, Placed, Row, grid_field, place, point, record_row, region_filter, text, visible, window,
};
use crate::access::require;
use crate::auth::Signed;
use crate::{App, AppError, FieldError};
use gridgov_domain::RegionCode;
use gridgov_domain::places::{check_floors, check_units};
use gridgov_geo::LonLat;
use gridgov_store::buildings::{self as repo, BuildingFilter};
use gridgov_store::entity::building;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Seeing buildings and houses.
pub const READ: &str = "registry:house:read";
/// Recording and editing buildings and houses.
pub const WRITE: &str = "registry:house:write";

/// A building as an operator or grid worker enters it (or edits it: the whole record).
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct BuildingInput {
    /// The grid (or sub-grid) the building stands in.
    #[serde(default)]
    pub grid: String,
    /// As residents say it, e.g. `3号楼`.
    #[serde(default)]
    pub name: String,
    pub address: Option<String>,
    /// 1 to 200.
    pub floors: Option<i64>,
    /// Units (单元, stairwells): 1 to 50.
    pub units: Option<i64>,
    /// Where a map shows it: both or neither.
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// The point's coordinate system: `wgs84` (the default: phones' GPS, 天地图) or `gcj02`
    /// (Amap, Tencent), which is stored converted to WGS84.
    pub crs: Option<String>,
    pub note: Option<String>,
}

/// A building as lists and pages show it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct BuildingView {
    pub id: i64,
    pub grid: String,
    pub community: String,
    pub street: String,
    pub name: String,
    pub address: Option<String>,
    pub floors: i32,
    pub units: i32,
    /// WGS84.
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub note: Option<String>,
    pub version: i32,
}

fn view(b: building::Model) -> BuildingView {
    BuildingView {
        id: b.id,
        grid: b.region_code,
        community: b.community_code,
        street: b.street_code,
        name: b.name,
        address: b.address,
        floors: b.floors,
        units: b.units,
        lon: b.lon,
        lat: b.lat,
        note: b.note,
        version: b.version,
    }
}

/// A page of buildings with the total.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct BuildingPage {
    pub items: Vec<BuildingView>,
    pub total: u64,
}

/// A building's fields, checked (every field error at once) but not yet placed.
struct Fields {
    grid: RegionCode,
    name: String,
    address: Option<String>,
    floors: i32,
    units: i32,
    point: Option<LonLat>,
    note: Option<String>,
}

/// A count that must be given and lie in a range.
fn count(
    field: &str,
    v: Option<i64>,
    check: fn(i64) -> Result<i32, &'static str>,
    errs: &mut Vec<FieldError>,
) -> Option<i32> {
    let Some(v) = v else {
        errs.push(AppError::field(
            field,
            "required",
            format!("the number of {field}"),
        ));
        return None;
    };
    check(v)
        .map_err(|code| errs.push(AppError::field(field, code, format!("{field} out of range"))))
        .ok()
}

fn check_fields(input: &BuildingInput) -> Result<Fields, Vec<FieldError>> {
    let mut errs = Vec::new();
    let grid = grid_field("grid", &input.grid, &mut errs);
    let name = text("name", &Some(input.name.clone()), 64, &mut errs);
    if name.is_none() && !errs.iter().any(|e| e.field == "name") {
        errs.push(AppError::field("name", "required", "a name is required"));
    }
    let address = text("address", &input.address, 200, &mut errs);
    let floors = count("floors", input.floors, check_floors, &mut errs);
    let units = count("units", input.units, check_units, &mut errs);
    let point = point(input.lon, input.lat, input.crs.as_deref(), &mut errs);
    let note = text("note", &input.note, 500, &mut errs);
    match (grid, name, floors, units, point) {
        (Some(grid), Some(name), Some(floors), Some(units), Some(point)) if errs.is_empty() => Ok(Fields {
            grid,
            name,
            address,
            floors,
            units,
            point,
            note,
        }),
        _ => Err(errs),
    }
}

/// Checks a building's fields and places it in a grid the caller may write in.
async fn check(app: &App, who: &Signed, input: &BuildingInput) -> Result<(Fields, Placed), AppError> {
    let f = check_fields(input).map_err(AppError::invalid)?;
    let placed = place(app, who, WRITE, &f.grid).await?;
    Ok((f, placed))
}

fn apply(mut b: building::Model, (f, placed): (Fields, Placed)) -> building::Model {
    b.region_code = placed.grid.to_string();
    b.community_code = placed.community;
    b.street_code = placed.street;
    b.name = f.name;
    b.address = f.address;
    b.floors = f.floors;
    b.units = f.units;
    b.lon = f.point.map(|p| p.lon);
    b.lat = f.point.map(|p| p.lat);
    b.note = f.note;
    b
}

fn row(b: &building::Model) -> Row<'_> {
    Row {
        entity_type: "building",
        id: b.id,
        district: &b.district_code,
        region: &b.region_code,
    }
}

fn audited(b: &building::Model) -> serde_json::Value {
    serde_json::to_value(view(b.clone())).unwrap_or_default()
}

/// A new building of the caller's district, before its fields are applied.
fn blank(who: &Signed, now: chrono::DateTime<chrono::Utc>) -> building::Model {
    building::Model {
        id: 0,
        district_code: who.user.district_code.clone(),
        street_code: String::new(),
        community_code: String::new(),
        region_code: String::new(),
        name: String::new(),
        address: None,
        floors: 0,
        units: 0,
        lon: None,
        lat: None,
        note: None,
        version: 1,
        created_by: Some(who.user.id),
        created_at: now,
        updated_at: now,
    }
}

/// Records a building in a grid the caller may write in.
pub async fn create(
    app: &App,
    who: &Signed,
    input: BuildingInput,
    ip: Option<String>,
) -> Result<BuildingView, AppError> {
    require(&who.principal, WRITE)?;
    let checked = check(app, who, &input).await?;
    let b = apply(blank(who, app.clock.now()), checked);
    let txn = sea_orm::TransactionTrait::begin(app.db.conn()).await?;
    let id = repo::insert(&txn, b.clone()).await?;
    let b = building::Model { id, ..b };
    let after = audited(&b);
    record_row(&txn, who, ip, row(&b), "building.create", Change::created(&after)).await?;
    txn.commit().await?;
    Ok(view(b))
}

/// Edits a building the caller may write, with the version they read (409 `stale_version`
/// otherwise). It may not lose a floor or a unit a house is on; moved to another grid, its
/// houses move with it.
pub async fn update(
    app: &App,
    who: &Signed,
    id: i64,
    input: BuildingInput,
    version: i32,
    ip: Option<String>,
) -> Result<BuildingView, AppError> {
    let old = readable(app, who, WRITE, id).await?;
    let checked = check(app, who, &input).await?;
    let (max_unit, max_floor) = gridgov_store::houses::extent(app.db.conn(), id).await?;
    let mut errs = Vec::new();
    if max_floor.is_some_and(|m| checked.0.floors < m) {
        errs.push(AppError::field(
            "floors",
            "below_houses",
            "a house is on a higher floor",
        ));
    }
    if max_unit.is_some_and(|m| checked.0.units < m) {
        errs.push(AppError::field(
            "units",
            "below_houses",
            "a house is in a higher unit",
        ));
    }
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let mut new = apply(old.clone(), checked);
    new.version = old.version + 1;
    new.updated_at = app.clock.now();
    let txn = sea_orm::TransactionTrait::begin(app.db.conn()).await?;
    repo::update(&txn, &new, version).await?;
    if new.region_code != old.region_code {
        gridgov_store::houses::relocate(&txn, &new).await?;
    }
    let (before, after) = (audited(&old), audited(&new));
    record_row(
        &txn,
        who,
        ip,
        row(&new),
        "building.update",
        Change::updated(&before, &after),
    )
    .await?;
    txn.commit().await?;
    Ok(view(new))
}

/// A building the caller may `perm`, or not found (out of scope reads as not found).
pub(crate) async fn readable(
    app: &App,
    who: &Signed,
    perm: &str,
    id: i64,
) -> Result<building::Model, AppError> {
    require(&who.principal, perm)?;
    let b = repo::by_id(app.db.conn(), id).await?;
    let not_found = AppError::not_found("building_not_found", format!("no building {id}"));
    visible(who, perm, b, |b| (&b.district_code, &b.region_code), not_found)
}

pub async fn get(app: &App, who: &Signed, id: i64) -> Result<BuildingView, AppError> {
    readable(app, who, READ, id).await.map(view)
}

/// A building's change history, newest first. Readers of it see it.
pub async fn history(app: &App, who: &Signed, id: i64) -> Result<Vec<super::HistoryEntry>, AppError> {
    let r = readable(app, who, READ, id).await?;
    super::history_of(app, &r.district_code, "building", id).await
}

/// A list's filter and page.
#[derive(Clone, Debug, Default)]
pub struct BuildingQuery {
    /// The start of a name.
    pub name: Option<String>,
    pub region: Option<String>,
    pub page: u64,
    pub page_size: u64,
}

/// A list's (and an export's) filter, checked.
fn filter(q: &BuildingQuery) -> Result<BuildingFilter, AppError> {
    let mut errs = Vec::new();
    let f = BuildingFilter {
        name_prefix: q
            .name
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        region: region_filter(&q.region, &mut errs),
    };
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    Ok(f)
}

/// Buildings in the caller's scope matching the filter, newest first.
pub async fn list(app: &App, who: &Signed, q: BuildingQuery) -> Result<BuildingPage, AppError> {
    require(&who.principal, READ)?;
    let f = filter(&q)?;
    let (offset, limit) = window(q.page, q.page_size);
    let scope = who.principal.scope(READ);
    let (rows, total) = repo::list(app.db.conn(), &who.user.district_code, &scope, &f, offset, limit).await?;
    Ok(BuildingPage {
        items: rows.into_iter().map(view).collect(),
        total,
    })
}
