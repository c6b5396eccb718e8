//! A year of case history for the demo district: reports from every source in every grid,
//! most solved on the spot or by the grid, some by the community, some whistled to
//! departments; some late, reworked, extended or rated; the most recent still open at every
//! stage. Deterministic (seeded), and computed with the same deadline rules as live cases.

use crate::cases::{calendar, holder_label, run_handling_clock, start_handling, stop_clock, time_mode};
use crate::{App, AppError};
use chrono::{DateTime, Duration, Utc};
use gridgov_domain::RegionLevel;
use gridgov_domain::rng::SplitMix64;
use gridgov_domain::sla::{Calendar, deadline, warn_at};
use gridgov_geo::BBox;
use gridgov_store::cases as repo;
use gridgov_store::entity::{case, case_category, case_event, case_whistle};
use sea_orm::TransactionTrait;

/// What the history holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistorySummary {
    pub cases: usize,
    pub open: usize,
    pub events: usize,
}

struct Grid {
    code: String,
    community: String,
    street: String,
    bbox: BBox,
}

struct Ctx<'a> {
    cal: &'a Calendar,
    now: DateTime<Utc>,
    district: String,
    departments: Vec<(i64, String)>,
    /// Demo accounts that appear as reporters in their own grid.
    resident: Option<i64>,
    gridworker: Option<i64>,
}

/// The timeline being built for one case.
struct Sim {
    now: DateTime<Utc>,
    c: case::Model,
    events: Vec<case_event::Model>,
    whistles: Vec<case_whistle::Model>,
    /// False once the next step would lie in the future: the case stays where it is.
    going: bool,
}

impl Sim {
    /// Records a step at `at` if that is not in the future; returns whether it happened.
    fn step(
        &mut self,
        at: DateTime<Utc>,
        action: &str,
        actor: &str,
        seat: &str,
        to: &str,
        comment: Option<&str>,
    ) -> bool {
        if !self.going || at > self.now {
            self.going = false;
            return false;
        }
        let holder_after = holder_label(&self.c);
        self.events.push(case_event::Model {
            id: 0,
            district_code: self.c.district_code.clone(),
            case_id: self.c.id,
            at,
            action: action.into(),
            actor_user_id: None,
            actor_name: actor.into(),
            seat: seat.into(),
            from_state: self.c.state.clone(),
            to_state: to.into(),
            holder_after,
            comment: comment.map(str::to_owned),
            photo_ids: "[]".into(),
            detail: "{}".into(),
        });
        self.c.state = to.into();
        self.c.version += 1;
        self.c.updated_at = at;
        true
    }
}

/// Minutes drawn so most steps are quick and a tail is slow.
fn minutes(rng: &mut SplitMix64, typical: f64, spread: f64) -> i64 {
    (typical * (rng.range(-1.0, 1.0) * spread).exp()).round().max(1.0) as i64
}

const DESCRIPTIONS: [&str; 8] = [
    "居民反映，请尽快处理",
    "巡查发现，现场拍照取证",
    "已影响居民正常通行",
    "多次出现，需彻底整治",
    "夜间尤为严重",
    "涉及老旧小区，居民意见较大",
    "靠近学校，存在安全隐患",
    "12345热线转办",
];

/// Plays one case from its report to now.
fn simulate(
    ctx: &Ctx<'_>,
    rng: &mut SplitMix64,
    id: i64,
    grid: &Grid,
    cat: &case_category::Model,
    reported_at: DateTime<Utc>,
) -> Sim {
    let source = match rng.below(100) {
        0..=59 => "patrol",
        60..=84 => "resident",
        85..=94 => "hotline",
        95..=97 => "department",
        _ => "deliberation",
    };
    let reporter = match source {
        "resident" if grid.code == "370105001001001" => ctx.resident,
        "patrol" if grid.code == "370105001001001" => ctx.gridworker,
        _ => None,
    };
    let owner = match cat.owner_level.as_str() {
        "street" => grid.street.clone(),
        "district" => format!("{}000000", &grid.code[..6]),
        _ => grid.community.clone(),
    };
    let lon = grid.bbox.min_lon + (grid.bbox.max_lon - grid.bbox.min_lon) * rng.range(0.1, 0.9);
    let lat = grid.bbox.min_lat + (grid.bbox.max_lat - grid.bbox.min_lat) * rng.range(0.1, 0.9);
    let mode = time_mode(cat);
    let accept_limit = i64::from(cat.accept_minutes);
    let c = case::Model {
        id,
        district_code: ctx.district.clone(),
        category_id: cat.id,
        source: source.into(),
        description: format!("{}：{}", cat.name, rng.pick(&DESCRIPTIONS)),
        address: None,
        lon,
        lat,
        region_code: grid.code.clone(),
        grid_code: Some(grid.code.clone()),
        community_code: grid.community.clone(),
        street_code: grid.street.clone(),
        reporter_user_id: reporter,
        idempotency_key: None,
        state: "reported".into(),
        version: 1,
        holder_kind: "centre".into(),
        holder_unit: Some(owner.clone()),
        holder_department_id: None,
        owner_unit: owner.clone(),
        major: rng.below(200) == 0,
        reported_at,
        accepted_at: None,
        dispatched_at: None,
        handled_at: None,
        closed_at: None,
        handle_warn_at: None,
        handle_due_at: None,
        stage: Some("accept".into()),
        stage_warn_at: Some(warn_at(reported_at, accept_limit, mode, ctx.cal)),
        stage_due_at: Some(deadline(reported_at, accept_limit, mode, ctx.cal)),
        warned_at: None,
        overdue_at: None,
        rework_count: 0,
        extended: false,
        rating: None,
        rated_at: None,
        resolution_level: None,
        merged_into: None,
        sla_next_at: None,
        updated_at: reported_at,
    };
    let mut s = Sim {
        now: ctx.now,
        c,
        events: Vec::new(),
        whistles: Vec::new(),
        going: true,
    };
    s.events.push(case_event::Model {
        id: 0,
        district_code: ctx.district.clone(),
        case_id: id,
        at: reported_at,
        action: "report".into(),
        actor_user_id: reporter,
        actor_name: if source == "resident" {
            "居民"
        } else {
            "网格员"
        }
        .into(),
        seat: "reporter".into(),
        from_state: String::new(),
        to_state: "reported".into(),
        holder_after: Some(format!("centre:{owner}")),
        comment: None,
        photo_ids: "[]".into(),
        detail: "{}".into(),
    });
    let centre = |u: &str| {
        if u.ends_with("000") {
            "街道中心"
        } else {
            "社区工作站"
        }
    };
    let roll = rng.below(100);
    let mut t = reported_at;
    // Small matters on the spot: the grid's staff resolve and report at once.
    if roll < 45 && grid.code.len() >= 15 {
        t += Duration::minutes(minutes(rng, 20.0, 1.0));
        if s.step(
            t,
            "handle_on_spot",
            "网格员",
            "case_grid",
            "handled",
            Some("已现场处置"),
        ) {
            s.c.accepted_at = Some(t);
            start_handling(&mut s.c, cat, ctx.cal, t);
            s.c.handled_at = Some(t);
            s.c.holder_kind = "grid".into();
            s.c.holder_unit = Some(grid.code.clone());
            s.c.resolution_level = Some("grid".into());
            stop_clock(&mut s.c);
        }
    } else {
        // Acceptance: usually well within the limit, sometimes late.
        t += Duration::minutes(minutes(rng, (accept_limit as f64) * 0.3, 1.2));
        let owner_name = centre(&owner);
        if roll < 50 {
            s.step(
                t,
                "reject",
                owner_name,
                "holding_centre",
                "rejected",
                Some("不属于受理范围"),
            );
            stop_clock(&mut s.c);
        } else if s.step(t, "accept", owner_name, "holding_centre", "accepted", None) {
            s.c.accepted_at = Some(t);
            start_handling(&mut s.c, cat, ctx.cal, t);
            let handle_limit = i64::from(cat.handle_minutes);
            let within = |rng: &mut SplitMix64| minutes(rng, handle_limit as f64 * 0.45, 0.9);
            if roll < 80 {
                // Dispatched to the grid.
                t += Duration::minutes(minutes(rng, 15.0, 1.0));
                if s.step(t, "dispatch", owner_name, "holding_centre", "handling", None) {
                    s.c.dispatched_at = Some(t);
                    s.c.holder_kind = "grid".into();
                    s.c.holder_unit = Some(grid.code.clone());
                }
                t += Duration::minutes(within(rng));
                if s.step(
                    t,
                    "report_result",
                    "网格员",
                    "holding_grid",
                    "handled",
                    Some("已处置"),
                ) {
                    s.c.handled_at = Some(t);
                    s.c.resolution_level = Some("grid".into());
                    stop_clock(&mut s.c);
                }
            } else if roll < 90 {
                t += Duration::minutes(within(rng));
                if s.step(
                    t,
                    "report_result",
                    owner_name,
                    "holding_centre",
                    "handled",
                    Some("已处置"),
                ) {
                    s.c.handled_at = Some(t);
                    s.c.resolution_level = Some(
                        if owner.ends_with("000") {
                            "street"
                        } else {
                            "community"
                        }
                        .into(),
                    );
                    stop_clock(&mut s.c);
                }
            } else if let (Some(dept), true) = (cat.department_id, !ctx.departments.is_empty()) {
                // Whistled, often after the community passed it to the street.
                if rng.below(10) < 4 && !s.c.holder_unit.as_deref().unwrap_or("").ends_with("000") {
                    t += Duration::minutes(minutes(rng, 60.0, 1.0));
                    if s.step(
                        t,
                        "escalate",
                        owner_name,
                        "holding_centre",
                        "accepted",
                        Some("需协调职能部门"),
                    ) {
                        s.c.holder_unit = Some(grid.street.clone());
                        s.c.owner_unit = grid.street.clone();
                    }
                }
                t += Duration::minutes(minutes(rng, 30.0, 1.0));
                let whistler = centre(s.c.holder_unit.as_deref().unwrap_or(""));
                let ack_limit = i64::from(cat.ack_minutes);
                if s.step(t, "whistle", whistler, "holding_centre", "whistled", None) {
                    s.c.dispatched_at = Some(t);
                    s.c.holder_kind = "department".into();
                    s.c.holder_department_id = Some(dept);
                    s.c.stage = Some("ack".into());
                    s.c.stage_warn_at = Some(warn_at(
                        t,
                        ack_limit,
                        gridgov_domain::sla::TimeMode::Natural,
                        ctx.cal,
                    ));
                    s.c.stage_due_at = Some(deadline(
                        t,
                        ack_limit,
                        gridgov_domain::sla::TimeMode::Natural,
                        ctx.cal,
                    ));
                    s.whistles.push(case_whistle::Model {
                        id: 0,
                        district_code: ctx.district.clone(),
                        case_id: id,
                        department_id: dept,
                        region_code: grid.code.clone(),
                        street_code: grid.street.clone(),
                        whistled_at: t,
                        ack_due_at: deadline(t, ack_limit, gridgov_domain::sla::TimeMode::Natural, ctx.cal),
                        acknowledged_at: None,
                        returned_at: None,
                    });
                }
                let dept_name = ctx
                    .departments
                    .iter()
                    .find(|(d, _)| *d == dept)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_else(|| "职能部门".into());
                t += Duration::minutes(minutes(rng, ack_limit as f64 * 0.5, 1.0));
                if s.step(
                    t,
                    "acknowledge",
                    &dept_name,
                    "holding_department",
                    "handling",
                    None,
                ) {
                    if let Some(w) = s.whistles.last_mut() {
                        w.acknowledged_at = Some(t);
                    }
                    run_handling_clock(&mut s.c);
                }
                t += Duration::minutes(within(rng));
                if s.step(
                    t,
                    "report_result",
                    &dept_name,
                    "holding_department",
                    "handled",
                    Some("已处置完毕"),
                ) {
                    s.c.handled_at = Some(t);
                    s.c.resolution_level = Some("department".into());
                    stop_clock(&mut s.c);
                }
            } else {
                t += Duration::minutes(within(rng));
                if s.step(t, "report_result", owner_name, "holding_centre", "handled", None) {
                    s.c.handled_at = Some(t);
                    s.c.resolution_level = Some("community".into());
                    stop_clock(&mut s.c);
                }
            }
            if s.c.state == "handled" && rng.below(100) < 4 {
                // Rework once, then a second result.
                t += Duration::minutes(minutes(rng, 240.0, 0.8));
                if s.step(
                    t,
                    "rework",
                    centre(&s.c.owner_unit.clone()),
                    "owning_centre",
                    "handling",
                    Some("现场复核未整改到位"),
                ) {
                    s.c.rework_count += 1;
                    s.c.handled_at = None;
                    run_handling_clock(&mut s.c);
                }
                t += Duration::minutes(minutes(rng, 600.0, 0.8));
                if s.step(
                    t,
                    "report_result",
                    "网格员",
                    "holding_grid",
                    "handled",
                    Some("已整改"),
                ) {
                    s.c.handled_at = Some(t);
                    stop_clock(&mut s.c);
                }
            }
        }
    }
    if s.c.state == "handled" {
        t += Duration::minutes(minutes(rng, 300.0, 1.0));
        let (who, seat) = if rng.below(2) == 0 {
            ("网格员", "case_grid")
        } else {
            ("社区工作站", "owning_centre")
        };
        if s.step(t, "verify", who, seat, "closed", Some("核查属实，已办结")) {
            s.c.closed_at = Some(t);
        }
    }
    if s.c.state == "closed" && source == "resident" && rng.below(100) < 70 {
        t += Duration::minutes(minutes(rng, 1440.0, 0.8));
        let rating = match rng.below(100) {
            0..=81 => "satisfied",
            82..=93 => "basically",
            _ => "not_satisfied",
        };
        if s.step(t, "rate", "居民", "reporter", "closed", None) {
            s.c.rating = Some(rating.into());
            s.c.rated_at = Some(t);
        }
    }
    s
}

/// Writes `count` cases reported over the `days` before now into the demo district.
pub async fn write_history(
    app: &App,
    district: &str,
    count: usize,
    days: i64,
) -> Result<HistorySummary, AppError> {
    let conn = app.db.conn();
    let now = app.clock.now();
    let cal = calendar(app).await?;
    let cats: Vec<case_category::Model> = repo::categories(conn, district)
        .await?
        .into_iter()
        .filter(|c| c.parent_code.is_some())
        .collect();
    let locator = app.locator.current();
    let all = BBox {
        min_lon: -180.0,
        min_lat: -90.0,
        max_lon: 180.0,
        max_lat: 90.0,
    };
    let mut grids: Vec<Grid> = locator
        .in_bbox(RegionLevel::Grid, all)
        .filter(|e| e.code.district().as_str() == district)
        .filter_map(|e| {
            let anc = e.code.ancestors();
            let street = anc.iter().find(|a| a.level() == RegionLevel::Street)?.to_string();
            let community = anc
                .iter()
                .find(|a| a.level() == RegionLevel::Community)?
                .to_string();
            Some(Grid {
                code: e.code.to_string(),
                community,
                street,
                bbox: e.boundary.bbox(),
            })
        })
        .collect();
    grids.sort_by(|a, b| a.code.cmp(&b.code));
    if grids.is_empty() || cats.is_empty() {
        return Ok(HistorySummary::default());
    }
    let departments = gridgov_store::staff::departments(conn, district)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let user = |name: &str| {
        let name = name.to_owned();
        async move {
            gridgov_store::accounts::user_by_username(conn, &name)
                .await
                .map(|u| u.map(|u| u.id))
        }
    };
    let ctx = Ctx {
        cal: &cal,
        now,
        district: district.to_owned(),
        departments,
        resident: user("resident").await?,
        gridworker: user("gridworker").await?,
    };
    let mut rng = SplitMix64::new(0x6361_7365_7321);
    // Sanitation, municipal and order matters are the bulk of what grids report.
    let weight = |c: &case_category::Model| match c.parent_code.as_deref() {
        Some("sanitation" | "municipal" | "order") => 5,
        Some("safety" | "dispute") => 3,
        _ => 1,
    };
    let weighted: Vec<&case_category::Model> = cats
        .iter()
        .flat_map(|c| std::iter::repeat_n(c, weight(c)))
        .collect();
    let first_id = repo::max_case_id(conn).await? + 1;
    let span = Duration::days(days).num_seconds() as f64;
    // Reports arrive through the year, oldest first, so ids follow time.
    let mut offsets: Vec<f64> = (0..count).map(|_| rng.unit()).collect();
    offsets.sort_by(|a, b| a.total_cmp(b));
    // Generated and written a slice at a time, in one transaction, so memory stays flat.
    const SLICE: usize = 10_000;
    let mut summary = HistorySummary::default();
    let txn = conn.begin().await?;
    for (n, slice) in offsets.chunks(SLICE).enumerate() {
        let (mut cases, mut events, mut whistles) = (Vec::with_capacity(SLICE), Vec::new(), Vec::new());
        for (j, off) in slice.iter().enumerate() {
            let reported_at = now - Duration::days(days) + Duration::seconds((off * span) as i64);
            let grid = rng.pick(&grids);
            let cat = *rng.pick(&weighted);
            let id = first_id + (n * SLICE + j) as i64;
            let s = simulate(&ctx, &mut rng, id, grid, cat, reported_at);
            if gridgov_domain::case::CaseState::parse(&s.c.state).is_some_and(|st| st.is_open()) {
                summary.open += 1;
            }
            events.extend(s.events);
            whistles.extend(s.whistles);
            cases.push(s.c);
        }
        summary.cases += cases.len();
        summary.events += events.len();
        repo::insert_history(&txn, cases, events, whistles).await?;
    }
    txn.commit().await?;
    Ok(summary)
}
