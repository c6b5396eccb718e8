//! The registry's people (实有人口), private by design: the ID number and the phone number are
//! stored sealed (AES-256-GCM with the key's id in front, `app::vault`), beside a keyed blind
//! index for exact lookup and the masked form every list shows, so nothing needs decrypting
//! except an audited reveal. A district knows a person once by ID number.
//!
//! Located like cases: the grid (or sub-grid) in `region_code`, with its community, street and
//! district beside it, so scoped lists and counts read an index led by the street.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Person {
    Table,
    Id,
    DistrictCode,
    StreetCode,
    CommunityCode,
    RegionCode,
    Name,
    Sex,
    BirthDate,
    Kind,
    IdNumberSealed,
    IdNumberIndex,
    IdNumberMasked,
    PhoneSealed,
    PhoneIndex,
    PhoneMasked,
    Address,
    Note,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Person::Table)
                .col(big_pk_auto(Person::Id))
                .col(string_len(Person::DistrictCode, 12))
                .col(string_len(Person::StreetCode, 12))
                .col(string_len(Person::CommunityCode, 12))
                .col(string_len(Person::RegionCode, 17))
                .col(string_len(Person::Name, 64))
                .col(string_len_null(Person::Sex, 8))
                .col(date_null(Person::BirthDate))
                .col(string_len(Person::Kind, 16))
                .col(text_null(Person::IdNumberSealed))
                .col(string_len_null(Person::IdNumberIndex, 32))
                .col(string_len_null(Person::IdNumberMasked, 24))
                .col(text_null(Person::PhoneSealed))
                .col(string_len_null(Person::PhoneIndex, 32))
                .col(string_len_null(Person::PhoneMasked, 24))
                .col(string_len_null(Person::Address, 200))
                .col(string_len_null(Person::Note, 500))
                .col(integer(Person::Version))
                .col(big_integer_null(Person::CreatedBy))
                .col(timestamp_with_time_zone(Person::CreatedAt))
                .col(timestamp_with_time_zone(Person::UpdatedAt))
                .to_owned(),
        )
        .await?;
        let index = |name: &str, cols: &[Person]| {
            let mut i = Index::create();
            i.name(name).table(Person::Table);
            for c in cols {
                i.col(*c);
            }
            i
        };
        use Person as P;
        for i in [
            // One person per ID number in a district (rows without one are not constrained).
            index("uq_person_id_number", &[P::DistrictCode, P::IdNumberIndex])
                .unique()
                .to_owned(),
            index("idx_person_phone", &[P::DistrictCode, P::PhoneIndex]).to_owned(),
            // A scope's list newest first and its count, read from the index alone.
            index(
                "idx_person_street_id",
                &[P::StreetCode, P::Id, P::RegionCode, P::DistrictCode],
            )
            .to_owned(),
            // Search by the start of a name.
            index("idx_person_name", &[P::DistrictCode, P::Name]).to_owned(),
        ] {
            m.create_index(i).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Person::Table).to_owned()).await
    }
}
