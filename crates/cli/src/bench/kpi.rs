//! `gridgov bench kpi`: how long an indicator panel takes over HTTP, against a running server
//! with a year of cases (`gridgov demo --cases 1000000` for the million).
//!
//! One client asks, one panel at a time, as an operator's page does: the district administrator
//! every street and the district for each of the last twelve months, the street operator the
//! own street (no region given). The first round also checks that the streets' counts add up
//! to the district's.

use super::client::{Conn, Target, login, percentile_ms};
use anyhow::{Context, Result, bail, ensure};
use chrono::{Datelike, Months};
use gridgov_domain::kpi::KpiCounts;
use serde_json::Value;
use std::time::Instant;

/// The demo district.
const DISTRICT: &str = "370105000000";

pub struct Options {
    pub url: String,
    pub rounds: usize,
}

/// Latencies of one kind of panel, in microseconds.
#[derive(Default)]
struct Series(Vec<u32>);

impl Series {
    fn print(&mut self, what: &str) {
        self.0.sort_unstable();
        let p = |q| percentile_ms(&self.0, q);
        println!(
            "  {what}: {} panels, ms p50 {:.1}, p90 {:.1}, p99 {:.1}, max {:.1}",
            self.0.len(),
            p(50.0),
            p(90.0),
            p(99.0),
            p(100.0)
        );
    }
}

async fn panel(conn: &mut Conn, cookie: &str, query: &str, into: &mut Series) -> Result<Value> {
    let t = Instant::now();
    let r = conn
        .send("GET", &format!("/api/v1/kpis?{query}"), Some(cookie), None)
        .await?;
    into.0
        .push(u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX));
    if r.status != 200 {
        bail!(
            "GET /api/v1/kpis?{query}: {} {}",
            r.status,
            String::from_utf8_lossy(&r.body)
        );
    }
    Ok(serde_json::from_slice(&r.body)?)
}

fn counts(v: &Value) -> Vec<u64> {
    KpiCounts::COUNT_NAMES
        .iter()
        .map(|k| v["counts"][k].as_u64().unwrap_or(0))
        .collect()
}

pub async fn run(o: Options) -> Result<()> {
    let target = Target::parse(&o.url)?;
    let mut conn = Conn::open(&target)
        .await
        .with_context(|| format!("is the demo server running at {}? (gridgov demo)", o.url))?;
    let admin = login(&mut conn, "admin").await?;
    let street_operator = login(&mut conn, "street").await?;
    let r = conn
        .send(
            "GET",
            &format!("/api/v1/regions?parent={DISTRICT}"),
            Some(&admin),
            None,
        )
        .await?;
    ensure!(
        r.status == 200,
        "listing the district's streets failed ({})",
        r.status
    );
    let v: Value = serde_json::from_slice(&r.body)?;
    let streets: Vec<String> = v["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["code"].as_str().map(str::to_owned))
        .collect();
    ensure!(!streets.is_empty(), "the demo district has no streets");
    // The last twelve calendar months in Beijing time, this one included.
    let today = chrono::Utc::now()
        .with_timezone(&gridgov_domain::sla::shanghai())
        .date_naive();
    let first = today.with_day(1).context("first of the month")?;
    let months: Vec<String> = (0..12)
        .filter_map(|k| first.checked_sub_months(Months::new(k)))
        .map(|d| d.format("%Y-%m").to_string())
        .collect();

    let (mut street, mut district, mut own) = (Series::default(), Series::default(), Series::default());
    let mut year_reported = 0u64;
    let started = Instant::now();
    for round in 0..o.rounds {
        for month in &months {
            let whole = panel(
                &mut conn,
                &admin,
                &format!("region={DISTRICT}&month={month}"),
                &mut district,
            )
            .await?;
            let mut sum = vec![0u64; KpiCounts::COUNT_NAMES.len()];
            for s in &streets {
                let v = panel(
                    &mut conn,
                    &admin,
                    &format!("region={s}&month={month}"),
                    &mut street,
                )
                .await?;
                for (a, b) in sum.iter_mut().zip(counts(&v)) {
                    *a += b;
                }
            }
            panel(&mut conn, &street_operator, &format!("month={month}"), &mut own).await?;
            if round == 0 {
                ensure!(
                    sum == counts(&whole),
                    "{month}: the streets' counts {sum:?} do not add up to the district's {:?}",
                    counts(&whole)
                );
                year_reported += counts(&whole)[0];
            }
        }
    }
    println!(
        "bench kpi: {} against {} ({} streets, months {}…{}, {} reports in them), {} round(s) in {:.1} s",
        o.url,
        DISTRICT,
        streets.len(),
        months.last().map_or("", String::as_str),
        months.first().map_or("", String::as_str),
        year_reported,
        o.rounds,
        started.elapsed().as_secs_f64()
    );
    street.print("street × month (district administrator)");
    own.print("own street × month (street operator)");
    district.print("district × month");
    println!("  the streets add up to the district in every month");
    Ok(())
}
