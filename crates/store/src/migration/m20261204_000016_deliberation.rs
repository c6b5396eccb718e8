//! The three-level deliberation platform (网络三级议事平台): topics (议题) with their supports,
//! photos and public timeline; meetings (议事会) with participants, attendance and attachments;
//! proposals (表决事项) with their ballots and final tallies; resolutions (决议) with the cases
//! and tasks that implement them and residents' ratings; notifications to supporters; and each
//! district's support thresholds per level.
//!
//! Topics, meetings and resolutions are located like the registry: the area's code in
//! `region_code` (a grid, a community or a street) with its street (and community, below the
//! street) beside it, so scope is a prefix range as everywhere.
//!
//! A secret ballot (不记名) stores that a participant voted, never what: its `choice` is null
//! and the choice only adds to the proposal's counts in the same transaction. One ballot per
//! participant and proposal, one support per account and topic, one rating per account and
//! topic are unique keys, so a retried or raced request cannot count twice.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Topic {
    Table,
    Id,
    DistrictCode,
    StreetCode,
    CommunityCode,
    RegionCode,
    Level,
    Title,
    Description,
    Category,
    State,
    Supports,
    SupportThreshold,
    RaisedBy,
    RaiserKind,
    RaiserName,
    CaseId,
    MergedInto,
    MeetingId,
    DecisionNote,
    Lon,
    Lat,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum TopicSupport {
    Table,
    Id,
    TopicId,
    AccountId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum TopicPhoto {
    Table,
    Id,
    DistrictCode,
    TopicId,
    Sha256,
    Mime,
    Bytes,
    Path,
    ThumbPath,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum TopicEvent {
    Table,
    Id,
    TopicId,
    Action,
    Note,
    ActorId,
    ActorName,
    At,
}

#[derive(DeriveIden, Clone, Copy)]
enum TopicRating {
    Table,
    Id,
    TopicId,
    AccountId,
    Rating,
    Comment,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Notification {
    Table,
    Id,
    DistrictCode,
    AccountId,
    TopicId,
    Action,
    Title,
    CreatedAt,
    ReadAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum DeliberationSetting {
    Table,
    DistrictCode,
    Level,
    SupportThreshold,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Meeting {
    Table,
    Id,
    DistrictCode,
    StreetCode,
    CommunityCode,
    RegionCode,
    Level,
    Title,
    Place,
    StartsAt,
    RecurDays,
    SeriesId,
    State,
    Quorum,
    PassShare,
    PassBase,
    BallotKind,
    Minutes,
    StartedAt,
    ClosedAt,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MeetingParticipant {
    Table,
    Id,
    MeetingId,
    Name,
    Role,
    Unit,
    AccountId,
    CanVote,
    CheckedInAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MeetingAttachment {
    Table,
    Id,
    DistrictCode,
    MeetingId,
    Name,
    Sha256,
    Mime,
    Bytes,
    Path,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Proposal {
    Table,
    Id,
    DistrictCode,
    MeetingId,
    TopicId,
    Position,
    Title,
    Text,
    State,
    BallotKind,
    Quorum,
    PassShare,
    PassBase,
    Eligible,
    Present,
    ForVotes,
    Against,
    Abstain,
    QuorumMet,
    Passed,
    OpenedAt,
    ClosedAt,
    Version,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Ballot {
    Table,
    Id,
    ProposalId,
    ParticipantId,
    Choice,
    RecordedBy,
    CastAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Resolution {
    Table,
    Id,
    DistrictCode,
    StreetCode,
    CommunityCode,
    RegionCode,
    TopicId,
    MeetingId,
    ProposalId,
    Title,
    Text,
    NoticeDays,
    PublishedAt,
    NoticeEndsAt,
    ImplementedAt,
    CompletedAt,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ResolutionCase {
    Table,
    Id,
    ResolutionId,
    CaseId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ResolutionTask {
    Table,
    Id,
    ResolutionId,
    Position,
    Title,
    Owner,
    DueOn,
    DoneAt,
    Note,
    Version,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Cases {
    Table,
    Id,
}

/// `CREATE INDEX name ON table (cols…)`.
fn index<T: Iden + Copy + 'static>(table: T, name: &str, cols: &[T]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(*c);
    }
    i
}

fn fk<A: Iden + Copy + 'static, B: Iden + Copy + 'static>(
    name: &str,
    from: (A, A),
    to: (B, B),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Meeting as Mt;
        m.create_table(
            Table::create()
                .table(Mt::Table)
                .col(big_pk_auto(Mt::Id))
                .col(string_len(Mt::DistrictCode, 12))
                .col(string_len(Mt::StreetCode, 12))
                .col(string_len_null(Mt::CommunityCode, 12))
                .col(string_len(Mt::RegionCode, 17))
                .col(string_len(Mt::Level, 16))
                .col(string_len(Mt::Title, 100))
                .col(string_len_null(Mt::Place, 200))
                .col(timestamp_with_time_zone(Mt::StartsAt))
                .col(integer_null(Mt::RecurDays))
                .col(big_integer_null(Mt::SeriesId))
                .col(string_len(Mt::State, 16))
                .col(string_len(Mt::Quorum, 16))
                .col(string_len(Mt::PassShare, 16))
                .col(string_len(Mt::PassBase, 16))
                .col(string_len(Mt::BallotKind, 16))
                .col(text_null(Mt::Minutes))
                .col(timestamp_with_time_zone_null(Mt::StartedAt))
                .col(timestamp_with_time_zone_null(Mt::ClosedAt))
                .col(integer(Mt::Version))
                .col(big_integer_null(Mt::CreatedBy))
                .col(timestamp_with_time_zone(Mt::CreatedAt))
                .col(timestamp_with_time_zone(Mt::UpdatedAt))
                .to_owned(),
        )
        .await?;

        use Topic as T;
        m.create_table(
            Table::create()
                .table(T::Table)
                .col(big_pk_auto(T::Id))
                .col(string_len(T::DistrictCode, 12))
                .col(string_len(T::StreetCode, 12))
                .col(string_len_null(T::CommunityCode, 12))
                .col(string_len(T::RegionCode, 17))
                .col(string_len(T::Level, 16))
                .col(string_len(T::Title, 100))
                .col(string_len(T::Description, 2000))
                .col(string_len(T::Category, 32))
                .col(string_len(T::State, 16))
                .col(integer(T::Supports))
                .col(integer(T::SupportThreshold))
                .col(big_integer_null(T::RaisedBy))
                .col(string_len(T::RaiserKind, 16))
                .col(string_len(T::RaiserName, 64))
                .col(big_integer_null(T::CaseId))
                .col(big_integer_null(T::MergedInto))
                .col(big_integer_null(T::MeetingId))
                .col(string_len_null(T::DecisionNote, 500))
                .col(double_null(T::Lon))
                .col(double_null(T::Lat))
                .col(integer(T::Version))
                .col(timestamp_with_time_zone(T::CreatedAt))
                .col(timestamp_with_time_zone(T::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_topic_case",
                    (T::Table, T::CaseId),
                    (Cases::Table, Cases::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_topic_merged",
                    (T::Table, T::MergedInto),
                    (T::Table, T::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_topic_meeting",
                    (T::Table, T::MeetingId),
                    (Mt::Table, Mt::Id),
                ))
                .to_owned(),
        )
        .await?;

        use TopicSupport as S;
        m.create_table(
            Table::create()
                .table(S::Table)
                .col(big_pk_auto(S::Id))
                .col(big_integer(S::TopicId))
                .col(big_integer(S::AccountId))
                .col(timestamp_with_time_zone(S::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_topic_support_topic",
                    (S::Table, S::TopicId),
                    (T::Table, T::Id),
                ))
                .to_owned(),
        )
        .await?;

        use TopicPhoto as P;
        m.create_table(
            Table::create()
                .table(P::Table)
                .col(big_pk_auto(P::Id))
                .col(string_len(P::DistrictCode, 12))
                .col(big_integer(P::TopicId))
                .col(string_len(P::Sha256, 64))
                .col(string_len(P::Mime, 32))
                .col(big_integer(P::Bytes))
                .col(string_len(P::Path, 200))
                .col(string_len_null(P::ThumbPath, 200))
                .col(big_integer_null(P::UploadedBy))
                .col(timestamp_with_time_zone(P::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_topic_photo_topic",
                    (P::Table, P::TopicId),
                    (T::Table, T::Id),
                ))
                .to_owned(),
        )
        .await?;

        use TopicEvent as E;
        m.create_table(
            Table::create()
                .table(E::Table)
                .col(big_pk_auto(E::Id))
                .col(big_integer(E::TopicId))
                .col(string_len(E::Action, 32))
                .col(string_len_null(E::Note, 500))
                .col(big_integer_null(E::ActorId))
                .col(string_len(E::ActorName, 64))
                .col(timestamp_with_time_zone(E::At))
                .foreign_key(&mut fk(
                    "fk_topic_event_topic",
                    (E::Table, E::TopicId),
                    (T::Table, T::Id),
                ))
                .to_owned(),
        )
        .await?;

        use TopicRating as R;
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(big_pk_auto(R::Id))
                .col(big_integer(R::TopicId))
                .col(big_integer(R::AccountId))
                .col(string_len(R::Rating, 16))
                .col(string_len_null(R::Comment, 500))
                .col(timestamp_with_time_zone(R::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_topic_rating_topic",
                    (R::Table, R::TopicId),
                    (T::Table, T::Id),
                ))
                .to_owned(),
        )
        .await?;

        use Notification as N;
        m.create_table(
            Table::create()
                .table(N::Table)
                .col(big_pk_auto(N::Id))
                .col(string_len(N::DistrictCode, 12))
                .col(big_integer(N::AccountId))
                .col(big_integer_null(N::TopicId))
                .col(string_len(N::Action, 32))
                .col(string_len(N::Title, 200))
                .col(timestamp_with_time_zone(N::CreatedAt))
                .col(timestamp_with_time_zone_null(N::ReadAt))
                .to_owned(),
        )
        .await?;

        use DeliberationSetting as DS;
        m.create_table(
            Table::create()
                .table(DS::Table)
                .col(string_len(DS::DistrictCode, 12))
                .col(string_len(DS::Level, 16))
                .col(integer(DS::SupportThreshold))
                .col(timestamp_with_time_zone(DS::UpdatedAt))
                .primary_key(Index::create().col(DS::DistrictCode).col(DS::Level))
                .to_owned(),
        )
        .await?;

        use MeetingParticipant as MP;
        m.create_table(
            Table::create()
                .table(MP::Table)
                .col(big_pk_auto(MP::Id))
                .col(big_integer(MP::MeetingId))
                .col(string_len(MP::Name, 64))
                .col(string_len(MP::Role, 32))
                .col(string_len_null(MP::Unit, 100))
                .col(big_integer_null(MP::AccountId))
                .col(boolean(MP::CanVote))
                .col(timestamp_with_time_zone_null(MP::CheckedInAt))
                .col(timestamp_with_time_zone(MP::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_meeting_participant_meeting",
                    (MP::Table, MP::MeetingId),
                    (Mt::Table, Mt::Id),
                ))
                .to_owned(),
        )
        .await?;

        use MeetingAttachment as MA;
        m.create_table(
            Table::create()
                .table(MA::Table)
                .col(big_pk_auto(MA::Id))
                .col(string_len(MA::DistrictCode, 12))
                .col(big_integer(MA::MeetingId))
                .col(string_len(MA::Name, 200))
                .col(string_len(MA::Sha256, 64))
                .col(string_len(MA::Mime, 100))
                .col(big_integer(MA::Bytes))
                .col(string_len(MA::Path, 200))
                .col(big_integer_null(MA::UploadedBy))
                .col(timestamp_with_time_zone(MA::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_meeting_attachment_meeting",
                    (MA::Table, MA::MeetingId),
                    (Mt::Table, Mt::Id),
                ))
                .to_owned(),
        )
        .await?;

        use Proposal as Pr;
        m.create_table(
            Table::create()
                .table(Pr::Table)
                .col(big_pk_auto(Pr::Id))
                .col(string_len(Pr::DistrictCode, 12))
                .col(big_integer(Pr::MeetingId))
                .col(big_integer_null(Pr::TopicId))
                .col(integer(Pr::Position))
                .col(string_len(Pr::Title, 100))
                .col(string_len_null(Pr::Text, 2000))
                .col(string_len(Pr::State, 16))
                .col(string_len(Pr::BallotKind, 16))
                .col(string_len(Pr::Quorum, 16))
                .col(string_len(Pr::PassShare, 16))
                .col(string_len(Pr::PassBase, 16))
                .col(integer(Pr::Eligible))
                .col(integer(Pr::Present))
                .col(integer(Pr::ForVotes))
                .col(integer(Pr::Against))
                .col(integer(Pr::Abstain))
                .col(boolean_null(Pr::QuorumMet))
                .col(boolean_null(Pr::Passed))
                .col(timestamp_with_time_zone_null(Pr::OpenedAt))
                .col(timestamp_with_time_zone_null(Pr::ClosedAt))
                .col(integer(Pr::Version))
                .col(timestamp_with_time_zone(Pr::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_proposal_meeting",
                    (Pr::Table, Pr::MeetingId),
                    (Mt::Table, Mt::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_proposal_topic",
                    (Pr::Table, Pr::TopicId),
                    (T::Table, T::Id),
                ))
                .to_owned(),
        )
        .await?;

        use Ballot as B;
        m.create_table(
            Table::create()
                .table(B::Table)
                .col(big_pk_auto(B::Id))
                .col(big_integer(B::ProposalId))
                .col(big_integer(B::ParticipantId))
                .col(string_len_null(B::Choice, 16))
                .col(big_integer_null(B::RecordedBy))
                .col(timestamp_with_time_zone(B::CastAt))
                .foreign_key(&mut fk(
                    "fk_ballot_proposal",
                    (B::Table, B::ProposalId),
                    (Pr::Table, Pr::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_ballot_participant",
                    (B::Table, B::ParticipantId),
                    (MP::Table, MP::Id),
                ))
                .to_owned(),
        )
        .await?;

        use Resolution as Rs;
        m.create_table(
            Table::create()
                .table(Rs::Table)
                .col(big_pk_auto(Rs::Id))
                .col(string_len(Rs::DistrictCode, 12))
                .col(string_len(Rs::StreetCode, 12))
                .col(string_len_null(Rs::CommunityCode, 12))
                .col(string_len(Rs::RegionCode, 17))
                .col(big_integer_null(Rs::TopicId))
                .col(big_integer(Rs::MeetingId))
                .col(big_integer(Rs::ProposalId))
                .col(string_len(Rs::Title, 100))
                .col(string_len(Rs::Text, 4000))
                .col(integer(Rs::NoticeDays))
                .col(timestamp_with_time_zone(Rs::PublishedAt))
                .col(timestamp_with_time_zone(Rs::NoticeEndsAt))
                .col(timestamp_with_time_zone_null(Rs::ImplementedAt))
                .col(timestamp_with_time_zone_null(Rs::CompletedAt))
                .col(integer(Rs::Version))
                .col(big_integer_null(Rs::CreatedBy))
                .col(timestamp_with_time_zone(Rs::CreatedAt))
                .col(timestamp_with_time_zone(Rs::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_resolution_topic",
                    (Rs::Table, Rs::TopicId),
                    (T::Table, T::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_resolution_meeting",
                    (Rs::Table, Rs::MeetingId),
                    (Mt::Table, Mt::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_resolution_proposal",
                    (Rs::Table, Rs::ProposalId),
                    (Pr::Table, Pr::Id),
                ))
                .to_owned(),
        )
        .await?;

        use ResolutionCase as RC;
        m.create_table(
            Table::create()
                .table(RC::Table)
                .col(big_pk_auto(RC::Id))
                .col(big_integer(RC::ResolutionId))
                .col(big_integer(RC::CaseId))
                .col(timestamp_with_time_zone(RC::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_resolution_case_resolution",
                    (RC::Table, RC::ResolutionId),
                    (Rs::Table, Rs::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_resolution_case_case",
                    (RC::Table, RC::CaseId),
                    (Cases::Table, Cases::Id),
                ))
                .to_owned(),
        )
        .await?;

        use ResolutionTask as RT;
        m.create_table(
            Table::create()
                .table(RT::Table)
                .col(big_pk_auto(RT::Id))
                .col(big_integer(RT::ResolutionId))
                .col(integer(RT::Position))
                .col(string_len(RT::Title, 200))
                .col(string_len_null(RT::Owner, 100))
                .col(date_null(RT::DueOn))
                .col(timestamp_with_time_zone_null(RT::DoneAt))
                .col(string_len_null(RT::Note, 500))
                .col(integer(RT::Version))
                .col(timestamp_with_time_zone(RT::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_resolution_task_resolution",
                    (RT::Table, RT::ResolutionId),
                    (Rs::Table, Rs::Id),
                ))
                .to_owned(),
        )
        .await?;

        let indexes = [
            // Lists in scope: a street's (or community's, grid's) topics by state, newest first.
            index(
                T::Table,
                "idx_topic_area",
                &[T::StreetCode, T::RegionCode, T::State],
            ),
            index(
                T::Table,
                "idx_topic_district",
                &[T::DistrictCode, T::State, T::UpdatedAt],
            ),
            index(T::Table, "idx_topic_case", &[T::CaseId]),
            index(T::Table, "idx_topic_meeting", &[T::MeetingId]),
            index(S::Table, "uq_topic_support", &[S::TopicId, S::AccountId])
                .unique()
                .to_owned(),
            index(S::Table, "idx_topic_support_account", &[S::AccountId]),
            index(P::Table, "idx_topic_photo_topic", &[P::TopicId]),
            index(E::Table, "idx_topic_event_topic", &[E::TopicId, E::Id]),
            index(R::Table, "uq_topic_rating", &[R::TopicId, R::AccountId])
                .unique()
                .to_owned(),
            index(N::Table, "idx_notification_account", &[N::AccountId, N::Id]),
            index(
                Mt::Table,
                "idx_meeting_area",
                &[Mt::StreetCode, Mt::RegionCode, Mt::StartsAt],
            ),
            index(
                Mt::Table,
                "idx_meeting_district",
                &[Mt::DistrictCode, Mt::StartsAt],
            ),
            index(Mt::Table, "idx_meeting_series", &[Mt::SeriesId]),
            index(MP::Table, "idx_participant_meeting", &[MP::MeetingId]),
            index(MP::Table, "idx_participant_account", &[MP::AccountId]),
            index(MA::Table, "idx_attachment_meeting", &[MA::MeetingId]),
            index(Pr::Table, "idx_proposal_meeting", &[Pr::MeetingId, Pr::Position]),
            index(Pr::Table, "idx_proposal_topic", &[Pr::TopicId]),
            index(B::Table, "uq_ballot", &[B::ProposalId, B::ParticipantId])
                .unique()
                .to_owned(),
            index(Rs::Table, "uq_resolution_proposal", &[Rs::ProposalId])
                .unique()
                .to_owned(),
            index(Rs::Table, "idx_resolution_topic", &[Rs::TopicId]),
            index(
                Rs::Table,
                "idx_resolution_area",
                &[Rs::StreetCode, Rs::RegionCode, Rs::PublishedAt],
            ),
            index(RC::Table, "uq_resolution_case", &[RC::ResolutionId, RC::CaseId])
                .unique()
                .to_owned(),
            index(RC::Table, "idx_resolution_case_case", &[RC::CaseId]),
            index(
                RT::Table,
                "idx_resolution_task",
                &[RT::ResolutionId, RT::Position],
            ),
        ];
        for mut i in indexes {
            m.create_index(i.if_not_exists().to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            ResolutionTask::Table.into_iden(),
            ResolutionCase::Table.into_iden(),
            Resolution::Table.into_iden(),
            Ballot::Table.into_iden(),
            Proposal::Table.into_iden(),
            MeetingAttachment::Table.into_iden(),
            MeetingParticipant::Table.into_iden(),
            DeliberationSetting::Table.into_iden(),
            Notification::Table.into_iden(),
            TopicRating::Table.into_iden(),
            TopicEvent::Table.into_iden(),
            TopicPhoto::Table.into_iden(),
            TopicSupport::Table.into_iden(),
            Topic::Table.into_iden(),
            Meeting::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
