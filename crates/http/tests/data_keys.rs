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
