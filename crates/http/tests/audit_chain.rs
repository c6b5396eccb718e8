//! The audit chain: appends verify; editing, deleting or cutting off rows is detected and the
//! first bad row is named.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use chrono::Utc;
use common::TestApp;
use gridgov_domain::access::Scope;
use gridgov_store::audit::{self, NewEntry};
use sea_orm::ConnectionTrait;

fn entry(i: usize) -> NewEntry {
    NewEntry {
        district_code: "370105000000".into(),
        // Rows with and without a region, as older rows have none.
        region_code: i.is_multiple_of(2).then(|| format!("370105001008{i:03}")),
        at: Utc::now(),
        actor_user_id: Some(1),
        actor_name: "admin".into(),
        actor_roles: "district_admin".into(),
        ip: Some("127.0.0.1".into()),
        action: "region.update".into(),
        entity_type: "region".into(),
        entity_id: format!("370105001008{i:03}"),
        before_digest: None,
        after_digest: Some(audit::digest(&serde_json::json!({ "i": i }))),
        detail: "{}".into(),
    }
}

async fn chain(n: usize) -> TestApp {
    let t = TestApp::new().await;
    for i in 0..n {
        audit::append(t.app.db.conn(), entry(i)).await.unwrap();
    }
    let r = audit::verify(t.app.db.conn()).await.unwrap();
    assert_eq!((r.rows, r.first_break), (n as u64, None));
    t
}

async fn exec(t: &TestApp, sql: &str) {
    t.app.db.conn().execute_unprepared(sql).await.unwrap();
}

#[tokio::test]
async fn an_edited_row_is_named() {
    let t = chain(5).await;
    exec(
        &t,
        "UPDATE audit_log SET entity_id = '370105001008999' WHERE seq = 3",
    )
    .await;
    let b = audit::verify(t.app.db.conn()).await.unwrap().first_break.unwrap();
    assert_eq!(b.seq, 3);
    assert!(b.reason.contains("edited"), "{b:?}");
}

#[tokio::test]
async fn moving_a_row_to_another_region_or_none_is_detected() {
    // Hiding a row from a street's view by changing its region is an edit like any other.
    let t = chain(5).await;
    exec(&t, "UPDATE audit_log SET region_code = NULL WHERE seq = 1").await;
    let b = audit::verify(t.app.db.conn()).await.unwrap().first_break.unwrap();
    assert_eq!(b.seq, 1);
    let t = chain(5).await;
    exec(&t, "UPDATE audit_log SET region_code = '370105001' WHERE seq = 2").await;
    let b = audit::verify(t.app.db.conn()).await.unwrap().first_break.unwrap();
    assert_eq!(b.seq, 2);
}

#[tokio::test]
async fn a_rehashed_edit_breaks_the_next_link() {
    let t = chain(5).await;
    // A forger who recomputes the edited row's hash still breaks the link from row 3.
    exec(&t, "UPDATE audit_log SET hash = 'f00d' WHERE seq = 2").await;
    let b = audit::verify(t.app.db.conn()).await.unwrap().first_break.unwrap();
    assert_eq!(b.seq, 2);
}

#[tokio::test]
async fn a_deleted_row_is_named() {
    let t = chain(5).await;
    exec(&t, "DELETE FROM audit_log WHERE seq = 2").await;
    let b = audit::verify(t.app.db.conn()).await.unwrap().first_break.unwrap();
    assert_eq!(b.seq, 3, "the row after the hole");
    assert!(b.reason.contains("missing"), "{b:?}");
}

#[tokio::test]
async fn a_cut_tail_is_detected() {
    let t = chain(5).await;
    exec(&t, "DELETE FROM audit_log WHERE seq >= 4").await;
    let b = audit::verify(t.app.db.conn()).await.unwrap().first_break.unwrap();
    assert!(b.reason.contains("tail"), "{b:?}");
}

#[tokio::test]
async fn concurrent_appenders_keep_one_chain() {
    let t = TestApp::new().await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let db = t.app.db.clone();
        tasks.push(tokio::spawn(async move {
            use sea_orm::TransactionTrait;
            for j in 0..5 {
                let txn = db.conn().begin().await.unwrap();
                audit::append(&txn, entry(i * 10 + j)).await.unwrap();
                txn.commit().await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let r = audit::verify(t.app.db.conn()).await.unwrap();
    assert_eq!((r.rows, r.first_break), (40, None));
}

#[tokio::test]
async fn writes_are_audited_in_their_transaction() {
    let t = TestApp::new().await;
    let csv =
        "code,name,level,parent_code\n370105,天桥区,district,370100\n370105001,无影山街道,street,370105\n";
    gridgov_app::import::divisions(&t.app, &common::cli(), csv.as_bytes())
        .await
        .unwrap();
    assert_eq!(t.count("audit_log").await, 2);
    // A refused import writes no audit row either.
    let bad = "code,name,level,parent_code\n370105002,x,district,370105\n";
    assert!(
        gridgov_app::import::divisions(&t.app, &common::cli(), bad.as_bytes())
            .await
            .is_err()
    );
    assert_eq!(t.count("audit_log").await, 2);
    let filter = audit::Filter {
        entity_type: Some("region"),
        ..Default::default()
    };
    let (rows, total) = audit::search(
        t.app.db.conn(),
        "370105000000",
        &Scope::everything(),
        &filter,
        0,
        10,
    )
    .await
    .unwrap();
    assert_eq!(total, 2);
    assert_eq!(rows[0].region_code.as_deref(), Some("370105001000"));
    assert_eq!(rows[0].action, "region.create");
    assert_eq!(rows[0].actor_name, "cli:test");
    assert!(rows[0].after_digest.is_some());
    gridgov_app::demo::write(&t.app, &common::cli(), 1).await.unwrap();
    let r = audit::verify(t.app.db.conn()).await.unwrap();
    // demo.rebuild, the creation of the 8 demo accounts, and the holiday calendar.
    assert_eq!((r.rows, r.first_break), (2 + 1 + 8 + 1, None));
}
