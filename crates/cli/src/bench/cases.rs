//! `gridgov bench cases`: case reports over HTTP against a running server, as phones send them.
//!
//! Each simulated client holds one keep-alive connection and sends reports back to back (a
//! closed loop), each with a fresh idempotency key, at a point inside the area its account may
//! report in. The accounts are the demo's grid worker (its own grid), district administrator
//! (anywhere) and resident (anywhere in the district), so the server runs every branch of the
//! report path: scope check, locator, duplicate search for staff, durable insert, audit.

use super::client::{Conn, Target, login, percentile_ms};
use anyhow::{Context, Result, bail};
use gridgov_domain::RegionLevel;
use gridgov_domain::rng::SplitMix64;
use gridgov_geo::{Locator, LonLat};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    pub url: String,
    pub clients: usize,
    pub warmup: Duration,
    pub measure: Duration,
}

/// The demo's grid worker reports in this grid.
const WORKER_GRID: &str = "370105001001001";

struct Account {
    username: &'static str,
    /// The session cookie (`name=value`), after login.
    cookie: String,
    /// Prepared points: the client cycles through them.
    points: Vec<LonLat>,
}

/// What one client saw.
#[derive(Default)]
struct Tally {
    /// Latencies of requests completed inside the measured window, in microseconds.
    latencies: Vec<u32>,
    /// Responses by status inside the window.
    statuses: BTreeMap<u16, usize>,
    /// The first non-201 body, to show what went wrong.
    first_error: Option<String>,
}

pub async fn run(o: Options) -> Result<()> {
    let target = Target::parse(&o.url)?;
    let mut conn = Conn::open(&target)
        .await
        .with_context(|| format!("is the demo server running at {}? (gridgov demo)", o.url))?;

    // Points: inside the grid worker's own grid, or anywhere the demo district has a grid.
    let demo = gridgov_app::demo::generate(0).map_err(|e| anyhow::anyhow!("{e}"))?;
    let locator = Locator::build(demo.locator_entries(), HashMap::new());
    let mut rng = SplitMix64::new(0x0062_656e_6368);
    let mut sample = |only: Option<&str>| {
        let e = gridgov_app::demo::EXTENT;
        let mut out = Vec::with_capacity(4096);
        while out.len() < 4096 {
            let p = LonLat::new(rng.range(e.min_lon, e.max_lon), rng.range(e.min_lat, e.max_lat));
            let Some(hit) = locator.locate(p) else { continue };
            let Some(grid) = hit.grid.as_ref() else { continue };
            if only.is_none_or(|g| grid.code.as_str() == g) {
                out.push(p);
            }
        }
        out
    };
    if locator.count(RegionLevel::Grid) == 0 {
        bail!("the demo district has no grids");
    }
    let worker_points = sample(Some(WORKER_GRID));
    let anywhere = sample(None);
    let mut accounts = Vec::new();
    for (username, points) in [
        ("gridworker", worker_points),
        ("admin", anywhere.clone()),
        ("resident", anywhere),
    ] {
        let cookie = login(&mut conn, username).await?;
        accounts.push(Account {
            username,
            cookie,
            points,
        });
    }
    let categories = categories(&mut conn, &accounts[0].cookie).await?;
    println!(
        "bench cases: {} clients against {} ({} accounts: {}), {} categories; warm-up {} s, measuring {} s",
        o.clients,
        o.url,
        accounts.len(),
        accounts.iter().map(|a| a.username).collect::<Vec<_>>().join(", "),
        categories.len(),
        o.warmup.as_secs(),
        o.measure.as_secs()
    );

    let accounts = Arc::new(accounts);
    let categories = Arc::new(categories);
    let run_id = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let start = Instant::now() + Duration::from_millis(200);
    let (from, until) = (start + o.warmup, start + o.warmup + o.measure);
    let mut tasks = Vec::new();
    for client in 0..o.clients {
        let (target, accounts, categories) = (target.clone(), accounts.clone(), categories.clone());
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(&target).await?;
            let account = &accounts[client % accounts.len()];
            let mut tally = Tally::default();
            let mut rng = SplitMix64::new(client as u64 + 1);
            tokio::time::sleep_until(start.into()).await;
            let mut n = 0usize;
            loop {
                let sent = Instant::now();
                if sent >= until {
                    break;
                }
                let p = account.points[rng.below(account.points.len())];
                let body = format!(
                    r#"{{"category_id":{},"description":"压测上报：路灯不亮，第{n}号","lon":{},"lat":{},"idempotency_key":"bench-{run_id}-{client}-{n}"}}"#,
                    categories[rng.below(categories.len())],
                    p.lon,
                    p.lat
                );
                n += 1;
                let reply = conn
                    .send("POST", "/api/v1/cases", Some(&account.cookie), Some(body.as_bytes()))
                    .await?;
                let done = Instant::now();
                if sent >= from && done <= until {
                    tally
                        .latencies
                        .push(u32::try_from(done.duration_since(sent).as_micros()).unwrap_or(u32::MAX));
                    *tally.statuses.entry(reply.status).or_default() += 1;
                    if reply.status != 201 && tally.first_error.is_none() {
                        tally.first_error = Some(String::from_utf8_lossy(&reply.body).into_owned());
                    }
                }
            }
            anyhow::Ok(tally)
        }));
    }
    let mut all = Tally::default();
    for t in tasks {
        let t = t.await??;
        all.latencies.extend(t.latencies);
        for (s, n) in t.statuses {
            *all.statuses.entry(s).or_default() += n;
        }
        all.first_error = all.first_error.or(t.first_error);
    }
    report(&all, o.measure);
    Ok(())
}

fn report(t: &Tally, window: Duration) {
    let mut l = t.latencies.clone();
    l.sort_unstable();
    let pct = |p: f64| percentile_ms(&l, p);
    let created = t.statuses.get(&201).copied().unwrap_or(0);
    println!(
        "  {} reports in {:.0} s: {:.0} reports/s sustained ({} created)",
        l.len(),
        window.as_secs_f64(),
        l.len() as f64 / window.as_secs_f64(),
        created
    );
    println!(
        "  latency ms: p50 {:.1}, p90 {:.1}, p99 {:.1}, max {:.1}",
        pct(50.0),
        pct(90.0),
        pct(99.0),
        pct(100.0)
    );
    let others: Vec<String> = t
        .statuses
        .iter()
        .filter(|(s, _)| **s != 201)
        .map(|(s, n)| format!("{n} × {s}"))
        .collect();
    if !others.is_empty() {
        println!("  other answers: {}", others.join(", "));
        if let Some(e) = &t.first_error {
            println!("  first: {e}");
        }
    }
}

/// The ids of the categories one may report under (not the groups).
async fn categories(conn: &mut Conn, cookie: &str) -> Result<Vec<i64>> {
    let r = conn
        .send("GET", "/api/v1/case-categories", Some(cookie), None)
        .await?;
    if r.status != 200 {
        bail!("listing categories failed ({})", r.status);
    }
    let v: serde_json::Value = serde_json::from_slice(&r.body)?;
    let ids: Vec<i64> = v["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["parent_code"].is_string() && c["enabled"].as_bool() == Some(true))
        .filter_map(|c| c["id"].as_i64())
        .collect();
    if ids.is_empty() {
        bail!("the server has no categories to report under");
    }
    Ok(ids)
}
