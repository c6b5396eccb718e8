//! Cases: the category catalogue, the working-day calendar, cases with their SLA clocks and
//! assessment facts, the append-only timeline, photos and whistles to departments.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CaseCategory {
    Table,
    Id,
    DistrictCode,
    Code,
    ParentCode,
    Name,
    OwnerLevel,
    DepartmentId,
    AcceptMinutes,
    HandleMinutes,
    AckMinutes,
    TimeMode,
    DirectChannel,
    AutoEscalate,
    Enabled,
    Sort,
    Version,
}

#[derive(DeriveIden)]
enum CalendarDay {
    Table,
    Day,
    Kind,
    Note,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    DistrictCode,
    CategoryId,
    Source,
    Description,
    Address,
    Lon,
    Lat,
    RegionCode,
    GridCode,
    CommunityCode,
    StreetCode,
    ReporterUserId,
    IdempotencyKey,
    State,
    Version,
    HolderKind,
    HolderUnit,
    HolderDepartmentId,
    OwnerUnit,
    Major,
    ReportedAt,
    AcceptedAt,
    DispatchedAt,
    HandledAt,
    ClosedAt,
    HandleWarnAt,
    HandleDueAt,
    Stage,
    StageWarnAt,
    StageDueAt,
    WarnedAt,
    OverdueAt,
    ReworkCount,
    Extended,
    Rating,
    RatedAt,
    ResolutionLevel,
    MergedInto,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CaseEvent {
    Table,
    Id,
    DistrictCode,
    CaseId,
    At,
    Action,
    ActorUserId,
    ActorName,
    Seat,
    FromState,
    ToState,
    HolderAfter,
    Comment,
    PhotoIds,
    Detail,
}

#[derive(DeriveIden)]
enum CasePhoto {
    Table,
    Id,
    DistrictCode,
    CaseId,
    EventId,
    Sha256,
    Mime,
    Bytes,
    Path,
    ThumbPath,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CaseWhistle {
    Table,
    Id,
    DistrictCode,
    CaseId,
    DepartmentId,
    RegionCode,
    StreetCode,
    WhistledAt,
    AckDueAt,
    AcknowledgedAt,
    ReturnedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CaseCategory::Table)
                .if_not_exists()
                .col(big_pk_auto(CaseCategory::Id))
                .col(string_len(CaseCategory::DistrictCode, 12))
                .col(string_len(CaseCategory::Code, 48))
                .col(string_len_null(CaseCategory::ParentCode, 48))
                .col(string_len(CaseCategory::Name, 64))
                .col(string_len(CaseCategory::OwnerLevel, 16))
                .col(big_integer_null(CaseCategory::DepartmentId))
                .col(integer(CaseCategory::AcceptMinutes))
                .col(integer(CaseCategory::HandleMinutes))
                .col(integer(CaseCategory::AckMinutes))
                .col(string_len(CaseCategory::TimeMode, 16))
                .col(boolean(CaseCategory::DirectChannel).default(false))
                .col(boolean(CaseCategory::AutoEscalate).default(false))
                .col(boolean(CaseCategory::Enabled).default(true))
                .col(integer(CaseCategory::Sort).default(0))
                .col(integer(CaseCategory::Version).default(1))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CalendarDay::Table)
                .if_not_exists()
                .col(string_len(CalendarDay::Day, 10).primary_key())
                .col(string_len(CalendarDay::Kind, 8))
                .col(string_len(CalendarDay::Note, 64))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Cases::Table)
                .if_not_exists()
                .col(big_pk_auto(Cases::Id))
                .col(string_len(Cases::DistrictCode, 12))
                .col(big_integer(Cases::CategoryId))
                .col(string_len(Cases::Source, 16))
                .col(text(Cases::Description))
                .col(string_len_null(Cases::Address, 200))
                .col(double(Cases::Lon))
                .col(double(Cases::Lat))
                .col(string_len(Cases::RegionCode, 17))
                .col(string_len_null(Cases::GridCode, 17))
                .col(string_len(Cases::CommunityCode, 12))
                .col(string_len(Cases::StreetCode, 12))
                .col(big_integer_null(Cases::ReporterUserId))
                .col(string_len_null(Cases::IdempotencyKey, 64))
                .col(string_len(Cases::State, 16))
                .col(integer(Cases::Version).default(1))
                .col(string_len(Cases::HolderKind, 16))
                .col(string_len_null(Cases::HolderUnit, 17))
                .col(big_integer_null(Cases::HolderDepartmentId))
                .col(string_len(Cases::OwnerUnit, 17))
                .col(boolean(Cases::Major).default(false))
                .col(timestamp_with_time_zone(Cases::ReportedAt))
                .col(timestamp_with_time_zone_null(Cases::AcceptedAt))
                .col(timestamp_with_time_zone_null(Cases::DispatchedAt))
                .col(timestamp_with_time_zone_null(Cases::HandledAt))
                .col(timestamp_with_time_zone_null(Cases::ClosedAt))
                .col(timestamp_with_time_zone_null(Cases::HandleWarnAt))
                .col(timestamp_with_time_zone_null(Cases::HandleDueAt))
                .col(string_len_null(Cases::Stage, 16))
                .col(timestamp_with_time_zone_null(Cases::StageWarnAt))
                .col(timestamp_with_time_zone_null(Cases::StageDueAt))
                .col(timestamp_with_time_zone_null(Cases::WarnedAt))
                .col(timestamp_with_time_zone_null(Cases::OverdueAt))
                .col(integer(Cases::ReworkCount).default(0))
                .col(boolean(Cases::Extended).default(false))
                .col(string_len_null(Cases::Rating, 16))
                .col(timestamp_with_time_zone_null(Cases::RatedAt))
                .col(string_len_null(Cases::ResolutionLevel, 16))
                .col(big_integer_null(Cases::MergedInto))
                .col(timestamp_with_time_zone(Cases::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CaseEvent::Table)
                .if_not_exists()
                .col(big_pk_auto(CaseEvent::Id))
                .col(string_len(CaseEvent::DistrictCode, 12))
                .col(big_integer(CaseEvent::CaseId))
                .col(timestamp_with_time_zone(CaseEvent::At))
                .col(string_len(CaseEvent::Action, 24))
                .col(big_integer_null(CaseEvent::ActorUserId))
                .col(string_len(CaseEvent::ActorName, 64))
                .col(string_len(CaseEvent::Seat, 24))
                .col(string_len(CaseEvent::FromState, 16))
                .col(string_len(CaseEvent::ToState, 16))
                .col(string_len_null(CaseEvent::HolderAfter, 64))
                .col(text_null(CaseEvent::Comment))
                .col(text(CaseEvent::PhotoIds))
                .col(text(CaseEvent::Detail))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CasePhoto::Table)
                .if_not_exists()
                .col(big_pk_auto(CasePhoto::Id))
                .col(string_len(CasePhoto::DistrictCode, 12))
                .col(big_integer(CasePhoto::CaseId))
                .col(big_integer_null(CasePhoto::EventId))
                .col(string_len(CasePhoto::Sha256, 64))
                .col(string_len(CasePhoto::Mime, 32))
                .col(big_integer(CasePhoto::Bytes))
                .col(string_len(CasePhoto::Path, 200))
                .col(string_len_null(CasePhoto::ThumbPath, 200))
                .col(big_integer_null(CasePhoto::UploadedBy))
                .col(timestamp_with_time_zone(CasePhoto::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CaseWhistle::Table)
                .if_not_exists()
                .col(big_pk_auto(CaseWhistle::Id))
                .col(string_len(CaseWhistle::DistrictCode, 12))
                .col(big_integer(CaseWhistle::CaseId))
                .col(big_integer(CaseWhistle::DepartmentId))
                .col(string_len(CaseWhistle::RegionCode, 17))
                .col(string_len(CaseWhistle::StreetCode, 12))
                .col(timestamp_with_time_zone(CaseWhistle::WhistledAt))
                .col(timestamp_with_time_zone(CaseWhistle::AckDueAt))
                .col(timestamp_with_time_zone_null(CaseWhistle::AcknowledgedAt))
                .col(timestamp_with_time_zone_null(CaseWhistle::ReturnedAt))
                .to_owned(),
        )
        .await?;
        let indexes: Vec<IndexCreateStatement> = vec![
            Index::create()
                .name("uq_category_code")
                .table(CaseCategory::Table)
                .col(CaseCategory::DistrictCode)
                .col(CaseCategory::Code)
                .unique()
                .if_not_exists()
                .to_owned(),
            Index::create()
                .name("uq_case_idempotency")
                .table(Cases::Table)
                .col(Cases::ReporterUserId)
                .col(Cases::IdempotencyKey)
                .unique()
                .if_not_exists()
                .to_owned(),
            Index::create()
                .name("idx_case_holder")
                .table(Cases::Table)
                .col(Cases::DistrictCode)
                .col(Cases::State)
                .col(Cases::HolderUnit)
                .if_not_exists()
                .to_owned(),
            Index::create()
                .name("idx_case_holder_dept")
                .table(Cases::Table)
                .col(Cases::HolderDepartmentId)
                .col(Cases::State)
                .if_not_exists()
                .to_owned(),
            Index::create()
                .name("idx_case_region")
                .table(Cases::Table)
                .col(Cases::DistrictCode)
                .col(Cases::RegionCode)
                .if_not_exists()
                .to_owned(),
            Index::create()
                .name("idx_case_reporter")
                .table(Cases::Table)
                .col(Cases::ReporterUserId)
                .col(Cases::Id)
                .if_not_exists()
                .to_owned(),
            Index::create()
                .name("idx_case_dup")
                .table(Cases::Table)
                .col(Cases::DistrictCode)
                .col(Cases::CategoryId)
                .col(Cases::ReportedAt)
                .if_not_exists()
                .to_owned(),
            Index::create()
                .name("idx_case_street_reported")
                .table(Cases::Table)
                .col(Cases::StreetCode)
                .col(Cases::ReportedAt)
                .if_not_exists()
                .to_owned(),
            Index::create()
                .name("idx_case_street_accepted")
                .table(Cases::Table)
                .col(Cases::StreetCode)
                .col(Cases::AcceptedAt)
                .if_not_exists()
                .to_owned(),
            Index::create()
                .name("idx_case_street_due")
                .table(Cases::Table)
                .col(Cases::StreetCode)
                .col(Cases::HandleDueAt)
                .if_not_exists()
                .to_owned(),
            Index::create()
                .name("idx_case_street_closed")
                .table(Cases::Table)
                .col(Cases::StreetCode)
                .col(Cases::ClosedAt)
                .if_not_exists()
                .to_owned(),
            Index::create()
                .name("idx_case_street_rated")
                .table(Cases::Table)
                .col(Cases::StreetCode)
                .col(Cases::RatedAt)
                .if_not_exists()
                .to_owned(),
            Index::create()
                .name("idx_case_stage_due")
                .table(Cases::Table)
                .col(Cases::StageDueAt)
                .if_not_exists()
                .to_owned(),
            Index::create()
                .name("idx_case_stage_warn")
                .table(Cases::Table)
                .col(Cases::StageWarnAt)
                .if_not_exists()
                .to_owned(),
            Index::create()
                .name("idx_case_event_case")
                .table(CaseEvent::Table)
                .col(CaseEvent::CaseId)
                .col(CaseEvent::Id)
                .if_not_exists()
                .to_owned(),
            Index::create()
                .name("idx_case_photo_case")
                .table(CasePhoto::Table)
                .col(CasePhoto::CaseId)
                .if_not_exists()
                .to_owned(),
            Index::create()
                .name("idx_whistle_case")
                .table(CaseWhistle::Table)
                .col(CaseWhistle::CaseId)
                .if_not_exists()
                .to_owned(),
            Index::create()
                .name("idx_whistle_dept")
                .table(CaseWhistle::Table)
                .col(CaseWhistle::DepartmentId)
                .col(CaseWhistle::AcknowledgedAt)
                .if_not_exists()
                .to_owned(),
            Index::create()
                .name("idx_whistle_street_ack")
                .table(CaseWhistle::Table)
                .col(CaseWhistle::StreetCode)
                .col(CaseWhistle::AcknowledgedAt)
                .if_not_exists()
                .to_owned(),
        ];
        for i in indexes {
            m.create_index(i).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CaseWhistle::Table).if_exists().to_owned())
            .await?;
        m.drop_table(Table::drop().table(CasePhoto::Table).if_exists().to_owned())
            .await?;
        m.drop_table(Table::drop().table(CaseEvent::Table).if_exists().to_owned())
            .await?;
        m.drop_table(Table::drop().table(Cases::Table).if_exists().to_owned())
            .await?;
        m.drop_table(Table::drop().table(CalendarDay::Table).if_exists().to_owned())
            .await?;
        m.drop_table(Table::drop().table(CaseCategory::Table).if_exists().to_owned())
            .await?;
        Ok(())
    }
}
