//! Category administration (事项分类): create a group or a category, edit one. Categories are
//! district-wide things, so writing them needs `case:category:write` with the district-wide
//! scope. There is no delete: cases keep pointing at their category for good, so a category that
//! is no longer wanted is disabled, which takes it off the report forms.
//!
//! Limits are read when a stage starts and the deadline is stored on the case, so a changed limit
//! applies to stages that start afterwards; running deadlines stay as they were.

use super::CategoryView;
use crate::access::require;
use crate::audit::{Event, record};
use crate::auth::Signed;
use crate::{App, AppError, ErrorKind, FieldError};
use gridgov_domain::category::{Draft, Problem, Settings, check_code, check_name};
use gridgov_store::cases as repo;
use gridgov_store::entity::case_category;
use gridgov_store::{StoreError, staff};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;

/// A new group (no `parent_code`) or category (under the group `parent_code`).
#[derive(Clone, Debug, Default)]
pub struct NewCategory {
    pub code: String,
    pub parent_code: Option<String>,
    pub name: String,
    pub settings: Draft,
    pub enabled: bool,
}

/// Everything an edit sets; `code`, when given, must be the category's own (codes never change).
#[derive(Clone, Debug, Default)]
pub struct CategoryEdit {
    pub code: Option<String>,
    /// The group of a category (it may move to another group); none for a group.
    pub parent_code: Option<String>,
    pub name: String,
    pub settings: Draft,
    pub enabled: bool,
    pub version: i32,
}

/// Refuses unless the caller may write categories: the permission (403 `forbidden`) with the
/// district-wide scope (403 `district_scope_required`), as for every district-wide thing.
pub fn require_write(who: &Signed) -> Result<(), AppError> {
    require(&who.principal, "case:category:write")?;
    if !who.principal.scope("case:category:write").all {
        return Err(AppError::new(
            ErrorKind::Forbidden,
            "district_scope_required",
            "categories belong to the whole district: this needs the district-wide scope",
        ));
    }
    Ok(())
}

fn field(p: Problem) -> FieldError {
    AppError::field(p.field, p.code, p.reason)
}

/// A well-formed request that the rules or the district's data refuse: 422 naming the field.
fn refused(code: &'static str, field_name: &str, message: &str) -> AppError {
    let mut e = AppError::new(ErrorKind::Unprocessable, code, message.to_owned());
    e.fields = vec![AppError::field(field_name, code, message.to_owned())];
    e
}

fn not_found(id: i64) -> AppError {
    AppError::not_found("category_not_found", format!("no category {id}"))
}

fn code_taken(code: &str) -> AppError {
    let mut e = AppError::new(
        ErrorKind::Conflict,
        "category_code_taken",
        format!("the district has a category or group {code}"),
    );
    e.fields = vec![AppError::field("code", "category_code_taken", "already in use")];
    e
}

/// Checks the shape of what a group or category sets: the name, and for a category its settings
/// (all of them required), for a group none of them. 400 `validation_failed` with every problem.
fn check_shape(
    name: &str,
    is_group: bool,
    draft: &Draft,
    mut errs: Vec<FieldError>,
) -> Result<(String, Option<Settings>), AppError> {
    let name = check_name(name).map_err(|p| errs.push(field(p))).ok();
    let settings = if is_group {
        if let Err(ps) = draft.check_group() {
            errs.extend(ps.into_iter().map(field));
        }
        None
    } else {
        match draft.check_category() {
            Ok(s) => Some(s),
            Err(ps) => {
                errs.extend(ps.into_iter().map(field));
                None
            }
        }
    };
    match name {
        Some(n) if errs.is_empty() => Ok((n, settings)),
        _ => Err(AppError::invalid(errs)),
    }
}

/// Checks what a category's settings refer to and the rules between them: the group exists and
/// is a group, the department is one of the district's, a direct channel has a department.
async fn check_references(
    conn: &impl ConnectionTrait,
    district: &str,
    all: &[case_category::Model],
    parent_code: &str,
    s: &Settings,
) -> Result<(), AppError> {
    if !all
        .iter()
        .any(|c| c.code == parent_code && c.parent_code.is_none())
    {
        return Err(refused(
            "unknown_group",
            "parent_code",
            "no group with this code in the district",
        ));
    }
    if let Some(d) = s.department_id
        && !staff::departments(conn, district)
            .await?
            .iter()
            .any(|x| x.id == d)
    {
        return Err(refused(
            "unknown_department",
            "department_id",
            "no such department in the district",
        ));
    }
    if let Some(p) = s.rule_problem() {
        return Err(refused(p.code, p.field, &p.reason));
    }
    Ok(())
}

/// Applies checked settings to a row (a group keeps the neutral values of the seed).
fn apply(row: &mut case_category::Model, name: String, s: Option<&Settings>, enabled: bool) {
    row.name = name;
    row.enabled = enabled;
    if let Some(s) = s {
        row.owner_level = s.owner_level.as_str().to_owned();
        row.department_id = s.department_id;
        row.accept_minutes = s.accept_minutes;
        row.handle_minutes = s.handle_minutes;
        row.ack_minutes = s.ack_minutes;
        row.time_mode = s.time_mode.as_str().to_owned();
        row.direct_channel = s.direct_channel;
        row.auto_escalate = s.auto_escalate;
    }
}

/// The next sort position: after everything else, so a new group comes last and a new (or moved)
/// category last in its group (lists build the tree by `parent_code`).
fn next_sort(all: &[case_category::Model]) -> i32 {
    all.iter().map(|c| c.sort).max().unwrap_or(0).saturating_add(1)
}

/// The fields of a row an audit record shows (without ids that say nothing to a reader).
fn audit_json(c: &case_category::Model) -> serde_json::Value {
    json!(CategoryView::from(c.clone()))
}

/// The fields an edit changed, for the audit record's detail.
fn changed_fields(a: &case_category::Model, b: &case_category::Model) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut diff = |name: &'static str, changed: bool| {
        if changed {
            out.push(name);
        }
    };
    diff("parent_code", a.parent_code != b.parent_code);
    diff("name", a.name != b.name);
    diff("owner_level", a.owner_level != b.owner_level);
    diff("department_id", a.department_id != b.department_id);
    diff("accept_minutes", a.accept_minutes != b.accept_minutes);
    diff("handle_minutes", a.handle_minutes != b.handle_minutes);
    diff("ack_minutes", a.ack_minutes != b.ack_minutes);
    diff("time_mode", a.time_mode != b.time_mode);
    diff("direct_channel", a.direct_channel != b.direct_channel);
    diff("auto_escalate", a.auto_escalate != b.auto_escalate);
    diff("enabled", a.enabled != b.enabled);
    out
}

/// Creates a group or a category in the caller's district.
pub async fn create(
    app: &App,
    who: &Signed,
    ip: Option<String>,
    n: NewCategory,
) -> Result<CategoryView, AppError> {
    require_write(who)?;
    let mut errs = Vec::new();
    let code = check_code("code", &n.code).map_err(|p| errs.push(field(p))).ok();
    let parent = match n.parent_code.as_deref() {
        Some(p) => check_code("parent_code", p).map_err(|p| errs.push(field(p))).ok(),
        None => None,
    };
    let is_group = n.parent_code.is_none();
    let (name, settings) = check_shape(&n.name, is_group, &n.settings, errs)?;
    // A bad code was among the problems check_shape answered with.
    let code = code.unwrap_or_default();
    let district = who.user.district_code.clone();
    let txn = app.db.conn().begin().await?;
    let all = repo::categories(&txn, &district).await?;
    if let (Some(parent), Some(s)) = (parent.as_deref(), settings.as_ref()) {
        check_references(&txn, &district, &all, parent, s).await?;
    }
    if all.iter().any(|c| c.code == code) {
        return Err(code_taken(&code));
    }
    let mut row = case_category::Model {
        id: 0,
        district_code: district.clone(),
        code: code.clone(),
        parent_code: parent,
        name: String::new(),
        owner_level: "community".into(),
        department_id: None,
        accept_minutes: 0,
        handle_minutes: 0,
        ack_minutes: 0,
        time_mode: "natural".into(),
        direct_channel: false,
        auto_escalate: false,
        enabled: true,
        sort: next_sort(&all),
        version: 1,
    };
    apply(&mut row, name, settings.as_ref(), n.enabled);
    let id = match repo::insert_categories(&txn, vec![row.clone()]).await {
        Ok(ids) => ids.first().copied().unwrap_or_default(),
        // Another administrator took the code between our read and our insert.
        Err(StoreError::Duplicate) => return Err(code_taken(&code)),
        Err(e) => return Err(e.into()),
    };
    row.id = id;
    let after = audit_json(&row);
    let id_text = id.to_string();
    let event = Event {
        district: district.clone(),
        // District-wide: only the district-wide audit scope sees it.
        region: None,
        action: if is_group {
            "category.create_group"
        } else {
            "category.create"
        },
        entity_type: "category",
        entity_id: &id_text,
        before: None,
        after: Some(&after),
        detail: json!({ "code": code }),
    };
    record(&txn, &who.actor(ip), event).await?;
    txn.commit().await?;
    app.caches.categories.remove(&district);
    Ok(CategoryView::from(row))
}

/// Edits a group or a category with the version the editor saw. A group stays a group and a
/// category a category; the code never changes.
pub async fn update(
    app: &App,
    who: &Signed,
    ip: Option<String>,
    id: i64,
    e: CategoryEdit,
) -> Result<CategoryView, AppError> {
    require_write(who)?;
    let district = who.user.district_code.clone();
    let current = repo::category(app.db.conn(), id)
        .await?
        .filter(|c| c.district_code == district)
        .ok_or_else(|| not_found(id))?;
    let is_group = current.parent_code.is_none();
    if is_group != e.parent_code.is_none() {
        return Err(refused(
            "category_kind_fixed",
            "parent_code",
            "a group cannot become a category, nor a category a group",
        ));
    }
    let mut errs = Vec::new();
    let parent = match e.parent_code.as_deref() {
        Some(p) => check_code("parent_code", p).map_err(|p| errs.push(field(p))).ok(),
        None => None,
    };
    let (name, settings) = check_shape(&e.name, is_group, &e.settings, errs)?;
    if e.code.as_deref().is_some_and(|c| c != current.code) {
        return Err(refused(
            "category_code_immutable",
            "code",
            "a code never changes; create a new category and disable this one",
        ));
    }
    let txn = app.db.conn().begin().await?;
    let all = repo::categories(&txn, &district).await?;
    let Some(before) = all.iter().find(|c| c.id == id).cloned() else {
        return Err(not_found(id));
    };
    if before.version != e.version {
        return Err(StoreError::Conflict.into());
    }
    if let (Some(parent), Some(s)) = (parent.as_deref(), settings.as_ref()) {
        check_references(&txn, &district, &all, parent, s).await?;
    }
    let mut row = before.clone();
    apply(&mut row, name, settings.as_ref(), e.enabled);
    if row.parent_code != parent {
        row.parent_code = parent;
        row.sort = next_sort(&all);
    }
    let changed = changed_fields(&before, &row);
    if changed.is_empty() {
        // Nothing to write: no new version, no audit record.
        return Ok(CategoryView::from(before));
    }
    repo::update_category(&txn, row.clone(), e.version).await?;
    row.version = e.version + 1;
    let (b, a) = (audit_json(&before), audit_json(&row));
    let id_text = id.to_string();
    let action = match (changed.as_slice(), row.enabled) {
        (["enabled"], true) => "category.enable",
        (["enabled"], false) => "category.disable",
        _ => "category.update",
    };
    let event = Event {
        district: district.clone(),
        region: None,
        action,
        entity_type: "category",
        entity_id: &id_text,
        before: Some(&b),
        after: Some(&a),
        detail: json!({ "code": row.code, "changed": changed }),
    };
    record(&txn, &who.actor(ip), event).await?;
    txn.commit().await?;
    app.caches.categories.remove(&district);
    Ok(CategoryView::from(row))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> case_category::Model {
        case_category::Model {
            id: 7,
            district_code: "370105".into(),
            code: "sanitation.garbage".into(),
            parent_code: Some("sanitation".into()),
            name: "垃圾堆放".into(),
            owner_level: "community".into(),
            department_id: Some(3),
            accept_minutes: 120,
            handle_minutes: 480,
            ack_minutes: 60,
            time_mode: "working".into(),
            direct_channel: true,
            auto_escalate: false,
            enabled: true,
            sort: 12,
            version: 4,
        }
    }

    #[test]
    fn the_changed_fields_name_what_an_edit_touched() {
        let a = row();
        assert!(changed_fields(&a, &a).is_empty());
        let b = case_category::Model {
            handle_minutes: 960,
            enabled: false,
            // Sort and version are bookkeeping, not an edit.
            sort: 99,
            version: 5,
            ..a.clone()
        };
        assert_eq!(changed_fields(&a, &b), vec!["handle_minutes", "enabled"]);
    }

    #[test]
    fn a_group_keeps_its_neutral_settings() {
        let mut g = case_category::Model {
            parent_code: None,
            ..row()
        };
        apply(&mut g, "环境卫生".into(), None, false);
        assert_eq!(
            (g.name.as_str(), g.enabled, g.handle_minutes),
            ("环境卫生", false, 480)
        );
    }

    #[test]
    fn new_rows_sort_after_everything() {
        assert_eq!(next_sort(&[]), 1);
        let r = row();
        assert_eq!(next_sort(&[r.clone(), case_category::Model { sort: 3, ..r }]), 13);
        assert_eq!(
            next_sort(&[case_category::Model {
                sort: i32::MAX,
                ..row()
            }]),
            i32::MAX
        );
    }
}
