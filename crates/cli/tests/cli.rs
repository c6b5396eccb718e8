//! The `gridgov` binary as an operator uses it: import, export, audit verify (on SQLite; the
//! same commands take `GRIDGOV_DATABASE_URL` for PostgreSQL).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sea_orm::ConnectionTrait;
use std::process::{Command, Output};

fn gridgov(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gridgov"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("GRIDGOV_DATABASE_URL")
        .env("GRIDGOV_LOG", "warn")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test]
async fn audit_verify_names_a_row_edited_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("d.csv");
    std::fs::write(
        &csv,
        "code,name,level,parent_code\n370105,天桥区,district,370100\n370105001,无影山街道,street,370105\n370105003,天桥东街街道,street,370105\n",
    )
    .unwrap();
    let o = gridgov(dir.path(), &["import", "divisions", csv.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("3 created"), "{}", text(&o));
    let o = gridgov(dir.path(), &["audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("intact: 3 rows"), "{}", text(&o));

    let db = gridgov_store::Db::connect(&format!("sqlite://{}", dir.path().join("gridgov.db").display()))
        .await
        .unwrap();
    let id: i64 = {
        #[derive(sea_orm::FromQueryResult)]
        struct R {
            id: i64,
        }
        use sea_orm::FromQueryResult;
        let stmt = sea_orm::Statement::from_string(
            db.conn().get_database_backend(),
            "SELECT id FROM audit_log WHERE seq = 2",
        );
        R::find_by_statement(stmt)
            .one(db.conn())
            .await
            .unwrap()
            .unwrap()
            .id
    };
    db.conn()
        .execute_unprepared("UPDATE audit_log SET actor_name = 'someone else' WHERE seq = 2")
        .await
        .unwrap();
    let o = gridgov(dir.path(), &["audit", "verify"]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains(&format!("row id {id}, sequence 2")),
        "{}",
        text(&o)
    );
}

#[test]
fn export_and_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.geojson");
    std::fs::write(&bad, r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"370105"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}]}"#).unwrap();
    let o = gridgov(dir.path(), &["import", "boundaries", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(text(&o).contains("invalid_polygon"), "{}", text(&o));
    let o = gridgov(
        dir.path(),
        &["import", "boundaries", bad.to_str().unwrap(), "--crs", "bd09"],
    );
    assert!(!o.status.success());
    let o = gridgov(dir.path(), &["export", "grids", "--format", "csv"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("\u{feff}code,name"));
}

#[test]
fn create_admin_reads_the_password_from_stdin() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let run = |pw: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gridgov"))
            .arg("--data-dir")
            .arg(dir.path())
            .args([
                "user",
                "create-admin",
                "--username",
                "ops",
                "--district",
                "370105",
            ])
            .env_remove("GRIDGOV_DATABASE_URL")
            .env("GRIDGOV_LOG", "warn")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{pw}\n").as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let o = run("short");
    assert!(!o.status.success());
    assert!(text(&o).contains("password_too_short"), "{}", text(&o));
    let o = run("Tianqiao-Root#2026");
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("created district admin ops"));
    assert!(
        !text(&o).contains("Tianqiao-Root#2026"),
        "the password is never echoed"
    );
    let o = run("Tianqiao-Root#2026");
    assert!(text(&o).contains("username_taken"), "{}", text(&o));
}
