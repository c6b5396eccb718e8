//! Cases, their timeline and whistles; the category catalogue and the working-day calendar.

use crate::StoreError;
use crate::entity::{calendar_day, case, case_category, case_event, case_whistle};
use crate::scope::region_condition;
use chrono::{DateTime, Utc};
use gridgov_domain::access::Scope;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// Inserts categories (the demo's and an importer's catalogue); returns their ids in order.
pub async fn insert_categories(
    conn: &impl ConnectionTrait,
    rows: Vec<case_category::Model>,
) -> Result<Vec<i64>, StoreError> {
    let mut ids = Vec::with_capacity(rows.len());
    for r in rows {
        let mut am = r.into_active_model();
        am.id = sea_orm::ActiveValue::NotSet;
        ids.push(am.insert(conn).await.map_err(StoreError::classify)?.id);
    }
    Ok(ids)
}

/// The district's categories in catalogue order.
pub async fn categories(
    conn: &impl ConnectionTrait,
    district: &str,
) -> Result<Vec<case_category::Model>, StoreError> {
    Ok(case_category::Entity::find()
        .filter(case_category::Column::DistrictCode.eq(district))
        .order_by_asc(case_category::Column::Sort)
        .order_by_asc(case_category::Column::Id)
        .all(conn)
        .await?)
}

pub async fn category(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<case_category::Model>, StoreError> {
    Ok(case_category::Entity::find_by_id(id).one(conn).await?)
}

/// Every calendar exception.
pub async fn calendar(conn: &impl ConnectionTrait) -> Result<Vec<calendar_day::Model>, StoreError> {
    Ok(calendar_day::Entity::find()
        .order_by_asc(calendar_day::Column::Day)
        .all(conn)
        .await?)
}

/// Replaces the calendar entries of the given days.
pub async fn put_calendar_days(
    conn: &impl ConnectionTrait,
    days: &[calendar_day::Model],
) -> Result<(), StoreError> {
    for d in days {
        calendar_day::Entity::delete_by_id(d.day.as_str())
            .exec(conn)
            .await?;
        calendar_day::Entity::insert(d.clone().into_active_model())
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// Inserts a new case; returns its id. A repeated (reporter, idempotency key) is a
/// [`StoreError::Duplicate`].
pub async fn insert_case(conn: &impl ConnectionTrait, c: case::Model) -> Result<i64, StoreError> {
    let mut am = c.into_active_model();
    am.id = sea_orm::ActiveValue::NotSet;
    Ok(am.insert(conn).await.map_err(StoreError::classify)?.id)
}

pub async fn case_by_id(conn: &impl ConnectionTrait, id: i64) -> Result<Option<case::Model>, StoreError> {
    Ok(case::Entity::find_by_id(id).one(conn).await?)
}

/// The case a reporter already created with this idempotency key, if any.
pub async fn case_by_idempotency(
    conn: &impl ConnectionTrait,
    reporter: i64,
    key: &str,
) -> Result<Option<case::Model>, StoreError> {
    Ok(case::Entity::find()
        .filter(case::Column::ReporterUserId.eq(reporter))
        .filter(case::Column::IdempotencyKey.eq(key))
        .one(conn)
        .await?)
}

/// Writes the columns that differ between `old` and `new` if the case is still at `old`'s
/// version. Only changed columns are written, so an SLA mark set meanwhile by the ticker (which
/// does not change the version) is not overwritten with a stale value.
pub async fn update_case(
    conn: &impl ConnectionTrait,
    old: &case::Model,
    new: case::Model,
) -> Result<(), StoreError> {
    use sea_orm::{Iterable, ModelTrait};
    let mut am = <case::ActiveModel as Default>::default();
    for col in case::Column::iter() {
        if !matches!(col, case::Column::Id) && old.get(col) != new.get(col) {
            am.set(col, new.get(col));
        }
    }
    let res = case::Entity::update_many()
        .set(am)
        .filter(case::Column::Id.eq(old.id))
        .filter(case::Column::Version.eq(old.version))
        .exec(conn)
        .await?;
    StoreError::one_row(res)
}

/// Appends a timeline entry; returns its id.
pub async fn append_event(conn: &impl ConnectionTrait, e: case_event::Model) -> Result<i64, StoreError> {
    let mut am = e.into_active_model();
    am.id = sea_orm::ActiveValue::NotSet;
    Ok(am.insert(conn).await?.id)
}

/// A case's timeline, oldest first.
pub async fn events(conn: &impl ConnectionTrait, case_id: i64) -> Result<Vec<case_event::Model>, StoreError> {
    Ok(case_event::Entity::find()
        .filter(case_event::Column::CaseId.eq(case_id))
        .order_by_asc(case_event::Column::Id)
        .all(conn)
        .await?)
}

pub async fn insert_whistle(conn: &impl ConnectionTrait, w: case_whistle::Model) -> Result<(), StoreError> {
    let mut am = w.into_active_model();
    am.id = sea_orm::ActiveValue::NotSet;
    am.insert(conn).await?;
    Ok(())
}

/// Closes the open whistle of a case: acknowledged (报到) or returned.
pub async fn answer_whistle(
    conn: &impl ConnectionTrait,
    case_id: i64,
    acknowledged: bool,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let col = if acknowledged {
        case_whistle::Column::AcknowledgedAt
    } else {
        case_whistle::Column::ReturnedAt
    };
    let res = case_whistle::Entity::update_many()
        .col_expr(col, Expr::value(at))
        .filter(case_whistle::Column::CaseId.eq(case_id))
        .filter(case_whistle::Column::AcknowledgedAt.is_null())
        .filter(case_whistle::Column::ReturnedAt.is_null())
        .exec(conn)
        .await?;
    StoreError::one_row(res)
}

pub async fn whistles(
    conn: &impl ConnectionTrait,
    case_id: i64,
) -> Result<Vec<case_whistle::Model>, StoreError> {
    Ok(case_whistle::Entity::find()
        .filter(case_whistle::Column::CaseId.eq(case_id))
        .order_by_asc(case_whistle::Column::Id)
        .all(conn)
        .await?)
}

/// Which cases a caller may see, as a SQL predicate: the region scope of `case:case:read`,
/// their own reports (own-records scope), and for department staff only what concerns their
/// department (whistled to it, held by it, or in one of its categories).
#[derive(Clone, Debug, Default)]
pub struct CaseScope {
    pub region: Scope,
    pub department: Option<i64>,
}

impl CaseScope {
    pub fn condition(&self) -> Condition {
        let mut reach = Condition::any();
        if self.region.all || !self.region.subtrees.is_empty() || !self.region.units.is_empty() {
            reach = reach.add(region_condition(&self.region, case::Column::RegionCode));
        }
        if let Some(me) = self.region.own_records_of {
            reach = reach.add(case::Column::ReporterUserId.eq(me));
        }
        if reach.is_empty() {
            reach = reach.add(Expr::val(1).eq(0));
        }
        let Some(d) = self.department else {
            return reach;
        };
        let whistled = Query::select()
            .column(case_whistle::Column::CaseId)
            .from(case_whistle::Entity)
            .and_where(case_whistle::Column::DepartmentId.eq(d))
            .to_owned();
        let categories = Query::select()
            .column(case_category::Column::Id)
            .from(case_category::Entity)
            .and_where(case_category::Column::DepartmentId.eq(d))
            .to_owned();
        Condition::all().add(reach).add(
            Condition::any()
                .add(case::Column::HolderDepartmentId.eq(d))
                .add(case::Column::Id.in_subquery(whistled))
                .add(case::Column::CategoryId.in_subquery(categories)),
        )
    }
}

/// What an inbox asks for.
#[derive(Clone, Debug, Default)]
pub struct CaseFilter {
    pub id: Option<i64>,
    pub states: Vec<String>,
    /// Cases held by this centre or grid (a queue).
    pub holder_unit: Option<String>,
    /// Cases held by this department.
    pub holder_department: Option<i64>,
    pub reporter: Option<i64>,
    pub category: Option<i64>,
    /// Cases in this region's subtree.
    pub region_prefix: Option<String>,
    /// Only cases whose running stage is past its deadline at this instant.
    pub overdue_at: Option<DateTime<Utc>>,
    pub q: Option<String>,
}

/// Cases within the scope matching the filter, newest first, with the total.
pub async fn list_cases(
    conn: &impl ConnectionTrait,
    district: &str,
    scope: &CaseScope,
    f: &CaseFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<case::Model>, u64), StoreError> {
    let mut q = case::Entity::find()
        .filter(case::Column::DistrictCode.eq(district))
        .filter(scope.condition());
    if let Some(id) = f.id {
        q = q.filter(case::Column::Id.eq(id));
    }
    if !f.states.is_empty() {
        q = q.filter(case::Column::State.is_in(f.states.clone()));
    }
    if let Some(u) = &f.holder_unit {
        q = q
            .filter(case::Column::HolderUnit.eq(u.as_str()))
            .filter(case::Column::HolderKind.ne("department"));
    }
    if let Some(d) = f.holder_department {
        q = q.filter(case::Column::HolderDepartmentId.eq(d));
    }
    if let Some(r) = f.reporter {
        q = q.filter(case::Column::ReporterUserId.eq(r));
    }
    if let Some(c) = f.category {
        q = q.filter(case::Column::CategoryId.eq(c));
    }
    if let Some(p) = &f.region_prefix {
        q = q
            .filter(case::Column::RegionCode.gte(p.as_str()))
            .filter(case::Column::RegionCode.lt(format!("{p}~")));
    }
    if let Some(now) = f.overdue_at {
        q = q.filter(case::Column::StageDueAt.lt(now));
    }
    if let Some(text) = f.q.as_deref().filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", text.replace(['%', '_'], ""));
        q = q.filter(
            Condition::any()
                .add(case::Column::Description.like(pattern.clone()))
                .add(case::Column::Address.like(pattern)),
        );
    }
    let total = q.clone().count(conn).await?;
    let rows = q
        .order_by_desc(case::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// Open cases of a category reported since `since` within a box around a point: candidates for
/// the duplicate suggestion (the caller measures the exact distance).
pub async fn nearby_open(
    conn: &impl ConnectionTrait,
    district: &str,
    category: i64,
    bbox: [f64; 4],
    since: DateTime<Utc>,
) -> Result<Vec<case::Model>, StoreError> {
    Ok(case::Entity::find()
        .filter(case::Column::DistrictCode.eq(district))
        .filter(case::Column::CategoryId.eq(category))
        .filter(case::Column::ReportedAt.gte(since))
        .filter(case::Column::Lon.between(bbox[0], bbox[2]))
        .filter(case::Column::Lat.between(bbox[1], bbox[3]))
        .filter(case::Column::State.is_not_in(["closed", "rejected", "merged"]))
        .order_by_desc(case::Column::Id)
        .limit(20)
        .all(conn)
        .await?)
}

/// Sets a category's fields if its version is still `expected`.
pub async fn update_category(
    conn: &impl ConnectionTrait,
    c: case_category::Model,
    expected: i32,
) -> Result<(), StoreError> {
    let id = c.id;
    let mut am = c.into_active_model().reset_all();
    am.id = sea_orm::ActiveValue::NotSet;
    am.version = Set(expected + 1);
    let res = case_category::Entity::update_many()
        .set(am)
        .filter(case_category::Column::Id.eq(id))
        .filter(case_category::Column::Version.eq(expected))
        .exec(conn)
        .await?;
    StoreError::one_row(res)
}

/// Deletes a district's cases with their timelines, photos and whistles (the demo rebuilds).
pub async fn delete_district(conn: &impl ConnectionTrait, district: &str) -> Result<(), StoreError> {
    use crate::entity::case_photo;
    case_event::Entity::delete_many()
        .filter(case_event::Column::DistrictCode.eq(district))
        .exec(conn)
        .await?;
    case_photo::Entity::delete_many()
        .filter(case_photo::Column::DistrictCode.eq(district))
        .exec(conn)
        .await?;
    case_whistle::Entity::delete_many()
        .filter(case_whistle::Column::DistrictCode.eq(district))
        .exec(conn)
        .await?;
    case::Entity::delete_many()
        .filter(case::Column::DistrictCode.eq(district))
        .exec(conn)
        .await?;
    case_category::Entity::delete_many()
        .filter(case_category::Column::DistrictCode.eq(district))
        .exec(conn)
        .await?;
    Ok(())
}

/// Which SLA mark the ticker sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlaMark {
    Warned,
    Overdue,
}

/// Open cases whose running stage passed its warning (or deadline) at `now` and are not yet
/// marked, oldest deadline first.
pub async fn sla_candidates(
    conn: &impl ConnectionTrait,
    mark: SlaMark,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<case::Model>, StoreError> {
    let q = case::Entity::find().filter(case::Column::Stage.is_not_null());
    let q = match mark {
        SlaMark::Warned => q
            .filter(case::Column::StageWarnAt.lte(now))
            .filter(case::Column::WarnedAt.is_null())
            .order_by_asc(case::Column::StageWarnAt),
        SlaMark::Overdue => q
            .filter(case::Column::StageDueAt.lt(now))
            .filter(case::Column::OverdueAt.is_null())
            .order_by_asc(case::Column::StageDueAt),
    };
    Ok(q.limit(limit).all(conn).await?)
}

/// Sets the mark if the case is still unmarked at the same version: exactly one of several
/// racing tickers wins (the others get [`StoreError::Conflict`]).
pub async fn set_sla_mark(
    conn: &impl ConnectionTrait,
    id: i64,
    version: i32,
    mark: SlaMark,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let col = match mark {
        SlaMark::Warned => case::Column::WarnedAt,
        SlaMark::Overdue => case::Column::OverdueAt,
    };
    let res = case::Entity::update_many()
        .col_expr(col, Expr::value(now))
        .filter(case::Column::Id.eq(id))
        .filter(case::Column::Version.eq(version))
        .filter(col.is_null())
        .exec(conn)
        .await?;
    StoreError::one_row(res)
}
