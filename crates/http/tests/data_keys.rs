//! Where the keys for personal data come from: the configuration (`GRIDGOV_DATA_KEYS`), or a
//! key file made under the data directory on first start, readable by the owner only.

mod common;

use common::TestApp;

#[tokio::test]
async fn configured_keys_seal_and_no_key_file_is_made() {
    let t = TestApp::with(|c| c.data_keys = Some(format!("k7:{}", "ab".repeat(32)))).await;
    let sealed = t
        .app
        .vault
        .keys
        .seal("person.id_number", "370105199001011234")
        .unwrap();
    assert!(sealed.starts_with("k7:"), "sealed under the configured key");
    assert!(!sealed.contains("370105"));
    assert_eq!(
        t.app.vault.keys.open("person.id_number", &sealed).unwrap(),
        "370105199001011234"
    );
    assert!(!t.app.config.data_dir.join("data.keys").exists());
}

#[tokio::test]
async fn without_configured_keys_a_private_key_file_is_made_and_reused() {
    let t = TestApp::new().await;
    let file = t.app.config.data_dir.join("data.keys");
    assert_eq!(t.app.vault.keys.current_id(), "k1");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "readable by the owner only: {mode:o}");
    }
    let sealed = t.app.vault.keys.seal("person.phone", "13800138000").unwrap();
    // Another start on the same data directory reads the same key.
    let again = gridgov_app::vault::KeyRing::load_or_create(None, &t.app.config.data_dir).unwrap();
    assert_eq!(again.open("person.phone", &sealed).unwrap(), "13800138000");
}

#[tokio::test]
async fn malformed_configured_keys_stop_the_start_with_a_code() {
    let dir = tempfile::tempdir().unwrap();
    let config = gridgov_app::Config {
        data_dir: dir.path().to_owned(),
        database_url: format!("sqlite://{}", dir.path().join("t.db").display()),
        data_keys: Some("k1:not-hex".into()),
        ..gridgov_app::Config::default()
    };
    let e = gridgov_app::App::start(config).await.unwrap_err();
    assert_eq!(e.code, "invalid_data_keys");
    assert!(!e.message.contains("not-hex"), "no key material in errors");
}

/// `gridgov keys rotate`: with a new key put first, every stored number is sealed again under
/// it, the old key can then go, and running it again finds nothing to do.
#[tokio::test]
async fn rotation_reseals_every_number_under_the_new_key() {
    use gridgov_domain::idcard::{IdNumber, Sex};
    let k1 = format!("k1:{}", "11".repeat(32));
    let k2 = format!("k2:{}", "22".repeat(32));
    let t = TestApp::with(|c| c.data_keys = Some(k1.clone())).await;
    gridgov_app::demo::write(&t.app, &common::cli(), 1).await.unwrap();
    t.login("community").await;
    let birth = chrono::NaiveDate::from_ymd_opt(1980, 5, 1).unwrap();
    let mut people = Vec::new();
    for (i, phone) in [(0u16, Some("13900139000")), (2, None), (4, Some("0531-86061234"))] {
        let number = IdNumber::synthetic("370105", birth, i, Sex::Female)
            .digits()
            .to_owned();
        let body = serde_json::json!({"name": "测试", "kind": "registered", "grid": "370105001001001",
            "id_number": number, "phone": phone});
        let (s, v, _) = t.send("POST", "/api/v1/people", Some(body), &[]).await;
        assert_eq!(s, axum::http::StatusCode::CREATED, "{v}");
        people.push((v["id"].as_i64().unwrap(), number, phone));
    }
    let body = serde_json::json!({"grid": "370105001001001", "name": "泉城副食店", "kind": "shop",
        "contact_name": "王经理", "contact_phone": "13800138000"});
    let (s, v, _) = t.send("POST", "/api/v1/organisations", Some(body), &[]).await;
    assert_eq!(s, axum::http::StatusCode::CREATED, "{v}");
    let org = v["id"].as_i64().unwrap();

    let mut config = (*t.app.config).clone();
    config.data_keys = Some(format!("{k2},{k1}"));
    let rotating = gridgov_app::App::start(config.clone()).await.unwrap();
    let r = gridgov_app::registry::rotate_keys(&rotating).await.unwrap();
    assert_eq!(
        (r.values, r.resealed),
        (6, 6),
        "five numbers of people, one organisation's phone"
    );
    let again = gridgov_app::registry::rotate_keys(&rotating).await.unwrap();
    assert_eq!((again.values, again.resealed), (6, 0), "nothing left under k1");

    // Only the new key is needed now.
    config.data_keys = Some(k2);
    let after = gridgov_app::App::start(config).await.unwrap();
    for (id, number, phone) in people {
        let p = gridgov_store::people::by_id(after.db.conn(), id)
            .await
            .unwrap()
            .unwrap();
        let sealed = p.id_number_sealed.unwrap();
        assert!(sealed.starts_with("k2:"));
        assert_eq!(
            after.vault.keys.open("person.id_number", &sealed).unwrap(),
            number
        );
        match (p.phone_sealed, phone) {
            (Some(s), Some(phone)) => {
                let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
                assert_eq!(after.vault.keys.open("person.phone", &s).unwrap(), digits);
            }
            (None, None) => {}
            other => panic!("phone {other:?}"),
        }
    }
    let o = gridgov_store::orgs::by_id(after.db.conn(), org)
        .await
        .unwrap()
        .unwrap();
    let sealed = o.contact_phone_sealed.unwrap();
    assert!(sealed.starts_with("k2:"));
    assert_eq!(
        after.vault.keys.open("org.contact_phone", &sealed).unwrap(),
        "13800138000"
    );
    let (_, v) = {
        t.login("admin").await;
        t.get("/api/v1/audit?action=keys.rotate").await
    };
    assert_eq!(v["total"], 1, "one record for the district: {v}");
}
