//! `gridgov bench …`: programs that print performance figures (never timed assertions in tests).

mod cases;
mod client;
mod import;
mod kpi;
mod people;

use anyhow::Result;
use clap::Subcommand;
use gridgov_domain::RegionLevel;
use gridgov_domain::rng::SplitMix64;
use gridgov_geo::{Locator, LonLat};
use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

#[derive(Subcommand)]
pub enum BenchWhat {
    /// Point lookups per second, single-threaded, on the demo district (or N copies of it).
    Locate {
        #[arg(long, default_value_t = 1)]
        scale: usize,
        /// Number of lookups to time.
        #[arg(long, default_value_t = 3_000_000)]
        lookups: usize,
    },
    /// Case reports per second and their latency over HTTP, against a running demo server
    /// (start it with `gridgov demo`).
    Cases {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        /// Concurrent clients, each with its own keep-alive connection.
        #[arg(long, default_value_t = 64)]
        clients: usize,
        /// Seconds of load before measuring.
        #[arg(long, default_value_t = 3)]
        warmup: u64,
        /// Seconds measured.
        #[arg(long, default_value_t = 20)]
        seconds: u64,
    },
    /// Indicator panels over HTTP, one at a time, against a running demo server: every street
    /// and the district for each of the last 12 months (start it with `gridgov demo --cases
    /// 1000000` for a million cases).
    Kpi {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        /// Times each panel is asked for.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
    },
    /// Importing residents from an .xlsx workbook over HTTP (a dry run, then the commit),
    /// against a running demo server.
    Import {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
    },
    /// Registry searches over HTTP, one at a time, against a running demo server: by ID
    /// number, phone and name start, district-wide and for a street (start it with
    /// `gridgov demo --people 1000000` for a million residents).
    People {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        /// Searches of each kind.
        #[arg(long, default_value_t = 300)]
        searches: usize,
    },
}

pub async fn run(what: BenchWhat) -> Result<()> {
    match what {
        BenchWhat::Locate { scale, lookups } => locate(scale.max(1), lookups.max(1)),
        BenchWhat::Cases {
            url,
            clients,
            warmup,
            seconds,
        } => {
            cases::run(cases::Options {
                url,
                clients: clients.clamp(1, 4096),
                warmup: std::time::Duration::from_secs(warmup),
                measure: std::time::Duration::from_secs(seconds.max(1)),
            })
            .await
        }
        BenchWhat::Kpi { url, rounds } => {
            kpi::run(kpi::Options {
                url,
                rounds: rounds.clamp(1, 100),
            })
            .await
        }
        BenchWhat::Import { url, rows } => {
            import::run(import::Options {
                url,
                rows: rows.clamp(1, gridgov_app::sheet::MAX_ROWS),
            })
            .await
        }
        BenchWhat::People { url, searches } => {
            people::run(people::Options {
                url,
                searches: searches.clamp(1, 100_000),
            })
            .await
        }
    }
}

fn locate(scale: usize, lookups: usize) -> Result<()> {
    let t0 = Instant::now();
    let mut entries = Vec::new();
    for k in 0..scale {
        let d = gridgov_app::demo::generate(k).map_err(|e| anyhow::anyhow!("{e}"))?;
        entries.extend(d.locator_entries());
    }
    let generated = t0.elapsed();
    let t1 = Instant::now();
    let locator = Locator::build(entries, HashMap::new());
    let built = t1.elapsed();
    let grids = locator.count(RegionLevel::Grid);

    // Query points: uniform over each district's extent, so most hit a grid and a few fall on
    // edges; fixed seed for repeatable runs.
    let mut rng = SplitMix64::new(7);
    let points: Vec<LonLat> = (0..1_000_000.min(lookups))
        .map(|_| {
            let k = rng.below(scale);
            let (dx, dy) = ((k % 10) as f64 * 0.2, (k / 10) as f64 * 0.22);
            let e = gridgov_app::demo::EXTENT;
            LonLat::new(
                rng.range(e.min_lon, e.max_lon) + dx,
                rng.range(e.min_lat, e.max_lat) + dy,
            )
        })
        .collect();
    // Warm up, then time.
    let mut hits = 0usize;
    for p in points.iter().take(100_000) {
        hits += usize::from(locator.locate(*p).is_some());
    }
    black_box(hits);
    let t2 = Instant::now();
    let mut found = 0usize;
    for i in 0..lookups {
        if black_box(locator.locate(black_box(points[i % points.len()]))).is_some_and(|h| h.grid.is_some()) {
            found += 1;
        }
    }
    let secs = t2.elapsed().as_secs_f64();
    println!(
        "bench locate: {grids} grids ({scale} district(s)), index built in {:.0} ms (data generated in {:.0} ms)",
        built.as_secs_f64() * 1e3,
        generated.as_secs_f64() * 1e3
    );
    println!(
        "  {lookups} lookups in {secs:.3} s single-threaded: {:.0} lookups/s, {:.0} ns/lookup, {:.1}% found a grid",
        lookups as f64 / secs,
        secs * 1e9 / lookups as f64,
        found as f64 * 100.0 / lookups as f64
    );
    Ok(())
}
