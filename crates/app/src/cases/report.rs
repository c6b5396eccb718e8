//! 采集上报: a new case from a grid worker, a resident, the hotline, a department or a
//! deliberation decision. The location decides the grid, community and street; the category
//! decides which centre accepts it and the acceptance clock starts.

use super::{CaseView, calendar, category, district_categories, time_mode, view};
use crate::access::require;
use crate::audit::{Event, entry};
use crate::auth::Signed;
use crate::regions::locate;
use crate::{App, AppError, ErrorKind};
use chrono::Duration;
use gridgov_domain::case::{CaseSource, CaseState};
use gridgov_domain::sla::{deadline, warn_at};
use gridgov_domain::{RegionCode, RegionLevel};
use gridgov_geo::Crs;
use gridgov_store::cases as repo;
use gridgov_store::entity::{case, case_event};
use gridgov_store::reports::{Draft, Nearby, NearbyQuery};
use serde::Serialize;
use utoipa::ToSchema;

/// What the reporter sends.
#[derive(Clone, Debug)]
pub struct NewReport {
    pub category_id: i64,
    pub description: String,
    pub address: Option<String>,
    pub lon: f64,
    pub lat: f64,
    pub crs: Crs,
    /// Defaults to `patrol` for staff and is always `resident` for residents.
    pub source: Option<String>,
    /// Chosen by the client once per report: a retry with the same key returns the same case.
    pub idempotency_key: Option<String>,
    /// 重大信息.
    pub major: bool,
}

/// An open case that may be the same matter.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DuplicateView {
    pub id: i64,
    pub case_no: String,
    pub description: String,
    pub distance_m: f64,
    pub reported_at: chrono::DateTime<chrono::Utc>,
}

/// The outcome of a report.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Reported {
    pub case: CaseView,
    /// False when this was a retry of a report already received.
    pub created: bool,
    /// Open cases of the same category nearby and recent: an operator may merge them.
    pub duplicates: Vec<DuplicateView>,
}

/// Great-circle distance in metres (plenty precise at the scale of a street).
fn metres_between(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lat2) = (a.1.to_radians(), b.1.to_radians());
    let (dlat, dlon) = ((b.1 - a.1).to_radians(), (b.0 - a.0).to_radians());
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().asin()
}

fn valid_key(k: &str) -> bool {
    (8..=64).contains(&k.len())
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A category new reports may use: a category (not a group), enabled, in an enabled group.
async fn reportable_category(
    app: &App,
    district: &str,
    id: i64,
) -> Result<Option<gridgov_store::entity::case_category::Model>, AppError> {
    let all = district_categories(app, district).await?;
    let Some(c) = all.iter().find(|c| c.id == id && c.enabled) else {
        return Ok(None);
    };
    let group_enabled = c.parent_code.as_deref().is_some_and(|p| {
        all.iter()
            .any(|g| g.parent_code.is_none() && g.code == p && g.enabled)
    });
    Ok(group_enabled.then(|| c.clone()))
}

/// Receives a report. A retry with the same idempotency key returns the first case unchanged.
pub async fn report(app: &App, who: &Signed, ip: Option<String>, r: NewReport) -> Result<Reported, AppError> {
    require(&who.principal, "case:case:report")?;
    let conn = app.db.conn();
    let mut errs = Vec::new();
    let description = r.description.trim();
    if description.is_empty() || description.chars().count() > 2000 {
        errs.push(AppError::field(
            "description",
            "invalid_description",
            "1 to 2000 characters",
        ));
    }
    let address = r.address.as_deref().map(str::trim).filter(|a| !a.is_empty());
    if address.is_some_and(|a| a.chars().count() > 200) {
        errs.push(AppError::field(
            "address",
            "invalid_address",
            "at most 200 characters",
        ));
    }
    if let Some(k) = &r.idempotency_key
        && !valid_key(k)
    {
        errs.push(AppError::field(
            "idempotency_key",
            "invalid_idempotency_key",
            "8 to 64 of A-Z a-z 0-9 - _",
        ));
    }
    let resident = who.user.kind == "resident";
    let source = match (resident, r.source.as_deref()) {
        (true, _) => Some(CaseSource::Resident),
        (false, None) => Some(if who.user.kind == "department" {
            CaseSource::Department
        } else {
            CaseSource::Patrol
        }),
        (false, Some(s)) => CaseSource::parse(s).filter(|s| *s != CaseSource::Resident),
    };
    if source.is_none() {
        errs.push(AppError::field(
            "source",
            "invalid_source",
            "patrol, hotline, department or deliberation",
        ));
    }
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let category = reportable_category(app, &who.user.district_code, r.category_id)
        .await?
        .ok_or_else(|| {
            AppError::new(
                ErrorKind::Unprocessable,
                "unknown_category",
                format!("no category {}", r.category_id),
            )
        })?;
    let outside = || {
        AppError::new(
            ErrorKind::Unprocessable,
            "outside_district",
            "the location is outside the district",
        )
    };
    let (point, hit) = match locate(app, r.lon, r.lat, r.crs) {
        Ok(x) => x,
        Err(e) if e.code == "outside_district" => return Err(outside()),
        Err(e) => return Err(e),
    };
    let (Some(street), Some(community)) = (hit.street.as_ref(), hit.community.as_ref()) else {
        return Err(outside());
    };
    if street.code.district().as_str() != who.user.district_code {
        return Err(outside());
    }
    let grid = hit.grid.as_ref().map(|g| g.code.clone());
    let region = hit
        .subgrid
        .as_ref()
        .map(|g| g.code.clone())
        .or(grid.clone())
        .unwrap_or(community.code.clone());
    // Staff report where they work; residents anywhere in their district.
    let scope = who.principal.scope("case:case:report");
    if !(scope.reaches(&region) || scope.own_records_of.is_some()) {
        return Err(AppError::new(
            ErrorKind::Forbidden,
            "location_out_of_scope",
            "you cannot report outside your area",
        ));
    }
    let owner_level = match category.owner_level.as_str() {
        "street" => RegionLevel::Street,
        "district" => RegionLevel::District,
        _ => RegionLevel::Community,
    };
    let owner: RegionCode = match owner_level {
        RegionLevel::Street => street.code.clone(),
        RegionLevel::District => street.code.district(),
        _ => community.code.clone(),
    };
    let now = app.clock.now();
    let cal = calendar(app).await?;
    let mode = time_mode(&category);
    let minutes = i64::from(category.accept_minutes);
    let c = case::Model {
        id: 0,
        district_code: who.user.district_code.clone(),
        category_id: category.id,
        source: source.map(|s| s.as_str()).unwrap_or("patrol").to_owned(),
        description: description.to_owned(),
        address: address.map(str::to_owned),
        lon: point.lon,
        lat: point.lat,
        region_code: region.to_string(),
        grid_code: grid.map(|g| g.to_string()),
        community_code: community.code.to_string(),
        street_code: street.code.to_string(),
        reporter_user_id: Some(who.user.id),
        idempotency_key: r.idempotency_key.clone(),
        state: CaseState::Reported.as_str().into(),
        version: 1,
        holder_kind: "centre".into(),
        holder_unit: Some(owner.to_string()),
        holder_department_id: None,
        owner_unit: owner.to_string(),
        major: r.major,
        reported_at: now,
        accepted_at: None,
        dispatched_at: None,
        handled_at: None,
        closed_at: None,
        handle_warn_at: None,
        handle_due_at: None,
        stage: Some("accept".into()),
        stage_warn_at: Some(warn_at(now, minutes, mode, &cal)),
        stage_due_at: Some(deadline(now, minutes, mode, &cal)),
        warned_at: None,
        overdue_at: None,
        rework_count: 0,
        extended: false,
        rating: None,
        rated_at: None,
        resolution_level: None,
        merged_into: None,
        sla_next_at: None,
        updated_at: now,
    };
    let event = case_event::Model {
        id: 0,
        district_code: c.district_code.clone(),
        case_id: 0,
        at: now,
        action: "report".into(),
        actor_user_id: Some(who.user.id),
        actor_name: who.user.display_name.clone(),
        seat: "reporter".into(),
        from_state: String::new(),
        to_state: c.state.clone(),
        holder_after: Some(format!("centre:{owner}")),
        comment: None,
        photo_ids: "[]".into(),
        detail: "{}".into(),
    };
    let after = serde_json::json!({ "category": category.code, "region": c.region_code, "source": c.source });
    let audit = entry(
        &who.actor(ip),
        Event {
            district: c.district_code.clone(),
            region: Some(c.region_code.clone()),
            action: "case.report",
            entity_type: "case",
            after: Some(&after),
            ..Default::default()
        },
    );
    // Operators merge duplicates; a resident would only see strangers' reports.
    let nearby = (!resident).then(|| nearby_query(app, &c));
    let stored = app
        .intake
        .submit(Draft {
            case: c.clone(),
            event,
            audit,
            nearby,
        })
        .await?;
    let Some(id) = stored.id else {
        // A retry (or the same key racing in twice): answer with the first case.
        let key = r.idempotency_key.as_deref().unwrap_or_default();
        return match repo::case_by_idempotency(conn, who.user.id, key).await? {
            Some(c) => retried(app, c).await,
            None => Err(gridgov_store::StoreError::Duplicate.into()),
        };
    };
    let duplicates = duplicates_of(app, &c, stored.nearby);
    Ok(Reported {
        case: view(case::Model { id, ..c }, category.name, now),
        created: true,
        duplicates,
    })
}

async fn retried(app: &App, c: case::Model) -> Result<Reported, AppError> {
    let name = category(app, &c.district_code, c.category_id)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    Ok(Reported {
        case: view(c, name, app.clock.now()),
        created: false,
        duplicates: Vec::new(),
    })
}

/// Where to look for open cases of the same category: a box around the report as wide as the
/// configured radius, back the configured days.
fn nearby_query(app: &App, c: &case::Model) -> NearbyQuery {
    let r = app.config.duplicate_radius_m;
    // Degrees per metre: 1/111,320 of latitude; longitude shrinks with the latitude's cosine.
    let dlat = r / 111_320.0;
    let dlon = r / (111_320.0 * c.lat.to_radians().cos().max(0.01));
    NearbyQuery {
        bbox: [c.lon - dlon, c.lat - dlat, c.lon + dlon, c.lat + dlat],
        since: c.reported_at - Duration::days(app.config.duplicate_days),
    }
}

/// The cases found in the box that lie within the radius.
fn duplicates_of(app: &App, c: &case::Model, near: Vec<Nearby>) -> Vec<DuplicateView> {
    let r = app.config.duplicate_radius_m;
    near.into_iter()
        .filter_map(|o| {
            let d = metres_between((c.lon, c.lat), (o.lon, o.lat));
            (d <= r).then(|| DuplicateView {
                case_no: super::case_no_of(o.id, o.reported_at),
                id: o.id,
                description: o.description,
                distance_m: (d * 10.0).round() / 10.0,
                reported_at: o.reported_at,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        // 0.001° of latitude is about 111 m anywhere.
        let d = metres_between((117.0, 36.66), (117.0, 36.661));
        assert!((d - 111.2).abs() < 0.5, "{d}");
        // 0.001° of longitude at Jinan's latitude is about 89 m.
        let d = metres_between((117.0, 36.66), (117.001, 36.66));
        assert!((d - 89.2).abs() < 0.5, "{d}");
        assert_eq!(metres_between((117.0, 36.66), (117.0, 36.66)), 0.0);
    }

    #[test]
    fn idempotency_keys() {
        assert!(valid_key("7f9c2ba4-e88f-4fa1-b7a5-3d2c1e0f9a8b"));
        for bad in ["short", "has space in it", &"k".repeat(65), "ключ-ключ-ключ"] {
            assert!(!valid_key(bad), "{bad}");
        }
    }
}
