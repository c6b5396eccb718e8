//! The three-level deliberation platform (网络三级议事平台): topics raised at the grid, the
//! community or the street, residents' support, meetings (e.g. the fortnightly 议题半月谈) with
//! participants and attendance, votes under a quorum and a pass threshold, and resolutions
//! published for a notice period (公示) before they are implemented.
//!
//! The rules are pure: what state a topic or a meeting may move to, who may vote and when, and
//! whether a proposal passed. The tests check the vote rule exhaustively over every tally of
//! small meetings, and at random over large ones.

use crate::RegionLevel;
pub use crate::kind::Kind;

kinds!(
    /// The level a topic is raised and deliberated at (三级: 网格、社区、街道).
    Level {
        Grid => "grid", "网格",
        Community => "community", "社区",
        Street => "street", "街道",
    }
);

impl Level {
    /// The level of a region: a sub-grid deliberates as its grid; nothing above the street.
    pub fn of(region: RegionLevel) -> Option<Level> {
        match region {
            RegionLevel::Grid | RegionLevel::Subgrid => Some(Level::Grid),
            RegionLevel::Community => Some(Level::Community),
            RegionLevel::Street => Some(Level::Street),
            RegionLevel::District => None,
        }
    }

    /// The region level a topic of this level concerns.
    pub fn region_level(self) -> RegionLevel {
        match self {
            Level::Grid => RegionLevel::Grid,
            Level::Community => RegionLevel::Community,
            Level::Street => RegionLevel::Street,
        }
    }

    /// Where a topic is referred to when it is too big for this level ("大事不出社区": what the
    /// community cannot settle goes to the street). The street is the top.
    pub fn up(self) -> Option<Level> {
        match self {
            Level::Grid => Some(Level::Community),
            Level::Community => Some(Level::Street),
            Level::Street => None,
        }
    }

    /// Supports that put a topic on the list for the next meeting unless configured otherwise:
    /// a grid is a few buildings, a street tens of thousands of people.
    pub fn default_support_threshold(self) -> u32 {
        match self {
            Level::Grid => 5,
            Level::Community => 10,
            Level::Street => 30,
        }
    }
}

/// A configured support threshold lies in [1, 10 000].
pub fn check_support_threshold(n: u32) -> Result<u32, &'static str> {
    if (1..=10_000).contains(&n) {
        Ok(n)
    } else {
        Err("threshold_out_of_range")
    }
}

kinds!(
    /// What a topic is about (the column `topic.category`).
    TopicCategory {
        Facilities => "facilities", "设施维修",
        Sanitation => "sanitation", "环境卫生",
        Parking => "parking", "停车管理",
        Property => "property", "物业服务",
        Safety => "safety", "安全隐患",
        Neighbours => "neighbours", "邻里关系",
        Activities => "activities", "公共活动",
        Other => "other", "其他",
    }
);

/// A name as the public sees it: the first character and `**` (张三 → 张**). Residents who raise
/// or support topics are not named to the whole district.
pub fn mask_name(name: &str) -> String {
    match name.trim().chars().next() {
        Some(c) => format!("{c}**"),
        None => "**".to_owned(),
    }
}

/// Whether a topic may be merged into another: a different topic that still takes support and
/// whose area is the same as or wider than the merged one's (`within(source, target)` tells
/// whether the source's area lies in the target's). Supporters of the merged topic then support
/// the target, each once.
pub fn may_merge(source_id: i64, target_id: i64, target: TopicState, source_within_target: bool) -> bool {
    source_id != target_id && takes_support(target) && source_within_target
}

kinds!(
    /// Where a topic (议题) is in its life.
    TopicState {
        /// Raised, collecting support (征集中).
        Open => "open", "征集中",
        /// Enough support, or accepted by an operator: waiting for a meeting (待上会).
        Ready => "ready", "待上会",
        /// On a meeting's agenda (已列入议程).
        Scheduled => "scheduled", "已列入议程",
        /// Voted through; a resolution is to be published.
        Passed => "passed", "表决通过",
        /// Voted down (or the meeting lacked a quorum for it).
        Rejected => "rejected", "未通过",
        /// The resolution is published for its notice period (公示中).
        Publicised => "publicised", "公示中",
        /// Turned into cases or tasks that are being done (实施中).
        Implementing => "implementing", "实施中",
        /// Everything the resolution asked for is done (已办结); residents rate it.
        Completed => "completed", "已办结",
        /// Declined with a published reason (不予采纳).
        Declined => "declined", "不予采纳",
        /// Merged into another topic, whose supporters it joins (已合并).
        Merged => "merged", "已合并",
    }
);

kinds!(
    /// What can happen to a topic. Supporting it is not an action: it only ever moves an open
    /// topic to ready (see [`after_support`]).
    TopicAction {
        /// An operator puts it on the list for a meeting without waiting for the threshold.
        Accept => "accept", "受理",
        Schedule => "schedule", "列入议程",
        /// Taken off an agenda (the meeting was cancelled or did not reach it).
        Unschedule => "unschedule", "移出议程",
        Decline => "decline", "不予采纳",
        Merge => "merge", "合并",
        /// Sent to the level above; its state is kept.
        Refer => "refer", "提交上级",
        Pass => "pass", "表决通过",
        Reject => "reject", "表决未通过",
        Publish => "publish", "公示决议",
        Implement => "implement", "转为实施",
        Complete => "complete", "办结",
    }
);

/// A topic action that does not apply in the topic's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{action:?} does not apply to a topic that is {state:?}")]
pub struct TopicTransitionError {
    pub state: TopicState,
    pub action: TopicAction,
}

impl TopicTransitionError {
    pub fn code(self) -> &'static str {
        "invalid_topic_state"
    }
}

/// The state a topic moves to.
pub fn topic_transition(state: TopicState, action: TopicAction) -> Result<TopicState, TopicTransitionError> {
    use TopicAction as A;
    use TopicState as S;
    let next = match (state, action) {
        (S::Open, A::Accept) => S::Ready,
        (S::Open | S::Ready, A::Schedule) => S::Scheduled,
        (S::Scheduled, A::Unschedule) => S::Ready,
        (S::Open | S::Ready, A::Decline) => S::Declined,
        (S::Open | S::Ready, A::Merge) => S::Merged,
        (S::Open | S::Ready, A::Refer) => state,
        (S::Scheduled, A::Pass) => S::Passed,
        (S::Scheduled, A::Reject) => S::Rejected,
        (S::Passed, A::Publish) => S::Publicised,
        (S::Publicised, A::Implement) => S::Implementing,
        (S::Implementing, A::Complete) => S::Completed,
        _ => return Err(TopicTransitionError { state, action }),
    };
    Ok(next)
}

/// Whether residents may still support a topic: until it is on an agenda.
pub fn takes_support(state: TopicState) -> bool {
    matches!(state, TopicState::Open | TopicState::Ready)
}

/// The state after a support brought the count to `supports`: an open topic that reaches the
/// threshold is ready for a meeting.
pub fn after_support(state: TopicState, supports: u32, threshold: u32) -> TopicState {
    if state == TopicState::Open && supports >= threshold {
        TopicState::Ready
    } else {
        state
    }
}

/// Why a resident may not support a topic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SupportError {
    #[error("the topic no longer takes support")]
    Closed,
    #[error("the supporter does not live in the topic's area")]
    OutsideArea,
    #[error("the supporter supports this topic already")]
    Already,
}

impl SupportError {
    pub fn code(self) -> &'static str {
        match self {
            SupportError::Closed => "topic_not_open",
            SupportError::OutsideArea => "outside_area",
            SupportError::Already => "already_supported",
        }
    }
}

/// One support per resident of the topic's area, while the topic takes support.
pub fn check_support(state: TopicState, in_area: bool, already: bool) -> Result<(), SupportError> {
    if !takes_support(state) {
        Err(SupportError::Closed)
    } else if !in_area {
        Err(SupportError::OutsideArea)
    } else if already {
        Err(SupportError::Already)
    } else {
        Ok(())
    }
}

kinds!(
    /// A meeting (议事会) from planning to its end.
    MeetingState {
        Planned => "planned", "待召开",
        /// Participants check in, proposals are voted, minutes are written.
        InSession => "in_session", "进行中",
        /// Over: its attendance, votes and minutes are the record and cannot change.
        Closed => "closed", "已结束",
        Cancelled => "cancelled", "已取消",
    }
);

kinds!(
    MeetingAction {
        Start => "start", "开始",
        Close => "close", "结束",
        Cancel => "cancel", "取消",
    }
);

/// Why a meeting cannot do something.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MeetingError {
    #[error("the meeting is over and can no longer be changed")]
    Closed,
    #[error("the meeting is not in session")]
    NotInSession,
    #[error("{action:?} does not apply to a meeting that is {state:?}")]
    Transition {
        state: MeetingState,
        action: MeetingAction,
    },
}

impl MeetingError {
    pub fn code(self) -> &'static str {
        match self {
            MeetingError::Closed => "meeting_closed",
            MeetingError::NotInSession => "meeting_not_in_session",
            MeetingError::Transition { .. } => "invalid_meeting_state",
        }
    }
}

pub fn meeting_transition(state: MeetingState, action: MeetingAction) -> Result<MeetingState, MeetingError> {
    use MeetingAction as A;
    use MeetingState as S;
    match (state, action) {
        (S::Planned, A::Start) => Ok(S::InSession),
        (S::InSession, A::Close) => Ok(S::Closed),
        (S::Planned, A::Cancel) => Ok(S::Cancelled),
        (S::Closed | S::Cancelled, _) => Err(MeetingError::Closed),
        _ => Err(MeetingError::Transition { state, action }),
    }
}

/// A meeting's agenda, participants, minutes and attachments may change until it is over.
pub fn check_editable(state: MeetingState) -> Result<(), MeetingError> {
    match state {
        MeetingState::Planned | MeetingState::InSession => Ok(()),
        MeetingState::Closed | MeetingState::Cancelled => Err(MeetingError::Closed),
    }
}

/// Participants check in, and proposals are voted, only while the meeting is in session.
pub fn check_in_session(state: MeetingState) -> Result<(), MeetingError> {
    match state {
        MeetingState::InSession => Ok(()),
        MeetingState::Closed | MeetingState::Cancelled => Err(MeetingError::Closed),
        MeetingState::Planned => Err(MeetingError::NotInSession),
    }
}

/// A recurring meeting's interval lies in [1, 92] days (the 议题半月谈 is 14).
pub fn check_recurrence_days(days: u32) -> Result<u32, &'static str> {
    if (1..=92).contains(&days) {
        Ok(days)
    } else {
        Err("recurrence_out_of_range")
    }
}

kinds!(
    /// Who a participant is at a meeting.
    ParticipantRole {
        /// Presides; a community or street secretary usually.
        Host => "host", "主持人",
        ResidentRep => "resident_rep", "居民代表",
        PartyMember => "party_member", "党员代表",
        GridWorker => "grid_worker", "网格员",
        PropertyCompany => "property_company", "物业公司",
        Department => "department", "职能部门",
        Expert => "expert", "专家",
    }
);

impl ParticipantRole {
    /// Whether the role votes unless the organiser says otherwise: the residents' and party
    /// members' representatives decide; the others advise, answer and carry out.
    pub fn votes_by_default(self) -> bool {
        matches!(self, ParticipantRole::ResidentRep | ParticipantRole::PartyMember)
    }
}

kinds!(
    /// A ballot's choice.
    Choice {
        For => "for", "赞成",
        Against => "against", "反对",
        Abstain => "abstain", "弃权",
    }
);

kinds!(
    /// How votes are cast: open (记名, who voted what is recorded) or secret (不记名, only that
    /// someone voted is linked to them; the choices are counted apart).
    BallotKind {
        Open => "open", "记名投票",
        Secret => "secret", "不记名投票",
    }
);

kinds!(
    /// A proposal (表决事项) of a meeting.
    ProposalState {
        Draft => "draft", "待表决",
        Voting => "voting", "表决中",
        /// Counted: the result, the turnout and the quorum are recorded and final.
        Closed => "closed", "已表决",
    }
);

kinds!(
    /// A share of a whole, as meetings' rules are written (Chinese "以上" includes the number:
    /// 三分之二以上 is two thirds or more; 过半数 is more than half).
    Share {
        MoreThanHalf => "more_than_half", "过半数",
        TwoThirds => "two_thirds", "三分之二以上",
        ThreeQuarters => "three_quarters", "四分之三以上",
        All => "all", "全体一致",
    }
);

impl Share {
    /// Whether `part` of `whole` is this share. Nothing is a share of an empty whole.
    pub fn of(self, part: u32, whole: u32) -> bool {
        let (p, w) = (u64::from(part), u64::from(whole));
        if w == 0 {
            return false;
        }
        match self {
            Share::MoreThanHalf => 2 * p > w,
            Share::TwoThirds => 3 * p >= 2 * w,
            Share::ThreeQuarters => 4 * p >= 3 * w,
            Share::All => p >= w,
        }
    }
}

kinds!(
    /// What the votes for a proposal are counted against.
    PassBase {
        /// The votes cast (abstentions count as cast).
        Cast => "cast", "投票人数",
        /// The eligible voters present.
        Present => "present", "出席人数",
        /// All eligible voters, present or not.
        Eligible => "eligible", "应到人数",
    }
);

/// A meeting's vote rule: enough eligible voters present (the quorum, a share of the eligible),
/// and enough votes for (a share of the base).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VoteRule {
    pub quorum: Share,
    pub pass: Share,
    pub base: PassBase,
}

impl Default for VoteRule {
    /// More than half of the eligible present, more than half of those present for: the usual
    /// rule of residents' meetings.
    fn default() -> VoteRule {
        VoteRule {
            quorum: Share::MoreThanHalf,
            pass: Share::MoreThanHalf,
            base: PassBase::Present,
        }
    }
}

/// The count of a proposal's vote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tally {
    /// Participants entitled to vote.
    pub eligible: u32,
    /// Of those, checked in.
    pub present: u32,
    pub for_votes: u32,
    pub against: u32,
    pub abstain: u32,
}

impl Tally {
    pub fn cast(&self) -> u32 {
        self.for_votes + self.against + self.abstain
    }

    /// Adds one ballot.
    pub fn count(&mut self, c: Choice) {
        match c {
            Choice::For => self.for_votes += 1,
            Choice::Against => self.against += 1,
            Choice::Abstain => self.abstain += 1,
        }
    }
}

/// A tally that cannot have happened: more present than eligible, or more votes than present.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("more present than eligible or more votes than voters present")]
pub struct InconsistentTally;

/// A proposal's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Outcome {
    pub quorum_met: bool,
    /// Passed: the quorum was met and the votes for are the pass share of the base.
    pub passed: bool,
}

/// Decides a proposal under a rule. Without a quorum nothing passes, however the votes went.
pub fn decide(rule: VoteRule, t: Tally) -> Result<Outcome, InconsistentTally> {
    let cast = u64::from(t.for_votes) + u64::from(t.against) + u64::from(t.abstain);
    if t.present > t.eligible || cast > u64::from(t.present) {
        return Err(InconsistentTally);
    }
    let quorum_met = rule.quorum.of(t.present, t.eligible);
    let base = match rule.base {
        PassBase::Cast => t.cast(),
        PassBase::Present => t.present,
        PassBase::Eligible => t.eligible,
    };
    Ok(Outcome {
        quorum_met,
        passed: quorum_met && rule.pass.of(t.for_votes, base),
    })
}

/// The turnout in per cent (votes cast of the eligible), one decimal; 0 with nobody eligible.
pub fn turnout_percent(t: Tally) -> f64 {
    if t.eligible == 0 {
        0.0
    } else {
        (f64::from(t.cast()) * 1000.0 / f64::from(t.eligible)).round() / 10.0
    }
}

/// A participant as the ballot rule sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Voter {
    /// Entitled to vote at this meeting.
    pub eligible: bool,
    /// Checked in.
    pub present: bool,
    /// Has voted on this proposal already.
    pub voted: bool,
}

/// Why a ballot is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BallotError {
    #[error("voting on the proposal has not started")]
    NotOpen,
    #[error("voting on the proposal is closed")]
    Closed,
    #[error("not entitled to vote at this meeting")]
    NotEligible,
    #[error("only participants who checked in vote")]
    NotPresent,
    #[error("voted already")]
    AlreadyVoted,
}

impl BallotError {
    pub fn code(self) -> &'static str {
        match self {
            BallotError::NotOpen => "voting_not_open",
            BallotError::Closed => "voting_closed",
            BallotError::NotEligible => "not_eligible",
            BallotError::NotPresent => "not_checked_in",
            BallotError::AlreadyVoted => "already_voted",
        }
    }
}

/// One vote per eligible participant who checked in, while the proposal is being voted. `None`:
/// not a participant of the meeting at all.
pub fn check_ballot(state: ProposalState, voter: Option<Voter>) -> Result<(), BallotError> {
    match state {
        ProposalState::Draft => return Err(BallotError::NotOpen),
        ProposalState::Closed => return Err(BallotError::Closed),
        ProposalState::Voting => {}
    }
    match voter {
        None | Some(Voter { eligible: false, .. }) => Err(BallotError::NotEligible),
        Some(Voter { present: false, .. }) => Err(BallotError::NotPresent),
        Some(Voter { voted: true, .. }) => Err(BallotError::AlreadyVoted),
        Some(_) => Ok(()),
    }
}

/// A resolution's notice period (公示期) lies in [0, 30] days; 0 is for urgent safety matters,
/// implemented at once (the stairwell without light).
pub fn check_notice_days(days: u32) -> Result<u32, &'static str> {
    if days <= 30 {
        Ok(days)
    } else {
        Err("notice_out_of_range")
    }
}

/// The notice period's end: `days` whole days after publishing.
pub fn notice_ends(published: chrono::DateTime<chrono::Utc>, days: u32) -> chrono::DateTime<chrono::Utc> {
    published + chrono::Duration::days(i64::from(days))
}

/// A published resolution may be implemented once its notice period is over.
pub fn may_implement(now: chrono::DateTime<chrono::Utc>, notice_ends: chrono::DateTime<chrono::Utc>) -> bool {
    now >= notice_ends
}

kinds!(
    /// Where a resolution (决议) is, from publishing to done. Derived from its dates, never
    /// stored apart from them.
    ResolutionState {
        /// Published for its notice period (公示中); implementable once the period is over.
        Publicised => "publicised", "公示中",
        /// Turned into cases and tasks being done (实施中).
        Implementing => "implementing", "实施中",
        /// Every case closed and every task done (已办结).
        Completed => "completed", "已办结",
    }
);

/// A resolution's state from whether it was implemented and completed.
pub fn resolution_state(implemented: bool, completed: bool) -> ResolutionState {
    match (implemented, completed) {
        (_, true) => ResolutionState::Completed,
        (true, false) => ResolutionState::Implementing,
        (false, false) => ResolutionState::Publicised,
    }
}

/// Why a resolution cannot be implemented now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImplementError {
    #[error("the resolution's notice period is still running")]
    NoticeRunning,
    #[error("the resolution is being implemented already")]
    Already,
    #[error("give at least one case or task")]
    Nothing,
}

impl ImplementError {
    pub fn code(self) -> &'static str {
        match self {
            ImplementError::NoticeRunning => "notice_running",
            ImplementError::Already => "already_implemented",
            ImplementError::Nothing => "nothing_to_implement",
        }
    }
}

/// A resolution is implemented once, after its notice period, by at least one case or task.
pub fn check_implement(
    now: chrono::DateTime<chrono::Utc>,
    notice_ends: chrono::DateTime<chrono::Utc>,
    implemented: bool,
    items: usize,
) -> Result<(), ImplementError> {
    if implemented {
        Err(ImplementError::Already)
    } else if !may_implement(now, notice_ends) {
        Err(ImplementError::NoticeRunning)
    } else if items == 0 {
        Err(ImplementError::Nothing)
    } else {
        Ok(())
    }
}

/// Whether an implementation is complete: it has cases or tasks, and every one is done (a case
/// closed, rejected or merged; a task marked done).
pub fn implementation_complete(done: impl IntoIterator<Item = bool>) -> bool {
    let mut any = false;
    for d in done {
        if !d {
            return false;
        }
        any = true;
    }
    any
}

/// Why a resident may not rate a topic's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RatingError {
    #[error("the topic is not completed yet")]
    NotCompleted,
    #[error("the rater does not live in the topic's area")]
    OutsideArea,
    #[error("the rater rated this topic already")]
    Already,
}

impl RatingError {
    pub fn code(self) -> &'static str {
        match self {
            RatingError::NotCompleted => "topic_not_completed",
            RatingError::OutsideArea => "outside_area",
            RatingError::Already => "already_rated",
        }
    }
}

/// Residents of the topic's area rate its outcome once, when it is completed.
pub fn check_rating(state: TopicState, in_area: bool, already: bool) -> Result<(), RatingError> {
    if state != TopicState::Completed {
        Err(RatingError::NotCompleted)
    } else if !in_area {
        Err(RatingError::OutsideArea)
    } else if already {
        Err(RatingError::Already)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::Kind;
    use crate::rng::SplitMix64;

    #[test]
    fn topic_categories_parse_from_code_or_label() {
        assert_eq!(TopicCategory::parse("设施维修"), Some(TopicCategory::Facilities));
        assert_eq!(TopicCategory::parse("parking"), Some(TopicCategory::Parking));
        assert_eq!(TopicCategory::parse(" 其他 "), Some(TopicCategory::Other));
        assert_eq!(TopicCategory::parse("weather"), None);
        assert_eq!(TopicCategory::ALL.len(), 8);
        for c in TopicCategory::ALL {
            assert!(c.code().len() <= 32, "fits topic.category");
        }
    }

    #[test]
    fn names_are_masked_to_their_first_character() {
        assert_eq!(mask_name("张三"), "张**");
        assert_eq!(mask_name(" 欧阳娜娜"), "欧**");
        assert_eq!(mask_name(""), "**");
    }

    #[test]
    fn topics_merge_into_other_open_topics_of_the_same_or_a_wider_area() {
        assert!(may_merge(1, 2, TopicState::Open, true));
        assert!(may_merge(1, 2, TopicState::Ready, true));
        assert!(!may_merge(1, 1, TopicState::Open, true), "not into itself");
        assert!(
            !may_merge(1, 2, TopicState::Open, false),
            "not into a narrower or other area"
        );
        for s in TopicState::ALL {
            if !matches!(s, TopicState::Open | TopicState::Ready) {
                assert!(!may_merge(1, 2, *s, true), "{s:?}");
            }
        }
    }

    const SHARES: [Share; 4] = [
        Share::MoreThanHalf,
        Share::TwoThirds,
        Share::ThreeQuarters,
        Share::All,
    ];
    const BASES: [PassBase; 3] = [PassBase::Cast, PassBase::Present, PassBase::Eligible];

    fn rules() -> impl Iterator<Item = VoteRule> {
        SHARES.into_iter().flat_map(|quorum| {
            SHARES
                .into_iter()
                .flat_map(move |pass| BASES.into_iter().map(move |base| VoteRule { quorum, pass, base }))
        })
    }

    /// Every possible tally of a meeting with up to `max` eligible voters.
    fn tallies(max: u32) -> impl Iterator<Item = Tally> {
        (0..=max).flat_map(|eligible| {
            (0..=eligible).flat_map(move |present| {
                (0..=present).flat_map(move |for_votes| {
                    (0..=present - for_votes).flat_map(move |against| {
                        (0..=present - for_votes - against).map(move |abstain| Tally {
                            eligible,
                            present,
                            for_votes,
                            against,
                            abstain,
                        })
                    })
                })
            })
        })
    }

    fn random_tally(rng: &mut SplitMix64) -> Tally {
        let eligible = rng.below(100_000) as u32;
        let present = rng.below(eligible as usize + 1) as u32;
        let for_votes = rng.below(present as usize + 1) as u32;
        let against = rng.below((present - for_votes) as usize + 1) as u32;
        let abstain = rng.below((present - for_votes - against) as usize + 1) as u32;
        Tally {
            eligible,
            present,
            for_votes,
            against,
            abstain,
        }
    }

    /// Small meetings exhaustively, large ones at random.
    fn every_case(mut check: impl FnMut(VoteRule, Tally)) {
        for t in tallies(9) {
            for r in rules() {
                check(r, t);
            }
        }
        let mut rng = SplitMix64::new(6);
        for _ in 0..20_000 {
            let t = random_tally(&mut rng);
            for r in rules() {
                check(r, t);
            }
        }
    }

    fn passed(r: VoteRule, t: Tally) -> bool {
        decide(r, t).map(|o| o.passed).unwrap_or(false)
    }

    #[test]
    fn nothing_passes_without_a_quorum() {
        every_case(|r, t| {
            let o = decide(r, t).unwrap_or(Outcome {
                quorum_met: false,
                passed: true,
            });
            assert!(!o.passed || o.quorum_met, "{r:?} {t:?}");
        });
    }

    #[test]
    fn a_vote_changed_to_for_never_makes_a_proposal_fail() {
        every_case(|r, t| {
            let before = passed(r, t);
            if t.against > 0 {
                let u = Tally {
                    against: t.against - 1,
                    for_votes: t.for_votes + 1,
                    ..t
                };
                assert!(!before || passed(r, u), "{r:?} {t:?}");
            }
            if t.abstain > 0 {
                let u = Tally {
                    abstain: t.abstain - 1,
                    for_votes: t.for_votes + 1,
                    ..t
                };
                assert!(!before || passed(r, u), "{r:?} {t:?}");
            }
            // One more voter present who votes for.
            if t.present < t.eligible {
                let u = Tally {
                    present: t.present + 1,
                    for_votes: t.for_votes + 1,
                    ..t
                };
                assert!(!before || passed(r, u), "{r:?} {t:?}");
            }
        });
    }

    #[test]
    fn a_stricter_share_or_a_larger_base_only_passes_less() {
        every_case(|r, t| {
            for w in SHARES.windows(2) {
                let (weaker, stricter) = (w[0], w[1]);
                if passed(VoteRule { pass: stricter, ..r }, t) {
                    assert!(passed(VoteRule { pass: weaker, ..r }, t), "{r:?} {t:?}");
                }
                if passed(
                    VoteRule {
                        quorum: stricter,
                        ..r
                    },
                    t,
                ) {
                    assert!(passed(VoteRule { quorum: weaker, ..r }, t), "{r:?} {t:?}");
                }
            }
            for w in BASES.windows(2) {
                if passed(VoteRule { base: w[1], ..r }, t) {
                    assert!(passed(VoteRule { base: w[0], ..r }, t), "{r:?} {t:?}");
                }
            }
        });
    }

    #[test]
    fn more_than_half_never_passes_both_ways() {
        every_case(|r, t| {
            if r.pass != Share::MoreThanHalf {
                return;
            }
            let swapped = Tally {
                for_votes: t.against,
                against: t.for_votes,
                ..t
            };
            assert!(!(passed(r, t) && passed(r, swapped)), "{r:?} {t:?}");
        });
    }

    #[test]
    fn shares_are_exact_at_their_boundaries() {
        assert!(!Share::MoreThanHalf.of(5, 10), "half is not more than half");
        assert!(Share::MoreThanHalf.of(6, 10));
        assert!(Share::MoreThanHalf.of(1, 1));
        assert!(Share::TwoThirds.of(2, 3), "以上 includes two thirds");
        assert!(!Share::TwoThirds.of(13, 20));
        assert!(Share::TwoThirds.of(14, 20));
        assert!(Share::ThreeQuarters.of(15, 20) && !Share::ThreeQuarters.of(14, 20));
        assert!(Share::All.of(7, 7) && !Share::All.of(6, 7));
        assert!(!Share::All.of(0, 0), "nothing is a share of nobody");
        assert!(Share::MoreThanHalf.of(u32::MAX, u32::MAX), "no overflow");
    }

    #[test]
    fn the_usual_rule_on_the_stairwell_vote() {
        // 15 representatives, 11 came, 9 for, 1 against, 1 abstained: quorum and majority.
        let t = Tally {
            eligible: 15,
            present: 11,
            for_votes: 9,
            against: 1,
            abstain: 1,
        };
        assert_eq!(
            decide(VoteRule::default(), t),
            Ok(Outcome {
                quorum_met: true,
                passed: true
            })
        );
        assert!((turnout_percent(t) - 73.3).abs() < 1e-9);
        // Only 7 came: no quorum, although all 7 voted for.
        let few = Tally {
            eligible: 15,
            present: 7,
            for_votes: 7,
            against: 0,
            abstain: 0,
        };
        assert_eq!(
            decide(VoteRule::default(), few),
            Ok(Outcome {
                quorum_met: false,
                passed: false
            })
        );
        // Two thirds of all eligible: 9 of 15 is not enough.
        let strict = VoteRule {
            pass: Share::TwoThirds,
            base: PassBase::Eligible,
            ..VoteRule::default()
        };
        assert!(
            !decide(strict, t)
                .unwrap_or(Outcome {
                    quorum_met: true,
                    passed: true
                })
                .passed
        );
    }

    #[test]
    fn impossible_tallies_are_refused() {
        let base = Tally {
            eligible: 5,
            present: 3,
            ..Tally::default()
        };
        assert_eq!(
            decide(VoteRule::default(), Tally { present: 6, ..base }),
            Err(InconsistentTally)
        );
        assert_eq!(
            decide(
                VoteRule::default(),
                Tally {
                    for_votes: 2,
                    against: 2,
                    ..base
                }
            ),
            Err(InconsistentTally)
        );
        assert_eq!(
            decide(
                VoteRule::default(),
                Tally {
                    for_votes: u32::MAX,
                    against: u32::MAX,
                    ..base
                }
            ),
            Err(InconsistentTally)
        );
        assert_eq!(turnout_percent(Tally::default()), 0.0);
    }

    #[test]
    fn one_ballot_per_eligible_present_participant_while_voting() {
        let ok = Voter {
            eligible: true,
            present: true,
            voted: false,
        };
        assert_eq!(check_ballot(ProposalState::Voting, Some(ok)), Ok(()));
        assert_eq!(
            check_ballot(ProposalState::Draft, Some(ok)),
            Err(BallotError::NotOpen)
        );
        assert_eq!(
            check_ballot(ProposalState::Closed, Some(ok)),
            Err(BallotError::Closed)
        );
        assert_eq!(
            check_ballot(ProposalState::Voting, None),
            Err(BallotError::NotEligible)
        );
        let not = |v: Voter| check_ballot(ProposalState::Voting, Some(v)).map_err(BallotError::code);
        assert_eq!(
            not(Voter {
                eligible: false,
                ..ok
            }),
            Err("not_eligible")
        );
        assert_eq!(not(Voter { present: false, ..ok }), Err("not_checked_in"));
        assert_eq!(not(Voter { voted: true, ..ok }), Err("already_voted"));
    }

    #[test]
    fn a_topic_goes_from_raised_to_completed_and_nowhere_else() {
        use TopicAction as A;
        use TopicState as S;
        let mut s = S::Open;
        for (a, next) in [
            (A::Refer, S::Open),
            (A::Schedule, S::Scheduled),
            (A::Unschedule, S::Ready),
            (A::Schedule, S::Scheduled),
            (A::Pass, S::Passed),
            (A::Publish, S::Publicised),
            (A::Implement, S::Implementing),
            (A::Complete, S::Completed),
        ] {
            s = topic_transition(s, a).unwrap_or(S::Declined);
            assert_eq!(s, next, "after {a:?}");
        }
        // Ends are ends, and only waiting topics can be declined, merged or referred.
        for &state in S::ALL {
            for &action in A::ALL {
                let r = topic_transition(state, action);
                if matches!(state, S::Completed | S::Declined | S::Merged | S::Rejected) {
                    assert!(r.is_err(), "{state:?} {action:?}");
                }
                if matches!(action, A::Decline | A::Merge | A::Refer) {
                    assert_eq!(r.is_ok(), takes_support(state), "{state:?} {action:?}");
                }
            }
        }
        assert_eq!(
            topic_transition(S::Open, A::Publish).map_err(TopicTransitionError::code),
            Err("invalid_topic_state")
        );
    }

    #[test]
    fn supports_open_a_topic_at_the_threshold_once_per_resident_of_the_area() {
        assert_eq!(after_support(TopicState::Open, 4, 5), TopicState::Open);
        assert_eq!(after_support(TopicState::Open, 5, 5), TopicState::Ready);
        assert_eq!(after_support(TopicState::Ready, 9, 5), TopicState::Ready);
        assert_eq!(check_support(TopicState::Open, true, false), Ok(()));
        assert_eq!(check_support(TopicState::Ready, true, false), Ok(()));
        let code = |s, a, b| check_support(s, a, b).map_err(SupportError::code);
        assert_eq!(code(TopicState::Scheduled, true, false), Err("topic_not_open"));
        assert_eq!(code(TopicState::Open, false, false), Err("outside_area"));
        assert_eq!(code(TopicState::Open, true, true), Err("already_supported"));
        assert_eq!(check_support_threshold(0), Err("threshold_out_of_range"));
        assert_eq!(check_support_threshold(5), Ok(5));
    }

    #[test]
    fn a_closed_meeting_is_the_record() {
        use MeetingAction as A;
        use MeetingState as S;
        assert_eq!(meeting_transition(S::Planned, A::Start), Ok(S::InSession));
        assert_eq!(meeting_transition(S::InSession, A::Close), Ok(S::Closed));
        assert_eq!(meeting_transition(S::Planned, A::Cancel), Ok(S::Cancelled));
        for a in [A::Start, A::Close, A::Cancel] {
            assert_eq!(
                meeting_transition(S::Closed, a).map_err(MeetingError::code),
                Err("meeting_closed")
            );
        }
        assert_eq!(
            meeting_transition(S::InSession, A::Cancel).map_err(MeetingError::code),
            Err("invalid_meeting_state")
        );
        assert_eq!(check_editable(S::InSession), Ok(()));
        assert_eq!(check_editable(S::Closed), Err(MeetingError::Closed));
        assert_eq!(
            check_in_session(S::Planned).map_err(MeetingError::code),
            Err("meeting_not_in_session")
        );
        assert_eq!(check_in_session(S::Cancelled), Err(MeetingError::Closed));
    }

    #[test]
    fn levels_follow_the_region_tree() {
        assert_eq!(Level::of(RegionLevel::Subgrid), Some(Level::Grid));
        assert_eq!(Level::of(RegionLevel::District), None);
        assert_eq!(Level::Grid.up(), Some(Level::Community));
        assert_eq!(Level::Street.up(), None);
        for &l in Level::ALL {
            assert_eq!(Level::of(l.region_level()), Some(l));
            assert!(check_support_threshold(l.default_support_threshold()).is_ok());
        }
        assert_eq!(Level::parse("社区"), Some(Level::Community));
    }

    #[test]
    fn notices_and_intervals() {
        let t0 = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
        assert!(may_implement(t0, notice_ends(t0, 0)));
        assert!(!may_implement(t0, notice_ends(t0, 3)));
        assert!(may_implement(t0 + chrono::Duration::days(3), notice_ends(t0, 3)));
        assert_eq!(check_notice_days(31), Err("notice_out_of_range"));
        assert_eq!(check_recurrence_days(14), Ok(14));
        assert_eq!(check_recurrence_days(0), Err("recurrence_out_of_range"));
        assert!(ParticipantRole::ResidentRep.votes_by_default());
        assert!(!ParticipantRole::Department.votes_by_default());
    }

    #[test]
    fn a_resolution_is_implemented_once_after_its_notice_with_something_to_do() {
        let t0 = chrono::DateTime::parse_from_rfc3339("2026-12-01T08:00:00Z")
            .map(|t| t.with_timezone(&chrono::Utc))
            .unwrap_or_default();
        let ends = notice_ends(t0, 3);
        let before = ends - chrono::Duration::seconds(1);
        assert_eq!(
            check_implement(before, ends, false, 1),
            Err(ImplementError::NoticeRunning)
        );
        assert_eq!(
            check_implement(ends, ends, false, 1),
            Ok(()),
            "the end itself is after"
        );
        assert_eq!(check_implement(ends, ends, true, 1), Err(ImplementError::Already));
        assert_eq!(
            check_implement(ends, ends, false, 0),
            Err(ImplementError::Nothing)
        );
        // No notice: at once (the stairwell without light).
        assert_eq!(check_implement(t0, notice_ends(t0, 0), false, 1), Ok(()));
        assert_eq!(ImplementError::NoticeRunning.code(), "notice_running");
    }

    #[test]
    fn an_implementation_is_complete_when_everything_is_done_and_there_was_something() {
        assert!(!implementation_complete([]), "nothing to do is not done");
        assert!(implementation_complete([true]));
        assert!(implementation_complete([true, true, true]));
        assert!(!implementation_complete([true, false, true]));
        assert_eq!(resolution_state(false, false), ResolutionState::Publicised);
        assert_eq!(resolution_state(true, false), ResolutionState::Implementing);
        assert_eq!(resolution_state(true, true), ResolutionState::Completed);
    }

    #[test]
    fn residents_of_the_area_rate_a_completed_topic_once() {
        assert_eq!(check_rating(TopicState::Completed, true, false), Ok(()));
        for s in TopicState::ALL
            .iter()
            .copied()
            .filter(|s| *s != TopicState::Completed)
        {
            assert_eq!(
                check_rating(s, true, false),
                Err(RatingError::NotCompleted),
                "{s:?}"
            );
        }
        assert_eq!(
            check_rating(TopicState::Completed, false, false),
            Err(RatingError::OutsideArea)
        );
        assert_eq!(
            check_rating(TopicState::Completed, true, true),
            Err(RatingError::Already)
        );
        assert_eq!(RatingError::Already.code(), "already_rated");
    }
}
