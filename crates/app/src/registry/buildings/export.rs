//! Exporting buildings: the list's filter (name prefix, region) without paging, in the
//! exporter's reading scope, in the import template's columns (points in WGS84, as stored), so
//! an export imports again, with the building's number (编号, as houses' building column names
//! it) at the end. Buildings hold no personal numbers: `whole_numbers` is refused (400
//! `no_personal_numbers`).

use super::{BuildingQuery, READ, filter, import::template_columns};
use crate::auth::Signed;
use crate::record_export::{self as shared, Format, GridNames, Kind, MAX_EXPORT, Rows, cell};
use crate::record_import::Download;
use crate::{App, AppError};
use gridgov_store::buildings as repo;
use gridgov_store::entity::building;

const KIND: Kind = Kind {
    title: "楼栋信息",
    action: "buildings.export",
    what: "buildings",
    personal_numbers: false,
};

/// Exports the buildings in the caller's scope matching `q` (its page ignored). Audited as
/// `buildings.export`.
pub async fn export(
    app: &App,
    who: &Signed,
    q: BuildingQuery,
    format: Format,
    whole_numbers: bool,
    ip: Option<String>,
) -> Result<Download, AppError> {
    shared::permit(who, &KIND, READ, whole_numbers)?;
    let f = filter(&q)?;
    let (district, by) = (&who.user.district_code, &f);
    let (buildings, grids) = shared::fetch(app, who, &KIND, READ, f.region.as_ref(), |scope| async move {
        repo::list(app.db.conn(), district, &scope, by, 0, MAX_EXPORT).await
    })
    .await?;
    let rows = buildings.iter().map(|b| row(b, &grids)).collect();
    let filter = serde_json::json!({
        "name": f.name_prefix, "region": f.region.as_ref().map(ToString::to_string),
    });
    let out = Rows {
        columns: shared::columns(template_columns(Vec::new()), &[("编号", 10.0, false)]),
        rows,
        region: f.region,
        filter,
    };
    shared::finish(app, who, ip, &KIND, format, whole_numbers, out).await
}

/// A row in the template's order: name, grid, address, floors, units, lon, lat, coordinate
/// system, note; then the id.
fn row(b: &building::Model, grids: &GridNames) -> Vec<String> {
    let located = b.lon.is_some() && b.lat.is_some();
    vec![
        b.name.clone(),
        grids.label(&b.region_code),
        cell(b.address.as_ref()),
        b.floors.to_string(),
        b.units.to_string(),
        cell(b.lon.map(|x| format!("{x:.7}"))),
        cell(b.lat.map(|x| format!("{x:.7}"))),
        if located { "wgs84" } else { "" }.to_owned(),
        cell(b.note.as_ref()),
        b.id.to_string(),
    ]
}
