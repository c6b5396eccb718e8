//! The registry's facilities (部件): street lamps, manhole covers, hydrants and the like, each at
//! a point, with its state. The grid is where the point is (the locator finds it) unless the
//! form names one, and either way the caller must be able to write there.

pub mod export;
pub mod import;

use super::{
    Change, HistoryEntry, Placed, Row, grid_field, kind, kind_filter, place, point, record_row,
    region_filter, text, visible, window,
};
use crate::access::require;
use crate::auth::Signed;
use crate::{App, AppError, ErrorKind, FieldError};
use gridgov_domain::places::check_facility_code;
use gridgov_domain::registry::{FacilityKind, FacilityState, Kind};
use gridgov_domain::{RegionCode, RegionLevel};
use gridgov_geo::{Crs, LonLat};
use gridgov_store::entity::facility;
use gridgov_store::facilities::{self as repo, FacilityFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Seeing facilities.
pub const READ: &str = "registry:facility:read";
/// Recording and editing facilities.
pub const WRITE: &str = "registry:facility:write";

/// A facility as an operator or grid worker enters it (or edits it: the whole record).
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct FacilityInput {
    /// `street_lamp`, `manhole_cover`, `fire_hydrant`, … (or 路灯, 井盖, 消防栓, …).
    #[serde(default)]
    pub kind: String,
    /// 部件编码 (letters, digits, hyphens, at most 32); once in the district.
    pub code: Option<String>,
    /// Where it stands (required).
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// The point's coordinate system: `wgs84` (the default) or `gcj02` (Amap, Tencent), stored
    /// converted to WGS84.
    pub crs: Option<String>,
    /// The grid (or sub-grid); left out, the grid the point lies in.
    pub grid: Option<String>,
    /// `normal`, `damaged`, `missing`, `removed` (or 完好, 损坏, 缺失, 已拆除); `normal` when
    /// left out.
    pub state: Option<String>,
    /// The department that owns and maintains it, e.g. 城管局.
    pub owner_department: Option<String>,
    pub note: Option<String>,
}

/// A facility as lists and pages show it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FacilityView {
    pub id: i64,
    pub grid: String,
    pub community: String,
    pub street: String,
    pub kind: String,
    pub code: Option<String>,
    /// WGS84.
    pub lon: f64,
    pub lat: f64,
    pub state: String,
    pub owner_department: Option<String>,
    pub note: Option<String>,
    pub version: i32,
}

fn view(f: facility::Model) -> FacilityView {
    FacilityView {
        id: f.id,
        grid: f.region_code,
        community: f.community_code,
        street: f.street_code,
        kind: f.kind,
        code: f.code,
        lon: f.lon,
        lat: f.lat,
        state: f.state,
        owner_department: f.owner_department,
        note: f.note,
        version: f.version,
    }
}

/// A page of facilities with the total.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FacilityPage {
    pub items: Vec<FacilityView>,
    pub total: u64,
}

/// A facility's fields, checked (every field error at once) but not yet placed.
struct Fields {
    kind: FacilityKind,
    code: Option<String>,
    point: LonLat,
    /// None: the grid the point lies in.
    grid: Option<RegionCode>,
    state: FacilityState,
    owner_department: Option<String>,
    note: Option<String>,
}

fn check_fields(input: &FacilityInput) -> Result<Fields, Vec<FieldError>> {
    let mut errs = Vec::new();
    let facility_kind = kind::<FacilityKind>("kind", &input.kind, "unknown_kind", &mut errs);
    let code = match input.code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => Some(None),
        Some(c) => check_facility_code(c)
            .map(Some)
            .map_err(|code| {
                errs.push(AppError::field(
                    "code",
                    code,
                    "letters, digits and hyphens, at most 32",
                ))
            })
            .ok(),
    };
    let point = match point(input.lon, input.lat, input.crs.as_deref(), &mut errs) {
        Some(Some(p)) => Some(p),
        Some(None) => {
            for f in ["lon", "lat"] {
                errs.push(AppError::field(f, "required", "where the facility stands"));
            }
            None
        }
        None => None,
    };
    let grid = match input.grid.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
        None => Some(None),
        Some(g) => grid_field("grid", g, &mut errs).map(Some),
    };
    let state = match input.state.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(FacilityState::Normal),
        Some(s) => kind::<FacilityState>("state", s, "unknown_state", &mut errs),
    };
    let owner_department = text("owner_department", &input.owner_department, 100, &mut errs);
    let note = text("note", &input.note, 500, &mut errs);
    match (facility_kind, code, point, grid, state) {
        (Some(kind), Some(code), Some(point), Some(grid), Some(state)) if errs.is_empty() => Ok(Fields {
            kind,
            code,
            point,
            grid,
            state,
            owner_department,
            note,
        }),
        _ => Err(errs),
    }
}

/// The grid (or sub-grid) of the caller's district a point lies in, as a field error when
/// there is none.
fn grid_at(app: &App, who: &Signed, p: LonLat) -> Result<RegionCode, AppError> {
    let hit = match crate::regions::locate(app, p.lon, p.lat, Crs::Wgs84) {
        Ok((_, hit)) => hit,
        // Outside every district the locator answers not found; for a form it is a field.
        Err(e) if e.code == "outside_district" => Default::default(),
        Err(e) => return Err(e),
    };
    let in_district = hit
        .district
        .as_ref()
        .is_some_and(|d| d.code.as_str() == who.user.district_code);
    if !in_district {
        return Err(AppError::invalid_field(
            "lon,lat",
            "outside_district",
            "the point is outside the district",
        ));
    }
    hit.subgrid
        .as_ref()
        .or(hit.grid.as_ref())
        .map(|g| g.code.clone())
        .filter(|g| matches!(g.level(), RegionLevel::Grid | RegionLevel::Subgrid))
        .ok_or_else(|| {
            AppError::invalid_field(
                "grid",
                "no_grid_at_point",
                "the point lies in no grid: name the grid",
            )
        })
}

/// Checks a facility's fields and places it in a grid the caller may write in: the one named,
/// or the one its point lies in.
async fn check(app: &App, who: &Signed, input: &FacilityInput) -> Result<(Fields, Placed), AppError> {
    let f = check_fields(input).map_err(AppError::invalid)?;
    let grid = match &f.grid {
        Some(g) => g.clone(),
        None => grid_at(app, who, f.point)?,
    };
    let placed = place(app, who, WRITE, &grid).await?;
    Ok((f, placed))
}

fn apply(mut m: facility::Model, (f, placed): (Fields, Placed)) -> facility::Model {
    m.region_code = placed.grid.to_string();
    m.community_code = placed.community;
    m.street_code = placed.street;
    m.kind = f.kind.code().to_owned();
    m.code = f.code;
    m.lon = f.point.lon;
    m.lat = f.point.lat;
    m.state = f.state.code().to_owned();
    m.owner_department = f.owner_department;
    m.note = f.note;
    m
}

fn row(f: &facility::Model) -> Row<'_> {
    Row {
        entity_type: "facility",
        id: f.id,
        district: &f.district_code,
        region: &f.region_code,
    }
}

fn audited(f: &facility::Model) -> serde_json::Value {
    serde_json::to_value(view(f.clone())).unwrap_or_default()
}

/// Maps the unique code's violation to `duplicate_facility_code`.
fn or_duplicate<T>(r: Result<T, gridgov_store::StoreError>) -> Result<T, AppError> {
    match r {
        Err(gridgov_store::StoreError::Duplicate) => Err(AppError::new(
            ErrorKind::Conflict,
            "duplicate_facility_code",
            "a facility with this code is already recorded in the district",
        )),
        other => Ok(other?),
    }
}

/// A new facility of the caller's district, before its fields are applied.
fn blank(who: &Signed, now: chrono::DateTime<chrono::Utc>) -> facility::Model {
    facility::Model {
        id: 0,
        district_code: who.user.district_code.clone(),
        street_code: String::new(),
        community_code: String::new(),
        region_code: String::new(),
        kind: String::new(),
        code: None,
        lon: 0.0,
        lat: 0.0,
        state: String::new(),
        owner_department: None,
        note: None,
        version: 1,
        created_by: Some(who.user.id),
        created_at: now,
        updated_at: now,
    }
}

/// Records a facility in a grid the caller may write in.
pub async fn create(
    app: &App,
    who: &Signed,
    input: FacilityInput,
    ip: Option<String>,
) -> Result<FacilityView, AppError> {
    require(&who.principal, WRITE)?;
    let checked = check(app, who, &input).await?;
    let f = apply(blank(who, app.clock.now()), checked);
    let txn = sea_orm::TransactionTrait::begin(app.db.conn()).await?;
    let id = or_duplicate(repo::insert(&txn, f.clone()).await)?;
    let f = facility::Model { id, ..f };
    let after = audited(&f);
    record_row(&txn, who, ip, row(&f), "facility.create", Change::created(&after)).await?;
    txn.commit().await?;
    Ok(view(f))
}

/// Edits a facility the caller may write, with the version they read (409 `stale_version`
/// otherwise).
pub async fn update(
    app: &App,
    who: &Signed,
    id: i64,
    input: FacilityInput,
    version: i32,
    ip: Option<String>,
) -> Result<FacilityView, AppError> {
    let old = readable(app, who, WRITE, id).await?;
    let checked = check(app, who, &input).await?;
    let mut new = apply(old.clone(), checked);
    new.version = old.version + 1;
    new.updated_at = app.clock.now();
    let txn = sea_orm::TransactionTrait::begin(app.db.conn()).await?;
    or_duplicate(repo::update(&txn, &new, version).await)?;
    let (before, after) = (audited(&old), audited(&new));
    record_row(
        &txn,
        who,
        ip,
        row(&new),
        "facility.update",
        Change::updated(&before, &after),
    )
    .await?;
    txn.commit().await?;
    Ok(view(new))
}

/// A facility the caller may `perm`, or not found (out of scope reads as not found).
async fn readable(app: &App, who: &Signed, perm: &str, id: i64) -> Result<facility::Model, AppError> {
    require(&who.principal, perm)?;
    let f = repo::by_id(app.db.conn(), id).await?;
    let not_found = AppError::not_found("facility_not_found", format!("no facility {id}"));
    visible(who, perm, f, |f| (&f.district_code, &f.region_code), not_found)
}

pub async fn get(app: &App, who: &Signed, id: i64) -> Result<FacilityView, AppError> {
    readable(app, who, READ, id).await.map(view)
}

/// A facility's change history, newest first. Readers of the facility see it.
pub async fn history(app: &App, who: &Signed, id: i64) -> Result<Vec<HistoryEntry>, AppError> {
    let f = readable(app, who, READ, id).await?;
    super::history_of(app, &f.district_code, "facility", id).await
}

/// A list's filter and page.
#[derive(Clone, Debug, Default)]
pub struct FacilityQuery {
    pub region: Option<String>,
    pub kind: Option<String>,
    pub state: Option<String>,
    /// `min_lon,min_lat,max_lon,max_lat` in WGS84.
    pub bbox: Option<String>,
    pub page: u64,
    pub page_size: u64,
}

/// A list's (and an export's) filter, checked: every field error at once.
fn filter(q: &FacilityQuery) -> Result<FacilityFilter, AppError> {
    let mut errs = Vec::new();
    let f = FacilityFilter {
        region: region_filter(&q.region, &mut errs),
        kind: kind_filter::<FacilityKind>("kind", &q.kind, "unknown_kind", &mut errs),
        state: kind_filter::<FacilityState>("state", &q.state, "unknown_state", &mut errs),
        bbox: bbox_filter(&q.bbox, &mut errs),
    };
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    Ok(f)
}

/// A map's box: four numbers, west below east and south below north.
fn bbox_filter(raw: &Option<String>, errs: &mut Vec<FieldError>) -> Option<[f64; 4]> {
    let raw = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    let n: Option<Vec<f64>> = raw.split(',').map(|x| x.trim().parse().ok()).collect();
    match n.as_deref() {
        Some(&[w, s, e, n])
            if w <= e && s <= n && LonLat::new(w, s).is_valid() && LonLat::new(e, n).is_valid() =>
        {
            Some([w, s, e, n])
        }
        _ => {
            errs.push(AppError::field(
                "bbox",
                "invalid_bbox",
                "min_lon,min_lat,max_lon,max_lat",
            ));
            None
        }
    }
}

/// Facilities in the caller's scope matching the filter, newest first.
pub async fn list(app: &App, who: &Signed, q: FacilityQuery) -> Result<FacilityPage, AppError> {
    require(&who.principal, READ)?;
    let f = filter(&q)?;
    let (offset, limit) = window(q.page, q.page_size);
    let scope = who.principal.scope(READ);
    let (rows, total) = repo::list(app.db.conn(), &who.user.district_code, &scope, &f, offset, limit).await?;
    Ok(FacilityPage {
        items: rows.into_iter().map(view).collect(),
        total,
    })
}
