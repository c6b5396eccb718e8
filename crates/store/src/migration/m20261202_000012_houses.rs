//! The registry's places and households: buildings (楼栋) in grids, houses (房屋) in buildings,
//! households (户) in grids and optionally in a house, and a person's household and relation to
//! its head.
//!
//! Every table is located like people (grid in `region_code`, with community, street and
//! district beside it) so scoped lists read an index led by the street. A house copies its
//! building's codes: its scope is decided without a join.
//!
//! `person.household_id` has no foreign key: SQLite cannot add one to an existing table, and
//! households are never deleted.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Building {
    Table,
    Id,
    DistrictCode,
    StreetCode,
    CommunityCode,
    RegionCode,
    Name,
    Address,
    Floors,
    Units,
    Lon,
    Lat,
    Note,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

// `house_use`: `use` is a keyword in Rust and reserved in SQL.
#[allow(clippy::enum_variant_names)]
#[derive(DeriveIden, Clone, Copy)]
enum House {
    Table,
    Id,
    DistrictCode,
    StreetCode,
    CommunityCode,
    RegionCode,
    BuildingId,
    Unit,
    Floor,
    Room,
    HouseUse,
    Ownership,
    Occupancy,
    Area,
    Note,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Household {
    Table,
    Id,
    DistrictCode,
    StreetCode,
    CommunityCode,
    RegionCode,
    HouseId,
    Number,
    Address,
    Note,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    HouseholdId,
    Relation,
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
        use Building as B;
        m.create_table(
            Table::create()
                .table(B::Table)
                .col(big_pk_auto(B::Id))
                .col(string_len(B::DistrictCode, 12))
                .col(string_len(B::StreetCode, 12))
                .col(string_len(B::CommunityCode, 12))
                .col(string_len(B::RegionCode, 17))
                .col(string_len(B::Name, 64))
                .col(string_len_null(B::Address, 200))
                .col(integer(B::Floors))
                .col(integer(B::Units))
                .col(double_null(B::Lon))
                .col(double_null(B::Lat))
                .col(string_len_null(B::Note, 500))
                .col(integer(B::Version))
                .col(big_integer_null(B::CreatedBy))
                .col(timestamp_with_time_zone(B::CreatedAt))
                .col(timestamp_with_time_zone(B::UpdatedAt))
                .to_owned(),
        )
        .await?;
        use House as H;
        m.create_table(
            Table::create()
                .table(H::Table)
                .col(big_pk_auto(H::Id))
                .col(string_len(H::DistrictCode, 12))
                .col(string_len(H::StreetCode, 12))
                .col(string_len(H::CommunityCode, 12))
                .col(string_len(H::RegionCode, 17))
                .col(big_integer(H::BuildingId))
                .col(integer(H::Unit))
                .col(integer(H::Floor))
                .col(string_len(H::Room, 16))
                .col(string_len(H::HouseUse, 16))
                .col(string_len(H::Ownership, 16))
                .col(string_len(H::Occupancy, 16))
                .col(double_null(H::Area))
                .col(string_len_null(H::Note, 500))
                .col(integer(H::Version))
                .col(big_integer_null(H::CreatedBy))
                .col(timestamp_with_time_zone(H::CreatedAt))
                .col(timestamp_with_time_zone(H::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_house_building")
                        .from(H::Table, H::BuildingId)
                        .to(B::Table, B::Id),
                )
                .to_owned(),
        )
        .await?;
        use Household as D;
        m.create_table(
            Table::create()
                .table(D::Table)
                .col(big_pk_auto(D::Id))
                .col(string_len(D::DistrictCode, 12))
                .col(string_len(D::StreetCode, 12))
                .col(string_len(D::CommunityCode, 12))
                .col(string_len(D::RegionCode, 17))
                .col(big_integer_null(D::HouseId))
                .col(string_len_null(D::Number, 32))
                .col(string_len_null(D::Address, 200))
                .col(string_len_null(D::Note, 500))
                .col(integer(D::Version))
                .col(big_integer_null(D::CreatedBy))
                .col(timestamp_with_time_zone(D::CreatedAt))
                .col(timestamp_with_time_zone(D::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_household_house")
                        .from(D::Table, D::HouseId)
                        .to(H::Table, H::Id),
                )
                .to_owned(),
        )
        .await?;
        // SQLite adds one column per statement.
        m.alter_table(
            Table::alter()
                .table(Person::Table)
                .add_column(big_integer_null(Person::HouseholdId))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Person::Table)
                .add_column(string_len_null(Person::Relation, 16))
                .to_owned(),
        )
        .await?;
        for i in [
            // A scope's list newest first and its count, read from the index alone.
            index(
                B::Table,
                "idx_building_street_id",
                &[B::StreetCode, B::Id, B::RegionCode, B::DistrictCode],
            ),
            // Search by the start of a name.
            index(B::Table, "idx_building_name", &[B::DistrictCode, B::Name]),
            index(
                H::Table,
                "idx_house_street_id",
                &[H::StreetCode, H::Id, H::RegionCode, H::DistrictCode],
            ),
            // One house per door: a room number once in a unit of a building.
            index(H::Table, "uq_house_room", &[H::BuildingId, H::Unit, H::Room])
                .unique()
                .to_owned(),
            index(
                D::Table,
                "idx_household_street_id",
                &[D::StreetCode, D::Id, D::RegionCode, D::DistrictCode],
            ),
            // One household per household number in a district (rows without one are not
            // constrained).
            index(D::Table, "uq_household_number", &[D::DistrictCode, D::Number])
                .unique()
                .to_owned(),
            index(D::Table, "idx_household_house", &[D::HouseId]),
        ] {
            m.create_index(i).await?;
        }
        m.create_index(
            Index::create()
                .name("idx_person_household")
                .table(Person::Table)
                .col(Person::HouseholdId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_person_household")
                .table(Person::Table)
                .to_owned(),
        )
        .await?;
        for c in [Person::Relation, Person::HouseholdId] {
            m.alter_table(Table::alter().table(Person::Table).drop_column(c).to_owned())
                .await?;
        }
        m.drop_table(Table::drop().table(Household::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(House::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Building::Table).to_owned())
            .await?;
        Ok(())
    }
}
