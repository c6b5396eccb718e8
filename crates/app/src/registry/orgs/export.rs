//! Exporting organisations: the list's filter (name prefix, kind, code, region) without paging,
//! in the exporter's reading scope, in the import template's columns, so an export imports
//! again. The person in charge's phone is personal: masked unless the exporter asks for whole
//! numbers and holds `registry:person:reveal` (403 `forbidden` otherwise).

use super::{CONTACT_PHONE_FIELD, OrgQuery, READ, filter, import::template_columns};
use crate::auth::Signed;
use crate::record_export::{self as shared, Format, GridNames, Kind, MAX_EXPORT, Rows, cell, label, number};
use crate::record_import::Download;
use crate::{App, AppError};
use gridgov_domain::registry::OrgKind;
use gridgov_store::entity::organisation;
use gridgov_store::orgs as repo;

const KIND: Kind = Kind {
    title: "单位组织",
    action: "organisations.export",
    what: "organisations",
    personal_numbers: true,
};

/// Exports the organisations in the caller's scope matching `q` (its page ignored). Audited as
/// `organisations.export`.
pub async fn export(
    app: &App,
    who: &Signed,
    q: OrgQuery,
    format: Format,
    whole_numbers: bool,
    ip: Option<String>,
) -> Result<Download, AppError> {
    shared::permit(who, &KIND, READ, whole_numbers)?;
    let f = filter(&q)?;
    let (district, by) = (&who.user.district_code, &f);
    let (orgs, grids) = shared::fetch(app, who, &KIND, READ, f.region.as_ref(), |scope| async move {
        repo::list(app.db.conn(), district, &scope, by, 0, MAX_EXPORT).await
    })
    .await?;
    let rows = orgs
        .iter()
        .map(|o| row(app, o, &grids, whole_numbers))
        .collect::<Result<Vec<_>, _>>()?;
    let filter = serde_json::json!({
        "name": f.name_prefix, "kind": f.kind, "uscc": f.uscc,
        "region": f.region.as_ref().map(ToString::to_string),
    });
    let out = Rows {
        columns: shared::columns(template_columns(Vec::new()), &[]),
        rows,
        region: f.region,
        filter,
    };
    shared::finish(app, who, ip, &KIND, format, whole_numbers, out).await
}

/// A row in the template's order: name, kind, grid, code, address, person in charge, phone,
/// employees, note.
fn row(app: &App, o: &organisation::Model, grids: &GridNames, whole: bool) -> Result<Vec<String>, AppError> {
    Ok(vec![
        o.name.clone(),
        label::<OrgKind>(&o.kind),
        grids.label(&o.region_code),
        cell(o.uscc.as_ref()),
        cell(o.address.as_ref()),
        cell(o.contact_name.as_ref()),
        number(
            app,
            whole,
            CONTACT_PHONE_FIELD,
            &o.contact_phone_sealed,
            &o.contact_phone_masked,
        )?,
        cell(o.employees),
        cell(o.note.as_ref()),
    ])
}
