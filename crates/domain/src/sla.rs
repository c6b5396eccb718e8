//! Deadlines (时限): a limit counted in natural time, or in working time on the working-day
//! calendar (holidays off, swapped weekend workdays on, 调休), reckoned in Asia/Shanghai.
//! A stage warns at 80 % of its limit and is overdue after it.

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, Offset, TimeZone, Utc, Weekday,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// China Standard Time: UTC+8 all year (no daylight saving since 1991).
pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

/// Working hours on a working day, local time. Eight hours: one working day is 480 minutes.
pub const WORK_START: NaiveTime = match NaiveTime::from_hms_opt(9, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};
pub const WORK_END: NaiveTime = match NaiveTime::from_hms_opt(17, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};
pub const MINUTES_PER_WORKING_DAY: i64 = 480;

/// How a limit is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeMode {
    /// Around the clock (自然时).
    Natural,
    /// Working hours of working days only (工作时).
    Working,
}

impl TimeMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Natural => "natural",
            Self::Working => "working",
        }
    }

    pub fn parse(s: &str) -> Option<TimeMode> {
        [Self::Natural, Self::Working]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

/// The official exceptions to "Monday to Friday": holidays and swapped working weekend days.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
}

impl Calendar {
    pub fn new(
        holidays: impl IntoIterator<Item = NaiveDate>,
        workdays: impl IntoIterator<Item = NaiveDate>,
    ) -> Self {
        Calendar {
            holidays: holidays.into_iter().collect(),
            workdays: workdays.into_iter().collect(),
        }
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.workdays.contains(&d) {
            return true;
        }
        if self.holidays.contains(&d) {
            return false;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }
}

/// No limit ever needs more than this many calendar days; a calendar that marks everything a
/// holiday would otherwise loop forever.
const MAX_DAYS: i64 = 3660;

/// The working-time window of a local date, if it is a working day.
fn window(cal: &Calendar, d: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    if !cal.is_working_day(d) {
        return None;
    }
    let tz = shanghai();
    let start = tz.from_local_datetime(&d.and_time(WORK_START)).single()?;
    let end = tz.from_local_datetime(&d.and_time(WORK_END)).single()?;
    Some((start.with_timezone(&Utc), end.with_timezone(&Utc)))
}

/// The instant `minutes` of counted time after `start`.
pub fn deadline(start: DateTime<Utc>, minutes: i64, mode: TimeMode, cal: &Calendar) -> DateTime<Utc> {
    let minutes = minutes.max(0);
    match mode {
        TimeMode::Natural => start + Duration::minutes(minutes),
        TimeMode::Working => {
            let mut left = Duration::minutes(minutes);
            let mut day = start.with_timezone(&shanghai()).date_naive();
            for _ in 0..MAX_DAYS {
                if let Some((open, close)) = window(cal, day) {
                    let from = open.max(start);
                    if from < close {
                        if from + left <= close {
                            return from + left;
                        }
                        left -= close - from;
                    }
                }
                day = day.succ_opt().unwrap_or(day);
            }
            start + Duration::days(MAX_DAYS)
        }
    }
}

/// Counted minutes between two instants (0 if `end` is not after `start`).
pub fn elapsed(start: DateTime<Utc>, end: DateTime<Utc>, mode: TimeMode, cal: &Calendar) -> i64 {
    if end <= start {
        return 0;
    }
    match mode {
        TimeMode::Natural => (end - start).num_minutes(),
        TimeMode::Working => {
            let tz = shanghai();
            let (mut day, last) = (
                start.with_timezone(&tz).date_naive(),
                end.with_timezone(&tz).date_naive(),
            );
            let mut total = Duration::zero();
            while day <= last {
                if let Some((open, close)) = window(cal, day) {
                    let (from, to) = (open.max(start), close.min(end));
                    if from < to {
                        total += to - from;
                    }
                }
                match day.succ_opt() {
                    Some(d) => day = d,
                    None => break,
                }
            }
            total.num_minutes()
        }
    }
}

/// The share of a limit after which a stage warns (预警).
pub const WARN_PERCENT: i64 = 80;

/// When a stage that started at `start` with a limit of `minutes` starts to warn.
pub fn warn_at(start: DateTime<Utc>, minutes: i64, mode: TimeMode, cal: &Calendar) -> DateTime<Utc> {
    deadline(start, minutes * WARN_PERCENT / 100, mode, cal)
}

/// How a running stage stands at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaStatus {
    Normal,
    /// 预警: past 80 % of the limit.
    Warning,
    /// 超时.
    Overdue,
}

impl SlaStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Warning => "warning",
            Self::Overdue => "overdue",
        }
    }

    pub fn at(now: DateTime<Utc>, warn_at: DateTime<Utc>, due_at: DateTime<Utc>) -> SlaStatus {
        if now > due_at {
            Self::Overdue
        } else if now >= warn_at {
            Self::Warning
        } else {
            Self::Normal
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        shanghai()
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// National Day 2026: 1–7 October off, Sunday 27 September and Saturday 10 October worked
    /// (the shape of the State Council's notice).
    fn national_day() -> Calendar {
        Calendar::new(
            (1..=7).map(|d| date(2026, 10, d)),
            [date(2026, 9, 27), date(2026, 10, 10)],
        )
    }

    #[test]
    fn natural_time_runs_around_the_clock() {
        let start = local(2026, 10, 1, 23, 30);
        let cal = national_day();
        assert_eq!(
            deadline(start, 60, TimeMode::Natural, &cal),
            local(2026, 10, 2, 0, 30)
        );
        assert_eq!(
            elapsed(start, local(2026, 10, 2, 0, 30), TimeMode::Natural, &cal),
            60
        );
    }

    #[test]
    fn working_time_skips_nights_weekends_and_holidays() {
        let cal = national_day();
        // Wednesday 30 September, 16:00: one hour left that day, then the holiday week, then
        // Thursday 8 October from 09:00.
        let start = local(2026, 9, 30, 16, 0);
        assert_eq!(
            deadline(start, 120, TimeMode::Working, &cal),
            local(2026, 10, 8, 10, 0)
        );
        // Two working days from Friday 9 October 09:00: Friday, then the swapped Saturday 10th.
        let start = local(2026, 10, 9, 9, 0);
        assert_eq!(
            deadline(start, 2 * MINUTES_PER_WORKING_DAY, TimeMode::Working, &cal),
            local(2026, 10, 10, 17, 0)
        );
        // Reported at night: the clock starts at 09:00 the next working morning.
        let start = local(2026, 10, 12, 22, 0);
        assert_eq!(
            deadline(start, 30, TimeMode::Working, &cal),
            local(2026, 10, 13, 9, 30)
        );
    }

    #[test]
    fn elapsed_counts_the_same_minutes_deadline_adds() {
        let cal = national_day();
        let start = local(2026, 9, 25, 13, 17);
        for minutes in [0, 1, 59, 480, 481, 1000, 2400, 9600] {
            for mode in [TimeMode::Natural, TimeMode::Working] {
                let end = deadline(start, minutes, mode, &cal);
                // Starting inside working hours, the count is exact.
                assert_eq!(elapsed(start, end, mode, &cal), minutes, "{minutes} {mode:?}");
                assert!(end >= start);
            }
        }
    }

    #[test]
    fn deadlines_never_go_backwards() {
        let cal = national_day();
        let mut start = local(2026, 9, 20, 0, 0);
        while start < local(2026, 10, 20, 0, 0) {
            let mut last = start;
            for minutes in [0, 30, 240, 480, 960, 4800] {
                let d = deadline(start, minutes, TimeMode::Working, &cal);
                assert!(d >= last, "{start} {minutes}");
                last = d;
            }
            start += Duration::minutes(97);
        }
    }

    #[test]
    fn an_all_holiday_calendar_ends() {
        let cal = Calendar::new((0..5000).map(|i| date(2026, 1, 1) + Duration::days(i)), []);
        let start = local(2026, 1, 1, 9, 0);
        assert_eq!(
            deadline(start, 60, TimeMode::Working, &cal),
            start + Duration::days(MAX_DAYS)
        );
    }

    #[test]
    fn warning_at_eighty_percent() {
        let cal = Calendar::default();
        let start = local(2026, 11, 2, 9, 0); // a Monday
        let due = deadline(start, 600, TimeMode::Working, &cal);
        let warn = warn_at(start, 600, TimeMode::Working, &cal);
        assert_eq!(warn, local(2026, 11, 2, 17, 0)); // 480 working minutes: the whole Monday
        assert_eq!(due, local(2026, 11, 3, 11, 0));
        assert_eq!(
            SlaStatus::at(local(2026, 11, 2, 16, 0), warn, due),
            SlaStatus::Normal
        );
        assert_eq!(SlaStatus::at(warn, warn, due), SlaStatus::Warning);
        assert_eq!(SlaStatus::at(due, warn, due), SlaStatus::Warning);
        assert_eq!(
            SlaStatus::at(due + Duration::seconds(1), warn, due),
            SlaStatus::Overdue
        );
    }

    #[test]
    fn weekends_are_off_unless_swapped() {
        let cal = national_day();
        assert!(!cal.is_working_day(date(2026, 10, 3)));
        assert!(cal.is_working_day(date(2026, 10, 10)));
        assert!(!cal.is_working_day(date(2026, 10, 11)));
        assert!(cal.is_working_day(date(2026, 10, 12)));
    }
}
