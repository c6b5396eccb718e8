//! Exporting facilities: the list's filter (region, kind, state, map box) without paging, in the
//! exporter's reading scope, in the import template's columns (points in WGS84, as stored), so
//! an export imports again. Facilities hold no personal numbers: `whole_numbers` is refused
//! (400 `no_personal_numbers`).

use super::{FacilityQuery, READ, filter, import::template_columns};
use crate::auth::Signed;
use crate::record_export::{self as shared, Format, GridNames, Kind, MAX_EXPORT, Rows, cell, label};
use crate::record_import::Download;
use crate::{App, AppError};
use gridgov_domain::registry::{FacilityKind, FacilityState};
use gridgov_store::entity::facility;
use gridgov_store::facilities as repo;

const KIND: Kind = Kind {
    title: "城市部件",
    action: "facilities.export",
    what: "facilities",
    personal_numbers: false,
};

/// Exports the facilities in the caller's scope matching `q` (its page ignored). Audited as
/// `facilities.export`.
pub async fn export(
    app: &App,
    who: &Signed,
    q: FacilityQuery,
    format: Format,
    whole_numbers: bool,
    ip: Option<String>,
) -> Result<Download, AppError> {
    shared::permit(who, &KIND, READ, whole_numbers)?;
    let f = filter(&q)?;
    let (district, by) = (&who.user.district_code, &f);
    let (facilities, grids) = shared::fetch(app, who, &KIND, READ, f.region.as_ref(), |scope| async move {
        repo::list(app.db.conn(), district, &scope, by, 0, MAX_EXPORT).await
    })
    .await?;
    let rows = facilities.iter().map(|x| row(x, &grids)).collect();
    let filter = serde_json::json!({
        "kind": f.kind, "state": f.state, "bbox": f.bbox,
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

/// A row in the template's order: kind, code, lon, lat, coordinate system, grid, state, owner,
/// note.
fn row(x: &facility::Model, grids: &GridNames) -> Vec<String> {
    vec![
        label::<FacilityKind>(&x.kind),
        cell(x.code.as_ref()),
        format!("{:.7}", x.lon),
        format!("{:.7}", x.lat),
        "wgs84".to_owned(),
        grids.label(&x.region_code),
        label::<FacilityState>(&x.state),
        cell(x.owner_department.as_ref()),
        cell(x.note.as_ref()),
    ]
}
