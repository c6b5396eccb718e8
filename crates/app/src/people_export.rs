//! Exporting people to .xlsx or CSV (UTF-8 with a byte-order mark).
//!
//! An export holds what the exporter may see: people within their reading scope, numbers
//! masked. Whole numbers only for an exporter granted `registry:person:reveal` who asks for
//! them; the audit log records every export, its filter, its size and whether numbers were
//! whole. The columns are the import template's, with sex and birth date added, so an export
//! with whole numbers imports again (with merge) after editing.

use crate::auth::Signed;
use crate::people_import::Download;
use crate::record_export::{self as shared, GridNames, Kind, Rows, number};
use crate::registry::{self, PersonQuery};
use crate::sheet::Column;
use crate::{App, AppError};
use gridgov_domain::RegionCode;
use gridgov_domain::registry::{Kind as _, PersonKind};
use gridgov_store::entity::person;
use gridgov_store::people::{self as repo, PersonFilter};

pub use crate::record_export::{Format, MAX_EXPORT};

/// The permission to read people.
const READ: &str = "registry:person:read";

const KIND: Kind = Kind {
    title: "人口信息",
    action: "people.export",
    what: "people",
    personal_numbers: true,
};

fn columns() -> Vec<Column> {
    let col = |label: &str, width: f64, text: bool| Column {
        text,
        ..Column::new(label, width)
    };
    vec![
        col("姓名", 12.0, false),
        col("性别", 6.0, false),
        col("出生日期", 12.0, true),
        col("人员类型", 10.0, false),
        col("所属网格", 32.0, false),
        col("公民身份号码", 22.0, true),
        col("联系电话", 16.0, true),
        col("现住址", 30.0, false),
        col("备注", 30.0, false),
    ]
}

/// Exports the people in the caller's scope matching `q` (kind and region; no names or
/// numbers, which never travel in a URL).
pub async fn export(
    app: &App,
    who: &Signed,
    q: PersonQuery,
    format: Format,
    reveal: bool,
    ip: Option<String>,
) -> Result<Download, AppError> {
    shared::permit(who, &KIND, READ, reveal)?;
    let mut f = PersonFilter::default();
    let mut errs = Vec::new();
    if let Some(k) = q.kind.as_deref().filter(|s| !s.is_empty()) {
        match PersonKind::parse(k) {
            Some(k) => f.kind = Some(k.code().to_owned()),
            None => errs.push(AppError::field(
                "kind",
                "unknown_kind",
                "registered, floating or overseas",
            )),
        }
    }
    if let Some(r) = q.region.as_deref().filter(|s| !s.is_empty()) {
        match RegionCode::parse(r) {
            Ok(r) => f.region = Some(r),
            Err(e) => errs.push(crate::error::code_field("region", &e)),
        }
    }
    if !errs.is_empty() {
        return Err(AppError::invalid(errs));
    }
    let (district, by) = (&who.user.district_code, &f);
    let (people, grids) = shared::fetch(app, who, &KIND, READ, f.region.as_ref(), |scope| async move {
        repo::list(app.db.conn(), district, &scope, by, 0, MAX_EXPORT).await
    })
    .await?;
    let rows = people
        .iter()
        .map(|p| row(app, p, &grids, reveal))
        .collect::<Result<Vec<_>, _>>()?;
    let filter = serde_json::json!({
        "kind": f.kind, "region": f.region.as_ref().map(ToString::to_string),
    });
    let out = Rows {
        columns: columns(),
        rows,
        region: f.region,
        filter,
    };
    shared::finish(app, who, ip, &KIND, format, reveal, out).await
}

fn row(app: &App, p: &person::Model, grids: &GridNames, reveal: bool) -> Result<Vec<String>, AppError> {
    let sex = match p.sex.as_deref() {
        Some("male") => "男",
        Some("female") => "女",
        _ => "",
    };
    Ok(vec![
        p.name.clone(),
        sex.to_owned(),
        p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        shared::label::<PersonKind>(&p.kind),
        grids.label(&p.region_code),
        number(
            app,
            reveal,
            registry::ID_FIELD,
            &p.id_number_sealed,
            &p.id_number_masked,
        )?,
        number(
            app,
            reveal,
            registry::PHONE_FIELD,
            &p.phone_sealed,
            &p.phone_masked,
        )?,
        p.address.clone().unwrap_or_default(),
        p.note.clone().unwrap_or_default(),
    ])
}
