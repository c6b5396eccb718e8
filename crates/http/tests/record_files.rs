//! The registry's other records in files over HTTP — organisations, facilities, care group
//! memberships, buildings and houses: the template, a dry run that names every bad row by line and code, an
//! all-or-nothing commit audited row by row, rows outside the importer's area, formulas, GBK
//! CSV, the error report, and the write permission of each record type.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use chrono::NaiveDate;
use common::{TestApp, code};
use gridgov_app::sheet::{self, Encoding};
use gridgov_domain::idcard::{IdNumber, Sex};
use gridgov_domain::uscc::Uscc;
use serde_json::{Value, json};

/// The community account's first grid, and a grid of another street.
const GRID: &str = "370105001001001";
const OTHER_STREET_GRID: &str = "370105003001001";

fn csv(header: &str, rows: &[String]) -> Vec<u8> {
    let mut s = String::from(header);
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    s.into_bytes()
}

fn gbk(bytes: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(bytes).unwrap();
    encoding_rs::GBK.encode(text).0.into_owned()
}

async fn import(t: &TestApp, what: &str, query: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let (s, body, _) = t
        .send_bytes("POST", &format!("/api/v1/{what}/import{query}"), bytes)
        .await;
    (s, serde_json::from_slice(&body).unwrap_or(Value::Null))
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

/// The audit records of an action.
async fn audited(t: &TestApp, action: &str) -> Vec<Value> {
    t.login("admin").await;
    let (s, v) = t.get(&format!("/api/v1/audit?action={action}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"].as_array().unwrap().clone()
}

/// A workbook with one data row whose `formula_at` cell is a formula (with a cached value that
/// looks harmless).
fn workbook_with_formula(headers: &[&str], row: &[&str], formula_at: usize) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in row.iter().enumerate() {
        if c == formula_at {
            let f = rust_xlsxwriter::Formula::new(format!("=\"{v}\"")).set_result(*v);
            sheet.write_formula(1, c as u16, f).unwrap();
        } else {
            sheet.write_string(1, c as u16, *v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// Every import endpoint needs its record type's write permission: the leader reads the
/// registry but writes none of it, a department account has no registry rights at all.
#[tokio::test]
async fn every_import_needs_its_write_permission() {
    let t = TestApp::demo().await;
    for what in ["organisations", "facilities", "care", "buildings", "houses"] {
        for role in ["leader", "dept", "resident"] {
            t.login(role).await;
            let (s, _, _) = t
                .send_bytes("GET", &format!("/api/v1/{what}/import/template"), vec![])
                .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{role} {what} template");
            for path in ["import?commit=true", "import/errors"] {
                let (s, _, _) = t
                    .send_bytes("POST", &format!("/api/v1/{what}/{path}"), b"x\n".to_vec())
                    .await;
                assert_eq!(s, StatusCode::FORBIDDEN, "{role} {what} {path}");
            }
        }
        t.login("gridworker").await;
        let (s, bytes, h) = t
            .send_bytes("GET", &format!("/api/v1/{what}/import/template"), vec![])
            .await;
        assert_eq!(s, StatusCode::OK, "{what}");
        assert!(h["content-type"].to_str().unwrap().contains("spreadsheetml"));
        assert!(
            h["content-disposition"]
                .to_str()
                .unwrap()
                .contains("filename*=UTF-8''")
        );
        let template = sheet::read(&bytes, Encoding::Auto).unwrap();
        assert!(
            template.headers.iter().any(|h| h.ends_with('*')),
            "required columns are marked: {:?}",
            template.headers
        );
        // Merging is for people only.
        let (s, v) = import(&t, what, "?duplicates=merge", bytes).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        assert_eq!(common::field_codes(&v), ["merge_not_supported"]);
    }
}

const ORG_HEADER: &str = "单位名称,单位类型,所属网格,统一社会信用代码,地址,负责人,联系电话,从业人数,备注";

#[tokio::test]
async fn organisations_are_checked_row_by_row_then_written_whole_and_audited() {
    let t = TestApp::demo().await;
    let stored = Uscc::synthetic("370105", 1);
    let (s, v, _) = t
        .send(
            "POST",
            "/api/v1/organisations",
            Some(json!({"grid": GRID, "name": "已登记", "kind": "enterprise", "uscc": stored.as_str()})),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    t.login("community").await;
    let before = t.count("organisation").await;
    let (a, b) = (Uscc::synthetic("370105", 2), Uscc::synthetic("370105", 3));
    let mut bad_code = b.as_str().to_owned();
    bad_code.replace_range(17.., if bad_code.ends_with('0') { "1" } else { "0" });
    let rows = vec![
        format!(
            "天桥机械厂,企业,幸福社区第1网格（{GRID}）,{},幸福路1号,张三,13800138000,120,",
            a.as_str()
        ),
        format!("便民超市,个体工商户,{GRID},,,,,,"),
        format!("学校,学校,{GRID},{bad_code},,,,,"),
        format!("别街公司,企业,{OTHER_STREET_GRID},{},,,,,", b.as_str()),
        format!("同码公司,企业,{GRID},{},,,,,", a.as_str()),
        format!("老公司,企业,{GRID},{},,,,,", stored.as_str()),
        format!("公式店,个体工商户,{GRID},,,,=1+1,,"),
        format!(",工厂,,,,,12345,很多,"),
    ];
    let (s, v) = import(&t, "organisations", "", csv(ORG_HEADER, &rows)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["total"].as_u64(), v["valid"].as_u64()), (Some(8), Some(2)));
    assert_eq!(v["committed"], false);
    assert_eq!(
        rejections(&v),
        [
            "4 uscc:uscc_check",
            "5 grid:region_not_found",
            "6 uscc:duplicate_in_file",
            "7 uscc:duplicate_uscc",
            "8 contact_phone:formula_not_allowed",
            "9 grid:required",
            "9 employees:invalid_number",
            "9 name:required",
            "9 kind:unknown_kind",
            "9 contact_phone:invalid_phone",
        ]
    );
    assert_eq!(v["columns"][3], "uscc");
    assert_eq!(v["rows"][0]["cells"][0], "学校");

    // The commit of the same file writes nothing and names every bad cell.
    let (s, v) = import(&t, "organisations", "?commit=true", csv(ORG_HEADER, &rows)).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "import_rejected")
    );
    assert!(
        v["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["field"] == "row 5: grid")
    );
    assert_eq!(t.count("organisation").await, before);

    // The error report: the rejected rows with line, column, reason and code.
    let (s, bytes, _) = t
        .send_bytes(
            "POST",
            "/api/v1/organisations/import/errors",
            csv(ORG_HEADER, &rows),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let report = sheet::read(&bytes, Encoding::Auto).unwrap();
    assert_eq!(report.headers.last().unwrap(), "错误原因");
    assert_eq!(report.rows.len(), 6);
    let why = report.rows[0].get(report.headers.len() - 1).unwrap();
    assert!(
        why.contains("第4行 统一社会信用代码") && why.contains("uscc_check"),
        "{why}"
    );

    // Only the good rows, as GBK: written whole, the phone sealed and shown masked.
    let (s, v) = import(
        &t,
        "organisations",
        "?commit=true",
        gbk(&csv(ORG_HEADER, &rows[..2])),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["created"].as_u64(), v["committed"].as_bool()),
        (Some(2), Some(true))
    );
    assert_eq!(t.count("organisation").await, before + 2);
    let (_, list) = t.get(&format!("/api/v1/organisations?uscc={}", a.as_str())).await;
    let o = &list["items"][0];
    assert_eq!(
        (o["name"].as_str(), o["kind"].as_str()),
        (Some("天桥机械厂"), Some("enterprise"))
    );
    assert_eq!(o["contact_phone"], "138****8000");
    assert_eq!(o["employees"], 120);
    // Each organisation is audited like a created one (its history shows it), and the import
    // once more with its counts; the log holds no whole phone number.
    let (s, h) = t.get(&format!("/api/v1/organisations/{}/history", o["id"])).await;
    assert_eq!(s, StatusCode::OK, "{h}");
    assert_eq!(h[0]["action"], "org.import");
    assert_eq!(audited(&t, "org.import").await.len(), 2);
    let imports = audited(&t, "organisations.import").await;
    let detail: Value = serde_json::from_str(imports[0]["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["created"], 2);
    // A second run of the same file: every row already stored or refused.
    t.login("community").await;
    let (s, v) = import(&t, "organisations", "", csv(ORG_HEADER, &rows[..1])).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(rejections(&v), ["2 uscc:duplicate_uscc"]);
}

#[tokio::test]
async fn an_organisation_workbook_with_a_formula_is_rejected_and_hostile_files_never_fail() {
    let t = TestApp::demo().await;
    t.login("community").await;
    let headers: Vec<&str> = ORG_HEADER.split(',').collect();
    let book = workbook_with_formula(&headers, &["小店", "个体工商户", GRID, "", "", "", "", "", ""], 0);
    let (s, v) = import(&t, "organisations", "?commit=true", book).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "import_rejected"),
        "{v}"
    );
    assert_eq!(v["error"]["fields"][0]["field"], "row 2: name");
    assert_eq!(v["error"]["fields"][0]["code"], "formula_not_allowed");
    for (bytes, status, c) in [
        (
            b"just some words\n".to_vec(),
            StatusCode::BAD_REQUEST,
            "missing_columns",
        ),
        (
            b"PK\x03\x04not a workbook".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_xlsx",
        ),
        (
            vec![0xD0, 0xCF, 0x11, 0xE0, 1, 2],
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_format",
        ),
        (
            vec![0xFF, 0xFE, 0x00, 0xD8, 0x81],
            StatusCode::BAD_REQUEST,
            "bad_encoding",
        ),
    ] {
        for what in ["organisations", "facilities", "care", "buildings", "houses"] {
            let (s, v) = import(&t, what, "", bytes.clone()).await;
            assert_eq!((s, code(&v)), (status, c), "{what}: {v}");
        }
    }
    assert_eq!(t.count("organisation").await, 0);
}

const FACILITY_HEADER: &str = "部件类型,部件编码,经度,纬度,坐标系,所属网格,状态,权属部门,备注";

#[tokio::test]
async fn facilities_are_placed_by_their_point_or_grid_within_the_importers_area() {
    let t = TestApp::demo().await;
    let (lon, lat) = t.centre_of(GRID).await;
    let (out_lon, out_lat) = t.centre_of(OTHER_STREET_GRID).await;
    let (s, v, _) = t
        .send(
            "POST",
            "/api/v1/facilities",
            Some(json!({"kind": "street_lamp", "code": "LD-0", "lon": lon, "lat": lat})),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    t.login("community").await;
    let before = t.count("facility").await;
    let rows = vec![
        format!("路灯,LD-1,{lon},{lat},,,完好,区城管局,"),
        format!("井盖,,{out_lon},{out_lat},wgs84,{GRID},损坏,,named grid wins"),
        format!("监控探头,JK-1,{out_lon},{out_lat},,,,,"),
        format!("路灯,LD-1,{lon},{lat},,,,,"),
        format!("路灯,LD-0,{lon},{lat},,,,,"),
        format!("路灯,LD-2,=117,{lat},,,,,"),
        format!("飞碟,L D,东经,{lat},bd09,月亮网格,坏了,,"),
        format!("路灯,,100.0,10.0,,,,,"),
    ];
    let (s, v) = import(&t, "facilities", "", csv(FACILITY_HEADER, &rows)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["total"].as_u64(), v["valid"].as_u64()), (Some(8), Some(2)));
    assert_eq!(
        rejections(&v),
        [
            "4 grid:region_not_found",
            "5 code:duplicate_in_file",
            "6 code:duplicate_facility_code",
            "7 lon:formula_not_allowed",
            "8 grid:region_not_found",
            "8 lon:invalid_coordinate",
            "8 kind:unknown_kind",
            "8 code:facility_code_characters",
            "8 crs:invalid_crs",
            "8 state:unknown_state",
            "9 lon,lat:outside_district",
        ]
    );
    let (s, v) = import(&t, "facilities", "?commit=true", csv(FACILITY_HEADER, &rows)).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "import_rejected")
    );
    assert_eq!(t.count("facility").await, before);

    let (s, v) = import(
        &t,
        "facilities",
        "?commit=true",
        gbk(&csv(FACILITY_HEADER, &rows[..2])),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["created"], 2);
    assert_eq!(t.count("facility").await, before + 2);
    let (_, list) = t
        .get(&format!("/api/v1/facilities?region={GRID}&state=damaged"))
        .await;
    let f = &list["items"][0];
    assert_eq!(
        (f["kind"].as_str(), f["grid"].as_str()),
        (Some("manhole_cover"), Some(GRID))
    );
    assert_eq!(f["lon"].as_f64(), Some(out_lon));
    assert_eq!(audited(&t, "facility.import").await.len(), 2);
    assert_eq!(audited(&t, "facilities.import").await.len(), 1);

    // The error report of a file with a formula.
    t.login("community").await;
    let (s, bytes, _) = t
        .send_bytes(
            "POST",
            "/api/v1/facilities/import/errors",
            csv(FACILITY_HEADER, &rows[5..6]),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let report = sheet::read(&bytes, Encoding::Auto).unwrap();
    let why = report.rows[0].get(report.headers.len() - 1).unwrap();
    assert!(
        why.contains("第2行 经度") && why.contains("formula_not_allowed"),
        "{why}"
    );
}

const CARE_HEADER: &str = "公民身份号码,姓名,关爱类型,走访周期（天）,纳入日期,备注";

/// A valid number of a woman born 1950-01-02.
fn id_number(seq: u16) -> String {
    let birth = NaiveDate::from_ymd_opt(1950, 1, 2).unwrap();
    IdNumber::synthetic("370105", birth, seq, Sex::Female)
        .digits()
        .to_owned()
}

#[tokio::test]
async fn care_members_are_found_by_id_number_within_the_importers_area() {
    let t = TestApp::demo().await;
    for (seq, name, grid) in [
        (2, "王秀兰", GRID),
        (4, "李桂英", GRID),
        (6, "别街人", OTHER_STREET_GRID),
    ] {
        let body = json!({"name": name, "kind": "registered", "grid": grid, "id_number": id_number(seq)});
        let (s, v, _) = t.send("POST", "/api/v1/people", Some(body), &[]).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let (_, found, _) = t
        .send(
            "POST",
            "/api/v1/people/search",
            Some(json!({"id_number": id_number(4)})),
            &[],
        )
        .await;
    let li = found["items"][0]["id"].as_i64().unwrap();
    let (s, v, _) = t
        .send(
            "POST",
            &format!("/api/v1/people/{li}/care"),
            Some(json!({"group": "disabled"})),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    t.login("gridworker").await;
    let before = t.count("care_membership").await;
    let rows = vec![
        format!("{},王秀兰,独居老人,,2026-01-05,", id_number(2)),
        format!("{},,低保对象,30,,", id_number(4)),
        format!("{},,独居老人,,,", id_number(2)),
        format!("{},,残疾人,,,", id_number(4)),
        format!("{},,独居老人,,,", id_number(6)),
        format!("{},,独居老人,,,", id_number(8)),
        format!("{},张三,空巢老人,,,", id_number(2)),
        format!("{},,=A1,,,", id_number(2)),
        format!("370105,,富豪,0,明天,"),
    ];
    let (s, v) = import(&t, "care", "", csv(CARE_HEADER, &rows)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["total"].as_u64(), v["valid"].as_u64()), (Some(9), Some(2)));
    assert_eq!(
        rejections(&v),
        [
            "4 group:duplicate_in_file",
            "5 group:duplicate_membership",
            "6 id_number:person_not_found",
            "7 id_number:person_not_found",
            "8 name:name_mismatch",
            "9 group:formula_not_allowed",
            "10 id_number:id_length",
            "10 joined_on:invalid_date",
            "10 group:unknown_group",
            "10 visit_days:visit_cycle_out_of_range",
        ]
    );
    let (s, v) = import(&t, "care", "?commit=true", csv(CARE_HEADER, &rows)).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "import_rejected")
    );
    assert_eq!(t.count("care_membership").await, before);

    let (s, v) = import(&t, "care", "?commit=true", gbk(&csv(CARE_HEADER, &rows[..2]))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["created"], 2);
    assert_eq!(t.count("care_membership").await, before + 2);
    let (_, list) = t
        .get(&format!("/api/v1/care?region={GRID}&group=low_income"))
        .await;
    let m = &list["items"][0];
    assert_eq!(
        (m["person_id"].as_i64(), m["visit_days"].as_i64()),
        (Some(li), Some(30))
    );
    let (_, list) = t
        .get(&format!("/api/v1/care?region={GRID}&group=elderly_alone"))
        .await;
    assert_eq!(list["items"][0]["joined_on"], "2026-01-05");
    assert_eq!(audited(&t, "care.import").await.len(), 2);
    let imports = audited(&t, "care_memberships.import").await;
    let detail: Value = serde_json::from_str(imports[0]["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["created"], 2);
}

const BUILDING_HEADER: &str = "楼栋名称,所属网格,地址,层数,单元数,经度,纬度,坐标系,备注";
const HOUSE_HEADER: &str = "所属网格,楼栋,单元,楼层,房号,房屋用途,产权性质,使用状况,建筑面积,备注";

#[tokio::test]
async fn buildings_then_their_houses_are_imported_by_name_within_the_importers_area() {
    let t = TestApp::demo().await;
    let body = json!({"grid": GRID, "name": "老楼", "floors": 6, "units": 2});
    let (s, v, _) = t.send("POST", "/api/v1/buildings", Some(body), &[]).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    t.login("gridworker").await;
    let before = t.count("building").await;
    let rows = vec![
        format!("新1号楼,幸福社区第1网格（{GRID}）,幸福路1号,6,2,,,,"),
        format!("新2号楼,{GRID},,18,3,116.99,36.67,gcj02,"),
        format!("新1号楼,{GRID},,6,2,,,,"),
        format!("老楼,{GRID},,6,2,,,,"),
        format!("别街楼,{OTHER_STREET_GRID},,6,2,,,,"),
        format!("公式楼,{GRID},,=6,2,,,,"),
        format!(",,,0,六,116.99,,,"),
    ];
    let (s, v) = import(&t, "buildings", "", csv(BUILDING_HEADER, &rows)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["total"].as_u64(), v["valid"].as_u64()), (Some(7), Some(2)));
    assert_eq!(
        rejections(&v),
        [
            "4 name:duplicate_in_file",
            "5 name:duplicate_building",
            "6 grid:region_not_found",
            "7 floors:formula_not_allowed",
            "8 grid:required",
            "8 units:invalid_number",
            "8 name:required",
            "8 floors:floors_out_of_range",
            "8 lat:required",
        ]
    );
    let (s, v) = import(&t, "buildings", "?commit=true", csv(BUILDING_HEADER, &rows)).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "import_rejected")
    );
    assert_eq!(t.count("building").await, before);
    let (s, v) = import(
        &t,
        "buildings",
        "?commit=true",
        gbk(&csv(BUILDING_HEADER, &rows[..2])),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["created"], 2);
    assert_eq!(t.count("building").await, before + 2);

    // Their houses: the building by name (or the template's label), unit and floor within it.
    let (_, list) = t
        .get(&format!("/api/v1/buildings?region={GRID}&name=新2号楼"))
        .await;
    let tall = list["items"][0]["id"].as_i64().unwrap();
    assert_eq!(list["items"][0]["floors"], 18);
    let (s, bytes, _) = t
        .send_bytes("GET", "/api/v1/houses/import/template", vec![])
        .await;
    assert_eq!(s, StatusCode::OK);
    let book = sheet::read(&bytes, Encoding::Auto).unwrap();
    assert_eq!(book.headers[1], "楼栋*");
    let before = t.count("house").await;
    let rows = vec![
        format!(",新1号楼,1,1,101,住宅,私产,自住,89.5,"),
        format!(",新2号楼（编号{tall}）,3,18,1801,商业,公产,出租,,"),
        format!(",新1号楼,1,2,101,住宅,私产,自住,,"),
        format!(",新1号楼,3,1,102,住宅,私产,自住,,"),
        format!(",别街楼,1,1,101,住宅,私产,自住,,"),
        format!(",{tall},1,1,=1,住宅,私产,自住,,"),
        format!("月亮网格,,一,1,2 01,宫殿,,自住,-5,"),
    ];
    let (s, v) = import(&t, "houses", "", csv(HOUSE_HEADER, &rows)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["total"].as_u64(), v["valid"].as_u64()), (Some(7), Some(2)));
    assert_eq!(
        rejections(&v),
        [
            "4 room:duplicate_in_file",
            "5 unit:unit_out_of_range",
            "6 building:building_not_found",
            "7 room:formula_not_allowed",
            "8 grid:region_not_found",
            "8 building:required",
            "8 unit:invalid_number",
            "8 room:room_characters",
            "8 use:unknown_use",
            "8 ownership:required",
            "8 area:area_out_of_range",
        ]
    );
    let (s, v) = import(&t, "houses", "?commit=true", csv(HOUSE_HEADER, &rows)).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "import_rejected")
    );
    assert_eq!(t.count("house").await, before);
    let (s, v) = import(&t, "houses", "?commit=true", gbk(&csv(HOUSE_HEADER, &rows[..2]))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(t.count("house").await, before + 2);
    let (_, list) = t.get(&format!("/api/v1/houses?building_id={tall}")).await;
    let h = &list["items"][0];
    assert_eq!(
        (h["unit"].as_i64(), h["floor"].as_i64(), h["room"].as_str()),
        (Some(3), Some(18), Some("1801"))
    );
    assert_eq!(
        (h["use"].as_str(), h["occupancy"].as_str()),
        (Some("commercial"), Some("rented"))
    );
    // The same rooms again: already recorded.
    let (s, v) = import(&t, "houses", "", csv(HOUSE_HEADER, &rows[..1])).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(rejections(&v), ["2 room:duplicate_house"]);
    let (s, bytes, _) = t
        .send_bytes(
            "POST",
            "/api/v1/houses/import/errors",
            csv(HOUSE_HEADER, &rows[..1]),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let report = sheet::read(&bytes, Encoding::Auto).unwrap();
    let why = report.rows[0].get(report.headers.len() - 1).unwrap();
    assert!(
        why.contains("第2行 房号") && why.contains("duplicate_house"),
        "{why}"
    );
    assert_eq!(audited(&t, "house.import").await.len(), 2);
    assert_eq!(audited(&t, "building.import").await.len(), 2);
    assert_eq!(audited(&t, "houses.import").await.len(), 1);
}

#[tokio::test]
async fn sample_workbooks_have_exactly_their_planted_mistakes() {
    let t = TestApp::demo().await;
    t.login("community").await;
    let grids = vec![GRID.to_owned(), "370105001001002".to_owned()];
    let book = gridgov_app::demo::samples::org_sheet(&grids, 30, 1, 3).unwrap();
    let (s, v) = import(&t, "organisations", "", book.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["total"].as_u64(), v["valid"].as_u64()), (Some(30), Some(27)));
    let codes: Vec<String> = rejections(&v)
        .into_iter()
        .map(|r| r.split_once(' ').unwrap().1.to_owned())
        .collect();
    assert_eq!(
        codes,
        [
            "uscc:uscc_check",
            "grid:region_not_found",
            "contact_phone:invalid_phone"
        ]
    );
    let book = gridgov_app::demo::samples::facility_sheet(&grids, 30, 1, 3).unwrap();
    let (s, v) = import(&t, "facilities", "", book).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["total"].as_u64(), v["valid"].as_u64()), (Some(30), Some(27)));
    let codes: Vec<String> = rejections(&v)
        .into_iter()
        .map(|r| r.split_once(' ').unwrap().1.to_owned())
        .collect();
    assert_eq!(
        codes,
        [
            "code:facility_code_characters",
            "lon:invalid_coordinate",
            "grid:region_not_found"
        ]
    );
    // Without mistakes a sample commits whole.
    let book = gridgov_app::demo::samples::facility_sheet(&grids, 30, 100, 0).unwrap();
    let (s, v) = import(&t, "facilities", "?commit=true", book).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["created"], 30);
}
