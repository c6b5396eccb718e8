//! Exporting houses: the list's filter (building, region, occupancy) without paging, in the
//! exporter's reading scope, in the import template's columns (the building as the template's
//! `name（编号id）`), so an export imports again. Houses hold no personal numbers:
//! `whole_numbers` is refused (400 `no_personal_numbers`).

use super::import::{building_label, template_columns};
use super::{HouseQuery, READ, filter};
use crate::auth::Signed;
use crate::record_export::{self as shared, Format, GridNames, Kind, MAX_EXPORT, Rows, cell, label};
use crate::record_import::Download;
use crate::{App, AppError};
use gridgov_domain::registry::{HouseUse, Occupancy, Ownership};
use gridgov_store::entity::house;
use gridgov_store::{buildings, houses as repo};
use std::collections::HashMap;

const KIND: Kind = Kind {
    title: "房屋信息",
    action: "houses.export",
    what: "houses",
    personal_numbers: false,
};

/// Exports the houses in the caller's scope matching `q` (its page ignored). Audited as
/// `houses.export`.
pub async fn export(
    app: &App,
    who: &Signed,
    q: HouseQuery,
    format: Format,
    whole_numbers: bool,
    ip: Option<String>,
) -> Result<Download, AppError> {
    shared::permit(who, &KIND, READ, whole_numbers)?;
    let f = filter(&q)?;
    let (district, by) = (&who.user.district_code, &f);
    let (houses, grids) = shared::fetch(app, who, &KIND, READ, f.region.as_ref(), |scope| async move {
        repo::list(app.db.conn(), district, &scope, by, 0, MAX_EXPORT).await
    })
    .await?;
    let mut ids: Vec<i64> = houses.iter().map(|h| h.building_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let names = buildings::names(app.db.conn(), &ids).await?;
    let rows = houses.iter().map(|h| row(h, &grids, &names)).collect();
    let filter = serde_json::json!({
        "building_id": f.building_id, "occupancy": f.occupancy,
        "region": f.region.as_ref().map(ToString::to_string),
    });
    let out = Rows {
        columns: shared::columns(template_columns(Vec::new(), Vec::new()), &[]),
        rows,
        region: f.region,
        filter,
    };
    shared::finish(app, who, ip, &KIND, format, whole_numbers, out).await
}

/// A row in the template's order: grid, building, unit, floor, room, use, ownership, occupancy,
/// area, note.
fn row(h: &house::Model, grids: &GridNames, buildings: &HashMap<i64, String>) -> Vec<String> {
    let building = buildings
        .get(&h.building_id)
        .map_or_else(|| h.building_id.to_string(), |n| building_label(h.building_id, n));
    vec![
        grids.label(&h.region_code),
        building,
        h.unit.to_string(),
        h.floor.to_string(),
        h.room.clone(),
        label::<HouseUse>(&h.house_use),
        label::<Ownership>(&h.ownership),
        label::<Occupancy>(&h.occupancy),
        cell(h.area),
        cell(h.note.as_ref()),
    ]
}
