//! The case lifecycle (采集上报 → 受理处置 → 反馈考核) as one table of
//! (state, action, who) → state. The app layer works out who the caller is in relation to a
//! case (the centre holding it, the grid's staff, the department it was whistled to, the
//! reporter), asks [`transition`], and persists and audits the answer; nothing else decides
//! whether an action is legal.

use crate::RegionLevel;
use serde::{Deserialize, Serialize};

/// Where a case stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// 已上报: waiting for the owning centre to accept or reject it.
    Reported,
    /// 已立案: registered; the holding centre handles, dispatches, escalates or whistles.
    Accepted,
    /// 处置中: with a grid, a centre or a department that is handling it.
    Handling,
    /// 已吹哨: summoned a department, which must report for duty (报到).
    Whistled,
    /// 待核查: the handler reported a result; the owner or the grid verifies it.
    Handled,
    /// 已结案.
    Closed,
    /// 不予立案, with a reason.
    Rejected,
    /// Merged into another case as a duplicate.
    Merged,
}

impl CaseState {
    pub const ALL: [CaseState; 8] = [
        Self::Reported,
        Self::Accepted,
        Self::Handling,
        Self::Whistled,
        Self::Handled,
        Self::Closed,
        Self::Rejected,
        Self::Merged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reported => "reported",
            Self::Accepted => "accepted",
            Self::Handling => "handling",
            Self::Whistled => "whistled",
            Self::Handled => "handled",
            Self::Closed => "closed",
            Self::Rejected => "rejected",
            Self::Merged => "merged",
        }
    }

    pub fn parse(s: &str) -> Option<CaseState> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Whether work on the case is still going on (it appears in queues and SLA clocks run).
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Closed | Self::Rejected | Self::Merged)
    }
}

/// What someone does to a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseAction {
    /// 受理/立案.
    Accept,
    /// 不予立案, with a reason.
    Reject,
    /// Merge a duplicate report into an existing case.
    Merge,
    /// 现场处置: the grid's staff resolve a small matter on the spot and report the result.
    HandleOnSpot,
    /// 派遣 to a grid or a lower centre.
    Dispatch,
    /// 上报上级: hand the case to the centre one level up.
    Escalate,
    /// 吹哨: summon a department.
    Whistle,
    /// 报到: the department acknowledges the whistle.
    Acknowledge,
    /// 退回: wrong owner; back to the owning centre for re-dispatch.
    Return,
    /// 处置反馈: the handler reports the result (with photos).
    ReportResult,
    /// 核查通过 → closed.
    Verify,
    /// 核查不通过 → back to the handler (返工).
    Rework,
    /// 延期: the owner extends the handling deadline.
    Extend,
    /// 评价: the reporter rates the result.
    Rate,
    /// 重新打开, within the reopening window.
    Reopen,
}

impl CaseAction {
    pub const ALL: [CaseAction; 15] = [
        Self::Accept,
        Self::Reject,
        Self::Merge,
        Self::HandleOnSpot,
        Self::Dispatch,
        Self::Escalate,
        Self::Whistle,
        Self::Acknowledge,
        Self::Return,
        Self::ReportResult,
        Self::Verify,
        Self::Rework,
        Self::Extend,
        Self::Rate,
        Self::Reopen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Reject => "reject",
            Self::Merge => "merge",
            Self::HandleOnSpot => "handle_on_spot",
            Self::Dispatch => "dispatch",
            Self::Escalate => "escalate",
            Self::Whistle => "whistle",
            Self::Acknowledge => "acknowledge",
            Self::Return => "return",
            Self::ReportResult => "report_result",
            Self::Verify => "verify",
            Self::Rework => "rework",
            Self::Extend => "extend",
            Self::Rate => "rate",
            Self::Reopen => "reopen",
        }
    }

    pub fn parse(s: &str) -> Option<CaseAction> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A caller's relation to a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Seat {
    /// An operator of the centre that holds the case now (community, street or district).
    HoldingCentre { level: RegionLevel },
    /// Staff of the grid that holds the case now.
    HoldingGrid,
    /// Staff of the department the case was whistled to.
    HoldingDepartment,
    /// An operator of the centre that registered the case: it verifies, extends and reopens.
    OwningCentre { level: RegionLevel },
    /// Staff of the case's grid (网格员核查), whoever holds the case.
    CaseGrid,
    /// Whoever reported the case.
    Reporter,
}

/// Where a transition leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Next {
    To(CaseState),
    /// The state stays (escalation, extension, rating): the holder or a fact changes.
    Same,
}

/// Who may take an action from a state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    AnyHoldingCentre,
    /// A holding community or street centre (a district has no one above it).
    HoldingCentreBelowDistrict,
    HoldingGrid,
    HoldingDepartment,
    OwningCentre,
    CaseGrid,
    Reporter,
}

impl Who {
    fn admits(self, seat: Seat) -> bool {
        match (self, seat) {
            (Who::AnyHoldingCentre, Seat::HoldingCentre { .. }) => true,
            (Who::HoldingCentreBelowDistrict, Seat::HoldingCentre { level }) => {
                matches!(level, RegionLevel::Community | RegionLevel::Street)
            }
            (Who::HoldingGrid, Seat::HoldingGrid) => true,
            (Who::HoldingDepartment, Seat::HoldingDepartment) => true,
            (Who::OwningCentre, Seat::OwningCentre { .. }) => true,
            (Who::CaseGrid, Seat::CaseGrid) => true,
            (Who::Reporter, Seat::Reporter) => true,
            _ => false,
        }
    }
}

use CaseAction as A;
use CaseState as S;
use Who as W;

/// The lifecycle. Rows are (from, action, who may, next). The app adds what a table cannot say:
/// a dispatch goes down the caller's own subtree, a grid whistles only over a category's
/// direct channel, a rating comes once, a reopening only within its window.
const TABLE: &[(CaseState, CaseAction, &[Who], Next)] = &[
    (
        S::Reported,
        A::Accept,
        &[W::AnyHoldingCentre],
        Next::To(S::Accepted),
    ),
    (
        S::Reported,
        A::Reject,
        &[W::AnyHoldingCentre],
        Next::To(S::Rejected),
    ),
    (S::Reported, A::Merge, &[W::AnyHoldingCentre], Next::To(S::Merged)),
    // Small matters stay in the grid: its own staff resolve and report at once.
    (S::Reported, A::HandleOnSpot, &[W::CaseGrid], Next::To(S::Handled)),
    (
        S::Accepted,
        A::Dispatch,
        &[W::AnyHoldingCentre],
        Next::To(S::Handling),
    ),
    (
        S::Accepted,
        A::Escalate,
        &[W::HoldingCentreBelowDistrict],
        Next::Same,
    ),
    (
        S::Accepted,
        A::Whistle,
        &[W::AnyHoldingCentre],
        Next::To(S::Whistled),
    ),
    // The centre handled it itself.
    (
        S::Accepted,
        A::ReportResult,
        &[W::AnyHoldingCentre],
        Next::To(S::Handled),
    ),
    (
        S::Handling,
        A::ReportResult,
        &[W::HoldingGrid, W::AnyHoldingCentre, W::HoldingDepartment],
        Next::To(S::Handled),
    ),
    (
        S::Handling,
        A::Return,
        &[W::HoldingGrid, W::AnyHoldingCentre, W::HoldingDepartment],
        Next::To(S::Accepted),
    ),
    // A grid whistles over a direct channel; a centre that was dispatched to may whistle too.
    (
        S::Handling,
        A::Whistle,
        &[W::HoldingGrid, W::AnyHoldingCentre],
        Next::To(S::Whistled),
    ),
    (S::Handling, A::Extend, &[W::OwningCentre], Next::Same),
    (
        S::Whistled,
        A::Acknowledge,
        &[W::HoldingDepartment],
        Next::To(S::Handling),
    ),
    (
        S::Whistled,
        A::Return,
        &[W::HoldingDepartment],
        Next::To(S::Accepted),
    ),
    (S::Whistled, A::Extend, &[W::OwningCentre], Next::Same),
    (S::Accepted, A::Extend, &[W::OwningCentre], Next::Same),
    (
        S::Handled,
        A::Verify,
        &[W::OwningCentre, W::CaseGrid],
        Next::To(S::Closed),
    ),
    (
        S::Handled,
        A::Rework,
        &[W::OwningCentre, W::CaseGrid],
        Next::To(S::Handling),
    ),
    (S::Closed, A::Rate, &[W::Reporter], Next::Same),
    (
        S::Closed,
        A::Reopen,
        &[W::OwningCentre, W::Reporter],
        Next::To(S::Accepted),
    ),
];

/// Why an action cannot be taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// No one may take this action from this state (409 `illegal_transition`).
    #[error("{action:?} is not possible on a {state:?} case")]
    Illegal { state: CaseState, action: CaseAction },
    /// The action is possible, but not for this caller (403 `not_your_turn`).
    #[error("this is not yours to do")]
    NotYourTurn,
}

impl TransitionError {
    pub fn code(self) -> &'static str {
        match self {
            Self::Illegal { .. } => "illegal_transition",
            Self::NotYourTurn => "not_your_turn",
        }
    }
}

/// The state after `action`, if one of the caller's `seats` may take it from `state`.
pub fn transition(
    state: CaseState,
    action: CaseAction,
    seats: &[Seat],
) -> Result<CaseState, TransitionError> {
    let (_, _, who, next) = TABLE
        .iter()
        .find(|(from, a, _, _)| *from == state && *a == action)
        .ok_or(TransitionError::Illegal { state, action })?;
    if !who.iter().any(|w| seats.iter().any(|s| w.admits(*s))) {
        return Err(TransitionError::NotYourTurn);
    }
    Ok(match next {
        Next::To(s) => *s,
        Next::Same => state,
    })
}

/// The actions the caller could take now (for the buttons a page shows).
pub fn available(state: CaseState, seats: &[Seat]) -> Vec<CaseAction> {
    TABLE
        .iter()
        .filter(|(from, a, _, _)| *from == state && transition(state, *a, seats).is_ok())
        .map(|(_, a, _, _)| *a)
        .collect()
}

/// A reporter's rating of the result (满意度).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Satisfied,
    Basically,
    NotSatisfied,
}

impl Rating {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Satisfied => "satisfied",
            Self::Basically => "basically",
            Self::NotSatisfied => "not_satisfied",
        }
    }

    pub fn parse(s: &str) -> Option<Rating> {
        [Self::Satisfied, Self::Basically, Self::NotSatisfied]
            .into_iter()
            .find(|r| r.as_str() == s)
    }

    /// Counted as satisfied in 满意率 (满意 and 基本满意, the usual 12345-hotline practice).
    pub fn counts_as_satisfied(self) -> bool {
        !matches!(self, Self::NotSatisfied)
    }
}

/// Where a case comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseSource {
    /// A grid worker on patrol (巡查上报).
    Patrol,
    /// A resident (居民上报).
    Resident,
    /// Transferred from the 12345 hotline.
    Hotline,
    /// Raised by a department.
    Department,
    /// A deliberation decision (议事决议).
    Deliberation,
}

impl CaseSource {
    pub const ALL: [CaseSource; 5] = [
        Self::Patrol,
        Self::Resident,
        Self::Hotline,
        Self::Department,
        Self::Deliberation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Patrol => "patrol",
            Self::Resident => "resident",
            Self::Hotline => "hotline",
            Self::Department => "department",
            Self::Deliberation => "deliberation",
        }
    }

    pub fn parse(s: &str) -> Option<CaseSource> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMUNITY: Seat = Seat::HoldingCentre {
        level: RegionLevel::Community,
    };
    const STREET: Seat = Seat::HoldingCentre {
        level: RegionLevel::Street,
    };
    const DISTRICT: Seat = Seat::HoldingCentre {
        level: RegionLevel::District,
    };
    const OWNER: Seat = Seat::OwningCentre {
        level: RegionLevel::Community,
    };

    #[test]
    fn the_journey_of_a_whistled_case() {
        let mut s = S::Reported;
        for (action, seat, expected) in [
            (A::Accept, COMMUNITY, S::Accepted),
            (A::Escalate, COMMUNITY, S::Accepted),
            (A::Whistle, STREET, S::Whistled),
            (A::Acknowledge, Seat::HoldingDepartment, S::Handling),
            (A::ReportResult, Seat::HoldingDepartment, S::Handled),
            (A::Verify, Seat::CaseGrid, S::Closed),
            (A::Rate, Seat::Reporter, S::Closed),
        ] {
            s = transition(s, action, &[seat]).unwrap();
            assert_eq!(s, expected, "{action:?}");
        }
    }

    #[test]
    fn small_matters_stay_in_the_grid() {
        let s = transition(S::Reported, A::HandleOnSpot, &[Seat::CaseGrid, Seat::Reporter]).unwrap();
        assert_eq!(s, S::Handled);
        assert_eq!(transition(s, A::Verify, &[OWNER]), Ok(S::Closed));
        // A resident who reported cannot close their own case on the spot.
        assert_eq!(
            transition(S::Reported, A::HandleOnSpot, &[Seat::Reporter]),
            Err(TransitionError::NotYourTurn)
        );
    }

    #[test]
    fn wrong_owner_goes_back_for_redispatch() {
        let s = transition(S::Accepted, A::Dispatch, &[COMMUNITY]).unwrap();
        assert_eq!(transition(s, A::Return, &[Seat::HoldingGrid]), Ok(S::Accepted));
        let s = transition(S::Accepted, A::Whistle, &[STREET]).unwrap();
        assert_eq!(
            transition(s, A::Return, &[Seat::HoldingDepartment]),
            Ok(S::Accepted)
        );
    }

    #[test]
    fn rework_goes_back_to_the_handler() {
        assert_eq!(transition(S::Handled, A::Rework, &[OWNER]), Ok(S::Handling));
        assert_eq!(
            transition(S::Handled, A::Rework, &[Seat::Reporter]),
            Err(TransitionError::NotYourTurn)
        );
    }

    #[test]
    fn a_district_has_no_one_to_escalate_to() {
        assert_eq!(
            transition(S::Accepted, A::Escalate, &[DISTRICT]),
            Err(TransitionError::NotYourTurn)
        );
        assert_eq!(transition(S::Accepted, A::Escalate, &[STREET]), Ok(S::Accepted));
    }

    #[test]
    fn illegal_and_wrong_caller_are_told_apart() {
        let e = transition(S::Closed, A::Dispatch, &[COMMUNITY]).unwrap_err();
        assert_eq!(e.code(), "illegal_transition");
        let e = transition(S::Whistled, A::Acknowledge, &[COMMUNITY]).unwrap_err();
        assert_eq!(e.code(), "not_your_turn");
        // Nobody at all: no seats.
        assert_eq!(
            transition(S::Reported, A::Accept, &[]),
            Err(TransitionError::NotYourTurn)
        );
    }

    #[test]
    fn closed_rejected_and_merged_cases_only_take_rating_and_reopening() {
        for s in [S::Rejected, S::Merged] {
            for a in CaseAction::ALL {
                assert!(
                    matches!(
                        transition(s, a, &[COMMUNITY, OWNER, Seat::Reporter, Seat::CaseGrid]),
                        Err(TransitionError::Illegal { .. })
                    ),
                    "{s:?} {a:?}"
                );
            }
        }
        let everyone = [
            COMMUNITY,
            OWNER,
            Seat::Reporter,
            Seat::CaseGrid,
            Seat::HoldingDepartment,
        ];
        assert_eq!(available(S::Closed, &everyone), [A::Rate, A::Reopen]);
    }

    #[test]
    fn the_table_has_one_row_per_state_and_action() {
        for (i, (s, a, _, _)) in TABLE.iter().enumerate() {
            assert!(
                !TABLE[i + 1..].iter().any(|(s2, a2, _, _)| s2 == s && a2 == a),
                "{s:?} {a:?} twice"
            );
        }
    }

    #[test]
    fn names_round_trip() {
        for s in CaseState::ALL {
            assert_eq!(CaseState::parse(s.as_str()), Some(s));
        }
        for a in CaseAction::ALL {
            assert_eq!(CaseAction::parse(a.as_str()), Some(a));
        }
        for s in CaseSource::ALL {
            assert_eq!(CaseSource::parse(s.as_str()), Some(s));
        }
        assert_eq!(Rating::parse("basically"), Some(Rating::Basically));
        assert_eq!(CaseAction::parse("delete"), None);
    }
}
