//! Meetings (议事会) of the deliberation platform: participants and their check-ins, the agenda
//! of proposals (表决事项), attachments and ballots (see migration 16). Meetings are located
//! like topics (district, street, region), so a scope is a prefix range.

use crate::StoreError;
use crate::entity::{ballot, meeting, meeting_attachment, meeting_participant, proposal};
use crate::rows::{Located, update_versioned};
use chrono::{DateTime, Utc};
use gridgov_domain::RegionCode;
use gridgov_domain::access::Scope;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use meeting::Column as C;

const LOCATED: Located<C> = Located {
    district: C::DistrictCode,
    street: C::StreetCode,
    region: C::RegionCode,
};

/// Stores a new meeting; returns its id.
pub async fn insert_meeting(conn: &impl ConnectionTrait, m: meeting::Model) -> Result<i64, StoreError> {
    let mut am = m.into_active_model();
    am.id = ActiveValue::NotSet;
    Ok(am.insert(conn).await.map_err(StoreError::classify)?.id)
}

pub async fn meeting(conn: &impl ConnectionTrait, id: i64) -> Result<Option<meeting::Model>, StoreError> {
    Ok(meeting::Entity::find_by_id(id).one(conn).await?)
}

/// Takes the meeting's row lock for the rest of the transaction (a write that changes nothing)
/// and reads it: every change to a meeting, its participants, agenda and ballots runs under it.
pub async fn lock_meeting(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<meeting::Model>, StoreError> {
    meeting::Entity::update_many()
        .col_expr(C::Version, Expr::col(C::Version))
        .filter(C::Id.eq(id))
        .exec(conn)
        .await?;
    meeting(conn, id).await
}

/// Writes a meeting's mutable fields if its stored version is still `expected`.
pub async fn update_meeting(
    conn: &impl ConnectionTrait,
    m: &meeting::Model,
    expected: i32,
) -> Result<(), StoreError> {
    let mut am = m.clone().into_active_model().reset_all();
    am.id = ActiveValue::NotSet;
    am.district_code = ActiveValue::NotSet;
    am.created_by = ActiveValue::NotSet;
    am.created_at = ActiveValue::NotSet;
    update_versioned(conn, am, C::Id, m.id, C::Version, expected).await
}

/// What a list of meetings asks for; every given part must match.
#[derive(Clone, Debug, Default)]
pub struct MeetingFilter {
    pub region: Option<RegionCode>,
    pub level: Option<String>,
    pub state: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Meetings of the district within the scope matching the filter, latest start first.
pub async fn list_meetings(
    conn: &impl ConnectionTrait,
    district: &str,
    scope: &Scope,
    f: &MeetingFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<meeting::Model>, u64), StoreError> {
    let mut q = meeting::Entity::find().filter(LOCATED.within(district, scope, f.region.as_ref()));
    if let Some(l) = &f.level {
        q = q.filter(C::Level.eq(l.as_str()));
    }
    if let Some(s) = &f.state {
        q = q.filter(C::State.eq(s.as_str()));
    }
    if let Some(t) = f.from {
        q = q.filter(C::StartsAt.gte(t));
    }
    if let Some(t) = f.to {
        q = q.filter(C::StartsAt.lt(t));
    }
    let total = q.clone().count(conn).await?;
    let rows = q
        .order_by_desc(C::StartsAt)
        .order_by_desc(C::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok((rows, total))
}

pub async fn participants(
    conn: &impl ConnectionTrait,
    meeting_id: i64,
) -> Result<Vec<meeting_participant::Model>, StoreError> {
    Ok(meeting_participant::Entity::find()
        .filter(meeting_participant::Column::MeetingId.eq(meeting_id))
        .order_by_asc(meeting_participant::Column::Id)
        .all(conn)
        .await?)
}

pub async fn participant(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<meeting_participant::Model>, StoreError> {
    Ok(meeting_participant::Entity::find_by_id(id).one(conn).await?)
}

pub async fn insert_participant(
    conn: &impl ConnectionTrait,
    p: meeting_participant::Model,
) -> Result<i64, StoreError> {
    let mut am = p.into_active_model();
    am.id = ActiveValue::NotSet;
    Ok(am.insert(conn).await.map_err(StoreError::classify)?.id)
}

pub async fn delete_participant(conn: &impl ConnectionTrait, id: i64) -> Result<(), StoreError> {
    meeting_participant::Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}

/// Sets a participant's check-in time.
pub async fn check_in(conn: &impl ConnectionTrait, id: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
    meeting_participant::Entity::update_many()
        .col_expr(meeting_participant::Column::CheckedInAt, Expr::value(at))
        .filter(meeting_participant::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// A meeting's proposals in agenda order.
pub async fn proposals(
    conn: &impl ConnectionTrait,
    meeting_id: i64,
) -> Result<Vec<proposal::Model>, StoreError> {
    Ok(proposal::Entity::find()
        .filter(proposal::Column::MeetingId.eq(meeting_id))
        .order_by_asc(proposal::Column::Position)
        .order_by_asc(proposal::Column::Id)
        .all(conn)
        .await?)
}

pub async fn proposal(conn: &impl ConnectionTrait, id: i64) -> Result<Option<proposal::Model>, StoreError> {
    Ok(proposal::Entity::find_by_id(id).one(conn).await?)
}

pub async fn insert_proposal(conn: &impl ConnectionTrait, p: proposal::Model) -> Result<i64, StoreError> {
    let mut am = p.into_active_model();
    am.id = ActiveValue::NotSet;
    Ok(am.insert(conn).await.map_err(StoreError::classify)?.id)
}

/// Writes a proposal's mutable fields if its stored version is still `expected`.
pub async fn update_proposal(
    conn: &impl ConnectionTrait,
    p: &proposal::Model,
    expected: i32,
) -> Result<(), StoreError> {
    let mut am = p.clone().into_active_model().reset_all();
    am.id = ActiveValue::NotSet;
    am.district_code = ActiveValue::NotSet;
    am.meeting_id = ActiveValue::NotSet;
    am.created_at = ActiveValue::NotSet;
    update_versioned(
        conn,
        am,
        proposal::Column::Id,
        p.id,
        proposal::Column::Version,
        expected,
    )
    .await
}

pub async fn delete_proposal(conn: &impl ConnectionTrait, id: i64) -> Result<(), StoreError> {
    proposal::Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}

pub async fn attachments(
    conn: &impl ConnectionTrait,
    meeting_id: i64,
) -> Result<Vec<meeting_attachment::Model>, StoreError> {
    Ok(meeting_attachment::Entity::find()
        .filter(meeting_attachment::Column::MeetingId.eq(meeting_id))
        .order_by_asc(meeting_attachment::Column::Id)
        .all(conn)
        .await?)
}

pub async fn attachment(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<meeting_attachment::Model>, StoreError> {
    Ok(meeting_attachment::Entity::find_by_id(id).one(conn).await?)
}

pub async fn insert_attachment(
    conn: &impl ConnectionTrait,
    a: meeting_attachment::Model,
) -> Result<i64, StoreError> {
    let mut am = a.into_active_model();
    am.id = ActiveValue::NotSet;
    Ok(am.insert(conn).await.map_err(StoreError::classify)?.id)
}

/// Records a ballot (`choice` None for a secret one); a second by the same participant on the
/// same proposal is [`StoreError::Duplicate`] (the unique key).
pub async fn insert_ballot(conn: &impl ConnectionTrait, b: ballot::Model) -> Result<i64, StoreError> {
    let mut am = b.into_active_model();
    am.id = ActiveValue::NotSet;
    Ok(am.insert(conn).await.map_err(StoreError::classify)?.id)
}

/// The participants who voted on a proposal.
pub async fn voters(conn: &impl ConnectionTrait, proposal_id: i64) -> Result<Vec<i64>, StoreError> {
    Ok(ballot::Entity::find()
        .select_only()
        .column(ballot::Column::ParticipantId)
        .filter(ballot::Column::ProposalId.eq(proposal_id))
        .into_tuple::<i64>()
        .all(conn)
        .await?)
}

/// A proposal's open ballots (the secret ones have no choice).
pub async fn ballots(
    conn: &impl ConnectionTrait,
    proposal_id: i64,
) -> Result<Vec<ballot::Model>, StoreError> {
    Ok(ballot::Entity::find()
        .filter(ballot::Column::ProposalId.eq(proposal_id))
        .order_by_asc(ballot::Column::Id)
        .all(conn)
        .await?)
}
