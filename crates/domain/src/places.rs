//! The registry's places (楼栋, 房屋) and households (户): the ranges a building's and a house's
//! numbers must lie in, where a house or a member may be placed relative to a household's grid,
//! and the one-head rule of a household. Each refusal is a stable field code.

use crate::RegionCode;
use crate::registry::Relation;

/// The tallest building we expect: Jinan's tallest towers have under 100 floors; 200 leaves room
/// and still catches a slipped digit.
pub const MAX_FLOORS: i64 = 200;
/// Units (单元, stairwells) of one building.
pub const MAX_UNITS: i64 = 50;
/// A house's floor area in m²: anything larger is a typing error, not a house.
pub const MAX_AREA: f64 = 100_000.0;

/// A building's number of floors, in [1, [`MAX_FLOORS`]].
pub fn check_floors(n: i64) -> Result<i32, &'static str> {
    in_range(n, MAX_FLOORS, "floors_out_of_range")
}

/// A building's number of units, in [1, [`MAX_UNITS`]].
pub fn check_units(n: i64) -> Result<i32, &'static str> {
    in_range(n, MAX_UNITS, "units_out_of_range")
}

/// A house's unit: one of its building's units (numbered from 1).
pub fn check_unit_in(unit: i64, building_units: i32) -> Result<i32, &'static str> {
    in_range(unit, i64::from(building_units), "unit_out_of_range")
}

/// A house's floor: one of its building's floors (numbered from 1; a basement is recorded on
/// the first floor with a note rather than as a floor that does not count).
pub fn check_floor_in(floor: i64, building_floors: i32) -> Result<i32, &'static str> {
    in_range(floor, i64::from(building_floors), "floor_out_of_range")
}

fn in_range(n: i64, max: i64, code: &'static str) -> Result<i32, &'static str> {
    if (1..=max).contains(&n) {
        i32::try_from(n).map_err(|_| code)
    } else {
        Err(code)
    }
}

/// A floor area in m²: finite, above 0, at most [`MAX_AREA`].
pub fn check_area(a: f64) -> Result<f64, &'static str> {
    if a.is_finite() && a > 0.0 && a <= MAX_AREA {
        Ok(a)
    } else {
        Err("area_out_of_range")
    }
}

/// A room number as on the door ("201", "B-1203"): letters, digits and hyphens, at most 16.
pub fn check_room(raw: &str) -> Result<String, &'static str> {
    short_code(raw, 16, "room_characters")
}

/// A household number (户号) as on the household register: letters, digits and hyphens, at
/// most 32.
pub fn check_household_number(raw: &str) -> Result<String, &'static str> {
    short_code(raw, 32, "household_number_characters")
}

/// A facility's code (部件编码) as painted on it or in the city's facility register: letters,
/// digits and hyphens, at most 32.
pub fn check_facility_code(raw: &str) -> Result<String, &'static str> {
    short_code(raw, 32, "facility_code_characters")
}

fn short_code(raw: &str, max: usize, bad: &'static str) -> Result<String, &'static str> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("required");
    }
    if s.chars().count() > max {
        return Err("too_long");
    }
    if !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(bad);
    }
    Ok(s.to_ascii_uppercase())
}

/// Whether two grids are one grid tree: the same grid, or one a sub-grid of the other. A
/// household lives in the grid of its house (or in a sub-grid of it, or its house in a sub-grid
/// of the household's grid), and so do its members: a household is never split across grids
/// that different grid workers look after.
pub fn same_grid_tree(a: &RegionCode, b: &RegionCode) -> bool {
    a.is_within(b) || b.is_within(a)
}

/// The members that claim to be the head (户主) of a household which has `other_heads` heads
/// already: all but the first claim when it has none, every claim when it has one. A household
/// has at most one head.
pub fn surplus_heads(other_heads: usize, claims: &[Option<Relation>]) -> Vec<usize> {
    claims
        .iter()
        .enumerate()
        .filter(|(_, r)| **r == Some(Relation::Head))
        .map(|(i, _)| i)
        .skip(1usize.saturating_sub(other_heads))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn building_numbers_have_ranges() {
        assert_eq!(check_floors(1), Ok(1));
        assert_eq!(check_floors(200), Ok(200));
        for n in [0, -1, 201, i64::MAX] {
            assert_eq!(check_floors(n), Err("floors_out_of_range"), "{n}");
        }
        assert_eq!(check_units(50), Ok(50));
        assert_eq!(check_units(51), Err("units_out_of_range"));
        assert_eq!(check_units(0), Err("units_out_of_range"));
    }

    #[test]
    fn a_house_lies_within_its_building() {
        assert_eq!(check_unit_in(2, 3), Ok(2));
        assert_eq!(check_unit_in(4, 3), Err("unit_out_of_range"));
        assert_eq!(check_floor_in(6, 6), Ok(6));
        assert_eq!(check_floor_in(7, 6), Err("floor_out_of_range"));
        assert_eq!(check_floor_in(0, 6), Err("floor_out_of_range"));
    }

    #[test]
    fn areas_are_positive_and_plausible() {
        assert_eq!(check_area(89.5), Ok(89.5));
        assert_eq!(check_area(100_000.0), Ok(100_000.0));
        for a in [0.0, -1.0, 100_000.01, f64::NAN, f64::INFINITY] {
            assert_eq!(check_area(a), Err("area_out_of_range"), "{a}");
        }
    }

    #[test]
    fn room_and_household_numbers() {
        assert_eq!(check_room(" 201 "), Ok("201".into()));
        assert_eq!(check_room("b-1203"), Ok("B-1203".into()));
        assert_eq!(check_room(""), Err("required"));
        assert_eq!(check_room("2 01"), Err("room_characters"));
        assert_eq!(check_room("二零一"), Err("room_characters"));
        assert_eq!(check_room(&"1".repeat(17)), Err("too_long"));
        assert_eq!(check_household_number("370105001234"), Ok("370105001234".into()));
        assert_eq!(check_household_number("12/3"), Err("household_number_characters"));
        assert_eq!(check_household_number(&"1".repeat(33)), Err("too_long"));
        assert_eq!(
            check_facility_code(" 3701050101-000123 "),
            Ok("3701050101-000123".into())
        );
        assert_eq!(check_facility_code("ld-7"), Ok("LD-7".into()));
        assert_eq!(check_facility_code("路灯7"), Err("facility_code_characters"));
        assert_eq!(check_facility_code(&"1".repeat(33)), Err("too_long"));
    }

    #[test]
    fn grid_trees() {
        let g = RegionCode::parse("370105001001001").unwrap();
        let sub = RegionCode::parse("37010500100100101").unwrap();
        let sibling = RegionCode::parse("370105001001002").unwrap();
        assert!(same_grid_tree(&g, &g));
        assert!(same_grid_tree(&g, &sub) && same_grid_tree(&sub, &g));
        assert!(!same_grid_tree(&g, &sibling));
        assert!(!same_grid_tree(&sub, &sibling));
    }

    #[test]
    fn one_head_per_household() {
        use Relation::*;
        let claims = [Some(Spouse), Some(Head), None, Some(Head), Some(Head)];
        assert_eq!(surplus_heads(0, &claims), [3, 4], "the first claim stands");
        assert_eq!(surplus_heads(1, &claims), [1, 3, 4], "a head on record already");
        assert!(surplus_heads(0, &[Some(Head), Some(Child)]).is_empty());
        assert!(surplus_heads(1, &[Some(Child)]).is_empty());
        assert!(surplus_heads(0, &[]).is_empty());
    }
}
