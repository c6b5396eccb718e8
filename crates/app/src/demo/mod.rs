//! The demo district: a deterministic dataset shaped like Tianqiao District as the report
//! describes it (14 streets, 191 communities, 1,153 grids, 9,097 grid staff in "1+N" teams, three
//! levels of centres, 20 departments), tessellated over the district's real extent.
//! `scale` > 1 adds copies beside it, each a district of its own, for load work.

pub mod deliberation;
mod history;
pub mod layout;
pub mod names;
pub mod people;
pub mod places;
pub mod samples;

pub use history::{HistorySummary, write_history};

use crate::regions::stored;
use crate::{App, AppError};
use chrono::Utc;
use gridgov_domain::rng::SplitMix64;
use gridgov_domain::{ExclusiveType, GridKind, RegionCode};
use gridgov_geo::{BBox, Boundary, LocatorEntry};
use gridgov_store::regions::{self as repo, NewRegion};
use gridgov_store::staff::{self as staff_repo, NewCentre, NewDepartment, NewMember, NewStaff};
use layout::treemap;
use sea_orm::TransactionTrait;

/// The report's figures, which the demo reproduces exactly.
pub const GRIDS: usize = 1_153;
pub const STAFF: usize = 9_097;
pub const COMMUNITIES: usize = 191;

/// The real extent of Tianqiao (WGS84, rounded).
pub const EXTENT: BBox = BBox {
    min_lon: 116.93,
    min_lat: 36.66,
    max_lon: 117.10,
    max_lat: 36.86,
};

/// One generated region.
#[derive(Clone, Debug)]
pub struct DemoRegion {
    pub code: RegionCode,
    pub name: String,
    pub kind: Option<GridKind>,
    pub exclusive_type: Option<ExclusiveType>,
    pub boundary: Boundary,
}

/// One generated district with everything in it.
#[derive(Clone, Debug, Default)]
pub struct DemoDistrict {
    pub code: Option<RegionCode>,
    /// Parents before children.
    pub regions: Vec<DemoRegion>,
    pub staff: Vec<NewStaff>,
    pub members: Vec<NewMember>,
    pub centres: Vec<NewCentre>,
    pub departments: Vec<NewDepartment>,
}

impl DemoDistrict {
    /// The regions as locator entries (for benchmarks that need no database).
    pub fn locator_entries(&self) -> Vec<LocatorEntry> {
        self.regions
            .iter()
            .map(|r| LocatorEntry {
                code: r.code.clone(),
                name: r.name.clone(),
                boundary: r.boundary.clone(),
            })
            .collect()
    }
}

fn code(s: &str) -> Result<RegionCode, AppError> {
    RegionCode::parse(s).map_err(|e| AppError::bad_request(e.code(), e.to_string()))
}

fn rect(b: BBox) -> Result<Boundary, AppError> {
    Boundary::rect(b).map_err(|e| AppError::bad_request(e.code(), e.to_string()))
}

/// The district code of copy `k`: 370105 itself, then synthetic codes 370205, 370305, … which
/// keep the shape rules (non-zero province and county digits).
pub fn district_code(k: usize) -> String {
    format!("{:06}", 370_105 + k * 100)
}

/// Generates copy `k` of the demo district (k = 0 is Tianqiao itself).
pub fn generate(k: usize) -> Result<DemoDistrict, AppError> {
    let mut rng = SplitMix64::new(0x7141_0105 + k as u64);
    let dcode6 = district_code(k);
    let dcode = code(&dcode6)?;
    // Copies sit side by side, 10 per row.
    let (dx, dy) = ((k % 10) as f64 * 0.2, (k / 10) as f64 * 0.22);
    let extent = BBox::new(
        EXTENT.min_lon + dx,
        EXTENT.min_lat + dy,
        EXTENT.max_lon + dx,
        EXTENT.max_lat + dy,
    );
    let dname = if k == 0 {
        "天桥区".to_owned()
    } else {
        format!("天桥区（副本{k}）")
    };
    let mut d = DemoDistrict {
        code: Some(dcode.clone()),
        ..Default::default()
    };
    d.regions.push(DemoRegion {
        code: dcode.clone(),
        name: dname.clone(),
        kind: None,
        exclusive_type: None,
        boundary: rect(extent)?,
    });
    d.centres.push(NewCentre {
        region_code: dcode.to_string(),
        name: format!("{dname}网格化服务管理中心"),
        duty_phone: Some("0531-85950000".into()),
        address: Some(format!("济南市{dname}政务服务中心")),
    });
    for (key, name) in names::DEPARTMENTS {
        d.departments.push(NewDepartment {
            code: key.into(),
            name: name.into(),
            duty_phone: None,
        });
    }

    // Communities with their village flag, in street order.
    struct Comm {
        street: usize,
        village: bool,
        grids: usize,
        exclusive: Vec<(ExclusiveType, String)>,
    }
    let mut comms: Vec<Comm> = Vec::new();
    for (si, (_, _, n, villages)) in names::STREETS.iter().enumerate() {
        for ci in 0..*n {
            let village = ci >= n - villages;
            comms.push(Comm {
                street: si,
                village,
                grids: if village { 4 } else { 6 },
                exclusive: Vec::new(),
            });
        }
    }
    // Exclusive grids go to urban communities, spread evenly.
    let urban: Vec<usize> = (0..comms.len()).filter(|&i| !comms[i].village).collect();
    let mut n_excl = 0;
    for (t, pattern, count) in names::EXCLUSIVE {
        let ty: ExclusiveType = t
            .parse()
            .map_err(|e: gridgov_domain::CodeError| AppError::bad_request(e.code(), e.to_string()))?;
        for _ in 0..count {
            let ci = urban[(n_excl * 37) % urban.len()];
            comms[ci]
                .exclusive
                .push((ty, pattern.replace("{}", &names::place(n_excl))));
            n_excl += 1;
        }
    }
    // Unit grids: adjust the base counts round-robin until the district has exactly GRIDS.
    let mut total: usize = comms.iter().map(|c| c.grids).sum::<usize>() + n_excl;
    let mut i = 0;
    while total != GRIDS {
        let n = comms.len();
        let c = &mut comms[i % n];
        if total < GRIDS {
            c.grids += 1;
            total += 1;
        } else if c.grids > 2 {
            c.grids -= 1;
            total -= 1;
        }
        i += 1;
    }

    // Geometry: streets by area weight (villages are larger), south to north.
    let weight = |c: &Comm| (c.grids + c.exclusive.len()) as f64 * if c.village { 4.0 } else { 1.0 };
    let street_weights: Vec<f64> = (0..names::STREETS.len())
        .map(|s| comms.iter().filter(|c| c.street == s).map(weight).sum())
        .collect();
    let street_cells = treemap(extent, &street_weights);
    let (mut n_urban, mut n_village, mut staff_seq) = (0usize, 0usize, 0usize);
    let mut grid_codes: Vec<(RegionCode, usize)> = Vec::new(); // (grid, community index in d.regions)
    for (si, (scode, sname, _, _)) in names::STREETS.iter().enumerate() {
        let street = code(&format!("{dcode6}{scode}"))?;
        d.regions.push(DemoRegion {
            code: street.clone(),
            name: (*sname).into(),
            kind: None,
            exclusive_type: None,
            boundary: rect(street_cells[si])?,
        });
        d.centres.push(NewCentre {
            region_code: street.to_string(),
            name: format!("{sname}网格化服务管理中心"),
            duty_phone: Some(format!("0531-8596{:04}", si + 1)),
            address: Some(format!("{sname}办事处")),
        });
        let mine: Vec<&Comm> = comms.iter().filter(|c| c.street == si).collect();
        let comm_cells = treemap(
            street_cells[si],
            &mine.iter().map(|c| weight(c)).collect::<Vec<_>>(),
        );
        let (mut serial_urban, mut serial_village) = (0u32, 200u32);
        for (c, cell) in mine.iter().zip(comm_cells) {
            let (serial, cname) = if c.village {
                serial_village += 1;
                n_village += 1;
                (serial_village, names::community(n_village - 1, true))
            } else {
                serial_urban += 1;
                n_urban += 1;
                (serial_urban, names::community(n_urban - 1, false))
            };
            let ccode = code(&format!("{}{serial:03}", &street.as_str()[..9]))?;
            d.regions.push(DemoRegion {
                code: ccode.clone(),
                name: cname.clone(),
                kind: None,
                exclusive_type: None,
                boundary: rect(cell)?,
            });
            d.centres.push(NewCentre {
                region_code: ccode.to_string(),
                name: format!("{cname}网格化服务管理站"),
                duty_phone: None,
                address: Some(format!("{sname}{cname}党群服务中心")),
            });
            // Unit grids first, then exclusive ones; exclusive grids are smaller on the ground.
            let mut gw: Vec<f64> = vec![1.0; c.grids];
            gw.extend(std::iter::repeat_n(0.5, c.exclusive.len()));
            let grid_cells = treemap(cell, &gw);
            for (gi, gcell) in grid_cells.into_iter().enumerate() {
                let gcode = RegionCode::grid(&ccode, gi as u32 + 1)
                    .map_err(|e| AppError::bad_request(e.code(), e.to_string()))?;
                let (kind, ety, gname) = match c.exclusive.get(gi.wrapping_sub(c.grids)) {
                    Some((t, n)) if gi >= c.grids => (GridKind::Exclusive, Some(*t), format!("{n}专属网格")),
                    _ => (GridKind::Unit, None, format!("{cname}第{}网格", gi + 1)),
                };
                d.regions.push(DemoRegion {
                    code: gcode.clone(),
                    name: gname.clone(),
                    kind: Some(kind),
                    exclusive_type: ety,
                    boundary: rect(gcell)?,
                });
                grid_codes.push((gcode.clone(), d.regions.len()));
                // Every 25th unit grid is divided into neighbourhood sub-grids.
                if kind == GridKind::Unit && grid_codes.len().is_multiple_of(25) {
                    let parts = 2 + rng.below(3);
                    for (k2, sub) in treemap(gcell, &vec![1.0; parts]).into_iter().enumerate() {
                        let scode = RegionCode::subgrid(&gcode, k2 as u32 + 1)
                            .map_err(|e| AppError::bad_request(e.code(), e.to_string()))?;
                        d.regions.push(DemoRegion {
                            code: scode,
                            name: format!("{gname}{}号睦邻网格", k2 + 1),
                            kind: Some(GridKind::Neighbourhood),
                            exclusive_type: None,
                            boundary: rect(sub)?,
                        });
                    }
                }
            }
        }
    }

    // Staff, "1+N": a leader and a lead worker per grid, a department liaison shared by all grids
    // of a community, and helpers from the grid forces until the district has STAFF people.
    let mut new_staff =
        |d: &mut DemoDistrict, rng: &mut SplitMix64, employment: &str, force: &str, unit: Option<String>| {
            staff_seq += 1;
            let no = format!("{dcode6}{staff_seq:06}");
            d.staff.push(NewStaff {
                district_code: dcode.to_string(),
                staff_no: no.clone(),
                name: names::person(rng),
                employment: employment.into(),
                force_source: force.into(),
                unit,
            });
            no
        };
    let mut by_community: Vec<(String, Vec<String>)> = Vec::new();
    for (g, _) in &grid_codes {
        let parent = g.parent().map(String::from).unwrap_or_default();
        match by_community.last_mut() {
            Some((c, gs)) if *c == parent => gs.push(g.to_string()),
            _ => by_community.push((parent, vec![g.to_string()])),
        }
    }
    for (ci, (_, grids)) in by_community.iter().enumerate() {
        for g in grids {
            let leader = new_staff(&mut d, &mut rng, "part_time", "village_cadre", None);
            d.members.push(NewMember {
                grid_code: g.clone(),
                staff_no: leader,
                role: "leader".into(),
            });
            let lead = new_staff(&mut d, &mut rng, "full_time", "grid_worker", None);
            d.members.push(NewMember {
                grid_code: g.clone(),
                staff_no: lead,
                role: "lead_worker".into(),
            });
        }
        let dept = names::DEPARTMENTS[ci % names::DEPARTMENTS.len()].1;
        let liaison = new_staff(&mut d, &mut rng, "part_time", "department", Some(dept.into()));
        for g in grids {
            d.members.push(NewMember {
                grid_code: g.clone(),
                staff_no: liaison.clone(),
                role: "helper".into(),
            });
        }
    }
    const FORCES: [(&str, usize); 5] = [
        ("party_member", 3),
        ("volunteer", 3),
        ("dual_report_member", 2),
        ("street_cadre", 1),
        ("department", 1),
    ];
    let mut gi = 0;
    while d.staff.len() < STAFF {
        let roll = rng.below(10);
        let mut acc = 0;
        let force = FORCES.iter().find(|(_, w)| {
            acc += w;
            roll < acc
        });
        let force = force.map_or("volunteer", |f| f.0);
        let unit = match force {
            "department" => Some(rng.pick(&names::DEPARTMENTS).1.to_owned()),
            "dual_report_member" => Some(format!("{}有限公司", names::place(rng.below(200)))),
            _ => None,
        };
        let no = new_staff(&mut d, &mut rng, "part_time", force, unit);
        let (g, _) = &grid_codes[gi % grid_codes.len()];
        d.members.push(NewMember {
            grid_code: g.to_string(),
            staff_no: no,
            role: "helper".into(),
        });
        gi += 1;
    }
    Ok(d)
}

/// What `write` put into the database.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub districts: usize,
    pub regions: usize,
    pub grids: usize,
    pub staff: usize,
    /// One login per built-in role, in the first district.
    pub logins: Vec<DemoLogin>,
}

/// A demo account as printed by `gridgov demo`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoLogin {
    pub username: String,
    pub role: String,
    pub unit: String,
}

/// The password of every demo account (printed with them; never use the demo in production).
pub const DEMO_PASSWORD: &str = "Tianqiao#2026";

/// The demo accounts: username, display name, role, unit, scope.
/// The demo logins (for printing when an earlier demo database is reused).
pub fn logins() -> Vec<DemoLogin> {
    demo_accounts()
        .into_iter()
        .map(|(username, _, role, unit, _)| DemoLogin {
            username: username.into(),
            role: role.into(),
            unit: unit.into(),
        })
        .collect()
}

fn demo_accounts() -> Vec<(
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    gridgov_domain::access::DataScope,
)> {
    use gridgov_domain::access::DataScope::*;
    vec![
        ("admin", "区级管理员", "district_admin", "370105000000", All),
        ("leader", "区领导", "district_leader", "370105000000", All),
        (
            "street",
            "无影山街道操作员",
            "street_operator",
            "370105001000",
            OwnUnitAndBelow,
        ),
        (
            "community",
            "幸福社区操作员",
            "community_operator",
            "370105001001",
            OwnUnitAndBelow,
        ),
        (
            "gridleader",
            "幸福社区第1网格网格长",
            "grid_leader",
            "370105001001001",
            OwnUnitAndBelow,
        ),
        (
            "gridworker",
            "幸福社区第1网格网格员",
            "grid_worker",
            "370105001001001",
            OwnUnitAndBelow,
        ),
        (
            "dept",
            "区城市管理局工作人员",
            "department_staff",
            "370105000000",
            All,
        ),
        ("resident", "居民", "resident", "370105001001001", OwnRecords),
    ]
}

/// Replaces the demo districts (and only them) in the database with freshly generated ones,
/// one transaction per district, then rebuilds the locator.
pub async fn write(app: &App, actor: &crate::audit::Actor, scale: usize) -> Result<DemoSummary, AppError> {
    let mut s = DemoSummary::default();
    let now = Utc::now();
    for k in 0..scale.max(1) {
        let d = generate(k)?;
        let Some(dcode) = d.code.clone() else { continue };
        let rows: Vec<NewRegion> = d
            .regions
            .iter()
            .map(|r| NewRegion {
                code: r.code.clone(),
                name: r.name.clone(),
                kind: r.kind.map(|k| k.as_str().to_owned()),
                exclusive_type: r.exclusive_type.map(|t| t.as_str().to_owned()),
                boundary: Some(stored(&r.boundary)),
            })
            .collect();
        let txn = app.db.conn().begin().await?;
        gridgov_store::resolutions::delete_district(&txn, dcode.as_str()).await?;
        gridgov_store::cases::delete_district(&txn, dcode.as_str()).await?;
        repo::delete_district(&txn, &dcode).await?;
        repo::insert_many(&txn, &rows, now).await?;
        staff_repo::insert_centres(&txn, dcode.as_str(), &d.centres).await?;
        staff_repo::insert_departments(&txn, dcode.as_str(), &d.departments).await?;
        crate::cases::seed_categories(&txn, dcode.as_str()).await?;
        staff_repo::insert_teams(&txn, dcode.as_str(), &d.staff, &d.members, now).await?;
        let detail =
            serde_json::json!({ "regions": rows.len(), "staff": d.staff.len(), "members": d.members.len() });
        let event = crate::audit::Event {
            district: dcode.to_string(),
            region: Some(dcode.to_string()),
            action: "demo.rebuild",
            entity_type: "district",
            entity_id: dcode.as_str(),
            detail,
            ..Default::default()
        };
        crate::audit::record(&txn, actor, event).await?;
        txn.commit().await?;
        s.districts += 1;
        s.regions += rows.len();
        s.grids += d
            .regions
            .iter()
            .filter(|r| r.code.level() == gridgov_domain::RegionLevel::Grid)
            .count();
        s.staff += d.staff.len();
        if k == 0 {
            s.logins = create_demo_accounts(app, actor, &dcode).await?;
        }
    }
    crate::import::calendar(app, actor, crate::import::CALENDAR_2026.as_bytes()).await?;
    app.caches.categories.clear();
    app.accounts_changed();
    app.reload_locator().await?;
    Ok(s)
}

async fn create_demo_accounts(
    app: &App,
    actor: &crate::audit::Actor,
    district: &RegionCode,
) -> Result<Vec<DemoLogin>, AppError> {
    let depts = staff_repo::departments(app.db.conn(), district.as_str()).await?;
    // The grid accounts belong to the people who hold those posts in the grid's team.
    let team = staff_repo::team_of(app.db.conn(), "370105001001001").await?;
    let staff_in = |role: &str| team.iter().find(|t| t.member.role == role).map(|t| t.staff.id);
    let mut out = Vec::new();
    for (username, name, role, unit, scope) in demo_accounts() {
        let kind = match role {
            "resident" => "resident",
            "department_staff" => "department",
            _ => "staff",
        };
        let account = crate::auth::NewAccount {
            district: district.to_string(),
            username: username.into(),
            display_name: name.into(),
            password: Some(DEMO_PASSWORD.into()),
            kind: kind.into(),
            unit: Some(unit.into()),
            department_id: if kind == "department" {
                depts.first().map(|d| d.id)
            } else {
                None
            },
            staff_id: match role {
                "grid_leader" => staff_in("leader"),
                "grid_worker" => staff_in("lead_worker"),
                _ => None,
            },
            roles: vec![(role.into(), scope)],
            phone_hash: None,
        };
        crate::auth::create_user(app, actor, account).await?;
        out.push(DemoLogin {
            username: username.into(),
            role: role.into(),
            unit: unit.into(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gridgov_domain::RegionLevel;
    use std::collections::{HashMap, HashSet};

    #[test]
    fn the_demo_has_the_reports_figures_and_nests_exactly() {
        let d = generate(0).unwrap();
        let count = |l: RegionLevel| d.regions.iter().filter(|r| r.code.level() == l).count();
        assert_eq!(count(RegionLevel::District), 1);
        assert_eq!(count(RegionLevel::Street), 14);
        assert_eq!(count(RegionLevel::Community), COMMUNITIES);
        assert_eq!(count(RegionLevel::Grid), GRIDS);
        assert!(count(RegionLevel::Subgrid) > 50, "some neighbourhood sub-grids");
        assert_eq!(d.staff.len(), STAFF);
        assert_eq!(d.departments.len(), 20);
        assert_eq!(d.centres.len(), 1 + 14 + COMMUNITIES);
        let exclusive = d
            .regions
            .iter()
            .filter(|r| r.kind == Some(GridKind::Exclusive))
            .count();
        assert_eq!(exclusive, 60);

        // Unique codes, parents listed before children, every child inside its parent, no
        // sibling overlap (checked with the same rules as any write).
        let by_code: HashMap<&RegionCode, &DemoRegion> = d.regions.iter().map(|r| (&r.code, r)).collect();
        assert_eq!(by_code.len(), d.regions.len());
        let mut seen = HashSet::new();
        let mut siblings: HashMap<RegionCode, Vec<&DemoRegion>> = HashMap::new();
        for r in &d.regions {
            if let Some(p) = r.code.parent() {
                assert!(seen.contains(&p), "{} before its parent", r.code);
                r.boundary
                    .check_inside(&by_code[&p].boundary, p.as_str(), 1e-9)
                    .unwrap();
                siblings.entry(p).or_default().push(r);
            }
            seen.insert(r.code.clone());
        }
        for kids in siblings.values() {
            for (i, a) in kids.iter().enumerate() {
                for b in &kids[i + 1..] {
                    a.boundary
                        .check_no_overlap(&b.boundary, b.code.as_str(), 1e-9)
                        .unwrap();
                }
            }
        }
    }

    #[test]
    fn every_grid_has_one_lead_worker_and_one_leader() {
        let d = generate(0).unwrap();
        let mut roles: HashMap<&str, Vec<gridgov_domain::TeamRole>> = HashMap::new();
        for m in &d.members {
            roles
                .entry(&m.grid_code)
                .or_default()
                .push(m.role.parse().unwrap());
        }
        assert_eq!(roles.len(), GRIDS);
        for (g, r) in roles {
            gridgov_domain::staff::check_team(&r).unwrap_or_else(|e| panic!("{g}: {e}"));
            assert!(r.len() >= 4, "{g} has a team of {}", r.len());
        }
    }

    #[test]
    fn deterministic_and_copies_are_disjoint() {
        let a = generate(0).unwrap();
        let b = generate(0).unwrap();
        assert_eq!(a.staff, b.staff);
        assert_eq!(a.regions.len(), b.regions.len());
        let c = generate(1).unwrap();
        assert_eq!(c.code.as_ref().unwrap().as_str(), "370205000000");
        assert!(!a.regions[0].boundary.bbox().intersects(&BBox {
            min_lon: c.regions[0].boundary.bbox().min_lon + 1e-9,
            ..c.regions[0].boundary.bbox()
        }));
    }
}
