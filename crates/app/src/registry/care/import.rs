//! Importing care group memberships (关爱对象) from a spreadsheet: a row names a registered
//! person by ID number, the group, and optionally the visiting cycle, the day they joined and a
//! note, checked as a single join is (`check_join`). The rest is `record_import`'s.
//!
//! The person is found by the blind index of the number (exact, never by name), among the
//! people the importer may write with `registry:care:write`; anyone else reads as not found
//! (`person_not_found`), as in the single join. A name cell, when filled in, must be the
//! person's name (`name_mismatch`): a typo in a number would otherwise put a stranger in a
//! care group. A person is in a group once: once per file, and a membership already stored
//! (ended or not) rejects the row (`duplicate_membership`). No merge: a membership's cycle
//! and end are edited on its page, with its version.

use super::{Joining, WRITE, audited, check_join, duplicate_membership, membership};
use crate::access::require;
use crate::auth::Signed;
use crate::record_import::{
    self as shared, Col, Download, ImportOptions, ImportReport, Names, Parsed, Verdict, Written,
};
use crate::registry::{ID_FIELD, number, parse_id_number, today};
use crate::sheet::{self, Column};
use crate::{App, AppError};
use chrono::NaiveDate;
use gridgov_domain::RegionCode;
use gridgov_domain::idcard::IdNumber;
use gridgov_domain::registry::{CareGroup, Kind};
use gridgov_store::care as repo;
use gridgov_store::entity::{care_membership, person};
use std::collections::{HashMap, HashSet};

/// The template's columns, in order. Rows in reports list their cells in this order.
const COLUMNS: [Col; 6] = [
    Col {
        key: "id_number",
        label: "公民身份号码",
        aliases: &["身份证号", "身份证号码", "证件号码"],
        required: true,
    },
    Col {
        key: "name",
        label: "姓名",
        aliases: &[],
        required: false,
    },
    Col {
        key: "group",
        label: "关爱类型",
        aliases: &["人群类型", "关爱对象类型", "类型"],
        required: true,
    },
    Col {
        key: "visit_days",
        label: "走访周期（天）",
        aliases: &["走访周期", "走访周期(天)"],
        required: false,
    },
    Col {
        key: "joined_on",
        label: "纳入日期",
        aliases: &["加入日期"],
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
    entity_type: "care_membership",
    action: "care.import",
    import_action: "care_memberships.import",
    import_id: "care",
};

/// A row checked on its own, before its person is looked up.
struct Join {
    id_number: IdNumber,
    name: Option<String>,
    joining: Joining,
}

/// Checks one row's cells: the ID number as a registration checks it, the rest as a join.
fn parse_row(row: &sheet::Row, at: &[Option<usize>], today: NaiveDate) -> Parsed<Join> {
    let mut r = Parsed::cells(&COLUMNS, row, at);
    let id_number = match r.given(0) {
        None => {
            r.errors
                .push(AppError::field("id_number", "required", "the person's ID number"));
            None
        }
        Some(n) => number(&Some(n), parse_id_number(today), "id_number", &mut r.errors).flatten(),
    };
    let mut errs = Vec::new();
    let visit_days = shared::parse_number(&r.cells[3], "visit_days", "invalid_number", &mut errs);
    let joined_on = r.given(4).and_then(|d| {
        let parsed = shared::parse_date(&d);
        if parsed.is_none() {
            errs.push(AppError::field(
                "joined_on",
                "invalid_date",
                "a date such as 2026-03-08",
            ));
        }
        parsed
    });
    let input = super::JoinInput {
        group: r.cells[2].clone(),
        visit_days,
        joined_on,
        note: r.given(5),
    };
    r.errors.extend(errs);
    let joining = check_join(&input, today).map_err(|es| r.add_checks(es)).ok();
    let name = r.given(1);
    r.check(id_number.zip(joining).map(|(id_number, joining)| Join {
        id_number,
        name,
        joining,
    }));
    r
}

/// A row whose person was found (in the importer's area, with the name given if any).
type Found = Parsed<(Join, person::Model)>;

/// Finds each row's person by the blind index of the number, among those the importer may
/// write with `registry:care:write`.
async fn find_people(app: &App, who: &Signed, rows: Vec<Parsed<Join>>) -> Result<Vec<Found>, AppError> {
    let index = |j: &Join| app.vault.blind.index(ID_FIELD, j.id_number.digits());
    let wanted: Vec<String> = rows
        .iter()
        .filter_map(|r| r.checked.as_ref().map(index))
        .collect();
    let district = &who.user.district_code;
    let writable = who.principal.scope(WRITE);
    let people: HashMap<String, person::Model> =
        gridgov_store::people::by_id_number_indexes(app.db.conn(), district, &wanted)
            .await?
            .into_iter()
            .filter(|p| RegionCode::parse(&p.region_code).is_ok_and(|g| writable.reaches(&g)))
            .filter_map(|p| Some((p.id_number_index.clone()?, p)))
            .collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let Parsed {
                line,
                cells,
                mut errors,
                checked,
            } = r;
            let checked = checked.and_then(|j| match people.get(&index(&j)) {
                None => {
                    errors.push(AppError::field(
                        "id_number",
                        "person_not_found",
                        "no person registered with this ID number within your area",
                    ));
                    None
                }
                Some(p) if j.name.as_ref().is_some_and(|n| *n != p.name) => {
                    errors.push(AppError::field(
                        "name",
                        "name_mismatch",
                        "the person registered with this ID number has another name",
                    ));
                    None
                }
                Some(p) => Some((j, p.clone())),
            });
            Parsed {
                line,
                cells,
                errors,
                checked,
            }
        })
        .collect())
}

/// Imports care group memberships from an uploaded file, or (without `commit`) only checks it.
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
    let today = today(app);
    let rows: Vec<Parsed<Join>> = table.rows.iter().map(|r| parse_row(r, &at, today)).collect();
    let mut rows = find_people(app, who, rows).await?;
    let key = |(j, p): &(Join, person::Model)| Some((p.id, j.joining.group));
    shared::once_per_file(&mut rows, "group", "person and group", key);
    let ids: Vec<i64> = rows
        .iter()
        .filter_map(|r| r.checked.as_ref().map(|(_, p)| p.id))
        .collect();
    let stored: HashSet<(i64, String)> = repo::memberships_of(app.db.conn(), &ids)
        .await?
        .into_iter()
        .collect();
    for r in &mut rows {
        let member = r
            .checked
            .as_ref()
            .is_some_and(|(j, p)| stored.contains(&(p.id, j.joining.group.code().to_owned())));
        if member {
            let e = duplicate_membership();
            r.reject(AppError::field("group", e.code, e.message));
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
async fn write(app: &App, who: &Signed, rows: Vec<Found>, ip: Option<String>) -> Result<(), AppError> {
    let now = app.clock.now();
    let txn = sea_orm::TransactionTrait::begin(app.db.conn()).await?;
    let mut written = Vec::with_capacity(rows.len());
    for r in rows {
        let Some((j, p)) = r.checked else { continue };
        let m = membership(who, &p, j.joining, now);
        // A membership recorded meanwhile aborts the whole commit (409).
        let id = match repo::insert(&txn, m.clone()).await {
            Err(gridgov_store::StoreError::Duplicate) => return Err(duplicate_membership()),
            other => other?,
        };
        let m = care_membership::Model { id, ..m };
        written.push(Written {
            line: r.line,
            id,
            region: m.region_code.clone(),
            after: audited(&m),
        });
    }
    shared::audit_commit(&txn, &who.actor(ip), &who.user.district_code, &NAMES, &written).await?;
    txn.commit().await?;
    Ok(())
}

pub(super) fn template_columns() -> Vec<Column> {
    shared::template_columns(&COLUMNS, |c, col| match c.key {
        "id_number" => {
            col.text = true;
            col.width = 22.0;
            col.hint = Some("已登记人员的18位公民身份号码".to_owned());
        }
        "group" => {
            col.choices = Some(CareGroup::labels().into_iter().map(str::to_owned).collect());
            col.width = 18.0;
        }
        "visit_days" => col.hint = Some("1至365天；不填按该类型的常规周期".to_owned()),
        "joined_on" => {
            col.text = true;
            col.hint = Some("如 2026-03-08；不填为今天".to_owned());
        }
        "note" => col.width = 30.0,
        _ => {}
    })
}

/// The template to fill in: a drop-down list of the groups.
pub async fn template(_app: &App, who: &Signed) -> Result<Download, AppError> {
    require(&who.principal, WRITE)?;
    let example = vec![
        String::new(),
        "王秀兰".to_owned(),
        CareGroup::ElderlyAlone.label().to_owned(),
        String::new(),
        String::new(),
        "示例行，导入前请删除".to_owned(),
    ];
    shared::template(
        "关爱对象",
        "关爱对象导入模板.xlsx",
        template_columns(),
        vec![example],
    )
    .await
}

/// The rejected rows of a check, as a workbook to fix and import again.
pub fn error_report(report: &ImportReport) -> Result<Download, AppError> {
    shared::error_report(&COLUMNS, template_columns(), report, "关爱对象导入错误报告.xlsx")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn parse(cells: &[&str]) -> Parsed<Join> {
        let headers: Vec<String> = COLUMNS.iter().map(|c| c.label.to_owned()).collect();
        let at = shared::map_columns(&COLUMNS, &headers).unwrap();
        let row = sheet::Row {
            line: 4,
            cells: cells.iter().map(|c| Ok((*c).to_owned())).collect(),
        };
        parse_row(&row, &at, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap())
    }

    /// A valid number of a woman born 1956-03-08, and the same with a wrong check digit.
    fn numbers() -> (String, String) {
        let birth = NaiveDate::from_ymd_opt(1956, 3, 8).unwrap();
        let good = IdNumber::synthetic("370105", birth, 2, gridgov_domain::idcard::Sex::Female)
            .digits()
            .to_owned();
        let last = if good.ends_with('1') { '2' } else { '1' };
        let bad = format!("{}{last}", &good[..17]);
        (good, bad)
    }

    fn codes(r: &Parsed<Join>) -> Vec<String> {
        r.errors
            .iter()
            .map(|e| format!("{}:{}", e.field, e.code))
            .collect()
    }

    #[test]
    fn a_good_row_is_checked_like_a_join() {
        let r = parse(&[&numbers().0, "", "独居老人", "", "2026/3/8", ""]);
        assert!(r.errors.is_empty(), "{:?}", codes(&r));
        let j = r.checked.unwrap();
        assert_eq!(j.joining.group, CareGroup::ElderlyAlone);
        assert_eq!(j.joining.days, CareGroup::ElderlyAlone.default_visit_days());
        assert_eq!(j.joining.joined, NaiveDate::from_ymd_opt(2026, 3, 8).unwrap());
    }

    #[test]
    fn a_bad_row_gets_every_error_at_once() {
        let r = parse(&[&numbers().1, "", "富豪", "0", "2099-01-01", ""]);
        assert_eq!(
            codes(&r),
            [
                "id_number:id_check_digit",
                "group:unknown_group",
                "visit_days:visit_cycle_out_of_range",
                "joined_on:joined_in_future",
            ]
        );
        let r = parse(&["", "", "", "每周", "昨天", ""]);
        assert_eq!(
            codes(&r),
            [
                "id_number:required",
                "visit_days:invalid_number",
                "joined_on:invalid_date",
                "group:required",
            ]
        );
        assert!(r.checked.is_none());
    }
}
