//! The demo's deliberation platform, played through the same functions the API calls (so every
//! step is checked, on the timeline, notified and audited like a real one), by the demo
//! accounts and a few neighbours of the demo resident:
//!
//! - **The stairwell story** (the report's lead): the resident raises 3号楼楼道照明灯损坏 in
//!   their grid, five neighbours support it, the grid's 议题半月谈 (a fortnightly series) votes
//!   it through with quorum, the resolution is published with no notice period (a safety
//!   matter), becomes a case the grid fixes on the spot and the community verifies, and the
//!   neighbours rate it. The demo resident's own rating is left for them to give.
//! - **A community topic under notice**: 增设电动车充电桩, accepted by the community, voted
//!   through by two thirds of its representatives, its resolution in its five-day 公示.
//! - **A street topic collecting support**: 老旧小区加装电梯, and a grid topic declined with a
//!   published reason.
//! - The series' next 议题半月谈, planned by closing the first.

use crate::auth::Signed;
use crate::deliberation::meetings::{
    self, CheckInInput, MeetingCommand, MeetingEdit, MeetingInput, ParticipantInput, ProposalInput,
};
use crate::deliberation::resolutions::{
    self, CaseOrder, ImplementInput, PublishInput, RatingInput, TaskInput,
};
use crate::deliberation::topics::{self, TopicCommand, TopicInput};
use crate::deliberation::votes::{self, BallotInput};
use crate::{App, AppError, ErrorKind};
use gridgov_domain::RegionCode;
use gridgov_domain::access::DataScope;
use gridgov_domain::case::CaseAction;

/// The demo resident's grid, community and street.
const GRID: &str = "370105001001001";
const COMMUNITY: &str = "370105001001";
const STREET: &str = "370105001000";

/// The demo resident's neighbours, `neighbour1` … `neighbour6` with the demo password: they
/// support, vote and rate (and a browser test signs in as them).
const NEIGHBOURS: [&str; 6] = ["王建国", "李秀英", "张伟", "刘芳", "陈静", "杨帆"];

/// What [`write_deliberation`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeliberationSummary {
    pub topics: usize,
    pub meetings: usize,
    pub resolutions: usize,
}

fn internal(what: &str) -> AppError {
    AppError::new(
        ErrorKind::Internal,
        "demo_failed",
        format!("demo deliberation: {what}"),
    )
}

/// Signs in as an account without a session (the demo acts as its people).
async fn as_user(app: &App, username: &str) -> Result<Signed, AppError> {
    let user = gridgov_store::accounts::user_by_username(app.db.conn(), username)
        .await?
        .ok_or_else(|| internal(&format!("no account {username}")))?;
    let (principal, roles) = crate::access::principal_of(app.db.conn(), &user).await?;
    Ok(Signed {
        user,
        principal,
        roles,
        session_hash: String::new(),
    })
}

/// The demo resident's neighbours, created in their grid.
async fn neighbours(app: &App, district: &str) -> Result<Vec<Signed>, AppError> {
    let actor = crate::audit::Actor::cli("demo");
    let mut out = Vec::new();
    for (i, name) in NEIGHBOURS.iter().enumerate() {
        let username = format!("neighbour{}", i + 1);
        let account = crate::auth::NewAccount {
            district: district.to_owned(),
            username: username.clone(),
            display_name: (*name).to_owned(),
            password: Some(super::DEMO_PASSWORD.into()),
            kind: "resident".into(),
            unit: Some(GRID.into()),
            department_id: None,
            staff_id: None,
            roles: vec![("resident".into(), DataScope::OwnRecords)],
            phone_hash: None,
        };
        crate::auth::create_user(app, &actor, account).await?;
        out.push(as_user(app, &username).await?);
    }
    Ok(out)
}

async fn raise(
    app: &App,
    who: &Signed,
    title: &str,
    text: &str,
    category: &str,
    area: &str,
) -> Result<i64, AppError> {
    let (lon, lat) = point_in(app, area).await?;
    let input = TopicInput {
        title: title.into(),
        description: text.into(),
        category: category.into(),
        area: Some(area.into()),
        lon: Some(lon),
        lat: Some(lat),
        ..TopicInput::default()
    };
    Ok(topics::raise(app, who, input, None).await?.id)
}

/// A point inside a region: a grid's first sub-grid-free spot the locator confirms (the middle
/// of its bounding box, which the demo's grids contain).
async fn point_in(app: &App, code: &str) -> Result<(f64, f64), AppError> {
    let c = RegionCode::parse(code).map_err(|_| internal("bad code"))?;
    let s = gridgov_store::regions::get_summary(app.db.conn(), &c)
        .await?
        .and_then(|s| s.bbox())
        .ok_or_else(|| internal(&format!("no region {code}")))?;
    Ok(((s[0] + s[2]) / 2.0, (s[1] + s[3]) / 2.0))
}

/// A meeting of the area with its participants: the resident representatives (the first
/// `linked` of them linked to accounts), a party member and the property company.
async fn meeting(
    app: &App,
    op: &Signed,
    input: MeetingInput,
    reps: &[(&str, Option<i64>)],
) -> Result<(i64, Vec<i64>), AppError> {
    let id = meetings::create(app, op, input, None).await?.id;
    let mut ids = Vec::new();
    for (name, account) in reps {
        let p = ParticipantInput {
            name: (*name).into(),
            role: "resident_rep".into(),
            unit: Some("3号楼".into()),
            account_id: *account,
            can_vote: None,
        };
        ids.push(meetings::add_participant(app, op, id, p, None).await?.id);
    }
    for (name, role, unit) in [
        ("周红", "party_member", "幸福社区党委"),
        ("赵经理", "property_company", "阳光物业"),
    ] {
        let p = ParticipantInput {
            name: name.into(),
            role: role.into(),
            unit: Some(unit.into()),
            account_id: None,
            can_vote: None,
        };
        ids.push(meetings::add_participant(app, op, id, p, None).await?.id);
    }
    Ok((id, ids))
}

async fn meeting_act(app: &App, op: &Signed, id: i64, action: &str) -> Result<(), AppError> {
    let version = meetings::get(app, op, id).await?.meeting.version;
    let cmd = MeetingCommand {
        action: action.into(),
        version,
    };
    meetings::act(app, op, id, cmd, None).await?;
    Ok(())
}

/// Votes a proposal: the participants check in, each votes as given, the vote closes.
async fn vote(
    app: &App,
    op: &Signed,
    meeting: i64,
    proposal: i64,
    ballots: &[(i64, &str)],
) -> Result<(), AppError> {
    for (p, _) in ballots {
        let input = CheckInInput {
            participant_id: Some(*p),
        };
        meetings::check_in(app, op, meeting, input, None).await?;
    }
    votes::open(app, op, proposal, None).await?;
    for (p, choice) in ballots {
        let input = BallotInput {
            choice: (*choice).into(),
            participant_id: Some(*p),
        };
        votes::cast(app, op, proposal, input, None).await?;
    }
    votes::close(app, op, proposal, None).await?;
    Ok(())
}

async fn case_act(
    app: &App,
    who: &Signed,
    id: i64,
    action: CaseAction,
    comment: &str,
) -> Result<(), AppError> {
    let c = crate::cases::detail(app, who, id).await?.case;
    let cmd = crate::cases::Command {
        action,
        version: c.version,
        comment: Some(comment.into()),
        target: None,
        department_id: None,
        rating: None,
        merge_into: None,
        extend_minutes: None,
        photo_ids: Vec::new(),
    };
    crate::cases::act(app, who, None, id, cmd).await?;
    Ok(())
}

/// Writes the demo's topics, meetings and resolutions in the demo district (after its
/// accounts and case categories).
pub async fn write_deliberation(app: &App, district: &str) -> Result<DeliberationSummary, AppError> {
    let resident = as_user(app, "resident").await?;
    let community = as_user(app, "community").await?;
    let street = as_user(app, "street").await?;
    let worker = as_user(app, "gridworker").await?;
    let folks = neighbours(app, district).await?;
    let mut s = DeliberationSummary::default();

    // The stairwell story.
    let stairwell = raise(
        app,
        &resident,
        "3号楼楼道照明灯损坏",
        "3号楼2单元楼道的声控灯坏了一个多月，晚上楼道一片漆黑，老人上下楼很危险，希望尽快修好。",
        "facilities",
        GRID,
    )
    .await?;
    for n in &folks[..5] {
        topics::support(app, n, stairwell, None).await?;
    }
    let reps: Vec<(&str, Option<i64>)> = vec![
        ("居民", Some(resident.user.id)),
        (NEIGHBOURS[0], Some(folks[0].user.id)),
        (NEIGHBOURS[1], Some(folks[1].user.id)),
        (NEIGHBOURS[2], None),
        (NEIGHBOURS[3], None),
    ];
    let first = MeetingInput {
        area: GRID.into(),
        title: "幸福社区第1网格议题半月谈".into(),
        place: Some("幸福社区党群服务中心二楼议事厅".into()),
        starts_at: Some(app.clock.now()),
        recur_days: Some(14),
        ..MeetingInput::default()
    };
    let (m1, ps) = meeting(app, &community, first, &reps).await?;
    let input = ProposalInput {
        topic_id: Some(stairwell),
        title: None,
        text: Some("由物业公司更换3号楼楼道声控灯，社区网格员跟踪督办。".into()),
    };
    let p1 = meetings::add_proposal(app, &community, m1, input, None).await?.id;
    meeting_act(app, &community, m1, "start").await?;
    let ballots = [
        (ps[1], "for"),
        (ps[2], "for"),
        (ps[3], "for"),
        (ps[4], "abstain"),
        (ps[5], "for"),
    ];
    vote(app, &community, m1, p1, &ballots).await?;
    let version = meetings::get(app, &community, m1).await?.meeting.version;
    let minutes = MeetingEdit {
        version,
        minutes: Some(
            "到会居民代表4人、党员代表1人，物业公司列席。议题：3号楼楼道照明灯损坏。\
             表决结果：赞成4票，弃权1票，通过。物业公司承诺当日更换。"
                .into(),
        ),
        ..MeetingEdit::default()
    };
    meetings::edit(app, &community, m1, minutes, None).await?;
    meeting_act(app, &community, m1, "close").await?;
    s.meetings += 2; // and the series' next one
    let publish = PublishInput {
        proposal_id: p1,
        title: Some("更换3号楼楼道声控灯".into()),
        text: "经议题半月谈表决通过：由阳光物业当日更换3号楼2单元楼道声控灯，网格员现场核实，社区验收。\
               因涉及居民夜间出行安全，不设公示期，立即实施。"
            .into(),
        notice_days: Some(0),
    };
    let r1 = resolutions::publish(app, &community, publish, None)
        .await?
        .resolution;
    let stairwell_category = crate::cases::categories(app, &community)
        .await?
        .into_iter()
        .find(|c| c.code == "municipal.stairwell")
        .ok_or_else(|| internal("no stairwell category"))?;
    let work = ImplementInput {
        version: r1.version,
        cases: vec![CaseOrder {
            category_id: stairwell_category.id,
            address: Some("幸福社区3号楼2单元".into()),
            ..CaseOrder::default()
        }],
        case_ids: Vec::new(),
        tasks: vec![TaskInput {
            title: "阳光物业更换楼道声控灯".into(),
            owner: Some("阳光物业".into()),
            due_on: Some(app.clock.now().date_naive()),
        }],
    };
    let d = resolutions::implement(app, &community, r1.id, work, None).await?;
    let case_id = d.cases.first().map(|c| c.id).ok_or_else(|| internal("no case"))?;
    let task = d.tasks.first().ok_or_else(|| internal("no task"))?;
    let done = resolutions::TaskEdit {
        version: task.version,
        done: true,
        note: Some("已更换声控灯3盏".into()),
    };
    resolutions::edit_task(app, &community, task.id, done, None).await?;
    case_act(
        app,
        &worker,
        case_id,
        CaseAction::HandleOnSpot,
        "物业已更换声控灯，现场试灯正常",
    )
    .await?;
    case_act(
        app,
        &community,
        case_id,
        CaseAction::Verify,
        "社区验收，楼道照明恢复",
    )
    .await?;
    for (n, rating) in folks[..4]
        .iter()
        .zip(["satisfied", "satisfied", "satisfied", "basically"])
    {
        let input = RatingInput {
            rating: rating.into(),
            comment: None,
        };
        resolutions::rate(app, n, stairwell, input, None).await?;
    }
    s.topics += 1;
    s.resolutions += 1;

    // A community topic: accepted, voted through by two thirds, under notice.
    let chargers = raise(
        app,
        &folks[5],
        "小区增设电动车集中充电桩",
        "电动车在楼道里充电有火灾隐患，建议在小区东门空地增设集中充电桩，由物业统一管理。",
        "safety",
        COMMUNITY,
    )
    .await?;
    for n in &folks[..3] {
        topics::support(app, n, chargers, None).await?;
    }
    let version = topics::get(app, &community, chargers).await?.topic.version;
    let accept = TopicCommand {
        action: "accept".into(),
        version,
        note: Some("涉及消防安全，社区受理并提交居民议事会".into()),
        into: None,
    };
    topics::act(app, &community, chargers, accept, None).await?;
    let second = MeetingInput {
        area: COMMUNITY.into(),
        title: "幸福社区居民议事会".into(),
        place: Some("幸福社区党群服务中心".into()),
        starts_at: Some(app.clock.now()),
        pass_share: Some("two_thirds".into()),
        ..MeetingInput::default()
    };
    let reps: Vec<(&str, Option<i64>)> = NEIGHBOURS[..5].iter().map(|n| (*n, None)).collect();
    let (m2, ps) = meeting(app, &community, second, &reps).await?;
    let input = ProposalInput {
        topic_id: Some(chargers),
        title: None,
        text: Some("在小区东门空地建设集中充电车棚，费用由物业与充电运营商承担。".into()),
    };
    let p2 = meetings::add_proposal(app, &community, m2, input, None).await?.id;
    meeting_act(app, &community, m2, "start").await?;
    let ballots = [
        (ps[0], "for"),
        (ps[1], "for"),
        (ps[2], "for"),
        (ps[3], "for"),
        (ps[4], "against"),
        (ps[5], "for"),
    ];
    vote(app, &community, m2, p2, &ballots).await?;
    meeting_act(app, &community, m2, "close").await?;
    s.meetings += 1;
    let publish = PublishInput {
        proposal_id: p2,
        title: Some("东门增设电动车集中充电车棚".into()),
        text: "经居民议事会三分之二以上代表同意：在小区东门空地建设集中充电车棚，公示期满后由物业组织施工。"
            .into(),
        notice_days: Some(5),
    };
    resolutions::publish(app, &community, publish, None).await?;
    s.topics += 1;
    s.resolutions += 1;

    // A street topic collecting support, and a grid topic declined with its reason.
    let lifts = raise(
        app,
        &street,
        "老旧小区加装电梯",
        "辖区1980年代建成的多层住宅无电梯，老年居民上下楼困难，征集加装电梯意愿。",
        "facilities",
        STREET,
    )
    .await?;
    for n in &folks[..4] {
        topics::support(app, n, lifts, None).await?;
    }
    let dogs = raise(
        app,
        &folks[2],
        "禁止在小区内遛狗",
        "小区里遛狗的人多，希望全面禁止。",
        "neighbours",
        GRID,
    )
    .await?;
    let version = topics::get(app, &community, dogs).await?.topic.version;
    let decline = TopicCommand {
        action: "decline".into(),
        version,
        note: Some(
            "全面禁止超出居民公约范围；社区将倡导文明养犬、拴绳出行，并在议题半月谈上讨论养犬公约。".into(),
        ),
        into: None,
    };
    topics::act(app, &community, dogs, decline, None).await?;
    s.topics += 2;
    // The demo resident has read what their topic went through; new moves show as unread.
    let read = crate::deliberation::ReadInput { ids: None, all: true };
    crate::deliberation::mark_read(app, &resident, read).await?;
    Ok(s)
}
