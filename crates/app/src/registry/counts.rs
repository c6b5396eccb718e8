//! The registry's counts for a region and each of its children (a district's streets, a
//! street's communities, a community's grids, a grid's sub-grids): people by kind, households,
//! buildings, houses, care groups' current members (and how many are overdue), organisations by
//! kind, facilities by state. Everything carries its grid, so it rolls up to every level.
//!
//! Counted within the reader's scope of `registry:person:read`: a region outside it is not
//! found, and below a region only what the scope reaches is counted.

use super::{region_filter, today};
use crate::access::require;
use crate::auth::Signed;
use crate::{App, AppError};
use gridgov_domain::access::Scope;
use gridgov_domain::registry::{CareGroup, FacilityState, Kind, OrgKind, PersonKind};
use gridgov_domain::{RegionCode, RegionLevel};
use gridgov_store::registry_counts::{Area, Tallies, Tally, tallies};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Reading the counts.
pub const READ: &str = "registry:person:read";

/// Current members of a care group, and how many of them are overdue for a visit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct CareCount {
    pub members: u64,
    pub overdue: u64,
}

/// What the registry holds in one region. Every kind, group and state is listed, zeros too.
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct RegionCounts {
    /// By `PersonKind` code.
    pub people: BTreeMap<String, u64>,
    pub people_total: u64,
    pub households: u64,
    pub buildings: u64,
    pub houses: u64,
    /// By `CareGroup` code.
    pub care: BTreeMap<String, CareCount>,
    pub care_total: CareCount,
    /// By `OrgKind` code.
    pub organisations: BTreeMap<String, u64>,
    /// By `FacilityState` code.
    pub facilities: BTreeMap<String, u64>,
}

impl RegionCounts {
    fn zero() -> RegionCounts {
        fn zeros<K: Kind, V: Default>() -> BTreeMap<String, V> {
            K::ALL
                .iter()
                .map(|k| (k.code().to_owned(), V::default()))
                .collect()
        }
        RegionCounts {
            people: zeros::<PersonKind, _>(),
            care: zeros::<CareGroup, _>(),
            organisations: zeros::<OrgKind, _>(),
            facilities: zeros::<FacilityState, _>(),
            ..RegionCounts::default()
        }
    }
}

/// A region with its counts.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct CountedRegion {
    pub code: String,
    pub name: String,
    /// `district`, `street`, `community`, `grid` or `subgrid`.
    pub level: String,
    pub counts: RegionCounts,
}

/// A region's counts and its children's (those the reader's scope reaches or lies below).
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct RegistryCounts {
    #[serde(flatten)]
    pub region: CountedRegion,
    pub children: Vec<CountedRegion>,
}

/// Where a reader's counts start without a region: the district for district-wide readers,
/// otherwise the one region their scope is rooted at, or the lowest region above all of them.
fn default_region(scope: &Scope, district: &RegionCode) -> RegionCode {
    if scope.all {
        return district.clone();
    }
    let roots: Vec<&RegionCode> = scope.subtrees.iter().chain(&scope.units).collect();
    let Some((first, rest)) = roots.split_first() else {
        return district.clone();
    };
    let mut path: Vec<RegionCode> = first.ancestors();
    path.push((*first).clone());
    path.into_iter()
        .rev()
        .find(|a| rest.iter().all(|r| r.is_within(a)))
        .unwrap_or_else(|| district.clone())
}

/// Adds one table's tallies to the region's total and to the child each belongs to.
fn add(
    tallies: &[Tally],
    level: RegionLevel,
    total: &mut RegionCounts,
    children: &mut BTreeMap<String, RegionCounts>,
    put: impl Fn(&mut RegionCounts, &Tally),
) {
    for t in tallies {
        put(total, t);
        // A district's streets are keyed by their first 9 digits (the code ends in 000).
        let child = match level {
            RegionLevel::District => format!("{}000", t.key),
            _ => t.key.clone(),
        };
        if let Some(c) = children.get_mut(&child) {
            put(c, t);
        }
    }
}

fn n(t: &Tally) -> u64 {
    u64::try_from(t.n).unwrap_or(0)
}

/// Spreads the tallies over the region and its children.
fn spread(
    t: &Tallies,
    level: RegionLevel,
    total: &mut RegionCounts,
    children: &mut BTreeMap<String, RegionCounts>,
) {
    add(&t.people, level, total, children, |c, t| {
        *c.people.entry(t.category.clone()).or_default() += n(t);
        c.people_total += n(t);
    });
    add(&t.households, level, total, children, |c, t| c.households += n(t));
    add(&t.buildings, level, total, children, |c, t| c.buildings += n(t));
    add(&t.houses, level, total, children, |c, t| c.houses += n(t));
    add(&t.care, level, total, children, |c, t| {
        let overdue = u64::try_from(t.overdue.unwrap_or(0)).unwrap_or(0);
        let g = c.care.entry(t.category.clone()).or_default();
        g.members += n(t);
        g.overdue += overdue;
        c.care_total.members += n(t);
        c.care_total.overdue += overdue;
    });
    add(&t.organisations, level, total, children, |c, t| {
        *c.organisations.entry(t.category.clone()).or_default() += n(t)
    });
    add(&t.facilities, level, total, children, |c, t| {
        *c.facilities.entry(t.category.clone()).or_default() += n(t)
    });
}

/// The counts of `region` (default: where the reader's scope starts) and of its children.
pub async fn counts(app: &App, who: &Signed, region: Option<String>) -> Result<RegistryCounts, AppError> {
    require(&who.principal, READ)?;
    let district = RegionCode::parse(&who.user.district_code)
        .map_err(|e| AppError::invalid(vec![crate::error::code_field("district", &e)]))?;
    let scope = who.principal.scope(READ);
    let mut errs = Vec::new();
    let asked = region_filter(&region, &mut errs);
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let region = match asked {
        Some(r) => {
            if r.district() != district || !scope.reaches(&r) {
                return Err(AppError::not_found("region_not_found", format!("no region {r}")));
            }
            r
        }
        None => default_region(&scope, &district),
    };
    let conn = app.db.conn();
    let Some(summary) = gridgov_store::regions::get_summary(conn, &region).await? else {
        return Err(AppError::not_found(
            "region_not_found",
            format!("no region {region}"),
        ));
    };
    let kids = gridgov_store::regions::children(conn, Some(&region), &scope).await?;
    let mut children: BTreeMap<String, RegionCounts> = kids
        .iter()
        .map(|(k, _)| (k.code.clone(), RegionCounts::zero()))
        .collect();
    let mut total = RegionCounts::zero();
    let area = Area {
        district: district.as_str(),
        scope: &scope,
        region: &region,
    };
    let t = tallies(conn, &area, today(app)).await?;
    spread(&t, region.level(), &mut total, &mut children);
    Ok(RegistryCounts {
        region: CountedRegion {
            code: summary.code,
            name: summary.name,
            level: summary.level,
            counts: total,
        },
        children: kids
            .into_iter()
            .map(|(k, _)| CountedRegion {
                counts: children.remove(&k.code).unwrap_or_else(RegionCounts::zero),
                code: k.code,
                name: k.name,
                level: k.level,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn counts_start_where_the_scope_does() {
        let district = code("370105000000");
        assert_eq!(default_region(&Scope::everything(), &district), district);
        let one = Scope {
            subtrees: vec![code("370105001001")],
            ..Scope::default()
        };
        assert_eq!(default_region(&one, &district), code("370105001001"));
        let two = Scope {
            subtrees: vec![code("370105001001001")],
            units: vec![code("370105001002")],
            ..Scope::default()
        };
        assert_eq!(default_region(&two, &district), code("370105001000"));
        assert_eq!(default_region(&Scope::default(), &district), district);
    }

    #[test]
    fn tallies_roll_up_to_the_region_and_its_children() {
        let tally = |key: &str, category: &str, n: i64, overdue: Option<i64>| Tally {
            key: key.into(),
            category: category.into(),
            n,
            overdue,
        };
        let t = Tallies {
            people: vec![
                tally("370105001", "registered", 3, None),
                tally("370105002", "floating", 2, None),
            ],
            care: vec![tally("370105001", "elderly_alone", 4, Some(1))],
            ..Tallies::default()
        };
        let mut total = RegionCounts::zero();
        let mut children = BTreeMap::from([("370105001000".to_owned(), RegionCounts::zero())]);
        spread(&t, RegionLevel::District, &mut total, &mut children);
        assert_eq!(total.people_total, 5);
        assert_eq!(total.people["floating"], 2);
        assert_eq!(
            total.care_total,
            CareCount {
                members: 4,
                overdue: 1
            }
        );
        let first = &children["370105001000"];
        assert_eq!((first.people_total, first.people["registered"]), (3, 3));
        assert_eq!(
            first.care["elderly_alone"],
            CareCount {
                members: 4,
                overdue: 1
            }
        );
        assert_eq!(first.facilities.len(), FacilityState::ALL.len());
    }
}
