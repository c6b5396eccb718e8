//! The deliberation platform's topics (议题): supports, photos, the public timeline,
//! notifications to raisers and supporters, and each district's support thresholds (see
//! migration 16). Topics are located like the registry (district, street, region), so a scope
//! is a prefix range of one index.

use crate::StoreError;
use crate::entity::{deliberation_setting, notification, topic, topic_event, topic_photo, topic_support};
use crate::rows::{Located, insert_all, update_versioned};
use chrono::{DateTime, Utc};
use gridgov_domain::RegionCode;
use gridgov_domain::access::Scope;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use topic::Column as C;

const LOCATED: Located<C> = Located {
    district: C::DistrictCode,
    street: C::StreetCode,
    region: C::RegionCode,
};

/// Stores a new topic; returns its id.
pub async fn insert_topic(conn: &impl ConnectionTrait, m: topic::Model) -> Result<i64, StoreError> {
    let mut am = m.into_active_model();
    am.id = ActiveValue::NotSet;
    Ok(am.insert(conn).await.map_err(StoreError::classify)?.id)
}

pub async fn topic(conn: &impl ConnectionTrait, id: i64) -> Result<Option<topic::Model>, StoreError> {
    Ok(topic::Entity::find_by_id(id).one(conn).await?)
}

/// Takes the topic's row lock for the rest of the transaction (a write that changes nothing:
/// PostgreSQL locks the row, SQLite the database) and reads it, so two supports, or a support
/// and a triage, see each other's counts and states.
pub async fn lock_topic(conn: &impl ConnectionTrait, id: i64) -> Result<Option<topic::Model>, StoreError> {
    topic::Entity::update_many()
        .col_expr(C::Version, Expr::col(C::Version))
        .filter(C::Id.eq(id))
        .exec(conn)
        .await?;
    topic(conn, id).await
}

/// Writes a topic's mutable fields if its stored version is still `expected`.
pub async fn update_topic(
    conn: &impl ConnectionTrait,
    m: &topic::Model,
    expected: i32,
) -> Result<(), StoreError> {
    let mut am = m.clone().into_active_model().reset_all();
    am.id = ActiveValue::NotSet;
    am.district_code = ActiveValue::NotSet;
    am.raised_by = ActiveValue::NotSet;
    am.raiser_kind = ActiveValue::NotSet;
    am.raiser_name = ActiveValue::NotSet;
    am.created_at = ActiveValue::NotSet;
    update_versioned(conn, am, C::Id, m.id, C::Version, expected).await
}

/// What a list of topics asks for; every given part must match.
#[derive(Clone, Debug, Default)]
pub struct TopicFilter {
    /// Topics whose area lies in this region's subtree.
    pub region: Option<RegionCode>,
    pub level: Option<String>,
    pub state: Option<String>,
    pub category: Option<String>,
    /// Raised by this account.
    pub raised_by: Option<i64>,
    /// Supported by this account.
    pub supported_by: Option<i64>,
}

/// Topics of the district within the scope matching the filter, newest first, with the total.
pub async fn list_topics(
    conn: &impl ConnectionTrait,
    district: &str,
    scope: &Scope,
    f: &TopicFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<topic::Model>, u64), StoreError> {
    let mut q = topic::Entity::find().filter(LOCATED.within(district, scope, f.region.as_ref()));
    if let Some(l) = &f.level {
        q = q.filter(C::Level.eq(l.as_str()));
    }
    if let Some(s) = &f.state {
        q = q.filter(C::State.eq(s.as_str()));
    }
    if let Some(c) = &f.category {
        q = q.filter(C::Category.eq(c.as_str()));
    }
    if let Some(a) = f.raised_by {
        q = q.filter(C::RaisedBy.eq(a));
    }
    if let Some(a) = f.supported_by {
        q = q.filter(
            C::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(topic_support::Column::TopicId)
                    .from(topic_support::Entity)
                    .and_where(Expr::col(topic_support::Column::AccountId).eq(a))
                    .to_owned(),
            ),
        );
    }
    let total = q.clone().count(conn).await?;
    let rows = q
        .order_by_desc(C::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// Records a support; a second one by the same account is [`StoreError::Duplicate`].
pub async fn insert_support(
    conn: &impl ConnectionTrait,
    topic_id: i64,
    account_id: i64,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let am = topic_support::ActiveModel {
        id: ActiveValue::NotSet,
        topic_id: ActiveValue::Set(topic_id),
        account_id: ActiveValue::Set(account_id),
        created_at: ActiveValue::Set(at),
    };
    topic_support::Entity::insert(am)
        .exec(conn)
        .await
        .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn has_support(
    conn: &impl ConnectionTrait,
    topic_id: i64,
    account_id: i64,
) -> Result<bool, StoreError> {
    Ok(topic_support::Entity::find()
        .filter(topic_support::Column::TopicId.eq(topic_id))
        .filter(topic_support::Column::AccountId.eq(account_id))
        .count(conn)
        .await?
        > 0)
}

/// The accounts that support a topic.
pub async fn supporters(conn: &impl ConnectionTrait, topic_id: i64) -> Result<Vec<i64>, StoreError> {
    Ok(topic_support::Entity::find()
        .select_only()
        .column(topic_support::Column::AccountId)
        .filter(topic_support::Column::TopicId.eq(topic_id))
        .order_by_asc(topic_support::Column::Id)
        .into_tuple()
        .all(conn)
        .await?)
}

/// Carries a merged topic's supporters over to the topic it was merged into, each once (those
/// who support both count once); returns the target's supports counted from its rows.
pub async fn carry_supports(
    conn: &impl ConnectionTrait,
    from: i64,
    to: i64,
    at: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let have: std::collections::HashSet<i64> = supporters(conn, to).await?.into_iter().collect();
    let new: Vec<topic_support::Model> = supporters(conn, from)
        .await?
        .into_iter()
        .filter(|a| !have.contains(a))
        .map(|account_id| topic_support::Model {
            id: 0,
            topic_id: to,
            account_id,
            created_at: at,
        })
        .collect();
    insert_all(conn, new, 500).await?;
    Ok(topic_support::Entity::find()
        .filter(topic_support::Column::TopicId.eq(to))
        .count(conn)
        .await?)
}

/// Appends a step to a topic's public timeline.
pub async fn insert_event(conn: &impl ConnectionTrait, e: topic_event::Model) -> Result<i64, StoreError> {
    let mut am = e.into_active_model();
    am.id = ActiveValue::NotSet;
    Ok(am.insert(conn).await?.id)
}

/// A topic's timeline, oldest first.
pub async fn events(
    conn: &impl ConnectionTrait,
    topic_id: i64,
) -> Result<Vec<topic_event::Model>, StoreError> {
    Ok(topic_event::Entity::find()
        .filter(topic_event::Column::TopicId.eq(topic_id))
        .order_by_asc(topic_event::Column::Id)
        .all(conn)
        .await?)
}

pub async fn insert_photo(conn: &impl ConnectionTrait, p: topic_photo::Model) -> Result<i64, StoreError> {
    let mut am = p.into_active_model();
    am.id = ActiveValue::NotSet;
    Ok(am.insert(conn).await.map_err(StoreError::classify)?.id)
}

pub async fn photos(
    conn: &impl ConnectionTrait,
    topic_id: i64,
) -> Result<Vec<topic_photo::Model>, StoreError> {
    Ok(topic_photo::Entity::find()
        .filter(topic_photo::Column::TopicId.eq(topic_id))
        .order_by_asc(topic_photo::Column::Id)
        .all(conn)
        .await?)
}

pub async fn photo(conn: &impl ConnectionTrait, id: i64) -> Result<Option<topic_photo::Model>, StoreError> {
    Ok(topic_photo::Entity::find_by_id(id).one(conn).await?)
}

/// Notifies these accounts (each once) that a topic moved.
pub async fn notify(
    conn: &impl ConnectionTrait,
    district: &str,
    accounts: &[i64],
    topic_id: i64,
    action: &str,
    title: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut seen = std::collections::HashSet::new();
    let rows: Vec<notification::Model> = accounts
        .iter()
        .filter(|a| seen.insert(**a))
        .map(|&account_id| notification::Model {
            id: 0,
            district_code: district.to_owned(),
            account_id,
            topic_id: Some(topic_id),
            action: action.to_owned(),
            title: title.to_owned(),
            created_at: at,
            read_at: None,
        })
        .collect();
    insert_all(conn, rows, 500).await?;
    Ok(())
}

/// An account's notifications, newest first, with the total and the number unread.
pub async fn notifications(
    conn: &impl ConnectionTrait,
    account_id: i64,
    unread_only: bool,
    offset: u64,
    limit: u64,
) -> Result<(Vec<notification::Model>, u64, u64), StoreError> {
    use notification::Column as N;
    let mine = notification::Entity::find().filter(N::AccountId.eq(account_id));
    let unread = mine.clone().filter(N::ReadAt.is_null()).count(conn).await?;
    let q = if unread_only {
        mine.filter(N::ReadAt.is_null())
    } else {
        mine
    };
    let total = q.clone().count(conn).await?;
    let rows = q
        .order_by_desc(N::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok((rows, total, unread))
}

/// Marks an account's notifications read: these ids, or all of them; returns how many changed.
pub async fn mark_read(
    conn: &impl ConnectionTrait,
    account_id: i64,
    ids: Option<&[i64]>,
    at: DateTime<Utc>,
) -> Result<u64, StoreError> {
    use notification::Column as N;
    let mut q = notification::Entity::update_many()
        .col_expr(N::ReadAt, Expr::value(at))
        .filter(N::AccountId.eq(account_id))
        .filter(N::ReadAt.is_null());
    if let Some(ids) = ids {
        q = q.filter(N::Id.is_in(ids.iter().copied()));
    }
    Ok(q.exec(conn).await?.rows_affected)
}

/// A district's configured thresholds, by level code.
pub async fn settings(
    conn: &impl ConnectionTrait,
    district: &str,
) -> Result<Vec<deliberation_setting::Model>, StoreError> {
    Ok(deliberation_setting::Entity::find()
        .filter(deliberation_setting::Column::DistrictCode.eq(district))
        .all(conn)
        .await?)
}

/// Sets a district's threshold for one level.
pub async fn put_setting(
    conn: &impl ConnectionTrait,
    district: &str,
    level: &str,
    threshold: i32,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    use deliberation_setting::Column as D;
    let res = deliberation_setting::Entity::update_many()
        .col_expr(D::SupportThreshold, Expr::value(threshold))
        .col_expr(D::UpdatedAt, Expr::value(at))
        .filter(D::DistrictCode.eq(district))
        .filter(D::Level.eq(level))
        .exec(conn)
        .await?;
    if res.rows_affected == 0 {
        let am = deliberation_setting::ActiveModel {
            district_code: ActiveValue::Set(district.to_owned()),
            level: ActiveValue::Set(level.to_owned()),
            support_threshold: ActiveValue::Set(threshold),
            updated_at: ActiveValue::Set(at),
        };
        deliberation_setting::Entity::insert(am)
            .exec_without_returning(conn)
            .await
            .map_err(StoreError::classify)?;
    }
    Ok(())
}
