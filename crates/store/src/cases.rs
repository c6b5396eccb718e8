//! Cases, their timeline and whistles; the category catalogue and the working-day calendar.

use crate::StoreError;
use crate::entity::{calendar_day, case, case_category, case_event, case_whistle};
use chrono::{DateTime, Utc};
use gridgov_domain::RegionCode;
use gridgov_domain::access::Scope;
use sea_orm::sea_query::{
    Alias, CaseStatement, Condition, Expr, ExprTrait, Func, IntoColumnRef, Query, UnionType,
};
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

/// Ids for `n` new cases, to insert with [`insert_cases_once`]. On SQLite the caller's
/// transaction must hold the write lock from its start (`BEGIN IMMEDIATE`), so nobody else
/// can take the same ids before it commits; on PostgreSQL they come from the id sequence.
pub async fn reserve_case_ids(conn: &impl ConnectionTrait, n: usize) -> Result<Vec<i64>, StoreError> {
    use sea_orm::{DatabaseBackend, Statement};
    let backend = conn.get_database_backend();
    if n == 0 {
        return Ok(Vec::new());
    }
    if backend == DatabaseBackend::Postgres {
        let rows = conn
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                "SELECT nextval(pg_get_serial_sequence('cases', 'id')) AS id FROM generate_series(1, $1)",
                [(n as i64).into()],
            ))
            .await?;
        return rows
            .iter()
            .map(|r| r.try_get::<i64>("", "id").map_err(StoreError::from))
            .collect();
    }
    let last = max_case_id(conn).await?;
    Ok((last + 1..).take(n).collect())
}

/// Inserts new cases that carry their ids, skipping any whose reporter already used its
/// idempotency key (so one retried report does not fail the others in its transaction);
/// returns the ids inserted.
pub async fn insert_cases_once(
    conn: &impl ConnectionTrait,
    cases: Vec<case::Model>,
) -> Result<std::collections::HashSet<i64>, StoreError> {
    let mut inserted = std::collections::HashSet::with_capacity(cases.len());
    // About 40 values a row: 200 rows stay far below every backend's limit on bound values.
    for chunk in cases.chunks(200) {
        let rows = chunk
            .iter()
            .map(|c| c.clone().with_sla_next().into_active_model());
        let r = case::Entity::insert_many(rows)
            .on_conflict_do_nothing_on([case::Column::ReporterUserId, case::Column::IdempotencyKey])
            .exec_with_returning_keys(conn)
            .await?;
        if let sea_orm::TryInsertResult::Inserted(ids) = r {
            inserted.extend(ids);
        }
    }
    Ok(inserted)
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
    let new = new.with_sla_next();
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

/// Appends timeline entries in one statement per few hundred.
pub async fn append_events(
    conn: &impl ConnectionTrait,
    events: Vec<case_event::Model>,
) -> Result<(), StoreError> {
    let mut rows: Vec<case_event::ActiveModel> = events
        .into_iter()
        .map(|e| {
            let mut am = e.into_active_model();
            am.id = sea_orm::ActiveValue::NotSet;
            am
        })
        .collect();
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(500));
        case_event::Entity::insert_many(rows)
            .exec_without_returning(conn)
            .await?;
        rows = rest;
    }
    Ok(())
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

/// Open cases, word for word the condition of the open-case indexes (migration 10): SQLite uses
/// a partial index only when the query repeats its condition with the states as literals.
pub const OPEN: &str = "state NOT IN ('closed', 'rejected', 'merged')";

/// [`OPEN`] as a query condition.
pub fn open_cases() -> sea_orm::sea_query::SimpleExpr {
    Expr::cust(OPEN)
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
            reach = reach.add(crate::scope::street_led_condition(
                &self.region,
                case::Column::StreetCode,
                case::Column::RegionCode,
            ));
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
    /// Open cases held by this centre or grid (its to-do list).
    pub holder_unit: Option<String>,
    /// Cases held by this department.
    pub holder_department: Option<i64>,
    pub reporter: Option<i64>,
    pub category: Option<i64>,
    /// Cases in this region's subtree.
    pub region: Option<RegionCode>,
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
    let q = list_select(district, scope, f);
    let total = q.clone().count(conn).await?;
    let rows = q
        .order_by_desc(case::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok((rows, total))
}

fn list_select(district: &str, scope: &CaseScope, f: &CaseFilter) -> sea_orm::Select<case::Entity> {
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
            .filter(case::Column::HolderKind.ne("department"))
            .filter(open_cases());
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
    if let Some(r) = &f.region {
        q = q.filter(crate::scope::in_subtree(
            r,
            case::Column::StreetCode,
            case::Column::RegionCode,
        ));
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
    q
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
    Ok(sla_select(mark, now).limit(limit).all(conn).await?)
}

/// Cases whose `mark` is due at `now`, read through the index of marks still to come
/// (`sla_next_at`, the earlier of them), earliest first.
fn sla_select(mark: SlaMark, now: DateTime<Utc>) -> sea_orm::Select<case::Entity> {
    let q = case::Entity::find()
        .filter(case::Column::SlaNextAt.lte(now))
        .filter(case::Column::Stage.is_not_null());
    let q = match mark {
        SlaMark::Warned => q
            .filter(case::Column::StageWarnAt.lte(now))
            .filter(case::Column::WarnedAt.is_null()),
        SlaMark::Overdue => q
            .filter(case::Column::StageDueAt.lt(now))
            .filter(case::Column::OverdueAt.is_null()),
    };
    q.order_by_asc(case::Column::SlaNextAt)
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
    use case::Column as C;
    // The mark set, and the other one's time as the next if it is still to come.
    let (col, other, other_at) = match mark {
        SlaMark::Warned => (C::WarnedAt, C::OverdueAt, C::StageDueAt),
        SlaMark::Overdue => (C::OverdueAt, C::WarnedAt, C::StageWarnAt),
    };
    let next = CaseStatement::new().case(Expr::col(other).is_null(), Expr::col(other_at));
    let res = case::Entity::update_many()
        .col_expr(col, Expr::value(now))
        .col_expr(C::SlaNextAt, next.into())
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(case::Column::Id.eq(id))
        .filter(case::Column::Version.eq(version))
        .filter(col.is_null())
        .exec(conn)
        .await?;
    StoreError::one_row(res)
}

/// Where an indicator panel looks: the streets it covers (one, or every street of a district),
/// narrowed to a region's subtree below a street. Street codes begin with their district's, so
/// the streets alone keep a panel inside its district.
#[derive(Clone, Debug)]
pub struct KpiArea {
    pub streets: Vec<String>,
    /// The region's subtree prefix, when the region is below a street.
    pub prefix: Option<String>,
}

/// The area's condition on `street_code` and `region_code`: the leading column and a
/// covered column of every indicator index (migration 8), so that counting never reads the
/// table itself.
fn area_filter(area: &KpiArea, street: impl IntoColumnRef, region: impl IntoColumnRef + Clone) -> Condition {
    let mut c = Condition::all();
    c = match area.streets.as_slice() {
        [one] => c.add(Expr::col(street).eq(one.as_str())),
        many => c.add(Expr::col(street).is_in(many.iter().map(String::as_str))),
    };
    if let Some(p) = &area.prefix {
        c = c
            .add(Expr::col(region.clone()).gte(p.as_str()))
            .add(Expr::col(region).lt(format!("{p}~")));
    }
    c
}

/// One summed term of an indicator query.
enum Term {
    /// A CASE expression (or `1`), summed.
    Sql(&'static str),
    /// 1 where the column is before the instant.
    Before(case::Column, DateTime<Utc>),
}

/// The five counting queries, one per event time, as one statement: `k` names the part, `a`…`f`
/// are its sums. Each part reads one range of its indicator index.
fn kpi_statement(
    area: &KpiArea,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sea_orm::sea_query::SelectStatement {
    use Term::{Before, Sql};
    let parts: [(case::Column, Vec<Term>); 5] = [
        (
            case::Column::ReportedAt,
            vec![
                Sql("CASE WHEN state <> 'merged' THEN 1 ELSE 0 END"),
                Sql("CASE WHEN state <> 'merged' AND accepted_at IS NOT NULL THEN 1 ELSE 0 END"),
            ],
        ),
        (
            case::Column::AcceptedAt,
            vec![
                Sql("1"),
                Sql("CASE WHEN dispatched_at IS NOT NULL THEN 1 ELSE 0 END"),
            ],
        ),
        (
            case::Column::HandleDueAt,
            vec![
                Sql("1"),
                Sql("CASE WHEN handled_at IS NOT NULL AND handled_at <= handle_due_at THEN 1 ELSE 0 END"),
                Before(case::Column::ClosedAt, until),
                Sql("CASE WHEN closed_at <= handle_due_at THEN 1 ELSE 0 END"),
                Sql("CASE WHEN rework_count > 0 THEN 1 ELSE 0 END"),
                Sql("CASE WHEN extended THEN 1 ELSE 0 END"),
            ],
        ),
        (
            case::Column::RatedAt,
            vec![
                Sql("1"),
                Sql("CASE WHEN rating IN ('satisfied', 'basically') THEN 1 ELSE 0 END"),
            ],
        ),
        (
            case::Column::ClosedAt,
            vec![
                Sql("1"),
                Sql("CASE WHEN resolution_level = 'grid' THEN 1 ELSE 0 END"),
                Sql("CASE WHEN resolution_level IN ('grid', 'community') THEN 1 ELSE 0 END"),
            ],
        ),
    ];
    let mut out: Option<sea_orm::sea_query::SelectStatement> = None;
    for (k, (time, terms)) in parts.into_iter().enumerate() {
        let mut q = Query::select();
        q.expr_as(Expr::val(k as i64), Alias::new("k"));
        let mut terms = terms.into_iter();
        for alias in ["a", "b", "c", "d", "e", "f"] {
            let sum: Expr = match terms.next() {
                None => Expr::val(0i64),
                Some(Sql(sql)) => Expr::cust(format!("COALESCE(SUM({sql}), 0)")),
                Some(Before(col, t)) => {
                    let one_if = CaseStatement::new().case(Expr::col(col).lt(t), 1).finally(0);
                    Func::coalesce([Func::sum(one_if).into(), Expr::val(0i64)]).into()
                }
            };
            q.expr_as(sum, Alias::new(alias));
        }
        q.from(case::Entity)
            .cond_where(area_filter(
                area,
                case::Column::StreetCode,
                case::Column::RegionCode,
            ))
            .and_where(Expr::col(time).gte(from))
            .and_where(Expr::col(time).lt(until));
        match &mut out {
            None => out = Some(q),
            Some(first) => {
                first.union(UnionType::All, q);
            }
        }
    }
    out.unwrap_or_else(Query::select)
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct Counts {
    k: i64,
    a: i64,
    b: i64,
    c: i64,
    d: i64,
    e: i64,
    f: i64,
}

/// The counts behind the case indicators of an area and window (see `gridgov_domain::kpi` for
/// what each counts): one statement for the cases, one for the whistles.
pub async fn kpi_counts(
    conn: &impl ConnectionTrait,
    area: &KpiArea,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<gridgov_domain::kpi::KpiCounts, StoreError> {
    use sea_orm::FromQueryResult;
    let mut k = gridgov_domain::kpi::KpiCounts::default();
    if area.streets.is_empty() {
        return Ok(k);
    }
    let n = |x: i64| u64::try_from(x).unwrap_or(0);
    let stmt = conn
        .get_database_backend()
        .build(&kpi_statement(area, from, until));
    for r in Counts::find_by_statement(stmt).all(conn).await? {
        match r.k {
            0 => (k.reported, k.registered_of_reported) = (n(r.a), n(r.b)),
            1 => (k.registered, k.dispatched_of_registered) = (n(r.a), n(r.b)),
            2 => {
                k.due = n(r.a);
                k.handled_on_time_of_due = n(r.b);
                k.closed_of_due = n(r.c);
                k.closed_on_time_of_due = n(r.d);
                k.reworked_of_due = n(r.e);
                k.extended_of_due = n(r.f);
            }
            3 => (k.ratings, k.satisfied_ratings) = (n(r.a), n(r.b)),
            _ => (k.closed, k.closed_in_grid, k.closed_in_community) = (n(r.a), n(r.b), n(r.c)),
        }
    }
    let acks: Vec<(DateTime<Utc>, DateTime<Utc>)> = case_whistle::Entity::find()
        .select_only()
        .column(case_whistle::Column::WhistledAt)
        .column(case_whistle::Column::AcknowledgedAt)
        .filter(area_filter(
            area,
            case_whistle::Column::StreetCode,
            case_whistle::Column::RegionCode,
        ))
        .filter(case_whistle::Column::AcknowledgedAt.gte(from))
        .filter(case_whistle::Column::AcknowledgedAt.lt(until))
        .into_tuple()
        .all(conn)
        .await?;
    k.whistle_ack_minutes = acks.into_iter().map(|(w, a)| (a - w).num_minutes()).collect();
    Ok(k)
}

pub async fn insert_photo(
    conn: &impl ConnectionTrait,
    p: crate::entity::case_photo::Model,
) -> Result<i64, StoreError> {
    let mut am = p.into_active_model();
    am.id = sea_orm::ActiveValue::NotSet;
    Ok(am.insert(conn).await.map_err(StoreError::classify)?.id)
}

/// The uploader's photo of a case with this content that no action cites yet: what a retried
/// upload is answered with.
pub async fn pending_photo(
    conn: &impl ConnectionTrait,
    case_id: i64,
    uploaded_by: i64,
    sha256: &str,
) -> Result<Option<crate::entity::case_photo::Model>, StoreError> {
    use crate::entity::case_photo::{Column, Entity};
    Ok(Entity::find()
        .filter(Column::CaseId.eq(case_id))
        .filter(Column::UploadedBy.eq(uploaded_by))
        .filter(Column::Sha256.eq(sha256))
        .filter(Column::EventId.is_null())
        .one(conn)
        .await?)
}

/// Deletes a photo no action cites yet; `Conflict` when one cited it meanwhile.
pub async fn delete_pending_photo(conn: &impl ConnectionTrait, id: i64) -> Result<(), StoreError> {
    use crate::entity::case_photo::{Column, Entity};
    let res = Entity::delete_many()
        .filter(Column::Id.eq(id))
        .filter(Column::EventId.is_null())
        .exec(conn)
        .await?;
    if res.rows_affected == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict)
    }
}

/// How many photo rows point at a stored file (files are shared by content).
pub async fn photos_at_path(conn: &impl ConnectionTrait, path: &str) -> Result<u64, StoreError> {
    use crate::entity::case_photo::{Column, Entity};
    Ok(Entity::find().filter(Column::Path.eq(path)).count(conn).await?)
}

pub async fn photos(
    conn: &impl ConnectionTrait,
    case_id: i64,
) -> Result<Vec<crate::entity::case_photo::Model>, StoreError> {
    use crate::entity::case_photo;
    Ok(case_photo::Entity::find()
        .filter(case_photo::Column::CaseId.eq(case_id))
        .order_by_asc(case_photo::Column::Id)
        .all(conn)
        .await?)
}

pub async fn photo(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<crate::entity::case_photo::Model>, StoreError> {
    Ok(crate::entity::case_photo::Entity::find_by_id(id)
        .one(conn)
        .await?)
}

/// Ties unattached photos of a case to a timeline entry; answers how many were tied.
pub async fn attach_photos(
    conn: &impl ConnectionTrait,
    case_id: i64,
    ids: &[i64],
    event_id: i64,
) -> Result<u64, StoreError> {
    use crate::entity::case_photo;
    let res = case_photo::Entity::update_many()
        .col_expr(case_photo::Column::EventId, Expr::value(event_id))
        .filter(case_photo::Column::CaseId.eq(case_id))
        .filter(case_photo::Column::Id.is_in(ids.to_vec()))
        .filter(case_photo::Column::EventId.is_null())
        .exec(conn)
        .await?;
    Ok(res.rows_affected)
}

/// Cases changed at or after `since`, oldest change first (for live updates).
pub async fn changed_since(
    conn: &impl ConnectionTrait,
    since: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<case::Model>, StoreError> {
    Ok(case::Entity::find()
        .filter(case::Column::UpdatedAt.gte(since))
        .order_by_asc(case::Column::UpdatedAt)
        .order_by_asc(case::Column::Id)
        .limit(limit)
        .all(conn)
        .await?)
}

/// The largest case id so far (generated history numbers its cases after it).
pub async fn max_case_id(conn: &impl ConnectionTrait) -> Result<i64, StoreError> {
    let max: Option<Option<i64>> = case::Entity::find()
        .select_only()
        .expr(Expr::col(case::Column::Id).max())
        .into_tuple()
        .one(conn)
        .await?;
    Ok(max.flatten().unwrap_or(0))
}

/// Bulk-inserts generated history: cases with the ids they carry, their timelines and
/// whistles. On PostgreSQL the id sequence is moved past the inserted ids.
pub async fn insert_history(
    conn: &impl ConnectionTrait,
    cases: Vec<case::Model>,
    events: Vec<case_event::Model>,
    whistles: Vec<case_whistle::Model>,
) -> Result<(), StoreError> {
    use sea_orm::QueryTrait;
    let backend = conn.get_database_backend();
    // Generated rows (no user input) go in as literal multi-row INSERTs: binding ~800,000 rows
    // one value at a time costs several times more than the database's own work.
    let sql = |st: sea_orm::Statement| match backend {
        sea_orm::DatabaseBackend::Sqlite => crate::direct::with_sqlx_times(st).to_string(),
        _ => st.to_string(),
    };
    for chunk in cases.chunks(400) {
        let q = case::Entity::insert_many(
            chunk
                .iter()
                .map(|c| c.clone().with_sla_next().into_active_model()),
        );
        conn.execute_unprepared(&sql(q.build(backend))).await?;
    }
    let without_id = |mut am: case_event::ActiveModel| {
        am.id = sea_orm::ActiveValue::NotSet;
        am
    };
    for chunk in events.chunks(1500) {
        let q =
            case_event::Entity::insert_many(chunk.iter().map(|e| without_id(e.clone().into_active_model())));
        conn.execute_unprepared(&sql(q.build(backend))).await?;
    }
    for chunk in whistles.chunks(1500) {
        let q = case_whistle::Entity::insert_many(chunk.iter().map(|w| {
            let mut am = w.clone().into_active_model();
            am.id = sea_orm::ActiveValue::NotSet;
            am
        }));
        conn.execute_unprepared(&sql(q.build(backend))).await?;
    }
    if conn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        conn.execute_unprepared(
            "SELECT setval(pg_get_serial_sequence('cases', 'id'), COALESCE((SELECT MAX(id) FROM cases), 1))",
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use chrono::TimeZone;
    use sea_orm::QueryTrait;

    async fn sqlite_with_schema() -> (tempfile::TempDir, crate::Db) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("plan.db").display());
        crate::Db::connect(&url).await.unwrap().migrate().await.unwrap();
        // Connections opened before the migration may plan with the schema they first read.
        (dir, crate::Db::connect(&url).await.unwrap())
    }

    /// SQLite's plan for a statement, one line per step.
    async fn plan(db: &crate::Db, st: sea_orm::Statement) -> Vec<String> {
        let plan = sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Sqlite,
            format!("EXPLAIN QUERY PLAN {}", st.sql),
            st.values.map(|v| v.0).unwrap_or_default(),
        );
        let rows = db.conn().query_all_raw(plan).await.unwrap();
        rows.iter()
            .map(|r| r.try_get::<String>("", "detail").unwrap())
            .collect()
    }

    #[test]
    fn open_means_the_domain_s_open_states() {
        use gridgov_domain::case::CaseState;
        for s in CaseState::ALL {
            let named = OPEN.contains(&format!("'{}'", s.as_str()));
            assert_eq!(named, !s.is_open(), "{s:?}");
        }
    }

    /// A centre's to-do list reads the small index of open cases by holder, newest first,
    /// without sorting.
    #[tokio::test]
    async fn a_to_do_list_reads_the_open_holder_index() {
        let (_dir, db) = sqlite_with_schema().await;
        let scope = CaseScope {
            region: Scope {
                subtrees: vec!["370105001001".parse().unwrap()],
                ..Scope::default()
            },
            department: None,
        };
        let f = CaseFilter {
            holder_unit: Some("370105001001".into()),
            ..CaseFilter::default()
        };
        let q = list_select("370105", &scope, &f)
            .order_by_desc(case::Column::Id)
            .limit(20);
        let details = plan(&db, q.build(sea_orm::DbBackend::Sqlite)).await;
        assert!(
            details
                .iter()
                .any(|d| d.contains("USING INDEX idx_case_open_holder ")),
            "{details:?}"
        );
        assert!(!details.iter().any(|d| d.contains("TEMP B-TREE")), "{details:?}");
    }

    /// A street's, community's or grid's case list, newest first, and its count read the index
    /// of cases by street, not the table, and never sort; the district's list reads the table
    /// newest first.
    #[tokio::test]
    async fn a_region_s_list_reads_the_street_index() {
        let (_dir, db) = sqlite_with_schema().await;
        for (region, page_plan) in [
            ("370105001001", "USING INDEX idx_case_street_id "),
            ("370105001000", "USING INDEX idx_case_street_id "),
            ("370105001001001", "USING INDEX idx_case_street_id "),
            ("370105000000", "SCAN cases"),
        ] {
            let scope = CaseScope {
                region: Scope {
                    subtrees: vec![region.parse().unwrap()],
                    ..Scope::default()
                },
                department: None,
            };
            let q = list_select("370105", &scope, &CaseFilter::default());
            let page = q.clone().order_by_desc(case::Column::Id).limit(20);
            let details = plan(&db, page.build(sea_orm::DbBackend::Sqlite)).await;
            assert!(
                details.iter().any(|d| d.contains(page_plan)),
                "{region}: {details:?}"
            );
            assert!(!details.iter().any(|d| d.contains("TEMP B-TREE")), "{details:?}");
            let count = q.select_only().expr(Expr::val(1).count());
            let details = plan(&db, count.build(sea_orm::DbBackend::Sqlite)).await;
            assert!(
                details.iter().any(|d| d.contains("USING COVERING INDEX")),
                "{region}: {details:?}"
            );
        }
    }

    /// The migration's SQL for cases stored before it agrees with `Model::sla_next`, and the
    /// store keeps the column through inserts and marks.
    #[tokio::test]
    async fn the_next_sla_mark_is_kept_with_the_case() {
        let (_dir, db) = sqlite_with_schema().await;
        let t = |h| Some(Utc.with_ymd_and_hms(2026, 11, 1, h, 0, 0).unwrap());
        let times = [None, t(1), t(2)];
        let mut cases = Vec::new();
        for stage in [None, Some("accept".to_owned())] {
            for (w, d, wd, od) in all_fours(&times) {
                cases.push(case::Model {
                    id: cases.len() as i64 + 1,
                    stage: stage.clone(),
                    stage_warn_at: w,
                    stage_due_at: d,
                    warned_at: wd,
                    overdue_at: od,
                    ..crate::entity::case::tests::sample()
                });
            }
        }
        insert_cases_once(db.conn(), cases.clone()).await.unwrap();
        let sql = crate::migration::m20261201_000010_case_indexes::SLA_NEXT;
        let mismatched = db
            .conn()
            .query_all_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                format!("SELECT id FROM cases WHERE sla_next_at IS NOT ({sql})"),
            ))
            .await
            .unwrap();
        assert!(mismatched.is_empty(), "{} rows differ", mismatched.len());
        for c in &cases {
            let stored = case_by_id(db.conn(), c.id).await.unwrap().unwrap();
            assert_eq!(stored.sla_next_at, c.sla_next(), "{c:?}");
        }
        // Warning a case leaves its deadline as the next mark; marking it overdue, none.
        let c = cases
            .iter()
            .find(|c| {
                c.stage.is_some()
                    && c.stage_warn_at == t(1)
                    && c.stage_due_at == t(2)
                    && c.warned_at.is_none()
                    && c.overdue_at.is_none()
            })
            .unwrap();
        set_sla_mark(db.conn(), c.id, c.version, SlaMark::Warned, t(1).unwrap())
            .await
            .unwrap();
        let after = case_by_id(db.conn(), c.id).await.unwrap().unwrap();
        assert_eq!(after.sla_next_at, t(2));
        set_sla_mark(db.conn(), c.id, c.version, SlaMark::Overdue, t(2).unwrap())
            .await
            .unwrap();
        let after = case_by_id(db.conn(), c.id).await.unwrap().unwrap();
        assert_eq!(after.sla_next_at, None);
    }

    /// Every (warn, due, warned, overdue) combination of the given times.
    #[allow(clippy::type_complexity)]
    fn all_fours<T: Copy>(v: &[T]) -> Vec<(T, T, T, T)> {
        let mut out = Vec::new();
        for &a in v {
            for &b in v {
                for &c in v {
                    for &d in v {
                        out.push((a, b, c, d));
                    }
                }
            }
        }
        out
    }

    /// The SLA ticker's searches read the index of marks still to come.
    #[tokio::test]
    async fn sla_searches_read_the_next_mark_index() {
        let (_dir, db) = sqlite_with_schema().await;
        for mark in [SlaMark::Warned, SlaMark::Overdue] {
            let q = sla_select(mark, Utc::now()).limit(100);
            let details = plan(&db, q.build(sea_orm::DbBackend::Sqlite)).await;
            assert!(
                details
                    .iter()
                    .any(|d| d.contains("USING INDEX idx_case_sla_next ")),
                "{mark:?}: {details:?}"
            );
            assert!(!details.iter().any(|d| d.contains("TEMP B-TREE")), "{details:?}");
        }
    }

    /// Every part of an indicator query reads only its indicator index, on SQLite as the demo
    /// and a fresh install leave it (no statistics gathered).
    #[tokio::test]
    async fn indicator_queries_read_only_their_indexes() {
        let (_dir, db) = sqlite_with_schema().await;
        let (from, until) = (
            Utc.with_ymd_and_hms(2026, 9, 30, 16, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 10, 31, 16, 0, 0).unwrap(),
        );
        let areas = [
            KpiArea {
                streets: vec!["370105001000".into()],
                prefix: None,
            },
            KpiArea {
                streets: vec!["370105001000".into()],
                prefix: Some("370105001001".into()),
            },
            KpiArea {
                streets: vec!["370105001000".into(), "370105002000".into()],
                prefix: None,
            },
        ];
        for area in &areas {
            let st = sea_orm::DbBackend::Sqlite.build(&kpi_statement(area, from, until));
            let details: Vec<String> = plan(&db, st)
                .await
                .into_iter()
                .filter(|d| d.contains("cases"))
                .collect();
            assert_eq!(details.len(), 5, "{area:?}: {details:#?}");
            for (d, index) in details.iter().zip([
                "idx_case_kpi_reported",
                "idx_case_kpi_accepted",
                "idx_case_kpi_due",
                "idx_case_kpi_rated",
                "idx_case_kpi_closed",
            ]) {
                assert!(
                    d.contains(&format!("USING COVERING INDEX {index} ")),
                    "{area:?}: {d}"
                );
            }
        }
    }
}
