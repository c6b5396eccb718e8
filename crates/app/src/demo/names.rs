//! Name pools for the synthetic parts of the demo district. Street names and codes are the real
//! public ones; community, grid and person names are invented.

use gridgov_domain::rng::SplitMix64;

/// Tianqiao's 14 streets (the report's count: 大桥街道 is administered by the 起步区), with their
/// official codes, how many communities the demo gives each, and how many of those are villages.
pub const STREETS: [(&str, &str, usize, usize); 14] = [
    ("001", "无影山街道", 6, 0),
    ("003", "天桥东街街道", 2, 0),
    ("004", "北村街道", 5, 0),
    ("005", "南村街道", 6, 0),
    ("006", "堤口路街道", 11, 0),
    ("007", "北坦街道", 5, 0),
    ("009", "制锦市街道", 5, 0),
    ("010", "宝华街道", 6, 0),
    ("011", "官扎营街道", 6, 0),
    ("012", "纬北路街道", 11, 0),
    ("013", "药山街道", 19, 4),
    ("014", "北园街道", 37, 15),
    ("015", "泺口街道", 32, 20),
    ("016", "桑梓店街道", 40, 40),
];

/// About 20 district departments that answer whistles: (key, name).
pub const DEPARTMENTS: [(&str, &str); 20] = [
    ("chengguan", "区城市管理局"),
    ("zhujian", "区住房和城乡建设局"),
    ("shichang", "区市场监督管理局"),
    ("gongan", "公安天桥分局"),
    ("minzheng", "区民政局"),
    ("shengtai", "区生态环境分局"),
    ("yingji", "区应急管理局"),
    ("weijian", "区卫生健康局"),
    ("jiaoti", "区教育和体育局"),
    ("shuiwu", "区水务局"),
    ("renshe", "区人力资源和社会保障局"),
    ("sifa", "区司法局"),
    ("xinfang", "区信访局"),
    ("ziran", "区自然资源局"),
    ("wenlv", "区文化和旅游局"),
    ("tuiyi", "区退役军人事务局"),
    ("yibao", "区医疗保障局"),
    ("xiaofang", "区消防救援大队"),
    ("zhifa", "区综合行政执法局"),
    ("nongye", "区农业农村局"),
];

const PLACE_A: [&str; 40] = [
    "幸福", "和平", "明德", "泉景", "北辰", "金桥", "润华", "清河", "祥和", "安居", "万盛", "汇鑫", "东方",
    "新苑", "惠民", "紫薇", "丽景", "康乐", "兴隆", "馨园", "济泺", "梁府", "凤凰", "华联", "翠屏", "银河",
    "锦绣", "瑞泽", "滨河", "柳荫", "荷花", "泰和", "鹊华", "望岳", "明湖", "槐香", "建业", "晨光", "枫林",
    "宏达",
];
const PLACE_B: [&str; 8] = ["", "东", "西", "南", "北", "新", "花园", "家园"];
const VILLAGE_A: [&str; 24] = [
    "王家", "李家", "张家", "刘家", "陈家", "杨家", "赵家", "黄家", "周家", "吴家", "孙家", "马家", "朱家",
    "胡家", "郭家", "何家", "高家", "林家", "罗家", "郑家", "梁家", "谢家", "宋家", "唐家",
];
const VILLAGE_B: [&str; 8] = ["庄", "屯", "洼", "寨", "堂", "集", "桥", "营"];

const SURNAMES: [&str; 40] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何",
    "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓",
    "许", "傅", "沈", "曾", "彭", "吕",
];
const GIVEN: [&str; 48] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "秀", "霞", "平", "刚", "桂", "英", "华", "建", "国", "文", "玉", "兰", "红", "志", "海", "鹏", "飞",
    "林", "波", "宁", "晨", "欣", "悦", "婷", "雪", "梅", "琳", "凯", "浩", "宇", "彤",
];

/// The exclusive grids: (type, name pattern with `{}` for a place name).
pub const EXCLUSIVE: [(&str, &str, usize); 6] = [
    ("school", "{}小学", 24),
    ("hospital", "{}医院", 10),
    ("market", "{}农贸市场", 12),
    ("enterprise", "{}商贸有限公司", 8),
    ("industrial_park", "{}产业园", 4),
    ("government", "{}便民服务中心", 2),
];

/// A community name unique within the district: the n-th of its kind.
pub fn community(n: usize, village: bool) -> String {
    if village {
        let a = VILLAGE_A[n % VILLAGE_A.len()];
        let b = VILLAGE_B[(n / VILLAGE_A.len()) % VILLAGE_B.len()];
        format!("{a}{b}村")
    } else {
        let a = PLACE_A[n % PLACE_A.len()];
        let b = PLACE_B[(n / PLACE_A.len()) % PLACE_B.len()];
        format!("{a}{b}社区")
    }
}

/// A place name for an exclusive grid.
pub fn place(n: usize) -> String {
    let a = PLACE_A[(n * 7 + 3) % PLACE_A.len()];
    let b = ["", "第一", "第二", "实验", "东城", "北城"][(n / PLACE_A.len()) % 6];
    format!("天桥区{a}{b}")
}

/// A person's name.
pub fn person(rng: &mut SplitMix64) -> String {
    let s = rng.pick(&SURNAMES);
    if rng.below(3) == 0 {
        format!("{s}{}", rng.pick(&GIVEN))
    } else {
        format!("{s}{}{}", rng.pick(&GIVEN), rng.pick(&GIVEN))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn community_names_are_unique_for_the_demo_counts() {
        let urban: HashSet<String> = (0..200).map(|n| community(n, false)).collect();
        let villages: HashSet<String> = (0..100).map(|n| community(n, true)).collect();
        assert_eq!(urban.len(), 200);
        assert_eq!(villages.len(), 100);
    }

    #[test]
    fn the_report_counts() {
        assert_eq!(STREETS.len(), 14);
        assert_eq!(STREETS.iter().map(|s| s.2).sum::<usize>(), 191);
        assert_eq!(EXCLUSIVE.iter().map(|e| e.2).sum::<usize>(), 60);
    }
}
