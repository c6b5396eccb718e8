//! `gridgov bench people`: how long a registry search takes over HTTP, against a running demo
//! server (`gridgov demo --people 1000000` for the million residents).
//!
//! One client asks, one search at a time, as an operator's page does: the district
//! administrator and the street operator each look people up by a whole ID number, a whole
//! phone number and the start of a name (a surname and one more character), for people the
//! demo is known to hold (`demo::people::person_of`). Every ID number searched by the district
//! must be found exactly once.

use super::client::{Conn, Target, login, percentile_ms};
use anyhow::{Context, Result, bail, ensure};
use gridgov_domain::rng::SplitMix64;
use serde_json::{Value, json};
use std::time::Instant;

pub struct Options {
    pub url: String,
    pub searches: usize,
}

#[derive(Default)]
struct Series(Vec<u32>);

impl Series {
    fn print(&mut self, what: &str) {
        self.0.sort_unstable();
        let p = |q| percentile_ms(&self.0, q);
        println!(
            "  {what}: {} searches, ms p50 {:.1}, p90 {:.1}, p99 {:.1}, max {:.1}",
            self.0.len(),
            p(50.0),
            p(90.0),
            p(99.0),
            p(100.0)
        );
    }
}

async fn search(conn: &mut Conn, cookie: &str, body: &Value, into: &mut Series) -> Result<Value> {
    let bytes = serde_json::to_vec(body)?;
    let t = Instant::now();
    let r = conn
        .send("POST", "/api/v1/people/search", Some(cookie), Some(&bytes))
        .await?;
    into.0
        .push(u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX));
    if r.status != 200 {
        bail!("search {body}: {} {}", r.status, String::from_utf8_lossy(&r.body));
    }
    Ok(serde_json::from_slice(&r.body)?)
}

pub async fn run(o: Options) -> Result<()> {
    let target = Target::parse(&o.url)?;
    let mut conn = Conn::open(&target)
        .await
        .with_context(|| format!("is the demo server running at {}? (gridgov demo)", o.url))?;
    let admin = login(&mut conn, "admin").await?;
    let street = login(&mut conn, "street").await?;
    let r = conn
        .send("GET", "/api/v1/people?page_size=1", Some(&admin), None)
        .await?;
    ensure!(r.status == 200, "listing people failed ({})", r.status);
    let total = serde_json::from_slice::<Value>(&r.body)?["total"]
        .as_u64()
        .unwrap_or(0) as usize;
    ensure!(total > 0, "the demo has no residents (gridgov demo --people N)");
    println!(
        "bench people: {total} residents at {}, {} searches of each kind",
        o.url, o.searches
    );

    let mut rng = SplitMix64::new(7);
    let names = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
    let given = ["建", "秀", "国", "明", "丽", "华", "文", "志", "玉", "海"];
    let mut s = [(); 6].map(|()| Series::default());
    let started = Instant::now();
    for _ in 0..o.searches {
        let i = rng.below(total);
        let (_, id, phone) = gridgov_app::demo::people::person_of(i);
        let v = search(&mut conn, &admin, &json!({"id_number": id.digits()}), &mut s[0]).await?;
        ensure!(
            v["total"] == 1 && v["items"][0]["id_number"] == id.masked(),
            "person {i} was not found by ID number: {v}"
        );
        search(&mut conn, &admin, &json!({"phone": phone}), &mut s[1]).await?;
        let name = format!("{}{}", rng.pick(&names), rng.pick(&given));
        search(&mut conn, &admin, &json!({"name": name}), &mut s[2]).await?;
        search(&mut conn, &street, &json!({"id_number": id.digits()}), &mut s[3]).await?;
        search(&mut conn, &street, &json!({"phone": phone}), &mut s[4]).await?;
        search(&mut conn, &street, &json!({"name": name}), &mut s[5]).await?;
    }
    for (series, what) in s.iter_mut().zip([
        "district, by ID number",
        "district, by phone",
        "district, by name start",
        "street, by ID number",
        "street, by phone",
        "street, by name start",
    ]) {
        series.print(what);
    }
    println!("  in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}
