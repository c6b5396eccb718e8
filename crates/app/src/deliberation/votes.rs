//! Votes on a meeting's proposals (表决): opened on a draft proposal while the meeting is in
//! session (the eligible are fixed then: the participants who may vote at that moment; the
//! meeting's rule and ballot kind are copied), ballots cast by the participant's own linked
//! account or, for an open ballot only, recorded by an operator for a participant; closed and
//! counted under the rule (`domain::decide`), the linked topic then passes or is rejected
//! through the topic module. Every step runs under the meeting's row lock and is audited.
//!
//! A secret ballot (不记名) stores that the participant voted, never what: the choice only adds
//! to the proposal's counters in the same transaction, and its audit record names no choice.
//! While a vote is open only how many have voted is shown, never the counts.

use super::meetings::{
    ProposalView, meeting_error, meeting_not_found, proposal_view, reaches, state_of, visible,
};
use super::topics;
use super::{MEETING_READ, MEETING_WRITE};
use crate::access::require;
use crate::auth::Signed;
use crate::{App, AppError, ErrorKind};
use gridgov_domain::deliberation::{
    BallotError, BallotKind, Choice, Kind, PassBase, ProposalState, Share, Tally, TopicAction, VoteRule,
    Voter, check_ballot, check_in_session, decide,
};
use gridgov_store::entity::{ballot, meeting_participant, proposal};
use gridgov_store::meetings as repo;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::Deserialize;
use utoipa::ToSchema;

/// A ballot: `for`, `against` or `abstain` (or 赞成, 反对, 弃权). Without `participant_id` the
/// caller votes as the participant linked to their account; with it an operator records an
/// open ballot for that participant.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct BallotInput {
    #[serde(default)]
    pub choice: String,
    pub participant_id: Option<i64>,
}

fn proposal_not_found(id: i64) -> AppError {
    AppError::not_found("proposal_not_found", format!("no proposal {id}"))
}

fn ballot_error(e: BallotError) -> AppError {
    let kind = match e {
        BallotError::NotEligible | BallotError::NotPresent => ErrorKind::Unprocessable,
        _ => ErrorKind::Conflict,
    };
    AppError::new(kind, e.code(), e.to_string())
}

/// The proposal and its meeting, if the caller's scope of `perm` reaches the meeting.
async fn find(
    conn: &impl ConnectionTrait,
    who: &Signed,
    perm: &str,
    id: i64,
) -> Result<(proposal::Model, gridgov_store::entity::meeting::Model), AppError> {
    require(&who.principal, perm)?;
    let p = repo::proposal(conn, id)
        .await?
        .ok_or_else(|| proposal_not_found(id))?;
    let m = visible(conn, who, perm, p.meeting_id)
        .await
        .map_err(|_| proposal_not_found(id))?;
    Ok((p, m))
}

/// Whether a participant votes on a proposal: may vote and was a participant when voting opened.
fn eligible(p: &meeting_participant::Model, pr: &proposal::Model) -> bool {
    p.can_vote && pr.opened_at.is_none_or(|o| p.created_at <= o)
}

async fn audit(
    conn: &impl ConnectionTrait,
    who: &Signed,
    ip: Option<String>,
    m: &gridgov_store::entity::meeting::Model,
    action: &str,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    super::meetings::audit(conn, who, ip, m, action, None, detail).await
}

/// Opens voting on a draft proposal (409 `voting_open` / `voting_closed` otherwise) while the
/// meeting is in session (409 `meeting_not_in_session`, `meeting_closed`). Audited as
/// `proposal.open`.
pub async fn open(app: &App, who: &Signed, id: i64, ip: Option<String>) -> Result<ProposalView, AppError> {
    let conn = app.db.conn();
    let (p0, _) = find(conn, who, MEETING_WRITE, id).await?;
    let now = app.clock.now();
    let txn = conn.begin().await?;
    let m = repo::lock_meeting(&txn, p0.meeting_id)
        .await?
        .ok_or_else(|| meeting_not_found(p0.meeting_id))?;
    check_in_session(state_of(&m)).map_err(meeting_error)?;
    let p = repo::proposal(&txn, id)
        .await?
        .ok_or_else(|| proposal_not_found(id))?;
    match ProposalState::parse(&p.state) {
        Some(ProposalState::Draft) => {}
        Some(ProposalState::Voting) => {
            return Err(AppError::new(
                ErrorKind::Conflict,
                "voting_open",
                "voting is open already",
            ));
        }
        _ => return Err(ballot_error(BallotError::Closed)),
    }
    let parts = repo::participants(&txn, m.id).await?;
    let mut new = p.clone();
    new.state = ProposalState::Voting.code().to_owned();
    new.opened_at = Some(now);
    new.eligible = i32::try_from(parts.iter().filter(|x| x.can_vote).count()).unwrap_or(i32::MAX);
    new.ballot_kind = m.ballot_kind.clone();
    new.quorum = m.quorum.clone();
    new.pass_share = m.pass_share.clone();
    new.pass_base = m.pass_base.clone();
    new.version += 1;
    repo::update_proposal(&txn, &new, p.version).await?;
    let d = serde_json::json!({ "proposal": id, "eligible": new.eligible, "ballot_kind": new.ballot_kind });
    audit(&txn, who, ip, &m, "proposal.open", d).await?;
    txn.commit().await?;
    Ok(proposal_view(new))
}

/// Casts a ballot. `check_ballot` decides: 409 `voting_not_open`, `voting_closed`,
/// `already_voted` (also when two requests race: the unique key); 422 `not_eligible` (not a
/// participant, or one who does not vote), `not_checked_in`. An operator records only open
/// ballots (403 `secret_ballot`: a secret ballot is cast by the voter's own account); anyone
/// else votes only as themselves (403 `not_your_participation`). Audited as `ballot.cast`, with
/// the choice for an open ballot only.
pub async fn cast(
    app: &App,
    who: &Signed,
    id: i64,
    input: BallotInput,
    ip: Option<String>,
) -> Result<ProposalView, AppError> {
    let conn = app.db.conn();
    let (p0, m0) = find(conn, who, MEETING_READ, id).await?;
    let choice = Choice::parse(input.choice.trim())
        .ok_or_else(|| AppError::invalid_field("choice", "unknown_choice", "for, against or abstain"))?;
    let operator = who.principal.can(MEETING_WRITE) && reaches(who, MEETING_WRITE, &m0);
    let now = app.clock.now();
    let txn = conn.begin().await?;
    let m = repo::lock_meeting(&txn, p0.meeting_id)
        .await?
        .ok_or_else(|| meeting_not_found(p0.meeting_id))?;
    let p = repo::proposal(&txn, id)
        .await?
        .ok_or_else(|| proposal_not_found(id))?;
    let state = ProposalState::parse(&p.state).unwrap_or(ProposalState::Closed);
    check_ballot(
        state,
        Some(Voter {
            eligible: true,
            present: true,
            voted: false,
        }),
    )
    .map_err(ballot_error)?;
    let parts = repo::participants(&txn, m.id).await?;
    let mine = parts.iter().find(|x| x.account_id == Some(who.user.id));
    let secret = BallotKind::parse(&p.ballot_kind) == Some(BallotKind::Secret);
    let voter = match input.participant_id {
        Some(pid) if mine.is_some_and(|x| x.id == pid) => mine,
        Some(pid) => {
            if !operator {
                return Err(AppError::new(
                    ErrorKind::Forbidden,
                    "not_your_participation",
                    "you vote only as yourself",
                ));
            }
            if secret {
                return Err(AppError::new(
                    ErrorKind::Forbidden,
                    "secret_ballot",
                    "a secret ballot is cast by the voter's own account",
                ));
            }
            Some(parts.iter().find(|x| x.id == pid).ok_or_else(|| {
                AppError::not_found("participant_not_found", format!("no participant {pid}"))
            })?)
        }
        None => mine,
    };
    let voted = repo::voters(&txn, id).await?;
    let v = voter.map(|x| Voter {
        eligible: eligible(x, &p),
        present: x.checked_in_at.is_some(),
        voted: voted.contains(&x.id),
    });
    check_ballot(state, v).map_err(ballot_error)?;
    let Some(voter) = voter else {
        return Err(ballot_error(BallotError::NotEligible));
    };
    let b = ballot::Model {
        id: 0,
        proposal_id: id,
        participant_id: voter.id,
        choice: (!secret).then(|| choice.code().to_owned()),
        recorded_by: (voter.account_id != Some(who.user.id)).then_some(who.user.id),
        cast_at: now,
    };
    repo::insert_ballot(&txn, b).await.map_err(|e| match e {
        gridgov_store::StoreError::Duplicate => ballot_error(BallotError::AlreadyVoted),
        e => e.into(),
    })?;
    let mut new = p.clone();
    match choice {
        Choice::For => new.for_votes += 1,
        Choice::Against => new.against += 1,
        Choice::Abstain => new.abstain += 1,
    }
    new.version += 1;
    repo::update_proposal(&txn, &new, p.version).await?;
    let d = serde_json::json!({
        "proposal": id, "participant": voter.id,
        "choice": (!secret).then(|| choice.code()),
        "recorded": voter.account_id != Some(who.user.id),
    });
    audit(&txn, who, ip, &m, "ballot.cast", d).await?;
    txn.commit().await?;
    Ok(proposal_view(new))
}

/// Closes voting on a proposal (409 `voting_not_open`, `voting_closed`): `present` = eligible
/// participants checked in; decided under the proposal's rule; the linked topic passes or is
/// rejected through the topic module (timeline, notifications). Audited as `proposal.close`.
pub async fn close(app: &App, who: &Signed, id: i64, ip: Option<String>) -> Result<ProposalView, AppError> {
    let conn = app.db.conn();
    let (p0, _) = find(conn, who, MEETING_WRITE, id).await?;
    let now = app.clock.now();
    let txn = conn.begin().await?;
    let m = repo::lock_meeting(&txn, p0.meeting_id)
        .await?
        .ok_or_else(|| meeting_not_found(p0.meeting_id))?;
    let p = repo::proposal(&txn, id)
        .await?
        .ok_or_else(|| proposal_not_found(id))?;
    let state = ProposalState::parse(&p.state).unwrap_or(ProposalState::Closed);
    check_ballot(
        state,
        Some(Voter {
            eligible: true,
            present: true,
            voted: false,
        }),
    )
    .map_err(ballot_error)?;
    let parts = repo::participants(&txn, m.id).await?;
    let present = parts
        .iter()
        .filter(|x| eligible(x, &p) && x.checked_in_at.is_some())
        .count();
    let n = |v: i32| u32::try_from(v).unwrap_or(0);
    let tally = Tally {
        eligible: n(p.eligible),
        present: u32::try_from(present).unwrap_or(u32::MAX),
        for_votes: n(p.for_votes),
        against: n(p.against),
        abstain: n(p.abstain),
    };
    let def = VoteRule::default();
    let rule = VoteRule {
        quorum: Share::parse(&p.quorum).unwrap_or(def.quorum),
        pass: Share::parse(&p.pass_share).unwrap_or(def.pass),
        base: PassBase::parse(&p.pass_base).unwrap_or(def.base),
    };
    let outcome = decide(rule, tally)
        .map_err(|e| AppError::new(ErrorKind::Internal, "inconsistent_tally", e.to_string()))?;
    let mut new = p.clone();
    new.state = ProposalState::Closed.code().to_owned();
    new.present = i32::try_from(present).unwrap_or(i32::MAX);
    new.quorum_met = Some(outcome.quorum_met);
    new.passed = Some(outcome.passed);
    new.closed_at = Some(now);
    new.version += 1;
    repo::update_proposal(&txn, &new, p.version).await?;
    if let Some(t) = p.topic_id {
        let action = if outcome.passed {
            TopicAction::Pass
        } else {
            TopicAction::Reject
        };
        topics::move_topic(&txn, who, t, action, topics::MovedBy::Meeting(m.id), now).await?;
    }
    let d = serde_json::json!({ "proposal": id, "tally": tally, "outcome": outcome });
    audit(&txn, who, ip, &m, "proposal.close", d).await?;
    txn.commit().await?;
    Ok(proposal_view(new))
}
