//! The registry's people (实有人口), private by design.
//!
//! An ID number is checked (GB 11643: check digit, birth date; a 15-digit number becomes 18),
//! gives the person's sex and birth date, and is then kept only sealed (`vault`), as a blind
//! index for exact search and in masked form for every list and page. A phone number likewise.
//! Seeing a number whole is a separate action, `reveal`, for roles granted
//! `registry:person:reveal`, and each reveal is in the audit log. The audit log itself only ever
//! holds masked numbers.
//!
//! The places (buildings, houses), households, organisations, care groups and facilities of the
//! registry are in the submodules, and its counts per region in [`counts`]; a person's
//! household is checked by [`households`].

pub mod buildings;
pub mod care;
pub mod counts;
pub mod facilities;
pub mod households;
pub mod houses;
pub mod orgs;

use crate::access::require;
use crate::audit::{Event, record};
use crate::auth::Signed;
use crate::{App, AppError, ErrorKind};
use chrono::{DateTime, NaiveDate, Utc};
use gridgov_domain::idcard::IdNumber;
use gridgov_domain::phone::ContactPhone;
use gridgov_domain::registry::{Kind, PersonKind, Relation};
use gridgov_domain::sla::shanghai;
use gridgov_domain::{RegionCode, RegionLevel};
use gridgov_store::entity::person;
use gridgov_store::people::{self as repo, PersonFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The field names sealed values and blind indexes are bound to.
pub(crate) const ID_FIELD: &str = "person.id_number";
pub(crate) const PHONE_FIELD: &str = "person.phone";

/// A new person, as an operator or grid worker enters it.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct PersonInput {
    pub name: String,
    /// `registered`, `floating` or `overseas` (or 户籍人口, 流动人口, 境外人员).
    pub kind: String,
    /// The grid (or sub-grid) the person lives in (in a household collection, blank means the
    /// household's grid).
    #[serde(default)]
    pub grid: String,
    /// 18 digits (the last may be X) or a legacy 15-digit number.
    pub id_number: Option<String>,
    /// A mobile number or a landline.
    pub phone: Option<String>,
    pub address: Option<String>,
    pub note: Option<String>,
    /// The household the person belongs to, readable by the caller and in the person's grid
    /// tree. Left out: as stored; null: leaves the household (and the relation goes with it).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub household_id: Option<Option<i64>>,
    /// Relation to the household's head (`head`, `spouse`, … or 户主, 配偶, …); a household has
    /// at most one head. Left out (null): as stored; empty: removed.
    pub relation: Option<String>,
}

/// A field that may be left out (`None`), null (`Some(None)`) or given (`Some(Some(v))`).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A person as lists and pages show them: numbers masked.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PersonView {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub sex: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub grid: String,
    pub community: String,
    pub street: String,
    /// e.g. `370105********1234`.
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub note: Option<String>,
    pub household_id: Option<i64>,
    /// Relation to the household's head.
    pub relation: Option<String>,
    pub version: i32,
}

pub(crate) fn view(p: person::Model) -> PersonView {
    PersonView {
        id: p.id,
        name: p.name,
        kind: p.kind,
        sex: p.sex,
        birth_date: p.birth_date,
        grid: p.region_code,
        community: p.community_code,
        street: p.street_code,
        id_number: p.id_number_masked,
        phone: p.phone_masked,
        address: p.address,
        note: p.note,
        household_id: p.household_id,
        relation: p.relation,
        version: p.version,
    }
}

/// A page of people with the total.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PersonPage {
    pub items: Vec<PersonView>,
    pub total: u64,
}

/// Trims an optional text; empty is none; longer than `max` characters is an error.
fn text(field: &str, v: &Option<String>, max: usize, errs: &mut Vec<crate::FieldError>) -> Option<String> {
    let t = v.as_deref().map(str::trim).filter(|t| !t.is_empty())?;
    if t.chars().count() > max {
        errs.push(AppError::field(
            field,
            "too_long",
            format!("at most {max} characters"),
        ));
        return None;
    }
    Some(t.to_owned())
}

/// A grid code as a form gives it: a grid or sub-grid, else a field error.
fn grid_field(field: &str, raw: &str, errs: &mut Vec<crate::FieldError>) -> Option<RegionCode> {
    match RegionCode::parse(raw.trim()) {
        Ok(code) if matches!(code.level(), RegionLevel::Grid | RegionLevel::Subgrid) => Some(code),
        Ok(_) => {
            errs.push(AppError::field(
                field,
                "not_a_grid",
                "a record is placed in a grid",
            ));
            None
        }
        Err(e) => {
            errs.push(crate::error::code_field(field, &e));
            None
        }
    }
}

/// Where a record is: its grid, with the community and street codes stored beside it.
#[derive(Clone, Debug)]
pub(crate) struct Placed {
    pub(crate) grid: RegionCode,
    pub(crate) community: String,
    pub(crate) street: String,
}

impl Placed {
    /// The place of a grid or sub-grid code (none for a code above the grid level).
    pub(crate) fn of(grid: &RegionCode) -> Option<Placed> {
        Some(Placed {
            community: grid.ancestors().get(2)?.to_string(),
            street: grid.street()?.to_string(),
            grid: grid.clone(),
        })
    }
}

/// Places a record in a grid of the caller's district that exists and that the caller's scope
/// of `perm` reaches. Out of scope reads as not found.
async fn place(app: &App, who: &Signed, perm: &str, code: &RegionCode) -> Result<Placed, AppError> {
    let not_found = || AppError::not_found("region_not_found", format!("no grid {code}"));
    let in_district = code.district().as_str() == who.user.district_code;
    if !in_district || !who.principal.scope(perm).reaches(code) {
        return Err(not_found());
    }
    if gridgov_store::regions::get(app.db.conn(), code).await?.is_none() {
        return Err(not_found());
    }
    Placed::of(code).ok_or_else(not_found)
}

/// A stored record of the caller's district that their scope of `perm` reaches, or not found
/// (out of scope reads as not found).
fn visible<T>(
    who: &Signed,
    perm: &str,
    row: Option<T>,
    at: impl Fn(&T) -> (&str, &str),
    not_found: AppError,
) -> Result<T, AppError> {
    let reaches = |t: &T| {
        let (district, region) = at(t);
        district == who.user.district_code
            && RegionCode::parse(region).is_ok_and(|r| who.principal.scope(perm).reaches(&r))
    };
    row.filter(reaches).ok_or(not_found)
}

/// A field error whose field is one of a list's items (`members[2].id_number`).
fn prefixed(prefix: &str, errs: Vec<crate::FieldError>) -> impl Iterator<Item = crate::FieldError> {
    errs.into_iter().map(move |mut e| {
        e.field = format!("{prefix}{}", e.field);
        e
    })
}

/// A list's region filter: a region code, or a field error.
fn region_filter(raw: &Option<String>, errs: &mut Vec<crate::FieldError>) -> Option<RegionCode> {
    let r = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    RegionCode::parse(r)
        .map_err(|e| errs.push(crate::error::code_field("region", &e)))
        .ok()
}

/// A list's kind filter: a kind's code (from its code or label), or a field error.
fn kind_filter<K: Kind>(
    field: &str,
    raw: &Option<String>,
    unknown: &str,
    errs: &mut Vec<crate::FieldError>,
) -> Option<String> {
    let k = raw.as_deref().filter(|s| !s.is_empty())?;
    match K::parse(k) {
        Some(k) => Some(k.code().to_owned()),
        None => {
            errs.push(AppError::field(
                field,
                unknown,
                format!("one of {}", codes::<K>()),
            ));
            None
        }
    }
}

/// A kind that must be given, from its code or label.
fn kind<K: Kind>(field: &str, raw: &str, unknown: &str, errs: &mut Vec<crate::FieldError>) -> Option<K> {
    if raw.trim().is_empty() {
        errs.push(AppError::field(
            field,
            "required",
            format!("one of {}", codes::<K>()),
        ));
        return None;
    }
    let k = K::parse(raw);
    if k.is_none() {
        errs.push(AppError::field(
            field,
            unknown,
            format!("one of {}", codes::<K>()),
        ));
    }
    k
}

/// A point as a form gives it: both coordinates or neither (`Some(None)`), on the globe, in
/// `crs` (`wgs84`, the default: phones' GPS, 天地图; or `gcj02`: Amap, Tencent); stored in
/// WGS84.
pub(crate) fn point(
    lon: Option<f64>,
    lat: Option<f64>,
    crs: Option<&str>,
    errs: &mut Vec<crate::FieldError>,
) -> Option<Option<gridgov_geo::LonLat>> {
    use gridgov_geo::{Crs, LonLat};
    let crs = match crs.map(str::trim).filter(|c| !c.is_empty()) {
        None => Crs::Wgs84,
        Some(c) => match c.parse::<Crs>() {
            Ok(c) => c,
            Err(_) => {
                errs.push(AppError::field("crs", "invalid_crs", "wgs84 or gcj02"));
                return None;
            }
        },
    };
    let (lon, lat) = match (lon, lat) {
        (None, None) => return Some(None),
        (Some(lon), Some(lat)) => (lon, lat),
        (lon, _) => {
            let missing = if lon.is_none() { "lon" } else { "lat" };
            errs.push(AppError::field(missing, "required", "a point needs lon and lat"));
            return None;
        }
    };
    let mut ok = true;
    if !(-180.0..=180.0).contains(&lon) {
        errs.push(AppError::field(
            "lon",
            "invalid_coordinate",
            "a longitude in [-180, 180]",
        ));
        ok = false;
    }
    if !(-90.0..=90.0).contains(&lat) {
        errs.push(AppError::field(
            "lat",
            "invalid_coordinate",
            "a latitude in [-90, 90]",
        ));
        ok = false;
    }
    ok.then(|| Some(crs.to_wgs84(LonLat::new(lon, lat))))
}

/// A kind's codes, for an error's reason.
fn codes<K: Kind>() -> String {
    K::ALL.iter().map(|k| k.code()).collect::<Vec<_>>().join(", ")
}

/// The offset and size of a list's page (pages count from 1; at most 100 rows).
fn window(page: u64, page_size: u64) -> (u64, u64) {
    let size = page_size.clamp(1, 100);
    (page.saturating_sub(1) * size, size)
}

/// What a registration or an edit says, its fields checked (every field error at once).
pub(crate) struct Fields {
    pub(crate) name: String,
    pub(crate) kind: PersonKind,
    pub(crate) grid: RegionCode,
    /// None: not given (an edit keeps the stored number); Some(None): cleared.
    pub(crate) id_number: Option<Option<IdNumber>>,
    pub(crate) phone: Option<Option<ContactPhone>>,
    pub(crate) address: Option<String>,
    pub(crate) note: Option<String>,
    /// None: not given (kept); Some(None): leaves the household.
    pub(crate) household: Option<Option<i64>>,
    /// None: not given (kept); Some(None): removed.
    pub(crate) relation: Option<Option<Relation>>,
}

impl Fields {
    /// The ID number given, if any.
    pub(crate) fn id_number(&self) -> Option<&IdNumber> {
        self.id_number.as_ref().and_then(Option::as_ref)
    }
}

/// What a registration or an edit says, checked and placed in a grid the caller may write in.
pub(crate) struct Checked {
    pub(crate) fields: Fields,
    pub(crate) placed: Placed,
}

/// A number field: absent, empty (cleared) or parsed.
fn number<T>(
    raw: &Option<String>,
    parse: impl FnOnce(&str) -> Result<T, (String, String)>,
    field: &str,
    errs: &mut Vec<crate::FieldError>,
) -> Option<Option<T>> {
    let raw = raw.as_deref()?.trim();
    if raw.is_empty() {
        return Some(None);
    }
    match parse(raw) {
        Ok(v) => Some(Some(v)),
        Err((code, reason)) => {
            errs.push(AppError::field(field, &code, reason));
            None
        }
    }
}

/// An ID number as a number field parses it (the errors as field codes).
fn parse_id_number(today: NaiveDate) -> impl FnOnce(&str) -> Result<IdNumber, (String, String)> {
    move |raw| IdNumber::parse(raw, today).map_err(|e| (e.code().to_owned(), e.to_string()))
}

/// A phone number as a number field parses it.
fn parse_phone(raw: &str) -> Result<ContactPhone, (String, String)> {
    ContactPhone::parse(raw).map_err(|code| {
        (
            code.to_owned(),
            "a mobile number or a landline with its area code".to_owned(),
        )
    })
}

/// Today in Shanghai, for checking birth dates.
pub(crate) fn today(app: &App) -> NaiveDate {
    app.clock.now().with_timezone(&shanghai()).date_naive()
}

/// Checks a person's fields without the database. A blank grid is `default_grid` when given
/// (the household's, when a household is collected).
pub(crate) fn check_fields(
    today: NaiveDate,
    input: &PersonInput,
    default_grid: Option<&RegionCode>,
) -> Result<Fields, Vec<crate::FieldError>> {
    let mut errs = Vec::new();
    let name = text("name", &Some(input.name.clone()), 64, &mut errs);
    if name.is_none() && errs.is_empty() {
        errs.push(AppError::field("name", "required", "a name is required"));
    }
    let kind = PersonKind::parse(&input.kind);
    if kind.is_none() {
        errs.push(AppError::field(
            "kind",
            "unknown_kind",
            "registered, floating or overseas",
        ));
    }
    let grid = match default_grid {
        Some(g) if input.grid.trim().is_empty() => Some(g.clone()),
        _ => grid_field("grid", &input.grid, &mut errs),
    };
    let id_number = number(&input.id_number, parse_id_number(today), "id_number", &mut errs);
    let phone = number(&input.phone, parse_phone, "phone", &mut errs);
    let address = text("address", &input.address, 200, &mut errs);
    let note = text("note", &input.note, 500, &mut errs);
    let relation = number(&input.relation, parse_relation, "relation", &mut errs);
    let (Some(name), Some(kind), Some(grid), true) = (name, kind, grid, errs.is_empty()) else {
        return Err(errs);
    };
    Ok(Fields {
        name,
        kind,
        grid,
        id_number,
        phone,
        address,
        note,
        household: input.household_id,
        relation,
    })
}

/// A relation to the head of a household, from its code or label.
fn parse_relation(raw: &str) -> Result<Relation, (String, String)> {
    Relation::parse(raw).ok_or_else(|| {
        (
            "unknown_relation".to_owned(),
            format!("one of {}", codes::<Relation>()),
        )
    })
}

async fn check(app: &App, who: &Signed, input: &PersonInput) -> Result<Checked, AppError> {
    let fields = check_fields(today(app), input, None).map_err(AppError::invalid)?;
    let placed = place(app, who, "registry:person:write", &fields.grid).await?;
    Ok(Checked { fields, placed })
}

/// Puts checked fields on a stored (or new) person: numbers sealed, indexed and masked, the
/// sex and birth date from the ID number. Leaving a household takes the relation with it.
pub(crate) fn apply(app: &App, mut p: person::Model, c: Checked) -> Result<person::Model, AppError> {
    let (f, placed) = (c.fields, c.placed);
    p.name = f.name;
    p.kind = f.kind.code().to_owned();
    p.region_code = placed.grid.to_string();
    p.community_code = placed.community;
    p.street_code = placed.street;
    p.address = f.address;
    p.note = f.note;
    if let Some(n) = f.id_number {
        set_id_number(app, &mut p, n.as_ref())?;
    }
    if let Some(ph) = f.phone {
        set_phone(app, &mut p, ph.as_ref())?;
    }
    if let Some(h) = f.household {
        p.household_id = h;
        if h.is_none() {
            p.relation = None;
        }
    }
    if let Some(r) = f.relation {
        p.relation = r.map(|r| r.code().to_owned());
    }
    Ok(p)
}

/// Stores an ID number (or none) the one way it is ever stored: sealed, blind-indexed and
/// masked, with the sex and birth date it gives. The demo's residents go through it too.
pub(crate) fn set_id_number(app: &App, p: &mut person::Model, n: Option<&IdNumber>) -> Result<(), AppError> {
    let (keys, blind) = (&app.vault.keys, &app.vault.blind);
    p.sex = n.map(|n| n.sex().as_str().to_owned());
    p.birth_date = n.map(IdNumber::birth_date);
    p.id_number_sealed = n.map(|n| keys.seal(ID_FIELD, n.digits())).transpose()?;
    p.id_number_index = n.map(|n| blind.index(ID_FIELD, n.digits()));
    p.id_number_masked = n.map(IdNumber::masked);
    Ok(())
}

/// Stores a phone number (or none): sealed, blind-indexed and masked.
pub(crate) fn set_phone(app: &App, p: &mut person::Model, ph: Option<&ContactPhone>) -> Result<(), AppError> {
    let s = seal_phone(app, PHONE_FIELD, ph)?;
    (p.phone_sealed, p.phone_index, p.phone_masked) = (s.sealed, s.index, s.masked);
    Ok(())
}

/// A phone number (or none) the one way any record stores one: sealed and blind-indexed bound
/// to `field` (so a value cannot be moved to another field), and masked for every list.
pub(crate) struct SealedPhone {
    pub(crate) sealed: Option<String>,
    pub(crate) index: Option<String>,
    pub(crate) masked: Option<String>,
}

pub(crate) fn seal_phone(app: &App, field: &str, ph: Option<&ContactPhone>) -> Result<SealedPhone, AppError> {
    let (keys, blind) = (&app.vault.keys, &app.vault.blind);
    Ok(SealedPhone {
        sealed: ph.map(|x| keys.seal(field, x.digits())).transpose()?,
        index: ph.map(|x| blind.index(field, x.digits())),
        masked: ph.map(ContactPhone::masked),
    })
}

/// What an audit record of a registry record carries besides who, what and where.
#[derive(Default)]
struct Change<'a> {
    before: Option<&'a serde_json::Value>,
    after: Option<&'a serde_json::Value>,
    detail: serde_json::Value,
}

impl<'a> Change<'a> {
    fn created(after: &'a serde_json::Value) -> Self {
        Change {
            after: Some(after),
            ..Change::default()
        }
    }

    /// An update; the history names the fields it changed.
    fn updated(before: &'a serde_json::Value, after: &'a serde_json::Value) -> Self {
        Change {
            before: Some(before),
            after: Some(after),
            detail: serde_json::json!({ "changed": changed(before, after) }),
        }
    }
}

/// The fields an edit changed (names only: the history says what changed, not to what). The
/// version, which records that carry it in their audited form change on every edit, is
/// bookkeeping, not a field anyone edited.
pub(crate) fn changed(before: &serde_json::Value, after: &serde_json::Value) -> Vec<String> {
    let empty = serde_json::Map::new();
    let (b, a) = (
        before.as_object().unwrap_or(&empty),
        after.as_object().unwrap_or(&empty),
    );
    a.iter()
        .filter(|(k, v)| *k != "version" && b.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .collect()
}

/// The fields an edit of a person changed. A number is compared whole (by its blind index):
/// two numbers may look alike masked.
pub(crate) fn person_changes(old: &person::Model, new: &person::Model) -> Vec<String> {
    let mut fields = changed(&audited(old), &audited(new));
    for (field, changed) in [
        ("id_number", old.id_number_index != new.id_number_index),
        ("phone", old.phone_index != new.phone_index),
    ] {
        if changed && !fields.iter().any(|f| f == field) {
            fields.push(field.to_owned());
        }
    }
    fields.sort();
    fields
}

/// A registry record as its audit records name it.
struct Row<'a> {
    entity_type: &'a str,
    id: i64,
    district: &'a str,
    /// The record's grid: audit search is scoped by it.
    region: &'a str,
}

/// Records an action on a registry record, in its grid, in the caller's transaction.
async fn record_row(
    conn: &impl sea_orm::ConnectionTrait,
    who: &Signed,
    ip: Option<String>,
    row: Row<'_>,
    action: &str,
    e: Change<'_>,
) -> Result<(), AppError> {
    let id = row.id.to_string();
    record(
        conn,
        &who.actor(ip),
        Event {
            district: row.district.to_owned(),
            region: Some(row.region.to_owned()),
            action,
            entity_type: row.entity_type,
            entity_id: &id,
            before: e.before,
            after: e.after,
            detail: e.detail,
        },
    )
    .await
}

/// Records an action on a stored person, in the person's grid.
async fn record_person(
    conn: &impl sea_orm::ConnectionTrait,
    who: &Signed,
    ip: Option<String>,
    p: &person::Model,
    action: &str,
    e: Change<'_>,
) -> Result<(), AppError> {
    let row = Row {
        entity_type: "person",
        id: p.id,
        district: &p.district_code,
        region: &p.region_code,
    };
    record_row(conn, who, ip, row, action, e).await
}

pub(crate) fn duplicate_id_number() -> AppError {
    AppError::new(
        ErrorKind::Conflict,
        "duplicate_id_number",
        "a person with this ID number is already registered in the district",
    )
}

/// What the audit log keeps of a person: nothing but masked numbers.
pub(crate) fn audited(p: &person::Model) -> serde_json::Value {
    serde_json::json!({
        "name": p.name, "kind": p.kind, "grid": p.region_code,
        "id_number": p.id_number_masked, "phone": p.phone_masked,
        "address": p.address, "note": p.note,
        "household_id": p.household_id, "relation": p.relation,
    })
}

/// A person of the district with nothing known yet, version 1.
pub(crate) fn new_person(district: &str, created_by: Option<i64>, now: DateTime<Utc>) -> person::Model {
    person::Model {
        id: 0,
        district_code: district.to_owned(),
        street_code: String::new(),
        community_code: String::new(),
        region_code: String::new(),
        name: String::new(),
        sex: None,
        birth_date: None,
        kind: String::new(),
        id_number_sealed: None,
        id_number_index: None,
        id_number_masked: None,
        phone_sealed: None,
        phone_index: None,
        phone_masked: None,
        address: None,
        note: None,
        household_id: None,
        relation: None,
        version: 1,
        created_by,
        created_at: now,
        updated_at: now,
    }
}

/// Stores a new person in the caller's transaction, audited as `person.create`.
async fn insert_person(
    txn: &impl sea_orm::ConnectionTrait,
    who: &Signed,
    ip: Option<String>,
    p: person::Model,
) -> Result<person::Model, AppError> {
    let id = match repo::insert(txn, p.clone()).await {
        Err(gridgov_store::StoreError::Duplicate) => return Err(duplicate_id_number()),
        other => other?,
    };
    let p = person::Model { id, ..p };
    let after = audited(&p);
    record_person(txn, who, ip, &p, "person.create", Change::created(&after)).await?;
    Ok(p)
}

/// Stores an edit of `old` if it still has `version`, in the caller's transaction, audited as
/// `person.update`; returns the person as stored.
async fn update_person(
    app: &App,
    txn: &impl sea_orm::ConnectionTrait,
    who: &Signed,
    ip: Option<String>,
    old: &person::Model,
    mut new: person::Model,
    version: i32,
) -> Result<person::Model, AppError> {
    new.version = old.version + 1;
    new.updated_at = app.clock.now();
    match repo::update(txn, &new, version).await {
        Err(gridgov_store::StoreError::Duplicate) => return Err(duplicate_id_number()),
        other => other?,
    }
    if new.region_code != old.region_code {
        gridgov_store::care::relocate(txn, &new).await?;
    }
    let (before, after) = (audited(old), audited(&new));
    let change = Change {
        detail: serde_json::json!({ "changed": person_changes(old, &new) }),
        ..Change::updated(&before, &after)
    };
    record_person(txn, who, ip, &new, "person.update", change).await?;
    Ok(new)
}

/// Registers a person in a grid the caller may write in.
pub async fn create(
    app: &App,
    who: &Signed,
    input: PersonInput,
    ip: Option<String>,
) -> Result<PersonView, AppError> {
    require(&who.principal, "registry:person:write")?;
    let checked = check(app, who, &input).await?;
    let blank = new_person(&who.user.district_code, Some(who.user.id), app.clock.now());
    let p = apply(app, blank, checked)?;
    households::check_membership(app, who, &p).await?;
    let txn = sea_orm::TransactionTrait::begin(app.db.conn()).await?;
    households::claim_head(&txn, &p).await?;
    let p = insert_person(&txn, who, ip, p).await?;
    txn.commit().await?;
    Ok(view(p))
}

/// Edits a person the caller may write, with the version they read (409 `stale_version`
/// otherwise). A number left out (null) stays as stored; an empty one is removed; likewise the
/// household and the relation (see [`PersonInput`]).
pub async fn update(
    app: &App,
    who: &Signed,
    id: i64,
    input: PersonInput,
    version: i32,
    ip: Option<String>,
) -> Result<PersonView, AppError> {
    let old = readable(app, who, "registry:person:write", id).await?;
    let checked = check(app, who, &input).await?;
    let new = apply(app, old.clone(), checked)?;
    households::check_membership(app, who, &new).await?;
    let txn = sea_orm::TransactionTrait::begin(app.db.conn()).await?;
    households::claim_head(&txn, &new).await?;
    let new = update_person(app, &txn, who, ip, &old, new, version).await?;
    txn.commit().await?;
    Ok(view(new))
}

/// A person the caller may read, or not found (out of scope reads as not found).
async fn readable(app: &App, who: &Signed, perm: &str, id: i64) -> Result<person::Model, AppError> {
    require(&who.principal, perm)?;
    let p = repo::by_id(app.db.conn(), id).await?;
    let not_found = AppError::not_found("person_not_found", format!("no person {id}"));
    visible(who, perm, p, |p| (&p.district_code, &p.region_code), not_found)
}

pub async fn get(app: &App, who: &Signed, id: i64) -> Result<PersonView, AppError> {
    readable(app, who, "registry:person:read", id).await.map(view)
}

/// A search.
#[derive(Clone, Debug, Default)]
pub struct PersonQuery {
    /// The start of a name.
    pub name: Option<String>,
    /// A whole ID number (exact).
    pub id_number: Option<String>,
    /// A whole phone number (exact).
    pub phone: Option<String>,
    pub kind: Option<String>,
    pub region: Option<String>,
    pub page: u64,
    pub page_size: u64,
}

/// People in the caller's scope matching the search, newest first.
pub async fn list(app: &App, who: &Signed, q: PersonQuery) -> Result<PersonPage, AppError> {
    require(&who.principal, "registry:person:read")?;
    let today = today(app);
    let blind = &app.vault.blind;
    let mut errs = Vec::new();
    let mut f = PersonFilter {
        name_prefix: q
            .name
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        ..PersonFilter::default()
    };
    let id_number = number(&q.id_number, parse_id_number(today), "id_number", &mut errs).flatten();
    f.id_number_index = id_number.map(|n| blind.index(ID_FIELD, n.digits()));
    let phone = number(&q.phone, parse_phone, "phone", &mut errs).flatten();
    f.phone_index = phone.map(|p| blind.index(PHONE_FIELD, p.digits()));
    f.kind = kind_filter::<PersonKind>("kind", &q.kind, "unknown_kind", &mut errs);
    f.region = region_filter(&q.region, &mut errs);
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let (offset, limit) = window(q.page, q.page_size);
    let (rows, total) = repo::list(
        app.db.conn(),
        &who.user.district_code,
        &who.principal.scope("registry:person:read"),
        &f,
        offset,
        limit,
    )
    .await?;
    Ok(PersonPage {
        items: rows.into_iter().map(view).collect(),
        total,
    })
}

/// Which number to reveal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RevealField {
    IdNumber,
    Phone,
}

/// A number shown whole.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Revealed {
    pub field: RevealField,
    pub value: String,
}

/// Shows one of a person's numbers whole, and records who saw it.
pub async fn reveal(
    app: &App,
    who: &Signed,
    id: i64,
    field: RevealField,
    ip: Option<String>,
) -> Result<Revealed, AppError> {
    let p = readable(app, who, "registry:person:reveal", id).await?;
    let (sealed, name) = match field {
        RevealField::IdNumber => (&p.id_number_sealed, ID_FIELD),
        RevealField::Phone => (&p.phone_sealed, PHONE_FIELD),
    };
    let Some(sealed) = sealed else {
        return Err(AppError::not_found(
            "no_such_number",
            "the person has no such number on record",
        ));
    };
    let value = app.vault.keys.open(name, sealed)?;
    let which = match field {
        RevealField::IdNumber => "id_number",
        RevealField::Phone => "phone",
    };
    let e = Change {
        detail: serde_json::json!({ "field": which }),
        ..Change::default()
    };
    record_person(app.db.conn(), who, ip, &p, "person.reveal", e).await?;
    Ok(Revealed { field, value })
}

/// One entry of a record's change history.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    /// Who acted (an account's name, or `cli:...` for a command on the server).
    pub actor: String,
    /// e.g. `person.create`, `person.update`, `person.import`, `person.reveal`.
    pub action: String,
    /// The fields an update changed; the number a reveal showed (`id_number` or `phone`).
    pub fields: Vec<String>,
}

/// A registry record's change history from the audit log, newest first (at most 200 entries).
/// The caller has checked that the reader may see the record: its history is part of it.
pub(crate) async fn history_of(
    app: &App,
    district: &str,
    entity_type: &str,
    id: i64,
) -> Result<Vec<HistoryEntry>, AppError> {
    let rows =
        gridgov_store::audit::history(app.db.conn(), district, entity_type, &id.to_string(), 200).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let detail: serde_json::Value = serde_json::from_str(&r.detail).unwrap_or_default();
            let fields = match (&detail["changed"], &detail["field"]) {
                (serde_json::Value::Array(a), _) => {
                    a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()
                }
                (_, serde_json::Value::String(f)) => vec![f.clone()],
                _ => Vec::new(),
            };
            HistoryEntry {
                at: r.at,
                actor: r.actor_name,
                action: r.action,
                fields,
            }
        })
        .collect())
}

/// A person's change history, newest first: who registered, edited, imported or revealed
/// them, and when. Readers of the person see it.
pub async fn history(app: &App, who: &Signed, id: i64) -> Result<Vec<HistoryEntry>, AppError> {
    let p = readable(app, who, "registry:person:read", id).await?;
    history_of(app, &p.district_code, "person", id).await
}

/// What `gridgov keys rotate` did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RotateReport {
    /// Sealed values read.
    pub values: u64,
    /// Values sealed again under the current key.
    pub resealed: u64,
}

/// Seals every sealed value that is not under the current data key (people's ID numbers and
/// phones, organisations' contact phones) again under it, a batch at a time and row by row
/// (conditional updates), while servers keep running: they open values under any key of the
/// ring and seal new ones under the current key. Run it after putting a new key first in
/// `data_keys` and restarting; when it reports nothing left, the old key can be removed. One
/// audit record per district touched.
pub async fn rotate_keys(app: &App) -> Result<RotateReport, AppError> {
    let keys = &app.vault.keys;
    let conn = app.db.conn();
    let mut report = RotateReport::default();
    let mut per_district: std::collections::BTreeMap<String, u64> = Default::default();
    // A value under the current key stays as it is.
    let reseal = |field: &str, v: &Option<String>| -> Result<(Option<String>, bool), AppError> {
        match v {
            None => Ok((None, false)),
            Some(s) => match keys.reseal(field, s)? {
                Some(n) => Ok((Some(n), true)),
                None => Ok((Some(s.clone()), false)),
            },
        }
    };
    let mut after = 0;
    loop {
        let batch = repo::sealed_after(conn, after, 500).await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        for old in &batch {
            let (id_number, a) = reseal(ID_FIELD, &old.id_number_sealed)?;
            let (phone, b) = reseal(PHONE_FIELD, &old.phone_sealed)?;
            report.values +=
                u64::from(old.id_number_sealed.is_some()) + u64::from(old.phone_sealed.is_some());
            if !(a || b) {
                continue;
            }
            let new = repo::Sealed {
                id_number_sealed: id_number,
                phone_sealed: phone,
                ..old.clone()
            };
            if repo::reseal(conn, old, &new).await? {
                let n = u64::from(a) + u64::from(b);
                report.resealed += n;
                *per_district.entry(old.district_code.clone()).or_default() += n;
            }
        }
    }
    let mut after = 0;
    loop {
        let batch = gridgov_store::orgs::sealed_after(conn, after, 500).await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        for old in &batch {
            report.values += 1;
            let Some(new) = keys.reseal(orgs::CONTACT_PHONE_FIELD, &old.contact_phone_sealed)? else {
                continue;
            };
            if gridgov_store::orgs::reseal(conn, old, &new).await? {
                report.resealed += 1;
                *per_district.entry(old.district_code.clone()).or_default() += 1;
            }
        }
    }
    for (district, n) in per_district {
        record(
            conn,
            &crate::audit::Actor::cli("keys rotate"),
            Event {
                district,
                action: "keys.rotate",
                entity_type: "data_key",
                entity_id: keys.current_id(),
                detail: serde_json::json!({ "resealed": n }),
                ..Default::default()
            },
        )
        .await?;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn an_edit_names_a_changed_number_even_when_it_looks_the_same_masked() {
        let now = chrono::Utc::now();
        let mut old = new_person("370105", None, now);
        old.id_number_masked = Some("370105********1234".into());
        old.id_number_index = Some("a".into());
        old.address = Some("旧地址".into());
        let mut new = old.clone();
        assert!(person_changes(&old, &new).is_empty());
        new.id_number_index = Some("b".into());
        new.address = Some("新地址".into());
        assert_eq!(person_changes(&old, &new), vec!["address", "id_number"]);
        new.phone_index = Some("c".into());
        assert_eq!(person_changes(&old, &new), vec!["address", "id_number", "phone"]);
    }
}
