//! Queries and writes on the region tree.

use crate::StoreError;
use crate::entity::{app_user, centre, department, region, role, session, staff, team_member, user_role};
use crate::scope::{region_condition, region_or_path_condition};
use chrono::{DateTime, Utc};
use gridgov_domain::access::Scope;
use gridgov_domain::{RegionCode, RegionLevel};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// Rows per multi-row INSERT: well under SQLite's 32,766 and PostgreSQL's 65,535 bind limits.
pub const CHUNK: usize = 500;

/// A boundary as stored: GeoJSON text plus the numbers that index it.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredBoundary {
    pub geojson: String,
    pub bbox: [f64; 4],
    pub area_m2: f64,
}

/// A region to insert.
#[derive(Clone, Debug, PartialEq)]
pub struct NewRegion {
    pub code: RegionCode,
    pub name: String,
    pub kind: Option<String>,
    pub exclusive_type: Option<String>,
    pub boundary: Option<StoredBoundary>,
}

/// A region without its (possibly large) boundary text.
#[derive(Clone, Debug, PartialEq, FromQueryResult)]
pub struct RegionSummary {
    pub code: String,
    pub parent_code: Option<String>,
    pub level: String,
    pub kind: Option<String>,
    pub exclusive_type: Option<String>,
    pub name: String,
    pub min_lon: Option<f64>,
    pub min_lat: Option<f64>,
    pub max_lon: Option<f64>,
    pub max_lat: Option<f64>,
    pub area_m2: Option<f64>,
    pub version: i32,
}

impl RegionSummary {
    pub fn bbox(&self) -> Option<[f64; 4]> {
        Some([self.min_lon?, self.min_lat?, self.max_lon?, self.max_lat?])
    }
}

fn summary_columns<S: QuerySelect>(q: S) -> S {
    q.select_only().columns([
        region::Column::Code,
        region::Column::ParentCode,
        region::Column::Level,
        region::Column::Kind,
        region::Column::ExclusiveType,
        region::Column::Name,
        region::Column::MinLon,
        region::Column::MinLat,
        region::Column::MaxLon,
        region::Column::MaxLat,
        region::Column::AreaM2,
        region::Column::Version,
    ])
}

fn active(r: &NewRegion, now: DateTime<Utc>) -> region::ActiveModel {
    let b = r.boundary.as_ref();
    region::ActiveModel {
        code: Set(r.code.as_str().to_owned()),
        district_code: Set(r.code.district().as_str().to_owned()),
        parent_code: Set(r.code.parent().map(String::from)),
        level: Set(r.code.level().as_str().to_owned()),
        kind: Set(r.kind.clone()),
        exclusive_type: Set(r.exclusive_type.clone()),
        name: Set(r.name.clone()),
        boundary: Set(b.map(|b| b.geojson.clone())),
        min_lon: Set(b.map(|b| b.bbox[0])),
        min_lat: Set(b.map(|b| b.bbox[1])),
        max_lon: Set(b.map(|b| b.bbox[2])),
        max_lat: Set(b.map(|b| b.bbox[3])),
        area_m2: Set(b.map(|b| b.area_m2)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// Inserts regions, parents before children (the caller orders them).
pub async fn insert_many(
    conn: &impl ConnectionTrait,
    rows: &[NewRegion],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for chunk in rows.chunks(CHUNK) {
        region::Entity::insert_many(chunk.iter().map(|r| active(r, now)))
            .exec_without_returning(conn)
            .await
            .map_err(StoreError::classify)?;
    }
    Ok(())
}

pub async fn get(
    conn: &impl ConnectionTrait,
    code: &RegionCode,
) -> Result<Option<region::Model>, StoreError> {
    Ok(region::Entity::find_by_id(code.as_str()).one(conn).await?)
}

pub async fn get_summary(
    conn: &impl ConnectionTrait,
    code: &RegionCode,
) -> Result<Option<RegionSummary>, StoreError> {
    Ok(summary_columns(region::Entity::find_by_id(code.as_str()))
        .into_model::<RegionSummary>()
        .one(conn)
        .await?)
}

/// The summaries of the given codes, in no particular order.
pub async fn summaries(
    conn: &impl ConnectionTrait,
    codes: &[String],
) -> Result<Vec<RegionSummary>, StoreError> {
    let mut out = Vec::with_capacity(codes.len());
    for chunk in codes.chunks(CHUNK) {
        let q = region::Entity::find().filter(region::Column::Code.is_in(chunk.iter().cloned()));
        out.extend(summary_columns(q).into_model::<RegionSummary>().all(conn).await?);
    }
    Ok(out)
}

/// The children of `parent`, or the districts when `parent` is `None`, ordered by code, each
/// with the number of its own children.
pub async fn children(
    conn: &impl ConnectionTrait,
    parent: Option<&RegionCode>,
    scope: &Scope,
) -> Result<Vec<(RegionSummary, u64)>, StoreError> {
    let q = match parent {
        Some(p) => region::Entity::find().filter(region::Column::ParentCode.eq(p.as_str())),
        None => region::Entity::find().filter(region::Column::Level.eq(RegionLevel::District.as_str())),
    };
    let q = q.filter(region_or_path_condition(scope, region::Column::Code));
    let rows = summary_columns(q.order_by_asc(region::Column::Code))
        .into_model::<RegionSummary>()
        .all(conn)
        .await?;
    let counts = child_counts(conn, rows.iter().map(|r| r.code.clone()).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let n = counts.get(&r.code).copied().unwrap_or(0);
            (r, n)
        })
        .collect())
}

#[derive(FromQueryResult)]
struct ParentCount {
    parent_code: Option<String>,
    n: i64,
}

async fn child_counts(
    conn: &impl ConnectionTrait,
    parents: Vec<String>,
) -> Result<HashMap<String, u64>, StoreError> {
    let mut out = HashMap::new();
    for chunk in parents.chunks(CHUNK) {
        let rows = region::Entity::find()
            .select_only()
            .column(region::Column::ParentCode)
            .column_as(Expr::from(Func::count(Expr::col(region::Column::Code))), "n")
            .filter(region::Column::ParentCode.is_in(chunk.iter().cloned()))
            .group_by(region::Column::ParentCode)
            .into_model::<ParentCount>()
            .all(conn)
            .await?;
        for r in rows {
            if let Some(p) = r.parent_code {
                out.insert(p, u64::try_from(r.n).unwrap_or(0));
            }
        }
    }
    Ok(out)
}

/// Regions of `level` with a boundary whose bounding box meets `bbox`, at most `limit + 1`
/// (so the caller can tell "too many" from "exactly the limit").
pub async fn in_bbox(
    conn: &impl ConnectionTrait,
    level: RegionLevel,
    bbox: [f64; 4],
    limit: u64,
    scope: &Scope,
) -> Result<Vec<region::Model>, StoreError> {
    let [min_lon, min_lat, max_lon, max_lat] = bbox;
    Ok(region::Entity::find()
        .filter(region::Column::Level.eq(level.as_str()))
        .filter(region_or_path_condition(scope, region::Column::Code))
        .filter(region::Column::MinLon.lte(max_lon))
        .filter(region::Column::MaxLon.gte(min_lon))
        .filter(region::Column::MinLat.lte(max_lat))
        .filter(region::Column::MaxLat.gte(min_lat))
        .order_by_asc(region::Column::Code)
        .limit(limit + 1)
        .all(conn)
        .await?)
}

/// Every region with a boundary (to build the locator) and every region's name.
pub async fn all_for_locator(
    conn: &impl ConnectionTrait,
) -> Result<(Vec<region::Model>, HashMap<String, String>), StoreError> {
    let with_boundary = region::Entity::find()
        .filter(region::Column::Boundary.is_not_null())
        .all(conn)
        .await?;
    #[derive(FromQueryResult)]
    struct Name {
        code: String,
        name: String,
    }
    let names = region::Entity::find()
        .select_only()
        .columns([region::Column::Code, region::Column::Name])
        .into_model::<Name>()
        .all(conn)
        .await?
        .into_iter()
        .map(|n| (n.code, n.name))
        .collect();
    Ok((with_boundary, names))
}

/// The siblings of a region that have a boundary (for the overlap rule).
pub async fn siblings_with_boundary(
    conn: &impl ConnectionTrait,
    code: &RegionCode,
) -> Result<Vec<region::Model>, StoreError> {
    let q = match code.parent() {
        Some(p) => region::Entity::find().filter(region::Column::ParentCode.eq(p.as_str())),
        None => region::Entity::find().filter(region::Column::Level.eq(RegionLevel::District.as_str())),
    };
    Ok(q.filter(region::Column::Code.ne(code.as_str()))
        .filter(region::Column::Boundary.is_not_null())
        .all(conn)
        .await?)
}

/// The children of a region that have a boundary (a new parent boundary must still hold them).
pub async fn children_with_boundary(
    conn: &impl ConnectionTrait,
    code: &RegionCode,
) -> Result<Vec<region::Model>, StoreError> {
    Ok(region::Entity::find()
        .filter(region::Column::ParentCode.eq(code.as_str()))
        .filter(region::Column::Boundary.is_not_null())
        .all(conn)
        .await?)
}

/// Sets name, kind and boundary of an existing region if its version is still `expected`;
/// [`StoreError::Conflict`] otherwise.
pub async fn update(
    conn: &impl ConnectionTrait,
    r: &NewRegion,
    expected_version: i32,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let b = r.boundary.as_ref();
    let res = region::Entity::update_many()
        .col_expr(region::Column::Name, Expr::value(r.name.clone()))
        .col_expr(region::Column::Kind, Expr::value(r.kind.clone()))
        .col_expr(
            region::Column::ExclusiveType,
            Expr::value(r.exclusive_type.clone()),
        )
        .col_expr(
            region::Column::Boundary,
            Expr::value(b.map(|b| b.geojson.clone())),
        )
        .col_expr(region::Column::MinLon, Expr::value(b.map(|b| b.bbox[0])))
        .col_expr(region::Column::MinLat, Expr::value(b.map(|b| b.bbox[1])))
        .col_expr(region::Column::MaxLon, Expr::value(b.map(|b| b.bbox[2])))
        .col_expr(region::Column::MaxLat, Expr::value(b.map(|b| b.bbox[3])))
        .col_expr(region::Column::AreaM2, Expr::value(b.map(|b| b.area_m2)))
        .col_expr(region::Column::Version, Expr::col(region::Column::Version).add(1))
        .col_expr(region::Column::UpdatedAt, Expr::value(now))
        .filter(region::Column::Code.eq(r.code.as_str()))
        .filter(region::Column::Version.eq(expected_version))
        .exec(conn)
        .await?;
    StoreError::one_row(res)
}

/// Claims a parent for a change among its children: bumps its version if it is still
/// `expected`. Two writers validating siblings against the same parent cannot both commit.
pub async fn claim(
    conn: &impl ConnectionTrait,
    code: &RegionCode,
    expected_version: i32,
) -> Result<(), StoreError> {
    let res = region::Entity::update_many()
        .col_expr(region::Column::Version, Expr::col(region::Column::Version).add(1))
        .filter(region::Column::Code.eq(code.as_str()))
        .filter(region::Column::Version.eq(expected_version))
        .exec(conn)
        .await?;
    StoreError::one_row(res)
}

/// How many regions of each level a district has.
pub async fn count_by_level(
    conn: &impl ConnectionTrait,
    district: &RegionCode,
) -> Result<HashMap<RegionLevel, u64>, StoreError> {
    let mut out = HashMap::new();
    for level in RegionLevel::ALL {
        let n = region::Entity::find()
            .filter(region::Column::DistrictCode.eq(district.as_str()))
            .filter(region::Column::Level.eq(level.as_str()))
            .count(conn)
            .await?;
        out.insert(level, n);
    }
    Ok(out)
}

/// Deletes everything a district owns except its audit log (the demo rebuilds its districts
/// this way). Children
/// first, so that foreign keys hold at every step on both engines.
pub async fn delete_district(conn: &impl ConnectionTrait, district: &RegionCode) -> Result<(), StoreError> {
    let d = district.as_str();
    let users = app_user::Entity::find()
        .filter(app_user::Column::DistrictCode.eq(d))
        .all(conn)
        .await?;
    let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
    session::Entity::delete_many()
        .filter(session::Column::UserId.is_in(ids))
        .exec(conn)
        .await?;
    user_role::Entity::delete_many()
        .filter(user_role::Column::DistrictCode.eq(d))
        .exec(conn)
        .await?;
    app_user::Entity::delete_many()
        .filter(app_user::Column::DistrictCode.eq(d))
        .exec(conn)
        .await?;
    role::Entity::delete_many()
        .filter(role::Column::DistrictCode.eq(d))
        .exec(conn)
        .await?;
    team_member::Entity::delete_many()
        .filter(team_member::Column::DistrictCode.eq(d))
        .exec(conn)
        .await?;
    staff::Entity::delete_many()
        .filter(staff::Column::DistrictCode.eq(d))
        .exec(conn)
        .await?;
    centre::Entity::delete_many()
        .filter(centre::Column::DistrictCode.eq(d))
        .exec(conn)
        .await?;
    department::Entity::delete_many()
        .filter(department::Column::DistrictCode.eq(d))
        .exec(conn)
        .await?;
    for level in RegionLevel::ALL.iter().rev() {
        region::Entity::delete_many()
            .filter(region::Column::DistrictCode.eq(d))
            .filter(region::Column::Level.eq(level.as_str()))
            .exec(conn)
            .await?;
    }
    Ok(())
}

/// Renames a region (an import of official names over existing rows).
pub async fn rename(
    conn: &impl ConnectionTrait,
    code: &RegionCode,
    name: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    region::Entity::update_many()
        .col_expr(region::Column::Name, Expr::value(name.to_owned()))
        .col_expr(region::Column::Version, Expr::col(region::Column::Version).add(1))
        .col_expr(region::Column::UpdatedAt, Expr::value(now))
        .filter(region::Column::Code.eq(code.as_str()))
        .exec(conn)
        .await?;
    Ok(())
}

/// The codes of a district's streets, ordered.
pub async fn street_codes(
    conn: &impl ConnectionTrait,
    district: &RegionCode,
) -> Result<Vec<String>, StoreError> {
    Ok(region::Entity::find()
        .select_only()
        .column(region::Column::Code)
        .filter(region::Column::DistrictCode.eq(district.as_str()))
        .filter(region::Column::Level.eq(RegionLevel::Street.as_str()))
        .order_by_asc(region::Column::Code)
        .into_tuple()
        .all(conn)
        .await?)
}

/// All grids and sub-grids (optionally of one district), ordered by code, for export.
pub async fn grids(
    conn: &impl ConnectionTrait,
    district: Option<&RegionCode>,
    scope: &Scope,
) -> Result<Vec<region::Model>, StoreError> {
    let mut q = region::Entity::find()
        .filter(region::Column::Level.is_in([RegionLevel::Grid.as_str(), RegionLevel::Subgrid.as_str()]))
        .filter(region_condition(scope, region::Column::Code));
    if let Some(d) = district {
        q = q.filter(region::Column::DistrictCode.eq(d.as_str()));
    }
    Ok(q.order_by_asc(region::Column::Code).all(conn).await?)
}

/// The codes and names of a district's grids and sub-grids within the scope, ordered by code.
pub async fn grid_names(
    conn: &impl ConnectionTrait,
    district: &RegionCode,
    scope: &Scope,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(region::Entity::find()
        .select_only()
        .columns([region::Column::Code, region::Column::Name])
        .filter(region::Column::Level.is_in([RegionLevel::Grid.as_str(), RegionLevel::Subgrid.as_str()]))
        .filter(region::Column::DistrictCode.eq(district.as_str()))
        .filter(region_condition(scope, region::Column::Code))
        .order_by_asc(region::Column::Code)
        .into_tuple()
        .all(conn)
        .await?)
}

/// A region if the scope sees it (itself, or on the path down to what it reaches).
pub async fn get_in_scope(
    conn: &impl ConnectionTrait,
    code: &RegionCode,
    scope: &Scope,
) -> Result<Option<region::Model>, StoreError> {
    Ok(region::Entity::find_by_id(code.as_str())
        .filter(region_or_path_condition(scope, region::Column::Code))
        .one(conn)
        .await?)
}
