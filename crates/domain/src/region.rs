//! The region tree: district → street → community → grid → neighbourhood sub-grid.
//!
//! Codes follow the official 12-digit statistical division codes (统计用区划代码) for the three
//! administrative levels; a grid appends a 3-digit serial to its community's code and a sub-grid
//! appends 2 more digits to its grid's code. The level of a region is therefore a function of its
//! code, and so is its parent: the code alone tells where a region sits in the tree.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A level of the region tree, from the top.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    District,
    Street,
    Community,
    Grid,
    Subgrid,
}

impl RegionLevel {
    pub const ALL: [RegionLevel; 5] = [
        Self::District,
        Self::Street,
        Self::Community,
        Self::Grid,
        Self::Subgrid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::District => "district",
            Self::Street => "street",
            Self::Community => "community",
            Self::Grid => "grid",
            Self::Subgrid => "subgrid",
        }
    }

    /// The level directly above, `None` for a district.
    pub fn parent(self) -> Option<RegionLevel> {
        match self {
            Self::District => None,
            Self::Street => Some(Self::District),
            Self::Community => Some(Self::Street),
            Self::Grid => Some(Self::Community),
            Self::Subgrid => Some(Self::Grid),
        }
    }

    /// Whether regions of this level are grids (the cells residents and cases are located in).
    pub fn is_grid(self) -> bool {
        matches!(self, Self::Grid | Self::Subgrid)
    }
}

impl fmt::Display for RegionLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RegionLevel {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| CodeError::UnknownLevel(s.to_owned()))
    }
}

/// The kind of a grid. Administrative levels have no kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GridKind {
    /// 单元网格: the ordinary residential grid.
    Unit,
    /// 专属网格: a school, hospital, market, enterprise or park with its own grid.
    Exclusive,
    /// 睦邻网格 / 微网格: a neighbourhood sub-grid inside a unit grid.
    Neighbourhood,
}

impl GridKind {
    pub const ALL: [GridKind; 3] = [Self::Unit, Self::Exclusive, Self::Neighbourhood];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unit => "unit",
            Self::Exclusive => "exclusive",
            Self::Neighbourhood => "neighbourhood",
        }
    }

    /// The kinds allowed at a level: grids are unit or exclusive, sub-grids are neighbourhood ones.
    pub fn allowed_at(self, level: RegionLevel) -> bool {
        match level {
            RegionLevel::Grid => matches!(self, Self::Unit | Self::Exclusive),
            RegionLevel::Subgrid => self == Self::Neighbourhood,
            _ => false,
        }
    }
}

impl FromStr for GridKind {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| CodeError::UnknownKind(s.to_owned()))
    }
}

/// What an exclusive grid covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExclusiveType {
    School,
    Hospital,
    Market,
    Enterprise,
    IndustrialPark,
    Government,
}

impl ExclusiveType {
    pub const ALL: [ExclusiveType; 6] = [
        Self::School,
        Self::Hospital,
        Self::Market,
        Self::Enterprise,
        Self::IndustrialPark,
        Self::Government,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::School => "school",
            Self::Hospital => "hospital",
            Self::Market => "market",
            Self::Enterprise => "enterprise",
            Self::IndustrialPark => "industrial_park",
            Self::Government => "government",
        }
    }
}

impl FromStr for ExclusiveType {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| CodeError::UnknownKind(s.to_owned()))
    }
}

/// Why a code, level or kind was refused. Each variant maps to one stable error code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error(
        "a region code is 12 digits (district, street, community), 15 (grid) or 17 (sub-grid), got {0:?}"
    )]
    Malformed(String),
    #[error("unknown region level {0:?}")]
    UnknownLevel(String),
    #[error("unknown grid kind {0:?}")]
    UnknownKind(String),
    #[error("the code {code} is a {actual} code, not a {expected} code")]
    WrongLevel {
        code: String,
        expected: RegionLevel,
        actual: RegionLevel,
    },
    #[error("the code {code} does not belong under parent {parent}")]
    ParentMismatch { code: String, parent: String },
}

impl CodeError {
    /// The stable machine-readable code used in API errors.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "invalid_region_code",
            Self::UnknownLevel(_) => "invalid_region_level",
            Self::UnknownKind(_) => "invalid_grid_kind",
            Self::WrongLevel { .. } => "region_code_level_mismatch",
            Self::ParentMismatch { .. } => "region_code_parent_mismatch",
        }
    }
}

/// A checked region code. Its level and parent follow from its digits.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

impl RegionCode {
    /// Parses a code, accepting the short native forms of the statistical codes
    /// (6 digits for a district, 9 for a street) and padding them to 12.
    pub fn parse(raw: &str) -> Result<Self, CodeError> {
        let s = raw.trim();
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodeError::Malformed(raw.to_owned()));
        }
        let padded = match s.len() {
            6 => format!("{s}000000"),
            9 => format!("{s}000"),
            12 | 15 | 17 => s.to_owned(),
            _ => return Err(CodeError::Malformed(raw.to_owned())),
        };
        let code = RegionCode(padded);
        code.check_shape()
            .map(|()| code)
            .map_err(|()| CodeError::Malformed(raw.to_owned()))
    }

    /// Rejects codes whose digits cannot belong to any level: a zero province or county,
    /// a zero grid serial, a non-district code whose own part is all zeros.
    fn check_shape(&self) -> Result<(), ()> {
        let d = self.0.as_str();
        if &d[0..2] == "00" || &d[4..6] == "00" {
            return Err(());
        }
        match d.len() {
            15 if &d[12..15] == "000" => Err(()),
            17 if &d[15..17] == "00" => Err(()),
            15 | 17 if &d[9..12] == "000" => Err(()), // a grid hangs off a community, not a street
            _ => Ok(()),
        }
    }

    /// Builds the code of a grid from its community's code and a serial (1..=999).
    pub fn grid(community: &RegionCode, serial: u32) -> Result<Self, CodeError> {
        community.expect_level(RegionLevel::Community)?;
        if !(1..=999).contains(&serial) {
            return Err(CodeError::Malformed(format!("{}{serial}", community.0)));
        }
        Ok(RegionCode(format!("{}{serial:03}", community.0)))
    }

    /// Builds the code of a neighbourhood sub-grid from its grid's code and a serial (1..=99).
    pub fn subgrid(grid: &RegionCode, serial: u32) -> Result<Self, CodeError> {
        grid.expect_level(RegionLevel::Grid)?;
        if !(1..=99).contains(&serial) {
            return Err(CodeError::Malformed(format!("{}{serial}", grid.0)));
        }
        Ok(RegionCode(format!("{}{serial:02}", grid.0)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> RegionLevel {
        let d = self.0.as_bytes();
        match d.len() {
            15 => RegionLevel::Grid,
            17 => RegionLevel::Subgrid,
            _ if &d[6..12] == b"000000" => RegionLevel::District,
            _ if &d[9..12] == b"000" => RegionLevel::Street,
            _ => RegionLevel::Community,
        }
    }

    /// The code of the parent region, `None` for a district (the city is outside the tree).
    pub fn parent(&self) -> Option<RegionCode> {
        let d = &self.0;
        let p = match self.level() {
            RegionLevel::District => return None,
            RegionLevel::Street => format!("{}000000", &d[0..6]),
            RegionLevel::Community => format!("{}000", &d[0..9]),
            RegionLevel::Grid => d[0..12].to_owned(),
            RegionLevel::Subgrid => d[0..15].to_owned(),
        };
        Some(RegionCode(p))
    }

    /// The district this region belongs to: the tenant key of every table.
    pub fn district(&self) -> RegionCode {
        RegionCode(format!("{}000000", &self.0[0..6]))
    }

    /// The street this region lies in (itself for a street), `None` for a district.
    pub fn street(&self) -> Option<RegionCode> {
        match self.level() {
            RegionLevel::District => None,
            _ => Some(RegionCode(format!("{}000", &self.0[0..9]))),
        }
    }

    /// All ancestors from the district down to the parent.
    pub fn ancestors(&self) -> Vec<RegionCode> {
        let mut out = Vec::new();
        let mut cur = self.parent();
        while let Some(c) = cur {
            cur = c.parent();
            out.push(c);
        }
        out.reverse();
        out
    }

    /// Whether `self` is `other` or lies below it in the tree.
    pub fn is_within(&self, other: &RegionCode) -> bool {
        self == other || self.ancestors().contains(other)
    }

    pub fn expect_level(&self, expected: RegionLevel) -> Result<(), CodeError> {
        let actual = self.level();
        if actual == expected {
            Ok(())
        } else {
            Err(CodeError::WrongLevel {
                code: self.0.clone(),
                expected,
                actual,
            })
        }
    }

    /// Checks that `parent` is this code's parent.
    pub fn expect_parent(&self, parent: &RegionCode) -> Result<(), CodeError> {
        if self.parent().as_ref() == Some(parent) {
            Ok(())
        } else {
            Err(CodeError::ParentMismatch {
                code: self.0.clone(),
                parent: parent.0.clone(),
            })
        }
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RegionCode({})", self.0)
    }
}

impl TryFrom<String> for RegionCode {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<RegionCode> for String {
    fn from(c: RegionCode) -> String {
        c.0
    }
}

impl FromStr for RegionCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn levels_follow_from_digits() {
        assert_eq!(code("370105000000").level(), RegionLevel::District);
        assert_eq!(code("370105").level(), RegionLevel::District);
        assert_eq!(code("370105001000").level(), RegionLevel::Street);
        assert_eq!(code("370105001").level(), RegionLevel::Street);
        assert_eq!(code("370105001008").level(), RegionLevel::Community);
        assert_eq!(code("370105016400").level(), RegionLevel::Community);
        assert_eq!(code("370105001008003").level(), RegionLevel::Grid);
        assert_eq!(code("37010500100800302").level(), RegionLevel::Subgrid);
    }

    #[test]
    fn streets_of_regions() {
        assert_eq!(code("370105000000").street(), None);
        let street = Some(code("370105001000"));
        for c in [
            "370105001000",
            "370105001008",
            "370105001008003",
            "37010500100800302",
        ] {
            assert_eq!(code(c).street(), street, "{c}");
        }
    }

    #[test]
    fn parents_and_ancestors() {
        let sub = code("37010500100800302");
        assert_eq!(sub.parent(), Some(code("370105001008003")));
        assert_eq!(
            sub.ancestors(),
            vec![
                code("370105000000"),
                code("370105001000"),
                code("370105001008"),
                code("370105001008003")
            ]
        );
        assert_eq!(code("370105000000").parent(), None);
        assert_eq!(sub.district(), code("370105000000"));
        assert!(sub.is_within(&code("370105001000")));
        assert!(!sub.is_within(&code("370105003000")));
        assert!(code("370105001008").expect_parent(&code("370105001000")).is_ok());
        assert_eq!(
            code("370105001008")
                .expect_parent(&code("370105003000"))
                .unwrap_err()
                .code(),
            "region_code_parent_mismatch"
        );
    }

    #[test]
    fn malformed_codes_are_refused() {
        for bad in [
            "",
            "37010",
            "3701050010",
            "37010500100a",
            "000105000000",
            "370100000000", // a city, not a district
            "370105001008000",
            "37010500100800300",
            "370105001000001", // grid under a street
            " 1234567890123456789",
        ] {
            let err = RegionCode::parse(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_region_code", "{bad:?}");
        }
    }

    #[test]
    fn grid_and_subgrid_builders() {
        let c = code("370105001008");
        let g = RegionCode::grid(&c, 7).unwrap();
        assert_eq!(g.as_str(), "370105001008007");
        assert_eq!(RegionCode::subgrid(&g, 12).unwrap().as_str(), "37010500100800712");
        assert!(RegionCode::grid(&c, 0).is_err());
        assert!(RegionCode::grid(&c, 1000).is_err());
        assert_eq!(
            RegionCode::grid(&g, 1).unwrap_err().code(),
            "region_code_level_mismatch"
        );
    }

    #[test]
    fn kinds_per_level() {
        assert!(GridKind::Unit.allowed_at(RegionLevel::Grid));
        assert!(GridKind::Exclusive.allowed_at(RegionLevel::Grid));
        assert!(!GridKind::Neighbourhood.allowed_at(RegionLevel::Grid));
        assert!(GridKind::Neighbourhood.allowed_at(RegionLevel::Subgrid));
        assert!(!GridKind::Unit.allowed_at(RegionLevel::Community));
        assert_eq!("exclusive".parse::<GridKind>().unwrap(), GridKind::Exclusive);
        assert_eq!("street".parse::<RegionLevel>().unwrap(), RegionLevel::Street);
    }
}
