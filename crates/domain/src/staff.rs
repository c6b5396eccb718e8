//! Grid staffing, "1+N": one lead full-time grid worker per grid plus N helpers, each helper
//! drawn from a grid force (网格力量), and a grid leader (网格长) who is normally the grid party
//! branch secretary.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// A person's role in one grid's team.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TeamRole {
    /// 网格长.
    Leader,
    /// 专职网格员: exactly one per grid.
    LeadWorker,
    /// One of the "N".
    Helper,
}

/// Whether a grid worker is employed full-time (专职) or part-time (兼职).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Employment {
    FullTime,
    PartTime,
}

/// Where a member of a grid team comes from (网格力量来源).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForceSource {
    /// A grid worker employed by the street (the "1").
    GridWorker,
    /// Staff sunk from a district department (下沉力量).
    Department,
    /// A street cadre (街道干部).
    StreetCadre,
    /// An in-service party member dual-reporting to the community (双报到党员).
    DualReportMember,
    /// A village or community cadre (村/社区干部).
    VillageCadre,
    /// A resident party member.
    PartyMember,
    /// A volunteer.
    Volunteer,
}

macro_rules! str_enum {
    ($t:ty { $($v:ident => $s:literal),* $(,)? }) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),* }
            }
        }
        impl FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s { $($s => Ok(Self::$v),)* other => Err(other.to_owned()) }
            }
        }
    };
}

str_enum!(TeamRole { Leader => "leader", LeadWorker => "lead_worker", Helper => "helper" });
str_enum!(Employment { FullTime => "full_time", PartTime => "part_time" });
str_enum!(ForceSource {
    GridWorker => "grid_worker",
    Department => "department",
    StreetCadre => "street_cadre",
    DualReportMember => "dual_report_member",
    VillageCadre => "village_cadre",
    PartyMember => "party_member",
    Volunteer => "volunteer",
});

/// Checks the "1+N" rule for one grid's team: exactly one lead worker and at most one leader.
pub fn check_team(roles: &[TeamRole]) -> Result<(), &'static str> {
    let leads = roles.iter().filter(|r| **r == TeamRole::LeadWorker).count();
    let leaders = roles.iter().filter(|r| **r == TeamRole::Leader).count();
    match (leads, leaders) {
        (1, 0 | 1) => Ok(()),
        (0, _) => Err("team_without_lead_worker"),
        (_, 0 | 1) => Err("team_with_several_lead_workers"),
        _ => Err("team_with_several_leaders"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_plus_n() {
        use TeamRole::*;
        assert!(check_team(&[Leader, LeadWorker, Helper, Helper]).is_ok());
        assert!(check_team(&[LeadWorker]).is_ok());
        assert_eq!(check_team(&[Leader, Helper]), Err("team_without_lead_worker"));
        assert_eq!(
            check_team(&[LeadWorker, LeadWorker]),
            Err("team_with_several_lead_workers")
        );
        assert_eq!(
            check_team(&[Leader, Leader, LeadWorker]),
            Err("team_with_several_leaders")
        );
    }

    #[test]
    fn names_round_trip() {
        for f in ["grid_worker", "department", "dual_report_member", "volunteer"] {
            assert_eq!(f.parse::<ForceSource>().unwrap().as_str(), f);
        }
        assert!("robot".parse::<ForceSource>().is_err());
        assert_eq!("lead_worker".parse::<TeamRole>().unwrap(), TeamRole::LeadWorker);
    }
}
