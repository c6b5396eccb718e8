//! Resolutions (决议) of the deliberation platform: a passed proposal published for its notice
//! period, the cases that implement it (linked both ways through `resolution_case`), its tasks
//! and milestones, and residents' ratings of the topic's outcome (see migration 16).
//! Resolutions are located like topics and meetings, so a scope is a prefix range.

use crate::StoreError;
use crate::entity::{case, resolution, resolution_case, resolution_task, topic_rating};
use crate::rows::{Located, update_versioned};
use chrono::{DateTime, Utc};
use gridgov_domain::RegionCode;
use gridgov_domain::access::Scope;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use resolution::Column as C;

const LOCATED: Located<C> = Located {
    district: C::DistrictCode,
    street: C::StreetCode,
    region: C::RegionCode,
};

/// Stores a new resolution; [`StoreError::Duplicate`] when its proposal has one already.
pub async fn insert(conn: &impl ConnectionTrait, m: resolution::Model) -> Result<i64, StoreError> {
    let mut am = m.into_active_model();
    am.id = ActiveValue::NotSet;
    Ok(am.insert(conn).await.map_err(StoreError::classify)?.id)
}

pub async fn get(conn: &impl ConnectionTrait, id: i64) -> Result<Option<resolution::Model>, StoreError> {
    Ok(resolution::Entity::find_by_id(id).one(conn).await?)
}

/// Takes the resolution's row lock for the rest of the transaction (a write that changes
/// nothing) and reads it: implementing it, its tasks and its completion run under it.
pub async fn lock(conn: &impl ConnectionTrait, id: i64) -> Result<Option<resolution::Model>, StoreError> {
    resolution::Entity::update_many()
        .col_expr(C::Version, Expr::col(C::Version))
        .filter(C::Id.eq(id))
        .exec(conn)
        .await?;
    get(conn, id).await
}

/// Writes a resolution's mutable fields if its stored version is still `expected`.
pub async fn update(
    conn: &impl ConnectionTrait,
    m: &resolution::Model,
    expected: i32,
) -> Result<(), StoreError> {
    let mut am = m.clone().into_active_model().reset_all();
    am.id = ActiveValue::NotSet;
    am.district_code = ActiveValue::NotSet;
    am.proposal_id = ActiveValue::NotSet;
    am.created_by = ActiveValue::NotSet;
    am.created_at = ActiveValue::NotSet;
    update_versioned(conn, am, C::Id, m.id, C::Version, expected).await
}

/// What a list of resolutions asks for; every given part must match.
#[derive(Clone, Debug, Default)]
pub struct ResolutionFilter {
    pub region: Option<RegionCode>,
    /// `publicised` (neither implemented nor completed), `implementing` or `completed`.
    pub state: Option<String>,
    pub topic_id: Option<i64>,
    pub meeting_id: Option<i64>,
}

/// Resolutions of the district within the scope matching the filter, newest first.
pub async fn list(
    conn: &impl ConnectionTrait,
    district: &str,
    scope: &Scope,
    f: &ResolutionFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<resolution::Model>, u64), StoreError> {
    let mut q = resolution::Entity::find().filter(LOCATED.within(district, scope, f.region.as_ref()));
    match f.state.as_deref() {
        Some("publicised") => {
            q = q
                .filter(C::ImplementedAt.is_null())
                .filter(C::CompletedAt.is_null())
        }
        Some("implementing") => {
            q = q
                .filter(C::ImplementedAt.is_not_null())
                .filter(C::CompletedAt.is_null())
        }
        Some("completed") => q = q.filter(C::CompletedAt.is_not_null()),
        _ => {}
    }
    if let Some(t) = f.topic_id {
        q = q.filter(C::TopicId.eq(t));
    }
    if let Some(m) = f.meeting_id {
        q = q.filter(C::MeetingId.eq(m));
    }
    let total = q.clone().count(conn).await?;
    let rows = q
        .order_by_desc(C::PublishedAt)
        .order_by_desc(C::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// The resolution of a topic, if one was published.
pub async fn of_topic(
    conn: &impl ConnectionTrait,
    topic_id: i64,
) -> Result<Option<resolution::Model>, StoreError> {
    Ok(resolution::Entity::find()
        .filter(C::TopicId.eq(topic_id))
        .order_by_desc(C::Id)
        .one(conn)
        .await?)
}

/// Links a case to the resolution it implements (once: the pair is a unique key).
pub async fn link_case(
    conn: &impl ConnectionTrait,
    resolution_id: i64,
    case_id: i64,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let am = resolution_case::ActiveModel {
        id: ActiveValue::NotSet,
        resolution_id: ActiveValue::Set(resolution_id),
        case_id: ActiveValue::Set(case_id),
        created_at: ActiveValue::Set(at),
    };
    am.insert(conn).await.map_err(StoreError::classify)?;
    Ok(())
}

/// The cases implementing a resolution, in the order they were linked.
pub async fn cases(conn: &impl ConnectionTrait, resolution_id: i64) -> Result<Vec<case::Model>, StoreError> {
    let ids: Vec<i64> = resolution_case::Entity::find()
        .select_only()
        .column(resolution_case::Column::CaseId)
        .filter(resolution_case::Column::ResolutionId.eq(resolution_id))
        .order_by_asc(resolution_case::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows = case::Entity::find()
        .filter(case::Column::Id.is_in(ids.clone()))
        .all(conn)
        .await?;
    rows.sort_by_key(|c| ids.iter().position(|i| *i == c.id));
    Ok(rows)
}

/// The resolutions a case implements (the link's other way).
pub async fn of_case(
    conn: &impl ConnectionTrait,
    case_id: i64,
) -> Result<Vec<resolution::Model>, StoreError> {
    let ids: Vec<i64> = resolution_case::Entity::find()
        .select_only()
        .column(resolution_case::Column::ResolutionId)
        .filter(resolution_case::Column::CaseId.eq(case_id))
        .into_tuple()
        .all(conn)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(resolution::Entity::find()
        .filter(C::Id.is_in(ids))
        .order_by_asc(C::Id)
        .all(conn)
        .await?)
}

/// Stores a resolution's new tasks.
pub async fn insert_tasks(
    conn: &impl ConnectionTrait,
    tasks: Vec<resolution_task::Model>,
) -> Result<(), StoreError> {
    for t in tasks {
        let mut am = t.into_active_model();
        am.id = ActiveValue::NotSet;
        am.insert(conn).await.map_err(StoreError::classify)?;
    }
    Ok(())
}

/// A resolution's tasks in their order.
pub async fn tasks(
    conn: &impl ConnectionTrait,
    resolution_id: i64,
) -> Result<Vec<resolution_task::Model>, StoreError> {
    Ok(resolution_task::Entity::find()
        .filter(resolution_task::Column::ResolutionId.eq(resolution_id))
        .order_by_asc(resolution_task::Column::Position)
        .order_by_asc(resolution_task::Column::Id)
        .all(conn)
        .await?)
}

pub async fn task(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<resolution_task::Model>, StoreError> {
    Ok(resolution_task::Entity::find_by_id(id).one(conn).await?)
}

/// Writes a task's mutable fields if its stored version is still `expected`.
pub async fn update_task(
    conn: &impl ConnectionTrait,
    t: &resolution_task::Model,
    expected: i32,
) -> Result<(), StoreError> {
    let mut am = t.clone().into_active_model().reset_all();
    am.id = ActiveValue::NotSet;
    am.resolution_id = ActiveValue::NotSet;
    am.created_at = ActiveValue::NotSet;
    update_versioned(
        conn,
        am,
        resolution_task::Column::Id,
        t.id,
        resolution_task::Column::Version,
        expected,
    )
    .await
}

/// Stores a rating; [`StoreError::Duplicate`] when the account rated the topic already.
pub async fn insert_rating(conn: &impl ConnectionTrait, r: topic_rating::Model) -> Result<(), StoreError> {
    let mut am = r.into_active_model();
    am.id = ActiveValue::NotSet;
    am.insert(conn).await.map_err(StoreError::classify)?;
    Ok(())
}

/// A topic's ratings, oldest first.
pub async fn ratings(
    conn: &impl ConnectionTrait,
    topic_id: i64,
) -> Result<Vec<topic_rating::Model>, StoreError> {
    Ok(topic_rating::Entity::find()
        .filter(topic_rating::Column::TopicId.eq(topic_id))
        .order_by_asc(topic_rating::Column::Id)
        .all(conn)
        .await?)
}

/// Deletes a district's whole deliberation record (resolutions and their links, ballots,
/// proposals, meetings, topics and their supports, photos, timelines, ratings, notifications
/// and settings), children first: the demo rebuilds a district, and its cases cannot go while
/// resolutions and topics point at them.
pub async fn delete_district(conn: &impl ConnectionTrait, district: &str) -> Result<(), StoreError> {
    let by_parent = |table: &str, key: &str, parent: &str| {
        format!("DELETE FROM {table} WHERE {key} IN (SELECT id FROM {parent} WHERE district_code = $1)")
    };
    let own = |table: &str| format!("DELETE FROM {table} WHERE district_code = $1");
    let statements = [
        by_parent("resolution_task", "resolution_id", "resolution"),
        by_parent("resolution_case", "resolution_id", "resolution"),
        own("resolution"),
        by_parent("ballot", "proposal_id", "proposal"),
        own("proposal"),
        own("meeting_attachment"),
        by_parent("meeting_participant", "meeting_id", "meeting"),
        by_parent("topic_rating", "topic_id", "topic"),
        by_parent("topic_support", "topic_id", "topic"),
        by_parent("topic_event", "topic_id", "topic"),
        own("topic_photo"),
        own("notification"),
        own("topic"),
        own("meeting"),
        own("deliberation_setting"),
    ];
    let backend = conn.get_database_backend();
    for sql in statements {
        // `$1` is PostgreSQL's placeholder; SQLite reads it as a numbered parameter too.
        let stmt = sea_orm::Statement::from_sql_and_values(backend, sql, [district.into()]);
        conn.execute_raw(stmt).await?;
    }
    Ok(())
}
