//! The registry's people (实有人口), private by design.
//!
//! An ID number is checked (GB 11643: check digit, birth date; a 15-digit number becomes 18),
//! gives the person's sex and birth date, and is then kept only sealed (`vault`), as a blind
//! index for exact search and in masked form for every list and page. A phone number likewise.
//! Seeing a number whole is a separate action, `reveal`, for roles granted
//! `registry:person:reveal`, and each reveal is in the audit log. The audit log itself only ever
//! holds masked numbers.

use crate::access::require;
use crate::audit::{Event, record};
use crate::auth::Signed;
use crate::{App, AppError, ErrorKind};
use chrono::{DateTime, NaiveDate, Utc};
use gridgov_domain::idcard::IdNumber;
use gridgov_domain::phone::ContactPhone;
use gridgov_domain::registry::{Kind, PersonKind};
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
    /// The grid (or sub-grid) the person lives in.
    pub grid: String,
    /// 18 digits (the last may be X) or a legacy 15-digit number.
    pub id_number: Option<String>,
    /// A mobile number or a landline.
    pub phone: Option<String>,
    pub address: Option<String>,
    pub note: Option<String>,
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

/// The grid a record is placed in: a grid or sub-grid of the caller's district that exists
/// and that the caller's scope of `perm` reaches. Out of scope reads as not found.
async fn placed_grid(app: &App, who: &Signed, perm: &str, raw: &str) -> Result<RegionCode, AppError> {
    let code = RegionCode::parse(raw.trim())
        .map_err(|e| AppError::invalid(vec![crate::error::code_field("grid", &e)]))?;
    if !matches!(code.level(), RegionLevel::Grid | RegionLevel::Subgrid) {
        return Err(AppError::invalid_field(
            "grid",
            "not_a_grid",
            "a person lives in a grid",
        ));
    }
    let in_district = code.district().as_str() == who.user.district_code;
    if !in_district || !who.principal.scope(perm).reaches(&code) {
        return Err(AppError::not_found("region_not_found", format!("no grid {code}")));
    }
    if gridgov_store::regions::get(app.db.conn(), &code).await?.is_none() {
        return Err(AppError::not_found("region_not_found", format!("no grid {code}")));
    }
    Ok(code)
}

/// What a registration, an edit or an import row says about a person, checked, apart from
/// where they live.
pub(crate) struct Fields {
    pub(crate) name: String,
    pub(crate) kind: PersonKind,
    /// None: not given (an edit keeps the stored number); Some(None): cleared.
    pub(crate) id_number: Option<Option<IdNumber>>,
    pub(crate) phone: Option<Option<ContactPhone>>,
    pub(crate) address: Option<String>,
    pub(crate) note: Option<String>,
}

impl Fields {
    /// The ID number given, if any.
    pub(crate) fn id_number(&self) -> Option<&IdNumber> {
        self.id_number.as_ref().and_then(Option::as_ref)
    }
}

/// The grid a person lives in, with its community and street.
#[derive(Clone, Debug)]
pub(crate) struct Place {
    pub(crate) grid: RegionCode,
    pub(crate) community: String,
    pub(crate) street: String,
}

impl Place {
    /// The place of a grid or sub-grid code.
    pub(crate) fn of(grid: RegionCode) -> Option<Place> {
        let community = grid.ancestors().get(2)?.to_string();
        let street = grid.street()?.to_string();
        Some(Place {
            grid,
            community,
            street,
        })
    }
}

/// A person's fields and place, checked: every field error at once.
pub(crate) struct Checked {
    pub(crate) fields: Fields,
    pub(crate) place: Place,
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

/// Checks what an input says apart from the grid, pushing every field error to `errs`.
pub(crate) fn check_fields(
    input: &PersonInput,
    today: NaiveDate,
    errs: &mut Vec<crate::FieldError>,
) -> Option<Fields> {
    let before = errs.len();
    let name = text("name", &Some(input.name.clone()), 64, errs);
    if name.is_none() && errs.len() == before {
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
    let id_number = number(&input.id_number, parse_id_number(today), "id_number", errs);
    let phone = number(&input.phone, parse_phone, "phone", errs);
    let address = text("address", &input.address, 200, errs);
    let note = text("note", &input.note, 500, errs);
    let (Some(name), Some(kind), true) = (name, kind, errs.len() == before) else {
        return None;
    };
    Some(Fields {
        name,
        kind,
        id_number,
        phone,
        address,
        note,
    })
}

/// Today in the district's time zone (an ID number's birth date may not be after it).
pub(crate) fn today(app: &App) -> NaiveDate {
    app.clock.now().with_timezone(&shanghai()).date_naive()
}

async fn check(app: &App, who: &Signed, input: &PersonInput) -> Result<Checked, AppError> {
    let mut errs = Vec::new();
    let Some(fields) = check_fields(input, today(app), &mut errs) else {
        return Err(AppError::invalid(errs));
    };
    let grid = placed_grid(app, who, "registry:person:write", &input.grid).await?;
    let place = Place::of(grid)
        .ok_or_else(|| AppError::invalid_field("grid", "not_a_grid", "a person lives in a grid"))?;
    Ok(Checked { fields, place })
}

/// Puts checked fields on a stored (or new) person: numbers sealed, indexed and masked, the
/// sex and birth date from the ID number.
pub(crate) fn apply(app: &App, mut p: person::Model, c: Checked) -> Result<person::Model, AppError> {
    let (f, place) = (c.fields, c.place);
    p.name = f.name;
    p.kind = f.kind.code().to_owned();
    p.region_code = place.grid.to_string();
    p.community_code = place.community;
    p.street_code = place.street;
    p.address = f.address;
    p.note = f.note;
    if let Some(n) = f.id_number {
        set_id_number(app, &mut p, n.as_ref())?;
    }
    if let Some(ph) = f.phone {
        set_phone(app, &mut p, ph.as_ref())?;
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
    let (keys, blind) = (&app.vault.keys, &app.vault.blind);
    p.phone_sealed = ph.map(|x| keys.seal(PHONE_FIELD, x.digits())).transpose()?;
    p.phone_index = ph.map(|x| blind.index(PHONE_FIELD, x.digits()));
    p.phone_masked = ph.map(ContactPhone::masked);
    Ok(())
}

/// What an audit record of a person carries besides who, what and where.
#[derive(Default)]
struct PersonEvent<'a> {
    before: Option<&'a serde_json::Value>,
    after: Option<&'a serde_json::Value>,
    detail: serde_json::Value,
}

/// Records an action on a stored person, in the person's grid (audit search is scoped by it).
async fn record_person(
    conn: &impl sea_orm::ConnectionTrait,
    who: &Signed,
    ip: Option<String>,
    p: &person::Model,
    action: &str,
    e: PersonEvent<'_>,
) -> Result<(), AppError> {
    let id = p.id.to_string();
    record(
        conn,
        &who.actor(ip),
        Event {
            district: p.district_code.clone(),
            region: Some(p.region_code.clone()),
            action,
            entity_type: "person",
            entity_id: &id,
            before: e.before,
            after: e.after,
            detail: e.detail,
        },
    )
    .await
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
    })
}

/// The fields an edit changed (names only: the history says what changed, not to what).
pub(crate) fn changed(before: &serde_json::Value, after: &serde_json::Value) -> Vec<String> {
    let empty = serde_json::Map::new();
    let (b, a) = (
        before.as_object().unwrap_or(&empty),
        after.as_object().unwrap_or(&empty),
    );
    a.iter()
        .filter(|(k, v)| b.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .collect()
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
        version: 1,
        created_by,
        created_at: now,
        updated_at: now,
    }
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
    let txn = sea_orm::TransactionTrait::begin(app.db.conn()).await?;
    let id = match repo::insert(&txn, p.clone()).await {
        Err(gridgov_store::StoreError::Duplicate) => return Err(duplicate_id_number()),
        other => other?,
    };
    let p = person::Model { id, ..p };
    let after = audited(&p);
    let e = PersonEvent {
        after: Some(&after),
        ..PersonEvent::default()
    };
    record_person(&txn, who, ip, &p, "person.create", e).await?;
    txn.commit().await?;
    Ok(view(p))
}

/// Edits a person the caller may write, with the version they read (409 `stale_version`
/// otherwise). A number left out (null) stays as stored; an empty one is removed.
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
    let mut new = apply(app, old.clone(), checked)?;
    new.version = old.version + 1;
    new.updated_at = app.clock.now();
    let txn = sea_orm::TransactionTrait::begin(app.db.conn()).await?;
    match repo::update(&txn, &new, version).await {
        Err(gridgov_store::StoreError::Duplicate) => return Err(duplicate_id_number()),
        other => other?,
    }
    let (before, after) = (audited(&old), audited(&new));
    let e = PersonEvent {
        before: Some(&before),
        after: Some(&after),
        detail: serde_json::json!({ "changed": changed(&before, &after) }),
    };
    record_person(&txn, who, ip, &new, "person.update", e).await?;
    txn.commit().await?;
    Ok(view(new))
}

/// A person the caller may read, or not found (out of scope reads as not found).
async fn readable(app: &App, who: &Signed, perm: &str, id: i64) -> Result<person::Model, AppError> {
    require(&who.principal, perm)?;
    let p = repo::by_id(app.db.conn(), id).await?;
    let visible = p.filter(|p| {
        p.district_code == who.user.district_code
            && RegionCode::parse(&p.region_code).is_ok_and(|r| who.principal.scope(perm).reaches(&r))
    });
    visible.ok_or_else(|| AppError::not_found("person_not_found", format!("no person {id}")))
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
    if let Some(k) = q.kind.as_deref().filter(|s| !s.is_empty()) {
        match PersonKind::parse(k) {
            Some(k) => f.kind = Some(k.code().to_owned()),
            None => errs.push(AppError::field(
                "kind",
                "unknown_kind",
                "registered, floating or overseas",
            )),
        }
    }
    if let Some(r) = q.region.as_deref().filter(|s| !s.is_empty()) {
        match RegionCode::parse(r) {
            Ok(r) => f.region = Some(r),
            Err(e) => errs.push(crate::error::code_field("region", &e)),
        }
    }
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let size = q.page_size.clamp(1, 100);
    let (rows, total) = repo::list(
        app.db.conn(),
        &who.user.district_code,
        &who.principal.scope("registry:person:read"),
        &f,
        q.page.saturating_sub(1) * size,
        size,
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
    let e = PersonEvent {
        detail: serde_json::json!({ "field": which }),
        ..PersonEvent::default()
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

/// A person's change history, newest first (at most 200 entries): who registered, edited,
/// imported or revealed them, and when. Readers of the person see it.
pub async fn history(app: &App, who: &Signed, id: i64) -> Result<Vec<HistoryEntry>, AppError> {
    let p = readable(app, who, "registry:person:read", id).await?;
    let rows = gridgov_store::audit::history(app.db.conn(), &p.district_code, "person", &id.to_string(), 200)
        .await?;
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

/// What `gridgov keys rotate` did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RotateReport {
    /// Sealed values read.
    pub values: u64,
    /// Values sealed again under the current key.
    pub resealed: u64,
}

/// Seals every person's numbers that are not under the current data key again under it, a
/// batch at a time and row by row (conditional updates), while servers keep running: they open
/// values under any key of the ring and seal new ones under the current key. Run it after
/// putting a new key first in `data_keys` and restarting; when it reports nothing left, the old
/// key can be removed. One audit record per district touched.
pub async fn rotate_keys(app: &App) -> Result<RotateReport, AppError> {
    let keys = &app.vault.keys;
    let conn = app.db.conn();
    let mut report = RotateReport::default();
    let mut per_district: std::collections::BTreeMap<String, u64> = Default::default();
    let mut after = 0;
    loop {
        let batch = repo::sealed_after(conn, after, 500).await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        for old in &batch {
            let reseal = |field: &str, v: &Option<String>| -> Result<(Option<String>, bool), AppError> {
                match v {
                    None => Ok((None, false)),
                    Some(s) => match keys.reseal(field, s)? {
                        Some(n) => Ok((Some(n), true)),
                        None => Ok((Some(s.clone()), false)),
                    },
                }
            };
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
