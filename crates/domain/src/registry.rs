//! The one net of basic information (基础信息"一张网"): the kinds a registry record is of, with
//! the Chinese labels that operators see and type (spreadsheet drop-down lists carry the labels;
//! the API and the database carry the codes), the rules of organisations' records and of care
//! groups' memberships and visits, and the rule that flags a care visit as overdue.
//!
//! Each kind parses from its code (`floating`) or its label (`流动人口`), so an import can take
//! either; anything else is an error naming what was given.

use chrono::{Duration, NaiveDate};

pub use crate::kind::Kind;

kinds!(
    /// 实有人口: how a resident lives in the district.
    PersonKind {
        Registered => "registered", "户籍人口",
        Floating => "floating", "流动人口",
        Overseas => "overseas", "境外人员",
    }
);

kinds!(
    /// 与户主关系: a household member's relation to the head of the household.
    Relation {
        Head => "head", "户主",
        Spouse => "spouse", "配偶",
        Child => "child", "子女",
        ChildInLaw => "child_in_law", "儿媳/女婿",
        Grandchild => "grandchild", "孙子女",
        Parent => "parent", "父母",
        Grandparent => "grandparent", "祖父母",
        Sibling => "sibling", "兄弟姐妹",
        Other => "other", "其他",
    }
);

kinds!(
    /// 房屋用途.
    HouseUse {
        Residential => "residential", "住宅",
        Commercial => "commercial", "商业",
        Mixed => "mixed", "商住两用",
        Office => "office", "办公",
        Industrial => "industrial", "工业仓储",
        Other => "other", "其他",
    }
);

kinds!(
    /// 产权性质.
    Ownership {
        Private => "private", "私产",
        Public => "public", "公产",
        Unit => "unit", "单位产",
        Collective => "collective", "集体产",
        Other => "other", "其他",
    }
);

kinds!(
    /// 居住状况: who lives in a house, if anyone (rented houses are where floating residents are).
    Occupancy {
        OwnerOccupied => "owner_occupied", "自住",
        Rented => "rented", "出租",
        Vacant => "vacant", "空置",
        Other => "other", "其他",
    }
);

kinds!(
    /// 单位类型.
    OrgKind {
        Enterprise => "enterprise", "企业",
        Shop => "shop", "个体工商户",
        School => "school", "学校",
        Hospital => "hospital", "医疗机构",
        SocialOrg => "social_org", "社会组织",
        Public => "public", "机关事业单位",
        Other => "other", "其他",
    }
);

impl OrgKind {
    /// Whether a unified social credit code must be given. Every registered body has one; a
    /// sole trader (个体工商户) registered before the codes were issued may not, nor may an
    /// informal group (其他, e.g. a square-dance team), so only for those it is optional.
    pub fn needs_uscc(self) -> bool {
        !matches!(self, Self::Shop | Self::Other)
    }
}

/// The most employees an organisation may record: more is a typing error in a district.
pub const MAX_EMPLOYEES: i64 = 1_000_000;

/// An organisation's number of employees, in [0, [`MAX_EMPLOYEES`]].
pub fn check_employees(n: i64) -> Result<i32, &'static str> {
    match i32::try_from(n) {
        Ok(v) if (0..=MAX_EMPLOYEES).contains(&n) => Ok(v),
        _ => Err("employees_out_of_range"),
    }
}

kinds!(
    /// 关爱对象与重点人群: groups whose members grid workers visit on a cycle.
    CareGroup {
        ElderlyAlone => "elderly_alone", "独居老人",
        EmptyNest => "empty_nest", "空巢老人",
        Disabled => "disabled", "残疾人",
        LowIncome => "low_income", "低保对象",
        LeftBehindChild => "left_behind_child", "留守儿童",
        SeriousIllness => "serious_illness", "大病患者",
        EntitledVeteran => "entitled_veteran", "优抚对象",
        MentalDisorder => "mental_disorder", "严重精神障碍患者",
        CommunityCorrection => "community_correction", "社区矫正对象",
        DrugRehabilitation => "drug_rehabilitation", "社区戒毒康复人员",
    }
);

impl CareGroup {
    /// The visiting cycle a membership starts with (an operator may set another): weekly where
    /// a person may come to harm alone or is under supervision, fortnightly for the frail and
    /// children, monthly otherwise.
    pub fn default_visit_days(self) -> u32 {
        match self {
            Self::ElderlyAlone | Self::CommunityCorrection | Self::DrugRehabilitation => 7,
            Self::EmptyNest | Self::LeftBehindChild | Self::MentalDisorder => 14,
            Self::Disabled | Self::LowIncome | Self::SeriousIllness | Self::EntitledVeteran => 30,
        }
    }
}

kinds!(
    /// 部件: public facilities on the street.
    FacilityKind {
        StreetLamp => "street_lamp", "路灯",
        ManholeCover => "manhole_cover", "井盖",
        FireHydrant => "fire_hydrant", "消防栓",
        TrashBin => "trash_bin", "垃圾箱",
        Camera => "camera", "监控探头",
        TrafficSign => "traffic_sign", "交通标志",
        BusShelter => "bus_shelter", "公交候车亭",
        Other => "other", "其他",
    }
);

kinds!(
    /// 部件状态.
    FacilityState {
        Normal => "normal", "完好",
        Damaged => "damaged", "损坏",
        Missing => "missing", "缺失",
        Removed => "removed", "已拆除",
    }
);

kinds!(
    /// 走访方式: how a visitor saw a person of a care group.
    VisitWay {
        Home => "home", "入户走访",
        Phone => "phone", "电话询问",
        Video => "video", "视频通话",
        Elsewhere => "elsewhere", "其他场所",
    }
);

/// The day a person joined a care group: not after today (a membership records a fact).
pub fn check_joined(joined: NaiveDate, today: NaiveDate) -> Result<NaiveDate, &'static str> {
    if joined > today {
        Err("joined_in_future")
    } else {
        Ok(joined)
    }
}

/// The day a person left a care group: not before they joined, not after today.
pub fn check_ended(joined: NaiveDate, ended: NaiveDate, today: NaiveDate) -> Result<NaiveDate, &'static str> {
    if ended > today {
        Err("ended_in_future")
    } else if ended < joined {
        Err("ended_before_joined")
    } else {
        Ok(ended)
    }
}

/// The day of a visit: not after today, and not before the person joined the group (a visit
/// earlier than that belongs to no membership).
pub fn check_visited_on(
    visited: NaiveDate,
    joined: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, &'static str> {
    if visited > today {
        Err("visit_in_future")
    } else if visited < joined {
        Err("visit_before_joined")
    } else {
        Ok(visited)
    }
}

/// The due day stored on a membership (what "overdue in my area" is read from): none once the
/// person has left the group, as nobody visits them any more.
pub fn next_visit_due(
    joined: NaiveDate,
    last_visit: Option<NaiveDate>,
    cycle_days: u32,
    ended: Option<NaiveDate>,
) -> Option<NaiveDate> {
    ended.is_none().then(|| visit_due(joined, last_visit, cycle_days))
}

/// The visiting cycle of a person in a care group must lie in [1, 365] days.
pub fn check_visit_days(days: u32) -> Result<u32, &'static str> {
    if (1..=365).contains(&days) {
        Ok(days)
    } else {
        Err("visit_cycle_out_of_range")
    }
}

/// When the next visit is due: one cycle after the last visit, or after joining the group if
/// nobody has visited since.
pub fn visit_due(joined: NaiveDate, last_visit: Option<NaiveDate>, cycle_days: u32) -> NaiveDate {
    let from = match last_visit {
        Some(v) if v > joined => v,
        _ => joined,
    };
    from + Duration::days(i64::from(cycle_days))
}

/// Whether the visit is overdue on `today`: the due day itself is still on time.
pub fn visit_overdue(
    joined: NaiveDate,
    last_visit: Option<NaiveDate>,
    cycle_days: u32,
    today: NaiveDate,
) -> bool {
    today > visit_due(joined, last_visit, cycle_days)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::collections::HashSet;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Codes and labels of every kind are unique within it and parse back to it; serde uses the
    /// same codes.
    fn round_trips<K: Kind + std::fmt::Debug + PartialEq + serde::Serialize>() {
        let codes: HashSet<_> = K::ALL.iter().map(|k| k.code()).collect();
        let labels: HashSet<_> = K::ALL.iter().map(|k| k.label()).collect();
        assert_eq!(codes.len(), K::ALL.len());
        assert_eq!(labels.len(), K::ALL.len());
        for &k in K::ALL {
            assert_eq!(K::parse(k.code()), Some(k));
            assert_eq!(K::parse(&format!(" {} ", k.label())), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.code());
        }
        assert_eq!(K::parse("no such kind"), None);
        assert_eq!(K::parse(""), None);
    }

    #[test]
    fn every_kind_parses_from_its_code_and_label() {
        round_trips::<PersonKind>();
        round_trips::<Relation>();
        round_trips::<HouseUse>();
        round_trips::<Ownership>();
        round_trips::<Occupancy>();
        round_trips::<OrgKind>();
        round_trips::<CareGroup>();
        round_trips::<FacilityKind>();
        round_trips::<FacilityState>();
        round_trips::<VisitWay>();
        assert_eq!(PersonKind::parse("流动人口"), Some(PersonKind::Floating));
        assert_eq!(PersonKind::labels(), ["户籍人口", "流动人口", "境外人员"]);
    }

    #[test]
    fn visiting_cycles() {
        assert_eq!(CareGroup::ElderlyAlone.default_visit_days(), 7);
        assert_eq!(CareGroup::LeftBehindChild.default_visit_days(), 14);
        assert_eq!(CareGroup::LowIncome.default_visit_days(), 30);
        for &g in CareGroup::ALL {
            assert!(check_visit_days(g.default_visit_days()).is_ok(), "{g:?}");
        }
        assert_eq!(check_visit_days(0), Err("visit_cycle_out_of_range"));
        assert_eq!(check_visit_days(366), Err("visit_cycle_out_of_range"));
        assert_eq!(check_visit_days(365), Ok(365));
    }

    #[test]
    fn a_visit_is_overdue_the_day_after_it_was_due() {
        let joined = d("2026-11-01");
        // Never visited: due a cycle after joining.
        assert_eq!(visit_due(joined, None, 7), d("2026-11-08"));
        assert!(!visit_overdue(joined, None, 7, d("2026-11-08")));
        assert!(visit_overdue(joined, None, 7, d("2026-11-09")));
        // Visited: due a cycle after the visit.
        assert_eq!(visit_due(joined, Some(d("2026-11-20")), 7), d("2026-11-27"));
        assert!(!visit_overdue(joined, Some(d("2026-11-20")), 7, d("2026-11-27")));
        assert!(visit_overdue(joined, Some(d("2026-11-20")), 7, d("2026-11-28")));
        // A visit before joining (in an earlier membership) does not count.
        assert_eq!(visit_due(joined, Some(d("2026-10-01")), 30), d("2026-12-01"));
    }

    #[test]
    fn a_uscc_is_optional_only_for_sole_traders_and_informal_groups() {
        let optional: Vec<_> = OrgKind::ALL.iter().filter(|k| !k.needs_uscc()).collect();
        assert_eq!(optional, [&OrgKind::Shop, &OrgKind::Other]);
    }

    #[test]
    fn employees() {
        assert_eq!(check_employees(0), Ok(0));
        assert_eq!(check_employees(1_000_000), Ok(1_000_000));
        assert_eq!(check_employees(-1), Err("employees_out_of_range"));
        assert_eq!(check_employees(1_000_001), Err("employees_out_of_range"));
        assert_eq!(check_employees(i64::MAX), Err("employees_out_of_range"));
    }

    #[test]
    fn membership_and_visit_dates() {
        let (joined, today) = (d("2026-11-01"), d("2026-12-01"));
        assert_eq!(check_joined(today, today), Ok(today));
        assert_eq!(check_joined(d("2026-12-02"), today), Err("joined_in_future"));
        assert_eq!(check_ended(joined, joined, today), Ok(joined));
        assert_eq!(
            check_ended(joined, d("2026-10-31"), today),
            Err("ended_before_joined")
        );
        assert_eq!(
            check_ended(joined, d("2026-12-02"), today),
            Err("ended_in_future")
        );
        assert_eq!(check_visited_on(today, joined, today), Ok(today));
        assert_eq!(check_visited_on(joined, joined, today), Ok(joined));
        assert_eq!(
            check_visited_on(d("2026-12-02"), joined, today),
            Err("visit_in_future")
        );
        assert_eq!(
            check_visited_on(d("2026-10-31"), joined, today),
            Err("visit_before_joined")
        );
    }

    #[test]
    fn the_stored_due_day_agrees_with_the_overdue_rule() {
        let joined = d("2026-11-01");
        assert_eq!(next_visit_due(joined, None, 7, Some(d("2026-11-05"))), None);
        for last in [None, Some(d("2026-11-20")), Some(d("2026-10-01"))] {
            for cycle in [1, 7, 30] {
                let due = next_visit_due(joined, last, cycle, None).unwrap();
                for offset in -2..=2 {
                    let today = due + Duration::days(offset);
                    // Stored `next_visit_due < today` finds exactly the overdue ones.
                    assert_eq!(due < today, visit_overdue(joined, last, cycle, today));
                }
            }
        }
    }
}
