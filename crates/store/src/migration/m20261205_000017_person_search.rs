//! A street's search of the registry by phone number or by the start of a name must read a
//! narrow index. Migration 14's counting index (street, region, kind, district) matches the
//! street scope's condition (the street, then a range of region codes), and SQLite, which plans
//! the registry without statistics, took it over the phone's blind index and the name index:
//! it then read every person of the street (measured at a million residents: p50 108 ms instead
//! of 1 ms). The phone index now carries the scope's columns after the exact match, and a
//! street-led name index serves a street's name search, so each beats the counting index on
//! its own terms.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Person {
    Table,
    DistrictCode,
    StreetCode,
    RegionCode,
    Name,
    PhoneIndex,
}

fn index(name: &str, cols: &[Person]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(Person::Table);
    for c in cols {
        i.col(*c);
    }
    i
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Person as P;
        m.create_index(index(
            "idx_person_phone_scope",
            &[P::DistrictCode, P::PhoneIndex, P::StreetCode, P::RegionCode],
        ))
        .await?;
        m.drop_index(Index::drop().name("idx_person_phone").table(P::Table).to_owned())
            .await?;
        m.create_index(index(
            "idx_person_street_name",
            &[P::StreetCode, P::Name, P::RegionCode],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Person as P;
        m.drop_index(
            Index::drop()
                .name("idx_person_street_name")
                .table(P::Table)
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_person_phone", &[P::DistrictCode, P::PhoneIndex]))
            .await?;
        m.drop_index(
            Index::drop()
                .name("idx_person_phone_scope")
                .table(P::Table)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
