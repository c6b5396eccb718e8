//! Exporting care groups' members: the list's filter (group, region, person, overdue, whether
//! those who left too) without paging, in the exporter's reading scope, the most urgent first,
//! in the import template's columns (ID number, name, group, cycle, joined), so an export with
//! whole numbers imports again, and then what the registry reckons: the grid, the day the person
//! left, the last visit, the next due day and whether it is overdue (Shanghai's today).
//!
//! The ID number is personal: masked unless the exporter asks for whole numbers and holds
//! `registry:person:reveal` (403 `forbidden` otherwise).

use super::{CareQuery, READ, filter, import::template_columns};
use crate::auth::Signed;
use crate::record_export::{self as shared, Format, GridNames, Kind, MAX_EXPORT, Rows, cell, label, number};
use crate::record_import::Download;
use crate::registry::{ID_FIELD, today};
use crate::{App, AppError};
use chrono::NaiveDate;
use gridgov_domain::registry::{CareGroup, visit_overdue};
use gridgov_store::care as repo;
use gridgov_store::entity::{care_membership, person};
use std::collections::HashMap;

const KIND: Kind = Kind {
    title: "关爱对象",
    action: "care.export",
    what: "care",
    personal_numbers: true,
};

/// Exports the memberships in the caller's scope matching `q` (its page ignored). Audited as
/// `care.export`.
pub async fn export(
    app: &App,
    who: &Signed,
    q: CareQuery,
    format: Format,
    whole_numbers: bool,
    ip: Option<String>,
) -> Result<Download, AppError> {
    shared::permit(who, &KIND, READ, whole_numbers)?;
    let f = filter(app, &q)?;
    let (district, by) = (&who.user.district_code, &f);
    let (members, grids) = shared::fetch(app, who, &KIND, READ, f.region.as_ref(), |scope| async move {
        repo::list(app.db.conn(), district, &scope, by, 0, MAX_EXPORT).await
    })
    .await?;
    let mut ids: Vec<i64> = members.iter().map(|m| m.person_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let people: HashMap<i64, person::Model> = gridgov_store::people::by_ids(app.db.conn(), &ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let today = today(app);
    let rows = members
        .iter()
        .map(|m| row(app, m, people.get(&m.person_id), &grids, today, whole_numbers))
        .collect::<Result<Vec<_>, _>>()?;
    let filter = serde_json::json!({
        "group": f.group, "person_id": f.person_id, "overdue": f.overdue,
        "include_ended": f.include_ended, "region": f.region.as_ref().map(ToString::to_string),
    });
    let extras = [
        ("所属网格", 32.0, false),
        ("退出日期", 12.0, true),
        ("最近走访", 12.0, true),
        ("下次走访", 12.0, true),
        ("是否逾期", 8.0, false),
    ];
    let out = Rows {
        columns: shared::columns(template_columns(), &extras),
        rows,
        region: f.region,
        filter,
    };
    shared::finish(app, who, ip, &KIND, format, whole_numbers, out).await
}

/// A row in the template's order: ID number, name, group, cycle, joined, note; then grid, left,
/// last visit, next due, overdue.
fn row(
    app: &App,
    m: &care_membership::Model,
    p: Option<&person::Model>,
    grids: &GridNames,
    today: NaiveDate,
    whole: bool,
) -> Result<Vec<String>, AppError> {
    let id_number = match p {
        Some(p) => number(app, whole, ID_FIELD, &p.id_number_sealed, &p.id_number_masked)?,
        None => String::new(),
    };
    let cycle = u32::try_from(m.visit_days).unwrap_or(0);
    let overdue = m.ended_on.is_none() && visit_overdue(m.joined_on, m.last_visit_on, cycle, today);
    Ok(vec![
        id_number,
        p.map(|p| p.name.clone()).unwrap_or_default(),
        label::<CareGroup>(&m.care_group),
        m.visit_days.to_string(),
        m.joined_on.to_string(),
        cell(m.note.as_ref()),
        grids.label(&m.region_code),
        cell(m.ended_on),
        cell(m.last_visit_on),
        cell(m.next_visit_due),
        if overdue { "是" } else { "否" }.to_owned(),
    ])
}
