//! The registry's organisations (单位/组织): enterprises, shops, schools, hospitals, social
//! organisations and public bodies in a grid, with their unified social credit code (checked,
//! once in a district), their person in charge and how many work there.
//!
//! The code is public (printed on every business licence), so it is shown whole and may be
//! searched in a URL. The phone of the person in charge is personal data: stored like a
//! person's phone (sealed, blind-indexed, masked) and only ever shown masked.

pub mod export;
pub mod import;

use super::{
    Change, Placed, Row, grid_field, kind, kind_filter, number, parse_phone, place, record_row,
    region_filter, seal_phone, text, visible, window,
};
use crate::access::require;
use crate::auth::Signed;
use crate::{App, AppError, ErrorKind, FieldError};
use gridgov_domain::RegionCode;
use gridgov_domain::phone::ContactPhone;
use gridgov_domain::places::same_grid_tree;
use gridgov_domain::registry::{Kind, OrgKind, check_employees};
use gridgov_domain::uscc::Uscc;
use gridgov_store::entity::organisation;
use gridgov_store::orgs::{self as repo, OrgFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Seeing organisations.
pub const READ: &str = "registry:org:read";
/// Recording and editing organisations.
pub const WRITE: &str = "registry:org:write";
/// The field name the contact phone's sealed value and blind index are bound to.
pub(crate) const CONTACT_PHONE_FIELD: &str = "org.contact_phone";

/// An organisation as an operator or grid worker enters it (or edits it: the whole record).
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct OrgInput {
    /// The grid (or sub-grid) the organisation is in.
    #[serde(default)]
    pub grid: String,
    #[serde(default)]
    pub name: String,
    /// `enterprise`, `shop`, `school`, `hospital`, `social_org`, `public`, `other` (or 企业,
    /// 个体工商户, …).
    #[serde(default)]
    pub kind: String,
    /// 统一社会信用代码, 18 characters; required except for a shop (个体工商户) or `other`;
    /// once in the district.
    pub uscc: Option<String>,
    pub address: Option<String>,
    /// The person in charge (负责人).
    pub contact_name: Option<String>,
    /// Their mobile number or landline. Left out (null): as stored; empty: removed.
    pub contact_phone: Option<String>,
    /// The building it is in, readable by the caller and in the same grid tree.
    pub building_id: Option<i64>,
    /// 0 to 1,000,000.
    pub employees: Option<i64>,
    pub note: Option<String>,
}

/// An organisation as lists and pages show it: the contact phone masked.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OrgView {
    pub id: i64,
    pub grid: String,
    pub community: String,
    pub street: String,
    pub name: String,
    pub kind: String,
    pub uscc: Option<String>,
    pub address: Option<String>,
    pub contact_name: Option<String>,
    /// e.g. `138****8000`.
    pub contact_phone: Option<String>,
    pub building_id: Option<i64>,
    pub employees: Option<i32>,
    pub note: Option<String>,
    pub version: i32,
}

fn view(o: organisation::Model) -> OrgView {
    OrgView {
        id: o.id,
        grid: o.region_code,
        community: o.community_code,
        street: o.street_code,
        name: o.name,
        kind: o.kind,
        uscc: o.uscc,
        address: o.address,
        contact_name: o.contact_name,
        contact_phone: o.contact_phone_masked,
        building_id: o.building_id,
        employees: o.employees,
        note: o.note,
        version: o.version,
    }
}

/// A page of organisations with the total.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OrgPage {
    pub items: Vec<OrgView>,
    pub total: u64,
}

/// An organisation's fields, checked (every field error at once) but not yet placed.
struct Fields {
    grid: RegionCode,
    name: String,
    kind: OrgKind,
    uscc: Option<Uscc>,
    address: Option<String>,
    contact_name: Option<String>,
    /// None: not given (an edit keeps the stored number); Some(None): removed.
    contact_phone: Option<Option<ContactPhone>>,
    building_id: Option<i64>,
    employees: Option<i32>,
    note: Option<String>,
}

/// A unified social credit code, checked; required where the kind needs one.
fn uscc_field(
    raw: &Option<String>,
    kind: Option<OrgKind>,
    errs: &mut Vec<FieldError>,
) -> Option<Option<Uscc>> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None if kind.is_some_and(OrgKind::needs_uscc) => {
            errs.push(AppError::field(
                "uscc",
                "required",
                "a unified social credit code is required for this kind",
            ));
            None
        }
        None => Some(None),
        Some(u) => Uscc::parse(u)
            .map(Some)
            .map_err(|e| errs.push(AppError::field("uscc", e.code(), e.to_string())))
            .ok(),
    }
}

fn check_fields(input: &OrgInput) -> Result<Fields, Vec<FieldError>> {
    let mut errs = Vec::new();
    let grid = grid_field("grid", &input.grid, &mut errs);
    let name = text("name", &Some(input.name.clone()), 100, &mut errs);
    if name.is_none() && !errs.iter().any(|e| e.field == "name") {
        errs.push(AppError::field("name", "required", "a name is required"));
    }
    let kind = kind::<OrgKind>("kind", &input.kind, "unknown_kind", &mut errs);
    let uscc = uscc_field(&input.uscc, kind, &mut errs);
    let address = text("address", &input.address, 200, &mut errs);
    let contact_name = text("contact_name", &input.contact_name, 64, &mut errs);
    let contact_phone = number(&input.contact_phone, parse_phone, "contact_phone", &mut errs);
    let employees = match input.employees.map(check_employees) {
        None => Some(None),
        Some(Ok(n)) => Some(Some(n)),
        Some(Err(code)) => {
            errs.push(AppError::field("employees", code, "0 to 1000000"));
            None
        }
    };
    let note = text("note", &input.note, 500, &mut errs);
    match (grid, name, kind, uscc, employees) {
        (Some(grid), Some(name), Some(kind), Some(uscc), Some(employees)) if errs.is_empty() => Ok(Fields {
            grid,
            name,
            kind,
            uscc,
            address,
            contact_name,
            contact_phone,
            building_id: input.building_id,
            employees,
            note,
        }),
        _ => Err(errs),
    }
}

/// Checks an organisation's fields and places it in a grid the caller may write in, in a
/// building they may see in the same grid tree.
async fn check(app: &App, who: &Signed, input: &OrgInput) -> Result<(Fields, Placed), AppError> {
    let f = check_fields(input).map_err(AppError::invalid)?;
    let placed = place(app, who, WRITE, &f.grid).await?;
    if let Some(b) = f.building_id {
        let b = super::buildings::readable(app, who, super::buildings::READ, b).await?;
        if !RegionCode::parse(&b.region_code).is_ok_and(|g| same_grid_tree(&g, &placed.grid)) {
            return Err(AppError::invalid_field(
                "building_id",
                "building_in_other_grid",
                "the building is in another grid",
            ));
        }
    }
    Ok((f, placed))
}

fn apply(
    app: &App,
    mut o: organisation::Model,
    (f, placed): (Fields, Placed),
) -> Result<organisation::Model, AppError> {
    o.region_code = placed.grid.to_string();
    o.community_code = placed.community;
    o.street_code = placed.street;
    o.name = f.name;
    o.kind = f.kind.code().to_owned();
    o.uscc = f.uscc.map(|u| u.as_str().to_owned());
    o.address = f.address;
    o.contact_name = f.contact_name;
    if let Some(ph) = f.contact_phone {
        let s = seal_phone(app, CONTACT_PHONE_FIELD, ph.as_ref())?;
        (
            o.contact_phone_sealed,
            o.contact_phone_index,
            o.contact_phone_masked,
        ) = (s.sealed, s.index, s.masked);
    }
    o.building_id = f.building_id;
    o.employees = f.employees;
    o.note = f.note;
    Ok(o)
}

fn row(o: &organisation::Model) -> Row<'_> {
    Row {
        entity_type: "organisation",
        id: o.id,
        district: &o.district_code,
        region: &o.region_code,
    }
}

/// What the audit log keeps of an organisation: the view, so the phone only masked.
fn audited(o: &organisation::Model) -> serde_json::Value {
    serde_json::to_value(view(o.clone())).unwrap_or_default()
}

fn duplicate_uscc() -> AppError {
    AppError::new(
        ErrorKind::Conflict,
        "duplicate_uscc",
        "an organisation with this unified social credit code is already recorded in the district",
    )
}

/// Maps the unique code's violation to `duplicate_uscc`.
fn or_duplicate<T>(r: Result<T, gridgov_store::StoreError>) -> Result<T, AppError> {
    match r {
        Err(gridgov_store::StoreError::Duplicate) => Err(duplicate_uscc()),
        other => Ok(other?),
    }
}

/// A new organisation of the caller's district, before its fields are applied.
fn blank(who: &Signed, now: chrono::DateTime<chrono::Utc>) -> organisation::Model {
    organisation::Model {
        id: 0,
        district_code: who.user.district_code.clone(),
        street_code: String::new(),
        community_code: String::new(),
        region_code: String::new(),
        name: String::new(),
        kind: String::new(),
        uscc: None,
        address: None,
        contact_name: None,
        contact_phone_sealed: None,
        contact_phone_index: None,
        contact_phone_masked: None,
        building_id: None,
        employees: None,
        note: None,
        version: 1,
        created_by: Some(who.user.id),
        created_at: now,
        updated_at: now,
    }
}

/// Records an organisation in a grid the caller may write in.
pub async fn create(
    app: &App,
    who: &Signed,
    input: OrgInput,
    ip: Option<String>,
) -> Result<OrgView, AppError> {
    require(&who.principal, WRITE)?;
    let checked = check(app, who, &input).await?;
    let o = apply(app, blank(who, app.clock.now()), checked)?;
    let txn = sea_orm::TransactionTrait::begin(app.db.conn()).await?;
    let id = or_duplicate(repo::insert(&txn, o.clone()).await)?;
    let o = organisation::Model { id, ..o };
    let after = audited(&o);
    record_row(&txn, who, ip, row(&o), "org.create", Change::created(&after)).await?;
    txn.commit().await?;
    Ok(view(o))
}

/// Edits an organisation the caller may write, with the version they read (409
/// `stale_version` otherwise).
pub async fn update(
    app: &App,
    who: &Signed,
    id: i64,
    input: OrgInput,
    version: i32,
    ip: Option<String>,
) -> Result<OrgView, AppError> {
    let old = readable(app, who, WRITE, id).await?;
    let checked = check(app, who, &input).await?;
    let mut new = apply(app, old.clone(), checked)?;
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
        "org.update",
        Change::updated(&before, &after),
    )
    .await?;
    txn.commit().await?;
    Ok(view(new))
}

/// An organisation the caller may `perm`, or not found (out of scope reads as not found).
async fn readable(app: &App, who: &Signed, perm: &str, id: i64) -> Result<organisation::Model, AppError> {
    require(&who.principal, perm)?;
    let o = repo::by_id(app.db.conn(), id).await?;
    let not_found = AppError::not_found("organisation_not_found", format!("no organisation {id}"));
    visible(who, perm, o, |o| (&o.district_code, &o.region_code), not_found)
}

pub async fn get(app: &App, who: &Signed, id: i64) -> Result<OrgView, AppError> {
    readable(app, who, READ, id).await.map(view)
}

/// An organisation's change history, newest first. Readers of the organisation see it.
pub async fn history(app: &App, who: &Signed, id: i64) -> Result<Vec<super::HistoryEntry>, AppError> {
    let o = readable(app, who, READ, id).await?;
    super::history_of(app, &o.district_code, "organisation", id).await
}

/// A list's filter and page.
#[derive(Clone, Debug, Default)]
pub struct OrgQuery {
    /// The start of a name.
    pub name: Option<String>,
    pub kind: Option<String>,
    /// A whole unified social credit code.
    pub uscc: Option<String>,
    pub region: Option<String>,
    pub page: u64,
    pub page_size: u64,
}

/// A list's (and an export's) filter, checked: every field error at once.
fn filter(q: &OrgQuery) -> Result<OrgFilter, AppError> {
    let mut errs = Vec::new();
    let uscc = q
        .uscc
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .and_then(|u| {
            Uscc::parse(u)
                .map_err(|e| errs.push(AppError::field("uscc", e.code(), e.to_string())))
                .ok()
        });
    let f = OrgFilter {
        name_prefix: q
            .name
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        region: region_filter(&q.region, &mut errs),
        kind: kind_filter::<OrgKind>("kind", &q.kind, "unknown_kind", &mut errs),
        uscc: uscc.map(|u| u.as_str().to_owned()),
    };
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    Ok(f)
}

/// Organisations in the caller's scope matching the filter, newest first.
pub async fn list(app: &App, who: &Signed, q: OrgQuery) -> Result<OrgPage, AppError> {
    require(&who.principal, READ)?;
    let f = filter(&q)?;
    let (offset, limit) = window(q.page, q.page_size);
    let scope = who.principal.scope(READ);
    let (rows, total) = repo::list(app.db.conn(), &who.user.district_code, &scope, &f, offset, limit).await?;
    Ok(OrgPage {
        items: rows.into_iter().map(view).collect(),
        total,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn input(kind: &str, uscc: Option<&str>) -> OrgInput {
        OrgInput {
            grid: "370105001001001".into(),
            name: "天桥便利店".into(),
            kind: kind.into(),
            uscc: uscc.map(str::to_owned),
            address: None,
            contact_name: None,
            contact_phone: None,
            building_id: None,
            employees: None,
            note: None,
        }
    }

    fn field_codes(r: Result<Fields, Vec<FieldError>>) -> Vec<String> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| format!("{}:{}", e.field, e.code))
            .collect()
    }

    #[test]
    fn the_code_is_required_by_kind_and_checked() {
        assert!(check_fields(&input("shop", None)).is_ok());
        assert!(check_fields(&input("个体工商户", Some(""))).is_ok());
        assert_eq!(
            field_codes(check_fields(&input("enterprise", None))),
            ["uscc:required"]
        );
        let good = Uscc::synthetic("370105", 7);
        let f = check_fields(&input("enterprise", Some(&good.as_str().to_lowercase()))).unwrap();
        assert_eq!(f.uscc, Some(good.clone()));
        let mut bad = good.as_str().to_owned();
        bad.replace_range(17.., if bad.ends_with('0') { "1" } else { "0" });
        assert_eq!(
            field_codes(check_fields(&input("school", Some(&bad)))),
            ["uscc:uscc_check"]
        );
        assert_eq!(
            field_codes(check_fields(&input("factory", None))),
            ["kind:unknown_kind"]
        );
    }
}
