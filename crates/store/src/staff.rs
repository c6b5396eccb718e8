//! Staff, grid teams, centres and departments.

use crate::StoreError;
use crate::entity::{centre, department, staff, team_member};
use crate::regions::CHUNK;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq)]
pub struct NewStaff {
    pub district_code: String,
    pub staff_no: String,
    pub name: String,
    pub employment: String,
    pub force_source: String,
    pub unit: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewMember {
    pub grid_code: String,
    pub staff_no: String,
    pub role: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewCentre {
    pub region_code: String,
    pub name: String,
    pub duty_phone: Option<String>,
    pub address: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewDepartment {
    pub code: String,
    pub name: String,
    pub duty_phone: Option<String>,
}

/// One member of a grid team with their staff record.
#[derive(Clone, Debug, PartialEq)]
pub struct TeamEntry {
    pub member: team_member::Model,
    pub staff: staff::Model,
}

/// Inserts staff and their team places for one district; staff numbers link the two.
pub async fn insert_teams(
    conn: &impl ConnectionTrait,
    district: &str,
    people: &[NewStaff],
    members: &[NewMember],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for chunk in people.chunks(CHUNK) {
        staff::Entity::insert_many(chunk.iter().map(|p| staff::ActiveModel {
            district_code: Set(p.district_code.clone()),
            staff_no: Set(p.staff_no.clone()),
            name: Set(p.name.clone()),
            employment: Set(p.employment.clone()),
            force_source: Set(p.force_source.clone()),
            unit: Set(p.unit.clone()),
            created_at: Set(now),
            ..Default::default()
        }))
        .exec_without_returning(conn)
        .await
        .map_err(StoreError::classify)?;
    }
    let ids: HashMap<String, i64> = staff::Entity::find()
        .filter(staff::Column::DistrictCode.eq(district))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.staff_no, s.id))
        .collect();
    let mut rows = Vec::with_capacity(members.len());
    for m in members {
        let Some(id) = ids.get(&m.staff_no) else {
            return Err(StoreError::Conflict);
        };
        rows.push(team_member::ActiveModel {
            district_code: Set(district.to_owned()),
            grid_code: Set(m.grid_code.clone()),
            staff_id: Set(*id),
            role: Set(m.role.clone()),
            ..Default::default()
        });
    }
    for chunk in rows.chunks(CHUNK) {
        team_member::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(conn)
            .await
            .map_err(StoreError::classify)?;
    }
    Ok(())
}

/// The team of a grid: leader first, then the lead worker, then helpers by name.
pub async fn team_of(conn: &impl ConnectionTrait, grid_code: &str) -> Result<Vec<TeamEntry>, StoreError> {
    let members = team_member::Entity::find()
        .filter(team_member::Column::GridCode.eq(grid_code))
        .order_by_asc(team_member::Column::Id)
        .all(conn)
        .await?;
    let ids: Vec<i64> = members.iter().map(|m| m.staff_id).collect();
    let people: HashMap<i64, staff::Model> = staff::Entity::find()
        .filter(staff::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let rank = |r: &str| match r {
        "leader" => 0,
        "lead_worker" => 1,
        _ => 2,
    };
    let mut out: Vec<TeamEntry> = members
        .into_iter()
        .filter_map(|m| {
            people
                .get(&m.staff_id)
                .cloned()
                .map(|s| TeamEntry { member: m, staff: s })
        })
        .collect();
    out.sort_by(|a, b| {
        rank(&a.member.role)
            .cmp(&rank(&b.member.role))
            .then(a.member.id.cmp(&b.member.id))
    });
    Ok(out)
}

/// Number of distinct staff in a district.
pub async fn staff_count(conn: &impl ConnectionTrait, district: &str) -> Result<u64, StoreError> {
    use sea_orm::PaginatorTrait;
    Ok(staff::Entity::find()
        .filter(staff::Column::DistrictCode.eq(district))
        .count(conn)
        .await?)
}

pub async fn insert_centres(
    conn: &impl ConnectionTrait,
    district: &str,
    rows: &[NewCentre],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(CHUNK) {
        centre::Entity::insert_many(chunk.iter().map(|c| centre::ActiveModel {
            district_code: Set(district.to_owned()),
            region_code: Set(c.region_code.clone()),
            name: Set(c.name.clone()),
            duty_phone: Set(c.duty_phone.clone()),
            address: Set(c.address.clone()),
            ..Default::default()
        }))
        .exec_without_returning(conn)
        .await
        .map_err(StoreError::classify)?;
    }
    Ok(())
}

pub async fn centre_of(
    conn: &impl ConnectionTrait,
    region_code: &str,
) -> Result<Option<centre::Model>, StoreError> {
    Ok(centre::Entity::find()
        .filter(centre::Column::RegionCode.eq(region_code))
        .one(conn)
        .await?)
}

pub async fn insert_departments(
    conn: &impl ConnectionTrait,
    district: &str,
    rows: &[NewDepartment],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(CHUNK) {
        department::Entity::insert_many(chunk.iter().map(|d| department::ActiveModel {
            district_code: Set(district.to_owned()),
            code: Set(d.code.clone()),
            name: Set(d.name.clone()),
            duty_phone: Set(d.duty_phone.clone()),
            ..Default::default()
        }))
        .exec_without_returning(conn)
        .await
        .map_err(StoreError::classify)?;
    }
    Ok(())
}

pub async fn departments(
    conn: &impl ConnectionTrait,
    district: &str,
) -> Result<Vec<department::Model>, StoreError> {
    Ok(department::Entity::find()
        .filter(department::Column::DistrictCode.eq(district))
        .order_by_asc(department::Column::Id)
        .all(conn)
        .await?)
}
