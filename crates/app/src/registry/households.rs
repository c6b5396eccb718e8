//! The registry's households (户): a household lives in a grid, perhaps in a recorded house,
//! and its members are people naming it, each with a relation to its head (at most one head).
//!
//! A grid worker records a household on the spot with [`collect`]: the household and every
//! member, new or known, in one transaction, all or nothing. Members go through the same checks,
//! sealing and audit records as a registration or an edit of a person.

use super::houses::readable as readable_house;
use super::{
    Change, Checked, PersonView, Row, check_fields as check_person, grid_field, insert_person, new_person,
    parse_relation, place, prefixed, readable as readable_person, record_row, region_filter, text, today,
    update_person, view as person_view, visible, window,
};
use crate::access::require;
use crate::auth::Signed;
use crate::{App, AppError, ErrorKind, FieldError};
use gridgov_domain::RegionCode;
use gridgov_domain::places::{check_household_number, same_grid_tree, surplus_heads};
use gridgov_domain::registry::{Kind, Relation};
use gridgov_store::entity::{household, person};
use gridgov_store::households::{self as repo, HouseholdFilter};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use utoipa::ToSchema;

/// Households are people's records: the person permissions cover them.
const READ: &str = "registry:person:read";
const WRITE: &str = "registry:person:write";
/// A household bigger than this is a typing error (or a dormitory, recorded otherwise).
const MAX_MEMBERS: usize = 50;

/// A household as an operator or grid worker enters it (or edits it: the whole record).
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct HouseholdInput {
    /// The grid (or sub-grid) the household lives in.
    #[serde(default)]
    pub grid: String,
    /// The house it lives in, in the same grid tree (the same grid, or one a sub-grid of the
    /// other).
    pub house_id: Option<i64>,
    /// 户号 as on the household register (letters, digits, hyphens); once in the district.
    pub number: Option<String>,
    pub address: Option<String>,
    pub note: Option<String>,
}

/// A household as lists show it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HouseholdView {
    pub id: i64,
    pub grid: String,
    pub community: String,
    pub street: String,
    pub house_id: Option<i64>,
    pub number: Option<String>,
    pub address: Option<String>,
    pub note: Option<String>,
    pub version: i32,
}

fn view(h: household::Model) -> HouseholdView {
    HouseholdView {
        id: h.id,
        grid: h.region_code,
        community: h.community_code,
        street: h.street_code,
        house_id: h.house_id,
        number: h.number,
        address: h.address,
        note: h.note,
        version: h.version,
    }
}

/// A household with its members (those in the caller's scope), head first, numbers masked.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HouseholdDetail {
    pub household: HouseholdView,
    pub members: Vec<PersonView>,
}

/// A household in a list: with its head's name and how many members it has (within the
/// reader's scope).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HouseholdItem {
    #[serde(flatten)]
    pub household: HouseholdView,
    pub head_name: Option<String>,
    pub member_count: i64,
}

/// A page of households with the total.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HouseholdPage {
    pub items: Vec<HouseholdItem>,
    pub total: u64,
}

/// A household's fields, checked (every field error at once) but not yet placed.
struct Fields {
    grid: RegionCode,
    house_id: Option<i64>,
    number: Option<String>,
    address: Option<String>,
    note: Option<String>,
}

fn check_fields(input: &HouseholdInput) -> Result<Fields, Vec<FieldError>> {
    let mut errs = Vec::new();
    let grid = grid_field("grid", &input.grid, &mut errs);
    let number = match input.number.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        None => Some(None),
        Some(n) => check_household_number(n)
            .map(Some)
            .map_err(|code| {
                errs.push(AppError::field(
                    "number",
                    code,
                    "letters, digits and hyphens, at most 32",
                ))
            })
            .ok(),
    };
    let address = text("address", &input.address, 200, &mut errs);
    let note = text("note", &input.note, 500, &mut errs);
    match (grid, number) {
        (Some(grid), Some(number)) if errs.is_empty() => Ok(Fields {
            grid,
            house_id: input.house_id,
            number,
            address,
            note,
        }),
        _ => Err(errs),
    }
}

/// Places checked fields on a household: in a grid the caller may write in, in a house they
/// may see in the same grid tree. Field errors are named with `prefix`.
async fn place_household(
    app: &App,
    who: &Signed,
    mut h: household::Model,
    f: Fields,
    prefix: &str,
) -> Result<household::Model, AppError> {
    let placed = place(app, who, WRITE, &f.grid).await?;
    if let Some(house_id) = f.house_id {
        let house = readable_house(app, who, super::buildings::READ, house_id).await?;
        let in_tree = RegionCode::parse(&house.region_code).is_ok_and(|g| same_grid_tree(&g, &placed.grid));
        if !in_tree {
            return Err(AppError::invalid_field(
                format!("{prefix}house_id"),
                "house_in_other_grid",
                "the house is in another grid",
            ));
        }
    }
    h.region_code = placed.grid.to_string();
    h.community_code = placed.community;
    h.street_code = placed.street;
    h.house_id = f.house_id;
    h.number = f.number;
    h.address = f.address;
    h.note = f.note;
    Ok(h)
}

fn blank(app: &App, who: &Signed) -> household::Model {
    let now = app.clock.now();
    household::Model {
        id: 0,
        district_code: who.user.district_code.clone(),
        street_code: String::new(),
        community_code: String::new(),
        region_code: String::new(),
        house_id: None,
        number: None,
        address: None,
        note: None,
        collect_key: None,
        version: 1,
        created_by: Some(who.user.id),
        created_at: now,
        updated_at: now,
    }
}

fn row(h: &household::Model) -> Row<'_> {
    Row {
        entity_type: "household",
        id: h.id,
        district: &h.district_code,
        region: &h.region_code,
    }
}

fn audited(h: &household::Model) -> serde_json::Value {
    serde_json::to_value(view(h.clone())).unwrap_or_default()
}

fn duplicate_number() -> AppError {
    AppError::new(
        ErrorKind::Conflict,
        "duplicate_household_number",
        "the district has a household with this household number",
    )
}

/// Stores a new household in the caller's transaction, audited as `household.create`.
async fn insert(
    txn: &impl ConnectionTrait,
    who: &Signed,
    ip: Option<String>,
    h: household::Model,
) -> Result<household::Model, AppError> {
    let id = match repo::insert(txn, h.clone()).await {
        Err(gridgov_store::StoreError::Duplicate) => return Err(duplicate_number()),
        other => other?,
    };
    let h = household::Model { id, ..h };
    let after = audited(&h);
    record_row(txn, who, ip, row(&h), "household.create", Change::created(&after)).await?;
    Ok(h)
}

/// Stores an edit of `old` if it still has `version`, audited as `household.update`.
async fn update_in(
    app: &App,
    txn: &impl ConnectionTrait,
    who: &Signed,
    ip: Option<String>,
    old: &household::Model,
    mut new: household::Model,
    version: i32,
) -> Result<household::Model, AppError> {
    new.version = old.version + 1;
    new.updated_at = app.clock.now();
    match repo::update(txn, &new, version).await {
        Err(gridgov_store::StoreError::Duplicate) => return Err(duplicate_number()),
        other => other?,
    }
    let (before, after) = (audited(old), audited(&new));
    record_row(
        txn,
        who,
        ip,
        row(&new),
        "household.update",
        Change::updated(&before, &after),
    )
    .await?;
    Ok(new)
}

/// Records a household in a grid the caller may write in.
pub async fn create(
    app: &App,
    who: &Signed,
    input: HouseholdInput,
    ip: Option<String>,
) -> Result<HouseholdDetail, AppError> {
    require(&who.principal, WRITE)?;
    let f = check_fields(&input).map_err(AppError::invalid)?;
    let h = place_household(app, who, blank(app, who), f, "").await?;
    let txn = sea_orm::TransactionTrait::begin(app.db.conn()).await?;
    let h = insert(&txn, who, ip, h).await?;
    txn.commit().await?;
    detail(app, who, h).await
}

/// Edits a household the caller may write, with the version they read (409 `stale_version`
/// otherwise). Its members stay as they are.
pub async fn update(
    app: &App,
    who: &Signed,
    id: i64,
    input: HouseholdInput,
    version: i32,
    ip: Option<String>,
) -> Result<HouseholdDetail, AppError> {
    let old = readable(app, who, WRITE, id).await?;
    let f = check_fields(&input).map_err(AppError::invalid)?;
    let new = place_household(app, who, old.clone(), f, "").await?;
    let txn = sea_orm::TransactionTrait::begin(app.db.conn()).await?;
    let h = update_in(app, &txn, who, ip, &old, new, version).await?;
    txn.commit().await?;
    detail(app, who, h).await
}

/// A household the caller may `perm`, or not found (out of scope reads as not found).
async fn readable(app: &App, who: &Signed, perm: &str, id: i64) -> Result<household::Model, AppError> {
    require(&who.principal, perm)?;
    let h = repo::by_id(app.db.conn(), id).await?;
    let not_found = AppError::not_found("household_not_found", format!("no household {id}"));
    visible(who, perm, h, |h| (&h.district_code, &h.region_code), not_found)
}

async fn detail(app: &App, who: &Signed, h: household::Model) -> Result<HouseholdDetail, AppError> {
    let scope = who.principal.scope(READ);
    let members = repo::members(app.db.conn(), h.id, &scope).await?;
    Ok(HouseholdDetail {
        household: view(h),
        members: members.into_iter().map(person_view).collect(),
    })
}

/// A household with its members.
pub async fn get(app: &App, who: &Signed, id: i64) -> Result<HouseholdDetail, AppError> {
    let h = readable(app, who, READ, id).await?;
    detail(app, who, h).await
}

/// A household's change history, newest first. Readers of it see it.
pub async fn history(app: &App, who: &Signed, id: i64) -> Result<Vec<super::HistoryEntry>, AppError> {
    let h = readable(app, who, READ, id).await?;
    super::history_of(app, &h.district_code, "household", id).await
}

/// A list's filter and page.
#[derive(Clone, Debug, Default)]
pub struct HouseholdQuery {
    pub region: Option<String>,
    pub house_id: Option<i64>,
    /// A whole household number.
    pub number: Option<String>,
    pub page: u64,
    pub page_size: u64,
}

/// Households in the caller's scope matching the filter, newest first.
pub async fn list(app: &App, who: &Signed, q: HouseholdQuery) -> Result<HouseholdPage, AppError> {
    require(&who.principal, READ)?;
    let mut errs = Vec::new();
    let number = match q.number.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        None => None,
        Some(n) => check_household_number(n)
            .map_err(|code| errs.push(AppError::field("number", code, "letters, digits and hyphens")))
            .ok(),
    };
    let f = HouseholdFilter {
        region: region_filter(&q.region, &mut errs),
        house_id: q.house_id,
        number,
    };
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let (offset, limit) = window(q.page, q.page_size);
    let scope = who.principal.scope(READ);
    let (rows, total) = repo::list(app.db.conn(), &who.user.district_code, &scope, &f, offset, limit).await?;
    let ids: Vec<i64> = rows.iter().map(|h| h.id).collect();
    let summaries: std::collections::HashMap<i64, repo::MemberSummary> =
        repo::member_summaries(app.db.conn(), &ids, &scope)
            .await?
            .into_iter()
            .map(|m| (m.household_id, m))
            .collect();
    let items = rows
        .into_iter()
        .map(|h| {
            let s = summaries.get(&h.id);
            HouseholdItem {
                head_name: s.and_then(|s| s.head.clone()),
                member_count: s.map_or(0, |s| s.members),
                household: view(h),
            }
        })
        .collect();
    Ok(HouseholdPage { items, total })
}

/// Checks the household a person is to belong to (as stored after an edit): one the caller may
/// see, in the person's grid tree; and a relation only with a household.
pub(super) async fn check_membership(app: &App, who: &Signed, p: &person::Model) -> Result<(), AppError> {
    let Some(id) = p.household_id else {
        if p.relation.is_some() {
            return Err(AppError::invalid_field(
                "relation",
                "no_household",
                "a relation needs a household",
            ));
        }
        return Ok(());
    };
    let h = readable(app, who, READ, id).await?;
    if !in_tree(&h, &p.region_code) {
        return Err(AppError::invalid_field(
            "household_id",
            "household_in_other_grid",
            "the household lives in another grid",
        ));
    }
    Ok(())
}

/// Whether a grid is in the household's grid tree.
fn in_tree(h: &household::Model, grid: &str) -> bool {
    match (RegionCode::parse(&h.region_code), RegionCode::parse(grid)) {
        (Ok(a), Ok(b)) => same_grid_tree(&a, &b),
        _ => false,
    }
}

/// Before a person is written as a household's head (first in the transaction): locks the
/// household and refuses a second head.
pub(super) async fn claim_head(txn: &impl ConnectionTrait, p: &person::Model) -> Result<(), AppError> {
    let (Some(id), Some(Relation::Head)) = (p.household_id, p.relation.as_deref().and_then(Relation::parse))
    else {
        return Ok(());
    };
    if !repo::lock(txn, id).await? {
        return Err(AppError::not_found(
            "household_not_found",
            format!("no household {id}"),
        ));
    }
    if repo::heads_except(txn, id, &[p.id]).await? > 0 {
        return Err(AppError::invalid(vec![has_head("relation".to_owned())]));
    }
    Ok(())
}

fn has_head(field: String) -> FieldError {
    AppError::field(field, "household_has_head", "the household has a head already")
}

/// The household of a collection: new (no id) or known (id and the version read).
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct CollectHousehold {
    pub id: Option<i64>,
    pub version: Option<i32>,
    #[serde(flatten)]
    pub fields: HouseholdInput,
}

/// A member of a collection: a new person (no `person_id`) or a known one (`person_id` and the
/// version read), with the whole record as for an edit. The member's household is the collected
/// one and its relation is `relation`: `person.household_id` and `person.relation` are ignored.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct CollectMember {
    pub person_id: Option<i64>,
    pub version: Option<i32>,
    pub person: super::PersonInput,
    /// Relation to the head: `head`, `spouse`, `child`, … (or 户主, 配偶, 子女, …).
    #[serde(default)]
    pub relation: String,
}

/// A household recorded on the spot, with its members.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct Collect {
    pub household: CollectHousehold,
    #[serde(default)]
    pub members: Vec<CollectMember>,
    /// For a new household: a key the phone chose for this collection (8–64 letters, digits,
    /// `-` or `_`), sent again with every retry. A collection whose key the district has already
    /// recorded answers that household as it is now, and writes nothing.
    pub idempotency_key: Option<String>,
}

/// A collection key: 8–64 letters, digits, `-` or `_`.
fn check_collect_key(key: &str) -> Result<&str, &'static str> {
    let ok = (8..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(key)
    } else {
        Err("invalid_idempotency_key")
    }
}

/// A member checked and placed, with the person as stored now (known members).
struct Member {
    checked: Checked,
    relation: Relation,
    known: Option<(person::Model, i32)>,
}

/// The household a collection with this key recorded already, as it is now (out of the caller's
/// reach: not found, as everywhere).
async fn collected(app: &App, who: &Signed, key: Option<&str>) -> Result<Option<HouseholdDetail>, AppError> {
    let Some(key) = key else { return Ok(None) };
    let Some(h) = repo::by_collect_key(app.db.conn(), &who.user.district_code, key).await? else {
        return Ok(None);
    };
    let h = readable(app, who, WRITE, h.id).await?;
    detail(app, who, h).await.map(Some)
}

/// Records a household and its members in one transaction: creates the household or edits it
/// (with its version), registers new members and edits known ones (with their versions). Every
/// field error is reported at once, named by its path (`household.number`,
/// `members[2].id_number` for a member's person field, `members[2].relation`); anything refused
/// leaves nothing written. Members not listed stay members.
pub async fn collect(
    app: &App,
    who: &Signed,
    c: Collect,
    ip: Option<String>,
) -> Result<HouseholdDetail, AppError> {
    require(&who.principal, WRITE)?;
    let key = match c.idempotency_key.as_deref().filter(|_| c.household.id.is_none()) {
        None => None,
        Some(k) => Some(check_collect_key(k.trim()).map_err(|code| {
            AppError::invalid_field("idempotency_key", code, "8 to 64 letters, digits, - or _")
        })?),
    };
    if let Some(done) = collected(app, who, key).await? {
        return Ok(done);
    }
    let today = today(app);
    let mut errs = Vec::new();
    let household = check_fields(&c.household.fields)
        .map_err(|e| errs.extend(prefixed("household.", e)))
        .ok();
    if c.household.id.is_some() && c.household.version.is_none() {
        errs.push(AppError::field(
            "household.version",
            "required",
            "the version read",
        ));
    }
    if c.members.len() > MAX_MEMBERS {
        errs.push(AppError::field(
            "members",
            "too_many",
            format!("at most {MAX_MEMBERS}"),
        ));
    }
    let mut fields = Vec::new();
    let mut claims = Vec::new();
    let mut seen = HashSet::new();
    for (i, m) in c.members.iter().enumerate() {
        let prefix = format!("members[{i}].");
        let default_grid = household.as_ref().map(|h| &h.grid);
        fields.push(
            check_person(today, &m.person, default_grid)
                .map_err(|e| errs.extend(prefixed(&prefix, e)))
                .ok(),
        );
        let relation = parse_relation(&m.relation)
            .map_err(|(code, reason)| errs.push(AppError::field(format!("{prefix}relation"), &code, reason)))
            .ok();
        claims.push(relation);
        if let Some(id) = m.person_id {
            if m.version.is_none() {
                errs.push(AppError::field(
                    format!("{prefix}version"),
                    "required",
                    "the version read",
                ));
            }
            if !seen.insert(id) {
                errs.push(AppError::field(
                    format!("{prefix}person_id"),
                    "duplicate_member",
                    "listed twice",
                ));
            }
        }
    }
    errs.extend(
        surplus_heads(0, &claims)
            .into_iter()
            .map(|i| has_head(format!("members[{i}].relation"))),
    );
    let Some(household) = household.filter(|_| errs.is_empty()) else {
        return Err(AppError::invalid(errs));
    };

    // Placed: the household's grid and house, each member's grid (in the household's tree) and
    // stored record. Out of scope reads as not found, as everywhere.
    let old = match c.household.id {
        Some(id) => Some(readable(app, who, WRITE, id).await?),
        None => None,
    };
    let base = old.clone().unwrap_or_else(|| household::Model {
        collect_key: key.map(str::to_owned),
        ..blank(app, who)
    });
    let new = place_household(app, who, base, household, "household.").await?;
    let mut members = Vec::new();
    for (i, (m, f)) in c.members.iter().zip(fields).enumerate() {
        let (Some(f), Some(relation)) = (f, claims[i]) else {
            continue;
        };
        let placed = place(app, who, WRITE, &f.grid).await?;
        if !in_tree(&new, placed.grid.as_str()) {
            errs.push(AppError::field(
                format!("members[{i}].grid"),
                "household_in_other_grid",
                "a member lives in the household's grid",
            ));
        }
        let known = match (m.person_id, m.version) {
            (Some(id), Some(v)) => Some((readable_person(app, who, WRITE, id).await?, v)),
            _ => None,
        };
        members.push(Member {
            checked: Checked { fields: f, placed },
            relation,
            known,
        });
    }
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }

    // Written: the household first (so SQLite's write lock and PostgreSQL's row lock are held
    // while its heads are counted), then the members.
    let txn = app.db.begin_write().await?;
    let h = match (&old, c.household.version) {
        (Some(old), Some(v)) => update_in(app, &txn, who, ip.clone(), old, new, v).await?,
        _ => match insert(&txn, who, ip.clone(), new).await {
            // The same collection sent twice at once: the other one recorded it.
            Err(e) if e.code == "duplicate_household_number" && key.is_some() => {
                drop(txn);
                return collected(app, who, key).await?.ok_or(e);
            }
            other => other?,
        },
    };
    repo::lock(&txn, h.id).await?;
    let known: Vec<i64> = members
        .iter()
        .filter_map(|m| m.known.as_ref().map(|(p, _)| p.id))
        .collect();
    let others = usize::try_from(repo::heads_except(&txn, h.id, &known).await?).unwrap_or(usize::MAX);
    let claims: Vec<_> = members.iter().map(|m| Some(m.relation)).collect();
    let surplus = surplus_heads(others, &claims);
    if !surplus.is_empty() {
        return Err(AppError::invalid(
            surplus
                .into_iter()
                .map(|i| has_head(format!("members[{i}].relation")))
                .collect(),
        ));
    }
    for m in members {
        let mut checked = m.checked;
        checked.fields.household = Some(Some(h.id));
        checked.fields.relation = Some(Some(m.relation));
        match m.known {
            Some((old, version)) => {
                let new = super::apply(app, old.clone(), checked)?;
                update_person(app, &txn, who, ip.clone(), &old, new, version).await?;
            }
            None => {
                let blank = new_person(&who.user.district_code, Some(who.user.id), app.clock.now());
                let p = super::apply(app, blank, checked)?;
                insert_person(&txn, who, ip.clone(), p).await?;
            }
        }
    }
    txn.commit().await?;
    detail(app, who, h).await
}
