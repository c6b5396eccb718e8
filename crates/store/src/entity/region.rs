//! `region`: every node of the region tree, from district to sub-grid.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "region")]
pub struct Model {
    /// The 12-, 15- or 17-digit code; its digits fix level and parent.
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub district_code: String,
    pub parent_code: Option<String>,
    pub level: String,
    pub kind: Option<String>,
    pub exclusive_type: Option<String>,
    pub name: String,
    /// GeoJSON MultiPolygon in WGS84, or none while a region has no boundary yet.
    pub boundary: Option<String>,
    pub min_lon: Option<f64>,
    pub min_lat: Option<f64>,
    pub max_lon: Option<f64>,
    pub max_lat: Option<f64>,
    pub area_m2: Option<f64>,
    /// Optimistic concurrency: bumped on every change of this row or of its children.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
