//! Case indicators (数字城管 practice) for a region subtree and a time window [from, until).
//!
//! Each denominator is defined once, here. A case counts in a window either by an event that
//! happened in it (reported, registered, closed, rated, acknowledged) or by a deadline that
//! fell in it (due for handling / closing), so two reports over the same window agree:
//!
//! | indicator | numerator | denominator |
//! |---|---|---|
//! | 立案率 | of the reports received in the window (merged duplicates not counted), those registered | those reports |
//! | 派遣率 | of the cases registered in the window, those dispatched or whistled at least once | cases registered in the window |
//! | 按期处置率 | of the cases due for handling in the window, those handled by their deadline | cases whose handling deadline fell in the window |
//! | 结案率 | of the cases due for closing in the window, those closed (by the end of the window) | cases due for closing in the window |
//! | 按期结案率 | … those closed by their deadline | cases due for closing in the window |
//! | 返工率 | … those sent back for rework at least once | cases due for closing in the window |
//! | 延期率 | … those whose deadline was extended | cases due for closing in the window |
//! | 满意率 | ratings in the window that are satisfied or basically satisfied | ratings in the window |
//! | 网格内解决率 | cases closed in the window last handled by a grid | cases closed in the window |
//! | 社区内解决率 | … last handled by a grid or a community centre | cases closed in the window |
//! | whistle response | mean and p90 minutes from whistle to 报到 | whistles acknowledged in the window |
//!
//! A case is due for closing when it is due for handling: verification is part of the
//! handling time. Ratios are `None` when the denominator is 0.

use serde::Serialize;

/// The counts an indicator panel is computed from (the store gathers them in SQL).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KpiCounts {
    pub reported: u64,
    pub registered_of_reported: u64,
    pub registered: u64,
    pub dispatched_of_registered: u64,
    pub due: u64,
    pub handled_on_time_of_due: u64,
    pub closed_of_due: u64,
    pub closed_on_time_of_due: u64,
    pub reworked_of_due: u64,
    pub extended_of_due: u64,
    pub ratings: u64,
    pub satisfied_ratings: u64,
    pub closed: u64,
    pub closed_in_grid: u64,
    pub closed_in_community: u64,
    /// Minutes from whistle to acknowledgement, one per whistle acknowledged in the window.
    pub whistle_ack_minutes: Vec<i64>,
}

impl KpiCounts {
    /// The names of the counts as serialised, in declaration order (the API's clients and
    /// tests read panels by them). Each adds up over regions: a district's are its streets'
    /// sums. The whistle minutes are not among them.
    pub const COUNT_NAMES: [&'static str; 15] = [
        "reported",
        "registered_of_reported",
        "registered",
        "dispatched_of_registered",
        "due",
        "handled_on_time_of_due",
        "closed_of_due",
        "closed_on_time_of_due",
        "reworked_of_due",
        "extended_of_due",
        "ratings",
        "satisfied_ratings",
        "closed",
        "closed_in_grid",
        "closed_in_community",
    ];
}

/// The indicators, each a share in [0, 1] or minutes.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Kpis {
    /// 立案率
    pub registration_rate: Option<f64>,
    /// 派遣率
    pub dispatch_rate: Option<f64>,
    /// 按期处置率
    pub on_time_handling_rate: Option<f64>,
    /// 结案率
    pub closing_rate: Option<f64>,
    /// 按期结案率
    pub on_time_closing_rate: Option<f64>,
    /// 返工率
    pub rework_rate: Option<f64>,
    /// 延期率
    pub extension_rate: Option<f64>,
    /// 满意率
    pub satisfaction_rate: Option<f64>,
    /// 网格内解决率
    pub grid_resolution_rate: Option<f64>,
    /// 社区内解决率
    pub community_resolution_rate: Option<f64>,
    pub whistle_ack_mean_minutes: Option<f64>,
    pub whistle_ack_p90_minutes: Option<i64>,
}

fn ratio(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// The nearest-rank percentile (the smallest value with at least `p` % of values at or below).
pub fn percentile(values: &[i64], p: u32) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    let rank = (u64::from(p.min(100)) * v.len() as u64).div_ceil(100).max(1);
    v.get(rank as usize - 1).copied()
}

impl Kpis {
    pub fn from_counts(c: &KpiCounts) -> Kpis {
        let n = c.whistle_ack_minutes.len();
        Kpis {
            registration_rate: ratio(c.registered_of_reported, c.reported),
            dispatch_rate: ratio(c.dispatched_of_registered, c.registered),
            on_time_handling_rate: ratio(c.handled_on_time_of_due, c.due),
            closing_rate: ratio(c.closed_of_due, c.due),
            on_time_closing_rate: ratio(c.closed_on_time_of_due, c.due),
            rework_rate: ratio(c.reworked_of_due, c.due),
            extension_rate: ratio(c.extended_of_due, c.due),
            satisfaction_rate: ratio(c.satisfied_ratings, c.ratings),
            grid_resolution_rate: ratio(c.closed_in_grid, c.closed),
            community_resolution_rate: ratio(c.closed_in_community, c.closed),
            whistle_ack_mean_minutes: (n > 0)
                .then(|| c.whistle_ack_minutes.iter().sum::<i64>() as f64 / n as f64),
            whistle_ack_p90_minutes: percentile(&c.whistle_ack_minutes, 90),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hand_worked_month() {
        // A community's October: 40 reports, 36 registered (4 rejected); of the 36, 30 went
        // to a grid, a centre or a department and 6 were handled on the spot; 25 cases fell
        // due, 20 handled in time, 22 closed, 19 of them in time, 3 reworked, 2 extended; 18
        // ratings, 15 satisfied and 1 basically; 30 closed in the month, 12 by a grid and 9
        // by the community centre; whistles answered after 30, 45, 60, 90 and 240 minutes.
        let c = KpiCounts {
            reported: 40,
            registered_of_reported: 36,
            registered: 36,
            dispatched_of_registered: 30,
            due: 25,
            handled_on_time_of_due: 20,
            closed_of_due: 22,
            closed_on_time_of_due: 19,
            reworked_of_due: 3,
            extended_of_due: 2,
            ratings: 18,
            satisfied_ratings: 16,
            closed: 30,
            closed_in_grid: 12,
            closed_in_community: 21,
            whistle_ack_minutes: vec![60, 30, 240, 45, 90],
        };
        let k = Kpis::from_counts(&c);
        assert_eq!(k.registration_rate, Some(0.9));
        assert_eq!(k.dispatch_rate, Some(30.0 / 36.0));
        assert_eq!(k.on_time_handling_rate, Some(0.8));
        assert_eq!(k.closing_rate, Some(0.88));
        assert_eq!(k.on_time_closing_rate, Some(0.76));
        assert_eq!(k.rework_rate, Some(0.12));
        assert_eq!(k.extension_rate, Some(0.08));
        assert_eq!(k.satisfaction_rate, Some(16.0 / 18.0));
        assert_eq!(k.grid_resolution_rate, Some(0.4));
        assert_eq!(k.community_resolution_rate, Some(0.7));
        assert_eq!(k.whistle_ack_mean_minutes, Some(93.0));
        // Nearest rank: ceil(0.9 × 5) = the 5th of 30, 45, 60, 90, 240.
        assert_eq!(k.whistle_ack_p90_minutes, Some(240));
    }

    #[test]
    fn empty_windows_have_no_rates() {
        let k = Kpis::from_counts(&KpiCounts::default());
        assert_eq!(k, Kpis::default());
    }

    #[test]
    fn percentiles() {
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&v, 90), Some(9));
        assert_eq!(percentile(&v, 100), Some(10));
        assert_eq!(percentile(&v, 0), Some(1));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[], 90), None);
    }
}
