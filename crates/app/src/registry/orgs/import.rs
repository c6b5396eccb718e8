//! Importing organisations from a spreadsheet: the columns, a row through the single create's
//! checks (`check_fields`), and the writer. The rest (reading, grids, verdict, reports) is
//! `record_import`'s.
//!
//! A unified social credit code is once per file and once per district: a code already
//! recorded rejects its row (`duplicate_uscc`). There is no merge: an organisation's record is
//! edited on its page, where its version is checked. Rows without a code (shops, `other`) are
//! never duplicates, as in the single create. The building is not imported (it is chosen on
//! the record's page, from the buildings the grid has).

use super::{Fields, WRITE, apply, audited, blank, check_fields, duplicate_uscc, or_duplicate};
use crate::access::require;
use crate::auth::Signed;
use crate::record_import::{
    self as shared, Col, Download, Grids, ImportOptions, ImportReport, Names, Parsed, Verdict, Written,
    grid_label,
};
use crate::registry::Placed;
use crate::sheet::{self, Column};
use crate::{App, AppError};
use gridgov_domain::registry::{Kind, OrgKind};
use gridgov_store::entity::organisation;
use gridgov_store::orgs as repo;
use std::collections::HashSet;

/// The template's columns, in order. Rows in reports list their cells in this order.
const COLUMNS: [Col; 9] = [
    Col {
        key: "name",
        label: "单位名称",
        aliases: &["名称", "单位名", "组织名称"],
        required: true,
    },
    Col {
        key: "kind",
        label: "单位类型",
        aliases: &["类型"],
        required: true,
    },
    Col {
        key: "grid",
        label: "所属网格",
        aliases: &["网格"],
        required: true,
    },
    Col {
        key: "uscc",
        label: "统一社会信用代码",
        aliases: &["信用代码", "社会信用代码"],
        required: false,
    },
    Col {
        key: "address",
        label: "地址",
        aliases: &["单位地址", "经营地址", "住所"],
        required: false,
    },
    Col {
        key: "contact_name",
        label: "负责人",
        aliases: &["法定代表人", "联系人"],
        required: false,
    },
    Col {
        key: "contact_phone",
        label: "联系电话",
        aliases: &["电话", "手机", "负责人电话"],
        required: false,
    },
    Col {
        key: "employees",
        label: "从业人数",
        aliases: &["员工人数", "人数"],
        required: false,
    },
    Col {
        key: "note",
        label: "备注",
        aliases: &[],
        required: false,
    },
];

const NAMES: Names = Names {
    entity_type: "organisation",
    action: "org.import",
    import_action: "organisations.import",
    import_id: "organisations",
};

type Row = Parsed<(Fields, Placed)>;

/// Checks one row: its grid among the importer's, then its cells as the single create would.
fn parse_row(row: &sheet::Row, at: &[Option<usize>], grids: &Grids) -> Row {
    let mut r = Row::cells(&COLUMNS, row, at);
    let placed = match r.given(2) {
        None => {
            r.errors
                .push(crate::AppError::field("grid", "required", "a grid is required"));
            None
        }
        Some(g) => grids.resolve(&g).map_err(|e| r.errors.push(e)).ok(),
    };
    let employees = shared::parse_number(&r.cells[7], "employees", "invalid_number", &mut r.errors);
    let input = super::OrgInput {
        grid: placed.as_ref().map(|p| p.grid.to_string()).unwrap_or_default(),
        name: r.cells[0].clone(),
        kind: r.cells[1].clone(),
        uscc: r.given(3),
        address: r.given(4),
        contact_name: r.given(5),
        contact_phone: r.given(6),
        building_id: None,
        employees,
        note: r.given(8),
    };
    // The grid was judged above, against the importer's grids.
    let fields = check_fields(&input).map_err(|errs| r.add_checks(errs)).ok();
    r.check(fields.zip(placed));
    r
}

/// Imports organisations from an uploaded file, or (without `commit`) only checks it.
pub async fn import(
    app: &App,
    who: &Signed,
    bytes: Vec<u8>,
    opts: ImportOptions,
    ip: Option<String>,
) -> Result<ImportReport, AppError> {
    require(&who.principal, WRITE)?;
    opts.refuse_only()?;
    let table = shared::read(bytes, opts.encoding).await?;
    let at = shared::map_columns(&COLUMNS, &table.headers)?;
    let grids = Grids::load(app, who, WRITE).await?;
    let mut rows: Vec<Row> = table.rows.iter().map(|r| parse_row(r, &at, &grids)).collect();
    let uscc = |(f, _): &(Fields, Placed)| f.uscc.as_ref().map(|u| u.as_str().to_owned());
    shared::once_per_file(&mut rows, "uscc", "unified social credit code", uscc);
    let wanted: Vec<String> = rows
        .iter()
        .filter_map(|r| r.checked.as_ref().and_then(uscc))
        .collect();
    let taken: HashSet<String> = repo::usccs_taken(app.db.conn(), &who.user.district_code, &wanted)
        .await?
        .into_iter()
        .collect();
    for r in &mut rows {
        if r.checked
            .as_ref()
            .and_then(uscc)
            .is_some_and(|u| taken.contains(&u))
        {
            let e = duplicate_uscc();
            r.reject(crate::AppError::field("uscc", e.code, e.message));
        }
    }
    match shared::verdict(&COLUMNS, rows, 0, &opts)? {
        Verdict::Checked(report) => Ok(report),
        Verdict::Write(report, rows) => {
            write(app, who, rows, ip).await?;
            Ok(report)
        }
    }
}

/// Writes checked rows in one transaction, each audited, and the import's record.
async fn write(app: &App, who: &Signed, rows: Vec<Row>, ip: Option<String>) -> Result<(), AppError> {
    let now = app.clock.now();
    let txn = sea_orm::TransactionTrait::begin(app.db.conn()).await?;
    let mut written = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(checked) = r.checked else { continue };
        let o = apply(app, blank(who, now), checked)?;
        // A code recorded meanwhile aborts the whole commit (409 `duplicate_uscc`).
        let id = or_duplicate(repo::insert(&txn, o.clone()).await)?;
        let o = organisation::Model { id, ..o };
        written.push(Written {
            line: r.line,
            id,
            region: o.region_code.clone(),
            after: audited(&o),
        });
    }
    shared::audit_commit(&txn, &who.actor(ip), &who.user.district_code, &NAMES, &written).await?;
    txn.commit().await?;
    Ok(())
}

/// The template's columns, with the given grids as the grid column's drop-down list.
pub(crate) fn template_columns(grids: Vec<String>) -> Vec<Column> {
    shared::template_columns(&COLUMNS, |c, col| match c.key {
        "name" | "address" | "note" => col.width = 30.0,
        "kind" => col.choices = Some(OrgKind::labels().into_iter().map(str::to_owned).collect()),
        "grid" => {
            col.choices = Some(grids.clone());
            col.width = 32.0;
        }
        "uscc" => {
            col.text = true;
            col.width = 22.0;
            col.hint = Some("18位统一社会信用代码；个体工商户、其他可不填".to_owned());
        }
        "contact_phone" => {
            col.text = true;
            col.width = 16.0;
            col.hint = Some("手机号码或带区号的固定电话".to_owned());
        }
        "employees" => col.hint = Some("0至1000000".to_owned()),
        _ => {}
    })
}

/// The template to fill in: drop-down lists of kinds and of the grids the caller may write in.
pub async fn template(app: &App, who: &Signed) -> Result<Download, AppError> {
    require(&who.principal, WRITE)?;
    let grids = shared::grid_list(app, who, WRITE).await?;
    let columns = template_columns(grids.iter().map(|(c, n)| grid_label(c, n)).collect());
    let example = vec![
        "天桥便民超市".to_owned(),
        OrgKind::Shop.label().to_owned(),
        grids.first().map(|(c, n)| grid_label(c, n)).unwrap_or_default(),
        String::new(),
        "幸福路12号".to_owned(),
        "张三".to_owned(),
        String::new(),
        "3".to_owned(),
        "示例行，导入前请删除".to_owned(),
    ];
    shared::template("单位组织", "单位组织导入模板.xlsx", columns, vec![example]).await
}

/// The rejected rows of a check, as a workbook to fix and import again.
pub fn error_report(report: &ImportReport) -> Result<Download, AppError> {
    shared::error_report(
        &COLUMNS,
        template_columns(Vec::new()),
        report,
        "单位组织导入错误报告.xlsx",
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use gridgov_domain::uscc::Uscc;
    use std::collections::HashMap;

    fn grids() -> Grids {
        let codes: HashMap<String, String> = [("370105001001001".to_owned(), "幸福路网格".to_owned())].into();
        let names = [("幸福路网格".to_owned(), vec!["370105001001001".to_owned()])].into();
        Grids { codes, names }
    }

    fn parse(cells: &[&str]) -> Row {
        let headers: Vec<String> = COLUMNS.iter().map(|c| c.label.to_owned()).collect();
        let at = shared::map_columns(&COLUMNS, &headers).unwrap();
        let row = sheet::Row {
            line: 2,
            cells: cells.iter().map(|c| Ok((*c).to_owned())).collect(),
        };
        parse_row(&row, &at, &grids())
    }

    fn codes(r: &Row) -> Vec<String> {
        r.errors
            .iter()
            .map(|e| format!("{}:{}", e.field, e.code))
            .collect()
    }

    #[test]
    fn a_good_row_is_checked_like_a_created_organisation() {
        let u = Uscc::synthetic("370105", 3);
        let r = parse(&[
            "天桥机械厂",
            "企业",
            "幸福路网格",
            u.as_str(),
            "",
            "李四",
            "13800138000",
            "120",
            "",
        ]);
        assert!(r.errors.is_empty(), "{:?}", codes(&r));
        let (f, placed) = r.checked.unwrap();
        assert_eq!(f.kind, OrgKind::Enterprise);
        assert_eq!(f.employees, Some(120));
        assert_eq!(placed.grid.as_str(), "370105001001001");
    }

    #[test]
    fn a_bad_row_gets_every_error_at_once() {
        let r = parse(&["", "企业", "370105009001001", "", "", "", "12345", "很多", ""]);
        assert_eq!(
            codes(&r),
            [
                "grid:region_not_found",
                "employees:invalid_number",
                "name:required",
                "uscc:required",
                "contact_phone:invalid_phone",
            ]
        );
        assert!(r.checked.is_none());
    }
}
