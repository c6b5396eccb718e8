//! The SLA ticker: two server processes ticking the same database mark and escalate each case
//! exactly once, and a restart misses nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use axum::http::StatusCode;
use chrono::Duration;
use common::TestApp;
use gridgov_app::App;
use gridgov_app::sla::{TickReport, tick};
use sea_orm::ConnectionTrait;
use serde_json::json;

const GRID: &str = "370105001001001";

async fn category(t: &TestApp, code: &str) -> i64 {
    let (_, v) = t.get("/api/v1/case-categories").await;
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

async fn report(t: &TestApp, category: i64, key: &str) -> i64 {
    let (lon, lat) = t.centre_of(GRID).await;
    let body = json!({"category_id": category, "description": "楼道堆放杂物，存在消防隐患", "lon": lon, "lat": lat, "idempotency_key": key});
    let (s, v, _) = t.send("POST", "/api/v1/cases", Some(body), &[]).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["case"]["id"].as_i64().unwrap()
}

/// A second server process on the same database and clock.
async fn second_process(t: &TestApp) -> App {
    App::start_with_clock((*t.app.config).clone(), t.clock.clone())
        .await
        .unwrap()
}

fn sum(a: TickReport, b: TickReport) -> TickReport {
    TickReport {
        warned: a.warned + b.warned,
        overdue: a.overdue + b.overdue,
        escalated: a.escalated + b.escalated,
    }
}

async fn events(t: &TestApp, action: &str) -> i64 {
    #[derive(sea_orm::FromQueryResult)]
    struct N {
        n: i64,
    }
    let sql = format!("SELECT COUNT(*) AS n FROM case_event WHERE action = '{action}'");
    let stmt = sea_orm::Statement::from_string(t.app.db.conn().get_database_backend(), sql);
    use sea_orm::FromQueryResult;
    N::find_by_statement(stmt)
        .one(t.app.db.conn())
        .await
        .unwrap()
        .unwrap()
        .n
}

#[tokio::test]
async fn two_tickers_race_and_each_case_is_marked_once() {
    let t = TestApp::demo().await;
    let (fire, gas) = (
        category(&t, "safety.fire").await,
        category(&t, "safety.gas").await,
    );
    // 燃气隐患 without automatic escalation, for contrast.
    t.app
        .db
        .conn()
        .execute_unprepared(&format!(
            "UPDATE case_category SET auto_escalate = false WHERE id = {gas}"
        ))
        .await
        .unwrap();
    t.login("gridworker").await;
    for i in 0..6 {
        report(&t, fire, &format!("fire-race-{i:04}")).await;
    }
    for i in 0..2 {
        report(&t, gas, &format!("gas-race-{i:04}")).await;
    }
    let other = second_process(&t).await;
    // Both categories give 30 natural minutes to accept: the warning comes at 24.
    t.clock.advance(Duration::minutes(25));
    let (a, b) = tokio::join!(tick(&t.app), tick(&other));
    let first = sum(a.unwrap(), b.unwrap());
    assert_eq!(
        first,
        TickReport {
            warned: 8,
            overdue: 0,
            escalated: 0
        }
    );
    t.clock.advance(Duration::minutes(6));
    let (a, b) = tokio::join!(tick(&t.app), tick(&other));
    let second = sum(a.unwrap(), b.unwrap());
    assert_eq!(
        second,
        TickReport {
            warned: 0,
            overdue: 8,
            escalated: 6
        }
    );
    let (a, b) = tokio::join!(tick(&t.app), tick(&other));
    assert_eq!(
        sum(a.unwrap(), b.unwrap()),
        TickReport::default(),
        "nothing twice"
    );
    assert_eq!(events(&t, "sla_warning").await, 8);
    assert_eq!(events(&t, "auto_escalate").await, 6);
    assert_eq!(events(&t, "sla_overdue").await, 2);

    // The escalated fire cases now wait at the street centre; the gas ones stayed.
    t.login("street").await;
    let (_, v) = t.get("/api/v1/cases?inbox=mine").await;
    assert_eq!(v["total"], 6, "{v}");
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["sla"] == "overdue")
    );
    let r = gridgov_store::audit::verify(t.app.db.conn()).await.unwrap();
    assert!(r.first_break.is_none(), "{r:?}");
}

#[tokio::test]
async fn what_fell_due_while_no_server_ran_is_caught_at_the_next_start() {
    let t = TestApp::demo().await;
    let fire = category(&t, "safety.fire").await;
    t.login("gridworker").await;
    let id = report(&t, fire, "fire-while-down").await;
    t.clock.advance(Duration::hours(3));
    let restarted = second_process(&t).await;
    let r = tick(&restarted).await.unwrap();
    assert_eq!(
        r,
        TickReport {
            warned: 1,
            overdue: 1,
            escalated: 1
        }
    );
    t.login("community").await;
    assert_eq!(t.get(&format!("/api/v1/cases/{id}")).await.0, StatusCode::OK);
    // A user's action after the mark keeps it (the mark is not overwritten with a stale value).
    t.login("street").await;
    let (_, d) = t.get(&format!("/api/v1/cases/{id}")).await;
    let (s, v, _) = t
        .send(
            "POST",
            &format!("/api/v1/cases/{id}/actions"),
            Some(json!({"action": "accept", "version": d["case"]["version"]})),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(tick(&t.app).await.unwrap(), TickReport::default());
}
