//! The demo's residents: synthetic people in every grid, with valid synthetic ID numbers that
//! name nobody (drawn from the Tianqiao region code and a few provinces floating residents come
//! from), phone numbers, kinds in realistic shares, all sealed, blind-indexed and masked exactly
//! as a registration stores them (`registry::set_id_number`, `set_phone`). Person `i` is the same on every run, so the benchmark can
//! search for people it knows are there.

use super::names;
use crate::{App, AppError};
use chrono::{Duration, NaiveDate};
use gridgov_domain::idcard::{IdNumber, Sex};
use gridgov_domain::phone::ContactPhone;
use gridgov_domain::registry::{HouseUse, Kind, Occupancy, Ownership, PersonKind, Relation};
use gridgov_domain::rng::SplitMix64;
use gridgov_domain::{RegionCode, RegionLevel};
use gridgov_store::entity::{building, house, household};

/// Birth dates are spread over these many days from 1 January 1930 (to the end of 2019).
const BIRTH_DAYS: usize = 32_870;
/// A prime not dividing BIRTH_DAYS: `i * STRIDE mod BIRTH_DAYS` visits every day once per block.
const STRIDE: usize = 7_919;
/// Where floating residents' ID numbers come from (Henan, Hebei, Anhui, other Shandong cities).
const ORIGINS: [&str; 5] = ["410102", "130102", "340102", "370202", "371302"];

/// Person `i` of the demo: kind, ID number and mobile number. ID numbers are unique for `i` below
/// 500 × BIRTH_DAYS (16 million): each block of BIRTH_DAYS people has its own sequence number.
pub fn person_of(i: usize) -> (PersonKind, IdNumber, String) {
    let mut rng = SplitMix64::new(0x9e37_79b9_7f4a_7c15 ^ i as u64);
    let kind = match rng.below(100) {
        0..=1 => PersonKind::Overseas,
        2..=19 => PersonKind::Floating,
        _ => PersonKind::Registered,
    };
    let region = match kind {
        PersonKind::Floating => *rng.pick(&ORIGINS),
        _ => "370105",
    };
    let first = NaiveDate::from_ymd_opt(1930, 1, 1).unwrap_or_default();
    let day = (i % BIRTH_DAYS) * STRIDE % BIRTH_DAYS;
    let birth = first + Duration::days(day as i64);
    let sex = if rng.below(2) == 0 { Sex::Female } else { Sex::Male };
    let seq = ((i / BIRTH_DAYS) * 2) as u16;
    let id = IdNumber::synthetic(region, birth, seq, sex);
    let phone = format!(
        "1{}{:09}",
        [3, 5, 7, 8, 9][rng.below(5)],
        rng.next_u64() % 1_000_000_000
    );
    (kind, id, phone)
}

/// Household sizes in turn (a realistic mix: many of two or three, some alone, a few of five).
const HOUSEHOLD_SIZES: [usize; 10] = [1, 1, 2, 2, 2, 3, 3, 3, 4, 5];
/// Every demo building: six floors, two units, two flats a floor and unit.
const FLOORS: i32 = 6;
const UNITS: i32 = 2;
const ROOMS: i32 = 2;
/// One flat in nine stands empty.
const VACANT_EVERY: usize = 9;
/// Relations of a household's members in order of joining it.
const RELATIONS: [Relation; 5] = [
    Relation::Head,
    Relation::Spouse,
    Relation::Child,
    Relation::Child,
    Relation::Parent,
];

/// Writes `count` residents into the district: in households, each in a flat of a six-storey
/// building, the buildings spread over the grids in turn (a realistic shape for the registry's
/// pages and counts; ages and relations are not made to agree). Returns how many residents.
pub async fn write_people(app: &App, district: &str, count: usize) -> Result<usize, AppError> {
    let conn = app.db.conn();
    let district_code =
        RegionCode::parse(district).map_err(|e| AppError::bad_request("invalid_region", e.to_string()))?;
    let scope = gridgov_domain::access::Scope {
        all: true,
        ..Default::default()
    };
    let grids: Vec<crate::registry::Placed> =
        gridgov_store::regions::grids(conn, Some(&district_code), &scope)
            .await?
            .into_iter()
            .filter_map(|g| RegionCode::parse(&g.code).ok())
            .filter(|g| g.level() == RegionLevel::Grid)
            .filter_map(|g| crate::registry::Placed::of(&g))
            .collect();
    if grids.is_empty() || count == 0 {
        return Ok(0);
    }
    let now = app.clock.now();
    let district = district_code.as_str();
    let mut sizes = Vec::new();
    let mut planned = 0;
    while planned < count {
        let size = HOUSEHOLD_SIZES[sizes.len() % HOUSEHOLD_SIZES.len()].min(count - planned);
        sizes.push(size);
        planned += size;
    }
    let per_building = (FLOORS * UNITS * ROOMS) as usize;
    let flats = sizes.len() + sizes.len() / (VACANT_EVERY - 1) + 1;
    let txn = sea_orm::TransactionTrait::begin(conn).await?;

    let mut buildings = Vec::new();
    for b in 0..flats.div_ceil(per_building) {
        let at = &grids[b % grids.len()];
        let mut rng = SplitMix64::new(0xb0_1d ^ b as u64);
        buildings.push(building::Model {
            id: 0,
            district_code: district.to_owned(),
            street_code: at.street.clone(),
            community_code: at.community.clone(),
            region_code: at.grid.to_string(),
            name: format!("{}号楼", b / grids.len() + 1),
            address: Some(format!(
                "{}{}号",
                names::place(rng.below(200)),
                1 + rng.below(120)
            )),
            floors: FLOORS,
            units: UNITS,
            lon: None,
            lat: None,
            note: None,
            version: 1,
            created_by: None,
            created_at: now,
            updated_at: now,
        });
    }
    let building_ids = gridgov_store::insert_all(&txn, buildings.clone(), 400).await?;

    // Flats in building order; every VACANT_EVERY-th stands empty, the others take the
    // households in turn, rented where the head is a floating resident.
    let mut houses = Vec::new();
    let mut homes = Vec::new(); // (index into houses, first person) per household
    let mut person = 0;
    'flats: for (b, id) in buildings.iter().zip(&building_ids) {
        for unit in 1..=UNITS {
            for floor in 1..=FLOORS {
                for r in 1..=ROOMS {
                    if homes.len() == sizes.len() && houses.len() % per_building == 0 {
                        break 'flats;
                    }
                    let vacant =
                        houses.len() % VACANT_EVERY == VACANT_EVERY - 1 || homes.len() == sizes.len();
                    let occupancy = if vacant {
                        Occupancy::Vacant
                    } else {
                        homes.push((houses.len(), person));
                        person += sizes[homes.len() - 1];
                        match person_of(homes.last().map_or(0, |h| h.1)).0 {
                            PersonKind::Floating | PersonKind::Overseas => Occupancy::Rented,
                            PersonKind::Registered => Occupancy::OwnerOccupied,
                        }
                    };
                    houses.push(house::Model {
                        id: 0,
                        district_code: district.to_owned(),
                        street_code: b.street_code.clone(),
                        community_code: b.community_code.clone(),
                        region_code: b.region_code.clone(),
                        building_id: *id,
                        unit,
                        floor,
                        room: format!("{floor}0{r}"),
                        house_use: HouseUse::Residential.code().to_owned(),
                        ownership: Ownership::Private.code().to_owned(),
                        occupancy: occupancy.code().to_owned(),
                        area: Some(f64::from(60 + 15 * r + floor)),
                        note: None,
                        version: 1,
                        created_by: None,
                        created_at: now,
                        updated_at: now,
                    });
                }
            }
        }
    }
    let house_ids = gridgov_store::insert_all(&txn, houses.clone(), 400).await?;

    let mut households = Vec::with_capacity(homes.len());
    for (n, (h, _)) in homes.iter().enumerate() {
        let house = &houses[*h];
        let b = &buildings[building_ids
            .iter()
            .position(|id| *id == house.building_id)
            .unwrap_or(0)];
        households.push(household::Model {
            id: 0,
            district_code: district.to_owned(),
            street_code: house.street_code.clone(),
            community_code: house.community_code.clone(),
            region_code: house.region_code.clone(),
            house_id: Some(house_ids[*h]),
            number: Some(format!("{district}{:08}", n + 1)),
            address: Some(format!(
                "{}{}{}单元{}室",
                b.address.as_deref().unwrap_or_default(),
                b.name,
                house.unit,
                house.room
            )),
            note: None,
            collect_key: None,
            version: 1,
            created_by: None,
            created_at: now,
            updated_at: now,
        });
    }
    let household_ids = gridgov_store::insert_all(&txn, households.clone(), 400).await?;

    let mut batch = Vec::with_capacity(5_000);
    for (n, ((_, first), size)) in homes.iter().zip(&sizes).enumerate() {
        let home = &households[n];
        for m in 0..*size {
            let i = first + m;
            let (kind, id, phone) = person_of(i);
            let mut rng = SplitMix64::new(i as u64);
            let phone = ContactPhone::parse(&phone).map_err(|c| AppError::bad_request(c, "demo phone"))?;
            let mut p = crate::registry::new_person(district, None, now);
            p.street_code = home.street_code.clone();
            p.community_code = home.community_code.clone();
            p.region_code = home.region_code.clone();
            p.name = names::person(&mut rng);
            p.kind = kind.code().to_owned();
            p.address = home.address.clone();
            p.household_id = Some(household_ids[n]);
            p.relation = Some(RELATIONS[m.min(RELATIONS.len() - 1)].code().to_owned());
            crate::registry::set_id_number(app, &mut p, Some(&id))?;
            crate::registry::set_phone(app, &mut p, Some(&phone))?;
            batch.push(p);
            if batch.len() == batch.capacity() {
                gridgov_store::people::insert_generated(&txn, &batch).await?;
                batch.clear();
            }
        }
    }
    gridgov_store::people::insert_generated(&txn, &batch).await?;
    txn.commit().await?;
    Ok(count)
}

/// A workbook of `rows` synthetic residents in the import template's columns, as a community
/// might hand it in: people `first..first + rows` of [`person_of`] (choose `first` beyond the
/// demo's residents for people not yet registered), spread over `grids` (the drop-down's labels,
/// or bare codes). With `bad` > 0, that many rows spread through the file each carry one
/// mistake, in turn: a wrong check digit, an impossible birth date, a grid that does not exist.
pub fn sample_sheet(grids: &[String], rows: usize, first: usize, bad: usize) -> Result<Vec<u8>, AppError> {
    if grids.is_empty() {
        return Err(AppError::bad_request("no_grids", "name at least one grid"));
    }
    let every = rows.checked_div(bad).map_or(usize::MAX, |n| n.max(1));
    let mut out = Vec::with_capacity(rows);
    for r in 0..rows {
        let i = first + r;
        let (kind, id, phone) = person_of(i);
        let mut rng = SplitMix64::new(i as u64);
        let name = names::person(&mut rng);
        let mut grid = grids[r % grids.len()].clone();
        let mut number = id.digits().to_owned();
        let nth_bad = r / every;
        if r % every == every / 2 && nth_bad < bad {
            match nth_bad % 3 {
                0 => {
                    let last = if number.ends_with('0') { '1' } else { '0' };
                    number = format!("{}{last}", &number[..17]);
                }
                // 30 February: the check digit is made right, so the date is the only fault.
                1 => {
                    number =
                        IdNumber::with_check_char(&format!("{}19800230{}", &number[..6], &number[14..17]))
                }
                _ => grid = "370105999999999".to_owned(),
            }
        }
        out.push(vec![
            name,
            kind.label().to_owned(),
            grid,
            number,
            phone,
            format!(
                "{}{}号{}单元{}室",
                names::place(rng.below(200)),
                1 + rng.below(120),
                1 + rng.below(4),
                101 + rng.below(6) * 100 + rng.below(3)
            ),
            String::new(),
        ]);
    }
    crate::sheet::xlsx(
        "人口信息",
        &crate::people_import::template_columns(Vec::new()),
        &out,
        0,
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn demo_people_have_valid_unique_numbers_in_realistic_shares() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let n = 2 * BIRTH_DAYS + 1_000;
        let mut ids = HashSet::new();
        let mut floating = 0;
        let mut women = 0;
        for i in 0..n {
            let (kind, id, phone) = person_of(i);
            assert!(ids.insert(id.digits().to_owned()), "person {i} repeats a number");
            assert_eq!(IdNumber::parse(id.digits(), today).unwrap().digits(), id.digits());
            assert!(ContactPhone::parse(&phone).is_ok(), "{phone}");
            floating += usize::from(kind == PersonKind::Floating);
            women += usize::from(id.sex() == Sex::Female);
        }
        let share = |k: usize| k as f64 / n as f64;
        assert!((0.15..0.21).contains(&share(floating)), "{}", share(floating));
        assert!((0.47..0.53).contains(&share(women)), "{}", share(women));
        assert_eq!(person_of(12_345).1.digits(), person_of(12_345).1.digits());
    }
}
