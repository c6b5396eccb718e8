//! Use cases on the region tree: browse, map, locate, and the validated write every import and
//! edit goes through.

use crate::access::require;
use crate::error::{code_field, geo_field};
use crate::{App, AppError, ErrorKind, FieldError};
use chrono::Utc;
use gridgov_domain::access::{Principal, Scope};
use gridgov_domain::{ExclusiveType, GridKind, RegionCode, RegionLevel};
use gridgov_geo::locator::Located;
use gridgov_geo::{BBox, Boundary, Crs, LocatorEntry, LonLat};
use gridgov_store::entity::region;
use gridgov_store::regions::{self as repo, NewRegion, RegionSummary, StoredBoundary};
use gridgov_store::staff as staff_repo;
use gridgov_store::{Db, StoreError};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use utoipa::ToSchema;

/// A node of the region tree as the API shows it.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct RegionNode {
    pub code: String,
    pub name: String,
    #[schema(value_type = String, example = "grid")]
    pub level: RegionLevel,
    pub kind: Option<String>,
    pub exclusive_type: Option<String>,
    pub parent_code: Option<String>,
    pub child_count: u64,
    pub bbox: Option<[f64; 4]>,
}

impl RegionNode {
    fn from_summary(s: RegionSummary, child_count: u64) -> RegionNode {
        let bbox = s.bbox();
        RegionNode {
            level: s.level.parse().unwrap_or(RegionLevel::Grid),
            code: s.code,
            name: s.name,
            kind: s.kind,
            exclusive_type: s.exclusive_type,
            parent_code: s.parent_code,
            child_count,
            bbox,
        }
    }
}

/// A member of a grid team as the API shows it.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct TeamMemberView {
    pub staff_id: i64,
    pub staff_no: String,
    pub name: String,
    pub role: String,
    pub employment: String,
    pub force_source: String,
    pub unit: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct RegionRefView {
    pub code: String,
    pub name: String,
    #[schema(value_type = String, example = "grid")]
    pub level: RegionLevel,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct CentreView {
    pub name: String,
    pub duty_phone: Option<String>,
    pub address: Option<String>,
}

/// One region with its geometry, ancestors, team and centre.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct RegionDetail {
    pub code: String,
    pub name: String,
    #[schema(value_type = String, example = "grid")]
    pub level: RegionLevel,
    pub kind: Option<String>,
    pub exclusive_type: Option<String>,
    pub parent_code: Option<String>,
    pub area_m2: Option<f64>,
    pub bbox: Option<[f64; 4]>,
    /// A GeoJSON MultiPolygon in WGS84.
    #[schema(value_type = Option<Object>)]
    pub geometry: Option<Value>,
    pub version: i32,
    pub ancestors: Vec<RegionRefView>,
    pub team: Vec<TeamMemberView>,
    pub centre: Option<CentreView>,
}

fn parse_code(raw: &str) -> Result<RegionCode, AppError> {
    RegionCode::parse(raw).map_err(|e| AppError::invalid(vec![code_field("code", &e)]))
}

/// The children of `parent`, or the districts, as far as `who` may see them (the regions they
/// reach and the path down to them).
pub async fn children(app: &App, who: &Principal, parent: Option<&str>) -> Result<Vec<RegionNode>, AppError> {
    require(who, "region:region:read")?;
    let scope = who.scope("region:region:read");
    let parent = parent.map(parse_code).transpose()?;
    if let Some(p) = &parent
        && repo::get_in_scope(app.db.conn(), p, &scope).await?.is_none()
    {
        return Err(AppError::not_found("region_not_found", format!("no region {p}")));
    }
    let rows = repo::children(app.db.conn(), parent.as_ref(), &scope).await?;
    Ok(rows
        .into_iter()
        .map(|(s, n)| RegionNode::from_summary(s, n))
        .collect())
}

/// The districts with their extent: public, the login page and map need them.
pub async fn districts(app: &App) -> Result<Vec<RegionNode>, AppError> {
    let rows = repo::children(app.db.conn(), None, &Scope::everything()).await?;
    Ok(rows
        .into_iter()
        .map(|(s, n)| RegionNode::from_summary(s, n))
        .collect())
}

/// A region with geometry, ancestors, team (grids) and centre (administrative levels).
pub async fn detail(app: &App, who: &Principal, code: &str) -> Result<RegionDetail, AppError> {
    require(who, "region:region:read")?;
    let scope = who.scope("region:region:read");
    let code = parse_code(code)?;
    let conn = app.db.conn();
    // Out of scope answers like a missing region: 404, revealing nothing.
    let Some(r) = repo::get_in_scope(conn, &code, &scope).await? else {
        return Err(AppError::not_found(
            "region_not_found",
            format!("no region {code}"),
        ));
    };
    let ancestor_codes: Vec<String> = code.ancestors().into_iter().map(String::from).collect();
    let mut ancestors: Vec<RegionRefView> = repo::summaries(conn, &ancestor_codes)
        .await?
        .into_iter()
        .map(|s| RegionRefView {
            level: s.level.parse().unwrap_or(RegionLevel::District),
            code: s.code,
            name: s.name,
        })
        .collect();
    ancestors.sort_by_key(|a| a.level);
    let team_visible = who.can("region:team:read") && who.scope("region:team:read").reaches(&code);
    let team = if code.level().is_grid() && team_visible {
        staff_repo::team_of(conn, code.as_str())
            .await?
            .into_iter()
            .map(|t| TeamMemberView {
                staff_id: t.staff.id,
                staff_no: t.staff.staff_no,
                name: t.staff.name,
                role: t.member.role,
                employment: t.staff.employment,
                force_source: t.staff.force_source,
                unit: t.staff.unit,
            })
            .collect()
    } else {
        Vec::new()
    };
    let centre = staff_repo::centre_of(conn, code.as_str())
        .await?
        .map(|c| CentreView {
            name: c.name,
            duty_phone: c.duty_phone,
            address: c.address,
        });
    let geometry = r.boundary.as_deref().and_then(|b| serde_json::from_str(b).ok());
    let bbox = match (r.min_lon, r.min_lat, r.max_lon, r.max_lat) {
        (Some(a), Some(b), Some(c), Some(d)) => Some([a, b, c, d]),
        _ => None,
    };
    Ok(RegionDetail {
        level: code.level(),
        code: r.code,
        name: r.name,
        kind: r.kind,
        exclusive_type: r.exclusive_type,
        parent_code: r.parent_code,
        area_m2: r.area_m2,
        bbox,
        geometry,
        version: r.version,
        ancestors,
        team,
        centre,
    })
}

/// The regions of `level` in `bbox` as a GeoJSON FeatureCollection.
pub async fn features_in_bbox(
    app: &App,
    who: &Principal,
    level: RegionLevel,
    bbox: BBox,
) -> Result<Value, AppError> {
    require(who, "region:region:read")?;
    let scope = who.scope("region:region:read");
    let max = app.config.max_features;
    let rows = repo::in_bbox(app.db.conn(), level, bbox.as_array(), max, &scope).await?;
    if rows.len() as u64 > max {
        return Err(AppError::new(
            ErrorKind::Unprocessable,
            "too_many_features",
            format!("more than {max} regions in this box; zoom in or ask for a higher level"),
        ));
    }
    Ok(feature_collection(rows.iter()))
}

/// GeoJSON features for stored regions. The stored boundary text is embedded as parsed JSON.
pub fn feature_collection<'a>(rows: impl Iterator<Item = &'a region::Model>) -> Value {
    let features: Vec<Value> = rows
        .map(|r| {
            let geometry: Value = r
                .boundary
                .as_deref()
                .and_then(|b| serde_json::from_str(b).ok())
                .unwrap_or(Value::Null);
            serde_json::json!({
                "type": "Feature",
                "id": r.code,
                "geometry": geometry,
                "properties": {
                    "code": r.code,
                    "name": r.name,
                    "level": r.level,
                    "kind": r.kind,
                    "exclusive_type": r.exclusive_type,
                    "parent_code": r.parent_code,
                    "area_m2": r.area_m2,
                }
            })
        })
        .collect();
    serde_json::json!({ "type": "FeatureCollection", "features": features })
}

/// Where a point is: grid, community, street, district.
pub fn locate(app: &App, lon: f64, lat: f64, crs: Crs) -> Result<(LonLat, Arc<Located>), AppError> {
    let p = LonLat::new(lon, lat);
    if !p.is_valid() {
        return Err(AppError::invalid_field(
            "lon,lat",
            "invalid_coordinate",
            "lon must be in [-180, 180] and lat in [-90, 90]",
        ));
    }
    let w = crs.to_wgs84(p);
    match app.locator.current().locate(w) {
        Some(hit) => Ok((w, hit)),
        None => Err(AppError::not_found(
            "outside_district",
            "the point is outside every district",
        )),
    }
}

/// Builds the locator from every stored boundary.
pub async fn build_locator(db: &Db) -> Result<gridgov_geo::Locator, AppError> {
    let (rows, names) = repo::all_for_locator(db.conn()).await?;
    let mut entries = Vec::with_capacity(rows.len());
    for r in rows {
        let (Ok(code), Some(b)) = (RegionCode::parse(&r.code), r.boundary.as_deref()) else {
            continue;
        };
        let boundary = serde_json::from_str::<Value>(b)
            .ok()
            .and_then(|v| Boundary::from_geojson(&v, Crs::Wgs84).ok());
        match boundary {
            Some(boundary) => entries.push(LocatorEntry {
                code,
                name: r.name,
                boundary,
            }),
            // Every boundary was validated on the way in; one that no longer parses means the
            // row was edited by hand. Skip it rather than refuse to start.
            None => tracing::warn!(code = %r.code, "stored boundary does not parse; left out of the locator"),
        }
    }
    let names: HashMap<RegionCode, String> = names
        .into_iter()
        .filter_map(|(c, n)| RegionCode::parse(&c).ok().map(|c| (c, n)))
        .collect();
    Ok(gridgov_geo::Locator::build(entries, names))
}

/// The input of a region write (an edit in the console, a row of an import).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RegionInput {
    pub code: String,
    pub name: String,
    pub kind: Option<String>,
    pub exclusive_type: Option<String>,
    /// A GeoJSON Polygon or MultiPolygon geometry; `None` keeps the region without a boundary.
    pub boundary: Option<Value>,
    pub crs: Crs,
    /// For an update: the version the editor saw. Required to change an existing region.
    pub version: Option<i32>,
}

/// A region that passed every rule and can be written.
#[derive(Clone, Debug)]
pub struct CheckedRegion {
    pub new: NewRegion,
    pub boundary: Option<Boundary>,
}

/// Checks the parts of a region input that need no database: code, name, kind, boundary shape.
pub fn check_shape(input: &RegionInput) -> Result<CheckedRegion, Vec<FieldError>> {
    let mut errs = Vec::new();
    let code = RegionCode::parse(&input.code)
        .map_err(|e| errs.push(code_field("code", &e)))
        .ok();
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        errs.push(AppError::field(
            "name",
            "invalid_name",
            "a name has 1 to 100 characters",
        ));
    }
    if let Some(code) = &code {
        let level = code.level();
        match (&input.kind, level.is_grid()) {
            (None, true) => errs.push(AppError::field("kind", "kind_required", "a grid needs a kind")),
            (Some(k), true) => match k.parse::<GridKind>() {
                Ok(kind) if kind.allowed_at(level) => {}
                Ok(_) => errs.push(AppError::field(
                    "kind",
                    "kind_not_allowed_at_level",
                    format!("{k} is not allowed for a {level}"),
                )),
                Err(e) => errs.push(code_field("kind", &e)),
            },
            (Some(_), false) => errs.push(AppError::field(
                "kind",
                "kind_not_allowed_at_level",
                format!("a {level} has no kind"),
            )),
            (None, false) => {}
        }
        match (&input.exclusive_type, input.kind.as_deref()) {
            (Some(t), Some("exclusive")) => {
                if let Err(e) = t.parse::<ExclusiveType>() {
                    errs.push(code_field("exclusive_type", &e));
                }
            }
            (Some(_), _) => errs.push(AppError::field(
                "exclusive_type",
                "exclusive_type_not_allowed",
                "only an exclusive grid has an exclusive type",
            )),
            (None, _) => {}
        }
    }
    let boundary = match &input.boundary {
        Some(v) => Boundary::from_geojson(v, input.crs)
            .map_err(|e| errs.push(geo_field("boundary", &e)))
            .ok(),
        None => None,
    };
    match code {
        Some(code) if errs.is_empty() => Ok(CheckedRegion {
            new: NewRegion {
                code,
                name: name.to_owned(),
                kind: input.kind.clone(),
                exclusive_type: input.exclusive_type.clone(),
                boundary: boundary.as_ref().map(stored),
            },
            boundary,
        }),
        _ => Err(errs),
    }
}

/// The stored form of a checked boundary.
pub fn stored(b: &Boundary) -> StoredBoundary {
    StoredBoundary {
        geojson: b.to_geojson().to_string(),
        bbox: b.bbox().as_array(),
        area_m2: b.area_m2(),
    }
}

fn parse_stored(r: &region::Model) -> Option<Boundary> {
    let v: Value = serde_json::from_str(r.boundary.as_deref()?).ok()?;
    Boundary::from_geojson(&v, Crs::Wgs84).ok()
}

/// Checks a region against the tree: parent present, inside the parent, no overlap with
/// siblings, existing children still inside. `pending` holds regions of the same batch not yet
/// written (an import validates everything before writing anything).
pub async fn check_in_tree(
    conn: &impl ConnectionTrait,
    app_config: &crate::Config,
    r: &CheckedRegion,
    pending: &HashMap<RegionCode, CheckedRegion>,
) -> Result<(), Vec<FieldError>> {
    let code = &r.new.code;
    let store = |e: StoreError| vec![AppError::field("code", "storage_error", e.to_string())];
    // The parent: in this batch, or in the database.
    let parent_boundary = match code.parent() {
        None => None,
        Some(p) => match pending.get(&p) {
            Some(pr) => pr.boundary.clone(),
            None => match repo::get(conn, &p).await.map_err(store)? {
                Some(m) => parse_stored(&m),
                None => {
                    return Err(vec![AppError::field(
                        "code",
                        "parent_not_found",
                        format!("the parent {p} of {code} does not exist"),
                    )]);
                }
            },
        },
    };
    let Some(b) = &r.boundary else { return Ok(()) };
    if let (Some(pb), Some(p)) = (&parent_boundary, code.parent()) {
        b.check_inside(pb, p.as_str(), app_config.inside_tolerance)
            .map_err(|e| vec![geo_field("boundary", &e)])?;
    }
    // Siblings: stored ones (unless replaced in this batch) and pending ones.
    let stored_siblings = repo::siblings_with_boundary(conn, code).await.map_err(store)?;
    for s in stored_siblings {
        let Ok(sc) = RegionCode::parse(&s.code) else {
            continue;
        };
        if pending.contains_key(&sc) {
            continue;
        }
        if let Some(sb) = parse_stored(&s) {
            b.check_no_overlap(&sb, &s.code, app_config.overlap_tolerance)
                .map_err(|e| vec![geo_field("boundary", &e)])?;
        }
    }
    for (pc, pr) in pending {
        if pc != code
            && pc.parent() == code.parent()
            && pc.level() == code.level()
            && let Some(pb) = &pr.boundary
        {
            b.check_no_overlap(pb, pc.as_str(), app_config.overlap_tolerance)
                .map_err(|e| vec![geo_field("boundary", &e)])?;
        }
    }
    // Children already stored must still fit.
    for c in repo::children_with_boundary(conn, code).await.map_err(store)? {
        let Ok(cc) = RegionCode::parse(&c.code) else {
            continue;
        };
        if pending.contains_key(&cc) {
            continue;
        }
        if let Some(cb) = parse_stored(&c) {
            cb.check_inside(b, code.as_str(), app_config.inside_tolerance)
                .map_err(|e| {
                    vec![AppError::field(
                        "boundary",
                        "child_outside",
                        format!("child {}: {e}", c.code),
                    )]
                })?;
        }
    }
    Ok(())
}

/// Creates a region, or updates it when `version` is given. All rules are checked first; the
/// write happens in one transaction that also claims the parent, so two editors adding
/// overlapping siblings at once cannot both succeed.
pub async fn save(
    app: &App,
    actor: &crate::audit::Actor,
    input: RegionInput,
) -> Result<RegionNode, AppError> {
    let checked = check_shape(&input).map_err(AppError::invalid)?;
    let code = checked.new.code.clone();
    let txn = app.db.conn().begin().await?;
    let existing = repo::get(&txn, &code).await?;
    match (&existing, input.version) {
        (Some(_), None) => {
            return Err(AppError::new(
                ErrorKind::Conflict,
                "region_exists",
                format!("{code} exists; send its version to update it"),
            ));
        }
        (None, Some(_)) => {
            return Err(AppError::not_found(
                "region_not_found",
                format!("no region {code}"),
            ));
        }
        _ => {}
    }
    check_in_tree(&txn, &app.config, &checked, &HashMap::new())
        .await
        .map_err(AppError::invalid)?;
    if let Some(p) = code.parent() {
        let parent = repo::get(&txn, &p)
            .await?
            .ok_or_else(|| AppError::not_found("region_not_found", "parent vanished"))?;
        repo::claim(&txn, &p, parent.version).await?;
    }
    let now = Utc::now();
    match input.version {
        Some(v) => repo::update(&txn, &checked.new, v, now).await?,
        None => repo::insert_many(&txn, std::slice::from_ref(&checked.new), now).await?,
    }
    let before = existing.as_ref().map(|e| {
        serde_json::json!({ "name": e.name, "kind": e.kind, "exclusive_type": e.exclusive_type, "boundary": e.boundary })
    });
    let after = audit_view(&checked.new);
    let event = crate::audit::Event {
        district: code.district().to_string(),
        region: Some(code.to_string()),
        action: if existing.is_some() {
            "region.update"
        } else {
            "region.create"
        },
        entity_type: "region",
        entity_id: code.as_str(),
        before: before.as_ref(),
        after: Some(&after),
        detail: Value::Null,
    };
    crate::audit::record(&txn, actor, event).await?;
    txn.commit().await?;
    if checked.boundary.is_some() || existing.is_some() {
        app.reload_locator().await?;
    }
    let s = repo::get_summary(app.db.conn(), &code)
        .await?
        .ok_or_else(|| AppError::not_found("region_not_found", "vanished"))?;
    Ok(RegionNode::from_summary(s, 0))
}

/// A district department that answers whistles.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct DepartmentView {
    pub id: i64,
    /// A short stable key within the district, e.g. `chengguan`.
    pub code: String,
    pub name: String,
    pub duty_phone: Option<String>,
}

/// The departments of a district.
pub async fn departments(
    app: &App,
    who: &Principal,
    district: &str,
) -> Result<Vec<DepartmentView>, AppError> {
    require(who, "region:region:read")?;
    let code = parse_code(district)?;
    code.expect_level(RegionLevel::District)
        .map_err(|e| AppError::invalid(vec![code_field("code", &e)]))?;
    if repo::get_in_scope(app.db.conn(), &code, &who.scope("region:region:read"))
        .await?
        .is_none()
    {
        return Err(AppError::not_found(
            "region_not_found",
            format!("no district {code}"),
        ));
    }
    Ok(staff_repo::departments(app.db.conn(), code.as_str())
        .await?
        .into_iter()
        .map(|d| DepartmentView {
            id: d.id,
            code: d.code,
            name: d.name,
            duty_phone: d.duty_phone,
        })
        .collect())
}

/// The audited state of a region (its digest goes into the audit log).
pub fn audit_view(r: &NewRegion) -> Value {
    serde_json::json!({
        "name": r.name,
        "kind": r.kind,
        "exclusive_type": r.exclusive_type,
        "boundary": r.boundary.as_ref().map(|b| b.geojson.clone()),
    })
}
