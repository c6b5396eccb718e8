//! The rest of the demo's registry, written after its residents: organisations in every grid
//! (shops and enterprises mostly, a school per community, a hospital per street), public
//! facilities at points inside the grids (street lamps, manhole covers, hydrants, some damaged
//! or missing), and about one resident in 33 in a care group chosen by age, with a year or so of
//! visits on the group's cycle, some of them now overdue. Numbers are sealed as a registration
//! seals them; the same run gives the same records.

use super::names;
use crate::{App, AppError};
use chrono::{Datelike, Duration, NaiveDate};
use gridgov_domain::phone::ContactPhone;
use gridgov_domain::registry::{
    CareGroup, FacilityKind, FacilityState, Kind, OrgKind, VisitWay, next_visit_due,
};
use gridgov_domain::rng::SplitMix64;
use gridgov_domain::uscc::Uscc;
use gridgov_domain::{RegionCode, RegionLevel};
use gridgov_store::entity::{care_membership, care_visit, facility, organisation};

/// One resident in this many (by id) is in a care group.
const CARE_EVERY: i64 = 33;
/// At most this many visits per membership are written (the latest ones).
const VISITS_KEPT: i64 = 12;
/// One membership in this many has not been visited for more than a cycle.
const OVERDUE_EVERY: usize = 7;

/// What [`write_places`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlacesSummary {
    pub organisations: usize,
    pub facilities: usize,
    pub care_members: usize,
    pub visits: usize,
}

const SHOPS: [&str; 8] = [
    "便利店",
    "超市",
    "理发店",
    "餐馆",
    "药店",
    "水果店",
    "五金店",
    "洗衣店",
];
const TRADES: [&str; 6] = ["商贸", "物流", "科技", "建筑装饰", "物业服务", "餐饮管理"];
const SOCIAL: [&str; 4] = ["志愿者协会", "老年协会", "社工服务站", "文体协会"];
const FINDINGS: [(&str, bool); 8] = [
    ("身体状况良好，生活能自理", false),
    ("精神状态良好，家中整洁", false),
    ("反映楼道灯不亮，已上报网格", true),
    ("需要助餐服务，已对接社区长者食堂", true),
    ("血压偏高，已提醒按时服药并告知家属", true),
    ("家属在场，照料情况良好", false),
    ("反映低保年审材料不清楚，已讲解", false),
    ("电话无人接听，改为入户", true),
];

/// Writes organisations, facilities and care groups with visits into the district, after
/// [`super::people::write_people`] (care groups need residents; without them none are written).
pub async fn write_places(app: &App, district: &str) -> Result<PlacesSummary, AppError> {
    let conn = app.db.conn();
    let district_code =
        RegionCode::parse(district).map_err(|e| AppError::bad_request("invalid_region", e.to_string()))?;
    let scope = gridgov_domain::access::Scope {
        all: true,
        ..Default::default()
    };
    let grids: Vec<gridgov_store::entity::region::Model> =
        gridgov_store::regions::grids(conn, Some(&district_code), &scope)
            .await?
            .into_iter()
            .filter(|g| RegionCode::parse(&g.code).is_ok_and(|c| c.level() == RegionLevel::Grid))
            .collect();
    let now = app.clock.now();
    let today = crate::registry::today(app);
    let txn = sea_orm::TransactionTrait::begin(conn).await?;
    let mut s = PlacesSummary::default();

    let mut orgs = Vec::new();
    let mut facilities = Vec::new();
    let (mut last_street, mut last_community) = (String::new(), String::new());
    for (g, grid) in grids.iter().enumerate() {
        let Some(at) = RegionCode::parse(&grid.code)
            .ok()
            .as_ref()
            .and_then(crate::registry::Placed::of)
        else {
            continue;
        };
        let mut rng = SplitMix64::new(0x0_46a ^ g as u64);
        let mut kinds = Vec::new();
        if at.street != last_street {
            kinds.push(OrgKind::Hospital);
        }
        if at.community != last_community {
            kinds.push(OrgKind::School);
        }
        (last_street, last_community) = (at.street.clone(), at.community.clone());
        for _ in 0..3 + rng.below(6) {
            kinds.push(match rng.below(20) {
                0..=9 => OrgKind::Shop,
                10..=14 => OrgKind::Enterprise,
                15..=16 => OrgKind::SocialOrg,
                17 => OrgKind::Public,
                _ => OrgKind::Other,
            });
        }
        for kind in kinds {
            let n = orgs.len();
            let place = names::place(n);
            let name = match kind {
                OrgKind::Shop => format!("{place}{}", rng.pick(&SHOPS)),
                OrgKind::Enterprise => format!(
                    "济南{}{}有限公司",
                    names::place(n + 7).trim_start_matches("天桥区"),
                    rng.pick(&TRADES)
                ),
                OrgKind::School => format!("{place}小学"),
                OrgKind::Hospital => format!("{place}社区卫生服务中心"),
                OrgKind::SocialOrg => format!("{place}{}", rng.pick(&SOCIAL)),
                OrgKind::Public => format!("{place}供电所"),
                _ => format!("{place}广场舞队"),
            };
            let uscc =
                (kind.needs_uscc() || rng.below(5) < 3).then(|| Uscc::synthetic("370105", n as u32 + 1));
            let phone = ContactPhone::parse(&format!("139{:08}", 10_000_000 + n * 7_919 % 89_999_999))
                .map_err(|c| AppError::bad_request(c, "demo phone"))?;
            let sealed =
                crate::registry::seal_phone(app, crate::registry::orgs::CONTACT_PHONE_FIELD, Some(&phone))?;
            orgs.push(organisation::Model {
                id: 0,
                district_code: district.to_owned(),
                street_code: at.street.clone(),
                community_code: at.community.clone(),
                region_code: grid.code.clone(),
                name,
                kind: kind.code().to_owned(),
                uscc: uscc.map(|u| u.as_str().to_owned()),
                address: Some(format!(
                    "{}{}号",
                    names::place(rng.below(200)),
                    1 + rng.below(120)
                )),
                contact_name: Some(names::person(&mut rng)),
                contact_phone_sealed: sealed.sealed,
                contact_phone_index: sealed.index,
                contact_phone_masked: sealed.masked,
                building_id: None,
                employees: Some(match kind {
                    OrgKind::Shop | OrgKind::Other => 1 + rng.below(8) as i32,
                    OrgKind::School | OrgKind::Hospital => 40 + rng.below(120) as i32,
                    _ => 5 + rng.below(60) as i32,
                }),
                note: None,
                version: 1,
                created_by: None,
                created_at: now,
                updated_at: now,
            });
        }

        // Facilities at points inside the grid's box (the demo's grids are rectangles), kept
        // off its edges.
        let (Some(x0), Some(y0), Some(x1), Some(y1)) =
            (grid.min_lon, grid.min_lat, grid.max_lon, grid.max_lat)
        else {
            continue;
        };
        let inside = |rng: &mut SplitMix64, lo: f64, hi: f64| {
            lo + (hi - lo) * (0.1 + 0.8 * rng.below(1000) as f64 / 1000.0)
        };
        let plan = [
            (FacilityKind::StreetLamp, "LD", 6),
            (FacilityKind::ManholeCover, "JG", 3),
            (FacilityKind::FireHydrant, "XF", 2),
            (FacilityKind::TrashBin, "LJ", 1),
        ];
        for (kind, prefix, count) in plan {
            for k in 1..=count {
                let state = match rng.below(50) {
                    0..=2 => FacilityState::Damaged,
                    3 => FacilityState::Missing,
                    _ => FacilityState::Normal,
                };
                facilities.push(facility::Model {
                    id: 0,
                    district_code: district.to_owned(),
                    street_code: at.street.clone(),
                    community_code: at.community.clone(),
                    region_code: grid.code.clone(),
                    kind: kind.code().to_owned(),
                    code: Some(format!("{prefix}-{}-{k:02}", grid.code)),
                    lon: inside(&mut rng, x0, x1),
                    lat: inside(&mut rng, y0, y1),
                    state: state.code().to_owned(),
                    owner_department: Some(
                        match kind {
                            FacilityKind::FireHydrant => "区消防救援大队",
                            FacilityKind::ManholeCover => "区住房和城乡建设局",
                            _ => "区城市管理局",
                        }
                        .to_owned(),
                    ),
                    note: None,
                    version: 1,
                    created_by: None,
                    created_at: now,
                    updated_at: now,
                });
            }
        }
    }
    s.organisations = gridgov_store::insert_all(&txn, orgs, 300).await?.len();
    s.facilities = gridgov_store::insert_all(&txn, facilities, 300).await?.len();

    let members = gridgov_store::people::every_nth(&txn, district, CARE_EVERY).await?;
    let mut memberships = Vec::with_capacity(members.len());
    let mut visits = Vec::new(); // (index into memberships, visit)
    for (i, p) in members.iter().enumerate() {
        let mut rng = SplitMix64::new(0xca7e ^ p.id as u64);
        let group = care_group(p.birth_date, today, &mut rng);
        let cycle = i64::from(group.default_visit_days());
        let joined = today - Duration::days(30 + rng.below(700) as i64);
        // The overdue ones were last seen one to three cycles too long ago.
        let stop = if i % OVERDUE_EVERY == 0 {
            today - Duration::days(cycle + 1 + rng.below(2 * cycle as usize) as i64)
        } else {
            today
        };
        let first = joined.max(stop - Duration::days(cycle * VISITS_KEPT));
        let grid_visitor = names::person(&mut SplitMix64::new(p.region_code.bytes().map(u64::from).sum()));
        let mut day = first + Duration::days(rng.below(cycle as usize) as i64);
        let mut last = None;
        while day <= stop {
            let (findings, follow_up) = *rng.pick(&FINDINGS);
            visits.push((
                i,
                care_visit::Model {
                    id: 0,
                    district_code: district.to_owned(),
                    membership_id: 0,
                    visited_on: day,
                    visitor_id: None,
                    visitor_name: grid_visitor.clone(),
                    way: if rng.below(4) == 0 {
                        VisitWay::Phone
                    } else {
                        VisitWay::Home
                    }
                    .code()
                    .to_owned(),
                    findings: findings.to_owned(),
                    follow_up,
                    created_at: now,
                },
            ));
            last = Some(day);
            day += Duration::days(cycle - rng.below(3) as i64);
        }
        memberships.push(care_membership::Model {
            id: 0,
            district_code: district.to_owned(),
            street_code: p.street_code.clone(),
            community_code: p.community_code.clone(),
            region_code: p.region_code.clone(),
            person_id: p.id,
            care_group: group.code().to_owned(),
            visit_days: cycle as i32,
            joined_on: joined,
            ended_on: None,
            last_visit_on: last,
            next_visit_due: next_visit_due(joined, last, cycle as u32, None),
            note: None,
            version: 1,
            created_by: None,
            created_at: now,
            updated_at: now,
        });
    }
    let ids = gridgov_store::insert_all(&txn, memberships, 300).await?;
    s.care_members = ids.len();
    let visits: Vec<care_visit::Model> = visits
        .into_iter()
        .map(|(i, v)| care_visit::Model {
            membership_id: ids[i],
            ..v
        })
        .collect();
    s.visits = gridgov_store::insert_all(&txn, visits, 300).await?.len();
    txn.commit().await?;
    Ok(s)
}

/// A care group that fits the person's age: the old live alone or in an empty nest, children
/// are left behind, the others are in the remaining groups.
fn care_group(birth: Option<NaiveDate>, today: NaiveDate, rng: &mut SplitMix64) -> CareGroup {
    let age = birth.map_or(40, |b| today.year() - b.year());
    if age >= 70 {
        *rng.pick(&[CareGroup::ElderlyAlone, CareGroup::EmptyNest])
    } else if age < 16 {
        CareGroup::LeftBehindChild
    } else {
        *rng.pick(&[
            CareGroup::Disabled,
            CareGroup::LowIncome,
            CareGroup::LowIncome,
            CareGroup::SeriousIllness,
            CareGroup::EntitledVeteran,
            CareGroup::MentalDisorder,
            CareGroup::CommunityCorrection,
            CareGroup::DrugRehabilitation,
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_follow_age() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default();
        let mut rng = SplitMix64::new(1);
        let born = |y| NaiveDate::from_ymd_opt(y, 1, 1);
        for _ in 0..50 {
            let old = care_group(born(1940), today, &mut rng);
            assert!(
                matches!(old, CareGroup::ElderlyAlone | CareGroup::EmptyNest),
                "{old:?}"
            );
            assert_eq!(
                care_group(born(2016), today, &mut rng),
                CareGroup::LeftBehindChild
            );
            let adult = care_group(born(1980), today, &mut rng);
            assert!(!matches!(
                adult,
                CareGroup::ElderlyAlone | CareGroup::EmptyNest | CareGroup::LeftBehindChild
            ));
        }
    }
}
