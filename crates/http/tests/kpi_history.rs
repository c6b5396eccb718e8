//! Indicator panels over a generated year of cases: what the counting statement returns equals
//! a count over the case rows themselves, for a street, a community and the district, and the
//! streets add up to their district.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use common::TestApp;
use gridgov_app::clock::Clock;
use gridgov_domain::kpi::KpiCounts;
use gridgov_store::entity::{case, case_whistle};
use sea_orm::EntityTrait;
use serde_json::Value;

fn within(t: Option<DateTime<Utc>>, from: DateTime<Utc>, until: DateTime<Utc>) -> bool {
    t.is_some_and(|t| t >= from && t < until)
}

/// The panel's counts in the order of `KpiCounts::COUNT_NAMES`, recounted from the rows in
/// Rust (formulas as in `gridgov_domain::kpi`).
fn recount(
    cases: &[&case::Model],
    whistles: &[&case_whistle::Model],
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> (Vec<u64>, Vec<i64>) {
    let n = |f: &dyn Fn(&case::Model) -> bool| cases.iter().filter(|c| f(c)).count() as u64;
    let reported = |c: &case::Model| within(Some(c.reported_at), from, until) && c.state != "merged";
    let accepted = |c: &case::Model| within(c.accepted_at, from, until);
    let due = |c: &case::Model| within(c.handle_due_at, from, until);
    let rated = |c: &case::Model| within(c.rated_at, from, until);
    let closed = |c: &case::Model| within(c.closed_at, from, until);
    let level = |c: &case::Model, l: &[&str]| c.resolution_level.as_deref().is_some_and(|r| l.contains(&r));
    let counts = vec![
        n(&reported),
        n(&|c| reported(c) && c.accepted_at.is_some()),
        n(&accepted),
        n(&|c| accepted(c) && c.dispatched_at.is_some()),
        n(&due),
        n(&|c| due(c) && c.handled_at.zip(c.handle_due_at).is_some_and(|(h, d)| h <= d)),
        n(&|c| due(c) && c.closed_at.is_some_and(|t| t < until)),
        n(&|c| due(c) && c.closed_at.zip(c.handle_due_at).is_some_and(|(h, d)| h <= d)),
        n(&|c| due(c) && c.rework_count > 0),
        n(&|c| due(c) && c.extended),
        n(&rated),
        n(&|c| rated(c) && matches!(c.rating.as_deref(), Some("satisfied" | "basically"))),
        n(&closed),
        n(&|c| closed(c) && level(c, &["grid"])),
        n(&|c| closed(c) && level(c, &["grid", "community"])),
    ];
    let mut minutes: Vec<i64> = whistles
        .iter()
        .filter(|w| within(w.acknowledged_at, from, until))
        .filter_map(|w| w.acknowledged_at.map(|a| (a - w.whistled_at).num_minutes()))
        .collect();
    minutes.sort_unstable();
    (counts, minutes)
}

fn counts_of(v: &Value) -> Vec<u64> {
    KpiCounts::COUNT_NAMES
        .iter()
        .map(|k| v["counts"][k].as_u64().unwrap())
        .collect()
}

fn minutes_of(v: &Value) -> Vec<i64> {
    let mut m: Vec<i64> = v["counts"]["whistle_ack_minutes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect();
    m.sort_unstable();
    m
}

#[tokio::test]
async fn panels_recount_the_history_and_streets_add_up_to_the_district() {
    let t = TestApp::demo().await;
    gridgov_app::demo::write_history(&t.app, "370105000000", 3_000, 120)
        .await
        .unwrap();
    let conn = t.app.db.conn();
    let cases = case::Entity::find().all(conn).await.unwrap();
    let whistles = case_whistle::Entity::find().all(conn).await.unwrap();
    assert!(cases.len() >= 3_000 && !whistles.is_empty());
    let (_, v) = t.get("/api/v1/regions?parent=370105000000").await;
    let streets: Vec<String> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap().to_owned())
        .collect();
    assert!(streets.len() > 1, "{v}");
    let community = cases[0].community_code.clone();

    // Each of the last three months, in Beijing time, counted from two days ago: in the first
    // minutes of a month the history has no reports in it yet, and the test would be vacuous.
    let now = (t.clock.now() - chrono::Duration::days(2)).with_timezone(&gridgov_domain::sla::shanghai());
    for back in 0..3 {
        let month = (now - chrono::Duration::days(30 * back))
            .format("%Y-%m")
            .to_string();
        let (from, until) = gridgov_app::kpi::month_window(&month).unwrap();
        let panel = |region: String| {
            let t = &t;
            let month = month.clone();
            async move {
                let (s, v) = t
                    .get(&format!("/api/v1/kpis?region={region}&month={month}"))
                    .await;
                assert_eq!(s, StatusCode::OK, "{v}");
                v
            }
        };
        let district = panel("370105000000".into()).await;
        let all_cases: Vec<&case::Model> = cases.iter().collect();
        let all_whistles: Vec<&case_whistle::Model> = whistles.iter().collect();
        let (want, minutes) = recount(&all_cases, &all_whistles, from, until);
        assert!(want[0] > 0, "the history has reports in {month}");
        assert_eq!(counts_of(&district), want, "district {month}");
        assert_eq!(minutes_of(&district), minutes, "district whistles {month}");

        let mut sum = vec![0u64; KpiCounts::COUNT_NAMES.len()];
        for s in &streets {
            let v = panel(s.clone()).await;
            let mine: Vec<&case::Model> = cases.iter().filter(|c| &c.street_code == s).collect();
            let theirs: Vec<&case_whistle::Model> = whistles.iter().filter(|w| &w.street_code == s).collect();
            let (want, minutes) = recount(&mine, &theirs, from, until);
            assert_eq!(counts_of(&v), want, "street {s} {month}");
            assert_eq!(minutes_of(&v), minutes, "street {s} whistles {month}");
            for (a, b) in sum.iter_mut().zip(counts_of(&v)) {
                *a += b;
            }
        }
        assert_eq!(
            sum,
            counts_of(&district),
            "streets add up to the district in {month}"
        );

        let v = panel(community.clone()).await;
        let mine: Vec<&case::Model> = cases.iter().filter(|c| c.community_code == community).collect();
        let theirs: Vec<&case_whistle::Model> = whistles
            .iter()
            .filter(|w| w.region_code.starts_with(&community))
            .collect();
        assert_eq!(
            counts_of(&v),
            recount(&mine, &theirs, from, until).0,
            "community {month}"
        );
    }
}
