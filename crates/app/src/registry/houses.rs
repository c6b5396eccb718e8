//! The registry's houses (房屋): a door in a unit of a building, with its use, ownership and who
//! lives there (rented houses are where floating residents are). A house copies its building's
//! location, so its scope is its building's.

pub mod export;
pub mod import;

use super::buildings::{READ, WRITE};
use super::{Change, Row, kind, kind_filter, record_row, region_filter, text, visible, window};
use crate::access::require;
use crate::auth::Signed;
use crate::{App, AppError, ErrorKind, FieldError};
use gridgov_domain::places::{check_area, check_floor_in, check_room, check_unit_in};
use gridgov_domain::registry::{HouseUse, Kind, Occupancy, Ownership};
use gridgov_store::entity::{building, house};
use gridgov_store::houses::{self as repo, HouseFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A house as an operator or grid worker enters it (or edits it: the whole record).
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct HouseInput {
    /// The building it is in; the caller must be able to write there.
    pub building_id: Option<i64>,
    /// 1 to the building's units.
    pub unit: Option<i64>,
    /// 1 to the building's floors.
    pub floor: Option<i64>,
    /// The number on the door, e.g. `201` (letters, digits, hyphens); once per unit.
    #[serde(default)]
    pub room: String,
    /// `residential`, `commercial`, `mixed`, `office`, `industrial`, `other` (or 住宅, 商业, …).
    #[serde(default, rename = "use")]
    pub house_use: String,
    /// `private`, `public`, `unit`, `collective`, `other` (or 私产, 公产, …).
    #[serde(default)]
    pub ownership: String,
    /// `owner_occupied`, `rented`, `vacant`, `other` (or 自住, 出租, 空置, 其他).
    #[serde(default)]
    pub occupancy: String,
    /// Floor area in m²: above 0, at most 100,000.
    pub area: Option<f64>,
    pub note: Option<String>,
}

/// A house as lists and pages show it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HouseView {
    pub id: i64,
    pub building_id: i64,
    /// The building's grid.
    pub grid: String,
    pub community: String,
    pub street: String,
    pub unit: i32,
    pub floor: i32,
    pub room: String,
    #[serde(rename = "use")]
    pub house_use: String,
    pub ownership: String,
    pub occupancy: String,
    pub area: Option<f64>,
    pub note: Option<String>,
    pub version: i32,
}

fn view(h: house::Model) -> HouseView {
    HouseView {
        id: h.id,
        building_id: h.building_id,
        grid: h.region_code,
        community: h.community_code,
        street: h.street_code,
        unit: h.unit,
        floor: h.floor,
        room: h.room,
        house_use: h.house_use,
        ownership: h.ownership,
        occupancy: h.occupancy,
        area: h.area,
        note: h.note,
        version: h.version,
    }
}

/// A page of houses with the total.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HousePage {
    pub items: Vec<HouseView>,
    pub total: u64,
}

/// A house's fields, checked (every field error at once); the unit and floor are checked
/// against the building later.
struct Fields {
    building_id: i64,
    unit: i64,
    floor: i64,
    room: String,
    house_use: HouseUse,
    ownership: Ownership,
    occupancy: Occupancy,
    area: Option<f64>,
    note: Option<String>,
}

fn required<T: Copy>(field: &str, v: Option<T>, errs: &mut Vec<FieldError>) -> Option<T> {
    if v.is_none() {
        errs.push(AppError::field(field, "required", format!("{field} is required")));
    }
    v
}

fn check_fields(input: &HouseInput) -> Result<Fields, Vec<FieldError>> {
    let mut errs = Vec::new();
    let building_id = required("building_id", input.building_id, &mut errs);
    let unit = required("unit", input.unit, &mut errs);
    let floor = required("floor", input.floor, &mut errs);
    let room = check_room(&input.room)
        .map_err(|code| {
            errs.push(AppError::field(
                "room",
                code,
                "the number on the door: letters, digits, hyphens",
            ))
        })
        .ok();
    let house_use = kind::<HouseUse>("use", &input.house_use, "unknown_use", &mut errs);
    let ownership = kind::<Ownership>("ownership", &input.ownership, "unknown_ownership", &mut errs);
    let occupancy = kind::<Occupancy>("occupancy", &input.occupancy, "unknown_occupancy", &mut errs);
    let area = match input.area.map(check_area) {
        None => Some(None),
        Some(Ok(a)) => Some(Some(a)),
        Some(Err(code)) => {
            errs.push(AppError::field("area", code, "m², above 0 and at most 100000"));
            None
        }
    };
    let note = text("note", &input.note, 500, &mut errs);
    match (
        building_id,
        unit,
        floor,
        room,
        house_use,
        ownership,
        occupancy,
        area,
    ) {
        (
            Some(building_id),
            Some(unit),
            Some(floor),
            Some(room),
            Some(house_use),
            Some(ownership),
            Some(occupancy),
            Some(area),
        ) if errs.is_empty() => Ok(Fields {
            building_id,
            unit,
            floor,
            room,
            house_use,
            ownership,
            occupancy,
            area,
            note,
        }),
        _ => Err(errs),
    }
}

/// A house's fields checked, in a building the caller may write in, on one of its units and
/// floors.
struct Checked {
    fields: Fields,
    building: building::Model,
    unit: i32,
    floor: i32,
}

async fn check(app: &App, who: &Signed, input: &HouseInput) -> Result<Checked, AppError> {
    let fields = check_fields(input).map_err(AppError::invalid)?;
    let building = super::buildings::readable(app, who, WRITE, fields.building_id).await?;
    fit(fields, building).map_err(AppError::invalid)
}

/// A house's fields in its building: its unit and floor must be among the building's.
fn fit(fields: Fields, building: building::Model) -> Result<Checked, Vec<FieldError>> {
    let mut errs = Vec::new();
    let unit = check_unit_in(fields.unit, building.units)
        .map_err(|code| errs.push(AppError::field("unit", code, format!("1 to {}", building.units))));
    let floor = check_floor_in(fields.floor, building.floors).map_err(|code| {
        errs.push(AppError::field(
            "floor",
            code,
            format!("1 to {}", building.floors),
        ))
    });
    match (unit, floor) {
        (Ok(unit), Ok(floor)) => Ok(Checked {
            fields,
            building,
            unit,
            floor,
        }),
        _ => Err(errs),
    }
}

fn apply(mut h: house::Model, c: Checked) -> house::Model {
    let (f, b) = (c.fields, c.building);
    h.building_id = b.id;
    h.street_code = b.street_code;
    h.community_code = b.community_code;
    h.region_code = b.region_code;
    h.unit = c.unit;
    h.floor = c.floor;
    h.room = f.room;
    h.house_use = f.house_use.code().to_owned();
    h.ownership = f.ownership.code().to_owned();
    h.occupancy = f.occupancy.code().to_owned();
    h.area = f.area;
    h.note = f.note;
    h
}

fn row(h: &house::Model) -> Row<'_> {
    Row {
        entity_type: "house",
        id: h.id,
        district: &h.district_code,
        region: &h.region_code,
    }
}

fn audited(h: &house::Model) -> serde_json::Value {
    serde_json::to_value(view(h.clone())).unwrap_or_default()
}

fn duplicate_house() -> AppError {
    AppError::new(
        ErrorKind::Conflict,
        "duplicate_house",
        "the unit of the building has a house with this room number",
    )
}

/// A new house of the caller's district, before its fields are applied.
fn blank(who: &Signed, now: chrono::DateTime<chrono::Utc>) -> house::Model {
    house::Model {
        id: 0,
        district_code: who.user.district_code.clone(),
        street_code: String::new(),
        community_code: String::new(),
        region_code: String::new(),
        building_id: 0,
        unit: 0,
        floor: 0,
        room: String::new(),
        house_use: String::new(),
        ownership: String::new(),
        occupancy: String::new(),
        area: None,
        note: None,
        version: 1,
        created_by: Some(who.user.id),
        created_at: now,
        updated_at: now,
    }
}

/// Records a house in a building the caller may write in.
pub async fn create(
    app: &App,
    who: &Signed,
    input: HouseInput,
    ip: Option<String>,
) -> Result<HouseView, AppError> {
    require(&who.principal, WRITE)?;
    let checked = check(app, who, &input).await?;
    let h = apply(blank(who, app.clock.now()), checked);
    let txn = sea_orm::TransactionTrait::begin(app.db.conn()).await?;
    let id = match repo::insert(&txn, h.clone()).await {
        Err(gridgov_store::StoreError::Duplicate) => return Err(duplicate_house()),
        other => other?,
    };
    let h = house::Model { id, ..h };
    let after = audited(&h);
    record_row(&txn, who, ip, row(&h), "house.create", Change::created(&after)).await?;
    txn.commit().await?;
    Ok(view(h))
}

/// Edits a house the caller may write, with the version they read (409 `stale_version`
/// otherwise); it may move to another building the caller may write in.
pub async fn update(
    app: &App,
    who: &Signed,
    id: i64,
    input: HouseInput,
    version: i32,
    ip: Option<String>,
) -> Result<HouseView, AppError> {
    let old = readable(app, who, WRITE, id).await?;
    let checked = check(app, who, &input).await?;
    let mut new = apply(old.clone(), checked);
    new.version = old.version + 1;
    new.updated_at = app.clock.now();
    let txn = sea_orm::TransactionTrait::begin(app.db.conn()).await?;
    match repo::update(&txn, &new, version).await {
        Err(gridgov_store::StoreError::Duplicate) => return Err(duplicate_house()),
        other => other?,
    }
    let (before, after) = (audited(&old), audited(&new));
    record_row(
        &txn,
        who,
        ip,
        row(&new),
        "house.update",
        Change::updated(&before, &after),
    )
    .await?;
    txn.commit().await?;
    Ok(view(new))
}

/// A house the caller may `perm`, or not found (out of scope reads as not found).
pub(crate) async fn readable(app: &App, who: &Signed, perm: &str, id: i64) -> Result<house::Model, AppError> {
    require(&who.principal, perm)?;
    let h = repo::by_id(app.db.conn(), id).await?;
    let not_found = AppError::not_found("house_not_found", format!("no house {id}"));
    visible(who, perm, h, |h| (&h.district_code, &h.region_code), not_found)
}

pub async fn get(app: &App, who: &Signed, id: i64) -> Result<HouseView, AppError> {
    readable(app, who, READ, id).await.map(view)
}

/// A house's change history, newest first. Readers of it see it.
pub async fn history(app: &App, who: &Signed, id: i64) -> Result<Vec<super::HistoryEntry>, AppError> {
    let r = readable(app, who, READ, id).await?;
    super::history_of(app, &r.district_code, "house", id).await
}

/// A list's filter and page.
#[derive(Clone, Debug, Default)]
pub struct HouseQuery {
    pub building_id: Option<i64>,
    pub region: Option<String>,
    pub occupancy: Option<String>,
    pub page: u64,
    pub page_size: u64,
}

/// A list's (and an export's) filter, checked: every field error at once.
fn filter(q: &HouseQuery) -> Result<HouseFilter, AppError> {
    let mut errs = Vec::new();
    let f = HouseFilter {
        building_id: q.building_id,
        region: region_filter(&q.region, &mut errs),
        occupancy: kind_filter::<Occupancy>("occupancy", &q.occupancy, "unknown_occupancy", &mut errs),
    };
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    Ok(f)
}

/// Houses in the caller's scope matching the filter, newest first.
pub async fn list(app: &App, who: &Signed, q: HouseQuery) -> Result<HousePage, AppError> {
    require(&who.principal, READ)?;
    let f = filter(&q)?;
    let (offset, limit) = window(q.page, q.page_size);
    let scope = who.principal.scope(READ);
    let (rows, total) = repo::list(app.db.conn(), &who.user.district_code, &scope, &f, offset, limit).await?;
    Ok(HousePage {
        items: rows.into_iter().map(view).collect(),
        total,
    })
}
