//! The registry's people in files over HTTP: the template, a dry run that names every bad row,
//! an all-or-nothing commit, duplicates refused or merged, CSV in UTF-8 or GBK, hostile files
//! refused whole, the error report, and exports masked by the exporter's rights and audited.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use chrono::NaiveDate;
use common::{TestApp, code};
use gridgov_app::sheet::{self, Column, Encoding};
use gridgov_domain::idcard::{IdNumber, Sex};
use serde_json::{Value, json};

/// The community account's first grid, and a grid of another street.
const GRID: &str = "370105001001001";
const OTHER_STREET_GRID: &str = "370105003001001";
const HEADER: &str = "姓名,人员类型,所属网格,公民身份号码,联系电话,现住址,备注";

/// A valid number of a man born 1980-05-17 (odd sequence numbers).
fn id_number(seq: u16) -> String {
    let birth = NaiveDate::from_ymd_opt(1980, 5, 17).unwrap();
    IdNumber::synthetic("370105", birth, seq, Sex::Male)
        .digits()
        .to_owned()
}

/// The same number with its check digit changed.
fn wrong_check_digit(n: &str) -> String {
    let last = if n.ends_with('1') { '2' } else { '1' };
    format!("{}{last}", &n[..17])
}

fn csv(rows: &[String]) -> Vec<u8> {
    let mut s = String::from(HEADER);
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    s.into_bytes()
}

async fn import(t: &TestApp, query: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let (s, body, _) = t
        .send_bytes("POST", &format!("/api/v1/people/import{query}"), bytes)
        .await;
    let v = serde_json::from_slice(&body).unwrap_or(Value::Null);
    (s, v)
}

/// Each rejected row as `line field:code`.
fn rejections(v: &Value) -> Vec<String> {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["errors"].as_array().unwrap().iter().map(move |e| {
                format!(
                    "{} {}:{}",
                    r["line"],
                    e["field"].as_str().unwrap(),
                    e["code"].as_str().unwrap()
                )
            })
        })
        .collect()
}

async fn find(t: &TestApp, number: &str) -> Value {
    let (s, v, _) = t
        .send(
            "POST",
            "/api/v1/people/search",
            Some(json!({ "id_number": number })),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

#[tokio::test]
async fn a_file_with_bad_rows_is_reported_row_by_row_and_nothing_is_written_until_it_is_fixed() {
    let t = TestApp::demo().await;
    t.login("admin").await;
    let registered = id_number(1);
    let (s, v, _) = t
        .send(
            "POST",
            "/api/v1/people",
            Some(json!({"name": "已登记", "kind": "registered", "grid": GRID, "id_number": registered})),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    t.login("community").await;
    let before = t.count("person").await;
    let good = id_number(3);
    let rows = vec![
        format!("王秀兰,户籍人口,幸福社区第1网格（{GRID}）,{good},13800138000,幸福路12号,"),
        format!("李四,流动人口,{GRID},{},,,", wrong_check_digit(&id_number(5))),
        format!("赵六,registered,{GRID},370105202502300012,,,"),
        format!("钱七,户籍人口,{OTHER_STREET_GRID},,,,"),
        format!("孙八,户籍人口,{GRID},,=HYPERLINK(\"x\"),,"),
        format!("周九,户籍人口,{GRID},{good},,,"),
        format!("吴十,户籍人口,{GRID},{registered},,,"),
        format!(",游客,,,12345,,"),
    ];
    let (s, v) = import(&t, "", csv(&rows)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total"], 8);
    assert_eq!(v["valid"], 1);
    assert_eq!(v["rejected"], 7);
    assert_eq!(v["committed"], false);
    assert_eq!(
        rejections(&v),
        vec![
            "3 id_number:id_check_digit",
            "4 id_number:id_birth_date",
            "5 grid:region_not_found",
            "6 phone:formula_not_allowed",
            "7 id_number:duplicate_in_file",
            "8 id_number:duplicate_id_number",
            "9 grid:required",
            "9 name:required",
            "9 kind:unknown_kind",
            "9 phone:invalid_phone",
        ]
    );
    // Cells come back in the template's order, for the wizard to show and edit.
    assert_eq!(v["columns"][3], "id_number");
    assert_eq!(v["rows"][0]["cells"][0], "李四");

    // A commit of the same file writes nothing and names every bad cell.
    let (s, v) = import(&t, "?commit=true", csv(&rows)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(code(&v), "import_rejected");
    assert!(
        v["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["field"] == "row 3: id_number")
    );
    assert_eq!(t.count("person").await, before);

    // Fixed: wrong rows corrected or removed.
    let fixed = vec![
        rows[0].clone(),
        format!("李四,流动人口,{GRID},{},,,", id_number(5)),
        format!("赵六,registered,{GRID},,,,"),
    ];
    let (s, v) = import(&t, "?commit=true", csv(&fixed)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["created"].as_u64(), v["committed"].as_bool()),
        (Some(3), Some(true))
    );
    assert_eq!(t.count("person").await, before + 3);
    let found = find(&t, &good).await;
    let p = &found["items"][0];
    assert_eq!(p["name"], "王秀兰");
    assert_eq!(p["grid"], GRID);
    assert_eq!(p["phone"], "138****8000");
    assert_eq!(p["sex"], "male");
    // Each person has an audit record, masked; the import one more.
    t.login("admin").await;
    let (_, v) = t.get("/api/v1/audit?action=person.import").await;
    assert_eq!(v["total"], 3, "{v}");
    let (_, v) = t.get("/api/v1/audit?action=people.import").await;
    let detail: Value = serde_json::from_str(v["items"][0]["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["created"], 3, "{v}");
}

#[tokio::test]
async fn registered_people_are_refused_or_merged_as_the_operator_chooses() {
    let t = TestApp::demo().await;
    t.login("community").await;
    let n = id_number(7);
    let first = vec![format!("王五,户籍人口,{GRID},{n},13800138000,旧地址,保留的备注")];
    let (s, v) = import(&t, "?commit=true", csv(&first)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let again = vec![format!("王五,流动人口,{GRID},{n},,新地址,")];
    let (s, v) = import(&t, "?commit=true&duplicates=refuse", csv(&again)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = import(&t, "?duplicates=merge", csv(&again)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["created"].as_u64(), v["merged"].as_u64()), (Some(0), Some(1)));
    let (s, v) = import(&t, "?commit=true&duplicates=merge", csv(&again)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let p = find(&t, &n).await["items"][0].clone();
    assert_eq!(p["kind"], "floating");
    assert_eq!(p["address"], "新地址");
    // Empty cells keep what was stored.
    assert_eq!(p["phone"], "138****8000");
    assert_eq!(p["note"], "保留的备注");
    assert_eq!(p["version"], 2);
    // The change history names what changed, not to what.
    let (s, h) = t.get(&format!("/api/v1/people/{}/history", p["id"])).await;
    assert_eq!(s, StatusCode::OK, "{h}");
    assert_eq!(h[0]["action"], "person.update");
    assert_eq!(h[0]["fields"], json!(["address", "kind"]));
    assert_eq!(h[0]["actor"], "community");
    assert_eq!(h[1]["action"], "person.import");
    assert_eq!(h.as_array().unwrap().len(), 2);
    let (s, _) = import(&t, "?duplicates=everything", csv(&again)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn gbk_csv_and_xlsx_import_alike_and_wrong_encodings_are_refused() {
    let t = TestApp::demo().await;
    t.login("community").await;
    let text = String::from_utf8(csv(&[format!("刘一,户籍人口,{GRID},{},,,", id_number(9))])).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let (s, v) = import(&t, "?encoding=utf-8", gbk.to_vec()).await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "bad_encoding"), "{v}");
    let (s, v) = import(&t, "?encoding=gbk", text.clone().into_bytes()).await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "bad_encoding"), "{v}");
    let (s, v) = import(&t, "?encoding=latin1", text.clone().into_bytes()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = import(&t, "?commit=true", gbk.to_vec()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(find(&t, &id_number(9)).await["items"][0]["name"], "刘一");

    // A workbook filled in from the template.
    let (s, bytes, h) = t
        .send_bytes("GET", "/api/v1/people/import/template", vec![])
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(h["content-type"].to_str().unwrap().contains("spreadsheetml"));
    let template = sheet::read(&bytes, Encoding::Auto).unwrap();
    assert_eq!(template.headers[..3], ["姓名*", "人员类型*", "所属网格*"]);
    let cols: Vec<Column> = template
        .headers
        .iter()
        .map(|h| Column::new(h.clone(), 10.0))
        .collect();
    let row = |name: &str, n: String| -> Vec<String> {
        vec![
            name.into(),
            "境外人员".into(),
            format!("幸福社区第1网格（{GRID}）"),
            n,
            String::new(),
            String::new(),
            String::new(),
        ]
    };
    let book = sheet::xlsx(
        "人口信息",
        &cols,
        &[row("约翰", id_number(11)), row("玛丽", id_number(13))],
        0,
    )
    .unwrap();
    let (s, v) = import(&t, "?commit=true", book).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["created"], 2);
    assert_eq!(find(&t, &id_number(13)).await["items"][0]["kind"], "overseas");
}

#[tokio::test]
async fn hostile_files_are_refused_whole() {
    let t = TestApp::demo().await;
    t.login("community").await;
    let before = t.count("person").await;
    let (s, v) = import(&t, "", b"just some words\n".to_vec()).await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "missing_columns"));
    let (s, v) = import(&t, "", b"PK\x03\x04not really a workbook".to_vec()).await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "invalid_xlsx"));
    let (s, v) = import(&t, "", vec![0xD0, 0xCF, 0x11, 0xE0, 1, 2, 3]).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_format")
    );
    let (s, v) = import(&t, "?commit=true", vec![b'a'; sheet::MAX_UPLOAD_BYTES + 1]).await;
    assert_eq!((s, code(&v)), (StatusCode::PAYLOAD_TOO_LARGE, "import_too_large"));
    assert_eq!(t.count("person").await, before);
}

#[tokio::test]
async fn the_error_report_lists_the_rejected_rows_with_their_reasons() {
    let t = TestApp::demo().await;
    t.login("community").await;
    let rows = vec![
        format!("好人,户籍人口,{GRID},{},,,", id_number(15)),
        format!("坏人,户籍人口,{GRID},{},,,", wrong_check_digit(&id_number(17))),
    ];
    let (s, bytes, h) = t
        .send_bytes("POST", "/api/v1/people/import/errors", csv(&rows))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        h["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''")
    );
    let report = sheet::read(&bytes, Encoding::Auto).unwrap();
    assert_eq!(report.headers.last().unwrap(), "错误原因");
    assert_eq!(report.rows.len(), 1);
    let cells: Vec<String> = report.rows[0].cells.iter().map(|c| c.clone().unwrap()).collect();
    assert_eq!(cells[0], "坏人");
    assert!(cells.last().unwrap().contains("第3行 公民身份号码"), "{cells:?}");
    assert!(cells.last().unwrap().contains("id_check_digit"), "{cells:?}");
}

#[tokio::test]
async fn exports_are_masked_unless_whole_numbers_are_allowed_and_every_export_is_audited() {
    let t = TestApp::demo().await;
    t.login("admin").await;
    for (grid, seq, name) in [(GRID, 19, "本网格居民"), (OTHER_STREET_GRID, 21, "别街居民")] {
        let body = json!({"name": name, "kind": "registered", "grid": grid, "id_number": id_number(seq), "phone": "13912345678"});
        let (s, v, _) = t.send("POST", "/api/v1/people", Some(body), &[]).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    t.login("gridworker").await;
    let (s, bytes, h) = t
        .send_bytes(
            "GET",
            &format!("/api/v1/people/export?format=csv&region={GRID}"),
            vec![],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(h["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.starts_with('\u{feff}'), "UTF-8 with a BOM");
    assert!(text.contains("本网格居民"));
    assert!(!text.contains("别街居民"), "outside the exporter's scope");
    assert!(text.contains("370105********"), "{text}");
    assert!(!text.contains(&id_number(19)));
    assert!(text.contains("139****5678"));
    // Grid staff may not see whole numbers; out of scope is not found.
    let (s, _, _) = t
        .send_bytes("GET", "/api/v1/people/export?whole_numbers=true", vec![])
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = t
        .send_bytes(
            "GET",
            &format!("/api/v1/people/export?region={OTHER_STREET_GRID}"),
            vec![],
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, body, _) = t
        .send_bytes("GET", "/api/v1/people/export?format=pdf", vec![])
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{}", String::from_utf8_lossy(&body));

    // A centre operator may, and the workbook then holds whole numbers.
    t.login("community").await;
    let (s, bytes, _) = t
        .send_bytes("GET", "/api/v1/people/export?whole_numbers=true", vec![])
        .await;
    assert_eq!(s, StatusCode::OK);
    let book = sheet::read(&bytes, Encoding::Auto).unwrap();
    assert_eq!(book.headers[5], "公民身份号码");
    let numbers: Vec<String> = book.rows.iter().map(|r| r.get(5).unwrap()).collect();
    assert!(numbers.contains(&id_number(19)), "{numbers:?}");

    t.login("admin").await;
    let (_, v) = t.get("/api/v1/audit?action=people.export").await;
    let details: Vec<Value> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| serde_json::from_str(i["detail"].as_str().unwrap()).unwrap())
        .collect();
    assert_eq!(details.len(), 2, "{v}");
    assert_eq!(details[0]["whole_numbers"], true);
    assert_eq!(details[1]["whole_numbers"], false);
    assert_eq!(details[1]["count"], 1);
}

#[tokio::test]
async fn a_sample_workbook_has_exactly_its_planted_mistakes() {
    let t = TestApp::demo().await;
    t.login("community").await;
    let grids = vec![GRID.to_owned(), "370105001001002".to_owned()];
    let book = gridgov_app::demo::people::sample_sheet(&grids, 30, 5_000_000, 3).unwrap();
    let (s, v) = import(&t, "", book).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["total"].as_u64(), v["valid"].as_u64()), (Some(30), Some(27)));
    let codes: Vec<String> = rejections(&v)
        .into_iter()
        .map(|r| r.split_once(' ').unwrap().1.to_owned())
        .collect();
    assert_eq!(
        codes,
        vec![
            "id_number:id_check_digit",
            "id_number:id_birth_date",
            "grid:region_not_found"
        ]
    );
}
