//! Exports of the grid layer.

use crate::regions::feature_collection;
use crate::{App, AppError};
use gridgov_domain::RegionCode;
use gridgov_store::regions as repo;

/// The export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    GeoJson,
    Csv,
}

/// Writes every grid and sub-grid (of one district, or all) in `format`.
/// Exports what `scope` reaches (the command line passes everything).
pub async fn grids(
    app: &App,
    district: Option<&RegionCode>,
    scope: &gridgov_domain::access::Scope,
    format: Format,
    out: &mut impl std::io::Write,
) -> Result<usize, AppError> {
    let rows = repo::grids(app.db.conn(), district, scope).await?;
    let io = |e: std::io::Error| AppError::bad_request("export_failed", e.to_string());
    match format {
        Format::GeoJson => {
            serde_json::to_writer(&mut *out, &feature_collection(rows.iter()))
                .map_err(|e| AppError::bad_request("export_failed", e.to_string()))?;
            out.write_all(b"\n").map_err(io)?;
        }
        Format::Csv => {
            // UTF-8 with a BOM, so that Excel on a Chinese Windows opens it without mojibake.
            out.write_all("\u{feff}".as_bytes()).map_err(io)?;
            let mut w = csv::Writer::from_writer(&mut *out);
            let csv_err = |e: csv::Error| AppError::bad_request("export_failed", e.to_string());
            w.write_record([
                "code",
                "name",
                "level",
                "kind",
                "exclusive_type",
                "parent_code",
                "area_m2",
                "min_lon",
                "min_lat",
                "max_lon",
                "max_lat",
                "boundary_geojson",
            ])
            .map_err(csv_err)?;
            let num = |v: Option<f64>, digits: usize| v.map(|x| format!("{x:.digits$}")).unwrap_or_default();
            for r in &rows {
                w.write_record([
                    r.code.as_str(),
                    r.name.as_str(),
                    r.level.as_str(),
                    r.kind.as_deref().unwrap_or(""),
                    r.exclusive_type.as_deref().unwrap_or(""),
                    r.parent_code.as_deref().unwrap_or(""),
                    &num(r.area_m2, 1),
                    &num(r.min_lon, 7),
                    &num(r.min_lat, 7),
                    &num(r.max_lon, 7),
                    &num(r.max_lat, 7),
                    r.boundary.as_deref().unwrap_or(""),
                ])
                .map_err(csv_err)?;
            }
            w.flush().map_err(io)?;
        }
    }
    Ok(rows.len())
}
