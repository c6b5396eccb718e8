//! The registry's counts below a region: for each table, rows per child region (and per kind,
//! group or state), within a reader's scope. One GROUP BY per table on columns its indexes
//! carry (street, grid code, kind), so a street of 100,000 people is counted from an index, not
//! from the table. The child of a row is a prefix of its grid code: a street's communities are
//! the first 12 digits, a community's grids the first 15.

use crate::StoreError;
use crate::entity::{building, care_membership, facility, house, household, organisation, person};
use crate::rows::Located;
use chrono::NaiveDate;
use gridgov_domain::access::Scope;
use gridgov_domain::{RegionCode, RegionLevel};
use sea_orm::sea_query::{Expr, Func, IntoColumnRef};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect};

/// Rows of one child region and one category.
#[derive(Clone, Debug, PartialEq, FromQueryResult)]
pub struct Tally {
    /// The first digits of the rows' grid code that name the child (see [`child_prefix_len`]).
    pub key: String,
    /// The kind, group or state; empty for tables counted without one.
    pub category: String,
    pub n: i64,
    /// Care memberships only: how many are overdue.
    pub overdue: Option<i64>,
}

/// Every table's tallies below one region.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tallies {
    pub people: Vec<Tally>,
    pub households: Vec<Tally>,
    pub buildings: Vec<Tally>,
    pub houses: Vec<Tally>,
    /// Current memberships only.
    pub care: Vec<Tally>,
    pub organisations: Vec<Tally>,
    pub facilities: Vec<Tally>,
}

/// How many leading digits of a grid code name a child of a region of `level`: a district's
/// streets 9 (the street code is them and `000`), a street's communities 12, a community's grids
/// 15, a grid's sub-grids 17 (a row placed on the grid itself then keys as the grid).
pub fn child_prefix_len(level: RegionLevel) -> usize {
    match level {
        RegionLevel::District => 9,
        RegionLevel::Street => 12,
        RegionLevel::Community => 15,
        RegionLevel::Grid | RegionLevel::Subgrid => 17,
    }
}

/// Where to count: the rows of `region`'s subtree in the district that the scope reaches.
pub struct Area<'a> {
    pub district: &'a str,
    pub scope: &'a Scope,
    pub region: &'a RegionCode,
}

/// The tallies of one table.
async fn tally<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    area: &Area<'_>,
    located: Located<E::Column>,
    category: Option<E::Column>,
    due: Option<(E::Column, NaiveDate)>,
) -> Result<Vec<Tally>, StoreError>
where
    E::Column: ColumnTrait + IntoColumnRef,
{
    let len = child_prefix_len(area.region.level());
    // The numbers are literals, not bound values: PostgreSQL matches a selected expression to
    // its GROUP BY by its text, and two statements' parameters ($1, $2) would differ.
    let key = || -> Expr {
        Func::cust("SUBSTR")
            .arg(Expr::col(located.region))
            .arg(Expr::cust("1"))
            .arg(Expr::cust(len.to_string()))
            .into()
    };
    let mut q = E::find()
        .select_only()
        .column_as(key(), "key")
        .filter(located.within(area.district, area.scope, Some(area.region)))
        .group_by(key());
    q = match category {
        Some(c) => q.column_as(Expr::col(c), "category").group_by(c),
        None => q.column_as(Expr::cust("''"), "category"),
    };
    q = q.column_as(Expr::cust("COUNT(*)"), "n");
    q = match due {
        Some((col, today)) => q.filter(col.is_not_null()).column_as(
            Expr::from(Func::sum(Expr::case(col.lt(today), 1).finally(0))),
            "overdue",
        ),
        None => q.column_as(Expr::cust("CAST(NULL AS BIGINT)"), "overdue"),
    };
    Ok(q.into_model::<Tally>().all(conn).await?)
}

/// Counts every table of the registry below `area.region`; care memberships due before
/// `today` are overdue.
pub async fn tallies(
    conn: &impl ConnectionTrait,
    area: &Area<'_>,
    today: NaiveDate,
) -> Result<Tallies, StoreError> {
    macro_rules! located {
        ($m:ident) => {
            Located {
                district: $m::Column::DistrictCode,
                street: $m::Column::StreetCode,
                region: $m::Column::RegionCode,
            }
        };
    }
    Ok(Tallies {
        people: tally::<person::Entity>(conn, area, located!(person), Some(person::Column::Kind), None)
            .await?,
        households: tally::<household::Entity>(conn, area, located!(household), None, None).await?,
        buildings: tally::<building::Entity>(conn, area, located!(building), None, None).await?,
        houses: tally::<house::Entity>(conn, area, located!(house), None, None).await?,
        care: tally::<care_membership::Entity>(
            conn,
            area,
            located!(care_membership),
            Some(care_membership::Column::CareGroup),
            Some((care_membership::Column::NextVisitDue, today)),
        )
        .await?,
        organisations: tally::<organisation::Entity>(
            conn,
            area,
            located!(organisation),
            Some(organisation::Column::Kind),
            None,
        )
        .await?,
        facilities: tally::<facility::Entity>(
            conn,
            area,
            located!(facility),
            Some(facility::Column::State),
            None,
        )
        .await?,
    })
}
