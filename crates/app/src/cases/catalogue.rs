//! The seed catalogue of case categories: 8 groups, 40 categories, shaped on what district
//! grid centres publish (事项清单). Each says which level accepts it, which department answers
//! its whistles, its limits, and whether grids have a direct channel (直通车) to that department.

use gridgov_domain::RegionLevel;
use gridgov_domain::sla::TimeMode;

/// One working day in working minutes.
const DAY: i32 = 480;

/// A category: code, name, accepting level, department key, limits in minutes (accept,
/// handle, acknowledge), time mode of the handling limit, direct channel, auto-escalation.
pub struct Seed {
    pub code: &'static str,
    pub name: &'static str,
    pub level: RegionLevel,
    pub department: Option<&'static str>,
    pub accept: i32,
    pub handle: i32,
    pub ack: i32,
    pub mode: TimeMode,
    pub direct: bool,
    pub auto_escalate: bool,
}

/// A group of categories.
pub struct Group {
    pub code: &'static str,
    pub name: &'static str,
    pub items: &'static [Seed],
}

const fn seed(
    code: &'static str,
    name: &'static str,
    level: RegionLevel,
    department: Option<&'static str>,
    handle: i32,
    direct: bool,
) -> Seed {
    Seed {
        code,
        name,
        level,
        department,
        accept: 120,
        handle,
        ack: 60,
        mode: TimeMode::Working,
        direct,
        auto_escalate: false,
    }
}

/// Urgent matters count natural time and escalate themselves when overdue.
const fn urgent(seed: Seed, handle: i32) -> Seed {
    Seed {
        accept: 30,
        handle,
        ack: 30,
        mode: TimeMode::Natural,
        auto_escalate: true,
        ..seed
    }
}

use RegionLevel::{Community as C, District as D, Street as S};

pub const CATALOGUE: [Group; 8] = [
    Group {
        code: "dispute",
        name: "矛盾纠纷",
        items: &[
            seed("dispute.neighbour", "邻里纠纷", C, Some("sifa"), 3 * DAY, false),
            seed("dispute.family", "婚姻家庭纠纷", C, Some("sifa"), 3 * DAY, false),
            seed("dispute.property", "物业纠纷", C, Some("zhujian"), 5 * DAY, false),
            seed("dispute.wages", "劳资纠纷", S, Some("renshe"), 5 * DAY, true),
            seed("dispute.land", "土地房屋纠纷", S, Some("ziran"), 10 * DAY, false),
        ],
    },
    Group {
        code: "safety",
        name: "安全隐患",
        items: &[
            urgent(seed("safety.fire", "消防隐患", C, Some("xiaofang"), 0, true), 240),
            urgent(seed("safety.gas", "燃气隐患", C, Some("zhujian"), 0, true), 240),
            seed(
                "safety.building",
                "房屋安全隐患",
                S,
                Some("zhujian"),
                3 * DAY,
                true,
            ),
            seed(
                "safety.production",
                "安全生产隐患",
                S,
                Some("yingji"),
                3 * DAY,
                true,
            ),
            seed("safety.ebike", "电动车违规充电", C, Some("xiaofang"), DAY, true),
        ],
    },
    Group {
        code: "sanitation",
        name: "环境卫生",
        items: &[
            seed("sanitation.garbage", "垃圾堆放", C, Some("chengguan"), DAY, true),
            seed(
                "sanitation.sorting",
                "垃圾分类",
                C,
                Some("chengguan"),
                2 * DAY,
                false,
            ),
            seed("sanitation.sewage", "污水外溢", C, Some("shuiwu"), DAY, true),
            seed(
                "sanitation.noise",
                "噪声扰民",
                C,
                Some("shengtai"),
                2 * DAY,
                false,
            ),
            seed(
                "sanitation.pollution",
                "大气污染",
                S,
                Some("shengtai"),
                3 * DAY,
                false,
            ),
        ],
    },
    Group {
        code: "municipal",
        name: "市政设施",
        items: &[
            seed("municipal.lamp", "路灯损坏", C, Some("chengguan"), 2 * DAY, true),
            seed(
                "municipal.manhole",
                "井盖缺失破损",
                C,
                Some("chengguan"),
                DAY,
                true,
            ),
            seed("municipal.road", "道路破损", S, Some("chengguan"), 5 * DAY, false),
            seed(
                "municipal.stairwell",
                "楼道照明损坏",
                C,
                Some("zhujian"),
                2 * DAY,
                false,
            ),
            seed(
                "municipal.greening",
                "绿化损毁",
                C,
                Some("chengguan"),
                3 * DAY,
                false,
            ),
        ],
    },
    Group {
        code: "order",
        name: "公共秩序",
        items: &[
            seed("order.stall", "占道经营", C, Some("zhifa"), DAY, true),
            seed("order.parking", "违规停车", C, Some("gongan"), DAY, false),
            seed("order.building", "违章建筑", S, Some("zhifa"), 10 * DAY, false),
            seed("order.advert", "乱贴乱画", C, Some("chengguan"), DAY, false),
            seed("order.security", "治安隐患", S, Some("gongan"), DAY, true),
        ],
    },
    Group {
        code: "livelihood",
        name: "民生服务",
        items: &[
            seed(
                "livelihood.elderly",
                "养老服务",
                C,
                Some("minzheng"),
                3 * DAY,
                false,
            ),
            seed(
                "livelihood.assistance",
                "困难救助",
                C,
                Some("minzheng"),
                5 * DAY,
                false,
            ),
            seed("livelihood.medical", "医保报销", S, Some("yibao"), 5 * DAY, false),
            seed("livelihood.school", "入学咨询", S, Some("jiaoti"), 5 * DAY, false),
            seed(
                "livelihood.heating",
                "供暖问题",
                D,
                Some("zhujian"),
                2 * DAY,
                false,
            ),
        ],
    },
    Group {
        code: "population",
        name: "人口管理",
        items: &[
            seed(
                "population.floating",
                "流动人口登记",
                C,
                Some("gongan"),
                3 * DAY,
                false,
            ),
            seed(
                "population.rental",
                "出租房屋管理",
                C,
                Some("gongan"),
                3 * DAY,
                false,
            ),
            seed(
                "population.special",
                "特殊人群关爱",
                C,
                Some("minzheng"),
                2 * DAY,
                false,
            ),
            seed(
                "population.veteran",
                "退役军人服务",
                S,
                Some("tuiyi"),
                5 * DAY,
                false,
            ),
            seed(
                "population.health",
                "卫生健康",
                S,
                Some("weijian"),
                3 * DAY,
                false,
            ),
        ],
    },
    Group {
        code: "other",
        name: "其他",
        items: &[
            seed("other.market", "市场监管", S, Some("shichang"), 5 * DAY, false),
            seed("other.culture", "文化旅游", S, Some("wenlv"), 5 * DAY, false),
            seed("other.petition", "信访事项", S, Some("xinfang"), 10 * DAY, false),
            seed("other.farming", "农业农村", S, Some("nongye"), 5 * DAY, false),
            seed("other.misc", "其他事项", C, None, 5 * DAY, false),
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn forty_categories_in_eight_groups_with_known_departments() {
        let all: Vec<&Seed> = CATALOGUE.iter().flat_map(|g| g.items.iter()).collect();
        assert_eq!(all.len(), 40);
        let codes: HashSet<&str> = all.iter().map(|s| s.code).collect();
        assert_eq!(codes.len(), 40, "codes are unique");
        let depts: HashSet<&str> = crate::demo::names::DEPARTMENTS.iter().map(|(k, _)| *k).collect();
        for s in &all {
            assert!(s.department.is_none_or(|d| depts.contains(d)), "{}", s.code);
            assert!(s.handle > 0 && s.accept > 0 && s.ack > 0, "{}", s.code);
            let group = s.code.split('.').next().unwrap_or_default();
            assert!(CATALOGUE.iter().any(|g| g.code == group), "{}", s.code);
        }
    }
}
