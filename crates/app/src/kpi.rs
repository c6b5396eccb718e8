//! Case indicators for a region subtree and a time window (formulas and denominators in
//! `gridgov_domain::kpi`).

use crate::access::require;
use crate::auth::Signed;
use crate::{App, AppError};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use gridgov_domain::kpi::{KpiCounts, Kpis};
use gridgov_domain::sla::shanghai;
use gridgov_domain::{RegionCode, RegionLevel};
use gridgov_store::cases::{KpiArea, kpi_counts};
use serde::Serialize;
use utoipa::ToSchema;

/// An indicator panel: the counts and the rates computed from them.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct KpiPanel {
    pub region: String,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    #[schema(value_type = KpiCountsDoc)]
    pub counts: KpiCounts,
    #[schema(value_type = KpisDoc)]
    pub kpis: Kpis,
}

/// [`KpiCounts`] as the API documents it (the domain crate knows nothing of OpenAPI); a test
/// holds the two to the same fields.
#[allow(dead_code)]
#[derive(ToSchema)]
#[schema(as = KpiCounts)]
pub struct KpiCountsDoc {
    /// 上报数: cases reported in the window.
    reported: u64,
    /// … of which registered (accepted).
    registered_of_reported: u64,
    /// 立案数: cases registered in the window.
    registered: u64,
    /// … of which dispatched.
    dispatched_of_registered: u64,
    /// Cases whose handling deadline fell in the window.
    due: u64,
    handled_on_time_of_due: u64,
    closed_of_due: u64,
    closed_on_time_of_due: u64,
    reworked_of_due: u64,
    extended_of_due: u64,
    /// Ratings given in the window.
    ratings: u64,
    satisfied_ratings: u64,
    /// Cases closed in the window.
    closed: u64,
    closed_in_grid: u64,
    closed_in_community: u64,
    /// Minutes from whistle to acknowledgement, one per whistle acknowledged in the window.
    whistle_ack_minutes: Vec<i64>,
}

/// [`Kpis`] as the API documents it: each rate a share in [0, 1], null where its denominator
/// is zero; a test holds the two to the same fields.
#[allow(dead_code)]
#[derive(ToSchema)]
#[schema(as = Kpis)]
pub struct KpisDoc {
    /// 立案率
    registration_rate: Option<f64>,
    /// 派遣率
    dispatch_rate: Option<f64>,
    /// 按期处置率
    on_time_handling_rate: Option<f64>,
    /// 结案率
    closing_rate: Option<f64>,
    /// 按期结案率
    on_time_closing_rate: Option<f64>,
    /// 返工率
    rework_rate: Option<f64>,
    /// 延期率
    extension_rate: Option<f64>,
    /// 满意率
    satisfaction_rate: Option<f64>,
    /// 网格内解决率
    grid_resolution_rate: Option<f64>,
    /// 社区内解决率
    community_resolution_rate: Option<f64>,
    /// Mean minutes from whistle to acknowledgement (报到).
    whistle_ack_mean_minutes: Option<f64>,
    /// 90th percentile of the same.
    whistle_ack_p90_minutes: Option<i64>,
}

/// The window of a calendar month in Beijing time (`2026-10`).
pub fn month_window(month: &str) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()?;
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)?
    };
    let at = |d: NaiveDate| {
        shanghai()
            .from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
            .single()
            .map(|t| t.with_timezone(&Utc))
    };
    Some((at(first)?, at(next)?))
}

/// The indicators of `region`'s subtree over [from, until).
pub async fn panel(
    app: &App,
    who: &Signed,
    region: Option<&str>,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<KpiPanel, AppError> {
    require(&who.principal, "case:kpi:read")?;
    let district = RegionCode::parse(&who.user.district_code)
        .map_err(|e| AppError::invalid(vec![crate::error::code_field("district", &e)]))?;
    let scope = who.principal.scope("case:kpi:read");
    // Without a region: the district for district-wide callers, otherwise one's own unit.
    let own = who
        .user
        .unit_code
        .as_deref()
        .and_then(|u| RegionCode::parse(u).ok());
    let region = match region.filter(|r| !r.is_empty()) {
        Some(r) => RegionCode::parse(r)
            .map_err(|e| AppError::invalid(vec![crate::error::code_field("region", &e)]))?,
        None if scope.all => district.clone(),
        None => own.unwrap_or_else(|| district.clone()),
    };
    if from >= until || until - from > chrono::Duration::days(366) {
        return Err(AppError::invalid_field(
            "from,until",
            "invalid_window",
            "from before until, at most a year apart",
        ));
    }
    let not_found = || AppError::not_found("region_not_found", format!("no region {region}"));
    if region.district() != district || !scope.reaches(&region) {
        return Err(not_found());
    }
    if gridgov_store::regions::get_summary(app.db.conn(), &region)
        .await?
        .is_none()
    {
        return Err(not_found());
    }
    let street = region
        .ancestors()
        .into_iter()
        .chain(std::iter::once(region.clone()))
        .find(|c| c.level() == RegionLevel::Street);
    let streets = match street {
        Some(s) => vec![s.to_string()],
        None => gridgov_store::regions::street_codes(app.db.conn(), &district).await?,
    };
    let below_street = matches!(
        region.level(),
        RegionLevel::Community | RegionLevel::Grid | RegionLevel::Subgrid
    );
    let area = KpiArea {
        streets,
        prefix: below_street.then(|| region.subtree_prefix().to_owned()),
    };
    let counts = kpi_counts(app.db.conn(), &area, from, until).await?;
    Ok(KpiPanel {
        region: region.to_string(),
        from,
        until,
        kpis: Kpis::from_counts(&counts),
        counts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_in_beijing_time() {
        let (from, until) = month_window("2026-10").unwrap();
        assert_eq!(from.to_rfc3339(), "2026-09-30T16:00:00+00:00");
        assert_eq!(until.to_rfc3339(), "2026-10-31T16:00:00+00:00");
        let (_, until) = month_window("2026-12").unwrap();
        assert_eq!(until.to_rfc3339(), "2026-12-31T16:00:00+00:00");
        assert!(month_window("2026-13").is_none());
        assert!(month_window("October").is_none());
    }
}
