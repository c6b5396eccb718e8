//! The region tree, centres, departments, staff and grid teams.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Region {
    Table,
    Code,
    DistrictCode,
    ParentCode,
    Level,
    Kind,
    ExclusiveType,
    Name,
    Boundary,
    MinLon,
    MinLat,
    MaxLon,
    MaxLat,
    AreaM2,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Centre {
    Table,
    Id,
    DistrictCode,
    RegionCode,
    Name,
    DutyPhone,
    Address,
}

#[derive(DeriveIden)]
enum Department {
    Table,
    Id,
    DistrictCode,
    Code,
    Name,
    DutyPhone,
}

// The column is `staff_no`; the lint dislikes the prefix, the schema needs it.
#[allow(clippy::enum_variant_names)]
#[derive(DeriveIden)]
enum Staff {
    Table,
    Id,
    DistrictCode,
    StaffNo,
    Name,
    Employment,
    ForceSource,
    Unit,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TeamMember {
    Table,
    Id,
    DistrictCode,
    GridCode,
    StaffId,
    Role,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Region::Table)
                .if_not_exists()
                .col(string_len(Region::Code, 17).primary_key())
                .col(string_len(Region::DistrictCode, 12))
                .col(string_len_null(Region::ParentCode, 17))
                .col(string_len(Region::Level, 16))
                .col(string_len_null(Region::Kind, 16))
                .col(string_len_null(Region::ExclusiveType, 32))
                .col(string_len(Region::Name, 100))
                .col(text_null(Region::Boundary))
                .col(double_null(Region::MinLon))
                .col(double_null(Region::MinLat))
                .col(double_null(Region::MaxLon))
                .col(double_null(Region::MaxLat))
                .col(double_null(Region::AreaM2))
                .col(integer(Region::Version).default(1))
                .col(timestamp_with_time_zone(Region::CreatedAt))
                .col(timestamp_with_time_zone(Region::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_region_parent")
                        .from(Region::Table, Region::ParentCode)
                        .to(Region::Table, Region::Code),
                )
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("idx_region_district", vec![Region::DistrictCode, Region::Level]),
            ("idx_region_parent", vec![Region::ParentCode]),
            (
                "idx_region_bbox",
                vec![Region::Level, Region::MinLon, Region::MaxLon],
            ),
        ] {
            let mut idx = Index::create();
            idx.name(name).table(Region::Table).if_not_exists();
            for c in cols {
                idx.col(c);
            }
            m.create_index(idx).await?;
        }

        m.create_table(
            Table::create()
                .table(Centre::Table)
                .if_not_exists()
                .col(big_pk_auto(Centre::Id))
                .col(string_len(Centre::DistrictCode, 12))
                .col(string_len_uniq(Centre::RegionCode, 17))
                .col(string_len(Centre::Name, 100))
                .col(string_len_null(Centre::DutyPhone, 32))
                .col(string_len_null(Centre::Address, 200))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_centre_region")
                        .from(Centre::Table, Centre::RegionCode)
                        .to(Region::Table, Region::Code),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Department::Table)
                .if_not_exists()
                .col(big_pk_auto(Department::Id))
                .col(string_len(Department::DistrictCode, 12))
                .col(string_len(Department::Code, 32))
                .col(string_len(Department::Name, 100))
                .col(string_len_null(Department::DutyPhone, 32))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_department_code")
                .table(Department::Table)
                .col(Department::DistrictCode)
                .col(Department::Code)
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Staff::Table)
                .if_not_exists()
                .col(big_pk_auto(Staff::Id))
                .col(string_len(Staff::DistrictCode, 12))
                .col(string_len(Staff::StaffNo, 32))
                .col(string_len(Staff::Name, 64))
                .col(string_len(Staff::Employment, 16))
                .col(string_len(Staff::ForceSource, 32))
                .col(string_len_null(Staff::Unit, 100))
                .col(timestamp_with_time_zone(Staff::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_staff_no")
                .table(Staff::Table)
                .col(Staff::DistrictCode)
                .col(Staff::StaffNo)
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TeamMember::Table)
                .if_not_exists()
                .col(big_pk_auto(TeamMember::Id))
                .col(string_len(TeamMember::DistrictCode, 12))
                .col(string_len(TeamMember::GridCode, 17))
                .col(big_integer(TeamMember::StaffId))
                .col(string_len(TeamMember::Role, 16))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_team_member_grid")
                        .from(TeamMember::Table, TeamMember::GridCode)
                        .to(Region::Table, Region::Code),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_team_member_staff")
                        .from(TeamMember::Table, TeamMember::StaffId)
                        .to(Staff::Table, Staff::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_team_member")
                .table(TeamMember::Table)
                .col(TeamMember::GridCode)
                .col(TeamMember::StaffId)
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_team_member_staff")
                .table(TeamMember::Table)
                .col(TeamMember::StaffId)
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            TeamMember::Table.into_iden(),
            Staff::Table.into_iden(),
            Department::Table.into_iden(),
            Centre::Table.into_iden(),
            Region::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
