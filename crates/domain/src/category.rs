//! Case categories (事项分类): what an administrator may set on a group or a category, checked
//! before anything is stored. A category names the level whose centre accepts it, the department
//! that answers its whistles, its three limits and how they are counted, and whether grids may
//! whistle that department directly (直通车). A group only gathers categories under a name.

use crate::region::RegionLevel;
use crate::sla::TimeMode;

/// The longest code (the column's width).
pub const CODE_MAX_CHARS: usize = 48;
/// The longest name (the column's width).
pub const NAME_MAX_CHARS: usize = 64;
/// The longest limit: a year of natural time. In working time that is longer still (about four
/// years), far beyond any real 事项清单, yet short enough for the deadline maths and an `i32`.
pub const MAX_LIMIT_MINUTES: i64 = 365 * 24 * 60;

/// What is wrong with one field, with a stable snake_case code clients translate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub code: &'static str,
    pub reason: String,
}

impl Problem {
    fn new(field: &'static str, code: &'static str, reason: impl Into<String>) -> Problem {
        Problem {
            field,
            code,
            reason: reason.into(),
        }
    }
}

/// A category or group code: 2 to 48 of `a-z 0-9 . _ -`, starting with a letter and ending with a
/// letter or digit (the seed's codes read `group.item`, e.g. `sanitation.garbage`). Codes are
/// what other systems (exports, an Open311 `service_code`) refer to, so they are kept plain.
pub fn check_code(field: &'static str, raw: &str) -> Result<String, Problem> {
    let ok = (2..=CODE_MAX_CHARS).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
        && raw.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && raw
            .bytes()
            .last()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && !raw.contains("..");
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(Problem::new(
            field,
            "invalid_category_code",
            "2 to 48 of a-z 0-9 . _ -, starting with a letter, ending with a letter or digit",
        ))
    }
}

/// A display name: trimmed, 1 to 64 characters, no control characters.
pub fn check_name(raw: &str) -> Result<String, Problem> {
    let name = raw.trim();
    let n = name.chars().count();
    if n == 0 || n > NAME_MAX_CHARS || name.chars().any(char::is_control) {
        return Err(Problem::new(
            "name",
            "invalid_category_name",
            "1 to 64 characters, no control characters",
        ));
    }
    Ok(name.to_owned())
}

/// What a category (not a group) sets, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Community, street or district: whose centre accepts a new report.
    pub owner_level: RegionLevel,
    pub department_id: Option<i64>,
    pub accept_minutes: i32,
    pub handle_minutes: i32,
    /// Always counted in natural time (a whistle is answered around the clock).
    pub ack_minutes: i32,
    /// How the acceptance and handling limits are counted.
    pub time_mode: TimeMode,
    pub direct_channel: bool,
    pub auto_escalate: bool,
}

/// A category's settings as they arrive, unchecked. Every field is optional so that one shape
/// serves groups (which set none of them) and categories (which must set the required ones).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Draft {
    pub owner_level: Option<String>,
    pub department_id: Option<i64>,
    pub accept_minutes: Option<i64>,
    pub handle_minutes: Option<i64>,
    pub ack_minutes: Option<i64>,
    pub time_mode: Option<String>,
    pub direct_channel: Option<bool>,
    pub auto_escalate: Option<bool>,
}

fn limit(field: &'static str, v: Option<i64>, out: &mut Vec<Problem>) -> i32 {
    match v {
        None => {
            out.push(Problem::new(field, "required", "required for a category"));
            0
        }
        Some(m) if (1..=MAX_LIMIT_MINUTES).contains(&m) => i32::try_from(m).unwrap_or(0),
        Some(_) => {
            out.push(Problem::new(
                field,
                "invalid_limit",
                format!("1 to {MAX_LIMIT_MINUTES} minutes"),
            ));
            0
        }
    }
}

impl Draft {
    /// The settings of a category, or every problem of the draft at once.
    pub fn check_category(&self) -> Result<Settings, Vec<Problem>> {
        let mut out = Vec::new();
        let owner_level = match self.owner_level.as_deref() {
            None => {
                out.push(Problem::new("owner_level", "required", "required for a category"));
                None
            }
            Some(s) => {
                let level = s.parse::<RegionLevel>().ok().filter(|l| {
                    matches!(
                        l,
                        RegionLevel::Community | RegionLevel::Street | RegionLevel::District
                    )
                });
                if level.is_none() {
                    out.push(Problem::new(
                        "owner_level",
                        "invalid_owner_level",
                        "community, street or district",
                    ));
                }
                level
            }
        };
        let accept_minutes = limit("accept_minutes", self.accept_minutes, &mut out);
        let handle_minutes = limit("handle_minutes", self.handle_minutes, &mut out);
        let ack_minutes = limit("ack_minutes", self.ack_minutes, &mut out);
        let time_mode = match self.time_mode.as_deref() {
            None => {
                out.push(Problem::new("time_mode", "required", "required for a category"));
                None
            }
            Some(s) => {
                let mode = TimeMode::parse(s);
                if mode.is_none() {
                    out.push(Problem::new(
                        "time_mode",
                        "invalid_time_mode",
                        "natural or working",
                    ));
                }
                mode
            }
        };
        match (owner_level, time_mode) {
            (Some(owner_level), Some(time_mode)) if out.is_empty() => Ok(Settings {
                owner_level,
                department_id: self.department_id,
                accept_minutes,
                handle_minutes,
                ack_minutes,
                time_mode,
                direct_channel: self.direct_channel.unwrap_or(false),
                auto_escalate: self.auto_escalate.unwrap_or(false),
            }),
            _ => Err(out),
        }
    }

    /// A group sets none of a category's settings: each one given is a problem (a `false`
    /// switch sets nothing and is accepted), so that a client never believes a group passes
    /// limits or a department down to its categories.
    pub fn check_group(&self) -> Result<(), Vec<Problem>> {
        let given = [
            ("owner_level", self.owner_level.is_some()),
            ("department_id", self.department_id.is_some()),
            ("accept_minutes", self.accept_minutes.is_some()),
            ("handle_minutes", self.handle_minutes.is_some()),
            ("ack_minutes", self.ack_minutes.is_some()),
            ("time_mode", self.time_mode.is_some()),
            ("direct_channel", self.direct_channel == Some(true)),
            ("auto_escalate", self.auto_escalate == Some(true)),
        ];
        let out: Vec<Problem> = given
            .into_iter()
            .filter(|(_, g)| *g)
            .map(|(f, _)| {
                Problem::new(
                    f,
                    "not_for_group",
                    "a group sets only its code, name and whether it is enabled",
                )
            })
            .collect();
        if out.is_empty() { Ok(()) } else { Err(out) }
    }
}

impl Settings {
    /// A rule between fields: a direct channel leads to a department, so it needs one.
    pub fn rule_problem(&self) -> Option<Problem> {
        (self.direct_channel && self.department_id.is_none()).then(|| {
            Problem::new(
                "direct_channel",
                "direct_channel_needs_department",
                "a direct channel needs a responsible department",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> Draft {
        Draft {
            owner_level: Some("community".into()),
            department_id: Some(3),
            accept_minutes: Some(120),
            handle_minutes: Some(960),
            ack_minutes: Some(60),
            time_mode: Some("working".into()),
            direct_channel: Some(true),
            auto_escalate: None,
        }
    }

    fn codes(r: Result<impl std::fmt::Debug, Vec<Problem>>) -> Vec<(&'static str, &'static str)> {
        r.expect_err("problems")
            .iter()
            .map(|p| (p.field, p.code))
            .collect()
    }

    #[test]
    fn codes_are_plain_and_bounded() {
        for ok in ["sanitation.garbage", "ab", "a1", "x-y_z.9", &"a".repeat(48)] {
            assert_eq!(check_code("code", ok).as_deref(), Ok(ok), "{ok}");
        }
        for bad in [
            "",
            "a",
            "1abc",
            "Abc",
            "ab.",
            "a..b",
            "a b",
            "垃圾",
            "ab/",
            "a\u{0}b",
            "ab-",
            &"a".repeat(49),
        ] {
            assert_eq!(
                check_code("code", bad).map_err(|p| p.code),
                Err("invalid_category_code"),
                "{bad:?}"
            );
        }
        assert_eq!(
            check_code("parent_code", "x").map_err(|p| p.field),
            Err("parent_code")
        );
    }

    #[test]
    fn names_are_trimmed_and_bounded_in_characters() {
        assert_eq!(check_name("  垃圾堆放 ").as_deref(), Ok("垃圾堆放"));
        assert_eq!(check_name(&"垃".repeat(64)).map(|n| n.chars().count()), Ok(64));
        for bad in ["", "   ", "a\nb", "tab\there"] {
            assert_eq!(
                check_name(bad).map_err(|p| p.code),
                Err("invalid_category_name"),
                "{bad:?}"
            );
        }
        assert!(check_name(&"垃".repeat(65)).is_err());
        assert!(check_name(&"x".repeat(10_000)).is_err());
    }

    #[test]
    fn a_full_draft_becomes_settings() {
        let s = draft().check_category().expect("valid");
        assert_eq!(s.owner_level, RegionLevel::Community);
        assert_eq!(s.time_mode, TimeMode::Working);
        assert_eq!(
            (s.accept_minutes, s.handle_minutes, s.ack_minutes),
            (120, 960, 60)
        );
        assert!(s.direct_channel && !s.auto_escalate);
        assert_eq!(s.rule_problem(), None);
    }

    #[test]
    fn limits_are_between_a_minute_and_a_year() {
        for (v, ok) in [
            (0, false),
            (-1, false),
            (1, true),
            (MAX_LIMIT_MINUTES, true),
            (MAX_LIMIT_MINUTES + 1, false),
            (i64::MAX, false),
            (i64::MIN, false),
        ] {
            let d = Draft {
                handle_minutes: Some(v),
                ..draft()
            };
            assert_eq!(d.check_category().is_ok(), ok, "{v}");
        }
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let d = Draft {
            owner_level: Some("grid".into()),
            accept_minutes: Some(-5),
            handle_minutes: None,
            ack_minutes: Some(0),
            time_mode: Some("lunar".into()),
            ..draft()
        };
        assert_eq!(
            codes(d.check_category()),
            vec![
                ("owner_level", "invalid_owner_level"),
                ("accept_minutes", "invalid_limit"),
                ("handle_minutes", "required"),
                ("ack_minutes", "invalid_limit"),
                ("time_mode", "invalid_time_mode"),
            ]
        );
        assert_eq!(
            codes(Draft::default().check_category()),
            vec![
                ("owner_level", "required"),
                ("accept_minutes", "required"),
                ("handle_minutes", "required"),
                ("ack_minutes", "required"),
                ("time_mode", "required"),
            ]
        );
    }

    #[test]
    fn the_owner_is_a_centre_level() {
        for (level, ok) in [
            ("community", true),
            ("street", true),
            ("district", true),
            ("grid", false),
            ("subgrid", false),
            ("Community", false),
            ("", false),
        ] {
            let d = Draft {
                owner_level: Some(level.into()),
                ..draft()
            };
            assert_eq!(d.check_category().is_ok(), ok, "{level}");
        }
    }

    #[test]
    fn a_direct_channel_needs_a_department() {
        let s = Draft {
            department_id: None,
            ..draft()
        }
        .check_category()
        .expect("well-formed");
        assert_eq!(
            s.rule_problem().map(|p| (p.field, p.code)),
            Some(("direct_channel", "direct_channel_needs_department"))
        );
        let s = Draft {
            department_id: None,
            direct_channel: Some(false),
            ..draft()
        }
        .check_category()
        .expect("well-formed");
        assert_eq!(s.rule_problem(), None);
    }

    #[test]
    fn a_group_sets_none_of_a_categorys_settings() {
        assert_eq!(Draft::default().check_group(), Ok(()));
        let off = Draft {
            direct_channel: Some(false),
            auto_escalate: Some(false),
            ..Draft::default()
        };
        assert_eq!(off.check_group(), Ok(()));
        assert_eq!(codes(draft().check_group()).len(), 7);
        assert_eq!(
            codes(
                Draft {
                    handle_minutes: Some(10),
                    ..Draft::default()
                }
                .check_group()
            ),
            vec![("handle_minutes", "not_for_group")]
        );
    }
}
