//! `gridgov bench import`: how long importing residents from an .xlsx workbook takes over HTTP,
//! against a running demo server (`gridgov demo`): the goal is 100,000 residents in
//! under 60 seconds, from the upload to the commit (read, check, seal, index, write, audit).
//!
//! The workbook is made the way `gridgov sample people` makes one (valid synthetic residents
//! with ID numbers not yet registered), spread over the grids of the demo's first street. The
//! district administrator uploads it twice, as the console's wizard does: a dry run, then the
//! commit.

use super::client::{Conn, Target, login};
use anyhow::{Context, Result, bail, ensure};
use serde_json::Value;
use std::time::Instant;

pub struct Options {
    pub url: String,
    pub rows: usize,
}

/// The grids below `parent`, depth first through the region tree API.
async fn grids_below(conn: &mut Conn, cookie: &str, parent: &str, out: &mut Vec<String>) -> Result<()> {
    let r = conn
        .send(
            "GET",
            &format!("/api/v1/regions?parent={parent}"),
            Some(cookie),
            None,
        )
        .await?;
    ensure!(
        r.status == 200,
        "listing regions under {parent} failed ({})",
        r.status
    );
    let v: Value = serde_json::from_slice(&r.body)?;
    for item in v["items"].as_array().into_iter().flatten() {
        let code = item["code"].as_str().unwrap_or_default().to_owned();
        if item["level"] == "grid" {
            out.push(code);
        } else if item["level"] == "community" {
            Box::pin(grids_below(conn, cookie, &code, out)).await?;
        }
    }
    Ok(())
}

pub async fn run(o: Options) -> Result<()> {
    let target = Target::parse(&o.url)?;
    let mut conn = Conn::open(&target)
        .await
        .with_context(|| format!("is the demo server running at {}? (gridgov demo)", o.url))?;
    let admin = login(&mut conn, "admin").await?;
    let mut grids = Vec::new();
    grids_below(&mut conn, &admin, "370105001000", &mut grids).await?;
    ensure!(!grids.is_empty(), "the demo's first street has no grids");

    // People beyond any earlier run's: a block of the synthetic numbering chosen by the clock
    // (numbers are unique below 16 million).
    let block = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as usize
        / 60
        % 90;
    let first = 6_000_000 + block * 110_000;
    let t = Instant::now();
    let book = gridgov_app::demo::people::sample_sheet(&grids, o.rows, first, 0)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "bench import: {} residents in {} grids, a {:.1} MiB workbook (made in {:.1} s)",
        o.rows,
        grids.len(),
        book.len() as f64 / 1024.0 / 1024.0,
        t.elapsed().as_secs_f64()
    );

    for (what, query) in [
        ("dry run", "/api/v1/people/import"),
        ("commit ", "/api/v1/people/import?commit=true"),
    ] {
        let t = Instant::now();
        let r = conn.send("POST", query, Some(&admin), Some(&book)).await?;
        let secs = t.elapsed().as_secs_f64();
        if r.status != 200 {
            bail!("{what}: {} {}", r.status, String::from_utf8_lossy(&r.body));
        }
        let v: Value = serde_json::from_slice(&r.body)?;
        ensure!(v["rejected"] == 0, "{what}: rows were rejected: {v}");
        println!(
            "  {what}: {:.1} s ({:.0} rows/s), {} to create, committed: {}",
            secs,
            o.rows as f64 / secs,
            v["created"],
            v["committed"]
        );
    }
    Ok(())
}
