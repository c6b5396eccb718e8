//! The rest of the one net of basic information: organisations (单位/组织), care groups'
//! memberships (关爱对象与重点人群) with their visits (走访记录), and facilities (部件); plus the
//! indexes that let the registry's counts per street, community and grid be read from indexes
//! alone.
//!
//! Every table is located like people (grid in `region_code`, with community, street and
//! district beside it). A membership copies its person's codes (kept equal when the person
//! moves), so "overdue in my area" is a range of `idx_care_street_due`: the street, then the
//! stored due day below today. A membership that ended has no due day, so it is never overdue
//! and is left out of that range.
//!
//! The counting indexes end with the district code, which every query names, so that they
//! cover their queries.
//!
//! An organisation's person in charge has a phone number stored like a person's: sealed, with a
//! blind index and the masked form.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Organisation {
    Table,
    Id,
    DistrictCode,
    StreetCode,
    CommunityCode,
    RegionCode,
    Name,
    Kind,
    Uscc,
    Address,
    ContactName,
    ContactPhoneSealed,
    ContactPhoneIndex,
    ContactPhoneMasked,
    BuildingId,
    Employees,
    Note,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum CareMembership {
    Table,
    Id,
    DistrictCode,
    StreetCode,
    CommunityCode,
    RegionCode,
    PersonId,
    CareGroup,
    VisitDays,
    JoinedOn,
    EndedOn,
    LastVisitOn,
    NextVisitDue,
    Note,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum CareVisit {
    Table,
    Id,
    DistrictCode,
    MembershipId,
    VisitedOn,
    VisitorId,
    VisitorName,
    Way,
    Findings,
    FollowUp,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Facility {
    Table,
    Id,
    DistrictCode,
    StreetCode,
    CommunityCode,
    RegionCode,
    Kind,
    Code,
    Lon,
    Lat,
    State,
    OwnerDepartment,
    Note,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Person {
    Table,
    Id,
    DistrictCode,
    StreetCode,
    RegionCode,
    Kind,
}

#[derive(DeriveIden)]
enum Building {
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Organisation as O;
        m.create_table(
            Table::create()
                .table(O::Table)
                .col(big_pk_auto(O::Id))
                .col(string_len(O::DistrictCode, 12))
                .col(string_len(O::StreetCode, 12))
                .col(string_len(O::CommunityCode, 12))
                .col(string_len(O::RegionCode, 17))
                .col(string_len(O::Name, 100))
                .col(string_len(O::Kind, 16))
                .col(string_len_null(O::Uscc, 18))
                .col(string_len_null(O::Address, 200))
                .col(string_len_null(O::ContactName, 64))
                .col(text_null(O::ContactPhoneSealed))
                .col(string_len_null(O::ContactPhoneIndex, 32))
                .col(string_len_null(O::ContactPhoneMasked, 24))
                .col(big_integer_null(O::BuildingId))
                .col(integer_null(O::Employees))
                .col(string_len_null(O::Note, 500))
                .col(integer(O::Version))
                .col(big_integer_null(O::CreatedBy))
                .col(timestamp_with_time_zone(O::CreatedAt))
                .col(timestamp_with_time_zone(O::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_organisation_building")
                        .from(O::Table, O::BuildingId)
                        .to(Building::Table, Building::Id),
                )
                .to_owned(),
        )
        .await?;
        use CareMembership as M;
        m.create_table(
            Table::create()
                .table(M::Table)
                .col(big_pk_auto(M::Id))
                .col(string_len(M::DistrictCode, 12))
                .col(string_len(M::StreetCode, 12))
                .col(string_len(M::CommunityCode, 12))
                .col(string_len(M::RegionCode, 17))
                .col(big_integer(M::PersonId))
                .col(string_len(M::CareGroup, 32))
                .col(integer(M::VisitDays))
                .col(date(M::JoinedOn))
                .col(date_null(M::EndedOn))
                .col(date_null(M::LastVisitOn))
                .col(date_null(M::NextVisitDue))
                .col(string_len_null(M::Note, 500))
                .col(integer(M::Version))
                .col(big_integer_null(M::CreatedBy))
                .col(timestamp_with_time_zone(M::CreatedAt))
                .col(timestamp_with_time_zone(M::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_care_membership_person")
                        .from(M::Table, M::PersonId)
                        .to(Person::Table, Person::Id),
                )
                .to_owned(),
        )
        .await?;
        use CareVisit as V;
        m.create_table(
            Table::create()
                .table(V::Table)
                .col(big_pk_auto(V::Id))
                .col(string_len(V::DistrictCode, 12))
                .col(big_integer(V::MembershipId))
                .col(date(V::VisitedOn))
                .col(big_integer_null(V::VisitorId))
                .col(string_len(V::VisitorName, 64))
                .col(string_len(V::Way, 16))
                .col(string_len(V::Findings, 1000))
                .col(boolean(V::FollowUp))
                .col(timestamp_with_time_zone(V::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_care_visit_membership")
                        .from(V::Table, V::MembershipId)
                        .to(M::Table, M::Id),
                )
                .to_owned(),
        )
        .await?;
        use Facility as F;
        m.create_table(
            Table::create()
                .table(F::Table)
                .col(big_pk_auto(F::Id))
                .col(string_len(F::DistrictCode, 12))
                .col(string_len(F::StreetCode, 12))
                .col(string_len(F::CommunityCode, 12))
                .col(string_len(F::RegionCode, 17))
                .col(string_len(F::Kind, 16))
                .col(string_len_null(F::Code, 32))
                .col(double(F::Lon))
                .col(double(F::Lat))
                .col(string_len(F::State, 16))
                .col(string_len_null(F::OwnerDepartment, 100))
                .col(string_len_null(F::Note, 500))
                .col(integer(F::Version))
                .col(big_integer_null(F::CreatedBy))
                .col(timestamp_with_time_zone(F::CreatedAt))
                .col(timestamp_with_time_zone(F::UpdatedAt))
                .to_owned(),
        )
        .await?;
        for i in [
            // A scope's list newest first and its count, read from the index alone; the counts
            // per kind below a street likewise.
            index(
                O::Table,
                "idx_organisation_street_id",
                &[O::StreetCode, O::Id, O::RegionCode, O::DistrictCode],
            ),
            index(
                O::Table,
                "idx_organisation_counts",
                &[O::StreetCode, O::RegionCode, O::Kind, O::DistrictCode],
            ),
            // One organisation per code in a district (rows without one are not constrained).
            index(O::Table, "uq_organisation_uscc", &[O::DistrictCode, O::Uscc])
                .unique()
                .to_owned(),
            // Search by the start of a name.
            index(O::Table, "idx_organisation_name", &[O::DistrictCode, O::Name]),
            // A person is in a group once.
            index(M::Table, "uq_care_person_group", &[M::PersonId, M::CareGroup])
                .unique()
                .to_owned(),
            // Overdue in an area: the street, then the due day below today; also the counts
            // per group below a street (ended memberships have no due day). A district-wide
            // reader's list reads it whole: a district's members are tens of thousands.
            index(
                M::Table,
                "idx_care_street_due",
                &[
                    M::StreetCode,
                    M::NextVisitDue,
                    M::RegionCode,
                    M::CareGroup,
                    M::DistrictCode,
                ],
            ),
            index(
                V::Table,
                "idx_care_visit_membership",
                &[V::MembershipId, V::VisitedOn],
            ),
            index(
                F::Table,
                "idx_facility_street_id",
                &[F::StreetCode, F::Id, F::RegionCode, F::DistrictCode],
            ),
            index(
                F::Table,
                "idx_facility_counts",
                &[F::StreetCode, F::RegionCode, F::State, F::DistrictCode],
            ),
            // One facility per code in a district (rows without one are not constrained).
            index(F::Table, "uq_facility_code", &[F::DistrictCode, F::Code])
                .unique()
                .to_owned(),
            // A map's box: a range of longitudes, the latitudes checked from the index.
            index(F::Table, "idx_facility_lon", &[F::DistrictCode, F::Lon, F::Lat]),
        ] {
            m.create_index(i).await?;
        }
        // People per kind below a street, from the index alone (the list's index has no kind).
        m.create_index(index(
            Person::Table,
            "idx_person_counts",
            &[
                Person::StreetCode,
                Person::RegionCode,
                Person::Kind,
                Person::DistrictCode,
            ],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_person_counts")
                .table(Person::Table)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(Facility::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(CareVisit::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(CareMembership::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Organisation::Table).to_owned())
            .await?;
        Ok(())
    }
}
